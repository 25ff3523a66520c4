/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iSCSI PDUs: the decoded Basic Header Segment, parsing (with the checks a
 * target applies to what an initiator sends), building, Additional Header
 * Segments, padding and digests.
 *
 * Contract:
 *  - Pure functions on caller memory: no allocation, no I/O, no locks;
 *    safe on any thread.  Input is untrusted: every length is checked
 *    before it is used.
 *  - struct iscsi_pdu_hdr is the host-order form of any of the 18 BHS
 *    layouts in iscsi_proto.h; the union member named after the opcode is
 *    the valid one.  Fields the opcode does not define decode as 0.
 *  - iscsi_bhs_build() followed by iscsi_bhs_decode() gives back the same
 *    struct (round trip), for every opcode.
 */
#ifndef TGT_ISCSI_PDU_H
#define TGT_ISCSI_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "iscsi_proto.h"

/* --- decoded opcode-specific fields (host order) --- */

struct iscsi_nop_out_hdr { uint32_t ttt, cmdsn, exp_statsn; };
struct iscsi_scsi_cmd_hdr {
	uint32_t edtl, cmdsn, exp_statsn;
	uint8_t cdb[ISCSI_CDB_BHS_LEN];	/* first 16 bytes; rest in AHS */
};
struct iscsi_tmf_req_hdr {
	uint8_t function;		/* ISCSI_TMF_*, from flags */
	uint32_t ref_itt, cmdsn, exp_statsn, ref_cmdsn, exp_datasn;
};
struct iscsi_login_req_hdr {
	uint8_t version_max, version_min;
	uint8_t isid[6];
	uint16_t tsih, cid;
	uint32_t cmdsn, exp_statsn;
};
struct iscsi_text_req_hdr { uint32_t ttt, cmdsn, exp_statsn; };
struct iscsi_data_out_hdr { uint32_t ttt, exp_statsn, datasn, offset; };
struct iscsi_logout_req_hdr {
	uint8_t reason;			/* ISCSI_LOGOUT_*, from flags */
	uint16_t cid;
	uint32_t cmdsn, exp_statsn;
};
struct iscsi_snack_hdr {
	uint8_t type;			/* ISCSI_SNACK_*, from flags */
	uint32_t ttt, exp_statsn, begrun, runlength;
};
struct iscsi_nop_in_hdr { uint32_t ttt, statsn, exp_cmdsn, max_cmdsn; };
struct iscsi_scsi_rsp_hdr {
	uint8_t response, status;
	uint32_t snack_tag, statsn, exp_cmdsn, max_cmdsn, exp_datasn;
	uint32_t bidi_residual, residual;
};
struct iscsi_tmf_rsp_hdr {
	uint8_t response;		/* ISCSI_TMF_RSP_* */
	uint32_t statsn, exp_cmdsn, max_cmdsn;
};
struct iscsi_login_rsp_hdr {
	uint8_t version_max, version_active;
	uint8_t isid[6];
	uint16_t tsih;
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint8_t status_class, status_detail;
};
struct iscsi_text_rsp_hdr { uint32_t ttt, statsn, exp_cmdsn, max_cmdsn; };
struct iscsi_data_in_hdr {
	uint8_t status;
	uint32_t ttt, statsn, exp_cmdsn, max_cmdsn, datasn, offset, residual;
};
struct iscsi_logout_rsp_hdr {
	uint8_t response;		/* ISCSI_LOGOUT_RSP_* */
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint16_t time2wait, time2retain;
};
struct iscsi_r2t_hdr {
	uint32_t ttt, statsn, exp_cmdsn, max_cmdsn, r2tsn, offset;
	uint32_t desired_len;
};
struct iscsi_async_hdr {
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint8_t event, vcode;		/* ISCSI_ASYNC_* */
	uint16_t param1, param2, param3;
};
struct iscsi_reject_hdr {
	uint8_t reason;			/* ISCSI_REJECT_* */
	uint32_t statsn, exp_cmdsn, max_cmdsn, datasn;
};

