#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark (run inside the VM by 'make bench'): quicperf servers in
# one network namespace, the client in another, joined by a veth pair with
# no added delay. For MTUs 1500 and 9000 and writes of 1K, 16K and 64K it
# measures the goodput of QUIC (AES-128-GCM), TCP with kernel TLS
# (AES-128-GCM, fixed keys), plain TCP and QUIC with 1-RTT encryption
# disabled; then QUIC and TCP connection set-ups per second and the kernel
# (slab) memory of an idle connection. Prints a table, then the same as
# JSON (into $BENCH_JSON instead, when set).
#
# Environment: BENCH_TIME seconds per run (default 3), BENCH_MTUS
# ("1500 9000"), BENCH_SIZES ("1K 16K 64K"), BENCH_MODES (the columns
# measured, "quic ktls tcp noenc"), BENCH_HANDSHAKES (50),
# BENCH_IDLE (100 connections), BENCH_JSON (file for the JSON),
# BENCH_SYSCTL (settings for both namespaces, as "net.quic.gso=0
# net.quic.pacing=0", to measure what one of them is worth),
# BENCH_PROFILE (1: also profile a QUIC run of the largest size at the
# first MTU with perf, both ends, and print where the CPU went). The VM
# runner does not pass these through; set them inside it instead:
#   tools/testing/vm/run -- env BENCH_TIME=1 tools/net/quic/bench.sh
# Under TCG the figures are low and noisy: compare the columns of a row,
# not runs on different machines.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
perf=$here/quicperf
srv=quic-bench-srv cli=quic-bench-cli
saddr=192.0.2.1 caddr=192.0.2.2
secs=${BENCH_TIME:-3}
read -r -a mtus <<< "${BENCH_MTUS:-1500 9000}"
read -r -a sizes <<< "${BENCH_SIZES:-1K 16K 64K}"
nhs=${BENCH_HANDSHAKES:-50}
nidle=${BENCH_IDLE:-100}
read -r -a modes <<< "${BENCH_MODES:-quic ktls tcp noenc}"
for m in "${modes[@]}"; do
	case $m in
	quic|ktls|tcp|noenc) ;;
	*) echo "bench: BENCH_MODES: unknown mode $m (quic, ktls, tcp, noenc)" >&2
	   exit 1 ;;
	esac
done
declare -A port=([quic]=4433 [noenc]=4434 [tcp]=5201 [ktls]=5202)
declare -A opts=(
	[quic]="--cipher aes128gcm --ca ca.pem"
	[noenc]="--cipher aes128gcm --ca ca.pem --no-1rtt-crypto"
	[tcp]="--tcp"
	[ktls]="--ktls --cipher aes128gcm"
)
tmp=$(mktemp -d /tmp/quic-bench.XXXXXX)
server_pids=()
# Measurements run in subshells ($(...)): they count failures in a file.
failed=$tmp/failed

