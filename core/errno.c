// SPDX-License-Identifier: GPL-2.0
/* Names for Kestrel's error codes. */
#include <kestrel/errno.h>

const char *strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return "success";
	case EPERM: return "not permitted";
	case ENOENT: return "not found";
	case EIO: return "I/O error";
	case E2BIG: return "too many arguments";
	case ENOEXEC: return "bad image format";
	case EAGAIN: return "try again";
	case ENOMEM: return "out of memory";
	case EFAULT: return "bad address";
	case EBUSY: return "busy";
	case EEXIST: return "already exists";
	case ENODEV: return "no such device";
	case EINVAL: return "invalid argument";
	case ENOSPC: return "no space left";
	case EALREADY: return "already in progress or done";
	case ERANGE: return "out of range";
	case ENOSYS: return "not supported";
	case ENODATA: return "no data";
	case ETIMEDOUT: return "timed out";
	default: return "unknown error";
	}
}
