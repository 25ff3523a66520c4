/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the target core through the test transport: the ACL
 * matcher, nexus admission, unit-attention ordering and clearing, task
 * set ordering (SIMPLE / ORDERED / HEAD OF QUEUE), task management and
 * target/LU management errors, and the block cache (mcache).
 *
 * Ordering tests use the LU's test-only delay_ms to hold commands and
 * prove a command was still QUEUED by aborting it: a queued command ends
 * at once, a running one only when its delay expires.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "core/mcache.h"
#include "core/target.h"
#include "scsi/scsi.h"
#include "util/strbuf.h"

static const uint8_t tur[6] = { TEST_UNIT_READY };

/* ---- ACL matcher ---- */

START_TEST(test_acl_match_addr)
{
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "ALL", NULL, NULL), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "all", NULL, "1.2.3.4"), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "10.0.0.1", NULL,
				       "10.0.0.1"), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "10.0.0.1", NULL,
				       "10.0.0.2"), 0);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "10.0.0.0/24", NULL,
				       "10.0.0.200"), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "10.0.0.0/24", NULL,
				       "10.0.1.1"), 0);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "10.0.0.0/23", NULL,
				       "10.0.1.1"), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "0.0.0.0/0", NULL,
				       "192.168.9.9"), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "fd00::1", NULL,
				       "fd00::1"), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "fd00::/64", NULL,
				       "fd00::abcd"), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "fd00::/64", NULL,
				       "fd01::1"), 0);
	/* IPv4-mapped IPv6 peers match IPv4 rules. */
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "127.0.0.1", NULL,
				       "::ffff:127.0.0.1"), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "127.0.0.1", NULL,
				       "::1"), 0);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "10.0.0.1", NULL, NULL), 0);
}
END_TEST

START_TEST(test_acl_match_bad)
{
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "10.0.0", NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "10.0.0.0/33", NULL,
				       NULL), -EINVAL);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "fd00::/129", NULL,
				       NULL), -EINVAL);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_ADDR, "host.example", NULL,
				       NULL), -EINVAL);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_NAME, "", NULL, NULL), -EINVAL);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_NAME, "a b", NULL, NULL),
			 -EINVAL);
}
END_TEST

START_TEST(test_acl_match_name)
{
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_NAME, "iqn.x:a", "iqn.x:a",
				       NULL), 1);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_NAME, "iqn.x:a", "iqn.x:b",
				       NULL), 0);
	ck_assert_int_eq(tgt_acl_match(TGT_ACL_NAME, "iqn.x:a", NULL, NULL), 0);
}
END_TEST

/* ---- nexus admission ---- */

static void nop_done(struct tgt_cmd *cmd) { tgt_cmd_free(cmd); }
static const struct tgt_lld_ops other_lld = { .name = "other",
					      .cmd_done = nop_done };

START_TEST(test_nexus_admission)
{
	struct tgt_nexus *n;

	th_init();
	ck_assert_int_eq(tgt_lld_register(&other_lld), 0);
	ck_assert_int_eq(tgt_target_create(2, "iqn.2026-11.test:t2", "other"),
			 0);
	/* No ACL: nobody is admitted. */
	ck_assert_int_eq(tgt_nexus_create(&other_lld, 2, 1, "iqn.x:i",
					  "10.1.1.1", tgt_loop_get(0), NULL,
					  &n), -EACCES);
	ck_assert_int_eq(tgt_acl_add(2, TGT_ACL_ADDR, "10.1.1.0/24"), 0);
	ck_assert_int_eq(tgt_acl_add(2, TGT_ACL_ADDR, "10.1.1.0/24"), -EEXIST);
	ck_assert_int_eq(tgt_acl_add(2, TGT_ACL_ADDR, "bogus"), -EINVAL);
	ck_assert_int_eq(tgt_acl_add(2, TGT_ACL_NAME, "iqn.x:good"), 0);
	/* Both kinds present: both must match. */
	ck_assert_int_eq(tgt_nexus_create(&other_lld, 2, 1, "iqn.x:bad",
					  "10.1.1.1", tgt_loop_get(0), NULL,
					  &n), -EACCES);
	ck_assert_int_eq(tgt_nexus_create(&other_lld, 2, 1, "iqn.x:good",
					  "10.2.1.1", tgt_loop_get(0), NULL,
					  &n), -EACCES);
	ck_assert_int_eq(tgt_nexus_create(&other_lld, 2, 1, "iqn.x:good",
					  "10.1.1.1", tgt_loop_get(0), NULL,
					  &n), 0);
	ck_assert_int_eq(tgt_nexus_create(&other_lld, 2, 1, "iqn.x:good",
					  "10.1.1.1", tgt_loop_get(0), NULL,
					  &n), -EEXIST);
	ck_assert_int_eq(tgt_nexus_create(&other_lld, 99, 1, "iqn.x:good",
					  "10.1.1.1", tgt_loop_get(0), NULL,
					  &n), -ENOENT);
	/* A target with a nexus is busy unless forced. */
	ck_assert_int_eq(tgt_target_destroy(2, false), -EBUSY);
	ck_assert_int_eq(tgt_target_update(2, "state", "offline"), 0);
	ck_assert_int_eq(tgt_nexus_create(&other_lld, 2, 2, "iqn.x:good",
					  "10.1.1.1", tgt_loop_get(0), NULL,
					  &n), -EAGAIN);
	ck_assert_int_eq(tgt_acl_del(2, TGT_ACL_NAME, "iqn.x:nope"), -ENODATA);
	ck_assert_int_eq(tgt_acl_del(2, TGT_ACL_NAME, "iqn.x:good"), 0);
	th_fini();
}
END_TEST

