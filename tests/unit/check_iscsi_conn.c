/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: iSCSI connection framing (usr/iscsi/conn.c) over a
 * socketpair with a real event loop: PDUs with padding delivered whole,
 * byte-at-a-time arrival, Rejects for bad opcodes and data digest errors,
 * header digest errors and oversized segments closing the connection,
 * replies written with digests, and portal address parsing.  Data read
 * straight into a caller's iovecs (data_dest): split over iovecs, padding
 * kept out of them, partial reads, digest errors and bad answers.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/evloop.h"
#include "iscsi/conn.h"
#include "iscsi/crc32c.h"
#include "util/util.h"
#include "sockio.h"

struct fixture {
	struct evloop *loop;
	struct iscsi_conn *conn;
	int peer;			/* the initiator's end */
	atomic_int rx, rejects, closed;
	atomic_int last_reason;
	uint8_t last_data[64];
	struct iscsi_tx reply;
	uint8_t reply_data[64];
	/* data_dest: 0 off; else its answer (1: dest_a then dest_b) */
	int dest_ret;
	uint32_t dest_split;		/* bytes into dest_a */
	int dest_sum_delta;		/* a wrong total, for the error case */
	atomic_int dests, rx_direct;	/* data_dest calls, pdu_rx w/o data */
	uint8_t dest_a[64 + 8], dest_b[64 + 8];	/* + guard bytes */
};

static struct fixture fx;
static uint32_t fx_rx_timeout_ms;	/* 0: the default */

/* Echoes every NOP-Out as a NOP-In with the same data. */
/* Data-less pdu_rx after data_dest: put the two pieces together. */
static uint8_t *t_direct_data(uint32_t len)
{
	static uint8_t joined[sizeof(fx.dest_a) + sizeof(fx.dest_b)];
	uint32_t a = MIN(len, fx.dest_split);

	memcpy(joined, fx.dest_a, a);
	memcpy(joined + a, fx.dest_b, len - a);
	atomic_fetch_add(&fx.rx_direct, 1);
	return joined;
}

static int t_pdu_rx(struct iscsi_conn *c, const struct iscsi_pdu_hdr *h,
		    const uint8_t *ahs, uint8_t *data)
{
	struct iscsi_pdu_hdr r;

	if (!data)
		data = t_direct_data(h->data_len);
	memcpy(fx.last_data, data, MIN(h->data_len, sizeof(fx.last_data)));
	memcpy(fx.reply_data, data, MIN(h->data_len, sizeof(fx.reply_data)));
	iscsi_pdu_hdr_init(&r, ISCSI_OP_NOP_IN, h->itt);
	r.data_len = MIN(h->data_len, sizeof(fx.reply_data));
	r.nop_in.statsn = 1;
	iscsi_bhs_build(&r, fx.reply.bhs);
	fx.reply.data_iov[0] = (struct iovec){ fx.reply_data, r.data_len };
	fx.reply.data_iovcnt = 1;
	fx.reply.data_len = r.data_len;
	fx.reply.done = NULL;
	atomic_fetch_add(&fx.rx, 1);
	return iscsi_conn_send(c, &fx.reply);
}

static int t_pdu_reject(struct iscsi_conn *c, uint8_t reason,
			const uint8_t bhs[ISCSI_BHS_LEN])
{
	atomic_store(&fx.last_reason, reason);
	atomic_fetch_add(&fx.rejects, 1);
	return iscsi_conn_send_reject(c, reason, bhs, 1, 2, 3);
}

static void t_closed(struct iscsi_conn *c)
{
	atomic_fetch_add(&fx.closed, 1);
}

/* Splits the data over dest_a and dest_b when fx.dest_ret is 1. */
static int t_data_dest(struct iscsi_conn *c, const struct iscsi_pdu_hdr *h,
		       const uint8_t *ahs, struct iovec *iov, int *iovcnt)
{
	uint32_t a = MIN(h->data_len, fx.dest_split);

	atomic_fetch_add(&fx.dests, 1);
	ck_assert_int_eq(*iovcnt, ISCSI_RX_IOV_MAX);
	if (fx.dest_ret != 1)
		return fx.dest_ret;
	ck_assert_uint_le(h->data_len - a, 64);
	iov[0] = (struct iovec){ fx.dest_a, a };
	iov[1] = (struct iovec){ fx.dest_b,
				 h->data_len - a + fx.dest_sum_delta };
	*iovcnt = 2;
	return 1;
}

static const struct iscsi_conn_ops t_ops = {
	.data_dest = t_data_dest,
	.pdu_rx = t_pdu_rx,
	.pdu_reject = t_pdu_reject,
	.closed = t_closed,
};

