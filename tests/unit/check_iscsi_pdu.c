/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: the iSCSI PDU codec (usr/iscsi/pdu.c, iscsi_proto.h) —
 * field offsets against RFC 7143 section 11, build/decode round trips for
 * every opcode, the target's checks on initiator PDUs (bad opcodes, bad
 * lengths, oversized data segments, flag rules), AHS with extended CDBs
 * (a 32-byte CDB) and bidirectional lengths, padding, and digests against
 * the CRC32C examples of RFC 3720 B.4; plus a mutation fuzz that only has
 * to not crash (run it under SANITIZE=address,undefined).
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/tgt.h"
#include "iscsi/crc32c.h"
#include "iscsi/param.h"
#include "iscsi/pdu.h"
#include "util/util.h"

static const uint8_t all_ops[] = {
	ISCSI_OP_NOP_OUT, ISCSI_OP_SCSI_CMD, ISCSI_OP_TMF_REQ,
	ISCSI_OP_LOGIN_REQ, ISCSI_OP_TEXT_REQ, ISCSI_OP_DATA_OUT,
	ISCSI_OP_LOGOUT_REQ, ISCSI_OP_SNACK, ISCSI_OP_NOP_IN,
	ISCSI_OP_SCSI_RSP, ISCSI_OP_TMF_RSP, ISCSI_OP_LOGIN_RSP,
	ISCSI_OP_TEXT_RSP, ISCSI_OP_DATA_IN, ISCSI_OP_LOGOUT_RSP,
	ISCSI_OP_R2T, ISCSI_OP_ASYNC_MSG, ISCSI_OP_REJECT,
};

#define OFF(t, f, n) ck_assert_uint_eq(offsetof(struct t, f), n)

/* Offsets as drawn in RFC 7143 11.3 .. 11.19. */
START_TEST(test_layout_offsets)
{
	OFF(iscsi_bhs, ahs_len, 4);
	OFF(iscsi_bhs, itt, 16);
	OFF(iscsi_bhs_scsi_cmd, edtl, 20);
	OFF(iscsi_bhs_scsi_cmd, cmdsn, 24);
	OFF(iscsi_bhs_scsi_cmd, exp_statsn, 28);
	OFF(iscsi_bhs_scsi_cmd, cdb, 32);
	OFF(iscsi_bhs_scsi_rsp, response, 2);
	OFF(iscsi_bhs_scsi_rsp, status, 3);
	OFF(iscsi_bhs_scsi_rsp, snack_tag, 20);
	OFF(iscsi_bhs_scsi_rsp, exp_datasn, 36);
	OFF(iscsi_bhs_scsi_rsp, bidi_residual, 40);
	OFF(iscsi_bhs_scsi_rsp, residual, 44);
	OFF(iscsi_bhs_tmf_req, ref_itt, 20);
	OFF(iscsi_bhs_tmf_req, ref_cmdsn, 32);
	OFF(iscsi_bhs_tmf_req, exp_datasn, 36);
	OFF(iscsi_bhs_tmf_rsp, statsn, 24);
	OFF(iscsi_bhs_tmf_rsp, max_cmdsn, 32);
	OFF(iscsi_bhs_login_req, version_min, 3);
	OFF(iscsi_bhs_login_req, isid, 8);
	OFF(iscsi_bhs_login_req, tsih, 14);
	OFF(iscsi_bhs_login_req, cid, 20);
	OFF(iscsi_bhs_login_req, cmdsn, 24);
	OFF(iscsi_bhs_login_rsp, version_active, 3);
	OFF(iscsi_bhs_login_rsp, status_class, 36);
	OFF(iscsi_bhs_login_rsp, status_detail, 37);
	OFF(iscsi_bhs_text_req, ttt, 20);
	OFF(iscsi_bhs_text_rsp, max_cmdsn, 32);
	OFF(iscsi_bhs_data_out, exp_statsn, 28);
	OFF(iscsi_bhs_data_out, datasn, 36);
	OFF(iscsi_bhs_data_out, offset, 40);
	OFF(iscsi_bhs_data_in, status, 3);
	OFF(iscsi_bhs_data_in, datasn, 36);
	OFF(iscsi_bhs_data_in, offset, 40);
	OFF(iscsi_bhs_data_in, residual, 44);
	OFF(iscsi_bhs_logout_req, cid, 20);
	OFF(iscsi_bhs_logout_rsp, time2wait, 40);
	OFF(iscsi_bhs_logout_rsp, time2retain, 42);
	OFF(iscsi_bhs_snack, begrun, 40);
	OFF(iscsi_bhs_snack, runlength, 44);
	OFF(iscsi_bhs_nop_out, exp_statsn, 28);
	OFF(iscsi_bhs_nop_in, max_cmdsn, 32);
	OFF(iscsi_bhs_r2t, r2tsn, 36);
	OFF(iscsi_bhs_r2t, offset, 40);
	OFF(iscsi_bhs_r2t, desired_len, 44);
	OFF(iscsi_bhs_async, event, 36);
	OFF(iscsi_bhs_async, vcode, 37);
	OFF(iscsi_bhs_async, param3, 42);
	OFF(iscsi_bhs_reject, reason, 2);
	OFF(iscsi_bhs_reject, datasn, 36);
}
END_TEST