cleanup()
{
	local p

	for p in "${server_pids[@]}"; do
		kill "$p" 2> /dev/null || true
	done
	wait 2> /dev/null || true
	ip netns del "$srv" 2> /dev/null || true
	ip netns del "$cli" 2> /dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

die()
{
	echo "bench: $*" >&2
	exit 1
}

note()
{
	echo "bench: $*" >&2
}

case ${BENCH_JSON:-} in
""|/*) ;;
*) BENCH_JSON=$PWD/$BENCH_JSON ;;
esac
[ -x "$perf" ] || die "build quicperf first (make -C tools/net/quic)"
command -v certtool > /dev/null || die "certtool (gnutls-bin) is missing"
[ "$(id -u)" -eq 0 ] || die "needs root (run it in tools/testing/vm/run)"

echo "== set-up"
ktls=1
if ! modprobe tls 2> "$tmp/modprobe.log"; then
	note "modprobe tls failed, no kTLS column: $(cat "$tmp/modprobe.log")"
	ktls=0
fi
echo "kernel $(uname -r), $(nproc) CPUs; quic.ko $(modinfo -F vermagic "${QUIC_MODULE:-quic}" 2> /dev/null | cut -d' ' -f1)"
ip netns add $srv
ip netns add $cli
ip link add veth0 netns $srv type veth peer name veth1 netns $cli
ip -n $srv addr add $saddr/24 dev veth0
ip -n $cli addr add $caddr/24 dev veth1
for ns in $srv $cli; do
	ip -n "$ns" link set lo up
done
ip -n $srv link set veth0 up
ip -n $cli link set veth1 up
echo "netns $srv ($saddr) <-- veth, no delay --> netns $cli ($caddr)"
read -r -a settings <<< "${BENCH_SYSCTL:-}"
for s in "${settings[@]}"; do
	for ns in $srv $cli; do
		ip netns exec "$ns" sysctl -qw "$s" ||
			die "BENCH_SYSCTL: cannot set $s"
	done
	echo "sysctl $s in both namespaces"
done

cd "$tmp"
printf 'cn = QUIC bench CA\nca\ncert_signing_key\nexpiration_days = 1\n' > ca.tmpl
printf 'cn = %s\nip_address = %s\ntls_www_server\nexpiration_days = 1\n' \
	$saddr $saddr > server.tmpl
{
	certtool -p --key-type=ecdsa --outfile ca.key
	certtool -s --load-privkey ca.key --template ca.tmpl --outfile ca.pem
	certtool -p --key-type=ecdsa --outfile server.key
	certtool -c --load-privkey server.key --load-ca-certificate ca.pem \
		--load-ca-privkey ca.key --template server.tmpl \
		--outfile server.pem
} > certtool.log 2>&1 || { cat certtool.log; die "certtool failed"; }
echo "certificates: ECDSA P-256, for $saddr, checked by the client"

# start_server MODE: a quicperf server in the server namespace.
start_server()
{
	local m=$1 args pid

	case $m in
	quic) args=(--cipher aes128gcm --cert server.pem --key server.key) ;;
	noenc) args=(--cipher aes128gcm --cert server.pem --key server.key
		     --no-1rtt-crypto) ;;
	tcp) args=(--tcp) ;;
	ktls) args=(--ktls --cipher aes128gcm) ;;
	esac
	ip netns exec $srv "$perf" -s "$saddr:${port[$m]}" "${args[@]}" \
		> "server-$m.log" 2>&1 &
	pid=$!
	server_pids+=("$pid")
	for _ in $(seq 100); do
		grep -q 'listening on' "server-$m.log" && return 0
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	cat "server-$m.log" >&2
	die "the $m server did not start"
}

for m in "${modes[@]}"; do
	[ "$m" = ktls ] && [ $ktls -eq 0 ] && continue
	start_server "$m"
done

# measured MODE: MODE is one of the columns asked for.
measured()
{
	[[ " ${modes[*]} " == *" $1 "* ]]
}

fail()
{
	echo "$*" >> "$failed"
}

# client MODE ARGS...: run quicperf against the server of MODE; prints
# its JSON line, or nothing on a failure (reported, and counted). The
# warning of an unnegotiated --no-1rtt-crypto is the table's footnote.
client()
{
	local m=$1 out
	local -a extra

	shift
	read -r -a extra <<< "${opts[$m]}"
	if out=$(ip netns exec $cli timeout 300 "$perf" \
			-c "$saddr:${port[$m]}" "${extra[@]}" --json "$@" \
			2> client.err); then
		grep -v 'did not take disable_1rtt_encryption' client.err >&2 ||
			true
		echo "$out"
		return 0
	fi
	note "$m $*: failed:"
	sed 's/^/bench:   /' client.err >&2
	fail "$m $*"
	return 0
}

# field JSON NAME: a number or boolean of a quicperf JSON line.
field()
{
	sed -n "s/.*\"$2\": \([0-9.a-z]*\).*/\1/p" <<< "$1"
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) print "-";
		else printf "%.2f\n", a / b }'
}

or_null()
{
	if [ -n "$1" ] && [ "$1" != "-" ]; then echo "$1"; else echo null; fi
}

echo "== goodput: ${secs} s per run, one stream, receiver-confirmed bytes"
declare -A res
noenc_negotiated=unknown
for mtu in "${mtus[@]}"; do
	ip -n $srv link set veth0 mtu "$mtu"
	ip -n $cli link set veth1 mtu "$mtu"
	for size in "${sizes[@]}"; do
		line="MTU $mtu, $size writes:"
		for m in "${modes[@]}"; do
			v=""
			if [ "$m" != ktls ] || [ $ktls -eq 1 ]; then
				j=$(client "$m" -t "$secs" -l "$size")
				v=$(field "$j" mbit_per_s)
				if [ "$m" = noenc ] && [ -n "$j" ]; then
					noenc_negotiated=$(field "$j" no_1rtt_crypto_negotiated)
				fi
			fi
			res[$mtu,$size,$m]=$v
			line+=" $m ${v:--}"
		done
		echo "$line"
	done
