// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loss detection and congestion control (RFC 9002): RTT estimation per
 * path (section 5), acknowledgment and loss of sent packets (section
 * 6.1), the probe timeout (section 6.2), and NewReno (section 7). What a
 * frame's acknowledgment or loss means is decided here per frame type:
 * data is sent again in new frames, packets are never retransmitted.
 */

#include <linux/slab.h>

#include "cubic.h"
#include "output.h"
#include "socket.h"

void quic_recovery_init(struct quic_path *path, u32 initial_rtt_us)
{
	memset(&path->rtt, 0, sizeof(path->rtt));
	path->rtt.smoothed = initial_rtt_us;
	path->rtt.var = initial_rtt_us / 2;
	memset(&path->cong, 0, sizeof(path->cong));
	/* RFC 9002 section 7.2: min(10 * mss, max(14720, 2 * mss)). */
	path->cong.window = min(QUIC_INITIAL_WINDOW_PACKETS * path->mtu,
				max(14720U, 2 * path->mtu));
	path->cong.ssthresh = U32_MAX;
	quic_hystart_reset(&path->cong.hystart);
	path->pto_count = 0;
}

/**
 * quic_recovery_mtu_changed - the path's datagram size changed
 * @path: the path, @path->mtu the new size
 *
 * RFC 9002 section 7.2: the initial window is recalculated with the new
 * size (a window still in slow start takes it if larger), and the window
 * is never below the minimum of two datagrams.
 */
void quic_recovery_mtu_changed(struct quic_path *path)
{
	struct quic_cong *cong = &path->cong;
	u32 initial = min(QUIC_INITIAL_WINDOW_PACKETS * path->mtu,
			  max(14720U, 2 * path->mtu));

	if (cong->window < cong->ssthresh)
		cong->window = max(cong->window, initial);
	cong->window = max(cong->window, QUIC_MIN_WINDOW_PACKETS * path->mtu);
}

bool quic_recovery_cwnd_room(struct sock *sk, u32 size)
{
	struct quic_cong *cong = &quic_sk(sk)->conn.path.cong;

	return cong->in_flight + size <= cong->window;
}

/* RFC 9002 section 6.2.1 */
u32 quic_recovery_pto_us(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_rtt *rtt = &c->path.rtt;

	return rtt->smoothed + max_t(u32, 4 * rtt->var, QUIC_GRANULARITY_US);
}

static void quic_sent_unlink(struct quic_conn *c, struct quic_pnspace *space,
			     struct quic_sent_pkt *pkt)
{
	list_del(&pkt->list);
	if (pkt->in_flight)
		c->path.cong.in_flight -= min_t(u32, pkt->size,
						c->path.cong.in_flight);
	if (pkt->ack_eliciting && space->eliciting_in_flight)
		space->eliciting_in_flight--;
	else if (!pkt->ack_eliciting && space->plain_sent)
		space->plain_sent--;
}

/* Forget the oldest packet that elicits no acknowledgment: a peer that
 * never acknowledges ACK-only packets must not make the list grow.
 */
static void quic_sent_trim_plain(struct quic_conn *c,
				 struct quic_pnspace *space)
{
	struct quic_sent_pkt *pkt;

	list_for_each_entry(pkt, &space->sent, list) {
		if (!pkt->ack_eliciting) {
			quic_sent_unlink(c, space, pkt);
			kfree(pkt);
			return;
		}
	}
}

void quic_recovery_on_sent(struct sock *sk, struct quic_sent_pkt *pkt)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_pnspace *space = quic_conn_space(c, pkt->level);

	list_add_tail(&pkt->list, &space->sent);
	if (pkt->ecn)
		space->ecn.sent++;
	if (pkt->in_flight)
		c->path.cong.in_flight += pkt->size;
	if (pkt->ack_eliciting) {
		/* RFC 9000 section 10.1: sending restarts the idle timer too. */
		if (ktime_before(space->last_eliciting_time, c->last_activity))
			c->last_activity = pkt->time;
		space->last_eliciting_time = pkt->time;
		space->eliciting_in_flight++;
	} else if (++space->plain_sent > QUIC_SENT_PLAIN_MAX) {
		quic_sent_trim_plain(c, space);
	}
}

