// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC connections end to end on loopback with known secrets (quic_fake.h):
 * handshake, stream transfers of several sizes in both directions with
 * checksums, many streams, unidirectional streams, connection close seen
 * by the peer, and garbage sent to the port.
 */

#include <fcntl.h>
#include <sys/sendfile.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

FIXTURE(conn)
{
	int lsn, cli, srv;
	struct sockaddr_storage addr;
	socklen_t addr_len;
};

FIXTURE_VARIANT(conn)
{
	int family;
};

FIXTURE_VARIANT_ADD(conn, ipv4)
{
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(conn, ipv6)
{
	.family = AF_INET6,
};

FIXTURE_SETUP(conn)
{
	self->addr_len = sizeof(self->addr);
	memset(&self->addr, 0, sizeof(self->addr));
	if (variant->family == AF_INET) {
		struct sockaddr_in *sin = (void *)&self->addr;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&self->addr;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
	}
	self->lsn = socket(variant->family, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->lsn);
	ASSERT_EQ(0, bind(self->lsn, (void *)&self->addr, self->addr_len));
	ASSERT_EQ(0, getsockname(self->lsn, (void *)&self->addr,
				 &self->addr_len));
	ASSERT_EQ(0, listen(self->lsn, 8));
	self->cli = socket(variant->family, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->cli);
	fake_timeouts(self->cli, 5000);
	self->srv = -1;
}

FIXTURE_TEARDOWN(conn)
{
	if (self->srv >= 0)
		close(self->srv);
	close(self->cli);
	close(self->lsn);
}

static int connect_and_handshake(FIXTURE_DATA(conn) *self)
{
	fake_err[0] = '\0';
	if (connect(self->cli, (void *)&self->addr, self->addr_len))
		FAKE_FAIL("connect: %s", strerror(errno));
	return fake_handshake(self->cli, self->lsn, &self->srv);
}

TEST_F(conn, handshake)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);

	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	/* The server socket knows the client's address. */
	ASSERT_EQ(0, getpeername(self->srv, (void *)&peer, &len));
	EXPECT_EQ(variant->family, peer.ss_family);
}

TEST_F(conn, transfer_sizes)
{
	static const size_t sizes[] = { 0, 1, 1024, 1024 * 1024 };
	unsigned int i;

	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		/* Client bidi streams 0, 4, 8..., server's 1, 5, 9... */
		transfer(_metadata, self->cli, self->srv, sizes[i], 4 * i);
		transfer(_metadata, self->srv, self->cli, sizes[i], 4 * i + 1);
	}
}

TEST_F(conn, uni_stream)
{
	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	transfer(_metadata, self->cli, self->srv, 100000, 2);
	transfer(_metadata, self->srv, self->cli, 100000, 3);
}

/*
 * More streams than the peer allows at once (100 by default): as the
 * server finishes each unidirectional stream, MAX_STREAMS must follow.
 */
TEST_F(conn, many_streams)
{
	char msg[32], buf[64];
	int64_t sid, i, n_streams = 300;
	uint32_t flags;
	ssize_t n;
	int seen = 0;
	pid_t pid;
	int status;

	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 0; i < n_streams; i++) {
			snprintf(msg, sizeof(msg), "stream %lld", (long long)(4 * i + 2));
			if (fake_send_stream(self->cli, 4 * i + 2,
					     MSG_STREAM_NEW | MSG_STREAM_FIN,
					     msg, strlen(msg)) < 0)
				_exit(1);
		}
		_exit(0);
	}
	while (seen < n_streams) {
		n = fake_recv_stream(self->srv, buf, sizeof(buf) - 1, &sid, &flags);
		ASSERT_LT(0, n) TH_LOG("recvmsg: %s after %d streams",
				       strerror(errno), seen);
		buf[n] = '\0';
		snprintf(msg, sizeof(msg), "stream %lld", (long long)sid);
		ASSERT_STREQ(msg, buf);
		ASSERT_NE(0U, flags & MSG_STREAM_FIN);
		seen++;
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

/* An application close reaches the peer with its code and reason. */
TEST_F(conn, close_seen_by_peer)
{
	struct {
		struct quic_connection_close c;
		char reason[32];
	} cc = {}, got = {};
	socklen_t len = sizeof(got);
	char buf[16];
	int64_t sid;
	uint32_t flags;

	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	cc.c.errcode = 0x1234;
	strcpy((char *)cc.c.phrase, "bye now");
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC,
				QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
				sizeof(cc.c) + strlen("bye now") + 1));
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	/* The server's reader wakes up with the error. */
	EXPECT_EQ(-1, fake_recv_stream(self->srv, buf, sizeof(buf), &sid, &flags));
	EXPECT_EQ(ECONNRESET, errno);
	ASSERT_EQ(0, getsockopt(self->srv, SOL_QUIC,
				QUIC_SOCKOPT_CONNECTION_CLOSE, &got, &len));
	EXPECT_EQ(0x1234U, got.c.errcode);
	EXPECT_STREQ("bye now", (char *)got.c.phrase);
}

