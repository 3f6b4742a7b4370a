// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The receive path (DESIGN section 6): a datagram from the UDP tunnel
 * socket is matched to its connection by Destination Connection ID, each
 * coalesced packet is unprotected (RFC 9001 section 5) and its frames are
 * acted on (RFC 9000 section 12.4). Packets for a socket owned by user
 * space wait in the socket backlog; packets whose keys have not arrived
 * yet wait in the connection (RFC 9001 section 5.7).
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/udp.h>
#include <net/sock.h>
#include <net/udp.h>

#include "input.h"
#include "output.h"
#include "socket.h"
#include "ticket.h"
#include "version.h"

/* The peer's address of a received datagram. */
void quic_skb_addrs(struct sk_buff *skb, union quic_addr *src,
		    union quic_addr *dst)
{
	struct udphdr *uh = udp_hdr(skb);

	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	if (ip_hdr(skb)->version == 4) {
		src->v4.sin_family = AF_INET;
		src->v4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		src->v4.sin_port = uh->source;
		dst->v4.sin_family = AF_INET;
		dst->v4.sin_addr.s_addr = ip_hdr(skb)->daddr;
		dst->v4.sin_port = uh->dest;
		return;
	}
	src->v6.sin6_family = AF_INET6;
	src->v6.sin6_addr = ipv6_hdr(skb)->saddr;
	src->v6.sin6_port = uh->source;
	dst->v6.sin6_family = AF_INET6;
	dst->v6.sin6_addr = ipv6_hdr(skb)->daddr;
	dst->v6.sin6_port = uh->dest;
	if (ipv6_addr_type(&src->v6.sin6_addr) & IPV6_ADDR_LINKLOCAL)
		src->v6.sin6_scope_id = inet6_iif(skb);
}

/* Stream flow control limits (RFC 9000 section 18.2, initial_max_*). */
void quic_stream_limits(struct quic_conn *c, s64 id, u64 *send_max,
			u64 *recv_max)
{
	const struct quic_transport_param *ours = &c->params.p;
	const struct quic_transport_param *peer = &c->peer.p;
	bool local = quic_stream_id_local(&c->streams, id);

	if (quic_stream_id_uni(id)) {
		*send_max = peer->max_stream_data_uni;
		*recv_max = ours->max_stream_data_uni;
	} else if (local) {
		*send_max = peer->max_stream_data_bidi_remote;
		*recv_max = ours->max_stream_data_bidi_local;
	} else {
		*send_max = peer->max_stream_data_bidi_local;
		*recv_max = ours->max_stream_data_bidi_remote;
	}
}

/**
 * quic_stream_lookup - the stream a frame or a sendmsg() names
 * @sk: the socket
 * @id: stream ID
 * @errcode: transport error for an unacceptable ID (out)
 *
 * Return: the stream, or NULL (see quic_stream_get_remote()).
 */
struct quic_stream *quic_stream_lookup(struct sock *sk, s64 id, u64 *errcode)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u64 send_max, recv_max;

	quic_stream_limits(c, id, &send_max, &recv_max);
	return quic_stream_get_remote(&c->streams, id, send_max, recv_max,
				      GFP_ATOMIC, errcode);
}

/* Receive memory (RFC 9000 section 4 bounds bytes, not what they cost):
 * above sk_rcvbuf only data the reader can take at once is kept, so that
 * what fills a gap always gets in; out-of-order data waits in the peer
 * (the packet is not acknowledged). Above twice sk_rcvbuf no data is
 * kept at all (in-order data in tiny frames could still cost far more
 * than the bytes flow control allows), but the packet's other frames, an
 * ACK or a CONNECTION_CLOSE, still count.
 */
static bool quic_rmem_full(struct sock *sk, u64 offset, u64 next)
{
	int rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	int rmem = atomic_read(&sk->sk_rmem_alloc);

	return rmem > 2 * rcvbuf || (offset > next && rmem > rcvbuf);
}

/* A copy of frame data, charged to the socket's receive memory. */
static struct sk_buff *quic_data_skb(struct sock *sk, const u8 *data, u32 len)
{
	struct sk_buff *skb = alloc_skb(max(len, 1U), GFP_ATOMIC);

	if (!skb)
		return NULL;
	skb_put_data(skb, data, len);
	skb_set_owner_r(skb, sk);
	return skb;
}

