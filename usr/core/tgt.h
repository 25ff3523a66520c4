/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The target core as transports (LLDs) see it.
 *
 * Layering: transport -> core (this header: nexuses, commands, task
 * management) -> SCSI emulation (usr/scsi) -> backing stores (usr/bs).
 *
 * Threading contract:
 *  - A nexus lives on one event loop (the one passed at creation).  All
 *    calls for a nexus and its commands/TMFs (tgt_cmd_submit, tgt_tmf_submit,
 *    tgt_nexus_destroy) are made on that loop's thread, and every callback
 *    into the transport (cmd_done, tmf_done) arrives on that thread.
 *  - Every submitted command gets exactly one cmd_done, also after
 *    tgt_nexus_destroy() (then with cmd->aborted set); the transport frees
 *    the command with tgt_cmd_free() from or after cmd_done.  Its data
 *    buffers must stay valid until then: a backing store may still be
 *    writing into them.
 *  - Commands are identified by (nexus, tag): task management never looks
 *    a command up by tag alone.
 *  - SCSI outcomes travel in cmd->status/cmd->sense; functions here return
 *    0 or -errno for local failures only.
 */
#ifndef TGT_CORE_TGT_H
#define TGT_CORE_TGT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "evloop.h"

#define TGT_CDB_MAX	32
#define TGT_SENSE_MAX	96
#define TGT_NAME_MAX	224	/* iSCSI names are at most 223 bytes */
#define TGT_ADDR_MAX	64

/* SAM status codes. */
#define SAM_STAT_GOOD			0x00
#define SAM_STAT_CHECK_CONDITION	0x02
#define SAM_STAT_CONDITION_MET		0x04
#define SAM_STAT_BUSY			0x08
#define SAM_STAT_RESERVATION_CONFLICT	0x18
#define SAM_STAT_TASK_SET_FULL		0x28
#define SAM_STAT_ACA_ACTIVE		0x30
#define SAM_STAT_TASK_ABORTED		0x40

enum tgt_data_dir {
	TGT_DATA_NONE = 0,
	TGT_DATA_READ,		/* data-in: target to initiator */
	TGT_DATA_WRITE,		/* data-out: initiator to target */
};

enum tgt_task_attr {
	TGT_TASK_SIMPLE = 0,
	TGT_TASK_ORDERED,
	TGT_TASK_HEAD_OF_QUEUE,
	TGT_TASK_ACA,
};

struct tgt_nexus;
struct tgt_lu;
struct tgt_target;
struct strbuf;
struct mgmt_req;

/*
 * The per-command structure, the one object shared across layers.
 * Sections say who writes what.
 */
struct tgt_cmd {
	/* --- transport, before tgt_cmd_submit() --- */
	uint64_t tag;
	uint8_t lun[8];			/* SAM LUN as received */
	uint8_t cdb[TGT_CDB_MAX];
	uint8_t cdb_len;
	uint8_t attr;			/* enum tgt_task_attr */
	uint8_t dir;			/* enum tgt_data_dir */
	uint32_t data_len;		/* expected transfer length (bytes) */
	struct iovec *iov;		/* data buffer: data_len bytes; for */
	int iovcnt;			/* WRITE the data-out is all there */
	void *lld_priv;			/* transport's own area */

	/* --- core/SCSI, valid in cmd_done --- */
	uint8_t status;			/* SAM_STAT_* */
	uint8_t sense_len;
	bool aborted;			/* task aborted: TAS=0, no response */
	uint8_t sense[TGT_SENSE_MAX];
	uint32_t xfer_len;		/* bytes actually moved */
	uint32_t cdb_xfer_len;		/* bytes the CDB asked to move */

	/* --- core private: transports must not touch --- */
	struct tgt_nexus *nexus;
	struct tgt_lu *lu;
	struct evloop *loop;
	uint64_t lun_id;		/* decoded LUN */
	uint32_t flags;
	struct list_head task_node;	/* LU task set */
	struct list_head nexus_node;	/* nexus's commands */
	struct evloop_work work;
	void *tmf_wait;			/* TMF waiting for this command */
	void *buf;			/* tgt_cmd_buf_alloc()'s buffer */
	struct iovec buf_iov;
	uint32_t alloc_size;		/* of this object (mcache class) */

	/* --- SCSI emulation / backing store scratch --- */
	_Alignas(16) uint8_t scsi_ctx[384];
};

