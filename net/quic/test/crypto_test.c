// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet protection against the published test vectors: RFC 9001
 * Appendix A, RFC 9369 Appendix A and the nonce example of
 * draft-ietf-quic-multipath-21 section 2.4, plus round trips and tampering
 * for what the RFCs give no vector for.
 *
 * With KUnit (the debug kernel) this is the KUnit suite "quic_crypto". On a
 * kernel without KUnit the module runs the same cases when loaded, prints
 * KTAP to the kernel log and fails to load if a case fails.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/tls.h>
#include <linux/quic.h>

#include "../crypto.h"
#include "crypto_vectors.h"

#include "quic_test.h"

/* draft-ietf-quic-multipath-21 section 2.4: path 3, packet number 54321. */
static void quic_test_multipath_nonce(struct quic_test_ctx *ctx)
{
	static const u8 iv[] = {
		0x6b, 0x26, 0x11, 0x4b, 0x9c, 0xba, 0x2b, 0x63,
		0xa9, 0xe8, 0xdd, 0x4f,
	};
	static const u8 want[] = {
		0x6b, 0x26, 0x11, 0x48, 0x9c, 0xba, 0x2b, 0x63,
		0xa9, 0xe8, 0x09, 0x7e,
	};
	u8 nonce[QUIC_IV_LEN];

	quic_crypto_nonce(iv, 3, 54321, nonce);
	EXPECT_MEM(ctx, nonce, want, sizeof(want));
	/* Path 0 is RFC 9001 section 5.3: the packet number alone. */
	quic_crypto_nonce(iv, 0, 54321, nonce);
	EXPECT_MEM(ctx, nonce, iv, 4);
}

/* Allocate a key (keys must not live on the stack) with a secret installed. */
static struct quic_crypto_key *quic_test_key(struct quic_test_ctx *ctx,
					     u32 version, u32 cipher,
					     const u8 *secret)
{
	struct quic_crypto_key *key = kzalloc(sizeof(*key), GFP_KERNEL);

	if (!key) {
		quic_test_fail(ctx, "out of memory");
		return NULL;
	}
	if (!EXPECT_INT(ctx, quic_crypto_key_install(key, version, cipher, secret), 0)) {
		kfree(key);
		return NULL;
	}
	return key;
}

static void quic_test_key_put(struct quic_crypto_key *key)
{
	if (key)
		quic_crypto_key_free(key);
	kfree(key);
}

/* RFC 9001 A.1 and RFC 9369 A.1: DCID 0x8394c8f03e515708. */
static const u8 quic_test_dcid[] = {
	0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08,
};

struct quic_test_initial {
	u32 version;
	u8 client_secret[32], server_secret[32];
	u8 client_key[16], client_iv[12], client_hp[16];
	u8 server_key[16], server_iv[12], server_hp[16];
};

