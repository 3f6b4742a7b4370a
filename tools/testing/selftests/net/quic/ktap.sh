# SPDX-License-Identifier: GPL-2.0
# KTAP output for the shell selftests (sourced). Usage:
#   ktap_plan N; ktap_run NAME FUNCTION...; ktap_finish
# A test function fails by returning non-zero, skips by returning 4
# (KSFT_SKIP) after printing why.

KSFT_SKIP=4
ktap_n=0 ktap_pass=0 ktap_fail=0 ktap_skip=0

ktap_plan()
{
	echo "TAP version 13"
	echo "1..$1"
}

ktap_run()
{
	local name=$1 rc

	shift
	ktap_n=$((ktap_n + 1))
	echo "# RUN $name"
	"$@" 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0) ktap_pass=$((ktap_pass + 1)); echo "ok $ktap_n $name" ;;
	"$KSFT_SKIP") ktap_skip=$((ktap_skip + 1)); echo "ok $ktap_n $name # SKIP" ;;
	*) ktap_fail=$((ktap_fail + 1)); echo "not ok $ktap_n $name (status $rc)" ;;
	esac
}

ktap_finish()
{
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail xfail:0 xpass:0 skip:$ktap_skip error:0"
	[ $ktap_fail -eq 0 ]
}

# fail MESSAGE: print why and return 1 (use as: cond || fail "...")
fail()
{
	echo "FAIL: $*"
	return 1
}
