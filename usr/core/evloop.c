/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-thread epoll loop with a cross-thread work queue (eventfd doorbell)
 * and one-shot timers kept in a deadline-sorted list.
 */
#include "evloop.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "mcache.h"
#include "../util/log.h"
#include "../util/util.h"

#define EVLOOP_MAX_EVENTS 64

struct evloop_fd {
	int fd;
	evloop_fd_cb cb;
	void *arg;
	struct evloop_fd *next;		/* hash chain */
	bool dead;			/* deleted during dispatch */
};

#define EVLOOP_FD_BUCKETS 256

struct evloop {
	char name[32];
	int epfd;
	int wakefd;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;
	pthread_mutex_t post_lock;
	struct list_head posted;	/* evloop_work, under post_lock */
	bool wake_pending;		/* under post_lock */
	struct list_head local;		/* posts from the loop's own thread */
	struct list_head timers;	/* sorted by deadline */
	struct evloop_fd *fds[EVLOOP_FD_BUCKETS];
	struct evloop_fd *graveyard;	/* freed after the dispatch round */
	struct mcache mcache;		/* loop-thread only */
};

static __thread struct evloop *evloop_tls;

struct evloop *evloop_current(void)
{
	return evloop_tls;
}

struct mcache *evloop_mcache(struct evloop *loop)
{
	return loop ? &loop->mcache : NULL;
}

const char *evloop_name(const struct evloop *loop)
{
	return loop->name;
}

int evloop_create(const char *name, struct evloop **out)
{
	struct evloop *loop = calloc(1, sizeof(*loop));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!loop)
		return -ENOMEM;
	snprintf(loop->name, sizeof(loop->name), "%s", name);
	pthread_mutex_init(&loop->post_lock, NULL);
	list_init(&loop->posted);
	list_init(&loop->local);
	list_init(&loop->timers);
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		goto free_loop;
	loop->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (loop->wakefd < 0)
		goto close_epfd;
	ev.data.ptr = NULL;		/* NULL marks the doorbell */
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) < 0)
		goto close_wakefd;
	*out = loop;
	return 0;

close_wakefd:
	close(loop->wakefd);
close_epfd:
	close(loop->epfd);
free_loop:
	{
		int err = errno;

		pthread_mutex_destroy(&loop->post_lock);
		free(loop);
		return -err;
	}
}

static void evloop_graveyard_empty(struct evloop *loop)
{
	while (loop->graveyard) {
		struct evloop_fd *e = loop->graveyard;

		loop->graveyard = e->next;
		free(e);
	}
}

void evloop_destroy(struct evloop *loop)
{
	if (!loop)
		return;
	for (unsigned i = 0; i < EVLOOP_FD_BUCKETS; i++) {
		while (loop->fds[i]) {
			struct evloop_fd *e = loop->fds[i];

			loop->fds[i] = e->next;
			free(e);
		}
	}
	evloop_graveyard_empty(loop);
	mcache_drain(&loop->mcache);
	close(loop->wakefd);
	close(loop->epfd);
	pthread_mutex_destroy(&loop->post_lock);
	free(loop);
}

static struct evloop_fd **evloop_fd_slot(struct evloop *loop, int fd)
{
	struct evloop_fd **pp = &loop->fds[(unsigned)fd % EVLOOP_FD_BUCKETS];

	while (*pp && (*pp)->fd != fd)
		pp = &(*pp)->next;
	return pp;
}

int evloop_fd_add(struct evloop *loop, int fd, uint32_t events,
		  evloop_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct evloop_fd *e;

	if (*evloop_fd_slot(loop, fd))
		return -EEXIST;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->fd = fd;
	e->cb = cb;
	e->arg = arg;
	ev.data.ptr = e;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;

		free(e);
		return -err;
	}
	e->next = loop->fds[(unsigned)fd % EVLOOP_FD_BUCKETS];
	loop->fds[(unsigned)fd % EVLOOP_FD_BUCKETS] = e;
	return 0;
}

int evloop_fd_mod(struct evloop *loop, int fd, uint32_t events)
{
	struct evloop_fd *e = *evloop_fd_slot(loop, fd);
	struct epoll_event ev = { .events = events };

	if (!e)
		return -ENOENT;
	ev.data.ptr = e;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return 0;
}

/*
 * The entry may still be referenced by events already returned from
 * epoll_wait in this round, so it is parked and freed after the round.
 */
int evloop_fd_del(struct evloop *loop, int fd)
{
	struct evloop_fd **pp = evloop_fd_slot(loop, fd);
	struct evloop_fd *e = *pp;

	if (!e)
		return -ENOENT;
	*pp = e->next;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	e->dead = true;
	e->next = loop->graveyard;
	loop->graveyard = e;
	return 0;
}

void evloop_work_init(struct evloop_work *w, evloop_fn fn, void *arg)
{
	list_init(&w->node);
	w->fn = fn;
	w->arg = arg;
}

/*
 * Posts from the loop's own thread go to a lock-free local list; others
 * take the lock and ring the doorbell on the empty->non-empty transition.
 */
