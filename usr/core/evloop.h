/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small epoll event loop, one per thread.
 *
 * tgtd runs several of these: one per I/O thread (transports' connections
 * and nexuses live on exactly one of them) and one for management.  Rules:
 *  - fd and timer calls are made only on the loop's own thread (or before
 *    the loop starts);
 *  - evloop_post() is the one thread-safe entry point: it queues an
 *    intrusive work item that the loop runs on its thread, FIFO, never
 *    inline in the caller, and never allocates;
 *  - callbacks must not block: I/O that may block goes to a backing store,
 *    which completes asynchronously.
 */
#ifndef TGT_CORE_EVLOOP_H
#define TGT_CORE_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "../util/list.h"

struct evloop;

typedef void (*evloop_fd_cb)(int fd, uint32_t events, void *arg);
typedef void (*evloop_fn)(void *arg);

/* Work item for evloop_post(); embed it in the object it concerns. */
struct evloop_work {
	struct list_head node;
	evloop_fn fn;
	void *arg;
};

/* One-shot timer; embed it.  Re-arm from its callback if periodic. */
struct evloop_timer {
	struct list_head node;
	uint64_t deadline_ns;
	evloop_fn fn;
	void *arg;
};

int evloop_create(const char *name, struct evloop **out);
/* Frees the loop; it must be stopped and its thread joined. */
void evloop_destroy(struct evloop *loop);
const char *evloop_name(const struct evloop *loop);

/* Runs the loop in the calling thread until evloop_stop(). */
int evloop_run(struct evloop *loop);
/* Starts a thread running evloop_run(). */
int evloop_thread_start(struct evloop *loop);
/* Thread-safe: asks the loop to return after the current iteration. */
void evloop_stop(struct evloop *loop);
void evloop_thread_join(struct evloop *loop);

/* The loop running on this thread, or NULL. */
struct evloop *evloop_current(void);

struct mcache;
/*
 * The loop's block cache (mcache.h); NULL for a NULL loop.  Only the
 * loop's thread may use it: evloop_mcache(evloop_current()) is the one a
 * callback uses.  Drained by evloop_destroy().
 */
struct mcache *evloop_mcache(struct evloop *loop);

/* @events are EPOLLIN/EPOLLOUT...; the callback gets the ready events. */
int evloop_fd_add(struct evloop *loop, int fd, uint32_t events,
		  evloop_fd_cb cb, void *arg);
int evloop_fd_mod(struct evloop *loop, int fd, uint32_t events);
int evloop_fd_del(struct evloop *loop, int fd);

/* Thread-safe; @w must not already be queued. */
void evloop_work_init(struct evloop_work *w, evloop_fn fn, void *arg);
void evloop_post(struct evloop *loop, struct evloop_work *w);

void evloop_timer_init(struct evloop_timer *t, evloop_fn fn, void *arg);
/* Loop thread only.  Arming an armed timer re-arms it. */
void evloop_timer_arm(struct evloop *loop, struct evloop_timer *t,
		      uint64_t delay_ms);
void evloop_timer_cancel(struct evloop_timer *t);
bool evloop_timer_armed(const struct evloop_timer *t);

#endif
