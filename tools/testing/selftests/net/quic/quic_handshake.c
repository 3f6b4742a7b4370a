// SPDX-License-Identifier: GPL-2.0
/*
 * Real TLS 1.3 handshakes through libquic (GnuTLS) on loopback: X.509 with
 * a CA made for the test, PSK, ALPN match and mismatch (the peer sees
 * CONNECTION_CLOSE with CRYPTO_ERROR 0x100 + no_application_protocol),
 * an untrusted certificate, a wrong PSK, SSLKEYLOGFILE, and client
 * certificates asked for with QUIC_CONFIG.certificate_request. The server
 * runs in a child process.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/quic.h>

#include "kselftest_harness.h"

static char dir[64];

/*
 * A CA, and a server certificate for "localhost" and a client certificate
 * signed by it.
 */
static int make_certs(void)
{
	char cmd[3072];

	strcpy(dir, "/tmp/quic-hs-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "cd %s && "
		 "printf 'cn = test ca\\nca\\ncert_signing_key\\nexpiration_days = 2\\n' > ca.tmpl && "
		 "printf 'cn = localhost\\ndns_name = localhost\\nip_address = 127.0.0.1\\n"
		 "tls_www_server\\nexpiration_days = 2\\n' > srv.tmpl && "
		 "certtool -p --key-type=ecdsa --outfile ca.key 2>/dev/null && "
		 "certtool -s --load-privkey ca.key --template ca.tmpl --outfile ca.pem 2>/dev/null && "
		 "certtool -p --key-type=ecdsa --outfile srv.key 2>/dev/null && "
		 "certtool -c --load-privkey srv.key --load-ca-certificate ca.pem "
		 "--load-ca-privkey ca.key --template srv.tmpl --outfile srv.pem 2>/dev/null && "
		 "printf 'clienta:0123456789abcdef0123456789abcdef\\n' > psk && "
		 "printf 'clienta:ffffffffffffffffffffffffffffffff\\n' > badpsk && "
		 "printf 'cn = client\\ntls_www_client\\nexpiration_days = 2\\n' > cli.tmpl && "
		 "certtool -p --key-type=ecdsa --outfile cli.key 2>/dev/null && "
		 "certtool -c --load-privkey cli.key --load-ca-certificate ca.pem "
		 "--load-ca-privkey ca.key --template cli.tmpl --outfile cli.pem 2>/dev/null && "
		 "certtool -p --key-type=ecdsa --outfile rogue.key 2>/dev/null && "
		 "certtool -s --load-privkey rogue.key --template ca.tmpl --outfile rogue.pem 2>/dev/null && "
		 "certtool -p --key-type=ecdsa --outfile rcli.key 2>/dev/null && "
		 "certtool -c --load-privkey rcli.key --load-ca-certificate rogue.pem "
		 "--load-ca-privkey rogue.key --template cli.tmpl --outfile rcli.pem 2>/dev/null && "
		 "certtool -p --key-type=ecdsa --outfile other.key 2>/dev/null && "
		 "certtool -s --load-privkey other.key --template ca.tmpl --outfile other.pem 2>/dev/null",
		 dir);
	return system(cmd) ? -1 : 0;
}

