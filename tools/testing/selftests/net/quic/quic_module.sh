#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The quic module's life cycle: its aliases make socket() load it, it
# cannot be unloaded while a socket exists, and it unloads and reloads
# cleanly. Needs root in a throwaway VM (tools/testing/vm/run): it unloads
# the module and points the kernel's modprobe at a private directory.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh

ko=${QUIC_MODULE:-}
modprobe_path=$(cat /proc/sys/kernel/modprobe)
restore() { echo "$modprobe_path" > /proc/sys/kernel/modprobe; }
trap restore EXIT

# create FAMILY TYPE: 0, or the errno name socket() failed with.
create()
{
	python3 -c '
import socket, sys, errno
try:
    socket.socket(int(sys.argv[1]), int(sys.argv[2]), 261).close()
    print(0)
except OSError as e:
    print(errno.errorcode[e.errno])' "$@"
}

loaded() { [ -d /sys/module/quic ]; }

load()
{
	loaded && return 0
	for dep in $(modinfo -F depends "$ko" | tr , ' '); do
		modprobe -q "$dep" 2>/dev/null
	done
	insmod "$ko"
}

# Connections closed by earlier suites may still be in their closing
# state (RFC 9000 section 10.2: three PTOs, seconds for a handshake that
# failed), holding the module: wait for them.
unload()
{
	local i

	for i in $(seq 150); do
		loaded || return 0
		rmmod quic 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

test_aliases()
{
	local a aliases

	aliases=$(modinfo -F alias "$ko")
	for a in net-pf-2-proto-261-type-2 net-pf-2-proto-261-type-1 \
		 net-pf-10-proto-261-type-2 net-pf-10-proto-261-type-1; do
		grep -qx "$a" <<< "$aliases" || fail "alias $a missing" || return
	done
}

test_all_combinations()
{
	local f t r

	load || fail "cannot load $ko" || return
	for f in 2 10; do
		for t in 1 2; do
			r=$(create $f $t)
			[ "$r" = 0 ] || fail "socket($f, $t, 261): $r" || return
		done
	done
}

test_busy_while_socket_open()
{
	local holder refcnt rc=0

	load || fail "cannot load $ko" || return
	python3 -c 'import socket, time
s = socket.socket(10, 1, 261)
print("open", flush=True)
time.sleep(60)' > /tmp/holder.out &
	holder=$!
	for _ in $(seq 100); do
		grep -q open /tmp/holder.out && break
		sleep 0.1
	done
	refcnt=$(cat /sys/module/quic/refcnt)
	[ "$refcnt" -ge 1 ] || { fail "refcnt $refcnt with a socket open"; rc=1; }
	if rmmod quic 2>/dev/null; then
		fail "rmmod succeeded with a socket open"
		rc=1
	fi
	loaded || { fail "module gone with a socket open"; rc=1; }
	kill "$holder"
	wait "$holder" 2>/dev/null
	unload || { fail "cannot unload once the socket is closed"; rc=1; }
	return $rc
}

test_unloaded_refuses()
{
	local r

	unload || fail "cannot unload" || return
	# Nothing may be loaded behind our back for this check.
	echo /bin/false > /proc/sys/kernel/modprobe
	r=$(create 2 2)
	restore
	[ "$r" = EPROTONOSUPPORT ] || fail "socket() without the module: $r"
}

test_autoload()
{
	local root rel r

	unload || fail "cannot unload" || return
	rel=$(uname -r)
	root=$(mktemp -d)
	mkdir -p "$root/lib/modules/$rel/extra"
	cp "$ko" "$root/lib/modules/$rel/extra/"
	depmod -b "$root" "$rel" 2>/dev/null
	cat > "$root/modprobe" <<EOS
#!/bin/sh
exec /sbin/modprobe -d $root "\$@"
EOS
	chmod +x "$root/modprobe"
	# Dependencies are resolved from the real tree; load them first.
	for dep in $(modinfo -F depends "$ko" | tr , ' '); do
		modprobe -q "$dep" 2>/dev/null
	done
	echo "$root/modprobe" > /proc/sys/kernel/modprobe
	r=$(create 10 2)
	restore
	rm -rf "$root"
	[ "$r" = 0 ] || fail "socket() did not autoload the module: $r" || return
	loaded || fail "module not loaded after socket()"
}

test_reload()
{
	local i

	for i in 1 2 3; do
		load || fail "load $i" || return
		[ "$(create 2 2)" = 0 ] || fail "socket after load $i" || return
		unload || fail "unload $i" || return
	done
	load
}

if [ "$(id -u)" -ne 0 ] || [ -z "$ko" ] || [ ! -e "$ko" ]; then
	echo "1..0 # SKIP needs root in the VM and QUIC_MODULE set (tools/testing/vm/run)"
	exit $KSFT_SKIP
fi

ktap_plan 7
ktap_run aliases test_aliases
ktap_run all_combinations test_all_combinations
ktap_run busy_while_socket_open test_busy_while_socket_open
ktap_run unloaded_refuses test_unloaded_refuses
ktap_run autoload test_autoload
ktap_run reload test_reload
ktap_run loaded_at_exit loaded
ktap_finish
