// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The QUIC handshake (RFC 9001 section 4) driven by GnuTLS over an
 * IPPROTO_QUIC socket: TLS handshake messages cross the socket with the
 * QUIC_HANDSHAKE_INFO cmsg, traffic secrets go to the kernel with
 * QUIC_SOCKOPT_CRYPTO_SECRET, and the quic_transport_parameters extension
 * (0x39) is built and checked by the kernel (QUIC_SOCKOPT_TRANSPORT_PARAM_EXT).
 */

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <linux/tls.h>

#include "netinet/quic.h"
#include "internal.h"

#define QUIC_TLSEXT_TP		0x39	/* RFC 9001 section 8.2 */
#define QUIC_HS_TIMEOUT_MS	15000
#define QUIC_HS_MSG_MAX		(64 * 1024)
#define QUIC_ALERT_INTERNAL	80	/* RFC 8446 internal_error */

static int quic_log_level = LOG_ERR;

int quic_set_log_level(int level)
{
	int old = quic_log_level;

	quic_log_level = level;
	return old;
}

void quic_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > quic_log_level)
		return;
	va_start(ap, fmt);
	fputs("quic: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

struct quic_hs_msg {
	struct quic_hs_msg	*next;
	uint8_t			level;
	size_t			len;
	uint8_t			data[];
};

/* Handshake state, kept as the private data of the 0x39 extension. */
struct quic_hs {
	int			fd;
	int			server;
	int			done;
	int			alert;		/* alert GnuTLS raised, -1 none */
	struct quic_hs_msg	*out;
	struct quic_hs_msg	**out_tail;
	/* Client: the 0-RTT key waits until the ClientHello is out. */
	uint8_t			early_secret[QUIC_CRYPTO_SECRET_BUFFER_SIZE];
	size_t			early_len;
	uint32_t		early_type;
};

static struct quic_hs *quic_hs_get(gnutls_session_t session)
{
	gnutls_ext_priv_data_t data = NULL;

	if (gnutls_ext_get_data(session, QUIC_TLSEXT_TP, &data))
		return NULL;
	return data;
}

static uint8_t quic_level(gnutls_record_encryption_level_t level)
{
	switch (level) {
	case GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE:
		return QUIC_CRYPTO_HANDSHAKE;
	case GNUTLS_ENCRYPTION_LEVEL_APPLICATION:
		return QUIC_CRYPTO_APP;
	case GNUTLS_ENCRYPTION_LEVEL_EARLY:
		return QUIC_CRYPTO_EARLY;
	default:
		return QUIC_CRYPTO_INITIAL;
	}
}

static gnutls_record_encryption_level_t quic_tls_level(uint8_t level)
{
	switch (level) {
	case QUIC_CRYPTO_HANDSHAKE:
		return GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE;
	case QUIC_CRYPTO_APP:
		return GNUTLS_ENCRYPTION_LEVEL_APPLICATION;
	case QUIC_CRYPTO_EARLY:
		return GNUTLS_ENCRYPTION_LEVEL_EARLY;
	default:
		return GNUTLS_ENCRYPTION_LEVEL_INITIAL;
	}
}

static uint32_t quic_cipher_type(gnutls_cipher_algorithm_t c)
{
	switch (c) {
	case GNUTLS_CIPHER_AES_128_GCM:
		return TLS_CIPHER_AES_GCM_128;
	case GNUTLS_CIPHER_AES_256_GCM:
		return TLS_CIPHER_AES_GCM_256;
	case GNUTLS_CIPHER_CHACHA20_POLY1305:
		return TLS_CIPHER_CHACHA20_POLY1305;
	default:
		return 0;
	}
}

static int quic_install(int fd, uint8_t level, int send, uint32_t type,
			const void *secret, size_t len)
{
	struct quic_crypto_secret s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.send = send;
	s.level = level;
	s.type = type;
	memcpy(s.secret, secret, len);
	ret = setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CRYPTO_SECRET, &s, sizeof(s));
	gnutls_memset(&s, 0, sizeof(s));
	if (ret)
		quic_log(LOG_ERR, "installing the %s secret of level %u: %s",
			 send ? "send" : "receive", level, strerror(errno));
	return ret;
}

