// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reinstatement (RFC 7143 6.3.5, 6.3.4): a new session of the same
 * initiator, ISID and target ends the old one; a new connection with the
 * session's ISID, TSIH and CID replaces its connection and takes over
 * its I_T nexus.  See iscsi.h for the model.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "iscsi.h"
#include "util/log.h"
#include "util/util.h"

/* ---- session reinstatement (6.3.5) ---- */

void iscsi_session_reinstate(struct iscsi_session *s)
{
	struct iscsi_session *o;

	pthread_mutex_lock(&iscsi_sessions_lock);
	list_for_each_entry(o, &iscsi_sessions, node) {
		/* Fields of @o are read racily but are written once at its
		 * own login; a stale match only closes a session early. */
		if (o == s || o->tid != s->tid || !o->tsih ||
		    memcmp(o->isid, s->isid, sizeof(s->isid)) ||
		    strcmp(o->initiator_name, s->initiator_name))
			continue;
		iscsi_session_kill(o);
	}
	pthread_mutex_unlock(&iscsi_sessions_lock);
}

/* ---- connection reinstatement (6.3.4) ---- */
void iscsi_session_publish(struct iscsi_session *s)
{
	/* The fields reinst_find compares are written: publish them. */
	atomic_store(&s->joinable, !s->discovery);
}


uint16_t iscsi_session_reinst_find(struct iscsi_session *s)
{
	uint16_t status = ISCSI_LOGIN_STATUS_NO_SESSION;
	struct iscsi_session *o;

	pthread_mutex_lock(&iscsi_sessions_lock);
	list_for_each_entry(o, &iscsi_sessions, node) {
		/* joinable (seq_cst) published the fields compared here. */
		if (o == s || !atomic_load(&o->joinable) ||
		    o->tsih != s->tsih || o->tid != s->tid ||
		    memcmp(o->isid, s->isid, sizeof(s->isid)) ||
		    strcmp(o->initiator_name, s->initiator_name))
			continue;
		/* One connection per session: only its own CID replaces it
		 * (a new CID would add a connection, 6.3.1). */
		if (o->cid != s->cid) {
			status = ISCSI_LOGIN_STATUS_TOO_MANY_CONNS;
			break;
		}
		atomic_fetch_add(&o->refs, 1);
		s->reinst = o;
		status = 0;
		break;
	}
	pthread_mutex_unlock(&iscsi_sessions_lock);
	return status;
}

/* The old session's loop: close its connection, then hand over. */
static void iscsi_session_handover_work(void *arg)
{
	struct iscsi_session *o = arg;

	o->handover_to = o->handover_req;
	if (o->conn) {
		log_info("iscsi: %s: session %u reinstated its connection %u: "
			 "closing the old one", o->initiator_name, o->tsih,
			 o->cid);
		iscsi_conn_close(o->conn);
		return;
	}
	/* Closed meanwhile: its nexus went with it. */
	iscsi_session_handover_try(o);
}

/* The new session's loop: the nexus (or NULL) arrived. */
static void iscsi_session_adopt_work(void *arg)
{
	struct iscsi_session *s = arg;
	struct tgt_nexus *n = s->adopt_nexus;
	bool waiting = s->conn && s->state == ISCSI_SESS_LOGIN;

	s->adopt_nexus = NULL;
	iscsi_session_put(s->reinst);
	s->reinst = NULL;
	if (n && waiting) {
		s->nexus = n;
		s->itn_id = tgt_nexus_itn_id(n);
		iscsi_login_resume(s, 0);
	} else {
		if (n)
			tgt_nexus_destroy(n);
		if (waiting)
			iscsi_login_resume(s, s->adopt_err == -ESRCH ?
					   ISCSI_LOGIN_STATUS_NO_SESSION :
					   iscsi_login_nexus_status(s->adopt_err));
	}
	iscsi_session_put(s);
}

/*
 * The old session's loop, once its connection is closed and its last
 * command finished (ERL 0: none is continued, 7.1.4): nothing of the
 * nexus is in flight, so it can move to the new connection's loop.
 */
void iscsi_session_handover_try(struct iscsi_session *o)
{
	struct iscsi_session *s = o->handover_to;
	struct tgt_nexus *n = o->nexus;

	if (!s || o->conn || o->tasks)
		return;
	o->handover_to = NULL;
	o->nexus = NULL;
	/* Gone with a close before the hand-over: "does not exist". */
	s->adopt_err = n ? tgt_nexus_rehome(n, s->loop, s, s->reinst_addr) :
			   -ESRCH;
	if (n && s->adopt_err) {
		tgt_nexus_destroy(n);
		n = NULL;
	}
	s->adopt_nexus = n;
	evloop_work_init(&s->adopt_work, iscsi_session_adopt_work, s);
	evloop_post(s->loop, &s->adopt_work);
}

uint16_t iscsi_session_reinst_start(struct iscsi_session *s)
{
	struct iscsi_session *o = s->reinst;
	bool expected = true;

	/* Claimed once: a second reinstatement, a logout or a close of
	 * the old connection in between makes this one fail. */
	if (!atomic_compare_exchange_strong(&o->joinable, &expected, false))
		return ISCSI_LOGIN_STATUS_NO_SESSION;
	util_strscpy(s->reinst_addr, iscsi_conn_peer(s->conn),
		     sizeof(s->reinst_addr));
	atomic_fetch_add(&s->refs, 1);		/* for the adopt work */
	o->handover_req = s;
	evloop_work_init(&o->handover_work, iscsi_session_handover_work, o);
	evloop_post(o->loop, &o->handover_work);
	return ISCSI_LOGIN_STATUS_PENDING;
}
