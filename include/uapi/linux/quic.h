/* SPDX-License-Identifier: GPL-2.0+ WITH Linux-syscall-note */
/*
 * QUIC socket API (RFC 9000, RFC 9001, draft-ietf-quic-multipath).
 *
 * The single-path part is the interface of draft-lxin-quic-socket-apis-02
 * ("Sockets API Extensions for In-kernel QUIC Implementations"): the same
 * protocol and level numbers, option names and numbers, cmsg types, flags,
 * events and structure layouts, so that applications written for that API
 * build and run unchanged. Multipath extensions are numbered from 64 up.
 * Documentation/networking/quic.rst describes each call.
 */

#ifndef _UAPI_LINUX_QUIC_H
#define _UAPI_LINUX_QUIC_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/socket.h>
#else
#include <sys/socket.h>
#endif

enum {
	IPPROTO_QUIC = 261,		/* QUIC over UDP */
#define IPPROTO_QUIC		IPPROTO_QUIC
};

/* Socket option level of every option below. */
#define SOL_QUIC		288

/**
 * enum quic_cmsg_type - ancillary data types at level %SOL_QUIC
 * @QUIC_STREAM_INFO: &struct quic_stream_info, stream data in sendmsg/recvmsg
 * @QUIC_HANDSHAKE_INFO: &struct quic_handshake_info, TLS handshake messages
 */
enum quic_cmsg_type {
	QUIC_STREAM_INFO,
	QUIC_HANDSHAKE_INFO,
};

/* Low two bits of a stream ID (RFC 9000 section 2.1). */
#define QUIC_STREAM_TYPE_SERVER_MASK	0x01
#define QUIC_STREAM_TYPE_UNI_MASK	0x02
#define QUIC_STREAM_TYPE_MASK		0x03

/**
 * enum quic_msg_flags - stream flags and QUIC message flags
 * @MSG_STREAM_NEW: open the stream
 * @MSG_STREAM_FIN: this is the last data of the stream
 * @MSG_STREAM_UNI: open a unidirectional stream
 * @MSG_STREAM_DONTWAIT: do not wait for stream credit when opening
 * @MSG_STREAM_SNDBLOCK: send STREAMS_BLOCKED/DATA_BLOCKED when out of credit
 * @MSG_DATAGRAM: the message is an unreliable DATAGRAM frame (RFC 9221)
 * @MSG_NOTIFICATION: the message is an event (see &enum quic_event_type)
 *
 * The stream flags go in &struct quic_stream_info.stream_flags (or in the
 * flags of sendmsg when no cmsg is given); the last two are msg_flags. The
 * %MSG_QUIC_ spellings name the same values.
 */
enum quic_msg_flags {
	MSG_STREAM_NEW		= MSG_SYN,
	MSG_STREAM_FIN		= MSG_FIN,
	MSG_STREAM_UNI		= MSG_CONFIRM,
	MSG_STREAM_DONTWAIT	= MSG_WAITFORONE,
	MSG_STREAM_SNDBLOCK	= MSG_ERRQUEUE,

	MSG_DATAGRAM		= MSG_RST,
	MSG_NOTIFICATION	= MSG_MORE,
};

#define MSG_QUIC_STREAM_NEW		MSG_STREAM_NEW
#define MSG_QUIC_STREAM_FIN		MSG_STREAM_FIN
#define MSG_QUIC_STREAM_UNI		MSG_STREAM_UNI
#define MSG_QUIC_STREAM_DONTWAIT	MSG_STREAM_DONTWAIT
#define MSG_QUIC_STREAM_SNDBLOCK	MSG_STREAM_SNDBLOCK
#define MSG_QUIC_DATAGRAM		MSG_DATAGRAM
#define MSG_QUIC_NOTIFICATION		MSG_NOTIFICATION

