// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The send path (DESIGN section 6): frames are packed into packets per
 * encryption level, packets of several levels are coalesced into one UDP
 * datagram (RFC 9000 section 12.2), protected (RFC 9001 section 5) and
 * sent through the shared UDP tunnel socket.
 */

#include <linux/random.h>
#include <linux/slab.h>
#include <asm/unaligned.h>
#include <net/inet_ecn.h>

#include "output.h"
#include "socket.h"
#include "varint.h"
#include "version.h"

#define QUIC_LONG_HDR_MAX	(1 + 4 + 1 + QUIC_CID_MAX_LEN + 1 + \
				 QUIC_CID_MAX_LEN + 8 + 2 + QUIC_PN_MAX_LEN)
#define QUIC_XMIT_HEADROOM	(MAX_HEADER + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr))
/* A 1-RTT packet this close to filling its room is padded to fill it. */
#define QUIC_TX_FILL_SLACK	8

/**
 * struct quic_tx - one packet being built
 * @level: its encryption level
 * @start: its first byte in the datagram
 * @pn_offset: offset of the packet number from @start
 * @pn_len: packet number length
 * @len_field: offset of the long header Length field, 0 for short
 * @p: where the next frame goes
 * @end: end of the room for frames (tag excluded)
 * @pkt: what the packet carries, for acknowledgment and loss
 * @untracked: not handed to loss recovery (a packet off the path)
 */
struct quic_tx {
	u8			level;
	u8			*start;
	u32			pn_offset;
	u32			pn_len;
	u32			len_field;
	u8			*p;
	u8			*end;
	struct quic_sent_pkt	*pkt;
	bool			untracked;
};

static u32 quic_tx_room(const struct quic_tx *tx)
{
	return tx->end - tx->p;
}

static struct quic_sent_frame *quic_tx_note(struct quic_tx *tx, u8 type)
{
	struct quic_sent_frame *f;

	if (tx->pkt->nframes == QUIC_SENT_FRAMES_MAX)
		return NULL;
	f = &tx->pkt->frames[tx->pkt->nframes++];
	memset(f, 0, sizeof(*f));
	f->type = type;
	if (quic_frame_ack_eliciting(type))
		tx->pkt->ack_eliciting = true;
	if (quic_frame_in_flight(type))
		tx->pkt->in_flight = true;
	return f;
}

/* Encode @f if it fits and there is room to remember it. */
static bool quic_tx_put(struct quic_tx *tx, const struct quic_frame *f, u64 id)
{
	struct quic_sent_frame *sf;
	int n;

	if (quic_frame_len(f) > quic_tx_room(tx) ||
	    tx->pkt->nframes == QUIC_SENT_FRAMES_MAX)
		return false;
	n = quic_frame_put(tx->p, quic_tx_room(tx), f);
	if (n <= 0)
		return false;
	tx->p += n;
	sf = quic_tx_note(tx, f->type);
	sf->id = id;
	return true;
}

static u8 quic_long_type_bits(u32 version, u8 level)
{
	/* RFC 9000 section 17.2 Table 5; RFC 9369 section 3.2: v2 adds 1. */
	u8 bits = level == QUIC_CRYPTO_INITIAL ? 0 :
		  level == QUIC_CRYPTO_EARLY ? 1 : 2;

	return version == QUIC_VERSION_V2 ? bits + 1 : bits;
}

/* The @len low bytes of @pn, most significant first (section 17.1). */
static void quic_put_pn(u8 *p, u64 pn, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(pn >> (8 * (len - 1 - i)));
}

static bool quic_tx_begin(struct sock *sk, struct sk_buff *skb, u8 level,
			  u32 room, struct quic_tx *tx)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_pnspace *space = quic_conn_space(c, level);
	struct quic_dcid *dcid = quic_cid_first_dcid(&c->ids);
	struct quic_scid *scid = NULL, *s;
	u64 pn = space->next_pn;
	u8 *p;

	if (level != QUIC_CRYPTO_APP) {
		/* The long header's Source Connection ID: one of ours. */
		list_for_each_entry(s, &c->ids.scids, list) {
			if (s->seq != QUIC_CID_SEQ_ODCID) {
				scid = s;
				break;
			}
		}
		if (!scid)
			return false;
	}
	if (!dcid || room < QUIC_LONG_HDR_MAX + QUIC_TAG_LEN + 32 +
	    (level == QUIC_CRYPTO_INITIAL ? c->token_len : 0))
		return false;
	tx->pkt = kzalloc(sizeof(*tx->pkt), GFP_ATOMIC);
	if (!tx->pkt)
		return false;
	tx->level = level;
	/* RFC 9000 section 17.1 and appendix A.3: a packet delayed behind
	 * half the packet number window is decoded to the wrong number and
	 * then fails authentication. Unprotected 1-RTT packets have no such
	 * check, and would be acted on with that number (acknowledging
	 * packets never sent): they carry all four bytes.
	 */
	if (level == QUIC_CRYPTO_APP && c->plain_1rtt)
		tx->pn_len = QUIC_PN_MAX_LEN;
	else
		tx->pn_len = quic_pn_encode_len(pn, space->largest_acked,
						space->has_acked);
	tx->start = skb_tail_pointer(skb);
	p = tx->start;
	if (level == QUIC_CRYPTO_APP) {
		/* RFC 9000 section 17.3.1, RFC 9001 section 6: Key Phase. */
		*p = 0x40 | (c->ku.send_phase << 2) | (tx->pn_len - 1);
		/* RFC 9287 section 3: a peer that asked for it gets the
		 * Fixed Bit greased, at random.
		 */
		if (c->peer_params_set && c->peer.p.grease_quic_bit &&
		    (get_random_u8() & 1))
			*p &= ~0x40;
		p++;
		memcpy(p, dcid->cid.data, dcid->cid.len);
		p += dcid->cid.len;
		tx->len_field = 0;
	} else {
		u32 version = quic_version_of_level(sk, level);

		*p++ = 0xc0 | (quic_long_type_bits(version, level) << 4) |
		       (tx->pn_len - 1);
		put_unaligned_be32(version, p);
		p += 4;
		*p++ = dcid->cid.len;
		memcpy(p, dcid->cid.data, dcid->cid.len);
		p += dcid->cid.len;
		*p++ = scid->cid.len;
		memcpy(p, scid->cid.data, scid->cid.len);
		p += scid->cid.len;
		if (level == QUIC_CRYPTO_INITIAL) {
			/* Section 17.2.2: a client's token. */
			u32 tlen = c->is_server ? 0 : c->token_len;

			p += quic_varint_put(p, 8, tlen);
			memcpy(p, c->token, tlen);
			p += tlen;
		}
		tx->len_field = p - tx->start;
		p += 2;		/* Length, a two-byte varint */
	}
	tx->pn_offset = p - tx->start;
	quic_put_pn(p, pn, tx->pn_len);
	p += tx->pn_len;
	tx->p = p;
	tx->end = tx->start + room - QUIC_TAG_LEN;
	tx->pkt->pn = pn;
	tx->untracked = false;
	/* 0-RTT packets are acknowledged and lost as 1-RTT ones. */
	tx->pkt->level = level == QUIC_CRYPTO_EARLY ? QUIC_CRYPTO_APP : level;
	return true;
}

