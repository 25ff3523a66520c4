/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iSCSI text-key negotiation, target side (RFC 7143 section 6 "Text Mode
 * Negotiation", section 12 security keys, section 13 "Login/Text
 * Operational Text Keys", RFC 7144 iSCSIProtocolLevel).
 *
 * One struct iscsi_nego per connection.  The login layer feeds it the
 * (reassembled, i.e. after C-bit continuation) data segment of every Login
 * or Text request; the negotiator validates it, answers every key it owns
 * into @out, and remembers what the initiator said.  It never builds PDUs
 * and never does CHAP: CHAP_* keys are only recorded (iscsi_nego_get) for
 * the login layer, which writes its own CHAP answers into the same text.
 *
 * Typical login (target side):
 *   struct iscsi_param_limits lim;
 *   iscsi_param_limits_default(&lim);  lim.tpgt = 1; ...
 *   iscsi_nego_init(&n, &lim, leading);
 *   per Login request:
 *     strbuf_reset(&out);
 *     ret = iscsi_nego_process(&n, csg, data, len, &out, &why);
 *     -EPROTO -> Login response "initiator error" (0x0200), log @why;
 *     iscsi_nego_get(&n, "InitiatorName"), iscsi_nego_auth(&n), CHAP_* ...
 *     iscsi_nego_declare(&n, csg, &out);      TPGT, TargetAlias, MRDSL ...
 *     T bit: only if !iscsi_nego_pending(&n)
 *   at transition to full feature phase:
 *     iscsi_nego_finish(&n, &params);
 *   after the connection is gone: iscsi_nego_release(&n).
 *
 * Threading: none; a struct iscsi_nego belongs to its connection's loop.
 */
#ifndef TGT_ISCSI_PARAM_H
#define TGT_ISCSI_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

/* RFC 7143 section 6.1: key names up to 63 bytes, values up to 255 bytes
 * except the large binary values of CHAP (CHAP_C, CHAP_R), 8192. */
#define ISCSI_KEY_NAME_MAX	63
#define ISCSI_VALUE_MAX		255
#define ISCSI_LARGE_VALUE_MAX	8192

/* Section 13.12-13.14: 512 .. 2^24-1 */
#define ISCSI_DSL_MIN		512u
#define ISCSI_DSL_MAX		16777215u

/* Which digests (section 13.1) the target accepts. */
enum iscsi_digest_policy {
	ISCSI_DIGEST_NONE = 0,		/* only None */
	ISCSI_DIGEST_ALLOW,		/* None or CRC32C: initiator's order */
	ISCSI_DIGEST_REQUIRE,		/* only CRC32C */
};

/* Result of the AuthMethod list negotiation (section 12.1). */
enum iscsi_auth_method {
	ISCSI_AUTH_UNSET = 0,		/* AuthMethod not (yet) negotiated */
	ISCSI_AUTH_NONE,
	ISCSI_AUTH_CHAP,
	ISCSI_AUTH_REJECTED,		/* answered AuthMethod=Reject */
};

/*
 * What the target is willing to do: for "min" keys its maximum, for "max"
 * keys its minimum, for booleans its own value.  Strings are borrowed and
 * must outlive the struct iscsi_nego.  Numbers outside the RFC ranges are
 * clamped by iscsi_nego_init().
 */
struct iscsi_param_limits {
	uint32_t max_recv_dsl;		/* declared MaxRecvDataSegmentLength */
	uint32_t max_burst;		/* MaxBurstLength, our maximum */
	uint32_t first_burst;		/* FirstBurstLength, our maximum */
	uint32_t max_outstanding_r2t;	/* 1..65535, our maximum */
	uint32_t max_conns;		/* MaxConnections 1..65535, our max */
	uint32_t default_time2wait;	/* 0..3600, our minimum (result max) */
	uint32_t default_time2retain;	/* 0..3600, our maximum (result min) */
	uint32_t protocol_level;	/* iSCSIProtocolLevel 0..31, e.g. 1 */
	bool initial_r2t;		/* Yes: we want InitialR2T (OR) */
	bool immediate_data;		/* Yes: we accept immediate data (AND) */
	bool data_pdu_in_order;		/* Yes: we need in order (OR) */
	bool data_sequence_in_order;	/* Yes: we need in order (OR) */
	enum iscsi_digest_policy header_digest;
	enum iscsi_digest_policy data_digest;
	/* Accepted AuthMethod values, comma separated, from {CHAP, None}:
	 * "None", "CHAP" or "CHAP,None".  NULL means "None". */
	const char *auth_methods;
	uint16_t tpgt;			/* TargetPortalGroupTag we declare */
	const char *target_alias;	/* declared TargetAlias; NULL: none */
};

/*
 * Fills @lim with the RFC defaults a plain target uses: MRDSL 8192,
 * MaxBurst 262144, FirstBurst 65536, R2T 1, conns 1, Time2Wait 2,
 * Time2Retain 20, level 1, InitialR2T Yes, ImmediateData Yes, in-order Yes,
 * digests ALLOW, auth "None", tpgt 1, no alias.
 */
void iscsi_param_limits_default(struct iscsi_param_limits *lim);

/* Negotiated values.  Keys never mentioned keep their section 13 default. */
struct iscsi_params {
	/* session-wide: meaningful on the leading connection only */
	bool discovery;			/* SessionType=Discovery */
	uint32_t max_connections;
	bool initial_r2t;
	bool immediate_data;
	uint32_t max_burst;
	uint32_t first_burst;		/* clamped to max_burst (13.14) */
	uint32_t default_time2wait;
	uint32_t default_time2retain;
	uint32_t max_outstanding_r2t;
	bool data_pdu_in_order;
	bool data_sequence_in_order;
	uint32_t error_recovery_level;	/* always 0: we support ERL 0 only */
	uint32_t protocol_level;	/* iSCSIProtocolLevel result */
	/* per connection */
	bool header_crc32c;
	bool data_crc32c;
	uint32_t max_xmit_dsl;		/* initiator's MRDSL: our PDU limit */
	uint32_t max_recv_dsl;		/* what we declared */
	enum iscsi_auth_method auth;
	/* names: point into the struct iscsi_nego (valid until release) or
	 * NULL when the initiator did not send them */
	const char *initiator_name;
	const char *initiator_alias;
	const char *target_name;
};

/* Negotiation stage: the CSG of a Login request, or FFP for Text. */
enum iscsi_nego_stage {
	ISCSI_STAGE_SECURITY = 0,
	ISCSI_STAGE_OPERATIONAL = 1,
	ISCSI_STAGE_FFP_TEXT = 3,
};

/* Number of keys in the descriptor table (internal, sizes the arrays). */
#define ISCSI_NKEYS 40

/*
 * Per-connection negotiation state.  Public only so callers can embed it;
 * touch it through the functions below.
 */
struct iscsi_nego {
	struct iscsi_param_limits lim;
	bool leading;
	bool discovery;			/* SessionType=Discovery seen */
	bool declared_tpgt;
	bool declared_mrdsl;
	enum iscsi_auth_method auth;
	uint64_t seen;			/* keys the initiator sent (login) */
	uint64_t offered;		/* keys we proposed, awaiting answer */
	uint64_t answered;		/* keys whose value is final */
	uint32_t num[ISCSI_NKEYS];	/* negotiated numeric/boolean result */
	char *str[ISCSI_NKEYS];		/* last raw value the initiator sent */
};

/* Resets @n for a new connection.  @leading: the connection's login has
 * TSIH 0 (it creates the session). */
void iscsi_nego_init(struct iscsi_nego *n, const struct iscsi_param_limits *lim,
		     bool leading);

/* Frees the stored values; @n may be re-initialised afterwards. */
void iscsi_nego_release(struct iscsi_nego *n);

/*
 * Processes one request data segment (a sequence of "key=value\0"; trailing
 * NUL padding is ignored) received in @stage, and appends to @out the
 * answers, each "key=value\0":
 *  - negotiated keys: the result (list: first value of the initiator's
 *    list we accept; numbers/booleans: result function of section 13);
 *  - malformed or unacceptable values: key=Reject (section 6.2);
 *  - keys irrelevant here (Discovery session, or session-wide keys on a
 *    non-leading connection): key=Irrelevant (section 6.2.2);
 *  - unknown keys, X- and X# extensions: key=NotUnderstood (6.2);
 *  - declarative keys (InitiatorName, InitiatorAlias, TargetName,
 *    SessionType, MaxRecvDataSegmentLength) and CHAP_* / SendTargets:
 *    no answer; the value is recorded for iscsi_nego_get().
 * Returns 0; -EPROTO on a protocol error (nothing useful in @out, *why is
 * a static message): a pair without '=', empty or overlong key name,
 * overlong value, missing final NUL, a key twice in one request or
 * renegotiated in a later login request (section 6.3), a key the initiator
 * must not send (TargetAlias, TargetAddress, TargetPortalGroupTag), a key
 * not allowed in this stage (security keys outside the security stage,
 * operational keys in it, login-only keys in FFP, SendTargets in login),
 * CHAP_* keys without AuthMethod=CHAP, or an answer to our own offer
 * outside what the result function allows; -ENOMEM if @out or value
 * storage ran out of memory.
 */
int iscsi_nego_process(struct iscsi_nego *n, enum iscsi_nego_stage stage,
		       const char *data, size_t len, struct strbuf *out,
		       const char **why);

/*
 * Appends what the target itself must say in the response being built for
 * @stage, each at most once per connection: TargetPortalGroupTag (and, in
 * a Normal session, TargetAlias if configured) in the first login response
 * after TargetName was received (section 13.9); MaxRecvDataSegmentLength
 * in the first operational-stage response (13.12); and, in the
 * operational stage, an offer for every key the initiator did not send
 * whose RFC default we cannot accept (e.g. MaxBurstLength below 262144,
 * HeaderDigest when CRC32C is required); session-wide keys only on the
 * leading connection of a Normal session.  Call after
 * iscsi_nego_process().
 */
void iscsi_nego_declare(struct iscsi_nego *n, enum iscsi_nego_stage stage,
			struct strbuf *out);

/* True while an offer of ours awaits the initiator's answer: the target
 * must not set the T bit (section 6.2). */
bool iscsi_nego_pending(const struct iscsi_nego *n);

/* The AuthMethod negotiation result so far. */
enum iscsi_auth_method iscsi_nego_auth(const struct iscsi_nego *n);

/*
 * Fills @out with the negotiated values, defaults for keys never
 * mentioned, FirstBurstLength clamped to MaxBurstLength.  May be called
 * again after FFP Text exchanges (MaxRecvDataSegmentLength may change).
 * Returns 0, or -EAGAIN while iscsi_nego_pending().
 */
int iscsi_nego_finish(const struct iscsi_nego *n, struct iscsi_params *out);

/*
 * The last value the initiator sent for @key (one of the keys in the
 * table: InitiatorName, TargetName, SessionType, AuthMethod, CHAP_A,
 * CHAP_N, CHAP_R, CHAP_I, CHAP_C, SendTargets, InitiatorAlias, ...), or
 * NULL if it never did.  Valid until that key is received again or
 * iscsi_nego_release().
 */
const char *iscsi_nego_get(const struct iscsi_nego *n, const char *key);

#endif