/* data_dest answers 0 (connection buffer) unless a test says. */
static void fx_start(bool hd, bool dd)
{
	struct iscsi_conn_cfg cfg = { .rx_buf_len = 65536,
				      .max_recv_dsl = 8192,
				      .rx_timeout_ms = fx_rx_timeout_ms };
	int sv[2];

	memset(&fx, 0, sizeof(fx));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
				    sv), 0);
	ck_assert_int_eq(evloop_create("iscsi-t", &fx.loop), 0);
	ck_assert_int_eq(iscsi_conn_create(sv[0], fx.loop, &t_ops, &cfg, NULL,
					   &fx.conn), 0);
	iscsi_conn_set_digests(fx.conn, hd, dd);
	fx.peer = sv[1];
	ck_assert_int_eq(evloop_thread_start(fx.loop), 0);
}

static void fx_stop(void)
{
	close(fx.peer);
	/* The loop sees EOF, closes and frees the connection. */
	for (int i = 0; i < 500 && !atomic_load(&fx.closed); i++)
		usleep(2000);
	ck_assert_int_eq(atomic_load(&fx.closed), 1);
	evloop_stop(fx.loop);
	evloop_thread_join(fx.loop);
	evloop_destroy(fx.loop);
}

static void peer_write(const void *buf, size_t len)
{
	tio_write_all(fx.peer, buf, len, 2000);
}

/* Reads exactly @len bytes (2 s timeout); returns 0, or -1 on EOF. */
static int peer_read(void *buf, size_t len)
{
	return tio_read_exact(fx.peer, buf, len, 2000);
}

/* A NOP-Out with @dlen bytes of data, padded; digests as asked. */
static size_t nop_out(uint8_t *buf, uint32_t itt, uint32_t dlen, bool hd,
		      bool dd)
{
	struct iscsi_pdu_hdr h;
	size_t off = ISCSI_BHS_LEN;

	iscsi_pdu_hdr_init(&h, ISCSI_OP_NOP_OUT, itt);
	h.immediate = true;
	h.data_len = dlen;
	ck_assert_int_eq(iscsi_bhs_build(&h, buf), 0);
	if (hd) {
		crc32c_put_digest(buf + off, crc32c(buf, ISCSI_BHS_LEN));
		off += 4;
	}
	for (uint32_t i = 0; i < iscsi_padded_len(dlen); i++)
		buf[off + i] = i < dlen ? (uint8_t)('a' + i) : 0;
	if (dlen && dd)
		crc32c_put_digest(buf + off + iscsi_padded_len(dlen),
				  crc32c(buf + off, iscsi_padded_len(dlen)));
	off += iscsi_padded_len(dlen) + (dlen && dd ? 4 : 0);
	return off;
}

/* Reads one PDU without digests; returns its decoded header. */
static void read_pdu(struct iscsi_pdu_hdr *h, uint8_t *data, size_t cap)
{
	uint8_t bhs[ISCSI_BHS_LEN];

	ck_assert_int_eq(peer_read(bhs, sizeof(bhs)), 0);
	ck_assert_int_eq(iscsi_bhs_decode(bhs, h), 0);
	ck_assert_uint_le(iscsi_padded_len(h->data_len), cap);
	ck_assert_int_eq(peer_read(data, iscsi_padded_len(h->data_len)), 0);
}

START_TEST(test_rx_tx_plain)
{
	uint8_t buf[256], data[256];
	struct iscsi_pdu_hdr h;
	size_t n;

	fx_start(false, false);
	n = nop_out(buf, 7, 5, false, false);
	ck_assert_uint_eq(n, 56);
	peer_write(buf, n);
	read_pdu(&h, data, sizeof(data));
	ck_assert_uint_eq(h.opcode, ISCSI_OP_NOP_IN);
	ck_assert_uint_eq(h.itt, 7);
	ck_assert_uint_eq(h.data_len, 5);
	ck_assert_mem_eq(data, "abcde\0\0\0", 8);
	/* Byte at a time: the state machine resumes mid-part. */
	n = nop_out(buf, 8, 9, false, false);
	for (size_t i = 0; i < n; i++)
		peer_write(buf + i, 1);
	read_pdu(&h, data, sizeof(data));
	ck_assert_uint_eq(h.itt, 8);
	ck_assert_uint_eq(h.data_len, 9);
	/* Unknown opcode with data: skipped whole, Rejected. */
	n = nop_out(buf, 9, 3, false, false);
	buf[0] = 0x1c;
	peer_write(buf, n);
	read_pdu(&h, data, sizeof(data));
	ck_assert_uint_eq(h.opcode, ISCSI_OP_REJECT);
	ck_assert_uint_eq(h.reject.reason, ISCSI_REJECT_CMD_NOT_SUPPORTED);
	ck_assert_uint_eq(h.data_len, ISCSI_BHS_LEN);
	ck_assert_uint_eq(data[0], 0x1c);
	ck_assert_uint_eq(h.reject.max_cmdsn, 3);
	/* Still in sync afterwards. */
	n = nop_out(buf, 10, 0, false, false);
	peer_write(buf, n);
	read_pdu(&h, data, sizeof(data));
	ck_assert_uint_eq(h.itt, 10);
	ck_assert_int_eq(atomic_load(&fx.rx), 3);
	ck_assert_int_eq(atomic_load(&fx.rejects), 1);
	fx_stop();
}
END_TEST

