/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iSCSI text-key negotiation, target side: one table of key descriptors
 * (RFC 7143 section 13, section 12.1 AuthMethod and CHAP, RFC 7144
 * iSCSIProtocolLevel) and a two-pass processor: pass 1 validates a whole
 * request (syntax, lengths, duplicates, stage and sender rules) without
 * touching state, pass 2 answers and records.  So a protocol error leaves
 * the negotiation as it was.
 */
#include "iscsi/param.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

enum iscsi_key_id {
	K_HEADER_DIGEST, K_DATA_DIGEST, K_MAX_CONNS, K_SEND_TARGETS,
	K_TARGET_NAME, K_INITIATOR_NAME, K_TARGET_ALIAS, K_INITIATOR_ALIAS,
	K_TARGET_ADDRESS, K_TPGT, K_INITIAL_R2T, K_IMMEDIATE_DATA, K_MRDSL,
	K_MAX_BURST, K_FIRST_BURST, K_TIME2WAIT, K_TIME2RETAIN, K_MAX_R2T,
	K_DATA_PDU_IN_ORDER, K_DATA_SEQ_IN_ORDER, K_ERL, K_SESSION_TYPE,
	K_TASK_REPORTING, K_PROTOCOL_LEVEL, K_IFMARKER, K_OFMARKER,
	K_IFMARKINT, K_OFMARKINT, K_AUTH_METHOD, K_CHAP_A, K_CHAP_I,
	K_CHAP_C, K_CHAP_N, K_CHAP_R, K_COUNT
};

_Static_assert(K_COUNT <= ISCSI_NKEYS, "grow ISCSI_NKEYS");
_Static_assert(K_COUNT <= 64, "key masks are 64-bit");

enum iscsi_key_kind {
	KIND_LIST,		/* list negotiation, section 6.2.1 */
	KIND_NUM,		/* numerical, section 6.2.2, with a result fn */
	KIND_BOOL,		/* Yes/No, section 6.2.2, AND or OR */
	KIND_DECL_NUM,		/* declarative number (MRDSL, 13.12) */
	KIND_NAME,		/* declarative text: recorded, no answer */
	KIND_SESSION_TYPE,	/* declarative Discovery/Normal (13.21) */
	KIND_PASS,		/* CHAP_* and SendTargets: for the caller */
	KIND_TARGET_ONLY,	/* Senders: Target; never from an initiator */
	KIND_OBSOLETE,		/* markers, section 13.25 */
};

enum iscsi_key_result { RES_NONE, RES_MIN, RES_MAX, RES_AND, RES_OR };

/* Stages a key may be sent in ("Use" of section 13). */
#define USE_SEC		(1u << ISCSI_STAGE_SECURITY)
#define USE_OPER	(1u << ISCSI_STAGE_OPERATIONAL)
#define USE_FFP		(1u << ISCSI_STAGE_FFP_TEXT)
#define USE_LOGIN	(USE_SEC | USE_OPER)
#define USE_ALL		(USE_LOGIN | USE_FFP)

/* Flags. */
#define F_LO		0x01	/* Use: LO, leading connection only */
#define F_DISC_IRR	0x02	/* Irrelevant when SessionType=Discovery */
#define F_LARGE		0x04	/* large binary value (8192) */
#define F_LIM_BOOL	0x08	/* lim_off names a bool, not a uint32_t */

#define NO_LIM		(-1)
#define LIM(f)		((int)offsetof(struct iscsi_param_limits, f))

struct iscsi_key_desc {
	const char *name;
	uint8_t kind;
	uint8_t result;
	uint8_t use;
	uint8_t flags;
	uint32_t min, max, def;		/* range and section 13 default */
	int lim_off;			/* our value in the limits, or NO_LIM */
	uint32_t fixed;			/* our value when lim_off == NO_LIM */
	/* list keys: is @tok (not NUL terminated) acceptable to us? */
	bool (*accept)(const struct iscsi_nego *n, const char *tok, size_t len);
};

static bool iscsi_tok_is(const char *tok, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(tok, s, len) == 0;
}

/* Is @tok one of the comma-separated items of @list? */
static bool iscsi_list_has(const char *list, const char *tok, size_t len)
{
	const char *p = list;

	while (*p) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == len && memcmp(p, tok, len) == 0)
			return true;
		if (!c)
			break;
		p = c + 1;
	}
	return false;
}

static bool iscsi_digest_ok(enum iscsi_digest_policy pol, const char *tok,
			    size_t len)
{
	if (iscsi_tok_is(tok, len, "None"))
		return pol != ISCSI_DIGEST_REQUIRE;
	if (iscsi_tok_is(tok, len, "CRC32C"))
		return pol != ISCSI_DIGEST_NONE;
	return false;
}