/* Seal the packet; returns its length, 0 if it was dropped. */
static u32 quic_tx_finish(struct sock *sk, struct sk_buff *skb,
			  struct quic_tx *tx, u32 pad_to)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_level *lvl = &c->levels[tx->level];
	u32 payload, len, cur, pad = 0;

	/* RFC 9000 section 14.1 padding (@pad_to is this packet's share),
	 * and RFC 9001 section 5.4.2: the header protection sample starts 4
	 * bytes after the packet number, so pn + payload is at least 4.
	 */
	cur = tx->p - tx->start + QUIC_TAG_LEN;
	if (pad_to > cur)
		pad = pad_to - cur;
	payload = tx->p - tx->start - tx->pn_offset - tx->pn_len;
	if (payload + pad + tx->pn_len < 4)
		pad = 4 - tx->pn_len - payload;
	pad = min(pad, quic_tx_room(tx));
	/* An ack-eliciting 1-RTT packet a few bytes short of its room (a
	 * STREAM header shorter than reserved) fills it: full datagrams
	 * are then all one size, as UDP GSO wants them (quic_xmit()). One
	 * that elicits no ACK stays as it is: padding would count it in
	 * flight.
	 */
	if (tx->level == QUIC_CRYPTO_APP && tx->pkt->ack_eliciting &&
	    quic_tx_room(tx) - pad <= QUIC_TX_FILL_SLACK)
		pad = quic_tx_room(tx);
	if (pad) {
		memset(tx->p, 0, pad);
		tx->p += pad;
		payload += pad;
		tx->pkt->in_flight = true;
	}
	len = tx->p - tx->start + QUIC_TAG_LEN;
	if (tx->len_field) {
		u32 l = tx->pn_len + payload + QUIC_TAG_LEN;

		tx->start[tx->len_field] = 0x40 | (l >> 8);
		tx->start[tx->len_field + 1] = l & 0xff;
	}
	if (tx->level == QUIC_CRYPTO_APP && c->plain_1rtt) {
		/* Unprotected 1-RTT: the tag's room stays, zeroed, so that
		 * sizes and the stateless reset test are unchanged.
		 */
		memset(tx->p, 0, QUIC_TAG_LEN);
	} else if (quic_crypto_seal(&lvl->send_key, tx->start,
				    tx->pn_offset + tx->pn_len, payload, 0,
				    tx->pkt->pn) ||
		   quic_crypto_hp_apply(&lvl->send_key, tx->start, len,
					tx->pn_offset, tx->pn_len)) {
		kfree(tx->pkt);
		tx->pkt = NULL;
		return 0;
	}
	skb_put(skb, len);
	tx->pkt->size = len;
	tx->pkt->time = ktime_get();
	quic_conn_space(c, tx->level)->next_pn++;
	/* The datagram goes out ECT(0) when this holds (quic_path_xmit()). */
	tx->pkt->ecn = quic_ecn_marking(&c->path.ecn);
	if (tx->untracked)
		kfree(tx->pkt);
	else
		quic_recovery_on_sent(sk, tx->pkt);
	tx->pkt = NULL;
	if (tx->level == QUIC_CRYPTO_APP && !c->plain_1rtt)
		quic_ku_sent(sk);
	/* RFC 9001 section 4.9.1: the client's first Handshake packet. */
	if (!c->is_server && tx->level == QUIC_CRYPTO_HANDSHAKE &&
	    !c->levels[QUIC_CRYPTO_INITIAL].space.discarded)
		quic_conn_discard_level(sk, QUIC_CRYPTO_INITIAL);
	return len;
}

