/* SPDX-License-Identifier: GPL-2.0 */
/* Error codes: functions return 0 or a negative value from this list. */
#ifndef KESTREL_ERRNO_H
#define KESTREL_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define EIO		5
#define E2BIG		7
#define ENOEXEC		8
#define EAGAIN		11
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define ENODEV		19
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define ENOSYS		38
#define ENODATA		61
#define ETIMEDOUT	110
#define EALREADY	114

/* Short description of a (negative or positive) error code. */
const char *strerror(int err);

#endif
