/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Management protocol codec (see include/tgt_mgmt.h for the layout and
 * proto.h for the error contract), plus the names of modes, operations
 * and result codes shared by tgtadm, tgtd and tgtd.conf.
 */
#include "proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define HDR_OFF(f)	offsetof(struct tgt_mgmt_req_hdr, f)
#define RSP_OFF(f)	offsetof(struct tgt_mgmt_rsp_hdr, f)

/* Result code messages, indexed by TGTADM_*. */
static const char *const mgmt_err_msgs[TGTADM_ERR_MAX] = {
	[TGTADM_SUCCESS] = "success",
	[TGTADM_UNKNOWN_ERR] = "unknown error",
	[TGTADM_NOMEM] = "out of memory",
	[TGTADM_NO_DRIVER] = "no such low-level driver (lld)",
	[TGTADM_NO_TARGET] = "no such target",
	[TGTADM_NO_LUN] = "no such logical unit",
	[TGTADM_NO_SESSION] = "no such session",
	[TGTADM_NO_CONNECTION] = "no such connection",
	[TGTADM_NO_BINDING] = "no such binding",
	[TGTADM_TARGET_EXIST] = "target already exists",
	[TGTADM_BINDING_EXIST] = "binding already exists",
	[TGTADM_LUN_EXIST] = "logical unit already exists",
	[TGTADM_ACL_EXIST] = "access control rule already exists",
	[TGTADM_ACL_NOEXIST] = "no such access control rule",
	[TGTADM_USER_EXIST] = "account already exists",
	[TGTADM_NO_USER] = "no such account",
	[TGTADM_TOO_MANY_USER] = "too many accounts",
	[TGTADM_INVALID_REQUEST] = "invalid request",
	[TGTADM_OUTACCOUNT_EXIST] = "target already has an outgoing account",
	[TGTADM_TARGET_ACTIVE] = "target is in use",
	[TGTADM_LUN_ACTIVE] = "logical unit is in use",
	[TGTADM_DRIVER_ACTIVE] = "low-level driver is in use",
	[TGTADM_UNSUPPORTED_OPERATION] = "operation not supported",
	[TGTADM_UNKNOWN_PARAM] = "unknown parameter",
	[TGTADM_PREVENT_REMOVAL] = "medium removal is prevented",
	[TGTADM_NO_BACKING] = "backing store missing or unusable",
	[TGTADM_BAD_VALUE] = "invalid value",
	[TGTADM_NO_PORTAL] = "no such portal",
	[TGTADM_PORTAL_EXIST] = "portal already exists",
	[TGTADM_PERMISSION] = "permission denied",
	[TGTADM_CONNECT] = "cannot connect to tgtd",
	[TGTADM_PROTOCOL] = "management protocol error",
	[TGTADM_USAGE] = "bad command line",
};

static const char *const mgmt_mode_names[MGMT_MODE_MAX] = {
	[MGMT_MODE_SYS] = "sys",
	[MGMT_MODE_TARGET] = "target",
	[MGMT_MODE_LU] = "logicalunit",
	[MGMT_MODE_ACCOUNT] = "account",
	[MGMT_MODE_LLD] = "lld",
	[MGMT_MODE_CONN] = "connection",
	[MGMT_MODE_SESSION] = "session",
	[MGMT_MODE_PORTAL] = "portal",
};

static const char *const mgmt_op_names[MGMT_OP_MAX] = {
	[MGMT_OP_NEW] = "new",
	[MGMT_OP_DELETE] = "delete",
	[MGMT_OP_SHOW] = "show",
	[MGMT_OP_BIND] = "bind",
	[MGMT_OP_UNBIND] = "unbind",
	[MGMT_OP_UPDATE] = "update",
	[MGMT_OP_STAT] = "stat",
	[MGMT_OP_DUMP] = "dump",
	[MGMT_OP_START] = "start",
	[MGMT_OP_STOP] = "stop",
};

/* Where each TLV lands in struct mgmt_req, its limit and its option name. */
struct mgmt_tlv_desc {
	size_t off;
	uint16_t max;
	const char *opt;
};

#define TLV(type, field, limit, name) \
	[type] = { offsetof(struct mgmt_req, field), limit, name }

