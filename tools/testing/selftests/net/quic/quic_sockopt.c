// SPDX-License-Identifier: GPL-2.0
/*
 * SOL_QUIC socket options of an unconnected IPPROTO_QUIC socket
 * (draft-lxin-quic-socket-apis-02 section 5): QUIC_SOCKOPT_EVENT,
 * _TRANSPORT_PARAM, _CONFIG and _ALPN (defaults, accepted and rejected
 * values and lengths, and that a rejected set changes nothing); the
 * options that need a connection, which must fail with EOPNOTSUPP and are
 * reported as skipped ("expected to come"); ENOPROTOOPT for an option used
 * in the wrong direction or unknown; and the IP, IPv6 and socket levels,
 * which must still reach their usual handlers.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/quic.h>
#include <linux/tls.h>

#include "kselftest_harness.h"

/* The draft's layouts, with the extensions of the uapi header. */
_Static_assert(sizeof(struct quic_transport_param) == 64, "quic_transport_param size");
_Static_assert(offsetof(struct quic_transport_param, reserved) == 56, "reserved offset");
_Static_assert(sizeof(struct quic_config) == 28, "quic_config size");
_Static_assert(offsetof(struct quic_config, keepalive_probe_interval) == 24, "keepalive offset");
_Static_assert(sizeof(struct quic_event_option) == 2, "quic_event_option size");

#define PARAM_LEN	((socklen_t)sizeof(struct quic_transport_param))
#define PARAM_MIN_LEN	((socklen_t)offsetof(struct quic_transport_param, reserved))
#define CONFIG_LEN	((socklen_t)sizeof(struct quic_config))
#define CONFIG_MIN_LEN	((socklen_t)offsetof(struct quic_config, keepalive_probe_interval))
#define ALPN_MAX_LEN	128

/* Helpers: 0 on success, else errno. */

static int set_opt(int fd, int name, const void *val, socklen_t len)
{
	return setsockopt(fd, SOL_QUIC, name, val, len) ? errno : 0;
}

static int get_opt(int fd, int name, void *val, socklen_t *len)
{
	return getsockopt(fd, SOL_QUIC, name, val, len) ? errno : 0;
}

static int set_event(int fd, int type, int on)
{
	struct quic_event_option ev = { .type = type, .on = on };

	return set_opt(fd, QUIC_SOCKOPT_EVENT, &ev, sizeof(ev));
}

/* The event's state (0 or 1), or -errno; -1000 if optlen is not 2. */
static int get_event(int fd, int type)
{
	struct quic_event_option ev = { .type = type, .on = 0xaa };
	socklen_t len = sizeof(ev);
	int err;

	err = get_opt(fd, QUIC_SOCKOPT_EVENT, &ev, &len);
	if (err)
		return -err;
	if (len != sizeof(ev) || ev.type != type)
		return -1000;
	return ev.on;
}

/* Reads all 64 bytes; -1 if optlen did not come back as 64. */
static int get_param(int fd, int remote, struct quic_transport_param *p)
{
	socklen_t len = PARAM_LEN;
	int err;

	memset(p, 0xa5, sizeof(*p));
	p->remote = remote;
	err = get_opt(fd, QUIC_SOCKOPT_TRANSPORT_PARAM, p, &len);
	if (!err && len != PARAM_LEN)
		return -1;
	return err;
}

static int set_param(int fd, const struct quic_transport_param *p)
{
	return set_opt(fd, QUIC_SOCKOPT_TRANSPORT_PARAM, p, PARAM_LEN);
}

/* Reads all 28 bytes; -1 if optlen did not come back as 28. */
static int get_config(int fd, struct quic_config *c)
{
	socklen_t len = CONFIG_LEN;
	int err;

	memset(c, 0xa5, sizeof(*c));
	err = get_opt(fd, QUIC_SOCKOPT_CONFIG, c, &len);
	if (!err && len != CONFIG_LEN)
		return -1;
	return err;
}

static int set_config(int fd, const struct quic_config *c)
{
	return set_opt(fd, QUIC_SOCKOPT_CONFIG, c, CONFIG_LEN);
}

/* Stores the value in *len bytes of buf (NUL-terminated); -1 on a bad optlen. */
static int get_alpn(int fd, char *buf, socklen_t size)
{
	socklen_t len = size - 1;
	int err;

	memset(buf, 0, size);
	err = get_opt(fd, QUIC_SOCKOPT_ALPN, buf, &len);
	if (err)
		return err;
	if (len > size - 1)
		return -1;
	buf[len] = '\0';
	return 0;
}

static void check_param(struct __test_metadata *_metadata,
			const struct quic_transport_param *exp,
			const struct quic_transport_param *p)
{
	EXPECT_EQ(exp->remote, p->remote);
	EXPECT_EQ(exp->disable_active_migration, p->disable_active_migration);
	EXPECT_EQ(exp->grease_quic_bit, p->grease_quic_bit);
	EXPECT_EQ(exp->stateless_reset, p->stateless_reset);
	EXPECT_EQ(exp->disable_1rtt_encryption, p->disable_1rtt_encryption);
	EXPECT_EQ(exp->disable_compatible_version, p->disable_compatible_version);
	EXPECT_EQ(exp->active_connection_id_limit, p->active_connection_id_limit);
	EXPECT_EQ(exp->ack_delay_exponent, p->ack_delay_exponent);
	EXPECT_EQ(exp->max_datagram_frame_size, p->max_datagram_frame_size);
	EXPECT_EQ(exp->max_udp_payload_size, p->max_udp_payload_size);
	EXPECT_EQ(exp->max_idle_timeout, p->max_idle_timeout);
	EXPECT_EQ(exp->max_ack_delay, p->max_ack_delay);
	EXPECT_EQ(exp->max_streams_bidi, p->max_streams_bidi);
	EXPECT_EQ(exp->max_streams_uni, p->max_streams_uni);
	EXPECT_EQ(exp->max_data, p->max_data);
	EXPECT_EQ(exp->max_stream_data_bidi_local, p->max_stream_data_bidi_local);
	EXPECT_EQ(exp->max_stream_data_bidi_remote, p->max_stream_data_bidi_remote);
	EXPECT_EQ(exp->max_stream_data_uni, p->max_stream_data_uni);
	EXPECT_EQ(exp->reserved, p->reserved);
}

