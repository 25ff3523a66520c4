/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Commands: submission, unit-attention gate, the per-LU task set with
 * SIMPLE / ORDERED / HEAD OF QUEUE ordering (SAM-5 8.6), completion and
 * abort.
 *
 * A command is RUNNING once handed to SCSI emulation and QUEUED while an
 * earlier ORDERED command (or, for an ORDERED one, any earlier command)
 * is still in the task set.  Completion may happen on any thread; the
 * transport callback is always posted to the command's loop.
 */
#include "core_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mcache.h"
#include "../scsi/scsi.h"
#include "../util/log.h"
#include "../util/util.h"

/* The cache of the loop we run on: commands are loop-local objects. */
static struct mcache *cmd_mcache(void)
{
	return evloop_mcache(evloop_current());
}

void *tgt_buf_get(uint32_t len)
{
	return mcache_block_get(cmd_mcache(), len);
}

void tgt_buf_put(void *buf, uint32_t len)
{
	mcache_block_put(cmd_mcache(), buf, len);
}

struct tgt_cmd *tgt_cmd_alloc(struct tgt_nexus *n, size_t lld_priv_size)
{
	size_t base = ROUND_UP(sizeof(struct tgt_cmd), 16);
	size_t size = base + lld_priv_size;
	struct tgt_cmd *cmd;

	if (size > UINT32_MAX)
		return NULL;
	cmd = mcache_block_get(cmd_mcache(), size);
	if (!cmd)
		return NULL;
	memset(cmd, 0, size);
	cmd->alloc_size = (uint32_t)size;
	if (lld_priv_size)
		cmd->lld_priv = (char *)cmd + base;
	cmd->nexus = n;
	cmd->loop = n->loop;
	list_init(&cmd->task_node);
	list_init(&cmd->nexus_node);
	atomic_fetch_add(&n->refs, 1);
	atomic_fetch_add(&core_live_objs, 1);
	return cmd;
}

int tgt_cmd_buf_alloc(struct tgt_cmd *cmd, uint32_t len)
{
	void *p = tgt_buf_get(len);

	if (!p)
		return -ENOMEM;
	tgt_buf_put(cmd->buf, (uint32_t)cmd->buf_iov.iov_len);
	cmd->buf = p;
	cmd->buf_iov.iov_base = p;
	cmd->buf_iov.iov_len = len;
	cmd->iov = &cmd->buf_iov;
	cmd->iovcnt = 1;
	return 0;
}

void tgt_cmd_free(struct tgt_cmd *cmd)
{
	if (!cmd)
		return;
	tgt_buf_put(cmd->buf, (uint32_t)cmd->buf_iov.iov_len);
	nexus_put(cmd->nexus);
	mcache_block_put(cmd_mcache(), cmd, cmd->alloc_size);
	atomic_fetch_sub(&core_live_objs, 1);
}

/*
 * SAM LUN: peripheral (00b, bus 0) or flat (01b) addressing of the first
 * level; deeper levels must be zero.  Anything else addresses no LU.
 */
static bool cmd_lun_decode(const uint8_t *lun, uint64_t *out)
{
	for (int i = 2; i < 8; i++) {
		if (lun[i])
			return false;
	}
	switch (lun[0] >> 6) {
	case 0:
		if (lun[0] & 0x3f)
			return false;
		*out = lun[1];
		return true;
	case 1:
		*out = ((uint64_t)(lun[0] & 0x3f) << 8) | lun[1];
		return true;
	default:
		return false;
	}
}

/* Caller holds lu->ts_lock. */
static void cmd_task_remove(struct tgt_lu *lu, struct tgt_cmd *cmd)
{
	if (list_node_linked(&cmd->task_node)) {
		list_del(&cmd->task_node);
		if (!(cmd->flags & CMD_F_HOQ) && cmd->attr == TGT_TASK_ORDERED)
			lu->nr_ordered--;
		if (cmd->flags & CMD_F_QUEUED)
			lu->nr_queued--;
	}
	cmd->flags = (cmd->flags & CMD_F_HOQ) | CMD_F_ENDED;
}

static void cmd_finish_work(void *arg)
{
	struct tgt_cmd *cmd = arg;
	struct tgt_nexus *n = cmd->nexus;
	struct tgt_lu *lu = cmd->lu;
	struct tgt_tmf *tmf = cmd->tmf_wait;

	list_del(&cmd->nexus_node);
	if (cmd->aborted) {
		cmd->status = SAM_STAT_TASK_ABORTED;
		cmd->sense_len = 0;
	}
	cmd->lu = NULL;
	cmd->tmf_wait = NULL;
	n->lld->cmd_done(cmd);		/* may free cmd */
	if (lu)
		lu_put(lu);
	if (tmf)
		tmf_pending_put(tmf);
}

