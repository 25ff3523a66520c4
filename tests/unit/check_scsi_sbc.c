/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: SBC block commands (usr/scsi/sbc.c) through the harness,
 * i.e. the real core, SCSI dispatch and backing stores.  LUN 1 is an
 * rdwr temp file of DISK_BLOCKS 512-byte blocks; tests add other LUNs
 * (4096-byte blocks, null) as they need them.  Backing-store errors are
 * injected with the rdwr test seam (bs/bs_rdwr_test.h).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "bs/bs_rdwr_test.h"
#include "scsi/scsi.h"
#include "util/util.h"

#define DISK_BLOCKS	2048u
#define BS512		512u

static char *disk_path;
static struct th_nexus *nx;

static void setup(void)
{
	th_init();
	disk_path = th_tmpfile((uint64_t)DISK_BLOCKS * BS512);
	ck_assert_int_eq(th_lu_add(1, "rdwr", disk_path, BS512), 0);
	nx = th_nexus_new(1);
	th_ua_clear(nx, 1);
}

static void teardown(void)
{
	bs_rdwr_sys_reset();
	th_nexus_free(nx);
	th_fini();
	unlink(disk_path);
	free(disk_path);
}

/* ---------- CDBs ---------- */

/* READ/WRITE/VERIFY-style CDB for @op; returns its length. */
static size_t cdb_rw(uint8_t *cdb, uint8_t op, uint64_t lba, uint32_t n)
{
	memset(cdb, 0, 16);
	cdb[0] = op;
	switch (op >> 5) {
	case 0:
		put_be24(cdb + 1, (uint32_t)lba & 0x1fffff);
		cdb[4] = (uint8_t)n;
		return 6;
	case 4:
		put_be64(cdb + 2, lba);
		put_be32(cdb + 10, n);
		return 16;
	case 5:
		put_be32(cdb + 2, (uint32_t)lba);
		put_be32(cdb + 6, n);
		return 12;
	default:
		put_be32(cdb + 2, (uint32_t)lba);
		put_be16(cdb + 7, (uint16_t)n);
		return 10;
	}
}

static int run_rw(uint64_t lun, uint8_t op, uint64_t lba, uint32_t n,
		  void *buf, uint32_t len, struct th_result *r)
{
	uint8_t cdb[16];
	size_t cl = cdb_rw(cdb, op, lba, n);
	int dir = (op == READ_6 || op == READ_10 || op == READ_12 ||
		   op == READ_16) ? TGT_DATA_READ : TGT_DATA_WRITE;

	return th_cmd(nx, lun, cdb, cl, len ? dir : TGT_DATA_NONE, buf, len,
		      r);
}

/* Runs @cdb and expects CHECK CONDITION with @key/@asc. */
static void expect_sense(uint64_t lun, const uint8_t *cdb, size_t cl, int dir,
			 void *buf, uint32_t len, uint8_t key, uint16_t asc,
			 struct th_result *r)
{
	ck_assert_int_eq(th_cmd(nx, lun, cdb, cl, dir, buf, len, r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(r), key);
	ck_assert_uint_eq(th_sense_asc(r), asc);
}

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 13 + seed + (i >> 8));
}

static void file_check(const char *path, uint64_t off, const void *want,
		       size_t len)
{
	uint8_t *got = malloc(len);
	int fd = open(path, O_RDONLY);

	ck_assert_ptr_nonnull(got);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, got, len, (off_t)off), (ssize_t)len);
	ck_assert_mem_eq(got, want, len);
	close(fd);
	free(got);
}

/* ---------- sense fields ---------- */

static bool sense_is_desc(const struct th_result *r)
{
	return (r->sense[0] & 0x7f) >= 0x72;
}

/* Descriptor @type in descriptor-format sense, or NULL. */
static const uint8_t *sense_desc_find(const struct th_result *r, uint8_t type)
{
	size_t end = MIN((size_t)r->sense_len, 8u + r->sense[7]);

	for (size_t off = 8; off + 2 <= end; off += 2 + r->sense[off + 1])
		if (r->sense[off] == type)
			return r->sense + off;
	return NULL;
}

/* INFORMATION; false when VALID is 0 / there is no such descriptor. */
static bool sense_info(const struct th_result *r, uint64_t *info)
{
	const uint8_t *d;

	if (!sense_is_desc(r)) {
		*info = get_be32(r->sense + 3);
		return r->sense[0] & 0x80;
	}
	d = sense_desc_find(r, 0x00);
	if (!d || !(d[2] & 0x80))
		return false;
	*info = get_be64(d + 4);
	return true;
}