static bool iscsi_accept_hdigest(const struct iscsi_nego *n, const char *tok,
				 size_t len)
{
	return iscsi_digest_ok(n->lim.header_digest, tok, len);
}

static bool iscsi_accept_ddigest(const struct iscsi_nego *n, const char *tok,
				 size_t len)
{
	return iscsi_digest_ok(n->lim.data_digest, tok, len);
}

/* Section 12.1: only CHAP and None are implemented, as configured. */
static bool iscsi_accept_auth(const struct iscsi_nego *n, const char *tok,
			      size_t len)
{
	if (!iscsi_tok_is(tok, len, "CHAP") && !iscsi_tok_is(tok, len, "None"))
		return false;
	return iscsi_list_has(n->lim.auth_methods, tok, len);
}

/* Section 13.23: we implement the base RFC3720 task reporting only. */
static bool iscsi_accept_taskrep(const struct iscsi_nego *n, const char *tok,
				 size_t len)
{
	return iscsi_tok_is(tok, len, "RFC3720");
}

#define NUM(nm, res, use_, fl, lo, hi, dflt, off) \
	{ nm, KIND_NUM, res, use_, fl, lo, hi, dflt, off, 0, NULL }
#define BOOLK(nm, res, use_, fl, dflt, off) \
	{ nm, KIND_BOOL, res, use_, (fl) | F_LIM_BOOL, 0, 1, dflt, off, 0, NULL }
#define LIST(nm, use_, fl, fn) \
	{ nm, KIND_LIST, RES_NONE, use_, fl, 0, 0, 0, NO_LIM, 0, fn }
#define OTHER(nm, kind, use_, fl) \
	{ nm, kind, RES_NONE, use_, fl, 0, 0, 0, NO_LIM, 0, NULL }

#define SESS (F_LO | F_DISC_IRR)

/*
 * The key table.  "use" follows the Use: lines of section 13 (IO keys are
 * login only; operational keys belong to the operational stage, security
 * keys to the security stage, section 6.3); F_DISC_IRR follows the
 * "Irrelevant when: SessionType=Discovery" lines, plus DefaultTime2Wait
 * and DefaultTime2Retain, which mean nothing without a Normal session.
 */
