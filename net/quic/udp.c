// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel UDP tunnel sockets (DESIGN section 6): one per local address and
 * port, created by the first QUIC socket bound there and shared, counted,
 * by the others. Table updates take the per-netns mutex, so get and put
 * sleep and run in process context only.
 */

#include <linux/slab.h>
#include <net/dst_cache.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp_tunnel.h>

#include "protocol.h"
#include "input.h"
#include "udp.h"

/* Called by UDP in softirq context for every datagram to the port, or,
 * on kernels whose UDP hands an encapsulation socket that asked for
 * UDP_GRO its GRO and GSO skbs whole, for several at once. Those are
 * split here as UDP splits them for other sockets (udp_queue_rcv_skb());
 * kernels whose udp_unexpected_gso() keeps them from encapsulation
 * sockets (6.1.y now among them) split them before this is called.
 */
static int quic_udp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct quic_udp_sock *us = rcu_dereference_sk_user_data(sk);
	struct sk_buff *segs, *next;

	if (!us) {
		kfree_skb(skb);
		return 0;
	}
	if (!skb_is_gso(skb)) {
		quic_udp_rcv(sock_net(sk), us, skb);
		return 0;
	}
	__skb_push(skb, -skb_mac_offset(skb));
	segs = udp_rcv_segment(sk, skb, skb->protocol == htons(ETH_P_IP));
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		__skb_pull(skb, skb_transport_offset(skb));
		udp_post_segment_fix_csum(skb);
		quic_udp_rcv(sock_net(sk), us, skb);
	}
	return 0;
}

/* The route from @local to @remote; @src gets the source address chosen. */
static struct dst_entry *quic_udp_route(struct net *net,
					const union quic_addr *local,
					const union quic_addr *remote,
					struct dst_cache *cache, int oif,
					union quic_addr *src)
{
	struct dst_entry *dst;

	*src = *local;
	if (remote->sa.sa_family == AF_INET) {
		struct flowi4 fl4 = {};
		struct rtable *rt;

		if (cache) {
			rt = dst_cache_get_ip4(cache, &src->v4.sin_addr.s_addr);
			if (rt)
				return &rt->dst;
		}
		fl4.daddr = remote->v4.sin_addr.s_addr;
		fl4.saddr = local->v4.sin_addr.s_addr;
		fl4.flowi4_proto = IPPROTO_UDP;
		fl4.flowi4_oif = oif;
		fl4.fl4_sport = local->v4.sin_port;
		fl4.fl4_dport = remote->v4.sin_port;
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt))
			return ERR_CAST(rt);
		src->v4.sin_addr.s_addr = fl4.saddr;
		if (cache)
			dst_cache_set_ip4(cache, &rt->dst, fl4.saddr);
		return &rt->dst;
	}
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct flowi6 fl6 = {};

		if (cache) {
			dst = dst_cache_get_ip6(cache, &src->v6.sin6_addr);
			if (dst)
				return dst;
		}
		fl6.daddr = remote->v6.sin6_addr;
		fl6.saddr = local->v6.sin6_addr;
		fl6.flowi6_proto = IPPROTO_UDP;
		fl6.flowi6_oif = oif;
		fl6.fl6_sport = local->v6.sin6_port;
		fl6.fl6_dport = remote->v6.sin6_port;
		dst = ipv6_stub->ipv6_dst_lookup_flow(net, NULL, &fl6, NULL);
		if (IS_ERR(dst))
			return dst;
		src->v6.sin6_addr = fl6.saddr;
		if (cache)
			dst_cache_set_ip6(cache, dst, &fl6.saddr);
		return dst;
	}
#else
	return ERR_PTR(-EAFNOSUPPORT);
#endif
}

/**
 * quic_udp_gso_mark - make @skb a UDP GSO skb of @gso_size segments
 * @skb: the UDP payload of several datagrams, each @gso_size bytes but
 *	the last, which may be shorter; headroom as quic_udp_send() wants
 * @gso_size: the size of a datagram
 *
 * UDP segmentation (the device's, or __udp_gso_segment() where the skb
 * must be split in software or reaches a socket whole, as over veth and
 * loopback) gives each segment its own UDP header, length and checksum;
 * it wants CHECKSUM_PARTIAL from the UDP header on, which is pushed right
 * in front of @skb's data.
 */
void quic_udp_gso_mark(struct sk_buff *skb, u32 gso_size)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);

	shinfo->gso_size = gso_size;
	shinfo->gso_type = SKB_GSO_UDP_L4;
	shinfo->gso_segs = DIV_ROUND_UP(skb->len, gso_size);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) - sizeof(struct udphdr);
	skb->csum_offset = offsetof(struct udphdr, check);
}

