/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "rdwr": synchronous preadv/pwritev2 on a file or block device, run on
 * the shared worker pool (bs_pool.c) so the caller never blocks.  Each
 * open instance asks the pool for RDWR_THREADS more workers (up to
 * BS_POOL_MAX in all), so one LUN gets real parallelism and many LUNs do
 * not multiply idle threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include "bs_int.h"
#include "bs_rdwr_test.h"
#include "../util/util.h"

#define RDWR_THREADS	4
#define RDWR_IOV_WIN	64	/* iovecs handed to one syscall */

struct bs_rdwr {
	int fd;
	bool no_rwf_dsync;		/* kernel < 4.7: FUA = write + sync */
	pthread_mutex_t lock;
	pthread_cond_t idle;
	unsigned inflight;		/* queued or running requests */
};

/* What rdwr keeps in bs_io.bs_priv. */
struct rdwr_io {
	struct bs_work work;
	struct bs_rdwr *r;
};

_Static_assert(sizeof(struct rdwr_io) <= sizeof(((struct bs_io *)0)->bs_priv),
	       "rdwr_io must fit in bs_io.bs_priv");

struct bs_rdwr_sys bs_rdwr_sys = {
	.preadv = preadv,
	.pwritev2 = pwritev2,
	.fdatasync = fdatasync,
	.fallocate = fallocate,
};

void bs_rdwr_sys_reset(void)
{
	bs_rdwr_sys.preadv = preadv;
	bs_rdwr_sys.pwritev2 = pwritev2;
	bs_rdwr_sys.fdatasync = fdatasync;
	bs_rdwr_sys.fallocate = fallocate;
}

/* Position in a request's iovec array, for continuing short transfers. */
struct rdwr_cursor {
	const struct iovec *iov;
	int cnt;
	int idx;
	size_t off;			/* into iov[idx] */
};

/* Fills @win with up to @max iovecs covering the next @left bytes. */
static int rdwr_cursor_window(const struct rdwr_cursor *c, size_t left,
			      struct iovec *win, int max)
{
	int idx = c->idx, n = 0;
	size_t off = c->off;

	while (n < max && idx < c->cnt && left) {
		size_t len = MIN(c->iov[idx].iov_len - off, left);

		if (len) {
			win[n].iov_base = (char *)c->iov[idx].iov_base + off;
			win[n].iov_len = len;
			left -= len;
			n++;
		}
		idx++;
		off = 0;
	}
	return n;
}

static void rdwr_cursor_advance(struct rdwr_cursor *c, size_t bytes)
{
	while (bytes && c->idx < c->cnt) {
		size_t len = c->iov[c->idx].iov_len - c->off;

		if (bytes < len) {
			c->off += bytes;
			return;
		}
		bytes -= len;
		c->idx++;
		c->off = 0;
	}
}

/*
 * Moves all io->len bytes, continuing after short transfers and EINTR.
 * A call that moves nothing (a read at EOF after the file was truncated
 * under us) is an I/O error: looping on it would never end.
 */
static ssize_t rdwr_xfer(struct bs_rdwr *r, struct bs_io *io, int rwf)
{
	struct rdwr_cursor c = { .iov = io->iov, .cnt = io->iovcnt };
	struct iovec win[RDWR_IOV_WIN];
	size_t done = 0;

	while (done < io->len) {
		int n = rdwr_cursor_window(&c, io->len - done, win,
					   RDWR_IOV_WIN);
		off_t off = (off_t)(io->offset + done);
		ssize_t ret;

		if (io->op == BS_IO_WRITE)
			ret = bs_rdwr_sys.pwritev2(r->fd, win, n, off, rwf);
		else
			ret = bs_rdwr_sys.preadv(r->fd, win, n, off);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -EIO;
		done += (size_t)ret;
		rdwr_cursor_advance(&c, (size_t)ret);
	}
	return (ssize_t)done;
}

static int rdwr_sync(struct bs_rdwr *r)
{
	return bs_rdwr_sys.fdatasync(r->fd) ? -errno : 0;
}

/*
 * FUA: RWF_DSYNC makes every pwritev2 durable before it returns, so a
 * continued short write stays FUA.  Kernels without it (EOPNOTSUPP) get
 * the plain write followed by fdatasync.
 */
