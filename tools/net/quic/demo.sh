#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job (run inside the VM by 'make demo'): a file server and a
# client on in-kernel QUIC, each in a network namespace of its own, joined
# by a veth pair with 5 ms of netem delay each way. The client checks the
# server's certificate against a CA made here, fetches a 50 MB random file
# over HTTP/0.9 (hq-interop), and the checksums of both copies must match.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
server_bin=$here/quic-server
client_bin=$here/quic-client
srv=quic-server cli=quic-client
name=quic-server.test port=4433 size_mb=50
tmp=$(mktemp -d /tmp/quic-demo.XXXXXX)
server_pid=

cleanup()
{
	[ -z "$server_pid" ] || kill "$server_pid" 2> /dev/null || true
	wait 2> /dev/null || true
	ip netns del "$srv" 2> /dev/null || true
	ip netns del "$cli" 2> /dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

die()
{
	echo "demo: $*" >&2
	exit 1
}

{ [ -x "$server_bin" ] && [ -x "$client_bin" ]; } ||
	die "build the sample applications first (make -C tools/net/quic)"

echo "== module"
modinfo -F description "$QUIC_MODULE"
grep -E '^quic ' /proc/modules |
	awk '{ print "loaded: " $1 ", " $2 " bytes, used by " $3 }'
echo "aliases: $(modinfo -F alias "$QUIC_MODULE" | tr '\n' ' ')"

echo "== network"
ip netns add $srv
ip netns add $cli
ip link add veth0 netns $srv type veth peer name veth1 netns $cli
ip -n $srv addr add 192.0.2.1/24 dev veth0
ip -n $srv addr add 2001:db8::1/64 dev veth0 nodad
ip -n $cli addr add 192.0.2.2/24 dev veth1
ip -n $cli addr add 2001:db8::2/64 dev veth1 nodad
for ns in $srv $cli; do
	ip -n "$ns" link set lo up
done
ip -n $srv link set veth0 up
ip -n $cli link set veth1 up
tc -n $srv qdisc add dev veth0 root netem delay 5ms
tc -n $cli qdisc add dev veth1 root netem delay 5ms
echo "netns $srv (192.0.2.1, 2001:db8::1) <-- veth, netem 5 ms each way --> netns $cli (192.0.2.2, 2001:db8::2)"
if command -v ping > /dev/null; then
	rtt=$(ip netns exec $cli ping -c 3 -i 0.2 -q 192.0.2.1 |
	      sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
	echo "ping RTT: ${rtt:-?} ms"
fi

echo "== certificates"
cd "$tmp"
printf 'cn = QUIC demo CA\nca\ncert_signing_key\nexpiration_days = 1\n' > ca.tmpl
printf 'cn = %s\ndns_name = %s\ntls_www_server\nexpiration_days = 1\n' \
	$name $name > server.tmpl
{
	certtool -p --key-type=ecdsa --outfile ca.key
	certtool -s --load-privkey ca.key --template ca.tmpl --outfile ca.pem
	certtool -p --key-type=ecdsa --outfile server.key
	certtool -c --load-privkey server.key --load-ca-certificate ca.pem \
		--load-ca-privkey ca.key --template server.tmpl \
		--outfile server.pem
} > certtool.log 2>&1 || { cat certtool.log; die "certtool failed"; }
echo "CA \"QUIC demo CA\" signed an ECDSA certificate for $name"
# The client finds the server by name: its own /etc/hosts, bound over
# the real one in a private mount namespace.
echo "192.0.2.1 $name" > hosts

echo "== transfer"
mkdir root out
head -c ${size_mb}M /dev/urandom > root/random.bin
ip netns exec $srv "$server_bin" --listen 192.0.2.1:$port \
	--cert server.pem --key server.key --root root > server.log 2>&1 &
server_pid=$!
for _ in $(seq 100); do
	grep -q 'listening on' server.log && break
	kill -0 $server_pid 2> /dev/null || { cat server.log; die "quic-server failed"; }
	sleep 0.1
done
sed 's/^quic-server: /server: /' server.log
url=https://$name:$port/random.bin
echo "client: quic-client --ca ca.pem $url"
if ! ip netns exec $cli unshare -m sh -c \
	'mount --bind hosts /etc/hosts && exec "$@"' sh \
	"$client_bin" --ca ca.pem --output out "$url" > client.log 2>&1; then
	sed 's/^/client: /' client.log
	die "the transfer failed"
fi
sed -n 's/^out\//client: /p' client.log

echo "== result"
sent=$(sha256sum < root/random.bin | cut -d' ' -f1)
got=$(sha256sum < out/random.bin | cut -d' ' -f1)
echo "sha256 on the server: $sent"
echo "sha256 on the client: $got"
[ "$sent" = "$got" ] || die "the checksums differ: the file was corrupted"
echo "checksums match"
sed -n 's/^total: [0-9]* of [0-9]* files, /throughput: /p' client.log
