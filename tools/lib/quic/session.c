// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ready-made client and server handshakes: a GnuTLS session with X.509
 * certificates or a pre-shared key, TLS 1.3 only, ALPN, for one QUIC
 * socket (the library interface of draft-lxin-quic-socket-apis).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <gnutls/x509.h>

#include "netinet/quic.h"
#include "internal.h"

#define QUIC_PRIORITY_HEAD	"NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL"
#define QUIC_PRIORITY_TAIL	":%DISABLE_TLS13_COMPAT_MODE"
#define QUIC_PRIORITY_PSK	":+PSK:+ECDHE-PSK"
#define QUIC_CIPHERS		"AES-128-GCM:AES-256-GCM:CHACHA20-POLY1305"
#define QUIC_ALPN_MAX		8

struct quic_creds {
	gnutls_certificate_credentials_t	cert;
	gnutls_psk_client_credentials_t		psk_client;
	gnutls_psk_server_credentials_t		psk_server;
};

static void quic_creds_free(struct quic_creds *c)
{
	if (c->cert)
		gnutls_certificate_free_credentials(c->cert);
	if (c->psk_client)
		gnutls_psk_free_client_credentials(c->psk_client);
	if (c->psk_server)
		gnutls_psk_free_server_credentials(c->psk_server);
}

static int quic_file_error(const char *what, const char *file, int ret)
{
	quic_log(LOG_ERR, "%s %s: %s", what, file, gnutls_strerror(ret));
	return ret == GNUTLS_E_FILE_ERROR ? -ENOENT : -EINVAL;
}

/* The first "identity:hexkey" line of a PSK file, for a client. */
static int quic_psk_client(struct quic_creds *c, const char *file)
{
	char line[1024], *colon, *end;
	gnutls_datum_t key;
	FILE *f;
	int ret;

	f = fopen(file, "r");
	if (!f) {
		quic_log(LOG_ERR, "PSK file %s: %s", file, strerror(errno));
		return -errno;
	}
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		quic_log(LOG_ERR, "PSK file %s: empty", file);
		return -EINVAL;
	}
	fclose(f);
	colon = strchr(line, ':');
	if (!colon) {
		quic_log(LOG_ERR, "PSK file %s: want identity:hexkey", file);
		return -EINVAL;
	}
	*colon = '\0';
	end = colon + 1 + strcspn(colon + 1, "\r\n \t");
	*end = '\0';
	key.data = (unsigned char *)colon + 1;
	key.size = end - colon - 1;
	ret = gnutls_psk_allocate_client_credentials(&c->psk_client);
	if (!ret)
		ret = gnutls_psk_set_client_credentials(c->psk_client, line, &key,
							GNUTLS_PSK_KEY_HEX);
	gnutls_memset(line, 0, sizeof(line));
	if (ret)
		return quic_file_error("PSK file", file, ret);
	return 0;
}

static int quic_set_alpn(gnutls_session_t session, int fd, const char *alpns)
{
	gnutls_datum_t list[QUIC_ALPN_MAX];
	char buf[256], *save = NULL, *tok;
	socklen_t len = sizeof(buf) - 1;
	unsigned int n = 0;

	if (!alpns) {
		if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, buf, &len))
			return 0;
		buf[len] = '\0';
	} else {
		if (strlen(alpns) >= sizeof(buf))
			return -EINVAL;
		strcpy(buf, alpns);
		/* The kernel keeps the list too (an accept()ed socket's). */
		setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, buf, strlen(buf));
	}
	for (tok = strtok_r(buf, ",", &save); tok && n < QUIC_ALPN_MAX;
	     tok = strtok_r(NULL, ",", &save)) {
		list[n].data = (unsigned char *)tok;
		list[n++].size = strlen(tok);
	}
	if (!n)
		return 0;
	/* RFC 9001 section 8.1: no common protocol fails the handshake. */
	return gnutls_alpn_set_protocols(session, list, n,
					 GNUTLS_ALPN_MANDATORY) ? -EINVAL : 0;
}

static int quic_is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	       inet_pton(AF_INET6, host, buf) == 1;
}

