/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iSCSI wire format (RFC 7143 section 11): the 48-byte Basic Header
 * Segment of every PDU, and the codes carried in it.
 *
 * Contract:
 *  - Every layout is a struct of uint8_t and uint8_t arrays only, so it
 *    has no padding, no alignment requirement and no byte order of its
 *    own: each has a _Static_assert(sizeof == 48).  Multi-byte fields are
 *    big-endian on the wire and are read and written only through
 *    get_be16/24/32/64 and put_be16/24/32/64 (usr/util/util.h).  No
 *    bitfields: bits are the ISCSI_FLAG_* masks below, named for the byte
 *    they live in.
 *  - Fields the RFC calls "Reserved" are named rsvd*; senders zero them,
 *    receivers ignore them (RFC 7143 11.2: reserved fields MUST be 0 on
 *    send; being strict on receive would only break interoperability).
 *  - The decoded form, parsing and building are in pdu.h.
 */
#ifndef TGT_ISCSI_ISCSI_PROTO_H
#define TGT_ISCSI_ISCSI_PROTO_H

#include <stdint.h>

#define ISCSI_BHS_LEN		48
#define ISCSI_DIGEST_LEN	4	/* CRC32C, RFC 7143 11.1 */
#define ISCSI_PAD		4	/* segments pad to 4 bytes (11.1) */
#define ISCSI_AHS_MAX		(255 * 4)	/* TotalAHSLength is in words */
#define ISCSI_BHS_DSL_MAX		0xffffffu	/* 24-bit DataSegmentLength */
#define ISCSI_CDB_BHS_LEN	16	/* CDB bytes in the SCSI Command BHS */
#define ISCSI_RSVD_TAG		0xffffffffu	/* "no task tag" (11.2.1.8) */

/* Version-max/min/active of Login (RFC 7143 11.12.4): only 0x00. */
#define ISCSI_VERSION		0x00

/* --- opcodes, byte 0 bits 2..7 (RFC 7143 11.2.1.2) --- */
#define ISCSI_OPCODE_MASK	0x3f
#define ISCSI_OP_IMMEDIATE	0x40	/* I bit, initiator PDUs only */

/* initiator -> target */
#define ISCSI_OP_NOP_OUT	0x00
#define ISCSI_OP_SCSI_CMD	0x01
#define ISCSI_OP_TMF_REQ	0x02
#define ISCSI_OP_LOGIN_REQ	0x03
#define ISCSI_OP_TEXT_REQ	0x04
#define ISCSI_OP_DATA_OUT	0x05
#define ISCSI_OP_LOGOUT_REQ	0x06
#define ISCSI_OP_SNACK		0x10
/* target -> initiator */
#define ISCSI_OP_NOP_IN		0x20
#define ISCSI_OP_SCSI_RSP	0x21
#define ISCSI_OP_TMF_RSP	0x22
#define ISCSI_OP_LOGIN_RSP	0x23
#define ISCSI_OP_TEXT_RSP	0x24
#define ISCSI_OP_DATA_IN	0x25
#define ISCSI_OP_LOGOUT_RSP	0x26
#define ISCSI_OP_R2T		0x31
#define ISCSI_OP_ASYNC_MSG	0x32
#define ISCSI_OP_REJECT		0x3f
/* Target opcodes have bit 5 set (11.2.1.2). */
#define ISCSI_OP_TARGET_BIT	0x20

/* --- byte 1 flags --- */
#define ISCSI_FLAG_FINAL	0x80	/* F: last PDU of a sequence */

/* SCSI Command (11.3.1) */
#define ISCSI_FLAG_CMD_READ	0x40	/* R */
#define ISCSI_FLAG_CMD_WRITE	0x20	/* W */
#define ISCSI_FLAG_CMD_ATTR_MASK 0x07	/* ATTR */
#define ISCSI_ATTR_UNTAGGED	0
#define ISCSI_ATTR_SIMPLE	1
#define ISCSI_ATTR_ORDERED	2
#define ISCSI_ATTR_HEAD_OF_QUEUE 3
#define ISCSI_ATTR_ACA		4

/* SCSI Response (11.4.1) */
#define ISCSI_FLAG_RSP_BIDI_OVERFLOW	0x10	/* o */
#define ISCSI_FLAG_RSP_BIDI_UNDERFLOW	0x08	/* u */
#define ISCSI_FLAG_RSP_OVERFLOW		0x04	/* O */
#define ISCSI_FLAG_RSP_UNDERFLOW	0x02	/* U */