START_TEST(test_digests)
{
	uint8_t buf[256], in[256];
	struct iscsi_pdu_hdr h;
	size_t n;

	fx_start(true, true);
	n = nop_out(buf, 1, 6, true, true);
	peer_write(buf, n);
	/* Reply: BHS, header digest, data + pad, data digest. */
	ck_assert_int_eq(peer_read(in, ISCSI_BHS_LEN + 4 + 8 + 4), 0);
	ck_assert_int_eq(iscsi_bhs_decode(in, &h), 0);
	ck_assert_uint_eq(h.itt, 1);
	ck_assert_uint_eq(crc32c_get_digest(in + 48), crc32c(in, 48));
	ck_assert_mem_eq(in + 52, "abcdef\0\0", 8);
	ck_assert_uint_eq(crc32c_get_digest(in + 60), crc32c(in + 52, 8));
	/* Bad data digest: Rejected, connection stays. */
	n = nop_out(buf, 2, 6, true, true);
	buf[n - 1] ^= 0xff;
	peer_write(buf, n);
	ck_assert_int_eq(peer_read(in, ISCSI_BHS_LEN + 4), 0);
	ck_assert_int_eq(iscsi_bhs_decode(in, &h), 0);
	ck_assert_uint_eq(h.opcode, ISCSI_OP_REJECT);
	ck_assert_uint_eq(h.reject.reason, ISCSI_REJECT_DATA_DIGEST);
	ck_assert_int_eq(peer_read(in, ISCSI_BHS_LEN + 4), 0);
	/* Bad header digest: the connection is dropped. */
	n = nop_out(buf, 3, 0, true, true);
	buf[ISCSI_BHS_LEN] ^= 1;
	peer_write(buf, n);
	ck_assert_int_eq(peer_read(in, 1), -1);
	ck_assert_int_eq(atomic_load(&fx.rx), 1);
	fx_stop();
}
END_TEST

START_TEST(test_oversized_closes)
{
	uint8_t buf[256], in[4];

	fx_start(false, false);
	nop_out(buf, 1, 0, false, false);
	put_be24(buf + 5, 8193);
	peer_write(buf, ISCSI_BHS_LEN);
	ck_assert_int_eq(peer_read(in, 1), -1);
	ck_assert_int_eq(atomic_load(&fx.rx), 0);
	fx_stop();
}
END_TEST

/* Idle between PDUs is fine; slow progress re-arms the stall timer; a
 * PDU that stops mid-way is dropped. */
START_TEST(test_rx_stall_timeout)
{
	uint8_t buf[256], data[256];
	struct iscsi_pdu_hdr h;
	size_t n;

	fx_rx_timeout_ms = 200;
	fx_start(false, false);
	usleep(400000);
	n = nop_out(buf, 1, 16, false, false);
	for (size_t i = 0; i < n; i += 8) {
		peer_write(buf + i, MIN(8, n - i));
		usleep(50000);		/* 8 steps: 400 ms in all */
	}
	read_pdu(&h, data, sizeof(data));
	ck_assert_uint_eq(h.itt, 1);
	n = nop_out(buf, 2, 16, false, false);
	peer_write(buf, ISCSI_BHS_LEN / 2);
	ck_assert_int_eq(peer_read(data, 1), -1);
	ck_assert_int_eq(atomic_load(&fx.rx), 1);
	fx_rx_timeout_ms = 0;
	fx_stop();
}
END_TEST

/* Guard bytes after the data in dest_a/dest_b: padding must not land. */
static void dest_arm(int ret, uint32_t split)
{
	fx.dest_ret = ret;
	fx.dest_split = split;
	memset(fx.dest_a, 0xee, sizeof(fx.dest_a));
	memset(fx.dest_b, 0xee, sizeof(fx.dest_b));
}