/* Rehoming keeps the nexus only where its ACL still admits it, and
 * never under a live command. */
START_TEST(test_nexus_rehome)
{
	struct tgt_nexus *n;
	struct tgt_cmd *cmd;
	int priv;

	th_init();
	ck_assert_int_eq(tgt_lld_register(&other_lld), 0);
	ck_assert_int_eq(tgt_target_create(2, "iqn.2026-11.test:t2", "other"),
			 0);
	ck_assert_int_eq(tgt_acl_add(2, TGT_ACL_ADDR, "10.1.1.0/24"), 0);
	ck_assert_int_eq(tgt_nexus_create(&other_lld, 2, 7, "iqn.x:i",
					  "10.1.1.1", tgt_loop_get(0), NULL,
					  &n), 0);
	cmd = tgt_cmd_alloc(n, 0);
	ck_assert_ptr_nonnull(cmd);
	ck_assert_int_eq(tgt_nexus_rehome(n, tgt_loop_get(0), &priv,
					  "10.1.1.2"), -EBUSY);
	tgt_cmd_free(cmd);
	ck_assert_int_eq(tgt_nexus_rehome(n, tgt_loop_get(0), &priv,
					  "10.9.9.9"), -EACCES);
	ck_assert_int_eq(tgt_nexus_rehome(n, tgt_loop_get(0), &priv,
					  "10.1.1.2"), 0);
	ck_assert_uint_eq(tgt_nexus_itn_id(n), 7);
	ck_assert_int_eq(tgt_target_update(2, "state", "offline"), 0);
	ck_assert_int_eq(tgt_nexus_rehome(n, tgt_loop_get(0), &priv,
					  "10.1.1.2"), -EAGAIN);
	th_fini();
}
END_TEST

struct visible {
	int tids[8];
	int n;
};

static void visible_add(int tid, const char *name, void *arg)
{
	struct visible *v = arg;

	if (v->n < 8)
		v->tids[v->n++] = tid;
}

START_TEST(test_target_visible_by_acl)
{
	struct visible v = { { 0 }, 0 };

	th_init();
	ck_assert_int_eq(tgt_lld_register(&other_lld), 0);
	ck_assert_int_eq(tgt_target_create(2, "iqn.2026-11.test:t2", "other"),
			 0);
	ck_assert_int_eq(tgt_target_create(3, "iqn.2026-11.test:t3", "other"),
			 0);
	ck_assert_int_eq(tgt_target_create(4, "iqn.2026-11.test:t4", "other"),
			 0);
	ck_assert_int_eq(tgt_acl_add(2, TGT_ACL_ADDR, "10.0.0.0/8"), 0);
	ck_assert_int_eq(tgt_acl_add(3, TGT_ACL_NAME, "iqn.x:other"), 0);
	ck_assert_int_eq(tgt_acl_add(4, TGT_ACL_ADDR, "ALL"), 0);
	ck_assert_int_eq(tgt_target_update(4, "state", "offline"), 0);
	/* Target 1 belongs to another transport; 3 refuses the name; 4 is
	 * offline: only 2 is visible. */
	ck_assert_int_eq(tgt_target_for_each_visible("other", "iqn.x:me",
						     "10.1.2.3", visible_add,
						     &v), 1);
	ck_assert_int_eq(v.tids[0], 2);
	v.n = 0;
	ck_assert_int_eq(tgt_target_for_each_visible("other", "iqn.x:me",
						     "192.168.1.1",
						     visible_add, &v), 0);
	th_fini();
}
END_TEST

