#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Builds the Linux guest from Debian packages only: the arm64 cloud kernel and
# an initramfs of busybox-static:arm64 plus the kernel's virtio modules, and
# one program of our own, /bin/kestrel-cntvct (tools/linux-guest/cntvct.c,
# built here with aarch64-linux-gnu-gcc), which prints the virtual counter
# and its frequency: "<CNTVCT_EL0> <CNTFRQ_EL0>".
#
#   tools/linux-guest.sh <out dir>          (make linux-guest: $(O)/linux)
#
# Writes <out dir>/Image, the kernel's boot/vmlinuz-* (a plain arm64 Image with
# PL011, GICv3 and PSCI built in), and <out dir>/rootfs.cpio, a newc initramfs.
# Its /init mounts proc, sys and devtmpfs, insmods the virtio modules in
# dependency order (worked out here from depmod's modules.dep), prints
# "kestrel-linux: modules loaded", brings lo up, starts a shell on the
# virtio console hvc0 if there is one, prints "kestrel-linux: ready (cntvct
# <N> <F>)" (the counter and its frequency just then, from kestrel-cntvct)
# and runs a shell on the console, a new one after each exit.
#
# The packages come from the host's Debian mirror and suites through a private
# APT configuration (APT_CONFIG) whose only architecture is arm64: the host's
# dpkg architectures and sources are left alone. The index and the .debs are
# cached in ${KESTREL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kestrel}/linux-arm64
# (delete it to start over). The index is refreshed once a day; when that
# fails the cached one is used, so it works offline once cached. The outputs
# are rebuilt only when the package versions, this script (which holds
# /init), cntvct.c or the cross compiler's version change.
set -eu

suite=bookworm
mirror=http://deb.debian.org/debian
security_mirror=http://deb.debian.org/debian-security
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# The virtio drivers the guest loads; their dependencies come along.
modules="virtio_ring virtio virtio_mmio virtio_blk failover net_failover virtio_net
virtio_console virtio_rng"
# Applets /init and a usable shell cannot do without.
required_applets="sh mount insmod setsid cttyhack ip hostname uname poweroff"

say() { echo "linux-guest: $*"; }
die() { echo "linux-guest: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: tools/linux-guest.sh <out dir>"
out=$1
cntvct_src=$(cd "$(dirname "$0")" && pwd)/linux-guest/cntvct.c
cc=aarch64-linux-gnu-gcc

# depmod lives in /sbin, which a non-root PATH may lack.
PATH=$PATH:/usr/sbin:/sbin
for tool in apt-get apt-cache dpkg-deb depmod cpio sha256sum od "$cc"; do
	command -v "$tool" >/dev/null || case $tool in
		depmod) die "depmod not found (Debian package kmod; tools/deps.sh run installs it)" ;;
		cpio) die "cpio not found (Debian package cpio; tools/deps.sh run installs it)" ;;
		"$cc") die "$cc not found (Debian package gcc-aarch64-linux-gnu;" \
			"tools/deps.sh build installs it)" ;;
		*) die "$tool not found: this needs a Debian host" ;;
	esac
done
[ -r "$cntvct_src" ] || die "$cntvct_src missing"
[ -r "$keyring" ] || die "$keyring missing (Debian package debian-archive-keyring)"

cache=${KESTREL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kestrel}/linux-arm64
apt_dir=$cache/apt
debs=$cache/debs
mkdir -p "$apt_dir/etc/sources.list.d" "$apt_dir/etc/apt.conf.d" "$apt_dir/state" \
	"$apt_dir/cache" "$debs" "$out"
: >>"$apt_dir/status"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/linux-guest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# --- private APT configuration ------------------------------------------------
# Dir::Etc is private too, so no host apt.conf.d snippet (hooks, pins) applies;
# the host's network settings (proxies, date checks) are carried over.
cat >"$tmp/apt.conf" <<EOF
APT::Architecture "arm64";
APT::Architectures { "arm64"; };
Dir::Etc "$apt_dir/etc";
Dir::Etc::sourcelist "$apt_dir/etc/sources.list";
Dir::Etc::sourceparts "$apt_dir/etc/sources.list.d";
Dir::Etc::parts "$apt_dir/etc/apt.conf.d";
Dir::State "$apt_dir/state";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir/cache";
Dir::Cache::srcpkgcache "";
APT::Sandbox::User "root";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
EOF
env -u APT_CONFIG apt-config dump Acquire 2>/dev/null |
	grep -E '^Acquire::(https?|ftp|socks)::|^Acquire::(Check-Valid-Until|Check-Date|Retries|ForceIPv4|ForceIPv6) ' \
	>>"$tmp/apt.conf" || true
