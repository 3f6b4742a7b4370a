// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Stream messages with their QUIC_STREAM_INFO cmsg
 * (draft-lxin-quic-socket-apis-02 section 4).
 */

#include <string.h>
#include <sys/socket.h>

#include "netinet/quic.h"

#define QUIC_STREAM_FLAGS (MSG_STREAM_NEW | MSG_STREAM_FIN | MSG_STREAM_UNI | \
			   MSG_STREAM_DONTWAIT | MSG_STREAM_SNDBLOCK)

ssize_t quic_sendmsg(int sockfd, const void *msg, size_t len, int64_t sid,
		     uint32_t flags)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))];
	struct iovec iov = { (void *)msg, len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct quic_stream_info *si;
	struct cmsghdr *cmsg;

	memset(ctl, 0, sizeof(ctl));
	cmsg = CMSG_FIRSTHDR(&m);
	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_STREAM_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(*si));
	si = (struct quic_stream_info *)CMSG_DATA(cmsg);
	si->stream_id = sid;
	si->stream_flags = flags & QUIC_STREAM_FLAGS;
	return sendmsg(sockfd, &m, (int)(flags & ~QUIC_STREAM_FLAGS));
}

ssize_t quic_recvmsg(int sockfd, void *msg, size_t len, int64_t *sid,
		     uint32_t *flags)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))];
	struct iovec iov = { msg, len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	n = recvmsg(sockfd, &m, flags ? (int)*flags : 0);
	if (n < 0)
		return n;
	if (sid)
		*sid = -1;
	if (flags)
		*flags = m.msg_flags;
	for (cmsg = CMSG_FIRSTHDR(&m); cmsg; cmsg = CMSG_NXTHDR(&m, cmsg)) {
		struct quic_stream_info si;

		if (cmsg->cmsg_level != SOL_QUIC ||
		    cmsg->cmsg_type != QUIC_STREAM_INFO)
			continue;
		memcpy(&si, CMSG_DATA(cmsg), sizeof(si));
		if (sid)
			*sid = si.stream_id;
		if (flags)
			*flags |= si.stream_flags;
	}
	return n;
}