static void check_config(struct __test_metadata *_metadata,
			 const struct quic_config *exp, const struct quic_config *c)
{
	EXPECT_EQ(exp->version, c->version);
	EXPECT_EQ(exp->plpmtud_probe_interval, c->plpmtud_probe_interval);
	EXPECT_EQ(exp->initial_smoothed_rtt, c->initial_smoothed_rtt);
	EXPECT_EQ(exp->payload_cipher_type, c->payload_cipher_type);
	EXPECT_EQ(exp->congestion_control_algo, c->congestion_control_algo);
	EXPECT_EQ(exp->validate_peer_address, c->validate_peer_address);
	EXPECT_EQ(exp->stream_data_nodelay, c->stream_data_nodelay);
	EXPECT_EQ(exp->receive_session_ticket, c->receive_session_ticket);
	EXPECT_EQ(exp->certificate_request, c->certificate_request);
	EXPECT_EQ(exp->reserved[0], c->reserved[0]);
	EXPECT_EQ(exp->reserved[1], c->reserved[1]);
	EXPECT_EQ(exp->reserved[2], c->reserved[2]);
	EXPECT_EQ(exp->keepalive_probe_interval, c->keepalive_probe_interval);
}

/* One field of a structure, to patch a value into it. */
struct field_value {
	const char *name;
	size_t off;
	size_t size;
	uint64_t val;
};

#define FIELD(type, field, v) \
	{ #field, offsetof(type, field), sizeof(((type *)0)->field), (v) }

static void set_field(void *base, const struct field_value *f)
{
	char *p = (char *)base + f->off;
	uint8_t v8 = f->val;
	uint16_t v16 = f->val;
	uint32_t v32 = f->val;
	uint64_t v64 = f->val;

	switch (f->size) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v64, 8);
		break;
	}
}

/* Defaults: draft-lxin-quic-socket-apis-02 (local), RFC 9000 18.2 (remote). */

static const struct quic_transport_param local_defaults = {
	.active_connection_id_limit	= 7,
	.ack_delay_exponent		= 3,
	.max_udp_payload_size		= 65527,
	.max_idle_timeout		= 30000000,
	.max_ack_delay			= 25000,
	.max_streams_bidi		= 100,
	.max_streams_uni		= 100,
	.max_data			= 2097152,
	.max_stream_data_bidi_local	= 262144,
	.max_stream_data_bidi_remote	= 262144,
	.max_stream_data_uni		= 262144,
};

static const struct quic_transport_param remote_defaults = {
	.remote				= 1,
	.active_connection_id_limit	= 2,
	.ack_delay_exponent		= 3,
	.max_udp_payload_size		= 65527,
	.max_idle_timeout		= 0,
	.max_ack_delay			= 25000,
};

/* Every field at the limit it may take. */
static const struct quic_transport_param param_limits = {
	.disable_active_migration	= 1,
	.grease_quic_bit		= 1,
	.stateless_reset		= 1,
	.disable_1rtt_encryption	= 1,
	.disable_compatible_version	= 1,
	.active_connection_id_limit	= 8,
	.ack_delay_exponent		= 20,
	.max_datagram_frame_size	= 65535,
	.max_udp_payload_size		= 1200,
	.max_idle_timeout		= 1000000,
	.max_ack_delay			= 16383999,
	.max_streams_bidi		= 4096,
	.max_streams_uni		= 4096,
	.max_data			= INT32_MAX / 2,
	.max_stream_data_bidi_local	= INT32_MAX / 4,
	.max_stream_data_bidi_remote	= INT32_MAX / 4,
	.max_stream_data_uni		= INT32_MAX / 4,
};

/* Valid again, and different from param_limits in every value field. */
static const struct quic_transport_param param_other = {
	.disable_active_migration	= 1,
	.grease_quic_bit		= 1,
	.stateless_reset		= 1,
	.disable_1rtt_encryption	= 1,
	.disable_compatible_version	= 1,
	.active_connection_id_limit	= 2,
	.ack_delay_exponent		= 1,
	.max_datagram_frame_size	= 1200,
	.max_udp_payload_size		= 65527,
	.max_idle_timeout		= 600000000,
	.max_ack_delay			= 1,
	.max_streams_bidi		= 1,
	.max_streams_uni		= 2,
	.max_data			= 1,
	.max_stream_data_bidi_local	= 2,
	.max_stream_data_bidi_remote	= 3,
	.max_stream_data_uni		= 4,
};

static const struct quic_config config_defaults = {
	.version		= QUIC_VERSION_V1,
	.initial_smoothed_rtt	= 333000,
};

FIXTURE(quic_opt) {
	int fd;
};

FIXTURE_VARIANT(quic_opt) {
	int family;
	int type;
};

FIXTURE_VARIANT_ADD(quic_opt, inet_dgram) { .family = AF_INET, .type = SOCK_DGRAM };
FIXTURE_VARIANT_ADD(quic_opt, inet_stream) { .family = AF_INET, .type = SOCK_STREAM };
FIXTURE_VARIANT_ADD(quic_opt, inet6_dgram) { .family = AF_INET6, .type = SOCK_DGRAM };
FIXTURE_VARIANT_ADD(quic_opt, inet6_stream) { .family = AF_INET6, .type = SOCK_STREAM };

FIXTURE_SETUP(quic_opt)
{
	self->fd = socket(variant->family, variant->type, IPPROTO_QUIC);
	ASSERT_LE(0, self->fd) TH_LOG("socket: %s", strerror(errno));
}

FIXTURE_TEARDOWN(quic_opt)
{
	close(self->fd);
}

/* QUIC_SOCKOPT_EVENT */

TEST_F(quic_opt, event_defaults)
{
	int type;

	for (type = 1; type < QUIC_EVENT_MAX; type++)
		EXPECT_EQ(0, get_event(self->fd, type)) TH_LOG("event %d", type);
}

TEST_F(quic_opt, event_on_off)
{
	int type, other;

	for (type = 1; type < QUIC_EVENT_MAX; type++) {
		ASSERT_EQ(0, set_event(self->fd, type, 1));
		EXPECT_EQ(1, get_event(self->fd, type)) TH_LOG("event %d", type);
		/* Only this one is on. */
		for (other = 1; other < QUIC_EVENT_MAX; other++) {
			if (other != type)
				EXPECT_EQ(0, get_event(self->fd, other))
					TH_LOG("event %d after %d on", other, type);
		}
		ASSERT_EQ(0, set_event(self->fd, type, 0));
		EXPECT_EQ(0, get_event(self->fd, type)) TH_LOG("event %d", type);
	}
	/* All on together, then off one by one. */
	for (type = 1; type < QUIC_EVENT_MAX; type++)
		ASSERT_EQ(0, set_event(self->fd, type, 1));
	for (type = 1; type < QUIC_EVENT_MAX; type++) {
		ASSERT_EQ(0, set_event(self->fd, type, 0));
		EXPECT_EQ(0, get_event(self->fd, type));
		for (other = type + 1; other < QUIC_EVENT_MAX; other++)
			EXPECT_EQ(1, get_event(self->fd, other));
	}
}

