// SPDX-License-Identifier: GPL-2.0
/*
 * quic-server: a file server over in-kernel QUIC, speaking HTTP/3 (RFC
 * 9114, ALPN "h3", with libnghttp3) or the "hq-interop" protocol of the
 * QUIC interop runner (HTTP/0.9), whichever the handshake chose.
 *
 * hq-interop: every bidirectional stream the client opens carries one
 * request line "GET /path\r\n", and the response is the file's bytes
 * followed by FIN on the same stream. A request that cannot be served
 * (malformed, outside the root, missing, not a regular file, unreadable)
 * gets no data: its stream is reset (RESET_STREAM) with an HTTP-like
 * application error code, 400, 404 or 500 (see quic-server(1)). An empty
 * response with FIN could not be told apart from an empty file.
 *
 * HTTP/3: GET and HEAD requests, answered with a real status code (200,
 * or 400, 404, 405, 500 with no content).
 *
 * One thread per connection; inside a connection every stream is served
 * from one poll() loop with non-blocking sends, so that a large file does
 * not hold back the requests that follow it.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <netinet/quic.h>
#include "h3.h"

/* Application error codes of a reset stream (HTTP status numbers). */
#define HQ_ERR_BAD_REQUEST	400
#define HQ_ERR_NOT_FOUND	404
#define HQ_ERR_INTERNAL		500
#define HQ_ERR_METHOD		405	/* HTTP/3 only */
/* CONNECTION_CLOSE when we stop (outside 0x100-0x1ff: TLS alerts). */
#define HQ_ERR_SHUTDOWN		1

#define HQ_REQUEST_MAX		4096	/* request line, path included */
#define HQ_CHUNK		(256 * 1024)
#define HQ_RECV_BATCH		64	/* reads per wakeup, then send a bit */
#define HQ_HANDSHAKE_MS		10000
#define HQ_STOP_WAIT_MS		2000
/*
 * HTTP/3: the client may open this many request streams in all. The
 * kernel raises its stream limit as requests complete (RFC 9000 section
 * 4.6), so there is no total to give: the largest stream count there is.
 */
#define H3_MAX_CLIENT_BIDI	(1ULL << 60)

#define __maybe_unused		__attribute__((unused))

/* A request stream; HTTP/3 keeps its :path in req. */
struct hq_stream {
	struct hq_stream	*next;
	int64_t			id;
	char			req[HQ_REQUEST_MAX + 1];
	size_t			req_len;
	bool			req_fin;	/* the request's FIN was read */
	bool			answered;	/* response chosen (or reset) */
	bool			sending;	/* file bytes and FIN still to go */
	int			file;
	off_t			off;
	off_t			size;
	char			path[64];	/* for log lines, truncated */
	/* HTTP/3 only */
	char			method[8];	/* truncated: not GET or HEAD */
	int			status;		/* chosen early (400), or sent */
	void			*map;		/* the file, for the body */
	bool			done;		/* all of the response queued */
	bool			aborted;	/* our side was reset */
	bool			closing;	/* h3_stream_done() called */
};

struct hq_conn {
	int			fd;
	char			peer[INET6_ADDRSTRLEN + 16];
	struct hq_stream	*streams;
	unsigned int		nsending;
	unsigned char		*buf;
	unsigned long		served;
	nghttp3_conn		*h3;		/* HTTP/3 only */
	bool			h3_blocked;	/* the socket took not all */
};

static struct {
	const char	*listen;
	const char	*cert;
	const char	*key;
	const char	*root;
	const char	*alpn;
	const char	*preferred;
	const char	*ciphers;
	unsigned int	max_streams;
	uint32_t	version;
	int		verbose;
	int		retry;
} cfg = { .alpn = H3_ALPN ",hq-interop" };

static int root_fd = -1;
static int stop_fd = -1;	/* eventfd: set once, when we are told to stop */
static bool stopping;		/* the same, for loops that do not poll */

/* Running connection threads, so that a stop can wait for them. */
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conns_cond = PTHREAD_COND_INITIALIZER;
static unsigned int nconns;

static const char *errstr(int err, char *buf, size_t len)
{
	/* GNU strerror_r(): thread safe, unlike strerror(). */
	return strerror_r(err, buf, len);
}

