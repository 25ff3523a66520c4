// SPDX-License-Identifier: GPL-2.0-only
/*
 * Login (RFC 7143 6.3, 11.12, 11.13), CHAP (12.1.3) and Text requests in
 * the full feature phase, SendTargets (Appendix C) included.
 *
 * A login is driven by Login Requests only: each complete request (C-bit
 * continuations concatenated, 6.3) goes through the negotiator (param.h),
 * then CHAP when the security stage needs it, then the target's own
 * declarations; the response says T=1 only when the initiator asked to
 * transit and nothing is pending.  Failures answer with a status class
 * and detail (11.13.5) and close the connection after it was sent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/target.h"
#include "iscsi.h"
#include "util/log.h"
#include "util/util.h"

/* ---- text helpers ---- */

const char *iscsi_text_find(const char *data, size_t len, const char *key,
			    size_t *vlen)
{
	size_t klen = strlen(key), off = 0;

	while (off < len) {
		const char *p = data + off;
		const char *nul = memchr(p, '\0', len - off);

		if (!nul)
			return NULL;
		if ((size_t)(nul - p) > klen && !memcmp(p, key, klen) &&
		    p[klen] == '=') {
			*vlen = (size_t)(nul - p) - klen - 1;
			return p + klen + 1;
		}
		off += (size_t)(nul - p) + 1;
	}
	return NULL;
}

/* Copies @key's value NUL-terminated: 0, -ENOENT, -E2BIG. */
static int iscsi_text_get(const char *data, size_t len, const char *key,
			  char *buf, size_t cap)
{
	size_t vlen;
	const char *v = iscsi_text_find(data, len, key, &vlen);

	if (!v)
		return -ENOENT;
	if (vlen >= cap)
		return -E2BIG;
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	return 0;
}

static void iscsi_text_add(struct strbuf *out, const char *key,
			   const char *value)
{
	strbuf_addf(out, "%s=%s", key, value);
	strbuf_add(out, "", 1);
}

void iscsi_login_release(struct iscsi_login *l)
{
	strbuf_release(&l->req);
	if (l->nego_ready)
		iscsi_nego_release(&l->nego);
	l->nego_ready = false;
	explicit_bzero(l->chap_c, sizeof(l->chap_c));
}

/* ---- responses ---- */

static void iscsi_login_rsp_hdr(struct iscsi_session *s,
				const struct iscsi_pdu_hdr *req,
				struct iscsi_pdu_hdr *r, uint16_t status)
{
	iscsi_pdu_hdr_init(r, ISCSI_OP_LOGIN_RSP, req->itt);
	r->flags = 0;
	r->login_rsp.version_max = ISCSI_VERSION;
	r->login_rsp.version_active = ISCSI_VERSION;
	memcpy(r->login_rsp.isid, s->isid, sizeof(s->isid));
	r->login_rsp.tsih = status ? 0 : s->tsih;
	r->login_rsp.statsn = s->stat_sn++;
	r->login_rsp.exp_cmdsn = s->exp_cmdsn;
	r->login_rsp.max_cmdsn = iscsi_session_max_cmdsn(s);
	r->login_rsp.status_class = (uint8_t)(status >> 8);
	r->login_rsp.status_detail = (uint8_t)status;
}

/* Answers with an error status and closes after it went (11.13.5). */
static int iscsi_login_fail(struct iscsi_session *s,
			    const struct iscsi_pdu_hdr *req, uint16_t status,
			    const char *why)
{
	struct iscsi_pdu_hdr r;

	log_info("iscsi: login from %s (%s): status 0x%04x: %s",
		 s->conn ? iscsi_conn_peer(s->conn) : "?",
		 s->initiator_name[0] ? s->initiator_name : "?", status, why);
	iscsi_login_rsp_hdr(s, req, &r, status);
	r.flags = ISCSI_LOGIN_FLAGS(0, 0, ISCSI_LOGIN_CSG(req->flags), 0);
	/* Nothing else comes after a failed login (6.3). */
	return iscsi_session_send_last(s, &r, NULL, 0) == -ENOMEM ?
	       -ENOMEM : 0;
}

/* ---- first request ---- */