static const char *path(const char *name)
{
	static char buf[8][128];	/* two handshakes' options */
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

FIXTURE(hs)
{
	int lsn, cli;
	struct sockaddr_in addr;
	pid_t server;
};

FIXTURE_SETUP(hs)
{
	socklen_t len = sizeof(self->addr);
	struct timeval tv = { 10, 0 };

	if (!dir[0])
		ASSERT_EQ(0, make_certs()) TH_LOG("certtool (gnutls-bin) failed");
	self->lsn = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->lsn);
	memset(&self->addr, 0, sizeof(self->addr));
	self->addr.sin_family = AF_INET;
	self->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(self->lsn, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, getsockname(self->lsn, (void *)&self->addr, &len));
	ASSERT_EQ(0, listen(self->lsn, 4));
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	ASSERT_LE(0, self->cli);
	setsockopt(self->cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	self->server = -1;
}

FIXTURE_TEARDOWN(hs)
{
	if (self->server > 0) {
		kill(self->server, SIGKILL);
		waitpid(self->server, NULL, 0);
	}
	close(self->cli);
	close(self->lsn);
}

/*
 * The server: accept one connection, handshake with @o, then echo one
 * message back on its stream. Exits 0 on success, 10 + -error on a
 * failed handshake.
 */
static void serve(int lsn, const struct quic_handshake_opts *o)
{
	char buf[256];
	int64_t sid;
	uint32_t flags = 0;
	ssize_t n;
	int fd, ret;

	fd = accept(lsn, NULL, NULL);
	if (fd < 0)
		_exit(2);
	ret = quic_server_handshake_opts(fd, o);
	if (ret) {
		struct {
			struct quic_connection_close c;
			char phrase[64];
		} cc;
		socklen_t len = sizeof(cc);

		/* The client closed it with a TLS alert: exit 100 + alert. */
		if (!getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE,
				&cc, &len) && cc.c.errcode >= 0x100 &&
		    cc.c.errcode < 0x100 + 150)
			_exit(100 + cc.c.errcode - 0x100);
		close(fd);
		_exit(10 + (-ret > 80 ? 80 : -ret));
	}
	n = quic_recvmsg(fd, buf, sizeof(buf), &sid, &flags);
	if (n <= 0 || !(flags & MSG_STREAM_FIN))
		_exit(3);
	if (quic_sendmsg(fd, buf, n, sid, MSG_STREAM_FIN) != n)
		_exit(4);
	/* Wait for the client to close (our data acknowledged first). */
	quic_recvmsg(fd, buf, sizeof(buf), &sid, &flags);
	close(fd);
	_exit(0);
}

static void start_server(FIXTURE_DATA(hs) *self,
			 const struct quic_handshake_opts *o)
{
	self->server = fork();
	if (!self->server) {
		/* The client socket must close when the parent closes it. */
		close(self->cli);
		quic_set_log_level(-1);
		serve(self->lsn, o);
	}
}

static int server_status(FIXTURE_DATA(hs) *self)
{
	int status;

	if (waitpid(self->server, &status, 0) != self->server)
		return -1;
	self->server = -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Handshake, send "ping" on stream 0, expect it back. */
static int client_exchange(FIXTURE_DATA(hs) *self,
			   const struct quic_handshake_opts *o)
{
	char buf[64];
	int64_t sid;
	uint32_t flags = 0;
	ssize_t n;
	int ret;

	if (connect(self->cli, (void *)&self->addr, sizeof(self->addr)))
		return -errno;
	ret = quic_client_handshake_opts(self->cli, o);
	if (ret)
		return ret;
	if (quic_sendmsg(self->cli, "ping", 4, 0, MSG_STREAM_NEW | MSG_STREAM_FIN) != 4)
		return -errno;
	n = quic_recvmsg(self->cli, buf, sizeof(buf), &sid, &flags);
	if (n != 4 || memcmp(buf, "ping", 4) || sid != 0 ||
	    !(flags & MSG_STREAM_FIN))
		return -EBADMSG;
	return 0;
}

TEST_F(hs, x509)
{
	struct quic_handshake_opts so = {
		.cert_file = path("srv.pem"), .pkey_file = path("srv.key"),
		.alpns = "h3,hq-interop",
	};
	struct quic_handshake_opts co = {
		.hostname = "localhost", .ca_file = path("ca.pem"),
		.alpns = "hq-interop",
	};
	char alpn[64] = {};
	socklen_t len = sizeof(alpn) - 1;

	start_server(self, &so);
	ASSERT_EQ(0, client_exchange(self, &co));
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_ALPN, alpn, &len));
	EXPECT_STREQ("hq-interop", alpn);
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	EXPECT_EQ(0, server_status(self));
}

