// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed input from the network. A connection runs on 127.0.0.1 with
 * known secrets (quic_fake.h); the test learns the server's connection ID
 * by sniffing the client's packets, then injects 1-RTT packets "from the
 * client" (its address and port, through a raw socket) that it protects
 * itself with the client's 1-RTT keys, derived here with libcrypto as
 * RFC 9001 section 5 says. Each packet carries one chosen error; the
 * client must then see the server's CONNECTION_CLOSE with the transport
 * error RFC 9000 (sections 4, 12.4, 13, 17, 19, 20) prescribes. Junk that
 * does not authenticate or has no connection must change nothing.
 */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "quic_inject.h"

FIXTURE(inject)
{
	int lsn, cli, srv, raw, sniff;
	struct sockaddr_in saddr;	/* the server (listener) */
	struct sockaddr_in caddr;	/* the client, as the server sees it */
	uint8_t dcid[CID_LEN];		/* a connection ID of the server */
	struct pkey ckey;		/* client's 1-RTT send keys */
	uint8_t kp;			/* Key Phase bit of valid packets */
	int64_t cli_pn;			/* largest 1-RTT PN the client sent */
	uint64_t pn;			/* next injected packet number */
	struct quic_transport_param sp;	/* the server's own parameters */
	int skip;
};

/* Read a variable-length integer; returns its length, 0 if truncated. */
static size_t get_varint(const uint8_t *p, size_t len, uint64_t *v)
{
	size_t n, i;

	if (!len)
		return 0;
	n = 1U << (p[0] >> 6);
	if (n > len)
		return 0;
	*v = p[0] & 0x3f;
	for (i = 1; i < n; i++)
		*v = (*v << 8) | p[i];
	return n;
}

/* Length of the long header packet at @p (RFC 9000 section 17.2), 0 if bad. */
static size_t long_packet_len(const uint8_t *p, size_t len)
{
	size_t off = 5, n;
	uint64_t v;

	if (len < 7)
		return 0;
	off += 1 + p[off];			/* DCID */
	if (off >= len)
		return 0;
	off += 1 + p[off];			/* SCID */
	if (((p[0] >> 4) & 0x03) == 0) {	/* Initial: token */
		n = off < len ? get_varint(p + off, len - off, &v) : 0;
		if (!n || v > len - off - n)
			return 0;
		off += n + v;
	}
	n = off < len ? get_varint(p + off, len - off, &v) : 0;
	if (!n || v > len - off - n)
		return 0;
	return off + n + v;
}

/*
 * Read what the sniffer caught: the client's short header packets to the
 * server (alone or after coalesced long header packets, RFC 9000 section
 * 12.2) give the server's connection ID and the client's packet numbers.
 * Returns how many such packets came within @ms milliseconds of each
 * other; with @first it stops at the first one.
 */
static int sniff(FIXTURE_DATA(inject) *self, int ms, int first)
{
	static uint8_t buf[65536];
	struct pollfd pfd = { self->sniff, POLLIN, 0 };
	int seen = 0;

	while (poll(&pfd, 1, ms) == 1) {
		struct iphdr *ip = (struct iphdr *)buf;
		struct udphdr *uh;
		size_t plen;
		uint8_t *p;
		uint64_t pn;
		ssize_t n;

		n = recv(self->sniff, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < (ssize_t)sizeof(*ip) || n < ip->ihl * 4 + 8)
			continue;
		uh = (struct udphdr *)(buf + ip->ihl * 4);
		p = (uint8_t *)(uh + 1);
		n -= ip->ihl * 4 + 8;
		if (ip->protocol != IPPROTO_UDP ||
		    ip->daddr != self->saddr.sin_addr.s_addr ||
		    uh->dest != self->saddr.sin_port)
			continue;
		while (n > 0 && (p[0] & 0x80)) {
			plen = long_packet_len(p, n);
			if (!plen)
				break;
			p += plen;
			n -= plen;
		}
		if (n < PN_OFF + 4 + SAMPLE_LEN || (p[0] & 0xc0) != 0x40)
			continue;
		if (self->cli_pn < 0 && !self->caddr.sin_port) {
			self->caddr.sin_family = AF_INET;
			self->caddr.sin_addr.s_addr = ip->saddr;
			self->caddr.sin_port = uh->source;
			memcpy(self->dcid, p + 1, CID_LEN);
		}
		if (ip->saddr != self->caddr.sin_addr.s_addr ||
		    uh->source != self->caddr.sin_port)
			continue;
		if (!read_pn(&self->ckey, p, n, self->cli_pn, &pn) &&
		    (int64_t)pn > self->cli_pn && pn < INJECT_PN)
			self->cli_pn = pn;
		seen++;
		if (first)
			break;
	}
	return seen;
}

FIXTURE_SETUP(inject)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(self->saddr);
	char buf[8];
	uint32_t flags;
	int64_t sid;

	self->lsn = -1;
	self->cli = -1;
	self->srv = -1;
	self->raw = -1;
	self->sniff = -1;
	self->cli_pn = -1;
	self->pn = INJECT_PN;
	ASSERT_EQ(0, derive_keys(0xb2, &self->ckey));
	self->raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	self->sniff = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	if (self->raw < 0 || self->sniff < 0) {
		self->skip = 1;
		SKIP(return, "raw sockets: %s (needs CAP_NET_RAW)",
		     strerror(errno));
	}
	self->saddr.sin_family = AF_INET;
	self->saddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	self->lsn = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->lsn);
	ASSERT_EQ(0, bind(self->lsn, (void *)&self->saddr, len));
	ASSERT_EQ(0, getsockname(self->lsn, (void *)&self->saddr, &len));
	/*
	 * The server may delay an ACK for ACK_DELAY_MS (RFC 9000 section
	 * 13.2.1), so that the valid packets injected below are acknowledged
	 * only once the client itself has sent their packet numbers.
	 */
	len = sizeof(p);
	ASSERT_EQ(0, getsockopt(self->lsn, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, &len));
	p.max_ack_delay = ACK_DELAY_MS * 1000;
	/* The datagram_* tests with "limit" in their name: the server takes
	 * DATAGRAM frames of up to DGRAM_LIMIT bytes (RFC 9221 section 3).
	 */
	if (strstr(_metadata->name, "datagram_limit"))
		p.max_datagram_frame_size = DGRAM_LIMIT;
	ASSERT_EQ(0, setsockopt(self->lsn, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&p, sizeof(p)));
	ASSERT_EQ(0, listen(self->lsn, 8));
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->cli);
	fake_timeouts(self->cli, 5000);
	fake_err[0] = '\0';
	ASSERT_EQ(0, connect(self->cli, (void *)&self->saddr,
			     sizeof(self->saddr)));
	ASSERT_EQ(0, fake_handshake(self->cli, self->lsn, &self->srv))
		TH_LOG("%s", fake_err);
	memset(&self->sp, 0, sizeof(self->sp));
	len = sizeof(self->sp);
	ASSERT_EQ(0, getsockopt(self->srv, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM,
				&self->sp, &len));

	/* A little data on client uni stream 2 shows us a short header. */
	ASSERT_EQ(2, fake_send_stream(self->cli, 2, MSG_STREAM_NEW |
				      MSG_STREAM_FIN, "hi", 2));
	ASSERT_EQ(2, fake_recv_stream(self->srv, buf, sizeof(buf), &sid, &flags));
	ASSERT_EQ(2, sid);
	ASSERT_EQ(1, sniff(self, 3000, 1))
		TH_LOG("no short header packet from the client");
}

