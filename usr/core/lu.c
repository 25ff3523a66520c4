/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logical units: LUN -> emulated SCSI device, plus the LU's task set.
 * Creation opens the backing store outside core_lock so I/O loops looking
 * up other LUs never wait on a slow open.
 */
#include "core_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scsi/scsi.h"
#include "../util/log.h"
#include "../util/util.h"

struct scsi_dev *lu_dev(struct tgt_lu *lu)
{
	return lu->dev;
}

/* Caller holds core_lock (read or write). */
static struct tgt_lu *lu_lookup(struct tgt_target *t, uint64_t lun)
{
	struct tgt_lu *lu;

	list_for_each_entry(lu, &t->lus, node) {
		if (lu->lun == lun)
			return lu;
		if (lu->lun > lun)
			break;
	}
	return NULL;
}

/* Caller holds core_lock; LUN 0 falls back to the target's controller. */
struct tgt_lu *lu_lookup_get(struct tgt_target *t, uint64_t lun)
{
	struct tgt_lu *lu = lu_lookup(t, lun);

	if (!lu && lun == 0)
		lu = t->ctrl;
	if (lu)
		atomic_fetch_add(&lu->refs, 1);
	return lu;
}

void lu_put(struct tgt_lu *lu)
{
	if (atomic_fetch_sub(&lu->refs, 1) != 1)
		return;
	scsi_dev_destroy(lu->dev);
	pthread_mutex_destroy(&lu->ts_lock);
	free(lu);
}

int lu_alloc(struct tgt_target *t, uint64_t lun,
	     const struct scsi_dev_spec *spec, struct tgt_lu **out,
	     char *err, size_t errlen)
{
	struct tgt_lu *lu = calloc(1, sizeof(*lu));
	int ret;

	if (!lu)
		return -ENOMEM;
	ret = scsi_dev_create(spec, &lu->dev, err, errlen);
	if (ret) {
		free(lu);
		return ret == -EINVAL || ret == -ENOMEM ? ret : -ENXIO;
	}
	list_init(&lu->node);
	lu->target = t;
	lu->lun = lun;
	atomic_init(&lu->refs, 1);
	pthread_mutex_init(&lu->ts_lock, NULL);
	list_init(&lu->task_set);
	list_init(&lu->hoq);
	*out = lu;
	return 0;
}

/* LUN inventory changed: every other LU of every nexus learns it. */
static void lu_inventory_changed(struct tgt_target *t, uint64_t changed)
{
	struct tgt_lu *lu;
	bool lun0 = false;

	list_for_each_entry(lu, &t->lus, node) {
		if (lu->lun == 0)
			lun0 = true;
		if (lu->lun != changed)
			target_ua_raise_all(t, lu->lun, ASC_REPORTED_LUNS_CHANGED,
					    NULL);
	}
	if (!lun0 && changed != 0)
		target_ua_raise_all(t, 0, ASC_REPORTED_LUNS_CHANGED, NULL);
}

static void lu_insert_sorted(struct tgt_target *t, struct tgt_lu *nlu)
{
	struct tgt_lu *lu;

	list_for_each_entry(lu, &t->lus, node) {
		if (lu->lun > nlu->lun)
			break;
	}
	list_add_tail(&nlu->node, &lu->node);
}

static int lu_spec_check(int tid, uint64_t lun, char *err, size_t errlen)
{
	if (lun > TGT_LUN_MAX) {
		snprintf(err, errlen, "lun %llu out of range (0..%d)",
			 (unsigned long long)lun, TGT_LUN_MAX);
		return -EINVAL;
	}
	return 0;
}

int tgt_lu_create(int tid, uint64_t lun, const struct scsi_dev_spec *spec,
		  char *err, size_t errlen)
{
	struct scsi_dev_spec s = *spec;
	struct tgt_target *t;
	struct tgt_lu *lu;
	int ret = lu_spec_check(tid, lun, err, errlen);

	if (ret)
		return ret;
	pthread_rwlock_rdlock(&core_lock);
	t = core_target_lookup(tid);
	ret = !t ? -ENOENT : lu_lookup(t, lun) ? -EEXIST : 0;
	pthread_rwlock_unlock(&core_lock);
	if (ret)
		return ret;
	s.tid = tid;
	s.lun = lun;
	ret = lu_alloc(NULL, lun, &s, &lu, err, errlen);
	if (ret)
		return ret;
	pthread_rwlock_wrlock(&core_lock);
	t = core_target_lookup(tid);
	ret = !t ? -ENOENT : lu_lookup(t, lun) ? -EEXIST : 0;
	if (!ret) {
		lu->target = t;
		lu_insert_sorted(t, lu);
		lu_inventory_changed(t, lun);
	}
	pthread_rwlock_unlock(&core_lock);
	if (ret)
		lu_put(lu);
	else
		log_info("target %d: LUN %llu created", tid,
			 (unsigned long long)lun);
	return ret;
}

int tgt_lu_destroy(int tid, uint64_t lun, bool force)
{
	struct tgt_target *t;
	struct tgt_lu *lu = NULL;
	int ret = 0;

	pthread_rwlock_wrlock(&core_lock);
	t = core_target_lookup(tid);
	if (!t)
		ret = -ENOENT;
	else if (!(lu = lu_lookup(t, lun)))
		ret = -ENODATA;
	else if (atomic_load(&lu->refs) > 1 && !force)
		ret = -EBUSY;
	if (!ret) {
		list_del(&lu->node);
		lu_inventory_changed(t, lun);
	}
	pthread_rwlock_unlock(&core_lock);
	if (ret)
		return ret;
	lu_put(lu);
	log_info("target %d: LUN %llu deleted", tid, (unsigned long long)lun);
	return 0;
}

/* Re-reads the backing size; a change is a CAPACITY DATA HAS CHANGED UA. */
static int lu_rescan(struct tgt_target *t, struct tgt_lu *lu)
{
	bool changed = false;
	int ret = scsi_dev_refresh_size(lu->dev, &changed);

	if (!ret && changed) {
		pthread_rwlock_rdlock(&core_lock);
		target_ua_raise_all(t, lu->lun, ASC_CAPACITY_CHANGED, NULL);
		pthread_rwlock_unlock(&core_lock);
	}
	return ret;
}

int tgt_lu_update(int tid, uint64_t lun, const char *key, const char *value)
{
	struct tgt_target *t;
	struct tgt_lu *lu = NULL;
	int ret = 0;

	pthread_rwlock_rdlock(&core_lock);
	t = core_target_lookup(tid);
	if (!t)
		ret = -ENOENT;
	else if (!(lu = lu_lookup(t, lun)))
		ret = -ENODATA;
	else
		atomic_fetch_add(&lu->refs, 1);
	pthread_rwlock_unlock(&core_lock);
	if (ret)
		return ret;
	if (strcmp(key, "rescan") == 0)
		ret = lu_rescan(t, lu);
	else
		ret = scsi_dev_param_set(lu->dev, key, value);
	if (ret == -ENOENT)
		ret = -EOPNOTSUPP;
	lu_put(lu);
	return ret;
}
