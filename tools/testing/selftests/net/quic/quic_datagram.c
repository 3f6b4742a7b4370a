// SPDX-License-Identifier: GPL-2.0
/*
 * DATAGRAM frames (RFC 9221) between two kernel endpoints on loopback with
 * known secrets (quic_fake.h): sendmsg()/recvmsg() with MSG_DATAGRAM, the
 * max_datagram_frame_size transport parameter in each direction, sizes at
 * and past the limits, truncation, and datagrams mixed with stream data.
 */

#include <stdlib.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

FIXTURE(dgram)
{
	int lsn, cli, srv;
	struct sockaddr_in addr;
};

FIXTURE_SETUP(dgram)
{
	self->srv = -1;
	ASSERT_EQ(0, fake_pair_open(&self->lsn, &self->cli, &self->addr))
		TH_LOG("loopback listener and client: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dgram)
{
	fake_pair_close(self->lsn, self->cli, self->srv);
}

static int set_dgram_max(int fd, uint16_t max)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(p);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		return -1;
	p.max_datagram_frame_size = max;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
			  sizeof(p));
}

/* Connect with each side's max_datagram_frame_size (0: none sent). */
static int dgram_connect(FIXTURE_DATA(dgram) *self, uint16_t cli_max,
			 uint16_t srv_max)
{
	if ((cli_max && set_dgram_max(self->cli, cli_max)) ||
	    (srv_max && set_dgram_max(self->lsn, srv_max)))
		return fake_fail_errno("QUIC_SOCKOPT_TRANSPORT_PARAM");
	fake_err[0] = '\0';
	if (connect(self->cli, (void *)&self->addr, sizeof(self->addr)))
		return fake_fail_errno("connect");
	if (fake_handshake(self->cli, self->lsn, &self->srv))
		return -1;
	fake_timeouts(self->srv, 5000);
	return 0;
}

/* Send one datagram; returns the byte count or -errno. */
static ssize_t dgram_send(int fd, const void *p, size_t len, int flags)
{
	struct iovec iov = { (void *)p, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = sendmsg(fd, &msg, MSG_DATAGRAM | flags);

	return n < 0 ? -errno : n;
}

/* Receive one message; *@flags gets msg_flags. Returns bytes or -errno. */
static ssize_t msg_recv(int fd, void *p, size_t len, int flags, int *mflags)
{
	struct iovec iov = { p, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &msg, flags);

	*mflags = msg.msg_flags;
	return n < 0 ? -errno : n;
}

static void dgram_fill(uint8_t *p, size_t len, unsigned int seq)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seq * 131 + i * 7);
}

/* RFC 9221 section 3: no parameter from the peer, no DATAGRAM frames. */
TEST_F(dgram, not_negotiated)
{
	ASSERT_EQ(0, dgram_connect(self, 0, 0)) TH_LOG("%s", fake_err);
	EXPECT_EQ(-EINVAL, dgram_send(self->cli, "x", 1, 0));
	EXPECT_EQ(-EINVAL, dgram_send(self->srv, "x", 1, 0));
}

/* Each direction follows the receiver's parameter alone. */
TEST_F(dgram, one_direction)
{
	char buf[16];
	int flags;

	ASSERT_EQ(0, dgram_connect(self, 0, 1200)) TH_LOG("%s", fake_err);
	EXPECT_EQ(-EINVAL, dgram_send(self->srv, "x", 1, 0));
	ASSERT_EQ(5, dgram_send(self->cli, "hello", 5, 0));
	ASSERT_EQ(5, msg_recv(self->srv, buf, sizeof(buf), 0, &flags));
	EXPECT_NE(0, flags & MSG_DATAGRAM);
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
}

/*
 * The peer's limit counts the whole frame: with 100, a payload of 97
 * (type, 2-byte length) goes and 98 fails with EMSGSIZE; a payload that
 * no packet can hold fails the same way whatever the peer allows.
 */
TEST_F(dgram, size_limits)
{
	static uint8_t big[9000];
	char buf[128];
	int flags;

	ASSERT_EQ(0, dgram_connect(self, 65535, 100)) TH_LOG("%s", fake_err);
	EXPECT_EQ(-EMSGSIZE, dgram_send(self->cli, big, 98, 0));
	ASSERT_EQ(97, dgram_send(self->cli, big, 97, 0));
	EXPECT_EQ(97, msg_recv(self->srv, buf, sizeof(buf), 0, &flags));
	/* Above the largest packet sent at all (8972 bytes of UDP). */
	EXPECT_EQ(-EMSGSIZE, dgram_send(self->srv, big, 9000, 0));
	ASSERT_EQ(1000, dgram_send(self->srv, big, 1000, 0));
	EXPECT_EQ(100, msg_recv(self->cli, buf, 100, 0, &flags));
	/* Too small a buffer: the rest of the datagram is gone. */
	EXPECT_NE(0, flags & MSG_TRUNC);
	EXPECT_NE(0, flags & MSG_DATAGRAM);
	/* Zero bytes is a valid DATAGRAM too. */
	ASSERT_EQ(0, dgram_send(self->cli, big, 0, 0));
	EXPECT_EQ(0, msg_recv(self->srv, buf, sizeof(buf), 0, &flags));
	EXPECT_NE(0, flags & MSG_DATAGRAM);
}

