// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per network namespace settings, under /proc/sys/net/quic:
 *
 * congestion_control - the controller new sockets start with: "reno"
 *	(NewReno, RFC 9002 section 7, the default) or "cubic" (RFC 9438 with
 *	HyStart++); a socket may still choose with QUIC_CONFIG.
 * ecn - 1 (the default): connections mark their packets ECT(0) and
 *	validate the path (RFC 9000 section 13.4); 0: they never mark, and
 *	still report the codepoints they receive.
 * pacing - 1 (the default): connections spread each window over the
 *	round trip (RFC 9002 section 7.7); 0: they send what the window
 *	allows at once.
 * gso - 1 (the default): connections hand full-size 1-RTT datagrams
 *	that leave together to UDP as one GSO skb; 0: one skb each.
 */

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "protocol.h"
#include "sysctl.h"

#define QUIC_CONG_NAME_MAX	16

static const char * const quic_cong_names[QUIC_CONG_ALG_MAX] = {
	[QUIC_CONG_ALG_RENO]	= "reno",
	[QUIC_CONG_ALG_CUBIC]	= "cubic",
};

static int quic_sysctl_cong(struct ctl_table *table, int write, void *buffer,
			    size_t *lenp, loff_t *ppos)
{
	struct quic_net *qn = table->data;
	char name[QUIC_CONG_NAME_MAX];
	struct ctl_table tbl = {
		.data = name,
		.maxlen = sizeof(name),
	};
	int err, i;

	strscpy(name, quic_cong_names[READ_ONCE(qn->cong_algo)], sizeof(name));
	err = proc_dostring(&tbl, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	for (i = 0; i < QUIC_CONG_ALG_MAX; i++) {
		if (quic_cong_names[i] && !strcmp(name, quic_cong_names[i])) {
			WRITE_ONCE(qn->cong_algo, i);
			return 0;
		}
	}
	return -EINVAL;
}

/* A 0/1 setting; its .data is set per namespace. */
#define QUIC_SYSCTL_SWITCH(name) {			\
		.procname	= name,			\
		.maxlen		= sizeof(u8),		\
		.mode		= 0644,			\
		.proc_handler	= proc_dou8vec_minmax,	\
		.extra1		= SYSCTL_ZERO,		\
		.extra2		= SYSCTL_ONE,		\
	}

static const struct ctl_table quic_sysctl_template[] = {
	{
		.procname	= "congestion_control",
		.maxlen		= QUIC_CONG_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= quic_sysctl_cong,
	},
	QUIC_SYSCTL_SWITCH("ecn"),
	QUIC_SYSCTL_SWITCH("pacing"),
	QUIC_SYSCTL_SWITCH("gso"),
	{}
};

/**
 * quic_sysctl_net_init - the namespace's settings and their files
 * @net: the namespace
 *
 * Return: 0 or -ENOMEM.
 */
int quic_sysctl_net_init(struct net *net)
{
	struct quic_net *qn = quic_net(net);
	struct ctl_table *t;

	qn->cong_algo = QUIC_CONG_ALG_RENO;
	qn->ecn = 1;
	qn->pacing = 1;
	qn->gso = 1;
	t = kmemdup(quic_sysctl_template, sizeof(quic_sysctl_template),
		    GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t[0].data = qn;
	t[1].data = &qn->ecn;
	t[2].data = &qn->pacing;
	t[3].data = &qn->gso;
	qn->sysctl = register_net_sysctl(net, "net/quic", t);
	if (!qn->sysctl) {
		kfree(t);
		return -ENOMEM;
	}
	return 0;
}

void quic_sysctl_net_exit(struct net *net)
{
	struct quic_net *qn = quic_net(net);
	struct ctl_table *t = qn->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(qn->sysctl);
	kfree(t);
}
