/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the iSCSI header
 * and data digest (RFC 7143 11.1, RFC 3720 Appendix B.4).
 *
 * Two implementations give bit-identical results: a portable
 * slicing-by-8 table walk, and the SSE4.2 crc32 instruction, picked once
 * at run time when the CPU has it.  Digests are computed on every PDU, so
 * the hardware path matters; the tables keep other CPUs correct.
 *
 * The state passed between calls is the raw CRC register:
 *   uint32_t s = crc32c_init();
 *   s = crc32c_update(s, hdr, 48);
 *   s = crc32c_update(s, ahs, ahs_len);
 *   uint32_t crc = crc32c_final(s);      == crc32c(hdr||ahs)
 * All functions are thread-safe and allocation-free; buffers may have any
 * alignment; len 0 leaves the state unchanged (buf may then be NULL).
 */
#ifndef TGT_ISCSI_CRC32C_H
#define TGT_ISCSI_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Initial register value, 0xffffffff. */
uint32_t crc32c_init(void);
/* Feeds @len bytes of @buf into @state; returns the new state. */
uint32_t crc32c_update(uint32_t state, const void *buf, size_t len);
/* The CRC of everything fed so far: ~state. */
uint32_t crc32c_final(uint32_t state);
/* crc32c_final(crc32c_update(crc32c_init(), buf, len)). */
uint32_t crc32c(const void *buf, size_t len);

/*
 * iSCSI transmits the digest least-significant byte first (the RFC 3720
 * B.4 examples): crc 0xd9963a56 goes on the wire as 56 3a 96 d9.
 */
void crc32c_put_digest(uint8_t out[4], uint32_t crc);
uint32_t crc32c_get_digest(const uint8_t in[4]);

/* True when crc32c_update() uses the SSE4.2 crc32 instruction. */
bool crc32c_hw_available(void);

/*
 * For tests and benchmarks only: each implementation on its own, same
 * contract as crc32c_update().  crc32c_update_hw() must only be called
 * when crc32c_hw_available() is true.
 */
uint32_t crc32c_update_sw(uint32_t state, const void *buf, size_t len);
uint32_t crc32c_update_hw(uint32_t state, const void *buf, size_t len);

#endif
