// SPDX-License-Identifier: GPL-2.0-only
/*
 * SCSI commands over iSCSI (RFC 7143 11.3 .. 11.8): a SCSI Command PDU
 * becomes a tgt_cmd; write data arrives as immediate data, unsolicited
 * Data-Out (up to FirstBurstLength, 13.14) and solicited Data-Out in
 * answer to our R2Ts (one outstanding, bursts of MaxBurstLength, 13.13);
 * the command is submitted once all its data is in.  cmd_done answers
 * with Data-In PDUs of at most MaxRecvDataSegmentLength each, the status
 * riding on the last one when it is GOOD (phase collapse, 11.7.3), or a
 * SCSI Response with sense data and residuals (11.4.5).
 *
 * A task is freed when the core is done with it (cmd_done, or never
 * submitted and dropped) and every PDU it queued was written or dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi.h"
#include "scsi/scsi.h"
#include "util/log.h"
#include "util/util.h"

#define SENSE_ILLEGAL_REQUEST		0x05
#define SENSE_ABORTED_COMMAND		0x0b
#define ASC_INVALID_FIELD_IN_CDB	0x2400
#define ASC_PROTOCOL_SERVICE_CRC	0x4705

/* ---- task life ---- */

static void iscsi_task_maybe_free(struct iscsi_task *t)
{
	struct iscsi_session *s = t->s;

	if (!t->finished || t->tx_pending)
		return;
	tgt_cmd_free(t->cmd);
	iscsi_session_task_put(s);
}

static void iscsi_task_tx_done(struct iscsi_tx *tx, bool sent)
{
	struct iscsi_task *t = container_of(tx, struct iscsi_task_tx, tx)->task;

	t->tx_pending--;
	iscsi_task_maybe_free(t);
}

static void iscsi_task_send(struct iscsi_task *t, struct iscsi_task_tx *tt,
			    const struct iscsi_pdu_hdr *h)
{
	iscsi_bhs_build(h, tt->tx.bhs);
	tt->task = t;
	tt->tx.done = iscsi_task_tx_done;
	t->tx_pending++;
	iscsi_session_send(t->s, &tt->tx);
}

/* Drops a task that was never submitted (its data never all came). */
static void iscsi_task_drop(struct iscsi_task *t)
{
	list_del(&t->node);
	t->finished = true;
	iscsi_task_maybe_free(t);
}

unsigned iscsi_tasks_abort(struct iscsi_session *s, const uint8_t *lun,
			   uint32_t itt)
{
	struct iscsi_task *t, *tmp;
	unsigned n = 0;

	list_for_each_entry_safe(t, tmp, &s->wait_data, node) {
		if (itt != ISCSI_RSVD_TAG && t->itt != itt)
			continue;
		if (lun && memcmp(t->cmd->lun, lun, sizeof(t->cmd->lun)))
			continue;
		iscsi_task_drop(t);
		n++;
	}
	return n;
}

void iscsi_tasks_drop(struct iscsi_session *s)
{
	iscsi_tasks_abort(s, NULL, ISCSI_RSVD_TAG);
}

/* ---- responses ---- */

/* Residuals (11.4.5): the CDB asked for more than the initiator expects
 * (overflow), or less moved than expected (underflow). */
static uint8_t iscsi_residual(const struct tgt_cmd *cmd, uint32_t *res)
{
	if (cmd->cdb_xfer_len > cmd->data_len) {
		*res = cmd->cdb_xfer_len - cmd->data_len;
		return ISCSI_FLAG_RSP_OVERFLOW;
	}
	if (cmd->xfer_len < cmd->data_len) {
		*res = cmd->data_len - cmd->xfer_len;
		return ISCSI_FLAG_RSP_UNDERFLOW;
	}
	*res = 0;
	return 0;
}

