/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The iSCSI transport (RFC 7143) above the connection layer (conn.h):
 * login and discovery (login.c), sessions, sequence numbers, NOP, Logout
 * and task management (session.c), SCSI commands and their data
 * (scsi_cmd.c).
 *
 * Model: ErrorRecoveryLevel 0 and MaxConnections 1, so a session has
 * exactly one connection and the two share one object, struct
 * iscsi_session, created when the connection is accepted (its login
 * state) and kept until the connection closed and every command and TMF
 * it submitted got its cmd_done/tmf_done.
 *
 * Connection reinstatement (RFC 7143 6.3.4) replaces that one connection:
 * a login with the session's ISID, TSIH and CID makes a new object for
 * the new connection; once it authenticated, the old object closes its
 * connection, lets its commands finish (ERL 0: their answers are lost,
 * 7.1.4) and hands the I_T nexus over (tgt_nexus_rehome), so unit
 * attentions, reservations and the TSIH survive; then the new
 * connection gets its final Login Response.
 *
 * Liveness: a session in the full feature phase that received nothing
 * for nop_interval_ms sends a NOP-In ping (11.19, TTT set) and drops the
 * connection if nothing comes back in nop_timeout_ms.  At shutdown every
 * session is asked to log out (Async Message, 11.9.1) and given
 * logout_timeout_ms before its connection is dropped.
 *
 * Threading (usr/core/tgt.h): a session, its connection and its nexus
 * live on the connection's loop; every function here runs there, except
 * the lld hooks nexus_kill and exit, which only post work.  The global
 * session list (reinstatement, shutdown) has its own mutex.
 */
#ifndef TGT_ISCSI_ISCSI_H
#define TGT_ISCSI_ISCSI_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "chap.h"
#include "conn.h"
#include "core/tgt.h"
#include "param.h"
#include "util/list.h"
#include "util/strbuf.h"

struct mgmt_req;

#define ISCSI_RX_BUF_LEN	262144u	/* the MRDSL we declare */
#define ISCSI_LOGIN_DSL		8192u	/* receive limit during login */
#define ISCSI_LOGIN_TEXT_MAX	65536u	/* reassembled login/text data */
#define ISCSI_CMD_WINDOW	128u	/* MaxCmdSN - ExpCmdSN + 1 */
#define ISCSI_XFER_MAX		(64u << 20)	/* largest EDTL we buffer */
#define ISCSI_TPGT		1
#define ISCSI_CHAP_CHALLENGE_LEN 16
#define ISCSI_NOP_INTERVAL_MS	15000u	/* idle before a ping; 0: never */
#define ISCSI_NOP_TIMEOUT_MS	30000u	/* ping answer deadline */
#define ISCSI_LOGOUT_TIMEOUT_MS	5000u	/* shutdown: wait for Logouts */
/* Status of a login whose answer waits for the nexus (reinstatement). */
#define ISCSI_LOGIN_STATUS_PENDING 0xffffu

extern const struct tgt_lld_ops iscsi_lld_ops;
extern const struct iscsi_conn_ops iscsi_session_conn_ops;

enum iscsi_session_state {
	ISCSI_SESS_LOGIN = 0,		/* login phase */
	ISCSI_SESS_FFP,			/* full feature phase */
	ISCSI_SESS_CLOSING,		/* logout answered or login failed */
};

/* CHAP exchange, target side (RFC 7143 12.1.3). */
enum iscsi_chap_state {
	ISCSI_CHAP_WAIT_A = 0,		/* expecting CHAP_A */
	ISCSI_CHAP_WAIT_R,		/* challenge sent, expecting N/R */
	ISCSI_CHAP_DONE,
};

struct iscsi_login {
	bool started;			/* the first request was seen */
	bool nego_ready;		/* nego initialised */
	uint8_t stage;			/* current stage (CSG we expect) */
	uint32_t itt;
	struct strbuf req;		/* C-bit reassembly (6.3) */
	struct iscsi_nego nego;
	struct iscsi_param_limits lim;
	bool auth_done;
	bool chap_required;
	enum iscsi_chap_state chap;
	uint8_t chap_alg;
	uint8_t chap_id;
	uint8_t chap_c[ISCSI_CHAP_CHALLENGE_LEN];
};