/*
 * Once established, a code in 0x100-0x1ff is the application's, not a TLS
 * alert: HTTP/3 closes with H3_NO_ERROR (0x100, RFC 9114 section 8.1).
 * It must go in an application CONNECTION_CLOSE (0x1d), which the peer
 * reads as ECONNRESET; a transport CRYPTO_ERROR would read ECONNREFUSED.
 */
TEST_F(conn, established_close_code_0x100_is_application)
{
	struct quic_connection_close cc = { .errcode = 0x100 }, got = {};
	socklen_t len = sizeof(got);
	char buf[16];
	int64_t sid;
	uint32_t flags;

	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC,
				QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, sizeof(cc)));
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	EXPECT_EQ(-1, fake_recv_stream(self->srv, buf, sizeof(buf), &sid, &flags));
	EXPECT_EQ(ECONNRESET, errno);
	ASSERT_EQ(0, getsockopt(self->srv, SOL_QUIC,
				QUIC_SOCKOPT_CONNECTION_CLOSE, &got, &len));
	EXPECT_EQ(0x100U, got.errcode);
}

/*
 * Streams the peer resets are freed and give their credit back: 150
 * unidirectional streams reset one after the other fit in a limit of 100,
 * and the data they carried reaches the reader only if read before the
 * reset arrived.
 */
TEST_F(conn, resets_return_stream_credit)
{
	struct quic_errinfo ei = { .errcode = 7 };
	char buf[16];
	uint32_t flags;
	int64_t sid;
	int i, status;
	pid_t pid;
	ssize_t n;

	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 0; i < 150; i++) {
			ei.stream_id = 4 * i + 2;
			if (fake_send_stream(self->cli, ei.stream_id,
					     MSG_STREAM_NEW, "lost", 4) != 4 ||
			    setsockopt(self->cli, SOL_QUIC,
				       QUIC_SOCKOPT_STREAM_RESET, &ei,
				       sizeof(ei)))
				_exit(1);
		}
		_exit(fake_send_stream(self->cli, 4 * 150 + 2,
				       MSG_STREAM_NEW | MSG_STREAM_FIN,
				       "done", 4) == 4 ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("client status %#x", status);
	/* A stream's data may be read before its reset is processed (RFC
	 * 9000 section 3.2 lets it be delivered): only that, and only once
	 * per stream, may come before the last stream's.
	 */
	for (i = 0;; i++) {
		n = fake_recv_stream(self->srv, buf, sizeof(buf), &sid, &flags);
		ASSERT_EQ(4, n);
		if (sid == 4 * 150 + 2)
			break;
		EXPECT_EQ(0, memcmp(buf, "lost", 4));
		ASSERT_GT(150, i);
	}
	EXPECT_EQ(0, memcmp(buf, "done", 4));
	EXPECT_TRUE(!!(flags & MSG_STREAM_FIN));
}

/* Wait for a STREAM_UPDATE event about @sid; returns its error code. */
static int64_t stream_reset_event(int fd, int64_t sid)
{
	unsigned char buf[256];
	struct quic_stream_update *u = (void *)(buf + 1);
	struct msghdr msg = {};
	struct iovec iov = { buf, sizeof(buf) };
	ssize_t n;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	for (;;) {
		n = recvmsg(fd, &msg, 0);
		if (n < 0)
			return -1;
		if (!(msg.msg_flags & MSG_NOTIFICATION))
			continue;	/* stream data before the reset */
		if (buf[0] == QUIC_EVENT_STREAM_UPDATE && u->id == sid &&
		    u->state == QUIC_STREAM_RECV_STATE_RESET_RECVD)
			return u->errcode;
	}
}

