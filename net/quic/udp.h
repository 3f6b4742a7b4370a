/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel UDP tunnel sockets carrying QUIC packets, shared by every QUIC
 * socket bound to the same local address and port.
 */

#ifndef __NET_QUIC_UDP_H
#define __NET_QUIC_UDP_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/socket.h>

struct dst_cache;
struct sk_buff;

/**
 * union quic_addr - an IPv4 or IPv6 socket address
 * @sa: the family
 * @v4: AF_INET
 * @v6: AF_INET6
 */
union quic_addr {
	struct sockaddr		sa;
	struct sockaddr_in	v4;
	struct sockaddr_in6	v6;
};

/**
 * struct quic_udp_sock - one kernel UDP socket and the QUIC sockets on it
 * @list: entry in the per-netns table
 * @sock: the kernel UDP tunnel socket
 * @addr: its local address and port (the port as bound, never 0)
 * @users: QUIC sockets bound to it; protected by the table's mutex
 * @orphans: connections close() left in the closing state on it (closing.c):
 *	they keep it open but do not hold its address; same mutex
 * @reuse: every user set SO_REUSEADDR, so more users may share it
 * @v6only: IPV6_V6ONLY of an AF_INET6 socket
 * @ifindex: SO_BINDTODEVICE of the users, 0 for none
 * @listener: the listening QUIC socket on it, if any
 * @rcu: freeing after readers in encap_rcv are done
 */
struct quic_udp_sock {
	struct list_head	list;
	struct socket		*sock;
	union quic_addr		addr;
	unsigned int		users;
	unsigned int		orphans;
	bool			reuse;
	bool			v6only;
	int			ifindex;
	struct sock __rcu	*listener;
	struct rcu_head		rcu;
};

struct quic_udp_sock *quic_udp_sock_get(struct net *net,
					const union quic_addr *addr,
					bool reuse, bool v6only, int ifindex);
void quic_udp_sock_hold(struct net *net, struct quic_udp_sock *us);
void quic_udp_sock_put(struct net *net, struct quic_udp_sock *us);
void quic_udp_sock_orphan(struct net *net, struct quic_udp_sock *us,
			  bool orphan);
void quic_udp_gso_mark(struct sk_buff *skb, u32 gso_size);
u32 quic_udp_send(struct quic_udp_sock *us, struct sk_buff *skb,
		  const union quic_addr *local, const union quic_addr *remote,
		  struct dst_cache *cache, int oif, u8 ecn);

int quic_udp_net_init(struct net *net);
void quic_udp_net_exit(struct net *net);

#endif /* __NET_QUIC_UDP_H */
