/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256, written from FIPS 180-4 sections 4.1.2, 4.2.2, 5.1.1, 5.3.3
 * and 6.2.2.  Words are big-endian (get_be32/put_be32).  The message
 * schedule is kept as a 16-word ring rather than 64 words, since each
 * W[t] only needs W[t-2], W[t-7], W[t-15] and W[t-16].
 */
#include "sha256.h"
#include "md_block.h"

#include <string.h>

#include "util/util.h"

/* First 32 bits of the fractional parts of the cube roots of the first
 * 64 primes (FIPS 180-4 4.2.2). */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t sha256_ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t sha256_bsig0(uint32_t x)
{
	return sha256_ror(x, 2) ^ sha256_ror(x, 13) ^ sha256_ror(x, 22);
}

static inline uint32_t sha256_bsig1(uint32_t x)
{
	return sha256_ror(x, 6) ^ sha256_ror(x, 11) ^ sha256_ror(x, 25);
}

static inline uint32_t sha256_ssig0(uint32_t x)
{
	return sha256_ror(x, 7) ^ sha256_ror(x, 18) ^ (x >> 3);
}

static inline uint32_t sha256_ssig1(uint32_t x)
{
	return sha256_ror(x, 17) ^ sha256_ror(x, 19) ^ (x >> 10);
}

/* W[t] for t >= 16, computed in place in the ring slot of W[t-16]. */
static inline uint32_t sha256_sched(uint32_t w[16], unsigned t)
{
	if (t >= 16)
		w[t & 15] += sha256_ssig1(w[(t - 2) & 15]) +
			     w[(t - 7) & 15] + sha256_ssig0(w[(t - 15) & 15]);
	return w[t & 15];
}

static void sha256_block(uint32_t *st, const uint8_t *blk)
{
	uint32_t w[16], v[8];

	for (unsigned i = 0; i < 16; i++)
		w[i] = get_be32(blk + 4 * i);
	memcpy(v, st, sizeof(v));
	for (unsigned t = 0; t < 64; t++) {
		/* v[0..7] = a b c d e f g h */
		uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
		uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
		uint32_t t1 = v[7] + sha256_bsig1(v[4]) + ch + sha256_k[t] +
			      sha256_sched(w, t);
		uint32_t t2 = sha256_bsig0(v[0]) + maj;

		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (unsigned i = 0; i < 8; i++)
		st[i] += v[i];
}

void sha256_init(struct sha256_ctx *ctx)
{
	/* First 32 bits of the fractional parts of the square roots of the
	 * first 8 primes (FIPS 180-4 5.3.3). */
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(ctx->state, h0, sizeof(h0));
	ctx->len = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	md_block_update(ctx->state, ctx->buf, &ctx->len, sha256_block,
			data, len);
}

/* Shared padding (md_block.h); the length is big-endian here. */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN])
{
	md_block_finish(ctx->state, ctx->buf, ctx->len, sha256_block,
			true);
	for (int i = 0; i < 8; i++)
		put_be32(out + 4 * i, ctx->state[i]);
	explicit_bzero(ctx, sizeof(*ctx));
}

_Static_assert(SHA256_BLOCK_LEN == MD_BLOCK_LEN, "sha256 uses the shared framing");
