// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC versions. We speak v1 (RFC 9000) and v2 (RFC 9369); a client
 * starts with the version of QUIC_CONFIG.version, a server takes the one
 * of the client's first Initial. A long header packet of any other version
 * that could start a connection gets a Version Negotiation packet listing
 * ours (RFC 9000 section 6.1); a client that receives one without its own
 * version in it gives up (section 6.2). Both ends send and check the
 * version_information transport parameter (RFC 9368 section 3), which
 * protects the choice of version from tampering.
 *
 * Compatible version negotiation (RFC 9368 section 2.3, RFC 9369 section
 * 4.1): a listener whose QUIC_CONFIG.version is v2 moves a client that
 * started in v1 and offers v2 to v2 in the same connection, once the
 * client's transport parameters are read. The server's Initials are v2
 * from then on; the client switches on the first v2 Initial it can open.
 * Both sides hold the other version's Initial keys for that moment
 * (struct quic_compat_vn), so the switch itself allocates nothing and
 * can happen in softirq context.
 */

#include <linux/ratelimit.h>
#include <linux/tls.h>
#include <asm/unaligned.h>

#include "input.h"
#include "socket.h"
#include "version.h"

static DEFINE_RATELIMIT_STATE(quic_vn_rs, HZ, QUIC_VN_RATE);

void quic_version_init(void)
{
	ratelimit_set_flags(&quic_vn_rs, RATELIMIT_MSG_ON_RELEASE);
}

bool quic_version_supported(u32 version)
{
	return version == QUIC_VERSION_V1 || version == QUIC_VERSION_V2;
}

/**
 * quic_version_fill - our version_information (RFC 9368 section 3)
 * @tp: our transport parameters
 * @version: the version of the connection: the Chosen Version
 *
 * Available Versions: the one in use first, then the other one we speak.
 */
void quic_version_fill(struct quic_tparams *tp, u32 version)
{
	tp->chosen_version = version;
	tp->versions[0] = version;
	tp->versions[1] = version == QUIC_VERSION_V1 ? QUIC_VERSION_V2 :
						       QUIC_VERSION_V1;
	tp->version_count = 2;
}

/**
 * quic_version_check_peer - validate the peer's version_information
 * @sk: the socket
 * @tp: the peer's transport parameters
 *
 * RFC 9368 section 4: the Chosen Version the peer saw must be the version
 * of the packets that carried the handshake, else someone changed it.
 *
 * Return: 0, or -EPROTO (VERSION_NEGOTIATION_ERROR).
 */
int quic_version_check_peer(struct sock *sk, const struct quic_tparams *tp)
{
	if (tp->chosen_version &&
	    tp->chosen_version != quic_sk(sk)->conn.version)
		return -EPROTO;
	return 0;
}

/**
 * quic_version_of_level - the version of the long header packets of a level
 * @sk: the socket
 * @level: the encryption level
 *
 * RFC 9369 section 4.1: a client never sends 0-RTT packets in the
 * negotiated version, and the server takes them in the original one.
 *
 * Return: the version for @level's packets, both ways.
 */
u32 quic_version_of_level(const struct sock *sk, u8 level)
{
	const struct quic_conn *c = &quic_sk(sk)->conn;

	if (level == QUIC_CRYPTO_EARLY && c->vn.orig_version)
		return c->vn.orig_version;
	return c->version;
}

static u32 quic_version_other(u32 version)
{
	return version == QUIC_VERSION_V1 ? QUIC_VERSION_V2 : QUIC_VERSION_V1;
}

/* Derive both directions' Initial keys of @version into @c->vn from the
 * ID the current ones came from. Process context (transforms are
 * allocated).
 */
static int quic_version_compat_prepare(struct sock *sk, u32 version)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u8 client[QUIC_INITIAL_SECRET_LEN], server[QUIC_INITIAL_SECRET_LEN];
	int err;

	quic_version_compat_free(sk);
	err = quic_crypto_initial_secrets(version, c->vn.initial_dcid.data,
					  c->vn.initial_dcid.len, client,
					  server);
	if (!err)
		err = quic_crypto_key_install(&c->vn.send, version,
					      TLS_CIPHER_AES_GCM_128,
					      c->is_server ? server : client);
	if (!err)
		err = quic_crypto_key_install(&c->vn.recv, version,
					      TLS_CIPHER_AES_GCM_128,
					      c->is_server ? client : server);
	memzero_explicit(client, sizeof(client));
	memzero_explicit(server, sizeof(server));
	if (err)
		quic_version_compat_free(sk);
	return err;
}

