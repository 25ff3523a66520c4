/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: usr/iscsi/param (RFC 7143 text-key negotiation).  Requests
 * and expected responses are written with '\n' where the wire has NUL.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi/param.h"
#include "util/strbuf.h"
#include "util/util.h"

static struct iscsi_param_limits lim;
static struct iscsi_nego n;
static struct strbuf out;
static const char *why;
static char resp[32768];

/* Runs one request; resp holds the answers with NUL shown as '\n'. */
static int req_raw(enum iscsi_nego_stage st, const char *buf, size_t len)
{
	int ret;

	strbuf_reset(&out);
	ret = iscsi_nego_process(&n, st, buf, len, &out, &why);
	ck_assert_uint_lt(out.len, sizeof(resp));
	for (size_t i = 0; i < out.len; i++)
		resp[i] = out.buf[i] ? out.buf[i] : '\n';
	resp[out.len] = '\0';
	return ret;
}

/* A literal with its explicit NULs, without the compiler's final one. */
#define RAW(lit) lit, sizeof(lit) - 1

static int req(enum iscsi_nego_stage st, const char *text)
{
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	int ret;

	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i <= len; i++)
		buf[i] = text[i] == '\n' ? '\0' : text[i];
	ret = req_raw(st, buf, len);
	free(buf);
	return ret;
}

static int op(const char *text)
{
	return req(ISCSI_STAGE_OPERATIONAL, text);
}

/* Expects success and exactly @expect as the answer. */
static void op_ok(const char *text, const char *expect)
{
	int ret = op(text);

	ck_assert_msg(ret == 0, "%s: ret %d (%s)", text, ret, why ? why : "");
	ck_assert_str_eq(resp, expect);
}

static void op_eproto(const char *text)
{
	ck_assert_int_eq(op(text), -EPROTO);
	ck_assert_ptr_nonnull(why);
}

static const char *declare(enum iscsi_nego_stage st)
{
	strbuf_reset(&out);
	iscsi_nego_declare(&n, st, &out);
	for (size_t i = 0; i < out.len; i++)
		resp[i] = out.buf[i] ? out.buf[i] : '\n';
	resp[out.len] = '\0';
	return resp;
}

static void restart(bool leading)
{
	iscsi_nego_release(&n);
	iscsi_nego_init(&n, &lim, leading);
}

static void setup(void)
{
	iscsi_param_limits_default(&lim);
	strbuf_init(&out);
	iscsi_nego_init(&n, &lim, true);
}

static void teardown(void)
{
	iscsi_nego_release(&n);
	strbuf_release(&out);
}

/* Limits under which every min/max result equals the initiator's offer. */
static void lim_wide(void)
{
	lim.max_burst = ISCSI_DSL_MAX;
	lim.first_burst = ISCSI_DSL_MAX;
	lim.max_outstanding_r2t = 65535;
	lim.max_conns = 65535;
	lim.default_time2wait = 0;
	lim.default_time2retain = 3600;
	lim.protocol_level = 31;
	restart(true);
}

/* ---- syntax ---- */

START_TEST(test_syntax_errors)
{
	char big[ISCSI_LARGE_VALUE_MAX + 32];

	op_eproto("HeaderDigest\n");
	op_eproto("=None\n");
	op_eproto("MaxBurstLength=512\nMaxBurstLength=512\n");
	op_eproto("X-foo=1\nX-foo=2\n");
	op_eproto("Bad Key=1\n");
	/* an empty pair in the middle is not padding */
	ck_assert_int_eq(req_raw(ISCSI_STAGE_OPERATIONAL,
				 RAW("ImmediateData=Yes\0\0InitialR2T=Yes\0")),
			 -EPROTO);
	/* the last pair must be NUL terminated */
	ck_assert_int_eq(req_raw(ISCSI_STAGE_OPERATIONAL, RAW("InitialR2T=Yes")),
			 -EPROTO);
	/* trailing NUL padding is tolerated; an empty request is fine */
	ck_assert_int_eq(req_raw(ISCSI_STAGE_OPERATIONAL,
				 RAW("InitialR2T=Yes\0\0\0")), 0);
	ck_assert_str_eq(resp, "InitialR2T=Yes\n");
	ck_assert_int_eq(req_raw(ISCSI_STAGE_OPERATIONAL, RAW("\0\0\0\0")), 0);
	ck_assert_str_eq(resp, "");
	ck_assert_int_eq(req_raw(ISCSI_STAGE_OPERATIONAL, "", 0), 0);

	/* key names: 63 bytes fine (unknown), 64 too long */
	memset(big, 'K', sizeof(big));
	memcpy(big + 63, "=v\n", 4);
	op_ok(big, "KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK"
		   "=NotUnderstood\n");
	memset(big, 'K', sizeof(big));
	memcpy(big + 64, "=v\n", 4);
	op_eproto(big);
	/* values: 255 fine, 256 too long */
	memcpy(big, "X-v=", 4);
	memset(big + 4, 'a', 255);
	memcpy(big + 4 + 255, "\n", 2);
	op_ok(big, "X-v=NotUnderstood\n");
	memset(big + 4, 'a', 256);
	memcpy(big + 4 + 256, "\n", 2);
	op_eproto(big);
}
END_TEST