START_TEST(test_direct_split_pad)
{
	uint8_t buf[256], data[256];
	struct iscsi_conn_stats st;
	struct iscsi_pdu_hdr h;
	size_t n;

	fx_start(false, false);
	dest_arm(1, 3);
	/* 9 bytes: 3 in dest_a, 6 in dest_b, 3 of padding to a scratch. */
	n = nop_out(buf, 1, 9, false, false);
	peer_write(buf, n);
	read_pdu(&h, data, sizeof(data));
	ck_assert_uint_eq(h.itt, 1);
	ck_assert_uint_eq(h.data_len, 9);
	ck_assert_mem_eq(data, "abcdefghi", 9);
	ck_assert_mem_eq(fx.dest_a, "abc\xee", 4);
	ck_assert_mem_eq(fx.dest_b, "defghi\xee\xee\xee", 9);
	/* Byte at a time: the readv resumes inside either iovec. */
	dest_arm(1, 5);
	n = nop_out(buf, 2, 13, false, false);
	for (size_t i = 0; i < n; i++)
		peer_write(buf + i, 1);
	read_pdu(&h, data, sizeof(data));
	ck_assert_uint_eq(h.itt, 2);
	ck_assert_mem_eq(data, "abcdefghijklm", 13);
	ck_assert_mem_eq(fx.dest_b, "fghijklm\xee", 9);
	/* Answer 0: the connection's buffer, pdu_rx gets it. */
	dest_arm(0, 0);
	n = nop_out(buf, 3, 4, false, false);
	peer_write(buf, n);
	read_pdu(&h, data, sizeof(data));
	ck_assert_uint_eq(h.itt, 3);
	ck_assert_mem_eq(data, "abcd", 4);
	/* No data: data_dest is not asked. */
	n = nop_out(buf, 4, 0, false, false);
	peer_write(buf, n);
	read_pdu(&h, data, sizeof(data));
	ck_assert_uint_eq(h.itt, 4);
	ck_assert_int_eq(atomic_load(&fx.dests), 3);
	ck_assert_int_eq(atomic_load(&fx.rx_direct), 2);
	ck_assert_int_eq(atomic_load(&fx.rx), 4);
	iscsi_conn_stats(fx.conn, &st);
	ck_assert_uint_eq(st.rx_direct, 2);
	fx_stop();
}
END_TEST

START_TEST(test_direct_digests)
{
	uint8_t buf[256], in[256];
	struct iscsi_pdu_hdr h;
	size_t n;

	fx_start(true, true);
	dest_arm(1, 2);
	/* Digest over the data in two iovecs and the padding. */
	n = nop_out(buf, 1, 7, true, true);
	for (size_t i = 0; i < n; i++)
		peer_write(buf + i, 1);
	ck_assert_int_eq(peer_read(in, ISCSI_BHS_LEN + 4 + 8 + 4), 0);
	ck_assert_int_eq(iscsi_bhs_decode(in, &h), 0);
	ck_assert_uint_eq(h.itt, 1);
	ck_assert_mem_eq(in + 52, "abcdefg\0", 8);
	/* Bad data digest: the bytes landed, yet the PDU is rejected and
	 * never delivered; the stream stays in sync. */
	dest_arm(1, 2);
	n = nop_out(buf, 2, 6, true, true);
	buf[n - 2] ^= 0x10;
	peer_write(buf, n);
	ck_assert_int_eq(peer_read(in, ISCSI_BHS_LEN + 4), 0);
	ck_assert_int_eq(iscsi_bhs_decode(in, &h), 0);
	ck_assert_uint_eq(h.opcode, ISCSI_OP_REJECT);
	ck_assert_uint_eq(h.reject.reason, ISCSI_REJECT_DATA_DIGEST);
	ck_assert_int_eq(peer_read(in, ISCSI_BHS_LEN + 4), 0);
	ck_assert_mem_eq(fx.dest_b, "cdef\xee", 5);
	/* A corrupted pad byte is covered by the digest too. */
	n = nop_out(buf, 3, 6, true, true);
	buf[n - 5] = 0x55;
	peer_write(buf, n);
	ck_assert_int_eq(peer_read(in, ISCSI_BHS_LEN + 4), 0);
	ck_assert_int_eq(iscsi_bhs_decode(in, &h), 0);
	ck_assert_uint_eq(h.reject.reason, ISCSI_REJECT_DATA_DIGEST);
	ck_assert_int_eq(peer_read(in, ISCSI_BHS_LEN + 4), 0);
	n = nop_out(buf, 4, 1, true, true);
	peer_write(buf, n);
	ck_assert_int_eq(peer_read(in, ISCSI_BHS_LEN + 4 + 4 + 4), 0);
	ck_assert_int_eq(iscsi_bhs_decode(in, &h), 0);
	ck_assert_uint_eq(h.itt, 4);
	ck_assert_int_eq(atomic_load(&fx.rx), 2);
	ck_assert_int_eq(atomic_load(&fx.rx_direct), 2);
	ck_assert_int_eq(atomic_load(&fx.rejects), 2);
	fx_stop();
}
END_TEST

