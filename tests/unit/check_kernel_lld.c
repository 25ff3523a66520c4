/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the kernel transport (usr/kernel) without the scsi_tgt
 * module: event decoding from hand-built messages (every attribute's
 * length and range), the requests we build, the ABI <-> core mappings,
 * the binding table, --kernel options, start-up without the module, and
 * the whole transport against a fake kernel.
 *
 * The fake kernel is the transport's test sink (knl_test_attach): our
 * requests reach tk_sink() on the transport's loop, which records them
 * and does what scsi_tgt would (copies data-out into tgtd's buffer for
 * CMD_XFER, copies data-in out of it for CMD_RSP); events are injected
 * with knl_test_event().  The real socket path runs in the QEMU suite
 * (tests/kernel).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "harness.h"
#include "core/target.h"
#include "kernel/knl_int.h"
#include "kernel/knl_msg.h"
#include "kernel/knl_nl.h"
#include "mgmt/mgmt.h"
#include "scsi/scsi.h"
#include "util/strbuf.h"

#define TK_FAMILY	0x7ff0
#define TK_TID		1
#define TK_HOST		0
#define TK_ITN		7
#define TK_INI		"iqn.2026-11.test:kernel-ini"
#define TK_WAIT_MS	5000
#define TK_NOHOST	INT32_MIN	/* tk_mgmt(): no --host */
#define TK_QLEN		512		/* requests the fake kernel holds */

/* ---- building kernel events ---- */

static struct nl_msg *tk_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(genlmsg_put(msg, 0, 0, TK_FAMILY, 0, 0, cmd,
					  SCSI_TGT_GENL_VERSION));
	return msg;
}

static void tk_put_nexus(struct nl_msg *msg, uint32_t host, uint64_t itn)
{
	ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_HOST_NO, host), 0);
	ck_assert_int_eq(nla_put_u64(msg, TGT_ATTR_ITN_ID, itn), 0);
}

static void tk_lun(uint8_t *lun, unsigned n)
{
	memset(lun, 0, 8);
	lun[1] = (uint8_t)n;
}

struct tk_cmd_args {
	uint32_t host;
	uint64_t itn;
	uint64_t tag;
	const uint8_t *cdb;
	int cdb_len;
	unsigned lun;
	uint8_t attr;
	uint8_t dir;
	uint32_t len;
};

static struct nl_msg *tk_cmd_req(const struct tk_cmd_args *a)
{
	struct nl_msg *msg = tk_msg(TGT_KEVENT_CMD_REQ);
	uint8_t lun[8];

	tk_lun(lun, a->lun);
	tk_put_nexus(msg, a->host, a->itn);
	ck_assert_int_eq(nla_put_u64(msg, TGT_ATTR_TAG, a->tag), 0);
	ck_assert_int_eq(nla_put(msg, TGT_ATTR_CDB, a->cdb_len, a->cdb), 0);
	ck_assert_int_eq(nla_put(msg, TGT_ATTR_LUN, 8, lun), 0);
	ck_assert_int_eq(nla_put_u8(msg, TGT_ATTR_TASK_ATTR, a->attr), 0);
	ck_assert_int_eq(nla_put_u8(msg, TGT_ATTR_DATA_DIR, a->dir), 0);
	ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_DATA_LEN, a->len), 0);
	return msg;
}

static struct nl_msg *tk_nexus_req(uint32_t host, uint64_t itn, uint32_t fn,
				   const char *ini)
{
	struct nl_msg *msg = tk_msg(TGT_KEVENT_IT_NEXUS_REQ);

	tk_put_nexus(msg, host, itn);
	ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_FUNCTION, fn), 0);
	if (ini)
		ck_assert_int_eq(nla_put_string(msg, TGT_ATTR_INITIATOR, ini),
				 0);
	ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_MAX_CMDS, 128), 0);
	return msg;
}

static struct nl_msg *tk_tmf_req(uint32_t host, uint64_t itn, uint32_t fn,
				 uint64_t mid, uint64_t tag, int lun)
{
	struct nl_msg *msg = tk_msg(TGT_KEVENT_TSK_MGMT_REQ);
	uint8_t l[8];

	tk_put_nexus(msg, host, itn);
	ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_FUNCTION, fn), 0);
	ck_assert_int_eq(nla_put_u64(msg, TGT_ATTR_MID, mid), 0);
	if (tag)
		ck_assert_int_eq(nla_put_u64(msg, TGT_ATTR_TAG, tag), 0);
	if (lun >= 0) {
		tk_lun(l, (unsigned)lun);
		ck_assert_int_eq(nla_put(msg, TGT_ATTR_LUN, 8, l), 0);
	}
	return msg;
}

static struct nl_msg *tk_cmd_done(uint32_t host, uint64_t itn, uint64_t tag)
{
	struct nl_msg *msg = tk_msg(TGT_KEVENT_CMD_DONE);

	tk_put_nexus(msg, host, itn);
	ck_assert_int_eq(nla_put_u64(msg, TGT_ATTR_TAG, tag), 0);
	ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_RESULT, 0), 0);
	return msg;
}

static int tk_decode(struct nl_msg *msg, struct knl_event *ev)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	return knl_event_decode(nlh, nlh->nlmsg_len, ev, NULL, 0);
}

static const uint8_t tk_tur[6] = { TEST_UNIT_READY };

/* ---- decoding ---- */

START_TEST(test_decode_cmd_req)
{
	uint8_t cdb[10] = { READ_10, 0, 0, 0, 0, 8, 0, 0, 1, 0 };
	struct tk_cmd_args a = { 3, 0x1122334455667788ull, 42, cdb, 10, 5,
				 TGT_TATTR_ORDERED, TGT_DIR_READ, 512 };
	struct nl_msg *msg = tk_cmd_req(&a);
	struct knl_event ev;
	char why[128];

	ck_assert_int_eq(knl_event_decode(nlmsg_hdr(msg),
					  nlmsg_hdr(msg)->nlmsg_len, &ev, why,
					  sizeof(why)), 0);
	ck_assert_uint_eq(ev.cmd, TGT_KEVENT_CMD_REQ);
	ck_assert(ev.has_key);
	ck_assert_uint_eq(ev.host, 3);
	ck_assert_uint_eq(ev.itn_id, 0x1122334455667788ull);
	ck_assert_uint_eq(ev.tag, 42);
	ck_assert_uint_eq(ev.cdb_len, 10);
	ck_assert_mem_eq(ev.cdb, cdb, 10);
	ck_assert_uint_eq(ev.lun[1], 5);
	ck_assert_uint_eq(ev.task_attr, TGT_TATTR_ORDERED);
	ck_assert_uint_eq(ev.dir, TGT_DIR_READ);
	ck_assert_uint_eq(ev.data_len, 512);
	ck_assert(knl_event_has(&ev, TGT_ATTR_CDB));
	ck_assert(!knl_event_has(&ev, TGT_ATTR_MID));
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_decode_cmd_req_cdb_sizes)
{
	uint8_t cdb[SCSI_TGT_CDB_MAX + 1] = { 0 };
	int sizes[] = { 0, 1, 6, 16, 32, 33 };
	int want[] = { -EINVAL, 0, 0, 0, 0, -EINVAL };

	for (size_t i = 0; i < 6; i++) {
		struct tk_cmd_args a = { 0, 1, 2, cdb, sizes[i], 0, 0, 0, 0 };
		struct nl_msg *msg = tk_cmd_req(&a);
		struct knl_event ev;

		ck_assert_int_eq(tk_decode(msg, &ev), want[i]);
		/* The command can still be answered (CHECK CONDITION). */
		ck_assert(ev.has_key);
		nlmsg_free(msg);
	}
}
END_TEST