done

# Where the CPU goes in a QUIC run: perf samples the whole VM (both ends
# share its CPUs) on the software clock, as TCG has no PMU.
if [ -n "${BENCH_PROFILE:-}" ] && measured quic; then
	if command -v perf > /dev/null; then
		echo "== profile: QUIC, MTU ${mtus[0]}, ${sizes[-1]} writes, ${secs} s, both ends (perf record -a -e cpu-clock)"
		ip -n $srv link set veth0 mtu "${mtus[0]}"
		ip -n $cli link set veth1 mtu "${mtus[0]}"
		read -r -a extra <<< "${opts[quic]}"
		if perf record -q -a -e cpu-clock -o "$tmp/perf.data" -- \
			ip netns exec $cli "$perf" -c "$saddr:${port[quic]}" \
			"${extra[@]}" -t "$secs" -l "${sizes[-1]}" \
			> profile.out 2> profile.err; then
			perf report -q -i "$tmp/perf.data" --stdio --sort sym \
				--percent-limit 1 2> /dev/null | grep -v '^$' |
				head -n 40
		else
			note "profile run failed: $(tail -n 3 profile.err)"
		fi
	else
		note "BENCH_PROFILE: perf is not installed (Debian: linux-perf)"
	fi
fi

echo "== connection set-up: $nhs connections one after another"
declare -A hs
for m in quic tcp; do
	measured "$m" || continue
	j=$(client "$m" --handshakes "$nhs")
	hs[$m]=$(field "$j" handshakes_per_s)
	echo "$m: ${hs[$m]:-failed} per second"
done

# slab_kib FILE: KiB of pages held by the slab allocator (/proc/meminfo
# Slab:, which counts what the caches really take, partly used slabs
# included, unlike the object counts of /proc/slabinfo, blind to per-CPU
# slabs), after dropping what can be reclaimed. FILE gets the bytes of
# each cache (/proc/slabinfo), to tell which ones grew.
slab_kib()
{
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	awk 'NR > 2 { print $1, $3 * $4 }' /proc/slabinfo | sort > "$1"
	awk '$1 == "Slab:" { print $2 }' /proc/meminfo
}

# slab_growth BEFORE AFTER: the caches that grew most, per connection.
slab_growth()
{
	join "$1" "$2" |
		awk -v n="$nidle" '{ d = ($3 - $2) / n / 1024;
			if (d >= 0.5) printf "%.1f %s\n", d, $1 }' |
		sort -n -r | head -n 6 |
		awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 } END { print "" }'
}

# idle_kib MODE: KiB of slab per idle connection of MODE (both ends).
idle_kib()
{
	local m=$1 before after pid
	local -a extra

	read -r -a extra <<< "${opts[$m]}"
	before=$(slab_kib "slab-$m.before")
	ip netns exec $cli "$perf" -c "$saddr:${port[$m]}" "${extra[@]}" \
		--idle "$nidle" -t 300 > "idle-$m.log" 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		grep -q 'idle connections open' "idle-$m.log" && break
		kill -0 $pid 2> /dev/null || break
		sleep 0.1
	done
	if ! grep -q 'idle connections open' "idle-$m.log"; then
		kill $pid 2> /dev/null || true
		wait $pid 2> /dev/null || true
		note "$m --idle $nidle failed:"
		sed 's/^/bench:   /' "idle-$m.log" >&2
		fail "$m --idle $nidle"
		return 0
	fi
	after=$(slab_kib "slab-$m.after")
	kill -TERM $pid
	if ! wait $pid; then
		note "$m --idle: the client failed on close:"
		sed 's/^/bench:   /' "idle-$m.log" >&2
		fail "$m --idle close"
	fi
	slab_growth "slab-$m.before" "slab-$m.after" > "slab-$m.growth"
	awk -v a="$after" -v b="$before" -v n="$nidle" \
		'BEGIN { printf "%.1f\n", (a - b) / n }'
}

