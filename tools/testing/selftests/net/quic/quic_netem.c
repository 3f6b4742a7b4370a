// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC connections across a bad link: two network namespaces joined by a
 * veth pair with tc netem on both ends. Transfers under 5% loss with
 * reordering, a handshake under 30% loss, and a stateless reset
 * (RFC 9000 section 10.3) once the server's connection is gone without a
 * word (its CONNECTION_CLOSE dropped by the link). And the QUIC interop
 * runner's handshakecorruption, transfercorruption, blackhole and longrtt
 * cases: packets corrupted past the UDP checksum, so that packet
 * protection must catch them; a link that goes dead for 2 s every 5 s;
 * a round trip of 750 ms. And flow control windows that grow when they,
 * not the link, would limit the transfer.
 *
 * Connections use known secrets (quic_fake.h); each socket is created in
 * its namespace by switching this process there for the socket() call.
 */

#include <arpa/inet.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>

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
	/*
	 * UDP GSO batches are cut into datagrams before they enter the veth,
	 * as a NIC would cut them, so that the receiver (and its nftables
	 * rules that damage datagrams) sees each datagram on its own: one
	 * rule evaluation per batch made "3% of the datagrams" 3% of a few
	 * dozen batches. netem's qdisc still sees whole batches.
	 */
	ASSERT_EQ(0, ns_run("ip netns exec %s ethtool -K veth0 tx-udp-segmentation off >/dev/null && "
			    "ip netns exec %s ethtool -K veth0 tx-udp-segmentation off >/dev/null",
			    self->p.srv, self->p.cli)) TH_LOG("ethtool");
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
 * through 30% loss each way. A run of losses doubles the PTO each time:
 * six in a row (a few percent of runs) already wait a minute, so the
 * handshake has two and a half.
 */
TEST_F_TIMEOUT(netem, handshake_under_loss, 240)
{
	ASSERT_EQ(0, set_link(self, "delay 2ms loss 30%"));
	ASSERT_EQ(0, ns_handshake_wait(&self->p, 150000)) TH_LOG("%s", fake_err);
	/* The connection works once the link is good again. */
	ASSERT_EQ(0, set_link(self, ""));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 100000, 0);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, 100000, 1);
}

/*
 * The client sends on a connection the server no longer has and reads
 * how it ended: the read fails with ECONNRESET, and @cc (@len bytes)
 * gets the close the client saw.
 */
static void send_and_read_close(struct __test_metadata *_metadata, int fd,
				void *cc, socklen_t len)
{
	uint32_t flags;
	int64_t sid;
	char buf[16];

	memset(cc, 0, len);
	ASSERT_EQ(5, fake_send_stream(fd, 4, MSG_STREAM_NEW, "hello", 5));
	fake_timeouts(fd, 10000);
	errno = 0;
	EXPECT_EQ(-1, fake_recv_stream(fd, buf, sizeof(buf), &sid, &flags));
	EXPECT_EQ(ECONNRESET, errno);
	ASSERT_EQ(0, getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE,
				cc, &len));
}

/*
 * RFC 9000 section 10.3: the server's connection disappears without its
 * CONNECTION_CLOSE reaching the client; once the closing state is over
 * (section 10.2, three PTOs after close()), the next client packet meets
 * no connection, the server answers with a stateless reset, and the
 * client recognises the token of the server's ID and drops the
 * connection.
 */
TEST_F_TIMEOUT(netem, stateless_reset, 60)
{
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc;

	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 1000, 0);
	ASSERT_EQ(0, set_link(self, "loss 100%"));
	close(self->p.srv_fd);
	self->p.srv_fd = -1;
	/* The listener is all that is left once the closing state ended. */
	ASSERT_EQ(1, ns_wait_quic_sockets(self->p.srv, 1, 20000));
	ASSERT_EQ(0, set_link(self, ""));
	/* The client still believes in the connection. */
	send_and_read_close(_metadata, self->p.cli_fd, &cc, sizeof(cc));
	EXPECT_STREQ("stateless reset", (char *)cc.c.phrase);
	/* Draining: nothing more can be sent. */
	EXPECT_EQ(-1, fake_send_stream(self->p.cli_fd, 8, MSG_STREAM_NEW, "x", 1));
}