/* Distinct values in every field the opcode defines. */
static void fill_nonzero(struct iscsi_pdu_hdr *h, uint8_t op)
{
	iscsi_pdu_hdr_init(h, op, 0x11223344);
	h->data_len = 0x123456;
	for (int i = 0; i < 8; i++)
		h->lun[i] = (uint8_t)(0xa0 + i);
	switch (op) {
	case ISCSI_OP_NOP_OUT:
		h->immediate = true;
		h->nop_out = (struct iscsi_nop_out_hdr){ 1, 2, 3 };
		break;
	case ISCSI_OP_SCSI_CMD:
		h->flags = ISCSI_FLAG_FINAL | ISCSI_FLAG_CMD_WRITE |
			   ISCSI_ATTR_ORDERED;
		h->ahs_len = 20;
		h->scsi_cmd.edtl = 0xfedcba98;
		h->scsi_cmd.cmdsn = 7;
		h->scsi_cmd.exp_statsn = 8;
		for (int i = 0; i < 16; i++)
			h->scsi_cmd.cdb[i] = (uint8_t)(i + 1);
		break;
	case ISCSI_OP_TMF_REQ:
		h->flags = ISCSI_FLAG_FINAL | ISCSI_TMF_LUN_RESET;
		h->immediate = true;
		h->tmf_req = (struct iscsi_tmf_req_hdr){ ISCSI_TMF_LUN_RESET,
							 9, 10, 11, 12, 13 };
		break;
	case ISCSI_OP_LOGIN_REQ:
		h->immediate = true;
		h->flags = ISCSI_LOGIN_FLAGS(1, 0, 1, 3);
		h->lun[0] = 0;	/* no LUN: ISID/TSIH */
		memset(h->lun, 0, sizeof(h->lun));
		h->login_req = (struct iscsi_login_req_hdr){
			2, 1, { 0x80, 1, 2, 3, 4, 5 }, 0x1234, 0x5678, 14, 15 };
		break;
	case ISCSI_OP_TEXT_REQ:
		h->flags = ISCSI_FLAG_TEXT_CONTINUE;
		h->text_req = (struct iscsi_text_req_hdr){ 16, 17, 18 };
		break;
	case ISCSI_OP_DATA_OUT:
		h->data_out = (struct iscsi_data_out_hdr){ 19, 20, 21, 22 };
		break;
	case ISCSI_OP_LOGOUT_REQ:
		memset(h->lun, 0, sizeof(h->lun));
		h->flags = ISCSI_FLAG_FINAL | ISCSI_LOGOUT_REMOVE_CONN;
		h->logout_req = (struct iscsi_logout_req_hdr){
			ISCSI_LOGOUT_REMOVE_CONN, 0x2324, 25, 26 };
		break;
	case ISCSI_OP_SNACK:
		h->flags = ISCSI_FLAG_FINAL | ISCSI_SNACK_RDATA;
		h->snack = (struct iscsi_snack_hdr){ ISCSI_SNACK_RDATA, 27,
						     28, 29, 30 };
		break;
	case ISCSI_OP_NOP_IN:
		h->nop_in = (struct iscsi_nop_in_hdr){ 31, 32, 33, 34 };
		break;
	case ISCSI_OP_SCSI_RSP:
		memset(h->lun, 0, sizeof(h->lun));
		h->flags = ISCSI_FLAG_FINAL | ISCSI_FLAG_RSP_UNDERFLOW |
			   ISCSI_FLAG_RSP_BIDI_OVERFLOW;
		h->scsi_rsp = (struct iscsi_scsi_rsp_hdr){
			ISCSI_RSP_TARGET_FAILURE, 0x02, 35, 36, 37, 38, 39,
			40, 41 };
		break;
	case ISCSI_OP_TMF_RSP:
		memset(h->lun, 0, sizeof(h->lun));
		h->tmf_rsp = (struct iscsi_tmf_rsp_hdr){
			ISCSI_TMF_RSP_REJECTED, 42, 43, 44 };
		break;
	case ISCSI_OP_LOGIN_RSP:
		memset(h->lun, 0, sizeof(h->lun));
		h->flags = ISCSI_LOGIN_FLAGS(1, 0, 1, 3);
		h->login_rsp = (struct iscsi_login_rsp_hdr){
			0, 0, { 0x40, 9, 8, 7, 6, 5 }, 0x4546, 47, 48, 49,
			ISCSI_LOGIN_CLASS_INITIATOR_ERR, 0x07 };
		break;
	case ISCSI_OP_TEXT_RSP:
		h->text_rsp = (struct iscsi_text_rsp_hdr){ 50, 51, 52, 53 };
		break;
	case ISCSI_OP_DATA_IN:
		h->flags = ISCSI_FLAG_FINAL | ISCSI_FLAG_DATA_STATUS |
			   ISCSI_FLAG_DATA_UNDERFLOW;
		h->data_in = (struct iscsi_data_in_hdr){ 0x02, 54, 55, 56, 57,
							 58, 59, 60 };
		break;
	case ISCSI_OP_LOGOUT_RSP:
		memset(h->lun, 0, sizeof(h->lun));
		h->logout_rsp = (struct iscsi_logout_rsp_hdr){
			ISCSI_LOGOUT_RSP_NO_CID, 61, 62, 63, 0x6465, 0x6667 };
		break;
	case ISCSI_OP_R2T:
		h->data_len = 0;
		h->r2t = (struct iscsi_r2t_hdr){ 68, 69, 70, 71, 72, 73, 74 };
		break;
	case ISCSI_OP_ASYNC_MSG:
		h->itt = ISCSI_RSVD_TAG;
		h->async = (struct iscsi_async_hdr){ 75, 76, 77,
			ISCSI_ASYNC_LOGOUT_REQUEST, 0x78, 0x7980, 0x8182,
			0x8384 };
		break;
	case ISCSI_OP_REJECT:
		memset(h->lun, 0, sizeof(h->lun));
		h->itt = ISCSI_RSVD_TAG;
		h->data_len = ISCSI_BHS_LEN;
		h->reject = (struct iscsi_reject_hdr){
			ISCSI_REJECT_INVALID_PDU_FIELD, 85, 86, 87, 88 };
		break;
	}
}