static int quic_client_creds(gnutls_session_t s, struct quic_creds *c,
			     const struct quic_handshake_opts *o)
{
	int ret;

	if (o->psk_file) {
		ret = quic_psk_client(c, o->psk_file);
		if (ret)
			return ret;
		return gnutls_credentials_set(s, GNUTLS_CRD_PSK, c->psk_client) ?
		       -EINVAL : 0;
	}
	ret = gnutls_certificate_allocate_credentials(&c->cert);
	if (ret)
		return -ENOMEM;
	if (o->ca_file) {
		ret = gnutls_certificate_set_x509_trust_file(c->cert, o->ca_file,
							     GNUTLS_X509_FMT_PEM);
		if (ret < 0)
			return quic_file_error("CA file", o->ca_file, ret);
	} else if (!o->insecure) {
		ret = gnutls_certificate_set_x509_system_trust(c->cert);
		if (ret < 0)
			quic_log(LOG_NOTICE, "no system trust store: %s",
				 gnutls_strerror(ret));
	}
	if (o->cert_file && o->pkey_file) {
		ret = gnutls_certificate_set_x509_key_file(c->cert, o->cert_file,
							   o->pkey_file,
							   GNUTLS_X509_FMT_PEM);
		if (ret < 0)
			return quic_file_error("certificate", o->cert_file, ret);
	}
	if (gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, c->cert))
		return -EINVAL;
	if (o->hostname && !quic_is_ip_literal(o->hostname))
		gnutls_server_name_set(s, GNUTLS_NAME_DNS, o->hostname,
				       strlen(o->hostname));
	if (!o->insecure)
		gnutls_session_set_verify_cert(s, o->hostname, 0);
	return 0;
}

/*
 * A client's certificate, if it sent one (GnuTLS itself refuses a missing
 * one when it is required): it must chain to a trusted CA and be meant
 * for TLS clients. Non-zero fails the handshake.
 */
static int quic_verify_client(gnutls_session_t s)
{
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (void *)GNUTLS_KP_TLS_WWW_CLIENT,
	};
	unsigned int n = 0, status = 0;

	if (!gnutls_certificate_get_peers(s, &n) || !n)
		return 0;
	if (gnutls_certificate_verify_peers(s, &purpose, 1, &status) < 0 ||
	    status) {
		quic_log(LOG_ERR, "client certificate not trusted (status %#x)",
			 status);
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	return 0;
}

/*
 * QUIC_CONFIG.certificate_request of the socket: ask the client for a
 * certificate (1) or insist on one (2), verified against @o->ca_file or
 * the system's trust store (RFC 8446 section 4.3.2). A certificate that
 * does not verify fails the handshake either way.
 */
static int quic_server_client_auth(gnutls_session_t s, struct quic_creds *c,
				   const struct quic_handshake_opts *o, int fd)
{
	struct quic_config qc;
	socklen_t len = sizeof(qc);
	int ret;

	memset(&qc, 0, sizeof(qc));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &qc, &len) ||
	    !qc.certificate_request)
		return 0;
	if (o->ca_file) {
		ret = gnutls_certificate_set_x509_trust_file(c->cert, o->ca_file,
							     GNUTLS_X509_FMT_PEM);
		if (ret < 0)
			return quic_file_error("CA file", o->ca_file, ret);
	} else {
		ret = gnutls_certificate_set_x509_system_trust(c->cert);
		if (ret < 0)
			quic_log(LOG_NOTICE, "no system trust store: %s",
				 gnutls_strerror(ret));
	}
	gnutls_certificate_server_set_request(s, qc.certificate_request > 1 ?
						 GNUTLS_CERT_REQUIRE :
						 GNUTLS_CERT_REQUEST);
	gnutls_certificate_set_verify_function(c->cert, quic_verify_client);
	return 0;
}

static int quic_server_creds(gnutls_session_t s, struct quic_creds *c,
			     const struct quic_handshake_opts *o, int fd)
{
	int ret;

	if (o->psk_file) {
		if (gnutls_psk_allocate_server_credentials(&c->psk_server))
			return -ENOMEM;
		ret = gnutls_psk_set_server_credentials_file(c->psk_server,
							     o->psk_file);
		if (ret)
			return quic_file_error("PSK file", o->psk_file, ret);
		return gnutls_credentials_set(s, GNUTLS_CRD_PSK, c->psk_server) ?
		       -EINVAL : 0;
	}
	if (!o->cert_file || !o->pkey_file) {
		quic_log(LOG_ERR, "a server needs a certificate and key, or a PSK file");
		return -EINVAL;
	}
	if (gnutls_certificate_allocate_credentials(&c->cert))
		return -ENOMEM;
	ret = gnutls_certificate_set_x509_key_file(c->cert, o->cert_file,
						   o->pkey_file,
						   GNUTLS_X509_FMT_PEM);
	if (ret < 0)
		return quic_file_error("certificate/key", o->cert_file, ret);
	ret = quic_server_client_auth(s, c, o, fd);
	if (ret)
		return ret;
	return gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, c->cert) ?
	       -EINVAL : 0;
}

/*
 * The GnuTLS priority string for @ciphers (RFC 9001 section 5.3: QUIC
 * uses TLS 1.3 AEADs; the kernel has these three). Returns NULL, errno
 * set, for an unknown or empty cipher name.
 */
