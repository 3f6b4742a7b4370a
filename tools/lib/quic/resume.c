// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Session resumption (RFC 8446 section 2.2, RFC 9001 section 4.5).
 *
 * Server: GnuTLS issues tickets protected with the key of the socket's
 * QUIC_SOCKOPT_SESSION_TICKET (a listener's is inherited by the sockets it
 * accepts), or with a key made once per process. They allow 0-RTT (RFC
 * 9001 section 4.6.1), which a resumed session's ClientHello may bring;
 * RFC 8446 section 8's anti-replay keeps, per process, the ClientHellos
 * seen in the last 10 s: one seen before has its early data refused.
 *
 * Client: a session file holds what one connection leaves for the next:
 * the GnuTLS session state made from the server's NewSessionTicket, which
 * the kernel keeps for us once the handshake is over, and the server's
 * transport parameters (RFC 9000 section 7.4.1). Format, all lengths
 * big-endian 32-bit: "QSES", length, session state, length, struct
 * quic_transport_param.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "netinet/quic.h"
#include "internal.h"

#define QUIC_SESSION_MAGIC	"QSES"
#define QUIC_SESSION_MAX	(16 * 1024)
#define QUIC_TICKET_WAIT_MS	2000
#define QUIC_TICKET_MAX		4096	/* the kernel's bound */
#define QUIC_TICKET_KEY_LEN	64	/* gnutls_session_ticket_key_generate */
#define QUIC_REPLAY_SLOTS	4096

static gnutls_datum_t quic_process_key;
static gnutls_anti_replay_t quic_anti_replay;
static int quic_process_key_err;
static pthread_once_t quic_process_key_once = PTHREAD_ONCE_INIT;

/* ClientHellos seen (hashes of GnuTLS's keys, which name the window). */
static uint64_t quic_replay_seen[QUIC_REPLAY_SLOTS];
static unsigned int quic_replay_next;
static pthread_mutex_t quic_replay_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t quic_hash(const gnutls_datum_t *d)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	unsigned int i;

	for (i = 0; i < d->size; i++)
		h = (h ^ d->data[i]) * 1099511628211ULL;
	return h | 1;	/* 0 is a free slot */
}

/* GnuTLS's anti-replay store: GNUTLS_E_DB_ENTRY_EXISTS for a replay. */
static int quic_replay_add(void *ptr, time_t exp, const gnutls_datum_t *key,
			   const gnutls_datum_t *data)
{
	uint64_t h = quic_hash(key);
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&quic_replay_lock);
	for (i = 0; i < QUIC_REPLAY_SLOTS; i++) {
		if (quic_replay_seen[i] == h) {
			ret = GNUTLS_E_DB_ENTRY_EXISTS;
			break;
		}
	}
	if (!ret) {
		quic_replay_seen[quic_replay_next] = h;
		quic_replay_next = (quic_replay_next + 1) % QUIC_REPLAY_SLOTS;
	}
	pthread_mutex_unlock(&quic_replay_lock);
	return ret;
}

static void quic_process_key_make(void)
{
	quic_process_key_err =
		gnutls_session_ticket_key_generate(&quic_process_key);
	if (!quic_process_key_err)
		quic_process_key_err = gnutls_anti_replay_init(&quic_anti_replay);
	if (!quic_process_key_err)
		gnutls_anti_replay_set_add_function(quic_anti_replay,
						    quic_replay_add);
}

/**
 * quic_ticket_server_setup - let a server session issue and take tickets
 * @s: the server session
 * @fd: its socket
 *
 * Return: 0 or a negative errno.
 */
int quic_ticket_server_setup(gnutls_session_t s, int fd)
{
	unsigned char key[QUIC_TICKET_MAX];
	socklen_t len = sizeof(key);
	gnutls_datum_t k;

	pthread_once(&quic_process_key_once, quic_process_key_make);
	if (quic_process_key_err)
		return -ENOMEM;
	/* RFC 9001 section 4.6.1: tickets that allow 0-RTT say 0xffffffff. */
	gnutls_record_set_max_early_data_size(s, 0xffffffffu);
	gnutls_anti_replay_enable(s, quic_anti_replay);
	if (!getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, key, &len) &&
	    len == QUIC_TICKET_KEY_LEN) {
		k.data = key;
		k.size = len;
		return gnutls_session_ticket_enable_server(s, &k) ? -EINVAL : 0;
	}
	if (len && len != QUIC_TICKET_KEY_LEN)
		quic_log(LOG_NOTICE, "ticket key of %u bytes ignored (want %d)",
			 len, QUIC_TICKET_KEY_LEN);
	return gnutls_session_ticket_enable_server(s, &quic_process_key) ?
	       -EINVAL : 0;
}

