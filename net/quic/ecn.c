// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC ECN (RFC 9000 section 13.4, RFC 9002 section 7.1 and appendix
 * B.7): ECT(0) on what we send while the path is not known to mangle it,
 * counts of what we receive, and validation of the peer's counts.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>

#include "ecn.h"
#include "frame.h"

/**
 * quic_ecn_init - a new path starts testing (appendix A.4)
 * @e: its state
 * @enabled: false: never mark (the netns sysctl net.quic.ecn is 0)
 */
void quic_ecn_init(struct quic_ecn *e, bool enabled)
{
	memset(e, 0, sizeof(*e));
	e->state = enabled ? QUIC_ECN_TESTING : QUIC_ECN_FAILED;
}

/* Whether the next datagram on the path goes out ECT(0). */
bool quic_ecn_marking(const struct quic_ecn *e)
{
	return e->state == QUIC_ECN_TESTING || e->state == QUIC_ECN_CAPABLE;
}

/**
 * quic_ecn_sent - a datagram left, @marked ECT(0) or not
 * @e: the path's ECN state
 * @marked: what quic_ecn_marking() said when its packets were built
 *
 * Called after the datagram, so that all its packets agree with its IP
 * header; the testing state ends after QUIC_ECN_TESTING_SENT of them.
 */
void quic_ecn_sent(struct quic_ecn *e, bool marked)
{
	if (marked && e->state == QUIC_ECN_TESTING &&
	    ++e->testing_sent >= QUIC_ECN_TESTING_SENT)
		e->state = QUIC_ECN_UNKNOWN;
}

/**
 * quic_ecn_codepoint - the ECN field of a received datagram
 * @skb: the datagram, its network header still in place
 *
 * Return: INET_ECN_NOT_ECT, INET_ECN_ECT_1, INET_ECN_ECT_0 or INET_ECN_CE.
 */
u8 quic_ecn_codepoint(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return ip_hdr(skb)->tos & INET_ECN_MASK;
	if (skb->protocol == htons(ETH_P_IPV6))
		return ipv6_get_dsfield(ipv6_hdr(skb)) & INET_ECN_MASK;
	return INET_ECN_NOT_ECT;
}

/**
 * quic_ecn_received - count a processed packet's codepoint (section 13.4.1)
 * @s: its packet number space
 * @codepoint: what quic_ecn_codepoint() read of its datagram
 *
 * Each packet of a datagram counts, duplicates do not (the caller only
 * calls this for a packet it processed for the first time).
 *
 * Return: true for ECN-CE, which is acknowledged at once (section 13.2.1).
 */
bool quic_ecn_received(struct quic_ecn_space *s, u8 codepoint)
{
	switch (codepoint) {
	case INET_ECN_ECT_0:
		s->recv[QUIC_ECN_ECT0]++;
		return false;
	case INET_ECN_ECT_1:
		s->recv[QUIC_ECN_ECT1]++;
		return false;
	case INET_ECN_CE:
		s->recv[QUIC_ECN_CE]++;
		return true;
	}
	return false;
}

/* Section 19.3.2: ACK_ECN once any count is non-zero. */
void quic_ecn_fill_ack(const struct quic_ecn_space *s,
		       struct quic_frame_ack *ack)
{
	if (!s->recv[QUIC_ECN_ECT0] && !s->recv[QUIC_ECN_ECT1] &&
	    !s->recv[QUIC_ECN_CE])
		return;
	ack->ecn = true;
	ack->ect0 = s->recv[QUIC_ECN_ECT0];
	ack->ect1 = s->recv[QUIC_ECN_ECT1];
	ack->ce = s->recv[QUIC_ECN_CE];
}

/* A marked packet was declared lost. */
void quic_ecn_on_lost(struct quic_ecn *e)
{
	if ((e->state != QUIC_ECN_TESTING && e->state != QUIC_ECN_UNKNOWN) ||
	    e->acked)
		return;
	if (++e->testing_lost >= QUIC_ECN_TESTING_LOST)
		e->state = QUIC_ECN_FAILED;
}

/**
 * quic_ecn_on_ack - validate the counts of an ACK (section 13.4.2.1)
 * @e: the path's ECN state
 * @s: the space the ACK is for
 * @ack: the frame, which increased the largest acknowledged packet number
 *	(counts of reordered ACKs are not validated, section 13.4.2.1)
 * @newly_marked: packets sent ECT(0) that it newly acknowledges
 *
 * Validation fails, and marking stops, when the frame newly acknowledges
 * marked packets without counts, when ECT(0) plus CE grew by less than
 * the marked packets it newly acknowledges, when a count went down, when
 * ECT(0) and CE exceed what we sent ECT(0), or ECT(1) is not zero (we never
 * send ECT(1)).
 *
 * Return: true when the CE count grew: a congestion event (RFC 9002
 * section 7.1), for the caller to act on.
 */
bool quic_ecn_on_ack(struct quic_ecn *e, struct quic_ecn_space *s,
		     const struct quic_frame_ack *ack, u64 newly_marked)
{
	u64 d_ect0, d_ce;
	bool ce;

	if (e->state == QUIC_ECN_FAILED)
		return false;
	if (!ack->ecn) {
		if (newly_marked)
			e->state = QUIC_ECN_FAILED;
		return false;
	}
	if (ack->ect0 < s->peer[QUIC_ECN_ECT0] ||
	    ack->ect1 < s->peer[QUIC_ECN_ECT1] ||
	    ack->ce < s->peer[QUIC_ECN_CE] ||
	    ack->ect0 + ack->ce > s->sent || ack->ect1) {
		/* ECT(1) too: we never send it (section 13.4.2.1 allows
		 * failing on counts above what was sent with a codepoint).
		 */
		e->state = QUIC_ECN_FAILED;
		return false;
	}
	d_ect0 = ack->ect0 - s->peer[QUIC_ECN_ECT0];
	d_ce = ack->ce - s->peer[QUIC_ECN_CE];
	if (d_ect0 + d_ce < newly_marked) {
		e->state = QUIC_ECN_FAILED;
		return false;
	}
	ce = d_ce > 0;
	s->peer[QUIC_ECN_ECT0] = ack->ect0;
	s->peer[QUIC_ECN_ECT1] = ack->ect1;
	s->peer[QUIC_ECN_CE] = ack->ce;
	if (newly_marked) {
		e->acked = true;
		e->state = QUIC_ECN_CAPABLE;
	}
	return ce;
}
