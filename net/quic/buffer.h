/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Byte streams with offsets, shared by CRYPTO (RFC 9000 section 19.6) and
 * STREAM (section 19.8) data: the send side keeps data until the peer
 * acknowledges it and knows which ranges to (re)send; the receive side
 * reassembles out-of-order frames (section 2.2).
 */

#ifndef __NET_QUIC_BUFFER_H
#define __NET_QUIC_BUFFER_H

#include <linux/list.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "frame.h"

/* A set of disjoint byte ranges [start, end) kept sorted. It is bounded;
 * what happens on overflow is the caller's choice (see quic_ranges_add()).
 */
#define QUIC_RANGES_MAX		32

struct quic_ranges {
	u32	count;
	struct {
		u64	start;
		u64	end;
	} r[QUIC_RANGES_MAX];
};

bool quic_ranges_add(struct quic_ranges *set, u64 start, u64 end, bool merge);
void quic_ranges_remove(struct quic_ranges *set, u64 start, u64 end);
void quic_ranges_trim_below(struct quic_ranges *set, u64 offset);

/**
 * struct quic_sbuf - data of one send stream
 * @chunks: &struct quic_sbuf_chunk by offset; freed once acknowledged
 * @base: offset of the first byte still held
 * @tail: offset after the last byte written by the application
 * @next: first byte never sent yet
 * @acked: acknowledged ranges above @base
 * @lost: ranges below @next to send again
 * @fin: the application ended the stream at @tail
 * @fin_sent: a frame with the FIN bit is in flight or acknowledged
 * @fin_acked: the peer acknowledged the FIN
 * @fin_lost: the FIN must be sent again
 * @bytes: bytes held (charged to the socket)
 */
struct quic_sbuf {
	struct list_head	chunks;
	u64			base;
	u64			tail;
	u64			next;
	struct quic_ranges	acked;
	struct quic_ranges	lost;
	bool			fin;
	bool			fin_sent;
	bool			fin_acked;
	bool			fin_lost;
	u32			bytes;
};

void quic_sbuf_init(struct quic_sbuf *sb);
u32 quic_sbuf_free(struct quic_sbuf *sb);
int quic_sbuf_append(struct quic_sbuf *sb, struct iov_iter *from, u32 len,
		     gfp_t gfp);
int quic_sbuf_append_buf(struct quic_sbuf *sb, const u8 *data, u32 len,
			 gfp_t gfp);
bool quic_sbuf_pending(const struct quic_sbuf *sb);
u32 quic_sbuf_next_range(struct quic_sbuf *sb, u64 limit, u32 max,
			 u64 *offset, bool *fin);
void quic_sbuf_copy(const struct quic_sbuf *sb, u64 offset, u32 len, u8 *to);
u32 quic_sbuf_ack(struct quic_sbuf *sb, u64 offset, u32 len, bool fin);
void quic_sbuf_lose(struct quic_sbuf *sb, u64 offset, u32 len, bool fin);
bool quic_sbuf_all_acked(const struct quic_sbuf *sb);

/**
 * struct quic_rbuf - reassembly of one receive stream
 * @frags: out-of-order &sk_buff fragments sorted by offset (skb->cb holds
 *	a &struct quic_rbuf_cb)
 * @next: next in-order offset to deliver
 * @highest: highest offset received + 1 (flow control, section 4.5)
 * @final: final size, when a FIN or RESET_STREAM told it
 * @final_known: @final is valid
 * @fin_delivered: the end of the stream was handed to the reader
 * @bytes: bytes held out of order
 */
struct quic_rbuf {
	struct sk_buff_head	frags;
	u64			next;
	u64			highest;
	u64			final;
	bool			final_known;
	bool			fin_delivered;
	u32			bytes;
};

/**
 * struct quic_rbuf_cb - control block of a received data skb
 * @offset: stream offset of the first byte of the skb's data
 * @stream_id: stream ID, or -1 for CRYPTO data
 * @level: encryption level of CRYPTO data
 * @fin: the data ends the stream
 * @event: the skb is an event notification, not data
 * @datagram: the skb is a DATAGRAM frame's payload (RFC 9221)
 */
struct quic_rbuf_cb {
	u64	offset;
	s64	stream_id;
	u8	level;
	bool	fin;
	bool	event;
	bool	datagram;
};

static inline struct quic_rbuf_cb *quic_rbuf_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct quic_rbuf_cb) > sizeof(skb->cb));
	return (struct quic_rbuf_cb *)skb->cb;
}

void quic_rbuf_init(struct quic_rbuf *rb);
void quic_rbuf_free(struct quic_rbuf *rb);
int quic_rbuf_insert(struct quic_rbuf *rb, struct sk_buff *skb, u64 offset,
		     bool fin);
struct sk_buff *quic_rbuf_pop(struct quic_rbuf *rb);

#endif /* __NET_QUIC_BUFFER_H */
