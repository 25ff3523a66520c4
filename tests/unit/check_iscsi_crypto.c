/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: usr/iscsi crypto and digest primitives (crc32c, md5, sha256,
 * chap).  Known answers come from the specifications (RFC 3720 B.4,
 * RFC 1321 A.5, FIPS 180-2 appendix B) or were produced offline with
 * `openssl dgst` and python3 hashlib (they agree); the CRC software and
 * hardware paths are also checked against a bit-at-a-time reference here.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi/chap.h"
#include "iscsi/crc32c.h"
#include "iscsi/md5.h"
#include "iscsi/sha256.h"
#include "util/util.h"

/* ---- helpers ---- */

static void hex_to_bin(const char *hex, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned v;

		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void assert_digest(const uint8_t *got, const char *hex, size_t len)
{
	uint8_t want[64];

	ck_assert_uint_eq(strlen(hex), 2 * len);
	hex_to_bin(hex, want, len);
	ck_assert_mem_eq(got, want, len);
}

/* Bit-at-a-time CRC32C straight from the polynomial: the independent
 * reference for both implementations. */
static uint32_t crc_ref(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len--) {
		crc ^= *p++;
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ ((crc & 1) ? 0x82f63b78u : 0);
	}
	return crc;
}

/* Deterministic xorshift so a failure reproduces. */
static uint32_t rnd_state = 0x12345678;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* ---- CRC32C ---- */

struct crc_vec {
	const char *name;
	uint8_t data[48];
	size_t len;
	uint32_t crc;
	uint8_t wire[4];
};

static void crc_vecs_fill(struct crc_vec *v)
{
	/* RFC 3720 B.4: the 48-byte iSCSI (SCSI Read) PDU header. */
	static const uint8_t read_pdu[48] = {
		0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x14, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
		0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
	};

	v[0] = (struct crc_vec){ "zeros", { 0 }, 32, 0x8a9136aa,
				 { 0xaa, 0x36, 0x91, 0x8a } };
	v[1] = (struct crc_vec){ "ones", { 0 }, 32, 0x62a8ab43,
				 { 0x43, 0xab, 0xa8, 0x62 } };
	memset(v[1].data, 0xff, 32);
	v[2] = (struct crc_vec){ "incrementing", { 0 }, 32, 0x46dd794e,
				 { 0x4e, 0x79, 0xdd, 0x46 } };
	v[3] = (struct crc_vec){ "decrementing", { 0 }, 32, 0x113fdb5c,
				 { 0x5c, 0xdb, 0x3f, 0x11 } };
	for (int i = 0; i < 32; i++) {
		v[2].data[i] = (uint8_t)i;
		v[3].data[i] = (uint8_t)(31 - i);
	}
	v[4] = (struct crc_vec){ "read pdu", { 0 }, 48, 0xd9963a56,
				 { 0x56, 0x3a, 0x96, 0xd9 } };
	memcpy(v[4].data, read_pdu, 48);
	v[5] = (struct crc_vec){ "123456789", "123456789", 9, 0xe3069283,
				 { 0x83, 0x92, 0x06, 0xe3 } };
}

START_TEST(test_crc32c_vectors)
{
	struct crc_vec v[6];
	bool hw = crc32c_hw_available();

	crc_vecs_fill(v);
	for (size_t i = 0; i < 6; i++) {
		uint8_t wire[4];
		uint32_t sw = crc32c_update_sw(crc32c_init(), v[i].data,
					       v[i].len);

		ck_assert_msg(crc32c(v[i].data, v[i].len) == v[i].crc,
			      "%s: %08x", v[i].name,
			      crc32c(v[i].data, v[i].len));
		ck_assert_uint_eq(crc32c_final(sw), v[i].crc);
		if (hw)
			ck_assert_uint_eq(crc32c_final(crc32c_update_hw(
				crc32c_init(), v[i].data, v[i].len)), v[i].crc);
		crc32c_put_digest(wire, v[i].crc);
		ck_assert_mem_eq(wire, v[i].wire, 4);
		ck_assert_uint_eq(crc32c_get_digest(v[i].wire), v[i].crc);
	}
	ck_assert_uint_eq(crc32c_init(), 0xffffffffu);
	ck_assert_uint_eq(crc32c_final(0x12345678), 0xedcba987u);
	ck_assert_uint_eq(crc32c(NULL, 0), 0);
	ck_assert_uint_eq(crc32c_update(0xabcdef01, NULL, 0), 0xabcdef01);
}
END_TEST

