// SPDX-License-Identifier: GPL-2.0
/*
 * UDP GSO on send (net.quic.gso) and UDP GRO on receive. A client in one
 * network namespace sends to a server in another over a veth pair, which
 * carries a UDP GSO skb whole. A packet socket in the server's namespace
 * sees each skb as the veth (or GRO) hands it over, before UDP splits it
 * for the QUIC UDP socket: an IP packet longer than the link's MTU is a
 * batch of datagrams that left, or were merged, together. The data arrives
 * intact whatever the batching, under loss too (netem drops a batch
 * whole), and with net.quic.gso = 0 every skb is one datagram. IPv4 and
 * IPv6.
 *
 * Connections use known secrets (quic_fake.h).
 */

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"
#include "quic_ns.h"

#define GSO_MTU		1500

FIXTURE(gso)
{
	struct ns_pair p;
	int tap;		/* packet socket in the server's namespace */
};

FIXTURE_VARIANT(gso)
{
	int family;
	const char *srv, *cli;	/* addresses */
};

FIXTURE_VARIANT_ADD(gso, ipv4)
{
	.family = AF_INET,
	.srv = "10.97.0.1",
	.cli = "10.97.0.2",
};

FIXTURE_VARIANT_ADD(gso, ipv6)
{
	.family = AF_INET6,
	.srv = "fd00:97::1",
	.cli = "fd00:97::2",
};

FIXTURE_SETUP(gso)
{
	self->tap = -1;
	ASSERT_EQ(0, ns_pair_create(&self->p, "qgso", variant->family,
				    variant->srv, variant->cli))
		TH_LOG("%s", fake_err);
}

FIXTURE_TEARDOWN(gso)
{
	if (self->tap >= 0)
		close(self->tap);
	ns_pair_destroy(&self->p);
}

/* net.quic.gso in the client's namespace; read by new connections. */
static int set_gso(FIXTURE_DATA(gso) *self, int on)
{
	if (ns_run("ip netns exec %s sysctl -qw net.quic.gso=%d",
		   self->p.cli, on))
		return -1;
	close(self->p.cli_fd);
	self->p.cli_fd = ns_socket(self->p.cli, self->p.family);
	if (self->p.cli_fd < 0)
		return -1;
	fake_timeouts(self->p.cli_fd, 60000);
	return 0;
}

static void tap_open(struct __test_metadata *_metadata,
		     FIXTURE_DATA(gso) *self)
{
	self->tap = ns_socket_of(self->p.srv, AF_PACKET, SOCK_DGRAM,
				 htons(ETH_P_ALL));
	ASSERT_LE(0, self->tap) TH_LOG("packet socket: %s", strerror(errno));
	ASSERT_EQ(0, setsockopt(self->tap, SOL_SOCKET, SO_RCVBUFFORCE,
				&(int){ 64 << 20 }, sizeof(int)));
}

/* What the packet socket saw of a transfer from the client. */
struct tap_seen {
	int packets;	/* skbs from the client */
	int batches;	/* of them longer than the MTU */
	int longest;	/* bytes of IP packet */
	int datagrams;	/* the client's datagrams in them */
	int replies;	/* skbs from the server to the client (its ACKs) */
};

/* A batch's datagrams are the path's size, the MTU less IP and UDP. */
static int tap_datagrams(int family, ssize_t len)
{
	int hdr = (family == AF_INET ? 20 : 40) + 8, seg = GSO_MTU - hdr;

	return (len - hdr + seg - 1) / seg;
}

static void tap_count(FIXTURE_DATA(gso) *self, const FIXTURE_VARIANT(gso) *v,
		      struct tap_seen *seen)
{
	struct in6_addr cli6, srv6;
	in_addr_t cli4 = 0, srv4 = 0;
	uint8_t buf[64];

