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
void quic_cubic_on_acked(struct quic_cong *cong, u32 mss, u32 acked,
			 ktime_t now, u32 srtt_us);
void quic_cubic_on_congestion(struct quic_cong *cong, u32 mss);
void quic_cubic_reset(struct quic_cong *cong);

#endif /* __NET_QUIC_CUBIC_H */
