/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CHAP (RFC 1994) as iSCSI uses it (RFC 7143 12.1.3), without any state
 * machine: the hash step, challenge generation, constant-time comparison,
 * and the "0x"/"0b" encodings of large binary values in text keys.  The
 * login code owns the exchange (CHAP_A, CHAP_I, CHAP_C, CHAP_N, CHAP_R).
 *
 * All functions are thread-safe, allocation-free, and return 0 or -errno
 * unless stated otherwise.
 */
#ifndef TGT_ISCSI_CHAP_H
#define TGT_ISCSI_CHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CHAP_A values (the PPP authentication algorithm registry). */
enum chap_alg {
	CHAP_ALG_MD5 = 5,
	CHAP_ALG_SHA256 = 7,
};

/* Largest digest of any supported algorithm. */
#define CHAP_DIGEST_MAX 32

/* Digest (= CHAP_R) length of @alg: 16 / 32, 0 if unknown. */
size_t chap_digest_len(enum chap_alg alg);
/* True for the CHAP_A values this target implements (5 and 7). */
bool chap_alg_supported(unsigned alg);

/*
 * CHAP_R = H(id || secret || challenge), written to the first
 * chap_digest_len(alg) bytes of @out.  -EINVAL: unknown @alg, or @out_len
 * shorter than the digest.  @secret / @challenge may be NULL when their
 * length is 0.  Intermediate state holding the secret is wiped.
 */
int chap_response(enum chap_alg alg, uint8_t id, const uint8_t *secret,
		  size_t secret_len, const uint8_t *challenge,
		  size_t challenge_len, uint8_t *out, size_t out_len);

/*
 * Fills @buf with @len bytes from getrandom(2) (the kernel CSPRNG; blocks
 * only until it is seeded at boot).  -EINVAL when @len is 0 or @buf NULL;
 * otherwise 0 or the -errno of getrandom.
 */
int chap_challenge_new(uint8_t *buf, size_t len);

/*
 * Decodes a large binary value (RFC 7143 6.1): "0x"/"0X" and hex digits
 * (either case), or "0b"/"0B" and base64 (RFC 4648 alphabet, padding
 * required, no whitespace, unused trailing bits zero).  An odd number of
 * hex digits is accepted with an implied leading zero nibble, as 6.1
 * gives hex-constants a byte length of (n + 1) / 2.  On success the bytes
 * are in @out and their count in @out_len.  -EINVAL: no prefix, no
 * digits, a bad character or bad padding; -E2BIG: the value is valid but
 * longer than @out_max.  On error @out and @out_len are untouched.
 */
int chap_value_decode(const char *text, uint8_t *out, size_t out_max,
		      size_t *out_len);

/*
 * Writes "0x" and 2 * @len lowercase hex digits, NUL terminated, to @out.
 * -E2BIG when @out_max < 2 * @len + 3 (then @out is untouched); -EINVAL
 * when @out is NULL or @in is NULL with a non-zero @len.
 */
int chap_value_encode_hex(const uint8_t *in, size_t len, char *out,
			  size_t out_max);

/*
 * True when the @len bytes at @a and @b are equal.  Time depends only on
 * @len, never on the contents, so a peer cannot learn a correct response
 * byte by byte.
 */
bool chap_response_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif
