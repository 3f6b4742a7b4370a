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

#include <time.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"
#include "quic_ns.h"

#define XFER_SIZE	(1024 * 1024)
/* The black hole: IPv4 packets of this total length and more vanish. */
#define HOLE_LEN	1408

FIXTURE(pmtu)
{
	struct ns_pair p;
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

static int set_mtu(FIXTURE_DATA(pmtu) *self, int mtu)
{
	return ns_run("ip -n %s link set veth0 mtu %d && "
		      "ip -n %s link set veth0 mtu %d",
		      self->p.srv, mtu, self->p.cli, mtu);
}

static int set_plpmtud(int fd, uint32_t interval_us)
{
	struct quic_config c = { .plpmtud_probe_interval = interval_us };

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

FIXTURE_SETUP(pmtu)
{
	ASSERT_EQ(0, ns_pair_create(&self->p, "qpmtu", variant->family,
				    variant->srv, variant->cli))
		TH_LOG("%s", fake_err);
	/* The client's UDP GSO skbs are cut into datagrams before its veth,
	 * as a NIC would cut them: its counters and the link see datagrams.
	 */
	ASSERT_EQ(0, ns_run("ip netns exec %s ethtool -K veth0 tx-udp-segmentation off >/dev/null",
			    self->p.cli)) TH_LOG("ethtool");
}

FIXTURE_TEARDOWN(pmtu)
{
	ns_pair_destroy(&self->p);
}

static long long cli_counter(FIXTURE_DATA(pmtu) *self, const char *name)
{
	return ns_number("ip netns exec %s cat /sys/class/net/veth0/statistics/%s",
			 self->p.cli, name);
}

/* IPv4 and IPv6 fragments the client's stack created. */
static long long cli_fragments(FIXTURE_DATA(pmtu) *self)
{
	return ns_number("ip netns exec %s nstat -asz IpFragCreates Ip6FragCreates | "
			 "awk '/FragCreates/ { n += $2 } END { print n + 0 }'",
			 self->p.cli);
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
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, 0);
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
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
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

	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
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
	ASSERT_EQ(0, set_plpmtud(self->p.cli_fd, 5000000));
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	avg = sized_transfer(_metadata, self);
	EXPECT_LT(6000, avg);
	EXPECT_GE(9014, avg);
	EXPECT_EQ(0, cli_fragments(self));
}

/* An nftables counter of what reaches the server's IP layer from the
 * client: the datagrams the black hole let through, bytes of IP packet.
 */
static long long srv_passed(FIXTURE_DATA(pmtu) *self, const char *what)
{
	return ns_number("ip netns exec %s nft list chain inet qpmtu passed | "
			 "awk '/counter/ { for (i = 1; i < NF; i++) if ($i == \"%s\") print $(i + 1) }'",
			 self->p.srv, what);
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
	long long avg, dropped, bytes, packets;
	struct timespec t0, t1;
	unsigned int i;

	ASSERT_EQ(0x580, HOLE_LEN);
	ASSERT_EQ(0, set_mtu(self, 9000));
	/* At the server's ingress, where the datagrams arrive one by one
	 * (the client's qdisc would see its UDP GSO skbs whole).
	 */
	ASSERT_EQ(0, ns_run("tc -n %s qdisc add dev veth0 ingress",
			    self->p.srv)) TH_LOG("no tc ingress");
	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		ASSERT_EQ(0, ns_run("tc -n %s filter add dev veth0 parent ffff: protocol %s "
				    "prio 1 u32 match u16 %s at %d action drop",
				    self->p.srv, v6 ? "ipv6" : "ip", ranges[i],
				    v6 ? 4 : 2)) TH_LOG("no tc u32");
	ASSERT_EQ(0, ns_run("ip netns exec %s nft add table inet qpmtu && "
			    "ip netns exec %s nft add chain inet qpmtu passed "
			    "'{ type filter hook prerouting priority 0; }' && "
			    "ip netns exec %s nft add rule inet qpmtu passed "
			    "meta l4proto udp counter",
			    self->p.srv, self->p.srv, self->p.srv))
		TH_LOG("no nftables");
	ASSERT_EQ(0, set_plpmtud(self->p.cli_fd, 5000000));
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	/* Each size that fails takes QUIC_PMTU_MAX_PROBES probes, one at a
	 * time, and probes go out with traffic: some for a few seconds (more
	 * on the debug kernel) for the search, then the measured transfer.
	 * Windows that grow make a transfer of a given size short, so the
	 * traffic is kept up for a time, not for a number of bytes.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i <= 50; i++) {
		transfer(_metadata, self->p.cli_fd, self->p.srv_fd,
			 XFER_SIZE / 4, 4 * i);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec >= (xfer_debug_kernel() ? 10 : 3))
			break;
	}
	/* What the transfer's datagrams that got through measure: the
	 * client's counters would count the probes the hole ate too.
	 */
	bytes = srv_passed(self, "bytes");
	packets = srv_passed(self, "packets");
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, 0);
	bytes = srv_passed(self, "bytes") - bytes;
	packets = srv_passed(self, "packets") - packets;
	TH_LOG("%lld bytes of IP in %lld packets got through", bytes, packets);
	ASSERT_LT(0, packets);
	avg = bytes / packets;
	/* Above the base size (1200, UDP, IP), below the hole. */
	EXPECT_LT(1286 + (v6 ? 20 : 0), avg);
	EXPECT_GT(hole, avg);
	dropped = ns_number("tc -n %s -s qdisc show dev veth0 ingress | "
			    "awk '/dropped/ { gsub(\",\", \"\"); print $7; exit }'",
			    self->p.srv);
	/* The probes that found the hole. */
	EXPECT_LE(3, dropped);
	EXPECT_EQ(0, cli_fragments(self));
}

TEST_HARNESS_MAIN
