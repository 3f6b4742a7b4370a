// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Connection IDs (RFC 9000 section 5.1). Every ID we issue is in one
 * module-wide rhashtable so that a received packet finds its socket with
 * one RCU lookup (DESIGN section 6); the peer's IDs are a plain list under
 * the socket lock.
 */

#include <linux/random.h>
#include <asm/unaligned.h>
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <net/netns/hash.h>
#include <net/sock.h>

#include "cid.h"

static struct rhashtable quic_cid_table;
static siphash_key_t quic_reset_key;

static const struct rhashtable_params quic_cid_params = {
	.head_offset		= offsetof(struct quic_scid, node),
	.key_offset		= offsetof(struct quic_scid, cid),
	.key_len		= sizeof(struct quic_cid),
	.automatic_shrinking	= true,
};

int quic_cid_table_init(void)
{
	get_random_bytes(&quic_reset_key, sizeof(quic_reset_key));
	return rhashtable_init(&quic_cid_table, &quic_cid_params);
}

void quic_cid_table_destroy(void)
{
	/* Every socket removed its IDs when it was destroyed. */
	rhashtable_destroy(&quic_cid_table);
}

/**
 * quic_cid_reset_token - the stateless reset token of one of our IDs
 * @net: network namespace of the connection
 * @cid: the ID
 * @token: %QUIC_STATELESS_RESET_TOKEN_LEN bytes (out)
 *
 * RFC 9000 section 10.3.2: a keyed hash of the ID, so that the token can
 * be computed again after the connection's state is gone.
 */
void quic_cid_reset_token(struct net *net, const struct quic_cid *cid,
			  u8 *token)
{
	u64 h[2];
	u32 mix = net_hash_mix(net);

	h[0] = siphash_2u64(get_unaligned((u64 *)cid->data), mix, &quic_reset_key);
	h[1] = siphash(cid, sizeof(*cid), &quic_reset_key) ^ h[0];
	memcpy(token, h, QUIC_STATELESS_RESET_TOKEN_LEN);
}

void quic_cids_init(struct quic_cids *ids)
{
	memset(ids, 0, sizeof(*ids));
	INIT_LIST_HEAD(&ids->scids);
	INIT_LIST_HEAD(&ids->dcids);
}

static void quic_scid_remove(struct quic_scid *s)
{
	rhashtable_remove_fast(&quic_cid_table, &s->node, quic_cid_params);
	list_del(&s->list);
	kfree_rcu(s, rcu);
}

/* Forget every ID; readers still walking the table see them until RCU. */
void quic_cids_free(struct quic_cids *ids)
{
	struct quic_scid *s, *stmp;
	struct quic_dcid *d, *dtmp;

	list_for_each_entry_safe(s, stmp, &ids->scids, list)
		quic_scid_remove(s);
	list_for_each_entry_safe(d, dtmp, &ids->dcids, list) {
		list_del(&d->list);
		kfree(d);
	}
	ids->scid_count = 0;
	ids->dcid_count = 0;
	ids->dcid_retired = 0;
}

/**
 * quic_cid_lookup - the socket a connection ID belongs to
 * @net: namespace the packet arrived in
 * @cid: the Destination Connection ID of the packet
 * @len: its length
 *
 * Context: any; takes the RCU read lock itself.
 * Return: the socket with a reference held, or NULL.
 */
struct sock *quic_cid_lookup(struct net *net, const u8 *cid, u32 len)
{
	struct quic_cid key = {};
	struct quic_scid *s;
	struct sock *sk = NULL;

	if (len > QUIC_CID_MAX_LEN)
		return NULL;
	key.len = len;
	memcpy(key.data, cid, len);
	rcu_read_lock();
	s = rhashtable_lookup(&quic_cid_table, &key, quic_cid_params);
	if (s && net_eq(sock_net(s->sk), net) &&
	    refcount_inc_not_zero(&s->sk->sk_refcnt))
		sk = s->sk;
	rcu_read_unlock();
	return sk;
}

static int quic_scid_insert(struct quic_cids *ids, struct quic_scid *s)
{
	int err;

	err = rhashtable_lookup_insert_fast(&quic_cid_table, &s->node,
					    quic_cid_params);
	if (err)
		return err;
	list_add_tail(&s->list, &ids->scids);
	return 0;
}

