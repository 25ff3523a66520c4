/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The worker pool shared by all backing stores (see bs_int.h).
 *
 * One pool for the whole process rather than threads per LUN: tgtd may
 * serve hundreds of LUNs, and a few threads per LUN would mostly sleep.
 * The cost is that a stalled device can occupy workers other LUNs need;
 * BS_POOL_MAX bounds the thread count, not the queue.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "bs_int.h"
#include "../util/log.h"
#include "../util/util.h"

struct bs_pool {
	pthread_mutex_t lock;		/* queue and stop */
	pthread_cond_t cond;
	struct list_head queue;
	bool stop;
	/* below: changed under bs_pool_life only */
	pthread_t threads[BS_POOL_MAX];
	unsigned nthreads;
	unsigned wanted;
	unsigned users;
};

static struct bs_pool bs_pool = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.queue = LIST_HEAD_INIT(bs_pool.queue),
};

/* Serialises get/put so starting and joining threads never overlap. */
static pthread_mutex_t bs_pool_life = PTHREAD_MUTEX_INITIALIZER;

/* Pops the next work item, or NULL when the pool is stopping and idle. */
static struct bs_work *bs_pool_pop(void)
{
	struct bs_work *w = NULL;

	pthread_mutex_lock(&bs_pool.lock);
	while (list_empty(&bs_pool.queue) && !bs_pool.stop)
		pthread_cond_wait(&bs_pool.cond, &bs_pool.lock);
	if (!list_empty(&bs_pool.queue)) {
		w = list_first_entry(&bs_pool.queue, struct bs_work, node);
		list_del(&w->node);
	}
	pthread_mutex_unlock(&bs_pool.lock);
	return w;
}

static void *bs_pool_worker(void *arg)
{
	struct bs_work *w;

	while ((w = bs_pool_pop()))
		w->fn(w);
	return NULL;
}

/*
 * Workers block every signal: tgtd handles signals on its main thread,
 * and a worker interrupted mid-syscall would only see EINTR.
 */
static int bs_pool_thread_start(pthread_t *thr)
{
	sigset_t all, old;
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(thr, NULL, bs_pool_worker, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return -ret;
	pthread_setname_np(*thr, "bs-pool");
	return 0;
}

static void bs_pool_stop_all(void)
{
	pthread_mutex_lock(&bs_pool.lock);
	bs_pool.stop = true;
	pthread_cond_broadcast(&bs_pool.cond);
	pthread_mutex_unlock(&bs_pool.lock);
	for (unsigned i = 0; i < bs_pool.nthreads; i++)
		pthread_join(bs_pool.threads[i], NULL);
	bs_pool.nthreads = 0;
	bs_pool.stop = false;
}

/* Grows the pool towards what its users asked for; needs one thread. */
int bs_pool_get(unsigned threads)
{
	unsigned target;
	int ret = 0;

	pthread_mutex_lock(&bs_pool_life);
	target = MIN(bs_pool.wanted + threads, BS_POOL_MAX);
	while (bs_pool.nthreads < target) {
		ret = bs_pool_thread_start(&bs_pool.threads[bs_pool.nthreads]);
		if (ret)
			break;
		bs_pool.nthreads++;
	}
	if (bs_pool.nthreads == 0) {
		log_err("cannot start backing-store workers: %d", ret);
		pthread_mutex_unlock(&bs_pool_life);
		return ret ? ret : -EAGAIN;
	}
	bs_pool.wanted += threads;
	bs_pool.users++;
	pthread_mutex_unlock(&bs_pool_life);
	return 0;
}

/* The last user's put runs the queue dry and joins every worker. */
void bs_pool_put(unsigned threads)
{
	pthread_mutex_lock(&bs_pool_life);
	bs_pool.wanted -= MIN(threads, bs_pool.wanted);
	if (bs_pool.users && --bs_pool.users == 0)
		bs_pool_stop_all();
	pthread_mutex_unlock(&bs_pool_life);
}

void bs_pool_queue(struct bs_work *w, void (*fn)(struct bs_work *w))
{
	w->fn = fn;
	pthread_mutex_lock(&bs_pool.lock);
	list_add_tail(&w->node, &bs_pool.queue);
	pthread_cond_signal(&bs_pool.cond);
	pthread_mutex_unlock(&bs_pool.lock);
}