static void assert_hdr_eq(const struct iscsi_pdu_hdr *a,
			  const struct iscsi_pdu_hdr *b)
{
	ck_assert_uint_eq(a->opcode, b->opcode);
	ck_assert_int_eq(a->immediate, b->immediate);
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_uint_eq(a->ahs_len, b->ahs_len);
	ck_assert_uint_eq(a->data_len, b->data_len);
	ck_assert_uint_eq(a->itt, b->itt);
	ck_assert_mem_eq(a->lun, b->lun, 8);
	ck_assert_int_eq(memcmp(a, b, sizeof(*a)), 0);
}

START_TEST(test_roundtrip_every_opcode)
{
	for (size_t i = 0; i < ARRAY_SIZE(all_ops); i++) {
		struct iscsi_pdu_hdr h, d;
		uint8_t bhs[ISCSI_BHS_LEN], again[ISCSI_BHS_LEN];

		memset(&h, 0, sizeof(h));
		fill_nonzero(&h, all_ops[i]);
		ck_assert_int_eq(iscsi_bhs_build(&h, bhs), 0);
		ck_assert_uint_eq(bhs[0] & ISCSI_OPCODE_MASK, all_ops[i]);
		ck_assert_int_eq(iscsi_bhs_decode(bhs, &d), 0);
		assert_hdr_eq(&h, &d);
		ck_assert_int_eq(iscsi_bhs_build(&d, again), 0);
		ck_assert_mem_eq(bhs, again, ISCSI_BHS_LEN);
		ck_assert_str_ne(iscsi_op_name(all_ops[i]), "unknown");
		ck_assert_int_ne(iscsi_op_is_initiator(all_ops[i]),
				 iscsi_op_is_target(all_ops[i]));
	}
}
END_TEST

/* Spot checks of the bytes themselves, which a round trip cannot see. */
START_TEST(test_wire_bytes)
{
	struct iscsi_pdu_hdr h;
	uint8_t b[ISCSI_BHS_LEN];

	iscsi_pdu_hdr_init(&h, ISCSI_OP_SCSI_RSP, 0xaabbccdd);
	h.flags = ISCSI_FLAG_RSP_UNDERFLOW;	/* builder adds the 1 bit */
	h.data_len = 0x000102;
	h.scsi_rsp.status = SAM_STAT_CHECK_CONDITION;
	h.scsi_rsp.statsn = 0x01020304;
	h.scsi_rsp.residual = 0x200;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_uint_eq(b[0], 0x21);
	ck_assert_uint_eq(b[1], 0x82);
	ck_assert_uint_eq(b[3], 0x02);
	ck_assert_uint_eq(b[6], 0x01);
	ck_assert_uint_eq(b[7], 0x02);
	ck_assert_uint_eq(get_be32(b + 16), 0xaabbccdd);
	ck_assert_uint_eq(get_be32(b + 24), 0x01020304);
	ck_assert_uint_eq(get_be32(b + 44), 0x200);

	/* Reject and Async carry ITT 0xffffffff whatever the caller said;
	 * target PDUs have no I bit. */
	iscsi_pdu_hdr_init(&h, ISCSI_OP_REJECT, 5);
	h.immediate = true;
	h.reject.reason = ISCSI_REJECT_PROTOCOL_ERROR;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_uint_eq(b[0], 0x3f);
	ck_assert_uint_eq(b[2], ISCSI_REJECT_PROTOCOL_ERROR);
	ck_assert_uint_eq(get_be32(b + 16), ISCSI_RSVD_TAG);
	iscsi_pdu_hdr_init(&h, ISCSI_OP_ASYNC_MSG, 5);
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_uint_eq(get_be32(b + 16), ISCSI_RSVD_TAG);

	/* Login: the I bit, CSG/NSG packing. */
	iscsi_pdu_hdr_init(&h, ISCSI_OP_LOGIN_REQ, 0);
	h.immediate = true;
	h.flags = ISCSI_LOGIN_FLAGS(1, 0, ISCSI_LOGIN_STAGE_OPERATIONAL,
				    ISCSI_LOGIN_STAGE_FFP);
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_uint_eq(b[0], 0x43);
	ck_assert_uint_eq(b[1], 0x87);
	ck_assert_uint_eq(ISCSI_LOGIN_CSG(b[1]), ISCSI_LOGIN_STAGE_OPERATIONAL);
	ck_assert_uint_eq(ISCSI_LOGIN_NSG(b[1]), ISCSI_LOGIN_STAGE_FFP);
}
END_TEST

