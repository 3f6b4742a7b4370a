// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC packet protection (RFC 9001 section 5) through the kernel crypto API:
 * key derivation with HKDF-Expand-Label, the Initial secrets, AEAD
 * protection with the multipath nonce, header protection and the Retry
 * integrity tag. QUIC version 2 (RFC 9369 section 3.3) differs only in its
 * salt, labels and Retry key.
 *
 * Buffers handed to these functions are mapped into scatterlists, so they
 * must be linear kernel memory (kmalloc, skb data), never on the stack; so
 * must struct quic_crypto_key.
 */

#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <asm/simd.h>
#include <crypto/internal/simd.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/tls.h>
#include <linux/quic.h>

#include "crypto.h"

static const struct quic_cipher quic_ciphers[] = {
	{
		.type		= TLS_CIPHER_AES_GCM_128,
		.aead		= "gcm(aes)",
		.aead_simd	= "__gcm(aes)",
		.hash		= "hmac(sha256)",
		.key_len	= 16,
		.secret_len	= 32,
	},
	{
		.type		= TLS_CIPHER_AES_GCM_256,
		.aead		= "gcm(aes)",
		.aead_simd	= "__gcm(aes)",
		.hash		= "hmac(sha384)",
		.key_len	= 32,
		.secret_len	= 48,
	},
	{
		.type		= TLS_CIPHER_CHACHA20_POLY1305,
		.aead		= "rfc7539(chacha20,poly1305)",
		.hp		= "chacha20",
		.hash		= "hmac(sha256)",
		.key_len	= 32,
		.secret_len	= 32,
	},
};

const struct quic_cipher *quic_cipher_find(u32 type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(quic_ciphers); i++)
		if (quic_ciphers[i].type == type)
			return &quic_ciphers[i];
	return NULL;
}

/* Labels per version: RFC 9001 section 5.1, RFC 9369 section 3.3.2. */
struct quic_version_labels {
	const char *key, *iv, *hp, *ku;
};

static const struct quic_version_labels quic_labels_v1 = {
	"quic key", "quic iv", "quic hp", "quic ku",
};

static const struct quic_version_labels quic_labels_v2 = {
	"quicv2 key", "quicv2 iv", "quicv2 hp", "quicv2 ku",
};

static const struct quic_version_labels *quic_labels(u32 version)
{
	return version == QUIC_VERSION_V2 ? &quic_labels_v2 : &quic_labels_v1;
}

/* RFC 9001 section 5.2 and RFC 9369 section 3.3.1. */
static const u8 quic_initial_salt_v1[] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
};

static const u8 quic_initial_salt_v2[] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
};

/* RFC 9001 section 5.8 and RFC 9369 section 3.3.3: AES-128-GCM key, nonce. */
static const u8 quic_retry_key_v1[] = {
	0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,
	0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e,
};

static const u8 quic_retry_nonce_v1[] = {
	0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb,
};

static const u8 quic_retry_key_v2[] = {
	0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2,
	0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92,
};

static const u8 quic_retry_nonce_v2[] = {
	0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a,
};

#define QUIC_HKDF_LABEL_MAX	(2 + 1 + 255 + 1)
#define QUIC_HASH_MAX_LEN	48

/* HKDF-Extract (RFC 5869 section 2.2): PRK = HMAC-Hash(salt, IKM). */
static int quic_crypto_hkdf_extract(const char *hash, const u8 *salt,
				    u32 salt_len, const u8 *ikm, u32 ikm_len,
				    u8 *prk)
{
	struct crypto_shash *tfm;
	int err;

	tfm = crypto_alloc_shash(hash, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, salt, salt_len);
	if (!err)
		err = crypto_shash_tfm_digest(tfm, ikm, ikm_len, prk);
	crypto_free_shash(tfm);
	return err;
}

/**
 * quic_crypto_hkdf_expand_label - HKDF-Expand-Label (RFC 8446 section 7.1)
 * @hash: HMAC name, "hmac(sha256)" or "hmac(sha384)"
 * @secret: the pseudorandom key
 * @secret_len: its length
 * @label: label without the "tls13 " prefix; the context is empty
 * @out: output
 * @out_len: output length, at most 255 hash lengths
 *
 * Context: process context; allocates a transform.
 * Return: 0 or a negative errno.
 */