static void iscsi_rsp_send(struct iscsi_task *t)
{
	struct iscsi_session *s = t->s;
	struct tgt_cmd *cmd = t->cmd;
	struct iscsi_pdu_hdr h;
	uint32_t slen = cmd->sense_len;

	iscsi_pdu_hdr_init(&h, ISCSI_OP_SCSI_RSP, t->itt);
	h.flags |= iscsi_residual(cmd, &h.scsi_rsp.residual);
	h.scsi_rsp.response = ISCSI_RSP_COMPLETED;
	h.scsi_rsp.status = cmd->status;
	h.scsi_rsp.statsn = s->stat_sn++;
	h.scsi_rsp.exp_cmdsn = s->exp_cmdsn;
	h.scsi_rsp.max_cmdsn = iscsi_session_max_cmdsn(s);
	h.scsi_rsp.exp_datasn = t->datasn ? t->datasn : t->r2tsn;
	t->rsp.tx.data_iovcnt = 0;
	t->rsp.tx.data_len = 0;
	/* Sense data: SenseLength and the sense bytes (11.4.7). */
	if (cmd->status == SAM_STAT_CHECK_CONDITION && slen) {
		slen = MIN(slen, (uint32_t)TGT_SENSE_MAX);
		put_be16(t->sense, (uint16_t)slen);
		memcpy(t->sense + 2, cmd->sense, slen);
		h.data_len = 2 + slen;
		t->rsp.tx.data_iov[0] = (struct iovec){ t->sense, 2 + slen };
		t->rsp.tx.data_iovcnt = 1;
		t->rsp.tx.data_len = 2 + slen;
	}
	iscsi_task_send(t, &t->rsp, &h);
}

/* Data-In PDUs of @len bytes: never across a MaxBurstLength sequence
 * (F ends each one, 11.7.1), each at most MaxRecvDataSegmentLength. */
static uint32_t iscsi_din_next(const struct iscsi_session *s, uint32_t off,
			       uint32_t len)
{
	uint32_t burst = s->params.max_burst ? s->params.max_burst : len;
	uint32_t burst_end = (off / burst + 1) * burst;
	uint32_t n = MIN(len - off, s->params.max_xmit_dsl);

	return MIN(n, burst_end - off);
}

static void iscsi_din_hdr(struct iscsi_task *t, struct iscsi_pdu_hdr *h,
			  uint32_t off, uint32_t n, bool last, bool status)
{
	struct iscsi_session *s = t->s;
	struct tgt_cmd *cmd = t->cmd;

	iscsi_pdu_hdr_init(h, ISCSI_OP_DATA_IN, t->itt);
	h->flags = 0;
	if (last || (s->params.max_burst &&
		     (off + n) % s->params.max_burst == 0))
		h->flags |= ISCSI_FLAG_FINAL;
	memcpy(h->lun, cmd->lun, sizeof(h->lun));
	h->data_len = n;
	h->data_in.ttt = ISCSI_RSVD_TAG;
	h->data_in.datasn = t->datasn++;
	h->data_in.offset = off;
	h->data_in.exp_cmdsn = s->exp_cmdsn;
	h->data_in.max_cmdsn = iscsi_session_max_cmdsn(s);
	if (last && status) {
		h->flags |= ISCSI_FLAG_DATA_STATUS |
			    iscsi_residual(cmd, &h->data_in.residual);
		h->data_in.status = cmd->status;
		h->data_in.statsn = s->stat_sn++;
	}
}

static void iscsi_din_fill(struct iscsi_task *t);

/* A Data-In went (or was dropped): its slot takes the next one. */
static void iscsi_din_tx_done(struct iscsi_tx *tx, bool sent)
{
	struct iscsi_task_tx *tt = container_of(tx, struct iscsi_task_tx, tx);
	struct iscsi_task *t = tt->task;

	t->din_busy &= (uint8_t)~(1u << (tt - t->din));
	/* Dropped: the connection is closing, nobody reads the rest.  This
	 * PDU still counts in tx_pending, which holds the task meanwhile. */
	if (sent)
		iscsi_din_fill(t);
	t->tx_pending--;
	iscsi_task_maybe_free(t);
}