/* The iSCSI Read command of RFC 3720 B.4 and its CRC32C. */
static const uint8_t rfc_read_pdu[ISCSI_BHS_LEN] = {
	0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
	0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

START_TEST(test_known_header_digest)
{
	struct iscsi_pdu_hdr h;
	uint8_t wire[4];
	uint32_t crc;

	ck_assert_int_eq(iscsi_bhs_parse(rfc_read_pdu, &h, NULL), 0);
	ck_assert_uint_eq(h.opcode, ISCSI_OP_SCSI_CMD);
	ck_assert(h.flags & ISCSI_FLAG_CMD_READ);
	ck_assert(h.flags & ISCSI_FLAG_FINAL);
	ck_assert_uint_eq(h.itt, 0x14000000);
	ck_assert_uint_eq(h.scsi_cmd.edtl, 0x400);
	ck_assert_uint_eq(h.scsi_cmd.cmdsn, 0x14);
	ck_assert_uint_eq(h.scsi_cmd.exp_statsn, 0x18);
	ck_assert_uint_eq(h.scsi_cmd.cdb[0], 0x28);

	crc = iscsi_hdr_digest(rfc_read_pdu, NULL, 0);
	/* RFC 3720 B.4 lists the wire bytes, least significant first:
	 * 56 3a 96 d9. */
	ck_assert_uint_eq(crc, 0xd9963a56);
	crc32c_put_digest(wire, crc);
	ck_assert_uint_eq(wire[0], 0x56);
	ck_assert_uint_eq(wire[3], 0xd9);
	ck_assert(iscsi_digest_ok(crc, wire));
	wire[1] ^= 1;
	ck_assert(!iscsi_digest_ok(crc, wire));
	/* BHS + AHS is one digest over both (11.1). */
	ck_assert_uint_eq(iscsi_hdr_digest(rfc_read_pdu, rfc_read_pdu, 16),
			  crc32c_final(crc32c_update(crc32c_update(crc32c_init(),
				rfc_read_pdu, 48), rfc_read_pdu, 16)));
}
END_TEST

/* RFC 3720 B.4: 32 bytes of zeros / of 0xff, split over iovecs. */
START_TEST(test_data_digest)
{
	uint8_t zeros[32] = { 0 }, ones[32], odd[3] = { 1, 2, 3 };
	uint8_t odd_padded[4] = { 1, 2, 3, 0 };
	struct iovec iov[3] = {
		{ zeros, 5 }, { zeros + 5, 20 }, { zeros + 25, 7 },
	};
	struct iovec one = { ones, sizeof(ones) };
	struct iovec o = { odd, sizeof(odd) };

	memset(ones, 0xff, sizeof(ones));
	ck_assert_uint_eq(iscsi_data_digest(iov, 3, 32), 0x8a9136aa);
	ck_assert_uint_eq(iscsi_data_digest(&one, 1, 32), 0x62a8ab43);
	/* Only @len bytes are read, then the pad. */
	ck_assert_uint_eq(iscsi_data_digest(iov, 3, 3),
			  crc32c(zeros, 4));
	ck_assert_uint_eq(iscsi_data_digest(&o, 1, 3),
			  crc32c(odd_padded, 4));
	ck_assert_uint_eq(iscsi_data_digest(NULL, 0, 0), crc32c(NULL, 0));
}
END_TEST

START_TEST(test_padding)
{
	ck_assert_uint_eq(iscsi_pad_len(0), 0);
	ck_assert_uint_eq(iscsi_pad_len(1), 3);
	ck_assert_uint_eq(iscsi_pad_len(2), 2);
	ck_assert_uint_eq(iscsi_pad_len(3), 1);
	ck_assert_uint_eq(iscsi_pad_len(4), 0);
	ck_assert_uint_eq(iscsi_padded_len(ISCSI_BHS_DSL_MAX), 0x1000000);
	ck_assert_uint_eq(iscsi_padded_len(8193), 8196);
}
END_TEST

/* A minimal valid BHS of @op in @b, as an initiator would send it. */
static void bhs_of(uint8_t op, uint8_t *b)
{
	struct iscsi_pdu_hdr h;

	iscsi_pdu_hdr_init(&h, op, 1);
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
}

START_TEST(test_bad_opcodes)
{
	static const uint8_t unknown[] = { 0x07, 0x0f, 0x11, 0x1c, 0x1e,
					   0x27, 0x30, 0x3c, 0x3e };
	struct iscsi_pdu_hdr h;
	uint8_t b[ISCSI_BHS_LEN];

	memset(b, 0, sizeof(b));
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		b[0] = unknown[i];
		ck_assert_int_eq(iscsi_bhs_parse(b, &h, NULL),
				 ISCSI_REJECT_CMD_NOT_SUPPORTED);
		ck_assert_int_eq(iscsi_bhs_decode(b, &h), -EPROTONOSUPPORT);
		ck_assert_str_eq(iscsi_op_name(unknown[i]), "unknown");
		ck_assert(!iscsi_op_is_initiator(unknown[i]));
		ck_assert(!iscsi_op_is_target(unknown[i]));
	}
	/* Target opcodes never come from an initiator. */
	for (size_t i = 0; i < ARRAY_SIZE(all_ops); i++) {
		bhs_of(all_ops[i], b);
		ck_assert_int_eq(iscsi_bhs_parse(b, &h, NULL),
				 iscsi_op_is_target(all_ops[i]) ?
				 ISCSI_REJECT_PROTOCOL_ERROR : 0);
	}
	/* The I bit on a target opcode is just bit 6 of an opcode byte. */
	b[0] = ISCSI_OP_IMMEDIATE | ISCSI_OP_NOP_IN;
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, NULL),
			 ISCSI_REJECT_PROTOCOL_ERROR);
	ck_assert(!h.immediate);
	/* The top bit of byte 0 is reserved: ignored. */
	bhs_of(ISCSI_OP_NOP_OUT, b);
	b[0] |= 0x80;
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, NULL), 0);
	ck_assert_uint_eq(h.opcode, ISCSI_OP_NOP_OUT);
	ck_assert_int_eq(iscsi_bhs_build(&(struct iscsi_pdu_hdr){
		.opcode = 0x07 }, b), -EPROTONOSUPPORT);
}
END_TEST