cat >"$tmp/sources.list" <<EOF
deb [signed-by=$keyring] $mirror $suite main
deb [signed-by=$keyring] $mirror $suite-updates main
deb [signed-by=$keyring] $security_mirror $suite-security main
EOF
updated=$apt_dir/updated
for f in apt.conf etc/sources.list; do
	if ! cmp -s "$tmp/${f#etc/}" "$apt_dir/$f"; then
		cp "$tmp/${f#etc/}" "$apt_dir/$f"
		rm -f "$updated"
	fi
done
export APT_CONFIG="$apt_dir/apt.conf"

# quietly CMD...: runs CMD; when it fails, shows APT's error lines (or all
# its output when there are none).
quietly() {
	"$@" >"$tmp/log" 2>&1 && return 0
	{ grep -E '^(E|W):' "$tmp/log" || cat "$tmp/log"; } | sed 's/^/linux-guest:   /' >&2
	return 1
}

# A failed refresh is not retried before the next day either: offline, each
# try costs seconds. Delete $apt_dir/updated to refresh now.
if [ -z "$(find "$updated" -mmin -1440 2>/dev/null)" ]; then
	say "updating the arm64 package index ($suite, $suite-updates, $suite-security)"
	if ! quietly apt-get update --error-on=any; then
		[ -n "$(find "$apt_dir/state/lists" -name '*_Packages*' 2>/dev/null)" ] ||
			die "apt-get update failed and no index is cached" \
			    "(does this host reach deb.debian.org?)"
		say "warning: apt-get update failed, using the cached index" >&2
	fi
	touch "$updated"
fi

# --- which packages -----------------------------------------------------------
kpkg=$(apt-cache depends linux-image-cloud-arm64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-.*-cloud-arm64\)$/\1/p' | head -n 1)
[ -n "$kpkg" ] || die "no linux-image-*-cloud-arm64 in the Debian index" \
	"(the metapackage linux-image-cloud-arm64 is missing or names none)"
quietly apt-get download --print-uris "$kpkg" busybox-static ||
	die "cannot resolve $kpkg and busybox-static in the Debian index"
mv "$tmp/log" "$tmp/uris"
# Each line: 'URL' FILE SIZE SHA256:HASH
kdeb=$(awk -v p="${kpkg}_" 'index($2, p) == 1 { print $2 }' "$tmp/uris")
bdeb=$(awk 'index($2, "busybox-static_") == 1 { print $2 }' "$tmp/uris")
[ -n "$kdeb" ] || die "no $kpkg .deb in the Debian index"
[ -n "$bdeb" ] || die "no busybox-static .deb in the Debian index"

# debver FILE: the package version in a .deb's file name (epoch quoted as %3a).
debver() {
	v=${1#*_}
	echo "${v%_*}" | sed 's/%3a/:/'
}
kversion=$(debver "$kdeb")
bversion=$(debver "$bdeb")

printf 'kernel %s\nbusybox %s\nscript %s\ncntvct %s\ncc %s\n' "$kdeb" "$bdeb" \
	"$(sha256sum <"$0" | cut -d' ' -f1)" "$(sha256sum <"$cntvct_src" | cut -d' ' -f1)" \
	"$("$cc" -dumpfullversion)" >"$tmp/stamp"
if [ -f "$out/Image" ] && [ -f "$out/rootfs.cpio" ] && cmp -s "$tmp/stamp" "$out/.stamp"; then
	say "$out is up to date ($kpkg $kversion, busybox-static $bversion)"
	exit 0
fi

# fetch DEB: makes sure $debs/DEB is there with the SHA256 the index gives.
fetch() {
	# shellcheck disable=SC2046
	set -- $(awk -v f="$1" '$2 == f { print $2, $3, $4 }' "$tmp/uris")
	if [ -f "$debs/$1" ] &&
	   [ "SHA256:$(sha256sum <"$debs/$1" | cut -d' ' -f1)" = "$3" ]; then
		return 0
	fi
	say "downloading $1 ($(($2 / 1024)) KiB)"
	rm -f "$debs/$1"
	(cd "$debs" && quietly apt-get download "${1%%_*}") || die "cannot download $1"
	[ -f "$debs/$1" ] || die "apt-get download did not write $debs/$1"
}
fetch "$kdeb"
fetch "$bdeb"
for f in "$debs"/*.deb; do
	case ${f##*/} in "$kdeb" | "$bdeb") ;; *) rm -f "$f" ;; esac