int quic_crypto_hkdf_expand_label(const char *hash, const u8 *secret,
				  u32 secret_len, const char *label,
				  u8 *out, u32 out_len)
{
	u8 info[QUIC_HKDF_LABEL_MAX], t[QUIC_HASH_MAX_LEN];
	static const char prefix[] = "tls13 ";
	u32 label_len = strlen(label), info_len, hash_len, done = 0;
	struct crypto_shash *tfm;
	u8 counter = 1;
	int err;

	if (sizeof(prefix) - 1 + label_len > 255)
		return -EINVAL;
	/* HkdfLabel: uint16 length, opaque label<7..255>, opaque context<0..255> */
	info[0] = out_len >> 8;
	info[1] = out_len & 0xff;
	info[2] = sizeof(prefix) - 1 + label_len;
	memcpy(&info[3], prefix, sizeof(prefix) - 1);
	memcpy(&info[3 + sizeof(prefix) - 1], label, label_len);
	info_len = 3 + sizeof(prefix) - 1 + label_len;
	info[info_len++] = 0;

	tfm = crypto_alloc_shash(hash, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	hash_len = crypto_shash_digestsize(tfm);
	err = -EINVAL;
	if (hash_len > sizeof(t) || out_len > 255 * hash_len)
		goto out;
	err = crypto_shash_setkey(tfm, secret, secret_len);
	if (err)
		goto out;

	/* RFC 5869 section 2.3: T(n) = HMAC(PRK, T(n-1) | info | n) */
	while (done < out_len) {
		SHASH_DESC_ON_STACK(desc, tfm);
		u32 n = min(hash_len, out_len - done);

		desc->tfm = tfm;
		err = crypto_shash_init(desc);
		if (!err && done)
			err = crypto_shash_update(desc, t, hash_len);
		if (!err)
			err = crypto_shash_update(desc, info, info_len);
		if (!err)
			err = crypto_shash_finup(desc, &counter, 1, t);
		shash_desc_zero(desc);
		if (err)
			goto out;
		memcpy(out + done, t, n);
		done += n;
		counter++;
	}
out:
	memzero_explicit(t, sizeof(t));
	crypto_free_shash(tfm);
	return err;
}

/**
 * quic_crypto_initial_secrets - Initial secrets (RFC 9001 section 5.2)
 * @version: QUIC version
 * @dcid: Destination Connection ID of the client's first Initial packet
 * @dcid_len: its length
 * @client: client_initial_secret, %QUIC_INITIAL_SECRET_LEN bytes
 * @server: server_initial_secret, %QUIC_INITIAL_SECRET_LEN bytes
 *
 * Context: process context; allocates transforms.
 * Return: 0 or a negative errno.
 */
int quic_crypto_initial_secrets(u32 version, const u8 *dcid, u32 dcid_len,
				u8 *client, u8 *server)
{
	const u8 *salt = quic_initial_salt_v1;
	u8 initial[QUIC_INITIAL_SECRET_LEN];
	int err;

	if (version == QUIC_VERSION_V2)
		salt = quic_initial_salt_v2;
	err = quic_crypto_hkdf_extract("hmac(sha256)", salt,
				       sizeof(quic_initial_salt_v1),
				       dcid, dcid_len, initial);
	if (!err)
		err = quic_crypto_hkdf_expand_label("hmac(sha256)", initial,
						    sizeof(initial), "client in",
						    client, QUIC_INITIAL_SECRET_LEN);
	if (!err)
		err = quic_crypto_hkdf_expand_label("hmac(sha256)", initial,
						    sizeof(initial), "server in",
						    server, QUIC_INITIAL_SECRET_LEN);
	memzero_explicit(initial, sizeof(initial));
	return err;
}

/* The AEAD the crypto API gives a synchronous user (CRYPTO_ALG_ASYNC in
 * the mask, as packets are protected in softirq context) may be far slower
 * than the one it gives others: on x86, AES-GCM with AES-NI and PCLMULQDQ
 * is offered only through crypto/simd.c, an asynchronous wrapper that
 * runs the SIMD code at once when crypto_simd_usable() and defers to
 * cryptd when it is not, so a synchronous user gets the AES-NI block
 * cipher under the generic gcm template and table-driven GHASH instead.
 * The wrapper's decision is taken here: the SIMD implementation it wraps
 * (by convention named "__" and the algorithm, synchronous, CRYPTO_ALG_INTERNAL
 * as it must not run where SIMD is unusable) is used when
 * crypto_simd_usable(), @aead otherwise. There may be none: NULL, and
 * @aead does all the work.
 */
static int quic_crypto_simd_alloc(struct quic_crypto_key *key,
				  const struct quic_cipher *cipher,
				  const u8 *aead_key)
{
	struct crypto_aead *tfm;
	int err;

	if (!cipher->aead_simd)
		return 0;
	tfm = crypto_alloc_aead(cipher->aead_simd, CRYPTO_ALG_INTERNAL,
				CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return 0;
	key->simd = tfm;
	err = crypto_aead_setkey(tfm, aead_key, cipher->key_len);
	if (!err)
		err = crypto_aead_setauthsize(tfm, QUIC_TAG_LEN);
	if (err)
		return err;
	key->simd_req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!key->simd_req)
		return -ENOMEM;
	aead_request_set_callback(key->simd_req, 0, NULL, NULL);
	return 0;
}

/* Header protection (RFC 9001 section 5.4) takes one block per packet.
 * For AES it runs the AES library on an expanded key: plain C, so no
 * SIMD state is saved and restored around a 16-byte block (the ecb(aes)
 * of the crypto API is AES-NI on x86 and pays that for every packet).
 * ChaCha20 goes through the crypto API's chacha20.
 */
static int quic_crypto_hp_setup(struct quic_crypto_key *key,
				const struct quic_cipher *cipher)
{
	int err;

	if (!cipher->hp) {
		key->hp_aes = kmalloc(sizeof(*key->hp_aes), GFP_KERNEL);
		if (!key->hp_aes)
			return -ENOMEM;
		return aes_expandkey(key->hp_aes, key->hp_key, cipher->key_len);
	}
	key->hp = crypto_alloc_sync_skcipher(cipher->hp, 0, 0);
	if (IS_ERR(key->hp)) {
		err = PTR_ERR(key->hp);
		key->hp = NULL;
		return err;
	}
	return crypto_sync_skcipher_setkey(key->hp, key->hp_key, cipher->key_len);
}

/* Key the transforms of @key from its secret; @hp_key given keeps it. */
static int quic_crypto_key_setup(struct quic_crypto_key *key, u32 version,
				 const struct quic_cipher *cipher,
				 const u8 *secret, const u8 *hp_key)
{
	const struct quic_version_labels *labels = quic_labels(version);
	u8 aead_key[QUIC_KEY_MAX_LEN];
	int err;

	memset(key, 0, sizeof(*key));
	key->cipher = cipher;
	key->version = version;
	memcpy(key->secret, secret, cipher->secret_len);

	err = quic_crypto_hkdf_expand_label(cipher->hash, secret,
					    cipher->secret_len, labels->key,
					    aead_key, cipher->key_len);
	if (!err)
		err = quic_crypto_hkdf_expand_label(cipher->hash, secret,
						    cipher->secret_len,
						    labels->iv, key->iv,
						    QUIC_IV_LEN);
	if (!err && hp_key)
		memcpy(key->hp_key, hp_key, cipher->key_len);
	else if (!err)
		err = quic_crypto_hkdf_expand_label(cipher->hash, secret,
						    cipher->secret_len,
						    labels->hp, key->hp_key,
						    cipher->key_len);
	if (err)
		goto err_wipe;

	key->aead = crypto_alloc_aead(cipher->aead, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(key->aead)) {
		err = PTR_ERR(key->aead);
		key->aead = NULL;
		goto err_wipe;
	}
	err = crypto_aead_setkey(key->aead, aead_key, cipher->key_len);
	if (!err)
		err = crypto_aead_setauthsize(key->aead, QUIC_TAG_LEN);
	if (err)
		goto err_free;
	key->req = aead_request_alloc(key->aead, GFP_KERNEL);
	if (!key->req) {
		err = -ENOMEM;
		goto err_free;
	}
	aead_request_set_callback(key->req, 0, NULL, NULL);
	err = quic_crypto_simd_alloc(key, cipher, aead_key);
	if (err)
		goto err_free;

	err = quic_crypto_hp_setup(key, cipher);
	if (err)
		goto err_free;
	memzero_explicit(aead_key, sizeof(aead_key));
	return 0;

err_free:
	quic_crypto_key_free(key);
err_wipe:
	memzero_explicit(aead_key, sizeof(aead_key));
	memzero_explicit(key, sizeof(*key));
	return err;
}

/**
 * quic_crypto_key_install - derive and key the transforms of a secret
 * @key: zeroed, or freed with quic_crypto_key_free(); not on the stack
 * @version: QUIC version (selects the labels)
 * @cipher_type: TLS_CIPHER_*
 * @secret: traffic secret, as long as the cipher's hash
 *
 * RFC 9001 section 5.1: key, iv and hp come from the secret with
 * HKDF-Expand-Label.
 *
 * Context: process context; allocates transforms.
 * Return: 0, -EINVAL for an unknown cipher, or the crypto API's error.
 */
int quic_crypto_key_install(struct quic_crypto_key *key, u32 version,
			    u32 cipher_type, const u8 *secret)
{
	const struct quic_cipher *cipher = quic_cipher_find(cipher_type);

	if (!cipher)
		return -EINVAL;
	return quic_crypto_key_setup(key, version, cipher, secret, NULL);
}

/**
 * quic_crypto_key_update - keys of the next key phase (RFC 9001 section 6.1)
 * @next: receives the new keys; not on the stack
 * @cur: the current keys
 *
 * The secret advances with the "quic ku" label and gives a new packet key
 * and IV; the header protection key stays (RFC 9001 section 6.6).
 *
 * Context: process context; allocates transforms.
 * Return: 0 or a negative errno.
 */
int quic_crypto_key_update(struct quic_crypto_key *next,
			   const struct quic_crypto_key *cur)
{
	const struct quic_cipher *cipher = cur->cipher;
	u8 secret[QUIC_SECRET_MAX_LEN];
	int err;

	err = quic_crypto_hkdf_expand_label(cipher->hash, cur->secret,
					    cipher->secret_len,
					    quic_labels(cur->version)->ku,
					    secret, cipher->secret_len);
	if (!err)
		err = quic_crypto_key_setup(next, cur->version, cipher, secret,
					    cur->hp_key);
	memzero_explicit(secret, sizeof(secret));
	return err;
}

void quic_crypto_key_free(struct quic_crypto_key *key)
{
	aead_request_free(key->simd_req);
	key->simd_req = NULL;
	if (key->simd)
		crypto_free_aead(key->simd);
	key->simd = NULL;
	aead_request_free(key->req);
	key->req = NULL;
	if (key->aead)
		crypto_free_aead(key->aead);
	key->aead = NULL;
	if (key->hp)
		crypto_free_sync_skcipher(key->hp);
	key->hp = NULL;
	kfree_sensitive(key->hp_aes);
	key->hp_aes = NULL;
	memzero_explicit(key->secret, sizeof(key->secret));
	memzero_explicit(key->hp_key, sizeof(key->hp_key));
	memzero_explicit(key->iv, sizeof(key->iv));
}

/**
 * quic_crypto_nonce - the AEAD nonce of a packet
 * @iv: the key's IV
 * @path_id: multipath path ID, 0 for single-path QUIC
 * @pn: packet number (below 2^62)
 * @nonce: %QUIC_IV_LEN bytes of output
 *
 * RFC 9001 section 5.3 XORs the packet number into the IV;
 * draft-ietf-quic-multipath-21 section 2.4 puts the path ID in front:
 * nonce = IV XOR (path_id (32) || 0b00 || pn (62)). Path 0 is RFC 9001.
 */
void quic_crypto_nonce(const u8 *iv, u32 path_id, u64 pn, u8 *nonce)
{
	__be32 path = cpu_to_be32(path_id);
	__be64 number = cpu_to_be64(pn & (BIT_ULL(62) - 1));
	const u8 *p = (const u8 *)&path, *n = (const u8 *)&number;
	int i;

	for (i = 0; i < 4; i++)
		nonce[i] = iv[i] ^ p[i];
	for (i = 0; i < 8; i++)
		nonce[4 + i] = iv[4 + i] ^ n[i];
}

static int quic_crypto_aead(struct quic_crypto_key *key, u8 *pkt, u32 hdr_len,
			    u32 crypt_len, u32 buf_len, u32 path_id, u64 pn,
			    bool encrypt)
{
	struct aead_request *req = key->req;
	u8 nonce[QUIC_IV_LEN];
	struct scatterlist sg;
	int err;

	if (key->simd && crypto_simd_usable())
		req = key->simd_req;
	quic_crypto_nonce(key->iv, path_id, pn, nonce);
	sg_init_one(&sg, pkt, buf_len);
	aead_request_set_ad(req, hdr_len);
	aead_request_set_crypt(req, &sg, &sg, crypt_len, nonce);
	err = encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	memzero_explicit(nonce, sizeof(nonce));
	return err;
}

/**
 * quic_crypto_seal - protect a packet's payload in place (RFC 9001 section 5.3)
 * @key: send keys
 * @pkt: the packet: header (the AAD) then payload, with %QUIC_TAG_LEN bytes
 *	of room after the payload for the tag
 * @hdr_len: header length, packet number included
 * @payload_len: plaintext length
 * @path_id: path the packet is sent on (0: single path)
 * @pn: its packet number
 *
 * Return: 0 or a negative errno.
 */
int quic_crypto_seal(struct quic_crypto_key *key, u8 *pkt, u32 hdr_len,
		     u32 payload_len, u32 path_id, u64 pn)
{
	return quic_crypto_aead(key, pkt, hdr_len, payload_len,
				hdr_len + payload_len + QUIC_TAG_LEN,
				path_id, pn, true);
}

/**
 * quic_crypto_open - authenticate and decrypt a payload in place
 * @key: receive keys
 * @pkt: the packet, header protection removed
 * @hdr_len: header length, packet number included
 * @len: whole packet length, tag included
 * @path_id: path ID of the packet's connection ID (0: single path)
 * @pn: the decoded packet number
 *
 * The plaintext is left at @pkt + @hdr_len, @len - @hdr_len - %QUIC_TAG_LEN
 * bytes long.
 *
 * Return: 0, -EINVAL if @len cannot hold a tag, -EBADMSG if the packet does
 * not authenticate.
 */
int quic_crypto_open(struct quic_crypto_key *key, u8 *pkt, u32 hdr_len,
		     u32 len, u32 path_id, u64 pn)
{
	if (len < hdr_len + QUIC_TAG_LEN)
		return -EINVAL;
	return quic_crypto_aead(key, pkt, hdr_len, len - hdr_len, len,
				path_id, pn, false);
}

/* ChaCha20 over zeros, the IV being the sample: counter || nonce. */
static int quic_crypto_hp_mask_chacha(struct quic_crypto_key *key,
				      const u8 *sample, u8 *mask)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, key->hp);
	u8 *block = key->hp_block, iv[QUIC_HP_SAMPLE_LEN];
	struct scatterlist sg;
	int err;

	memcpy(iv, sample, QUIC_HP_SAMPLE_LEN);
	memset(block, 0, QUIC_HP_MASK_LEN);
	sg_init_one(&sg, block, QUIC_HP_MASK_LEN);
	skcipher_request_set_sync_tfm(req, key->hp);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, QUIC_HP_MASK_LEN, iv);
	err = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	if (!err)
		memcpy(mask, block, QUIC_HP_MASK_LEN);
	return err;
}