static void quic_tx_ack(struct sock *sk, struct quic_tx *tx)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_pnspace *space = quic_conn_space(c, tx->level);
	struct quic_frame *f = c->tx_frame;
	u32 exp = tx->level == QUIC_CRYPTO_APP ? c->params.p.ack_delay_exponent : 3;

	if (!space->recv_count || !space->ack_pending)
		return;
	quic_pnspace_fill_ack(space, f, ktime_get(), exp);
	/* Fewer ranges when the packet has no room for all of them. */
	while (f->ack.range_count > 1 && quic_frame_len(f) > quic_tx_room(tx))
		f->ack.range_count--;
	if (quic_tx_put(tx, f, f->ack.largest))
		quic_pnspace_ack_sent(space);
}

static void quic_tx_close(struct sock *sk, struct quic_tx *tx)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_frame *f = c->tx_frame;

	memset(f, 0, sizeof(*f));
	f->type = QUIC_FRAME_CONNECTION_CLOSE;
	f->close.error_code = c->close_code;
	f->close.frame_type = c->close_frame;
	f->close.reason = c->close_reason;
	f->close.reason_len = strlen(c->close_reason);
	if (c->close_app) {
		if (tx->level == QUIC_CRYPTO_APP) {
			f->type = QUIC_FRAME_CONNECTION_CLOSE_APP;
			f->close.frame_type = 0;
		} else {
			/* RFC 9000 section 10.2.3: hide it before 1-RTT. */
			f->close.error_code = QUIC_TRANSPORT_ERROR_APPLICATION;
			f->close.reason_len = 0;
		}
	}
	quic_tx_put(tx, f, 0);
}

static void quic_tx_crypto(struct sock *sk, struct quic_tx *tx)
{
	struct quic_level *lvl = &quic_sk(sk)->conn.levels[tx->level];
	struct quic_sent_frame *sf;
	u32 room, n, hdr;
	u64 off;
	bool fin;

	while (quic_sbuf_pending(&lvl->crypto_send) &&
	       tx->pkt->nframes < QUIC_SENT_FRAMES_MAX) {
		room = quic_tx_room(tx);
		if (room < 1 + 8 + 2 + 1)
			return;
		n = quic_sbuf_next_range(&lvl->crypto_send, U64_MAX,
					 room - (1 + 8 + 2), &off, &fin);
		if (!n)
			return;
		hdr = quic_frame_put_crypto_hdr(tx->p, room, off, n);
		quic_sbuf_copy(&lvl->crypto_send, off, n, tx->p + hdr);
		tx->p += hdr + n;
		sf = quic_tx_note(tx, QUIC_FRAME_CRYPTO);
		sf->offset = off;
		sf->len = n;
	}
}

/* NEW_CONNECTION_ID and RETIRE_CONNECTION_ID (RFC 9000 section 5.1). */
static void quic_tx_cids(struct sock *sk, struct quic_tx *tx)
{
	struct quic_cids *ids = &quic_sk(sk)->conn.ids;
	struct quic_frame *f = quic_sk(sk)->conn.tx_frame;
	struct quic_scid *s;
	struct quic_dcid *d;

	list_for_each_entry(s, &ids->scids, list) {
		if (!s->announce)
			continue;
		memset(f, 0, sizeof(*f));
		f->type = QUIC_FRAME_NEW_CONNECTION_ID;
		f->new_cid.seq = s->seq;
		f->new_cid.retire_prior_to = ids->scid_retire_prior_to;
		f->new_cid.cid_len = s->cid.len;
		memcpy(f->new_cid.cid, s->cid.data, s->cid.len);
		memcpy(f->new_cid.reset_token, s->reset_token,
		       QUIC_STATELESS_RESET_TOKEN_LEN);
		if (!quic_tx_put(tx, f, s->seq))
			return;
		s->announce = false;
	}
	list_for_each_entry(d, &ids->dcids, list) {
		if (!d->retire_pending)
			continue;
		memset(f, 0, sizeof(*f));
		f->type = QUIC_FRAME_RETIRE_CONNECTION_ID;
		f->retire_cid.seq = d->seq;
		if (!quic_tx_put(tx, f, d->seq))
			return;
		d->retire_pending = false;
	}
}

static void quic_tx_conn_control(struct sock *sk, struct quic_tx *tx)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_streams *ss = &c->streams;
	struct quic_frame *f = c->tx_frame;

	memset(f, 0, sizeof(*f));
	if (c->handshake_done_pending) {
		f->type = QUIC_FRAME_HANDSHAKE_DONE;
		if (quic_tx_put(tx, f, 0))
			c->handshake_done_pending = false;
	}
	if (c->new_token_pending && c->is_server) {
		f->type = QUIC_FRAME_NEW_TOKEN;
		f->token.data = c->token;
		f->token.len = c->token_len;
		if (quic_tx_put(tx, f, 0))
			c->new_token_pending = false;
	}
	if (c->path_response_pending) {
		f->type = QUIC_FRAME_PATH_RESPONSE;
		memcpy(f->path.data, c->path_response, QUIC_PATH_DATA_LEN);
		if (quic_tx_put(tx, f, 0))
			c->path_response_pending = false;
	}
	/* RFC 9000 section 8.2.1: a new, unpredictable payload each time. */
	if (c->path.check.pending) {
		f->type = QUIC_FRAME_PATH_CHALLENGE;
		get_random_bytes(f->path.data, QUIC_PATH_DATA_LEN);
		if (quic_tx_put(tx, f, 0))
			quic_path_challenge_sent(&c->path.check, f->path.data);
	}
	if (c->max_data_pending) {
		f->type = QUIC_FRAME_MAX_DATA;
		f->max.value = c->recv_max_data;
		if (quic_tx_put(tx, f, 0))
			c->max_data_pending = false;
	}
	if (c->data_blocked_pending) {
		f->type = QUIC_FRAME_DATA_BLOCKED;
		f->max.value = c->send_max_data;
		if (quic_tx_put(tx, f, 0))
			c->data_blocked_pending = false;
	}
	if (ss->max_streams_pending & 1) {
		f->type = QUIC_FRAME_MAX_STREAMS_BIDI;
		f->max.value = ss->peer_max_bidi;
		if (quic_tx_put(tx, f, 0))
			ss->max_streams_pending &= ~1;
	}
	if (ss->max_streams_pending & 2) {
		f->type = QUIC_FRAME_MAX_STREAMS_UNI;
		f->max.value = ss->peer_max_uni;
		if (quic_tx_put(tx, f, 0))
			ss->max_streams_pending &= ~2;
	}
	if (ss->blocked_pending & 1) {
		f->type = QUIC_FRAME_STREAMS_BLOCKED_BIDI;
		f->max.value = ss->max_bidi;
		if (quic_tx_put(tx, f, 0))
			ss->blocked_pending &= ~1;
	}
	if (ss->blocked_pending & 2) {
		f->type = QUIC_FRAME_STREAMS_BLOCKED_UNI;
		f->max.value = ss->max_uni;
		if (quic_tx_put(tx, f, 0))
			ss->blocked_pending &= ~2;
	}
	quic_tx_cids(sk, tx);
}