/* The 3 sense-key-specific bytes; false when SKSV is 0. */
static bool sense_sks(const struct th_result *r, uint8_t *sks)
{
	const uint8_t *p = r->sense + 15;

	if (sense_is_desc(r)) {
		const uint8_t *d = sense_desc_find(r, 0x02);

		if (!d)
			return false;
		p = d + 4;
	}
	memcpy(sks, p, 3);
	return sks[0] & 0x80;
}

static void expect_field(const struct th_result *r, uint16_t byte, int bit)
{
	uint8_t sks[3];

	ck_assert_uint_eq(th_sense_key(r), SK_ILLEGAL_REQUEST);
	ck_assert_uint_eq(th_sense_asc(r), ASC_INVALID_FIELD_IN_CDB);
	ck_assert(sense_sks(r, sks));
	ck_assert_uint_eq(sks[0] & 0x40, 0x40);		/* C/D: in the CDB */
	ck_assert_uint_eq(get_be16(sks + 1), byte);
	if (bit >= 0) {
		ck_assert_uint_eq(sks[0] & 0x08, 0x08);	/* BPV */
		ck_assert_uint_eq(sks[0] & 0x07, (unsigned)bit);
	}
}

/* ---------- READ / WRITE ---------- */

static const uint8_t rw_ops[][2] = {
	{ READ_6, WRITE_6 }, { READ_10, WRITE_10 },
	{ READ_12, WRITE_12 }, { READ_16, WRITE_16 },
};

/* Every size variant: write, read back, and the file agrees. */
START_TEST(test_rw_sizes)
{
	uint32_t n = 9, len = n * BS512;
	uint64_t lba = 100 + 37 * (uint64_t)_i;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct th_result r;

	fill(out, len, (unsigned)_i);
	ck_assert_int_eq(run_rw(1, rw_ops[_i][1], lba, n, out, len, &r),
			 SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, len);
	ck_assert_uint_eq(r.cdb_xfer_len, len);
	memset(in, 0, len);
	ck_assert_int_eq(run_rw(1, rw_ops[_i][0], lba, n, in, len, &r),
			 SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, len);
	ck_assert_mem_eq(in, out, len);
	file_check(disk_path, lba * BS512, out, len);
	free(out);
	free(in);
}
END_TEST

START_TEST(test_rw_4096)
{
	char *path = th_tmpfile(256 * 4096);
	uint32_t len = 3 * 4096;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct th_result r;

	ck_assert_int_eq(th_lu_add(2, "rdwr", path, 4096), 0);
	th_ua_clear(nx, 2);
	fill(out, len, 77);
	ck_assert_int_eq(run_rw(2, WRITE_16, 253, 3, out, len, &r),
			 SAM_STAT_GOOD);
	ck_assert_int_eq(run_rw(2, READ_10, 253, 3, in, len, &r),
			 SAM_STAT_GOOD);
	ck_assert_mem_eq(in, out, len);
	file_check(path, 253 * 4096, out, len);
	/* 254 + 3 > 256 */
	ck_assert_int_eq(run_rw(2, READ_10, 254, 3, in, len, &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_asc(&r), ASC_LBA_OUT_OF_RANGE);
	unlink(path);
	free(path);
	free(out);
	free(in);
}
END_TEST

/* The last LBA works, one past it does not; no field pointer. */
START_TEST(test_lba_range)
{
	uint8_t buf[2 * BS512] = { 0 };
	uint8_t sks[3];
	struct th_result r;
	uint8_t cdb[16];

	ck_assert_int_eq(run_rw(1, READ_10, DISK_BLOCKS - 1, 1, buf, BS512,
				&r), SAM_STAT_GOOD);
	ck_assert_int_eq(run_rw(1, WRITE_16, DISK_BLOCKS - 1, 1, buf, BS512,
				&r), SAM_STAT_GOOD);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(run_rw(1, rw_ops[i][0], DISK_BLOCKS, 1, buf,
					BS512, &r), SAM_STAT_CHECK_CONDITION);
		ck_assert_uint_eq(th_sense_key(&r), SK_ILLEGAL_REQUEST);
		ck_assert_uint_eq(th_sense_asc(&r), ASC_LBA_OUT_OF_RANGE);
		ck_assert(!sense_sks(&r, sks));
		ck_assert_int_eq(run_rw(1, rw_ops[i][1], DISK_BLOCKS - 1, 2,
					buf, 2 * BS512, &r),
				 SAM_STAT_CHECK_CONDITION);
		ck_assert_uint_eq(th_sense_asc(&r), ASC_LBA_OUT_OF_RANGE);
	}
	/* LBA + length wrapping around 2^64 */
	cdb_rw(cdb, READ_16, UINT64_MAX, 2);
	expect_sense(1, cdb, 16, TGT_DATA_READ, buf, 2 * BS512,
		     SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, &r);
	/* length 0 moves nothing and is not an error */
	ck_assert_int_eq(run_rw(1, READ_10, 5, 0, NULL, 0, &r), SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, 0);
	ck_assert_int_eq(run_rw(1, WRITE_12, 5, 0, NULL, 0, &r),
			 SAM_STAT_GOOD);
}
END_TEST

