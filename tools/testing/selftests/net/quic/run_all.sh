#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every QUIC kselftest (KTAP), each under the timeout of ./settings,
# and print the totals of their test cases:
#   quic-selftests: N passed, N failed, N skipped
# Usage: run_all.sh [TEST]...   (default: all)

cd "$(dirname "$0")" || exit 1
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(quic_socket quic_bind quic_sockopt quic_module.sh quic_ktests.sh
	quic_conn quic_keyupdate quic_datagram quic_version quic_ticket quic_early quic_plain quic_ecn quic_pmtu quic_migrate quic_retry quic_handshake quic_inject quic_netem quic_apps.sh)
timeout_s=$(sed -n 's/^timeout=//p' settings)
# The debug kernel (KASAN, lockdep, kmemleak) runs several times slower.
grep -qw kasan_multi_shot /proc/cmdline && timeout_s=$(( ${timeout_s:-300} * 4 ))

# totals_field NAME "# Totals: pass:1 fail:0 ..." -> the number after NAME:
totals_field()
{
	tr ' ' '\n' <<< "$2" | sed -n "s/^$1:\([0-9]*\)$/\1/p"
}

pass=0 fail=0 skip=0 n=0 failed=() reasons=
echo "TAP version 13"
echo "1..${#tests[@]}"
for t in "${tests[@]}"; do
	n=$((n + 1))
	out=$(mktemp)
	echo "# selftests: net/quic: $t"
	start=$SECONDS
	timeout -k 5 "${timeout_s:-300}" "./$t" 2>&1 | tee "$out" | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	# Where the time goes: the debug lane must stay inside CI's limit.
	echo "# $t: $((SECONDS - start)) s"
	totals=$(grep -a '^# Totals:' "$out" | tail -n 1)
	# What failed and why, repeated in the summary: a log cut to its
	# end (CI) still names the failing cases.
	why=$(grep -a -E '^(# )*(not ok|.*Expected|.*FAIL)' "$out" | head -n 12)
	rm -f "$out"
	if [ -n "$totals" ]; then
		p=$(totals_field pass "$totals")
		f=$(totals_field fail "$totals")
		s=$(totals_field skip "$totals")
		pass=$((pass + p)) skip=$((skip + s)) fail=$((fail + f))
	fi
	if [ "$rc" -eq 0 ] && [ -n "$totals" ]; then
		echo "ok $n selftests: net/quic: $t"
	elif [ "$rc" -eq 4 ]; then
		skip=$((skip + 1))
		echo "ok $n selftests: net/quic: $t # SKIP"
	else
		# A crash or timeout may have left no totals: count it once.
		[ -n "$totals" ] && [ "$f" -gt 0 ] || fail=$((fail + 1))
		[ "$rc" -eq 124 ] && echo "# $t: TIMEOUT after ${timeout_s} s"
		failed+=("$t")
		[ -n "$why" ] && reasons+="$(sed "s|^|# $t: |" <<< "$why")"$'\n'
		echo "not ok $n selftests: net/quic: $t # exit=$rc"
	fi
done
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ ${#failed[@]} -eq 0 ] || echo "# failed: ${failed[*]}"
[ -z "$reasons" ] || printf '%s' "$reasons"
echo "# all suites: $SECONDS s"
echo "quic-selftests: $pass passed, $fail failed, $skip skipped"
[ ${#failed[@]} -eq 0 ]
