// SPDX-License-Identifier: GPL-2.0-only
/*
 * iSCSI sessions (see iscsi.h): the transport's lld ops, the connection
 * hooks that dispatch PDUs by phase, sequence numbers (RFC 7143 4.2.2),
 * NOP-Out/NOP-In (11.18, 11.19) and Logout (11.14, 11.15).  Task
 * management is in tmf.c, pings and the shutdown logout in liveness.c,
 * reinstatement in reinstate.c.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iscsi.h"
#include "util/log.h"
#include "util/util.h"

struct list_head iscsi_sessions = LIST_HEAD_INIT(iscsi_sessions);
pthread_mutex_t iscsi_sessions_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint iscsi_tsih_next = 1;
static atomic_ullong iscsi_itn_next = 1;

atomic_uint iscsi_nop_interval_ms = ISCSI_NOP_INTERVAL_MS;
atomic_uint iscsi_nop_timeout_ms = ISCSI_NOP_TIMEOUT_MS;
atomic_uint iscsi_logout_timeout_ms = ISCSI_LOGOUT_TIMEOUT_MS;

/* ---- sequence numbers ---- */

/*
 * The window is the commands the session may still hold: ISCSI_CMD_WINDOW
 * minus its tasks in flight, so a busy session slows its initiator
 * instead of queueing without bound.  Initiators ignore a MaxCmdSN that
 * moves back (4.2.2.1), so the advertised value only grows.
 */
uint32_t iscsi_session_max_cmdsn(struct iscsi_session *s)
{
	unsigned busy = MIN(s->tasks, ISCSI_CMD_WINDOW);
	uint32_t want = s->exp_cmdsn + (ISCSI_CMD_WINDOW - busy) - 1;

	if (iscsi_sn_lt(s->max_cmdsn, want))
		s->max_cmdsn = want;
	return s->max_cmdsn;
}

bool iscsi_session_cmdsn_ok(const struct iscsi_session *s, bool immediate,
			    uint32_t cmdsn)
{
	/* One connection: TCP delivers in order, so anything but ExpCmdSN
	 * is outside the window or a duplicate, and is ignored (4.2.2.1);
	 * so is a command beyond the MaxCmdSN we advertised. */
	return immediate || (cmdsn == s->exp_cmdsn &&
			     !iscsi_sn_lt(s->max_cmdsn, cmdsn));
}

bool iscsi_session_cmdsn_take(struct iscsi_session *s, bool immediate,
			      uint32_t cmdsn)
{
	if (!iscsi_session_cmdsn_ok(s, immediate, cmdsn)) {
		log_debug("iscsi: %s: CmdSN %u, window %u..%u: ignored",
			  s->initiator_name, cmdsn, s->exp_cmdsn,
			  s->max_cmdsn);
		return false;
	}
	if (!immediate)
		s->exp_cmdsn++;
	return true;
}

uint16_t iscsi_session_tsih_new(void)
{
	unsigned v;

	/* TSIH 0 means "new session" (11.12.6): skip it on wrap. */
	do {
		v = atomic_fetch_add(&iscsi_tsih_next, 1) & 0xffff;
	} while (!v);
	return (uint16_t)v;
}

uint64_t iscsi_session_itn_new(void)
{
	return atomic_fetch_add(&iscsi_itn_next, 1);
}

/* ---- sending ---- */

int iscsi_session_send(struct iscsi_session *s, struct iscsi_tx *tx)
{
	if (s->conn && iscsi_conn_send(s->conn, tx) == 0)
		return 0;
	if (tx->done)
		tx->done(tx, false);
	return -ENOTCONN;
}

struct iscsi_copy_tx {
	struct iscsi_tx tx;
	struct iscsi_session *s;
	bool close_after;
	uint8_t data[];
};

static void iscsi_copy_tx_done(struct iscsi_tx *tx, bool sent)
{
	struct iscsi_copy_tx *ct = container_of(tx, struct iscsi_copy_tx, tx);

	if (ct->close_after && sent && ct->s->conn)
		iscsi_conn_close(ct->s->conn);
	free(ct);
}