static const struct mgmt_tlv_desc mgmt_tlvs[TGT_MGMT_TLV_MAX] = {
	TLV(TGT_MGMT_TLV_LLD, lld, TGT_MGMT_STR_MAX, "--lld"),
	TLV(TGT_MGMT_TLV_TARGETNAME, targetname, TGT_MGMT_STR_MAX,
	    "--targetname"),
	TLV(TGT_MGMT_TLV_BACKING_STORE, backing_store, TGT_MGMT_STR_MAX,
	    "--backing-store"),
	TLV(TGT_MGMT_TLV_BSTYPE, bstype, TGT_MGMT_STR_MAX, "--bstype"),
	TLV(TGT_MGMT_TLV_BSOFLAGS, bsoflags, TGT_MGMT_STR_MAX, "--bsoflags"),
	TLV(TGT_MGMT_TLV_DEVICE_TYPE, device_type, TGT_MGMT_STR_MAX,
	    "--device-type"),
	TLV(TGT_MGMT_TLV_INITIATOR_ADDRESS, initiator_address,
	    TGT_MGMT_STR_MAX, "--initiator-address"),
	TLV(TGT_MGMT_TLV_INITIATOR_NAME, initiator_name, TGT_MGMT_STR_MAX,
	    "--initiator-name"),
	TLV(TGT_MGMT_TLV_USER, user, TGT_MGMT_STR_MAX, "--user"),
	TLV(TGT_MGMT_TLV_PASSWORD, password, TGT_MGMT_STR_MAX, "--password"),
	TLV(TGT_MGMT_TLV_NAME, name, TGT_MGMT_STR_MAX, "--name"),
	TLV(TGT_MGMT_TLV_VALUE, value, TGT_MGMT_STR_MAX, "--value"),
	TLV(TGT_MGMT_TLV_PARAMS, params, TGT_MGMT_PARAMS_MAX, "--params"),
};

_Static_assert(TGT_MGMT_TLV_MAX <= 32, "TLV seen-set is a u32");
_Static_assert(TGT_MGMT_F_FORCE == MGMT_REQ_FORCE &&
	       TGT_MGMT_F_OUTGOING == MGMT_REQ_OUTGOING,
	       "wire flags mirror MGMT_REQ_*");

void mgmt_req_init(struct mgmt_req *req)
{
	memset(req, 0, sizeof(*req));
}

const char *mgmt_err_str(int err)
{
	if (err < 0 || err >= TGTADM_ERR_MAX || !mgmt_err_msgs[err])
		return "unknown error code";
	return mgmt_err_msgs[err];
}

const char *mgmt_mode_name(int mode)
{
	if (mode <= MGMT_MODE_NONE || mode >= MGMT_MODE_MAX)
		return "?";
	return mgmt_mode_names[mode];
}

const char *mgmt_op_name(int op)
{
	if (op <= MGMT_OP_NONE || op >= MGMT_OP_MAX)
		return "?";
	return mgmt_op_names[op];
}

int mgmt_mode_parse(const char *s)
{
	if (!s)
		return -EINVAL;
	/* Old tgtadm spellings. */
	if (strcmp(s, "lu") == 0)
		return MGMT_MODE_LU;
	if (strcmp(s, "conn") == 0)
		return MGMT_MODE_CONN;
	for (int i = MGMT_MODE_NONE + 1; i < MGMT_MODE_MAX; i++)
		if (strcmp(s, mgmt_mode_names[i]) == 0)
			return i;
	return -EINVAL;
}

int mgmt_op_parse(const char *s)
{
	if (!s)
		return -EINVAL;
	for (int i = MGMT_OP_NONE + 1; i < MGMT_OP_MAX; i++)
		if (strcmp(s, mgmt_op_names[i]) == 0)
			return i;
	return -EINVAL;
}

int mgmt_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static const char **mgmt_req_slot(struct mgmt_req *req, unsigned type)
{
	return (const char **)(void *)((char *)req + mgmt_tlvs[type].off);
}

static const char *mgmt_req_str(const struct mgmt_req *req, unsigned type)
{
	return *(const char *const *)(const void *)
		((const char *)req + mgmt_tlvs[type].off);
}