/* Every length 0..4096 at every alignment 0..15 would be slow under
 * sanitizers; random (length, offset, seed state) triples plus all small
 * lengths at all offsets cover the head/body/tail split points. */
static void crc_check_one(const uint8_t *base, size_t off, size_t len,
			  uint32_t st, bool hw)
{
	uint32_t want = crc_ref(st, base + off, len);
	uint32_t sw = crc32c_update_sw(st, base + off, len);

	ck_assert_msg(sw == want, "sw len %zu off %zu", len, off);
	if (hw)
		ck_assert_msg(crc32c_update_hw(st, base + off, len) == want,
			      "hw len %zu off %zu", len, off);
	ck_assert_uint_eq(crc32c_update(st, base + off, len), want);
}

START_TEST(test_crc32c_hw_sw_equal)
{
	enum { MAXLEN = 4096, ALIGN = 16 };
	uint8_t *buf = malloc(MAXLEN + ALIGN);
	bool hw = crc32c_hw_available();

	ck_assert_ptr_nonnull(buf);
	if (!hw)
		fprintf(stderr, "crc32c: no SSE4.2, hw path not tested\n");
	for (size_t i = 0; i < MAXLEN + ALIGN; i++)
		buf[i] = (uint8_t)rnd();
	for (size_t len = 0; len <= 40; len++)
		for (size_t off = 0; off < ALIGN; off++)
			crc_check_one(buf, off, len, 0xffffffffu, hw);
	for (int n = 0; n < 500; n++)
		crc_check_one(buf, rnd() % ALIGN, rnd() % (MAXLEN + 1),
			      rnd(), hw);
	crc_check_one(buf, 0, MAXLEN, 0xffffffffu, hw);
	crc_check_one(buf, 7, MAXLEN, 0, hw);
	free(buf);
}
END_TEST

START_TEST(test_crc32c_incremental)
{
	uint8_t buf[4096];
	uint32_t whole, st;
	size_t pos;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31 + 7);
	whole = crc32c(buf, 300);
	for (size_t cut = 0; cut <= 300; cut++) {
		st = crc32c_update(crc32c_init(), buf, cut);
		st = crc32c_update(st, buf + cut, 300 - cut);
		ck_assert_msg(crc32c_final(st) == whole, "cut %zu", cut);
	}
	whole = crc32c(buf, sizeof(buf));
	st = crc32c_init();
	for (pos = 0; pos < sizeof(buf);) {
		size_t n = MIN(rnd() % 200, sizeof(buf) - pos);

		st = crc32c_update(st, buf + pos, n);
		pos += n;
	}
	ck_assert_uint_eq(crc32c_final(st), whole);
}
END_TEST

/* ---- MD5 ---- */

static void md5_str(const char *s, uint8_t out[16])
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, s, strlen(s));
	md5_final(&c, out);
}

START_TEST(test_md5_rfc1321)
{
	/* RFC 1321 A.5 test suite. */
	static const char *const v[][2] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		  "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		  "0123456789", "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890"
		  "1234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		uint8_t d[16], d2[16];
		struct md5_ctx c;

		md5_str(v[i][0], d);
		assert_digest(d, v[i][1], 16);
		/* byte at a time gives the same */
		md5_init(&c);
		for (const char *p = v[i][0]; *p; p++)
			md5_update(&c, p, 1);
		md5_update(&c, NULL, 0);
		md5_final(&c, d2);
		ck_assert_mem_eq(d, d2, 16);
	}
}
END_TEST

