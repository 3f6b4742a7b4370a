#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sample applications (tools/net/quic) end to end: quic-server in one
# network namespace, quic-client in another, joined by a veth pair with
# netem delay, real TLS handshakes with a CA made for the test. Checks
# parallel transfers over one connection (checksums), more streams than
# the initial limit, IPv6, host names, path escapes, missing files, 20
# clients at once, ALPN mismatch, untrusted certificates, set-up errors,
# a clean exit on SIGTERM and SIGINT, Retry, resumption, 0-RTT, the
# preferred address, ChaCha20 only, key updates, QUIC v2 and 2000 files
# over one connection.
# Needs root in a throwaway VM (tools/testing/vm/run).

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./apps_env.sh

top=$(cd ../../../../.. && pwd)
bin=${QUIC_APPS_DIR:-$top/tools/net/quic}
server=$bin/quic-server
client=$bin/quic-client
srv=quic-apps-srv-$$
cli=quic-apps-cli-$$
v4=192.0.2.1
v6=2001:db8::1
port=4433
pref=192.0.2.3	# the server's preferred address (RFC 9000 section 9.6)

skip()
{
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

bail()
{
	echo "Bail out! $*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root (run it in tools/testing/vm/run)"
{ [ -x "$server" ] && [ -x "$client" ]; } ||
	skip "no $server or $client (make -C tools/net/quic)"
command -v certtool > /dev/null || skip "certtool (gnutls-bin) missing"
python3 -c 'import socket; socket.socket(2, 2, 261).close()' 2> /dev/null ||
	skip "no IPPROTO_QUIC sockets (quic module not loaded)"

tmp=$(mktemp -d /tmp/quic-apps.XXXXXX)
server_pids=()

cleanup()
{
	local p

	for p in "${server_pids[@]}"; do
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
	# A little delay, so that requests and responses really overlap.
	netns_pair "$srv" "$cli" 2ms || return
	ip -n "$srv" addr add $v4/24 dev veth0
	ip -n "$srv" addr add $v6/64 dev veth0 nodad
	ip -n "$srv" addr add $pref/24 dev veth0
	ip -n "$cli" addr add 192.0.2.2/24 dev veth1
	ip -n "$cli" addr add 2001:db8::2/64 dev veth1 nodad
}

# The test CA and server certificate, plus a CA nobody trusts.
make_certs()
{
	test_ca "$tmp" "quic-apps test ca" $v4 $v6 || return
	(
	cd "$tmp" || exit 1
	certtool -p --key-type=ecdsa --outfile other.key &&
	certtool -s --load-privkey other.key --template ca.tmpl --outfile other.pem
	) >> "$tmp/certtool.log" 2>&1
}

# The served tree, and secrets next to it that must never leave.
make_files()
{
	local root=$tmp/root i

	mkdir -p "$root/sub" || return
	: > "$root/f0"
	printf x > "$root/f1"
	head -c 1024 /dev/urandom > "$root/f1k"
	head -c 1M /dev/urandom > "$root/f1m"
	head -c 10M /dev/urandom > "$root/f10m"
	head -c 100000 /dev/urandom > "$root/sub/inside"
	# More files than the 100 streams a client may open at first.
	mkdir -p "$root/many" || return
	for i in $(seq 250); do
		printf 'file %d of 250\n' "$i" > "$root/many/m$i"
	done
	(cd "$root/many" && sha256sum m*) > "$tmp/many.sums" || return
	# The interop runner's multiplexing case: 2000 small files.
	mkdir -p "$root/mux" || return
	for i in $(seq 2000); do
		printf 'multiplexed file %d\n' "$i" > "$root/mux/x$i"
	done
	(cd "$root/mux" && sha256sum x*) > "$tmp/mux.sums" || return
	for i in $(seq 13); do
		echo "TOPSECRET $$" > "$tmp/s$i"
	done
	ln -s ../s10 "$root/link-rel"
	ln -s "$tmp/s11" "$root/link-abs"
	ln -s .. "$root/link-dir"
	ln -s / "$root/link-root"
	printf '%s server.test\n%s other.test\n' $v4 $v4 > "$tmp/hosts"
}

# The checksums of the served files, taken once: every process is slow
# under emulation, so the checks below run as few as they can. (No
# process substitution: the VM has no /dev/fd.)
declare -A want
take_sums()
{
	local s f

	while read -r s f; do
		want[${f#"$tmp"/root/}]=$s
	done <<< "$(sha256sum "$tmp"/root/f* "$tmp/root/sub/inside")"
	[ ${#want[@]} -eq 6 ]
}

# start_server LOG ARG...: quic-server in the server namespace, its pid
# in $server_pid (a child of this shell, for wait); waits until it listens.
start_server()
{
	local log=$1 i

	shift
	ip netns exec "$srv" "$server" -v "$@" > "$log" 2>&1 &
	server_pid=$!
	for i in $(seq 100); do
		grep -q 'listening on' "$log" && return 0
		kill -0 $server_pid 2> /dev/null || break
		sleep 0.1
	done
	cat "$log" >&2
	return 1
}

client() { ip netns exec "$cli" "$client" "$@"; }

url() { echo "https://$v4:$port$1"; }

# check_pairs OUT NAME [OUT NAME]...: each OUT is a copy of the served
# NAME (one sha256sum for all).
check_pairs()
{
	local outs=() names=() s f i=0

	while [ $# -ge 2 ]; do
		[ -f "$1" ] || fail "$1 missing" || return
		outs+=("$1")
		names+=("$2")
		shift 2
	done
	while read -r s f; do
		[ "$s" = "${want[${names[$i]}]}" ] ||
			fail "$f differs from ${names[$i]} ($(stat -c %s "$f") bytes)" ||
			return
		i=$((i + 1))
	done <<< "$(sha256sum "${outs[@]}")"
	[ $i -eq ${#outs[@]} ] || fail "sha256sum failed"
}

# check_files DIR NAME...: DIR/<basename of NAME> is the served NAME.
check_files()
{
	local dir=$1 name pairs=()

	shift
	for name; do
		pairs+=("$dir/${name##*/}" "$name")
	done
	check_pairs "${pairs[@]}"
}

connections() { grep -cE ': connected(, ALPN .*)?$' "$tmp/server.log"; }

test_parallel_fetch()
{
	local out=$tmp/out-parallel f before after gets

	mkdir -p "$out"
	before=$(connections)
	client --ca "$tmp/ca.pem" -o "$out" "$(url /f0)" "$(url /f1)" "$(url /f1k)" \
		"$(url /f1m)" "$(url /f10m)" > "$out.log" 2>&1
	rc=$?
	cat "$out.log"
	[ $rc -eq 0 ] || fail "client exit status $rc" || return
	check_files "$out" f0 f1 f1k f1m f10m || return
	grep -q '^total: 5 of 5 files, 11535361 bytes' "$out.log" ||
		fail "no or a wrong total line" || return
	after=$(connections)
	[ $((after - before)) -eq 1 ] ||
		fail "$((after - before)) connections for one client run" || return
	# Every request on a stream of its own: 0, 4, 8, 12, 16.
	gets=$(grep -cE 'stream (0|4|8|12|16): GET /f(0|1|1k|1m|10m):' \
		"$tmp/server.log")
	[ "$gets" -ge 5 ] || fail "server saw $gets of the 5 requests"
}

test_ipv6()
{
	local out=$tmp/out-v6

	mkdir -p "$out"
	client --ca "$tmp/ca.pem" -o "$out" "https://[$v6]:$port/f1m" \
		"https://[$v6]:$port/sub/inside" ||
		fail "client over IPv6 failed" || return
	check_files "$out" f1m sub/inside
}

# A host name resolved through /etc/hosts (bound over in a private mount
# namespace), checked against the certificate: server.test is in it,
# other.test (same address) is not.
test_host_name()
{
	local out=$tmp/out-name

	mkdir -p "$out"
	ip netns exec "$cli" unshare -m sh -c \
		'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh \
		"$tmp/hosts" "$client" --ca "$tmp/ca.pem" -o "$out" \
		"https://server.test:$port/f1k" ||
		fail "client with a host name failed" || return
	check_files "$out" f1k || return
	rm -f "$out/f1k"
	if ip netns exec "$cli" unshare -m sh -c \
		'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh \
		"$tmp/hosts" "$client" --ca "$tmp/ca.pem" -o "$out" \
		"https://other.test:$port/f1k"; then
		fail "a certificate for server.test was accepted for other.test"
		return
	fi
	[ ! -e "$out/f1k" ] || fail "file saved despite the name mismatch"
}

# Nothing outside the root, whatever the spelling. Each request names a
# file of its own outside the root (so that one client run can ask for
# all of them, every answer to its own name); each must be refused with
# a 404 reset and leave no file, while a file inside is served on the
# same connection.
test_path_escape()
{
	local out=$tmp/out-escape log=$tmp/escape.log p urls=() n=0 resets left

	mkdir -p "$out"
	for p in /../s1 "/../../../..$tmp/s2" /%2e%2e/s3 /%2E%2E/%2e%2E/s4 \
		 /..%2fs5 /..%2F..%2Fs6 /sub/../../s7 "$tmp/s8" "/$tmp/s9" \
		 /%2e%2e%2fs10 /link-rel /link-abs /link-dir/s11 \
		 "/link-root$tmp/s12" /sub/%2e%2e/%2e%2e/s13 \
		 /../../../../etc/passwd //etc/group /; do
		urls+=("$(url "$p")")
		n=$((n + 1))
	done
	client --ca "$tmp/ca.pem" -o "$out" "${urls[@]}" \
		"$(url /sub/./inside)" > "$log" 2>&1
	rc=$?
	cat "$log"
	[ $rc -ne 0 ] || fail "client exit status 0" || return
	resets=$(grep -c 'reset the stream with error 404' "$log")
	[ "$resets" -eq $n ] ||
		fail "$resets of the $n escapes refused with a 404 reset" ||
		return
	grep -q "^total: 1 of $((n + 1)) files" "$log" ||
		fail "wrong total line" || return
	if grep -rqs -e TOPSECRET -e '^root:' "$out"; then
		fail "content from outside the root was saved"
		return
	fi
	left=$(find "$out" -mindepth 1 -printf '%f ')
	[ "$left" = "inside " ] || fail "files left: $left" || return
	check_files "$out" sub/inside
}

# More requests than the server's initial stream limit (100): the
# client must wait for MAX_STREAMS as responses complete.
test_many_streams()
{
	local out=$tmp/out-streams log=$tmp/streams.log i urls=()

	mkdir -p "$out"
	for i in $(seq 250); do
		urls+=("$(url "/many/m$i")")
	done
	client --ca "$tmp/ca.pem" -o "$out" "${urls[@]}" > "$log" 2>&1 ||
		{ tail -n 5 "$log"; fail "client failed"; return; }
	tail -n 1 "$log"
	grep -q '^total: 250 of 250 files' "$log" ||
		fail "wrong total line" || return
	(cd "$out" && sha256sum -c --quiet "$tmp/many.sums") ||
		fail "some of the 250 files differ"
}

# One missing file fails the run; the other streams still complete.
test_missing_file()
{
	local out=$tmp/out-missing log=$tmp/missing.log rc

	mkdir -p "$out"
	client --ca "$tmp/ca.pem" -o "$out" "$(url /f1k)" "$(url /no-such-file)" \
		"$(url /f1m)" > "$log" 2>&1
	rc=$?
	cat "$log"
	[ $rc -ne 0 ] || fail "client exit status 0 with a missing file" ||
		return
	grep -q '/no-such-file: the server reset the stream with error 404' \
		"$log" || fail "no error naming the missing file" || return
	[ ! -e "$out/no-such-file" ] || fail "an output file for the missing one" ||
		return
	grep -q '^total: 2 of 3 files' "$log" || fail "wrong total line" ||
		return
	check_files "$out" f1k f1m
}

# HTTP/3 (RFC 9114) between our own client and server: the server picks
# h3 from the client's list, files arrive whole over one connection, a
# missing file is a 404 response (not a reset stream) and fails only
# itself, and "many" files at once stay within the stream limit.
test_http3()
{
	local out=$tmp/out-h3 log=$tmp/h3.log rc before after

	mkdir -p "$out"
	before=$(connections)
	client -v --ca "$tmp/ca.pem" --alpn h3,hq-interop -o "$out" \
		"$(url /f0)" "$(url /f1m)" "$(url /f10m)" "$(url /no-such-file)" \
		"$(url /sub/inside)" > "$log" 2>&1
	rc=$?
	cat "$log"
	[ $rc -eq 1 ] || fail "client exit status $rc, want 1 (one missing)" ||
		return
	grep -q 'ALPN h3,' "$log" || fail "HTTP/3 not chosen" || return
	grep -q '/no-such-file: the server answered 404' "$log" ||
		fail "no 404 for the missing file" || return
	[ ! -e "$out/no-such-file" ] || fail "an output file for the missing one" ||
		return
	grep -q '^total: 4 of 5 files' "$log" || fail "wrong total line" || return
	check_files "$out" f0 f1m f10m sub/inside || return
	after=$(connections)
	[ $((after - before)) -eq 1 ] ||
		fail "$((after - before)) connections for one client run" || return
	# shellcheck disable=SC2046
	client --ca "$tmp/ca.pem" --alpn h3 -o "$out" \
		$(for i in $(seq 250); do url "/many/m$i"; done) > "$log" 2>&1 ||
		{ tail -n 5 "$log"; fail "250 files over HTTP/3 failed"; return; }
	(cd "$out" && sha256sum -c --quiet "$tmp/many.sums") ||
		fail "the 250 files differ"
}

test_many_clients()
{
	local i pids=() pairs=() bad=0 before after

	before=$(connections)
	for i in $(seq 20); do
		mkdir -p "$tmp/out-many-$i"
		client --ca "$tmp/ca.pem" -o "$tmp/out-many-$i" "$(url /f1k)" \
			"$(url /sub/inside)" > "$tmp/many-$i.log" 2>&1 &
		pids+=($!)
	done
	for i in $(seq 20); do
		if ! wait "${pids[$((i - 1))]}"; then
			echo "client $i failed:"
			cat "$tmp/many-$i.log"
			bad=$((bad + 1))
		fi
		pairs+=("$tmp/out-many-$i/f1k" f1k
			"$tmp/out-many-$i/inside" sub/inside)
	done
	[ $bad -eq 0 ] || fail "$bad of 20 clients failed" || return
	check_pairs "${pairs[@]}" || return
	after=$(connections)
	[ $((after - before)) -eq 20 ] ||
		fail "server saw $((after - before)) connections, want 20"
}

test_alpn_mismatch()
{
	local out=$tmp/out-alpn log=$tmp/alpn.log

	mkdir -p "$out"
	# The server offers h3 and hq-interop (its default).
	if client --ca "$tmp/ca.pem" --alpn h2 -o "$out" "$(url /f1k)" \
		> "$log" 2>&1; then
		fail "client succeeded with ALPN h2 against h3,hq-interop"
		return
	fi
	cat "$log"
	grep -q 'none of the ALPN protocols' "$log" ||
		fail "the error does not say ALPN" || return
	[ ! -e "$out/f1k" ] || fail "file saved"
}

test_untrusted_certificate()
{
	local out=$tmp/out-trust log=$tmp/trust.log

	mkdir -p "$out"
	if client --ca "$tmp/other.pem" -o "$out" "$(url /f1k)" > "$log" 2>&1; then
		fail "a certificate from an untrusted CA was accepted"
		return
	fi
	cat "$log"
	grep -qi 'certificate' "$log" ||
		fail "the error does not mention the certificate" || return
	# No --ca: the system trust store does not know our CA either.
	if client -o "$out" "$(url /f1k)" > "$log" 2>&1; then
		fail "the system trust store accepted the test CA"
		return
	fi
	[ ! -e "$out/f1k" ] || fail "file saved" || return
	client --insecure -o "$out" "$(url /f1k)" ||
		fail "--insecure failed" || return
	check_files "$out" f1k
}

test_server_setup_errors()
{
	local log=$tmp/setup.log rc

	run_server() {
		timeout 10 ip netns exec "$srv" "$server" "$@" > "$log" 2>&1
	}
	run_server -l $v4:4440 -c "$tmp/srv.pem" -k "$tmp/nokey" \
		-r "$tmp/root"
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] ||
		fail "missing key: status $rc" || return
	grep -q "nokey: No such file or directory" "$log" ||
		{ cat "$log"; fail "missing key: no clear error"; return; }
	run_server -l 192.0.2.99:4440 -c "$tmp/srv.pem" -k "$tmp/srv.key" \
		-r "$tmp/root"
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] ||
		fail "foreign address: status $rc" || return
	grep -q "Cannot assign requested address" "$log" ||
		{ cat "$log"; fail "foreign address: no clear error"; return; }
	run_server -l $v4:4440 -c "$tmp/srv.pem" -k "$tmp/srv.key" \
		-r "$tmp/root/f1k"
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] ||
		fail "root not a directory: status $rc" || return
	grep -q "Not a directory" "$log" ||
		{ cat "$log"; fail "root not a directory: no clear error"; return; }
	run_server -l $v4 -c "$tmp/srv.pem" -k "$tmp/srv.key" -r "$tmp/root"
	rc=$?
	[ $rc -eq 2 ] || fail "--listen without a port: status $rc"
}

# SIGTERM and SIGINT end the server with status 0, promptly, even in
# the middle of a transfer; that client then fails (short response) and
# keeps no partial file.
test_server_signals()
{
	local sig pid cpid rc i out=$tmp/out-sig

	mkdir -p "$out"
	for sig in TERM INT; do
		start_server "$tmp/sig.log" -l $v4:4441 -c "$tmp/srv.pem" \
			-k "$tmp/srv.key" -r "$tmp/root" ||
			fail "server did not start" || return
		pid=$server_pid
		client --ca "$tmp/ca.pem" -o "$out" "https://$v4:4441/f10m" \
			> "$tmp/sig-client.log" 2>&1 &
		cpid=$!
		# The signal must come mid-transfer, not mid-handshake: wait
		# for the request (seconds on the debug kernel).
		for i in $(seq 600); do
			grep -q 'GET /f10m' "$tmp/sig.log" && break
			sleep 0.05
		done
		grep -q 'GET /f10m' "$tmp/sig.log" || {
			kill -9 "$pid" "$cpid"
			fail "the request never came"
			return
		}
		kill -"$sig" "$pid"
		for i in $(seq 50); do
			kill -0 "$pid" 2> /dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2> /dev/null; then
			kill -9 "$pid" "$cpid"
			fail "still running 5 s after SIG$sig"
			return
		fi
		wait "$pid"
		rc=$?
		[ $rc -eq 0 ] || fail "exit status $rc after SIG$sig" || return
		grep -q 'shutting down' "$tmp/sig.log" ||
			fail "no shutdown message" || return
		if wait "$cpid"; then
			# Too fast a machine: the whole file went first.
			check_files "$out" f10m || return
			echo "SIG$sig came after the transfer"
		else
			cat "$tmp/sig-client.log"
			grep -q 'server shutting down' "$tmp/sig-client.log" ||
				fail "the client was not told why" || return
			[ ! -e "$out/f10m" ] ||
				fail "partial file kept after SIG$sig" || return
		fi
		rm -f "$out/f10m"
	done
}

# A server with --retry (RFC 9000 section 8.1.2): every client goes
# through a Retry first, with a real TLS handshake after it.
test_retry()
{
	local out=$tmp/out-retry rport=$((port + 1)) rc

	mkdir -p "$out"
	start_server "$tmp/server-retry.log" -l $v4:$rport -c "$tmp/srv.pem" \
		-k "$tmp/srv.key" -r "$tmp/root" --retry ||
		fail "quic-server --retry did not start" || return
	server_pids+=("$server_pid")
	client --ca "$tmp/ca.pem" -o "$out" "https://$v4:$rport/f1m" \
		"https://$v4:$rport/f1k" > "$out.log" 2>&1
	rc=$?
	cat "$out.log"
	kill "$server_pid" 2> /dev/null
	[ $rc -eq 0 ] || fail "client exit status $rc through Retry" || return
	check_files "$out" f1m f1k
}

# Resumption (RFC 8446 section 2.2) with a session file: the first
# connection saves the server's ticket, the second resumes with it; a
# ticket another server process issued (its own key) gives a full
# handshake; a file that is no session is refused.
test_resumption()
{
	local out=$tmp/out-resume s=$tmp/session rport=$((port + 2)) rc

	mkdir -p "$out"
	rm -f "$s"
	client --ca "$tmp/ca.pem" -o "$out" --session "$s" \
		"https://$v4:$port/f1k" > "$out.log" 2>&1 ||
		{ cat "$out.log"; fail "first connection failed"; return; }
	cat "$out.log"
	grep -qx 'session: new' "$out.log" || fail "not a new session" || return
	[ -s "$s" ] || fail "no session saved" || return
	client --ca "$tmp/ca.pem" -o "$out" --session "$s" \
		"https://$v4:$port/f1m" > "$out.log" 2>&1 ||
		{ cat "$out.log"; fail "resumed connection failed"; return; }
	cat "$out.log"
	grep -qx 'session: resumed' "$out.log" ||
		fail "the session was not resumed" || return
	check_files "$out" f1k f1m || return
	# Another process, another ticket key: a full handshake.
	start_server "$tmp/server-resume.log" -l $v4:$rport -c "$tmp/srv.pem" \
		-k "$tmp/srv.key" -r "$tmp/root" ||
		fail "second quic-server did not start" || return
	server_pids+=("$server_pid")
	client --ca "$tmp/ca.pem" -o "$out" --session "$s" \
		"https://$v4:$rport/f1k" > "$out.log" 2>&1
	rc=$?
	kill "$server_pid" 2> /dev/null
	cat "$out.log"
	[ $rc -eq 0 ] || fail "exit status $rc with a foreign ticket" || return
	grep -qx 'session: new' "$out.log" ||
		fail "a foreign ticket resumed" || return
	echo garbage > "$s"
	client --ca "$tmp/ca.pem" -o "$out" --session "$s" \
		"https://$v4:$port/f1k" > "$out.log" 2>&1
	rc=$?
	cat "$out.log"
	[ $rc -eq 1 ] || fail "exit status $rc with a bad session file" || return
	grep -q 'not a QUIC session' "$out.log" ||
		fail "no reason given for the bad session file"
}

# 0-RTT (RFC 9001 section 4.6): resuming with --0rtt sends the requests
# in early data, which the server takes; the files arrive whole.
test_zerortt()
{
	local out=$tmp/out-0rtt s=$tmp/session-0rtt

	mkdir -p "$out"
	rm -f "$s"
	client --ca "$tmp/ca.pem" -o "$out" --session "$s" --0rtt \
		"https://$v4:$port/f1k" > "$out.log" 2>&1 ||
		{ cat "$out.log"; fail "first connection failed"; return; }
	cat "$out.log"
	grep -q '^0-RTT' "$out.log" && fail "0-RTT without a session" && return
	client --ca "$tmp/ca.pem" -o "$out" --session "$s" --0rtt \
		"https://$v4:$port/f1m" "https://$v4:$port/f1k" > "$out.log" 2>&1 ||
		{ cat "$out.log"; fail "0-RTT connection failed"; return; }
	cat "$out.log"
	grep -qx 'session: resumed' "$out.log" ||
		fail "the session was not resumed" || return
	grep -qx '0-RTT: accepted' "$out.log" ||
		fail "the server did not take the early data" || return
	check_files "$out" f1m f1k
}

# RFC 9000 section 9.6 (the interop runner's connectionmigration): the
# server offers a second address; the client moves there after the
# handshake and the files arrive over it (counted by nftables).
test_preferred_address()
{
	local out=$tmp/out-pref rport=$((port + 4)) pport=$((port + 5)) rc n

	mkdir -p "$out"
	ip netns exec "$srv" nft add table ip qpref &&
	ip netns exec "$srv" nft add chain ip qpref in \
		'{ type filter hook input priority 0; }' &&
	ip netns exec "$srv" nft add rule ip qpref in ip daddr $pref \
		udp dport $pport counter ||
		fail "no nft counter" || return
	start_server "$tmp/server-pref.log" -l $v4:$rport -c "$tmp/srv.pem" \
		-k "$tmp/srv.key" -r "$tmp/root" \
		--preferred-address $pref:$pport ||
		fail "quic-server --preferred-address did not start" || return
	server_pids+=("$server_pid")
	client --ca "$tmp/ca.pem" -o "$out" "https://$v4:$rport/f1m" \
		"https://$v4:$rport/f1k" > "$out.log" 2>&1
	rc=$?
	cat "$out.log"
	kill "$server_pid" 2> /dev/null
	[ $rc -eq 0 ] || fail "client exit status $rc" || return
	check_files "$out" f1m f1k || return
	n=$(ip netns exec "$srv" nft list chain ip qpref in |
	    sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
	echo "# $n packets to the preferred address"
	[ "${n:-0}" -ge 10 ] ||
		fail "only ${n:-0} packets came to the preferred address"
}

# Interop runner "chacha20": both ends limited to ChaCha20-Poly1305 (RFC
# 9001 section 5.3) move a file; a client without it cannot connect, and
# an unknown cipher name is refused before anything is sent.
test_chacha20()
{
	local out=$tmp/out-chacha cport=$((port + 6)) rc rc2 rc3

	mkdir -p "$out"
	start_server "$tmp/server-chacha.log" -l $v4:$cport -c "$tmp/srv.pem" \
		-k "$tmp/srv.key" -r "$tmp/root" --cipher CHACHA20-POLY1305 ||
		fail "quic-server --cipher did not start" || return
	client --ca "$tmp/ca.pem" -o "$out" --cipher chacha20-poly1305 \
		"https://$v4:$cport/f1m" > "$out.log" 2>&1
	rc=$?
	# Fails only if both ends keep to their lists: an AES-only client
	# and a ChaCha20-only server have no cipher in common.
	client --ca "$tmp/ca.pem" -o "$out" --cipher AES-128-GCM:AES-256-GCM \
		"https://$v4:$cport/f1k" > "$out-aes.log" 2>&1
	rc2=$?
	# (ktap_run's subshell cannot hand the server to cleanup: stop it
	# before any check can return.)
	kill "$server_pid" 2> /dev/null
	wait "$server_pid" 2> /dev/null
	cat "$out.log"
	[ $rc -eq 0 ] || fail "client exit status $rc" || return
	check_files "$out" f1m || return
	[ $rc2 -eq 1 ] || { cat "$out-aes.log"; fail "no common cipher: exit status $rc2"; } ||
		return
	[ ! -e "$out/f1k" ] || fail "a file came without a common cipher" || return
	client --ca "$tmp/ca.pem" -o "$out" --cipher AES-128-CCM \
		"$(url /f1k)" > "$out.log" 2>&1
	rc3=$?
	[ $rc3 -eq 1 ] || fail "unknown cipher: exit status $rc3" || return
	grep -q "unknown cipher 'AES-128-CCM'" "$out.log" ||
		{ cat "$out.log"; fail "unknown cipher not named"; }
}

# Interop runner "keyupdate": the client updates its keys again and again
# during a transfer (RFC 9001 section 6); the file arrives intact.
test_keyupdate()
{
	local out=$tmp/out-ku rc n

	mkdir -p "$out"
	client --ca "$tmp/ca.pem" -o "$out" --key-update 16K "$(url /f1m)" \
		> "$out.log" 2>&1
	rc=$?
	cat "$out.log"
	[ $rc -eq 0 ] || fail "client exit status $rc" || return
	check_files "$out" f1m || return
	n=$(sed -n 's/^key updates: \([0-9]*\)$/\1/p' "$out.log")
	[ "${n:-0}" -ge 1 ] || fail "no key update in 1 MB"
}

# Interop runner "v2": a client that offers QUIC v2 (RFC 9369) gets its
# files, and every long header on the wire says version 2.
test_v2()
{
	local out=$tmp/out-v2 rc v1 v2

	mkdir -p "$out"
	# The version field follows the first byte of a long header (RFC
	# 9000 section 17.2), right after the 8-byte UDP header.
	ip netns exec "$srv" nft add table ip qv2 &&
	ip netns exec "$srv" nft add chain ip qv2 in \
		'{ type filter hook input priority 0; }' &&
	ip netns exec "$srv" nft add rule ip qv2 in udp dport $port \
		@th,64,1 1 @th,72,32 0x6b3343cf counter &&
	ip netns exec "$srv" nft add rule ip qv2 in udp dport $port \
		@th,64,1 1 @th,72,32 0x00000001 counter ||
		fail "no nft counters" || return
	client --ca "$tmp/ca.pem" -o "$out" --quic-version 2 "$(url /f1k)" \
		"$(url /f1m)" > "$out.log" 2>&1
	rc=$?
	cat "$out.log"
	read -r v2 v1 <<< "$(ip netns exec "$srv" nft list chain ip qv2 in |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | tr '\n' ' ')"
	ip netns exec "$srv" nft delete table ip qv2
	echo "# long headers to the server: $v2 of version 2, $v1 of version 1"
	[ $rc -eq 0 ] || fail "client exit status $rc" || return
	check_files "$out" f1k f1m || return
	[ "${v2:-0}" -ge 2 ] || fail "only ${v2:-0} version 2 packets" || return
	[ "${v1:-1}" -eq 0 ] || fail "$v1 version 1 packets"
	client --quic-version 3 "$(url /f1k)" > "$out.log" 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "--quic-version 3: exit status $rc"
}

# RFC 9368 compatible version negotiation: a server that prefers v2 moves
# a client that starts in v1 to v2. Its first Initial is v1, later long
# headers to the server are v2, and the client reports v2.
test_compatible_version()
{
	local out=$tmp/out-cvn log=$tmp/cvn.log vport=$((port + 9)) rc v1 v2

	mkdir -p "$out"
	start_server "$tmp/server-cvn.log" -l $v4:$vport -c "$tmp/srv.pem" \
		-k "$tmp/srv.key" -r "$tmp/root" --quic-version 2 ||
		fail "quic-server --quic-version 2 did not start" || return
	server_pids+=("$server_pid")
	ip netns exec "$srv" nft add table ip qcvn &&
	ip netns exec "$srv" nft add chain ip qcvn in \
		'{ type filter hook input priority 0; }' &&
	ip netns exec "$srv" nft add rule ip qcvn in udp dport $vport \
		@th,64,1 1 @th,72,32 0x6b3343cf counter &&
	ip netns exec "$srv" nft add rule ip qcvn in udp dport $vport \
		@th,64,1 1 @th,72,32 0x00000001 counter ||
		fail "no nft counters" || return
	client -v --ca "$tmp/ca.pem" -o "$out" "https://$v4:$vport/f1k" \
		"https://$v4:$vport/f1m" > "$log" 2>&1
	rc=$?
	kill "$server_pid" 2> /dev/null
	read -r v2 v1 <<< "$(ip netns exec "$srv" nft list chain ip qcvn in |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | tr '\n' ' ')"
	ip netns exec "$srv" nft delete table ip qcvn
	grep 'connected to' "$log"
	echo "# long headers to the server: $v2 of version 2, $v1 of version 1"
	[ $rc -eq 0 ] || { tail -n 5 "$log"; fail "client exit status $rc"; return; }
	check_files "$out" f1k f1m || return
	grep -q 'connected to .*, QUIC v2$' "$log" ||
		fail "the client did not end up in v2" || return
	[ "${v1:-0}" -ge 1 ] || fail "no version 1 Initial" || return
	[ "${v2:-0}" -ge 1 ] || fail "no version 2 packets after the switch" ||
		return
	ip netns exec "$srv" "$server" -l $v4:$((vport + 1)) -c "$tmp/srv.pem" \
		-k "$tmp/srv.key" -r "$tmp/root" --quic-version 3 > "$log" 2>&1
	[ $? -eq 2 ] || fail "--quic-version 3 accepted" || return
	grep -q "quic-version: want 1 or 2" "$log" ||
		fail "--quic-version 3: no reason given"
}

# Interop runner "multiplexing": 2000 files over one connection, from a
# server that lets the client have 1000 streams open at once and raises
# the limit as they complete (RFC 9000 section 4.6).
test_multiplexing()
{
	local out=$tmp/out-mux log=$tmp/mux.log mport=$((port + 7)) i urls=()

	mkdir -p "$out"
	start_server "$tmp/server-mux.log" -l $v4:$mport -c "$tmp/srv.pem" \
		-k "$tmp/srv.key" -r "$tmp/root" --max-streams 1000 ||
		fail "quic-server --max-streams did not start" || return
	server_pids+=("$server_pid")
	for i in $(seq 2000); do
		urls+=("https://$v4:$mport/mux/x$i")
	done
	client --ca "$tmp/ca.pem" -o "$out" "${urls[@]}" > "$log" 2>&1 ||
		{ tail -n 5 "$log"; kill "$server_pid"; fail "client failed"; return; }
	kill "$server_pid" 2> /dev/null
	tail -n 1 "$log"
	grep -q '^total: 2000 of 2000 files' "$log" ||
		fail "wrong total line" || return
	(cd "$out" && sha256sum -c --quiet "$tmp/mux.sums") ||
		fail "some of the 2000 files differ" || return
	[ "$(grep -c 'GET /mux/' "$tmp/server-mux.log")" -eq 2000 ] ||
		fail "the server did not see 2000 requests" || return
	ip netns exec "$srv" "$server" -l $v4:$((mport + 1)) -c "$tmp/srv.pem" \
		-k "$tmp/srv.key" -r "$tmp/root" --max-streams 0 > "$log" 2>&1
	[ $? -eq 2 ] || fail "--max-streams 0 accepted" || return
	grep -q "max-streams: want 1 to 65535" "$log" ||
		fail "--max-streams 0: no reason given"
}

setup_netns || skip "cannot set up the network namespaces"
make_certs || { cat "$tmp/certtool.log"; skip "certtool failed"; }
{ make_files && take_sums; } || skip "cannot create the test files"
start_server "$tmp/server.log" -l $v4:$port -c "$tmp/srv.pem" \
	-k "$tmp/srv.key" -r "$tmp/root" || bail "quic-server did not start"
pid4=$server_pid
server_pids+=("$pid4")
start_server "$tmp/server6.log" -l "[$v6]:$port" -c "$tmp/srv.pem" \
	-k "$tmp/srv.key" -r "$tmp/root" || bail "quic-server (IPv6) did not start"
server_pids+=("$server_pid")

ktap_plan 22
ktap_run parallel_fetch test_parallel_fetch
ktap_run many_streams test_many_streams
ktap_run ipv6 test_ipv6
ktap_run host_name test_host_name
ktap_run path_escape test_path_escape
ktap_run missing_file test_missing_file
ktap_run http3 test_http3
ktap_run many_clients test_many_clients
ktap_run alpn_mismatch test_alpn_mismatch
ktap_run untrusted_certificate test_untrusted_certificate
ktap_run server_setup_errors test_server_setup_errors
ktap_run server_signals test_server_signals
ktap_run retry test_retry
ktap_run resumption test_resumption
ktap_run zerortt test_zerortt
ktap_run preferred_address test_preferred_address
ktap_run chacha20 test_chacha20
ktap_run keyupdate test_keyupdate
ktap_run v2 test_v2
ktap_run compatible_version test_compatible_version
ktap_run multiplexing test_multiplexing
ktap_run server_alive kill -0 "$pid4"
ktap_finish
