// SPDX-License-Identifier: GPL-2.0-only
/*
 * Whether initiators are still there, and telling them we leave: NOP-In
 * pings of idle sessions (RFC 7143 11.19) and the Async Message asking
 * for a Logout at shutdown (11.9.1).  See iscsi.h for the model.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "iscsi.h"
#include "util/log.h"
#include "util/util.h"

/* ---- NOP-In pings: is the initiator still there? (11.19) ---- */

/* ITT reserved, TTT set: an answer is due.  StatSN is the next one but
 * is not consumed (11.19.4). */
static void iscsi_nop_ping_send(struct iscsi_session *s)
{
	struct iscsi_pdu_hdr r;

	iscsi_pdu_hdr_init(&r, ISCSI_OP_NOP_IN, ISCSI_RSVD_TAG);
	s->nop_ttt = s->next_ttt++ & 0x3fffffffu;
	r.nop_in.ttt = s->nop_ttt;
	r.nop_in.statsn = s->stat_sn;
	r.nop_in.exp_cmdsn = s->exp_cmdsn;
	r.nop_in.max_cmdsn = iscsi_session_max_cmdsn(s);
	iscsi_session_send_copy(s, &r, NULL, 0);
}

/*
 * Any PDU is a sign of life, the ping's answer included; so a busy
 * session is never pinged and a slow answer behind data still counts.
 * Idle for nop_interval_ms: ping; then silent for nop_timeout_ms: the
 * initiator is gone (its host died or the network did) and the
 * connection is dropped, freeing the session for its reinstatement.
 */
void iscsi_session_nop_tick(void *arg)
{
	struct iscsi_session *s = arg;
	bool idle = s->rx_pdus == s->nop_rx_mark;

	if (!s->conn || s->state != ISCSI_SESS_FFP)
		return;
	if (s->nop_ttt != ISCSI_RSVD_TAG && idle) {
		log_info("iscsi: %s (%s): no answer to a NOP-In ping in %u "
			 "ms: dropping the connection", s->initiator_name,
			 iscsi_conn_peer(s->conn), s->nop_timeout_ms);
		iscsi_conn_close(s->conn);
		return;
	}
	s->nop_ttt = ISCSI_RSVD_TAG;
	s->nop_rx_mark = s->rx_pdus;
	if (idle) {
		iscsi_nop_ping_send(s);
		evloop_timer_arm(s->loop, &s->nop_timer, s->nop_timeout_ms);
		return;
	}
	evloop_timer_arm(s->loop, &s->nop_timer, s->nop_interval_ms);
}

void iscsi_session_ffp_start(struct iscsi_session *s)
{
	s->nop_interval_ms = atomic_load(&iscsi_nop_interval_ms);
	s->nop_timeout_ms = atomic_load(&iscsi_nop_timeout_ms);
	if (s->nop_interval_ms) {
		s->nop_rx_mark = s->rx_pdus;
		evloop_timer_arm(s->loop, &s->nop_timer, s->nop_interval_ms);
	}
}

/* ---- shutdown: Async Message "please log out" (11.9.1) ---- */

static void iscsi_session_logout_work(void *arg)
{
	struct iscsi_session *s = arg;
	uint32_t ms = atomic_load(&iscsi_logout_timeout_ms);
	struct iscsi_pdu_hdr r;

	atomic_store(&s->joinable, false);
	if (s->conn && s->state == ISCSI_SESS_FFP && !s->discovery && ms) {
		iscsi_pdu_hdr_init(&r, ISCSI_OP_ASYNC_MSG, ISCSI_RSVD_TAG);
		r.async.event = ISCSI_ASYNC_LOGOUT_REQUEST;
		/* Parameter3: seconds the initiator has to log out. */
		r.async.param3 = (uint16_t)MIN((ms + 999) / 1000, 65535u);
		r.async.statsn = s->stat_sn++;
		r.async.exp_cmdsn = s->exp_cmdsn;
		r.async.max_cmdsn = iscsi_session_max_cmdsn(s);
		iscsi_session_send_copy(s, &r, NULL, 0);
	} else if (s->conn) {
		iscsi_conn_close(s->conn);	/* discovery, or still in login */
	}
	iscsi_session_put(s);
}

/* Caller holds iscsi_sessions_lock. */
static void iscsi_session_logout_ask(struct iscsi_session *s)
{
	if (atomic_flag_test_and_set(&s->logout_posted))
		return;
	atomic_fetch_add(&s->refs, 1);
	evloop_work_init(&s->logout_work, iscsi_session_logout_work, s);
	evloop_post(s->loop, &s->logout_work);
}

static unsigned iscsi_sessions_count(void)
{
	struct iscsi_session *s;
	unsigned n = 0;

	pthread_mutex_lock(&iscsi_sessions_lock);
	list_for_each_entry(s, &iscsi_sessions, node)
		n++;
	pthread_mutex_unlock(&iscsi_sessions_lock);
	return n;
}

/*
 * Asks every initiator to log out and waits up to logout_timeout_ms for
 * them (main thread: blocking is fine, the I/O loops still run).  A clean
 * logout lets the initiator fail over or retry instead of finding a dead
 * connection in the middle of I/O.
 */
void iscsi_sessions_logout_all(void)
{
	uint32_t ms = atomic_load(&iscsi_logout_timeout_ms);
	struct iscsi_session *s;
	unsigned left;

	pthread_mutex_lock(&iscsi_sessions_lock);
	list_for_each_entry(s, &iscsi_sessions, node)
		iscsi_session_logout_ask(s);
	pthread_mutex_unlock(&iscsi_sessions_lock);
	for (uint32_t t = 0; t < ms && iscsi_sessions_count(); t += 10)
		usleep(10000);
	left = iscsi_sessions_count();
	if (left)
		log_info("iscsi: %u session(s) still open %u ms after the "
			 "logout request: dropping them", left, ms);
}