/* A decoded BHS. */
struct iscsi_pdu_hdr {
	uint8_t opcode;			/* ISCSI_OP_* without the I bit */
	bool immediate;			/* I bit (initiator opcodes) */
	/*
	 * Byte 1 verbatim.  Decoding also splits out the TMF function, the
	 * logout reason and the SNACK type; building writes flags as given
	 * (login CSG/NSG: ISCSI_LOGIN_FLAGS), except that the always-1 bit
	 * of PDUs that have one is forced on.
	 */
	uint8_t flags;
	uint16_t ahs_len;		/* bytes: TotalAHSLength * 4 */
	uint32_t data_len;		/* DataSegmentLength, before padding */
	uint8_t lun[8];			/* only where the opcode has a LUN */
	uint32_t itt;
	union {
		struct iscsi_nop_out_hdr nop_out;
		struct iscsi_scsi_cmd_hdr scsi_cmd;
		struct iscsi_tmf_req_hdr tmf_req;
		struct iscsi_login_req_hdr login_req;
		struct iscsi_text_req_hdr text_req;
		struct iscsi_data_out_hdr data_out;
		struct iscsi_logout_req_hdr logout_req;
		struct iscsi_snack_hdr snack;
		struct iscsi_nop_in_hdr nop_in;
		struct iscsi_scsi_rsp_hdr scsi_rsp;
		struct iscsi_tmf_rsp_hdr tmf_rsp;
		struct iscsi_login_rsp_hdr login_rsp;
		struct iscsi_text_rsp_hdr text_rsp;
		struct iscsi_data_in_hdr data_in;
		struct iscsi_logout_rsp_hdr logout_rsp;
		struct iscsi_r2t_hdr r2t;
		struct iscsi_async_hdr async;
		struct iscsi_reject_hdr reject;
	};
};

/* What the receiver accepts on this connection. */
struct iscsi_pdu_limits {
	/*
	 * Our MaxRecvDataSegmentLength as declared to the initiator
	 * (RFC 7143 13.12); during login, the login buffer size.  0: only
	 * the 24-bit field limit applies.
	 */
	uint32_t max_data_len;
};

/* True for a defined initiator (target) opcode. */
bool iscsi_op_is_initiator(uint8_t opcode);
bool iscsi_op_is_target(uint8_t opcode);
/* "SCSI Command", "R2T"...; "unknown" otherwise.  For logs. */
const char *iscsi_op_name(uint8_t opcode);

/*
 * Decodes any opcode's BHS into @out, without judging it.  Returns 0, or
 * -EPROTONOSUPPORT for an opcode RFC 7143 does not define (then only the
 * common fields are decoded).
 */
int iscsi_bhs_decode(const uint8_t bhs[ISCSI_BHS_LEN],
		     struct iscsi_pdu_hdr *out);

/*
 * Decodes a BHS received by a target and checks it (RFC 7143 section 11).
 * Returns:
 *   0       acceptable;
 *   > 0     an ISCSI_REJECT_* reason: the PDU is well framed (its AHS and
 *           data lengths can be trusted), so the caller reads and discards
 *           the rest of it and answers with a Reject carrying this reason:
 *           unknown opcode (CMD_NOT_SUPPORTED), a target opcode (PROTOCOL
 *           _ERROR), an AHS or data segment where the PDU allows none or a
 *           bad field (INVALID_PDU_FIELD), contradicting flags or
 *           immediate data without W or beyond the expected length
 *           (PROTOCOL_ERROR);
 *   -EMSGSIZE  DataSegmentLength above lim->max_data_len: the initiator
 *           broke the negotiation (13.12); the caller rejects and closes.
 * Reserved fields are ignored.  Login-specific rules (T and C together,
 * stage transitions) are the login code's: they are answered with a
 * Login Response, not a Reject.  @lim may be NULL.
 */