/* The CDB asks for more than the buffer holds: only data_len moves. */
START_TEST(test_xfer_overflow)
{
	uint8_t *buf = malloc(8 * BS512), *old = malloc(8 * BS512);
	uint8_t *out = malloc(8 * BS512);
	struct th_result r;

	fill(old, 8 * BS512, 1);
	ck_assert_int_eq(run_rw(1, WRITE_10, 40, 8, old, 8 * BS512, &r),
			 SAM_STAT_GOOD);
	memset(buf, 0xee, 8 * BS512);
	ck_assert_int_eq(run_rw(1, READ_10, 40, 8, buf, 4 * BS512, &r),
			 SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, 4 * BS512);
	ck_assert_uint_eq(r.cdb_xfer_len, 8 * BS512);
	ck_assert_mem_eq(buf, old, 4 * BS512);
	for (size_t i = 4 * BS512; i < 8 * BS512; i++)
		ck_assert_uint_eq(buf[i], 0xee);	/* never overrun */
	/* a short write writes only what came */
	fill(out, 8 * BS512, 2);
	ck_assert_int_eq(run_rw(1, WRITE_10, 40, 8, out, 3 * BS512, &r),
			 SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, 3 * BS512);
	ck_assert_uint_eq(r.cdb_xfer_len, 8 * BS512);
	file_check(disk_path, 40 * BS512, out, 3 * BS512);
	file_check(disk_path, 43 * BS512, old + 3 * BS512, 5 * BS512);
	/* more buffer than the CDB asks for: only the CDB's blocks move */
	ck_assert_int_eq(run_rw(1, WRITE_10, 40, 1, out + BS512, 8 * BS512,
				&r), SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, BS512);
	file_check(disk_path, 40 * BS512, out + BS512, BS512);
	file_check(disk_path, 41 * BS512, out + BS512, 2 * BS512);
	free(buf);
	free(old);
	free(out);
}
END_TEST

/*
 * A READ whose buffer ends inside a block moves exactly the buffer's
 * bytes (SAM-5: up to the expected transfer length; the rest is residual).
 */
