/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Streams (RFC 9000 sections 2 and 3) and their flow control (section 4):
 * the per-stream state machine and buffers, the stream ID space and the
 * stream count limits.
 */

#ifndef __NET_QUIC_STREAM_H
#define __NET_QUIC_STREAM_H

#include <linux/list.h>
#include <linux/xarray.h>

#include "buffer.h"
#include "varint.h"

struct sock;

/**
 * struct quic_stream - one stream
 * @id: stream ID
 * @send: data to send (streams we may send on)
 * @recv: data received (streams we may receive on)
 * @send_list: in &quic_streams.send_queue while it has something to send
 * @send_max: the peer's MAX_STREAM_DATA for it
 * @recv_max: the MAX_STREAM_DATA we advertised
 * @recv_read: bytes the application has read
 * @recv_window: its window now (0: the one of our transport parameters)
 * @recv_window_time: when MAX_STREAM_DATA last moved
 * @send_state: QUIC_STREAM_SEND_STATE_*
 * @recv_state: QUIC_STREAM_RECV_STATE_*
 * @reset_code: application error code of the RESET_STREAM we send
 * @stop_code: application error code of the STOP_SENDING we send
 * @peer_reset_code: error code of the peer's RESET_STREAM
 * @reset_pending: RESET_STREAM to (re)send
 * @stop_pending: STOP_SENDING to (re)send
 * @max_pending: MAX_STREAM_DATA to (re)send
 * @blocked_pending: STREAM_DATA_BLOCKED to send
 * @blocked_at: the limit the last STREAM_DATA_BLOCKED reported
 * @reset_acked: our RESET_STREAM was acknowledged
 * @can_send: the stream has a sending part
 * @can_recv: the stream has a receiving part
 * @peel: its peeled-off socket (QUIC_SOCKOPT_STREAM_PEELOFF), or NULL
 */
struct quic_stream {
	s64			id;
	struct quic_sbuf	send;
	struct quic_rbuf	recv;
	struct list_head	send_list;
	u64			send_max;
	u64			recv_max;
	u64			recv_read;
	u64			recv_window;
	ktime_t			recv_window_time;
	u8			send_state;
	u8			recv_state;
	u32			reset_code;
	u32			stop_code;
	u32			peer_reset_code;
	bool			reset_pending;
	bool			stop_pending;
	bool			max_pending;
	bool			blocked_pending;
	u64			blocked_at;
	bool			reset_acked;
	bool			can_send;
	bool			can_recv;
	struct sock		*peel;
};

/**
 * struct quic_streams - the streams of a connection
 * @xa: streams by ID
 * @send_queue: streams with data or control frames to send, round robin
 * @count: streams in @xa
 * @is_server: our role (decides which IDs are local)
 * @next_bidi: count of bidirectional streams we opened
 * @next_uni: count of unidirectional streams we opened
 * @max_bidi: bidirectional streams the peer allows us (count)
 * @max_uni: unidirectional streams the peer allows us
 * @peer_bidi: count of bidirectional streams the peer opened
 * @peer_uni: count of unidirectional streams the peer opened
 * @peer_max_bidi: bidirectional streams we allow the peer
 * @peer_max_uni: unidirectional streams we allow the peer
 * @peer_done_bidi: peer bidirectional streams fully closed
 * @peer_done_uni: peer unidirectional streams fully closed
 * @limit_bidi: our initial_max_streams_bidi (the window we keep open)
 * @limit_uni: our initial_max_streams_uni
 * @max_streams_pending: MAX_STREAMS (bidi bit 0, uni bit 1) to send
 * @blocked_pending: STREAMS_BLOCKED (bidi bit 0, uni bit 1) to send
 */
struct quic_streams {
	struct xarray		xa;
	struct list_head	send_queue;
	u32			count;
	bool			is_server;
	u64			next_bidi;
	u64			next_uni;
	u64			max_bidi;
	u64			max_uni;
	u64			peer_bidi;
	u64			peer_uni;
	u64			peer_max_bidi;
	u64			peer_max_uni;
	u64			peer_done_bidi;
	u64			peer_done_uni;
	u64			limit_bidi;
	u64			limit_uni;
	u8			max_streams_pending;
	u8			blocked_pending;
};

static inline bool quic_stream_id_uni(s64 id)
{
	return id & QUIC_STREAM_TYPE_UNI_MASK;
}

/* The stream was opened by the server (RFC 9000 section 2.1). */
static inline bool quic_stream_id_server(s64 id)
{
	return id & QUIC_STREAM_TYPE_SERVER_MASK;
}

static inline bool quic_stream_id_local(const struct quic_streams *ss, s64 id)
{
	return quic_stream_id_server(id) == ss->is_server;
}

void quic_streams_init(struct quic_streams *ss, bool is_server);
u32 quic_streams_free(struct quic_streams *ss);
struct quic_stream *quic_stream_find(struct quic_streams *ss, s64 id);
struct quic_stream *quic_stream_open_local(struct quic_streams *ss, s64 id,
					   u64 send_max, u64 recv_max,
					   gfp_t gfp, int *err);
struct quic_stream *quic_stream_get_remote(struct quic_streams *ss, s64 id,
					   u64 send_max, u64 recv_max,
					   gfp_t gfp, u64 *errcode);
s64 quic_stream_next_id(const struct quic_streams *ss, bool uni);
void quic_stream_queue(struct quic_streams *ss, struct quic_stream *st);
bool quic_stream_send_done(const struct quic_stream *st);
u32 quic_stream_maybe_free(struct quic_streams *ss, struct quic_stream *st);

#endif /* __NET_QUIC_STREAM_H */