static const struct quic_test_initial quic_test_initials[] = {
	{	/* RFC 9001 Appendix A.1 */
		.version = QUIC_VERSION_V1,
		.client_secret = {
			0xc0, 0x0c, 0xf1, 0x51, 0xca, 0x5b, 0xe0, 0x75, 0xed, 0x0e, 0xbf, 0xb5,
			0xc8, 0x03, 0x23, 0xc4, 0x2d, 0x6b, 0x7d, 0xb6, 0x78, 0x81, 0x28, 0x9a,
			0xf4, 0x00, 0x8f, 0x1f, 0x6c, 0x35, 0x7a, 0xea,
		},
		.server_secret = {
			0x3c, 0x19, 0x98, 0x28, 0xfd, 0x13, 0x9e, 0xfd, 0x21, 0x6c, 0x15, 0x5a,
			0xd8, 0x44, 0xcc, 0x81, 0xfb, 0x82, 0xfa, 0x8d, 0x74, 0x46, 0xfa, 0x7d,
			0x78, 0xbe, 0x80, 0x3a, 0xcd, 0xda, 0x95, 0x1b,
		},
		.client_key = {
			0x1f, 0x36, 0x96, 0x13, 0xdd, 0x76, 0xd5, 0x46,
			0x77, 0x30, 0xef, 0xcb, 0xe3, 0xb1, 0xa2, 0x2d,
		},
		.client_iv = {
			0xfa, 0x04, 0x4b, 0x2f, 0x42, 0xa3, 0xfd, 0x3b, 0x46, 0xfb, 0x25, 0x5c,
		},
		.client_hp = {
			0x9f, 0x50, 0x44, 0x9e, 0x04, 0xa0, 0xe8, 0x10,
			0x28, 0x3a, 0x1e, 0x99, 0x33, 0xad, 0xed, 0xd2,
		},
		.server_key = {
			0xcf, 0x3a, 0x53, 0x31, 0x65, 0x3c, 0x36, 0x4c,
			0x88, 0xf0, 0xf3, 0x79, 0xb6, 0x06, 0x7e, 0x37,
		},
		.server_iv = {
			0x0a, 0xc1, 0x49, 0x3c, 0xa1, 0x90, 0x58, 0x53, 0xb0, 0xbb, 0xa0, 0x3e,
		},
		.server_hp = {
			0xc2, 0x06, 0xb8, 0xd9, 0xb9, 0xf0, 0xf3, 0x76,
			0x44, 0x43, 0x0b, 0x49, 0x0e, 0xea, 0xa3, 0x14,
		},
	},
	{	/* RFC 9369 Appendix A.1 */
		.version = QUIC_VERSION_V2,
		.client_secret = {
			0x14, 0xec, 0x9d, 0x6e, 0xb9, 0xfd, 0x7a, 0xf8, 0x3b, 0xf5, 0xa6, 0x68,
			0xbc, 0x17, 0xa7, 0xe2, 0x83, 0x76, 0x6a, 0xad, 0xe7, 0xec, 0xd0, 0x89,
			0x1f, 0x70, 0xf9, 0xff, 0x7f, 0x4b, 0xf4, 0x7b,
		},
		.server_secret = {
			0x02, 0x63, 0xdb, 0x17, 0x82, 0x73, 0x1b, 0xf4, 0x58, 0x8e, 0x7e, 0x4d,
			0x93, 0xb7, 0x46, 0x39, 0x07, 0xcb, 0x8c, 0xd8, 0x20, 0x0b, 0x5d, 0xa5,
			0x5a, 0x8b, 0xd4, 0x88, 0xea, 0xfc, 0x37, 0xc1,
		},
		.client_key = {
			0x8b, 0x1a, 0x0b, 0xc1, 0x21, 0x28, 0x42, 0x90,
			0xa2, 0x9e, 0x09, 0x71, 0xb5, 0xcd, 0x04, 0x5d,
		},
		.client_iv = {
			0x91, 0xf7, 0x3e, 0x23, 0x51, 0xd8, 0xfa, 0x91, 0x66, 0x0e, 0x90, 0x9f,
		},
		.client_hp = {
			0x45, 0xb9, 0x5e, 0x15, 0x23, 0x5d, 0x6f, 0x45,
			0xa6, 0xb1, 0x9c, 0xbc, 0xb0, 0x29, 0x4b, 0xa9,
		},
		.server_key = {
			0x82, 0xdb, 0x63, 0x78, 0x61, 0xd5, 0x5e, 0x1d,
			0x01, 0x1f, 0x19, 0xea, 0x71, 0xd5, 0xd2, 0xa7,
		},
		.server_iv = {
			0xdd, 0x13, 0xc2, 0x76, 0x49, 0x9c, 0x02, 0x49, 0xd3, 0x31, 0x06, 0x52,
		},
		.server_hp = {
			0xed, 0xf6, 0xd0, 0x5c, 0x83, 0x12, 0x12, 0x01,
			0xb4, 0x36, 0xe1, 0x68, 0x77, 0x59, 0x3c, 0x3a,
		},
	},
};