START_TEST(test_decode_missing_attrs)
{
	struct nl_msg *msg = tk_msg(TGT_KEVENT_CMD_REQ);
	struct knl_event ev;
	char why[128];

	tk_put_nexus(msg, 1, 2);
	ck_assert_int_eq(nla_put_u64(msg, TGT_ATTR_TAG, 3), 0);
	ck_assert_int_eq(knl_event_decode(nlmsg_hdr(msg),
					  nlmsg_hdr(msg)->nlmsg_len, &ev, why,
					  sizeof(why)), -EINVAL);
	ck_assert(ev.has_key);
	ck_assert_ptr_nonnull(strstr(why, "CDB"));
	nlmsg_free(msg);

	/* Without a tag nothing can be answered. */
	msg = tk_msg(TGT_KEVENT_CMD_REQ);
	tk_put_nexus(msg, 1, 2);
	ck_assert_int_eq(tk_decode(msg, &ev), -EINVAL);
	ck_assert(!ev.has_key);
	nlmsg_free(msg);

	msg = tk_msg(TGT_KEVENT_TSK_MGMT_REQ);
	tk_put_nexus(msg, 1, 2);
	ck_assert_int_eq(nla_put_u64(msg, TGT_ATTR_MID, 9), 0);
	ck_assert_int_eq(tk_decode(msg, &ev), -EINVAL);	/* no FUNCTION */
	ck_assert(ev.has_key);
	nlmsg_free(msg);
}
END_TEST

/* A fixed-width attribute of the wrong width is refused, never read. */
static void tk_bad_width(int attr, int len)
{
	uint8_t junk[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct nl_msg *msg = tk_msg(TGT_KEVENT_IT_NEXUS_REQ);
	struct knl_event ev;

	if (attr != TGT_ATTR_HOST_NO)
		ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_HOST_NO, 1), 0);
	if (attr != TGT_ATTR_ITN_ID)
		ck_assert_int_eq(nla_put_u64(msg, TGT_ATTR_ITN_ID, 1), 0);
	if (attr != TGT_ATTR_FUNCTION)
		ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_FUNCTION, 1), 0);
	ck_assert_int_eq(nla_put(msg, attr, len, junk), 0);
	ck_assert_msg(tk_decode(msg, &ev) == -EINVAL, "attr %d len %d", attr,
		      len);
	ck_assert(!knl_event_has(&ev, attr));
	ck_assert(!ev.has_key);
	nlmsg_free(msg);
}

START_TEST(test_decode_bad_widths)
{
	tk_bad_width(TGT_ATTR_HOST_NO, 2);
	tk_bad_width(TGT_ATTR_HOST_NO, 8);
	tk_bad_width(TGT_ATTR_ITN_ID, 4);
	tk_bad_width(TGT_ATTR_ITN_ID, 12);
	tk_bad_width(TGT_ATTR_FUNCTION, 0);
	tk_bad_width(TGT_ATTR_FUNCTION, 1);
}
END_TEST

START_TEST(test_decode_ranges)
{
	uint8_t cdb[6] = { 0 }, lun7[7] = { 0 };
	struct tk_cmd_args a = { 0, 1, 2, cdb, 6, 0, 4, 0, 0 };
	struct nl_msg *msg = tk_cmd_req(&a);	/* task attr 4: no such */
	struct knl_event ev;

	ck_assert_int_eq(tk_decode(msg, &ev), -EINVAL);
	ck_assert(!knl_event_has(&ev, TGT_ATTR_TASK_ATTR));
	ck_assert(ev.has_key);
	nlmsg_free(msg);
	a.attr = TGT_TATTR_ACA;
	a.dir = 3;				/* no such direction */
	msg = tk_cmd_req(&a);
	ck_assert_int_eq(tk_decode(msg, &ev), -EINVAL);
	nlmsg_free(msg);

	msg = tk_msg(TGT_KEVENT_TSK_MGMT_REQ);	/* a 7-byte LUN */
	tk_put_nexus(msg, 1, 2);
	ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_FUNCTION, 4), 0);
	ck_assert_int_eq(nla_put_u64(msg, TGT_ATTR_MID, 9), 0);
	ck_assert_int_eq(nla_put(msg, TGT_ATTR_LUN, 7, lun7), 0);
	ck_assert_int_eq(tk_decode(msg, &ev), -EINVAL);
	ck_assert(!knl_event_has(&ev, TGT_ATTR_LUN));
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_decode_initiator)
{
	char name[SCSI_TGT_NAME_MAX + 1];
	struct nl_msg *msg = tk_nexus_req(1, 2, TGT_NEXUS_CREATE, TK_INI);
	struct knl_event ev;

	ck_assert_int_eq(tk_decode(msg, &ev), 0);
	ck_assert_str_eq(ev.initiator, TK_INI);
	ck_assert_uint_eq(ev.function, TGT_NEXUS_CREATE);
	ck_assert_uint_eq(ev.max_cmds, 128);
	nlmsg_free(msg);

	/* Longest legal name: 223 characters and the NUL. */
	memset(name, 'a', sizeof(name));
	name[SCSI_TGT_NAME_MAX - 1] = '\0';
	msg = tk_nexus_req(1, 2, TGT_NEXUS_CREATE, name);
	ck_assert_int_eq(tk_decode(msg, &ev), 0);
	ck_assert_uint_eq(strlen(ev.initiator), SCSI_TGT_NAME_MAX - 1);
	nlmsg_free(msg);

	name[SCSI_TGT_NAME_MAX - 1] = 'a';
	name[SCSI_TGT_NAME_MAX] = '\0';
	msg = tk_nexus_req(1, 2, TGT_NEXUS_CREATE, name);
	ck_assert_int_eq(tk_decode(msg, &ev), -EINVAL);
	ck_assert(ev.has_key);
	ck_assert_str_eq(ev.initiator, "");
	nlmsg_free(msg);

	/* Not NUL-terminated. */
	msg = tk_nexus_req(1, 2, TGT_NEXUS_CREATE, NULL);
	ck_assert_int_eq(nla_put(msg, TGT_ATTR_INITIATOR, 4, "abcd"), 0);
	ck_assert_int_eq(tk_decode(msg, &ev), -EINVAL);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_decode_truncated)
{
	struct nl_msg *msg = tk_nexus_req(1, 2, TGT_NEXUS_CREATE, TK_INI);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	uint8_t buf[512];
	struct knl_event ev;
	uint32_t len = nlh->nlmsg_len;

	ck_assert_uint_le(len, sizeof(buf));
	memcpy(buf, nlh, len);
	nlh = (struct nlmsghdr *)buf;
	/* Shorter than the headers; longer than what was received. */
	ck_assert_int_eq(knl_event_decode(nlh, NLMSG_HDRLEN, &ev, NULL, 0),
			 -EINVAL);
	ck_assert_int_eq(knl_event_decode(nlh, len - 4, &ev, NULL, 0),
			 -EINVAL);
	/* An attribute claiming more than the message holds. */
	nlh->nlmsg_len = len - 4;
	ck_assert_int_eq(knl_event_decode(nlh, len, &ev, NULL, 0), -EINVAL);
	/* Trailing bytes that are no attribute. */
	nlh->nlmsg_len = len + 2;
	buf[len] = 0x7;
	buf[len + 1] = 0;
	ck_assert_int_eq(knl_event_decode(nlh, len + 2, &ev, NULL, 0),
			 -EINVAL);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_decode_other)
{
	struct nl_msg *msg;
	struct knl_event ev;

	msg = tk_tmf_req(2, 3, TGT_TMF_FN_ABORT_TASK, 77, 55, 1);
	ck_assert_int_eq(tk_decode(msg, &ev), 0);
	ck_assert_uint_eq(ev.function, TGT_TMF_FN_ABORT_TASK);
	ck_assert_uint_eq(ev.mid, 77);
	ck_assert_uint_eq(ev.tag, 55);
	ck_assert(knl_event_has(&ev, TGT_ATTR_LUN));
	nlmsg_free(msg);

	msg = tk_cmd_done(2, 3, 99);
	ck_assert_int_eq(tk_decode(msg, &ev), 0);
	ck_assert_uint_eq(ev.tag, 99);
	nlmsg_free(msg);

	msg = tk_msg(TGT_UEVENT_REGISTER);		/* REGISTER's reply */
	ck_assert_int_eq(nla_put_u32(msg, TGT_ATTR_ABI_VERSION, 9), 0);
	ck_assert_int_eq(tk_decode(msg, &ev), 0);
	ck_assert_uint_eq(ev.abi_version, 9);
	nlmsg_free(msg);

	msg = tk_msg(0x99);				/* unknown */
	ck_assert_int_eq(tk_decode(msg, &ev), -EOPNOTSUPP);
	nlmsg_free(msg);
	msg = tk_msg(TGT_UEVENT_CMD_RSP);		/* not kernel->user */
	ck_assert_int_eq(tk_decode(msg, &ev), -EOPNOTSUPP);
	nlmsg_free(msg);
	ck_assert_str_eq(knl_cmd_name(TGT_KEVENT_TSK_MGMT_REQ),
			 "TSK_MGMT_REQ");
	ck_assert_str_eq(knl_cmd_name(TGT_UEVENT_CMD_XFER), "CMD_XFER");
}
END_TEST

