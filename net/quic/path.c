// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC path validation and peer address changes (RFC 9000 sections 8.2
 * and 9). The receive path (input.c) reports a peer seen at a new
 * address and the PATH_RESPONSE frames; the send path (output.c) carries
 * the PATH_CHALLENGE frames this file asks for, in datagrams expanded to
 * 1200 bytes where the anti-amplification limit allows.
 */

#include <crypto/algapi.h>
#include <net/ipv6.h>

#include "cid.h"
#include "conn.h"
#include "output.h"
#include "path.h"
#include "reset.h"
#include "socket.h"
#include "udp.h"

/* @a as an IPv6 address, IPv4 ones mapped (RFC 4291 section 2.5.5.2). */
static void quic_addr_v6(const union quic_addr *a, struct in6_addr *out)
{
	if (a->sa.sa_family == AF_INET)
		ipv6_addr_set_v4mapped(a->v4.sin_addr.s_addr, out);
	else
		*out = a->v6.sin6_addr;
}

/**
 * quic_addr_same_host - whether two addresses name the same host
 * @a: one address
 * @b: the other
 *
 * The ports are not compared; an IPv4 address equals its v4-mapped
 * IPv6 form, as an AF_INET6 socket may see either.
 */
bool quic_addr_same_host(const union quic_addr *a, const union quic_addr *b)
{
	struct in6_addr x, y;

	quic_addr_v6(a, &x);
	quic_addr_v6(b, &y);
	return ipv6_addr_equal(&x, &y);
}

/* Whether two addresses are the same address and port. */
bool quic_addr_same(const union quic_addr *a, const union quic_addr *b)
{
	/* sin_port and sin6_port are at the same offset. */
	return a->v4.sin_port == b->v4.sin_port && quic_addr_same_host(a, b);
}

/* Put the UDP socket left behind by a migration (process context: the
 * UDP socket table is under a mutex).
 */
static void quic_path_release_work(struct work_struct *work)
{
	struct quic_path_check *pc = container_of(work, struct quic_path_check,
						  release);
	struct quic_conn *c = container_of(pc, struct quic_conn, path.check);
	struct sock *sk = &container_of(c, struct quic_sock, conn)->inet.sk;
	struct quic_udp_sock *us = NULL;

	lock_sock(sk);
	if (!pc->active) {
		us = pc->prev_udp;
		pc->prev_udp = NULL;
	}
	release_sock(sk);
	if (us)
		quic_udp_sock_put(sock_net(sk), us);
	sock_put(sk);
}

static void quic_path_release(struct sock *sk)
{
	struct quic_path_check *pc = &quic_sk(sk)->conn.path.check;

	if (!pc->prev_udp)
		return;
	sock_hold(sk);
	if (!schedule_work(&pc->release))
		sock_put(sk);
}

/* quic_conn_init(): no validation under way. */
void quic_path_init(struct sock *sk)
{
	struct quic_path_check *pc = &quic_sk(sk)->conn.path.check;

	memset(pc, 0, sizeof(*pc));
	INIT_WORK(&pc->release, quic_path_release_work);
}

/* quic_conn_destroy(), process context. A release work still queued
 * holds the socket and finds nothing left to put.
 */
void quic_path_free(struct sock *sk)
{
	struct quic_path_check *pc = &quic_sk(sk)->conn.path.check;

	pc->active = false;
	if (pc->prev_udp) {
		quic_udp_sock_put(sock_net(sk), pc->prev_udp);
		pc->prev_udp = NULL;
	}
}

/**
 * quic_path_send_room - the datagram size allowed on the path now
 * @c: the connection
 * @mtu: the size the path takes
 *
 * RFC 9000 section 9.3: after the peer moved, the new address is sent to
 * before it is validated, within the anti-amplification limit (section
 * 8.1) and, since its MTU is not known, in datagrams of at most 1200
 * bytes; a datagram smaller than a full one may then go. During the
 * handshake only full datagrams go (section 14.1 wants the server's
 * Initial datagrams padded).
 *
 * Return: the size, 0 when nothing may be sent.
 */
