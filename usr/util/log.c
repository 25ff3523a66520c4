/* SPDX-License-Identifier: GPL-2.0-only */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static _Atomic int log_cur_level = LOG_LVL_INFO;
static bool log_to_syslog;

static const char *const log_names[] = {
	[LOG_LVL_ERR] = "err",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

void log_open(const char *ident, bool use_syslog, enum log_level level)
{
	log_to_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_level_set(level);
}

void log_close(void)
{
	if (log_to_syslog)
		closelog();
	log_to_syslog = false;
}

void log_level_set(enum log_level level)
{
	atomic_store(&log_cur_level, (int)level);
}

enum log_level log_level_get(void)
{
	return (enum log_level)atomic_load(&log_cur_level);
}

const char *log_level_name(enum log_level level)
{
	if ((unsigned)level > LOG_LVL_DEBUG)
		return "?";
	return log_names[level];
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (unsigned i = 0; i <= LOG_LVL_DEBUG; i++) {
		if (strcmp(s, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int log_syslog_prio(enum log_level level)
{
	switch (level) {
	case LOG_LVL_ERR: return LOG_ERR;
	case LOG_LVL_WARN: return LOG_WARNING;
	case LOG_LVL_INFO: return LOG_INFO;
	default: return LOG_DEBUG;
	}
}

/*
 * One write per message so lines from several threads never interleave;
 * errno is preserved because callers often log and then return -errno.
 */
void log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
	char buf[1024];
	int saved = errno;
	int n = 0;
	va_list ap;

	if ((int)level > atomic_load(&log_cur_level))
		return;
	if (!log_to_syslog) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = snprintf(buf, sizeof(buf), "tgtd %02d:%02d:%02d.%03ld %s: %s: ",
			     tm.tm_hour, tm.tm_min, tm.tm_sec,
			     ts.tv_nsec / 1000000, log_names[level], func);
	}
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(buf))
		vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (log_to_syslog) {
		syslog(log_syslog_prio(level), "%s", buf);
	} else {
		size_t len = strnlen(buf, sizeof(buf) - 2);

		buf[len++] = '\n';
		if (write(STDERR_FILENO, buf, len) < 0)
			(void)0;
	}
	errno = saved;
}
