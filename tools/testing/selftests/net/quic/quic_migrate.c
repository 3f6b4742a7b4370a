// SPDX-License-Identifier: GPL-2.0
/*
 * NAT rebinding seen by the server (RFC 9000 section 9.3): in the middle
 * of a connection, an nftables source NAT in the client's namespace
 * starts giving the client's datagrams a new port, or a new address. The
 * client's socket knows nothing of it; the server must follow the client
 * to where its newest packets come from, validate that address with a
 * PATH_CHALLENGE (section 8.2) and tell its application with
 * QUIC_EVENT_CONNECTION_MIGRATION, and data must keep flowing both ways.
 *
 * The NAT is stateless (nftables rewriting the client's port or address
 * both ways), so that it takes effect at a known moment.
 */

#include "kselftest_harness.h"
#include "quic_xfer.h"
#include "quic_ns.h"

/* Scaled down on the debug lane's kernel (quic_xfer.h). */
#define XFER_SIZE	(xfer_debug_kernel() ? 64 * 1024 : 256 * 1024)

FIXTURE(migrate)
{
	struct ns_pair p;
};

FIXTURE_VARIANT(migrate)
{
	int family;
	const char *srv, *cli, *cli2;	/* cli2: the address NAT moves to */
	const char *nft_family;
};

FIXTURE_VARIANT_ADD(migrate, ipv4)
{
	.family = AF_INET,
	.srv = "10.97.0.1",
	.cli = "10.97.0.2",
	.cli2 = "10.97.0.3",
	.nft_family = "ip",
};

FIXTURE_VARIANT_ADD(migrate, ipv6)
{
	.family = AF_INET6,
	.srv = "fd00:97::1",
	.cli = "fd00:97::2",
	.cli2 = "fd00:97::3",
	.nft_family = "ip6",
};

FIXTURE_SETUP(migrate)
{
	struct quic_event_option ev = { QUIC_EVENT_CONNECTION_MIGRATION, 1 };

	ASSERT_EQ(0, ns_pair_create(&self->p, "qmig", variant->family,
				    variant->srv, variant->cli))
		TH_LOG("%s", fake_err);
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, setsockopt(self->p.srv_fd, SOL_QUIC, QUIC_SOCKOPT_EVENT,
				&ev, sizeof(ev)));
	/* The path works before anything moves. */
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, 0);
}

FIXTURE_TEARDOWN(migrate)
{
	ns_pair_destroy(&self->p);
}

/* The client's port as its socket sees it. */
static uint16_t cli_port(FIXTURE_DATA(migrate) *self)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(self->p.cli_fd, (void *)&ss, &len))
		return 0;
	return ns_port(&ss);
}

/*
 * The NAT: the client's datagrams leave with source address @addr (NULL:
 * kept) and port @port (0: kept), and what comes back to those is given
 * back to the client's socket. Stateless rewriting in the client's
 * namespace (nftables payload statements fix the checksums): it applies
 * from the next datagram on, whichever side sends it, and is gone as soon
 * as the table is.
 */
static int nat_on(FIXTURE_DATA(migrate) *self,
		  const FIXTURE_VARIANT(migrate) *variant,
		  const char *addr, uint16_t port)
{
	const char *f = variant->nft_family;
	uint16_t cport = cli_port(self);
	char out[160], in[160];

	if (port) {
		snprintf(out, sizeof(out), "udp sport %u udp sport set %u",
			 cport, port);
		snprintf(in, sizeof(in), "udp dport %u udp dport set %u",
			 port, cport);
	} else {
		snprintf(out, sizeof(out), "%s saddr %s udp sport %u %s saddr set %s",
			 f, variant->cli, cport, f, addr);
		snprintf(in, sizeof(in), "%s daddr %s udp dport %u %s daddr set %s",
			 f, addr, cport, f, variant->cli);
	}
	return ns_run("ip netns exec %s nft -f - <<'EOF'\n"
		      "table %s qnat {\n"
		      " chain out { type filter hook postrouting priority 100; %s; }\n"
		      " chain in { type filter hook prerouting priority -300; %s; }\n"
		      "}\n"
		      "EOF", self->p.cli, f, out, in);
}

