// SPDX-License-Identifier: GPL-2.0-only
/*
 * iSCSI PDU codec (RFC 7143 section 11): one decoder and one encoder per
 * BHS layout, reached through a table indexed by opcode, plus the checks
 * a target applies to initiator PDUs, AHS parsing, padding and digests.
 */
#include <errno.h>
#include <string.h>

#include "crc32c.h"
#include "pdu.h"
#include "util/util.h"

typedef void (*iscsi_dec_fn)(const uint8_t *b, struct iscsi_pdu_hdr *h);
typedef void (*iscsi_enc_fn)(const struct iscsi_pdu_hdr *h, uint8_t *b);

struct iscsi_op_desc {
	const char *name;
	bool has_lun;		/* bytes 8..15 are a LUN (else opcode-specific) */
	bool one_bit;		/* byte 1 bit 0 is always 1 on the wire */
	iscsi_dec_fn dec;
	iscsi_enc_fn enc;
};

/* ---- decoders: opcode-specific fields, common ones done by the caller ---- */

#define BHS(type, b) ((const struct type *)(const void *)(b))
#define BHS_W(type, b) ((struct type *)(void *)(b))

static void iscsi_dec_nop_out(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_nop_out *p = BHS(iscsi_bhs_nop_out, b);

	h->nop_out.ttt = get_be32(p->ttt);
	h->nop_out.cmdsn = get_be32(p->cmdsn);
	h->nop_out.exp_statsn = get_be32(p->exp_statsn);
}

static void iscsi_dec_scsi_cmd(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_scsi_cmd *p = BHS(iscsi_bhs_scsi_cmd, b);

	h->scsi_cmd.edtl = get_be32(p->edtl);
	h->scsi_cmd.cmdsn = get_be32(p->cmdsn);
	h->scsi_cmd.exp_statsn = get_be32(p->exp_statsn);
	memcpy(h->scsi_cmd.cdb, p->cdb, sizeof(p->cdb));
}

static void iscsi_dec_tmf_req(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_tmf_req *p = BHS(iscsi_bhs_tmf_req, b);

	h->tmf_req.function = p->flags & ISCSI_FLAG_TMF_FUNC_MASK;
	h->tmf_req.ref_itt = get_be32(p->ref_itt);
	h->tmf_req.cmdsn = get_be32(p->cmdsn);
	h->tmf_req.exp_statsn = get_be32(p->exp_statsn);
	h->tmf_req.ref_cmdsn = get_be32(p->ref_cmdsn);
	h->tmf_req.exp_datasn = get_be32(p->exp_datasn);
}

static void iscsi_dec_login_req(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_login_req *p = BHS(iscsi_bhs_login_req, b);

	h->login_req.version_max = p->version_max;
	h->login_req.version_min = p->version_min;
	memcpy(h->login_req.isid, p->isid, sizeof(p->isid));
	h->login_req.tsih = get_be16(p->tsih);
	h->login_req.cid = get_be16(p->cid);
	h->login_req.cmdsn = get_be32(p->cmdsn);
	h->login_req.exp_statsn = get_be32(p->exp_statsn);
}

static void iscsi_dec_text_req(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_text_req *p = BHS(iscsi_bhs_text_req, b);

	h->text_req.ttt = get_be32(p->ttt);
	h->text_req.cmdsn = get_be32(p->cmdsn);
	h->text_req.exp_statsn = get_be32(p->exp_statsn);
}

static void iscsi_dec_data_out(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_data_out *p = BHS(iscsi_bhs_data_out, b);

	h->data_out.ttt = get_be32(p->ttt);
	h->data_out.exp_statsn = get_be32(p->exp_statsn);
	h->data_out.datasn = get_be32(p->datasn);
	h->data_out.offset = get_be32(p->offset);
}

static void iscsi_dec_logout_req(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_logout_req *p = BHS(iscsi_bhs_logout_req, b);

	h->logout_req.reason = p->flags & ISCSI_FLAG_LOGOUT_REASON_MASK;
	h->logout_req.cid = get_be16(p->cid);
	h->logout_req.cmdsn = get_be32(p->cmdsn);
	h->logout_req.exp_statsn = get_be32(p->exp_statsn);
}