/**
 * quic_version_compat_init - Initial keys were installed
 * @sk: the socket
 * @dcid: the Destination Connection ID they come from
 *
 * A client that offers the other version (its version_information lists
 * both, RFC 9368 section 3) gets that version's Initial keys ready now:
 * the server's first Initial may be of it.
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int quic_version_compat_init(struct sock *sk, const struct quic_cid *dcid)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;

	c->vn.initial_dcid = *dcid;
	if (c->is_server || c->vn.orig_version ||
	    qs->local_param.disable_compatible_version)
		return 0;
	return quic_version_compat_prepare(sk, quic_version_other(c->version));
}

/* Exchange the Initial keys in use with the prepared ones of the other
 * version, which becomes the connection's; the original version's
 * receive key stays in @c->vn.recv, its send key is dropped.
 */
static void quic_version_compat_switch(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_level *lvl = &c->levels[QUIC_CRYPTO_INITIAL];

	swap(lvl->send_key, c->vn.send);
	swap(lvl->recv_key, c->vn.recv);
	quic_crypto_key_free(&c->vn.send);
	c->vn.orig_version = c->version;
	c->version = lvl->send_key.version;
}

/* RFC 9368 section 3: the versions a client's first flight fits. */
static bool quic_version_offered(const struct quic_tparams *tp, u32 version)
{
	u32 i;

	for (i = 0; i < tp->version_count; i++)
		if (tp->versions[i] == version)
			return true;
	return false;
}

/**
 * quic_version_compat_decide - the server picks the negotiated version
 * @sk: the server's socket
 * @tp: the client's transport parameters, checked by
 *	quic_version_check_peer() against the original version
 *
 * RFC 9368 section 2.3: one of the versions the client listed, that we
 * speak, and that its version is compatible with (v1 and v2 are, RFC
 * 9369 section 4). We move to v2 when the listener asked for it with
 * QUIC_CONFIG.version; otherwise the client's choice stands. RFC 9369
 * section 4.1: our Initials are of the new version from now on.
 *
 * Context: process context.
 * Return: 0 or a negative errno (no memory for the keys).
 */
int quic_version_compat_decide(struct sock *sk, const struct quic_tparams *tp)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;
	u32 want = qs->config.version;
	int err;

	if (!c->is_server || c->vn.orig_version || want != QUIC_VERSION_V2 ||
	    c->version == want || qs->local_param.disable_compatible_version ||
	    !quic_version_offered(tp, want) ||
	    c->levels[QUIC_CRYPTO_INITIAL].space.discarded)
		return 0;
	err = quic_version_compat_prepare(sk, want);
	if (err)
		return err;
	quic_version_compat_switch(sk);
	return 0;
}

/**
 * quic_version_compat_key - keys for an Initial of the version not in use
 * @sk: the socket
 * @hdr: the packet's header
 * @level: its level
 *
 * RFC 9369 section 4.1: the server still reads the client's Initials of
 * the original version until one of the negotiated version arrives; the
 * client reads the server's Initial of the version it offered besides
 * its own, which tells it the server's choice. Handshake, 0-RTT and
 * 1-RTT packets of another version are dropped.
 *
 * Return: the receive key for @hdr, or NULL to drop the packet.
 */
struct quic_crypto_key *quic_version_compat_key(struct sock *sk,
						const struct quic_packet_hdr *hdr,
						u8 level)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	if (level != QUIC_CRYPTO_INITIAL || !c->vn.recv.aead ||
	    c->vn.recv.version != hdr->version)
		return NULL;
	if (!c->is_server && c->vn.orig_version)
		return NULL;
	return &c->vn.recv;
}

/**
 * quic_version_compat_opened - an Initial opened with a key of its version
 * @sk: the socket
 * @key: the key it opened with
 *
 * The client moves to the server's version (RFC 9368 section 2.3: the
 * long header version tells it the negotiated one); the server, once an
 * Initial of the negotiated version arrives, no longer needs the
 * original version's key (RFC 9369 section 4.1).
 *
 * Context: any (nothing is allocated).
 */
void quic_version_compat_opened(struct sock *sk, struct quic_crypto_key *key)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	if (!c->vn.recv.aead)
		return;
	if (key == &c->vn.recv) {
		if (c->is_server)
			return;
		quic_version_compat_switch(sk);
		quic_version_compat_free(sk);
		return;
	}
	if (c->is_server && c->vn.orig_version)
		quic_version_compat_free(sk);
}

