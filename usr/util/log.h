/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging for tgtd: to stderr (foreground) or syslog (daemon), with levels.
 *
 * Thread-safe: each message is formatted into a local buffer and written
 * with one write(2)/syslog(3) call.  Before log_open() messages go to stderr.
 */
#ifndef TGT_UTIL_LOG_H
#define TGT_UTIL_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/* @use_syslog: false writes to stderr.  @ident is the syslog ident. */
void log_open(const char *ident, bool use_syslog, enum log_level level);
void log_close(void);
void log_level_set(enum log_level level);
enum log_level log_level_get(void);
/* Parses "err|warn|info|debug"; returns 0 or -EINVAL. */
int log_level_parse(const char *s, enum log_level *out);
const char *log_level_name(enum log_level level);

void log_msg(enum log_level level, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_err(...)   log_msg(LOG_LVL_ERR, __func__, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __func__, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __func__, __VA_ARGS__)
#define log_debug(...)							\
	do {								\
		if (log_level_get() >= LOG_LVL_DEBUG)			\
			log_msg(LOG_LVL_DEBUG, __func__, __VA_ARGS__);	\
	} while (0)

#endif
