// SPDX-License-Identifier: GPL-2.0
/*
 * Packet sizes on a path (RFC 9000 section 14): two network namespaces
 * joined by a veth pair. QUIC datagrams are never fragmented (IPv4 ones
 * carry DF, IPv6 ones are sized to the route); without PLPMTUD a
 * connection fills the route's MTU; with it (plpmtud_probe_interval) the
 * size is found by probing (RFC 8899), also past a black hole that drops
 * large packets without any ICMP.
 *
 * Sizes are read off the client's veth counters (bytes / packets, with
 * the 14-byte Ethernet header) during a one-way transfer, and the IP
 * fragments created off the client's SNMP counters.
 */

#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

#define XFER_SIZE	(1024 * 1024)
/* The black hole: IPv4 packets of this total length and more vanish. */
#define HOLE_LEN	1408

FIXTURE(pmtu)
{
	char ns_srv[32], ns_cli[32];
	int lsn, cli, srv;
	struct sockaddr_storage addr;
	socklen_t alen;
};

FIXTURE_VARIANT(pmtu)
{
	int family;
	const char *srv, *cli;	/* addresses */
};

FIXTURE_VARIANT_ADD(pmtu, ipv4)
{
	.family = AF_INET,
	.srv = "10.98.0.1",
	.cli = "10.98.0.2",
};

FIXTURE_VARIANT_ADD(pmtu, ipv6)
{
	.family = AF_INET6,
	.srv = "fd00:98::1",
	.cli = "fd00:98::2",
};

static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The number a shell command prints, -1 on failure. */
static long long run_number(const char *fmt, ...)
{
	long long v = -1;
	char cmd[1024];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	pclose(f);
	return v;
}

/* A socket created inside network namespace @ns. */
static int ns_socket(const char *ns, int family)
{
	int self_ns, target, fd = -1;
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	self_ns = open("/proc/self/ns/net", O_RDONLY);
	target = open(path, O_RDONLY);
	if (self_ns >= 0 && target >= 0 && !setns(target, CLONE_NEWNET)) {
		fd = socket(family, SOCK_DGRAM, IPPROTO_QUIC);
		if (setns(self_ns, CLONE_NEWNET))
			abort();	/* the test cannot go on elsewhere */
	}
	if (self_ns >= 0)
		close(self_ns);
	if (target >= 0)
		close(target);
	return fd;
}

static int set_mtu(FIXTURE_DATA(pmtu) *self, int mtu)
{
	return run("ip -n %s link set veth0 mtu %d && "
		   "ip -n %s link set veth0 mtu %d",
		   self->ns_srv, mtu, self->ns_cli, mtu);
}

