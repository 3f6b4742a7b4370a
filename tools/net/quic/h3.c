// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP/3 over in-kernel QUIC streams with libnghttp3: see h3.h.
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/quic.h>
#include "h3.h"

#define H3_IOV_MAX	16

/*
 * RFC 9114 section 6.2: each side opens one control stream, and QPACK
 * (RFC 9204 section 4.2) one encoder and one decoder stream: the first
 * three unidirectional stream IDs of their side (RFC 9000 section 2.1).
 */
int h3_open_streams(nghttp3_conn *h3, bool server)
{
	int64_t first = QUIC_STREAM_TYPE_UNI_MASK |
			(server ? QUIC_STREAM_TYPE_SERVER_MASK : 0);
	int ret;

	ret = nghttp3_conn_bind_control_stream(h3, first);
	if (!ret)
		ret = nghttp3_conn_bind_qpack_streams(h3, first + 4, first + 8);
	return ret;
}

static ssize_t h3_send(int fd, int64_t sid, const nghttp3_vec *vec,
		       nghttp3_ssize cnt, bool fin)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))] = { 0 };
	struct iovec iov[H3_IOV_MAX];
	struct msghdr m = {
		.msg_iov = iov, .msg_iovlen = cnt,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct quic_stream_info si = {
		.stream_id = sid,
		.stream_flags = fin ? MSG_STREAM_FIN : 0,
	};
	struct cmsghdr *cmsg;
	nghttp3_ssize i;

	for (i = 0; i < cnt; i++) {
		iov[i].iov_base = vec[i].base;
		iov[i].iov_len = vec[i].len;
	}
	cmsg = CMSG_FIRSTHDR(&m);
	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_STREAM_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(si));
	memcpy(CMSG_DATA(cmsg), &si, sizeof(si));
	return sendmsg(fd, &m, MSG_DONTWAIT);
}

int h3_flush(nghttp3_conn *h3, int fd)
{
	for (;;) {
		nghttp3_vec vec[H3_IOV_MAX];
		nghttp3_ssize cnt;
		uint64_t len;
		int64_t sid;
		ssize_t n;
		int fin, ret;

		cnt = nghttp3_conn_writev_stream(h3, &sid, &fin, vec,
						 H3_IOV_MAX);
		if (cnt < 0)
			return (int)cnt;
		if (sid < 0)
			return 0;
		len = nghttp3_vec_len(vec, cnt);
		n = h3_send(fd, sid, vec, cnt, fin);
		if (n < 0 && errno == EAGAIN)
			return 1;
		if (n < 0 && (errno == EPIPE || errno == EINVAL)) {
			/*
			 * The peer stopped or reset this stream: drop what
			 * nghttp3 meant to send on it, and go on.
			 */
			nghttp3_conn_shutdown_stream_write(h3, sid);
			continue;
		}
		if (n < 0)
			return -1;
		ret = nghttp3_conn_add_write_offset(h3, sid, n);
		if (!ret)
			ret = nghttp3_conn_add_ack_offset(h3, sid, n);
		if (ret)
			return ret;
		if ((uint64_t)n < len)
			return 1;
	}
}

int h3_input(nghttp3_conn *h3, int64_t sid, const uint8_t *data, size_t len,
	     bool fin)
{
	nghttp3_ssize n = nghttp3_conn_read_stream(h3, sid, data, len, fin);

	return n < 0 ? (int)n : 0;
}

uint64_t h3_close_code(int liberr)
{
	return nghttp3_err_infer_quic_app_error_code(liberr);
}

void h3_stream_done(nghttp3_conn *h3, int64_t sid)
{
	nghttp3_conn_close_stream(h3, sid, NGHTTP3_H3_NO_ERROR);
}