static int quic_rcv_crypto(struct sock *sk, u8 level, struct quic_frame *f,
			   u64 *errcode)
{
	struct quic_level *lvl = &quic_sk(sk)->conn.levels[level];
	struct sk_buff *skb;

	/* RFC 9000 section 7.5: bound what is buffered ahead. */
	if (f->crypto.offset + f->crypto.len >
	    lvl->crypto_recv.next + QUIC_CRYPTO_RECV_MAX) {
		*errcode = QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED;
		return -EPROTO;
	}
	if (quic_rmem_full(sk, f->crypto.offset, lvl->crypto_recv.next))
		return -ENOBUFS;
	skb = quic_data_skb(sk, f->crypto.data, f->crypto.len);
	if (!skb)
		return -ENOMEM;
	quic_rbuf_insert(&lvl->crypto_recv, skb, f->crypto.offset, false);
	while ((skb = quic_rbuf_pop(&lvl->crypto_recv))) {
		/* After the handshake the kernel reads TLS itself. */
		if (level == QUIC_CRYPTO_APP) {
			int err = quic_ticket_rcv(sk, skb, errcode);

			if (err)
				return err;
			continue;
		}
		quic_rbuf_cb(skb)->stream_id = -1;
		quic_rbuf_cb(skb)->level = level;
		quic_rbuf_cb(skb)->event = false;
		quic_sock_queue_rcv(sk, skb);
	}
	return 0;
}

static int quic_rcv_stream(struct sock *sk, struct quic_frame *f, u64 *errcode)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u64 end = f->stream.offset + f->stream.len, grow;
	struct quic_stream *st;
	struct sk_buff *skb;

	st = quic_stream_lookup(sk, f->stream.stream_id, errcode);
	if (!st)
		return *errcode ? -EPROTO : 0;
	if (!st->can_recv) {
		*errcode = QUIC_TRANSPORT_ERROR_STREAM_STATE;
		return -EPROTO;
	}
	if (st->recv_state >= QUIC_STREAM_RECV_STATE_RESET_RECVD) {
		/* Section 4.5: the final size holds after a reset too. */
		if (end > st->recv.final ||
		    (f->stream.fin && end != st->recv.final)) {
			*errcode = QUIC_TRANSPORT_ERROR_FINAL_SIZE;
			return -EPROTO;
		}
		return 0;
	}
	/* RFC 9000 section 4.1: the stream's and the connection's limits. */
	if (end > st->recv_max) {
		*errcode = QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
		return -EPROTO;
	}
	grow = end > st->recv.highest ? end - st->recv.highest : 0;
	if (c->recv_data + grow > c->recv_max_data) {
		*errcode = QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
		return -EPROTO;
	}
	if (quic_rmem_full(sk, f->stream.offset, st->recv.next))
		return -ENOBUFS;
	skb = quic_data_skb(sk, f->stream.data, f->stream.len);
	if (!skb)
		return -ENOMEM;
	if (quic_rbuf_insert(&st->recv, skb, f->stream.offset, f->stream.fin)) {
		*errcode = QUIC_TRANSPORT_ERROR_FINAL_SIZE;
		return -EPROTO;
	}
	/* Counted once stored: a frame lost to -ENOMEM comes again. */
	c->recv_data += grow;
	if (st->recv.final_known && st->recv_state == QUIC_STREAM_RECV_STATE_RECV)
		st->recv_state = QUIC_STREAM_RECV_STATE_SIZE_KNOWN;
	while ((skb = quic_rbuf_pop(&st->recv))) {
		quic_rbuf_cb(skb)->stream_id = st->id;
		quic_rbuf_cb(skb)->event = false;
		if (quic_rbuf_cb(skb)->fin)
			st->recv_state = QUIC_STREAM_RECV_STATE_RECVD;
		quic_sock_queue_rcv(sk, skb);
	}
	return 0;
}

