/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Datagram Packetization Layer Path MTU Discovery for QUIC (RFC 8899,
 * RFC 9000 section 14.3): padded PING packets probe a path for sizes
 * above what it carries now; a size is taken once a probe of it is
 * acknowledged, and the path falls back to the base size when full-size
 * packets stop getting through.
 */

#ifndef __NET_QUIC_PMTU_H
#define __NET_QUIC_PMTU_H

#include <linux/ktime.h>
#include <linux/types.h>

/* RFC 9000 section 14.3: BASE_PLPMTU, the size every path carries. */
#define QUIC_PMTU_BASE		1200
/* The largest UDP payload sent at all: a 9000-byte jumbo frame with
 * IPv4 and UDP headers (larger routes, loopback, are capped here).
 */
#define QUIC_PMTU_MAX		8972
/* RFC 8899 section 5.1.2: MAX_PROBES of one size lost make it fail. */
#define QUIC_PMTU_MAX_PROBES	3
/* The search ends when the largest good size is this close to the
 * smallest failed one.
 */
#define QUIC_PMTU_STEP		16

/* RFC 8899 section 5.2: the states we keep (no ERROR state: the base
 * size is the one every QUIC path must carry, section 14 of RFC 9000).
 */
enum quic_pmtu_state {
	QUIC_PMTU_DISABLED,	/* no probing: the route's MTU is used */
	QUIC_PMTU_SEARCHING,	/* probing for a larger size */
	QUIC_PMTU_COMPLETE,	/* done until the raise timer */
};

/**
 * struct quic_pmtu - PLPMTUD state of a path
 * @plpmtu: the largest UDP payload the path is known to carry
 * @high: the smallest size known to fail, or the search bound + 1
 * @probe: the size of the next or outstanding probe, 0 for none
 * @count: probes of @probe sent
 * @state: &enum quic_pmtu_state
 * @in_flight: a probe of @probe is outstanding
 * @interval_us: the raise timer (plpmtud_probe_interval)
 * @raise_at: when a complete search starts again
 */
struct quic_pmtu {
	u32	plpmtu;
	u32	high;
	u32	probe;
	u8	count;
	u8	state;
	bool	in_flight;
	u32	interval_us;
	ktime_t	raise_at;
};

void quic_pmtu_init(struct quic_pmtu *p, u32 interval_us);
void quic_pmtu_start(struct quic_pmtu *p, u32 bound, ktime_t now);
u32 quic_pmtu_probe_due(struct quic_pmtu *p, u32 bound, ktime_t now);
void quic_pmtu_probe_sent(struct quic_pmtu *p);
bool quic_pmtu_probe_acked(struct quic_pmtu *p, u32 size, ktime_t now);
void quic_pmtu_probe_lost(struct quic_pmtu *p, u32 size, ktime_t now);
void quic_pmtu_black_hole(struct quic_pmtu *p, ktime_t now);

static inline bool quic_pmtu_enabled(const struct quic_pmtu *p)
{
	return p->state != QUIC_PMTU_DISABLED;
}

#endif /* __NET_QUIC_PMTU_H */