/* RESET_STREAM and STOP_SENDING carry their codes to the peer. */
TEST_F(conn, reset_and_stop_sending)
{
	struct quic_event_option ev = { QUIC_EVENT_STREAM_UPDATE, 1 };
	struct quic_errinfo ei = { .stream_id = 0, .errcode = 42 };

	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, setsockopt(self->srv, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev,
				sizeof(ev)));
	ASSERT_EQ(5, fake_send_stream(self->cli, 0, MSG_STREAM_NEW, "hello", 5));
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET,
				&ei, sizeof(ei)));
	EXPECT_EQ(42, stream_reset_event(self->srv, 0));

	/* The server asks the client to stop; the client resets with 43. */
	ASSERT_EQ(5, fake_send_stream(self->cli, 4, MSG_STREAM_NEW, "again", 5));
	ei.stream_id = 4;
	ei.errcode = 43;
	usleep(100000);
	ASSERT_EQ(0, setsockopt(self->srv, SOL_QUIC,
				QUIC_SOCKOPT_STREAM_STOP_SENDING, &ei, sizeof(ei)));
	EXPECT_EQ(43, stream_reset_event(self->srv, 4));
}

/* RFC 9000 section 10.1: a silent connection ends after the idle timeout. */
TEST_F(conn, idle_timeout)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(p);
	char buf[8];

	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, &len));
	p.max_idle_timeout = 1000000;	/* 1 s, the smallest allowed */
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, sizeof(p)));
	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	sleep(3);
	errno = 0;
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ETIMEDOUT, errno);
	errno = 0;
	EXPECT_EQ(-1, recv(self->srv, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ETIMEDOUT, errno);
}

/*
 * RFC 9000 section 10.1.2: with keepalive_probe_interval (1 s) the client
 * PINGs a silent connection, which outlives twice the idle timeout (3 s)
 * at both ends and still carries data.
 */
TEST_F(conn, keepalive)
{
	struct quic_transport_param p = {};
	struct quic_config cfg = {};
	socklen_t len = sizeof(p);
	char buf[8];

	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, &len));
	p.max_idle_timeout = 3000000;
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, sizeof(p)));
	cfg.keepalive_probe_interval = 1000000;
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg,
				sizeof(cfg)));
	len = sizeof(cfg);
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg,
				&len));
	EXPECT_EQ(1000000U, cfg.keepalive_probe_interval);
	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	sleep(7);
	errno = 0;
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	errno = 0;
	EXPECT_EQ(-1, recv(self->srv, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	transfer(_metadata, self->cli, self->srv, 1000, 0);
}

/* Garbage to the server's port changes nothing for a live connection. */
TEST_F(conn, garbage_datagrams)
{
	uint8_t junk[1500];
	int u, i;

	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	u = socket(variant->family, SOCK_DGRAM, 0);
	ASSERT_LE(0, u);
	for (i = 0; i < 2000; i++) {
		size_t len = 1 + (i * 7919) % sizeof(junk);

		fill(junk, len, i);
		/* Long and short headers, valid-looking versions, any DCID. */
		if (i % 3 == 0)
			junk[0] = 0xc0 | (i & 0x3f);
		if (i % 5 == 0 && len > 5) {
			junk[1] = 0; junk[2] = 0; junk[3] = 0; junk[4] = 1;
		}
		sendto(u, junk, len, 0, (void *)&self->addr, self->addr_len);
	}
	close(u);
	transfer(_metadata, self->cli, self->srv, 65536, 0);
}

/* Set @fd's transport parameters (fields left 0 keep their value). */
static int set_params(int fd, const struct quic_transport_param *in)
{
	struct quic_transport_param p = *in;

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
			  sizeof(p));
}

static int get_cid_info(int fd, int dest, struct quic_connection_id_info *info)
{
	socklen_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	info->dest = dest;
	return getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_ID, info, &len);
}

