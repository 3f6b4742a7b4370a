// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Server side connection setup: a listening socket collects the Initial
 * packets of new connections (RFC 9000 section 7.2); accept() turns each
 * into a socket of its own, in process context because deriving the
 * Initial keys allocates crypto transforms. An Initial that does not
 * authenticate never becomes a socket.
 */

#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "input.h"
#include "socket.h"
#include "ticket.h"
#include "token.h"

/* What a datagram waiting on a listener is, kept in its control block. */
struct quic_listen_cb {
	u32	dcid_hash;
	u8	type;
};

static struct quic_listen_cb *quic_listen_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct quic_listen_cb) > sizeof(skb->cb));
	return (struct quic_listen_cb *)skb->cb;
}

/* A 0-RTT packet waits only behind its connection's Initial, and at most
 * QUIC_PENDING_MAX of them per connection (as many as a connection keeps
 * waiting for keys), so that small datagrams cannot fill the backlog.
 * Called under the queue lock.
 */
static bool quic_listener_early_ok(struct sk_buff_head *q, u32 hash)
{
	struct sk_buff *skb;
	bool initial = false;
	u32 early = 0;

	skb_queue_walk(q, skb) {
		if (quic_listen_cb(skb)->dcid_hash != hash)
			continue;
		if (quic_listen_cb(skb)->type == QUIC_PACKET_INITIAL)
			initial = true;
		else
			early++;
	}
	return initial && early < QUIC_PENDING_MAX;
}

/**
 * quic_listener_queue - hand a new connection's packet to the listener
 * @us: the UDP socket it arrived on
 * @skb: the datagram
 * @hdr: its first packet's header: an Initial, or 0-RTT
 *
 * Context: softirq.
 * Return: true if queued (consumed), false if there is no listener, its
 * backlog is full, or 0-RTT came with no Initial before it.
 */
bool quic_listener_queue(struct quic_udp_sock *us, struct sk_buff *skb,
			 const struct quic_packet_hdr *hdr)
{
	struct sk_buff_head *q;
	bool queued = false;
	struct sock *sk;

	rcu_read_lock();
	sk = rcu_dereference(us->listener);
	if (sk && !refcount_inc_not_zero(&sk->sk_refcnt))
		sk = NULL;
	rcu_read_unlock();
	if (!sk)
		return false;
	q = &quic_sk(sk)->conn.accept_skbs;
	quic_listen_cb(skb)->dcid_hash = jhash(hdr->dcid, hdr->dcid_len, 0);
	quic_listen_cb(skb)->type = hdr->type;
	/* Under the queue lock: quic_unlisten() purges the queue after it
	 * leaves the listening state, so nothing is queued behind its back.
	 */
	spin_lock(&q->lock);
	if (sk->sk_state == QUIC_SS_LISTENING &&
	    skb_queue_len(q) < READ_ONCE(sk->sk_max_ack_backlog) &&
	    (hdr->type == QUIC_PACKET_INITIAL ||
	     quic_listener_early_ok(q, quic_listen_cb(skb)->dcid_hash))) {
		__skb_queue_tail(q, skb);
		queued = true;
	}
	spin_unlock(&q->lock);
	if (queued)
		sk->sk_data_ready(sk);
	sock_put(sk);
	return queued;
}

static struct sock *quic_child_alloc(struct sock *lsk, bool kern)
{
	struct quic_sock *lqs = quic_sk(lsk), *qs;
	struct sock *sk;

