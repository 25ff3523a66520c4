/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: backing stores (usr/bs) driven directly, without the core.
 * Requests are submitted and waited for with a condition variable.
 * Faults a filesystem will not produce on demand (short transfers, EINTR,
 * EIO, ENOSPC) are injected into rdwr through bs_rdwr_test.h.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bs/bs.h"
#include "bs/bs_rdwr_test.h"
#include "util/util.h"

#define FILE_SIZE	(4u << 20)

static const char *const file_types[] = { "rdwr", "aio" };

/* ---------- helpers ---------- */

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int calls;
	ssize_t res;
};

static void waiter_init(struct waiter *w)
{
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->calls = 0;
	w->res = 0;
}

static void waiter_done(struct bs_io *io, ssize_t res)
{
	struct waiter *w = io->priv;

	pthread_mutex_lock(&w->lock);
	w->res = res;
	w->calls++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static ssize_t waiter_wait(struct waiter *w)
{
	ssize_t res;

	pthread_mutex_lock(&w->lock);
	while (!w->calls)
		pthread_cond_wait(&w->cond, &w->lock);
	res = w->res;
	pthread_mutex_unlock(&w->lock);
	return res;
}

typedef int (*bs_submit_fn)(struct bs *bs, struct bs_io *io);

/* Submits and waits; checks done ran exactly once. */
static ssize_t io_run(struct bs *bs, bs_submit_fn fn, struct bs_io *io)
{
	struct waiter w;
	ssize_t res;
	int ret;

	waiter_init(&w);
	io->done = waiter_done;
	io->priv = &w;
	ret = fn(bs, io);
	if (ret)
		return ret;
	res = waiter_wait(&w);
	usleep(1000);
	ck_assert_int_eq(w.calls, 1);
	return res;
}

static ssize_t io_rw(struct bs *bs, bool write, uint64_t off, void *buf,
		     size_t len, uint32_t flags)
{
	struct iovec iov = { buf, len };
	struct bs_io io = {
		.offset = off, .len = len, .iov = &iov, .iovcnt = 1,
		.flags = flags,
	};

	return io_run(bs, write ? bs_write : bs_read, &io);
}

static ssize_t io_simple(struct bs *bs, bs_submit_fn fn, uint64_t off,
			 size_t len)
{
	struct bs_io io = { .offset = off, .len = len };

	return io_run(bs, fn, &io);
}

static char *tmpfile_make(uint64_t size)
{
	char *path = strdup("/var/tmp/tgt-check-bs-XXXXXX");
	int fd;

	ck_assert_ptr_nonnull(path);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
	return path;
}

static void tmpfile_drop(char *path)
{
	unlink(path);
	free(path);
}

static void pattern_fill(uint8_t *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + seed + (i >> 9));
}

static void *xalloc(size_t len)
{
	void *p;

	ck_assert_int_eq(posix_memalign(&p, 4096, len), 0);
	return p;
}

/* The file's bytes, read behind the backing store's back. */
static void file_check(const char *path, uint64_t off, const uint8_t *want,
		       size_t len)
{
	uint8_t *got = xalloc(len);
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, got, len, (off_t)off), (ssize_t)len);
	ck_assert_mem_eq(got, want, len);
	close(fd);
	free(got);
}

static struct bs *open_ok(const char *type, const char *path, unsigned fl)
{
	struct bs *bs;

	ck_assert_int_eq(bs_open(type, path, fl, &bs), 0);
	ck_assert_ptr_nonnull(bs);
	return bs;
}

/* ---------- registry and arguments ---------- */