/**
 * quic_crypto_hp_mask - header protection mask (RFC 9001 section 5.4)
 * @key: keys of the packet's direction and level
 * @sample: %QUIC_HP_SAMPLE_LEN bytes of ciphertext
 * @mask: %QUIC_HP_MASK_LEN bytes of output
 *
 * AES: the first bytes of AES-ECB(hp, sample) (section 5.4.3). ChaCha20:
 * ChaCha20(hp, counter = sample[0..3], nonce = sample[4..15]) over zeros
 * (section 5.4.4); the kernel's chacha20 IV is exactly counter || nonce.
 *
 * Return: 0 or a negative errno.
 */
int quic_crypto_hp_mask(struct quic_crypto_key *key, const u8 *sample, u8 *mask)
{
	u8 block[AES_BLOCK_SIZE];

	if (!key->hp_aes)
		return quic_crypto_hp_mask_chacha(key, sample, mask);
	aes_encrypt(key->hp_aes, block, sample);
	memcpy(mask, block, QUIC_HP_MASK_LEN);
	return 0;
}

/* Bits of the first byte that header protection covers (section 5.4.1). */
static u8 quic_hp_first_byte_bits(u8 first)
{
	return (first & 0x80) ? 0x0f : 0x1f;
}

/**
 * quic_crypto_hp_apply - protect the first byte and the packet number
 * @key: send keys
 * @pkt: a sealed packet
 * @len: its length
 * @pn_offset: offset of the packet number field
 * @pn_len: its length, 1..4
 *
 * The sample starts 4 bytes after the packet number's start (section 5.4.2).
 *
 * Return: 0, -EINVAL if the packet is too short to sample, or the crypto
 * API's error.
 */