static const struct iscsi_key_desc iscsi_keys[K_COUNT] = {
	[K_HEADER_DIGEST] = LIST("HeaderDigest", USE_OPER, 0,
				 iscsi_accept_hdigest),
	[K_DATA_DIGEST] = LIST("DataDigest", USE_OPER, 0, iscsi_accept_ddigest),
	[K_MAX_CONNS] = NUM("MaxConnections", RES_MIN, USE_OPER, SESS,
			    1, 65535, 1, LIM(max_conns)),
	[K_SEND_TARGETS] = OTHER("SendTargets", KIND_PASS, USE_FFP, 0),
	[K_TARGET_NAME] = OTHER("TargetName", KIND_NAME, USE_LOGIN, 0),
	[K_INITIATOR_NAME] = OTHER("InitiatorName", KIND_NAME, USE_LOGIN, 0),
	[K_TARGET_ALIAS] = OTHER("TargetAlias", KIND_TARGET_ONLY, USE_ALL, 0),
	[K_INITIATOR_ALIAS] = OTHER("InitiatorAlias", KIND_NAME, USE_ALL, 0),
	[K_TARGET_ADDRESS] = OTHER("TargetAddress", KIND_TARGET_ONLY,
				   USE_ALL, 0),
	[K_TPGT] = OTHER("TargetPortalGroupTag", KIND_TARGET_ONLY, USE_LOGIN,
			 0),
	[K_INITIAL_R2T] = BOOLK("InitialR2T", RES_OR, USE_OPER, SESS, 1,
				LIM(initial_r2t)),
	[K_IMMEDIATE_DATA] = BOOLK("ImmediateData", RES_AND, USE_OPER, SESS,
				   1, LIM(immediate_data)),
	[K_MRDSL] = { "MaxRecvDataSegmentLength", KIND_DECL_NUM, RES_NONE,
		      USE_OPER | USE_FFP, 0, ISCSI_DSL_MIN, ISCSI_DSL_MAX,
		      8192, NO_LIM, 0, NULL },
	[K_MAX_BURST] = NUM("MaxBurstLength", RES_MIN, USE_OPER, SESS,
			    ISCSI_DSL_MIN, ISCSI_DSL_MAX, 262144,
			    LIM(max_burst)),
	[K_FIRST_BURST] = NUM("FirstBurstLength", RES_MIN, USE_OPER, SESS,
			      ISCSI_DSL_MIN, ISCSI_DSL_MAX, 65536,
			      LIM(first_burst)),
	[K_TIME2WAIT] = NUM("DefaultTime2Wait", RES_MAX, USE_OPER, SESS,
			    0, 3600, 2, LIM(default_time2wait)),
	[K_TIME2RETAIN] = NUM("DefaultTime2Retain", RES_MIN, USE_OPER, SESS,
			      0, 3600, 20, LIM(default_time2retain)),
	[K_MAX_R2T] = NUM("MaxOutstandingR2T", RES_MIN, USE_OPER, SESS,
			  1, 65535, 1, LIM(max_outstanding_r2t)),
	[K_DATA_PDU_IN_ORDER] = BOOLK("DataPDUInOrder", RES_OR, USE_OPER,
				      SESS, 1, LIM(data_pdu_in_order)),
	[K_DATA_SEQ_IN_ORDER] = BOOLK("DataSequenceInOrder", RES_OR,
				      USE_OPER, SESS, 1,
				      LIM(data_sequence_in_order)),
	/* 13.20: ERL is relevant to Discovery sessions too; we do 0 only */
	[K_ERL] = { "ErrorRecoveryLevel", KIND_NUM, RES_MIN, USE_OPER, F_LO,
		    0, 2, 0, NO_LIM, 0, NULL },
	[K_SESSION_TYPE] = OTHER("SessionType", KIND_SESSION_TYPE, USE_LOGIN,
				 0),
	[K_TASK_REPORTING] = LIST("TaskReporting", USE_OPER, SESS,
				  iscsi_accept_taskrep),
	/* RFC 7144 section 2.1 (RFC 7143 13.24): numeric, Minimum */
	[K_PROTOCOL_LEVEL] = NUM("iSCSIProtocolLevel", RES_MIN, USE_OPER,
				 SESS, 0, 31, 0, LIM(protocol_level)),
	[K_IFMARKER] = OTHER("IFMarker", KIND_OBSOLETE, USE_ALL, 0),
	[K_OFMARKER] = OTHER("OFMarker", KIND_OBSOLETE, USE_ALL, 0),
	[K_IFMARKINT] = OTHER("IFMarkInt", KIND_OBSOLETE, USE_ALL, 0),
	[K_OFMARKINT] = OTHER("OFMarkInt", KIND_OBSOLETE, USE_ALL, 0),
	[K_AUTH_METHOD] = LIST("AuthMethod", USE_SEC, 0, iscsi_accept_auth),
	[K_CHAP_A] = OTHER("CHAP_A", KIND_PASS, USE_SEC, 0),
	[K_CHAP_I] = OTHER("CHAP_I", KIND_PASS, USE_SEC, 0),
	[K_CHAP_C] = OTHER("CHAP_C", KIND_PASS, USE_SEC, F_LARGE),
	[K_CHAP_N] = OTHER("CHAP_N", KIND_PASS, USE_SEC, 0),
	[K_CHAP_R] = OTHER("CHAP_R", KIND_PASS, USE_SEC, F_LARGE),
};

/* Unknown keys are answered NotUnderstood; bound how many one request may
 * carry, so duplicate detection among them stays cheap. */
#define ISCSI_MAX_UNKNOWN 64

static uint64_t iscsi_bit(int id)
{
	return 1ull << id;
}

static int iscsi_key_lookup(const char *name, size_t len)
{
	for (int i = 0; i < K_COUNT; i++)
		if (iscsi_tok_is(name, len, iscsi_keys[i].name))
			return i;
	return -1;
}

/* Our own value for a numeric or boolean key. */
static uint32_t iscsi_key_ours(const struct iscsi_nego *n, int id)
{
	const struct iscsi_key_desc *d = &iscsi_keys[id];
	const char *base = (const char *)&n->lim;

	if (d->lim_off == NO_LIM)
		return d->fixed;
	if (d->flags & F_LIM_BOOL)
		return *(const bool *)(base + d->lim_off);
	return *(const uint32_t *)(base + d->lim_off);
}

/*
 * Section 6.1: decimal-constant (no leading zeros, "0" alone allowed) or
 * hex-constant ("0x"/"0X" and at least one digit).  -EINVAL if malformed,
 * -ERANGE above 2^64-1.
 */
static int iscsi_num_parse(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] != '\0') {
		return -EINVAL;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned dgt;

		if (*s >= '0' && *s <= '9')
			dgt = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			dgt = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			dgt = (unsigned)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (v > (UINT64_MAX - dgt) / base)
			return -ERANGE;
		v = v * base + dgt;
	}
	*out = v;
	return 0;
}

