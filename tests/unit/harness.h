/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit-test harness: a fake transport ("test" lld) that drives the real
 * target core, SCSI emulation and backing stores, synchronously from the
 * test's thread.  One core loop runs in the background; th_cmd() submits
 * on that loop and waits for cmd_done.
 *
 * Typical use:
 *   th_init();                              core + target 1 "iqn.test:t1"
 *   th_lu_add(1, "rdwr", path, 512);        LUN 1 on a temp file
 *   struct th_nexus *n = th_nexus_new(1);   itn_id 1 (POWER ON UA set)
 *   th_ua_clear(n, 1);                      swallow the UA with TUR
 *   th_cmd(n, 1, cdb, 10, TGT_DATA_READ, buf, 512, &res);
 *   th_fini();
 */
#ifndef TGT_TESTS_HARNESS_H
#define TGT_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tgt.h"

#define TH_TID 1

struct th_nexus;

struct th_result {
	uint8_t status;
	uint8_t sense_len;
	uint8_t sense[TGT_SENSE_MAX];
	uint32_t xfer_len;
	uint32_t cdb_xfer_len;
	bool aborted;
};

/* Sense key / ASC+ASCQ of a fixed or descriptor sense in @r. */
uint8_t th_sense_key(const struct th_result *r);
uint16_t th_sense_asc(const struct th_result *r);

void th_init(void);
void th_fini(void);
/* Creates a temp file of @size bytes (zero filled); caller unlinks. */
char *th_tmpfile(uint64_t size);
/* tgt_lu_create(); returns its result (0 or -errno). */
int th_lu_add(uint64_t lun, const char *bstype, const char *path,
	      uint32_t blocksize);
int th_lu_param(uint64_t lun, const char *key, const char *value);
struct th_nexus *th_nexus_new(uint64_t itn_id);
void th_nexus_free(struct th_nexus *n);
/* Runs TEST UNIT READY until it no longer reports a unit attention. */
void th_ua_clear(struct th_nexus *n, uint64_t lun);
/*
 * Runs one command to completion.  @buf holds data-out for WRITE and
 * receives data-in for READ; @len is the expected transfer length.
 * Returns cmd status (SAM_STAT_*), fills @res if not NULL.
 */
int th_cmd(struct th_nexus *n, uint64_t lun, const uint8_t *cdb,
	   size_t cdb_len, int dir, void *buf, uint32_t len,
	   struct th_result *res);

/* Asynchronous variant for task-set/TMF tests. */
struct th_cmd;
struct th_cmd *th_cmd_start(struct th_nexus *n, uint64_t lun,
			    const uint8_t *cdb, size_t cdb_len, int dir,
			    void *buf, uint32_t len, uint64_t tag,
			    int attr);
/* Waits for completion; returns status; frees the handle. */
int th_cmd_wait(struct th_cmd *c, struct th_result *res);
/* Order in which started commands completed: their tags, oldest first. */
size_t th_done_order(uint64_t *tags, size_t max);
void th_done_order_reset(void);
/* Runs a TMF to completion; returns enum tgt_tmf_result. */
int th_tmf(struct th_nexus *n, int fn, uint64_t lun, uint64_t ref_tag);

#endif
