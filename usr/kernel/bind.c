/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel host bindings and the transport's tgtadm requests:
 *   --mode target --op bind   --tid N --host H   host H serves target N
 *   --mode target --op unbind --tid N --host H   and its nexuses go away
 *   --mode lld --op show                         hosts, bindings, nexuses
 * plus the per-target dump line "kernel_host = H".
 *
 * One target per host, and one host per target: tgtd.conf's kernel_host
 * holds one host, so a dump could not recreate more (and the kernel's
 * itn_ids are unique per host only, so two hosts' nexuses on one target
 * could collide).  A binding lives until it is unbound: deleting its
 * target leaves it stale (nexuses refused with -ENOENT) and a new target
 * with that tid picks it up; binding a host whose target is gone replaces
 * the stale binding.  To bring a host's nexuses up again after its target
 * was deleted and recreated, unbind and bind it (the bind replays them).
 *
 * Only the management thread writes the table (under knl_lock), so a
 * check made without the lock still holds when it writes.
 */
#include "knl_int.h"

#include <errno.h>
#include <stdlib.h>

#include "core/target.h"
#include "mgmt/mgmt.h"
#include "util/strbuf.h"

struct knl_binding {
	struct list_head node;
	uint32_t host;
	int tid;
};

static struct knl_bind_table knl_binds = KNL_BIND_TABLE_INIT(knl_binds);

/* ---- the table ---- */

static struct knl_binding *knl_bind_find(const struct knl_bind_table *t,
					 uint32_t host)
{
	struct knl_binding *b;

	list_for_each_entry(b, &t->list, node) {
		if (b->host == host)
			return b;
	}
	return NULL;
}

int knl_bind_table_add(struct knl_bind_table *t, uint32_t host, int tid,
		       int *cur_tid)
{
	struct knl_binding *b = knl_bind_find(t, host), *pos;

	if (b) {
		if (cur_tid)
			*cur_tid = b->tid;
		return -EEXIST;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->host = host;
	b->tid = tid;
	/* Sorted by host: show and dump list them in order. */
	list_for_each_entry(pos, &t->list, node) {
		if (pos->host > host)
			break;
	}
	list_add_tail(&b->node, &pos->node);
	return 0;
}

int knl_bind_table_del(struct knl_bind_table *t, uint32_t host)
{
	struct knl_binding *b = knl_bind_find(t, host);
	int tid;

	if (!b)
		return -ENOENT;
	tid = b->tid;
	list_del(&b->node);
	free(b);
	return tid;
}

int knl_bind_table_lookup(const struct knl_bind_table *t, uint32_t host,
			  int *tid)
{
	const struct knl_binding *b = knl_bind_find(t, host);

	if (!b)
		return -ENOENT;
	*tid = b->tid;
	return 0;
}

void knl_bind_table_clear(struct knl_bind_table *t)
{
	while (!list_empty(&t->list)) {
		struct knl_binding *b = list_first_entry(&t->list,
							 struct knl_binding,
							 node);

		list_del(&b->node);
		free(b);
	}
}

int knl_bind_table_host_of(const struct knl_bind_table *t, int tid,
			   uint32_t *host)
{
	const struct knl_binding *b;

	list_for_each_entry(b, &t->list, node) {
		if (b->tid == tid) {
			*host = b->host;
			return 0;
		}
	}
	return -ENOENT;
}

int knl_bind_lookup(uint32_t host, int *tid)
{
	int ret;

	pthread_mutex_lock(&knl_lock);
	ret = knl_bind_table_lookup(&knl_binds, host, tid);
	pthread_mutex_unlock(&knl_lock);
	return ret;
}

/* ---- tgtadm ---- */

/* The core has no "does tid exist" query; show answers it. */
static bool knl_target_exists(int tid)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = tgt_target_show(tid, &sb);

	strbuf_release(&sb);
	return ret != -ENOENT;
}

static int knl_mgmt_args(const struct mgmt_req *req, struct strbuf *out)
{
	if (!req->has_tid || req->tid <= 0) {
		strbuf_addf(out, "--tid is required for --op %s --host",
			    mgmt_op_name(req->op));
		return TGTADM_INVALID_REQUEST;
	}
	if (req->host < 0) {
		strbuf_addf(out, "invalid --host %d: expected a SCSI host "
			    "number", req->host);
		return TGTADM_BAD_VALUE;
	}
	return TGTADM_SUCCESS;
}

