/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mgmt_exec(): one management request (from tgtadm or tgtd.conf) against
 * the core.  The request is validated against a per-(mode, op) rule of
 * required and allowed options first, so a script gets the same clear
 * "--tid is required for --mode target --op new" whatever the core does;
 * then the core's -errno is mapped to a TGTADM_* code with a message that
 * names the object and the offending value.  Semantics follow the old
 * tgtadm so that existing scripts keep working.
 */
#include "mgmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/target.h"
#include "scsi/scsi.h"
#include "util/strbuf.h"
#include "util/util.h"

/* Options of a request, as bits, for the rule table. */
enum {
	MF_TID = 1u << 0,
	MF_LUN = 1u << 1,
	MF_SID = 1u << 2,
	MF_CID = 1u << 3,
	MF_HOST = 1u << 4,
	MF_BLOCKSIZE = 1u << 5,
	MF_LLD = 1u << 6,
	MF_TARGETNAME = 1u << 7,
	MF_BACKING = 1u << 8,
	MF_BSTYPE = 1u << 9,
	MF_BSOFLAGS = 1u << 10,
	MF_DEVTYPE = 1u << 11,
	MF_IADDR = 1u << 12,
	MF_INAME = 1u << 13,
	MF_USER = 1u << 14,
	MF_PASSWORD = 1u << 15,
	MF_NAME = 1u << 16,
	MF_VALUE = 1u << 17,
	MF_PARAMS = 1u << 18,
	MF_FORCE = 1u << 19,
	MF_OUTGOING = 1u << 20,
	MF_NR = 21,
};

static const char *const mgmt_opt_names[MF_NR] = {
	"--tid", "--lun", "--sid", "--cid", "--host", "--blocksize", "--lld",
	"--targetname", "--backing-store", "--bstype", "--bsoflags",
	"--device-type", "--initiator-address", "--initiator-name", "--user",
	"--password", "--name", "--value", "--params", "--force",
	"--outgoing",
};

typedef int (*mgmt_handler)(const struct mgmt_req *req, struct strbuf *out);

/* One (mode, op): options that must be present and that may be. */
struct mgmt_rule {
	uint16_t mode;
	uint16_t op;
	uint32_t required;
	uint32_t allowed;
	mgmt_handler fn;
};

/* A key=value applier for update operations. */
typedef int (*mgmt_kv_fn)(const struct mgmt_req *req, const char *key,
			  const char *value, struct strbuf *out);

#define MF_KV		(MF_NAME | MF_VALUE | MF_PARAMS)
#define MF_ACL		(MF_IADDR | MF_INAME | MF_HOST)
#define MF_LU_NEW	(MF_BACKING | MF_BSTYPE | MF_BSOFLAGS | MF_BLOCKSIZE | \
			 MF_DEVTYPE | MF_PARAMS)

static uint32_t mgmt_req_opts(const struct mgmt_req *req)
{
	const void *strs[] = {
		req->lld, req->targetname, req->backing_store, req->bstype,
		req->bsoflags, req->device_type, req->initiator_address,
		req->initiator_name, req->user, req->password, req->name,
		req->value, req->params,
	};
	uint32_t m = 0;

	m |= req->has_tid ? MF_TID : 0;
	m |= req->has_lun ? MF_LUN : 0;
	m |= req->has_sid ? MF_SID : 0;
	m |= req->has_cid ? MF_CID : 0;
	m |= req->has_host ? MF_HOST : 0;
	m |= req->has_blocksize ? MF_BLOCKSIZE : 0;
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
		m |= strs[i] ? MF_LLD << i : 0;
	m |= (req->flags & MGMT_REQ_FORCE) ? MF_FORCE : 0;
	m |= (req->flags & MGMT_REQ_OUTGOING) ? MF_OUTGOING : 0;
	return m;
}

