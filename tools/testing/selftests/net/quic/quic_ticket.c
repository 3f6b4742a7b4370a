// SPDX-License-Identifier: GPL-2.0
/*
 * Session tickets between two kernel endpoints on loopback with known
 * secrets (quic_fake.h): TLS messages in 1-RTT CRYPTO frames after the
 * handshake are read by the kernel (RFC 9001 section 4): a client keeps
 * the server's NewSessionTicket for QUIC_SOCKOPT_SESSION_TICKET and
 * QUIC_EVENT_NEW_SESSION_TICKET, whatever else comes closes the connection
 * with the TLS alert QUIC gives it; the option's value as set, a
 * listener's inherited by the sockets it accepts; the peer's transport
 * parameters a resuming client sets before connect().
 */

#include <stdlib.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

#define NST		4	/* RFC 8446 section 4: new_session_ticket */
#define KEY_UPDATE	24
#define E_UNEXPECTED	(0x100 + 10)	/* CRYPTO_ERROR, unexpected_message */
#define E_CRYPTO_BUF	0x0d		/* CRYPTO_BUFFER_EXCEEDED */

FIXTURE(ticket)
{
	int lsn, cli, srv;
	struct sockaddr_in addr;
};

FIXTURE_SETUP(ticket)
{
	self->srv = -1;
	ASSERT_EQ(0, fake_pair_open(&self->lsn, &self->cli, &self->addr))
		TH_LOG("loopback listener and client: %s", strerror(errno));
}

FIXTURE_TEARDOWN(ticket)
{
	fake_pair_close(self->lsn, self->cli, self->srv);
}

static int ticket_connect(FIXTURE_DATA(ticket) *self)
{
	fake_err[0] = '\0';
	if (connect(self->cli, (void *)&self->addr, sizeof(self->addr)))
		return fake_fail_errno("connect");
	if (fake_handshake(self->cli, self->lsn, &self->srv))
		return -1;
	fake_timeouts(self->srv, 5000);
	return 0;
}

/* A TLS handshake message: type, 24-bit length, @len bytes of @seed. */
static size_t tls_msg(uint8_t *p, uint8_t type, uint32_t len, uint8_t seed)
{
	uint32_t i;

	p[0] = type;
	p[1] = len >> 16;
	p[2] = len >> 8;
	p[3] = len;
	for (i = 0; i < len; i++)
		p[4 + i] = (uint8_t)(seed + i * 13);
	return 4 + len;
}

static int get_ticket(int fd, void *buf, socklen_t *len)
{
	return getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, buf, len) ?
	       errno : 0;
}

static int set_ticket(int fd, const void *buf, socklen_t len)
{
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, buf, len) ?
	       errno : 0;
}

/* Wait until the client holds @len bytes of ticket; 0 or -1. */
static int wait_ticket(int fd, uint8_t *buf, socklen_t len)
{
	socklen_t got;
	int i;

	for (i = 0; i < 500; i++) {
		got = 8192;
		if (get_ticket(fd, buf, &got))
			return -1;
		if (got == len)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* The peer's close code, once it came; -1 if none within 5 s. */
static int64_t close_code(int fd)
{
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc;
	char buf[64];
	socklen_t len;
	int i;

	for (i = 0; i < 500; i++) {
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
		    errno != EAGAIN) {
			len = sizeof(cc);
			if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE,
				       &cc, &len))
				return -1;
			return cc.c.errcode;
		}
		usleep(10000);
	}
	return -1;
}

/*
 * The server's NewSessionTicket, split over two CRYPTO frames: the client
 * gets it whole as the event and the option; a second one replaces it;
 * stream data goes on around them.
 */
TEST_F(ticket, client_keeps_ticket)
{
	struct quic_event_option ev = { QUIC_EVENT_NEW_SESSION_TICKET, 1 };
	static uint8_t nst[600], nst2[300], buf[8192];
	size_t n = tls_msg(nst, NST, 500, 1), n2 = tls_msg(nst2, NST, 200, 9);
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	socklen_t len = sizeof(buf);
	int i, events = 0;
	ssize_t got;

	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev,
				sizeof(ev)));
	ASSERT_EQ(0, ticket_connect(self)) TH_LOG("%s", fake_err);
	/* No ticket yet. */
	ASSERT_EQ(0, get_ticket(self->cli, buf, &len));
	EXPECT_EQ(0U, len);
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_APP, nst, 3));
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_APP, nst + 3, n - 3));
	ASSERT_EQ(5, fake_send_stream(self->srv, 1, MSG_STREAM_FIN, "hello", 5));
	ASSERT_EQ(0, wait_ticket(self->cli, buf, n));
	EXPECT_EQ(0, memcmp(buf, nst, n));
	/* The event carries the same message; the stream data is intact
	 * (the two may come in either order: packets can be reordered).
	 */
	for (i = 0; i < 2; i++) {
		char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))];

		msg.msg_control = ctl;
		msg.msg_controllen = sizeof(ctl);
		msg.msg_flags = 0;
		got = recvmsg(self->cli, &msg, 0);
		ASSERT_LT(0, got) TH_LOG("recvmsg: %s", strerror(errno));
		if (msg.msg_flags & MSG_NOTIFICATION) {
			ASSERT_EQ((ssize_t)n + 1, got);
			EXPECT_EQ(QUIC_EVENT_NEW_SESSION_TICKET, buf[0]);
			EXPECT_EQ(0, memcmp(buf + 1, nst, n));
			events++;
		} else {
			ASSERT_EQ(5, got);
			EXPECT_EQ(0, memcmp(buf, "hello", 5));
		}
	}
	EXPECT_EQ(1, events);
	/* A later ticket replaces the first. */
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_APP, nst2, n2));
	ASSERT_EQ(0, wait_ticket(self->cli, buf, n2));
	EXPECT_EQ(0, memcmp(buf, nst2, n2));
	/* Too small a buffer for it. */
	len = n2 - 1;
	EXPECT_EQ(EINVAL, get_ticket(self->cli, buf, &len));
}

