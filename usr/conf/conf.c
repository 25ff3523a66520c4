/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tgtd.conf reader (contract in conf.h).
 *
 * Loading takes four steps:
 *   1. iniparser reads the file and owns the value syntax (quotes, inline
 *      comments, continuation lines); its syntax errors come through its
 *      error callback.
 *   2. conf_scan reads the file again for what iniparser does not keep:
 *      the line of every section and key, their order, and duplicates
 *      that iniparser would silently merge or overwrite.
 *   3. conf_values_fill copies each key's value out of iniparser's
 *      dictionary.
 *   4. conf_validate checks keys and values, then relations between
 *      sections.
 * conf_apply then turns the sections into management requests.
 */
#include "conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <iniparser/iniparser.h>

#include "../core/target.h"
#include "../mgmt/mgmt.h"
#include "../util/list.h"
#include "../util/log.h"
#include "../util/strbuf.h"
#include "../util/util.h"

#define CONF_ITEM_MAX	TGT_NAME_MAX	/* one item of a comma list */
#define CONF_DEFAULT_LLD "iscsi"

enum conf_kind {
	CONF_SEC_GLOBAL,
	CONF_SEC_ACCOUNT,
	CONF_SEC_TARGET,
	CONF_SEC_LU,
	CONF_SEC_ISCSI,
	CONF_SEC_DISCOVERY,
};

/* Fixed keys; each has a slot in conf_sec.fixed once validated. */
enum conf_key {
	CONF_K_IOTHREADS,
	CONF_K_LOG_LEVEL,
	CONF_K_PASSWORD,
	CONF_K_NAME,
	CONF_K_LLD,
	CONF_K_STATE,
	CONF_K_IADDR,
	CONF_K_INAME,
	CONF_K_IN_USER,
	CONF_K_OUT_USER,
	CONF_K_HOST,
	CONF_K_BACKING,
	CONF_K_BSTYPE,
	CONF_K_BSOFLAGS,
	CONF_K_BLOCKSIZE,
	CONF_K_DEVTYPE,
	CONF_K_PORTAL,
	CONF_K_RX_TIMEOUT,
	CONF_K_NOP_INTERVAL,
	CONF_K_NOP_TIMEOUT,
	CONF_K_LOGOUT_TIMEOUT,
	CONF_K_MAX,
};

struct conf_kv {
	char *key;		/* lowercased, as iniparser stores it */
	char *value;		/* case kept; enumerations lowercased */
	unsigned line;
	bool param;		/* LU device parameter */
};

struct conf_sec {
	struct list_head node;
	enum conf_kind kind;
	unsigned line;
	char *dict_name;	/* iniparser's lowercased name, for lookups */
	char *label;		/* canonical name for messages */
	char *user;		/* account: the name, case kept */
	int tid;
	uint64_t lun;
	struct conf_kv *kv;
	size_t nkv, kv_cap;
	const struct conf_kv *fixed[CONF_K_MAX];
};

struct conf {
	char *path;
	struct conf_global global;
	struct list_head secs;	/* conf_sec, file order */
};

/* ------------------------------------------------------------------ */
/* messages */

/*
 * Every error message has the same shape so that users and tests can
 * rely on it; @label and @key may be NULL for errors about a line or a
 * whole section.  Returns -EINVAL so callers can "return conf_err(...)".
 */
static int conf_err(char *err, size_t errlen, const char *path,
		    unsigned line, const char *label, const char *key,
		    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static int conf_err(char *err, size_t errlen, const char *path,
		    unsigned line, const char *label, const char *key,
		    const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	char *msg;
	int n;

	if (!err || !errlen)
		return -EINVAL;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	strbuf_addf(&sb, "%s:%u: ", path, line);
	if (label)
		strbuf_addf(&sb, "[%s]%s", label, key ? " " : ": ");
	if (key)
		strbuf_addf(&sb, "%s: ", key);
	strbuf_addstr(&sb, n < 0 ? "(out of memory)" : msg);
	util_strscpy(err, sb.oom ? "out of memory" : strbuf_str(&sb), errlen);
	strbuf_release(&sb);
	if (n >= 0)
		free(msg);
	return -EINVAL;
}

static int conf_kv_err(const struct conf *c, const struct conf_sec *s,
		       const struct conf_kv *kv, char *err, size_t errlen,
		       const char *what)
{
	return conf_err(err, errlen, c->path, kv->line, s->label, kv->key,
			"%s", what);
}

/* ------------------------------------------------------------------ */
/* small string helpers */

/* Trims leading and trailing whitespace in place; returns the start. */
static char *conf_str_trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static void conf_str_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static bool conf_str_has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

/*
 * Walks a comma-separated list: copies the next item, trimmed, into
 * @item.  *@pos starts at the list and becomes NULL after the last item.
 * Returns 1 (an item), 0 (no more), -EINVAL (an empty item), -E2BIG
 * (an item of @len bytes or more).
 */
static int conf_list_next(const char **pos, char *item, size_t len)
{
	const char *s = *pos, *end, *last;
	size_t n;

	if (!s)
		return 0;
	end = strchr(s, ',');
	if (!end)
		end = s + strlen(s);
	*pos = *end ? end + 1 : NULL;
	while (s < end && isspace((unsigned char)*s))
		s++;
	last = end;
	while (last > s && isspace((unsigned char)last[-1]))
		last--;
	n = (size_t)(last - s);
	if (!n)
		return -EINVAL;
	if (n >= len)
		return -E2BIG;
	memcpy(item, s, n);
	item[n] = '\0';
	return 1;
}

/* ------------------------------------------------------------------ */
/* value validators: 0 or -EINVAL with a reason in @why */

typedef int (*conf_check_fn)(char *value, struct strbuf *why);

/*
 * Case-insensitive match of @value against @names (NULL-terminated);
 * lowercases @value so the core always receives the canonical spelling.
 */
static int conf_enum_check(char *value, const char *const *names,
			   struct strbuf *why)
{
	conf_str_lower(value);
	for (size_t i = 0; names[i]; i++)
		if (strcmp(value, names[i]) == 0)
			return 0;
	strbuf_addf(why, "invalid value '%s' (expected ", value);
	for (size_t i = 0; names[i]; i++)
		strbuf_addf(why, "%s%s", i ? "|" : "", names[i]);
	strbuf_addstr(why, ")");
	return -EINVAL;
}

static int conf_check_iothreads(char *value, struct strbuf *why)
{
	uint32_t v;

	if (util_parse_u32_range(value, 0, CONF_IOTHREADS_MAX, &v) == 0)
		return 0;
	strbuf_addf(why, "invalid value '%s' (expected 0..%u)", value,
		    CONF_IOTHREADS_MAX);
	return -EINVAL;
}

static int conf_check_log_level(char *value, struct strbuf *why)
{
	static const char *const names[] = {
		"err", "warn", "info", "debug", NULL
	};

	return conf_enum_check(value, names, why);
}

static int conf_check_state(char *value, struct strbuf *why)
{
	static const char *const names[] = { "ready", "offline", NULL };

	return conf_enum_check(value, names, why);
}

static int conf_check_bstype(char *value, struct strbuf *why)
{
	static const char *const names[] = { "rdwr", "aio", "null", NULL };

	return conf_enum_check(value, names, why);
}

static int conf_check_devtype(char *value, struct strbuf *why)
{
	static const char *const names[] = { "disk", "controller", NULL };

	return conf_enum_check(value, names, why);
}

/* A name or user: one token, as long as the core stores. */
static int conf_check_token(char *value, struct strbuf *why)
{
	if (conf_str_has_space(value) || strchr(value, ',')) {
		strbuf_addf(why, "'%s' must not contain spaces or commas",
			    value);
		return -EINVAL;
	}
	if (strlen(value) >= TGT_NAME_MAX) {
		strbuf_addf(why, "longer than %d characters",
			    TGT_NAME_MAX - 1);
		return -EINVAL;
	}
	return 0;
}

static int conf_check_lld(char *value, struct strbuf *why)
{
	conf_str_lower(value);
	for (const char *p = value; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') {
			strbuf_addf(why, "invalid transport name '%s'",
				    value);
			return -EINVAL;
		}
	}
	return 0;
}