START_TEST(test_bad_lengths)
{
	static const uint8_t no_data[] = { ISCSI_OP_TMF_REQ, ISCSI_OP_SNACK,
					   ISCSI_OP_LOGOUT_REQ };
	struct iscsi_pdu_hdr h;
	uint8_t b[ISCSI_BHS_LEN];

	/* AHS only on SCSI Command. */
	for (size_t i = 0; i < ARRAY_SIZE(all_ops); i++) {
		if (!iscsi_op_is_initiator(all_ops[i]))
			continue;
		bhs_of(all_ops[i], b);
		b[4] = 1;
		ck_assert_int_eq(iscsi_bhs_parse(b, &h, NULL),
				 all_ops[i] == ISCSI_OP_SCSI_CMD ? 0 :
				 ISCSI_REJECT_INVALID_PDU_FIELD);
		ck_assert_uint_eq(h.ahs_len, 4);
	}
	/* No data segment where none is defined. */
	for (size_t i = 0; i < ARRAY_SIZE(no_data); i++) {
		bhs_of(no_data[i], b);
		put_be24(b + 5, 1);
		ck_assert_int_eq(iscsi_bhs_parse(b, &h, NULL),
				 ISCSI_REJECT_INVALID_PDU_FIELD);
		ck_assert_uint_eq(h.data_len, 1);
	}
	/* Largest TotalAHSLength decodes to 1020 bytes. */
	bhs_of(ISCSI_OP_SCSI_CMD, b);
	b[4] = 0xff;
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, NULL), 0);
	ck_assert_uint_eq(h.ahs_len, ISCSI_AHS_MAX);
	/* The builder refuses what it cannot encode. */
	iscsi_pdu_hdr_init(&h, ISCSI_OP_NOP_IN, 0);
	h.ahs_len = 6;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), -EINVAL);
	h.ahs_len = ISCSI_AHS_MAX + 4;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), -EINVAL);
	h.ahs_len = 0;
	h.data_len = ISCSI_BHS_DSL_MAX + 1;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), -EINVAL);
}
END_TEST

