/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The operation code table: one row per (opcode, service action) with the
 * CDB length, the checks scsi_cmd_exec applies before the handler, the
 * CDB usage map that REPORT SUPPORTED OPERATION CODES returns, and where
 * the transfer length lives.  Sorted by opcode, then service action, so
 * lookups can bisect.
 *
 * Usage maps mark the bits the handlers (or scsi_cmd_exec) interpret;
 * bits that are accepted and ignored (GROUP NUMBER, RARC, obsolete bits)
 * are left clear.  The CONTROL byte's NACA bit is checked for every
 * command (ACA is not supported), LINK is obsolete since SAM-4 but still
 * rejected, so CONTROL reads 04h.
 */
#include "scsi_int.h"
#include "../util/util.h"

#define CTL	0x04

#define OPF_IN		SCSI_OPF_DATA_IN
#define OPF_OUT		SCSI_OPF_DATA_OUT
#define OPF_MEDIA	SCSI_OPF_MEDIA
#define OPF_WRITE	SCSI_OPF_WRITE
#define OPF_RESV_OK	SCSI_OPF_RESV_OK
#define OPF_READY	SCSI_OPF_NEEDS_READY
#define OPF_BLOCKS	SCSI_OPF_XFER_BLOCKS
#define OPF_NOLUN	SCSI_OPF_NOLUN

/* Reads and writes: RDPROTECT/WRPROTECT, DPO, FUA in byte 1. */
#define RW_B1		0xf8
/* VERIFY, WRITE AND VERIFY: xxPROTECT, DPO, BYTCHK (2 bits, SBC-3). */
#define VRFY_B1		0xf6

#define RW6_USAGE(op)	{ op, 0x1f, 0xff, 0xff, 0xff, CTL }
#define RW10_USAGE(op, b1) \
	{ op, b1, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, CTL }
#define RW12_USAGE(op, b1) \
	{ op, b1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, CTL }
#define RW16_USAGE(op, b1) \
	{ op, b1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
	  0xff, 0xff, 0xff, 0xff, 0x00, CTL }

#define MEDIA_RD	(OPF_MEDIA | OPF_READY | OPF_BLOCKS)
#define MEDIA_WR	(OPF_MEDIA | OPF_READY | OPF_BLOCKS | OPF_WRITE)

