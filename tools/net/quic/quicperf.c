// SPDX-License-Identifier: GPL-2.0
/*
 * quicperf: an iperf-like benchmark of in-kernel QUIC (IPPROTO_QUIC
 * sockets, TLS 1.3 handshake by libquic), with plain TCP and TCP + kTLS
 * as baselines, so that one program measures every column of
 * tools/net/quic/bench.sh: goodput, connection setups per second, and
 * idle connections held open for a memory count.
 *
 * The protocol is the same in every mode. The client writes MSGSIZE
 * bytes at a time on each of its streams (QUIC: the bidirectional
 * streams 0, 4, 8... of one connection; TCP and kTLS: one connection per
 * stream) for the duration, then ends each stream (QUIC: FIN; TCP:
 * shutdown(SHUT_WR)). On every stream that ends, the server answers with
 * the number of bytes it received on it, 8 bytes big endian, and FIN.
 * The goodput the client reports is what the server confirmed, over the
 * time from the client's first write to the last confirmation.
 *
 * The server is one thread and one poll() loop; QUIC handshakes run in
 * that loop one after another (as a benchmark's clients connect one at a
 * time), so that an idle connection costs no thread, whose kernel
 * memory would blur the per-connection figure.
 */

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <linux/tls.h>
#include <netinet/quic.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define PERF_ALPN		"perf"
#define PERF_MAX_STREAMS	64	/* below the default MAX_STREAMS, 100 */
#define PERF_MAX_MSG		(16 << 20)
#define PERF_RECV_BUF		(256 * 1024)
#define PERF_RECV_BATCH		64	/* reads per wakeup and connection */
#define PERF_HANDSHAKE_MS	10000
#define PERF_IO_TIMEOUT		30	/* seconds a send may make no progress */
#define PERF_ANSWER_TIMEOUT	120	/* seconds for the buffers to drain */
#define PERF_SERVER_IDLE	600	/* seconds: the server's idle timeout */
#define PERF_MAX_IDLE		4000	/* seconds: below 2^32 microseconds */
#define PERF_ERR_ABORT		1	/* our CONNECTION_CLOSE on failure */
#define PERF_ABORT_PHRASE	"quicperf aborted"

enum perf_mode { MODE_QUIC, MODE_TCP, MODE_KTLS };

static const char * const mode_names[] = { "quic", "tcp", "ktls" };

struct perf_cipher {
	const char	*name;
	const char	*gnutls;	/* GnuTLS priority keyword */
	unsigned short	tls_type;	/* TLS_CIPHER_* of linux/tls.h */
};

static const struct perf_cipher ciphers[] = {
	{ "aes128gcm", "AES-128-GCM", TLS_CIPHER_AES_GCM_128 },
	{ "aes256gcm", "AES-256-GCM", TLS_CIPHER_AES_GCM_256 },
	{ "chacha20", "CHACHA20-POLY1305", TLS_CIPHER_CHACHA20_POLY1305 },
};

static struct {
	const char		*server;	/* -s [ADDR:]PORT */
	const char		*client;	/* -c HOST:PORT */
	char			*host;		/* of -c, for TLS */
	struct addrinfo		*addrs;
	enum perf_mode		mode;
	const struct perf_cipher *cipher;	/* NULL: libquic's choice */
	double			time;
	size_t			len;
	unsigned int		streams;
	unsigned int		handshakes;
	unsigned int		idle;
	const char		*cert;
	const char		*key;
	const char		*psk;
	const char		*ca;
	int			insecure;
	int			no_1rtt;
	int			json;
	int			verbose;
} cfg = { .time = 10, .len = 16384, .streams = 1 };

static void err_msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void err_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("quicperf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: quicperf -s [ADDR:]PORT [--cert FILE --key FILE | --psk FILE]\n"
"                [MODE] [--cipher NAME] [--no-1rtt-crypto] [--json] [-v]\n"
"       quicperf -c HOST:PORT [-t SECONDS] [-l MSGSIZE] [-P STREAMS]\n"
"                [--ca FILE | --insecure | --psk FILE] [MODE]\n"
"                [--cipher NAME] [--no-1rtt-crypto] [--json] [-v]\n"
"       quicperf -c HOST:PORT --handshakes N [options]\n"
"       quicperf -c HOST:PORT --idle N [-t SECONDS] [options]\n"
"Measure the goodput of in-kernel QUIC, TCP or TCP + kTLS.\n"
"\n"
"  -s, --server [ADDR:]PORT  run the server, on ADDR (default all)\n"
"  -c, --client HOST:PORT    run the client against this server\n"
"  -t, --time SECONDS        send for this long (default 10); with --idle,\n"
"                            hold the connections this long\n"
"  -l, --length MSGSIZE      bytes per write, K and M suffixes (default 16K)\n"
"  -P, --parallel STREAMS    streams (QUIC) or connections (TCP), 1-%d\n"
"  -n, --handshakes N        set up and close N connections, report the rate\n"
"  -i, --idle N              open N connections and hold them, idle\n"
"      --tcp                 MODE: plain TCP\n"
"      --ktls                MODE: TCP with kernel TLS 1.3 (fixed keys, no\n"
"                            handshake)\n"
"                            (default MODE: QUIC)\n"
"      --cipher NAME         aes128gcm, aes256gcm or chacha20 (QUIC and\n"
"                            kTLS; kTLS default aes128gcm)\n"
"      --no-1rtt-crypto      QUIC: ask for unprotected 1-RTT packets\n"
"                            (disable_1rtt_encryption, both sides)\n"
"      --cert FILE           server: PEM certificate chain\n"
"      --key FILE            server: PEM private key\n"
"      --psk FILE            identity:hexkey lines, instead of certificates\n"
"      --ca FILE             client: trust these PEM CA certificates\n"
"  -k, --insecure            client: do not verify the certificate\n"
"  -j, --json                results as JSON\n"
"  -v, --verbose             more detail (twice: libquic's handshake log)\n"
"  -h, --help                this text\n"
"\n"
"Exit status 0 on success, 1 on a failure, 2 for bad usage.\n",
		PERF_MAX_STREAMS);
}

