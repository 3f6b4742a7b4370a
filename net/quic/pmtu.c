// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC DPLPMTUD (RFC 8899, RFC 9000 section 14.3): the search of one
 * path. The connection sends the probes (output.c) and reports their
 * fate (recovery.c); this file decides what to probe next.
 */

#include <linux/minmax.h>
#include <linux/string.h>

#include "pmtu.h"

/**
 * quic_pmtu_init - a new path, before the handshake is confirmed
 * @p: its state
 * @interval_us: the raise timer; 0 disables PLPMTUD on the path
 */
void quic_pmtu_init(struct quic_pmtu *p, u32 interval_us)
{
	memset(p, 0, sizeof(*p));
	p->plpmtu = QUIC_PMTU_BASE;
	p->high = QUIC_PMTU_BASE + 1;
	p->interval_us = interval_us;
	p->state = interval_us ? QUIC_PMTU_COMPLETE : QUIC_PMTU_DISABLED;
	p->raise_at = KTIME_MAX;
}

/* Probe @size next, or end the search when nothing is left between. */
static void quic_pmtu_set_probe(struct quic_pmtu *p, u32 size, ktime_t now)
{
	p->count = 0;
	p->in_flight = false;
	if (p->high <= p->plpmtu + QUIC_PMTU_STEP || size <= p->plpmtu ||
	    size >= p->high) {
		/* RFC 8899 section 5.2: SEARCH_COMPLETE until the raise
		 * timer (PMTU_RAISE_TIMER) starts another search.
		 */
		p->state = QUIC_PMTU_COMPLETE;
		p->probe = 0;
		p->raise_at = ktime_add_us(now, p->interval_us);
		return;
	}
	p->state = QUIC_PMTU_SEARCHING;
	p->probe = size;
}

/* Section 5.3.2: halve the range between the good and the failed size. */
static void quic_pmtu_bisect(struct quic_pmtu *p, ktime_t now)
{
	quic_pmtu_set_probe(p, p->plpmtu + (p->high - p->plpmtu) / 2, now);
}

/**
 * quic_pmtu_start - the handshake is confirmed: search up to @bound
 * @p: the path's state
 * @bound: the largest size worth probing (route, peer's
 *	max_udp_payload_size, QUIC_PMTU_MAX)
 * @now: the time
 *
 * The first probe is the bound itself: most paths carry what their first
 * link does, and then one probe ends the search.
 */
void quic_pmtu_start(struct quic_pmtu *p, u32 bound, ktime_t now)
{
	if (!quic_pmtu_enabled(p))
		return;
	p->high = max_t(u32, bound, QUIC_PMTU_BASE) + 1;
	quic_pmtu_set_probe(p, p->high - 1, now);
}

/**
 * quic_pmtu_probe_due - the size of the probe to send now
 * @p: the path's state
 * @bound: the largest size worth probing now (the route may have shrunk)
 * @now: the time
 *
 * Return: the UDP payload size of the probe, 0 for none.
 */
u32 quic_pmtu_probe_due(struct quic_pmtu *p, u32 bound, ktime_t now)
{
	bound = max_t(u32, bound, QUIC_PMTU_BASE);
	switch (p->state) {
	case QUIC_PMTU_DISABLED:
		return 0;
	case QUIC_PMTU_COMPLETE:
		if (ktime_before(now, p->raise_at))
			return 0;
		/* Section 5.3.1: the raise timer probes the bound again. */
		p->high = bound + 1;
		quic_pmtu_set_probe(p, bound, now);
		break;
	default:
		if (bound + 1 < p->high) {
			p->high = bound + 1;
			if (p->probe >= p->high)
				quic_pmtu_bisect(p, now);
		}
		break;
	}
	if (p->state != QUIC_PMTU_SEARCHING || p->in_flight)
		return 0;
	return p->probe;
}

/* A probe of the current size left. */
void quic_pmtu_probe_sent(struct quic_pmtu *p)
{
	p->in_flight = true;
	p->count++;
}

/**
 * quic_pmtu_probe_acked - a probe of @size was acknowledged
 * @p: the path's state
 * @size: its UDP payload size
 * @now: the time
 *
 * Return: true if the path's PLPMTU grew (to @p->plpmtu).
 */
bool quic_pmtu_probe_acked(struct quic_pmtu *p, u32 size, ktime_t now)
{
	bool grew = false;

	if (!quic_pmtu_enabled(p))
		return false;
	if (size > p->plpmtu) {
		/* An acknowledged size is good whatever failed before. */
		p->plpmtu = size;
		if (p->high <= size)
			p->high = size + 1;
		grew = true;
	}
	/* The outstanding probe answered, or made moot by a larger size. */
	if (p->state == QUIC_PMTU_SEARCHING &&
	    (size == p->probe || p->probe <= p->plpmtu))
		quic_pmtu_bisect(p, now);
	return grew;
}

/**
 * quic_pmtu_probe_lost - a probe of @size was declared lost
 * @p: the path's state
 * @size: its UDP payload size
 * @now: the time
 *
 * RFC 9000 section 14.4: not a sign of congestion, only of the size;
 * after QUIC_PMTU_MAX_PROBES losses the size fails.
 */
void quic_pmtu_probe_lost(struct quic_pmtu *p, u32 size, ktime_t now)
{
	if (p->state != QUIC_PMTU_SEARCHING || size != p->probe ||
	    !p->in_flight)
		return;
	p->in_flight = false;
	if (p->count < QUIC_PMTU_MAX_PROBES)
		return;
	p->high = size;
	quic_pmtu_bisect(p, now);
}

/**
 * quic_pmtu_black_hole - full-size packets stopped getting through
 * @p: the path's state
 * @now: the time
 *
 * RFC 8899 section 4.3 and RFC 9000 section 14.3: the path falls back to
 * the base size, then probes the size it had before (the loss may have
 * been an outage, not a smaller MTU).
 */
void quic_pmtu_black_hole(struct quic_pmtu *p, ktime_t now)
{
	u32 old = p->plpmtu;

	if (!quic_pmtu_enabled(p) || old <= QUIC_PMTU_BASE)
		return;
	p->plpmtu = QUIC_PMTU_BASE;
	p->high = old + 1;
	quic_pmtu_set_probe(p, old, now);
}
