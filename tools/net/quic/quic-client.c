// SPDX-License-Identifier: GPL-2.0
/*
 * quic-client: fetch files over in-kernel QUIC with HTTP/3 ("h3", RFC
 * 9114, framing and QPACK by libnghttp3) or HTTP/0.9 ("hq-interop"),
 * whichever ALPN the server chose. All URLs name one server; they share
 * one connection, each on a bidirectional stream of its own. The
 * requests are sent first, then the responses are read as they come,
 * whatever their stream, and saved to OUTPUT/<basename>. Prints the
 * size, time and rate of each file and of the whole.
 *
 * A response is complete when its stream ends with FIN (HTTP/3: after a
 * 200 response); a stream the server resets (quic-server does so for a
 * missing file in HTTP/0.9), another HTTP/3 status or a connection that
 * ends first is a failure, and so is the exit status.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <netinet/quic.h>
#include "h3.h"

#define HQ_BUF			(256 * 1024)
#define HQ_REQUEST_MAX		4000	/* path; quic-server takes 4096 */
#define HQ_RECV_BATCH		64
#define HQ_HANDSHAKE_MS		10000
#define HQ_RETRY_MS		20	/* waiting for stream credit */
#define HQ_ERR_ABORT		1	/* our CONNECTION_CLOSE on failure */

struct fetch {
	const char	*url;
	char		*path;		/* sent as is, as the URL has it */
	char		*out;		/* OUTPUT/<basename> */
	int		fd;
	int64_t		sid;
	uint64_t	bytes;
	struct timespec	start;
	struct timespec	end;
	bool		created;	/* we made (truncated) @out */
	bool		sent;
	bool		done;
	bool		failed;
	bool		closed;		/* HTTP/3: nghttp3 let go of it */
	int		status;		/* HTTP/3: the response's :status */
};

static struct {
	const char	*ca;
	const char	*output;
	const char	*alpn;
	const char	*session;
	const char	*ciphers;
	uint32_t	version;
	uint64_t	key_update;	/* bytes between key updates */
	const char	*migrate;	/* local address to move to */
	uint64_t	migrate_after;	/* bytes received before moving */
	int		zerortt;
	int		insecure;
	int		verbose;
} cfg = { .output = ".", .alpn = "hq-interop", .migrate_after = 1 << 20 };

static struct fetch *fetches;
static unsigned int nfetch;
static char *host, *port;
static int status;	/* exit status */
static uint64_t received, next_update;	/* bytes: all files, key update */
static unsigned int nopen, open_max;	/* output files open, at most */
static unsigned int key_updates;
static bool key_update_failed;
static bool migrated;
static bool http3;		/* the ALPN is "h3" */
static nghttp3_conn *h3;
static unsigned int h3_window;	/* requests in progress, at most */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: quic-client [--ca FILE | --insecure] [--output DIR] [--alpn LIST]\n"
"                   [--session FILE [--0rtt]] [--cipher LIST]\n"
"                   [--quic-version 1|2] [--key-update BYTES]\n"
"                   [--migrate ADDR [--migrate-after BYTES]] [-v] URL...\n"
"Fetch https://HOST:PORT/path URLs of one server over one QUIC connection,\n"
"each on its own stream, in parallel, with HTTP/3 (ALPN h3) or HTTP/0.9\n"
"(hq-interop), whichever the server chose of the ALPN list.\n"
"\n"
"  -C, --ca FILE      trust the PEM CA certificates of FILE (default: the\n"
"                     system's trust store)\n"
"  -k, --insecure     do not verify the server's certificate\n"
"  -o, --output DIR   save each file as DIR/<basename of its path>\n"
"                     (default .)\n"
"  -a, --alpn LIST    comma-separated ALPN list, in order of preference:\n"
"                     h3, hq-interop (default hq-interop)\n"
"  -s, --session FILE resume the TLS session saved in FILE if it holds one,\n"
"                     then save this connection's there; prints whether\n"
"                     the session was resumed\n"
"  -0, --0rtt         with --session: send the requests as 0-RTT early data\n"
"                     when resuming; prints whether the server took them\n"
"  -c, --cipher LIST  offer only these TLS ciphers, colon-separated:\n"
"                     AES-128-GCM, AES-256-GCM, CHACHA20-POLY1305\n"
"  -V, --quic-version N  offer QUIC version 1 (RFC 9000, default) or 2\n"
"                     (RFC 9369)\n"
"  -u, --key-update BYTES  update the 1-RTT keys after every BYTES received\n"
"                     (RFC 9001 section 6); prints how many updates went\n"
"  -m, --migrate ADDR move the connection to local address ADDR (RFC 9000\n"
"                     section 9) once --migrate-after bytes arrived\n"
"  -M, --migrate-after BYTES  (default 1048576)\n"
"  -v, --verbose      more detail (twice: libquic's handshake log)\n"
"  -h, --help         this text\n"
"\n"
"Exit status 0 when every file arrived complete, 1 otherwise, 2 for\n"
"bad usage.\n");
}