static int set_cid_info(int fd, int dest, uint32_t active, uint32_t prior_to)
{
	struct quic_connection_id_info info = {
		.dest = dest, .active = active, .prior_to = prior_to,
	};

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_ID, &info,
			  sizeof(info));
}

/*
 * RFC 9000 section 5.1: each side issues more IDs (NEW_CONNECTION_ID), the
 * client moves to another of the server's IDs and retires the ones below
 * it (RETIRE_CONNECTION_ID), and the server's Retire Prior To moves the
 * client on again; data keeps flowing through every change.
 */
TEST_F(conn, connection_ids)
{
	struct quic_event_option ev = { QUIC_EVENT_CONNECTION_ID, 1 };
	struct quic_connection_id_info info;
	unsigned char buf[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int i, seen_event = 0;

	ASSERT_EQ(-1, get_cid_info(self->cli, 1, &info));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev,
				sizeof(ev)));
	/* A round trip: the IDs issued at the end of the handshake arrive. */
	transfer(_metadata, self->cli, self->srv, 1000, 0);
	ASSERT_EQ(0, get_cid_info(self->cli, 1, &info));
	EXPECT_EQ(0U, info.active);
	ASSERT_EQ(0, get_cid_info(self->srv, 0, &info));
	EXPECT_EQ(0U, info.active);

	/* Bad requests: no such ID, a Retire Prior To that goes back or
	 * names IDs never issued.
	 */
	EXPECT_EQ(-1, set_cid_info(self->cli, 1, 100, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_cid_info(self->srv, 0, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_cid_info(self->srv, 0, 0, 1000));
	EXPECT_EQ(EINVAL, errno);

	/* The client moves to the server's ID 2; the server sees 0 and 1
	 * retired once the client's next packets arrive.
	 */
	ASSERT_EQ(0, set_cid_info(self->cli, 1, 2, 0));
	ASSERT_EQ(0, get_cid_info(self->cli, 1, &info));
	EXPECT_EQ(2U, info.active);
	transfer(_metadata, self->cli, self->srv, 100000, 4);
	transfer(_metadata, self->srv, self->cli, 100000, 1);
	ASSERT_EQ(0, get_cid_info(self->srv, 0, &info));
	EXPECT_EQ(2U, info.active);

	/* The server asks for everything below 5 to be retired. */
	ASSERT_EQ(0, set_cid_info(self->srv, 0, 0, 5));
	ASSERT_EQ(0, get_cid_info(self->srv, 0, &info));
	EXPECT_EQ(5U, info.prior_to);
	/* The client reads nothing meanwhile: the event waits in its queue. */
	transfer(_metadata, self->cli, self->srv, 100000, 12);
	for (i = 0; i < 50 && !seen_event; i++) {
		struct quic_connection_id_info *ci = (void *)(buf + 1);
		ssize_t n = recvmsg(self->cli, &msg, MSG_DONTWAIT);

		if (n < 0) {
			usleep(20000);
			continue;
		}
		if ((msg.msg_flags & MSG_NOTIFICATION) &&
		    buf[0] == QUIC_EVENT_CONNECTION_ID) {
			EXPECT_EQ(1, ci->dest);
			EXPECT_LE(5U, ci->active);
			EXPECT_EQ(5U, ci->prior_to);
			seen_event = 1;
		}
	}
	EXPECT_TRUE(seen_event);
	ASSERT_EQ(0, get_cid_info(self->cli, 1, &info));
	EXPECT_LE(5U, info.active);
	EXPECT_EQ(5U, info.prior_to);
	transfer(_metadata, self->srv, self->cli, 100000, 5);
	transfer(_metadata, self->cli, self->srv, 100000, 8);
	ASSERT_EQ(0, get_cid_info(self->srv, 0, &info));
	EXPECT_LE(5U, info.active);
}

/* 20 connections on one listening port, moving data all at once. */
TEST_F(conn, twenty_connections)
{
	int cli[20], srv[20], i, status, failed = 0;
	size_t size = 200000;
	pid_t pid[20];
	uint8_t *data;

	data = malloc(size);
	ASSERT_NE(NULL, data);
	for (i = 0; i < 20; i++) {
		cli[i] = socket(variant->family, SOCK_DGRAM, IPPROTO_QUIC);
		ASSERT_LE(0, cli[i]);
		fake_timeouts(cli[i], 10000);
		ASSERT_EQ(0, connect(cli[i], (void *)&self->addr,
				     self->addr_len));
		ASSERT_EQ(0, fake_handshake(cli[i], self->lsn, &srv[i]))
			TH_LOG("connection %d: %s", i, fake_err);
		fake_timeouts(srv[i], 10000);
	}
	for (i = 0; i < 20; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			uint64_t want, got;
			pid_t sender;
			ssize_t n;

			fill(data, size, i);
			want = sum_bytes(data, size, 1469598103934665603ULL);
			sender = fork();
			if (!sender)
				_exit(send_all(cli[i], 0, data, size) ? 1 : 0);
			n = recv_all(srv[i], 0, &got);
			if (waitpid(sender, &status, 0) != sender ||
			    !WIFEXITED(status) || WEXITSTATUS(status))
				_exit(2);
			_exit(n == (ssize_t)size && got == want ? 0 : 3);
		}
	}
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			TH_LOG("connection %d failed: status %#x", i, status);
			failed++;
		}
	}
	EXPECT_EQ(0, failed);
	for (i = 0; i < 20; i++) {
		close(cli[i]);
		close(srv[i]);
	}
	free(data);
}