START_TEST(test_registry)
{
	const char *names = bs_ops_names();
	struct bs *bs = (struct bs *)1;

	ck_assert_ptr_nonnull(bs_ops_find("rdwr"));
	ck_assert_ptr_nonnull(bs_ops_find("aio"));
	ck_assert_ptr_nonnull(bs_ops_find("null"));
	ck_assert_ptr_null(bs_ops_find("sg"));
	ck_assert_ptr_null(bs_ops_find(NULL));
	ck_assert_ptr_nonnull(strstr(names, "rdwr"));
	ck_assert_ptr_nonnull(strstr(names, "aio"));
	ck_assert_ptr_nonnull(strstr(names, "null"));
	ck_assert_int_eq(bs_open("sg", "/dev/null", 0, &bs), -EINVAL);
	ck_assert_ptr_null(bs);
	ck_assert_int_eq(bs_open("null", "1M", 0x100, &bs), -EINVAL);
	ck_assert_int_eq(bs_open("null", NULL, 0, &bs), -EINVAL);
}
END_TEST

START_TEST(test_bad_args)
{
	struct bs *bs = open_ok("null", "1M", 0);
	uint8_t buf[512];
	struct iovec iov = { buf, sizeof(buf) };
	struct waiter w;
	struct bs_io io = {
		.offset = 0, .len = 256, .iov = &iov, .iovcnt = 1,
		.done = waiter_done, .priv = &w,
	};

	waiter_init(&w);
	/* iovecs must add up to len */
	ck_assert_int_eq(bs_read(bs, &io), -EINVAL);
	io.len = sizeof(buf);
	io.flags = 0x80;
	ck_assert_int_eq(bs_write(bs, &io), -EINVAL);
	io.flags = 0;
	io.done = NULL;
	ck_assert_int_eq(bs_read(bs, &io), -EINVAL);
	io.done = waiter_done;
	io.offset = UINT64_MAX - 10;
	ck_assert_int_eq(bs_read(bs, &io), -EINVAL);
	io.offset = 0;
	io.iovcnt = -1;
	ck_assert_int_eq(bs_read(bs, &io), -EINVAL);
	ck_assert_int_eq(w.calls, 0);
	bs_close(bs);
}
END_TEST

/* ---------- every store ---------- */

START_TEST(test_open_close)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok(file_types[_i], path, 0);
	uint64_t size = 0;

	ck_assert_uint_eq(bs->size, FILE_SIZE);
	ck_assert_int_eq(bs_get_size(bs, &size), 0);
	ck_assert_uint_eq(size, FILE_SIZE);
	/* a file that grows is seen to grow */
	ck_assert_int_eq(truncate(path, 2 * FILE_SIZE), 0);
	ck_assert_int_eq(bs_get_size(bs, &size), 0);
	ck_assert_uint_eq(size, 2 * FILE_SIZE);
	bs_close(bs);
	tmpfile_drop(path);
}
END_TEST

START_TEST(test_missing_file)
{
	struct bs *bs;

	ck_assert_int_eq(bs_open(file_types[_i], "/var/tmp/tgt-no-such-file",
				 0, &bs), -ENOENT);
	ck_assert_int_eq(bs_open(file_types[_i], "/dev/null", 0, &bs),
			 -EINVAL);
}
END_TEST

START_TEST(test_roundtrip)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok(file_types[_i], path, 0);
	size_t len = 64 << 10;
	uint8_t *out = xalloc(len), *in = xalloc(len);

	pattern_fill(out, len, 3);
	ck_assert_int_eq(io_rw(bs, true, 12288, out, len, 0), (ssize_t)len);
	memset(in, 0, len);
	ck_assert_int_eq(io_rw(bs, false, 12288, in, len, 0), (ssize_t)len);
	ck_assert_mem_eq(in, out, len);
	file_check(path, 12288, out, len);
	/* zero-length requests complete too */
	ck_assert_int_eq(io_rw(bs, false, 0, in, 0, 0), 0);
	bs_close(bs);
	tmpfile_drop(path);
	free(out);
	free(in);
}
END_TEST