/* SHA-256 over MD5(data[0..n)) for n = 0..200, data[i] = i*7+3: one known
 * answer (python3 hashlib) covering every padding boundary (55/56/63/64,
 * 119/120/127/128 bytes). */
START_TEST(test_md5_lengths)
{
	uint8_t data[200], d[16], out[32];
	struct sha256_ctx outer;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	sha256_init(&outer);
	for (size_t n = 0; n <= sizeof(data); n++) {
		struct md5_ctx c;

		md5_init(&c);
		md5_update(&c, data, n / 3);
		md5_update(&c, data + n / 3, n - n / 3);
		md5_final(&c, d);
		sha256_update(&outer, d, sizeof(d));
	}
	sha256_final(&outer, out);
	assert_digest(out, "e3dc76e51716903f2c9e7262fe11cd80"
			   "cbc170a0fc2c965c0ba5a4a74d954fde", 32);
}
END_TEST

/* ---- SHA-256 ---- */

static void sha256_str(const char *s, uint8_t out[32])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, s, strlen(s));
	sha256_final(&c, out);
}

START_TEST(test_sha256_fips)
{
	uint8_t d[32], a[997];
	struct sha256_ctx c;
	size_t left = 1000000;

	/* FIPS 180-2 appendix B.1, B.2, B.3 */
	sha256_str("abc", d);
	assert_digest(d, "ba7816bf8f01cfea414140de5dae2223"
			 "b00361a396177a9cb410ff61f20015ad", 32);
	sha256_str("abcdbcdecdefdefgefghfghighijhijk"
		   "ijkljklmklmnlmnomnopnopq", d);
	assert_digest(d, "248d6a61d20638b8e5c026930c3e6039"
			 "a33ce45964ff2167f6ecedd419db06c1", 32);
	memset(a, 'a', sizeof(a));
	sha256_init(&c);
	while (left) {
		size_t n = MIN(left, sizeof(a));

		sha256_update(&c, a, n);
		left -= n;
	}
	sha256_final(&c, d);
	assert_digest(d, "cdc76e5c9914fb9281a1c7e284d73e67"
			 "f1809a48a497200e046d39ccc7112cd0", 32);
	sha256_str("", d);
	assert_digest(d, "e3b0c44298fc1c149afbf4c8996fb924"
			 "27ae41e4649b934ca495991b7852b855", 32);
}
END_TEST

/* As test_md5_lengths: SHA-256 over SHA-256(data[0..n)), n = 0..200. */
START_TEST(test_sha256_lengths)
{
	uint8_t data[200], d[32], out[32];
	struct sha256_ctx outer;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	sha256_init(&outer);
	for (size_t n = 0; n <= sizeof(data); n++) {
		struct sha256_ctx c;

		sha256_init(&c);
		for (size_t i = 0; i < n; i += 13)
			sha256_update(&c, data + i, MIN(13, n - i));
		sha256_final(&c, d);
		sha256_update(&outer, d, sizeof(d));
	}
	sha256_final(&outer, out);
	assert_digest(out, "3275febb4612d86d586eb9f11cd21e64"
			   "8a9fc7d95e0f6b8d362786e28c9c5b79", 32);
}
END_TEST

/* ---- CHAP ---- */

static const uint8_t chap_secret[] = "tgt-secret-12345";	/* 16 bytes */
#define CHAP_SECRET_LEN 16
#define CHAP_ID 0x2a

static void chap_test_challenge(uint8_t c[16])
{
	for (int i = 0; i < 16; i++)
		c[i] = (uint8_t)(i * 37 + 11);
}

