// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The transport parameter codec against RFC 9000 sections 7.3, 7.4 and
 * 18: round trips for both roles (preferred_address included), a
 * hand-written encoding, defaults for absent parameters, every invalid
 * value and encoding rejected with TRANSPORT_PARAMETER_ERROR, truncation,
 * unknown IDs, clamping to the socket API's fields, and short output
 * buffers.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/quic.h>

#include "../tparam.h"
#include "quic_test.h"

static void quic_test_params(struct quic_tparams *tp, bool server)
{
	memset(tp, 0, sizeof(*tp));
	tp->p.max_idle_timeout = 30000000;
	tp->p.max_udp_payload_size = 1500;
	tp->p.max_data = 1 << 21;
	tp->p.max_stream_data_bidi_local = 1 << 18;
	tp->p.max_stream_data_bidi_remote = 1 << 17;
	tp->p.max_stream_data_uni = 1 << 16;
	tp->p.max_streams_bidi = 100;
	tp->p.max_streams_uni = 3;
	tp->p.ack_delay_exponent = 10;
	tp->p.max_ack_delay = 40000;
	tp->p.active_connection_id_limit = 7;
	tp->p.disable_active_migration = 1;
	tp->p.max_datagram_frame_size = 1200;
	tp->p.grease_quic_bit = 1;
	tp->initial_scid.len = 8;
	memcpy(tp->initial_scid.data, "scid-abc", 8);
	if (server) {
		tp->has_orig_dcid = true;
		tp->orig_dcid.len = 18;
		memcpy(tp->orig_dcid.data, "original-dcid-1234", 18);
		tp->has_reset_token = true;
		memcpy(tp->reset_token, "reset-token-0123", 16);
		tp->has_retry_scid = true;
		tp->retry_scid.len = 4;
		memcpy(tp->retry_scid.data, "rtry", 4);
		/* Section 18.2: both families, the address bytes as sent. */
		tp->has_preferred_address = true;
		tp->preferred.v4.sin_family = AF_INET;
		tp->preferred.v4.sin_addr.s_addr = htonl(0xc0000201);
		tp->preferred.v4.sin_port = htons(4434);
		tp->preferred.v6.sin6_family = AF_INET6;
		tp->preferred.v6.sin6_addr.s6_addr[0] = 0x20;
		tp->preferred.v6.sin6_addr.s6_addr[15] = 0x01;
		tp->preferred.v6.sin6_port = htons(4435);
		tp->preferred.cid.len = 8;
		memcpy(tp->preferred.cid.data, "pref-cid", 8);
		memcpy(tp->preferred.token, "pref-token-45678", 16);
	}
	tp->chosen_version = QUIC_VERSION_V1;
	tp->version_count = 2;
	tp->versions[0] = QUIC_VERSION_V1;
	tp->versions[1] = QUIC_VERSION_V2;
}

struct quic_test_tp {
	struct quic_tparams in;
	struct quic_tparams out;
	u8 buf[512];
};

static void quic_test_round_trip(struct quic_test_ctx *ctx)
{
	struct quic_test_tp *t = kzalloc(sizeof(*t), GFP_KERNEL);
	u64 err = 0;
	u8 *exact;
	int n, role;

	if (!t) {
		quic_test_fail(ctx, "no memory");
		return;
	}
	for (role = 0; role < 2; role++) {
		quic_test_params(&t->in, role);
		n = quic_tparams_encode(&t->in, role, t->buf, sizeof(t->buf));
		if (n <= 0) {
			quic_test_fail(ctx, "encode: %d", n);
			break;
		}
		exact = kmemdup(t->buf, n, GFP_KERNEL);
		if (!exact)
			break;
		EXPECT_INT(ctx, quic_tparams_decode(exact, n, role, &t->out, &err), 0);
		t->in.p.remote = 1;	/* decode marks the peer's */
		EXPECT_MEM(ctx, (u8 *)&t->out.p, (u8 *)&t->in.p, sizeof(t->in.p));
		EXPECT_MEM(ctx, (u8 *)&t->out.initial_scid, (u8 *)&t->in.initial_scid,
			   sizeof(t->in.initial_scid));
		EXPECT_INT(ctx, t->out.has_orig_dcid, role);
		EXPECT_INT(ctx, t->out.has_reset_token, role);
		if (role) {
			EXPECT_MEM(ctx, (u8 *)&t->out.orig_dcid, (u8 *)&t->in.orig_dcid,
				   sizeof(t->in.orig_dcid));
			EXPECT_MEM(ctx, t->out.reset_token, t->in.reset_token, 16);
			EXPECT_MEM(ctx, (u8 *)&t->out.retry_scid, (u8 *)&t->in.retry_scid,
				   sizeof(t->in.retry_scid));
			EXPECT_INT(ctx, t->out.has_preferred_address, 1);
			EXPECT_MEM(ctx, (u8 *)&t->out.preferred, (u8 *)&t->in.preferred,
				   sizeof(t->in.preferred));
		}
		EXPECT_INT(ctx, t->out.chosen_version, QUIC_VERSION_V1);
		EXPECT_INT(ctx, t->out.version_count, 2);
		EXPECT_INT(ctx, t->out.versions[1], QUIC_VERSION_V2);
		/* One byte short of room: -ENOSPC. */
		EXPECT_INT(ctx, quic_tparams_encode(&t->in, role, t->buf, n - 1),
			   -ENOSPC);
		/* Every prefix that cuts a parameter is an error. */
		while (--n > 0) {
			err = 0;
			if (!quic_tparams_decode(exact, n, role, &t->out, &err))
				continue;	/* ended between parameters */
			if (err != QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM)
				quic_test_fail(ctx, "prefix %d: error %llu", n, err);
		}
		kfree(exact);
	}
	kfree(t);
}

