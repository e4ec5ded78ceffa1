# SPDX-License-Identifier: GPL-2.0
# U-Boot script that boots Kestrel; tools/mkbootdisk.sh compiles it to boot.scr.
#
# U-Boot's distro boot sources this with devtype, devnum, distro_bootpart and
# prefix set to wherever it found boot.scr, so the files are loaded from that
# same partition. Entry contract (same as QEMU -kernel/-initrd): Kestrel runs
# at EL2 with x0 = DTB; the payload cpio is the initrd, its range in /chosen.
echo "Kestrel: booting from ${devtype} ${devnum}:${distro_bootpart}"
if load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} ${prefix}kestrel.bin; then
	if load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} ${prefix}payload.cpio; then
		setenv kestrel_payload_size ${filesize}
		echo "Kestrel: image at ${kernel_addr_r}, payload at ${ramdisk_addr_r} (0x${kestrel_payload_size} bytes), DTB at ${fdtcontroladdr}"
		booti ${kernel_addr_r} ${ramdisk_addr_r}:${kestrel_payload_size} ${fdtcontroladdr}
		echo "Kestrel: booti failed"
	else
		echo "Kestrel: cannot load ${prefix}payload.cpio"
	fi
else
	echo "Kestrel: cannot load ${prefix}kestrel.bin"
fi