static void err_msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void err_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("quic-client: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static double mbits(uint64_t bytes, double secs)
{
	return secs > 0 ? bytes * 8 / secs / 1e6 : 0;
}

/*
 * https://HOST[:PORT][/path]; HOST may be [v6]. Fills @h and @p (to be
 * freed) and returns the path, or NULL.
 */
static char *parse_url(const char *url, char **h, char **p)
{
	const char *s, *end, *path;
	size_t hlen;

	if (strncasecmp(url, "https://", 8))
		return NULL;
	s = url + 8;
	if (*s == '[') {
		end = strchr(s, ']');
		if (!end)
			return NULL;
		*h = strndup(s + 1, end - s - 1);
		end++;
	} else {
		hlen = strcspn(s, ":/?#");
		end = s + hlen;
		*h = strndup(s, hlen);
	}
	if (!*h)
		return NULL;
	if (!**h)
		goto bad;
	if (*end == ':') {
		size_t plen = strspn(end + 1, "0123456789");

		if (!plen || plen > 5 || (end[1 + plen] && end[1 + plen] != '/'))
			goto bad;
		*p = strndup(end + 1, plen);
		end += 1 + plen;
	} else if (!*end || *end == '/') {
		*p = strdup("443");
	} else {
		goto bad;
	}
	path = *end ? end : "/";
	/* The request line must stay one line. */
	if (strpbrk(path, " \r\n\t")) {
		free(*p);
		goto bad;
	}
	/* A fragment is the client's business, never sent. */
	return strndup(path, strcspn(path, "#"));
bad:
	free(*h);
	return NULL;
}

/* OUTPUT/<basename of the path>, without the query; index.html for "/". */
static char *out_name(const char *path)
{
	char *copy = strndup(path, strcspn(path, "?")), *base, *name;

	if (!copy)
		return NULL;
	base = basename(copy);
	if (!*base || !strcmp(base, "/") || !strcmp(base, ".") ||
	    !strcmp(base, ".."))
		base = "index.html";
	if (asprintf(&name, "%s/%s", cfg.output, base) < 0)
		name = NULL;
	free(copy);
	return name;
}

static int setup_fetches(char **urls, unsigned int n)
{
	unsigned int i, j;

	fetches = calloc(n, sizeof(*fetches));
	if (!fetches)
		return -1;
	for (i = 0; i < n; i++) {
		struct fetch *f = &fetches[i];
		char *h, *p;

		f->url = urls[i];
		f->fd = -1;
		f->sid = 4 * (int64_t)i;	/* client bidi streams, in order */
		f->path = parse_url(urls[i], &h, &p);
		if (!f->path) {
			err_msg("%s: not an https://HOST:PORT/path URL",
				urls[i]);
			return -1;
		}
		if (strlen(f->path) > HQ_REQUEST_MAX) {
			err_msg("%s: the path is longer than %d bytes",
				urls[i], HQ_REQUEST_MAX);
			return -1;
		}
		if (!host) {
			host = h;
			port = p;
		} else {
			bool same = !strcasecmp(h, host) && !strcmp(p, port);

			free(h);
			free(p);
			if (!same) {
				err_msg("%s: all URLs must name the same server as %s",
					urls[i], urls[0]);
				return -1;
			}
		}
		f->out = out_name(f->path);
		if (!f->out)
			return -1;
		for (j = 0; j < i; j++) {
			if (strcmp(fetches[j].out, f->out))
				continue;
			err_msg("%s and %s would both be saved as %s",
				fetches[j].url, f->url, f->out);
			return -1;
		}
	}
	nfetch = n;
	return 0;
}

/* Why the connection ended, from the peer's CONNECTION_CLOSE. */
static void explain_close(int fd)
{
	struct {
		struct quic_connection_close c;
		char phrase[256];
	} cc;
	socklen_t len = sizeof(cc) - 1;
	unsigned int code;

	memset(&cc, 0, sizeof(cc));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &len))
		return;
	code = cc.c.errcode;
	if (code >= QUIC_TRANSPORT_ERROR_CRYPTO && code <= 0x1ff) {
		const char *alert =
			gnutls_alert_get_name(code -
						 QUIC_TRANSPORT_ERROR_CRYPTO);

		err_msg("the server closed the connection with TLS alert %u (%s)%s",
			code - QUIC_TRANSPORT_ERROR_CRYPTO, alert ?: "?",
			code - QUIC_TRANSPORT_ERROR_CRYPTO ==
			GNUTLS_A_NO_APPLICATION_PROTOCOL ?
			": it speaks none of the ALPN protocols offered" : "");
		return;
	}
	if (code)
		err_msg("the connection was closed with error %#x%s%s", code,
			cc.c.phrase[0] ? ": " : "", (char *)cc.c.phrase);
}

