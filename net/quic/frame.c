// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The frame codec (RFC 9000 section 19, RFC 9221 section 4): bytes to
 * &struct quic_frame and back, with the encoding rules of each frame.
 * Pure functions on buffers; meaning is the connection's business.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/quic.h>
#include <linux/string.h>

#include "frame.h"
#include "varint.h"

/* A reader that remembers the first failure. */
struct quic_rd {
	const u8	*p;
	u32		left;
	bool		bad;
};

static u64 quic_rd_int(struct quic_rd *r)
{
	u64 v = 0;
	u32 n;

	if (r->bad)
		return 0;
	n = quic_varint_get(r->p, r->left, &v);
	if (!n) {
		r->bad = true;
		return 0;
	}
	r->p += n;
	r->left -= n;
	return v;
}

static const u8 *quic_rd_bytes(struct quic_rd *r, u64 len)
{
	const u8 *p = r->p;

	if (r->bad || len > r->left) {
		r->bad = true;
		return NULL;
	}
	r->p += len;
	r->left -= len;
	return p;
}

/* RFC 9000 section 19.3.1: ranges from the Largest down, by gap and length. */
static void quic_parse_ack(struct quic_rd *r, struct quic_frame_ack *ack)
{
	u64 count, i, gap, len, smallest;

	ack->largest = quic_rd_int(r);
	ack->delay = quic_rd_int(r);
	count = quic_rd_int(r);
	len = quic_rd_int(r);
	if (r->bad || len > ack->largest) {
		r->bad = true;
		return;
	}
	smallest = ack->largest - len;
	ack->ranges[0].start = smallest;
	ack->ranges[0].end = ack->largest;
	ack->range_count = 1;
	for (i = 0; i < count && !r->bad; i++) {
		gap = quic_rd_int(r);
		len = quic_rd_int(r);
		/* The next range ends at smallest - gap - 2 and spans len + 1. */
		if (r->bad || smallest < gap + 2 || smallest - gap - 2 < len) {
			r->bad = true;
			return;
		}
		/* Beyond the array, lower ranges are checked, not kept. */
		if (ack->range_count < QUIC_ACK_MAX_RANGES) {
			ack->ranges[ack->range_count].end = smallest - gap - 2;
			ack->ranges[ack->range_count].start =
				smallest - gap - 2 - len;
			ack->range_count++;
		}
		smallest = smallest - gap - 2 - len;
	}
	if (ack->ecn) {
		ack->ect0 = quic_rd_int(r);
		ack->ect1 = quic_rd_int(r);
		ack->ce = quic_rd_int(r);
	}
}

/**
 * quic_frame_parse - decode one frame
 * @p: the frame's first byte
 * @len: bytes available
 * @f: the frame (out); its pointers point into @p
 * @errcode: the transport error for a malformed frame (out)
 *
 * Return: bytes consumed, or -EINVAL with *@errcode set
 * (FRAME_ENCODING_ERROR, RFC 9000 section 12.4).
 */