static int nat_off(FIXTURE_DATA(migrate) *self,
		   const FIXTURE_VARIANT(migrate) *variant)
{
	return ns_run("ip netns exec %s nft delete table %s qnat",
		      self->p.cli, variant->nft_family);
}

/* The address the server's connection sends to (getpeername()). */
static int srv_peer(FIXTURE_DATA(migrate) *self, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);

	return getpeername(self->p.srv_fd, (void *)ss, &len);
}

static int same_ip(const struct sockaddr_storage *ss, const char *ip)
{
	struct sockaddr_storage want;

	if (!ns_addr(ss->ss_family, ip, 0, &want))
		return 0;
	if (ss->ss_family == AF_INET6)
		return !memcmp(&((struct sockaddr_in6 *)ss)->sin6_addr,
			       &((struct sockaddr_in6 *)&want)->sin6_addr, 16);
	return ((struct sockaddr_in *)ss)->sin_addr.s_addr ==
	       ((struct sockaddr_in *)&want)->sin_addr.s_addr;
}

/* The server's next message is QUIC_EVENT_CONNECTION_MIGRATION, of the
 * peer moving; 0 or -1.
 */
static int migration_event(const uint8_t *buf, ssize_t n)
{
	return n == 2 && buf[0] == QUIC_EVENT_CONNECTION_MIGRATION && !buf[1] ?
	       0 : -1;
}

/*
 * Something from the new address, then the server's application hears
 * that the connection moved (the PATH_RESPONSE came back, or the address
 * was validated before), and data goes both ways.
 *
 * With @cli_first false the server sends first: the client's
 * acknowledgments are what come from the new address. With it true the
 * client sends a message first, which comes before or after the event.
 */
static void moved_and_works(struct __test_metadata *_metadata,
			    FIXTURE_DATA(migrate) *self, int round,
			    bool cli_first)
{
	int64_t base = 8 * round;	/* new streams each round */
	int events = 0, msgs = 0, i;
	uint8_t buf[16];
	uint32_t flags;
	int64_t sid;
	ssize_t n;

	if (cli_first) {
		ASSERT_EQ(4, fake_send_stream(self->p.cli_fd, base,
					      MSG_STREAM_NEW | MSG_STREAM_FIN,
					      "back", 4));
	} else {
		transfer(_metadata, self->p.srv_fd, self->p.cli_fd, XFER_SIZE,
			 base + 1);
	}
	fake_timeouts(self->p.srv_fd, 10000);
	for (i = 0; i < (cli_first ? 2 : 1); i++) {
		n = fake_recv_stream(self->p.srv_fd, buf, sizeof(buf), &sid,
				     &flags);
		ASSERT_LT(0, n) TH_LOG("server recv: %s", strerror(errno));
		if (sid == base && n == 4 && !memcmp(buf, "back", 4))
			msgs++;
		else if (!migration_event(buf, n))
			events++;
	}
	EXPECT_EQ(1, events) TH_LOG("no migration event");
	EXPECT_EQ(cli_first ? 1 : 0, msgs);
	fake_timeouts(self->p.srv_fd, 60000);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, base + 4);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, XFER_SIZE, base + 5);
}

/* The NAT gives the client a new port: the server follows it. */
TEST_F_TIMEOUT(migrate, rebind_port, 120)
{
	uint16_t port = cli_port(self), new_port = port == 60000 ? 60001 : 60000;
	struct sockaddr_storage peer;

	ASSERT_NE(0, port);
	ASSERT_EQ(0, nat_on(self, variant, NULL, new_port)) TH_LOG("no nft NAT");
	moved_and_works(_metadata, self, 0, false);
	ASSERT_EQ(0, srv_peer(self, &peer));
	EXPECT_EQ(new_port, ns_port(&peer));
	EXPECT_TRUE(same_ip(&peer, variant->cli));
	/* The client's socket never saw a thing. */
	EXPECT_EQ(port, cli_port(self));
}

/* The NAT gives the client a new address (same port): a new path for
 * the server, with its congestion controller and RTT started afresh.
 */
