// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC versions on loopback: QUIC v2 connections (RFC 9369), Version
 * Negotiation sent by a listener for a version it lacks and acted on by a
 * client (RFC 9000 section 6), and the version_information transport
 * parameter checked against the version in use (RFC 9368 section 4), and
 * compatible version negotiation from v1 to v2 (RFC 9368 section 2.3,
 * RFC 9369 section 4.1). A plain UDP socket plays the other end where the
 * test needs raw packets; a raw socket watches the versions on the wire.
 */

#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

#define V1		0x00000001U
#define V2		0x6b3343cfU
#define E_VERSION_NEG	0x11U	/* VERSION_NEGOTIATION_ERROR */

FIXTURE(ver)
{
	int lsn, cli, srv, udp;
	struct sockaddr_in addr;	/* the QUIC listener */
	struct sockaddr_in uaddr;	/* the plain UDP socket */
};

FIXTURE_SETUP(ver)
{
	socklen_t len = sizeof(self->addr);

	memset(&self->addr, 0, sizeof(self->addr));
	self->addr.sin_family = AF_INET;
	self->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	self->uaddr = self->addr;
	self->srv = -1;
	self->lsn = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->lsn);
	ASSERT_EQ(0, bind(self->lsn, (void *)&self->addr, len));
	ASSERT_EQ(0, getsockname(self->lsn, (void *)&self->addr, &len));
	ASSERT_EQ(0, listen(self->lsn, 8));
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->cli);
	fake_timeouts(self->cli, 5000);
	self->udp = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->udp);
	ASSERT_EQ(0, bind(self->udp, (void *)&self->uaddr, len));
	ASSERT_EQ(0, getsockname(self->udp, (void *)&self->uaddr, &len));
	fake_timeouts(self->udp, 1000);
}

FIXTURE_TEARDOWN(ver)
{
	if (self->srv >= 0)
		close(self->srv);
	close(self->cli);
	close(self->lsn);
	close(self->udp);
}

/* A long header of @version with the given IDs, padded to @len bytes. */
static size_t long_packet(uint8_t *p, size_t len, uint32_t version,
			  const uint8_t *dcid, uint8_t dcid_len,
			  const uint8_t *scid, uint8_t scid_len)
{
	size_t n = 0;

	memset(p, 0, len);
	p[n++] = 0xc0;
	put32(p + n, version);
	n += 4;
	p[n++] = dcid_len;
	memcpy(p + n, dcid, dcid_len);
	n += dcid_len;
	p[n++] = scid_len;
	memcpy(p + n, scid, scid_len);
	return len;
}

static int set_version(int fd, uint32_t version)
{
	struct quic_config c = { .version = version };

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

static uint32_t get_version(int fd)
{
	struct quic_config c = {};
	socklen_t len = sizeof(c);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len))
		return 0;
	return c.version;
}

/*
 * RFC 9369: a client that asks for v2 gets a v2 connection (the server
 * takes the version of the client's Initial, and derives its keys with
 * the v2 salt and labels), and data moves over it.
 */
TEST_F(ver, v2_connection)
{
	ASSERT_EQ(0, set_version(self->cli, V2));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(V2, get_version(self->cli));
	EXPECT_EQ(V2, get_version(self->srv));
	transfer(_metadata, self->cli, self->srv, 1024 * 1024, 0);
	transfer(_metadata, self->srv, self->cli, 1024 * 1024, 1);
}

/* And v1, the default, reports itself the same way. */
TEST_F(ver, v1_by_default)
{
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(V1, get_version(self->cli));
	EXPECT_EQ(V1, get_version(self->srv));
	EXPECT_EQ(EINVAL, set_version(self->cli, 0xff00001d) ? errno : 0);
}

/*
 * RFC 9000 section 6.1: a 1200-byte packet of an unknown version gets a
 * Version Negotiation packet: version 0, the IDs swapped, a list with v1,
 * v2 and a reserved 0x?a?a?a?a version (section 15). A smaller datagram,
 * or a Version Negotiation packet, gets nothing.
 */
