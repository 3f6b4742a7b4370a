/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A QUIC handshake without TLS: both ends install known secrets and swap
 * their transport parameters inside stand-in handshake messages, exactly
 * as a TLS library would drive the socket API, so connection tests need
 * no TLS library and know every key.
 */

#ifndef QUIC_FAKE_H
#define QUIC_FAKE_H

#include <arpa/inet.h>
#include <errno.h>
#include <linux/quic.h>
#include <linux/tls.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef IPPROTO_QUIC
#define IPPROTO_QUIC 261
#endif

#define FAKE_SECRET_LEN 32	/* SHA-256: TLS_AES_128_GCM_SHA256 */

/* Big-endian 32-bit fields of hand-built packets (versions). */
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static char fake_err[256];
/* How long fake_handshake() waits for each step of the peer. */
static int fake_wait_ms = 5000;

#define FAKE_FAIL(...)							\
	do {								\
		snprintf(fake_err, sizeof(fake_err), __VA_ARGS__);	\
		return -1;						\
	} while (0)

static int fake_fail_errno(const char *what)
{
	snprintf(fake_err, sizeof(fake_err), "%s: %s", what, strerror(errno));
	return -1;
}

static void fake_timeouts(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* A loopback listener on a free port (*@addr) and a client socket. */
static inline int fake_pair_open(int *lsn, int *cli, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*cli = -1;
	*lsn = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (*lsn < 0 || bind(*lsn, (void *)addr, len) ||
	    getsockname(*lsn, (void *)addr, &len) || listen(*lsn, 8))
		return -1;
	*cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (*cli < 0)
		return -1;
	fake_timeouts(*cli, 5000);
	return 0;
}

static inline void fake_pair_close(int lsn, int cli, int srv)
{
	if (srv >= 0)
		close(srv);
	if (cli >= 0)
		close(cli);
	if (lsn >= 0)
		close(lsn);
}

static int fake_send_hs(int fd, uint8_t level, const void *data, size_t len)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_handshake_info))] = {};
	struct iovec iov = { (void *)data, len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	struct quic_handshake_info *hi;

	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_HANDSHAKE_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(*hi));
	hi = (struct quic_handshake_info *)CMSG_DATA(cmsg);
	hi->crypto_level = level;
	return sendmsg(fd, &msg, 0) == (ssize_t)len ? 0 : -1;
}

/* Receive exactly @len bytes of handshake data at @level. */
static int fake_recv_hs(int fd, uint8_t level, void *data, size_t len)
{
	size_t got = 0;

	while (got < len) {
		char ctl[CMSG_SPACE(sizeof(struct quic_handshake_info))];
		struct iovec iov = { (char *)data + got, len - got };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};
		struct cmsghdr *cmsg;
		ssize_t n;

		n = recvmsg(fd, &msg, 0);
		if (n <= 0)
			FAKE_FAIL("recvmsg(handshake level %u): %zd %s", level,
				  n, strerror(errno));
		cmsg = CMSG_FIRSTHDR(&msg);
		if (!cmsg || cmsg->cmsg_level != SOL_QUIC ||
		    cmsg->cmsg_type != QUIC_HANDSHAKE_INFO)
			FAKE_FAIL("recvmsg: no QUIC_HANDSHAKE_INFO cmsg");
		if (((struct quic_handshake_info *)CMSG_DATA(cmsg))->crypto_level != level)
			FAKE_FAIL("handshake data at level %u, want %u",
				  ((struct quic_handshake_info *)CMSG_DATA(cmsg))->crypto_level,
				  level);
		got += n;
	}
	return 0;
}

static int fake_secret(int fd, uint8_t level, int send, uint8_t fill)
{
	struct quic_crypto_secret s = {};

	s.send = send;
	s.level = level;
	s.type = TLS_CIPHER_AES_GCM_128;
	memset(s.secret, fill, FAKE_SECRET_LEN);
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CRYPTO_SECRET, &s, sizeof(s)))
		FAKE_FAIL("CRYPTO_SECRET level %u send %d: %s", level, send,
			  strerror(errno));
	return 0;
}

