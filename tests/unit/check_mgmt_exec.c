/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: mgmt_exec() against the real core (option rules, -errno to
 * TGTADM_* mapping, --params, lld forwarding) and the control socket
 * server with raw bytes that tgtadm would never send: bad magic, bad
 * version, oversized, malformed, truncated, stalled clients and a
 * response larger than the socket buffer.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/target.h"
#include "harness.h"
#include "mgmt/mgmt.h"
#include "mgmt/proto.h"
#include "mgmt/server.h"
#include "util/strbuf.h"
#include "util/util.h"

#define PORT 3

static struct strbuf out;

static void req_set(struct mgmt_req *req, int mode, int op)
{
	mgmt_req_init(req);
	req->mode = (uint16_t)mode;
	req->op = (uint16_t)op;
}

static void req_tid(struct mgmt_req *req, int tid)
{
	req->has_tid = true;
	req->tid = tid;
}

static void req_lun(struct mgmt_req *req, uint64_t lun)
{
	req->has_lun = true;
	req->lun = lun;
}

static int run(const struct mgmt_req *req)
{
	strbuf_reset(&out);
	return mgmt_exec(req, &out);
}

#define ck_out_has(s) \
	ck_assert_msg(strstr(strbuf_str(&out), s), "'%s' lacks '%s'", \
		      strbuf_str(&out), s)

static void exec_setup(void)
{
	th_init();
	strbuf_init(&out);
}

static void exec_teardown(void)
{
	strbuf_release(&out);
	th_fini();
}

/* ---- mgmt_exec ---- */

START_TEST(test_rules)
{
	struct mgmt_req req;

	req_set(&req, MGMT_MODE_NONE, MGMT_OP_SHOW);
	ck_assert_int_eq(run(&req), TGTADM_INVALID_REQUEST);
	ck_out_has("--mode is required");
	req_set(&req, 99, MGMT_OP_SHOW);
	ck_assert_int_eq(run(&req), TGTADM_INVALID_REQUEST);
	ck_out_has("unknown --mode");
	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_NONE);
	ck_assert_int_eq(run(&req), TGTADM_INVALID_REQUEST);
	ck_out_has("--op is required");
	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_NEW);
	req.targetname = "iqn.2026-11.test:t2";
	ck_assert_int_eq(run(&req), TGTADM_INVALID_REQUEST);
	ck_out_has("--tid is required for --mode target --op new");
	req_tid(&req, 2);
	req.user = "x";
	ck_assert_int_eq(run(&req), TGTADM_INVALID_REQUEST);
	ck_out_has("--user is not allowed with --mode target --op new");
	req.user = NULL;
	req.lld = "";
	ck_assert_int_eq(run(&req), TGTADM_INVALID_REQUEST);
	ck_out_has("--lld must not be empty");
	req_set(&req, MGMT_MODE_SYS, MGMT_OP_STAT);
	ck_assert_int_eq(run(&req), TGTADM_UNSUPPORTED_OPERATION);
	ck_out_has("--op stat is not supported with --mode sys");
	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_DELETE);
	req_tid(&req, -5);
	ck_assert_int_eq(run(&req), TGTADM_BAD_VALUE);
	ck_out_has("bad --tid -5");
}
END_TEST

