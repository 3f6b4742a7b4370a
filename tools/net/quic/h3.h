/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP/3 (RFC 9114) over in-kernel QUIC streams: the glue between
 * libnghttp3, which does the HTTP/3 framing and QPACK (RFC 9204), and a
 * QUIC socket, shared by quic-client and quic-server.
 *
 * The kernel owns retransmission: data is "acknowledged" to nghttp3 as
 * soon as sendmsg() took it, so nghttp3 never holds more than what the
 * socket refused.
 */
#ifndef QUIC_TOOLS_H3_H
#define QUIC_TOOLS_H3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nghttp3/nghttp3.h>

#define H3_ALPN			"h3"

/* Open our control and QPACK encoder/decoder streams (RFC 9114 6.2). */
int h3_open_streams(nghttp3_conn *h3, bool server);

/*
 * Send everything nghttp3 has to send. Returns 0 when all of it went,
 * 1 when the socket's send buffer is full (poll for POLLOUT and call
 * again), -1 with errno set on a socket error, or a negative nghttp3
 * error code (< -100) on an HTTP/3 error.
 */
int h3_flush(nghttp3_conn *h3, int fd);

/*
 * Feed stream data received on the socket to nghttp3 (@fin: the stream
 * ended). Returns 0 or a negative nghttp3 error; a fatal one means the
 * connection must close with h3_close_code() of it.
 */
int h3_input(nghttp3_conn *h3, int64_t sid, const uint8_t *data, size_t len,
	     bool fin);

/* The HTTP/3 error code for a CONNECTION_CLOSE caused by @liberr. */
uint64_t h3_close_code(int liberr);

/* Close a request stream both ways once it is done with (frees it). */
void h3_stream_done(nghttp3_conn *h3, int64_t sid);

#endif