static int quic_rcv_reset(struct sock *sk, struct quic_frame *f, u64 *errcode)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u64 final = f->reset.final_size;
	struct quic_stream *st;

	st = quic_stream_lookup(sk, f->reset.stream_id, errcode);
	if (!st)
		return *errcode ? -EPROTO : 0;
	if (!st->can_recv) {
		*errcode = QUIC_TRANSPORT_ERROR_STREAM_STATE;
		return -EPROTO;
	}
	/* RFC 9000 section 4.5: the final size cannot change. */
	if (final < st->recv.highest ||
	    (st->recv.final_known && final != st->recv.final)) {
		*errcode = QUIC_TRANSPORT_ERROR_FINAL_SIZE;
		return -EPROTO;
	}
	if (final > st->recv_max ||
	    c->recv_data + (final - st->recv.highest) > c->recv_max_data) {
		*errcode = QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
		return -EPROTO;
	}
	c->recv_data += final - st->recv.highest;
	st->recv.highest = final;
	st->recv.final = final;
	st->recv.final_known = true;
	if (st->recv_state >= QUIC_STREAM_RECV_STATE_RECVD)
		return 0;
	st->recv_state = QUIC_STREAM_RECV_STATE_RESET_RECVD;
	st->peer_reset_code = f->reset.error_code;
	/* Section 3.2: data not read yet is dropped with the stream, and
	 * counts as read for the connection window (section 4.5), which may
	 * need a MAX_DATA now: nothing else will be read to send one.
	 */
	quic_rbuf_free(&st->recv);
	quic_sock_purge_stream(sk, st->id);
	quic_recv_credit(sk, NULL, final - st->recv_read);
	st->recv_read = final;
	quic_stream_event(sk, st);
	/* The event told the application (or nothing would): Reset Read. */
	st->recv_state = QUIC_STREAM_RECV_STATE_RESET_READ;
	quic_sock_uncharge(sk, quic_stream_maybe_free(&c->streams, st));
	return 0;
}

static int quic_rcv_stop_sending(struct sock *sk, struct quic_frame *f,
				 u64 *errcode)
{
	struct quic_stream *st;

	st = quic_stream_lookup(sk, f->stop.stream_id, errcode);
	if (!st)
		return *errcode ? -EPROTO : 0;
	if (!st->can_send) {
		*errcode = QUIC_TRANSPORT_ERROR_STREAM_STATE;
		return -EPROTO;
	}
	/* RFC 9000 section 3.5: answer with RESET_STREAM and its code. */
	quic_stream_reset(sk, st, f->stop.error_code);
	return 0;
}

static int quic_rcv_max_stream_data(struct sock *sk, struct quic_frame *f,
				    u64 *errcode)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_stream *st;

	st = quic_stream_lookup(sk, f->stream_max.stream_id, errcode);
	if (!st)
		return *errcode ? -EPROTO : 0;
	if (!st->can_send) {
		*errcode = QUIC_TRANSPORT_ERROR_STREAM_STATE;
		return -EPROTO;
	}
	if (f->type == QUIC_FRAME_MAX_STREAM_DATA && f->stream_max.value > st->send_max) {
		st->send_max = f->stream_max.value;
		if (quic_sbuf_pending(&st->send))
			quic_stream_queue(&c->streams, st);
		quic_event_stream_max_data(sk, st->id, st->send_max);
		quic_stream_write_space(sk);
	}
	return 0;
}

static int quic_rcv_new_cid(struct sock *sk, struct quic_frame *f,
			    u64 *errcode)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_dcid *d = quic_cid_first_dcid(&c->ids);
	u64 active = d ? d->seq : 0;
	int err;

	/* Section 19.15: not to a peer using zero-length IDs (we never do). */
	if (d && !d->cid.len) {
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return -EPROTO;
	}
	err = quic_cid_add_dcid(&c->ids, f->new_cid.seq, f->new_cid.cid,
				f->new_cid.cid_len, f->new_cid.reset_token,
				GFP_ATOMIC);
	if (err == -EPROTO) {
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return err;
	}
	if (err)
		return err;
	/* Section 5.1.2: what the peer no longer wants us to use, and
	 * section 5.1.1: no more IDs than our active_connection_id_limit.
	 */
	if (!quic_cid_retire_prior(&c->ids, f->new_cid.retire_prior_to) ||
	    c->ids.dcid_count > c->params.p.active_connection_id_limit) {
		*errcode = QUIC_TRANSPORT_ERROR_CONNECTION_ID_LIMIT;
		return -EPROTO;
	}
	d = quic_cid_first_dcid(&c->ids);
	if (d && d->seq != active) {
		quic_reset_token_update(sk);
		quic_event_connection_id(sk, d->seq, c->ids.dcid_retire_prior_to);
	}
	return 0;
}

/* RFC 9000 section 19.16: the peer retired one of our IDs; issue another.
 * The ID the packet itself was sent to cannot be the one retired.
 */
static int quic_rcv_retire_cid(struct sock *sk, struct quic_frame *f,
			       const struct quic_packet_hdr *hdr, u64 *errcode)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_scid *s;

	list_for_each_entry(s, &c->ids.scids, list) {
		if (s->seq == f->retire_cid.seq && s->cid.len == hdr->dcid_len &&
		    !memcmp(s->cid.data, hdr->dcid, hdr->dcid_len)) {
			*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
			return -EPROTO;
		}
	}
	if (quic_cid_retire_scid(&c->ids, f->retire_cid.seq)) {
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return -EPROTO;
	}
	quic_cid_fill(&c->ids, sk, GFP_ATOMIC);
	return 0;
}

