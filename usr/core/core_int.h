/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Core internals shared by the usr/core sources only.
 *
 * Locking (see doc/design.md):
 *  - core_lock (rwlock) protects the target list, each target's LU list,
 *    nexus list, ACLs and account bindings.  Management takes it for
 *    writing; the I/O path takes it for reading only to look up an LU
 *    and pin it with a reference.
 *  - lu->ts_lock protects an LU's task set and each queued command's
 *    state, aborted flag and tmf_wait.
 *  - nexus->ua_lock protects the nexus's pending unit attentions.
 *  - A nexus's command list is touched only on the nexus's loop.
 *  - Lifetimes are reference counts: an LU is pinned by each command
 *    running on it; a nexus by each outstanding command; a target by its
 *    list entry and each nexus.
 */
#ifndef TGT_CORE_INT_H
#define TGT_CORE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "tgt.h"
#include "target.h"
#include "../util/list.h"

struct scsi_dev;

/* cmd->flags: state in the task set. */
#define CMD_F_QUEUED	0x1	/* in the task set, waiting */
#define CMD_F_RUNNING	0x2	/* dispatched to SCSI emulation */
#define CMD_F_ENDED	0x4	/* tgt_cmd_complete() called */
#define CMD_F_HOQ	0x8	/* head of queue: not in order checks */

struct tgt_acl {
	struct list_head node;
	enum tgt_acl_kind kind;
	char pattern[TGT_NAME_MAX];
};

struct tgt_binding {
	struct list_head node;
	char user[TGT_NAME_MAX];
	bool outgoing;
};

struct tgt_target {
	struct list_head node;		/* core.targets */
	int tid;
	char name[TGT_NAME_MAX];
	char lld[16];
	bool offline;
	atomic_int refs;
	struct list_head lus;		/* struct tgt_lu, sorted by lun */
	struct list_head nexuses;	/* struct tgt_nexus */
	struct list_head acls;		/* struct tgt_acl */
	struct list_head bindings;	/* struct tgt_binding */
	struct tgt_lu *ctrl;		/* LUN 0 controller when no LU 0 */
};

struct tgt_lu {
	struct list_head node;		/* target->lus */
	struct tgt_target *target;	/* not a reference: LU dies first */
	uint64_t lun;
	atomic_int refs;
	struct scsi_dev *dev;
	pthread_mutex_t ts_lock;
	struct list_head task_set;	/* non-HOQ commands, arrival order */
	struct list_head hoq;		/* head-of-queue commands */
	unsigned nr_queued;		/* waiting commands in task_set */
	unsigned nr_ordered;		/* ORDERED commands in task_set */
};

struct tgt_ua {
	struct list_head node;
	uint64_t lun;
	uint16_t asc;
	uint8_t prio;			/* lower reports first */
};

struct tgt_nexus {
	struct list_head node;		/* target->nexuses */
	struct tgt_target *target;	/* reference */
	const struct tgt_lld_ops *lld;
	void *lld_priv;
	struct evloop *loop;
	uint64_t itn_id;
	uint64_t key;			/* unique, for reservations */
	char initiator[TGT_NAME_MAX];
	char addr[TGT_ADDR_MAX];
	atomic_int refs;		/* 1 + outstanding commands/TMFs */
	bool dead;			/* tgt_nexus_destroy() called */
	struct list_head cmds;		/* outstanding, loop-owned */
	pthread_mutex_t ua_lock;
	struct list_head uas;		/* struct tgt_ua by prio, arrival */
};

extern pthread_rwlock_t core_lock;
/* Commands and TMFs allocated and not yet freed, for the shutdown drain. */
extern atomic_int core_live_objs;
extern struct list_head core_targets;

/* core.c */
struct tgt_target *core_target_lookup(int tid);	/* core_lock held */
void core_target_put(struct tgt_target *t);
bool core_sys_offline(void);

/* target.c: caller holds core_lock. */
bool target_acl_admits(struct tgt_target *t, const char *name,
		       const char *addr);

/* lu.c */
struct tgt_lu *lu_lookup_get(struct tgt_target *t, uint64_t lun);
void lu_put(struct tgt_lu *lu);
int lu_alloc(struct tgt_target *t, uint64_t lun,
	     const struct scsi_dev_spec *spec, struct tgt_lu **out,
	     char *err, size_t errlen);
struct scsi_dev *lu_dev(struct tgt_lu *lu);

/* nexus.c: unit attentions */
void nexus_ua_raise(struct tgt_nexus *n, uint64_t lun, uint16_t asc);
void nexus_ua_clear(struct tgt_nexus *n, uint64_t lun, uint16_t asc);
int nexus_ua_pop(struct tgt_nexus *n, uint64_t lun, uint16_t *asc);
bool nexus_ua_pending(struct tgt_nexus *n, uint64_t lun);
/* Raises @asc for @lun on every nexus of @t except @skip (core_lock held). */
void target_ua_raise_all(struct tgt_target *t, uint64_t lun, uint16_t asc,
			 struct tgt_nexus *skip);
void nexus_put(struct tgt_nexus *n);
/* Raises @asc on every LUN of @n (takes core_lock). */
void nexus_ua_raise_all_luns(struct tgt_nexus *n, uint16_t asc);
/* Releases @n's SCSI-2 reservations (takes core_lock). */
void nexus_reservations_release(struct tgt_nexus *n);

/* cmd.c: task sets */
/* Marks every command of @lu matching @n (NULL: all) aborted; queued ones
 * end now, running ones end when the backing store returns.  Those still
 * running count towards @tmf (may be NULL).  Returns how many. */
int lu_task_set_abort(struct tgt_lu *lu, struct tgt_nexus *n,
		      struct tgt_tmf *tmf, struct tgt_nexus *other_ua_skip);
int cmd_abort_one(struct tgt_cmd *cmd, struct tgt_tmf *tmf);

/* tmf.c */
void tmf_pending_put(struct tgt_tmf *tmf);

#endif
