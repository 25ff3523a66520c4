/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MD5, written from RFC 1321 section 3.  The four rounds are expressed as
 * one loop over the 64 steps with per-round tables (shift amounts, message
 * word order), which keeps the code short and each table checkable against
 * the RFC; the sine-derived constants T[i] = floor(2^32 * |sin(i)|) are
 * listed.  Words are little-endian (get_le32/put_le32).
 */
#include "md5.h"
#include "md_block.h"

#include <string.h>

#include "util/util.h"

static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* Left-rotation amounts per round, step i uses md5_s[i / 16][i % 4]. */
static const uint8_t md5_s[4][4] = {
	{ 7, 12, 17, 22 },
	{ 5, 9, 14, 20 },
	{ 4, 11, 16, 23 },
	{ 6, 10, 15, 21 },
};

static inline uint32_t md5_rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

/* Round function and message word index of step i (RFC 1321 3.4). */
static inline uint32_t md5_step_fn(unsigned i, uint32_t b, uint32_t c,
				   uint32_t d, unsigned *k)
{
	switch (i / 16) {
	case 0:
		*k = i;
		return (b & c) | (~b & d);		/* F */
	case 1:
		*k = (5 * i + 1) % 16;
		return (b & d) | (c & ~d);		/* G */
	case 2:
		*k = (3 * i + 5) % 16;
		return b ^ c ^ d;			/* H */
	default:
		*k = (7 * i) % 16;
		return c ^ (b | ~d);			/* I */
	}
}

static void md5_block(uint32_t *st, const uint8_t *blk)
{
	uint32_t x[16], a = st[0], b = st[1], c = st[2], d = st[3];

	for (unsigned i = 0; i < 16; i++)
		x[i] = get_le32(blk + 4 * i);
	for (unsigned i = 0; i < 64; i++) {
		unsigned k;
		uint32_t f = md5_step_fn(i, b, c, d, &k);
		uint32_t t = a + f + x[k] + md5_t[i];

		a = d;
		d = c;
		c = b;
		b = b + md5_rol(t, md5_s[i / 16][i % 4]);
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
}

void md5_init(struct md5_ctx *ctx)
{
	ctx->state[0] = 0x67452301;
	ctx->state[1] = 0xefcdab89;
	ctx->state[2] = 0x98badcfe;
	ctx->state[3] = 0x10325476;
	ctx->len = 0;
}

void md5_update(struct md5_ctx *ctx, const void *data, size_t len)
{
	md_block_update(ctx->state, ctx->buf, &ctx->len, md5_block, data,
			len);
}

/* Shared padding (md_block.h); the length is little-endian here. */
void md5_final(struct md5_ctx *ctx, uint8_t out[MD5_DIGEST_LEN])
{
	md_block_finish(ctx->state, ctx->buf, ctx->len, md5_block, false);
	for (int i = 0; i < 4; i++)
		put_le32(out + 4 * i, ctx->state[i]);
	explicit_bzero(ctx, sizeof(*ctx));
}

_Static_assert(MD5_BLOCK_LEN == MD_BLOCK_LEN, "md5 uses the shared framing");