/* A number of key @id within its range, or -EINVAL/-ERANGE. */
static int iscsi_key_num(int id, const char *val, uint32_t *out)
{
	const struct iscsi_key_desc *d = &iscsi_keys[id];
	uint64_t v;
	int ret = iscsi_num_parse(val, &v);

	if (ret)
		return ret;
	if (v < d->min || v > d->max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

/* Section 6.2.2: Boolean values are exactly "Yes" or "No". */
static int iscsi_bool_parse(const char *val, uint32_t *out)
{
	if (strcmp(val, "Yes") == 0)
		*out = 1;
	else if (strcmp(val, "No") == 0)
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

static uint32_t iscsi_result(int res, uint32_t a, uint32_t b)
{
	switch (res) {
	case RES_MIN:
		return MIN(a, b);
	case RES_MAX:
		return MAX(a, b);
	case RES_AND:
		return a && b;
	case RES_OR:
		return a || b;
	}
	return a;
}

/* ---- the text walker ---- */

struct iscsi_kv {
	const char *key;
	size_t klen;
	const char *val;	/* NUL terminated inside the request */
	size_t vlen;
	int id;			/* table index, or -1 */
};

/*
 * Length of the text proper: up to and including the last NUL that
 * follows a non-NUL byte, so NUL padding is dropped.  -EPROTO when the
 * last pair is not NUL terminated (section 6.1).
 */
static int iscsi_text_span(const char *data, size_t len, size_t *span)
{
	size_t end = len;

	while (end && data[end - 1] == '\0')
		end--;
	if (end == 0) {
		*span = 0;
		return 0;
	}
	if (end == len)
		return -EPROTO;
	*span = end + 1;
	return 0;
}

static bool iscsi_key_chars_ok(const char *k, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)k[i] <= ' ' || (unsigned char)k[i] >= 0x7f)
			return false;
	return true;
}

/* Splits the pair at *@pos; advances *@pos past its NUL. */
static int iscsi_text_next(const char *data, size_t span, size_t *pos,
			   struct iscsi_kv *kv, const char **why)
{
	const char *p = data + *pos;
	size_t plen = strnlen(p, span - *pos);
	const char *eq = memchr(p, '=', plen);

	*pos += plen + 1;
	if (!eq) {
		*why = plen ? "key without '='" : "empty key=value pair";
		return -EPROTO;
	}
	kv->key = p;
	kv->klen = (size_t)(eq - p);
	kv->val = eq + 1;
	kv->vlen = plen - kv->klen - 1;
	if (kv->klen == 0 || kv->klen > ISCSI_KEY_NAME_MAX ||
	    !iscsi_key_chars_ok(p, kv->klen)) {
		*why = "empty, overlong or malformed key name";
		return -EPROTO;
	}
	kv->id = iscsi_key_lookup(kv->key, kv->klen);
	if (kv->vlen > (kv->id >= 0 && (iscsi_keys[kv->id].flags & F_LARGE) ?
			ISCSI_LARGE_VALUE_MAX : ISCSI_VALUE_MAX)) {
		*why = "value too long";
		return -EPROTO;
	}
	return 0;
}

/* ---- pass 1: validation without side effects ---- */

/* Is the unknown key @kv repeated earlier in the request? */
static bool iscsi_unknown_dup(const char *data, size_t upto,
			      const struct iscsi_kv *kv)
{
	size_t pos = 0;

	while (pos < upto) {
		const char *p = data + pos;
		size_t plen = strlen(p);

		if (plen > kv->klen && p[kv->klen] == '=' &&
		    memcmp(p, kv->key, kv->klen) == 0)
			return true;
		pos += plen + 1;
	}
	return false;
}

/* Does the initiator's answer to our offer obey the result function? */
static bool iscsi_answer_ok(const struct iscsi_nego *n, int id,
			    const char *val)
{
	const struct iscsi_key_desc *d = &iscsi_keys[id];
	uint32_t v, ours = n->num[id];

	if (d->kind == KIND_LIST)
		return d->accept(n, val, strlen(val)) && !strchr(val, ',');
	if (d->kind == KIND_BOOL)
		return iscsi_bool_parse(val, &v) == 0 &&
		       iscsi_result(d->result, v, ours) == v;
	if (iscsi_key_num(id, val, &v))
		return false;
	return d->result == RES_MIN ? v <= ours : v >= ours;
}

/*
 * Section 6.3 forbids redeclaring a key during login.  libiscsi, when its
 * security stage ends with AuthMethod=None (it offered CHAP,None and the
 * target needs no account, e.g. discovery without a bound account),
 * repeats InitiatorName, TargetName and SessionType, unchanged, in its
 * first operational request.  The same identity again changes nothing,
 * so it is tolerated; a different value is still a protocol error.
 */
static bool iscsi_same_identity(const struct iscsi_nego *n, int id,
				const char *val)
{
	if (id != K_INITIATOR_NAME && id != K_TARGET_NAME &&
	    id != K_SESSION_TYPE)
		return false;
	return n->str[id] && strcmp(n->str[id], val) == 0;
}

/* Stage and sender rules for a known key. */
static int iscsi_key_check(const struct iscsi_nego *n, int id,
			   enum iscsi_nego_stage stage, const char *val,
			   const char **why)
{
	const struct iscsi_key_desc *d = &iscsi_keys[id];

	if (d->kind == KIND_TARGET_ONLY) {
		*why = "key sent by targets only";
		return -EPROTO;
	}
	if (d->kind == KIND_OBSOLETE)
		return 0;
	if (!(d->use & (1u << stage))) {
		*why = "key not allowed in this stage";
		return -EPROTO;
	}
	/* Section 6.3: no renegotiation or redeclaration during login. */
	if (stage != ISCSI_STAGE_FFP_TEXT && (n->seen & iscsi_bit(id)) &&
	    !iscsi_same_identity(n, id, val)) {
		*why = "key renegotiated during login";
		return -EPROTO;
	}
	if (id >= K_CHAP_A && id <= K_CHAP_R && n->auth != ISCSI_AUTH_CHAP) {
		*why = "CHAP key without AuthMethod=CHAP";
		return -EPROTO;
	}
	if ((n->offered & iscsi_bit(id)) && !iscsi_answer_ok(n, id, val)) {
		*why = "answer to the target's offer violates its result function";
		return -EPROTO;
	}
	return 0;
}

static int iscsi_nego_validate(const struct iscsi_nego *n,
			       enum iscsi_nego_stage stage, const char *data,
			       size_t span, const char **why)
{
	uint64_t mask = 0;
	size_t pos = 0;
	int unknown = 0;

	while (pos < span) {
		size_t start = pos;
		struct iscsi_kv kv;
		int ret = iscsi_text_next(data, span, &pos, &kv, why);

		if (ret)
			return ret;
		if (kv.id < 0) {
			if (++unknown > ISCSI_MAX_UNKNOWN) {
				*why = "too many unknown keys";
				return -EPROTO;
			}
			if (iscsi_unknown_dup(data, start, &kv))
				goto dup;
			continue;
		}
		if (mask & iscsi_bit(kv.id))
			goto dup;
		mask |= iscsi_bit(kv.id);
		ret = iscsi_key_check(n, kv.id, stage, kv.val, why);
		if (ret)
			return ret;
	}
	return 0;
dup:
	/* Section 6.2: a key is sent at most once per exchange. */
	*why = "key sent twice in one request";
	return -EPROTO;
}

/* ---- pass 2: answers ---- */

static void iscsi_answer(struct strbuf *out, const char *key, size_t klen,
			 const char *val)
{
	strbuf_addf(out, "%.*s=%s", (int)klen, key, val);
	strbuf_add(out, "", 1);
}

static void iscsi_answer_num(struct strbuf *out, int id, uint32_t v)
{
	strbuf_addf(out, "%s=%u", iscsi_keys[id].name, v);
	strbuf_add(out, "", 1);
}

/* Section 6.2.1: the first value of the offered list we support. */
static void iscsi_nego_list(struct iscsi_nego *n, const struct iscsi_kv *kv,
			    struct strbuf *out)
{
	const struct iscsi_key_desc *d = &iscsi_keys[kv->id];
	const char *p = kv->val, *end = kv->val + kv->vlen;

	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t l = c ? (size_t)(c - p) : (size_t)(end - p);

		if (l && d->accept(n, p, l)) {
			strbuf_addf(out, "%s=%.*s", d->name, (int)l, p);
			strbuf_add(out, "", 1);
			n->num[kv->id] = iscsi_tok_is(p, l, "CRC32C") ||
					 iscsi_tok_is(p, l, "CHAP");
			if (kv->id == K_AUTH_METHOD)
				n->auth = n->num[kv->id] ? ISCSI_AUTH_CHAP :
							   ISCSI_AUTH_NONE;
			return;
		}
		p += l + 1;
	}
	if (kv->id == K_AUTH_METHOD)
		n->auth = ISCSI_AUTH_REJECTED;
	iscsi_answer(out, kv->key, kv->klen, "Reject");
}