TEST_F_TIMEOUT(migrate, rebind_addr, 120)
{
	uint16_t port = cli_port(self);
	struct sockaddr_storage peer;

	ASSERT_EQ(0, ns_run("ip -n %s addr add %s/%d dev veth0 %s",
			    self->p.cli, variant->cli2,
			    variant->family == AF_INET6 ? 64 : 24,
			    variant->family == AF_INET6 ? "nodad" : ""));
	ASSERT_EQ(0, nat_on(self, variant, variant->cli2, 0)) TH_LOG("no nft NAT");
	moved_and_works(_metadata, self, 0, false);
	ASSERT_EQ(0, srv_peer(self, &peer));
	EXPECT_TRUE(same_ip(&peer, variant->cli2));
	EXPECT_EQ(port, ns_port(&peer));
}

/*
 * The NAT moves the client and then moves it back: the server follows
 * both times, and back at the address it had validated it needs no new
 * validation (section 9.3) but still tells its application. Until the
 * client sends, the server's packets go to the port the NAT no longer
 * maps, so the client speaks first.
 */
TEST_F_TIMEOUT(migrate, rebind_and_back, 180)
{
	uint16_t port = cli_port(self), new_port = port == 60000 ? 60001 : 60000;
	struct sockaddr_storage peer;

	ASSERT_EQ(0, nat_on(self, variant, NULL, new_port)) TH_LOG("no nft NAT");
	moved_and_works(_metadata, self, 0, false);
	ASSERT_EQ(0, srv_peer(self, &peer));
	EXPECT_EQ(new_port, ns_port(&peer));
	ASSERT_EQ(0, nat_off(self, variant));
	moved_and_works(_metadata, self, 1, true);
	ASSERT_EQ(0, srv_peer(self, &peer));
	EXPECT_EQ(port, ns_port(&peer));
	EXPECT_TRUE(same_ip(&peer, variant->cli));
}

/* The server's peer port, polled until it is @want or @ms pass. */
static uint16_t wait_peer_port(FIXTURE_DATA(migrate) *self, uint16_t want,
			       int ms)
{
	struct sockaddr_storage peer;
	uint16_t port = 0;

	for (; ms > 0; ms -= 50) {
		if (srv_peer(self, &peer))
			return 0;
		port = ns_port(&peer);
		if (port == want)
			break;
		usleep(50000);
	}
	return port;
}

/* UDP payload bytes through the counter of nft chain @chain. */
static long long nft_payload(FIXTURE_DATA(migrate) *self,
			     const FIXTURE_VARIANT(migrate) *variant,
			     const char *chain)
{
	int hdr = variant->family == AF_INET6 ? 48 : 28;

	return ns_number("ip netns exec %s nft list chain %s qnat %s | "
			 "awk '/counter/ { for (i = 1; i < NF; i++) { "
			 "if ($i == \"packets\") p = $(i + 1); "
			 "if ($i == \"bytes\") b = $(i + 1) } } "
			 "END { print b - p * %d }'",
			 self->p.cli, variant->nft_family, chain, hdr);
}

/*
 * RFC 9000 sections 8.2.4 and 9.3.2: the client seems to move (its
 * datagrams come from a new port) but nothing sent to the new port comes
 * back, and then the client is silent. The server sends there no more
 * than three times what it got from there (section 8.1), gives the
 * validation up after three PTOs and goes back to the address it had
 * validated; when the client speaks again from there, the connection
 * goes on, and no migration was reported.
 */
