// SPDX-License-Identifier: GPL-2.0
/*
 * IPPROTO_QUIC socket creation: the four family/type combinations, wrong
 * families, types and protocols, and the calls that are not implemented
 * yet (reported as skipped, "expected to come", after checking that they
 * fail with EOPNOTSUPP and nothing else).
 */

#include <errno.h>
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

/* Not implemented yet: each must fail with EOPNOTSUPP, then is skipped. */

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

#define EXPECT_TO_COME(call, what)						\
	do {									\
		errno = 0;							\
		ASSERT_EQ(-1, (int)(call));					\
		ASSERT_EQ(EOPNOTSUPP, errno);					\
		SKIP(return, "%s: not implemented yet (issue 3)", what);	\
	} while (0)

TEST_F(quic_sock, pending_connect)
{
	struct sockaddr_storage ss;
	socklen_t len;

	loopback(variant->family, &ss, &len);
	EXPECT_TO_COME(connect(self->fd, (struct sockaddr *)&ss, len), "connect");
}

TEST_F(quic_sock, pending_listen)
{
	EXPECT_TO_COME(listen(self->fd, 16), "listen");
}

TEST_F(quic_sock, pending_accept)
{
	EXPECT_TO_COME(accept(self->fd, NULL, NULL), "accept");
}

TEST_F(quic_sock, pending_sendmsg)
{
	EXPECT_TO_COME(send(self->fd, "x", 1, 0), "sendmsg");
}

TEST_F(quic_sock, pending_recvmsg)
{
	char buf[8];

	EXPECT_TO_COME(recv(self->fd, buf, sizeof(buf), MSG_DONTWAIT), "recvmsg");
}

TEST_F(quic_sock, pending_shutdown)
{
	EXPECT_TO_COME(shutdown(self->fd, SHUT_RDWR), "shutdown");
}

/* What is not QUIC must stay as it was. */

TEST(wrong_protocol)
{
	/* 260 is no registered IP protocol. */
	ASSERT_EQ(-1, socket(AF_INET, SOCK_DGRAM, 260));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	ASSERT_EQ(-1, socket(AF_INET6, SOCK_STREAM, 260));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	/* Beyond IPPROTO_MAX. */
	ASSERT_EQ(-1, socket(AF_INET, SOCK_DGRAM, 1000));
	EXPECT_EQ(EINVAL, errno);
}

TEST(wrong_type)
{
	int fd;

	fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_QUIC);
	ASSERT_EQ(-1, fd);
	EXPECT_TRUE(errno == ESOCKTNOSUPPORT || errno == EPROTONOSUPPORT)
		TH_LOG("errno %d", errno);
	fd = socket(AF_INET6, SOCK_SEQPACKET, IPPROTO_QUIC);
	ASSERT_EQ(-1, fd);
	EXPECT_TRUE(errno == ESOCKTNOSUPPORT || errno == EPROTONOSUPPORT)
		TH_LOG("errno %d", errno);
}

TEST(wrong_family)
{
	ASSERT_EQ(-1, socket(AF_UNIX, SOCK_STREAM, IPPROTO_QUIC));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	ASSERT_EQ(-1, socket(AF_NETLINK, SOCK_DGRAM, IPPROTO_QUIC));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
}

TEST(udp_and_tcp_unaffected)
{
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	ASSERT_LE(0, fd);
	EXPECT_EQ(IPPROTO_UDP, sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL));
	close(fd);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(IPPROTO_TCP, sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL));
	close(fd);
}

TEST_HARNESS_MAIN