/* Queues the Data-In at din_off in free slot @i. */
static void iscsi_din_queue(struct iscsi_task *t, unsigned i)
{
	struct iscsi_task_tx *tt = &t->din[i];
	uint8_t *buf = t->cmd->iov[0].iov_base;
	uint32_t off = t->din_off;
	uint32_t n = iscsi_din_next(t->s, off, t->din_len);
	struct iscsi_pdu_hdr h;

	iscsi_din_hdr(t, &h, off, n, off + n == t->din_len, t->din_status);
	tt->tx.data_iov[0] = (struct iovec){ buf + off, n };
	tt->tx.data_iovcnt = 1;
	tt->tx.data_len = n;
	iscsi_bhs_build(&h, tt->tx.bhs);
	tt->task = t;
	tt->tx.done = iscsi_din_tx_done;
	/* State first: sending may run done() callbacks that refill. */
	t->din_off += n;
	t->din_busy |= (uint8_t)(1u << i);
	t->tx_pending++;
	iscsi_session_send(t->s, &tt->tx);
}

/*
 * Queues Data-In PDUs while the window has room; after the last one,
 * the SCSI Response unless the status rode on it.  Re-entered from
 * done() callbacks: all state lives in the task.
 */
static void iscsi_din_fill(struct iscsi_task *t)
{
	while (t->din_off < t->din_len && t->s->conn) {
		unsigned i = 0;

		while (i < ISCSI_DIN_WINDOW && (t->din_busy & (1u << i)))
			i++;
		if (i == ISCSI_DIN_WINDOW)
			return;
		iscsi_din_queue(t, i);
	}
	if (t->din_off >= t->din_len && t->din_rsp) {
		t->din_rsp = false;
		iscsi_rsp_send(t);
	}
}

/* Sends @len bytes of read data, then the status. */
static void iscsi_din_start(struct iscsi_task *t, uint32_t len)
{
	t->din_off = 0;
	t->din_len = len;
	t->din_status = t->cmd->status == SAM_STAT_GOOD;
	t->din_rsp = !t->din_status;
	iscsi_din_fill(t);
}

void iscsi_cmd_done(struct tgt_cmd *cmd)
{
	struct iscsi_task *t = cmd->lld_priv;
	uint32_t len = MIN(cmd->xfer_len, cmd->data_len);

	t->finished = true;
	/* Aborted tasks get no response (the TMF answers, 4.2.3.x/11.5);
	 * with the connection gone nobody listens. */
	if (cmd->aborted || !t->s->conn) {
		iscsi_task_maybe_free(t);
		return;
	}
	t->tx_pending++;	/* hold the task while queuing */
	if (cmd->dir == TGT_DATA_READ && len)
		iscsi_din_start(t, len);
	else
		iscsi_rsp_send(t);
	t->tx_pending--;
	iscsi_task_maybe_free(t);
}

/* A status-only answer for a command that never became a task. */
static int iscsi_rsp_refuse(struct iscsi_session *s,
			    const struct iscsi_pdu_hdr *req, uint8_t status)
{
	uint8_t sense[2 + TGT_SENSE_MAX];
	struct iscsi_pdu_hdr h;
	size_t slen = 0;

	iscsi_pdu_hdr_init(&h, ISCSI_OP_SCSI_RSP, req->itt);
	if (status == SAM_STAT_CHECK_CONDITION) {
		slen = scsi_sense_build(sense + 2, TGT_SENSE_MAX, false,
					SENSE_ILLEGAL_REQUEST,
					ASC_INVALID_FIELD_IN_CDB, NULL);
		put_be16(sense, (uint16_t)slen);
		h.data_len = (uint32_t)slen + 2;
	}
	if (req->scsi_cmd.edtl) {
		h.flags |= ISCSI_FLAG_RSP_UNDERFLOW;
		h.scsi_rsp.residual = req->scsi_cmd.edtl;
	}
	h.scsi_rsp.status = status;
	h.scsi_rsp.statsn = s->stat_sn++;
	h.scsi_rsp.exp_cmdsn = s->exp_cmdsn;
	h.scsi_rsp.max_cmdsn = iscsi_session_max_cmdsn(s);
	return iscsi_session_send_copy(s, &h, sense, h.data_len);
}

/* ---- write data ---- */