/* ---- management errors ---- */

START_TEST(test_target_lu_mgmt)
{
	struct scsi_dev_spec spec = { .devtype = "disk", .bstype = "null",
				      .path = "16M" };
	struct strbuf sb = STRBUF_INIT;
	char err[256];

	th_init();
	ck_assert_int_eq(tgt_target_create(TH_TID, "iqn.2026-11.test:dup",
					   "test"), -EEXIST);
	ck_assert_int_eq(tgt_target_create(5, "iqn.2026-11.test:t1", "test"),
			 -EEXIST);
	ck_assert_int_eq(tgt_target_create(6, "bad name", "test"), -EINVAL);
	ck_assert_int_eq(tgt_target_create(0, "iqn.z", "test"), -EINVAL);
	ck_assert_int_eq(tgt_target_create(6, "iqn.z", "nosuchlld"), -ENODEV);
	ck_assert_int_eq(tgt_target_next_tid(), 2);
	ck_assert_int_eq(tgt_lu_create(TH_TID, 1, &spec, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_lu_create(TH_TID, 1, &spec, err, sizeof(err)),
			 -EEXIST);
	ck_assert_int_eq(tgt_lu_create(9, 1, &spec, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(tgt_lu_create(TH_TID, 20000, &spec, err, sizeof(err)),
			 -EINVAL);
	spec.bstype = "rdwr";
	spec.path = "/nonexistent/tgt-test-file";
	ck_assert_int_eq(tgt_lu_create(TH_TID, 2, &spec, err, sizeof(err)),
			 -ENXIO);
	ck_assert_int_eq(tgt_lu_update(TH_TID, 1, "nosuchparam", "1"),
			 -EOPNOTSUPP);
	ck_assert_int_eq(tgt_lu_update(TH_TID, 7, "vendor_id", "X"), -ENODATA);
	ck_assert_int_eq(tgt_lu_update(TH_TID, 1, "vendor_id", "ACME"), 0);
	ck_assert_int_eq(tgt_target_show(TH_TID, &sb), 0);
	ck_assert_ptr_nonnull(strstr(sb.buf, "Target 1: iqn.2026-11.test:t1"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "LUN: 1"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "LUN: 0"));
	strbuf_reset(&sb);
	tgt_config_dump(&sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "[target 1]\n"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "[target 1 lun 1]\n"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "initiator_address = ALL\n"));
	ck_assert_int_eq(tgt_target_show(77, &sb), -ENOENT);
	ck_assert_int_eq(tgt_lu_destroy(TH_TID, 3, false), -ENODATA);
	ck_assert_int_eq(tgt_lu_destroy(TH_TID, 1, false), 0);
	ck_assert_int_eq(tgt_target_destroy(TH_TID, false), 0);
	ck_assert_int_eq(tgt_target_destroy(TH_TID, false), -ENOENT);
	strbuf_release(&sb);
	tgt_core_exit();
}
END_TEST

START_TEST(test_accounts)
{
	char pw[64], user[64];

	th_init();
	ck_assert_int_eq(tgt_account_create("alice", "secret-one-12"), 0);
	ck_assert_int_eq(tgt_account_create("alice", "x"), -EEXIST);
	ck_assert_int_eq(tgt_account_create("bob", ""), -EINVAL);
	ck_assert_int_eq(tgt_account_create("bob", "secret-two-12"), 0);
	ck_assert(!tgt_account_required(TH_TID));
	ck_assert_int_eq(tgt_account_bind(TH_TID, "alice", false), 0);
	ck_assert_int_eq(tgt_account_bind(TH_TID, "alice", false), -EEXIST);
	ck_assert_int_eq(tgt_account_bind(TH_TID, "carol", false), -ENODATA);
	ck_assert_int_eq(tgt_account_bind(42, "alice", false), -ENOENT);
	ck_assert(tgt_account_required(TH_TID));
	ck_assert_int_eq(tgt_account_lookup(TH_TID, "alice", false, pw,
					    sizeof(pw)), 0);
	ck_assert_str_eq(pw, "secret-one-12");
	ck_assert_int_eq(tgt_account_lookup(TH_TID, "bob", false, pw,
					    sizeof(pw)), -ENODATA);
	ck_assert_int_eq(tgt_account_bind(TH_TID, "bob", true), 0);
	ck_assert_int_eq(tgt_account_bind(TH_TID, "alice", true), -EBUSY);
	ck_assert_int_eq(tgt_account_outgoing(TH_TID, user, sizeof(user), pw,
					      sizeof(pw)), 0);
	ck_assert_str_eq(user, "bob");
	ck_assert_int_eq(tgt_account_bind(0, "alice", false), 0);
	ck_assert(tgt_account_required(0));
	ck_assert_int_eq(tgt_account_delete("alice"), 0);
	ck_assert(!tgt_account_required(TH_TID));
	ck_assert(!tgt_account_required(0));
	ck_assert_int_eq(tgt_account_delete("alice"), -ENODATA);
	ck_assert_int_eq(tgt_account_unbind(TH_TID, "bob", false), -ENODATA);
	ck_assert_int_eq(tgt_account_unbind(TH_TID, "bob", true), 0);
	th_fini();
}
END_TEST

/* ---- unit attentions ---- */

static void expect_ua(struct th_nexus *n, uint64_t lun, uint16_t asc)
{
	struct th_result r;

	ck_assert_int_eq(th_cmd(n, lun, tur, sizeof(tur), TGT_DATA_NONE, NULL,
				0, &r), SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(&r), SK_UNIT_ATTENTION);
	ck_assert_uint_eq(th_sense_asc(&r), asc);
}

static void expect_good(struct th_nexus *n, uint64_t lun)
{
	ck_assert_int_eq(th_cmd(n, lun, tur, sizeof(tur), TGT_DATA_NONE, NULL,
				0, NULL), SAM_STAT_GOOD);
}

START_TEST(test_ua_power_on_and_inventory)
{
	struct th_nexus *n;
	uint8_t inq[6] = { INQUIRY, 0, 0, 0, 36, 0 };
	uint8_t rl[12] = { REPORT_LUNS, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 };
	uint8_t buf[256];

	th_init();
	ck_assert_int_eq(th_lu_add(1, "null", "16M", 512), 0);
	n = th_nexus_new(1);
	/* INQUIRY neither reports nor clears a UA. */
	ck_assert_int_eq(th_cmd(n, 1, inq, sizeof(inq), TGT_DATA_READ, buf, 36,
				NULL), SAM_STAT_GOOD);
	expect_ua(n, 1, ASC_POWER_ON_RESET);
	expect_good(n, 1);
	/* Per LUN: LUN 0 (controller) still has its own. */
	expect_ua(n, 0, ASC_POWER_ON_RESET);
	expect_good(n, 0);
	/* A new LU: every other LU reports REPORTED LUNS DATA HAS CHANGED. */
	ck_assert_int_eq(th_lu_add(2, "null", "16M", 512), 0);
	expect_ua(n, 1, ASC_REPORTED_LUNS_CHANGED);
	expect_good(n, 1);
	/* ...and REPORT LUNS clears it without reporting it. */
	ck_assert_int_eq(th_cmd(n, 0, rl, sizeof(rl), TGT_DATA_READ, buf, 256,
				NULL), SAM_STAT_GOOD);
	expect_good(n, 0);
	/* The new LU itself has no UA. */
	expect_good(n, 2);
	th_nexus_free(n);
	th_fini();
}
END_TEST

START_TEST(test_ua_priority_order)
{
	struct th_nexus *n;

	th_init();
	ck_assert_int_eq(th_lu_add(1, "null", "16M", 512), 0);
	n = th_nexus_new(1);
	ck_assert_int_eq(th_lu_add(2, "null", "16M", 512), 0);
	/* Queued after POWER ON, but the 29h class is reported first. */
	expect_ua(n, 1, ASC_POWER_ON_RESET);
	expect_ua(n, 1, ASC_REPORTED_LUNS_CHANGED);
	expect_good(n, 1);
	th_nexus_free(n);
	th_fini();
}
END_TEST

START_TEST(test_ua_capacity_changed)
{
	struct th_nexus *n;
	char *path = th_tmpfile(1 << 20);

	th_init();
	ck_assert_int_eq(th_lu_add(1, "rdwr", path, 512), 0);
	n = th_nexus_new(1);
	th_ua_clear(n, 1);
	ck_assert_int_eq(truncate(path, 2 << 20), 0);
	ck_assert_int_eq(th_lu_param(1, "rescan", "1"), 0);
	expect_ua(n, 1, ASC_CAPACITY_CHANGED);
	expect_good(n, 1);
	/* No change, no UA. */
	ck_assert_int_eq(th_lu_param(1, "rescan", "1"), 0);
	expect_good(n, 1);
	th_nexus_free(n);
	th_fini();
	unlink(path);
	free(path);
}
END_TEST

/* ---- task set ordering ---- */

static struct th_nexus *held_lu_setup(unsigned delay_ms)
{
	struct th_nexus *n;
	char ms[16];

	th_init();
	ck_assert_int_eq(th_lu_add(1, "null", "16M", 512), 0);
	n = th_nexus_new(1);
	th_ua_clear(n, 1);
	snprintf(ms, sizeof(ms), "%u", delay_ms);
	ck_assert_int_eq(th_lu_param(1, "delay_ms", ms), 0);
	th_done_order_reset();
	return n;
}

START_TEST(test_ordered_blocks_later_simple)
{
	struct th_nexus *n = held_lu_setup(300);
	struct th_cmd *a, *b, *c;
	struct th_result ra, rb, rc;
	uint64_t order[3];

	a = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 1,
			 TGT_TASK_SIMPLE);
	b = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 2,
			 TGT_TASK_ORDERED);
	c = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 3,
			 TGT_TASK_SIMPLE);
	/* C waits behind ORDERED B: aborting it ends it before A and B. */
	ck_assert_int_eq(th_tmf(n, TGT_TMF_ABORT_TASK, 1, 3), TGT_TMF_COMPLETE);
	ck_assert_int_eq(th_cmd_wait(c, &rc), SAM_STAT_TASK_ABORTED);
	ck_assert(rc.aborted);
	ck_assert_int_eq(th_cmd_wait(a, &ra), SAM_STAT_GOOD);
	ck_assert_int_eq(th_cmd_wait(b, &rb), SAM_STAT_GOOD);
	ck_assert_uint_eq(th_done_order(order, 3), 3);
	ck_assert_uint_eq(order[0], 3);
	ck_assert_uint_eq(order[1], 1);
	ck_assert_uint_eq(order[2], 2);
	th_nexus_free(n);
	th_fini();
}
END_TEST

