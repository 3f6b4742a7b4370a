/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QUIC packet protection (RFC 9001 section 5, RFC 9369 section 3.3) and the
 * multipath nonce (draft-ietf-quic-multipath-21 section 2.4).
 */

#ifndef __NET_QUIC_CRYPTO_H
#define __NET_QUIC_CRYPTO_H

#include <linux/types.h>

#define QUIC_TAG_LEN		16	/* AEAD tag of every supported cipher */
#define QUIC_IV_LEN		12
#define QUIC_HP_SAMPLE_LEN	16	/* RFC 9001 section 5.4.2 */
#define QUIC_HP_MASK_LEN	5
#define QUIC_KEY_MAX_LEN	32
#define QUIC_SECRET_MAX_LEN	48	/* SHA-384 */
#define QUIC_INITIAL_SECRET_LEN	32	/* SHA-256 */

struct crypto_aead;
struct crypto_sync_skcipher;
struct crypto_aes_ctx;
struct aead_request;

/**
 * struct quic_cipher - a TLS 1.3 cipher suite as QUIC uses it
 * @type: TLS_CIPHER_* of linux/tls.h
 * @aead: kernel crypto AEAD name
 * @hp: kernel crypto skcipher for header protection; NULL for AES, which
 *	runs the AES library (quic_crypto_hp_setup())
 * @hash: HMAC for HKDF
 * @key_len: AEAD and header protection key length
 * @secret_len: traffic secret length (the hash length)
 */
struct quic_cipher {
	u32		type;
	const char	*aead;
	const char	*aead_simd;
	const char	*hp;
	const char	*hash;
	u8		key_len;
	u8		secret_len;
};

/**
 * struct quic_crypto_key - keys of one direction at one level and key phase
 * @cipher: the cipher suite
 * @version: QUIC version, which selects the HKDF labels
 * @aead: AEAD transform, keyed
 * @req: the one request @aead is used with (callers serialise on the socket)
 * @simd: the same AEAD in the SIMD implementation that @aead cannot be
 *	(see quic_crypto_simd_alloc()), keyed alike; NULL when there is none
 * @simd_req: the request of @simd
 * @hp: ChaCha20 header protection transform, keyed; NULL for AES
 * @hp_aes: AES header protection key, expanded; NULL for ChaCha20
 * @iv: packet protection IV
 * @secret: the traffic secret, for the next key phase
 * @hp_key: header protection key, kept across key updates
 * @hp_block: scratch block for the header protection mask
 *
 * Transforms and the request are set up when a secret is installed, never
 * per packet; users of one key serialise on the socket lock.
 */
struct quic_crypto_key {
	const struct quic_cipher	*cipher;
	u32				version;
	struct crypto_aead		*aead;
	struct aead_request		*req;
	struct crypto_aead		*simd;
	struct aead_request		*simd_req;
	struct crypto_sync_skcipher	*hp;
	struct crypto_aes_ctx		*hp_aes;
	u8				iv[QUIC_IV_LEN];
	u8				secret[QUIC_SECRET_MAX_LEN];
	u8				hp_key[QUIC_KEY_MAX_LEN];
	u8				hp_block[QUIC_HP_SAMPLE_LEN];
};

const struct quic_cipher *quic_cipher_find(u32 type);

int quic_crypto_hkdf_expand_label(const char *hash, const u8 *secret,
				  u32 secret_len, const char *label,
				  u8 *out, u32 out_len);
int quic_crypto_initial_secrets(u32 version, const u8 *dcid, u32 dcid_len,
				u8 *client, u8 *server);

int quic_crypto_key_install(struct quic_crypto_key *key, u32 version,
			    u32 cipher_type, const u8 *secret);
int quic_crypto_key_update(struct quic_crypto_key *next,
			   const struct quic_crypto_key *cur);
void quic_crypto_key_free(struct quic_crypto_key *key);

void quic_crypto_nonce(const u8 *iv, u32 path_id, u64 pn, u8 *nonce);
int quic_crypto_seal(struct quic_crypto_key *key, u8 *pkt, u32 hdr_len,
		     u32 payload_len, u32 path_id, u64 pn);
int quic_crypto_open(struct quic_crypto_key *key, u8 *pkt, u32 hdr_len,
		     u32 len, u32 path_id, u64 pn);

int quic_crypto_hp_mask(struct quic_crypto_key *key, const u8 *sample,
			u8 *mask);
int quic_crypto_hp_apply(struct quic_crypto_key *key, u8 *pkt, u32 len,
			 u32 pn_offset, u32 pn_len);
int quic_crypto_hp_remove(struct quic_crypto_key *key, u8 *pkt, u32 len,
			  u32 pn_offset, u32 *pn_len);

int quic_crypto_retry_tag(u32 version, const u8 *odcid, u32 odcid_len,
			  const u8 *retry, u32 retry_len, u8 *tag);

#endif /* __NET_QUIC_CRYPTO_H */