TEST_F_TIMEOUT(migrate, rebind_unanswered, 120)
{
	uint16_t port = cli_port(self), new_port = port == 60000 ? 60001 : 60000;
	const char *f = variant->nft_family;
	long long in, out;
	uint8_t buf[16];
	uint32_t flags;
	int64_t sid;
	ssize_t n;

	ASSERT_EQ(0, ns_run("ip netns exec %s nft -f - <<'EOF'\n"
			    "table %s qnat {\n"
			    " chain out { type filter hook postrouting priority 100; "
			    "udp sport %u counter udp sport set %u; }\n"
			    " chain in { type filter hook prerouting priority -300; "
			    "udp dport %u counter drop; }\n"
			    "}\n"
			    "EOF", self->p.cli, f, port, new_port, new_port))
		TH_LOG("no nft");
	ASSERT_EQ(4, fake_send_stream(self->p.cli_fd, 8, MSG_STREAM_NEW |
				      MSG_STREAM_FIN, "lost", 4));
	ASSERT_EQ(new_port, wait_peer_port(self, new_port, 5000));
	/* The client falls silent: what it sends again goes nowhere (a
	 * drop ahead of the counted rewrite).
	 */
	ASSERT_EQ(0, ns_run("ip netns exec %s nft insert rule %s qnat out "
			    "udp sport %u drop", self->p.cli, f, port));
	EXPECT_EQ(port, wait_peer_port(self, port, 10000))
		TH_LOG("the server did not go back");
	out = nft_payload(self, variant, "out");
	in = nft_payload(self, variant, "in");
	ASSERT_EQ(0, nat_off(self, variant));
	TH_LOG("%lld bytes of UDP payload from the new port, %lld to it", out, in);
	EXPECT_LT(0, out);
	EXPECT_LT(0, in);
	EXPECT_GE(3 * out, in);
	/* The client sent again from its old port: the message arrives. */
	fake_timeouts(self->p.srv_fd, 20000);
	n = fake_recv_stream(self->p.srv_fd, buf, sizeof(buf), &sid, &flags);
	ASSERT_EQ(4, n) TH_LOG("server recv: %s", n < 0 ? strerror(errno) : "size");
	EXPECT_EQ(8, sid);
	EXPECT_EQ(0, memcmp(buf, "lost", 4));
	fake_timeouts(self->p.srv_fd, 60000);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, 12);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, XFER_SIZE, 1);
}

/* QUIC_EVENT_CONNECTION_MIGRATION on @fd within 10 s, @local or not. */
static int wait_migration_event(int fd, int local)
{
	uint8_t buf[16];
	uint32_t flags;
	int64_t sid;
	ssize_t n;

	fake_timeouts(fd, 10000);
	n = fake_recv_stream(fd, buf, sizeof(buf), &sid, &flags);
	fake_timeouts(fd, 60000);
	return n == 2 && buf[0] == QUIC_EVENT_CONNECTION_MIGRATION &&
	       buf[1] == local ? 0 : -1;
}

static int migrate_to(FIXTURE_DATA(migrate) *self, const char *ip)
{
	struct sockaddr_storage a;
	socklen_t len = ns_addr(self->p.family, ip, 0, &a);

	if (setsockopt(self->p.cli_fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION,
		       &a, len))
		return errno;
	return 0;
}

/*
 * RFC 9000 section 9.2: the client moves to a new local address (@ip, a
 * free port) when its application asks; both ends validate the new path
 * and tell their applications, and the connection goes on there.
 */
static void client_moves(struct __test_metadata *_metadata,
			 FIXTURE_DATA(migrate) *self, const char *ip)
{
	struct quic_event_option ev = { QUIC_EVENT_CONNECTION_MIGRATION, 1 };
	uint16_t port = cli_port(self), new_port;
	struct sockaddr_storage peer;

	ASSERT_EQ(0, setsockopt(self->p.cli_fd, SOL_QUIC, QUIC_SOCKOPT_EVENT,
				&ev, sizeof(ev)));
	ASSERT_EQ(0, migrate_to(self, ip));
	new_port = cli_port(self);
	EXPECT_NE(port, new_port);
	EXPECT_EQ(0, wait_migration_event(self->p.cli_fd, 1))
		TH_LOG("no migration event at the client");
	EXPECT_EQ(0, wait_migration_event(self->p.srv_fd, 0))
		TH_LOG("no migration event at the server");
	ASSERT_EQ(0, srv_peer(self, &peer));
	EXPECT_EQ(new_port, ns_port(&peer));
	EXPECT_TRUE(same_ip(&peer, ip));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, 4);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, XFER_SIZE, 1);
}

TEST_F_TIMEOUT(migrate, client_new_port, 120)
{
	client_moves(_metadata, self, variant->cli);
}

