// SPDX-License-Identifier: GPL-2.0-only
/*
 * iobench: O_DIRECT throughput of a block device, for the kernel
 * benchmark (tests/kernel/bench.sh).  A figure, never a verdict.
 *
 *   iobench [-t THREADS] [-s SECONDS] MODE DEVICE
 *
 * MODE: seqread / seqwrite (1 MiB requests, each thread streaming its own
 * slice of the device) or randread (4 KiB requests at random 4 KiB-aligned
 * offsets).  Prints one line:
 *   "MODE DEVICE: X MB/s, Y IOPS (T threads, S s)"
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

enum mode { SEQREAD, SEQWRITE, RANDREAD };

struct worker {
	pthread_t thread;
	int fd;
	enum mode mode;
	uint64_t start, len;	/* slice (sequential modes) */
	uint64_t dev_size;
	uint64_t seed;
	uint64_t ios, bytes;
	int err;
};

static atomic_int stop;

static uint64_t rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	size_t bs = w->mode == RANDREAD ? 4096 : 1u << 20;
	uint64_t pos = 0;
	void *buf;

	if (posix_memalign(&buf, 4096, bs)) {
		w->err = ENOMEM;
		return NULL;
	}
	memset(buf, 0x5a, bs);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		uint64_t off;
		ssize_t n;

		if (w->mode == RANDREAD) {
			off = (rng(&w->seed) % (w->dev_size / bs)) * bs;
		} else {
			if (pos + bs > w->len)
				pos = 0;
			off = w->start + pos;
			pos += bs;
		}
		if (w->mode == SEQWRITE)
			n = pwrite(w->fd, buf, bs, (off_t)off);
		else
			n = pread(w->fd, buf, bs, (off_t)off);
		if (n != (ssize_t)bs) {
			w->err = n < 0 ? errno : EIO;
			break;
		}
		w->ios++;
		w->bytes += bs;
	}
	free(buf);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return (errno || end == s || *end || !*v || *v > max) ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: iobench [-t THREADS] [-s SECONDS] "
			"seqread|seqwrite|randread DEVICE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long threads = 4, secs = 3;
	struct worker *w;
	enum mode mode;
	uint64_t dev_size, ios = 0, bytes = 0;
	double t0, t1;
	int opt, fd, err = 0;
	struct timespec run;

	while ((opt = getopt(argc, argv, "t:s:")) != -1) {
		if (opt == 't' && !parse_uint(optarg, 64, &threads))
			continue;
		if (opt == 's' && !parse_uint(optarg, 3600, &secs))
			continue;
		usage();
	}
	if (optind != argc - 2)
		usage();
	if (!strcmp(argv[optind], "seqread"))
		mode = SEQREAD;
	else if (!strcmp(argv[optind], "seqwrite"))
		mode = SEQWRITE;
	else if (!strcmp(argv[optind], "randread"))
		mode = RANDREAD;
	else
		usage();

	fd = open(argv[optind + 1], (mode == SEQWRITE ? O_RDWR : O_RDONLY) |
				    O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &dev_size)) {
		fprintf(stderr, "iobench: %s: %s\n", argv[optind + 1],
			strerror(errno));
		return 1;
	}
	if (dev_size < threads << 20) {
		fprintf(stderr, "iobench: device too small\n");
		return 1;
	}
	w = calloc(threads, sizeof(*w));
	if (!w)
		return 1;
	t0 = now();
	for (unsigned long i = 0; i < threads; i++) {
		uint64_t slice = (dev_size / threads) & ~((1ULL << 20) - 1);

		w[i] = (struct worker){ .fd = fd, .mode = mode,
					.start = i * slice, .len = slice,
					.dev_size = dev_size,
					.seed = 0x1234567ULL * (i + 1) };
		if (pthread_create(&w[i].thread, NULL, worker_run, &w[i])) {
			fprintf(stderr, "iobench: pthread_create failed\n");
			return 1;
		}
	}
	run = (struct timespec){ .tv_sec = (time_t)secs };
	while (nanosleep(&run, &run) && errno == EINTR)
		;
	atomic_store(&stop, 1);
	for (unsigned long i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		ios += w[i].ios;
		bytes += w[i].bytes;
		if (w[i].err)
			err = w[i].err;
	}
	t1 = now();
	if (err) {
		fprintf(stderr, "iobench: %s %s: %s\n", argv[optind],
			argv[optind + 1], strerror(err));
		return 1;
	}
	printf("%s %s: %.1f MB/s, %.0f IOPS (%lu threads, %.1f s)\n",
	       argv[optind], argv[optind + 1], (double)bytes / 1e6 / (t1 - t0),
	       (double)ios / (t1 - t0), threads, t1 - t0);
	free(w);
	close(fd);
	return 0;
}
