/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What quic_inject.c needs to forge 1-RTT packets of the client: the
 * constants of RFC 9000 (error codes, frame types), its packet protection
 * with libcrypto (RFC 9001 section 5: HKDF-Expand-Label, AES-128-GCM,
 * header protection), frame encoders, and a raw socket sender that puts
 * any source address and port on a UDP datagram.
 */

#ifndef QUIC_INJECT_H
#define QUIC_INJECT_H

#include <netinet/ip.h>
#include <netinet/udp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "quic_xfer.h"

#define CID_LEN		8	/* the kernel issues 8-byte IDs */
#define PN_LEN		4	/* injected packets send 4-byte numbers */
#define PN_OFF		(1 + CID_LEN)
#define HDR_LEN		(PN_OFF + PN_LEN)
#define TAG_LEN		16
#define SAMPLE_LEN	16
#define MAX_PKT		1400
#define INJECT_PN	1000000	/* far above what the client has sent */
#define ACK_DELAY_MS	300	/* the server's max_ack_delay */
#define DGRAM_LIMIT	100	/* its max_datagram_frame_size, when set */
#define THROWAWAY_SID	10	/* client uni stream of inject_valid() */

/* Transport error codes, RFC 9000 section 20.1. */
#define E_FLOW_CONTROL		0x03
#define E_STREAM_LIMIT		0x04
#define E_STREAM_STATE		0x05
#define E_FINAL_SIZE		0x06
#define E_FRAME_ENCODING	0x07
#define E_CID_LIMIT		0x09
#define E_PROTOCOL_VIOLATION	0x0a
#define E_CRYPTO_BUFFER		0x0d

/* Frame types, RFC 9000 section 19 and RFC 9221 section 4. */
#define F_PADDING		0x00
#define F_PING			0x01
#define F_ACK			0x02
#define F_RESET_STREAM		0x04
#define F_STOP_SENDING		0x05
#define F_CRYPTO		0x06
#define F_NEW_TOKEN		0x07
#define F_STREAM		0x08	/* | OFF 0x04 | LEN 0x02 | FIN 0x01 */
#define F_STREAM_OFF		0x04
#define F_STREAM_LEN		0x02
#define F_STREAM_FIN		0x01
#define F_MAX_STREAM_DATA	0x11
#define F_MAX_STREAMS_BIDI	0x12
#define F_MAX_STREAMS_UNI	0x13
#define F_STREAM_DATA_BLOCKED	0x15
#define F_NEW_CONNECTION_ID	0x18
#define F_RETIRE_CONNECTION_ID	0x19
#define F_PATH_CHALLENGE	0x1a
#define F_PATH_RESPONSE		0x1b
#define F_HANDSHAKE_DONE	0x1e
#define F_DATAGRAM		0x30
#define F_DATAGRAM_LEN		0x31

/* Packet protection keys of one direction (RFC 9001 section 5.1). */
struct pkey {
	uint8_t key[16];
	uint8_t iv[12];
	uint8_t hp[16];
};

/*
 * HKDF-Expand-Label(secret, label, "", len) of RFC 8446 section 7.1 with
 * SHA-256. Every output here is at most one hash long, so HKDF-Expand
 * (RFC 5869 section 2.3) is the single block T(1) = HMAC(secret, info|1).
 */
static int hkdf_expand_label(const uint8_t *secret, size_t secret_len,
			     const char *label, uint8_t *out, size_t len)
{
	uint8_t info[2 + 1 + 255 + 1 + 1], t[EVP_MAX_MD_SIZE];
	size_t label_len = strlen(label), n = 0;
	unsigned int t_len = 0;

	if (len > 32 || label_len > 249)
		return -1;
	info[n++] = len >> 8;
	info[n++] = len & 0xff;
	info[n++] = 6 + label_len;
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, label_len);
	n += label_len;
	info[n++] = 0;		/* empty context */
	info[n++] = 1;		/* HKDF-Expand block counter */
	if (!HMAC(EVP_sha256(), secret, secret_len, info, n, t, &t_len) ||
	    t_len < len)
		return -1;
	memcpy(out, t, len);
	return 0;
}

/* RFC 9001 section 5.1: key, IV and header protection key of a secret. */
static int derive_keys(uint8_t fill, struct pkey *k)
{
	uint8_t secret[FAKE_SECRET_LEN];

	memset(secret, fill, sizeof(secret));
	return hkdf_expand_label(secret, sizeof(secret), "quic key", k->key,
				 sizeof(k->key)) ||
	       hkdf_expand_label(secret, sizeof(secret), "quic iv", k->iv,
				 sizeof(k->iv)) ||
	       hkdf_expand_label(secret, sizeof(secret), "quic hp", k->hp,
				 sizeof(k->hp));
}