static void quic_test_initial_keys(struct quic_test_ctx *ctx)
{
	u8 client[QUIC_INITIAL_SECRET_LEN], server[QUIC_INITIAL_SECRET_LEN];
	const char *key_label, *hp_label;
	u8 key[16];
	int i;

	for (i = 0; i < ARRAY_SIZE(quic_test_initials); i++) {
		const struct quic_test_initial *v = &quic_test_initials[i];
		struct quic_crypto_key *c, *s;

		key_label = v->version == QUIC_VERSION_V2 ? "quicv2 key" : "quic key";
		hp_label = v->version == QUIC_VERSION_V2 ? "quicv2 hp" : "quic hp";
		if (!EXPECT_INT(ctx, quic_crypto_initial_secrets(v->version, quic_test_dcid,
								 sizeof(quic_test_dcid),
								 client, server), 0))
			continue;
		EXPECT_MEM(ctx, client, v->client_secret, sizeof(client));
		EXPECT_MEM(ctx, server, v->server_secret, sizeof(server));

		EXPECT_INT(ctx, quic_crypto_hkdf_expand_label("hmac(sha256)", client, 32,
							      key_label, key, 16), 0);
		EXPECT_MEM(ctx, key, v->client_key, 16);
		EXPECT_INT(ctx, quic_crypto_hkdf_expand_label("hmac(sha256)", server, 32,
							      key_label, key, 16), 0);
		EXPECT_MEM(ctx, key, v->server_key, 16);
		EXPECT_INT(ctx, quic_crypto_hkdf_expand_label("hmac(sha256)", client, 32,
							      hp_label, key, 16), 0);
		EXPECT_MEM(ctx, key, v->client_hp, 16);

		c = quic_test_key(ctx, v->version, TLS_CIPHER_AES_GCM_128, client);
		s = quic_test_key(ctx, v->version, TLS_CIPHER_AES_GCM_128, server);
		if (c && s) {
			EXPECT_MEM(ctx, c->iv, v->client_iv, QUIC_IV_LEN);
			EXPECT_MEM(ctx, c->hp_key, v->client_hp, 16);
			EXPECT_MEM(ctx, s->iv, v->server_iv, QUIC_IV_LEN);
			EXPECT_MEM(ctx, s->hp_key, v->server_hp, 16);
		}
		quic_test_key_put(c);
		quic_test_key_put(s);
	}
}

/* RFC 9001 A.2, A.3 and RFC 9369 A.2, A.3: every byte of the client and
 * server Initial packets of both versions, sealed from their plaintext and
 * opened back.
 */
struct quic_test_initial_packet {
	const char *name;
	u32 version;
	bool client;
	const u8 *hdr, *payload, *packet;
	u32 hdr_len, payload_len, padded_len, packet_len, pn_len;
	u64 pn;
};

#define QUIC_TEST_INITIAL(v, V, side, SIDE, is_client, padded) {		\
	.name = #v " " #side,						\
	.version = QUIC_##V##_VERSION,					\
	.client = is_client,						\
	.hdr = quic_##v##_##side##_initial_header,			\
	.hdr_len = sizeof(quic_##v##_##side##_initial_header),		\
	.payload = quic_##v##_##side##_initial_payload,			\
	.payload_len = sizeof(quic_##v##_##side##_initial_payload),	\
	.padded_len = padded,						\
	.packet = quic_##v##_##side##_initial_packet,			\
	.packet_len = QUIC_##V##_##SIDE##_INITIAL_PACKET_LEN,		\
	.pn = QUIC_##V##_##SIDE##_INITIAL_PN,				\
	.pn_len = QUIC_##V##_##SIDE##_INITIAL_PN_LEN,			\
}

static const struct quic_test_initial_packet quic_test_initial_packets[] = {
	QUIC_TEST_INITIAL(v1, V1, client, CLIENT, true, QUIC_V1_CLIENT_INITIAL_PAYLOAD_LEN),
	QUIC_TEST_INITIAL(v1, V1, server, SERVER, false,
			  sizeof(quic_v1_server_initial_payload)),
	QUIC_TEST_INITIAL(v2, V2, client, CLIENT, true, QUIC_V2_CLIENT_INITIAL_PAYLOAD_LEN),
	QUIC_TEST_INITIAL(v2, V2, server, SERVER, false,
			  sizeof(quic_v2_server_initial_payload)),
};

static void quic_test_initial_packet(struct quic_test_ctx *ctx,
				     const struct quic_test_initial_packet *t)
{
	u8 client[QUIC_INITIAL_SECRET_LEN], server[QUIC_INITIAL_SECRET_LEN];
	u32 pn_offset = t->hdr_len - t->pn_len, pn_len;
	struct quic_crypto_key *key = NULL;
	u8 *pkt;

	pkt = kzalloc(t->packet_len, GFP_KERNEL);
	if (!pkt) {
		quic_test_fail(ctx, "out of memory");
		return;
	}
	if (!EXPECT_INT(ctx, t->hdr_len + t->padded_len + QUIC_TAG_LEN, t->packet_len) ||
	    !EXPECT_INT(ctx, quic_crypto_initial_secrets(t->version, quic_test_dcid,
							 sizeof(quic_test_dcid),
							 client, server), 0))
		goto out;
	key = quic_test_key(ctx, t->version, TLS_CIPHER_AES_GCM_128,
			    t->client ? client : server);
	if (!key)
		goto out;
	memcpy(pkt, t->hdr, t->hdr_len);
	memcpy(pkt + t->hdr_len, t->payload, t->payload_len);
	EXPECT_INT(ctx, quic_crypto_seal(key, pkt, t->hdr_len, t->padded_len, 0, t->pn), 0);
	EXPECT_INT(ctx, quic_crypto_hp_apply(key, pkt, t->packet_len, pn_offset, t->pn_len), 0);
	if (memcmp(pkt, t->packet, t->packet_len))
		quic_test_fail(ctx, "%s Initial differs from the RFC's", t->name);

	EXPECT_INT(ctx, quic_crypto_hp_remove(key, pkt, t->packet_len, pn_offset, &pn_len), 0);
	EXPECT_INT(ctx, pn_len, t->pn_len);
	EXPECT_INT(ctx, quic_crypto_open(key, pkt, t->hdr_len, t->packet_len, 0, t->pn), 0);
	EXPECT_MEM(ctx, pkt, t->hdr, t->hdr_len);
	EXPECT_MEM(ctx, pkt + t->hdr_len, t->payload, t->payload_len);
out:
	quic_test_key_put(key);
	kfree(pkt);
}

static void quic_test_initial_packets_all(struct quic_test_ctx *ctx)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(quic_test_initial_packets); i++)
		quic_test_initial_packet(ctx, &quic_test_initial_packets[i]);
}

