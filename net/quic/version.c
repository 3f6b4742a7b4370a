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
 */

#include <linux/ratelimit.h>
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
