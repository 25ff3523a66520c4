/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "test" transport: runs commands through the real core from a test
 * thread by posting to the core's single I/O loop and waiting on a
 * condition variable for cmd_done / tmf_done.
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/target.h"
#include "scsi/scsi.h"
#include "util/log.h"

struct th_nexus {
	struct tgt_nexus *n;
	uint64_t itn_id;
};

struct th_cmd {
	struct th_nexus *tn;
	struct tgt_cmd *cmd;
	struct tgt_tmf *tmf;
	struct evloop_work work;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int tmf_result;
	struct th_result res;
	struct iovec iov;
};

static pthread_mutex_t th_order_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t th_order[256];
static size_t th_order_len;

static void th_signal(struct th_cmd *tc)
{
	pthread_mutex_lock(&tc->lock);
	tc->done = true;
	pthread_cond_signal(&tc->cond);
	pthread_mutex_unlock(&tc->lock);
}

static void th_wait(struct th_cmd *tc)
{
	pthread_mutex_lock(&tc->lock);
	while (!tc->done)
		pthread_cond_wait(&tc->cond, &tc->lock);
	pthread_mutex_unlock(&tc->lock);
}

static void th_cmd_done(struct tgt_cmd *cmd)
{
	struct th_cmd *tc = *(struct th_cmd **)cmd->lld_priv;

	tc->res.status = cmd->status;
	tc->res.sense_len = cmd->sense_len;
	memcpy(tc->res.sense, cmd->sense, sizeof(tc->res.sense));
	tc->res.xfer_len = cmd->xfer_len;
	tc->res.cdb_xfer_len = cmd->cdb_xfer_len;
	tc->res.aborted = cmd->aborted;
	pthread_mutex_lock(&th_order_lock);
	if (th_order_len < sizeof(th_order) / sizeof(th_order[0]))
		th_order[th_order_len++] = cmd->tag;
	pthread_mutex_unlock(&th_order_lock);
	tgt_cmd_free(cmd);
	th_signal(tc);
}

static void th_tmf_done(struct tgt_tmf *tmf)
{
	struct th_cmd *tc = *(struct th_cmd **)tmf->lld_priv;

	tc->tmf_result = tmf->result;
	tgt_tmf_free(tmf);
	th_signal(tc);
}

static const struct tgt_lld_ops th_lld = {
	.name = "test",
	.cmd_done = th_cmd_done,
	.tmf_done = th_tmf_done,
};

uint8_t th_sense_key(const struct th_result *r)
{
	if (r->sense_len < 3)
		return 0;
	if ((r->sense[0] & 0x7f) >= 0x72)
		return r->sense[1] & 0xf;
	return r->sense[2] & 0xf;
}

uint16_t th_sense_asc(const struct th_result *r)
{
	if ((r->sense[0] & 0x7f) >= 0x72)
		return r->sense_len >= 4 ?
		       (uint16_t)(r->sense[2] << 8 | r->sense[3]) : 0;
	return r->sense_len >= 14 ?
	       (uint16_t)(r->sense[12] << 8 | r->sense[13]) : 0;
}

void th_init(void)
{
	log_open("test", false, getenv("TH_DEBUG") ? LOG_LVL_DEBUG :
		 LOG_LVL_WARN);
	ck_assert_int_eq(tgt_core_init(1), 0);
	ck_assert_int_eq(tgt_lld_register(&th_lld), 0);
	ck_assert_int_eq(tgt_target_create(TH_TID, "iqn.2026-11.test:t1",
					   "test"), 0);
	ck_assert_int_eq(tgt_acl_add(TH_TID, TGT_ACL_ADDR, "ALL"), 0);
	th_done_order_reset();
}

void th_fini(void)
{
	tgt_target_destroy(TH_TID, true);
	tgt_core_exit();
}

char *th_tmpfile(uint64_t size)
{
	char *path = strdup("/var/tmp/tgt-test-XXXXXX");
	int fd;

	ck_assert_ptr_nonnull(path);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
	return path;
}

int th_lu_add(uint64_t lun, const char *bstype, const char *path,
	      uint32_t blocksize)
{
	struct scsi_dev_spec spec = {
		.devtype = "disk", .bstype = bstype, .path = path,
		.blocksize = blocksize,
	};
	char err[256] = "";
	int ret = tgt_lu_create(TH_TID, lun, &spec, err, sizeof(err));

	if (ret)
		fprintf(stderr, "th_lu_add: %s (%d)\n", err, ret);
	return ret;
}

int th_lu_param(uint64_t lun, const char *key, const char *value)
{
	return tgt_lu_update(TH_TID, lun, key, value);
}

struct th_nexus *th_nexus_new(uint64_t itn_id)
{
	struct th_nexus *tn = calloc(1, sizeof(*tn));
	char name[64];

	ck_assert_ptr_nonnull(tn);
	snprintf(name, sizeof(name), "iqn.2026-11.test:init%llu",
		 (unsigned long long)itn_id);
	tn->itn_id = itn_id;
	ck_assert_int_eq(tgt_nexus_create(&th_lld, TH_TID, itn_id, name,
					  "127.0.0.1", tgt_loop_get(0), tn,
					  &tn->n), 0);
	return tn;
}

static void th_init_handle(struct th_cmd *tc, struct th_nexus *tn)
{
	tc->tn = tn;
	pthread_mutex_init(&tc->lock, NULL);
	pthread_cond_init(&tc->cond, NULL);
}