FIXTURE_TEARDOWN(inject)
{
	if (self->srv >= 0)
		close(self->srv);
	if (self->cli >= 0)
		close(self->cli);
	if (self->lsn >= 0)
		close(self->lsn);
	if (self->raw >= 0)
		close(self->raw);
	if (self->sniff >= 0)
		close(self->sniff);
}

/* Protect @payload as the client would and send it to the server. */
static int inject_pn(FIXTURE_DATA(inject) *self, uint64_t pn, uint8_t reserved,
		     const uint8_t *payload, size_t len)
{
	uint8_t pkt[MAX_PKT];
	ssize_t n;

	n = seal_1rtt(&self->ckey, self->dcid, pn, reserved, payload, len, pkt);
	if (n < 0)
		return -1;
	return raw_send(self->raw, &self->caddr, &self->saddr, pkt, n);
}

static int inject(FIXTURE_DATA(inject) *self, const struct buf *b)
{
	return inject_pn(self, self->pn++, 0, b->d, b->n);
}

static const char *err_name(uint32_t code)
{
	static const char * const names[] = {
		"NO_ERROR", "INTERNAL_ERROR", "CONNECTION_REFUSED",
		"FLOW_CONTROL_ERROR", "STREAM_LIMIT_ERROR", "STREAM_STATE_ERROR",
		"FINAL_SIZE_ERROR", "FRAME_ENCODING_ERROR",
		"TRANSPORT_PARAMETER_ERROR", "CONNECTION_ID_LIMIT_ERROR",
		"PROTOCOL_VIOLATION", "INVALID_TOKEN", "APPLICATION_ERROR",
		"CRYPTO_BUFFER_EXCEEDED", "KEY_UPDATE_ERROR",
		"AEAD_LIMIT_REACHED", "NO_VIABLE_PATH",
	};

	return code < ARRAY_SIZE(names) ? names[code] : "?";
}

/* Read (and drop) what is queued until recv() fails; returns its errno. */
static int recv_error(int fd, int ms)
{
	char buf[256];
	ssize_t n;
	int i;

	fake_timeouts(fd, ms);
	for (i = 0; i < 64; i++) {
		errno = 0;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno;
		if (!n)
			return 0;
	}
	return -1;
}

/*
 * The server must have closed the connection with transport error @code
 * (RFC 9000 section 10.2) caused by a frame of type @frame_lo..+@span:
 * the client's reader fails with EPROTO and QUIC_SOCKOPT_CONNECTION_CLOSE
 * tells what the server's CONNECTION_CLOSE said.
 */
static void expect_close(struct __test_metadata *_metadata,
			 FIXTURE_DATA(inject) *self, uint32_t code,
			 int frame_lo, int span)
{
	struct {
		struct quic_connection_close c;
		char phrase[256];
	} cc = {};
	socklen_t len = sizeof(cc);
	int err;

	err = recv_error(self->cli, 3000);
	EXPECT_EQ(EPROTO, err)
		TH_LOG("client recv: errno %d (%s), want EPROTO", err,
		       err > 0 ? strerror(err) : "no error");
	if (getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE,
		       &cc, &len)) {
		/*
		 * The server kept the connection. If it acknowledged the
		 * injected packet, the client closed on that ACK of a number
		 * it never sent (section 13.1), and its CONNECTION_CLOSE,
		 * numbered far below the injected packet, does not decode
		 * at the server (appendix A.3): the server stays open.
		 */
		err = recv_error(self->srv, 200);
		if (err == EAGAIN)
			TH_LOG("server kept the connection open: it accepted the packet");
		else
			TH_LOG("server recv: errno %d (%s)", err,
			       err > 0 ? strerror(err) : "no error");
		ASSERT_TRUE(0) TH_LOG("client saw no CONNECTION_CLOSE from the server; want %#x %s",
				      code, err_name(code));
	}
	EXPECT_EQ(code, cc.c.errcode)
		TH_LOG("CONNECTION_CLOSE error %#x %s, want %#x %s (frame %#x)",
		       cc.c.errcode, err_name(cc.c.errcode), code,
		       err_name(code), cc.c.frame);
	EXPECT_TRUE(cc.c.frame >= frame_lo && cc.c.frame <= frame_lo + span)
		TH_LOG("CONNECTION_CLOSE frame type %#x, want %#x..%#x",
		       cc.c.frame, frame_lo, frame_lo + span);
	/* The server's application is told as well. */
	err = recv_error(self->srv, 1000);
	EXPECT_EQ(EPROTO, err)
		TH_LOG("server recv: errno %d (%s), want EPROTO", err,
		       err > 0 ? strerror(err) : "no error");
}

#define EXPECT_CLOSE(code, frame)					\
	expect_close(_metadata, self, code, frame, 0)
#define EXPECT_CLOSE_STREAM(code)					\
	expect_close(_metadata, self, code, F_STREAM, 7)