/* --quic-version: what the client's Initial packets carry. */
static int set_version(int fd)
{
	struct quic_config qc;
	socklen_t len = sizeof(qc);

	if (!cfg.version)
		return 0;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &qc, &len))
		return -1;
	qc.version = cfg.version;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &qc, len);
}

static int connect_server(void)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICSERV,
	}, *res, *ai;
	int fd = -1, ret, err = 0;

	ret = getaddrinfo(host, port, &hints, &res);
	if (ret) {
		err_msg("%s: %s", host, ret == EAI_SYSTEM ? strerror(errno) :
			gai_strerror(ret));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC,
			    IPPROTO_QUIC);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (set_version(fd))
			err = errno;
		else if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		else
			err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		err_msg("connecting to %s port %s: %s%s", host, port,
			strerror(err),
			err == EPROTONOSUPPORT || err == EAFNOSUPPORT ?
			" (is the quic module loaded?)" : "");
	}
	return fd;
}

static int handshake(int fd)
{
	struct quic_handshake_opts o = {
		.hostname = host,
		.alpns = cfg.alpn,
		.ca_file = cfg.ca,
		.insecure = cfg.insecure,
		.timeout_ms = HQ_HANDSHAKE_MS,
		.session_file = cfg.session,
		.early_data = cfg.zerortt,
	};
	int resumed = 0, early = 0;
	struct quic_event_option ev = { QUIC_EVENT_STREAM_UPDATE, 1 };
	char alpn[256] = "";
	socklen_t len = sizeof(alpn) - 1;
	int ret;

	o.resumed = &resumed;
	o.early_accepted = &early;
	o.ciphers = cfg.ciphers;
	ret = quic_client_handshake_opts(fd, &o);
	if (ret) {
		/* libquic said what TLS found; add where and how it ended. */
		err_msg("handshake with %s port %s failed: %s", host, port,
			strerror(-ret));
		explain_close(fd);
		return -1;
	}
	if (cfg.session)
		printf("session: %s\n", resumed ? "resumed" : "new");
	if (cfg.zerortt && resumed)
		printf("0-RTT: %s\n", early ? "accepted" : "rejected");
	getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, alpn, &len);
	/* Requests sent in 0-RTT chose the protocol already. */
	if (h3 && strcmp(alpn, H3_ALPN)) {
		err_msg("the server chose ALPN %s, not the %s of the 0-RTT requests",
			alpn, H3_ALPN);
		return -1;
	}
	http3 = !strcmp(alpn, H3_ALPN);
	if (cfg.verbose) {
		struct quic_config qc = {};
		socklen_t qlen = sizeof(qc);

		/* The version in use: a server may have moved us (RFC 9368). */
		getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &qc, &qlen);
		fprintf(stderr,
			"quic-client: connected to %s port %s, ALPN %s, QUIC v%d\n",
			host, port, alpn, qc.version == QUIC_VERSION_V2 ? 2 : 1);
	}
	/* Resets reach us as stream update events (after the handshake:
	 * the handshake reads the socket itself and wants no events).
	 */
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev, sizeof(ev))) {
		err_msg("enabling stream events: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static struct fetch *fetch_of(int64_t sid)
{
	if (sid < 0 || (sid & 3) || (uint64_t)sid / 4 >= nfetch)
		return NULL;
	return &fetches[sid / 4];
}

static void fetch_fail(struct fetch *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		nopen--;
	}
	f->fd = -1;
	/* Nothing half-written stays behind looking like the file. */
	if (f->created)
		unlink(f->out);
	f->created = false;
	f->failed = true;
	status = 1;
}

/*
 * Each file in progress holds a descriptor: 1 when none is free (the
 * request waits), 0 when @f's output file is open, -1 on an error.
 */
static int fetch_open(struct fetch *f)
{
	if (f->fd >= 0)
		return 0;
	if (nopen >= open_max)
		return 1;
	f->fd = open(f->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		err_msg("%s: %s", f->out, strerror(errno));
		return -1;
	}
	f->created = true;
	nopen++;
	return 0;
}

/*
 * Send the requests not sent yet, in stream order. Returns the number
 * still waiting (for the server's stream credit), or -1 on an error.
 */
static int send_requests(int fd)
{
	unsigned int i, waiting = 0;
	char line[HQ_REQUEST_MAX + 8];

	for (i = 0; i < nfetch; i++) {
		struct fetch *f = &fetches[i];
		ssize_t n;
		int len, ret;

		if (f->sent || f->failed)
			continue;
		if (waiting) {
			waiting++;
			continue;
		}
		/* setup_fetches() made sure that the line fits. */
		len = snprintf(line, sizeof(line), "GET %s\r\n", f->path);
		ret = fetch_open(f);
		if (ret < 0)
			return -1;
		if (ret) {
			waiting++;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &f->start);
		n = quic_sendmsg(fd, line, len, f->sid,
				 MSG_STREAM_NEW | MSG_STREAM_FIN |
				 MSG_STREAM_DONTWAIT | MSG_DONTWAIT);
		if (n == len) {
			f->sent = true;
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			/* Out of streams (MAX_STREAMS) or buffer: later. */
			waiting++;
			continue;
		}
		err_msg("sending the request for %s: %s", f->url,
			n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return waiting;
}

static int write_all(struct fetch *f, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(f->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			err_msg("writing %s: %s", f->out, strerror(errno));
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

static void fetch_done(struct fetch *f)
{
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &f->end);
	f->done = true;
	nopen--;
	if (close(f->fd)) {
		f->fd = -1;
		err_msg("writing %s: %s", f->out, strerror(errno));
		fetch_fail(f);
		return;
	}
	f->fd = -1;
	secs = elapsed(&f->start, &f->end);
	printf("%s: %llu bytes in %.3f s, %.2f Mbit/s\n", f->out,
	       (unsigned long long)f->bytes, secs, mbits(f->bytes, secs));
}

static const char *reset_reason(uint32_t code)
{
	switch (code) {
	case 400:
		return " (bad request)";
	case 404:
		return " (not found)";
	case 500:
		return " (server error)";
	default:
		return "";
	}
}

static void on_event(const unsigned char *buf, ssize_t n)
{
	struct quic_stream_update u;
	struct fetch *f;

	if (n < 1 + (ssize_t)sizeof(u) || buf[0] != QUIC_EVENT_STREAM_UPDATE)
		return;
	memcpy(&u, buf + 1, sizeof(u));
	if (u.state != QUIC_STREAM_RECV_STATE_RESET_RECVD)
		return;
	f = fetch_of(u.id);
	if (!f || f->done || f->failed)
		return;
	err_msg("%s: the server reset the stream with error %u%s", f->url,
		u.errcode, reset_reason(u.errcode));
	fetch_fail(f);
	if (h3 && !f->closed) {
		f->closed = true;
		nghttp3_conn_close_stream(h3, u.id, u.errcode);
	}
}

/*
 * --key-update: once every cfg.key_update bytes, start a key update.
 * EAGAIN (the last one not acknowledged yet, or within three PTOs of
 * that, RFC 9001 section 6.5) tries again on the next read; any other
 * error is told once and ends the updates.
 */
static void key_update(int fd)
{
	if (!cfg.key_update || key_update_failed || received < next_update)
		return;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0)) {
		if (errno != EAGAIN) {
			err_msg("key update: %s", strerror(errno));
			key_update_failed = true;
		}
		return;
	}
	key_updates++;
	next_update = received + cfg.key_update;
}

/*
 * --migrate: once cfg.migrate_after bytes arrived, move to the local
 * address cfg.migrate (port 0: any); the kernel validates the new path
 * (RFC 9000 section 9.2). Tried once; a failure is told and the transfer
 * goes on where it was.
 */
static void migrate(int fd)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	}, *res;
	int ret;

	if (!cfg.migrate || migrated || received < cfg.migrate_after)
		return;
	migrated = true;
	ret = getaddrinfo(cfg.migrate, "0", &hints, &res);
	if (ret) {
		err_msg("--migrate %s: %s", cfg.migrate, gai_strerror(ret));
		status = 1;
		return;
	}
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION,
		       res->ai_addr, res->ai_addrlen)) {
		err_msg("migrating to %s: %s", cfg.migrate, strerror(errno));
		status = 1;
	} else {
		printf("migrated to %s after %llu bytes\n", cfg.migrate,
		       (unsigned long long)received);
	}
	freeaddrinfo(res);
}