/* Control frames of one stream; false when the packet is full. */
static bool quic_tx_stream_control(struct sock *sk, struct quic_tx *tx,
				   struct quic_stream *st)
{
	struct quic_frame *f = quic_sk(sk)->conn.tx_frame;

	memset(f, 0, sizeof(*f));
	if (st->reset_pending) {
		f->type = QUIC_FRAME_RESET_STREAM;
		f->reset.stream_id = st->id;
		f->reset.error_code = st->reset_code;
		f->reset.final_size = st->send.next;
		if (!quic_tx_put(tx, f, st->id))
			return false;
		st->reset_pending = false;
	}
	if (st->stop_pending) {
		f->type = QUIC_FRAME_STOP_SENDING;
		f->stop.stream_id = st->id;
		f->stop.error_code = st->stop_code;
		if (!quic_tx_put(tx, f, st->id))
			return false;
		st->stop_pending = false;
	}
	if (st->max_pending) {
		f->type = QUIC_FRAME_MAX_STREAM_DATA;
		f->stream_max.stream_id = st->id;
		f->stream_max.value = st->recv_max;
		if (!quic_tx_put(tx, f, st->id))
			return false;
		st->max_pending = false;
	}
	if (st->blocked_pending) {
		f->type = QUIC_FRAME_STREAM_DATA_BLOCKED;
		f->stream_max.stream_id = st->id;
		f->stream_max.value = st->send_max;
		if (!quic_tx_put(tx, f, st->id))
			return false;
		st->blocked_pending = false;
	}
	return true;
}

static bool quic_stream_can_send_data(const struct quic_stream *st)
{
	return st->can_send && !quic_stream_send_done(st) &&
	       st->send_state != QUIC_STREAM_SEND_STATE_RESET_SENT &&
	       quic_sbuf_pending(&st->send);
}

/* STREAM data of one stream; false when the packet is full. */
static bool quic_tx_stream_data(struct sock *sk, struct quic_tx *tx,
				struct quic_stream *st)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_sent_frame *sf;
	u32 room, n, hdr, hdr_max;
	u64 limit, off, before;
	bool fin;

	while (quic_stream_can_send_data(st)) {
		room = quic_tx_room(tx);
		if (tx->pkt->nframes == QUIC_SENT_FRAMES_MAX)
			return false;
		/* RFC 9000 section 4.1: both the stream and the connection
		 * (whose limit may be below what 0-RTT already sent).
		 */
		limit = min(st->send_max, st->send.next +
			    (c->send_max_data > c->send_data ?
			     c->send_max_data - c->send_data : 0));
		/* Section 19.8: the header, its Offset below @limit and its
		 * Length below @room, so that data fills the room.
		 */
		hdr_max = quic_frame_stream_hdr_len(st->id, limit, room, true);
		if (room < hdr_max + 1)
			return false;
		before = st->send.next;
		n = quic_sbuf_next_range(&st->send, limit, room - hdr_max,
					 &off, &fin);
		if (!n && !fin) {
			/* Blocked: say so once per limit (section 4.1). */
			if (st->send.next < st->send.tail) {
				if (limit == st->send_max &&
				    st->blocked_at != limit) {
					st->blocked_pending = true;
					st->blocked_at = limit;
				} else if (limit != st->send_max &&
					   c->data_blocked_at != c->send_max_data) {
					c->data_blocked_pending = true;
					c->data_blocked_at = c->send_max_data;
				}
			}
			return true;
		}
		c->send_data += st->send.next - before;
		hdr = quic_frame_put_stream_hdr(tx->p, room, st->id, off, n,
						fin, true);
		quic_sbuf_copy(&st->send, off, n, tx->p + hdr);
		tx->p += hdr + n;
		sf = quic_tx_note(tx, QUIC_FRAME_STREAM);
		sf->id = st->id;
		sf->offset = off;
		sf->len = n;
		sf->fin = fin;
		if (st->send_state == QUIC_STREAM_SEND_STATE_READY)
			st->send_state = QUIC_STREAM_SEND_STATE_SEND;
		if (fin)
			st->send_state = QUIC_STREAM_SEND_STATE_SENT;
	}
	return true;
}

static bool quic_stream_tx_pending(const struct quic_stream *st)
{
	return st->reset_pending || st->stop_pending || st->max_pending ||
	       st->blocked_pending || quic_stream_can_send_data(st);
}