	sk = sk_alloc(sock_net(lsk), lsk->sk_family, GFP_KERNEL, lsk->sk_prot,
		      kern);
	if (!sk)
		return NULL;
	sock_init_data(NULL, sk);
	sk->sk_type = lsk->sk_type;
	sk->sk_protocol = IPPROTO_QUIC;
	/* The listener's: inet6_sock_destruct() for IPv6 on newer kernels. */
	sk->sk_destruct = lsk->sk_destruct;
	sk->sk_backlog_rcv = lsk->sk_backlog_rcv;
	inet_sk(sk)->uc_ttl = -1;
	if (lsk->sk_family == AF_INET6) {
		struct ipv6_pinfo *np = &((struct quic6_sock *)sk)->inet6;

		inet_sk(sk)->pinet6 = np;
		np->hop_limit = -1;
		np->mcast_hops = IPV6_DEFAULT_MCASTHOPS;
		np->mc_loop = 1;
		np->pmtudisc = IPV6_PMTUDISC_WANT;
		sk->sk_ipv6only = lsk->sk_ipv6only;
	}
	if (sk->sk_prot->init(sk)) {
		sk_free(sk);
		return NULL;
	}
	qs = quic_sk(sk);
	qs->config = lqs->config;
	qs->local_param = lqs->local_param;
	qs->remote_param = lqs->remote_param;
	qs->events = lqs->events;
	if (lqs->alpn) {
		qs->alpn = kstrdup(lqs->alpn, GFP_KERNEL);
		if (!qs->alpn)
			goto err;
	}
	/* The ticket key the listener's TLS library is to use. */
	if (lqs->ticket_len &&
	    quic_ticket_set(sk, lqs->ticket, lqs->ticket_len))
		goto err;
	sk->sk_bound_dev_if = lsk->sk_bound_dev_if;
	sk->sk_reuse = lsk->sk_reuse;
	sk->sk_sndbuf = lsk->sk_sndbuf;
	sk->sk_rcvbuf = lsk->sk_rcvbuf;
	quic_udp_sock_hold(sock_net(sk), lqs->udp);
	qs->udp = lqs->udp;
	quic_set_bound_addr(sk, &qs->udp->addr);
	if (lqs->pref_udp) {
		quic_udp_sock_hold(sock_net(sk), lqs->pref_udp);
		qs->pref_udp = lqs->pref_udp;
		qs->pref_addr = lqs->pref_addr;
	}
	return sk;
err:
	sk_common_release(sk);
	return NULL;
}

/* Set up the connection of @sk from the client's first Initial @skb and
 * process it; @odcid is the client's original Destination ID when a Retry
 * came first (else NULL). Returns 0 when the packet authenticated,
 * -EEXIST when another connection owns its Destination Connection ID, or
 * an error.
 */
static int quic_child_start(struct sock *sk, struct sk_buff *skb,
			    const struct quic_packet_hdr *hdr,
			    const struct quic_cid *odcid, bool validated)
{
	struct quic_cid initial;
	struct quic_conn *c = &quic_sk(sk)->conn;
	union quic_addr src, dst;
	int err;

	err = quic_conn_init(sk, true);
	if (err)
		return err;
	/* The client chose the version (RFC 9000 section 6). */
	c->version = hdr->version;
	quic_skb_addrs(skb, &src, &dst);
	c->path.remote = src;
	c->path.local = dst;
	initial.len = hdr->dcid_len;
	memcpy(initial.data, hdr->dcid, hdr->dcid_len);
	/* RFC 9000 section 7.3: after a Retry, the transport parameters name
	 * both the client's first ID and the one our Retry gave it.
	 */
	c->odcid = odcid ? *odcid : initial;
	if (odcid) {
		c->retried = true;
		c->retry_scid = initial;
		c->params.retry_scid = initial;
		c->params.has_retry_scid = true;
	}
	/* Section 8.1: a token proved the client's address. */
	if (validated)
		c->path.validated = true;
	if (!quic_cid_issue(&c->ids, sk, GFP_KERNEL))
		return -ENOMEM;
	err = quic_cid_add_odcid(&c->ids, sk, &initial, GFP_KERNEL);
	if (err)
		return err;
	err = quic_cid_add_dcid(&c->ids, 0, hdr->scid, hdr->scid_len, NULL,
				GFP_KERNEL);
	if (err)
		return err;
	c->dcid_from_peer = true;
	err = quic_conn_initial_keys(sk, &initial);
	if (err)
		return err;
	quic_set_peer_addr(sk, &src);
	inet_sk_set_state(sk, QUIC_SS_ESTABLISHING);
	quic_rcv(sk, skb);
	if (!c->levels[QUIC_CRYPTO_INITIAL].space.recv_count ||
	    sk->sk_state != QUIC_SS_ESTABLISHING)
		return -EBADMSG;
	return 0;
}

/* Queued packets of the connection that just got its socket go to it:
 * until the server's first packet reaches it, the client sends to its
 * original Destination Connection ID. One pass, in arrival order.
 */
static void quic_accept_redeliver(struct sock *lsk, struct sock *child)
{
	const struct quic_conn *c = &quic_sk(child)->conn;
	const struct quic_cid *odcid = c->retried ? &c->retry_scid : &c->odcid;
	struct sk_buff_head *q = &quic_sk(lsk)->conn.accept_skbs;
	struct quic_packet_hdr hdr;
	struct sk_buff *skb, *tmp;
	struct sk_buff_head mine;

	__skb_queue_head_init(&mine);
	spin_lock_bh(&q->lock);
	skb_queue_walk_safe(q, skb, tmp) {
		if (quic_packet_parse_header(skb->data, skb->len, QUIC_CID_LEN,
					     &hdr) ||
		    hdr.dcid_len != odcid->len ||
		    memcmp(hdr.dcid, odcid->data, odcid->len))
			continue;
		__skb_unlink(skb, q);
		__skb_queue_tail(&mine, skb);
	}
	spin_unlock_bh(&q->lock);
	local_bh_disable();
	while ((skb = __skb_dequeue(&mine)))
		quic_deliver(child, skb);
	local_bh_enable();
}