/* RFC 9001 section 5.4.3: mask = AES-ECB(hp_key, sample). */
static int hp_mask(const struct pkey *k, const uint8_t *sample, uint8_t *mask)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k->hp,
				       NULL) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_EncryptUpdate(ctx, mask, &n, sample, SAMPLE_LEN) &&
	     n == SAMPLE_LEN;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/*
 * AES-128-GCM over @len bytes at @p in place, the header as associated
 * data and the 16-byte tag written after the ciphertext. RFC 9001
 * section 5.3: the nonce is the IV XOR the packet number, left-padded.
 */
static int aead_seal(const struct pkey *k, uint64_t pn, const uint8_t *aad,
		     size_t aad_len, uint8_t *p, size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t nonce[12];
	int n = 0, ok, i;

	memcpy(nonce, k->iv, sizeof(nonce));
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL,
				       NULL) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) &&
	     EVP_EncryptInit_ex(ctx, NULL, NULL, k->key, nonce) &&
	     EVP_EncryptUpdate(ctx, NULL, &n, aad, aad_len) &&
	     (!len || EVP_EncryptUpdate(ctx, p, &n, p, len)) &&
	     EVP_EncryptFinal_ex(ctx, p + len, &n) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, p + len);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/*
 * Build a protected 1-RTT packet into @out (RFC 9000 section 17.3.1):
 * first byte 0b01RRK011 with @bits as the R bits (0 when valid) and the
 * K bit (key phase, 0x04), a 4-byte packet number. Returns its length or
 * -1.
 */
static ssize_t seal_1rtt(const struct pkey *k, const uint8_t *dcid,
			 uint64_t pn, uint8_t bits, const uint8_t *payload,
			 size_t len, uint8_t *out)
{
	uint8_t mask[SAMPLE_LEN];
	int i;

	if (HDR_LEN + len + TAG_LEN > MAX_PKT)
		return -1;
	out[0] = 0x40 | (bits & 0x1c) | (PN_LEN - 1);
	memcpy(out + 1, dcid, CID_LEN);
	for (i = 0; i < PN_LEN; i++)
		out[PN_OFF + i] = (uint8_t)(pn >> (8 * (PN_LEN - 1 - i)));
	if (len)
		memcpy(out + HDR_LEN, payload, len);
	if (aead_seal(k, pn, out, HDR_LEN, out + HDR_LEN, len))
		return -1;
	/* RFC 9001 section 5.4.2: the sample starts 4 bytes into the PN. */
	if (hp_mask(k, out + PN_OFF + 4, mask))
		return -1;
	out[0] ^= mask[0] & 0x1f;
	for (i = 0; i < PN_LEN; i++)
		out[PN_OFF + i] ^= mask[1 + i];
	return HDR_LEN + len + TAG_LEN;
}

/*
 * Open a 1-RTT packet of the server (to the client's 8-byte ID) in place:
 * header protection removed, payload decrypted and moved to the start of
 * @p. Returns the payload length, or -1 if it does not authenticate. The
 * packet number is taken as sent (the server's are small here).
 */
static ssize_t open_1rtt(const struct pkey *k, uint8_t *p, size_t len)
{
	uint8_t mask[SAMPLE_LEN], nonce[12];
	unsigned int i, pn_len, hdr;
	EVP_CIPHER_CTX *ctx;
	uint64_t pn = 0;
	int n, ok;

	if (len < PN_OFF + 4 + SAMPLE_LEN + TAG_LEN ||
	    hp_mask(k, p + PN_OFF + 4, mask))
		return -1;
	p[0] ^= mask[0] & 0x1f;
	pn_len = (p[0] & 0x03) + 1;
	for (i = 0; i < pn_len; i++) {
		p[PN_OFF + i] ^= mask[1 + i];
		pn = (pn << 8) | p[PN_OFF + i];
	}
	hdr = PN_OFF + pn_len;
	memcpy(nonce, k->iv, sizeof(nonce));
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL,
				       NULL) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) &&
	     EVP_DecryptInit_ex(ctx, NULL, NULL, k->key, nonce) &&
	     EVP_DecryptUpdate(ctx, NULL, &n, p, hdr) &&
	     EVP_DecryptUpdate(ctx, p + hdr, &n, p + hdr,
			       len - hdr - TAG_LEN) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
				 p + len - TAG_LEN) &&
	     EVP_DecryptFinal_ex(ctx, mask, &n) > 0;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return -1;
	memmove(p, p + hdr, len - hdr - TAG_LEN);
	return len - hdr - TAG_LEN;
}

/* RFC 9000 appendix A.3. */
static uint64_t pn_decode(int64_t largest, uint64_t truncated, unsigned int bits)
{
	uint64_t expected = (uint64_t)(largest + 1), win = 1ULL << bits;
	uint64_t hwin = win / 2, cand = (expected & ~(win - 1)) | truncated;

	if (cand + hwin <= expected && cand < (1ULL << 62) - win)
		return cand + win;
	if (cand > expected + hwin && cand >= win)
		return cand - win;
	return cand;
}

