/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_core: commands per second and MB/s through the target core, SCSI
 * emulation and a backing store.  A benchmark transport keeps QD commands
 * in flight on each I/O loop and resubmits each one from cmd_done, so the
 * figure is the cost of the target path itself, with no network.
 *
 * Usage: bench_core BSTYPE PATH|SIZE PATTERN BLOCK_BYTES QD SECONDS LOOPS
 *   PATTERN: randread | randwrite | seqread | seqwrite
 * Prints: "<bstype> <pattern> <bytes> qd<QD> loops<N>: <IOPS> IOPS <MB/s> MB/s"
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/target.h"
#include "core/tgt.h"
#include "scsi/scsi.h"
#include "util/log.h"
#include "util/util.h"

#define BENCH_MAX_LOOPS 64

/* Per-loop state, cache-line aligned so loops never share a line. */
struct bench_nexus {
	_Alignas(64) struct tgt_nexus *n;
	uint64_t next;
	uint64_t rng;
	uint64_t done;
	bool failed;
	struct evloop_work start;
};

struct bench {
	bool random, read, warmup;
	uint32_t bs;
	unsigned qd;
	uint64_t nr_units;		/* backing size in bs units */
	uint64_t deadline_ns;
	_Atomic uint64_t errors;
	_Atomic unsigned inflight;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static struct bench B = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static uint64_t bench_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void bench_cmd_fill(struct tgt_cmd *cmd, struct bench_nexus *bn)
{
	uint64_t unit = B.random ? bench_rand(&bn->rng) % B.nr_units :
				   bn->next++ % B.nr_units;

	memset(cmd->cdb, 0, sizeof(cmd->cdb));
	cmd->cdb[0] = B.read ? READ_16 : WRITE_16;
	put_be64(cmd->cdb + 2, unit * (B.bs / 512));
	put_be32(cmd->cdb + 10, B.bs / 512);
	cmd->cdb_len = 16;
	cmd->dir = B.read ? TGT_DATA_READ : TGT_DATA_WRITE;
	cmd->data_len = B.bs;
}

static void bench_inflight_put(void)
{
	if (atomic_fetch_sub(&B.inflight, 1) == 1) {
		pthread_mutex_lock(&B.lock);
		pthread_cond_signal(&B.cond);
		pthread_mutex_unlock(&B.lock);
	}
}

static void bench_cmd_done(struct tgt_cmd *cmd)
{
	struct bench_nexus *bn = *(struct bench_nexus **)cmd->lld_priv;

	if (B.warmup) {			/* the POWER ON unit attention */
		tgt_cmd_free(cmd);
		bench_inflight_put();
		return;
	}
	if (cmd->status != SAM_STAT_GOOD) {
		atomic_fetch_add(&B.errors, 1);
		bn->failed = true;
	}
	bn->done++;
	/* The clock is read once per 64 completions per loop. */
	if (!bn->failed && ((bn->done & 63) || util_now_ns() < B.deadline_ns)) {
		bench_cmd_fill(cmd, bn);
		cmd->tag++;
		tgt_cmd_submit(cmd);
		return;
	}
	tgt_cmd_free(cmd);
	bench_inflight_put();
}

static const struct tgt_lld_ops bench_lld = {
	.name = "bench",
	.cmd_done = bench_cmd_done,
};

static struct tgt_cmd *bench_cmd_new(struct bench_nexus *bn, uint64_t tag)
{
	struct tgt_cmd *cmd = tgt_cmd_alloc(bn->n, sizeof(bn));