START_TEST(test_ordered_waits_for_earlier)
{
	struct th_nexus *n = held_lu_setup(300);
	struct th_cmd *a, *b;
	uint64_t order[2];

	a = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 1,
			 TGT_TASK_SIMPLE);
	b = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 2,
			 TGT_TASK_ORDERED);
	/* B is queued (not running) behind A: the abort ends it first. */
	ck_assert_int_eq(th_tmf(n, TGT_TMF_ABORT_TASK, 1, 2), TGT_TMF_COMPLETE);
	ck_assert_int_eq(th_cmd_wait(b, NULL), SAM_STAT_TASK_ABORTED);
	ck_assert_int_eq(th_cmd_wait(a, NULL), SAM_STAT_GOOD);
	ck_assert_uint_eq(th_done_order(order, 2), 2);
	ck_assert_uint_eq(order[0], 2);
	ck_assert_uint_eq(order[1], 1);
	th_nexus_free(n);
	th_fini();
}
END_TEST

START_TEST(test_head_of_queue_bypasses)
{
	struct th_nexus *n = held_lu_setup(300);
	struct th_cmd *a, *b, *c;
	uint64_t order[3];

	a = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 1,
			 TGT_TASK_SIMPLE);
	b = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 2,
			 TGT_TASK_ORDERED);
	c = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 3,
			 TGT_TASK_HEAD_OF_QUEUE);
	ck_assert_int_eq(th_cmd_wait(a, NULL), SAM_STAT_GOOD);
	ck_assert_int_eq(th_cmd_wait(b, NULL), SAM_STAT_GOOD);
	ck_assert_int_eq(th_cmd_wait(c, NULL), SAM_STAT_GOOD);
	/* C ran alongside A instead of waiting behind B. */
	ck_assert_uint_eq(th_done_order(order, 3), 3);
	ck_assert_uint_eq(order[0], 1);
	ck_assert_uint_eq(order[1], 3);
	ck_assert_uint_eq(order[2], 2);
	th_nexus_free(n);
	th_fini();
}
END_TEST