/**
 * enum quic_crypto_level - encryption levels (RFC 9001 section 4.1.1)
 * @QUIC_CRYPTO_APP: 1-RTT
 * @QUIC_CRYPTO_INITIAL: Initial
 * @QUIC_CRYPTO_HANDSHAKE: Handshake
 * @QUIC_CRYPTO_EARLY: 0-RTT
 * @QUIC_CRYPTO_MAX: number of levels
 */
enum quic_crypto_level {
	QUIC_CRYPTO_APP,
	QUIC_CRYPTO_INITIAL,
	QUIC_CRYPTO_HANDSHAKE,
	QUIC_CRYPTO_EARLY,
	QUIC_CRYPTO_MAX,
};

/**
 * struct quic_handshake_info - cmsg %QUIC_HANDSHAKE_INFO
 * @crypto_level: &enum quic_crypto_level of the CRYPTO data
 */
struct quic_handshake_info {
	__u8	crypto_level;
};

/**
 * struct quic_stream_info - cmsg %QUIC_STREAM_INFO
 * @stream_id: stream ID, or -1 for the next (send) or latest stream
 * @stream_flags: %MSG_STREAM_* flags
 */
struct quic_stream_info {
	__s64	stream_id;
	__u32	stream_flags;
};

/* Socket options of draft-lxin-quic-socket-apis-02 (level SOL_QUIC). */
#define QUIC_SOCKOPT_EVENT				0
#define QUIC_SOCKOPT_STREAM_OPEN			1
#define QUIC_SOCKOPT_STREAM_RESET			2
#define QUIC_SOCKOPT_STREAM_STOP_SENDING		3
#define QUIC_SOCKOPT_CONNECTION_ID			4
#define QUIC_SOCKOPT_CONNECTION_CLOSE			5
#define QUIC_SOCKOPT_CONNECTION_MIGRATION		6
#define QUIC_SOCKOPT_KEY_UPDATE				7
#define QUIC_SOCKOPT_TRANSPORT_PARAM			8
#define QUIC_SOCKOPT_CONFIG				9
#define QUIC_SOCKOPT_TOKEN				10
#define QUIC_SOCKOPT_ALPN				11
#define QUIC_SOCKOPT_SESSION_TICKET			12
#define QUIC_SOCKOPT_CRYPTO_SECRET			13
#define QUIC_SOCKOPT_TRANSPORT_PARAM_EXT		14
#define QUIC_SOCKOPT_STREAM_PEELOFF			15

/* Multipath options start at 64 (draft-ietf-quic-multipath). */

#define QUIC_VERSION_V1			0x1
#define QUIC_VERSION_V2			0x6b3343cf

/**
 * struct quic_transport_param - %QUIC_SOCKOPT_TRANSPORT_PARAM
 * @remote: 0 for the local parameters, 1 for the peer's (resumption)
 * @disable_active_migration: RFC 9000 section 18.2
 * @grease_quic_bit: RFC 9287
 * @stateless_reset: send a stateless_reset_token
 * @disable_1rtt_encryption: when both sides send it, 1-RTT packets carry no
 *	packet or header protection (draft-banks-quic-disable-encryption;
 *	trusted paths and benchmarks only)
 * @disable_compatible_version: do not send version_information (RFC 9368)
 * @active_connection_id_limit: 2..8, default 7
 * @ack_delay_exponent: 0..20, default 3
 * @max_datagram_frame_size: RFC 9221, 0 (default) disables DATAGRAM
 * @max_udp_payload_size: 1200..65527, default 65527
 * @max_idle_timeout: microseconds, default 30 s
 * @max_ack_delay: microseconds, below 2^14 ms, default 25 ms
 * @max_streams_bidi: initial_max_streams_bidi, default 100
 * @max_streams_uni: initial_max_streams_uni, default 100
 * @max_data: initial_max_data, default 2 MiB
 * @max_stream_data_bidi_local: default 256 KiB
 * @max_stream_data_bidi_remote: default 256 KiB
 * @max_stream_data_uni: default 256 KiB
 * @reserved: must be 0
 *
 * On set, a field left 0 keeps its current value. The last member may be
 * omitted (an optlen of 56 bytes is accepted).
 */