static void logmsg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* One line to stderr per call; stdio locks the stream across threads. */
static void logmsg(const char *fmt, ...)
{
	va_list ap;

	flockfile(stderr);
	fputs("quic-server: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

#define vlog(...) do { if (cfg.verbose) logmsg(__VA_ARGS__); } while (0)

static void usage(FILE *f)
{
	fprintf(f,
"Usage: quic-server --listen ADDR:PORT --cert FILE --key FILE --root DIR\n"
"                   [--alpn LIST] [--retry] [--preferred-address ADDR:PORT]\n"
"                   [--cipher LIST] [--max-streams N] [--quic-version 1|2]\n"
"                   [-v]\n"
"Serve the files under DIR over QUIC with HTTP/3 (h3) or HTTP/0.9\n"
"(hq-interop), the protocol the handshake chose (ALPN).\n"
"\n"
"  -l, --listen ADDR:PORT  address to listen on: 192.0.2.1:4433,\n"
"                          [2001:db8::1]:4433, or a host name\n"
"  -c, --cert FILE         PEM certificate chain\n"
"  -k, --key FILE          PEM private key of the certificate\n"
"  -r, --root DIR          serve the files below DIR, nothing else\n"
"  -a, --alpn LIST         comma-separated ALPN list, of h3 and hq-interop\n"
"                          (default h3,hq-interop)\n"
"  -R, --retry             validate client addresses with Retry first\n"
"      --cipher LIST       accept only these TLS ciphers, colon-separated:\n"
"                          AES-128-GCM, AES-256-GCM, CHACHA20-POLY1305\n"
"      --max-streams N     let a client open N request streams at once\n"
"                          (1 to 65535, default 100)\n"
"  -V, --quic-version N    the QUIC version to prefer: 1 (default) keeps the\n"
"                          client's; 2 moves a client that starts in v1 and\n"
"                          offers v2 to v2 (RFC 9368 compatible negotiation)\n"
"  -P, --preferred-address ADDR:PORT\n"
"                          offer clients this address of ours to move to\n"
"                          after the handshake (numeric, same family)\n"
"  -v, --verbose           log connections and requests (twice: libquic)\n"
"  -h, --help              this text\n"
"\n"
"HTTP/3 answers a request that cannot be served with status 404\n"
"(missing, outside DIR, not a regular file), 400 (malformed), 405 (not\n"
"GET or HEAD) or 500; hq-interop resets its stream with that number as\n"
"the error code.\n");
}

/* "host:port", "[v6]:port": split in place; NULL host for "*" or "". */
static int split_hostport(char *s, char **host, char **port)
{
	char *colon;

	if (*s == '[') {
		char *end = strchr(s, ']');

		if (!end || end[1] != ':' || !end[2])
			return -1;
		*end = '\0';
		*host = s + 1;
		*port = end + 2;
		return 0;
	}
	colon = strrchr(s, ':');
	if (!colon || !colon[1] || strchr(s, ':') != colon)
		return -1;
	*colon = '\0';
	*host = (*s && strcmp(s, "*")) ? s : NULL;
	*port = colon + 1;
	return 0;
}

static void addr_name(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		port = ntohs(sin->sin_port);
		snprintf(buf, len, "%s:%u", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		port = ntohs(sin6->sin6_port);
		snprintf(buf, len, "[%s]:%u", host, port);
	} else {
		snprintf(buf, len, "?");
	}
}

/* ---- requests ---------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Turn the URL path of a request into a path relative to the root:
 * percent-decode it first (so that "%2e%2e" and "..%2f" are seen for what
 * they are), then rebuild it from its components, dropping empty ones and
 * ".", refusing "..". Returns 0, or the error code to reset with.
 */
static int request_path(const char *url, char *rel, size_t len)
{
	char dec[HQ_REQUEST_MAX + 1], *comp, *save = NULL;
	size_t n = 0, used = 0;
	const char *p;

	if (*url != '/')
		return HQ_ERR_BAD_REQUEST;
	for (p = url; *p && *p != '?' && *p != '#'; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);

			if (lo < 0)
				return HQ_ERR_BAD_REQUEST;
			c = hi << 4 | lo;
			p += 2;
		}
		if (!c || n >= sizeof(dec) - 1)
			return HQ_ERR_BAD_REQUEST;
		dec[n++] = (char)c;
	}
	dec[n] = '\0';
	rel[0] = '\0';
	for (comp = strtok_r(dec, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save)) {
		size_t clen = strlen(comp);

		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, ".."))
			return HQ_ERR_NOT_FOUND;
		if (used + clen + 2 > len)
			return HQ_ERR_BAD_REQUEST;
		if (used)
			rel[used++] = '/';
		memcpy(rel + used, comp, clen + 1);
		used += clen;
	}
	/* "/" names the root itself: no directory listings. */
	return used ? 0 : HQ_ERR_NOT_FOUND;
}

/*
 * Open @rel below the root and nowhere else. openat2(RESOLVE_BENEATH)
 * refuses any resolution, symlinks included, that leaves the root; on a
 * kernel without it, walk the components ourselves and follow no
 * symlink at all.
 */
static int open_beneath(const char *rel)
{
	const int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct open_how how = {
		.flags = oflags,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	char buf[PATH_MAX], *comp, *next;
	int dir, fd;

	fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	if (strlen(rel) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, rel);
	dir = root_fd;
	for (comp = buf; (next = strchr(comp, '/')); comp = next + 1) {
		*next = '\0';
		fd = openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (dir != root_fd)
			close(dir);
		if (fd < 0)
			return -1;
		dir = fd;
	}
	fd = openat(dir, comp, oflags | O_NOFOLLOW);
	if (dir != root_fd) {
		int err = errno;

		close(dir);
		errno = err;
	}
	return fd;
}

/* Reset our side of a stream; also stop the client's if it still sends. */
static void stream_refuse(struct hq_conn *c, struct hq_stream *st,
			  uint32_t code)
{
	struct quic_errinfo ei = { .stream_id = st->id, .errcode = code };

	if (setsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &ei,
		       sizeof(ei)) && cfg.verbose) {
		char eb[64];

		logmsg("%s stream %lld: reset: %s", c->peer, (long long)st->id,
		       errstr(errno, eb, sizeof(eb)));
	}
	if (!st->req_fin)
		setsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_STOP_SENDING,
			   &ei, sizeof(ei));
}

/* A complete request line: choose the response. */
static void stream_answer(struct hq_conn *c, struct hq_stream *st)
{
	char rel[PATH_MAX], eb[64], *url, *end;
	struct stat sb;
	int code, fd;

	st->answered = true;
	st->req[st->req_len] = '\0';
	end = strpbrk(st->req, "\r\n");
	if (end)
		*end = '\0';
	if (strncmp(st->req, "GET ", 4)) {
		vlog("%s stream %lld: not a GET request", c->peer,
		     (long long)st->id);
		stream_refuse(c, st, HQ_ERR_BAD_REQUEST);
		return;
	}
	url = st->req + 4;
	/* Tolerate an HTTP/1.x-style version after the path. */
	end = strchr(url, ' ');
	if (end)
		*end = '\0';
	snprintf(st->path, sizeof(st->path), "%s", url);
	code = request_path(url, rel, sizeof(rel));
	if (code) {
		vlog("%s stream %lld: GET %s: refused (%d)", c->peer,
		     (long long)st->id, st->path, code);
		stream_refuse(c, st, code);
		return;
	}
	fd = open_beneath(rel);
	if (fd < 0) {
		vlog("%s stream %lld: GET %s: %s (404)", c->peer,
		     (long long)st->id, st->path, errstr(errno, eb, sizeof(eb)));
		stream_refuse(c, st, HQ_ERR_NOT_FOUND);
		return;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		vlog("%s stream %lld: GET %s: not a regular file (404)",
		     c->peer, (long long)st->id, st->path);
		close(fd);
		stream_refuse(c, st, HQ_ERR_NOT_FOUND);
		return;
	}
	vlog("%s stream %lld: GET %s: %lld bytes", c->peer, (long long)st->id,
	     st->path, (long long)sb.st_size);
	st->file = fd;
	st->off = 0;
	st->size = sb.st_size;
	st->sending = true;
	c->nsending++;
}