int quic_crypto_hp_apply(struct quic_crypto_key *key, u8 *pkt, u32 len,
			 u32 pn_offset, u32 pn_len)
{
	u8 mask[QUIC_HP_MASK_LEN];
	int err, i;

	if (pn_len < 1 || pn_len > 4 ||
	    pn_offset + 4 + QUIC_HP_SAMPLE_LEN > len)
		return -EINVAL;
	err = quic_crypto_hp_mask(key, pkt + pn_offset + 4, mask);
	if (err)
		return err;
	pkt[0] ^= mask[0] & quic_hp_first_byte_bits(pkt[0]);
	for (i = 0; i < pn_len; i++)
		pkt[pn_offset + i] ^= mask[1 + i];
	return 0;
}

/**
 * quic_crypto_hp_remove - remove header protection of a received packet
 * @key: receive keys
 * @pkt: the packet as received
 * @len: its length
 * @pn_offset: offset of the packet number field
 * @pn_len: the packet number length found in the unprotected first byte
 *
 * Return: 0, -EINVAL if the packet is too short to sample, or the crypto
 * API's error.
 */
int quic_crypto_hp_remove(struct quic_crypto_key *key, u8 *pkt, u32 len,
			  u32 pn_offset, u32 *pn_len)
{
	u8 mask[QUIC_HP_MASK_LEN];
	int err, i;

	if (pn_offset + 4 + QUIC_HP_SAMPLE_LEN > len)
		return -EINVAL;
	err = quic_crypto_hp_mask(key, pkt + pn_offset + 4, mask);
	if (err)
		return err;
	pkt[0] ^= mask[0] & quic_hp_first_byte_bits(pkt[0]);
	*pn_len = (pkt[0] & 0x03) + 1;
	for (i = 0; i < *pn_len; i++)
		pkt[pn_offset + i] ^= mask[1 + i];
	return 0;
}

