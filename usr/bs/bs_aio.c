/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "aio": Linux native AIO (libaio) on a file or block device.
 *
 * Each instance has one thread that owns its AIO context: it submits the
 * queued requests in batches and reaps completions signalled through an
 * eventfd (io_set_eventfd).  Callers only queue and kick the eventfd, so
 * they never block, not even when io_submit does (buffered files, full
 * device queues).  Requests beyond AIO_DEPTH, or refused with -EAGAIN,
 * wait on the pending list and are retried, never dropped.
 *
 * Flush is IO_CMD_FDSYNC (Linux >= 4.18); FUA is RWF_DSYNC in aio_rw_flags
 * (Linux >= 4.13).  Older kernels refuse them with -EINVAL/-EOPNOTSUPP;
 * then flush runs fdatasync on the shared pool and FUA becomes write +
 * fdsync.  Unmap (fallocate) always runs on the pool.
 */
#include <errno.h>
#include <libaio.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "bs_int.h"
#include "../util/log.h"
#include "../util/util.h"

#define AIO_DEPTH	128	/* requests in the kernel per instance */
#define AIO_BATCH	32	/* iocbs per io_submit / io_getevents */
#define AIO_RETRY_MS	1	/* after -EAGAIN from io_submit */

struct bs_aio {
	int fd;
	int efd;			/* eventfd: completions and kicks */
	io_context_t ctx;
	pthread_t thread;
	unsigned submitted;		/* in the kernel; thread only */
	pthread_mutex_t lock;		/* the fields below */
	pthread_cond_t idle;
	struct list_head pending;	/* bs_io.node, waiting for io_submit */
	unsigned inflight;		/* accepted, io->done not yet returned */
	bool stop;
	bool no_fdsync;			/* kernel lacks IO_CMD_FDSYNC */
	bool no_rwf_dsync;		/* kernel lacks RWF_DSYNC for aio */
};

enum aio_stage {
	AIO_STAGE_RW = 0,		/* the read or write itself */
	AIO_STAGE_SYNC,			/* flush, or the sync after a FUA write */
};

/* What aio keeps in bs_io.bs_priv. */
struct aio_io {
	struct iocb iocb;		/* .data: the instance */
	union {
		struct {
			size_t done;	/* bytes transferred so far */
			struct iovec *rest; /* remainder after a short one */
			uint8_t stage;	/* enum aio_stage */
		};
		struct bs_work work;	/* fdatasync / unmap on the pool */
	};
};

_Static_assert(sizeof(struct aio_io) <= sizeof(((struct bs_io *)0)->bs_priv),
	       "aio_io must fit in bs_io.bs_priv");

static struct aio_io *aio_io_of(struct bs_io *io)
{
	return (struct aio_io *)(void *)io->bs_priv;
}

static bool aio_flag_get(struct bs_aio *a, const bool *flag)
{
	bool v;

	pthread_mutex_lock(&a->lock);
	v = *flag;
	pthread_mutex_unlock(&a->lock);
	return v;
}

static void aio_flag_set(struct bs_aio *a, bool *flag)
{
	pthread_mutex_lock(&a->lock);
	*flag = true;
	pthread_mutex_unlock(&a->lock);
}

/* Wakes the thread; a full counter means it is awake anyway. */
static void aio_kick(struct bs_aio *a)
{
	uint64_t one = 1;

	if (write(a->efd, &one, sizeof(one)) < 0)
		return;
}

/* Hands @io to the thread's pending list (tail: FIFO). */
static void aio_enqueue(struct bs_aio *a, struct bs_io *io)
{
	pthread_mutex_lock(&a->lock);
	list_add_tail(&io->node, &a->pending);
	pthread_mutex_unlock(&a->lock);
}

static void aio_inflight_put(struct bs_aio *a)
{
	pthread_mutex_lock(&a->lock);
	if (--a->inflight == 0)
		pthread_cond_broadcast(&a->idle);
	pthread_mutex_unlock(&a->lock);
}

/* The request's last step: report, then let close() proceed. */
static void aio_finish(struct bs_aio *a, struct bs_io *io, ssize_t res)
{
	io->done(io, res);
	aio_inflight_put(a);
}

