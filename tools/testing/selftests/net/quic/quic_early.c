// SPDX-License-Identifier: GPL-2.0
/*
 * 0-RTT (RFC 9001 section 4.6, RFC 9000 section 7.4.1) between two kernel
 * endpoints on loopback with known secrets (quic_fake.h): a client that
 * set the server's remembered transport parameters writes stream data and
 * datagrams before its handshake; with a 0-RTT key on both sides they
 * reach the server before the client has 1-RTT keys; without the
 * server's they arrive all the same, sent again in 1-RTT packets. The
 * remembered limits bound what may be opened; 0-RTT keys go one way only.
 */

#include <stdlib.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

FIXTURE(early)
{
	int lsn, cli, srv;
	struct sockaddr_in addr;
};

FIXTURE_SETUP(early)
{
	self->srv = -1;
	ASSERT_EQ(0, fake_pair_open(&self->lsn, &self->cli, &self->addr))
		TH_LOG("loopback listener and client: %s", strerror(errno));
}

FIXTURE_TEARDOWN(early)
{
	fake_pair_close(self->lsn, self->cli, self->srv);
}

/* What the client remembers of the server: its default parameters, with
 * @stream_max for the stream data limits (0: none remembered).
 */
static int remember_limits(int fd, uint64_t max_streams_bidi, uint16_t dgram,
			   uint64_t stream_max)
{
	struct quic_transport_param p = { .remote = 1 };

	p.max_data = 65536 * 32;
	p.max_stream_data_bidi_remote = stream_max;
	p.max_stream_data_bidi_local = stream_max;
	p.max_stream_data_uni = stream_max;
	p.max_streams_bidi = max_streams_bidi;
	p.max_streams_uni = 100;
	p.max_datagram_frame_size = dgram;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
			  sizeof(p)) ? -errno : 0;
}

static int remember(int fd, uint64_t max_streams_bidi, uint16_t dgram)
{
	return remember_limits(fd, max_streams_bidi, dgram, 65536 * 4);
}

static int set_dgram(int fd, uint16_t max)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(p);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		return -errno;
	p.max_datagram_frame_size = max;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
			  sizeof(p)) ? -errno : 0;
}

static ssize_t send_dgram(int fd, const void *p, size_t len)
{
	struct iovec iov = { (void *)p, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = sendmsg(fd, &msg, MSG_DATAGRAM | MSG_DONTWAIT);

	return n < 0 ? -errno : n;
}

/*
 * Read from the server until @len stream bytes and, if @dgram, the
 * datagram "early" came; the stream's bytes hash into *@h.
 */
static int srv_read(int fd, size_t len, bool dgram, uint64_t *h)
{
	static uint8_t buf[65536];
	bool seen = !dgram;
	size_t got = 0;
	ssize_t n;

	while (got < len || !seen) {
		char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};

		n = recvmsg(fd, &msg, 0);
		if (n <= 0) {
			snprintf(fake_err, sizeof(fake_err),
				 "recvmsg: %zd %s after %zu bytes", n,
				 strerror(errno), got);
			return -1;
		}
		if (msg.msg_flags & MSG_DATAGRAM) {
			if (n != 5 || memcmp(buf, "early", 5)) {
				snprintf(fake_err, sizeof(fake_err),
					 "bad datagram of %zd bytes", n);
				return -1;
			}
			seen = true;
			continue;
		}
		*h = sum_bytes(buf, n, *h);
		got += n;
	}
	if (got != len) {
		snprintf(fake_err, sizeof(fake_err), "%zu bytes, want %zu",
			 got, len);
		return -1;
	}
	return 0;
}

/*
 * With both 0-RTT keys, the server has the data once it has 1-RTT keys
 * of its own, while the client has none: it can only have come in 0-RTT
 * packets. A datagram comes the same way.
 */