START_TEST(test_failed_request_changes_nothing)
{
	struct iscsi_params p;

	/* the error is in the last pair: the first must not be applied */
	op_eproto("MaxBurstLength=1024\nTargetAddress=1.2.3.4\n");
	op_ok("MaxBurstLength=4096\n", "MaxBurstLength=4096\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.max_burst, 4096);
}
END_TEST

/* ---- numbers ---- */

struct num_case {
	const char *key;
	uint32_t min, max;
};

static const struct num_case num_cases[] = {
	{ "MaxConnections", 1, 65535 },
	{ "MaxBurstLength", 512, 16777215 },
	{ "FirstBurstLength", 512, 16777215 },
	{ "DefaultTime2Wait", 0, 3600 },
	{ "DefaultTime2Retain", 0, 3600 },
	{ "MaxOutstandingR2T", 1, 65535 },
	{ "iSCSIProtocolLevel", 0, 31 },
};

static void num_expect(const char *key, const char *val, const char *answer)
{
	char text[128], expect[128];

	restart(true);
	snprintf(text, sizeof(text), "%s=%s\n", key, val);
	snprintf(expect, sizeof(expect), "%s=%s\n", key, answer);
	op_ok(text, expect);
}

static void num_expect_u(const char *key, uint64_t v, const char *answer)
{
	char val[32], ans[32];

	snprintf(val, sizeof(val), "%llu", (unsigned long long)v);
	snprintf(ans, sizeof(ans), "%llu", (unsigned long long)v);
	num_expect(key, val, answer ? answer : ans);
}

START_TEST(test_numeric_boundaries)
{
	const struct num_case *c = &num_cases[_i];
	char hex[32];

	lim_wide();
	if (c->min > 0)
		num_expect_u(c->key, c->min - 1ull, "Reject");
	num_expect_u(c->key, c->min, NULL);
	num_expect_u(c->key, c->max, NULL);
	num_expect_u(c->key, c->max + 1ull, "Reject");
	/* hex is a numerical value too (section 6.1); we answer decimal */
	snprintf(hex, sizeof(hex), "0x%X", c->max);
	num_expect_u(c->key, c->max, NULL);
	restart(true);
	{
		char text[96], expect[96];

		snprintf(text, sizeof(text), "%s=%s\n", c->key, hex);
		snprintf(expect, sizeof(expect), "%s=%u\n", c->key, c->max);
		op_ok(text, expect);
	}
	num_expect(c->key, "", "Reject");
	num_expect(c->key, "abc", "Reject");
	num_expect(c->key, "0x", "Reject");
	num_expect(c->key, "0xg1", "Reject");
	num_expect(c->key, "-1", "Reject");
	num_expect(c->key, "+1", "Reject");
	num_expect(c->key, " 1", "Reject");
	num_expect(c->key, "1 ", "Reject");
	num_expect(c->key, "0b1234", "Reject");
	num_expect(c->key, "01", "Reject");
	num_expect(c->key, "18446744073709551616", "Reject");
	num_expect(c->key, "0x10000000000000000", "Reject");
	num_expect(c->key, "Irrelevant", "Reject");
}
END_TEST

START_TEST(test_numeric_result_functions)
{
	struct iscsi_params p;

	lim.max_burst = 131072;
	lim.first_burst = 32768;
	lim.max_outstanding_r2t = 4;
	lim.max_conns = 2;
	lim.default_time2wait = 5;
	lim.default_time2retain = 10;
	lim.protocol_level = 1;
	restart(true);
	/* min: the smaller of offer and ours; max: the larger */
	op_ok("MaxBurstLength=262144\nFirstBurstLength=1024\n"
	      "MaxOutstandingR2T=8\nMaxConnections=1\nDefaultTime2Wait=2\n"
	      "DefaultTime2Retain=20\niSCSIProtocolLevel=2\n"
	      "ErrorRecoveryLevel=2\n",
	      "MaxBurstLength=131072\nFirstBurstLength=1024\n"
	      "MaxOutstandingR2T=4\nMaxConnections=1\nDefaultTime2Wait=5\n"
	      "DefaultTime2Retain=10\niSCSIProtocolLevel=1\n"
	      "ErrorRecoveryLevel=0\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.max_burst, 131072);
	ck_assert_uint_eq(p.first_burst, 1024);
	ck_assert_uint_eq(p.max_outstanding_r2t, 4);
	ck_assert_uint_eq(p.max_connections, 1);
	ck_assert_uint_eq(p.default_time2wait, 5);
	ck_assert_uint_eq(p.default_time2retain, 10);
	ck_assert_uint_eq(p.protocol_level, 1);
	ck_assert_uint_eq(p.error_recovery_level, 0);

	restart(true);
	op_ok("iSCSIProtocolLevel=0\nDefaultTime2Wait=3600\n"
	      "DefaultTime2Retain=0\n",
	      "iSCSIProtocolLevel=0\nDefaultTime2Wait=3600\n"
	      "DefaultTime2Retain=0\n");
}
END_TEST

START_TEST(test_erl)
{
	op_ok("ErrorRecoveryLevel=0\n", "ErrorRecoveryLevel=0\n");
	restart(true);
	op_ok("ErrorRecoveryLevel=1\n", "ErrorRecoveryLevel=0\n");
	restart(true);
	op_ok("ErrorRecoveryLevel=2\n", "ErrorRecoveryLevel=0\n");
	restart(true);
	op_ok("ErrorRecoveryLevel=3\n", "ErrorRecoveryLevel=Reject\n");
	restart(true);
	op_ok("ErrorRecoveryLevel=x\n", "ErrorRecoveryLevel=Reject\n");
}
END_TEST

START_TEST(test_mrdsl)
{
	struct iscsi_params p;

	/* declarative: recorded, never answered */
	op_ok("MaxRecvDataSegmentLength=512\n", "");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.max_xmit_dsl, 512);
	ck_assert_uint_eq(p.max_recv_dsl, 8192);
	restart(true);
	op_ok("MaxRecvDataSegmentLength=16777215\n", "");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.max_xmit_dsl, 16777215);
	restart(true);
	op_ok("MaxRecvDataSegmentLength=511\n",
	      "MaxRecvDataSegmentLength=Reject\n");
	restart(true);
	op_ok("MaxRecvDataSegmentLength=16777216\n",
	      "MaxRecvDataSegmentLength=Reject\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.max_xmit_dsl, 8192);
	/* FFP: may be redeclared, in every Text exchange */
	restart(true);
	op_ok("MaxRecvDataSegmentLength=65536\n", "");
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT,
			     "MaxRecvDataSegmentLength=4096\n"), 0);
	ck_assert_str_eq(resp, "");
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT,
			     "MaxRecvDataSegmentLength=1024\n"), 0);
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.max_xmit_dsl, 1024);
}
END_TEST