/*
 * RFC 9000 section 10.2.1: the server closes (an application close, code
 * 0x42 "bye") and its CONNECTION_CLOSE is lost. The connection stays in
 * the closing state after close(), so the client's next packet gets the
 * CONNECTION_CLOSE again, reason and all, not a stateless reset; the
 * address is free for a new listener meanwhile (a restarted server), and
 * the socket is freed when the state ends. A round trip of a second makes
 * the state (three PTOs) last over four seconds, far longer than the steps
 * between close() and the client's packet take even on a debug kernel
 * under emulation (about 1.1 s there, mostly the two tc commands).
 */
TEST_F_TIMEOUT(netem, closing_state_repeats_close, 120)
{
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc = { .c.errcode = 0x42 }, got;
	struct timespec t0, t1;

	ASSERT_EQ(0, set_link(self, "delay 500ms"));
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 1000, 0);
	memcpy(cc.c.phrase, "bye", 4);
	ASSERT_EQ(0, setsockopt(self->p.srv_fd, SOL_QUIC,
				QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
				sizeof(cc.c) + 4));
	/* Only what the server sends is lost. */
	ASSERT_EQ(0, ns_run("tc -n %s qdisc replace dev veth0 root netem "
			    "delay 500ms loss 100%%", self->p.srv));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	close(self->p.srv_fd);
	self->p.srv_fd = -1;
	close(self->p.lsn);
	self->p.lsn = ns_socket(self->p.srv, AF_INET);
	ASSERT_LE(0, self->p.lsn);
	/* Not EADDRINUSE: a connection in the closing state is no user. */
	ASSERT_EQ(0, bind(self->p.lsn, (void *)&self->p.addr, self->p.alen))
		TH_LOG("bind: %s", strerror(errno));
	ASSERT_EQ(0, listen(self->p.lsn, 8));
	ASSERT_EQ(0, ns_run("tc -n %s qdisc replace dev veth0 root netem "
			    "delay 500ms", self->p.srv));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("the client sends %ld ms after close()",
	       (t1.tv_sec - t0.tv_sec) * 1000 +
	       (t1.tv_nsec - t0.tv_nsec) / 1000000);
	send_and_read_close(_metadata, self->p.cli_fd, &got, sizeof(got));
	EXPECT_EQ(0x42U, got.c.errcode);
	EXPECT_STREQ("bye", (char *)got.c.phrase);
	/* The new listener is all that is left once the state ended. */
	EXPECT_EQ(1, ns_wait_quic_sockets(self->p.srv, 1, 20000));
}

/*
 * Overwrite one byte, 100 bytes into the datagram (inside the protected
 * part of any packet that long), of @percent percent of the datagrams
 * arriving in each namespace. nftables does it as they come out of the
 * veth pair, whose UDP checksum is offloaded and not checked again, so
 * only packet protection (RFC 9001 section 5.3: the AEAD tag) can notice.
 * The datagrams are picked by a byte of their ciphertext, which is as
 * good as random (nft's numgen is not in every kernel). @percent 0
 * removes it.
 */
static int set_corruption(FIXTURE_DATA(netem) *self, int percent)
{
	const char *ns[] = { self->p.srv, self->p.cli };
	int i;

	for (i = 0; i < 2; i++) {
		ns_run("ip netns exec %s nft delete table ip qcorrupt 2>/dev/null",
		       ns[i]);
		if (!percent)
			continue;
		if (ns_run("ip netns exec %s nft add table ip qcorrupt && "
			   "ip netns exec %s nft add chain ip qcorrupt in "
			   "'{ type filter hook prerouting priority -300; }' && "
			   "ip netns exec %s nft add rule ip qcorrupt in udp "
			   "length gt 150 @th,960,8 lt %d counter "
			   "@th,800,8 set 0x5a",
			   ns[i], ns[i], ns[i], percent * 256 / 100))
			return -1;
	}
	return 0;
}

/* UDP datagrams namespace @ns dropped for a bad checksum. */
static long long csum_errors(const char *ns)
{
	return ns_number("ip netns exec %s awk '/^Udp: [0-9]/ { print $8 }' "
			 "/proc/net/snmp", ns);
}

