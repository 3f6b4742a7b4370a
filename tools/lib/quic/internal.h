/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libquic internals shared by its files. */

#ifndef __LIBQUIC_INTERNAL_H
#define __LIBQUIC_INTERNAL_H

#include <gnutls/gnutls.h>

#define QUIC_EXPORT __attribute__((visibility("default")))

void quic_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int quic_session_attach(gnutls_session_t session, int fd, int server);
int quic_handshake_run(gnutls_session_t session, int timeout_ms);
int quic_ticket_server_setup(gnutls_session_t s, int fd);
int quic_resume_prepare(gnutls_session_t s, int fd, const char *file);
int quic_resume_save(gnutls_session_t s, int fd, const char *file,
		     int timeout_ms);

#endif /* __LIBQUIC_INTERNAL_H */
