/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SPC-4 primary commands: TEST UNIT READY, REQUEST SENSE, INQUIRY
 * (standard data; VPD pages are in vpd.c), REPORT LUNS, REPORT SUPPORTED
 * OPERATION CODES, REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS, SCSI-2
 * RESERVE/RELEASE, SEND DIAGNOSTIC and PREVENT ALLOW MEDIUM REMOVAL.
 *
 * INQUIRY, REQUEST SENSE and REPORT LUNS also answer for a LUN without a
 * logical unit: then @dev is NULL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scsi_int.h"
#include "../util/util.h"

#define INQ_STD_LEN		96
#define INQ_VERSION_SPC4	0x06
#define INQ_HISUP		0x10
#define INQ_RDF_2		0x02
#define INQ_RMB			0x80
#define INQ_CMDQUE		0x02
#define INQ_VD_OFF		58	/* version descriptors */

/* Version descriptors (SPC-4 table 80), "no version claimed". */
#define VD_SAM5			0x00a0
#define VD_SPC4			0x0460
#define VD_SBC3			0x04c0

#define SPC_VPD_BUF		1024
#define SPC_SENSE_DATA_MAX	252

#define RLUNS_HDR		8
#define RLUNS_ALLOC_MIN		16
#define RLUNS_SEL_ALL		0x00
#define RLUNS_SEL_WLUN		0x01
#define RLUNS_SEL_ALL_ACCESSIBLE 0x02
#define RLUNS_BATCH		256
#define RLUNS_FLAT_MAX		0x3fff	/* largest flat space LUN */

#define RSOC_RCTD		0x80
#define RSOC_OPTS_MASK		0x07
#define RSOC_ALL		0
#define RSOC_ONE		1
#define RSOC_ONE_SA		2
#define RSOC_ONE_EITHER		3
#define RSOC_DESC_LEN		8
#define RSOC_TIMEOUTS_LEN	12
#define RSOC_CTDP_ALL		0x02
#define RSOC_SERVACTV		0x01
#define RSOC_CTDP_ONE		0x80
#define RSOC_SUPPORTED		0x03
#define RSOC_NOT_SUPPORTED	0x01

#define RSTMF_REPD		0x80
#define RSTMF_LEN		4
#define RSTMF_EXT_LEN		16
/* ATS ATSS CTSS LURS QTS TRS: what enum tgt_tmf_fn implements. */
#define RSTMF_B0		0xde
#define RSTMF_ITNRS		0x01

#define RESV_3RDPTY		0x10
#define RESV_LONGID		0x02
#define RESV_EXTENT		0x01

#define SDIAG_SELFTEST		0x04

/* Sends @n bytes of @buf, cut to the CDB's allocation length. */
static void spc_reply(struct tgt_cmd *cmd, const void *buf, size_t n)
{
	scsi_cmd_data_in(cmd, buf, MIN(n, (size_t)cmd->cdb_xfer_len));
	scsi_cmd_done(cmd);
}

static void spc_fail_field(struct tgt_cmd *cmd, uint16_t byte, int bit)
{
	scsi_cmd_sense_field(cmd, true, byte, bit);
	scsi_cmd_done(cmd);
}

/* The unit-not-ready cases are reported by scsi_cmd_exec. */
void spc_test_unit_ready(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	scsi_cmd_done(cmd);
}

/* What REQUEST SENSE reports: a pending UA (consumed), NOT READY for a
 * stopped unit, else NO SENSE. */
static void spc_sense_state(struct scsi_dev *dev, struct tgt_cmd *cmd,
			    uint8_t *key, uint16_t *asc)
{
	bool stopped;

	*key = SK_NO_SENSE;
	*asc = ASC_NO_ADDITIONAL_SENSE;
	if (!dev) {
		*key = SK_ILLEGAL_REQUEST;
		*asc = ASC_LUN_NOT_SUPPORTED;
		return;
	}
	if (tgt_cmd_ua_pop(cmd, asc) == 0) {
		*key = SK_UNIT_ATTENTION;
		return;
	}
	pthread_mutex_lock(&dev->lock);
	stopped = dev->stopped;
	pthread_mutex_unlock(&dev->lock);
	if (stopped) {
		*key = SK_NOT_READY;
		*asc = ASC_LUN_NOT_READY_START;
	}
}

/* SPC-4 6.39: the sense data is parameter data and the status GOOD. */
void spc_request_sense(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint8_t buf[SPC_SENSE_DATA_MAX];
	bool desc = cmd->cdb[1] & 0x01;
	uint16_t asc;
	uint8_t key;
	size_t n;

	spc_sense_state(dev, cmd, &key, &asc);
	n = scsi_sense_build(buf, sizeof(buf), desc, key, asc, NULL);
	spc_reply(cmd, buf, n);
}