/* Written with one split of iovecs, read back with another. */
START_TEST(test_scatter)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok(file_types[_i], path, 0);
	uint8_t *out = xalloc(8192), *in = xalloc(8192);
	struct iovec wv[4] = {
		{ out, 100 }, { out + 100, 3000 }, { out + 3100, 1 },
		{ out + 3101, 8192 - 3101 },
	};
	struct iovec rv[3] = {
		{ in, 4096 }, { in + 4096, 0 }, { in + 4096, 4096 },
	};
	struct bs_io io = { .offset = 4096, .len = 8192, .iov = wv,
			    .iovcnt = 4 };

	pattern_fill(out, 8192, 11);
	memset(in, 0, 8192);
	ck_assert_int_eq(io_run(bs, bs_write, &io), 8192);
	io.iov = rv;
	io.iovcnt = 3;
	ck_assert_int_eq(io_run(bs, bs_read, &io), 8192);
	ck_assert_mem_eq(in, out, 8192);
	file_check(path, 4096, out, 8192);
	bs_close(bs);
	tmpfile_drop(path);
	free(out);
	free(in);
}
END_TEST

START_TEST(test_fua_flush)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok(file_types[_i], path, 0);
	uint8_t *out = xalloc(4096);

	pattern_fill(out, 4096, 5);
	ck_assert_int_eq(io_rw(bs, true, 0, out, 4096, BS_IO_FUA), 4096);
	file_check(path, 0, out, 4096);
	ck_assert_int_eq(io_simple(bs, bs_flush, 0, 0), 0);
	bs_close(bs);
	tmpfile_drop(path);
	free(out);
}
END_TEST

START_TEST(test_unmap_zeroes)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok(file_types[_i], path, 0);
	size_t len = 1 << 20;
	uint8_t *out = xalloc(len), *in = xalloc(len), *zero = calloc(1, len);
	struct stat st;

	pattern_fill(out, len, 9);
	ck_assert_int_eq(io_rw(bs, true, 0, out, len, 0), (ssize_t)len);
	ck_assert_int_eq(io_simple(bs, bs_unmap, 65536, 131072), 131072);
	ck_assert_int_eq(io_rw(bs, false, 0, in, len, 0), (ssize_t)len);
	ck_assert_mem_eq(in, out, 65536);
	ck_assert_mem_eq(in + 65536, zero, 131072);
	ck_assert_mem_eq(in + 196608, out + 196608, len - 196608);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, FILE_SIZE);	/* KEEP_SIZE */
	bs_close(bs);
	tmpfile_drop(path);
	free(out);
	free(in);
	free(zero);
}
END_TEST

START_TEST(test_readonly)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok(file_types[_i], path, BS_O_RDONLY);
	uint8_t buf[512] = { 0 };

	ck_assert_int_eq(io_rw(bs, false, 0, buf, sizeof(buf), 0), 512);
	ck_assert_int_eq(io_rw(bs, true, 0, buf, sizeof(buf), 0), -EROFS);
	ck_assert_int_eq(io_simple(bs, bs_unmap, 0, 4096), -EROFS);
	ck_assert_int_eq(io_simple(bs, bs_flush, 0, 0), 0);
	bs_close(bs);
	tmpfile_drop(path);
}
END_TEST

/*
 * A read running into EOF (the file shrank under us) comes back short,
 * is continued, makes no progress and ends as -EIO instead of looping.
 */
START_TEST(test_read_past_eof)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok(file_types[_i], path, 0);
	uint8_t *in = xalloc(3 * 4096);
	struct iovec rv[2] = { { in, 4096 }, { in + 4096, 2 * 4096 } };
	struct bs_io io = { .offset = FILE_SIZE - 4096, .len = 3 * 4096,
			    .iov = rv, .iovcnt = 2 };

	ck_assert_int_eq(io_run(bs, bs_read, &io), -EIO);
	bs_close(bs);
	tmpfile_drop(path);
	free(in);
}
END_TEST

/* More requests at once than aio's queue depth: none is dropped. */
#define MANY	300

struct many {
	struct bs_io io[MANY];
	struct iovec iov[MANY];
	struct waiter w;
	uint8_t *buf;
};

