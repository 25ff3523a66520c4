/* SPDX-License-Identifier: GPL-2.0-only */
#include "md_block.h"

#include <string.h>

#include "util/util.h"

void md_block_update(uint32_t *state, uint8_t buf[MD_BLOCK_LEN],
		     uint64_t *total, md_block_fn block, const void *data,
		     size_t len)
{
	const uint8_t *p = data;
	size_t used = *total % MD_BLOCK_LEN;

	if (!len)
		return;
	*total += len;
	if (used) {
		size_t n = MIN(len, MD_BLOCK_LEN - used);

		memcpy(buf + used, p, n);
		p += n;
		len -= n;
		if (used + n < MD_BLOCK_LEN)
			return;
		block(state, buf);
	}
	for (; len >= MD_BLOCK_LEN; len -= MD_BLOCK_LEN, p += MD_BLOCK_LEN)
		block(state, p);
	if (len)
		memcpy(buf, p, len);
}

/* RFC 1321 3.1-3.2 and FIPS 180-4 5.1.1 pad the same way. */
void md_block_finish(uint32_t *state, uint8_t buf[MD_BLOCK_LEN],
		     uint64_t total, md_block_fn block, bool len_be)
{
	size_t used = total % MD_BLOCK_LEN;

	buf[used++] = 0x80;
	if (used > MD_BLOCK_LEN - 8) {
		memset(buf + used, 0, MD_BLOCK_LEN - used);
		block(state, buf);
		used = 0;
	}
	memset(buf + used, 0, MD_BLOCK_LEN - 8 - used);
	if (len_be)
		put_be64(buf + MD_BLOCK_LEN - 8, total * 8);
	else
		put_le64(buf + MD_BLOCK_LEN - 8, total * 8);
	block(state, buf);
}