/* Numbers and Booleans (section 6.2.2): the result function's value. */
static void iscsi_nego_value(struct iscsi_nego *n, const struct iscsi_kv *kv,
			     struct strbuf *out)
{
	const struct iscsi_key_desc *d = &iscsi_keys[kv->id];
	uint32_t v, ours = iscsi_key_ours(n, kv->id);
	int ret = d->kind == KIND_BOOL ? iscsi_bool_parse(kv->val, &v) :
					 iscsi_key_num(kv->id, kv->val, &v);

	if (ret) {
		iscsi_answer(out, kv->key, kv->klen, "Reject");
		return;
	}
	/* 13.14: FirstBurstLength never exceeds MaxBurstLength. */
	if (kv->id == K_FIRST_BURST && (n->seen & iscsi_bit(K_MAX_BURST)))
		ours = MIN(ours, n->num[K_MAX_BURST]);
	v = iscsi_result(d->result, v, ours);
	n->num[kv->id] = v;
	if (d->kind == KIND_BOOL)
		iscsi_answer(out, kv->key, kv->klen, v ? "Yes" : "No");
	else
		iscsi_answer_num(out, kv->id, v);
}

static void iscsi_nego_decl(struct iscsi_nego *n, const struct iscsi_kv *kv,
			    struct strbuf *out)
{
	uint32_t v;