static uint32_t quic_get_be32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static void quic_put_be32(unsigned char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

/*
 * Read @file into @buf. Returns its length, 0 when it does not exist or
 * is empty (nothing to resume), or a negative errno.
 */
static ssize_t quic_session_read(const char *file, unsigned char *buf,
				 size_t size)
{
	ssize_t n, len = 0;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	while ((n = read(fd, buf + len, size - len)) > 0) {
		len += n;
		if ((size_t)len == size) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	return n < 0 ? -errno : len;
}

/*
 * The session of @file: *@state points into a per-thread buffer. Returns
 * 1, 0 when there is none (no file, or empty), or a negative errno.
 */
static int quic_session_load(const char *file, gnutls_datum_t *state,
			     struct quic_transport_param *tp)
{
	static __thread unsigned char buf[QUIC_SESSION_MAX];
	uint32_t slen, tlen;
	ssize_t len;

	len = quic_session_read(file, buf, sizeof(buf));
	if (len < 0) {
		quic_log(LOG_ERR, "session file %s: %s", file, strerror(-len));
		return len;
	}
	if (!len)
		return 0;
	if (len < 12 || memcmp(buf, QUIC_SESSION_MAGIC, 4))
		goto bad;
	slen = quic_get_be32(buf + 4);
	if (slen > (size_t)len - 12)
		goto bad;
	tlen = quic_get_be32(buf + 8 + slen);
	if (tlen > sizeof(*tp) || 12 + slen + tlen != (size_t)len)
		goto bad;
	memset(tp, 0, sizeof(*tp));
	memcpy(tp, buf + 12 + slen, tlen);
	tp->remote = 1;
	state->data = buf + 8;
	state->size = slen;
	return 1;
bad:
	quic_log(LOG_ERR, "session file %s: not a QUIC session", file);
	return -EINVAL;
}

static int quic_session_set_params(int fd, const char *file,
				   const struct quic_transport_param *tp)
{
	if (!setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, tp,
			sizeof(*tp)))
		return 0;
	quic_log(LOG_ERR, "session file %s: its transport parameters: %s",
		 file, strerror(errno));
	return -errno;
}

/**
 * quic_session_params - ready a connected client socket for early data
 * @sockfd: the socket, after connect() and before the handshake
 * @session_file: the session file of quic_handshake_opts
 *
 * Sets the server's parameters the session remembered (RFC 9000 section
 * 7.4.1), so that stream data and datagrams written from now on go in
 * 0-RTT packets (quic_handshake_opts.early_data).
 *
 * Return: 1 when the file holds a session, 0 when it holds none, or a
 * negative errno.
 */
int quic_session_params(int sockfd, const char *session_file)
{
	struct quic_transport_param tp;
	gnutls_datum_t state;
	int ret;

	ret = quic_session_load(session_file, &state, &tp);
	if (ret == 1) {
		gnutls_memset(state.data, 0, state.size);
		ret = quic_session_set_params(sockfd, session_file, &tp);
		return ret ?: 1;
	}
	return ret;
}

/**
 * quic_resume_prepare - a client resumes the session of @file
 * @s: the client session, before its handshake
 * @fd: its socket, before connect()'s handshake runs
 * @file: the session file, or NULL for the session state the application
 *	set with QUIC_SOCKOPT_SESSION_TICKET
 *
 * A missing or empty file means a full handshake. The socket's ticket
 * option is cleared, so that what it holds after the handshake is the new
 * ticket only.
 *
 * Return: 0 or a negative errno (a malformed file is -EINVAL).
 */
int quic_resume_prepare(gnutls_session_t s, int fd, const char *file)
{
	static __thread unsigned char buf[QUIC_TICKET_MAX];
	struct quic_transport_param tp;
	gnutls_datum_t d;
	socklen_t optlen;
	int ret;

	if (file) {
		ret = quic_session_load(file, &d, &tp);
		if (ret <= 0)
			return ret;
		ret = quic_session_set_params(fd, file, &tp);
		if (ret) {
			gnutls_memset(d.data, 0, d.size);
			return ret;
		}
	} else {
		optlen = sizeof(buf);
		if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, buf,
			       &optlen) || !optlen)
			return 0;
		d.data = buf;
		d.size = optlen;
	}
	ret = gnutls_session_set_data(s, d.data, d.size);
	gnutls_memset(d.data, 0, d.size);
	if (ret) {
		quic_log(LOG_ERR, "session state: %s", gnutls_strerror(ret));
		return -EINVAL;
	}
	setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, NULL, 0);
	return 0;
}