/* Solicits the next burst (R2T, 11.8): one outstanding at a time. */
static void iscsi_r2t_send(struct iscsi_task *t)
{
	struct iscsi_session *s = t->s;
	struct iscsi_pdu_hdr h;
	uint32_t len = MIN(t->cmd->data_len - t->r2t_next,
			   s->params.max_burst);

	t->r2t_ttt = s->next_ttt++;
	if (t->r2t_ttt == ISCSI_RSVD_TAG)
		t->r2t_ttt = s->next_ttt++;
	iscsi_pdu_hdr_init(&h, ISCSI_OP_R2T, t->itt);
	memcpy(h.lun, t->cmd->lun, sizeof(h.lun));
	h.r2t.ttt = t->r2t_ttt;
	/* R2Ts carry StatSN without taking one (11.8.x). */
	h.r2t.statsn = s->stat_sn;
	h.r2t.exp_cmdsn = s->exp_cmdsn;
	h.r2t.max_cmdsn = iscsi_session_max_cmdsn(s);
	h.r2t.r2tsn = t->r2tsn++;
	h.r2t.offset = t->r2t_next;
	h.r2t.desired_len = len;
	t->exp_datasn = 0;	/* DataSN restarts per R2T (11.7.5) */
	t->r2t_end = t->r2t_next + len;
	t->r2t_next = t->r2t_end;
	t->r2t.tx.data_iovcnt = 0;
	t->r2t.tx.data_len = 0;
	iscsi_task_send(t, &t->r2t, &h);
}

static void iscsi_task_submit(struct iscsi_task *t)
{
	tgt_cmd_submit(t->cmd);
}

/*
 * Ends a task whose write data had a DataSN error, never submitted: CHECK
 * CONDITION, ABORTED COMMAND / PROTOCOL SERVICE CRC ERROR (11.4.7.2), all
 * of it as residual (nothing was written).
 */
static void iscsi_task_fail_data(struct iscsi_task *t)
{
	struct tgt_cmd *cmd = t->cmd;

	list_del(&t->node);
	cmd->status = SAM_STAT_CHECK_CONDITION;
	cmd->sense_len = (uint8_t)scsi_sense_build(cmd->sense, TGT_SENSE_MAX,
						   false, SENSE_ABORTED_COMMAND,
						   ASC_PROTOCOL_SERVICE_CRC,
						   NULL);
	cmd->xfer_len = 0;
	t->finished = true;
	t->tx_pending++;	/* hold the task while queuing */
	iscsi_rsp_send(t);
	t->tx_pending--;
	iscsi_task_maybe_free(t);
}

/* After data came in: submit, or ask for more. */
static void iscsi_task_advance(struct iscsi_task *t)
{
	/* Data lost: answered once the sequence in progress ended, so that
	 * none of its Data-Out can meet a later task with the same ITT. */
	if (t->data_err) {
		if (t->received >= t->cmd->data_len ||
		    (t->r2t_ttt == ISCSI_RSVD_TAG &&
		     t->received >= t->unsol_end))
			iscsi_task_fail_data(t);
		return;
	}
	if (t->received >= t->cmd->data_len) {
		list_del(&t->node);
		iscsi_task_submit(t);
		return;
	}
	if (t->r2t_ttt == ISCSI_RSVD_TAG && t->received >= t->unsol_end &&
	    t->r2t_next < t->cmd->data_len)
		iscsi_r2t_send(t);
}

static struct iscsi_task *iscsi_task_find(struct iscsi_session *s,
					  uint32_t itt)
{
	struct iscsi_task *t;

	list_for_each_entry(t, &s->wait_data, node) {
		if (t->itt == itt)
			return t;
	}
	return NULL;
}

/* Sequence bookkeeping of a Data-Out of @t (its data kept or not). */
static void iscsi_data_out_account(struct iscsi_task *t,
				   const struct iscsi_pdu_hdr *h)
{
	const struct iscsi_data_out_hdr *d = &h->data_out;

	t->exp_datasn = d->datasn + 1;
	t->received += h->data_len;
	if ((h->flags & ISCSI_FLAG_FINAL) && d->ttt == t->r2t_ttt)
		t->r2t_ttt = ISCSI_RSVD_TAG;	/* burst done */
	if ((h->flags & ISCSI_FLAG_FINAL) && d->ttt == ISCSI_RSVD_TAG)
		t->unsol_end = t->received;	/* unsolicited part done */
}

