/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MD5 (RFC 1321), streaming.  Only for CHAP_A=5 (RFC 1994 / RFC 7143
 * 12.1.3), which the protocol mandates; MD5 is not collision resistant and
 * must not be used for anything new.
 *
 *   struct md5_ctx c;
 *   md5_init(&c);
 *   md5_update(&c, a, alen);            any number of times, any lengths
 *   md5_final(&c, digest);              16 bytes
 *
 * After md5_final() the context is wiped; md5_init() it again to reuse.
 * No allocation, no global state; one context per thread.
 */
#ifndef TGT_ISCSI_MD5_H
#define TGT_ISCSI_MD5_H

#include <stddef.h>
#include <stdint.h>

#define MD5_DIGEST_LEN 16
#define MD5_BLOCK_LEN 64

struct md5_ctx {
	uint32_t state[4];
	uint64_t len;			/* bytes fed so far */
	uint8_t buf[MD5_BLOCK_LEN];	/* partial block, len % 64 bytes */
};

void md5_init(struct md5_ctx *ctx);
/* @data may be NULL when @len is 0. */
void md5_update(struct md5_ctx *ctx, const void *data, size_t len);
void md5_final(struct md5_ctx *ctx, uint8_t out[MD5_DIGEST_LEN]);

#endif
