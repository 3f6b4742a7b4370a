/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connection IDs (RFC 9000 section 5.1): the IDs we issue, found by every
 * received packet through one RCU hash table, and the IDs the peer issued
 * for us to send with.
 */

#ifndef __NET_QUIC_CID_H
#define __NET_QUIC_CID_H

#include <linux/list.h>
#include <linux/rhashtable-types.h>

#include "frame.h"
#include "tparam.h"

/* Length of the connection IDs we issue (RFC 9000 section 5.1). */
#define QUIC_CID_LEN		8
/* Sequence number of a client's original DCID registered by the server. */
#define QUIC_CID_SEQ_ODCID	U64_MAX
/* Most IDs we keep issued to the peer at once (RFC 9000 section 5.1.1). */
#define QUIC_CID_ISSUE_MAX	8
/* RFC 9000 section 5.1.2: retirements not yet acknowledged, at most. */
#define QUIC_CID_RETIRED_MAX	(2 * QUIC_CID_ISSUE_MAX)

struct sock;

/**
 * struct quic_scid - a connection ID we issued, found by the hash table
 * @node: in the table, keyed by @cid
 * @cid: the ID, zero-padded (the key is the whole struct)
 * @sk: the connection's socket (SOCK_RCU_FREE, so readers may take a ref)
 * @list: in the connection's list
 * @seq: sequence number, or %QUIC_CID_SEQ_ODCID
 * @reset_token: its stateless reset token (RFC 9000 section 10.3)
 * @announce: a NEW_CONNECTION_ID frame for it is to be (re)sent
 * @retiring: below the Retire Prior To we sent; the peer retires it soon
 * @rcu: freeing
 */
struct quic_scid {
	struct rhash_head	node;
	struct quic_cid		cid;
	struct sock		*sk;
	struct list_head	list;
	u64			seq;
	u8			reset_token[QUIC_STATELESS_RESET_TOKEN_LEN];
	bool			announce;
	bool			retiring;
	struct rcu_head		rcu;
};

/**
 * struct quic_dcid - a connection ID the peer issued
 * @list: in the connection's list, by sequence number
 * @cid: the ID
 * @seq: sequence number
 * @reset_token: the peer's stateless reset token for it
 * @has_token: @reset_token is valid (not for the handshake's first ID)
 * @retired: we retired it; kept until the peer acknowledges that
 * @retire_pending: a RETIRE_CONNECTION_ID frame for it is to be (re)sent
 */
struct quic_dcid {
	struct list_head	list;
	struct quic_cid		cid;
	u64			seq;
	u8			reset_token[QUIC_STATELESS_RESET_TOKEN_LEN];
	bool			has_token;
	bool			retired;
	bool			retire_pending;
};

/**
 * struct quic_cids - both sides' IDs of a connection
 * @scids: &struct quic_scid we issued, in issue order
 * @dcids: &struct quic_dcid the peer issued
 * @scid_next_seq: sequence number of the next ID we issue
 * @scid_count: IDs in @scids that are not retired (ODCID excluded)
 * @scid_limit: IDs to keep issued: the peer's active_connection_id_limit,
 *	at most %QUIC_CID_ISSUE_MAX
 * @dcid_count: entries in @dcids not retired
 * @dcid_retired: retired entries in @dcids
 * @dcid_retire_prior_to: largest Retire Prior To the peer sent
 * @scid_retire_prior_to: IDs below this we asked the peer to retire
 */
struct quic_cids {
	struct list_head	scids;
	struct list_head	dcids;
	u64			scid_next_seq;
	u32			scid_count;
	u32			scid_limit;
	u32			dcid_count;
	u32			dcid_retired;
	u64			dcid_retire_prior_to;
	u64			scid_retire_prior_to;
};

int quic_cid_table_init(void);
void quic_cid_table_destroy(void);

void quic_cids_init(struct quic_cids *ids);
void quic_cids_free(struct quic_cids *ids);
struct sock *quic_cid_lookup(struct net *net, const u8 *cid, u32 len);
struct quic_scid *quic_cid_issue(struct quic_cids *ids, struct sock *sk,
				 gfp_t gfp);
int quic_cid_add_odcid(struct quic_cids *ids, struct sock *sk,
		       const struct quic_cid *odcid, gfp_t gfp);
void quic_cid_drop_odcid(struct quic_cids *ids);
int quic_cid_retire_scid(struct quic_cids *ids, u64 seq);
int quic_cid_fill(struct quic_cids *ids, struct sock *sk, gfp_t gfp);
void quic_cid_announce_lost(struct quic_cids *ids, u64 seq);
struct quic_dcid *quic_cid_first_dcid(struct quic_cids *ids);
int quic_cid_add_dcid(struct quic_cids *ids, u64 seq, const u8 *cid, u32 len,
		      const u8 *reset_token, gfp_t gfp);
bool quic_cid_retire_prior(struct quic_cids *ids, u64 prior_to);
void quic_cid_retire_acked(struct quic_cids *ids, u64 seq);
void quic_cid_retire_lost(struct quic_cids *ids, u64 seq);
bool quic_cid_tx_pending(const struct quic_cids *ids);
u64 quic_cid_scid_active(const struct quic_cids *ids);
int quic_cid_scid_retire_prior(struct quic_cids *ids, struct sock *sk,
			       u64 prior_to, gfp_t gfp);
int quic_cid_dcid_use(struct quic_cids *ids, u64 seq);
bool quic_cid_has_spare_dcid(struct quic_cids *ids);
int quic_cid_dcid_next(struct quic_cids *ids);
void quic_cid_reset_token(struct net *net, const struct quic_cid *cid,
			  u8 *token);

#endif /* __NET_QUIC_CID_H */
