// SPDX-License-Identifier: GPL-2.0
/*
 * 1-RTT key update (RFC 9001 section 6) between two kernel endpoints on
 * loopback with known secrets (quic_fake.h): QUIC_SOCKOPT_KEY_UPDATE from
 * either side, many times in one connection, and during a transfer; each
 * phase change reaches both applications as QUIC_EVENT_KEY_UPDATE and no
 * byte is lost or changed. The rules of sections 6.1 and 6.5 (confirmed
 * handshake, acknowledged update, three PTOs) show as EAGAIN.
 */

#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "quic_xfer.h"

/* Key updates seen by one end: QUIC_EVENT_KEY_UPDATE count and phase. */
struct ku_seen {
	int events;
	int phase;
};

FIXTURE(ku)
{
	int lsn, cli, srv;
	struct ku_seen seen_cli, seen_srv;
};

FIXTURE_SETUP(ku)
{
	struct quic_event_option ev = { QUIC_EVENT_KEY_UPDATE, 1 };
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(a);

	memset(&self->seen_cli, 0, sizeof(self->seen_cli));
	memset(&self->seen_srv, 0, sizeof(self->seen_srv));
	self->srv = -1;
	self->lsn = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->lsn);
	ASSERT_EQ(0, bind(self->lsn, (void *)&a, len));
	ASSERT_EQ(0, getsockname(self->lsn, (void *)&a, &len));
	ASSERT_EQ(0, listen(self->lsn, 8));
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->cli);
	fake_timeouts(self->cli, 10000);
	ASSERT_EQ(0, connect(self->cli, (void *)&a, len));
	fake_err[0] = '\0';
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	fake_timeouts(self->srv, 10000);
	ASSERT_EQ(0, setsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev,
				sizeof(ev)));
	ASSERT_EQ(0, setsockopt(self->srv, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev,
				sizeof(ev)));
}

FIXTURE_TEARDOWN(ku)
{
	if (self->srv >= 0)
		close(self->srv);
	close(self->cli);
	close(self->lsn);
}

static int key_update(int fd)
{
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0) ?
	       errno : 0;
}

/*
 * Receive stream @sid to its FIN on @fd, counting key update events on
 * the way; every @ku_every bytes (0: never) the reader asks for a key
 * update itself. Returns the bytes read, -1 on error; *@updates counts
 * the updates it started.
 */
static ssize_t recv_stream_ku(int fd, int64_t sid, uint64_t *h,
			      struct ku_seen *seen, size_t ku_every,
			      int *updates)
{
	static uint8_t buf[65536];
	size_t total = 0, next_ku = ku_every;
	uint32_t flags;
	int64_t got;
	ssize_t n;
	int err;

	*h = 1469598103934665603ULL;
	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))];
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};
		struct cmsghdr *cmsg;

		n = recvmsg(fd, &msg, 0);
		if (n < 0) {
			snprintf(fake_err, sizeof(fake_err), "recvmsg: %s",
				 strerror(errno));
			return -1;
		}
		if (msg.msg_flags & MSG_NOTIFICATION) {
			if (n != 2 || buf[0] != QUIC_EVENT_KEY_UPDATE) {
				snprintf(fake_err, sizeof(fake_err),
					 "unexpected event %u (%zd bytes)",
					 buf[0], n);
				return -1;
			}
			seen->events++;
			seen->phase = buf[1];
			continue;
		}
		got = -1;
		flags = 0;
		for (cmsg = CMSG_FIRSTHDR(&msg); cmsg;
		     cmsg = CMSG_NXTHDR(&msg, cmsg)) {
			struct quic_stream_info *si = (void *)CMSG_DATA(cmsg);

			if (cmsg->cmsg_level == SOL_QUIC &&
			    cmsg->cmsg_type == QUIC_STREAM_INFO) {
				got = si->stream_id;
				flags = si->stream_flags;
			}
		}
		if (got != sid) {
			snprintf(fake_err, sizeof(fake_err),
				 "data of stream %lld, want %lld",
				 (long long)got, (long long)sid);
			return -1;
		}
		*h = sum_bytes(buf, n, *h);
		total += n;
		if (ku_every && total >= next_ku) {
			next_ku += ku_every;
			err = key_update(fd);
			if (!err)
				(*updates)++;
			else if (err != EAGAIN) {
				snprintf(fake_err, sizeof(fake_err),
					 "key update: %s", strerror(err));
				return -1;
			}
		}
		if (flags & MSG_STREAM_FIN)
			return total;
		if (!n) {
			snprintf(fake_err, sizeof(fake_err), "EOF before FIN");
			return -1;
		}
	}
}

