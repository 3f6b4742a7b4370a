// SPDX-License-Identifier: GPL-2.0
/*
 * ECN (RFC 9000 section 13.4) between two kernel endpoints on loopback with
 * known secrets (quic_fake.h), watched by a raw socket that reads the ECN
 * field of every datagram of the connection. Each side marks ECT(0); the
 * other's ACK_ECN counts must keep validating (a failed validation stops
 * the marking, so the last datagrams of a transfer still carrying ECT(0)
 * show that they did), also when netem marks CE; net.quic.ecn = 0 stops
 * the marking.
 */

#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

#define ECN_LEN		(1024 * 1024UL)
#define ECN_SYSCTL	"/proc/sys/net/quic/ecn"

enum { NOT_ECT, ECT1, ECT0, CE };

/* What the sniffer saw: datagrams per codepoint, and of the last ones. */
struct ecn_seen {
	int total;
	int cp[4];
	int last_ect0;		/* ECT(0) among the last 20 */
};

FIXTURE(ecn)
{
	int lsn, cli, srv, sniff;
	struct sockaddr_in addr;
	int netem;
};

static int write_sysctl(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(val, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

FIXTURE_SETUP(ecn)
{
	self->srv = -1;
	self->lsn = -1;
	self->cli = -1;
	self->netem = 0;
	self->sniff = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	ASSERT_LE(0, self->sniff) TH_LOG("raw socket: %s", strerror(errno));
	ASSERT_EQ(0, setsockopt(self->sniff, SOL_SOCKET, SO_RCVBUFFORCE,
				&(int){ 64 << 20 }, sizeof(int)));
	ASSERT_EQ(0, write_sysctl(ECN_SYSCTL, "1"))
		TH_LOG(ECN_SYSCTL ": %s", strerror(errno));
}

FIXTURE_TEARDOWN(ecn)
{
	fake_pair_close(self->lsn, self->cli, self->srv);
	if (self->sniff >= 0)
		close(self->sniff);
	if (self->netem && system("tc qdisc del dev lo root"))
		TH_LOG("could not remove netem from lo");
	write_sysctl(ECN_SYSCTL, "1");
}

static int ecn_connect(FIXTURE_DATA(ecn) *self)
{
	if (fake_pair_open(&self->lsn, &self->cli, &self->addr))
		return fake_fail_errno("loopback pair");
	if (connect(self->cli, (void *)&self->addr, sizeof(self->addr)))
		return fake_fail_errno("connect");
	fake_err[0] = '\0';
	if (fake_handshake(self->cli, self->lsn, &self->srv))
		return -1;
	fake_timeouts(self->srv, 5000);
	return 0;
}

/* Read the sniffer: the datagrams to or from the server's port. */
static void ecn_sniff(int fd, uint16_t port, struct ecn_seen *seen)
{
	static uint8_t buf[65536];
	uint8_t ring[20];

	memset(seen, 0, sizeof(*seen));
	for (;;) {
		struct iphdr *ip = (struct iphdr *)buf;
		struct udphdr *uh;
		ssize_t n, segs;

		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			break;
		if (n < (ssize_t)sizeof(*ip) || n < ip->ihl * 4 + 8 ||
		    ip->protocol != IPPROTO_UDP)
			continue;
		uh = (struct udphdr *)(buf + ip->ihl * 4);
		if (uh->dest != port && uh->source != port)
			continue;
		/* A UDP GSO skb, whole on loopback, is datagrams of the
		 * path's size (QUIC's largest, 8972 bytes), one IP header.
		 */
		for (segs = (n - ip->ihl * 4 - 8 + 8971) / 8972; segs > 0;
		     segs--) {
			ring[seen->total % 20] = ip->tos & 3;
			seen->cp[ip->tos & 3]++;
			seen->total++;
		}
	}
	for (int i = 0; i < 20 && i < seen->total; i++)
		seen->last_ect0 += ring[i] == ECT0;
}

/* ECN_LEN bytes on a new bidi stream from @from to @to, checked. */
static void ecn_send(struct __test_metadata *_metadata, int from, int to,
		     int64_t sid)
{
	char *out = malloc(ECN_LEN);
	size_t off;

	ASSERT_NE(NULL, out);
	for (off = 0; off < ECN_LEN; off++)
		out[off] = (char)(off * 7 + sid);
	EXPECT_EQ(0, fake_stream_exchange(from, to, sid, out, ECN_LEN))
		TH_LOG("%s", fake_err);
	free(out);
}

static void ecn_transfer(struct __test_metadata *_metadata,
			 FIXTURE_DATA(ecn) *self, struct ecn_seen *seen)
{
	ASSERT_EQ(0, ecn_connect(self)) TH_LOG("%s", fake_err);
	ecn_send(_metadata, self->cli, self->srv, 0);
	ecn_send(_metadata, self->srv, self->cli, 1);
	ecn_sniff(self->sniff, self->addr.sin_port, seen);
	TH_LOG("datagrams: %d; Not-ECT %d, ECT(0) %d, ECT(1) %d, CE %d; ECT(0) in the last 20: %d",
	       seen->total, seen->cp[NOT_ECT], seen->cp[ECT0], seen->cp[ECT1],
	       seen->cp[CE], seen->last_ect0);
	/* 2 MB of data: hundreds of datagrams (8972 bytes of UDP on
	 * loopback) and their ACKs; netem's 10% CE gives tens of marks.
	 */
	ASSERT_LT(300, seen->total);
}

/*
 * Every datagram, handshake included, goes out ECT(0) and stays so: past
 * the first ten, marking goes on only once the peer's ACK_ECN counts
 * validated (RFC 9000 appendix A.4), so the last 20 prove they did.
 */
TEST_F(ecn, marked_and_validated)
{
	struct ecn_seen seen;

	ecn_transfer(_metadata, self, &seen);
	EXPECT_EQ(seen.total, seen.cp[ECT0]);
	EXPECT_EQ(20, seen.last_ect0);
}

/* net.quic.ecn = 0: nothing marked, and the transfer is the same. */
TEST_F(ecn, sysctl_off)
{
	struct ecn_seen seen;
	char val[8] = "";
	FILE *f;

	ASSERT_EQ(0, write_sysctl(ECN_SYSCTL, "0"));
	f = fopen(ECN_SYSCTL, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(val, sizeof(val), f));
	fclose(f);
	EXPECT_STREQ("0\n", val);
	EXPECT_NE(0, write_sysctl(ECN_SYSCTL, "2"));	/* 0 or 1 only */
	ecn_transfer(_metadata, self, &seen);
	EXPECT_EQ(seen.total, seen.cp[NOT_ECT]);
}

/*
 * netem marks CE on one datagram in ten instead of dropping it: the CE
 * counts come back in ACK_ECN, validate (ECT(0) + CE cover what was
 * acknowledged), and the marking goes on to the end.
 */
TEST_F(ecn, ce_marks_keep_validating)
{
	struct ecn_seen seen;

	ASSERT_EQ(0, system("tc qdisc add dev lo root netem loss 10% ecn"))
		TH_LOG("no tc netem on lo");
	self->netem = 1;
	ecn_transfer(_metadata, self, &seen);
	EXPECT_LT(10, seen.cp[CE]);
	EXPECT_EQ(0, seen.cp[NOT_ECT]);
	EXPECT_EQ(seen.total, seen.cp[ECT0] + seen.cp[CE]);
	/* Of the last 20, those netem did not mark are still ECT(0). */
	EXPECT_LT(10, seen.last_ect0);
}

TEST_HARNESS_MAIN
