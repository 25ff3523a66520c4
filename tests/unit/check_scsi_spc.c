/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SPC emulation through the real core (tests/unit/harness.h): INQUIRY and
 * VPD pages, mode pages, REPORT LUNS, REPORT SUPPORTED OPERATION CODES /
 * TASK MANAGEMENT FUNCTIONS, REQUEST SENSE, SCSI-2 reservations, CDB
 * checks, commands to a LUN without a logical unit, and the device
 * object (creation errors, parameters, show/dump).
 *
 * LUN 0 is the target's controller, LUN 1 a 64 MiB null disk with
 * 512-byte blocks, LUN 2 the same with 4096-byte blocks.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "scsi/scsi_int.h"
#include "util/strbuf.h"
#include "util/util.h"

#define LUN_CTRL	0
#define LUN_DISK	1
#define LUN_4K		2
#define LUN_NONE	5
#define DISK_BLOCKS	(64ull << 20) / 512
#define BUF		4096

static struct th_nexus *nx;

static void setup(void)
{
	th_init();
	ck_assert_int_eq(th_lu_add(LUN_DISK, "null", "64M", 512), 0);
	ck_assert_int_eq(th_lu_add(LUN_4K, "null", "64M", 4096), 0);
	nx = th_nexus_new(1);
	th_ua_clear(nx, LUN_CTRL);
	th_ua_clear(nx, LUN_DISK);
	th_ua_clear(nx, LUN_4K);
}

static void teardown(void)
{
	th_nexus_free(nx);
	th_fini();
}

/* --- helpers --- */

static int run_in(uint64_t lun, const uint8_t *cdb, size_t cdb_len,
		  uint8_t *buf, uint32_t len, struct th_result *r)
{
	memset(buf, 0xee, len);
	return th_cmd(nx, lun, cdb, cdb_len, TGT_DATA_READ, buf, len, r);
}

static int run_none(struct th_nexus *n, uint64_t lun, const uint8_t *cdb,
		    size_t cdb_len, struct th_result *r)
{
	return th_cmd(n, lun, cdb, cdb_len, TGT_DATA_NONE, NULL, 0, r);
}

