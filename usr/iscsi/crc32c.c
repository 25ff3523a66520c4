/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CRC32C, see crc32c.h.
 *
 * Software path: slicing-by-8.  Table 0 is the classic reflected
 * byte-at-a-time table; table k gives the effect of a byte followed by k
 * zero bytes, so eight bytes fold into the register with eight lookups
 * and no serial dependency between them.  The tables (8 KiB) are built
 * once on first use rather than spelled out, so they cannot be mistyped.
 *
 * Hardware path: the SSE4.2 crc32 instruction implements exactly this
 * polynomial in the same reflected bit order on the raw register, so both
 * paths share state and give identical results.  It is compiled with a
 * per-function target attribute so the rest of the build stays generic,
 * and chosen once per process from CPUID.
 */
#include "crc32c.h"

#include <pthread.h>

#include "util/util.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define CRC32C_HAVE_X86 1
#include <nmmintrin.h>
#else
#define CRC32C_HAVE_X86 0
#endif

#define CRC32C_POLY 0x82f63b78u

static uint32_t crc32c_tab[8][256];
static bool crc32c_use_hw;
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;

static uint32_t crc32c_byte_tab_entry(uint32_t n)
{
	uint32_t c = n;

	for (int bit = 0; bit < 8; bit++)
		c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
	return c;
}

static void crc32c_tables_build(void)
{
	for (uint32_t n = 0; n < 256; n++)
		crc32c_tab[0][n] = crc32c_byte_tab_entry(n);
	for (int k = 1; k < 8; k++) {
		for (uint32_t n = 0; n < 256; n++) {
			uint32_t prev = crc32c_tab[k - 1][n];

			crc32c_tab[k][n] = (prev >> 8) ^
					   crc32c_tab[0][prev & 0xff];
		}
	}
}

static void crc32c_setup(void)
{
	crc32c_tables_build();
#if CRC32C_HAVE_X86
	__builtin_cpu_init();
	crc32c_use_hw = __builtin_cpu_supports("sse4.2");
#endif
}

static inline void crc32c_setup_once(void)
{
	pthread_once(&crc32c_once, crc32c_setup);
}

static uint32_t crc32c_sw_bytes(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len--)
		crc = (crc >> 8) ^ crc32c_tab[0][(crc ^ *p++) & 0xff];
	return crc;
}

/* Folds 8 bytes: the first four are xored into the register (reflected,
 * so little-endian), each byte then indexes the table for its distance
 * from the end of the block. */
static uint32_t crc32c_sw_block8(uint32_t crc, const uint8_t *p)
{
	uint32_t lo = get_le32(p) ^ crc;
	uint32_t hi = get_le32(p + 4);

	return crc32c_tab[7][lo & 0xff] ^ crc32c_tab[6][(lo >> 8) & 0xff] ^
	       crc32c_tab[5][(lo >> 16) & 0xff] ^ crc32c_tab[4][lo >> 24] ^
	       crc32c_tab[3][hi & 0xff] ^ crc32c_tab[2][(hi >> 8) & 0xff] ^
	       crc32c_tab[1][(hi >> 16) & 0xff] ^ crc32c_tab[0][hi >> 24];
}

uint32_t crc32c_update_sw(uint32_t state, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc32c_setup_once();
	for (; len >= 8; len -= 8, p += 8)
		state = crc32c_sw_block8(state, p);
	return crc32c_sw_bytes(state, p, len);
}

#if CRC32C_HAVE_X86
/* Byte steps up to 8-byte alignment (an aligned 64-bit load never splits a
 * cache line), then 8 bytes per instruction, then the tail. */
__attribute__((target("sse4.2")))
static uint32_t crc32c_hw_run(uint32_t state, const uint8_t *p, size_t len)
{
	uint64_t crc = state;

	while (len && ((uintptr_t)p & 7)) {
		crc = _mm_crc32_u8((uint32_t)crc, *p++);
		len--;
	}
	for (; len >= 8; len -= 8, p += 8)
		crc = _mm_crc32_u64(crc, get_le64(p));
	while (len--)
		crc = _mm_crc32_u8((uint32_t)crc, *p++);
	return (uint32_t)crc;
}

uint32_t crc32c_update_hw(uint32_t state, const void *buf, size_t len)
{
	return crc32c_hw_run(state, buf, len);
}
#else
uint32_t crc32c_update_hw(uint32_t state, const void *buf, size_t len)
{
	return crc32c_update_sw(state, buf, len);
}
#endif

bool crc32c_hw_available(void)
{
	crc32c_setup_once();
	return crc32c_use_hw;
}

uint32_t crc32c_init(void)
{
	return 0xffffffffu;
}

uint32_t crc32c_update(uint32_t state, const void *buf, size_t len)
{
	if (!len)
		return state;
	if (crc32c_hw_available())
		return crc32c_update_hw(state, buf, len);
	return crc32c_update_sw(state, buf, len);
}

uint32_t crc32c_final(uint32_t state)
{
	return ~state;
}

uint32_t crc32c(const void *buf, size_t len)
{
	return crc32c_final(crc32c_update(crc32c_init(), buf, len));
}

void crc32c_put_digest(uint8_t out[4], uint32_t crc)
{
	put_le32(out, crc);
}

uint32_t crc32c_get_digest(const uint8_t in[4])
{
	return get_le32(in);
}