/* "target 1", "logical unit 2 of target 1", for messages. */
static void mgmt_obj_add(const struct mgmt_req *req, struct strbuf *out)
{
	switch (req->mode) {
	case MGMT_MODE_SYS:
		strbuf_addstr(out, "tgtd");
		break;
	case MGMT_MODE_LU:
		strbuf_addf(out, "logical unit %llu of target %d",
			    (unsigned long long)req->lun, req->tid);
		break;
	default:
		strbuf_addf(out, "target %d", req->tid);
		break;
	}
}

static void mgmt_lld_name_add(const struct tgt_lld_ops *ops, void *arg)
{
	struct strbuf *sb = arg;

	strbuf_addf(sb, "%s%s", sb->len ? ", " : "", ops->name);
}

/* "(available: iscsi, kernel)": the llds tgtd was built with. */
static void mgmt_lld_list_add(struct strbuf *out)
{
	struct strbuf names = STRBUF_INIT;

	tgt_lld_for_each(mgmt_lld_name_add, &names);
	strbuf_addf(out, " (available: %s)",
		    names.len ? strbuf_str(&names) : "none");
	strbuf_release(&names);
}

/* -errno from the core -> TGTADM_*, depending on what was asked. */
static int mgmt_errno_code(const struct mgmt_req *req, int err)
{
	bool acl = req->mode == MGMT_MODE_TARGET &&
		   (req->op == MGMT_OP_BIND || req->op == MGMT_OP_UNBIND);

	switch (err) {
	case -ENOENT:
		return TGTADM_NO_TARGET;
	case -ENODATA:
		if (req->mode == MGMT_MODE_ACCOUNT)
			return TGTADM_NO_USER;
		return acl ? TGTADM_ACL_NOEXIST : TGTADM_NO_LUN;
	case -EEXIST:
		if (acl)
			return TGTADM_ACL_EXIST;
		if (req->mode == MGMT_MODE_LU)
			return TGTADM_LUN_EXIST;
		if (req->mode == MGMT_MODE_ACCOUNT)
			return req->op == MGMT_OP_NEW ? TGTADM_USER_EXIST :
				TGTADM_BINDING_EXIST;
		return TGTADM_TARGET_EXIST;
	case -EBUSY:
		if (req->mode == MGMT_MODE_ACCOUNT)
			return TGTADM_OUTACCOUNT_EXIST;
		return req->mode == MGMT_MODE_LU ? TGTADM_LUN_ACTIVE :
			TGTADM_TARGET_ACTIVE;
	case -EINVAL:
		return TGTADM_BAD_VALUE;
	case -EOPNOTSUPP:
		return TGTADM_UNKNOWN_PARAM;
	case -ENODEV:
		return TGTADM_NO_DRIVER;
	case -ENXIO:
		return TGTADM_NO_BACKING;
	case -ENOMEM:
		return TGTADM_NOMEM;
	default:
		return TGTADM_UNKNOWN_ERR;
	}
}

static const char *mgmt_acl_what(const struct mgmt_req *req)
{
	return req->initiator_address ? "initiator address" :
		"initiator name";
}

static const char *mgmt_acl_pattern(const struct mgmt_req *req)
{
	return req->initiator_address ? req->initiator_address :
		req->initiator_name;
}

/* Messages about accounts, which name the user rather than a target. */
static void mgmt_account_msg_add(const struct mgmt_req *req, int code,
				 struct strbuf *out)
{
	const char *as = (req->flags & MGMT_REQ_OUTGOING) ? " as outgoing" :
		"";

	if (code == TGTADM_USER_EXIST)
		strbuf_addf(out, "account '%s' already exists", req->user);
	else if (code == TGTADM_BINDING_EXIST)
		strbuf_addf(out, "account '%s' is already bound to target %d%s",
			    req->user, req->tid, as);
	else if (req->op == MGMT_OP_UNBIND)
		strbuf_addf(out, "account '%s' is not bound to target %d%s",
			    req->user, req->tid, as);
	else
		strbuf_addf(out, "account '%s' does not exist", req->user);
}

