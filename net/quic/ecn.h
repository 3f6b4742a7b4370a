/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Explicit Congestion Notification for QUIC (RFC 9000 section 13.4): mark
 * what we send ECT(0), count the codepoints of what we receive for ACK_ECN
 * frames, and validate the counts the peer reports before trusting them.
 */

#ifndef __NET_QUIC_ECN_H
#define __NET_QUIC_ECN_H

#include <linux/types.h>

struct sk_buff;
struct quic_frame_ack;

/* RFC 9000 appendix A.4: the states of ECN validation on a path. */
enum quic_ecn_state {
	QUIC_ECN_TESTING,	/* marking the first datagrams */
	QUIC_ECN_UNKNOWN,	/* not marking, waiting for their ACKs */
	QUIC_ECN_CAPABLE,	/* counts validated: marking */
	QUIC_ECN_FAILED,	/* not marking any more */
};

/* Appendix A.4: the testing state marks this many datagrams; if as many
 * marked packets are lost with none of them acknowledged, the path drops
 * ECT packets.
 */
#define QUIC_ECN_TESTING_SENT	10
#define QUIC_ECN_TESTING_LOST	10

/* Indexes of the three counts, in ACK_ECN order (section 19.3.2). */
enum { QUIC_ECN_ECT0, QUIC_ECN_ECT1, QUIC_ECN_CE, QUIC_ECN_COUNTS };

/**
 * struct quic_ecn_space - the ECN counts of one packet number space
 * @recv: codepoints of the packets we processed (what our ACKs report)
 * @peer: the counts of the peer's last ACK_ECN that was processed
 * @sent: our packets sent with ECT(0)
 */
struct quic_ecn_space {
	u64	recv[QUIC_ECN_COUNTS];
	u64	peer[QUIC_ECN_COUNTS];
	u64	sent;
};

/**
 * struct quic_ecn - ECN state of a path
 * @state: &enum quic_ecn_state
 * @testing_sent: datagrams marked while testing
 * @testing_lost: marked packets lost before validation
 * @acked: a marked packet was acknowledged with valid counts
 */
struct quic_ecn {
	u8	state;
	u32	testing_sent;
	u32	testing_lost;
	bool	acked;
};

void quic_ecn_init(struct quic_ecn *e, bool enabled);
bool quic_ecn_marking(const struct quic_ecn *e);
void quic_ecn_sent(struct quic_ecn *e, bool marked);
u8 quic_ecn_codepoint(const struct sk_buff *skb);
bool quic_ecn_received(struct quic_ecn_space *s, u8 codepoint);
void quic_ecn_fill_ack(const struct quic_ecn_space *s,
		       struct quic_frame_ack *ack);
void quic_ecn_on_lost(struct quic_ecn *e);
bool quic_ecn_on_ack(struct quic_ecn *e, struct quic_ecn_space *s,
		     const struct quic_frame_ack *ack, u64 newly_marked);

#endif /* __NET_QUIC_ECN_H */
