/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Management requests: one decoded form shared by tgtadm (which encodes
 * it), tgtd's control socket (which decodes it) and tgtd.conf (which
 * builds it), all executed by mgmt_exec() so that a config line and a
 * tgtadm command do exactly the same thing.
 */
#ifndef TGT_MGMT_MGMT_H
#define TGT_MGMT_MGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

enum mgmt_mode {
	MGMT_MODE_NONE = 0,
	MGMT_MODE_SYS,
	MGMT_MODE_TARGET,
	MGMT_MODE_LU,		/* "logicalunit" */
	MGMT_MODE_ACCOUNT,
	MGMT_MODE_LLD,
	MGMT_MODE_CONN,
	MGMT_MODE_SESSION,
	MGMT_MODE_PORTAL,
	MGMT_MODE_MAX,
};

enum mgmt_op {
	MGMT_OP_NONE = 0,
	MGMT_OP_NEW,
	MGMT_OP_DELETE,
	MGMT_OP_SHOW,
	MGMT_OP_BIND,
	MGMT_OP_UNBIND,
	MGMT_OP_UPDATE,
	MGMT_OP_STAT,
	MGMT_OP_DUMP,
	MGMT_OP_START,
	MGMT_OP_STOP,
	MGMT_OP_MAX,
};

/*
 * Result codes: tgtadm's exit status is this number, and each has one
 * message (mgmt_err_str).  Values are ABI: append only.
 */
enum tgtadm_err {
	TGTADM_SUCCESS = 0,
	TGTADM_UNKNOWN_ERR = 1,
	TGTADM_NOMEM = 2,
	TGTADM_NO_DRIVER = 3,
	TGTADM_NO_TARGET = 4,
	TGTADM_NO_LUN = 5,
	TGTADM_NO_SESSION = 6,
	TGTADM_NO_CONNECTION = 7,
	TGTADM_NO_BINDING = 8,
	TGTADM_TARGET_EXIST = 9,
	TGTADM_BINDING_EXIST = 10,
	TGTADM_LUN_EXIST = 11,
	TGTADM_ACL_EXIST = 12,
	TGTADM_ACL_NOEXIST = 13,
	TGTADM_USER_EXIST = 14,
	TGTADM_NO_USER = 15,
	TGTADM_TOO_MANY_USER = 16,
	TGTADM_INVALID_REQUEST = 17,
	TGTADM_OUTACCOUNT_EXIST = 18,
	TGTADM_TARGET_ACTIVE = 19,
	TGTADM_LUN_ACTIVE = 20,
	TGTADM_DRIVER_ACTIVE = 21,
	TGTADM_UNSUPPORTED_OPERATION = 22,
	TGTADM_UNKNOWN_PARAM = 23,
	TGTADM_PREVENT_REMOVAL = 24,
	TGTADM_NO_BACKING = 25,		/* backing store missing/unopenable */
	TGTADM_BAD_VALUE = 26,		/* a parameter's value is invalid */
	TGTADM_NO_PORTAL = 27,
	TGTADM_PORTAL_EXIST = 28,
	TGTADM_PERMISSION = 29,		/* control socket refused us */
	TGTADM_CONNECT = 30,		/* cannot reach tgtd */
	TGTADM_PROTOCOL = 31,		/* malformed/oversized/version */
	TGTADM_USAGE = 32,		/* bad command line (tgtadm only) */
	TGTADM_ERR_MAX,
};

#define MGMT_REQ_FORCE		0x1
#define MGMT_REQ_OUTGOING	0x2

/*
 * A request.  Strings are NUL-terminated and point into the decoded
 * buffer or the caller's memory; NULL when absent.  Numeric fields say
 * "absent" with the has_* flags.
 */
struct mgmt_req {
	uint16_t mode;		/* enum mgmt_mode */
	uint16_t op;		/* enum mgmt_op */
	uint32_t flags;		/* MGMT_REQ_* */
	bool has_tid, has_lun, has_sid, has_cid, has_host, has_blocksize;
	int32_t tid;
	uint64_t lun;
	uint64_t sid;
	uint32_t cid;
	int32_t host;
	uint32_t blocksize;
	const char *lld;
	const char *targetname;
	const char *backing_store;
	const char *bstype;
	const char *bsoflags;	/* "direct", "sync", "direct,sync" */
	const char *device_type;
	const char *initiator_address;
	const char *initiator_name;
	const char *user;
	const char *password;
	const char *name;	/* --name (update key) */
	const char *value;	/* --value */
	const char *params;	/* --params key=value,... */
};

void mgmt_req_init(struct mgmt_req *req);

const char *mgmt_err_str(int err);
const char *mgmt_mode_name(int mode);
const char *mgmt_op_name(int op);
int mgmt_mode_parse(const char *s);	/* enum or -EINVAL */
int mgmt_op_parse(const char *s);

/*
 * Executes @req against the core.  Appends output (show/dump text, or the
 * error message naming the offending field) to @out; returns a TGTADM_*
 * code.  Runs on the management thread.
 */
int mgmt_exec(const struct mgmt_req *req, struct strbuf *out);

#endif
