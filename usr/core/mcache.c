// SPDX-License-Identifier: GPL-2.0-only
/*
 * Size-class block caches (see mcache.h).  A free block holds the free
 * list's link in its first bytes.
 */
#include "mcache.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define MCACHE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MCACHE_ASAN 1
#endif
#endif

#ifdef MCACHE_ASAN
#include <sanitizer/asan_interface.h>
#endif

struct mcache_free {
	struct mcache_free *next;
};

/* The class holding @size bytes; MCACHE_CLASSES when none does. */
static unsigned mcache_class(size_t size)
{
	unsigned shift = MCACHE_MIN_SHIFT;

	while (shift <= MCACHE_MAX_SHIFT && ((size_t)1 << shift) < size)
		shift++;
	return shift - MCACHE_MIN_SHIFT;
}

static size_t mcache_class_size(unsigned cls)
{
	return (size_t)1 << (cls + MCACHE_MIN_SHIFT);
}

/*
 * Cached blocks are off limits to everyone but the cache (ASan), all but
 * the free-list link: LeakSanitizer does not look for pointers in
 * poisoned memory, and must see every cached block as reachable.
 */
static void mcache_poison(void *p, size_t len, bool on)
{
#ifdef MCACHE_ASAN
	uint8_t *rest = (uint8_t *)p + sizeof(struct mcache_free);

	if (on)
		ASAN_POISON_MEMORY_REGION(rest, len - sizeof(struct mcache_free));
	else
		ASAN_UNPOISON_MEMORY_REGION(rest,
					    len - sizeof(struct mcache_free));
#else
	(void)p;
	(void)len;
	(void)on;
#endif
}

/* A second put of the same block would corrupt a free list. */
static void mcache_double_put_check(void *p)
{
#ifdef MCACHE_ASAN
	if (__asan_address_is_poisoned((uint8_t *)p +
				       sizeof(struct mcache_free))) {
		fprintf(stderr, "mcache: block %p put twice\n", p);
		abort();
	}
#else
	(void)p;
#endif
}

static void *mcache_alloc(size_t size)
{
	void *p;

	/* 4 KiB alignment: data buffers may go to O_DIRECT backing stores. */
	if (posix_memalign(&p, (size_t)1 << MCACHE_MIN_SHIFT, size ? size : 1))
		return NULL;
	return p;
}

void *mcache_block_get(struct mcache *mc, size_t size)
{
	unsigned cls = mcache_class(size);
	struct mcache_free *b;

	if (cls == MCACHE_CLASSES)
		return mcache_alloc(size);
	if (!mc || !mc->cls[cls].head) {
		if (mc)
			mc->misses++;
		return mcache_alloc(mcache_class_size(cls));
	}
	b = mc->cls[cls].head;
	mcache_poison(b, mcache_class_size(cls), false);
	mc->cls[cls].head = b->next;
	mc->cls[cls].count--;
	mc->bytes -= mcache_class_size(cls);
	mc->hits++;
	return b;
}

void mcache_block_put(struct mcache *mc, void *p, size_t size)
{
	unsigned cls = mcache_class(size);
	struct mcache_free *b = p;

	if (!p)
		return;
	if (!mc || cls == MCACHE_CLASSES ||
	    mc->cls[cls].count >= MCACHE_CLASS_MAX ||
	    mc->bytes + mcache_class_size(cls) > MCACHE_BYTES_MAX) {
		free(p);
		return;
	}
	mcache_double_put_check(p);
	b->next = mc->cls[cls].head;
	mcache_poison(b, mcache_class_size(cls), true);
	mc->cls[cls].head = b;
	mc->cls[cls].count++;
	mc->bytes += mcache_class_size(cls);
}

void mcache_drain(struct mcache *mc)
{
	for (unsigned cls = 0; cls < MCACHE_CLASSES; cls++) {
		while (mc->cls[cls].head) {
			struct mcache_free *b = mc->cls[cls].head;

			mcache_poison(b, mcache_class_size(cls), false);
			mc->cls[cls].head = b->next;
			free(b);
		}
		mc->cls[cls].count = 0;
	}
	mc->bytes = 0;
}