	if (v->family == AF_INET) {
		cli4 = inet_addr(v->cli);
		srv4 = inet_addr(v->srv);
	} else {
		inet_pton(AF_INET6, v->cli, &cli6);
		inet_pton(AF_INET6, v->srv, &srv6);
	}
	memset(seen, 0, sizeof(*seen));
	for (;;) {
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		ssize_t len = recvfrom(self->tap, buf, sizeof(buf),
				       MSG_DONTWAIT | MSG_TRUNC,
				       (struct sockaddr *)&from, &flen);
		const struct ip6_hdr *ip6 = (const void *)buf;
		const struct iphdr *ip = (const void *)buf;
		int out, udp;

		if (len < 0)
			break;
		if (len < 40)
			continue;
		out = from.sll_pkttype == PACKET_OUTGOING;
		udp = v->family == AF_INET ?
		      ip->version == 4 && ip->protocol == IPPROTO_UDP :
		      (buf[0] >> 4) == 6 && ip6->ip6_nxt == IPPROTO_UDP;
		if (!udp)
			continue;
		if (out && (v->family == AF_INET ? ip->saddr == srv4 :
			    !memcmp(&ip6->ip6_src, &srv6, sizeof(srv6)))) {
			seen->replies++;
			continue;
		}
		if (out || (v->family == AF_INET ? ip->saddr != cli4 :
			    memcmp(&ip6->ip6_src, &cli6, sizeof(cli6))))
			continue;
		seen->packets++;
		seen->datagrams += tap_datagrams(v->family, len);
		if (len > GSO_MTU)
			seen->batches++;
		if (len > seen->longest)
			seen->longest = len;
	}
}

static void tap_log(struct __test_metadata *_metadata,
		    const struct tap_seen *seen)
{
	TH_LOG("%d skbs from the client, %d of them batches (the longest %d bytes), %d datagrams; %d skbs back",
	       seen->packets, seen->batches, seen->longest, seen->datagrams,
	       seen->replies);
}

static size_t gso_len(void)
{
	return xfer_debug_kernel() ? 1 << 20 : 4 << 20;
}

/* Connect, then @len bytes from the client, checked; what the tap saw. */
static void tap_transfer(struct __test_metadata *_metadata,
			 FIXTURE_DATA(gso) *self,
			 const FIXTURE_VARIANT(gso) *variant, size_t len,
			 struct tap_seen *seen)
{
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	tap_open(_metadata, self);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, len, 0);
	tap_count(self, variant, seen);
	tap_log(_metadata, seen);
}

/* With GSO (the default), the client's data leaves in batches. */
TEST_F_TIMEOUT(gso, batches, 240)
{
	struct tap_seen seen;

	tap_transfer(_metadata, self, variant, gso_len(), &seen);
	EXPECT_LT(0, seen.batches);
	/* A batch is at most 16 datagrams of at most the MTU. */
	EXPECT_GE(16 * GSO_MTU, seen.longest);
	ASSERT_LE((int)(gso_len() / GSO_MTU), seen.datagrams);
	/* The server's data, both ways at once over the same connection. */
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, gso_len() / 4, 1);
}

/* net.quic.gso = 0: one datagram per skb, the same data intact. */
TEST_F_TIMEOUT(gso, off, 240)
{
	struct tap_seen seen;

	ASSERT_EQ(0, set_gso(self, 0));
	tap_transfer(_metadata, self, variant, gso_len(), &seen);
	ASSERT_LT((int)(gso_len() / GSO_MTU), seen.packets);
	EXPECT_EQ(0, seen.batches);
	EXPECT_GE(GSO_MTU, seen.longest);
	EXPECT_EQ(seen.packets, seen.datagrams);
}

/*
 * Loss and reordering on the client's end: netem drops or delays a batch
 * whole, and loss recovery (RFC 9002) resends its datagrams' frames.
 */
TEST_F_TIMEOUT(gso, loss, 240)
{
	struct tap_seen seen;

	ASSERT_EQ(0, ns_run("tc -n %s qdisc replace dev veth0 root netem delay 2ms loss 3%% reorder 10%% 50%%",
			    self->p.cli));
	tap_transfer(_metadata, self, variant, gso_len() / 2, &seen);
	EXPECT_LT(0, seen.batches);
}

/*
 * UDP GRO on receive: the client sends one datagram per skb (gso = 0)
 * and the server's veth runs GRO (NAPI; the client's end without TSO, so
 * that veth hands it plain datagrams to merge). The QUIC UDP socket asks
 * for GRO (UDP_GRO), so its flows' datagrams are merged: the packet
 * socket, which sees what GRO made, counts skbs longer than the MTU, and
 * the QUIC side gets every byte once they are split again.
 */
TEST_F_TIMEOUT(gso, gro, 240)
{
	struct tap_seen seen;

	ASSERT_EQ(0, set_gso(self, 0));
	ASSERT_EQ(0, ns_run("ip netns exec %s ethtool -K veth0 tso off >/dev/null && "
			    "ip netns exec %s ethtool -K veth0 gro on >/dev/null",
			    self->p.cli, self->p.srv))
		TH_LOG("ethtool cannot set the veth's offloads");
	tap_transfer(_metadata, self, variant, gso_len(), &seen);
	EXPECT_LT(0, seen.batches);
}

TEST_HARNESS_MAIN
