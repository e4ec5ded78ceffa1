#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Builds the raw virtio boot disk that U-Boot's distro boot starts Kestrel from.
#
# Usage: tools/mkbootdisk.sh OUT KESTREL_IMAGE PAYLOAD
#
# Layout (MBR, 512-byte sectors, 1 MiB aligned):
#   partition 1  FAT16, bootable, 64 MiB at 1 MiB:  boot.scr, kestrel.bin, payload.cpio
#   partition 2  type 0xda (non-FS data), 512 MiB at 65 MiB, zero-filled: Kestrel's
#                snapshot store (room for one snapshot of each default guest)
#   partition 3  type 0x83 (Linux), 64 MiB at 577 MiB, zero-filled, not formatted:
#                "linux0 disk", a disk for a Linux guest (Kestrel's vda3)
# No root or loop devices: sfdisk and mtools work on the file directly. The
# image is sparse (copy it with cp --sparse=always); it is built beside OUT.
# When OUT already exists with this layout, only partition 1 is copied into
# it: the data on p2 (snapshots) and p3 (linux0's disk) survives a rebuild.
# Otherwise OUT is replaced.
set -eu

die() { echo "mkbootdisk: $*" >&2; exit 1; }

[ $# -eq 3 ] || die "usage: $0 OUT KESTREL_IMAGE PAYLOAD"
out=$1
image=$2
payload=$3
script_src=$(dirname "$0")/boot.cmd

[ -f "$image" ] || die "Kestrel image '$image' not found"
[ -f "$payload" ] || die "payload '$payload' not found"
[ -f "$script_src" ] || die "boot script source '$script_src' not found"
for tool in mkimage sfdisk mformat mcopy truncate; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "'$tool' not found (install with: tools/deps.sh run)"
done

sector=512
p1_start=2048				# 1 MiB
p1_size=$((64 * 1024 * 1024 / sector))	# 64 MiB
p2_start=$((p1_start + p1_size))
p2_size=$((512 * 1024 * 1024 / sector))	# 512 MiB
p3_start=$((p2_start + p2_size))
p3_size=$((64 * 1024 * 1024 / sector))	# 64 MiB
total=$((p3_start + p3_size))
p1_off=$((p1_start * sector))

# booti loads the image at kernel_addr_r (0x40400000) and the payload at
# ramdisk_addr_r (0x44000000): a bigger image would be overwritten.
image_size=$(wc -c <"$image")
payload_size=$(wc -c <"$payload")
[ "$image_size" -le $((0x44000000 - 0x40400000)) ] ||
	die "Kestrel image '$image' is $image_size bytes; U-Boot's load window is 60 MiB"

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
scr="$tmp.scr"
trap 'rm -f "$tmp" "$scr"' EXIT
rm -f "$tmp"

mkimage -A arm64 -O linux -T script -C none -n "Kestrel boot script" \
	-d "$script_src" "$scr" >/dev/null ||
	die "mkimage failed on $script_src"

truncate -s $((total * sector)) "$tmp"
sfdisk --quiet --no-reread --no-tell-kernel "$tmp" >/dev/null <<EOF ||
label: dos
label-id: 0x4b455354
unit: sectors

start=$p1_start, size=$p1_size, type=e, bootable
start=$p2_start, size=$p2_size, type=da
start=$p3_start, size=$p3_size, type=83
EOF
	die "sfdisk failed on $tmp"

# Fixed serial and label keep the image reproducible from the same inputs.
export MTOOLS_SKIP_CHECK=1
mformat -i "$tmp@@$p1_off" -T "$p1_size" -h 64 -s 32 -H "$p1_start" \
	-N 4b455354 -v KESTREL :: || die "mformat failed on $tmp"
mcopy -i "$tmp@@$p1_off" -o "$scr" ::boot.scr || die "mcopy of boot.scr failed"
mcopy -i "$tmp@@$p1_off" -o "$image" ::kestrel.bin ||
	die "mcopy of '$image' failed (partition 1 is 64 MiB)"
mcopy -i "$tmp@@$p1_off" -o "$payload" ::payload.cpio ||
	die "mcopy of '$payload' failed (partition 1 is 64 MiB)"

summary="p1 FAT 64 MiB (boot.scr, kestrel.bin $image_size B, payload.cpio $payload_size B)"
if [ -f "$out" ] && [ "$(wc -c <"$out")" -eq $((total * sector)) ] &&
	cmp -s -n 512 "$tmp" "$out"; then
	dd if="$tmp" of="$out" bs=1M skip=$((p1_off / 1048576)) seek=$((p1_off / 1048576)) \
		count=$((p1_size * sector / 1048576)) conv=notrunc status=none ||
		die "updating partition 1 of $out failed"
	rm -f "$tmp"
	echo "mkbootdisk: updated $out: $summary; p2 and p3 kept"
else
	mv -f "$tmp" "$out"
	echo "mkbootdisk: built $out: $summary, p2 raw 512 MiB type 0xda at byte" \
		"$((p2_start * sector)), p3 linux0 disk 64 MiB type 0x83 at byte $((p3_start * sector))"
fi
trap - EXIT
rm -f "$scr"
