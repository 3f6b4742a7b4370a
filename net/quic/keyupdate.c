// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 1-RTT key update (RFC 9001 section 6).
 *
 * The keys of the next phase, for both directions, are derived in process
 * context as soon as the current ones exist (section 6.3 asks for them
 * ahead of time, so that a peer's update costs no timing side channel and
 * softirq never allocates transforms). A phase change then only moves
 * keys between slots; the work item refills the next slot afterwards.
 *
 * Either side updates: we flip our send phase when user space asks
 * (QUIC_SOCKOPT_KEY_UPDATE) or a key nears its confidentiality limit; the
 * peer's update is seen as a packet of the other phase that opens with
 * the next read keys, and we answer with our next send keys (section
 * 6.2). The previous read keys stay three PTOs for reordered packets
 * (section 6.5).
 */

#include <linux/tls.h>

#include "keyupdate.h"
#include "output.h"
#include "socket.h"

static struct quic_key_update *quic_ku(struct sock *sk)
{
	return &quic_sk(sk)->conn.ku;
}

static struct quic_level *quic_ku_level(struct sock *sk)
{
	return &quic_sk(sk)->conn.levels[QUIC_CRYPTO_APP];
}

/* Section 6.5: three times the current PTO. */
static ktime_t quic_ku_three_pto(struct sock *sk)
{
	return ktime_add_us(ktime_get(), 3ULL * quic_recovery_pto_us(sk));
}

static void quic_ku_move(struct quic_crypto_key *to, struct quic_crypto_key *from)
{
	quic_crypto_key_free(to);
	*to = *from;
	memset(from, 0, sizeof(*from));
}

static void quic_ku_work(struct work_struct *work)
{
	struct quic_key_update *ku = container_of(work, struct quic_key_update,
						  work);
	struct quic_sock *qs = container_of(ku, struct quic_sock, conn.ku);
	struct sock *sk = &qs->inet.sk;

	lock_sock(sk);
	if (qs->conn.initialised)
		quic_ku_prepare(sk);
	release_sock(sk);
	sock_put(sk);
}

/* Refill the next keys from process context (the work holds the socket). */
static void quic_ku_schedule(struct sock *sk)
{
	sock_hold(sk);
	if (!schedule_work(&quic_ku(sk)->work))
		sock_put(sk);
}

void quic_ku_init(struct sock *sk)
{
	struct quic_key_update *ku = quic_ku(sk);

	memset(ku, 0, sizeof(*ku));
	INIT_WORK(&ku->work, quic_ku_work);
}

/**
 * quic_ku_free - free every key of the key update state
 * @sk: the socket
 *
 * A queued work item holds a reference and finds the connection gone.
 */
void quic_ku_free(struct sock *sk)
{
	struct quic_key_update *ku = quic_ku(sk);

	quic_crypto_key_free(&ku->send_next);
	quic_crypto_key_free(&ku->recv_next);
	quic_crypto_key_free(&ku->recv_prev);
	ku->send_next_ready = false;
	ku->recv_next_ready = false;
	ku->prev_valid = false;
}

static void quic_ku_expire_prev(struct sock *sk)
{
	struct quic_key_update *ku = quic_ku(sk);

	if (ku->prev_valid && ktime_after(ktime_get(), ku->prev_expire)) {
		quic_crypto_key_free(&ku->recv_prev);
		ku->prev_valid = false;
	}
}

/**
 * quic_ku_prepare - derive the keys of the next phase (section 6.1)
 * @sk: the socket, locked, with both 1-RTT keys installed
 *
 * Context: process context; allocates transforms.
 * Return: 0 or a negative errno.
 */
int quic_ku_prepare(struct sock *sk)
{
	struct quic_key_update *ku = quic_ku(sk);
	struct quic_level *lvl = quic_ku_level(sk);
	int err;

	if (!lvl->send_ready || !lvl->recv_ready)
		return -EINVAL;
	quic_ku_expire_prev(sk);
	if (!ku->send_next_ready) {
		err = quic_crypto_key_update(&ku->send_next, &lvl->send_key);
		if (err)
			return err;
		ku->send_next_ready = true;
	}
	if (!ku->recv_next_ready) {
		err = quic_crypto_key_update(&ku->recv_next, &lvl->recv_key);
		if (err)
			return err;
		ku->recv_next_ready = true;
	}
	return 0;
}

/* Our send keys move to the next phase. */
static void quic_ku_flip_send(struct sock *sk)
{
	struct quic_key_update *ku = quic_ku(sk);
	struct quic_conn *c = &quic_sk(sk)->conn;

	quic_ku_move(&quic_ku_level(sk)->send_key, &ku->send_next);
	ku->send_next_ready = false;
	ku->send_phase ^= 1;
	ku->send_first_pn = c->path.space.next_pn;
	ku->sent = 0;
	ku->local_pending = true;
	ku->ack_asked = false;
}

/**
 * quic_ku_initiate - start a key update (section 6.1)
 * @sk: the socket
 *
 * Section 6.1: not before the handshake is confirmed, and not again
 * until a packet of the current phase is acknowledged (a PING then asks
 * for it); section 6.5: and three PTOs after that acknowledgment. Does
 * not allocate: the next keys are ready, or the update waits.
 *
 * Return: 0, -ENOTCONN before the connection is established, -EAGAIN when
 * one of the rules above says not yet.
 */
