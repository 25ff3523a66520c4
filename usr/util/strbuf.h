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
/*
 * Appends "key = value\n" in tgtd.conf (INI) syntax, quoting @value when
 * it holds a comment character (; or #), starts or ends with white space
 * or starts with a quote, so iniparser reads back exactly @value.  A value
 * containing both quote characters cannot be represented and is written
 * double-quoted up to its first '"' (callers reject such values earlier).
 */
void strbuf_add_ini(struct strbuf *sb, const char *key, const char *value);
/* Returns the text (never NULL, "" when empty). */
const char *strbuf_str(const struct strbuf *sb);

#endif