/* RFC 9221 section 3: only as large as our max_datagram_frame_size said
 * (0: not at all), else PROTOCOL_VIOLATION. Section 5: a payload the
 * application has no room for is dropped, the packet still acknowledged.
 */
static int quic_rcv_datagram(struct sock *sk, struct quic_frame *f,
			     u64 *errcode)
{
	u32 max = quic_sk(sk)->conn.params.p.max_datagram_frame_size;
	u32 len = f->datagram.len;
	struct sk_buff *skb;

	if (f->datagram.frame_len > max) {
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return -EPROTO;
	}
	if (atomic_read(&sk->sk_rmem_alloc) + len > READ_ONCE(sk->sk_rcvbuf))
		return 0;
	skb = alloc_skb(len, GFP_ATOMIC);
	if (!skb)
		return 0;
	skb_put_data(skb, f->datagram.data, len);
	quic_rbuf_cb(skb)->datagram = true;
	quic_rbuf_cb(skb)->stream_id = -1;
	quic_sock_queue_rcv(sk, skb);
	return 0;
}

/* Act on one frame of the packet @hdr; returns 0, -EPROTO with *@errcode
 * to close, or another errno to drop the packet unacknowledged.
 */
static int quic_rcv_frame(struct sock *sk, u8 level, struct quic_frame *f,
			  const struct quic_packet_hdr *hdr, u64 *errcode)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_streams *ss = &c->streams;

	switch (f->type) {
	case QUIC_FRAME_PADDING:
	case QUIC_FRAME_PING:
		return 0;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		return quic_recovery_on_ack(sk, level, &f->ack, errcode);
	case QUIC_FRAME_CRYPTO:
		return quic_rcv_crypto(sk, level, f, errcode);
	case QUIC_FRAME_STREAM:
		return quic_rcv_stream(sk, f, errcode);
	case QUIC_FRAME_RESET_STREAM:
		return quic_rcv_reset(sk, f, errcode);
	case QUIC_FRAME_STOP_SENDING:
		return quic_rcv_stop_sending(sk, f, errcode);
	case QUIC_FRAME_MAX_DATA:
		if (f->max.value > c->send_max_data) {
			c->send_max_data = f->max.value;
			quic_stream_write_space(sk);
		}
		return 0;
	case QUIC_FRAME_MAX_STREAM_DATA:
	case QUIC_FRAME_STREAM_DATA_BLOCKED:
		if (f->type == QUIC_FRAME_STREAM_DATA_BLOCKED) {
			/* Section 19.13: about a stream we receive on. */
			struct quic_stream *st;

			st = quic_stream_lookup(sk, f->stream_max.stream_id,
						errcode);
			if (!st)
				return *errcode ? -EPROTO : 0;
			if (!st->can_recv) {
				*errcode = QUIC_TRANSPORT_ERROR_STREAM_STATE;
				return -EPROTO;
			}
			return 0;
		}
		return quic_rcv_max_stream_data(sk, f, errcode);
	case QUIC_FRAME_MAX_STREAMS_BIDI:
		if (f->max.value > ss->max_bidi) {
			ss->max_bidi = f->max.value;
			quic_event_stream_max_stream(sk, false, ss->max_bidi);
			quic_stream_write_space(sk);
		}
		return 0;
	case QUIC_FRAME_MAX_STREAMS_UNI:
		if (f->max.value > ss->max_uni) {
			ss->max_uni = f->max.value;
			quic_event_stream_max_stream(sk, true, ss->max_uni);
			quic_stream_write_space(sk);
		}
		return 0;
	case QUIC_FRAME_DATA_BLOCKED:
	case QUIC_FRAME_STREAMS_BLOCKED_BIDI:
	case QUIC_FRAME_STREAMS_BLOCKED_UNI:
		return 0;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		return quic_rcv_new_cid(sk, f, errcode);
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		return quic_rcv_retire_cid(sk, f, hdr, errcode);
	case QUIC_FRAME_PATH_CHALLENGE:
		memcpy(c->path_response, f->path.data, QUIC_PATH_DATA_LEN);
		c->path_response_pending = true;
		return 0;
	case QUIC_FRAME_PATH_RESPONSE:
		quic_path_response_rcv(sk, f->path.data);
		return 0;
	case QUIC_FRAME_NEW_TOKEN:
		/* Section 19.7: only servers send it. */
		if (c->is_server) {
			*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
			return -EPROTO;
		}
		quic_new_token_rcv(sk, f->token.data, f->token.len);
		return 0;
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		quic_conn_drain(sk, f);
		return 0;
	case QUIC_FRAME_HANDSHAKE_DONE:
		/* Section 19.20: only servers send it. */
		if (c->is_server) {
			*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
			return -EPROTO;
		}
		quic_conn_confirm(sk);
		return 0;
	case QUIC_FRAME_DATAGRAM:
		return quic_rcv_datagram(sk, f, errcode);
	default:
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return -EPROTO;
	}
}