void evloop_post(struct evloop *loop, struct evloop_work *w)
{
	bool ring;
	uint64_t one = 1;

	if (evloop_tls == loop) {
		list_add_tail(&w->node, &loop->local);
		return;
	}
	pthread_mutex_lock(&loop->post_lock);
	list_add_tail(&w->node, &loop->posted);
	ring = !loop->wake_pending;
	loop->wake_pending = true;
	pthread_mutex_unlock(&loop->post_lock);
	if (ring && write(loop->wakefd, &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		log_err("%s: doorbell: %m", loop->name);
}

static void evloop_list_splice(struct list_head *from, struct list_head *to)
{
	list_init(to);
	if (list_empty(from))
		return;
	to->next = from->next;
	to->prev = from->prev;
	to->next->prev = to;
	to->prev->next = to;
	list_init(from);
}

static void evloop_batch_run(struct list_head *batch)
{
	while (!list_empty(batch)) {
		struct evloop_work *w = list_first_entry(batch,
							  struct evloop_work,
							  node);

		list_del(&w->node);
		w->fn(w->arg);
	}
}

/*
 * Runs what other threads posted before this call.  The doorbell is
 * drained before the queue is taken: a post that lands after the drain
 * either is in this batch or rings again; draining after the splice could
 * swallow the ring of a post the batch does not hold (a lost wake-up).
 */
static void evloop_posted_run(struct evloop *loop)
{
	struct list_head batch;
	uint64_t v;

	if (read(loop->wakefd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_err("%s: doorbell read: %m", loop->name);
	pthread_mutex_lock(&loop->post_lock);
	evloop_list_splice(&loop->posted, &batch);
	loop->wake_pending = false;
	pthread_mutex_unlock(&loop->post_lock);
	evloop_batch_run(&batch);
}

/* Runs local posts, including ones they post, so nothing waits a round. */
static void evloop_local_run(struct evloop *loop)
{
	struct list_head batch;

	while (!list_empty(&loop->local)) {
		evloop_list_splice(&loop->local, &batch);
		evloop_batch_run(&batch);
	}
}

void evloop_timer_init(struct evloop_timer *t, evloop_fn fn, void *arg)
{
	list_init(&t->node);
	t->deadline_ns = 0;
	t->fn = fn;
	t->arg = arg;
}

void evloop_timer_arm(struct evloop *loop, struct evloop_timer *t,
		      uint64_t delay_ms)
{
	struct evloop_timer *pos;

	list_del(&t->node);
	t->deadline_ns = util_now_ns() + delay_ms * 1000000ull;
	list_for_each_entry(pos, &loop->timers, node) {
		if (pos->deadline_ns > t->deadline_ns)
			break;
	}
	list_add_tail(&t->node, &pos->node);
}

void evloop_timer_cancel(struct evloop_timer *t)
{
	list_del(&t->node);
}

bool evloop_timer_armed(const struct evloop_timer *t)
{
	return list_node_linked(&t->node);
}

static void evloop_timers_run(struct evloop *loop)
{
	uint64_t now = util_now_ns();

	while (!list_empty(&loop->timers)) {
		struct evloop_timer *t = list_first_entry(&loop->timers,
							   struct evloop_timer,
							   node);

		if (t->deadline_ns > now)
			break;
		list_del(&t->node);
		t->fn(t->arg);
	}
}

static int evloop_timeout_ms(struct evloop *loop)
{
	struct evloop_timer *t;
	uint64_t now;

	if (!list_empty(&loop->local))
		return 0;
	if (list_empty(&loop->timers))
		return -1;
	t = list_first_entry(&loop->timers, struct evloop_timer, node);
	now = util_now_ns();
	if (t->deadline_ns <= now)
		return 0;
	return (int)MIN((t->deadline_ns - now + 999999) / 1000000, 60000ull);
}

static void evloop_dispatch(struct evloop *loop, struct epoll_event *evs,
			    int n)
{
	for (int i = 0; i < n; i++) {
		struct evloop_fd *e = evs[i].data.ptr;

		if (!e) {
			evloop_posted_run(loop);
			continue;
		}
		if (!e->dead)
			e->cb(e->fd, evs[i].events, e->arg);
	}
}

int evloop_run(struct evloop *loop)
{
	struct epoll_event evs[EVLOOP_MAX_EVENTS];

	evloop_tls = loop;
	while (!atomic_load(&loop->stop)) {
		int n = epoll_wait(loop->epfd, evs, EVLOOP_MAX_EVENTS,
				   evloop_timeout_ms(loop));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("%s: epoll_wait: %m", loop->name);
			evloop_tls = NULL;
			return -errno;
		}
		evloop_dispatch(loop, evs, n);
		evloop_timers_run(loop);
		evloop_local_run(loop);
		evloop_graveyard_empty(loop);
	}
	evloop_posted_run(loop);
	evloop_local_run(loop);
	evloop_tls = NULL;
	return 0;
}

static void *evloop_thread_main(void *arg)
{
	struct evloop *loop = arg;

	pthread_setname_np(pthread_self(), loop->name);
	evloop_run(loop);
	return NULL;
}

int evloop_thread_start(struct evloop *loop)
{
	int ret = pthread_create(&loop->thread, NULL, evloop_thread_main, loop);

	if (ret)
		return -ret;
	loop->thread_started = true;
	return 0;
}

void evloop_stop(struct evloop *loop)
{
	uint64_t one = 1;

	atomic_store(&loop->stop, true);
	if (write(loop->wakefd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_err("%s: doorbell: %m", loop->name);
}

void evloop_thread_join(struct evloop *loop)
{
	if (loop->thread_started) {
		pthread_join(loop->thread, NULL);
		loop->thread_started = false;
	}
}