static int conf_check_host(char *value, struct strbuf *why)
{
	int v;

	if (util_parse_int_range(value, 0, INT32_MAX, &v) == 0)
		return 0;
	strbuf_addf(why, "invalid value '%s' (expected a SCSI host number)",
		    value);
	return -EINVAL;
}

static int conf_check_blocksize(char *value, struct strbuf *why)
{
	uint32_t v;

	if (util_parse_u32_range(value, 512, 4096, &v) == 0 &&
	    (v == 512 || v == 4096))
		return 0;
	strbuf_addf(why, "invalid value '%s' (expected 512|4096)", value);
	return -EINVAL;
}

/* One ACL address: ALL, an IPv4 or IPv6 address, optionally /prefix. */
static bool conf_addr_valid(const char *item)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(item, '/');
	size_t n = slash ? (size_t)(slash - item) : strlen(item);
	struct in6_addr a;
	uint32_t prefix, max;

	if (strcasecmp(item, "ALL") == 0)
		return true;
	if (n >= sizeof(host))
		return false;
	memcpy(host, item, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &a) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, host, &a) == 1)
		max = 128;
	else
		return false;
	return !slash || util_parse_u32_range(slash + 1, 0, max, &prefix) == 0;
}

/*
 * Checks every item of a comma list with @item_ok (NULL: any single
 * token); @max_items 0 means unlimited.
 */
static int conf_list_check(const char *value, bool (*item_ok)(const char *),
			   unsigned max_items, struct strbuf *why)
{
	char item[CONF_ITEM_MAX];
	const char *pos = value;
	unsigned count = 0;
	int ret;

	while ((ret = conf_list_next(&pos, item, sizeof(item))) > 0) {
		if (++count > max_items && max_items) {
			strbuf_addf(why, "only %u value allowed", max_items);
			return -EINVAL;
		}
		if (item_ok ? !item_ok(item) : conf_str_has_space(item)) {
			strbuf_addf(why, "invalid value '%s'", item);
			return -EINVAL;
		}
	}
	if (ret == -EINVAL)
		strbuf_addstr(why, "empty item in the comma-separated list");
	else if (ret == -E2BIG)
		strbuf_addf(why, "an item is longer than %d characters",
			    CONF_ITEM_MAX - 1);
	return ret;
}

/* One iSCSI portal: "ADDR[:PORT]" or "[V6ADDR][:PORT]", numeric, as the
 * iscsi lld parses it; checked here so a typo stops tgtd before it runs. */
static bool conf_portal_valid(const char *item)
{
	char host[INET6_ADDRSTRLEN];
	const char *end, *port;
	struct in6_addr a;
	uint32_t v;
	int af = AF_INET;
	size_t n;

	if (*item == '[') {
		end = strchr(item, ']');
		if (!end)
			return false;
		item++;
		port = end + 1;
		af = AF_INET6;
	} else {
		end = strchr(item, ':');
		if (!end)
			end = item + strlen(item);
		port = end;
	}
	n = (size_t)(end - item);
	if (n >= sizeof(host))
		return false;
	memcpy(host, item, n);
	host[n] = '\0';
	if (inet_pton(af, host, &a) != 1)
		return false;
	return !*port || (*port == ':' &&
			  util_parse_u32_range(port + 1, 1, 65535, &v) == 0);
}

static int conf_check_portal_list(char *value, struct strbuf *why)
{
	int ret = conf_list_check(value, conf_portal_valid, 0, why);

	if (ret == -EINVAL && strncmp(strbuf_str(why), "invalid", 7) == 0)
		strbuf_addstr(why, " (expected ADDR:PORT or [V6ADDR]:PORT, "
			      "numeric)");
	return ret;
}

/* [iscsi] milliseconds, in the ranges the iscsi lld takes. */
static int conf_check_ms(char *value, uint32_t min, uint32_t max,
			 struct strbuf *why)
{
	uint32_t v;

	if (util_parse_u32_range(value, min, max, &v) == 0)
		return 0;
	strbuf_addf(why, "invalid value '%s' (expected %u..%u)", value, min,
		    max);
	return -EINVAL;
}

static int conf_check_rx_timeout(char *value, struct strbuf *why)
{
	return conf_check_ms(value, 1, 3600000, why);
}

static int conf_check_nop_interval(char *value, struct strbuf *why)
{
	return conf_check_ms(value, 0, 3600000, why);
}

static int conf_check_logout_timeout(char *value, struct strbuf *why)
{
	return conf_check_ms(value, 0, 600000, why);
}

static int conf_check_addr_list(char *value, struct strbuf *why)
{
	return conf_list_check(value, conf_addr_valid, 0, why);
}

static int conf_check_token_list(char *value, struct strbuf *why)
{
	return conf_list_check(value, NULL, 0, why);
}

static int conf_check_one_token(char *value, struct strbuf *why)
{
	return conf_list_check(value, NULL, 1, why);
}

static bool conf_bsoflag_valid(const char *item)
{
	return strcasecmp(item, "direct") == 0 ||
	       strcasecmp(item, "sync") == 0 ||
	       strcasecmp(item, "rdonly") == 0;
}