/* ---- task management ---- */

START_TEST(test_tmf_answers)
{
	struct th_nexus *n = held_lu_setup(0);

	ck_assert_int_eq(th_tmf(n, TGT_TMF_ABORT_TASK, 1, 12345),
			 TGT_TMF_NO_TASK);
	ck_assert_int_eq(th_tmf(n, TGT_TMF_QUERY_TASK, 1, 12345),
			 TGT_TMF_COMPLETE);
	ck_assert_int_eq(th_tmf(n, TGT_TMF_LUN_RESET, 9, 0), TGT_TMF_NO_LUN);
	ck_assert_int_eq(th_tmf(n, TGT_TMF_CLEAR_ACA, 1, 0), TGT_TMF_REJECTED);
	ck_assert_int_eq(th_tmf(n, TGT_TMF_ABORT_TASK_SET, 1, 0),
			 TGT_TMF_COMPLETE);
	th_nexus_free(n);
	th_fini();
}
END_TEST

START_TEST(test_tmf_abort_running_waits)
{
	struct th_nexus *n = held_lu_setup(200);
	struct th_cmd *a;
	struct th_result r;
	uint64_t order[1];

	a = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 7,
			 TGT_TASK_SIMPLE);
	ck_assert_int_eq(th_tmf(n, TGT_TMF_QUERY_TASK, 1, 7),
			 TGT_TMF_SUCCEEDED);
	/* th_tmf returns after tmf_done: the command must be done by then. */
	ck_assert_int_eq(th_tmf(n, TGT_TMF_ABORT_TASK, 1, 7), TGT_TMF_COMPLETE);
	ck_assert_uint_eq(th_done_order(order, 1), 1);
	ck_assert_uint_eq(order[0], 7);
	ck_assert_int_eq(th_cmd_wait(a, &r), SAM_STAT_TASK_ABORTED);
	ck_assert(r.aborted);
	th_nexus_free(n);
	th_fini();
}
END_TEST