/* ---- booleans ---- */

struct bool_case {
	const char *key;
	bool is_or;
	size_t lim_off;
};

static const struct bool_case bool_cases[] = {
	{ "InitialR2T", true, offsetof(struct iscsi_param_limits, initial_r2t) },
	{ "ImmediateData", false,
	  offsetof(struct iscsi_param_limits, immediate_data) },
	{ "DataPDUInOrder", true,
	  offsetof(struct iscsi_param_limits, data_pdu_in_order) },
	{ "DataSequenceInOrder", true,
	  offsetof(struct iscsi_param_limits, data_sequence_in_order) },
};

START_TEST(test_booleans)
{
	const struct bool_case *c = &bool_cases[_i];
	static const char *const bad[] = { "yes", "no", "YES", "", "1",
					   "true", "Yes,No", "Yes " };
	char text[96], expect[96];

	for (int ours = 0; ours < 2; ours++) {
		for (int theirs = 0; theirs < 2; theirs++) {
			bool r = c->is_or ? (ours || theirs) : (ours && theirs);

			*(bool *)((char *)&lim + c->lim_off) = ours;
			restart(true);
			snprintf(text, sizeof(text), "%s=%s\n", c->key,
				 theirs ? "Yes" : "No");
			snprintf(expect, sizeof(expect), "%s=%s\n", c->key,
				 r ? "Yes" : "No");
			op_ok(text, expect);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		restart(true);
		snprintf(text, sizeof(text), "%s=%s\n", c->key, bad[i]);
		snprintf(expect, sizeof(expect), "%s=Reject\n", c->key);
		op_ok(text, expect);
	}
}
END_TEST

START_TEST(test_boolean_results)
{
	struct iscsi_params p;

	lim.initial_r2t = false;
	lim.immediate_data = true;
	lim.data_pdu_in_order = false;
	lim.data_sequence_in_order = false;
	restart(true);
	op_ok("InitialR2T=No\nImmediateData=No\nDataPDUInOrder=No\n"
	      "DataSequenceInOrder=Yes\n",
	      "InitialR2T=No\nImmediateData=No\nDataPDUInOrder=No\n"
	      "DataSequenceInOrder=Yes\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(!p.initial_r2t);
	ck_assert(!p.immediate_data);
	ck_assert(!p.data_pdu_in_order);
	ck_assert(p.data_sequence_in_order);
}
END_TEST

/* ---- lists ---- */

START_TEST(test_digests)
{
	struct iscsi_params p;

	/* ALLOW: the initiator's order decides (section 6.2.1) */
	op_ok("HeaderDigest=CRC32C,None\nDataDigest=None,CRC32C\n",
	      "HeaderDigest=CRC32C\nDataDigest=None\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(p.header_crc32c);
	ck_assert(!p.data_crc32c);

	lim.header_digest = ISCSI_DIGEST_REQUIRE;
	lim.data_digest = ISCSI_DIGEST_NONE;
	restart(true);
	op_ok("HeaderDigest=None,CRC32C\nDataDigest=CRC32C,None\n",
	      "HeaderDigest=CRC32C\nDataDigest=None\n");
	restart(true);
	op_ok("HeaderDigest=None\nDataDigest=CRC32C\n",
	      "HeaderDigest=Reject\nDataDigest=Reject\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(!p.data_crc32c);

	/* unknown values are skipped; empty items or lists get nothing */
	lim.header_digest = ISCSI_DIGEST_ALLOW;
	lim.data_digest = ISCSI_DIGEST_ALLOW;
	restart(true);
	op_ok("HeaderDigest=MD5,,CRC32C\nDataDigest=\n",
	      "HeaderDigest=CRC32C\nDataDigest=Reject\n");
	restart(true);
	op_ok("HeaderDigest=crc32c\nDataDigest=X-digest\n",
	      "HeaderDigest=Reject\nDataDigest=Reject\n");
}
END_TEST

START_TEST(test_auth_method)
{
	/* default configuration: None only */
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "AuthMethod=CHAP,None\n"), 0);
	ck_assert_str_eq(resp, "AuthMethod=None\n");
	ck_assert_int_eq(iscsi_nego_auth(&n), ISCSI_AUTH_NONE);
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "AuthMethod=CHAP\n"), 0);
	ck_assert_str_eq(resp, "AuthMethod=Reject\n");
	ck_assert_int_eq(iscsi_nego_auth(&n), ISCSI_AUTH_REJECTED);

	lim.auth_methods = "CHAP";
	restart(true);
	ck_assert_int_eq(iscsi_nego_auth(&n), ISCSI_AUTH_UNSET);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY,
			     "AuthMethod=KRB5,SRP,CHAP,None\n"), 0);
	ck_assert_str_eq(resp, "AuthMethod=CHAP\n");
	ck_assert_int_eq(iscsi_nego_auth(&n), ISCSI_AUTH_CHAP);
	ck_assert_str_eq(iscsi_nego_get(&n, "AuthMethod"),
			 "KRB5,SRP,CHAP,None");
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "AuthMethod=None\n"), 0);
	ck_assert_str_eq(resp, "AuthMethod=Reject\n");

	lim.auth_methods = "CHAP,None";
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "AuthMethod=None,CHAP\n"), 0);
	ck_assert_str_eq(resp, "AuthMethod=None\n");
	/* security keys belong to the security stage (section 6.3) */
	restart(true);
	op_eproto("AuthMethod=None\n");
}
END_TEST

