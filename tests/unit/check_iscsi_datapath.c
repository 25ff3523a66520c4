/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: the iSCSI data path (usr/iscsi/scsi_cmd.c, session.c,
 * conn.c) through a real portal on 127.0.0.1, the real core and an rdwr
 * LU, driven by a small initiator written here (digests, immediate data,
 * unsolicited and solicited Data-Out, Data-In checks).
 *
 *  - Steady state costs no allocation: this binary is linked with
 *    -Wl,--wrap for malloc, calloc, realloc, posix_memalign and
 *    aligned_alloc, so every call the code under test makes is counted
 *    (on the target's threads); after a warm-up, rounds of pipelined
 *    WRITEs and READs must not add one.
 *  - A data digest error on a Data-Out that landed in the command's
 *    buffer is rejected and, at ERL 0, fails its command with CHECK
 *    CONDITION once the sequence ends (at once on the last Data-Out); on
 *    immediate data it drops the command without taking its CmdSN (the
 *    same command again is run).
 *  - Data-In: DataSN, offsets, F at MaxBurstLength boundaries, StatSN
 *    order; a 4 MiB read while the initiator does not read for a while.
 * Each test runs in its own process (Check's fork mode).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "core/target.h"
#include "iscsi/crc32c.h"
#include "iscsi/iscsi.h"
#include "util/log.h"
#include "util/util.h"
#include "sockio.h"

/* ---- allocation counting (-Wl,--wrap=..., see the Makefile) ---- */

static atomic_long dp_allocs;
/* The initiator's thread: Check itself allocates there (assertions send
 * their location to the parent process); only the target's count. */
static __thread bool dp_uncounted;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
int __real_posix_memalign(void **p, size_t align, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
int __wrap_posix_memalign(void **p, size_t align, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);

void *__wrap_malloc(size_t size)
{
	if (!dp_uncounted)
		atomic_fetch_add(&dp_allocs, 1);
	return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (!dp_uncounted)
		atomic_fetch_add(&dp_allocs, 1);
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	if (!dp_uncounted)
		atomic_fetch_add(&dp_allocs, 1);
	return __real_realloc(p, size);
}

int __wrap_posix_memalign(void **p, size_t align, size_t size)
{
	if (!dp_uncounted)
		atomic_fetch_add(&dp_allocs, 1);
	return __real_posix_memalign(p, align, size);
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
	if (!dp_uncounted)
		atomic_fetch_add(&dp_allocs, 1);
	return __real_aligned_alloc(align, size);
}

/* ---- the initiator ---- */

#define T_IQN		"iqn.2026-11.test:t1"
#define T_INI		"iqn.2026-11.test:ini"
#define DP_MRDSL	8192u		/* ours: Data-In PDUs are this big */
#define DP_MAX_BURST	32768u
#define DP_FIRST_BURST	16384u
#define DP_PDU		8192u		/* our Data-Out PDUs */
#define DP_SLOTS	8		/* commands in flight */
#define DP_IO		65536u		/* bytes per command in rounds */
#define DP_BIG		(4u << 20)
#define DP_LU_SIZE	(8u << 20)

struct dp_ini {
	int fd;
	bool hd, dd;			/* digests in use */
	bool initial_r2t;
	uint32_t cmdsn;			/* next CmdSN */
	uint32_t statsn;		/* next StatSN we expect */
	uint32_t itt;
	uint16_t port;
	char *path;
};

static struct dp_ini ini;

/* A command in flight. */
struct dp_task {
	bool busy, write;
	uint32_t itt, len;
	uint8_t *buf;			/* data out, or where data in goes */
	uint32_t din_sn, din_off;	/* next Data-In expected */
	uint8_t status;
};

static struct dp_task dp_tasks[DP_SLOTS];
static uint8_t dp_bufs[DP_SLOTS][DP_IO];
static uint8_t dp_big[DP_BIG];
static uint8_t dp_rx[DP_MRDSL + 2 * ISCSI_PAD];

static void dp_write(const void *buf, size_t len)
{
	tio_write_all(ini.fd, buf, len, 5000);
}

/* Reads exactly @len bytes (5 s timeout). */
static void dp_read(void *buf, size_t len)
{
	ck_assert_int_eq(tio_read_exact(ini.fd, buf, len, 5000), 0);
}

/* Sends a PDU with digests as negotiated; @bad_dd corrupts the data
 * digest.  @split > 0 sends the data in that many pieces, 10 ms apart. */
static void dp_send(struct iscsi_pdu_hdr *h, const uint8_t *data,
		    uint32_t len, bool bad_dd, int split)
{
	uint8_t hdr[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN], tail[8] = { 0 };
	uint32_t pad = iscsi_pad_len(len), off = 0;
	size_t hl = ISCSI_BHS_LEN, tl = pad;

	h->data_len = len;
	ck_assert_int_eq(iscsi_bhs_build(h, hdr), 0);
	if (ini.hd) {
		crc32c_put_digest(hdr + hl, crc32c(hdr, ISCSI_BHS_LEN));
		hl += ISCSI_DIGEST_LEN;
	}
	dp_write(hdr, hl);
	if (!len)
		return;
	if (ini.dd) {
		struct iovec v = { (void *)data, len };
		uint32_t crc = iscsi_data_digest(&v, 1, len);

		crc32c_put_digest(tail + pad, bad_dd ? crc ^ 1 : crc);
		tl += ISCSI_DIGEST_LEN;
	}
	for (int i = split > 1 ? split : 1; i > 0; i--) {
		uint32_t n = (len - off) / (uint32_t)i;

		dp_write(data + off, n);
		off += n;
		if (i > 1)
			usleep(10000);
	}
	dp_write(tail, tl);
}

/* Receives one PDU; its data (if any) into dp_rx, digests checked. */
static void dp_recv(struct iscsi_pdu_hdr *h)
{
	uint8_t bhs[ISCSI_BHS_LEN], dg[ISCSI_DIGEST_LEN];

	dp_read(bhs, sizeof(bhs));
	ck_assert_int_eq(iscsi_bhs_decode(bhs, h), 0);
	if (ini.hd) {
		dp_read(dg, sizeof(dg));
		ck_assert_uint_eq(crc32c_get_digest(dg),
				  crc32c(bhs, ISCSI_BHS_LEN));
	}
	ck_assert_uint_le(h->data_len, DP_MRDSL);
	if (!h->data_len)
		return;
	dp_read(dp_rx, iscsi_padded_len(h->data_len));
	if (ini.dd) {
		dp_read(dg, sizeof(dg));
		ck_assert_uint_eq(crc32c_get_digest(dg),
				  crc32c(dp_rx, iscsi_padded_len(h->data_len)));
	}
}

/* A PDU that carries a StatSN we must see in order. */
static void dp_statsn_check(uint32_t statsn)
{
	ck_assert_uint_eq(statsn, ini.statsn);
	ini.statsn++;
}

static void dp_login_step(uint8_t flags, const char *keys)
{
	static const uint8_t isid[6] = { 0x80, 9, 8, 7, 6, 5 };
	struct iscsi_pdu_hdr h;
	char data[1024];
	uint32_t len = tio_keys(data, sizeof(data), keys);

	iscsi_pdu_hdr_init(&h, ISCSI_OP_LOGIN_REQ, 0x1000);
	h.immediate = true;
	h.flags = flags;
	memcpy(h.login_req.isid, isid, sizeof(isid));
	h.login_req.cmdsn = ini.cmdsn;
	dp_send(&h, (const uint8_t *)data, len, false, 0);
	dp_recv(&h);
	ck_assert_uint_eq(h.opcode, ISCSI_OP_LOGIN_RSP);
	ck_assert_uint_eq(h.login_rsp.status_class, 0);
	ini.statsn = h.login_rsp.statsn + 1;
}

static void dp_connect(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int ret = -1;

	sin.sin_port = htons(ini.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The portal starts listening on its loop: retry briefly. */
	for (int i = 0; i < 100 && ret; i++) {
		if (ini.fd >= 0)
			close(ini.fd);
		ini.fd = socket(AF_INET, SOCK_STREAM, 0);
		ck_assert_int_ge(ini.fd, 0);
		ret = connect(ini.fd, (struct sockaddr *)&sin, sizeof(sin));
		if (ret)
			usleep(10000);
	}
	ck_assert_int_eq(ret, 0);
}

static void dp_portal(void)
{
	char opt[64];

	for (int i = 0; i < 50; i++) {
		ini.port = (uint16_t)(20000 + (getpid() * 7 + i * 131) % 30000);
		snprintf(opt, sizeof(opt), "portal=127.0.0.1:%u", ini.port);
		if (iscsi_lld_ops.init(opt) == 0)
			return;
	}
	ck_abort_msg("no free port");
}

static void dp_tur_until_good(void);

/* Target with an rdwr LU 1, a session in the full feature phase. */
static void dp_setup(bool digests, bool initial_r2t)
{
	char keys[512];

	dp_uncounted = true;
	memset(&ini, 0, sizeof(ini));
	ini.fd = -1;
	ini.cmdsn = 1;
	ini.itt = 0x100;
	ini.initial_r2t = initial_r2t;
	log_open("test", false, getenv("TH_DEBUG") ? LOG_LVL_DEBUG :
		 LOG_LVL_ERR);
	ck_assert_int_eq(tgt_core_init(1), 0);
	ck_assert_int_eq(tgt_lld_register(&iscsi_lld_ops), 0);
	ck_assert_int_eq(tgt_target_create(TH_TID, T_IQN, "iscsi"), 0);
	ck_assert_int_eq(tgt_acl_add(TH_TID, TGT_ACL_ADDR, "ALL"), 0);
	ini.path = th_tmpfile(DP_LU_SIZE);
	ck_assert_int_eq(th_lu_add(1, "rdwr", ini.path, 512), 0);
	unlink(ini.path);		/* the LU keeps it open */
	dp_portal();
	dp_connect();
	dp_login_step(ISCSI_LOGIN_FLAGS(1, 0, 0, 1), "InitiatorName=" T_INI
		      "|TargetName=" T_IQN "|SessionType=Normal"
		      "|AuthMethod=None");
	snprintf(keys, sizeof(keys), "HeaderDigest=%s|DataDigest=%s|"
		 "ErrorRecoveryLevel=0|InitialR2T=%s|ImmediateData=Yes|"
		 "MaxRecvDataSegmentLength=%u|MaxBurstLength=%u|"
		 "FirstBurstLength=%u", digests ? "CRC32C" : "None",
		 digests ? "CRC32C" : "None", initial_r2t ? "Yes" : "No",
		 DP_MRDSL, DP_MAX_BURST, DP_FIRST_BURST);
	dp_login_step(ISCSI_LOGIN_FLAGS(1, 0, 1, 3), keys);
	ini.hd = ini.dd = digests;
	dp_tur_until_good();
}

static void dp_cmd_hdr(struct iscsi_pdu_hdr *h, uint32_t itt, bool write,
		       uint32_t lba, uint32_t len)
{
	uint8_t *cdb = h->scsi_cmd.cdb;

	iscsi_pdu_hdr_init(h, ISCSI_OP_SCSI_CMD, itt);
	h->flags = ISCSI_FLAG_FINAL | ISCSI_ATTR_SIMPLE;
	if (len)
		h->flags |= write ? ISCSI_FLAG_CMD_WRITE : ISCSI_FLAG_CMD_READ;
	h->lun[1] = 1;
	h->scsi_cmd.edtl = len;
	h->scsi_cmd.cmdsn = ini.cmdsn;
	h->scsi_cmd.exp_statsn = ini.statsn;
	if (!len)
		return;			/* TEST UNIT READY */
	cdb[0] = write ? 0x2a : 0x28;	/* WRITE(10) / READ(10) */
	put_be32(cdb + 2, lba);
	put_be16(cdb + 7, (uint16_t)(len / 512));
}

/* Data-Out PDUs for [@off, @off + @len) of @t: DataSN from 0, F last. */
static void dp_data_out(struct dp_task *t, uint32_t ttt, uint32_t off,
			uint32_t len)
{
	uint32_t sn = 0;

	while (len) {
		uint32_t n = MIN(len, DP_PDU);
		struct iscsi_pdu_hdr h;

		iscsi_pdu_hdr_init(&h, ISCSI_OP_DATA_OUT, t->itt);
		h.flags = n == len ? ISCSI_FLAG_FINAL : 0;
		h.lun[1] = 1;
		h.data_out.ttt = ttt;
		h.data_out.exp_statsn = ini.statsn;
		h.data_out.datasn = sn++;
		h.data_out.offset = off;
		dp_send(&h, t->buf + off, n, false, 0);
		off += n;
		len -= n;
	}
}

/* Sends the command of @t: immediate data, then unsolicited Data-Out up
 * to FirstBurstLength unless InitialR2T=Yes (13.10, 13.14). */
static void dp_start(struct dp_task *t, bool write, uint32_t lba,
		     uint32_t len, uint8_t *buf)
{
	uint32_t imm = write ? MIN(MIN(len, DP_PDU), DP_FIRST_BURST) : 0;
	uint32_t unsol = ini.initial_r2t || !write ? imm :
			 MIN(len, DP_FIRST_BURST);
	struct iscsi_pdu_hdr h;

	memset(t, 0, sizeof(*t));
	t->busy = true;
	t->write = write;
	t->itt = ini.itt++;
	t->len = len;
	t->buf = buf;
	dp_cmd_hdr(&h, t->itt, write, lba, len);
	if (unsol > imm)
		h.flags &= (uint8_t)~ISCSI_FLAG_FINAL;
	ini.cmdsn++;
	dp_send(&h, buf, imm, false, 0);
	if (unsol > imm)
		dp_data_out(t, ISCSI_RSVD_TAG, imm, unsol - imm);
}

static struct dp_task *dp_find(uint32_t itt)
{
	for (int i = 0; i < DP_SLOTS; i++) {
		if (dp_tasks[i].busy && dp_tasks[i].itt == itt)
			return &dp_tasks[i];
	}
	ck_abort_msg("a PDU for unknown ITT 0x%x", itt);
	return NULL;
}

/* A Data-In: in order, at most our MRDSL, F closing each burst. */
static void dp_data_in(struct dp_task *t, const struct iscsi_pdu_hdr *h)
{
	uint32_t off = h->data_in.offset, n = h->data_len;
	bool last = off + n == t->len;

	ck_assert(!t->write);
	ck_assert_uint_eq(h->data_in.datasn, t->din_sn);
	ck_assert_uint_eq(off, t->din_off);
	ck_assert_uint_le(off + n, t->len);
	ck_assert_int_eq(!!(h->flags & ISCSI_FLAG_FINAL),
			 last || (off + n) % DP_MAX_BURST == 0);
	memcpy(t->buf + off, dp_rx, n);
	t->din_sn++;
	t->din_off += n;
	if (h->flags & ISCSI_FLAG_DATA_STATUS) {
		ck_assert(last);
		dp_statsn_check(h->data_in.statsn);
		t->status = h->data_in.status;
		t->busy = false;
	}
}

/* Answers R2Ts and collects Data-In until no command is in flight. */
static void dp_run(void)
{
	struct iscsi_pdu_hdr h;
	int busy;

	for (;;) {
		busy = 0;
		for (int i = 0; i < DP_SLOTS; i++)
			busy += dp_tasks[i].busy;
		if (!busy)
			return;
		dp_recv(&h);
		switch (h.opcode) {
		case ISCSI_OP_R2T:
			ck_assert_uint_eq(h.r2t.statsn, ini.statsn);
			ck_assert_uint_le(h.r2t.desired_len, DP_MAX_BURST);
			dp_data_out(dp_find(h.itt), h.r2t.ttt, h.r2t.offset,
				    h.r2t.desired_len);
			break;
		case ISCSI_OP_DATA_IN:
			dp_data_in(dp_find(h.itt), &h);
			break;
		case ISCSI_OP_SCSI_RSP:
			dp_statsn_check(h.scsi_rsp.statsn);
			dp_find(h.itt)->status = h.scsi_rsp.status;
			dp_find(h.itt)->busy = false;
			break;
		default:
			ck_abort_msg("unexpected PDU opcode 0x%x (reason 0x%x, "
				     "about opcode 0x%x)", h.opcode,
				     h.reject.reason, dp_rx[0]);
		}
	}
}

static void dp_tur_until_good(void)
{
	/* The first command sees the POWER ON unit attention. */
	for (int i = 0; i < 3; i++) {
		dp_start(&dp_tasks[0], false, 0, 0, NULL);
		dp_run();
		if (dp_tasks[0].status == SAM_STAT_GOOD)
			return;
	}
	ck_abort_msg("TEST UNIT READY never GOOD");
}

static void dp_fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i += 4)
		put_be32(buf + i, seed * 2654435761u + i);
}

/* DP_SLOTS pipelined WRITEs, then as many READs checking the data. */
static void dp_round(uint32_t round)
{
	uint8_t want[DP_IO];

	for (uint32_t i = 0; i < DP_SLOTS; i++) {
		dp_fill(dp_bufs[i], DP_IO, round * DP_SLOTS + i);
		dp_start(&dp_tasks[i], true, i * (DP_IO / 512), DP_IO,
			 dp_bufs[i]);
	}
	dp_run();
	for (uint32_t i = 0; i < DP_SLOTS; i++) {
		ck_assert_uint_eq(dp_tasks[i].status, SAM_STAT_GOOD);
		memset(dp_bufs[i], 0, DP_IO);
		dp_start(&dp_tasks[i], false, i * (DP_IO / 512), DP_IO,
			 dp_bufs[i]);
	}
	dp_run();
	for (uint32_t i = 0; i < DP_SLOTS; i++) {
		ck_assert_uint_eq(dp_tasks[i].status, SAM_STAT_GOOD);
		ck_assert_uint_eq(dp_tasks[i].din_off, DP_IO);
		dp_fill(want, DP_IO, round * DP_SLOTS + i);
		ck_assert_mem_eq(dp_bufs[i], want, DP_IO);
	}
}

/* Variants: 0 no digests, InitialR2T=Yes; 1 digests, InitialR2T=No. */
START_TEST(test_steady_state_no_alloc)
{
	const uint32_t warm = 3, rounds = 40;
	long before, after;

	dp_setup(_i == 1, _i == 0);
	for (uint32_t r = 0; r < warm; r++)
		dp_round(r);
	before = atomic_load(&dp_allocs);
	for (uint32_t r = warm; r < warm + rounds; r++)
		dp_round(r);
	after = atomic_load(&dp_allocs);
	ck_assert_msg(after == before, "%ld allocations in %u rounds of %d "
		      "WRITEs and READs of %u bytes", after - before, rounds,
		      DP_SLOTS, DP_IO);
}
END_TEST

/* A Reject for data digest error (7.8) with the next StatSN. */
static void dp_expect_digest_reject(void)
{
	struct iscsi_pdu_hdr h;

	dp_recv(&h);
	ck_assert_uint_eq(h.opcode, ISCSI_OP_REJECT);
	ck_assert_uint_eq(h.reject.reason, ISCSI_REJECT_DATA_DIGEST);
	dp_statsn_check(h.reject.statsn);
}

static void dp_read_check(uint32_t lba, const uint8_t *want, uint32_t len)
{
	dp_start(&dp_tasks[0], false, lba, len, dp_bufs[1]);
	dp_run();
	ck_assert_uint_eq(dp_tasks[0].status, SAM_STAT_GOOD);
	ck_assert_mem_eq(dp_bufs[1], want, len);
}

/* WRITE of 16 KiB at @lba, no immediate data: its one R2T's TTT. */
static uint32_t dp_write_r2t(struct dp_task *t, uint8_t *buf, uint32_t lba)
{
	struct iscsi_pdu_hdr h;

	memset(t, 0, sizeof(*t));
	t->busy = t->write = true;
	t->itt = ini.itt++;
	t->len = 16384;
	t->buf = buf;
	dp_cmd_hdr(&h, t->itt, true, lba, 16384);
	ini.cmdsn++;
	dp_send(&h, NULL, 0, false, 0);
	dp_recv(&h);
	ck_assert_uint_eq(h.opcode, ISCSI_OP_R2T);
	ck_assert_uint_eq(h.r2t.offset, 0);
	ck_assert_uint_eq(h.r2t.desired_len, 16384);
	return h.r2t.ttt;
}

/* Data-Out @sn (8 KiB at @sn * 8 KiB) of @t; F on the second. */
static void dp_data_out_pdu(const struct dp_task *t, uint32_t ttt,
			    uint32_t sn, const uint8_t *data, bool bad_dd,
			    int split)
{
	struct iscsi_pdu_hdr h;

	iscsi_pdu_hdr_init(&h, ISCSI_OP_DATA_OUT, t->itt);
	h.flags = sn == 1 ? ISCSI_FLAG_FINAL : 0;
	h.lun[1] = 1;
	h.data_out.ttt = ttt;
	h.data_out.datasn = sn;
	h.data_out.offset = sn * DP_PDU;
	h.data_out.exp_statsn = ini.statsn;
	dp_send(&h, data, DP_PDU, bad_dd, split);
}

/* The SCSI Response of a Data-Out digest error (7.8, ERL 0). */
static void dp_expect_crc_failure(const struct dp_task *t)
{
	struct iscsi_pdu_hdr h;

	dp_recv(&h);
	ck_assert_uint_eq(h.opcode, ISCSI_OP_SCSI_RSP);
	ck_assert_uint_eq(h.itt, t->itt);
	ck_assert_uint_eq(h.scsi_rsp.status, SAM_STAT_CHECK_CONDITION);
	dp_statsn_check(h.scsi_rsp.statsn);
	/* sense length, then fixed sense: ABORTED COMMAND, 47/05 */
	ck_assert_uint_ge(h.data_len, 2 + 14);
	ck_assert_uint_eq(dp_rx[2 + 2] & 0x0f, 0x0b);
	ck_assert_uint_eq(dp_rx[2 + 12], 0x47);
	ck_assert_uint_eq(dp_rx[2 + 13], 0x05);
}

START_TEST(test_data_out_digest_error)
{
	struct dp_task *t = &dp_tasks[0];
	struct iscsi_pdu_hdr h;
	uint8_t *good = dp_bufs[0], bad[DP_PDU];
	uint32_t ttt;

	dp_setup(true, true);
	dp_fill(good, 16384, 7);
	memset(bad, 0x5a, sizeof(bad));
	/* DataSN 0 with a bad digest: rejected, and at ERL 0 the command
	 * fails once its data is all sent (no recovery R2T)... */
	ttt = dp_write_r2t(t, good, 0);
	dp_data_out_pdu(t, ttt, 0, bad, true, 0);
	dp_expect_digest_reject();
	dp_data_out_pdu(t, ttt, 1, good + DP_PDU, false, 3);
	dp_expect_crc_failure(t);
	/* ...and a bad digest on the last Data-Out fails it at once. */
	ttt = dp_write_r2t(t, good, 0);
	dp_data_out_pdu(t, ttt, 0, good, false, 3);
	dp_data_out_pdu(t, ttt, 1, bad, true, 0);
	dp_expect_digest_reject();
	dp_expect_crc_failure(t);
	/* The session goes on: a good WRITE lands (direct, in pieces). */
	ttt = dp_write_r2t(t, good, 0);
	dp_data_out_pdu(t, ttt, 0, good, false, 3);
	dp_data_out_pdu(t, ttt, 1, good + DP_PDU, false, 0);
	dp_run();
	ck_assert_uint_eq(t->status, SAM_STAT_GOOD);
	dp_read_check(0, good, 16384);
	/* Immediate data with a bad digest: the command is dropped and its
	 * CmdSN not taken, so the same command again runs. */
	dp_fill(good, DP_PDU, 8);
	dp_cmd_hdr(&h, ini.itt++, true, 64, DP_PDU);
	dp_send(&h, good, DP_PDU, true, 0);
	dp_expect_digest_reject();
	memset(t, 0, sizeof(*t));
	t->busy = t->write = true;
	t->itt = h.itt;
	t->len = DP_PDU;
	t->buf = good;
	h.scsi_cmd.exp_statsn = ini.statsn;
	ini.cmdsn++;
	dp_send(&h, good, DP_PDU, false, 2);
	dp_run();
	ck_assert_uint_eq(t->status, SAM_STAT_GOOD);
	dp_read_check(64, good, DP_PDU);
}
END_TEST

/* 4 MiB out in R2T bursts and back in 512 Data-In PDUs, the initiator
 * not reading for a while: the target's window waits on the socket. */
START_TEST(test_big_read_backpressure)
{
	static uint8_t back[DP_BIG];
	struct dp_task *t = &dp_tasks[0];

	dp_setup(false, true);
	dp_fill(dp_big, DP_BIG, 99);
	dp_start(t, true, 0, DP_BIG, dp_big);
	dp_run();
	ck_assert_uint_eq(t->status, SAM_STAT_GOOD);
	dp_start(t, false, 0, DP_BIG, back);
	usleep(300000);
	dp_run();
	ck_assert_uint_eq(t->status, SAM_STAT_GOOD);
	ck_assert_uint_eq(t->din_sn, DP_BIG / DP_MRDSL);
	ck_assert_mem_eq(back, dp_big, DP_BIG);
}
END_TEST

static Suite *iscsi_datapath_suite(void)
{
	Suite *s = suite_create("iscsi_datapath");
	TCase *tc = tcase_create("datapath");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_steady_state_no_alloc, 0, 2);
	tcase_add_test(tc, test_data_out_digest_error);
	tcase_add_test(tc, test_big_read_backpressure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(iscsi_datapath_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