/*
 * bsoflags: a list of direct, sync, rdonly.  Rewritten in place as the compact
 * lowercase "a,b" form the management request expects.
 */
static int conf_check_bsoflags(char *value, struct strbuf *why)
{
	char item[CONF_ITEM_MAX];
	const char *pos = value;
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (conf_list_check(value, conf_bsoflag_valid, 0, why)) {
		strbuf_reset(why);
		strbuf_addf(why, "invalid value '%s' (expected a comma-"
			    "separated list of direct, sync, rdonly)", value);
		return -EINVAL;
	}
	while (conf_list_next(&pos, item, sizeof(item)) > 0) {
		conf_str_lower(item);
		strbuf_addf(&sb, "%s%s", sb.len ? "," : "", item);
	}
	if (!sb.oom)
		util_strscpy(value, strbuf_str(&sb), strlen(value) + 1);
	ret = sb.oom ? -ENOMEM : 0;
	strbuf_release(&sb);
	return ret;
}

/* ------------------------------------------------------------------ */
/* key tables */

struct conf_key_def {
	const char *name;
	enum conf_kind kind;
	enum conf_key slot;
	conf_check_fn check;	/* NULL: any non-empty text */
	bool required;
};

static const struct conf_key_def conf_keys[] = {
	{ "iothreads", CONF_SEC_GLOBAL, CONF_K_IOTHREADS,
	  conf_check_iothreads, false },
	{ "log_level", CONF_SEC_GLOBAL, CONF_K_LOG_LEVEL,
	  conf_check_log_level, false },
	{ "password", CONF_SEC_ACCOUNT, CONF_K_PASSWORD, NULL, true },
	{ "name", CONF_SEC_TARGET, CONF_K_NAME, conf_check_token, true },
	{ "lld", CONF_SEC_TARGET, CONF_K_LLD, conf_check_lld, false },
	{ "state", CONF_SEC_TARGET, CONF_K_STATE, conf_check_state, false },
	{ "initiator_address", CONF_SEC_TARGET, CONF_K_IADDR,
	  conf_check_addr_list, false },
	{ "initiator_name", CONF_SEC_TARGET, CONF_K_INAME,
	  conf_check_token_list, false },
	{ "incoming_user", CONF_SEC_TARGET, CONF_K_IN_USER,
	  conf_check_token_list, false },
	{ "outgoing_user", CONF_SEC_TARGET, CONF_K_OUT_USER,
	  conf_check_one_token, false },
	{ "kernel_host", CONF_SEC_TARGET, CONF_K_HOST, conf_check_host, false },
	{ "backing_store", CONF_SEC_LU, CONF_K_BACKING, NULL, true },
	{ "bstype", CONF_SEC_LU, CONF_K_BSTYPE, conf_check_bstype, false },
	{ "bsoflags", CONF_SEC_LU, CONF_K_BSOFLAGS, conf_check_bsoflags,
	  false },
	{ "blocksize", CONF_SEC_LU, CONF_K_BLOCKSIZE, conf_check_blocksize,
	  false },
	{ "device_type", CONF_SEC_LU, CONF_K_DEVTYPE, conf_check_devtype,
	  false },
	{ "incoming_user", CONF_SEC_DISCOVERY, CONF_K_IN_USER,
	  conf_check_token_list, false },
	{ "outgoing_user", CONF_SEC_DISCOVERY, CONF_K_OUT_USER,
	  conf_check_one_token, false },
	{ "portal", CONF_SEC_ISCSI, CONF_K_PORTAL, conf_check_portal_list,
	  false },
	{ "rx_timeout_ms", CONF_SEC_ISCSI, CONF_K_RX_TIMEOUT,
	  conf_check_rx_timeout, false },
	{ "nop_interval_ms", CONF_SEC_ISCSI, CONF_K_NOP_INTERVAL,
	  conf_check_nop_interval, false },
	{ "nop_timeout_ms", CONF_SEC_ISCSI, CONF_K_NOP_TIMEOUT,
	  conf_check_rx_timeout, false },
	{ "logout_timeout_ms", CONF_SEC_ISCSI, CONF_K_LOGOUT_TIMEOUT,
	  conf_check_logout_timeout, false },
};

static const struct conf_key_def *conf_key_find(enum conf_kind kind,
						const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(conf_keys); i++)
		if (conf_keys[i].kind == kind &&
		    strcmp(conf_keys[i].name, key) == 0)
			return &conf_keys[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* sections */

static void conf_sec_free(struct conf_sec *s)
{
	for (size_t i = 0; i < s->nkv; i++) {
		free(s->kv[i].key);
		free(s->kv[i].value);
	}
	free(s->kv);
	free(s->dict_name);
	free(s->label);
	free(s->user);
	free(s);
}

/* A whitespace-separated word of a section header. */
struct conf_word {
	const char *p;
	size_t n;
};

/* Splits @s into at most @max words; returns the count, or max + 1. */
static size_t conf_words_split(const char *s, struct conf_word *w,
			       size_t max)
{
	size_t count = 0;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return count;
		if (count == max)
			return max + 1;
		w[count].p = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		w[count].n = (size_t)(s - w[count].p);
		count++;
	}
}

static bool conf_word_is(const struct conf_word *w, const char *s)
{
	return w->n == strlen(s) && strncasecmp(w->p, s, w->n) == 0;
}

/*
 * A section number: plain decimal (no sign, no leading zero, no hex, so
 * that "target 010" is not silently target 8) within [min, max].
 */
static int conf_word_number(const struct conf_word *w, uint64_t min,
			    uint64_t max, uint64_t *out)
{
	char buf[24];

	if (!w->n || w->n >= sizeof(buf) || (w->p[0] == '0' && w->n > 1))
		return -EINVAL;
	for (size_t i = 0; i < w->n; i++)
		if (!isdigit((unsigned char)w->p[i]))
			return -EINVAL;
	memcpy(buf, w->p, w->n);
	buf[w->n] = '\0';
	if (util_parse_u64(buf, out) || *out < min || *out > max)
		return -EINVAL;
	return 0;
}