/* How many datagrams set_corruption() has damaged in namespace @ns. */
static long long corrupted(const char *ns)
{
	return ns_number("ip netns exec %s nft list chain ip qcorrupt in | "
			 "sed -n 's/.*counter packets \\([0-9]*\\).*/\\1/p'", ns);
}

/* Interop runner "handshakecorruption": 30% of the datagrams damaged. */
TEST_F_TIMEOUT(netem, handshake_under_corruption, 240)
{
	ASSERT_EQ(0, set_corruption(self, 30)) TH_LOG("no nft payload mangling");
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	/* A handful of datagrams: by chance, none may have been hit yet. */
	TH_LOG("handshake: %lld datagrams to the server damaged, %lld to the client",
	       corrupted(self->p.srv), corrupted(self->p.cli));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 100000, 0);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, 100000, 1);
	EXPECT_LT(0, corrupted(self->p.srv));
	EXPECT_LT(0, corrupted(self->p.cli));
	/* The damage reached QUIC, not the UDP checksum. */
	EXPECT_EQ(0, csum_errors(self->p.srv));
	EXPECT_EQ(0, csum_errors(self->p.cli));
}

/* Interop runner "transfercorruption": a transfer with 3% damaged. */
TEST_F_TIMEOUT(netem, transfer_under_corruption, 240)
{
	size_t size = (xfer_debug_kernel() ? 1 : 2) * 1024 * 1024;

	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, set_corruption(self, 3)) TH_LOG("no nft payload mangling");
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, size, 0);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, size, 1);
	EXPECT_LT(0, corrupted(self->p.srv));
	EXPECT_LT(0, corrupted(self->p.cli));
	EXPECT_EQ(0, csum_errors(self->p.srv));
	EXPECT_EQ(0, csum_errors(self->p.cli));
	/* The connection is still sound after the damage. */
	ASSERT_EQ(0, set_corruption(self, 0));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 1000, 4);
}

/* max_idle_timeout of @fd (a client, or a listener for its connections). */
static int set_idle(int fd, uint32_t us)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(p);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		return -1;
	p.max_idle_timeout = us;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, len);
}

/*
 * Interop runner "blackhole": the link is dead for 2 s out of every 5,
 * starting dead, for as long as the transfers take. RFC 9002 section
 * 6.2: PTOs back off and probe until the link is back; section 7.6:
 * persistent congestion collapses the window, which then grows again.
 * Backed-off probes can land in dead windows several times running on
 * a slow machine: the idle timeout (section 10.1) is made to outlast
 * that.
 */
TEST_F_TIMEOUT(netem, blackhole, 240)
{
	size_t size = (xfer_debug_kernel() ? 256 : 2048) * 1024;
	int stop[2], status;
	pid_t pid;

	ASSERT_EQ(0, set_idle(self->p.cli_fd, 120000000));
	ASSERT_EQ(0, set_idle(self->p.lsn, 120000000));
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, pipe(stop));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Stops between two link changes, never in one, when the
		 * pipe closes: also when the test fails half way.
		 */
		struct pollfd pfd = { .fd = stop[0], .events = POLLIN };

		close(stop[1]);
		for (;;) {
			set_link(self, "delay 1ms loss 100%");
			if (poll(&pfd, 1, 2000))
				break;
			set_link(self, "delay 1ms");
			if (poll(&pfd, 1, 3000))
				break;
		}
		_exit(0);
	}
	close(stop[0]);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, size, 0);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, size, 1);
	close(stop[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, set_link(self, "delay 1ms"));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 1000, 4);
}

/*
 * Interop runner "longrtt": 375 ms each way. RFC 9002 section 6.2.2: the
 * handshake starts from kInitialRtt (333 ms), well below the real RTT,
 * so the first PTOs fire early; their probes are harmless.
 */