/* Messages about the request's object: "logical unit 2 of target 1 ...". */
static void mgmt_obj_msg_add(const struct mgmt_req *req, int code, int err,
			     struct strbuf *out)
{
	mgmt_obj_add(req, out);
	if (code == TGTADM_NO_LUN)
		strbuf_addstr(out, " does not exist");
	else if (code == TGTADM_LUN_EXIST)
		strbuf_addstr(out, " already exists");
	else if (code == TGTADM_TARGET_ACTIVE || code == TGTADM_LUN_ACTIVE)
		strbuf_addstr(out, " is in use (sessions, logical units or "
			      "commands); use --force to delete it anyway");
	else
		strbuf_addf(out, ": %s (%s)", mgmt_err_str(code),
			    strerror(-err));
}

/* Default message for @code when the caller has no better detail. */
static void mgmt_code_msg_add(const struct mgmt_req *req, int code, int err,
			      struct strbuf *out)
{
	switch (code) {
	case TGTADM_NO_TARGET:
		strbuf_addf(out, "target %d does not exist", req->tid);
		return;
	case TGTADM_OUTACCOUNT_EXIST:
		strbuf_addf(out, "target %d already has an outgoing account; "
			    "unbind it first", req->tid);
		return;
	case TGTADM_NO_USER:
	case TGTADM_USER_EXIST:
	case TGTADM_BINDING_EXIST:
		mgmt_account_msg_add(req, code, out);
		return;
	case TGTADM_BAD_VALUE:
		if (req->mode == MGMT_MODE_ACCOUNT && req->op == MGMT_OP_NEW) {
			strbuf_addf(out, "invalid account '%s': the user must "
				    "be printable without spaces, the password "
				    "non-empty, shorter than 224 bytes and not "
				    "holding both quote characters", req->user);
			return;
		}
		mgmt_obj_msg_add(req, code, err, out);
		return;
	case TGTADM_ACL_NOEXIST:
	case TGTADM_ACL_EXIST:
		strbuf_addf(out, "target %d %s access rule for %s '%s'",
			    req->tid, code == TGTADM_ACL_EXIST ?
			    "already has an" : "has no", mgmt_acl_what(req),
			    mgmt_acl_pattern(req));
		return;
	case TGTADM_TARGET_EXIST:
		strbuf_addf(out, "target %d or a target named '%s' already "
			    "exists", req->tid, req->targetname ?
			    req->targetname : "");
		return;
	case TGTADM_NO_DRIVER:
		strbuf_addf(out, "no such lld '%s'", req->lld ? req->lld :
			    "iscsi");
		mgmt_lld_list_add(out);
		return;
	default:
		mgmt_obj_msg_add(req, code, err, out);
		return;
	}
}

/*
 * Turns the core's result into a TGTADM_* code, adding @detail (when
 * set) or a default message naming the object to @out.
 */
static int mgmt_core_result(const struct mgmt_req *req, int err,
			    const char *detail, struct strbuf *out)
{
	int code;

	if (err >= 0)
		return TGTADM_SUCCESS;
	code = mgmt_errno_code(req, err);
	if (detail && *detail)
		strbuf_addstr(out, detail);
	else
		mgmt_code_msg_add(req, code, err, out);
	return code;
}

/* Result of setting one key: names the key and value on bad input. */
static int mgmt_kv_result(const struct mgmt_req *req, const char *key,
			  const char *value, int err, struct strbuf *out)
{
	if (err == -EOPNOTSUPP) {
		strbuf_addf(out, "unknown parameter '%s' for ", key);
		mgmt_obj_add(req, out);
		return TGTADM_UNKNOWN_PARAM;
	}
	if (err == -EINVAL) {
		strbuf_addf(out, "bad value '%s' for parameter '%s' of ",
			    value, key);
		mgmt_obj_add(req, out);
		return TGTADM_BAD_VALUE;
	}
	return mgmt_core_result(req, err, NULL, out);
}

static int mgmt_invalid(struct strbuf *out, const char *msg)
{
	strbuf_addstr(out, msg);
	return TGTADM_INVALID_REQUEST;
}