	switch (iscsi_keys[kv->id].kind) {
	case KIND_DECL_NUM:
		if (iscsi_key_num(kv->id, kv->val, &v))
			iscsi_answer(out, kv->key, kv->klen, "Reject");
		else
			n->num[kv->id] = v;
		break;
	case KIND_SESSION_TYPE:
		if (strcmp(kv->val, "Discovery") == 0)
			n->discovery = true;
		else if (strcmp(kv->val, "Normal") == 0)
			n->discovery = false;
		else
			iscsi_answer(out, kv->key, kv->klen, "Reject");
		break;
	case KIND_OBSOLETE:
		/* 13.25: IFMarker/OFMarker SHOULD, IFMarkInt/OFMarkInt
		 * MUST be answered with Reject. */
		iscsi_answer(out, kv->key, kv->klen, "Reject");
		break;
	default:
		break;		/* names, CHAP_*, SendTargets: recorded */
	}
}

/* The initiator answered our offer (validated in pass 1). */
static void iscsi_nego_take_answer(struct iscsi_nego *n,
				   const struct iscsi_kv *kv)
{
	const struct iscsi_key_desc *d = &iscsi_keys[kv->id];
	uint32_t v = 0;

	if (d->kind == KIND_LIST)
		v = strcmp(kv->val, "CRC32C") == 0;
	else if (d->kind == KIND_BOOL)
		iscsi_bool_parse(kv->val, &v);
	else
		iscsi_key_num(kv->id, kv->val, &v);
	n->num[kv->id] = v;
	n->offered &= ~iscsi_bit(kv->id);
}

static void iscsi_nego_one(struct iscsi_nego *n, const struct iscsi_kv *kv,
			   struct strbuf *out)
{
	const struct iscsi_key_desc *d = &iscsi_keys[kv->id];

	if (n->offered & iscsi_bit(kv->id)) {
		iscsi_nego_take_answer(n, kv);
		return;
	}
	/* 6.2.2: a key not relevant to this negotiation is Irrelevant:
	 * session-wide keys belong to the leading connection (section 13,
	 * Use: LO), and Normal-session keys to a Normal session. */
	if (((d->flags & F_LO) && !n->leading) ||
	    ((d->flags & F_DISC_IRR) && n->discovery)) {
		iscsi_answer(out, kv->key, kv->klen, "Irrelevant");
		return;
	}
	if (d->kind == KIND_LIST)
		iscsi_nego_list(n, kv, out);
	else if (d->kind == KIND_NUM || d->kind == KIND_BOOL)
		iscsi_nego_value(n, kv, out);
	else
		iscsi_nego_decl(n, kv, out);
}

static int iscsi_nego_store(struct iscsi_nego *n, const struct iscsi_kv *kv)
{
	char *s = malloc(kv->vlen + 1);

	if (!s)
		return -ENOMEM;
	memcpy(s, kv->val, kv->vlen + 1);
	free(n->str[kv->id]);
	n->str[kv->id] = s;
	return 0;
}

/* SessionType decides relevance for keys before it in the same request. */
static void iscsi_nego_scan_type(struct iscsi_nego *n, const char *data,
				 size_t span)
{
	size_t pos = 0;
	struct iscsi_kv kv;
	const char *why;

	while (pos < span) {
		if (iscsi_text_next(data, span, &pos, &kv, &why))
			return;
		if (kv.id == K_SESSION_TYPE)
			n->discovery = strcmp(kv.val, "Discovery") == 0;
	}
}

