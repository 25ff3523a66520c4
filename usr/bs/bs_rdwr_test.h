/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TEST ONLY: the syscalls the rdwr backing store makes, as a table unit
 * tests may patch to inject short transfers, EINTR and errors (EIO,
 * ENOSPC) that a real filesystem will not produce on demand.  Entries
 * follow the libc convention (-1 and errno).  tgtd never changes the
 * table; a test patches it only while no rdwr request is in flight and
 * restores it with bs_rdwr_sys_reset().
 */
#ifndef TGT_BS_RDWR_TEST_H
#define TGT_BS_RDWR_TEST_H

#include <sys/types.h>
#include <sys/uio.h>

struct bs_rdwr_sys {
	ssize_t (*preadv)(int fd, const struct iovec *iov, int iovcnt,
			  off_t offset);
	ssize_t (*pwritev2)(int fd, const struct iovec *iov, int iovcnt,
			    off_t offset, int flags);
	int (*fdatasync)(int fd);
	int (*fallocate)(int fd, int mode, off_t offset, off_t len);
};

extern struct bs_rdwr_sys bs_rdwr_sys;

/* Puts the real syscalls back. */
void bs_rdwr_sys_reset(void);

#endif