static struct iscsi_copy_tx *iscsi_copy_tx_new(const struct iscsi_pdu_hdr *h,
					       const void *data, uint32_t len)
{
	struct iscsi_copy_tx *ct = calloc(1, sizeof(*ct) + len);

	if (!ct)
		return NULL;
	if (iscsi_bhs_build(h, ct->tx.bhs)) {
		free(ct);
		return NULL;
	}
	if (len) {
		memcpy(ct->data, data, len);
		ct->tx.data_iov[0] = (struct iovec){ ct->data, len };
		ct->tx.data_iovcnt = 1;
	}
	ct->tx.data_len = len;
	ct->tx.done = iscsi_copy_tx_done;
	return ct;
}

static int iscsi_session_send_ct(struct iscsi_session *s,
				 const struct iscsi_pdu_hdr *h,
				 const void *data, uint32_t len, bool close)
{
	struct iscsi_copy_tx *ct = iscsi_copy_tx_new(h, data, len);

	if (!ct)
		return -ENOMEM;
	ct->s = s;
	ct->close_after = close;
	return iscsi_session_send(s, &ct->tx);
}

int iscsi_session_send_copy(struct iscsi_session *s,
			    const struct iscsi_pdu_hdr *h, const void *data,
			    uint32_t len)
{
	return iscsi_session_send_ct(s, h, data, len, false);
}

/* ---- life cycle ---- */

static struct iscsi_session *iscsi_session_new(struct iscsi_conn *c)
{
	struct iscsi_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	atomic_init(&s->refs, 1);
	atomic_flag_clear(&s->kill_posted);
	s->conn = c;
	s->loop = iscsi_conn_loop(c);
	s->next_ttt = 1;
	list_init(&s->wait_data);
	strbuf_init(&s->login.req);
	strbuf_init(&s->text_rsp);
	strbuf_init(&s->text_req);
	strbuf_init(&s->login_final_text);
	atomic_flag_clear(&s->logout_posted);
	atomic_init(&s->joinable, false);
	s->nop_ttt = ISCSI_RSVD_TAG;
	evloop_timer_init(&s->nop_timer, iscsi_session_nop_tick, s);
	pthread_mutex_lock(&iscsi_sessions_lock);
	list_add_tail(&s->node, &iscsi_sessions);
	pthread_mutex_unlock(&iscsi_sessions_lock);
	return s;
}

void iscsi_session_put(struct iscsi_session *s)
{
	bool last;

	/* Under the list lock: shutdown takes references from the list. */
	pthread_mutex_lock(&iscsi_sessions_lock);
	last = atomic_fetch_sub(&s->refs, 1) == 1;
	if (last)
		list_del(&s->node);
	pthread_mutex_unlock(&iscsi_sessions_lock);
	if (!last)
		return;
	if (s->reinst)
		iscsi_session_put(s->reinst);
	iscsi_login_release(&s->login);
	strbuf_release(&s->text_rsp);
	strbuf_release(&s->text_req);
	strbuf_release(&s->login_final_text);
	free(s);
}

/* Drops the connection's reference once it and every task are gone. */
static void iscsi_session_maybe_done(struct iscsi_session *s)
{
	if (!s->conn && !s->tasks && !s->released) {
		s->released = true;
		iscsi_session_put(s);
	}
}

void iscsi_session_task_put(struct iscsi_session *s)
{
	s->tasks--;
	if (s->handover_to)
		iscsi_session_handover_try(s);
	iscsi_session_maybe_done(s);
}

/* A kill of a session handing its nexus over is meant for the new
 * connection as well (target deleted, tgtd stopping). */
static void iscsi_session_kill_work(void *arg)
{
	struct iscsi_session *s = arg;

	atomic_store(&s->joinable, false);
	if (s->handover_to)
		iscsi_session_kill(s->handover_to);
	if (s->conn)
		iscsi_conn_close(s->conn);
	iscsi_session_put(s);
}

void iscsi_session_kill(struct iscsi_session *s)
{
	if (atomic_flag_test_and_set(&s->kill_posted))
		return;
	atomic_fetch_add(&s->refs, 1);
	evloop_work_init(&s->kill_work, iscsi_session_kill_work, s);
	evloop_post(s->loop, &s->kill_work);
}

