/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Backing-store registry and the checked entry points of bs.h.  The
 * wrappers validate a request once, here, so every store can trust it.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_int.h"
#include "../util/util.h"

static const struct bs_ops *const bs_registry[] = {
	&bs_rdwr_ops,
	&bs_aio_ops,
	&bs_null_ops,
};

#define BS_OFLAGS_ALL	(BS_O_DIRECT | BS_O_SYNC | BS_O_RDONLY)
/* struct bs is followed by the store's private area, 16-byte aligned. */
#define BS_PRIV_OFFSET	ROUND_UP(sizeof(struct bs), 16)

const struct bs_ops *bs_ops_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(bs_registry); i++)
		if (strcmp(bs_registry[i]->name, name) == 0)
			return bs_registry[i];
	return NULL;
}

static char bs_names[64];
static pthread_once_t bs_names_once = PTHREAD_ONCE_INIT;

static void bs_names_build(void)
{
	size_t off = 0;

	for (size_t i = 0; i < ARRAY_SIZE(bs_registry); i++) {
		int n = snprintf(bs_names + off, sizeof(bs_names) - off, "%s%s",
				 i ? ", " : "", bs_registry[i]->name);

		if (n < 0 || (size_t)n >= sizeof(bs_names) - off)
			break;
		off += (size_t)n;
	}
}

const char *bs_ops_names(void)
{
	pthread_once(&bs_names_once, bs_names_build);
	return bs_names;
}

int bs_open(const char *type, const char *path, unsigned oflags,
	    struct bs **out)
{
	const struct bs_ops *ops = bs_ops_find(type ? type : "rdwr");
	struct bs *bs;
	int ret;

	*out = NULL;
	if (!ops || !path || (oflags & ~BS_OFLAGS_ALL))
		return -EINVAL;
	bs = calloc(1, BS_PRIV_OFFSET + ops->priv_size);
	if (!bs)
		return -ENOMEM;
	bs->ops = ops;
	bs->oflags = oflags;
	bs->priv = ops->priv_size ? (char *)bs + BS_PRIV_OFFSET : NULL;
	ret = ops->open(bs, path, oflags, &bs->size);
	if (ret) {
		free(bs);
		return ret;
	}
	*out = bs;
	return 0;
}

/* The caller guarantees no request is still in flight. */
void bs_close(struct bs *bs)
{
	if (!bs)
		return;
	bs->ops->close(bs);
	free(bs);
}

/* The part of a request every operation shares. */
static int bs_io_check(const struct bs *bs, const struct bs_io *io)
{
	if (!bs || !io || !io->done)
		return -EINVAL;
	if (io->flags & ~BS_IO_FUA)
		return -EINVAL;
	/* offsets become off_t: the end must stay below 2^63 */
	if (io->offset > (uint64_t)INT64_MAX ||
	    io->len > (uint64_t)INT64_MAX - io->offset)
		return -EINVAL;
	return 0;
}

/* A data request: iov must describe exactly len bytes. */
static int bs_io_check_data(const struct bs *bs, const struct bs_io *io)
{
	size_t sum = 0;
	int ret = bs_io_check(bs, io);

	if (ret)
		return ret;
	if (io->iovcnt < 0 || io->iovcnt > IOV_MAX ||
	    (io->iovcnt && !io->iov))
		return -EINVAL;
	for (int i = 0; i < io->iovcnt; i++) {
		if (io->iov[i].iov_len > SIZE_MAX - sum)
			return -EINVAL;
		sum += io->iov[i].iov_len;
	}
	return sum == io->len ? 0 : -EINVAL;
}

static void bs_io_prep(struct bs_io *io, enum bs_io_op op)
{
	io->op = (uint8_t)op;
	list_init(&io->node);
}

int bs_read(struct bs *bs, struct bs_io *io)
{
	int ret = bs_io_check_data(bs, io);

	if (ret)
		return ret;
	bs_io_prep(io, BS_IO_READ);
	return bs->ops->read(bs, io);
}

/* A store opened read-only refuses writes before they reach the fd,
 * which would only say EBADF. */
int bs_write(struct bs *bs, struct bs_io *io)
{
	int ret = bs_io_check_data(bs, io);

	if (ret)
		return ret;
	if (bs->oflags & BS_O_RDONLY)
		return -EROFS;
	bs_io_prep(io, BS_IO_WRITE);
	return bs->ops->write(bs, io);
}

int bs_flush(struct bs *bs, struct bs_io *io)
{
	int ret = bs_io_check(bs, io);

	if (ret)
		return ret;
	bs_io_prep(io, BS_IO_FLUSH);
	return bs->ops->flush(bs, io);
}

int bs_unmap(struct bs *bs, struct bs_io *io)
{
	int ret = bs_io_check(bs, io);

	if (ret)
		return ret;
	if (!bs->ops->unmap)
		return -EOPNOTSUPP;
	if (bs->oflags & BS_O_RDONLY)
		return -EROFS;
	bs_io_prep(io, BS_IO_UNMAP);
	return bs->ops->unmap(bs, io);
}

/* Re-reads the size where the store can (files grow), else the cached. */
int bs_get_size(struct bs *bs, uint64_t *size)
{
	int ret;

	if (!bs || !size)
		return -EINVAL;
	if (bs->ops->get_size) {
		ret = bs->ops->get_size(bs, size);
		if (ret)
			return ret;
		bs->size = *size;
		return 0;
	}
	*size = bs->size;
	return 0;
}