static u8 quic_packet_level(enum quic_packet_type type)
{
	switch (type) {
	case QUIC_PACKET_INITIAL:
		return QUIC_CRYPTO_INITIAL;
	case QUIC_PACKET_HANDSHAKE:
		return QUIC_CRYPTO_HANDSHAKE;
	case QUIC_PACKET_0RTT:
		return QUIC_CRYPTO_EARLY;
	case QUIC_PACKET_SHORT:
		return QUIC_CRYPTO_APP;
	default:
		return QUIC_CRYPTO_MAX;
	}
}

/* Keep the rest of a datagram until the keys of its first packet arrive. */
static void quic_rcv_pend(struct sock *sk, struct sk_buff *skb, u32 offset)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct sk_buff *rest;

	if (skb_queue_len(&c->pending) >= QUIC_PENDING_MAX)
		return;
	rest = skb_clone(skb, GFP_ATOMIC);
	if (!rest)
		return;
	skb_pull(rest, offset);
	__skb_queue_tail(&c->pending, rest);
}

/* The first packet from the peer tells its connection ID (section 7.2). */
static void quic_rcv_first(struct sock *sk, const struct quic_packet_hdr *hdr)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_dcid *d = quic_cid_first_dcid(&c->ids);

	if (c->is_server || c->dcid_from_peer || !d ||
	    hdr->type == QUIC_PACKET_SHORT)
		return;
	d->cid.len = hdr->scid_len;
	memcpy(d->cid.data, hdr->scid, hdr->scid_len);
	c->dcid_from_peer = true;
}

/* One packet at @offset of the datagram. Returns 0 to go on with the next
 * coalesced packet, 1 to stop (the rest waits for keys), or -EPROTO when
 * the connection was closed.
 */
