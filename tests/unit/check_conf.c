/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: usr/conf (tgtd.conf).  conf_load on fixtures written to
 * temp files, conf_apply with a recording exec callback: the exact
 * requests, and every error's file:line, section and key.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/target.h"
#include "mgmt/mgmt.h"
#include "util/log.h"
#include "util/strbuf.h"

/* ------------------------------------------------------------------ */
/* fixtures */

/* Writes @text to a new temp file; returns its path (caller frees). */
static char *fixture_write(const char *text)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	FILE *f;
	int fd;

	ck_assert_int_ge(asprintf(&path, "%s/check_conf.XXXXXX",
				  dir && *dir ? dir : "/tmp"), 0);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

struct loaded {
	char *path;
	struct conf *conf;
	int ret;
	char err[1024];
};

static void fixture_load(struct loaded *l, const char *text)
{
	memset(l, 0, sizeof(*l));
	l->path = fixture_write(text);
	l->ret = conf_load(l->path, &l->conf, l->err, sizeof(l->err));
}

static void fixture_free(struct loaded *l)
{
	conf_free(l->conf);
	unlink(l->path);
	free(l->path);
}

/* ------------------------------------------------------------------ */
/* the recording exec callback */

struct rec {
	struct strbuf log;	/* one line per request */
	unsigned count;
	unsigned fail_at;	/* 1-based request to fail; 0: none */
	int fail_code;
	const char *fail_msg;	/* written to @out on failure */
};

static const char *const mode_names[] = {
	"NONE", "SYS", "TARGET", "LU", "ACCOUNT", "LLD", "CONN", "SESSION",
	"PORTAL",
};
static const char *const op_names[] = {
	"NONE", "NEW", "DELETE", "SHOW", "BIND", "UNBIND", "UPDATE", "STAT",
	"DUMP", "START", "STOP",
};

static void rec_str(struct strbuf *sb, const char *key, const char *v)
{
	if (v)
		strbuf_addf(sb, " %s=%s", key, v);
}

/* "MODE OP tid=.. lun=.. host=.. blocksize=.. flags=.. strings..." */
static void rec_req_format(struct strbuf *sb, const struct mgmt_req *req)
{
	ck_assert_uint_lt(req->mode, MGMT_MODE_MAX);
	ck_assert_uint_lt(req->op, MGMT_OP_MAX);
	strbuf_addf(sb, "%s %s", mode_names[req->mode], op_names[req->op]);
	if (req->has_tid)
		strbuf_addf(sb, " tid=%d", req->tid);
	if (req->has_lun)
		strbuf_addf(sb, " lun=%llu", (unsigned long long)req->lun);
	if (req->has_host)
		strbuf_addf(sb, " host=%d", req->host);
	if (req->has_blocksize)
		strbuf_addf(sb, " blocksize=%u", req->blocksize);
	ck_assert(!req->has_sid && !req->has_cid);
	ck_assert_uint_eq(req->flags & ~(uint32_t)MGMT_REQ_OUTGOING, 0);
	if (req->flags & MGMT_REQ_OUTGOING)
		strbuf_addstr(sb, " flags=outgoing");
	rec_str(sb, "lld", req->lld);
	rec_str(sb, "targetname", req->targetname);
	rec_str(sb, "backing_store", req->backing_store);
	rec_str(sb, "bstype", req->bstype);
	rec_str(sb, "bsoflags", req->bsoflags);
	rec_str(sb, "device_type", req->device_type);
	rec_str(sb, "initiator_address", req->initiator_address);
	rec_str(sb, "initiator_name", req->initiator_name);
	rec_str(sb, "user", req->user);
	rec_str(sb, "password", req->password);
	rec_str(sb, "name", req->name);
	rec_str(sb, "value", req->value);
	rec_str(sb, "params", req->params);
	strbuf_addstr(sb, "\n");
}

static int rec_exec(const struct mgmt_req *req, struct strbuf *out,
		    void *arg)
{
	struct rec *r = arg;

	rec_req_format(&r->log, req);
	if (++r->count != r->fail_at)
		return TGTADM_SUCCESS;
	if (r->fail_msg)
		strbuf_addstr(out, r->fail_msg);
	return r->fail_code;
}

/* Loads @text, applies it, and checks the requests against @expect. */
static void apply_expect(const char *text, const char *expect)
{
	struct rec r = { .log = STRBUF_INIT };
	struct loaded l;
	char err[1024] = "";

	fixture_load(&l, text);
	ck_assert_msg(l.ret == 0, "load failed: %s", l.err);
	ck_assert_int_eq(conf_apply(l.conf, rec_exec, &r, err, sizeof(err)),
			 0);
	ck_assert_str_eq(strbuf_str(&r.log), expect);
	strbuf_release(&r.log);
	fixture_free(&l);
}

/* Loads @text and expects -EINVAL with "<file>:" @what at the start. */
static void load_expect_error(const char *text, const char *what)
{
	struct loaded l;
	char *expect;

	fixture_load(&l, text);
	ck_assert_int_ge(asprintf(&expect, "%s:%s", l.path, what), 0);
	ck_assert_int_eq(l.ret, -EINVAL);
	ck_assert_ptr_null(l.conf);
	ck_assert_msg(strncmp(l.err, expect, strlen(expect)) == 0,
		      "expected '%s...', got '%s'", expect, l.err);
	free(expect);
	fixture_free(&l);
}

/* ------------------------------------------------------------------ */
/* good files */