static void quic_frame_acked(struct sock *sk, u8 level,
			     const struct quic_sent_frame *f)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_stream *st;
	u32 freed;

	switch (f->type) {
	case QUIC_FRAME_CRYPTO:
		quic_sbuf_ack(&c->levels[level].crypto_send, f->offset, f->len,
			      false);
		break;
	case QUIC_FRAME_STREAM:
		st = quic_stream_find(&c->streams, f->id);
		if (!st)
			break;
		freed = quic_sbuf_ack(&st->send, f->offset, f->len, f->fin);
		quic_sock_uncharge(sk, freed);
		if (st->send_state == QUIC_STREAM_SEND_STATE_SENT &&
		    quic_sbuf_all_acked(&st->send)) {
			st->send_state = QUIC_STREAM_SEND_STATE_RECVD;
			quic_stream_event(sk, st);
		}
		quic_sock_uncharge(sk, quic_stream_maybe_free(&c->streams, st));
		break;
	case QUIC_FRAME_RESET_STREAM:
		st = quic_stream_find(&c->streams, f->id);
		if (!st)
			break;
		st->reset_acked = true;
		quic_sock_uncharge(sk, quic_stream_maybe_free(&c->streams, st));
		break;
	case QUIC_FRAME_ACK:
		quic_pnspace_ack_acked(quic_conn_space(c, level), f->id);
		break;
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		quic_cid_retire_acked(&c->ids, f->id);
		break;
	}
}

static void quic_frame_lost(struct sock *sk, u8 level,
			    const struct quic_sent_frame *f)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_stream *st;

	switch (f->type) {
	case QUIC_FRAME_CRYPTO:
		quic_sbuf_lose(&c->levels[level].crypto_send, f->offset,
			       f->len, false);
		break;
	case QUIC_FRAME_STREAM:
		st = quic_stream_find(&c->streams, f->id);
		if (!st || st->send_state == QUIC_STREAM_SEND_STATE_RESET_SENT)
			break;
		quic_sbuf_lose(&st->send, f->offset, f->len, f->fin);
		quic_stream_queue(&c->streams, st);
		break;
	case QUIC_FRAME_RESET_STREAM:
		st = quic_stream_find(&c->streams, f->id);
		if (st && !st->reset_acked) {
			st->reset_pending = true;
			quic_stream_queue(&c->streams, st);
		}
		break;
	case QUIC_FRAME_STOP_SENDING:
		st = quic_stream_find(&c->streams, f->id);
		if (st && st->recv_state == QUIC_STREAM_RECV_STATE_RECV) {
			st->stop_pending = true;
			quic_stream_queue(&c->streams, st);
		}
		break;
	case QUIC_FRAME_MAX_STREAM_DATA:
		st = quic_stream_find(&c->streams, f->id);
		if (st && st->recv_state == QUIC_STREAM_RECV_STATE_RECV) {
			st->max_pending = true;
			quic_stream_queue(&c->streams, st);
		}
		break;
	case QUIC_FRAME_MAX_DATA:
		c->max_data_pending = true;
		break;
	case QUIC_FRAME_MAX_STREAMS_BIDI:
		c->streams.max_streams_pending |= 1;
		break;
	case QUIC_FRAME_MAX_STREAMS_UNI:
		c->streams.max_streams_pending |= 2;
		break;
	case QUIC_FRAME_HANDSHAKE_DONE:
		c->handshake_done_pending = true;
		break;
	case QUIC_FRAME_NEW_TOKEN:
		c->new_token_pending = true;
		break;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		quic_cid_announce_lost(&c->ids, f->id);
		break;
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		quic_cid_retire_lost(&c->ids, f->id);
		break;
	}
}

static void quic_sent_lost(struct sock *sk, struct quic_sent_pkt *pkt)
{
	u32 i;

	for (i = 0; i < pkt->nframes; i++)
		quic_frame_lost(sk, pkt->level, &pkt->frames[i]);
}