/*
 * Nothing happened to the connection: neither end has an error or stray
 * data, and stream data still moves both ways intact.
 */
static void expect_alive(struct __test_metadata *_metadata,
			 FIXTURE_DATA(inject) *self)
{
	uint32_t flags;
	char buf[64];
	int64_t sid;
	ssize_t n;

	usleep(100000);
	errno = 0;
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("client: %s", strerror(errno));
	/* The throwaway byte of inject_valid() may have come through after
	 * all, resent when a slow machine delays the server's ACK past the
	 * client's PTO: the only data the server may have.
	 */
	fake_timeouts(self->srv, 10);
	do {
		errno = 0;
		n = fake_recv_stream(self->srv, buf, sizeof(buf), &sid, &flags);
	} while (n == 1 && sid == THROWAWAY_SID && buf[0] == 'x');
	EXPECT_EQ(-1, n) TH_LOG("server has %zd bytes of stream %lld", n,
				(long long)sid);
	EXPECT_EQ(EAGAIN, errno) TH_LOG("server: %s", strerror(errno));
	fake_timeouts(self->cli, 5000);
	fake_timeouts(self->srv, 5000);
	transfer(_metadata, self->cli, self->srv, 100000, 0);
	transfer(_metadata, self->srv, self->cli, 100000, 1);
}

/*
 * A valid injected packet is acknowledged, and an ACK of a packet number
 * the client never sent makes the client close (RFC 9000 section 13.1).
 * So the valid packets take the client's next packet number: wait until
 * the connection is quiet (no ACK pending at the server), inject with the
 * next number, then let the client send a throwaway packet that takes the
 * same number (the server drops it as a duplicate, section 12.3) half way
 * through the server's ACK delay: the ACK then comes after the client
 * sent that number and well before the client's PTO (RFC 9002 section
 * 6.2.1, which adds the server's max_ack_delay) would resend its data.
 */
static void inject_valid(struct __test_metadata *_metadata,
			 FIXTURE_DATA(inject) *self, const struct buf *b)
{
	uint64_t pn;

	sniff(self, 2 * ACK_DELAY_MS, 0);
	ASSERT_LE(0, self->cli_pn);
	pn = self->cli_pn + 1;
	ASSERT_EQ(0, inject_pn(self, pn, self->kp, b->d, b->n));
	usleep(ACK_DELAY_MS * 1000 / 2);
	/* Client uni stream 10: nobody reads it; its data is lost. */
	ASSERT_EQ(1, fake_send_stream(self->cli, THROWAWAY_SID, MSG_STREAM_NEW |
				      MSG_STREAM_FIN, "x", 1));
	sniff(self, 50, 0);
	EXPECT_EQ((int64_t)pn, self->cli_pn)
		TH_LOG("the client's throwaway packet was not number %llu",
		       (unsigned long long)pn);
}

/* Positive control: a PING (and PADDING) changes nothing. */
TEST_F(inject, valid_ping)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_PING);
	memset(b.d + b.n, F_PADDING, 39);
	b.n += 39;
	inject_valid(_metadata, self, &b);
	/* The server's ACK of it reaches the client within ACK_DELAY_MS. */
	usleep(ACK_DELAY_MS * 1000);
	expect_alive(_metadata, self);
}

/* Positive control: injected STREAM data is read by the server. */
TEST_F(inject, valid_stream)
{
	static const char msg[] = "injected from user space";
	char buf[64] = {};
	struct buf b = {};
	uint32_t flags;
	int64_t sid;
	ssize_t n;

	if (self->skip)
		return;
	put_stream(&b, 6, 0, msg, strlen(msg), 1);
	inject_valid(_metadata, self, &b);
	n = fake_recv_stream(self->srv, buf, sizeof(buf) - 1, &sid, &flags);
	ASSERT_EQ((ssize_t)strlen(msg), n) TH_LOG("server recv: %s",
						  n < 0 ? strerror(errno) : "short");
	EXPECT_EQ(6, sid);
	EXPECT_STREQ(msg, buf);
	EXPECT_NE(0U, flags & MSG_STREAM_FIN);
	usleep(ACK_DELAY_MS * 1000);
	expect_alive(_metadata, self);
}

/*
 * RFC 9001 section 6: a packet of Key Phase 1 protected with the client's
 * next keys (secret advanced with "quic ku", section 6.1, header
 * protection key unchanged, section 6.6) is the client's key update. The
 * server accepts it, tells its application with QUIC_EVENT_KEY_UPDATE,
 * answers in phase 1, and the client's kernel follows: the connection
 * then carries data both ways in the new phase.
 */
TEST_F(inject, key_update_by_peer)
{
	struct quic_event_option ev = { QUIC_EVENT_KEY_UPDATE, 1 };
	static const char msg[] = "first words in key phase 1";
	uint8_t secret[FAKE_SECRET_LEN], next[FAKE_SECRET_LEN];
	char buf[64] = {};
	struct buf b = {};
	uint32_t flags;
	int64_t sid;
	ssize_t n;

	if (self->skip)
		return;
	memset(secret, 0xb2, sizeof(secret));
	ASSERT_EQ(0, hkdf_expand_label(secret, sizeof(secret), "quic ku", next,
				       sizeof(next)));
	ASSERT_EQ(0, hkdf_expand_label(next, sizeof(next), "quic key",
				       self->ckey.key, sizeof(self->ckey.key)));
	ASSERT_EQ(0, hkdf_expand_label(next, sizeof(next), "quic iv",
				       self->ckey.iv, sizeof(self->ckey.iv)));
	self->kp = 0x04;
	ASSERT_EQ(0, setsockopt(self->srv, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev,
				sizeof(ev)));
	put_stream(&b, 6, 0, msg, strlen(msg), 1);
	inject_valid(_metadata, self, &b);
	/* The event comes first: the phase changed as the packet opened. */
	n = fake_recv_stream(self->srv, buf, sizeof(buf) - 1, &sid, &flags);
	ASSERT_EQ(2, n) TH_LOG("server recv: %s", n < 0 ? strerror(errno) : "size");
	EXPECT_EQ(QUIC_EVENT_KEY_UPDATE, buf[0]);
	EXPECT_EQ(1, buf[1]);
	memset(buf, 0, sizeof(buf));
	n = fake_recv_stream(self->srv, buf, sizeof(buf) - 1, &sid, &flags);
	ASSERT_EQ((ssize_t)strlen(msg), n);
	EXPECT_EQ(6, sid);
	EXPECT_STREQ(msg, buf);
	usleep(ACK_DELAY_MS * 1000);
	expect_alive(_metadata, self);
}

