/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libquic: the TLS 1.3 handshake of in-kernel QUIC sockets, run in user
 * space with GnuTLS (RFC 9001 section 4), and stream message helpers.
 * Source compatible with the library interface that accompanies
 * draft-lxin-quic-socket-apis; see libquic(3).
 */

#ifndef __NETINET_QUIC_H
#define __NETINET_QUIC_H

#include <stdint.h>
#include <sys/types.h>
#include <gnutls/gnutls.h>
#include <linux/quic.h>

#ifndef IPPROTO_QUIC
#define IPPROTO_QUIC	261
#endif
#ifndef SOL_QUIC
#define SOL_QUIC	288
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct quic_handshake_opts - everything a handshake can be told
 * @hostname: server name: sent as SNI and checked against the certificate
 * @alpns: comma-separated ALPN list, or NULL for the socket's
 *	QUIC_SOCKOPT_ALPN list
 * @ca_file: PEM CA certificates to trust instead of the system store (a
 *	server: for client certificates, see QUIC_CONFIG.certificate_request)
 * @cert_file: PEM certificate chain (server; client certificate)
 * @pkey_file: PEM private key of @cert_file
 * @psk_file: "identity:hexkey" lines; use a pre-shared key instead of
 *	certificates
 * @insecure: client: do not verify the server's certificate
 * @timeout_ms: give up after this long, 0 for 15 s
 * @session_file: client: resume the session saved in this file, if it
 *	holds one, and save the session of this connection there (waiting
 *	up to 2 s after the handshake for the server's ticket)
 * @resumed: client: if not NULL, set to 1 when the session was resumed
 *	(no certificate exchanged), else 0
 * @early_data: client: offer 0-RTT when resuming; the stream data and
 *	datagrams written before the handshake go in 0-RTT packets
 * @early_accepted: client: if not NULL, set to 1 when the server took
 *	the 0-RTT data, else 0 (what was sent in it is sent again in 1-RTT)
 * @ciphers: colon-separated TLS 1.3 ciphers to offer or accept, from
 *	AES-128-GCM, AES-256-GCM and CHACHA20-POLY1305, in order of
 *	preference; NULL for all three
 */
struct quic_handshake_opts {
	const char	*hostname;
	const char	*alpns;
	const char	*ca_file;
	const char	*cert_file;
	const char	*pkey_file;
	const char	*psk_file;
	int		insecure;
	int		timeout_ms;
	const char	*session_file;
	int		*resumed;
	int		early_data;
	int		*early_accepted;
	const char	*ciphers;
};

int quic_client_handshake(int sockfd, const char *pkey_file,
			  const char *hostname, const char *alpns);
int quic_server_handshake(int sockfd, const char *pkey_file,
			  const char *cert_file, const char *alpns);
int quic_client_handshake_opts(int sockfd,
			       const struct quic_handshake_opts *opts);
int quic_server_handshake_opts(int sockfd,
			       const struct quic_handshake_opts *opts);
int quic_handshake(gnutls_session_t session);
int quic_session_params(int sockfd, const char *session_file);

ssize_t quic_sendmsg(int sockfd, const void *msg, size_t len, int64_t sid,
		     uint32_t flags);
ssize_t quic_recvmsg(int sockfd, void *msg, size_t len, int64_t *sid,
		     uint32_t *flags);

int quic_set_log_level(int level);

#ifdef __cplusplus
}
#endif

#endif /* __NETINET_QUIC_H */