START_TEST(test_oversized_data)
{
	struct iscsi_pdu_limits lim = { .max_data_len = 8192 };
	struct iscsi_pdu_hdr h;
	uint8_t b[ISCSI_BHS_LEN];

	iscsi_pdu_hdr_init(&h, ISCSI_OP_SCSI_CMD, 1);
	h.flags |= ISCSI_FLAG_CMD_WRITE;
	h.scsi_cmd.edtl = 1 << 24;
	h.data_len = 8192;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, &lim), 0);
	put_be24(b + 5, 8193);
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, &lim), -EMSGSIZE);
	put_be24(b + 5, ISCSI_BHS_DSL_MAX);
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, &lim), -EMSGSIZE);
	/* No limit: only the field width. */
	lim.max_data_len = 0;
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, &lim), 0);
	ck_assert_uint_eq(h.data_len, ISCSI_BHS_DSL_MAX);
	/* Length before opcode: an unknown opcode that is too long is a
	 * framing error, not a Reject. */
	lim.max_data_len = 8192;
	b[0] = 0x1c;
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, &lim), -EMSGSIZE);
	/* Data-Out and Text are checked against the limit too. */
	bhs_of(ISCSI_OP_DATA_OUT, b);
	put_be24(b + 5, 65536);
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, &lim), -EMSGSIZE);
	bhs_of(ISCSI_OP_TEXT_REQ, b);
	put_be24(b + 5, 8192);
	ck_assert_int_eq(iscsi_bhs_parse(b, &h, &lim), 0);
}
END_TEST

START_TEST(test_scsi_cmd_rules)
{
	struct iscsi_pdu_hdr h, d;
	uint8_t b[ISCSI_BHS_LEN];

	iscsi_pdu_hdr_init(&h, ISCSI_OP_SCSI_CMD, 1);
	h.flags = ISCSI_FLAG_FINAL | ISCSI_FLAG_CMD_WRITE;
	h.scsi_cmd.edtl = 4096;
	h.data_len = 4096;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL), 0);
	/* Unsolicited data follows: F=0 with W. */
	h.flags = ISCSI_FLAG_CMD_WRITE;
	h.data_len = 1024;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL), 0);
	/* Immediate data beyond the expected length. */
	h.data_len = 4097;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL),
			 ISCSI_REJECT_PROTOCOL_ERROR);
	/* Immediate data on a read. */
	h.flags = ISCSI_FLAG_FINAL | ISCSI_FLAG_CMD_READ;
	h.data_len = 512;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL),
			 ISCSI_REJECT_PROTOCOL_ERROR);
	/* F=0 without W announces data that cannot come. */
	h.flags = ISCSI_FLAG_CMD_READ;
	h.data_len = 0;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL),
			 ISCSI_REJECT_PROTOCOL_ERROR);
}
END_TEST

START_TEST(test_other_rules)
{
	struct iscsi_pdu_hdr h, d;
	uint8_t b[ISCSI_BHS_LEN];

	/* Text: C and F together. */
	iscsi_pdu_hdr_init(&h, ISCSI_OP_TEXT_REQ, 1);
	h.flags = ISCSI_FLAG_FINAL | ISCSI_FLAG_TEXT_CONTINUE;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL),
			 ISCSI_REJECT_PROTOCOL_ERROR);
	h.flags = ISCSI_FLAG_TEXT_CONTINUE;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL), 0);
	/* NOP-Out with the reserved ITT must be immediate. */
	iscsi_pdu_hdr_init(&h, ISCSI_OP_NOP_OUT, ISCSI_RSVD_TAG);
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL),
			 ISCSI_REJECT_PROTOCOL_ERROR);
	h.immediate = true;
	ck_assert_int_eq(iscsi_bhs_build(&h, b), 0);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL), 0);
	/* TMF function / logout reason / SNACK type come out of byte 1;
	 * unknown values are the TMF and logout code's to answer. */
	bhs_of(ISCSI_OP_TMF_REQ, b);
	b[1] = 0x80 | 0x7f;
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL), 0);
	ck_assert_uint_eq(d.tmf_req.function, 0x7f);
	bhs_of(ISCSI_OP_LOGOUT_REQ, b);
	b[1] = 0x80 | ISCSI_LOGOUT_CLOSE_CONN;
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL), 0);
	ck_assert_uint_eq(d.logout_req.reason, ISCSI_LOGOUT_CLOSE_CONN);
	/* Reserved bytes are ignored (RFC 7143 11.2). */
	bhs_of(ISCSI_OP_LOGOUT_REQ, b);
	memset(b + 8, 0x5a, 8);
	memset(b + 32, 0x5a, 16);
	ck_assert_int_eq(iscsi_bhs_parse(b, &d, NULL), 0);
	ck_assert_uint_eq(d.lun[0], 0);
}
END_TEST

static uint8_t cdb32[32];

static void fill_cdb32(void)
{
	cdb32[0] = 0x7f;	/* VARIABLE LENGTH CDB */
	for (size_t i = 1; i < sizeof(cdb32); i++)
		cdb32[i] = (uint8_t)(0x30 + i);
}