/* GnuTLS derived traffic secrets: the kernel makes the keys. */
static int quic_secret_cb(gnutls_session_t session,
			  gnutls_record_encryption_level_t tls_level,
			  const void *rx, const void *tx, size_t len)
{
	struct quic_hs *hs = quic_hs_get(session);
	uint8_t level = quic_level(tls_level);
	uint32_t type;

	if (!hs)
		return -1;
	if (level == QUIC_CRYPTO_EARLY) {
		/* RFC 9001 section 4.6.1: the cipher of the resumed session. */
		type = quic_cipher_type(gnutls_early_cipher_get(session));
		if (!type || len > sizeof(hs->early_secret))
			return -1;
		if (hs->server)
			return rx ? quic_install(hs->fd, level, 0, type, rx, len) : 0;
		/* 0-RTT packets must not overtake the Initial that lets the
		 * server know the connection: installed after the flush.
		 */
		if (tx) {
			memcpy(hs->early_secret, tx, len);
			hs->early_len = len;
			hs->early_type = type;
		}
		return 0;
	}
	type = quic_cipher_type(gnutls_cipher_get(session));
	if (!type || len > QUIC_CRYPTO_SECRET_BUFFER_SIZE) {
		quic_log(LOG_ERR, "unsupported cipher for QUIC");
		return -1;
	}
	quic_log(LOG_DEBUG, "secrets level %u: rx %d tx %d", level, !!rx, !!tx);
	/* Send first: installing the 1-RTT receive key ends the handshake. */
	if (tx && quic_install(hs->fd, level, 1, type, tx, len))
		return -1;
	if (rx && quic_install(hs->fd, level, 0, type, rx, len))
		return -1;
	return 0;
}

/* GnuTLS wrote a handshake message: queue it for its level. */
static int quic_read_cb(gnutls_session_t session,
			gnutls_record_encryption_level_t tls_level,
			gnutls_handshake_description_t htype,
			const void *data, size_t len)
{
	struct quic_hs *hs = quic_hs_get(session);
	struct quic_hs_msg *m;

	if (!hs)
		return -1;
	if (htype == GNUTLS_HANDSHAKE_KEY_UPDATE)
		return 0;	/* QUIC has its own (RFC 9001 section 6) */
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -1;
	m->next = NULL;
	m->level = quic_level(tls_level);
	m->len = len;
	memcpy(m->data, data, len);
	*hs->out_tail = m;
	hs->out_tail = &m->next;
	return 0;
}

/* RFC 9001 section 4.8: alerts become CONNECTION_CLOSE 0x100 + alert. */
static int quic_alert_cb(gnutls_session_t session,
			 gnutls_record_encryption_level_t level,
			 gnutls_alert_level_t alert_level,
			 gnutls_alert_description_t desc)
{
	struct quic_hs *hs = quic_hs_get(session);

	if (hs && hs->alert < 0)
		hs->alert = desc;
	return 0;
}

static int quic_tp_recv(gnutls_session_t session, const unsigned char *buf,
			size_t len)
{
	struct quic_hs *hs = quic_hs_get(session);

	if (!hs || setsockopt(hs->fd, SOL_QUIC,
			      QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, buf, len)) {
		quic_log(LOG_ERR, "the peer's transport parameters: %s",
			 strerror(errno));
		return GNUTLS_E_RECEIVED_ILLEGAL_EXTENSION;
	}
	return 0;
}