/* Syntax of one --params item; @eq is its first '=' or NULL. */
static int mgmt_param_item_check(const char *item, const char *eq,
				 struct strbuf *out)
{
	if (!*item)
		return mgmt_invalid(out, "--params has an empty item");
	if (!eq)
		strbuf_addf(out, "--params item '%s' is not key=value", item);
	else if (eq == item)
		strbuf_addf(out, "--params item '%s' has an empty key", item);
	else if (!eq[1])
		strbuf_addf(out, "--params item '%s' has an empty value",
			    item);
	else
		return TGTADM_SUCCESS;
	return TGTADM_INVALID_REQUEST;
}

/*
 * Walks the comma-separated key=value items of @list in place, calling
 * @fn on each (or only checking the syntax when @fn is NULL).  The list
 * is restored after each item so that it can be walked twice.  Values
 * may contain '=' but not ','.
 */
static int mgmt_params_walk(const struct mgmt_req *req, char *list,
			    mgmt_kv_fn fn, struct strbuf *out)
{
	char *item = list;

	for (;;) {
		char *comma = strchr(item, ',');
		char *eq;
		int ret;

		if (comma)
			*comma = '\0';
		eq = strchr(item, '=');
		ret = mgmt_param_item_check(item, eq, out);
		if (!ret && fn) {
			*eq = '\0';
			ret = fn(req, item, eq + 1, out);
			*eq = '=';
		}
		if (comma)
			*comma = ',';
		if (ret || !comma)
			return ret;
		item = comma + 1;
	}
}

/*
 * Applies every item of --params with @fn, after checking them all; with
 * @fn NULL it only checks the syntax.  TGTADM_SUCCESS when absent.
 */
static int mgmt_params_apply(const struct mgmt_req *req, mgmt_kv_fn fn,
			     struct strbuf *out)
{
	char *list;
	int ret;

	if (!req->params)
		return TGTADM_SUCCESS;
	list = strdup(req->params);
	if (!list)
		return TGTADM_NOMEM;
	ret = mgmt_params_walk(req, list, NULL, out);
	if (!ret && fn)
		ret = mgmt_params_walk(req, list, fn, out);
	free(list);
	return ret;
}

/* The update ops: --name/--value and/or --params, through @fn. */
static int mgmt_kv_update(const struct mgmt_req *req, mgmt_kv_fn fn,
			  struct strbuf *out)
{
	int ret;

	if (req->name && !req->value)
		return mgmt_invalid(out, "--name requires --value");
	if (req->value && !req->name)
		return mgmt_invalid(out, "--value requires --name");
	if (!req->name && !req->params) {
		strbuf_addf(out, "--params or --name/--value is required for "
			    "--mode %s --op update", mgmt_mode_name(req->mode));
		return TGTADM_INVALID_REQUEST;
	}
	ret = mgmt_params_apply(req, NULL, out);
	if (ret)
		return ret;
	if (req->name) {
		ret = fn(req, req->name, req->value, out);
		if (ret)
			return ret;
	}
	return mgmt_params_apply(req, fn, out);
}

/* Forwards @req to lld @name's mgmt hook. */
static int mgmt_lld_forward(const struct mgmt_req *req, const char *name,
			    struct strbuf *out)
{
	const struct tgt_lld_ops *ops;
	int ret;

	if (!name) {
		strbuf_addf(out, "--lld is required for --mode %s",
			    mgmt_mode_name(req->mode));
		mgmt_lld_list_add(out);
		return TGTADM_NO_DRIVER;
	}
	ops = tgt_lld_find(name);
	if (!ops) {
		strbuf_addf(out, "no such lld '%s'", name);
		mgmt_lld_list_add(out);
		return TGTADM_NO_DRIVER;
	}
	if (!ops->mgmt) {
		strbuf_addf(out, "lld '%s' does not support --mode %s --op %s",
			    name, mgmt_mode_name(req->mode),
			    mgmt_op_name(req->op));
		return TGTADM_UNSUPPORTED_OPERATION;
	}
	ret = ops->mgmt(req, out);
	if (ret < 0 || ret >= TGTADM_ERR_MAX)
		return TGTADM_UNKNOWN_ERR;
	return ret;
}

/* ---- sys ---- */

