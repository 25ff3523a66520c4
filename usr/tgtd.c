/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tgtd: the target daemon.  Start-up order matters:
 *   1. parse options and tgtd.conf (bad input stops here, nothing started);
 *   2. claim the control port (refuses a second tgtd on the same port);
 *   3. start the I/O loops and register the transports;
 *   4. apply tgtd.conf through the same path as tgtadm requests, then
 *      start the transports (bindings exist before nexuses arrive);
 *   5. detach (daemon mode) only once all of that worked, so the exit
 *      status of "tgtd" tells whether it is serving;
 *   6. run the management loop on the main thread until SIGTERM/SIGINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/evloop.h"
#include "core/target.h"
#include "core/tgt.h"
#include "iscsi/iscsi.h"
#include "kernel/kernel.h"
#include "mgmt/mgmt.h"
#include "mgmt/server.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/util.h"

#define TGTD_VERSION		"2.0.0-dev"
#define TGTD_DEFAULT_PORT	0
#define TGTD_MAX_LLD_OPTS	8
#define TGTD_MAX_IOTHREADS	64

/* Transports compiled into tgtd; each becomes a --<name> option. */
static const struct tgt_lld_ops *const tgtd_llds[] = {
	&kernel_lld_ops,
	&iscsi_lld_ops,
	NULL,
};

struct tgtd_opts {
	bool foreground;
	unsigned control_port;
	const char *config;
	bool has_level;
	enum log_level level;
	bool has_iothreads;
	unsigned iothreads;
	const char *lld_opts[TGTD_MAX_LLD_OPTS];
};

struct tgtd_state {
	struct evloop *mgmt_loop;
	int sigfd;
	int notify_fd;			/* daemon mode: tells the parent */
	bool stopping;
};

static void tgtd_usage(FILE *f)
{
	fprintf(f,
		"Usage: tgtd [OPTION]...\n"
		"SCSI target daemon.\n\n"
		"  -f, --foreground          stay in the foreground, log to stderr\n"
		"  -C, --control-port N      control port (default %d): socket\n"
		"                            $TGT_RUNDIR/tgtd.N.sock\n"
		"  -c, --config FILE         load tgtd.conf FILE at start-up\n"
		"  -d, --debug LEVEL         log level: err, warn, info, debug\n"
		"  -t, --nr_iothreads N      I/O event-loop threads (0: one per core)\n",
		TGTD_DEFAULT_PORT);
	for (size_t i = 0; tgtd_llds[i]; i++)
		fprintf(f, "      --%-22s options of the %s transport\n",
			tgtd_llds[i]->name, tgtd_llds[i]->name);
	fprintf(f, "  -h, --help                this help\n"
		   "  -V, --version             print the version\n");
}

static int tgtd_opt_level(const char *arg, struct tgtd_opts *o)
{
	int n;

	/* The old tgtd took -d 1 for debug; accept numbers too. */
	if (util_parse_int_range(arg, 0, 9, &n) == 0) {
		o->level = n ? LOG_LVL_DEBUG : LOG_LVL_INFO;
	} else if (log_level_parse(arg, &o->level)) {
		fprintf(stderr, "tgtd: invalid --debug '%s': expected err, "
			"warn, info or debug\n", arg);
		return -EINVAL;
	}
	o->has_level = true;
	return 0;
}