static int set_plpmtud(int fd, uint32_t interval_us)
{
	struct quic_config c = { .plpmtud_probe_interval = interval_us };

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

FIXTURE_SETUP(pmtu)
{
	int v6 = variant->family == AF_INET6;

	self->lsn = self->cli = self->srv = -1;
	snprintf(self->ns_srv, sizeof(self->ns_srv), "qpmtu-srv-%d", getpid());
	snprintf(self->ns_cli, sizeof(self->ns_cli), "qpmtu-cli-%d", getpid());
	ASSERT_EQ(0, run("ip netns add %s && ip netns add %s && "
			 "ip -n %s link add veth0 type veth peer name veth0 netns %s && "
			 "ip -n %s addr add %s/%d dev veth0 %s && "
			 "ip -n %s addr add %s/%d dev veth0 %s && "
			 "ip -n %s link set veth0 up && ip -n %s link set veth0 up",
			 self->ns_srv, self->ns_cli, self->ns_srv, self->ns_cli,
			 self->ns_srv, variant->srv, v6 ? 64 : 24, v6 ? "nodad" : "",
			 self->ns_cli, variant->cli, v6 ? 64 : 24, v6 ? "nodad" : "",
			 self->ns_srv, self->ns_cli))
		TH_LOG("cannot build the namespaces (iproute2)");

	self->lsn = ns_socket(self->ns_srv, variant->family);
	ASSERT_LE(0, self->lsn);
	memset(&self->addr, 0, sizeof(self->addr));
	if (v6) {
		struct sockaddr_in6 *a = (void *)&self->addr;

		a->sin6_family = AF_INET6;
		inet_pton(AF_INET6, variant->srv, &a->sin6_addr);
		self->alen = sizeof(*a);
	} else {
		struct sockaddr_in *a = (void *)&self->addr;

		a->sin_family = AF_INET;
		inet_pton(AF_INET, variant->srv, &a->sin_addr);
		self->alen = sizeof(*a);
	}
	ASSERT_EQ(0, bind(self->lsn, (void *)&self->addr, self->alen));
	ASSERT_EQ(0, getsockname(self->lsn, (void *)&self->addr, &self->alen));
	ASSERT_EQ(0, listen(self->lsn, 8));
	self->cli = ns_socket(self->ns_cli, variant->family);
	ASSERT_LE(0, self->cli);
	fake_timeouts(self->cli, 60000);
}

FIXTURE_TEARDOWN(pmtu)
{
	if (self->srv >= 0)
		close(self->srv);
	if (self->cli >= 0)
		close(self->cli);
	if (self->lsn >= 0)
		close(self->lsn);
	run("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null",
	    self->ns_srv, self->ns_cli);
}

static int handshake(FIXTURE_DATA(pmtu) *self)
{
	fake_err[0] = '\0';
	fake_wait_ms = 60000;
	if (connect(self->cli, (void *)&self->addr, self->alen))
		FAKE_FAIL("connect: %s", strerror(errno));
	if (fake_handshake(self->cli, self->lsn, &self->srv))
		return -1;
	fake_timeouts(self->srv, 60000);
	return 0;
}

static long long cli_counter(FIXTURE_DATA(pmtu) *self, const char *name)
{
	return run_number("ip netns exec %s cat /sys/class/net/veth0/statistics/%s",
			  self->ns_cli, name);
}

/* IPv4 and IPv6 fragments the client's stack created. */
static long long cli_fragments(FIXTURE_DATA(pmtu) *self)
{
	return run_number("ip netns exec %s nstat -asz IpFragCreates Ip6FragCreates | "
			  "awk '/FragCreates/ { n += $2 } END { print n + 0 }'",
			  self->ns_cli);
}

/*
 * A one-way transfer from the client; returns the client's average frame
 * size on the link during it, 0 if the transfer failed.
 */
static long long sized_transfer(struct __test_metadata *_metadata,
				FIXTURE_DATA(pmtu) *self)
{
	long long bytes, packets;

	bytes = cli_counter(self, "tx_bytes");
	packets = cli_counter(self, "tx_packets");
	if (bytes < 0 || packets < 0)
		return 0;
	transfer(_metadata, self->cli, self->srv, XFER_SIZE, 0);
	bytes = cli_counter(self, "tx_bytes") - bytes;
	packets = cli_counter(self, "tx_packets") - packets;
	TH_LOG("%lld bytes in %lld frames", bytes, packets);
	return packets > 0 ? bytes / packets : 0;
}

/* Without PLPMTUD a connection fills a jumbo route, unfragmented. */
TEST_F_TIMEOUT(pmtu, route_mtu_9000, 120)
{
	long long avg;

	ASSERT_EQ(0, set_mtu(self, 9000));
	ASSERT_EQ(0, handshake(self)) TH_LOG("%s", fake_err);
	avg = sized_transfer(_metadata, self);
	EXPECT_LT(6000, avg);
	EXPECT_GE(9014, avg);
	EXPECT_EQ(0, cli_fragments(self));
}

/*
 * RFC 9000 section 14: at MTU 1500 packets fill the route and no more,
 * for IPv6 too (its 40-byte header leaves 1452 bytes for UDP).
 */
TEST_F_TIMEOUT(pmtu, route_mtu_1500, 120)
{
	long long avg;

	ASSERT_EQ(0, handshake(self)) TH_LOG("%s", fake_err);
	avg = sized_transfer(_metadata, self);
	EXPECT_LT(1300, avg);
	EXPECT_GE(1514, avg);
	EXPECT_EQ(0, cli_fragments(self));
}

/* RFC 8899: probing raises the size from the base to the jumbo route. */
TEST_F_TIMEOUT(pmtu, plpmtud_9000, 120)
{
	long long avg;

	ASSERT_EQ(0, set_mtu(self, 9000));
	ASSERT_EQ(0, set_plpmtud(self->cli, 5000000));
	ASSERT_EQ(0, handshake(self)) TH_LOG("%s", fake_err);
	avg = sized_transfer(_metadata, self);
	EXPECT_LT(6000, avg);
	EXPECT_GE(9014, avg);
	EXPECT_EQ(0, cli_fragments(self));
}

/*
 * RFC 8899 section 4.3: a link that silently drops packets of HOLE_LEN
 * bytes of IP payload and more (IPv4: total length, IPv6: payload
 * length, plus its 40-byte header), behind a 9000-byte route. Probes of
 * larger sizes vanish; the search settles just below the hole, and the
 * transfer goes through in packets that fit.
 */
TEST_F_TIMEOUT(pmtu, plpmtud_black_hole, 120)
{
	/* u32 matches of the IP length field, HOLE_LEN (0x580) and up, as
	 * value/mask prefixes.
	 */
	static const char * const ranges[] = {
		"0x0580 0xff80", "0x0600 0xfe00", "0x0800 0xf800",
		"0x1000 0xf000", "0x2000 0xe000", "0x4000 0xc000",
		"0x8000 0x8000",
	};
	int v6 = variant->family == AF_INET6;
	int hole = HOLE_LEN + (v6 ? 40 : 0);
	long long avg, dropped;
	unsigned int i;

	ASSERT_EQ(0x580, HOLE_LEN);
	ASSERT_EQ(0, set_mtu(self, 9000));
	ASSERT_EQ(0, run("tc -n %s qdisc add dev veth0 root handle 1: prio",
			 self->ns_cli)) TH_LOG("no tc prio");
	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		ASSERT_EQ(0, run("tc -n %s filter add dev veth0 parent 1: protocol %s "
				 "prio 1 u32 match u16 %s at %d action drop",
				 self->ns_cli, v6 ? "ipv6" : "ip", ranges[i],
				 v6 ? 4 : 2)) TH_LOG("no tc u32");
	ASSERT_EQ(0, set_plpmtud(self->cli, 5000000));
	ASSERT_EQ(0, handshake(self)) TH_LOG("%s", fake_err);
	/* Each size that fails takes QUIC_PMTU_MAX_PROBES probes, one at a
	 * time: some traffic and a few seconds for the search, then the
	 * measured transfer.
	 */
	transfer(_metadata, self->cli, self->srv, XFER_SIZE / 4, 4);
	sleep(3);
	avg = sized_transfer(_metadata, self);
	/* Above the base size (1200, UDP, IP, Ethernet), below the hole. */
	EXPECT_LT(1300 + (v6 ? 20 : 0), avg);
	EXPECT_GT(hole + 14, avg);
	dropped = run_number("tc -n %s -s qdisc show dev veth0 | "
			     "awk '/dropped/ { gsub(\",\", \"\"); print $7; exit }'",
			     self->ns_cli);
	/* The probes that found the hole. */
	EXPECT_LE(3, dropped);
	EXPECT_EQ(0, cli_fragments(self));
}

TEST_HARNESS_MAIN