START_TEST(test_task_reporting)
{
	op_ok("TaskReporting=RFC3720\n", "TaskReporting=RFC3720\n");
	restart(true);
	op_ok("TaskReporting=FastAbort,ResponseFence,RFC3720\n",
	      "TaskReporting=RFC3720\n");
	restart(true);
	op_ok("TaskReporting=FastAbort\n", "TaskReporting=Reject\n");
}
END_TEST

/* ---- defaults, clamping ---- */

START_TEST(test_defaults)
{
	struct iscsi_params p;

	op_ok("", "");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(!p.discovery);
	ck_assert_uint_eq(p.max_connections, 1);
	ck_assert(p.initial_r2t);
	ck_assert(p.immediate_data);
	ck_assert_uint_eq(p.max_burst, 262144);
	ck_assert_uint_eq(p.first_burst, 65536);
	ck_assert_uint_eq(p.default_time2wait, 2);
	ck_assert_uint_eq(p.default_time2retain, 20);
	ck_assert_uint_eq(p.max_outstanding_r2t, 1);
	ck_assert(p.data_pdu_in_order);
	ck_assert(p.data_sequence_in_order);
	ck_assert_uint_eq(p.error_recovery_level, 0);
	ck_assert_uint_eq(p.protocol_level, 0);
	ck_assert(!p.header_crc32c);
	ck_assert(!p.data_crc32c);
	ck_assert_uint_eq(p.max_xmit_dsl, 8192);
	ck_assert_uint_eq(p.max_recv_dsl, 8192);
	ck_assert_int_eq(p.auth, ISCSI_AUTH_UNSET);
	ck_assert_ptr_null(p.initiator_name);
	ck_assert_ptr_null(p.target_name);
	ck_assert_ptr_null(p.initiator_alias);
	ck_assert_ptr_null(iscsi_nego_get(&n, "InitiatorName"));
	ck_assert_ptr_null(iscsi_nego_get(&n, "NoSuchKey"));
}
END_TEST

START_TEST(test_limits_clamped)
{
	struct iscsi_params p;

	lim.max_recv_dsl = 100;
	lim.max_burst = 1u << 30;
	lim.first_burst = 1u << 29;
	lim.max_conns = 0;
	lim.auth_methods = NULL;
	restart(true);
	op_ok("MaxBurstLength=16777215\nFirstBurstLength=16777215\n"
	      "MaxConnections=9\n",
	      "MaxBurstLength=16777215\nFirstBurstLength=16777215\n"
	      "MaxConnections=1\n");
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL),
			 "MaxRecvDataSegmentLength=512\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.max_recv_dsl, 512);
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "AuthMethod=None\n"), 0);
	ck_assert_str_eq(resp, "AuthMethod=None\n");
}
END_TEST