done

# --- kernel -------------------------------------------------------------------
kroot=$tmp/kernel
dpkg-deb -x "$debs/$kdeb" "$kroot"
dpkg-deb -x "$debs/$bdeb" "$tmp/busybox"
say "building from $kpkg $kversion and busybox-static $bversion"
# Newer (merged-/usr) packages keep the modules in usr/lib; depmod -b wants lib.
if [ ! -d "$kroot/lib/modules" ] && [ -d "$kroot/usr/lib/modules" ]; then
	mkdir -p "$kroot/lib"
	ln -s ../usr/lib/modules "$kroot/lib/modules"
fi
kver=
for d in "$kroot"/lib/modules/*; do
	[ -d "$d" ] && kver=${d##*/} && break
done
[ -n "$kver" ] || die "$kdeb has no lib/modules/<version>"
image=$kroot/boot/vmlinuz-$kver
[ -f "$image" ] || die "$kdeb has no boot/vmlinuz-$kver"
[ "$(od -An -tx1 -j56 -N4 "$image" | tr -d ' \n')" = 41524d64 ] ||
	die "$kdeb: boot/vmlinuz-$kver is not a plain arm64 Image (no \"ARM\\x64\" magic at offset 56)"

# The .deb ships no modules.dep: make one, then list the wanted modules after
# everything they depend on. Lines out: "load NAME PATH", "builtin NAME" or
# "missing NAME"; names with '-' turned into '_', as the kernel does.
mdir=$kroot/lib/modules/$kver
depmod -b "$kroot" "$kver" || die "depmod failed on $kdeb"
[ -f "$mdir/modules.builtin" ] || : >"$mdir/modules.builtin"
awk -v want="$modules" '
function modname(p) {
	sub(/.*\//, "", p)
	sub(/\.ko(\.(xz|gz|zst))?$/, "", p)
	gsub(/-/, "_", p)
	return p
}
function visit(n,    d, k, c) {
	if (n in done)
		return
	done[n] = 1
	if (!(n in path)) {
		print((n in builtin) ? "builtin" : "missing", n)
		return
	}
	c = split(deps[n], d, " ")
	for (k = c; k >= 1; k--)
		visit(d[k])
	print "load", n, path[n]
}
FILENAME ~ /modules\.builtin$/ { builtin[modname($1)] = 1; next }
{
	p = $1
	sub(/:$/, "", p)
	n = modname(p)
	path[n] = p
	deps[n] = ""
	for (i = 2; i <= NF; i++)
		deps[n] = deps[n] " " modname($i)
}
END {
	c = split(want, w, " ")
	for (i = 1; i <= c; i++)
		visit(w[i])
}' "$mdir/modules.builtin" "$mdir/modules.dep" >"$tmp/order"

# --- initramfs ----------------------------------------------------------------
root=$tmp/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/root" \
	"$root/usr" "$root/lib/modules/$kver"
chmod 1777 "$root/tmp"
ln -s bin "$root/sbin"
ln -s ../bin "$root/usr/bin"
ln -s ../bin "$root/usr/sbin"

missing=
loaded=
: >"$root/lib/modules/$kver/modules.load"
while read -r kind name path; do
	case $kind in
	builtin) say "module $name is built into the kernel" ;;
	missing) missing="$missing $name" ;;
	load)
		dst=${path%.xz}
		mkdir -p "$root/lib/modules/$kver/${dst%/*}"
		case $path in
		*.ko) cp "$mdir/$path" "$root/lib/modules/$kver/$dst" ;;
		*.ko.xz)
			command -v xz >/dev/null ||
				die "xz not found (Debian package xz-utils), needed for $path"
			xz -dc "$mdir/$path" >"$root/lib/modules/$kver/$dst" ;;
		*) die "$kdeb: $path: unsupported module compression" ;;
		esac
		echo "$name $dst" >>"$root/lib/modules/$kver/modules.load"
		loaded="$loaded $name" ;;
	esac
done <"$tmp/order"
[ -z "$missing" ] || die "$kdeb has no module:$missing"

# busybox --list cannot run on the host: read its applet table instead, the
# NUL-separated, sorted names that start with "[" and "[[".
bb=$tmp/busybox/bin/busybox
[ -f "$bb" ] || die "$bdeb has no bin/busybox"
cp "$bb" "$root/bin/busybox"
tr '\0' '\n' <"$bb" | awk '
	on && $0 == "" { exit }
	on && index($0, "/") == 0 { print }
	!on && prev == "[" && $0 == "[[" { on = 1; print prev; print }
	{ prev = $0 }' >"$tmp/applets"
