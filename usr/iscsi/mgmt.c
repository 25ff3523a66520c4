// SPDX-License-Identifier: GPL-2.0-only
/*
 * tgtadm for the iscsi lld: portals (--mode portal), sessions and
 * connections (--mode session/conn), settings (--mode lld --op update),
 * and the [iscsi] section of a dump.
 *
 * Threading: these hooks run on the management thread, which is tgtd's
 * main thread, the one conn.h's portal functions require; so portals are
 * added and deleted directly.  Sessions live on I/O loops: their show is a
 * copy each session makes on its own loop (iscsi_sessions_snapshot), and
 * a connection is dropped by posting a kill to its loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iscsi.h"
#include "mgmt/mgmt.h"
#include "util/util.h"

#define ISCSI_MGMT_SESS_MAX	4096	/* sessions one show lists */

/* ---- portals ---- */

/*
 * The portal of a request: old tgtadm's --params portal=ADDR:PORT, or
 * --name portal --value ADDR:PORT.  NULL (+ message) when missing.
 */
static const char *iscsi_mgmt_portal_arg(const struct mgmt_req *req,
					 char *buf, size_t size,
					 struct strbuf *out)
{
	const char *p = req->params;

	if (req->name && req->value && strcasecmp(req->name, "portal") == 0)
		return req->value;
	if (p && strncasecmp(p, "portal=", 7) == 0 && !strchr(p, ',')) {
		if (util_strscpy(buf, p + 7, size) >= 0)
			return buf;
	}
	strbuf_addf(out, "--params portal=ADDR:PORT (or --name portal "
		    "--value ADDR:PORT) is required for --mode portal --op %s",
		    mgmt_op_name(req->op));
	return NULL;
}

static int iscsi_mgmt_portal_err(const char *portal, int err,
				 struct strbuf *out)
{
	switch (err) {
	case 0:
		return TGTADM_SUCCESS;
	case -EINVAL:
		strbuf_addf(out, "bad portal address '%s': expected ADDR, "
			    "ADDR:PORT or [V6ADDR]:PORT (numeric)", portal);
		return TGTADM_BAD_VALUE;
	case -EEXIST:
		strbuf_addf(out, "portal %s already exists", portal);
		return TGTADM_PORTAL_EXIST;
	case -ENOENT:
		strbuf_addf(out, "portal %s does not exist", portal);
		return TGTADM_NO_PORTAL;
	case -EADDRINUSE:
		strbuf_addf(out, "cannot listen on portal %s: the address is "
			    "already in use by another program", portal);
		return TGTADM_UNKNOWN_ERR;
	case -ENOMEM:
		return TGTADM_NOMEM;
	default:
		strbuf_addf(out, "cannot listen on portal %s: %s", portal,
			    strerror(-err));
		return TGTADM_UNKNOWN_ERR;
	}
}

static void iscsi_mgmt_portal_line(const char *name, void *arg)
{
	strbuf_addf(arg, "Portal: %s,%d\n", name, ISCSI_TPGT);
}

static int iscsi_mgmt_portal(const struct mgmt_req *req, struct strbuf *out)
{
	char buf[TGT_ADDR_MAX + 8];
	const char *portal;
	int err;

	if (req->op == MGMT_OP_SHOW) {
		iscsi_portal_for_each(iscsi_mgmt_portal_line, out);
		return TGTADM_SUCCESS;
	}
	if (req->op != MGMT_OP_NEW && req->op != MGMT_OP_DELETE) {
		strbuf_addf(out, "--op %s is not supported with --mode portal",
			    mgmt_op_name(req->op));
		return TGTADM_UNSUPPORTED_OPERATION;
	}
	portal = iscsi_mgmt_portal_arg(req, buf, sizeof(buf), out);
	if (!portal)
		return TGTADM_INVALID_REQUEST;
	if (req->op == MGMT_OP_NEW)
		err = iscsi_portal_new(portal);
	else
		err = iscsi_portal_del(portal);
	return iscsi_mgmt_portal_err(portal, err, out);
}

/* ---- sessions and connections ---- */

static const char *iscsi_yn(bool v)
{
	return v ? "Yes" : "No";
}

static const char *iscsi_digest(bool crc)
{
	return crc ? "CRC32C" : "None";
}

static void iscsi_sess_info_params(const struct iscsi_params *p,
				   struct strbuf *out)
{
	strbuf_addf(out, "        MaxRecvDataSegmentLength (target): %u\n"
		    "        MaxRecvDataSegmentLength (initiator): %u\n"
		    "        MaxBurstLength: %u\n"
		    "        FirstBurstLength: %u\n"
		    "        ImmediateData: %s\n"
		    "        InitialR2T: %s\n"
		    "        HeaderDigest: %s\n"
		    "        DataDigest: %s\n"
		    "        MaxOutstandingR2T: %u\n"
		    "        ErrorRecoveryLevel: %u\n",
		    p->max_recv_dsl, p->max_xmit_dsl, p->max_burst,
		    p->first_burst, iscsi_yn(p->immediate_data),
		    iscsi_yn(p->initial_r2t), iscsi_digest(p->header_crc32c),
		    iscsi_digest(p->data_crc32c), p->max_outstanding_r2t,
		    p->error_recovery_level);
}

