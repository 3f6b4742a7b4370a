// SPDX-License-Identifier: GPL-2.0
/*
 * Retry (RFC 9000 sections 8.1.2, 17.2.5) on loopback. A listener with
 * QUIC_CONFIG.validate_peer_address answers an Initial without a token
 * with a Retry whose integrity tag (RFC 9001 section 5.8) is checked here
 * with libcrypto; a bogus Retry token gets nothing, a token replayed from
 * another port gets nothing. A kernel client takes one Retry and only one
 * with a valid tag, and handshakes complete through Retry in v1 and v2.
 * Plain UDP sockets play the other end where raw packets are needed.
 */

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

#define V1		0x00000001U
#define V2		0x6b3343cfU

static const uint8_t retry_key_v1[16] = {
	0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,
	0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e,
};
static const uint8_t retry_nonce_v1[12] = {
	0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2,
	0x23, 0x98, 0x25, 0xbb,
};
static const uint8_t retry_key_v2[16] = {
	0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2,
	0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92,
};
static const uint8_t retry_nonce_v2[12] = {
	0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99,
	0x90, 0xef, 0xb0, 0x4a,
};

/* RFC 9001 section 5.8: the tag is AES-128-GCM over the pseudo-packet. */
static int retry_tag(uint32_t version, const uint8_t *odcid, uint8_t odcid_len,
		     const uint8_t *pkt, size_t len, uint8_t *tag)
{
	uint8_t aad[1 + 20 + 1500];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	aad[0] = odcid_len;
	memcpy(aad + 1, odcid, odcid_len);
	memcpy(aad + 1 + odcid_len, pkt, len);
	ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) &&
	     EVP_EncryptInit_ex(ctx, NULL, NULL,
				version == V2 ? retry_key_v2 : retry_key_v1,
				version == V2 ? retry_nonce_v2 : retry_nonce_v1) &&
	     EVP_EncryptUpdate(ctx, NULL, &n, aad, 1 + odcid_len + len) &&
	     EVP_EncryptFinal_ex(ctx, aad, &n) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* A parsed long header: what the tests look at. */
struct lhdr {
	uint8_t type_bits;
	uint32_t version;
	uint8_t dcid[20], dcid_len, scid[20], scid_len;
	const uint8_t *token;	/* Initial: after its length; Retry: to tag */
	size_t token_len;
};

static int parse_long(const uint8_t *p, size_t n, struct lhdr *h)
{
	size_t off = 5;

	if (n < 7 || !(p[0] & 0x80))
		return -1;
	h->type_bits = (p[0] >> 4) & 3;
	h->version = get32(p + 1);
	h->dcid_len = p[off++];
	if (h->dcid_len > 20 || off + h->dcid_len + 1 > n)
		return -1;
	memcpy(h->dcid, p + off, h->dcid_len);
	off += h->dcid_len;
	h->scid_len = p[off++];
	if (h->scid_len > 20 || off + h->scid_len > n)
		return -1;
	memcpy(h->scid, p + off, h->scid_len);
	off += h->scid_len;
	h->token = p + off;
	h->token_len = n - off;
	return (int)off;
}

/* The type bits of an Initial and a Retry: RFC 9000 17.2, RFC 9369 3.2. */
static uint8_t initial_bits(uint32_t v)
{
	return v == V2 ? 1 : 0;
}

static uint8_t retry_bits(uint32_t v)
{
	return v == V2 ? 0 : 3;
}

/* A client Initial header (garbage payload) of 1200 bytes with @token. */
static size_t raw_initial(uint8_t *p, uint32_t version, const uint8_t *dcid,
			  uint8_t dcid_len, const uint8_t *token, uint8_t tlen)
{
	size_t n = 0;

	memset(p, 0x5a, 1200);
	p[n++] = 0xc0 | (initial_bits(version) << 4) | 3;
	put32(p + n, version);
	n += 4;
	p[n++] = dcid_len;
	memcpy(p + n, dcid, dcid_len);
	n += dcid_len;
	p[n++] = 5;
	memcpy(p + n, "\x01\x02\x03\x04\x05", 5);
	n += 5;
	p[n++] = tlen;		/* below 64: a one-byte varint */
	memcpy(p + n, token, tlen);
	n += tlen;
	/* Length: the rest, as a two-byte varint. */
	p[n] = 0x40 | ((1200 - n - 2) >> 8);
	p[n + 1] = (1200 - n - 2) & 0xff;
	return 1200;
}

FIXTURE(retry)
{
	int lsn, cli, srv, udp, udp2;
	struct sockaddr_in addr;	/* the QUIC listener */
	struct sockaddr_in uaddr;	/* the plain UDP socket */
};