TEST_F(quic_opt, event_on_is_boolean)
{
	ASSERT_EQ(0, set_event(self->fd, QUIC_EVENT_STREAM_UPDATE, 5));
	EXPECT_EQ(1, get_event(self->fd, QUIC_EVENT_STREAM_UPDATE));
	ASSERT_EQ(0, set_event(self->fd, QUIC_EVENT_NEW_TOKEN, 0xff));
	EXPECT_EQ(1, get_event(self->fd, QUIC_EVENT_NEW_TOKEN));
}

TEST_F(quic_opt, event_bad_type)
{
	const int bad[] = { QUIC_EVENT_NONE, QUIC_EVENT_MAX, QUIC_EVENT_MAX + 1, 255 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(EINVAL, set_event(self->fd, bad[i], 1)) TH_LOG("type %d", bad[i]);
		EXPECT_EQ(EINVAL, set_event(self->fd, bad[i], 0)) TH_LOG("type %d", bad[i]);
		EXPECT_EQ(-EINVAL, get_event(self->fd, bad[i])) TH_LOG("type %d", bad[i]);
	}
	for (i = 1; i < QUIC_EVENT_MAX; i++)
		EXPECT_EQ(0, get_event(self->fd, i));
}

TEST_F(quic_opt, event_bad_len)
{
	unsigned char buf[8] = { QUIC_EVENT_STREAM_UPDATE, 1, 0 };
	socklen_t len;

	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_EVENT, buf, 1));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_EVENT, buf, 3));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_EVENT, buf, 0));
	EXPECT_EQ(0, get_event(self->fd, QUIC_EVENT_STREAM_UPDATE));

	len = 1;
	EXPECT_EQ(EINVAL, get_opt(self->fd, QUIC_SOCKOPT_EVENT, buf, &len));
	len = 0;
	EXPECT_EQ(EINVAL, get_opt(self->fd, QUIC_SOCKOPT_EVENT, buf, &len));

	/* A larger buffer gets the 2 bytes of the structure. */
	ASSERT_EQ(0, set_event(self->fd, QUIC_EVENT_STREAM_UPDATE, 1));
	memset(buf, 0xaa, sizeof(buf));
	buf[0] = QUIC_EVENT_STREAM_UPDATE;
	len = sizeof(buf);
	ASSERT_EQ(0, get_opt(self->fd, QUIC_SOCKOPT_EVENT, buf, &len));
	EXPECT_EQ(sizeof(struct quic_event_option), len);
	EXPECT_EQ(1, buf[1]);
}

/* QUIC_SOCKOPT_TRANSPORT_PARAM */

TEST_F(quic_opt, param_local_defaults)
{
	struct quic_transport_param p;

	ASSERT_EQ(0, get_param(self->fd, 0, &p));
	check_param(_metadata, &local_defaults, &p);
}

TEST_F(quic_opt, param_remote_defaults)
{
	struct quic_transport_param p;

	ASSERT_EQ(0, get_param(self->fd, 1, &p));
	check_param(_metadata, &remote_defaults, &p);
}

TEST_F(quic_opt, param_set_get)
{
	struct quic_transport_param p, zero = {};

	ASSERT_EQ(0, set_param(self->fd, &param_limits));
	ASSERT_EQ(0, get_param(self->fd, 0, &p));
	check_param(_metadata, &param_limits, &p);

	ASSERT_EQ(0, set_param(self->fd, &param_other));
	ASSERT_EQ(0, get_param(self->fd, 0, &p));
	check_param(_metadata, &param_other, &p);

	/* 0 keeps the current value. */
	ASSERT_EQ(0, set_param(self->fd, &zero));
	ASSERT_EQ(0, get_param(self->fd, 0, &p));
	check_param(_metadata, &param_other, &p);

	/* One field at a time: the others stay. */
	zero.max_streams_uni = 77;
	ASSERT_EQ(0, set_param(self->fd, &zero));
	ASSERT_EQ(0, get_param(self->fd, 0, &p));
	EXPECT_EQ(77, p.max_streams_uni);
	EXPECT_EQ(param_other.max_streams_bidi, p.max_streams_bidi);
	EXPECT_EQ(param_other.max_data, p.max_data);

	/* The local parameters are not the peer's. */
	ASSERT_EQ(0, get_param(self->fd, 1, &p));
	check_param(_metadata, &remote_defaults, &p);
}

TEST_F(quic_opt, param_bad_values)
{
	const struct field_value bad[] = {
		FIELD(struct quic_transport_param, max_udp_payload_size, 1199),
		FIELD(struct quic_transport_param, max_udp_payload_size, 65528),
		FIELD(struct quic_transport_param, max_udp_payload_size, 65535),
		FIELD(struct quic_transport_param, ack_delay_exponent, 21),
		FIELD(struct quic_transport_param, ack_delay_exponent, 255),
		FIELD(struct quic_transport_param, max_ack_delay, 16384000),
		FIELD(struct quic_transport_param, max_ack_delay, UINT32_MAX),
		FIELD(struct quic_transport_param, active_connection_id_limit, 1),
		FIELD(struct quic_transport_param, active_connection_id_limit, 9),
		FIELD(struct quic_transport_param, max_idle_timeout, 999999),
		FIELD(struct quic_transport_param, max_streams_bidi, 4097),
		FIELD(struct quic_transport_param, max_streams_uni, 4097),
		FIELD(struct quic_transport_param, max_data, INT32_MAX / 2 + 1),
		FIELD(struct quic_transport_param, max_data, UINT64_MAX),
		FIELD(struct quic_transport_param, max_stream_data_bidi_local,
		      INT32_MAX / 4 + 1),
		FIELD(struct quic_transport_param, max_stream_data_bidi_remote,
		      INT32_MAX / 4 + 1),
		FIELD(struct quic_transport_param, max_stream_data_uni, INT32_MAX / 4 + 1),
		FIELD(struct quic_transport_param, remote, 2),
		FIELD(struct quic_transport_param, reserved, 1),
	};
	struct quic_transport_param p;
	unsigned int i;

	ASSERT_EQ(0, set_param(self->fd, &param_limits));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		/* Valid values in every other field: none may be applied. */
		p = param_other;
		set_field(&p, &bad[i]);
		EXPECT_EQ(EINVAL, set_param(self->fd, &p))
			TH_LOG("%s = %llu", bad[i].name, (unsigned long long)bad[i].val);
		ASSERT_EQ(0, get_param(self->fd, 0, &p));
		check_param(_metadata, &param_limits, &p);
		ASSERT_EQ(0, get_param(self->fd, 1, &p));
		check_param(_metadata, &remote_defaults, &p);
	}
}