START_TEST(test_first_burst_clamp)
{
	struct iscsi_params p;

	lim_wide();
	/* FirstBurstLength before MaxBurstLength: clamped at the end */
	op_ok("FirstBurstLength=262144\nMaxBurstLength=16384\n",
	      "FirstBurstLength=262144\nMaxBurstLength=16384\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.max_burst, 16384);
	ck_assert_uint_eq(p.first_burst, 16384);
	/* after it: the answer itself obeys 13.14 */
	restart(true);
	op_ok("MaxBurstLength=16384\nFirstBurstLength=262144\n",
	      "MaxBurstLength=16384\nFirstBurstLength=16384\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.first_burst, 16384);
	/* only MaxBurstLength sent, below the FirstBurstLength default */
	restart(true);
	op_ok("MaxBurstLength=4096\n", "MaxBurstLength=4096\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.first_burst, 4096);
	/* in a later request */
	restart(true);
	op_ok("MaxBurstLength=8192\n", "MaxBurstLength=8192\n");
	op_ok("FirstBurstLength=65536\n", "FirstBurstLength=8192\n");
}
END_TEST

/* ---- session type, relevance ---- */

START_TEST(test_discovery_irrelevant)
{
	static const char *const keys[][2] = {
		{ "MaxConnections", "1" }, { "InitialR2T", "Yes" },
		{ "ImmediateData", "Yes" }, { "MaxBurstLength", "512" },
		{ "FirstBurstLength", "512" }, { "MaxOutstandingR2T", "1" },
		{ "DataPDUInOrder", "Yes" }, { "DataSequenceInOrder", "Yes" },
		{ "DefaultTime2Wait", "2" }, { "DefaultTime2Retain", "20" },
		{ "TaskReporting", "RFC3720" }, { "iSCSIProtocolLevel", "1" },
	};
	struct iscsi_params p;
	char text[128], expect[128];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		restart(true);
		/* SessionType after the key still counts */
		snprintf(text, sizeof(text), "%s=%s\nSessionType=Discovery\n",
			 keys[i][0], keys[i][1]);
		snprintf(expect, sizeof(expect), "%s=Irrelevant\n", keys[i][0]);
		op_ok(text, expect);
	}
	/* relevant to discovery: digests, ERL, MRDSL */
	restart(true);
	op_ok("SessionType=Discovery\nHeaderDigest=CRC32C\nDataDigest=None\n"
	      "ErrorRecoveryLevel=1\nMaxRecvDataSegmentLength=65536\n"
	      "MaxBurstLength=junk\n",
	      "HeaderDigest=CRC32C\nDataDigest=None\nErrorRecoveryLevel=0\n"
	      "MaxBurstLength=Irrelevant\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(p.discovery);
	ck_assert(p.header_crc32c);
	ck_assert_uint_eq(p.max_xmit_dsl, 65536);
	ck_assert_uint_eq(p.max_burst, 262144);
	/* no TargetName: no TPGT; MRDSL declared; no offers */
	lim.max_burst = 4096;
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL),
			 "MaxRecvDataSegmentLength=8192\n");
	ck_assert(!iscsi_nego_pending(&n));
}
END_TEST

START_TEST(test_session_type)
{
	struct iscsi_params p;

	op_ok("SessionType=Normal\nMaxConnections=1\n", "MaxConnections=1\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(!p.discovery);
	ck_assert_str_eq(iscsi_nego_get(&n, "SessionType"), "Normal");
	restart(true);
	op_ok("SessionType=discovery\n", "SessionType=Reject\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(!p.discovery);
	/* declared once per login (the same value again is tolerated:
	 * test_renegotiation) */
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "SessionType=Discovery\n"),
			 0);
	op_eproto("SessionType=Normal\n");
}
END_TEST

START_TEST(test_non_leading)
{
	struct iscsi_params p;

	lim.header_digest = ISCSI_DIGEST_REQUIRE;
	lim.max_burst = 4096;
	restart(false);
	op_ok("SessionType=Normal\nHeaderDigest=None,CRC32C\n"
	      "DataDigest=None\nMaxRecvDataSegmentLength=4096\n"
	      "MaxBurstLength=4096\nInitialR2T=No\nErrorRecoveryLevel=0\n"
	      "MaxConnections=2\niSCSIProtocolLevel=1\n",
	      "HeaderDigest=CRC32C\nDataDigest=None\n"
	      "MaxBurstLength=Irrelevant\nInitialR2T=Irrelevant\n"
	      "ErrorRecoveryLevel=Irrelevant\nMaxConnections=Irrelevant\n"
	      "iSCSIProtocolLevel=Irrelevant\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(p.header_crc32c);
	ck_assert_uint_eq(p.max_xmit_dsl, 4096);
	/* no session-wide offers on a non-leading connection */
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL),
			 "MaxRecvDataSegmentLength=8192\n");
	ck_assert(!iscsi_nego_pending(&n));
	/* but per-connection ones (digest) are */
	restart(false);
	op_ok("", "");
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL),
			 "MaxRecvDataSegmentLength=8192\nHeaderDigest=CRC32C\n");
	ck_assert(iscsi_nego_pending(&n));
}
END_TEST

/* ---- unknown, extension, obsolete, target-only keys ---- */

START_TEST(test_not_understood)
{
	char text[2048];
	size_t off = 0;

	op_ok("X-com.example.Foo=bar\nX#org.example.baz=1\nFooBar=1\n"
	      "headerdigest=None\nX-empty=\n",
	      "X-com.example.Foo=NotUnderstood\nX#org.example.baz=NotUnderstood\n"
	      "FooBar=NotUnderstood\nheaderdigest=NotUnderstood\n"
	      "X-empty=NotUnderstood\n");
	/* unknown keys in every stage, including the security stage */
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "X-a=1\n"), 0);
	ck_assert_str_eq(resp, "X-a=NotUnderstood\n");
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT, "X-a=1\n"), 0);
	ck_assert_str_eq(resp, "X-a=NotUnderstood\n");
	/* "X-a" and "X-ab" are different keys */
	op_ok("X-a=1\nX-ab=2\n", "X-a=NotUnderstood\nX-ab=NotUnderstood\n");
	/* a bounded number of them */
	for (int i = 0; i < 64; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"X-k%d=1\n", i);
	ck_assert_int_eq(op(text), 0);
	snprintf(text + off, sizeof(text) - off, "X-k64=1\n");
	op_eproto(text);
}
END_TEST

START_TEST(test_obsolete_markers)
{
	/* RFC 7143 13.25 */
	op_ok("IFMarker=No\nOFMarker=Yes\nIFMarkInt=2048~8192\n"
	      "OFMarkInt=2048\n",
	      "IFMarker=Reject\nOFMarker=Reject\nIFMarkInt=Reject\n"
	      "OFMarkInt=Reject\n");
}
END_TEST

START_TEST(test_target_only_keys)
{
	op_eproto("TargetAlias=foo\n");
	restart(true);
	op_eproto("TargetAddress=10.0.0.1:3260,1\n");
	restart(true);
	op_eproto("TargetPortalGroupTag=1\n");
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "TargetPortalGroupTag=1\n"),
			 -EPROTO);
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT, "TargetAlias=x\n"), -EPROTO);
}
END_TEST