static int udp_socket(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = 0;
	if (fd < 0 || bind(fd, (void *)a, len) ||
	    getsockname(fd, (void *)a, &len))
		return -1;
	fake_timeouts(fd, 1000);
	return fd;
}

FIXTURE_SETUP(retry)
{
	struct quic_config c = { .validate_peer_address = 1 };
	struct sockaddr_in a2;
	socklen_t len = sizeof(self->addr);

	memset(&self->addr, 0, sizeof(self->addr));
	self->addr.sin_family = AF_INET;
	self->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	self->srv = -1;
	self->lsn = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->lsn);
	ASSERT_EQ(0, setsockopt(self->lsn, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c,
				sizeof(c)));
	ASSERT_EQ(0, bind(self->lsn, (void *)&self->addr, len));
	ASSERT_EQ(0, getsockname(self->lsn, (void *)&self->addr, &len));
	ASSERT_EQ(0, listen(self->lsn, 8));
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->cli);
	fake_timeouts(self->cli, 5000);
	self->udp = udp_socket(&self->uaddr);
	ASSERT_LE(0, self->udp);
	self->udp2 = udp_socket(&a2);
	ASSERT_LE(0, self->udp2);
}

FIXTURE_TEARDOWN(retry)
{
	if (self->srv >= 0)
		close(self->srv);
	close(self->cli);
	close(self->lsn);
	close(self->udp);
	close(self->udp2);
}

/* Let the listener look at what it queued: Retries go out from accept(). */
static void poke_listener(int lsn)
{
	int fl = fcntl(lsn, F_GETFL), fd;

	usleep(100000);
	fcntl(lsn, F_SETFL, fl | O_NONBLOCK);
	fd = accept(lsn, NULL, NULL);
	if (fd >= 0)
		close(fd);
	fcntl(lsn, F_SETFL, fl);
}

/* Send a raw Initial from @fd and read the Retry (or nothing: -1). */
static ssize_t initial_for_retry(FIXTURE_DATA(retry) *self, int fd,
				 uint32_t version, const uint8_t *dcid,
				 const uint8_t *token, uint8_t tlen,
				 uint8_t *out, size_t out_len)
{
	uint8_t pkt[1200];

	raw_initial(pkt, version, dcid, 8, token, tlen);
	if (sendto(fd, pkt, 1200, 0, (void *)&self->addr,
		   sizeof(self->addr)) != 1200)
		return -1;
	poke_listener(self->lsn);
	fake_timeouts(fd, 500);
	return recv(fd, out, out_len, 0);
}

/*
 * The Retry: type Retry of the Initial's version, the client's IDs (its
 * SCID as DCID, a new SCID), a token, and a tag that verifies with the
 * client's original DCID. Then what the token does not buy.
 */
static void expect_retry(struct __test_metadata *_metadata,
			 FIXTURE_DATA(retry) *self, uint32_t version)
{
	static const uint8_t dcid[8] = { 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6,
					 0xd7, 0xd8 };
	uint8_t r[1500], tag[16], token[64], scid[20];
	struct lhdr h;
	size_t tlen;
	ssize_t n;

	n = initial_for_retry(self, self->udp, version, dcid, NULL, 0, r,
			      sizeof(r));
	ASSERT_LT(0, n) TH_LOG("no Retry: %s", strerror(errno));
	ASSERT_LT(0, parse_long(r, n, &h));
	EXPECT_EQ(version, h.version);
	EXPECT_EQ(retry_bits(version), h.type_bits);
	ASSERT_EQ(5, h.dcid_len);
	EXPECT_EQ(0, memcmp(h.dcid, "\x01\x02\x03\x04\x05", 5));
	ASSERT_LE(8, h.scid_len);
	EXPECT_NE(0, memcmp(h.scid, dcid, 8));
	ASSERT_LT(16U, h.token_len);
	tlen = h.token_len - 16;
	ASSERT_GE(sizeof(token), tlen);
	ASSERT_EQ(0, retry_tag(version, dcid, 8, r, n - 16, tag));
	EXPECT_EQ(0, memcmp(tag, r + n - 16, 16)) TH_LOG("Retry tag");
	memcpy(token, h.token, tlen);
	ASSERT_EQ(8, h.scid_len);
	memcpy(scid, h.scid, h.scid_len);

	/* The token from another port: bound to the address and port. */
	EXPECT_EQ(-1, initial_for_retry(self, self->udp2, version, scid,
					token, tlen, r, sizeof(r)));
	/* A forged Retry token: dropped, no second Retry. */
	token[tlen - 1] ^= 1;
	EXPECT_EQ(-1, initial_for_retry(self, self->udp, version, scid,
					token, tlen, r, sizeof(r)));
	/* A token of another kind that does not check out: a Retry. */
	token[0] = 2;
	EXPECT_LT(0, initial_for_retry(self, self->udp, version, dcid,
				       token, 20, r, sizeof(r)));
}