TEST_F(hs, psk)
{
	struct quic_handshake_opts so = { .psk_file = path("psk"), .alpns = "x" };
	struct quic_handshake_opts co = { .psk_file = path("psk"), .alpns = "x" };

	start_server(self, &so);
	ASSERT_EQ(0, client_exchange(self, &co));
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	EXPECT_EQ(0, server_status(self));
}

/* Draft interface: quic_client_handshake() with a PSK file. */
TEST_F(hs, psk_draft_interface)
{
	struct quic_handshake_opts so = { .psk_file = path("psk") };

	start_server(self, &so);
	ASSERT_EQ(0, connect(self->cli, (void *)&self->addr, sizeof(self->addr)));
	ASSERT_EQ(0, quic_client_handshake(self->cli, path("psk"), NULL, NULL));
	ASSERT_EQ(4, quic_sendmsg(self->cli, "ping", 4, 0,
				  MSG_STREAM_NEW | MSG_STREAM_FIN));
}

/* RFC 9001 section 8.1: no common ALPN ends in no_application_protocol. */
TEST_F(hs, alpn_mismatch)
{
	struct quic_handshake_opts so = {
		.cert_file = path("srv.pem"), .pkey_file = path("srv.key"),
		.alpns = "h3",
	};
	struct quic_handshake_opts co = {
		.hostname = "localhost", .ca_file = path("ca.pem"),
		.alpns = "hq-interop", .timeout_ms = 5000,
	};
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc;
	socklen_t len = sizeof(cc);
	int ret;

	start_server(self, &so);
	ret = client_exchange(self, &co);
	EXPECT_TRUE(ret == -ECONNREFUSED || ret == -EPROTO) TH_LOG("ret %d", ret);
	EXPECT_EQ(10 + EPROTO, server_status(self));
	ASSERT_EQ(0, getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE,
				&cc, &len));
	EXPECT_EQ(0x100U + 120, cc.c.errcode);	/* no_application_protocol */
}

TEST_F(hs, untrusted_certificate)
{
	struct quic_handshake_opts so = {
		.cert_file = path("srv.pem"), .pkey_file = path("srv.key"),
	};
	struct quic_handshake_opts co = {
		.hostname = "localhost", .ca_file = path("other.pem"),
		.timeout_ms = 5000,
	};

	int status;

	start_server(self, &so);
	EXPECT_EQ(-EPROTO, client_exchange(self, &co));
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	/* The server learns why: a certificate alert (bad_certificate,
	 * certificate_unknown or unknown_ca), not internal_error.
	 */
	status = server_status(self);
	EXPECT_TRUE(status == 100 + 42 || status == 100 + 46 ||
		    status == 100 + 48) TH_LOG("server exit %d", status);
}

TEST_F(hs, wrong_psk)
{
	struct quic_handshake_opts so = { .psk_file = path("psk") };
	struct quic_handshake_opts co = {
		.psk_file = path("badpsk"), .timeout_ms = 5000,
	};
	int ret;

	start_server(self, &so);
	ret = client_exchange(self, &co);
	EXPECT_NE(0, ret);
	EXPECT_NE(0, server_status(self));
}

/* SSLKEYLOGFILE lets tshark decrypt captures (NSS key log format). */
TEST_F(hs, keylog)
{
	struct quic_handshake_opts so = { .psk_file = path("psk") };
	struct quic_handshake_opts co = { .psk_file = path("psk") };
	char line[512];
	int found = 0;
	FILE *f;

	setenv("SSLKEYLOGFILE", path("keys.log"), 1);
	start_server(self, &so);
	ASSERT_EQ(0, client_exchange(self, &co));
	unsetenv("SSLKEYLOGFILE");
	f = fopen(path("keys.log"), "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		found |= !strncmp(line, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ", 32) ? 1 :
			 !strncmp(line, "CLIENT_TRAFFIC_SECRET_0 ", 24) ? 2 : 0;
	fclose(f);
	EXPECT_EQ(3, found);
}