TEST_F(quic_opt, param_get_bad_remote)
{
	struct quic_transport_param p = { .remote = 2 };
	socklen_t len = sizeof(p);

	EXPECT_EQ(EINVAL, get_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len));
}

TEST_F(quic_opt, param_set_len)
{
	struct quic_transport_param p = {}, got;
	unsigned char buf[PARAM_LEN + 8];

	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, buf,
				  PARAM_MIN_LEN - 1));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, buf, PARAM_LEN + 1));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, buf, 0));

	/* 56 bytes (no reserved) and 64 bytes are both applied. */
	p.max_streams_bidi = 10;
	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, PARAM_MIN_LEN));
	ASSERT_EQ(0, get_param(self->fd, 0, &got));
	EXPECT_EQ(10, got.max_streams_bidi);
	p.max_streams_bidi = 20;
	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, PARAM_LEN));
	ASSERT_EQ(0, get_param(self->fd, 0, &got));
	EXPECT_EQ(20, got.max_streams_bidi);

	/* A rejected length applies nothing. */
	p.max_streams_bidi = 30;
	memcpy(buf, &p, sizeof(p));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, buf, PARAM_LEN + 1));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, buf,
				  PARAM_MIN_LEN - 1));
	ASSERT_EQ(0, get_param(self->fd, 0, &got));
	EXPECT_EQ(20, got.max_streams_bidi);
}

TEST_F(quic_opt, param_get_len)
{
	unsigned char buf[100];
	struct quic_transport_param p;
	socklen_t len;
	unsigned int i;

	memset(buf, 0, sizeof(buf));
	len = PARAM_MIN_LEN - 1;
	EXPECT_EQ(EINVAL, get_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, buf, &len));
	len = 0;
	EXPECT_EQ(EINVAL, get_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, buf, &len));

	/* 56 bytes: all but reserved, and nothing beyond. */
	memset(buf, 0xa5, sizeof(buf));
	buf[0] = 0;
	len = PARAM_MIN_LEN;
	ASSERT_EQ(0, get_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, buf, &len));
	EXPECT_EQ(PARAM_MIN_LEN, len);
	for (i = PARAM_MIN_LEN; i < sizeof(buf); i++)
		EXPECT_EQ(0xa5, buf[i]) TH_LOG("byte %u written", i);
	memcpy(&p, buf, sizeof(p));
	p.reserved = 0;
	check_param(_metadata, &local_defaults, &p);

	/* A large buffer: the 64 bytes of the structure. */
	memset(buf, 0xa5, sizeof(buf));
	buf[0] = 1;
	len = sizeof(buf);
	ASSERT_EQ(0, get_opt(self->fd, QUIC_SOCKOPT_TRANSPORT_PARAM, buf, &len));
	EXPECT_EQ(PARAM_LEN, len);
	for (i = PARAM_LEN; i < sizeof(buf); i++)
		EXPECT_EQ(0xa5, buf[i]) TH_LOG("byte %u written", i);
	memcpy(&p, buf, sizeof(p));
	check_param(_metadata, &remote_defaults, &p);
}

/* QUIC_SOCKOPT_CONFIG */

TEST_F(quic_opt, config_defaults)
{
	struct quic_config c;

	ASSERT_EQ(0, get_config(self->fd, &c));
	check_config(_metadata, &config_defaults, &c);
	EXPECT_EQ(QUIC_CONG_ALG_RENO, c.congestion_control_algo);
}

TEST_F(quic_opt, config_set_get)
{
	const struct {
		struct field_value f;
		uint64_t readback;
	} good[] = {
		{ FIELD(struct quic_config, version, QUIC_VERSION_V2), QUIC_VERSION_V2 },
		{ FIELD(struct quic_config, version, QUIC_VERSION_V1), QUIC_VERSION_V1 },
		{ FIELD(struct quic_config, plpmtud_probe_interval, 5000000), 5000000 },
		{ FIELD(struct quic_config, plpmtud_probe_interval, 60000000), 60000000 },
		{ FIELD(struct quic_config, initial_smoothed_rtt, 1000), 1000 },
		{ FIELD(struct quic_config, initial_smoothed_rtt, 6000000), 6000000 },
		{ FIELD(struct quic_config, payload_cipher_type, TLS_CIPHER_AES_GCM_128),
		  TLS_CIPHER_AES_GCM_128 },
		{ FIELD(struct quic_config, payload_cipher_type, TLS_CIPHER_AES_GCM_256),
		  TLS_CIPHER_AES_GCM_256 },
		{ FIELD(struct quic_config, payload_cipher_type, TLS_CIPHER_CHACHA20_POLY1305),
		  TLS_CIPHER_CHACHA20_POLY1305 },
		{ FIELD(struct quic_config, congestion_control_algo, QUIC_CONG_ALG_CUBIC),
		  QUIC_CONG_ALG_CUBIC },
		{ FIELD(struct quic_config, validate_peer_address, 7), 1 },
		{ FIELD(struct quic_config, stream_data_nodelay, 1), 1 },
		{ FIELD(struct quic_config, receive_session_ticket, 30), 30 },
		{ FIELD(struct quic_config, certificate_request, 1), 1 },
		{ FIELD(struct quic_config, certificate_request, 2), 2 },
		{ FIELD(struct quic_config, keepalive_probe_interval, 1000000), 1000000 },
	};
	struct quic_config exp = config_defaults, c, zero = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		const struct field_value rb = {
			good[i].f.name, good[i].f.off, good[i].f.size, good[i].readback
		};

		memset(&c, 0, sizeof(c));
		set_field(&c, &good[i].f);
		ASSERT_EQ(0, set_config(self->fd, &c))
			TH_LOG("%s = %llu", good[i].f.name, (unsigned long long)good[i].f.val);
		set_field(&exp, &rb);
		ASSERT_EQ(0, get_config(self->fd, &c));
		check_config(_metadata, &exp, &c);
	}

	/* 0 keeps the current value. */
	ASSERT_EQ(0, set_config(self->fd, &zero));
	ASSERT_EQ(0, get_config(self->fd, &c));
	check_config(_metadata, &exp, &c);
}

/* Valid, non-default, and different from each other where possible. */
static const struct quic_config config_a = {
	.version			= QUIC_VERSION_V2,
	.plpmtud_probe_interval		= 5000000,
	.initial_smoothed_rtt		= 1000,
	.payload_cipher_type		= TLS_CIPHER_AES_GCM_256,
	.congestion_control_algo	= QUIC_CONG_ALG_CUBIC,
	.validate_peer_address		= 1,
	.stream_data_nodelay		= 1,
	.receive_session_ticket		= 10,
	.certificate_request		= 1,
	.keepalive_probe_interval	= 2000000,
};

