/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Command dispatch: the checks every command goes through before its
 * handler (opcode, CDB length, device type, CONTROL byte, SCSI-2
 * reservation, write protection, stopped unit), the optional test delay,
 * completion helpers and the data-in/data-out copies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scsi_int.h"
#include "../util/util.h"

_Static_assert(sizeof(struct scsi_ctx) <= sizeof(((struct tgt_cmd *)0)->scsi_ctx),
	       "struct scsi_ctx does not fit in tgt_cmd.scsi_ctx");

#define CONTROL_NACA	0x04
#define CONTROL_LINK	0x01

/* State sampled once under the lock for the pre-handler checks. */
struct exec_state {
	uint64_t reserved_by;
	bool write_protected;
	bool stopped;
	uint32_t delay_ms;
};

/* The transfer length field, in bytes; a 6-byte CDB's block count of
 * zero means 256 blocks (SBC-3 READ(6)/WRITE(6)). */
static uint32_t exec_xfer_len(const struct scsi_dev *dev,
			      const struct scsi_op *op, const uint8_t *cdb)
{
	const uint8_t *f = cdb + op->xfer_off;
	uint64_t n;

	switch (op->xfer_size) {
	case 1: n = f[0]; break;
	case 2: n = get_be16(f); break;
	case 4: n = get_be32(f); break;
	default: return 0;
	}
	if (!(op->flags & SCSI_OPF_XFER_BLOCKS) || !dev)
		return (uint32_t)n;
	if (op->flags & SCSI_OPF_BYTCHK) {
		uint8_t bytchk = (cdb[1] >> 1) & 0x03;

		n = bytchk == 0 ? 0 : bytchk == 3 ? 1 : n;
	} else if (op->xfer_size == 1 && n == 0) {
		n = 256;
	}
	n <<= dev->block_shift;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Checks that need only the CDB and the device type.  Returns true when
 * the command has been failed. */
static bool exec_check_cdb(struct scsi_dev *dev, struct tgt_cmd *cmd,
			   const struct scsi_op *op)
{
	uint8_t ctl;

	if (cmd->cdb_len < op->cdb_len) {
		scsi_cmd_fail(cmd, SK_ILLEGAL_REQUEST,
			      ASC_INVALID_FIELD_IN_CDB);
		return true;
	}
	if ((op->flags & SCSI_OPF_MEDIA) && !dev->type->has_media) {
		scsi_cmd_fail(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
		return true;
	}
	ctl = cmd->cdb[op->cdb_len - 1];
	if (ctl & (CONTROL_NACA | CONTROL_LINK)) {
		scsi_cmd_sense_field(cmd, true, op->cdb_len - 1,
				     (ctl & CONTROL_NACA) ? 2 : 0);
		scsi_cmd_done(cmd);
		return true;
	}
	return false;
}

static void exec_state_get(struct scsi_dev *dev, struct exec_state *st)
{
	pthread_mutex_lock(&dev->lock);
	st->reserved_by = dev->reserved_by;
	st->write_protected = dev->readonly || dev->swp;
	st->stopped = dev->stopped;
	st->delay_ms = dev->delay_ms;
	pthread_mutex_unlock(&dev->lock);
}

/* SPC-2 5.5.1: what another nexus may still do under a RESERVE; PREVENT
 * ALLOW MEDIUM REMOVAL only with PREVENT=0. */
static bool exec_resv_allowed(const struct scsi_op *op, const uint8_t *cdb)
{
	if (op->flags & SCSI_OPF_RESV_OK)
		return true;
	return op->opcode == PREVENT_ALLOW_MEDIUM_REMOVAL &&
	       (cdb[4] & 0x03) == 0;
}

/* Checks against the device's run-time state.  Returns true when the
 * command has been failed. */
static bool exec_check_state(struct tgt_cmd *cmd, const struct scsi_op *op,
			     const struct exec_state *st)
{
	if (st->reserved_by && st->reserved_by != tgt_cmd_nexus_key(cmd) &&
	    !exec_resv_allowed(op, cmd->cdb)) {
		cmd->status = SAM_STAT_RESERVATION_CONFLICT;
		scsi_cmd_done(cmd);
		return true;
	}
	if (st->stopped && (op->flags & SCSI_OPF_NEEDS_READY)) {
		scsi_cmd_fail(cmd, SK_NOT_READY, ASC_LUN_NOT_READY_START);
		return true;
	}
	if (st->write_protected && (op->flags & SCSI_OPF_WRITE)) {
		scsi_cmd_fail(cmd, SK_DATA_PROTECT, ASC_WRITE_PROTECTED);
		return true;
	}
	return false;
}

static void exec_run(void *arg)
{
	struct tgt_cmd *cmd = arg;
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);

	ctx->op->exec(ctx->dev, cmd);
}

/* A command aborted while it was held is not executed at all. */
static void exec_delayed_run(void *arg)
{
	struct tgt_cmd *cmd = arg;

	if (tgt_cmd_aborted(cmd))
		tgt_cmd_complete(cmd);
	else
		exec_run(cmd);
}

/* Resets the per-command state: the scratch area may hold a previous
 * attempt's values. */
static void exec_cmd_init(struct tgt_cmd *cmd, struct scsi_dev *dev)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);

	memset(ctx, 0, sizeof(*ctx));
	ctx->dev = dev;
	cmd->status = SAM_STAT_GOOD;
	cmd->sense_len = 0;
	cmd->xfer_len = 0;
	cmd->cdb_xfer_len = 0;
}