/* SCSI Response "Response" byte (11.4.3) */
#define ISCSI_RSP_COMPLETED		0x00
#define ISCSI_RSP_TARGET_FAILURE	0x01

/* SCSI Data-In (11.7.1) */
#define ISCSI_FLAG_DATA_ACK		0x40	/* A */
#define ISCSI_FLAG_DATA_OVERFLOW	0x04	/* O */
#define ISCSI_FLAG_DATA_UNDERFLOW	0x02	/* U */
#define ISCSI_FLAG_DATA_STATUS		0x01	/* S */

/* Text Request/Response (11.10.1, 11.11.1) */
#define ISCSI_FLAG_TEXT_CONTINUE	0x40	/* C */

/* Login Request/Response (11.12.1, 11.13.1) */
#define ISCSI_FLAG_LOGIN_TRANSIT	0x80	/* T */
#define ISCSI_FLAG_LOGIN_CONTINUE	0x40	/* C */
#define ISCSI_FLAG_LOGIN_CSG_MASK	0x0c
#define ISCSI_FLAG_LOGIN_CSG_SHIFT	2
#define ISCSI_FLAG_LOGIN_NSG_MASK	0x03
#define ISCSI_LOGIN_CSG(f) \
	(((f) & ISCSI_FLAG_LOGIN_CSG_MASK) >> ISCSI_FLAG_LOGIN_CSG_SHIFT)
#define ISCSI_LOGIN_NSG(f)	((f) & ISCSI_FLAG_LOGIN_NSG_MASK)
#define ISCSI_LOGIN_FLAGS(t, c, csg, nsg) \
	(uint8_t)(((t) ? ISCSI_FLAG_LOGIN_TRANSIT : 0) | \
		  ((c) ? ISCSI_FLAG_LOGIN_CONTINUE : 0) | \
		  (((csg) << ISCSI_FLAG_LOGIN_CSG_SHIFT) & \
		   ISCSI_FLAG_LOGIN_CSG_MASK) | \
		  ((nsg) & ISCSI_FLAG_LOGIN_NSG_MASK))

/* Login stages, CSG/NSG (11.12.3); param.h has the same values as enum
 * iscsi_nego_stage, for the negotiator. */
#define ISCSI_LOGIN_STAGE_SECURITY		0
#define ISCSI_LOGIN_STAGE_OPERATIONAL		1
#define ISCSI_LOGIN_STAGE_FFP			3

/* Login status class/detail (11.13.5): (class << 8) | detail */
#define ISCSI_LOGIN_CLASS_SUCCESS	0x00
#define ISCSI_LOGIN_CLASS_REDIRECT	0x01
#define ISCSI_LOGIN_CLASS_INITIATOR_ERR	0x02
#define ISCSI_LOGIN_CLASS_TARGET_ERR	0x03
#define ISCSI_LOGIN_STATUS_SUCCESS		0x0000
#define ISCSI_LOGIN_STATUS_MOVED_TEMP		0x0101
#define ISCSI_LOGIN_STATUS_MOVED_PERM		0x0102
#define ISCSI_LOGIN_STATUS_INIT_ERR		0x0200
#define ISCSI_LOGIN_STATUS_AUTH_FAILED		0x0201
#define ISCSI_LOGIN_STATUS_FORBIDDEN		0x0202
#define ISCSI_LOGIN_STATUS_NOT_FOUND		0x0203
#define ISCSI_LOGIN_STATUS_TARGET_REMOVED	0x0204
#define ISCSI_LOGIN_STATUS_NO_VERSION		0x0205
#define ISCSI_LOGIN_STATUS_TOO_MANY_CONNS	0x0206
#define ISCSI_LOGIN_STATUS_MISSING_PARAM	0x0207
#define ISCSI_LOGIN_STATUS_CANT_INCLUDE		0x0208
#define ISCSI_LOGIN_STATUS_NO_SESSION_TYPE	0x0209
#define ISCSI_LOGIN_STATUS_NO_SESSION		0x020a
#define ISCSI_LOGIN_STATUS_INVALID_REQUEST	0x020b
#define ISCSI_LOGIN_STATUS_TARGET_ERROR		0x0300
#define ISCSI_LOGIN_STATUS_SVC_UNAVAILABLE	0x0301
#define ISCSI_LOGIN_STATUS_NO_RESOURCES		0x0302