START_TEST(test_read_partial_block)
{
	uint8_t *old = malloc(4 * BS512), *buf = malloc(4 * BS512);
	struct th_result r;

	fill(old, 4 * BS512, 3);
	ck_assert_int_eq(run_rw(1, WRITE_10, 60, 4, old, 4 * BS512, &r),
			 SAM_STAT_GOOD);
	memset(buf, 0xee, 4 * BS512);
	ck_assert_int_eq(run_rw(1, READ_10, 60, 1, buf, 200, &r),
			 SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, 200);
	ck_assert_uint_eq(r.cdb_xfer_len, BS512);
	ck_assert_mem_eq(buf, old, 200);
	ck_assert_uint_eq(buf[200], 0xee);		/* never overrun */
	memset(buf, 0xee, 4 * BS512);
	ck_assert_int_eq(run_rw(1, READ_16, 60, 4, buf, 1000, &r),
			 SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, 1000);
	ck_assert_uint_eq(r.cdb_xfer_len, 4 * BS512);
	ck_assert_mem_eq(buf, old, 1000);
	ck_assert_uint_eq(buf[1000], 0xee);
	/* the range is still checked */
	ck_assert_int_eq(run_rw(1, READ_10, DISK_BLOCKS, 1, buf, 200, &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_asc(&r), ASC_LBA_OUT_OF_RANGE);
	free(old);
	free(buf);
}
END_TEST

/* READ(6)/WRITE(6): a transfer length of 0 means 256 blocks. */
START_TEST(test_rw6_256)
{
	uint32_t len = 256 * BS512;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct th_result r;

	fill(out, len, 6);
	ck_assert_int_eq(run_rw(1, WRITE_6, 1000, 0, out, len, &r),
			 SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, len);
	ck_assert_uint_eq(r.cdb_xfer_len, len);
	ck_assert_int_eq(run_rw(1, READ_6, 1000, 0, in, len, &r),
			 SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, len);
	ck_assert_mem_eq(in, out, len);
	file_check(disk_path, 1000 * BS512, out, len);
	free(out);
	free(in);
}
END_TEST

/* Protection information is unsupported; RELADR is obsolete. */
START_TEST(test_rw_invalid_fields)
{
	uint8_t buf[BS512];
	uint8_t cdb[16];
	struct th_result r;

	cdb_rw(cdb, READ_10, 0, 1);
	cdb[1] = 0x20;				/* RDPROTECT = 1 */
	expect_sense(1, cdb, 10, TGT_DATA_READ, buf, BS512,
		     SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, &r);
	expect_field(&r, 1, 7);
	cdb_rw(cdb, WRITE_16, 0, 1);
	cdb[1] = 0x60;				/* WRPROTECT = 3 */
	expect_sense(1, cdb, 16, TGT_DATA_WRITE, buf, BS512,
		     SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, &r);
	expect_field(&r, 1, 7);
	cdb_rw(cdb, WRITE_10, 0, 1);
	cdb[1] = 0x01;				/* RELADR */
	expect_sense(1, cdb, 10, TGT_DATA_WRITE, buf, BS512,
		     SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, &r);
	expect_field(&r, 1, 0);
	/* DPO is accepted */
	cdb_rw(cdb, READ_12, 0, 1);
	cdb[1] = 0x10;
	ck_assert_int_eq(th_cmd(nx, 1, cdb, 12, TGT_DATA_READ, buf, BS512,
				&r), SAM_STAT_GOOD);
}
END_TEST

/* ---------- FUA and write-through ---------- */

static int last_rwf = -1;

static ssize_t rec_pwritev2(int fd, const struct iovec *iov, int cnt,
			    off_t off, int flags)
{
	last_rwf = flags;
	return pwritev2(fd, iov, cnt, off, flags);
}

START_TEST(test_fua)
{
	uint8_t buf[BS512];
	uint8_t cdb[16];
	struct th_result r;

	fill(buf, sizeof(buf), 4);
	bs_rdwr_sys.pwritev2 = rec_pwritev2;
	ck_assert_int_eq(run_rw(1, WRITE_10, 3, 1, buf, BS512, &r),
			 SAM_STAT_GOOD);
	ck_assert_int_eq(last_rwf, 0);		/* write cache on */
	cdb_rw(cdb, WRITE_10, 3, 1);
	cdb[1] = 0x08;				/* FUA */
	ck_assert_int_eq(th_cmd(nx, 1, cdb, 10, TGT_DATA_WRITE, buf, BS512,
				&r), SAM_STAT_GOOD);
	ck_assert_int_eq(last_rwf, RWF_DSYNC);
	/* WCE=0: every write goes to stable storage */
	ck_assert_int_eq(th_lu_param(1, "write_cache", "off"), 0);
	last_rwf = -1;
	ck_assert_int_eq(run_rw(1, WRITE_16, 3, 1, buf, BS512, &r),
			 SAM_STAT_GOOD);
	ck_assert_int_eq(last_rwf, RWF_DSYNC);
	file_check(disk_path, 3 * BS512, buf, BS512);
}
END_TEST

/* ---------- injected backing-store errors ---------- */

static ssize_t eio_preadv(int fd, const struct iovec *iov, int cnt,
			  off_t off)
{
	errno = EIO;
	return -1;
}

static ssize_t eio_pwritev2(int fd, const struct iovec *iov, int cnt,
			    off_t off, int flags)
{
	errno = EIO;
	return -1;
}

static ssize_t nospc_pwritev2(int fd, const struct iovec *iov, int cnt,
			      off_t off, int flags)
{
	errno = ENOSPC;
	return -1;
}

static int eio_fdatasync(int fd)
{
	errno = EIO;
	return -1;
}

START_TEST(test_injected_errors)
{
	uint8_t buf[4 * BS512] = { 0 };
	uint8_t cdb[16];
	struct th_result r;

	bs_rdwr_sys.preadv = eio_preadv;
	ck_assert_int_eq(run_rw(1, READ_10, 0, 4, buf, sizeof(buf), &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(&r), SK_MEDIUM_ERROR);
	ck_assert_uint_eq(th_sense_asc(&r), ASC_READ_ERROR);
	/* VERIFY BYTCHK=0 reads the range: the error surfaces */
	cdb_rw(cdb, VERIFY_10, 0, 4);
	expect_sense(1, cdb, 10, TGT_DATA_NONE, NULL, 0, SK_MEDIUM_ERROR,
		     ASC_READ_ERROR, &r);
	bs_rdwr_sys.pwritev2 = eio_pwritev2;
	ck_assert_int_eq(run_rw(1, WRITE_10, 0, 4, buf, sizeof(buf), &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(&r), SK_MEDIUM_ERROR);
	ck_assert_uint_eq(th_sense_asc(&r), ASC_WRITE_ERROR);
	bs_rdwr_sys.pwritev2 = nospc_pwritev2;
	ck_assert_int_eq(run_rw(1, WRITE_16, 0, 4, buf, sizeof(buf), &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(&r), SK_DATA_PROTECT);
	ck_assert_uint_eq(th_sense_asc(&r), ASC_SPACE_ALLOC_FAILED_WP);
	bs_rdwr_sys.fdatasync = eio_fdatasync;
	cdb_rw(cdb, SYNCHRONIZE_CACHE_10, 0, 0);
	expect_sense(1, cdb, 10, TGT_DATA_NONE, NULL, 0, SK_MEDIUM_ERROR,
		     ASC_WRITE_ERROR, &r);
}
END_TEST

/* ---------- READ CAPACITY ---------- */

static void read_capacity(uint64_t lun, uint64_t *last10, uint64_t *last16,
			  uint32_t *bsz, uint8_t *lbppbe)
{
	uint8_t cdb10[10] = { READ_CAPACITY_10 };
	uint8_t cdb16[16] = { SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16 };
	uint8_t buf[32];
	struct th_result r;

	ck_assert_int_eq(th_cmd(nx, lun, cdb10, 10, TGT_DATA_READ, buf, 8,
				&r), SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, 8);
	*last10 = get_be32(buf);
	*bsz = get_be32(buf + 4);
	put_be32(cdb16 + 10, 32);
	ck_assert_int_eq(th_cmd(nx, lun, cdb16, 16, TGT_DATA_READ, buf, 32,
				&r), SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, 32);
	*last16 = get_be64(buf);
	ck_assert_uint_eq(get_be32(buf + 8), *bsz);
	ck_assert_uint_eq(buf[12], 0);		/* no protection */
	ck_assert_uint_eq(buf[14] & 0x80, 0);	/* LBPME = 0 */
	*lbppbe = buf[13] & 0x0f;
}

START_TEST(test_read_capacity)
{
	char *path4k = th_tmpfile(100 * 4096);
	uint64_t l10, l16;
	uint32_t bsz;
	uint8_t exp;

	read_capacity(1, &l10, &l16, &bsz, &exp);
	ck_assert_uint_eq(l10, DISK_BLOCKS - 1);
	ck_assert_uint_eq(l16, DISK_BLOCKS - 1);
	ck_assert_uint_eq(bsz, 512);
	ck_assert_uint_eq(exp, 3);		/* 8 x 512 per 4 KiB */
	ck_assert_int_eq(th_lu_add(2, "rdwr", path4k, 4096), 0);
	ck_assert_int_eq(th_lu_add(3, "null", "3T", 512), 0);
	th_ua_clear(nx, 2);
	th_ua_clear(nx, 3);
	read_capacity(2, &l10, &l16, &bsz, &exp);
	ck_assert_uint_eq(l10, 99);
	ck_assert_uint_eq(l16, 99);
	ck_assert_uint_eq(bsz, 4096);
	ck_assert_uint_eq(exp, 0);
	/* > 2 TiB: READ CAPACITY(10) says "use the 16-byte one" */
	read_capacity(3, &l10, &l16, &bsz, &exp);
	ck_assert_uint_eq(l10, 0xffffffffu);
	ck_assert_uint_eq(l16, (3ull << 40) / 512 - 1);
	unlink(path4k);
	free(path4k);
}
END_TEST

START_TEST(test_read_capacity_fields)
{
	uint8_t cdb10[10] = { READ_CAPACITY_10 };
	uint8_t cdb16[16] = { SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16 };
	uint8_t buf[32];
	struct th_result r;

	/* allocation length 8: the first 8 bytes only */
	put_be32(cdb16 + 10, 8);
	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(th_cmd(nx, 1, cdb16, 16, TGT_DATA_READ, buf, 32,
				&r), SAM_STAT_GOOD);
	ck_assert_uint_eq(r.xfer_len, 8);
	ck_assert_uint_eq(get_be64(buf), DISK_BLOCKS - 1);
	ck_assert_uint_eq(buf[8], 0xee);
	/* PMI = 0 with an LBA is invalid (SBC-3) */
	put_be32(cdb10 + 2, 5);
	expect_sense(1, cdb10, 10, TGT_DATA_READ, buf, 8, SK_ILLEGAL_REQUEST,
		     ASC_INVALID_FIELD_IN_CDB, &r);
	expect_field(&r, 2, -1);
	cdb10[8] = 0x01;			/* PMI */
	ck_assert_int_eq(th_cmd(nx, 1, cdb10, 10, TGT_DATA_READ, buf, 8, &r),
			 SAM_STAT_GOOD);
}
END_TEST

/* ---------- VERIFY, WRITE AND VERIFY ---------- */

static void disk_write(uint64_t lba, const void *buf, uint32_t n)
{
	struct th_result r;

	ck_assert_int_eq(run_rw(1, WRITE_10, lba, n, (void *)buf, n * BS512,
				&r), SAM_STAT_GOOD);
}

static int verify(uint8_t op, uint8_t bytchk, uint64_t lba, uint32_t n,
		  void *buf, uint32_t len, struct th_result *r)
{
	uint8_t cdb[16];
	size_t cl = cdb_rw(cdb, op, lba, n);

	cdb[1] = (uint8_t)(bytchk << 1);
	return th_cmd(nx, 1, cdb, cl, len ? TGT_DATA_WRITE : TGT_DATA_NONE,
		      buf, len, r);
}

START_TEST(test_verify)
{
	uint32_t len = 8 * BS512;
	uint8_t *data = malloc(len);
	uint64_t info;
	struct th_result r;

	fill(data, len, 8);
	disk_write(200, data, 8);
	ck_assert_int_eq(verify(VERIFY_10, 0, 200, 8, NULL, 0, &r),
			 SAM_STAT_GOOD);
	ck_assert_int_eq(verify(VERIFY_10, 1, 200, 8, data, len, &r),
			 SAM_STAT_GOOD);
	ck_assert_int_eq(verify(VERIFY_12, 1, 200, 8, data, len, &r),
			 SAM_STAT_GOOD);
	ck_assert_int_eq(verify(VERIFY_16, 1, 200, 8, data, len, &r),
			 SAM_STAT_GOOD);
	data[3000] ^= 0x5a;
	ck_assert_int_eq(verify(VERIFY_16, 1, 200, 8, data, len, &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(&r), SK_MISCOMPARE);
	ck_assert_uint_eq(th_sense_asc(&r), ASC_MISCOMPARE_VERIFY);
	ck_assert(sense_info(&r, &info));
	ck_assert_uint_eq(info, 3000);
	/* the same in descriptor format */
	ck_assert_int_eq(th_lu_param(1, "sense_format", "descriptor"), 0);
	ck_assert_int_eq(verify(VERIFY_10, 1, 200, 8, data, len, &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert(sense_is_desc(&r));
	ck_assert_uint_eq(th_sense_key(&r), SK_MISCOMPARE);
	ck_assert(sense_info(&r, &info));
	ck_assert_uint_eq(info, 3000);
	/* BYTCHK 10b is reserved */
	ck_assert_int_eq(verify(VERIFY_10, 2, 200, 8, data, len, &r),
			 SAM_STAT_CHECK_CONDITION);
	expect_field(&r, 1, 2);
	/* range */
	ck_assert_int_eq(verify(VERIFY_16, 0, DISK_BLOCKS - 4, 5, NULL, 0,
				&r), SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_asc(&r), ASC_LBA_OUT_OF_RANGE);
	free(data);
}
END_TEST

/* BYTCHK 11b: one block of data-out against every block of the range. */
START_TEST(test_verify_pattern)
{
	uint8_t *blk = malloc(BS512), *data = malloc(6 * BS512);
	uint64_t info;
	struct th_result r;

	fill(blk, BS512, 33);
	for (int i = 0; i < 6; i++)
		memcpy(data + i * BS512, blk, BS512);
	disk_write(300, data, 6);
	ck_assert_int_eq(verify(VERIFY_16, 3, 300, 6, blk, BS512, &r),
			 SAM_STAT_GOOD);
	ck_assert_uint_eq(r.cdb_xfer_len, BS512);
	data[4 * BS512 + 17] ^= 1;
	disk_write(300, data, 6);
	ck_assert_int_eq(verify(VERIFY_10, 3, 300, 6, blk, BS512, &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(&r), SK_MISCOMPARE);
	ck_assert(sense_info(&r, &info));
	ck_assert_uint_eq(info, 4 * BS512 + 17);
	free(blk);
	free(data);
}
END_TEST

/* A whole null device of 1 GiB: many chunks completing inline. */
START_TEST(test_verify_null_chunks)
{
	struct th_result r;
	uint8_t cdb[16];

	ck_assert_int_eq(th_lu_add(3, "null", "1G", 512), 0);
	th_ua_clear(nx, 3);
	cdb_rw(cdb, VERIFY_16, 0, (1u << 30) / 512);
	ck_assert_int_eq(th_cmd(nx, 3, cdb, 16, TGT_DATA_NONE, NULL, 0, &r),
			 SAM_STAT_GOOD);
}
END_TEST

static ssize_t flip_preadv(int fd, const struct iovec *iov, int cnt,
			   off_t off)
{
	ssize_t ret = preadv(fd, iov, cnt, off);

	if (ret > 100)
		((uint8_t *)iov[0].iov_base)[100] ^= 0xff;
	return ret;
}

START_TEST(test_write_verify)
{
	uint32_t len = 4 * BS512;
	uint8_t *data = malloc(len);
	uint8_t cdb[16];
	uint64_t info;
	struct th_result r;

	fill(data, len, 12);
	bs_rdwr_sys.pwritev2 = rec_pwritev2;
	for (unsigned i = 0; i < 3; i++) {
		static const uint8_t ops[] = {
			WRITE_VERIFY_10, WRITE_VERIFY_12, WRITE_VERIFY_16,
		};
		size_t cl = cdb_rw(cdb, ops[i], 500 + 4 * i, 4);

		cdb[1] = (uint8_t)((i & 1) << 1);	/* BYTCHK 0, 1, 0 */
		last_rwf = -1;
		data[0] = (uint8_t)i;
		ck_assert_int_eq(th_cmd(nx, 1, cdb, cl, TGT_DATA_WRITE, data,
					len, &r), SAM_STAT_GOOD);
		ck_assert_int_eq(last_rwf, RWF_DSYNC);	/* on the medium */
		ck_assert_uint_eq(r.xfer_len, len);
		file_check(disk_path, (500 + 4 * i) * BS512, data, len);
	}
	/* the read-back differs: MISCOMPARE at the first differing byte */
	bs_rdwr_sys.preadv = flip_preadv;
	cdb_rw(cdb, WRITE_VERIFY_10, 600, 4);
	cdb[1] = 0x02;
	expect_sense(1, cdb, 10, TGT_DATA_WRITE, data, len, SK_MISCOMPARE,
		     ASC_MISCOMPARE_VERIFY, &r);
	ck_assert(sense_info(&r, &info));
	ck_assert_uint_eq(info, 100);
	/* BYTCHK 11b is not supported for WRITE AND VERIFY */
	cdb[1] = 0x06;
	expect_sense(1, cdb, 10, TGT_DATA_WRITE, data, len,
		     SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, &r);
	free(data);
}
END_TEST

/* ---------- SYNCHRONIZE CACHE, PRE-FETCH ---------- */

static int sync_flushes;

static int count_fdatasync(int fd)
{
	sync_flushes++;
	return fdatasync(fd);
}

START_TEST(test_sync_cache)
{
	uint8_t cdb[16];
	struct th_result r;

	bs_rdwr_sys.fdatasync = count_fdatasync;
	cdb_rw(cdb, SYNCHRONIZE_CACHE_10, 0, 0);	/* everything */
	ck_assert_int_eq(th_cmd(nx, 1, cdb, 10, TGT_DATA_NONE, NULL, 0, &r),
			 SAM_STAT_GOOD);
	ck_assert_int_eq(sync_flushes, 1);
	cdb_rw(cdb, SYNCHRONIZE_CACHE_16, DISK_BLOCKS - 8, 8);
	cdb[1] = 0x02;					/* IMMED */
	ck_assert_int_eq(th_cmd(nx, 1, cdb, 16, TGT_DATA_NONE, NULL, 0, &r),
			 SAM_STAT_GOOD);
	ck_assert_int_eq(sync_flushes, 2);
	cdb_rw(cdb, SYNCHRONIZE_CACHE_16, DISK_BLOCKS - 8, 9);
	expect_sense(1, cdb, 16, TGT_DATA_NONE, NULL, 0, SK_ILLEGAL_REQUEST,
		     ASC_LBA_OUT_OF_RANGE, &r);
	cdb_rw(cdb, SYNCHRONIZE_CACHE_10, DISK_BLOCKS, 0);
	expect_sense(1, cdb, 10, TGT_DATA_NONE, NULL, 0, SK_ILLEGAL_REQUEST,
		     ASC_LBA_OUT_OF_RANGE, &r);
	ck_assert_int_eq(sync_flushes, 2);
}
END_TEST

START_TEST(test_prefetch)
{
	uint8_t cdb[16];
	struct th_result r;

	cdb_rw(cdb, PRE_FETCH_10, 10, 10);
	ck_assert_int_eq(th_cmd(nx, 1, cdb, 10, TGT_DATA_NONE, NULL, 0, &r),
			 SAM_STAT_GOOD);
	cdb_rw(cdb, PRE_FETCH_16, DISK_BLOCKS - 1, 2);
	expect_sense(1, cdb, 16, TGT_DATA_NONE, NULL, 0, SK_ILLEGAL_REQUEST,
		     ASC_LBA_OUT_OF_RANGE, &r);
}
END_TEST

/* ---------- START STOP UNIT ---------- */

static int start_stop(uint8_t b4, struct th_result *r)
{
	uint8_t cdb[6] = { START_STOP_UNIT, 0, 0, 0, b4, 0 };

	return th_cmd(nx, 1, cdb, 6, TGT_DATA_NONE, NULL, 0, r);
}

START_TEST(test_start_stop)
{
	uint8_t buf[BS512];
	struct th_result r;

	bs_rdwr_sys.fdatasync = count_fdatasync;
	ck_assert_int_eq(start_stop(0x00, &r), SAM_STAT_GOOD);	/* stop */
	ck_assert_int_eq(sync_flushes, 1);		/* cache flushed */
	ck_assert_int_eq(run_rw(1, READ_10, 0, 1, buf, BS512, &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(&r), SK_NOT_READY);
	ck_assert_uint_eq(th_sense_asc(&r), ASC_LUN_NOT_READY_START);
	ck_assert_int_eq(start_stop(0x01, &r), SAM_STAT_GOOD);	/* start */
	ck_assert_int_eq(run_rw(1, READ_10, 0, 1, buf, BS512, &r),
			 SAM_STAT_GOOD);
	/* NO_FLUSH stops without flushing */
	ck_assert_int_eq(start_stop(0x04, &r), SAM_STAT_GOOD);
	ck_assert_int_eq(sync_flushes, 1);
	ck_assert_int_eq(start_stop(0x01, &r), SAM_STAT_GOOD);
	/* LOEJ on a non-removable unit */
	ck_assert_int_eq(start_stop(0x02, &r), SAM_STAT_CHECK_CONDITION);
	expect_field(&r, 4, 1);
	/* POWER CONDITION: IDLE accepted, 5h (obsolete) and 4h invalid */
	ck_assert_int_eq(start_stop(0x20, &r), SAM_STAT_GOOD);
	ck_assert_int_eq(start_stop(0x50, &r), SAM_STAT_CHECK_CONDITION);
	expect_field(&r, 4, 7);
	ck_assert_int_eq(start_stop(0x40, &r), SAM_STAT_CHECK_CONDITION);
	ck_assert_int_eq(run_rw(1, READ_10, 0, 1, buf, BS512, &r),
			 SAM_STAT_GOOD);
}
END_TEST

static int prevent(uint8_t on)
{
	uint8_t cdb[6] = { PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, on, 0 };

	return th_cmd(nx, 1, cdb, 6, TGT_DATA_NONE, NULL, 0, NULL);
}

/* A removable unit ejects (a stop) unless removal is prevented. */
START_TEST(test_eject)
{
	uint8_t buf[BS512];
	struct th_result r;

	ck_assert_int_eq(th_lu_param(1, "removable", "on"), 0);
	th_ua_clear(nx, 1);
	ck_assert_int_eq(prevent(1), SAM_STAT_GOOD);
	ck_assert_int_eq(start_stop(0x02, &r), SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(&r), SK_ILLEGAL_REQUEST);
	ck_assert_uint_eq(th_sense_asc(&r), 0x5302);
	ck_assert_int_eq(prevent(0), SAM_STAT_GOOD);
	ck_assert_int_eq(start_stop(0x02, &r), SAM_STAT_GOOD);
	ck_assert_int_eq(run_rw(1, READ_10, 0, 1, buf, BS512, &r),
			 SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(&r), SK_NOT_READY);
	ck_assert_int_eq(start_stop(0x03, &r), SAM_STAT_GOOD);	/* load */
	ck_assert_int_eq(run_rw(1, READ_10, 0, 1, buf, BS512, &r),
			 SAM_STAT_GOOD);
}
END_TEST

static Suite *sbc_suite(void)
{
	Suite *s = suite_create("scsi_sbc");
	TCase *rw = tcase_create("rw");
	TCase *misc = tcase_create("misc");

	tcase_add_checked_fixture(rw, setup, teardown);
	tcase_add_loop_test(rw, test_rw_sizes, 0, 4);
	tcase_add_test(rw, test_rw_4096);
	tcase_add_test(rw, test_lba_range);
	tcase_add_test(rw, test_xfer_overflow);
	tcase_add_test(rw, test_rw6_256);
	tcase_add_test(rw, test_rw_invalid_fields);
	tcase_add_test(rw, test_fua);
	tcase_add_test(rw, test_injected_errors);
	suite_add_tcase(s, rw);
	tcase_add_checked_fixture(misc, setup, teardown);
	tcase_add_test(misc, test_read_capacity);
	tcase_add_test(misc, test_read_capacity_fields);
	tcase_add_test(misc, test_verify);
	tcase_add_test(misc, test_verify_pattern);
	tcase_add_test(misc, test_read_partial_block);
	tcase_add_test(misc, test_verify_null_chunks);
	tcase_add_test(misc, test_write_verify);
	tcase_add_test(misc, test_sync_cache);
	tcase_add_test(misc, test_prefetch);
	tcase_add_test(misc, test_start_stop);
	tcase_add_test(misc, test_eject);
	suite_add_tcase(s, misc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sbc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