void iscsi_sess_info_show(const struct iscsi_sess_info *info, size_t n,
			  struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct iscsi_sess_info *s = &info[i];

		strbuf_addf(out, "Session: %u\n    Target: %d\n    ISID: "
			    "%02x%02x%02x%02x%02x%02x\n    Initiator: %s\n",
			    s->tsih, s->tid, s->isid[0], s->isid[1],
			    s->isid[2], s->isid[3], s->isid[4], s->isid[5],
			    s->initiator);
		if (s->discovery)
			strbuf_addstr(out, "    Type: Discovery\n");
		if (!s->connected)
			continue;
		strbuf_addf(out, "    Connection: %u\n        IP Address: %s\n"
			    "        Portal: %s\n", s->cid, s->peer, s->local);
		iscsi_sess_info_params(&s->params, out);
	}
}

/* Sessions of @tid (-1: all); with @has_sid only TSIH @sid. */
static int iscsi_mgmt_sess_show(int tid, bool has_sid, uint64_t sid,
				struct strbuf *out)
{
	struct iscsi_sess_info *info = calloc(ISCSI_MGMT_SESS_MAX,
					      sizeof(*info));
	size_t n, k = 0;

	if (!info)
		return TGTADM_NOMEM;
	n = iscsi_sessions_snapshot(tid, info, ISCSI_MGMT_SESS_MAX);
	for (size_t i = 0; i < n; i++) {
		if (!has_sid || info[i].tsih == sid)
			info[k++] = info[i];
	}
	iscsi_sess_info_show(info, k, out);
	free(info);
	if (has_sid && !k) {
		strbuf_addf(out, "session %llu of target %d does not exist",
			    (unsigned long long)sid, tid);
		return TGTADM_NO_SESSION;
	}
	return TGTADM_SUCCESS;
}

static int iscsi_mgmt_session(const struct mgmt_req *req, struct strbuf *out)
{
	if (req->op != MGMT_OP_SHOW) {
		strbuf_addf(out, "--op %s is not supported with --mode "
			    "session", mgmt_op_name(req->op));
		return TGTADM_UNSUPPORTED_OPERATION;
	}
	return iscsi_mgmt_sess_show(req->has_tid ? req->tid : -1,
				    req->has_sid, req->sid, out);
}

static int iscsi_mgmt_conn(const struct mgmt_req *req, struct strbuf *out)
{
	if (!req->has_tid || !req->has_sid) {
		strbuf_addf(out, "--tid and --sid are required for --mode conn "
			    "--op %s", mgmt_op_name(req->op));
		return TGTADM_INVALID_REQUEST;
	}
	if (req->op == MGMT_OP_SHOW)
		return iscsi_mgmt_sess_show(req->tid, true, req->sid, out);
	if (req->op != MGMT_OP_DELETE) {
		strbuf_addf(out, "--op %s is not supported with --mode conn",
			    mgmt_op_name(req->op));
		return TGTADM_UNSUPPORTED_OPERATION;
	}
	if (!req->has_cid) {
		strbuf_addstr(out, "--cid is required for --mode conn --op "
			      "delete");
		return TGTADM_INVALID_REQUEST;
	}
	if (req->sid > UINT16_MAX || req->cid > UINT16_MAX ||
	    iscsi_session_drop(req->tid, (uint16_t)req->sid,
			       (uint16_t)req->cid)) {
		strbuf_addf(out, "connection %u of session %llu of target %d "
			    "does not exist", req->cid,
			    (unsigned long long)req->sid, req->tid);
		return TGTADM_NO_CONNECTION;
	}
	return TGTADM_SUCCESS;
}

/* ---- settings ---- */

struct iscsi_setting {
	const char *name;
	atomic_uint *value;
	uint32_t min, max, dflt;
};

/* Dump order: what a reload must apply before portals are added. */
static const struct iscsi_setting iscsi_settings[] = {
	{ "rx_timeout_ms", &iscsi_rx_timeout_ms, 1, 3600000,
	  ISCSI_RX_TIMEOUT_MS },
	{ "nop_interval_ms", &iscsi_nop_interval_ms, 0, 3600000,
	  ISCSI_NOP_INTERVAL_MS },
	{ "nop_timeout_ms", &iscsi_nop_timeout_ms, 1, 3600000,
	  ISCSI_NOP_TIMEOUT_MS },
	{ "logout_timeout_ms", &iscsi_logout_timeout_ms, 0, 600000,
	  ISCSI_LOGOUT_TIMEOUT_MS },
};

