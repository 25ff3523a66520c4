/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tgtd management protocol: the bytes tgtadm and tgtd exchange over the
 * control socket "$TGT_RUNDIR/tgtd.<port>.sock" (TGT_RUNDIR defaults to
 * /run/tgtd), a UNIX stream socket.  This header is ABI: self-contained,
 * fixed-width fields only.
 *
 * Model: one request, one response, then the server closes.
 *
 * Byte order: every multi-byte integer is LITTLE-ENDIAN on the wire.
 * Codecs read and write each field with little-endian helpers at the
 * offsets of the structs below; the structs document the layout and are
 * never overlaid on a buffer (no alignment or padding assumptions).
 * Signed fields (tid, host) are two's complement.
 *
 * Both messages start with the same 12-byte prefix {magic, version,
 * hdr_len, total_len}, so a reader can check the magic, the version and
 * the length before allocating anything.
 *
 * Request:   tgt_mgmt_req_hdr (hdr_len == TGT_MGMT_REQ_HDR_LEN in version
 *            1: any layout change bumps the version), then TLV string
 *            fields up to total_len:
 *              u16 type (TGT_MGMT_TLV_*), u16 len, len bytes (no NUL,
 *              not NUL-terminated, len <= the type's limit).
 *            Each type appears at most once; unknown types are rejected.
 *            Numeric fields count only when their TGT_MGMT_HAS_* bit is
 *            set in "present"; absent ones are sent as zero.
 * Response:  tgt_mgmt_rsp_hdr (hdr_len == TGT_MGMT_RSP_HDR_LEN) then
 *            total_len - hdr_len bytes of text, no NUL terminator
 *            (show/dump output on success, a message on error).
 *
 * A version the reader does not speak is answered with result
 * TGTADM_PROTOCOL (usr/mgmt/mgmt.h) in a version-1 response.
 */
#ifndef TGT_MGMT_WIRE_H
#define TGT_MGMT_WIRE_H

#include <stdint.h>

#define TGT_MGMT_REQ_MAGIC	0x4d544754u	/* "TGTM" in LE bytes */
#define TGT_MGMT_RSP_MAGIC	0x52544754u	/* "TGTR" in LE bytes */
#define TGT_MGMT_VERSION	1

#define TGT_MGMT_REQ_MAX	(64u * 1024)		/* whole request */
#define TGT_MGMT_RSP_MAX	(16u * 1024 * 1024)	/* whole response */
#define TGT_MGMT_STR_MAX	4095u	/* any string field but params */
#define TGT_MGMT_PARAMS_MAX	16383u	/* the params field */

/* The common prefix of requests and responses. */
struct tgt_mgmt_prefix {
	uint32_t magic;		/* TGT_MGMT_REQ_MAGIC / TGT_MGMT_RSP_MAGIC */
	uint16_t version;	/* TGT_MGMT_VERSION */
	uint16_t hdr_len;	/* bytes of header, prefix included */
	uint32_t total_len;	/* bytes of the whole message */
};

/* Bits of tgt_mgmt_req_hdr.present. */
#define TGT_MGMT_HAS_TID	0x01u
#define TGT_MGMT_HAS_LUN	0x02u
#define TGT_MGMT_HAS_SID	0x04u
#define TGT_MGMT_HAS_CID	0x08u
#define TGT_MGMT_HAS_HOST	0x10u
#define TGT_MGMT_HAS_BLOCKSIZE	0x20u
#define TGT_MGMT_HAS_ALL	0x3fu

/* Bits of tgt_mgmt_req_hdr.flags (same values as MGMT_REQ_*). */
#define TGT_MGMT_F_FORCE	0x1u
#define TGT_MGMT_F_OUTGOING	0x2u
#define TGT_MGMT_F_ALL		0x3u

struct tgt_mgmt_req_hdr {
	uint32_t magic;		/*  0 */
	uint16_t version;	/*  4 */
	uint16_t hdr_len;	/*  6 */
	uint32_t total_len;	/*  8 */
	uint16_t mode;		/* 12 enum mgmt_mode */
	uint16_t op;		/* 14 enum mgmt_op */
	uint32_t flags;		/* 16 TGT_MGMT_F_* */
	uint32_t present;	/* 20 TGT_MGMT_HAS_* */
	int32_t tid;		/* 24 */
	uint32_t cid;		/* 28 */
	uint64_t lun;		/* 32 */
	uint64_t sid;		/* 40 */
	int32_t host;		/* 48 */
	uint32_t blocksize;	/* 52 */
};

struct tgt_mgmt_rsp_hdr {
	uint32_t magic;		/*  0 */
	uint16_t version;	/*  4 */
	uint16_t hdr_len;	/*  6 */
	uint32_t total_len;	/*  8 */
	uint32_t result;	/* 12 TGTADM_* */
};

#define TGT_MGMT_PREFIX_LEN	12u
#define TGT_MGMT_REQ_HDR_LEN	56u
#define TGT_MGMT_RSP_HDR_LEN	16u
#define TGT_MGMT_TLV_HDR_LEN	4u

_Static_assert(sizeof(struct tgt_mgmt_prefix) == TGT_MGMT_PREFIX_LEN,
	       "management prefix is 12 bytes");
_Static_assert(sizeof(struct tgt_mgmt_req_hdr) == TGT_MGMT_REQ_HDR_LEN,
	       "management request header is 56 bytes");
_Static_assert(sizeof(struct tgt_mgmt_rsp_hdr) == TGT_MGMT_RSP_HDR_LEN,
	       "management response header is 16 bytes");

/* TLV types.  Values are ABI: append only. */
enum tgt_mgmt_tlv {
	TGT_MGMT_TLV_LLD = 1,
	TGT_MGMT_TLV_TARGETNAME,
	TGT_MGMT_TLV_BACKING_STORE,
	TGT_MGMT_TLV_BSTYPE,
	TGT_MGMT_TLV_BSOFLAGS,
	TGT_MGMT_TLV_DEVICE_TYPE,
	TGT_MGMT_TLV_INITIATOR_ADDRESS,
	TGT_MGMT_TLV_INITIATOR_NAME,
	TGT_MGMT_TLV_USER,
	TGT_MGMT_TLV_PASSWORD,
	TGT_MGMT_TLV_NAME,
	TGT_MGMT_TLV_VALUE,
	TGT_MGMT_TLV_PARAMS,
	TGT_MGMT_TLV_MAX,	/* one past the last */
};

#endif
