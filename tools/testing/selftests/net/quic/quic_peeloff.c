// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC_SOCKOPT_STREAM_PEELOFF (draft-lxin-quic-socket-apis-02 section
 * 6.1) on loopback: a stream of a connection gets its own descriptor,
 * written and read with write()/read() and no stream cmsg; its data
 * crosses the connection like any stream's; shutdown() and close() send
 * its FIN (and STOP_SENDING), poll() reports it, a reset reaches its
 * reader, and the connection outlives its own descriptor while a peeled
 * stream is open. And the errors: unknown stream, twice, bad flags, short
 * option, no connection, the connection writing to a peeled stream.
 */

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/sendfile.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

FIXTURE(peel)
{
	int lsn, cli, srv;
	struct sockaddr_in addr;
};

FIXTURE_SETUP(peel)
{
	self->srv = -1;
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, fake_pair_open(&self->lsn, &self->cli, &self->addr))
		TH_LOG("loopback listener and client: %s", strerror(errno));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	fake_timeouts(self->srv, 5000);
}

FIXTURE_TEARDOWN(peel)
{
	fake_pair_close(self->lsn, self->cli, self->srv);
}

/* The descriptor of stream @sid of @fd: the option's return value, also
 * written to sd; -errno on failure.
 */
static int peel(int fd, int64_t sid, uint32_t flags)
{
	struct quic_stream_peeloff p = { .stream_id = sid, .flags = flags, .sd = -1 };
	socklen_t len = sizeof(p);
	int ret;

	ret = getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_PEELOFF, &p, &len);
	if (ret < 0)
		return -errno;
	if (ret != p.sd || len != sizeof(p))
		return -EPROTO;
	return ret;
}

static int64_t open_stream(int fd, uint32_t flags)
{
	struct quic_stream_info si = { .stream_id = -1, .stream_flags = flags };
	socklen_t len = sizeof(si);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &si, &len))
		return -1;
	return si.stream_id;
}

/* Write @len bytes of pattern @seed to @fd, then read the connection
 * @conn until stream @sid ends: all of it, in order, with a FIN.
 */
static void peel_to_conn(struct __test_metadata *_metadata, int fd, int conn,
			 int64_t sid, size_t len, unsigned int seed, bool fin)
{
	static uint8_t out[65536], in[65536];
	uint64_t want = 1, got = 1;
	size_t sent = 0, rcvd = 0;
	uint32_t flags = 0;
	int64_t id;
	ssize_t n;

	while (sent < len) {
		size_t chunk = len - sent < sizeof(out) ? len - sent : sizeof(out);

		fill(out, chunk, seed + sent);
		want = sum_bytes(out, chunk, want);
		n = write(fd, out, chunk);
		ASSERT_LT(0, n) TH_LOG("write: %s", strerror(errno));
		/* A short write leaves the rest for the next one. */
		if ((size_t)n < chunk)
			want = 1, sent = 0, len = 0;
		sent += n;
	}
	if (fin)
		ASSERT_EQ(0, shutdown(fd, SHUT_WR));
	while (!(flags & MSG_STREAM_FIN)) {
		n = fake_recv_stream(conn, in, sizeof(in), &id, &flags);
		ASSERT_LE(0, n) TH_LOG("recv: %s after %zu", strerror(errno), rcvd);
		ASSERT_EQ(sid, id);
		got = sum_bytes(in, n, got);
		rcvd += n;
		if (!fin && rcvd == len)
			break;
	}
	EXPECT_EQ(len, rcvd);
	EXPECT_EQ(want, got);
}

/*
 * A stream the client opens and peels off: write() and shutdown(SHUT_WR)
 * on its descriptor reach the server as stream data and FIN; the
 * server's answer on the stream is read() there, then end of file.
 */
TEST_F(peel, client_stream_both_ways)
{
	static uint8_t buf[65536];
	uint64_t want, got = 1;
	int64_t sid;
	size_t rcvd = 0;
	ssize_t n;
	int fd;

	sid = open_stream(self->cli, 0);
	ASSERT_LE(0, sid);
	fd = peel(self->cli, sid, 0);
	ASSERT_LE(0, fd) TH_LOG("peel: %s", strerror(-fd));
	peel_to_conn(_metadata, fd, self->srv, sid, 300000, 7, true);
	fill(buf, 20000, 9);
	want = sum_bytes(buf, 20000, 1);
	ASSERT_EQ(20000, fake_send_stream(self->srv, sid, MSG_STREAM_FIN, buf, 20000));
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		got = sum_bytes(buf, n, got);
		rcvd += n;
	}
	EXPECT_EQ(0, n) TH_LOG("read: %s", strerror(errno));
	EXPECT_EQ(20000U, rcvd);
	EXPECT_EQ(want, got);
	/* Sending is over: EPIPE. */
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, close(fd));
}