/* ---- stages, renegotiation ---- */

START_TEST(test_stage_rules)
{
	/* operational keys do not belong to the security stage */
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "HeaderDigest=None\n"),
			 -EPROTO);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY,
			     "MaxRecvDataSegmentLength=8192\n"), -EPROTO);
	/* names belong to either login stage */
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY,
			     "InitiatorName=iqn.1994-05.com.example:a\n"), 0);
	ck_assert_str_eq(resp, "");
	ck_assert_int_eq(req(ISCSI_STAGE_OPERATIONAL,
			     "TargetName=iqn.2026-11.org.example:t\n"), 0);
	ck_assert_str_eq(iscsi_nego_get(&n, "TargetName"),
			 "iqn.2026-11.org.example:t");
	/* CHAP_* need AuthMethod=CHAP, and the security stage */
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "CHAP_A=5\n"), -EPROTO);
	ck_assert_int_eq(req(ISCSI_STAGE_OPERATIONAL, "CHAP_A=5\n"), -EPROTO);
	/* SendTargets is FFP only; login-only keys are not FFP */
	ck_assert_int_eq(req(ISCSI_STAGE_OPERATIONAL, "SendTargets=All\n"),
			 -EPROTO);
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT, "MaxBurstLength=512\n"),
			 -EPROTO);
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT, "HeaderDigest=None\n"),
			 -EPROTO);
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT,
			     "InitiatorName=iqn.x:y\n"), -EPROTO);
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT, "SendTargets=All\n"), 0);
	ck_assert_str_eq(resp, "");
	ck_assert_str_eq(iscsi_nego_get(&n, "SendTargets"), "All");
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT,
			     "SendTargets=\nInitiatorAlias=box\n"), 0);
	ck_assert_str_eq(iscsi_nego_get(&n, "SendTargets"), "");
	ck_assert_str_eq(iscsi_nego_get(&n, "InitiatorAlias"), "box");
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT,
			     "SendTargets=All\nSendTargets=All\n"), -EPROTO);
}
END_TEST

START_TEST(test_renegotiation)
{
	struct iscsi_params p;

	op_ok("MaxBurstLength=8192\nX-a=1\n",
	      "MaxBurstLength=8192\nX-a=NotUnderstood\n");
	op_eproto("MaxBurstLength=4096\n");
	/* the error changed nothing */
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_uint_eq(p.max_burst, 8192);
	/* unknown keys may come again; rejected values count as sent */
	op_ok("X-a=1\nInitialR2T=maybe\n", "X-a=NotUnderstood\n"
	      "InitialR2T=Reject\n");
	op_eproto("InitialR2T=Yes\n");
	/* across the security/operational boundary too */
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "InitiatorName=iqn.a:b\n"
			     "SessionType=Discovery\n"), 0);
	/* the same identity again (libiscsi after AuthMethod=None) is
	 * harmless; a different one is not */
	op_ok("InitiatorName=iqn.a:b\nSessionType=Discovery\n", "");
	op_eproto("InitiatorName=iqn.a:c\n");
	op_eproto("SessionType=Normal\n");
}
END_TEST

/* ---- declarations and offers ---- */

START_TEST(test_declarations_once)
{
	lim.target_alias = "disk one";
	lim.tpgt = 7;
	restart(true);
	/* nothing to declare before the initiator names a target */
	ck_assert_str_eq(declare(ISCSI_STAGE_SECURITY), "");
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY,
			     "InitiatorName=iqn.a:b\nTargetName=iqn.t:1\n"
			     "AuthMethod=None\n"), 0);
	ck_assert_str_eq(declare(ISCSI_STAGE_SECURITY),
			 "TargetPortalGroupTag=7\nTargetAlias=disk one\n");
	ck_assert_str_eq(declare(ISCSI_STAGE_SECURITY), "");
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL),
			 "MaxRecvDataSegmentLength=8192\n");
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL), "");
	ck_assert_str_eq(declare(ISCSI_STAGE_FFP_TEXT), "");

	/* login starting in the operational stage: all in one response */
	restart(true);
	op_ok("InitiatorName=iqn.a:b\nTargetName=iqn.t:1\n", "");
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL),
			 "TargetPortalGroupTag=7\nTargetAlias=disk one\n"
			 "MaxRecvDataSegmentLength=8192\n");
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL), "");
}
END_TEST

