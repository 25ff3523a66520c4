/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Backing stores: they only do I/O.  Read, write, flush and unmap on
 * iovecs, asynchronously; all SCSI semantics live in usr/scsi.
 *
 * Contract of every bs_ops:
 *  - open() opens @path with BS_O_* flags and reports the size in bytes;
 *    returns 0 or -errno (-ENOENT for a missing file, never a crash).
 *  - read/write/flush/unmap queue one request and return 0, or -errno if
 *    it could not be queued (then io->done is not called).  Once queued,
 *    io->done(io, res) is called exactly once, from any thread, possibly
 *    before the submit call returns.  res is io->len on success (short
 *    transfers are retried by the backing store until done or failed),
 *    or -errno: -EIO, -ENOSPC, -EROFS, ...
 *  - write with BS_IO_FUA completes only when the data is on stable
 *    storage; without it, once the data is in the file's cache.
 *  - flush completes when all writes completed before it are stable.
 *  - unmap (optional, may be NULL) deallocates [offset, offset + len); a
 *    later read of that range returns zeroes.
 *  - nothing blocks the caller: blocking syscalls run on worker threads or
 *    through kernel AIO.
 */
#ifndef TGT_BS_BS_H
#define TGT_BS_BS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "../util/list.h"

#define BS_O_DIRECT	0x1
#define BS_O_SYNC	0x2
#define BS_O_RDONLY	0x4

#define BS_IO_FUA	0x1

enum bs_io_op {
	BS_IO_READ = 0,
	BS_IO_WRITE,
	BS_IO_FLUSH,
	BS_IO_UNMAP,
};

struct bs_io {
	uint8_t op;			/* enum bs_io_op, set by bs_* */
	uint32_t flags;			/* BS_IO_FUA */
	uint64_t offset;		/* bytes */
	size_t len;			/* bytes: sum of iov, or unmap length */
	const struct iovec *iov;
	int iovcnt;
	void (*done)(struct bs_io *io, ssize_t res);
	void *priv;			/* caller's */
	/* backing store private */
	struct list_head node;
	_Alignas(16) uint8_t bs_priv[96];
};

struct bs;

struct bs_ops {
	const char *name;
	size_t priv_size;		/* per-instance private bytes */
	int (*open)(struct bs *bs, const char *path, unsigned oflags,
		    uint64_t *size);
	void (*close)(struct bs *bs);
	int (*read)(struct bs *bs, struct bs_io *io);
	int (*write)(struct bs *bs, struct bs_io *io);
	int (*flush)(struct bs *bs, struct bs_io *io);
	int (*unmap)(struct bs *bs, struct bs_io *io);		/* optional */
	int (*get_size)(struct bs *bs, uint64_t *size);	/* optional */
};

struct bs {
	const struct bs_ops *ops;
	void *priv;
	unsigned oflags;
	uint64_t size;
};

const struct bs_ops *bs_ops_find(const char *name);
/* Lists registered backing store names, comma separated, for messages. */
const char *bs_ops_names(void);

int bs_open(const char *type, const char *path, unsigned oflags,
	    struct bs **out);
void bs_close(struct bs *bs);
int bs_read(struct bs *bs, struct bs_io *io);
int bs_write(struct bs *bs, struct bs_io *io);
int bs_flush(struct bs *bs, struct bs_io *io);
/* -EOPNOTSUPP when the backing store cannot unmap. */
int bs_unmap(struct bs *bs, struct bs_io *io);
int bs_get_size(struct bs *bs, uint64_t *size);

#endif