static const struct quic_config config_b = {
	.version			= QUIC_VERSION_V1,
	.plpmtud_probe_interval		= 6000000,
	.initial_smoothed_rtt		= 6000000,
	.payload_cipher_type		= TLS_CIPHER_CHACHA20_POLY1305,
	.congestion_control_algo	= QUIC_CONG_ALG_CUBIC,
	.validate_peer_address		= 1,
	.stream_data_nodelay		= 1,
	.receive_session_ticket		= 20,
	.certificate_request		= 2,
	.keepalive_probe_interval	= 3000000,
};

TEST_F(quic_opt, config_bad_values)
{
	const struct field_value bad[] = {
		FIELD(struct quic_config, version, 2),
		FIELD(struct quic_config, version, 0xff00001d),
		FIELD(struct quic_config, plpmtud_probe_interval, 4999999),
		FIELD(struct quic_config, plpmtud_probe_interval, 1),
		FIELD(struct quic_config, initial_smoothed_rtt, 999),
		FIELD(struct quic_config, initial_smoothed_rtt, 6000001),
		FIELD(struct quic_config, payload_cipher_type, 50),
		FIELD(struct quic_config, payload_cipher_type, 1),
		FIELD(struct quic_config, congestion_control_algo, QUIC_CONG_ALG_MAX),
		FIELD(struct quic_config, congestion_control_algo, 255),
		FIELD(struct quic_config, certificate_request, 3),
		FIELD(struct quic_config, reserved[0], 1),
		FIELD(struct quic_config, reserved[1], 1),
		FIELD(struct quic_config, reserved[2], 1),
		FIELD(struct quic_config, keepalive_probe_interval, 999999),
	};
	struct quic_config c;
	unsigned int i;

	ASSERT_EQ(0, set_config(self->fd, &config_a));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c = config_b;
		set_field(&c, &bad[i]);
		EXPECT_EQ(EINVAL, set_config(self->fd, &c))
			TH_LOG("%s = %llu", bad[i].name, (unsigned long long)bad[i].val);
		ASSERT_EQ(0, get_config(self->fd, &c));
		check_config(_metadata, &config_a, &c);
	}
}

TEST_F(quic_opt, config_set_len)
{
	struct quic_config c = {}, got;
	unsigned char buf[CONFIG_LEN + 8];

	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_CONFIG, buf, CONFIG_MIN_LEN - 1));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_CONFIG, buf, CONFIG_LEN + 1));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_CONFIG, buf, 0));

	/* 24 bytes (the draft's structure): keepalive is not read. */
	c.version = QUIC_VERSION_V2;
	c.keepalive_probe_interval = 999999;
	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_CONFIG, &c, CONFIG_MIN_LEN));
	ASSERT_EQ(0, get_config(self->fd, &got));
	EXPECT_EQ((__u32)QUIC_VERSION_V2, got.version);
	EXPECT_EQ(0U, got.keepalive_probe_interval);

	/* 28 bytes. */
	c.keepalive_probe_interval = 1000000;
	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_CONFIG, &c, CONFIG_LEN));
	ASSERT_EQ(0, get_config(self->fd, &got));
	EXPECT_EQ(1000000U, got.keepalive_probe_interval);

	/* A rejected length applies nothing. */
	c.version = QUIC_VERSION_V1;
	c.keepalive_probe_interval = 2000000;
	memcpy(buf, &c, sizeof(c));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_CONFIG, buf, CONFIG_LEN + 1));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_CONFIG, buf, CONFIG_MIN_LEN - 1));
	ASSERT_EQ(0, get_config(self->fd, &got));
	EXPECT_EQ((__u32)QUIC_VERSION_V2, got.version);
	EXPECT_EQ(1000000U, got.keepalive_probe_interval);
}

TEST_F(quic_opt, config_get_len)
{
	unsigned char buf[100];
	struct quic_config c;
	socklen_t len;
	unsigned int i;

	len = CONFIG_MIN_LEN - 1;
	EXPECT_EQ(EINVAL, get_opt(self->fd, QUIC_SOCKOPT_CONFIG, buf, &len));
	len = 0;
	EXPECT_EQ(EINVAL, get_opt(self->fd, QUIC_SOCKOPT_CONFIG, buf, &len));

	memset(buf, 0xa5, sizeof(buf));
	len = CONFIG_MIN_LEN;
	ASSERT_EQ(0, get_opt(self->fd, QUIC_SOCKOPT_CONFIG, buf, &len));
	EXPECT_EQ(CONFIG_MIN_LEN, len);
	for (i = CONFIG_MIN_LEN; i < sizeof(buf); i++)
		EXPECT_EQ(0xa5, buf[i]) TH_LOG("byte %u written", i);
	memcpy(&c, buf, sizeof(c));
	c.keepalive_probe_interval = 0;
	check_config(_metadata, &config_defaults, &c);

	memset(buf, 0xa5, sizeof(buf));
	len = sizeof(buf);
	ASSERT_EQ(0, get_opt(self->fd, QUIC_SOCKOPT_CONFIG, buf, &len));
	EXPECT_EQ(CONFIG_LEN, len);
	for (i = CONFIG_LEN; i < sizeof(buf); i++)
		EXPECT_EQ(0xa5, buf[i]) TH_LOG("byte %u written", i);
	memcpy(&c, buf, sizeof(c));
	check_config(_metadata, &config_defaults, &c);
}

/* A negative optlen on get. */
TEST_F(quic_opt, get_negative_len)
{
	const int opts[] = {
		QUIC_SOCKOPT_CONFIG, QUIC_SOCKOPT_TRANSPORT_PARAM,
		QUIC_SOCKOPT_EVENT, QUIC_SOCKOPT_ALPN,
	};
	unsigned char buf[128];
	unsigned int i;
	int len;

	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		memset(buf, 0, sizeof(buf));
		buf[0] = QUIC_EVENT_STREAM_UPDATE;
		len = -1;
		EXPECT_EQ(EINVAL, get_opt(self->fd, opts[i], buf, (socklen_t *)&len))
			TH_LOG("option %d", opts[i]);
		EXPECT_EQ(-1, len);
		len = INT_MIN;
		EXPECT_EQ(EINVAL, get_opt(self->fd, opts[i], buf, (socklen_t *)&len))
			TH_LOG("option %d", opts[i]);
	}
}

/* QUIC_SOCKOPT_ALPN */

