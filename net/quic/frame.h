/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QUIC frames (RFC 9000 section 19, RFC 9221): a codec of pure functions
 * between bytes and &struct quic_frame. No socket or connection state here;
 * what a frame means for the connection is decided by the caller.
 */

#ifndef __NET_QUIC_FRAME_H
#define __NET_QUIC_FRAME_H

#include <linux/types.h>

#include "packet.h"

/* Frame types (RFC 9000 section 19, Table 3; RFC 9221 section 4). */
enum quic_frame_type {
	QUIC_FRAME_PADDING			= 0x00,
	QUIC_FRAME_PING				= 0x01,
	QUIC_FRAME_ACK				= 0x02,
	QUIC_FRAME_ACK_ECN			= 0x03,
	QUIC_FRAME_RESET_STREAM			= 0x04,
	QUIC_FRAME_STOP_SENDING			= 0x05,
	QUIC_FRAME_CRYPTO			= 0x06,
	QUIC_FRAME_NEW_TOKEN			= 0x07,
	QUIC_FRAME_STREAM			= 0x08,	/* 0x08..0x0f */
	QUIC_FRAME_MAX_DATA			= 0x10,
	QUIC_FRAME_MAX_STREAM_DATA		= 0x11,
	QUIC_FRAME_MAX_STREAMS_BIDI		= 0x12,
	QUIC_FRAME_MAX_STREAMS_UNI		= 0x13,
	QUIC_FRAME_DATA_BLOCKED			= 0x14,
	QUIC_FRAME_STREAM_DATA_BLOCKED		= 0x15,
	QUIC_FRAME_STREAMS_BLOCKED_BIDI		= 0x16,
	QUIC_FRAME_STREAMS_BLOCKED_UNI		= 0x17,
	QUIC_FRAME_NEW_CONNECTION_ID		= 0x18,
	QUIC_FRAME_RETIRE_CONNECTION_ID		= 0x19,
	QUIC_FRAME_PATH_CHALLENGE		= 0x1a,
	QUIC_FRAME_PATH_RESPONSE		= 0x1b,
	QUIC_FRAME_CONNECTION_CLOSE		= 0x1c,
	QUIC_FRAME_CONNECTION_CLOSE_APP		= 0x1d,
	QUIC_FRAME_HANDSHAKE_DONE		= 0x1e,
	QUIC_FRAME_DATAGRAM			= 0x30,
	QUIC_FRAME_DATAGRAM_LEN			= 0x31,
};

/* Low bits of a STREAM frame type (RFC 9000 section 19.8). */
#define QUIC_FRAME_STREAM_FIN		0x01
#define QUIC_FRAME_STREAM_LEN		0x02
#define QUIC_FRAME_STREAM_OFF		0x04
#define QUIC_FRAME_STREAM_MASK		0x07

#define QUIC_STATELESS_RESET_TOKEN_LEN	16
#define QUIC_PATH_DATA_LEN		8
#define QUIC_STREAMS_MAX		BIT_ULL(60)	/* RFC 9000 section 19.11 */

/* An ACK frame carries any number of ranges; the parser validates all of
 * them and keeps the highest QUIC_ACK_MAX_RANGES. Dropping the oldest
 * ranges is safe: those packets are acknowledged again by a later ACK or
 * declared lost and their frames retransmitted.
 */
#define QUIC_ACK_MAX_RANGES		32

/**
 * struct quic_ack_range - packet numbers @start..@end, both included
 * @start: lowest packet number
 * @end: highest packet number
 */
struct quic_ack_range {
	u64	start;
	u64	end;
};

/**
 * struct quic_frame_ack - ACK and ACK_ECN (RFC 9000 section 19.3)
 * @largest: largest acknowledged (equals @ranges[0].end)
 * @delay: ACK Delay field, not yet scaled by ack_delay_exponent
 * @range_count: ranges kept in @ranges, highest first, at least 1
 * @ranges: the acknowledged ranges, descending and disjoint
 * @ecn: the frame is ACK_ECN and @ect0, @ect1, @ce are valid
 * @ect0: ECT(0) count
 * @ect1: ECT(1) count
 * @ce: ECN-CE count
 */