static void cmd_finish_post(struct tgt_cmd *cmd)
{
	evloop_work_init(&cmd->work, cmd_finish_work, cmd);
	evloop_post(cmd->loop, &cmd->work);
}

static void cmd_exec_work(void *arg)
{
	struct tgt_cmd *cmd = arg;

	scsi_cmd_exec(lu_dev(cmd->lu), cmd);
}

/*
 * Starts every queued command that no longer waits for an earlier one.
 * Caller holds lu->ts_lock; starting means posting to the command's loop.
 */
static void lu_runnable_dispatch(struct tgt_lu *lu)
{
	bool seen_any = false, seen_ordered = false;
	struct tgt_cmd *c;

	list_for_each_entry(c, &lu->task_set, task_node) {
		bool ordered = c->attr == TGT_TASK_ORDERED;

		if ((c->flags & CMD_F_QUEUED) &&
		    (ordered ? !seen_any : !seen_ordered)) {
			c->flags = CMD_F_RUNNING;
			lu->nr_queued--;
			evloop_work_init(&c->work, cmd_exec_work, c);
			evloop_post(c->loop, &c->work);
		}
		seen_any = true;
		seen_ordered |= ordered;
		if (!lu->nr_queued)
			break;
	}
}

void tgt_cmd_complete(struct tgt_cmd *cmd)
{
	struct tgt_lu *lu = cmd->lu;

	if (lu) {
		pthread_mutex_lock(&lu->ts_lock);
		cmd_task_remove(lu, cmd);
		if (lu->nr_queued)
			lu_runnable_dispatch(lu);
		pthread_mutex_unlock(&lu->ts_lock);
	} else {
		cmd->flags |= CMD_F_ENDED;
	}
	cmd_finish_post(cmd);
}

/* Returns true when the command runs now. */
static bool cmd_task_enqueue(struct tgt_lu *lu, struct tgt_cmd *cmd)
{
	bool run;

	pthread_mutex_lock(&lu->ts_lock);
	if (cmd->attr == TGT_TASK_HEAD_OF_QUEUE) {
		cmd->flags = CMD_F_HOQ | CMD_F_RUNNING;
		list_add_tail(&cmd->task_node, &lu->hoq);
		run = true;
	} else {
		if (cmd->attr == TGT_TASK_ORDERED)
			run = list_empty(&lu->task_set);
		else
			run = lu->nr_ordered == 0;
		cmd->flags = run ? CMD_F_RUNNING : CMD_F_QUEUED;
		list_add_tail(&cmd->task_node, &lu->task_set);
		if (cmd->attr == TGT_TASK_ORDERED)
			lu->nr_ordered++;
		if (!run)
			lu->nr_queued++;
	}
	pthread_mutex_unlock(&lu->ts_lock);
	return run;
}

/*
 * Unit attentions gate a command (SAM-5 5.14): returns true when the
 * command was completed with the pending UA instead of running.
 */
static bool cmd_ua_report(struct tgt_cmd *cmd)
{
	struct tgt_nexus *n = cmd->nexus;
	uint16_t asc;

	switch (scsi_cmd_ua_policy(cmd->cdb)) {
	case SCSI_UA_IGNORE:
		return false;
	case SCSI_UA_REPORT_LUNS:
		nexus_ua_clear(n, cmd->lun_id, ASC_REPORTED_LUNS_CHANGED);
		return false;
	default:
		break;
	}
	if (nexus_ua_pop(n, cmd->lun_id, &asc))
		return false;
	scsi_cmd_sense_ua(lu_dev(cmd->lu), cmd, asc);
	tgt_cmd_complete(cmd);
	return true;
}

static void cmd_reset_result(struct tgt_cmd *cmd)
{
	cmd->status = SAM_STAT_GOOD;
	cmd->sense_len = 0;
	cmd->aborted = false;
	cmd->xfer_len = 0;
	cmd->cdb_xfer_len = 0;
	cmd->flags = 0;
	cmd->tmf_wait = NULL;
}

void tgt_cmd_submit(struct tgt_cmd *cmd)
{
	struct tgt_nexus *n = cmd->nexus;
	uint64_t lun;

	cmd_reset_result(cmd);
	list_add_tail(&cmd->nexus_node, &n->cmds);
	if (n->dead) {
		cmd->aborted = true;
		tgt_cmd_complete(cmd);
		return;
	}
	if (cmd_lun_decode(cmd->lun, &lun)) {
		cmd->lun_id = lun;
		pthread_rwlock_rdlock(&core_lock);
		cmd->lu = lu_lookup_get(n->target, lun);
		pthread_rwlock_unlock(&core_lock);
	}
	if (!cmd->lu) {
		scsi_cmd_exec_nolun(cmd);
		return;
	}
	if (cmd_ua_report(cmd))
		return;
	if (cmd_task_enqueue(cmd->lu, cmd))
		scsi_cmd_exec(lu_dev(cmd->lu), cmd);
}