/* 1000 bidirectional streams open at once, each ended only at the end. */
TEST_F(conn, thousand_streams)
{
	struct quic_transport_param p = { .max_streams_bidi = 1000 };
	static char got[1000][24];
	int i, fins = 0, status;
	char want[24], buf[64];
	uint32_t flags;
	int64_t sid;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, set_params(self->lsn, &p));
	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 0; i < 1000; i++) {
			snprintf(want, sizeof(want), "stream %d", 4 * i);
			if (fake_send_stream(self->cli, 4 * i, MSG_STREAM_NEW,
					     want, strlen(want)) < 0)
				_exit(1);
		}
		for (i = 0; i < 1000; i++)
			if (fake_send_stream(self->cli, 4 * i, MSG_STREAM_FIN,
					     NULL, 0) < 0)
				_exit(2);
		_exit(0);
	}
	memset(got, 0, sizeof(got));
	while (fins < 1000) {
		n = fake_recv_stream(self->srv, buf, sizeof(buf), &sid, &flags);
		ASSERT_LE(0, n) TH_LOG("recvmsg: %s after %d FINs",
				       strerror(errno), fins);
		ASSERT_TRUE(sid >= 0 && sid % 4 == 0 && sid / 4 < 1000)
			TH_LOG("stream %lld", (long long)sid);
		ASSERT_GT(sizeof(got[0]), strlen(got[sid / 4]) + n);
		strncat(got[sid / 4], buf, n);
		if (flags & MSG_STREAM_FIN)
			fins++;
	}
	for (i = 0; i < 1000; i++) {
		snprintf(want, sizeof(want), "stream %d", 4 * i);
		ASSERT_STREQ(want, got[i]);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

/* 4 KB windows: each direction blocks and waits for updates all along. */
TEST_F(conn, small_windows)
{
	struct quic_transport_param p = {
		.max_data = 4096,
		.max_stream_data_bidi_local = 4096,
		.max_stream_data_bidi_remote = 4096,
		.max_stream_data_uni = 4096,
	};

	ASSERT_EQ(0, set_params(self->lsn, &p));
	ASSERT_EQ(0, set_params(self->cli, &p));
	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	transfer(_metadata, self->cli, self->srv, 1024 * 1024, 0);
	transfer(_metadata, self->srv, self->cli, 1024 * 1024, 1);
	transfer(_metadata, self->cli, self->srv, 100000, 2);
}

/* Read events from @fd until one of @type arrives; copies its payload. */
static int wait_event(int fd, uint8_t type, void *payload, size_t len)
{
	unsigned char buf[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		n = recvmsg(fd, &msg, 0);
		if (n < 0)
			return -1;
		if (!(msg.msg_flags & MSG_NOTIFICATION) || buf[0] != type)
			continue;
		if ((size_t)n < 1 + len)
			return -1;
		memcpy(payload, buf + 1, len);
		return 0;
	}
}

/*
 * QUIC_EVENT_STREAM_MAX_DATA and _MAX_STREAM: the peer's MAX_STREAM_DATA
 * and MAX_STREAMS reach the application (RFC 9000 sections 4.1, 4.6).
 */
TEST_F(conn, stream_credit_events)
{
	struct quic_event_option ev = { QUIC_EVENT_STREAM_MAX_DATA, 1 };
	struct quic_transport_param p = {
		.max_streams_bidi = 1,
		.max_stream_data_bidi_remote = 4096,
	};
	struct quic_stream_max_data md;
	static uint8_t data[8192];
	uint64_t max_stream, h;

	ASSERT_EQ(0, set_params(self->lsn, &p));
	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev,
				sizeof(ev)));
	ev.type = QUIC_EVENT_STREAM_MAX_STREAM;
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev,
				sizeof(ev)));
	/* 8 KB on a stream the server gives 4 KB of credit at first. */
	ASSERT_EQ(0, send_all(self->cli, 0, data, sizeof(data)))
		TH_LOG("%s", fake_err);
	ASSERT_EQ((ssize_t)sizeof(data), recv_all(self->srv, 0, &h))
		TH_LOG("%s", fake_err);
	ASSERT_EQ(0, wait_event(self->cli, QUIC_EVENT_STREAM_MAX_DATA, &md,
				sizeof(md)));
	EXPECT_EQ(0, md.id);
	EXPECT_LT(4096U, md.max_data);
	/* Stream 0 done both ways frees room for stream 4: the FIN the
	 * client reads comes before or after more credit events.
	 */
	ASSERT_EQ(0, fake_send_stream(self->srv, 0, MSG_STREAM_FIN, NULL, 0));
	ASSERT_EQ(0, wait_event(self->cli, QUIC_EVENT_STREAM_MAX_STREAM,
				&max_stream, sizeof(max_stream)));
	EXPECT_EQ(4U, max_stream);
	ASSERT_EQ(2, fake_send_stream(self->cli, 4, MSG_STREAM_NEW |
				      MSG_STREAM_FIN | MSG_STREAM_DONTWAIT,
				      "ok", 2));
}