/**
 * quic_cid_issue - create, register and remember a new ID of ours
 * @ids: the connection's IDs
 * @sk: its socket
 * @gfp: allocation flags
 *
 * Return: the ID, or NULL on allocation failure.
 */
struct quic_scid *quic_cid_issue(struct quic_cids *ids, struct sock *sk,
				 gfp_t gfp)
{
	struct quic_scid *s;
	int tries;

	s = kzalloc(sizeof(*s), gfp);
	if (!s)
		return NULL;
	s->sk = sk;
	s->seq = ids->scid_next_seq;
	s->cid.len = QUIC_CID_LEN;
	/* A random 64-bit ID collides in practice never; retry if it does. */
	for (tries = 0; tries < 4; tries++) {
		get_random_bytes(s->cid.data, QUIC_CID_LEN);
		if (!quic_scid_insert(ids, s))
			goto inserted;
	}
	kfree(s);
	return NULL;
inserted:
	quic_cid_reset_token(sock_net(sk), &s->cid, s->reset_token);
	ids->scid_next_seq++;
	ids->scid_count++;
	return s;
}

/**
 * quic_cid_add_odcid - let the client's first Destination ID find us too
 * @ids: the server connection's IDs
 * @sk: its socket
 * @odcid: the ID the client chose for its first Initial
 * @gfp: allocation flags
 *
 * RFC 9000 section 7.2: the client keeps using it until it has seen our
 * Source Connection ID. Dropped once the handshake is confirmed.
 *
 * Return: 0, -ENOMEM, or -EEXIST if another connection has it.
 */
int quic_cid_add_odcid(struct quic_cids *ids, struct sock *sk,
		       const struct quic_cid *odcid, gfp_t gfp)
{
	struct quic_scid *s;
	int err;

	s = kzalloc(sizeof(*s), gfp);
	if (!s)
		return -ENOMEM;
	s->sk = sk;
	s->seq = QUIC_CID_SEQ_ODCID;
	s->cid.len = odcid->len;
	memcpy(s->cid.data, odcid->data, odcid->len);
	err = quic_scid_insert(ids, s);
	if (err)
		kfree(s);
	return err;
}

void quic_cid_drop_odcid(struct quic_cids *ids)
{
	struct quic_scid *s, *tmp;

	list_for_each_entry_safe(s, tmp, &ids->scids, list)
		if (s->seq == QUIC_CID_SEQ_ODCID)
			quic_scid_remove(s);
}

static void quic_dcid_retire(struct quic_cids *ids, struct quic_dcid *d)
{
	d->retired = true;
	d->retire_pending = true;
	ids->dcid_count--;
	ids->dcid_retired++;
}

/**
 * quic_cid_retire_scid - the peer retired one of our IDs
 * @ids: the connection's IDs
 * @seq: its sequence number
 *
 * RFC 9000 section 19.16: retiring an ID we never issued is a
 * PROTOCOL_VIOLATION; retiring one twice is harmless.
 *
 * Return: 0, or -EPROTO.
 */
int quic_cid_retire_scid(struct quic_cids *ids, u64 seq)
{
	struct quic_scid *s;

	if (seq >= ids->scid_next_seq)
		return -EPROTO;
	list_for_each_entry(s, &ids->scids, list) {
		if (s->seq == seq) {
			if (!s->retiring)
				ids->scid_count--;
			quic_scid_remove(s);
			return 0;
		}
	}
	return 0;
}

/* The lowest sequence number of our IDs the peer may still use. */
u64 quic_cid_scid_active(const struct quic_cids *ids)
{
	const struct quic_scid *s;

	list_for_each_entry(s, &ids->scids, list)
		if (s->seq != QUIC_CID_SEQ_ODCID && !s->retiring)
			return s->seq;
	return ids->scid_next_seq;
}

/**
 * quic_cid_scid_retire_prior - ask the peer to retire our IDs below @prior_to
 * @ids: the connection's IDs
 * @sk: its socket
 * @prior_to: the new Retire Prior To
 * @gfp: allocation flags
 *
 * RFC 9000 section 5.1.2: new IDs carry the value to the peer, which
 * retires the older ones (they stay valid until it does).
 *
 * Return: 0, -EINVAL for a value that does not move forward or names IDs
 * never issued, or -ENOMEM.
 */