TEST_F(early, accepted)
{
	static uint8_t data[3000];
	struct pollfd pfd = { self->lsn, POLLIN, 0 };
	uint64_t want, h = 1;
	struct fake_msg m;

	fill(data, sizeof(data), 3);
	want = sum_bytes(data, sizeof(data), 1);
	ASSERT_EQ(0, set_dgram(self->lsn, 1200));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, remember(self->cli, 100, 1200));
	ASSERT_EQ((ssize_t)sizeof(data),
		  fake_send_stream(self->cli, 0, MSG_STREAM_FIN, data,
				   sizeof(data)));
	ASSERT_EQ(5, send_dgram(self->cli, "early", 5));
	/* ClientHello, then the 0-RTT key: the data goes. */
	ASSERT_EQ(0, fake_msg_out(self->cli, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_send_hs(self->cli, QUIC_CRYPTO_INITIAL, &m, sizeof(m)));
	ASSERT_EQ(0, fake_secret(self->cli, QUIC_CRYPTO_EARLY, 1, FAKE_EARLY_KEY))
		TH_LOG("%s", fake_err);
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	self->srv = accept(self->lsn, NULL, NULL);
	ASSERT_LE(0, self->srv);
	fake_timeouts(self->srv, 5000);
	ASSERT_EQ(0, fake_recv_hs(self->srv, QUIC_CRYPTO_INITIAL, &m, sizeof(m)))
		TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_msg_in(self->srv, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_EARLY, 0, FAKE_EARLY_KEY))
		TH_LOG("%s", fake_err);
	/* The server's whole side, without waiting for the client's. */
	m.tag = FAKE_SH;
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_INITIAL, &m, 8));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_HANDSHAKE, 1, 0xa1));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_HANDSHAKE, 0, 0xb1));
	ASSERT_EQ(0, fake_msg_out(self->srv, &m, FAKE_EE));
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_HANDSHAKE, &m, sizeof(m)));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_APP, 1, 0xa2));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_APP, 0, 0xb2));
	ASSERT_EQ(0, srv_read(self->srv, sizeof(data), true, &h))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(want, h);
	/* Its 0-RTT key is gone with 1-RTT (RFC 9001 section 4.9.3). */
	EXPECT_EQ(-1, fake_secret(self->srv, QUIC_CRYPTO_EARLY, 0, 1));
}

/*
 * RFC 9369 section 4.1: a listener that prefers v2 moves the v1 client to
 * it once it has read the client's transport parameters, before its
 * 0-RTT key is there; the client's 0-RTT packets stay v1 and the server
 * opens them with v1 0-RTT keys all the same.
 */
TEST_F(early, accepted_across_version_switch)
{
	struct quic_config cfg = { .version = 0x6b3343cfU };
	struct pollfd pfd = { self->lsn, POLLIN, 0 };
	socklen_t len = sizeof(cfg);
	static uint8_t data[3000];
	uint64_t want, h = 1;
	struct fake_msg m;

	fill(data, sizeof(data), 5);
	want = sum_bytes(data, sizeof(data), 1);
	ASSERT_EQ(0, setsockopt(self->lsn, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg,
				sizeof(cfg)));
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, remember(self->cli, 100, 0));
	ASSERT_EQ((ssize_t)sizeof(data),
		  fake_send_stream(self->cli, 0, MSG_STREAM_FIN, data,
				   sizeof(data)));
	ASSERT_EQ(0, fake_msg_out(self->cli, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_send_hs(self->cli, QUIC_CRYPTO_INITIAL, &m, sizeof(m)));
	ASSERT_EQ(0, fake_secret(self->cli, QUIC_CRYPTO_EARLY, 1, FAKE_EARLY_KEY))
		TH_LOG("%s", fake_err);
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	self->srv = accept(self->lsn, NULL, NULL);
	ASSERT_LE(0, self->srv);
	fake_timeouts(self->srv, 5000);
	ASSERT_EQ(0, fake_recv_hs(self->srv, QUIC_CRYPTO_INITIAL, &m, sizeof(m)))
		TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_msg_in(self->srv, &m, FAKE_CH)) TH_LOG("%s", fake_err);
	/* Switched: the server's connection is v2 before its 0-RTT key. */
	ASSERT_EQ(0, getsockopt(self->srv, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg,
				&len));
	EXPECT_EQ(0x6b3343cfU, cfg.version);
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_EARLY, 0, FAKE_EARLY_KEY))
		TH_LOG("%s", fake_err);
	m.tag = FAKE_SH;
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_INITIAL, &m, 8));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_HANDSHAKE, 1, 0xa1));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_HANDSHAKE, 0, 0xb1));
	ASSERT_EQ(0, fake_msg_out(self->srv, &m, FAKE_EE));
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_HANDSHAKE, &m, sizeof(m)));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_APP, 1, 0xa2));
	ASSERT_EQ(0, fake_secret(self->srv, QUIC_CRYPTO_APP, 0, 0xb2));
	/* The client has no 1-RTT key: the data came in v1 0-RTT packets. */
	ASSERT_EQ(0, srv_read(self->srv, sizeof(data), false, &h))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(want, h);
}

/*
 * The server has no 0-RTT key (it refused early data): the client's
 * 0-RTT packets are lost to it, and their data comes again in 1-RTT.
 */