TEST_F(ver, negotiation_sent)
{
	static const uint8_t dcid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t scid[5] = { 9, 10, 11, 12, 13 };
	uint8_t pkt[1500], vn[256];
	int v1 = 0, v2 = 0, grease = 0;
	ssize_t n, i;

	long_packet(pkt, 1200, 0x1a2a3a4a, dcid, 8, scid, 5);
	ASSERT_EQ(1000, sendto(self->udp, pkt, 1000, 0, (void *)&self->addr,
			       sizeof(self->addr)));
	EXPECT_EQ(-1, recv(self->udp, vn, sizeof(vn), 0));
	EXPECT_EQ(EAGAIN, errno);
	long_packet(pkt, 1200, 0, dcid, 8, scid, 5);
	ASSERT_EQ(1200, sendto(self->udp, pkt, 1200, 0, (void *)&self->addr,
			       sizeof(self->addr)));
	EXPECT_EQ(-1, recv(self->udp, vn, sizeof(vn), 0));
	EXPECT_EQ(EAGAIN, errno);

	long_packet(pkt, 1200, 0x1a2a3a4a, dcid, 8, scid, 5);
	ASSERT_EQ(1200, sendto(self->udp, pkt, 1200, 0, (void *)&self->addr,
			       sizeof(self->addr)));
	n = recv(self->udp, vn, sizeof(vn), 0);
	ASSERT_EQ(1 + 4 + 1 + 5 + 1 + 8 + 12, n) TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(0xc0, vn[0] & 0xc0);
	EXPECT_EQ(0U, get32(vn + 1));
	ASSERT_EQ(5, vn[5]);
	EXPECT_EQ(0, memcmp(vn + 6, scid, 5));
	ASSERT_EQ(8, vn[11]);
	EXPECT_EQ(0, memcmp(vn + 12, dcid, 8));
	for (i = 20; i + 4 <= n; i += 4) {
		uint32_t v = get32(vn + i);

		v1 += v == V1;
		v2 += v == V2;
		grease += (v & 0x0f0f0f0f) == 0x0a0a0a0a;
	}
	EXPECT_EQ(1, v1);
	EXPECT_EQ(1, v2);
	EXPECT_EQ(1, grease);
}

/*
 * RFC 9000 section 6.2: the client drops a Version Negotiation packet
 * that lists its own version, and gives up (EPROTONOSUPPORT) on one that
 * does not; the plain UDP socket stands in for the server.
 */
TEST_F(ver, negotiation_received)
{
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc = {};
	socklen_t len = sizeof(cc);
	uint8_t pkt[1500], vn[64], dcid[20], scid[20];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	struct fake_msg m;
	uint8_t dl, sl;
	size_t vlen;
	char buf[64];
	ssize_t n;

	ASSERT_EQ(0, connect(self->cli, (void *)&self->uaddr, sizeof(self->uaddr)));
	ASSERT_EQ(0, fake_msg_out(self->cli, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_send_hs(self->cli, QUIC_CRYPTO_INITIAL, &m, sizeof(m)));
	n = recvfrom(self->udp, pkt, sizeof(pkt), 0, (void *)&from, &flen);
	ASSERT_LE(1200, n) TH_LOG("no Initial from the client");
	ASSERT_EQ(V1, get32(pkt + 1));
	dl = pkt[5];
	ASSERT_GE(20, dl);
	memcpy(dcid, pkt + 6, dl);
	sl = pkt[6 + dl];
	ASSERT_GE(20, sl);
	memcpy(scid, pkt + 7 + dl, sl);

	/* Version Negotiation: DCID the client's SCID and the other way. */
	memset(vn, 0, sizeof(vn));
	vn[0] = 0x80;
	vn[5] = sl;
	memcpy(vn + 6, scid, sl);
	vn[6 + sl] = dl;
	memcpy(vn + 7 + sl, dcid, dl);
	put32(vn + 7 + sl + dl, 0xff00001d);
	put32(vn + 11 + sl + dl, V1);
	vlen = 15 + sl + dl;
	/* Lists v1, the version the client uses: ignored. */
	ASSERT_EQ((ssize_t)vlen, sendto(self->udp, vn, vlen, 0,
					(void *)&from, flen));
	fake_timeouts(self->cli, 300);
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("client: %s", strerror(errno));
	/* With the wrong IDs: ignored too. */
	put32(vn + 11 + sl + dl, 0xff00001c);
	vn[7 + sl] ^= 0xff;
	ASSERT_EQ((ssize_t)vlen, sendto(self->udp, vn, vlen, 0,
					(void *)&from, flen));
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("client: %s", strerror(errno));
	/* Only versions the client lacks: it gives up. */
	vn[7 + sl] ^= 0xff;
	while (recv(self->udp, pkt, sizeof(pkt), MSG_DONTWAIT) > 0)
		;
	ASSERT_EQ((ssize_t)vlen, sendto(self->udp, vn, vlen, 0,
					(void *)&from, flen));
	fake_timeouts(self->cli, 2000);
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), 0));
	EXPECT_EQ(EPROTONOSUPPORT, errno) TH_LOG("client: %s", strerror(errno));
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE,
				&cc, &len));
	EXPECT_EQ(E_VERSION_NEG, cc.c.errcode);
	/* Nothing was sent back: the client abandons quietly. */
	fake_timeouts(self->udp, 500);
	EXPECT_EQ(-1, recv(self->udp, pkt, sizeof(pkt), 0));
}

/*
 * RFC 9368 section 4: version_information whose Chosen Version is not the
 * version of the connection (v2 claimed over v1 packets) is a downgrade
 * attack: the server closes with VERSION_NEGOTIATION_ERROR.
 */
