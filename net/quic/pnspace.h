/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packet number spaces (RFC 9000 section 12.3): the packet numbers
 * received (for ACK frames and duplicate detection) and the packets sent
 * and not yet acknowledged or lost (RFC 9002 section 2).
 */

#ifndef __NET_QUIC_PNSPACE_H
#define __NET_QUIC_PNSPACE_H

#include <linux/ktime.h>
#include <linux/list.h>

#include "ecn.h"
#include "frame.h"

/* Received ranges remembered; older packets count as duplicates. */
#define QUIC_PNSPACE_MAX_RANGES		QUIC_ACK_MAX_RANGES
/* RFC 9000 section 13.2.2: ACK at least every second ack-eliciting packet. */
#define QUIC_ACK_ELICITING_THRESHOLD	2
/* Frames of one sent packet remembered for acknowledgment and loss. */
#define QUIC_SENT_FRAMES_MAX		16
/* Packets without an ack-eliciting frame (ACK only) remembered at most:
 * nothing makes a peer acknowledge them (RFC 9000 section 13.2.1).
 */
#define QUIC_SENT_PLAIN_MAX		32

/**
 * struct quic_sent_frame - what a sent frame carried, to act on its fate
 * @type: frame type (%QUIC_FRAME_STREAM for every STREAM type)
 * @fin: STREAM: the FIN bit
 * @len: CRYPTO/STREAM: data length
 * @id: STREAM, MAX_STREAM_DATA, RESET_STREAM, STOP_SENDING: stream ID;
 *	NEW/RETIRE_CONNECTION_ID: sequence number; ACK: largest acknowledged
 * @offset: CRYPTO/STREAM: data offset
 */
struct quic_sent_frame {
	u8	type;
	bool	fin;
	u32	len;
	u64	id;
	u64	offset;
};

/**
 * struct quic_sent_pkt - a packet in flight (RFC 9002 appendix A.1.1)
 * @list: in the space's @sent list, by packet number
 * @pn: packet number
 * @time: when it was sent
 * @size: bytes on the wire (counted in bytes_in_flight when @in_flight)
 * @level: &enum quic_crypto_level
 * @ack_eliciting: contains an ack-eliciting frame
 * @in_flight: counts toward congestion control
 * @ecn: sent ECT(0) (ecn.c)
 * @pmtu_probe: a PLPMTUD probe, alone in its datagram (pmtu.c)
 * @nframes: entries in @frames
 * @frames: its frames
 */
struct quic_sent_pkt {
	struct list_head	list;
	u64			pn;
	ktime_t			time;
	u16			size;
	u8			level;
	bool			ack_eliciting;
	bool			in_flight;
	bool			ecn;
	bool			pmtu_probe;
	u8			nframes;
	struct quic_sent_frame	frames[QUIC_SENT_FRAMES_MAX];
};

/**
 * struct quic_pnspace - one packet number space
 * @recv: received packet numbers, highest range first
 * @recv_count: entries in @recv
 * @recv_floor: packet numbers below this are treated as duplicates
 * @largest_recv_time: when the largest packet number arrived
 * @ack_pending: ack-eliciting packets received and not acknowledged yet
 * @ack_immediate: send an ACK without delay (RFC 9000 section 13.2.1)
 * @ack_deadline: when the delayed ACK is due, 0 for none
 * @next_pn: next packet number to send
 * @largest_acked: largest of our packet numbers the peer acknowledged
 * @has_acked: @largest_acked is valid
 * @sent: &struct quic_sent_pkt in flight
 * @loss_time: time threshold loss detection deadline, 0 for none
 * @last_eliciting_time: when the last ack-eliciting packet was sent
 * @eliciting_in_flight: ack-eliciting packets in @sent
 * @plain_sent: other packets in @sent
 * @discarded: keys of this space are gone (RFC 9001 section 4.9)
 * @ecn: ECN counts both ways (RFC 9000 section 13.4)
 */
struct quic_pnspace {
	struct quic_ack_range	recv[QUIC_PNSPACE_MAX_RANGES];
	u32			recv_count;
	u64			recv_floor;
	ktime_t			largest_recv_time;
	u32			ack_pending;
	bool			ack_immediate;
	ktime_t			ack_deadline;

	u64			next_pn;
	u64			largest_acked;
	bool			has_acked;
	struct list_head	sent;
	ktime_t			loss_time;
	ktime_t			last_eliciting_time;
	u32			eliciting_in_flight;
	u32			plain_sent;
	bool			discarded;
	struct quic_ecn_space	ecn;
};

void quic_pnspace_init(struct quic_pnspace *s);
bool quic_pnspace_seen(const struct quic_pnspace *s, u64 pn);
void quic_pnspace_record(struct quic_pnspace *s, u64 pn, bool eliciting,
			 ktime_t now, u32 max_ack_delay_us);
u64 quic_pnspace_largest(const struct quic_pnspace *s);
bool quic_pnspace_ack_due(const struct quic_pnspace *s, ktime_t now);
void quic_pnspace_fill_ack(const struct quic_pnspace *s, struct quic_frame *f,
			   ktime_t now, u32 ack_delay_exponent);
void quic_pnspace_ack_sent(struct quic_pnspace *s);
void quic_pnspace_ack_acked(struct quic_pnspace *s, u64 largest);

#endif /* __NET_QUIC_PNSPACE_H */