u32 quic_path_send_room(const struct quic_conn *c, u32 mtu)
{
	const struct quic_path *path = &c->path;
	u64 limit;

	if (path->validated)
		return mtu;
	if (!c->handshake_confirmed)
		return quic_path_amp_blocked(path, mtu) ? 0 : mtu;
	mtu = min_t(u32, mtu, QUIC_PATH_MTU_MIN);
	limit = QUIC_AMPLIFICATION_FACTOR * path->rx_bytes;
	if (path->tx_bytes >= limit)
		return 0;
	if (limit - path->tx_bytes < mtu)
		mtu = limit - path->tx_bytes;
	return mtu < QUIC_PATH_SEND_MIN ? 0 : mtu;
}

/* RFC 9000 section 8.2.4: three times the larger of the path's PTO and
 * the PTO of a new path (kInitialRtt, RFC 9002 section 6.2.2).
 */
static u64 quic_path_validation_us(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 initial = 3ULL * qs->config.initial_smoothed_rtt;
	u64 pto = quic_recovery_pto_us(sk);

	return 3 * (max(pto, initial) + qs->conn.peer.p.max_ack_delay);
}

/* The time to the next challenge: a PTO, within the deadline. */
static u64 quic_path_retry_us(struct sock *sk)
{
	struct quic_path_check *pc = &quic_sk(sk)->conn.path.check;
	s64 left = ktime_us_delta(pc->deadline, ktime_get());
	u64 pto = quic_recovery_pto_us(sk) +
		  quic_sk(sk)->conn.peer.p.max_ack_delay;

	return left <= 0 ? 0 : min_t(u64, pto, left);
}

/* Send to @to from now on; the route and its MTU are found again. */
static void quic_path_set_remote(struct sock *sk, const union quic_addr *to)
{
	struct quic_path *path = &quic_sk(sk)->conn.path;

	path->remote = *to;
	dst_cache_reset(&path->dst);
	path->route_mtu = 0;
	quic_set_peer_addr(sk, to);
}

/* RFC 9000 section 9.4: a new peer address is a new path; what was
 * learnt of the old one (RTT, window, PLPMTU) does not hold for it.
 */
static void quic_path_forget(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;
	struct quic_path *path = &c->path;
	u32 in_flight = path->cong.in_flight;
	u8 algo = path->cong.algo;

	path->mtu = QUIC_PATH_MTU_MIN;
	quic_recovery_init(path, qs->config.initial_smoothed_rtt);
	/* What is in flight stays counted until acknowledged or lost. */
	path->cong.algo = algo;
	path->cong.in_flight = in_flight;
	quic_pmtu_init(&path->pmtu, qs->config.plpmtud_probe_interval);
	quic_pmtu_start(&path->pmtu, quic_path_mtu_bound(c), ktime_get());
}

/* Validate the path from now on (section 8.2.1). */
static void quic_path_challenge_start(struct sock *sk)
{
	struct quic_path_check *pc = &quic_sk(sk)->conn.path.check;

	pc->active = true;
	pc->pending = true;
	pc->sent = 0;
	pc->deadline = ktime_add_us(ktime_get(), quic_path_validation_us(sk));
	quic_timer_start(sk, QUIC_DEFER_PATH, quic_path_retry_us(sk));
}

/* A server's path moved (@local: our end, else the peer's): until the
 * new one is validated, send there within three times the @len bytes
 * received on it (section 8.1).
 */
static void quic_path_validate_new(struct sock *sk, u32 len, bool local)
{
	struct quic_path *path = &quic_sk(sk)->conn.path;

	path->validated = false;
	path->rx_bytes = len;
	path->tx_bytes = 0;
	path->check.local = local;
	quic_path_challenge_start(sk);
}

/* Section 9.5: a new ID for a new path, when the peer gave a spare one
 * (after a NAT rebinding the old one may stay).
 */
static void quic_path_new_dcid(struct sock *sk)
{
	if (!quic_cid_dcid_next(&quic_sk(sk)->conn.ids))
		quic_reset_token_update(sk);
}

/**
 * quic_path_peer_moved - a non-probing packet came from a new address
 * @sk: the socket, a server's connection with its handshake confirmed
 * @from: the peer's new address
 * @len: the size of the datagram that brought it
 *
 * RFC 9000 section 9.3: the packet had the largest packet number yet, so
 * the peer is there now (a NAT rebinding looks the same as a migration):
 * send there and validate it (section 8.2). Only a change of port keeps
 * the congestion controller and the RTT (section 9.4).
 */