echo "== memory: $nidle idle connections (client and server ends, slab)"
declare -A mem
for m in quic tcp; do
	measured "$m" || continue
	mem[$m]=$(idle_kib "$m")
	echo "$m: ${mem[$m]:-failed} KiB per connection"
	[ ! -s "slab-$m.growth" ] ||
		echo "  largest caches, KiB per connection: $(cat "slab-$m.growth")"
done

# The table.
nc_label="QUIC-noenc"
nc_note=""
if measured noenc && [ "$noenc_negotiated" != true ]; then
	nc_label="QUIC-noenc*"
	nc_note="* disable_1rtt_encryption was not negotiated (the server refused it): this column is QUIC with 1-RTT encryption ON, a second sample of the first."
fi
echo
echo "== results (Mbit/s of goodput the receiver confirmed; ${secs} s per run; $(nproc) CPUs)"
fmt="%-5s %-7s %11s %11s %11s %12s %9s %9s\n"
# shellcheck disable=SC2059
printf "$fmt" MTU msgsize "QUIC" "kTLS" "TCP" "$nc_label" QUIC/kTLS QUIC/TCP
rows=()
for mtu in "${mtus[@]}"; do
	for size in "${sizes[@]}"; do
		# A mode left out of BENCH_MODES has no figures.
		q=${res[$mtu,$size,quic]:-} k=${res[$mtu,$size,ktls]:-}
		t=${res[$mtu,$size,tcp]:-} n=${res[$mtu,$size,noenc]:-}
		qk=$(ratio "$q" "$k") qt=$(ratio "$q" "$t")
		# shellcheck disable=SC2059
		printf "$fmt" "$mtu" "$size" "${q:--}" "${k:--}" "${t:--}" \
			"${n:--}" "$qk" "$qt"
		bytes=$(numfmt --from=iec "$size")
		rows+=("{\"mtu\": $mtu, \"msgsize\": $bytes, \"quic\": $(or_null "$q"), \"ktls\": $(or_null "$k"), \"tcp\": $(or_null "$t"), \"quic_noenc\": $(or_null "$n"), \"quic_over_ktls\": $(or_null "$qk"), \"quic_over_tcp\": $(or_null "$qt")}")
	done
done
[ -z "$nc_note" ] || echo "$nc_note"
[ $ktls -eq 1 ] || echo "kTLS: no tls module in the VM (modprobe tls failed)"
echo "QUIC: TLS 1.3 AES-128-GCM (libquic handshake, ECDSA certificate); kTLS: TLS 1.3 AES-128-GCM records, fixed keys"
printf "connection set-ups per second (handshake, one exchange, close): QUIC %s, TCP %s\n" \
	"${hs[quic]:--}" "${hs[tcp]:--}"
printf "kernel slab memory per idle connection (both ends): QUIC %s KiB, TCP %s KiB\n" \
	"${mem[quic]:--}" "${mem[tcp]:--}"

json="{\"time_per_run\": $secs, \"noenc_negotiated\": $([ "$noenc_negotiated" = true ] && echo true || echo false)"
json+=", \"goodput_mbit_per_s\": ["
sep=""
for r in "${rows[@]}"; do
	json+="$sep$r"
	sep=", "
done
json+="], \"handshakes\": {\"count\": $nhs, \"quic_per_s\": $(or_null "${hs[quic]:-}"), \"tcp_per_s\": $(or_null "${hs[tcp]:-}")}"
json+=", \"idle_memory\": {\"connections\": $nidle, \"quic_kib_per_conn\": $(or_null "${mem[quic]:-}"), \"tcp_kib_per_conn\": $(or_null "${mem[tcp]:-}")}}"
if [ -n "${BENCH_JSON:-}" ]; then
	echo "$json" > "$BENCH_JSON"
	echo "JSON written to $BENCH_JSON"
else
	echo
	echo "$json"
fi

# The servers must have seen no error either.
for m in "${modes[@]}"; do
	[ -e "server-$m.log" ] || continue
	if grep -v -e 'listening on' -e '^[0-9.:]*: [0-9]* bytes in' \
			-e '^{' "server-$m.log" | grep -q .; then
		note "the $m server reported:"
		grep -v -e 'listening on' -e '^[0-9.:]*: [0-9]* bytes in' \
			-e '^{' "server-$m.log" | head -n 20 | sed 's/^/bench:   /' >&2
	fi
done
[ ! -e "$failed" ] || die "$(wc -l < "$failed") measurements failed: $(paste -s -d, "$failed")"
