/* SPDX-License-Identifier: GPL-2.0 */
/* Host-build adjustment, force-included right after kestrel/compiler.h. */
#ifndef KESTREL_HOST_BUILD_H
#define KESTREL_HOST_BUILD_H

/* compiler.h makes every symbol hidden for the position-independent
 * hypervisor image. On the host, glibc, cmocka and libfdt are shared
 * libraries: references to them must keep default visibility. */
#pragma GCC visibility pop

#endif