TEST_F_TIMEOUT(migrate, client_new_addr, 120)
{
	ASSERT_EQ(0, ns_run("ip -n %s addr add %s/%d dev veth0 %s",
			    self->p.cli, variant->cli2,
			    variant->family == AF_INET6 ? 64 : 24,
			    variant->family == AF_INET6 ? "nodad" : ""));
	client_moves(_metadata, self, variant->cli2);
}

/*
 * Sections 8.2.4 and 9.2: nothing from the server reaches the client's
 * new port. While the path is being validated no other migration starts
 * (EBUSY); once the validation times out the client is back on its old
 * port, and when the link is good again the connection goes on there.
 */
TEST_F_TIMEOUT(migrate, client_unanswered, 120)
{
	uint16_t port = cli_port(self);
	struct sockaddr_storage peer;
	int ms;

	ASSERT_EQ(0, ns_run("ip netns exec %s nft add table %s qnat && "
			    "ip netns exec %s nft add chain %s qnat in "
			    "'{ type filter hook prerouting priority -300; }' && "
			    "ip netns exec %s nft add rule %s qnat in %s saddr %s drop",
			    self->p.cli, variant->nft_family,
			    self->p.cli, variant->nft_family,
			    self->p.cli, variant->nft_family, variant->nft_family,
			    variant->srv)) TH_LOG("no nft");
	ASSERT_EQ(0, migrate_to(self, variant->cli));
	EXPECT_NE(port, cli_port(self));
	EXPECT_EQ(EBUSY, migrate_to(self, variant->cli));
	for (ms = 0; ms < 10000 && cli_port(self) != port; ms += 50)
		usleep(50000);
	EXPECT_EQ(port, cli_port(self)) TH_LOG("the client did not go back");
	ASSERT_EQ(0, nat_off(self, variant));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, 4);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, XFER_SIZE, 1);
	ASSERT_EQ(0, srv_peer(self, &peer));
	EXPECT_EQ(port, ns_port(&peer));
}

/* What QUIC_SOCKOPT_CONNECTION_MIGRATION refuses, with its errno. */
TEST_F_TIMEOUT(migrate, client_migration_errors, 120)
{
	struct sockaddr_storage a;
	struct sockaddr_in6 other = { .sin6_family = AF_INET6 };
	struct sockaddr_in v4 = { .sin_family = AF_INET };
	socklen_t len = ns_addr(variant->family, variant->cli, 0, &a);
	const char *nowhere = variant->family == AF_INET6 ? "fd00:97::99" :
							   "10.97.0.99";
	int err;

	/* Section 9: servers do not migrate. */
	EXPECT_EQ(-1, setsockopt(self->p.srv_fd, SOL_QUIC,
				 QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, len));
	EXPECT_EQ(EINVAL, errno);
	/* Too short to be an address. */
	EXPECT_EQ(-1, setsockopt(self->p.cli_fd, SOL_QUIC,
				 QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, 4));
	EXPECT_EQ(EINVAL, errno);
	/* Not the socket's family. */
	if (variant->family == AF_INET)
		err = setsockopt(self->p.cli_fd, SOL_QUIC,
				 QUIC_SOCKOPT_CONNECTION_MIGRATION, &other,
				 sizeof(other));
	else
		err = setsockopt(self->p.cli_fd, SOL_QUIC,
				 QUIC_SOCKOPT_CONNECTION_MIGRATION, &v4, sizeof(v4));
	EXPECT_EQ(-1, err);
	EXPECT_EQ(EAFNOSUPPORT, errno);
	/* Not an address of the client's. */
	EXPECT_EQ(EADDRNOTAVAIL, migrate_to(self, nowhere));
	/* None of it moved the connection. */
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, 4);
}

/*
 * RFC 9000 section 9.6: a server's preferred address. The listener offers
 * a second address of the server's (QUIC_SOCKOPT_CONNECTION_MIGRATION on
 * a listener); once the handshake is confirmed the client moves there,
 * with the connection ID that came with it, and the server answers from
 * there; both tell their applications, and data flows on the new path.
 */
FIXTURE(preferred)
{
	struct ns_pair p;
};

FIXTURE_VARIANT(preferred)
{
	int family;
	const char *srv, *cli, *srv2;
};

