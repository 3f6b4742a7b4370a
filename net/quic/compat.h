/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differences between the kernels the module builds against. Every
 * version-dependent line of the module lives here (DESIGN section 2),
 * keyed on LINUX_VERSION_CODE only.
 */

#ifndef __NET_QUIC_COMPAT_H
#define __NET_QUIC_COMPAT_H

#include <linux/version.h>

/* 6.5 replaced the "ipv6_pinfo is last" rule by an explicit offset. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define QUIC_PROTO_IPV6_PINFO(type, member) \
	.ipv6_pinfo_offset = offsetof(type, member),
#else
#define QUIC_PROTO_IPV6_PINFO(type, member)
#endif

#endif /* __NET_QUIC_COMPAT_H */