TEST_F(quic_opt, alpn_default)
{
	char buf[16];
	socklen_t len = sizeof(buf);

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, get_opt(self->fd, QUIC_SOCKOPT_ALPN, buf, &len));
	EXPECT_EQ(0U, len);
}

TEST_F(quic_opt, alpn_set_get)
{
	static const char * const good[] = { "h3", "h3,hq-interop", "a", "a,b,c", "hq-interop" };
	char buf[ALPN_MAX_LEN + 8];
	socklen_t len;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		/* Without the NUL. */
		ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_ALPN, good[i], strlen(good[i])))
			TH_LOG("'%s'", good[i]);
		memset(buf, 0xa5, sizeof(buf));
		len = sizeof(buf);
		ASSERT_EQ(0, get_opt(self->fd, QUIC_SOCKOPT_ALPN, buf, &len));
		EXPECT_EQ(strlen(good[i]), len);
		EXPECT_EQ(0, memcmp(buf, good[i], strlen(good[i])));

		/* With it: the length does not count it. */
		ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_ALPN, "x", 1));
		ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_ALPN, good[i],
				     strlen(good[i]) + 1)) TH_LOG("'%s' + NUL", good[i]);
		ASSERT_EQ(0, get_alpn(self->fd, buf, sizeof(buf)));
		EXPECT_STREQ(good[i], buf);
	}
}

TEST_F(quic_opt, alpn_length_limit)
{
	char in[ALPN_MAX_LEN + 2], buf[ALPN_MAX_LEN + 8];

	/* 128 bytes are accepted, with or without a NUL after them. */
	memset(in, 'a', sizeof(in));
	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_ALPN, in, ALPN_MAX_LEN));
	ASSERT_EQ(0, get_alpn(self->fd, buf, sizeof(buf)));
	EXPECT_EQ((size_t)ALPN_MAX_LEN, strlen(buf));
	EXPECT_EQ(0, memcmp(buf, in, ALPN_MAX_LEN));

	in[ALPN_MAX_LEN] = '\0';
	in[0] = 'b';
	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_ALPN, in, ALPN_MAX_LEN + 1));
	ASSERT_EQ(0, get_alpn(self->fd, buf, sizeof(buf)));
	EXPECT_STREQ(in, buf);

	/* Two identifiers filling the 128 bytes. */
	memset(in, 'c', ALPN_MAX_LEN);
	in[63] = ',';
	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_ALPN, in, ALPN_MAX_LEN));
	ASSERT_EQ(0, get_alpn(self->fd, buf, sizeof(buf)));
	EXPECT_STREQ(in, buf);

	/* 129 bytes are too many, with or without a NUL. */
	memset(in, 'a', sizeof(in));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_ALPN, in, ALPN_MAX_LEN + 1));
	in[ALPN_MAX_LEN + 1] = '\0';
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_ALPN, in, ALPN_MAX_LEN + 2));
	EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_ALPN, in, 4096));

	/* The last accepted value is kept. */
	memset(in, 'c', ALPN_MAX_LEN);
	in[63] = ',';
	in[ALPN_MAX_LEN] = '\0';
	ASSERT_EQ(0, get_alpn(self->fd, buf, sizeof(buf)));
	EXPECT_STREQ(in, buf);
}

TEST_F(quic_opt, alpn_bad)
{
	const struct {
		const char *val;
		socklen_t len;
	} bad[] = {
		{ "h3", 0 },
		{ ",h3", 3 },
		{ "h3,", 3 },
		{ "h3,", 4 },		/* with its NUL */
		{ "h3,,hq", 6 },
		{ ",", 1 },
		{ "", 1 },		/* a NUL alone */
		{ "h3\0x", 4 },		/* an interior NUL */
		{ "\0h3", 3 },
		{ "h3\0\0", 4 },	/* two NULs */
	};
	char buf[64];
	unsigned int i;

	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_ALPN, "h3,hq-interop", 13));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(EINVAL, set_opt(self->fd, QUIC_SOCKOPT_ALPN, bad[i].val, bad[i].len))
			TH_LOG("entry %u: '%s' (%u bytes)", i, bad[i].val, bad[i].len);
		ASSERT_EQ(0, get_alpn(self->fd, buf, sizeof(buf)));
		EXPECT_STREQ("h3,hq-interop", buf);
	}
}

TEST_F(quic_opt, alpn_get_short_buffer)
{
	char buf[32];
	socklen_t len;

	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_ALPN, "h3,hq-interop", 13));

	len = 12;
	EXPECT_EQ(EINVAL, get_opt(self->fd, QUIC_SOCKOPT_ALPN, buf, &len));
	len = 0;
	EXPECT_EQ(EINVAL, get_opt(self->fd, QUIC_SOCKOPT_ALPN, buf, &len));

	/* Exactly the length of the string: no room for a NUL, none written. */
	memset(buf, 0xa5, sizeof(buf));
	len = 13;
	ASSERT_EQ(0, get_opt(self->fd, QUIC_SOCKOPT_ALPN, buf, &len));
	EXPECT_EQ(13U, len);
	EXPECT_EQ(0, memcmp(buf, "h3,hq-interop", 13));
	EXPECT_EQ((char)0xa5, buf[13]);
}

/* Settings belong to one socket. */
TEST_F(quic_opt, per_socket)
{
	struct quic_transport_param p;
	struct quic_config c;
	char buf[32];
	int fd2;

	ASSERT_EQ(0, set_event(self->fd, QUIC_EVENT_KEY_UPDATE, 1));
	ASSERT_EQ(0, set_param(self->fd, &param_limits));
	ASSERT_EQ(0, set_config(self->fd, &config_a));
	ASSERT_EQ(0, set_opt(self->fd, QUIC_SOCKOPT_ALPN, "h3", 2));

	fd2 = socket(variant->family, variant->type, IPPROTO_QUIC);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, get_event(fd2, QUIC_EVENT_KEY_UPDATE));
	ASSERT_EQ(0, get_param(fd2, 0, &p));
	check_param(_metadata, &local_defaults, &p);
	ASSERT_EQ(0, get_config(fd2, &c));
	check_config(_metadata, &config_defaults, &c);
	ASSERT_EQ(0, get_alpn(fd2, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	close(fd2);

	EXPECT_EQ(1, get_event(self->fd, QUIC_EVENT_KEY_UPDATE));
	ASSERT_EQ(0, get_param(self->fd, 0, &p));
	check_param(_metadata, &param_limits, &p);
	ASSERT_EQ(0, get_config(self->fd, &c));
	check_config(_metadata, &config_a, &c);
	ASSERT_EQ(0, get_alpn(self->fd, buf, sizeof(buf)));
	EXPECT_STREQ("h3", buf);
}

/* Wrong direction, or no such option: ENOPROTOOPT. */

TEST_F(quic_opt, wrong_direction)
{
	const int get_only[] = { QUIC_SOCKOPT_STREAM_OPEN, QUIC_SOCKOPT_STREAM_PEELOFF };
	const int set_only[] = {
		QUIC_SOCKOPT_STREAM_RESET, QUIC_SOCKOPT_STREAM_STOP_SENDING,
		QUIC_SOCKOPT_CONNECTION_MIGRATION, QUIC_SOCKOPT_KEY_UPDATE,
		QUIC_SOCKOPT_CRYPTO_SECRET,
	};
	unsigned char buf[256];
	socklen_t len;
	unsigned int i;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(get_only); i++) {
		EXPECT_EQ(ENOPROTOOPT, set_opt(self->fd, get_only[i], buf, 16))
			TH_LOG("setsockopt(%d)", get_only[i]);
	}
	for (i = 0; i < ARRAY_SIZE(set_only); i++) {
		len = sizeof(buf);
		EXPECT_EQ(ENOPROTOOPT, get_opt(self->fd, set_only[i], buf, &len))
			TH_LOG("getsockopt(%d)", set_only[i]);
	}
}