/*
 * Caller holds lu->ts_lock.  Returns true when this call aborted @cmd.
 * Queued commands end at once; running ones when SCSI emulation ends
 * them.  Either way a TMF counts them until their cmd_done.
 */
static bool cmd_abort_locked(struct tgt_lu *lu, struct tgt_cmd *cmd,
			     struct tgt_tmf *tmf)
{
	if ((cmd->flags & CMD_F_ENDED) || cmd->aborted)
		return false;
	cmd->aborted = true;
	if (tmf && !cmd->tmf_wait) {
		cmd->tmf_wait = tmf;
		atomic_fetch_add(&tmf->pending, 1);
	}
	if (cmd->flags & CMD_F_QUEUED) {
		cmd_task_remove(lu, cmd);
		cmd_finish_post(cmd);
	}
	return true;
}

int cmd_abort_one(struct tgt_cmd *cmd, struct tgt_tmf *tmf)
{
	struct tgt_lu *lu = cmd->lu;
	bool aborted;

	if (!lu)
		return 0;
	pthread_mutex_lock(&lu->ts_lock);
	aborted = cmd_abort_locked(lu, cmd, tmf);
	if (aborted && lu->nr_queued)
		lu_runnable_dispatch(lu);
	pthread_mutex_unlock(&lu->ts_lock);
	return aborted;
}

static int lu_list_abort(struct tgt_lu *lu, struct list_head *list,
			 struct tgt_nexus *n, struct tgt_tmf *tmf,
			 struct tgt_nexus *requester)
{
	struct tgt_cmd *c, *tmp;
	int count = 0;

	list_for_each_entry_safe(c, tmp, list, task_node) {
		if (n && c->nexus != n)
			continue;
		if (!cmd_abort_locked(lu, c, tmf))
			continue;
		count++;
		if (requester && c->nexus != requester)
			nexus_ua_raise(c->nexus, lu->lun,
				       ASC_COMMANDS_CLEARED_OTHER);
	}
	return count;
}

int lu_task_set_abort(struct tgt_lu *lu, struct tgt_nexus *n,
		      struct tgt_tmf *tmf, struct tgt_nexus *requester)
{
	int count;

	pthread_mutex_lock(&lu->ts_lock);
	count = lu_list_abort(lu, &lu->hoq, n, tmf, requester);
	count += lu_list_abort(lu, &lu->task_set, n, tmf, requester);
	if (lu->nr_queued)
		lu_runnable_dispatch(lu);
	pthread_mutex_unlock(&lu->ts_lock);
	return count;
}

/* ---- accessors for the SCSI emulation layer ---- */

bool tgt_cmd_aborted(struct tgt_cmd *cmd)
{
	bool aborted;

	if (!cmd->lu)
		return cmd->aborted;
	pthread_mutex_lock(&cmd->lu->ts_lock);
	aborted = cmd->aborted;
	pthread_mutex_unlock(&cmd->lu->ts_lock);
	return aborted;
}

int tgt_cmd_ua_pop(struct tgt_cmd *cmd, uint16_t *asc_ascq)
{
	return nexus_ua_pop(cmd->nexus, cmd->lun_id, asc_ascq);
}

void tgt_cmd_ua_raise_others(struct tgt_cmd *cmd, uint16_t asc_ascq)
{
	pthread_rwlock_rdlock(&core_lock);
	target_ua_raise_all(cmd->nexus->target, cmd->lun_id, asc_ascq,
			    cmd->nexus);
	pthread_rwlock_unlock(&core_lock);
}

size_t tgt_cmd_luns(struct tgt_cmd *cmd, uint64_t *luns, size_t max)
{
	struct tgt_target *t = cmd->nexus->target;
	struct tgt_lu *lu;
	size_t n = 0;

	pthread_rwlock_rdlock(&core_lock);
	if (list_empty(&t->lus) ||
	    list_first_entry(&t->lus, struct tgt_lu, node)->lun != 0) {
		if (n < max)
			luns[n] = 0;
		n++;
	}
	list_for_each_entry(lu, &t->lus, node) {
		if (n < max)
			luns[n] = lu->lun;
		n++;
	}
	pthread_rwlock_unlock(&core_lock);
	return n;
}

uint64_t tgt_cmd_nexus_key(const struct tgt_cmd *cmd)
{
	return cmd->nexus->key;
}

uint16_t tgt_cmd_port_id(const struct tgt_cmd *cmd)
{
	return 1;
}

const char *tgt_cmd_target_name(const struct tgt_cmd *cmd)
{
	return cmd->nexus->target->name;
}

int tgt_cmd_tid(const struct tgt_cmd *cmd)
{
	return cmd->nexus->target->tid;
}