static int tgtd_opt_one(int c, const char *arg, struct tgtd_opts *o)
{
	switch (c) {
	case 'f':
		o->foreground = true;
		return 0;
	case 'C':
		if (util_parse_u32_range(arg, 0, 65535, &o->control_port)) {
			fprintf(stderr, "tgtd: invalid --control-port '%s': "
				"expected 0..65535\n", arg);
			return -EINVAL;
		}
		return 0;
	case 'c':
		o->config = arg;
		return 0;
	case 'd':
		return tgtd_opt_level(arg, o);
	case 't':
		if (util_parse_u32_range(arg, 0, TGTD_MAX_IOTHREADS,
					 &o->iothreads)) {
			fprintf(stderr, "tgtd: invalid --nr_iothreads '%s': "
				"expected 0..%d\n", arg, TGTD_MAX_IOTHREADS);
			return -EINVAL;
		}
		o->has_iothreads = true;
		return 0;
	case 'V':
		printf("tgtd %s\n", TGTD_VERSION);
		exit(0);
	case 'h':
		tgtd_usage(stdout);
		exit(0);
	default:
		if (c >= 1000 && c < 1000 + TGTD_MAX_LLD_OPTS) {
			o->lld_opts[c - 1000] = arg;
			return 0;
		}
		tgtd_usage(stderr);
		return -EINVAL;
	}
}

static int tgtd_opts_parse(int argc, char **argv, struct tgtd_opts *o)
{
	struct option longopts[16 + TGTD_MAX_LLD_OPTS] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "control-port", required_argument, NULL, 'C' },
		{ "config", required_argument, NULL, 'c' },
		{ "debug", required_argument, NULL, 'd' },
		{ "nr_iothreads", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
	};
	size_t n = 7;
	int c;

	for (size_t i = 0; tgtd_llds[i] && i < TGTD_MAX_LLD_OPTS; i++)
		longopts[n++] = (struct option){ tgtd_llds[i]->name,
			required_argument, NULL, (int)(1000 + i) };
	while ((c = getopt_long(argc, argv, "fC:c:d:t:hV", longopts,
				NULL)) != -1) {
		if (tgtd_opt_one(c, optarg, o))
			return -EINVAL;
	}
	if (optind < argc) {
		fprintf(stderr, "tgtd: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Command line wins over [global] in tgtd.conf. */
static int tgtd_conf_load(struct tgtd_opts *o, struct conf **conf)
{
	const struct conf_global *g;
	char err[512];

	if (!o->config)
		return 0;
	if (conf_load(o->config, conf, err, sizeof(err))) {
		fprintf(stderr, "tgtd: %s\n", err);
		return -EINVAL;
	}
	g = conf_global_get(*conf);
	if (g->has_iothreads && !o->has_iothreads) {
		if (g->iothreads > TGTD_MAX_IOTHREADS) {
			fprintf(stderr, "tgtd: %s: iothreads %u exceeds the "
				"maximum %d\n", o->config, g->iothreads,
				TGTD_MAX_IOTHREADS);
			return -EINVAL;
		}
		o->iothreads = g->iothreads;
	}
	if (g->has_log_level && !o->has_level) {
		o->level = (enum log_level)g->log_level;
		o->has_level = true;
	}
	return 0;
}

static int tgtd_conf_exec(const struct mgmt_req *req, struct strbuf *out,
			  void *arg)
{
	return mgmt_exec(req, out);
}

static int tgtd_conf_apply(const struct conf *conf)
{
	char err[1024];

	if (!conf)
		return 0;
	if (conf_apply(conf, tgtd_conf_exec, NULL, err, sizeof(err))) {
		log_err("%s", err);
		return -EINVAL;
	}
	return 0;
}

/*
 * Daemon mode: fork before any thread exists; the parent waits for one
 * status byte from the child so start-up errors reach the caller.
 */
static int tgtd_daemonize(struct tgtd_state *st)
{
	int fds[2];
	pid_t pid;
	char status = 1;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(fds[0]);
	st->notify_fd = fds[1];
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	return 0;
}

/*
 * Start-up errors went to stderr so the caller saw them; once detached,
 * tgtd logs to syslog.
 */
static void tgtd_detach_done(struct tgtd_state *st, char status,
			     enum log_level level)
{
	int null;

	if (st->notify_fd < 0)
		return;
	if (!status) {
		log_close();
		log_open("tgtd", true, level);
	}
	if (write(st->notify_fd, &status, 1) != 1)
		log_warn("cannot notify the parent: %m");
	close(st->notify_fd);
	st->notify_fd = -1;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
}

static void tgtd_signal_cb(int fd, uint32_t events, void *arg)
{
	struct tgtd_state *st = arg;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			continue;
		log_info("signal %u: shutting down", si.ssi_signo);
		st->stopping = true;
		evloop_stop(st->mgmt_loop);
	}
}

/* Signals go to the signalfd only: blocked in every thread. */
static int tgtd_signals_setup(struct tgtd_state *st)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -EINVAL;
	signal(SIGPIPE, SIG_IGN);
	st->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (st->sigfd < 0)
		return -errno;
	return evloop_fd_add(st->mgmt_loop, st->sigfd, EPOLLIN,
			     tgtd_signal_cb, st);
}