/*
 * Read what the socket has. Returns 1 to go on, 0 when the connection
 * ended, -1 on an error (printed).
 */

/* hq-interop: the stream's data is the file. */
static int hq_deliver(int fd, int64_t sid, const unsigned char *buf,
		      size_t n, bool fin)
{
	struct fetch *f = fetch_of(sid);

	if (!f || !f->sent) {
		if (cfg.verbose)
			err_msg("ignoring data on stream %lld", (long long)sid);
		return 0;
	}
	if (f->done || f->failed)
		return 0;
	if (write_all(f, buf, n))
		return -1;
	f->bytes += n;
	received += n;
	key_update(fd);
	migrate(fd);
	if (fin)
		fetch_done(f);
	return 0;
}

/* What differs between the two protocols in transfer(). */
struct app_proto {
	/* Send the requests that may go now: < 0 on an error, > 0 while
	 * some wait for stream credit.
	 */
	int (*send)(int fd);
	/* Stream data received: 0, or -1 on an error (printed). */
	int (*deliver)(int fd, int64_t sid, const unsigned char *buf,
		       size_t n, bool fin);
};

static int read_responses(int fd, unsigned char *buf,
			  const struct app_proto *proto)
{
	int i;

	for (i = 0; i < HQ_RECV_BATCH; i++) {
		uint32_t flags = MSG_DONTWAIT;	/* in: recv flags; out: msg */
		int64_t sid;
		ssize_t n;

		n = quic_recvmsg(fd, buf, HQ_BUF, &sid, &flags);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 1;
			err_msg("connection to %s port %s: %s", host, port,
				strerror(errno));
			explain_close(fd);
			return -1;
		}
		if (flags & MSG_NOTIFICATION) {
			on_event(buf, n);
			continue;
		}
		if (!n && !(flags & MSG_STREAM_FIN))
			return 0;
		if (proto->deliver(fd, sid, buf, n, flags & MSG_STREAM_FIN))
			return -1;
	}
	return 1;
}