/* ---- requests we build ---- */

struct tk_msg {
	uint8_t cmd;
	uint32_t present;
	uint32_t host;
	uint64_t itn;
	uint64_t tag;
	int32_t result;
	uint32_t function;
	uint64_t mid;
	uint64_t uaddr;
	uint32_t xfer_len;
	uint32_t abi;
	uint8_t sense[SCSI_TGT_SENSE_MAX];
	int sense_len;
	uint8_t data[4096];		/* CMD_RSP data-in, copied */
};

#define TK_HAS(m, a)	((m)->present & (1u << (a)))

/* Decodes one of our requests as scsi_tgt would. */
static void tk_parse(const struct nlmsghdr *nlh, struct tk_msg *m)
{
	struct nlattr *tb[TGT_ATTR_MAX + 1];
	const struct genlmsghdr *g = nlmsg_data(nlh);

	memset(m, 0, sizeof(*m));
	m->cmd = g->cmd;
	ck_assert_int_eq(g->version, SCSI_TGT_GENL_VERSION);
	ck_assert_int_eq(genlmsg_parse((struct nlmsghdr *)nlh, 0, tb,
				       TGT_ATTR_MAX, NULL), 0);
	for (int i = 1; i <= TGT_ATTR_MAX; i++)
		if (tb[i])
			m->present |= 1u << i;
	if (tb[TGT_ATTR_HOST_NO])
		m->host = nla_get_u32(tb[TGT_ATTR_HOST_NO]);
	if (tb[TGT_ATTR_ITN_ID])
		m->itn = nla_get_u64(tb[TGT_ATTR_ITN_ID]);
	if (tb[TGT_ATTR_TAG])
		m->tag = nla_get_u64(tb[TGT_ATTR_TAG]);
	if (tb[TGT_ATTR_RESULT])
		m->result = (int32_t)nla_get_u32(tb[TGT_ATTR_RESULT]);
	if (tb[TGT_ATTR_FUNCTION])
		m->function = nla_get_u32(tb[TGT_ATTR_FUNCTION]);
	if (tb[TGT_ATTR_MID])
		m->mid = nla_get_u64(tb[TGT_ATTR_MID]);
	if (tb[TGT_ATTR_UADDR])
		m->uaddr = nla_get_u64(tb[TGT_ATTR_UADDR]);
	if (tb[TGT_ATTR_XFER_LEN])
		m->xfer_len = nla_get_u32(tb[TGT_ATTR_XFER_LEN]);
	if (tb[TGT_ATTR_ABI_VERSION])
		m->abi = nla_get_u32(tb[TGT_ATTR_ABI_VERSION]);
	if (tb[TGT_ATTR_SENSE]) {
		m->sense_len = nla_len(tb[TGT_ATTR_SENSE]);
		ck_assert_int_le(m->sense_len, SCSI_TGT_SENSE_MAX);
		memcpy(m->sense, nla_data(tb[TGT_ATTR_SENSE]),
		       (size_t)m->sense_len);
	}
}

START_TEST(test_build_requests)
{
	uint8_t sense[18] = { 0x70, 0, 5 };
	struct knl_cmd_rsp r = { 1, 2, 3, SAM_STAT_CHECK_CONDITION,
				 sizeof(sense), sense, 0xdeadbeef000ull, 512 };
	struct nl_msg *msg;
	struct tk_msg m;

	msg = knl_msg_cmd_rsp(TK_FAMILY, &r);
	ck_assert_ptr_nonnull(msg);
	ck_assert_uint_eq(nlmsg_hdr(msg)->nlmsg_type, TK_FAMILY);
	tk_parse(nlmsg_hdr(msg), &m);
	ck_assert_uint_eq(m.cmd, TGT_UEVENT_CMD_RSP);
	ck_assert_uint_eq(m.host, 1);
	ck_assert_uint_eq(m.itn, 2);
	ck_assert_uint_eq(m.tag, 3);
	ck_assert_int_eq(m.result, SAM_STAT_CHECK_CONDITION);
	ck_assert_int_eq(m.sense_len, 18);
	ck_assert_uint_eq(m.uaddr, 0xdeadbeef000ull);
	ck_assert_uint_eq(m.xfer_len, 512);
	nlmsg_free(msg);

	r.sense_len = 0;
	r.xfer_len = 0;
	msg = knl_msg_cmd_rsp(TK_FAMILY, &r);
	tk_parse(nlmsg_hdr(msg), &m);
	ck_assert(!TK_HAS(&m, TGT_ATTR_SENSE));
	ck_assert(!TK_HAS(&m, TGT_ATTR_UADDR));
	ck_assert(!TK_HAS(&m, TGT_ATTR_XFER_LEN));
	nlmsg_free(msg);

	msg = knl_msg_nexus_rsp(TK_FAMILY, 4, 5, TGT_NEXUS_CREATE, -ENOENT);
	tk_parse(nlmsg_hdr(msg), &m);
	ck_assert_uint_eq(m.cmd, TGT_UEVENT_IT_NEXUS_RSP);
	ck_assert_int_eq(m.result, -ENOENT);
	ck_assert_uint_eq(m.function, TGT_NEXUS_CREATE);
	nlmsg_free(msg);

	msg = knl_msg_tmf_rsp(TK_FAMILY, 4, 5, 66, TGT_TMF_RSP_NO_TASK);
	tk_parse(nlmsg_hdr(msg), &m);
	ck_assert_uint_eq(m.cmd, TGT_UEVENT_TSK_MGMT_RSP);
	ck_assert_uint_eq(m.mid, 66);
	ck_assert_int_eq(m.result, TGT_TMF_RSP_NO_TASK);
	nlmsg_free(msg);

	msg = knl_msg_cmd_xfer(TK_FAMILY, 4, 5, 6, 0x1000, 4096);
	tk_parse(nlmsg_hdr(msg), &m);
	ck_assert_uint_eq(m.cmd, TGT_UEVENT_CMD_XFER);
	ck_assert_uint_eq(m.uaddr, 0x1000);
	ck_assert_uint_eq(m.xfer_len, 4096);
	nlmsg_free(msg);

	msg = knl_msg_register(TK_FAMILY);
	tk_parse(nlmsg_hdr(msg), &m);
	ck_assert_uint_eq(m.cmd, TGT_UEVENT_REGISTER);
	ck_assert_uint_eq(m.abi, SCSI_TGT_ABI_VERSION);
	nlmsg_free(msg);

	msg = knl_msg_replay(TK_FAMILY, -1);
	tk_parse(nlmsg_hdr(msg), &m);
	ck_assert_uint_eq(m.cmd, TGT_UEVENT_NEXUS_REPLAY);
	ck_assert(!TK_HAS(&m, TGT_ATTR_HOST_NO));
	nlmsg_free(msg);
	msg = knl_msg_replay(TK_FAMILY, 3);
	tk_parse(nlmsg_hdr(msg), &m);
	ck_assert_uint_eq(m.host, 3);
	nlmsg_free(msg);
}
END_TEST