START_TEST(test_offers)
{
	struct iscsi_params p;

	lim.max_burst = 131072;
	lim.first_burst = 32768;
	lim.immediate_data = false;
	lim.default_time2wait = 5;
	lim.default_time2retain = 10;
	lim.data_digest = ISCSI_DIGEST_REQUIRE;
	restart(true);
	op_ok("InitiatorName=iqn.a:b\nTargetName=iqn.t:1\nMaxBurstLength=65536\n",
	      "MaxBurstLength=65536\n");
	/* MaxBurstLength was negotiated: not offered again */
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL),
			 "TargetPortalGroupTag=1\nMaxRecvDataSegmentLength=8192\n"
			 "DataDigest=CRC32C\nImmediateData=No\n"
			 "FirstBurstLength=32768\nDefaultTime2Wait=5\n"
			 "DefaultTime2Retain=10\n");
	ck_assert(iscsi_nego_pending(&n));
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), -EAGAIN);
	/* answers beyond the result function are protocol errors */
	op_eproto("FirstBurstLength=65536\n");
	op_eproto("DefaultTime2Wait=4\n");
	op_eproto("ImmediateData=Yes\n");
	op_eproto("DataDigest=None\n");
	op_eproto("DataDigest=CRC32C,None\n");
	op_eproto("DefaultTime2Retain=Reject\n");
	/* legal answers are taken silently */
	op_ok("DataDigest=CRC32C\nImmediateData=No\nFirstBurstLength=16384\n",
	      "");
	ck_assert(iscsi_nego_pending(&n));
	op_ok("DefaultTime2Wait=10\nDefaultTime2Retain=0\n", "");
	ck_assert(!iscsi_nego_pending(&n));
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL), "");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(p.data_crc32c);
	ck_assert(!p.immediate_data);
	ck_assert_uint_eq(p.max_burst, 65536);
	ck_assert_uint_eq(p.first_burst, 16384);
	ck_assert_uint_eq(p.default_time2wait, 10);
	ck_assert_uint_eq(p.default_time2retain, 0);
	/* and cannot be renegotiated afterwards */
	op_eproto("DefaultTime2Wait=10\n");
}
END_TEST

/* ---- CHAP pass-through ---- */

START_TEST(test_chap_passthrough)
{
	static char big[ISCSI_LARGE_VALUE_MAX + 64];
	struct iscsi_params p;

	lim.auth_methods = "CHAP";
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY,
			     "InitiatorName=iqn.a:b\nTargetName=iqn.t:1\n"
			     "SessionType=Normal\nAuthMethod=CHAP,None\n"), 0);
	ck_assert_str_eq(resp, "AuthMethod=CHAP\n");
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "CHAP_A=7,5\n"), 0);
	ck_assert_str_eq(resp, "");
	ck_assert_str_eq(iscsi_nego_get(&n, "CHAP_A"), "7,5");
	/* large binary values: up to 8192 */
	memcpy(big, "CHAP_N=user\nCHAP_R=0x", 21);
	memset(big + 21, 'a', ISCSI_LARGE_VALUE_MAX - 2);
	memcpy(big + 19 + ISCSI_LARGE_VALUE_MAX, "\nCHAP_I=1\nCHAP_C=0x01\n",
	       23);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, big), 0);
	ck_assert_str_eq(resp, "");
	ck_assert_str_eq(iscsi_nego_get(&n, "CHAP_N"), "user");
	ck_assert_uint_eq(strlen(iscsi_nego_get(&n, "CHAP_R")),
			  ISCSI_LARGE_VALUE_MAX);
	ck_assert_str_eq(iscsi_nego_get(&n, "CHAP_I"), "1");
	ck_assert_str_eq(iscsi_nego_get(&n, "CHAP_C"), "0x01");
	/* each CHAP key once */
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "CHAP_A=5\n"), -EPROTO);
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert_int_eq(p.auth, ISCSI_AUTH_CHAP);
	ck_assert_str_eq(p.initiator_name, "iqn.a:b");
	ck_assert_str_eq(p.target_name, "iqn.t:1");

	/* 8193 is too long; other keys keep the 255 limit */
	restart(true);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, "AuthMethod=CHAP\n"), 0);
	memcpy(big, "CHAP_R=0x", 9);
	memset(big + 9, 'a', ISCSI_LARGE_VALUE_MAX - 1);
	memcpy(big + 8 + ISCSI_LARGE_VALUE_MAX, "\n", 2);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, big), -EPROTO);
	memcpy(big, "CHAP_N=", 7);
	memset(big + 7, 'u', 256);
	memcpy(big + 7 + 256, "\n", 2);
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY, big), -EPROTO);
}
END_TEST

/* ---- whole logins as real initiators send them ---- */

START_TEST(test_open_iscsi_login)
{
	struct iscsi_params p;

	lim.target_alias = "tgt disk";
	restart(true);
	/* open-iscsi 2.1: security stage first, AuthMethod=None */
	ck_assert_int_eq(req(ISCSI_STAGE_SECURITY,
		"InitiatorName=iqn.2016-04.com.open-iscsi:1b2c3d4e5f6\n"
		"InitiatorAlias=host1\n"
		"TargetName=iqn.2026-11.org.example:disk1\n"
		"SessionType=Normal\n"
		"AuthMethod=None\n"), 0);
	ck_assert_str_eq(resp, "AuthMethod=None\n");
	ck_assert_str_eq(declare(ISCSI_STAGE_SECURITY),
			 "TargetPortalGroupTag=1\nTargetAlias=tgt disk\n");
	ck_assert_int_eq(req(ISCSI_STAGE_OPERATIONAL,
		"HeaderDigest=None\n"
		"DataDigest=None\n"
		"MaxRecvDataSegmentLength=262144\n"
		"ErrorRecoveryLevel=0\n"
		"DefaultTime2Wait=2\n"
		"DefaultTime2Retain=0\n"
		"IFMarker=No\n"
		"OFMarker=No\n"
		"InitialR2T=No\n"
		"ImmediateData=Yes\n"
		"MaxBurstLength=16776192\n"
		"FirstBurstLength=262144\n"
		"MaxOutstandingR2T=1\n"
		"MaxConnections=1\n"
		"DataPDUInOrder=Yes\n"
		"DataSequenceInOrder=Yes\n"), 0);
	ck_assert_str_eq(resp,
		"HeaderDigest=None\n"
		"DataDigest=None\n"
		"ErrorRecoveryLevel=0\n"
		"DefaultTime2Wait=2\n"
		"DefaultTime2Retain=0\n"
		"IFMarker=Reject\n"
		"OFMarker=Reject\n"
		"InitialR2T=Yes\n"
		"ImmediateData=Yes\n"
		"MaxBurstLength=262144\n"
		"FirstBurstLength=65536\n"
		"MaxOutstandingR2T=1\n"
		"MaxConnections=1\n"
		"DataPDUInOrder=Yes\n"
		"DataSequenceInOrder=Yes\n");
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL),
			 "MaxRecvDataSegmentLength=8192\n");
	ck_assert(!iscsi_nego_pending(&n));
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(!p.discovery);
	ck_assert(p.initial_r2t);
	ck_assert(p.immediate_data);
	ck_assert_uint_eq(p.max_burst, 262144);
	ck_assert_uint_eq(p.first_burst, 65536);
	ck_assert_uint_eq(p.default_time2retain, 0);
	ck_assert_uint_eq(p.max_xmit_dsl, 262144);
	ck_assert_uint_eq(p.max_recv_dsl, 8192);
	ck_assert_int_eq(p.auth, ISCSI_AUTH_NONE);
	ck_assert_str_eq(p.initiator_name,
			 "iqn.2016-04.com.open-iscsi:1b2c3d4e5f6");
	ck_assert_str_eq(p.initiator_alias, "host1");
	ck_assert_str_eq(p.target_name, "iqn.2026-11.org.example:disk1");
}
END_TEST