/*
 * The server peels off a stream the client opened, with data already
 * waiting: that data moves to the new descriptor, the rest follows, and
 * none of it reaches the connection's own recvmsg().
 */
TEST_F(peel, peer_stream_with_waiting_data)
{
	static uint8_t out[3000], buf[8192];
	struct pollfd pfd = { self->srv, POLLIN, 0 };
	uint64_t want, got = 1;
	size_t rcvd = 0;
	int64_t sid;
	uint32_t flags;
	ssize_t n;
	int fd;

	fill(out, sizeof(out), 3);
	want = sum_bytes(out, sizeof(out), 1);
	want = sum_bytes(out, sizeof(out), want);
	ASSERT_EQ(3000, fake_send_stream(self->cli, 0, MSG_STREAM_NEW, out, 3000));
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	usleep(100000);
	fd = peel(self->srv, 0, O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("peel: %s", strerror(-fd));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	ASSERT_EQ(3000, fake_send_stream(self->cli, 0, MSG_STREAM_FIN, out, 3000));
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		got = sum_bytes(buf, n, got);
		rcvd += n;
	}
	EXPECT_EQ(0, n) TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(6000U, rcvd);
	EXPECT_EQ(want, got);
	/* Nothing of it for the connection. */
	EXPECT_EQ(-1, fake_recv_stream(self->srv, buf, sizeof(buf), &sid,
				       &flags) == -1 && errno == EAGAIN ? -1 : 0);
	close(fd);
}

/* close() on a peeled stream sends its FIN, as the draft asks. */
TEST_F(peel, close_sends_fin)
{
	int64_t id, sid = open_stream(self->cli, MSG_STREAM_UNI);
	uint32_t flags = 0;
	char b[16];
	int fd;

	ASSERT_LE(0, sid);
	fd = peel(self->cli, sid, 0);
	ASSERT_LE(0, fd);
	peel_to_conn(_metadata, fd, self->srv, sid, 5000, 1, false);
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, fake_recv_stream(self->srv, b, sizeof(b), &id, &flags));
	EXPECT_EQ(sid, id);
	EXPECT_TRUE(!!(flags & MSG_STREAM_FIN));
	/* A unidirectional stream of ours has nothing to read. */
	sid = open_stream(self->cli, MSG_STREAM_UNI);
	fd = peel(self->cli, sid, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, read(fd, &sid, 1));
	close(fd);
}

/* The connection outlives its descriptor while a peeled stream is open. */
TEST_F(peel, outlives_connection_fd)
{
	int64_t sid = open_stream(self->cli, 0);
	int fd;

	ASSERT_LE(0, sid);
	fd = peel(self->cli, sid, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(self->cli));
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	peel_to_conn(_metadata, fd, self->srv, sid, 100000, 4, true);
	close(fd);
}

/* poll(): writable at once, readable when data comes, error on reset. */
TEST_F(peel, poll_and_reset)
{
	struct quic_errinfo ei = { .errcode = 7 };
	struct pollfd pfd = { .events = POLLIN | POLLOUT };
	int64_t id, sid = open_stream(self->cli, 0);
	uint32_t flags = 0;
	char b[64];

	ASSERT_LE(0, sid);
	pfd.fd = peel(self->cli, sid, O_NONBLOCK);
	ASSERT_LE(0, pfd.fd);
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(POLLOUT, pfd.revents);
	EXPECT_EQ(-1, read(pfd.fd, b, sizeof(b)));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(5, write(pfd.fd, "hello", 5));
	ASSERT_EQ(5, fake_recv_stream(self->srv, b, sizeof(b), &id, &flags));
	EXPECT_EQ(sid, id);
	ASSERT_EQ(2, fake_send_stream(self->srv, sid, 0, "ok", 2));
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(!!(pfd.revents & POLLIN));
	EXPECT_EQ(2, read(pfd.fd, b, sizeof(b)));
	/* RFC 9000 section 3.2: the server resets its sending part. */
	ei.stream_id = sid;
	ASSERT_EQ(0, setsockopt(self->srv, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET,
				&ei, sizeof(ei)));
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(!!(pfd.revents & POLLERR));
	EXPECT_EQ(-1, read(pfd.fd, b, sizeof(b)));
	EXPECT_EQ(ECONNRESET, errno);
	close(pfd.fd);
}