TEST_F(ver, version_information_mismatch)
{
	struct quic_transport_param p = { .disable_compatible_version = 1 };
	static const uint8_t vi[] = { 0x11, 8, 0x6b, 0x33, 0x43, 0xcf,
				      0, 0, 0, 1 };
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc = {};
	socklen_t len = sizeof(p);
	struct fake_msg m;
	char buf[64];

	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, &len));
	p.disable_compatible_version = 1;
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, sizeof(p)));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, fake_msg_out(self->cli, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	ASSERT_GE(sizeof(m.params), m.len + sizeof(vi));
	memcpy(m.params + m.len, vi, sizeof(vi));
	m.len += sizeof(vi);
	ASSERT_EQ(0, fake_send_hs(self->cli, QUIC_CRYPTO_INITIAL, &m, sizeof(m)));
	self->srv = accept(self->lsn, NULL, NULL);
	ASSERT_LE(0, self->srv);
	fake_timeouts(self->srv, 5000);
	ASSERT_EQ(0, fake_recv_hs(self->srv, QUIC_CRYPTO_INITIAL, &m, sizeof(m)));
	EXPECT_EQ(-1, setsockopt(self->srv, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT,
				 m.params, m.len));
	EXPECT_EQ(EINVAL, errno);
	/* The client hears it. */
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), 0));
	EXPECT_EQ(EPROTO, errno) TH_LOG("client: %s", strerror(errno));
	len = sizeof(cc);
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE,
				&cc, &len));
	EXPECT_EQ(E_VERSION_NEG, cc.c.errcode);
}

/* Long header versions on loopback, to and from the listener's port. */
struct wire_versions {
	uint32_t cli_first;	/* the client's first datagram */
	int cli_v1, cli_v2;	/* long header datagrams of the client */
	int srv_v1, srv_v2;	/* and of the server */
	int srv_v1_after_v2;	/* v1 from the server once it sent v2 */
};

static void read_versions(int raw, uint16_t port, struct wire_versions *w)
{
	static uint8_t buf[65536];
	ssize_t n;

	memset(w, 0, sizeof(*w));
	while ((n = recv(raw, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct iphdr *ip = (struct iphdr *)buf;
		struct udphdr *uh = (struct udphdr *)(buf + ip->ihl * 4);
		uint8_t *q = (uint8_t *)(uh + 1);
		bool to_srv = uh->dest == port;
		uint32_t v;

		if (n < ip->ihl * 4 + 8 + 5 || (!to_srv && uh->source != port) ||
		    !(q[0] & 0x80))
			continue;
		v = (uint32_t)q[1] << 24 | q[2] << 16 | q[3] << 8 | q[4];
		if (to_srv && !w->cli_first)
			w->cli_first = v;
		if (to_srv) {
			w->cli_v1 += v == V1;
			w->cli_v2 += v == V2;
		} else {
			w->srv_v1_after_v2 += v == V1 && w->srv_v2;
			w->srv_v1 += v == V1;
			w->srv_v2 += v == V2;
		}
	}
}

/*
 * RFC 9368 section 2.3: a listener that prefers v2 (QUIC_CONFIG.version)
 * moves a client that starts in v1, and lists v2 in its
 * version_information, to v2 in the same connection: the client's first
 * Initial is v1, the server answers in v2 once it has read the client's
 * parameters and never in v1 after that (RFC 9369 section 4.1), the
 * client follows, and both ends report v2.
 */
TEST_F(ver, compatible_v1_to_v2)
{
	struct wire_versions w;
	int raw;

	raw = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, set_version(self->lsn, V2));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(V2, get_version(self->cli));
	EXPECT_EQ(V2, get_version(self->srv));
	transfer(_metadata, self->cli, self->srv, 256 * 1024, 0);
	transfer(_metadata, self->srv, self->cli, 256 * 1024, 1);
	read_versions(raw, self->addr.sin_port, &w);
	close(raw);
	TH_LOG("client: first %#x, %d v1 and %d v2; server: %d v1, %d v2",
	       w.cli_first, w.cli_v1, w.cli_v2, w.srv_v1, w.srv_v2);
	EXPECT_EQ(V1, w.cli_first);
	EXPECT_LT(0, w.cli_v2);
	EXPECT_LT(0, w.srv_v2);
	EXPECT_EQ(0, w.srv_v1_after_v2);
}

/* A client that offers no other version (disable_compatible_version: no
 * version_information) stays in v1 with that listener.
 */
TEST_F(ver, compatible_not_offered)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(p);

	ASSERT_EQ(0, set_version(self->lsn, V2));
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, &len));
	p.disable_compatible_version = 1;
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, sizeof(p)));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(V1, get_version(self->cli));
	EXPECT_EQ(V1, get_version(self->srv));
	transfer(_metadata, self->cli, self->srv, 64 * 1024, 0);
}

TEST_HARNESS_MAIN