static unsigned int outstanding(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < nfetch; i++)
		n += !fetches[i].done && !fetches[i].failed;
	return n;
}

static const struct app_proto hq_proto = {
	.send = send_requests,
	.deliver = hq_deliver,
};

static int transfer(int fd, const struct app_proto *proto)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned char *buf = malloc(HQ_BUF);
	int waiting = 0, ret = 0;

	if (!buf) {
		err_msg("out of memory");
		return -1;
	}
	while (outstanding()) {
		waiting = proto->send(fd);
		if (waiting < 0) {
			ret = -1;
			break;
		}
		if (poll(&pfd, 1, waiting ? HQ_RETRY_MS : -1) < 0) {
			if (errno == EINTR)
				continue;
			err_msg("poll: %s", strerror(errno));
			ret = -1;
			break;
		}
		if (!pfd.revents)
			continue;
		ret = read_responses(fd, buf, proto);
		if (ret < 0)
			break;
		if (!ret) {
			if (outstanding()) {
				err_msg("connection closed, %u of %u responses incomplete",
					outstanding(), nfetch);
				explain_close(fd);
				ret = -1;
			}
			break;
		}
		ret = 0;
	}
	free(buf);
	return ret;
}

/*
 * HTTP/3 (RFC 9114), when the ALPN is "h3": each URL is a GET request on
 * a bidirectional stream of its own (section 4.1); the DATA frames of the
 * response go to the file, which is complete when its stream ends after
 * a 200 response. libnghttp3 does the framing and QPACK (RFC 9204).
 */
static int h3_fd = -1;

static int h3_on_header(nghttp3_conn *conn, int64_t sid, int32_t token,
			nghttp3_rcbuf *name, nghttp3_rcbuf *value,
			uint8_t flags, void *conn_data, void *stream_data)
{
	nghttp3_vec v = nghttp3_rcbuf_get_buf(value);
	struct fetch *f = stream_data;
	char num[4];

	(void)conn; (void)sid; (void)name; (void)flags; (void)conn_data;
	if (!f || token != NGHTTP3_QPACK_TOKEN__STATUS)
		return 0;
	/* nghttp3 checked that it is three digits (section 4.3.2). */
	memcpy(num, v.base, v.len < 3 ? v.len : 3);
	num[v.len < 3 ? v.len : 3] = '\0';
	f->status = atoi(num);
	return 0;
}

static int h3_on_end_headers(nghttp3_conn *conn, int64_t sid, int fin,
			     void *conn_data, void *stream_data)
{
	struct fetch *f = stream_data;

	(void)conn; (void)sid; (void)fin; (void)conn_data;
	if (!f || f->failed)
		return 0;
	/* Section 4.1: interim (1xx) responses come before the final one. */
	if (f->status >= 100 && f->status < 200) {
		f->status = 0;
		return 0;
	}
	if (f->status != 200) {
		err_msg("%s: the server answered %d", f->url, f->status);
		fetch_fail(f);
	}
	return 0;
}