static void iscsi_dec_snack(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_snack *p = BHS(iscsi_bhs_snack, b);

	h->snack.type = p->flags & ISCSI_FLAG_SNACK_TYPE_MASK;
	h->snack.ttt = get_be32(p->ttt);
	h->snack.exp_statsn = get_be32(p->exp_statsn);
	h->snack.begrun = get_be32(p->begrun);
	h->snack.runlength = get_be32(p->runlength);
}

static void iscsi_dec_nop_in(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_nop_in *p = BHS(iscsi_bhs_nop_in, b);

	h->nop_in.ttt = get_be32(p->ttt);
	h->nop_in.statsn = get_be32(p->statsn);
	h->nop_in.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->nop_in.max_cmdsn = get_be32(p->max_cmdsn);
}

static void iscsi_dec_scsi_rsp(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_scsi_rsp *p = BHS(iscsi_bhs_scsi_rsp, b);

	h->scsi_rsp.response = p->response;
	h->scsi_rsp.status = p->status;
	h->scsi_rsp.snack_tag = get_be32(p->snack_tag);
	h->scsi_rsp.statsn = get_be32(p->statsn);
	h->scsi_rsp.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->scsi_rsp.max_cmdsn = get_be32(p->max_cmdsn);
	h->scsi_rsp.exp_datasn = get_be32(p->exp_datasn);
	h->scsi_rsp.bidi_residual = get_be32(p->bidi_residual);
	h->scsi_rsp.residual = get_be32(p->residual);
}

static void iscsi_dec_tmf_rsp(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_tmf_rsp *p = BHS(iscsi_bhs_tmf_rsp, b);

	h->tmf_rsp.response = p->response;
	h->tmf_rsp.statsn = get_be32(p->statsn);
	h->tmf_rsp.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->tmf_rsp.max_cmdsn = get_be32(p->max_cmdsn);
}

static void iscsi_dec_login_rsp(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_login_rsp *p = BHS(iscsi_bhs_login_rsp, b);

	h->login_rsp.version_max = p->version_max;
	h->login_rsp.version_active = p->version_active;
	memcpy(h->login_rsp.isid, p->isid, sizeof(p->isid));
	h->login_rsp.tsih = get_be16(p->tsih);
	h->login_rsp.statsn = get_be32(p->statsn);
	h->login_rsp.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->login_rsp.max_cmdsn = get_be32(p->max_cmdsn);
	h->login_rsp.status_class = p->status_class;
	h->login_rsp.status_detail = p->status_detail;
}

static void iscsi_dec_text_rsp(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_text_rsp *p = BHS(iscsi_bhs_text_rsp, b);

	h->text_rsp.ttt = get_be32(p->ttt);
	h->text_rsp.statsn = get_be32(p->statsn);
	h->text_rsp.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->text_rsp.max_cmdsn = get_be32(p->max_cmdsn);
}

static void iscsi_dec_data_in(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_data_in *p = BHS(iscsi_bhs_data_in, b);

	h->data_in.status = p->status;
	h->data_in.ttt = get_be32(p->ttt);
	h->data_in.statsn = get_be32(p->statsn);
	h->data_in.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->data_in.max_cmdsn = get_be32(p->max_cmdsn);
	h->data_in.datasn = get_be32(p->datasn);
	h->data_in.offset = get_be32(p->offset);
	h->data_in.residual = get_be32(p->residual);
}

static void iscsi_dec_logout_rsp(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_logout_rsp *p = BHS(iscsi_bhs_logout_rsp, b);

	h->logout_rsp.response = p->response;
	h->logout_rsp.statsn = get_be32(p->statsn);
	h->logout_rsp.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->logout_rsp.max_cmdsn = get_be32(p->max_cmdsn);
	h->logout_rsp.time2wait = get_be16(p->time2wait);
	h->logout_rsp.time2retain = get_be16(p->time2retain);
}