/* sendfile() into a peeled-off stream, then its FIN with MSG_EOR. */
TEST_F(peel, sendfile_and_eor)
{
	static uint8_t data[200000], buf[65536];
	uint64_t want, got = 1;
	int64_t id, sid = open_stream(self->cli, 0);
	uint32_t flags = 0;
	size_t rcvd = 0;
	ssize_t n;
	int fd, mfd;

	ASSERT_LE(0, sid);
	fd = peel(self->cli, sid, 0);
	ASSERT_LE(0, fd);
	mfd = memfd_create("peel", 0);
	ASSERT_LE(0, mfd);
	fill(data, sizeof(data), 11);
	want = sum_bytes(data, sizeof(data), 1);
	want = sum_bytes((const uint8_t *)"end", 3, want);
	ASSERT_EQ((ssize_t)sizeof(data), write(mfd, data, sizeof(data)));
	ASSERT_EQ((ssize_t)sizeof(data), sendfile(fd, mfd, &(off_t){ 0 },
						  sizeof(data)))
		TH_LOG("sendfile: %s", strerror(errno));
	ASSERT_EQ(3, send(fd, "end", 3, MSG_EOR));
	while (!(flags & MSG_STREAM_FIN)) {
		n = fake_recv_stream(self->srv, buf, sizeof(buf), &id, &flags);
		ASSERT_LE(0, n) TH_LOG("recv: %s after %zu", strerror(errno), rcvd);
		ASSERT_EQ(sid, id);
		got = sum_bytes(buf, n, got);
		rcvd += n;
	}
	EXPECT_EQ(sizeof(data) + 3, rcvd);
	EXPECT_EQ(want, got);
	close(mfd);
	close(fd);
}

/*
 * A stream whose receiving part was read to its end through the
 * connection, peeled off for its sending part: read() says end of file at
 * once rather than waiting for data that cannot come.
 */
TEST_F(peel, receiving_part_already_read)
{
	struct timeval tv = { .tv_sec = 5 };
	int64_t id, sid = open_stream(self->cli, 0);
	uint32_t flags = 0;
	char b[16];
	int fd;

	ASSERT_LE(0, sid);
	ASSERT_EQ(2, fake_send_stream(self->cli, sid, 0, "hi", 2));
	ASSERT_EQ(2, fake_recv_stream(self->srv, b, sizeof(b), &id, &flags));
	ASSERT_EQ(3, fake_send_stream(self->srv, sid, MSG_STREAM_FIN, "bye", 3));
	ASSERT_EQ(3, fake_recv_stream(self->cli, b, sizeof(b), &id, &flags));
	ASSERT_TRUE(!!(flags & MSG_STREAM_FIN));
	fd = peel(self->cli, sid, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	EXPECT_EQ(0, read(fd, b, sizeof(b))) TH_LOG("read: %s", strerror(errno));
	/* Its sending part still works. */
	peel_to_conn(_metadata, fd, self->srv, sid, 1000, 2, true);
	close(fd);
}

/* What is refused, and why. */
TEST_F(peel, errors)
{
	struct quic_stream_peeloff p = { .stream_id = 0 };
	int64_t sid = open_stream(self->cli, 0);
	socklen_t len = sizeof(p) - 1;
	int fd, q;

	ASSERT_LE(0, sid);
	EXPECT_EQ(-ENOENT, peel(self->cli, 400, 0));
	EXPECT_EQ(-EINVAL, peel(self->cli, sid, O_APPEND));
	EXPECT_EQ(-1, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_STREAM_PEELOFF,
				 &p, &len));
	EXPECT_EQ(EINVAL, errno);
	fd = peel(self->cli, sid, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, peel(self->cli, sid, 0));
	/* The connection no longer writes to it. */
	EXPECT_EQ(-1, fake_send_stream(self->cli, sid, 0, "x", 1));
	EXPECT_EQ(EBUSY, errno);
	/* No connection, no streams. */
	q = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, q);
	EXPECT_EQ(-ENOTCONN, peel(q, 0, 0));
	close(q);
	/* Not a socket option to set; nothing of SOL_QUIC on the stream. */
	EXPECT_EQ(-1, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_STREAM_PEELOFF,
				 &p, sizeof(p)));
	EXPECT_EQ(-1, getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &p, &len));
	close(fd);
}

TEST_HARNESS_MAIN
