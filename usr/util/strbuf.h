/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A growable, always NUL-terminated text buffer for show/dump output.
 * Allocation failure is sticky: sb->oom becomes true, further appends are
 * ignored and the owner reports -ENOMEM once at the end.
 */
#ifndef TGT_UTIL_STRBUF_H
#define TGT_UTIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
};

#define STRBUF_INIT { NULL, 0, 0, false }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Returns the text (never NULL, "" when empty). */
const char *strbuf_str(const struct strbuf *sb);

#endif
