// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The quic_transport_parameters TLS extension (RFC 9000 sections 7.4 and
 * 18): a sequence of (ID, length, value). Encoding writes ours; decoding
 * validates the peer's, any fault being a TRANSPORT_PARAMETER_ERROR.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "tparam.h"
#include "varint.h"

/* RFC 9000 section 18.2 limits. */
#define QUIC_TP_MIN_UDP_PAYLOAD		1200
#define QUIC_TP_MAX_UDP_PAYLOAD		65527
#define QUIC_TP_MAX_ACK_DELAY_EXP	20
#define QUIC_TP_MAX_ACK_DELAY_MS	BIT(14)
#define QUIC_TP_MAX_STREAMS		BIT_ULL(60)
#define QUIC_TP_RESET_TOKEN_LEN		16

/* Writer: one parameter at a time, stopping at the first that won't fit. */
struct quic_tp_writer {
	u8	*p;
	u32	left;
	int	err;
};

static void quic_tp_put_bytes(struct quic_tp_writer *w, u64 id, const void *v,
			      u32 len)
{
	u32 n = quic_varint_len(id) + quic_varint_len(len) + len;

	if (w->err)
		return;
	if (n > w->left) {
		w->err = -ENOSPC;
		return;
	}
	w->p += quic_varint_put(w->p, w->left, id);
	w->p += quic_varint_put(w->p, w->left, len);
	memcpy(w->p, v, len);
	w->p += len;
	w->left -= n;
}

static void quic_tp_put_int(struct quic_tp_writer *w, u64 id, u64 v)
{
	u8 buf[8];

	if (v > QUIC_VARINT_MAX) {
		w->err = w->err ?: -EINVAL;
		return;
	}
	quic_tp_put_bytes(w, id, buf, quic_varint_put(buf, sizeof(buf), v));
}

/* RFC 9000 section 18.2: IPv4 4+2, IPv6 16+2, CID length, CID, token. */
#define QUIC_TP_PREF_CID_OFF	(4 + 2 + 16 + 2)

static bool quic_tp_get_preferred(const u8 *v, u32 len,
				  struct quic_tp_preferred *pa)
{
	u32 cid_len;

	if (len < QUIC_TP_PREF_CID_OFF + 1 + QUIC_TP_RESET_TOKEN_LEN)
		return false;
	cid_len = v[QUIC_TP_PREF_CID_OFF];
	/* Section 18.2: a zero-length ID is an error. */
	if (cid_len < 1 || cid_len > QUIC_CID_MAX_LEN ||
	    len != QUIC_TP_PREF_CID_OFF + 1 + cid_len + QUIC_TP_RESET_TOKEN_LEN)
		return false;
	memset(pa, 0, sizeof(*pa));
	pa->v4.sin_family = AF_INET;
	memcpy(&pa->v4.sin_addr, v, 4);
	memcpy(&pa->v4.sin_port, v + 4, 2);
	pa->v6.sin6_family = AF_INET6;
	memcpy(&pa->v6.sin6_addr, v + 6, 16);
	memcpy(&pa->v6.sin6_port, v + 22, 2);
	pa->cid.len = cid_len;
	memcpy(pa->cid.data, v + QUIC_TP_PREF_CID_OFF + 1, cid_len);
	memcpy(pa->token, v + QUIC_TP_PREF_CID_OFF + 1 + cid_len,
	       QUIC_TP_RESET_TOKEN_LEN);
	return true;
}

static void quic_tp_put_preferred(struct quic_tp_writer *w,
				  const struct quic_tp_preferred *pa)
{
	u8 v[QUIC_TP_PREF_CID_OFF + 1 + QUIC_CID_MAX_LEN + QUIC_TP_RESET_TOKEN_LEN];
	u32 n = QUIC_TP_PREF_CID_OFF;

	memcpy(v, &pa->v4.sin_addr, 4);
	memcpy(v + 4, &pa->v4.sin_port, 2);
	memcpy(v + 6, &pa->v6.sin6_addr, 16);
	memcpy(v + 22, &pa->v6.sin6_port, 2);
	v[n++] = pa->cid.len;
	memcpy(v + n, pa->cid.data, pa->cid.len);
	n += pa->cid.len;
	memcpy(v + n, pa->token, QUIC_TP_RESET_TOKEN_LEN);
	n += QUIC_TP_RESET_TOKEN_LEN;
	quic_tp_put_bytes(w, QUIC_TP_PREFERRED_ADDRESS, v, n);
}