/* Task management functions (SAM-5). */
enum tgt_tmf_fn {
	TGT_TMF_ABORT_TASK = 1,
	TGT_TMF_ABORT_TASK_SET,
	TGT_TMF_CLEAR_TASK_SET,
	TGT_TMF_CLEAR_ACA,
	TGT_TMF_LUN_RESET,
	TGT_TMF_IT_NEXUS_RESET,
	TGT_TMF_TARGET_RESET,
	TGT_TMF_QUERY_TASK,
};

enum tgt_tmf_result {
	TGT_TMF_COMPLETE = 0,		/* function complete */
	TGT_TMF_SUCCEEDED,		/* QUERY TASK: task exists */
	TGT_TMF_NO_TASK,		/* ABORT TASK: no such task (done) */
	TGT_TMF_NO_LUN,			/* incorrect LUN */
	TGT_TMF_REJECTED,		/* function not supported */
	TGT_TMF_FAILED,
};

struct tgt_tmf {
	/* --- transport, before tgt_tmf_submit() --- */
	uint8_t fn;			/* enum tgt_tmf_fn */
	uint8_t lun[8];
	uint64_t tag;			/* the TMF's own tag */
	uint64_t ref_tag;		/* ABORT TASK / QUERY TASK target */
	void *lld_priv;
	/* --- core, valid in tmf_done --- */
	uint8_t result;			/* enum tgt_tmf_result */
	/* --- core private --- */
	struct tgt_nexus *nexus;
	struct evloop *loop;
	atomic_int pending;		/* commands still finishing */
	struct evloop_work work;
};

/*
 * A transport.  Registered once at start-up from tgtd's static table.
 * Mandatory: name, cmd_done.  Everything else may be NULL.
 */
struct tgt_lld_ops {
	const char *name;		/* the --lld name: "iscsi", "kernel" */
	/*
	 * Start with the "--<name> key=value,..." string (may be NULL).
	 * tgtd registers every transport, applies tgtd.conf (which may call
	 * ->mgmt, e.g. to bind kernel hosts), and only then calls init.
	 */
	int (*init)(const char *opts);
	/* Drop all nexuses and stop; called on shutdown from the main thread. */
	void (*exit)(void);
	/* A command finished (see the threading contract above). */
	void (*cmd_done)(struct tgt_cmd *cmd);
	/* A TMF finished; every command it aborted got cmd_done first. */
	void (*tmf_done)(struct tgt_tmf *tmf);
	/*
	 * Ask the transport to tear a nexus down (target deleted with
	 * --force, ACL changed): it closes its side and calls
	 * tgt_nexus_destroy() on the nexus's loop.  Called on the
	 * management thread with the core's target lock held: the hook must
	 * only post work to the nexus's loop, never call into the core.
	 */
	void (*nexus_kill)(struct tgt_nexus *n, void *lld_nexus_priv);
	/* Append transport details of a nexus to a show listing. */
	void (*nexus_show)(void *lld_nexus_priv, struct strbuf *out);
	/*
	 * tgtadm requests for this lld that the core does not handle
	 * (portal, conn, session, lld modes; kernel host binding).  Writes a
	 * message to @out and returns a TGTADM_* code (usr/mgmt/mgmt.h).
	 */
	int (*mgmt)(const struct mgmt_req *req, struct strbuf *out);
	/* Append tgtd.conf text that recreates transport state (dump). */
	void (*dump)(struct strbuf *out);
	/* Append "key = value" lines for [target @tid] (dump), e.g. the
	 * kernel transport's "kernel_host = H".  Called under the core's
	 * target lock: must not call into the core. */
	void (*target_dump)(int tid, struct strbuf *out);
};

/* --- nexus --- */

/*
 * Creates the I_T nexus @itn_id on target @tid for @lld, owned by @loop.
 * Checks the target's ACL against @initiator_name/@initiator_addr
 * (either may be NULL when the transport has none).
 * Returns 0, -ENOENT (no such target), -EACCES (ACL), -EEXIST (itn_id in
 * use on this target), -EAGAIN (target offline) or -ENOMEM.
 * Unit attention POWER ON, RESET, OR BUS DEVICE RESET OCCURRED (29/00) is
 * set for every LU of the new nexus.
 */
