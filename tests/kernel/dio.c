// SPDX-License-Identifier: GPL-2.0-only
/*
 * dio: O_DIRECT data-integrity check for the kernel test guest.
 *
 *   dio [-b BACKING] [-r MIB] [-n WRITES] [-s SEED] DEVICE
 *
 * Writes WRITES blocks (default 200) of 512 B .. 1 MiB at offsets on the
 * 512-byte grid but otherwise unaligned, from buffers that are 512- but
 * not page-aligned, into the first MIB MiB (default 8) of DEVICE, plus one
 * block that ends at the device's last LBA.  Each write is read back at
 * once and compared; at the end the whole region is read back (O_DIRECT)
 * and compared with the expected image, and with BACKING (the LU's
 * backing file, read through the page cache) when given.
 * Exit status 0 when everything matched; messages name the first
 * mismatching byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SECTOR		512u
#define MAX_IO		(1u << 20)

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static void fill(unsigned char *p, size_t len, uint64_t off, uint64_t gen)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = ((off + i) * 0x9E3779B97F4A7C15ULL) ^ (gen << 48) ^
			     (off + i);

		memcpy(p + i, &v, 8 <= len - i ? 8 : len - i);
	}
}

static int full_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n = pwrite(fd, buf, len, off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int full_pread(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
				  off + (off_t)done);

		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

static int compare(const char *what, const unsigned char *got,
		   const unsigned char *want, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len; i++) {
		if (got[i] != want[i]) {
			fprintf(stderr,
				"dio: %s: mismatch at byte %" PRIu64
				" (got 0x%02x, want 0x%02x)\n",
				what, off + i, got[i], want[i]);
			return -1;
		}
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return (errno || end == s || *end) ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: dio [-b BACKING] [-r MIB] [-n WRITES] [-s SEED] DEVICE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *backing = NULL;
	uint64_t region_mb = 8, writes = 200, seed = 1, v;
	uint64_t dev_size, region;
	unsigned char *image, *wbuf, *rbuf;
	int opt, fd, ret;
	/* Sizes that must all be exercised, then random ones. */
	static const size_t sizes[] = {
		512, 1024, 1536, 4096, 4608, 8192, 65024, 65536, 66048,
		131072, 262144, 524288, 1048064, 1048576,
	};
	const size_t nsizes = sizeof(sizes) / sizeof(sizes[0]);

	while ((opt = getopt(argc, argv, "b:r:n:s:")) != -1) {
		switch (opt) {
		case 'b':
			backing = optarg;
			break;
		case 'r':
			if (parse_u64(optarg, &region_mb) || !region_mb ||
			    region_mb > 256)
				usage();
			break;
		case 'n':
			if (parse_u64(optarg, &writes))
				usage();
			break;
		case 's':
			if (parse_u64(optarg, &v))
				usage();
			seed = v;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	rng_state = seed ? seed : 1;

	fd = open(argv[optind], O_RDWR | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "dio: open %s: %s\n", argv[optind],
			strerror(errno));
		return 1;
	}
	if (ioctl(fd, BLKGETSIZE64, &dev_size)) {
		fprintf(stderr, "dio: BLKGETSIZE64: %s\n", strerror(errno));
		return 1;
	}
	region = region_mb << 20;
	if (dev_size < region + MAX_IO) {
		fprintf(stderr, "dio: device too small (%" PRIu64 " bytes)\n",
			dev_size);
		return 1;
	}
	image = calloc(1, region);
	/* +SECTOR: the I/O buffers start 512 bytes into a page. */
	if (!image || posix_memalign((void **)&wbuf, 4096, MAX_IO + 4096) ||
	    posix_memalign((void **)&rbuf, 4096, MAX_IO + 4096)) {
		fprintf(stderr, "dio: out of memory\n");
		return 1;
	}

	/* Start from a known image: zero the region. */
	memset(wbuf, 0, MAX_IO);
	for (uint64_t off = 0; off < region; off += MAX_IO) {
		ret = full_pwrite(fd, wbuf, MAX_IO, (off_t)off);
		if (ret) {
			fprintf(stderr, "dio: zeroing at %" PRIu64 ": %s\n",
				off, strerror(-ret));
			return 1;
		}
	}

	for (uint64_t i = 0; i < writes + nsizes + 1; i++) {
		unsigned char *w = wbuf + SECTOR, *r = rbuf + SECTOR;
		size_t len;
		uint64_t off;
		int last = i == writes + nsizes;

		if (i < nsizes)
			len = sizes[i];
		else
			len = (size_t)(1 + rng() % (MAX_IO / SECTOR)) * SECTOR;
		if (last) {	/* the device's last LBAs */
			len = 65536;
			off = dev_size - len;
		} else {
			off = (rng() % ((region - len) / SECTOR + 1)) * SECTOR;
		}
		fill(w, len, off, i + 1);
		ret = full_pwrite(fd, w, len, (off_t)off);
		if (ret) {
			fprintf(stderr,
				"dio: write %zu at %" PRIu64 ": %s\n", len, off,
				strerror(-ret));
			return 1;
		}
		memset(r, 0xa5, len);
		ret = full_pread(fd, r, len, (off_t)off);
		if (ret) {
			fprintf(stderr, "dio: read %zu at %" PRIu64 ": %s\n",
				len, off, strerror(-ret));
			return 1;
		}
		if (compare("read-back", r, w, len, off))
			return 1;
		if (!last)
			memcpy(image + off, w, len);
	}

	/* The whole region again, then the backing file. */
	for (uint64_t off = 0; off < region; off += MAX_IO) {
		ret = full_pread(fd, rbuf, MAX_IO, (off_t)off);
		if (ret) {
			fprintf(stderr, "dio: re-read at %" PRIu64 ": %s\n",
				off, strerror(-ret));
			return 1;
		}
		if (compare("device vs image", rbuf, image + off, MAX_IO, off))
			return 1;
	}
	if (fsync(fd)) {
		fprintf(stderr, "dio: fsync: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	if (backing) {
		int bfd = open(backing, O_RDONLY);

		if (bfd < 0) {
			fprintf(stderr, "dio: open %s: %s\n", backing,
				strerror(errno));
			return 1;
		}
		for (uint64_t off = 0; off < region; off += MAX_IO) {
			ret = full_pread(bfd, rbuf, MAX_IO, (off_t)off);
			if (ret) {
				fprintf(stderr, "dio: backing read: %s\n",
					strerror(-ret));
				return 1;
			}
			if (compare("backing file vs image", rbuf,
				    image + off, MAX_IO, off))
				return 1;
		}
		close(bfd);
	}
	printf("dio: %" PRIu64 " writes of 512 B..1 MiB in %" PRIu64
	       " MiB and at the last LBA: all data matched%s\n",
	       writes + nsizes + 1, region_mb,
	       backing ? " (device and backing file)" : "");
	free(image);
	free(wbuf);
	free(rbuf);
	return 0;
}