static void quic_tx_streams(struct sock *sk, struct quic_tx *tx, bool data)
{
	struct quic_streams *ss = &quic_sk(sk)->conn.streams;
	struct quic_stream *st, *tmp;
	LIST_HEAD(done);
	bool full = false;

	list_for_each_entry_safe(st, tmp, &ss->send_queue, send_list) {
		if (!quic_tx_stream_control(sk, tx, st) ||
		    (data && !quic_tx_stream_data(sk, tx, st))) {
			full = true;
		}
		if (!quic_stream_tx_pending(st))
			list_del_init(&st->send_list);
		else if (!full)
			list_move_tail(&st->send_list, &done);
		if (full)
			break;
	}
	/* Round robin: streams served this time go to the back. */
	list_splice_tail(&done, &ss->send_queue);
}

/* RFC 9221 section 5: queued DATAGRAM payloads, each in one frame, never
 * retransmitted; one too large for even an empty packet now (the path
 * shrank since sendmsg) is dropped.
 */
static void quic_tx_datagrams(struct sock *sk, struct quic_tx *tx)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u32 empty = tx->end - (tx->start + tx->pn_offset + tx->pn_len);
	struct quic_frame *f = c->tx_frame;
	struct sk_buff *skb;
	bool sent = false;

	while ((skb = skb_peek(&c->dgram_send))) {
		f->type = QUIC_FRAME_DATAGRAM;
		f->datagram.data = skb->data;
		f->datagram.len = skb->len;
		if (!quic_tx_put(tx, f, 0) && quic_frame_len(f) <= empty)
			break;
		__skb_unlink(skb, &c->dgram_send);
		quic_sock_uncharge(sk, skb->truesize);
		kfree_skb(skb);
		sent = true;
	}
	if (sent)
		quic_stream_write_space(sk);
}

static bool quic_app_pending(struct quic_conn *c, bool data)
{
	struct quic_stream *st;

	if (c->handshake_done_pending || c->max_data_pending ||
	    c->new_token_pending ||
	    c->path_response_pending || c->path.check.pending ||
	    c->data_blocked_pending || c->streams.max_streams_pending ||
	    c->streams.blocked_pending || quic_cid_tx_pending(&c->ids))
		return true;
	if (data && !skb_queue_empty(&c->dgram_send))
		return true;
	list_for_each_entry(st, &c->streams.send_queue, send_list) {
		if (st->reset_pending || st->stop_pending || st->max_pending ||
		    st->blocked_pending)
			return true;
		if (data && quic_stream_can_send_data(st))
			return true;
	}
	return false;
}

/* Packets of congestion window a client's data leaves to its handshake
 * until the handshake is confirmed: data sent before the Finished (0-RTT,
 * 1-RTT) is only found lost once later packets are acknowledged, and the
 * Finished must not wait behind it.
 */
#define QUIC_HS_CWND_RESERVE	3

/* Whether stream data and datagrams may go now (RFC 9002 section 7). */
static bool quic_data_cwnd_ok(const struct quic_conn *c, bool cwnd_ok)
{
	const struct quic_cong *cong = &c->path.cong;

	if (!cwnd_ok || c->is_server || c->handshake_confirmed)
		return cwnd_ok;
	return cong->in_flight + (QUIC_HS_CWND_RESERVE + 1) * c->path.mtu <=
	       cong->window;
}

/* RFC 9001 section 4.6.1: a resuming client's 0-RTT packets carry its
 * stream data and datagrams until it has 1-RTT keys (no ACK, no CRYPTO:
 * RFC 9000 section 12.4).
 */
static bool quic_early_pending(struct quic_conn *c, bool cwnd_ok)
{
	struct quic_stream *st;

	if (!c->levels[QUIC_CRYPTO_EARLY].send_ready || c->early_done ||
	    c->levels[QUIC_CRYPTO_APP].send_ready || c->close_pending ||
	    !quic_data_cwnd_ok(c, cwnd_ok))
		return false;
	if (!skb_queue_empty(&c->dgram_send))
		return true;
	list_for_each_entry(st, &c->streams.send_queue, send_list)
		if (st->reset_pending || st->stop_pending || st->max_pending ||
		    st->blocked_pending || quic_stream_can_send_data(st))
			return true;
	return false;
}

/* Whether @level has something to send now. */
static bool quic_level_pending(struct quic_conn *c, u8 level, bool cwnd_ok,
			       ktime_t now)
{
	struct quic_level *lvl = &c->levels[level];
	struct quic_pnspace *space = quic_conn_space(c, level);

	if (level == QUIC_CRYPTO_EARLY)
		return quic_early_pending(c, cwnd_ok);
	if (!lvl->send_ready || space->discarded)
		return false;
	if (c->close_pending)
		return true;
	if (quic_pnspace_ack_due(space, now))
		return true;
	if (c->ping_pending & BIT(level))
		return true;
	if (!cwnd_ok)
		return false;
	if (quic_sbuf_pending(&lvl->crypto_send))
		return true;
	return level == QUIC_CRYPTO_APP &&
	       quic_app_pending(c, quic_data_cwnd_ok(c, cwnd_ok));
}

/* Whether a packet of @level that quic_level_pending() says is due is
 * sure to hold a frame: a close, an ACK, a probe or CRYPTO data always
 * fit in a new packet; stream data and datagrams may not (flow control,
 * size), so a level with only those cannot carry a datagram's padding.
 */
/* RFC 9000 sections 8.2.1 and 8.2.2: PATH_CHALLENGE and PATH_RESPONSE
 * go in datagrams of at least 1200 bytes (as far as the
 * anti-amplification limit allows).
 */