/**
 * quic_tparams_encode - write our transport parameters
 * @tp: the parameters (socket API units)
 * @server: we are the server (server-only parameters are written)
 * @buf: output
 * @len: its size
 *
 * Parameters at their default value are left out (RFC 9000 section 18.2).
 *
 * Return: bytes written, -ENOSPC, or -EINVAL for an unencodable value.
 */
int quic_tparams_encode(const struct quic_tparams *tp, bool server, u8 *buf,
			u32 len)
{
	const struct quic_transport_param *p = &tp->p;
	struct quic_tp_writer w = { buf, len, 0 };
	u8 vi[4 * (QUIC_TP_MAX_VERSIONS + 1)];
	u32 i;

	if (server && tp->has_orig_dcid)
		quic_tp_put_bytes(&w, QUIC_TP_ORIGINAL_DCID, tp->orig_dcid.data,
				  tp->orig_dcid.len);
	if (p->max_idle_timeout)
		quic_tp_put_int(&w, QUIC_TP_MAX_IDLE_TIMEOUT,
				p->max_idle_timeout / 1000);
	if (server && tp->has_preferred_address && tp->preferred.cid.len)
		quic_tp_put_preferred(&w, &tp->preferred);
	if (server && tp->has_reset_token)
		quic_tp_put_bytes(&w, QUIC_TP_STATELESS_RESET_TOKEN,
				  tp->reset_token, QUIC_TP_RESET_TOKEN_LEN);
	if (p->max_udp_payload_size &&
	    p->max_udp_payload_size != QUIC_TP_MAX_UDP_PAYLOAD)
		quic_tp_put_int(&w, QUIC_TP_MAX_UDP_PAYLOAD_SIZE,
				p->max_udp_payload_size);
	quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_DATA, p->max_data);
	quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL,
			p->max_stream_data_bidi_local);
	quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE,
			p->max_stream_data_bidi_remote);
	quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI,
			p->max_stream_data_uni);
	quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAMS_BIDI,
			p->max_streams_bidi);
	quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAMS_UNI,
			p->max_streams_uni);
	if (p->ack_delay_exponent != 3)
		quic_tp_put_int(&w, QUIC_TP_ACK_DELAY_EXPONENT,
				p->ack_delay_exponent);
	if (p->max_ack_delay != 25000)
		quic_tp_put_int(&w, QUIC_TP_MAX_ACK_DELAY, p->max_ack_delay / 1000);
	if (p->disable_active_migration)
		quic_tp_put_bytes(&w, QUIC_TP_DISABLE_ACTIVE_MIGRATION, NULL, 0);
	if (p->active_connection_id_limit > 2)
		quic_tp_put_int(&w, QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT,
				p->active_connection_id_limit);
	quic_tp_put_bytes(&w, QUIC_TP_INITIAL_SCID, tp->initial_scid.data,
			  tp->initial_scid.len);
	if (server && tp->has_retry_scid)
		quic_tp_put_bytes(&w, QUIC_TP_RETRY_SCID, tp->retry_scid.data,
				  tp->retry_scid.len);
	if (p->max_datagram_frame_size)
		quic_tp_put_int(&w, QUIC_TP_MAX_DATAGRAM_FRAME_SIZE,
				p->max_datagram_frame_size);
	if (p->grease_quic_bit)
		quic_tp_put_bytes(&w, QUIC_TP_GREASE_QUIC_BIT, NULL, 0);
	if (p->disable_1rtt_encryption)
		quic_tp_put_bytes(&w, QUIC_TP_DISABLE_1RTT_ENCRYPTION, NULL, 0);
	if (tp->chosen_version) {
		/* RFC 9368 section 3: Chosen Version, Available Versions. */
		put_unaligned_be32(tp->chosen_version, vi);
		for (i = 0; i < tp->version_count && i < QUIC_TP_MAX_VERSIONS; i++)
			put_unaligned_be32(tp->versions[i], vi + 4 * (i + 1));
		quic_tp_put_bytes(&w, QUIC_TP_VERSION_INFORMATION, vi, 4 * (i + 1));
	}
	return w.err ?: (int)(w.p - buf);
}

