// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The connection state machine (RFC 9000 section 10, RFC 9001 section 4):
 * setup and teardown of a connection's state, keys per encryption level,
 * the transport parameters, handshake completion and confirmation, and
 * the timers. Closing and draining are closing.c's.
 */

#include <linux/slab.h>
#include <linux/tls.h>
#include <net/sock.h>

#include "input.h"
#include "output.h"
#include "protocol.h"
#include "socket.h"
#include "version.h"

static void quic_level_init(struct quic_level *lvl)
{
	memset(lvl, 0, sizeof(*lvl));
	quic_pnspace_init(&lvl->space);
	quic_sbuf_init(&lvl->crypto_send);
	quic_rbuf_init(&lvl->crypto_recv);
}

static void quic_space_free(struct quic_pnspace *space)
{
	struct quic_sent_pkt *pkt, *tmp;

	list_for_each_entry_safe(pkt, tmp, &space->sent, list) {
		list_del(&pkt->list);
		kfree(pkt);
	}
}

static void quic_loss_timer_fn(struct timer_list *t);
static void quic_ack_timer_fn(struct timer_list *t);
static void quic_idle_timer_fn(struct timer_list *t);
static void quic_path_timer_fn(struct timer_list *t);
static enum hrtimer_restart quic_pace_timer_fn(struct hrtimer *t);

/**
 * quic_conn_init - set up the connection state of a socket
 * @sk: the socket, before connect() or for a new server connection
 * @is_server: our role
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int quic_conn_init(struct sock *sk, bool is_server)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;
	struct quic_transport_param *lp = &qs->local_param;
	int i;

	c->tx_frame = kzalloc(sizeof(*c->tx_frame), GFP_KERNEL);
	c->rx_frame = kzalloc(sizeof(*c->rx_frame), GFP_KERNEL);
	if (!c->tx_frame || !c->rx_frame)
		goto nomem;
	if (dst_cache_init(&c->path.dst, GFP_KERNEL))
		goto nomem;
	c->is_server = is_server;
	c->version = qs->config.version ?: QUIC_VERSION_V1;
	for (i = 0; i < QUIC_CRYPTO_MAX; i++)
		quic_level_init(&c->levels[i]);
	quic_pnspace_init(&c->path.space);
	quic_path_init(sk);
	quic_closing_init(sk);
	quic_ku_init(sk);
	if (quic_retry_init(sk))
		goto nomem;
	c->path.mtu = QUIC_PATH_MTU_MIN;
	/* A client chose the address it sends to; a server must validate
	 * the client's (RFC 9000 section 8.1).
	 */
	c->path.validated = !is_server;
	quic_recovery_init(&c->path, qs->config.initial_smoothed_rtt);
	c->path.cong.algo = qs->config.congestion_control_algo;
	quic_pmtu_init(&c->path.pmtu, qs->config.plpmtud_probe_interval);
	quic_ecn_init(&c->path.ecn, READ_ONCE(quic_net(sock_net(sk))->ecn));
	c->pacing = READ_ONCE(quic_net(sock_net(sk))->pacing);
	c->gso = READ_ONCE(quic_net(sock_net(sk))->gso);
	quic_cids_init(&c->ids);
	quic_streams_init(&c->streams, is_server);
	skb_queue_head_init(&c->pending);
	skb_queue_head_init(&c->dgram_send);
	skb_queue_head_init(&c->early_rx);

	/* Our limits for the peer, from QUIC_SOCKOPT_TRANSPORT_PARAM. */
	c->params.p = *lp;
	c->recv_max_data = lp->max_data;
	c->streams.limit_bidi = lp->max_streams_bidi;
	c->streams.limit_uni = lp->max_streams_uni;
	c->streams.peer_max_bidi = lp->max_streams_bidi;
	c->streams.peer_max_uni = lp->max_streams_uni;
	c->idle_timeout = lp->max_idle_timeout;
	c->early_done = false;
	quic_conn_remember_params(sk);

	timer_setup(&c->loss_timer, quic_loss_timer_fn, 0);
	timer_setup(&c->ack_timer, quic_ack_timer_fn, 0);
	timer_setup(&c->idle_timer, quic_idle_timer_fn, 0);
	timer_setup(&c->path_timer, quic_path_timer_fn, 0);
	hrtimer_init(&c->pace_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_ABS_PINNED_SOFT);
	c->pace_timer.function = quic_pace_timer_fn;
	c->last_activity = ktime_get();
	c->initialised = true;
	return 0;
