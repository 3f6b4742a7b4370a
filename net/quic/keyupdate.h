/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 1-RTT key update (RFC 9001 section 6): the Key Phase bit, the keys of
 * the next phase made ahead of time, the previous read keys kept for three
 * PTOs, and the AEAD limits of section 6.6.
 */

#ifndef __NET_QUIC_KEYUPDATE_H
#define __NET_QUIC_KEYUPDATE_H

#include <linux/bits.h>
#include <linux/ktime.h>
#include <linux/workqueue.h>

#include "crypto.h"

struct sock;

/* RFC 9001 section 6.6: packets protected with one AES-GCM key. A key
 * update is started well before the limit is reached.
 */
#define QUIC_AEAD_CONF_LIMIT_AES	BIT_ULL(23)
#define QUIC_KEY_UPDATE_MARGIN		BIT_ULL(16)
/* Section 6.6: failed authentications tolerated for the whole connection
 * (AES-GCM; ChaCha20-Poly1305 allows 2^36).
 */
#define QUIC_AEAD_INTEG_LIMIT_AES	BIT_ULL(52)
#define QUIC_AEAD_INTEG_LIMIT_CHACHA	BIT_ULL(36)

/* Which read key opened a 1-RTT packet. */
enum quic_ku_which {
	QUIC_KU_CUR,
	QUIC_KU_PREV,
	QUIC_KU_NEXT,
};

/**
 * struct quic_key_update - key phase state of a connection
 * @send_next: send keys of the next phase, made ahead (process context)
 * @recv_next: read keys of the next phase
 * @recv_prev: read keys of the previous phase, until @prev_expire
 * @work: makes the next keys after a phase change seen in softirq
 * @prev_expire: when @recv_prev goes (section 6.5: three PTOs)
 * @allowed_at: earliest time of our next update (section 6.5)
 * @send_first_pn: first packet number sent in the current send phase
 * @recv_first_pn: first packet number received in the current read phase
 * @sent: packets protected with the current send key (section 6.6)
 * @auth_failures: 1-RTT packets that failed authentication
 * @count: key updates completed
 * @send_phase: Key Phase bit we send
 * @recv_phase: Key Phase bit of the current read keys
 * @send_next_ready: @send_next holds keys
 * @recv_next_ready: @recv_next holds keys
 * @prev_valid: @recv_prev holds keys
 * @local_pending: we updated and no packet of the new phase is acked yet
 * @ack_asked: a PING of the new phase was queued to ask for that acknowledgment
 */
struct quic_key_update {
	struct quic_crypto_key	send_next;
	struct quic_crypto_key	recv_next;
	struct quic_crypto_key	recv_prev;
	struct work_struct	work;
	ktime_t			prev_expire;
	ktime_t			allowed_at;
	u64			send_first_pn;
	u64			recv_first_pn;
	u64			sent;
	u64			auth_failures;
	u32			count;
	u8			send_phase;
	u8			recv_phase;
	bool			send_next_ready;
	bool			recv_next_ready;
	bool			prev_valid;
	bool			local_pending;
	bool			ack_asked;
};

void quic_ku_init(struct sock *sk);
void quic_ku_free(struct sock *sk);
int quic_ku_prepare(struct sock *sk);
int quic_ku_initiate(struct sock *sk);
struct quic_crypto_key *quic_ku_recv_key(struct sock *sk, u8 phase, u64 pn,
					 enum quic_ku_which *which);
void quic_ku_opened(struct sock *sk, enum quic_ku_which which, u64 pn);
bool quic_ku_auth_failed(struct sock *sk);
void quic_ku_sent(struct sock *sk);
void quic_ku_acked(struct sock *sk, u64 largest);

#endif /* __NET_QUIC_KEYUPDATE_H */