/*
 * Bytes and datagrams the server sends to @to within @ms milliseconds;
 * @first_len gets the size of the first datagram, sniffed_first its UDP
 * payload.
 */
static uint8_t sniffed_first[65536];	/* the first datagram sniff_to() saw */

static size_t sniff_to(FIXTURE_DATA(inject) *self, const struct sockaddr_in *to,
		       int ms, size_t *datagrams, size_t *first_len)
{
	static uint8_t buf[65536];
	struct pollfd pfd = { self->sniff, POLLIN, 0 };
	struct timespec t0, t;
	size_t bytes = 0;
	int left = ms;

	*datagrams = 0;
	*first_len = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0 && poll(&pfd, 1, left) >= 0) {
		struct iphdr *ip = (struct iphdr *)buf;
		struct udphdr *uh;
		ssize_t n;

		n = recv(self->sniff, buf, sizeof(buf), MSG_DONTWAIT);
		if (n >= (ssize_t)sizeof(*ip) && n >= ip->ihl * 4 + 8) {
			uh = (struct udphdr *)(buf + ip->ihl * 4);
			if (ip->protocol == IPPROTO_UDP &&
			    ip->saddr == self->saddr.sin_addr.s_addr &&
			    uh->source == self->saddr.sin_port &&
			    ip->daddr == to->sin_addr.s_addr &&
			    uh->dest == to->sin_port) {
				n -= ip->ihl * 4 + 8;
				if (!*datagrams) {
					*first_len = n;
					memcpy(sniffed_first, uh + 1, n);
				}
				bytes += n;
				(*datagrams)++;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - ((t.tv_sec - t0.tv_sec) * 1000 +
			     (t.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return bytes;
}

/*
 * RFC 9000 sections 8.2, 9.3 and 21.5.4: a valid packet from a forged
 * address (an attacker replaying the client's packet from elsewhere), of
 * the largest packet number yet, so the server takes it as the client
 * having moved there. The server sends there at most three times what it
 * got from there (section 8.1), its PATH_CHALLENGE in a datagram of 1200
 * bytes (section 8.2.1); nobody answers. The real client's next packet
 * brings the server back to its address, validated before (section 9.3),
 * and the connection goes on. (quic_migrate tests a validation that
 * times out.)
 */
TEST_F_TIMEOUT(inject, forged_address, 60)
{
	struct sockaddr_in forged = self->caddr, peer;
	socklen_t alen = sizeof(peer);
	size_t bytes, datagrams, first, sent;
	struct buf b = {};
	uint8_t pkt[MAX_PKT];
	ssize_t n;

	if (self->skip)
		return;
	/* Nobody's: a socket bound to a wildcard address on the client's
	 * port would take what goes to 127.0.0.2 at that port.
	 */
	forged.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);
	forged.sin_port = htons(9);
	put_u8(&b, F_PING);
	memset(b.d + b.n, F_PADDING, 1150);
	b.n += 1150;
	sniff(self, 2 * ACK_DELAY_MS, 0);
	ASSERT_LE(0, self->cli_pn);
	n = seal_1rtt(&self->ckey, self->dcid, self->cli_pn + 1, self->kp,
		      b.d, b.n, pkt);
	ASSERT_LT(0, n);
	sent = n;
	ASSERT_EQ(0, raw_send(self->raw, &forged, &self->saddr, pkt, n));
	/* Less than the three PTOs (over three seconds) of the validation. */
	bytes = sniff_to(self, &forged, 2000, &datagrams, &first);
	TH_LOG("%zu bytes in %zu datagrams to the forged address, the first %zu, for %zu",
	       bytes, datagrams, first, sent);
	EXPECT_LT(0U, datagrams) TH_LOG("nothing sent to the new address");
	EXPECT_LE(1200U, first);
	EXPECT_GE(3 * sent, bytes);
	ASSERT_EQ(0, getpeername(self->srv, (void *)&peer, &alen));
	EXPECT_EQ(forged.sin_addr.s_addr, peer.sin_addr.s_addr);
	/* The forged packet took the client's next packet number: the
	 * client's packet of that number, dropped as a duplicate, carries
	 * a throwaway byte (as in inject_valid()); the client sends it
	 * again, unacknowledged, in a packet the server takes.
	 */
	ASSERT_EQ(1, fake_send_stream(self->cli, THROWAWAY_SID, MSG_STREAM_NEW |
				      MSG_STREAM_FIN, "x", 1));
	sleep(1);
	alen = sizeof(peer);
	ASSERT_EQ(0, getpeername(self->srv, (void *)&peer, &alen));
	EXPECT_EQ(self->caddr.sin_addr.s_addr, peer.sin_addr.s_addr);
	EXPECT_EQ(self->caddr.sin_port, peer.sin_port);
	expect_alive(_metadata, self);
}

/*
 * RFC 9000 sections 8.2.2 and 9.3: a probing packet (PATH_CHALLENGE and
 * PADDING) from another address is answered there, once, with its
 * payload, in a datagram of 1200 bytes (section 8.2.2, within three
 * times the probe, section 8.1); the connection stays where it is.
 */
TEST_F_TIMEOUT(inject, probe_from_elsewhere, 60)
{
	static const uint8_t challenge[8] = "probe-42";
	struct sockaddr_in probe = self->caddr, peer;
	socklen_t alen = sizeof(peer);
	size_t datagrams, first;
	uint8_t pkt[MAX_PKT];
	struct pkey skey;
	struct buf b = {};
	uint64_t pn;
	ssize_t n;

	if (self->skip)
		return;
	probe.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);
	probe.sin_port = htons(9);	/* nobody's, see forged_address */
	ASSERT_EQ(0, derive_keys(0xa2, &skey));
	put_u8(&b, F_PATH_CHALLENGE);
	put_bytes(&b, challenge, sizeof(challenge));
	memset(b.d + b.n, F_PADDING, 1150);
	b.n += 1150;
	/* As inject_valid(), with the answer watched for in between: the
	 * client's throwaway packet takes the probe's number well before
	 * the server's ACK of it is due.
	 */
	sniff(self, 2 * ACK_DELAY_MS, 0);
	ASSERT_LE(0, self->cli_pn);
	pn = self->cli_pn + 1;
	n = seal_1rtt(&self->ckey, self->dcid, pn, self->kp, b.d, b.n, pkt);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, raw_send(self->raw, &probe, &self->saddr, pkt, n));
	sniff_to(self, &probe, ACK_DELAY_MS / 3, &datagrams, &first);
	ASSERT_EQ(1, fake_send_stream(self->cli, THROWAWAY_SID, MSG_STREAM_NEW |
				      MSG_STREAM_FIN, "x", 1));
	sniff(self, 50, 0);
	EXPECT_EQ((int64_t)pn, self->cli_pn);
	ASSERT_EQ(1U, datagrams) TH_LOG("no single answer to the probe");
	EXPECT_EQ(1200U, first);
	n = open_1rtt(&skey, sniffed_first, first);
	ASSERT_LT(9, n) TH_LOG("the answer does not open with the server's keys");
	EXPECT_EQ(F_PATH_RESPONSE, sniffed_first[0]);
	EXPECT_EQ(0, memcmp(sniffed_first + 1, challenge, sizeof(challenge)));
	ASSERT_EQ(0, getpeername(self->srv, (void *)&peer, &alen));
	EXPECT_EQ(self->caddr.sin_addr.s_addr, peer.sin_addr.s_addr);
	EXPECT_EQ(self->caddr.sin_port, peer.sin_port);
	usleep(ACK_DELAY_MS * 1000);
	expect_alive(_metadata, self);
}

/* Section 12.4: a frame of unknown type is a FRAME_ENCODING_ERROR. */
TEST_F(inject, unknown_frame_type)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_varint_n(&b, 0x40, 2);
	put_bytes(&b, "\x01\x02\x03\x04", 4);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_FRAME_ENCODING, 0x40);
}

