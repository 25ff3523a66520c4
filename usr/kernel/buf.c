/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Data buffers of the kernel transport (loop only): power-of-two size
 * classes from 4 KiB to SCSI_TGT_XFER_MAX, each with a bounded free list.
 *
 * Why a pool: every command needs a buffer the kernel copies into or out
 * of, and a fresh malloc'd buffer of a few hundred KiB comes from mmap or
 * from heap pages the allocator gave back, so each command paid a page
 * fault per 4 KiB (inside the kernel's copy for a WRITE).  A recycled
 * buffer is already mapped.  What the pool keeps is bounded: at most
 * KNL_BUF_CACHE_BYTES in all, and KNL_BUF_CACHE_MAX buffers per class.
 *
 * A free buffer holds the free list's link in its first bytes.  Contents
 * are not cleared, as with malloc: the SCSI layer reports the bytes it
 * filled (xfer_len) and only those are sent.
 */
#include "knl_int.h"

#include <stdlib.h>

#include "scsi_tgt_nl.h"

#define KNL_BUF_MIN_SHIFT	12		/* 4 KiB */
#define KNL_BUF_MAX_SHIFT	23		/* SCSI_TGT_XFER_MAX */
#define KNL_BUF_CLASSES		(KNL_BUF_MAX_SHIFT - KNL_BUF_MIN_SHIFT + 1)
#define KNL_BUF_CACHE_BYTES	(16u << 20)	/* kept free, all classes */
#define KNL_BUF_CACHE_MAX	128u		/* kept free, per class */

_Static_assert(SCSI_TGT_XFER_MAX == 1u << KNL_BUF_MAX_SHIFT,
	       "the largest class must hold the largest transfer");

struct knl_buf_free {
	struct knl_buf_free *next;
};

static struct {
	struct knl_buf_free *head;
	unsigned count;
} knl_bufs[KNL_BUF_CLASSES];
static size_t knl_bufs_cached;		/* bytes on the free lists */

/* The class holding @len bytes (1..SCSI_TGT_XFER_MAX). */
static unsigned knl_buf_class(uint32_t len)
{
	unsigned shift = KNL_BUF_MIN_SHIFT;

	while ((1u << shift) < len)
		shift++;
	return shift - KNL_BUF_MIN_SHIFT;
}

static size_t knl_buf_size(unsigned cls)
{
	return (size_t)1 << (cls + KNL_BUF_MIN_SHIFT);
}

void *knl_buf_get(uint32_t len)
{
	unsigned cls;
	struct knl_buf_free *b;
	void *p;

	if (!len || len > SCSI_TGT_XFER_MAX)
		return NULL;
	cls = knl_buf_class(len);
	b = knl_bufs[cls].head;
	if (b) {
		knl_bufs[cls].head = b->next;
		knl_bufs[cls].count--;
		knl_bufs_cached -= knl_buf_size(cls);
		return b;
	}
	if (posix_memalign(&p, 4096, knl_buf_size(cls)))
		return NULL;
	return p;
}

void knl_buf_put(void *buf, uint32_t len)
{
	struct knl_buf_free *b = buf;
	unsigned cls;

	if (!buf)
		return;
	cls = knl_buf_class(len);
	if (knl_bufs[cls].count >= KNL_BUF_CACHE_MAX ||
	    knl_bufs_cached + knl_buf_size(cls) > KNL_BUF_CACHE_BYTES) {
		free(buf);
		return;
	}
	b->next = knl_bufs[cls].head;
	knl_bufs[cls].head = b;
	knl_bufs[cls].count++;
	knl_bufs_cached += knl_buf_size(cls);
}

void knl_bufs_trim(void)
{
	for (unsigned cls = 0; cls < KNL_BUF_CLASSES; cls++) {
		while (knl_bufs[cls].head) {
			struct knl_buf_free *b = knl_bufs[cls].head;

			knl_bufs[cls].head = b->next;
			free(b);
		}
		knl_bufs[cls].count = 0;
	}
	knl_bufs_cached = 0;
}
