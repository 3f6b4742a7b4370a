#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interoperability with a QUIC stack we did not write: ngtcp2's example
# HTTP/3 client and server (Debian ngtcp2-client and ngtcp2-server:
# gtlsclient, gtlsserver), in both directions:
#   client: quic-client (ours) -> gtlsserver
#   server: gtlsclient -> quic-server (ours)
# over a veth pair between two network namespaces with netem delay. Each
# case checks what the applications say (files and checksums, resumed
# sessions, 0-RTT taken, key updates, moves) and what went over the
# wire: every connection is captured with tcpdump and decoded by tshark
# with the TLS secrets both ends wrote to SSLKEYLOGFILE (wirecheck.sh);
# a malformed packet or an expert error on a packet of ours fails the
# case, and so does a capture tshark cannot decrypt.
#
# Prints a matrix, case x direction -> pass, FAIL or unsupported (the peer
# does not implement it: decided from what it put on the wire, e.g. a
# Version Negotiation without the version). Exits non-zero when a case
# that both stacks support did not pass.
# Usage: interop.sh [-d client|server] [CASE]...  (default: all of both;
# -d: only quic-client's or only quic-server's side)
# Needs root in a throwaway VM (tools/testing/vm/run).

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./wirecheck.sh
. ./apps_env.sh

top=$(cd ../../../../.. && pwd)
bin=${QUIC_APPS_DIR:-$top/tools/net/quic}
server=$bin/quic-server
client=$bin/quic-client
srv=quic-iop-srv-$$
cli=quic-iop-cli-$$
sa=192.0.2.1	# server
ca=192.0.2.2	# client
ca2=192.0.2.3	# the client's second address (migration)
port=4433
QUIC_V2=0x6b3343cf

