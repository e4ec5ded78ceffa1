// SPDX-License-Identifier: GPL-2.0
/* `devtree show [path]`: the host device tree, printed as DTS. */
#include <kestrel/term.h>
#include <kestrel/console.h>
#include <kestrel/hostdt.h>
#include <libfdt.h>
#include <string.h>
#include <ctype.h>

static const char *const devtree_verbs[] = { "show", NULL };

static void indent(int depth)
{
	for (int i = 0; i < depth; i++)
		printk("\t");
}

static bool is_strings(const char *p, int len)
{
	if (len <= 0 || p[len - 1] != '\0' || p[0] == '\0')
		return false;
	for (int i = 0; i < len; i++) {
		if (p[i] == '\0') {
			if (i + 1 < len && p[i + 1] == '\0')
				return false;
		} else if (!isprint((unsigned char)p[i])) {
			return false;
		}
	}
	return true;
}

static void print_value(const char *p, int len)
{
	if (len == 0)
		return;
	if (is_strings(p, len)) {
		printk(" = ");
		for (int off = 0; off < len; off += strlen(p + off) + 1)
			printk("%s\"%s\"", off ? ", " : "", p + off);
	} else if (len % 4 == 0) {
		printk(" = <");
		for (int i = 0; i < len; i += 4)
			printk("%s0x%x", i ? " " : "", fdt32_ld((const fdt32_t *)(p + i)));
		printk(">");
	} else {
		printk(" = [");
		for (int i = 0; i < len; i++)
			printk("%s%02x", i ? " " : "", (unsigned char)p[i]);
		printk("]");
	}
}

static void show_node(const void *fdt, int node, int depth)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	int prop, child;

	indent(depth);
	printk("%s {\n", depth == 0 && (!name || !name[0]) ? "/" : name);
	fdt_for_each_property_offset(prop, fdt, node) {
		const char *pname;
		int len;
		const char *val = fdt_getprop_by_offset(fdt, prop, &pname, &len);

		indent(depth + 1);
		printk("%s", pname);
		print_value(val, len);
		printk(";\n");
	}
	fdt_for_each_subnode(child, fdt, node)
		show_node(fdt, child, depth + 1);
	indent(depth);
	printk("};\n");
}

static int devtree_run(int argc, char **argv)
{
	const char *path = "/";
	int node;

	if (argc < 2 || strcmp(argv[1], "show"))
		return term_error(argc < 2 ? "devtree: missing subcommand (usage: devtree show [path])"
					   : "devtree: unknown subcommand '%s' (expected show)",
				  argv[1]);
	if (argc > 3)
		return term_error("devtree show: too many arguments (usage: devtree show [path])");
	if (argc == 3)
		path = argv[2];
	node = fdt_path_offset(host.fdt, path);
	if (node < 0)
		return term_error("devtree show: no node '%s' in the host device tree", path);
	show_node(host.fdt, node, 0);
	return 0;
}

TERM_CMD(cmd_devtree) = {
	.name = "devtree",
	.summary = "show the host device tree",
	.usage = "devtree show [path]",
	.verbs = devtree_verbs,
	.run = devtree_run,
};