/* RFC 9001 section 6: a TLS KeyUpdate is unexpected_message (0x10a). */
TEST_F(ticket, key_update_message_closes)
{
	uint8_t m[16];
	size_t n = tls_msg(m, KEY_UPDATE, 1, 0);

	ASSERT_EQ(0, ticket_connect(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_APP, m, n));
	EXPECT_EQ(E_UNEXPECTED, close_code(self->srv));
}

/* Only a server sends tickets: one from the client closes (0x10a). */
TEST_F(ticket, ticket_from_client_closes)
{
	uint8_t m[64];
	size_t n = tls_msg(m, NST, 40, 3);

	ASSERT_EQ(0, ticket_connect(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_send_hs(self->cli, QUIC_CRYPTO_APP, m, n));
	EXPECT_EQ(E_UNEXPECTED, close_code(self->cli));
}

/* RFC 9000 section 7.5: a message larger than we hold (4096). */
TEST_F(ticket, oversized_message_closes)
{
	uint8_t m[4] = { NST, 0x00, 0x10, 0x00 };	/* 4096 + 4 */

	ASSERT_EQ(0, ticket_connect(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, fake_send_hs(self->srv, QUIC_CRYPTO_APP, m, sizeof(m)));
	EXPECT_EQ(E_CRYPTO_BUF, close_code(self->srv));
}

/* The ticket key set on a listener is what its accepted sockets hold. */
TEST_F(ticket, listener_key_inherited)
{
	uint8_t key[64], buf[128];
	socklen_t len = sizeof(buf);
	unsigned int i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i * 7 + 1;
	ASSERT_EQ(0, set_ticket(self->lsn, key, sizeof(key)));
	ASSERT_EQ(0, ticket_connect(self)) TH_LOG("%s", fake_err);
	ASSERT_EQ(0, get_ticket(self->srv, buf, &len));
	ASSERT_EQ(sizeof(key), len);
	EXPECT_EQ(0, memcmp(buf, key, sizeof(key)));
	/* The client's is its own: nothing. */
	len = sizeof(buf);
	ASSERT_EQ(0, get_ticket(self->cli, buf, &len));
	EXPECT_EQ(0U, len);
}

/* The value as set: kept, replaced, cleared; bounded at 4096 bytes. */
TEST(option_value)
{
	static uint8_t big[4097], buf[4097];
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	socklen_t len;

	ASSERT_LE(0, fd);
	memset(big, 0x5a, sizeof(big));
	EXPECT_EQ(EINVAL, set_ticket(fd, big, sizeof(big)));
	ASSERT_EQ(0, set_ticket(fd, big, 4096));
	len = sizeof(buf);
	ASSERT_EQ(0, get_ticket(fd, buf, &len));
	EXPECT_EQ(4096U, len);
	EXPECT_EQ(0, memcmp(buf, big, 4096));
	ASSERT_EQ(0, set_ticket(fd, "abc", 3));
	len = sizeof(buf);
	ASSERT_EQ(0, get_ticket(fd, buf, &len));
	EXPECT_EQ(3U, len);
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	ASSERT_EQ(0, set_ticket(fd, NULL, 0));
	len = sizeof(buf);
	ASSERT_EQ(0, get_ticket(fd, buf, &len));
	EXPECT_EQ(0U, len);
	close(fd);
}

/*
 * RFC 9000 section 7.4.1: a resuming client sets the parameters the
 * server sent before (remote = 1) before connect(); after, EISCONN.
 */
TEST_F(ticket, remembered_params)
{
	struct quic_transport_param p = { .remote = 1 }, got = { .remote = 1 };
	socklen_t len = sizeof(got);

	p.max_data = 123456;
	p.max_streams_bidi = 7;
	p.max_datagram_frame_size = 1000;
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, sizeof(p)));
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&got, &len));
	EXPECT_EQ(123456U, got.max_data);
	EXPECT_EQ(7, got.max_streams_bidi);
	EXPECT_EQ(1000, got.max_datagram_frame_size);
	/* The others keep RFC 9000's defaults. */
	EXPECT_EQ(3, got.ack_delay_exponent);
	ASSERT_EQ(0, ticket_connect(self)) TH_LOG("%s", fake_err);
	EXPECT_EQ(-1, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				 &p, sizeof(p)));
	EXPECT_EQ(EISCONN, errno);
	/* Once the server's arrived, they are what it sent. */
	got.remote = 1;
	len = sizeof(got);
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&got, &len));
	EXPECT_EQ(65536U * 32, got.max_data);
	EXPECT_EQ(100, got.max_streams_bidi);
}

TEST_HARNESS_MAIN