int quic_cid_scid_retire_prior(struct quic_cids *ids, struct sock *sk,
			       u64 prior_to, gfp_t gfp)
{
	struct quic_scid *s;

	if (prior_to <= ids->scid_retire_prior_to ||
	    prior_to > ids->scid_next_seq)
		return -EINVAL;
	ids->scid_retire_prior_to = prior_to;
	list_for_each_entry(s, &ids->scids, list) {
		if (s->seq == QUIC_CID_SEQ_ODCID || s->retiring ||
		    s->seq >= prior_to)
			continue;
		s->retiring = true;
		ids->scid_count--;
	}
	return quic_cid_fill(ids, sk, gfp);
}

/**
 * quic_cid_dcid_use - send with the peer's ID @seq from now on
 * @ids: the connection's IDs
 * @seq: its sequence number
 *
 * The IDs below it are retired (section 5.1.2).
 *
 * Return: 0, or -EINVAL if there is no such ID.
 */
int quic_cid_dcid_use(struct quic_cids *ids, u64 seq)
{
	struct quic_dcid *d;

	list_for_each_entry(d, &ids->dcids, list) {
		if (d->retired || d->seq != seq)
			continue;
		list_for_each_entry(d, &ids->dcids, list)
			if (!d->retired && d->seq < seq)
				quic_dcid_retire(ids, d);
		return 0;
	}
	return -EINVAL;
}

/**
 * quic_cid_fill - issue IDs until the peer holds as many as it accepts
 * @ids: the connection's IDs
 * @sk: its socket
 * @gfp: allocation flags
 *
 * RFC 9000 section 5.1.1: each new ID goes to the peer in a
 * NEW_CONNECTION_ID frame, up to its active_connection_id_limit.
 *
 * Return: 0 or -ENOMEM (the IDs issued so far stay).
 */
int quic_cid_fill(struct quic_cids *ids, struct sock *sk, gfp_t gfp)
{
	struct quic_scid *s;

	while (ids->scid_count < ids->scid_limit) {
		s = quic_cid_issue(ids, sk, gfp);
		if (!s)
			return -ENOMEM;
		s->announce = true;
	}
	return 0;
}

/* A NEW_CONNECTION_ID frame was lost: send it again if the ID is live. */
void quic_cid_announce_lost(struct quic_cids *ids, u64 seq)
{
	struct quic_scid *s;

	list_for_each_entry(s, &ids->scids, list) {
		if (s->seq == seq) {
			s->announce = true;
			return;
		}
	}
}

/* The ID we send with: the lowest sequence number not retired. */
struct quic_dcid *quic_cid_first_dcid(struct quic_cids *ids)
{
	struct quic_dcid *d;

	list_for_each_entry(d, &ids->dcids, list)
		if (!d->retired)
			return d;
	return NULL;
}

/* The peer's ID after the one in use, NULL when it gave no spare one. */
static struct quic_dcid *quic_cid_spare_dcid(struct quic_cids *ids)
{
	struct quic_dcid *d, *first = quic_cid_first_dcid(ids);

	if (!first)
		return NULL;
	list_for_each_entry(d, &ids->dcids, list)
		if (!d->retired && d != first)
			return d;
	return NULL;
}

/* Whether the peer gave an ID to move to (RFC 9000 section 9.5). */
bool quic_cid_has_spare_dcid(struct quic_cids *ids)
{
	return quic_cid_spare_dcid(ids);
}

/**
 * quic_cid_dcid_next - send with the peer's next ID, retiring this one
 * @ids: the connection's IDs
 *
 * RFC 9000 section 9.5: a new path takes a new ID, so that an observer
 * cannot link it to the old one.
 *
 * Return: 0, or -EAGAIN when the peer gave no spare ID.
 */
int quic_cid_dcid_next(struct quic_cids *ids)
{
	struct quic_dcid *d = quic_cid_spare_dcid(ids);

	return d ? quic_cid_dcid_use(ids, d->seq) : -EAGAIN;
}