START_TEST(test_ahs_ext_cdb_32)
{
	struct iscsi_pdu_hdr h, d;
	struct iscsi_cmd_ahs ahs;
	uint8_t pdu[ISCSI_BHS_LEN + 64], cdb[TGT_CDB_MAX];
	int alen;

	fill_cdb32();
	iscsi_pdu_hdr_init(&h, ISCSI_OP_SCSI_CMD, 9);
	h.flags |= ISCSI_FLAG_CMD_READ;
	memcpy(h.scsi_cmd.cdb, cdb32, 16);
	alen = iscsi_ahs_build_ext_cdb(pdu + ISCSI_BHS_LEN, 64, cdb32, 32);
	/* AHSLength 17 (32 - 15), type 1, reserved, 16 bytes: 20 total. */
	ck_assert_int_eq(alen, 20);
	ck_assert_uint_eq(get_be16(pdu + ISCSI_BHS_LEN), 17);
	ck_assert_uint_eq(pdu[ISCSI_BHS_LEN + 2], ISCSI_AHS_EXT_CDB);
	h.ahs_len = (uint16_t)alen;
	ck_assert_int_eq(iscsi_bhs_build(&h, pdu), 0);
	ck_assert_uint_eq(pdu[4], 5);

	ck_assert_int_eq(iscsi_bhs_parse(pdu, &d, NULL), 0);
	ck_assert_uint_eq(d.ahs_len, 20);
	ck_assert_int_eq(iscsi_ahs_parse(pdu + ISCSI_BHS_LEN, d.ahs_len, &ahs),
			 0);
	ck_assert_uint_eq(ahs.ext_cdb_len, 16);
	ck_assert(!ahs.has_bidi_read_len);
	ck_assert_int_eq(iscsi_cdb_assemble(&d.scsi_cmd, &ahs, cdb,
					    sizeof(cdb)), 32);
	ck_assert_mem_eq(cdb, cdb32, 32);
	ck_assert_int_eq(iscsi_cdb_assemble(&d.scsi_cmd, &ahs, cdb, 31),
			 -EOVERFLOW);
	/* No AHS: the 16-byte CDB. */
	ck_assert_int_eq(iscsi_cdb_assemble(&d.scsi_cmd, NULL, cdb, 16), 16);
	ck_assert_int_eq(iscsi_cdb_assemble(&d.scsi_cmd, NULL, cdb, 15),
			 -EOVERFLOW);
}
END_TEST

START_TEST(test_ahs_ext_cdb_odd_and_bidi)
{
	struct iscsi_cmd_ahs ahs;
	uint8_t buf[64], cdb[TGT_CDB_MAX];
	struct iscsi_scsi_cmd_hdr cmd;
	int a, b;

	/* An 18-byte CDB pads its AHS: 3 + 1 + 2 = 6 -> 8. */
	fill_cdb32();
	memcpy(cmd.cdb, cdb32, 16);
	a = iscsi_ahs_build_ext_cdb(buf, sizeof(buf), cdb32, 18);
	ck_assert_int_eq(a, 8);
	ck_assert_uint_eq(buf[6], 0);
	b = iscsi_ahs_build_bidi(buf + a, sizeof(buf) - (size_t)a, 0x10000);
	ck_assert_int_eq(b, 8);
	ck_assert_int_eq(iscsi_ahs_parse(buf, (size_t)(a + b), &ahs), 0);
	ck_assert_uint_eq(ahs.ext_cdb_len, 2);
	ck_assert(ahs.has_bidi_read_len);
	ck_assert_uint_eq(ahs.bidi_read_len, 0x10000);
	ck_assert_int_eq(iscsi_cdb_assemble(&cmd, &ahs, cdb, sizeof(cdb)), 18);
	ck_assert_mem_eq(cdb, cdb32, 18);
	/* An unknown AHS type in between is skipped. */
	memmove(buf + 8, buf, 16);
	put_be16(buf, 5);
	buf[2] = 60;
	ck_assert_int_eq(iscsi_ahs_parse(buf, 24, &ahs), 0);
	ck_assert_uint_eq(ahs.ext_cdb_len, 2);
	ck_assert_uint_eq(ahs.bidi_read_len, 0x10000);
	/* Empty AHS segment. */
	ck_assert_int_eq(iscsi_ahs_parse(buf, 0, &ahs), 0);
	ck_assert_ptr_null(ahs.ext_cdb);
}
END_TEST