const struct scsi_op scsi_ops[] = {
	{ TEST_UNIT_READY, SCSI_SA_NONE, 6, OPF_READY,
	  { TEST_UNIT_READY, 0, 0, 0, 0, CTL }, 0, 0,
	  "TEST UNIT READY", spc_test_unit_ready },
	{ REQUEST_SENSE, SCSI_SA_NONE, 6,
	  OPF_IN | OPF_RESV_OK | SCSI_OPF_UA_IGNORE | OPF_NOLUN,
	  { REQUEST_SENSE, 0x01, 0, 0, 0xff, CTL }, 4, 1,
	  "REQUEST SENSE", spc_request_sense },
	{ READ_6, SCSI_SA_NONE, 6, OPF_IN | MEDIA_RD,
	  RW6_USAGE(READ_6), 4, 1, "READ(6)", sbc_read },
	{ WRITE_6, SCSI_SA_NONE, 6, OPF_OUT | MEDIA_WR,
	  RW6_USAGE(WRITE_6), 4, 1, "WRITE(6)", sbc_write },
	{ INQUIRY, SCSI_SA_NONE, 6,
	  OPF_IN | OPF_RESV_OK | SCSI_OPF_UA_IGNORE | OPF_NOLUN,
	  { INQUIRY, 0x01, 0xff, 0xff, 0xff, CTL }, 3, 2,
	  "INQUIRY", spc_inquiry },
	{ MODE_SELECT_6, SCSI_SA_NONE, 6, OPF_OUT,
	  { MODE_SELECT_6, 0x11, 0, 0, 0xff, CTL }, 4, 1,
	  "MODE SELECT(6)", spc_mode_select },
	{ RESERVE_6, SCSI_SA_NONE, 6, 0,
	  { RESERVE_6, 0x11, 0, 0, 0, CTL }, 0, 0,
	  "RESERVE(6)", spc_reserve },
	{ RELEASE_6, SCSI_SA_NONE, 6, OPF_RESV_OK,
	  { RELEASE_6, 0x11, 0, 0, 0, CTL }, 0, 0,
	  "RELEASE(6)", spc_release },
	{ MODE_SENSE_6, SCSI_SA_NONE, 6, OPF_IN,
	  { MODE_SENSE_6, 0x08, 0xff, 0xff, 0xff, CTL }, 4, 1,
	  "MODE SENSE(6)", spc_mode_sense },
	{ START_STOP_UNIT, SCSI_SA_NONE, 6, OPF_MEDIA,
	  { START_STOP_UNIT, 0x01, 0, 0x0f, 0xf7, CTL }, 0, 0,
	  "START STOP UNIT", sbc_start_stop },
	{ SEND_DIAGNOSTIC, SCSI_SA_NONE, 6, OPF_OUT,
	  { SEND_DIAGNOSTIC, 0xf7, 0, 0xff, 0xff, CTL }, 3, 2,
	  "SEND DIAGNOSTIC", spc_send_diagnostic },
	{ PREVENT_ALLOW_MEDIUM_REMOVAL, SCSI_SA_NONE, 6, 0,
	  { PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 0x03, CTL }, 0, 0,
	  "PREVENT ALLOW MEDIUM REMOVAL", spc_prevent_allow },
	{ READ_CAPACITY_10, SCSI_SA_NONE, 10,
	  OPF_IN | OPF_MEDIA | OPF_READY | OPF_RESV_OK,
	  { READ_CAPACITY_10, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, CTL },
	  0, 0, "READ CAPACITY(10)", sbc_read_capacity10 },
	{ READ_10, SCSI_SA_NONE, 10, OPF_IN | MEDIA_RD,
	  RW10_USAGE(READ_10, RW_B1), 7, 2, "READ(10)", sbc_read },
	{ WRITE_10, SCSI_SA_NONE, 10, OPF_OUT | MEDIA_WR,
	  RW10_USAGE(WRITE_10, RW_B1), 7, 2, "WRITE(10)", sbc_write },
	{ WRITE_VERIFY_10, SCSI_SA_NONE, 10, OPF_OUT | MEDIA_WR,
	  RW10_USAGE(WRITE_VERIFY_10, VRFY_B1), 7, 2,
	  "WRITE AND VERIFY(10)", sbc_write_verify },
	{ VERIFY_10, SCSI_SA_NONE, 10, OPF_OUT | MEDIA_RD | SCSI_OPF_BYTCHK,
	  RW10_USAGE(VERIFY_10, VRFY_B1), 7, 2, "VERIFY(10)", sbc_verify },
	{ PRE_FETCH_10, SCSI_SA_NONE, 10, OPF_MEDIA | OPF_READY,
	  RW10_USAGE(PRE_FETCH_10, 0x02), 0, 0,
	  "PRE-FETCH(10)", sbc_prefetch },
	{ SYNCHRONIZE_CACHE_10, SCSI_SA_NONE, 10, OPF_MEDIA | OPF_READY,
	  RW10_USAGE(SYNCHRONIZE_CACHE_10, 0x02), 0, 0,
	  "SYNCHRONIZE CACHE(10)", sbc_sync_cache },
	{ MODE_SELECT_10, SCSI_SA_NONE, 10, OPF_OUT,
	  { MODE_SELECT_10, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, CTL }, 7, 2,
	  "MODE SELECT(10)", spc_mode_select },
	{ RESERVE_10, SCSI_SA_NONE, 10, 0,
	  { RESERVE_10, 0x13, 0, 0, 0, 0, 0, 0, 0, CTL }, 0, 0,
	  "RESERVE(10)", spc_reserve },
	{ RELEASE_10, SCSI_SA_NONE, 10, OPF_RESV_OK,
	  { RELEASE_10, 0x13, 0, 0, 0, 0, 0, 0, 0, CTL }, 0, 0,
	  "RELEASE(10)", spc_release },
	{ MODE_SENSE_10, SCSI_SA_NONE, 10, OPF_IN,
	  { MODE_SENSE_10, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, CTL },
	  7, 2, "MODE SENSE(10)", spc_mode_sense },
	{ READ_16, SCSI_SA_NONE, 16, OPF_IN | MEDIA_RD,
	  RW16_USAGE(READ_16, RW_B1), 10, 4, "READ(16)", sbc_read },
	{ WRITE_16, SCSI_SA_NONE, 16, OPF_OUT | MEDIA_WR,
	  RW16_USAGE(WRITE_16, RW_B1), 10, 4, "WRITE(16)", sbc_write },
	{ WRITE_VERIFY_16, SCSI_SA_NONE, 16, OPF_OUT | MEDIA_WR,
	  RW16_USAGE(WRITE_VERIFY_16, VRFY_B1), 10, 4,
	  "WRITE AND VERIFY(16)", sbc_write_verify },
	{ VERIFY_16, SCSI_SA_NONE, 16, OPF_OUT | MEDIA_RD | SCSI_OPF_BYTCHK,
	  RW16_USAGE(VERIFY_16, VRFY_B1), 10, 4, "VERIFY(16)", sbc_verify },
	{ PRE_FETCH_16, SCSI_SA_NONE, 16, OPF_MEDIA | OPF_READY,
	  RW16_USAGE(PRE_FETCH_16, 0x02), 0, 0,
	  "PRE-FETCH(16)", sbc_prefetch },
	{ SYNCHRONIZE_CACHE_16, SCSI_SA_NONE, 16, OPF_MEDIA | OPF_READY,
	  RW16_USAGE(SYNCHRONIZE_CACHE_16, 0x02), 0, 0,
	  "SYNCHRONIZE CACHE(16)", sbc_sync_cache },
	{ SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16, 16,
	  OPF_IN | OPF_MEDIA | OPF_READY | OPF_RESV_OK,
	  { SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, CTL },
	  10, 4, "READ CAPACITY(16)", sbc_read_capacity16 },
	{ REPORT_LUNS, SCSI_SA_NONE, 12,
	  OPF_IN | OPF_RESV_OK | SCSI_OPF_UA_RLUNS | OPF_NOLUN,
	  { REPORT_LUNS, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, CTL },
	  6, 4, "REPORT LUNS", spc_report_luns },
	{ MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPCODES, 12,
	  OPF_IN | OPF_RESV_OK,
	  { MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPCODES, 0x87, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL },
	  6, 4, "REPORT SUPPORTED OPERATION CODES", spc_report_opcodes },
	{ MAINTENANCE_IN, MI_REPORT_SUPPORTED_TMFS, 12, OPF_IN | OPF_RESV_OK,
	  { MAINTENANCE_IN, MI_REPORT_SUPPORTED_TMFS, 0x80, 0, 0, 0,
	    0xff, 0xff, 0xff, 0xff, 0, CTL },
	  6, 4, "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS",
	  spc_report_tmfs },
	{ READ_12, SCSI_SA_NONE, 12, OPF_IN | MEDIA_RD,
	  RW12_USAGE(READ_12, RW_B1), 6, 4, "READ(12)", sbc_read },
	{ WRITE_12, SCSI_SA_NONE, 12, OPF_OUT | MEDIA_WR,
	  RW12_USAGE(WRITE_12, RW_B1), 6, 4, "WRITE(12)", sbc_write },
	{ WRITE_VERIFY_12, SCSI_SA_NONE, 12, OPF_OUT | MEDIA_WR,
	  RW12_USAGE(WRITE_VERIFY_12, VRFY_B1), 6, 4,
	  "WRITE AND VERIFY(12)", sbc_write_verify },
	{ VERIFY_12, SCSI_SA_NONE, 12, OPF_OUT | MEDIA_RD | SCSI_OPF_BYTCHK,
	  RW12_USAGE(VERIFY_12, VRFY_B1), 6, 4, "VERIFY(12)", sbc_verify },
};