nomem:
	dst_cache_destroy(&c->path.dst);
	kfree(c->tx_frame);
	kfree(c->rx_frame);
	c->tx_frame = NULL;
	c->rx_frame = NULL;
	return -ENOMEM;
}

/**
 * quic_conn_destroy - free the connection state
 * @sk: the socket; its timers are stopped and no packet reaches it
 *
 * Context: process context.
 */
void quic_conn_destroy(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	int i;

	if (!c->initialised)
		return;
	quic_reset_token_clear(sk);
	quic_cids_free(&c->ids);
	quic_timer_stop(sk, QUIC_DEFER_LOSS);
	quic_timer_stop(sk, QUIC_DEFER_ACK);
	quic_timer_stop(sk, QUIC_DEFER_IDLE);
	quic_timer_stop(sk, QUIC_DEFER_PATH);
	if (hrtimer_cancel(&c->pace_timer))
		__sock_put(sk);
	quic_path_free(sk);
	quic_version_compat_free(sk);
	for (i = 0; i < QUIC_CRYPTO_MAX; i++) {
		struct quic_level *lvl = &c->levels[i];

		quic_crypto_key_free(&lvl->send_key);
		quic_crypto_key_free(&lvl->recv_key);
		quic_space_free(&lvl->space);
		quic_sbuf_free(&lvl->crypto_send);
		quic_rbuf_free(&lvl->crypto_recv);
	}
	quic_ku_free(sk);
	quic_retry_free(sk);
	quic_space_free(&c->path.space);
	quic_sock_uncharge(sk, quic_streams_free(&c->streams));
	skb_queue_purge(&c->pending);
	skb_queue_purge(&c->early_rx);
	quic_sock_uncharge(sk, quic_dgram_purge(sk));
	dst_cache_destroy(&c->path.dst);
	kfree(c->tx_frame);
	kfree(c->rx_frame);
	c->tx_frame = NULL;
	c->rx_frame = NULL;
	kfree_sensitive(c->tls_msg);
	c->tls_msg = NULL;
	c->tls_msg_len = 0;
	c->initialised = false;
}

/**
 * quic_conn_remember_params - the peer's parameters, until its own arrive
 * @sk: the socket
 *
 * RFC 9000 section 7.4.1: RFC 9000's defaults, or for a client that
 * resumes the ones the application remembered, which allow it early data.
 */
void quic_conn_remember_params(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	const struct quic_transport_param *r = &qs->remote_param;
	struct quic_conn *c = &qs->conn;
	struct quic_transport_param *p = &c->peer.p;

	/* Section 7.4.1: only these are remembered; the rest keep the
	 * defaults until the server's own parameters arrive.
	 */
	p->remote = 1;
	p->max_udp_payload_size = r->max_udp_payload_size;
	p->ack_delay_exponent = 3;
	p->max_ack_delay = 25000;
	p->active_connection_id_limit = r->active_connection_id_limit;
	p->max_idle_timeout = r->max_idle_timeout;
	p->max_data = r->max_data;
	p->max_stream_data_bidi_local = r->max_stream_data_bidi_local;
	p->max_stream_data_bidi_remote = r->max_stream_data_bidi_remote;
	p->max_stream_data_uni = r->max_stream_data_uni;
	p->max_streams_bidi = r->max_streams_bidi;
	p->max_streams_uni = r->max_streams_uni;
	p->max_datagram_frame_size = r->max_datagram_frame_size;
	p->disable_active_migration = r->disable_active_migration;
	c->send_max_data = qs->remote_param.max_data;
	c->streams.max_bidi = qs->remote_param.max_streams_bidi;
	c->streams.max_uni = qs->remote_param.max_streams_uni;
	c->early_data = !c->is_server && qs->remote_set && !c->early_done;
}

/* Timers: each holds a socket reference while pending (sk_reset_timer). */

static struct timer_list *quic_timer(struct quic_conn *c, int which)
{
	if (which == QUIC_DEFER_LOSS)
		return &c->loss_timer;
	if (which == QUIC_DEFER_ACK)
		return &c->ack_timer;
	if (which == QUIC_DEFER_PATH)
		return &c->path_timer;
	return &c->idle_timer;
}