static void many_done(struct bs_io *io, ssize_t res)
{
	struct waiter *w = io->priv;

	pthread_mutex_lock(&w->lock);
	if (res != (ssize_t)io->len)
		w->res = res < 0 ? res : -EIO;
	if (++w->calls == MANY)
		pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void many_run(struct bs *bs, struct many *m, bool write)
{
	waiter_init(&m->w);
	for (int i = 0; i < MANY; i++) {
		m->iov[i].iov_base = m->buf + (size_t)i * 4096;
		m->iov[i].iov_len = 4096;
		m->io[i] = (struct bs_io){
			.offset = (uint64_t)i * 4096, .len = 4096,
			.iov = &m->iov[i], .iovcnt = 1, .done = many_done,
			.priv = &m->w,
		};
		ck_assert_int_eq(write ? bs_write(bs, &m->io[i]) :
				 bs_read(bs, &m->io[i]), 0);
	}
	pthread_mutex_lock(&m->w.lock);
	while (m->w.calls < MANY)
		pthread_cond_wait(&m->w.cond, &m->w.lock);
	pthread_mutex_unlock(&m->w.lock);
	ck_assert_int_eq(m->w.res, 0);
}

START_TEST(test_many_inflight)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok(file_types[_i], path, 0);
	struct many *m = calloc(1, sizeof(*m));
	uint8_t *out = xalloc(MANY * 4096);

	m->buf = out;
	pattern_fill(out, MANY * 4096, 17);
	many_run(bs, m, true);
	m->buf = xalloc(MANY * 4096);
	many_run(bs, m, false);
	ck_assert_mem_eq(m->buf, out, MANY * 4096);
	file_check(path, 0, out, MANY * 4096);
	bs_close(bs);
	tmpfile_drop(path);
	free(m->buf);
	free(m);
	free(out);
}
END_TEST

/* ---------- null ---------- */

START_TEST(test_null)
{
	struct bs *bs;
	uint8_t buf[4096];

	ck_assert_int_eq(bs_open("null", "abc", 0, &bs), -EINVAL);
	ck_assert_int_eq(bs_open("null", "0", 0, &bs), -EINVAL);
	bs = open_ok("null", "64M", 0);
	ck_assert_uint_eq(bs->size, 64u << 20);
	bs_close(bs);
	bs = open_ok("null", "3T", 0);
	ck_assert_uint_eq(bs->size, 3ull << 40);
	memset(buf, 0xaa, sizeof(buf));
	ck_assert_int_eq(io_rw(bs, true, 2ull << 40, buf, 4096, BS_IO_FUA),
			 4096);
	ck_assert_int_eq(io_rw(bs, false, 2ull << 40, buf, 4096, 0), 4096);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
	ck_assert_int_eq(io_simple(bs, bs_flush, 0, 0), 0);
	ck_assert_int_eq(io_simple(bs, bs_unmap, 0, 4096), 4096);
	bs_close(bs);
}
END_TEST

/* ---------- rdwr fault injection ---------- */

static int sys_calls;
static int sys_last_flags;
static int sys_syncs;

static bool sys_tick_eintr(void)
{
	if (__atomic_fetch_add(&sys_calls, 1, __ATOMIC_RELAXED) % 2)
		return false;
	errno = EINTR;
	return true;
}

/* Every other call fails with EINTR; the rest move <= 1000 bytes. */
static ssize_t short_preadv(int fd, const struct iovec *iov, int cnt,
			    off_t off)
{
	struct iovec one = iov[0];

	if (sys_tick_eintr())
		return -1;
	one.iov_len = MIN(one.iov_len, 1000);
	return preadv(fd, &one, 1, off);
}

static ssize_t short_pwritev2(int fd, const struct iovec *iov, int cnt,
			      off_t off, int flags)
{
	struct iovec one = iov[0];

	if (sys_tick_eintr())
		return -1;
	one.iov_len = MIN(one.iov_len, 1000);
	return pwritev2(fd, &one, 1, off, flags);
}

static void sys_reset(void)
{
	bs_rdwr_sys_reset();
	sys_calls = 0;
	sys_last_flags = -1;
	sys_syncs = 0;
}