/* Section 19.8: a Length that runs past the packet. */
TEST_F(inject, stream_length_past_packet)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_STREAM | F_STREAM_LEN);
	put_varint(&b, 4);
	put_varint(&b, 100);
	put_bytes(&b, "0123456789", 10);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_FRAME_ENCODING);
}

/* Section 19.8: STREAM on a locally initiated stream not yet created. */
TEST_F(inject, stream_on_unopened_server_uni)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_stream(&b, 3, 0, "data", 4, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_STREAM_STATE);
}

/* Section 19.8: STREAM on a send-only stream (the server's uni 3). */
TEST_F(inject, stream_on_server_uni)
{
	struct buf b = {};

	if (self->skip)
		return;
	ASSERT_EQ(1, fake_send_stream(self->srv, 3, MSG_STREAM_NEW, "s", 1));
	usleep(50000);
	put_stream(&b, 3, 0, "data", 4, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_STREAM_STATE);
}

/* Section 19.4: RESET_STREAM for a send-only stream. */
TEST_F(inject, reset_on_server_uni)
{
	struct buf b = {};

	if (self->skip)
		return;
	ASSERT_EQ(1, fake_send_stream(self->srv, 3, MSG_STREAM_NEW, "s", 1));
	usleep(50000);
	put_reset_stream(&b, 3, 1, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_STREAM_STATE, F_RESET_STREAM);
}

/* Section 19.5: STOP_SENDING for a receive-only stream (client uni 6). */
TEST_F(inject, stop_sending_on_client_uni)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_STOP_SENDING);
	put_varint(&b, 6);
	put_varint(&b, 1);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_STREAM_STATE, F_STOP_SENDING);
}

/* Section 19.10: MAX_STREAM_DATA for a receive-only stream. */
TEST_F(inject, max_stream_data_on_client_uni)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_MAX_STREAM_DATA);
	put_varint(&b, 6);
	put_varint(&b, 1000000);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_STREAM_STATE, F_MAX_STREAM_DATA);
}

/* Section 19.13: STREAM_DATA_BLOCKED for a send-only stream. */
TEST_F(inject, stream_data_blocked_on_server_uni)
{
	struct buf b = {};

	if (self->skip)
		return;
	ASSERT_EQ(1, fake_send_stream(self->srv, 3, MSG_STREAM_NEW, "s", 1));
	usleep(50000);
	put_u8(&b, F_STREAM_DATA_BLOCKED);
	put_varint(&b, 3);
	put_varint(&b, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_STREAM_STATE, F_STREAM_DATA_BLOCKED);
}

/*
 * Section 4.1: data beyond the stream's limit (the server's
 * initial_max_stream_data_bidi_remote); the last byte within is fine.
 */
TEST_F(inject, stream_flow_control)
{
	uint64_t max = self->sp.max_stream_data_bidi_remote;
	struct buf b = {};

	if (self->skip)
		return;
	ASSERT_LT(0ULL, max);
	put_stream(&b, 0, max - 1, "a", 1, 0);
	put_stream(&b, 0, max, "b", 1, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_FLOW_CONTROL);
}

/* Section 4.1: streams each within their limit, together above MAX_DATA. */
TEST_F(inject, connection_flow_control)
{
	uint64_t smax = self->sp.max_stream_data_bidi_remote, i, n;
	struct buf b = {};

	if (self->skip)
		return;
	ASSERT_LT(0ULL, smax);
	n = self->sp.max_data / smax + 1;
	ASSERT_GT(40ULL, n)
		TH_LOG("max_data %llu / stream limit %llu",
		       (unsigned long long)self->sp.max_data,
		       (unsigned long long)smax);
	for (i = 0; i < n; i++)
		put_stream(&b, 4 * i, smax - 1, "c", 1, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_FLOW_CONTROL);
}