TEST_F(early, rejected_sent_again)
{
	static uint8_t data[20000];
	uint64_t want, h = 1;

	fill(data, sizeof(data), 5);
	want = sum_bytes(data, sizeof(data), 1);
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, remember(self->cli, 100, 0));
	ASSERT_EQ((ssize_t)sizeof(data),
		  fake_send_stream(self->cli, 0, MSG_STREAM_FIN, data,
				   sizeof(data)));
	ASSERT_EQ(0, fake_handshake_early(self->cli, self->lsn, &self->srv,
					  FAKE_EARLY_CLI)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, srv_read(self->srv, sizeof(data), false, &h))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(want, h);
}

/* Both keys and a full handshake: the data arrives once, intact. */
TEST_F(early, accepted_full_handshake)
{
	static uint8_t data[50000];
	uint64_t want, h = 1;

	fill(data, sizeof(data), 9);
	want = sum_bytes(data, sizeof(data), 1);
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, remember(self->cli, 100, 0));
	ASSERT_EQ((ssize_t)sizeof(data),
		  fake_send_stream(self->cli, 0, MSG_STREAM_FIN, data,
				   sizeof(data)));
	ASSERT_EQ(0, fake_handshake_early(self->cli, self->lsn, &self->srv,
					  FAKE_EARLY_CLI | FAKE_EARLY_SRV))
		TH_LOG("%s", fake_err);
	ASSERT_EQ(0, srv_read(self->srv, sizeof(data), false, &h))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(want, h);
	/* And the connection goes on as any other. */
	transfer(_metadata, self->srv, self->cli, 100000, 1);
}

/*
 * RFC 9000 section 7.4.1: a stream opened in 0-RTT under small remembered
 * limits (1000 bytes, or none) gets the server's own once they arrive,
 * and all of its data goes; with nothing 0-RTT can send, the client's
 * Initial datagrams are still padded (section 14.1) and the handshake
 * completes.
 */
TEST_F(early, remembered_limits_raised)
{
	static uint8_t data[60000];
	uint64_t limits[] = { 1000, 0 }, want, h;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (i) {
			close(self->cli);
			close(self->srv);
			self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
			ASSERT_LE(0, self->cli);
			fake_timeouts(self->cli, 5000);
		}
		fill(data, sizeof(data), 11 + i);
		want = sum_bytes(data, sizeof(data), 1);
		h = 1;
		ASSERT_EQ(0, connect(self->cli, (void *)&self->addr,
				     sizeof(self->addr)));
		ASSERT_EQ(0, remember_limits(self->cli, 100, 0, limits[i]));
		ASSERT_EQ((ssize_t)sizeof(data),
			  fake_send_stream(self->cli, 0, MSG_STREAM_FIN, data,
					   sizeof(data)));
		ASSERT_EQ(0, fake_handshake_early(self->cli, self->lsn,
						  &self->srv,
						  FAKE_EARLY_CLI | FAKE_EARLY_SRV))
			TH_LOG("limit %llu: %s", (unsigned long long)limits[i],
			       fake_err);
		ASSERT_EQ(0, srv_read(self->srv, sizeof(data), false, &h))
			TH_LOG("limit %llu: %s", (unsigned long long)limits[i],
			       fake_err);
		EXPECT_EQ(want, h);
	}
}

/* Without remembered parameters there is no writing before the end. */
TEST_F(early, not_resuming)
{
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	EXPECT_EQ(-1, fake_send_stream(self->cli, 0, 0, "x", 1));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-ENOTCONN, send_dgram(self->cli, "x", 1));
}

/* RFC 9000 section 7.4.1: the remembered limits bound what is opened. */
TEST_F(early, remembered_limits)
{
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, remember(self->cli, 1, 0));
	ASSERT_EQ(1, fake_send_stream(self->cli, 0, 0, "x", 1));
	EXPECT_EQ(-1, fake_send_stream(self->cli, 4, MSG_STREAM_DONTWAIT, "y", 1));
	EXPECT_EQ(EAGAIN, errno);
	/* No datagram parameter remembered: none may be sent. */
	EXPECT_EQ(-EINVAL, send_dgram(self->cli, "x", 1));
}

/* RFC 9001 section 4.6.1: 0-RTT keys protect what the client sends. */
TEST_F(early, key_directions)
{
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	EXPECT_EQ(-1, fake_secret(self->cli, QUIC_CRYPTO_EARLY, 0, 1));
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	EXPECT_EQ(-1, fake_secret(self->srv, QUIC_CRYPTO_EARLY, 1, 1));
	/* And none once the handshake is over. */
	EXPECT_EQ(-1, fake_secret(self->cli, QUIC_CRYPTO_EARLY, 1, 1));
}

TEST_HARNESS_MAIN
