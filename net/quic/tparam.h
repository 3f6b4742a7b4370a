/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QUIC transport parameters (RFC 9000 sections 7.4 and 18): the codec of
 * the quic_transport_parameters TLS extension (0x39), pure functions.
 */

#ifndef __NET_QUIC_TPARAM_H
#define __NET_QUIC_TPARAM_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/quic.h>
#include <linux/types.h>

#include "packet.h"

/* Transport parameter IDs (RFC 9000 section 18.2, RFC 9221, RFC 9368). */
enum quic_tparam_id {
	QUIC_TP_ORIGINAL_DCID			= 0x00,
	QUIC_TP_MAX_IDLE_TIMEOUT		= 0x01,
	QUIC_TP_STATELESS_RESET_TOKEN		= 0x02,
	QUIC_TP_MAX_UDP_PAYLOAD_SIZE		= 0x03,
	QUIC_TP_INITIAL_MAX_DATA		= 0x04,
	QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL = 0x05,
	QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE = 0x06,
	QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI	= 0x07,
	QUIC_TP_INITIAL_MAX_STREAMS_BIDI	= 0x08,
	QUIC_TP_INITIAL_MAX_STREAMS_UNI		= 0x09,
	QUIC_TP_ACK_DELAY_EXPONENT		= 0x0a,
	QUIC_TP_MAX_ACK_DELAY			= 0x0b,
	QUIC_TP_DISABLE_ACTIVE_MIGRATION	= 0x0c,
	QUIC_TP_PREFERRED_ADDRESS		= 0x0d,
	QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT	= 0x0e,
	QUIC_TP_INITIAL_SCID			= 0x0f,
	QUIC_TP_RETRY_SCID			= 0x10,
	QUIC_TP_MAX_DATAGRAM_FRAME_SIZE		= 0x20,
	QUIC_TP_GREASE_QUIC_BIT			= 0x2ab2,
	QUIC_TP_DISABLE_1RTT_ENCRYPTION		= 0xbaad,
	QUIC_TP_VERSION_INFORMATION		= 0x11,
};

#define QUIC_TP_MAX_VERSIONS	4

/**
 * struct quic_cid - a connection ID
 * @len: 0..%QUIC_CID_MAX_LEN
 * @data: its bytes
 */
struct quic_cid {
	u8	len;
	u8	data[QUIC_CID_MAX_LEN];
};

/**
 * struct quic_tp_preferred - preferred_address (RFC 9000 section 18.2)
 * @v4: IPv4 address and port, 0.0.0.0:0 for none
 * @v6: IPv6 address and port, [::]:0 for none
 * @cid: the connection ID to send to it with (sequence number 1)
 * @token: the stateless reset token of @cid
 */
struct quic_tp_preferred {
	struct sockaddr_in	v4;
	struct sockaddr_in6	v6;
	struct quic_cid		cid;
	u8			token[16];
};

/**
 * struct quic_tparams - everything the extension carries
 * @p: the numeric and boolean parameters, in the units of the socket API
 *	(microseconds for max_idle_timeout and max_ack_delay); values the
 *	peer sends above what @p can hold are clamped (a larger stream or
 *	data credit than we can use is harmless)
 * @orig_dcid: original_destination_connection_id (server only)
 * @initial_scid: initial_source_connection_id (both, mandatory)
 * @retry_scid: retry_source_connection_id (server, after a Retry)
 * @reset_token: stateless_reset_token (server only)
 * @has_orig_dcid: @orig_dcid was present
 * @has_retry_scid: @retry_scid was present
 * @has_reset_token: @reset_token was present
 * @has_preferred_address: preferred_address was present (@preferred)
 * @preferred: the server's preferred_address (section 9.6)
 * @chosen_version: version_information Chosen Version, 0 if absent
 * @version_count: Available Versions kept in @versions
 * @versions: Available Versions (RFC 9368 section 3)
 *
 * quic_tparams_decode() starts from the RFC 9000 section 18.2 defaults, so
 * a parameter the peer leaves out has its default value in @p.
 */
struct quic_tparams {
	struct quic_transport_param	p;
	struct quic_cid			orig_dcid;
	struct quic_cid			initial_scid;
	struct quic_cid			retry_scid;
	u8				reset_token[16];
	bool				has_orig_dcid;
	bool				has_retry_scid;
	bool				has_reset_token;
	bool				has_preferred_address;
	struct quic_tp_preferred	preferred;
	u32				chosen_version;
	u32				version_count;
	u32				versions[QUIC_TP_MAX_VERSIONS];
};

int quic_tparams_encode(const struct quic_tparams *tp, bool server, u8 *buf,
			u32 len);
int quic_tparams_decode(const u8 *buf, u32 len, bool from_server,
			struct quic_tparams *tp, u64 *errcode);

#endif /* __NET_QUIC_TPARAM_H */