void quic_path_peer_moved(struct sock *sk, const union quic_addr *from,
			  u32 len)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_path *path = &c->path;
	struct quic_path_check *pc = &path->check;
	bool port_only = quic_addr_same_host(from, &path->remote);
	union quic_addr back;

	if (pc->has_prev && quic_addr_same(from, &pc->prev)) {
		/* Back at an address validated before: no need to again;
		 * the one left becomes the address to go back to.
		 */
		back = pc->prev;
		pc->prev = path->remote;
		pc->has_prev = path->validated;
		quic_path_set_remote(sk, &back);
		quic_path_new_dcid(sk);
		if (!port_only)
			quic_path_forget(sk);
		path->validated = true;
		pc->active = false;
		pc->pending = false;
		quic_timer_stop(sk, QUIC_DEFER_PATH);
		quic_event_connection_migration(sk, false);
		return;
	}
	if (path->validated) {
		pc->prev = path->remote;
		pc->has_prev = true;
	}
	quic_path_set_remote(sk, from);
	quic_path_new_dcid(sk);
	if (!port_only)
		quic_path_forget(sk);
	quic_path_validate_new(sk, len, false);
}

/* Send from @us (at @local) from now on. */
static void quic_path_set_local(struct sock *sk, struct quic_udp_sock *us,
				const union quic_addr *local)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *path = &qs->conn.path;

	qs->udp = us;
	path->local = *local;
	dst_cache_reset(&path->dst);
	path->route_mtu = 0;
	quic_set_bound_addr(sk, local);
}

/**
 * quic_path_migrate - QUIC_SOCKOPT_CONNECTION_MIGRATION: move a client
 * @sk: the socket, locked, in process context
 * @local: the new local address (port 0: any free one)
 *
 * RFC 9000 section 9.2: the client sends from the new address at once,
 * a new connection ID (section 9.5), a PATH_CHALLENGE and a PING, which
 * is not a probing frame, so that the server moves as well (section
 * 9.3). The old UDP socket is kept until the path is validated; without
 * a PATH_RESPONSE the connection goes back to it.
 *
 * Return: 0; -ENOTCONN without a connection, -EINVAL on a server (it
 * does not migrate, section 9), -EAGAIN before the handshake is
 * confirmed (section 9) or without a spare connection ID from the
 * server, -EPERM when the server sent disable_active_migration (section
 * 18.2), -EBUSY while a validation is under way, -EALREADY for the
 * address in use, or the error of binding @local.
 */
int quic_path_migrate(struct sock *sk, const union quic_addr *local)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;
	struct quic_path *path = &c->path;
	struct quic_path_check *pc = &path->check;
	struct quic_udp_sock *us;
	bool port_only;

	if (sk->sk_state != QUIC_SS_ESTABLISHED || !qs->udp)
		return -ENOTCONN;
	if (c->is_server)
		return -EINVAL;
	if (!c->handshake_confirmed)
		return -EAGAIN;
	if (c->peer.p.disable_active_migration)
		return -EPERM;
	if (pc->active || pc->prev_udp)
		return -EBUSY;
	if (!quic_cid_has_spare_dcid(&c->ids))
		return -EAGAIN;
	us = quic_udp_sock_get(sock_net(sk), local, sk->sk_reuse != SK_NO_REUSE,
			       sk->sk_family == AF_INET6 && sk->sk_ipv6only,
			       sk->sk_bound_dev_if);
	if (IS_ERR(us))
		return PTR_ERR(us);
	if (us == qs->udp) {
		quic_udp_sock_put(sock_net(sk), us);
		return -EALREADY;
	}
	port_only = quic_addr_same_host(&us->addr, &path->local);
	pc->prev_udp = qs->udp;
	pc->prev_local = path->local;
	quic_path_set_local(sk, us, &us->addr);
	quic_path_new_dcid(sk);
	if (!port_only)
		quic_path_forget(sk);
	pc->local = true;
	c->ping_pending |= BIT(QUIC_CRYPTO_APP);
	quic_path_challenge_start(sk);
	quic_xmit(sk);
	return 0;
}

/**
 * quic_path_set_preferred - QUIC_SOCKOPT_CONNECTION_MIGRATION on a listener
 * @sk: the listening socket, locked, in process context
 * @a: the address its connections offer as preferred_address
 *
 * RFC 9000 section 9.6: a UDP socket is bound there, so that what
 * clients send to it reaches their connections; connections accepted
 * from now on offer it.
 *
 * Return: 0, -EINVAL for a wildcard address, or the bind() error.
 */
