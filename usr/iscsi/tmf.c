// SPDX-License-Identifier: GPL-2.0-only
/*
 * iSCSI task management (RFC 7143 11.5, 11.6) mapped onto the core's
 * TMFs; tasks still waiting for Data-Out are the transport's and are
 * dropped here.
 */
#include <errno.h>
#include <string.h>

#include "iscsi.h"
#include "util/log.h"
#include "util/util.h"

/* ---- task management ---- */

struct iscsi_tmf {
	struct iscsi_session *s;
	uint32_t itt;
	uint32_t cmdsn;
	uint32_t ref_cmdsn;
	bool ref_unseen;		/* RefCmdSN in the window, not received */
	bool cold;			/* TARGET COLD RESET: drop after */
};

static int iscsi_tmf_fn_map(uint8_t fn, uint8_t *out)
{
	switch (fn) {
	case ISCSI_TMF_ABORT_TASK:	*out = TGT_TMF_ABORT_TASK; break;
	case ISCSI_TMF_ABORT_TASK_SET:	*out = TGT_TMF_ABORT_TASK_SET; break;
	case ISCSI_TMF_CLEAR_ACA:	*out = TGT_TMF_CLEAR_ACA; break;
	case ISCSI_TMF_CLEAR_TASK_SET:	*out = TGT_TMF_CLEAR_TASK_SET; break;
	case ISCSI_TMF_LUN_RESET:	*out = TGT_TMF_LUN_RESET; break;
	case ISCSI_TMF_TARGET_WARM_RESET:
	case ISCSI_TMF_TARGET_COLD_RESET: *out = TGT_TMF_TARGET_RESET; break;
	case ISCSI_TMF_QUERY_TASK:	*out = TGT_TMF_QUERY_TASK; break;
	case ISCSI_TMF_IT_NEXUS_RESET:	*out = TGT_TMF_IT_NEXUS_RESET; break;
	case ISCSI_TMF_TASK_REASSIGN:
		/* ERL 0: no allegiance reassignment (11.5.1). */
		return ISCSI_TMF_RSP_NO_REASSIGN;
	default:
		return ISCSI_TMF_RSP_NOT_SUPPORTED;
	}
	return 0;
}

static void iscsi_tmf_respond(struct iscsi_session *s, uint32_t itt,
			      uint8_t response, bool close)
{
	struct iscsi_pdu_hdr r;

	iscsi_pdu_hdr_init(&r, ISCSI_OP_TMF_RSP, itt);
	r.tmf_rsp.response = response;
	r.tmf_rsp.statsn = s->stat_sn++;
	r.tmf_rsp.exp_cmdsn = s->exp_cmdsn;
	r.tmf_rsp.max_cmdsn = iscsi_session_max_cmdsn(s);
	if (close)
		iscsi_session_send_last(s, &r, NULL, 0);
	else
		iscsi_session_send_copy(s, &r, NULL, 0);
}

static uint8_t iscsi_tmf_result_map(const struct tgt_tmf *tmf,
				    const struct iscsi_tmf *it)
{
	switch (tmf->result) {
	case TGT_TMF_COMPLETE:	return ISCSI_TMF_RSP_COMPLETE;
	case TGT_TMF_SUCCEEDED:	return ISCSI_TMF_RSP_SUCCEEDED;
	case TGT_TMF_NO_TASK:
		/* A task whose command never arrived (RefCmdSN in the
		 * window) but whose CmdSN is before the TMF's counts as
		 * received and done; one already answered is below the
		 * window: "Task does not exist" (11.5.1 b, c). */
		if (tmf->fn == TGT_TMF_ABORT_TASK && it->ref_unseen)
			return ISCSI_TMF_RSP_COMPLETE;
		return ISCSI_TMF_RSP_NO_TASK;
	case TGT_TMF_NO_LUN:	return ISCSI_TMF_RSP_NO_LUN;
	case TGT_TMF_REJECTED:	return ISCSI_TMF_RSP_NOT_SUPPORTED;
	default:		return ISCSI_TMF_RSP_REJECTED;
	}
}

void iscsi_tmf_done(struct tgt_tmf *tmf)
{
	struct iscsi_tmf *it = tmf->lld_priv;
	struct iscsi_session *s = it->s;

	if (s->conn)
		iscsi_tmf_respond(s, it->itt, iscsi_tmf_result_map(tmf, it),
				  it->cold);
	tgt_tmf_free(tmf);
	iscsi_session_task_put(s);
}

/* Tasks still waiting for Data-Out are unknown to the core: a TMF that
 * covers them drops them here (they get no response, 4.2.3.x/11.5). */
static void iscsi_tmf_local_abort(struct iscsi_session *s,
				  const struct iscsi_pdu_hdr *h, uint8_t fn)
{
	switch (fn) {
	case TGT_TMF_ABORT_TASK:
		iscsi_tasks_abort(s, NULL, h->tmf_req.ref_itt);
		break;
	case TGT_TMF_ABORT_TASK_SET:
	case TGT_TMF_CLEAR_TASK_SET:
	case TGT_TMF_LUN_RESET:
		iscsi_tasks_abort(s, h->lun, ISCSI_RSVD_TAG);
		break;
	case TGT_TMF_IT_NEXUS_RESET:
	case TGT_TMF_TARGET_RESET:
		iscsi_tasks_abort(s, NULL, ISCSI_RSVD_TAG);
		break;
	default:
		break;
	}
}

void iscsi_tmf_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h)
{
	uint8_t fn = h->tmf_req.function, tfn = 0;
	struct tgt_tmf *tmf;
	struct iscsi_tmf *it;
	uint32_t exp = s->exp_cmdsn;	/* the window before this PDU */
	int rsp;

	if (!iscsi_session_cmdsn_take(s, h->immediate, h->tmf_req.cmdsn))
		return;
	rsp = iscsi_tmf_fn_map(fn, &tfn);
	if (rsp) {
		iscsi_tmf_respond(s, h->itt, (uint8_t)rsp, false);
		return;
	}
	tmf = tgt_tmf_alloc(s->nexus, sizeof(*it));
	if (!tmf) {
		iscsi_tmf_respond(s, h->itt, ISCSI_TMF_RSP_REJECTED, false);
		return;
	}
	iscsi_tmf_local_abort(s, h, tfn);
	it = tmf->lld_priv;
	it->s = s;
	it->itt = h->itt;
	it->cmdsn = h->tmf_req.cmdsn;
	it->ref_cmdsn = h->tmf_req.ref_cmdsn;
	/* Commands arrive in CmdSN order (one connection): those below
	 * ExpCmdSN were all received. */
	it->ref_unseen = !iscsi_sn_lt(it->ref_cmdsn, exp) &&
			 iscsi_sn_lt(it->ref_cmdsn, it->cmdsn);
	it->cold = fn == ISCSI_TMF_TARGET_COLD_RESET;
	tmf->fn = tfn;
	memcpy(tmf->lun, h->lun, sizeof(tmf->lun));
	tmf->tag = h->itt;
	tmf->ref_tag = h->tmf_req.ref_itt;
	s->tasks++;
	tgt_tmf_submit(tmf);
}
