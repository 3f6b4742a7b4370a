#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-kernel test suites (net/quic/test/*.c): loads each module of kmod/
# built for the running kernel (by 'make' or 'make debug-modules'). On a
# KUnit kernel each is a KUnit suite; otherwise the module runs its cases
# itself and refuses to load if one fails. Either way the results are read
# back from the kernel log and reported here as KTAP, one line per case.

cd "$(dirname "$0")" || exit 1
top=$(cd ../../../../.. && pwd)
rel=$(uname -r)
suites=(quic_crypto quic_codec quic_frame quic_tparam quic_buffer quic_cong quic_ecn quic_pmtu
	quic_pacing)

# module_for SUITE: the .ko of SUITE built for this kernel, or nothing.
module_for()
{
	local cand

	for cand in "kmod/$1_test.ko" \
		    "$top/.build/debug/tools/testing/selftests/net/quic/kmod/$1_test.ko"; do
		if [ -e "$cand" ] &&
		   [ "$(modinfo -F vermagic "$cand" | cut -d' ' -f1)" = "$rel" ]; then
			echo "$cand"
			return
		fi
	done
}

echo "TAP version 13"
n=0 pass=0 fail=0
for suite in "${suites[@]}"; do
	ko=$(module_for "$suite")
	if [ "$(id -u)" -ne 0 ] || [ -z "$ko" ]; then
		n=$((n + 1)) fail=$((fail + 1))
		echo "not ok $n $suite # no ${suite}_test.ko for $rel, or not root"
		continue
	fi
	before=$(dmesg | wc -l)
	insmod "$ko"
	load_rc=$?
	log=$(dmesg | tail -n +"$((before + 1))" | sed 's/^\[ *[0-9.]*\] //')
	rmmod "${suite}_test" 2>/dev/null
	grep -E '^ *# ' <<< "$log" | grep -v Subtest | sed 's/^ */# /'

	# Case lines at any depth, less KUnit's suite and parameter lines.
	cases=$(grep -E '^ *(not )?ok [0-9]+ ' <<< "$log" |
		grep -vE " ($suite|quic_test_case_run)( |$)" | sed 's/^ *//')
	ran=0 suite_fail=0
	while read -r line; do
		[ -n "$line" ] || continue
		n=$((n + 1)) ran=$((ran + 1))
		name=$(sed 's/^\(not \)\{0,1\}ok [0-9]* //' <<< "$line")
		case "$line" in
		ok*) pass=$((pass + 1)); echo "ok $n $suite.$name" ;;
		*) fail=$((fail + 1)) suite_fail=1; echo "not ok $n $suite.$name" ;;
		esac
	done <<< "$cases"
	if [ $ran -eq 0 ]; then
		n=$((n + 1)) fail=$((fail + 1))
		echo "not ok $n $suite # no case ran (insmod status $load_rc)"
	elif [ $load_rc -ne 0 ] && [ $suite_fail -eq 0 ]; then
		# The standalone runner refuses to load on a failure; KUnit loads.
		n=$((n + 1)) fail=$((fail + 1))
		echo "not ok $n $suite # insmod failed with status $load_rc"
	fi
done
echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $fail -eq 0 ]