static void iscsi_dec_r2t(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_r2t *p = BHS(iscsi_bhs_r2t, b);

	h->r2t.ttt = get_be32(p->ttt);
	h->r2t.statsn = get_be32(p->statsn);
	h->r2t.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->r2t.max_cmdsn = get_be32(p->max_cmdsn);
	h->r2t.r2tsn = get_be32(p->r2tsn);
	h->r2t.offset = get_be32(p->offset);
	h->r2t.desired_len = get_be32(p->desired_len);
}

static void iscsi_dec_async(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_async *p = BHS(iscsi_bhs_async, b);

	h->async.statsn = get_be32(p->statsn);
	h->async.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->async.max_cmdsn = get_be32(p->max_cmdsn);
	h->async.event = p->event;
	h->async.vcode = p->vcode;
	h->async.param1 = get_be16(p->param1);
	h->async.param2 = get_be16(p->param2);
	h->async.param3 = get_be16(p->param3);
}

static void iscsi_dec_reject(const uint8_t *b, struct iscsi_pdu_hdr *h)
{
	const struct iscsi_bhs_reject *p = BHS(iscsi_bhs_reject, b);

	h->reject.reason = p->reason;
	h->reject.statsn = get_be32(p->statsn);
	h->reject.exp_cmdsn = get_be32(p->exp_cmdsn);
	h->reject.max_cmdsn = get_be32(p->max_cmdsn);
	h->reject.datasn = get_be32(p->datasn);
}

/* ---- encoders: opcode-specific fields into a zeroed BHS ---- */

static void iscsi_enc_nop_out(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_nop_out *p = BHS_W(iscsi_bhs_nop_out, b);

	put_be32(p->ttt, h->nop_out.ttt);
	put_be32(p->cmdsn, h->nop_out.cmdsn);
	put_be32(p->exp_statsn, h->nop_out.exp_statsn);
}

static void iscsi_enc_scsi_cmd(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_scsi_cmd *p = BHS_W(iscsi_bhs_scsi_cmd, b);

	put_be32(p->edtl, h->scsi_cmd.edtl);
	put_be32(p->cmdsn, h->scsi_cmd.cmdsn);
	put_be32(p->exp_statsn, h->scsi_cmd.exp_statsn);
	memcpy(p->cdb, h->scsi_cmd.cdb, sizeof(p->cdb));
}

static void iscsi_enc_tmf_req(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_tmf_req *p = BHS_W(iscsi_bhs_tmf_req, b);

	put_be32(p->ref_itt, h->tmf_req.ref_itt);
	put_be32(p->cmdsn, h->tmf_req.cmdsn);
	put_be32(p->exp_statsn, h->tmf_req.exp_statsn);
	put_be32(p->ref_cmdsn, h->tmf_req.ref_cmdsn);
	put_be32(p->exp_datasn, h->tmf_req.exp_datasn);
}

static void iscsi_enc_login_req(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_login_req *p = BHS_W(iscsi_bhs_login_req, b);

	p->version_max = h->login_req.version_max;
	p->version_min = h->login_req.version_min;
	memcpy(p->isid, h->login_req.isid, sizeof(p->isid));
	put_be16(p->tsih, h->login_req.tsih);
	put_be16(p->cid, h->login_req.cid);
	put_be32(p->cmdsn, h->login_req.cmdsn);
	put_be32(p->exp_statsn, h->login_req.exp_statsn);
}

static void iscsi_enc_text_req(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_text_req *p = BHS_W(iscsi_bhs_text_req, b);

	put_be32(p->ttt, h->text_req.ttt);
	put_be32(p->cmdsn, h->text_req.cmdsn);
	put_be32(p->exp_statsn, h->text_req.exp_statsn);
}

static void iscsi_enc_data_out(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_data_out *p = BHS_W(iscsi_bhs_data_out, b);

	put_be32(p->ttt, h->data_out.ttt);
	put_be32(p->exp_statsn, h->data_out.exp_statsn);
	put_be32(p->datasn, h->data_out.datasn);
	put_be32(p->offset, h->data_out.offset);
}