/**
 * quic_cid_retire_prior - retire the peer's IDs below @prior_to
 * @ids: the connection's IDs
 * @prior_to: Retire Prior To of a NEW_CONNECTION_ID frame
 *
 * RFC 9000 section 5.1.2: each gets a RETIRE_CONNECTION_ID frame, and IDs
 * that arrive later below the value are retired at once.
 *
 * Return: false when more retirements wait for acknowledgment than
 * allowed (a CONNECTION_ID_LIMIT_ERROR).
 */
bool quic_cid_retire_prior(struct quic_cids *ids, u64 prior_to)
{
	struct quic_dcid *d;

	if (prior_to > ids->dcid_retire_prior_to)
		ids->dcid_retire_prior_to = prior_to;
	list_for_each_entry(d, &ids->dcids, list)
		if (!d->retired && d->seq < ids->dcid_retire_prior_to)
			quic_dcid_retire(ids, d);
	return ids->dcid_retired <= QUIC_CID_RETIRED_MAX;
}

static struct quic_dcid *quic_cid_find_retired(struct quic_cids *ids, u64 seq)
{
	struct quic_dcid *d;

	list_for_each_entry(d, &ids->dcids, list)
		if (d->retired && d->seq == seq)
			return d;
	return NULL;
}

/* The peer acknowledged a RETIRE_CONNECTION_ID: the ID is gone. */
void quic_cid_retire_acked(struct quic_cids *ids, u64 seq)
{
	struct quic_dcid *d = quic_cid_find_retired(ids, seq);

	if (!d)
		return;
	list_del(&d->list);
	kfree(d);
	ids->dcid_retired--;
}

void quic_cid_retire_lost(struct quic_cids *ids, u64 seq)
{
	struct quic_dcid *d = quic_cid_find_retired(ids, seq);

	if (d)
		d->retire_pending = true;
}

/* NEW_CONNECTION_ID or RETIRE_CONNECTION_ID frames are to be sent. */
bool quic_cid_tx_pending(const struct quic_cids *ids)
{
	const struct quic_scid *s;
	const struct quic_dcid *d;

	list_for_each_entry(s, &ids->scids, list)
		if (s->announce)
			return true;
	list_for_each_entry(d, &ids->dcids, list)
		if (d->retire_pending)
			return true;
	return false;
}

/**
 * quic_cid_add_dcid - remember an ID the peer issued
 * @ids: the connection's IDs
 * @seq: its sequence number
 * @cid: the ID
 * @len: its length
 * @reset_token: its stateless reset token, or NULL
 * @gfp: allocation flags
 *
 * Return: 0 (also for a repeated ID), -ENOMEM, or -EPROTO when the same
 * sequence number comes with a different ID (RFC 9000 section 19.15).
 */
int quic_cid_add_dcid(struct quic_cids *ids, u64 seq, const u8 *cid, u32 len,
		      const u8 *reset_token, gfp_t gfp)
{
	struct quic_dcid *d, *pos;

	/* Section 19.15: a repeated frame is harmless; the same sequence
	 * number with another ID, or the same ID with another sequence
	 * number or token, is a PROTOCOL_VIOLATION.
	 */
	list_for_each_entry(pos, &ids->dcids, list) {
		bool same_cid = pos->cid.len == len &&
				!memcmp(pos->cid.data, cid, len);

		if (pos->seq != seq) {
			if (same_cid)
				return -EPROTO;
			continue;
		}
		if (!same_cid || (reset_token && pos->has_token &&
				  memcmp(pos->reset_token, reset_token,
					 QUIC_STATELESS_RESET_TOKEN_LEN)))
			return -EPROTO;
		return 0;
	}
	d = kzalloc(sizeof(*d), gfp);
	if (!d)
		return -ENOMEM;
	d->seq = seq;
	d->cid.len = len;
	memcpy(d->cid.data, cid, len);
	if (reset_token) {
		memcpy(d->reset_token, reset_token, QUIC_STATELESS_RESET_TOKEN_LEN);
		d->has_token = true;
	}
	list_for_each_entry(pos, &ids->dcids, list) {
		if (pos->seq > seq) {
			list_add_tail(&d->list, &pos->list);
			goto added;
		}
	}
	list_add_tail(&d->list, &ids->dcids);
added:
	ids->dcid_count++;
	/* Section 5.1.2: an ID below a Retire Prior To already seen. */
	if (seq < ids->dcid_retire_prior_to)
		quic_dcid_retire(ids, d);
	return 0;
}