static void assert_sense(const struct th_result *r, uint8_t key,
			 uint16_t asc)
{
	ck_assert_uint_eq(r->status, SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(th_sense_key(r), key);
	ck_assert_uint_eq(th_sense_asc(r), asc);
}

/* Fixed format sense with a sense-key specific field pointer. */
static void assert_field(const struct th_result *r, bool in_cdb,
			 uint16_t byte, int bit)
{
	uint8_t sks0 = 0x80 | (in_cdb ? 0x40 : 0) |
		       (bit >= 0 ? 0x08 | bit : 0);

	assert_sense(r, SK_ILLEGAL_REQUEST, in_cdb ? ASC_INVALID_FIELD_IN_CDB
						   : ASC_INVALID_FIELD_IN_PARAM);
	ck_assert_uint_eq(r->sense[0], 0x70);
	ck_assert_uint_eq(r->sense[15], sks0);
	ck_assert_uint_eq(get_be16(r->sense + 16), byte);
}

static int inquiry(uint64_t lun, bool evpd, uint8_t page, uint16_t alloc,
		   uint8_t *buf, struct th_result *r)
{
	uint8_t cdb[6] = { INQUIRY, evpd ? 1 : 0, page };

	put_be16(cdb + 3, alloc);
	return run_in(lun, cdb, sizeof(cdb), buf, alloc, r);
}

static void vpd_get(uint64_t lun, uint8_t page, uint8_t *buf,
		    struct th_result *r)
{
	ck_assert_int_eq(inquiry(lun, true, page, 1024, buf, r), 0);
	ck_assert_uint_eq(buf[1], page);
	ck_assert_uint_eq(r->xfer_len, 4u + get_be16(buf + 2));
}

static int mode_sense(uint64_t lun, bool ten, uint8_t b1, uint8_t pc,
		      uint8_t page, uint8_t sub, uint16_t alloc,
		      uint8_t *buf, struct th_result *r)
{
	uint8_t cdb[10] = { ten ? MODE_SENSE_10 : MODE_SENSE_6, b1,
			    (uint8_t)(pc << 6 | page), sub };

	if (ten)
		put_be16(cdb + 7, alloc);
	else
		cdb[4] = (uint8_t)alloc;
	return run_in(lun, cdb, ten ? 10 : 6, buf, alloc, r);
}

/* The first page of a MODE SENSE(6) reply without block descriptors. */
static const uint8_t *mode_page6(uint64_t lun, uint8_t pc, uint8_t page,
				 uint8_t *buf)
{
	struct th_result r;

	ck_assert_int_eq(mode_sense(lun, false, 0x08, pc, page, 0, 255, buf,
				    &r), 0);
	ck_assert_uint_eq(buf[3], 0);
	return buf + 4;
}

static int mode_select(struct th_nexus *n, uint64_t lun, bool ten,
		       uint8_t b1, uint8_t *list, uint16_t len,
		       struct th_result *r)
{
	uint8_t cdb[10] = { ten ? MODE_SELECT_10 : MODE_SELECT_6, b1 };

	if (ten)
		put_be16(cdb + 7, len);
	else
		cdb[4] = (uint8_t)len;
	return th_cmd(n, lun, cdb, ten ? 10 : 6, TGT_DATA_WRITE, list, len, r);
}

/* MODE SELECT(6) list: header, no block descriptor, one page copied
 * holding the current values. */
static uint16_t mode_list6(uint64_t lun, uint8_t page, uint8_t *list)
{
	uint8_t buf[256];
	const uint8_t *p = mode_page6(lun, SCSI_MODE_CURRENT, page, buf);
	uint16_t plen = (uint16_t)(p[1] + 2);

	memset(list, 0, 4);
	memcpy(list + 4, p, plen);
	list[4] &= 0x3f;	/* PS is reserved in MODE SELECT */
	return (uint16_t)(4 + plen);
}

static const struct scsi_op *op_find(uint8_t opcode, uint16_t sa)
{
	for (unsigned i = 0; i < scsi_ops_count; i++)
		if (scsi_ops[i].opcode == opcode && scsi_ops[i].sa == sa)
			return &scsi_ops[i];
	return NULL;
}

/* --- standard INQUIRY --- */

START_TEST(test_inquiry_std_disk)
{
	uint8_t buf[BUF];
	struct th_result r;

	ck_assert_int_eq(inquiry(LUN_DISK, false, 0, 200, buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 96);
	ck_assert_uint_eq(r.cdb_xfer_len, 200);
	ck_assert_uint_eq(buf[0], TYPE_DISK);
	ck_assert_uint_eq(buf[1], 0);
	ck_assert_uint_eq(buf[2], 0x06);
	ck_assert_uint_eq(buf[3], 0x12);
	ck_assert_uint_eq(buf[4], 96 - 5);
	ck_assert_uint_eq(buf[7], 0x02);
	ck_assert(memcmp(buf + 8, "TGT     ", 8) == 0);
	ck_assert(memcmp(buf + 16, "VIRTUAL-DISK    ", 16) == 0);
	ck_assert(memcmp(buf + 32, "0001", 4) == 0);
	ck_assert_uint_eq(get_be16(buf + 58), 0x00a0);
	ck_assert_uint_eq(get_be16(buf + 60), 0x0460);
	ck_assert_uint_eq(get_be16(buf + 62), 0x04c0);
	ck_assert_uint_eq(get_be16(buf + 64), 0);
	ck_assert_uint_eq(buf[96], 0xee);
}
END_TEST

START_TEST(test_inquiry_std_controller)
{
	uint8_t buf[BUF];
	struct th_result r;

	ck_assert_int_eq(inquiry(LUN_CTRL, false, 0, 96, buf, &r), 0);
	ck_assert_uint_eq(buf[0], TYPE_RAID);
	ck_assert(memcmp(buf + 16, "CONTROLLER      ", 16) == 0);
	ck_assert_uint_eq(get_be16(buf + 62), 0);
}
END_TEST

START_TEST(test_inquiry_params)
{
	uint8_t buf[BUF];
	struct th_result r;

	ck_assert_int_eq(th_lu_param(LUN_DISK, "vendor_id", "ACME"), 0);
	ck_assert_int_eq(th_lu_param(LUN_DISK, "product_id", "ROCKET"), 0);
	ck_assert_int_eq(th_lu_param(LUN_DISK, "product_rev", "2.1"), 0);
	ck_assert_int_eq(th_lu_param(LUN_DISK, "removable", "yes"), 0);
	ck_assert_int_eq(inquiry(LUN_DISK, false, 0, 96, buf, &r), 0);
	ck_assert_uint_eq(buf[1], 0x80);
	ck_assert(memcmp(buf + 8, "ACME    ROCKET          2.1 ", 28) == 0);
}
END_TEST

START_TEST(test_inquiry_alloc)
{
	uint8_t buf[BUF];
	struct th_result r;

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(inquiry(LUN_DISK, false, 0, 5, buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 5);
	ck_assert_uint_eq(buf[4], 91);
	ck_assert_uint_eq(buf[5], 0xee);
	ck_assert_int_eq(inquiry(LUN_DISK, false, 0, 0, buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 0);
	ck_assert_uint_eq(r.cdb_xfer_len, 0);
	/* allocation length above the buffer: cut at data_len */
	{
		uint8_t cdb[6] = { INQUIRY, 0, 0, 0, 96 };

		ck_assert_int_eq(run_in(LUN_DISK, cdb, 6, buf, 36, &r), 0);
		ck_assert_uint_eq(r.xfer_len, 36);
		ck_assert_uint_eq(r.cdb_xfer_len, 96);
	}
}
END_TEST

START_TEST(test_inquiry_bad)
{
	uint8_t buf[BUF];
	uint8_t cmddt[6] = { INQUIRY, 0x02, 0, 0, 96 };
	struct th_result r;

	inquiry(LUN_DISK, false, 0x80, 96, buf, &r);
	assert_field(&r, true, 2, -1);
	inquiry(LUN_DISK, true, 0x99, 96, buf, &r);
	assert_field(&r, true, 2, -1);
	inquiry(LUN_CTRL, true, 0xb0, 96, buf, &r);
	assert_field(&r, true, 2, -1);
	run_in(LUN_DISK, cmddt, 6, buf, 96, &r);
	assert_field(&r, true, 1, 1);
	ck_assert_uint_eq(r.xfer_len, 0);
}
END_TEST

/* --- VPD --- */

START_TEST(test_vpd_supported)
{
	static const uint8_t disk[] = { 0x00, 0x80, 0x83, 0x86, 0xb0, 0xb1,
					0xb2 };
	static const uint8_t ctrl[] = { 0x00, 0x80, 0x83, 0x86 };
	uint8_t buf[BUF];
	struct th_result r;

	vpd_get(LUN_DISK, 0x00, buf, &r);
	ck_assert_uint_eq(buf[0], TYPE_DISK);
	ck_assert_uint_eq(get_be16(buf + 2), sizeof(disk));
	ck_assert(memcmp(buf + 4, disk, sizeof(disk)) == 0);
	vpd_get(LUN_CTRL, 0x00, buf, &r);
	ck_assert_uint_eq(buf[0], TYPE_RAID);
	ck_assert_uint_eq(get_be16(buf + 2), sizeof(ctrl));
	ck_assert(memcmp(buf + 4, ctrl, sizeof(ctrl)) == 0);
}
END_TEST

START_TEST(test_vpd_serial)
{
	uint8_t buf[BUF];
	struct th_result r;

	vpd_get(LUN_DISK, 0x80, buf, &r);
	ck_assert_uint_eq(get_be16(buf + 2), 7);
	ck_assert(memcmp(buf + 4, "tgt-1-1", 7) == 0);
	ck_assert_int_eq(th_lu_param(LUN_DISK, "serial", "SN0042"), 0);
	vpd_get(LUN_DISK, 0x80, buf, &r);
	ck_assert_uint_eq(get_be16(buf + 2), 6);
	ck_assert(memcmp(buf + 4, "SN0042", 6) == 0);
}
END_TEST

/* Walks the designators: NAA, T10, target name, port name, rel port. */
START_TEST(test_vpd_devid)
{
	static const char tname[] = "iqn.2026-11.test:t1";
	static const char pname[] = "iqn.2026-11.test:t1,t,0x0001";
	uint8_t buf[BUF];
	struct th_result r;
	const uint8_t *d;
	size_t len, off = 4;

	vpd_get(LUN_DISK, 0x83, buf, &r);
	len = 4 + get_be16(buf + 2);
	d = buf + off;
	ck_assert_uint_eq(d[0], 0x01);			/* binary */
	ck_assert_uint_eq(d[1], 0x03);			/* LU, NAA */
	ck_assert_uint_eq(d[3], 16);
	ck_assert_uint_eq(d[4] >> 4, 6);
	off += 4 + d[3];
	d = buf + off;
	ck_assert_uint_eq(d[0], 0x02);			/* ASCII */
	ck_assert_uint_eq(d[1], 0x01);			/* LU, T10 */
	ck_assert_uint_eq(d[3], 8 + 16 + 7);
	ck_assert(memcmp(d + 4, "TGT     VIRTUAL-DISK    tgt-1-1", 31) == 0);
	off += 4 + d[3];
	d = buf + off;
	ck_assert_uint_eq(d[0], 0x53);			/* iSCSI, UTF-8 */
	ck_assert_uint_eq(d[1], 0xa8);			/* PIV, device, name */
	ck_assert_uint_eq(d[3], 20);
	ck_assert_str_eq((const char *)d + 4, tname);
	off += 4 + d[3];
	d = buf + off;
	ck_assert_uint_eq(d[0], 0x53);
	ck_assert_uint_eq(d[1], 0x98);			/* PIV, port, name */
	ck_assert_uint_eq(d[3] % 4, 0);
	ck_assert_uint_ge(d[3], sizeof(pname));
	ck_assert_str_eq((const char *)d + 4, pname);
	off += 4 + d[3];
	d = buf + off;
	ck_assert_uint_eq(d[0], 0x51);			/* iSCSI, binary */
	ck_assert_uint_eq(d[1], 0x94);			/* PIV, port, rel */
	ck_assert_uint_eq(d[3], 4);
	ck_assert_uint_eq(get_be16(d + 6), 1);
	off += 4 + d[3];
	ck_assert_uint_eq(off, len);
}
END_TEST

/* NAA ids differ per LU, follow naa_id, and reject malformed values. */
START_TEST(test_vpd_devid_naa)
{
	uint8_t a[BUF], b[BUF];
	struct th_result r;

	vpd_get(LUN_DISK, 0x83, a, &r);
	vpd_get(LUN_4K, 0x83, b, &r);
	ck_assert(memcmp(a + 8, b + 8, 16) != 0);
	ck_assert_int_eq(th_lu_param(LUN_DISK, "naa_id",
				     "0x5000000000001234"), 0);
	vpd_get(LUN_DISK, 0x83, a, &r);
	ck_assert_uint_eq(a[7], 8);
	ck_assert_uint_eq(a[8], 0x50);
	ck_assert_uint_eq(a[15], 0x34);
	ck_assert_int_eq(th_lu_param(LUN_DISK, "naa_id", "1234"), -EINVAL);
	ck_assert_int_eq(th_lu_param(LUN_DISK, "naa_id",
				     "5000000000001234000000000000000z"),
			 -EINVAL);
	ck_assert_int_eq(th_lu_param(LUN_DISK, "naa_id",
				     "50000000000012340000000000000000"),
			 -EINVAL);
}
END_TEST

START_TEST(test_vpd_ext_inquiry)
{
	uint8_t buf[BUF];
	struct th_result r;

	vpd_get(LUN_DISK, 0x86, buf, &r);
	ck_assert_uint_eq(get_be16(buf + 2), 0x3c);
	ck_assert_uint_eq(buf[4], 0);
	ck_assert_uint_eq(buf[5], 0x07);
	ck_assert_uint_eq(buf[6], 0);
	ck_assert_uint_eq(buf[7], 0);
}
END_TEST

START_TEST(test_vpd_block_limits)
{
	uint8_t buf[BUF];
	struct th_result r;

	vpd_get(LUN_DISK, 0xb0, buf, &r);
	ck_assert_uint_eq(get_be16(buf + 2), 0x3c);
	ck_assert_uint_eq(buf[5], 0);				/* no CAW */
	ck_assert_uint_eq(get_be16(buf + 6), 8);
	ck_assert_uint_eq(get_be32(buf + 8), SCSI_MAX_XFER_BYTES / 512);
	ck_assert_uint_eq(get_be32(buf + 20), 0);		/* UNMAP */
	ck_assert_uint_eq(get_be32(buf + 24), 0);
	ck_assert_uint_eq(get_be64(buf + 36), 0);		/* WS */
	vpd_get(LUN_4K, 0xb0, buf, &r);
	ck_assert_uint_eq(get_be16(buf + 6), 1);
	ck_assert_uint_eq(get_be32(buf + 8), SCSI_MAX_XFER_BYTES / 4096);
}
END_TEST

START_TEST(test_vpd_block_chars)
{
	uint8_t buf[BUF];
	struct th_result r;

	vpd_get(LUN_DISK, 0xb1, buf, &r);
	ck_assert_uint_eq(get_be16(buf + 2), 0x3c);
	ck_assert_uint_eq(get_be16(buf + 4), 1);
	ck_assert_uint_eq(buf[7] & 0x0f, 0);
}
END_TEST

START_TEST(test_vpd_lbp)
{
	uint8_t buf[BUF];
	struct th_result r;

	vpd_get(LUN_DISK, 0xb2, buf, &r);
	ck_assert_uint_eq(get_be16(buf + 2), 4);
	ck_assert_uint_eq(buf[5], 0);
	ck_assert_uint_eq(buf[6] & 0x07, 0);
}
END_TEST

START_TEST(test_vpd_alloc)
{
	uint8_t buf[BUF];
	struct th_result r;

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(inquiry(LUN_DISK, true, 0x83, 6, buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 6);
	ck_assert_uint_eq(buf[1], 0x83);
	ck_assert_uint_eq(buf[6], 0xee);
}
END_TEST

/* --- MODE SENSE --- */

START_TEST(test_mode_caching_pcs)
{
	uint8_t buf[256];
	const uint8_t *p;

	for (uint8_t pc = 0; pc < 4; pc++) {
		p = mode_page6(LUN_DISK, pc, 0x08, buf);
		ck_assert_uint_eq(p[0], 0x88);		/* PS, page 08h */
		ck_assert_uint_eq(p[1], 0x12);
		ck_assert_uint_eq(p[2], 0x04);		/* WCE, RCD=0 */
		ck_assert_uint_eq(buf[0], 3 + 20);
	}
}
END_TEST

START_TEST(test_mode_control_pcs)
{
	static const uint8_t cur[12] = { 0x8a, 0x0a, 0x02, 0x10 };
	static const uint8_t chg[12] = { 0x8a, 0x0a, 0x04, 0x00, 0x08 };
	uint8_t buf[256];

	ck_assert(memcmp(mode_page6(LUN_DISK, 0, 0x0a, buf), cur, 12) == 0);
	ck_assert(memcmp(mode_page6(LUN_DISK, 1, 0x0a, buf), chg, 12) == 0);
	ck_assert(memcmp(mode_page6(LUN_DISK, 2, 0x0a, buf), cur, 12) == 0);
	ck_assert(memcmp(mode_page6(LUN_DISK, 3, 0x0a, buf), cur, 12) == 0);
	ck_assert(memcmp(mode_page6(LUN_CTRL, 0, 0x0a, buf), cur, 12) == 0);
}
END_TEST

START_TEST(test_mode_iec_pcs)
{
	static const uint8_t cur[12] = { 0x9c, 0x0a, 0x08, 0x00 };
	static const uint8_t chg[12] = { 0x9c, 0x0a, 0x00, 0x0f };
	uint8_t buf[256];

	ck_assert(memcmp(mode_page6(LUN_DISK, 0, 0x1c, buf), cur, 12) == 0);
	ck_assert(memcmp(mode_page6(LUN_DISK, 1, 0x1c, buf), chg, 12) == 0);
	ck_assert(memcmp(mode_page6(LUN_DISK, 2, 0x1c, buf), cur, 12) == 0);
	ck_assert(memcmp(mode_page6(LUN_DISK, 3, 0x1c, buf), cur, 12) == 0);
}
END_TEST

/* All pages with the short block descriptor, MODE SENSE(6). */
START_TEST(test_mode_sense6_all)
{
	uint8_t buf[256];
	struct th_result r;

	ck_assert_int_eq(mode_sense(LUN_DISK, false, 0, 0, 0x3f, 0, 255, buf,
				    &r), 0);
	ck_assert_uint_eq(r.xfer_len, 4 + 8 + 20 + 12 + 12);
	ck_assert_uint_eq(buf[0], r.xfer_len - 1);
	ck_assert_uint_eq(buf[1], 0);
	ck_assert_uint_eq(buf[2], 0x10);		/* DPOFUA */
	ck_assert_uint_eq(buf[3], 8);
	ck_assert_uint_eq(get_be32(buf + 4), DISK_BLOCKS);
	ck_assert_uint_eq(get_be24(buf + 9), 512);
	ck_assert_uint_eq(buf[12], 0x88);
	ck_assert_uint_eq(buf[32], 0x8a);
	ck_assert_uint_eq(buf[44], 0x9c);
	/* subpage FFh: every subpage of every page, same here */
	ck_assert_int_eq(mode_sense(LUN_DISK, false, 0, 0, 0x3f, 0xff, 255,
				    buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 4 + 8 + 20 + 12 + 12);
	/* controller: no caching page, no block descriptor, DSP 0 */
	ck_assert_int_eq(mode_sense(LUN_CTRL, false, 0, 0, 0x3f, 0, 255, buf,
				    &r), 0);
	ck_assert_uint_eq(r.xfer_len, 4 + 12 + 12);
	ck_assert_uint_eq(buf[2], 0);
	ck_assert_uint_eq(buf[3], 0);
}
END_TEST

START_TEST(test_mode_sense10_llbaa)
{
	uint8_t buf[256];
	struct th_result r;

	ck_assert_int_eq(mode_sense(LUN_4K, true, 0x10, 0, 0x08, 0, 255, buf,
				    &r), 0);
	ck_assert_uint_eq(r.xfer_len, 8 + 16 + 20);
	ck_assert_uint_eq(get_be16(buf), r.xfer_len - 2);
	ck_assert_uint_eq(buf[3], 0x10);
	ck_assert_uint_eq(buf[4], 0x01);		/* LONGLBA */
	ck_assert_uint_eq(get_be16(buf + 6), 16);
	ck_assert_uint_eq(get_be64(buf + 8), (64ull << 20) / 4096);
	ck_assert_uint_eq(get_be32(buf + 20), 4096);
	ck_assert_uint_eq(buf[24], 0x88);
	/* without LLBAA: short descriptor */
	ck_assert_int_eq(mode_sense(LUN_4K, true, 0, 0, 0x08, 0, 255, buf,
				    &r), 0);
	ck_assert_uint_eq(buf[4], 0);
	ck_assert_uint_eq(get_be16(buf + 6), 8);
	ck_assert_uint_eq(get_be24(buf + 13), 4096);
}
END_TEST

START_TEST(test_mode_sense_alloc)
{
	uint8_t buf[256];
	struct th_result r;

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(mode_sense(LUN_DISK, false, 0, 0, 0x3f, 0, 10, buf,
				    &r), 0);
	ck_assert_uint_eq(r.xfer_len, 10);
	ck_assert_uint_eq(buf[0], 4 + 8 + 44 - 1);
	ck_assert_uint_eq(buf[10], 0xee);
	ck_assert_int_eq(mode_sense(LUN_DISK, true, 0, 0, 0x3f, 0, 0, buf,
				    &r), 0);
	ck_assert_uint_eq(r.xfer_len, 0);
}
END_TEST

START_TEST(test_mode_sense_bad)
{
	uint8_t buf[256];
	struct th_result r;

	mode_sense(LUN_DISK, false, 0, 0, 0x05, 0, 255, buf, &r);
	assert_field(&r, true, 2, 5);
	mode_sense(LUN_DISK, false, 0, 0, 0x08, 0x01, 255, buf, &r);
	assert_field(&r, true, 3, -1);
	mode_sense(LUN_DISK, true, 0, 0, 0x3f, 0x05, 255, buf, &r);
	assert_field(&r, true, 2, 5);
	mode_sense(LUN_CTRL, false, 0, 0, 0x08, 0, 255, buf, &r);
	assert_field(&r, true, 2, 5);
}
END_TEST

/* WP reflects readonly and SWP. */
START_TEST(test_mode_sense_wp)
{
	uint8_t buf[256];
	struct th_result r;

	ck_assert_int_eq(th_lu_param(LUN_DISK, "readonly", "1"), 0);
	ck_assert_int_eq(mode_sense(LUN_DISK, false, 0x08, 0, 0x3f, 0, 255,
				    buf, &r), 0);
	ck_assert_uint_eq(buf[2], 0x90);
}
END_TEST

/* --- MODE SELECT --- */

START_TEST(test_mode_select_wce)
{
	uint8_t list[64], buf[256];
	struct th_nexus *n2 = th_nexus_new(2);
	struct th_result r;
	uint8_t tur[6] = { 0 };
	uint16_t len;

	th_ua_clear(n2, LUN_DISK);
	len = mode_list6(LUN_DISK, 0x08, list);
	list[4 + 2] &= (uint8_t)~0x04;
	ck_assert_int_eq(mode_select(nx, LUN_DISK, false, 0x10, list, len,
				     &r), 0);
	ck_assert_uint_eq(r.xfer_len, len);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 0, 0x08, buf)[2], 0);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 1, 0x08, buf)[2], 0x04);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 2, 0x08, buf)[2], 0x04);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 3, 0x08, buf)[2], 0x04);
	/* the other nexus hears about it, this one does not */
	run_none(n2, LUN_DISK, tur, 6, &r);
	assert_sense(&r, SK_UNIT_ATTENTION, ASC_MODE_PARAMS_CHANGED);
	ck_assert_int_eq(run_none(nx, LUN_DISK, tur, 6, &r), 0);
	/* same values again: no change, no UA */
	ck_assert_int_eq(mode_select(nx, LUN_DISK, false, 0x10, list, len,
				     &r), 0);
	ck_assert_int_eq(run_none(n2, LUN_DISK, tur, 6, &r), 0);
	th_nexus_free(n2);
}
END_TEST