static int quic_rcv_packet(struct sock *sk, struct sk_buff *skb, u32 offset,
			   const struct quic_packet_hdr *hdr,
			   const union quic_addr *from,
			   const union quic_addr *to)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;
	u8 tail[QUIC_STATELESS_RESET_TOKEN_LEN];
	enum quic_ku_which which = QUIC_KU_CUR;
	struct quic_frame *f = c->rx_frame;
	bool eliciting = false, reserved, plain, moved, pref, probing = true;
	bool response_pending = c->path_response_pending;
	u8 response[QUIC_PATH_DATA_LEN];
	struct quic_crypto_key *key, *other = NULL;
	u32 pn_len, hdr_len, i, plen;
	struct quic_pnspace *space;
	struct quic_level *lvl;
	u64 pn = 0, errcode = 0;
	u8 *pkt, *p, level;
	int n, err;

	if (hdr->type == QUIC_PACKET_VERSION_NEGOTIATION) {
		quic_version_negotiation_rcv(sk, skb->data + offset, hdr);
		return 1;
	}
	if (hdr->type == QUIC_PACKET_RETRY) {
		quic_retry_rcv(sk, skb->data + offset, hdr);
		return 1;
	}
	level = quic_packet_level(hdr->type);
	if (level == QUIC_CRYPTO_MAX)
		return 0;
	/* RFC 9369 section 4.1: of another version, only Initials while
	 * the version is being negotiated (version.c).
	 */
	if (hdr->type != QUIC_PACKET_SHORT &&
	    hdr->version != quic_version_of_level(sk, level)) {
		other = quic_version_compat_key(sk, hdr, level);
		if (!other)
			return 0;
	}
	/* RFC 9000 section 17.2.3: only a client sends 0-RTT; RFC 9001
	 * section 4.9.3: none is taken once 1-RTT keys are in use.
	 */
	if (level == QUIC_CRYPTO_EARLY && (!c->is_server || c->early_done))
		return 0;
	/* RFC 9000 section 9: a client takes packets from the server's
	 * address only (and, while it moves to the server's preferred
	 * address, from the one it left); a server sees the client at a new
	 * address, or at our preferred address (section 9.6.2), in 1-RTT
	 * packets once the handshake is confirmed, not before.
	 */
	moved = !quic_addr_same(from, &c->path.remote);
	pref = c->is_server && qs->pref_udp &&
	       !quic_addr_same(to, &c->path.local) &&
	       quic_addr_same(to, &qs->pref_addr);
	memcpy(response, c->path_response, QUIC_PATH_DATA_LEN);
	if (moved && !c->is_server && c->path.check.has_prev &&
	    quic_addr_same(from, &c->path.check.prev))
		moved = false;
	if ((moved || pref) && (!c->is_server || level != QUIC_CRYPTO_APP ||
				!c->handshake_confirmed))
		return 0;
	lvl = &c->levels[level];
	space = quic_conn_space(c, level);
	if (space->discarded)
		return 0;
	if (!lvl->recv_ready) {
		quic_rcv_pend(sk, skb, offset);
		return 1;
	}
	pkt = skb->data + offset;
	/* RFC 9000 section 17.2: a packet with the Fixed Bit clear is
	 * invalid, unless we asked for it to be greased (RFC 9287 section 3).
	 */
	if (!(pkt[0] & 0x40) && !c->params.p.grease_quic_bit)
		return 0;
	/* A short header packet ends the datagram: keep its last bytes
	 * before they are unprotected, they may be a reset token.
	 */
	if (hdr->type == QUIC_PACKET_SHORT && hdr->len >= sizeof(tail))
		memcpy(tail, pkt + hdr->len - sizeof(tail), sizeof(tail));
	plain = level == QUIC_CRYPTO_APP && c->plain_1rtt;
	if (plain) {
		/* draft-banks-quic-disable-encryption-00: no protection. */
		/* No tag to fail: a stateless reset (RFC 9000 section
		 * 10.3.1) is told by its token, where our zeroed tags are.
		 */
		pn_len = (pkt[0] & 0x03) + 1;
		if (hdr->pn_offset + pn_len + QUIC_TAG_LEN > hdr->len ||
		    (hdr->len >= QUIC_RESET_MIN_LEN && quic_reset_match(sk, tail)))
			goto undecryptable;
	} else if (quic_crypto_hp_remove(other ?: &lvl->recv_key, pkt, hdr->len,
					 hdr->pn_offset, &pn_len)) {
		goto undecryptable;
	}
	for (i = 0; i < pn_len; i++)
		pn = (pn << 8) | pkt[hdr->pn_offset + i];
	pn = quic_pn_decode(space->recv_count ? quic_pnspace_largest(space) :
			    U64_MAX, pn, pn_len);
	hdr_len = hdr->pn_offset + pn_len;
	key = other ?: &lvl->recv_key;
	if (plain)
		goto opened;
	if (level == QUIC_CRYPTO_APP) {
		/* RFC 9001 section 6: the Key Phase bit picks the keys. */
		key = quic_ku_recv_key(sk, !!(pkt[0] & 0x04), pn, &which);
		if (!key)
			goto undecryptable;
	}
	/* RFC 9001 section 5.5: what does not authenticate is dropped. */
	if (quic_crypto_open(key, pkt, hdr_len, hdr->len, 0, pn)) {
		/* Section 6.6: and too many of them end the connection. */
		if (level == QUIC_CRYPTO_APP && quic_ku_auth_failed(sk)) {
			errcode = QUIC_TRANSPORT_ERROR_AEAD_LIMIT_REACHED;
			f->type = 0;
			goto close;
		}
		goto undecryptable;
	}
	if (level == QUIC_CRYPTO_APP)
		quic_ku_opened(sk, which, pn);
	if (level == QUIC_CRYPTO_INITIAL)
		quic_version_compat_opened(sk, key);
