#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian packages Kestrel needs for a purpose (build, run, test).
#
# Usage: tools/deps.sh [build] [run] [test] [bench]
# Idempotent: packages already present are not touched and apt-get update
# runs at most once, only when something is missing. Without root it prints
# the exact apt-get line to run and fails.
set -eu

pkgs_build="make gcc libc6-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu picolibc-aarch64-linux-gnu
python3 python3-kconfiglib device-tree-compiler libfdt-dev linux-source-6.1 xz-utils"
pkgs_run="qemu-system-arm u-boot-qemu u-boot-tools mtools dosfstools fdisk cpio kmod"
pkgs_test="python3-pytest python3-pexpect libcmocka-dev clang libclang-rt-14-dev gnuplot-nox"
pkgs_bench="python3-pexpect gnuplot-nox"

want=""
[ $# -gt 0 ] || set -- build run
for group in "$@"; do
	case "$group" in
	build) want="$want $pkgs_build" ;;
	run) want="$want $pkgs_build $pkgs_run" ;;
	test) want="$want $pkgs_build $pkgs_run $pkgs_test" ;;
	bench) want="$want $pkgs_build $pkgs_run $pkgs_bench" ;;
	*) echo "deps: unknown group '$group' (expected build, run, test or bench)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = "installed" ] || missing="$missing $p"
done

[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root:  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi

echo "deps: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "deps: done"
