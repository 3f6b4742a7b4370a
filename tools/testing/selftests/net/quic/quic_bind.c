// SPDX-License-Identifier: GPL-2.0
/*
 * bind() on IPPROTO_QUIC sockets: the kernel UDP tunnel socket behind each
 * bound address is created by the first socket, shared by sockets that all
 * set SO_REUSEADDR, and closed by the last one (seen from a plain UDP
 * socket trying the same port). Errors: EINVAL, EAFNOSUPPORT, EADDRINUSE,
 * EADDRNOTAVAIL, EACCES.
 */

#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/quic.h>

#include "kselftest_harness.h"

struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

static struct addr make_addr(int family, const char *ip, unsigned short port)
{
	struct addr a = { .len = 0 };

	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a.ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, ip, &sin->sin_addr);
		a.len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a.ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		inet_pton(AF_INET6, ip, &sin6->sin6_addr);
		a.len = sizeof(*sin6);
	}
	return a;
}

static unsigned short addr_port(const struct addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&a->ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&a->ss)->sin6_port);
}

static struct addr local_name(int fd)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	a.len = sizeof(a.ss);
	if (getsockname(fd, (struct sockaddr *)&a.ss, &a.len))
		a.len = 0;
	return a;
}

static int quic_socket(int family, int reuse)
{
	int fd = socket(family, SOCK_DGRAM, IPPROTO_QUIC);

	if (fd >= 0 && reuse &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* 0 if a plain UDP socket can bind @a, else -errno. */
static int udp_bind_probe(const struct addr *a)
{
	int fd = socket(a->ss.ss_family, SOCK_DGRAM, IPPROTO_UDP);
	int one = 1, ret = 0;

	if (fd < 0)
		return -errno;
	if (a->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a->ss, a->len))
		ret = -errno;
	close(fd);
	return ret;
}

FIXTURE(bind) {
	int family;
	const char *loopback;
};

FIXTURE_VARIANT(bind) {
	int family;
	const char *loopback;
	const char *other_family_ip;
};

FIXTURE_VARIANT_ADD(bind, ipv4) {
	.family = AF_INET, .loopback = "127.0.0.1", .other_family_ip = "::1",
};

FIXTURE_VARIANT_ADD(bind, ipv6) {
	.family = AF_INET6, .loopback = "::1", .other_family_ip = "127.0.0.1",
};

FIXTURE_SETUP(bind)
{
	self->family = variant->family;
	self->loopback = variant->loopback;
}

FIXTURE_TEARDOWN(bind)
{
}

TEST_F(bind, ephemeral_port)
{
	struct addr a = make_addr(self->family, self->loopback, 0), name;
	int fd = quic_socket(self->family, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&a.ss, a.len));
	name = local_name(fd);
	ASSERT_EQ(a.len, name.len);
	EXPECT_NE(0, addr_port(&name));
	/* The address is the one we asked for; the port is real. */
	a = make_addr(self->family, self->loopback, addr_port(&name));
	EXPECT_EQ(0, memcmp(&a.ss, &name.ss, a.len));
	EXPECT_EQ(-EADDRINUSE, udp_bind_probe(&name));
	close(fd);
	EXPECT_EQ(0, udp_bind_probe(&name));
}

TEST_F(bind, wildcard)
{
	struct addr a = make_addr(self->family, self->family == AF_INET ? "0.0.0.0" : "::", 0);
	struct addr name;
	int fd = quic_socket(self->family, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&a.ss, a.len));
	name = local_name(fd);
	EXPECT_NE(0, addr_port(&name));
	close(fd);
}

TEST_F(bind, twice)
{
	struct addr a = make_addr(self->family, self->loopback, 0);
	int fd = quic_socket(self->family, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&a.ss, a.len));
	ASSERT_EQ(-1, bind(fd, (struct sockaddr *)&a.ss, a.len));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST_F(bind, short_address)
{
	struct addr a = make_addr(self->family, self->loopback, 0);
	int fd = quic_socket(self->family, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, bind(fd, (struct sockaddr *)&a.ss, sizeof(sa_family_t)));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, bind(fd, (struct sockaddr *)&a.ss,
			   self->family == AF_INET ? sizeof(struct sockaddr_in) - 1 : 23));
	EXPECT_EQ(EINVAL, errno);
	/* Still unbound: a good bind works. */
	EXPECT_EQ(0, bind(fd, (struct sockaddr *)&a.ss, a.len));
	close(fd);
}