/* ---- mappings, options, bindings ---- */

START_TEST(test_tmf_mappings)
{
	static const struct { uint32_t abi; uint8_t core; } fns[] = {
		{ TGT_TMF_FN_ABORT_TASK, TGT_TMF_ABORT_TASK },
		{ TGT_TMF_FN_ABORT_TASK_SET, TGT_TMF_ABORT_TASK_SET },
		{ TGT_TMF_FN_CLEAR_TASK_SET, TGT_TMF_CLEAR_TASK_SET },
		{ TGT_TMF_FN_LUN_RESET, TGT_TMF_LUN_RESET },
		{ TGT_TMF_FN_IT_NEXUS_RESET, TGT_TMF_IT_NEXUS_RESET },
		{ TGT_TMF_FN_TARGET_RESET, TGT_TMF_TARGET_RESET },
	};
	uint8_t fn;

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		ck_assert_int_eq(knl_tmf_fn_to_core(fns[i].abi, &fn), 0);
		ck_assert_uint_eq(fn, fns[i].core);
	}
	ck_assert_int_eq(knl_tmf_fn_to_core(0, &fn), -EOPNOTSUPP);
	ck_assert_int_eq(knl_tmf_fn_to_core(7, &fn), -EOPNOTSUPP);
	ck_assert_int_eq(knl_tmf_fn_to_core(0xffffffffu, &fn), -EOPNOTSUPP);

	ck_assert_int_eq(knl_tmf_result_to_abi(TGT_TMF_COMPLETE),
			 TGT_TMF_RSP_COMPLETE);
	ck_assert_int_eq(knl_tmf_result_to_abi(TGT_TMF_SUCCEEDED),
			 TGT_TMF_RSP_COMPLETE);
	ck_assert_int_eq(knl_tmf_result_to_abi(TGT_TMF_NO_TASK),
			 TGT_TMF_RSP_NO_TASK);
	ck_assert_int_eq(knl_tmf_result_to_abi(TGT_TMF_NO_LUN),
			 TGT_TMF_RSP_NO_LUN);
	ck_assert_int_eq(knl_tmf_result_to_abi(TGT_TMF_REJECTED),
			 TGT_TMF_RSP_REJECTED);
	ck_assert_int_eq(knl_tmf_result_to_abi(TGT_TMF_FAILED),
			 TGT_TMF_RSP_FAILED);
	ck_assert_int_eq(knl_tmf_result_to_abi(200), TGT_TMF_RSP_FAILED);

	ck_assert_uint_eq(knl_task_attr_to_core(TGT_TATTR_SIMPLE),
			  TGT_TASK_SIMPLE);
	ck_assert_uint_eq(knl_task_attr_to_core(TGT_TATTR_ORDERED),
			  TGT_TASK_ORDERED);
	ck_assert_uint_eq(knl_task_attr_to_core(TGT_TATTR_HEAD_OF_QUEUE),
			  TGT_TASK_HEAD_OF_QUEUE);
	ck_assert_uint_eq(knl_task_attr_to_core(TGT_TATTR_ACA),
			  TGT_TASK_ACA);
	ck_assert_uint_eq(knl_dir_to_core(TGT_DIR_NONE), TGT_DATA_NONE);
	ck_assert_uint_eq(knl_dir_to_core(TGT_DIR_READ), TGT_DATA_READ);
	ck_assert_uint_eq(knl_dir_to_core(TGT_DIR_WRITE), TGT_DATA_WRITE);
}
END_TEST

START_TEST(test_opts)
{
	char err[256];

	ck_assert_int_eq(knl_opts_parse(NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(knl_opts_parse("", err, sizeof(err)), 0);
	ck_assert_int_eq(knl_opts_parse(",, ,", err, sizeof(err)), 0);
	ck_assert_int_eq(knl_opts_parse("foo=bar", err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "'foo'"));
	ck_assert_int_eq(knl_opts_parse(",x", err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "'x'"));
}
END_TEST

START_TEST(test_bind_table)
{
	struct knl_bind_table t = KNL_BIND_TABLE_INIT(t);
	uint32_t host;
	int tid, cur = 0;

	ck_assert_int_eq(knl_bind_table_lookup(&t, 0, &tid), -ENOENT);
	ck_assert_int_eq(knl_bind_table_add(&t, 5, 2, &cur), 0);
	ck_assert_int_eq(knl_bind_table_add(&t, 1, 1, &cur), 0);
	ck_assert_int_eq(knl_bind_table_add(&t, 5, 3, &cur), -EEXIST);
	ck_assert_int_eq(cur, 2);
	ck_assert_int_eq(knl_bind_table_lookup(&t, 5, &tid), 0);
	ck_assert_int_eq(tid, 2);
	ck_assert_int_eq(knl_bind_table_host_of(&t, 1, &host), 0);
	ck_assert_uint_eq(host, 1);
	ck_assert_int_eq(knl_bind_table_host_of(&t, 9, &host), -ENOENT);
	ck_assert_int_eq(knl_bind_table_del(&t, 5), 2);
	ck_assert_int_eq(knl_bind_table_del(&t, 5), -ENOENT);
	ck_assert_int_eq(knl_bind_table_lookup(&t, 5, &tid), -ENOENT);
	ck_assert_int_eq(knl_bind_table_add(&t, 0x7fffffff, 4, NULL), 0);
	knl_bind_table_clear(&t);
	ck_assert(list_empty(&t.list));
}
END_TEST

/* ---- the transport: core, mgmt, fake kernel ---- */

static struct mgmt_req tk_req(int mode, int op, int tid, int host)
{
	struct mgmt_req r;

	mgmt_req_init(&r);
	r.mode = (uint16_t)mode;
	r.op = (uint16_t)op;
	r.lld = "kernel";
	if (tid) {
		r.has_tid = true;
		r.tid = tid;
	}
	if (host != TK_NOHOST) {
		r.has_host = true;
		r.host = host;
	}
	return r;
}

static int tk_mgmt(int mode, int op, int tid, int host, struct strbuf *out)
{
	struct mgmt_req r = tk_req(mode, op, tid, host);
	struct strbuf sb = STRBUF_INIT;
	int ret = kernel_lld_ops.mgmt(&r, out ? out : &sb);

	strbuf_release(&sb);
	return ret;
}

static bool tk_module_loaded(void)
{
	struct knl_nl nl;

	if (knl_nl_open(&nl))
		return false;
	knl_nl_close(&nl);
	return true;
}

START_TEST(test_init_without_module)
{
	struct strbuf sb = STRBUF_INIT;

	if (tk_module_loaded()) {
		fprintf(stderr, "scsi_tgt is loaded here: skipping\n");
		return;
	}
	log_open("test", false, LOG_LVL_ERR);
	ck_assert_int_eq(tgt_core_init(1), 0);
	ck_assert_int_eq(tgt_lld_register(&kernel_lld_ops), 0);
	ck_assert_int_eq(kernel_lld_ops.init("foo=1"), -EINVAL);
	ck_assert_int_eq(kernel_lld_ops.init(NULL), 0);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_LLD, MGMT_OP_SHOW, 0, TK_NOHOST, &sb),
			 TGTADM_SUCCESS);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "not loaded"));
	strbuf_release(&sb);
	kernel_lld_ops.exit();
	tgt_core_exit();
}
END_TEST