/* TMF Request function, byte 1 bits 1..7 (11.5.1; 9..12 RFC 7144) */
#define ISCSI_FLAG_TMF_FUNC_MASK	0x7f
#define ISCSI_TMF_ABORT_TASK		1
#define ISCSI_TMF_ABORT_TASK_SET	2
#define ISCSI_TMF_CLEAR_ACA		3
#define ISCSI_TMF_CLEAR_TASK_SET	4
#define ISCSI_TMF_LUN_RESET		5
#define ISCSI_TMF_TARGET_WARM_RESET	6
#define ISCSI_TMF_TARGET_COLD_RESET	7
#define ISCSI_TMF_TASK_REASSIGN		8
#define ISCSI_TMF_QUERY_TASK		9
#define ISCSI_TMF_QUERY_TASK_SET	10
#define ISCSI_TMF_IT_NEXUS_RESET	11
#define ISCSI_TMF_QUERY_ASYNC_EVENT	12

/* TMF Response "Response" (11.6.1; 7 from RFC 7144) */
#define ISCSI_TMF_RSP_COMPLETE		0
#define ISCSI_TMF_RSP_NO_TASK		1
#define ISCSI_TMF_RSP_NO_LUN		2
#define ISCSI_TMF_RSP_TASK_ALLEGIANT	3
#define ISCSI_TMF_RSP_NO_REASSIGN	4
#define ISCSI_TMF_RSP_NOT_SUPPORTED	5
#define ISCSI_TMF_RSP_AUTH_FAILED	6
#define ISCSI_TMF_RSP_SUCCEEDED		7
#define ISCSI_TMF_RSP_REJECTED		255

/* Logout Request reason, byte 1 bits 1..7 (11.14.1) */
#define ISCSI_FLAG_LOGOUT_REASON_MASK	0x7f
#define ISCSI_LOGOUT_CLOSE_SESSION	0
#define ISCSI_LOGOUT_CLOSE_CONN		1
#define ISCSI_LOGOUT_REMOVE_CONN	2

/* Logout Response (11.15.1) */
#define ISCSI_LOGOUT_RSP_SUCCESS	0
#define ISCSI_LOGOUT_RSP_NO_CID		1
#define ISCSI_LOGOUT_RSP_NO_RECOVERY	2
#define ISCSI_LOGOUT_RSP_FAILED		3

/* SNACK type, byte 1 bits 4..7 (11.16.1) */
#define ISCSI_FLAG_SNACK_TYPE_MASK	0x0f
#define ISCSI_SNACK_DATA_R2T		0
#define ISCSI_SNACK_STATUS		1
#define ISCSI_SNACK_DATA_ACK		2
#define ISCSI_SNACK_RDATA		3

/* Async Message event (11.9.1) */
#define ISCSI_ASYNC_SCSI_EVENT		0
#define ISCSI_ASYNC_LOGOUT_REQUEST	1
#define ISCSI_ASYNC_DROP_CONN		2
#define ISCSI_ASYNC_DROP_ALL_CONNS	3
#define ISCSI_ASYNC_NEGOTIATE		4
#define ISCSI_ASYNC_VENDOR		255

/* Reject reason (11.17.1) */
#define ISCSI_REJECT_DATA_DIGEST	0x02
#define ISCSI_REJECT_SNACK		0x03
#define ISCSI_REJECT_PROTOCOL_ERROR	0x04
#define ISCSI_REJECT_CMD_NOT_SUPPORTED	0x05
#define ISCSI_REJECT_IMM_CMD		0x06
#define ISCSI_REJECT_TASK_IN_PROGRESS	0x07
#define ISCSI_REJECT_INVALID_DATA_ACK	0x08
#define ISCSI_REJECT_INVALID_PDU_FIELD	0x09
#define ISCSI_REJECT_LONG_OP		0x0a
#define ISCSI_REJECT_WAITING_LOGOUT	0x0c

