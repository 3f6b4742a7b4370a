/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building, protecting and sending packets, and what happens to frames. */

#ifndef __NET_QUIC_OUTPUT_H
#define __NET_QUIC_OUTPUT_H

#include <net/sock.h>

#include "conn.h"

void quic_xmit(struct sock *sk);
int quic_xmit_stateless_reset(struct sock *usk, struct sk_buff *in,
			      const u8 *dcid);

/* recovery.c */
void quic_recovery_init(struct quic_path *path, u32 initial_rtt_us);
void quic_recovery_mtu_changed(struct quic_path *path);
int quic_recovery_on_ack(struct sock *sk, u8 level,
			 const struct quic_frame_ack *ack, u64 *errcode);
void quic_recovery_on_sent(struct sock *sk, struct quic_sent_pkt *pkt);
void quic_recovery_set_timer(struct sock *sk);
void quic_recovery_timeout(struct sock *sk);
void quic_recovery_discard(struct sock *sk, u8 level);
void quic_recovery_resend_initial(struct sock *sk);
u32 quic_recovery_pto_us(struct sock *sk);
bool quic_recovery_cwnd_room(struct sock *sk, u32 size);

#endif /* __NET_QUIC_OUTPUT_H */