int quic_frame_parse(const u8 *p, u32 len, struct quic_frame *f,
		     u64 *errcode)
{
	struct quic_rd r = { p, len, false };
	u64 type, v;

	f->type = 0;	/* an unreadable type is reported as 0 */
	type = quic_rd_int(&r);
	if (r.bad)
		goto bad;
	f->type = type;
	switch (type) {
	case QUIC_FRAME_PADDING:
		/* A run of padding is one frame. */
		while (r.left && !*r.p) {
			r.p++;
			r.left--;
		}
		break;
	case QUIC_FRAME_PING:
	case QUIC_FRAME_HANDSHAKE_DONE:
		break;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		f->ack.ecn = type == QUIC_FRAME_ACK_ECN;
		quic_parse_ack(&r, &f->ack);
		break;
	case QUIC_FRAME_RESET_STREAM:
		f->reset.stream_id = quic_rd_int(&r);
		f->reset.error_code = quic_rd_int(&r);
		f->reset.final_size = quic_rd_int(&r);
		break;
	case QUIC_FRAME_STOP_SENDING:
		f->stop.stream_id = quic_rd_int(&r);
		f->stop.error_code = quic_rd_int(&r);
		break;
	case QUIC_FRAME_CRYPTO:
		f->crypto.offset = quic_rd_int(&r);
		v = quic_rd_int(&r);
		f->crypto.data = quic_rd_bytes(&r, v);
		f->crypto.len = v;
		/* Section 19.6: offsets end below 2^62. */
		if (!r.bad && f->crypto.offset + v > QUIC_VARINT_MAX)
			r.bad = true;
		break;
	case QUIC_FRAME_NEW_TOKEN:
		v = quic_rd_int(&r);
		f->token.data = quic_rd_bytes(&r, v);
		f->token.len = v;
		if (!v)	/* section 19.7: an empty token is an error */
			r.bad = true;
		break;
	case QUIC_FRAME_STREAM ... QUIC_FRAME_STREAM + QUIC_FRAME_STREAM_MASK:
		f->type = QUIC_FRAME_STREAM;
		f->stream.stream_id = quic_rd_int(&r);
		f->stream.offset = (type & QUIC_FRAME_STREAM_OFF) ?
				   quic_rd_int(&r) : 0;
		v = (type & QUIC_FRAME_STREAM_LEN) ? quic_rd_int(&r) : r.left;
		f->stream.data = quic_rd_bytes(&r, v);
		f->stream.len = v;
		f->stream.fin = type & QUIC_FRAME_STREAM_FIN;
		/* Section 19.8: the largest offset stays below 2^62. */
		if (!r.bad && f->stream.offset + v > QUIC_VARINT_MAX)
			r.bad = true;
		break;
	case QUIC_FRAME_MAX_DATA:
	case QUIC_FRAME_DATA_BLOCKED:
		f->max.value = quic_rd_int(&r);
		break;
	case QUIC_FRAME_MAX_STREAMS_BIDI:
	case QUIC_FRAME_MAX_STREAMS_UNI:
	case QUIC_FRAME_STREAMS_BLOCKED_BIDI:
	case QUIC_FRAME_STREAMS_BLOCKED_UNI:
		f->max.value = quic_rd_int(&r);
		/* Sections 19.11 and 19.14: at most 2^60 streams. */
		if (f->max.value > QUIC_STREAMS_MAX)
			r.bad = true;
		break;
	case QUIC_FRAME_MAX_STREAM_DATA:
	case QUIC_FRAME_STREAM_DATA_BLOCKED:
		f->stream_max.stream_id = quic_rd_int(&r);
		f->stream_max.value = quic_rd_int(&r);
		break;
	case QUIC_FRAME_NEW_CONNECTION_ID: {
		const u8 *cid, *token;

		f->new_cid.seq = quic_rd_int(&r);
		f->new_cid.retire_prior_to = quic_rd_int(&r);
		cid = quic_rd_bytes(&r, 1);
		v = cid ? *cid : 0;
		/* Section 19.15: 1 to 20 bytes, Retire Prior To <= Sequence. */
		if (!v || v > QUIC_CID_MAX_LEN ||
		    f->new_cid.retire_prior_to > f->new_cid.seq)
			r.bad = true;
		cid = quic_rd_bytes(&r, v);
		token = quic_rd_bytes(&r, QUIC_STATELESS_RESET_TOKEN_LEN);
		if (r.bad)
			break;
		f->new_cid.cid_len = v;
		memcpy(f->new_cid.cid, cid, v);
		memcpy(f->new_cid.reset_token, token,
		       QUIC_STATELESS_RESET_TOKEN_LEN);
		break;
	}
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		f->retire_cid.seq = quic_rd_int(&r);
		break;
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE: {
		const u8 *d = quic_rd_bytes(&r, QUIC_PATH_DATA_LEN);

		if (d)
			memcpy(f->path.data, d, QUIC_PATH_DATA_LEN);
		break;
	}
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		f->close.error_code = quic_rd_int(&r);
		f->close.frame_type = type == QUIC_FRAME_CONNECTION_CLOSE ?
				      quic_rd_int(&r) : 0;
		v = quic_rd_int(&r);
		f->close.reason = quic_rd_bytes(&r, v);
		f->close.reason_len = v;
		break;
	case QUIC_FRAME_DATAGRAM:
	case QUIC_FRAME_DATAGRAM_LEN:
		f->type = QUIC_FRAME_DATAGRAM;
		v = type == QUIC_FRAME_DATAGRAM_LEN ? quic_rd_int(&r) : r.left;
		f->datagram.data = quic_rd_bytes(&r, v);
		f->datagram.len = v;
		f->datagram.frame_len = len - r.left;
		break;
	default:
		goto bad;
	}
	if (r.bad)
		goto bad;
	return len - r.left;
bad:
	*errcode = QUIC_TRANSPORT_ERROR_FRAME_ENCODING;
	return -EINVAL;
}

