/* SPDX-License-Identifier: GPL-2.0-only */
/* scsi_sense_build: fixed and descriptor formats, field pointers and
 * truncation.  Pure: no core needed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scsi/scsi.h"

/* SKSV | C/D | BPV | bit 3, field pointer 0x0102. */
static const uint8_t sks[3] = { 0xcb, 0x01, 0x02 };

START_TEST(test_fixed_plain)
{
	uint8_t buf[TGT_SENSE_MAX];
	size_t n;

	memset(buf, 0xee, sizeof(buf));
	n = scsi_sense_build(buf, sizeof(buf), false, SK_NOT_READY,
			     ASC_LUN_NOT_READY_START, NULL);
	ck_assert_uint_eq(n, 18);
	ck_assert_uint_eq(buf[0], 0x70);
	ck_assert_uint_eq(buf[1], 0);
	ck_assert_uint_eq(buf[2], SK_NOT_READY);
	ck_assert_uint_eq(buf[7], 10);
	ck_assert_uint_eq(buf[12], 0x04);
	ck_assert_uint_eq(buf[13], 0x02);
	ck_assert_uint_eq(buf[15], 0);
	ck_assert_uint_eq(buf[16], 0);
	ck_assert_uint_eq(buf[17], 0);
	ck_assert_uint_eq(buf[18], 0xee);
}
END_TEST

START_TEST(test_fixed_sks)
{
	uint8_t buf[TGT_SENSE_MAX];
	size_t n;

	n = scsi_sense_build(buf, sizeof(buf), false, SK_ILLEGAL_REQUEST,
			     ASC_INVALID_FIELD_IN_CDB, sks);
	ck_assert_uint_eq(n, 18);
	ck_assert_uint_eq(buf[2], SK_ILLEGAL_REQUEST);
	ck_assert_uint_eq(buf[12], 0x24);
	ck_assert_uint_eq(buf[13], 0x00);
	ck_assert_uint_eq(buf[15], 0xcb);
	ck_assert_uint_eq(buf[16], 0x01);
	ck_assert_uint_eq(buf[17], 0x02);
}
END_TEST

/* SKSV is set even when the caller's bytes lack it. */
START_TEST(test_fixed_sksv_forced)
{
	const uint8_t raw[3] = { 0x40, 0x00, 0x06 };
	uint8_t buf[TGT_SENSE_MAX];

	scsi_sense_build(buf, sizeof(buf), false, SK_ILLEGAL_REQUEST,
			 ASC_INVALID_FIELD_IN_CDB, raw);
	ck_assert_uint_eq(buf[15], 0xc0);
	ck_assert_uint_eq(buf[17], 0x06);
}
END_TEST

START_TEST(test_desc_plain)
{
	uint8_t buf[TGT_SENSE_MAX];
	size_t n;

	memset(buf, 0xee, sizeof(buf));
	n = scsi_sense_build(buf, sizeof(buf), true, SK_UNIT_ATTENTION,
			     ASC_POWER_ON_OCCURRED, NULL);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(buf[0], 0x72);
	ck_assert_uint_eq(buf[1], SK_UNIT_ATTENTION);
	ck_assert_uint_eq(buf[2], 0x29);
	ck_assert_uint_eq(buf[3], 0x01);
	ck_assert_uint_eq(buf[7], 0);
	ck_assert_uint_eq(buf[8], 0xee);
}
END_TEST

START_TEST(test_desc_sks)
{
	uint8_t buf[TGT_SENSE_MAX];
	size_t n;

	n = scsi_sense_build(buf, sizeof(buf), true, SK_ILLEGAL_REQUEST,
			     ASC_INVALID_FIELD_IN_PARAM, sks);
	ck_assert_uint_eq(n, 16);
	ck_assert_uint_eq(buf[0], 0x72);
	ck_assert_uint_eq(buf[2], 0x26);
	ck_assert_uint_eq(buf[7], 8);
	ck_assert_uint_eq(buf[8], 0x02);	/* sense key specific */
	ck_assert_uint_eq(buf[9], 0x06);
	ck_assert_uint_eq(buf[10], 0);
	ck_assert_uint_eq(buf[11], 0);
	ck_assert_uint_eq(buf[12], 0xcb);
	ck_assert_uint_eq(buf[13], 0x01);
	ck_assert_uint_eq(buf[14], 0x02);
	ck_assert_uint_eq(buf[15], 0);
}
END_TEST

/* Truncated copies keep the full ADDITIONAL SENSE LENGTH. */
START_TEST(test_truncate_fixed)
{
	uint8_t buf[TGT_SENSE_MAX];
	size_t n;

	memset(buf, 0xee, sizeof(buf));
	n = scsi_sense_build(buf, 8, false, SK_MEDIUM_ERROR, ASC_READ_ERROR,
			     NULL);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(buf[0], 0x70);
	ck_assert_uint_eq(buf[2], SK_MEDIUM_ERROR);
	ck_assert_uint_eq(buf[7], 10);
	ck_assert_uint_eq(buf[8], 0xee);
}
END_TEST

START_TEST(test_truncate_desc)
{
	uint8_t buf[TGT_SENSE_MAX];
	size_t n;

	memset(buf, 0xee, sizeof(buf));
	n = scsi_sense_build(buf, 10, true, SK_ILLEGAL_REQUEST,
			     ASC_INVALID_FIELD_IN_CDB, sks);
	ck_assert_uint_eq(n, 10);
	ck_assert_uint_eq(buf[7], 8);
	ck_assert_uint_eq(buf[8], 0x02);
	ck_assert_uint_eq(buf[9], 0x06);
	ck_assert_uint_eq(buf[10], 0xee);
}
END_TEST

START_TEST(test_truncate_zero)
{
	uint8_t buf[4] = { 0xee, 0xee, 0xee, 0xee };

	ck_assert_uint_eq(scsi_sense_build(buf, 0, false, SK_NO_SENSE, 0,
					   NULL), 0);
	ck_assert_uint_eq(buf[0], 0xee);
	ck_assert_uint_eq(scsi_sense_build(buf, 1, true, SK_NO_SENSE, 0,
					   NULL), 1);
	ck_assert_uint_eq(buf[0], 0x72);
	ck_assert_uint_eq(buf[1], 0xee);
}
END_TEST

/* Only the low nibble of the key is a sense key. */
START_TEST(test_key_masked)
{
	uint8_t buf[TGT_SENSE_MAX];

	scsi_sense_build(buf, sizeof(buf), false, 0xf5, 0, NULL);
	ck_assert_uint_eq(buf[2], 0x05);
	scsi_sense_build(buf, sizeof(buf), true, 0xf5, 0, NULL);
	ck_assert_uint_eq(buf[1], 0x05);
}
END_TEST

static Suite *sense_suite(void)
{
	Suite *s = suite_create("scsi_sense");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, test_fixed_plain);
	tcase_add_test(tc, test_fixed_sks);
	tcase_add_test(tc, test_fixed_sksv_forced);
	tcase_add_test(tc, test_desc_plain);
	tcase_add_test(tc, test_desc_sks);
	tcase_add_test(tc, test_truncate_fixed);
	tcase_add_test(tc, test_truncate_desc);
	tcase_add_test(tc, test_truncate_zero);
	tcase_add_test(tc, test_key_masked);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sense_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