static int mgmt_sys_show(const struct mgmt_req *req, struct strbuf *out)
{
	tgt_sys_show(out);
	return TGTADM_SUCCESS;
}

static int mgmt_sys_dump(const struct mgmt_req *req, struct strbuf *out)
{
	tgt_config_dump(out);
	return TGTADM_SUCCESS;
}

/* Old tgtadm spelled these "State" and "debug" (on/off). */
static int mgmt_sys_kv(const struct mgmt_req *req, const char *key,
		       const char *value, struct strbuf *out)
{
	const char *k = key, *v = value;
	bool on;

	if (strcasecmp(key, "state") == 0) {
		k = "state";
	} else if (strcasecmp(key, "log_level") == 0) {
		k = "log_level";
	} else if (strcasecmp(key, "debug") == 0) {
		k = "log_level";
		v = util_parse_bool(value, &on) ? "" : on ? "debug" : "info";
	}
	return mgmt_kv_result(req, key, value, tgt_sys_update(k, v), out);
}

static int mgmt_sys_update(const struct mgmt_req *req, struct strbuf *out)
{
	return mgmt_kv_update(req, mgmt_sys_kv, out);
}

/* ---- target ---- */

static int mgmt_target_new(const struct mgmt_req *req, struct strbuf *out)
{
	const char *lld = req->lld ? req->lld : "iscsi";

	return mgmt_core_result(req, tgt_target_create(req->tid,
				req->targetname, lld), NULL, out);
}

static int mgmt_target_delete(const struct mgmt_req *req, struct strbuf *out)
{
	return mgmt_core_result(req, tgt_target_destroy(req->tid,
				req->flags & MGMT_REQ_FORCE), NULL, out);
}

static int mgmt_target_show(const struct mgmt_req *req, struct strbuf *out)
{
	return mgmt_core_result(req, tgt_target_show(req->has_tid ?
				req->tid : -1, out), NULL, out);
}

static int mgmt_target_kv(const struct mgmt_req *req, const char *key,
			  const char *value, struct strbuf *out)
{
	return mgmt_kv_result(req, key, value,
			      tgt_target_update(req->tid, key, value), out);
}

static int mgmt_target_update(const struct mgmt_req *req, struct strbuf *out)
{
	return mgmt_kv_update(req, mgmt_target_kv, out);
}

/* bind/unbind: exactly one of address, name or (kernel lld) host. */
static int mgmt_target_acl(const struct mgmt_req *req, struct strbuf *out)
{
	int n = !!req->initiator_address + !!req->initiator_name +
		!!req->has_host;
	enum tgt_acl_kind kind;
	int ret;

	if (n != 1) {
		strbuf_addf(out, "%s of --initiator-address, --initiator-name "
			    "and --host is required for --mode target --op %s",
			    n ? "only one" : "one", mgmt_op_name(req->op));
		return TGTADM_INVALID_REQUEST;
	}
	if (req->has_host)
		return mgmt_lld_forward(req, req->lld ? req->lld : "kernel",
					out);
	kind = req->initiator_address ? TGT_ACL_ADDR : TGT_ACL_NAME;
	if (req->op == MGMT_OP_BIND)
		ret = tgt_acl_add(req->tid, kind, mgmt_acl_pattern(req));
	else
		ret = tgt_acl_del(req->tid, kind, mgmt_acl_pattern(req));
	if (ret == -EINVAL) {
		strbuf_addf(out, "bad %s '%s'", mgmt_acl_what(req),
			    mgmt_acl_pattern(req));
		return TGTADM_BAD_VALUE;
	}
	return mgmt_core_result(req, ret, NULL, out);
}

/* ---- logical units ---- */

/* "direct,sync,rdonly" -> SCSI_BSO_*. */
static int mgmt_bsoflags_parse(const char *s, uint32_t *flags,
			       struct strbuf *out)
{
	static const struct { const char *name; uint32_t flag; } names[] = {
		{ "direct", SCSI_BSO_DIRECT },
		{ "sync", SCSI_BSO_SYNC },
		{ "rdonly", SCSI_BSO_RDONLY },
	};