TEST_F(quic_opt, unknown_option)
{
	const int unknown[] = { 16, 17, 63, 64, 65, 1000, -1, INT_MAX, INT_MIN };
	unsigned char buf[256];
	socklen_t len;
	unsigned int i;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		EXPECT_EQ(ENOPROTOOPT, set_opt(self->fd, unknown[i], buf, sizeof(buf)))
			TH_LOG("setsockopt(%d)", unknown[i]);
		len = sizeof(buf);
		EXPECT_EQ(ENOPROTOOPT, get_opt(self->fd, unknown[i], buf, &len))
			TH_LOG("getsockopt(%d)", unknown[i]);
	}
}

/* Other levels go to IP, IPv6 and the socket layer. */

static int sockopt_int(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val = -1;

	if (getsockopt(fd, level, name, &val, &len))
		return -errno;
	return val;
}

TEST_F(quic_opt, ip_level)
{
	int one = 1, zero = 0, tos = 0x10;

	if (variant->family == AF_INET) {
		EXPECT_EQ(0, sockopt_int(self->fd, IPPROTO_IP, IP_TOS));
		ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)));
		EXPECT_EQ(0x10, sockopt_int(self->fd, IPPROTO_IP, IP_TOS));
		EXPECT_EQ(1, sockopt_int(self->fd, IPPROTO_IP, IP_MULTICAST_TTL));
	} else {
		EXPECT_EQ(0, sockopt_int(self->fd, IPPROTO_IPV6, IPV6_V6ONLY));
		ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
		EXPECT_EQ(1, sockopt_int(self->fd, IPPROTO_IPV6, IPV6_V6ONLY));
		ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
					sizeof(zero)));
		EXPECT_EQ(0, sockopt_int(self->fd, IPPROTO_IPV6, IPV6_V6ONLY));
	}
	/* The QUIC options are untouched. */
	EXPECT_EQ(0, get_event(self->fd, QUIC_EVENT_STREAM_UPDATE));
}

TEST_F(quic_opt, socket_level)
{
	int val = 32768;

	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val)));
	/* The kernel doubles the value for its bookkeeping (socket(7)). */
	EXPECT_EQ(2 * val, sockopt_int(self->fd, SOL_SOCKET, SO_RCVBUF));
	val = 65536;
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_SNDBUF, &val, sizeof(val)));
	EXPECT_EQ(2 * val, sockopt_int(self->fd, SOL_SOCKET, SO_SNDBUF));
	EXPECT_EQ(IPPROTO_QUIC, sockopt_int(self->fd, SOL_SOCKET, SO_PROTOCOL));
}

/*
 * Options that need a connection are not implemented yet: each must fail
 * with EOPNOTSUPP (anything else, or a crash, fails the test) and is then
 * reported as skipped, "expected to come".
 */

static int pending_call(int fd, int get, int name, socklen_t len)
{
	union {
		struct quic_stream_info info;
		struct quic_errinfo errinfo;
		struct quic_connection_id_info cid;
		struct quic_crypto_secret secret;
		struct quic_stream_peeloff peeloff;
		struct sockaddr_in sin;
		unsigned char raw[256];
	} buf;

	memset(&buf, 0, sizeof(buf));
	switch (name) {
	case QUIC_SOCKOPT_STREAM_OPEN:
	case QUIC_SOCKOPT_STREAM_PEELOFF:
		buf.info.stream_id = -1;
		break;
	case QUIC_SOCKOPT_CONNECTION_MIGRATION:
		buf.sin.sin_family = AF_INET;
		buf.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		buf.sin.sin_port = htons(4433);
		break;
	case QUIC_SOCKOPT_CRYPTO_SECRET:
		buf.secret.send = 1;
		buf.secret.level = QUIC_CRYPTO_APP;
		buf.secret.type = TLS_CIPHER_AES_GCM_128;
		break;
	}
	if (get)
		return get_opt(fd, name, len ? &buf : NULL, &len);
	return set_opt(fd, name, len ? &buf : NULL, len);
}

/* Ends the test: skipped after EOPNOTSUPP, failed on anything else. */
TEST(no_conn_get_stream_open)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTCONN, pending_call(fd, 1, QUIC_SOCKOPT_STREAM_OPEN, sizeof(struct quic_stream_info)));
	close(fd);
}

TEST(no_conn_set_stream_reset)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTCONN, pending_call(fd, 0, QUIC_SOCKOPT_STREAM_RESET, sizeof(struct quic_errinfo)));
	close(fd);
}

TEST(no_conn_set_stream_stop_sending)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTCONN, pending_call(fd, 0, QUIC_SOCKOPT_STREAM_STOP_SENDING, sizeof(struct quic_errinfo)));
	close(fd);
}

TEST(no_conn_get_connection_id)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTCONN, pending_call(fd, 1, QUIC_SOCKOPT_CONNECTION_ID,
					 sizeof(struct quic_connection_id_info)));
	EXPECT_EQ(EINVAL, pending_call(fd, 1, QUIC_SOCKOPT_CONNECTION_ID, 4));
	close(fd);
}

TEST(no_conn_set_connection_id)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTCONN, pending_call(fd, 0, QUIC_SOCKOPT_CONNECTION_ID,
					 sizeof(struct quic_connection_id_info)));
	EXPECT_EQ(EINVAL, pending_call(fd, 0, QUIC_SOCKOPT_CONNECTION_ID, 4));
	close(fd);
}