void quic_timer_start(struct sock *sk, int which, u64 us)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u64 ns = min_t(u64, us, QUIC_TIMER_MAX_US) * NSEC_PER_USEC;

	/* A longer wait (a PTO backed off many times) fires early; the
	 * handler checks its deadline and waits again.
	 */
	sk_reset_timer(sk, quic_timer(c, which),
		       jiffies + nsecs_to_jiffies(ns) + (us ? 0 : 1));
}

void quic_timer_stop(struct sock *sk, int which)
{
	sk_stop_timer(sk, quic_timer(&quic_sk(sk)->conn, which));
}

static void quic_timer_run(struct sock *sk, int which)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	if (!c->initialised)
		return;
	switch (which) {
	case QUIC_DEFER_LOSS:
		quic_recovery_timeout(sk);
		break;
	case QUIC_DEFER_ACK:
		quic_xmit(sk);
		break;
	case QUIC_DEFER_IDLE:
		quic_conn_idle_timeout(sk);
		break;
	case QUIC_DEFER_PATH:
		quic_path_timeout(sk);
		break;
	case QUIC_DEFER_PACE:
	case QUIC_DEFER_XMIT:
		quic_xmit(sk);
		break;
	}
}

static void quic_timer_fire(struct sock *sk, int which)
{
	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		/* release_sock() runs it through quic_release_cb(). */
		if (!test_and_set_bit(which, &quic_sk(sk)->conn.deferred))
			sock_hold(sk);
	} else {
		quic_timer_run(sk, which);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void quic_loss_timer_fn(struct timer_list *t)
{
	struct quic_conn *c = from_timer(c, t, loss_timer);

	quic_timer_fire(&container_of(c, struct quic_sock, conn)->inet.sk,
			QUIC_DEFER_LOSS);
}

static void quic_ack_timer_fn(struct timer_list *t)
{
	struct quic_conn *c = from_timer(c, t, ack_timer);

	quic_timer_fire(&container_of(c, struct quic_sock, conn)->inet.sk,
			QUIC_DEFER_ACK);
}

static void quic_idle_timer_fn(struct timer_list *t)
{
	struct quic_conn *c = from_timer(c, t, idle_timer);

	quic_timer_fire(&container_of(c, struct quic_sock, conn)->inet.sk,
			QUIC_DEFER_IDLE);
}

static void quic_path_timer_fn(struct timer_list *t)
{
	struct quic_conn *c = from_timer(c, t, path_timer);

	quic_timer_fire(&container_of(c, struct quic_sock, conn)->inet.sk,
			QUIC_DEFER_PATH);
}

static enum hrtimer_restart quic_pace_timer_fn(struct hrtimer *t)
{
	struct quic_conn *c = container_of(t, struct quic_conn, pace_timer);

	quic_timer_fire(&container_of(c, struct quic_sock, conn)->inet.sk,
			QUIC_DEFER_PACE);
	return HRTIMER_NORESTART;
}

/**
 * quic_pace_timer_start - wake the sender when the pacer lets it go
 * @sk: the socket, locked
 * @when: the pacer's next departure time
 *
 * A timer already armed is left: the pacer's time only grows, and the
 * sender sends what is due when it fires.
 */
void quic_pace_timer_start(struct sock *sk, ktime_t when)
{
	struct hrtimer *t = &quic_sk(sk)->conn.pace_timer;

	if (hrtimer_is_queued(t))
		return;
	sock_hold(sk);
	hrtimer_start(t, when, HRTIMER_MODE_ABS_PINNED_SOFT);
}

/* proto->release_cb: timers that fired while user space held the lock. */
void quic_release_cb(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	int which;

	for (which = QUIC_DEFER_LOSS; which <= QUIC_DEFER_XMIT; which++) {
		if (test_and_clear_bit(which, &c->deferred)) {
			quic_timer_run(sk, which);
			__sock_put(sk);
		}
	}
}

/* QUIC_CONFIG.keepalive_probe_interval of an established connection. */
static u64 quic_keepalive_us(struct sock *sk)
{
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return 0;
	return quic_sk(sk)->config.keepalive_probe_interval;
}

/* The idle timeout in force: at least three PTOs (section 10.1). */
static u64 quic_idle_us(struct sock *sk)
{
	u64 timeout = quic_sk(sk)->conn.idle_timeout;

	return timeout ? max(timeout, 3ULL * quic_recovery_pto_us(sk)) : 0;
}

/* Restart the idle timer (RFC 9000 section 10.1); it also times the
 * keepalive PINGs (section 10.1.2) when there are any.
 */
void quic_conn_touch(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u64 idle = quic_idle_us(sk), keepalive = quic_keepalive_us(sk);

	c->last_activity = ktime_get();
	if ((!idle && !keepalive) || sk->sk_state == QUIC_SS_CLOSING)
		return;
	if (keepalive && (!idle || keepalive < idle))
		idle = keepalive;
	quic_timer_start(sk, QUIC_DEFER_IDLE, idle);
}

/**
 * quic_conn_initial_keys - derive Initial keys (RFC 9001 section 5.2)
 * @sk: the socket
 * @dcid: the Destination Connection ID of the client's first Initial
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int quic_conn_initial_keys(struct sock *sk, const struct quic_cid *dcid)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_level *lvl = &c->levels[QUIC_CRYPTO_INITIAL];
	u8 client[QUIC_INITIAL_SECRET_LEN], server[QUIC_INITIAL_SECRET_LEN];
	int err;

	err = quic_crypto_initial_secrets(c->version, dcid->data, dcid->len,
					  client, server);
	if (err)
		return err;
	err = quic_crypto_key_install(&lvl->send_key, c->version,
				      TLS_CIPHER_AES_GCM_128,
				      c->is_server ? server : client);
	if (!err)
		err = quic_crypto_key_install(&lvl->recv_key, c->version,
					      TLS_CIPHER_AES_GCM_128,
					      c->is_server ? client : server);
	memzero_explicit(client, sizeof(client));
	memzero_explicit(server, sizeof(server));
	if (err)
		return err;
	lvl->send_ready = true;
	lvl->recv_ready = true;
	return quic_version_compat_init(sk, dcid);
}

/**
 * quic_conn_discard_level - drop the keys and state of an encryption level
 * @sk: the socket
 * @level: %QUIC_CRYPTO_INITIAL or %QUIC_CRYPTO_HANDSHAKE
 *
 * RFC 9001 section 4.9: once discarded, nothing more is sent or accepted
 * at the level; packets in flight there no longer count (RFC 9002 section
 * 6.4). The transforms go now rather than with the socket.
 *
 * Context: any (freeing crypto transforms does not sleep).
 */
void quic_conn_discard_level(struct sock *sk, u8 level)
{
	struct quic_level *lvl = &quic_sk(sk)->conn.levels[level];

	if (lvl->space.discarded)
		return;
	quic_recovery_discard(sk, level);
	quic_crypto_key_free(&lvl->send_key);
	quic_crypto_key_free(&lvl->recv_key);
	if (level == QUIC_CRYPTO_INITIAL)
		quic_version_compat_free(sk);
	quic_sbuf_free(&lvl->crypto_send);
	quic_rbuf_free(&lvl->crypto_recv);
}

/* RFC 9001 section 4.9.3: 0-RTT ends with 1-RTT keys; a server may
 * keep its key for reordered packets, which we do not: the client sends
 * again what they carried.
 */
static void quic_conn_early_done(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_level *lvl = &c->levels[QUIC_CRYPTO_EARLY];

	c->early_done = true;
	c->early_data = false;
	quic_crypto_key_free(&lvl->send_key);
	quic_crypto_key_free(&lvl->recv_key);
	lvl->send_ready = false;
	lvl->recv_ready = false;
}

/* Handshake complete: the state user space waits for in connect/accept. */
static void quic_conn_established(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	if (sk->sk_state != QUIC_SS_ESTABLISHING)
		return;
	inet_sk_set_state(sk, QUIC_SS_ESTABLISHED);
	quic_conn_early_done(sk);
	/* What came for the application while TLS read the socket. */
	if (!skb_queue_empty(&c->early_rx)) {
		skb_queue_splice_tail_init(&c->early_rx, &sk->sk_receive_queue);
		sk->sk_data_ready(sk);
	}
	/* RFC 9000 section 5.1.1: more IDs for the peer, now that 1-RTT
	 * packets can carry them.
	 */
	quic_cid_fill(&quic_sk(sk)->conn.ids, sk, GFP_KERNEL);
	sk->sk_state_change(sk);
}

/**
 * quic_path_mtu_update - the path's packet size after a change of its
 *	route, its PLPMTU or the handshake
 * @c: the connection
 *
 * Initial size until the handshake is confirmed (RFC 9000 section 14.1);
 * then the PLPMTU found by probing, or without PLPMTUD the route's MTU,
 * both within quic_path_mtu_bound().
 */
void quic_path_mtu_update(struct quic_conn *c)
{
	u32 bound = quic_path_mtu_bound(c), mtu;

	if (!c->handshake_confirmed)
		return;
	mtu = quic_pmtu_enabled(&c->path.pmtu) ?
	      min(c->path.pmtu.plpmtu, bound) : bound;
	if (mtu == c->path.mtu)
		return;
	c->path.mtu = mtu;
	quic_recovery_mtu_changed(&c->path);
}

/**
 * quic_conn_confirm - the handshake is confirmed (RFC 9001 section 4.1.2)
 * @sk: the socket
 *
 * Handshake keys are discarded (section 4.9.2) and the server stops
 * answering to the client's original Destination Connection ID.
 */
void quic_conn_confirm(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	if (c->handshake_confirmed)
		return;
	c->handshake_confirmed = true;
	quic_conn_discard_level(sk, QUIC_CRYPTO_INITIAL);
	quic_conn_discard_level(sk, QUIC_CRYPTO_HANDSHAKE);
	/* RFC 9000 section 14: larger packets from now on. Without PLPMTUD
	 * the route's MTU bounds them (quic_path_payload_max()), lowered by
	 * ICMP Packet Too Big; with it, probes raise the path's size from
	 * the base (section 14.3).
	 */
	quic_pmtu_start(&c->path.pmtu, quic_path_mtu_bound(c), ktime_get());
	quic_path_mtu_update(c);
	if (c->is_server) {
		c->handshake_done_pending = true;
		quic_cid_drop_odcid(&c->ids);
		quic_new_token_issue(sk);
	} else {
		quic_path_use_preferred(sk);
	}
}

/**
 * quic_conn_set_secret - QUIC_SOCKOPT_CRYPTO_SECRET
 * @sk: the socket, locked
 * @s: the secret from user space
 *
 * Installing the 1-RTT receive secret completes the handshake: TLS has
 * then verified the peer's Finished (the server's handshake is also
 * confirmed, RFC 9001 section 4.1.2).
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int quic_conn_set_secret(struct sock *sk, const struct quic_crypto_secret *s)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_level *lvl;
	struct quic_crypto_key *key;
	bool *ready;
	int err;

	if (!c->initialised || sk->sk_state != QUIC_SS_ESTABLISHING)
		return -EINVAL;
	if (s->level != QUIC_CRYPTO_HANDSHAKE && s->level != QUIC_CRYPTO_APP &&
	    s->level != QUIC_CRYPTO_EARLY)
		return -EINVAL;
	/* RFC 9001 section 4.6.1: 0-RTT goes from client to server only,
	 * and not once 1-RTT keys are there.
	 */
	if (s->level == QUIC_CRYPTO_EARLY &&
	    (c->early_done || s->send == c->is_server))
		return -EINVAL;
	if (!quic_cipher_find(s->type))
		return -EINVAL;
	lvl = &c->levels[s->level];
	key = s->send ? &lvl->send_key : &lvl->recv_key;
	ready = s->send ? &lvl->send_ready : &lvl->recv_ready;
	if (*ready || quic_conn_space(c, s->level)->discarded)
		return -EALREADY;
	err = quic_crypto_key_install(key, quic_version_of_level(sk, s->level),
				      s->type, s->secret);
	if (err)
		return err;
	*ready = true;

	/* A client's first 1-RTT key ends its 0-RTT (section 4.9.3). */
	if (s->level == QUIC_CRYPTO_APP && s->send && !c->is_server)
		quic_conn_early_done(sk);
	if (!s->send)
		quic_input_replay(sk);
	if (s->level == QUIC_CRYPTO_APP && lvl->send_ready && lvl->recv_ready) {
		/* RFC 9001 section 6.3: the next phase's keys, ahead. */
		err = quic_ku_prepare(sk);
		if (err)
			return err;
		quic_conn_established(sk);
		if (c->is_server)
			quic_conn_confirm(sk);
	}
	quic_xmit(sk);
	return 0;
}