int iscsi_bhs_parse(const uint8_t bhs[ISCSI_BHS_LEN],
		    struct iscsi_pdu_hdr *out,
		    const struct iscsi_pdu_limits *lim);

/*
 * Encodes @h (any opcode) into @bhs, zeroing reserved fields.  Returns 0,
 * -EPROTONOSUPPORT (unknown opcode) or -EINVAL (ahs_len not a multiple of
 * 4 or above ISCSI_AHS_MAX, data_len above 24 bits).  Reject and Async
 * Message always carry ITT 0xffffffff (11.9.1, 11.17).
 */
int iscsi_bhs_build(const struct iscsi_pdu_hdr *h,
		    uint8_t bhs[ISCSI_BHS_LEN]);

/* Starts a header for @opcode: zeroed, F bit set, ITT @itt. */
void iscsi_pdu_hdr_init(struct iscsi_pdu_hdr *h, uint8_t opcode,
			uint32_t itt);

/* --- Additional Header Segments (11.2.2), SCSI Command only --- */

struct iscsi_cmd_ahs {
	const uint8_t *ext_cdb;		/* CDB bytes 16.., in the AHS buffer */
	uint16_t ext_cdb_len;
	bool has_bidi_read_len;
	uint32_t bidi_read_len;		/* Expected Read-Data Length */
};

/*
 * Walks @len bytes of AHS (len = hdr.ahs_len).  Unknown AHS types are
 * skipped (reserved for future use, 11.2.2.1).  Returns 0, or
 * ISCSI_REJECT_INVALID_PDU_FIELD when an AHS overruns the segment, an
 * Extended CDB AHS is empty, a bidirectional AHS has the wrong length,
 * or a type appears twice.  @out->ext_cdb points into @ahs.
 */
int iscsi_ahs_parse(const uint8_t *ahs, size_t len, struct iscsi_cmd_ahs *out);

/*
 * The whole CDB: the BHS's 16 bytes followed by the extended CDB.  Writes
 * to @cdb (@cap bytes) and returns the CDB length, or -EOVERFLOW when it
 * does not fit in @cap.
 */
int iscsi_cdb_assemble(const struct iscsi_scsi_cmd_hdr *cmd,
		       const struct iscsi_cmd_ahs *ahs, uint8_t *cdb,
		       size_t cap);

/*
 * Builders for an initiator (tests): append an AHS at @buf (@cap bytes),
 * padded.  Return the bytes written or -EINVAL (cdb_len <= 16 or above
 * 16 + 0xffff - 1) / -ENOSPC.
 */
int iscsi_ahs_build_ext_cdb(uint8_t *buf, size_t cap, const uint8_t *cdb,
			    size_t cdb_len);
int iscsi_ahs_build_bidi(uint8_t *buf, size_t cap, uint32_t read_len);

/* --- padding and digests (11.1) --- */

/* Pad bytes after a segment of @len bytes. */
static inline uint32_t iscsi_pad_len(uint32_t len)
{
	return (ISCSI_PAD - (len & (ISCSI_PAD - 1))) & (ISCSI_PAD - 1);
}

static inline uint32_t iscsi_padded_len(uint32_t len)
{
	return len + iscsi_pad_len(len);
}

/* CRC32C of the BHS and AHS (HeaderDigest=CRC32C). */
uint32_t iscsi_hdr_digest(const uint8_t bhs[ISCSI_BHS_LEN],
			  const uint8_t *ahs, size_t ahs_len);
/*
 * CRC32C of the first @len bytes of @iov plus the zero padding to 4
 * (DataDigest=CRC32C covers the padding, 11.1).  @iov must hold at
 * least @len bytes (only @len are read).
 */
uint32_t iscsi_data_digest(const struct iovec *iov, int iovcnt, size_t len);
/* Compares with a digest as received (least significant byte first). */
bool iscsi_digest_ok(uint32_t crc, const uint8_t wire[ISCSI_DIGEST_LEN]);

#endif