START_TEST(test_rdwr_short_eintr)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok("rdwr", path, 0);
	size_t len = 10000;
	uint8_t *out = xalloc(len), *in = xalloc(len);
	struct iovec wv[3] = {
		{ out, 2500 }, { out + 2500, 2500 }, { out + 5000, 5000 },
	};
	struct bs_io io = { .offset = 777, .len = len, .iov = wv,
			    .iovcnt = 3 };

	sys_reset();
	pattern_fill(out, len, 23);
	bs_rdwr_sys.preadv = short_preadv;
	bs_rdwr_sys.pwritev2 = short_pwritev2;
	ck_assert_int_eq(io_run(bs, bs_write, &io), (ssize_t)len);
	ck_assert_int_ge(sys_calls, 2 * 11);
	sys_calls = 0;
	ck_assert_int_eq(io_rw(bs, false, 777, in, len, 0), (ssize_t)len);
	ck_assert_int_ge(sys_calls, 2 * 10);
	sys_reset();
	ck_assert_mem_eq(in, out, len);
	file_check(path, 777, out, len);
	bs_close(bs);
	tmpfile_drop(path);
	free(out);
	free(in);
}
END_TEST

static ssize_t fail_preadv(int fd, const struct iovec *iov, int cnt,
			   off_t off)
{
	errno = EIO;
	return -1;
}

static ssize_t eof_preadv(int fd, const struct iovec *iov, int cnt,
			  off_t off)
{
	__atomic_fetch_add(&sys_calls, 1, __ATOMIC_RELAXED);
	return 0;
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

static int nosup_fallocate(int fd, int mode, off_t off, off_t len)
{
	errno = EOPNOTSUPP;
	return -1;
}

START_TEST(test_rdwr_errors)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok("rdwr", path, 0);
	uint8_t buf[4096] = { 0 };

	sys_reset();
	bs_rdwr_sys.preadv = fail_preadv;
	bs_rdwr_sys.pwritev2 = nospc_pwritev2;
	bs_rdwr_sys.fdatasync = eio_fdatasync;
	bs_rdwr_sys.fallocate = nosup_fallocate;
	ck_assert_int_eq(io_rw(bs, false, 0, buf, 4096, 0), -EIO);
	ck_assert_int_eq(io_rw(bs, true, 0, buf, 4096, 0), -ENOSPC);
	ck_assert_int_eq(io_rw(bs, true, 0, buf, 4096, BS_IO_FUA), -ENOSPC);
	ck_assert_int_eq(io_simple(bs, bs_flush, 0, 0), -EIO);
	ck_assert_int_eq(io_simple(bs, bs_unmap, 0, 4096), -EOPNOTSUPP);
	/* a read that makes no progress ends, as an I/O error */
	bs_rdwr_sys.preadv = eof_preadv;
	ck_assert_int_eq(io_rw(bs, false, 0, buf, 4096, 0), -EIO);
	ck_assert_int_eq(sys_calls, 1);
	sys_reset();
	bs_close(bs);
	tmpfile_drop(path);
}
END_TEST

static ssize_t rec_pwritev2(int fd, const struct iovec *iov, int cnt,
			    off_t off, int flags)
{
	sys_last_flags = flags;
	return pwritev2(fd, iov, cnt, off, flags);
}

/* Pretends to be a kernel without RWF_DSYNC. */
static ssize_t old_pwritev2(int fd, const struct iovec *iov, int cnt,
			    off_t off, int flags)
{
	if (flags) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return pwritev(fd, iov, cnt, off);
}

static int count_fdatasync(int fd)
{
	__atomic_fetch_add(&sys_syncs, 1, __ATOMIC_RELAXED);
	return fdatasync(fd);
}