static uint32_t mgmt_req_present(const struct mgmt_req *req)
{
	uint32_t p = 0;

	p |= req->has_tid ? TGT_MGMT_HAS_TID : 0;
	p |= req->has_lun ? TGT_MGMT_HAS_LUN : 0;
	p |= req->has_sid ? TGT_MGMT_HAS_SID : 0;
	p |= req->has_cid ? TGT_MGMT_HAS_CID : 0;
	p |= req->has_host ? TGT_MGMT_HAS_HOST : 0;
	p |= req->has_blocksize ? TGT_MGMT_HAS_BLOCKSIZE : 0;
	return p;
}

/* The fixed header; total_len is patched in once the TLVs are written. */
static void mgmt_req_hdr_put(const struct mgmt_req *req, uint8_t *buf)
{
	memset(buf, 0, TGT_MGMT_REQ_HDR_LEN);
	put_le32(buf + HDR_OFF(magic), TGT_MGMT_REQ_MAGIC);
	put_le16(buf + HDR_OFF(version), TGT_MGMT_VERSION);
	put_le16(buf + HDR_OFF(hdr_len), TGT_MGMT_REQ_HDR_LEN);
	put_le16(buf + HDR_OFF(mode), req->mode);
	put_le16(buf + HDR_OFF(op), req->op);
	put_le32(buf + HDR_OFF(flags), req->flags);
	put_le32(buf + HDR_OFF(present), mgmt_req_present(req));
	put_le32(buf + HDR_OFF(tid), req->has_tid ? (uint32_t)req->tid : 0);
	put_le32(buf + HDR_OFF(cid), req->has_cid ? req->cid : 0);
	put_le64(buf + HDR_OFF(lun), req->has_lun ? req->lun : 0);
	put_le64(buf + HDR_OFF(sid), req->has_sid ? req->sid : 0);
	put_le32(buf + HDR_OFF(host), req->has_host ? (uint32_t)req->host : 0);
	put_le32(buf + HDR_OFF(blocksize),
		 req->has_blocksize ? req->blocksize : 0);
}

int mgmt_req_encode(const struct mgmt_req *req, uint8_t *buf, size_t cap,
		    size_t *len, char *err, size_t errlen)
{
	size_t off = TGT_MGMT_REQ_HDR_LEN;

	if (cap < TGT_MGMT_REQ_HDR_LEN)
		return mgmt_fail(-ENOBUFS, err, errlen, "buffer too small");
	mgmt_req_hdr_put(req, buf);
	for (unsigned t = 1; t < TGT_MGMT_TLV_MAX; t++) {
		const char *s = mgmt_req_str(req, t);
		size_t n;

		if (!s)
			continue;
		n = strlen(s);
		if (n > mgmt_tlvs[t].max)
			return mgmt_fail(-EMSGSIZE, err, errlen,
					 "%s is too long (%zu bytes, max %u)",
					 mgmt_tlvs[t].opt, n, mgmt_tlvs[t].max);
		if (off + TGT_MGMT_TLV_HDR_LEN + n > TGT_MGMT_REQ_MAX)
			return mgmt_fail(-EMSGSIZE, err, errlen,
					 "request too large (max %u bytes)",
					 TGT_MGMT_REQ_MAX);
		if (off + TGT_MGMT_TLV_HDR_LEN + n > cap)
			return mgmt_fail(-ENOBUFS, err, errlen,
					 "buffer too small");
		put_le16(buf + off, (uint16_t)t);
		put_le16(buf + off + 2, (uint16_t)n);
		memcpy(buf + off + TGT_MGMT_TLV_HDR_LEN, s, n);
		off += TGT_MGMT_TLV_HDR_LEN + n;
	}
	put_le32(buf + HDR_OFF(total_len), (uint32_t)off);
	*len = off;
	return 0;
}

/* Magic, version and lengths of a prefix; shared by both directions. */
static int mgmt_prefix_check(const uint8_t *buf, size_t len, uint32_t magic,
			     size_t hdr_len, size_t max, size_t *total,
			     char *err, size_t errlen)
{
	uint16_t version, hlen;
	uint32_t tlen;

	if (len < TGT_MGMT_PREFIX_LEN)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "truncated header (%zu bytes)", len);
	if (get_le32(buf) != magic)
		return mgmt_fail(-EPROTO, err, errlen,
				 "bad magic 0x%08x: not a tgt management message",
				 get_le32(buf));
	version = get_le16(buf + 4);
	if (version != TGT_MGMT_VERSION)
		return mgmt_fail(-EPROTONOSUPPORT, err, errlen,
				 "unsupported protocol version %u (this side speaks %u)",
				 version, TGT_MGMT_VERSION);
	hlen = get_le16(buf + 6);
	tlen = get_le32(buf + 8);
	if (hlen != hdr_len)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "bad header length %u (expected %zu)",
				 hlen, hdr_len);
	if (tlen > max)
		return mgmt_fail(-EMSGSIZE, err, errlen,
				 "message too large (%u bytes, max %zu)",
				 tlen, max);
	if (tlen < hlen)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "total length %u is shorter than the header",
				 tlen);
	*total = tlen;
	return 0;
}

