/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 (FIPS 180-4, same as 180-2 for this function), streaming.  Used
 * for CHAP_A=7 and wherever the target needs a hash it can trust.
 *
 *   struct sha256_ctx c;
 *   sha256_init(&c);
 *   sha256_update(&c, a, alen);         any number of times, any lengths
 *   sha256_final(&c, digest);           32 bytes
 *
 * After sha256_final() the context is wiped; sha256_init() it again to
 * reuse.  No allocation, no global state; one context per thread.
 * Messages are limited to 2^61 - 1 bytes (the 64-bit bit count).
 */
#ifndef TGT_ISCSI_SHA256_H
#define TGT_ISCSI_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_BLOCK_LEN 64

struct sha256_ctx {
	uint32_t state[8];
	uint64_t len;			/* bytes fed so far */
	uint8_t buf[SHA256_BLOCK_LEN];	/* partial block, len % 64 bytes */
};

void sha256_init(struct sha256_ctx *ctx);
/* @data may be NULL when @len is 0. */
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN]);

#endif