const unsigned scsi_ops_count = ARRAY_SIZE(scsi_ops);

/* SPC-4 and SBC-3 opcodes whose byte 1 (bits 4-0) is a service action;
 * the variable-length CDB (7Fh) keeps it in bytes 8-9. */
uint16_t scsi_cdb_sa(const uint8_t *cdb)
{
	switch (cdb[0]) {
	case PERSISTENT_RESERVE_IN:
	case PERSISTENT_RESERVE_OUT:
	case SERVICE_ACTION_IN_16:
	case 0x9f:	/* SERVICE ACTION OUT(16) */
	case MAINTENANCE_IN:
	case MAINTENANCE_OUT:
		return cdb[1] & 0x1f;
	case 0x7f:	/* variable length */
		return get_be16(cdb + 8);
	default:
		return SCSI_SA_NONE;
	}
}

static int cmdtable_cmp(const struct scsi_op *op, uint8_t opcode, uint16_t sa)
{
	if (op->opcode != opcode)
		return op->opcode < opcode ? -1 : 1;
	if (op->sa != sa)
		return op->sa < sa ? -1 : 1;
	return 0;
}

const struct scsi_op *scsi_op_find(const uint8_t *cdb)
{
	uint16_t sa = scsi_cdb_sa(cdb);
	unsigned lo = 0, hi = scsi_ops_count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = cmdtable_cmp(&scsi_ops[mid], cdb[0], sa);

		if (c == 0)
			return &scsi_ops[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