	*flags = 0;
	for (const char *p = s;;) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (len == strlen(names[i].name) &&
			    strncmp(p, names[i].name, len) == 0)
				break;
		if (i == ARRAY_SIZE(names)) {
			strbuf_addf(out, "bad --bsoflags '%s': expected a "
				    "comma-separated list of direct, sync, "
				    "rdonly", s);
			return TGTADM_BAD_VALUE;
		}
		*flags |= names[i].flag;
		if (!p[len])
			return TGTADM_SUCCESS;
		p += len + 1;
	}
}

static int mgmt_lu_kv(const struct mgmt_req *req, const char *key,
		      const char *value, struct strbuf *out)
{
	return mgmt_kv_result(req, key, value,
			      tgt_lu_update(req->tid, req->lun, key, value),
			      out);
}

/* A --params item failed on a new LU: take the LU away again. */
static int mgmt_lu_new_kv(const struct mgmt_req *req, const char *key,
			  const char *value, struct strbuf *out)
{
	int ret = mgmt_lu_kv(req, key, value, out);

	if (ret) {
		tgt_lu_destroy(req->tid, req->lun, true);
		strbuf_addstr(out, " (logical unit not created)");
	}
	return ret;
}

static int mgmt_lu_create(const struct mgmt_req *req,
			  const struct scsi_dev_spec *spec, struct strbuf *out)
{
	char err[256] = "";
	int ret;

	ret = tgt_lu_create(req->tid, req->lun, spec, err, sizeof(err));
	if (ret == -ENXIO && !err[0])
		snprintf(err, sizeof(err), "cannot use backing store '%s'",
			 spec->path ? spec->path : "");
	if (ret == -EINVAL && !err[0])
		snprintf(err, sizeof(err), "bad logical unit specification "
			 "for logical unit %llu of target %d",
			 (unsigned long long)req->lun, req->tid);
	return mgmt_core_result(req, ret, err, out);
}

static int mgmt_lu_new(const struct mgmt_req *req, struct strbuf *out)
{
	struct scsi_dev_spec spec = {
		.devtype = req->device_type,
		.bstype = req->bstype,
		.path = req->backing_store,
		.blocksize = req->has_blocksize ? req->blocksize : 0,
		.tid = req->tid,
		.lun = req->lun,
	};
	int ret;

	if (!req->backing_store && !(req->device_type &&
				     strcmp(req->device_type, "controller") == 0))
		return mgmt_invalid(out, "--backing-store is required for "
				    "--mode logicalunit --op new");
	if (req->bsoflags) {
		ret = mgmt_bsoflags_parse(req->bsoflags, &spec.bsoflags, out);
		if (ret)
			return ret;
	}
	ret = mgmt_params_apply(req, NULL, out);
	if (ret)
		return ret;
	ret = mgmt_lu_create(req, &spec, out);
	if (ret)
		return ret;
	return mgmt_params_apply(req, mgmt_lu_new_kv, out);
}

static int mgmt_lu_delete(const struct mgmt_req *req, struct strbuf *out)
{
	return mgmt_core_result(req, tgt_lu_destroy(req->tid, req->lun,
				req->flags & MGMT_REQ_FORCE), NULL, out);
}

static int mgmt_lu_update(const struct mgmt_req *req, struct strbuf *out)
{
	return mgmt_kv_update(req, mgmt_lu_kv, out);
}

/* ---- accounts ---- */

static int mgmt_account_new(const struct mgmt_req *req, struct strbuf *out)
{
	return mgmt_core_result(req, tgt_account_create(req->user,
				req->password), NULL, out);
}

static int mgmt_account_delete(const struct mgmt_req *req, struct strbuf *out)
{
	return mgmt_core_result(req, tgt_account_delete(req->user), NULL, out);
}

static int mgmt_account_bind(const struct mgmt_req *req, struct strbuf *out)
{
	bool outgoing = req->flags & MGMT_REQ_OUTGOING;
	int ret;

	if (req->op == MGMT_OP_BIND)
		ret = tgt_account_bind(req->tid, req->user, outgoing);
	else
		ret = tgt_account_unbind(req->tid, req->user, outgoing);
	return mgmt_core_result(req, ret, NULL, out);
}