	if (!cmd || tgt_cmd_buf_alloc(cmd, B.bs)) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	memset(cmd->buf, 0xa5, B.bs);
	*(struct bench_nexus **)cmd->lld_priv = bn;
	cmd->lun[1] = 1;
	cmd->tag = tag;
	return cmd;
}

static void bench_warmup_work(void *arg)
{
	struct tgt_cmd *cmd = bench_cmd_new(arg, 1);

	cmd->cdb_len = 6;		/* TEST UNIT READY */
	cmd->data_len = 0;
	tgt_cmd_submit(cmd);
}

static void bench_start_work(void *arg)
{
	struct bench_nexus *bn = arg;

	for (unsigned i = 0; i < B.qd; i++) {
		struct tgt_cmd *cmd = bench_cmd_new(bn, (uint64_t)(i + 1) << 32);

		bench_cmd_fill(cmd, bn);
		tgt_cmd_submit(cmd);
	}
}

static void bench_run_on_loops(struct bench_nexus *bns, unsigned loops,
			       evloop_fn fn, unsigned per_loop)
{
	atomic_store(&B.inflight, loops * per_loop);
	for (unsigned i = 0; i < loops; i++) {
		evloop_work_init(&bns[i].start, fn, &bns[i]);
		evloop_post(tgt_loop_get(i), &bns[i].start);
	}
	pthread_mutex_lock(&B.lock);
	while (atomic_load(&B.inflight))
		pthread_cond_wait(&B.cond, &B.lock);
	pthread_mutex_unlock(&B.lock);
}

static int bench_size(const char *bstype, const char *path, uint64_t *size)
{
	struct stat st;

	if (strcmp(bstype, "null") == 0)
		return util_parse_size(path, size);
	if (stat(path, &st) < 0)
		return -errno;
	*size = (uint64_t)st.st_size;
	return 0;
}

static int bench_setup(const char *bstype, const char *path, unsigned loops,
		       struct bench_nexus *bns)
{
	struct scsi_dev_spec spec = { .devtype = "disk", .bstype = bstype,
				      .path = path, .blocksize = 512 };
	char err[256] = "";
	int ret;

	if ((ret = tgt_core_init(loops)) ||
	    (ret = tgt_lld_register(&bench_lld)) ||
	    (ret = tgt_target_create(1, "iqn.2026-11.bench:t", "bench")) ||
	    (ret = tgt_acl_add(1, TGT_ACL_ADDR, "ALL")) ||
	    (ret = tgt_lu_create(1, 1, &spec, err, sizeof(err)))) {
		fprintf(stderr, "bench: setup: %s %s\n", strerror(-ret), err);
		return ret;
	}
	for (unsigned i = 0; i < loops; i++) {
		bns[i].rng = 0x9e3779b97f4a7c15ull * (i + 1);
		bns[i].next = (B.nr_units / loops) * i;
		ret = tgt_nexus_create(&bench_lld, 1, i + 1, "iqn.bench:i",
				       "127.0.0.1", tgt_loop_get(i), &bns[i],
				       &bns[i].n);
		if (ret) {
			fprintf(stderr, "bench: nexus: %s\n", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench_nexus bns[BENCH_MAX_LOOPS];
	uint32_t secs, loops;
	uint64_t size, t0, t1, done = 0;
	double el;

	if (argc != 8 || util_parse_u32_range(argv[4], 512, 1 << 24, &B.bs) ||
	    B.bs % 512 || util_parse_u32_range(argv[5], 1, 1024, &B.qd) ||
	    util_parse_u32_range(argv[6], 1, 600, &secs) ||
	    util_parse_u32_range(argv[7], 1, BENCH_MAX_LOOPS, &loops) ||
	    bench_size(argv[1], argv[2], &size) || size < B.bs) {
		fprintf(stderr, "usage: bench_core BSTYPE PATH|SIZE PATTERN "
			"BLOCK_BYTES QD SECONDS LOOPS\n");
		return 2;
	}
	B.random = strncmp(argv[3], "rand", 4) == 0;
	B.read = strcmp(argv[3] + (B.random ? 4 : 3), "read") == 0;
	B.nr_units = size / B.bs;
	log_open("bench", false, LOG_LVL_WARN);
	if (bench_setup(argv[1], argv[2], loops, bns))
		return 1;
	B.warmup = true;
	bench_run_on_loops(bns, loops, bench_warmup_work, 1);
	B.warmup = false;
	t0 = util_now_ns();
	B.deadline_ns = t0 + (uint64_t)secs * 1000000000ull;
	bench_run_on_loops(bns, loops, bench_start_work, B.qd);
	t1 = util_now_ns();
	el = (double)(t1 - t0) / 1e9;
	if (atomic_load(&B.errors)) {
		fprintf(stderr, "bench: %llu commands failed\n",
			(unsigned long long)atomic_load(&B.errors));
		return 1;
	}
	for (unsigned i = 0; i < loops; i++)
		done += bns[i].done;
	printf("%s %s %u qd%u loops%u: %.0f IOPS %.1f MB/s\n", argv[1],
	       argv[3], B.bs, B.qd, loops, (double)done / el,
	       (double)done * B.bs / el / 1e6);
	tgt_target_destroy(1, true);
	tgt_core_exit();
	return 0;
}