int iscsi_session_send_last(struct iscsi_session *s,
			    const struct iscsi_pdu_hdr *h, const void *data,
			    uint32_t len)
{
	s->state = ISCSI_SESS_CLOSING;
	return iscsi_session_send_ct(s, h, data, len, true);
}

/* ---- snapshots for tgtadm (mgmt.c) ---- */

struct iscsi_snap_req {
	struct evloop_work work;
	struct iscsi_session *s;
	struct iscsi_sess_info *info;
	sem_t *done;
};

static void iscsi_snap_fill(const struct iscsi_session *s,
			    struct iscsi_sess_info *i)
{
	i->tid = s->tid;
	i->discovery = s->discovery;
	i->tsih = s->tsih;
	i->cid = s->cid;
	memcpy(i->isid, s->isid, sizeof(i->isid));
	util_strscpy(i->initiator, s->initiator_name, sizeof(i->initiator));
	i->params = s->params;
	i->params.initiator_name = NULL;	/* points into the login */
	i->params.initiator_alias = NULL;
	i->params.target_name = NULL;
	i->connected = s->conn && s->state == ISCSI_SESS_FFP;
	if (s->conn) {
		util_strscpy(i->peer, iscsi_conn_peer(s->conn),
			     sizeof(i->peer));
		util_strscpy(i->local, iscsi_conn_local(s->conn),
			     sizeof(i->local));
	}
}

static void iscsi_snap_work(void *arg)
{
	struct iscsi_snap_req *r = arg;

	iscsi_snap_fill(r->s, r->info);
	sem_post(r->done);
}

/* Sessions on @tid (-1: all, 0: discovery), pinned. */
static size_t iscsi_snap_pin(int tid, struct iscsi_snap_req *r, size_t max)
{
	struct iscsi_session *s;
	size_t n = 0;

	pthread_mutex_lock(&iscsi_sessions_lock);
	list_for_each_entry(s, &iscsi_sessions, node) {
		/* tid and tsih are set at login before FFP and never change;
		 * a stale read only includes or skips a session. */
		if (n == max || !s->tsih || (tid >= 0 && s->tid != tid))
			continue;
		atomic_fetch_add(&s->refs, 1);
		r[n++].s = s;
	}
	pthread_mutex_unlock(&iscsi_sessions_lock);
	return n;
}

size_t iscsi_sessions_snapshot(int tid, struct iscsi_sess_info *info,
			       size_t max)
{
	struct iscsi_snap_req *r = calloc(max ? max : 1, sizeof(*r));
	sem_t done;
	size_t n;

	if (!r)
		return 0;
	sem_init(&done, 0, 0);
	n = iscsi_snap_pin(tid, r, max);
	/* Each session is read on its own loop, so no field is read while
	 * its loop writes it; the reference keeps it alive meanwhile. */
	for (size_t i = 0; i < n; i++) {
		r[i].info = &info[i];
		r[i].done = &done;
		evloop_work_init(&r[i].work, iscsi_snap_work, &r[i]);
		evloop_post(r[i].s->loop, &r[i].work);
	}
	for (size_t i = 0; i < n; i++)
		while (sem_wait(&done) && errno == EINTR)
			;
	for (size_t i = 0; i < n; i++)
		iscsi_session_put(r[i].s);
	sem_destroy(&done);
	free(r);
	return n;
}

int iscsi_session_drop(int tid, uint16_t tsih, uint16_t cid)
{
	struct iscsi_session *s;
	int ret = -ENOENT;

	pthread_mutex_lock(&iscsi_sessions_lock);
	list_for_each_entry(s, &iscsi_sessions, node) {
		/* Racy reads of fields fixed at login, as in reinstate. */
		if (s->discovery || s->tid != tid || s->tsih != tsih ||
		    s->cid != cid)
			continue;
		iscsi_session_kill(s);	/* closes on the session's loop */
		ret = 0;
	}
	pthread_mutex_unlock(&iscsi_sessions_lock);
	return ret;
}

/* ---- NOP, Logout ---- */

