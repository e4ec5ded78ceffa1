/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's configuration, read from its /guests/<name> node of the
 * configuration DTB and validated before anything is allocated. Every error
 * names the node and the property that is wrong (docs/guest-config.md).
 */
#ifndef KESTREL_GUEST_CONFIG_H
#define KESTREL_GUEST_CONFIG_H

#include <kestrel/types.h>

#define GUEST_NAME_MAX		32
#define GUEST_MAX_VCPUS		8
#define GUEST_MAX_DEVICES	16
#define GUEST_MAX_PRIORITY	7
#define GUEST_FILE_MAX		64
#define GUEST_BOOTARGS_MAX	512
#define GUEST_DEFAULT_PRIORITY	4
#define GUEST_RAM_ALIGN		SZ_2M

/* Guest-physical layout defaults, mirroring QEMU's virt board. */
#define GUEST_DEFAULT_RAM_BASE	0x40000000ULL

struct guest_device_config {
	char name[GUEST_NAME_MAX];	/* node name, e.g. "uart0" */
	const char *compatible;		/* first compatible string (in the DTB) */
	int node;			/* offset in the configuration DTB */
	gpa_t base;			/* reg, when the device has one */
	u64 size;
	bool has_reg;
	u32 irq;			/* SPI number (0-based), when it has one */
	bool has_irq;
};

struct guest_config {
	char name[GUEST_NAME_MAX];
	unsigned int vcpus;
	int affinity[GUEST_MAX_VCPUS];	/* host CPU per vCPU, -1: any */
	unsigned int priority;		/* 0 (lowest) .. GUEST_MAX_PRIORITY */
	gpa_t ram_base;
	u64 ram_size;
	char kernel[GUEST_FILE_MAX];	/* payload file names */
	char initrd[GUEST_FILE_MAX];
	char bootargs[GUEST_BOOTARGS_MAX];
	bool autostart;
	unsigned int nr_devices;
	struct guest_device_config devices[GUEST_MAX_DEVICES];
};

/*
 * What validation needs to know about the host; callbacks may be NULL to
 * skip that check. Lets the parser run in host unit tests.
 */
struct guest_config_env {
	const char *name;			/* the guest's name, NULL: the node's */
	unsigned int host_cpus;
	u64 host_ram_free;			/* bytes a guest may still get */
	bool (*file_exists)(const char *name);	/* payload lookup */
	bool (*device_known)(const char *compatible);	/* an emulator matches */
	/* The emulator's own check of the device node; err without prefix. */
	int (*device_check)(const char *compatible, const void *fdt, int node, char *err,
			    size_t errlen);
};

/*
 * Parses and validates the guest node at `node` of `fdt`. On error returns
 * a negative code and writes "guest <name>: <property>: <what is wrong>"
 * into err; cfg is then unusable.
 */
int guest_config_parse(const void *fdt, int node, const struct guest_config_env *env,
		       struct guest_config *cfg, char *err, size_t errlen);

/* Finds the device of cfg named `name`, or NULL. */
const struct guest_device_config *guest_config_device(const struct guest_config *cfg,
						      const char *name);

#endif
