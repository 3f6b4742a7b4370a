#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packet protection checked in the kernel against the RFC test vectors:
# loads kmod/quic_crypto_test.ko (built for the running kernel by 'make' or
# 'make debug-modules'). On a KUnit kernel it is the KUnit suite
# "quic_crypto"; otherwise the module runs the cases itself. Either way the
# results are read back from the kernel log and reported here as KTAP.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
top=$(cd ../../../../.. && pwd)
rel=$(uname -r)

ko=""
for cand in kmod/quic_crypto_test.ko \
	    "$top/.build/debug/tools/testing/selftests/net/quic/kmod/quic_crypto_test.ko"; do
	if [ -e "$cand" ] &&
	   [ "$(modinfo -F vermagic "$cand" | cut -d' ' -f1)" = "$rel" ]; then
		ko=$cand
		break
	fi
done
if [ "$(id -u)" -ne 0 ] || [ -z "$ko" ]; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 quic_crypto # no quic_crypto_test.ko for $rel, or not root"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
fi

before=$(dmesg | wc -l)
insmod "$ko"
load_rc=$?
log=$(dmesg | tail -n +"$((before + 1))" | sed 's/^\[ *[0-9.]*\] //')
rmmod quic_crypto_test 2>/dev/null

# Case lines: "ok N name" at any depth, less KUnit's suite and case lines.
cases=$(grep -E '^ *(not )?ok [0-9]+ ' <<< "$log" |
	grep -vE ' (quic_crypto|quic_crypto_case_run)( |$)' | sed 's/^ *//')
echo "TAP version 13"
echo "1..$(grep -c . <<< "$cases")"
n=0 pass=0 fail=0
while read -r status rest; do
	[ -n "$status" ] || continue
	n=$((n + 1))
	name=$(sed 's/^\(not \)\{0,1\}ok [0-9]* //' <<< "$status $rest")
	if [ "$status" = ok ]; then
		pass=$((pass + 1))
		echo "ok $n $name"
	else
		fail=$((fail + 1))
		echo "not ok $n $name"
	fi
done <<< "$cases"
grep -E '^ *# ' <<< "$log" | grep -v Subtest | sed 's/^ */# /'
if [ $n -eq 0 ]; then
	echo "# no test case ran (module load status $load_rc)"
	fail=1
fi
# The standalone runner refuses to load on a failure; KUnit always loads.
if [ $load_rc -ne 0 ] && [ $fail -eq 0 ]; then
	echo "# insmod failed with status $load_rc"
	fail=1
fi
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $fail -eq 0 ]