static int iscsi_nop_out_rx(struct iscsi_session *s,
			    const struct iscsi_pdu_hdr *h, const uint8_t *data)
{
	struct iscsi_pdu_hdr r;

	if (!iscsi_session_cmdsn_take(s, h->immediate, h->nop_out.cmdsn))
		return 0;
	/* ITT 0xffffffff: an answer to our NOP-In, nothing to send. */
	if (h->itt == ISCSI_RSVD_TAG)
		return 0;
	iscsi_pdu_hdr_init(&r, ISCSI_OP_NOP_IN, h->itt);
	memcpy(r.lun, h->lun, sizeof(r.lun));
	r.nop_in.ttt = ISCSI_RSVD_TAG;
	r.nop_in.statsn = s->stat_sn++;
	r.nop_in.exp_cmdsn = s->exp_cmdsn;
	r.nop_in.max_cmdsn = iscsi_session_max_cmdsn(s);
	/* The ping data comes back (11.19.2), within MaxRecvDSL. */
	r.data_len = MIN(h->data_len, s->params.max_xmit_dsl);
	iscsi_session_send_copy(s, &r, data, r.data_len);
	return 0;
}

static int iscsi_logout_rx(struct iscsi_session *s,
			   const struct iscsi_pdu_hdr *h)
{
	struct iscsi_pdu_hdr r;

	iscsi_session_cmdsn_take(s, h->immediate, h->logout_req.cmdsn);
	iscsi_pdu_hdr_init(&r, ISCSI_OP_LOGOUT_RSP, h->itt);
	/* One connection per session: closing it closes the session, and
	 * at ERL 0 nothing is kept for recovery (11.15). */
	r.logout_rsp.response = ISCSI_LOGOUT_RSP_SUCCESS;
	if (h->logout_req.reason == ISCSI_LOGOUT_REMOVE_CONN)
		r.logout_rsp.response = ISCSI_LOGOUT_RSP_NO_RECOVERY;
	r.logout_rsp.statsn = s->stat_sn++;
	r.logout_rsp.exp_cmdsn = s->exp_cmdsn;
	r.logout_rsp.max_cmdsn = iscsi_session_max_cmdsn(s);
	s->state = ISCSI_SESS_CLOSING;
	atomic_store(&s->joinable, false);
	return iscsi_session_send_ct(s, &r, NULL, 0, true) == -ENOMEM ?
	       -ENOMEM : 0;
}

/* ---- connection hooks ---- */

static int iscsi_ffp_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
			const uint8_t *ahs, uint8_t *data)
{

	switch (h->opcode) {
	case ISCSI_OP_SCSI_CMD:
		return iscsi_scsi_cmd_rx(s, h, ahs, data);
	case ISCSI_OP_DATA_OUT:
		return iscsi_data_out_rx(s, h, data);
	case ISCSI_OP_NOP_OUT:
		return iscsi_nop_out_rx(s, h, data);
	case ISCSI_OP_TEXT_REQ:
		return iscsi_text_rx(s, h, data);
	case ISCSI_OP_LOGOUT_REQ:
		return iscsi_logout_rx(s, h);
	case ISCSI_OP_TMF_REQ:
		iscsi_tmf_rx(s, h);
		return 0;
	default:
		/* SNACK needs ERL >= 1 (11.16); a login in FFP is wrong. */
		return iscsi_session_reject_hdr(s, ISCSI_REJECT_PROTOCOL_ERROR,
						h);
	}
}

/* Commands in a discovery session are a protocol error (4.3). */
static bool iscsi_ffp_allowed(const struct iscsi_session *s, uint8_t op)
{
	if (!s->discovery)
		return true;
	return op == ISCSI_OP_TEXT_REQ || op == ISCSI_OP_LOGOUT_REQ ||
	       op == ISCSI_OP_NOP_OUT;
}

int iscsi_session_reject_hdr(struct iscsi_session *s, uint8_t reason,
			     const struct iscsi_pdu_hdr *h)
{
	uint8_t bhs[ISCSI_BHS_LEN];

	iscsi_bhs_build(h, bhs);
	return iscsi_conn_send_reject(s->conn, reason, bhs, s->stat_sn++,
				      s->exp_cmdsn,
				      iscsi_session_max_cmdsn(s));
}