/* Host of target @tid, under knl_lock; -ENOENT. */
static int knl_bind_host_of(int tid, uint32_t *host)
{
	int ret;

	pthread_mutex_lock(&knl_lock);
	ret = knl_bind_table_host_of(&knl_binds, tid, host);
	pthread_mutex_unlock(&knl_lock);
	return ret;
}

static int knl_mgmt_bind(const struct mgmt_req *req, struct strbuf *out)
{
	uint32_t host = (uint32_t)req->host, other;
	bool stale = false;
	int cur, ret;

	if (!knl_target_exists(req->tid)) {
		strbuf_addf(out, "no target with tid %d", req->tid);
		return TGTADM_NO_TARGET;
	}
	if (knl_bind_host_of(req->tid, &other) == 0 && other != host) {
		strbuf_addf(out, "target %d is already served by kernel host "
			    "%u (one host per target)", req->tid, other);
		return TGTADM_BINDING_EXIST;
	}
	if (knl_bind_lookup(host, &cur) == 0) {
		if (knl_target_exists(cur)) {
			strbuf_addf(out, "kernel host %u is already bound to "
				    "target %d (unbind it first)", host, cur);
			return TGTADM_BINDING_EXIST;
		}
		stale = true;
	}
	pthread_mutex_lock(&knl_lock);
	if (stale)
		knl_bind_table_del(&knl_binds, host);
	ret = knl_bind_table_add(&knl_binds, host, req->tid, NULL);
	pthread_mutex_unlock(&knl_lock);
	if (ret)
		return TGTADM_NOMEM;
	if (stale) {
		log_info("kernel transport: host %u: binding to deleted "
			 "target %d replaced", host, cur);
		knl_post(KNL_POST_DROP, host, 0);
	}
	log_info("kernel transport: host %u bound to target %d", host,
		 req->tid);
	/* Ports added before the binding were refused: bring them up. */
	knl_post(KNL_POST_REPLAY, host, 0);
	return TGTADM_SUCCESS;
}

static int knl_mgmt_unbind(const struct mgmt_req *req, struct strbuf *out)
{
	uint32_t host = (uint32_t)req->host;
	int cur;

	if (knl_bind_lookup(host, &cur)) {
		strbuf_addf(out, "kernel host %u is not bound", host);
		return TGTADM_NO_BINDING;
	}
	if (cur != req->tid) {
		strbuf_addf(out, "kernel host %u is bound to target %d, not "
			    "%d", host, cur, req->tid);
		return TGTADM_NO_BINDING;
	}
	pthread_mutex_lock(&knl_lock);
	knl_bind_table_del(&knl_binds, host);
	pthread_mutex_unlock(&knl_lock);
	log_info("kernel transport: host %u unbound from target %d", host,
		 cur);
	knl_post(KNL_POST_DROP, host, 0);
	return TGTADM_SUCCESS;
}

static int knl_mgmt_show(const struct mgmt_req *req, struct strbuf *out)
{
	struct knl_binding *b;

	strbuf_addf(out, "Kernel transport: %s\n", knl_state_str());
	pthread_mutex_lock(&knl_lock);
	list_for_each_entry(b, &knl_binds.list, node) {
		strbuf_addf(out, "    Host %u: target %d\n", b->host, b->tid);
		knl_nexus_show_locked(b->host, out);
	}
	pthread_mutex_unlock(&knl_lock);
	return TGTADM_SUCCESS;
}

int knl_mgmt(const struct mgmt_req *req, struct strbuf *out)
{
	int ret;

	if (req->mode == MGMT_MODE_TARGET && req->has_host &&
	    (req->op == MGMT_OP_BIND || req->op == MGMT_OP_UNBIND)) {
		ret = knl_mgmt_args(req, out);
		if (ret)
			return ret;
		return req->op == MGMT_OP_BIND ? knl_mgmt_bind(req, out) :
						 knl_mgmt_unbind(req, out);
	}
	if (req->mode == MGMT_MODE_LLD && req->op == MGMT_OP_SHOW)
		return knl_mgmt_show(req, out);
	strbuf_addf(out, "lld 'kernel' does not support --mode %s --op %s",
		    mgmt_mode_name(req->mode), mgmt_op_name(req->op));
	return TGTADM_UNSUPPORTED_OPERATION;
}

/* Called under the core's lock: touches only our table. */
void knl_target_dump(int tid, struct strbuf *out)
{
	struct knl_binding *b;

	pthread_mutex_lock(&knl_lock);
	list_for_each_entry(b, &knl_binds.list, node) {
		if (b->tid == tid)
			strbuf_addf(out, "kernel_host = %u\n", b->host);
	}
	pthread_mutex_unlock(&knl_lock);
}