/* RFC 9001 Appendix A.5: ChaCha20-Poly1305 short header packet. */
static void quic_test_chacha20_short_header(struct quic_test_ctx *ctx)
{
	static const u8 secret[] = {
		0x9a, 0xc3, 0x12, 0xa7, 0xf8, 0x77, 0x46, 0x8e, 0xbe, 0x69, 0x42, 0x27,
		0x48, 0xad, 0x00, 0xa1, 0x54, 0x43, 0xf1, 0x82, 0x03, 0xa0, 0x7d, 0x60,
		0x60, 0xf6, 0x88, 0xf3, 0x0f, 0x21, 0x63, 0x2b,
	};
	static const u8 iv[] = {
		0xe0, 0x45, 0x9b, 0x34, 0x74, 0xbd, 0xd0, 0xe4, 0x4a, 0x41, 0xc1, 0x44,
	};
	static const u8 hp[] = {
		0x25, 0xa2, 0x82, 0xb9, 0xe8, 0x2f, 0x06, 0xf2, 0x1f, 0x48, 0x89, 0x17,
		0xa4, 0xfc, 0x8f, 0x1b, 0x73, 0x57, 0x36, 0x85, 0x60, 0x85, 0x97, 0xd0,
		0xef, 0xcb, 0x07, 0x6b, 0x0a, 0xb7, 0xa7, 0xa4,
	};
	static const u8 ku[] = {
		0x12, 0x23, 0x50, 0x47, 0x55, 0x03, 0x6d, 0x55, 0x63, 0x42, 0xee, 0x93,
		0x61, 0xd2, 0x53, 0x42, 0x1a, 0x82, 0x6c, 0x9e, 0xcd, 0xf3, 0xc7, 0x14,
		0x86, 0x84, 0xb3, 0x6b, 0x71, 0x48, 0x81, 0xf9,
	};
	static const u8 plain[] = { 0x42, 0x00, 0xbf, 0xf4, 0x01 };
	static const u8 protected[] = {
		0x4c, 0xfe, 0x41, 0x89, 0x65, 0x5e, 0x5c, 0xd5, 0x5c, 0x41, 0xf6, 0x90,
		0x80, 0x57, 0x5d, 0x79, 0x99, 0xc2, 0x5a, 0x5b, 0xfb,
	};
	const u64 pn = 654360564;
	struct quic_crypto_key *key, *next = NULL;
	u8 *pkt = NULL;
	u32 pn_len;

	key = quic_test_key(ctx, QUIC_VERSION_V1, TLS_CIPHER_CHACHA20_POLY1305, secret);
	if (!key)
		return;
	EXPECT_MEM(ctx, key->iv, iv, sizeof(iv));
	EXPECT_MEM(ctx, key->hp_key, hp, sizeof(hp));

	pkt = kzalloc(sizeof(protected), GFP_KERNEL);
	if (!pkt)
		goto out;
	memcpy(pkt, plain, sizeof(plain));
	EXPECT_INT(ctx, quic_crypto_seal(key, pkt, 4, 1, 0, pn), 0);
	/* 1 byte of payload: the sample starts 4 bytes after the number. */
	EXPECT_INT(ctx, quic_crypto_hp_apply(key, pkt, sizeof(protected), 1, 3), 0);
	EXPECT_MEM(ctx, pkt, protected, sizeof(protected));

	EXPECT_INT(ctx, quic_crypto_hp_remove(key, pkt, sizeof(protected), 1, &pn_len), 0);
	EXPECT_INT(ctx, pn_len, 3);
	EXPECT_INT(ctx, quic_crypto_open(key, pkt, 4, sizeof(protected), 0, pn), 0);
	EXPECT_MEM(ctx, pkt, plain, sizeof(plain));

	/* RFC 9001 section 6: the next secret; the hp key does not change. */
	next = kzalloc(sizeof(*next), GFP_KERNEL);
	if (!next)
		goto out;
	if (EXPECT_INT(ctx, quic_crypto_key_update(next, key), 0)) {
		EXPECT_MEM(ctx, next->secret, ku, sizeof(ku));
		EXPECT_MEM(ctx, next->hp_key, hp, sizeof(hp));
	}
out:
	quic_test_key_put(next);
	kfree(pkt);
	quic_test_key_put(key);
}

