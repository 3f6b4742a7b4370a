// SPDX-License-Identifier: GPL-2.0
/*
 * disable_1rtt_encryption (draft-banks-quic-disable-encryption-00, the
 * draft-lxin-quic-socket-apis-02 transport parameter field) between two
 * kernel endpoints on loopback with known secrets (quic_fake.h). A raw
 * socket sees every UDP datagram on the connection: the stream bytes must
 * be readable on the wire exactly when both sides asked for it, and the
 * transfer must arrive intact either way.
 */

#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

#define PLAIN_MARK	"plain-1rtt-marker:"
#define PLAIN_LEN	(256 * 1024UL)

FIXTURE(plain)
{
	int lsn, cli, srv, sniff;
	struct sockaddr_in addr;
};

FIXTURE_VARIANT(plain)
{
	int cli_off;	/* the client sends disable_1rtt_encryption */
	int srv_off;	/* the server does */
};

FIXTURE_VARIANT_ADD(plain, both) { .cli_off = 1, .srv_off = 1 };
FIXTURE_VARIANT_ADD(plain, client_only) { .cli_off = 1, .srv_off = 0 };
FIXTURE_VARIANT_ADD(plain, server_only) { .cli_off = 0, .srv_off = 1 };
FIXTURE_VARIANT_ADD(plain, neither) { .cli_off = 0, .srv_off = 0 };

static int set_plain(int fd)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(p);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		return -1;
	p.disable_1rtt_encryption = 1;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
			  sizeof(p));
}

static int get_params(int fd, int remote, struct quic_transport_param *p)
{
	socklen_t len = sizeof(*p);

	memset(p, 0, sizeof(*p));
	p->remote = remote;
	return getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, p, &len);
}

FIXTURE_SETUP(plain)
{
	self->srv = -1;
	self->sniff = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	ASSERT_LE(0, self->sniff) TH_LOG("raw socket: %s", strerror(errno));
	/* Room for a copy of every packet of the transfer. */
	ASSERT_EQ(0, setsockopt(self->sniff, SOL_SOCKET, SO_RCVBUFFORCE,
				&(int){ 64 << 20 }, sizeof(int)));
	ASSERT_EQ(0, fake_pair_open(&self->lsn, &self->cli, &self->addr))
		TH_LOG("loopback listener and client: %s", strerror(errno));
	if (variant->cli_off)
		ASSERT_EQ(0, set_plain(self->cli)) TH_LOG("%s", strerror(errno));
	if (variant->srv_off)
		ASSERT_EQ(0, set_plain(self->lsn)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr,
			     sizeof(self->addr)));
	fake_err[0] = '\0';
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("handshake: %s", fake_err);
	fake_timeouts(self->srv, 5000);
}

FIXTURE_TEARDOWN(plain)
{
	fake_pair_close(self->lsn, self->cli, self->srv);
	if (self->sniff >= 0)
		close(self->sniff);
}

/*
 * The raw socket sees a UDP GSO skb whole, as loopback carries it: the
 * datagrams in it are its payload cut, as UDP cuts it, in segments of the
 * size of the first, the path's: on loopback QUIC's largest datagram.
 */
#define PLAIN_SEG	8972

/*
 * Datagrams to or from the server's port that hold the marker; *@full
 * counts those of 1000 bytes or more (the ones stream data fills), *@shorts
 * those that start with a short header packet and *@pn4 those of them
 * whose Packet Number Length bits say 4 bytes (readable only unprotected).
 */
static int sniff_marks(int fd, uint16_t port, int *full, int *shorts,
		       int *pn4)
{
	static uint8_t buf[65536];
	int marks = 0;

	*full = 0;
	*shorts = 0;
	*pn4 = 0;

	for (;;) {
		struct iphdr *ip = (struct iphdr *)buf;
		struct udphdr *uh;
		ssize_t n, off, len;
		uint8_t *d;

		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return marks;
		if (n < (ssize_t)sizeof(*ip) || n < ip->ihl * 4 + 8 ||
		    ip->protocol != IPPROTO_UDP)
			continue;
		uh = (struct udphdr *)(buf + ip->ihl * 4);
		if (uh->dest != port && uh->source != port)
			continue;
		d = (uint8_t *)(uh + 1);
		n -= ip->ihl * 4 + 8;
		for (off = 0; off < n; off += PLAIN_SEG) {
			len = n - off < PLAIN_SEG ? n - off : PLAIN_SEG;
			if (len >= 1000)
				(*full)++;
			if (!(d[off] & 0x80)) {
				(*shorts)++;
				if ((d[off] & 0x03) == 0x03)
					(*pn4)++;
			}
			if (memmem(d + off, len, PLAIN_MARK,
				   strlen(PLAIN_MARK)))
				marks++;
		}
	}
}