int quic_path_set_preferred(struct sock *sk, const union quic_addr *a)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_udp_sock *us, *old = qs->pref_udp;

	if (a->sa.sa_family == AF_INET ? a->v4.sin_addr.s_addr == htonl(INADDR_ANY) :
	    ipv6_addr_any(&a->v6.sin6_addr) ||
	    ipv6_addr_v4mapped(&a->v6.sin6_addr))
		return -EINVAL;
	us = quic_udp_sock_get(sock_net(sk), a, sk->sk_reuse != SK_NO_REUSE,
			       sk->sk_family == AF_INET6 && sk->sk_ipv6only,
			       sk->sk_bound_dev_if);
	if (IS_ERR(us))
		return PTR_ERR(us);
	qs->pref_udp = us;
	qs->pref_addr = us->addr;
	if (old)
		quic_udp_sock_put(sock_net(sk), old);
	return 0;
}

/**
 * quic_path_fill_preferred - a server's preferred_address parameter
 * @sk: the connection's socket, in process context
 * @tp: our transport parameters, about to be encoded
 *
 * The address of the listener, with a connection ID of its own, issued
 * for it now: number 1 (RFC 9000 section 5.1.1), never announced in a
 * NEW_CONNECTION_ID frame.
 */
void quic_path_fill_preferred(struct sock *sk, struct quic_tparams *tp)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_tp_preferred *pa = &tp->preferred;
	struct quic_scid *s;

	if (!qs->pref_udp || tp->has_preferred_address ||
	    qs->conn.ids.scid_next_seq != 1)
		return;
	s = quic_cid_issue(&qs->conn.ids, sk, GFP_KERNEL);
	if (!s)
		return;
	memset(pa, 0, sizeof(*pa));
	if (qs->pref_addr.sa.sa_family == AF_INET) {
		pa->v4 = qs->pref_addr.v4;
	} else {
		pa->v6.sin6_addr = qs->pref_addr.v6.sin6_addr;
		pa->v6.sin6_port = qs->pref_addr.v6.sin6_port;
	}
	pa->cid = s->cid;
	memcpy(pa->token, s->reset_token, sizeof(pa->token));
	tp->has_preferred_address = true;
}

/**
 * quic_path_use_preferred - a client's handshake is confirmed
 * @sk: the socket
 *
 * RFC 9000 section 9.6.1: a server that offered a preferred_address of
 * our family gets the connection moved there: sent to with the ID that
 * came with it, challenged, and a PING so that the server moves too
 * (section 9.6.2). Without a PATH_RESPONSE the client goes back to the
 * server's original address.
 */
void quic_path_use_preferred(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	const struct quic_tp_preferred *pa = &c->peer.preferred;
	struct quic_path *path = &c->path;
	struct quic_path_check *pc = &path->check;
	union quic_addr to = {};

	if (!c->peer.has_preferred_address || pc->active)
		return;
	if (sk->sk_family == AF_INET) {
		if (!pa->v4.sin_port || !pa->v4.sin_addr.s_addr)
			return;
		to.v4 = pa->v4;
	} else {
		if (!pa->v6.sin6_port || ipv6_addr_any(&pa->v6.sin6_addr))
			return;
		to.v6.sin6_family = AF_INET6;
		to.v6.sin6_addr = pa->v6.sin6_addr;
		to.v6.sin6_port = pa->v6.sin6_port;
	}
	if (quic_addr_same(&to, &path->remote) ||
	    quic_cid_dcid_use(&c->ids, 1))
		return;
	quic_reset_token_update(sk);
	pc->prev = path->remote;
	pc->has_prev = true;
	pc->local = false;
	quic_path_set_remote(sk, &to);
	quic_path_forget(sk);
	c->ping_pending |= BIT(QUIC_CRYPTO_APP);
	quic_path_challenge_start(sk);
}

/**
 * quic_path_local_moved - a non-probing packet came to our preferred
 *	address
 * @sk: the socket, a server's connection with its handshake confirmed
 * @len: the size of the datagram
 *
 * RFC 9000 section 9.6.2: the client moved to it, so do we: sent from
 * there from now on, within the anti-amplification limit until our
 * PATH_CHALLENGE from there is answered; without an answer the
 * connection goes back to the original address.
 */
void quic_path_local_moved(struct sock *sk, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *path = &qs->conn.path;
	struct quic_path_check *pc = &path->check;

	if (!qs->pref_udp || pc->active || pc->prev_udp)
		return;
	pc->prev_udp = qs->udp;
	pc->prev_local = path->local;
	quic_path_set_local(sk, qs->pref_udp, &qs->pref_addr);
	qs->pref_udp = NULL;	/* now qs->udp */
	quic_path_forget(sk);
	quic_path_validate_new(sk, len, true);
}

