/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * I_T nexuses and their unit attentions.
 *
 * UA ordering (SAM-5 5.14): POWER ON / RESET class conditions (29h) are
 * reported before any other; the rest in the order they occurred.  A
 * condition already pending for the same LUN is not queued twice.
 */
#include "core_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../scsi/scsi.h"
#include "../util/log.h"
#include "../util/util.h"

static atomic_uint_fast64_t nexus_key_next = 1;

static uint8_t nexus_ua_prio(uint16_t asc)
{
	return (asc >> 8) == 0x29 ? 0 : 1;
}

void nexus_ua_raise(struct tgt_nexus *n, uint64_t lun, uint16_t asc)
{
	struct tgt_ua *ua, *pos;

	pthread_mutex_lock(&n->ua_lock);
	list_for_each_entry(pos, &n->uas, node) {
		if (pos->lun == lun && pos->asc == asc)
			goto unlock;
	}
	ua = calloc(1, sizeof(*ua));
	if (!ua) {
		log_err("nexus %llu: UA %04x lost: out of memory",
			(unsigned long long)n->itn_id, asc);
		goto unlock;
	}
	ua->lun = lun;
	ua->asc = asc;
	ua->prio = nexus_ua_prio(asc);
	list_for_each_entry(pos, &n->uas, node) {
		if (pos->prio > ua->prio)
			break;
	}
	list_add_tail(&ua->node, &pos->node);
unlock:
	pthread_mutex_unlock(&n->ua_lock);
}

void nexus_ua_clear(struct tgt_nexus *n, uint64_t lun, uint16_t asc)
{
	struct tgt_ua *ua, *tmp;

	pthread_mutex_lock(&n->ua_lock);
	list_for_each_entry_safe(ua, tmp, &n->uas, node) {
		if (ua->lun == lun && ua->asc == asc) {
			list_del(&ua->node);
			free(ua);
		}
	}
	pthread_mutex_unlock(&n->ua_lock);
}