struct iscsi_session {
	struct list_head node;		/* iscsi_sessions */
	/* One for the connection and its tasks (dropped once both are
	 * gone), one per posted kill work. */
	atomic_int refs;
	atomic_flag kill_posted;
	struct evloop_work kill_work;
	struct iscsi_conn *conn;	/* NULL once closed */
	struct evloop *loop;
	enum iscsi_session_state state;
	bool released;			/* the connection's reference went */
	bool discovery;
	struct iscsi_login login;
	struct iscsi_params params;
	uint8_t isid[6];
	uint16_t tsih;
	uint16_t cid;
	int tid;			/* 0: discovery */
	char initiator_name[TGT_NAME_MAX];
	char target_name[TGT_NAME_MAX];
	struct tgt_nexus *nexus;
	uint64_t itn_id;
	/* sequence numbers (RFC 7143 4.2.2) */
	uint32_t exp_cmdsn;
	uint32_t max_cmdsn;		/* the highest we advertised */
	uint32_t stat_sn;
	uint32_t next_ttt;
	/* commands and TMFs not yet freed */
	unsigned tasks;
	struct list_head wait_data;	/* struct iscsi_task awaiting Data-Out */
	/* The PDU whose data data_dest() put in a command's buffer, until
	 * its pdu_rx, pdu_reject or closed (conn.h). */
	struct iscsi_task *rx_task;	/* Data-Out: the task it feeds */
	struct tgt_cmd *rx_cmd;		/* SCSI Command: made at data_dest */
	/* a Text response in pieces (C bit, 11.11.2) */
	struct strbuf text_rsp;
	size_t text_off;
	uint32_t text_ttt;
	/* a Text request in pieces (C bit, 11.10.2) */
	struct strbuf text_req;
	uint32_t text_req_itt;
	/* liveness: NOP-In pings (11.19) */
	struct evloop_timer nop_timer;
	uint32_t nop_interval_ms, nop_timeout_ms;
	uint64_t rx_pdus;		/* PDUs received: proof of life */
	uint64_t nop_rx_mark;		/* rx_pdus when the ping went */
	uint32_t nop_ttt;		/* outstanding ping, or ISCSI_RSVD_TAG */
	/* shutdown: an Async Message asked for a Logout (11.9.1) */
	atomic_flag logout_posted;
	struct evloop_work logout_work;
	/* connection reinstatement (6.3.4) */
	atomic_bool joinable;		/* FFP, open: may be reinstated */
	struct iscsi_session *reinst;	/* new: the session taken over */
	struct iscsi_session *handover_req; /* old: set by the new one */
	struct iscsi_session *handover_to; /* old: hand the nexus to */
	struct evloop_work handover_work; /* old: runs on its loop */
	struct evloop_work adopt_work;	/* new: the nexus arrives */
	struct tgt_nexus *adopt_nexus;	/* new: what arrived (or NULL) */
	int adopt_err;			/* new: why not (-ESRCH: gone) */
	char reinst_addr[TGT_ADDR_MAX];	/* new: its peer, for the ACL */
	struct iscsi_pdu_hdr login_final; /* new: the request on hold */
	struct strbuf login_final_text;	/* new: the answer's text */
};

struct iscsi_task;

/* A PDU of a task: its done() finds the task. */
struct iscsi_task_tx {
	struct iscsi_tx tx;
	struct iscsi_task *task;
};

/*
 * Data-In PDUs queued at once per task: a window refilled from each
 * one's done(), so a read of any size costs no allocation and two or
 * more PDUs are always queued behind the one being written.
 */
#define ISCSI_DIN_WINDOW	4

/* cmd->lld_priv: a SCSI command in flight. */
struct iscsi_task {
	struct list_head node;		/* wait_data while receiving */
	struct iscsi_session *s;
	struct tgt_cmd *cmd;
	uint32_t itt;
	uint32_t cmdsn;
	uint32_t received;		/* Data-Out bytes in */
	uint32_t r2t_next;		/* next offset to solicit */
	uint32_t r2t_ttt;		/* outstanding R2T, or ISCSI_RSVD_TAG */
	uint32_t r2t_end;		/* end of its burst */
	uint32_t r2tsn;
	uint32_t datasn;		/* next Data-In DataSN */
	uint32_t exp_datasn;		/* next Data-Out DataSN (sequence) */
	uint32_t unsol_end;		/* end of unsolicited data */
	bool finished;			/* cmd_done seen, or dropped */
	bool data_err;			/* a Data-Out DataSN was wrong */
	int tx_pending;			/* PDUs queued and not yet done */
	struct iscsi_task_tx r2t;
	/* read data out (cmd_done): din_len bytes, din_off queued so far */
	uint32_t din_off, din_len;
	bool din_status;		/* the status rides on the last one */
	bool din_rsp;			/* a SCSI Response follows the last */
	uint8_t din_busy;		/* bit i: din[i] queued */
	struct iscsi_task_tx din[ISCSI_DIN_WINDOW];
	struct iscsi_task_tx rsp;	/* SCSI Response */
	uint8_t sense[2 + TGT_SENSE_MAX];
};

/* --- session.c --- */