/* QUIC_CONFIG.certificate_request on the listener (0 ignore, 1, 2). */
static int ask_certificate(int lsn, uint8_t how)
{
	struct quic_config c = { .certificate_request = how };

	return setsockopt(lsn, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

/* The TLS alert the server closed the client's connection with, or -1. */
static int client_alert(FIXTURE_DATA(hs) *self)
{
	struct {
		struct quic_connection_close c;
		char phrase[64];
	} cc;
	socklen_t len = sizeof(cc);

	if (getsockopt(self->cli, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
		       &len) || cc.c.errcode < 0x100 || cc.c.errcode >= 0x200)
		return -1;
	return cc.c.errcode - 0x100;
}

/* RFC 8446 section 4.3.2: a server that requires a client certificate
 * gets one signed by the CA it trusts.
 */
TEST_F(hs, client_certificate)
{
	struct quic_handshake_opts so = {
		.cert_file = path("srv.pem"), .pkey_file = path("srv.key"),
		.ca_file = path("ca.pem"),
	};
	struct quic_handshake_opts co = {
		.hostname = "localhost", .ca_file = path("ca.pem"),
		.cert_file = path("cli.pem"), .pkey_file = path("cli.key"),
	};
	struct quic_config c;
	socklen_t len = sizeof(c);

	ASSERT_EQ(0, ask_certificate(self->lsn, 2));
	ASSERT_EQ(0, getsockopt(self->lsn, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len));
	EXPECT_EQ(2, c.certificate_request);
	EXPECT_NE(0, ask_certificate(self->lsn, 3));	/* 0..2 only */
	start_server(self, &so);
	ASSERT_EQ(0, client_exchange(self, &co));
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	EXPECT_EQ(0, server_status(self));
}

/* Required and not given: the server ends the handshake with an alert. */
TEST_F(hs, client_certificate_missing)
{
	struct quic_handshake_opts so = {
		.cert_file = path("srv.pem"), .pkey_file = path("srv.key"),
		.ca_file = path("ca.pem"),
	};
	struct quic_handshake_opts co = {
		.hostname = "localhost", .ca_file = path("ca.pem"),
		.timeout_ms = 5000,
	};
	int alert;

	ASSERT_EQ(0, ask_certificate(self->lsn, 2));
	start_server(self, &so);
	EXPECT_NE(0, client_exchange(self, &co));
	EXPECT_NE(0, server_status(self));
	/* certificate_required (116), or handshake_failure (40) */
	alert = client_alert(self);
	EXPECT_TRUE(alert == 116 || alert == 40) TH_LOG("alert %d", alert);
}

/* Asked for, not required: a client without one still connects. */
TEST_F(hs, client_certificate_optional)
{
	struct quic_handshake_opts so = {
		.cert_file = path("srv.pem"), .pkey_file = path("srv.key"),
		.ca_file = path("ca.pem"),
	};
	struct quic_handshake_opts co = {
		.hostname = "localhost", .ca_file = path("ca.pem"),
	};

	ASSERT_EQ(0, ask_certificate(self->lsn, 1));
	start_server(self, &so);
	ASSERT_EQ(0, client_exchange(self, &co));
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	EXPECT_EQ(0, server_status(self));
}

/* A client certificate the server's CA did not sign fails the handshake. */
TEST_F(hs, client_certificate_untrusted)
{
	struct quic_handshake_opts so = {
		.cert_file = path("srv.pem"), .pkey_file = path("srv.key"),
		.ca_file = path("ca.pem"),
	};
	struct quic_handshake_opts co = {
		.hostname = "localhost", .ca_file = path("ca.pem"),
		.cert_file = path("rcli.pem"), .pkey_file = path("rcli.key"),
		.timeout_ms = 5000,
	};
	int alert;

	ASSERT_EQ(0, ask_certificate(self->lsn, 1));
	start_server(self, &so);
	EXPECT_NE(0, client_exchange(self, &co));
	alert = client_alert(self);
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	EXPECT_NE(0, server_status(self));
	/* bad_certificate (42), certificate_unknown (46) or unknown_ca (48) */
	EXPECT_TRUE(alert == 42 || alert == 46 || alert == 48)
		TH_LOG("alert %d", alert);
}

TEST_HARNESS_MAIN
