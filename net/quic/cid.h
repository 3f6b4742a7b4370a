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

struct sock;

/**
 * struct quic_scid - a connection ID we issued, found by the hash table
 * @node: in the table, keyed by @cid
 * @cid: the ID, zero-padded (the key is the whole struct)
 * @sk: the connection's socket (SOCK_RCU_FREE, so readers may take a ref)
 * @list: in the connection's list
 * @seq: sequence number, or %QUIC_CID_SEQ_ODCID
 * @reset_token: its stateless reset token (RFC 9000 section 10.3)
 * @rcu: freeing
 */
struct quic_scid {
	struct rhash_head	node;
	struct quic_cid		cid;
	struct sock		*sk;
	struct list_head	list;
	u64			seq;
	u8			reset_token[QUIC_STATELESS_RESET_TOKEN_LEN];
	struct rcu_head		rcu;
};

/**
 * struct quic_dcid - a connection ID the peer issued
 * @list: in the connection's list, by sequence number
 * @cid: the ID
 * @seq: sequence number
 * @reset_token: the peer's stateless reset token for it
 * @has_token: @reset_token is valid (not for the handshake's first ID)
 */
struct quic_dcid {
	struct list_head	list;
	struct quic_cid		cid;
	u64			seq;
	u8			reset_token[QUIC_STATELESS_RESET_TOKEN_LEN];
	bool			has_token;
};

/**
 * struct quic_cids - both sides' IDs of a connection
 * @scids: &struct quic_scid we issued, in issue order
 * @dcids: &struct quic_dcid the peer issued
 * @scid_next_seq: sequence number of the next ID we issue
 * @scid_count: IDs in @scids that are not retired (ODCID excluded)
 * @dcid_count: entries in @dcids
 * @dcid_retire_prior_to: largest Retire Prior To the peer sent
 * @scid_retire_prior_to: IDs below this we asked the peer to retire
 */
struct quic_cids {
	struct list_head	scids;
	struct list_head	dcids;
	u64			scid_next_seq;
	u32			scid_count;
	u32			dcid_count;
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
struct quic_dcid *quic_cid_first_dcid(struct quic_cids *ids);
int quic_cid_add_dcid(struct quic_cids *ids, u64 seq, const u8 *cid, u32 len,
		      const u8 *reset_token, gfp_t gfp);
void quic_cid_reset_token(struct net *net, const struct quic_cid *cid,
			  u8 *token);

#endif /* __NET_QUIC_CID_H */
