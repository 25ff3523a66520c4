/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel transport: registration with scsi_tgt, the event loop side
 * of the netlink socket, I_T nexuses, and the lld ops table.
 *
 * Life cycle (all on knl_loop()): init connects and sends REGISTER; if
 * the family is missing (module not loaded) or the kernel is busy with
 * another tgtd, the transport stays inactive and a timer retries every
 * KNL_RETRY_MS.  When the family disappears (nlctrl DELFAMILY) or the
 * socket fails, every nexus is destroyed, the socket closed and the timer
 * armed again; a new REGISTER makes the kernel replay its nexuses.  Each
 * registration has a generation number so that nothing outstanding from
 * an earlier one is ever answered to a later one (the kernel's tags start
 * over).  Only an ABI version mismatch at start-up fails init.
 *
 * Events are handled strictly in arrival order: reads queue them, the
 * queue is drained before the socket is read again (see knl_nl.h).
 */
#include "knl_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>

#include "core/evloop.h"
#include "knl_nl.h"
#include "util/strbuf.h"
#include "util/util.h"

#define KNL_READ_BUDGET		64	/* datagrams per wake-up */
#define KNL_RL_BURST		10	/* rate-limited messages... */
#define KNL_RL_WINDOW_NS	(5ull * 1000000000ull)	/* ...per window */

enum knl_state {
	KNL_ST_INIT = 0,
	KNL_ST_UP,
	KNL_ST_NOT_LOADED,
	KNL_ST_BUSY,
	KNL_ST_MISMATCH,
	KNL_ST_ERROR,
	KNL_ST_STOPPED,
};

pthread_mutex_t knl_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	struct evloop *loop;		/* fixed by init */
	struct knl_nl nl;
	knl_test_sink_fn sink;		/* tests: replaces the socket */
	void *sink_arg;
	uint32_t sink_seq;
	bool connected;
	bool stopping;
	uint64_t gen;
	uint64_t enobufs_seen;
	struct evloop_timer retry;
	struct evloop_work drain_work;
	bool drain_posted;
	atomic_int state;		/* enum knl_state; read by show */
	uint64_t next_nexus_id;
	struct knl_nexus *last;		/* lookup cache */
	uint64_t rl_start;
	unsigned rl_count, rl_missed;
} knl = {
	.nl = { .fd = -1, .pending = LIST_HEAD_INIT(knl.nl.pending) },
};

/* The nexus table: few entries (one per initiator port), so a list. */
static struct list_head knl_nexuses = LIST_HEAD_INIT(knl_nexuses);

static void knl_disconnect(const char *why);

struct evloop *knl_loop(void)
{
	return knl.loop;
}

int knl_family(void)
{
	return knl.nl.family;
}

uint64_t knl_gen(void)
{
	return knl.connected ? knl.gen : 0;
}

bool knl_live(uint64_t gen)
{
	return knl.connected && gen == knl.gen;
}

bool knl_ratelimit_ok(void)
{
	uint64_t now = util_now_ns();

	if (now - knl.rl_start > KNL_RL_WINDOW_NS) {
		if (knl.rl_missed)
			log_warn("kernel transport: %u similar messages "
				 "suppressed", knl.rl_missed);
		knl.rl_start = now;
		knl.rl_count = 0;
		knl.rl_missed = 0;
	}
	if (knl.rl_count < KNL_RL_BURST) {
		knl.rl_count++;
		return true;
	}
	knl.rl_missed++;
	return false;
}

const char *knl_state_str(void)
{
	switch (atomic_load(&knl.state)) {
	case KNL_ST_UP:
		return "registered with scsi_tgt";
	case KNL_ST_NOT_LOADED:
		return "inactive: scsi_tgt module not loaded";
	case KNL_ST_BUSY:
		return "inactive: another tgtd is registered with scsi_tgt";
	case KNL_ST_MISMATCH:
		return "inactive: scsi_tgt ABI version mismatch";
	case KNL_ST_ERROR:
		return "inactive: cannot register with scsi_tgt";
	case KNL_ST_STOPPED:
		return "stopped";
	default:
		return "not started";
	}
}

/*
 * Moves to @state; logs @fmt only on a change, so a retry every 2 s says
 * each thing once.  Returns @ret for the caller's convenience.
 */