static int quic_tp_send(gnutls_session_t session, gnutls_buffer_t extdata)
{
	struct quic_hs *hs = quic_hs_get(session);
	unsigned char buf[512];
	socklen_t len = sizeof(buf);

	if (!hs || getsockopt(hs->fd, SOL_QUIC,
			      QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, buf, &len)) {
		quic_log(LOG_ERR, "our transport parameters: %s",
			 strerror(errno));
		return GNUTLS_E_INTERNAL_ERROR;
	}
	return gnutls_buffer_append_data(extdata, buf, len);
}

static void quic_hs_deinit(void *data)
{
	struct quic_hs *hs = data;
	struct quic_hs_msg *m;

	if (hs)
		gnutls_memset(hs->early_secret, 0, sizeof(hs->early_secret));
	while (hs && (m = hs->out)) {
		hs->out = m->next;
		free(m);
	}
	free(hs);
}

/*
 * SSLKEYLOGFILE: the TLS secrets in NSS key log format, so that
 * Wireshark and tshark can decrypt captures. Read per session, so a
 * process may set it at any time.
 */
static int quic_keylog_cb(gnutls_session_t session, const char *label,
			  const gnutls_datum_t *secret)
{
	const char *file = getenv("SSLKEYLOGFILE");
	gnutls_datum_t crandom, srandom;
	unsigned int i;
	FILE *f;

	if (!file || !*file)
		return 0;
	f = fopen(file, "a");
	if (!f)
		return 0;
	gnutls_session_get_random(session, &crandom, &srandom);
	fprintf(f, "%s ", label);
	for (i = 0; i < crandom.size; i++)
		fprintf(f, "%02x", crandom.data[i]);
	fputc(' ', f);
	for (i = 0; i < secret->size; i++)
		fprintf(f, "%02x", secret->data[i]);
	fputc('\n', f);
	fclose(f);
	return 0;
}

/* GnuTLS must not touch the socket itself: everything goes through us. */
static ssize_t quic_no_pull(gnutls_transport_ptr_t ptr, void *data,
			    size_t len)
{
	errno = EAGAIN;
	return -1;
}

static ssize_t quic_no_push(gnutls_transport_ptr_t ptr, const void *data,
			    size_t len)
{
	return len;
}

static int quic_send_level(int fd, uint8_t level, const void *data,
			   size_t len)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_handshake_info))];
	struct iovec iov = { (void *)data, len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cmsg;

	memset(ctl, 0, sizeof(ctl));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_HANDSHAKE_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(struct quic_handshake_info));
	((struct quic_handshake_info *)CMSG_DATA(cmsg))->crypto_level = level;
	return sendmsg(fd, &msg, 0) == (ssize_t)len ? 0 : -1;
}

static int quic_flush(struct quic_hs *hs)
{
	struct quic_hs_msg *m;

	while ((m = hs->out)) {
		if (quic_send_level(hs->fd, m->level, m->data, m->len)) {
			quic_log(LOG_ERR, "sending handshake data: %s",
				 strerror(errno));
			return -errno;
		}
		hs->out = m->next;
		free(m);
	}
	hs->out_tail = &hs->out;
	/* The ClientHello went: 0-RTT may follow it (RFC 9001 section 4.6). */
	if (hs->early_len) {
		int ret = quic_install(hs->fd, QUIC_CRYPTO_EARLY, 1,
				       hs->early_type, hs->early_secret,
				       hs->early_len);

		gnutls_memset(hs->early_secret, 0, sizeof(hs->early_secret));
		hs->early_len = 0;
		if (ret)
			return -errno;
	}
	return 0;
}