/* SP=1 makes the current values the saved ones. */
START_TEST(test_mode_select_save)
{
	uint8_t list[64], buf[256];
	struct th_result r;
	uint16_t len;

	len = mode_list6(LUN_DISK, 0x1c, list);
	list[4 + 3] = 0x04;
	ck_assert_int_eq(mode_select(nx, LUN_DISK, false, 0x10, list, len,
				     &r), 0);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 0, 0x1c, buf)[3], 0x04);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 3, 0x1c, buf)[3], 0);
	list[4 + 3] = 0x06;
	ck_assert_int_eq(mode_select(nx, LUN_DISK, false, 0x11, list, len,
				     &r), 0);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 3, 0x1c, buf)[3], 0x06);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 2, 0x1c, buf)[3], 0);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 3, 0x08, buf)[2], 0x04);
}
END_TEST

/* MODE SELECT(10) with a block descriptor; D_SENSE switches the sense
 * format of later errors. */
START_TEST(test_mode_select10_dsense)
{
	uint8_t list[64], buf[256];
	uint8_t bad[6] = { 0xc0 };
	struct th_result r;
	const uint8_t *p = mode_page6(LUN_DISK, 0, 0x0a, buf);

	memset(list, 0, sizeof(list));
	put_be16(list + 6, 8);
	put_be32(list + 8, (uint32_t)DISK_BLOCKS);
	put_be24(list + 13, 512);
	memcpy(list + 16, p, 12);
	list[16] = 0x0a;
	list[16 + 2] |= 0x04;
	ck_assert_int_eq(mode_select(nx, LUN_DISK, true, 0x10, list, 28, &r),
			 0);
	ck_assert_int_eq(th_cmd(nx, LUN_DISK, bad, 6, TGT_DATA_NONE, NULL, 0,
				&r), SAM_STAT_CHECK_CONDITION);
	ck_assert_uint_eq(r.sense[0], 0x72);
	ck_assert_uint_eq(th_sense_asc(&r), ASC_INVALID_OPCODE);
	ck_assert_uint_eq(mode_page6(LUN_DISK, 0, 0x0a, buf)[2], 0x06);
}
END_TEST