/* delay_ms (tests only) postpones the handler on this command's loop. */
void scsi_cmd_exec(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	struct evloop *loop = evloop_current();
	const struct scsi_op *op;
	struct exec_state st;

	exec_cmd_init(cmd, dev);
	op = scsi_op_find(cmd->cdb);
	if (!op) {
		scsi_cmd_fail(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
		return;
	}
	ctx->op = op;
	cmd->cdb_xfer_len = exec_xfer_len(dev, op, cmd->cdb);
	if (exec_check_cdb(dev, cmd, op))
		return;
	exec_state_get(dev, &st);
	if (exec_check_state(cmd, op, &st))
		return;
	if (st.delay_ms && loop) {
		evloop_timer_init(&ctx->timer, exec_delayed_run, cmd);
		evloop_timer_arm(loop, &ctx->timer, st.delay_ms);
		return;
	}
	exec_run(cmd);
}

/* SPC-4 4.6.4 (incorrect logical unit): only INQUIRY, REQUEST SENSE and
 * REPORT LUNS have an answer; their handlers take a NULL device. */
void scsi_cmd_exec_nolun(struct tgt_cmd *cmd)
{
	const struct scsi_op *op;

	exec_cmd_init(cmd, NULL);
	op = scsi_op_find(cmd->cdb);
	if (!op || !(op->flags & SCSI_OPF_NOLUN)) {
		scsi_cmd_fail(cmd, SK_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
		return;
	}
	scsi_ctx_of(cmd)->op = op;
	cmd->cdb_xfer_len = exec_xfer_len(NULL, op, cmd->cdb);
	op->exec(NULL, cmd);
}

/* SAM-5 5.14: INQUIRY and REQUEST SENSE never report a UA, REPORT LUNS
 * reports all but REPORTED LUNS DATA HAS CHANGED; unknown opcodes do. */
enum scsi_ua_policy scsi_cmd_ua_policy(const uint8_t *cdb)
{
	const struct scsi_op *op = scsi_op_find(cdb);

	if (!op)
		return SCSI_UA_REPORT;
	if (op->flags & SCSI_OPF_UA_IGNORE)
		return SCSI_UA_IGNORE;
	if (op->flags & SCSI_OPF_UA_RLUNS)
		return SCSI_UA_REPORT_LUNS;
	return SCSI_UA_REPORT;
}

void scsi_cmd_done(struct tgt_cmd *cmd)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);

	free(ctx->buf);
	ctx->buf = NULL;
	tgt_cmd_complete(cmd);
}

void scsi_cmd_fail(struct tgt_cmd *cmd, uint8_t key, uint16_t asc_ascq)
{
	scsi_cmd_sense_set(cmd, key, asc_ascq);
	scsi_cmd_done(cmd);
}

/* Transient shortages are BUSY (the initiator retries) rather than a
 * hardware error; medium errors keep the read/write distinction. */
void scsi_cmd_fail_errno(struct tgt_cmd *cmd, int err, bool write)
{
	switch (err < 0 ? -err : err) {
	case EIO:
		scsi_cmd_fail(cmd, SK_MEDIUM_ERROR,
			      write ? ASC_WRITE_ERROR : ASC_READ_ERROR);
		break;
	case ENOSPC:
		scsi_cmd_fail(cmd, SK_DATA_PROTECT, ASC_SPACE_ALLOC_FAILED_WP);
		break;
	case EROFS:
	case EPERM:
	case EACCES:
		scsi_cmd_fail(cmd, SK_DATA_PROTECT, ASC_WRITE_PROTECTED);
		break;
	case ENOMEM:
	case EAGAIN:
		cmd->status = SAM_STAT_BUSY;
		cmd->sense_len = 0;
		scsi_cmd_done(cmd);
		break;
	default:
		scsi_cmd_fail(cmd, SK_HARDWARE_ERROR,
			      ASC_INTERNAL_TARGET_FAILURE);
		break;
	}
}

/* Copies between a flat buffer and the command's iovecs, at most
 * data_len bytes in all.  Returns the bytes copied. */
static size_t exec_iov_copy(struct tgt_cmd *cmd, uint8_t *flat, size_t len,
			    bool to_iov)
{
	size_t left = MIN(len, (size_t)cmd->data_len), done = 0;

	for (int i = 0; i < cmd->iovcnt && left; i++) {
		size_t n = MIN(left, cmd->iov[i].iov_len);

		if (to_iov)
			memcpy(cmd->iov[i].iov_base, flat + done, n);
		else
			memcpy(flat + done, cmd->iov[i].iov_base, n);
		done += n;
		left -= n;
	}
	return done;
}

void scsi_cmd_data_in(struct tgt_cmd *cmd, const void *src, size_t len)
{
	if (cmd->dir != TGT_DATA_READ) {
		cmd->xfer_len = 0;
		return;
	}
	cmd->xfer_len = (uint32_t)exec_iov_copy(cmd, (uint8_t *)(uintptr_t)src,
						len, true);
}

size_t scsi_cmd_data_out(struct tgt_cmd *cmd, void *dst, size_t len)
{
	if (cmd->dir != TGT_DATA_WRITE)
		return 0;
	return exec_iov_copy(cmd, dst, len, false);
}