/* Where stream @id is in the list, or the end of the list. */
static struct hq_stream **stream_slot(struct hq_conn *c, int64_t id)
{
	struct hq_stream **pp;

	for (pp = &c->streams; *pp; pp = &(*pp)->next)
		if ((*pp)->id == id)
			break;
	return pp;
}

/* Streams stay in request order: the first asked is the first served. */
static struct hq_stream *stream_get(struct hq_conn *c, int64_t id)
{
	struct hq_stream **pp = stream_slot(c, id), *st = *pp;

	if (st)
		return st;
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->id = id;
	st->file = -1;
	*pp = st;
	return st;
}

static void stream_finish(struct hq_conn *c, struct hq_stream *st)
{
	if (st->file >= 0)
		close(st->file);
	st->file = -1;
	if (st->map)
		munmap(st->map, st->size);
	st->map = NULL;
	if (st->sending)
		c->nsending--;
	st->sending = false;
}

/* Forget the streams whose request and response are both over. */
static void streams_reap(struct hq_conn *c)
{
	struct hq_stream **pp = &c->streams, *st;

	while ((st = *pp)) {
		if (st->answered && !st->sending && st->req_fin) {
			*pp = st->next;
			free(st);
		} else {
			pp = &st->next;
		}
	}
}

static void streams_free(struct hq_conn *c)
{
	struct hq_stream *st;

	while ((st = c->streams)) {
		c->streams = st->next;
		stream_finish(c, st);
		free(st);
	}
}

static void stream_data(struct hq_conn *c, int64_t id, const void *data,
			size_t n, bool fin)
{
	struct hq_stream *st;
	size_t room;

	/* hq-interop has client-initiated bidirectional streams only. */
	if (id < 0 || (id & QUIC_STREAM_TYPE_MASK))
		return;
	st = stream_get(c, id);
	if (!st) {
		logmsg("%s: out of memory", c->peer);
		return;
	}
	if (fin)
		st->req_fin = true;
	if (st->answered)
		return;		/* anything after the request line */
	room = HQ_REQUEST_MAX - st->req_len;
	if (n > room) {
		vlog("%s stream %lld: request line too long", c->peer,
		     (long long)id);
		st->answered = true;
		stream_refuse(c, st, HQ_ERR_BAD_REQUEST);
		return;
	}
	memcpy(st->req + st->req_len, data, n);
	st->req_len += n;
	if (memchr(st->req, '\n', st->req_len) || st->req_fin)
		stream_answer(c, st);
}

/*
 * What a connection does with what it reads, hq-interop's or HTTP/3's:
 * @data takes stream data, @event a notification (may be NULL); each
 * returns 0, or -1 when the connection is to end (said why).
 */
struct conn_input {
	int (*data)(struct hq_conn *c, int64_t id, const void *buf, size_t n,
		    bool fin);
	int (*event)(struct hq_conn *c, const unsigned char *ev, size_t n);
};

/*
 * Read whatever the socket has. Returns 1 to go on, 0 when the peer
 * closed the connection, -1 on a connection error.
 */
static int conn_read(struct hq_conn *c, const struct conn_input *in)
{
	char eb[64];
	int i, ret;

	for (i = 0; i < HQ_RECV_BATCH; i++) {
		uint32_t flags = MSG_DONTWAIT;	/* in: recv flags; out: msg */
		int64_t sid;
		ssize_t n;

		n = quic_recvmsg(c->fd, c->buf, HQ_CHUNK, &sid, &flags);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 1;
			if (errno == ECONNRESET || errno == EPIPE ||
			    errno == ENOTCONN) {
				vlog("%s: connection closed by the client",
				     c->peer);
				return 0;
			}
			logmsg("%s: recvmsg: %s", c->peer,
			       errstr(errno, eb, sizeof(eb)));
			return -1;
		}
		if (flags & MSG_NOTIFICATION)
			ret = in->event ? in->event(c, c->buf, n) : 0;
		else if (!n && !(flags & MSG_STREAM_FIN))
			return 0;	/* the connection ended cleanly */
		else
			ret = in->data(c, sid, c->buf, n,
				       flags & MSG_STREAM_FIN);
		if (ret)
			return -1;
	}
	return 1;
}

/* hq-interop: a request line, answered with the file. */
static int hq_data(struct hq_conn *c, int64_t id, const void *buf, size_t n,
		   bool fin)
{
	stream_data(c, id, buf, n, fin);
	return 0;
}

static const struct conn_input hq_input = { .data = hq_data };

/*
 * Send one chunk of @st. Returns 1 if the socket took it all, 0 if its
 * buffer is full, -1 on a connection error.
 */
static int stream_send(struct hq_conn *c, struct hq_stream *st)
{
	size_t want = st->size - st->off > HQ_CHUNK ? HQ_CHUNK :
		      (size_t)(st->size - st->off);
	uint32_t flags = MSG_DONTWAIT;
	char eb[64];
	ssize_t n = 0, sent;

	if (want) {
		n = pread(st->file, c->buf, want, st->off);
		if (n <= 0) {
			logmsg("%s stream %lld: reading %s: %s", c->peer,
			       (long long)st->id, st->path,
			       n ? errstr(errno, eb, sizeof(eb)) :
			       "file shrank while being sent");
			stream_finish(c, st);
			stream_refuse(c, st, HQ_ERR_INTERNAL);
			return 1;
		}
	}
	if (st->off + n == st->size)
		flags |= MSG_STREAM_FIN;
	sent = quic_sendmsg(c->fd, c->buf, n, st->id, flags);
	if (sent < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		if (errno == EPIPE || errno == EINVAL) {
			/* The client reset or stopped the stream. */
			vlog("%s stream %lld: GET %s: stopped by the client",
			     c->peer, (long long)st->id, st->path);
			stream_finish(c, st);
			return 1;
		}
		if (errno == ENOTCONN || errno == ECONNRESET)
			vlog("%s: the connection closed while sending %s",
			     c->peer, st->path);
		else
			logmsg("%s stream %lld: sendmsg: %s", c->peer,
			       (long long)st->id, errstr(errno, eb, sizeof(eb)));
		return -1;
	}
	st->off += sent;
	if (sent == n && (flags & MSG_STREAM_FIN)) {
		stream_finish(c, st);
		c->served++;
		return 1;
	}
	return sent == n;
}