static int mgmt_account_show(const struct mgmt_req *req, struct strbuf *out)
{
	tgt_account_show(out);
	return TGTADM_SUCCESS;
}

static const struct mgmt_rule mgmt_rules[] = {
	{ MGMT_MODE_SYS, MGMT_OP_SHOW, 0, 0, mgmt_sys_show },
	{ MGMT_MODE_SYS, MGMT_OP_UPDATE, 0, MF_KV, mgmt_sys_update },
	{ MGMT_MODE_SYS, MGMT_OP_DUMP, 0, 0, mgmt_sys_dump },
	{ MGMT_MODE_TARGET, MGMT_OP_NEW, MF_TID | MF_TARGETNAME, 0,
	  mgmt_target_new },
	{ MGMT_MODE_TARGET, MGMT_OP_DELETE, MF_TID, MF_FORCE,
	  mgmt_target_delete },
	{ MGMT_MODE_TARGET, MGMT_OP_SHOW, 0, MF_TID, mgmt_target_show },
	{ MGMT_MODE_TARGET, MGMT_OP_UPDATE, MF_TID, MF_KV,
	  mgmt_target_update },
	{ MGMT_MODE_TARGET, MGMT_OP_BIND, MF_TID, MF_ACL, mgmt_target_acl },
	{ MGMT_MODE_TARGET, MGMT_OP_UNBIND, MF_TID, MF_ACL, mgmt_target_acl },
	{ MGMT_MODE_LU, MGMT_OP_NEW, MF_TID | MF_LUN, MF_LU_NEW, mgmt_lu_new },
	{ MGMT_MODE_LU, MGMT_OP_DELETE, MF_TID | MF_LUN, MF_FORCE,
	  mgmt_lu_delete },
	{ MGMT_MODE_LU, MGMT_OP_UPDATE, MF_TID | MF_LUN, MF_KV,
	  mgmt_lu_update },
	{ MGMT_MODE_LU, MGMT_OP_SHOW, 0, MF_TID, mgmt_target_show },
	{ MGMT_MODE_ACCOUNT, MGMT_OP_NEW, MF_USER | MF_PASSWORD, 0,
	  mgmt_account_new },
	{ MGMT_MODE_ACCOUNT, MGMT_OP_DELETE, MF_USER, 0, mgmt_account_delete },
	{ MGMT_MODE_ACCOUNT, MGMT_OP_BIND, MF_TID | MF_USER, MF_OUTGOING,
	  mgmt_account_bind },
	{ MGMT_MODE_ACCOUNT, MGMT_OP_UNBIND, MF_TID | MF_USER, MF_OUTGOING,
	  mgmt_account_bind },
	{ MGMT_MODE_ACCOUNT, MGMT_OP_SHOW, 0, 0, mgmt_account_show },
};

static const struct mgmt_rule *mgmt_rule_find(int mode, int op)
{
	for (size_t i = 0; i < ARRAY_SIZE(mgmt_rules); i++)
		if (mgmt_rules[i].mode == mode && mgmt_rules[i].op == op)
			return &mgmt_rules[i];
	return NULL;
}

/* Every string option given must have a value. */
static int mgmt_empty_check(const struct mgmt_req *req, struct strbuf *out)
{
	const char *strs[] = {
		req->lld, req->targetname, req->backing_store, req->bstype,
		req->bsoflags, req->device_type, req->initiator_address,
		req->initiator_name, req->user, req->password, req->name,
		req->value, req->params,
	};

	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		if (strs[i] && !*strs[i]) {
			strbuf_addf(out, "%s must not be empty",
				    mgmt_opt_names[6 + i]);
			return TGTADM_INVALID_REQUEST;
		}
	}
	return TGTADM_SUCCESS;
}

