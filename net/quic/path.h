/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path validation and changes of the peer's address (RFC 9000 sections
 * 8.2 and 9): a peer seen at a new address, by a NAT rebinding or its own
 * migration, is sent to there at once, within the anti-amplification
 * limit, and challenged; its PATH_RESPONSE validates the new address, and
 * without one the connection goes back to the address validated before.
 */

#ifndef __NET_QUIC_PATH_H
#define __NET_QUIC_PATH_H

#include <linux/ktime.h>
#include <linux/types.h>

#include "frame.h"
#include "udp.h"

/* Challenges of one validation whose responses are still taken. */
#define QUIC_PATH_CHALLENGES	3
/* The smallest datagram worth sending on an unvalidated path: room for
 * a short header, a PATH_CHALLENGE and the AEAD tag.
 */
#define QUIC_PATH_SEND_MIN	64

/**
 * struct quic_path_check - validation of the peer's address (section 8.2)
 * @data: payloads of the last PATH_CHALLENGE frames sent
 * @sent: PATH_CHALLENGE frames sent in this validation
 * @pending: a PATH_CHALLENGE waits to be sent
 * @active: a validation is under way
 * @has_prev: @prev holds the last validated address
 * @deadline: when the validation is abandoned (section 8.2.4)
 * @prev: the address to go back to if it fails (section 9.3.2)
 */
struct quic_path_check {
	u8		data[QUIC_PATH_CHALLENGES][QUIC_PATH_DATA_LEN];
	u32		sent;
	bool		pending;
	bool		active;
	bool		has_prev;
	ktime_t		deadline;
	union quic_addr	prev;
};

struct quic_conn;
struct sock;

bool quic_addr_same(const union quic_addr *a, const union quic_addr *b);
bool quic_addr_same_host(const union quic_addr *a, const union quic_addr *b);
u32 quic_path_send_room(const struct quic_conn *c, u32 mtu);
void quic_path_peer_moved(struct sock *sk, const union quic_addr *from,
			  u32 len);
void quic_path_challenge_sent(struct quic_path_check *pc, const u8 *data);
void quic_path_response_rcv(struct sock *sk, const u8 *data);
void quic_path_timeout(struct sock *sk);

#endif /* __NET_QUIC_PATH_H */