static void iscsi_enc_logout_req(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_logout_req *p = BHS_W(iscsi_bhs_logout_req, b);

	put_be16(p->cid, h->logout_req.cid);
	put_be32(p->cmdsn, h->logout_req.cmdsn);
	put_be32(p->exp_statsn, h->logout_req.exp_statsn);
}

static void iscsi_enc_snack(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_snack *p = BHS_W(iscsi_bhs_snack, b);

	put_be32(p->ttt, h->snack.ttt);
	put_be32(p->exp_statsn, h->snack.exp_statsn);
	put_be32(p->begrun, h->snack.begrun);
	put_be32(p->runlength, h->snack.runlength);
}

static void iscsi_enc_nop_in(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_nop_in *p = BHS_W(iscsi_bhs_nop_in, b);

	put_be32(p->ttt, h->nop_in.ttt);
	put_be32(p->statsn, h->nop_in.statsn);
	put_be32(p->exp_cmdsn, h->nop_in.exp_cmdsn);
	put_be32(p->max_cmdsn, h->nop_in.max_cmdsn);
}

static void iscsi_enc_scsi_rsp(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_scsi_rsp *p = BHS_W(iscsi_bhs_scsi_rsp, b);

	p->response = h->scsi_rsp.response;
	p->status = h->scsi_rsp.status;
	put_be32(p->snack_tag, h->scsi_rsp.snack_tag);
	put_be32(p->statsn, h->scsi_rsp.statsn);
	put_be32(p->exp_cmdsn, h->scsi_rsp.exp_cmdsn);
	put_be32(p->max_cmdsn, h->scsi_rsp.max_cmdsn);
	put_be32(p->exp_datasn, h->scsi_rsp.exp_datasn);
	put_be32(p->bidi_residual, h->scsi_rsp.bidi_residual);
	put_be32(p->residual, h->scsi_rsp.residual);
}

static void iscsi_enc_tmf_rsp(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_tmf_rsp *p = BHS_W(iscsi_bhs_tmf_rsp, b);

	p->response = h->tmf_rsp.response;
	put_be32(p->statsn, h->tmf_rsp.statsn);
	put_be32(p->exp_cmdsn, h->tmf_rsp.exp_cmdsn);
	put_be32(p->max_cmdsn, h->tmf_rsp.max_cmdsn);
}

static void iscsi_enc_login_rsp(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_login_rsp *p = BHS_W(iscsi_bhs_login_rsp, b);

	p->version_max = h->login_rsp.version_max;
	p->version_active = h->login_rsp.version_active;
	memcpy(p->isid, h->login_rsp.isid, sizeof(p->isid));
	put_be16(p->tsih, h->login_rsp.tsih);
	put_be32(p->statsn, h->login_rsp.statsn);
	put_be32(p->exp_cmdsn, h->login_rsp.exp_cmdsn);
	put_be32(p->max_cmdsn, h->login_rsp.max_cmdsn);
	p->status_class = h->login_rsp.status_class;
	p->status_detail = h->login_rsp.status_detail;
}

static void iscsi_enc_text_rsp(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_text_rsp *p = BHS_W(iscsi_bhs_text_rsp, b);

	put_be32(p->ttt, h->text_rsp.ttt);
	put_be32(p->statsn, h->text_rsp.statsn);
	put_be32(p->exp_cmdsn, h->text_rsp.exp_cmdsn);
	put_be32(p->max_cmdsn, h->text_rsp.max_cmdsn);
}

static void iscsi_enc_data_in(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_data_in *p = BHS_W(iscsi_bhs_data_in, b);

	p->status = h->data_in.status;
	put_be32(p->ttt, h->data_in.ttt);
	put_be32(p->statsn, h->data_in.statsn);
	put_be32(p->exp_cmdsn, h->data_in.exp_cmdsn);
	put_be32(p->max_cmdsn, h->data_in.max_cmdsn);
	put_be32(p->datasn, h->data_in.datasn);
	put_be32(p->offset, h->data_in.offset);
	put_be32(p->residual, h->data_in.residual);
}