static int h3_on_data(nghttp3_conn *conn, int64_t sid, const uint8_t *data,
		      size_t len, void *conn_data, void *stream_data)
{
	struct fetch *f = stream_data;

	(void)conn; (void)sid; (void)conn_data;
	if (!f || f->done || f->failed)
		return 0;
	if (write_all(f, data, len))
		return NGHTTP3_ERR_CALLBACK_FAILURE;
	f->bytes += len;
	received += len;
	key_update(h3_fd);
	migrate(h3_fd);
	return 0;
}

static int h3_on_end_stream(nghttp3_conn *conn, int64_t sid,
			    void *conn_data, void *stream_data)
{
	struct fetch *f = stream_data;

	(void)conn; (void)sid; (void)conn_data;
	if (!f || f->done || f->failed)
		return 0;
	if (f->status != 200) {
		err_msg("%s: the response ended without a final status",
			f->url);
		fetch_fail(f);
		return 0;
	}
	fetch_done(f);
	return 0;
}

static int h3_on_close(nghttp3_conn *conn, int64_t sid, uint64_t code,
		       void *conn_data, void *stream_data)
{
	struct fetch *f = stream_data;

	(void)conn; (void)conn_data;
	if (!f)
		return 0;
	f->closed = true;
	if (!f->done && !f->failed) {
		err_msg("%s: stream %lld closed with error %#llx before the response ended",
			f->url, (long long)sid, (unsigned long long)code);
		fetch_fail(f);
	}
	return 0;
}

/* nghttp3 wants a stream stopped or reset (section 4.1.1). */
static int h3_stream_error(int opt, int64_t sid, uint64_t code)
{
	struct quic_errinfo ei = { .stream_id = sid, .errcode = code };

	if (setsockopt(h3_fd, SOL_QUIC, opt, &ei, sizeof(ei)) &&
	    errno != EINVAL && errno != ENOENT)
		return NGHTTP3_ERR_CALLBACK_FAILURE;
	return 0;
}

static int h3_on_stop_sending(nghttp3_conn *conn, int64_t sid, uint64_t code,
			      void *conn_data, void *stream_data)
{
	(void)conn; (void)conn_data; (void)stream_data;
	return h3_stream_error(QUIC_SOCKOPT_STREAM_STOP_SENDING, sid, code);
}

static int h3_on_reset_stream(nghttp3_conn *conn, int64_t sid, uint64_t code,
			      void *conn_data, void *stream_data)
{
	(void)conn; (void)conn_data; (void)stream_data;
	return h3_stream_error(QUIC_SOCKOPT_STREAM_RESET, sid, code);
}

/* As many requests at once as the server lets us open streams. */
static void h3_set_window(int fd)
{
	struct quic_transport_param tp = { .remote = 1 };
	socklen_t len = sizeof(tp);

	h3_window = 64;
	if (!getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp,
			&len) && tp.max_streams_bidi &&
	    tp.max_streams_bidi < h3_window)
		h3_window = tp.max_streams_bidi;
}

/* 0-RTT requests go out before the ALPN is known: the first one offered. */
static bool first_alpn_is_h3(void)
{
	size_t n = strcspn(cfg.alpn, ",");

	return n == strlen(H3_ALPN) && !strncmp(cfg.alpn, H3_ALPN, n);
}

static int h3_setup(int fd)
{
	static const nghttp3_callbacks cb = {
		.stream_close = h3_on_close,
		.recv_data = h3_on_data,
		.recv_header = h3_on_header,
		.end_headers = h3_on_end_headers,
		.stop_sending = h3_on_stop_sending,
		.end_stream = h3_on_end_stream,
		.reset_stream = h3_on_reset_stream,
	};
	nghttp3_settings settings;
	int ret;

	nghttp3_settings_default(&settings);
	ret = nghttp3_conn_client_new(&h3, &cb, &settings, NULL, NULL);
	if (!ret)
		ret = h3_open_streams(h3, false);
	if (ret) {
		err_msg("HTTP/3: %s", nghttp3_strerror(ret));
		return -1;
	}
	h3_fd = fd;
	h3_set_window(fd);
	return 0;
}

static unsigned int h3_in_progress(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < nfetch; i++)
		n += fetches[i].sent && !fetches[i].done && !fetches[i].failed;
	return n;
}

/* Section 4.3.1: the request's pseudo-header fields. */
static int h3_request(struct fetch *f)
{
	char authority[300];
	const char *fmt = strchr(host, ':') ? "[%s]:%s" : "%s:%s";
	nghttp3_nv nv[] = {
		{ (uint8_t *)":method", (uint8_t *)"GET", 7, 3, 0 },
		{ (uint8_t *)":scheme", (uint8_t *)"https", 7, 5, 0 },
		{ (uint8_t *)":authority", (uint8_t *)authority, 10, 0, 0 },
		{ (uint8_t *)":path", (uint8_t *)f->path, 5, strlen(f->path),
		  0 },
		{ (uint8_t *)"user-agent", (uint8_t *)"quic-client", 10, 11,
		  0 },
	};
	int ret;

	nv[2].valuelen = snprintf(authority, sizeof(authority), fmt, host,
				  port);
	ret = nghttp3_conn_submit_request(h3, f->sid, nv, 5, NULL, f);
	if (ret) {
		err_msg("%s: HTTP/3: %s", f->url, nghttp3_strerror(ret));
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &f->start);
	f->sent = true;
	return 0;
}