/*
 * RFC 9000 section 7.4: a transport parameter out of range (here a
 * max_udp_payload_size of 1000, below 1200) ends the handshake with
 * TRANSPORT_PARAMETER_ERROR, which the client sees.
 */
TEST_F(conn, bad_transport_params)
{
	static const uint8_t bad[] = { 0x03, 0x02, 0x43, 0xe8 };
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc;
	socklen_t len = sizeof(cc);
	struct fake_msg m;
	char buf[8];

	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, self->addr_len));
	ASSERT_EQ(0, fake_msg_out(self->cli, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	ASSERT_GE(sizeof(m.params), m.len + sizeof(bad));
	memcpy(m.params + m.len, bad, sizeof(bad));
	m.len += sizeof(bad);
	ASSERT_EQ(0, fake_send_hs(self->cli, QUIC_CRYPTO_INITIAL, &m, sizeof(m)));
	self->srv = accept(self->lsn, NULL, NULL);
	ASSERT_LE(0, self->srv);
	fake_timeouts(self->srv, 5000);
	ASSERT_EQ(0, fake_recv_hs(self->srv, QUIC_CRYPTO_INITIAL, &m, sizeof(m)))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(-1, setsockopt(self->srv, SOL_QUIC,
				 QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, m.params, m.len));
	EXPECT_EQ(EINVAL, errno);
	/* The client's handshake read fails with the server's error. */
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), 0));
	EXPECT_EQ(EPROTO, errno);
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC,
				QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &len));
	EXPECT_EQ((__u32)QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM, cc.c.errcode);
}

/* A plain UDP socket on the fixture's loopback address, any port. */
static int udp_socket(FIXTURE_DATA(conn) *self, struct sockaddr_storage *a,
		      socklen_t *len)
{
	int fd = socket(self->addr.ss_family, SOCK_DGRAM, 0);

	*a = self->addr;
	((struct sockaddr_in *)a)->sin_port = 0;	/* same offset in v6 */
	*len = self->addr_len;
	if (fd < 0 || bind(fd, (void *)a, *len) ||
	    getsockname(fd, (void *)a, len))
		return -1;
	fake_timeouts(fd, 200);
	return fd;
}