/* MaxCmdSN for responses: the window after ExpCmdSN (4.2.2.1). */
uint32_t iscsi_session_max_cmdsn(struct iscsi_session *s);
/*
 * Accepts a CmdSN-bearing PDU (4.2.2.1): immediate ones do not advance
 * ExpCmdSN, others must carry ExpCmdSN.  False: ignore the PDU.
 */
bool iscsi_session_cmdsn_take(struct iscsi_session *s, bool immediate,
			      uint32_t cmdsn);
/* Whether iscsi_session_cmdsn_take() would accept, without taking. */
bool iscsi_session_cmdsn_ok(const struct iscsi_session *s, bool immediate,
			    uint32_t cmdsn);
/* Queues @tx; on failure runs its done(tx, false) so owners see one
 * outcome.  0 or -ENOTCONN. */
int iscsi_session_send(struct iscsi_session *s, struct iscsi_tx *tx);
/* Builds @h and sends it with a copy of @data (@len bytes).  0/-errno. */
int iscsi_session_send_copy(struct iscsi_session *s,
			    const struct iscsi_pdu_hdr *h, const void *data,
			    uint32_t len);
/* As iscsi_session_send_copy, then closes the connection once the PDU
 * went: the last word of a failed login or a logout. */
int iscsi_session_send_last(struct iscsi_session *s,
			    const struct iscsi_pdu_hdr *h, const void *data,
			    uint32_t len);
/* One task ended (cmd or TMF freed): may free the session. */
void iscsi_session_task_put(struct iscsi_session *s);
/* Posts a kill to @s (any thread, session pinned by the caller). */
void iscsi_session_kill(struct iscsi_session *s);
/*
 * Answers the PDU @h with a Reject (11.17) carrying its header, with the
 * session's sequence numbers.  0 or -errno.
 */
int iscsi_session_reject_hdr(struct iscsi_session *s, uint8_t reason,
			     const struct iscsi_pdu_hdr *h);
/* Kills older sessions of the same initiator, ISID and target
 * (session reinstatement, 6.3.5). */
void iscsi_session_reinstate(struct iscsi_session *s);
uint16_t iscsi_session_tsih_new(void);
uint64_t iscsi_session_itn_new(void);
void iscsi_tmf_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h);
void iscsi_tmf_done(struct tgt_tmf *tmf);

/*
 * Settings, written by the management thread: rx_timeout_ms is copied by
 * portals when added, the nop ones read when a session enters the full
 * feature phase, logout_timeout_ms at shutdown.
 */
extern atomic_uint iscsi_rx_timeout_ms, iscsi_nop_interval_ms,
		   iscsi_nop_timeout_ms, iscsi_logout_timeout_ms;
/* Listens on @addr_port with the current settings (iscsi_portal_add's
 * contract and errors; management thread). */
int iscsi_portal_new(const char *addr_port);

/*
 * Sets the iscsi setting @name (rx_timeout_ms, nop_interval_ms,
 * nop_timeout_ms, logout_timeout_ms) from decimal @value.  Management
 * thread.  Returns 0, -ENOENT (no such setting) or -ERANGE (not a
 * number in its range, which @why then names).
 */
int iscsi_setting_set(const char *name, const char *value,
		      struct strbuf *why);
/* Appends "name = value\n" for every setting off its default. */
void iscsi_settings_dump(struct strbuf *out);

/*
 * Connection reinstatement: the session @s (logging in with a non-zero
 * TSIH) names.  0 (found and pinned in s->reinst), or the login status:
 * ISCSI_LOGIN_STATUS_NO_SESSION or ISCSI_LOGIN_STATUS_TOO_MANY_CONNS.
 */
uint16_t iscsi_session_reinst_find(struct iscsi_session *s);
/*
 * Starts the handover of s->reinst's nexus to @s; the final Login
 * Response (s->login_final, s->login_final_text) is sent when it
 * arrives.  0 or a login status.
 */
uint16_t iscsi_session_reinst_start(struct iscsi_session *s);
/* The session entered the full feature phase: pings. */
void iscsi_session_ffp_start(struct iscsi_session *s);
/*
 * Its login succeeded: from now on a connection may reinstate it.  Called
 * before the final Login Response is queued, so an initiator that
 * reconnects as soon as it has that answer finds the session.
 */
void iscsi_session_publish(struct iscsi_session *s);
/*
 * login.c: sends the held final Login Response (@status 0: the nexus
 * arrived in s->nexus) or a failure with @status.  0 or -errno.
 */
int iscsi_login_resume(struct iscsi_session *s, uint16_t status);
/* The login status for tgt_nexus_create's (or _rehome's) -errno. */
uint16_t iscsi_login_nexus_status(int err);