/**
 * quic_version_compat_free - drop the other version's Initial keys
 * @sk: the socket
 */
void quic_version_compat_free(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	quic_crypto_key_free(&c->vn.send);
	quic_crypto_key_free(&c->vn.recv);
}

/**
 * quic_version_negotiation_send - answer a packet of a version we lack
 * @us: the UDP socket it arrived on; only a listener's socket answers
 * @skb: the datagram (UDP payload); not consumed
 * @hdr: its long header, as far as the version-independent part goes
 *
 * RFC 9000 section 6.1: only for a datagram big enough to start a
 * connection (section 14.1), never for a Version Negotiation packet; the
 * connection IDs are the client's, swapped (section 17.2.1). The list
 * has a reserved version too, so clients learn to ignore unknown ones
 * (section 15). Rate-limited like stateless resets.
 *
 * Context: softirq.
 */
void quic_version_negotiation_send(struct quic_udp_sock *us,
				   struct sk_buff *skb,
				   const struct quic_packet_hdr *hdr)
{
	static const u32 ours[] = { QUIC_VERSION_V1, QUIC_VERSION_V2 };
	union quic_addr src, dst;
	struct sk_buff *vn;
	u32 len, i;
	u8 *p;

	if (!hdr->version || skb->len < QUIC_MIN_UDP_PAYLOAD ||
	    !rcu_access_pointer(us->listener))
		return;
	len = 1 + 4 + 1 + hdr->scid_len + 1 + hdr->dcid_len +
	      4 * (ARRAY_SIZE(ours) + 1);
	if (!__ratelimit(&quic_vn_rs))
		return;
	vn = alloc_skb(MAX_HEADER + sizeof(struct ipv6hdr) +
		       sizeof(struct udphdr) + len, GFP_ATOMIC);
	if (!vn)
		return;
	skb_reserve(vn, MAX_HEADER + sizeof(struct ipv6hdr) +
		    sizeof(struct udphdr));
	p = skb_put(vn, len);
	/* Section 17.2.1: the unused bits arbitrary, 0x40 set. */
	*p++ = 0xc0 | (get_random_u8() & 0x3f);
	put_unaligned_be32(0, p);
	p += 4;
	*p++ = hdr->scid_len;
	memcpy(p, hdr->scid, hdr->scid_len);
	p += hdr->scid_len;
	*p++ = hdr->dcid_len;
	memcpy(p, hdr->dcid, hdr->dcid_len);
	p += hdr->dcid_len;
	for (i = 0; i < ARRAY_SIZE(ours); i++, p += 4)
		put_unaligned_be32(ours[i], p);
	/* Section 15: a reserved version, 0x?a?a?a?a. */
	put_unaligned_be32(0x0a0a0a0a | (get_random_u32() & 0xf0f0f0f0), p);
	quic_skb_addrs(skb, &src, &dst);
	quic_udp_send(us, vn, &dst, &src, NULL, us->ifindex, 0);
}

/**
 * quic_version_negotiation_rcv - a Version Negotiation packet arrived
 * @sk: the socket it was addressed to, locked
 * @pkt: the packet
 * @hdr: its header
 *
 * RFC 9000 section 6.2: only a client that has processed nothing else
 * from the server acts on one, and only when it echoes the connection IDs
 * of our first Initial (section 17.2.1) and does not list the version we
 * use (then it is stale or forged). We then give up the connection with
 * EPROTONOSUPPORT: RFC 9368's incompatible version negotiation would need
 * a new TLS ClientHello, which is the application's to make.
 */
void quic_version_negotiation_rcv(struct sock *sk, const u8 *pkt,
				  const struct quic_packet_hdr *hdr)
{
	static const char reason[] = "no common QUIC version";
	struct quic_conn *c = &quic_sk(sk)->conn;
	const u8 *v = hdr->scid + hdr->scid_len;
	const u8 *end = pkt + hdr->len;

	if (c->is_server || c->dcid_from_peer ||
	    sk->sk_state != QUIC_SS_ESTABLISHING ||
	    c->levels[QUIC_CRYPTO_INITIAL].space.recv_count ||
	    hdr->scid_len != c->odcid.len ||
	    memcmp(hdr->scid, c->odcid.data, c->odcid.len))
		return;
	for (; v + 4 <= end; v += 4)
		if (get_unaligned_be32(v) == c->version)
			return;
	quic_conn_abandon(sk, QUIC_TRANSPORT_ERROR_VERSION_NEGOTIATION, reason,
			  EPROTONOSUPPORT);
}