static void iscsi_login_limits(struct iscsi_session *s)
{
	struct iscsi_param_limits *lim = &s->login.lim;

	iscsi_param_limits_default(lim);
	lim->max_recv_dsl = ISCSI_RX_BUF_LEN;
	lim->max_conns = 1;
	lim->tpgt = ISCSI_TPGT;
	lim->auth_methods = s->login.chap_required ? "CHAP" : "None";
}

/* Who and what for, from the first complete request.  0 or a status. */
static uint16_t iscsi_login_first(struct iscsi_session *s, const char *d,
				  size_t len)
{
	char type[32] = "Normal";
	int ret;

	if (iscsi_text_get(d, len, "InitiatorName", s->initiator_name,
			   sizeof(s->initiator_name)) ||
	    !s->initiator_name[0])
		return ISCSI_LOGIN_STATUS_MISSING_PARAM;
	ret = iscsi_text_get(d, len, "SessionType", type, sizeof(type));
	if (ret == -E2BIG)
		return ISCSI_LOGIN_STATUS_NO_SESSION_TYPE;
	if (!strcmp(type, "Discovery")) {
		s->discovery = true;
		s->tid = 0;
	} else if (strcmp(type, "Normal")) {
		return ISCSI_LOGIN_STATUS_NO_SESSION_TYPE;
	} else {
		if (iscsi_text_get(d, len, "TargetName", s->target_name,
				   sizeof(s->target_name)))
			return ISCSI_LOGIN_STATUS_MISSING_PARAM;
		if (tgt_target_find(s->target_name, &s->tid))
			return ISCSI_LOGIN_STATUS_NOT_FOUND;
	}
	/* A non-zero TSIH names an existing session (6.3.1): with
	 * MaxConnections 1 only its connection can be reinstated. */
	if (s->tsih) {
		ret = s->discovery ? ISCSI_LOGIN_STATUS_NO_SESSION :
				     iscsi_session_reinst_find(s);
		if (ret)
			return (uint16_t)ret;
	}
	s->login.chap_required = tgt_account_required(s->tid);
	iscsi_login_limits(s);
	iscsi_nego_init(&s->login.nego, &s->login.lim, true);
	s->login.nego_ready = true;
	return 0;
}

/* ---- CHAP (12.1.3) ---- */