/* A PATH_CHALLENGE with @data is in a packet (output.c). */
void quic_path_challenge_sent(struct quic_path_check *pc, const u8 *data)
{
	memcpy(pc->data[pc->sent % QUIC_PATH_CHALLENGES], data,
	       QUIC_PATH_DATA_LEN);
	pc->sent++;
	pc->pending = false;
}

/**
 * quic_path_probed - a probing packet with a PATH_CHALLENGE came from an
 *	address other than the path's
 * @sk: the socket
 * @from: that address
 * @len: the size of its datagram
 * @data: the challenge's payload
 * @pref: it came to our preferred_address, not to the path's address
 *
 * RFC 9000 section 8.2.2: the PATH_RESPONSE goes back where the challenge
 * came from, and section 9.3: the connection stays where it is. It goes
 * alone, in a datagram of 1200 bytes when three times the probe allows
 * (section 8.1); the newest probe replaces one not yet answered.
 */
void quic_path_probed(struct sock *sk, const union quic_addr *from, u32 len,
		      const u8 *data, bool pref)
{
	struct quic_path_check *pc = &quic_sk(sk)->conn.path.check;

	pc->resp_pref = pref;
	memcpy(pc->resp_data, data, QUIC_PATH_DATA_LEN);
	pc->resp_to = *from;
	pc->resp_room = min_t(u32, QUIC_AMPLIFICATION_FACTOR * len,
			      QUIC_PATH_MTU_MIN);
	pc->resp_pending = true;
}

/**
 * quic_path_response_rcv - a PATH_RESPONSE frame arrived
 * @sk: the socket
 * @data: its payload
 *
 * RFC 9000 section 8.2.3: one that echoes a challenge we sent validates
 * the path, whatever path it came on; others are ignored. The address
 * left stays known as validated, for the peer to come back to.
 */
void quic_path_response_rcv(struct sock *sk, const u8 *data)
{
	struct quic_path *path = &quic_sk(sk)->conn.path;
	struct quic_path_check *pc = &path->check;
	u32 i, n = min_t(u32, pc->sent, QUIC_PATH_CHALLENGES);

	if (!pc->active)
		return;
	for (i = 0; i < n; i++)
		if (!crypto_memneq(pc->data[i], data, QUIC_PATH_DATA_LEN))
			break;
	if (i == n)
		return;
	path->validated = true;
	pc->active = false;
	pc->pending = false;
	quic_timer_stop(sk, QUIC_DEFER_PATH);
	quic_path_release(sk);
	quic_event_connection_migration(sk, pc->local);
}

/**
 * quic_path_timeout - the path validation timer fired
 * @sk: the socket
 *
 * A new PATH_CHALLENGE each PTO (section 8.2.1: frames are not sent
 * again, a new payload is); past the deadline the validation failed,
 * and the connection goes back: a client that moved to its old local
 * address, a server to the last validated address of its peer (section
 * 9.3.2), or, with none, the connection ends (section 8.2.4).
 */
void quic_path_timeout(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_path *path = &c->path;
	struct quic_path_check *pc = &path->check;
	u64 next;

	if (!pc->active)
		return;
	next = quic_path_retry_us(sk);
	if (next) {
		pc->pending = true;
		quic_timer_start(sk, QUIC_DEFER_PATH, next);
		quic_xmit(sk);
		return;
	}
	pc->active = false;
	pc->pending = false;
	if (pc->local) {
		/* Back to the UDP socket we left; the new one goes. */
		struct quic_udp_sock *us = quic_sk(sk)->udp;

		quic_path_set_local(sk, pc->prev_udp, &pc->prev_local);
		pc->prev_udp = us;
		quic_path_new_dcid(sk);
		quic_path_forget(sk);
		quic_path_release(sk);
		quic_xmit(sk);
		return;
	}
	if (!pc->has_prev) {
		quic_conn_close(sk, QUIC_TRANSPORT_ERROR_NO_VIABLE_PATH, 0,
				"path validation failed", false);
		return;
	}
	quic_path_set_remote(sk, &pc->prev);
	quic_path_forget(sk);
	path->validated = true;
	pc->has_prev = false;
	quic_xmit(sk);
}
