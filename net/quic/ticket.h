/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Session tickets (RFC 8446 section 4.6.1, RFC 9001 section 4.6): the TLS
 * messages that come in 1-RTT CRYPTO frames after the handshake, and the
 * QUIC_SOCKOPT_SESSION_TICKET buffer of draft-lxin-quic-socket-apis.
 */

#ifndef __NET_QUIC_TICKET_H
#define __NET_QUIC_TICKET_H

#include <linux/types.h>

struct sock;
struct sk_buff;

/* The largest post-handshake TLS message (with its 4-byte header) and the
 * largest QUIC_SOCKOPT_SESSION_TICKET value we keep.
 */
#define QUIC_TICKET_MAX		4096

/* RFC 8446 section 4: handshake message types that matter here. */
#define QUIC_TLS_NEW_SESSION_TICKET	4
/* RFC 8446 section 6.2: unexpected_message, as CRYPTO_ERROR 0x100 + 10. */
#define QUIC_TLS_ALERT_UNEXPECTED	10

int quic_ticket_rcv(struct sock *sk, struct sk_buff *skb, u64 *errcode);
int quic_ticket_set(struct sock *sk, const u8 *data, u32 len);
void quic_ticket_free(struct sock *sk);

#endif /* __NET_QUIC_TICKET_H */
