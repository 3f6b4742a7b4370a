# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What quic_apps.sh and interop.sh set up alike: two network namespaces
# joined by a veth pair with netem delay, and a test CA with the server
# certificate it signed. Sourced; the callers name the namespaces and
# addresses.

# netns_pair SRV CLI DELAY [nogso]: namespaces SRV (veth0) and CLI
# (veth1), links and loopback up, netem DELAY on both ends. With nogso,
# UDP segmentation offload is off on both ends, so that a GSO batch is
# cut into datagrams before a capture sees it, as a NIC would cut it.
netns_pair()
{
	local srv=$1 cli=$2 delay=$3 nogso=${4:-} ns dev

	ip netns add "$srv" && ip netns add "$cli" || return
	ip link add veth0 netns "$srv" type veth peer name veth1 netns "$cli" ||
		return
	for ns in "$srv" "$cli"; do
		dev=veth0
		[ "$ns" = "$cli" ] && dev=veth1
		ip -n "$ns" link set lo up
		ip -n "$ns" link set $dev up
		if [ -n "$nogso" ]; then
			ip netns exec "$ns" ethtool -K $dev \
				tx-udp-segmentation off > /dev/null 2>&1
		fi
		tc -n "$ns" qdisc add dev $dev root netem delay "$delay" ||
			return
	done
}

# test_ca DIR CN IP...: in DIR, a CA named CN (ca.key, ca.pem) and the
# certificate it signed for server.test and the IP addresses given
# (srv.key, srv.pem); certtool's output goes to DIR/certtool.log.
test_ca()
{
	local dir=$1 cn=$2 ip

	shift 2
	(
	cd "$dir" || exit 1
	printf 'cn = %s\nca\ncert_signing_key\nexpiration_days = 2\n' "$cn" > ca.tmpl
	{
		printf 'cn = server.test\ndns_name = server.test\n'
		for ip; do
			printf 'ip_address = %s\n' "$ip"
		done
		printf 'tls_www_server\nexpiration_days = 2\n'
	} > srv.tmpl
	certtool -p --key-type=ecdsa --outfile ca.key &&
	certtool -s --load-privkey ca.key --template ca.tmpl --outfile ca.pem &&
	certtool -p --key-type=ecdsa --outfile srv.key &&
	certtool -c --load-privkey srv.key --load-ca-certificate ca.pem \
		--load-ca-privkey ca.key --template srv.tmpl --outfile srv.pem
	) > "$dir/certtool.log" 2>&1
}
