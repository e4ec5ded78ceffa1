/* SPDX-License-Identifier: GPL-2.0 */
/* Kestrel's version. */
#ifndef KESTREL_VERSION_H
#define KESTREL_VERSION_H

#define KESTREL_VERSION "0.1.0"

#endif
