/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two network namespaces joined by a veth pair, for the tests that need a
 * real link (netem, MTU, NAT): shell commands, sockets created inside a
 * namespace, addresses of either family and a handshake with known secrets
 * (quic_fake.h). Include after kselftest_harness.h and quic_xfer.h.
 *
 * Each namespace has one device, veth0; the server's address is @srv, the
 * client's @cli, on a /24 (IPv4) or /64 (IPv6, without DAD so that the
 * address is usable at once).
 */

#ifndef QUIC_NS_H
#define QUIC_NS_H

#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>

struct ns_pair {
	char srv[32], cli[32];	/* namespace names */
	int family;
	int lsn, cli_fd, srv_fd;	/* listener, client, accepted server */
	struct sockaddr_storage addr;	/* the listener's */
	socklen_t alen;
};

/* A shell command, formatted; returns what system() returns. */
static inline int ns_run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The number a shell command prints, -1 on failure. */
static inline long long ns_number(const char *fmt, ...)
{
	long long v = -1;
	char cmd[1024];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	pclose(f);
	return v;
}

/*
 * Wait up to @wait_ms for namespace @ns to hold @n QUIC sockets (the
 * sockets column of /proc/net/protocols: a socket counts until it is
 * freed, so a connection close() left in the closing state of RFC 9000
 * section 10.2 counts until that state ends). Returns the last count.
 */
static inline long long ns_wait_quic_sockets(const char *ns, long long n,
					     int wait_ms)
{
	long long v;

	for (;;) {
		v = ns_number("ip netns exec %s awk '$1 ~ /^QUIC/ { n += $3 } "
			      "END { print n + 0 }' /proc/net/protocols", ns);
		if (v == n || wait_ms <= 0)
			return v;
		usleep(100000);
		wait_ms -= 100;
	}
}

/* A socket of @type and @proto made in namespace @ns; -1 with errno. */
static inline int ns_socket_of(const char *ns, int family, int type, int proto)
{
	int self_ns, target, fd = -1;
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	self_ns = open("/proc/self/ns/net", O_RDONLY);
	target = open(path, O_RDONLY);
	if (self_ns >= 0 && target >= 0 && !setns(target, CLONE_NEWNET)) {
		fd = socket(family, type, proto);
		if (setns(self_ns, CLONE_NEWNET))
			abort();	/* the test cannot go on elsewhere */
	}
	if (self_ns >= 0)
		close(self_ns);
	if (target >= 0)
		close(target);
	return fd;
}

/* A QUIC socket of @family created inside network namespace @ns. */
static inline int ns_socket(const char *ns, int family)
{
	return ns_socket_of(ns, family, SOCK_DGRAM, IPPROTO_QUIC);
}

/* @ip (and @port, host order) as a socket address of @family. */
static inline socklen_t ns_addr(int family, const char *ip, uint16_t port,
				struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *a6 = (void *)ss;
	struct sockaddr_in *a4 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, ip, &a6->sin6_addr) != 1)
			return 0;
		return sizeof(*a6);
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &a4->sin_addr) != 1)
		return 0;
	return sizeof(*a4);
}

/* The port of @ss, host order. */
static inline uint16_t ns_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/*
 * The namespaces "@prefix-srv-PID" and "@prefix-cli-PID", the link, a
 * listener bound to @srv and a client socket; 0 or -1 with fake_err set.
 * ns_pair_destroy() undoes any part of it.
 */
static inline int ns_pair_create(struct ns_pair *p, const char *prefix,
				 int family, const char *srv, const char *cli)
{
	int v6 = family == AF_INET6;

	memset(p, 0, sizeof(*p));
	p->lsn = -1;
	p->cli_fd = -1;
	p->srv_fd = -1;
	p->family = family;
	snprintf(p->srv, sizeof(p->srv), "%s-srv-%d", prefix, getpid());
	snprintf(p->cli, sizeof(p->cli), "%s-cli-%d", prefix, getpid());
	if (ns_run("ip netns add %s && ip netns add %s && "
		   "ip -n %s link add veth0 type veth peer name veth0 netns %s && "
		   "ip -n %s addr add %s/%d dev veth0 %s && "
		   "ip -n %s addr add %s/%d dev veth0 %s && "
		   "ip -n %s link set veth0 up && ip -n %s link set veth0 up",
		   p->srv, p->cli, p->srv, p->cli,
		   p->srv, srv, v6 ? 64 : 24, v6 ? "nodad" : "",
		   p->cli, cli, v6 ? 64 : 24, v6 ? "nodad" : "",
		   p->srv, p->cli))
		FAKE_FAIL("cannot build the namespaces (iproute2)");
	p->lsn = ns_socket(p->srv, family);
	if (p->lsn < 0)
		FAKE_FAIL("server socket: %s", strerror(errno));
	p->alen = ns_addr(family, srv, 0, &p->addr);
	if (!p->alen)
		FAKE_FAIL("bad address %s", srv);
	if (bind(p->lsn, (void *)&p->addr, p->alen) ||
	    getsockname(p->lsn, (void *)&p->addr, &p->alen) ||
	    listen(p->lsn, 8))
		FAKE_FAIL("listener: %s", strerror(errno));
	p->cli_fd = ns_socket(p->cli, family);
	if (p->cli_fd < 0)
		FAKE_FAIL("client socket: %s", strerror(errno));
	fake_timeouts(p->cli_fd, 60000);
	return 0;
}

static inline void ns_pair_destroy(struct ns_pair *p)
{
	if (p->srv_fd >= 0)
		close(p->srv_fd);
	if (p->cli_fd >= 0)
		close(p->cli_fd);
	if (p->lsn >= 0)
		close(p->lsn);
	p->lsn = -1;
	p->cli_fd = -1;
	p->srv_fd = -1;
	if (p->srv[0])
		ns_run("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null",
		       p->srv, p->cli);
}

/* Connect the client, accept it within @wait_ms; 0 or -1 with fake_err
 * set.
 */
static inline int ns_handshake_wait(struct ns_pair *p, int wait_ms)
{
	fake_err[0] = '\0';
	fake_wait_ms = wait_ms;
	if (connect(p->cli_fd, (void *)&p->addr, p->alen))
		FAKE_FAIL("connect: %s", strerror(errno));
	if (fake_handshake(p->cli_fd, p->lsn, &p->srv_fd))
		return -1;
	fake_timeouts(p->srv_fd, 60000);
	return 0;
}

static inline int ns_handshake(struct ns_pair *p)
{
	return ns_handshake_wait(p, 60000);
}

#endif /* QUIC_NS_H */