START_TEST(test_errno_map)
{
	struct mgmt_req req;

	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_NEW);
	req_tid(&req, TH_TID);
	req.targetname = "iqn.2026-11.test:dup";
	ck_assert_int_eq(run(&req), TGTADM_TARGET_EXIST);
	req.tid = 2;
	req.targetname = "bad name with spaces";
	ck_assert_int_eq(run(&req), TGTADM_BAD_VALUE);
	req.targetname = "iqn.2026-11.test:t2";
	req.lld = "nosuch";
	ck_assert_int_eq(run(&req), TGTADM_NO_DRIVER);
	ck_out_has("no such lld 'nosuch' (available: test)");

	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_SHOW);
	req_tid(&req, 9);
	ck_assert_int_eq(run(&req), TGTADM_NO_TARGET);
	ck_out_has("target 9 does not exist");

	req_set(&req, MGMT_MODE_LU, MGMT_OP_DELETE);
	req_tid(&req, TH_TID);
	req_lun(&req, 4);
	ck_assert_int_eq(run(&req), TGTADM_NO_LUN);
	ck_out_has("logical unit 4 of target 1 does not exist");

	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_UNBIND);
	req_tid(&req, TH_TID);
	req.initiator_name = "iqn.x";
	ck_assert_int_eq(run(&req), TGTADM_ACL_NOEXIST);
	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_BIND);
	req_tid(&req, TH_TID);
	req.initiator_address = "ALL";
	ck_assert_int_eq(run(&req), TGTADM_ACL_EXIST);

	req_set(&req, MGMT_MODE_ACCOUNT, MGMT_OP_DELETE);
	req.user = "ghost";
	ck_assert_int_eq(run(&req), TGTADM_NO_USER);
	req_set(&req, MGMT_MODE_ACCOUNT, MGMT_OP_NEW);
	req.user = "u";
	req.password = "p";
	ck_assert_int_eq(run(&req), TGTADM_SUCCESS);
	ck_assert_int_eq(run(&req), TGTADM_USER_EXIST);
	req_set(&req, MGMT_MODE_ACCOUNT, MGMT_OP_BIND);
	req_tid(&req, TH_TID);
	req.user = "u";
	ck_assert_int_eq(run(&req), TGTADM_SUCCESS);
	ck_assert_int_eq(run(&req), TGTADM_BINDING_EXIST);
}
END_TEST

START_TEST(test_lu_new)
{
	char *path = th_tmpfile(1 << 20);
	struct mgmt_req req;

	req_set(&req, MGMT_MODE_LU, MGMT_OP_NEW);
	req_tid(&req, TH_TID);
	req_lun(&req, 1);
	req.backing_store = "/nonexistent/tgt-test.img";
	ck_assert_int_eq(run(&req), TGTADM_NO_BACKING);
	ck_out_has("/nonexistent/tgt-test.img");
	req.backing_store = path;
	req.has_blocksize = true;
	req.blocksize = 1000;
	ck_assert_int_eq(run(&req), TGTADM_BAD_VALUE);
	req.has_blocksize = false;
	req.bsoflags = "sync,,direct";
	ck_assert_int_eq(run(&req), TGTADM_BAD_VALUE);
	ck_out_has("bad --bsoflags");
	req.bsoflags = "sync,rdonly";
	req.params = "vendor_id=ACME,serial=a=b";	/* '=' inside a value */
	ck_assert_int_eq(run(&req), TGTADM_SUCCESS);
	ck_assert_int_eq(run(&req), TGTADM_LUN_EXIST);

	/* A failing param takes the new LU away again. */
	req_lun(&req, 2);
	req.params = "vendor_id=X,nosuch=1";
	ck_assert_int_eq(run(&req), TGTADM_UNKNOWN_PARAM);
	ck_out_has("unknown parameter 'nosuch' for logical unit 2 of target 1");
	req_set(&req, MGMT_MODE_LU, MGMT_OP_DELETE);
	req_tid(&req, TH_TID);
	req_lun(&req, 2);
	ck_assert_int_eq(run(&req), TGTADM_NO_LUN);
	/* A syntax error creates nothing at all. */
	req_set(&req, MGMT_MODE_LU, MGMT_OP_NEW);
	req_tid(&req, TH_TID);
	req_lun(&req, 2);
	req.backing_store = path;
	req.params = "vendor_id=X,oops";
	ck_assert_int_eq(run(&req), TGTADM_INVALID_REQUEST);
	ck_out_has("--params item 'oops' is not key=value");
	req.params = "vendor_id=";
	ck_assert_int_eq(run(&req), TGTADM_INVALID_REQUEST);
	ck_out_has("has an empty value");
	req_set(&req, MGMT_MODE_LU, MGMT_OP_DELETE);
	req_tid(&req, TH_TID);
	req_lun(&req, 2);
	ck_assert_int_eq(run(&req), TGTADM_NO_LUN);

	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_SHOW);
	ck_assert_int_eq(run(&req), TGTADM_SUCCESS);
	ck_out_has("Vendor: ACME");
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_sys)
{
	struct mgmt_req req;

	req_set(&req, MGMT_MODE_SYS, MGMT_OP_UPDATE);
	req.name = "State";
	req.value = "offline";
	ck_assert_int_eq(run(&req), TGTADM_SUCCESS);
	req.name = "debug";
	req.value = "maybe";
	ck_assert_int_eq(run(&req), TGTADM_BAD_VALUE);
	ck_out_has("bad value 'maybe' for parameter 'debug' of tgtd");
	req.name = NULL;
	req.value = NULL;
	req.params = "state=ready,log_level=warn";
	ck_assert_int_eq(run(&req), TGTADM_SUCCESS);
	req_set(&req, MGMT_MODE_SYS, MGMT_OP_SHOW);
	ck_assert_int_eq(run(&req), TGTADM_SUCCESS);
	ck_out_has("State: ready");
	req_set(&req, MGMT_MODE_SYS, MGMT_OP_DUMP);
	ck_assert_int_eq(run(&req), TGTADM_SUCCESS);
	ck_out_has("[target 1]");
}
END_TEST

