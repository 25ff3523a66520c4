/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Task management (SAM-5 7): each function marks the commands it affects
 * aborted and answers only after every one of them has reached the
 * transport's cmd_done.  tmf->pending counts them, plus one for the
 * submission itself so the answer cannot race ahead of the marking.
 */
#include "core_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../scsi/scsi.h"
#include "../util/log.h"
#include "../util/util.h"

struct tgt_tmf *tgt_tmf_alloc(struct tgt_nexus *n, size_t lld_priv_size)
{
	size_t base = ROUND_UP(sizeof(struct tgt_tmf), 16);
	struct tgt_tmf *tmf = calloc(1, base + lld_priv_size);

	if (!tmf)
		return NULL;
	if (lld_priv_size)
		tmf->lld_priv = (char *)tmf + base;
	tmf->nexus = n;
	tmf->loop = n->loop;
	atomic_fetch_add(&n->refs, 1);
	atomic_fetch_add(&core_live_objs, 1);
	return tmf;
}

void tgt_tmf_free(struct tgt_tmf *tmf)
{
	if (!tmf)
		return;
	nexus_put(tmf->nexus);
	free(tmf);
	atomic_fetch_sub(&core_live_objs, 1);
}

static void tmf_done_work(void *arg)
{
	struct tgt_tmf *tmf = arg;

	log_debug("nexus %llu: TMF %u tag %llu done: %u",
		  (unsigned long long)tmf->nexus->itn_id, tmf->fn,
		  (unsigned long long)tmf->tag, tmf->result);
	if (tmf->nexus->lld->tmf_done)
		tmf->nexus->lld->tmf_done(tmf);
	else
		tgt_tmf_free(tmf);
}

void tmf_pending_put(struct tgt_tmf *tmf)
{
	if (atomic_fetch_sub(&tmf->pending, 1) != 1)
		return;
	evloop_work_init(&tmf->work, tmf_done_work, tmf);
	evloop_post(tmf->loop, &tmf->work);
}

static struct tgt_cmd *tmf_task_find(struct tgt_nexus *n, uint64_t tag)
{
	struct tgt_cmd *cmd;

	list_for_each_entry(cmd, &n->cmds, nexus_node) {
		if (cmd->tag == tag && !(cmd->flags & CMD_F_ENDED))
			return cmd;
	}
	return NULL;
}

static void tmf_abort_task(struct tgt_tmf *tmf, bool query)
{
	struct tgt_cmd *cmd = tmf_task_find(tmf->nexus, tmf->ref_tag);

	if (query) {
		tmf->result = cmd ? TGT_TMF_SUCCEEDED : TGT_TMF_COMPLETE;
		return;
	}
	if (!cmd || !cmd_abort_one(cmd, tmf))
		tmf->result = TGT_TMF_NO_TASK;
}

/* LU-scoped functions: pins the LU addressed by the TMF. */
static struct tgt_lu *tmf_lu_get(struct tgt_tmf *tmf)
{
	struct tgt_lu *lu = NULL;
	uint64_t lun;

	if ((tmf->lun[0] >> 6) > 1 || (tmf->lun[0] >> 6 == 0 && tmf->lun[0]))
		return NULL;
	lun = ((uint64_t)(tmf->lun[0] & 0x3f) << 8) | tmf->lun[1];
	pthread_rwlock_rdlock(&core_lock);
	lu = lu_lookup_get(tmf->nexus->target, lun);
	pthread_rwlock_unlock(&core_lock);
	return lu;
}

static void tmf_lu_reset(struct tgt_tmf *tmf, struct tgt_lu *lu,
			 uint16_t asc)
{
	lu_task_set_abort(lu, NULL, tmf, NULL);
	scsi_dev_reset(lu->dev);
	pthread_rwlock_rdlock(&core_lock);
	target_ua_raise_all(tmf->nexus->target, lu->lun, asc, NULL);
	pthread_rwlock_unlock(&core_lock);
}

static void tmf_lu_fn(struct tgt_tmf *tmf)
{
	struct tgt_lu *lu = tmf_lu_get(tmf);

	if (!lu) {
		tmf->result = TGT_TMF_NO_LUN;
		return;
	}
	switch (tmf->fn) {
	case TGT_TMF_ABORT_TASK_SET:
		lu_task_set_abort(lu, tmf->nexus, tmf, NULL);
		break;
	case TGT_TMF_CLEAR_TASK_SET:
		lu_task_set_abort(lu, NULL, tmf, tmf->nexus);
		break;
	case TGT_TMF_LUN_RESET:
		tmf_lu_reset(tmf, lu, ASC_BUS_DEVICE_RESET);
		break;
	default:
		break;
	}
	lu_put(lu);
}

static void tmf_nexus_reset(struct tgt_tmf *tmf)
{
	struct tgt_nexus *n = tmf->nexus;
	struct tgt_cmd *cmd, *tmp;

	list_for_each_entry_safe(cmd, tmp, &n->cmds, nexus_node)
		cmd_abort_one(cmd, tmf);
	nexus_reservations_release(n);
	nexus_ua_raise_all_luns(n, ASC_NEXUS_LOSS);
}

/* Pins every LU of the target (and the controller) for a target reset. */
static size_t tmf_target_lus_get(struct tgt_target *t, struct tgt_lu **lus,
				 size_t max)
{
	struct tgt_lu *lu;
	size_t n = 0;

	pthread_rwlock_rdlock(&core_lock);
	list_for_each_entry(lu, &t->lus, node) {
		if (n == max)
			break;
		atomic_fetch_add(&lu->refs, 1);
		lus[n++] = lu;
	}
	if (n < max) {
		atomic_fetch_add(&t->ctrl->refs, 1);
		lus[n++] = t->ctrl;
	}
	pthread_rwlock_unlock(&core_lock);
	return n;
}

static void tmf_target_reset(struct tgt_tmf *tmf)
{
	struct tgt_lu **lus = calloc(TGT_LUN_MAX + 2, sizeof(*lus));
	size_t n;

	if (!lus) {
		tmf->result = TGT_TMF_FAILED;
		return;
	}
	n = tmf_target_lus_get(tmf->nexus->target, lus, TGT_LUN_MAX + 2);
	for (size_t i = 0; i < n; i++) {
		tmf_lu_reset(tmf, lus[i], ASC_POWER_ON_RESET);
		lu_put(lus[i]);
	}
	free(lus);
}

void tgt_tmf_submit(struct tgt_tmf *tmf)
{
	atomic_store(&tmf->pending, 1);
	tmf->result = TGT_TMF_COMPLETE;
	log_debug("nexus %llu: TMF %u tag %llu ref %llu",
		  (unsigned long long)tmf->nexus->itn_id, tmf->fn,
		  (unsigned long long)tmf->tag,
		  (unsigned long long)tmf->ref_tag);
	switch (tmf->fn) {
	case TGT_TMF_ABORT_TASK:
		tmf_abort_task(tmf, false);
		break;
	case TGT_TMF_QUERY_TASK:
		tmf_abort_task(tmf, true);
		break;
	case TGT_TMF_ABORT_TASK_SET:
	case TGT_TMF_CLEAR_TASK_SET:
	case TGT_TMF_LUN_RESET:
		tmf_lu_fn(tmf);
		break;
	case TGT_TMF_IT_NEXUS_RESET:
		tmf_nexus_reset(tmf);
		break;
	case TGT_TMF_TARGET_RESET:
		tmf_target_reset(tmf);
		break;
	default:
		tmf->result = TGT_TMF_REJECTED;
		break;
	}
	tmf_pending_put(tmf);
}