static int quic_session_write(const char *file, const gnutls_datum_t *d,
			      const struct quic_transport_param *tp)
{
	size_t len = 12 + d->size + sizeof(*tp);
	unsigned char *buf = malloc(len);
	char tmp[4096];
	int fd, err = 0;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, QUIC_SESSION_MAGIC, 4);
	quic_put_be32(buf + 4, d->size);
	memcpy(buf + 8, d->data, d->size);
	quic_put_be32(buf + 8 + d->size, sizeof(*tp));
	memcpy(buf + 12 + d->size, tp, sizeof(*tp));
	/* Whole or not at all: a new file renamed over the old. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp)) {
		free(buf);
		return -ENAMETOOLONG;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		err = -errno;
	else if (write(fd, buf, len) != (ssize_t)len)
		err = errno ? -errno : -EIO;
	if (fd >= 0 && close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, file))
		err = -errno;
	if (err && fd >= 0)
		unlink(tmp);
	gnutls_memset(buf, 0, len);
	free(buf);
	return err;
}

/**
 * quic_resume_save - keep the session of a finished client handshake
 * @s: the session
 * @fd: its socket
 * @file: where to save it
 * @timeout_ms: how long to wait for the server's ticket, 0 for the
 *	socket's QUIC_CONFIG.receive_session_ticket seconds, or else 2 s
 *
 * The server's NewSessionTicket comes a round trip after the handshake;
 * the kernel keeps it (QUIC_SOCKOPT_SESSION_TICKET) and GnuTLS turns it
 * into session state.
 *
 * Return: 0, -ETIMEDOUT when no ticket came, or a negative errno.
 */
int quic_resume_save(gnutls_session_t s, int fd, const char *file,
		     int timeout_ms)
{
	static __thread unsigned char nst[QUIC_TICKET_MAX];
	struct quic_transport_param tp = { .remote = 1 };
	struct timespec step = { 0, 2000000 };
	socklen_t len = 0;
	gnutls_datum_t d;
	int waited, ret;

	if (timeout_ms <= 0) {
		struct quic_config cfg = {};
		socklen_t clen = sizeof(cfg);

		timeout_ms = QUIC_TICKET_WAIT_MS;
		if (!getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &clen) &&
		    cfg.receive_session_ticket)
			timeout_ms = cfg.receive_session_ticket * 1000;
	}
	for (waited = 0; waited < timeout_ms; waited += 2) {
		len = sizeof(nst);
		if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, nst,
			       &len))
			return -errno;
		if (len)
			break;
		nanosleep(&step, NULL);
	}
	if (!len) {
		quic_log(LOG_NOTICE, "no session ticket from the server in %d ms",
			 timeout_ms);
		return -ETIMEDOUT;
	}
	ret = gnutls_handshake_write(s, GNUTLS_ENCRYPTION_LEVEL_APPLICATION,
				     nst, len);
	if (ret) {
		quic_log(LOG_ERR, "the server's session ticket: %s",
			 gnutls_strerror(ret));
		return -EPROTO;
	}
	ret = gnutls_session_get_data2(s, &d);
	if (ret) {
		quic_log(LOG_ERR, "session state: %s", gnutls_strerror(ret));
		return -EINVAL;
	}
	len = sizeof(tp);
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp, &len)) {
		ret = -errno;
	} else {
		ret = quic_session_write(file, &d, &tp);
		if (ret)
			quic_log(LOG_ERR, "session file %s: %s", file,
				 strerror(-ret));
	}
	gnutls_memset(d.data, 0, d.size);
	gnutls_free(d.data);
	return ret;
}