/* Section 4.6: the last bidi stream allowed, then one more. */
TEST_F(inject, stream_limit_bidi)
{
	uint64_t max = self->sp.max_streams_bidi;
	struct buf b = {};

	if (self->skip)
		return;
	ASSERT_LT(0ULL, max);
	put_stream(&b, 4 * (max - 1), 0, "d", 1, 0);
	put_stream(&b, 4 * max, 0, "e", 1, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_STREAM_LIMIT);
}

/* Section 4.6, unidirectional (the server credited stream 2 back). */
TEST_F(inject, stream_limit_uni)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_stream(&b, 4 * (self->sp.max_streams_uni + 8) + 2, 0, "f", 1, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_STREAM_LIMIT);
}

/* Section 4.5: RESET_STREAM with a final size other than the FIN's. */
TEST_F(inject, reset_final_size_differs)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_stream(&b, 4, 0, "hello", 5, 1);
	put_reset_stream(&b, 4, 7, 10);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_FINAL_SIZE, F_RESET_STREAM);
}

/* Section 4.5: RESET_STREAM below the highest offset received. */
TEST_F(inject, reset_final_size_below_data)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_stream(&b, 4, 0, "hello world", 11, 0);
	put_reset_stream(&b, 4, 7, 5);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_FINAL_SIZE, F_RESET_STREAM);
}

/* Section 4.5: STREAM data past the final size a FIN gave. */
TEST_F(inject, stream_past_fin)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_stream(&b, 4, 0, "hello", 5, 1);
	put_stream(&b, 4, 5, "world", 5, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_FINAL_SIZE);
}

/* Section 4.5: a second FIN that moves the final size. */
TEST_F(inject, stream_fin_moves)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_stream(&b, 4, 0, "hello", 5, 1);
	put_stream(&b, 4, 0, "hel", 3, 1);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_FINAL_SIZE);
}

/*
 * Section 4.5: "A receiver SHOULD treat receipt of data at or beyond the
 * final size as an error of type FINAL_SIZE_ERROR, even after a stream is
 * closed" - here the final size came with RESET_STREAM.
 */
TEST_F(inject, stream_past_reset_final_size)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_reset_stream(&b, 4, 7, 5);
	put_stream(&b, 4, 5, "world", 5, 0);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE_STREAM(E_FINAL_SIZE);
}

/* Section 13.1: an ACK of a packet number the server never sent. */
TEST_F(inject, ack_of_unsent_packet)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_ACK);
	put_varint(&b, 1000000);	/* Largest Acknowledged */
	put_varint(&b, 0);		/* ACK Delay */
	put_varint(&b, 0);		/* ACK Range Count */
	put_varint(&b, 0);		/* First ACK Range */
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_PROTOCOL_VIOLATION, F_ACK);
}

/* Section 19.20: a server receiving HANDSHAKE_DONE. */
TEST_F(inject, handshake_done_from_client)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_HANDSHAKE_DONE);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_PROTOCOL_VIOLATION, F_HANDSHAKE_DONE);
}

/* Section 19.7: a server receiving NEW_TOKEN. */
TEST_F(inject, new_token_from_client)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_NEW_TOKEN);
	put_varint(&b, 8);
	put_bytes(&b, "tokentok", 8);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_PROTOCOL_VIOLATION, F_NEW_TOKEN);
}

/* Section 19.15: Length below 1 ... */
TEST_F(inject, new_cid_length_0)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_new_cid(&b, 100, 0, 0, 0x11);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_FRAME_ENCODING, F_NEW_CONNECTION_ID);
}

/* ... or above 20 ... */
TEST_F(inject, new_cid_length_21)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_new_cid(&b, 100, 0, 21, 0x22);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_FRAME_ENCODING, F_NEW_CONNECTION_ID);
}

/* ... and Retire Prior To above the Sequence Number. */
TEST_F(inject, new_cid_retire_above_seq)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_new_cid(&b, 100, 101, CID_LEN, 0x33);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_FRAME_ENCODING, F_NEW_CONNECTION_ID);
}

/* Section 5.1.1: more active IDs than our active_connection_id_limit. */
TEST_F(inject, new_cid_over_limit)
{
	unsigned int i, limit = self->sp.active_connection_id_limit;
	struct buf b = {};

	if (self->skip)
		return;
	ASSERT_LE(2U, limit);
	/* With the client's first ID, limit + 2 IDs are active. */
	for (i = 0; i <= limit; i++)
		put_new_cid(&b, 100 + i, 0, CID_LEN, 0x40 + i);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_CID_LIMIT, F_NEW_CONNECTION_ID);
}

/* Section 19.16: retiring a sequence number never issued. */
TEST_F(inject, retire_unissued_cid)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_RETIRE_CONNECTION_ID);
	put_varint(&b, 1000);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_PROTOCOL_VIOLATION, F_RETIRE_CONNECTION_ID);
}

/* Section 19.11: MAX_STREAMS above 2^60. */
TEST_F(inject, max_streams_bidi_above_2_60)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_MAX_STREAMS_BIDI);
	put_varint(&b, (1ULL << 60) + 1);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_FRAME_ENCODING, F_MAX_STREAMS_BIDI);
}

TEST_F(inject, max_streams_uni_above_2_60)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_MAX_STREAMS_UNI);
	put_varint(&b, (1ULL << 60) + 1);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_FRAME_ENCODING, F_MAX_STREAMS_UNI);
}

/* RFC 9221 section 3: DATAGRAM without max_datagram_frame_size. */
TEST_F(inject, datagram_not_negotiated)
{
	struct buf b = {};

	if (self->skip)
		return;
	ASSERT_EQ(0, self->sp.max_datagram_frame_size);
	put_u8(&b, F_DATAGRAM_LEN);
	put_varint(&b, 4);
	put_bytes(&b, "dgrm", 4);
	ASSERT_EQ(0, inject(self, &b));
	expect_close(_metadata, self, E_PROTOCOL_VIOLATION, F_DATAGRAM, 1);
}

TEST_F(inject, datagram_no_length_not_negotiated)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_DATAGRAM);
	put_bytes(&b, "dgrm", 4);
	ASSERT_EQ(0, inject(self, &b));
	expect_close(_metadata, self, E_PROTOCOL_VIOLATION, F_DATAGRAM, 1);
}

