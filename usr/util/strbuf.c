/* SPDX-License-Identifier: GPL-2.0-only */
#include "strbuf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
	sb->oom = false;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static bool strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t cap = sb->cap ? sb->cap : 256;
	char *p;

	if (sb->oom)
		return false;
	if (need <= sb->cap)
		return true;
	while (cap < need)
		cap *= 2;
	p = realloc(sb->buf, cap);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!strbuf_grow(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !strbuf_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

static bool strbuf_ini_needs_quotes(const char *v)
{
	size_t len = strlen(v);

	if (len == 0)
		return false;
	if (isspace((unsigned char)v[0]) || isspace((unsigned char)v[len - 1]))
		return true;
	if (v[0] == '"' || v[0] == '\'')
		return true;
	return strpbrk(v, ";#") != NULL;
}

void strbuf_add_ini(struct strbuf *sb, const char *key, const char *value)
{
	if (!strbuf_ini_needs_quotes(value))
		strbuf_addf(sb, "%s = %s\n", key, value);
	else if (!strchr(value, '"'))
		strbuf_addf(sb, "%s = \"%s\"\n", key, value);
	else if (!strchr(value, '\''))
		strbuf_addf(sb, "%s = '%s'\n", key, value);
	else
		strbuf_addf(sb, "%s = \"%.*s\"\n", key,
			    (int)strcspn(value, "\""), value);
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}
