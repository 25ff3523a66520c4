/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: usr/util (parsers, byte order, strbuf) and the event loop. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/evloop.h"
#include "util/strbuf.h"
#include "util/util.h"

START_TEST(test_parse_u64)
{
	uint64_t v;

	ck_assert_int_eq(util_parse_u64("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(util_parse_u64("0x10", &v), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(util_parse_u64("18446744073709551615", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(util_parse_u64("18446744073709551616", &v), -ERANGE);
	ck_assert_int_eq(util_parse_u64("", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64("-1", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64(" 1", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64("1x", &v), -EINVAL);
	ck_assert_int_eq(util_parse_u64(NULL, &v), -EINVAL);
}
END_TEST

START_TEST(test_parse_ranges)
{
	uint32_t u;
	int i;
	bool b;
	uint64_t sz;

	ck_assert_int_eq(util_parse_u32_range("5", 1, 10, &u), 0);
	ck_assert_uint_eq(u, 5);
	ck_assert_int_eq(util_parse_u32_range("11", 1, 10, &u), -ERANGE);
	ck_assert_int_eq(util_parse_u32_range("0", 1, 10, &u), -ERANGE);
	ck_assert_int_eq(util_parse_int_range("-3", -5, 5, &i), 0);
	ck_assert_int_eq(i, -3);
	ck_assert_int_eq(util_parse_int_range("6", -5, 5, &i), -ERANGE);
	ck_assert_int_eq(util_parse_bool("On", &b), 0);
	ck_assert(b);
	ck_assert_int_eq(util_parse_bool("no", &b), 0);
	ck_assert(!b);
	ck_assert_int_eq(util_parse_bool("maybe", &b), -EINVAL);
	ck_assert_int_eq(util_parse_size("64M", &sz), 0);
	ck_assert_uint_eq(sz, 64ull << 20);
	ck_assert_int_eq(util_parse_size("3t", &sz), 0);
	ck_assert_uint_eq(sz, 3ull << 40);
	ck_assert_int_eq(util_parse_size("512", &sz), 0);
	ck_assert_uint_eq(sz, 512);
	ck_assert_int_eq(util_parse_size("M", &sz), -EINVAL);
	ck_assert_int_eq(util_parse_size("99999999999999T", &sz), -ERANGE);
}
END_TEST

START_TEST(test_byte_order)
{
	uint8_t b[8];

	put_be64(b, 0x0102030405060708ull);
	ck_assert_uint_eq(b[0], 1);
	ck_assert_uint_eq(b[7], 8);
	ck_assert_uint_eq(get_be64(b), 0x0102030405060708ull);
	ck_assert_uint_eq(get_be32(b + 4), 0x05060708);
	ck_assert_uint_eq(get_be24(b + 1), 0x020304);
	ck_assert_uint_eq(get_be16(b + 6), 0x0708);
	put_le32(b, 0xa1b2c3d4);
	ck_assert_uint_eq(b[0], 0xd4);
	ck_assert_uint_eq(get_le32(b), 0xa1b2c3d4);
	put_le64(b, 0x1122334455667788ull);
	ck_assert_uint_eq(get_le64(b), 0x1122334455667788ull);
}
END_TEST

START_TEST(test_strscpy_pad)
{
	char small[4];
	uint8_t f[8];

	ck_assert_int_eq(util_strscpy(small, "abc", sizeof(small)), 3);
	ck_assert_str_eq(small, "abc");
	ck_assert_int_eq(util_strscpy(small, "abcd", sizeof(small)), -E2BIG);
	ck_assert_str_eq(small, "abc");
	util_str_pad(f, sizeof(f), "TGT");
	ck_assert_int_eq(memcmp(f, "TGT     ", 8), 0);
	util_str_pad(f, sizeof(f), "0123456789");
	ck_assert_int_eq(memcmp(f, "01234567", 8), 0);
}
END_TEST

START_TEST(test_strbuf)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_str_eq(strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	ck_assert_uint_eq(sb.len, strlen(sb.buf));
	ck_assert(strncmp(sb.buf, "0,1,2,", 6) == 0);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "x");
	ck_assert_str_eq(strbuf_str(&sb), "x");
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_strbuf_ini_quoting)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_ini(&sb, "k", "plain value");
	strbuf_add_ini(&sb, "k", "semi;colon");
	strbuf_add_ini(&sb, "k", "has\"dq#");
	strbuf_add_ini(&sb, "k", " lead");
	strbuf_add_ini(&sb, "k", "");
	ck_assert_str_eq(sb.buf, "k = plain value\n"
				 "k = \"semi;colon\"\n"
				 "k = 'has\"dq#'\n"
				 "k = \" lead\"\n"
				 "k = \n");
	strbuf_release(&sb);
}
END_TEST

/* ---- event loop ---- */

struct ev_probe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int count;
	int order[8];
	struct evloop *ran_on;
};

static void ev_probe_hit(struct ev_probe *p, int tag)
{
	pthread_mutex_lock(&p->lock);
	if (p->count < 8)
		p->order[p->count] = tag;
	p->count++;
	p->ran_on = evloop_current();
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void ev_probe_wait(struct ev_probe *p, int n)
{
	pthread_mutex_lock(&p->lock);
	while (p->count < n)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

static struct ev_probe probe = { PTHREAD_MUTEX_INITIALIZER,
				 PTHREAD_COND_INITIALIZER, 0, { 0 }, NULL };

static void ev_work_a(void *arg) { ev_probe_hit(&probe, 1); }
static void ev_work_b(void *arg) { ev_probe_hit(&probe, 2); }
static void ev_timer_short(void *arg) { ev_probe_hit(&probe, 10); }
static void ev_timer_long(void *arg) { ev_probe_hit(&probe, 20); }

START_TEST(test_evloop_post_fifo)
{
	struct evloop *loop;
	struct evloop_work a, b;

	ck_assert_int_eq(evloop_create("t", &loop), 0);
	ck_assert_int_eq(evloop_thread_start(loop), 0);
	evloop_work_init(&a, ev_work_a, NULL);
	evloop_work_init(&b, ev_work_b, NULL);
	evloop_post(loop, &a);
	evloop_post(loop, &b);
	ev_probe_wait(&probe, 2);
	ck_assert_int_eq(probe.order[0], 1);
	ck_assert_int_eq(probe.order[1], 2);
	ck_assert_ptr_eq(probe.ran_on, loop);
	evloop_stop(loop);
	evloop_thread_join(loop);
	evloop_destroy(loop);
}
END_TEST

struct ev_timer_ctx {
	struct evloop *loop;
	struct evloop_timer t1, t2, t3;
	struct evloop_work arm;
};

static void ev_never(void *arg) { ev_probe_hit(&probe, 99); }

/* Runs on the loop: timers are loop-thread only. */
static void ev_arm_timers(void *arg)
{
	struct ev_timer_ctx *c = arg;

	evloop_timer_init(&c->t1, ev_timer_long, NULL);
	evloop_timer_init(&c->t2, ev_timer_short, NULL);
	evloop_timer_init(&c->t3, ev_never, NULL);
	evloop_timer_arm(c->loop, &c->t1, 60);
	evloop_timer_arm(c->loop, &c->t2, 10);
	evloop_timer_arm(c->loop, &c->t3, 20);
	evloop_timer_cancel(&c->t3);
	ck_assert(!evloop_timer_armed(&c->t3));
	ck_assert(evloop_timer_armed(&c->t1));
}

START_TEST(test_evloop_timers_order)
{
	struct ev_timer_ctx c;

	ck_assert_int_eq(evloop_create("t", &c.loop), 0);
	ck_assert_int_eq(evloop_thread_start(c.loop), 0);
	evloop_work_init(&c.arm, ev_arm_timers, &c);
	evloop_post(c.loop, &c.arm);
	ev_probe_wait(&probe, 2);
	usleep(50000);
	ck_assert_int_eq(probe.count, 2);
	ck_assert_int_eq(probe.order[0], 10);
	ck_assert_int_eq(probe.order[1], 20);
	evloop_stop(c.loop);
	evloop_thread_join(c.loop);
	evloop_destroy(c.loop);
}
END_TEST

static void ev_fd_cb(int fd, uint32_t events, void *arg)
{
	char c;

	ck_assert(events & EPOLLIN);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	ev_probe_hit(&probe, c);
}

START_TEST(test_evloop_fd)
{
	struct evloop *loop;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(evloop_create("t", &loop), 0);
	ck_assert_int_eq(evloop_fd_add(loop, p[0], EPOLLIN, ev_fd_cb, NULL), 0);
	ck_assert_int_eq(evloop_fd_add(loop, p[0], EPOLLIN, ev_fd_cb, NULL),
			 -EEXIST);
	ck_assert_int_eq(evloop_thread_start(loop), 0);
	ck_assert_int_eq(write(p[1], "\x05", 1), 1);
	ev_probe_wait(&probe, 1);
	ck_assert_int_eq(probe.order[0], 5);
	evloop_stop(loop);
	evloop_thread_join(loop);
	ck_assert_int_eq(evloop_fd_del(loop, p[0]), 0);
	ck_assert_int_eq(evloop_fd_del(loop, p[0]), -ENOENT);
	evloop_destroy(loop);
	close(p[0]);
	close(p[1]);
}
END_TEST

/*
 * Cross-thread posts race with the loop draining its doorbell; a lost
 * wake-up leaves work queued forever, which this test turns into a
 * failure (bounded wait) instead of a hang.
 */
#define STRESS_THREADS	3
#define STRESS_POSTS	100000

struct stress {
	struct evloop *loop;
	struct evloop_work *works;
	atomic_int ran;
};

static void stress_work(void *arg)
{
	atomic_fetch_add(&((struct stress *)arg)->ran, 1);
}

static void *stress_poster(void *arg)
{
	struct stress *s = arg;
	static atomic_int next;
	int base = atomic_fetch_add(&next, 1) * STRESS_POSTS;

	for (int i = 0; i < STRESS_POSTS; i++) {
		evloop_work_init(&s->works[base + i], stress_work, s);
		evloop_post(s->loop, &s->works[base + i]);
		if ((i & 1023) == 0)
			usleep(10);
	}
	return NULL;
}

START_TEST(test_evloop_post_stress)
{
	struct stress s = { 0 };
	pthread_t th[STRESS_THREADS];
	int total = STRESS_THREADS * STRESS_POSTS;

	s.works = calloc((size_t)total, sizeof(*s.works));
	ck_assert_ptr_nonnull(s.works);
	ck_assert_int_eq(evloop_create("t", &s.loop), 0);
	ck_assert_int_eq(evloop_thread_start(s.loop), 0);
	for (int i = 0; i < STRESS_THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, stress_poster,
						&s), 0);
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_join(th[i], NULL);
	for (int ms = 0; ms < 10000 && atomic_load(&s.ran) < total; ms++)
		usleep(1000);
	ck_assert_int_eq(atomic_load(&s.ran), total);
	evloop_stop(s.loop);
	evloop_thread_join(s.loop);
	evloop_destroy(s.loop);
	free(s.works);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("parse");
	TCase *ev = tcase_create("evloop");

	tcase_add_test(tc, test_parse_u64);
	tcase_add_test(tc, test_parse_ranges);
	tcase_add_test(tc, test_byte_order);
	tcase_add_test(tc, test_strscpy_pad);
	tcase_add_test(tc, test_strbuf);
	tcase_add_test(tc, test_strbuf_ini_quoting);
	suite_add_tcase(s, tc);
	tcase_add_test(ev, test_evloop_post_fifo);
	tcase_add_test(ev, test_evloop_timers_order);
	tcase_add_test(ev, test_evloop_fd);
	tcase_add_test(ev, test_evloop_post_stress);
	suite_add_tcase(s, ev);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