static void iscsi_enc_logout_rsp(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_logout_rsp *p = BHS_W(iscsi_bhs_logout_rsp, b);

	p->response = h->logout_rsp.response;
	put_be32(p->statsn, h->logout_rsp.statsn);
	put_be32(p->exp_cmdsn, h->logout_rsp.exp_cmdsn);
	put_be32(p->max_cmdsn, h->logout_rsp.max_cmdsn);
	put_be16(p->time2wait, h->logout_rsp.time2wait);
	put_be16(p->time2retain, h->logout_rsp.time2retain);
}

static void iscsi_enc_r2t(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_r2t *p = BHS_W(iscsi_bhs_r2t, b);

	put_be32(p->ttt, h->r2t.ttt);
	put_be32(p->statsn, h->r2t.statsn);
	put_be32(p->exp_cmdsn, h->r2t.exp_cmdsn);
	put_be32(p->max_cmdsn, h->r2t.max_cmdsn);
	put_be32(p->r2tsn, h->r2t.r2tsn);
	put_be32(p->offset, h->r2t.offset);
	put_be32(p->desired_len, h->r2t.desired_len);
}

static void iscsi_enc_async(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_async *p = BHS_W(iscsi_bhs_async, b);

	put_be32(p->statsn, h->async.statsn);
	put_be32(p->exp_cmdsn, h->async.exp_cmdsn);
	put_be32(p->max_cmdsn, h->async.max_cmdsn);
	p->event = h->async.event;
	p->vcode = h->async.vcode;
	put_be16(p->param1, h->async.param1);
	put_be16(p->param2, h->async.param2);
	put_be16(p->param3, h->async.param3);
}

static void iscsi_enc_reject(const struct iscsi_pdu_hdr *h, uint8_t *b)
{
	struct iscsi_bhs_reject *p = BHS_W(iscsi_bhs_reject, b);

	p->reason = h->reject.reason;
	put_be32(p->statsn, h->reject.statsn);
	put_be32(p->exp_cmdsn, h->reject.exp_cmdsn);
	put_be32(p->max_cmdsn, h->reject.max_cmdsn);
	put_be32(p->datasn, h->reject.datasn);
}

/* ---- the opcode table ---- */

