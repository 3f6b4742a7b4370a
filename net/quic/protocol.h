/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Module-wide and per-network-namespace state. */

#ifndef __NET_QUIC_PROTOCOL_H
#define __NET_QUIC_PROTOCOL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/quic.h>
#include <net/net_namespace.h>

/**
 * struct quic_net - per network namespace state
 * @udp_lock: protects @udp_socks
 * @udp_socks: the &struct quic_udp_sock of this namespace
 * @cong_algo: net.quic.congestion_control, what new sockets start with
 * @ecn: net.quic.ecn, whether new connections mark ECT(0)
 * @pacing: net.quic.pacing, whether new connections pace their packets
 * @gso: net.quic.gso, whether new connections send with UDP GSO
 * @sysctl: the namespace's net/quic sysctl table
 */
struct quic_net {
	struct mutex		udp_lock;	/* protects udp_socks */
	struct list_head	udp_socks;
	u8			cong_algo;
	u8			ecn;
	u8			pacing;
	u8			gso;
	struct ctl_table_header	*sysctl;
};

struct quic_net *quic_net(const struct net *net);

/* Work that may drop the last reference of a socket (and so of the
 * module): destroy_workqueue() at unload waits for it to return.
 */
extern struct workqueue_struct *quic_wq;

#endif /* __NET_QUIC_PROTOCOL_H */