static int iscsi_session_reject(struct iscsi_session *s, uint8_t reason,
				const uint8_t bhs[ISCSI_BHS_LEN])
{
	int ret = iscsi_conn_send_reject(s->conn, reason, bhs, s->stat_sn++,
					 s->exp_cmdsn,
					 iscsi_session_max_cmdsn(s));

	/* Outside the full feature phase there is nothing to go on with. */
	if (s->state != ISCSI_SESS_FFP)
		return -EPROTO;
	return ret;
}

static int iscsi_session_pdu_rx(struct iscsi_conn *c,
				const struct iscsi_pdu_hdr *h,
				const uint8_t *ahs, uint8_t *data)
{
	struct iscsi_session *s = iscsi_conn_priv(c);
	uint8_t bhs[ISCSI_BHS_LEN];

	if (!s) {
		s = iscsi_session_new(c);
		if (!s)
			return -ENOMEM;
		iscsi_conn_set_priv(c, s);
	}
	s->rx_pdus++;
	switch (s->state) {
	case ISCSI_SESS_LOGIN:
		if (h->opcode == ISCSI_OP_LOGIN_REQ)
			return iscsi_login_rx(s, h, data);
		/* Only Login PDUs before the full feature phase (4.3). */
		return -EPROTO;
	case ISCSI_SESS_FFP:
		if (iscsi_ffp_allowed(s, h->opcode))
			return iscsi_ffp_rx(s, h, ahs, data);
		iscsi_bhs_build(h, bhs);
		return iscsi_session_reject(s, ISCSI_REJECT_PROTOCOL_ERROR,
					    bhs);
	default:
		return 0;	/* logging out: ignore the rest */
	}
}

/*
 * Write data of a session in the full feature phase goes to its
 * commands' buffers; everything else (login and text keys, ping data)
 * to the connection's buffer.
 */
static int iscsi_session_data_dest(struct iscsi_conn *c,
				   const struct iscsi_pdu_hdr *h,
				   const uint8_t *ahs, struct iovec *iov,
				   int *iovcnt)
{
	struct iscsi_session *s = iscsi_conn_priv(c);

	if (!s || s->state != ISCSI_SESS_FFP || s->discovery)
		return 0;
	switch (h->opcode) {
	case ISCSI_OP_SCSI_CMD:
		return iscsi_scsi_cmd_dest(s, h, ahs, iov, iovcnt);
	case ISCSI_OP_DATA_OUT:
		return iscsi_data_out_dest(s, h, iov, iovcnt);
	default:
		return 0;
	}
}

static int iscsi_session_pdu_reject(struct iscsi_conn *c, uint8_t reason,
				    const uint8_t bhs[ISCSI_BHS_LEN])
{
	struct iscsi_session *s = iscsi_conn_priv(c);

	struct iscsi_pdu_hdr h;
	int ret;

	if (!s)
		return -EPROTO;		/* not even a login yet */
	ret = iscsi_session_reject(s, reason, bhs);
	/* The Reject first: the task's CHECK CONDITION may follow now. */
	if (reason == ISCSI_REJECT_DATA_DIGEST && s->state == ISCSI_SESS_FFP &&
	    iscsi_bhs_parse(bhs, &h, NULL) == 0 &&
	    h.opcode == ISCSI_OP_DATA_OUT)
		iscsi_data_out_lost(s, &h);
	iscsi_rx_direct_drop(s);	/* a data digest error after data_dest */
	return ret;
}

static void iscsi_session_closed(struct iscsi_conn *c)
{
	struct iscsi_session *s = iscsi_conn_priv(c);

	if (!s)
		return;
	s->conn = NULL;
	atomic_store(&s->joinable, false);
	evloop_timer_cancel(&s->nop_timer);
	/* Dropping the last task must not free the session under us. */
	s->tasks++;
	iscsi_rx_direct_drop(s);	/* before its task may go */
	iscsi_tasks_drop(s);
	s->tasks--;
	if (s->handover_to) {
		/* Reinstated: the nexus lives on once its commands end. */
		iscsi_session_handover_try(s);
	} else if (s->nexus) {
		/* Submitted commands still get cmd_done (aborted). */
		tgt_nexus_destroy(s->nexus);
		s->nexus = NULL;
	}
	iscsi_session_maybe_done(s);
}