/* A stand-in handshake message: a tag, then the transport parameters. */
struct fake_msg {
	uint32_t tag;
	uint32_t len;
	uint8_t params[256];
};

static int fake_msg_out(int fd, struct fake_msg *m, uint32_t tag)
{
	socklen_t len = sizeof(m->params);

	m->tag = tag;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT,
		       m->params, &len))
		FAKE_FAIL("get TRANSPORT_PARAM_EXT: %s", strerror(errno));
	m->len = len;
	return 0;
}

static int fake_msg_in(int fd, struct fake_msg *m, uint32_t tag)
{
	if (m->tag != tag)
		FAKE_FAIL("handshake message %#x, want %#x", m->tag, tag);
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT,
		       m->params, m->len))
		FAKE_FAIL("set TRANSPORT_PARAM_EXT: %s", strerror(errno));
	return 0;
}

enum { FAKE_CH = 0xc1, FAKE_SH = 0x51, FAKE_EE = 0xee, FAKE_FIN = 0xf1 };

/* fake_handshake_early(): 0-RTT keys the client and the server set. */
#define FAKE_EARLY_CLI	1
#define FAKE_EARLY_SRV	2
#define FAKE_EARLY_KEY	0xe0

/*
 * Run the handshake between a connected client socket @cli and a
 * listening socket @lsn; the server's connection socket goes to *@srv.
 * The message flow and secret order are TLS 1.3's (RFC 9001 section 4.1);
 * @early says who sets a 0-RTT key (FAKE_EARLY_*), after the ClientHello.
 */
static int fake_handshake_early(int cli, int lsn, int *srv, int early)
{
	struct fake_msg m;
	uint32_t fin = FAKE_FIN;
	struct pollfd pfd = { lsn, POLLIN, 0 };

	if (fake_msg_out(cli, &m, FAKE_CH) ||
	    fake_send_hs(cli, QUIC_CRYPTO_INITIAL, &m, sizeof(m)))
		return fake_err[0] ? -1 : fake_fail_errno("client hello");
	if ((early & FAKE_EARLY_CLI) &&
	    fake_secret(cli, QUIC_CRYPTO_EARLY, 1, FAKE_EARLY_KEY))
		return -1;
	if (poll(&pfd, 1, fake_wait_ms) != 1)
		FAKE_FAIL("listener: no connection within %d ms", fake_wait_ms);
	*srv = accept(lsn, NULL, NULL);
	if (*srv < 0)
		FAKE_FAIL("accept: %s", strerror(errno));
	fake_timeouts(*srv, fake_wait_ms);
	if (fake_recv_hs(*srv, QUIC_CRYPTO_INITIAL, &m, sizeof(m)) ||
	    fake_msg_in(*srv, &m, FAKE_CH))
		return -1;
	if ((early & FAKE_EARLY_SRV) &&
	    fake_secret(*srv, QUIC_CRYPTO_EARLY, 0, FAKE_EARLY_KEY))
		return -1;
	/* Server: ServerHello at Initial, then Handshake keys and EE..Fin. */
	m.tag = FAKE_SH;
	if (fake_send_hs(*srv, QUIC_CRYPTO_INITIAL, &m, 8) ||
	    fake_secret(*srv, QUIC_CRYPTO_HANDSHAKE, 1, 0xa1) ||
	    fake_secret(*srv, QUIC_CRYPTO_HANDSHAKE, 0, 0xb1) ||
	    fake_msg_out(*srv, &m, FAKE_EE) ||
	    fake_send_hs(*srv, QUIC_CRYPTO_HANDSHAKE, &m, sizeof(m)) ||
	    fake_secret(*srv, QUIC_CRYPTO_APP, 1, 0xa2))
		return fake_err[0] ? -1 : fake_fail_errno("server flight");
	/* Client: ServerHello gives Handshake keys, Finished gives 1-RTT. */
	if (fake_recv_hs(cli, QUIC_CRYPTO_INITIAL, &m, 8))
		return -1;
	if (m.tag != FAKE_SH)
		FAKE_FAIL("client: no ServerHello");
	if (fake_secret(cli, QUIC_CRYPTO_HANDSHAKE, 1, 0xb1) ||
	    fake_secret(cli, QUIC_CRYPTO_HANDSHAKE, 0, 0xa1) ||
	    fake_recv_hs(cli, QUIC_CRYPTO_HANDSHAKE, &m, sizeof(m)) ||
	    fake_msg_in(cli, &m, FAKE_EE) ||
	    fake_secret(cli, QUIC_CRYPTO_APP, 1, 0xb2) ||
	    fake_secret(cli, QUIC_CRYPTO_APP, 0, 0xa2) ||
	    fake_send_hs(cli, QUIC_CRYPTO_HANDSHAKE, &fin, sizeof(fin)))
		return -1;
	/* Server: the client's Finished completes and confirms it. */
	if (fake_recv_hs(*srv, QUIC_CRYPTO_HANDSHAKE, &fin, sizeof(fin)))
		return -1;
	if (fin != FAKE_FIN)
		FAKE_FAIL("server: bad Finished %#x", fin);
	return fake_secret(*srv, QUIC_CRYPTO_APP, 0, 0xb2);
}

