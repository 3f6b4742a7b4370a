// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Streams (RFC 9000 sections 2 and 3): IDs, implicit opening, the stream
 * count limits of section 4.6, and freeing streams once both directions
 * reached a terminal state.
 */

#include <linux/quic.h>
#include <linux/slab.h>

#include "stream.h"

void quic_streams_init(struct quic_streams *ss, bool is_server)
{
	memset(ss, 0, sizeof(*ss));
	xa_init_flags(&ss->xa, XA_FLAGS_LOCK_BH);
	INIT_LIST_HEAD(&ss->send_queue);
	ss->is_server = is_server;
}

static u32 quic_stream_release(struct quic_stream *st)
{
	u32 bytes = quic_sbuf_free(&st->send);

	quic_rbuf_free(&st->recv);
	kfree(st);
	return bytes;
}

/* Free every stream; returns the send buffer bytes to uncharge. */
u32 quic_streams_free(struct quic_streams *ss)
{
	struct quic_stream *st;
	unsigned long id;
	u32 bytes = 0;

	xa_for_each(&ss->xa, id, st) {
		xa_erase_bh(&ss->xa, id);
		bytes += quic_stream_release(st);
	}
	INIT_LIST_HEAD(&ss->send_queue);
	ss->count = 0;
	xa_destroy(&ss->xa);
	return bytes;
}

struct quic_stream *quic_stream_find(struct quic_streams *ss, s64 id)
{
	if (id < 0)
		return NULL;
	return xa_load(&ss->xa, id);
}

static struct quic_stream *quic_stream_create(struct quic_streams *ss, s64 id,
					      u64 send_max, u64 recv_max,
					      gfp_t gfp)
{
	bool uni = quic_stream_id_uni(id), local = quic_stream_id_local(ss, id);
	struct quic_stream *st;

	st = kzalloc(sizeof(*st), gfp);
	if (!st)
		return NULL;
	st->id = id;
	quic_sbuf_init(&st->send);
	quic_rbuf_init(&st->recv);
	INIT_LIST_HEAD(&st->send_list);
	st->can_send = !uni || local;
	st->can_recv = !uni || !local;
	st->send_max = send_max;
	st->recv_max = recv_max;
	st->send_state = QUIC_STREAM_SEND_STATE_READY;
	st->recv_state = QUIC_STREAM_RECV_STATE_RECV;
	if (xa_insert_bh(&ss->xa, id, st, gfp)) {
		kfree(st);
		return NULL;
	}
	ss->count++;
	return st;
}

/* RFC 9000 section 3.2: opening stream @id opens the lower ones of its
 * type too; *@count is how many of the type are open. Returns stream @id.
 */
static struct quic_stream *quic_stream_open_upto(struct quic_streams *ss,
						 s64 id, u64 *count,
						 u64 send_max, u64 recv_max,
						 gfp_t gfp)
{
	struct quic_stream *st = NULL;

	while (*count <= ((u64)id >> 2)) {
		s64 sid = (s64)(*count << 2) | (id & QUIC_STREAM_TYPE_MASK);

		st = quic_stream_create(ss, sid, send_max, recv_max, gfp);
		if (!st)
			return NULL;
		(*count)++;
	}
	return st;
}

s64 quic_stream_next_id(const struct quic_streams *ss, bool uni)
{
	u64 n = uni ? ss->next_uni : ss->next_bidi;

	return (s64)(n << 2) | (ss->is_server ? QUIC_STREAM_TYPE_SERVER_MASK : 0) |
	       (uni ? QUIC_STREAM_TYPE_UNI_MASK : 0);
}

/**
 * quic_stream_open_local - open a stream of ours
 * @ss: the streams
 * @id: its ID (must be one of ours)
 * @send_max: the peer's initial limit for its data
 * @recv_max: our initial limit for the peer's data
 * @gfp: allocation flags
 * @err: -EINVAL for a peer's ID or one already used and closed,
 *	-EAGAIN when the peer's stream limit does not allow it yet,
 *	-ENOMEM (out)
 *
 * Return: the stream (also an already open one), or NULL with *@err set.
 */