TEST_F(retry, retry_sent_v1)
{
	expect_retry(_metadata, self, V1);
}

TEST_F(retry, retry_sent_v2)
{
	expect_retry(_metadata, self, V2);
}

/* Without validate_peer_address, no Retry. */
TEST_F(retry, no_retry_by_default)
{
	static const uint8_t dcid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t r[1500];
	int lsn = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	struct sockaddr_in a = self->addr;

	ASSERT_LE(0, lsn);
	a.sin_port = 0;
	ASSERT_EQ(0, bind(lsn, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(lsn, 8));
	close(self->lsn);
	self->lsn = lsn;
	ASSERT_EQ(0, getsockname(lsn, (void *)&self->addr,
				 &(socklen_t){ sizeof(self->addr) }));
	EXPECT_EQ(-1, initial_for_retry(self, self->udp, V1, dcid, NULL, 0, r,
					sizeof(r)));
}

/* Full handshakes through a Retry, then data, in v1 and v2. */
static void handshake_through_retry(struct __test_metadata *_metadata,
				    FIXTURE_DATA(retry) *self, uint32_t version)
{
	struct quic_config c = { .version = version };

	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c,
				sizeof(c)));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	fake_err[0] = '\0';
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	transfer(_metadata, self->cli, self->srv, 200000, 0);
	transfer(_metadata, self->srv, self->cli, 200000, 1);
}

TEST_F(retry, handshake_v1)
{
	handshake_through_retry(_metadata, self, V1);
}

TEST_F(retry, handshake_v2)
{
	handshake_through_retry(_metadata, self, V2);
}

/*
 * The client side against a stand-in server: a Retry with a bad tag is
 * ignored; a good one makes the client send its Initial again, to the
 * Retry's SCID and with its token; a second Retry is ignored.
 */
TEST_F(retry, client_takes_one_retry)
{
	uint8_t pkt[1500], r[256], odcid[20], cscid[20];
	static const uint8_t nscid[8] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
					  0xa6, 0xa7 };
	static const uint8_t token[] = "retry-token-from-the-test";
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	uint8_t odcid_len, cscid_len;
	struct fake_msg m;
	struct lhdr h;
	size_t rlen, n0;
	ssize_t n;
	int off;

	ASSERT_EQ(0, connect(self->cli, (void *)&self->uaddr, sizeof(self->uaddr)));
	ASSERT_EQ(0, fake_msg_out(self->cli, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_send_hs(self->cli, QUIC_CRYPTO_INITIAL, &m, sizeof(m)));
	n = recvfrom(self->udp, pkt, sizeof(pkt), 0, (void *)&from, &flen);
	ASSERT_LE(1200, n);
	ASSERT_LT(0, parse_long(pkt, n, &h));
	odcid_len = h.dcid_len;
	memcpy(odcid, h.dcid, odcid_len);
	cscid_len = h.scid_len;
	memcpy(cscid, h.scid, cscid_len);

	/* Retry: DCID the client's SCID, our new SCID, token, tag. */
	rlen = 0;
	r[rlen++] = 0xc0 | (retry_bits(V1) << 4);
	put32(r + rlen, V1);
	rlen += 4;
	r[rlen++] = cscid_len;
	memcpy(r + rlen, cscid, cscid_len);
	rlen += cscid_len;
	r[rlen++] = sizeof(nscid);
	memcpy(r + rlen, nscid, sizeof(nscid));
	rlen += sizeof(nscid);
	memcpy(r + rlen, token, sizeof(token) - 1);
	rlen += sizeof(token) - 1;
	ASSERT_EQ(0, retry_tag(V1, odcid, odcid_len, r, rlen, r + rlen));
	r[rlen + 15] ^= 1;
	ASSERT_EQ((ssize_t)rlen + 16, sendto(self->udp, r, rlen + 16, 0,
					     (void *)&from, flen));
	/* Ignored: whatever comes next still goes to the first DCID. */
	fake_timeouts(self->udp, 300);
	while ((n = recv(self->udp, pkt, sizeof(pkt), 0)) > 0) {
		ASSERT_LT(0, parse_long(pkt, n, &h));
		EXPECT_EQ(0, memcmp(h.dcid, odcid, odcid_len));
	}
	r[rlen + 15] ^= 1;
	ASSERT_EQ((ssize_t)rlen + 16, sendto(self->udp, r, rlen + 16, 0,
					     (void *)&from, flen));
	fake_timeouts(self->udp, 2000);
	n = recv(self->udp, pkt, sizeof(pkt), 0);
	ASSERT_LE(1200, n) TH_LOG("no Initial after the Retry");
	off = parse_long(pkt, n, &h);
	ASSERT_LT(0, off);
	ASSERT_EQ(sizeof(nscid), h.dcid_len);
	EXPECT_EQ(0, memcmp(h.dcid, nscid, sizeof(nscid)));
	EXPECT_EQ(initial_bits(V1), h.type_bits);
	n0 = sizeof(token) - 1;
	ASSERT_EQ(n0, pkt[off]);	/* one-byte Token Length */
	EXPECT_EQ(0, memcmp(pkt + off + 1, token, n0));

	/* A second Retry, to yet another SCID: ignored. */
	r[1 + 4 + 1 + cscid_len + 1] ^= 0xff;
	ASSERT_EQ(0, retry_tag(V1, odcid, odcid_len, r, rlen, r + rlen));
	ASSERT_EQ((ssize_t)rlen + 16, sendto(self->udp, r, rlen + 16, 0,
					     (void *)&from, flen));
	fake_timeouts(self->udp, 1500);
	while ((n = recv(self->udp, pkt, sizeof(pkt), 0)) > 0) {
		ASSERT_LT(0, parse_long(pkt, n, &h));
		EXPECT_EQ(0, memcmp(h.dcid, nscid, sizeof(nscid)));
	}
}

