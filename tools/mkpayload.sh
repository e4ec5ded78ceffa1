#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Builds Kestrel's payload (a newc cpio handed over as the initrd): the
# configuration DTB compiled from a guests DTS, plus every kernel and initrd
# its /guests/*/boot nodes name, looked up by that name in the DTS's own
# directory first, then in each search directory given.
#
#   tools/mkpayload.sh [--missing-ok] <out.cpio> <guests.dts> [search dir]...
#
# A named file that is not found is an error, unless --missing-ok (tests of
# Kestrel's own check use it): then it is left out with a warning.
set -eu

missing_ok=
if [ "${1:-}" = --missing-ok ]; then
	missing_ok=1
	shift
fi
out=$1
dts=$2
shift 2
dts_dir=$(cd "$(dirname "$dts")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dtc -q -I dts -O dtb -o "$work/config.dtb" "$dts"

find_file() {
	for dir in "$dts_dir" "$@"; do
		if [ -f "$dir/$name" ]; then
			echo "$dir/$name"
			return 0
		fi
	done
	return 1
}

guests=$(fdtget -l "$work/config.dtb" /guests 2>/dev/null || true)
for guest in $guests; do
	for prop in kernel initrd; do
		name=$(fdtget -ts "$work/config.dtb" "/guests/$guest/boot" "$prop" 2>/dev/null) ||
			continue
		case "$name" in
		/* | *..*)
			echo "mkpayload: guest $guest: boot/$prop '$name' must be a relative" \
			     "name without '..'" >&2
			exit 1 ;;
		esac
		[ -f "$work/$name" ] && continue
		if ! src=$(find_file "$@"); then
			echo "mkpayload: guest $guest: boot/$prop '$name' not found in:" \
			     "$dts_dir $*" >&2
			[ -n "$missing_ok" ] && continue
			exit 1
		fi
		mkdir -p "$work/$(dirname "$name")"
		cp "$src" "$work/$name"
	done
done

(cd "$work" && find . -type f | LC_ALL=C sort |
	cpio --quiet -o -H newc --reproducible) > "$out.tmp"
# Unchanged content keeps its timestamp: the boot disk is not rebuilt.
if cmp -s "$out.tmp" "$out"; then
	rm -f "$out.tmp"
else
	mv "$out.tmp" "$out"
fi