/*
 * RFC 9000 section 8.1: a server sends at most three times what came from
 * an address it has not validated. The client's Initial is relayed to the
 * server from a "victim" socket that never answers; the server's flight
 * (20 KB of handshake data and its probes) must stop at 3x what it got.
 */
TEST_F(conn, anti_amplification)
{
	static uint8_t dgram[2048], big[20000];
	struct sockaddr_storage ra, va;
	socklen_t rlen, vlen;
	struct timespec t0, t;
	int relay, victim;
	struct fake_msg m;
	size_t got = 0;
	ssize_t n, in;

	relay = udp_socket(self, &ra, &rlen);
	victim = udp_socket(self, &va, &vlen);
	ASSERT_LE(0, relay);
	ASSERT_LE(0, victim);
	ASSERT_EQ(0, connect(self->cli, (void *)&ra, rlen));
	ASSERT_EQ(0, fake_msg_out(self->cli, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_send_hs(self->cli, QUIC_CRYPTO_INITIAL, &m, sizeof(m)));
	in = recv(relay, dgram, sizeof(dgram), 0);
	ASSERT_LE(1200, in);
	ASSERT_EQ(in, sendto(victim, dgram, in, 0, (void *)&self->addr,
			     self->addr_len));
	self->srv = accept(self->lsn, NULL, NULL);
	ASSERT_LE(0, self->srv);
	fake_timeouts(self->srv, 5000);
	ASSERT_EQ(0, fake_recv_hs(self->srv, QUIC_CRYPTO_INITIAL, &m, sizeof(m)))
		TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_msg_in(self->srv, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	m.tag = FAKE_SH;
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_INITIAL, &m, 8));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_HANDSHAKE, 1, 0xa1));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_HANDSHAKE, 0, 0xb1));
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_HANDSHAKE, big,
				  sizeof(big)));
	/* Three seconds: several PTOs, were the server to probe. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		n = recv(victim, dgram, sizeof(dgram), 0);
		if (n > 0)
			got += n;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 3);
	EXPECT_LT(0U, got);
	EXPECT_GE(3 * (size_t)in, got) TH_LOG("%zu bytes for %zd", got, in);
	close(relay);
	close(victim);
}

static double elapsed_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* close() is graceful: what was sent before it still arrives, then a
 * clean CONNECTION_CLOSE (RFC 9000 section 10.2).
 */
TEST_F(conn, close_delivers_pending_data)
{
	size_t size = 256 * 1024;
	uint8_t *data = malloc(size);
	uint64_t want, got;
	char buf[8];

	ASSERT_NE(NULL, data);
	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	fill(data, size, 7);
	want = sum_bytes(data, size, 1469598103934665603ULL);
	ASSERT_EQ(0, send_all(self->cli, 0, data, size)) TH_LOG("%s", fake_err);
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_EQ((ssize_t)size, recv_all(self->srv, 0, &got))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(want, got);
	/* NO_ERROR: end of file, no error. */
	EXPECT_EQ(0, recv(self->srv, buf, sizeof(buf), 0));
	free(data);
}

/*
 * SO_LINGER bounds how long close() waits for data the peer does not
 * take (here the server reads nothing, so flow control holds the rest).
 */
TEST_F(conn, close_honours_linger)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	static uint8_t data[65536];
	struct timespec t0;
	double t;
	int fd, i;

	for (i = 0; i < 2; i++) {
		if (i) {
			self->cli = socket(variant->family, SOCK_DGRAM,
					   IPPROTO_QUIC);
			ASSERT_LE(0, self->cli);
			close(self->srv);
			lg.l_linger = 1;
		}
		ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
		/* Fill the send buffer: more than the server's 2 MB of
		 * connection credit, so that most of it cannot leave.
		 */
		ASSERT_EQ(0, fcntl(self->cli, F_SETFL, O_NONBLOCK));
		while (fake_send_stream(self->cli, 0, 0, data, sizeof(data)) > 0)
			;
		ASSERT_EQ(EAGAIN, errno);
		ASSERT_EQ(0, setsockopt(self->cli, SOL_SOCKET, SO_LINGER, &lg,
					sizeof(lg)));
		fd = self->cli;
		self->cli = -1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		close(fd);
		t = elapsed_since(&t0);
		if (!lg.l_linger) {
			EXPECT_GT(0.5, t);
		} else {
			EXPECT_TRUE(t > 0.8 && t < 3) TH_LOG("%.2f s", t);
		}
	}
	self->cli = socket(variant->family, SOCK_DGRAM, IPPROTO_QUIC);
}