/* An lld with a mgmt hook, to see what reaches it. */
static struct mgmt_req fake_seen;
static int fake_result;

static int fake_mgmt(const struct mgmt_req *req, struct strbuf *o)
{
	fake_seen = *req;
	strbuf_addstr(o, "fake says hi");
	return fake_result;
}

static void fake_cmd_done(struct tgt_cmd *cmd)
{
}

static const struct tgt_lld_ops fake_lld = {
	.name = "fake",
	.cmd_done = fake_cmd_done,
	.mgmt = fake_mgmt,
};

START_TEST(test_lld_forward)
{
	struct mgmt_req req;

	req_set(&req, MGMT_MODE_PORTAL, MGMT_OP_NEW);
	req.params = "portal=127.0.0.1:3260";
	ck_assert_int_eq(run(&req), TGTADM_NO_DRIVER);
	ck_out_has("--lld is required for --mode portal (available: test)");
	req.lld = "test";
	ck_assert_int_eq(run(&req), TGTADM_UNSUPPORTED_OPERATION);
	ck_out_has("lld 'test' does not support --mode portal --op new");

	ck_assert_int_eq(tgt_lld_register(&fake_lld), 0);
	req.lld = "fake";
	fake_result = TGTADM_PORTAL_EXIST;
	ck_assert_int_eq(run(&req), TGTADM_PORTAL_EXIST);
	ck_out_has("fake says hi");
	ck_assert_str_eq(fake_seen.params, "portal=127.0.0.1:3260");
	fake_result = 1000;
	ck_assert_int_eq(run(&req), TGTADM_UNKNOWN_ERR);

	/* Kernel host binding goes to the lld too. */
	fake_result = TGTADM_SUCCESS;
	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_BIND);
	req_tid(&req, TH_TID);
	req.has_host = true;
	req.host = 7;
	req.lld = "fake";
	ck_assert_int_eq(run(&req), TGTADM_SUCCESS);
	ck_assert_int_eq(fake_seen.host, 7);
	ck_assert_int_eq(fake_seen.mode, MGMT_MODE_TARGET);
}
END_TEST

/* ---- the control socket ---- */

static struct evloop *srv_loop;
static char srv_dir[64];