/* A Data-Out's ITT found @t; its TTT, offset and length must fit it. */
static bool iscsi_data_out_fits(const struct iscsi_task *t,
				const struct iscsi_pdu_hdr *h)
{
	const struct iscsi_data_out_hdr *d = &h->data_out;

	return (uint64_t)d->offset + h->data_len <= t->cmd->data_len &&
	       (d->ttt == ISCSI_RSVD_TAG || d->ttt == t->r2t_ttt);
}

/*
 * Only data the task will keep goes direct: a Data-Out that
 * iscsi_data_out_rx() would drop, reject or ignore (unknown ITT, bad
 * TTT/offset/length, a DataSN error) is read into the connection's
 * buffer and handled there, as before.
 */
int iscsi_data_out_dest(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
			struct iovec *iov, int *iovcnt)
{
	struct iscsi_task *t = iscsi_task_find(s, h->itt);

	if (!t || !iscsi_data_out_fits(t, h) || t->data_err ||
	    h->data_out.datasn != t->exp_datasn)
		return 0;
	iov[0] = (struct iovec){
		(uint8_t *)t->cmd->iov[0].iov_base + h->data_out.offset,
		h->data_len };
	*iovcnt = 1;
	s->rx_task = t;
	return 1;
}

void iscsi_rx_direct_drop(struct iscsi_session *s)
{
	/* A Data-Out's bytes landed; the task counts none of them. */
	s->rx_task = NULL;
	/* A command made for immediate data was never a task. */
	tgt_cmd_free(s->rx_cmd);
	s->rx_cmd = NULL;
}

int iscsi_data_out_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
		      const uint8_t *data)
{
	const struct iscsi_data_out_hdr *d = &h->data_out;
	struct iscsi_task *t;

	if (data) {
		t = iscsi_task_find(s, h->itt);
	} else {
		t = s->rx_task;		/* data_dest checked it fits */
		s->rx_task = NULL;
		if (!t)
			return -EPROTO;
	}
	if (!t)
		return 0;	/* aborted meanwhile: its data is dropped */
	if (!iscsi_data_out_fits(t, h))
		return iscsi_session_reject_hdr(s, ISCSI_REJECT_PROTOCOL_ERROR,
						h);
	/*
	 * A DataSN out of order (11.7.5: 0, 1, ... per R2T or unsolicited
	 * sequence) implies a digest error on an earlier Data-Out (7.9);
	 * at ERL 0 there is no recovery R2T, so the task is terminated
	 * with CHECK CONDITION (7.8) and the connection kept.  The rest of
	 * the sequence is still consumed, its data ignored.
	 */
	if (d->datasn != t->exp_datasn && !t->data_err) {
		log_info("iscsi: %s: ITT 0x%x: Data-Out DataSN %u, expected "
			 "%u: failing the command", s->initiator_name,
			 t->itt, d->datasn, t->exp_datasn);
		t->data_err = true;
	}
	/* Direct data (data NULL) is already in place. */
	if (!t->data_err && data)
		memcpy((uint8_t *)t->cmd->iov[0].iov_base + d->offset, data,
		       h->data_len);
	iscsi_data_out_account(t, h);
	iscsi_task_advance(t);
	return 0;
}

/*
 * A Data-Out whose data digest failed (7.8): ERL 0 has no recovery R2T,
 * so the task ends in CHECK CONDITION (PROTOCOL SERVICE CRC ERROR) once
 * the initiator sent all its data.  The PDU still counts in its
 * sequence, so a corrupted last Data-Out ends the task now instead of
 * leaving it waiting for data that will not come again.
 */
