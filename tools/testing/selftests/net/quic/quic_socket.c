// SPDX-License-Identifier: GPL-2.0
/*
 * IPPROTO_QUIC socket creation: the four family/type combinations, wrong
 * families, types and protocols; connect(), listen(), accept(), send(),
 * recv() and shutdown() on sockets without a connection.
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/quic.h>

#include "kselftest_harness.h"

FIXTURE(quic_sock) {
	int fd;
};

FIXTURE_VARIANT(quic_sock) {
	int family;
	int type;
};

FIXTURE_VARIANT_ADD(quic_sock, inet_dgram) { .family = AF_INET, .type = SOCK_DGRAM };
FIXTURE_VARIANT_ADD(quic_sock, inet_stream) { .family = AF_INET, .type = SOCK_STREAM };
FIXTURE_VARIANT_ADD(quic_sock, inet6_dgram) { .family = AF_INET6, .type = SOCK_DGRAM };
FIXTURE_VARIANT_ADD(quic_sock, inet6_stream) { .family = AF_INET6, .type = SOCK_STREAM };

FIXTURE_SETUP(quic_sock)
{
	self->fd = socket(variant->family, variant->type, IPPROTO_QUIC);
	ASSERT_LE(0, self->fd) TH_LOG("socket: %s", strerror(errno));
}

FIXTURE_TEARDOWN(quic_sock)
{
	close(self->fd);
}

static int sockopt_int(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val = -1;

	if (getsockopt(fd, level, name, &val, &len))
		return -errno;
	return val;
}

TEST_F(quic_sock, identity)
{
	EXPECT_EQ(IPPROTO_QUIC, sockopt_int(self->fd, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(variant->family, sockopt_int(self->fd, SOL_SOCKET, SO_DOMAIN));
	EXPECT_EQ(variant->type, sockopt_int(self->fd, SOL_SOCKET, SO_TYPE));
}

TEST_F(quic_sock, unbound_name)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0xff, sizeof(ss));
	ASSERT_EQ(0, getsockname(self->fd, (struct sockaddr *)&ss, &len));
	ASSERT_EQ(variant->family, ss.ss_family);
	if (variant->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		EXPECT_EQ(sizeof(*sin), len);
		EXPECT_EQ(0, sin->sin_port);
		EXPECT_EQ(htonl(INADDR_ANY), sin->sin_addr.s_addr);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		EXPECT_EQ(sizeof(*sin6), len);
		EXPECT_EQ(0, sin6->sin6_port);
		EXPECT_TRUE(IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr));
	}
}

TEST_F(quic_sock, no_peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	ASSERT_EQ(-1, getpeername(self->fd, (struct sockaddr *)&ss, &len));
	EXPECT_EQ(ENOTCONN, errno);
}

TEST_F(quic_sock, many_sockets)
{
	int fds[256], i;

	for (i = 0; i < 256; i++) {
		fds[i] = socket(variant->family, variant->type, IPPROTO_QUIC);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < 256; i++)
		ASSERT_EQ(0, close(fds[i]));
}

/* Socket calls on a socket with no connection (issue 3 gave them one). */

static void loopback(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(4433);
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(4433);
		sin6->sin6_addr = in6addr_loopback;
		*len = sizeof(*sin6);
	}
}

/* connect() sets the connection up and binds; it sends nothing yet. */
TEST_F(quic_sock, connect_autobinds)
{
	struct sockaddr_storage ss, local, peer;
	socklen_t len, llen = sizeof(local), plen = sizeof(peer);

	loopback(variant->family, &ss, &len);
	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&ss, len));
	ASSERT_EQ(0, getsockname(self->fd, (struct sockaddr *)&local, &llen));
	EXPECT_NE(0, ((struct sockaddr_in *)&local)->sin_port);
	ASSERT_EQ(0, getpeername(self->fd, (struct sockaddr *)&peer, &plen));
	EXPECT_EQ(htons(4433), ((struct sockaddr_in *)&peer)->sin_port);
	errno = 0;
	EXPECT_EQ(-1, connect(self->fd, (struct sockaddr *)&ss, len));
	EXPECT_EQ(EISCONN, errno);
}

TEST_F(quic_sock, connect_bad_family)
{
	struct sockaddr_storage ss;
	socklen_t len;

	loopback(variant->family == AF_INET ? AF_INET6 : AF_INET, &ss, &len);
	errno = 0;
	EXPECT_EQ(-1, connect(self->fd, (struct sockaddr *)&ss, len));
	EXPECT_EQ(EAFNOSUPPORT, errno);
}

/* listen() without bind() takes a port; accept() then waits. */
TEST_F(quic_sock, listen_and_accept_nonblock)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);

	ASSERT_EQ(0, listen(self->fd, 16));
	ASSERT_EQ(0, getsockname(self->fd, (struct sockaddr *)&local, &llen));
	EXPECT_NE(0, ((struct sockaddr_in *)&local)->sin_port);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	errno = 0;
	EXPECT_EQ(-1, accept(self->fd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(quic_sock, accept_not_listening)
{
	errno = 0;
	EXPECT_EQ(-1, accept(self->fd, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
}

/* One listener per local address and port. */
TEST_F(quic_sock, second_listener_refused)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	int one = 1, fd2;

	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	ASSERT_EQ(0, listen(self->fd, 16));
	ASSERT_EQ(0, getsockname(self->fd, (struct sockaddr *)&local, &llen));
	fd2 = socket(variant->family, variant->type, IPPROTO_QUIC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, setsockopt(fd2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	ASSERT_EQ(0, bind(fd2, (struct sockaddr *)&local, llen));
	errno = 0;
	EXPECT_EQ(-1, listen(fd2, 16));
	EXPECT_EQ(EADDRINUSE, errno);
	close(fd2);
}

TEST_F(quic_sock, send_not_connected)
{
	errno = 0;
	EXPECT_EQ(-1, send(self->fd, "x", 1, 0));
	EXPECT_EQ(ENOTCONN, errno);
}

TEST_F(quic_sock, recv_not_connected)
{
	char buf[8];

	errno = 0;
	EXPECT_EQ(-1, recv(self->fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
}

TEST_F(quic_sock, shutdown_not_connected)
{
	errno = 0;
	EXPECT_EQ(-1, shutdown(self->fd, SHUT_RDWR));
	EXPECT_EQ(ENOTCONN, errno);
}

/* Before the handshake, stream data cannot be sent; a connection that
 * never completes its handshake closes cleanly.
 */
TEST_F(quic_sock, send_during_handshake)
{
	struct sockaddr_storage ss;
	socklen_t len;

	loopback(variant->family, &ss, &len);
	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&ss, len));
	errno = 0;
	EXPECT_EQ(-1, send(self->fd, "x", 1, MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
}

TEST_HARNESS_MAIN