/* The fake kernel: records requests; answers as configured. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct tk_msg q[TK_QLEN];
	unsigned head, tail;
	const uint8_t *wdata;		/* CMD_XFER copies this */
	int xfer_ret;			/* CMD_XFER's answer */
	int rsp_ret;			/* CMD_RSP's answer */
	int rsp_ret_once;		/* the next CMD_RSP's answer */
	struct nl_msg *during_xfer;	/* event arriving behind the ack */
} tk = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

static int tk_sink(const struct nlmsghdr *nlh, void *arg)
{
	struct tk_msg m;
	int ret = 0;

	tk_parse(nlh, &m);
	pthread_mutex_lock(&tk.lock);
	if (m.cmd == TGT_UEVENT_CMD_XFER) {
		if (tk.wdata && !tk.xfer_ret)
			memcpy((void *)(uintptr_t)m.uaddr, tk.wdata,
			       m.xfer_len);
		ret = tk.xfer_ret;
		if (tk.during_xfer) {
			knl_test_event(nlmsg_hdr(tk.during_xfer));
			nlmsg_free(tk.during_xfer);
			tk.during_xfer = NULL;
		}
	} else if (m.cmd == TGT_UEVENT_CMD_RSP) {
		ret = tk.rsp_ret_once ? tk.rsp_ret_once : tk.rsp_ret;
		tk.rsp_ret_once = 0;
		if (m.xfer_len && m.xfer_len <= sizeof(m.data))
			memcpy(m.data, (void *)(uintptr_t)m.uaddr,
			       m.xfer_len);
	}
	ck_assert_uint_lt(tk.tail - tk.head, TK_QLEN);
	tk.q[tk.tail++ % TK_QLEN] = m;
	pthread_cond_broadcast(&tk.cond);
	pthread_mutex_unlock(&tk.lock);
	return ret;
}

/* Next request from tgtd, or false after @ms. */
static bool tk_next(struct tk_msg *m, int ms)
{
	struct timespec ts;
	bool got = false;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&tk.lock);
	while (tk.head == tk.tail &&
	       pthread_cond_timedwait(&tk.cond, &tk.lock, &ts) == 0)
		;
	if (tk.head != tk.tail) {
		*m = tk.q[tk.head++ % TK_QLEN];
		got = true;
	}
	pthread_mutex_unlock(&tk.lock);
	return got;
}

static void tk_expect(struct tk_msg *m, uint8_t cmd)
{
	ck_assert_msg(tk_next(m, TK_WAIT_MS), "no %s from tgtd",
		      knl_cmd_name(cmd));
	ck_assert_msg(m->cmd == cmd, "got %s, expected %s",
		      knl_cmd_name(m->cmd), knl_cmd_name(cmd));
}

static void tk_expect_none(void)
{
	struct tk_msg m;

	ck_assert_msg(!tk_next(&m, 300), "unexpected %s",
		      knl_cmd_name(m.cmd));
}

static int tk_inject_fn(void *arg)
{
	return knl_test_event(nlmsg_hdr(arg));
}

static void tk_inject(struct nl_msg *msg)
{
	ck_assert_int_eq(knl_loop_call(tk_inject_fn, msg), 0);
	nlmsg_free(msg);
}

static int tk_attach_fn(void *arg)
{
	return knl_test_attach(tk_sink, NULL);
}

static int tk_detach_fn(void *arg)
{
	return knl_test_detach();
}

static int tk_count_fn(void *arg)
{
	return (int)knl_cmds_count();
}

/* Commands tracked by the transport, once things settle. */
static int tk_cmds_settled(int want)
{
	int n = -1;

	for (int i = 0; i < 200; i++) {
		n = knl_loop_call(tk_count_fn, NULL);
		if (n == want)
			break;
		usleep(10000);
	}
	return n;
}

static char *tk_path;

static void tk_setup(void)
{
	log_open("test", false, getenv("TH_DEBUG") ? LOG_LVL_DEBUG :
		 LOG_LVL_ERR);
	ck_assert_int_eq(tgt_core_init(1), 0);
	ck_assert_int_eq(tgt_lld_register(&kernel_lld_ops), 0);
	ck_assert_int_eq(tgt_target_create(TK_TID, "iqn.2026-11.test:k1",
					   "kernel"), 0);
	ck_assert_int_eq(tgt_acl_add(TK_TID, TGT_ACL_ADDR, "ALL"), 0);
	tk_path = th_tmpfile(1 << 20);
	ck_assert_int_eq(th_lu_add(1, "rdwr", tk_path, 512), 0);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_BIND, TK_TID,
				 TK_HOST, NULL), TGTADM_SUCCESS);
	ck_assert_int_eq(kernel_lld_ops.init(NULL), 0);
	ck_assert_int_eq(knl_loop_call(tk_attach_fn, NULL), 0);
	tk.head = tk.tail = 0;
	tk.wdata = NULL;
	tk.xfer_ret = tk.rsp_ret = tk.rsp_ret_once = 0;
}

static void tk_teardown(void)
{
	kernel_lld_ops.exit();
	tgt_target_destroy(TK_TID, true);
	tgt_core_exit();
	unlink(tk_path);
	free(tk_path);
}

static void tk_nexus_up(uint64_t itn)
{
	struct tk_msg m;

	tk_inject(tk_nexus_req(TK_HOST, itn, TGT_NEXUS_CREATE, TK_INI));
	tk_expect(&m, TGT_UEVENT_IT_NEXUS_RSP);
	ck_assert_int_eq(m.result, 0);
	ck_assert_uint_eq(m.itn, itn);
	ck_assert_uint_eq(m.function, TGT_NEXUS_CREATE);
}

/* Sends a command and returns its CMD_RSP (CMD_DONE not sent). */
static void tk_cmd(uint64_t itn, uint64_t tag, const uint8_t *cdb,
		   int cdb_len, uint8_t dir, uint32_t len, struct tk_msg *m)
{
	struct tk_cmd_args a = { TK_HOST, itn, tag, cdb, cdb_len, 1,
				 TGT_TATTR_SIMPLE, dir, len };

	tk_inject(tk_cmd_req(&a));
	if (dir == TGT_DIR_WRITE && len) {
		tk_expect(m, TGT_UEVENT_CMD_XFER);
		ck_assert_uint_eq(m->tag, tag);
		ck_assert_uint_eq(m->xfer_len, len);
		ck_assert_uint_ne(m->uaddr, 0);
	}
	tk_expect(m, TGT_UEVENT_CMD_RSP);
	ck_assert_uint_eq(m->tag, tag);
	ck_assert_uint_eq(m->itn, itn);
}

static uint8_t tk_key(const struct tk_msg *m)
{
	ck_assert_int_ge(m->sense_len, 14);
	return m->sense[2] & 0xf;
}

static uint16_t tk_asc(const struct tk_msg *m)
{
	return (uint16_t)(m->sense[12] << 8 | m->sense[13]);
}