struct quic_frame_ack {
	u64			largest;
	u64			delay;
	u32			range_count;
	struct quic_ack_range	ranges[QUIC_ACK_MAX_RANGES];
	bool			ecn;
	u64			ect0;
	u64			ect1;
	u64			ce;
};

/**
 * struct quic_frame - one decoded frame
 * @type: frame type; every STREAM type is stored as %QUIC_FRAME_STREAM,
 *	both DATAGRAM types as %QUIC_FRAME_DATAGRAM
 * @ack: ACK, ACK_ECN
 * @reset: RESET_STREAM
 * @stop: STOP_SENDING
 * @crypto: CRYPTO (@crypto.data points into the parsed buffer)
 * @token: NEW_TOKEN (@token.data points into the parsed buffer)
 * @stream: STREAM (@stream.data points into the parsed buffer)
 * @max: MAX_DATA, DATA_BLOCKED (@max.value), MAX_STREAMS_*,
 *	STREAMS_BLOCKED_* (@max.value is the stream count)
 * @stream_max: MAX_STREAM_DATA, STREAM_DATA_BLOCKED
 * @new_cid: NEW_CONNECTION_ID
 * @retire_cid: RETIRE_CONNECTION_ID
 * @path: PATH_CHALLENGE, PATH_RESPONSE
 * @close: CONNECTION_CLOSE (both types; @close.reason points into the
 *	parsed buffer, @close.frame_type is 0 for the application type)
 * @datagram: DATAGRAM (@datagram.data points into the parsed buffer)
 *
 * PADDING, PING and HANDSHAKE_DONE carry nothing. A run of PADDING bytes
 * parses as one frame.
 */
struct quic_frame {
	u64 type;
	union {
		struct quic_frame_ack ack;
		struct {
			u64	stream_id;
			u64	error_code;
			u64	final_size;
		} reset;
		struct {
			u64	stream_id;
			u64	error_code;
		} stop;
		struct {
			u64		offset;
			const u8	*data;
			u32		len;
		} crypto;
		struct {
			const u8	*data;
			u32		len;
		} token;
		struct {
			u64		stream_id;
			u64		offset;
			const u8	*data;
			u32		len;
			bool		fin;
		} stream;
		struct {
			u64	value;
		} max;
		struct {
			u64	stream_id;
			u64	value;
		} stream_max;
		struct {
			u64	seq;
			u64	retire_prior_to;
			u8	cid_len;
			u8	cid[QUIC_CID_MAX_LEN];
			u8	reset_token[QUIC_STATELESS_RESET_TOKEN_LEN];
		} new_cid;
		struct {
			u64	seq;
		} retire_cid;
		struct {
			u8	data[QUIC_PATH_DATA_LEN];
		} path;
		struct {
			u64		error_code;
			u64		frame_type;
			const u8	*reason;
			u32		reason_len;
		} close;
		struct {
			const u8	*data;
			u32		len;
			u32		frame_len;
		} datagram;
	};
};

int quic_frame_parse(const u8 *p, u32 len, struct quic_frame *f,
		     u64 *errcode);
int quic_frame_put(u8 *p, u32 len, const struct quic_frame *f);
u32 quic_frame_len(const struct quic_frame *f);
u32 quic_frame_stream_hdr_len(u64 stream_id, u64 offset, u32 data_len,
			      bool with_len);
u32 quic_frame_put_stream_hdr(u8 *p, u32 len, u64 stream_id, u64 offset,
			      u32 data_len, bool fin, bool with_len);
u32 quic_frame_put_crypto_hdr(u8 *p, u32 len, u64 offset, u32 data_len);

bool quic_frame_allowed(u64 type, enum quic_packet_type ptype);
bool quic_frame_ack_eliciting(u64 type);
bool quic_frame_probing(u64 type);
bool quic_frame_in_flight(u64 type);

#endif /* __NET_QUIC_FRAME_H */