START_TEST(test_ahs_bad)
{
	struct iscsi_cmd_ahs ahs;
	uint8_t buf[64];
	int a;

	fill_cdb32();
	a = iscsi_ahs_build_ext_cdb(buf, sizeof(buf), cdb32, 32);
	ck_assert_int_eq(a, 20);
	/* Truncated: the AHS claims more than the segment holds. */
	ck_assert_int_eq(iscsi_ahs_parse(buf, 16, &ahs),
			 ISCSI_REJECT_INVALID_PDU_FIELD);
	put_be16(buf, 0xffff);
	ck_assert_int_eq(iscsi_ahs_parse(buf, 20, &ahs),
			 ISCSI_REJECT_INVALID_PDU_FIELD);
	/* A header that does not fit. */
	ck_assert_int_eq(iscsi_ahs_parse(buf, 2, &ahs),
			 ISCSI_REJECT_INVALID_PDU_FIELD);
	/* Extended CDB with no CDB bytes. */
	memset(buf, 0, sizeof(buf));
	put_be16(buf, 1);
	buf[2] = ISCSI_AHS_EXT_CDB;
	ck_assert_int_eq(iscsi_ahs_parse(buf, 4, &ahs),
			 ISCSI_REJECT_INVALID_PDU_FIELD);
	/* Two extended CDBs. */
	a = iscsi_ahs_build_ext_cdb(buf, sizeof(buf), cdb32, 20);
	memcpy(buf + a, buf, (size_t)a);
	ck_assert_int_eq(iscsi_ahs_parse(buf, (size_t)(2 * a), &ahs),
			 ISCSI_REJECT_INVALID_PDU_FIELD);
	/* Bidirectional length with the wrong AHSLength, and twice. */
	a = iscsi_ahs_build_bidi(buf, sizeof(buf), 1);
	put_be16(buf, 4);
	ck_assert_int_eq(iscsi_ahs_parse(buf, (size_t)a, &ahs),
			 ISCSI_REJECT_INVALID_PDU_FIELD);
	a = iscsi_ahs_build_bidi(buf, sizeof(buf), 1);
	memcpy(buf + a, buf, (size_t)a);
	ck_assert_int_eq(iscsi_ahs_parse(buf, (size_t)(2 * a), &ahs),
			 ISCSI_REJECT_INVALID_PDU_FIELD);
	/* Builder limits. */
	ck_assert_int_eq(iscsi_ahs_build_ext_cdb(buf, sizeof(buf), cdb32, 16),
			 -EINVAL);
	ck_assert_int_eq(iscsi_ahs_build_ext_cdb(buf, 19, cdb32, 32), -ENOSPC);
	ck_assert_int_eq(iscsi_ahs_build_bidi(buf, 7, 1), -ENOSPC);
}
END_TEST

static uint32_t rnd_state = 0x12345678;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Random headers and AHS: no crash, and whatever decodes re-encodes to
 * something that decodes the same. */
START_TEST(test_fuzz)
{
	struct iscsi_pdu_limits lim = { .max_data_len = 262144 };

	for (int i = 0; i < 200000; i++) {
		uint8_t b[ISCSI_BHS_LEN], again[ISCSI_BHS_LEN];
		struct iscsi_pdu_hdr h, d;
		struct iscsi_cmd_ahs ahs;
		uint8_t cdb[TGT_CDB_MAX];

		for (size_t j = 0; j < sizeof(b); j++)
			b[j] = (uint8_t)rnd();
		if (i & 1)
			b[0] = all_ops[rnd() % ARRAY_SIZE(all_ops)];
		(void)iscsi_bhs_parse(b, &h, &lim);
		if (iscsi_bhs_decode(b, &h) == 0) {
			ck_assert_int_eq(iscsi_bhs_build(&h, again), 0);
			ck_assert_int_eq(iscsi_bhs_decode(again, &d), 0);
			ck_assert_uint_eq(d.opcode, h.opcode);
			ck_assert_uint_eq(d.data_len, h.data_len);
			ck_assert_uint_eq(d.ahs_len, h.ahs_len);
		}
		if (iscsi_ahs_parse(b, rnd() % (sizeof(b) + 1), &ahs) == 0 &&
		    h.opcode == ISCSI_OP_SCSI_CMD)
			(void)iscsi_cdb_assemble(&h.scsi_cmd, &ahs, cdb,
						 sizeof(cdb));
	}
}
END_TEST

static Suite *iscsi_pdu_suite(void)
{
	Suite *s = suite_create("iscsi_pdu");
	TCase *tc = tcase_create("bhs");
	TCase *ac = tcase_create("ahs_digest");

	tcase_add_test(tc, test_layout_offsets);
	tcase_add_test(tc, test_roundtrip_every_opcode);
	tcase_add_test(tc, test_wire_bytes);
	tcase_add_test(tc, test_bad_opcodes);
	tcase_add_test(tc, test_bad_lengths);
	tcase_add_test(tc, test_oversized_data);
	tcase_add_test(tc, test_scsi_cmd_rules);
	tcase_add_test(tc, test_other_rules);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	tcase_add_test(ac, test_ahs_ext_cdb_32);
	tcase_add_test(ac, test_ahs_ext_cdb_odd_and_bidi);
	tcase_add_test(ac, test_ahs_bad);
	tcase_add_test(ac, test_known_header_digest);
	tcase_add_test(ac, test_data_digest);
	tcase_add_test(ac, test_padding);
	suite_add_tcase(s, ac);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(iscsi_pdu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