/*
 * RFC 9221 section 3: with max_datagram_frame_size 100, a DATAGRAM frame
 * of exactly 100 bytes (type, 2-byte length, 97 bytes) is delivered as one
 * message flagged MSG_DATAGRAM; one byte more is a PROTOCOL_VIOLATION.
 */
TEST_F(inject, datagram_limit_exact)
{
	char data[97], buf[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct buf b = {};
	ssize_t n;

	if (self->skip)
		return;
	ASSERT_EQ(DGRAM_LIMIT, self->sp.max_datagram_frame_size);
	memset(data, 'd', sizeof(data));
	put_u8(&b, F_DATAGRAM_LEN);
	put_varint_n(&b, sizeof(data), 2);
	put_bytes(&b, data, sizeof(data));
	ASSERT_EQ((size_t)DGRAM_LIMIT, b.n);
	inject_valid(_metadata, self, &b);
	fake_timeouts(self->srv, 2000);
	n = recvmsg(self->srv, &msg, 0);
	ASSERT_EQ((ssize_t)sizeof(data), n) TH_LOG("server recv: %s",
						   n < 0 ? strerror(errno) : "size");
	EXPECT_NE(0, msg.msg_flags & MSG_DATAGRAM);
	EXPECT_EQ(0, memcmp(buf, data, sizeof(data)));
	usleep(ACK_DELAY_MS * 1000);
	expect_alive(_metadata, self);
}

TEST_F(inject, datagram_limit_exceeded)
{
	char data[98];
	struct buf b = {};

	if (self->skip)
		return;
	memset(data, 'd', sizeof(data));
	put_u8(&b, F_DATAGRAM_LEN);
	put_varint_n(&b, sizeof(data), 2);
	put_bytes(&b, data, sizeof(data));
	ASSERT_EQ(0, inject(self, &b));
	expect_close(_metadata, self, E_PROTOCOL_VIOLATION, F_DATAGRAM, 1);
}

/*
 * RFC 9000 section 17.3.1: reserved bits set after header protection is
 * removed. No frame caused it: section 19.19 says the Frame Type is 0.
 */
TEST_F(inject, reserved_bits)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_PING);
	b.n = 20;
	ASSERT_EQ(0, inject_pn(self, self->pn++, 0x18, b.d, b.n));
	EXPECT_CLOSE(E_PROTOCOL_VIOLATION, 0);
}

TEST_F(inject, reserved_bit_low)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_PING);
	b.n = 20;
	ASSERT_EQ(0, inject_pn(self, self->pn++, 0x08, b.d, b.n));
	EXPECT_CLOSE(E_PROTOCOL_VIOLATION, 0);
}

/*
 * Section 12.4: a packet with no frames. With a 4-byte packet number an
 * empty payload still leaves exactly the 16 bytes the header protection
 * sample needs (RFC 9001 section 5.4.2): the tag.
 */
TEST_F(inject, no_frames)
{
	if (self->skip)
		return;
	ASSERT_EQ(0, inject_pn(self, self->pn++, 0, NULL, 0));
	EXPECT_CLOSE(E_PROTOCOL_VIOLATION, 0);
}

/* Section 7.5: CRYPTO far beyond what is buffered. */
TEST_F(inject, crypto_buffer_exceeded)
{
	struct buf b = {};

	if (self->skip)
		return;
	put_u8(&b, F_CRYPTO);
	put_varint(&b, 1U << 24);
	put_varint(&b, 4);
	put_bytes(&b, "\x04\x00\x00\x00", 4);
	ASSERT_EQ(0, inject(self, &b));
	EXPECT_CLOSE(E_CRYPTO_BUFFER, F_CRYPTO);
}

/* A payload that would close the connection if it were processed. */
static void closing_payload(struct buf *b)
{
	memset(b, 0, sizeof(*b));
	put_varint_n(b, 0x40, 2);
	b->n = 60;
}

/* RFC 9001 section 5.5: what does not authenticate is dropped. */
TEST_F(inject, bad_aead_tag)
{
	uint8_t pkt[MAX_PKT];
	struct buf b;
	ssize_t n;
	int i;

	if (self->skip)
		return;
	closing_payload(&b);
	for (i = 0; i < 4; i++) {
		n = seal_1rtt(&self->ckey, self->dcid, self->pn++, 0, b.d, b.n,
			      pkt);
		ASSERT_LT(0, n);
		if (i == 0)
			pkt[n - 1] ^= 0x01;		/* tag */
		else if (i == 1)
			pkt[HDR_LEN + 2] ^= 0x80;	/* ciphertext */
		else if (i == 2)
			pkt[PN_OFF + 3] ^= 0x01;	/* packet number */
		else
			memset(pkt + n - TAG_LEN, 0, TAG_LEN);
		ASSERT_EQ(0, raw_send(self->raw, &self->caddr, &self->saddr,
				      pkt, n));
	}
	expect_alive(_metadata, self);
}

/* A protected packet cut short anywhere fails to authenticate. */
TEST_F(inject, truncated)
{
	static const int cut[] = { 1, 2, 15, 16, 17, 40 };
	uint8_t pkt[MAX_PKT];
	struct buf b;
	unsigned int i;
	ssize_t n;

	if (self->skip)
		return;
	closing_payload(&b);
	for (i = 0; i < ARRAY_SIZE(cut); i++) {
		n = seal_1rtt(&self->ckey, self->dcid, self->pn++, 0, b.d, b.n,
			      pkt);
		ASSERT_LT(cut[i], n);
		ASSERT_EQ(0, raw_send(self->raw, &self->caddr, &self->saddr,
				      pkt, n - cut[i]));
	}
	expect_alive(_metadata, self);
}

/* A packet for a connection ID nobody has is dropped (section 5.2). */
TEST_F(inject, unknown_dcid)
{
	uint8_t pkt[MAX_PKT], dcid[CID_LEN];
	struct buf b;
	ssize_t n;
	int i;

	if (self->skip)
		return;
	closing_payload(&b);
	for (i = 0; i < CID_LEN; i++) {
		memcpy(dcid, self->dcid, CID_LEN);
		dcid[i] ^= 0x01;
		n = seal_1rtt(&self->ckey, dcid, self->pn++, 0, b.d, b.n, pkt);
		ASSERT_LT(0, n);
		ASSERT_EQ(0, raw_send(self->raw, &self->caddr, &self->saddr,
				      pkt, n));
	}
	expect_alive(_metadata, self);
}

