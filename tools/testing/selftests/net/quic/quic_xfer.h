/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stream transfers with checksums for the connection tests: the data is
 * generated, sent on one stream to its FIN by a child process (so that
 * neither side's buffers must hold it all) and checked on arrival.
 * Include after kselftest_harness.h.
 */

#ifndef QUIC_XFER_H
#define QUIC_XFER_H

#include <stdlib.h>
#include <sys/wait.h>

#include "quic_fake.h"

/* Simple checksum good enough to catch lost, duplicated or moved bytes. */
static uint64_t sum_bytes(const uint8_t *p, size_t n, uint64_t h)
{
	while (n--)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 2654435761U + i * 40503U + (i >> 8));
}

/* Send @n bytes on stream @sid with FIN; returns 0 or -1. */
static int send_all(int fd, int64_t sid, const uint8_t *p, size_t n)
{
	size_t off = 0, chunk;
	ssize_t r;

	do {
		chunk = n - off > 65536 ? 65536 : n - off;
		r = fake_send_stream(fd, sid, (off + chunk == n ? MSG_STREAM_FIN : 0) |
				     (off ? 0 : MSG_STREAM_NEW), p + off, chunk);
		if (r < 0) {
			snprintf(fake_err, sizeof(fake_err), "sendmsg: %s",
				 strerror(errno));
			return -1;
		}
		off += r;
	} while (off < n);
	return 0;
}

/* Receive stream @sid to its FIN; returns the byte count and checksum. */
static ssize_t recv_all(int fd, int64_t want_sid, uint64_t *h)
{
	static uint8_t buf[65536];
	uint32_t flags;
	ssize_t n, total = 0;
	int64_t sid;

	*h = 1469598103934665603ULL;
	for (;;) {
		n = fake_recv_stream(fd, buf, sizeof(buf), &sid, &flags);
		if (n < 0) {
			snprintf(fake_err, sizeof(fake_err), "recvmsg: %s",
				 strerror(errno));
			return -1;
		}
		if (sid != want_sid) {
			snprintf(fake_err, sizeof(fake_err),
				 "data of stream %lld, want %lld",
				 (long long)sid, (long long)want_sid);
			return -1;
		}
		*h = sum_bytes(buf, n, *h);
		total += n;
		if (flags & MSG_STREAM_FIN)
			return total;
		if (!n) {
			snprintf(fake_err, sizeof(fake_err), "EOF before FIN");
			return -1;
		}
	}
}

/* Move @size bytes on stream @sid from @from to @to, checksummed. */
static inline void transfer(struct __test_metadata *_metadata, int from, int to,
		     size_t size, int64_t sid)
{
	uint8_t *data = malloc(size ? size : 1);
	uint64_t want, got;
	int status;
	ssize_t n;
	pid_t pid;

	ASSERT_NE(NULL, data);
	fill(data, size, (unsigned int)size);
	want = sum_bytes(data, size, 1469598103934665603ULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(send_all(from, sid, data, size) ? 1 : 0);
	n = recv_all(to, sid, &got);
	ASSERT_EQ(0, waitpid(pid, &status, 0) < 0);
	free(data);
	ASSERT_EQ((ssize_t)size, n) TH_LOG("%s", fake_err);
	EXPECT_EQ(want, got);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

/* The debug lane's kernel (KASAN, lockdep...) moves data ten times slower
 * or worse: transfers meant to be long are scaled down there.
 */
static inline int xfer_debug_kernel(void)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	return strstr(line, "kasan_multi_shot") != NULL;
}

#endif /* QUIC_XFER_H */