START_TEST(test_tmf_lun_reset_ua_all)
{
	struct th_nexus *n1 = held_lu_setup(0);
	struct th_nexus *n2 = th_nexus_new(2);

	th_ua_clear(n2, 1);
	ck_assert_int_eq(th_tmf(n1, TGT_TMF_LUN_RESET, 1, 0), TGT_TMF_COMPLETE);
	expect_ua(n1, 1, ASC_BUS_DEVICE_RESET);
	expect_ua(n2, 1, ASC_BUS_DEVICE_RESET);
	expect_good(n2, 1);
	th_nexus_free(n2);
	th_nexus_free(n1);
	th_fini();
}
END_TEST

START_TEST(test_tmf_clear_task_set_other_nexus)
{
	struct th_nexus *n1 = held_lu_setup(200);
	struct th_nexus *n2 = th_nexus_new(2);
	struct th_cmd *a;

	th_ua_clear(n2, 1);
	a = th_cmd_start(n2, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 5,
			 TGT_TASK_SIMPLE);
	ck_assert_int_eq(th_tmf(n1, TGT_TMF_CLEAR_TASK_SET, 1, 0),
			 TGT_TMF_COMPLETE);
	ck_assert_int_eq(th_cmd_wait(a, NULL), SAM_STAT_TASK_ABORTED);
	ck_assert_int_eq(th_lu_param(1, "delay_ms", "0"), 0);
	/* The other initiator learns its commands were cleared. */
	expect_ua(n2, 1, ASC_COMMANDS_CLEARED_OTHER);
	expect_good(n2, 1);
	expect_good(n1, 1);
	th_nexus_free(n2);
	th_nexus_free(n1);
	th_fini();
}
END_TEST

START_TEST(test_tmf_nexus_reset)
{
	struct th_nexus *n = held_lu_setup(200);
	struct th_cmd *a;

	a = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 5,
			 TGT_TASK_SIMPLE);
	ck_assert_int_eq(th_tmf(n, TGT_TMF_IT_NEXUS_RESET, 0, 0),
			 TGT_TMF_COMPLETE);
	ck_assert_int_eq(th_cmd_wait(a, NULL), SAM_STAT_TASK_ABORTED);
	ck_assert_int_eq(th_lu_param(1, "delay_ms", "0"), 0);
	expect_ua(n, 1, ASC_NEXUS_LOSS);
	expect_good(n, 1);
	th_nexus_free(n);
	th_fini();
}
END_TEST