skip()
{
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

[ "$(id -u)" -eq 0 ] || skip "needs root (run it in tools/testing/vm/run)"
{ [ -x "$server" ] && [ -x "$client" ]; } ||
	skip "no $server or $client (make -C tools/net/quic)"
for t in gtlsclient gtlsserver tshark tcpdump certtool; do
	command -v $t > /dev/null ||
		skip "$t missing (tools/testing/deps vm installs it)"
done
python3 -c 'import socket; socket.socket(2, 2, 261).close()' 2> /dev/null ||
	skip "no IPPROTO_QUIC sockets (quic module not loaded)"

tmp=$(mktemp -d /tmp/quic-interop.XXXXXX)
root=$tmp/root
pids=()

cleanup()
{
	local p

	for p in "${pids[@]}"; do
		kill "$p" 2> /dev/null
	done
	wait 2> /dev/null
	ip netns del "$srv" 2> /dev/null
	ip netns del "$cli" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

setup_netns()
{
	netns_pair "$srv" "$cli" 5ms nogso || return
	ip -n "$srv" addr add $sa/24 dev veth0
	ip -n "$cli" addr add $ca/24 dev veth1
	ip -n "$cli" addr add $ca2/24 dev veth1
}

make_files()
{
	local i

	mkdir -p "$root" || return
	printf 'hello\n' > "$root/small"
	head -c 1M /dev/urandom > "$root/f1m"
	head -c 10M /dev/urandom > "$root/f10m"
	for i in $(seq 20); do
		printf 'request %d of 20\n' "$i" > "$root/m$i"
	done
}

url() { echo "https://$sa:$port/$1"; }

# same_files DIR NAME...: DIR/NAME is the served NAME, byte for byte.
same_files()
{
	local dir=$1 f

	shift
	for f; do
		[ -f "$dir/$f" ] || fail "$f did not arrive" || return
		cmp -s "$root/$f" "$dir/$f" ||
			fail "$f differs ($(stat -c %s "$dir/$f") of $(stat -c %s "$root/$f") bytes)" ||
			return
	done
}

# --- capture ---------------------------------------------------------

# capture_start: tcpdump on the client's veth (both directions), into
# $case_dir/wire.pcap; waits until it listens. --immediate-mode: without
# it libpcap hands packets over a block at a time, and those of the last
# block are lost when tcpdump is stopped. -B: 32 MB of buffer, so that
# tcpdump keeps up with a 10 MB transfer under emulation.
capture_start()
{
	local i

	ip netns exec "$cli" tcpdump -i veth1 -s 0 -B 32768 -U -n --immediate-mode -w "$case_dir/wire.pcap" \
		udp > "$case_dir/tcpdump.log" 2>&1 &
	tcpdump_pid=$!
	for i in $(seq 100); do
		grep -q 'listening on' "$case_dir/tcpdump.log" && return 0
		sleep 0.1
	done
	cat "$case_dir/tcpdump.log"
	return 1
}

capture_stop()
{
	sleep 0.2	# the last CONNECTION_CLOSE
	kill -INT "$tcpdump_pid" 2> /dev/null
	wait "$tcpdump_pid" 2> /dev/null
	# A capture that lost packets is said so (wirecheck may then miss
	# the secrets' context, or a packet).
	grep 'dropped by kernel' "$case_dir/tcpdump.log" | grep -v '^0 ' || :
	cat "$case_dir"/*.keys > "$case_dir/keylog" 2> /dev/null
}

# wire FILTER: the number of captured packets tshark decodes matching
# FILTER (decrypted with the case's key log).
wire()
{
	tshark -n -r "$case_dir/wire.pcap" -o "tls.keylog_file:$case_dir/keylog" \
		-d udp.port==$port,quic -Y "$1" 2> /dev/null | wc -l
}

# --- the peers ---------------------------------------------------------

# gtls_server ARG...: ngtcp2's server in the server namespace, serving
# $root; waits until its port is bound.
gtls_server()
{
	local i

	ip netns exec "$srv" env SSLKEYLOGFILE="$case_dir/peer.keys" \
		gtlsserver -q -d "$root" "$@" $sa $port "$tmp/srv.key" \
		"$tmp/srv.pem" > "$case_dir/gtlsserver.log" 2>&1 &
	peer_pid=$!
	pids+=("$peer_pid")
	for i in $(seq 100); do
		ip netns exec "$srv" ss -Hlun "sport = :$port" | grep -q . &&
			return 0
		sleep 0.1
	done
	fail "gtlsserver did not start: $(cat "$case_dir/gtlsserver.log")"
}

# our_server ARG...: quic-server in the server namespace.
our_server()
{
	local i

	ip netns exec "$srv" env SSLKEYLOGFILE="$case_dir/our.keys" \
		"$server" -v -l $sa:$port -c "$tmp/srv.pem" -k "$tmp/srv.key" \
		-r "$root" "$@" > "$case_dir/quic-server.log" 2>&1 &
	peer_pid=$!
	pids+=("$peer_pid")
	for i in $(seq 100); do
		grep -q 'listening on' "$case_dir/quic-server.log" && return 0
		kill -0 "$peer_pid" 2> /dev/null || break
		sleep 0.1
	done
	fail "quic-server did not start: $(cat "$case_dir/quic-server.log")"
}

server_stop()
{
	kill "$peer_pid" 2> /dev/null
	wait "$peer_pid" 2> /dev/null
}

# our_client NAME ARG...: quic-client in the client namespace, HTTP/3,
# output in $case_dir/NAME.log; its exit status.
our_client()
{
	local name=$1

	shift
	ip netns exec "$cli" env SSLKEYLOGFILE="$case_dir/our.keys" \
		timeout 60 "$client" -v --ca "$tmp/ca.pem" -a h3 -o "$case_dir/out" \
		"$@" > "$case_dir/$name.log" 2>&1
}

# gtls_client NAME ARG...: ngtcp2's client in the client namespace.
gtls_client()
{
	local name=$1

	shift
	ip netns exec "$cli" env SSLKEYLOGFILE="$case_dir/peer.keys" \
		timeout 60 gtlsclient -q --exit-on-all-streams-close \
		--download="$case_dir/out" "$@" > "$case_dir/$name.log" 2>&1
}

show() { sed 's/^/  /' "$case_dir/$1.log" | tail -n 20; }

# --- the cases ----------------------------------------------------------
# c_CASE: quic-client -> gtlsserver;  s_CASE: gtlsclient -> quic-server.
# Run between capture_start and capture_stop; return 0, 1 (fail) or
# $KSFT_SKIP (unsupported by the peer, having said why); a wire_CASE
# function, when there is one, checks the capture afterwards.

c_handshake()
{
	gtls_server || return
	our_client run "$(url small)" || { show run; fail "quic-client failed"; return; }
	grep -q 'ALPN h3' "$case_dir/run.log" || { show run; fail "not HTTP/3"; return; }
	same_files "$case_dir/out" small
}

s_handshake()
{
	our_server || return
	gtls_client run $sa $port "$(url small)" ||
		{ show run; fail "gtlsclient failed"; return; }
	same_files "$case_dir/out" small
}

c_transfer()
{
	gtls_server || return
	our_client run "$(url f1m)" "$(url f10m)" ||
		{ show run; fail "quic-client failed"; return; }
	same_files "$case_dir/out" f1m f10m
}

s_transfer()
{
	our_server || return
	gtls_client run $sa $port "$(url f1m)" "$(url f10m)" ||
		{ show run; fail "gtlsclient failed"; return; }
	same_files "$case_dir/out" f1m f10m
}

many_urls() { local i; for i in $(seq 20); do url "m$i"; done; }
many_names() { local i; for i in $(seq 20); do echo "m$i"; done; }

c_multi()
{
	gtls_server || return
	# shellcheck disable=SC2046
	our_client run $(many_urls) || { show run; fail "quic-client failed"; return; }
	# shellcheck disable=SC2046
	same_files "$case_dir/out" $(many_names)
}

s_multi()
{
	our_server || return
	# shellcheck disable=SC2046
	gtls_client run $sa $port $(many_urls) ||
		{ show run; fail "gtlsclient failed"; return; }
	# shellcheck disable=SC2046
	same_files "$case_dir/out" $(many_names)
}

# Both: one connection for all of them (one ClientHello on the wire).
wire_multi()
{
	local n

	n=$(wire 'tls.handshake.type == 1')
	[ "$n" -eq 1 ] || fail "$n ClientHellos for 20 requests, want 1"
}

CHACHA=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305

c_chacha20()
{
	gtls_server || return
	our_client run --cipher CHACHA20-POLY1305 "$(url f1m)" ||
		{ show run; fail "quic-client failed"; return; }
	same_files "$case_dir/out" f1m
}

s_chacha20()
{
	our_server || return
	gtls_client run --ciphers=$CHACHA $sa $port "$(url f1m)" ||
		{ show run; fail "gtlsclient failed"; return; }
	same_files "$case_dir/out" f1m
}

# TLS_CHACHA20_POLY1305_SHA256 (0x1303) chosen, and the 1-RTT packets
# decrypted with it (wirecheck fails a capture it cannot decrypt).
wire_chacha20()
{
	local n

	n=$(wire 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x1303')
	[ "$n" -eq 1 ] || fail "no ServerHello with TLS_CHACHA20_POLY1305_SHA256"
}

c_keyupdate()
{
	gtls_server || return
	our_client run --key-update 3M "$(url f10m)" ||
		{ show run; fail "quic-client failed"; return; }
	show run
	grep -Eq '^key updates: [1-9]' "$case_dir/run.log" ||
		fail "quic-client made no key update" || return
	same_files "$case_dir/out" f10m
}

s_keyupdate()
{
	our_server || return
	gtls_client run --key-update=100ms $sa $port "$(url f10m)" ||
		{ show run; fail "gtlsclient failed"; return; }
	same_files "$case_dir/out" f10m
}

# RFC 9001 section 6: both ends sent 1-RTT packets in key phase 1.
wire_keyupdate()
{
	local h

	for h in $sa $ca; do
		[ "$(wire "ip.src == $h && quic.key_phase == 1")" -gt 0 ] ||
			fail "no packet from $h in key phase 1" || return
	done
}

c_retry()
{
	gtls_server -V || return
	our_client run "$(url f1m)" || { show run; fail "quic-client failed"; return; }
	same_files "$case_dir/out" f1m
}

s_retry()
{
	our_server --retry || return
	gtls_client run $sa $port "$(url f1m)" ||
		{ show run; fail "gtlsclient failed"; return; }
	same_files "$case_dir/out" f1m
}

# RFC 9000 section 8.1.2: a Retry, and the client's second Initial
# carries its token.
wire_retry()
{
	[ "$(wire "ip.src == $sa && quic.long.packet_type == 3")" -eq 1 ] ||
		fail "not one Retry from the server" || return
	[ "$(wire "ip.src == $ca && quic.long.packet_type == 0 && quic.token_length > 0")" -gt 0 ] ||
		fail "no Initial with the Retry token"
}

c_resumption()
{
	gtls_server || return
	our_client first --session "$tmp/c.session" "$(url small)" ||
		{ show first; fail "first connection failed"; return; }
	our_client run --session "$tmp/c.session" "$(url f1m)" ||
		{ show run; fail "second connection failed"; return; }
	grep -qx 'session: resumed' "$case_dir/run.log" ||
		{ show run; fail "the session was not resumed"; return; }
	same_files "$case_dir/out" small f1m
}

s_resumption()
{
	our_server || return
	# (gtlsclient 0.12 crashes resuming without a --tp-file.)
	gtls_client first --session-file="$tmp/s.session" --tp-file="$tmp/s.tp" \
		--disable-early-data $sa $port "$(url small)" ||
		{ show first; fail "first connection failed"; return; }
	gtls_client run --session-file="$tmp/s.session" --tp-file="$tmp/s.tp" \
		--disable-early-data $sa $port "$(url f1m)" ||
		{ show run; fail "second connection failed"; return; }
	same_files "$case_dir/out" small f1m
}

# RFC 8446 section 4.2.11: the second ServerHello took the PSK.
wire_resumption()
{
	[ "$(wire 'tls.handshake.type == 2 && tls.handshake.extension.type == 41')" -eq 1 ] ||
		fail "no ServerHello accepting a pre-shared key"
}

c_zerortt()
{
	gtls_server || return
	our_client first --session "$tmp/c0.session" "$(url small)" ||
		{ show first; fail "first connection failed"; return; }
	our_client run --session "$tmp/c0.session" --0rtt "$(url f1m)" ||
		{ show run; fail "0-RTT connection failed"; return; }
	grep -qx '0-RTT: accepted' "$case_dir/run.log" ||
		{ show run; fail "gtlsserver did not take the early data"; return; }
	same_files "$case_dir/out" small f1m
}

s_zerortt()
{
	our_server || return
	gtls_client first --session-file="$tmp/s0.session" \
		--tp-file="$tmp/s0.tp" $sa $port "$(url small)" ||
		{ show first; fail "first connection failed"; return; }
	gtls_client run --session-file="$tmp/s0.session" \
		--tp-file="$tmp/s0.tp" $sa $port "$(url f1m)" ||
		{ show run; fail "0-RTT connection failed"; return; }
	same_files "$case_dir/out" small f1m
}

# RFC 9001 section 4.6: 0-RTT packets from the client, and the server's
# EncryptedExtensions with early_data (it accepted them).
wire_zerortt()
{
	[ "$(wire "ip.src == $ca && quic.long.packet_type == 1")" -gt 0 ] ||
		fail "no 0-RTT packet from the client" || return
	[ "$(wire 'tls.handshake.type == 8 && tls.handshake.extension.type == 42')" -eq 1 ] ||
		fail "the server did not accept early data"
}

c_migration()
{
	gtls_server || return
	our_client run --migrate $ca2 --migrate-after 2M "$(url f10m)" ||
		{ show run; fail "quic-client failed"; return; }
	grep -q "^migrated to $ca2" "$case_dir/run.log" ||
		{ show run; fail "quic-client did not move"; return; }
	same_files "$case_dir/out" f10m
}

s_migration()
{
	our_server || return
	gtls_client run --change-local-addr=200ms $sa $port "$(url f10m)" ||
		{ show run; fail "gtlsclient failed"; return; }
	same_files "$case_dir/out" f10m
}

# RFC 9000 section 9: the new path validated (PATH_CHALLENGE answered by
# PATH_RESPONSE), and 1-RTT data from the server on it.
wire_migration()
{
	local pc pr

	pc=$(wire 'quic.frame_type == 0x1a')
	pr=$(wire 'quic.frame_type == 0x1b')
	[ "$pc" -gt 0 ] && [ "$pr" -gt 0 ] ||
		fail "path not validated: $pc PATH_CHALLENGE, $pr PATH_RESPONSE" ||
		return
	# The client's new address (ours) or new port (gtlsclient's).
	[ "$(wire "ip.src == $sa && (ip.dst == $ca2 || udp.dstport != $(first_cport))")" -gt 100 ] ||
		fail "the transfer did not move to the new path"
}

first_cport()
{
	tshark -n -r "$case_dir/wire.pcap" -c 1 -T fields -e udp.srcport 2> /dev/null
}

# RFC 9369. A peer without it answers a v2 Initial with a Version
# Negotiation (RFC 9000 section 6); gtlsclient 0.12, asked for a version
# its libngtcp2 does not know (it has the v2 draft only), sends v1 packet
# types under that version number, which no v2 endpoint can read as the
# Initial with its ClientHello (tshark reads them as v2 Retry packets).
c_v2()
{
	gtls_server || return
	our_client run --quic-version 2 "$(url f1m)"
	v2_rc=$?
	return 0
}

s_v2()
{
	our_server || return
	gtls_client run -v $QUIC_V2 $sa $port "$(url f1m)"
	v2_rc=$?
	return 0
}

wire_v2()
{
	local vn v2

	vn=$(wire "ip.src == $sa && quic.version == 0 && !(quic.supported_version == $QUIC_V2)")
	v2=$(wire "ip.src == $ca && quic.version == $QUIC_V2")
	if [ "$vn" -gt 0 ]; then
		echo "the server does not speak QUIC v2 (Version Negotiation without it)"
		return "$KSFT_SKIP"
	fi
	if [ "$v2" -eq 0 ]; then
		echo "the client does not speak QUIC v2 (no v2 packet from it)"
		return "$KSFT_SKIP"
	fi
	if [ "$(wire "ip.src == $ca && quic.version == $QUIC_V2 && tls.handshake.type == 1")" -eq 0 ]; then
		echo "the client does not speak QUIC v2 (its v2 packets hold no ClientHello a v2 Initial would)"
		return "$KSFT_SKIP"
	fi
	[ "$v2_rc" -eq 0 ] || { show run; fail "the v2 connection failed"; return; }
	[ "$(wire "ip.src == $sa && quic.version == $QUIC_V2")" -gt 0 ] ||
		fail "no v2 long header from the server" || return
	same_files "$case_dir/out" f1m
}

# --- running them ----------------------------------------------------

cases=(handshake transfer multi chacha20 keyupdate retry resumption zerortt
	migration v2)
sides=(c s)
if [ "${1:-}" = -d ]; then
	case "${2:-}" in
	client) sides=(c) ;;
	server) sides=(s) ;;
	*) echo "interop.sh: -d client or -d server" >&2; exit 2 ;;
	esac
	shift 2
fi
[ $# -eq 0 ] || cases=("$@")
for c in "${cases[@]}"; do
	declare -F "c_$c" > /dev/null ||
		{ echo "interop.sh: no case '$c'" >&2; exit 2; }
done

# ktap_run runs a case in a subshell: its verdict goes to a file.
verdict() { echo "$3" > "$tmp/verdict-$1-$2"; }

# run_case CASE DIR: DIR is c (our client) or s (our server); says how
# long it took (most of it is tshark's).
run_case()
{
	local start=$SECONDS rc

	run_case_timed "$@"
	rc=$?
	echo "$((SECONDS - start)) s"
	return $rc
}

run_case_timed()
{
	local name=$1 dir=$2 rc ours

	case_dir=$tmp/$dir-$name
	mkdir -p "$case_dir/out"
	capture_start || { fail "tcpdump did not start"; return; }
	"${dir}_$name"
	rc=$?
	server_stop
	capture_stop
	if [ $rc -eq 0 ] && declare -F "wire_$name" > /dev/null; then
		"wire_$name"
		rc=$?
	fi
	if [ $rc -ne 0 ]; then
		if [ $rc -eq "$KSFT_SKIP" ]; then
			verdict "$name" "$dir" unsupported
		else
			verdict "$name" "$dir" FAIL
		fi
		return $rc
	fi
	ours=$sa
	[ "$dir" = c ] && ours="$ca $ca2"
	# shellcheck disable=SC2086
	wirecheck "$case_dir/wire.pcap" "$case_dir/keylog" $ours \
		> "$case_dir/wirecheck.log"
	rc=$?
	cat "$case_dir/wirecheck.log"
	if [ $rc -ne 0 ]; then
		wire_context
		verdict "$name" "$dir" FAIL
		return 1
	fi
	verdict "$name" "$dir" pass
}

# After a wire finding: what tcpdump saw, and the packets around the first
# frame wirecheck named, as tshark sums them up.
wire_context()
{
	local f

	grep -h 'packets' "$case_dir/tcpdump.log"
	f=$(sed -n 's/^frame \([0-9]*\) .*/\1/p' "$case_dir/wirecheck.log" | head -n 1)
	[ -n "$f" ] || return 0
	tshark -n -r "$case_dir/wire.pcap" -o "tls.keylog_file:$case_dir/keylog" \
		-d udp.port==$port,quic \
		-Y "frame.number >= $((f - 4)) && frame.number <= $((f + 4))" \
		2> /dev/null | cut -c1-200
}

print_matrix()
{
	local c d v

	printf '%-12s %-26s %s\n' case "quic-client -> gtlsserver" \
		"gtlsclient -> quic-server"
	for c in "${cases[@]}"; do
		v=()
		for d in c s; do
			v+=("$(cat "$tmp/verdict-$c-$d" 2> /dev/null || echo "not run")")
		done
		printf '%-12s %-26s %s\n' "$c" "${v[0]}" "${v[1]}"
	done
}

setup_netns || skip "network namespaces or netem unavailable"
test_ca "$tmp" "interop test ca" $sa ||
	{ cat "$tmp/certtool.log"; skip "certtool failed"; }
make_files || skip "could not write the test files"

ktap_plan $((${#sides[@]} * ${#cases[@]}))
for c in "${cases[@]}"; do
	for d in "${sides[@]}"; do
		[ "$d" = c ] && ktap_run "client_$c" run_case "$c" c
		[ "$d" = s ] && ktap_run "server_$c" run_case "$c" s
	done
done
echo "# ngtcp2 $(dpkg-query -W -f '${Version}' ngtcp2-client 2> /dev/null)"
print_matrix | sed 's/^/# /'
ktap_finish