/* Read/write stage: drop the short-transfer iovec before finishing. */
static void aio_rest_free(struct bs_io *io)
{
	struct aio_io *p = aio_io_of(io);

	free(p->rest);
	p->rest = NULL;
}

/* Pool thread: the blocking operations AIO cannot do for us. */
static void aio_work_run(struct bs_work *w)
{
	struct aio_io *p = container_of(w, struct aio_io, work);
	struct bs_io *io = bs_io_of_priv(p);
	struct bs_aio *a = p->iocb.data;
	int err;

	if (io->op == BS_IO_UNMAP)
		err = bs_file_punch(a->fd, io->offset, io->len);
	else
		err = fdatasync(a->fd) ? -errno : 0;
	aio_finish(a, io, err ? err : (ssize_t)io->len);
}

static void aio_to_pool(struct bs_aio *a, struct bs_io *io)
{
	struct aio_io *p = aio_io_of(io);

	p->iocb.data = a;
	bs_pool_queue(&p->work, aio_work_run);
}

static void aio_prep_rw(struct bs_aio *a, struct bs_io *io,
			const struct iovec *iov, int cnt, uint64_t offset)
{
	struct aio_io *p = aio_io_of(io);
	int rwf = 0;

	if (io->op == BS_IO_WRITE) {
		if ((io->flags & BS_IO_FUA) &&
		    !aio_flag_get(a, &a->no_rwf_dsync))
			rwf = RWF_DSYNC;
		io_prep_pwritev2(&p->iocb, a->fd, iov, cnt, (long long)offset,
				 rwf);
	} else {
		io_prep_preadv(&p->iocb, a->fd, iov, cnt, (long long)offset);
	}
	io_set_eventfd(&p->iocb, a->efd);
	p->iocb.data = a;
	p->stage = AIO_STAGE_RW;
}

static void aio_prep_sync(struct bs_aio *a, struct bs_io *io)
{
	struct aio_io *p = aio_io_of(io);

	io_prep_fdsync(&p->iocb, a->fd);
	io_set_eventfd(&p->iocb, a->efd);
	p->iocb.data = a;
	p->stage = AIO_STAGE_SYNC;
}

/*
 * After a short transfer: an iovec array for what is left.  Rare (signals,
 * EOF races), so it may allocate; freed when the request finishes.
 */
static int aio_prep_rest(struct bs_aio *a, struct bs_io *io)
{
	struct aio_io *p = aio_io_of(io);
	size_t skip = p->done;
	struct iovec *rest;
	int i = 0, n = 0;

	while (i < io->iovcnt && skip >= io->iov[i].iov_len)
		skip -= io->iov[i++].iov_len;
	rest = malloc(sizeof(*rest) * (size_t)(io->iovcnt - i));
	if (!rest)
		return -ENOMEM;
	for (; i < io->iovcnt; i++, n++, skip = 0) {
		rest[n].iov_base = (char *)io->iov[i].iov_base + skip;
		rest[n].iov_len = io->iov[i].iov_len - skip;
	}
	free(p->rest);
	p->rest = rest;
	aio_prep_rw(a, io, rest, n, io->offset + p->done);
	return 0;
}

/*
 * io_submit refused @io (not -EAGAIN).  Missing kernel features get their
 * fallback; anything else is the request's result.  Thread only.
 */
static void aio_rejected(struct bs_aio *a, struct bs_io *io, int err)
{
	struct aio_io *p = aio_io_of(io);

	if (p->stage == AIO_STAGE_SYNC && err == -EINVAL) {
		aio_flag_set(a, &a->no_fdsync);
		aio_to_pool(a, io);
		return;
	}
	if (p->stage == AIO_STAGE_RW && p->iocb.aio_rw_flags &&
	    (err == -EINVAL || err == -EOPNOTSUPP)) {
		aio_flag_set(a, &a->no_rwf_dsync);
		p->iocb.aio_rw_flags = 0;
		aio_enqueue(a, io);
		return;
	}
	if (p->stage == AIO_STAGE_RW)
		aio_rest_free(io);
	aio_finish(a, io, err);
}