/* A writer that counts what it would write when @p is NULL. */
struct quic_wr {
	u8	*p;
	u32	left;
	u32	n;
	bool	bad;
};

static void quic_wr_int(struct quic_wr *w, u64 v)
{
	u32 n = quic_varint_len(v);

	if (v > QUIC_VARINT_MAX) {
		w->bad = true;
		return;
	}
	if (w->p && n <= w->left)
		quic_varint_put(w->p + w->n, w->left, v);
	w->n += n;
	w->left = w->left > n ? w->left - n : 0;
}

static void quic_wr_bytes(struct quic_wr *w, const void *data, u32 len)
{
	if (w->p && len <= w->left)
		memcpy(w->p + w->n, data, len);
	w->n += len;
	w->left = w->left > len ? w->left - len : 0;
}

static void quic_write_ack(struct quic_wr *w, const struct quic_frame_ack *ack)
{
	u32 i;

	/* Ranges must be descending and disjoint, with gaps of at least one. */
	if (!ack->range_count || ack->range_count > QUIC_ACK_MAX_RANGES ||
	    ack->ranges[0].end != ack->largest) {
		w->bad = true;
		return;
	}
	for (i = 0; i < ack->range_count; i++) {
		if (ack->ranges[i].start > ack->ranges[i].end ||
		    (i && ack->ranges[i].end + 2 > ack->ranges[i - 1].start)) {
			w->bad = true;
			return;
		}
	}
	quic_wr_int(w, ack->largest);
	quic_wr_int(w, ack->delay);
	quic_wr_int(w, ack->range_count - 1);
	quic_wr_int(w, ack->ranges[0].end - ack->ranges[0].start);
	for (i = 1; i < ack->range_count; i++) {
		quic_wr_int(w, ack->ranges[i - 1].start - ack->ranges[i].end - 2);
		quic_wr_int(w, ack->ranges[i].end - ack->ranges[i].start);
	}
	if (ack->ecn) {
		quic_wr_int(w, ack->ect0);
		quic_wr_int(w, ack->ect1);
		quic_wr_int(w, ack->ce);
	}
}