static int fake_handshake(int cli, int lsn, int *srv)
{
	return fake_handshake_early(cli, lsn, srv, 0);
}

static ssize_t fake_send_stream(int fd, int64_t sid, uint32_t flags,
				const void *data, size_t len)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))] = {};
	struct iovec iov = { (void *)data, len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	struct quic_stream_info *si;

	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_STREAM_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(*si));
	si = (struct quic_stream_info *)CMSG_DATA(cmsg);
	si->stream_id = sid;
	si->stream_flags = flags;
	return sendmsg(fd, &msg, 0);
}

static ssize_t fake_recv_stream(int fd, void *data, size_t len, int64_t *sid,
				uint32_t *flags)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))];
	struct iovec iov = { data, len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return n;
	*sid = -1;
	*flags = 0;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_QUIC &&
		    cmsg->cmsg_type == QUIC_STREAM_INFO) {
			struct quic_stream_info *si = (void *)CMSG_DATA(cmsg);

			*sid = si->stream_id;
			*flags = si->stream_flags;
		}
	}
	return n;
}

/*
 * Send @len bytes of @out on stream @sid of @from, with FIN, in 16 KB
 * writes, and read them on @to; 0 when all arrived intact on @sid.
 */
static inline int fake_stream_exchange(int from, int to, int64_t sid,
				       const char *out, size_t len)
{
	char *in = malloc(len ? len : 1);
	size_t off, got = 0;
	uint32_t flags = 0;
	int64_t rsid = -1;
	ssize_t n;
	int ret = -1;

	if (!in)
		FAKE_FAIL("out of memory");
	for (off = 0; off < len; off += n) {
		size_t chunk = len - off < 16384 ? len - off : 16384;

		n = fake_send_stream(from, sid, off + chunk == len ?
				     MSG_STREAM_FIN : 0, out + off, chunk);
		if (n <= 0) {
			snprintf(fake_err, sizeof(fake_err), "send at %zu: %s",
				 off, strerror(errno));
			goto out;
		}
	}
	while (!(flags & MSG_STREAM_FIN)) {
		n = fake_recv_stream(to, in + got, len - got, &rsid, &flags);
		if (n < 0 || rsid != sid || got + n > len) {
			snprintf(fake_err, sizeof(fake_err),
				 "recv at %zu: %zd, stream %lld: %s", got, n,
				 (long long)rsid, strerror(errno));
			goto out;
		}
		got += n;
	}
	if (got != len || memcmp(in, out, len))
		snprintf(fake_err, sizeof(fake_err), "%zu of %zu bytes, %s",
			 got, len, got == len ? "corrupted" : "short");
	else
		ret = 0;
out:
	free(in);
	return ret;
}

#endif /* QUIC_FAKE_H */