int iscsi_nego_process(struct iscsi_nego *n, enum iscsi_nego_stage stage,
		       const char *data, size_t len, struct strbuf *out,
		       const char **why)
{
	size_t span, pos = 0;
	int ret;

	*why = NULL;
	if (iscsi_text_span(data, len, &span)) {
		*why = "text not NUL terminated";
		return -EPROTO;
	}
	ret = iscsi_nego_validate(n, stage, data, span, why);
	if (ret)
		return ret;
	iscsi_nego_scan_type(n, data, span);
	while (pos < span) {
		struct iscsi_kv kv;

		iscsi_text_next(data, span, &pos, &kv, why);
		if (kv.id < 0) {
			/* 6.2 and 13.22: unknown and X-/X# keys */
			iscsi_answer(out, kv.key, kv.klen, "NotUnderstood");
			continue;
		}
		if (iscsi_nego_store(n, &kv))
			return -ENOMEM;
		iscsi_nego_one(n, &kv, out);
		if (stage != ISCSI_STAGE_FFP_TEXT)
			n->seen |= iscsi_bit(kv.id);
	}
	*why = NULL;
	return out->oom ? -ENOMEM : 0;
}

/* ---- target declarations and offers ---- */

/* Does the section 13 default of key @id satisfy our limits? */
static bool iscsi_default_ok(const struct iscsi_nego *n, int id)
{
	const struct iscsi_key_desc *d = &iscsi_keys[id];
	uint32_t ours = iscsi_key_ours(n, id);

	if (d->kind == KIND_BOOL || d->kind == KIND_NUM)
		return iscsi_result(d->result, d->def, ours) == d->def;
	if (id == K_HEADER_DIGEST)
		return n->lim.header_digest != ISCSI_DIGEST_REQUIRE;
	if (id == K_DATA_DIGEST)
		return n->lim.data_digest != ISCSI_DIGEST_REQUIRE;
	return true;
}

static bool iscsi_offer_applies(const struct iscsi_nego *n, int id)
{
	const struct iscsi_key_desc *d = &iscsi_keys[id];

	if (!(d->use & USE_OPER) || d->kind == KIND_TARGET_ONLY ||
	    d->kind == KIND_OBSOLETE)
		return false;
	if (((d->flags & F_LO) && !n->leading) ||
	    ((d->flags & F_DISC_IRR) && n->discovery))
		return false;
	return !((n->seen | n->offered) & iscsi_bit(id));
}

/* Section 6.2: we propose keys whose default we cannot live with. */
static void iscsi_nego_offer(struct iscsi_nego *n, struct strbuf *out)
{
	for (int id = 0; id < K_COUNT; id++) {
		const struct iscsi_key_desc *d = &iscsi_keys[id];

		if (!iscsi_offer_applies(n, id) || iscsi_default_ok(n, id))
			continue;
		if (d->kind == KIND_LIST) {
			strbuf_addf(out, "%s=CRC32C", d->name);
			strbuf_add(out, "", 1);
			n->num[id] = 1;
		} else {
			n->num[id] = iscsi_key_ours(n, id);
			if (d->kind == KIND_BOOL)
				iscsi_answer(out, d->name, strlen(d->name),
					     n->num[id] ? "Yes" : "No");
			else
				iscsi_answer_num(out, id, n->num[id]);
		}
		n->offered |= iscsi_bit(id);
	}
}

void iscsi_nego_declare(struct iscsi_nego *n, enum iscsi_nego_stage stage,
			struct strbuf *out)
{
	/* 13.9: TPGT in the response to the first request naming a target */
	if (!n->declared_tpgt && n->str[K_TARGET_NAME] &&
	    stage != ISCSI_STAGE_FFP_TEXT) {
		n->declared_tpgt = true;
		strbuf_addf(out, "TargetPortalGroupTag=%u",
			    (unsigned)n->lim.tpgt);
		strbuf_add(out, "", 1);
		if (n->lim.target_alias && !n->discovery) {
			strbuf_addf(out, "TargetAlias=%s", n->lim.target_alias);
			strbuf_add(out, "", 1);
		}
	}
	if (stage != ISCSI_STAGE_OPERATIONAL)
		return;
	/* 13.12: each side declares its own receive limit */
	if (!n->declared_mrdsl) {
		n->declared_mrdsl = true;
		iscsi_answer_num(out, K_MRDSL, n->lim.max_recv_dsl);
	}
	iscsi_nego_offer(n, out);
}

