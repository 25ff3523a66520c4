// SPDX-License-Identifier: GPL-2.0-only
/*
 * rwverify: write/read verification through an iSCSI initiator (libiscsi).
 *
 *   rwverify [-f BACKING_FILE] [-s SEED] [-D] iscsi://127.0.0.1:PORT/IQN/LUN
 *
 * Logs in, reads the capacity, writes pseudo-random patterns of several
 * sizes (1 block up to 1 MiB, so immediate data, unsolicited Data-Out and
 * R2T-solicited Data-Out all occur) at the start, the middle and the end
 * of the LU, and at unaligned block offsets, then:
 *   - reads every extent back in the same session and compares;
 *   - logs out, logs in again (a new session), reads back and compares;
 *   - with -f, after SYNCHRONIZE CACHE, compares with the backing file;
 *   - checks that a write and a read past the end fail with a CHECK
 *     CONDITION.
 * -D asks for CRC32C header and data digests.
 * Prints one "ok"/"FAIL" line per step; exit status 0 only if all passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#define INITIATOR "iqn.2026-11.org.example.tgt:rwverify"

struct extent {
	uint64_t lba;
	uint32_t nblocks;
	unsigned char *data;
};

static int failures;

static void step(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static void fill(unsigned char *buf, size_t len)
{
	size_t i;
	uint64_t v = 0;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0)
			v = rng_next();
		buf[i] = (unsigned char)(v >> (8 * (i % 8)));
	}
}

static struct iscsi_context *login(const char *url_str, int digest)
{
	struct iscsi_context *iscsi;
	struct iscsi_url *url;

	iscsi = iscsi_create_context(INITIATOR);
	if (!iscsi) {
		fprintf(stderr, "rwverify: iscsi_create_context failed\n");
		return NULL;
	}
	url = iscsi_parse_full_url(iscsi, url_str);
	if (!url) {
		fprintf(stderr, "rwverify: bad URL %s: %s\n", url_str,
			iscsi_get_error(iscsi));
		iscsi_destroy_context(iscsi);
		return NULL;
	}
	iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(iscsi, digest ? ISCSI_HEADER_DIGEST_CRC32C
					      : ISCSI_HEADER_DIGEST_NONE);
	iscsi_set_timeout(iscsi, 30);
	if (url->user[0] &&
	    iscsi_set_initiator_username_pwd(iscsi, url->user, url->passwd)) {
		fprintf(stderr, "rwverify: CHAP set-up: %s\n", iscsi_get_error(iscsi));
		goto fail;
	}
	if (iscsi_set_targetname(iscsi, url->target)) {
		fprintf(stderr, "rwverify: target name: %s\n", iscsi_get_error(iscsi));
		goto fail;
	}
	if (iscsi_full_connect_sync(iscsi, url->portal, url->lun)) {
		fprintf(stderr, "rwverify: login to %s failed: %s\n", url_str,
			iscsi_get_error(iscsi));
		goto fail;
	}
	iscsi_destroy_url(url);
	return iscsi;
fail:
	iscsi_destroy_url(url);
	iscsi_destroy_context(iscsi);
	return NULL;
}

static void logout(struct iscsi_context *iscsi)
{
	iscsi_logout_sync(iscsi);
	iscsi_destroy_context(iscsi);
}

static int write_extent(struct iscsi_context *iscsi, int lun, uint32_t bs,
			const struct extent *e)
{
	struct scsi_task *t;
	int ok;

	t = iscsi_write16_sync(iscsi, lun, e->lba, e->data, e->nblocks * bs, bs,
			       0, 0, 0, 0, 0);
	ok = t && t->status == SCSI_STATUS_GOOD;
	if (!ok)
		fprintf(stderr, "rwverify: WRITE(16) lba %" PRIu64 " x%u: %s\n",
			e->lba, e->nblocks, t ? iscsi_get_error(iscsi) : "no task");
	if (t)
		scsi_free_scsi_task(t);
	return ok;
}

static int read_compare(struct iscsi_context *iscsi, int lun, uint32_t bs,
			const struct extent *e)
{
	struct scsi_task *t;
	size_t len = (size_t)e->nblocks * bs;
	int ok;

	t = iscsi_read16_sync(iscsi, lun, e->lba, len, bs, 0, 0, 0, 0, 0);
	ok = t && t->status == SCSI_STATUS_GOOD && t->datain.size >= 0 &&
	     (size_t)t->datain.size == len &&
	     memcmp(t->datain.data, e->data, len) == 0;
	if (!ok)
		fprintf(stderr, "rwverify: READ(16) lba %" PRIu64 " x%u: %s\n",
			e->lba, e->nblocks,
			!t ? "no task" : t->status != SCSI_STATUS_GOOD ?
			iscsi_get_error(iscsi) : "data differ");
	if (t)
		scsi_free_scsi_task(t);
	return ok;
}

static int file_compare(int fd, uint32_t bs, const struct extent *e)
{
	size_t len = (size_t)e->nblocks * bs, done = 0;
	unsigned char *buf = malloc(len);
	int ok;

	if (!buf)
		return 0;
	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done,
				  (off_t)(e->lba * bs + done));
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	ok = done == len && memcmp(buf, e->data, len) == 0;
	if (!ok)
		fprintf(stderr, "rwverify: backing file at lba %" PRIu64
			" differs\n", e->lba);
	free(buf);
	return ok;
}

static int expect_check_condition(struct scsi_task *t)
{
	int ok = t && t->status == SCSI_STATUS_CHECK_CONDITION &&
		 t->sense.key == SCSI_SENSE_ILLEGAL_REQUEST;

	if (t)
		scsi_free_scsi_task(t);
	return ok;
}

static void usage(void)
{
	fprintf(stderr, "usage: rwverify [-f BACKING_FILE] [-s SEED] [-D] URL\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *file = NULL, *url;
	struct iscsi_context *iscsi;
	struct scsi_task *t;
	struct scsi_readcapacity16 *rc16;
	struct extent ext[8];
	uint64_t nlba;
	uint32_t bs;
	int opt, digest = 0, lun = 1, i, n = 0, ok;
	unsigned long long seed = 0x7467742d69736373ULL;
	char *end;

	while ((opt = getopt(argc, argv, "f:s:D")) != -1) {
		switch (opt) {
		case 'f':
			file = optarg;
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg)
				usage();
			break;
		case 'D':
			digest = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	url = argv[optind];
	end = strrchr(url, '/');
	if (end) {
		long v = strtol(end + 1, NULL, 10);
		if (v >= 0 && v < 16384)
			lun = (int)v;
	}
	rng_state = seed ? seed : 1;

	iscsi = login(url, digest);
	step(iscsi != NULL, "login");
	if (!iscsi)
		return 1;

	t = iscsi_readcapacity16_sync(iscsi, lun);
	rc16 = t && t->status == SCSI_STATUS_GOOD ? scsi_datain_unmarshall(t) : NULL;
	step(rc16 != NULL, "READ CAPACITY(16)");
	if (!rc16) {
		if (t)
			scsi_free_scsi_task(t);
		logout(iscsi);
		return 1;
	}
	bs = rc16->block_length;
	nlba = rc16->returned_lba + 1;
	scsi_free_scsi_task(t);
	if (bs == 0 || bs > 65536 || nlba < 4096) {
		step(0, "capacity is usable (block size, at least 4096 blocks)");
		logout(iscsi);
		return 1;
	}

	/* 1 block at 0; 8 at an odd offset; a 1 MiB extent in the middle;
	 * 255 blocks; the last block; the 7 blocks before it. */
	{
		const uint64_t lbas[] = { 0, 3, nlba / 2, 1001, nlba - 1, nlba - 8 };
		const uint32_t lens[] = { 1, 8, (1024 * 1024) / bs, 255, 1, 7 };

		for (i = 0; i < 6; i++) {
			ext[n].lba = lbas[i];
			ext[n].nblocks = lens[i] ? lens[i] : 1;
			ext[n].data = malloc((size_t)ext[n].nblocks * bs);
			if (!ext[n].data) {
				fprintf(stderr, "rwverify: out of memory\n");
				return 1;
			}
			fill(ext[n].data, (size_t)ext[n].nblocks * bs);
			n++;
		}
	}

	ok = 1;
	for (i = 0; i < n; i++)
		ok &= write_extent(iscsi, lun, bs, &ext[i]);
	step(ok, "WRITE(16): 1, 8, 1 MiB, 255, 1 (last LBA), 7 blocks");

	ok = 1;
	for (i = 0; i < n; i++)
		ok &= read_compare(iscsi, lun, bs, &ext[i]);
	step(ok, "READ(16) in the same session returns what was written");

	t = iscsi_synchronizecache10_sync(iscsi, lun, 0, 0, 0, 0);
	step(t && t->status == SCSI_STATUS_GOOD, "SYNCHRONIZE CACHE(10)");
	if (t)
		scsi_free_scsi_task(t);

	{
		unsigned char blk[65536];

		memset(blk, 0xa5, bs);
		t = iscsi_write16_sync(iscsi, lun, nlba, blk, bs, bs, 0, 0, 0, 0, 0);
		step(expect_check_condition(t),
		     "WRITE(16) past the end: CHECK CONDITION, ILLEGAL REQUEST");
		t = iscsi_read16_sync(iscsi, lun, nlba - 1, 2 * bs, bs, 0, 0, 0, 0, 0);
		step(expect_check_condition(t),
		     "READ(16) across the end: CHECK CONDITION, ILLEGAL REQUEST");
	}
	logout(iscsi);

	iscsi = login(url, digest);
	step(iscsi != NULL, "second login (new session)");
	if (iscsi) {
		ok = 1;
		for (i = 0; i < n; i++)
			ok &= read_compare(iscsi, lun, bs, &ext[i]);
		step(ok, "READ(16) in a new session returns what was written");
		logout(iscsi);
	}

	if (file) {
		int fd = open(file, O_RDONLY);

		ok = fd >= 0;
		for (i = 0; ok && i < n; i++)
			ok &= file_compare(fd, bs, &ext[i]);
		if (fd >= 0)
			close(fd);
		step(ok, "the backing file holds what was written");
	}

	for (i = 0; i < n; i++)
		free(ext[i].data);
	printf("# rwverify: %d failed\n", failures);
	return failures ? 1 : 0;
}
