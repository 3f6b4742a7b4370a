// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC connections across a lossy link: two network namespaces joined by
 * a veth pair with tc netem on both ends. Transfers under 5% loss with
 * reordering, a handshake under 30% loss, and a stateless reset
 * (RFC 9000 section 10.3) once the server's connection is gone without a
 * word (its CONNECTION_CLOSE dropped by the link).
 *
 * Connections use known secrets (quic_fake.h); each socket is created in
 * its namespace by switching this process there for the socket() call.
 */

#include "kselftest_harness.h"
#include "quic_xfer.h"
#include "quic_ns.h"

#define ADDR_SRV	"10.99.0.1"
#define ADDR_CLI	"10.99.0.2"

FIXTURE(netem)
{
	struct ns_pair p;
};

/* netem on both ends of the link; an empty @spec removes it. */
static int set_link(FIXTURE_DATA(netem) *self, const char *spec)
{
	if (!*spec)
		return ns_run("tc -n %s qdisc del dev veth0 root 2>/dev/null;"
			      "tc -n %s qdisc del dev veth0 root 2>/dev/null; true",
			      self->p.srv, self->p.cli);
	return ns_run("tc -n %s qdisc replace dev veth0 root netem %s && "
		      "tc -n %s qdisc replace dev veth0 root netem %s",
		      self->p.srv, spec, self->p.cli, spec);
}

FIXTURE_SETUP(netem)
{
	ASSERT_EQ(0, ns_pair_create(&self->p, "quic", AF_INET, ADDR_SRV,
				    ADDR_CLI))
		TH_LOG("%s", fake_err);
	/* tc netem must be there: a lossless run would prove nothing. */
	ASSERT_EQ(0, set_link(self, "delay 1ms")) TH_LOG("no tc netem");
}

FIXTURE_TEARDOWN(netem)
{
	ns_pair_destroy(&self->p);
}

/* RFC 9002: loss and reordering are repaired by retransmitting frames. */
TEST_F_TIMEOUT(netem, loss_and_reordering, 240)
{
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, set_link(self, "delay 5ms 2ms loss 5% reorder 25% 50%"));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 2 * 1024 * 1024, 0);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, 2 * 1024 * 1024, 1);
}

static int set_cong(int fd, uint8_t algo)
{
	struct quic_config c = { .congestion_control_algo = algo };

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

/*
 * CUBIC (RFC 9438), chosen on the client and on the listener (its
 * accepted socket inherits it), repairs loss like NewReno does.
 */
TEST_F_TIMEOUT(netem, cubic_under_loss, 240)
{
	struct quic_config c;
	socklen_t len = sizeof(c);

	ASSERT_EQ(0, set_cong(self->p.cli_fd, QUIC_CONG_ALG_CUBIC));
	ASSERT_EQ(0, set_cong(self->p.lsn, QUIC_CONG_ALG_CUBIC));
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, getsockopt(self->p.srv_fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c,
				&len));
	EXPECT_EQ(QUIC_CONG_ALG_CUBIC, c.congestion_control_algo);
	ASSERT_EQ(0, set_link(self, "delay 5ms 2ms loss 3%"));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 2 * 1024 * 1024, 0);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, 2 * 1024 * 1024, 1);
}

/* RFC 9002 section 6.2.4 and appendix A.9: PTO probes get the handshake
 * through 30% loss each way.
 */
TEST_F_TIMEOUT(netem, handshake_under_loss, 240)
{
	ASSERT_EQ(0, set_link(self, "delay 2ms loss 30%"));
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	/* The connection works once the link is good again. */
	ASSERT_EQ(0, set_link(self, ""));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 100000, 0);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, 100000, 1);
}

/*
 * RFC 9000 section 10.3: the server's connection disappears without its
 * CONNECTION_CLOSE reaching the client; the next client packet meets no
 * connection, the server answers with a stateless reset, and the client
 * recognises the token of the server's ID and drops the connection.
 */
TEST_F_TIMEOUT(netem, stateless_reset, 60)
{
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc;
	socklen_t len = sizeof(cc);
	uint32_t flags;
	int64_t sid;
	char buf[16];

	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 1000, 0);
	ASSERT_EQ(0, set_link(self, "loss 100%"));
	close(self->p.srv_fd);
	self->p.srv_fd = -1;
	usleep(200000);
	ASSERT_EQ(0, set_link(self, ""));
	/* The client still believes in the connection. */
	ASSERT_EQ(5, fake_send_stream(self->p.cli_fd, 4, MSG_STREAM_NEW, "hello", 5));
	fake_timeouts(self->p.cli_fd, 10000);
	errno = 0;
	EXPECT_EQ(-1, fake_recv_stream(self->p.cli_fd, buf, sizeof(buf), &sid, &flags));
	EXPECT_EQ(ECONNRESET, errno);
	ASSERT_EQ(0, getsockopt(self->p.cli_fd, SOL_QUIC,
				QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &len));
	EXPECT_STREQ("stateless reset", (char *)cc.c.phrase);
	/* Draining: nothing more can be sent. */
	EXPECT_EQ(-1, fake_send_stream(self->p.cli_fd, 8, MSG_STREAM_NEW, "x", 1));
}

TEST_HARNESS_MAIN