/* TUR until the POWER ON unit attention is gone. */
static void tk_ua_clear(uint64_t itn, uint64_t *tag)
{
	struct tk_msg m;

	tk_cmd(itn, (*tag)++, tk_tur, 6, TGT_DIR_NONE, 0, &m);
	ck_assert_int_eq(m.result, SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(tk_key(&m), SK_UNIT_ATTENTION);
	ck_assert_uint_eq(tk_asc(&m) >> 8, 0x29);
	tk_inject(tk_cmd_done(TK_HOST, itn, m.tag));
	tk_cmd(itn, (*tag)++, tk_tur, 6, TGT_DIR_NONE, 0, &m);
	ck_assert_int_eq(m.result, SAM_STAT_GOOD);
	tk_inject(tk_cmd_done(TK_HOST, itn, m.tag));
}

START_TEST(test_nexus_lifecycle)
{
	struct strbuf sb = STRBUF_INIT;
	struct tk_msg m;
	const char *s;

	tk_nexus_up(TK_ITN);
	/* A replay of a live nexus: 0, and still one nexus. */
	tk_nexus_up(TK_ITN);
	ck_assert_int_eq(tgt_target_show(TK_TID, &sb), 0);
	s = strbuf_str(&sb);
	ck_assert_ptr_nonnull(strstr(s, "Kernel host: 0"));
	ck_assert_ptr_null(strstr(strstr(s, "Kernel host: 0") + 1,
				  "Kernel host"));
	ck_assert_ptr_nonnull(strstr(s, TK_INI));
	strbuf_reset(&sb);

	/* An unbound host is refused. */
	tk_inject(tk_nexus_req(5, 1, TGT_NEXUS_CREATE, TK_INI));
	tk_expect(&m, TGT_UEVENT_IT_NEXUS_RSP);
	ck_assert_int_eq(m.result, -ENOENT);
	ck_assert_uint_eq(m.host, 5);
	/* A bad function is answered too. */
	tk_inject(tk_nexus_req(TK_HOST, 3, 9, TK_INI));
	tk_expect(&m, TGT_UEVENT_IT_NEXUS_RSP);
	ck_assert_int_lt(m.result, 0);

	/* lld show lists the host, its target and the nexus. */
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_LLD, MGMT_OP_SHOW, 0, TK_NOHOST, &sb),
			 TGTADM_SUCCESS);
	s = strbuf_str(&sb);
	ck_assert_ptr_nonnull(strstr(s, "registered"));
	ck_assert_ptr_nonnull(strstr(s, "Host 0: target 1"));
	ck_assert_ptr_nonnull(strstr(s, "I_T nexus: 7"));
	ck_assert_ptr_nonnull(strstr(s, TK_INI));
	strbuf_reset(&sb);

	/* Destroy, then commands for it are refused. */
	tk_inject(tk_nexus_req(TK_HOST, TK_ITN, TGT_NEXUS_DESTROY, NULL));
	tk_expect(&m, TGT_UEVENT_IT_NEXUS_RSP);
	ck_assert_int_eq(m.result, 0);
	ck_assert_uint_eq(m.function, TGT_NEXUS_DESTROY);
	tk_cmd(TK_ITN, 1, tk_tur, 6, TGT_DIR_NONE, 0, &m);
	ck_assert_int_eq(m.result, SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(tk_key(&m), SK_ILLEGAL_REQUEST);
	ck_assert_uint_eq(tk_asc(&m), ASC_LUN_NOT_SUPPORTED);
	ck_assert_int_eq(tgt_target_show(TK_TID, &sb), 0);
	ck_assert_ptr_null(strstr(strbuf_str(&sb), "Kernel host"));
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_name_acl)
{
	struct tk_msg m;

	ck_assert_int_eq(tgt_acl_add(TK_TID, TGT_ACL_NAME, "iqn.2026-11.o:k"),
			 0);
	tk_inject(tk_nexus_req(TK_HOST, 1, TGT_NEXUS_CREATE, TK_INI));
	tk_expect(&m, TGT_UEVENT_IT_NEXUS_RSP);
	ck_assert_int_eq(m.result, -EACCES);
	tk_inject(tk_nexus_req(TK_HOST, 2, TGT_NEXUS_CREATE,
			       "iqn.2026-11.o:k"));
	tk_expect(&m, TGT_UEVENT_IT_NEXUS_RSP);
	ck_assert_int_eq(m.result, 0);
}
END_TEST

START_TEST(test_write_read)
{
	static uint8_t pattern[1024];
	uint8_t w10[10] = { WRITE_10, 0, 0, 0, 0, 8, 0, 0, 2, 0 };
	uint8_t r10[10] = { READ_10, 0, 0, 0, 0, 8, 0, 0, 2, 0 };
	uint64_t tag = 1;
	struct tk_msg m;

	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	tk_nexus_up(TK_ITN);
	tk_ua_clear(TK_ITN, &tag);
	tk.wdata = pattern;
	tk_cmd(TK_ITN, 100, w10, 10, TGT_DIR_WRITE, 1024, &m);
	ck_assert_int_eq(m.result, SAM_STAT_GOOD);
	ck_assert(!TK_HAS(&m, TGT_ATTR_SENSE));
	ck_assert(!TK_HAS(&m, TGT_ATTR_UADDR));
	/* ABI 2: the answer taken is the end, no CMD_DONE needed. */
	ck_assert_int_eq(tk_cmds_settled(0), 0);

	tk_cmd(TK_ITN, 101, r10, 10, TGT_DIR_READ, 1024, &m);
	ck_assert_int_eq(m.result, SAM_STAT_GOOD);
	ck_assert_uint_eq(m.xfer_len, 1024);
	ck_assert_mem_eq(m.data, pattern, 1024);
	ck_assert_int_eq(tk_cmds_settled(0), 0);
	/* A late CMD_DONE (a failed delivery) finds nothing: harmless. */
	tk_inject(tk_cmd_done(TK_HOST, TK_ITN, 101));
	tk_expect_none();
}
END_TEST