/* RFC 9002 section 5.3 */
static void quic_rtt_update(struct sock *sk, u32 latest, u32 ack_delay)
{
	struct quic_rtt *rtt = &quic_sk(sk)->conn.path.rtt;
	u32 adjusted = latest;

	rtt->latest = latest;
	if (!rtt->has_sample) {
		rtt->min = latest;
		rtt->smoothed = latest;
		rtt->var = latest / 2;
		rtt->has_sample = true;
		return;
	}
	rtt->min = min(rtt->min, latest);
	if (latest >= rtt->min + ack_delay)
		adjusted = latest - ack_delay;
	rtt->var = (3 * rtt->var + abs((s64)rtt->smoothed - adjusted)) / 4;
	rtt->smoothed = (7 * (u64)rtt->smoothed + adjusted) / 8;
}

/* A bound on the window, far above any socket buffer, so that growth
 * never wraps (CUBIC's 1.5 times the window must fit in 32 bits).
 */
#define QUIC_CWND_MAX	(256U << 20)

/* NewReno, RFC 9002 section 7.3.1 and 7.3.2; or CUBIC (RFC 9438). */
static void quic_cong_grow(struct sock *sk, struct quic_sent_pkt *pkt)
{
	struct quic_path *path = &quic_sk(sk)->conn.path;
	struct quic_cong *cong = &path->cong;

	if (!pkt->in_flight || ktime_compare(pkt->time, cong->recovery_start) <= 0)
		return;
	if (cong->algo == QUIC_CONG_ALG_CUBIC) {
		struct quic_cubic_ack a = {
			.acked = pkt->size,
			.pn = pkt->pn,
			.next_pn = path->space.next_pn,
			.rtt_us = path->rtt.latest,
			.srtt_us = path->rtt.smoothed,
			.now = ktime_get(),
		};

		quic_cubic_on_acked(cong, path->mtu, &a);
		return;
	}
	if (cong->window < cong->ssthresh) {
		cong->window += pkt->size;
		return;
	}
	cong->acked_bytes += pkt->size;
	if (cong->acked_bytes >= cong->window) {
		cong->acked_bytes -= cong->window;
		cong->window += path->mtu;
	}
}

static void quic_cong_on_acked(struct sock *sk, struct quic_sent_pkt *pkt)
{
	struct quic_cong *cong = &quic_sk(sk)->conn.path.cong;

	quic_cong_grow(sk, pkt);
	cong->window = min(cong->window, QUIC_CWND_MAX);
}

static void quic_cong_on_lost(struct sock *sk, ktime_t sent, ktime_t now)
{
	struct quic_path *path = &quic_sk(sk)->conn.path;
	struct quic_cong *cong = &path->cong;

	/* One reduction per round trip (section 7.3.2). */
	if (ktime_compare(sent, cong->recovery_start) <= 0)
		return;
	cong->recovery_start = now;
	if (cong->algo == QUIC_CONG_ALG_CUBIC) {
		quic_cubic_on_congestion(cong, path->mtu);
		return;
	}
	cong->ssthresh = max(cong->window / 2,
			     QUIC_MIN_WINDOW_PACKETS * path->mtu);
	cong->window = cong->ssthresh;
	cong->acked_bytes = 0;
}

/* RFC 9002 section 7.6: persistent congestion collapses the window. */
static void quic_cong_persistent(struct sock *sk)
{
	struct quic_path *path = &quic_sk(sk)->conn.path;

	/* RFC 8899 section 4.3: it may be a black hole for large packets;
	 * PLPMTUD falls back to the base size and probes again.
	 */
	quic_pmtu_black_hole(&path->pmtu, ktime_get());
	quic_path_mtu_update(&quic_sk(sk)->conn);
	path->cong.window = QUIC_MIN_WINDOW_PACKETS * path->mtu;
	path->cong.acked_bytes = 0;
	path->cong.recovery_start = 0;
	quic_cubic_reset(&path->cong);
}

/* Section 7.6.1: how long a run of losses must last to be persistent. */
static u64 quic_persistent_duration_us(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	return QUIC_PERSISTENT_CONG_THRESHOLD *
	       ((u64)quic_recovery_pto_us(sk) + c->peer.p.max_ack_delay);
}