/**
 * quic_udp_send - send a datagram from a QUIC UDP socket
 * @us: the socket
 * @skb: the UDP payload, with headroom for the headers; consumed
 * @local: the source address (a wildcard lets the route choose)
 * @remote: the destination
 * @cache: cached route of the path, or NULL
 * @oif: output device, 0 for any
 * @ecn: the ECN field of the IP header (INET_ECN_*)
 *
 * RFC 9000 section 14: QUIC datagrams are never fragmented. IPv4 ones
 * carry DF and, like IPv6 ones, are dropped rather than split when they
 * exceed the route's MTU (an ICMP Packet Too Big then lowers it).
 *
 * Context: softirq or process context, the caller's socket locked.
 *
 * Return: the largest UDP payload the route takes, 0 if there is none.
 */
u32 quic_udp_send(struct quic_udp_sock *us, struct sk_buff *skb,
		  const union quic_addr *local, const union quic_addr *remote,
		  struct dst_cache *cache, int oif, u8 ecn)
{
	struct sock *usk = us->sock->sk;
	struct dst_entry *dst;
	union quic_addr src;
	u32 mtu, hdr;

	/* dst_cache wants bottom halves off, and so does a transmit from
	 * process context that may meet softirq transmits of the socket.
	 */
	local_bh_disable();
	dst = quic_udp_route(sock_net(usk), local, remote, cache, oif, &src);
	if (IS_ERR(dst)) {
		local_bh_enable();
		kfree_skb(skb);
		return 0;
	}
	hdr = sizeof(struct udphdr) + (remote->sa.sa_family == AF_INET ?
				       sizeof(struct iphdr) :
				       sizeof(struct ipv6hdr));
	mtu = dst_mtu(dst);
	mtu = mtu > hdr ? mtu - hdr : 0;
	skb->ignore_df = 0;
	if (remote->sa.sa_family == AF_INET) {
		udp_tunnel_xmit_skb((struct rtable *)dst, usk, skb,
				    src.v4.sin_addr.s_addr,
				    remote->v4.sin_addr.s_addr, ecn,
				    ip4_dst_hoplimit(dst), htons(IP_DF),
				    local->v4.sin_port, remote->v4.sin_port,
				    false, false);
		local_bh_enable();
		return mtu;
	}
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct in6_addr daddr = remote->v6.sin6_addr;

		udp_tunnel6_xmit_skb(dst, usk, skb, NULL, &src.v6.sin6_addr,
				     &daddr, ecn, ip6_dst_hoplimit(dst), 0,
				     local->v6.sin6_port, remote->v6.sin6_port,
				     false);
	}
#endif
	local_bh_enable();
	return mtu;
}

static bool quic_addr_equal(const union quic_addr *a, const union quic_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->v4.sin_port == b->v4.sin_port &&
		       a->v4.sin_addr.s_addr == b->v4.sin_addr.s_addr;
	return a->v6.sin6_port == b->v6.sin6_port &&
	       ipv6_addr_equal(&a->v6.sin6_addr, &b->v6.sin6_addr);
}

static __be16 quic_addr_port(const union quic_addr *a)
{
	return a->sa.sa_family == AF_INET ? a->v4.sin_port : a->v6.sin6_port;
}

static struct quic_udp_sock *quic_udp_sock_create(struct net *net,
						  const union quic_addr *addr,
						  bool v6only, int ifindex)
{
	struct udp_tunnel_sock_cfg tunnel_cfg = {};
	struct udp_port_cfg cfg = {};
	struct quic_udp_sock *us;
	int err, one = 1;

	us = kzalloc(sizeof(*us), GFP_KERNEL);
	if (!us)
		return ERR_PTR(-ENOMEM);

	cfg.family = addr->sa.sa_family;
	cfg.bind_ifindex = ifindex;
	if (cfg.family == AF_INET) {
		cfg.local_ip = addr->v4.sin_addr;
		cfg.local_udp_port = addr->v4.sin_port;
		cfg.use_udp_checksums = 1;
	} else {
		cfg.local_ip6 = addr->v6.sin6_addr;
		cfg.local_udp_port = addr->v6.sin6_port;
		cfg.ipv6_v6only = v6only;
		cfg.use_udp6_tx_checksums = 1;
		cfg.use_udp6_rx_checksums = 1;
	}
	err = udp_sock_create(net, &cfg, &us->sock);
	if (err)
		goto err_free;

	/* Learn the port the kernel picked when asked for port 0. */
	err = kernel_getsockname(us->sock, &us->addr.sa);
	if (err < 0)
		goto err_release;

	/* UDP GRO merges a flow's datagrams of one size that arrive
	 * together, so that a burst takes the receive path (IP, netfilter,
	 * the socket lookup) once; UDP or quic_udp_encap_rcv() splits it.
	 * What UDP_GRO does for user space, without a version-dependent
	 * field; before @us is published to the receive path below, which
	 * an error here would otherwise have to wait an RCU grace period
	 * for.
	 */
	err = us->sock->ops->setsockopt(us->sock, SOL_UDP, UDP_GRO,
					KERNEL_SOCKPTR(&one), sizeof(one));
	if (err)
		goto err_release;

	us->v6only = v6only;
	us->ifindex = ifindex;
	tunnel_cfg.sk_user_data = us;
	tunnel_cfg.encap_type = 1;
	tunnel_cfg.encap_rcv = quic_udp_encap_rcv;
	setup_udp_tunnel_sock(net, us->sock, &tunnel_cfg);
	return us;

err_release:
	udp_tunnel_sock_release(us->sock);
err_free:
	kfree(us);
	return ERR_PTR(err);
}