int mgmt_req_prefix_check(const uint8_t *buf, size_t len, size_t *total,
			  char *err, size_t errlen)
{
	return mgmt_prefix_check(buf, len, TGT_MGMT_REQ_MAGIC,
				 TGT_MGMT_REQ_HDR_LEN, TGT_MGMT_REQ_MAX, total,
				 err, errlen);
}

/* Numeric fields, flags and presence bits of a checked header. */
static int mgmt_req_hdr_get(const uint8_t *buf, struct mgmt_req *req,
			    char *err, size_t errlen)
{
	uint32_t present = get_le32(buf + HDR_OFF(present));

	req->mode = get_le16(buf + HDR_OFF(mode));
	req->op = get_le16(buf + HDR_OFF(op));
	req->flags = get_le32(buf + HDR_OFF(flags));
	if (req->flags & ~TGT_MGMT_F_ALL)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "unknown flags 0x%x", req->flags);
	if (present & ~TGT_MGMT_HAS_ALL)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "unknown presence bits 0x%x", present);
	req->has_tid = present & TGT_MGMT_HAS_TID;
	req->has_lun = present & TGT_MGMT_HAS_LUN;
	req->has_sid = present & TGT_MGMT_HAS_SID;
	req->has_cid = present & TGT_MGMT_HAS_CID;
	req->has_host = present & TGT_MGMT_HAS_HOST;
	req->has_blocksize = present & TGT_MGMT_HAS_BLOCKSIZE;
	req->tid = req->has_tid ? (int32_t)get_le32(buf + HDR_OFF(tid)) : 0;
	req->cid = req->has_cid ? get_le32(buf + HDR_OFF(cid)) : 0;
	req->lun = req->has_lun ? get_le64(buf + HDR_OFF(lun)) : 0;
	req->sid = req->has_sid ? get_le64(buf + HDR_OFF(sid)) : 0;
	req->host = req->has_host ? (int32_t)get_le32(buf + HDR_OFF(host)) : 0;
	req->blocksize = req->has_blocksize ?
		get_le32(buf + HDR_OFF(blocksize)) : 0;
	return 0;
}

/* Decodes the TLV at @buf[*off] into @req, copying it into @arena. */
static int mgmt_tlv_get(const uint8_t *buf, size_t total, size_t *off,
			struct mgmt_req *req, char *arena, size_t *used,
			uint32_t *seen, char *err, size_t errlen)
{
	unsigned type, n;
	const uint8_t *p;

	if (total - *off < TGT_MGMT_TLV_HDR_LEN)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "truncated field header at offset %zu", *off);
	type = get_le16(buf + *off);
	n = get_le16(buf + *off + 2);
	p = buf + *off + TGT_MGMT_TLV_HDR_LEN;
	if (type == 0 || type >= TGT_MGMT_TLV_MAX)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "unknown field type %u at offset %zu",
				 type, *off);
	if (n > total - *off - TGT_MGMT_TLV_HDR_LEN)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "field %s (%u bytes) overruns the message",
				 mgmt_tlvs[type].opt, n);
	if (*seen & (1u << type))
		return mgmt_fail(-EBADMSG, err, errlen, "duplicate field %s",
				 mgmt_tlvs[type].opt);
	if (n > mgmt_tlvs[type].max)
		return mgmt_fail(-EMSGSIZE, err, errlen,
				 "field %s too long (%u bytes, max %u)",
				 mgmt_tlvs[type].opt, n, mgmt_tlvs[type].max);
	if (memchr(p, '\0', n))
		return mgmt_fail(-EILSEQ, err, errlen,
				 "field %s contains a NUL byte",
				 mgmt_tlvs[type].opt);
	memcpy(arena + *used, p, n);
	arena[*used + n] = '\0';
	*mgmt_req_slot(req, type) = arena + *used;
	*used += n + 1;
	*seen |= 1u << type;
	*off += TGT_MGMT_TLV_HDR_LEN + n;
	return 0;
}