/* RFC 9002 section 6.1: packet and time thresholds. */
static void quic_detect_lost(struct sock *sk, u8 level, ktime_t now)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_pnspace *space = quic_conn_space(c, level);
	struct quic_rtt *rtt = &c->path.rtt;
	struct quic_sent_pkt *pkt, *tmp;
	ktime_t lost_before, newest_lost = 0, run_start = 0;
	bool persistent = false;
	u64 run_next_pn = 0;
	u32 delay;

	space->loss_time = 0;
	if (!space->has_acked)
		return;
	delay = max_t(u32, QUIC_GRANULARITY_US,
		      max(rtt->latest, rtt->smoothed) * QUIC_TIME_THRESHOLD_NUM / 8);
	lost_before = ktime_sub_us(now, delay);
	list_for_each_entry_safe(pkt, tmp, &space->sent, list) {
		if (pkt->pn > space->largest_acked)
			break;
		if (ktime_compare(pkt->time, lost_before) > 0 &&
		    space->largest_acked - pkt->pn < QUIC_PACKET_THRESHOLD) {
			ktime_t t = ktime_add_us(pkt->time, delay);

			if (!space->loss_time || ktime_before(t, space->loss_time))
				space->loss_time = t;
			continue;
		}
		quic_sent_unlink(c, space, pkt);
		if (pkt->pmtu_probe) {
			/* RFC 9000 section 14.4: only the size failed. */
			quic_pmtu_probe_lost(&c->path.pmtu, pkt->size, now);
			quic_sent_lost(sk, pkt);
			kfree(pkt);
			continue;
		}
		if (pkt->in_flight && ktime_after(pkt->time, newest_lost))
			newest_lost = pkt->time;
		/* Section 7.6.2: consecutive packet numbers lost, none of
		 * them acknowledged, ack-eliciting at both ends of the run.
		 */
		if (pkt->ack_eliciting) {
			if (!run_start || pkt->pn != run_next_pn)
				run_start = pkt->time;
			else if (ktime_us_delta(pkt->time, run_start) >
				 (s64)quic_persistent_duration_us(sk))
				persistent = true;
			run_next_pn = pkt->pn + 1;
		} else if (pkt->pn != run_next_pn) {
			run_start = 0;
		} else {
			run_next_pn++;
		}
		/* Declared lost, once: probes and Retry resend frames only. */
		if (pkt->ecn)
			quic_ecn_on_lost(&c->path.ecn);
		quic_sent_lost(sk, pkt);
		kfree(pkt);
	}
	if (newest_lost)
		quic_cong_on_lost(sk, newest_lost, now);
	if (persistent && rtt->has_sample && level == QUIC_CRYPTO_APP)
		quic_cong_persistent(sk);
}

/**
 * quic_recovery_on_ack - process an ACK frame (RFC 9002 section 6.1)
 * @sk: the connection's socket
 * @level: encryption level it arrived at
 * @ack: the frame
 * @errcode: transport error (out)
 *
 * Return: 0, or -EPROTO when it acknowledges a packet never sent
 * (RFC 9000 section 13.1: PROTOCOL_VIOLATION).
 */