void iscsi_data_out_lost(struct iscsi_session *s,
			 const struct iscsi_pdu_hdr *h)
{
	struct iscsi_task *t = s->rx_task ? s->rx_task :
			       iscsi_task_find(s, h->itt);

	s->rx_task = NULL;
	if (!t || !iscsi_data_out_fits(t, h))
		return;
	if (!t->data_err)
		log_info("iscsi: %s: ITT 0x%x: Data-Out with a data digest "
			 "error: failing the command", s->initiator_name,
			 t->itt);
	t->data_err = true;
	iscsi_data_out_account(t, h);
	iscsi_task_advance(t);
}

/* ---- SCSI Command ---- */

static uint8_t iscsi_attr_map(uint8_t flags)
{
	switch (flags & ISCSI_FLAG_CMD_ATTR_MASK) {
	case ISCSI_ATTR_ORDERED:	return TGT_TASK_ORDERED;
	case ISCSI_ATTR_HEAD_OF_QUEUE:	return TGT_TASK_HEAD_OF_QUEUE;
	case ISCSI_ATTR_ACA:		return TGT_TASK_ACA;
	default:			return TGT_TASK_SIMPLE;
	}
}

/* Fills the command from the PDU; 0, or a SAM status to refuse with. */
static int iscsi_cmd_fill(struct iscsi_session *s, struct tgt_cmd *cmd,
			  const struct iscsi_pdu_hdr *h,
			  const struct iscsi_cmd_ahs *a)
{
	int len = iscsi_cdb_assemble(&h->scsi_cmd, a, cmd->cdb,
				     sizeof(cmd->cdb));

	if (len < 0)
		return SAM_STAT_CHECK_CONDITION;
	cmd->cdb_len = (uint8_t)len;
	cmd->tag = h->itt;
	memcpy(cmd->lun, h->lun, sizeof(cmd->lun));
	cmd->attr = iscsi_attr_map(h->flags);
	if (h->flags & ISCSI_FLAG_CMD_WRITE)
		cmd->dir = TGT_DATA_WRITE;
	else if (h->flags & ISCSI_FLAG_CMD_READ)
		cmd->dir = TGT_DATA_READ;
	else
		cmd->dir = TGT_DATA_NONE;
	cmd->data_len = cmd->dir == TGT_DATA_NONE ? 0 : h->scsi_cmd.edtl;
	if (!cmd->data_len)
		cmd->dir = TGT_DATA_NONE;
	if (cmd->data_len && tgt_cmd_buf_alloc(cmd, cmd->data_len))
		return SAM_STAT_BUSY;
	return 0;
}

/* Whether a SCSI Command can become a task: 0, or a Reject reason. */
static int iscsi_cmd_check(const struct iscsi_pdu_hdr *h, const uint8_t *ahs,
			   struct iscsi_cmd_ahs *a)
{
	int ret = iscsi_ahs_parse(ahs, h->ahs_len, a);

	/* Bidirectional commands are not supported by the core. */
	if (!ret && (h->flags & ISCSI_FLAG_CMD_READ) &&
	    (h->flags & ISCSI_FLAG_CMD_WRITE))
		ret = ISCSI_REJECT_CMD_NOT_SUPPORTED;
	return ret;
}

/* Makes the command and its buffer: 0, or a SAM status to refuse with. */
static int iscsi_cmd_make(struct iscsi_session *s,
			  const struct iscsi_pdu_hdr *h,
			  const struct iscsi_cmd_ahs *a, struct tgt_cmd **out)
{
	struct tgt_cmd *cmd;
	int ret;

	if (h->scsi_cmd.edtl > ISCSI_XFER_MAX)
		return SAM_STAT_CHECK_CONDITION;
	cmd = tgt_cmd_alloc(s->nexus, sizeof(struct iscsi_task));
	if (!cmd)
		return SAM_STAT_BUSY;
	ret = iscsi_cmd_fill(s, cmd, h, a);
	if (ret) {
		tgt_cmd_free(cmd);
		return ret;
	}
	*out = cmd;
	return 0;
}

