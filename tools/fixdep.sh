#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Rewrites a gcc -MD dependency file so the object depends on the Kconfig
# symbols its sources use (one stamp file per symbol under include/deps, kept by genconfig
# --sync-deps) instead of on the whole autoconf.h, as Linux's fixdep does.
# Usage: fixdep.sh DEPFILE OBJTREE
set -eu
dep=$1
objtree=$2
all=$(tr '\n\\' '  ' < "$dep")
target=${all%%:*}
files=$(echo "${all#*:}" | tr ' ' '\n' | grep -v -e '^$' -e 'autoconf\.h$' || true)
{
	echo "$target:" $files
	for f in $files; do echo "$f:"; done
	# shellcheck disable=SC2086
	for s in $(cat $files 2>/dev/null | grep -o 'CONFIG_[A-Za-z0-9_]*' | sort -u); do
		p=$(echo "${s#CONFIG_}" | tr 'A-Z_' 'a-z/')
		echo "$target: \$(wildcard $objtree/include/deps/$p.h)"
	done
} > "$dep.tmp"
mv "$dep.tmp" "$dep"
