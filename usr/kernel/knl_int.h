/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the kernel transport, shared by kernel.c (life cycle,
 * event dispatch, nexuses), cmd.c (commands, task management) and bind.c
 * (host bindings, tgtadm, show and dump).
 *
 * Threading (on top of usr/core/tgt.h's contract):
 *  - The socket, the command hash, the retry timer and every nexus live
 *    on one I/O loop, knl_loop(), chosen at init.  The management thread
 *    never touches them: it posts work to that loop (bind -> replay,
 *    unbind -> drop the host's nexuses, nexus_kill -> destroy one).
 *  - knl_lock, a leaf mutex, protects the binding table and the nexus
 *    table's membership: the management thread reads both (show, dump,
 *    bind checks) and the loop reads bindings on IT_NEXUS_REQ.  Only the
 *    management thread writes bindings; only the loop writes the nexus
 *    table (under the lock) and reads it without.  Nothing calls into
 *    the core holding knl_lock: the core calls target_dump/nexus_show
 *    under its own lock, so the order is core_lock -> knl_lock.
 */
#ifndef TGT_KERNEL_KNL_INT_H
#define TGT_KERNEL_KNL_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "core/tgt.h"
#include "kernel/kernel.h"
#include "kernel/knl_msg.h"
#include "util/list.h"
#include "util/log.h"

struct nl_msg;
struct strbuf;
struct mgmt_req;

#define KNL_RETRY_MS	2000	/* reconnect period while scsi_tgt is away */

/* SPC: ABORTED COMMAND / DATA PHASE ERROR, for a failed data-out copy. */
#define KNL_ASC_DATA_PHASE_ERROR	0x4b00

/* One I_T nexus of a kernel host; lld_priv of its tgt_nexus. */
struct knl_nexus {
	struct list_head node;		/* the nexus table */
	struct tgt_nexus *n;
	uint32_t host;			/* immutable from creation: */
	uint64_t itn_id;		/* nexus_show reads these from */
	int tid;			/* the management thread */
	uint64_t id;			/* unique: names it in posted work */
	uint32_t max_cmds;
	char initiator[TGT_NAME_MAX];
};

extern pthread_mutex_t knl_lock;

/* ---- kernel.c: loop, connection, nexuses ---- */

struct evloop *knl_loop(void);
/* Generic netlink id of scsi_tgt (valid while registered). */
int knl_family(void);
/* Current registration (0: none); commands remember theirs. */
uint64_t knl_gen(void);
/* True while registration @gen is the live one: answers may be sent. */
bool knl_live(uint64_t gen);
/*
 * Loop only.  Sends @msg (consumed; NULL means it could not be built:
 * -ENOMEM) and returns the kernel's 0/-errno, or -ENOTCONN.
 */
int knl_request(struct nl_msg *msg);
/*
 * Loop only.  Sends @msg (consumed) without waiting for the kernel: 0
 * (sent; *@seq names it), or a local failure (-ENOTCONN, -ENOMEM, -EIO).
 * A refusal comes later, in order with the events, as
 * knl_cmd_refused(seq, -errno); success is silent.
 */
int knl_send(struct nl_msg *msg, uint32_t *seq);
/* Loop only.  The extended-ack text of the last refused request, or "". */
const char *knl_ack_text(void);
/* Loop only.  The nexus (host, itn_id) or NULL. */
struct knl_nexus *knl_nexus_find(uint32_t host, uint64_t itn_id);
/* Appends host @host's nexuses for "--mode lld --op show"; knl_lock held. */
void knl_nexus_show_locked(uint32_t host, struct strbuf *out);
/* One line describing the connection, for show. */
const char *knl_state_str(void);

/* Work for the loop, from the management thread (no-op before init). */
enum knl_post_op {
	KNL_POST_REPLAY,	/* NEXUS_REPLAY for a host just bound */
	KNL_POST_DROP,		/* destroy a host's nexuses (unbound) */
	KNL_POST_KILL,		/* destroy one nexus (nexus_kill) */
};
void knl_post(enum knl_post_op op, uint32_t host, uint64_t nexus_id);

/* Loop only: rate-limited warning (malformed events, refused answers). */
bool knl_ratelimit_ok(void);
#define knl_warn_rl(...)						\
	do {								\
		if (knl_ratelimit_ok())					\
			log_warn(__VA_ARGS__);				\
	} while (0)

/* "key=value,..." of --kernel: none are known yet.  0 or -EINVAL. */
int knl_opts_parse(const char *opts, char *err, size_t errlen);

/*
 * Runs @fn(@arg) on the transport's loop and returns its result; runs
 * it directly when called on that loop.  Blocks the caller: management
 * and start-up only.
 */
int knl_loop_call(int (*fn)(void *arg), void *arg);

/* ---- cmd.c: commands and task management (loop only) ---- */

int knl_cmds_init(void);
/* @bad: the event was malformed (ev->has_key set): answer with an error. */
void knl_cmd_req(const struct knl_event *ev, bool bad);
void knl_cmd_done_event(const struct knl_event *ev);
void knl_tmf_req(const struct knl_event *ev, bool bad);
void knl_cmd_done(struct tgt_cmd *cmd);
void knl_tmf_done(struct tgt_tmf *tmf);
/*
 * The socket was read empty with no overflow since: every answer sent
 * before that read and not refused was taken by the kernel.
 */
void knl_cmds_confirm(void);
/* The kernel refused the answer sent as @seq (see knl_send). */
void knl_cmd_refused(uint32_t seq, int err);
/*
 * The receive queue overflowed, which may have dropped refusals: answers
 * not yet confirmed are sent again, waiting for the kernel's verdict.
 */
void knl_cmds_resync(void);
/* The registration ended: nothing outstanding will be answered. */
void knl_cmds_forget(void);
/* Commands tracked (answer pending or unconfirmed), for tests. */
size_t knl_cmds_count(void);

/* ---- bind.c: host -> target bindings ---- */

/* A binding table (the transport's is global; tests make their own). */
struct knl_bind_table {
	struct list_head list;
};
#define KNL_BIND_TABLE_INIT(t) { LIST_HEAD_INIT((t).list) }

/* 0, -EEXIST (*cur_tid says to which target), -ENOMEM. */
int knl_bind_table_add(struct knl_bind_table *t, uint32_t host, int tid,
		       int *cur_tid);
/* The removed binding's tid, or -ENOENT. */
int knl_bind_table_del(struct knl_bind_table *t, uint32_t host);
int knl_bind_table_lookup(const struct knl_bind_table *t, uint32_t host,
			  int *tid);
/* The host bound to @tid, or -ENOENT. */
int knl_bind_table_host_of(const struct knl_bind_table *t, int tid,
			   uint32_t *host);
void knl_bind_table_clear(struct knl_bind_table *t);

/* The global table, under knl_lock.  Any thread. */
int knl_bind_lookup(uint32_t host, int *tid);

/* The lld hooks (see struct tgt_lld_ops); management thread. */
int knl_mgmt(const struct mgmt_req *req, struct strbuf *out);
void knl_target_dump(int tid, struct strbuf *out);

/* ---- test hooks (tests/unit/check_kernel_lld.c) ---- */

/*
 * Replaces the kernel: on the loop, marks the transport registered with
 * requests going to @sink, which returns the kernel's answer (0/-errno)
 * and may queue events with knl_test_event.  knl_test_detach() acts as
 * if the socket had closed.  Both through knl_loop_call().
 */
typedef int (*knl_test_sink_fn)(const struct nlmsghdr *nlh, void *arg);
int knl_test_attach(knl_test_sink_fn sink, void *arg);
int knl_test_detach(void);
/* Loop only: queues an event as if read from the socket. */
int knl_test_event(const struct nlmsghdr *nlh);

#endif