/*
 * One chunk per stream in turn, until the socket's buffer is full, or we
 * are told to stop: a large buffer takes seconds to fill on a slow
 * machine, longer than a stop waits for the connections to close.
 */
static int conn_write(struct hq_conn *c)
{
	struct hq_stream *st;
	int ret, progress;

	do {
		progress = 0;
		for (st = c->streams; st && c->nsending; st = st->next) {
			if (!st->sending)
				continue;
			ret = stream_send(c, st);
			if (ret <= 0)
				return ret;
			progress = 1;
		}
	} while (progress && c->nsending &&
		 !__atomic_load_n(&stopping, __ATOMIC_RELAXED));
	return 0;
}

/* The error code and reason the connection closes with, on close(). */
static void conn_set_close(struct hq_conn *c, uint32_t code, const char *why)
{
	struct {
		struct quic_connection_close c;
		char phrase[80];
	} cc = { .c.errcode = code };
	size_t n = strnlen(why, sizeof(cc.phrase) - 1);

	memcpy(cc.c.phrase, why, n);
	cc.c.phrase[n] = '\0';
	setsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
		   offsetof(struct quic_connection_close, phrase) + n + 1);
}

/*
 * Told to stop: close at once instead of waiting (up to seconds) for the
 * data in flight, and tell the client why.
 */
static void conn_abort(struct hq_conn *c)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	conn_set_close(c, HQ_ERR_SHUTDOWN, "server shutting down");
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

/* Returns when the connection is over, or (true) when told to stop. */
static bool conn_serve(struct hq_conn *c)
{
	struct pollfd pfd[2] = {
		{ .fd = c->fd },
		{ .fd = stop_fd, .events = POLLIN },
	};
	char eb[64];
	int ret;

	for (;;) {
		pfd[0].events = POLLIN | (c->nsending ? POLLOUT : 0);
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			logmsg("%s: poll: %s", c->peer,
			       errstr(errno, eb, sizeof(eb)));
			return false;
		}
		if (pfd[1].revents)
			return true;
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ret = conn_read(c, &hq_input);
			if (ret <= 0)
				return false;
		}
		if (c->nsending && (pfd[0].revents & POLLOUT)) {
			if (conn_write(c) < 0)
				return false;
		}
		streams_reap(c);
	}
}

/* ---- HTTP/3 (RFC 9114) ------------------------------------------------- */

#define H3_NV(n, v, vlen) {						\
	.name = (uint8_t *)(n), .value = (uint8_t *)(v),		\
	.namelen = sizeof(n) - 1, .valuelen = (vlen),			\
	.flags = NGHTTP3_NV_FLAG_NONE,					\
}

/*
 * RFC 9114 section 8: an HTTP/3 connection error closes the connection
 * with its code, in an application CONNECTION_CLOSE (the kernel takes
 * 0x100-0x1ff for a TLS alert only during the handshake).
 */
static void h3_fail(struct hq_conn *c, int err)
{
	uint64_t code = h3_close_code(err);

	logmsg("%s: HTTP/3 error: %s, closing the connection (0x%llx)",
	       c->peer, nghttp3_strerror(err), (unsigned long long)code);
	conn_set_close(c, code, nghttp3_strerror(err));
}

/* nghttp3 asks for STOP_SENDING or RESET_STREAM (RFC 9114 section 4.1.1). */
static int h3_stream_abort(struct hq_conn *c, int opt, int64_t id,
			   uint64_t code)
{
	struct quic_errinfo ei = { .stream_id = id, .errcode = code };
	char eb[64];

	if (setsockopt(c->fd, SOL_QUIC, opt, &ei, sizeof(ei)))
		vlog("%s stream %lld: %s: %s", c->peer, (long long)id,
		     opt == QUIC_SOCKOPT_STREAM_RESET ? "reset" :
		     "stop sending", errstr(errno, eb, sizeof(eb)));
	return 0;
}

static int h3_stop_sending(nghttp3_conn *h3 __maybe_unused, int64_t id,
			   uint64_t code, void *user,
			   void *sdata __maybe_unused)
{
	return h3_stream_abort(user, QUIC_SOCKOPT_STREAM_STOP_SENDING, id,
			       code);
}

static int h3_reset_stream(nghttp3_conn *h3 __maybe_unused, int64_t id,
			   uint64_t code, void *user,
			   void *sdata __maybe_unused)
{
	return h3_stream_abort(user, QUIC_SOCKOPT_STREAM_RESET, id, code);
}

/* RFC 9114 section 4.1: a request starts with its HEADERS frame. */
static int h3_begin_headers(nghttp3_conn *h3, int64_t id, void *user,
			    void *sdata)
{
	struct hq_stream *st;

	if (sdata)
		return 0;
	st = stream_get(user, id);
	if (!st)
		return NGHTTP3_ERR_CALLBACK_FAILURE;
	return nghttp3_conn_set_stream_user_data(h3, id, st) ?
	       NGHTTP3_ERR_CALLBACK_FAILURE : 0;
}

/* RFC 9114 section 4.3.1: of the request, a file server needs two fields. */
static int h3_recv_header(nghttp3_conn *h3 __maybe_unused,
			  int64_t id __maybe_unused, int32_t token,
			  nghttp3_rcbuf *name __maybe_unused,
			  nghttp3_rcbuf *value, uint8_t flags __maybe_unused,
			  void *user __maybe_unused, void *sdata)
{
	nghttp3_vec v = nghttp3_rcbuf_get_buf(value);
	struct hq_stream *st = sdata;

	if (!st)
		return 0;
	switch (token) {
	case NGHTTP3_QPACK_TOKEN__METHOD:
		snprintf(st->method, sizeof(st->method), "%.*s", (int)v.len,
			 (const char *)v.base);
		break;
	case NGHTTP3_QPACK_TOKEN__PATH:
		if (v.len > HQ_REQUEST_MAX || memchr(v.base, '\0', v.len)) {
			st->status = HQ_ERR_BAD_REQUEST;
			break;
		}
		memcpy(st->req, v.base, v.len);
		st->req[v.len] = '\0';
		st->req_len = v.len;
		break;
	}
	return 0;
}

