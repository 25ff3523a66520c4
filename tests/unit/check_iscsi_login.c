/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: iSCSI login and the full feature phase (usr/iscsi/login.c,
 * session.c, scsi_cmd.c) through a real portal on 127.0.0.1 and the real
 * core: a good AuthMethod=None login followed by NOP, a SCSI command and
 * Logout; a bad stage transition, a missing InitiatorName and an unknown
 * target answered with the right status; CHAP one-way (MD5) and mutual
 * (SHA-256) with known secrets, and a wrong CHAP response refused.
 * Each test runs in its own process (Check's fork mode).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/target.h"
#include "iscsi/chap.h"
#include "iscsi/iscsi.h"
#include "util/log.h"
#include "util/util.h"
#include "sockio.h"

#define T_IQN	"iqn.2026-11.test:t1"
#define T_INI	"iqn.2026-11.test:ini"

static uint16_t t_port;
static int t_fd = -1;
static uint32_t t_cmdsn;

static void t_setup(void)
{
	char opt[64];

	log_open("test", false, getenv("TH_DEBUG") ? LOG_LVL_DEBUG :
		 LOG_LVL_ERR);
	ck_assert_int_eq(tgt_core_init(1), 0);
	ck_assert_int_eq(tgt_lld_register(&iscsi_lld_ops), 0);
	ck_assert_int_eq(tgt_target_create(1, T_IQN, "iscsi"), 0);
	ck_assert_int_eq(tgt_acl_add(1, TGT_ACL_ADDR, "ALL"), 0);
	/* A free port: try a few around one picked from the pid. */
	for (int i = 0; i < 50; i++) {
		t_port = (uint16_t)(20000 + (getpid() * 7 + i * 131) % 30000);
		snprintf(opt, sizeof(opt), "portal=127.0.0.1:%u", t_port);
		if (iscsi_lld_ops.init(opt) == 0)
			break;
		t_port = 0;
	}
	ck_assert_uint_ne(t_port, 0);
}

static void t_connect(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int ret = -1;

	sin.sin_port = htons(t_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The portal starts listening on its loop: retry briefly. */
	for (int i = 0; i < 100 && ret; i++) {
		if (t_fd >= 0)
			close(t_fd);
		t_fd = socket(AF_INET, SOCK_STREAM, 0);
		ck_assert_int_ge(t_fd, 0);
		ret = connect(t_fd, (struct sockaddr *)&sin, sizeof(sin));
		if (ret)
			usleep(10000);
	}
	ck_assert_int_eq(ret, 0);
	t_cmdsn = 100;
}

static void t_write(const void *buf, size_t len)
{
	tio_write_all(t_fd, buf, len, 2000);
}

/* Reads exactly @len bytes (2 s timeout); 0, or -1 on EOF. */
static int t_read(void *buf, size_t len)
{
	return tio_read_exact(t_fd, buf, len, 2000);
}

static void t_send(struct iscsi_pdu_hdr *h, const void *data, uint32_t len)
{
	uint8_t bhs[ISCSI_BHS_LEN], pad[4] = { 0 };

	h->data_len = len;
	ck_assert_int_eq(iscsi_bhs_build(h, bhs), 0);
	t_write(bhs, sizeof(bhs));
	if (len) {
		t_write(data, len);
		t_write(pad, iscsi_pad_len(len));
	}
}

/* One PDU; @data gets its (NUL-terminated) data segment. */
static void t_recv(struct iscsi_pdu_hdr *h, char *data, size_t cap)
{
	uint8_t bhs[ISCSI_BHS_LEN];

	ck_assert_int_eq(t_read(bhs, sizeof(bhs)), 0);
	ck_assert_int_eq(iscsi_bhs_decode(bhs, h), 0);
	ck_assert_uint_lt(iscsi_padded_len(h->data_len), cap);
	memset(data, 0, cap);
	ck_assert_int_eq(t_read(data, iscsi_padded_len(h->data_len)), 0);
}

static const uint8_t t_isid[6] = { 0x80, 1, 2, 3, 4, 5 };

/* Sends a Login Request and reads the response. */
static void t_login(uint8_t flags, const char *keys, struct iscsi_pdu_hdr *r,
		    char *rdata, size_t cap)
{
	struct iscsi_pdu_hdr h;
	char data[2048];
	uint32_t len = tio_keys(data, sizeof(data), keys);

	iscsi_pdu_hdr_init(&h, ISCSI_OP_LOGIN_REQ, 0x1000);
	h.immediate = true;
	h.flags = flags;
	memcpy(h.login_req.isid, t_isid, sizeof(t_isid));
	h.login_req.cmdsn = t_cmdsn;
	t_send(&h, data, len);
	t_recv(r, rdata, cap);
	ck_assert_uint_eq(r->opcode, ISCSI_OP_LOGIN_RSP);
	ck_assert_uint_eq(r->itt, 0x1000);
}

static uint16_t t_status(const struct iscsi_pdu_hdr *r)
{
	return (uint16_t)(r->login_rsp.status_class << 8 |
			  r->login_rsp.status_detail);
}

static const char *t_get(const char *data, size_t len, const char *key,
			 char *buf, size_t cap)
{
	size_t vlen;
	const char *v = iscsi_text_find(data, len, key, &vlen);

	if (!v || vlen >= cap)
		return NULL;
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	return buf;
}

/* After a failed login the target closes the connection. */
static void t_expect_eof(void)
{
	uint8_t b;

	ck_assert_int_eq(t_read(&b, 1), -1);
}

#define SEC_TO_OP	ISCSI_LOGIN_FLAGS(1, 0, 0, 1)
#define OP_TO_FFP	ISCSI_LOGIN_FLAGS(1, 0, 1, 3)

static void t_login_op(struct iscsi_pdu_hdr *r, char *d, size_t cap)
{
	t_login(OP_TO_FFP, "HeaderDigest=None|DataDigest=None|"
		"ErrorRecoveryLevel=0|InitialR2T=Yes|ImmediateData=Yes|"
		"MaxRecvDataSegmentLength=8192", r, d, cap);
	ck_assert_uint_eq(t_status(r), 0);
	ck_assert(r->flags & ISCSI_FLAG_LOGIN_TRANSIT);
	ck_assert_uint_eq(ISCSI_LOGIN_NSG(r->flags), 3);
	ck_assert_uint_ne(r->login_rsp.tsih, 0);
}

START_TEST(test_login_none_ffp)
{
	struct iscsi_pdu_hdr r, h;
	char d[9000], v[64];
	uint8_t tur[16] = { 0 };

	t_setup();
	t_connect();
	t_login(SEC_TO_OP, "InitiatorName=" T_INI "|TargetName=" T_IQN
		"|SessionType=Normal|AuthMethod=None", &r, d, sizeof(d));
	ck_assert_uint_eq(t_status(&r), 0);
	ck_assert(r.flags & ISCSI_FLAG_LOGIN_TRANSIT);
	ck_assert_uint_eq(ISCSI_LOGIN_CSG(r.flags), 0);
	ck_assert_uint_eq(ISCSI_LOGIN_NSG(r.flags), 1);
	ck_assert_str_eq(t_get(d, r.data_len, "AuthMethod", v, sizeof(v)),
			 "None");
	ck_assert_str_eq(t_get(d, r.data_len, "TargetPortalGroupTag", v,
			       sizeof(v)), "1");
	t_login_op(&r, d, sizeof(d));
	ck_assert_ptr_nonnull(t_get(d, r.data_len,
				    "MaxRecvDataSegmentLength", v, sizeof(v)));
	ck_assert_uint_eq(r.login_rsp.exp_cmdsn, t_cmdsn);
	/* NOP-Out with a task tag is answered with the same tag. */
	iscsi_pdu_hdr_init(&h, ISCSI_OP_NOP_OUT, 0x2000);
	h.immediate = true;
	h.nop_out.ttt = ISCSI_RSVD_TAG;
	h.nop_out.cmdsn = t_cmdsn;
	t_send(&h, "ping", 4);
	t_recv(&r, d, sizeof(d));
	ck_assert_uint_eq(r.opcode, ISCSI_OP_NOP_IN);
	ck_assert_uint_eq(r.itt, 0x2000);
	ck_assert_mem_eq(d, "ping", 4);
	/* TEST UNIT READY on LUN 0 (controller): a SCSI Response. */
	iscsi_pdu_hdr_init(&h, ISCSI_OP_SCSI_CMD, 0x3000);
	h.scsi_cmd.cmdsn = t_cmdsn++;
	memcpy(h.scsi_cmd.cdb, tur, sizeof(tur));
	t_send(&h, NULL, 0);
	t_recv(&r, d, sizeof(d));
	ck_assert_uint_eq(r.opcode, ISCSI_OP_SCSI_RSP);
	ck_assert_uint_eq(r.itt, 0x3000);
	ck_assert_uint_eq(r.scsi_rsp.exp_cmdsn, t_cmdsn);
	/* Logout: a response, then the target closes. */
	iscsi_pdu_hdr_init(&h, ISCSI_OP_LOGOUT_REQ, 0x4000);
	h.immediate = true;
	h.logout_req.cmdsn = t_cmdsn;
	t_send(&h, NULL, 0);
	t_recv(&r, d, sizeof(d));
	ck_assert_uint_eq(r.opcode, ISCSI_OP_LOGOUT_RSP);
	ck_assert_uint_eq(r.logout_rsp.response, ISCSI_LOGOUT_RSP_SUCCESS);
	t_expect_eof();
}
END_TEST

START_TEST(test_login_bad_transition)
{
	struct iscsi_pdu_hdr r;
	char d[9000];

	t_setup();
	t_connect();
	/* T=1 with NSG = CSG: not a forward transition (11.12.3). */
	t_login(ISCSI_LOGIN_FLAGS(1, 0, 0, 0), "InitiatorName=" T_INI
		"|TargetName=" T_IQN "|AuthMethod=None", &r, d, sizeof(d));
	ck_assert_uint_eq(t_status(&r), ISCSI_LOGIN_STATUS_INIT_ERR);
	t_expect_eof();
}
END_TEST

START_TEST(test_login_no_initiator_name)
{
	struct iscsi_pdu_hdr r;
	char d[9000];

	t_setup();
	t_connect();
	t_login(SEC_TO_OP, "TargetName=" T_IQN "|AuthMethod=None", &r, d,
		sizeof(d));
	ck_assert_uint_eq(r.login_rsp.status_class,
			  ISCSI_LOGIN_CLASS_INITIATOR_ERR);
	t_expect_eof();
}
END_TEST

START_TEST(test_login_target_not_found)
{
	struct iscsi_pdu_hdr r;
	char d[9000];

	t_setup();
	t_connect();
	t_login(SEC_TO_OP, "InitiatorName=" T_INI "|TargetName=iqn.x:nosuch"
		"|AuthMethod=None", &r, d, sizeof(d));
	ck_assert_uint_eq(t_status(&r), ISCSI_LOGIN_STATUS_NOT_FOUND);
	t_expect_eof();
}
END_TEST

/* CHAP_R for @alg over the challenge in the response @d. */
static void t_chap_answer(const char *d, size_t len, enum chap_alg alg,
			  const char *secret, char *out, size_t cap)
{
	char v[256];
	uint8_t c[256], r[CHAP_DIGEST_MAX];
	uint32_t id;
	size_t clen;

	ck_assert_ptr_nonnull(t_get(d, len, "CHAP_I", v, sizeof(v)));
	ck_assert_int_eq(util_parse_u32_range(v, 0, 255, &id), 0);
	ck_assert_ptr_nonnull(t_get(d, len, "CHAP_C", v, sizeof(v)));
	ck_assert_int_eq(chap_value_decode(v, c, sizeof(c), &clen), 0);
	ck_assert_int_eq(chap_response(alg, (uint8_t)id,
				       (const uint8_t *)secret,
				       strlen(secret), c, clen, r, sizeof(r)),
			 0);
	ck_assert_int_eq(chap_value_encode_hex(r, chap_digest_len(alg), out,
					       cap), 0);
}

/* Security stage with CHAP; returns the final response's status. */
static uint16_t t_chap_login(const char *alist, enum chap_alg alg,
			     const char *secret, const char *mutual,
			     struct iscsi_pdu_hdr *r, char *d, size_t cap)
{
	char keys[1024], resp[80], v[16];

	t_login(ISCSI_LOGIN_FLAGS(0, 0, 0, 1), "InitiatorName=" T_INI
		"|TargetName=" T_IQN "|AuthMethod=CHAP,None", r, d, cap);
	ck_assert_uint_eq(t_status(r), 0);
	ck_assert_str_eq(t_get(d, r->data_len, "AuthMethod", v, sizeof(v)),
			 "CHAP");
	snprintf(keys, sizeof(keys), "CHAP_A=%s", alist);
	t_login(ISCSI_LOGIN_FLAGS(0, 0, 0, 1), keys, r, d, cap);
	ck_assert_uint_eq(t_status(r), 0);
	snprintf(v, sizeof(v), "%d", alg);
	ck_assert_str_eq(t_get(d, r->data_len, "CHAP_A", keys, sizeof(keys)),
			 v);
	t_chap_answer(d, r->data_len, alg, secret, resp, sizeof(resp));
	snprintf(keys, sizeof(keys), "CHAP_N=alice|CHAP_R=%s%s", resp,
		 mutual ? mutual : "");
	t_login(SEC_TO_OP, keys, r, d, cap);
	return t_status(r);
}

START_TEST(test_login_chap_md5)
{
	struct iscsi_pdu_hdr r;
	char d[9000];

	t_setup();
	ck_assert_int_eq(tgt_account_create("alice", "alicesecret12"), 0);
	ck_assert_int_eq(tgt_account_bind(1, "alice", false), 0);
	t_connect();
	ck_assert_uint_eq(t_chap_login("5", CHAP_ALG_MD5, "alicesecret12",
				       NULL, &r, d, sizeof(d)), 0);
	ck_assert(r.flags & ISCSI_FLAG_LOGIN_TRANSIT);
	t_login_op(&r, d, sizeof(d));
	close(t_fd);
	t_fd = -1;
	/* The wrong secret: authentication failure (0x0201). */
	t_connect();
	ck_assert_uint_eq(t_chap_login("5", CHAP_ALG_MD5, "wrongsecret12",
				       NULL, &r, d, sizeof(d)),
			  ISCSI_LOGIN_STATUS_AUTH_FAILED);
	t_expect_eof();
	close(t_fd);
	t_fd = -1;
	/* CHAP required: AuthMethod=None alone is refused. */
	t_connect();
	t_login(SEC_TO_OP, "InitiatorName=" T_INI "|TargetName=" T_IQN
		"|AuthMethod=None", &r, d, sizeof(d));
	ck_assert_uint_eq(t_status(&r), ISCSI_LOGIN_STATUS_AUTH_FAILED);
}
END_TEST

START_TEST(test_login_chap_sha256_mutual)
{
	static const uint8_t ic[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
					12, 13, 14, 15, 16 };
	struct iscsi_pdu_hdr r;
	char d[9000], mutual[128], hex[40], v[80], want[80];
	uint8_t rr[CHAP_DIGEST_MAX];

	t_setup();
	ck_assert_int_eq(tgt_account_create("alice", "alicesecret12"), 0);
	ck_assert_int_eq(tgt_account_create("tgt", "targetsecret1"), 0);
	ck_assert_int_eq(tgt_account_bind(1, "alice", false), 0);
	ck_assert_int_eq(tgt_account_bind(1, "tgt", true), 0);
	t_connect();
	chap_value_encode_hex(ic, sizeof(ic), hex, sizeof(hex));
	snprintf(mutual, sizeof(mutual), "|CHAP_I=77|CHAP_C=%s", hex);
	ck_assert_uint_eq(t_chap_login("7,5", CHAP_ALG_SHA256,
				       "alicesecret12", mutual, &r, d,
				       sizeof(d)), 0);
	ck_assert_str_eq(t_get(d, r.data_len, "CHAP_N", v, sizeof(v)), "tgt");
	ck_assert_int_eq(chap_response(CHAP_ALG_SHA256, 77,
				       (const uint8_t *)"targetsecret1", 13,
				       ic, sizeof(ic), rr, sizeof(rr)), 0);
	chap_value_encode_hex(rr, 32, want, sizeof(want));
	ck_assert_str_eq(t_get(d, r.data_len, "CHAP_R", v, sizeof(v)), want);
	t_login_op(&r, d, sizeof(d));
}
END_TEST

START_TEST(test_text_find)
{
	static const char d[] = "A=1\0Bb=22\0C=\0";
	size_t vl;
	const char *v = iscsi_text_find(d, sizeof(d) - 1, "Bb", &vl);

	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(vl, 2);
	ck_assert_mem_eq(v, "22", 2);
	ck_assert_ptr_nonnull(iscsi_text_find(d, sizeof(d) - 1, "C", &vl));
	ck_assert_uint_eq(vl, 0);
	ck_assert_ptr_null(iscsi_text_find(d, sizeof(d) - 1, "B", &vl));
	/* A pair without its NUL is not read. */
	ck_assert_ptr_null(iscsi_text_find("A=1", 3, "A", &vl));
}
END_TEST

static Suite *iscsi_login_suite(void)
{
	Suite *s = suite_create("iscsi_login");
	TCase *tc = tcase_create("login");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_text_find);
	tcase_add_test(tc, test_login_none_ffp);
	tcase_add_test(tc, test_login_bad_transition);
	tcase_add_test(tc, test_login_no_initiator_name);
	tcase_add_test(tc, test_login_target_not_found);
	tcase_add_test(tc, test_login_chap_md5);
	tcase_add_test(tc, test_login_chap_sha256_mutual);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(iscsi_login_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