/* AHS types (11.2.2.1) and fixed AHSLength values (11.2.2.3, 11.2.2.4) */
#define ISCSI_AHS_HDR_LEN		3	/* AHSLength(2) + AHSType(1) */
#define ISCSI_AHS_EXT_CDB		1
#define ISCSI_AHS_BIDI_READ_LEN		2
#define ISCSI_AHS_BIDI_READ_LEN_LEN	5	/* reserved(1) + length(4) */

/* --- Basic Header Segments (RFC 7143 11.2 .. 11.18) --- */

/* Common layout (11.2.1). */
struct iscsi_bhs {
	uint8_t opcode;			/* I bit | opcode */
	uint8_t flags;
	uint8_t opspec[2];
	uint8_t ahs_len;		/* TotalAHSLength, 4-byte words */
	uint8_t data_len[3];		/* DataSegmentLength, bytes */
	uint8_t lun[8];			/* or opcode-specific */
	uint8_t itt[4];
	uint8_t opspec2[28];
};

/* 0x00 NOP-Out (11.18) */
struct iscsi_bhs_nop_out {
	uint8_t opcode;
	uint8_t flags;			/* F = 1 */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[16];
};

/* 0x01 SCSI Command (11.3) */
struct iscsi_bhs_scsi_cmd {
	uint8_t opcode;
	uint8_t flags;			/* F R W ATTR */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t edtl[4];		/* Expected Data Transfer Length */
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t cdb[16];
};

/* 0x02 SCSI Task Management Function Request (11.5) */
struct iscsi_bhs_tmf_req {
	uint8_t opcode;
	uint8_t flags;			/* 1 | function */
	uint8_t rsvd2[2];
	uint8_t ahs_len;		/* MUST be 0 */
	uint8_t data_len[3];		/* MUST be 0 */
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ref_itt[4];		/* Referenced Task Tag */
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t ref_cmdsn[4];
	uint8_t exp_datasn[4];
	uint8_t rsvd40[8];
};

/* 0x03 Login Request (11.12) */
struct iscsi_bhs_login_req {
	uint8_t opcode;			/* always with the I bit */
	uint8_t flags;			/* T C CSG NSG */
	uint8_t version_max;
	uint8_t version_min;
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t isid[6];
	uint8_t tsih[2];
	uint8_t itt[4];
	uint8_t cid[2];
	uint8_t rsvd22[2];
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[16];
};

/* 0x04 Text Request (11.10) */
struct iscsi_bhs_text_req {
	uint8_t opcode;
	uint8_t flags;			/* F C */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[16];
};