static bool quic_path_frames_pending(const struct quic_conn *c)
{
	return c->path.check.pending || c->path_response_pending;
}

static bool quic_level_sure(struct quic_conn *c, u8 level, bool cwnd_ok,
			    ktime_t now)
{
	struct quic_level *lvl = &c->levels[level];

	if (level == QUIC_CRYPTO_EARLY)
		return false;
	return c->close_pending ||
	       quic_pnspace_ack_due(quic_conn_space(c, level), now) ||
	       (c->ping_pending & BIT(level)) ||
	       (cwnd_ok && quic_sbuf_pending(&lvl->crypto_send)) ||
	       (cwnd_ok && level == QUIC_CRYPTO_APP && quic_path_frames_pending(c));
}

static u32 quic_path_payload_max(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	return c->path.mtu;
}

/* Send @skb, one datagram or a UDP GSO batch of them, on the path;
 * @ecn: marked ECT(0) (RFC 9000 section 13.4: while testing and once
 * capable; the caller counts the datagrams with quic_ecn_sent()).
 */
static void quic_path_xmit(struct sock *sk, struct sk_buff *skb, bool ecn)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *path = &qs->conn.path;
	u32 route;

	route = quic_udp_send(qs->udp, skb, &path->local, &path->remote,
			      &path->dst, sk->sk_bound_dev_if,
			      ecn ? INET_ECN_ECT_0 : 0);
	if (route && route != path->route_mtu) {
		path->route_mtu = route;
		quic_path_mtu_update(&qs->conn);
	}
}

/* RFC 9000 section 14.3 and RFC 8899 section 4.1: a PLPMTUD probe is a
 * 1-RTT packet of PING and PADDING, alone in a datagram of the size
 * probed; it counts in flight but its loss is no congestion signal
 * (recovery.c).
 *
 * Returns true when a probe is due but waits for room in the window:
 * the caller then holds data back, or a busy connection would never
 * leave the probe room (RFC 8899 section 3 keeps probes within
 * congestion control). A window too small for the probe holds nothing.
 */
static bool quic_xmit_pmtu_probe(struct sock *sk, ktime_t now)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_frame *f = c->tx_frame;
	struct sk_buff *skb;
	struct quic_tx tx;
	u32 size, len;
	bool ecn;

	/* RFC 9000 section 8.1: no probe beyond what the anti-amplification
	 * limit of a path being validated allows.
	 */
	if (!c->handshake_confirmed || c->close_pending || !c->path.validated ||
	    !c->levels[QUIC_CRYPTO_APP].send_ready)
		return false;
	size = quic_pmtu_probe_due(&c->path.pmtu, quic_path_mtu_bound(c), now);
	if (!size || size > c->path.cong.window)
		return false;
	if (!quic_recovery_cwnd_room(sk, size))
		return true;
	skb = alloc_skb(QUIC_XMIT_HEADROOM + size, GFP_ATOMIC);
	if (!skb)
		return false;
	skb_reserve(skb, QUIC_XMIT_HEADROOM);
	if (!quic_tx_begin(sk, skb, QUIC_CRYPTO_APP, size, &tx)) {
		kfree_skb(skb);
		return false;
	}
	f->type = QUIC_FRAME_PING;
	quic_tx_put(&tx, f, 0);
	tx.pkt->pmtu_probe = true;
	len = quic_tx_finish(sk, skb, &tx, size);
	if (!len) {
		kfree_skb(skb);
		return false;
	}
	/* The padding fills the packet to @size exactly. */
	quic_pmtu_probe_sent(&c->path.pmtu);
	ecn = quic_ecn_marking(&c->path.ecn);
	quic_ecn_sent(&c->path.ecn, ecn);
	quic_path_xmit(sk, skb, ecn);
	return false;
}

/* RFC 9000 section 8.2.2: the PATH_RESPONSE to a probe from an address
 * other than the path's goes back there, alone in its datagram, padded to
 * the room the anti-amplification limit leaves (path.c).
 */
static void quic_xmit_probe_response(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_path_check *pc = &c->path.check;
	struct quic_frame *f = c->tx_frame;
	struct sk_buff *skb;
	struct quic_tx tx;
	u32 size = pc->resp_room;

	if (!pc->resp_pending || !c->levels[QUIC_CRYPTO_APP].send_ready)
		return;
	pc->resp_pending = false;
	skb = alloc_skb(QUIC_XMIT_HEADROOM + size, GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, QUIC_XMIT_HEADROOM);
	if (!quic_tx_begin(sk, skb, QUIC_CRYPTO_APP, size, &tx)) {
		kfree_skb(skb);
		return;
	}
	/* Not the path's: no loss recovery or congestion control of it (a
	 * PATH_RESPONSE is never sent again, section 13.3), or its PTO
	 * would probe the path.
	 */
	tx.untracked = true;
	f->type = QUIC_FRAME_PATH_RESPONSE;
	memcpy(f->path.data, pc->resp_data, QUIC_PATH_DATA_LEN);
	quic_tx_put(&tx, f, 0);
	if (!quic_tx_finish(sk, skb, &tx, size)) {
		kfree_skb(skb);
		return;
	}
	if (pc->resp_pref && quic_sk(sk)->pref_udp)
		quic_udp_send(quic_sk(sk)->pref_udp, skb, &quic_sk(sk)->pref_addr,
			      &pc->resp_to, NULL, sk->sk_bound_dev_if, 0);
	else
		quic_udp_send(quic_sk(sk)->udp, skb, &c->path.local,
			      &pc->resp_to, NULL, sk->sk_bound_dev_if, 0);
}