/* Ranges of the numbers the core would only answer -EINVAL for. */
static int mgmt_range_check(const struct mgmt_req *req, struct strbuf *out)
{
	int min_tid = req->mode == MGMT_MODE_ACCOUNT ? 0 : 1;

	if (req->has_tid && (req->tid < min_tid || req->tid > TGT_TID_MAX)) {
		strbuf_addf(out, "bad --tid %d: must be between %d and %d",
			    req->tid, min_tid, TGT_TID_MAX);
		return TGTADM_BAD_VALUE;
	}
	if (req->has_lun && req->lun > TGT_LUN_MAX) {
		strbuf_addf(out, "bad --lun %llu: must be between 0 and %d",
			    (unsigned long long)req->lun, TGT_LUN_MAX);
		return TGTADM_BAD_VALUE;
	}
	return TGTADM_SUCCESS;
}

/* Required and allowed options of @rule. */
static int mgmt_rule_check(const struct mgmt_req *req,
			   const struct mgmt_rule *rule, struct strbuf *out)
{
	uint32_t have = mgmt_req_opts(req);
	uint32_t missing = rule->required & ~have;
	uint32_t extra = have & ~(rule->required | rule->allowed | MF_LLD);
	const char *mode = mgmt_mode_name(req->mode);
	const char *op = mgmt_op_name(req->op);

	for (unsigned i = 0; i < MF_NR; i++) {
		if (missing & (1u << i)) {
			strbuf_addf(out, "%s is required for --mode %s --op %s",
				    mgmt_opt_names[i], mode, op);
			return TGTADM_INVALID_REQUEST;
		}
	}
	for (unsigned i = 0; i < MF_NR; i++) {
		if (extra & (1u << i)) {
			strbuf_addf(out, "%s is not allowed with --mode %s "
				    "--op %s", mgmt_opt_names[i], mode, op);
			return TGTADM_INVALID_REQUEST;
		}
	}
	return TGTADM_SUCCESS;
}

static bool mgmt_mode_is_lld(int mode)
{
	return mode == MGMT_MODE_LLD || mode == MGMT_MODE_CONN ||
	       mode == MGMT_MODE_SESSION || mode == MGMT_MODE_PORTAL;
}

/* Mode and op present and known; returns the rule or NULL (+ message). */
static const struct mgmt_rule *mgmt_req_rule(const struct mgmt_req *req,
					     int *ret, struct strbuf *out)
{
	const struct mgmt_rule *rule;

	*ret = TGTADM_INVALID_REQUEST;
	if (req->mode == MGMT_MODE_NONE || req->mode >= MGMT_MODE_MAX) {
		strbuf_addstr(out, req->mode ? "unknown --mode" :
			      "--mode is required");
		return NULL;
	}
	if (req->op == MGMT_OP_NONE || req->op >= MGMT_OP_MAX) {
		strbuf_addstr(out, req->op ? "unknown --op" :
			      "--op is required");
		return NULL;
	}
	rule = mgmt_rule_find(req->mode, req->op);
	if (!rule) {
		strbuf_addf(out, "--op %s is not supported with --mode %s",
			    mgmt_op_name(req->op), mgmt_mode_name(req->mode));
		*ret = TGTADM_UNSUPPORTED_OPERATION;
	}
	return rule;
}

static int mgmt_exec_one(const struct mgmt_req *req, struct strbuf *out)
{
	const struct mgmt_rule *rule;
	int ret;

	if (mgmt_mode_is_lld(req->mode) && req->op > MGMT_OP_NONE &&
	    req->op < MGMT_OP_MAX)
		return mgmt_lld_forward(req, req->lld, out);
	rule = mgmt_req_rule(req, &ret, out);
	if (!rule)
		return ret;
	ret = mgmt_rule_check(req, rule, out);
	if (!ret)
		ret = mgmt_empty_check(req, out);
	if (!ret)
		ret = mgmt_range_check(req, out);
	if (!ret)
		ret = rule->fn(req, out);
	return ret;
}

int mgmt_exec(const struct mgmt_req *req, struct strbuf *out)
{
	int ret = mgmt_exec_one(req, out);

	if (out->oom)
		return TGTADM_NOMEM;
	return ret;
}