static int knl_state_set(enum knl_state state, int ret, enum log_level lvl,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int knl_state_set(enum knl_state state, int ret, enum log_level lvl,
			 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (atomic_exchange(&knl.state, state) == (int)state || !fmt)
		return ret;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(lvl, __func__, "kernel transport: %s", msg);
	return ret;
}

/* ---- loop calls from other threads ---- */

struct knl_call {
	struct evloop_work work;
	int (*fn)(void *arg);
	void *arg;
	int ret;
	bool done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void knl_call_work(void *arg)
{
	struct knl_call *c = arg;
	int ret = c->fn(c->arg);

	pthread_mutex_lock(&c->lock);
	c->ret = ret;
	c->done = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

int knl_loop_call(int (*fn)(void *arg), void *arg)
{
	struct knl_call c = { .fn = fn, .arg = arg };

	if (!knl.loop)
		return -ENOTCONN;
	if (evloop_current() == knl.loop)
		return fn(arg);
	pthread_mutex_init(&c.lock, NULL);
	pthread_cond_init(&c.cond, NULL);
	evloop_work_init(&c.work, knl_call_work, &c);
	evloop_post(knl.loop, &c.work);
	pthread_mutex_lock(&c.lock);
	while (!c.done)
		pthread_cond_wait(&c.cond, &c.lock);
	pthread_mutex_unlock(&c.lock);
	pthread_cond_destroy(&c.cond);
	pthread_mutex_destroy(&c.lock);
	return c.ret;
}

/* ---- requests and the event queue ---- */

static void knl_drain(void);

static void knl_confirm(void);

static void knl_drain_work(void *arg)
{
	knl.drain_posted = false;
	knl_drain();
	if (knl.sink)
		knl_confirm();	/* the sink refuses inside the send */
}

/* Events queued outside a drain (behind an ack) need a drain of their own. */
static void knl_drain_schedule(void)
{
	if (knl.drain_posted)
		return;
	knl.drain_posted = true;
	evloop_work_init(&knl.drain_work, knl_drain_work, NULL);
	evloop_post(knl.loop, &knl.drain_work);
}

int knl_request(struct nl_msg *msg)
{
	int ret;

	if (!msg)
		return -ENOMEM;
	if (knl.sink) {
		ret = knl.sink(nlmsg_hdr(msg), knl.sink_arg);
		nlmsg_free(msg);
		return ret;
	}
	if (!knl.connected) {
		nlmsg_free(msg);
		return -ENOTCONN;
	}
	ret = knl_nl_request(&knl.nl, msg, NULL, NULL);
	if (!list_empty(&knl.nl.pending) || knl.nl.gone ||
	    knl.nl.enobufs != knl.enobufs_seen)
		knl_drain_schedule();
	return ret;
}

/* Tests: a refusal from the sink arrives as the socket's would. */
static int knl_sink_send(struct nl_msg *msg, uint32_t *seq)
{
	struct {
		struct nlmsghdr nlh;
		struct nlmsgerr e;
	} ack = { .nlh = { .nlmsg_len = sizeof(ack),
			   .nlmsg_type = NLMSG_ERROR } };
	int ret = knl.sink(nlmsg_hdr(msg), knl.sink_arg);

	nlmsg_free(msg);
	*seq = ++knl.sink_seq;
	/* The drain confirms or, with the refusal queued, refuses it. */
	knl_drain_schedule();
	if (!ret)
		return 0;
	ack.nlh.nlmsg_seq = *seq;
	ack.e.error = ret;
	return knl_nl_pending_push(&knl.nl, &ack.nlh, sizeof(ack));
}

int knl_send(struct nl_msg *msg, uint32_t *seq)
{
	if (!msg)
		return -ENOMEM;
	if (knl.sink)
		return knl_sink_send(msg, seq);
	if (!knl.connected) {
		nlmsg_free(msg);
		return -ENOTCONN;
	}
	return knl_nl_send(&knl.nl, msg, seq);
}

const char *knl_ack_text(void)
{
	return knl.sink ? "" : knl.nl.ack_msg;
}

/* ---- nexuses ---- */

struct knl_nexus *knl_nexus_find(uint32_t host, uint64_t itn_id)
{
	struct knl_nexus *kn;

	if (knl.last && knl.last->host == host && knl.last->itn_id == itn_id)
		return knl.last;
	list_for_each_entry(kn, &knl_nexuses, node) {
		if (kn->host == host && kn->itn_id == itn_id) {
			knl.last = kn;
			return kn;
		}
	}
	return NULL;
}

static struct knl_nexus *knl_nexus_find_id(uint64_t id)
{
	struct knl_nexus *kn;

	list_for_each_entry(kn, &knl_nexuses, node) {
		if (kn->id == id)
			return kn;
	}
	return NULL;
}

/* Destroys our side; the core still reports its commands (cmd_done). */
static void knl_nexus_free(struct knl_nexus *kn)
{
	pthread_mutex_lock(&knl_lock);
	list_del(&kn->node);
	pthread_mutex_unlock(&knl_lock);
	if (knl.last == kn)
		knl.last = NULL;
	tgt_nexus_destroy(kn->n);
	free(kn);
}

/* Host @host's nexuses, or all of them (@all). */
static void knl_nexuses_drop(bool all, uint32_t host)
{
	struct knl_nexus *kn, *tmp;

	list_for_each_entry_safe(kn, tmp, &knl_nexuses, node) {
		if (all || kn->host == host)
			knl_nexus_free(kn);
	}
}

void knl_nexus_show_locked(uint32_t host, struct strbuf *out)
{
	struct knl_nexus *kn;

	list_for_each_entry(kn, &knl_nexuses, node) {
		if (kn->host != host)
			continue;
		strbuf_addf(out, "        I_T nexus: %llu\n"
			    "            Initiator: %s\n",
			    (unsigned long long)kn->itn_id,
			    kn->initiator[0] ? kn->initiator : "-");
	}
}

static int knl_nexus_create(const struct knl_event *ev)
{
	const char *name = ev->initiator[0] ? ev->initiator : NULL;
	struct knl_nexus *kn;
	int tid, ret;

	if (knl_nexus_find(ev->host, ev->itn_id))
		return 0;		/* a replay of a live nexus */
	if (knl_bind_lookup(ev->host, &tid)) {
		log_info("kernel transport: host %u is bound to no target: "
			 "nexus %llu refused (bind it with tgtadm --lld "
			 "kernel --op bind --tid N --host %u)", ev->host,
			 (unsigned long long)ev->itn_id, ev->host);
		return -ENOENT;
	}
	kn = calloc(1, sizeof(*kn));
	if (!kn)
		return -ENOMEM;
	kn->host = ev->host;
	kn->itn_id = ev->itn_id;
	kn->tid = tid;
	kn->id = ++knl.next_nexus_id;
	kn->max_cmds = ev->max_cmds;
	memcpy(kn->initiator, ev->initiator, sizeof(kn->initiator));
	ret = tgt_nexus_create(&kernel_lld_ops, tid, ev->itn_id, name, NULL,
			       knl.loop, kn, &kn->n);
	if (ret) {
		free(kn);
		return ret;
	}
	pthread_mutex_lock(&knl_lock);
	list_add_tail(&kn->node, &knl_nexuses);
	pthread_mutex_unlock(&knl_lock);
	return 0;
}

/* Destroying a nexus we do not have is done already: answer 0. */
static int knl_nexus_destroy_req(const struct knl_event *ev)
{
	struct knl_nexus *kn = knl_nexus_find(ev->host, ev->itn_id);

	if (kn)
		knl_nexus_free(kn);
	return 0;
}

static void knl_nexus_req(const struct knl_event *ev, bool bad)
{
	int32_t result;
	int ret;

	if (bad)
		result = -EINVAL;
	else if (ev->function == TGT_NEXUS_CREATE)
		result = knl_nexus_create(ev);
	else if (ev->function == TGT_NEXUS_DESTROY)
		result = knl_nexus_destroy_req(ev);
	else
		result = -EOPNOTSUPP;
	ret = knl_request(knl_msg_nexus_rsp(knl.nl.family, ev->host,
					    ev->itn_id, ev->function,
					    result));
	if (ret)
		knl_warn_rl("kernel transport: IT_NEXUS_RSP (host %u, nexus "
			    "%llu): %s", ev->host,
			    (unsigned long long)ev->itn_id, strerror(-ret));
}

/* ---- events ---- */

/* The kernel refused a request sent without an ack (knl_send). */
static void knl_refusal(const struct nlmsghdr *nlh)
{
	uint32_t seq;
	int err = knl_nl_refusal(&knl.nl, nlh, &seq);

	knl_cmd_refused(seq, err);
}

static void knl_event_dispatch(const struct nlmsghdr *nlh, size_t len)
{
	struct knl_event ev;
	char why[160];
	int ret;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		knl_refusal(nlh);
		return;
	}
	ret = knl_event_decode(nlh, len, &ev, why, sizeof(why));

	if (ret == -EOPNOTSUPP) {
		knl_warn_rl("kernel transport: unknown event %u ignored",
			    ev.cmd);
		return;
	}
	if (ret) {
		knl_warn_rl("kernel transport: malformed %s: %s (%s)",
			    knl_cmd_name(ev.cmd), why, ev.has_key ?
			    "answered with an error" : "ignored");
		if (!ev.has_key)
			return;
	}
	switch (ev.cmd) {
	case TGT_KEVENT_CMD_REQ:
		knl_cmd_req(&ev, ret != 0);
		break;
	case TGT_KEVENT_CMD_DONE:
		knl_cmd_done_event(&ev);
		break;
	case TGT_KEVENT_IT_NEXUS_REQ:
		knl_nexus_req(&ev, ret != 0);
		break;
	case TGT_KEVENT_TSK_MGMT_REQ:
		knl_tmf_req(&ev, ret != 0);
		break;
	default:
		break;			/* a late REGISTER reply */
	}
}

/*
 * Overflows and the family's disappearance show up here.  ENOBUFS means
 * the kernel once found our receive queue full; scsi_tgt then holds its
 * events back (or refuses the initiator's command: back-pressure), so
 * nothing is lost, but a full 4 MiB queue means tgtd is falling behind.
 */
static void knl_health_check(void)
{
	if (knl.nl.enobufs != knl.enobufs_seen) {
		knl_warn_rl("kernel transport: netlink receive queue was full "
			    "(%llu times): tgtd is not keeping up; scsi_tgt "
			    "holds events back meanwhile",
			    (unsigned long long)knl.nl.enobufs);
		knl.enobufs_seen = knl.nl.enobufs;
		/* The overflow may have eaten refusals of our answers. */
		knl_cmds_resync();
	}
	if (knl.connected && knl.nl.gone)
		knl_disconnect("the scsi_tgt module was unloaded");
}

static void knl_drain(void)
{
	struct knl_nl_ev *e;

	while (knl.connected && (e = knl_nl_pending_pop(&knl.nl))) {
		knl_event_dispatch((const struct nlmsghdr *)e->buf, e->len);
		free(e);
	}
	knl_health_check();
}

/*
 * Read empty, with every refusal read before dispatched and no overflow
 * unaccounted for: the answers sent so far were all taken.
 */
static void knl_confirm(void)
{
	if (knl.connected && list_empty(&knl.nl.pending) &&
	    knl.nl.enobufs == knl.enobufs_seen)
		knl_cmds_confirm();
}

static void knl_fd_cb(int fd, uint32_t events, void *arg)
{
	for (int i = 0; i < KNL_READ_BUDGET && knl.connected; i++) {
		int ret;

		knl_drain();
		if (!knl.connected)
			return;
		ret = knl_nl_read(&knl.nl);
		if (ret == 0) {
			knl_confirm();
			break;
		}
		if (ret < 0 && ret != -ENOBUFS) {
			log_err("kernel transport: netlink socket: %s",
				strerror(-ret));
			knl_disconnect("the netlink socket failed");
			return;
		}
	}
	knl_drain();
}

/* ---- registration ---- */

struct knl_register {
	bool have;
	uint32_t version;
};

static void knl_register_reply(const struct nlmsghdr *nlh, size_t len,
			       void *arg)
{
	struct knl_register *reg = arg;
	struct knl_event ev;

	if (knl_event_decode(nlh, len, &ev, NULL, 0) == 0 &&
	    ev.cmd == TGT_UEVENT_REGISTER) {
		reg->have = true;
		reg->version = ev.abi_version;
	}
}

/* Turns REGISTER's outcome into a state (and one log line per change). */
static int knl_register_check(int ret, const struct knl_register *reg)
{
	const char *text = knl.nl.ack_msg;

	if (reg->have && reg->version != SCSI_TGT_ABI_VERSION)
		return knl_state_set(KNL_ST_MISMATCH, -EPROTO, LOG_LVL_ERR,
				     "ABI version mismatch: tgtd speaks "
				     "scsi_tgt ABI %u, the loaded scsi_tgt "
				     "module speaks %u; load a matching "
				     "module", SCSI_TGT_ABI_VERSION,
				     reg->version);
	if (ret == -EPROTO)
		return knl_state_set(KNL_ST_MISMATCH, -EPROTO, LOG_LVL_ERR,
				     "ABI version mismatch: scsi_tgt refused "
				     "tgtd's ABI %u (its own version was not "
				     "reported)%s%s", SCSI_TGT_ABI_VERSION,
				     text[0] ? ": " : "", text);
	if (ret == -EBUSY)
		return knl_state_set(KNL_ST_BUSY, ret, LOG_LVL_WARN,
				     "another tgtd is registered with "
				     "scsi_tgt; kernel targets are inactive "
				     "until it goes away");
	if (ret)
		return knl_state_set(KNL_ST_ERROR, ret, LOG_LVL_ERR,
				     "REGISTER refused: %s%s%s%s",
				     strerror(-ret), text[0] ? ": " : "", text,
				     ret == -EPERM ? " (tgtd needs "
				     "CAP_NET_ADMIN)" : "");
	if (!reg->have)
		return knl_state_set(KNL_ST_MISMATCH, -EPROTO, LOG_LVL_ERR,
				     "scsi_tgt's REGISTER reply carries no "
				     "ABI version (tgtd speaks %u)",
				     SCSI_TGT_ABI_VERSION);
	return 0;
}

/* Opens, registers and starts reading; on failure no socket remains. */
static int knl_connect(void)
{
	struct knl_register reg = { 0 };
	int ret = knl_nl_open(&knl.nl);

	if (ret == -ENOENT)
		return knl_state_set(KNL_ST_NOT_LOADED, ret, LOG_LVL_WARN,
				     "scsi_tgt module not loaded; kernel "
				     "targets are inactive");
	if (ret)
		return knl_state_set(KNL_ST_ERROR, ret, LOG_LVL_ERR,
				     "cannot open a generic netlink socket: "
				     "%s", strerror(-ret));
	ret = knl_nl_request(&knl.nl, knl_msg_register(knl.nl.family),
			     knl_register_reply, &reg);
	ret = knl_register_check(ret, &reg);
	if (!ret)
		ret = evloop_fd_add(knl.loop, knl.nl.fd, EPOLLIN, knl_fd_cb,
				    NULL);
	if (ret) {
		knl_nl_close(&knl.nl);
		return ret;
	}
	knl.connected = true;
	knl.gen++;
	knl.enobufs_seen = 0;
	knl_state_set(KNL_ST_UP, 0, LOG_LVL_INFO, "registered with scsi_tgt "
		      "(ABI %u)", SCSI_TGT_ABI_VERSION);
	if (!list_empty(&knl.nl.pending))
		knl_drain_schedule();
	return 0;
}

static void knl_retry_cb(void *arg)
{
	if (knl.stopping || knl.connected)
		return;
	if (knl_connect())
		evloop_timer_arm(knl.loop, &knl.retry, KNL_RETRY_MS);
}

/* Ends the registration: the kernel forgets everything of ours. */
static void knl_close(void)
{
	if (!knl.sink && knl.nl.sk)
		evloop_fd_del(knl.loop, knl.nl.fd);
	knl_nl_close(&knl.nl);
	knl.sink = NULL;
	knl.connected = false;
	knl_nexuses_drop(true, 0);
	knl_cmds_forget();
}

static void knl_disconnect(const char *why)
{
	if (!knl.connected)
		return;
	knl_close();
	knl_state_set(KNL_ST_ERROR, 0, LOG_LVL_WARN, "%s: kernel nexuses "
		      "dropped; re-registering every %d s", why,
		      KNL_RETRY_MS / 1000);
	if (!knl.stopping)
		evloop_timer_arm(knl.loop, &knl.retry, KNL_RETRY_MS);
}

/* ---- management thread -> loop ---- */

struct knl_post_work {
	struct evloop_work work;
	enum knl_post_op op;
	uint32_t host;
	uint64_t nexus_id;
};

static void knl_replay(uint32_t host)
{
	int ret;

	if (!knl.connected)
		return;			/* REGISTER will replay everything */
	ret = knl_request(knl_msg_replay(knl.nl.family, host));
	if (ret)
		log_warn("kernel transport: NEXUS_REPLAY for host %u: %s",
			 host, strerror(-ret));
}

static void knl_post_run(void *arg)
{
	struct knl_post_work *w = arg;
	struct knl_nexus *kn;

	if (knl.stopping)
		goto free_work;
	switch (w->op) {
	case KNL_POST_REPLAY:
		knl_replay(w->host);
		break;
	case KNL_POST_DROP:
		knl_nexuses_drop(false, w->host);
		break;
	case KNL_POST_KILL:
		kn = knl_nexus_find_id(w->nexus_id);
		if (kn)
			knl_nexus_free(kn);
		break;
	}
free_work:
	free(w);
}

void knl_post(enum knl_post_op op, uint32_t host, uint64_t nexus_id)
{
	struct knl_post_work *w;

	if (!knl.loop)
		return;			/* not started: nothing to act on */
	w = calloc(1, sizeof(*w));
	if (!w) {
		log_err("kernel transport: out of memory: host %u not "
			"updated", host);
		return;
	}
	w->op = op;
	w->host = host;
	w->nexus_id = nexus_id;
	evloop_work_init(&w->work, knl_post_run, w);
	evloop_post(knl.loop, &w->work);
}

/* ---- lld ops ---- */

int knl_opts_parse(const char *opts, char *err, size_t errlen)
{
	const char *p = opts;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		size_t blank = strspn(p, " \t");

		if (blank < n) {
			char key[64];
			size_t klen = MIN(strcspn(p + blank, "=,"),
					  sizeof(key) - 1);

			memcpy(key, p + blank, klen);
			key[klen] = '\0';
			snprintf(err, errlen, "unknown --kernel option '%s': "
				 "the kernel transport takes no options", key);
			return -EINVAL;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int knl_start(void *arg)
{
	int ret;

	knl.stopping = false;
	evloop_timer_init(&knl.retry, knl_retry_cb, NULL);
	ret = knl_connect();
	if (ret == -EPROTO)
		return ret;		/* a wrong module: refuse to start */
	if (ret)
		evloop_timer_arm(knl.loop, &knl.retry, KNL_RETRY_MS);
	return 0;
}

static int knl_init(const char *opts)
{
	struct evloop *loop;
	char err[256];
	int ret = knl_opts_parse(opts, err, sizeof(err));

	if (ret) {
		log_err("kernel transport: %s", err);
		return ret;
	}
	ret = knl_cmds_init();
	if (ret)
		return ret;
	loop = tgt_loop_next();
	if (!loop)
		return -ENODEV;
	if (loop != knl.loop)
		knl.drain_posted = false;	/* a new core: nothing queued */
	knl.loop = loop;
	return knl_loop_call(knl_start, NULL);
}

static int knl_stop(void *arg)
{
	knl.stopping = true;
	evloop_timer_cancel(&knl.retry);
	knl_close();
	atomic_store(&knl.state, KNL_ST_STOPPED);
	return 0;
}

/* Shutdown: drop every nexus; the core drains what is in flight. */
static void knl_exit(void)
{
	if (knl.loop)
		knl_loop_call(knl_stop, NULL);
}

static void knl_nexus_kill(struct tgt_nexus *n, void *priv)
{
	struct knl_nexus *kn = priv;

	knl_post(KNL_POST_KILL, kn->host, kn->id);
}

static void knl_nexus_show(void *priv, struct strbuf *out)
{
	const struct knl_nexus *kn = priv;

	strbuf_addf(out, "            Kernel host: %u\n", kn->host);
}

const struct tgt_lld_ops kernel_lld_ops = {
	.name = "kernel",
	.init = knl_init,
	.exit = knl_exit,
	.cmd_done = knl_cmd_done,
	.tmf_done = knl_tmf_done,
	.nexus_kill = knl_nexus_kill,
	.nexus_show = knl_nexus_show,
	.mgmt = knl_mgmt,
	.target_dump = knl_target_dump,
};

/* ---- test hooks ---- */

int knl_test_attach(knl_test_sink_fn sink, void *arg)
{
	evloop_timer_cancel(&knl.retry);
	knl_close();
	knl.sink = sink;
	knl.sink_arg = arg;
	knl.nl.family = 0x7ff0;		/* any id: the sink decodes */
	knl.connected = true;
	knl.gen++;
	atomic_store(&knl.state, KNL_ST_UP);
	return 0;
}

int knl_test_detach(void)
{
	knl_disconnect("test detach");
	return 0;
}

int knl_test_event(const struct nlmsghdr *nlh)
{
	int ret = knl_nl_pending_push(&knl.nl, nlh, nlh->nlmsg_len);

	if (!ret)
		knl_drain_schedule();
	return ret;
}