#define OP(code, nm, lun, one, fn) \
	[code] = { nm, lun, one, iscsi_dec_##fn, iscsi_enc_##fn }

static const struct iscsi_op_desc iscsi_ops[ISCSI_OPCODE_MASK + 1] = {
	OP(ISCSI_OP_NOP_OUT, "NOP-Out", true, true, nop_out),
	OP(ISCSI_OP_SCSI_CMD, "SCSI Command", true, false, scsi_cmd),
	OP(ISCSI_OP_TMF_REQ, "Task Management Request", true, true, tmf_req),
	OP(ISCSI_OP_LOGIN_REQ, "Login Request", false, false, login_req),
	OP(ISCSI_OP_TEXT_REQ, "Text Request", true, false, text_req),
	OP(ISCSI_OP_DATA_OUT, "SCSI Data-Out", true, false, data_out),
	OP(ISCSI_OP_LOGOUT_REQ, "Logout Request", false, true, logout_req),
	OP(ISCSI_OP_SNACK, "SNACK Request", true, true, snack),
	OP(ISCSI_OP_NOP_IN, "NOP-In", true, true, nop_in),
	OP(ISCSI_OP_SCSI_RSP, "SCSI Response", false, true, scsi_rsp),
	OP(ISCSI_OP_TMF_RSP, "Task Management Response", false, true, tmf_rsp),
	OP(ISCSI_OP_LOGIN_RSP, "Login Response", false, false, login_rsp),
	OP(ISCSI_OP_TEXT_RSP, "Text Response", true, false, text_rsp),
	OP(ISCSI_OP_DATA_IN, "SCSI Data-In", true, false, data_in),
	OP(ISCSI_OP_LOGOUT_RSP, "Logout Response", false, true, logout_rsp),
	OP(ISCSI_OP_R2T, "R2T", true, true, r2t),
	OP(ISCSI_OP_ASYNC_MSG, "Asynchronous Message", true, true, async),
	OP(ISCSI_OP_REJECT, "Reject", false, true, reject),
};

static const struct iscsi_op_desc *iscsi_op_desc(uint8_t opcode)
{
	if (opcode > ISCSI_OPCODE_MASK || !iscsi_ops[opcode].name)
		return NULL;
	return &iscsi_ops[opcode];
}

bool iscsi_op_is_initiator(uint8_t opcode)
{
	return iscsi_op_desc(opcode) && !(opcode & ISCSI_OP_TARGET_BIT);
}

bool iscsi_op_is_target(uint8_t opcode)
{
	return iscsi_op_desc(opcode) && (opcode & ISCSI_OP_TARGET_BIT);
}

const char *iscsi_op_name(uint8_t opcode)
{
	const struct iscsi_op_desc *d = iscsi_op_desc(opcode);

	return d ? d->name : "unknown";
}

/* ---- decode / build ---- */

int iscsi_bhs_decode(const uint8_t bhs[ISCSI_BHS_LEN],
		     struct iscsi_pdu_hdr *out)
{
	const struct iscsi_bhs *c = BHS(iscsi_bhs, bhs);
	const struct iscsi_op_desc *d;

	memset(out, 0, sizeof(*out));
	out->opcode = c->opcode & ISCSI_OPCODE_MASK;
	/* The I bit means something only on initiator PDUs (11.2.1.1). */
	out->immediate = !(out->opcode & ISCSI_OP_TARGET_BIT) &&
			 (c->opcode & ISCSI_OP_IMMEDIATE);
	out->flags = c->flags;
	out->ahs_len = (uint16_t)(c->ahs_len * 4u);
	out->data_len = get_be24(c->data_len);
	out->itt = get_be32(c->itt);
	d = iscsi_op_desc(out->opcode);
	if (!d)
		return -EPROTONOSUPPORT;
	if (d->has_lun)
		memcpy(out->lun, c->lun, sizeof(out->lun));
	d->dec(bhs, out);
	return 0;
}

void iscsi_pdu_hdr_init(struct iscsi_pdu_hdr *h, uint8_t opcode, uint32_t itt)
{
	memset(h, 0, sizeof(*h));
	h->opcode = opcode;
	h->flags = ISCSI_FLAG_FINAL;
	h->itt = itt;
}

int iscsi_bhs_build(const struct iscsi_pdu_hdr *h, uint8_t bhs[ISCSI_BHS_LEN])
{
	struct iscsi_bhs *c = BHS_W(iscsi_bhs, bhs);
	const struct iscsi_op_desc *d = iscsi_op_desc(h->opcode);

	if (!d)
		return -EPROTONOSUPPORT;
	if (h->ahs_len % 4 || h->ahs_len > ISCSI_AHS_MAX ||
	    h->data_len > ISCSI_BHS_DSL_MAX)
		return -EINVAL;
	memset(bhs, 0, ISCSI_BHS_LEN);
	c->opcode = h->opcode;
	if (h->immediate && !(h->opcode & ISCSI_OP_TARGET_BIT))
		c->opcode |= ISCSI_OP_IMMEDIATE;
	c->flags = h->flags;
	if (d->one_bit)
		c->flags |= ISCSI_FLAG_FINAL;
	c->ahs_len = (uint8_t)(h->ahs_len / 4);
	put_be24(c->data_len, h->data_len);
	if (d->has_lun)
		memcpy(c->lun, h->lun, sizeof(c->lun));
	/* 11.9.1, 11.17: these carry no task and say so. */
	if (h->opcode == ISCSI_OP_REJECT || h->opcode == ISCSI_OP_ASYNC_MSG)
		put_be32(c->itt, ISCSI_RSVD_TAG);
	else
		put_be32(c->itt, h->itt);
	d->enc(h, bhs);
	return 0;
}

/* ---- checks on initiator PDUs ---- */

/* SCSI Command rules of RFC 7143 11.3.1 that a framing check can see. */
static int iscsi_scsi_cmd_check(const struct iscsi_pdu_hdr *h)
{
	bool w = h->flags & ISCSI_FLAG_CMD_WRITE;

	/* F=0 announces unsolicited Data-Out, which needs W (11.3.1.1). */
	if (!w && !(h->flags & ISCSI_FLAG_FINAL))
		return ISCSI_REJECT_PROTOCOL_ERROR;
	/* Immediate data is write data within the expected length. */
	if (h->data_len && (!w || h->data_len > h->scsi_cmd.edtl))
		return ISCSI_REJECT_PROTOCOL_ERROR;
	return 0;
}

/* Opcode-specific rules; the lengths are already trusted. */
static int iscsi_op_check(const struct iscsi_pdu_hdr *h)
{
	switch (h->opcode) {
	case ISCSI_OP_SCSI_CMD:
		return iscsi_scsi_cmd_check(h);
	case ISCSI_OP_TMF_REQ:
	case ISCSI_OP_SNACK:
	case ISCSI_OP_LOGOUT_REQ:
		/* No data segment is defined for these (11.5, 11.14, 11.16). */
		return h->data_len ? ISCSI_REJECT_INVALID_PDU_FIELD : 0;
	case ISCSI_OP_TEXT_REQ:
		/* "C bit set to 1 ... F bit MUST be 0" (11.10.2). */
		if ((h->flags & ISCSI_FLAG_FINAL) &&
		    (h->flags & ISCSI_FLAG_TEXT_CONTINUE))
			return ISCSI_REJECT_PROTOCOL_ERROR;
		return 0;
	case ISCSI_OP_NOP_OUT:
		/* A ping that wants no answer must be immediate (11.18.2). */
		if (h->itt == ISCSI_RSVD_TAG && !h->immediate)
			return ISCSI_REJECT_PROTOCOL_ERROR;
		return 0;
	default:
		return 0;
	}
}

int iscsi_bhs_parse(const uint8_t bhs[ISCSI_BHS_LEN],
		    struct iscsi_pdu_hdr *out,
		    const struct iscsi_pdu_limits *lim)
{
	int ret = iscsi_bhs_decode(bhs, out);

	/* Lengths first: they decide whether the stream stays in sync. */
	if (lim && lim->max_data_len && out->data_len > lim->max_data_len)
		return -EMSGSIZE;
	if (ret)
		return ISCSI_REJECT_CMD_NOT_SUPPORTED;
	if (iscsi_op_is_target(out->opcode))
		return ISCSI_REJECT_PROTOCOL_ERROR;
	/* Only the SCSI Command defines AHS (11.2.2). */
	if (out->ahs_len && out->opcode != ISCSI_OP_SCSI_CMD)
		return ISCSI_REJECT_INVALID_PDU_FIELD;
	return iscsi_op_check(out);
}

/* ---- AHS ---- */

static int iscsi_ahs_one(uint8_t type, const uint8_t *spec, uint16_t len,
			 struct iscsi_cmd_ahs *out)
{
	switch (type) {
	case ISCSI_AHS_EXT_CDB:
		/* AHSLength = CDB length - 15: a reserved byte, then CDB[16..]
		 * (11.2.2.3). */
		if (out->ext_cdb || len < 2)
			return ISCSI_REJECT_INVALID_PDU_FIELD;
		out->ext_cdb = spec + 1;
		out->ext_cdb_len = (uint16_t)(len - 1);
		return 0;
	case ISCSI_AHS_BIDI_READ_LEN:
		if (out->has_bidi_read_len || len != ISCSI_AHS_BIDI_READ_LEN_LEN)
			return ISCSI_REJECT_INVALID_PDU_FIELD;
		out->has_bidi_read_len = true;
		out->bidi_read_len = get_be32(spec + 1);
		return 0;
	default:
		return 0;
	}
}

int iscsi_ahs_parse(const uint8_t *ahs, size_t len, struct iscsi_cmd_ahs *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (off < len) {
		size_t left = len - off;
		uint16_t alen;
		size_t total;
		int ret;

		if (left < ISCSI_AHS_HDR_LEN)
			return ISCSI_REJECT_INVALID_PDU_FIELD;
		alen = get_be16(ahs + off);
		total = iscsi_padded_len(ISCSI_AHS_HDR_LEN + (uint32_t)alen);
		if (total > left)
			return ISCSI_REJECT_INVALID_PDU_FIELD;
		ret = iscsi_ahs_one(ahs[off + 2], ahs + off + ISCSI_AHS_HDR_LEN,
				    alen, out);
		if (ret)
			return ret;
		off += total;
	}
	return 0;
}

int iscsi_cdb_assemble(const struct iscsi_scsi_cmd_hdr *cmd,
		       const struct iscsi_cmd_ahs *ahs, uint8_t *cdb,
		       size_t cap)
{
	size_t ext = ahs ? ahs->ext_cdb_len : 0;

	if (ISCSI_CDB_BHS_LEN + ext > cap)
		return -EOVERFLOW;
	memcpy(cdb, cmd->cdb, ISCSI_CDB_BHS_LEN);
	if (ext)
		memcpy(cdb + ISCSI_CDB_BHS_LEN, ahs->ext_cdb, ext);
	return (int)(ISCSI_CDB_BHS_LEN + ext);
}

static int iscsi_ahs_put(uint8_t *buf, size_t cap, uint8_t type,
			 const uint8_t *spec, size_t spec_len)
{
	size_t total = iscsi_padded_len((uint32_t)(ISCSI_AHS_HDR_LEN + 1 +
						   spec_len));

	if (total > cap)
		return -ENOSPC;
	memset(buf, 0, total);
	put_be16(buf, (uint16_t)(spec_len + 1));	/* + reserved byte */
	buf[2] = type;
	memcpy(buf + ISCSI_AHS_HDR_LEN + 1, spec, spec_len);
	return (int)total;
}

int iscsi_ahs_build_ext_cdb(uint8_t *buf, size_t cap, const uint8_t *cdb,
			    size_t cdb_len)
{
	if (cdb_len <= ISCSI_CDB_BHS_LEN ||
	    cdb_len - ISCSI_CDB_BHS_LEN + 1 > UINT16_MAX)
		return -EINVAL;
	return iscsi_ahs_put(buf, cap, ISCSI_AHS_EXT_CDB,
			     cdb + ISCSI_CDB_BHS_LEN,
			     cdb_len - ISCSI_CDB_BHS_LEN);
}

int iscsi_ahs_build_bidi(uint8_t *buf, size_t cap, uint32_t read_len)
{
	uint8_t v[4];

	put_be32(v, read_len);
	return iscsi_ahs_put(buf, cap, ISCSI_AHS_BIDI_READ_LEN, v, sizeof(v));
}

/* ---- digests ---- */

uint32_t iscsi_hdr_digest(const uint8_t bhs[ISCSI_BHS_LEN],
			  const uint8_t *ahs, size_t ahs_len)
{
	uint32_t s = crc32c_update(crc32c_init(), bhs, ISCSI_BHS_LEN);

	return crc32c_final(crc32c_update(s, ahs, ahs_len));
}

uint32_t iscsi_data_digest(const struct iovec *iov, int iovcnt, size_t len)
{
	static const uint8_t zero[ISCSI_PAD];
	uint32_t s = crc32c_init();
	size_t left = len;

	for (int i = 0; i < iovcnt && left; i++) {
		size_t n = MIN(left, iov[i].iov_len);

		s = crc32c_update(s, iov[i].iov_base, n);
		left -= n;
	}
	s = crc32c_update(s, zero, iscsi_pad_len((uint32_t)len));
	return crc32c_final(s);
}

bool iscsi_digest_ok(uint32_t crc, const uint8_t wire[ISCSI_DIGEST_LEN])
{
	return crc32c_get_digest(wire) == crc;
}
