/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CUBIC congestion control (RFC 9438) on a path's &struct quic_cong:
 * pure functions of the controller state, the datagram size, the time
 * and the RTT, so that they can be tested alone.
 */

#ifndef __NET_QUIC_CUBIC_H
#define __NET_QUIC_CUBIC_H

#include <linux/ktime.h>
#include <linux/types.h>

struct quic_cong;

u64 quic_cubic_cbrt(u64 x);
u32 quic_cubic_window(const struct quic_cong *cong, u32 mss, u64 t_ms);
/**
 * struct quic_cubic_ack - what an acknowledgment tells CUBIC
 * @acked: bytes newly acknowledged
 * @pn: the packet's number
 * @next_pn: the next number to be sent
 * @rtt_us: latest RTT sample
 * @srtt_us: smoothed RTT
 * @now: the time
 */
struct quic_cubic_ack {
	u32	acked;
	u64	pn;
	u64	next_pn;
	u32	rtt_us;
	u32	srtt_us;
	ktime_t	now;
};

void quic_cubic_on_acked(struct quic_cong *cong, u32 mss,
			 const struct quic_cubic_ack *a);
void quic_cubic_on_congestion(struct quic_cong *cong, u32 mss);
void quic_cubic_reset(struct quic_cong *cong);

#endif /* __NET_QUIC_CUBIC_H */
