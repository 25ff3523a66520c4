// SPDX-License-Identifier: GPL-2.0-only
/*
 * wperf: iSCSI write throughput through libiscsi (iscsi-perf only reads).
 *
 *   wperf [-t SECS] [-m IN_FLIGHT] [-b BLOCKS] [-r] [-D] iscsi://H:P/IQN/LUN
 *
 * Keeps IN_FLIGHT (default 32) WRITE(10)s of BLOCKS (default 8) blocks in
 * flight for SECS (default 5) seconds, at random (-r) or sequential
 * LBAs, with CRC32C digests under -D, then prints "iops average N" as
 * iscsi-perf does, so tests/iscsi/bench.sh reads both the same way.
 * Exit status 1 on a failed login or write.
 */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#define INITIATOR "iqn.2026-11.org.example.tgt:wperf"

struct wperf {
	struct iscsi_context *iscsi;
	int lun;
	uint32_t bs, blocks;
	uint64_t nr_lbas;		/* LBAs a request may start at */
	uint64_t next_lba;
	int random;
	int running;			/* submit more */
	int failed;
	uint64_t done;
	unsigned char *buf;
};

static double wperf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void wperf_submit(struct wperf *w);

static void wperf_cb(struct iscsi_context *iscsi, int status, void *data,
		     void *priv)
{
	struct wperf *w = priv;

	scsi_free_scsi_task(data);
	if (status != SCSI_STATUS_GOOD) {
		fprintf(stderr, "wperf: write failed: %s\n",
			iscsi_get_error(iscsi));
		w->failed = 1;
		w->running = 0;
		return;
	}
	w->done++;
	if (w->running)
		wperf_submit(w);
}

static void wperf_submit(struct wperf *w)
{
	uint64_t lba = w->random ? (uint64_t)random() % w->nr_lbas :
			w->next_lba;

	w->next_lba = (w->next_lba + w->blocks) % w->nr_lbas;
	if (!iscsi_write10_task(w->iscsi, w->lun, (uint32_t)lba, w->buf,
				w->blocks * w->bs, (int)w->bs, 0, 0, 0, 0, 0,
				wperf_cb, w)) {
		fprintf(stderr, "wperf: cannot queue a write: %s\n",
			iscsi_get_error(w->iscsi));
		w->failed = 1;
		w->running = 0;
	}
}

/* Runs the loop until @until (running) or until nothing is in flight. */
static int wperf_service(struct wperf *w, double until)
{
	while (wperf_now() < until &&
	       (w->running || iscsi_queue_length(w->iscsi) > 0)) {
		struct pollfd pfd = { iscsi_get_fd(w->iscsi),
				      (short)iscsi_which_events(w->iscsi), 0 };

		if (poll(&pfd, 1, 100) < 0)
			return -1;
		if (iscsi_service(w->iscsi, pfd.revents) < 0) {
			fprintf(stderr, "wperf: %s\n", iscsi_get_error(w->iscsi));
			return -1;
		}
	}
	return 0;
}

static struct iscsi_context *wperf_login(const char *url_str, int digest,
					 int *lun)
{
	struct iscsi_context *iscsi = iscsi_create_context(INITIATOR);
	struct iscsi_url *url;

	if (!iscsi)
		return NULL;
	url = iscsi_parse_full_url(iscsi, url_str);
	if (!url) {
		fprintf(stderr, "wperf: bad URL: %s\n", iscsi_get_error(iscsi));
		iscsi_destroy_context(iscsi);
		return NULL;
	}
	iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(iscsi, digest ? ISCSI_HEADER_DIGEST_CRC32C :
				ISCSI_HEADER_DIGEST_NONE);
	if (iscsi_set_targetname(iscsi, url->target) ||
	    iscsi_full_connect_sync(iscsi, url->portal, url->lun)) {
		fprintf(stderr, "wperf: login: %s\n", iscsi_get_error(iscsi));
		iscsi_destroy_url(url);
		iscsi_destroy_context(iscsi);
		return NULL;
	}
	*lun = url->lun;
	iscsi_destroy_url(url);
	return iscsi;
}

/* Block size and LBA count (READ CAPACITY(10)). */
static int wperf_capacity(struct wperf *w)
{
	struct scsi_task *t = iscsi_readcapacity10_sync(w->iscsi, w->lun, 0, 0);
	struct scsi_readcapacity10 *rc;
	int ret = -1;

	if (t && t->status == SCSI_STATUS_GOOD) {
		rc = scsi_datain_unmarshall(t);
		if (rc && rc->block_size &&
		    (uint64_t)rc->lba + 1 > w->blocks) {
			w->bs = rc->block_size;
			w->nr_lbas = (uint64_t)rc->lba + 1 - w->blocks;
			ret = 0;
		}
	}
	if (ret)
		fprintf(stderr, "wperf: READ CAPACITY failed\n");
	if (t)
		scsi_free_scsi_task(t);
	return ret;
}

static void wperf_usage(void)
{
	fprintf(stderr, "usage: wperf [-t SECS] [-m IN_FLIGHT] [-b BLOCKS] "
		"[-r] [-D] iscsi://HOST:PORT/IQN/LUN\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct wperf w = { .blocks = 8, .running = 1 };
	unsigned long secs = 5, depth = 32;
	int opt, digest = 0;
	double t0, t1;

	while ((opt = getopt(argc, argv, "t:m:b:rD")) != -1) {
		switch (opt) {
		case 't': secs = strtoul(optarg, NULL, 10); break;
		case 'm': depth = strtoul(optarg, NULL, 10); break;
		case 'b': w.blocks = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'r': w.random = 1; break;
		case 'D': digest = 1; break;
		default: wperf_usage();
		}
	}
	if (optind != argc - 1 || !secs || !depth || depth > 1024 ||
	    !w.blocks || w.blocks > 65535)
		wperf_usage();
	w.iscsi = wperf_login(argv[optind], digest, &w.lun);
	if (!w.iscsi || wperf_capacity(&w))
		return 1;
	w.buf = malloc((size_t)w.blocks * w.bs);
	if (!w.buf)
		return 1;
	memset(w.buf, 0xa5, (size_t)w.blocks * w.bs);
	srandom(1);
	t0 = wperf_now();
	for (unsigned long i = 0; i < depth && w.running; i++)
		wperf_submit(&w);
	wperf_service(&w, t0 + (double)secs);
	t1 = wperf_now();
	w.running = 0;
	wperf_service(&w, t1 + 10);	/* let the rest finish */
	printf("iops average %.0f\n", (double)w.done / (t1 - t0));
	printf("MB/s average %.1f\n",
	       (double)w.done * w.blocks * w.bs / (t1 - t0) / 1e6);
	iscsi_logout_sync(w.iscsi);
	iscsi_destroy_context(w.iscsi);
	free(w.buf);
	return w.failed;
}
