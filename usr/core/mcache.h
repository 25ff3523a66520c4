/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory block caches: power-of-two size classes from 4 KiB to 8 MiB,
 * each with a bounded free list, for what a loop allocates and frees per
 * command (struct tgt_cmd, data buffers).  Every event loop owns one
 * (evloop_mcache()), so that the steady state of a data path costs no
 * malloc and no lock.
 *
 * Why: a fresh buffer of a few hundred KiB comes from mmap or from pages
 * the allocator gave back, so each command paid page faults; and a
 * malloc per PDU is a shared-heap operation on a path that is otherwise
 * loop-local.  A recycled block is mapped and cache-warm.
 *
 * Contract:
 *  - A cache is used by one thread at a time (its loop's thread, or the
 *    creator before the loop runs).  A NULL cache is valid everywhere and
 *    means "no caching": plain posix_memalign/free.
 *  - mcache_block_get(@size) returns a 4 KiB-aligned block of at least
 *    @size bytes (contents undefined, like malloc), or NULL.  Give it back
 *    with mcache_block_put() and the same @size, through any cache (or
 *    NULL): blocks are interchangeable between caches of a size class.
 *    Sizes above the largest class are plain allocations, never cached.
 *  - What a cache keeps is bounded: MCACHE_BYTES_MAX bytes in all and
 *    MCACHE_CLASS_MAX blocks per class; beyond that blocks are freed.
 *  - Under AddressSanitizer, cached blocks are poisoned (but for their
 *    first 8 bytes, the free-list link LeakSanitizer must follow): a use
 *    after mcache_block_put() is reported as with free(), and putting a
 *    block twice aborts.  Blocks still in use at exit are leaks as usual.
 */
#ifndef TGT_CORE_MCACHE_H
#define TGT_CORE_MCACHE_H

#include <stddef.h>
#include <stdint.h>

#define MCACHE_MIN_SHIFT	12			/* 4 KiB */
#define MCACHE_MAX_SHIFT	23			/* 8 MiB */
#define MCACHE_CLASSES		(MCACHE_MAX_SHIFT - MCACHE_MIN_SHIFT + 1)
#define MCACHE_BYTES_MAX	((size_t)16 << 20)	/* kept, all classes */
#define MCACHE_CLASS_MAX	512u			/* kept, per class */

struct mcache_free;

struct mcache {
	struct {
		struct mcache_free *head;
		unsigned count;
	} cls[MCACHE_CLASSES];
	size_t bytes;			/* on the free lists */
	/* counters, for tests and show */
	uint64_t hits, misses;
};

void *mcache_block_get(struct mcache *mc, size_t size);
void mcache_block_put(struct mcache *mc, void *p, size_t size);
/* Frees every cached block (the cache stays usable). */
void mcache_drain(struct mcache *mc);

#endif