struct quic_transport_param {
	__u8	remote;
	__u8	disable_active_migration;
	__u8	grease_quic_bit;
	__u8	stateless_reset;
	__u8	disable_1rtt_encryption;
	__u8	disable_compatible_version;
	__u8	active_connection_id_limit;
	__u8	ack_delay_exponent;
	__u16	max_datagram_frame_size;
	__u16	max_udp_payload_size;
	__u32	max_idle_timeout;
	__u32	max_ack_delay;
	__u16	max_streams_bidi;
	__u16	max_streams_uni;
	__u64	max_data;
	__u64	max_stream_data_bidi_local;
	__u64	max_stream_data_bidi_remote;
	__u64	max_stream_data_uni;
	__u64	reserved;
};

/**
 * struct quic_config - %QUIC_SOCKOPT_CONFIG
 * @version: QUIC version offered by a client, %QUIC_VERSION_V1 (default)
 *	or %QUIC_VERSION_V2
 * @plpmtud_probe_interval: microseconds between PLPMTUD searches (the
 *	RFC 8899 raise timer), at least 5 s; 0 (default) disables probing,
 *	the route's MTU is used
 * @initial_smoothed_rtt: microseconds, 1 ms..6 s, default 333 ms
 * @payload_cipher_type: TLS_CIPHER_* of linux/tls.h, 0 means any
 * @congestion_control_algo: &enum quic_cong_algo
 * @validate_peer_address: server sends Retry (RFC 9000 section 8.1.2)
 * @stream_data_nodelay: send stream data at once (no Nagle-like batching)
 * @receive_session_ticket: client waits up to this many seconds for a
 *	session ticket (kernel consumers)
 * @certificate_request: server: 0 ignore, 1 request, 2 require
 * @reserved: must be 0
 * @keepalive_probe_interval: microseconds between PING keepalives, 0
 *	disables (extension; may be omitted, optlen 24)
 *
 * On set, a field left 0 keeps its current value.
 */
struct quic_config {
	__u32	version;
	__u32	plpmtud_probe_interval;
	__u32	initial_smoothed_rtt;
	__u32	payload_cipher_type;
	__u8	congestion_control_algo;
	__u8	validate_peer_address;
	__u8	stream_data_nodelay;
	__u8	receive_session_ticket;
	__u8	certificate_request;
	__u8	reserved[3];
	__u32	keepalive_probe_interval;
};

/**
 * struct quic_crypto_secret - %QUIC_SOCKOPT_CRYPTO_SECRET
 * @send: 1 for the send direction, 0 for receive
 * @level: &enum quic_crypto_level
 * @reserved: must be 0
 * @type: TLS_CIPHER_* of linux/tls.h
 * @secret: the traffic secret, as long as the cipher's hash
 *
 * The field order is the one deployed user space (tlshd, libquic) uses.
 */
struct quic_crypto_secret {
	__u8	send;
	__u8	level;
	__u16	reserved;
	__u32	type;
#define QUIC_CRYPTO_SECRET_BUFFER_SIZE 48
	__u8	secret[QUIC_CRYPTO_SECRET_BUFFER_SIZE];
};

/**
 * enum quic_cong_algo - congestion controllers
 * @QUIC_CONG_ALG_RENO: NewReno (RFC 9002 section 7)
 * @QUIC_CONG_ALG_CUBIC: CUBIC (RFC 9438)
 * @QUIC_CONG_ALG_BBR: BBR
 * @QUIC_CONG_ALG_MAX: number of algorithms
 */
enum quic_cong_algo {
	QUIC_CONG_ALG_RENO,
	QUIC_CONG_ALG_CUBIC,
	QUIC_CONG_ALG_BBR,
	QUIC_CONG_ALG_MAX,
};

