/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differences between the kernels the module builds against. Every
 * version-dependent line of the module lives here (DESIGN section 2),
 * keyed on LINUX_VERSION_CODE only.
 */

#ifndef __NET_QUIC_COMPAT_H
#define __NET_QUIC_COMPAT_H

#include <linux/version.h>

#include <net/sock.h>

/* 6.5 replaced the "ipv6_pinfo is last" rule by an explicit offset. */
static inline void quic_proto_set_ipv6_pinfo(struct proto *prot,
					     unsigned int offset)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	prot->ipv6_pinfo_offset = offset;
#endif
}

#endif /* __NET_QUIC_COMPAT_H */