/* Packet number of a client packet (only header protection removed). */
static int read_pn(const struct pkey *k, const uint8_t *p, size_t len,
		   int64_t largest, uint64_t *pn)
{
	uint8_t mask[SAMPLE_LEN];
	unsigned int i, pn_len;
	uint64_t t = 0;

	if (len < PN_OFF + 4 + SAMPLE_LEN || hp_mask(k, p + PN_OFF + 4, mask))
		return -1;
	pn_len = ((p[0] ^ mask[0]) & 0x03) + 1;
	for (i = 0; i < pn_len; i++)
		t = (t << 8) | (uint8_t)(p[PN_OFF + i] ^ mask[1 + i]);
	*pn = pn_decode(largest, t, 8 * pn_len);
	return 0;
}

/* A frame (or payload) being written. */
struct buf {
	uint8_t d[MAX_PKT];
	size_t n;
};

static void put_u8(struct buf *b, uint8_t v)
{
	if (b->n < sizeof(b->d))
		b->d[b->n++] = v;
}

static void put_bytes(struct buf *b, const void *p, size_t len)
{
	if (len > sizeof(b->d) - b->n)
		len = sizeof(b->d) - b->n;
	memcpy(b->d + b->n, p, len);
	b->n += len;
}

/* A variable-length integer in @len bytes (RFC 9000 section 16). */
static void put_varint_n(struct buf *b, uint64_t v, int len)
{
	static const uint8_t prefix[] = { [1] = 0x00, [2] = 0x40, [4] = 0x80,
					  [8] = 0xc0 };
	int i;

	for (i = len - 1; i >= 0; i--)
		put_u8(b, (uint8_t)((v >> (8 * i)) |
			  (i == len - 1 ? prefix[len] : 0)));
}

/* The shortest encoding. */
static void put_varint(struct buf *b, uint64_t v)
{
	put_varint_n(b, v, v < 64 ? 1 : v < 16384 ? 2 : v < (1U << 30) ? 4 : 8);
}

/* STREAM frame (section 19.8) with Offset and Length fields. */
static void put_stream(struct buf *b, uint64_t sid, uint64_t off,
		       const void *data, size_t len, int fin)
{
	put_u8(b, F_STREAM | F_STREAM_OFF | F_STREAM_LEN | (fin ? F_STREAM_FIN : 0));
	put_varint(b, sid);
	put_varint(b, off);
	put_varint(b, len);
	put_bytes(b, data, len);
}

static void put_reset_stream(struct buf *b, uint64_t sid, uint64_t code,
			     uint64_t final)
{
	put_u8(b, F_RESET_STREAM);
	put_varint(b, sid);
	put_varint(b, code);
	put_varint(b, final);
}

/* NEW_CONNECTION_ID (section 19.15) with any length byte. */
static void put_new_cid(struct buf *b, uint64_t seq, uint64_t retire,
			unsigned int len, uint8_t fill)
{
	uint8_t cid[255], token[16];

	memset(cid, fill, sizeof(cid));
	memset(token, fill ^ 0x5a, sizeof(token));
	put_u8(b, F_NEW_CONNECTION_ID);
	put_varint(b, seq);
	put_varint(b, retire);
	put_u8(b, len);
	put_bytes(b, cid, len);
	put_bytes(b, token, sizeof(token));
}

static uint16_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += (p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * Send @len bytes of UDP payload from @src to @dst through an IPPROTO_RAW
 * socket: our own IPv4 and UDP headers, so the source can be the
 * client's address and port (RFC 768 checksum with the pseudo-header).
 */
static int raw_send(int fd, const struct sockaddr_in *src,
		    const struct sockaddr_in *dst, const uint8_t *data,
		    size_t len)
{
	uint8_t pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + MAX_PKT];
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *uh = (struct udphdr *)(ip + 1);
	uint8_t pseudo[12];
	uint32_t sum;
	size_t total = sizeof(*ip) + sizeof(*uh) + len;

	if (len > MAX_PKT)
		return -1;
	memset(pkt, 0, sizeof(*ip) + sizeof(*uh));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(total);
	ip->saddr = src->sin_addr.s_addr;
	ip->daddr = dst->sin_addr.s_addr;
	uh->source = src->sin_port;
	uh->dest = dst->sin_port;
	uh->len = htons(sizeof(*uh) + len);
	memcpy(uh + 1, data, len);
	memcpy(pseudo, &ip->saddr, 4);
	memcpy(pseudo + 4, &ip->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	memcpy(pseudo + 10, &uh->len, 2);
	sum = csum_add(0, pseudo, sizeof(pseudo));
	sum = csum_add(sum, (uint8_t *)uh, sizeof(*uh) + len);
	uh->check = htons(~sum & 0xffff) ?: 0xffff;
	if (sendto(fd, pkt, total, 0, (const void *)dst, sizeof(*dst)) !=
	    (ssize_t)total)
		return -1;
	return 0;
}

/* Deterministic junk (xorshift64). */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif /* QUIC_INJECT_H */