static void iscsi_task_init(struct iscsi_session *s, struct iscsi_task *t,
			    struct tgt_cmd *cmd, const struct iscsi_pdu_hdr *h,
			    const uint8_t *data)
{
	t->s = s;
	t->cmd = cmd;
	t->itt = h->itt;
	t->cmdsn = h->scsi_cmd.cmdsn;
	t->r2t_ttt = ISCSI_RSVD_TAG;
	list_init(&t->node);
	if (cmd->dir != TGT_DATA_WRITE)
		return;
	/* Immediate data (11.3.4, 13.11), then unsolicited Data-Out up to
	 * FirstBurstLength unless F says none follows (13.10, 13.14). */
	t->received = h->data_len;
	if (data)		/* else data_dest put it there */
		memcpy(cmd->iov[0].iov_base, data, h->data_len);
	t->unsol_end = t->received;
	if (!(h->flags & ISCSI_FLAG_FINAL))
		t->unsol_end = MAX(t->received, MIN(s->params.first_burst,
						    cmd->data_len));
	t->r2t_next = t->unsol_end;
}

/*
 * Immediate data goes straight to the command's buffer, whatever its
 * size: the command is made at data_dest time instead of here, which
 * costs nothing more.  Commands pdu_rx would not turn into a task (CmdSN
 * out of the window, a Reject, a refusal) are left to pdu_rx, with their
 * data in the connection's buffer.
 */
int iscsi_scsi_cmd_dest(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
			const uint8_t *ahs, struct iovec *iov, int *iovcnt)
{
	struct iscsi_cmd_ahs a;
	struct tgt_cmd *cmd;

	if (!(h->flags & ISCSI_FLAG_CMD_WRITE) ||
	    !iscsi_session_cmdsn_ok(s, h->immediate, h->scsi_cmd.cmdsn) ||
	    iscsi_cmd_check(h, ahs, &a) || iscsi_cmd_make(s, h, &a, &cmd))
		return 0;
	if (cmd->dir != TGT_DATA_WRITE || h->data_len > cmd->data_len) {
		tgt_cmd_free(cmd);	/* iscsi_bhs_parse() prevents it */
		return 0;
	}
	iov[0] = (struct iovec){ cmd->iov[0].iov_base, h->data_len };
	*iovcnt = 1;
	s->rx_cmd = cmd;
	return 1;
}

/* The command of @h: made at data_dest time (@data NULL) or now. */
static int iscsi_cmd_get(struct iscsi_session *s,
			 const struct iscsi_pdu_hdr *h, const uint8_t *ahs,
			 const uint8_t *data, struct tgt_cmd **out)
{
	struct iscsi_cmd_ahs a;
	int ret;

	if (!data) {
		*out = s->rx_cmd;
		s->rx_cmd = NULL;
		return *out ? 0 : -EPROTO;
	}
	*out = NULL;
	ret = iscsi_cmd_check(h, ahs, &a);
	if (ret) {
		ret = iscsi_session_reject_hdr(s, (uint8_t)ret, h);
		return ret ? ret : 1;
	}
	ret = iscsi_cmd_make(s, h, &a, out);
	if (ret) {
		ret = iscsi_rsp_refuse(s, h, (uint8_t)ret);
		return ret ? ret : 1;
	}
	return 0;
}

int iscsi_scsi_cmd_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
		      const uint8_t *ahs, const uint8_t *data)
{
	struct tgt_cmd *cmd;
	struct iscsi_task *t;
	int ret;

	/* data_dest checked the CmdSN: a direct command is always taken. */
	if (!iscsi_session_cmdsn_take(s, h->immediate, h->scsi_cmd.cmdsn)) {
		iscsi_rx_direct_drop(s);
		return 0;
	}
	ret = iscsi_cmd_get(s, h, ahs, data, &cmd);
	if (ret)
		return ret < 0 ? ret : 0;	/* 1: answered */
	t = cmd->lld_priv;
	iscsi_task_init(s, t, cmd, h, data);
	s->tasks++;
	if (cmd->dir == TGT_DATA_WRITE) {
		list_add_tail(&t->node, &s->wait_data);
		iscsi_task_advance(t);
		return 0;
	}
	tgt_cmd_submit(cmd);
	return 0;
}