/* Written from RFC 9000 section 18.2: defaults for what is absent. */
static void quic_test_exact(struct quic_test_ctx *ctx)
{
	static const u8 ext[] = {
		0x04, 0x04, 0x80, 0x01, 0x00, 0x00,	/* initial_max_data 65536 */
		0x0e, 0x01, 0x05,			/* active_cid_limit 5 */
		0x01, 0x02, 0x43, 0xe8,			/* max_idle_timeout 1000 ms */
		0x0f, 0x02, 0xab, 0xcd,			/* initial_scid abcd */
		0x40, 0x1b, 0x00,	/* reserved ID 27 (31 * 0 + 27), empty */
		0x7f, 0xff, 0x03, 0x01, 0x02, 0x03,	/* unknown 0x3fff */
	};
	struct quic_tparams *tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	u64 err = 0;

	if (!tp) {
		quic_test_fail(ctx, "no memory");
		return;
	}
	EXPECT_INT(ctx, quic_tparams_decode(ext, sizeof(ext), false, tp, &err), 0);
	EXPECT_INT(ctx, tp->p.max_data, 65536);
	EXPECT_INT(ctx, tp->p.active_connection_id_limit, 5);
	EXPECT_INT(ctx, tp->p.max_idle_timeout, 1000000);
	EXPECT_INT(ctx, tp->initial_scid.len, 2);
	EXPECT_INT(ctx, tp->p.max_udp_payload_size, 65527);
	EXPECT_INT(ctx, tp->p.ack_delay_exponent, 3);
	EXPECT_INT(ctx, tp->p.max_ack_delay, 25000);
	EXPECT_INT(ctx, tp->p.max_streams_bidi, 0);
	EXPECT_INT(ctx, tp->p.remote, 1);
	kfree(tp);
}

struct quic_test_bad_tp {
	const char *what;
	bool from_server;
	u8 bytes[24];
	u32 len;
};