int quic_recovery_on_ack(struct sock *sk, u8 level,
			 const struct quic_frame_ack *ack, u64 *errcode)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_pnspace *space = quic_conn_space(c, level);
	struct quic_sent_pkt *pkt, *tmp;
	ktime_t now = ktime_get();
	bool eliciting = false;
	u32 r, i, ack_delay;
	ktime_t largest_time = 0;
	u64 newly_marked = 0;
	LIST_HEAD(acked);

	if (ack->largest >= space->next_pn) {
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return -EPROTO;
	}
	list_for_each_entry_safe(pkt, tmp, &space->sent, list) {
		if (pkt->pn > ack->largest)
			break;
		for (r = 0; r < ack->range_count; r++)
			if (pkt->pn >= ack->ranges[r].start &&
			    pkt->pn <= ack->ranges[r].end)
				break;
		if (r == ack->range_count)
			continue;
		if (pkt->pn == ack->largest)
			largest_time = pkt->time;
		eliciting |= pkt->ack_eliciting;
		newly_marked += pkt->ecn;
		if (pkt->pmtu_probe &&
		    quic_pmtu_probe_acked(&c->path.pmtu, pkt->size, now))
			quic_path_mtu_update(c);
		quic_sent_unlink(c, space, pkt);
		for (i = 0; i < pkt->nframes; i++)
			quic_frame_acked(sk, level, &pkt->frames[i]);
		list_add_tail(&pkt->list, &acked);
	}
	if (!space->has_acked || ack->largest > space->largest_acked) {
		space->largest_acked = ack->largest;
		space->has_acked = true;
		/* RTT sample: the largest is new and something elicited. */
		if (largest_time && eliciting) {
			ack_delay = 0;
			if (level == QUIC_CRYPTO_APP) {
				ack_delay = min_t(u64, ack->delay <<
						  c->peer.p.ack_delay_exponent,
						  c->peer.p.max_ack_delay);
				if (!c->handshake_confirmed)
					ack_delay = 0;
			}
			quic_rtt_update(sk, ktime_us_delta(now, largest_time),
					ack_delay);
		}
		/* RFC 9000 section 13.4.2.1, on ACKs that raise the largest;
		 * RFC 9002 appendix B.7: more CE is a congestion event.
		 */
		if (quic_ecn_on_ack(&c->path.ecn, &space->ecn, ack,
				    newly_marked) && largest_time)
			quic_cong_on_lost(sk, largest_time, now);
	}
	if (level == QUIC_CRYPTO_APP)
		quic_ku_acked(sk, ack->largest);
	quic_detect_lost(sk, level, now);
	/* Appendix A.7: the window grows after ECN and loss have had their
	 * say, so that a congestion event of this ACK is not undone by it.
	 */
	list_for_each_entry_safe(pkt, tmp, &acked, list) {
		list_del(&pkt->list);
		quic_cong_on_acked(sk, pkt);
		kfree(pkt);
	}
	/* RFC 9002 section 6.2.1: reset, except a client before confirmation. */
	if (c->is_server || c->handshake_confirmed || level != QUIC_CRYPTO_INITIAL)
		c->path.pto_count = 0;
	quic_stream_write_space(sk);
	return 0;
}

static ktime_t quic_pto_time(struct sock *sk, u8 *level)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	static const u8 levels[] = { QUIC_CRYPTO_INITIAL, QUIC_CRYPTO_HANDSHAKE,
				     QUIC_CRYPTO_APP };
	u32 backoff = min(c->path.pto_count, 16U);
	u64 pto = (u64)quic_recovery_pto_us(sk) << backoff;
	u64 ack_delay = (u64)c->peer.p.max_ack_delay << backoff;
	ktime_t best = 0, t;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		struct quic_pnspace *space = quic_conn_space(c, levels[i]);

		if (space->discarded || !space->eliciting_in_flight)
			continue;
		if (levels[i] == QUIC_CRYPTO_APP) {
			/* Section 6.2.1: not before the handshake is done. */
			if (!c->handshake_confirmed &&
			    c->levels[QUIC_CRYPTO_HANDSHAKE].send_ready &&
			    !c->levels[QUIC_CRYPTO_HANDSHAKE].space.discarded)
				continue;
			t = ktime_add_us(space->last_eliciting_time,
					 pto + ack_delay);
		} else {
			t = ktime_add_us(space->last_eliciting_time, pto);
		}
		if (!best || ktime_before(t, best)) {
			best = t;
			*level = levels[i];
		}
	}
	/* Section 6.2.2.1: a client that may be blocked by the server's
	 * anti-amplification limit keeps probing until confirmed.
	 */
	if (!best && !c->is_server && !c->handshake_confirmed &&
	    sk->sk_state == QUIC_SS_ESTABLISHING) {
		*level = c->levels[QUIC_CRYPTO_HANDSHAKE].send_ready ?
			 QUIC_CRYPTO_HANDSHAKE : QUIC_CRYPTO_INITIAL;
		best = ktime_add_us(ktime_get(), pto);
	}
	return best;
}