/**
 * quic_udp_sock_get - find or create the UDP socket for a local address
 * @net: network namespace
 * @addr: local address and port; port 0 always creates a new socket
 * @reuse: the caller set SO_REUSEADDR
 * @v6only: IPV6_V6ONLY of an AF_INET6 caller
 * @ifindex: device the caller is bound to, 0 for none
 *
 * An existing socket is shared only when it and the caller both allow
 * address reuse and agree on @v6only and @ifindex.
 *
 * Return: the socket with one more user, or an ERR_PTR: -EADDRINUSE when
 * the address is taken, or the error of creating the socket.
 */
struct quic_udp_sock *quic_udp_sock_get(struct net *net,
					const union quic_addr *addr,
					bool reuse, bool v6only, int ifindex)
{
	struct quic_net *qn = quic_net(net);
	struct quic_udp_sock *us;

	mutex_lock(&qn->udp_lock);
	if (quic_addr_port(addr)) {
		list_for_each_entry(us, &qn->udp_socks, list) {
			if (!quic_addr_equal(&us->addr, addr))
				continue;
			/* Orphans alone do not hold the address (as TCP's
			 * TIME-WAIT does not with SO_REUSEADDR): a server
			 * restarted at once binds it again.
			 */
			if ((us->users && (!us->reuse || !reuse)) ||
			    us->v6only != v6only || us->ifindex != ifindex) {
				us = ERR_PTR(-EADDRINUSE);
				goto out;
			}
			if (!us->users)
				us->reuse = reuse;
			us->users++;
			goto out;
		}
	}

	us = quic_udp_sock_create(net, addr, v6only, ifindex);
	if (IS_ERR(us))
		goto out;
	us->users = 1;
	us->reuse = reuse;
	list_add(&us->list, &qn->udp_socks);
out:
	mutex_unlock(&qn->udp_lock);
	return us;
}

/* One more user of a socket already held (a server's new connection). */
void quic_udp_sock_hold(struct net *net, struct quic_udp_sock *us)
{
	struct quic_net *qn = quic_net(net);

	mutex_lock(&qn->udp_lock);
	us->users++;
	mutex_unlock(&qn->udp_lock);
}

/**
 * quic_udp_sock_put - drop one user; the last one closes the UDP socket
 * @net: network namespace the socket was created in
 * @us: the socket
 */
void quic_udp_sock_put(struct net *net, struct quic_udp_sock *us)
{
	struct quic_net *qn = quic_net(net);

	mutex_lock(&qn->udp_lock);
	if (!--us->users && !us->orphans) {
		list_del(&us->list);
		/* Waits for readers of sk_user_data (RCU) before closing. */
		udp_tunnel_sock_release(us->sock);
		kfree_rcu(us, rcu);
	}
	mutex_unlock(&qn->udp_lock);
}

/**
 * quic_udp_sock_orphan - turn one user into an orphan, or back
 * @net: network namespace the socket was created in
 * @us: the socket
 * @orphan: true when close() keeps a closing connection on @us, false
 *	when that connection is about to be freed (then quic_udp_sock_put())
 */
void quic_udp_sock_orphan(struct net *net, struct quic_udp_sock *us,
			  bool orphan)
{
	struct quic_net *qn = quic_net(net);

	mutex_lock(&qn->udp_lock);
	if (orphan) {
		us->users--;
		us->orphans++;
	} else {
		us->orphans--;
		us->users++;
	}
	mutex_unlock(&qn->udp_lock);
}

int quic_udp_net_init(struct net *net)
{
	struct quic_net *qn = quic_net(net);

	mutex_init(&qn->udp_lock);
	INIT_LIST_HEAD(&qn->udp_socks);
	return 0;
}

void quic_udp_net_exit(struct net *net)
{
	/* Every QUIC socket holds its netns, so none can be left here. */
	WARN_ON_ONCE(!list_empty(&quic_net(net)->udp_socks));
}