/**
 * quic_conn_get_tparams_ext - our transport parameters as the TLS extension
 * @sk: the socket
 * @buf: output
 * @len: its size
 *
 * Return: the length, or a negative errno.
 */
int quic_conn_get_tparams_ext(struct sock *sk, u8 *buf, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;
	struct quic_scid *scid;

	if (!c->initialised)
		return -EINVAL;
	c->params.p = qs->local_param;
	scid = list_first_entry_or_null(&c->ids.scids, struct quic_scid, list);
	while (scid && scid->seq == QUIC_CID_SEQ_ODCID)
		scid = list_is_last(&scid->list, &c->ids.scids) ? NULL :
		       list_next_entry(scid, list);
	if (!scid)
		return -EINVAL;
	c->params.initial_scid = scid->cid;
	if (c->is_server) {
		c->params.orig_dcid = c->odcid;
		c->params.has_orig_dcid = true;
		memcpy(c->params.reset_token, scid->reset_token,
		       QUIC_STATELESS_RESET_TOKEN_LEN);
		c->params.has_reset_token = true;
		quic_path_fill_preferred(sk, &c->params);
	}
	if (!c->params.p.disable_compatible_version)
		quic_version_fill(&c->params, c->version);
	return quic_tparams_encode(&c->params, c->is_server, buf, len);
}