struct quic_stream *quic_stream_open_local(struct quic_streams *ss, s64 id,
					   u64 send_max, u64 recv_max,
					   gfp_t gfp, int *err)
{
	bool uni = quic_stream_id_uni(id);
	u64 index = (u64)id >> 2, *next = uni ? &ss->next_uni : &ss->next_bidi;
	struct quic_stream *st;

	*err = -EINVAL;
	if (id < 0 || id > (s64)QUIC_VARINT_MAX || !quic_stream_id_local(ss, id))
		return NULL;
	st = quic_stream_find(ss, id);
	if (st)
		return st;
	if (index < *next)
		return NULL;	/* used and closed already */
	/* RFC 9000 section 4.6: the peer's MAX_STREAMS limits what we open. */
	if (index >= (uni ? ss->max_uni : ss->max_bidi)) {
		ss->blocked_pending |= uni ? 2 : 1;
		*err = -EAGAIN;
		return NULL;
	}
	/* The lower streams are open for the peer, and stay usable here. */
	st = quic_stream_open_upto(ss, id, next, send_max, recv_max, gfp);
	if (!st)
		*err = -ENOMEM;
	return st;
}

/**
 * quic_stream_get_remote - the stream a peer's frame refers to
 * @ss: the streams
 * @id: the stream ID in the frame
 * @send_max: the peer's initial limit for our data on a new stream
 * @recv_max: our initial limit for the peer's data on a new stream
 * @gfp: allocation flags
 * @errcode: the transport error when the ID is not acceptable (out)
 *
 * A peer's stream opens with the first frame that names it, and opens
 * every lower stream of its type with it (RFC 9000 section 3.2). A stream
 * of ours that we never opened is a STREAM_STATE_ERROR (section 19.8);
 * a peer's stream beyond our limit is a STREAM_LIMIT_ERROR (section 4.6).
 *
 * Return: the stream; NULL with *@errcode 0 for a stream that was closed
 * and freed already (the frame is ignored), or NULL with *@errcode set.
 */
struct quic_stream *quic_stream_get_remote(struct quic_streams *ss, s64 id,
					   u64 send_max, u64 recv_max,
					   gfp_t gfp, u64 *errcode)
{
	bool uni = quic_stream_id_uni(id);
	u64 index = (u64)id >> 2, *opened;
	struct quic_stream *st;

	*errcode = 0;
	st = quic_stream_find(ss, id);
	if (st)
		return st;
	if (quic_stream_id_local(ss, id)) {
		if (index >= (uni ? ss->next_uni : ss->next_bidi))
			*errcode = QUIC_TRANSPORT_ERROR_STREAM_STATE;
		return NULL;
	}
	opened = uni ? &ss->peer_uni : &ss->peer_bidi;
	if (index < *opened)
		return NULL;
	if (index >= (uni ? ss->peer_max_uni : ss->peer_max_bidi)) {
		*errcode = QUIC_TRANSPORT_ERROR_STREAM_LIMIT;
		return NULL;
	}
	st = quic_stream_open_upto(ss, id, opened, send_max, recv_max, gfp);
	if (!st)
		*errcode = QUIC_TRANSPORT_ERROR_INTERNAL;
	return st;
}

void quic_stream_queue(struct quic_streams *ss, struct quic_stream *st)
{
	if (list_empty(&st->send_list))
		list_add_tail(&st->send_list, &ss->send_queue);
}

/* The sending part reached a terminal state (RFC 9000 section 3.1). */
bool quic_stream_send_done(const struct quic_stream *st)
{
	return !st->can_send ||
	       st->send_state == QUIC_STREAM_SEND_STATE_RECVD ||
	       (st->send_state == QUIC_STREAM_SEND_STATE_RESET_SENT &&
		st->reset_acked) ||
	       st->send_state == QUIC_STREAM_SEND_STATE_RESET_RECVD;
}

static bool quic_stream_recv_done(const struct quic_stream *st)
{
	return !st->can_recv ||
	       st->recv_state == QUIC_STREAM_RECV_STATE_READ ||
	       st->recv_state == QUIC_STREAM_RECV_STATE_RESET_READ;
}

/* Free a stream whose both parts are done; returns the send buffer bytes
 * released. A peer's stream that closes
 * makes room for another: RFC 9000 section 4.6, MAX_STREAMS.
 */
u32 quic_stream_maybe_free(struct quic_streams *ss, struct quic_stream *st)
{
	bool uni = quic_stream_id_uni(st->id);

	if (!quic_stream_send_done(st) || !quic_stream_recv_done(st) ||
	    st->reset_pending || st->stop_pending || st->max_pending)
		return 0;
	if (!quic_stream_id_local(ss, st->id)) {
		if (uni) {
			ss->peer_done_uni++;
			ss->peer_max_uni = ss->peer_done_uni + ss->limit_uni;
		} else {
			ss->peer_done_bidi++;
			ss->peer_max_bidi = ss->peer_done_bidi + ss->limit_bidi;
		}
		ss->max_streams_pending |= uni ? 2 : 1;
	}
	list_del_init(&st->send_list);
	xa_erase_bh(&ss->xa, st->id);
	ss->count--;
	return quic_stream_release(st);
}