/**
 * struct quic_errinfo - %QUIC_SOCKOPT_STREAM_RESET, _STREAM_STOP_SENDING
 * @stream_id: the stream
 * @errcode: application error code
 */
struct quic_errinfo {
	__s64	stream_id;
	__u32	errcode;
};

/**
 * struct quic_connection_id_info - %QUIC_SOCKOPT_CONNECTION_ID
 * @dest: 1 for the peer's (destination) IDs, 0 for ours
 * @active: sequence number of the ID in use
 * @prior_to: IDs below this sequence number are retired
 */
struct quic_connection_id_info {
	__u8	dest;
	__u32	active;
	__u32	prior_to;
};

/**
 * struct quic_event_option - %QUIC_SOCKOPT_EVENT
 * @type: &enum quic_event_type
 * @on: 1 to deliver the event, 0 not to
 */
struct quic_event_option {
	__u8	type;
	__u8	on;
};

/**
 * struct quic_stream_peeloff - %QUIC_SOCKOPT_STREAM_PEELOFF
 * @stream_id: the stream to detach into its own socket
 * @flags: O_CLOEXEC and O_NONBLOCK for the new descriptor
 * @sd: the new descriptor (out)
 */
struct quic_stream_peeloff {
	__s64	stream_id;
	__u32	flags;
	__s32	sd;
};

/**
 * enum quic_event_type - events delivered with %MSG_NOTIFICATION
 * @QUIC_EVENT_NONE: no event
 * @QUIC_EVENT_STREAM_UPDATE: &struct quic_stream_update
 * @QUIC_EVENT_STREAM_MAX_DATA: &struct quic_stream_max_data
 * @QUIC_EVENT_STREAM_MAX_STREAM: __u64, new stream limit
 * @QUIC_EVENT_CONNECTION_ID: &struct quic_connection_id_info
 * @QUIC_EVENT_CONNECTION_CLOSE: &struct quic_connection_close
 * @QUIC_EVENT_CONNECTION_MIGRATION: __u8, 1 if the local side migrated
 * @QUIC_EVENT_KEY_UPDATE: __u8, the new key phase
 * @QUIC_EVENT_NEW_TOKEN: the token bytes
 * @QUIC_EVENT_NEW_SESSION_TICKET: the TLS NewSessionTicket message
 * @QUIC_EVENT_MAX: number of event types
 *
 * The event data is one byte of type followed by the payload.
 */
enum quic_event_type {
	QUIC_EVENT_NONE,
	QUIC_EVENT_STREAM_UPDATE,
	QUIC_EVENT_STREAM_MAX_DATA,
	QUIC_EVENT_STREAM_MAX_STREAM,
	QUIC_EVENT_CONNECTION_ID,
	QUIC_EVENT_CONNECTION_CLOSE,
	QUIC_EVENT_CONNECTION_MIGRATION,
	QUIC_EVENT_KEY_UPDATE,
	QUIC_EVENT_NEW_TOKEN,
	QUIC_EVENT_NEW_SESSION_TICKET,
	QUIC_EVENT_MAX,
};

/* Stream states (RFC 9000 section 3) reported by QUIC_EVENT_STREAM_UPDATE. */
enum {
	QUIC_STREAM_SEND_STATE_READY,
	QUIC_STREAM_SEND_STATE_SEND,
	QUIC_STREAM_SEND_STATE_SENT,
	QUIC_STREAM_SEND_STATE_RECVD,
	QUIC_STREAM_SEND_STATE_RESET_SENT,
	QUIC_STREAM_SEND_STATE_RESET_RECVD,

	QUIC_STREAM_RECV_STATE_RECV,
	QUIC_STREAM_RECV_STATE_SIZE_KNOWN,
	QUIC_STREAM_RECV_STATE_RECVD,
	QUIC_STREAM_RECV_STATE_READ,
	QUIC_STREAM_RECV_STATE_RESET_RECVD,
	QUIC_STREAM_RECV_STATE_RESET_READ,
};