/*
 * Hand nghttp3 the requests not sent yet, in stream order, and send what
 * it has. Returns 1 when something waits (the socket or stream credit),
 * 0 when not, -1 on an error (printed).
 */
static int h3_send_requests(int fd)
{
	unsigned int i, busy = h3_in_progress();
	int ret;

	for (i = 0; i < nfetch && busy < h3_window; i++) {
		struct fetch *f = &fetches[i];

		if (f->sent || f->failed)
			continue;
		ret = fetch_open(f);
		if (ret < 0)
			return -1;
		if (ret)
			break;
		if (h3_request(f))
			return -1;
		busy++;
	}
	ret = h3_flush(h3, fd);
	if (ret == -1) {
		err_msg("connection to %s port %s: %s", host, port,
			strerror(errno));
		explain_close(fd);
		return -1;
	}
	if (ret < 0) {
		err_msg("HTTP/3: %s", nghttp3_strerror(ret));
		return -1;
	}
	return ret;
}

/* Let nghttp3 free the streams whose response ended or failed. */
static void h3_reap(void)
{
	unsigned int i;

	for (i = 0; i < nfetch; i++) {
		struct fetch *f = &fetches[i];

		if (f->sent && !f->closed && (f->done || f->failed)) {
			f->closed = true;
			h3_stream_done(h3, f->sid);
		}
	}
}

/* HTTP/3: the stream's data goes through nghttp3 (h3_on_data()). */
static int h3_deliver(int fd, int64_t sid, const unsigned char *buf,
		      size_t n, bool fin)
{
	int ret = h3_input(h3, sid, buf, n, fin);

	(void)fd;
	if (ret && nghttp3_err_is_fatal(ret)) {
		err_msg("HTTP/3 on stream %lld: %s", (long long)sid,
			nghttp3_strerror(ret));
		return -1;
	}
	h3_reap();
	return 0;
}

static const struct app_proto h3_proto = {
	.send = h3_send_requests,
	.deliver = h3_deliver,
};

static void report(void)
{
	struct timespec first = { 0 }, last = { 0 };
	unsigned int i, ok = 0;
	uint64_t bytes = 0;
	double secs;

	for (i = 0; i < nfetch; i++) {
		struct fetch *f = &fetches[i];

		if (!f->done || f->failed)
			continue;
		if (!ok || elapsed(&f->start, &first) > 0)
			first = f->start;
		if (!ok || elapsed(&last, &f->end) > 0)
			last = f->end;
		bytes += f->bytes;
		ok++;
	}
	secs = ok ? elapsed(&first, &last) : 0;
	printf("total: %u of %u files, %llu bytes in %.3f s, %.2f Mbit/s\n",
	       ok, nfetch, (unsigned long long)bytes, secs, mbits(bytes, secs));
	if (cfg.key_update)
		printf("key updates: %u\n", key_updates);
}

/*
 * As many output files open at once as the descriptor limit allows,
 * raised to its hard limit first: a server may let us have thousands of
 * streams going (the interop runner's multiplexing case has 1000).
 */
static void set_open_max(void)
{
	struct rlimit rl;

	open_max = 32;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* Leave room for the socket, stdio and libquic's own. */
	if (rl.rlim_cur > 64)
		open_max = rl.rlim_cur - 32 > 65536 ? 65536 : rl.rlim_cur - 32;
}