static void th_destroy_handle(struct th_cmd *tc)
{
	pthread_mutex_destroy(&tc->lock);
	pthread_cond_destroy(&tc->cond);
	free(tc);
}

static void th_nexus_destroy_work(void *arg)
{
	struct th_cmd *tc = arg;

	tgt_nexus_destroy(tc->tn->n);
	th_signal(tc);
}

void th_nexus_free(struct th_nexus *tn)
{
	struct th_cmd *tc = calloc(1, sizeof(*tc));

	ck_assert_ptr_nonnull(tc);
	th_init_handle(tc, tn);
	evloop_work_init(&tc->work, th_nexus_destroy_work, tc);
	evloop_post(tgt_loop_get(0), &tc->work);
	th_wait(tc);
	th_destroy_handle(tc);
	free(tn);
}

static void th_lun_encode(uint64_t lun, uint8_t *out)
{
	memset(out, 0, 8);
	if (lun < 256) {
		out[1] = (uint8_t)lun;
	} else {
		out[0] = (uint8_t)(0x40 | ((lun >> 8) & 0x3f));
		out[1] = (uint8_t)lun;
	}
}

static void th_submit_work(void *arg)
{
	tgt_cmd_submit(((struct th_cmd *)arg)->cmd);
}

struct th_cmd *th_cmd_start(struct th_nexus *n, uint64_t lun,
			    const uint8_t *cdb, size_t cdb_len, int dir,
			    void *buf, uint32_t len, uint64_t tag, int attr)
{
	struct th_cmd *tc = calloc(1, sizeof(*tc));
	struct tgt_cmd *cmd;

	ck_assert_ptr_nonnull(tc);
	ck_assert_uint_le(cdb_len, TGT_CDB_MAX);
	th_init_handle(tc, n);
	cmd = tgt_cmd_alloc(n->n, sizeof(tc));
	ck_assert_ptr_nonnull(cmd);
	*(struct th_cmd **)cmd->lld_priv = tc;
	cmd->tag = tag;
	th_lun_encode(lun, cmd->lun);
	memcpy(cmd->cdb, cdb, cdb_len);
	cmd->cdb_len = (uint8_t)cdb_len;
	cmd->attr = (uint8_t)attr;
	cmd->dir = (uint8_t)dir;
	cmd->data_len = len;
	tc->iov.iov_base = buf;
	tc->iov.iov_len = len;
	cmd->iov = len ? &tc->iov : NULL;
	cmd->iovcnt = len ? 1 : 0;
	tc->cmd = cmd;
	evloop_work_init(&tc->work, th_submit_work, tc);
	evloop_post(tgt_loop_get(0), &tc->work);
	return tc;
}

int th_cmd_wait(struct th_cmd *tc, struct th_result *res)
{
	int status;

	th_wait(tc);
	status = tc->res.status;
	if (res)
		*res = tc->res;
	th_destroy_handle(tc);
	return status;
}

int th_cmd(struct th_nexus *n, uint64_t lun, const uint8_t *cdb,
	   size_t cdb_len, int dir, void *buf, uint32_t len,
	   struct th_result *res)
{
	static uint64_t tag = 1000000;

	return th_cmd_wait(th_cmd_start(n, lun, cdb, cdb_len, dir, buf, len,
					__atomic_fetch_add(&tag, 1,
							   __ATOMIC_RELAXED),
					TGT_TASK_SIMPLE), res);
}

void th_ua_clear(struct th_nexus *n, uint64_t lun)
{
	uint8_t tur[6] = { 0 };
	struct th_result r;

	for (int i = 0; i < 16; i++) {
		if (th_cmd(n, lun, tur, sizeof(tur), TGT_DATA_NONE, NULL, 0,
			   &r) != SAM_STAT_CHECK_CONDITION ||
		    th_sense_key(&r) != SK_UNIT_ATTENTION)
			return;
	}
	ck_abort_msg("unit attentions never cleared");
}

size_t th_done_order(uint64_t *tags, size_t max)
{
	size_t n;

	pthread_mutex_lock(&th_order_lock);
	n = th_order_len < max ? th_order_len : max;
	memcpy(tags, th_order, n * sizeof(*tags));
	pthread_mutex_unlock(&th_order_lock);
	return n;
}

void th_done_order_reset(void)
{
	pthread_mutex_lock(&th_order_lock);
	th_order_len = 0;
	pthread_mutex_unlock(&th_order_lock);
}

static void th_tmf_work(void *arg)
{
	tgt_tmf_submit(((struct th_cmd *)arg)->tmf);
}

int th_tmf(struct th_nexus *n, int fn, uint64_t lun, uint64_t ref_tag)
{
	struct th_cmd *tc = calloc(1, sizeof(*tc));
	struct tgt_tmf *tmf;
	int result;

	ck_assert_ptr_nonnull(tc);
	th_init_handle(tc, n);
	tmf = tgt_tmf_alloc(n->n, sizeof(tc));
	ck_assert_ptr_nonnull(tmf);
	*(struct th_cmd **)tmf->lld_priv = tc;
	tmf->fn = (uint8_t)fn;
	th_lun_encode(lun, tmf->lun);
	tmf->ref_tag = ref_tag;
	tc->tmf = tmf;
	evloop_work_init(&tc->work, th_tmf_work, tc);
	evloop_post(tgt_loop_get(0), &tc->work);
	th_wait(tc);
	result = tc->tmf_result;
	th_destroy_handle(tc);
	return result;
}