/* Build one packet of @level into @skb; returns bytes added. */
static u32 quic_build_packet(struct sock *sk, struct sk_buff *skb, u8 level,
			     u32 room, bool cwnd_ok, u32 pad_to)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_tx tx;

	if (!quic_tx_begin(sk, skb, level, room, &tx))
		return 0;
	if (level == QUIC_CRYPTO_EARLY) {
		quic_tx_datagrams(sk, &tx);
		quic_tx_streams(sk, &tx, true);
		goto seal;
	}
	quic_tx_ack(sk, &tx);
	if (c->close_pending) {
		quic_tx_close(sk, &tx);
	} else {
		/* RFC 9002 section 7.5: a probe goes whatever the window,
		 * and carries the handshake data still unacknowledged.
		 */
		if (cwnd_ok || (c->ping_pending & BIT(level)))
			quic_tx_crypto(sk, &tx);
		if (cwnd_ok && level == QUIC_CRYPTO_APP) {
			bool data = quic_data_cwnd_ok(c, cwnd_ok);

			quic_tx_conn_control(sk, &tx);
			if (data)
				quic_tx_datagrams(sk, &tx);
			quic_tx_streams(sk, &tx, data);
		}
		if ((c->ping_pending & BIT(level)) && !tx.pkt->ack_eliciting) {
			struct quic_frame *f = c->tx_frame;

			f->type = QUIC_FRAME_PING;
			quic_tx_put(&tx, f, 0);
		}
		if (tx.pkt->ack_eliciting)
			c->ping_pending &= ~BIT(level);
	}
seal:
	if (!tx.pkt->nframes) {
		kfree(tx.pkt);
		return 0;
	}
	return quic_tx_finish(sk, skb, &tx, pad_to);
}

/* Pacing (RFC 9002 section 7.7, net.quic.pacing) once the path has an
 * RTT sample and the handshake is confirmed (the handshake's few packets
 * go unpaced).
 */
static bool quic_xmit_paced(const struct quic_conn *c, ktime_t now)
{
	return !c->pacing || !c->handshake_confirmed ||
	       !c->path.rtt.has_sample ||
	       quic_pacing_ready(&c->path.cong.pacing, now);
}

/* A datagram of @len bytes that counts in flight left at @now. */
static void quic_xmit_pacing_sent(struct sock *sk, u32 len, ktime_t now)
{
	struct quic_path *path = &quic_sk(sk)->conn.path;
	struct quic_cong *cong = &path->cong;

	if (!path->rtt.has_sample)
		return;
	quic_pacing_sent(&cong->pacing, now,
			 quic_pacing_interval_ns(len, path->rtt.smoothed,
						 cong->window,
						 cong->window < cong->ssthresh));
}

/* UDP GSO (DESIGN section 6): the full-size 1-RTT datagrams of a burst
 * are built one after the other into one skb and leave as a UDP GSO skb,
 * which the stack carries as one packet as far as it can: through
 * routing, IP output and the qdisc once, to the device's segmentation
 * offload, or whole to the receiving socket over veth and loopback, where
 * UDP splits it for a socket that cannot take it (a QUIC one).
 *
 * A batch is at most QUIC_GSO_SEGS_MAX datagrams and stays within an
 * order-3 allocation (the page allocator keeps those on its per-CPU
 * lists). Its skb is as small as one datagram's until that datagram
 * comes out full, so that a sender of small messages allocates no more
 * than before; then the datagram moves into an skb with room for the
 * batch. A batch ends with a datagram shorter than the first (UDP GSO
 * allows only the last to be), when the ECN marking changes, or when
 * nothing more may be sent now (window, pacing).
 */
#define QUIC_GSO_SEGS_MAX	16
#define QUIC_GSO_BYTES_MAX	(SKB_WITH_OVERHEAD(32768) - QUIC_XMIT_HEADROOM)

/**
 * struct quic_xmit_batch - datagrams built into one skb, not sent yet
 * @skb: the skb, NULL when there is no batch
 * @size: the size of its first datagram, the GSO segment size
 * @segs: datagrams in it
 * @max: datagrams it has room for
 * @ecn: they are marked ECT(0)
 */
struct quic_xmit_batch {
	struct sk_buff	*skb;
	u32		size;
	u16		segs;
	u16		max;
	bool		ecn;
};

/* How many datagrams of @mtu bytes a new batch makes room for: several
 * when 1-RTT data is all that goes and the window takes them.
 */
static u32 quic_xmit_batch_room(const struct quic_conn *c, u32 mtu,
				bool cwnd_ok)
{
	const struct quic_cong *cong = &c->path.cong;
	u32 n;

	if (!c->gso || !cwnd_ok || !c->handshake_confirmed ||
	    c->close_pending || !c->path.validated ||
	    cong->in_flight >= cong->window)
		return 1;
	n = min3((u32)QUIC_GSO_SEGS_MAX, (u32)QUIC_GSO_BYTES_MAX / mtu,
		 (cong->window - cong->in_flight) / mtu);
	return max(n, 1U);
}

static bool quic_xmit_batch_start(struct sock *sk, struct quic_xmit_batch *b,
				  u32 mtu, bool cwnd_ok)
{
	const struct quic_conn *c = &quic_sk(sk)->conn;

	b->skb = alloc_skb(QUIC_XMIT_HEADROOM + mtu, GFP_ATOMIC);
	if (!b->skb)
		return false;
	skb_reserve(b->skb, QUIC_XMIT_HEADROOM);
	b->size = mtu;
	b->segs = 0;
	b->max = quic_xmit_batch_room(c, mtu, cwnd_ok);
	b->ecn = quic_ecn_marking(&c->path.ecn);
	return true;
}

