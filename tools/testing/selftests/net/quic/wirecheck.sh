#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Wire check: decode a QUIC packet capture with tshark, using the TLS key
# log of the connection(s), and fail if any packet our endpoint sent is
# malformed or carries a Wireshark expert warning or error. A second,
# independent implementation of the wire format (Wireshark's) reading
# every byte we put on the wire catches encoding bugs that a peer running
# our own code, or a lenient peer, would let through.
#
# Sourced by the interop tests (". ./wirecheck.sh; wirecheck PCAP KEYLOG
# OURHOST...") or run on its own:
#
#   wirecheck.sh PCAP KEYLOG [OURPORT-or-OURADDR...]
#
# OURHOST is the IPv4/IPv6 address our endpoint sends from (as tshark
# prints it: 192.0.2.1, 2001:db8::1) or, when both ends share an address
# (loopback), the UDP port it sends from. Packets whose ip.src/ipv6.src
# or udp.srcport matches are "ours"; with no OURHOST every packet is.
# Only ours fail the check; findings on the peer's packets are printed
# as "peer:" notes. Returns 0 when clean, 1 on any finding (each one
# printed with frame number and source) and 4 (KSFT_SKIP) without tshark.
#
# The capture: PCAP from "tcpdump -w" (or dumpcap), filtered to the QUIC
# traffic ("udp port 4433"); KEYLOG in the NSS key log format, as written
# to the file named by $SSLKEYLOGFILE: by libquic's keylog callback
# (tools/lib/quic/handshake.c), or by GnuTLS 3.7 itself for programs
# that set none (ngtcp2's gtlsclient/gtlsserver). Either side's log will
# do; it must hold the secrets of every connection in the capture.
#
# Checks, with the tshark (4.0) fields they use:
#  - decode as QUIC: every UDP source port of ours, the OURHOST ports and
#    $WIRECHECK_PORTS are forced to QUIC with -d udp.port==P,quic (a
#    first, quick pass without keys finds our ports). tshark's "quic"
#    heuristic only takes long headers of known versions and short
#    headers of connections it saw start, so without this a packet
#    broken enough, or a capture started late, shows up as plain UDP
#    and passes unchecked. Our UDP datagrams not decoded as QUIC even
#    so are findings.
#  - malformed: _ws.malformed ("[Malformed Packet: QUIC]", a dissector
#    exception, i.e. a field ran past the end of the packet).
#  - expert info: _ws.expert.severity >= warning (PI_WARN 0x600000,
#    PI_ERROR 0x800000) in any layer: in QUIC "Decryption failed" (the
#    AEAD tag did not check out), "Failed to decrypt packet number",
#    "Failed to create decryption context" (no or wrong secrets),
#    "Invalid data according to the protocol",
#    "Retry Integrity Tag verification failure", and whatever TLS and
#    HTTP/3 flag in the CRYPTO and STREAM data. Plus one note: "Unknown
#    Frame Type" (our stack only sends RFC 9000/9221 frame types, all
#    known to tshark 4.0, so an unknown one is a bug and stops the
#    decoding of the rest of the packet). Other notes and chats are
#    benign and ignored: "Unknown QUIC connection" (capture started
#    late, migration), retransmitted or overlapping STREAM/CRYPTO data,
#    coalesced padding. $WIRECHECK_IGNORE, an awk regular expression,
#    drops matching expert messages (for a known tshark limitation).
#  - decryption: a capture tshark cannot decrypt proves nothing, so it
#    fails unless at least one of our 1-RTT-only datagrams decoded to
#    frames (quic.header_form is just 0 and quic.frame_type is set).
#    Each of our 1-RTT datagrams left undecrypted is a finding as well
#    (a 1-RTT packet always has at least one frame); with no key at all
#    for a short header tshark says nothing, hence this check.
#
# Caveats:
#  - GSO: a capture taken where UDP GSO super-packets are still in one
#    piece (the sender's loopback or veth with tx-udp-segmentation on;
#    a receiver with UDP GRO) holds several QUIC packets per "datagram";
#    tshark decodes the first 1-RTT packet to the end of the buffer and
#    its decryption fails. Such 1-RTT datagrams, undecrypted and longer
#    than any 1-RTT datagram that did decrypt, are reported as "GSO
#    batch" findings (notes only with WIRECHECK_GSO_OK=1). Capture
#    segmented packets instead: "ethtool -K DEV tx-udp-segmentation off"
#    on the capture device makes the stack segment before the tap.
#  - coalesced datagrams (Initial+Handshake+1-RTT) are decoded packet by
#    packet; their findings are per datagram (frame), and the 1-RTT
#    decryption count only uses datagrams holding 1-RTT packets alone.
#  - a Stateless Reset we send (RFC 9000 section 10.3) looks like an
#    undecryptable 1-RTT packet: it is told as a note, not a finding, when
#    it ends with a reset token we gave (NEW_CONNECTION_ID frames, the
#    stateless_reset_token transport parameter) or follows our own
#    CONNECTION_CLOSE (close() does not keep the closing state, so late
#    packets of the peer meet no connection). Other undecryptable 1-RTT
#    packets are findings, so are packets of connections whose secrets
#    are not in KEYLOG (give the key log of all connections in PCAP).
#  - tshark 4.0 reconstructs the packet number of a 1-RTT packet that
#    arrives after higher ones (reordering) above them instead of below
#    (RFC 9000 appendix A.3), so it cannot decrypt it. Such a packet is
#    told as a note, not a finding, when the peer's own ACK frames
#    acknowledged the packet number it really has (the one tshark gave
#    less 2^(8 * packet number length)): the peer decrypted it.
#  - ICMP errors quoting our datagrams are skipped, not checked.
#
# Knobs (environment): WIRECHECK_PORTS (more UDP ports to decode as
# QUIC), WIRECHECK_IGNORE, WIRECHECK_GSO_OK, WIRECHECK_MAX (findings
# printed per side, 20).