static int iscsi_chap_pick(const char *list)
{
	const char *p = list;

	while (*p) {
		uint32_t v = 0;
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char num[12];

		if (n && n < sizeof(num)) {
			memcpy(num, p, n);
			num[n] = '\0';
			if (!util_parse_u32_range(num, 0, 255, &v) &&
			    chap_alg_supported(v))
				return (int)v;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return -ENOENT;
}

static uint16_t iscsi_chap_challenge(struct iscsi_session *s, const char *d,
				     size_t len, struct strbuf *out)
{
	struct iscsi_login *l = &s->login;
	char list[ISCSI_VALUE_MAX + 1], num[16];
	char hex[2 * ISCSI_CHAP_CHALLENGE_LEN + 3];
	int alg;

	if (iscsi_text_get(d, len, "CHAP_A", list, sizeof(list)))
		return 0;	/* not yet */
	alg = iscsi_chap_pick(list);
	if (alg < 0) {
		iscsi_text_add(out, "CHAP_A", "Reject");
		return ISCSI_LOGIN_STATUS_AUTH_FAILED;
	}
	if (chap_challenge_new(&l->chap_id, 1) ||
	    chap_challenge_new(l->chap_c, sizeof(l->chap_c)))
		return ISCSI_LOGIN_STATUS_TARGET_ERROR;
	l->chap_alg = (uint8_t)alg;
	snprintf(num, sizeof(num), "%d", alg);
	iscsi_text_add(out, "CHAP_A", num);
	snprintf(num, sizeof(num), "%u", l->chap_id);
	iscsi_text_add(out, "CHAP_I", num);
	chap_value_encode_hex(l->chap_c, sizeof(l->chap_c), hex, sizeof(hex));
	iscsi_text_add(out, "CHAP_C", hex);
	l->chap = ISCSI_CHAP_WAIT_R;
	return 0;
}

/* The initiator's CHAP_N/CHAP_R against the account's secret. */
static uint16_t iscsi_chap_verify(struct iscsi_session *s, const char *d,
				  size_t len)
{
	struct iscsi_login *l = &s->login;
	char user[TGT_NAME_MAX], secret[TGT_NAME_MAX];
	char rtext[2 * CHAP_DIGEST_MAX + 8];
	uint8_t r[CHAP_DIGEST_MAX], want[CHAP_DIGEST_MAX];
	size_t rlen, dlen = chap_digest_len(l->chap_alg);
	uint16_t st = ISCSI_LOGIN_STATUS_AUTH_FAILED;

	if (iscsi_text_get(d, len, "CHAP_N", user, sizeof(user)) ||
	    iscsi_text_get(d, len, "CHAP_R", rtext, sizeof(rtext)) ||
	    chap_value_decode(rtext, r, sizeof(r), &rlen) || rlen != dlen)
		return st;
	if (tgt_account_lookup(s->tid, user, false, secret, sizeof(secret)))
		return st;
	if (!chap_response(l->chap_alg, l->chap_id, (uint8_t *)secret,
			   strlen(secret), l->chap_c, sizeof(l->chap_c), want,
			   sizeof(want)) &&
	    chap_response_equal(r, want, dlen))
		st = 0;
	explicit_bzero(secret, sizeof(secret));
	return st;
}

/* Mutual CHAP: answer the initiator's CHAP_I/CHAP_C with our account. */
static uint16_t iscsi_chap_mutual(struct iscsi_session *s, const char *d,
				  size_t len, struct strbuf *out)
{
	struct iscsi_login *l = &s->login;
	char idtext[8], ctext[ISCSI_LARGE_VALUE_MAX + 1];
	char user[TGT_NAME_MAX], secret[TGT_NAME_MAX];
	char hex[2 * CHAP_DIGEST_MAX + 3];
	uint8_t c[1024], r[CHAP_DIGEST_MAX];
	size_t clen, dlen = chap_digest_len(l->chap_alg);
	uint32_t id;
	uint16_t st = ISCSI_LOGIN_STATUS_AUTH_FAILED;

	if (iscsi_text_get(d, len, "CHAP_I", idtext, sizeof(idtext)))
		return 0;	/* one-way */
	if (iscsi_text_get(d, len, "CHAP_C", ctext, sizeof(ctext)) ||
	    util_parse_u32_range(idtext, 0, 255, &id) ||
	    chap_value_decode(ctext, c, sizeof(c), &clen) || !clen)
		return st;
	/* Our own challenge reflected back is an attack (12.1.3). */
	if (clen == sizeof(l->chap_c) && !memcmp(c, l->chap_c, clen))
		return st;
	if (tgt_account_outgoing(s->tid, user, sizeof(user), secret,
				 sizeof(secret)))
		return st;
	if (!chap_response(l->chap_alg, (uint8_t)id, (uint8_t *)secret,
			   strlen(secret), c, clen, r, sizeof(r))) {
		chap_value_encode_hex(r, dlen, hex, sizeof(hex));
		iscsi_text_add(out, "CHAP_N", user);
		iscsi_text_add(out, "CHAP_R", hex);
		st = 0;
	}
	explicit_bzero(secret, sizeof(secret));
	return st;
}

/* Security stage authentication; sets auth_done.  0 or a status. */
static uint16_t iscsi_login_auth(struct iscsi_session *s, const char *d,
				 size_t len, struct strbuf *out)
{
	struct iscsi_login *l = &s->login;
	uint16_t st;

	switch (iscsi_nego_auth(&l->nego)) {
	case ISCSI_AUTH_NONE:
	case ISCSI_AUTH_UNSET:
		/* AuthMethod=None, or not offered: only if not required. */
		if (l->chap_required)
			return iscsi_nego_auth(&l->nego) == ISCSI_AUTH_UNSET ?
			       0 : ISCSI_LOGIN_STATUS_AUTH_FAILED;
		l->auth_done = true;
		return 0;
	case ISCSI_AUTH_REJECTED:
		return ISCSI_LOGIN_STATUS_AUTH_FAILED;
	case ISCSI_AUTH_CHAP:
		break;
	}
	if (l->chap == ISCSI_CHAP_WAIT_A)
		return iscsi_chap_challenge(s, d, len, out);
	if (l->chap != ISCSI_CHAP_WAIT_R)
		return 0;
	st = iscsi_chap_verify(s, d, len);
	if (!st)
		st = iscsi_chap_mutual(s, d, len, out);
	if (st)
		return st;
	l->chap = ISCSI_CHAP_DONE;
	l->auth_done = true;
	return 0;
}

/* ---- completion ---- */

uint16_t iscsi_login_nexus_status(int err)
{
	switch (err) {
	case -ENOENT:	return ISCSI_LOGIN_STATUS_NOT_FOUND;
	case -EACCES:	return ISCSI_LOGIN_STATUS_FORBIDDEN;
	case -EAGAIN:	return ISCSI_LOGIN_STATUS_SVC_UNAVAILABLE;
	case -ENOMEM:	return ISCSI_LOGIN_STATUS_NO_RESOURCES;
	default:	return ISCSI_LOGIN_STATUS_TARGET_ERROR;
	}
}

/* Transit to the full feature phase: parameters and nexus. */
static uint16_t iscsi_login_complete(struct iscsi_session *s)
{
	int ret;

	if (iscsi_nego_finish(&s->login.nego, &s->params))
		return ISCSI_LOGIN_STATUS_INIT_ERR;
	/* Connection reinstatement: the nexus comes from the old one. */
	if (s->reinst)
		return iscsi_session_reinst_start(s);
	if (!s->discovery) {
		s->itn_id = iscsi_session_itn_new();
		ret = tgt_nexus_create(&iscsi_lld_ops, s->tid, s->itn_id,
				       s->initiator_name,
				       iscsi_conn_peer(s->conn),
				       s->loop, s, &s->nexus);
		if (ret)
			return iscsi_login_nexus_status(ret);
	}
	s->tsih = iscsi_session_tsih_new();
	iscsi_session_reinstate(s);
	return 0;
}

/* After the final Login Response was queued: new framing rules. */
static void iscsi_login_enter_ffp(struct iscsi_session *s)
{
	s->state = ISCSI_SESS_FFP;
	iscsi_conn_set_digests(s->conn, s->params.header_crc32c,
			       s->params.data_crc32c);
	iscsi_conn_set_max_recv(s->conn, s->params.max_recv_dsl);
	strbuf_release(&s->login.req);
	log_info("iscsi: %s session %u from %s (%s)%s%s",
		 s->discovery ? "discovery" : "normal", s->tsih,
		 iscsi_conn_peer(s->conn), s->initiator_name,
		 s->discovery ? "" : " to ", s->target_name);
	iscsi_session_ffp_start(s);
}

/* ---- one complete request ---- */

struct iscsi_login_step {
	uint8_t csg, nsg;
	bool transit;
	const char *why;
};

static uint16_t iscsi_login_nego(struct iscsi_session *s,
				 struct iscsi_login_step *st,
				 struct strbuf *out)
{
	struct iscsi_login *l = &s->login;
	const char *d = strbuf_str(&l->req);
	size_t len = l->req.len;
	uint16_t status;

	if (!l->nego_ready) {
		status = iscsi_login_first(s, d, len);
		if (status) {
			st->why = "first request";
			return status;
		}
		/* Skipping the security stage means no authentication. */
		if (st->csg != ISCSI_LOGIN_STAGE_SECURITY) {
			if (l->chap_required) {
				st->why = "authentication required";
				return ISCSI_LOGIN_STATUS_AUTH_FAILED;
			}
			l->auth_done = true;
		}
	}
	if (iscsi_nego_process(&l->nego, st->csg, d, len, out, &st->why))
		return out->oom ? ISCSI_LOGIN_STATUS_NO_RESOURCES :
				  ISCSI_LOGIN_STATUS_INIT_ERR;
	if (st->csg == ISCSI_LOGIN_STAGE_SECURITY) {
		status = iscsi_login_auth(s, d, len, out);
		if (status) {
			st->why = "authentication failed";
			return status;
		}
	}
	iscsi_nego_declare(&l->nego, st->csg, out);
	st->transit = st->transit && !iscsi_nego_pending(&l->nego) &&
		      l->auth_done;
	if (st->transit && st->nsg == ISCSI_LOGIN_STAGE_FFP) {
		status = iscsi_login_complete(s);
		if (status)
			st->why = "session not created";
		return status;
	}
	return out->oom ? ISCSI_LOGIN_STATUS_NO_RESOURCES : 0;
}

static int iscsi_login_step(struct iscsi_session *s,
			    const struct iscsi_pdu_hdr *h,
			    struct iscsi_login_step *st)
{
	struct strbuf out = STRBUF_INIT;
	struct iscsi_pdu_hdr r;
	uint16_t status = iscsi_login_nego(s, st, &out);
	int ret = 0;

	if (status == ISCSI_LOGIN_STATUS_PENDING) {
		/* The answer waits for the old connection's nexus. */
		s->login_final = *h;
		strbuf_release(&s->login_final_text);
		s->login_final_text = out;	/* moved, not copied */
		return 0;
	}
	if (status) {
		strbuf_release(&out);
		return iscsi_login_fail(s, h, status, st->why ? st->why : "");
	}
	if (out.len > s->params.max_xmit_dsl && out.len > ISCSI_LOGIN_DSL) {
		strbuf_release(&out);
		return iscsi_login_fail(s, h, ISCSI_LOGIN_STATUS_TARGET_ERROR,
					"response too long");
	}
	iscsi_login_rsp_hdr(s, h, &r, 0);
	r.flags = ISCSI_LOGIN_FLAGS(st->transit, 0, st->csg,
				    st->transit ? st->nsg : 0);
	r.data_len = (uint32_t)out.len;
	if (st->transit && st->nsg == ISCSI_LOGIN_STAGE_FFP)
		iscsi_session_publish(s);
	ret = iscsi_session_send_copy(s, &r, out.buf, (uint32_t)out.len);
	strbuf_release(&out);
	strbuf_reset(&s->login.req);
	if (st->transit)
		s->login.stage = st->nsg;
	if (!ret && st->transit && st->nsg == ISCSI_LOGIN_STAGE_FFP)
		iscsi_login_enter_ffp(s);
	return ret == -ENOMEM ? ret : 0;
}

int iscsi_login_resume(struct iscsi_session *s, uint16_t status)
{
	const struct iscsi_pdu_hdr *h = &s->login_final;
	struct strbuf *text = &s->login_final_text;
	struct iscsi_pdu_hdr r;
	int ret;

	if (status)
		return iscsi_login_fail(s, h, status,
					"the session ended meanwhile");
	iscsi_login_rsp_hdr(s, h, &r, 0);
	r.flags = ISCSI_LOGIN_FLAGS(1, 0, ISCSI_LOGIN_CSG(h->flags),
				    ISCSI_LOGIN_STAGE_FFP);
	r.data_len = (uint32_t)text->len;
	iscsi_session_publish(s);
	ret = iscsi_session_send_copy(s, &r, text->buf, (uint32_t)text->len);
	strbuf_release(text);
	strbuf_reset(&s->login.req);
	s->login.stage = ISCSI_LOGIN_STAGE_FFP;
	if (!ret)
		iscsi_login_enter_ffp(s);
	return ret == -ENOMEM ? ret : 0;
}

/* ---- Login Request ---- */

/* Header rules of 11.12: stages and flags.  NULL or why not. */
static const char *iscsi_login_check(const struct iscsi_session *s,
				     const struct iscsi_pdu_hdr *h)
{
	uint8_t csg = ISCSI_LOGIN_CSG(h->flags), nsg = ISCSI_LOGIN_NSG(h->flags);
	bool t = h->flags & ISCSI_FLAG_LOGIN_TRANSIT;

	if (t && (h->flags & ISCSI_FLAG_LOGIN_CONTINUE))
		return "T and C both set";		/* 11.12.2 */
	if (csg != ISCSI_LOGIN_STAGE_SECURITY &&
	    csg != ISCSI_LOGIN_STAGE_OPERATIONAL)
		return "bad CSG";
	if (csg != s->login.stage)
		return "CSG is not the current stage";
	if (t && (nsg <= csg || nsg == 2))
		return "bad NSG";			/* 11.12.3 */
	if (h->itt != s->login.itt || h->login_req.tsih != s->tsih ||
	    memcmp(h->login_req.isid, s->isid, sizeof(s->isid)))
		return "ITT, ISID or TSIH changed";	/* 11.12.5, 11.12.6 */
	return NULL;
}

static void iscsi_login_start(struct iscsi_session *s,
			      const struct iscsi_pdu_hdr *h)
{
	s->login.started = true;
	s->login.itt = h->itt;
	s->login.stage = ISCSI_LOGIN_CSG(h->flags);
	memcpy(s->isid, h->login_req.isid, sizeof(s->isid));
	s->tsih = h->login_req.tsih;
	s->cid = h->login_req.cid;
	/* Login requests are immediate: their CmdSN is the first one the
	 * session uses (11.12.8); the initial StatSN is ours to pick. */
	s->exp_cmdsn = h->login_req.cmdsn;
	s->max_cmdsn = s->exp_cmdsn + ISCSI_CMD_WINDOW - 1;
	s->stat_sn = h->login_req.exp_statsn;
	s->params.max_xmit_dsl = ISCSI_LOGIN_DSL;
}

int iscsi_login_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
		   const uint8_t *data)
{
	struct iscsi_login_step st = {
		.csg = ISCSI_LOGIN_CSG(h->flags),
		.nsg = ISCSI_LOGIN_NSG(h->flags),
		.transit = h->flags & ISCSI_FLAG_LOGIN_TRANSIT,
	};
	struct iscsi_pdu_hdr r;
	const char *why;

	if (!s->login.started) {
		iscsi_login_start(s, h);
		if (h->login_req.version_min > ISCSI_VERSION)
			return iscsi_login_fail(s, h,
						ISCSI_LOGIN_STATUS_NO_VERSION,
						"version");
	}
	why = iscsi_login_check(s, h);
	if (why)
		return iscsi_login_fail(s, h, ISCSI_LOGIN_STATUS_INIT_ERR, why);
	if (s->login.req.len + h->data_len > ISCSI_LOGIN_TEXT_MAX)
		return iscsi_login_fail(s, h, ISCSI_LOGIN_STATUS_INIT_ERR,
					"login text too long");
	strbuf_add(&s->login.req, data, h->data_len);
	if (!(h->flags & ISCSI_FLAG_LOGIN_CONTINUE))
		return iscsi_login_step(s, h, &st);
	/* More text follows: an empty response asks for it (6.3). */
	iscsi_login_rsp_hdr(s, h, &r, 0);
	r.flags = ISCSI_LOGIN_FLAGS(0, 0, st.csg, 0);
	return iscsi_session_send_copy(s, &r, NULL, 0) == -ENOMEM ? -ENOMEM : 0;
}

/* ---- Text requests, SendTargets (Appendix C) ---- */

struct iscsi_st_ctx {
	struct strbuf *out;
	const char *addr;
	const char *only;		/* a target name, or NULL: all */
};

/* Under the core's target lock: strbuf only. */
static void iscsi_st_one(int tid, const char *name, void *arg)
{
	struct iscsi_st_ctx *x = arg;

	if (x->only && strcmp(x->only, name))
		return;
	iscsi_text_add(x->out, "TargetName", name);
	strbuf_addf(x->out, "TargetAddress=%s,%d", x->addr, ISCSI_TPGT);
	strbuf_add(x->out, "", 1);
}

static void iscsi_send_targets(struct iscsi_session *s, const char *value,
			       struct strbuf *out)
{
	struct iscsi_st_ctx x = {
		.out = out,
		.addr = iscsi_conn_local(s->conn),
	};

	/* A Normal session may only learn about its own target (C.1). */
	if (!s->discovery)
		x.only = s->target_name;
	else if (strcmp(value, "All"))
		x.only = value;
	if (!s->discovery && *value && strcmp(value, s->target_name))
		return;
	tgt_target_for_each_visible("iscsi", s->initiator_name,
				    iscsi_conn_peer(s->conn), iscsi_st_one,
				    &x);
}

/* Sends the next piece of s->text_rsp (C bit and TTT, 11.11). */
static int iscsi_text_send_next(struct iscsi_session *s, uint32_t itt)
{
	size_t left = s->text_rsp.len - s->text_off;
	uint32_t n = (uint32_t)MIN(left, (size_t)s->params.max_xmit_dsl);
	bool last = n == left;
	struct iscsi_pdu_hdr r;
	int ret;

	iscsi_pdu_hdr_init(&r, ISCSI_OP_TEXT_RSP, itt);
	r.flags = last ? ISCSI_FLAG_FINAL : ISCSI_FLAG_TEXT_CONTINUE;
	if (!last)
		s->text_ttt = s->next_ttt++ | 0x80000000u;
	r.text_rsp.ttt = last ? ISCSI_RSVD_TAG : s->text_ttt;
	r.text_rsp.statsn = s->stat_sn++;
	r.text_rsp.exp_cmdsn = s->exp_cmdsn;
	r.text_rsp.max_cmdsn = iscsi_session_max_cmdsn(s);
	r.data_len = n;
	ret = iscsi_session_send_copy(s, &r, s->text_rsp.buf ?
				      s->text_rsp.buf + s->text_off : NULL, n);
	s->text_off += n;
	if (last)
		strbuf_reset(&s->text_rsp);
	return ret == -ENOMEM ? ret : 0;
}

/*
 * A Text Request with the C bit: keep its text and ask for the rest with
 * an empty Text Response carrying a TTT (11.10.2, 11.11.4).  The text as
 * a whole is bounded like a login's.
 */
static int iscsi_text_req_more(struct iscsi_session *s,
			       const struct iscsi_pdu_hdr *h,
			       const uint8_t *data)
{
	struct iscsi_pdu_hdr r;

	if (s->text_req.len + h->data_len > ISCSI_LOGIN_TEXT_MAX ||
	    (h->flags & ISCSI_FLAG_FINAL)) {
		strbuf_reset(&s->text_req);
		return iscsi_session_reject_hdr(s, ISCSI_REJECT_PROTOCOL_ERROR,
						h);
	}
	strbuf_add(&s->text_req, data, h->data_len);
	s->text_req_itt = h->itt;
	iscsi_pdu_hdr_init(&r, ISCSI_OP_TEXT_RSP, h->itt);
	r.flags = 0;
	s->text_ttt = s->next_ttt++ | 0x80000000u;
	r.text_rsp.ttt = s->text_ttt;
	r.text_rsp.statsn = s->stat_sn++;
	r.text_rsp.exp_cmdsn = s->exp_cmdsn;
	r.text_rsp.max_cmdsn = iscsi_session_max_cmdsn(s);
	return iscsi_session_send_copy(s, &r, NULL, 0) == -ENOMEM ? -ENOMEM : 0;
}

/* A complete request text: negotiation keys and SendTargets. */
static int iscsi_text_process(struct iscsi_session *s,
			      const struct iscsi_pdu_hdr *h, const char *d,
			      size_t len)
{
	const char *why = NULL;
	char value[TGT_NAME_MAX];

	strbuf_reset(&s->text_rsp);
	s->text_off = 0;
	if (iscsi_nego_process(&s->login.nego, ISCSI_STAGE_FFP_TEXT, d, len,
			       &s->text_rsp, &why)) {
		log_info("iscsi: %s: text request: %s", s->initiator_name,
			 why ? why : "out of memory");
		strbuf_reset(&s->text_rsp);
		return iscsi_session_reject_hdr(s, ISCSI_REJECT_PROTOCOL_ERROR,
						h);
	}
	if (!iscsi_text_get(d, len, "SendTargets", value, sizeof(value)))
		iscsi_send_targets(s, value, &s->text_rsp);
	/* MaxRecvDataSegmentLength may change in FFP (13.12). */
	iscsi_nego_finish(&s->login.nego, &s->params);
	return iscsi_text_send_next(s, h->itt);
}

int iscsi_text_rx(struct iscsi_session *s, const struct iscsi_pdu_hdr *h,
		  const uint8_t *data)
{
	bool cont = h->flags & ISCSI_FLAG_TEXT_CONTINUE;
	int ret;

	if (!iscsi_session_cmdsn_take(s, h->immediate, h->text_req.cmdsn))
		return 0;
	/* A new task (another ITT) drops what an older one left. */
	if (s->text_req.len && h->itt != s->text_req_itt)
		strbuf_reset(&s->text_req);
	if (cont)
		return iscsi_text_req_more(s, h, data);
	if (s->text_req.len) {
		strbuf_add(&s->text_req, data, h->data_len);
		ret = iscsi_text_process(s, h, s->text_req.buf,
					 s->text_req.len);
		strbuf_reset(&s->text_req);
		return ret;
	}
	if (h->text_req.ttt != ISCSI_RSVD_TAG && s->text_rsp.len &&
	    h->text_req.ttt == s->text_ttt)
		return iscsi_text_send_next(s, h->itt);
	return iscsi_text_process(s, h, (const char *)data, h->data_len);
}