static char *quic_priority(const char *ciphers, int psk)
{
	static const char *const known[] = {
		"AES-128-GCM", "AES-256-GCM", "CHACHA20-POLY1305",
	};
	size_t len = sizeof(QUIC_PRIORITY_HEAD QUIC_PRIORITY_TAIL
			    QUIC_PRIORITY_PSK);
	const char *p = ciphers, *end;
	char *prio, *w;
	unsigned int i;

	len += 2 * strlen(ciphers) + 1;	/* each name gains ":+" */
	prio = malloc(len);
	if (!prio) {
		errno = ENOMEM;
		return NULL;
	}
	w = prio + sprintf(prio, "%s", QUIC_PRIORITY_HEAD);
	do {
		end = strchrnul(p, ':');
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
			if (strlen(known[i]) == (size_t)(end - p) &&
			    !strncasecmp(known[i], p, end - p))
				break;
		}
		if (i == sizeof(known) / sizeof(known[0])) {
			quic_log(LOG_ERR, "unknown cipher '%.*s' in '%s'",
				 (int)(end - p), p, ciphers);
			free(prio);
			errno = EINVAL;
			return NULL;
		}
		w += sprintf(w, ":+%s", known[i]);
		p = end + 1;
	} while (*end);
	sprintf(w, "%s%s", QUIC_PRIORITY_TAIL, psk ? QUIC_PRIORITY_PSK : "");
	return prio;
}

static int quic_run(int fd, const struct quic_handshake_opts *o, int server)
{
	unsigned int flags = GNUTLS_NO_END_OF_EARLY_DATA;
	const char *prio = getenv("QUIC_PRIORITY");
	struct quic_creds creds = {};
	char *own = NULL;
	gnutls_session_t s;
	int ret;

	flags |= server ? GNUTLS_SERVER : GNUTLS_CLIENT;
	/* 0-RTT (RFC 9001 section 4.6): servers take it from resumed
	 * sessions, clients offer it when asked to.
	 */
	if (server || o->early_data)
		flags |= GNUTLS_ENABLE_EARLY_DATA;
	if (gnutls_init(&s, flags))
		return -ENOMEM;
	ret = server ? quic_server_creds(s, &creds, o, fd) :
		       quic_client_creds(s, &creds, o);
	if (ret)
		goto out;
	if (!prio) {
		own = quic_priority(o->ciphers ? o->ciphers : QUIC_CIPHERS,
				    !!o->psk_file);
		ret = -errno;
		if (!own)
			goto out;
		prio = own;
	}
	ret = -EINVAL;
	if (gnutls_priority_set_direct(s, prio, NULL)) {
		quic_log(LOG_ERR, "bad priority string %s", prio);
		goto out;
	}
	ret = quic_set_alpn(s, fd, o->alpns);
	if (ret)
		goto out;
	/* Resumption: tickets issued by servers, taken by clients. */
	ret = server ? quic_ticket_server_setup(s, fd) :
		       quic_resume_prepare(s, fd, o->session_file);
	if (ret)
		goto out;
	ret = quic_session_attach(s, fd, server);
	if (ret)
		goto out;
	ret = quic_handshake_run(s, o->timeout_ms);
	if (ret || server)
		goto out;
	if (o->resumed)
		*o->resumed = !!gnutls_session_is_resumed(s);
	if (o->early_accepted)
		*o->early_accepted = !!(gnutls_session_get_flags(s) &
					GNUTLS_SFLAGS_EARLY_DATA);
	/* The connection is up even if no ticket comes to save. */
	if (o->session_file)
		quic_resume_save(s, fd, o->session_file, 0);
out:
	free(own);
	gnutls_deinit(s);
	quic_creds_free(&creds);
	return ret;
}

int quic_client_handshake_opts(int sockfd, const struct quic_handshake_opts *o)
{
	return quic_run(sockfd, o, 0);
}

int quic_server_handshake_opts(int sockfd, const struct quic_handshake_opts *o)
{
	return quic_run(sockfd, o, 1);
}

/* Draft interface: @pkey_file is a PSK file when given to a client. */
int quic_client_handshake(int sockfd, const char *pkey_file,
			  const char *hostname, const char *alpns)
{
	struct quic_handshake_opts o = {
		.hostname = hostname,
		.alpns = alpns,
		.psk_file = pkey_file,
	};

	return quic_client_handshake_opts(sockfd, &o);
}

/* Draft interface: no @cert_file means @pkey_file is a PSK file. */
int quic_server_handshake(int sockfd, const char *pkey_file,
			  const char *cert_file, const char *alpns)
{
	struct quic_handshake_opts o = {
		.alpns = alpns,
		.cert_file = cert_file,
		.pkey_file = cert_file ? pkey_file : NULL,
		.psk_file = cert_file ? NULL : pkey_file,
	};

	return quic_server_handshake_opts(sockfd, &o);
}