static void server_setup(void)
{
	char err[256];

	exec_setup();
	snprintf(srv_dir, sizeof(srv_dir), "/tmp/tgt-mgmt-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(srv_dir));
	setenv("TGT_RUNDIR", srv_dir, 1);
	ck_assert_int_eq(evloop_create("test-mgmt", &srv_loop), 0);
	ck_assert_msg(mgmt_server_start(srv_loop, PORT, err,
					sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(mgmt_server_start(srv_loop, PORT, err, sizeof(err)),
			 -EALREADY);
	ck_assert_int_eq(evloop_thread_start(srv_loop), 0);
}

static void server_teardown(void)
{
	char path[128];

	evloop_stop(srv_loop);
	evloop_thread_join(srv_loop);
	mgmt_server_stop();
	evloop_destroy(srv_loop);
	ck_assert_int_eq(mgmt_path_format(path, sizeof(path), PORT, "sock"),
			 0);
	ck_assert_int_ne(access(path, F_OK), 0);	/* unlinked */
	mgmt_path_format(path, sizeof(path), PORT, "lock");
	unlink(path);
	rmdir(srv_dir);
	exec_teardown();
}

static int client_connect(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	mgmt_path_format(addr.sun_path, sizeof(addr.sun_path), PORT, "sock");
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)),
			 0);
	return fd;
}

static void client_send(int fd, const void *buf, size_t len)
{
	ck_assert_int_eq(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

/*
 * Reads until EOF (10 s bound); returns the byte count.  A server that
 * rejected a request before reading all of it closes with unread data:
 * the kernel then reports ECONNRESET after the response, taken as EOF.
 */
static size_t client_read_all(int fd, uint8_t *buf, size_t cap)
{
	size_t got = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		ck_assert_int_eq(poll(&p, 1, 10000), 1);
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == ECONNRESET)
			return got;
		ck_assert_int_ge(n, 0);
		if (n == 0)
			return got;
		got += (size_t)n;
		ck_assert_uint_lt(got, cap);
	}
}

/* Sends @len bytes and returns the decoded result; text in out. */
static int client_exchange(const void *req, size_t len)
{
	static uint8_t rsp[4 << 20];
	const char *text;
	size_t n, tlen;
	int fd = client_connect(), result;

	client_send(fd, req, len);
	n = client_read_all(fd, rsp, sizeof(rsp));
	close(fd);
	ck_assert_int_eq(mgmt_rsp_decode(rsp, n, &result, &text, &tlen, NULL,
					 0), 0);
	strbuf_reset(&out);
	strbuf_add(&out, text, tlen);
	return result;
}

static size_t encode(const struct mgmt_req *req, uint8_t *buf)
{
	size_t len;

	ck_assert_int_eq(mgmt_req_encode(req, buf, TGT_MGMT_REQ_MAX, &len,
					 NULL, 0), 0);
	return len;
}

START_TEST(test_server_roundtrip)
{
	static uint8_t buf[TGT_MGMT_REQ_MAX];
	struct mgmt_req req;

	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_SHOW);
	ck_assert_int_eq(client_exchange(buf, encode(&req, buf)),
			 TGTADM_SUCCESS);
	ck_out_has("Target 1: iqn.2026-11.test:t1");
	req_tid(&req, 42);
	ck_assert_int_eq(client_exchange(buf, encode(&req, buf)),
			 TGTADM_NO_TARGET);
	ck_out_has("target 42 does not exist");
}
END_TEST

