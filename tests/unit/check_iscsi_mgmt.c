/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: usr/iscsi/mgmt.c without a running tgtd: the session
 * listing's format, request errors that need no portal or session, and
 * the [iscsi] dump of a transport with nothing configured.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi/iscsi.h"
#include "mgmt/mgmt.h"
#include "util/strbuf.h"
#include "util/util.h"

static void info_fill(struct iscsi_sess_info *i)
{
	memset(i, 0, sizeof(*i));
	i->tid = 3;
	i->tsih = 7;
	i->cid = 1;
	memcpy(i->isid, "\x80\x12\x34\x56\x00\x01", 6);
	i->connected = true;
	util_strscpy(i->initiator, "iqn.x:init", sizeof(i->initiator));
	util_strscpy(i->peer, "127.0.0.1", sizeof(i->peer));
	util_strscpy(i->local, "[::1]:3260", sizeof(i->local));
	i->params.max_recv_dsl = 262144;
	i->params.max_xmit_dsl = 8192;
	i->params.max_burst = 262144;
	i->params.first_burst = 65536;
	i->params.immediate_data = true;
	i->params.initial_r2t = false;
	i->params.header_crc32c = true;
	i->params.max_outstanding_r2t = 1;
}

START_TEST(test_sess_show_format)
{
	struct iscsi_sess_info i;
	struct strbuf out = STRBUF_INIT;

	info_fill(&i);
	iscsi_sess_info_show(&i, 1, &out);
	ck_assert_str_eq(strbuf_str(&out),
		"Session: 7\n"
		"    Target: 3\n"
		"    ISID: 801234560001\n"
		"    Initiator: iqn.x:init\n"
		"    Connection: 1\n"
		"        IP Address: 127.0.0.1\n"
		"        Portal: [::1]:3260\n"
		"        MaxRecvDataSegmentLength (target): 262144\n"
		"        MaxRecvDataSegmentLength (initiator): 8192\n"
		"        MaxBurstLength: 262144\n"
		"        FirstBurstLength: 65536\n"
		"        ImmediateData: Yes\n"
		"        InitialR2T: No\n"
		"        HeaderDigest: CRC32C\n"
		"        DataDigest: None\n"
		"        MaxOutstandingR2T: 1\n"
		"        ErrorRecoveryLevel: 0\n");
	strbuf_release(&out);
}
END_TEST

/* A session whose connection went: no connection block. */
START_TEST(test_sess_show_closed)
{
	struct iscsi_sess_info i;
	struct strbuf out = STRBUF_INIT;

	info_fill(&i);
	i.connected = false;
	iscsi_sess_info_show(&i, 1, &out);
	ck_assert_ptr_null(strstr(strbuf_str(&out), "Connection:"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "Initiator: iqn.x:init"));
	strbuf_release(&out);
}
END_TEST

/* A discovery session says so (target 0). */
START_TEST(test_sess_show_discovery)
{
	struct iscsi_sess_info i;
	struct strbuf out = STRBUF_INIT;

	info_fill(&i);
	i.tid = 0;
	i.discovery = true;
	iscsi_sess_info_show(&i, 1, &out);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "    Target: 0\n"
				     "    ISID: 801234560001\n"
				     "    Initiator: iqn.x:init\n"
				     "    Type: Discovery\n"
				     "    Connection: 1\n"));
	strbuf_reset(&out);
	i.discovery = false;
	iscsi_sess_info_show(&i, 1, &out);
	ck_assert_ptr_null(strstr(strbuf_str(&out), "Type:"));
	strbuf_release(&out);
}
END_TEST

static int mgmt_run(int mode, int op, const char *params, struct strbuf *out)
{
	struct mgmt_req req;

	mgmt_req_init(&req);
	req.mode = (uint16_t)mode;
	req.op = (uint16_t)op;
	req.lld = "iscsi";
	req.params = params;
	return iscsi_mgmt(&req, out);
}