int iscsi_setting_set(const char *name, const char *value,
		      struct strbuf *why)
{
	for (size_t i = 0; i < ARRAY_SIZE(iscsi_settings); i++) {
		const struct iscsi_setting *st = &iscsi_settings[i];
		uint32_t v;

		if (strcasecmp(name, st->name))
			continue;
		if (util_parse_u32_range(value, st->min, st->max, &v)) {
			strbuf_addf(why, "bad value '%s' for parameter %s of "
				    "lld iscsi: %u to %u", value, st->name,
				    st->min, st->max);
			return -ERANGE;
		}
		atomic_store(st->value, v);
		return 0;
	}
	strbuf_addf(why, "unknown parameter '%s' for lld iscsi (expected "
		    "rx_timeout_ms, nop_interval_ms, nop_timeout_ms or "
		    "logout_timeout_ms)", name);
	return -ENOENT;
}

void iscsi_settings_dump(struct strbuf *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(iscsi_settings); i++) {
		const struct iscsi_setting *st = &iscsi_settings[i];

		uint32_t v = atomic_load(st->value);

		if (v != st->dflt)
			strbuf_addf(out, "%s = %u\n", st->name, v);
	}
}

static int iscsi_mgmt_kv(const char *key, const char *value,
			 struct strbuf *out)
{
	switch (iscsi_setting_set(key, value, out)) {
	case 0:
		return TGTADM_SUCCESS;
	case -ENOENT:
		return TGTADM_UNKNOWN_PARAM;
	default:
		return TGTADM_BAD_VALUE;
	}
}

/* --name N --value V, or old tgtadm's --params N=V. */
static int iscsi_mgmt_lld(const struct mgmt_req *req, struct strbuf *out)
{
	char buf[64], *eq;

	if (req->op != MGMT_OP_UPDATE) {
		strbuf_addf(out, "--op %s is not supported with --mode lld",
			    mgmt_op_name(req->op));
		return TGTADM_UNSUPPORTED_OPERATION;
	}
	if (req->name && req->value)
		return iscsi_mgmt_kv(req->name, req->value, out);
	if (req->params && !strchr(req->params, ',') &&
	    util_strscpy(buf, req->params, sizeof(buf)) >= 0 &&
	    (eq = strchr(buf, '='))) {
		*eq = '\0';
		return iscsi_mgmt_kv(buf, eq + 1, out);
	}
	strbuf_addstr(out, "--name PARAM --value N (rx_timeout_ms, "
		      "nop_interval_ms, nop_timeout_ms, logout_timeout_ms) is "
		      "required for --mode lld --op update");
	return TGTADM_INVALID_REQUEST;
}

int iscsi_mgmt(const struct mgmt_req *req, struct strbuf *out)
{
	switch (req->mode) {
	case MGMT_MODE_PORTAL:
		return iscsi_mgmt_portal(req, out);
	case MGMT_MODE_SESSION:
		return iscsi_mgmt_session(req, out);
	case MGMT_MODE_CONN:
		return iscsi_mgmt_conn(req, out);
	case MGMT_MODE_LLD:
		return iscsi_mgmt_lld(req, out);
	default:
		strbuf_addf(out, "lld iscsi does not support --mode %s",
			    mgmt_mode_name(req->mode));
		return TGTADM_UNSUPPORTED_OPERATION;
	}
}

/* ---- dump and target show ---- */

static void iscsi_mgmt_dump_portal(const char *name, void *arg)
{
	struct strbuf *sb = arg;

	strbuf_addf(sb, "%s%s", sb->len ? ", " : "", name);
}

/* Nothing to say (no portal, default settings): no section, so a tgtd
 * without portals dumps what it loaded. */
void iscsi_mgmt_dump(struct strbuf *out)
{
	struct strbuf portals = STRBUF_INIT, settings = STRBUF_INIT;

	iscsi_portal_for_each(iscsi_mgmt_dump_portal, &portals);
	iscsi_settings_dump(&settings);
	if (portals.len || settings.len) {
		strbuf_addstr(out, "\n[iscsi]\n");
		if (settings.len)
			strbuf_add(out, settings.buf, settings.len);
		if (portals.len)
			strbuf_addf(out, "portal = %s\n",
				    strbuf_str(&portals));
	}
	strbuf_release(&portals);
	strbuf_release(&settings);
}

/*
 * Management thread with the core's target lock held: no post-and-wait
 * here (a loop may be waiting for that lock).  The nexus exists, so the
 * session's login is over: tsih, isid and params are no longer written;
 * the connection is freed only after the nexus is destroyed, which needs
 * the lock we are called under.
 */
void iscsi_mgmt_nexus_show(void *priv, struct strbuf *out)
{
	const struct iscsi_session *s = priv;
	const struct iscsi_conn *c = s->conn;

	strbuf_addf(out, "            iSCSI TSIH: %u, ISID: "
		    "%02x%02x%02x%02x%02x%02x\n", s->tsih, s->isid[0],
		    s->isid[1], s->isid[2], s->isid[3], s->isid[4],
		    s->isid[5]);
	if (!c)
		return;
	strbuf_addf(out, "            iSCSI connection: %s -> %s, "
		    "HeaderDigest: %s, DataDigest: %s\n", iscsi_conn_peer(c),
		    iscsi_conn_local(c), iscsi_digest(s->params.header_crc32c),
		    iscsi_digest(s->params.data_crc32c));
}
