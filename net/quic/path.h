/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path validation and connection migration (RFC 9000 sections 8.2 and
 * 9): a peer seen at a new address, by a NAT rebinding or its own
 * migration, is sent to there at once, within the anti-amplification
 * limit, and challenged; a client moves to a new local address when its
 * application asks (QUIC_SOCKOPT_CONNECTION_MIGRATION) and challenges the
 * server from there. A PATH_RESPONSE validates the new path; without one
 * the connection goes back to the path it had.
 */

#ifndef __NET_QUIC_PATH_H
#define __NET_QUIC_PATH_H

#include <linux/ktime.h>
#include <linux/types.h>
#include <linux/workqueue.h>

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
 * @local: we moved (a client's migration), not the peer
 * @deadline: when the validation is abandoned (section 8.2.4)
 * @prev: the address to go back to if it fails (section 9.3.2)
 * @prev_local: our address before we moved
 * @prev_udp: the UDP socket of @prev_local, held until the validation
 *	ends, then released in process context (@release)
 * @release: puts @prev_udp
 * @resp_data: the PATH_CHALLENGE payload of a probe from another address
 * @resp_to: that address, where the PATH_RESPONSE goes (section 8.2.2)
 * @resp_pref: the probe came to our preferred_address, and so does the
 *	PATH_RESPONSE (section 9.6.2)
 * @resp_room: the most that may be sent there (three times the probe)
 * @resp_pending: a PATH_RESPONSE waits to be sent to @resp_to
 */
struct quic_path_check {
	u8			data[QUIC_PATH_CHALLENGES][QUIC_PATH_DATA_LEN];
	u32			sent;
	bool			pending;
	bool			active;
	bool			has_prev;
	bool			local;
	ktime_t			deadline;
	union quic_addr		prev;
	union quic_addr		prev_local;
	struct quic_udp_sock	*prev_udp;
	struct work_struct	release;
	u8			resp_data[QUIC_PATH_DATA_LEN];
	union quic_addr		resp_to;
	u32			resp_room;
	bool			resp_pending;
	bool			resp_pref;
};

struct quic_conn;
struct quic_tparams;
struct sock;

bool quic_addr_same(const union quic_addr *a, const union quic_addr *b);
bool quic_addr_same_host(const union quic_addr *a, const union quic_addr *b);
void quic_path_init(struct sock *sk);
void quic_path_free(struct sock *sk);
u32 quic_path_send_room(const struct quic_conn *c, u32 mtu);
int quic_path_migrate(struct sock *sk, const union quic_addr *local);
void quic_path_peer_moved(struct sock *sk, const union quic_addr *from,
			  u32 len);
void quic_path_challenge_sent(struct quic_path_check *pc, const u8 *data);
void quic_path_probed(struct sock *sk, const union quic_addr *from, u32 len,
		      const u8 *data, bool pref);
void quic_path_local_moved(struct sock *sk, u32 len);
int quic_path_set_preferred(struct sock *sk, const union quic_addr *a);
void quic_path_fill_preferred(struct sock *sk, struct quic_tparams *tp);
void quic_path_use_preferred(struct sock *sk);
void quic_path_response_rcv(struct sock *sk, const u8 *data);
void quic_path_timeout(struct sock *sk);

#endif /* __NET_QUIC_PATH_H */
