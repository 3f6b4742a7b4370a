// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC socket calls (draft-lxin-quic-socket-apis-02 section 3): creation,
 * bind, release, and the entry points that later parts fill in. Calls that
 * are not implemented yet fail with -EOPNOTSUPP.
 */

#include <linux/capability.h>
#include <linux/module.h>
#include <linux/random.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/transp_v6.h>

#include "compat.h"
#include "input.h"
#include "output.h"
#include "socket.h"

static int quic_init_sock(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	quic_sockopt_init(qs);
	skb_queue_head_init(&qs->conn.accept_skbs);
	/* CID lookups take a reference under RCU only (cid.c). */
	sock_set_flag(sk, SOCK_RCU_FREE);
	sk->sk_sndbuf = QUIC_SNDBUF_DEFAULT;
	sk->sk_rcvbuf = QUIC_RCVBUF_DEFAULT;
	/* Counted in /proc/net/protocols and /proc/net/sockstat-like views. */
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
	return 0;
}

static void quic_unlisten(struct sock *sk)
{
	struct sk_buff_head *q = &quic_sk(sk)->conn.accept_skbs;
	struct quic_sock *qs = quic_sk(sk);

	if (sk->sk_state != QUIC_SS_LISTENING || !qs->udp)
		return;
	if (rcu_access_pointer(qs->udp->listener) == sk)
		RCU_INIT_POINTER(qs->udp->listener, NULL);
	/* quic_listener_queue() checks the state under the same lock. */
	spin_lock_bh(&q->lock);
	inet_sk_set_state(sk, QUIC_SS_CLOSED);
	spin_unlock_bh(&q->lock);
	skb_queue_purge(q);
}

/**
 * quic_sock_destroy - free everything a socket holds but the socket
 * @sk: the socket, locked or unreachable
 *
 * Called once: by sk_common_release(), or for an orphan kept in the
 * closing state by quic_closing_reap() when that state ends.
 */
void quic_sock_destroy(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	quic_unlisten(sk);
	quic_conn_destroy(sk);
	skb_queue_purge(&qs->conn.accept_skbs);
	if (qs->udp) {
		quic_udp_sock_put(sock_net(sk), qs->udp);
		qs->udp = NULL;
	}
	if (qs->pref_udp) {
		quic_udp_sock_put(sock_net(sk), qs->pref_udp);
		qs->pref_udp = NULL;
	}
	quic_sockopt_destroy(qs);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
}

static void quic_destroy_sock(struct sock *sk)
{
	/* An orphan in the closing state: quic_closing_reap()'s to do. */
	if (!quic_sk(sk)->conn.orphan)
		quic_sock_destroy(sk);
}

/* All data we sent was acknowledged (or there is no connection). */
static bool quic_sock_drained(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	return sk->sk_state != QUIC_SS_ESTABLISHED || !c->initialised ||
	       !READ_ONCE(sk->sk_wmem_queued);
}

/* close(): a graceful close waits (at most SO_LINGER's time, else a few
 * seconds) for the data in flight to be acknowledged, then sends
 * CONNECTION_CLOSE with NO_ERROR (RFC 9000 section 10.2). SO_LINGER with
 * a zero time closes at once.
 */