/* The first datagram came out full: move it where the batch fits. */
static void quic_xmit_batch_grow(struct quic_xmit_batch *b)
{
	struct sk_buff *skb;

	skb = alloc_skb(QUIC_XMIT_HEADROOM + b->max * b->size,
			GFP_ATOMIC | __GFP_NOWARN);
	if (!skb) {
		b->max = 1;
		return;
	}
	skb_reserve(skb, QUIC_XMIT_HEADROOM);
	skb_put_data(skb, b->skb->data, b->skb->len);
	consume_skb(b->skb);
	b->skb = skb;
}

static void quic_xmit_batch_send(struct sock *sk, struct quic_xmit_batch *b)
{
	struct sk_buff *skb = b->skb;

	b->skb = NULL;
	if (!skb)
		return;
	if (!b->segs) {
		consume_skb(skb);
		return;
	}
	if (b->segs > 1)
		quic_udp_gso_mark(skb, b->size);
	quic_path_xmit(sk, skb, b->ecn);
}

/**
 * quic_xmit - send what is pending, as far as congestion control allows
 * @sk: the connection's socket, locked
 */
void quic_xmit(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	/* RFC 9000 section 12.2: coalesced in this order. */
	static const u8 order[] = { QUIC_CRYPTO_INITIAL, QUIC_CRYPTO_EARLY,
				    QUIC_CRYPTO_HANDSHAKE, QUIC_CRYPTO_APP };
	u32 mtu, start, n, pad_to, i, last, pad_last, in_flight, budget = 256;
	struct quic_xmit_batch b = {};
	bool cwnd_ok, any, hold, paced_out = false;
	ktime_t now = 0;

	if (c->tx_in_progress || !quic_sk(sk)->udp || !c->tx_frame)
		return;
	/* RFC 9000 section 10.2: closing sends CONNECTION_CLOSE only,
	 * draining (and a closed connection) nothing.
	 */
	if ((sk->sk_state == QUIC_SS_CLOSING && !c->close_pending) ||
	    sk->sk_state == QUIC_SS_CLOSED)
		return;
	c->tx_in_progress = true;
	quic_xmit_probe_response(sk);
	hold = quic_xmit_pmtu_probe(sk, ktime_get());
	while (budget--) {
		now = ktime_get();
		mtu = quic_path_payload_max(sk);
		cwnd_ok = !hold && quic_recovery_cwnd_room(sk, mtu);
		paced_out = cwnd_ok && !quic_xmit_paced(c, now);
		cwnd_ok &= !paced_out;
		in_flight = c->path.cong.in_flight;
		last = ARRAY_SIZE(order);
		pad_last = 0;
		for (i = 0; i < ARRAY_SIZE(order); i++) {
			if (!quic_level_pending(c, order[i], cwnd_ok, now))
				continue;
			last = i;
			if (quic_level_sure(c, order[i], cwnd_ok, now))
				pad_last = i;
		}
		if (last == ARRAY_SIZE(order))
			break;
		/* RFC 9000 section 8.1: the anti-amplification limit. */
		mtu = quic_path_send_room(c, mtu);
		if (!mtu)
			break;
		if (b.skb && mtu != b.size)
			quic_xmit_batch_send(sk, &b);
		if (!b.skb && !quic_xmit_batch_start(sk, &b, mtu, cwnd_ok))
			break;
		start = b.skb->len;
		any = false;
		pad_to = 0;
		for (i = 0; i <= last; i++) {
			if (!quic_level_pending(c, order[i], cwnd_ok, now))
				continue;
			/* RFC 9000 section 14.1: a datagram with an Initial
			 * packet is at least 1200 bytes (the client's always,
			 * the server's when ack-eliciting); the last packet
			 * sure to be built carries the padding (anything after
			 * it waits for the next datagram).
			 */
			if (order[i] == QUIC_CRYPTO_INITIAL &&
			    (!c->is_server || quic_sbuf_pending(&c->levels[order[i]].crypto_send) ||
			     (c->ping_pending & BIT(order[i]))))
				pad_to = QUIC_MIN_UDP_PAYLOAD;
			if (order[i] == QUIC_CRYPTO_APP && cwnd_ok &&
			    quic_path_frames_pending(c))
				pad_to = QUIC_MIN_UDP_PAYLOAD;
			n = b.skb->len - start;
			n = quic_build_packet(sk, b.skb, order[i], mtu - n,
					      cwnd_ok, i == pad_last ?
					      (pad_to > n ? pad_to - n : 0) : 0);
			any |= n > 0;
		}
		if (!any)
			break;
		/* One more datagram in the batch, of n bytes. */
		n = b.skb->len - start;
		if (++b.segs == 1 && n == b.size && b.max > 1)
			quic_xmit_batch_grow(&b);
		if (!c->path.validated)
			c->path.tx_bytes += n;
		if (c->path.cong.in_flight != in_flight)
			quic_xmit_pacing_sent(sk, n, now);
		quic_ecn_sent(&c->path.ecn, b.ecn);
		if (c->close_pending) {
			c->close_pending = false;
			c->close_sent = true;
		}
		if (n != b.size || b.segs == b.max ||
		    quic_ecn_marking(&c->path.ecn) != b.ecn)
			quic_xmit_batch_send(sk, &b);
	}
	quic_xmit_batch_send(sk, &b);
	/* What the pacer held back goes when the pacing timer fires. */
	if (paced_out && quic_level_pending(c, QUIC_CRYPTO_APP, true, now))
		quic_pace_timer_start(sk, c->path.cong.pacing.next);
	c->tx_in_progress = false;
	quic_recovery_set_timer(sk);
}