int mgmt_req_decode(const uint8_t *buf, size_t len, struct mgmt_req *req,
		    char *arena, size_t arena_len, char *err, size_t errlen)
{
	size_t total, off = TGT_MGMT_REQ_HDR_LEN, used = 0;
	uint32_t seen = 0;
	int ret;

	mgmt_req_init(req);
	ret = mgmt_req_prefix_check(buf, len, &total, err, errlen);
	if (ret)
		return ret;
	if (len < TGT_MGMT_REQ_HDR_LEN)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "truncated header (%zu bytes)", len);
	if (len != total)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "length mismatch: header says %zu bytes, got %zu",
				 total, len);
	if (arena_len < MGMT_REQ_ARENA_LEN(len))
		return mgmt_fail(-ENOBUFS, err, errlen, "arena too small");
	ret = mgmt_req_hdr_get(buf, req, err, errlen);
	while (!ret && off < total)
		ret = mgmt_tlv_get(buf, total, &off, req, arena, &used, &seen,
				   err, errlen);
	if (ret)
		mgmt_req_init(req);
	return ret;
}

int mgmt_rsp_hdr_encode(uint8_t *hdr, int result, size_t text_len)
{
	if (text_len > TGT_MGMT_RSP_MAX - TGT_MGMT_RSP_HDR_LEN)
		return -EMSGSIZE;
	memset(hdr, 0, TGT_MGMT_RSP_HDR_LEN);
	put_le32(hdr + RSP_OFF(magic), TGT_MGMT_RSP_MAGIC);
	put_le16(hdr + RSP_OFF(version), TGT_MGMT_VERSION);
	put_le16(hdr + RSP_OFF(hdr_len), TGT_MGMT_RSP_HDR_LEN);
	put_le32(hdr + RSP_OFF(total_len),
		 (uint32_t)(TGT_MGMT_RSP_HDR_LEN + text_len));
	put_le32(hdr + RSP_OFF(result), (uint32_t)result);
	return 0;
}

int mgmt_rsp_hdr_decode(const uint8_t *buf, size_t len, int *result,
			size_t *text_len, char *err, size_t errlen)
{
	size_t total;
	uint32_t res;
	int ret;

	ret = mgmt_prefix_check(buf, len, TGT_MGMT_RSP_MAGIC,
				TGT_MGMT_RSP_HDR_LEN, TGT_MGMT_RSP_MAX, &total,
				err, errlen);
	if (ret)
		return ret;
	if (len < TGT_MGMT_RSP_HDR_LEN)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "truncated header (%zu bytes)", len);
	res = get_le32(buf + RSP_OFF(result));
	if (res > 255)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "result code %u out of range", res);
	*result = (int)res;
	*text_len = total - TGT_MGMT_RSP_HDR_LEN;
	return 0;
}

int mgmt_rsp_decode(const uint8_t *buf, size_t len, int *result,
		    const char **text, size_t *text_len, char *err,
		    size_t errlen)
{
	size_t tlen;
	int ret;

	ret = mgmt_rsp_hdr_decode(buf, len, result, &tlen, err, errlen);
	if (ret)
		return ret;
	if (len != TGT_MGMT_RSP_HDR_LEN + tlen)
		return mgmt_fail(-EBADMSG, err, errlen,
				 "length mismatch: header says %zu bytes, got %zu",
				 TGT_MGMT_RSP_HDR_LEN + tlen, len);
	*text = (const char *)buf + TGT_MGMT_RSP_HDR_LEN;
	*text_len = tlen;
	return 0;
}

const char *mgmt_rundir(void)
{
	const char *dir = getenv("TGT_RUNDIR");

	return dir && *dir ? dir : MGMT_RUNDIR_DEFAULT;
}

int mgmt_path_format(char *buf, size_t len, unsigned port,
		     const char *suffix)
{
	int n = snprintf(buf, len, "%s/tgtd.%u.%s", mgmt_rundir(), port,
			 suffix);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}
