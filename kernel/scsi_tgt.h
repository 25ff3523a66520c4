/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scsi_tgt: the SCSI target transport class, in-kernel API for target
 * LLDs (kernel/tgt_loop.c is one).  The class owns the conversation with
 * tgtd over generic netlink (include/scsi_tgt_nl.h); an LLD owns its
 * ports and the initiator-side commands it hands in.
 *
 * Model (after the seed "[SCSI] tgt: add I_T nexus support"): an LLD
 * adds a target host; for each initiator port it creates an I_T nexus
 * (tgtd decides, the answer comes back through it_nexus_response); it
 * queues SCSI commands on a nexus; tgtd executes them and the class moves
 * the data between the command's scatterlist and tgtd's buffers and
 * completes the command; task-management requests go the same way.
 *
 * Contexts:
 *  - scsi_tgt_queue_command() may be called in atomic context (from a
 *    queuecommand) and never sleeps.
 *  - The other calls sleep (process context).
 *  - Template callbacks are called in tgtd's process context (inside its
 *    netlink request) or from the class's workqueue: they may sleep but
 *    must never wait for tgtd (defer to a workqueue: tgtd is blocked until
 *    the callback returns).
 */
#ifndef SCSI_TGT_H
#define SCSI_TGT_H

#include <linux/types.h>

struct scsi_cmnd;
struct scsi_tgt_host;
struct module;

struct scsi_tgt_template {
	const char *name;
	struct module *owner;
	/*
	 * tgtd accepted (0) or refused (-errno) the nexus; also called on a
	 * replay after tgtd restarts.  May be called more than once for a
	 * live nexus: must be idempotent.  Mandatory.
	 */
	void (*it_nexus_response)(struct scsi_tgt_host *h, u64 itn_id,
				  int result);
	/*
	 * Answer to scsi_tgt_tsk_mgmt_request() @mid: enum
	 * scsi_tgt_tmf_result, or -errno (tgtd gone, timed out).  Mandatory
	 * if the LLD sends TMFs.
	 */
	void (*tsk_mgmt_response)(struct scsi_tgt_host *h, u64 itn_id,
				  u64 mid, int result);
};

/*
 * Adds a target host; host numbers are assigned by the class from 0 and
 * are what "tgtadm --lld kernel --op bind --host H" names.  ERR_PTR on
 * failure.
 */
struct scsi_tgt_host *scsi_tgt_host_add(const struct scsi_tgt_template *t,
					void *priv);
/* Destroys every nexus of the host (telling tgtd) and fails what is
 * outstanding with DID_NO_CONNECT.  Sleeps. */
void scsi_tgt_host_remove(struct scsi_tgt_host *h);
u32 scsi_tgt_host_no(const struct scsi_tgt_host *h);
void *scsi_tgt_host_priv(const struct scsi_tgt_host *h);

/*
 * Creates nexus @itn_id (unique on the host, chosen by the LLD) for
 * @initiator; the answer arrives via it_nexus_response.  Returns 0 when
 * the request is on its way or pending tgtd's registration, -EEXIST,
 * -ENOMEM, -EINVAL.
 */
int scsi_tgt_it_nexus_create(struct scsi_tgt_host *h, u64 itn_id,
			     const char *initiator);
/* Tells tgtd the nexus is gone and fails its outstanding commands with
 * DID_NO_CONNECT.  -ENOENT if unknown. */
int scsi_tgt_it_nexus_destroy(struct scsi_tgt_host *h, u64 itn_id);

/*
 * Queues @sc on nexus @itn_id.  Returns 0 (the class completes @sc with
 * scsi_done() later: status, sense, residual set), or
 * SCSI_MLQUEUE_HOST_BUSY when tgtd is not registered or cannot take more
 * (back-pressure: the midlayer retries), or SCSI_MLQUEUE_TARGET_BUSY when
 * the nexus is not live yet.  Never sleeps.
 *
 * When tgtd's socket closes, outstanding commands complete with
 * DID_REQUEUE (retried without counting against retries).
 */
int scsi_tgt_queue_command(struct scsi_tgt_host *h, u64 itn_id,
			   struct scsi_cmnd *sc);

/*
 * Sends a TMF (enum scsi_tgt_tmf_fn) for nexus @itn_id; @sc names the task
 * for ABORT TASK (NULL otherwise), @lun the LU for LU-scoped functions.
 * On 0, *@mid identifies the answer to come via tsk_mgmt_response.  An
 * aborted @sc is never completed by the class afterwards; the LLD owns it.
 * -ENOTCONN without tgtd, -ENOENT when @sc is not outstanding.
 */
int scsi_tgt_tsk_mgmt_request(struct scsi_tgt_host *h, u64 itn_id,
			      int function, struct scsi_cmnd *sc, u64 lun,
			      u64 *mid);

#endif