START_TEST(test_chap_response_kat)
{
	uint8_t chal[16], r[CHAP_DIGEST_MAX], want[16];
	struct md5_ctx c;
	uint8_t id = CHAP_ID;

	chap_test_challenge(chal);
	/* openssl dgst -md5 / -sha256 of 2a || secret || challenge */
	ck_assert_int_eq(chap_response(CHAP_ALG_MD5, CHAP_ID, chap_secret,
				       CHAP_SECRET_LEN, chal, 16, r, 16), 0);
	assert_digest(r, "df00ef38142ce6bd8972a2e857d3d914", 16);
	md5_init(&c);
	md5_update(&c, &id, 1);
	md5_update(&c, chap_secret, CHAP_SECRET_LEN);
	md5_update(&c, chal, sizeof(chal));
	md5_final(&c, want);
	ck_assert_mem_eq(r, want, 16);
	ck_assert_int_eq(chap_response(CHAP_ALG_SHA256, CHAP_ID, chap_secret,
				       CHAP_SECRET_LEN, chal, 16, r,
				       sizeof(r)), 0);
	assert_digest(r, "0c725d23c8d938a43df5c0c1c44d22d5"
			 "2f7a301e77bf401242c1383834ca6ea4", 32);
	/* openssl dgst -md5 of 00 "secret" 01 02 03 */
	ck_assert_int_eq(chap_response(CHAP_ALG_MD5, 0,
				       (const uint8_t *)"secret", 6,
				       (const uint8_t *)"\x01\x02\x03", 3, r,
				       sizeof(r)), 0);
	assert_digest(r, "540a94b72f4568d68f4ca1e4b4839927", 16);
}
END_TEST

START_TEST(test_chap_response_errors)
{
	uint8_t chal[16], r[CHAP_DIGEST_MAX];

	chap_test_challenge(chal);
	ck_assert_uint_eq(chap_digest_len(CHAP_ALG_MD5), 16);
	ck_assert_uint_eq(chap_digest_len(CHAP_ALG_SHA256), 32);
	ck_assert_uint_eq(chap_digest_len((enum chap_alg)6), 0);
	ck_assert(chap_alg_supported(5));
	ck_assert(chap_alg_supported(7));
	ck_assert(!chap_alg_supported(0));
	ck_assert(!chap_alg_supported(6));
	ck_assert(!chap_alg_supported(8));
	ck_assert(!chap_alg_supported(0x105));
	ck_assert_int_eq(chap_response((enum chap_alg)6, 1, chap_secret, 16,
				       chal, 16, r, sizeof(r)), -EINVAL);
	ck_assert_int_eq(chap_response(CHAP_ALG_MD5, 1, chap_secret, 16,
				       chal, 16, r, 15), -EINVAL);
	ck_assert_int_eq(chap_response(CHAP_ALG_SHA256, 1, chap_secret, 16,
				       chal, 16, r, 31), -EINVAL);
	ck_assert_int_eq(chap_response(CHAP_ALG_MD5, 1, NULL, 16,
				       chal, 16, r, 16), -EINVAL);
	ck_assert_int_eq(chap_response(CHAP_ALG_MD5, 0, NULL, 0,
				       NULL, 0, r, 16), 0);
	assert_digest(r, "93b885adfe0da089cdf634904fd59f71", 16); /* MD5(00) */
}
END_TEST

START_TEST(test_chap_response_equal)
{
	uint8_t a[32], b[32];

	for (int i = 0; i < 32; i++)
		a[i] = b[i] = (uint8_t)(i + 1);
	ck_assert(chap_response_equal(a, b, 32));
	ck_assert(chap_response_equal(a, b, 0));
	b[0] ^= 0x80;
	ck_assert(!chap_response_equal(a, b, 32));
	b[0] = a[0];
	b[31] ^= 1;
	ck_assert(!chap_response_equal(a, b, 32));
	ck_assert(chap_response_equal(a, b, 31));
}
END_TEST