int nexus_ua_pop(struct tgt_nexus *n, uint64_t lun, uint16_t *asc)
{
	struct tgt_ua *ua;
	int ret = -ENOENT;

	pthread_mutex_lock(&n->ua_lock);
	list_for_each_entry(ua, &n->uas, node) {
		if (ua->lun == lun) {
			*asc = ua->asc;
			list_del(&ua->node);
			free(ua);
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&n->ua_lock);
	return ret;
}

bool nexus_ua_pending(struct tgt_nexus *n, uint64_t lun)
{
	struct tgt_ua *ua;
	bool found = false;

	pthread_mutex_lock(&n->ua_lock);
	list_for_each_entry(ua, &n->uas, node) {
		if (ua->lun == lun) {
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&n->ua_lock);
	return found;
}

/* Caller holds core_lock. */
void target_ua_raise_all(struct tgt_target *t, uint64_t lun, uint16_t asc,
			 struct tgt_nexus *skip)
{
	struct tgt_nexus *n;

	list_for_each_entry(n, &t->nexuses, node) {
		if (n != skip)
			nexus_ua_raise(n, lun, asc);
	}
}

/* Every LUN the nexus can address, including the LUN 0 controller. */
static void nexus_ua_raise_luns(struct tgt_nexus *n, uint16_t asc)
{
	struct tgt_lu *lu;
	bool lun0 = false;

	list_for_each_entry(lu, &n->target->lus, node) {
		lun0 |= lu->lun == 0;
		nexus_ua_raise(n, lu->lun, asc);
	}
	if (!lun0)
		nexus_ua_raise(n, 0, asc);
}

void nexus_ua_raise_all_luns(struct tgt_nexus *n, uint16_t asc)
{
	pthread_rwlock_rdlock(&core_lock);
	nexus_ua_raise_luns(n, asc);
	pthread_rwlock_unlock(&core_lock);
}

static struct tgt_nexus *nexus_find(struct tgt_target *t, uint64_t itn_id)
{
	struct tgt_nexus *n;

	list_for_each_entry(n, &t->nexuses, node) {
		if (n->itn_id == itn_id)
			return n;
	}
	return NULL;
}

static struct tgt_nexus *nexus_alloc(const struct tgt_lld_ops *lld,
				     uint64_t itn_id, const char *name,
				     const char *addr, struct evloop *loop,
				     void *lld_priv)
{
	struct tgt_nexus *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->lld = lld;
	n->lld_priv = lld_priv;
	n->loop = loop;
	n->itn_id = itn_id;
	n->key = atomic_fetch_add(&nexus_key_next, 1);
	if (name)
		util_strscpy(n->initiator, name, sizeof(n->initiator));
	if (addr)
		util_strscpy(n->addr, addr, sizeof(n->addr));
	atomic_init(&n->refs, 1);
	list_init(&n->node);
	list_init(&n->cmds);
	list_init(&n->uas);
	pthread_mutex_init(&n->ua_lock, NULL);
	return n;
}

static void nexus_free(struct tgt_nexus *n)
{
	while (!list_empty(&n->uas)) {
		struct tgt_ua *ua = list_first_entry(&n->uas, struct tgt_ua,
						     node);

		list_del(&ua->node);
		free(ua);
	}
	pthread_mutex_destroy(&n->ua_lock);
	free(n);
}

/* Caller holds core_lock for writing. */
static int nexus_attach(struct tgt_nexus *n, int tid)
{
	struct tgt_target *t = core_target_lookup(tid);

	if (!t)
		return -ENOENT;
	if (t->offline || core_sys_offline())
		return -EAGAIN;
	if (!target_acl_admits(t, n->initiator[0] ? n->initiator : NULL,
			       n->addr[0] ? n->addr : NULL))
		return -EACCES;
	if (nexus_find(t, n->itn_id))
		return -EEXIST;
	n->target = t;
	atomic_fetch_add(&t->refs, 1);
	list_add_tail(&n->node, &t->nexuses);
	nexus_ua_raise_luns(n, ASC_POWER_ON_RESET);
	return 0;
}

int tgt_nexus_create(const struct tgt_lld_ops *lld, int tid, uint64_t itn_id,
		     const char *initiator_name, const char *initiator_addr,
		     struct evloop *loop, void *lld_priv,
		     struct tgt_nexus **out)
{
	struct tgt_nexus *n = nexus_alloc(lld, itn_id, initiator_name,
					  initiator_addr, loop, lld_priv);
	int ret;

	if (!n)
		return -ENOMEM;
	pthread_rwlock_wrlock(&core_lock);
	ret = nexus_attach(n, tid);
	pthread_rwlock_unlock(&core_lock);
	if (ret) {
		log_info("target %d: nexus %llu (%s %s) refused: %s", tid,
			 (unsigned long long)itn_id,
			 initiator_name ? initiator_name : "-",
			 initiator_addr ? initiator_addr : "-", strerror(-ret));
		nexus_free(n);
		return ret;
	}
	log_info("target %d: nexus %llu created for %s %s", tid,
		 (unsigned long long)itn_id,
		 initiator_name ? initiator_name : "-",
		 initiator_addr ? initiator_addr : "-");
	*out = n;
	return 0;
}

/*
 * A transport that keeps an I_T nexus across a new connection (iSCSI
 * connection reinstatement) hands it to another loop.  Nothing of the
 * nexus may be in flight: commands and TMFs captured the old loop when
 * they were allocated.  The ACL is checked again: the initiator may come
 * from another address now.
 */
int tgt_nexus_rehome(struct tgt_nexus *n, struct evloop *loop,
		     void *lld_priv, const char *initiator_addr)
{
	char old[TGT_ADDR_MAX];
	int ret = 0;

	if (atomic_load(&n->refs) != 1 || n->dead)
		return -EBUSY;
	pthread_rwlock_wrlock(&core_lock);
	memcpy(old, n->addr, sizeof(old));
	util_strscpy(n->addr, initiator_addr ? initiator_addr : "",
		     sizeof(n->addr));
	if (n->target->offline || core_sys_offline())
		ret = -EAGAIN;
	else if (!target_acl_admits(n->target,
				    n->initiator[0] ? n->initiator : NULL,
				    n->addr[0] ? n->addr : NULL))
		ret = -EACCES;
	if (ret) {
		memcpy(n->addr, old, sizeof(old));
	} else {
		n->loop = loop;
		n->lld_priv = lld_priv;
	}
	pthread_rwlock_unlock(&core_lock);
	log_info("nexus %llu moved to a new connection from %s%s%s",
		 (unsigned long long)n->itn_id,
		 initiator_addr ? initiator_addr : "-", ret ? ": " : "",
		 ret ? strerror(-ret) : "");
	return ret;
}

void nexus_put(struct tgt_nexus *n)
{
	if (atomic_fetch_sub(&n->refs, 1) != 1)
		return;
	if (n->target)
		core_target_put(n->target);
	nexus_free(n);
}

/* Drops the nexus's SCSI-2 reservations on every LU.  core_lock held. */
static void nexus_reservations_drop(struct tgt_nexus *n)
{
	struct tgt_lu *lu;

	list_for_each_entry(lu, &n->target->lus, node)
		scsi_dev_nexus_gone(lu->dev, n->key);
	scsi_dev_nexus_gone(n->target->ctrl->dev, n->key);
}

void nexus_reservations_release(struct tgt_nexus *n)
{
	pthread_rwlock_rdlock(&core_lock);
	nexus_reservations_drop(n);
	pthread_rwlock_unlock(&core_lock);
}

void tgt_nexus_destroy(struct tgt_nexus *n)
{
	struct tgt_cmd *cmd, *tmp;

	n->dead = true;
	list_for_each_entry_safe(cmd, tmp, &n->cmds, nexus_node)
		cmd_abort_one(cmd, NULL);
	pthread_rwlock_wrlock(&core_lock);
	list_del(&n->node);
	nexus_reservations_drop(n);
	pthread_rwlock_unlock(&core_lock);
	log_info("target %d: nexus %llu destroyed", n->target->tid,
		 (unsigned long long)n->itn_id);
	nexus_put(n);
}

uint64_t tgt_nexus_itn_id(const struct tgt_nexus *n)
{
	return n->itn_id;
}

int tgt_nexus_tid(const struct tgt_nexus *n)
{
	return n->target->tid;
}