/* Send PLAIN_LEN marked bytes on a new bidi stream from @from to @to. */
static void send_marked(struct __test_metadata *_metadata, int from, int to,
			int64_t sid)
{
	char *out = malloc(PLAIN_LEN);
	size_t off;

	ASSERT_NE(NULL, out);
	for (off = 0; off < PLAIN_LEN; off += 64)
		snprintf(out + off, 64, PLAIN_MARK "%010zu%*s", off,
			 (int)(64 - 1 - strlen(PLAIN_MARK) - 10), "");
	EXPECT_EQ(0, fake_stream_exchange(from, to, sid, out, PLAIN_LEN))
		TH_LOG("%s", fake_err);
	free(out);
}

/* Each side reports what it sent and what its peer sent. */
TEST_F(plain, parameters)
{
	struct quic_transport_param p;

	ASSERT_EQ(0, get_params(self->cli, 0, &p));
	EXPECT_EQ(variant->cli_off, p.disable_1rtt_encryption);
	ASSERT_EQ(0, get_params(self->cli, 1, &p));
	EXPECT_EQ(variant->srv_off, p.disable_1rtt_encryption);
	ASSERT_EQ(0, get_params(self->srv, 0, &p));
	EXPECT_EQ(variant->srv_off, p.disable_1rtt_encryption);
	ASSERT_EQ(0, get_params(self->srv, 1, &p));
	EXPECT_EQ(variant->cli_off, p.disable_1rtt_encryption);
}

/* Both directions intact; plaintext on the wire only when both asked. */
TEST_F(plain, wire)
{
	int both = variant->cli_off && variant->srv_off, marks, full;
	int shorts, pn4;

	/* the handshake */
	sniff_marks(self->sniff, self->addr.sin_port, &full, &shorts, &pn4);
	send_marked(_metadata, self->cli, self->srv, 0);
	send_marked(_metadata, self->srv, self->cli, 1);
	marks = sniff_marks(self->sniff, self->addr.sin_port, &full, &shorts,
			    &pn4);
	TH_LOG("datagrams with readable stream bytes: %d of %d full ones",
	       marks, full);
	/* 512 KB of data: tens of full packets (8972 bytes on loopback),
	 * each with a marker.
	 */
	ASSERT_LT(40, full);
	if (both) {
		/* Nearly all: a padded probe may carry no stream data. */
		EXPECT_LE(full * 9, marks * 10);
		/* With no AEAD to reject a packet number decoded wrong after
		 * much reordering (RFC 9000 appendix A.3), unprotected 1-RTT
		 * packets carry all four bytes of it.
		 */
		EXPECT_LT(40, shorts);
		EXPECT_EQ(shorts, pn4);
	} else {
		EXPECT_EQ(0, marks);
	}
}

/* Unprotected packets have no keys to update. */
TEST_F(plain, key_update)
{
	int ret, err = 0, tries;

	/* The client's handshake is confirmed by HANDSHAKE_DONE. */
	send_marked(_metadata, self->srv, self->cli, 1);
	for (tries = 0; tries < 200; tries++) {
		ret = setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE,
				 NULL, 0);
		err = errno;
		if (!ret || err != EAGAIN)
			break;
		usleep(10000);	/* next keys still being derived */
	}
	if (variant->cli_off && variant->srv_off) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EINVAL, err);
	} else {
		EXPECT_EQ(0, ret) TH_LOG("KEY_UPDATE: %s", strerror(err));
	}
	/* The connection still carries data afterwards. */
	send_marked(_metadata, self->cli, self->srv, 0);
}

TEST_HARNESS_MAIN