START_TEST(test_chap_challenge_new)
{
	uint8_t a[16], b[16], zero[16] = { 0 }, big[1024];

	ck_assert_int_eq(chap_challenge_new(a, sizeof(a)), 0);
	ck_assert_int_eq(chap_challenge_new(b, sizeof(b)), 0);
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
	ck_assert(memcmp(a, zero, sizeof(a)) != 0);
	ck_assert_int_eq(chap_challenge_new(big, sizeof(big)), 0);
	ck_assert_int_eq(chap_challenge_new(a, 0), -EINVAL);
	ck_assert_int_eq(chap_challenge_new(NULL, 16), -EINVAL);
}
END_TEST

/* Decodes @text expecting success and the bytes of @hex. */
static void decode_ok(const char *text, const char *hex)
{
	uint8_t out[64], want[64];
	size_t n = 12345, len = strlen(hex) / 2;

	ck_assert_msg(chap_value_decode(text, out, sizeof(out), &n) == 0,
		      "decode %s", text);
	ck_assert_msg(n == len, "%s: len %zu", text, n);
	hex_to_bin(hex, want, len);
	ck_assert_mem_eq(out, want, len);
}

static void decode_err(const char *text, size_t out_max, int err)
{
	uint8_t out[64];
	size_t n = 12345;

	memset(out, 0xee, sizeof(out));
	ck_assert_msg(chap_value_decode(text, out, out_max, &n) == err,
		      "decode \"%s\" max %zu: %d", text, out_max,
		      chap_value_decode(text, out, out_max, &n));
	ck_assert_uint_eq(n, 12345);		/* untouched on error */
	ck_assert_uint_eq(out[0], 0xee);
}

START_TEST(test_chap_decode_hex)
{
	decode_ok("0x0b30557a9fc4e90e33587da2c7ec1136",
		  "0b30557a9fc4e90e33587da2c7ec1136");
	decode_ok("0X00FFaBcD", "00ffabcd");
	decode_ok("0x00", "00");
	/* RFC 7143 6.1: n digits are (n + 1) / 2 bytes; odd count implies
	 * a leading zero nibble */
	decode_ok("0x123", "0123");
	decode_ok("0xf", "0f");
	decode_err("0x", 64, -EINVAL);
	decode_err("0x1g", 64, -EINVAL);
	decode_err("0x12 ", 64, -EINVAL);
	decode_err("0x 12", 64, -EINVAL);
	decode_err("0x-12", 64, -EINVAL);
	decode_err("0x0x12", 64, -EINVAL);
	decode_err("1234", 64, -EINVAL);
	decode_err("x1234", 64, -EINVAL);
	decode_err("0y12", 64, -EINVAL);
	decode_err("0", 64, -EINVAL);
	decode_err("", 64, -EINVAL);
	decode_err("0x123456", 2, -E2BIG);
	decode_err("0x12345", 2, -E2BIG);
	decode_err("0x12345g", 2, -EINVAL);	/* bad beats too long */
	decode_err("0x12", 0, -E2BIG);
}
END_TEST

