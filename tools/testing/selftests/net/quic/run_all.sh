#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every QUIC kselftest (KTAP), each under the timeout of ./settings,
# and print the totals of their test cases:
#   quic-selftests: N passed, N failed, N skipped
# Usage: run_all.sh [-j 2] [TEST]...   (default: all)
#
# With -j 2 most suites that live in network namespaces of their own run
# beside the others, which share the initial namespace's loopback (and
# quic_module.sh, which unloads the module, runs first and alone). Under
# the emulator a suite mostly keeps one CPU busy, so this nearly halves
# the time of the debug lane. Each suite's output is printed in one piece
# when it ends, the verdicts in order once all are done.

cd "$(dirname "$0")" || exit 1
jobs=1
if [ "${1:-}" = "-j" ]; then
	jobs=${2:?-j needs a number}
	shift 2
fi
[ "$jobs" = 1 ] || [ "$jobs" = 2 ] || { echo "run_all.sh: -j 1 or 2" >&2; exit 2; }
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(quic_socket quic_bind quic_sockopt quic_module.sh quic_ktests.sh
	quic_conn quic_keyupdate quic_datagram quic_version quic_ticket quic_early quic_plain quic_ecn quic_pmtu quic_migrate quic_retry quic_handshake quic_inject quic_netem quic_gso quic_peeloff quic_apps.sh interop.sh)
# QUIC_SELFTESTS_SKIP="TEST...": leave these out of the default list
# (make check-debug: interop.sh, whose wire checks the stock run covers,
# would take the debug lane past CI's time).
if [ $# -eq 0 ] && [ -n "${QUIC_SELFTESTS_SKIP:-}" ]; then
	kept=()
	for t in "${tests[@]}"; do
		[[ " $QUIC_SELFTESTS_SKIP " == *" $t "* ]] || kept+=("$t")
	done
	tests=("${kept[@]}")
fi
# The second lane: suites in network namespaces of their own (quic_ns.h,
# quic_apps.sh). quic_pmtu and quic_migrate are too, but run in the first
# lane, which would be the shorter one with them (debug lane: about 1000
# s each).
isolated=" quic_netem quic_gso quic_apps.sh interop.sh "
alone=" quic_module.sh "
# Suites given three times the timeout of ./settings: interop.sh runs two
# programs and tshark for each of its 20 cases.
long=" interop.sh "
timeout_s=$(sed -n 's/^timeout=//p' settings)
# The debug kernel (KASAN, lockdep, kmemleak) runs several times slower.
grep -qw kasan_multi_shot /proc/cmdline && timeout_s=$(( ${timeout_s:-300} * 4 ))
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# totals_field NAME "# Totals: pass:1 fail:0 ..." -> the number after NAME:
totals_field()
{
	tr ' ' '\n' <<< "$2" | sed -n "s/^$1:\([0-9]*\)$/\1/p"
}

# run_one TEST [live]: its output, exit status and seconds into $results;
# live: also shown as it comes.
run_one()
{
	local t=$1 start=$SECONDS limit=${timeout_s:-300}

	[[ $long == *" $t "* ]] && limit=$((limit * 3))
	if [ -n "${2:-}" ]; then
		timeout -k 5 "$limit" "./$t" 2>&1 |
			tee "$results/$t.out" | sed 's/^/# /'
		echo "${PIPESTATUS[0]}" > "$results/$t.rc"
	else
		timeout -k 5 "$limit" "./$t" > "$results/$t.out" 2>&1
		echo $? > "$results/$t.rc"
	fi
	echo $((SECONDS - start)) > "$results/$t.secs"
}

# run_lane TEST...: one after another, each one's output in one piece
# when it ends (the lock keeps the other lane's from interleaving).
run_lane()
{
	local t

	for t; do
		run_one "$t"
		{
			flock 9
			echo "# selftests: net/quic: $t"
			sed 's/^/# /' "$results/$t.out"
			echo "# $t: $(cat "$results/$t.secs") s"
		} 9> "$results/lock"
	done
}

pass=0 fail=0 skip=0 n=0 failed=() reasons=

# report N TEST: its result line, counted into the totals.
report()
{
	local n=$1 t=$2 out=$results/$2.out rc totals why p f s

	rc=$(cat "$results/$t.rc")
	totals=$(grep -a '^# Totals:' "$out" | tail -n 1)
	# What failed and why, repeated in the summary: a log cut to its
	# end (CI) still names the failing cases.
	why=$(grep -a -E '^(# )*(not ok|.*Expected|.*FAIL)' "$out" | head -n 12)
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
		[ "$rc" -eq 124 ] && echo "# $t: TIMEOUT"
		failed+=("$t")
		[ -n "$why" ] && reasons+="$(sed "s|^|# $t: |" <<< "$why")"$'\n'
		echo "not ok $n selftests: net/quic: $t # exit=$rc"
	fi
}

echo "TAP version 13"
echo "1..${#tests[@]}"
if [ "$jobs" = 1 ]; then
	for t in "${tests[@]}"; do
		n=$((n + 1))
		echo "# selftests: net/quic: $t"
		run_one "$t" live
		# Where the time goes: the debug lane must stay in CI's limit.
		echo "# $t: $(cat "$results/$t.secs") s"
		report $n "$t"
	done
else
	lane_a=() lane_b=() done_first=()
	for t in "${tests[@]}"; do
		if [[ $alone == *" $t "* ]]; then
			n=$((n + 1))
			echo "# selftests: net/quic: $t"
			run_one "$t" live
			echo "# $t: $(cat "$results/$t.secs") s"
			report $n "$t"
			done_first+=("$t")
		elif [[ $isolated == *" $t "* ]]; then
			lane_b+=("$t")
		else
			lane_a+=("$t")
		fi
	done
	run_lane "${lane_b[@]}" &
	lane_pid=$!
	run_lane "${lane_a[@]}"
	wait $lane_pid
	for t in "${tests[@]}"; do
		[[ " ${done_first[*]} " == *" $t "* ]] && continue
		n=$((n + 1))
		report $n "$t"
	done
fi
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ ${#failed[@]} -eq 0 ] || echo "# failed: ${failed[*]}"
[ -z "$reasons" ] || printf '%s' "$reasons"
echo "# all suites: $SECONDS s"
echo "quic-selftests: $pass passed, $fail failed, $skip skipped"
[ ${#failed[@]} -eq 0 ]