/* Retry packets from @port seen by the raw socket @raw (drained). */
static int count_retries(int raw, uint16_t port)
{
	uint8_t buf[2048];
	int n, count = 0;

	while ((n = recv(raw, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		int ihl = (buf[0] & 0x0f) * 4;
		const uint8_t *u = buf + ihl, *q = u + 8;

		if (n < ihl + 8 + 7 || ((u[0] << 8) | u[1]) != port)
			continue;
		if ((q[0] & 0x80) && get32(q + 1) == V1 &&
		    ((q[0] >> 4) & 3) == retry_bits(V1))
			count++;
	}
	return count;
}

/*
 * RFC 9000 section 8.1.3: after the handshake the server gives a token in
 * NEW_TOKEN; the client application gets it (QUIC_EVENT_NEW_TOKEN and
 * QUIC_SOCKOPT_TOKEN), and a later connection that sets it needs no Retry
 * from a server that validates addresses.
 */
TEST_F(retry, new_token_saves_a_retry)
{
	struct quic_event_option ev = { QUIC_EVENT_NEW_TOKEN, 1 };
	uint8_t token[600], ev_buf[600], big[600] = {};
	socklen_t tlen = sizeof(token);
	int raw, cli2, srv2;
	uint16_t port = ntohs(self->addr.sin_port);
	ssize_t n;

	raw = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	if (raw < 0)
		SKIP(return, "raw socket: %s (needs CAP_NET_RAW)", strerror(errno));
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev,
				sizeof(ev)));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	EXPECT_EQ(EISCONN, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TOKEN,
				      "x", 1) ? errno : 0);
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	n = recv(self->cli, ev_buf, sizeof(ev_buf), 0);
	ASSERT_LT(1, n) TH_LOG("no NEW_TOKEN event: %s", strerror(errno));
	EXPECT_EQ(QUIC_EVENT_NEW_TOKEN, ev_buf[0]);
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TOKEN, token,
				&tlen));
	ASSERT_EQ((size_t)n - 1, tlen);
	EXPECT_EQ(0, memcmp(token, ev_buf + 1, tlen));
	EXPECT_EQ(1, count_retries(raw, port));

	/* A new connection with the token: no Retry this time. */
	cli2 = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, cli2);
	fake_timeouts(cli2, 5000);
	EXPECT_EQ(EINVAL, setsockopt(cli2, SOL_QUIC, QUIC_SOCKOPT_TOKEN, big,
				     sizeof(big)) ? errno : 0);
	ASSERT_EQ(0, setsockopt(cli2, SOL_QUIC, QUIC_SOCKOPT_TOKEN, token, tlen));
	ASSERT_EQ(0, connect(cli2, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, fake_handshake(cli2, self->lsn, &srv2)) TH_LOG("%s", fake_err);
	EXPECT_EQ(0, count_retries(raw, port));
	transfer(_metadata, cli2, srv2, 100000, 0);
	close(srv2);
	close(cli2);
	close(raw);
}

TEST_HARNESS_MAIN