/* The response body: the whole mapped file at once, and its end. */
static nghttp3_ssize h3_read_data(nghttp3_conn *h3 __maybe_unused,
				  int64_t id __maybe_unused, nghttp3_vec *vec,
				  size_t veccnt, uint32_t *pflags,
				  void *user __maybe_unused, void *sdata)
{
	struct hq_stream *st = sdata;
	nghttp3_ssize n = 0;

	if (st->map && veccnt && !st->done) {
		vec[0].base = st->map;
		vec[0].len = st->size;
		n = 1;
	}
	*pflags |= NGHTTP3_DATA_FLAG_EOF;
	st->done = true;
	return n;
}

/*
 * RFC 9114 section 4.1: HEADERS with the status, and the file as DATA
 * (@body), or nothing. content-length is the file's size for a 200,
 * HEAD included (RFC 9110 section 8.6), else 0.
 */
static int h3_submit(struct hq_conn *c, struct hq_stream *st, int status,
		     bool body)
{
	static const nghttp3_data_reader dr = { .read_data = h3_read_data };
	char code[16], len[24];
	nghttp3_nv nv[3] = {
		H3_NV(":status", code, 3),
		H3_NV("content-length", len, 0),
		/* RFC 9110 section 15.5.6: a 405 says what is allowed. */
		H3_NV("allow", "GET, HEAD", 9),
	};
	int ret;

	snprintf(code, sizeof(code), "%03d", status);
	nv[1].valuelen = snprintf(len, sizeof(len), "%lld",
				  status == 200 ? (long long)st->size : 0LL);
	st->status = status;
	st->answered = true;
	ret = nghttp3_conn_submit_response(c->h3, st->id, nv,
					   status == HQ_ERR_METHOD ? 3 : 2,
					   body ? &dr : NULL);
	if (!body)
		st->done = true;
	if (ret)
		logmsg("%s stream %lld: cannot respond: %s", c->peer,
		       (long long)st->id, nghttp3_strerror(ret));
	return ret;
}

/* The file of a GET or HEAD, mapped for the body; 0 or the status. */
static int h3_open_file(struct hq_conn *c, struct hq_stream *st, bool head)
{
	char rel[PATH_MAX], eb[64];
	struct stat sb;
	int code, fd;

	code = request_path(st->req, rel, sizeof(rel));
	if (code)
		return code;
	fd = open_beneath(rel);
	if (fd < 0)
		return HQ_ERR_NOT_FOUND;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return HQ_ERR_NOT_FOUND;
	}
	st->size = sb.st_size;
	/*
	 * Mapped, so that nghttp3 sends straight from the page cache; the
	 * file must not shrink meanwhile (sendmsg() would fail, EFAULT).
	 */
	if (!head && st->size) {
		st->map = mmap(NULL, st->size, PROT_READ, MAP_SHARED, fd, 0);
		if (st->map == MAP_FAILED) {
			logmsg("%s stream %lld: mmap %s: %s", c->peer,
			       (long long)st->id, st->path,
			       errstr(errno, eb, sizeof(eb)));
			st->map = NULL;
			st->size = 0;
			code = HQ_ERR_INTERNAL;
		}
	}
	close(fd);
	return code;
}

/* A complete request (RFC 9114 section 4.1): choose the response. */
static int h3_respond(struct hq_conn *c, struct hq_stream *st)
{
	bool head = !strcmp(st->method, "HEAD");
	int code = st->status;

	snprintf(st->path, sizeof(st->path), "%.*s",
		 (int)sizeof(st->path) - 1, st->req);
	/* RFC 9110 section 9.1: GET and HEAD are all a server must do. */
	if (!head && strcmp(st->method, "GET"))
		code = HQ_ERR_METHOD;
	if (!code)
		code = h3_open_file(c, st, head);
	if (code) {
		vlog("%s stream %lld: %s %s: %d", c->peer, (long long)st->id,
		     st->method, st->path, code);
		return h3_submit(c, st, code, false);
	}
	vlog("%s stream %lld: %s %s: 200, %lld bytes", c->peer,
	     (long long)st->id, st->method, st->path, (long long)st->size);
	return h3_submit(c, st, 200, !head);
}

static int h3_end_stream(nghttp3_conn *h3 __maybe_unused,
			 int64_t id __maybe_unused, void *user, void *sdata)
{
	struct hq_stream *st = sdata;

	if (!st)
		return 0;
	st->req_fin = true;
	return h3_respond(user, st) ? NGHTTP3_ERR_CALLBACK_FAILURE : 0;
}

/* nghttp3 forgets a stream: so do we. */
static int h3_stream_close(nghttp3_conn *h3 __maybe_unused,
			   int64_t id __maybe_unused,
			   uint64_t code __maybe_unused, void *user,
			   void *sdata)
{
	struct hq_stream *st = sdata, **pp;
	struct hq_conn *c = user;

	if (!st)
		return 0;
	pp = stream_slot(c, st->id);
	if (*pp == st)
		*pp = st->next;
	stream_finish(c, st);
	free(st);
	return 0;
}

/*
 * After a flush that left nothing unsent, every response whose end
 * nghttp3 handed out went with its FIN: close those streams (their
 * requests are complete too), which frees them. Returns how many.
 */
static int h3_reap(struct hq_conn *c)
{
	struct hq_stream *st, *next;
	int n = 0;

	for (st = c->streams; st; st = next) {
		next = st->next;
		if (st->closing || !st->req_fin || !(st->done || st->aborted))
			continue;
		if (st->done && !st->aborted && st->status == 200)
			c->served++;
		st->closing = true;
		h3_stream_done(c->h3, st->id);
		n++;
	}
	return n;
}

/*
 * A stream was reset (QUIC_EVENT_STREAM_UPDATE). Our side (the client's
 * STOP_SENDING, or h3_reset_stream()): nghttp3 must send no more on it.
 * The client's side, a request cancelled before it was complete (RFC
 * 9114 section 4.1.1): nothing more comes, so no response goes either;
 * the stream is closed, which on a critical stream is a connection error
 * (section 6.2.1). Returns 0 or a fatal nghttp3 error.
 */
