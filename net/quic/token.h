/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Address validation tokens (RFC 9000 section 8.1): the tokens a server
 * puts in Retry packets and NEW_TOKEN frames, and checks when a client
 * brings them back in an Initial.
 */

#ifndef __NET_QUIC_TOKEN_H
#define __NET_QUIC_TOKEN_H

#include <linux/types.h>

#include "cid.h"
#include "udp.h"

/* Token kinds, the first byte of a token. */
#define QUIC_TOKEN_RETRY	1
#define QUIC_TOKEN_NEW		2

/* How long a token is good for, seconds (section 8.1.3). */
#define QUIC_TOKEN_RETRY_LIFETIME	10
#define QUIC_TOKEN_NEW_LIFETIME		(24 * 3600)

#define QUIC_TOKEN_MAC_LEN	16
/* kind, issue time, ODCID length and ODCID, MAC */
#define QUIC_TOKEN_MAX_LEN	(1 + 8 + 1 + QUIC_CID_MAX_LEN + QUIC_TOKEN_MAC_LEN)

int quic_token_init(void);
void quic_token_exit(void);
int quic_token_make(u8 kind, const union quic_addr *peer,
		    const struct quic_cid *odcid, const struct quic_cid *rscid,
		    u8 *token);
int quic_token_check(const u8 *token, u32 len, const union quic_addr *peer,
		     const struct quic_cid *rscid, struct quic_cid *odcid);

#endif /* __NET_QUIC_TOKEN_H */