START_TEST(test_rdwr_fua)
{
	char *path = tmpfile_make(FILE_SIZE);
	struct bs *bs = open_ok("rdwr", path, 0);
	uint8_t out[4096];

	sys_reset();
	pattern_fill(out, sizeof(out), 1);
	bs_rdwr_sys.pwritev2 = rec_pwritev2;
	bs_rdwr_sys.fdatasync = count_fdatasync;
	ck_assert_int_eq(io_rw(bs, true, 0, out, 4096, 0), 4096);
	ck_assert_int_eq(sys_last_flags, 0);
	ck_assert_int_eq(io_rw(bs, true, 0, out, 4096, BS_IO_FUA), 4096);
	ck_assert_int_eq(sys_last_flags, RWF_DSYNC);
	ck_assert_int_eq(sys_syncs, 0);
	/* without RWF_DSYNC: the write is followed by fdatasync */
	bs_rdwr_sys.pwritev2 = old_pwritev2;
	ck_assert_int_eq(io_rw(bs, true, 4096, out, 4096, BS_IO_FUA), 4096);
	ck_assert_int_eq(sys_syncs, 1);
	ck_assert_int_eq(io_rw(bs, true, 8192, out, 4096, BS_IO_FUA), 4096);
	ck_assert_int_eq(sys_syncs, 2);
	sys_reset();
	file_check(path, 8192, out, 4096);
	bs_close(bs);
	tmpfile_drop(path);
}
END_TEST

/* ---------- aio with O_DIRECT ---------- */

START_TEST(test_aio_direct)
{
	char *path = tmpfile_make(FILE_SIZE);
	size_t len = 256 << 10;
	uint8_t *out = xalloc(len), *in = xalloc(len);
	struct bs *bs;
	int ret;

	ret = bs_open("aio", path, BS_O_DIRECT, &bs);
	if (ret == -EINVAL) {
		printf("check_bs: NOTE: O_DIRECT unsupported on /var/tmp, "
		       "aio O_DIRECT test skipped\n");
		goto out;
	}
	ck_assert_int_eq(ret, 0);
	pattern_fill(out, len, 31);
	ck_assert_int_eq(io_rw(bs, true, 1 << 20, out, len, 0), (ssize_t)len);
	ck_assert_int_eq(io_rw(bs, true, 0, out, 4096, BS_IO_FUA), 4096);
	ck_assert_int_eq(io_rw(bs, false, 1 << 20, in, len, 0), (ssize_t)len);
	ck_assert_mem_eq(in, out, len);
	ck_assert_int_eq(io_simple(bs, bs_flush, 0, 0), 0);
	/* unaligned buffers are the caller's bug: an error, not a crash */
	ck_assert_int_lt(io_rw(bs, false, 0, in + 1, 4096, 0), 0);
	bs_close(bs);
	file_check(path, 1 << 20, out, len);
out:
	tmpfile_drop(path);
	free(out);
	free(in);
}
END_TEST

static Suite *bs_suite(void)
{
	Suite *s = suite_create("bs");
	TCase *api = tcase_create("api");
	TCase *file = tcase_create("file");
	TCase *inj = tcase_create("rdwr-inject");

	tcase_add_test(api, test_registry);
	tcase_add_test(api, test_bad_args);
	tcase_add_test(api, test_null);
	suite_add_tcase(s, api);
	tcase_add_loop_test(file, test_open_close, 0, 2);
	tcase_add_loop_test(file, test_missing_file, 0, 2);
	tcase_add_loop_test(file, test_roundtrip, 0, 2);
	tcase_add_loop_test(file, test_scatter, 0, 2);
	tcase_add_loop_test(file, test_fua_flush, 0, 2);
	tcase_add_loop_test(file, test_unmap_zeroes, 0, 2);
	tcase_add_loop_test(file, test_readonly, 0, 2);
	tcase_add_loop_test(file, test_many_inflight, 0, 2);
	tcase_add_loop_test(file, test_read_past_eof, 0, 2);
	tcase_add_test(file, test_aio_direct);
	suite_add_tcase(s, file);
	tcase_add_test(inj, test_rdwr_short_eintr);
	tcase_add_test(inj, test_rdwr_errors);
	tcase_add_test(inj, test_rdwr_fua);
	suite_add_tcase(s, inj);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(bs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
