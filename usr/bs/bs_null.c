/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "null": a device of a given size ("64M", "3T") with no storage.  Reads
 * return zeroes, writes are discarded.  Nothing can block, so every
 * request completes inline, which the bs.h contract allows.
 */
#include <errno.h>
#include <string.h>

#include "bs_int.h"
#include "../util/util.h"

static int null_open(struct bs *bs, const char *path, unsigned oflags,
		     uint64_t *size)
{
	int ret = util_parse_size(path, size);

	if (ret)
		return -EINVAL;
	return *size ? 0 : -EINVAL;
}

static void null_close(struct bs *bs)
{
}

static int null_read(struct bs *bs, struct bs_io *io)
{
	for (int i = 0; i < io->iovcnt; i++)
		memset(io->iov[i].iov_base, 0, io->iov[i].iov_len);
	io->done(io, (ssize_t)io->len);
	return 0;
}

/* Write, flush and unmap: there is nothing to do. */
static int null_discard(struct bs *bs, struct bs_io *io)
{
	io->done(io, (ssize_t)io->len);
	return 0;
}

const struct bs_ops bs_null_ops = {
	.name = "null",
	.open = null_open,
	.close = null_close,
	.read = null_read,
	.write = null_discard,
	.flush = null_discard,
	.unmap = null_discard,
};
