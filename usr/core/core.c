/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Process-wide core state: the I/O loops, registered transports, the
 * target list and its lock, and system state (ready/offline).
 */
#include "core_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/strbuf.h"
#include "../util/util.h"

#define CORE_MAX_LOOPS	64
#define CORE_MAX_LLDS	8

#define CORE_DRAIN_MS	30000

pthread_rwlock_t core_lock = PTHREAD_RWLOCK_INITIALIZER;
atomic_int core_live_objs;
struct list_head core_targets = LIST_HEAD_INIT(core_targets);

static struct evloop *core_loops[CORE_MAX_LOOPS];
static unsigned core_nr_loops;
static atomic_uint core_loop_rr;
static const struct tgt_lld_ops *core_llds[CORE_MAX_LLDS];
static unsigned core_nr_llds;
static atomic_bool core_offline;

static unsigned core_default_loops(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return (unsigned)MIN(n, (long)CORE_MAX_LOOPS);
}

int tgt_core_init(unsigned nr_loops)
{
	int ret;

	if (nr_loops == 0)
		nr_loops = core_default_loops();
	if (nr_loops > CORE_MAX_LOOPS)
		return -EINVAL;
	for (unsigned i = 0; i < nr_loops; i++) {
		char name[16];

		snprintf(name, sizeof(name), "tgt-io%u", i);
		ret = evloop_create(name, &core_loops[i]);
		if (ret)
			goto stop_loops;
		core_nr_loops = i + 1;
		ret = evloop_thread_start(core_loops[i]);
		if (ret) {
			evloop_destroy(core_loops[i]);
			core_nr_loops = i;
			goto stop_loops;
		}
	}
	log_info("%u I/O loop(s) started", core_nr_loops);
	return 0;

stop_loops:
	tgt_core_exit();
	return ret;
}

/*
 * Backing stores may still complete commands that transports aborted on
 * shutdown; their completions post to the loops, so the loops keep running
 * until every command and TMF has been freed (bounded).
 */
static int core_drain(void)
{
	for (int ms = 0; ms < CORE_DRAIN_MS; ms += 10) {
		if (atomic_load(&core_live_objs) == 0)
			return 0;
		usleep(10000);
	}
	log_err("%d command(s) still in flight after %d ms; leaving the I/O "
		"loops allocated", atomic_load(&core_live_objs), CORE_DRAIN_MS);
	return -EBUSY;
}

void tgt_core_exit(void)
{
	bool drained = core_drain() == 0;

	for (unsigned i = 0; i < core_nr_loops; i++)
		evloop_stop(core_loops[i]);
	for (unsigned i = 0; i < core_nr_loops; i++) {
		evloop_thread_join(core_loops[i]);
		if (drained)
			evloop_destroy(core_loops[i]);
		core_loops[i] = NULL;
	}
	core_nr_loops = 0;
}

struct evloop *tgt_loop_next(void)
{
	if (!core_nr_loops)
		return NULL;
	return core_loops[atomic_fetch_add(&core_loop_rr, 1) % core_nr_loops];
}

unsigned tgt_loop_count(void)
{
	return core_nr_loops;
}

struct evloop *tgt_loop_get(unsigned idx)
{
	return idx < core_nr_loops ? core_loops[idx] : NULL;
}

int tgt_lld_register(const struct tgt_lld_ops *ops)
{
	if (!ops->name || !ops->cmd_done)
		return -EINVAL;
	if (tgt_lld_find(ops->name))
		return -EEXIST;
	if (core_nr_llds == CORE_MAX_LLDS)
		return -ENOSPC;
	core_llds[core_nr_llds++] = ops;
	return 0;
}

const struct tgt_lld_ops *tgt_lld_find(const char *name)
{
	for (unsigned i = 0; i < core_nr_llds; i++) {
		if (strcmp(core_llds[i]->name, name) == 0)
			return core_llds[i];
	}
	return NULL;
}

void tgt_lld_for_each(void (*fn)(const struct tgt_lld_ops *ops, void *arg),
		      void *arg)
{
	for (unsigned i = 0; i < core_nr_llds; i++)
		fn(core_llds[i], arg);
}

/* Caller holds core_lock. */
struct tgt_target *core_target_lookup(int tid)
{
	struct tgt_target *t;

	list_for_each_entry(t, &core_targets, node) {
		if (t->tid == tid)
			return t;
	}
	return NULL;
}

bool core_sys_offline(void)
{
	return atomic_load(&core_offline);
}

int tgt_sys_update(const char *key, const char *value)
{
	if (strcasecmp(key, "state") == 0) {
		if (strcmp(value, "ready") == 0)
			atomic_store(&core_offline, false);
		else if (strcmp(value, "offline") == 0)
			atomic_store(&core_offline, true);
		else
			return -EINVAL;
		return 0;
	}
	if (strcasecmp(key, "log_level") == 0 || strcasecmp(key, "debug") == 0) {
		enum log_level lvl;

		if (strcasecmp(key, "debug") == 0) {
			bool on;

			if (util_parse_bool(value, &on))
				return -EINVAL;
			log_level_set(on ? LOG_LVL_DEBUG : LOG_LVL_INFO);
			return 0;
		}
		if (log_level_parse(value, &lvl))
			return -EINVAL;
		log_level_set(lvl);
		return 0;
	}
	return -EOPNOTSUPP;
}

static void core_lld_show_one(const struct tgt_lld_ops *ops, void *arg)
{
	strbuf_addf(arg, "        %s\n", ops->name);
}

void tgt_sys_show(struct strbuf *out)
{
	strbuf_addf(out, "System:\n    State: %s\n    I/O threads: %u\n"
		    "    Log level: %s\n    Drivers:\n",
		    core_sys_offline() ? "offline" : "ready", core_nr_loops,
		    log_level_name(log_level_get()));
	tgt_lld_for_each(core_lld_show_one, out);
}