/* A read/write step completed: continue, sync, or finish.  Thread only. */
static void aio_rw_done(struct bs_aio *a, struct bs_io *io, long res)
{
	struct aio_io *p = aio_io_of(io);
	int err;

	if (res <= 0) {
		/* 0: EOF after a concurrent truncate; do not loop on it */
		aio_rest_free(io);
		aio_finish(a, io, res < 0 ? res : -EIO);
		return;
	}
	p->done += (size_t)res;
	if (p->done < io->len) {
		err = aio_prep_rest(a, io);
		if (!err) {
			aio_enqueue(a, io);
			return;
		}
		aio_rest_free(io);
		aio_finish(a, io, err);
		return;
	}
	aio_rest_free(io);
	if (io->op == BS_IO_WRITE && (io->flags & BS_IO_FUA) &&
	    !p->iocb.aio_rw_flags) {
		aio_prep_sync(a, io);
		aio_enqueue(a, io);
		return;
	}
	aio_finish(a, io, (ssize_t)io->len);
}

static void aio_sync_done(struct bs_aio *a, struct bs_io *io, long res)
{
	if (res == -EINVAL) {
		aio_flag_set(a, &a->no_fdsync);
		aio_to_pool(a, io);
		return;
	}
	aio_finish(a, io, res < 0 ? res : (ssize_t)io->len);
}

static void aio_event_handle(struct bs_aio *a, struct io_event *ev)
{
	struct aio_io *p = container_of(ev->obj, struct aio_io, iocb);
	struct bs_io *io = bs_io_of_priv(p);

	a->submitted--;
	if (p->stage == AIO_STAGE_SYNC)
		aio_sync_done(a, io, (long)ev->res);
	else
		aio_rw_done(a, io, (long)ev->res);
}

static void aio_reap(struct bs_aio *a)
{
	struct io_event evs[AIO_BATCH];
	struct timespec none = { 0, 0 };
	int n;

	do {
		n = io_getevents(a->ctx, 0, AIO_BATCH, evs, &none);
		for (int i = 0; i < n; i++)
			aio_event_handle(a, &evs[i]);
	} while (n == AIO_BATCH);
}

/* Takes up to @max requests off the pending list. */
static int aio_pending_take(struct bs_aio *a, struct bs_io **batch, int max)
{
	int n = 0;

	pthread_mutex_lock(&a->lock);
	while (n < max && !list_empty(&a->pending)) {
		batch[n] = list_first_entry(&a->pending, struct bs_io, node);
		list_del(&batch[n]->node);
		n++;
	}
	pthread_mutex_unlock(&a->lock);
	return n;
}

/* Puts requests back at the head, keeping their order. */
static void aio_pending_requeue(struct bs_aio *a, struct bs_io **batch, int n)
{
	pthread_mutex_lock(&a->lock);
	while (n--)
		list_add_head(&batch[n]->node, &a->pending);
	pthread_mutex_unlock(&a->lock);
}

/* Submits a batch; false when -EAGAIN sent the rest back to pending. */
static bool aio_batch_submit(struct bs_aio *a, struct bs_io **batch, int n)
{
	struct iocb *iocbs[AIO_BATCH];
	int i = 0, ret;

	for (int j = 0; j < n; j++)
		iocbs[j] = &aio_io_of(batch[j])->iocb;
	while (i < n) {
		ret = io_submit(a->ctx, n - i, iocbs + i);
		if (ret > 0) {
			a->submitted += (unsigned)ret;
			i += ret;
		} else if (ret == 0 || ret == -EAGAIN) {
			aio_pending_requeue(a, batch + i, n - i);
			return false;
		} else {
			aio_rejected(a, batch[i++], ret);
		}
	}
	return true;
}

/* Fills the kernel up to AIO_DEPTH; false means "retry after a while". */
static bool aio_pending_submit(struct bs_aio *a)
{
	struct bs_io *batch[AIO_BATCH];
	int n;

	while (a->submitted < AIO_DEPTH) {
		n = aio_pending_take(a, batch,
				     (int)MIN(AIO_BATCH,
					      AIO_DEPTH - a->submitted));
		if (!n)
			return true;
		if (!aio_batch_submit(a, batch, n))
			return false;
	}
	return true;
}

/* Sleeps until a completion or a kick, or @timeout_ms (-1: forever). */
static void aio_wait(struct bs_aio *a, int timeout_ms)
{
	struct pollfd pfd = { .fd = a->efd, .events = POLLIN };
	uint64_t cnt;

	if (poll(&pfd, 1, timeout_ms) > 0 &&
	    read(a->efd, &cnt, sizeof(cnt)) < 0)
		return;		/* EAGAIN: another wake-up consumed it */
}