/* RFC 9000 section 7.4.1: streams opened in 0-RTT had the remembered
 * limits; the server's own now apply to them (an accepting server may
 * only have raised them). Limits never go down: what a server that
 * refused 0-RTT and lowered its limits gets is its own to judge.
 */
static void quic_conn_early_streams(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_streams *ss = &c->streams;
	u64 i, send_max, recv_max;
	struct quic_stream *st;
	s64 id;

	for (i = 0; i < ss->next_bidi + ss->next_uni; i++) {
		bool uni = i >= ss->next_bidi;

		id = ((s64)(uni ? i - ss->next_bidi : i) << 2) |
		     (uni ? QUIC_STREAM_TYPE_UNI_MASK : 0) |
		     (c->is_server ? QUIC_STREAM_TYPE_SERVER_MASK : 0);
		st = quic_stream_find(ss, id);
		if (!st)
			continue;
		quic_stream_limits(c, id, &send_max, &recv_max);
		if (send_max > st->send_max) {
			st->send_max = send_max;
			quic_stream_queue(ss, st);
		}
	}
}

/**
 * quic_conn_set_tparams_ext - the peer's transport parameters arrived
 * @sk: the socket
 * @buf: the extension body
 * @len: its length
 *
 * RFC 9000 section 7.3: the connection IDs in them must match the ones
 * seen in the packets.
 *
 * Return: 0, or -EINVAL after closing the connection with the error.
 */