/* 100 MB each way, checksummed (10 MB on the debug kernel). */
TEST_F_TIMEOUT(conn, transfer_100mb, 240)
{
	size_t size = (xfer_debug_kernel() ? 10 : 100) * 1024 * 1024;
	time_t start;

	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	fake_timeouts(self->cli, 60000);
	fake_timeouts(self->srv, 60000);
	start = time(NULL);
	transfer(_metadata, self->cli, self->srv, size, 0);
	transfer(_metadata, self->srv, self->cli, size, 1);
	TH_LOG("%zu MB each way in %ld s", size >> 20,
	       (long)(time(NULL) - start));
}

/*
 * sendfile() and splice() into a stream: a socket without a sendpage of
 * its own takes the pages through sendmsg() without a cmsg, which writes
 * to the stream of the last sendmsg(); a zero-length one with
 * QUIC_STREAM_INFO opens and selects the stream, an empty one with
 * MSG_STREAM_FIN ends it. The receiver checks every byte.
 */
#define SPLICE_LEN	(3 * 1024 * 1024 + 123)

static void splice_recv_check(struct __test_metadata *_metadata, int fd,
			      int64_t sid, const uint8_t *data, size_t len)
{
	uint64_t got;

	ASSERT_EQ((ssize_t)len, recv_all(fd, sid, &got)) TH_LOG("%s", fake_err);
	EXPECT_EQ(sum_bytes(data, len, 1469598103934665603ULL), got);
}

TEST_F(conn, sendfile_and_splice)
{
	char path[] = "/tmp/quic_sendfile.XXXXXX";
	uint8_t *data = malloc(SPLICE_LEN);
	int file, pipefd[2], status;
	size_t off;
	ssize_t n;
	pid_t pid;

	ASSERT_NE(NULL, data);
	fill(data, SPLICE_LEN, 77);
	file = mkstemp(path);
	ASSERT_LE(0, file);
	unlink(path);
	ASSERT_EQ(SPLICE_LEN, write(file, data, SPLICE_LEN));
	ASSERT_EQ(0, connect_and_handshake(self)) TH_LOG("%s", fake_err);
	fake_timeouts(self->srv, 5000);

	/* sendfile() from the file into client stream 4. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		off_t pos = 0;

		if (fake_send_stream(self->cli, 4, MSG_STREAM_NEW, "", 0))
			_exit(1);
		while (pos < SPLICE_LEN) {
			n = sendfile(self->cli, file, &pos, SPLICE_LEN - pos);
			if (n <= 0)
				_exit(2);
		}
		_exit(fake_send_stream(self->cli, 4, MSG_STREAM_FIN, "", 0) ?
		      3 : 0);
	}
	splice_recv_check(_metadata, self->srv, 4, data, SPLICE_LEN);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("sender step %d", WEXITSTATUS(status));

	/* splice() from a pipe into server stream 1. */
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pipefd[1]);
		if (fake_send_stream(self->srv, 1, MSG_STREAM_NEW, "", 0))
			_exit(1);
		for (;;) {
			n = splice(pipefd[0], NULL, self->srv, NULL, 1 << 16,
				   SPLICE_F_MORE);
			if (n < 0)
				_exit(2);
			if (!n)
				break;
		}
		_exit(fake_send_stream(self->srv, 1, MSG_STREAM_FIN, "", 0) ?
		      3 : 0);
	}
	close(pipefd[0]);
	if (!fork()) {
		for (off = 0; off < SPLICE_LEN; off += n) {
			n = write(pipefd[1], data + off, SPLICE_LEN - off);
			if (n <= 0)
				_exit(1);
		}
		_exit(0);
	}
	close(pipefd[1]);
	splice_recv_check(_metadata, self->cli, 1, data, SPLICE_LEN);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("splicer step %d", WEXITSTATUS(status));
	while (wait(NULL) > 0)
		;
	close(file);
	free(data);
}

TEST_HARNESS_MAIN