TEST_F(bind, other_family)
{
	int other = self->family == AF_INET ? AF_INET6 : AF_INET;
	struct addr a = make_addr(other, variant->other_family_ip, 0);
	int fd = quic_socket(self->family, 0);

	ASSERT_LE(0, fd);
	/* Long enough for either family, so that only the family is wrong. */
	ASSERT_EQ(-1, bind(fd, (struct sockaddr *)&a.ss, sizeof(struct sockaddr_in6)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	close(fd);
}

TEST_F(bind, not_local)
{
	/* TEST-NET-1 / documentation prefix: never configured here. */
	struct addr a = make_addr(self->family,
				  self->family == AF_INET ? "192.0.2.1" : "2001:db8::1", 0);
	int fd = quic_socket(self->family, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, bind(fd, (struct sockaddr *)&a.ss, a.len));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	close(fd);
}

TEST_F(bind, same_port_without_reuse)
{
	struct addr a = make_addr(self->family, self->loopback, 0), name;
	int fd1 = quic_socket(self->family, 0), fd2 = quic_socket(self->family, 0);

	ASSERT_LE(0, fd1);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, bind(fd1, (struct sockaddr *)&a.ss, a.len));
	name = local_name(fd1);
	ASSERT_EQ(-1, bind(fd2, (struct sockaddr *)&name.ss, name.len));
	EXPECT_EQ(EADDRINUSE, errno);
	/* Once the first is closed the port is free again. */
	close(fd1);
	EXPECT_EQ(0, bind(fd2, (struct sockaddr *)&name.ss, name.len));
	close(fd2);
}

TEST_F(bind, same_port_reuse_on_one_side)
{
	struct addr a = make_addr(self->family, self->loopback, 0), name;
	int fd1 = quic_socket(self->family, 1), fd2 = quic_socket(self->family, 0);
	int fd3 = quic_socket(self->family, 1);

	ASSERT_LE(0, fd1);
	ASSERT_LE(0, fd2);
	ASSERT_LE(0, fd3);
	/* The first allows sharing; the second does not ask for it. */
	ASSERT_EQ(0, bind(fd1, (struct sockaddr *)&a.ss, a.len));
	name = local_name(fd1);
	ASSERT_EQ(-1, bind(fd2, (struct sockaddr *)&name.ss, name.len));
	EXPECT_EQ(EADDRINUSE, errno);
	close(fd1);
	/* Now the second holds it without sharing: the third is refused. */
	ASSERT_EQ(0, bind(fd2, (struct sockaddr *)&name.ss, name.len));
	ASSERT_EQ(-1, bind(fd3, (struct sockaddr *)&name.ss, name.len));
	EXPECT_EQ(EADDRINUSE, errno);
	close(fd2);
	close(fd3);
}

TEST_F(bind, shared_with_reuse)
{
	struct addr a = make_addr(self->family, self->loopback, 0), name, name2;
	int fd[3], i;

	for (i = 0; i < 3; i++) {
		fd[i] = quic_socket(self->family, 1);
		ASSERT_LE(0, fd[i]);
	}
	ASSERT_EQ(0, bind(fd[0], (struct sockaddr *)&a.ss, a.len));
	name = local_name(fd[0]);
	for (i = 1; i < 3; i++) {
		ASSERT_EQ(0, bind(fd[i], (struct sockaddr *)&name.ss, name.len));
		name2 = local_name(fd[i]);
		ASSERT_EQ(name.len, name2.len);
		EXPECT_EQ(0, memcmp(&name.ss, &name2.ss, name.len));
	}
	/* One UDP socket for all three, held until the last one closes. */
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-EADDRINUSE, udp_bind_probe(&name));
		close(fd[i]);
	}
	EXPECT_EQ(0, udp_bind_probe(&name));
}

TEST_F(bind, port_taken_by_udp)
{
	int udp = socket(self->family, SOCK_DGRAM, IPPROTO_UDP);
	struct addr a = make_addr(self->family, self->loopback, 0), name;
	int fd = quic_socket(self->family, 1);

	ASSERT_LE(0, udp);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(udp, (struct sockaddr *)&a.ss, a.len));
	name = local_name(udp);
	ASSERT_EQ(-1, bind(fd, (struct sockaddr *)&name.ss, name.len));
	EXPECT_EQ(EADDRINUSE, errno);
	close(udp);
	close(fd);
}

TEST_F(bind, privileged_port)
{
	struct addr a = make_addr(self->family, self->loopback, 443);
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = quic_socket(self->family, 0);

		/* nobody, without CAP_NET_BIND_SERVICE */
		if (fd < 0 || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		if (!bind(fd, (struct sockaddr *)&a.ss, a.len))
			_exit(3);
		_exit(errno == EACCES ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(ipv4_and_ipv6_same_port)
{
	struct addr a4 = make_addr(AF_INET, "127.0.0.1", 0), a6, name;
	int fd4 = quic_socket(AF_INET, 0), fd6 = quic_socket(AF_INET6, 0);
	int one = 1;

	ASSERT_LE(0, fd4);
	ASSERT_LE(0, fd6);
	ASSERT_EQ(0, setsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	ASSERT_EQ(0, bind(fd4, (struct sockaddr *)&a4.ss, a4.len));
	name = local_name(fd4);
	a6 = make_addr(AF_INET6, "::1", addr_port(&name));
	EXPECT_EQ(0, bind(fd6, (struct sockaddr *)&a6.ss, a6.len));
	close(fd4);
	close(fd6);
}

TEST(v4mapped)
{
	struct addr a = make_addr(AF_INET6, "::ffff:127.0.0.1", 0), name;
	int fd = quic_socket(AF_INET6, 0), one = 1;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&a.ss, a.len));
	name = local_name(fd);
	EXPECT_NE(0, addr_port(&name));
	EXPECT_TRUE(IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&name.ss)->sin6_addr));
	close(fd);

	/* Not on an IPv6-only socket. */
	fd = quic_socket(AF_INET6, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	ASSERT_EQ(-1, bind(fd, (struct sockaddr *)&a.ss, a.len));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(link_local_needs_scope)
{
	struct addr a = make_addr(AF_INET6, "fe80::1", 0);
	int fd = quic_socket(AF_INET6, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, bind(fd, (struct sockaddr *)&a.ss, a.len));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(many_ports)
{
	struct addr a = make_addr(AF_INET, "127.0.0.1", 0);
	int fd[64], i;

	for (i = 0; i < 64; i++) {
		fd[i] = quic_socket(AF_INET, 0);
		ASSERT_LE(0, fd[i]);
		ASSERT_EQ(0, bind(fd[i], (struct sockaddr *)&a.ss, a.len));
	}
	for (i = 0; i < 64; i++)
		close(fd[i]);
}

TEST_HARNESS_MAIN