/* RFC 9000 section 8.1: what the Initial's token says. Returns 1 to go
 * on (*@odcid set after a Retry, *@validated for any valid token), 0 when
 * the packet is dropped: a Retry went out instead (validate_peer_address
 * and no valid token), or it brought a Retry token that does not check
 * out (section 8.1.2 allows dropping it).
 */
static int quic_accept_token(struct sock *sk, struct sk_buff *skb,
			     const struct quic_packet_hdr *hdr,
			     struct quic_cid *odcid, bool *retried,
			     bool *validated)
{
	union quic_addr src, dst;
	struct quic_cid dcid;
	int kind = 0;

	*retried = false;
	*validated = false;
	quic_skb_addrs(skb, &src, &dst);
	dcid.len = hdr->dcid_len;
	memcpy(dcid.data, hdr->dcid, hdr->dcid_len);
	if (hdr->token_len)
		kind = quic_token_check(hdr->token, hdr->token_len, &src, &dcid,
					odcid);
	if (kind == QUIC_TOKEN_RETRY)
		*retried = true;
	if (kind) {
		*validated = true;
		return 1;
	}
	if (hdr->token_len && hdr->token[0] == QUIC_TOKEN_RETRY)
		return 0;
	if (!quic_sk(sk)->config.validate_peer_address)
		return 1;
	quic_retry_send(sk, skb, hdr);
	return 0;
}

static bool quic_accept_ready(struct sock *sk)
{
	return !skb_queue_empty_lockless(&quic_sk(sk)->conn.accept_skbs) ||
	       sk->sk_state != QUIC_SS_LISTENING;
}

/**
 * quic_accept - the next new connection of a listening socket
 * @sk: the listening socket
 * @newsk: the connection's socket (out)
 * @flags: O_NONBLOCK
 * @kern: for a kernel user
 *
 * The new socket is in the ESTABLISHING state with the client's first
 * CRYPTO data queued: user space runs the server handshake on it.
 *
 * Return: 0 or a negative errno.
 */
int quic_accept(struct sock *sk, struct sock **newsk, int flags, bool kern)
{
	struct sk_buff_head *q = &quic_sk(sk)->conn.accept_skbs;
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	bool retried, validated;
	struct quic_packet_hdr hdr;
	struct quic_cid odcid;
	struct sk_buff *skb;
	struct sock *child;
	long timeo;
	int err;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	for (;;) {
		err = -EINVAL;
		if (sk->sk_state != QUIC_SS_LISTENING)
			break;
		skb = skb_dequeue(q);
		if (!skb) {
			err = -EAGAIN;
			if (!timeo)
				break;
			err = sock_intr_errno(timeo);
			if (signal_pending(current))
				break;
			add_wait_queue(sk_sleep(sk), &wait);
			sk_wait_event(sk, &timeo, quic_accept_ready(sk), &wait);
			remove_wait_queue(sk_sleep(sk), &wait);
			continue;
		}
		if (quic_packet_parse_header(skb->data, skb->len, QUIC_CID_LEN,
					     &hdr)) {
			kfree_skb(skb);
			continue;
		}
		child = quic_cid_lookup(sock_net(sk), hdr.dcid, hdr.dcid_len);
		if (child) {
			/* A retransmitted Initial of an accepted connection,
			 * or 0-RTT that came after it.
			 */
			local_bh_disable();
			quic_deliver(child, skb);
			local_bh_enable();
			sock_put(child);
			continue;
		}
		/* 0-RTT whose Initial is not here (lost, or dropped). */
		if (hdr.type != QUIC_PACKET_INITIAL) {
			kfree_skb(skb);
			continue;
		}
		if (!quic_accept_token(sk, skb, &hdr, &odcid, &retried,
				       &validated)) {
			kfree_skb(skb);
			continue;
		}
		child = quic_child_alloc(sk, kern);
		if (!child) {
			kfree_skb(skb);
			err = -ENOMEM;
			break;
		}
		lock_sock_nested(child, SINGLE_DEPTH_NESTING);
		err = quic_child_start(child, skb, &hdr,
				       retried ? &odcid : NULL, validated);
		release_sock(child);
		if (err) {
			if (err != -EBADMSG)	/* not consumed by quic_rcv() */
				kfree_skb(skb);
			sk_common_release(child);
			continue;
		}
		quic_accept_redeliver(sk, child);
		*newsk = child;
		err = 0;
		break;
	}
	release_sock(sk);
	return err;
}