WIRECHECK_MAX=${WIRECHECK_MAX:-20}

# wirecheck_tshark OUT ARGS...: tshark ARGS > OUT. A capture whose last
# packet was cut short (capture stopped hard) is fine, anything else
# tshark complains about is not.
wirecheck_tshark()
{
	local out=$1 rc

	shift
	tshark "$@" > "$out" 2> "$out.err"
	rc=$?
	[ $rc -eq 0 ] && return 0
	if [ $rc -eq 2 ] && grep -q 'cut short in the middle of a packet' \
			"$out.err"; then
		return 0
	fi
	echo "wire: tshark failed (status $rc):"
	grep -v '^Running as user' "$out.err"
	return 1
}

# wirecheck PCAP KEYLOG [OURHOST...]: see above.
wirecheck()
{
	local pcap=$1 keylog=$2 sep=$'\x1f' tmp h p rc
	local -a decode=() ours_addr=() ours_port=() ports=()

	shift 2 || { echo "usage: wirecheck PCAP KEYLOG [OURHOST...]"; return 1; }
	if ! command -v tshark > /dev/null; then
		echo "wire: tshark not installed, capture not checked"
		return 4
	fi
	[ -r "$pcap" ] || { echo "wire: no capture $pcap"; return 1; }
	if ! grep -q '^[A-Z_]*TRAFFIC_SECRET_0 ' "$keylog" 2> /dev/null; then
		echo "wire: could not decrypt: $keylog has no 1-RTT secrets" \
		     "(missing, empty or not an SSLKEYLOGFILE key log)"
		return 1
	fi
	for h in "$@"; do
		case $h in
		*[!0-9]*) ours_addr+=("$h") ;;
		*) ours_port+=("$h") ;;
		esac
	done
	tmp=$(mktemp -d /tmp/wirecheck.XXXXXX) || return 1

	# Pass 1, no keys: which UDP ports does our side send from?
	if ! wirecheck_tshark "$tmp/ports" -n -r "$pcap" \
			--disable-protocol quic -Y udp -T fields \
			-e ip.src -e ipv6.src -e udp.srcport; then
		rm -rf "$tmp"
		return 1
	fi
	# (No process substitution: the test VM has no /dev/fd.)
	awk -F'\t' -v addrs="${ours_addr[*]}" \
		-v extra="${ours_port[*]} ${WIRECHECK_PORTS:-}" '
		BEGIN { na = split(addrs, a, " "); for (i in a) A[a[i]]
			ne = split(extra, e, " "); for (i in e) print e[i] }
		{ sub(/,.*/, "", $1); sub(/,.*/, "", $2); sub(/,.*/, "", $3)
		  if (na == 0 || ($1 != "" ? $1 : $2) in A) print $3 }' \
		"$tmp/ports" | sort -un > "$tmp/ourports"
	mapfile -t ports < "$tmp/ourports"
	for p in "${ports[@]}"; do
		decode+=(-d "udp.port==$p,quic")
	done

	# Pass 2, with keys: everything else.
	if ! wirecheck_tshark "$tmp/fields" -n -r "$pcap" \
			-o "tls.keylog_file:$keylog" "${decode[@]}" \
			-E aggregator="$sep" -E occurrence=a -T fields \
			-e frame.number -e ip.src -e ipv6.src -e udp.srcport \
			-e udp.length -e frame.protocols -e quic.header_form \
			-e quic.frame_type -e _ws.malformed \
			-e _ws.expert.severity -e _ws.expert.message \
			-e quic.nci.stateless_reset_token \
			-e tls.quic.parameter.stateless_reset_token \
			-e udp.payload -e quic.packet_number \
			-e quic.packet_number_length \
			-e quic.ack.largest_acknowledged \
			-e quic.ack.ack_range_count -e quic.ack.first_ack_range \
			-e quic.ack.gap -e quic.ack.ack_range; then
		rm -rf "$tmp"
		return 1
	fi

	awk -F'\t' -v addrs="${ours_addr[*]}" -v ports="${ours_port[*]}" \
	    -v max="$WIRECHECK_MAX" -v ignore="${WIRECHECK_IGNORE:-}" \
	    -v gso_ok="${WIRECHECK_GSO_OK:-0}" -v sep="$sep" '
	function first(s,    i) {	# the first of the values of a field
		i = index(s, sep)
		return i ? substr(s, 1, i - 1) : s
	}
	# RFC 9000 section 19.3.1: Largest Acknowledged, First ACK Range,
	# then (Gap, ACK Range) pairs, for each ACK frame of a packet.
	function add_acks(lg, cnt, fst, gap, rng,    l, c, fr, g, r, k, j, gi, hi, lo) {
		nk = split(lg, l, sep); split(cnt, c, sep); split(fst, fr, sep)
		split(gap, g, sep); split(rng, r, sep); gi = 0
		for (k = 1; k <= nk; k++) {
			hi = l[k] + 0; lo = hi - fr[k]
			RLO[++nr] = lo; RHI[nr] = hi
			for (j = 1; j <= c[k] + 0; j++) {
				gi++
				hi = lo - g[gi] - 2; lo = hi - r[gi]
				RLO[++nr] = lo; RHI[nr] = hi
			}
		}
	}
	function acked(pn,    i) {
		for (i = 1; i <= nr; i++)
			if (pn >= RLO[i] && pn <= RHI[i]) return 1
		return 0
	}
	function finding(o, f, what) {
		if (o) { nbad++; if (++shown_o <= max) print "frame " f ": " what }
		else { npeer++; if (++shown_p <= max) print "peer: frame " f ": " what }
	}
	BEGIN {
		na = split(addrs, a, " "); np = split(ports, pp, " ")
		for (i in a) A[a[i]]
		for (i in pp) P[pp[i]]
		WARN = 6291456; ERROR = 8388608	# PI_WARN, PI_ERROR
		who = addrs (na && np ? " " : "") ports
	}
	{
		n = NR; F[n] = $1
		src = first($2 != "" ? $2 : $3); sport = first($4)
		SRC[n] = src ":" sport; LEN[n] = $5
		O[n] = (na == 0 && np == 0) || (src in A) || (sport in P)
		ICMP[n] = $6 ~ /(^|:)icmp(v6)?(:|$)/
		QUIC[n] = $6 ~ /:quic(:|$)/; HF[n] = $7; FT[n] = $8
		MAL[n] = $9; SEV[n] = $10; MSG[n] = $11
		# RFC 9000 section 10.3: the tokens we gave, the last 16
		# bytes of a datagram; and whether we closed before it.
		TAIL[n] = substr($14, length($14) - 31)
		if (O[n]) {
			nt = split($12 sep $13, tok, sep)
			for (i = 1; i <= nt; i++)
				if (tok[i] != "") TOK[tok[i]]
			CLOSED[n] = closed
			if ($8 ~ ("(^|" sep ")(28|29)(" sep "|$)")) closed = 1
		}
		PN[n] = $15; PNL[n] = $16
		# ACK ranges of the peer, from its 1-RTT-only datagrams.
		if (!O[n] && $7 == "0" && $17 != "")
			add_acks($17, $18, $19, $20, $21)
		# a datagram of 1-RTT packets only that decrypted
		if ($7 == "0" && $8 != "" && $5 + 0 > maxok)
			maxok = $5 + 0
	}
	END {
		for (n = 1; n <= NR; n++) {
			o = O[n]; f = F[n] " (" SRC[n] ")"
			if (ICMP[n])
				continue
			if (MAL[n] != "") {
				m = first(MAL[n])	# "[Malformed Packet: QUIC]"
				gsub(/[][]/, "", m)
				finding(o, f, m)
				nmal += o
			}
			if (!QUIC[n]) {
				if (o && SRC[n] != ":")
					finding(o, f, "UDP datagram not decoded as QUIC")
				continue
			}
			k = HF[n] == "" ? 1 : split(HF[n], hf, sep); pkts += k
			if (o) { ours += k; dgo++ }
			gso = 0
			if (HF[n] == "0") {
				if (o) o1rtt++
				# quic.packet_number_length is the 2-bit field
				# of the header: the length less one.
				q = PN[n] - 2 ^ (8 * (PNL[n] + 1))
				if (FT[n] != "") {
					if (o) odec++
					if (o && PN[n] + 0 > omax) omax = PN[n] + 0
				}
				else if (o && PNL[n] != "" && PN[n] != "" && q >= 0 &&
					 q < omax &&
					 MSG[n] ~ /^Decryption failed/ && acked(q)) {
					# RFC 9000 appendix A.3 puts a packet that
					# came after higher ones (q < omax, the
					# highest of ours decrypted so far) back
					# below them; tshark 4.0 does not, so its
					# nonce is wrong. The peer acknowledged
					# the real one.
					nreord++
					if (++shown_q <= max)
						print "note: frame " f ": packet " q " came after higher ones; tshark read it as " PN[n] " and could not decrypt it; the peer acknowledged " q
					gso = 1	# its "Decryption failed" is told
				}
				else if (maxok && LEN[n] + 0 > maxok &&
					 MSG[n] ~ /^Decryption failed/) {
					gso = 1; ngso += o
					if (o && gso_ok) {
						if (++shown_g <= max)
							print "note: frame " f ": " LEN[n] "-byte UDP datagram: unsegmented GSO batch, not checked"
					} else
						finding(o, f, LEN[n] "-byte UDP datagram did not decrypt: unsegmented GSO batch? (capture with tx-udp-segmentation off)")
				} else if (o && (TAIL[n] in TOK || CLOSED[n])) {
					nreset++
					if (++shown_r <= max)
						print "note: frame " f ": stateless reset (" (TAIL[n] in TOK ? "a token we issued" : "after our CONNECTION_CLOSE") ")"
				} else if (MSG[n] !~ /[Dd]ecrypt/)
					finding(o, f, "1-RTT packet not decrypted (no secrets for this connection?)")
			}
			if (SEV[n] == "")
				continue
			ks = split(SEV[n], sev, sep); split(MSG[n], msg, sep)
			for (i = 1; i <= ks; i++) {
				if (sev[i] + 0 < WARN && msg[i] !~ /^Unknown [Ff]rame [Tt]ype/)
					continue
				if (MAL[n] != "" && msg[i] ~ /^Malformed Packet/)
					continue	# already reported
				if (gso && msg[i] ~ /^Decryption failed/)
					continue	# already reported
				if (ignore != "" && msg[i] ~ ignore)
					continue
				v = sev[i] + 0
				lvl = v >= ERROR ? "error" : v >= WARN ? "warning" : "note"
				finding(o, f, lvl ": " msg[i])
				nexp += o
			}
		}
		if (shown_o > max) print "... and " shown_o - max " more findings on our packets"
		if (shown_p > max) print "... and " shown_p - max " more findings on the peer packets"
		if (dgo == 0) {
			print "wire: no QUIC packets from our side (" who ") in the capture"
			nbad++
		} else if (odec == 0) {
			print "wire: could not decrypt: none of our " o1rtt + 0 " 1-RTT datagrams decrypted (wrong key log?)"
			nbad++
		}
		printf "wire: %d QUIC packets (%d ours, %d/%d of our 1-RTT datagrams decrypted) decoded, %d malformed, %d expert warnings/errors", pkts, ours, odec, o1rtt, nmal, nexp
		if (ngso) printf ", %d GSO batches", ngso
		if (nreset) printf ", %d stateless resets", nreset
		if (nreord) printf ", %d reordered packets tshark misnumbered", nreord
		if (npeer) printf "; %d peer findings (not counted)", npeer
		printf "\n"
		exit (nbad > 0)
	}' "$tmp/fields"
	rc=$?
	rm -rf "$tmp"
	return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	if [ $# -lt 2 ]; then
		echo "usage: $0 PCAP KEYLOG [OURPORT-or-OURADDR...]" >&2
		exit 2
	fi
	wirecheck "$@"
fi
