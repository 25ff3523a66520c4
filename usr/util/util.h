/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by every module: explicit byte-order accessors for
 * wire formats (CDBs, PDUs, the management protocol), strict number parsing
 * (the project does not use atoi/strtol without end checks), and bounded
 * string copies.
 */
#ifndef TGT_UTIL_UTIL_H
#define TGT_UTIL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ROUND_UP(x, a) ((((x) + (a) - 1) / (a)) * (a))

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get_be24(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t get_be64(const uint8_t *p)
{
	return ((uint64_t)get_be32(p) << 32) | get_be32(p + 4);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | ((uint64_t)get_le32(p + 4) << 32);
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/*
 * Strict parsers: the whole string must be a number in range (decimal, or
 * 0x hex), no sign for unsigned, no trailing garbage.  Return 0 or -EINVAL
 * (not a number) / -ERANGE (out of [min, max]).
 */
int util_parse_u64(const char *s, uint64_t *out);
int util_parse_u32_range(const char *s, uint32_t min, uint32_t max,
			 uint32_t *out);
int util_parse_int_range(const char *s, int min, int max, int *out);
/* "1", "yes", "on", "true" / "0", "no", "off", "false" (any case). */
int util_parse_bool(const char *s, bool *out);
/* A size with optional K/M/G/T suffix (powers of 1024). */
int util_parse_size(const char *s, uint64_t *out);

/*
 * Copies at most dst_size-1 bytes and always terminates.  Returns the
 * length copied, or -E2BIG when @src did not fit (dst holds the prefix).
 */
long util_strscpy(char *dst, const char *src, size_t dst_size);

/* Copies @src into a fixed-width SCSI ASCII field, space padded. */
void util_str_pad(uint8_t *dst, size_t width, const char *src);

/* Monotonic clock in nanoseconds. */
uint64_t util_now_ns(void);

#endif