void quic_recovery_set_timer(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	ktime_t when = 0, now = ktime_get();
	u8 level, i;

	/* RFC 9002 section 6.2.2.1: a server blocked by the
	 * anti-amplification limit arms no timer; the next datagram from
	 * the client unblocks it.
	 */
	if (sk->sk_state == QUIC_SS_CLOSING || sk->sk_state == QUIC_SS_CLOSED ||
	    quic_path_amp_blocked(&c->path, QUIC_PATH_MTU_MIN)) {
		quic_timer_stop(sk, QUIC_DEFER_LOSS);
		return;
	}
	for (i = QUIC_CRYPTO_APP; i < QUIC_CRYPTO_EARLY; i++) {
		struct quic_pnspace *space = quic_conn_space(c, i);

		if (space->loss_time &&
		    (!when || ktime_before(space->loss_time, when)))
			when = space->loss_time;
	}
	if (!when)
		when = quic_pto_time(sk, &level);
	if (!when) {
		quic_timer_stop(sk, QUIC_DEFER_LOSS);
		return;
	}
	c->loss_deadline = when;
	quic_timer_start(sk, QUIC_DEFER_LOSS,
			 max_t(s64, ktime_us_delta(when, now), 0));
}

/* The loss detection timer fired (RFC 9002 section 6.2 and A.9). */
void quic_recovery_timeout(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	ktime_t now = ktime_get();
	struct quic_sent_pkt *pkt;
	u8 level = QUIC_CRYPTO_INITIAL, i;
	u32 n = 0;

	/* Woken early: the wait was longer than a timer is armed for. */
	if (ktime_before(now, c->loss_deadline)) {
		quic_timer_start(sk, QUIC_DEFER_LOSS,
				 ktime_us_delta(c->loss_deadline, now));
		return;
	}
	for (i = QUIC_CRYPTO_APP; i < QUIC_CRYPTO_EARLY; i++) {
		struct quic_pnspace *space = quic_conn_space(c, i);

		if (space->loss_time && ktime_compare(space->loss_time, now) <= 0) {
			quic_detect_lost(sk, i, now);
			quic_xmit(sk);
			return;
		}
	}
	if (!quic_pto_time(sk, &level)) {
		quic_recovery_set_timer(sk);
		return;
	}
	/* A probe: send the oldest unacknowledged data again, plus a PING.
	 * Section 6.2.4: during the handshake twice, in two datagrams, so
	 * that one lost datagram does not cost another, doubled, PTO.
	 */
	c->path.pto_count++;
	for (i = 0; i < (level == QUIC_CRYPTO_APP ? 1 : 2); i++) {
		n = 0;
		list_for_each_entry(pkt, &quic_conn_space(c, level)->sent, list) {
			if (!pkt->ack_eliciting)
				continue;
			quic_sent_lost(sk, pkt);
			if (++n == 2)
				break;
		}
		c->ping_pending |= BIT(level);
		quic_xmit(sk);
	}
}

/**
 * quic_recovery_resend_initial - a Retry arrived: send it all again
 * @sk: the client's socket
 *
 * RFC 9000 section 17.2.5.3: the Initial packets sent so far are void;
 * their CRYPTO data goes again under the new keys (RFC 9002 section 6.3:
 * they no longer count in flight), packet numbers go on.
 */
void quic_recovery_resend_initial(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_pnspace *space = quic_conn_space(c, QUIC_CRYPTO_INITIAL);
	struct quic_sent_pkt *pkt, *tmp;

	list_for_each_entry_safe(pkt, tmp, &space->sent, list) {
		quic_sent_unlink(c, space, pkt);
		quic_sent_lost(sk, pkt);
		kfree(pkt);
	}
	space->loss_time = 0;
	c->path.pto_count = 0;
	quic_recovery_set_timer(sk);
}

/* RFC 9001 section 4.9 and RFC 9002 section 6.4: keys of @level are gone. */
void quic_recovery_discard(struct sock *sk, u8 level)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_pnspace *space = quic_conn_space(c, level);
	struct quic_sent_pkt *pkt, *tmp;

	list_for_each_entry_safe(pkt, tmp, &space->sent, list) {
		quic_sent_unlink(c, space, pkt);
		kfree(pkt);
	}
	space->discarded = true;
	space->loss_time = 0;
	space->ack_pending = 0;
	c->path.pto_count = 0;
	c->ping_pending &= ~BIT(level);
	quic_recovery_set_timer(sk);
}
