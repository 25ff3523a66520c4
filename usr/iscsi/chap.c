/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CHAP primitives, see chap.h.
 *
 * The decoders validate the whole value before writing anything, so a
 * caller never sees half-decoded bytes from a malformed or oversized key,
 * and an over-long value is distinguishable (-E2BIG) from garbage.
 */
#include "chap.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "iscsi/md5.h"
#include "iscsi/sha256.h"

size_t chap_digest_len(enum chap_alg alg)
{
	switch (alg) {
	case CHAP_ALG_MD5:
		return MD5_DIGEST_LEN;
	case CHAP_ALG_SHA256:
		return SHA256_DIGEST_LEN;
	}
	return 0;
}

bool chap_alg_supported(unsigned alg)
{
	return alg == CHAP_ALG_MD5 || alg == CHAP_ALG_SHA256;
}

static void chap_md5(uint8_t id, const uint8_t *secret, size_t secret_len,
		     const uint8_t *challenge, size_t challenge_len,
		     uint8_t *out)
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, &id, 1);
	md5_update(&c, secret, secret_len);
	md5_update(&c, challenge, challenge_len);
	md5_final(&c, out);
}

static void chap_sha256(uint8_t id, const uint8_t *secret, size_t secret_len,
			const uint8_t *challenge, size_t challenge_len,
			uint8_t *out)
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, &id, 1);
	sha256_update(&c, secret, secret_len);
	sha256_update(&c, challenge, challenge_len);
	sha256_final(&c, out);
}

int chap_response(enum chap_alg alg, uint8_t id, const uint8_t *secret,
		  size_t secret_len, const uint8_t *challenge,
		  size_t challenge_len, uint8_t *out, size_t out_len)
{
	size_t dlen = chap_digest_len(alg);

	if (!dlen || !out || out_len < dlen)
		return -EINVAL;
	if ((!secret && secret_len) || (!challenge && challenge_len))
		return -EINVAL;
	if (alg == CHAP_ALG_MD5)
		chap_md5(id, secret, secret_len, challenge, challenge_len, out);
	else
		chap_sha256(id, secret, secret_len, challenge, challenge_len,
			    out);
	return 0;
}

int chap_challenge_new(uint8_t *buf, size_t len)
{
	size_t done = 0;

	if (!buf || !len)
		return -EINVAL;
	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	return 0;
}

bool chap_response_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	volatile uint8_t diff = 0;

	for (size_t i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* ---- hex ---- */

static int chap_hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* An odd digit count means the first byte holds only one digit. */
static int chap_hex_decode(const char *s, size_t n, uint8_t *out,
			   size_t out_max, size_t *out_len)
{
	size_t bytes = (n + 1) / 2, i = 0, o = 0;

	if (!n)
		return -EINVAL;
	for (size_t k = 0; k < n; k++)
		if (chap_hex_nibble(s[k]) < 0)
			return -EINVAL;
	if (bytes > out_max)
		return -E2BIG;
	if (n % 2)
		out[o++] = (uint8_t)chap_hex_nibble(s[i++]);
	for (; i < n; i += 2)
		out[o++] = (uint8_t)(chap_hex_nibble(s[i]) << 4 |
				     chap_hex_nibble(s[i + 1]));
	*out_len = bytes;
	return 0;
}

/* ---- base64 (RFC 4648 section 4) ---- */

static int chap_b64_sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Checks length, alphabet and padding; returns the decoded byte count or
 * -EINVAL.  Padding: only in the last quantum, one or two '=' at its end;
 * the bits a short quantum does not use must be zero (canonical form,
 * RFC 4648 3.5), so each value has exactly one accepted spelling.
 */
static long chap_b64_check(const char *s, size_t n)
{
	size_t pad = 0;

	if (!n || n % 4)
		return -EINVAL;
	while (pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	for (size_t k = 0; k < n - pad; k++)
		if (chap_b64_sextet(s[k]) < 0)
			return -EINVAL;
	if (pad == 2 && (chap_b64_sextet(s[n - 3]) & 0x0f))
		return -EINVAL;
	if (pad == 1 && (chap_b64_sextet(s[n - 2]) & 0x03))
		return -EINVAL;
	return (long)(n / 4 * 3 - pad);
}

static int chap_b64_decode(const char *s, size_t n, uint8_t *out,
			   size_t out_max, size_t *out_len)
{
	long bytes = chap_b64_check(s, n);
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	if (bytes < 0)
		return (int)bytes;
	if ((size_t)bytes > out_max)
		return -E2BIG;
	for (size_t k = 0; k < n && s[k] != '='; k++) {
		acc = (acc << 6) | (uint32_t)chap_b64_sextet(s[k]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*out_len = o;
	return 0;
}

int chap_value_decode(const char *text, uint8_t *out, size_t out_max,
		      size_t *out_len)
{
	const char *body;

	if (!text || !out_len || (!out && out_max))
		return -EINVAL;
	if (text[0] != '0' || text[1] == '\0')
		return -EINVAL;
	body = text + 2;
	if (text[1] == 'x' || text[1] == 'X')
		return chap_hex_decode(body, strlen(body), out, out_max,
				       out_len);
	if (text[1] == 'b' || text[1] == 'B')
		return chap_b64_decode(body, strlen(body), out, out_max,
				       out_len);
	return -EINVAL;
}

int chap_value_encode_hex(const uint8_t *in, size_t len, char *out,
			  size_t out_max)
{
	static const char digits[] = "0123456789abcdef";

	if (!out || (!in && len))
		return -EINVAL;
	if (len > (SIZE_MAX - 3) / 2 || out_max < 2 * len + 3)
		return -E2BIG;
	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		out[2 + 2 * i] = digits[in[i] >> 4];
		out[3 + 2 * i] = digits[in[i] & 0x0f];
	}
	out[2 + 2 * len] = '\0';
	return 0;
}