/* Identity fields are changed at run time by tgtadm: copy them. */
static void spc_inquiry_ident(struct scsi_dev *dev, uint8_t *buf)
{
	pthread_mutex_lock(&dev->lock);
	if (dev->removable)
		buf[1] |= INQ_RMB;
	util_str_pad(buf + 8, SCSI_VENDOR_LEN, dev->vendor);
	util_str_pad(buf + 16, SCSI_PRODUCT_LEN, dev->product);
	util_str_pad(buf + 32, SCSI_REV_LEN, dev->rev);
	pthread_mutex_unlock(&dev->lock);
}

/* SPC-4 6.6.2 standard INQUIRY data; a missing LUN reads as peripheral
 * qualifier 011b, device type 1Fh. */
static size_t spc_inquiry_std(struct scsi_dev *dev, uint8_t *buf)
{
	memset(buf, 0, INQ_STD_LEN);
	buf[2] = INQ_VERSION_SPC4;
	buf[3] = INQ_HISUP | INQ_RDF_2;
	buf[4] = INQ_STD_LEN - 5;
	buf[7] = INQ_CMDQUE;
	put_be16(buf + INQ_VD_OFF, VD_SAM5);
	put_be16(buf + INQ_VD_OFF + 2, VD_SPC4);
	if (!dev) {
		buf[0] = TYPE_NO_LUN;
		util_str_pad(buf + 8, SCSI_VENDOR_LEN, "TGT");
		util_str_pad(buf + 16, SCSI_PRODUCT_LEN, NULL);
		util_str_pad(buf + 32, SCSI_REV_LEN, "0001");
		return INQ_STD_LEN;
	}
	buf[0] = dev->type->pdt;
	if (dev->type->has_media)
		put_be16(buf + INQ_VD_OFF + 4, VD_SBC3);
	spc_inquiry_ident(dev, buf);
	return INQ_STD_LEN;
}

static void spc_inquiry_vpd(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	const struct scsi_vpd_page *page;
	uint8_t *buf;
	size_t n;

	if (!dev) {
		scsi_cmd_fail(cmd, SK_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
		return;
	}
	page = scsi_vpd_find(dev, cmd->cdb[2]);
	if (!page) {
		spc_fail_field(cmd, 2, -1);
		return;
	}
	buf = calloc(1, SPC_VPD_BUF);
	if (!buf) {
		scsi_cmd_fail_errno(cmd, -ENOMEM, false);
		return;
	}
	n = page->fill(dev, cmd, buf, SPC_VPD_BUF);
	spc_reply(cmd, buf, n);
	free(buf);
}

/* CMDDT (obsolete) is rejected; PAGE CODE needs EVPD. */
void spc_inquiry(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	const uint8_t *cdb = cmd->cdb;
	uint8_t buf[INQ_STD_LEN];

	if (cdb[1] & 0x02) {
		spc_fail_field(cmd, 1, 1);
		return;
	}
	if (cdb[1] & 0x01) {
		spc_inquiry_vpd(dev, cmd);
		return;
	}
	if (cdb[2]) {
		spc_fail_field(cmd, 2, -1);
		return;
	}
	spc_reply(cmd, buf, spc_inquiry_std(dev, buf));
}

/* SAM-5 4.7.7: peripheral device addressing below 256, flat space
 * addressing (01b) up to 16383. */
static void spc_lun_encode(uint8_t *p, uint64_t lun)
{
	memset(p, 0, 8);
	if (lun < 256) {
		p[1] = (uint8_t)lun;
		return;
	}
	p[0] = 0x40 | (uint8_t)((lun >> 8) & 0x3f);
	p[1] = (uint8_t)lun;
}

/* The LU inventory from the core: asks for a batch, and again with room
 * for all of them when it says there are more. */
static uint64_t *spc_luns_get(struct tgt_cmd *cmd, size_t *count)
{
	size_t max = RLUNS_BATCH, total;
	uint64_t *luns = NULL;

	for (;;) {
		uint64_t *p = realloc(luns, max * sizeof(*luns));

		if (!p) {
			free(luns);
			return NULL;
		}
		luns = p;
		total = tgt_cmd_luns(cmd, luns, max);
		if (total <= max)
			break;
		max = total;
	}
	*count = total;
	return luns;
}

static uint8_t *spc_luns_build(const uint64_t *luns, size_t count,
			       size_t *len)
{
	uint8_t *buf = calloc(1, RLUNS_HDR + count * 8);
	size_t n = 0;

	if (!buf)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		if (luns[i] > RLUNS_FLAT_MAX)
			continue;
		spc_lun_encode(buf + RLUNS_HDR + n * 8, luns[i]);
		n++;
	}
	put_be32(buf, (uint32_t)(n * 8));
	*len = RLUNS_HDR + n * 8;
	return buf;
}

static void spc_report_luns_list(struct tgt_cmd *cmd, bool none)
{
	uint64_t *luns = NULL;
	size_t count = 0, len;
	uint8_t *buf;

	if (!none) {
		luns = spc_luns_get(cmd, &count);
		if (!luns) {
			scsi_cmd_fail_errno(cmd, -ENOMEM, false);
			return;
		}
	}
	buf = spc_luns_build(luns, count, &len);
	free(luns);
	if (!buf) {
		scsi_cmd_fail_errno(cmd, -ENOMEM, false);
		return;
	}
	spc_reply(cmd, buf, len);
	free(buf);
}

/* SELECT REPORT 01h asks for well-known LUs only: there are none. */
void spc_report_luns(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint8_t sel = cmd->cdb[2];

	if (get_be32(cmd->cdb + 6) < RLUNS_ALLOC_MIN) {
		spc_fail_field(cmd, 6, -1);
		return;
	}
	if (sel != RLUNS_SEL_ALL && sel != RLUNS_SEL_WLUN &&
	    sel != RLUNS_SEL_ALL_ACCESSIBLE) {
		spc_fail_field(cmd, 2, -1);
		return;
	}
	spc_report_luns_list(cmd, sel == RLUNS_SEL_WLUN);
}

/* --- REPORT SUPPORTED OPERATION CODES (SPC-4 6.35) --- */

static bool spc_op_applies(const struct scsi_dev *dev,
			   const struct scsi_op *op)
{
	return dev->type->has_media || !(op->flags & SCSI_OPF_MEDIA);
}

static const struct scsi_op *spc_op_lookup(uint8_t opcode, uint16_t sa)
{
	for (unsigned i = 0; i < scsi_ops_count; i++) {
		if (scsi_ops[i].opcode == opcode && scsi_ops[i].sa == sa)
			return &scsi_ops[i];
	}
	return NULL;
}

static bool spc_opcode_has_sa(uint8_t opcode)
{
	uint8_t cdb[TGT_CDB_MAX] = { opcode };

	return scsi_cdb_sa(cdb) != SCSI_SA_NONE;
}

/* Command timeouts descriptor: zeroes say "not specified". */
static size_t spc_rsoc_timeouts(uint8_t *p)
{
	memset(p, 0, RSOC_TIMEOUTS_LEN);
	put_be16(p, RSOC_TIMEOUTS_LEN - 2);
	return RSOC_TIMEOUTS_LEN;
}

static size_t spc_rsoc_desc(uint8_t *p, const struct scsi_op *op, bool rctd)
{
	memset(p, 0, RSOC_DESC_LEN);
	p[0] = op->opcode;
	if (op->sa != SCSI_SA_NONE) {
		put_be16(p + 2, op->sa);
		p[5] |= RSOC_SERVACTV;
	}
	put_be16(p + 6, op->cdb_len);
	if (!rctd)
		return RSOC_DESC_LEN;
	p[5] |= RSOC_CTDP_ALL;
	return RSOC_DESC_LEN + spc_rsoc_timeouts(p + RSOC_DESC_LEN);
}

static void spc_rsoc_all(struct scsi_dev *dev, struct tgt_cmd *cmd,
			 bool rctd)
{
	size_t per = RSOC_DESC_LEN + RSOC_TIMEOUTS_LEN;
	uint8_t *buf = calloc(1, 4 + scsi_ops_count * per);
	size_t n = 4;

	if (!buf) {
		scsi_cmd_fail_errno(cmd, -ENOMEM, false);
		return;
	}
	for (unsigned i = 0; i < scsi_ops_count; i++) {
		if (spc_op_applies(dev, &scsi_ops[i]))
			n += spc_rsoc_desc(buf + n, &scsi_ops[i], rctd);
	}
	put_be32(buf, (uint32_t)(n - 4));
	spc_reply(cmd, buf, n);
	free(buf);
}

/* One-command format: SUPPORT 011b with the usage map, or 001b. */
static void spc_rsoc_one(struct scsi_dev *dev, struct tgt_cmd *cmd,
			 uint8_t opcode, uint16_t sa, bool rctd)
{
	uint8_t buf[4 + 16 + RSOC_TIMEOUTS_LEN] = { 0 };
	const struct scsi_op *op = spc_op_lookup(opcode, sa);
	size_t n = 4;

	if (!op || !spc_op_applies(dev, op)) {
		buf[1] = RSOC_NOT_SUPPORTED;
		spc_reply(cmd, buf, n);
		return;
	}
	buf[1] = RSOC_SUPPORTED;
	put_be16(buf + 2, op->cdb_len);
	memcpy(buf + 4, op->usage, op->cdb_len);
	n += op->cdb_len;
	if (rctd) {
		buf[1] |= RSOC_CTDP_ONE;
		n += spc_rsoc_timeouts(buf + n);
	}
	spc_reply(cmd, buf, n);
}