START_TEST(test_refusals)
{
	uint8_t r10[10] = { READ_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t w10[10] = { WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint64_t tag = 1;
	struct tk_msg m;

	tk_nexus_up(TK_ITN);
	tk_ua_clear(TK_ITN, &tag);

	/* Larger than the ABI allows. */
	tk_cmd(TK_ITN, 200, r10, 10, TGT_DIR_READ, SCSI_TGT_XFER_MAX + 1,
	       &m);
	ck_assert_int_eq(m.result, SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(tk_key(&m), SK_ILLEGAL_REQUEST);
	ck_assert_uint_eq(tk_asc(&m), ASC_INVALID_FIELD_IN_CDB);

	/* A malformed but answerable request: no CDB. */
	tk_cmd(TK_ITN, 201, r10, 0, TGT_DIR_READ, 512, &m);
	ck_assert_int_eq(m.result, SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(tk_asc(&m), ASC_INVALID_FIELD_IN_CDB);
	/* A CDB too short for its opcode: the SCSI layer refuses it. */
	tk_cmd(TK_ITN, 206, r10, 4, TGT_DIR_READ, 512, &m);
	ck_assert_int_eq(m.result, SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(tk_key(&m), SK_ILLEGAL_REQUEST);
	ck_assert_uint_eq(tk_asc(&m), ASC_INVALID_FIELD_IN_CDB);
	tk_inject(tk_cmd_done(TK_HOST, TK_ITN, 206));

	/* An unanswerable one is ignored. */
	{
		struct nl_msg *msg = tk_msg(TGT_KEVENT_CMD_REQ);

		tk_put_nexus(msg, TK_HOST, TK_ITN);
		tk_inject(msg);
		tk_expect_none();
	}

	/* The data-out copy fails: ABORTED COMMAND, retried. */
	tk.xfer_ret = -EFAULT;
	tk_cmd(TK_ITN, 202, w10, 10, TGT_DIR_WRITE, 512, &m);
	ck_assert_int_eq(m.result, SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(tk_key(&m), SK_ABORTED_COMMAND);
	ck_assert_uint_eq(tk_asc(&m), KNL_ASC_DATA_PHASE_ERROR);
	/* Aborted by the initiator meanwhile: TASK ABORTED ends it. */
	tk.xfer_ret = -ECANCELED;
	tk_cmd(TK_ITN, 205, w10, 10, TGT_DIR_WRITE, 512, &m);
	ck_assert_int_eq(m.result, SAM_STAT_TASK_ABORTED);
	ck_assert(!TK_HAS(&m, TGT_ATTR_SENSE));
	/* The kernel forgot it: no answer at all. */
	tk.xfer_ret = -ENOENT;
	tk_inject(tk_cmd_req(&(struct tk_cmd_args){ TK_HOST, TK_ITN, 203, w10,
		  10, 1, 0, TGT_DIR_WRITE, 512 }));
	tk_expect(&m, TGT_UEVENT_CMD_XFER);
	tk_expect_none();
	tk.xfer_ret = 0;
	ck_assert_int_eq(tk_cmds_settled(0), 0);

	/* CMD_RSP refused (-ENOENT): freed without waiting for CMD_DONE. */
	tk.rsp_ret = -ENOENT;
	tk_cmd(TK_ITN, 204, tk_tur, 6, TGT_DIR_NONE, 0, &m);
	ck_assert_int_eq(tk_cmds_settled(0), 0);
	tk.rsp_ret = 0;

	/* CMD_RSP refused otherwise: the kernel still holds the command,
	 * so it gets a plain HARDWARE ERROR answer instead. */
	tk.rsp_ret_once = -EINVAL;
	tk_cmd(TK_ITN, 207, r10, 10, TGT_DIR_READ, 512, &m);
	ck_assert_int_eq(m.result, SAM_STAT_GOOD);
	tk_expect(&m, TGT_UEVENT_CMD_RSP);
	ck_assert_uint_eq(m.tag, 207);
	ck_assert_int_eq(m.result, SAM_STAT_CHECK_CONDITION);
	ck_assert(!TK_HAS(&m, TGT_ATTR_UADDR));
	ck_assert_uint_eq(tk_key(&m), SK_HARDWARE_ERROR);
	ck_assert_uint_eq(tk_asc(&m), ASC_INTERNAL_TARGET_FAILURE);
	ck_assert_int_eq(tk_cmds_settled(0), 0);
	tk_expect_none();

	/* A CMD_DONE for nothing is harmless. */
	tk_inject(tk_cmd_done(TK_HOST, TK_ITN, 999));
	tk_expect_none();
}
END_TEST

/* Holds commands on LUN 1 for @ms so that they can be caught running. */
static void tk_delay(const char *ms)
{
	ck_assert_int_eq(th_lu_param(1, "delay_ms", ms), 0);
}

START_TEST(test_tmf)
{
	uint8_t r10[10] = { READ_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint64_t tag = 1;
	struct tk_msg m;

	tk_nexus_up(TK_ITN);
	tk_ua_clear(TK_ITN, &tag);

	tk_inject(tk_tmf_req(TK_HOST, TK_ITN, TGT_TMF_FN_ABORT_TASK, 1, 4242,
			     1));
	tk_expect(&m, TGT_UEVENT_TSK_MGMT_RSP);
	ck_assert_uint_eq(m.mid, 1);
	ck_assert_int_eq(m.result, TGT_TMF_RSP_NO_TASK);

	tk_inject(tk_tmf_req(TK_HOST, TK_ITN, 99, 2, 0, 1));
	tk_expect(&m, TGT_UEVENT_TSK_MGMT_RSP);
	ck_assert_int_eq(m.result, TGT_TMF_RSP_REJECTED);

	tk_inject(tk_tmf_req(TK_HOST, TK_ITN, TGT_TMF_FN_LUN_RESET, 3, 0,
			     -1));			/* LUN missing */
	tk_expect(&m, TGT_UEVENT_TSK_MGMT_RSP);
	ck_assert_int_eq(m.result, TGT_TMF_RSP_REJECTED);

	tk_inject(tk_tmf_req(TK_HOST, 55, TGT_TMF_FN_LUN_RESET, 4, 0, 1));
	tk_expect(&m, TGT_UEVENT_TSK_MGMT_RSP);
	ck_assert_int_eq(m.result, TGT_TMF_RSP_FAILED);	/* no nexus */

	/* ABORT TASK of a running command: TASK ABORTED first. */
	tk_delay("400");
	tk_inject(tk_cmd_req(&(struct tk_cmd_args){ TK_HOST, TK_ITN, 300, r10,
		  10, 1, 0, TGT_DIR_READ, 512 }));
	usleep(50000);
	tk_inject(tk_tmf_req(TK_HOST, TK_ITN, TGT_TMF_FN_ABORT_TASK, 5, 300,
			     1));
	tk_expect(&m, TGT_UEVENT_CMD_RSP);
	ck_assert_uint_eq(m.tag, 300);
	ck_assert_int_eq(m.result, SAM_STAT_TASK_ABORTED);
	ck_assert(!TK_HAS(&m, TGT_ATTR_UADDR));
	tk_expect(&m, TGT_UEVENT_TSK_MGMT_RSP);
	ck_assert_uint_eq(m.mid, 5);
	ck_assert_int_eq(m.result, TGT_TMF_RSP_COMPLETE);
	tk_inject(tk_cmd_done(TK_HOST, TK_ITN, 300));
	tk_delay("0");

	tk_inject(tk_tmf_req(TK_HOST, TK_ITN, TGT_TMF_FN_LUN_RESET, 6, 0, 1));
	tk_expect(&m, TGT_UEVENT_TSK_MGMT_RSP);
	ck_assert_int_eq(m.result, TGT_TMF_RSP_COMPLETE);
	ck_assert_int_eq(tk_cmds_settled(0), 0);
}
END_TEST

START_TEST(test_kernel_gives_up_first)
{
	uint8_t r10[10] = { READ_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint64_t tag = 1;

	tk_nexus_up(TK_ITN);
	tk_ua_clear(TK_ITN, &tag);
	tk_delay("300");
	tk_inject(tk_cmd_req(&(struct tk_cmd_args){ TK_HOST, TK_ITN, 400, r10,
		  10, 1, 0, TGT_DIR_READ, 512 }));
	tk_inject(tk_cmd_done(TK_HOST, TK_ITN, 400));
	/* Finishes later: freed without an answer. */
	tk_expect_none();
	ck_assert_int_eq(tk_cmds_settled(0), 0);
	usleep(400000);
	tk_expect_none();
}
END_TEST

/* Many commands in flight at once: all answered, all freed. */
START_TEST(test_many_commands)
{
	static uint8_t seen[400];
	uint8_t r10[10] = { READ_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint64_t tag = 1;
	struct tk_msg m;

	tk_nexus_up(TK_ITN);
	tk_ua_clear(TK_ITN, &tag);
	for (uint64_t t = 0; t < 400; t++)
		tk_inject(tk_cmd_req(&(struct tk_cmd_args){ TK_HOST, TK_ITN,
			  (t << 40) | t, r10, 10, 1, (uint8_t)(t % 3),
			  TGT_DIR_READ, 512 }));
	for (int i = 0; i < 400; i++) {
		tk_expect(&m, TGT_UEVENT_CMD_RSP);
		ck_assert_int_eq(m.result, SAM_STAT_GOOD);
		ck_assert_uint_eq(m.xfer_len, 512);
		ck_assert_uint_lt(m.tag & 0xffff, 400);
		ck_assert(!seen[m.tag & 0xffff]);
		seen[m.tag & 0xffff] = 1;
	}
	ck_assert_int_eq(tk_cmds_settled(0), 0);
}
END_TEST

/* An event that arrives while tgtd waits for an ack is handled after. */
START_TEST(test_event_behind_ack)
{
	static uint8_t data[512];
	uint8_t w10[10] = { WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint64_t tag = 1;
	struct tk_msg m;
	int rsp = 0;

	tk_nexus_up(TK_ITN);
	tk_ua_clear(TK_ITN, &tag);
	tk.wdata = data;
	tk.during_xfer = tk_cmd_req(&(struct tk_cmd_args){ TK_HOST, TK_ITN,
		501, tk_tur, 6, 1, 0, TGT_DIR_NONE, 0 });
	tk_inject(tk_cmd_req(&(struct tk_cmd_args){ TK_HOST, TK_ITN, 500, w10,
		  10, 1, 0, TGT_DIR_WRITE, 512 }));
	tk_expect(&m, TGT_UEVENT_CMD_XFER);
	ck_assert_uint_eq(m.tag, 500);
	for (int i = 0; i < 2; i++) {
		tk_expect(&m, TGT_UEVENT_CMD_RSP);
		ck_assert_int_eq(m.result, SAM_STAT_GOOD);
		rsp |= m.tag == 500 ? 1 : m.tag == 501 ? 2 : 4;
	}
	ck_assert_int_eq(rsp, 3);
}
END_TEST

START_TEST(test_disconnect)
{
	uint8_t r10[10] = { READ_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	struct strbuf sb = STRBUF_INIT;
	uint64_t tag = 1;
	struct tk_msg m;

	tk_nexus_up(TK_ITN);
	tk_ua_clear(TK_ITN, &tag);
	tk_delay("300");
	tk_inject(tk_cmd_req(&(struct tk_cmd_args){ TK_HOST, TK_ITN, 600, r10,
		  10, 1, 0, TGT_DIR_READ, 512 }));
	usleep(50000);
	ck_assert_int_eq(knl_loop_call(tk_detach_fn, NULL), 0);
	ck_assert_int_eq(tgt_target_show(TK_TID, &sb), 0);
	ck_assert_ptr_null(strstr(strbuf_str(&sb), "Kernel host"));
	strbuf_release(&sb);
	/* The running command ends aborted, unanswered. */
	usleep(400000);
	tk_expect_none();
	ck_assert_int_eq(tk_cmds_settled(0), 0);
	tk_delay("0");

	/* A new registration: the kernel replays, tags start over. */
	ck_assert_int_eq(knl_loop_call(tk_attach_fn, NULL), 0);
	tk_nexus_up(TK_ITN);
	tag = 1;
	tk_ua_clear(TK_ITN, &tag);
	tk_cmd(TK_ITN, 600, r10, 10, TGT_DIR_READ, 512, &m);
	ck_assert_int_eq(m.result, SAM_STAT_GOOD);
}
END_TEST

START_TEST(test_bind_unbind)
{
	struct strbuf sb = STRBUF_INIT;
	struct tk_msg m;

	/* Bound in setup; binding again, or elsewhere, is refused. */
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_BIND, TK_TID,
				 TK_HOST, &sb), TGTADM_BINDING_EXIST);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "already bound"));
	strbuf_reset(&sb);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_BIND, TK_TID, 3,
				 &sb), TGTADM_BINDING_EXIST);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_BIND, 9, 3, NULL),
			 TGTADM_NO_TARGET);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_BIND, TK_TID, -2,
				 NULL), TGTADM_BAD_VALUE);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_UNBIND, TK_TID, 3,
				 NULL), TGTADM_NO_BINDING);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_UNBIND, 2, TK_HOST,
				 NULL), TGTADM_NO_BINDING);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_LLD, MGMT_OP_STAT, 0, TK_NOHOST,
				 NULL),
			 TGTADM_UNSUPPORTED_OPERATION);

	strbuf_reset(&sb);
	tgt_config_dump(&sb);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "kernel_host = 0\n"));
	strbuf_reset(&sb);

	/* Unbind drops the host's nexuses; bind replays them. */
	tk_nexus_up(TK_ITN);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_UNBIND, TK_TID,
				 TK_HOST, NULL), TGTADM_SUCCESS);
	tk_cmd(TK_ITN, 1, tk_tur, 6, TGT_DIR_NONE, 0, &m);
	ck_assert_uint_eq(tk_asc(&m), ASC_LUN_NOT_SUPPORTED);
	tgt_config_dump(&sb);
	ck_assert_ptr_null(strstr(strbuf_str(&sb), "kernel_host"));
	strbuf_release(&sb);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_BIND, TK_TID,
				 TK_HOST, NULL), TGTADM_SUCCESS);
	tk_expect(&m, TGT_UEVENT_NEXUS_REPLAY);
	ck_assert(TK_HAS(&m, TGT_ATTR_HOST_NO));
	ck_assert_uint_eq(m.host, TK_HOST);
	tk_nexus_up(TK_ITN);
}
END_TEST