START_TEST(test_server_bad_input)
{
	static uint8_t buf[TGT_MGMT_REQ_MAX];
	struct mgmt_req req;
	size_t len;

	memset(buf, 'x', 64);
	ck_assert_int_eq(client_exchange(buf, 64), TGTADM_PROTOCOL);
	ck_out_has("bad magic");

	req_set(&req, MGMT_MODE_SYS, MGMT_OP_SHOW);
	len = encode(&req, buf);
	put_le16(buf + 4, 7);
	ck_assert_int_eq(client_exchange(buf, len), TGTADM_PROTOCOL);
	ck_out_has("unsupported protocol version 7");

	/* Refused from the prefix alone: the body is never sent. */
	len = encode(&req, buf);
	put_le32(buf + 8, 1u << 30);
	ck_assert_int_eq(client_exchange(buf, TGT_MGMT_PREFIX_LEN),
			 TGTADM_PROTOCOL);
	ck_out_has("too large");

	req.user = "a";
	len = encode(&req, buf);
	memcpy(buf + len, buf + len - 5, 5);	/* the TLV once more */
	put_le32(buf + 8, (uint32_t)(len + 5));
	ck_assert_int_eq(client_exchange(buf, len + 5), TGTADM_PROTOCOL);
	ck_out_has("duplicate field --user");

	/* Still serving afterwards. */
	req_set(&req, MGMT_MODE_SYS, MGMT_OP_SHOW);
	ck_assert_int_eq(client_exchange(buf, encode(&req, buf)),
			 TGTADM_SUCCESS);
}
END_TEST

/* A client that sends half a request and closes gets no answer. */
START_TEST(test_server_truncated)
{
	static uint8_t buf[TGT_MGMT_REQ_MAX];
	uint8_t rsp[64];
	struct mgmt_req req;
	int fd = client_connect();

	req_set(&req, MGMT_MODE_SYS, MGMT_OP_SHOW);
	req.params = "abc";
	client_send(fd, buf, encode(&req, buf) - 2);
	shutdown(fd, SHUT_WR);
	ck_assert_uint_eq(client_read_all(fd, rsp, sizeof(rsp)), 0);
	close(fd);
}
END_TEST

START_TEST(test_server_stall)
{
	uint8_t rsp[64];
	struct pollfd p;
	int fd = client_connect();
	uint64_t t0 = util_now_ns(), ms;

	client_send(fd, "TGT", 3);
	p.fd = fd;
	p.events = POLLIN;
	ck_assert_int_eq(poll(&p, 1, MGMT_CLIENT_TIMEOUT_MS + 5000), 1);
	ck_assert_int_eq(read(fd, rsp, sizeof(rsp)), 0);
	ms = (util_now_ns() - t0) / 1000000;
	ck_assert_uint_ge(ms, MGMT_CLIENT_TIMEOUT_MS - 100);
	close(fd);
}
END_TEST

/* Several hundred KiB of show output: partial writes and EPOLLOUT. */
START_TEST(test_server_big_response)
{
	static uint8_t buf[TGT_MGMT_REQ_MAX];
	struct mgmt_req req;
	char name[64];

	for (int tid = 2; tid < 1500; tid++) {
		snprintf(name, sizeof(name), "iqn.2026-11.test:big-%d", tid);
		ck_assert_int_eq(tgt_target_create(tid, name, "test"), 0);
	}
	req_set(&req, MGMT_MODE_TARGET, MGMT_OP_SHOW);
	ck_assert_int_eq(client_exchange(buf, encode(&req, buf)),
			 TGTADM_SUCCESS);
	ck_assert_uint_gt(out.len, 300000);
	ck_out_has("Target 1499: iqn.2026-11.test:big-1499");
}
END_TEST

static Suite *mgmt_exec_suite(void)
{
	Suite *s = suite_create("mgmt_exec");
	TCase *ex = tcase_create("exec");
	TCase *sv = tcase_create("server");

	tcase_add_checked_fixture(ex, exec_setup, exec_teardown);
	tcase_add_test(ex, test_rules);
	tcase_add_test(ex, test_errno_map);
	tcase_add_test(ex, test_lu_new);
	tcase_add_test(ex, test_sys);
	tcase_add_test(ex, test_lld_forward);
	suite_add_tcase(s, ex);
	tcase_add_checked_fixture(sv, server_setup, server_teardown);
	tcase_set_timeout(sv, 30);
	tcase_add_test(sv, test_server_roundtrip);
	tcase_add_test(sv, test_server_bad_input);
	tcase_add_test(sv, test_server_truncated);
	tcase_add_test(sv, test_server_stall);
	tcase_add_test(sv, test_server_big_response);
	suite_add_tcase(s, sv);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mgmt_exec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