static int h3_event(struct hq_conn *c, const unsigned char *ev, size_t n)
{
	struct quic_stream_update u;
	struct hq_stream *st;
	int ret;

	if (n < 1 + sizeof(u) || ev[0] != QUIC_EVENT_STREAM_UPDATE)
		return 0;
	memcpy(&u, ev + 1, sizeof(u));
	st = *stream_slot(c, u.id);
	if (u.state == QUIC_STREAM_SEND_STATE_RESET_SENT ||
	    u.state == QUIC_STREAM_SEND_STATE_RESET_RECVD) {
		nghttp3_conn_shutdown_stream_write(c->h3, u.id);
		if (st)
			st->aborted = true;
		return 0;
	}
	if (u.state != QUIC_STREAM_RECV_STATE_RESET_RECVD)
		return 0;
	vlog("%s stream %lld: reset by the client (0x%x)", c->peer,
	     (long long)u.id, u.errcode);
	if (!(u.id & QUIC_STREAM_TYPE_UNI_MASK))
		h3_stream_abort(c, QUIC_SOCKOPT_STREAM_RESET, u.id,
				NGHTTP3_H3_REQUEST_CANCELLED);
	ret = nghttp3_conn_close_stream(c->h3, u.id, u.errcode);
	return ret == NGHTTP3_ERR_STREAM_NOT_FOUND ? 0 : ret;
}

/* HTTP/3: stream data and reset events go to nghttp3. */
static int h3_data(struct hq_conn *c, int64_t id, const void *buf, size_t n,
		   bool fin)
{
	int ret = h3_input(c->h3, id, buf, n, fin);

	if (ret)
		h3_fail(c, ret);
	return ret ? -1 : 0;
}

static int h3_notify(struct hq_conn *c, const unsigned char *ev, size_t n)
{
	int ret = h3_event(c, ev, n);

	if (ret)
		h3_fail(c, ret);
	return ret ? -1 : 0;
}

static const struct conn_input h3_conn_input = {
	.data = h3_data,
	.event = h3_notify,
};

/* Send what nghttp3 has. Returns 0, or -1 when the connection is over. */
static int h3_send(struct hq_conn *c)
{
	char eb[64];
	int ret;

	while (!(ret = h3_flush(c->h3, c->fd)) && h3_reap(c))
		;
	c->h3_blocked = ret == 1;
	if (ret >= 0)
		return 0;
	if (ret != -1)
		h3_fail(c, ret);
	else if (errno == ENOTCONN || errno == ECONNRESET || errno == EPIPE)
		vlog("%s: the connection closed while sending", c->peer);
	else
		logmsg("%s: sendmsg: %s", c->peer,
		       errstr(errno, eb, sizeof(eb)));
	return -1;
}

/*
 * The HTTP/3 connection: our control and QPACK streams (RFC 9114 section
 * 6.2), and stream reset events. Returns 0 or -1.
 */
static int h3_setup(struct hq_conn *c)
{
	static const nghttp3_callbacks cb = {
		.stream_close = h3_stream_close,
		.begin_headers = h3_begin_headers,
		.recv_header = h3_recv_header,
		.stop_sending = h3_stop_sending,
		.end_stream = h3_end_stream,
		.reset_stream = h3_reset_stream,
	};
	struct quic_event_option ev = {
		.type = QUIC_EVENT_STREAM_UPDATE, .on = 1,
	};
	nghttp3_settings set;
	char eb[64];
	int ret;

	if (setsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev, sizeof(ev))) {
		logmsg("%s: QUIC_SOCKOPT_EVENT: %s", c->peer,
		       errstr(errno, eb, sizeof(eb)));
		return -1;
	}
	nghttp3_settings_default(&set);
	ret = nghttp3_conn_server_new(&c->h3, &cb, &set, NULL, c);
	if (ret) {
		c->h3 = NULL;
	} else {
		nghttp3_conn_set_max_client_streams_bidi(c->h3,
							 H3_MAX_CLIENT_BIDI);
		ret = h3_open_streams(c->h3, true);
	}
	if (ret)
		logmsg("%s: HTTP/3 set-up: %s", c->peer, nghttp3_strerror(ret));
	return ret ? -1 : 0;
}

/* conn_serve() for HTTP/3. */
static bool h3_serve(struct hq_conn *c)
{
	struct pollfd pfd[2] = {
		{ .fd = c->fd },
		{ .fd = stop_fd, .events = POLLIN },
	};
	char eb[64];

	if (h3_setup(c) || h3_send(c))
		return false;
	for (;;) {
		pfd[0].events = POLLIN | (c->h3_blocked ? POLLOUT : 0);
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			logmsg("%s: poll: %s", c->peer,
			       errstr(errno, eb, sizeof(eb)));
			return false;
		}
		if (pfd[1].revents)
			return true;
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    conn_read(c, &h3_conn_input) <= 0)
			return false;
		if (h3_send(c))
			return false;
	}
}

static void *conn_thread(void *arg)
{
	struct hq_conn *c = arg;
	struct quic_handshake_opts o = {
		.cert_file = cfg.cert,
		.pkey_file = cfg.key,
		.alpns = cfg.alpn,
		.timeout_ms = HQ_HANDSHAKE_MS,
		.ciphers = cfg.ciphers,
	};
	char eb[64], alpn[256] = "";
	socklen_t len = sizeof(alpn) - 1;
	bool h3;
	int ret;

	ret = quic_server_handshake_opts(c->fd, &o);
	if (ret) {
		/* libquic printed the TLS details already. */
		logmsg("%s: handshake failed: %s", c->peer,
		       errstr(-ret, eb, sizeof(eb)));
		goto out;
	}
	/* The protocol the handshake chose (RFC 9001 section 8.1). */
	if (getsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, alpn, &len))
		len = 0;
	alpn[len] = '\0';
	h3 = !strcmp(alpn, H3_ALPN);
	vlog("%s: connected, ALPN %s", c->peer, len ? alpn : "(none)");
	c->buf = malloc(HQ_CHUNK);
	if (!c->buf) {
		logmsg("%s: out of memory", c->peer);
		goto out;
	}
	if (h3 ? h3_serve(c) : conn_serve(c))
		conn_abort(c);
	vlog("%s: closed, %lu responses sent", c->peer, c->served);