static const char full_conf[] =
	"# a full configuration\n"				/* 1 */
	"[global]\n"						/* 2 */
	"iothreads = 4\n"					/* 3 */
	"log_level = debug\n"					/* 4 */
	"\n"							/* 5 */
	"[account alice]\n"					/* 6 */
	"password = s3cret-passw0rd\n"				/* 7 */
	"\n"							/* 8 */
	"[account bob]\n"					/* 9 */
	"password = \"b0b;secret#1\"\n"				/* 10 */
	"\n"							/* 11 */
	"[target 1]\n"						/* 12 */
	"name = iqn.2026-11.org.example:disk1\n"		/* 13 */
	"lld = iscsi\n"						/* 14 */
	"state = offline\n"					/* 15 */
	"initiator_address = ALL, 192.168.0.0/24, fe80::1\n"	/* 16 */
	"initiator_name = iqn.1994-05.com.redhat:a, iqn.x:y\n"	/* 17 */
	"incoming_user = alice\n"				/* 18 */
	"outgoing_user = bob\n"					/* 19 */
	"kernel_host = 3\n"					/* 20 */
	"\n"							/* 21 */
	"[target 1 lun 1]\n"					/* 22 */
	"backing_store = /var/lib/tgtd/disk1.img\n"		/* 23 */
	"bstype = rdwr\n"					/* 24 */
	"bsoflags = direct,sync\n"				/* 25 */
	"blocksize = 4096\n"					/* 26 */
	"device_type = disk\n"					/* 27 */
	"vendor_id = TGT\n"					/* 28 */
	"product_id = Sample Disk, v2\n"			/* 29 */
	"write_cache = on\n"					/* 30 */
	"\n"							/* 31 */
	"[target 2]\n"						/* 32 */
	"name = iqn.2026-11.org.example:disk2\n"		/* 33 */
	"\n"							/* 34 */
	"[target 2 lun 0]\n"					/* 35 */
	"backing_store = 1G\n"					/* 36 */
	"bstype = null\n";					/* 37 */

static const char full_requests[] =
	"ACCOUNT NEW user=alice password=s3cret-passw0rd\n"
	"ACCOUNT NEW user=bob password=b0b;secret#1\n"
	"TARGET NEW tid=1 lld=iscsi "
	"targetname=iqn.2026-11.org.example:disk1\n"
	"TARGET NEW tid=2 lld=iscsi "
	"targetname=iqn.2026-11.org.example:disk2\n"
	"TARGET UPDATE tid=1 lld=iscsi name=state value=offline\n"
	"TARGET BIND tid=1 lld=iscsi initiator_address=ALL\n"
	"TARGET BIND tid=1 lld=iscsi initiator_address=192.168.0.0/24\n"
	"TARGET BIND tid=1 lld=iscsi initiator_address=fe80::1\n"
	"TARGET BIND tid=1 lld=iscsi initiator_name=iqn.1994-05.com.redhat:a\n"
	"TARGET BIND tid=1 lld=iscsi initiator_name=iqn.x:y\n"
	"ACCOUNT BIND tid=1 lld=iscsi user=alice\n"
	"ACCOUNT BIND tid=1 flags=outgoing lld=iscsi user=bob\n"
	"TARGET BIND tid=1 host=3 lld=kernel\n"
	"LU NEW tid=1 lun=1 blocksize=4096 lld=iscsi "
	"backing_store=/var/lib/tgtd/disk1.img bstype=rdwr "
	"bsoflags=direct,sync device_type=disk\n"
	"LU UPDATE tid=1 lun=1 lld=iscsi name=vendor_id value=TGT\n"
	"LU UPDATE tid=1 lun=1 lld=iscsi name=product_id "
	"value=Sample Disk, v2\n"
	"LU UPDATE tid=1 lun=1 lld=iscsi name=write_cache value=on\n"
	"LU NEW tid=2 lun=0 lld=iscsi backing_store=1G bstype=null\n";

START_TEST(test_full)
{
	const struct conf_global *g;
	struct loaded l;

	apply_expect(full_conf, full_requests);
	fixture_load(&l, full_conf);
	ck_assert_int_eq(l.ret, 0);
	g = conf_global_get(l.conf);
	ck_assert(g->has_iothreads && g->has_log_level);
	ck_assert_uint_eq(g->iothreads, 4);
	ck_assert_int_eq(g->log_level, LOG_LVL_DEBUG);
	fixture_free(&l);
}
END_TEST

START_TEST(test_minimal)
{
	const struct conf_global *g;
	struct loaded l;

	apply_expect("[target 7]\nname = iqn.x:t7\n",
		     "TARGET NEW tid=7 lld=iscsi targetname=iqn.x:t7\n");
	apply_expect("", "");
	apply_expect("# only a comment\n\n", "");
	fixture_load(&l, "[global]\n");
	ck_assert_int_eq(l.ret, 0);
	g = conf_global_get(l.conf);
	ck_assert(!g->has_iothreads && !g->has_log_level);
	fixture_free(&l);
}
END_TEST