/* @size bytes from @from to @to on @sid, checksummed; see above. */
static void xfer_ku(struct __test_metadata *_metadata, int from, int to,
		    int64_t sid, size_t size, struct ku_seen *seen,
		    size_t ku_every, int *updates)
{
	uint8_t *data = malloc(size);
	uint64_t want, got;
	int status;
	ssize_t n;
	pid_t pid;

	ASSERT_NE(NULL, data);
	fill(data, size, (unsigned int)sid);
	want = sum_bytes(data, size, 1469598103934665603ULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(send_all(from, sid, data, size) ? 1 : 0);
	n = recv_stream_ku(to, sid, &got, seen, ku_every, updates);
	ASSERT_EQ(0, waitpid(pid, &status, 0) < 0);
	free(data);
	ASSERT_EQ((ssize_t)size, n) TH_LOG("%s", fake_err);
	EXPECT_EQ(want, got);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

/*
 * Eight updates, started by the client and the server in turn. Until the
 * rules allow it (the client's handshake confirmed, the last update
 * acknowledged, three PTOs passed) the option fails with EAGAIN, and a
 * little traffic both ways moves things on. After each update data goes
 * both ways, and both ends have seen the new phase by then: the event is
 * queued before the data of the first packet of the new phase.
 */
TEST_F_TIMEOUT(ku, alternating_updates, 120)
{
	int round, err, tries, updates = 0;
	int64_t csid = 0, ssid = 1;

	EXPECT_EQ(EINVAL, setsockopt(self->cli, SOL_QUIC,
				     QUIC_SOCKOPT_KEY_UPDATE, &round,
				     sizeof(round)) ? errno : 0);
	for (round = 0; round < 8; round++) {
		int fd = round & 1 ? self->srv : self->cli;

		for (tries = 0; (err = key_update(fd)) == EAGAIN; tries++) {
			ASSERT_GT(200, tries) TH_LOG("round %d: EAGAIN", round);
			xfer_ku(_metadata, self->cli, self->srv, csid, 1000,
				&self->seen_srv, 0, &updates);
			xfer_ku(_metadata, self->srv, self->cli, ssid, 1000,
				&self->seen_cli, 0, &updates);
			csid += 4;
			ssid += 4;
			usleep(20000);
		}
		ASSERT_EQ(0, err) TH_LOG("round %d: %s", round, strerror(err));
		/* Right after an update, another must wait (section 6.1). */
		EXPECT_EQ(EAGAIN, key_update(fd));
		/* The initiator's data first: the peer reads the event
		 * before it, then answers in the new phase, which the
		 * initiator's event precedes in turn.
		 */
		if (fd == self->srv) {
			xfer_ku(_metadata, self->srv, self->cli, ssid, 65536,
				&self->seen_cli, 0, &updates);
			xfer_ku(_metadata, self->cli, self->srv, csid, 65536,
				&self->seen_srv, 0, &updates);
		} else {
			xfer_ku(_metadata, self->cli, self->srv, csid, 65536,
				&self->seen_srv, 0, &updates);
			xfer_ku(_metadata, self->srv, self->cli, ssid, 65536,
				&self->seen_cli, 0, &updates);
		}
		csid += 4;
		ssid += 4;
		ASSERT_EQ(round + 1, self->seen_cli.events);
		ASSERT_EQ(round + 1, self->seen_srv.events);
		EXPECT_EQ((round + 1) & 1, self->seen_cli.phase);
		EXPECT_EQ((round + 1) & 1, self->seen_srv.phase);
	}
}

/*
 * Updates while data flows: the receiver asks for one every 256 KB of a
 * transfer (from the server's side, then the client's), so packets of
 * the old phase are still in flight when the new one starts. Every byte
 * arrives; both ends count the same phase changes.
 */
TEST_F_TIMEOUT(ku, updates_during_transfer, 240)
{
	size_t size = (xfer_debug_kernel() ? 4 : 16) * 1024 * 1024;
	int by_srv = 0, by_cli = 0;

	xfer_ku(_metadata, self->cli, self->srv, 0, size, &self->seen_srv,
		256 * 1024, &by_srv);
	xfer_ku(_metadata, self->srv, self->cli, 1, size, &self->seen_cli,
		256 * 1024, &by_cli);
	TH_LOG("%d updates by the server, %d by the client", by_srv, by_cli);
	EXPECT_LE(1, by_srv);
	EXPECT_LE(1, by_cli);
	/* The last phase change reaches the other side with the next data. */
	xfer_ku(_metadata, self->cli, self->srv, 4, 1000, &self->seen_srv, 0,
		&by_srv);
	xfer_ku(_metadata, self->srv, self->cli, 5, 1000, &self->seen_cli, 0,
		&by_cli);
	EXPECT_EQ(by_srv + by_cli, self->seen_srv.events);
	EXPECT_EQ(by_srv + by_cli, self->seen_cli.events);
	EXPECT_EQ(self->seen_srv.phase, self->seen_cli.phase);
}

TEST_HARNESS_MAIN