/**
 * quic_crypto_retry_tag - Retry Integrity Tag (RFC 9001 section 5.8)
 * @version: QUIC version (selects key and nonce)
 * @odcid: the Original Destination Connection ID
 * @odcid_len: its length, at most 20
 * @retry: the Retry packet without its tag
 * @retry_len: its length
 * @tag: %QUIC_TAG_LEN bytes of output
 *
 * The tag is AES-128-GCM with a fixed key and nonce over no plaintext, the
 * AAD being the Retry pseudo-packet: ODCID length, ODCID, Retry packet.
 *
 * Context: process context; allocates a transform.
 * Return: 0 or a negative errno.
 */
int quic_crypto_retry_tag(u32 version, const u8 *odcid, u32 odcid_len,
			  const u8 *retry, u32 retry_len, u8 *tag)
{
	const u8 *key = quic_retry_key_v1, *nonce = quic_retry_nonce_v1;
	u32 aad_len = 1 + odcid_len + retry_len;
	struct aead_request *req;
	struct crypto_aead *tfm;
	struct scatterlist sg;
	u8 iv[QUIC_IV_LEN];
	u8 *buf;
	int err;

	if (odcid_len > 20)
		return -EINVAL;
	if (version == QUIC_VERSION_V2) {
		key = quic_retry_key_v2;
		nonce = quic_retry_nonce_v2;
	}
	tfm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_aead_setkey(tfm, key, sizeof(quic_retry_key_v1));
	if (!err)
		err = crypto_aead_setauthsize(tfm, QUIC_TAG_LEN);
	if (err)
		goto out_tfm;

	err = -ENOMEM;
	buf = kmalloc(aad_len + QUIC_TAG_LEN, GFP_KERNEL);
	if (!buf)
		goto out_tfm;
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		goto out_buf;
	buf[0] = odcid_len;
	memcpy(buf + 1, odcid, odcid_len);
	memcpy(buf + 1 + odcid_len, retry, retry_len);
	memcpy(iv, nonce, QUIC_IV_LEN);
	sg_init_one(&sg, buf, aad_len + QUIC_TAG_LEN);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, &sg, &sg, 0, iv);
	err = crypto_aead_encrypt(req);
	if (!err)
		memcpy(tag, buf + aad_len, QUIC_TAG_LEN);
	aead_request_free(req);
out_buf:
	kfree(buf);
out_tfm:
	crypto_free_aead(tfm);
	return err;
}