for a in $required_applets; do
	grep -qxF "$a" "$tmp/applets" || die "busybox in $bdeb has no '$a' applet"
done
while read -r a; do
	case $a in busybox | init | linuxrc) continue ;; esac
	ln -s busybox "$root/bin/$a"
done <"$tmp/applets"

# Our counter reader: a static program without a C library, entered at _start.
"$cc" -Os -Wall -Wextra -Werror -nostdlib -static -ffreestanding -fno-stack-protector \
	-fno-pie -no-pie -Wl,--build-id=none -s -o "$root/bin/kestrel-cntvct" "$cntvct_src" ||
	die "cannot build $cntvct_src"

# pid 1 is a shell script, not busybox init: nothing acts on the signal that
# poweroff, reboot and halt send it, so interactive shells make them act at
# once (functions, since this busybox's sh runs its applets without PATH).
mkdir -p "$root/etc"
cat >"$root/etc/shrc" <<'EOF'
# Read by every interactive shell (ENV), written by tools/linux-guest.sh.
poweroff() { busybox poweroff -f "$@"; }
reboot() { busybox reboot -f "$@"; }
halt() { busybox halt -f "$@"; }
EOF

cat >"$root/init" <<'EOF'
#!/bin/sh
# /init of Kestrel's Linux guest, written by tools/linux-guest.sh.
export PATH=/bin HOME=/root ENV=/etc/shrc
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# insmod, not modprobe: the order was worked out from modules.dep at build time.
kver=$(uname -r)
failed=
if [ -r "/lib/modules/$kver/modules.load" ]; then
	while read -r name ko; do
		insmod "/lib/modules/$kver/$ko" || failed="$failed $name"
	done <"/lib/modules/$kver/modules.load"
else
	echo "kestrel-linux: no modules for kernel $kver"
fi
echo "kestrel-linux: modules loaded${failed:+ except:$failed}"

ip link set lo up
hostname kestrel-linux

# A login console on the virtio console too, when there is one: a shell in
# its own session with hvc0 as its controlling terminal, restarted after
# exit. (devtmpfs has hvc0-7 either way; only a backed one can be opened.)
if [ -c /dev/hvc0 ] && (exec 3<>/dev/hvc0) 2>/dev/null; then
	(while :; do setsid sh -c "exec sh -i </dev/hvc0 >/dev/hvc0 2>&1"; sleep 1; done) &
	echo "kestrel-linux: shell on hvc0"
fi
# The virtual counter and its frequency when the boot is done: the benchmarks
# read the boot time here (tests/bench/linux_bench.py).
echo "kestrel-linux: ready (cntvct $(kestrel-cntvct))"

# A shell in its own session on the console's real tty (cttyhack), so it has
# job control and Ctrl-C; another one after each exit.
while :; do
	setsid cttyhack sh
	echo "kestrel-linux: shell exited, starting another"
done
EOF
chmod 755 "$root/init"

# newc_entry NAME MODE RDEVMAJOR RDEVMINOR: a cpio entry without data. The
# console node goes into a second archive appended to the first (the kernel
# takes concatenated archives), so no mknod and no root are needed.
newc_entry() {
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		0 "$2" 0 0 1 0 0 0 0 "$3" "$4" $((${#1} + 1)) 0 "$1"
	head -c $(((4 - (110 + ${#1} + 1) % 4) % 4)) /dev/zero
}
# Dated like the kernel, so the same packages give the same bytes.
find "$root" -exec touch -h -r "$image" {} +
(cd "$root" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
	cpio --quiet -o -H newc --reproducible -R 0:0) >"$tmp/rootfs.cpio"
{
	newc_entry dev/console $((0020600)) 5 1
	newc_entry TRAILER!!! 0 0 0
} >>"$tmp/rootfs.cpio"

# Each output appears whole; the stamp last, so a broken-off run is redone.
rm -f "$out/.stamp"
cp "$image" "$out/Image.tmp"
mv "$out/Image.tmp" "$out/Image"
cp "$tmp/rootfs.cpio" "$out/rootfs.cpio.tmp"
mv "$out/rootfs.cpio.tmp" "$out/rootfs.cpio"
mv "$tmp/stamp" "$out/.stamp"
say "wrote $out/Image (Linux $kver, $(($(stat -c %s "$out/Image") / 1024)) KiB)"
say "wrote $out/rootfs.cpio ($(($(stat -c %s "$out/rootfs.cpio") / 1024)) KiB," \
	"modules:$loaded)"
