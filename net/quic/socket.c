// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC socket calls (draft-lxin-quic-socket-apis-02 section 3): creation,
 * bind, release, and the entry points that later parts fill in. Calls that
 * are not implemented yet fail with -EOPNOTSUPP.
 */

#include <linux/capability.h>
#include <linux/module.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/transp_v6.h>

#include "compat.h"
#include "socket.h"

static int quic_init_sock(struct sock *sk)
{
	quic_sockopt_init(quic_sk(sk));
	/* Counted in /proc/net/protocols and /proc/net/sockstat-like views. */
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
	return 0;
}

static void quic_destroy_sock(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->udp) {
		quic_udp_sock_put(sock_net(sk), qs->udp);
		qs->udp = NULL;
	}
	quic_sockopt_destroy(qs);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
}

static void quic_close(struct sock *sk, long timeout)
{
	lock_sock(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	release_sock(sk);
	sk_common_release(sk);
}

/* Copy a bind address from user space and check it against the socket. */
static int quic_addr_from_user(struct sock *sk, const struct sockaddr *uaddr,
			       int len, union quic_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sk->sk_family == AF_INET) {
		if (len < (int)sizeof(struct sockaddr_in))
			return -EINVAL;
		if (uaddr->sa_family != AF_INET)
			return -EAFNOSUPPORT;
		memcpy(&a->v4, uaddr, sizeof(a->v4));
		return 0;
	}

	if (len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (uaddr->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
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
static void quic_set_bound_addr(struct sock *sk, const union quic_addr *a)
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

static int quic_connect(struct sock *sk, struct sockaddr *addr, int addr_len)
{
	return -EOPNOTSUPP;
}

static int quic_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	return -EOPNOTSUPP;
}

static int quic_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			int flags, int *addr_len)
{
	return -EOPNOTSUPP;
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

static int quic_inet_listen(struct socket *sock, int backlog)
{
	return -EOPNOTSUPP;
}

static int quic_inet_accept(struct socket *sock, struct socket *newsock,
			    int flags, bool kern)
{
	return -EOPNOTSUPP;
}

static int quic_inet_shutdown(struct socket *sock, int how)
{
	return -EOPNOTSUPP;
}

static __poll_t quic_inet_poll(struct file *file, struct socket *sock,
			       poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (READ_ONCE(sk->sk_shutdown) == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
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

const struct proto_ops quic_inet_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= inet_bind,
	.connect	= quic_inet_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= quic_inet_accept,
	.getname	= inet_getname,
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
	.getname	= inet6_getname,
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