static void quic_close(struct sock *sk, long timeout)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	lock_sock(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (sock_flag(sk, SOCK_LINGER))
		timeout = sk->sk_lingertime;
	else
		timeout = QUIC_CLOSE_WAIT_DEFAULT;
	if (timeout && !quic_sock_drained(sk)) {
		add_wait_queue(sk_sleep(sk), &wait);
		while (timeout && !quic_sock_drained(sk) &&
		       !signal_pending(current))
			sk_wait_event(sk, &timeout, quic_sock_drained(sk), &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
	if (c->initialised && c->user_close_set) {
		/* RFC 9001 section 4.8: TLS alerts are transport errors. */
		quic_conn_close(sk, c->user_close_code, c->user_close_frame,
				c->user_close_reason, c->user_close_app);
	} else if (c->initialised) {
		quic_conn_close(sk, QUIC_TRANSPORT_ERROR_NONE, 0, "", true);
	}
	quic_unlisten(sk);
	/* RFC 9000 section 10.2: the closing state outlives the file. */
	if (!quic_closing_linger(sk))
		quic_conn_destroy(sk);
	release_sock(sk);
	sk_common_release(sk);
}

/* Copy a bind address from user space and check it against the socket. */
int quic_addr_from_user(struct sock *sk, const struct sockaddr *uaddr,
			int len, union quic_addr *a)
{
	memset(a, 0, sizeof(*a));
	/* The family first: the length it needs depends on it. */
	if (len >= (int)offsetofend(struct sockaddr, sa_family) &&
	    uaddr->sa_family != sk->sk_family)
		return -EAFNOSUPPORT;
	if (sk->sk_family == AF_INET) {
		if (len < (int)sizeof(struct sockaddr_in))
			return -EINVAL;
		memcpy(&a->v4, uaddr, sizeof(a->v4));
		return 0;
	}

	if (len < SIN6_LEN_RFC2133)
		return -EINVAL;
	memcpy(&a->v6, uaddr, min_t(int, len, sizeof(a->v6)));
	if (ipv6_addr_v4mapped(&a->v6.sin6_addr) && sk->sk_ipv6only)
		return -EINVAL;
	if (ipv6_addr_type(&a->v6.sin6_addr) & IPV6_ADDR_LINKLOCAL) {
		/* RFC 4007 section 11: a link-local address needs its link. */
		if (len < (int)sizeof(struct sockaddr_in6))
			return -EINVAL;
		if (a->v6.sin6_scope_id) {
			if (sk->sk_bound_dev_if &&
			    sk->sk_bound_dev_if != a->v6.sin6_scope_id)
				return -EINVAL;
		} else if (!sk->sk_bound_dev_if) {
			return -EINVAL;
		}
	}
	return 0;
}

/* Mirror the bound address into the inet fields getsockname() reports. */
void quic_set_bound_addr(struct sock *sk, const union quic_addr *a)
{
	struct inet_sock *inet = inet_sk(sk);

	if (a->sa.sa_family == AF_INET) {
		inet->inet_rcv_saddr = a->v4.sin_addr.s_addr;
		inet->inet_saddr = a->v4.sin_addr.s_addr;
		inet->inet_sport = a->v4.sin_port;
	} else {
		sk->sk_v6_rcv_saddr = a->v6.sin6_addr;
		inet6_sk(sk)->saddr = a->v6.sin6_addr;
		inet->inet_sport = a->v6.sin6_port;
		if (ipv6_addr_v4mapped(&a->v6.sin6_addr))
			inet->inet_rcv_saddr = a->v6.sin6_addr.s6_addr32[3];
	}
	inet->inet_num = ntohs(inet->inet_sport);
}

/* Mirror the peer address into the inet fields getpeername() reports. */
void quic_set_peer_addr(struct sock *sk, const union quic_addr *a)
{
	struct inet_sock *inet = inet_sk(sk);

	if (a->sa.sa_family == AF_INET) {
		inet->inet_daddr = a->v4.sin_addr.s_addr;
		inet->inet_dport = a->v4.sin_port;
	} else {
		sk->sk_v6_daddr = a->v6.sin6_addr;
		inet->inet_dport = a->v6.sin6_port;
	}
}

static int quic_bind(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct net *net = sock_net(sk);
	struct quic_udp_sock *us;
	union quic_addr a;
	int ifindex, err;
	u16 port;

	err = quic_addr_from_user(sk, uaddr, addr_len, &a);
	if (err)
		return err;
	port = ntohs(a.sa.sa_family == AF_INET ? a.v4.sin_port : a.v6.sin6_port);
	if (port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (qs->udp)
		goto out;
	ifindex = sk->sk_bound_dev_if;
	if (a.sa.sa_family == AF_INET6 && a.v6.sin6_scope_id)
		ifindex = a.v6.sin6_scope_id;
	us = quic_udp_sock_get(net, &a, sk->sk_reuse != SK_NO_REUSE,
			       sk->sk_family == AF_INET6 && sk->sk_ipv6only,
			       ifindex);
	if (IS_ERR(us)) {
		err = PTR_ERR(us);
		goto out;
	}
	qs->udp = us;
	sk->sk_bound_dev_if = ifindex;
	quic_set_bound_addr(sk, &us->addr);
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* Bind to the wildcard address and a free port, like UDP's autobind. */
static int quic_autobind(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_udp_sock *us;
	union quic_addr a = {};

	a.sa.sa_family = sk->sk_family;
	us = quic_udp_sock_get(sock_net(sk), &a, sk->sk_reuse != SK_NO_REUSE,
			       sk->sk_family == AF_INET6 && sk->sk_ipv6only,
			       sk->sk_bound_dev_if);
	if (IS_ERR(us))
		return PTR_ERR(us);
	qs->udp = us;
	quic_set_bound_addr(sk, &us->addr);
	return 0;
}

/* connect(): sets up the client connection (RFC 9000 section 7.2: a
 * random Destination Connection ID of 8 bytes gives the Initial keys).
 * Nothing is sent until user space hands over its ClientHello.
 */
static int quic_connect(struct sock *sk, struct sockaddr *addr, int addr_len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;
	union quic_addr peer;
	int err;

	err = quic_addr_from_user(sk, addr, addr_len, &peer);
	if (err)
		return err;
	lock_sock(sk);
	err = -EISCONN;
	if (c->initialised || sk->sk_state != QUIC_SS_CLOSED)
		goto out;
	if (!qs->udp) {
		err = quic_autobind(sk);
		if (err)
			goto out;
	}
	err = quic_conn_init(sk, false);
	if (err)
		goto out;
	c->path.local = qs->udp->addr;
	c->path.remote = peer;
	err = -ENOMEM;
	if (!quic_cid_issue(&c->ids, sk, GFP_KERNEL))
		goto fail;
	c->odcid.len = QUIC_CID_LEN;
	get_random_bytes(c->odcid.data, QUIC_CID_LEN);
	err = quic_cid_add_dcid(&c->ids, 0, c->odcid.data, c->odcid.len, NULL,
				GFP_KERNEL);
	if (err)
		goto fail;
	err = quic_conn_initial_keys(sk, &c->odcid);
	if (err)
		goto fail;
	quic_set_peer_addr(sk, &peer);
	inet_sk_set_state(sk, QUIC_SS_ESTABLISHING);
	quic_conn_touch(sk);
	release_sock(sk);
	return 0;
fail:
	quic_conn_destroy(sk);
out:
	release_sock(sk);
	return err;
}

/* QUIC sockets are found by connection ID, not in the inet hash tables. */
static int quic_hash(struct sock *sk)
{
	return 0;
}

static void quic_unhash(struct sock *sk)
{
}

/* proto_ops entry points shared by both families and both socket types. */

static int quic_inet_connect(struct socket *sock, struct sockaddr *addr,
			     int addr_len, int flags)
{
	struct sock *sk = sock->sk;

	if (addr_len < (int)sizeof(addr->sa_family))
		return -EINVAL;
	return sk->sk_prot->connect(sk, addr, addr_len);
}

/* listen(): take the Initial packets of new connections (one listener
 * per local address and port).
 */
static int quic_inet_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct quic_sock *qs = quic_sk(sk);
	int err = 0;

	lock_sock(sk);
	WRITE_ONCE(sk->sk_max_ack_backlog, clamp(backlog, 1, SOMAXCONN));
	if (sk->sk_state == QUIC_SS_LISTENING)
		goto out;
	err = -EINVAL;
	if (sk->sk_state != QUIC_SS_CLOSED || qs->conn.initialised)
		goto out;
	if (!qs->udp) {
		err = quic_autobind(sk);
		if (err)
			goto out;
	}
	err = -EADDRINUSE;
	if (rcu_access_pointer(qs->udp->listener))
		goto out;
	inet_sk_set_state(sk, QUIC_SS_LISTENING);
	rcu_assign_pointer(qs->udp->listener, sk);
	err = 0;
out:
	release_sock(sk);
	return err;
}

static int quic_inet_accept(struct socket *sock, struct socket *newsock,
			    int flags, bool kern)
{
	struct sock *newsk;
	int err;

	err = quic_accept(sock->sk, &newsk, flags, kern);
	if (err)
		return err;
	sock_graft(newsk, newsock);
	newsock->state = SS_CONNECTED;
	return 0;
}

static int quic_inet_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	lock_sock(sk);
	if (!quic_sk(sk)->conn.initialised && sk->sk_state != QUIC_SS_LISTENING) {
		err = -ENOTCONN;
		goto out;
	}
	/* Like TCP's: shutting down the sending side ends the connection. */
	if (how != SHUT_RD && quic_sk(sk)->conn.initialised)
		quic_conn_close(sk, QUIC_TRANSPORT_ERROR_NONE, 0, "", true);
	sk->sk_shutdown |= how + 1;
	sk->sk_state_change(sk);
out:
	release_sock(sk);
	return err;
}

static __poll_t quic_inet_poll(struct file *file, struct socket *sock,
			       poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct quic_sock *qs = quic_sk(sk);
	u8 state = inet_sk_state_load(sk);
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	if (state == QUIC_SS_LISTENING)
		return skb_queue_empty_lockless(&qs->conn.accept_skbs) ? 0 :
		       EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (READ_ONCE(sk->sk_shutdown) == SHUTDOWN_MASK ||
	    state == QUIC_SS_CLOSED || state == QUIC_SS_CLOSING)
		mask |= EPOLLHUP;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN ||
	    state == QUIC_SS_CLOSING || state == QUIC_SS_CLOSED)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (!skb_queue_empty_lockless(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if ((state == QUIC_SS_ESTABLISHED || state == QUIC_SS_ESTABLISHING) &&
	    quic_sock_writable(sk))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int quic_inet_sendmsg(struct socket *sock, struct msghdr *msg,
			     size_t len)
{
	struct sock *sk = sock->sk;

	return sk->sk_prot->sendmsg(sk, msg, len);
}

struct proto quic_prot = {
	.name		= "QUIC",
	.owner		= THIS_MODULE,
	.init		= quic_init_sock,
	.destroy	= quic_destroy_sock,
	.close		= quic_close,
	.connect	= quic_connect,
	.setsockopt	= quic_setsockopt,
	.getsockopt	= quic_getsockopt,
	.sendmsg	= quic_sendmsg,
	.recvmsg	= quic_recvmsg,
	.bind		= quic_bind,
	.backlog_rcv	= quic_rcv,
	.release_cb	= quic_release_cb,
	.hash		= quic_hash,
	.unhash		= quic_unhash,
	.obj_size	= sizeof(struct quic_sock),
};

/* Set up in quic_proto_init_v6(): quic_prot with IPv6's object layout. */
struct proto quicv6_prot;

void quic_proto_init_v6(void)
{
	/* 6.1 finds ipv6_pinfo at obj_size - sizeof(): no tail padding. */
	BUILD_BUG_ON(offsetof(struct quic6_sock, inet6) +
		     sizeof(struct ipv6_pinfo) != sizeof(struct quic6_sock));
	quicv6_prot = quic_prot;
	strscpy(quicv6_prot.name, "QUICv6", sizeof(quicv6_prot.name));
	quicv6_prot.obj_size = sizeof(struct quic6_sock);
	quic_proto_set_ipv6_pinfo(&quicv6_prot, offsetof(struct quic6_sock, inet6));
}

/* getpeername() answers from connect() on: a QUIC client knows its peer
 * while the handshake runs (inet_getname() would say ENOTCONN, as for a
 * TCP SYN_SENT socket).
 */
static int quic_inet_getname(struct socket *sock, struct sockaddr *uaddr,
			     int peer)
{
	struct sock *sk = sock->sk;
	struct quic_conn *c = &quic_sk(sk)->conn;
	union quic_addr a;
	int len;

	if (!peer)
		return sk->sk_family == AF_INET6 ?
		       inet6_getname(sock, uaddr, peer) :
		       inet_getname(sock, uaddr, peer);
	lock_sock(sk);
	if (!c->initialised || sk->sk_state == QUIC_SS_CLOSED) {
		release_sock(sk);
		return -ENOTCONN;
	}
	a = c->path.remote;
	release_sock(sk);
	len = a.sa.sa_family == AF_INET6 ? sizeof(a.v6) : sizeof(a.v4);
	memcpy(uaddr, &a, len);
	return len;
}

const struct proto_ops quic_inet_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= inet_bind,
	.connect	= quic_inet_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= quic_inet_accept,
	.getname	= quic_inet_getname,
	.poll		= quic_inet_poll,
	.ioctl		= inet_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= quic_inet_listen,
	.shutdown	= quic_inet_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= quic_inet_sendmsg,
	.recvmsg	= sock_common_recvmsg,
	.mmap		= sock_no_mmap,
};

const struct proto_ops quic_inet6_ops = {
	.family		= PF_INET6,
	.owner		= THIS_MODULE,
	.release	= inet6_release,
	.bind		= inet6_bind,
	.connect	= quic_inet_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= quic_inet_accept,
	.getname	= quic_inet_getname,
	.poll		= quic_inet_poll,
	.ioctl		= inet6_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= quic_inet_listen,
	.shutdown	= quic_inet_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= quic_inet_sendmsg,
	.recvmsg	= sock_common_recvmsg,
	.mmap		= sock_no_mmap,
};