static int conf_sec_label_set(struct conf_sec *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int conf_sec_label_set(struct conf_sec *s, const char *fmt, ...)
{
	va_list ap;
	int ret;

	free(s->label);
	va_start(ap, fmt);
	ret = vasprintf(&s->label, fmt, ap);
	va_end(ap);
	if (ret < 0) {
		s->label = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* "[account <user>]": the name keeps its case. */
static int conf_sec_identify_account(struct conf_sec *s,
				     const struct conf_word *user,
				     struct strbuf *why)
{
	s->kind = CONF_SEC_ACCOUNT;
	s->user = strndup(user->p, user->n);
	if (!s->user)
		return -ENOMEM;
	if (conf_check_token(s->user, why))
		return -EINVAL;
	return conf_sec_label_set(s, "account %s", s->user);
}

/* "[target <tid>]" (@n == 2) or "[target <tid> lun <lun>]" (@n == 4). */
static int conf_sec_identify_target(struct conf_sec *s,
				    const struct conf_word *w, size_t n,
				    struct strbuf *why)
{
	uint64_t v;

	if (conf_word_number(&w[1], 1, TGT_TID_MAX, &v)) {
		strbuf_addf(why, "invalid target id '%.*s' (expected 1..%d)",
			    (int)w[1].n, w[1].p, TGT_TID_MAX);
		return -EINVAL;
	}
	s->tid = (int)v;
	if (n == 2) {
		s->kind = CONF_SEC_TARGET;
		return conf_sec_label_set(s, "target %d", s->tid);
	}
	if (conf_word_number(&w[3], 0, TGT_LUN_MAX, &v)) {
		strbuf_addf(why, "invalid LUN '%.*s' (expected 0..%d)",
			    (int)w[3].n, w[3].p, TGT_LUN_MAX);
		return -EINVAL;
	}
	s->kind = CONF_SEC_LU;
	s->lun = v;
	return conf_sec_label_set(s, "target %d lun %" PRIu64, s->tid,
				  s->lun);
}

/*
 * Identifies the section kind from its header words, so that any
 * spacing and case of the keywords is accepted; on failure @why says
 * what is wrong.
 */
static int conf_sec_identify(struct conf_sec *s, const char *name,
			     struct strbuf *why)
{
	struct conf_word w[4];
	size_t n = conf_words_split(name, w, ARRAY_SIZE(w));

	if (n == 1 && conf_word_is(&w[0], "global")) {
		s->kind = CONF_SEC_GLOBAL;
		return conf_sec_label_set(s, "global");
	}
	if (n == 1 && conf_word_is(&w[0], "iscsi")) {
		s->kind = CONF_SEC_ISCSI;
		return conf_sec_label_set(s, "iscsi");
	}
	if (n == 1 && conf_word_is(&w[0], "discovery")) {
		s->kind = CONF_SEC_DISCOVERY;	/* tid 0 */
		return conf_sec_label_set(s, "discovery");
	}
	if (n == 2 && conf_word_is(&w[0], "account"))
		return conf_sec_identify_account(s, &w[1], why);
	if ((n == 2 || n == 4) && conf_word_is(&w[0], "target") &&
	    (n == 2 || conf_word_is(&w[2], "lun")))
		return conf_sec_identify_target(s, w, n, why);
	strbuf_addstr(why, "unknown section (expected global, iscsi, "
		      "discovery, account <user>, target <tid> or target <tid> "
		      "lun <lun>)");
	return -EINVAL;
}

/* Same section twice?  Accounts compare without case: iniparser would
 * merge [account Bob] and [account bob]. */
static bool conf_sec_same(const struct conf_sec *a, const struct conf_sec *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case CONF_SEC_GLOBAL:
	case CONF_SEC_ISCSI:
	case CONF_SEC_DISCOVERY:
		return true;
	case CONF_SEC_ACCOUNT:
		return strcasecmp(a->user, b->user) == 0;
	case CONF_SEC_TARGET:
		return a->tid == b->tid;
	case CONF_SEC_LU:
		return a->tid == b->tid && a->lun == b->lun;
	}
	return false;
}

static const struct conf_sec *conf_sec_find_same(const struct conf *c,
						 const struct conf_sec *s)
{
	const struct conf_sec *o;

	list_for_each_entry(o, &c->secs, node)
		if (o != s && conf_sec_same(o, s))
			return o;
	return NULL;
}

static const struct conf_sec *conf_target_find(const struct conf *c, int tid)
{
	const struct conf_sec *o;

	list_for_each_entry(o, &c->secs, node)
		if (o->kind == CONF_SEC_TARGET && o->tid == tid)
			return o;
	return NULL;
}

static const struct conf_sec *conf_account_find(const struct conf *c,
						const char *user)
{
	const struct conf_sec *o;

	list_for_each_entry(o, &c->secs, node)
		if (o->kind == CONF_SEC_ACCOUNT && strcmp(o->user, user) == 0)
			return o;
	return NULL;
}

static const struct conf_kv *conf_sec_kv_find(const struct conf_sec *s,
					      const char *key)
{
	for (size_t i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	return NULL;
}

static int conf_sec_kv_add(struct conf_sec *s, const char *key,
			   unsigned line)
{
	struct conf_kv *kv;

	if (s->nkv == s->kv_cap) {
		size_t cap = s->kv_cap ? s->kv_cap * 2 : 8;

		kv = realloc(s->kv, cap * sizeof(*kv));
		if (!kv)
			return -ENOMEM;
		s->kv = kv;
		s->kv_cap = cap;
	}
	kv = &s->kv[s->nkv];
	memset(kv, 0, sizeof(*kv));
	kv->key = strdup(key);
	if (!kv->key)
		return -ENOMEM;
	kv->line = line;
	s->nkv++;
	return 0;
}

/* ------------------------------------------------------------------ */
/* step 2: scanning the file for lines */

struct conf_scan {
	struct conf *c;
	struct conf_sec *cur;	/* section the next key belongs to */
	char *err;
	size_t errlen;
};

/*
 * "[name]": iniparser takes the text up to the first ']', trimmed and
 * lowercased, as the section's name; we keep that for lookups and parse
 * the original for the section's identity.
 */
static int conf_scan_section(struct conf_scan *sc, char *text, unsigned line)
{
	struct conf *c = sc->c;
	struct conf_sec *s;
	const struct conf_sec *dup;
	struct strbuf why = STRBUF_INIT;
	char *name = text + 1;
	int ret;

	*strchr(name, ']') = '\0';
	name = conf_str_trim(name);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	list_add_tail(&s->node, &c->secs);
	s->line = line;
	s->dict_name = strdup(name);
	if (!s->dict_name)
		return -ENOMEM;
	conf_str_lower(s->dict_name);
	sc->cur = s;
	ret = conf_sec_identify(s, name, &why);
	if (ret == -EINVAL)
		ret = conf_err(sc->err, sc->errlen, c->path, line, name, NULL,
			       "%s", strbuf_str(&why));
	strbuf_release(&why);
	if (ret)
		return ret;
	dup = conf_sec_find_same(c, s);
	if (dup)
		return conf_err(sc->err, sc->errlen, c->path, line, s->label,
				NULL, "duplicate section (first at line %u)",
				dup->line);
	return 0;
}

/* "key = value": the key is the text before the first '=', trimmed and
 * lowercased, as iniparser stores it; the value comes from iniparser. */
static int conf_scan_key(struct conf_scan *sc, char *text, char *eq,
			 unsigned line)
{
	struct conf *c = sc->c;
	const struct conf_kv *dup;
	char *key;

	*eq = '\0';
	key = conf_str_trim(text);
	conf_str_lower(key);
	if (!sc->cur)
		return conf_err(sc->err, sc->errlen, c->path, line, NULL, NULL,
				"%s: key outside any section", key);
	dup = conf_sec_kv_find(sc->cur, key);
	if (dup)
		return conf_err(sc->err, sc->errlen, c->path, line,
				sc->cur->label, key,
				"duplicate key (first at line %u)", dup->line);
	return conf_sec_kv_add(sc->cur, key, line);
}

/* One logical line (continuations joined), classified as iniparser does. */
static int conf_scan_line(struct conf_scan *sc, char *text, unsigned line)
{
	char *eq;
	size_t n;

	text = conf_str_trim(text);
	n = strlen(text);
	if (!n || text[0] == '#' || text[0] == ';')
		return 0;
	if (text[0] == '[' && text[n - 1] == ']')
		return conf_scan_section(sc, text, line);
	eq = strchr(text, '=');
	if (eq && eq != text)
		return conf_scan_key(sc, text, eq, line);
	return conf_err(sc->err, sc->errlen, sc->c->path, line, NULL, NULL,
			"syntax error: expected [section], key = value or a "
			"comment");
}

/* Strips trailing whitespace; true when the line ended with a
 * backslash, which is removed (a continuation, as in iniparser). */
static bool conf_line_continues(char *line)
{
	size_t n = strlen(line);

	while (n && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
	if (!n || line[n - 1] != '\\')
		return false;
	line[n - 1] = '\0';
	return true;
}

/*
 * Reads @f line by line, joining continuation lines; a logical line is
 * numbered by its first physical line, where its key is.
 */
static int conf_scan(struct conf *c, FILE *f, char *err, size_t errlen)
{
	struct conf_scan sc = { .c = c, .err = err, .errlen = errlen };
	struct strbuf text = STRBUF_INIT;
	char *phys = NULL;
	size_t cap = 0;
	unsigned lineno = 0, start = 0;
	bool joining = false;
	int ret = 0;

	while (!ret && getline(&phys, &cap, f) >= 0) {
		if (!joining)
			start = lineno + 1;
		lineno++;
		joining = conf_line_continues(phys);
		strbuf_addstr(&text, phys);
		if (joining)
			continue;
		ret = text.oom ? -ENOMEM : conf_scan_line(&sc, text.buf, start);
		strbuf_reset(&text);
	}
	if (!ret && ferror(f)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", c->path, strerror(errno));
	} else if (!ret && joining) {
		ret = text.oom ? -ENOMEM : conf_scan_line(&sc, text.buf, start);
	}
	free(phys);
	strbuf_release(&text);
	return ret;
}

/* ------------------------------------------------------------------ */
/* step 1: iniparser */

/* What iniparser's error callback reported first. */
struct conf_ini_err {
	bool seen;
	int line;		/* 0: unknown */
	char text[96];		/* the offending line, if given */
	char msg[256];		/* the whole message */
};

/* iniparser's callback is process-wide: conf_ini_lock serialises loads
 * and protects conf_ini_last. */
static pthread_mutex_t conf_ini_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf_ini_err conf_ini_last;

/*
 * iniparser passes a printf format and its arguments: the file name, the
 * line number (the first integer) and, for syntax errors, the offending
 * line (a string after it).  Walking the format's conversions picks them
 * out without depending on the message's wording; an unfamiliar
 * conversion stops the walk.
 */
static void conf_ini_args_scan(const char *fmt, va_list ap,
			       struct conf_ini_err *e)
{
	const char *p = fmt;
	bool have_line = false;
	const char *s;

	while ((p = strchr(p, '%')) != NULL) {
		p++;
		p += strspn(p, "-+ #0123456789.");
		switch (*p) {
		case '%':
			break;
		case 'd':
		case 'i':
			e->line = va_arg(ap, int);
			have_line = true;
			break;
		case 'c':
		case 'u':
		case 'x':
			(void)va_arg(ap, int);
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (have_line && s && !e->text[0])
				util_strscpy(e->text, s, sizeof(e->text));
			break;
		default:
			return;
		}
		p++;
	}
}

static int conf_ini_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int conf_ini_error(const char *fmt, ...)
{
	struct conf_ini_err *e = &conf_ini_last;
	va_list ap, aq;

	if (e->seen)
		return 0;
	e->seen = true;
	va_start(ap, fmt);
	va_copy(aq, ap);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	conf_ini_args_scan(fmt, aq, e);
	va_end(aq);
	va_end(ap);
	return 0;
}

/* Turns what the callback saw into our message format. */
static int conf_ini_fail(const char *path, struct conf_ini_err *e,
			 char *err, size_t errlen)
{
	char *msg = e->msg, *nl = strchr(msg, '\n');

	if (!e->seen) {
		snprintf(err, errlen, "%s: cannot be read by iniparser", path);
		return -ENOMEM;
	}
	if (nl)
		*nl = '\0';
	if (e->line > 0 && e->text[0])
		return conf_err(err, errlen, path, (unsigned)e->line, NULL,
				NULL, "syntax error in '%s' (expected "
				"[section], key = value or a comment; no "
				"comment after a section header)",
				conf_str_trim(e->text));
	if (e->line > 0)
		return conf_err(err, errlen, path, (unsigned)e->line, NULL,
				NULL, "%s", msg);
	snprintf(err, errlen, "%s: %s", path, msg);
	return -EINVAL;
}

static int conf_ini_load(const char *path, dictionary **out, char *err,
			 size_t errlen)
{
	int ret = 0;

	pthread_mutex_lock(&conf_ini_lock);
	memset(&conf_ini_last, 0, sizeof(conf_ini_last));
	iniparser_set_error_callback(conf_ini_error);
	*out = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (!*out)
		ret = conf_ini_fail(path, &conf_ini_last, err, errlen);
	pthread_mutex_unlock(&conf_ini_lock);
	return ret;
}

/* ------------------------------------------------------------------ */
/* step 3: values */

static int conf_values_fill(struct conf *c, const dictionary *d, char *err,
			    size_t errlen)
{
	struct conf_sec *s;
	char *lookup;
	const char *v;

	list_for_each_entry(s, &c->secs, node) {
		for (size_t i = 0; i < s->nkv; i++) {
			struct conf_kv *kv = &s->kv[i];

			if (asprintf(&lookup, "%s:%s", s->dict_name,
				     kv->key) < 0)
				return -ENOMEM;
			v = iniparser_getstring(d, lookup, NULL);
			free(lookup);
			if (!v)
				return conf_kv_err(c, s, kv, err, errlen,
						   "value not found by iniparser");
			kv->value = strdup(v);
			if (!kv->value)
				return -ENOMEM;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* step 4: validation */

/* Any key of a LU section that is not fixed: a device parameter. */
static int conf_param_check(const struct conf *c, struct conf_sec *s,
			    struct conf_kv *kv, char *err, size_t errlen)
{
	for (const char *p = kv->key; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return conf_kv_err(c, s, kv, err, errlen,
					   "invalid device parameter name");
	kv->param = true;
	return 0;
}

static int conf_kv_validate(const struct conf *c, struct conf_sec *s,
			    struct conf_kv *kv, char *err, size_t errlen)
{
	const struct conf_key_def *def = conf_key_find(s->kind, kv->key);
	struct strbuf why = STRBUF_INIT;
	int ret;

	if (!kv->value[0])
		return conf_kv_err(c, s, kv, err, errlen, "empty value");
	if (!def && s->kind == CONF_SEC_LU)
		return conf_param_check(c, s, kv, err, errlen);
	if (!def)
		return conf_kv_err(c, s, kv, err, errlen, "unknown key");
	ret = def->check ? def->check(kv->value, &why) : 0;
	if (ret == -EINVAL)
		conf_kv_err(c, s, kv, err, errlen, strbuf_str(&why));
	strbuf_release(&why);
	if (ret)
		return ret;
	s->fixed[def->slot] = kv;
	return 0;
}

/* A controller LU (SCC) may do without a backing store, as in tgtadm. */
static bool conf_key_required(const struct conf_sec *s,
			      const struct conf_key_def *def)
{
	const struct conf_kv *type = s->fixed[CONF_K_DEVTYPE];

	if (def->slot == CONF_K_BACKING && type &&
	    strcmp(type->value, "controller") == 0)
		return false;
	return def->required;
}

static int conf_sec_validate(const struct conf *c, struct conf_sec *s,
			     char *err, size_t errlen)
{
	int ret;

	for (size_t i = 0; i < s->nkv; i++) {
		ret = conf_kv_validate(c, s, &s->kv[i], err, errlen);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < ARRAY_SIZE(conf_keys); i++) {
		const struct conf_key_def *def = &conf_keys[i];

		if (def->kind == s->kind && conf_key_required(s, def) &&
		    !s->fixed[def->slot])
			return conf_err(err, errlen, c->path, s->line,
					s->label, def->name,
					"required key missing");
	}
	return 0;
}

/* Every item of a user list must name an [account] of this file. */
static int conf_users_check(const struct conf *c, const struct conf_sec *s,
			    const struct conf_kv *kv, char *err,
			    size_t errlen)
{
	char user[CONF_ITEM_MAX];
	const char *pos;

	if (!kv)
		return 0;
	pos = kv->value;
	while (conf_list_next(&pos, user, sizeof(user)) > 0)
		if (!conf_account_find(c, user))
			return conf_err(err, errlen, c->path, kv->line,
					s->label, kv->key,
					"no [account %s] section", user);
	return 0;
}

/* Account bindings of a [target] or of [discovery]. */
static int conf_binds_check(const struct conf *c, const struct conf_sec *s,
			    char *err, size_t errlen)
{
	int ret = conf_users_check(c, s, s->fixed[CONF_K_IN_USER], err,
				   errlen);

	if (ret)
		return ret;
	return conf_users_check(c, s, s->fixed[CONF_K_OUT_USER], err, errlen);
}

static int conf_target_check(const struct conf *c, const struct conf_sec *s,
			     char *err, size_t errlen)
{
	const struct conf_kv *name = s->fixed[CONF_K_NAME];
	const struct conf_sec *o;

	list_for_each_entry(o, &c->secs, node) {
		if (o == s)
			break;
		if (o->kind == CONF_SEC_TARGET &&
		    strcasecmp(o->fixed[CONF_K_NAME]->value, name->value) == 0)
			return conf_err(err, errlen, c->path, name->line,
					s->label, name->key,
					"'%s' already used by [%s] (line %u)",
					name->value, o->label,
					o->fixed[CONF_K_NAME]->line);
	}
	return conf_binds_check(c, s, err, errlen);
}

static int conf_lu_check(const struct conf *c, const struct conf_sec *s,
			 char *err, size_t errlen)
{
	const struct conf_kv *bs = s->fixed[CONF_K_BACKING];
	const struct conf_kv *type = s->fixed[CONF_K_BSTYPE];
	uint64_t size;

	if (!conf_target_find(c, s->tid))
		return conf_err(err, errlen, c->path, s->line, s->label, NULL,
				"no [target %d] section", s->tid);
	if (bs && type && strcmp(type->value, "null") == 0 &&
	    util_parse_size(bs->value, &size))
		return conf_kv_err(c, s, bs, err, errlen,
				   "with bstype null the backing store is a "
				   "size, such as 1G");
	return 0;
}

static void conf_global_fill(struct conf *c, const struct conf_sec *s)
{
	const struct conf_kv *kv = s->fixed[CONF_K_IOTHREADS];
	enum log_level level;
	uint32_t n;

	if (kv && util_parse_u32_range(kv->value, 0, CONF_IOTHREADS_MAX,
				       &n) == 0) {
		c->global.iothreads = n;
		c->global.has_iothreads = true;
	}
	kv = s->fixed[CONF_K_LOG_LEVEL];
	if (kv && log_level_parse(kv->value, &level) == 0) {
		c->global.log_level = (int)level;
		c->global.has_log_level = true;
	}
}

/* Sections one by one first, then what relates sections. */
static int conf_validate(struct conf *c, char *err, size_t errlen)
{
	struct conf_sec *s;
	int ret;

	list_for_each_entry(s, &c->secs, node) {
		ret = conf_sec_validate(c, s, err, errlen);
		if (ret)
			return ret;
	}
	list_for_each_entry(s, &c->secs, node) {
		ret = 0;
		if (s->kind == CONF_SEC_TARGET)
			ret = conf_target_check(c, s, err, errlen);
		else if (s->kind == CONF_SEC_LU)
			ret = conf_lu_check(c, s, err, errlen);
		else if (s->kind == CONF_SEC_DISCOVERY)
			ret = conf_binds_check(c, s, err, errlen);
		else if (s->kind == CONF_SEC_GLOBAL)
			conf_global_fill(c, s);
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* load / free */

static struct conf *conf_new(const char *path)
{
	struct conf *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->path = strdup(path);
	if (!c->path) {
		free(c);
		return NULL;
	}
	list_init(&c->secs);
	return c;
}

void conf_free(struct conf *c)
{
	struct conf_sec *s, *n;

	if (!c)
		return;
	list_for_each_entry_safe(s, n, &c->secs, node) {
		list_del(&s->node);
		conf_sec_free(s);
	}
	free(c->path);
	free(c);
}

static int conf_parse(struct conf *c, FILE *f, const dictionary *d,
		      char *err, size_t errlen)
{
	int ret = conf_scan(c, f, err, errlen);

	if (!ret)
		ret = conf_values_fill(c, d, err, errlen);
	if (!ret)
		ret = conf_validate(c, err, errlen);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", c->path);
	return ret;
}

int conf_load(const char *path, struct conf **out, char *err, size_t errlen)
{
	struct conf *c;
	dictionary *d;
	FILE *f;
	int ret;

	if (!err)
		errlen = 0;
	*out = NULL;
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = conf_ini_load(path, &d, err, errlen);
	if (ret)
		goto close_file;
	c = conf_new(path);
	if (!c) {
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto free_dict;
	}
	ret = conf_parse(c, f, d, err, errlen);
	if (ret)
		conf_free(c);
	else
		*out = c;
free_dict:
	iniparser_freedict(d);
close_file:
	fclose(f);
	return ret;
}

const struct conf_global *conf_global_get(const struct conf *c)
{
	return &c->global;
}

/* ------------------------------------------------------------------ */
/* apply */

struct conf_run {
	const struct conf *c;
	conf_exec_fn exec;
	void *arg;
	char *err;
	size_t errlen;
};

/* Reports a failed request at the line of @kv, with @exec's message on
 * one line (or the code's generic message when it wrote none). */
static int conf_run_fail(struct conf_run *r, const struct conf_sec *s,
			 const struct conf_kv *kv, int code,
			 const struct strbuf *out)
{
	char msg[512];
	char *m;

	util_strscpy(msg, strbuf_str(out), sizeof(msg));
	for (m = msg; *m; m++)
		if (*m == '\n' || *m == '\r' || *m == '\t')
			*m = ' ';
	m = conf_str_trim(msg);
	return conf_err(r->err, r->errlen, r->c->path, kv->line, s->label,
			kv->key, "%s (tgtadm error %d)",
			*m ? m : mgmt_err_str(code), code);
}

/* Runs @req; blames @kv (or @alt for TGTADM_NO_DRIVER, when set). */
static int conf_run_req(struct conf_run *r, const struct conf_sec *s,
			const struct conf_kv *kv, const struct conf_kv *alt,
			const struct mgmt_req *req)
{
	struct strbuf out = STRBUF_INIT;
	int code, ret = 0;

	code = r->exec(req, &out, r->arg);
	if (code != TGTADM_SUCCESS) {
		if (code == TGTADM_NO_DRIVER && alt)
			kv = alt;
		ret = conf_run_fail(r, s, kv, code, &out);
	}
	strbuf_release(&out);
	return ret;
}

static const char *conf_target_lld(const struct conf_sec *target)
{
	const struct conf_kv *lld = target ? target->fixed[CONF_K_LLD] : NULL;

	return lld ? lld->value : CONF_DEFAULT_LLD;
}

/* A request about target @s (or the target of LU @s). */
static void conf_req_target(const struct conf_run *r,
			    const struct conf_sec *s, struct mgmt_req *req,
			    int mode, int op)
{
	mgmt_req_init(req);
	req->mode = (uint16_t)mode;
	req->op = (uint16_t)op;
	req->has_tid = true;
	req->tid = s->tid;
	req->lld = conf_target_lld(conf_target_find(r->c, s->tid));
}

static int conf_apply_account(struct conf_run *r, const struct conf_sec *s)
{
	struct mgmt_req req;

	if (s->kind != CONF_SEC_ACCOUNT)
		return 0;
	mgmt_req_init(&req);
	req.mode = MGMT_MODE_ACCOUNT;
	req.op = MGMT_OP_NEW;
	req.user = s->user;
	req.password = s->fixed[CONF_K_PASSWORD]->value;
	return conf_run_req(r, s, s->fixed[CONF_K_PASSWORD], NULL, &req);
}

static int conf_apply_target(struct conf_run *r, const struct conf_sec *s)
{
	struct mgmt_req req;

	if (s->kind != CONF_SEC_TARGET)
		return 0;
	conf_req_target(r, s, &req, MGMT_MODE_TARGET, MGMT_OP_NEW);
	req.targetname = s->fixed[CONF_K_NAME]->value;
	return conf_run_req(r, s, s->fixed[CONF_K_NAME], s->fixed[CONF_K_LLD],
			    &req);
}

static int conf_apply_state(struct conf_run *r, const struct conf_sec *s)
{
	const struct conf_kv *kv = s->fixed[CONF_K_STATE];
	struct mgmt_req req;

	if (s->kind != CONF_SEC_TARGET || !kv)
		return 0;
	conf_req_target(r, s, &req, MGMT_MODE_TARGET, MGMT_OP_UPDATE);
	req.name = "state";
	req.value = kv->value;
	return conf_run_req(r, s, kv, NULL, &req);
}

/* Puts one list item into the request field that list @slot feeds. */
static void conf_req_item_set(struct mgmt_req *req, enum conf_key slot,
			      const char *item)
{
	switch (slot) {
	case CONF_K_IADDR:
		/* "ALL" is matched in its canonical case */
		req->initiator_address =
			strcasecmp(item, "ALL") == 0 ? "ALL" : item;
		break;
	case CONF_K_INAME:
		req->initiator_name = item;
		break;
	default:
		req->user = item;
		break;
	}
}

/* One bind request per item of the list in @slot of target @s. */
static int conf_apply_list(struct conf_run *r, const struct conf_sec *s,
			   enum conf_key slot, int mode, uint32_t flags)
{
	const struct conf_kv *kv = s->fixed[slot];
	char item[CONF_ITEM_MAX];
	const char *pos;
	struct mgmt_req req;
	int ret;

	if (!kv)
		return 0;
	pos = kv->value;
	while (conf_list_next(&pos, item, sizeof(item)) > 0) {
		conf_req_target(r, s, &req, mode, MGMT_OP_BIND);
		req.flags = flags;
		conf_req_item_set(&req, slot, item);
		ret = conf_run_req(r, s, kv, NULL, &req);
		if (ret)
			return ret;
	}
	return 0;
}

static int conf_apply_acls(struct conf_run *r, const struct conf_sec *s)
{
	int ret;

	if (s->kind != CONF_SEC_TARGET)
		return 0;
	ret = conf_apply_list(r, s, CONF_K_IADDR, MGMT_MODE_TARGET, 0);
	if (ret)
		return ret;
	return conf_apply_list(r, s, CONF_K_INAME, MGMT_MODE_TARGET, 0);
}

/* [discovery] binds to tid 0 (s->tid is 0 there): discovery sessions. */
static int conf_apply_binds(struct conf_run *r, const struct conf_sec *s)
{
	int ret;

	if (s->kind != CONF_SEC_TARGET && s->kind != CONF_SEC_DISCOVERY)
		return 0;
	ret = conf_apply_list(r, s, CONF_K_IN_USER, MGMT_MODE_ACCOUNT, 0);
	if (ret)
		return ret;
	return conf_apply_list(r, s, CONF_K_OUT_USER, MGMT_MODE_ACCOUNT,
			       MGMT_REQ_OUTGOING);
}

static int conf_apply_host(struct conf_run *r, const struct conf_sec *s)
{
	const struct conf_kv *kv = s->fixed[CONF_K_HOST];
	struct mgmt_req req;
	int host;

	if (s->kind != CONF_SEC_TARGET || !kv)
		return 0;
	if (util_parse_int_range(kv->value, 0, INT32_MAX, &host))
		return -EINVAL;
	conf_req_target(r, s, &req, MGMT_MODE_TARGET, MGMT_OP_BIND);
	req.lld = "kernel";
	req.has_host = true;
	req.host = host;
	return conf_run_req(r, s, kv, NULL, &req);
}

static const char *conf_sec_value(const struct conf_sec *s, enum conf_key k)
{
	return s->fixed[k] ? s->fixed[k]->value : NULL;
}

static int conf_apply_lu_new(struct conf_run *r, const struct conf_sec *s)
{
	const struct conf_kv *bsz = s->fixed[CONF_K_BLOCKSIZE];
	const struct conf_kv *blame;
	struct mgmt_req req;

	conf_req_target(r, s, &req, MGMT_MODE_LU, MGMT_OP_NEW);
	req.has_lun = true;
	req.lun = s->lun;
	req.backing_store = conf_sec_value(s, CONF_K_BACKING);
	req.bstype = conf_sec_value(s, CONF_K_BSTYPE);
	req.bsoflags = conf_sec_value(s, CONF_K_BSOFLAGS);
	req.device_type = conf_sec_value(s, CONF_K_DEVTYPE);
	if (bsz && util_parse_u32_range(bsz->value, 512, 4096,
					&req.blocksize) == 0)
		req.has_blocksize = true;
	blame = s->fixed[CONF_K_BACKING] ? s->fixed[CONF_K_BACKING] :
					   s->fixed[CONF_K_DEVTYPE];
	return conf_run_req(r, s, blame, NULL, &req);
}

static int conf_apply_lu_param(struct conf_run *r, const struct conf_sec *s,
			       const struct conf_kv *kv)
{
	struct mgmt_req req;

	conf_req_target(r, s, &req, MGMT_MODE_LU, MGMT_OP_UPDATE);
	req.has_lun = true;
	req.lun = s->lun;
	req.name = kv->key;
	req.value = kv->value;
	return conf_run_req(r, s, kv, NULL, &req);
}

static int conf_apply_lu(struct conf_run *r, const struct conf_sec *s)
{
	int ret;

	if (s->kind != CONF_SEC_LU)
		return 0;
	ret = conf_apply_lu_new(r, s);
	for (size_t i = 0; !ret && i < s->nkv; i++)
		if (s->kv[i].param)
			ret = conf_apply_lu_param(r, s, &s->kv[i]);
	return ret;
}

/* A request for the iscsi lld, as tgtadm --lld iscsi would send it. */
static void conf_req_iscsi(struct mgmt_req *req, int mode, int op)
{
	mgmt_req_init(req);
	req->mode = (uint16_t)mode;
	req->op = (uint16_t)op;
	req->lld = "iscsi";
}

/* The [iscsi] settings, in the order they are applied. */
static const struct {
	enum conf_key key;
	const char *name;
} conf_iscsi_settings[] = {
	{ CONF_K_RX_TIMEOUT, "rx_timeout_ms" },
	{ CONF_K_NOP_INTERVAL, "nop_interval_ms" },
	{ CONF_K_NOP_TIMEOUT, "nop_timeout_ms" },
	{ CONF_K_LOGOUT_TIMEOUT, "logout_timeout_ms" },
};

/*
 * [iscsi]: the settings first (portals copy them when added), then one
 * portal-new per item.  Last phase: initiators may log in as soon as a
 * portal listens, and every target exists by then.
 */
static int conf_apply_iscsi(struct conf_run *r, const struct conf_sec *s)
{
	const struct conf_kv *kv;
	char item[CONF_ITEM_MAX];
	struct mgmt_req req;
	const char *pos;
	int ret;

	if (s->kind != CONF_SEC_ISCSI)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(conf_iscsi_settings); i++) {
		kv = s->fixed[conf_iscsi_settings[i].key];
		if (!kv)
			continue;
		conf_req_iscsi(&req, MGMT_MODE_LLD, MGMT_OP_UPDATE);
		req.name = conf_iscsi_settings[i].name;
		req.value = kv->value;
		ret = conf_run_req(r, s, kv, NULL, &req);
		if (ret)
			return ret;
	}
	kv = s->fixed[CONF_K_PORTAL];
	pos = kv ? kv->value : NULL;
	while (conf_list_next(&pos, item, sizeof(item)) > 0) {
		conf_req_iscsi(&req, MGMT_MODE_PORTAL, MGMT_OP_NEW);
		req.name = "portal";
		req.value = item;
		ret = conf_run_req(r, s, kv, NULL, &req);
		if (ret)
			return ret;
	}
	return 0;
}

typedef int (*conf_phase_fn)(struct conf_run *r, const struct conf_sec *s);

/* Dependency order: what a phase refers to exists after earlier ones. */
static const conf_phase_fn conf_phases[] = {
	conf_apply_account,
	conf_apply_target,
	conf_apply_state,
	conf_apply_acls,
	conf_apply_binds,
	conf_apply_host,
	conf_apply_lu,
	conf_apply_iscsi,
};

int conf_apply(const struct conf *c, conf_exec_fn exec, void *arg,
	       char *err, size_t errlen)
{
	struct conf_run r = {
		.c = c, .exec = exec, .arg = arg,
		.err = err, .errlen = err ? errlen : 0,
	};
	const struct conf_sec *s;
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(conf_phases); i++) {
		list_for_each_entry(s, &c->secs, node) {
			ret = conf_phases[i](&r, s);
			if (ret)
				return ret;
		}
	}
	return 0;
}