START_TEST(test_target_deleted)
{
	struct tk_msg m;

	tk_nexus_up(TK_ITN);
	ck_assert_int_eq(tgt_target_destroy(TK_TID, false), -EBUSY);
	ck_assert_int_eq(tgt_target_destroy(TK_TID, true), 0);
	/* nexus_kill: gone on our side; the kernel's commands refused. */
	tk_cmd(TK_ITN, 1, tk_tur, 6, TGT_DIR_NONE, 0, &m);
	ck_assert_uint_eq(tk_asc(&m), ASC_LUN_NOT_SUPPORTED);
	tk_inject(tk_nexus_req(TK_HOST, TK_ITN, TGT_NEXUS_CREATE, TK_INI));
	tk_expect(&m, TGT_UEVENT_IT_NEXUS_RSP);
	ck_assert_int_eq(m.result, -ENOENT);

	/* A new target 2: the stale binding of host 0 gives way. */
	ck_assert_int_eq(tgt_target_create(2, "iqn.2026-11.test:k2",
					   "kernel"), 0);
	ck_assert_int_eq(tgt_acl_add(2, TGT_ACL_ADDR, "ALL"), 0);
	ck_assert_int_eq(tk_mgmt(MGMT_MODE_TARGET, MGMT_OP_BIND, 2, TK_HOST,
				 NULL), TGTADM_SUCCESS);
	tk_expect(&m, TGT_UEVENT_NEXUS_REPLAY);
	tk_nexus_up(TK_ITN);
	ck_assert_int_eq(tgt_target_destroy(2, true), 0);
	ck_assert_int_eq(tgt_target_create(TK_TID, "iqn.2026-11.test:k1",
					   "kernel"), 0);
}
END_TEST

static Suite *kernel_suite(void)
{
	Suite *s = suite_create("kernel_lld");
	TCase *tc = tcase_create("decode");
	TCase *tl = tcase_create("lld");

	tcase_add_test(tc, test_decode_cmd_req);
	tcase_add_test(tc, test_decode_cmd_req_cdb_sizes);
	tcase_add_test(tc, test_decode_missing_attrs);
	tcase_add_test(tc, test_decode_bad_widths);
	tcase_add_test(tc, test_decode_ranges);
	tcase_add_test(tc, test_decode_initiator);
	tcase_add_test(tc, test_decode_truncated);
	tcase_add_test(tc, test_decode_other);
	tcase_add_test(tc, test_build_requests);
	tcase_add_test(tc, test_tmf_mappings);
	tcase_add_test(tc, test_opts);
	tcase_add_test(tc, test_bind_table);
	tcase_add_test(tc, test_init_without_module);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tl, tk_setup, tk_teardown);
	tcase_add_test(tl, test_nexus_lifecycle);
	tcase_add_test(tl, test_name_acl);
	tcase_add_test(tl, test_write_read);
	tcase_add_test(tl, test_refusals);
	tcase_add_test(tl, test_tmf);
	tcase_add_test(tl, test_kernel_gives_up_first);
	tcase_add_test(tl, test_many_commands);
	tcase_add_test(tl, test_event_behind_ack);
	tcase_add_test(tl, test_disconnect);
	tcase_add_test(tl, test_bind_unbind);
	tcase_add_test(tl, test_target_deleted);
	suite_add_tcase(s, tl);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kernel_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
