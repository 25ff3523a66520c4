/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Merkle-Damgard framing MD5 and SHA-256 share: 64-byte blocks fed
 * from arbitrary-length input through a partial-block buffer, and the
 * final padding (0x80, zeros to 56 mod 64, the bit length in 8 bytes).
 * Only the compression function and the length's byte order differ.
 * Private to usr/iscsi/md5.c and sha256.c.
 */
#ifndef TGT_ISCSI_MD_BLOCK_H
#define TGT_ISCSI_MD_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MD_BLOCK_LEN 64

typedef void (*md_block_fn)(uint32_t *state, const uint8_t *block);

/* Feeds @len bytes; *@total counts every byte fed, buf holds the rest. */
void md_block_update(uint32_t *state, uint8_t buf[MD_BLOCK_LEN],
		     uint64_t *total, md_block_fn block, const void *data,
		     size_t len);
/* Pads and compresses the last block(s); @len_be: big-endian length. */
void md_block_finish(uint32_t *state, uint8_t buf[MD_BLOCK_LEN],
		     uint64_t total, md_block_fn block, bool len_be);

#endif