out:
	/* No callbacks from nghttp3 now: the streams are freed below. */
	if (c->h3)
		nghttp3_conn_del(c->h3);
	streams_free(c);
	free(c->buf);
	close(c->fd);
	free(c);
	pthread_mutex_lock(&conns_lock);
	nconns--;
	pthread_cond_broadcast(&conns_cond);
	pthread_mutex_unlock(&conns_lock);
	return NULL;
}

/* ---- set-up ------------------------------------------------------------ */

static void start_conn(int fd, const struct sockaddr *peer)
{
	struct hq_conn *c;
	pthread_attr_t attr;
	pthread_t t;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c) {
		logmsg("out of memory for a new connection");
		close(fd);
		return;
	}
	c->fd = fd;
	addr_name(peer, c->peer, sizeof(c->peer));
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_mutex_lock(&conns_lock);
	nconns++;
	pthread_mutex_unlock(&conns_lock);
	err = pthread_create(&t, &attr, conn_thread, c);
	pthread_attr_destroy(&attr);
	if (err) {
		char eb[64];

		logmsg("%s: cannot start a thread: %s", c->peer,
		       errstr(err, eb, sizeof(eb)));
		pthread_mutex_lock(&conns_lock);
		nconns--;
		pthread_mutex_unlock(&conns_lock);
		close(fd);
		free(c);
	}
}

/* Take every connection that is waiting: each retransmitted Initial of
 * a waiting client sits in the same queue until accept() runs.
 */
static void accept_all(int lfd)
{
	struct sockaddr_storage peer;
	socklen_t len;
	char eb[64];
	int fd;

	for (;;) {
		len = sizeof(peer);
		fd = accept4(lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			logmsg("accept: %s", errstr(errno, eb, sizeof(eb)));
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOMEM || errno == ENOBUFS)
				usleep(100000);	/* let connections end */
			return;
		}
		start_conn(fd, (struct sockaddr *)&peer);
	}
}

/* Wait a little for the connections to close after a stop. */
static void wait_conns(void)
{
	struct timespec end;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += HQ_STOP_WAIT_MS / 1000;
	pthread_mutex_lock(&conns_lock);
	while (nconns &&
	       !pthread_cond_timedwait(&conns_cond, &conns_lock, &end))
		;
	if (nconns)
		logmsg("%u connections still closing at exit", nconns);
	pthread_mutex_unlock(&conns_lock);
}

/* The certificate and key, checked once now rather than per client. */
static int check_credentials(void)
{
	gnutls_certificate_credentials_t cred;
	const char * const files[] = { cfg.cert, cfg.key };
	static const char * const opts[] = { "--cert", "--key" };
	char eb[64];
	unsigned int i;
	int fd, ret;

	for (i = 0; i < 2; i++) {
		fd = open(files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			logmsg("%s %s: %s", opts[i], files[i],
			       errstr(errno, eb, sizeof(eb)));
			return -1;
		}
		close(fd);
	}
	if (gnutls_certificate_allocate_credentials(&cred))
		return -1;
	ret = gnutls_certificate_set_x509_key_file(cred, cfg.cert, cfg.key,
						   GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cred);
	if (ret < 0) {
		logmsg("certificate %s with key %s: %s", cfg.cert, cfg.key,
		       gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

/* RFC 9000 section 8.1.2: new clients prove their address first. */
static int set_retry(int fd)
{
	struct quic_config c = { .validate_peer_address = 1 };

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

/* --quic-version: the version the listener prefers (RFC 9368). */
static int set_version(int fd)
{
	struct quic_config c;
	socklen_t len = sizeof(c);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len))
		return -1;
	c.version = cfg.version;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, len);
}

/* RFC 9000 section 4.6: how many request streams a client may open. */
static int set_max_streams(int fd)
{
	struct quic_transport_param p;
	socklen_t len = sizeof(p);

	memset(&p, 0, sizeof(p));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		return -1;
	p.max_streams_bidi = cfg.max_streams;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, len);
}

/* RFC 9000 section 9.6: the address clients are asked to move to. */
static int set_preferred(int fd, int family)
{
	struct addrinfo hints = {
		.ai_family = family,
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	}, *res;
	char spec[512], *host, *port, eb[64];
	int ret;

	snprintf(spec, sizeof(spec), "%s", cfg.preferred);
	if (split_hostport(spec, &host, &port) || !host) {
		logmsg("--preferred-address %s: want ADDR:PORT or [ADDR]:PORT",
		       cfg.preferred);
		return -1;
	}
	ret = getaddrinfo(host, port, &hints, &res);
	if (ret) {
		logmsg("--preferred-address %s: %s", cfg.preferred,
		       ret == EAI_SYSTEM ? errstr(errno, eb, sizeof(eb)) :
		       gai_strerror(ret));
		return -1;
	}
	ret = setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION,
			 res->ai_addr, res->ai_addrlen);
	if (ret)
		logmsg("--preferred-address %s: %s", cfg.preferred,
		       errstr(errno, eb, sizeof(eb)));
	freeaddrinfo(res);
	return ret ? -1 : 0;
}