/* RFC 9001 A.4 and RFC 9369 A.4: Retry packets, tag at the end. */
static void quic_test_retry_tag(struct quic_test_ctx *ctx)
{
	static const u8 retry_v1[] = {
		0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0xf0, 0x67, 0xa5, 0x50, 0x2a,
		0x42, 0x62, 0xb5, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x04, 0xa2, 0x65, 0xba,
		0x2e, 0xff, 0x4d, 0x82, 0x90, 0x58, 0xfb, 0x3f, 0x0f, 0x24, 0x96, 0xba,
	};
	static const u8 retry_v2[] = {
		0xcf, 0x6b, 0x33, 0x43, 0xcf, 0x00, 0x08, 0xf0, 0x67, 0xa5, 0x50, 0x2a,
		0x42, 0x62, 0xb5, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0xc8, 0x64, 0x6c, 0xe8,
		0xbf, 0xe3, 0x39, 0x52, 0xd9, 0x55, 0x54, 0x36, 0x65, 0xdc, 0xc7, 0xb6,
	};
	u8 tag[QUIC_TAG_LEN];
	u32 len = sizeof(retry_v1) - QUIC_TAG_LEN;

	EXPECT_INT(ctx, quic_crypto_retry_tag(QUIC_VERSION_V1, quic_test_dcid,
					      sizeof(quic_test_dcid), retry_v1, len, tag), 0);
	EXPECT_MEM(ctx, tag, retry_v1 + len, QUIC_TAG_LEN);
	EXPECT_INT(ctx, quic_crypto_retry_tag(QUIC_VERSION_V2, quic_test_dcid,
					      sizeof(quic_test_dcid), retry_v2, len, tag), 0);
	EXPECT_MEM(ctx, tag, retry_v2 + len, QUIC_TAG_LEN);
	/* The tag binds the original DCID. */
	EXPECT_INT(ctx, quic_crypto_retry_tag(QUIC_VERSION_V1, quic_test_dcid, 7,
					      retry_v1, len, tag), 0);
	if (!memcmp(tag, retry_v1 + len, QUIC_TAG_LEN))
		quic_test_fail(ctx, "Retry tag ignores the ODCID");
	EXPECT_INT(ctx, quic_crypto_retry_tag(QUIC_VERSION_V1, quic_test_dcid, 21,
					      retry_v1, len, tag), -EINVAL);
}