opened:
	if (quic_pnspace_seen(space, pn))
		return 0;
	quic_rcv_first(sk, hdr);
	/* RFC 9000 section 8.1: a Handshake packet from the client proves
	 * it got our Initial at its address.
	 */
	if (level == QUIC_CRYPTO_HANDSHAKE)
		c->path.validated = true;

	/* RFC 9000 section 19.19: errors of the packet itself name frame 0. */
	f->type = 0;
	/* RFC 9000 sections 17.2 and 17.3.1: reserved bits must be zero. */
	reserved = hdr->type == QUIC_PACKET_SHORT ? pkt[0] & 0x18 : pkt[0] & 0x0c;
	plen = hdr->len - hdr_len - QUIC_TAG_LEN;
	if (reserved || !plen) {
		errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		goto close;
	}
	p = pkt + hdr_len;
	while (plen) {
		n = quic_frame_parse(p, plen, f, &errcode);
		if (n < 0)
			goto close;
		/* Section 12.4: each frame type has packet types it may use. */
		if (!quic_frame_allowed(f->type, hdr->type)) {
			errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
			goto close;
		}
		eliciting |= quic_frame_ack_eliciting(f->type);
		probing &= quic_frame_probing(f->type);
		err = quic_rcv_frame(sk, level, f, hdr, &errcode);
		if (err == -EPROTO)
			goto close;
		/* Out of memory: not acknowledged, so the peer sends the
		 * packet's frames again (acting on them twice is harmless).
		 */
		if (err)
			return 0;
		if (sk->sk_state == QUIC_SS_CLOSING || sk->sk_state == QUIC_SS_CLOSED)
			return -EPROTO;
		p += n;
		plen -= n;
	}
	/* 0-RTT packets are acknowledged in 1-RTT ones, like those. */
	quic_pnspace_record(space, pn, eliciting, ktime_get(),
			    level == QUIC_CRYPTO_APP || level == QUIC_CRYPTO_EARLY ?
			    c->params.p.max_ack_delay : 0);
	/* RFC 9000 section 9.3: the peer moved when its newest packet is a
	 * non-probing one from a new address. A probing packet from there
	 * is answered there (section 8.2.2), not on the path.
	 */
	if ((moved || pref) && !probing && quic_pnspace_largest(space) == pn) {
		if (pref)
			quic_path_local_moved(sk, skb->len);
		if (moved)
			quic_path_peer_moved(sk, from, skb->len);
	} else if ((moved || pref) && probing && c->path_response_pending &&
		   (!response_pending ||
		    memcmp(response, c->path_response, QUIC_PATH_DATA_LEN))) {
		quic_path_probed(sk, from, skb->len, c->path_response, pref);
		/* What was due on the path still is. */
		memcpy(c->path_response, response, QUIC_PATH_DATA_LEN);
		c->path_response_pending = response_pending;
	}
	/* RFC 9000 section 13.4.1; section 13.2.1: CE is acknowledged now. */
	if (quic_ecn_received(&space->ecn, quic_ecn_codepoint(skb)) && eliciting)
		space->ack_immediate = true;
	if (space->ack_deadline && !space->ack_immediate)
		quic_timer_start(sk, QUIC_DEFER_ACK,
				 max_t(s64, ktime_us_delta(space->ack_deadline,
							   ktime_get()), 0));
	quic_conn_touch(sk);
	/* RFC 9001 section 4.9.1: the server's first Handshake packet. */
	if (c->is_server && level == QUIC_CRYPTO_HANDSHAKE &&
	    !c->levels[QUIC_CRYPTO_INITIAL].space.discarded)
		quic_conn_discard_level(sk, QUIC_CRYPTO_INITIAL);
	return 0;

close:
	quic_conn_close(sk, errcode, f->type, "", false);
	return -EPROTO;

undecryptable:
	/* RFC 9000 section 10.3.1 */
	if (hdr->type == QUIC_PACKET_SHORT && hdr->len >= QUIC_RESET_MIN_LEN &&
	    quic_reset_match(sk, tail)) {
		quic_conn_stateless_reset(sk);
		return -EPROTO;
	}
	return 0;
}

static int __quic_rcv(struct sock *sk, struct sk_buff *skb, bool count)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	union quic_addr from, to;
	struct quic_packet_hdr hdr;
	u32 offset = 0;
	int ret;

	if (!c->initialised || sk->sk_state == QUIC_SS_CLOSED ||
	    sk->sk_state == QUIC_SS_LISTENING)
		goto out;
	quic_skb_addrs(skb, &from, &to);
	/* What the peer sent from the address we send to counts toward
	 * what we may send there before it is validated (RFC 9000 section
	 * 8.1); a datagram from elsewhere does not.
	 */
	if (count && !c->path.validated && quic_addr_same(&from, &c->path.remote))
		c->path.rx_bytes += skb->len;
	/* In the closing and draining states nothing more is processed;
	 * closing answers with CONNECTION_CLOSE (RFC 9000 section 10.2.1).
	 */
	if (sk->sk_state == QUIC_SS_CLOSING) {
		if (quic_closing_rcv(sk))
			goto xmit;
		goto out;
	}
	while (offset < skb->len) {
		if (quic_packet_parse_header(skb->data + offset,
					     skb->len - offset, QUIC_CID_LEN,
					     &hdr))
			break;
		ret = quic_rcv_packet(sk, skb, offset, &hdr, &from, &to);
		if (ret)
			break;
		offset += hdr.len;
	}
	/* Datagrams queued on the backlog while user space held the socket
	 * are answered together, once the backlog is drained
	 * (quic_release_cb()): one ACK for the lot rather than one per two
	 * packets, and whatever the ACKs they carried let us send, in one
	 * burst that UDP GSO can batch.
	 */