static int listen_socket(void)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	}, *res, *ai;
	char spec[512], *host, *port, name[INET6_ADDRSTRLEN + 16], eb[64];
	int fd = -1, ret, err = 0;

	snprintf(spec, sizeof(spec), "%s", cfg.listen);
	if (split_hostport(spec, &host, &port)) {
		logmsg("--listen %s: want ADDR:PORT or [ADDR]:PORT",
		       cfg.listen);
		return -1;
	}
	ret = getaddrinfo(host, port, &hints, &res);
	if (ret) {
		logmsg("--listen %s: %s", cfg.listen,
		       ret == EAI_SYSTEM ? errstr(errno, eb, sizeof(eb)) :
		       gai_strerror(ret));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		addr_name(ai->ai_addr, name, sizeof(name));
		fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC,
			    IPPROTO_QUIC);
		if (fd < 0) {
			err = errno;
			logmsg("socket(IPPROTO_QUIC): %s%s",
			       errstr(err, eb, sizeof(eb)),
			       err == EPROTONOSUPPORT || err == EAFNOSUPPORT ?
			       " (is the quic module loaded?)" : "");
			continue;
		}
		if (cfg.retry && set_retry(fd)) {
			err = errno;
			logmsg("QUIC_SOCKOPT_CONFIG validate_peer_address: %s",
			       errstr(err, eb, sizeof(eb)));
		} else if (cfg.version && set_version(fd)) {
			err = errno;
			logmsg("QUIC_SOCKOPT_CONFIG version: %s",
			       errstr(err, eb, sizeof(eb)));
		} else if (cfg.max_streams && set_max_streams(fd)) {
			err = errno;
			logmsg("QUIC_SOCKOPT_TRANSPORT_PARAM max_streams_bidi: %s",
			       errstr(err, eb, sizeof(eb)));
		} else if (bind(fd, ai->ai_addr, ai->ai_addrlen)) {
			err = errno;
			logmsg("bind %s: %s", name,
			       errstr(err, eb, sizeof(eb)));
		} else if (listen(fd, 128)) {
			err = errno;
			logmsg("listen %s: %s", name,
			       errstr(err, eb, sizeof(eb)));
		} else if (cfg.preferred && set_preferred(fd, ai->ai_family)) {
			err = EINVAL;
		} else if (fcntl(fd, F_SETFL, O_NONBLOCK)) {
			err = errno;
			logmsg("fcntl: %s", errstr(err, eb, sizeof(eb)));
		} else {
			break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		printf("quic-server: listening on %s, serving %s (ALPN %s)\n",
		       name, cfg.root, cfg.alpn);
	return fd;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen",	required_argument, NULL, 'l' },
		{ "cert",	required_argument, NULL, 'c' },
		{ "key",	required_argument, NULL, 'k' },
		{ "root",	required_argument, NULL, 'r' },
		{ "alpn",	required_argument, NULL, 'a' },
		{ "retry",	no_argument,	   NULL, 'R' },
		{ "preferred-address", required_argument, NULL, 'P' },
		{ "cipher",	required_argument, NULL, 'C' },	/* long only */
		{ "max-streams", required_argument, NULL, 'S' },	/* long only */
		{ "quic-version", required_argument, NULL, 'V' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "help",	no_argument,	   NULL, 'h' },
		{}
	};
	char eb[64], spec[512], *host, *port;
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	sigset_t sigs;
	int lfd, sfd, c;

	while ((c = getopt_long(argc, argv, "l:c:k:r:a:RP:V:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			cfg.listen = optarg;
			break;
		case 'c':
			cfg.cert = optarg;
			break;
		case 'k':
			cfg.key = optarg;
			break;
		case 'r':
			cfg.root = optarg;
			break;
		case 'a':
			cfg.alpn = optarg;
			break;
		case 'R':
			cfg.retry = 1;
			break;
		case 'C':
			cfg.ciphers = optarg;
			break;
		case 'S': {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-' ||
			    !v || v > 65535) {
				logmsg("--max-streams: want 1 to 65535, not '%s'",
				       optarg);
				return 2;
			}
			cfg.max_streams = v;
			break;
		}
		case 'V':
			if (!strcmp(optarg, "1")) {
				cfg.version = QUIC_VERSION_V1;
			} else if (!strcmp(optarg, "2")) {
				cfg.version = QUIC_VERSION_V2;
			} else {
				logmsg("--quic-version: want 1 or 2, not '%s'",
				       optarg);
				return 2;
			}
			break;
		case 'P':
			cfg.preferred = optarg;
			break;
		case 'v':
			cfg.verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !cfg.listen || !cfg.cert || !cfg.key ||
	    !cfg.root) {
		if (optind < argc)
			logmsg("unexpected argument '%s'", argv[optind]);
		else
			logmsg("--listen, --cert, --key and --root are needed");
		usage(stderr);
		return 2;
	}
	if (!*cfg.alpn || strlen(cfg.alpn) > 255) {
		logmsg("--alpn: want a list of 1 to 255 characters");
		return 2;
	}
	if (strlen(cfg.listen) >= sizeof(spec) ||
	    split_hostport(strcpy(spec, cfg.listen), &host, &port)) {
		logmsg("--listen %s: want ADDR:PORT or [ADDR]:PORT", cfg.listen);
		return 2;
	}
	/* Log lines must reach a log file as they happen. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	quic_set_log_level(cfg.verbose > 1 ? LOG_DEBUG : LOG_ERR);

	root_fd = open(cfg.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		logmsg("--root %s: %s", cfg.root, errstr(errno, eb, sizeof(eb)));
		return 1;
	}
	if (check_credentials())
		return 1;

	/* Signals arrive through a signalfd, in the accept loop only. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	stop_fd = eventfd(0, EFD_CLOEXEC);
	if (sfd < 0 || stop_fd < 0) {
		logmsg("signalfd/eventfd: %s", errstr(errno, eb, sizeof(eb)));
		return 1;
	}
	lfd = listen_socket();
	if (lfd < 0)
		return 1;

	pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			logmsg("poll: %s", errstr(errno, eb, sizeof(eb)));
			return 1;
		}
		if (pfd[1].revents & POLLIN)
			break;
		if (pfd[0].revents & (POLLERR | POLLNVAL)) {
			logmsg("the listening socket failed");
			return 1;
		}
		if (pfd[0].revents & POLLIN)
			accept_all(lfd);
	}
	if (read(sfd, &si, sizeof(si)) == sizeof(si))
		printf("quic-server: %s, shutting down\n",
		       strsignal(si.ssi_signo));
	close(lfd);
	/* Wake every connection thread: they close their sockets. */
	__atomic_store_n(&stopping, true, __ATOMIC_RELAXED);
	if (write(stop_fd, &(uint64_t){ 1 }, sizeof(uint64_t)) < 0)
		logmsg("eventfd: %s", errstr(errno, eb, sizeof(eb)));
	wait_conns();
	return 0;
}