FIXTURE_VARIANT_ADD(preferred, ipv4)
{
	.family = AF_INET,
	.srv = "10.96.0.1",
	.cli = "10.96.0.2",
	.srv2 = "10.96.0.5",
};

FIXTURE_VARIANT_ADD(preferred, ipv6)
{
	.family = AF_INET6,
	.srv = "fd00:96::1",
	.cli = "fd00:96::2",
	.srv2 = "fd00:96::5",
};

#define PREF_PORT	4499

FIXTURE_SETUP(preferred)
{
	ASSERT_EQ(0, ns_pair_create(&self->p, "qpref", variant->family,
				    variant->srv, variant->cli))
		TH_LOG("%s", fake_err);
	ASSERT_EQ(0, ns_run("ip -n %s addr add %s/%d dev veth0 %s",
			    self->p.srv, variant->srv2,
			    variant->family == AF_INET6 ? 64 : 24,
			    variant->family == AF_INET6 ? "nodad" : ""));
}

FIXTURE_TEARDOWN(preferred)
{
	ns_pair_destroy(&self->p);
}

static int set_preferred(int fd, int family, const char *ip, uint16_t port)
{
	struct sockaddr_storage a;
	socklen_t len = ns_addr(family, ip, port, &a);

	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, len))
		return errno;
	return 0;
}

static int same_addr(int family, const struct sockaddr_storage *ss,
		     const char *ip, uint16_t port)
{
	struct sockaddr_storage want;
	socklen_t len = ns_addr(family, ip, port, &want);

	if (family == AF_INET6)
		return !memcmp(&((struct sockaddr_in6 *)ss)->sin6_addr,
			       &((struct sockaddr_in6 *)&want)->sin6_addr, 16) &&
		       ns_port(ss) == port;
	return len && !memcmp(ss, &want, sizeof(struct sockaddr_in));
}

TEST_F_TIMEOUT(preferred, client_moves_there, 120)
{
	struct quic_event_option ev = { QUIC_EVENT_CONNECTION_MIGRATION, 1 };
	struct sockaddr_storage ss;
	socklen_t len;

	ASSERT_EQ(0, set_preferred(self->p.lsn, variant->family, variant->srv2,
				   PREF_PORT));
	/* The accepted socket inherits the listener's events. */
	ASSERT_EQ(0, setsockopt(self->p.lsn, SOL_QUIC, QUIC_SOCKOPT_EVENT,
				&ev, sizeof(ev)));
	ASSERT_EQ(0, setsockopt(self->p.cli_fd, SOL_QUIC, QUIC_SOCKOPT_EVENT,
				&ev, sizeof(ev)));
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	EXPECT_EQ(0, wait_migration_event(self->p.cli_fd, 0))
		TH_LOG("no migration event at the client");
	EXPECT_EQ(0, wait_migration_event(self->p.srv_fd, 1))
		TH_LOG("no migration event at the server");
	len = sizeof(ss);
	ASSERT_EQ(0, getpeername(self->p.cli_fd, (void *)&ss, &len));
	EXPECT_TRUE(same_addr(variant->family, &ss, variant->srv2, PREF_PORT));
	len = sizeof(ss);
	ASSERT_EQ(0, getsockname(self->p.srv_fd, (void *)&ss, &len));
	EXPECT_TRUE(same_addr(variant->family, &ss, variant->srv2, PREF_PORT));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, 0);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, XFER_SIZE, 1);
}

/* The preferred address is a real one of the server's. */
TEST_F_TIMEOUT(preferred, errors, 120)
{
	const char *any = variant->family == AF_INET6 ? "::" : "0.0.0.0";
	const char *nowhere = variant->family == AF_INET6 ? "fd00:96::99" :
							   "10.96.0.99";

	EXPECT_EQ(EINVAL, set_preferred(self->p.lsn, variant->family, any,
					PREF_PORT));
	EXPECT_EQ(EADDRNOTAVAIL, set_preferred(self->p.lsn, variant->family,
					       nowhere, PREF_PORT));
	/* A listener without one still takes connections. */
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, XFER_SIZE, 0);
}

TEST_HARNESS_MAIN
