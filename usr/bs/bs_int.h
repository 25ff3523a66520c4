/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals shared by the backing stores in usr/bs only: the registered
 * ops, the shared worker pool (bs_pool.c) and file helpers (bs_file.c).
 */
#ifndef TGT_BS_INT_H
#define TGT_BS_INT_H

#include <stdint.h>

#include "bs.h"

extern const struct bs_ops bs_rdwr_ops;
extern const struct bs_ops bs_aio_ops;
extern const struct bs_ops bs_null_ops;

/* The request a backing store hands over to its caller's io->done. */
static inline struct bs_io *bs_io_of_priv(void *priv)
{
	return container_of(priv, struct bs_io, bs_priv);
}

/*
 * Worker pool shared by every backing store instance: it runs blocking
 * syscalls (all of rdwr's I/O, aio's unmap and fdatasync fallback) so
 * callers never block.  Threads are started on demand: each bs_pool_get()
 * asks for @threads more, up to BS_POOL_MAX in all; they are all joined
 * when the last user calls bs_pool_put().  Work runs in FIFO order.
 */
#define BS_POOL_MAX	16

struct bs_work {
	struct list_head node;
	void (*fn)(struct bs_work *w);
};

int bs_pool_get(unsigned threads);
void bs_pool_put(unsigned threads);
/* Thread-safe, never blocks; @w->fn runs on a pool thread. */
void bs_pool_queue(struct bs_work *w, void (*fn)(struct bs_work *w));

/*
 * Files and block devices (rdwr, aio).  bs_file_open maps BS_O_* to
 * open(2) flags, and reports the size: st_size for a regular file,
 * BLKGETSIZE64 for a block device, -EINVAL for anything else.
 */
int bs_file_open(const char *path, unsigned oflags, int *fd, uint64_t *size);
int bs_file_size(int fd, uint64_t *size);
/* Deallocates a range so it reads back as zeroes; 0 or -errno. */
int bs_file_punch(int fd, uint64_t offset, uint64_t len);

#endif