START_TEST(test_comments_whitespace)
{
	apply_expect(
		"; semicolon comment\n"
		"   # indented hash comment\n"
		"\n"
		"  [  target   3  ]  \n"
		"\tname\t=\tiqn.x:t3   ; trailing comment\n"
		"initiator_address=10.0.0.1 # another\n"
		"initiator_name =iqn.x:a,\\\n"
		"   iqn.x:b\n"
		"\r\n"
		"[target 3 lun 2]\r\n"
		"backing_store = \"/srv/my disk;1.img\"\r\n"
		"serial = 'abc#1'\r\n",
		"TARGET NEW tid=3 lld=iscsi targetname=iqn.x:t3\n"
		"TARGET BIND tid=3 lld=iscsi initiator_address=10.0.0.1\n"
		"TARGET BIND tid=3 lld=iscsi initiator_name=iqn.x:a\n"
		"TARGET BIND tid=3 lld=iscsi initiator_name=iqn.x:b\n"
		"LU NEW tid=3 lun=2 lld=iscsi "
		"backing_store=/srv/my disk;1.img\n"
		"LU UPDATE tid=3 lun=2 lld=iscsi name=serial value=abc#1\n");
}
END_TEST

/* Section names, keys and enumerations are case-insensitive; names,
 * paths and parameter values keep their case. */
START_TEST(test_case)
{
	struct loaded l;

	apply_expect(
		"[Account Bob]\n"
		"PassWord = MiXeD\n"
		"[TARGET 1]\n"
		"Name = iqn.2026-11.ORG.Example:Disk\n"
		"LLD = ISCSI\n"
		"State = OFFLINE\n"
		"Initiator_Address = all\n"
		"Incoming_User = Bob\n"
		"[Target 1 LUN 0]\n"
		"Backing_Store = /Data/Disk.IMG\n"
		"BsType = AIO\n"
		"BsOFlags = Direct , SYNC\n"
		"Device_Type = Disk\n"
		"Vendor_ID = Acme\n",
		"ACCOUNT NEW user=Bob password=MiXeD\n"
		"TARGET NEW tid=1 lld=iscsi "
		"targetname=iqn.2026-11.ORG.Example:Disk\n"
		"TARGET UPDATE tid=1 lld=iscsi name=state value=offline\n"
		"TARGET BIND tid=1 lld=iscsi initiator_address=ALL\n"
		"ACCOUNT BIND tid=1 lld=iscsi user=Bob\n"
		"LU NEW tid=1 lun=0 lld=iscsi backing_store=/Data/Disk.IMG "
		"bstype=aio bsoflags=direct,sync device_type=disk\n"
		"LU UPDATE tid=1 lun=0 lld=iscsi name=vendor_id value=Acme\n");
	fixture_load(&l, "[GLOBAL]\nLog_Level = WARN\n");
	ck_assert_int_eq(l.ret, 0);
	ck_assert_int_eq(conf_global_get(l.conf)->log_level, LOG_LVL_WARN);
	fixture_free(&l);
}
END_TEST

