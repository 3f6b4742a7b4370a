# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the VM runner and the build scripts (sourced, not run).

# Where built kernels, extracted sources and initramfs images are cached:
# outside the checkout, so that a fresh clone reuses them.
QUIC_CACHE=${QUIC_CACHE:-/var/cache/quic-dev}

vm_die()
{
	echo "vm: $*" >&2
	exit 2
}

vm_log()
{
	echo "vm: $*" >&2
}

# vm_need_packages PKG... : install the Debian packages that are missing.
vm_need_packages()
{
	local missing=() p

	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] ||
		vm_die "missing packages (${missing[*]}); run as root or install them"
	vm_log "installing ${missing[*]}"
	# Package lists are refreshed once, and again if they went stale.
	if [ ! -e "$QUIC_CACHE/.apt-updated" ]; then
		apt-get update -q >&2 || vm_die "apt-get update failed"
		mkdir -p "$QUIC_CACHE" && touch "$QUIC_CACHE/.apt-updated"
	fi
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >&2; then
		apt-get update -q >&2 || vm_die "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >&2 ||
			vm_die "apt-get install ${missing[*]} failed"
	fi
}

# The stock Debian 6.1 kernel release the module and the VM target
# (newest installed linux-headers-6.1.*-amd64).
vm_stock_release()
{
	local d

	d=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] || return 1
	basename "$d" | sed 's/^linux-headers-//'
}

# Extract Debian's linux-source-6.1 once; print the source directory.
vm_linux_source()
{
	local ver dir

	vm_need_packages linux-source-6.1 xz-utils >&2
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	dir="$QUIC_CACHE/src/linux-source-6.1-$ver"
	if [ ! -e "$dir/.extracted" ]; then
		vm_log "extracting linux-source-6.1 $ver into $dir"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir" \
			--strip-components=1 || vm_die "cannot extract linux-source-6.1"
		touch "$dir/.extracted"
	fi
	echo "$dir"
}
