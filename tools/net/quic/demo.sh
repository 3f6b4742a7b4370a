#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job as it stands (run inside the VM by 'make demo'): the module
# is loaded, QUIC sockets of every family and type are opened, bound in a
# network namespace of their own, configured, and what the kernel reports
# about them is printed. Later stages grow this into transfers.
set -euo pipefail

ns=quic-demo
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip -n "$ns" link set lo up
ip -n "$ns" link add veth0 type veth peer name veth1
ip -n "$ns" addr add 192.0.2.1/24 dev veth0
ip -n "$ns" addr add 2001:db8::1/64 dev veth0 nodad
ip -n "$ns" link set veth0 up
ip -n "$ns" link set veth1 up

echo "== module"
modinfo -F description "$QUIC_MODULE"
grep -E '^quic ' /proc/modules | awk '{ print "loaded: " $1 ", " $2 " bytes, used by " $3 }'
echo "aliases: $(modinfo -F alias "$QUIC_MODULE" | tr '\n' ' ')"

echo "== sockets"
ip netns exec "$ns" python3 - <<'PY'
import ctypes, socket, struct

libc = ctypes.CDLL(None, use_errno=True)

def getsockopt_in(s, level, name, data, size):
    """getsockopt() whose buffer carries input (Python's zeroes nothing)."""
    buf = ctypes.create_string_buffer(data.ljust(size, b"\0"), size)
    length = ctypes.c_uint(size)
    if libc.getsockopt(s.fileno(), level, name, buf, ctypes.byref(length)):
        raise OSError(ctypes.get_errno(), "getsockopt")
    return buf.raw[:length.value]

IPPROTO_QUIC, SOL_QUIC = 261, 288
QUIC_SOCKOPT_TRANSPORT_PARAM, QUIC_SOCKOPT_CONFIG, QUIC_SOCKOPT_ALPN = 8, 9, 11
QUIC_SOCKOPT_CONNECTION_MIGRATION = 6

socks = []
for family, addr in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
    for stype in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(family, stype, IPPROTO_QUIC)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, 4433))
        socks.append(s)
        print(f"{family.name:9} {stype.name:11} bound to {s.getsockname()[:2]}")

s = socks[0]
s.setsockopt(SOL_QUIC, QUIC_SOCKOPT_ALPN, b"h3,hq-interop")
print("ALPN:", getsockopt_in(s, SOL_QUIC, QUIC_SOCKOPT_ALPN, b"", 64).decode())

tp = getsockopt_in(s, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, b"\0", 64)
(_, _, _, _, _, _, cid_limit, ack_exp, dgram, udp_payload, idle, ack_delay,
 sbidi, suni, max_data, msd_bl, msd_br, msd_uni, _) = struct.unpack("=8BHHIIHHQQQQQ", tp)
print(f"transport parameters: idle {idle // 1000} ms, max_udp_payload {udp_payload}, "
      f"streams {sbidi}/{suni}, max_data {max_data}, max_stream_data {msd_bl}, "
      f"active_cid_limit {cid_limit}, ack_delay_exponent {ack_exp}")

cfg = getsockopt_in(s, SOL_QUIC, QUIC_SOCKOPT_CONFIG, b"", 28)
version, pmtu, rtt, cipher = struct.unpack("=IIII", cfg[:16])
print(f"config: version {version:#x}, initial RTT {rtt // 1000} ms, cipher {cipher or 'any'}")

try:
    s.setsockopt(SOL_QUIC, QUIC_SOCKOPT_CONFIG, struct.pack("=IIII8BI", 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
except OSError as e:
    print(f"bad version rejected: {e.strerror}")
try:
    s.connect(("192.0.2.2", 4433))
except OSError as e:
    print(f"connect: {e.strerror} (connections come with the next stage)")

import subprocess
print("== kernel view, while the sockets are open")
subprocess.run("grep -E '^(protocol|QUIC)' /proc/net/protocols | "
               "awk '{ printf \"%-10s %-8s %-8s\\n\", $1, $2, $3 }'", shell=True, check=True)
print("kernel UDP tunnel sockets (all four QUIC sockets share two of them):")
subprocess.run("ss -uanH | sed 's/^/  /'", shell=True, check=True)
PY