/* Wait for and feed one piece of handshake data; 0 or a negative errno. */
static int quic_feed(gnutls_session_t session, struct quic_hs *hs,
		     int timeout_ms)
{
	static __thread unsigned char buf[QUIC_HS_MSG_MAX];
	char ctl[CMSG_SPACE(sizeof(struct quic_handshake_info))];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct pollfd pfd = { hs->fd, POLLIN, 0 };
	struct cmsghdr *cmsg;
	uint8_t level;
	ssize_t n;
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (!ret)
		return -ETIMEDOUT;
	n = recvmsg(hs->fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (!n)
		return -ECONNRESET;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_QUIC ||
	    cmsg->cmsg_type != QUIC_HANDSHAKE_INFO) {
		quic_log(LOG_ERR, "stream data during the handshake");
		return -EPROTO;
	}
	level = ((struct quic_handshake_info *)CMSG_DATA(cmsg))->crypto_level;
	ret = gnutls_handshake_write(session, quic_tls_level(level), buf, n);
	if (ret && gnutls_error_is_fatal(ret)) {
		quic_log(LOG_ERR, "handshake failed: %s", gnutls_strerror(ret));
		return -EPROTO;
	}
	return 0;
}

/* Tell the kernel how to close: with the alert, or internal_error. */
static void quic_fail(struct quic_hs *hs, int gnutls_err)
{
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc;
	int alert = hs->alert >= 0 ? hs->alert : QUIC_ALERT_INTERNAL;
	int tls_level, mapped;

	/* The alert TLS would send for the error (RFC 8446 section 6.2):
	 * bad_certificate for a certificate that does not verify,
	 * no_application_protocol for ALPN, and so on.
	 */
	if (hs->alert < 0 && gnutls_err < 0) {
		mapped = gnutls_error_to_alert(gnutls_err, &tls_level);
		if (mapped >= 0)
			alert = mapped;
	}
	memset(&cc, 0, sizeof(cc));
	cc.c.errcode = QUIC_TRANSPORT_ERROR_CRYPTO + alert;
	snprintf((char *)cc.c.phrase, sizeof(cc.phrase), "tls alert %d", alert);
	setsockopt(hs->fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
		   sizeof(cc.c) + strlen((char *)cc.c.phrase) + 1);
}

static long quic_ms_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (end->tv_sec - now.tv_sec) * 1000 +
	       (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* Why a connection the peer closed failed, from its CONNECTION_CLOSE. */
static void quic_log_peer_close(int fd)
{
	struct {
		struct quic_connection_close c;
		char phrase[256];
	} cc;
	socklen_t len = sizeof(cc);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &len))
		return;
	if (cc.c.errcode >= QUIC_TRANSPORT_ERROR_CRYPTO && cc.c.errcode <= 0x1ff)
		quic_log(LOG_ERR, "the peer closed the connection: TLS alert %u (%s)",
			 cc.c.errcode - QUIC_TRANSPORT_ERROR_CRYPTO,
			 gnutls_alert_get_strname(cc.c.errcode -
						  QUIC_TRANSPORT_ERROR_CRYPTO) ?: "?");
	else
		quic_log(LOG_ERR, "the peer closed the connection: error %#x %s",
			 cc.c.errcode, (char *)cc.c.phrase);
}

static int quic_store_alpn(gnutls_session_t session, int fd)
{
	gnutls_datum_t alpn;
	char buf[256];

	if (gnutls_alpn_get_selected_protocol(session, &alpn))
		return 0;
	if (alpn.size >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, alpn.data, alpn.size);
	buf[alpn.size] = '\0';
	quic_log(LOG_DEBUG, "ALPN %s", buf);
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, buf, alpn.size) ?
	       -errno : 0;
}