xmit:
	if (sock_owned_by_user(sk)) {
		if (!test_and_set_bit(QUIC_DEFER_XMIT, &c->deferred))
			sock_hold(sk);
	} else {
		quic_xmit(sk);
	}
out:
	kfree_skb(skb);
	return 0;
}

/**
 * quic_rcv - process a datagram for a connection socket
 * @sk: the socket, locked (bh lock, or owned through the backlog)
 * @skb: the datagram, UDP header pulled; consumed
 *
 * Return: 0.
 */
int quic_rcv(struct sock *sk, struct sk_buff *skb)
{
	return __quic_rcv(sk, skb, true);
}

/* New keys arrived: go through the packets that waited for them. */
void quic_input_replay(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct sk_buff_head q;
	struct sk_buff *skb;

	__skb_queue_head_init(&q);
	skb_queue_splice_init(&c->pending, &q);
	while ((skb = __skb_dequeue(&q)))
		__quic_rcv(sk, skb, false);	/* counted when it came */
}

/* Run @skb on @sk now, or through the backlog when user space owns it. */
void quic_deliver(struct sock *sk, struct sk_buff *skb)
{
	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		quic_rcv(sk, skb);
	/* The backlog also carries what ends the connection (a
	 * CONNECTION_CLOSE after a burst of full-size packets): room for
	 * both buffers and some, as TCP leaves (tcp_add_backlog()).
	 */
	else if (sk_add_backlog(sk, skb, READ_ONCE(sk->sk_rcvbuf) +
				READ_ONCE(sk->sk_sndbuf) + SZ_64K))
		kfree_skb(skb);
	bh_unlock_sock(sk);
}

/**
 * quic_udp_rcv - a datagram arrived on a QUIC UDP tunnel socket
 * @net: its network namespace
 * @us: the UDP socket's state
 * @skb: the datagram, data at the UDP header; consumed
 *
 * Context: softirq.
 */
void quic_udp_rcv(struct net *net, struct quic_udp_sock *us,
		  struct sk_buff *skb)
{
	struct quic_packet_hdr hdr;
	struct sock *sk;
	int err;

	if (!pskb_may_pull(skb, sizeof(struct udphdr)))
		goto drop;
	__skb_pull(skb, sizeof(struct udphdr));
	/* The input route is held by RCU only; packets may wait for accept()
	 * or their keys well beyond that, and QUIC never needs it.
	 */
	skb_dst_drop(skb);
	/* Packets are opened in place: the data must be ours and linear. */
	if (skb_linearize_cow(skb))
		goto drop;
	err = quic_packet_parse_header(skb->data, skb->len, QUIC_CID_LEN, &hdr);
	if (err == -EPROTONOSUPPORT)
		quic_version_negotiation_send(us, skb, &hdr);
	if (err)
		goto drop;
	sk = quic_cid_lookup(net, hdr.dcid, hdr.dcid_len);
	if (!sk && hdr.type == QUIC_PACKET_SHORT) {
		/* RFC 9000 section 10.3.1: maybe the peer's reset; if not,
		 * section 10.3: a connection we have no state for.
		 */
		sk = quic_reset_lookup(net, skb);
		if (!sk) {
			quic_reset_send(us, skb, &hdr);
			goto drop;
		}
	}
	if (sk) {
		quic_deliver(sk, skb);
		sock_put(sk);
		return;
	}
	/* A new connection: RFC 9000 section 14.1, an Initial in a datagram
	 * of less than 1200 bytes is dropped; section 7.2, its Destination
	 * Connection ID is at least 8 bytes. Its 0-RTT packets wait with it
	 * (RFC 9001 section 4.6.1), for accept() to hand them over.
	 */
	if (((hdr.type == QUIC_PACKET_INITIAL &&
	      skb->len >= QUIC_MIN_UDP_PAYLOAD) || hdr.type == QUIC_PACKET_0RTT) &&
	    hdr.dcid_len >= QUIC_CID_LEN && quic_listener_queue(us, skb, &hdr))
		return;
drop:
	kfree_skb(skb);
}