/* Encode @f through @w (which may only count). */
static void quic_frame_write(struct quic_wr *w, const struct quic_frame *f)
{
	u8 type;

	switch (f->type) {
	case QUIC_FRAME_PADDING:
	case QUIC_FRAME_PING:
	case QUIC_FRAME_HANDSHAKE_DONE:
		quic_wr_int(w, f->type);
		break;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		quic_wr_int(w, f->ack.ecn ? QUIC_FRAME_ACK_ECN : QUIC_FRAME_ACK);
		quic_write_ack(w, &f->ack);
		break;
	case QUIC_FRAME_RESET_STREAM:
		quic_wr_int(w, f->type);
		quic_wr_int(w, f->reset.stream_id);
		quic_wr_int(w, f->reset.error_code);
		quic_wr_int(w, f->reset.final_size);
		break;
	case QUIC_FRAME_STOP_SENDING:
		quic_wr_int(w, f->type);
		quic_wr_int(w, f->stop.stream_id);
		quic_wr_int(w, f->stop.error_code);
		break;
	case QUIC_FRAME_CRYPTO:
		quic_wr_int(w, f->type);
		quic_wr_int(w, f->crypto.offset);
		quic_wr_int(w, f->crypto.len);
		quic_wr_bytes(w, f->crypto.data, f->crypto.len);
		break;
	case QUIC_FRAME_NEW_TOKEN:
		if (!f->token.len)
			w->bad = true;
		quic_wr_int(w, f->type);
		quic_wr_int(w, f->token.len);
		quic_wr_bytes(w, f->token.data, f->token.len);
		break;
	case QUIC_FRAME_STREAM:
		type = QUIC_FRAME_STREAM | QUIC_FRAME_STREAM_LEN;
		if (f->stream.offset)
			type |= QUIC_FRAME_STREAM_OFF;
		if (f->stream.fin)
			type |= QUIC_FRAME_STREAM_FIN;
		quic_wr_int(w, type);
		quic_wr_int(w, f->stream.stream_id);
		if (f->stream.offset)
			quic_wr_int(w, f->stream.offset);
		quic_wr_int(w, f->stream.len);
		quic_wr_bytes(w, f->stream.data, f->stream.len);
		break;
	case QUIC_FRAME_MAX_DATA:
	case QUIC_FRAME_DATA_BLOCKED:
	case QUIC_FRAME_MAX_STREAMS_BIDI:
	case QUIC_FRAME_MAX_STREAMS_UNI:
	case QUIC_FRAME_STREAMS_BLOCKED_BIDI:
	case QUIC_FRAME_STREAMS_BLOCKED_UNI:
		if (f->type >= QUIC_FRAME_MAX_STREAMS_BIDI &&
		    f->type != QUIC_FRAME_DATA_BLOCKED &&
		    f->max.value > QUIC_STREAMS_MAX)
			w->bad = true;
		quic_wr_int(w, f->type);
		quic_wr_int(w, f->max.value);
		break;
	case QUIC_FRAME_MAX_STREAM_DATA:
	case QUIC_FRAME_STREAM_DATA_BLOCKED:
		quic_wr_int(w, f->type);
		quic_wr_int(w, f->stream_max.stream_id);
		quic_wr_int(w, f->stream_max.value);
		break;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		if (!f->new_cid.cid_len || f->new_cid.cid_len > QUIC_CID_MAX_LEN ||
		    f->new_cid.retire_prior_to > f->new_cid.seq)
			w->bad = true;
		quic_wr_int(w, f->type);
		quic_wr_int(w, f->new_cid.seq);
		quic_wr_int(w, f->new_cid.retire_prior_to);
		quic_wr_bytes(w, &f->new_cid.cid_len, 1);
		quic_wr_bytes(w, f->new_cid.cid, min_t(u32, f->new_cid.cid_len,
						       QUIC_CID_MAX_LEN));
		quic_wr_bytes(w, f->new_cid.reset_token,
			      QUIC_STATELESS_RESET_TOKEN_LEN);
		break;
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		quic_wr_int(w, f->type);
		quic_wr_int(w, f->retire_cid.seq);
		break;
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE:
		quic_wr_int(w, f->type);
		quic_wr_bytes(w, f->path.data, QUIC_PATH_DATA_LEN);
		break;
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		quic_wr_int(w, f->type);
		quic_wr_int(w, f->close.error_code);
		if (f->type == QUIC_FRAME_CONNECTION_CLOSE)
			quic_wr_int(w, f->close.frame_type);
		quic_wr_int(w, f->close.reason_len);
		quic_wr_bytes(w, f->close.reason, f->close.reason_len);
		break;
	case QUIC_FRAME_DATAGRAM:
	case QUIC_FRAME_DATAGRAM_LEN:
		quic_wr_int(w, QUIC_FRAME_DATAGRAM_LEN);
		quic_wr_int(w, f->datagram.len);
		quic_wr_bytes(w, f->datagram.data, f->datagram.len);
		break;
	default:
		w->bad = true;
	}
}

/**
 * quic_frame_len - bytes quic_frame_put() writes for @f
 * @f: the frame
 *
 * Return: the length, or 0 when @f cannot be encoded.
 */
u32 quic_frame_len(const struct quic_frame *f)
{
	struct quic_wr w = { NULL, U32_MAX, 0, false };

	quic_frame_write(&w, f);
	return w.bad ? 0 : w.n;
}

/**
 * quic_frame_put - encode a frame
 * @p: output
 * @len: its size
 * @f: the frame; STREAM is written with the LEN bit (and OFF when the
 *	offset is not 0), DATAGRAM with a length
 *
 * Return: bytes written, -ENOSPC when it does not fit, -EINVAL when @f
 * cannot be encoded.
 */
int quic_frame_put(u8 *p, u32 len, const struct quic_frame *f)
{
	u32 n = quic_frame_len(f);
	struct quic_wr w = { p, len, 0, false };

	if (!n)
		return -EINVAL;
	if (n > len)
		return -ENOSPC;
	quic_frame_write(&w, f);
	return w.n;
}

/* Bytes of a STREAM frame header (section 19.8). */
u32 quic_frame_stream_hdr_len(u64 stream_id, u64 offset, u32 data_len,
			      bool with_len)
{
	return 1 + quic_varint_len(stream_id) +
	       (offset ? quic_varint_len(offset) : 0) +
	       (with_len ? quic_varint_len(data_len) : 0);
}