int quic_handshake_run(gnutls_session_t session, int timeout_ms)
{
	struct quic_hs *hs = quic_hs_get(session);
	struct timespec end;
	long left;
	int ret = 0, err;

	if (!hs)
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &end);
	timeout_ms = timeout_ms > 0 ? timeout_ms : QUIC_HS_TIMEOUT_MS;
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	if (!hs->server) {
		/* The ClientHello. */
		ret = gnutls_handshake(session);
		if (ret && gnutls_error_is_fatal(ret))
			goto tls_fail;
	}
	for (;;) {
		err = quic_flush(hs);
		if (err)
			return err;
		if (hs->done)
			break;
		left = quic_ms_left(&end);
		if (left <= 0) {
			quic_log(LOG_ERR, "handshake timed out after %d ms",
				 timeout_ms);
			return -ETIMEDOUT;
		}
		err = quic_feed(session, hs, left);
		if (err == -EPROTO && hs->alert < 0)
			goto tls_fail_errno;
		if (err) {
			if (err == -ECONNREFUSED || err == -ECONNRESET ||
			    err == -EPROTO)
				quic_log_peer_close(hs->fd);
			else if (err != -ETIMEDOUT)
				quic_log(LOG_ERR, "handshake: %s", strerror(-err));
			else
				quic_log(LOG_ERR, "handshake timed out after %d ms",
					 timeout_ms);
			if (hs->alert >= 0)
				quic_fail(hs, 0);
			return err;
		}
		ret = gnutls_handshake(session);
		if (!ret)
			hs->done = 1;
		else if (gnutls_error_is_fatal(ret))
			goto tls_fail;
	}
	return quic_store_alpn(session, hs->fd);

tls_fail:
	if (ret == GNUTLS_E_NO_APPLICATION_PROTOCOL)
		quic_log(LOG_ERR, "handshake failed: no common application protocol (ALPN)");
	else
		quic_log(LOG_ERR, "handshake failed: %s", gnutls_strerror(ret));
tls_fail_errno:
	quic_fail(hs, ret);
	quic_flush(hs);
	return -EPROTO;
}

/**
 * quic_session_attach - make a GnuTLS session drive a QUIC socket
 * @session: the session (client or server), credentials set by the caller
 * @fd: the socket
 * @server: the session is a server's
 *
 * Return: 0 or a negative errno.
 */
int quic_session_attach(gnutls_session_t session, int fd, int server)
{
	struct quic_hs *hs;
	int ret;

	hs = calloc(1, sizeof(*hs));
	if (!hs)
		return -ENOMEM;
	hs->fd = fd;
	hs->server = server;
	hs->alert = -1;
	hs->out_tail = &hs->out;
	ret = gnutls_session_ext_register(session, "quic_transport_parameters",
					  QUIC_TLSEXT_TP, GNUTLS_EXT_TLS,
					  quic_tp_recv, quic_tp_send,
					  quic_hs_deinit, NULL, NULL,
					  GNUTLS_EXT_FLAG_TLS |
					  GNUTLS_EXT_FLAG_CLIENT_HELLO |
					  GNUTLS_EXT_FLAG_EE);
	if (ret) {
		free(hs);
		quic_log(LOG_ERR, "registering the transport parameters: %s",
			 gnutls_strerror(ret));
		return -EINVAL;
	}
	gnutls_ext_set_data(session, QUIC_TLSEXT_TP, hs);
	gnutls_handshake_set_secret_function(session, quic_secret_cb);
	gnutls_handshake_set_read_function(session, quic_read_cb);
	gnutls_alert_set_read_function(session, quic_alert_cb);
	gnutls_session_set_keylog_function(session, quic_keylog_cb);
	gnutls_transport_set_int(session, fd);
	gnutls_transport_set_pull_function(session, quic_no_pull);
	gnutls_transport_set_push_function(session, quic_no_push);
	return 0;
}

/**
 * quic_handshake - run the handshake of a session set up by the caller
 * @session: a GnuTLS session with credentials, priorities and ALPN set,
 *	its transport the QUIC socket (gnutls_transport_set_int())
 *
 * Return: 0, or a negative errno.
 */
int quic_handshake(gnutls_session_t session)
{
	unsigned int flags = gnutls_session_get_flags(session);
	int fd = gnutls_transport_get_int(session), ret, server;
	uint8_t token[8];
	socklen_t len = sizeof(token);

	(void)flags;
	/* A server's socket has no token to give (QUIC_SOCKOPT_TOKEN). */
	server = getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, token, &len) != 0;
	if (!quic_hs_get(session)) {
		ret = quic_session_attach(session, fd, server);
		if (ret)
			return ret;
	}
	return quic_handshake_run(session, 0);
}