/* Each follows a valid initial_scid (0x0f 0x01 0x01), except the absent ones. */
static const struct quic_test_bad_tp quic_bad_params[] = {
	{ "duplicate parameter", false, { 0x04, 0x01, 0x01, 0x04, 0x01, 0x02 }, 6 },
	{ "client sends original_destination_connection_id", false,
	  { 0x00, 0x01, 0x01 }, 3 },
	{ "client sends stateless_reset_token", false,
	  { 0x02, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, 18 },
	{ "client sends retry_source_connection_id", false, { 0x10, 0x01, 0x01 }, 3 },
	{ "max_udp_payload_size 1199", false, { 0x03, 0x02, 0x44, 0xaf }, 4 },
	{ "ack_delay_exponent 21", false, { 0x0a, 0x01, 21 }, 3 },
	{ "max_ack_delay 2^14", false, { 0x0b, 0x04, 0x80, 0x00, 0x40, 0x00 }, 6 },
	{ "active_connection_id_limit 1", false, { 0x0e, 0x01, 0x01 }, 3 },
	{ "initial_max_streams_bidi 2^60 + 1", false,
	  { 0x08, 0x08, 0xd0, 0, 0, 0, 0, 0, 0, 1 }, 10 },
	{ "varint value longer than its length", false, { 0x04, 0x02, 0x05, 0x00 }, 4 },
	{ "connection ID of 21 bytes", true,
	  { 0x00, 0x15, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
	    18, 19, 20, 21 }, 23 },
	{ "reset token of 15 bytes", true,
	  { 0x02, 0x0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }, 17 },
	{ "disable_active_migration with a value", false, { 0x0c, 0x01, 0x00 }, 3 },
	{ "version_information not a multiple of 4", false,
	  { 0x11, 0x05, 0, 0, 0, 1, 0 }, 7 },
	{ "version_information chosen version 0", false,
	  { 0x11, 0x04, 0, 0, 0, 0 }, 6 },
	{ "preferred_address too short", true, { 0x0d, 0x02, 0x00, 0x00 }, 4 },
	{ "length beyond the extension", false, { 0x04, 0x05, 0x01 }, 3 },
};

static void quic_test_invalid(struct quic_test_ctx *ctx)
{
	struct quic_tparams *tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	static const u8 odcid[] = { 0x00, 0x01, 0x07 };
	static const u8 scid[] = { 0x0f, 0x01, 0x01 };
	u8 *buf;
	u64 err;
	u32 i, n;

	if (!tp) {
		quic_test_fail(ctx, "no memory");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(quic_bad_params); i++) {
		const struct quic_test_bad_tp *t = &quic_bad_params[i];

		buf = kzalloc(t->len + 6, GFP_KERNEL);
		if (!buf)
			break;
		n = 0;
		memcpy(buf, scid, 3);
		n += 3;
		if (t->from_server && t->bytes[0] != 0x00) {
			memcpy(buf + n, odcid, 3);
			n += 3;
		}
		memcpy(buf + n, t->bytes, t->len);
		n += t->len;
		err = 0;
		if (quic_tparams_decode(buf, n, t->from_server, tp, &err) != -EINVAL ||
		    err != QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM)
			quic_test_fail(ctx, "%s: accepted", t->what);
		kfree(buf);
	}
	/* Section 7.3: initial_source_connection_id is mandatory... */
	err = 0;
	EXPECT_INT(ctx, quic_tparams_decode(odcid, 0, false, tp, &err), -EINVAL);
	/* ...and from a server original_destination_connection_id too. */
	EXPECT_INT(ctx, quic_tparams_decode(scid, sizeof(scid), true, tp, &err),
		   -EINVAL);
	EXPECT_INT(ctx, quic_tparams_decode(scid, sizeof(scid), false, tp, &err), 0);
	kfree(tp);
}

/* Values beyond the socket API's fields are clamped, not refused. */
static void quic_test_clamp(struct quic_test_ctx *ctx)
{
	static const u8 ext[] = {
		0x0f, 0x00,				/* empty initial_scid */
		0x08, 0x04, 0x80, 0x01, 0x00, 0x00,	/* 65536 bidi streams */
		0x03, 0x04, 0x80, 0x01, 0x00, 0x00,	/* 65536 UDP payload */
		0x20, 0x04, 0x80, 0x10, 0x00, 0x00,	/* datagram 1 MiB */
	};
	struct quic_tparams *tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	u64 err = 0;

	if (!tp) {
		quic_test_fail(ctx, "no memory");
		return;
	}
	EXPECT_INT(ctx, quic_tparams_decode(ext, sizeof(ext), false, tp, &err), 0);
	EXPECT_INT(ctx, tp->p.max_streams_bidi, 65535);
	EXPECT_INT(ctx, tp->p.max_udp_payload_size, 65527);
	EXPECT_INT(ctx, tp->p.max_datagram_frame_size, 65535);
	EXPECT_INT(ctx, tp->initial_scid.len, 0);
	kfree(tp);
}

static const struct quic_test_case quic_tparam_cases[] = {
	{ "round_trip_and_truncation", quic_test_round_trip },
	{ "exact_encoding_and_defaults", quic_test_exact },
	{ "invalid_parameters", quic_test_invalid },
	{ "clamped_values", quic_test_clamp },
};

#define QUIC_TEST_SUITE_NAME	"quic_tparam"
#define QUIC_TEST_CASES		quic_tparam_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC transport parameter codec tests");
MODULE_LICENSE("GPL");