/* The sample shipped as ./tgtd.conf (what "make run" serves). */
START_TEST(test_shipped_sample)
{
	struct rec r = { .log = STRBUF_INIT };
	struct conf *c;
	char err[1024] = "";

	if (access("tgtd.conf", R_OK) != 0)
		return;		/* not run from the top of the tree */
	ck_assert_msg(conf_load("tgtd.conf", &c, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(conf_apply(c, rec_exec, &r, err, sizeof(err)), 0);
	ck_assert_str_eq(strbuf_str(&r.log),
		"TARGET NEW tid=1 lld=iscsi "
		"targetname=iqn.2026-11.org.example.tgt:sample\n"
		"TARGET BIND tid=1 lld=iscsi initiator_address=127.0.0.1\n"
		"LU NEW tid=1 lun=1 lld=iscsi backing_store=1G bstype=null\n"
		"LU UPDATE tid=1 lun=1 lld=iscsi name=vendor_id value=TGT\n"
		"LU UPDATE tid=1 lun=1 lld=iscsi name=product_id "
		"value=Sample Null Disk\n"
		"PORTAL NEW lld=iscsi name=portal value=127.0.0.1:3260\n");
	ck_assert_uint_eq(conf_global_get(c)->iothreads, 0);
	ck_assert(conf_global_get(c)->has_iothreads);
	strbuf_release(&r.log);
	conf_free(c);
}
END_TEST

/* An LU section may come before its target; phases keep dependencies. */
START_TEST(test_order)
{
	apply_expect(
		"[target 5 lun 1]\n"
		"backing_store = 64M\n"
		"bstype = null\n"
		"[target 5]\n"
		"name = iqn.x:five\n"
		"lld = kernel\n"
		"[target 4]\n"
		"name = iqn.x:four\n"
		"[account carol]\n"
		"password = p\n"
		"[target 4 lun 3]\n"
		"device_type = controller\n",
		"ACCOUNT NEW user=carol password=p\n"
		"TARGET NEW tid=5 lld=kernel targetname=iqn.x:five\n"
		"TARGET NEW tid=4 lld=iscsi targetname=iqn.x:four\n"
		"LU NEW tid=5 lun=1 lld=kernel backing_store=64M "
		"bstype=null\n"
		"LU NEW tid=4 lun=3 lld=iscsi device_type=controller\n");
}
END_TEST

/* [discovery]: account bindings of tid 0, after the accounts. */
START_TEST(test_discovery_section)
{
	apply_expect(
		"[discovery]\n"
		"incoming_user = bob, carol\n"
		"outgoing_user = alice\n"
		"[account alice]\npassword = a12345678901\n"
		"[account bob]\npassword = b12345678901\n"
		"[account carol]\npassword = c12345678901\n",
		"ACCOUNT NEW user=alice password=a12345678901\n"
		"ACCOUNT NEW user=bob password=b12345678901\n"
		"ACCOUNT NEW user=carol password=c12345678901\n"
		"ACCOUNT BIND tid=0 lld=iscsi user=bob\n"
		"ACCOUNT BIND tid=0 lld=iscsi user=carol\n"
		"ACCOUNT BIND tid=0 flags=outgoing lld=iscsi user=alice\n");
	load_expect_error("[discovery]\nincoming_user = zed\n",
			  "2: [discovery] incoming_user: no [account zed] "
			  "section");
	load_expect_error("[discovery]\noutgoing_user = a, b\n",
			  "2: [discovery] outgoing_user: only 1 value allowed");
	load_expect_error("[discovery]\nportal = 127.0.0.1\n",
			  "2: [discovery] portal: unknown key");
}
END_TEST

/* [iscsi]: after the targets, rx_timeout_ms before the portals. */
START_TEST(test_iscsi_section)
{
	apply_expect(
		"[iscsi]\n"
		"portal = 127.0.0.1:3260, [::1]:3260 ,127.0.0.1\n"
		"logout_timeout_ms = 0\n"
		"rx_timeout_ms = 500\n"
		"nop_timeout_ms = 2000\n"
		"nop_interval_ms = 1000\n"
		"[target 1]\n"
		"name = iqn.x:one\n",
		"TARGET NEW tid=1 lld=iscsi targetname=iqn.x:one\n"
		"LLD UPDATE lld=iscsi name=rx_timeout_ms value=500\n"
		"LLD UPDATE lld=iscsi name=nop_interval_ms value=1000\n"
		"LLD UPDATE lld=iscsi name=nop_timeout_ms value=2000\n"
		"LLD UPDATE lld=iscsi name=logout_timeout_ms value=0\n"
		"PORTAL NEW lld=iscsi name=portal value=127.0.0.1:3260\n"
		"PORTAL NEW lld=iscsi name=portal value=[::1]:3260\n"
		"PORTAL NEW lld=iscsi name=portal value=127.0.0.1\n");
	/* an empty section (what a dump without portals may hold) loads */
	apply_expect("[ISCSI]\n", "");
}
END_TEST

/* A portal the lld refuses is blamed on the portal line. */
START_TEST(test_iscsi_apply_failure)
{
	struct rec r = { .log = STRBUF_INIT, .fail_at = 2,
			 .fail_code = TGTADM_PORTAL_EXIST,
			 .fail_msg = "portal [::1]:3260 already exists" };
	struct loaded l;
	char err[1024] = "";
	char *expect;

	fixture_load(&l, "[iscsi]\nportal = 127.0.0.1:3260, [::1]:3260\n");
	ck_assert_int_eq(l.ret, 0);
	ck_assert_int_eq(conf_apply(l.conf, rec_exec, &r, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_ge(asprintf(&expect, "%s:2: [iscsi] portal: portal "
				  "[::1]:3260 already exists (tgtadm error "
				  "28)", l.path), 0);
	ck_assert_str_eq(err, expect);
	free(expect);
	strbuf_release(&r.log);
	fixture_free(&l);
}
END_TEST

START_TEST(test_iscsi_bad)
{
	load_expect_error("[iscsi]\nportal = 1.2.3.4.5:3260\n",
			  "2: [iscsi] portal: invalid value '1.2.3.4.5:3260' "
			  "(expected ADDR:PORT or [V6ADDR]:PORT, numeric)");
	load_expect_error("[iscsi]\nportal = 127.0.0.1:0\n",
			  "2: [iscsi] portal: invalid value '127.0.0.1:0'");
	load_expect_error("[iscsi]\nportal = [::1:3260\n",
			  "2: [iscsi] portal: invalid value");
	load_expect_error("[iscsi]\nportal = localhost:3260\n",
			  "2: [iscsi] portal: invalid value 'localhost:3260'");
	load_expect_error("[iscsi]\nportal = 127.0.0.1:3260,,[::1]\n",
			  "2: [iscsi] portal: empty item");
	load_expect_error("[iscsi]\n\nrx_timeout_ms = 0\n",
			  "3: [iscsi] rx_timeout_ms: invalid value '0' "
			  "(expected 1..3600000)");
	load_expect_error("[iscsi]\nrx_timeout_ms = 10s\n",
			  "2: [iscsi] rx_timeout_ms: invalid value");
	load_expect_error("[iscsi]\nnop_timeout_ms = 0\n",
			  "2: [iscsi] nop_timeout_ms: invalid value '0' "
			  "(expected 1..3600000)");
	load_expect_error("[iscsi]\nnop_interval_ms = 3600001\n",
			  "2: [iscsi] nop_interval_ms: invalid value");
	load_expect_error("[iscsi]\nlogout_timeout_ms = 600001\n",
			  "2: [iscsi] logout_timeout_ms: invalid value '600001' "
			  "(expected 0..600000)");
	load_expect_error("[iscsi]\nportals = 127.0.0.1\n",
			  "2: [iscsi] portals: unknown key");
	load_expect_error("[iscsi]\n[iscsi 2]\n",
			  "2: [iscsi 2]: unknown section");
}
END_TEST

/* ------------------------------------------------------------------ */
/* broken files */

START_TEST(test_unreadable)
{
	struct conf *c = (struct conf *)1;
	char err[256];
	char *path;

	ck_assert_int_eq(conf_load("/nonexistent/tgtd.conf", &c, err,
				   sizeof(err)), -ENOENT);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err, "/nonexistent/tgtd.conf: No such file or "
			 "directory");
	if (geteuid() == 0)
		return;		/* root reads anything */
	path = fixture_write("[global]\n");
	ck_assert_int_eq(chmod(path, 0), 0);
	ck_assert_int_eq(conf_load(path, &c, err, sizeof(err)), -EACCES);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_syntax_error)
{
	char long_line[1200];

	/* reported by iniparser's error callback */
	load_expect_error("[target 1]\nname = iqn.x:a\nthis is not ini\n",
			  "3: syntax error in 'this is not ini'");
	load_expect_error("\n\n[target 1] ; a comment\nname = iqn.x:a\n",
			  "3: syntax error in '[target 1] ; a comment'");
	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	{
		char *text;

		ck_assert_int_ge(asprintf(&text, "[global]\n;%s\n",
					  long_line), 0);
		load_expect_error(text, "2: ");
		free(text);
	}
	/* found by our own scan */
	load_expect_error("name = iqn.x:a\n[target 1]\n",
			  "1: name: key outside any section");
}
END_TEST

/* Continuation lines: keys are reported at their first line. */
START_TEST(test_line_numbers)
{
	load_expect_error("[target 1]\n"
			  "name = iqn.x:a\n"
			  "initiator_name = iqn.x:a, \\\n"
			  "   iqn.x:b\n"
			  "bogus = 1\n",
			  "5: [target 1] bogus: unknown key");
}
END_TEST

START_TEST(test_unknown_section)
{
	load_expect_error("[target 1]\nname = iqn.x:a\n\n[portal 1]\nx = 1\n",
			  "4: [portal 1]: unknown section");
	load_expect_error("[target 1 lu 1]\n", "1: [target 1 lu 1]: unknown");
	load_expect_error("[account]\n", "1: [account]: unknown section");
	load_expect_error("[global extra]\n", "1: [global extra]: unknown");
}
END_TEST

START_TEST(test_unknown_key)
{
	load_expect_error("[global]\nthreads = 2\n",
			  "2: [global] threads: unknown key");
	load_expect_error("[account a]\npassword = x\nsecret = y\n",
			  "3: [account a] secret: unknown key");
	load_expect_error("[target 1]\nname = iqn.x:a\nvendor_id = X\n",
			  "3: [target 1] vendor_id: unknown key");
	load_expect_error("[target 1]\nname = iqn.x:a\n[target 1 lun 1]\n"
			  "backing_store = 1G\nvendor id = X\n",
			  "5: [target 1 lun 1] vendor id: invalid device "
			  "parameter name");
}
END_TEST

START_TEST(test_bad_tid)
{
	load_expect_error("[target 0]\nname = iqn.x:a\n",
			  "1: [target 0]: invalid target id '0' (expected "
			  "1..2147483647)");
	load_expect_error("\n[target 2147483648]\n",
			  "2: [target 2147483648]: invalid target id");
	load_expect_error("[target abc]\n", "1: [target abc]: invalid target");
	load_expect_error("[target -1]\n", "1: [target -1]: invalid target");
	load_expect_error("[target 010]\n", "1: [target 010]: invalid target");
	load_expect_error("[target 0x1]\n", "1: [target 0x1]: invalid target");
}
END_TEST

START_TEST(test_bad_lun)
{
	load_expect_error("[target 1]\nname = iqn.x:a\n[target 1 lun 16384]\n",
			  "3: [target 1 lun 16384]: invalid LUN '16384' "
			  "(expected 0..16383)");
	load_expect_error("[target 1 lun x]\n",
			  "1: [target 1 lun x]: invalid LUN 'x'");
}
END_TEST

START_TEST(test_lu_without_target)
{
	load_expect_error("[target 1]\nname = iqn.x:a\n"
			  "[target 2 lun 1]\nbacking_store = 1G\n",
			  "3: [target 2 lun 1]: no [target 2] section");
}
END_TEST

START_TEST(test_missing_required)
{
	load_expect_error("[global]\n\n[target 1]\nlld = iscsi\n",
			  "3: [target 1] name: required key missing");
	load_expect_error("[target 1]\nname = iqn.x:a\n[target 1 lun 1]\n"
			  "bstype = rdwr\n",
			  "3: [target 1 lun 1] backing_store: required key "
			  "missing");
	load_expect_error("[account a]\n", "1: [account a] password: "
			  "required key missing");
}
END_TEST

START_TEST(test_duplicates)
{
	load_expect_error("[target 1]\nname = iqn.x:a\n"
			  "[target 2]\nname = IQN.X:A\n",
			  "4: [target 2] name: 'IQN.X:A' already used by "
			  "[target 1] (line 2)");
	load_expect_error("[target 1]\nname = iqn.x:a\n[target  1]\n",
			  "3: [target 1]: duplicate section (first at line 1)");
	load_expect_error("[account Bob]\npassword = a\n[account bob]\n",
			  "3: [account bob]: duplicate section");
	load_expect_error("[global]\n[global]\n", "2: [global]: duplicate");
	load_expect_error("[target 1]\nname = iqn.x:a\nname = iqn.x:b\n",
			  "3: [target 1] name: duplicate key (first at line 2)");
}
END_TEST

START_TEST(test_bad_global)
{
	load_expect_error("[global]\niothreads = many\n",
			  "2: [global] iothreads: invalid value 'many' "
			  "(expected 0..64)");
	load_expect_error("[global]\niothreads = 65\n",
			  "2: [global] iothreads: invalid value '65'");
	load_expect_error("[global]\niothreads = -1\n",
			  "2: [global] iothreads: invalid value '-1'");
	load_expect_error("[global]\nlog_level = verbose\n",
			  "2: [global] log_level: invalid value 'verbose' "
			  "(expected err|warn|info|debug)");
}
END_TEST

START_TEST(test_bad_values)
{
	static const char target[] = "[target 1]\nname = iqn.x:a\n";
	static const char lu[] = "[target 1]\nname = iqn.x:a\n"
				 "[target 1 lun 1]\nbacking_store = /x\n";
	char *text;

	ck_assert_int_ge(asprintf(&text, "%sblocksize = 1024\n", lu), 0);
	load_expect_error(text, "5: [target 1 lun 1] blocksize: invalid "
			  "value '1024' (expected 512|4096)");
	free(text);
	ck_assert_int_ge(asprintf(&text, "%sbstype = tape\n", lu), 0);
	load_expect_error(text, "5: [target 1 lun 1] bstype: invalid value");
	free(text);
	ck_assert_int_ge(asprintf(&text, "%sbsoflags = direct,,sync\n", lu),
			 0);
	load_expect_error(text, "5: [target 1 lun 1] bsoflags: invalid value");
	free(text);
	ck_assert_int_ge(asprintf(&text, "%sdevice_type = tape\n", lu), 0);
	load_expect_error(text, "5: [target 1 lun 1] device_type: invalid");
	free(text);
	ck_assert_int_ge(asprintf(&text, "%sstate = down\n", target), 0);
	load_expect_error(text, "3: [target 1] state: invalid value 'down' "
			  "(expected ready|offline)");
	free(text);
	ck_assert_int_ge(asprintf(&text, "%sinitiator_address = 10.0.0.1, "
				  "10.0.0.300\n", target), 0);
	load_expect_error(text, "3: [target 1] initiator_address: invalid "
			  "value '10.0.0.300'");
	free(text);
	ck_assert_int_ge(asprintf(&text, "%sinitiator_address = 10.0.0.0/33"
				  "\n", target), 0);
	load_expect_error(text, "3: [target 1] initiator_address: invalid");
	free(text);
	ck_assert_int_ge(asprintf(&text, "%skernel_host = -2\n", target), 0);
	load_expect_error(text, "3: [target 1] kernel_host: invalid value");
	free(text);
	load_expect_error("[target 1]\nname = iqn.x: a\n",
			  "2: [target 1] name: 'iqn.x: a' must not contain");
	load_expect_error("[target 1]\nname = iqn.x:a\n[target 1 lun 1]\n"
			  "backing_store = /x.img\nbstype = null\n",
			  "4: [target 1 lun 1] backing_store: with bstype null "
			  "the backing store is a size");
}
END_TEST

START_TEST(test_empty_value)
{
	load_expect_error("[target 1]\nname =\n",
			  "2: [target 1] name: empty value");
	load_expect_error("[target 1]\nname = iqn.x:a\nstate = ; none\n",
			  "3: [target 1] state: empty value");
	load_expect_error("[target 1]\nname = iqn.x:a\n"
			  "[target 1 lun 1]\nbacking_store = 1G\nserial = \"\"\n",
			  "5: [target 1 lun 1] serial: empty value");
	load_expect_error("[target 1]\nname = iqn.x:a\n"
			  "initiator_name = iqn.x:b,,iqn.x:c\n",
			  "3: [target 1] initiator_name: empty item");
}
END_TEST

START_TEST(test_accounts_checked)
{
	load_expect_error("[account alice]\npassword = x\n"
			  "[target 1]\nname = iqn.x:a\n"
			  "incoming_user = alice, mallory\n",
			  "5: [target 1] incoming_user: no [account mallory] "
			  "section");
	load_expect_error("[account a]\npassword = x\n[account b]\n"
			  "password = y\n[target 1]\nname = iqn.x:a\n"
			  "outgoing_user = a, b\n",
			  "7: [target 1] outgoing_user: only 1 value allowed");
	load_expect_error("[account a,b]\npassword = x\n",
			  "1: [account a,b]: 'a,b' must not contain");
}
END_TEST

/* ------------------------------------------------------------------ */
/* apply failures */

/* Fails request @n of full_conf with @code/@msg; expects @what. */
static void apply_fail_expect(unsigned n, int code, const char *msg,
			      const char *what, unsigned expect_count)
{
	struct rec r = { .log = STRBUF_INIT, .fail_at = n,
			 .fail_code = code, .fail_msg = msg };
	struct loaded l;
	char err[1024] = "";
	char *expect;

	fixture_load(&l, full_conf);
	ck_assert_int_eq(l.ret, 0);
	ck_assert_int_eq(conf_apply(l.conf, rec_exec, &r, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_ge(asprintf(&expect, "%s:%s", l.path, what), 0);
	ck_assert_str_eq(err, expect);
	ck_assert_uint_eq(r.count, expect_count);
	free(expect);
	strbuf_release(&r.log);
	fixture_free(&l);
}

START_TEST(test_apply_failure)
{
	/* LU/NEW of target 1 lun 1 is request 14: blamed on backing_store */
	apply_fail_expect(14, TGTADM_NO_BACKING,
			  "cannot open /var/lib/tgtd/disk1.img: No such file "
			  "or directory\n",
			  "23: [target 1 lun 1] backing_store: cannot open "
			  "/var/lib/tgtd/disk1.img: No such file or directory "
			  "(tgtadm error 25)", 14);
	/* a device parameter: its own key and line */
	apply_fail_expect(16, TGTADM_BAD_VALUE, "bad value 'Sample Disk, v2'",
			  "29: [target 1 lun 1] product_id: bad value 'Sample "
			  "Disk, v2' (tgtadm error 26)", 16);
}
END_TEST

START_TEST(test_apply_failure_keys)
{
	char *expect;

	/* each phase blames the key its request came from */
	apply_fail_expect(3, TGTADM_TARGET_EXIST, "target 1 exists",
			  "13: [target 1] name: target 1 exists (tgtadm error "
			  "9)", 3);
	apply_fail_expect(3, TGTADM_NO_DRIVER, "no driver iscsi",
			  "14: [target 1] lld: no driver iscsi (tgtadm error "
			  "3)", 3);
	apply_fail_expect(5, TGTADM_INVALID_REQUEST, "x",
			  "15: [target 1] state: x (tgtadm error 17)", 5);
	apply_fail_expect(8, TGTADM_BAD_VALUE, "x",
			  "16: [target 1] initiator_address: x (tgtadm error "
			  "26)", 8);
	apply_fail_expect(10, TGTADM_ACL_EXIST, "x",
			  "17: [target 1] initiator_name: x (tgtadm error 12)",
			  10);
	apply_fail_expect(11, TGTADM_NO_USER, "x",
			  "18: [target 1] incoming_user: x (tgtadm error 15)",
			  11);
	apply_fail_expect(12, TGTADM_OUTACCOUNT_EXIST, "x",
			  "19: [target 1] outgoing_user: x (tgtadm error 18)",
			  12);
	apply_fail_expect(13, TGTADM_NO_DRIVER, "x",
			  "20: [target 1] kernel_host: x (tgtadm error 3)", 13);
	ck_assert_int_ge(asprintf(&expect, "7: [account alice] password: %s "
				  "(tgtadm error 14)",
				  mgmt_err_str(TGTADM_USER_EXIST)), 0);
	apply_fail_expect(1, TGTADM_USER_EXIST, NULL, expect, 1);
	apply_fail_expect(1, TGTADM_USER_EXIST, "  \n", expect, 1);
	free(expect);
}
END_TEST

/* ------------------------------------------------------------------ */
/* with the real core, through mgmt_exec() as tgtd applies the file */

static int core_exec(const struct mgmt_req *req, struct strbuf *out,
		     void *arg)
{
	return mgmt_exec(req, out);
}

static void core_setup(void)
{
	log_open("check_conf", false, LOG_LVL_ERR);
	ck_assert_int_eq(tgt_core_init(1), 0);
}

/* Runs one request on the core; returns its TGTADM code. */
static int core_req(int mode, int op, int tid, const char *user,
		    struct strbuf *out)
{
	struct mgmt_req req;

	mgmt_req_init(&req);
	req.mode = (uint16_t)mode;
	req.op = (uint16_t)op;
	req.has_tid = tid > 0;
	req.tid = tid;
	req.user = user;
	req.flags = op == MGMT_OP_DELETE && tid > 0 ? MGMT_REQ_FORCE : 0;
	return mgmt_exec(&req, out);
}

/* Leaves the core empty, also for CK_FORK=no runs. */
static void core_teardown(void)
{
	struct strbuf out = STRBUF_INIT;

	core_req(MGMT_MODE_TARGET, MGMT_OP_DELETE, 1, NULL, &out);
	core_req(MGMT_MODE_TARGET, MGMT_OP_DELETE, 2, NULL, &out);
	core_req(MGMT_MODE_ACCOUNT, MGMT_OP_DELETE, 0, "alice", &out);
	core_req(MGMT_MODE_ACCOUNT, MGMT_OP_DELETE, 0, "bob", &out);
	strbuf_release(&out);
	tgt_core_exit();
}

static void core_apply_ok(const char *text)
{
	struct loaded l;
	char err[1024] = "";

	fixture_load(&l, text);
	ck_assert_msg(l.ret == 0, "load failed: %s", l.err);
	ck_assert_msg(conf_apply(l.conf, core_exec, NULL, err,
				 sizeof(err)) == 0, "apply failed: %s", err);
	fixture_free(&l);
}

static void core_dump(struct strbuf *out)
{
	ck_assert_int_eq(core_req(MGMT_MODE_SYS, MGMT_OP_DUMP, 0, NULL, out),
			 TGTADM_SUCCESS);
}

/* A missing backing file is an error at the backing_store line. */
START_TEST(test_core_missing_backing)
{
	struct loaded l;
	char err[1024] = "";
	char *expect;

	fixture_load(&l, "[target 1]\n"
			 "name = iqn.2026-11.org.example:t1\n"
			 "initiator_address = ALL\n"
			 "[target 1 lun 1]\n"
			 "backing_store = /nonexistent/disk.img\n");
	ck_assert_int_eq(l.ret, 0);
	ck_assert_int_eq(conf_apply(l.conf, core_exec, NULL, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_ge(asprintf(&expect, "%s:5: [target 1 lun 1] "
				  "backing_store: ", l.path), 0);
	ck_assert_msg(strncmp(err, expect, strlen(expect)) == 0 &&
		      strlen(err) > strlen(expect) + 20, "got '%s'", err);
	ck_assert_str_eq(err + strlen(err) - strlen("(tgtadm error 25)"),
			 "(tgtadm error 25)");
	free(expect);
	fixture_free(&l);
}
END_TEST

START_TEST(test_core_bad_param)
{
	struct loaded l;
	char err[1024] = "";
	char *expect;

	fixture_load(&l, "[target 1]\n"
			 "name = iqn.2026-11.org.example:t1\n"
			 "[target 1 lun 1]\n"
			 "backing_store = 1G\n"
			 "bstype = null\n"
			 "vendor_id = ACME\n"
			 "write_cache = maybe\n");
	ck_assert_int_eq(l.ret, 0);
	ck_assert_int_eq(conf_apply(l.conf, core_exec, NULL, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_ge(asprintf(&expect, "%s:7: [target 1 lun 1] "
				  "write_cache: ", l.path), 0);
	ck_assert_msg(strncmp(err, expect, strlen(expect)) == 0,
		      "got '%s'", err);
	free(expect);
	fixture_free(&l);
}
END_TEST

/*
 * The dump round trip: apply a file, dump, clear, load the dump, dump
 * again; both dumps must be the same.
 */
START_TEST(test_core_dump_round_trip)
{
	struct strbuf d1 = STRBUF_INIT, d2 = STRBUF_INIT, out = STRBUF_INIT;
	char *img = fixture_write("");
	char *text;

	ck_assert_int_eq(truncate(img, 1 << 20), 0);
	ck_assert_int_ge(asprintf(&text,
		"[account alice]\npassword = s3cret\n"
		"[account bob]\npassword = other\n"
		"[target 1]\nname = iqn.2026-11.org.example:rt1\n"
		"state = offline\n"
		"initiator_address = 127.0.0.1, 10.0.0.0/8\n"
		"initiator_name = iqn.x:client\n"
		"incoming_user = alice\noutgoing_user = bob\n"
		"[target 1 lun 1]\nbacking_store = 64M\nbstype = null\n"
		"blocksize = 4096\nvendor_id = ACME\n"
		"product_id = Round Trip\nwrite_cache = off\n"
		"serial = SN-1\n"
		"[target 1 lun 2]\nbacking_store = %s\nbsoflags = sync\n"
		"readonly = yes\n"
		"[target 2]\nname = iqn.2026-11.org.example:rt2\n"
		"[target 2 lun 0]\ndevice_type = controller\n", img), 0);
	core_apply_ok(text);
	core_dump(&d1);
	ck_assert_int_eq(core_req(MGMT_MODE_TARGET, MGMT_OP_DELETE, 1, NULL,
				  &out), TGTADM_SUCCESS);
	ck_assert_int_eq(core_req(MGMT_MODE_TARGET, MGMT_OP_DELETE, 2, NULL,
				  &out), TGTADM_SUCCESS);
	ck_assert_int_eq(core_req(MGMT_MODE_ACCOUNT, MGMT_OP_DELETE, 0,
				  "alice", &out), TGTADM_SUCCESS);
	ck_assert_int_eq(core_req(MGMT_MODE_ACCOUNT, MGMT_OP_DELETE, 0, "bob",
				  &out), TGTADM_SUCCESS);
	core_apply_ok(strbuf_str(&d1));
	core_dump(&d2);
	ck_assert_str_eq(strbuf_str(&d1), strbuf_str(&d2));
	unlink(img);
	free(img);
	free(text);
	strbuf_release(&d1);
	strbuf_release(&d2);
	strbuf_release(&out);
}
END_TEST

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *good = tcase_create("good");
	TCase *bad = tcase_create("bad");
	TCase *apply = tcase_create("apply");
	TCase *core = tcase_create("core");

	tcase_add_test(good, test_full);
	tcase_add_test(good, test_minimal);
	tcase_add_test(good, test_comments_whitespace);
	tcase_add_test(good, test_case);
	tcase_add_test(good, test_order);
	tcase_add_test(good, test_shipped_sample);
	tcase_add_test(good, test_iscsi_section);
	tcase_add_test(good, test_discovery_section);
	tcase_add_test(apply, test_iscsi_apply_failure);
	suite_add_tcase(s, good);
	tcase_add_test(bad, test_unreadable);
	tcase_add_test(bad, test_syntax_error);
	tcase_add_test(bad, test_line_numbers);
	tcase_add_test(bad, test_unknown_section);
	tcase_add_test(bad, test_unknown_key);
	tcase_add_test(bad, test_bad_tid);
	tcase_add_test(bad, test_bad_lun);
	tcase_add_test(bad, test_lu_without_target);
	tcase_add_test(bad, test_missing_required);
	tcase_add_test(bad, test_duplicates);
	tcase_add_test(bad, test_bad_global);
	tcase_add_test(bad, test_bad_values);
	tcase_add_test(bad, test_empty_value);
	tcase_add_test(bad, test_accounts_checked);
	tcase_add_test(bad, test_iscsi_bad);
	suite_add_tcase(s, bad);
	tcase_add_test(apply, test_apply_failure);
	tcase_add_test(apply, test_apply_failure_keys);
	suite_add_tcase(s, apply);
	tcase_add_checked_fixture(core, core_setup, core_teardown);
	tcase_add_test(core, test_core_missing_backing);
	tcase_add_test(core, test_core_bad_param);
	tcase_add_test(core, test_core_dump_round_trip);
	suite_add_tcase(s, core);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