int quic_ku_initiate(struct sock *sk)
{
	struct quic_key_update *ku = quic_ku(sk);
	struct quic_conn *c = &quic_sk(sk)->conn;

	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	/* Unprotected 1-RTT packets have no keys to update. */
	if (c->plain_1rtt)
		return -EINVAL;
	/* An endpoint that only receives sends ACKs, which are not
	 * acknowledged: ask for an acknowledgment of the current phase with
	 * a PING (one per phase), or its updates would wait for data of its
	 * own.
	 */
	if (c->handshake_confirmed && ku->local_pending && !ku->ack_asked) {
		c->ping_pending |= BIT(QUIC_CRYPTO_APP);
		ku->ack_asked = true;
	}
	if (!c->handshake_confirmed || ku->local_pending ||
	    ku->send_phase != ku->recv_phase || !ku->send_next_ready ||
	    !ku->recv_next_ready || ktime_before(ktime_get(), ku->allowed_at))
		return -EAGAIN;
	quic_ku_flip_send(sk);
	quic_ku_schedule(sk);
	return 0;
}

/**
 * quic_ku_recv_key - the read key for a 1-RTT packet
 * @sk: the socket
 * @phase: the packet's Key Phase bit, header protection removed
 * @pn: its packet number
 * @which: which key it is, for quic_ku_opened()
 *
 * Section 6.3: a packet of the other phase is either late (a packet
 * number below the first of the current phase: the previous keys) or
 * the peer's next update (the next keys).
 *
 * Return: the key, or NULL when none can open the packet.
 */
struct quic_crypto_key *quic_ku_recv_key(struct sock *sk, u8 phase, u64 pn,
					 enum quic_ku_which *which)
{
	struct quic_key_update *ku = quic_ku(sk);

	if (phase == ku->recv_phase) {
		*which = QUIC_KU_CUR;
		return &quic_ku_level(sk)->recv_key;
	}
	quic_ku_expire_prev(sk);
	if (ku->count && pn < ku->recv_first_pn) {
		*which = QUIC_KU_PREV;
		return ku->prev_valid ? &ku->recv_prev : NULL;
	}
	*which = QUIC_KU_NEXT;
	return ku->recv_next_ready ? &ku->recv_next : NULL;
}

/**
 * quic_ku_opened - a 1-RTT packet authenticated with @which key
 * @sk: the socket
 * @which: from quic_ku_recv_key()
 * @pn: its packet number
 *
 * With the next keys, the read phase changes; if the peer started the
 * update, our send phase follows before anything more is sent, the
 * acknowledgment of this packet included (section 6.2).
 */
void quic_ku_opened(struct sock *sk, enum quic_ku_which which, u64 pn)
{
	struct quic_key_update *ku = quic_ku(sk);
	struct quic_level *lvl = quic_ku_level(sk);

	if (which != QUIC_KU_NEXT)
		return;
	quic_ku_move(&ku->recv_prev, &lvl->recv_key);
	quic_ku_move(&lvl->recv_key, &ku->recv_next);
	ku->recv_next_ready = false;
	ku->prev_valid = true;
	ku->prev_expire = quic_ku_three_pto(sk);
	ku->recv_phase ^= 1;
	ku->recv_first_pn = pn;
	ku->count++;
	if (ku->send_phase != ku->recv_phase) {
		/* The peer's update: ours follows, and like our own it must
		 * be acknowledged before another (section 6.1).
		 */
		quic_ku_flip_send(sk);
	}
	quic_event_key_update(sk, ku->recv_phase);
	quic_ku_schedule(sk);
}

/**
 * quic_ku_auth_failed - a 1-RTT packet did not authenticate
 * @sk: the socket
 *
 * Return: true when the integrity limit of section 6.6 is reached and
 * the connection must close with AEAD_LIMIT_REACHED.
 */
bool quic_ku_auth_failed(struct sock *sk)
{
	struct quic_key_update *ku = quic_ku(sk);
	const struct quic_cipher *cipher = quic_ku_level(sk)->recv_key.cipher;
	u64 limit = QUIC_AEAD_INTEG_LIMIT_AES;

	if (cipher && cipher->type == TLS_CIPHER_CHACHA20_POLY1305)
		limit = QUIC_AEAD_INTEG_LIMIT_CHACHA;
	return ++ku->auth_failures >= limit;
}

/**
 * quic_ku_sent - a 1-RTT packet was protected with the current send key
 * @sk: the socket
 *
 * Section 6.6: an AES-GCM key protects at most 2^23 packets; we update
 * before that (ChaCha20-Poly1305's limit is beyond 2^62 packets).
 */
void quic_ku_sent(struct sock *sk)
{
	struct quic_key_update *ku = quic_ku(sk);
	const struct quic_cipher *cipher = quic_ku_level(sk)->send_key.cipher;

	if (++ku->sent < QUIC_AEAD_CONF_LIMIT_AES - QUIC_KEY_UPDATE_MARGIN ||
	    !cipher || cipher->type == TLS_CIPHER_CHACHA20_POLY1305)
		return;
	quic_ku_initiate(sk);
}

/**
 * quic_ku_acked - the peer acknowledged 1-RTT packets up to @largest
 * @sk: the socket
 * @largest: Largest Acknowledged of the ACK frame
 */
void quic_ku_acked(struct sock *sk, u64 largest)
{
	struct quic_key_update *ku = quic_ku(sk);

	if (ku->local_pending && largest >= ku->send_first_pn) {
		ku->local_pending = false;
		ku->allowed_at = quic_ku_three_pto(sk);
	}
}
