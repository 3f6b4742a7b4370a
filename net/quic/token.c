// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Address validation tokens (RFC 9000 section 8.1).
 *
 * A token is only ever read by the server that made it, so its format is
 * ours (section 8.1.1 leaves it to the server): a kind byte (Retry or
 * NEW_TOKEN, which section 8.1.3 requires the server to tell apart), the
 * issue time in seconds, for a Retry token the client's Original
 * Destination Connection ID (the server keeps no state between the Retry
 * and the next Initial, section 8.1.2), and an HMAC-SHA256 tag truncated
 * to 16 bytes over all that, the client's address (and, for a Retry
 * token, its port and the Source Connection ID of the Retry) under a key
 * drawn at module load. A token thus only validates the address it was
 * issued to, for a limited time, and cannot be forged or altered.
 */

#include <crypto/hash.h>
#include <linux/random.h>
#include <linux/timekeeping.h>
#include <crypto/algapi.h>
#include <net/sock.h>
#include <asm/unaligned.h>

#include "token.h"

static struct crypto_shash *quic_token_tfm;

int quic_token_init(void)
{
	u8 key[32];
	int err;

	quic_token_tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(quic_token_tfm))
		return PTR_ERR(quic_token_tfm);
	get_random_bytes(key, sizeof(key));
	err = crypto_shash_setkey(quic_token_tfm, key, sizeof(key));
	memzero_explicit(key, sizeof(key));
	if (err)
		crypto_free_shash(quic_token_tfm);
	return err;
}

void quic_token_exit(void)
{
	crypto_free_shash(quic_token_tfm);
}

/* The tag over the token's body @t (@len bytes) and what it is bound to. */
static int quic_token_mac(const u8 *t, u32 len, const union quic_addr *peer,
			  const struct quic_cid *rscid, u8 *mac)
{
	SHASH_DESC_ON_STACK(desc, quic_token_tfm);
	u8 digest[32];
	int err;

	desc->tfm = quic_token_tfm;
	err = crypto_shash_init(desc);
	if (!err)
		err = crypto_shash_update(desc, t, len);
	if (!err && peer->sa.sa_family == AF_INET6)
		err = crypto_shash_update(desc, (const u8 *)&peer->v6.sin6_addr,
					  sizeof(peer->v6.sin6_addr));
	else if (!err)
		err = crypto_shash_update(desc, (const u8 *)&peer->v4.sin_addr,
					  sizeof(peer->v4.sin_addr));
	if (!err && t[0] == QUIC_TOKEN_RETRY) {
		/* Same port: sin_port and sin6_port share their offset. */
		err = crypto_shash_update(desc, (const u8 *)&peer->v4.sin_port,
					  sizeof(peer->v4.sin_port));
		if (!err)
			err = crypto_shash_update(desc, rscid->data, rscid->len);
	}
	if (!err)
		err = crypto_shash_final(desc, digest);
	shash_desc_zero(desc);
	memcpy(mac, digest, QUIC_TOKEN_MAC_LEN);
	memzero_explicit(digest, sizeof(digest));
	return err;
}

/**
 * quic_token_make - a token for the client at @peer
 * @kind: %QUIC_TOKEN_RETRY or %QUIC_TOKEN_NEW
 * @peer: the client's address
 * @odcid: Retry: the client's Original Destination Connection ID
 * @rscid: Retry: the Source Connection ID of the Retry packet
 * @token: output, %QUIC_TOKEN_MAX_LEN bytes
 *
 * Context: any.
 * Return: the token's length, or a negative errno.
 */
int quic_token_make(u8 kind, const union quic_addr *peer,
		    const struct quic_cid *odcid, const struct quic_cid *rscid,
		    u8 *token)
{
	u32 len = 0;
	int err;

	token[len++] = kind;
	put_unaligned_be64(ktime_get_real_seconds(), token + len);
	len += 8;
	if (kind == QUIC_TOKEN_RETRY) {
		token[len++] = odcid->len;
		memcpy(token + len, odcid->data, odcid->len);
		len += odcid->len;
	}
	err = quic_token_mac(token, len, peer, rscid, token + len);
	return err ?: (int)(len + QUIC_TOKEN_MAC_LEN);
}

/**
 * quic_token_check - validate a token a client brought back
 * @token: the token of the Initial packet
 * @len: its length
 * @peer: the address the Initial came from
 * @rscid: the Destination Connection ID of the Initial (for a Retry
 *	token, the Source Connection ID of our Retry)
 * @odcid: Retry token: receives the client's Original Destination ID
 *
 * Return: %QUIC_TOKEN_RETRY or %QUIC_TOKEN_NEW for a valid token, 0 for
 * one that is not (malformed, forged, expired, or from another address).
 */
int quic_token_check(const u8 *token, u32 len, const union quic_addr *peer,
		     const struct quic_cid *rscid, struct quic_cid *odcid)
{
	u8 mac[QUIC_TOKEN_MAC_LEN];
	u32 body = 1 + 8, life;
	s64 age;

	if (len < body + QUIC_TOKEN_MAC_LEN || len > QUIC_TOKEN_MAX_LEN)
		return 0;
	switch (token[0]) {
	case QUIC_TOKEN_RETRY:
		if (token[body] > QUIC_CID_MAX_LEN)
			return 0;
		body += 1 + token[body];
		life = QUIC_TOKEN_RETRY_LIFETIME;
		break;
	case QUIC_TOKEN_NEW:
		life = QUIC_TOKEN_NEW_LIFETIME;
		break;
	default:
		return 0;
	}
	if (len != body + QUIC_TOKEN_MAC_LEN ||
	    quic_token_mac(token, body, peer, rscid, mac) ||
	    crypto_memneq(mac, token + body, QUIC_TOKEN_MAC_LEN))
		return 0;
	age = ktime_get_real_seconds() - (s64)get_unaligned_be64(token + 1);
	if (age < 0 || age > life)
		return 0;
	if (token[0] == QUIC_TOKEN_RETRY) {
		odcid->len = token[9];
		memcpy(odcid->data, token + 10, odcid->len);
	}
	return token[0];
}