static int tgtd_llds_register(void)
{
	for (size_t i = 0; tgtd_llds[i]; i++) {
		int ret = tgt_lld_register(tgtd_llds[i]);

		if (ret) {
			log_err("transport %s: %s", tgtd_llds[i]->name,
				strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int tgtd_llds_start(const struct tgtd_opts *o)
{
	for (size_t i = 0; tgtd_llds[i]; i++) {
		int ret = tgtd_llds[i]->init ?
			  tgtd_llds[i]->init(o->lld_opts[i]) : 0;

		if (ret) {
			log_err("transport %s: %s", tgtd_llds[i]->name,
				strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * Clean shutdown: refuse new nexuses, let the transports drop theirs
 * (which fails or drains what is in flight), then stop the loops.
 */
static void tgtd_llds_stop(void)
{
	tgt_sys_update("state", "offline");
	for (size_t i = 0; tgtd_llds[i]; i++) {
		if (tgtd_llds[i]->exit)
			tgtd_llds[i]->exit();
	}
}

static int tgtd_start(struct tgtd_opts *o, struct tgtd_state *st,
		      const struct conf *conf)
{
	char err[256];
	int ret;

	ret = evloop_create("tgt-mgmt", &st->mgmt_loop);
	if (ret)
		return ret;
	ret = tgtd_signals_setup(st);
	if (ret)
		return ret;
	ret = mgmt_server_start(st->mgmt_loop, o->control_port, err,
				sizeof(err));
	if (ret) {
		log_err("%s", err);
		return ret;
	}
	ret = tgt_core_init(o->iothreads);
	if (ret) {
		log_err("cannot start I/O threads: %s", strerror(-ret));
		return ret;
	}
	/* Bindings from tgtd.conf exist before a transport starts taking
	 * nexuses (the kernel replays its nexuses on registration). */
	ret = tgtd_llds_register();
	if (!ret)
		ret = tgtd_conf_apply(conf);
	if (!ret)
		ret = tgtd_llds_start(o);
	return ret;
}

int main(int argc, char **argv)
{
	struct tgtd_opts o = { .level = LOG_LVL_INFO,
			       .control_port = TGTD_DEFAULT_PORT };
	struct tgtd_state st = { .sigfd = -1, .notify_fd = -1 };
	struct conf *conf = NULL;
	int ret;

	if (tgtd_opts_parse(argc, argv, &o) || tgtd_conf_load(&o, &conf))
		return 1;
	log_open("tgtd", false, o.level);
	if (!o.foreground && tgtd_daemonize(&st)) {
		fprintf(stderr, "tgtd: cannot detach: %s\n", strerror(errno));
		return 1;
	}
	ret = tgtd_start(&o, &st, conf);
	conf_free(conf);
	tgtd_detach_done(&st, ret ? 1 : 0, o.level);
	if (!ret) {
		log_info("tgtd %s ready on control port %u", TGTD_VERSION,
			 o.control_port);
		ret = evloop_run(st.mgmt_loop);
	}
	tgtd_llds_stop();
	tgt_core_exit();
	mgmt_server_stop();
	if (st.mgmt_loop)
		evloop_destroy(st.mgmt_loop);
	log_info("tgtd stopped");
	log_close();
	return ret ? 1 : 0;
}
