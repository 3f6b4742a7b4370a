// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC module: registers IPPROTO_QUIC with IPv4 and IPv6 for SOCK_DGRAM
 * and SOCK_STREAM (draft-lxin-quic-socket-apis-02 section 3.1), and sets
 * up the per-network-namespace state.
 */

#include <linux/module.h>
#include <linux/workqueue.h>
#include <net/inet_common.h>
#include <net/netns/generic.h>
#include <net/protocol.h>
#include <net/transp_v6.h>

#include "cid.h"
#include "reset.h"
#include "protocol.h"
#include "socket.h"
#include "sysctl.h"
#include "token.h"
#include "version.h"

static unsigned int quic_net_id __read_mostly;

struct quic_net *quic_net(const struct net *net)
{
	return net_generic(net, quic_net_id);
}

static int __net_init quic_net_init(struct net *net)
{
	int err = quic_sysctl_net_init(net);

	if (err)
		return err;
	err = quic_udp_net_init(net);
	if (err)
		quic_sysctl_net_exit(net);
	return err;
}

static void __net_exit quic_net_exit(struct net *net)
{
	quic_udp_net_exit(net);
	quic_sysctl_net_exit(net);
}

static struct pernet_operations quic_net_ops = {
	.init	= quic_net_init,
	.exit	= quic_net_exit,
	.id	= &quic_net_id,
	.size	= sizeof(struct quic_net),
};

static struct inet_protosw quic_protosw[] = {
	{
		.type		= SOCK_DGRAM,
		.protocol	= IPPROTO_QUIC,
		.prot		= &quic_prot,
		.ops		= &quic_inet_ops,
	},
	{
		.type		= SOCK_STREAM,
		.protocol	= IPPROTO_QUIC,
		.prot		= &quic_prot,
		.ops		= &quic_inet_ops,
	},
};

static struct inet_protosw quicv6_protosw[] = {
	{
		.type		= SOCK_DGRAM,
		.protocol	= IPPROTO_QUIC,
		.prot		= &quicv6_prot,
		.ops		= &quic_inet6_ops,
	},
	{
		.type		= SOCK_STREAM,
		.protocol	= IPPROTO_QUIC,
		.prot		= &quicv6_prot,
		.ops		= &quic_inet6_ops,
	},
};

static void quic_protosw_unregister(struct inet_protosw *sw, int n, bool v6)
{
	while (n--) {
		if (v6)
			inet6_unregister_protosw(&sw[n]);
		else
			inet_unregister_protosw(&sw[n]);
	}
}

static int quic_protosw_register(struct inet_protosw *sw, int n, bool v6)
{
	int i, err;

	for (i = 0; i < n; i++) {
		if (v6) {
			err = inet6_register_protosw(&sw[i]);
			if (err) {
				quic_protosw_unregister(sw, i, v6);
				return err;
			}
		} else {
			/* inet_register_protosw() reports clashes by printk only. */
			inet_register_protosw(&sw[i]);
		}
	}
	return 0;
}

struct workqueue_struct *quic_wq;

static int __init quic_init(void)
{
	int err;

	BUILD_BUG_ON(IPPROTO_QUIC != 261 || PF_INET != 2 || PF_INET6 != 10);
	BUILD_BUG_ON(SOCK_STREAM != 1 || SOCK_DGRAM != 2);

	quic_wq = alloc_workqueue("quic", 0, 0);
	if (!quic_wq)
		return -ENOMEM;
	err = quic_cid_table_init();
	if (err)
		goto err_wq;
	quic_version_init();
	err = quic_token_init();
	if (err)
		goto err_cid;
	err = quic_reset_table_init();
	if (err)
		goto err_token;
	err = register_pernet_subsys(&quic_net_ops);
	if (err)
		goto err_reset;
	err = proto_register(&quic_prot, 1);
	if (err)
		goto err_pernet;
	quic_proto_init_v6();
	err = proto_register(&quicv6_prot, 1);
	if (err)
		goto err_proto;
	err = quic_protosw_register(quic_protosw, ARRAY_SIZE(quic_protosw),
				    false);
	if (err)
		goto err_proto6;
	err = quic_protosw_register(quicv6_protosw, ARRAY_SIZE(quicv6_protosw),
				    true);
	if (err)
		goto err_protosw;
	pr_info("quic: IPPROTO_QUIC (%d) registered\n", IPPROTO_QUIC);
	return 0;

err_protosw:
	quic_protosw_unregister(quic_protosw, ARRAY_SIZE(quic_protosw), false);
err_proto6:
	proto_unregister(&quicv6_prot);
err_proto:
	proto_unregister(&quic_prot);
err_pernet:
	unregister_pernet_subsys(&quic_net_ops);
err_reset:
	quic_reset_table_destroy();
err_token:
	quic_token_exit();
err_cid:
	quic_cid_table_destroy();
err_wq:
	destroy_workqueue(quic_wq);
	return err;
}

static void __exit quic_exit(void)
{
	quic_protosw_unregister(quicv6_protosw, ARRAY_SIZE(quicv6_protosw), true);
	quic_protosw_unregister(quic_protosw, ARRAY_SIZE(quic_protosw), false);
	proto_unregister(&quicv6_prot);
	proto_unregister(&quic_prot);
	unregister_pernet_subsys(&quic_net_ops);
	destroy_workqueue(quic_wq);
	/* kfree_rcu() of IDs and UDP sockets must be done before unload. */
	rcu_barrier();
	quic_reset_table_destroy();
	quic_token_exit();
	quic_cid_table_destroy();
	pr_info("quic: unloaded\n");
}

module_init(quic_init);
module_exit(quic_exit);

/* socket() asks for these when IPPROTO_QUIC is not registered yet. The
 * numbers are spelt out: IPPROTO_QUIC and SOCK_* are enumerators, which
 * __stringify() would leave as names (checked in quic_init()).
 */
MODULE_ALIAS("net-pf-2-proto-261-type-1");
MODULE_ALIAS("net-pf-2-proto-261-type-2");
MODULE_ALIAS("net-pf-10-proto-261-type-1");
MODULE_ALIAS("net-pf-10-proto-261-type-2");
MODULE_AUTHOR("The in-kernel multipath QUIC developers");
MODULE_DESCRIPTION("QUIC transport protocol (RFC 9000) with multipath");
MODULE_LICENSE("GPL");