/* Connection options on a socket with no connection yet. */
TEST(no_conn_get_connection_close)
{
	unsigned char buf[128];
	socklen_t len = sizeof(buf);
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTCONN, get_opt(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, buf, &len));
	close(fd);
}

TEST(set_connection_close_before_close)
{
	struct {
		struct quic_connection_close c;
		char phrase[8];
	} cc = { .c = { .errcode = 7 } };
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	strcpy((char *)cc.c.phrase, "bye");
	EXPECT_EQ(0, set_opt(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, sizeof(cc.c) + 4));
	EXPECT_EQ(EINVAL, set_opt(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, 2));
	close(fd);
}

/* Migration moves a connection (quic_migrate tests it); none yet. */
TEST(no_conn_set_connection_migration)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTCONN, pending_call(fd, 0, QUIC_SOCKOPT_CONNECTION_MIGRATION,
					 sizeof(struct sockaddr_in)));
	EXPECT_EQ(EINVAL, pending_call(fd, 0, QUIC_SOCKOPT_CONNECTION_MIGRATION, 4));
	close(fd);
}

/* A key update needs a connection (RFC 9001 section 6.1); no value. */
TEST(no_conn_set_key_update)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTCONN, pending_call(fd, 0, QUIC_SOCKOPT_KEY_UPDATE, 0));
	EXPECT_EQ(EINVAL, pending_call(fd, 0, QUIC_SOCKOPT_KEY_UPDATE, 4));
	close(fd);
}

/* A client has no token yet; the option says so with length 0. */
TEST(get_token_client)
{
	unsigned char buf[256];
	socklen_t len = sizeof(buf);
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, get_opt(fd, QUIC_SOCKOPT_TOKEN, buf, &len));
	EXPECT_EQ(0U, len);
	close(fd);
}

/* A client may set a token (from an earlier NEW_TOKEN) before connect(). */
TEST(set_token_client)
{
	unsigned char big[600] = {};
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, pending_call(fd, 0, QUIC_SOCKOPT_TOKEN, 16));
	EXPECT_EQ(0, pending_call(fd, 0, QUIC_SOCKOPT_TOKEN, 0));
	EXPECT_EQ(EINVAL, set_opt(fd, QUIC_SOCKOPT_TOKEN, big, sizeof(big)));
	close(fd);
}

TEST(no_conn_set_crypto_secret)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, pending_call(fd, 0, QUIC_SOCKOPT_CRYPTO_SECRET,
				   sizeof(struct quic_crypto_secret)));
	close(fd);
}

TEST(no_conn_get_transport_param_ext)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, pending_call(fd, 1, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, 256));
	close(fd);
}

TEST(no_conn_set_transport_param_ext)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, pending_call(fd, 0, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, 16));
	close(fd);
}

/* quic_peeloff covers the option on a connection. */
TEST(no_conn_get_stream_peeloff)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTCONN, pending_call(fd, 1, QUIC_SOCKOPT_STREAM_PEELOFF,
					 sizeof(struct quic_stream_peeloff)));
	close(fd);
}

/* Values the draft names that are not implemented yet: EOPNOTSUPP, unchanged. */

static int pending_config(int fd, const struct field_value *f, struct quic_config *after)
{
	struct quic_config c = {};
	int err;

	set_field(&c, f);
	err = set_config(fd, &c);
	if (get_config(fd, after))
		return -1;
	return err;
}

TEST(pending_config_cipher_aes_ccm_128)
{
	const struct field_value f =
		FIELD(struct quic_config, payload_cipher_type, TLS_CIPHER_AES_CCM_128);
	struct quic_config c;
	int fd = socket(AF_INET6, SOCK_STREAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(EOPNOTSUPP, pending_config(fd, &f, &c));
	ASSERT_EQ(0U, c.payload_cipher_type);
	close(fd);
	SKIP(return, "payload_cipher_type TLS_CIPHER_AES_CCM_128: not implemented yet");
}

TEST(pending_config_cong_bbr)
{
	const struct field_value f =
		FIELD(struct quic_config, congestion_control_algo, QUIC_CONG_ALG_BBR);
	struct quic_config c;
	int fd = socket(AF_INET6, SOCK_STREAM, IPPROTO_QUIC);

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(EOPNOTSUPP, pending_config(fd, &f, &c));
	ASSERT_EQ(QUIC_CONG_ALG_RENO, c.congestion_control_algo);
	close(fd);
	SKIP(return, "congestion_control_algo QUIC_CONG_ALG_BBR: not implemented yet");
}

/* The congestion controller a new socket of this namespace starts with. */
static int new_socket_cong(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	struct quic_config c = {};
	socklen_t len = sizeof(c);
	int ret;

	if (fd < 0)
		return -1;
	ret = getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len) ? -1 :
	      c.congestion_control_algo;
	close(fd);
	return ret;
}

/* Write @val to the sysctl; 0 or the errno of the write. */
static int write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int read_sysctl(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

#define CONG_SYSCTL	"/proc/sys/net/quic/congestion_control"

/*
 * net.quic.congestion_control is per network namespace: "cubic" in a new
 * namespace makes its new sockets start with CUBIC and leaves the other
 * namespaces alone; names it does not know are EINVAL.
 */
TEST(netns_congestion_control)
{
	char buf[32];
	int status;
	pid_t pid;

	ASSERT_EQ(0, read_sysctl(CONG_SYSCTL, buf, sizeof(buf)));
	EXPECT_STREQ("reno\n", buf);
	EXPECT_EQ(QUIC_CONG_ALG_RENO, new_socket_cong());
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (unshare(CLONE_NEWNET))
			_exit(10);
		if (read_sysctl(CONG_SYSCTL, buf, sizeof(buf)) ||
		    strcmp(buf, "reno\n"))
			_exit(11);
		if (write_sysctl(CONG_SYSCTL, "cubic\n"))
			_exit(12);
		if (new_socket_cong() != QUIC_CONG_ALG_CUBIC)
			_exit(13);
		if (write_sysctl(CONG_SYSCTL, "bbr") != EINVAL ||
		    write_sysctl(CONG_SYSCTL, "foo") != EINVAL)
			_exit(14);
		if (read_sysctl(CONG_SYSCTL, buf, sizeof(buf)) ||
		    strcmp(buf, "cubic\n"))
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Ours is still NewReno. */
	ASSERT_EQ(0, read_sysctl(CONG_SYSCTL, buf, sizeof(buf)));
	EXPECT_STREQ("reno\n", buf);
	EXPECT_EQ(QUIC_CONG_ALG_RENO, new_socket_cong());
}

TEST_HARNESS_MAIN
