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

#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

#define ADDR_SRV	"10.99.0.1"
#define ADDR_CLI	"10.99.0.2"

FIXTURE(netem)
{
	char ns_srv[32], ns_cli[32];
	int lsn, cli, srv;
	struct sockaddr_in addr;
};

static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* A socket of @type created inside network namespace @ns. */
static int ns_socket(const char *ns, int type, int proto)
{
	char path[64];
	int self_ns, target, fd = -1;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	self_ns = open("/proc/self/ns/net", O_RDONLY);
	target = open(path, O_RDONLY);
	if (self_ns >= 0 && target >= 0 && !setns(target, CLONE_NEWNET)) {
		fd = socket(AF_INET, type, proto);
		if (setns(self_ns, CLONE_NEWNET))
			abort();	/* the test cannot go on elsewhere */
	}
	if (self_ns >= 0)
		close(self_ns);
	if (target >= 0)
		close(target);
	return fd;
}

/* netem on both ends of the link; an empty @spec removes it. */
static int set_link(FIXTURE_DATA(netem) *self, const char *spec)
{
	if (!*spec)
		return run("tc -n %s qdisc del dev veth0 root 2>/dev/null;"
			   "tc -n %s qdisc del dev veth0 root 2>/dev/null; true",
			   self->ns_srv, self->ns_cli);
	return run("tc -n %s qdisc replace dev veth0 root netem %s && "
		   "tc -n %s qdisc replace dev veth0 root netem %s",
		   self->ns_srv, spec, self->ns_cli, spec);
}

FIXTURE_SETUP(netem)
{
	socklen_t len = sizeof(self->addr);

	self->lsn = self->cli = self->srv = -1;
	snprintf(self->ns_srv, sizeof(self->ns_srv), "quic-srv-%d", getpid());
	snprintf(self->ns_cli, sizeof(self->ns_cli), "quic-cli-%d", getpid());
	ASSERT_EQ(0, run("ip netns add %s && ip netns add %s && "
			 "ip -n %s link add veth0 type veth peer name veth0 netns %s && "
			 "ip -n %s addr add " ADDR_SRV "/24 dev veth0 && "
			 "ip -n %s addr add " ADDR_CLI "/24 dev veth0 && "
			 "ip -n %s link set veth0 up && ip -n %s link set veth0 up",
			 self->ns_srv, self->ns_cli, self->ns_srv, self->ns_cli,
			 self->ns_srv, self->ns_cli, self->ns_srv, self->ns_cli))
		TH_LOG("cannot build the namespaces (iproute2)");
	/* tc netem must be there: a lossless run would prove nothing. */
	ASSERT_EQ(0, set_link(self, "delay 1ms")) TH_LOG("no tc netem");

	self->lsn = ns_socket(self->ns_srv, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->lsn);
	memset(&self->addr, 0, sizeof(self->addr));
	self->addr.sin_family = AF_INET;
	inet_pton(AF_INET, ADDR_SRV, &self->addr.sin_addr);
	ASSERT_EQ(0, bind(self->lsn, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, getsockname(self->lsn, (void *)&self->addr, &len));
	ASSERT_EQ(0, listen(self->lsn, 8));
	self->cli = ns_socket(self->ns_cli, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->cli);
	fake_timeouts(self->cli, 60000);
}

FIXTURE_TEARDOWN(netem)
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

static int handshake(FIXTURE_DATA(netem) *self)
{
	fake_err[0] = '\0';
	fake_wait_ms = 60000;
	if (connect(self->cli, (void *)&self->addr, sizeof(self->addr)))
		FAKE_FAIL("connect: %s", strerror(errno));
	if (fake_handshake(self->cli, self->lsn, &self->srv))
		return -1;
	fake_timeouts(self->srv, 60000);
	return 0;
}

/* RFC 9002: loss and reordering are repaired by retransmitting frames. */
TEST_F_TIMEOUT(netem, loss_and_reordering, 240)
{
	ASSERT_EQ(0, handshake(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, set_link(self, "delay 5ms 2ms loss 5% reorder 25% 50%"));
	transfer(_metadata, self->cli, self->srv, 2 * 1024 * 1024, 0);
	transfer(_metadata, self->srv, self->cli, 2 * 1024 * 1024, 1);
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

	ASSERT_EQ(0, set_cong(self->cli, QUIC_CONG_ALG_CUBIC));
	ASSERT_EQ(0, set_cong(self->lsn, QUIC_CONG_ALG_CUBIC));
	ASSERT_EQ(0, handshake(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, getsockopt(self->srv, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c,
				&len));
	EXPECT_EQ(QUIC_CONG_ALG_CUBIC, c.congestion_control_algo);
	ASSERT_EQ(0, set_link(self, "delay 5ms 2ms loss 3%"));
	transfer(_metadata, self->cli, self->srv, 2 * 1024 * 1024, 0);
	transfer(_metadata, self->srv, self->cli, 2 * 1024 * 1024, 1);
}

/* RFC 9002 section 6.2.4 and appendix A.9: PTO probes get the handshake
 * through 30% loss each way.
 */
TEST_F_TIMEOUT(netem, handshake_under_loss, 240)
{
	ASSERT_EQ(0, set_link(self, "delay 2ms loss 30%"));
	ASSERT_EQ(0, handshake(self)) TH_LOG("%s", fake_err);
	/* The connection works once the link is good again. */
	ASSERT_EQ(0, set_link(self, ""));
	transfer(_metadata, self->cli, self->srv, 100000, 0);
	transfer(_metadata, self->srv, self->cli, 100000, 1);
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

	ASSERT_EQ(0, handshake(self)) TH_LOG("%s", fake_err);
	transfer(_metadata, self->cli, self->srv, 1000, 0);
	ASSERT_EQ(0, set_link(self, "loss 100%"));
	close(self->srv);
	self->srv = -1;
	usleep(200000);
	ASSERT_EQ(0, set_link(self, ""));
	/* The client still believes in the connection. */
	ASSERT_EQ(5, fake_send_stream(self->cli, 4, MSG_STREAM_NEW, "hello", 5));
	fake_timeouts(self->cli, 10000);
	errno = 0;
	EXPECT_EQ(-1, fake_recv_stream(self->cli, buf, sizeof(buf), &sid, &flags));
	EXPECT_EQ(ECONNRESET, errno);
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC,
				QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &len));
	EXPECT_STREQ("stateless reset", (char *)cc.c.phrase);
	/* Draining: nothing more can be sent. */
	EXPECT_EQ(-1, fake_send_stream(self->cli, 8, MSG_STREAM_NEW, "x", 1));
}

TEST_HARNESS_MAIN