/* data_dest failing, or iovecs that do not add up: the connection goes. */
START_TEST(test_direct_errors)
{
	uint8_t buf[256], in[4];

	fx_start(false, false);
	dest_arm(-EIO, 0);
	/* Closed before a data byte is read: send the header only (unread
	 * bytes would turn the peer's EOF into a reset). */
	nop_out(buf, 1, 8, false, false);
	peer_write(buf, ISCSI_BHS_LEN);
	ck_assert_int_eq(peer_read(in, 1), -1);
	ck_assert_int_eq(atomic_load(&fx.rx), 0);
	fx_stop();
	fx_start(false, false);
	dest_arm(1, 4);
	fx.dest_sum_delta = 1;
	/* Closed before a data byte is read: send the header only (unread
	 * bytes would turn the peer's EOF into a reset). */
	nop_out(buf, 1, 8, false, false);
	peer_write(buf, ISCSI_BHS_LEN);
	ck_assert_int_eq(peer_read(in, 1), -1);
	ck_assert_int_eq(atomic_load(&fx.rx), 0);
	fx_stop();
}
END_TEST

START_TEST(test_create_bad_cfg)
{
	struct iscsi_conn_cfg cfg = { .rx_buf_len = 0, .max_recv_dsl = 8192 };
	struct evloop *loop;
	struct iscsi_conn *c;
	int sv[2];

	ck_assert_int_eq(evloop_create("iscsi-t", &loop), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(iscsi_conn_create(sv[0], loop, &t_ops, &cfg, NULL,
					   &c), -EINVAL);
	/* sv[0] was taken and closed. */
	ck_assert_int_eq(send(sv[1], "x", 1, MSG_NOSIGNAL), -1);
	close(sv[1]);
	evloop_destroy(loop);
}
END_TEST

START_TEST(test_portal_parse)
{
	struct sockaddr_storage ss;
	socklen_t len;

	ck_assert_int_eq(iscsi_portal_parse("127.0.0.1:3261", &ss, &len), 0);
	ck_assert_int_eq(ss.ss_family, AF_INET);
	ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), 3261);
	ck_assert_int_eq(iscsi_portal_parse("0.0.0.0", &ss, &len), 0);
	ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), 3260);
	ck_assert_int_eq(iscsi_portal_parse("[::]:3260", &ss, &len), 0);
	ck_assert_int_eq(ss.ss_family, AF_INET6);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in6));
	ck_assert_int_eq(iscsi_portal_parse("[fe80::1]", &ss, &len), 0);
	ck_assert_uint_eq(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port),
			  3260);
	ck_assert_int_eq(iscsi_portal_parse("", &ss, &len), -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse(NULL, &ss, &len), -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse("1.2.3.4:", &ss, &len), -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse("1.2.3.4:0", &ss, &len), -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse("1.2.3.4:65536", &ss, &len),
			 -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse("1.2.3.4:x", &ss, &len), -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse("host.example:3260", &ss, &len),
			 -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse("::1", &ss, &len), -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse("[::1", &ss, &len), -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse("[::1]x", &ss, &len), -EINVAL);
	ck_assert_int_eq(iscsi_portal_parse("[1.2.3.4]", &ss, &len), -EINVAL);
}
END_TEST

static Suite *iscsi_conn_suite(void)
{
	Suite *s = suite_create("iscsi_conn");
	TCase *tc = tcase_create("conn");

	tcase_add_test(tc, test_rx_tx_plain);
	tcase_add_test(tc, test_digests);
	tcase_add_test(tc, test_oversized_closes);
	tcase_add_test(tc, test_rx_stall_timeout);
	tcase_add_test(tc, test_direct_split_pad);
	tcase_add_test(tc, test_direct_digests);
	tcase_add_test(tc, test_direct_errors);
	tcase_add_test(tc, test_create_bad_cfg);
	tcase_add_test(tc, test_portal_parse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(iscsi_conn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