static bool quic_tp_get_int(const u8 *v, u32 len, u64 *out)
{
	return len && quic_varint_get(v, len, out) == len;
}

static bool quic_tp_get_cid(const u8 *v, u32 len, struct quic_cid *cid)
{
	if (len > QUIC_CID_MAX_LEN)
		return false;
	cid->len = len;
	memcpy(cid->data, v, len);
	return true;
}

static void quic_tp_defaults(struct quic_tparams *tp)
{
	memset(tp, 0, sizeof(*tp));
	tp->p.remote = 1;
	tp->p.max_udp_payload_size = QUIC_TP_MAX_UDP_PAYLOAD;
	tp->p.ack_delay_exponent = 3;
	tp->p.max_ack_delay = 25000;
	tp->p.active_connection_id_limit = 2;
}

/* Apply one known parameter; false means TRANSPORT_PARAMETER_ERROR. */
static bool quic_tp_apply(struct quic_tparams *tp, u64 id, const u8 *v,
			  u32 len, bool from_server)
{
	struct quic_transport_param *p = &tp->p;
	u64 x = 0;
	u32 i;

	switch (id) {
	case QUIC_TP_ORIGINAL_DCID:
		tp->has_orig_dcid = true;
		return from_server && quic_tp_get_cid(v, len, &tp->orig_dcid);
	case QUIC_TP_RETRY_SCID:
		tp->has_retry_scid = true;
		return from_server && quic_tp_get_cid(v, len, &tp->retry_scid);
	case QUIC_TP_INITIAL_SCID:
		return quic_tp_get_cid(v, len, &tp->initial_scid);
	case QUIC_TP_STATELESS_RESET_TOKEN:
		if (!from_server || len != QUIC_TP_RESET_TOKEN_LEN)
			return false;
		memcpy(tp->reset_token, v, len);
		tp->has_reset_token = true;
		return true;
	case QUIC_TP_PREFERRED_ADDRESS:
		tp->has_preferred_address = true;
		return from_server && quic_tp_get_preferred(v, len, &tp->preferred);
	case QUIC_TP_DISABLE_ACTIVE_MIGRATION:
		p->disable_active_migration = 1;
		return !len;
	case QUIC_TP_GREASE_QUIC_BIT:
		p->grease_quic_bit = 1;
		return !len;
	case QUIC_TP_DISABLE_1RTT_ENCRYPTION:
		/* draft-banks-quic-disable-encryption-00 section 3. */
		p->disable_1rtt_encryption = 1;
		return !len;
	case QUIC_TP_VERSION_INFORMATION:
		/* RFC 9368 section 3: a non-zero Chosen Version, then more. */
		if (!len || len % 4 || !get_unaligned_be32(v))
			return false;
		tp->chosen_version = get_unaligned_be32(v);
		for (i = 1; i < len / 4 && tp->version_count < QUIC_TP_MAX_VERSIONS; i++)
			tp->versions[tp->version_count++] = get_unaligned_be32(v + 4 * i);
		return true;
	}

	/* The rest are integers (section 18: length equals the varint's). */
	if (!quic_tp_get_int(v, len, &x))
		return false;
	switch (id) {
	case QUIC_TP_MAX_IDLE_TIMEOUT:
		p->max_idle_timeout = min_t(u64, x * 1000, U32_MAX);
		return true;
	case QUIC_TP_MAX_UDP_PAYLOAD_SIZE:
		if (x < QUIC_TP_MIN_UDP_PAYLOAD)
			return false;
		p->max_udp_payload_size = min_t(u64, x, QUIC_TP_MAX_UDP_PAYLOAD);
		return true;
	case QUIC_TP_INITIAL_MAX_DATA:
		p->max_data = x;
		return true;
	case QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL:
		p->max_stream_data_bidi_local = x;
		return true;
	case QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE:
		p->max_stream_data_bidi_remote = x;
		return true;
	case QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI:
		p->max_stream_data_uni = x;
		return true;
	case QUIC_TP_INITIAL_MAX_STREAMS_BIDI:
		if (x > QUIC_TP_MAX_STREAMS)
			return false;
		p->max_streams_bidi = min_t(u64, x, U16_MAX);
		return true;
	case QUIC_TP_INITIAL_MAX_STREAMS_UNI:
		if (x > QUIC_TP_MAX_STREAMS)
			return false;
		p->max_streams_uni = min_t(u64, x, U16_MAX);
		return true;
	case QUIC_TP_ACK_DELAY_EXPONENT:
		if (x > QUIC_TP_MAX_ACK_DELAY_EXP)
			return false;
		p->ack_delay_exponent = x;
		return true;
	case QUIC_TP_MAX_ACK_DELAY:
		if (x >= QUIC_TP_MAX_ACK_DELAY_MS)
			return false;
		p->max_ack_delay = x * 1000;
		return true;
	case QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT:
		if (x < 2)
			return false;
		p->active_connection_id_limit = min_t(u64, x, U8_MAX);
		return true;
	case QUIC_TP_MAX_DATAGRAM_FRAME_SIZE:
		p->max_datagram_frame_size = min_t(u64, x, U16_MAX);
		return true;
	}
	return true;
}