START_TEST(test_portal_errors)
{
	struct strbuf out = STRBUF_INIT;

	ck_assert_int_eq(mgmt_run(MGMT_MODE_PORTAL, MGMT_OP_NEW,
				  "portal=1.2.3:5", &out), TGTADM_BAD_VALUE);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&out), "'1.2.3:5'"));
	strbuf_reset(&out);
	ck_assert_int_eq(mgmt_run(MGMT_MODE_PORTAL, MGMT_OP_NEW, NULL, &out),
			 TGTADM_INVALID_REQUEST);
	strbuf_reset(&out);
	ck_assert_int_eq(mgmt_run(MGMT_MODE_PORTAL, MGMT_OP_DELETE,
				  "portal=127.0.0.1:1", &out),
			 TGTADM_NO_PORTAL);
	ck_assert_str_eq(strbuf_str(&out),
			 "portal 127.0.0.1:1 does not exist");
	strbuf_reset(&out);
	ck_assert_int_eq(mgmt_run(MGMT_MODE_PORTAL, MGMT_OP_SHOW, NULL, &out),
			 TGTADM_SUCCESS);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(mgmt_run(MGMT_MODE_PORTAL, MGMT_OP_BIND, NULL, &out),
			 TGTADM_UNSUPPORTED_OPERATION);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_lld_update_and_dump)
{
	struct strbuf out = STRBUF_INIT;
	uint32_t saved = atomic_load(&iscsi_rx_timeout_ms);

	/* defaults and no portal: nothing to dump */
	iscsi_mgmt_dump(&out);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(mgmt_run(MGMT_MODE_LLD, MGMT_OP_UPDATE,
				  "rx_timeout_ms=0", &out), TGTADM_BAD_VALUE);
	strbuf_reset(&out);
	ck_assert_int_eq(mgmt_run(MGMT_MODE_LLD, MGMT_OP_UPDATE,
				  "rx_timeout_ms=250", &out), TGTADM_SUCCESS);
	iscsi_mgmt_dump(&out);
	ck_assert_str_eq(strbuf_str(&out), "\n[iscsi]\nrx_timeout_ms = 250\n");
	atomic_store(&iscsi_rx_timeout_ms, saved);
	strbuf_release(&out);
}
END_TEST

/* Each setting: its range ends, a message naming it, the dump. */
START_TEST(test_lld_settings)
{
	static const struct {
		const char *req;
		int status;
	} cases[] = {
		{ "nop_interval_ms=0", TGTADM_SUCCESS },
		{ "nop_interval_ms=3600001", TGTADM_BAD_VALUE },
		{ "nop_timeout_ms=0", TGTADM_BAD_VALUE },
		{ "nop_timeout_ms=1", TGTADM_SUCCESS },
		{ "logout_timeout_ms=600001", TGTADM_BAD_VALUE },
		{ "logout_timeout_ms=0", TGTADM_SUCCESS },
		{ "NOP_INTERVAL_MS=7", TGTADM_SUCCESS },
		{ "nop_interval=7", TGTADM_UNKNOWN_PARAM },
		{ "nop_interval_ms", TGTADM_INVALID_REQUEST },
		{ "nop_interval_ms=-1", TGTADM_BAD_VALUE },
	};
	struct strbuf out = STRBUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&out);
		ck_assert_msg(mgmt_run(MGMT_MODE_LLD, MGMT_OP_UPDATE,
				       cases[i].req, &out) == cases[i].status,
			      "%s: %s", cases[i].req, strbuf_str(&out));
	}
	strbuf_reset(&out);
	mgmt_run(MGMT_MODE_LLD, MGMT_OP_UPDATE, "nop_timeout_ms=9x", &out);
	ck_assert_str_eq(strbuf_str(&out), "bad value '9x' for parameter "
			 "nop_timeout_ms of lld iscsi: 1 to 3600000");
	strbuf_reset(&out);
	iscsi_mgmt_dump(&out);
	ck_assert_str_eq(strbuf_str(&out), "\n[iscsi]\nnop_interval_ms = 7\n"
			 "nop_timeout_ms = 1\nlogout_timeout_ms = 0\n");
	atomic_store(&iscsi_nop_interval_ms, ISCSI_NOP_INTERVAL_MS);
	atomic_store(&iscsi_nop_timeout_ms, ISCSI_NOP_TIMEOUT_MS);
	atomic_store(&iscsi_logout_timeout_ms, ISCSI_LOGOUT_TIMEOUT_MS);
	strbuf_reset(&out);
	iscsi_mgmt_dump(&out);
	ck_assert_uint_eq(out.len, 0);
	strbuf_release(&out);
}
END_TEST

static Suite *iscsi_mgmt_suite(void)
{
	Suite *s = suite_create("iscsi_mgmt");
	TCase *tc = tcase_create("mgmt");

	tcase_add_test(tc, test_sess_show_format);
	tcase_add_test(tc, test_lld_settings);
	tcase_add_test(tc, test_sess_show_closed);
	tcase_add_test(tc, test_sess_show_discovery);
	tcase_add_test(tc, test_portal_errors);
	tcase_add_test(tc, test_lld_update_and_dump);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(iscsi_mgmt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