START_TEST(test_libiscsi_discovery)
{
	struct iscsi_params p;

	/* libiscsi (iscsi-ls): straight to the operational stage */
	ck_assert_int_eq(req(ISCSI_STAGE_OPERATIONAL,
		"InitiatorName=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-ls\n"
		"SessionType=Discovery\n"
		"HeaderDigest=None,CRC32C\n"
		"DataDigest=None\n"
		"DefaultTime2Wait=2\n"
		"DefaultTime2Retain=0\n"
		"IFMarker=No\n"
		"OFMarker=No\n"
		"ErrorRecoveryLevel=0\n"
		"MaxRecvDataSegmentLength=262144\n"), 0);
	ck_assert_str_eq(resp,
		"HeaderDigest=None\n"
		"DataDigest=None\n"
		"DefaultTime2Wait=Irrelevant\n"
		"DefaultTime2Retain=Irrelevant\n"
		"IFMarker=Reject\n"
		"OFMarker=Reject\n"
		"ErrorRecoveryLevel=0\n");
	ck_assert_str_eq(declare(ISCSI_STAGE_OPERATIONAL),
			 "MaxRecvDataSegmentLength=8192\n");
	ck_assert_int_eq(iscsi_nego_finish(&n, &p), 0);
	ck_assert(p.discovery);
	ck_assert_uint_eq(p.max_xmit_dsl, 262144);
	/* then in full feature phase */
	ck_assert_int_eq(req(ISCSI_STAGE_FFP_TEXT, "SendTargets=All\n"), 0);
	ck_assert_str_eq(resp, "");
	ck_assert_str_eq(iscsi_nego_get(&n, "SendTargets"), "All");
}
END_TEST

static Suite *param_suite(void)
{
	Suite *s = suite_create("iscsi_param");
	TCase *syn = tcase_create("syntax");
	TCase *val = tcase_create("values");
	TCase *ses = tcase_create("session");
	TCase *log = tcase_create("login");

	tcase_add_checked_fixture(syn, setup, teardown);
	tcase_add_test(syn, test_syntax_errors);
	tcase_add_test(syn, test_failed_request_changes_nothing);
	tcase_add_test(syn, test_not_understood);
	tcase_add_test(syn, test_obsolete_markers);
	tcase_add_test(syn, test_target_only_keys);
	suite_add_tcase(s, syn);

	tcase_add_checked_fixture(val, setup, teardown);
	tcase_add_loop_test(val, test_numeric_boundaries, 0,
			    (int)ARRAY_SIZE(num_cases));
	tcase_add_test(val, test_numeric_result_functions);
	tcase_add_test(val, test_erl);
	tcase_add_test(val, test_mrdsl);
	tcase_add_loop_test(val, test_booleans, 0, (int)ARRAY_SIZE(bool_cases));
	tcase_add_test(val, test_boolean_results);
	tcase_add_test(val, test_digests);
	tcase_add_test(val, test_auth_method);
	tcase_add_test(val, test_task_reporting);
	tcase_add_test(val, test_defaults);
	tcase_add_test(val, test_limits_clamped);
	tcase_add_test(val, test_first_burst_clamp);
	suite_add_tcase(s, val);

	tcase_add_checked_fixture(ses, setup, teardown);
	tcase_add_test(ses, test_discovery_irrelevant);
	tcase_add_test(ses, test_session_type);
	tcase_add_test(ses, test_non_leading);
	tcase_add_test(ses, test_stage_rules);
	tcase_add_test(ses, test_renegotiation);
	tcase_add_test(ses, test_declarations_once);
	tcase_add_test(ses, test_offers);
	suite_add_tcase(s, ses);

	tcase_add_checked_fixture(log, setup, teardown);
	tcase_add_test(log, test_chap_passthrough);
	tcase_add_test(log, test_open_iscsi_login);
	tcase_add_test(log, test_libiscsi_discovery);
	suite_add_tcase(s, log);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(param_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