/**
 * quic_frame_put_stream_hdr - write a STREAM frame header; data follows
 * @p: output
 * @len: its size
 * @stream_id: stream ID
 * @offset: offset of the data
 * @data_len: bytes of data that follow
 * @fin: the FIN bit
 * @with_len: write the Length field (else the data ends the packet)
 *
 * Return: bytes written, 0 if it does not fit.
 */
u32 quic_frame_put_stream_hdr(u8 *p, u32 len, u64 stream_id, u64 offset,
			      u32 data_len, bool fin, bool with_len)
{
	u32 n = quic_frame_stream_hdr_len(stream_id, offset, data_len, with_len);
	u8 *q = p;

	if (n > len || stream_id > QUIC_VARINT_MAX || offset > QUIC_VARINT_MAX)
		return 0;
	*q = QUIC_FRAME_STREAM | (offset ? QUIC_FRAME_STREAM_OFF : 0) |
	     (with_len ? QUIC_FRAME_STREAM_LEN : 0) |
	     (fin ? QUIC_FRAME_STREAM_FIN : 0);
	q++;
	q += quic_varint_put(q, len - (q - p), stream_id);
	if (offset)
		q += quic_varint_put(q, len - (q - p), offset);
	if (with_len)
		q += quic_varint_put(q, len - (q - p), data_len);
	return q - p;
}

/* Write a CRYPTO frame header (section 19.6); 0 if it does not fit. */
u32 quic_frame_put_crypto_hdr(u8 *p, u32 len, u64 offset, u32 data_len)
{
	u32 n = 1 + quic_varint_len(offset) + quic_varint_len(data_len);
	u8 *q = p;

	if (n > len || offset > QUIC_VARINT_MAX)
		return 0;
	*q++ = QUIC_FRAME_CRYPTO;
	q += quic_varint_put(q, len - 1, offset);
	q += quic_varint_put(q, len - (q - p), data_len);
	return q - p;
}

/**
 * quic_frame_allowed - may a frame of @type be in a packet of @ptype?
 * @type: frame type
 * @ptype: packet type
 *
 * RFC 9000 section 12.4, Table 3; RFC 9221 section 4 for DATAGRAM.
 */
bool quic_frame_allowed(u64 type, enum quic_packet_type ptype)
{
	switch (ptype) {
	case QUIC_PACKET_INITIAL:
	case QUIC_PACKET_HANDSHAKE:
		return type == QUIC_FRAME_PADDING || type == QUIC_FRAME_PING ||
		       type == QUIC_FRAME_ACK || type == QUIC_FRAME_ACK_ECN ||
		       type == QUIC_FRAME_CRYPTO ||
		       type == QUIC_FRAME_CONNECTION_CLOSE;
	case QUIC_PACKET_0RTT:
		return type != QUIC_FRAME_ACK && type != QUIC_FRAME_ACK_ECN &&
		       type != QUIC_FRAME_CRYPTO &&
		       type != QUIC_FRAME_HANDSHAKE_DONE &&
		       type != QUIC_FRAME_NEW_TOKEN &&
		       type != QUIC_FRAME_PATH_RESPONSE &&
		       type != QUIC_FRAME_RETIRE_CONNECTION_ID;
	case QUIC_PACKET_SHORT:
		return true;
	default:
		return false;
	}
}

/* RFC 9002 section 2: all but ACK, PADDING and CONNECTION_CLOSE. */
bool quic_frame_ack_eliciting(u64 type)
{
	return type != QUIC_FRAME_ACK && type != QUIC_FRAME_ACK_ECN &&
	       type != QUIC_FRAME_PADDING &&
	       type != QUIC_FRAME_CONNECTION_CLOSE &&
	       type != QUIC_FRAME_CONNECTION_CLOSE_APP;
}

/* RFC 9000 section 9.1: the frames a probing packet is made of. */
bool quic_frame_probing(u64 type)
{
	return type == QUIC_FRAME_PATH_CHALLENGE ||
	       type == QUIC_FRAME_PATH_RESPONSE ||
	       type == QUIC_FRAME_NEW_CONNECTION_ID ||
	       type == QUIC_FRAME_PADDING;
}

/* RFC 9002 section 2: ack-eliciting frames and PADDING count in flight. */
bool quic_frame_in_flight(u64 type)
{
	return quic_frame_ack_eliciting(type) || type == QUIC_FRAME_PADDING;
}