const struct iscsi_conn_ops iscsi_session_conn_ops = {
	.data_dest = iscsi_session_data_dest,
	.pdu_rx = iscsi_session_pdu_rx,
	.pdu_reject = iscsi_session_pdu_reject,
	.closed = iscsi_session_closed,
};

/* ---- the lld ---- */

atomic_uint iscsi_rx_timeout_ms = ISCSI_RX_TIMEOUT_MS;

/* A portal copies the connection settings when added. */
int iscsi_portal_new(const char *addr_port)
{
	struct iscsi_conn_cfg cfg = {
		.rx_buf_len = ISCSI_RX_BUF_LEN,
		.max_recv_dsl = ISCSI_LOGIN_DSL,
		.rx_timeout_ms = atomic_load(&iscsi_rx_timeout_ms),
	};

	return iscsi_portal_add(addr_port, &iscsi_session_conn_ops, &cfg);
}

/* One option: "portal=ADDR:PORT" (added now), or "SETTING=N" (see
 * iscsi_setting_set; tests shorten the timeouts with them). */
static int iscsi_lld_opt(char *p, bool add_portals)
{
	struct strbuf why = STRBUF_INIT;
	char *eq = strchr(p, '=');
	int ret;

	if (eq && strncmp(p, "portal=", 7)) {
		*eq = '\0';
		ret = iscsi_setting_set(p, eq + 1, &why);
		*eq = '=';
		if (ret)
			log_err("iscsi: option '%s': %s", p, strbuf_str(&why));
		strbuf_release(&why);
		return ret ? -EINVAL : 0;
	}
	if (!eq) {
		log_err("iscsi: unknown option '%s'", p);
		return -EINVAL;
	}
	if (!add_portals)
		return 0;
	ret = iscsi_portal_new(p + 7);
	/* Already added by tgtd.conf's [iscsi] (e.g. a dump loaded with the
	 * command line it was taken under): the same wish, not a conflict. */
	if (ret == -EEXIST) {
		log_info("iscsi: portal %s: already listening", p + 7);
		return 0;
	}
	if (ret)
		log_err("iscsi: portal %s: %s", p + 7, strerror(-ret));
	return ret;
}

/* "portal=ADDR:PORT[,portal=...][,SETTING=N...]"; no option: no
 * portals.  Two passes: portals copy the settings when added. */
static int iscsi_lld_init(const char *opts)
{
	char buf[512], *p, *save = NULL;
	int ret;

	if (!opts || !*opts)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		if (util_strscpy(buf, opts, sizeof(buf)) < 0)
			return -EINVAL;
		for (p = strtok_r(buf, ",", &save); p;
		     p = strtok_r(NULL, ",", &save)) {
			ret = iscsi_lld_opt(p, pass == 1);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void iscsi_lld_exit(void)
{
	struct iscsi_session *s;

	iscsi_portal_del_all();
	iscsi_sessions_logout_all();
	pthread_mutex_lock(&iscsi_sessions_lock);
	list_for_each_entry(s, &iscsi_sessions, node)
		iscsi_session_kill(s);
	pthread_mutex_unlock(&iscsi_sessions_lock);
}

/* Management thread, core lock held: only post (tgt.h). */
static void iscsi_nexus_kill(struct tgt_nexus *n, void *priv)
{
	iscsi_session_kill(priv);
}

const struct tgt_lld_ops iscsi_lld_ops = {
	.name = "iscsi",
	.init = iscsi_lld_init,
	.exit = iscsi_lld_exit,
	.cmd_done = iscsi_cmd_done,
	.tmf_done = iscsi_tmf_done,
	.nexus_kill = iscsi_nexus_kill,
	.nexus_show = iscsi_mgmt_nexus_show,
	.mgmt = iscsi_mgmt,
	.dump = iscsi_mgmt_dump,
};