static void *aio_thread(void *arg)
{
	struct bs_aio *a = arg;
	bool retry = false;

	for (;;) {
		aio_wait(a, retry ? AIO_RETRY_MS : -1);
		aio_reap(a);
		retry = !aio_pending_submit(a);
		if (aio_flag_get(a, &a->stop))
			break;
	}
	return NULL;
}

static void aio_inflight_get(struct bs_aio *a)
{
	pthread_mutex_lock(&a->lock);
	a->inflight++;
	pthread_mutex_unlock(&a->lock);
}

static int aio_queue(struct bs *bs, struct bs_io *io)
{
	struct bs_aio *a = bs->priv;
	struct aio_io *p = aio_io_of(io);

	aio_inflight_get(a);
	if (io->op == BS_IO_UNMAP ||
	    (io->op == BS_IO_FLUSH && aio_flag_get(a, &a->no_fdsync))) {
		aio_to_pool(a, io);
		return 0;
	}
	if (io->op == BS_IO_FLUSH) {
		aio_prep_sync(a, io);
	} else if (io->len == 0) {
		/* the kernel would answer 0, which looks like EOF */
		aio_finish(a, io, 0);
		return 0;
	} else {
		p->done = 0;
		p->rest = NULL;
		aio_prep_rw(a, io, io->iov, io->iovcnt, io->offset);
	}
	aio_enqueue(a, io);
	aio_kick(a);
	return 0;
}

static int aio_thread_start(struct bs_aio *a)
{
	sigset_t all, old;
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&a->thread, NULL, aio_thread, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return -ret;
	pthread_setname_np(a->thread, "bs-aio");
	return 0;
}

static void aio_state_init(struct bs_aio *a)
{
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->idle, NULL);
	list_init(&a->pending);
	a->submitted = 0;
	a->inflight = 0;
	a->stop = false;
	a->no_fdsync = false;
	a->no_rwf_dsync = false;
}

static void aio_state_destroy(struct bs_aio *a)
{
	pthread_cond_destroy(&a->idle);
	pthread_mutex_destroy(&a->lock);
}

static int aio_open(struct bs *bs, const char *path, unsigned oflags,
		    uint64_t *size)
{
	struct bs_aio *a = bs->priv;
	int ret;

	ret = bs_file_open(path, oflags, &a->fd, size);
	if (ret)
		return ret;
	ret = io_setup(AIO_DEPTH, &a->ctx);
	if (ret) {
		log_err("%s: io_setup: %d (fs.aio-max-nr?)", path, ret);
		goto close_fd;
	}
	a->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (a->efd < 0) {
		ret = -errno;
		goto destroy_ctx;
	}
	ret = bs_pool_get(1);
	if (ret)
		goto close_efd;
	aio_state_init(a);
	ret = aio_thread_start(a);
	if (ret)
		goto destroy_state;
	return 0;

destroy_state:
	aio_state_destroy(a);
	bs_pool_put(1);
close_efd:
	close(a->efd);
destroy_ctx:
	io_destroy(a->ctx);
close_fd:
	close(a->fd);
	return ret;
}

/* Waits for every accepted request's io->done, then stops the thread. */
static void aio_close(struct bs *bs)
{
	struct bs_aio *a = bs->priv;

	pthread_mutex_lock(&a->lock);
	while (a->inflight)
		pthread_cond_wait(&a->idle, &a->lock);
	a->stop = true;
	pthread_mutex_unlock(&a->lock);
	aio_kick(a);
	pthread_join(a->thread, NULL);
	aio_state_destroy(a);
	bs_pool_put(1);
	close(a->efd);
	io_destroy(a->ctx);
	close(a->fd);
}

static int aio_get_size(struct bs *bs, uint64_t *size)
{
	struct bs_aio *a = bs->priv;

	return bs_file_size(a->fd, size);
}

const struct bs_ops bs_aio_ops = {
	.name = "aio",
	.priv_size = sizeof(struct bs_aio),
	.open = aio_open,
	.close = aio_close,
	.read = aio_queue,
	.write = aio_queue,
	.flush = aio_queue,
	.unmap = aio_queue,
	.get_size = aio_get_size,
};