START_TEST(test_chap_decode_base64)
{
	uint8_t out[8];
	size_t n;

	/* RFC 4648 section 9 / 10 examples */
	decode_ok("0bFPucA9l+", "14fb9c03d97e");
	decode_ok("0bFPucA9k=", "14fb9c03d9");
	decode_ok("0BFPucAw==", "14fb9c03");
	decode_ok("0bZm9vYmFy", "666f6f626172");	/* "foobar" */
	decode_ok("0bZg==", "66");
	decode_ok("0b////", "ffffff");
	decode_err("0b", 64, -EINVAL);
	decode_err("0bFPucA9k", 64, -EINVAL);		/* not 4n chars */
	decode_err("0bFPucAw=", 64, -EINVAL);
	decode_err("0bFPucAw", 64, -EINVAL);		/* padding missing */
	decode_err("0bFPucA===", 64, -EINVAL);		/* three '=' */
	decode_err("0b====", 64, -EINVAL);
	decode_err("0bFP=cA9k=", 64, -EINVAL);		/* '=' inside */
	decode_err("0bZg==Zg==", 64, -EINVAL);		/* '=' then data */
	decode_err("0bFPuc A9k=", 64, -EINVAL);
	decode_err("0bFPu-A9k=", 64, -EINVAL);		/* url alphabet */
	decode_err("0bFPu_A9k=", 64, -EINVAL);
	decode_err("0bFPucA9l=", 64, -EINVAL);		/* non-zero spare bits */
	decode_err("0bFPucAx==", 64, -EINVAL);
	decode_err("0bFPucA9l+", 5, -E2BIG);
	decode_err("0bFPucA9k=", 4, -E2BIG);
	ck_assert_int_eq(chap_value_decode("0bFPucA9k=", out, 5, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(chap_value_decode(NULL, out, 8, &n), -EINVAL);
	ck_assert_int_eq(chap_value_decode("0x12", out, 8, NULL), -EINVAL);
}
END_TEST

START_TEST(test_chap_encode_hex)
{
	uint8_t in[16], back[16];
	char text[40];
	size_t n;

	chap_test_challenge(in);
	ck_assert_int_eq(chap_value_encode_hex(in, 16, text, sizeof(text)),
			 0);
	ck_assert_str_eq(text, "0x0b30557a9fc4e90e33587da2c7ec1136");
	ck_assert_int_eq(chap_value_decode(text, back, sizeof(back), &n), 0);
	ck_assert_uint_eq(n, 16);
	ck_assert_mem_eq(back, in, 16);
	/* exactly "0x" + 32 digits + NUL fits; one less does not */
	memset(text, 'z', sizeof(text));
	ck_assert_int_eq(chap_value_encode_hex(in, 16, text, 34), -E2BIG);
	ck_assert_int_eq(text[0], 'z');
	ck_assert_int_eq(chap_value_encode_hex(in, 16, text, 35), 0);
	ck_assert_int_eq(chap_value_encode_hex(in, 0, text, 3), 0);
	ck_assert_str_eq(text, "0x");
	ck_assert_int_eq(chap_value_encode_hex(in, 0, text, 2), -E2BIG);
	ck_assert_int_eq(chap_value_encode_hex(NULL, 1, text, 40), -EINVAL);
	ck_assert_int_eq(chap_value_encode_hex(in, 1, NULL, 40), -EINVAL);
	ck_assert_int_eq(chap_value_encode_hex(in, SIZE_MAX / 2, text, 40),
			 -E2BIG);
}
END_TEST

static Suite *crypto_suite(void)
{
	Suite *s = suite_create("iscsi_crypto");
	TCase *crc = tcase_create("crc32c");
	TCase *hash = tcase_create("hash");
	TCase *chap = tcase_create("chap");

	tcase_add_test(crc, test_crc32c_vectors);
	tcase_add_test(crc, test_crc32c_hw_sw_equal);
	tcase_add_test(crc, test_crc32c_incremental);
	suite_add_tcase(s, crc);
	tcase_add_test(hash, test_md5_rfc1321);
	tcase_add_test(hash, test_md5_lengths);
	tcase_add_test(hash, test_sha256_fips);
	tcase_add_test(hash, test_sha256_lengths);
	suite_add_tcase(s, hash);
	tcase_add_test(chap, test_chap_response_kat);
	tcase_add_test(chap, test_chap_response_errors);
	tcase_add_test(chap, test_chap_response_equal);
	tcase_add_test(chap, test_chap_challenge_new);
	tcase_add_test(chap, test_chap_decode_hex);
	tcase_add_test(chap, test_chap_decode_base64);
	tcase_add_test(chap, test_chap_encode_hex);
	suite_add_tcase(s, chap);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(crypto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