START_TEST(test_nexus_destroy_aborts_running)
{
	struct th_nexus *n = held_lu_setup(200);
	struct th_cmd *a;
	struct th_result r;

	a = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 5,
			 TGT_TASK_SIMPLE);
	th_nexus_free(n);
	/* Exactly one cmd_done, reported aborted. */
	ck_assert_int_eq(th_cmd_wait(a, &r), SAM_STAT_TASK_ABORTED);
	ck_assert(r.aborted);
	th_fini();
}
END_TEST

START_TEST(test_aborted_held_write_not_executed)
{
	char *path = th_tmpfile(1 << 20);
	uint8_t w10[10] = { WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t r10[10] = { READ_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t data[512], back[512], zero[512] = { 0 };
	struct th_nexus *n;
	struct th_cmd *w;

	th_init();
	ck_assert_int_eq(th_lu_add(1, "rdwr", path, 512), 0);
	n = th_nexus_new(1);
	th_ua_clear(n, 1);
	ck_assert_int_eq(th_lu_param(1, "delay_ms", "300"), 0);
	memset(data, 0xaa, sizeof(data));
	w = th_cmd_start(n, 1, w10, sizeof(w10), TGT_DATA_WRITE, data,
			 sizeof(data), 9, TGT_TASK_SIMPLE);
	ck_assert_int_eq(th_tmf(n, TGT_TMF_ABORT_TASK, 1, 9), TGT_TMF_COMPLETE);
	ck_assert_int_eq(th_cmd_wait(w, NULL), SAM_STAT_TASK_ABORTED);
	ck_assert_int_eq(th_lu_param(1, "delay_ms", "0"), 0);
	ck_assert_int_eq(th_cmd(n, 1, r10, sizeof(r10), TGT_DATA_READ, back,
				sizeof(back), NULL), SAM_STAT_GOOD);
	ck_assert_int_eq(memcmp(back, zero, sizeof(back)), 0);
	th_nexus_free(n);
	th_fini();
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_lu_busy_delete)
{
	struct th_nexus *n = held_lu_setup(300);
	struct th_cmd *a;

	a = th_cmd_start(n, 1, tur, 6, TGT_DATA_NONE, NULL, 0, 5,
			 TGT_TASK_SIMPLE);
	usleep(50000);
	ck_assert_int_eq(tgt_lu_destroy(TH_TID, 1, false), -EBUSY);
	ck_assert_int_eq(th_cmd_wait(a, NULL), SAM_STAT_GOOD);
	ck_assert_int_eq(tgt_lu_destroy(TH_TID, 1, false), 0);
	th_nexus_free(n);
	th_fini();
}
END_TEST

/* ---- block cache ---- */

START_TEST(test_mcache_reuse)
{
	struct mcache mc = { 0 };
	void *a = mcache_block_get(&mc, 100), *b, *c;

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq((uintptr_t)a % 4096, 0);
	ck_assert_uint_eq(mc.misses, 1);
	mcache_block_put(&mc, a, 100);
	ck_assert_uint_eq(mc.bytes, 4096);
	/* Same class (4 KiB): the same block comes back. */
	b = mcache_block_get(&mc, 4096);
	ck_assert_ptr_eq(b, a);
	ck_assert_uint_eq(mc.hits, 1);
	ck_assert_uint_eq(mc.bytes, 0);
	/* 4097 bytes is the 8 KiB class: a new block. */
	c = mcache_block_get(&mc, 4097);
	ck_assert_ptr_ne(c, b);
	memset(c, 0xab, 8192);
	mcache_block_put(&mc, c, 4097);
	mcache_block_put(&mc, b, 4096);
	ck_assert_uint_eq(mc.bytes, 4096 + 8192);
	mcache_drain(&mc);
	ck_assert_uint_eq(mc.bytes, 0);
	ck_assert_ptr_null(mc.cls[0].head);
}
END_TEST

START_TEST(test_mcache_bounds)
{
	struct mcache mc = { 0 };
	void *big, *blocks[MCACHE_CLASS_MAX + 1];

	/* Above the largest class: plain allocations, never kept. */
	big = mcache_block_get(&mc, ((size_t)1 << MCACHE_MAX_SHIFT) + 1);
	ck_assert_ptr_nonnull(big);
	mcache_block_put(&mc, big, ((size_t)1 << MCACHE_MAX_SHIFT) + 1);
	ck_assert_uint_eq(mc.bytes, 0);
	/* At most MCACHE_CLASS_MAX blocks per class. */
	for (unsigned i = 0; i <= MCACHE_CLASS_MAX; i++)
		blocks[i] = mcache_block_get(&mc, 4096);
	for (unsigned i = 0; i <= MCACHE_CLASS_MAX; i++)
		mcache_block_put(&mc, blocks[i], 4096);
	ck_assert_uint_eq(mc.cls[0].count, MCACHE_CLASS_MAX);
	/* At most MCACHE_BYTES_MAX bytes: two 8 MiB blocks fill it. */
	for (unsigned i = 0; i < 3; i++)
		blocks[i] = mcache_block_get(&mc, (size_t)1 << MCACHE_MAX_SHIFT);
	for (unsigned i = 0; i < 3; i++)
		mcache_block_put(&mc, blocks[i],
				 (size_t)1 << MCACHE_MAX_SHIFT);
	ck_assert_uint_le(mc.bytes, MCACHE_BYTES_MAX);
	ck_assert_uint_le(mc.cls[MCACHE_CLASSES - 1].count, 1);
	mcache_drain(&mc);
	/* No cache: plain malloc and free. */
	big = mcache_block_get(NULL, 10);
	ck_assert_ptr_nonnull(big);
	mcache_block_put(NULL, big, 10);
}
END_TEST

#if defined(__SANITIZE_ADDRESS__)
/* A cached block is poisoned: touching it after the put is reported
 * (ASan prints a use-after-poison report and exits 1: expected). */
START_TEST(test_mcache_asan_use_after_put)
{
	struct mcache mc = { 0 };
	volatile uint8_t *p = mcache_block_get(&mc, 4096);

	mcache_block_put(&mc, (void *)p, 4096);
	p[100] = 1;
}
END_TEST
#endif

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *acl = tcase_create("acl");
	TCase *mgmt = tcase_create("mgmt");
	TCase *ua = tcase_create("unit-attention");
	TCase *ts = tcase_create("task-set");
	TCase *tmf = tcase_create("tmf");
	TCase *mc = tcase_create("mcache");

	tcase_add_test(acl, test_acl_match_addr);
	tcase_add_test(acl, test_acl_match_bad);
	tcase_add_test(acl, test_acl_match_name);
	tcase_add_test(acl, test_nexus_admission);
	tcase_add_test(acl, test_nexus_rehome);
	tcase_add_test(acl, test_target_visible_by_acl);
	suite_add_tcase(s, acl);
	tcase_add_test(mgmt, test_target_lu_mgmt);
	tcase_add_test(mgmt, test_accounts);
	suite_add_tcase(s, mgmt);
	tcase_add_test(ua, test_ua_power_on_and_inventory);
	tcase_add_test(ua, test_ua_priority_order);
	tcase_add_test(ua, test_ua_capacity_changed);
	suite_add_tcase(s, ua);
	tcase_add_test(ts, test_ordered_blocks_later_simple);
	tcase_add_test(ts, test_ordered_waits_for_earlier);
	tcase_add_test(ts, test_head_of_queue_bypasses);
	suite_add_tcase(s, ts);
	tcase_add_test(tmf, test_tmf_answers);
	tcase_add_test(tmf, test_tmf_abort_running_waits);
	tcase_add_test(tmf, test_tmf_lun_reset_ua_all);
	tcase_add_test(tmf, test_tmf_clear_task_set_other_nexus);
	tcase_add_test(tmf, test_tmf_nexus_reset);
	tcase_add_test(tmf, test_nexus_destroy_aborts_running);
	tcase_add_test(tmf, test_aborted_held_write_not_executed);
	tcase_add_test(tmf, test_lu_busy_delete);
	suite_add_tcase(s, tmf);
	tcase_add_test(mc, test_mcache_reuse);
	tcase_add_test(mc, test_mcache_bounds);
#if defined(__SANITIZE_ADDRESS__)
	tcase_add_exit_test(mc, test_mcache_asan_use_after_put, 1);
#endif
	suite_add_tcase(s, mc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(core_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