/* A bit per known parameter ID, to find duplicates; -1 for unknown IDs. */
static int quic_tp_seen_bit(u64 id)
{
	if (id <= QUIC_TP_VERSION_INFORMATION)
		return id;
	if (id == QUIC_TP_MAX_DATAGRAM_FRAME_SIZE)
		return 32;
	if (id == QUIC_TP_GREASE_QUIC_BIT)
		return 33;
	if (id == QUIC_TP_DISABLE_1RTT_ENCRYPTION)
		return 34;
	return -1;
}

/**
 * quic_tparams_decode - read and validate the peer's transport parameters
 * @buf: the extension body
 * @len: its length
 * @from_server: the peer is the server
 * @tp: the parameters (out), RFC 9000 defaults for absent ones
 * @errcode: TRANSPORT_PARAMETER_ERROR on failure (out)
 *
 * RFC 9000 section 7.4: a parameter sent twice, a client sending a
 * server-only one, or a value out of its range are errors; section 7.3:
 * initial_source_connection_id, and from a server the
 * original_destination_connection_id, must be present. Unknown IDs are
 * skipped (section 18.1, including reserved ones).
 *
 * Return: 0, or -EINVAL with *@errcode set.
 */
int quic_tparams_decode(const u8 *buf, u32 len, bool from_server,
			struct quic_tparams *tp, u64 *errcode)
{
	u64 id, vlen, seen = 0;
	u32 n, m;
	int bit;

	quic_tp_defaults(tp);
	while (len) {
		n = quic_varint_get(buf, len, &id);
		if (!n)
			goto err;
		m = quic_varint_get(buf + n, len - n, &vlen);
		if (!m || vlen > len - n - m)
			goto err;
		bit = quic_tp_seen_bit(id);
		if (bit >= 0) {
			if (seen & BIT_ULL(bit))
				goto err;
			seen |= BIT_ULL(bit);
		}
		/* Section 18.1: unknown (and reserved) IDs are ignored. */
		if (bit >= 0 &&
		    !quic_tp_apply(tp, id, buf + n + m, vlen, from_server))
			goto err;
		buf += n + m + vlen;
		len -= n + m + vlen;
	}
	if (!(seen & BIT_ULL(QUIC_TP_INITIAL_SCID)) ||
	    (from_server && !(seen & BIT_ULL(QUIC_TP_ORIGINAL_DCID))))
		goto err;
	return 0;
err:
	*errcode = QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM;
	return -EINVAL;
}