int quic_conn_set_tparams_ext(struct sock *sk, const u8 *buf, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;
	struct quic_tparams *tp = &c->peer;
	struct quic_dcid *d;
	u64 errcode = 0;

	if (!c->initialised || c->peer_params_set)
		return -EINVAL;
	if (quic_tparams_decode(buf, len, !c->is_server, tp, &errcode)) {
		quic_conn_close(sk, errcode, 0, "bad transport parameters",
				false);
		return -EINVAL;
	}
	d = quic_cid_first_dcid(&c->ids);
	if (!d || d->cid.len != tp->initial_scid.len ||
	    memcmp(d->cid.data, tp->initial_scid.data, d->cid.len) ||
	    (!c->is_server && (tp->orig_dcid.len != c->odcid.len ||
			       memcmp(tp->orig_dcid.data, c->odcid.data,
				      c->odcid.len)))) {
		quic_conn_close(sk, QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION, 0,
				"connection ID mismatch", false);
		return -EINVAL;
	}
	/* RFC 9000 section 7.3: retry_source_connection_id iff a Retry. */
	if (!c->is_server &&
	    (tp->has_retry_scid != c->retried ||
	     (c->retried && (tp->retry_scid.len != c->retry_scid.len ||
			     memcmp(tp->retry_scid.data, c->retry_scid.data,
				    c->retry_scid.len))))) {
		quic_conn_close(sk, QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM, 0,
				"retry_source_connection_id mismatch", false);
		return -EINVAL;
	}
	if (quic_version_check_peer(sk, tp)) {
		quic_conn_close(sk, QUIC_TRANSPORT_ERROR_VERSION_NEGOTIATION, 0,
				"version_information mismatch", false);
		return -EINVAL;
	}
	if (quic_version_compat_decide(sk, tp)) {
		quic_conn_close(sk, QUIC_TRANSPORT_ERROR_INTERNAL, 0,
				"no memory for Initial keys", false);
		return -ENOMEM;
	}
	if (!c->is_server && tp->has_reset_token) {
		memcpy(d->reset_token, tp->reset_token,
		       QUIC_STATELESS_RESET_TOKEN_LEN);
		d->has_token = true;
		quic_reset_token_update(sk);
	}
	/* RFC 9000 section 5.1.1: the preferred_address ID is number 1. */
	if (!c->is_server && tp->has_preferred_address &&
	    quic_cid_add_dcid(&c->ids, 1, tp->preferred.cid.data,
			      tp->preferred.cid.len, tp->preferred.token,
			      GFP_KERNEL))
		tp->has_preferred_address = false;
	c->peer_params_set = true;
	/* draft-banks-quic-disable-encryption-00 section 3: only when both
	 * endpoints asked for it.
	 */
	c->plain_1rtt = c->params.p.disable_1rtt_encryption &&
			tp->p.disable_1rtt_encryption;
	c->ids.scid_limit = min_t(u32, tp->p.active_connection_id_limit,
				  QUIC_CID_ISSUE_MAX);
	qs->remote_param = tp->p;
	c->send_max_data = tp->p.max_data;
	c->streams.max_bidi = tp->p.max_streams_bidi;
	c->streams.max_uni = tp->p.max_streams_uni;
	if (c->early_data || c->early_done)
		quic_conn_early_streams(sk);
	/* Section 10.1: the smaller of the two non-zero idle timeouts. */
	if (tp->p.max_idle_timeout &&
	    (!c->idle_timeout || tp->p.max_idle_timeout < c->idle_timeout))
		c->idle_timeout = tp->p.max_idle_timeout;
	return 0;
}