int tgt_nexus_create(const struct tgt_lld_ops *lld, int tid, uint64_t itn_id,
		     const char *initiator_name, const char *initiator_addr,
		     struct evloop *loop, void *lld_priv,
		     struct tgt_nexus **out);
/*
 * Destroys the nexus: queued commands are aborted, running ones finish
 * and are reported aborted, SCSI-2 reservations it held are released.
 */
void tgt_nexus_destroy(struct tgt_nexus *n);
/*
 * Hands the nexus to @loop and @lld_priv, keeping its identity, unit
 * attentions and reservations (iSCSI connection reinstatement).  Call on
 * the nexus's current loop when none of its commands or TMFs is alive.
 * The target's ACL is checked against @initiator_addr (the new
 * connection's).  Returns 0, -EBUSY (commands alive, or destroyed),
 * -EACCES (ACL) or -EAGAIN (target offline); on error nothing changed.
 */
int tgt_nexus_rehome(struct tgt_nexus *n, struct evloop *loop,
		     void *lld_priv, const char *initiator_addr);
uint64_t tgt_nexus_itn_id(const struct tgt_nexus *n);
int tgt_nexus_tid(const struct tgt_nexus *n);

/* --- commands --- */

/*
 * Commands and their buffers come from the calling loop's block cache
 * (usr/core/mcache.h): in steady state a command costs no malloc.  Called
 * off a loop (tests), they fall back to malloc/free.  Either call may be
 * made on any thread; the cache used is the caller's loop's.
 */

/* Zeroed command with @lld_priv_size bytes for cmd->lld_priv. */
struct tgt_cmd *tgt_cmd_alloc(struct tgt_nexus *n, size_t lld_priv_size);
/* One 4 KiB-aligned buffer of @len bytes, set as cmd->iov (contents
 * undefined); replaces an earlier one.  0 or -ENOMEM. */
int tgt_cmd_buf_alloc(struct tgt_cmd *cmd, uint32_t len);
void tgt_cmd_submit(struct tgt_cmd *cmd);
/* Frees the command and its tgt_cmd_buf_alloc() buffer. */
void tgt_cmd_free(struct tgt_cmd *cmd);

/*
 * A transport's own data buffer (4 KiB-aligned, @len bytes, contents
 * undefined) from the calling loop's cache; NULL when out of memory.
 * Give it back with tgt_buf_put() and the same @len (NULL: nothing).
 */
void *tgt_buf_get(uint32_t len);
void tgt_buf_put(void *buf, uint32_t len);

/* --- task management --- */

struct tgt_tmf *tgt_tmf_alloc(struct tgt_nexus *n, size_t lld_priv_size);
void tgt_tmf_submit(struct tgt_tmf *tmf);
void tgt_tmf_free(struct tgt_tmf *tmf);

/* --- loops --- */

/* The I/O loops, for transports spreading connections: round robin. */
struct evloop *tgt_loop_next(void);
unsigned tgt_loop_count(void);
struct evloop *tgt_loop_get(unsigned idx);

/* ====== used by the SCSI emulation layer, not by transports ====== */

/*
 * Completes a command: may be called from any thread (backing-store
 * completions), including from inside tgt_cmd_submit's call chain; the
 * core defers the transport callback to the command's loop.
 */
void tgt_cmd_complete(struct tgt_cmd *cmd);

/* True once a TMF or nexus loss aborted the command (any thread). */
bool tgt_cmd_aborted(struct tgt_cmd *cmd);
/* Pops the highest-priority unit attention of the command's I_T_L nexus. */
int tgt_cmd_ua_pop(struct tgt_cmd *cmd, uint16_t *asc_ascq);
/* Queues a UA on every other I_T nexus of the command's LU. */
void tgt_cmd_ua_raise_others(struct tgt_cmd *cmd, uint16_t asc_ascq);
/* Fills up to @max LUN ids of the command's target; returns the total. */
size_t tgt_cmd_luns(struct tgt_cmd *cmd, uint64_t *luns, size_t max);
/* Key identifying the command's I_T nexus for reservations (never 0). */
uint64_t tgt_cmd_nexus_key(const struct tgt_cmd *cmd);
/* Relative target port id and target name, for VPD 0x83. */
uint16_t tgt_cmd_port_id(const struct tgt_cmd *cmd);
const char *tgt_cmd_target_name(const struct tgt_cmd *cmd);
int tgt_cmd_tid(const struct tgt_cmd *cmd);

#endif