/* A positive decimal byte count, with an optional K or M (1024s). */
static int parse_bytes(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || !v)
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	/* At most 1 TiB, checked before the shift can wrap. */
	if (*end || v > (1ULL << 40) >> shift)
		return -1;
	v <<= shift;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ca",		required_argument, NULL, 'C' },
		{ "insecure",	no_argument,	   NULL, 'k' },
		{ "output",	required_argument, NULL, 'o' },
		{ "alpn",	required_argument, NULL, 'a' },
		{ "session",	required_argument, NULL, 's' },
		{ "0rtt",	no_argument,	   NULL, '0' },
		{ "cipher",	required_argument, NULL, 'c' },
		{ "quic-version", required_argument, NULL, 'V' },
		{ "key-update",	required_argument, NULL, 'u' },
		{ "migrate",	required_argument, NULL, 'm' },
		{ "migrate-after", required_argument, NULL, 'M' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "help",	no_argument,	   NULL, 'h' },
		{}
	};
	unsigned int i;
	struct stat sb;
	int c, fd;

	while ((c = getopt_long(argc, argv, "C:ko:a:s:0c:V:u:m:M:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'C':
			cfg.ca = optarg;
			break;
		case 'k':
			cfg.insecure = 1;
			break;
		case 'o':
			cfg.output = optarg;
			break;
		case 'a':
			cfg.alpn = optarg;
			break;
		case 's':
			cfg.session = optarg;
			break;
		case '0':
			cfg.zerortt = 1;
			break;
		case 'c':
			cfg.ciphers = optarg;
			break;
		case 'V':
			if (!strcmp(optarg, "1")) {
				cfg.version = QUIC_VERSION_V1;
			} else if (!strcmp(optarg, "2")) {
				cfg.version = QUIC_VERSION_V2;
			} else {
				err_msg("--quic-version: want 1 or 2, not '%s'",
					optarg);
				return 2;
			}
			break;
		case 'u':
			if (parse_bytes(optarg, &cfg.key_update)) {
				err_msg("--key-update: want a positive number of bytes, not '%s'",
					optarg);
				return 2;
			}
			next_update = cfg.key_update;
			break;
		case 'm':
			cfg.migrate = optarg;
			break;
		case 'M':
			if (parse_bytes(optarg, &cfg.migrate_after)) {
				err_msg("--migrate-after: want a positive number of bytes, not '%s'",
					optarg);
				return 2;
			}
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
	if (optind == argc) {
		err_msg("no URL given");
		usage(stderr);
		return 2;
	}
	if (cfg.zerortt && !cfg.session) {
		err_msg("--0rtt needs --session");
		return 2;
	}
	if (cfg.ca && cfg.insecure) {
		err_msg("--ca and --insecure exclude each other");
		return 2;
	}
	if (!*cfg.alpn || strlen(cfg.alpn) > 255) {
		err_msg("--alpn: want a list of 1 to 255 characters");
		return 2;
	}
	if (cfg.ca && access(cfg.ca, R_OK)) {
		err_msg("--ca %s: %s", cfg.ca, strerror(errno));
		return 1;
	}
	if (stat(cfg.output, &sb) || access(cfg.output, W_OK)) {
		err_msg("--output %s: %s", cfg.output, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		err_msg("--output %s: %s", cfg.output, strerror(ENOTDIR));
		return 1;
	}
	if (setup_fetches(argv + optind, argc - optind))
		return 2;
	set_open_max();
	/* Each file's line as it completes, also into a pipe or a log. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	quic_set_log_level(cfg.verbose > 1 ? LOG_DEBUG : LOG_ERR);

	fd = connect_server();
	if (fd < 0)
		return 1;
	/* RFC 9001 section 4.6: the requests go before the handshake, in
	 * 0-RTT packets, within what the server allowed last time.
	 */
	if (cfg.zerortt) {
		int ret = quic_session_params(fd, cfg.session);

		if (ret > 0 && first_alpn_is_h3() && h3_setup(fd))
			ret = -1;
		if (ret > 0)
			ret = h3 ? h3_send_requests(fd) : send_requests(fd);
		if (ret < 0) {
			close(fd);
			return 1;
		}
	}
	if (handshake(fd)) {
		close(fd);
		return 1;
	}
	if (http3 && !h3 && h3_setup(fd)) {
		close(fd);
		return 1;
	}
	if (transfer(fd, http3 ? &h3_proto : &hq_proto)) {
		struct {
			struct quic_connection_close c;
			char phrase[16];
		} cc = { .c.errcode = http3 ? NGHTTP3_H3_INTERNAL_ERROR :
					     HQ_ERR_ABORT };

		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		/* Not a clean end: tell the server so (application error),
		 * and do not wait for the data in flight.
		 */
		strcpy((char *)cc.c.phrase, "aborted");
		setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
			   offsetof(struct quic_connection_close, phrase) +
			   sizeof("aborted"));
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		status = 1;
	}
	report();
	for (i = 0; i < nfetch; i++)
		if (!fetches[i].done && !fetches[i].failed)
			fetch_fail(&fetches[i]);
	/*
	 * A clean close: CONNECTION_CLOSE with NO_ERROR once drained, which
	 * HTTP/3 spells H3_NO_ERROR (RFC 9114 section 8.1).
	 */
	if (http3 && !status) {
		struct quic_connection_close cc = {
			.errcode = NGHTTP3_H3_NO_ERROR,
		};

		setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
			   sizeof(cc));
	}
	close(fd);
	nghttp3_conn_del(h3);
	return status;
}