static ssize_t rdwr_write(struct bs_rdwr *r, struct bs_io *io)
{
	bool fua = io->flags & BS_IO_FUA;
	ssize_t ret;
	int err;

	if (fua && !__atomic_load_n(&r->no_rwf_dsync, __ATOMIC_RELAXED)) {
		ret = rdwr_xfer(r, io, RWF_DSYNC);
		if (ret != -EOPNOTSUPP)
			return ret;
		__atomic_store_n(&r->no_rwf_dsync, true, __ATOMIC_RELAXED);
	}
	ret = rdwr_xfer(r, io, 0);
	if (ret < 0 || !fua)
		return ret;
	err = rdwr_sync(r);
	return err ? err : ret;
}

static int rdwr_punch(struct bs_rdwr *r, struct bs_io *io)
{
	if (bs_rdwr_sys.fallocate(r->fd, FALLOC_FL_PUNCH_HOLE |
				  FALLOC_FL_KEEP_SIZE, (off_t)io->offset,
				  (off_t)io->len))
		return -errno;
	return 0;
}

static ssize_t rdwr_exec(struct bs_rdwr *r, struct bs_io *io)
{
	int err;

	switch (io->op) {
	case BS_IO_READ:
		return rdwr_xfer(r, io, 0);
	case BS_IO_WRITE:
		return rdwr_write(r, io);
	case BS_IO_FLUSH:
		err = rdwr_sync(r);
		break;
	default:
		err = rdwr_punch(r, io);
		break;
	}
	return err ? err : (ssize_t)io->len;
}

static void rdwr_inflight_put(struct bs_rdwr *r)
{
	pthread_mutex_lock(&r->lock);
	if (--r->inflight == 0)
		pthread_cond_broadcast(&r->idle);
	pthread_mutex_unlock(&r->lock);
}

/* Pool thread: do the syscalls, report, then let close() proceed. */
static void rdwr_work_run(struct bs_work *w)
{
	struct rdwr_io *p = container_of(w, struct rdwr_io, work);
	struct bs_io *io = bs_io_of_priv(p);
	struct bs_rdwr *r = p->r;

	io->done(io, rdwr_exec(r, io));
	rdwr_inflight_put(r);
}

static int rdwr_queue(struct bs *bs, struct bs_io *io)
{
	struct rdwr_io *p = (struct rdwr_io *)(void *)io->bs_priv;
	struct bs_rdwr *r = bs->priv;

	p->r = r;
	pthread_mutex_lock(&r->lock);
	r->inflight++;
	pthread_mutex_unlock(&r->lock);
	bs_pool_queue(&p->work, rdwr_work_run);
	return 0;
}

static int rdwr_open(struct bs *bs, const char *path, unsigned oflags,
		     uint64_t *size)
{
	struct bs_rdwr *r = bs->priv;
	int ret;

	ret = bs_file_open(path, oflags, &r->fd, size);
	if (ret)
		return ret;
	ret = bs_pool_get(RDWR_THREADS);
	if (ret)
		goto close_fd;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->idle, NULL);
	return 0;

close_fd:
	close(r->fd);
	return ret;
}

/* Waits for the requests still queued: their io->done must run first. */
static void rdwr_close(struct bs *bs)
{
	struct bs_rdwr *r = bs->priv;

	pthread_mutex_lock(&r->lock);
	while (r->inflight)
		pthread_cond_wait(&r->idle, &r->lock);
	pthread_mutex_unlock(&r->lock);
	bs_pool_put(RDWR_THREADS);
	close(r->fd);
	pthread_cond_destroy(&r->idle);
	pthread_mutex_destroy(&r->lock);
}

static int rdwr_get_size(struct bs *bs, uint64_t *size)
{
	struct bs_rdwr *r = bs->priv;

	return bs_file_size(r->fd, size);
}

const struct bs_ops bs_rdwr_ops = {
	.name = "rdwr",
	.priv_size = sizeof(struct bs_rdwr),
	.open = rdwr_open,
	.close = rdwr_close,
	.read = rdwr_queue,
	.write = rdwr_queue,
	.flush = rdwr_queue,
	.unmap = rdwr_queue,
	.get_size = rdwr_get_size,
};