/* Datagrams too short for a short header, its packet number or sample. */
TEST_F(inject, runts)
{
	uint8_t pkt[64];
	uint64_t seed = 0x1234;
	unsigned int len, i;

	if (self->skip)
		return;
	for (len = 1; len < HDR_LEN + TAG_LEN; len++) {
		for (i = 0; i < len; i++)
			pkt[i] = (uint8_t)rnd(&seed);
		pkt[0] = 0x40 | (pkt[0] & 0x3f);
		memcpy(pkt + 1, self->dcid, len > 1 + CID_LEN ? CID_LEN :
		       len - 1);
		ASSERT_EQ(0, raw_send(self->raw, &self->caddr, &self->saddr,
				      pkt, len));
	}
	expect_alive(_metadata, self);
}

/*
 * 1000 random short header packets to the server's connection ID, from
 * the client's address and port and from another port (a packet that
 * does not authenticate is no migration either, RFC 9000 section 9).
 */
TEST_F(inject, random_datagrams)
{
	uint8_t pkt[MAX_PKT];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	unsigned int len, i, j;
	int u;

	if (self->skip)
		return;
	u = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, u);
	for (i = 0; i < 1000; i++) {
		len = 1 + rnd(&seed) % (MAX_PKT - 1);
		if (i % 4 == 0)
			len = 1 + rnd(&seed) % 64;
		for (j = 0; j < len; j++)
			pkt[j] = (uint8_t)rnd(&seed);
		pkt[0] = 0x40 | (pkt[0] & 0x3f);
		memcpy(pkt + 1, self->dcid, len > 1 + CID_LEN ? CID_LEN :
		       len - 1);
		if (i % 2) {
			ASSERT_EQ((ssize_t)len,
				  sendto(u, pkt, len, 0, (void *)&self->saddr,
					 sizeof(self->saddr)));
		} else {
			ASSERT_EQ(0, raw_send(self->raw, &self->caddr,
					      &self->saddr, pkt, len));
		}
	}
	close(u);
	expect_alive(_metadata, self);
}

/*
 * Long header Initials with broken length fields (RFC 9000 sections 17.2
 * and 17.2.2), padded to 1200 bytes (section 14.1) unless cut short.
 */
static size_t bad_initial(uint8_t *p, int kind, const uint8_t *dcid)
{
	struct buf b = {};

	put_u8(&b, 0xc3);			/* Initial, 4-byte PN */
	put_bytes(&b, "\x00\x00\x00\x01", 4);	/* version 1 */
	switch (kind) {
	case 0:		/* DCID length 21 (section 17.2: at most 20) */
		put_u8(&b, 21);
		break;
	case 1:		/* DCID length 255 */
		put_u8(&b, 255);
		break;
	case 2:		/* SCID length 255 */
		put_u8(&b, CID_LEN);
		put_bytes(&b, dcid, CID_LEN);
		put_u8(&b, 255);
		break;
	default:
		put_u8(&b, CID_LEN);
		put_bytes(&b, dcid, CID_LEN);
		put_u8(&b, CID_LEN);
		put_bytes(&b, "\x5c\x5c\x5c\x5c\x5c\x5c\x5c\x5c", CID_LEN);
		break;
	}
	switch (kind) {
	case 3:		/* Token Length past the datagram */
		put_varint_n(&b, 5000, 2);
		break;
	case 4:		/* Length past the datagram */
		put_varint(&b, 0);
		put_varint_n(&b, 16000, 2);
		break;
	case 5:		/* Length 0 */
		put_varint(&b, 0);
		put_varint(&b, 0);
		break;
	case 6:		/* Length too short for a packet number and sample */
		put_varint(&b, 0);
		put_varint(&b, 3);
		break;
	case 7:		/* Length 2^62 - 1 */
		put_varint(&b, 0);
		put_varint_n(&b, (1ULL << 62) - 1, 8);
		break;
	case 8:		/* Token Length 2^62 - 1 */
		put_varint_n(&b, (1ULL << 62) - 1, 8);
		break;
	case 9:		/* a sane first packet, then a broken coalesced one */
		put_varint(&b, 0);
		put_varint(&b, 40);
		b.n += 40;
		put_u8(&b, 0xc3);
		put_bytes(&b, "\x00\x00\x00\x01", 4);
		put_u8(&b, 200);
		break;
	case 10:	/* the datagram ends inside the Length field */
		put_varint(&b, 0);
		put_u8(&b, 0xc0);
		memcpy(p, b.d, b.n);
		return b.n;
	}
	memset(b.d + b.n, 0xa5, 1200 - b.n);
	memcpy(p, b.d, 1200);
	return 1200;
}

#define BAD_INITIAL_KINDS	11

/*
 * To the listening port, from a new port and from the client's own: none
 * may create a connection or disturb the live one, also when the
 * Destination Connection ID is the live connection's.
 */
TEST_F(inject, broken_initials)
{
	uint8_t pkt[1200], other[CID_LEN];
	int u, fd, kind, round;
	size_t n;

	if (self->skip)
		return;
	memset(other, 0x77, sizeof(other));
	u = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, u);
	for (round = 0; round < 2; round++) {
		for (kind = 0; kind < BAD_INITIAL_KINDS; kind++) {
			n = bad_initial(pkt, kind, round ? self->dcid : other);
			ASSERT_EQ((ssize_t)n, sendto(u, pkt, n, 0,
						     (void *)&self->saddr,
						     sizeof(self->saddr)));
			ASSERT_EQ(0, raw_send(self->raw, &self->caddr,
					      &self->saddr, pkt, n));
		}
	}
	close(u);
	usleep(100000);
	/* No connection came out of them. */
	fd = fcntl(self->lsn, F_GETFL);
	ASSERT_EQ(0, fcntl(self->lsn, F_SETFL, fd | O_NONBLOCK));
	errno = 0;
	fd = accept(self->lsn, NULL, NULL);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EAGAIN, errno) TH_LOG("accept: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	expect_alive(_metadata, self);
}

TEST_HARNESS_MAIN