TEST_F_TIMEOUT(netem, long_rtt, 240)
{
	struct timespec t0, t1;
	long ms;

	ASSERT_EQ(0, set_link(self, "delay 375ms"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	/* A client handshake takes at least one round trip. */
	EXPECT_LE(750, ms);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, 500000, 0);
	transfer(_metadata, self->p.srv_fd, self->p.cli_fd, 500000, 1);
}

/*
 * RFC 9000 section 4.2 leaves window sizes to the receiver: a stream
 * window the reader gets through in less than two round trips (here 32 KB
 * over a 20 ms one) doubles, up to a quarter of the receive buffer. An
 * update moves MAX_STREAM_DATA by more than half a window and at most a
 * window, plus what reads between two packets merge (64 KB at a time
 * here); the last one is at most a window past the end of the data. A
 * debug kernel under emulation (with another suite beside it) reads too
 * slowly for 20 ms: there the round trip is 100 ms.
 */
TEST_F_TIMEOUT(netem, window_growth, 240)
{
	struct quic_event_option ev = { QUIC_EVENT_STREAM_MAX_DATA, 1 };
	struct quic_transport_param p = {
		.max_data = 65536,
		.max_stream_data_bidi_remote = 32768,
	};
	size_t size = (xfer_debug_kernel() ? 2 : 4) << 20;
	int rcvbuf = 1 << 20;	/* sk_rcvbuf 2 MB: streams up to 512 KB */
	unsigned char buf[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct quic_stream_max_data md;
	uint64_t last = 0, step = 0;
	int events = 0;

	ASSERT_EQ(0, setsockopt(self->p.lsn, SOL_QUIC,
				QUIC_SOCKOPT_TRANSPORT_PARAM, &p, sizeof(p)));
	ASSERT_EQ(0, set_link(self, xfer_debug_kernel() ? "delay 50ms" :
						       "delay 10ms"));
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	/* Past net.core.rmem_max, which SO_RCVBUF would stop at. */
	ASSERT_EQ(0, setsockopt(self->p.srv_fd, SOL_SOCKET, SO_RCVBUFFORCE,
				&rcvbuf, sizeof(rcvbuf)));
	ASSERT_EQ(0, setsockopt(self->p.cli_fd, SOL_QUIC, QUIC_SOCKOPT_EVENT,
				&ev, sizeof(ev)));
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, size, 0);
	usleep(400000);		/* the last MAX_STREAM_DATA */
	while (recvmsg(self->p.cli_fd, &msg, MSG_DONTWAIT) > 0) {
		if ((msg.msg_flags & MSG_NOTIFICATION) &&
		    buf[0] == QUIC_EVENT_STREAM_MAX_DATA) {
			memcpy(&md, buf + 1, sizeof(md));
			if (md.id == 0 && md.max_data > last) {
				if (last && md.max_data - last > step)
					step = md.max_data - last;
				last = md.max_data;
			}
			events++;
		}
		msg.msg_flags = 0;
	}
	TH_LOG("%d credit events, the largest step %llu, the last %llu bytes past the data",
	       events, (unsigned long long)step,
	       (unsigned long long)(last - size));
	ASSERT_LT(0, events);
	ASSERT_LE(size, last);
	/* Past 32 KB + 64 KB of merged reads: the window grew. */
	EXPECT_LT(128U * 1024, step);
	/* And stopped at its bound. */
	EXPECT_GE(512U * 1024, last - size);
}

/*
 * RFC 9002 section 7.7: a sender paces its packets. The server's end of
 * the link delays by PACE_RTT_MS, so that the round trip is that long
 * and the client's datagrams cross the link undelayed: the server's
 * namespace timestamps each as the client's veth hands it over
 * (SO_TIMESTAMPNS on a raw socket; netif_rx() stamps it), with no netem
 * queue between the pacer and the clock to bunch them up.
 *
 * PACE_LEN bytes take the rounds of slow start, 10, 20, 40, 80 and 160
 * packets. Paced at twice congestion_window / smoothed_rtt, any
 * PACE_SLOT_MS see at most the burst of QUIC_PACING_BURST_PACKETS (10)
 * and 2 * W * PACE_SLOT_MS / PACE_RTT_MS more, W the window in packets:
 * below 21 even for a window grown by all PACE_LEN bytes (262 packets).
 * Unpaced, a round leaves as fast as the sender builds it.
 */
#define PACE_LEN	300000
#define PACE_RTT_MS	1000
#define PACE_SLOT_MS	20
#define PACE_MAX	21	/* packets in a slot, paced */
#define PACE_SEEN_MAX	4096
/* A UDP GSO skb reaches the raw socket whole: its datagrams are its
 * payload cut in segments of the path's size, 1472 bytes at MTU 1500.
 */
#define PACE_SEG	1472

/* The most full-size datagrams from the client in PACE_SLOT_MS. */
static void pace_burst(struct __test_metadata *_metadata,
		       FIXTURE_DATA(netem) *self, int *most, int *packets)
{
	static int64_t at[PACE_SEEN_MAX];
	static uint8_t buf[65536];
	char cbuf[CMSG_SPACE(sizeof(struct timespec))];
	int raw, on = 1, n = 0, i, j = 0;
	in_addr_t cli = inet_addr(ADDR_CLI);

	raw = ns_socket_of(self->p.srv, AF_INET, SOCK_RAW, IPPROTO_UDP);
	ASSERT_LE(0, raw) TH_LOG("raw socket: %s", strerror(errno));
	ASSERT_EQ(0, setsockopt(raw, SOL_SOCKET, SO_RCVBUFFORCE,
				&(int){ 32 << 20 }, sizeof(int)));
	ASSERT_EQ(0, setsockopt(raw, SOL_SOCKET, SO_TIMESTAMPNS, &on,
				sizeof(on)));
	ASSERT_EQ(0, ns_run("tc -n %s qdisc replace dev veth0 root netem delay %dms && "
			    "{ tc -n %s qdisc del dev veth0 root 2>/dev/null; true; }",
			    self->p.srv, PACE_RTT_MS, self->p.cli));
	ASSERT_EQ(0, ns_handshake(&self->p)) TH_LOG("%s", fake_err);
	transfer(_metadata, self->p.cli_fd, self->p.srv_fd, PACE_LEN, 0);
	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct iphdr *ip = (struct iphdr *)buf;
		struct cmsghdr *cm;
		struct timespec ts;
		ssize_t len = recvmsg(raw, &msg, MSG_DONTWAIT);
		int segs;

		if (len < 0)
			break;
		cm = CMSG_FIRSTHDR(&msg);
		if (len < 1000 || ip->saddr != cli || !cm ||
		    cm->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		segs = (len - ip->ihl * 4 - 8 + PACE_SEG - 1) / PACE_SEG;
		while (segs-- && n < PACE_SEEN_MAX)
			at[n++] = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	}
	close(raw);
	*packets = n;
	*most = 0;
	for (i = 0; i < n; i++) {
		while (at[i] - at[j] >= PACE_SLOT_MS * 1000000LL)
			j++;
		if (i - j + 1 > *most)
			*most = i - j + 1;
	}
}

/*
 * The paced transfer stays within the rate; the same transfer from a
 * connection made with net.quic.pacing = 0 (read by new connections),
 * measured in the same run, leaves in bursts the pacer would not allow.
 * On the debug kernel the sender's own speed is near the paced rate, so
 * only the bound is checked there.
 */
TEST_F_TIMEOUT(netem, pacing, 240)
{
	int paced, unpaced, packets;

	pace_burst(_metadata, self, &paced, &packets);
	TH_LOG("paced: %d datagrams, at most %d in %d ms", packets, paced,
	       PACE_SLOT_MS);
	/* All of them seen: 1200-byte packets at least. */
	ASSERT_LE(PACE_LEN / 1500, packets);
	EXPECT_GE(PACE_MAX, paced);

	close(self->p.srv_fd);
	self->p.srv_fd = -1;
	close(self->p.cli_fd);
	ASSERT_EQ(0, ns_run("ip netns exec %s sysctl -qw net.quic.pacing=0",
			    self->p.cli));
	self->p.cli_fd = ns_socket(self->p.cli, AF_INET);
	ASSERT_LE(0, self->p.cli_fd);
	fake_timeouts(self->p.cli_fd, 60000);
	pace_burst(_metadata, self, &unpaced, &packets);
	TH_LOG("unpaced: %d datagrams, at most %d in %d ms", packets, unpaced,
	       PACE_SLOT_MS);
	ASSERT_LE(PACE_LEN / 1500, packets);
	if (xfer_debug_kernel())
		TH_LOG("debug kernel: its own speed paces it, not compared");
	else
		EXPECT_LT(PACE_MAX, unpaced);
}

TEST_HARNESS_MAIN
