/* SPDX-License-Identifier: GPL-2.0-only */
/* Opening and sizing backing files and block devices (rdwr, aio). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bs_int.h"

/* Regular files and block devices only: a FIFO or tty is no disk. */
int bs_file_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, size))
			return -errno;
		return 0;
	}
	return -EINVAL;
}

static int bs_file_flags(unsigned oflags)
{
	int flags = O_CLOEXEC;

	flags |= (oflags & BS_O_RDONLY) ? O_RDONLY : O_RDWR;
	if (oflags & BS_O_DIRECT)
		flags |= O_DIRECT;
	if (oflags & BS_O_SYNC)
		flags |= O_SYNC;
	return flags;
}

int bs_file_open(const char *path, unsigned oflags, int *fd, uint64_t *size)
{
	int ret;

	*fd = open(path, bs_file_flags(oflags));
	if (*fd < 0)
		return -errno;
	ret = bs_file_size(*fd, size);
	if (ret) {
		close(*fd);
		*fd = -1;
	}
	return ret;
}

/*
 * PUNCH_HOLE|KEEP_SIZE works on regular files and, since Linux 4.9, on
 * block devices, where it also guarantees zeroes on read (unlike
 * BLKDISCARD).  Filesystems without hole punching return -EOPNOTSUPP.
 */
int bs_file_punch(int fd, uint64_t offset, uint64_t len)
{
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)offset, (off_t)len))
		return -errno;
	return 0;
}