void spc_report_opcodes(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	const uint8_t *cdb = cmd->cdb;
	bool rctd = cdb[2] & RSOC_RCTD;
	uint8_t opts = cdb[2] & RSOC_OPTS_MASK;
	uint8_t opcode = cdb[3];
	bool has_sa = spc_opcode_has_sa(opcode);

	switch (opts) {
	case RSOC_ALL:
		spc_rsoc_all(dev, cmd, rctd);
		return;
	case RSOC_ONE:
		if (has_sa)
			break;
		spc_rsoc_one(dev, cmd, opcode, SCSI_SA_NONE, rctd);
		return;
	case RSOC_ONE_SA:
		if (!has_sa)
			break;
		spc_rsoc_one(dev, cmd, opcode, get_be16(cdb + 4), rctd);
		return;
	case RSOC_ONE_EITHER:
		spc_rsoc_one(dev, cmd, opcode,
			     has_sa ? get_be16(cdb + 4) : SCSI_SA_NONE, rctd);
		return;
	default:
		break;
	}
	spc_fail_field(cmd, 2, 2);
}

/* SPC-4 6.37: the TMFs the core implements; CLEAR ACA is not (no ACA),
 * nor QUERY TASK SET / QUERY ASYNCHRONOUS EVENT.  REPD asks for the
 * extended format, whose timeouts are all "not specified". */
void spc_report_tmfs(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint8_t buf[RSTMF_EXT_LEN] = { 0 };
	bool repd = cmd->cdb[2] & RSTMF_REPD;

	buf[0] = RSTMF_B0;
	buf[1] = RSTMF_ITNRS;
	if (!repd) {
		spc_reply(cmd, buf, RSTMF_LEN);
		return;
	}
	buf[3] = RSTMF_EXT_LEN - 4;
	spc_reply(cmd, buf, RSTMF_EXT_LEN);
}

/* --- SCSI-2 reservations (SPC-2 7.21, 7.13) --- */

/* Third-party reservations and extents are not supported. */
static bool spc_resv_cdb_ok(struct tgt_cmd *cmd)
{
	uint8_t b1 = cmd->cdb[1];
	uint8_t bad = RESV_3RDPTY | RESV_EXTENT;

	if (cmd->cdb[0] == RESERVE_10 || cmd->cdb[0] == RELEASE_10)
		bad |= RESV_LONGID;
	for (int bit = 7; bit >= 0; bit--) {
		if (b1 & bad & (1u << bit)) {
			spc_fail_field(cmd, 1, bit);
			return false;
		}
	}
	return true;
}

void spc_reserve(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint64_t key = tgt_cmd_nexus_key(cmd);
	bool conflict;

	if (!spc_resv_cdb_ok(cmd))
		return;
	pthread_mutex_lock(&dev->lock);
	conflict = dev->reserved_by && dev->reserved_by != key;
	if (!conflict)
		dev->reserved_by = key;
	pthread_mutex_unlock(&dev->lock);
	if (conflict)
		cmd->status = SAM_STAT_RESERVATION_CONFLICT;
	scsi_cmd_done(cmd);
}

/* A RELEASE from a nexus not holding the reservation is GOOD and does
 * nothing. */
void spc_release(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint64_t key = tgt_cmd_nexus_key(cmd);

	if (!spc_resv_cdb_ok(cmd))
		return;
	pthread_mutex_lock(&dev->lock);
	if (dev->reserved_by == key)
		dev->reserved_by = 0;
	pthread_mutex_unlock(&dev->lock);
	scsi_cmd_done(cmd);
}

/* Only the default self-test (SELFTEST=1, SELF-TEST CODE 000b); it
 * always passes.  Diagnostic pages are not supported. */
void spc_send_diagnostic(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint8_t b1 = cmd->cdb[1];

	if (b1 & 0xe0) {
		spc_fail_field(cmd, 1, 7);
		return;
	}
	if (!(b1 & SDIAG_SELFTEST)) {
		spc_fail_field(cmd, 1, 2);
		return;
	}
	scsi_cmd_done(cmd);
}

/* PREVENT 10b/11b are for medium changers. */
void spc_prevent_allow(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint8_t prevent = cmd->cdb[4] & 0x03;

	if (prevent > 1) {
		spc_fail_field(cmd, 4, 1);
		return;
	}
	pthread_mutex_lock(&dev->lock);
	dev->prevent = prevent;
	pthread_mutex_unlock(&dev->lock);
	scsi_cmd_done(cmd);
}