/* ---- helpers ----------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double mbits(uint64_t bytes, double secs)
{
	return secs > 0 ? bytes * 8 / secs / 1e6 : 0;
}

/* A JSON string: the peer and host names are the only ones we print. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static const char *mode_label(void)
{
	return mode_names[cfg.mode];
}

static const char *cipher_label(void)
{
	if (cfg.mode == MODE_TCP)
		return "none";
	return cfg.cipher ? cfg.cipher->name : "default";
}

/* "host:port", "[v6]:port", or (server) "port": split in place. */
static int split_hostport(char *s, char **host, char **port, bool passive)
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
	if (!colon) {
		if (!passive || !*s)
			return -1;
		*host = NULL;
		*port = s;
		return 0;
	}
	if (!colon[1] || strchr(s, ':') != colon)
		return -1;
	*colon = '\0';
	*host = (*s && strcmp(s, "*")) ? s : NULL;
	*port = colon + 1;
	if (!passive && !*host)
		return -1;
	return 0;
}

/* Fills cfg.addrs (and cfg.host): 0, -1 if that failed, -2 for bad usage. */
static int resolve(const char *spec, bool passive)
{
	struct addrinfo hints = {
		.ai_socktype = cfg.mode == MODE_QUIC ? SOCK_DGRAM : SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0),
	};
	char *copy = strdup(spec), *host, *port;
	int ret;

	if (!copy) {
		err_msg("out of memory");
		return -1;
	}
	if (split_hostport(copy, &host, &port, passive) ||
	    strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    !atoi(port) || atoi(port) > 65535) {
		err_msg("%s: want %sHOST:PORT or [ADDR]:PORT, PORT 1-65535",
			spec, passive ? "PORT, " : "");
		free(copy);
		return -2;	/* bad usage */
	}
	ret = getaddrinfo(host, port, &hints, &cfg.addrs);
	if (ret) {
		err_msg("%s: %s", spec,
			ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret));
		free(copy);
		return -1;
	}
	if (!passive) {
		cfg.host = strdup(host);
		if (!cfg.host) {
			err_msg("out of memory");
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

static void addr_name(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else {
		snprintf(buf, len, "?");
	}
}

static const char *proto_hint(int err)
{
	if (err == EPROTONOSUPPORT || err == EAFNOSUPPORT)
		return " (is the quic module loaded?)";
	return "";
}

/* ---- QUIC -------------------------------------------------------------- */

/*
 * libquic takes its GnuTLS priorities from QUIC_PRIORITY: the one of
 * libquic with a single cipher, so that the handshake cannot pick
 * another.
 */
static int quic_set_cipher(void)
{
	char prio[256];

	if (!cfg.cipher || cfg.mode != MODE_QUIC)
		return 0;
	snprintf(prio, sizeof(prio),
		 "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+%s:%%DISABLE_TLS13_COMPAT_MODE%s",
		 cfg.cipher->gnutls, cfg.psk ? ":+PSK:+ECDHE-PSK" : "");
	if (setenv("QUIC_PRIORITY", prio, 1)) {
		err_msg("setenv: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Set one transport parameter; warn once if the kernel refuses it. */
static void quic_set_param(int fd, const struct quic_transport_param *p,
			   const char *what, bool *warned)
{
	if (!setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, p,
			sizeof(*p)) || *warned)
		return;
	*warned = true;
	err_msg("%s: QUIC_SOCKOPT_TRANSPORT_PARAM: %s; going on without",
		what, strerror(errno));
}

/*
 * Our transport parameters. --no-1rtt-crypto: our side of
 * disable_1rtt_encryption; a kernel that refuses it still gets measured,
 * encrypted (see quic_no_1rtt_ok). The idle timeout is the smaller of
 * both sides' (RFC 9000 section 10.1): the server offers a long one, and
 * a client asks for one only to hold --idle connections (which send
 * nothing, not even keepalives) longer than the default 30 s.
 */
static void quic_prepare(int fd)
{
	static bool warned_idle, warned_1rtt;
	struct quic_transport_param p = {};
	double idle = cfg.server ? PERF_SERVER_IDLE : cfg.time + 60;

	if (cfg.server || cfg.idle) {
		p.max_idle_timeout = (idle > PERF_MAX_IDLE ? PERF_MAX_IDLE :
				      idle) * 1000000;
		quic_set_param(fd, &p, "max_idle_timeout", &warned_idle);
		p.max_idle_timeout = 0;
	}
	if (cfg.no_1rtt) {
		p.disable_1rtt_encryption = 1;
		quic_set_param(fd, &p, "--no-1rtt-crypto", &warned_1rtt);
	}
}

/* Did the peer advertise disable_1rtt_encryption too? */
static bool quic_no_1rtt_ok(int fd)
{
	struct quic_transport_param p = { .remote = 1 };
	socklen_t len = sizeof(p);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		return false;
	return p.disable_1rtt_encryption;
}

/* Why a connection ended, from the peer's CONNECTION_CLOSE. */
static void quic_explain_close(int fd)
{
	struct {
		struct quic_connection_close c;
		char phrase[256];
	} cc;
	socklen_t len = sizeof(cc) - 1;

	memset(&cc, 0, sizeof(cc));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &len))
		return;
	if (cc.c.errcode)
		err_msg("the connection was closed with error %#x%s%s",
			cc.c.errcode, cc.c.phrase[0] ? ": " : "",
			(char *)cc.c.phrase);
}

/* ---- kTLS -------------------------------------------------------------- */

union ktls_info {
	struct tls_crypto_info				info;
	struct tls12_crypto_info_aes_gcm_128		aes128;
	struct tls12_crypto_info_aes_gcm_256		aes256;
	struct tls12_crypto_info_chacha20_poly1305	chacha;
};

static void ktls_pattern(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = seed + i * 7;
}

/*
 * The fixed, well-known key material of direction @dir (0 client to
 * server, 1 back): a benchmark of record protection, with no handshake.
 * Both directions differ, so that no key and nonce pair is used twice.
 */
static socklen_t ktls_fill(union ktls_info *u, unsigned int dir)
{
	unsigned int seed = 0x11 + dir * 0x80;

	memset(u, 0, sizeof(*u));
	u->info.version = TLS_1_3_VERSION;
	u->info.cipher_type = cfg.cipher->tls_type;
	switch (cfg.cipher->tls_type) {
	case TLS_CIPHER_AES_GCM_128:
		ktls_pattern(u->aes128.key, sizeof(u->aes128.key), seed);
		ktls_pattern(u->aes128.iv, sizeof(u->aes128.iv), seed + 1);
		ktls_pattern(u->aes128.salt, sizeof(u->aes128.salt), seed + 2);
		return sizeof(u->aes128);
	case TLS_CIPHER_AES_GCM_256:
		ktls_pattern(u->aes256.key, sizeof(u->aes256.key), seed);
		ktls_pattern(u->aes256.iv, sizeof(u->aes256.iv), seed + 1);
		ktls_pattern(u->aes256.salt, sizeof(u->aes256.salt), seed + 2);
		return sizeof(u->aes256);
	default:
		ktls_pattern(u->chacha.key, sizeof(u->chacha.key), seed);
		ktls_pattern(u->chacha.iv, sizeof(u->chacha.iv), seed + 1);
		return sizeof(u->chacha);
	}
}

static const char *ktls_hint(int err)
{
	if (err == EBADMSG)
		return " (a record did not authenticate: do both sides use the same --cipher?)";
	return "";
}

/*
 * Turn the TCP connection @fd into kTLS. A socket can only do so while
 * established, not once the peer's FIN is in: the server says when it is
 * done with one byte, and the client waits for it before it sends (or
 * ends) anything.
 */
static int ktls_setup(int fd, bool server)
{
	const unsigned char ready = 'R';
	union ktls_info u;
	unsigned char byte;
	socklen_t len;
	ssize_t n;

	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls"))) {
		err_msg("setsockopt(TCP_ULP, \"tls\"): %s%s", strerror(errno),
			errno == ENOENT ? " (no tls module: modprobe tls)" : "");
		return -1;
	}
	len = ktls_fill(&u, server);
	if (setsockopt(fd, SOL_TLS, TLS_TX, &u, len)) {
		err_msg("setsockopt(TLS_TX, %s): %s", cfg.cipher->name,
			strerror(errno));
		return -1;
	}
	len = ktls_fill(&u, !server);
	if (setsockopt(fd, SOL_TLS, TLS_RX, &u, len)) {
		err_msg("setsockopt(TLS_RX, %s): %s", cfg.cipher->name,
			strerror(errno));
		return -1;
	}
	if (server) {
		if (send(fd, &ready, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
			return 0;
		err_msg("kTLS: sending the ready byte: %s", strerror(errno));
		return -1;
	}
	while ((n = recv(fd, &byte, 1, 0)) < 0 && errno == EINTR)
		;
	if (n == 1 && byte == ready)
		return 0;
	err_msg("kTLS: waiting for the server: %s%s",
		n < 0 ? strerror(errno) : n ? "not the ready byte" :
		"the server closed the connection", n < 0 ? ktls_hint(errno) : "");
	return -1;
}

/* ---- client ------------------------------------------------------------ */

struct perf_conn {
	int		fd[PERF_MAX_STREAMS];	/* QUIC: fd[0] only */
	unsigned int	nfd;
};

static struct {
	unsigned char	*buf;
	bool		no_1rtt_ok;	/* the last handshake's */
	uint64_t	sent[PERF_MAX_STREAMS];
	uint64_t	got[PERF_MAX_STREAMS];
} cl;

static int64_t stream_id(unsigned int i)
{
	return 4 * (int64_t)i;	/* client-initiated bidirectional */
}

static void set_timeouts(int fd, int rcv_secs)
{
	struct timeval tv = { .tv_sec = PERF_IO_TIMEOUT };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	tv.tv_sec = rcv_secs;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int quic_client_setup(int fd)
{
	struct quic_handshake_opts o = {
		.hostname = cfg.host,
		.alpns = PERF_ALPN,
		.ca_file = cfg.ca,
		.psk_file = cfg.psk,
		.insecure = cfg.insecure,
		.timeout_ms = PERF_HANDSHAKE_MS,
	};
	int ret;

	ret = quic_client_handshake_opts(fd, &o);
	if (ret) {
		err_msg("handshake with %s failed: %s", cfg.client,
			strerror(-ret));
		quic_explain_close(fd);
		return -1;
	}
	cl.no_1rtt_ok = cfg.no_1rtt && quic_no_1rtt_ok(fd);
	return 0;
}

static int connect_one(void)
{
	int type = cfg.mode == MODE_QUIC ? SOCK_DGRAM : SOCK_STREAM;
	int proto = cfg.mode == MODE_QUIC ? IPPROTO_QUIC : IPPROTO_TCP;
	struct addrinfo *ai;
	int fd = -1, err = 0;

	for (ai = cfg.addrs; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, type | SOCK_CLOEXEC, proto);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (cfg.mode == MODE_QUIC)
			quic_prepare(fd);
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		err_msg("connecting to %s (%s): %s%s", cfg.client, mode_label(),
			strerror(err),
			cfg.mode == MODE_QUIC ? proto_hint(err) : "");
		return -1;
	}
	set_timeouts(fd, PERF_IO_TIMEOUT);
	if ((cfg.mode == MODE_QUIC && quic_client_setup(fd)) ||
	    (cfg.mode == MODE_KTLS && ktls_setup(fd, false))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void conn_close(struct perf_conn *c, bool failed)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	unsigned int i;

	for (i = 0; i < c->nfd; i++) {
		if (failed && cfg.mode == MODE_QUIC) {
			struct {
				struct quic_connection_close c;
				char phrase[sizeof(PERF_ABORT_PHRASE)];
			} cc = {
				.c.errcode = PERF_ERR_ABORT,
				.phrase = PERF_ABORT_PHRASE,
			};

			/* Tell the server, and do not wait for the data. */
			setsockopt(c->fd[i], SOL_QUIC,
				   QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
				   offsetof(struct quic_connection_close,
					    phrase) + sizeof(cc.phrase));
		}
		if (failed)
			setsockopt(c->fd[i], SOL_SOCKET, SO_LINGER, &lg,
				   sizeof(lg));
		close(c->fd[i]);
	}
	c->nfd = 0;
}

static int conn_open(struct perf_conn *c, unsigned int streams)
{
	unsigned int n = cfg.mode == MODE_QUIC ? 1 : streams;
	int fd;

	c->nfd = 0;
	while (c->nfd < n) {
		fd = connect_one();
		if (fd < 0) {
			conn_close(c, true);
			return -1;
		}
		c->fd[c->nfd++] = fd;
	}
	return 0;
}

/* A send or receive that timed out (SO_SNDTIMEO, SO_RCVTIMEO) stalled. */
static const char *io_error(int err, int secs)
{
	static char msg[64];

	if (err != EAGAIN && err != EWOULDBLOCK)
		return strerror(err);
	snprintf(msg, sizeof(msg), "nothing for %d s", secs);
	return msg;
}

/* MSGSIZE writes, stream after stream, until the time is up. */
static int conn_send(struct perf_conn *c, unsigned int streams, double secs)
{
	double end = now() + secs;
	unsigned int i = 0;
	ssize_t n;

	memset(cl.sent, 0, sizeof(cl.sent));
	if (secs <= 0)
		return 0;
	for (;;) {
		if (cfg.mode == MODE_QUIC)
			n = quic_sendmsg(c->fd[0], cl.buf, cfg.len, stream_id(i),
					 cl.sent[i] ? 0 : MSG_STREAM_NEW);
		else
			n = send(c->fd[i], cl.buf, cfg.len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_msg("sending on stream %u: %s", i,
				io_error(errno, PERF_IO_TIMEOUT));
			if (cfg.mode == MODE_QUIC)
				quic_explain_close(c->fd[0]);
			return -1;
		}
		cl.sent[i] += n;
		if (++i == streams) {
			i = 0;
			if (now() >= end)
				break;
		}
	}
	return 0;
}

/* Add @n answer bytes of stream @i; the answer is 8 bytes at most. */
static int answer_add(unsigned int i, const unsigned char *p, size_t n,
		      unsigned int *have)
{
	if (have[i] + n > 8) {
		err_msg("stream %u: the server's answer is longer than 8 bytes",
			i);
		return -1;
	}
	have[i] += n;
	while (n--)
		cl.got[i] = cl.got[i] << 8 | *p++;
	return 0;
}

static int quic_finish(struct perf_conn *c, unsigned int streams,
		       unsigned int *have)
{
	unsigned int i, done = 0;
	bool fin[PERF_MAX_STREAMS] = {};
	int fd = c->fd[0];

	for (i = 0; i < streams; i++) {
		if (quic_sendmsg(fd, NULL, 0, stream_id(i), MSG_STREAM_FIN |
				 (cl.sent[i] ? 0 : MSG_STREAM_NEW)) < 0) {
			err_msg("ending stream %u: %s", i,
				io_error(errno, PERF_IO_TIMEOUT));
			quic_explain_close(fd);
			return -1;
		}
	}
	while (done < streams) {
		uint32_t flags = 0;
		int64_t sid;
		ssize_t n;

		n = quic_recvmsg(fd, cl.buf, PERF_RECV_BUF, &sid, &flags);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_msg("waiting for the server's count: %s",
				io_error(errno, PERF_ANSWER_TIMEOUT));
			quic_explain_close(fd);
			return -1;
		}
		if (flags & MSG_NOTIFICATION)
			continue;
		if (!n && !(flags & MSG_STREAM_FIN)) {
			err_msg("the server closed the connection before answering");
			quic_explain_close(fd);
			return -1;
		}
		if (sid < 0 || (sid & QUIC_STREAM_TYPE_MASK) ||
		    sid / 4 >= streams || fin[sid / 4]) {
			err_msg("unexpected data on stream %lld",
				(long long)sid);
			return -1;
		}
		i = sid / 4;
		if (answer_add(i, cl.buf, n, have))
			return -1;
		if (flags & MSG_STREAM_FIN) {
			fin[i] = true;
			done++;
		}
	}
	return 0;
}

static int tcp_finish(struct perf_conn *c, unsigned int *have)
{
	unsigned int i;
	ssize_t n;

	for (i = 0; i < c->nfd; i++) {
		if (shutdown(c->fd[i], SHUT_WR)) {
			err_msg("shutdown: %s", strerror(errno));
			return -1;
		}
	}
	for (i = 0; i < c->nfd; i++) {
		for (;;) {
			n = recv(c->fd[i], cl.buf, PERF_RECV_BUF, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				err_msg("waiting for the server's count: %s",
					io_error(errno, PERF_ANSWER_TIMEOUT));
				return -1;
			}
			if (!n)
				break;
			if (answer_add(i, cl.buf, n, have))
				return -1;
		}
	}
	return 0;
}

/*
 * End every stream and collect what the server says it received; each
 * must match what we sent. Fills cl.got[].
 */
static int conn_finish(struct perf_conn *c, unsigned int streams)
{
	unsigned int have[PERF_MAX_STREAMS] = {}, i;
	int ret;

	memset(cl.got, 0, sizeof(cl.got));
	/* The answer comes once the send buffers have drained. */
	for (i = 0; i < c->nfd; i++)
		set_timeouts(c->fd[i], PERF_ANSWER_TIMEOUT);
	ret = cfg.mode == MODE_QUIC ? quic_finish(c, streams, have) :
				      tcp_finish(c, have);
	if (ret)
		return ret;
	for (i = 0; i < streams; i++) {
		if (have[i] != 8) {
			err_msg("stream %u: the server answered %u bytes, not an 8-byte count",
				i, have[i]);
			return -1;
		}
		if (cl.got[i] != cl.sent[i]) {
			err_msg("stream %u: %llu bytes sent but the server received %llu",
				i, (unsigned long long)cl.sent[i],
				(unsigned long long)cl.got[i]);
			return -1;
		}
	}
	return 0;
}

static void print_header(void)
{
	if (cfg.json)
		return;
	printf("quicperf: %s, cipher %s%s, to %s\n", mode_label(),
	       cipher_label(), cfg.no_1rtt ? ", 1-RTT encryption off" : "",
	       cfg.client);
}

static void json_common(void)
{
	printf("{\"mode\": \"%s\", \"cipher\": \"%s\", \"server\": ",
	       mode_label(), cipher_label());
	json_str(cfg.client);
	if (cfg.mode == MODE_QUIC)
		printf(", \"no_1rtt_crypto\": %s, \"no_1rtt_crypto_negotiated\": %s",
		       cfg.no_1rtt ? "true" : "false",
		       cl.no_1rtt_ok ? "true" : "false");
}

static void warn_no_1rtt(void)
{
	if (cfg.no_1rtt && !cl.no_1rtt_ok)
		err_msg("warning: the server did not take disable_1rtt_encryption: 1-RTT packets were encrypted");
}

static int run_throughput(void)
{
	struct perf_conn c;
	uint64_t sent = 0, got = 0;
	unsigned int i;
	double start, secs;

	print_header();
	if (conn_open(&c, cfg.streams))
		return 1;
	start = now();
	if (conn_send(&c, cfg.streams, cfg.time) ||
	    conn_finish(&c, cfg.streams)) {
		conn_close(&c, true);
		return 1;
	}
	secs = now() - start;
	conn_close(&c, false);
	for (i = 0; i < cfg.streams; i++) {
		sent += cl.sent[i];
		got += cl.got[i];
	}
	warn_no_1rtt();
	if (cfg.json) {
		json_common();
		printf(", \"streams\": %u, \"msgsize\": %zu, \"time\": %g, \"bytes_sent\": %llu, \"bytes_received\": %llu, \"seconds\": %.6f, \"mbit_per_s\": %.2f}\n",
		       cfg.streams, cfg.len, cfg.time,
		       (unsigned long long)sent, (unsigned long long)got,
		       secs, mbits(got, secs));
		return 0;
	}
	printf("%u %s, %zu-byte writes: sent %llu bytes, the server received %llu bytes in %.3f s: %.2f Mbit/s\n",
	       cfg.streams,
	       cfg.mode == MODE_QUIC ? (cfg.streams > 1 ? "streams" : "stream") :
	       (cfg.streams > 1 ? "connections" : "connection"),
	       cfg.len, (unsigned long long)sent, (unsigned long long)got,
	       secs, mbits(got, secs));
	return 0;
}

/* Set up, use (a 0-byte exchange, so the server is done too) and close. */
static int run_handshakes(void)
{
	struct perf_conn c;
	unsigned int i;
	double start, secs;

	print_header();
	start = now();
	for (i = 0; i < cfg.handshakes; i++) {
		if (conn_open(&c, 1))
			goto fail;
		if (conn_send(&c, 1, 0) || conn_finish(&c, 1)) {
			conn_close(&c, true);
			goto fail;
		}
		conn_close(&c, false);
	}
	secs = now() - start;
	warn_no_1rtt();
	if (cfg.json) {
		json_common();
		printf(", \"handshakes\": %u, \"seconds\": %.6f, \"handshakes_per_s\": %.2f}\n",
		       cfg.handshakes, secs, secs > 0 ? cfg.handshakes / secs : 0);
		return 0;
	}
	printf("%u connections set up, used and closed in %.3f s: %.2f per second, %.2f ms each\n",
	       cfg.handshakes, secs, secs > 0 ? cfg.handshakes / secs : 0,
	       secs * 1000 / cfg.handshakes);
	return 0;
fail:
	err_msg("connection %u of %u failed", i + 1, cfg.handshakes);
	return 1;
}

/*
 * Hold N connections open and idle for the time given, or until SIGINT
 * or SIGTERM. A QUIC connection does a 0-byte exchange first, so that the
 * server's side is established too; a TCP one is idle at once.
 */
static int run_idle(void)
{
	struct perf_conn *conns = calloc(cfg.idle, sizeof(*conns));
	struct timespec ts = {
		.tv_sec = (time_t)cfg.time,
		.tv_nsec = (long)((cfg.time - (time_t)cfg.time) * 1e9),
	};
	unsigned int i, n;
	sigset_t sigs;
	int sig, rc = 0;

	if (!conns) {
		err_msg("out of memory");
		return 1;
	}
	print_header();
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	for (n = 0; n < cfg.idle; n++) {
		if (conn_open(&conns[n], 1)) {
			rc = 1;
			break;
		}
		if (cfg.mode != MODE_QUIC)
			continue;
		if (conn_send(&conns[n], 1, 0) || conn_finish(&conns[n], 1)) {
			conn_close(&conns[n], true);
			rc = 1;
			break;
		}
	}
	if (!rc) {
		if (cfg.json) {
			json_common();
			printf(", \"idle_connections\": %u}\n", n);
		} else {
			printf("%u idle connections open\n", n);
		}
		fflush(stdout);
		do {
			sig = sigtimedwait(&sigs, NULL, &ts);
		} while (sig < 0 && errno == EINTR);
	} else {
		err_msg("connection %u of %u failed", n + 1, cfg.idle);
	}
	for (i = 0; i < n; i++)
		conn_close(&conns[i], rc);
	free(conns);
	return rc;
}

static int run_client(void)
{
	cl.buf = malloc(cfg.len > PERF_RECV_BUF ? cfg.len : PERF_RECV_BUF);
	if (!cl.buf) {
		err_msg("out of memory");
		return 1;
	}
	/* Not all zeroes: nothing on the way may take a shortcut. */
	ktls_pattern(cl.buf, cfg.len, 0x5a);
	if (cfg.handshakes)
		return run_handshakes();
	if (cfg.idle)
		return run_idle();
	return run_throughput();
}

/* ---- server ------------------------------------------------------------ */

struct srv_conn {
	int		fd;
	char		peer[INET6_ADDRSTRLEN + 16];
	double		start;		/* set up (handshake done) */
	double		first;		/* first data byte */
	double		last;		/* last FIN */
	uint64_t	bytes;
	unsigned int	nstreams;
	unsigned int	nfin;
	uint64_t	sbytes[PERF_MAX_STREAMS];
	bool		fin[PERF_MAX_STREAMS];
};

static struct {
	struct srv_conn	**conns;
	unsigned int	nconns;
	unsigned int	size;
	struct pollfd	*pfd;
	unsigned char	*buf;
	unsigned long	served;
} sv;

static void srv_report(struct srv_conn *c)
{
	double secs = c->nfin ? c->last - c->first : 0;

	sv.served++;
	if (!c->bytes && !cfg.verbose)
		return;
	if (cfg.json) {
		printf("{\"mode\": \"%s\", \"peer\": ", mode_label());
		json_str(c->peer);
		printf(", \"streams\": %u, \"bytes\": %llu, \"seconds\": %.6f, \"mbit_per_s\": %.2f}\n",
		       c->nstreams, (unsigned long long)c->bytes, secs,
		       mbits(c->bytes, secs));
		return;
	}
	printf("%s: %llu bytes in %.3f s: %.2f Mbit/s (%u %s)\n", c->peer,
	       (unsigned long long)c->bytes, secs, mbits(c->bytes, secs),
	       c->nstreams, c->nstreams == 1 ? "stream" : "streams");
}

static void srv_drop(unsigned int i, bool report)
{
	struct srv_conn *c = sv.conns[i];

	if (report)
		srv_report(c);
	close(c->fd);
	free(c);
	sv.conns[i] = sv.conns[--sv.nconns];
}

/* @n more bytes of stream @i of @c, the last ones with @fin. */
static void srv_count(struct srv_conn *c, unsigned int i, size_t n, bool fin)
{
	if (n && !c->bytes)
		c->first = now();
	c->bytes += n;
	c->sbytes[i] += n;
	if (!fin)
		return;
	c->fin[i] = true;
	c->nfin++;
	c->last = now();
	if (!c->bytes)
		c->first = c->last;
}

/* The 8-byte count on stream @i; returns 0 or -1. */
static int srv_answer(struct srv_conn *c, unsigned int i)
{
	uint64_t be = htobe64(c->sbytes[i]);
	ssize_t n;

	if (cfg.mode == MODE_QUIC)
		n = quic_sendmsg(c->fd, &be, sizeof(be), stream_id(i),
				 MSG_STREAM_FIN | MSG_DONTWAIT);
	else
		n = send(c->fd, &be, sizeof(be), MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == sizeof(be))
		return 0;
	err_msg("%s: sending the count of stream %u: %s", c->peer, i,
		n < 0 ? strerror(errno) : "short write");
	return -1;
}

/* Returns 1 to go on, 0 when the connection is over, -1 on an error. */
static int srv_read_quic(struct srv_conn *c)
{
	unsigned int k, i;

	for (k = 0; k < PERF_RECV_BATCH; k++) {
		uint32_t flags = MSG_DONTWAIT;
		int64_t sid;
		ssize_t n;

		n = quic_recvmsg(c->fd, sv.buf, PERF_RECV_BUF, &sid, &flags);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 1;
			if (errno == ECONNRESET || errno == EPIPE ||
			    errno == ENOTCONN)
				return 0;
			err_msg("%s: recvmsg: %s (%.1f s after the handshake, %llu bytes, %u of %u streams ended)",
				c->peer, strerror(errno), now() - c->start,
				(unsigned long long)c->bytes, c->nfin,
				c->nstreams);
			quic_explain_close(c->fd);
			return -1;
		}
		if (flags & MSG_NOTIFICATION)
			continue;
		if (!n && !(flags & MSG_STREAM_FIN))
			return 0;	/* the client closed the connection */
		if (sid < 0 || (sid & QUIC_STREAM_TYPE_MASK) ||
		    sid / 4 >= PERF_MAX_STREAMS || c->fin[sid / 4]) {
			err_msg("%s: unexpected data on stream %lld", c->peer,
				(long long)sid);
			return -1;
		}
		i = sid / 4;
		if (i >= c->nstreams)
			c->nstreams = i + 1;
		srv_count(c, i, n, flags & MSG_STREAM_FIN);
		if ((flags & MSG_STREAM_FIN) && srv_answer(c, i))
			return -1;
	}
	return 1;
}

static int srv_read_tcp(struct srv_conn *c)
{
	unsigned int k;
	ssize_t n;

	for (k = 0; k < PERF_RECV_BATCH; k++) {
		n = recv(c->fd, sv.buf, PERF_RECV_BUF, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 1;
			err_msg("%s: recv: %s%s", c->peer, strerror(errno),
				cfg.mode == MODE_KTLS ? ktls_hint(errno) : "");
			return -1;
		}
		srv_count(c, 0, n, !n);
		if (!n)
			return srv_answer(c, 0) ? -1 : 0;
	}
	return 1;
}

static int srv_add(int fd, const struct sockaddr *peer)
{
	struct srv_conn *c;

	if (sv.nconns == sv.size) {
		unsigned int size = sv.size ? 2 * sv.size : 64;
		struct srv_conn **conns;
		struct pollfd *pfd;

		conns = realloc(sv.conns, size * sizeof(*conns));
		if (!conns)
			return -1;
		sv.conns = conns;
		pfd = realloc(sv.pfd, (size + 2) * sizeof(*pfd));
		if (!pfd)
			return -1;
		sv.pfd = pfd;
		sv.size = size;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->fd = fd;
	c->start = now();
	c->nstreams = cfg.mode == MODE_QUIC ? 0 : 1;
	addr_name(peer, c->peer, sizeof(c->peer));
	sv.conns[sv.nconns++] = c;
	return 0;
}

static void srv_accept(int lfd)
{
	struct sockaddr_storage peer;
	char name[INET6_ADDRSTRLEN + 16];
	struct quic_handshake_opts o = {
		.cert_file = cfg.cert,
		.pkey_file = cfg.key,
		.psk_file = cfg.psk,
		.alpns = PERF_ALPN,
		.timeout_ms = PERF_HANDSHAKE_MS,
	};
	socklen_t len;
	int fd, ret;

	for (;;) {
		len = sizeof(peer);
		fd = accept4(lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				err_msg("accept: %s", strerror(errno));
			return;
		}
		addr_name((struct sockaddr *)&peer, name, sizeof(name));
		if (cfg.mode == MODE_QUIC) {
			quic_prepare(fd);
			ret = quic_server_handshake_opts(fd, &o);
			if (ret) {
				err_msg("%s: handshake failed: %s", name,
					strerror(-ret));
				close(fd);
				continue;
			}
			if (cfg.verbose)
				err_msg("%s: connected%s", name,
					cfg.no_1rtt && quic_no_1rtt_ok(fd) ?
					", 1-RTT encryption off" : "");
		} else if (cfg.mode == MODE_KTLS && ktls_setup(fd, true)) {
			close(fd);
			continue;
		}
		if (srv_add(fd, (struct sockaddr *)&peer)) {
			err_msg("%s: out of memory", name);
			close(fd);
		}
	}
}

static int listen_socket(void)
{
	int type = cfg.mode == MODE_QUIC ? SOCK_DGRAM : SOCK_STREAM;
	int proto = cfg.mode == MODE_QUIC ? IPPROTO_QUIC : IPPROTO_TCP;
	char name[INET6_ADDRSTRLEN + 16];
	struct addrinfo *ai;
	int fd = -1, one = 1;

	for (ai = cfg.addrs; ai; ai = ai->ai_next) {
		addr_name(ai->ai_addr, name, sizeof(name));
		fd = socket(ai->ai_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    proto);
		if (fd < 0) {
			err_msg("socket(%s): %s%s", mode_label(),
				strerror(errno), proto_hint(errno));
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (cfg.mode == MODE_QUIC)
			quic_prepare(fd);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen))
			err_msg("bind %s: %s", name, strerror(errno));
		else if (listen(fd, 128))
			err_msg("listen %s: %s", name, strerror(errno));
		else
			break;
		close(fd);
		fd = -1;
	}
	if (fd >= 0)
		printf("quicperf: listening on %s (%s, cipher %s%s)\n", name,
		       mode_label(), cipher_label(),
		       cfg.no_1rtt ? ", 1-RTT encryption off if the client agrees" :
		       "");
	return fd;
}

static int check_server_files(void)
{
	const char * const files[] = { cfg.cert, cfg.key, cfg.psk };
	static const char * const opts[] = { "--cert", "--key", "--psk" };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (files[i] && access(files[i], R_OK)) {
			err_msg("%s %s: %s", opts[i], files[i],
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int run_server(void)
{
	struct signalfd_siginfo si;
	unsigned int i, n;
	sigset_t sigs;
	int lfd, sfd, ret;

	if (check_server_files())
		return 1;
	sv.buf = malloc(PERF_RECV_BUF);
	sv.pfd = calloc(2, sizeof(*sv.pfd));
	if (!sv.buf || !sv.pfd) {
		err_msg("out of memory");
		return 1;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		err_msg("signalfd: %s", strerror(errno));
		return 1;
	}
	lfd = listen_socket();
	if (lfd < 0)
		return 1;
	for (;;) {
		sv.pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		sv.pfd[1] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < sv.nconns; i++)
			sv.pfd[i + 2] = (struct pollfd){
				.fd = sv.conns[i]->fd, .events = POLLIN,
			};
		n = sv.nconns;
		if (poll(sv.pfd, n + 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			err_msg("poll: %s", strerror(errno));
			return 1;
		}
		if (sv.pfd[0].revents)
			break;
		if (sv.pfd[1].revents & (POLLERR | POLLNVAL)) {
			err_msg("the listening socket failed");
			return 1;
		}
		/* Backwards: srv_drop() moves the last connection into i. */
		for (i = n; i-- > 0;) {
			if (!sv.pfd[i + 2].revents)
				continue;
			ret = cfg.mode == MODE_QUIC ?
			      srv_read_quic(sv.conns[i]) :
			      srv_read_tcp(sv.conns[i]);
			if (ret <= 0)
				srv_drop(i, !ret);
		}
		if (sv.pfd[1].revents & POLLIN)
			srv_accept(lfd);
	}
	if (read(sfd, &si, sizeof(si)) == sizeof(si))
		printf("quicperf: %s, %lu connections served, shutting down\n",
		       strsignal(si.ssi_signo), sv.served);
	while (sv.nconns)
		srv_drop(sv.nconns - 1, false);
	close(lfd);
	return 0;
}

/* ---- options ----------------------------------------------------------- */

static int parse_uint(const char *opt, const char *s, unsigned long max,
		      unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || !*val || *val > max) {
		err_msg("%s %s: want a number from 1 to %lu", opt, s, max);
		return -1;
	}
	return 0;
}

static int parse_size(const char *s, size_t *val)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (!errno && end != s && *s != '-') {
		if (*end == 'k' || *end == 'K')
			n <<= 10, end++;
		else if (*end == 'm' || *end == 'M')
			n <<= 20, end++;
	}
	if (errno || end == s || *end || *s == '-' || !n ||
	    n > PERF_MAX_MSG) {
		err_msg("-l %s: want 1 to %d bytes (K and M suffixes)", s,
			PERF_MAX_MSG >> 20 << 20);
		return -1;
	}
	*val = n;
	return 0;
}

static int parse_cipher(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ciphers); i++) {
		if (!strcmp(s, ciphers[i].name)) {
			cfg.cipher = &ciphers[i];
			return 0;
		}
	}
	err_msg("--cipher %s: want aes128gcm, aes256gcm or chacha20", s);
	return -1;
}

enum {
	OPT_TCP = 256,
	OPT_KTLS,
	OPT_CIPHER,
	OPT_NO_1RTT,
	OPT_CERT,
	OPT_KEY,
	OPT_PSK,
	OPT_CA,
};

static int check_usage(void)
{
	if (!cfg.server == !cfg.client) {
		err_msg("want one of -s (server) and -c (client)");
		return -1;
	}
	if (cfg.handshakes && cfg.idle) {
		err_msg("--handshakes and --idle exclude each other");
		return -1;
	}
	if (cfg.mode != MODE_QUIC &&
	    (cfg.no_1rtt || cfg.cert || cfg.key || cfg.psk || cfg.ca ||
	     cfg.insecure)) {
		err_msg("--no-1rtt-crypto, --cert, --key, --psk, --ca and --insecure are for QUIC");
		return -1;
	}
	if (cfg.mode == MODE_TCP && cfg.cipher) {
		err_msg("--cipher: plain TCP has none");
		return -1;
	}
	if (cfg.mode == MODE_KTLS && !cfg.cipher)
		cfg.cipher = &ciphers[0];
	if (cfg.server) {
		if (cfg.cert || cfg.key || cfg.psk) {
			if (cfg.psk ? cfg.cert || cfg.key :
				      !cfg.cert || !cfg.key) {
				err_msg("a server wants --cert and --key, or --psk");
				return -1;
			}
		} else if (cfg.mode == MODE_QUIC) {
			err_msg("a QUIC server wants --cert and --key, or --psk");
			return -1;
		}
		if (cfg.ca || cfg.insecure || cfg.handshakes || cfg.idle) {
			err_msg("--ca, --insecure, --handshakes and --idle are client options");
			return -1;
		}
		return 0;
	}
	if (cfg.cert || cfg.key) {
		err_msg("--cert and --key are server options");
		return -1;
	}
	if (!!cfg.ca + !!cfg.insecure + !!cfg.psk > 1) {
		err_msg("--ca, --insecure and --psk exclude each other");
		return -1;
	}
	if ((cfg.idle || cfg.handshakes) && cfg.streams > 1) {
		err_msg("-P goes with a throughput run, not --idle or --handshakes");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server",	    required_argument, NULL, 's' },
		{ "client",	    required_argument, NULL, 'c' },
		{ "time",	    required_argument, NULL, 't' },
		{ "length",	    required_argument, NULL, 'l' },
		{ "parallel",	    required_argument, NULL, 'P' },
		{ "handshakes",	    required_argument, NULL, 'n' },
		{ "idle",	    required_argument, NULL, 'i' },
		{ "insecure",	    no_argument,       NULL, 'k' },
		{ "json",	    no_argument,       NULL, 'j' },
		{ "verbose",	    no_argument,       NULL, 'v' },
		{ "help",	    no_argument,       NULL, 'h' },
		{ "tcp",	    no_argument,       NULL, OPT_TCP },
		{ "ktls",	    no_argument,       NULL, OPT_KTLS },
		{ "cipher",	    required_argument, NULL, OPT_CIPHER },
		{ "no-1rtt-crypto", no_argument,       NULL, OPT_NO_1RTT },
		{ "cert",	    required_argument, NULL, OPT_CERT },
		{ "key",	    required_argument, NULL, OPT_KEY },
		{ "psk",	    required_argument, NULL, OPT_PSK },
		{ "ca",		    required_argument, NULL, OPT_CA },
		{}
	};
	unsigned long n;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "s:c:t:l:P:n:i:kjvh", opts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			cfg.server = optarg;
			break;
		case 'c':
			cfg.client = optarg;
			break;
		case 't':
			errno = 0;
			cfg.time = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    !isfinite(cfg.time) || cfg.time <= 0 ||
			    cfg.time > 86400) {
				err_msg("-t %s: want seconds, above 0", optarg);
				return 2;
			}
			break;
		case 'l':
			if (parse_size(optarg, &cfg.len))
				return 2;
			break;
		case 'P':
			if (parse_uint("-P", optarg, PERF_MAX_STREAMS, &n))
				return 2;
			cfg.streams = n;
			break;
		case 'n':
			if (parse_uint("--handshakes", optarg, 1000000, &n))
				return 2;
			cfg.handshakes = n;
			break;
		case 'i':
			if (parse_uint("--idle", optarg, 100000, &n))
				return 2;
			cfg.idle = n;
			break;
		case 'k':
			cfg.insecure = 1;
			break;
		case 'j':
			cfg.json = 1;
			break;
		case 'v':
			cfg.verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_TCP:
			cfg.mode = MODE_TCP;
			break;
		case OPT_KTLS:
			cfg.mode = MODE_KTLS;
			break;
		case OPT_CIPHER:
			if (parse_cipher(optarg))
				return 2;
			break;
		case OPT_NO_1RTT:
			cfg.no_1rtt = 1;
			break;
		case OPT_CERT:
			cfg.cert = optarg;
			break;
		case OPT_KEY:
			cfg.key = optarg;
			break;
		case OPT_PSK:
			cfg.psk = optarg;
			break;
		case OPT_CA:
			cfg.ca = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		err_msg("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (check_usage()) {
		err_msg("try 'quicperf --help'");
		return 2;
	}
	if (cfg.ca && access(cfg.ca, R_OK)) {
		err_msg("--ca %s: %s", cfg.ca, strerror(errno));
		return 1;
	}
	if (cfg.psk && access(cfg.psk, R_OK)) {
		err_msg("--psk %s: %s", cfg.psk, strerror(errno));
		return 1;
	}
	/* Results reach a pipe or a log as they happen. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	quic_set_log_level(cfg.verbose > 1 ? LOG_DEBUG : LOG_ERR);
	if (quic_set_cipher())
		return 1;
	ret = resolve(cfg.server ?: cfg.client, cfg.server);
	if (ret)
		return ret == -2 ? 2 : 1;
	return cfg.server ? run_server() : run_client();
}