/* Wake everyone: blocked readers, writers, poll, connect and accept. */
void quic_conn_wake(struct sock *sk)
{
	sk->sk_state_change(sk);
	sk->sk_data_ready(sk);
	sk->sk_write_space(sk);
}

/* The idle timer: idle timeout, or the end of closing/draining. */
void quic_conn_idle_timeout(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u64 idle = quic_idle_us(sk), keepalive = quic_keepalive_us(sk), next;
	s64 quiet = ktime_us_delta(ktime_get(), c->last_activity);

	if (sk->sk_state == QUIC_SS_CLOSING) {
		quic_closing_end(sk);
		return;
	}
	if (sk->sk_state != QUIC_SS_ESTABLISHED &&
	    sk->sk_state != QUIC_SS_ESTABLISHING)
		return;
	if (!idle || quiet < (s64)idle) {
		next = idle ? idle - quiet : U64_MAX;
		/* Section 10.1.2: a PING every interval of silence keeps
		 * the peer (and NATs on the way) from timing out.
		 */
		if (keepalive) {
			if (quiet >= (s64)keepalive) {
				c->ping_pending |= BIT(QUIC_CRYPTO_APP);
				quic_xmit(sk);
				next = min(next, keepalive);
			} else {
				next = min_t(u64, next, keepalive - quiet);
			}
		}
		if (next != U64_MAX)
			quic_timer_start(sk, QUIC_DEFER_IDLE, next);
		return;
	}
	/* RFC 9000 section 10.1: silently closed, no CONNECTION_CLOSE. */
	WRITE_ONCE(sk->sk_err, ETIMEDOUT);
	inet_sk_set_state(sk, QUIC_SS_CLOSED);
	quic_timer_stop(sk, QUIC_DEFER_LOSS);
	quic_timer_stop(sk, QUIC_DEFER_ACK);
	quic_timer_stop(sk, QUIC_DEFER_PATH);
	quic_conn_wake(sk);
}