/* 0x05 SCSI Data-Out (11.7) */
struct iscsi_bhs_data_out {
	uint8_t opcode;
	uint8_t flags;			/* F */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t rsvd24[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[4];
	uint8_t datasn[4];
	uint8_t offset[4];		/* Buffer Offset */
	uint8_t rsvd44[4];
};

/* 0x06 Logout Request (11.14) */
struct iscsi_bhs_logout_req {
	uint8_t opcode;
	uint8_t flags;			/* 1 | reason code */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t rsvd8[8];
	uint8_t itt[4];
	uint8_t cid[2];
	uint8_t rsvd22[2];
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[16];
};

/* 0x10 SNACK Request (11.16) */
struct iscsi_bhs_snack {
	uint8_t opcode;
	uint8_t flags;			/* 1 | type */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];			/* or SNACK Tag */
	uint8_t rsvd24[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[8];
	uint8_t begrun[4];
	uint8_t runlength[4];
};

/* 0x20 NOP-In (11.19) */
struct iscsi_bhs_nop_in {
	uint8_t opcode;
	uint8_t flags;			/* F = 1 */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t rsvd36[12];
};

/* 0x21 SCSI Response (11.4) */
struct iscsi_bhs_scsi_rsp {
	uint8_t opcode;
	uint8_t flags;			/* 1 o u O U */
	uint8_t response;
	uint8_t status;
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t rsvd8[8];
	uint8_t itt[4];
	uint8_t snack_tag[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t exp_datasn[4];
	uint8_t bidi_residual[4];	/* Bidirectional Read Residual Count */
	uint8_t residual[4];		/* Residual Count */
};

/* 0x22 SCSI Task Management Function Response (11.6) */
struct iscsi_bhs_tmf_rsp {
	uint8_t opcode;
	uint8_t flags;			/* 1 */
	uint8_t response;
	uint8_t rsvd3;
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t rsvd8[8];
	uint8_t itt[4];
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t rsvd36[12];
};

/* 0x23 Login Response (11.13) */
struct iscsi_bhs_login_rsp {
	uint8_t opcode;
	uint8_t flags;			/* T C CSG NSG */
	uint8_t version_max;
	uint8_t version_active;
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t isid[6];
	uint8_t tsih[2];
	uint8_t itt[4];
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t status_class;
	uint8_t status_detail;
	uint8_t rsvd38[10];
};

/* 0x24 Text Response (11.11) */
struct iscsi_bhs_text_rsp {
	uint8_t opcode;
	uint8_t flags;			/* F C */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t rsvd36[12];
};

/* 0x25 SCSI Data-In (11.7) */
struct iscsi_bhs_data_in {
	uint8_t opcode;
	uint8_t flags;			/* F A O U S */
	uint8_t rsvd2;
	uint8_t status;			/* valid when S is set */
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t datasn[4];
	uint8_t offset[4];
	uint8_t residual[4];
};

/* 0x26 Logout Response (11.15) */
struct iscsi_bhs_logout_rsp {
	uint8_t opcode;
	uint8_t flags;			/* 1 */
	uint8_t response;
	uint8_t rsvd3;
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t rsvd8[8];
	uint8_t itt[4];
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t rsvd36[4];
	uint8_t time2wait[2];
	uint8_t time2retain[2];
	uint8_t rsvd44[4];
};

/* 0x31 Ready To Transfer (11.8) */
struct iscsi_bhs_r2t {
	uint8_t opcode;
	uint8_t flags;			/* 1 */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t r2tsn[4];
	uint8_t offset[4];
	uint8_t desired_len[4];		/* Desired Data Transfer Length */
};

/* 0x32 Asynchronous Message (11.9) */
struct iscsi_bhs_async {
	uint8_t opcode;
	uint8_t flags;			/* 1 */
	uint8_t rsvd2[2];
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t lun[8];
	uint8_t itt[4];			/* 0xffffffff */
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t event;
	uint8_t vcode;
	uint8_t param1[2];
	uint8_t param2[2];
	uint8_t param3[2];
	uint8_t rsvd44[4];
};

/* 0x3f Reject (11.17): the data segment is the rejected PDU's header. */
struct iscsi_bhs_reject {
	uint8_t opcode;
	uint8_t flags;			/* 1 */
	uint8_t reason;
	uint8_t rsvd3;
	uint8_t ahs_len;
	uint8_t data_len[3];
	uint8_t rsvd8[8];
	uint8_t itt[4];			/* 0xffffffff */
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t datasn[4];		/* DataSN/R2TSN */
	uint8_t rsvd40[8];
};

#define ISCSI_BHS_ASSERT(t) \
	_Static_assert(sizeof(struct t) == ISCSI_BHS_LEN, #t " is 48 bytes")
ISCSI_BHS_ASSERT(iscsi_bhs);
ISCSI_BHS_ASSERT(iscsi_bhs_nop_out);
ISCSI_BHS_ASSERT(iscsi_bhs_scsi_cmd);
ISCSI_BHS_ASSERT(iscsi_bhs_tmf_req);
ISCSI_BHS_ASSERT(iscsi_bhs_login_req);
ISCSI_BHS_ASSERT(iscsi_bhs_text_req);
ISCSI_BHS_ASSERT(iscsi_bhs_data_out);
ISCSI_BHS_ASSERT(iscsi_bhs_logout_req);
ISCSI_BHS_ASSERT(iscsi_bhs_snack);
ISCSI_BHS_ASSERT(iscsi_bhs_nop_in);
ISCSI_BHS_ASSERT(iscsi_bhs_scsi_rsp);
ISCSI_BHS_ASSERT(iscsi_bhs_tmf_rsp);
ISCSI_BHS_ASSERT(iscsi_bhs_login_rsp);
ISCSI_BHS_ASSERT(iscsi_bhs_text_rsp);
ISCSI_BHS_ASSERT(iscsi_bhs_data_in);
ISCSI_BHS_ASSERT(iscsi_bhs_logout_rsp);
ISCSI_BHS_ASSERT(iscsi_bhs_r2t);
ISCSI_BHS_ASSERT(iscsi_bhs_async);
ISCSI_BHS_ASSERT(iscsi_bhs_reject);

#endif
