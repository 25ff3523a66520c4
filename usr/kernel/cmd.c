/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Commands and task management of the kernel transport (loop only).
 *
 * A command's life: CMD_REQ -> tgt_cmd (for WRITE, CMD_XFER first has the
 * kernel copy the data-out into our buffer) -> tgt_cmd_submit -> cmd_done
 * -> CMD_RSP (the kernel copies data-in during it) -> free once the
 * kernel's verdict is known.  CMD_RSP goes without an ack (knl_send):
 * success is silent, and under ABI 2 no CMD_DONE follows it either (only
 * a failed delivery's, which then finds nothing), so the verdict is the
 * socket read empty (knl_cmds_confirm) or a refusal (knl_cmd_refused).
 * Outstanding commands are hashed by (host, itn_id, tag).  If CMD_RSP is
 * refused with -ENOENT (the kernel forgot the command: nexus or host
 * gone, a new registration) the command is freed; any other refusal
 * leaves the command the kernel's, so a plain CHECK CONDITION answer
 * follows.  A receive overflow may drop refusals, so it makes every
 * unconfirmed answer go again, waiting for the verdict (knl_cmds_resync).
 * Should CMD_DONE come before our answer, the command is freed at
 * cmd_done unanswered.
 * Answers from an earlier registration are never sent (generations).
 *
 * Commands the kernel sends that we cannot run get a synthetic answer:
 *   no such nexus (unbound host, killed nexus): CHECK CONDITION,
 *     ILLEGAL REQUEST / LOGICAL UNIT NOT SUPPORTED, as for a target that
 *     has no LU for this initiator any more (BUSY would be retried
 *     forever);
 *   DATA_LEN above SCSI_TGT_XFER_MAX, or a malformed request:
 *     ILLEGAL REQUEST / INVALID FIELD IN CDB;
 *   out of memory: BUSY (the initiator retries);
 *   CMD_XFER failed: ABORTED COMMAND / DATA PHASE ERROR (retried), or
 *     TASK ABORTED when the initiator aborted it meanwhile.
 * The kernel's CMD_DONE for those finds nothing and is ignored.
 */
#include "knl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mcache.h"
#include "scsi/scsi.h"
#include "util/util.h"

/* Buffers come from the loop's block cache: the largest transfer must
 * still be a cached size class, or every big command would mmap. */
_Static_assert(SCSI_TGT_XFER_MAX <= 1u << MCACHE_MAX_SHIFT,
	       "the largest cached class must hold the largest transfer");

#define KNL_CMD_BUCKETS	4096	/* power of two */

/* cmd->lld_priv. */
struct knl_cmd {
	struct list_head node;		/* hash chain; unlinked: untracked */
	struct tgt_cmd *cmd;
	uint32_t host;
	uint64_t itn_id;
	uint64_t tag;
	uint64_t gen;			/* registration it came from */
	void *buf;			/* tgt_buf_get(cmd->data_len) */
	struct iovec iov;		/* cmd->iov: buf */
	struct list_head rsp_node;	/* knl_rsp_unconfirmed */
	uint32_t rsp_seq;		/* the answer's netlink seq */
	bool rsp_sent;			/* answered: awaiting the verdict */
	bool kernel_done;		/* CMD_DONE came first */
};

/* tmf->lld_priv. */
struct knl_tmf {
	uint32_t host;
	uint64_t itn_id;
	uint64_t mid;
	uint64_t gen;
};

static struct list_head *knl_cmd_hash;
static size_t knl_cmd_nr;
/*
 * Commands whose answer went without an ack (knl_send) and that neither
 * CMD_DONE nor a refusal has confirmed yet, oldest first.  Refusals are
 * rare, so they are matched by a walk.
 */
static struct list_head knl_rsp_unconfirmed =
	LIST_HEAD_INIT(knl_rsp_unconfirmed);

int knl_cmds_init(void)
{
	if (knl_cmd_hash)
		return 0;
	knl_cmd_hash = calloc(KNL_CMD_BUCKETS, sizeof(*knl_cmd_hash));
	if (!knl_cmd_hash)
		return -ENOMEM;
	for (size_t i = 0; i < KNL_CMD_BUCKETS; i++)
		list_init(&knl_cmd_hash[i]);
	return 0;
}

size_t knl_cmds_count(void)
{
	return knl_cmd_nr;
}

static struct list_head *knl_cmd_bucket(uint32_t host, uint64_t itn_id,
					uint64_t tag)
{
	uint64_t h = (tag * 0x9e3779b97f4a7c15ull) ^
		     (itn_id * 0xc2b2ae3d27d4eb4full) ^ host;

	h ^= h >> 31;
	return &knl_cmd_hash[h & (KNL_CMD_BUCKETS - 1)];
}

static struct knl_cmd *knl_cmd_find(uint32_t host, uint64_t itn_id,
				    uint64_t tag)
{
	struct list_head *b = knl_cmd_bucket(host, itn_id, tag);
	struct knl_cmd *kc;

	list_for_each_entry(kc, b, node) {
		if (kc->tag == tag && kc->itn_id == itn_id &&
		    kc->host == host)
			return kc;
	}
	return NULL;
}

static void knl_cmd_untrack(struct knl_cmd *kc)
{
	if (list_node_linked(&kc->rsp_node))
		list_del(&kc->rsp_node);
	if (!list_node_linked(&kc->node))
		return;
	list_del(&kc->node);
	knl_cmd_nr--;
}

static void knl_cmd_release(struct knl_cmd *kc)
{
	knl_cmd_untrack(kc);
	tgt_buf_put(kc->buf, kc->cmd->data_len);
	tgt_cmd_free(kc->cmd);
}

void knl_cmds_forget(void)
{
	struct knl_cmd *kc, *tmp;

	if (!knl_cmd_hash)
		return;
	for (size_t i = 0; i < KNL_CMD_BUCKETS; i++) {
		list_for_each_entry_safe(kc, tmp, &knl_cmd_hash[i], node) {
			if (kc->rsp_sent)
				knl_cmd_release(kc);	/* had its cmd_done */
			else
				knl_cmd_untrack(kc);	/* freed at cmd_done */
		}
	}
}

/* ---- answers ---- */

/* -ENOENT (the kernel forgot the tag) is normal, not worth a word. */
static int knl_rsp_send(const struct knl_cmd_rsp *r)
{
	int ret = knl_request(knl_msg_cmd_rsp(knl_family(), r));

	if (ret && ret != -ENOENT)
		knl_warn_rl("kernel transport: CMD_RSP (host %u, nexus %llu, "
			    "tag %llu, status 0x%02x): %s%s%s", r->host,
			    (unsigned long long)r->itn_id,
			    (unsigned long long)r->tag, r->status,
			    strerror(-ret), knl_ack_text()[0] ? ": " : "",
			    knl_ack_text());
	return ret;
}

/* A status-only answer (with fixed sense for CHECK CONDITION). */
static int knl_rsp_status(uint32_t host, uint64_t itn_id, uint64_t tag,
			  uint8_t status, uint8_t key, uint16_t asc)
{
	uint8_t sense[TGT_SENSE_MAX];
	struct knl_cmd_rsp r = {
		.host = host, .itn_id = itn_id, .tag = tag, .status = status,
	};

	if (status == SAM_STAT_CHECK_CONDITION) {
		r.sense_len = (uint8_t)scsi_sense_build(sense, sizeof(sense),
							false, key, asc,
							NULL);
		r.sense = sense;
	}
	return knl_rsp_send(&r);
}

/* An answer for a command that never became a tgt_cmd. */
static void knl_cmd_refuse(const struct knl_event *ev, uint8_t status,
			   uint8_t key, uint16_t asc)
{
	knl_rsp_status(ev->host, ev->itn_id, ev->tag, status, key, asc);
}

/*
 * The command's outcome; 0 when the kernel took it.  A refused answer
 * leaves the command the kernel's ("nothing happened"), so it is ended
 * plainly (HARDWARE ERROR / INTERNAL TARGET FAILURE, no data) rather than
 * left for the initiator's timeout.
 */
static void knl_cmd_rsp_fill(const struct knl_cmd *kc, struct knl_cmd_rsp *r);

/* The plain answer for a command whose real one was refused. */
static int knl_cmd_fallback(const struct knl_cmd *kc)
{
	return knl_rsp_status(kc->host, kc->itn_id, kc->tag,
			      kc->cmd->aborted ? SAM_STAT_TASK_ABORTED :
			      SAM_STAT_CHECK_CONDITION, SK_HARDWARE_ERROR,
			      ASC_INTERNAL_TARGET_FAILURE);
}

static int knl_cmd_respond(struct knl_cmd *kc)
{
	struct knl_cmd_rsp r;
	int ret;

	knl_cmd_rsp_fill(kc, &r);
	ret = knl_rsp_send(&r);
	if (ret && ret != -ENOENT && ret != -ENOTCONN)
		ret = knl_cmd_fallback(kc);
	return ret;
}

/* The command's answer, as knl_cmd_respond sends it first. */
static void knl_cmd_rsp_fill(const struct knl_cmd *kc, struct knl_cmd_rsp *r)
{
	const struct tgt_cmd *cmd = kc->cmd;

	*r = (struct knl_cmd_rsp){
		.host = kc->host, .itn_id = kc->itn_id, .tag = kc->tag,
		.status = cmd->aborted ? SAM_STAT_TASK_ABORTED : cmd->status,
	};
	if (!cmd->aborted && cmd->sense_len) {
		r->sense = cmd->sense;
		r->sense_len = cmd->sense_len;
	}
	if (!cmd->aborted && cmd->dir == TGT_DATA_READ && cmd->xfer_len &&
	    cmd->iov) {
		r->uaddr = (uint64_t)(uintptr_t)cmd->iov[0].iov_base;
		r->xfer_len = MIN(cmd->xfer_len, cmd->data_len);
	}
}

/*
 * The hot path: the answer goes without waiting for an ack (one syscall
 * instead of a send, a read and the ack's wake-up).  The kernel handles
 * it inside our send, so by the time a read of the socket finds it empty
 * a refusal would have been read (knl_cmd_refused) or its loss reported
 * (ENOBUFS: knl_cmds_resync); until then the command stays tracked, with
 * its buffer (knl_cmds_confirm).
 */
static int knl_cmd_respond_async(struct knl_cmd *kc)
{
	struct knl_cmd_rsp r;
	int ret;

	knl_cmd_rsp_fill(kc, &r);
	ret = knl_send(knl_msg_cmd_rsp(knl_family(), &r), &kc->rsp_seq);
	if (!ret)
		list_add_tail(&kc->rsp_node, &knl_rsp_unconfirmed);
	return ret;
}

/*
 * ABI 2: an answer the kernel took has been copied already and no CMD_DONE
 * follows (unless the delivery failed), and one it refused is over too.
 */
void knl_cmd_done(struct tgt_cmd *cmd)
{
	struct knl_cmd *kc = cmd->lld_priv;

	if (kc->kernel_done || !knl_live(kc->gen)) {
		knl_cmd_release(kc);
		return;
	}
	if (knl_cmd_respond_async(kc) == 0) {
		kc->rsp_sent = true;
		return;
	}
	/* Not sent at all (no memory): try the waiting way. */
	knl_cmd_respond(kc);
	knl_cmd_release(kc);
}

void knl_cmds_confirm(void)
{
	struct knl_cmd *kc;

	while (!list_empty(&knl_rsp_unconfirmed)) {
		kc = list_first_entry(&knl_rsp_unconfirmed, struct knl_cmd,
				      rsp_node);
		knl_cmd_release(kc);
	}
}

static struct knl_cmd *knl_cmd_find_seq(uint32_t seq)
{
	struct knl_cmd *kc;

	list_for_each_entry(kc, &knl_rsp_unconfirmed, rsp_node) {
		if (kc->rsp_seq == seq)
			return kc;
	}
	return NULL;
}

/*
 * As knl_cmd_respond after a refusal: -ENOENT means the kernel forgot the
 * command; anything else leaves it the kernel's, so a plain answer
 * follows, waiting for the verdict this time.
 */
void knl_cmd_refused(uint32_t seq, int err)
{
	struct knl_cmd *kc = knl_cmd_find_seq(seq);
	struct knl_cmd_rsp r;

	if (!kc) {
		/* A refusal of a synthetic answer (knl_cmd_refuse) or stale. */
		if (err != -ENOENT)
			knl_warn_rl("kernel transport: request %u refused: "
				    "%s%s%s", seq, strerror(-err),
				    knl_ack_text()[0] ? ": " : "",
				    knl_ack_text());
		return;
	}
	list_del(&kc->rsp_node);
	if (err != -ENOENT) {
		knl_cmd_rsp_fill(kc, &r);
		knl_warn_rl("kernel transport: CMD_RSP (host %u, nexus %llu, "
			    "tag %llu, status 0x%02x): %s%s%s", r.host,
			    (unsigned long long)r.itn_id,
			    (unsigned long long)r.tag, r.status,
			    strerror(-err), knl_ack_text()[0] ? ": " : "",
			    knl_ack_text());
		knl_cmd_fallback(kc);
	}
	knl_cmd_release(kc);
}

void knl_cmds_resync(void)
{
	struct list_head todo = LIST_HEAD_INIT(todo);
	struct knl_cmd *kc;

	/* The waiting sends below add none: they dispatch no events. */
	while (!list_empty(&knl_rsp_unconfirmed)) {
		kc = list_first_entry(&knl_rsp_unconfirmed, struct knl_cmd,
				      rsp_node);
		list_del(&kc->rsp_node);
		list_add_tail(&kc->rsp_node, &todo);
	}
	while (!list_empty(&todo)) {
		kc = list_first_entry(&todo, struct knl_cmd, rsp_node);
		list_del(&kc->rsp_node);
		/* Accepted before: -ENOENT now.  Either way it is over. */
		knl_cmd_respond(kc);
		knl_cmd_release(kc);
	}
}

void knl_cmd_done_event(const struct knl_event *ev)
{
	struct knl_cmd *kc = knl_cmd_find(ev->host, ev->itn_id, ev->tag);

	if (!kc) {
		log_debug("kernel transport: CMD_DONE for untracked tag %llu "
			  "(host %u, nexus %llu)",
			  (unsigned long long)ev->tag, ev->host,
			  (unsigned long long)ev->itn_id);
		return;
	}
	if (kc->rsp_sent) {
		knl_cmd_release(kc);
		return;
	}
	/* The kernel gave up on it: the core still owns it until cmd_done. */
	kc->kernel_done = true;
	knl_cmd_untrack(kc);
}

/* ---- requests ---- */

static void knl_cmd_fill(struct tgt_cmd *cmd, const struct knl_event *ev)
{
	cmd->tag = ev->tag;
	memcpy(cmd->lun, ev->lun, sizeof(cmd->lun));
	memcpy(cmd->cdb, ev->cdb, ev->cdb_len);
	cmd->cdb_len = ev->cdb_len;
	cmd->attr = knl_task_attr_to_core(ev->task_attr);
	cmd->dir = knl_dir_to_core(ev->dir);
	/* No data phase, no buffer: the SCSI layer then moves nothing. */
	cmd->data_len = cmd->dir == TGT_DATA_NONE ? 0 : ev->data_len;
}

static struct knl_cmd *knl_cmd_new(struct knl_nexus *kn,
				   const struct knl_event *ev)
{
	struct tgt_cmd *cmd = tgt_cmd_alloc(kn->n, sizeof(struct knl_cmd));
	struct knl_cmd *kc;

	if (!cmd)
		return NULL;
	knl_cmd_fill(cmd, ev);
	kc = cmd->lld_priv;
	list_init(&kc->rsp_node);
	if (cmd->data_len) {
		kc->buf = tgt_buf_get(cmd->data_len);
		if (!kc->buf) {
			tgt_cmd_free(cmd);
			return NULL;
		}
		kc->iov.iov_base = kc->buf;
		kc->iov.iov_len = cmd->data_len;
		cmd->iov = &kc->iov;
		cmd->iovcnt = 1;
	}
	kc->cmd = cmd;
	kc->host = ev->host;
	kc->itn_id = ev->itn_id;
	kc->tag = ev->tag;
	kc->gen = knl_gen();
	list_add_tail(&kc->node, knl_cmd_bucket(kc->host, kc->itn_id,
						kc->tag));
	knl_cmd_nr++;
	return kc;
}

/* WRITE: the kernel copies the data-out into our buffer, now. */
static int knl_cmd_xfer(struct knl_cmd *kc)
{
	const struct tgt_cmd *cmd = kc->cmd;

	return knl_request(knl_msg_cmd_xfer(knl_family(), kc->host,
					    kc->itn_id, kc->tag,
					    (uint64_t)(uintptr_t)
					    cmd->iov[0].iov_base,
					    cmd->data_len));
}

/*
 * -ENOENT: the kernel forgot the command, nothing to answer.  -ECANCELED:
 * the initiator aborted it; the kernel keeps the entry until our answer.
 * Anything else failed the copy: ABORTED COMMAND lets the initiator retry.
 */
static void knl_cmd_xfer_failed(const struct knl_event *ev, int err)
{
	if (err == -ENOENT)
		return;
	if (err == -ECANCELED) {
		knl_cmd_refuse(ev, SAM_STAT_TASK_ABORTED, 0, 0);
		return;
	}
	knl_warn_rl("kernel transport: CMD_XFER (host %u, nexus %llu, tag "
		    "%llu): %s", ev->host, (unsigned long long)ev->itn_id,
		    (unsigned long long)ev->tag, strerror(-err));
	knl_cmd_refuse(ev, SAM_STAT_CHECK_CONDITION, SK_ABORTED_COMMAND,
		       KNL_ASC_DATA_PHASE_ERROR);
}

void knl_cmd_req(const struct knl_event *ev, bool bad)
{
	struct knl_nexus *kn;
	struct knl_cmd *kc;
	int ret;

	if (bad || ev->data_len > SCSI_TGT_XFER_MAX) {
		knl_cmd_refuse(ev, SAM_STAT_CHECK_CONDITION,
			       SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
		return;
	}
	kn = knl_nexus_find(ev->host, ev->itn_id);
	if (!kn) {
		knl_warn_rl("kernel transport: command for unknown nexus "
			    "%llu of host %u: LOGICAL UNIT NOT SUPPORTED",
			    (unsigned long long)ev->itn_id, ev->host);
		knl_cmd_refuse(ev, SAM_STAT_CHECK_CONDITION,
			       SK_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
		return;
	}
	if (knl_cmd_find(ev->host, ev->itn_id, ev->tag)) {
		knl_warn_rl("kernel transport: tag %llu of nexus %llu (host "
			    "%u) is in use: duplicate ignored",
			    (unsigned long long)ev->tag,
			    (unsigned long long)ev->itn_id, ev->host);
		return;
	}
	kc = knl_cmd_new(kn, ev);
	if (!kc) {
		knl_cmd_refuse(ev, SAM_STAT_BUSY, 0, 0);
		return;
	}
	if (kc->cmd->dir == TGT_DATA_WRITE && kc->cmd->data_len) {
		ret = knl_cmd_xfer(kc);
		if (ret) {
			knl_cmd_xfer_failed(ev, ret);
			knl_cmd_release(kc);
			return;
		}
	}
	tgt_cmd_submit(kc->cmd);
}

/* ---- task management ---- */

static void knl_tmf_answer(uint32_t host, uint64_t itn_id, uint64_t mid,
			   int32_t result)
{
	int ret = knl_request(knl_msg_tmf_rsp(knl_family(), host, itn_id, mid,
					      result));

	if (ret && ret != -ENOENT)
		knl_warn_rl("kernel transport: TSK_MGMT_RSP (host %u, nexus "
			    "%llu, mid %llu): %s", host,
			    (unsigned long long)itn_id,
			    (unsigned long long)mid, strerror(-ret));
}

/* ABORT TASK names a task; the LU-scoped functions name an LU. */
static bool knl_tmf_args_ok(const struct knl_event *ev, uint8_t fn)
{
	switch (fn) {
	case TGT_TMF_ABORT_TASK:
		return knl_event_has(ev, TGT_ATTR_TAG);
	case TGT_TMF_ABORT_TASK_SET:
	case TGT_TMF_CLEAR_TASK_SET:
	case TGT_TMF_LUN_RESET:
		return knl_event_has(ev, TGT_ATTR_LUN);
	default:
		return true;
	}
}

void knl_tmf_req(const struct knl_event *ev, bool bad)
{
	struct knl_nexus *kn;
	struct tgt_tmf *tmf;
	struct knl_tmf *kt;
	uint8_t fn = 0;

	if (bad || knl_tmf_fn_to_core(ev->function, &fn) ||
	    !knl_tmf_args_ok(ev, fn)) {
		knl_tmf_answer(ev->host, ev->itn_id, ev->mid,
			       TGT_TMF_RSP_REJECTED);
		return;
	}
	/* No nexus (dropped on our side): nothing of it can be managed. */
	kn = knl_nexus_find(ev->host, ev->itn_id);
	tmf = kn ? tgt_tmf_alloc(kn->n, sizeof(*kt)) : NULL;
	if (!tmf) {
		knl_tmf_answer(ev->host, ev->itn_id, ev->mid,
			       TGT_TMF_RSP_FAILED);
		return;
	}
	kt = tmf->lld_priv;
	kt->host = ev->host;
	kt->itn_id = ev->itn_id;
	kt->mid = ev->mid;
	kt->gen = knl_gen();
	tmf->fn = fn;
	memcpy(tmf->lun, ev->lun, sizeof(tmf->lun));
	tmf->tag = ev->mid;
	tmf->ref_tag = ev->tag;
	tgt_tmf_submit(tmf);
}

void knl_tmf_done(struct tgt_tmf *tmf)
{
	struct knl_tmf *kt = tmf->lld_priv;

	if (knl_live(kt->gen))
		knl_tmf_answer(kt->host, kt->itn_id, kt->mid,
			       knl_tmf_result_to_abi(tmf->result));
	tgt_tmf_free(tmf);
}