bool iscsi_nego_pending(const struct iscsi_nego *n)
{
	return n->offered != 0;
}

enum iscsi_auth_method iscsi_nego_auth(const struct iscsi_nego *n)
{
	return n->auth;
}

/* ---- life cycle ---- */

static uint32_t iscsi_clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void iscsi_param_limits_default(struct iscsi_param_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->max_recv_dsl = 8192;
	lim->max_burst = 262144;
	lim->first_burst = 65536;
	lim->max_outstanding_r2t = 1;
	lim->max_conns = 1;
	lim->default_time2wait = 2;
	lim->default_time2retain = 20;
	lim->protocol_level = 1;
	lim->initial_r2t = true;
	lim->immediate_data = true;
	lim->data_pdu_in_order = true;
	lim->data_sequence_in_order = true;
	lim->header_digest = ISCSI_DIGEST_ALLOW;
	lim->data_digest = ISCSI_DIGEST_ALLOW;
	lim->auth_methods = "None";
	lim->tpgt = 1;
	lim->target_alias = NULL;
}

static void iscsi_limits_clamp(struct iscsi_param_limits *l)
{
	l->max_recv_dsl = iscsi_clamp(l->max_recv_dsl, ISCSI_DSL_MIN,
				      ISCSI_DSL_MAX);
	l->max_burst = iscsi_clamp(l->max_burst, ISCSI_DSL_MIN, ISCSI_DSL_MAX);
	l->first_burst = iscsi_clamp(l->first_burst, ISCSI_DSL_MIN,
				     l->max_burst);
	l->max_outstanding_r2t = iscsi_clamp(l->max_outstanding_r2t, 1, 65535);
	l->max_conns = iscsi_clamp(l->max_conns, 1, 65535);
	l->default_time2wait = iscsi_clamp(l->default_time2wait, 0, 3600);
	l->default_time2retain = iscsi_clamp(l->default_time2retain, 0, 3600);
	l->protocol_level = iscsi_clamp(l->protocol_level, 0, 31);
	if (!l->auth_methods)
		l->auth_methods = "None";
}

void iscsi_nego_init(struct iscsi_nego *n, const struct iscsi_param_limits *lim,
		     bool leading)
{
	memset(n, 0, sizeof(*n));
	n->lim = *lim;
	iscsi_limits_clamp(&n->lim);
	n->leading = leading;
	for (int i = 0; i < K_COUNT; i++)
		n->num[i] = iscsi_keys[i].def;
}

void iscsi_nego_release(struct iscsi_nego *n)
{
	for (int i = 0; i < ISCSI_NKEYS; i++) {
		free(n->str[i]);
		n->str[i] = NULL;
	}
}

int iscsi_nego_finish(const struct iscsi_nego *n, struct iscsi_params *p)
{
	if (iscsi_nego_pending(n))
		return -EAGAIN;
	memset(p, 0, sizeof(*p));
	p->discovery = n->discovery;
	p->max_connections = n->num[K_MAX_CONNS];
	p->initial_r2t = n->num[K_INITIAL_R2T];
	p->immediate_data = n->num[K_IMMEDIATE_DATA];
	p->max_burst = n->num[K_MAX_BURST];
	/* 13.14: FirstBurstLength MUST NOT exceed MaxBurstLength */
	p->first_burst = MIN(n->num[K_FIRST_BURST], p->max_burst);
	p->default_time2wait = n->num[K_TIME2WAIT];
	p->default_time2retain = n->num[K_TIME2RETAIN];
	p->max_outstanding_r2t = n->num[K_MAX_R2T];
	p->data_pdu_in_order = n->num[K_DATA_PDU_IN_ORDER];
	p->data_sequence_in_order = n->num[K_DATA_SEQ_IN_ORDER];
	p->error_recovery_level = n->num[K_ERL];
	p->protocol_level = n->num[K_PROTOCOL_LEVEL];
	p->header_crc32c = n->num[K_HEADER_DIGEST];
	p->data_crc32c = n->num[K_DATA_DIGEST];
	p->max_xmit_dsl = n->num[K_MRDSL];
	p->max_recv_dsl = n->lim.max_recv_dsl;
	p->auth = n->auth;
	p->initiator_name = n->str[K_INITIATOR_NAME];
	p->initiator_alias = n->str[K_INITIATOR_ALIAS];
	p->target_name = n->str[K_TARGET_NAME];
	return 0;
}

const char *iscsi_nego_get(const struct iscsi_nego *n, const char *key)
{
	int id = iscsi_key_lookup(key, strlen(key));

	return id < 0 ? NULL : n->str[id];
}