/* MSG_TRUNC on recvmsg returns the datagram's real length. */
TEST_F(dgram, trunc_flag)
{
	uint8_t data[300], buf[300];
	int flags;

	ASSERT_EQ(0, dgram_connect(self, 1200, 1200)) TH_LOG("%s", fake_err);
	dgram_fill(data, sizeof(data), 1);
	ASSERT_EQ(300, dgram_send(self->cli, data, sizeof(data), 0));
	EXPECT_EQ(300, msg_recv(self->srv, buf, 10, MSG_TRUNC, &flags));
	EXPECT_NE(0, flags & MSG_TRUNC);
	EXPECT_EQ(0, memcmp(buf, data, 10));
}

/*
 * 200 datagrams of assorted sizes each way, and stream data between them:
 * on loopback nothing is lost, so every datagram arrives exactly once and
 * intact, and the stream data is not mixed up with them. Not necessarily in
 * order: RFC 9221 section 5 promises none, and loopback reorders packets
 * when the sender moves between CPUs (each CPU has its own backlog).
 */
TEST_F(dgram, mixed_with_streams)
{
	static uint8_t data[1200], buf[65536], sbuf[100000];
	unsigned int i, got = 0, seq;
	bool seen[200] = {};
	size_t stream_bytes = 0, len;
	uint64_t h = 1469598103934665603ULL, want;
	int flags, fin = 0;
	ssize_t n;

	ASSERT_EQ(0, dgram_connect(self, 1200, 1200)) TH_LOG("%s", fake_err);
	fill(sbuf, sizeof(sbuf), 7);
	want = sum_bytes(sbuf, sizeof(sbuf), 1469598103934665603ULL);
	for (i = 0; i < 200; i++) {
		len = 4 + (i * 37) % 1000;
		dgram_fill(data, len, i);
		memcpy(data, &i, sizeof(i));
		ASSERT_EQ((ssize_t)len, dgram_send(self->cli, data, len, 0));
		if (i == 100)
			ASSERT_EQ(0, send_all(self->cli, 0, sbuf, sizeof(sbuf)))
				TH_LOG("%s", fake_err);
	}
	while (got < 200 || !fin) {
		char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};
		struct cmsghdr *cmsg;

		n = recvmsg(self->srv, &msg, 0);
		ASSERT_LE(0, n) TH_LOG("recvmsg: %s (%u datagrams, %zu stream bytes)",
				       strerror(errno), got, stream_bytes);
		if (msg.msg_flags & MSG_DATAGRAM) {
			ASSERT_LE(4, n);
			memcpy(&seq, buf, sizeof(seq));
			ASSERT_GT(200U, seq);
			EXPECT_FALSE(seen[seq]) TH_LOG("datagram %u twice", seq);
			seen[seq] = true;
			len = 4 + (seq * 37) % 1000;
			ASSERT_EQ((ssize_t)len, n);
			dgram_fill(data, len, seq);
			EXPECT_EQ(0, memcmp(buf + 4, data + 4, len - 4));
			got++;
			continue;
		}
		cmsg = CMSG_FIRSTHDR(&msg);
		ASSERT_NE(NULL, cmsg);
		ASSERT_EQ(QUIC_STREAM_INFO, cmsg->cmsg_type);
		h = sum_bytes(buf, n, h);
		stream_bytes += n;
		fin = !!(((struct quic_stream_info *)CMSG_DATA(cmsg))->stream_flags &
			 MSG_STREAM_FIN);
	}
	EXPECT_EQ(200U, got);
	EXPECT_EQ(100000U, stream_bytes);
	EXPECT_EQ(want, h);
	/* And the other way. */
	for (i = 0; i < 200; i++) {
		len = 1 + i % 1100;
		dgram_fill(data, len, i);
		ASSERT_EQ((ssize_t)len, dgram_send(self->srv, data, len, 0));
	}
	/* Their lengths, 1..200, tell them apart. */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 200; i++) {
		n = msg_recv(self->cli, buf, sizeof(buf), 0, &flags);
		ASSERT_LE(1, n);
		ASSERT_GE(200, n);
		EXPECT_NE(0, flags & MSG_DATAGRAM);
		EXPECT_FALSE(seen[n - 1]) TH_LOG("datagram %zd twice", n - 1);
		seen[n - 1] = true;
		dgram_fill(data, n, n - 1);
		EXPECT_EQ(0, memcmp(buf, data, n));
	}
}

/* Without a connection there is nothing to carry a datagram. */
TEST(unconnected)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTCONN, dgram_send(fd, "x", 1, 0));
	close(fd);
}

TEST_HARNESS_MAIN