/* Seal then open a packet with every cipher; a flipped bit must fail. */
static void quic_test_round_trip(struct quic_test_ctx *ctx)
{
	static const u32 types[] = {
		TLS_CIPHER_AES_GCM_128, TLS_CIPHER_AES_GCM_256,
		TLS_CIPHER_CHACHA20_POLY1305,
	};
	const u32 hdr_len = 9, payload_len = 100, len = 9 + 100 + QUIC_TAG_LEN;
	struct quic_crypto_key *tx, *rx;
	u8 *pkt, *plain, secret[QUIC_SECRET_MAX_LEN];
	u32 pn_len;
	int i;

	tx = kzalloc(sizeof(*tx), GFP_KERNEL);
	rx = kzalloc(sizeof(*rx), GFP_KERNEL);
	pkt = kmalloc(len, GFP_KERNEL);
	plain = kmalloc(len, GFP_KERNEL);
	if (!tx || !rx || !pkt || !plain) {
		quic_test_fail(ctx, "out of memory");
		goto out;
	}
	for (i = 0; i < sizeof(secret); i++)
		secret[i] = i * 7;
	for (i = 0; i < len; i++)
		plain[i] = i;
	plain[0] = 0x43;	/* short header, 4-byte packet number */

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		if (!EXPECT_INT(ctx, quic_crypto_key_install(tx, QUIC_VERSION_V1,
							     types[i], secret), 0) ||
		    !EXPECT_INT(ctx, quic_crypto_key_install(rx, QUIC_VERSION_V1,
							     types[i], secret), 0))
			goto out;
		memcpy(pkt, plain, len);
		EXPECT_INT(ctx, quic_crypto_seal(tx, pkt, hdr_len, payload_len, 7, 1234), 0);
		EXPECT_INT(ctx, quic_crypto_hp_apply(tx, pkt, len, 5, 4), 0);
		EXPECT_INT(ctx, quic_crypto_hp_remove(rx, pkt, len, 5, &pn_len), 0);
		EXPECT_INT(ctx, pn_len, 4);
		EXPECT_MEM(ctx, pkt, plain, hdr_len);
		EXPECT_INT(ctx, quic_crypto_open(rx, pkt, hdr_len, len, 7, 1234), 0);
		EXPECT_MEM(ctx, pkt + hdr_len, plain + hdr_len, payload_len);

		/* The nonce binds the path: another path ID must not open it. */
		memcpy(pkt, plain, len);
		quic_crypto_seal(tx, pkt, hdr_len, payload_len, 7, 1234);
		EXPECT_INT(ctx, quic_crypto_open(rx, pkt, hdr_len, len, 8, 1234),
			   -EBADMSG);
		/* So does every byte: header (AAD), payload and tag. */
		memcpy(pkt, plain, len);
		quic_crypto_seal(tx, pkt, hdr_len, payload_len, 7, 1234);
		pkt[2] ^= 1;
		EXPECT_INT(ctx, quic_crypto_open(rx, pkt, hdr_len, len, 7, 1234),
			   -EBADMSG);
		memcpy(pkt, plain, len);
		quic_crypto_seal(tx, pkt, hdr_len, payload_len, 7, 1234);
		pkt[len - 1] ^= 0x80;
		EXPECT_INT(ctx, quic_crypto_open(rx, pkt, hdr_len, len, 7, 1234),
			   -EBADMSG);
		EXPECT_INT(ctx, quic_crypto_open(rx, pkt, hdr_len, hdr_len + 15, 7, 1234),
			   -EINVAL);
		quic_crypto_key_free(tx);
		quic_crypto_key_free(rx);
	}
	EXPECT_INT(ctx, quic_crypto_key_install(tx, QUIC_VERSION_V1, 53, secret), -EINVAL);
out:
	kfree(plain);
	kfree(pkt);
	kfree(rx);
	kfree(tx);
}

static const struct quic_test_case quic_crypto_cases[] = {
	{ "initial_keys", quic_test_initial_keys },
	{ "initial_packets", quic_test_initial_packets_all },
	{ "chacha20_short_header", quic_test_chacha20_short_header },
	{ "retry_tag", quic_test_retry_tag },
	{ "multipath_nonce", quic_test_multipath_nonce },
	{ "round_trip", quic_test_round_trip },
};

#define QUIC_TEST_SUITE_NAME	"quic_crypto"
#define QUIC_TEST_CASES		quic_crypto_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC packet protection test vectors");
MODULE_LICENSE("GPL");