/* SWP makes the medium write protected. */
START_TEST(test_mode_select_swp)
{
	uint8_t list[64], buf[256], data[512] = { 0 };
	uint8_t wr[10] = { WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct th_result r;
	uint16_t len = mode_list6(LUN_DISK, 0x0a, list);

	list[4 + 4] |= 0x08;
	ck_assert_int_eq(mode_select(nx, LUN_DISK, false, 0x10, list, len,
				     &r), 0);
	th_cmd(nx, LUN_DISK, wr, 10, TGT_DATA_WRITE, data, 512, &r);
	assert_sense(&r, SK_DATA_PROTECT, ASC_WRITE_PROTECTED);
	ck_assert_int_eq(mode_sense(LUN_DISK, false, 0x08, 0, 0x0a, 0, 255,
				    buf, &r), 0);
	ck_assert_uint_eq(buf[2] & 0x80, 0x80);
}
END_TEST

START_TEST(test_mode_select_bad)
{
	uint8_t list[64];
	struct th_result r;
	uint16_t len = mode_list6(LUN_DISK, 0x08, list);

	/* RCD is not changeable: byte 2 of the page, bit 0 */
	list[4 + 2] |= 0x01;
	mode_select(nx, LUN_DISK, false, 0x10, list, len, &r);
	assert_field(&r, false, 4 + 2, 0);
	list[4 + 2] &= (uint8_t)~0x01;
	/* PF=0 */
	mode_select(nx, LUN_DISK, false, 0x00, list, len, &r);
	assert_field(&r, true, 1, 4);
	/* wrong page length */
	list[5] = 0x10;
	mode_select(nx, LUN_DISK, false, 0x10, list, len, &r);
	assert_field(&r, false, 5, -1);
	list[5] = 0x12;
	/* list ends inside the page */
	mode_select(nx, LUN_DISK, false, 0x10, list, len - 4, &r);
	assert_sense(&r, SK_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH_ERROR);
	/* unknown page */
	list[4] = 0x05;
	mode_select(nx, LUN_DISK, false, 0x10, list, len, &r);
	assert_field(&r, false, 4, 5);
	/* nothing was applied */
	{
		uint8_t buf[256];

		ck_assert_uint_eq(mode_page6(LUN_DISK, 0, 0x08, buf)[2], 4);
	}
}
END_TEST

START_TEST(test_mode_select_bad_bd)
{
	uint8_t list[64];
	struct th_result r;

	memset(list, 0, sizeof(list));
	list[3] = 8;
	put_be24(list + 4 + 5, 4096);
	mode_select(nx, LUN_DISK, false, 0x10, list, 12, &r);
	assert_field(&r, false, 4 + 5, -1);
	put_be24(list + 4 + 5, 512);
	put_be32(list + 4, 12345);
	mode_select(nx, LUN_DISK, false, 0x10, list, 12, &r);
	assert_field(&r, false, 4, -1);
	put_be32(list + 4, 0);
	ck_assert_int_eq(mode_select(nx, LUN_DISK, false, 0x10, list, 12,
				     &r), 0);
	/* bad descriptor length, descriptor beyond the list */
	list[3] = 6;
	mode_select(nx, LUN_DISK, false, 0x10, list, 12, &r);
	assert_field(&r, false, 3, -1);
	list[3] = 8;
	mode_select(nx, LUN_DISK, false, 0x10, list, 10, &r);
	assert_sense(&r, SK_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH_ERROR);
	/* controller: no block descriptors */
	mode_select(nx, LUN_CTRL, false, 0x10, list, 12, &r);
	assert_field(&r, false, 3, -1);
}
END_TEST

START_TEST(test_mode_select_bad_mrie)
{
	uint8_t list[64];
	struct th_result r;
	uint16_t len = mode_list6(LUN_DISK, 0x1c, list);

	list[4 + 3] = 0x07;
	mode_select(nx, LUN_DISK, false, 0x10, list, len, &r);
	assert_field(&r, false, 4 + 3, 3);
	/* DEXCPT is not changeable */
	list[4 + 3] = 0;
	list[4 + 2] = 0;
	mode_select(nx, LUN_DISK, false, 0x10, list, len, &r);
	assert_field(&r, false, 4 + 2, 3);
}
END_TEST

START_TEST(test_mode_select_empty)
{
	struct th_result r;

	ck_assert_int_eq(mode_select(nx, LUN_DISK, false, 0x10, NULL, 0, &r),
			 0);
}
END_TEST

/* --- REPORT LUNS --- */

static int report_luns(uint64_t lun, uint8_t sel, uint32_t alloc,
		       uint8_t *buf, struct th_result *r)
{
	uint8_t cdb[12] = { REPORT_LUNS, 0, sel };

	put_be32(cdb + 6, alloc);
	return run_in(lun, cdb, sizeof(cdb), buf, alloc, r);
}

START_TEST(test_report_luns)
{
	static const uint8_t want[] = {
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 1, 0, 0, 0, 0, 0, 0,
		0, 2, 0, 0, 0, 0, 0, 0,
		0x41, 0x2c, 0, 0, 0, 0, 0, 0,
	};
	uint8_t buf[BUF];
	struct th_result r;

	ck_assert_int_eq(th_lu_add(300, "null", "1M", 512), 0);
	th_ua_clear(nx, LUN_DISK);
	ck_assert_int_eq(report_luns(LUN_CTRL, 0, 256, buf, &r), 0);
	ck_assert_uint_eq(get_be32(buf), sizeof(want));
	ck_assert_uint_eq(r.xfer_len, 8 + sizeof(want));
	ck_assert(memcmp(buf + 8, want, sizeof(want)) == 0);
	ck_assert_int_eq(report_luns(LUN_DISK, 2, 256, buf, &r), 0);
	ck_assert(memcmp(buf + 8, want, sizeof(want)) == 0);
	/* well-known LUs only: none */
	ck_assert_int_eq(report_luns(LUN_DISK, 1, 256, buf, &r), 0);
	ck_assert_uint_eq(get_be32(buf), 0);
	ck_assert_uint_eq(r.xfer_len, 8);
	/* truncated: the list length still counts every LUN */
	ck_assert_int_eq(report_luns(LUN_DISK, 0, 16, buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 16);
	ck_assert_uint_eq(get_be32(buf), sizeof(want));
}
END_TEST

START_TEST(test_report_luns_bad)
{
	uint8_t buf[BUF];
	struct th_result r;

	report_luns(LUN_DISK, 3, 256, buf, &r);
	assert_field(&r, true, 2, -1);
	report_luns(LUN_DISK, 0, 8, buf, &r);
	assert_field(&r, true, 6, -1);
}
END_TEST

/* --- REPORT SUPPORTED OPERATION CODES --- */

static int rsoc(uint64_t lun, uint8_t b2, uint8_t opcode, uint16_t sa,
		uint32_t alloc, uint8_t *buf, struct th_result *r)
{
	uint8_t cdb[12] = { MAINTENANCE_IN, MI_REPORT_SUPPORTED_OPCODES, b2,
			    opcode };

	put_be16(cdb + 4, sa);
	put_be32(cdb + 6, alloc);
	return run_in(lun, cdb, sizeof(cdb), buf, alloc, r);
}

static unsigned ops_for(bool media)
{
	unsigned n = 0;

	for (unsigned i = 0; i < scsi_ops_count; i++)
		if (media || !(scsi_ops[i].flags & SCSI_OPF_MEDIA))
			n++;
	return n;
}

START_TEST(test_rsoc_all)
{
	uint8_t buf[BUF];
	struct th_result r;
	bool seen_inq = false, seen_rc16 = false;

	ck_assert_int_eq(rsoc(LUN_DISK, 0, 0, 0, BUF, buf, &r), 0);
	ck_assert_uint_eq(get_be32(buf), 8 * ops_for(true));
	ck_assert_uint_eq(r.xfer_len, 4 + 8 * ops_for(true));
	for (unsigned i = 0; i < ops_for(true); i++) {
		const uint8_t *d = buf + 4 + 8 * i;

		if (d[0] == INQUIRY) {
			seen_inq = true;
			ck_assert_uint_eq(d[5], 0);
			ck_assert_uint_eq(get_be16(d + 6), 6);
		}
		if (d[0] == SERVICE_ACTION_IN_16) {
			seen_rc16 = true;
			ck_assert_uint_eq(get_be16(d + 2), 0x10);
			ck_assert_uint_eq(d[5], 0x01);
			ck_assert_uint_eq(get_be16(d + 6), 16);
		}
	}
	ck_assert(seen_inq && seen_rc16);
	/* with timeouts descriptors */
	ck_assert_int_eq(rsoc(LUN_DISK, 0x80, 0, 0, BUF, buf, &r), 0);
	ck_assert_uint_eq(get_be32(buf), 20 * ops_for(true));
	ck_assert_uint_eq(buf[4 + 5], 0x02);
	ck_assert_uint_eq(get_be16(buf + 4 + 8), 0x0a);
	/* the controller lists no block commands */
	ck_assert_int_eq(rsoc(LUN_CTRL, 0, 0, 0, BUF, buf, &r), 0);
	ck_assert_uint_eq(get_be32(buf), 8 * ops_for(false));
	for (unsigned i = 0; i < ops_for(false); i++)
		ck_assert_uint_ne(buf[4 + 8 * i], READ_10);
}
END_TEST

START_TEST(test_rsoc_one)
{
	static const uint8_t inq[] = { INQUIRY, 0x01, 0xff, 0xff, 0xff, 0x04 };
	uint8_t buf[BUF];
	struct th_result r;

	ck_assert_int_eq(rsoc(LUN_DISK, 1, INQUIRY, 0, 64, buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 4 + 6);
	ck_assert_uint_eq(buf[1], 0x03);
	ck_assert_uint_eq(get_be16(buf + 2), 6);
	ck_assert(memcmp(buf + 4, inq, sizeof(inq)) == 0);
	/* RCTD: CTDP and a timeouts descriptor after the usage data */
	ck_assert_int_eq(rsoc(LUN_DISK, 0x81, INQUIRY, 0, 64, buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 4 + 6 + 12);
	ck_assert_uint_eq(buf[1], 0x83);
	ck_assert_uint_eq(get_be16(buf + 10), 0x0a);
	/* opcode + service action */
	ck_assert_int_eq(rsoc(LUN_DISK, 2, SERVICE_ACTION_IN_16, 0x10, 64,
			      buf, &r), 0);
	ck_assert_uint_eq(buf[1], 0x03);
	ck_assert_uint_eq(get_be16(buf + 2), 16);
	ck_assert_uint_eq(buf[4], SERVICE_ACTION_IN_16);
	ck_assert_uint_eq(buf[5], 0x10);
	ck_assert(memcmp(buf + 4, op_find(SERVICE_ACTION_IN_16, 0x10)->usage,
			 16) == 0);
	ck_assert_int_eq(rsoc(LUN_DISK, 2, SERVICE_ACTION_IN_16, 0x12, 64,
			      buf, &r), 0);
	ck_assert_uint_eq(buf[1], 0x01);
	ck_assert_uint_eq(r.xfer_len, 4);
	/* either form */
	ck_assert_int_eq(rsoc(LUN_DISK, 3, INQUIRY, 0x1234, 64, buf, &r), 0);
	ck_assert_uint_eq(buf[1], 0x03);
	ck_assert_int_eq(rsoc(LUN_DISK, 3, MAINTENANCE_IN, 0x0d, 64, buf,
			      &r), 0);
	ck_assert_uint_eq(buf[1], 0x03);
	ck_assert_uint_eq(buf[5], 0x0d);
	/* unsupported opcode; block command on the controller */
	ck_assert_int_eq(rsoc(LUN_DISK, 1, 0xc5, 0, 64, buf, &r), 0);
	ck_assert_uint_eq(buf[1], 0x01);
	ck_assert_int_eq(rsoc(LUN_CTRL, 1, READ_10, 0, 64, buf, &r), 0);
	ck_assert_uint_eq(buf[1], 0x01);
}
END_TEST

START_TEST(test_rsoc_bad)
{
	uint8_t buf[BUF];
	struct th_result r;

	rsoc(LUN_DISK, 1, SERVICE_ACTION_IN_16, 0, 64, buf, &r);
	assert_field(&r, true, 2, 2);
	rsoc(LUN_DISK, 2, INQUIRY, 0, 64, buf, &r);
	assert_field(&r, true, 2, 2);
	rsoc(LUN_DISK, 5, 0, 0, 64, buf, &r);
	assert_field(&r, true, 2, 2);
}
END_TEST

/* Every row's usage map starts with its opcode (and service action);
 * the table is sorted for scsi_op_find. */
START_TEST(test_optable)
{
	for (unsigned i = 0; i < scsi_ops_count; i++) {
		const struct scsi_op *op = &scsi_ops[i];
		uint8_t cdb[TGT_CDB_MAX] = { op->opcode };

		ck_assert_uint_eq(op->usage[0], op->opcode);
		ck_assert_uint_eq(op->usage[op->cdb_len - 1], 0x04);
		if (op->sa != SCSI_SA_NONE) {
			ck_assert_uint_eq(op->usage[1] & 0x1f, op->sa);
			cdb[1] = (uint8_t)op->sa;
		}
		ck_assert_ptr_eq(scsi_op_find(cdb), op);
		if (i) {
			const struct scsi_op *prev = &scsi_ops[i - 1];

			ck_assert(prev->opcode < op->opcode ||
				  (prev->opcode == op->opcode &&
				   prev->sa < op->sa));
		}
	}
}
END_TEST

/* --- REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS --- */

START_TEST(test_rstmf)
{
	uint8_t cdb[12] = { MAINTENANCE_IN, MI_REPORT_SUPPORTED_TMFS };
	uint8_t buf[64];
	struct th_result r;

	put_be32(cdb + 6, 64);
	ck_assert_int_eq(run_in(LUN_DISK, cdb, 12, buf, 64, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 4);
	ck_assert_uint_eq(buf[0], 0xde);
	ck_assert_uint_eq(buf[1], 0x01);
	cdb[2] = 0x80;
	ck_assert_int_eq(run_in(LUN_DISK, cdb, 12, buf, 64, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 16);
	ck_assert_uint_eq(buf[0], 0xde);
	ck_assert_uint_eq(buf[3], 0x0c);
}
END_TEST

/* --- REQUEST SENSE --- */

static int request_sense(struct th_nexus *n, uint64_t lun, bool desc,
			 uint8_t *buf, struct th_result *r)
{
	uint8_t cdb[6] = { REQUEST_SENSE, desc ? 1 : 0, 0, 0, 252 };

	memset(buf, 0xee, 252);
	return th_cmd(n, lun, cdb, 6, TGT_DATA_READ, buf, 252, r);
}

START_TEST(test_request_sense_none)
{
	uint8_t buf[256];
	struct th_result r;

	ck_assert_int_eq(request_sense(nx, LUN_DISK, false, buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 18);
	ck_assert_uint_eq(buf[0], 0x70);
	ck_assert_uint_eq(buf[2], SK_NO_SENSE);
	ck_assert_uint_eq(buf[7], 10);
	ck_assert_uint_eq(buf[12], 0);
	ck_assert_int_eq(request_sense(nx, LUN_DISK, true, buf, &r), 0);
	ck_assert_uint_eq(r.xfer_len, 8);
	ck_assert_uint_eq(buf[0], 0x72);
	ck_assert_uint_eq(buf[1], SK_NO_SENSE);
}
END_TEST

/* A pending UA is returned as data (GOOD) and consumed. */
START_TEST(test_request_sense_ua)
{
	struct th_nexus *n2 = th_nexus_new(2);
	uint8_t buf[256], tur[6] = { 0 };
	struct th_result r;

	ck_assert_int_eq(request_sense(n2, LUN_DISK, true, buf, &r), 0);
	ck_assert_uint_eq(r.sense_len, 0);
	ck_assert_uint_eq(buf[0], 0x72);
	ck_assert_uint_eq(buf[1], SK_UNIT_ATTENTION);
	ck_assert_uint_eq(buf[2], 0x29);	/* power on / reset */
	ck_assert_int_eq(run_none(n2, LUN_DISK, tur, 6, &r), 0);
	th_nexus_free(n2);
}
END_TEST

START_TEST(test_request_sense_stopped)
{
	uint8_t stop[6] = { START_STOP_UNIT, 0, 0, 0, 0 };
	uint8_t start[6] = { START_STOP_UNIT, 0, 0, 0, 1 };
	uint8_t buf[256], tur[6] = { 0 };
	struct th_result r;

	ck_assert_int_eq(run_none(nx, LUN_DISK, stop, 6, &r), 0);
	run_none(nx, LUN_DISK, tur, 6, &r);
	assert_sense(&r, SK_NOT_READY, ASC_LUN_NOT_READY_START);
	ck_assert_int_eq(request_sense(nx, LUN_DISK, false, buf, &r), 0);
	ck_assert_uint_eq(buf[2], SK_NOT_READY);
	ck_assert_uint_eq(get_be16(buf + 12), ASC_LUN_NOT_READY_START);
	ck_assert_int_eq(run_none(nx, LUN_DISK, start, 6, &r), 0);
	ck_assert_int_eq(run_none(nx, LUN_DISK, tur, 6, &r), 0);
}
END_TEST

/* --- SCSI-2 reservations --- */

START_TEST(test_reserve_conflict)
{
	struct th_nexus *n2 = th_nexus_new(2);
	uint8_t res6[6] = { RESERVE_6 }, rel6[6] = { RELEASE_6 };
	uint8_t res10[10] = { RESERVE_10 }, rel10[10] = { RELEASE_10 };
	uint8_t tur[6] = { 0 }, buf[BUF];
	struct th_result r;

	th_ua_clear(n2, LUN_DISK);
	th_ua_clear(n2, LUN_4K);
	ck_assert_int_eq(run_none(nx, LUN_DISK, res6, 6, &r), 0);
	ck_assert_int_eq(run_none(nx, LUN_DISK, res10, 10, &r), 0);
	ck_assert_int_eq(run_none(n2, LUN_DISK, tur, 6, &r),
			 SAM_STAT_RESERVATION_CONFLICT);
	ck_assert_uint_eq(r.sense_len, 0);
	ck_assert_int_eq(run_none(n2, LUN_DISK, res10, 10, &r),
			 SAM_STAT_RESERVATION_CONFLICT);
	ck_assert_int_eq(th_cmd(n2, LUN_DISK, (uint8_t[6]){ INQUIRY, 0, 0, 0,
				96 }, 6, TGT_DATA_READ, buf, 96, &r), 0);
	/* a non-holder's RELEASE is GOOD and changes nothing */
	ck_assert_int_eq(run_none(n2, LUN_DISK, rel6, 6, &r), 0);
	ck_assert_int_eq(run_none(n2, LUN_DISK, tur, 6, &r),
			 SAM_STAT_RESERVATION_CONFLICT);
	ck_assert_int_eq(run_none(nx, LUN_DISK, tur, 6, &r), 0);
	/* other LUs are not reserved */
	ck_assert_int_eq(run_none(n2, LUN_4K, tur, 6, &r), 0);
	ck_assert_int_eq(run_none(nx, LUN_DISK, rel10, 10, &r), 0);
	ck_assert_int_eq(run_none(n2, LUN_DISK, tur, 6, &r), 0);
	th_nexus_free(n2);
}
END_TEST

START_TEST(test_reserve_nexus_gone)
{
	struct th_nexus *n2 = th_nexus_new(2);
	uint8_t res6[6] = { RESERVE_6 }, tur[6] = { 0 };
	struct th_result r;

	th_ua_clear(n2, LUN_DISK);
	ck_assert_int_eq(run_none(n2, LUN_DISK, res6, 6, &r), 0);
	ck_assert_int_eq(run_none(nx, LUN_DISK, tur, 6, &r),
			 SAM_STAT_RESERVATION_CONFLICT);
	th_nexus_free(n2);
	ck_assert_int_eq(run_none(nx, LUN_DISK, tur, 6, &r), 0);
}
END_TEST

/* A LUN reset releases the reservation. */
START_TEST(test_reserve_lun_reset)
{
	struct th_nexus *n2 = th_nexus_new(2);
	uint8_t res6[6] = { RESERVE_6 }, tur[6] = { 0 };
	struct th_result r;

	th_ua_clear(n2, LUN_DISK);
	ck_assert_int_eq(run_none(n2, LUN_DISK, res6, 6, &r), 0);
	ck_assert_int_eq(th_tmf(nx, TGT_TMF_LUN_RESET, LUN_DISK, 0),
			 TGT_TMF_COMPLETE);
	th_ua_clear(nx, LUN_DISK);
	ck_assert_int_eq(run_none(nx, LUN_DISK, tur, 6, &r), 0);
	th_nexus_free(n2);
}
END_TEST

START_TEST(test_reserve_bad)
{
	uint8_t res6[6] = { RESERVE_6, 0x01 };
	uint8_t res10[10] = { RESERVE_10, 0x10 };
	uint8_t rel10[10] = { RELEASE_10, 0x02 };
	struct th_result r;

	run_none(nx, LUN_DISK, res6, 6, &r);
	assert_field(&r, true, 1, 0);
	run_none(nx, LUN_DISK, res10, 10, &r);
	assert_field(&r, true, 1, 4);
	run_none(nx, LUN_DISK, rel10, 10, &r);
	assert_field(&r, true, 1, 1);
}
END_TEST

/* --- SEND DIAGNOSTIC, PREVENT ALLOW MEDIUM REMOVAL --- */

START_TEST(test_send_diagnostic)
{
	uint8_t cdb[6] = { SEND_DIAGNOSTIC, 0x04 };
	struct th_result r;

	ck_assert_int_eq(run_none(nx, LUN_DISK, cdb, 6, &r), 0);
	ck_assert_int_eq(run_none(nx, LUN_CTRL, cdb, 6, &r), 0);
	cdb[1] = 0x10;
	run_none(nx, LUN_DISK, cdb, 6, &r);
	assert_field(&r, true, 1, 2);
	cdb[1] = 0x24;
	run_none(nx, LUN_DISK, cdb, 6, &r);
	assert_field(&r, true, 1, 7);
}
END_TEST

START_TEST(test_prevent_allow)
{
	uint8_t cdb[6] = { PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 1 };
	struct th_result r;

	ck_assert_int_eq(run_none(nx, LUN_DISK, cdb, 6, &r), 0);
	cdb[4] = 0;
	ck_assert_int_eq(run_none(nx, LUN_DISK, cdb, 6, &r), 0);
	cdb[4] = 2;
	run_none(nx, LUN_DISK, cdb, 6, &r);
	assert_field(&r, true, 4, 1);
}
END_TEST

/* --- dispatch checks --- */

START_TEST(test_bad_opcode)
{
	uint8_t vendor[6] = { 0xc0 }, sai[16] = { SERVICE_ACTION_IN_16, 0x12 };
	uint8_t rd[10] = { READ_10, 0, 0, 0, 0, 0, 0, 0, 1 };
	uint8_t buf[512];
	struct th_result r;

	run_none(nx, LUN_DISK, vendor, 6, &r);
	assert_sense(&r, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
	run_in(LUN_DISK, sai, 16, buf, 32, &r);
	assert_sense(&r, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
	run_in(LUN_CTRL, rd, 10, buf, 512, &r);
	assert_sense(&r, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
	/* a CDB shorter than the opcode's */
	run_in(LUN_DISK, rd, 6, buf, 512, &r);
	assert_sense(&r, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
}
END_TEST

/* NACA and LINK in the CONTROL byte, for each command. */
START_TEST(test_control_byte)
{
	uint8_t buf[BUF];
	struct th_result r;

	for (unsigned i = 0; i < scsi_ops_count; i++) {
		const struct scsi_op *op = &scsi_ops[i];
		uint8_t cdb[TGT_CDB_MAX] = { op->opcode };

		if (op->sa != SCSI_SA_NONE)
			cdb[1] = (uint8_t)op->sa;
		cdb[op->cdb_len - 1] = 0x04;
		run_in(LUN_DISK, cdb, op->cdb_len, buf, 512, &r);
		assert_field(&r, true, op->cdb_len - 1, 2);
		cdb[op->cdb_len - 1] = 0x01;
		run_in(LUN_DISK, cdb, op->cdb_len, buf, 512, &r);
		assert_field(&r, true, op->cdb_len - 1, 0);
	}
}
END_TEST

START_TEST(test_readonly)
{
	uint8_t wr[10] = { WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1 }, data[512];
	struct th_result r;

	memset(data, 0, sizeof(data));
	ck_assert_int_eq(th_lu_param(LUN_DISK, "readonly", "yes"), 0);
	th_cmd(nx, LUN_DISK, wr, 10, TGT_DATA_WRITE, data, 512, &r);
	assert_sense(&r, SK_DATA_PROTECT, ASC_WRITE_PROTECTED);
	ck_assert_uint_eq(r.cdb_xfer_len, 512);
}
END_TEST

START_TEST(test_delay)
{
	uint8_t tur[6] = { 0 };
	struct th_result r;
	uint64_t t0;

	ck_assert_int_eq(th_lu_param(LUN_DISK, "delay_ms", "150"), 0);
	t0 = util_now_ns();
	ck_assert_int_eq(run_none(nx, LUN_DISK, tur, 6, &r), 0);
	ck_assert_uint_ge(util_now_ns() - t0, 150ull * 1000000);
}
END_TEST

/* --- a LUN without a logical unit --- */

START_TEST(test_nolun)
{
	uint8_t buf[BUF], tur[6] = { 0 };
	uint8_t rs[6] = { REQUEST_SENSE, 0, 0, 0, 252 };
	struct th_result r;

	ck_assert_int_eq(inquiry(LUN_NONE, false, 0, 96, buf, &r), 0);
	ck_assert_uint_eq(buf[0], 0x7f);
	ck_assert_uint_eq(buf[2], 0x06);
	inquiry(LUN_NONE, true, 0x00, 96, buf, &r);
	assert_sense(&r, SK_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
	ck_assert_int_eq(run_in(LUN_NONE, rs, 6, buf, 252, &r), 0);
	ck_assert_uint_eq(buf[0], 0x70);
	ck_assert_uint_eq(buf[2], SK_ILLEGAL_REQUEST);
	ck_assert_uint_eq(get_be16(buf + 12), ASC_LUN_NOT_SUPPORTED);
	ck_assert_int_eq(report_luns(LUN_NONE, 0, 256, buf, &r), 0);
	ck_assert_uint_eq(get_be32(buf), 3 * 8);
	run_none(nx, LUN_NONE, tur, 6, &r);
	assert_sense(&r, SK_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
}
END_TEST

/* --- the device object --- */

static int dev_create(const char *devtype, const char *bstype,
		      const char *path, uint32_t bsz, struct scsi_dev **dev,
		      char *err)
{
	struct scsi_dev_spec spec = {
		.devtype = devtype, .bstype = bstype, .path = path,
		.blocksize = bsz, .tid = 3, .lun = 7,
	};

	err[0] = '\0';
	return scsi_dev_create(&spec, dev, err, 256);
}

START_TEST(test_dev_create_errors)
{
	struct scsi_dev *dev = NULL;
	char err[256];
	char *odd = th_tmpfile(1000);

	ck_assert_int_eq(dev_create("disk", "null", "1M", 1000, &dev, err),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "blocksize"));
	ck_assert_int_eq(dev_create("disk", "rdwr", "/nonexistent/x", 512,
				    &dev, err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x"));
	ck_assert_int_eq(dev_create("disk", "null", "lots", 512, &dev, err),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "lots"));
	ck_assert_int_eq(dev_create("tape", "null", "1M", 512, &dev, err),
			 -EINVAL);
	ck_assert_int_eq(dev_create("disk", "floppy", "1M", 512, &dev, err),
			 -EINVAL);
	ck_assert_int_eq(dev_create("disk", "rdwr", odd, 512, &dev, err),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "blocksize"));
	ck_assert_int_eq(dev_create("disk", "null", "6K", 4096, &dev, err),
			 -EINVAL);
	ck_assert_ptr_null(dev);
	unlink(odd);
	free(odd);
}
END_TEST

START_TEST(test_dev_params)
{
	struct scsi_dev *dev;
	char err[256];

	ck_assert_int_eq(dev_create(NULL, "null", "1M", 0, &dev, err), 0);
	ck_assert_str_eq(scsi_dev_type_name(dev), "disk");
	ck_assert_uint_eq(scsi_dev_size(dev), 1 << 20);
	ck_assert_int_eq(scsi_dev_param_set(dev, "colour", "red"), -ENOENT);
	ck_assert_int_eq(scsi_dev_param_set(dev, "vendor_id", "123456789"),
			 -EINVAL);
	ck_assert_int_eq(scsi_dev_param_set(dev, "vendor_id", "12345678"), 0);
	ck_assert_int_eq(scsi_dev_param_set(dev, "product_id",
					    "12345678901234567"), -EINVAL);
	ck_assert_int_eq(scsi_dev_param_set(dev, "product_rev", "12345"),
			 -EINVAL);
	ck_assert_int_eq(scsi_dev_param_set(dev, "serial", "a\tb"), -EINVAL);
	ck_assert_int_eq(scsi_dev_param_set(dev, "write_cache", "maybe"),
			 -EINVAL);
	ck_assert_int_eq(scsi_dev_param_set(dev, "write_cache", "off"), 0);
	ck_assert_int_eq(scsi_dev_param_set(dev, "sense_format", "long"),
			 -EINVAL);
	ck_assert_int_eq(scsi_dev_param_set(dev, "sense_format",
					    "descriptor"), 0);
	ck_assert_int_eq(scsi_dev_param_set(dev, "delay_ms", "600001"),
			 -EINVAL);
	ck_assert_int_eq(scsi_dev_param_set(dev, "delay_ms", "5"), 0);
	ck_assert_int_eq(scsi_dev_param_set(dev, "removable", "1"), 0);
	ck_assert_int_eq(scsi_dev_param_set(dev, "readonly", "true"), 0);
	scsi_dev_destroy(dev);
}
END_TEST

START_TEST(test_dev_show)
{
	struct strbuf sb = STRBUF_INIT;
	struct scsi_dev *dev, *same;
	char err[256];

	ck_assert_int_eq(dev_create("disk", "null", "2M", 4096, &dev, err),
			 0);
	scsi_dev_show(dev, &sb, true);
	ck_assert_str_eq(strbuf_str(&sb),
			 "backing_store = 2M\nbstype = null\n"
			 "blocksize = 4096\n");
	strbuf_reset(&sb);
	ck_assert_int_eq(scsi_dev_param_set(dev, "vendor_id", "ACME"), 0);
	ck_assert_int_eq(scsi_dev_param_set(dev, "write_cache", "no"), 0);
	ck_assert_int_eq(scsi_dev_param_set(dev, "naa_id",
					    "0x5000000000000001"), 0);
	scsi_dev_show(dev, &sb, true);
	ck_assert_str_eq(strbuf_str(&sb),
			 "backing_store = 2M\nbstype = null\n"
			 "blocksize = 4096\nvendor_id = ACME\n"
			 "naa_id = 0x5000000000000001\nwrite_cache = no\n");
	strbuf_reset(&sb);
	scsi_dev_show(dev, &sb, false);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "    Vendor: ACME\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "Type: disk\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "Block size: 4096\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb),
				     "Backing store path: 2M\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "Write cache: off\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "Readonly: No\n"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "(2097152 bytes)"));
	/* identifiers are stable for the same configuration */
	ck_assert_int_eq(dev_create("disk", "null", "2M", 4096, &same, err),
			 0);
	ck_assert_str_eq(same->serial, "tgt-3-7");
	ck_assert_uint_eq(same->naa_len, 16);
	scsi_dev_destroy(dev);
	ck_assert_int_eq(dev_create("disk", "null", "2M", 4096, &dev, err),
			 0);
	ck_assert(memcmp(dev->naa, same->naa, 16) == 0);
	scsi_dev_destroy(dev);
	scsi_dev_destroy(same);
	strbuf_release(&sb);
}
END_TEST

/* scsi_dev_size reads the backing store; refresh_size adopts it. */
START_TEST(test_dev_refresh_size)
{
	char *path = th_tmpfile(1 << 20);
	struct scsi_dev *dev;
	bool changed = true;
	char err[256];

	ck_assert_int_eq(dev_create("disk", "rdwr", path, 512, &dev, err), 0);
	ck_assert_int_eq(scsi_dev_refresh_size(dev, &changed), 0);
	ck_assert(!changed);
	ck_assert_int_eq(truncate(path, (2 << 20) + 100), 0);
	ck_assert_uint_eq(scsi_dev_size(dev), 2 << 20);
	ck_assert_uint_eq(dev->nr_blocks, (1 << 20) / 512);
	ck_assert_int_eq(scsi_dev_refresh_size(dev, &changed), 0);
	ck_assert(changed);
	ck_assert_uint_eq(dev->nr_blocks, (2 << 20) / 512);
	ck_assert_int_eq(scsi_dev_refresh_size(dev, &changed), 0);
	ck_assert(!changed);
	scsi_dev_destroy(dev);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_dev_controller)
{
	struct strbuf sb = STRBUF_INIT;
	struct scsi_dev *dev;
	char err[256];

	ck_assert_int_eq(dev_create("controller", NULL, NULL, 0, &dev, err),
			 0);
	ck_assert_str_eq(scsi_dev_type_name(dev), "controller");
	ck_assert_uint_eq(scsi_dev_size(dev), 0);
	scsi_dev_show(dev, &sb, true);
	ck_assert_str_eq(strbuf_str(&sb), "device_type = controller\n");
	scsi_dev_destroy(dev);
	strbuf_release(&sb);
}
END_TEST

static Suite *spc_suite(void)
{
	Suite *s = suite_create("scsi_spc");
	TCase *inq = tcase_create("inquiry");
	TCase *mode = tcase_create("mode");
	TCase *rpt = tcase_create("reports");
	TCase *misc = tcase_create("misc");
	TCase *dev = tcase_create("dev");

	tcase_add_checked_fixture(inq, setup, teardown);
	tcase_add_test(inq, test_inquiry_std_disk);
	tcase_add_test(inq, test_inquiry_std_controller);
	tcase_add_test(inq, test_inquiry_params);
	tcase_add_test(inq, test_inquiry_alloc);
	tcase_add_test(inq, test_inquiry_bad);
	tcase_add_test(inq, test_vpd_supported);
	tcase_add_test(inq, test_vpd_serial);
	tcase_add_test(inq, test_vpd_devid);
	tcase_add_test(inq, test_vpd_devid_naa);
	tcase_add_test(inq, test_vpd_ext_inquiry);
	tcase_add_test(inq, test_vpd_block_limits);
	tcase_add_test(inq, test_vpd_block_chars);
	tcase_add_test(inq, test_vpd_lbp);
	tcase_add_test(inq, test_vpd_alloc);
	suite_add_tcase(s, inq);

	tcase_add_checked_fixture(mode, setup, teardown);
	tcase_add_test(mode, test_mode_caching_pcs);
	tcase_add_test(mode, test_mode_control_pcs);
	tcase_add_test(mode, test_mode_iec_pcs);
	tcase_add_test(mode, test_mode_sense6_all);
	tcase_add_test(mode, test_mode_sense10_llbaa);
	tcase_add_test(mode, test_mode_sense_alloc);
	tcase_add_test(mode, test_mode_sense_bad);
	tcase_add_test(mode, test_mode_sense_wp);
	tcase_add_test(mode, test_mode_select_wce);
	tcase_add_test(mode, test_mode_select_save);
	tcase_add_test(mode, test_mode_select10_dsense);
	tcase_add_test(mode, test_mode_select_swp);
	tcase_add_test(mode, test_mode_select_bad);
	tcase_add_test(mode, test_mode_select_bad_bd);
	tcase_add_test(mode, test_mode_select_bad_mrie);
	tcase_add_test(mode, test_mode_select_empty);
	suite_add_tcase(s, mode);

	tcase_add_checked_fixture(rpt, setup, teardown);
	tcase_add_test(rpt, test_report_luns);
	tcase_add_test(rpt, test_report_luns_bad);
	tcase_add_test(rpt, test_rsoc_all);
	tcase_add_test(rpt, test_rsoc_one);
	tcase_add_test(rpt, test_rsoc_bad);
	tcase_add_test(rpt, test_optable);
	tcase_add_test(rpt, test_rstmf);
	suite_add_tcase(s, rpt);

	tcase_add_checked_fixture(misc, setup, teardown);
	tcase_add_test(misc, test_request_sense_none);
	tcase_add_test(misc, test_request_sense_ua);
	tcase_add_test(misc, test_request_sense_stopped);
	tcase_add_test(misc, test_reserve_conflict);
	tcase_add_test(misc, test_reserve_nexus_gone);
	tcase_add_test(misc, test_reserve_lun_reset);
	tcase_add_test(misc, test_reserve_bad);
	tcase_add_test(misc, test_send_diagnostic);
	tcase_add_test(misc, test_prevent_allow);
	tcase_add_test(misc, test_bad_opcode);
	tcase_add_test(misc, test_control_byte);
	tcase_add_test(misc, test_readonly);
	tcase_add_test(misc, test_delay);
	tcase_add_test(misc, test_nolun);
	suite_add_tcase(s, misc);

	tcase_add_test(dev, test_dev_create_errors);
	tcase_add_test(dev, test_dev_params);
	tcase_add_test(dev, test_dev_show);
	tcase_add_test(dev, test_dev_refresh_size);
	tcase_add_test(dev, test_dev_controller);
	suite_add_tcase(s, dev);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(spc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