/* A session as tgtadm shows it: a copy made on the session's loop. */
struct iscsi_sess_info {
	int tid;
	uint16_t tsih;
	uint16_t cid;
	uint8_t isid[6];
	bool connected;
	bool discovery;
	char initiator[TGT_NAME_MAX];
	char peer[TGT_ADDR_MAX];
	char local[TGT_ADDR_MAX + 8];
	struct iscsi_params params;	/* name pointers cleared */
};
/*
 * Copies up to @max sessions on @tid (-1: all, 0: discovery sessions)
 * into @info; returns how many.  Management thread: blocks until each
 * session's loop made its copy.
 */
size_t iscsi_sessions_snapshot(int tid, struct iscsi_sess_info *info,
			       size_t max);

/* Closes the connection @cid of session @tsih on @tid (posted to its
 * loop).  0 or -ENOENT.  Any thread. */
int iscsi_session_drop(int tid, uint16_t tsih, uint16_t cid);

/* Serial number arithmetic (RFC 1982), as 4.2.2.1 asks. */
static inline bool iscsi_sn_lt(uint32_t a, uint32_t b)
{
	return a != b && (int32_t)(a - b) < 0;
}

/*
 * Session internals shared by session.c, liveness.c and reinstate.c.
 * The list holds every session (its lock also guards refs reaching 0).
 */
extern struct list_head iscsi_sessions;
extern pthread_mutex_t iscsi_sessions_lock;
/* Drops a reference; the last frees the session. */
void iscsi_session_put(struct iscsi_session *s);
/* liveness.c: the ping timer's callback (s->nop_timer). */
void iscsi_session_nop_tick(void *arg);
/* liveness.c: shutdown, main thread: ask, wait, then the caller kills. */
void iscsi_sessions_logout_all(void);
/* reinstate.c: the old session hands its nexus over once it can. */
void iscsi_session_handover_try(struct iscsi_session *o);

/* --- mgmt.c --- */

int iscsi_mgmt(const struct mgmt_req *req, struct strbuf *out);
void iscsi_mgmt_dump(struct strbuf *out);
void iscsi_mgmt_nexus_show(void *lld_nexus_priv, struct strbuf *out);
/* The tgtadm session listing of @n sessions (unit-tested). */
void iscsi_sess_info_show(const struct iscsi_sess_info *info, size_t n,
			  struct strbuf *out);

/* --- login.c --- */

/* A Login Request (any stage).  0, or -errno to close. */
int iscsi_login_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
		   const uint8_t *data);
/* A Text Request in full feature phase (SendTargets).  0 or -errno. */
int iscsi_text_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
		  const uint8_t *data);
void iscsi_login_release(struct iscsi_login *l);
/*
 * The value of @key in the "key=value\0" list @data (@len bytes), or
 * NULL.  Stops at the first pair without a NUL; never reads beyond @len.
 * Returns a pointer into @data and its length in @vlen.
 */
const char *iscsi_text_find(const char *data, size_t len, const char *key,
			    size_t *vlen);

/* --- scsi_cmd.c --- */

/*
 * Write data straight into command buffers (conn.h data_dest): for a
 * SCSI Command with immediate data the command and its buffer are made
 * now (never for one that pdu_rx would refuse, reject or ignore: those
 * use the connection's buffer); a Data-Out that fits its task (ITT, TTT,
 * offset and length, DataSN in order) lands at its offset.  1 with
 * @iov/@iovcnt set and s->rx_cmd/rx_task noted, or 0.
 */
int iscsi_scsi_cmd_dest(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
			const uint8_t *ahs, struct iovec *iov, int *iovcnt);
int iscsi_data_out_dest(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
			struct iovec *iov, int *iovcnt);
/* The PDU after data_dest was rejected or never finished: its command
 * (not yet a task) is freed; bytes a Data-Out left count for nothing. */
void iscsi_rx_direct_drop(struct iscsi_session *s);
/* A Data-Out @h came with a bad data digest: its task will fail (7.8). */
void iscsi_data_out_lost(struct iscsi_session *s,
			 const struct iscsi_pdu_hdr *h);
/* @data NULL: data_dest placed it (s->rx_cmd, s->rx_task). */
int iscsi_scsi_cmd_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
		      const uint8_t *ahs, const uint8_t *data);
int iscsi_data_out_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
		      const uint8_t *data);
void iscsi_cmd_done(struct tgt_cmd *cmd);
/* Frees tasks still receiving data (connection closed). */
void iscsi_tasks_drop(struct iscsi_session *s);
/* Drops waiting tasks matching @lun (NULL: all) or @itt; count. */
unsigned iscsi_tasks_abort(struct iscsi_session *s, const uint8_t *lun,
			   uint32_t itt);

#endif