/**
 * struct quic_stream_update - %QUIC_EVENT_STREAM_UPDATE
 * @id: the stream
 * @state: its new %QUIC_STREAM_*_STATE_*
 * @errcode: application error code of a reset
 * @finalsz: final size, when known
 */
struct quic_stream_update {
	__s64	id;
	__u32	state;
	__u32	errcode;
	__u64	finalsz;
};

/**
 * struct quic_stream_max_data - %QUIC_EVENT_STREAM_MAX_DATA
 * @id: the stream
 * @max_data: its new send limit
 */
struct quic_stream_max_data {
	__s64	id;
	__u64	max_data;
};

/**
 * struct quic_connection_close - %QUIC_SOCKOPT_CONNECTION_CLOSE and event
 * @errcode: transport or application error code
 * @frame: frame type that caused a transport error
 * @phrase: reason phrase, NUL-terminated
 */
struct quic_connection_close {
	__u32	errcode;
	__u8	frame;
	__u8	phrase[];
};

/**
 * union quic_event - payload of an event, after its type byte
 * @update: %QUIC_EVENT_STREAM_UPDATE
 * @max_data: %QUIC_EVENT_STREAM_MAX_DATA
 * @close: %QUIC_EVENT_CONNECTION_CLOSE
 * @info: %QUIC_EVENT_CONNECTION_ID
 * @max_stream: %QUIC_EVENT_STREAM_MAX_STREAM
 * @local_migration: %QUIC_EVENT_CONNECTION_MIGRATION
 * @key_update_phase: %QUIC_EVENT_KEY_UPDATE
 */
union quic_event {
	struct quic_stream_update	update;
	struct quic_stream_max_data	max_data;
	struct quic_connection_close	close;
	struct quic_connection_id_info	info;
	__u64	max_stream;
	__u8	local_migration;
	__u8	key_update_phase;
};

/* Transport error codes (RFC 9000 section 20.1). */
enum {
	QUIC_TRANSPORT_ERROR_NONE			= 0x00,
	QUIC_TRANSPORT_ERROR_INTERNAL			= 0x01,
	QUIC_TRANSPORT_ERROR_CONNECTION_REFUSED		= 0x02,
	QUIC_TRANSPORT_ERROR_FLOW_CONTROL		= 0x03,
	QUIC_TRANSPORT_ERROR_STREAM_LIMIT		= 0x04,
	QUIC_TRANSPORT_ERROR_STREAM_STATE		= 0x05,
	QUIC_TRANSPORT_ERROR_FINAL_SIZE			= 0x06,
	QUIC_TRANSPORT_ERROR_FRAME_ENCODING		= 0x07,
	QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM		= 0x08,
	QUIC_TRANSPORT_ERROR_CONNECTION_ID_LIMIT	= 0x09,
	QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION		= 0x0a,
	QUIC_TRANSPORT_ERROR_INVALID_TOKEN		= 0x0b,
	QUIC_TRANSPORT_ERROR_APPLICATION		= 0x0c,
	QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED	= 0x0d,
	QUIC_TRANSPORT_ERROR_KEY_UPDATE			= 0x0e,
	QUIC_TRANSPORT_ERROR_AEAD_LIMIT_REACHED		= 0x0f,
	QUIC_TRANSPORT_ERROR_NO_VIABLE_PATH		= 0x10,
	QUIC_TRANSPORT_ERROR_VERSION_NEGOTIATION	= 0x11,
	/* 0x0100-0x01ff: TLS alert + 0x100 (RFC 9001 section 4.8) */
	QUIC_TRANSPORT_ERROR_CRYPTO			= 0x0100,
};

#endif /* _UAPI_LINUX_QUIC_H */
