/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tgtd's control socket (see server.h).  Each client is a small state
 * machine on the management loop: read the 12-byte prefix, check it
 * before allocating, read the rest, decode, execute, write the response
 * (partial writes wait for EPOLLOUT), close.  A timer drops clients that
 * make no progress.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/evloop.h"
#include "proto.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/util.h"

struct mgmt_client {
	struct list_head node;
	int fd;
	bool writing;
	uint8_t prefix[TGT_MGMT_PREFIX_LEN];
	uint8_t *req;		/* whole request, once the prefix is checked */
	size_t need;		/* bytes of the prefix, then of the request */
	size_t got;
	uint8_t hdr[TGT_MGMT_RSP_HDR_LEN];
	struct strbuf text;	/* response text */
	size_t sent;		/* of hdr + text */
	struct evloop_timer timer;
};

static struct {
	struct evloop *loop;
	int listen_fd;
	int lock_fd;
	unsigned nr_clients;
	struct list_head clients;
	char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
} mgmt_srv = {
	.listen_fd = -1,
	.lock_fd = -1,
	.clients = LIST_HEAD_INIT(mgmt_srv.clients),
};

/* ---- clients ---- */

static void mgmt_client_close(struct mgmt_client *c)
{
	evloop_timer_cancel(&c->timer);
	evloop_fd_del(mgmt_srv.loop, c->fd);
	close(c->fd);
	list_del(&c->node);
	mgmt_srv.nr_clients--;
	free(c->req);
	strbuf_release(&c->text);
	free(c);
}

static void mgmt_client_timeout(void *arg)
{
	struct mgmt_client *c = arg;

	log_warn("mgmt: dropping a client that stalled for %u ms",
		 MGMT_CLIENT_TIMEOUT_MS);
	mgmt_client_close(c);
}

/* Progress was made: the client has MGMT_CLIENT_TIMEOUT_MS more. */
static void mgmt_client_touch(struct mgmt_client *c)
{
	evloop_timer_arm(mgmt_srv.loop, &c->timer, MGMT_CLIENT_TIMEOUT_MS);
}

/*
 * Sends what is left of header + text.  Returns 1 when all is sent, 0
 * when the socket is full (wait for EPOLLOUT), -errno on failure.
 */
static int mgmt_client_send(struct mgmt_client *c)
{
	size_t total = sizeof(c->hdr) + c->text.len;

	while (c->sent < total) {
		struct iovec iov[2];
		struct msghdr msg = { .msg_iov = iov };
		ssize_t n;

		if (c->sent < sizeof(c->hdr)) {
			iov[0].iov_base = c->hdr + c->sent;
			iov[0].iov_len = sizeof(c->hdr) - c->sent;
			iov[1].iov_base = c->text.buf;
			iov[1].iov_len = c->text.len;
			msg.msg_iovlen = c->text.len ? 2 : 1;
		} else {
			iov[0].iov_base = c->text.buf + (c->sent -
							 sizeof(c->hdr));
			iov[0].iov_len = total - c->sent;
			msg.msg_iovlen = 1;
		}
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		c->sent += (size_t)n;
	}
	return 1;
}

static void mgmt_client_flush(struct mgmt_client *c)
{
	int ret = mgmt_client_send(c);

	if (ret < 0)
		log_debug("mgmt: response not delivered: %s", strerror(-ret));
	if (ret != 0) {
		mgmt_client_close(c);
		return;
	}
	mgmt_client_touch(c);
	if (evloop_fd_mod(mgmt_srv.loop, c->fd, EPOLLOUT) < 0)
		mgmt_client_close(c);
}

/*
 * Queues the response (@code and c->text) and starts sending it.  Text
 * over the protocol's limit, or lost to allocation failure, becomes a
 * short NOMEM message.
 */
static void mgmt_client_respond(struct mgmt_client *c, int code)
{
	size_t len = c->text.len;

	if (c->text.oom || len > TGT_MGMT_RSP_MAX - TGT_MGMT_RSP_HDR_LEN) {
		strbuf_release(&c->text);
		code = TGTADM_NOMEM;
		if (len > TGT_MGMT_RSP_MAX - TGT_MGMT_RSP_HDR_LEN)
			strbuf_addf(&c->text, "response too large (%zu bytes, "
				    "max %u)", len, TGT_MGMT_RSP_MAX);
		else
			strbuf_addstr(&c->text, "out of memory");
		if (c->text.oom)
			strbuf_release(&c->text);
	}
	mgmt_rsp_hdr_encode(c->hdr, code, c->text.len);
	c->writing = true;
	c->sent = 0;
	mgmt_client_flush(c);
}

static void mgmt_client_reject(struct mgmt_client *c, int code,
			       const char *msg)
{
	log_warn("mgmt: rejected request: %s", msg);
	strbuf_reset(&c->text);
	strbuf_addstr(&c->text, msg);
	mgmt_client_respond(c, code);
}

/* The whole request is in: decode, execute, answer. */
static void mgmt_client_exec(struct mgmt_client *c)
{
	char err[256];
	struct mgmt_req req;
	char *arena = malloc(MGMT_REQ_ARENA_LEN(c->need));
	int ret;

	if (!arena) {
		mgmt_client_reject(c, TGTADM_NOMEM, "out of memory");
		return;
	}
	ret = mgmt_req_decode(c->req, c->need, &req, arena,
			      MGMT_REQ_ARENA_LEN(c->need), err, sizeof(err));
	if (ret) {
		free(arena);
		mgmt_client_reject(c, TGTADM_PROTOCOL, err);
		return;
	}
	ret = mgmt_exec(&req, &c->text);
	log_debug("mgmt: --mode %s --op %s: %d (%s)", mgmt_mode_name(req.mode),
		  mgmt_op_name(req.op), ret, mgmt_err_str(ret));
	free(arena);
	mgmt_client_respond(c, ret);
}

/*
 * The prefix is in: check it and size the request buffer.  Returns 0 to
 * go on reading the body, -1 when the client was answered (and may be
 * gone already).
 */
static int mgmt_client_prefix_done(struct mgmt_client *c)
{
	char err[256];
	size_t total;

	if (mgmt_req_prefix_check(c->prefix, sizeof(c->prefix), &total, err,
				  sizeof(err))) {
		mgmt_client_reject(c, TGTADM_PROTOCOL, err);
		return -1;
	}
	c->req = malloc(total);
	if (!c->req) {
		mgmt_client_reject(c, TGTADM_NOMEM, "out of memory");
		return -1;
	}
	memcpy(c->req, c->prefix, sizeof(c->prefix));
	c->need = total;
	return 0;
}

/*
 * Reads what is available.  Returns 1 when the current part (prefix or
 * request) is complete, 0 to wait, -errno (-ECONNRESET at EOF).
 */
static int mgmt_client_recv(struct mgmt_client *c)
{
	while (c->got < c->need) {
		uint8_t *dst = c->req ? c->req : c->prefix;
		ssize_t n = read(c->fd, dst + c->got, c->need - c->got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return -ECONNRESET;
		c->got += (size_t)n;
		mgmt_client_touch(c);
	}
	return 1;
}

static void mgmt_client_on_read(struct mgmt_client *c)
{
	int ret = mgmt_client_recv(c);

	if (ret == 0)
		return;
	if (ret < 0) {
		if (c->got)
			log_warn("mgmt: client went away after %zu bytes of "
				 "%zu", c->got, c->need);
		mgmt_client_close(c);
	} else if (!c->req) {
		if (mgmt_client_prefix_done(c) == 0)
			mgmt_client_on_read(c);	/* the body may be there */
	} else {
		mgmt_client_exec(c);
	}
}

static void mgmt_client_cb(int fd, uint32_t events, void *arg)
{
	struct mgmt_client *c = arg;

	if (c->writing)
		mgmt_client_flush(c);
	else
		mgmt_client_on_read(c);
}

/* Peers allowed to manage tgtd: root and tgtd's own user. */
static bool mgmt_client_allowed(int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	*uid = cred.uid;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void mgmt_client_new(int fd)
{
	struct mgmt_client *c;
	uid_t uid = (uid_t)-1;

	c = calloc(1, sizeof(*c));
	if (!c || evloop_fd_add(mgmt_srv.loop, fd, EPOLLIN, mgmt_client_cb,
				c) < 0) {
		log_err("mgmt: cannot register a client: out of memory");
		free(c);
		close(fd);
		return;
	}
	c->fd = fd;
	c->need = sizeof(c->prefix);
	strbuf_init(&c->text);
	evloop_timer_init(&c->timer, mgmt_client_timeout, c);
	list_add_tail(&c->node, &mgmt_srv.clients);
	mgmt_srv.nr_clients++;
	mgmt_client_touch(c);
	if (!mgmt_client_allowed(fd, &uid)) {
		strbuf_addf(&c->text, "permission denied: uid %d may not "
			    "manage tgtd (root", (int)uid);
		if (geteuid() != 0)
			strbuf_addf(&c->text, " or uid %u", (unsigned)geteuid());
		strbuf_addstr(&c->text, " only)");
		log_warn("mgmt: %s", strbuf_str(&c->text));
		mgmt_client_respond(c, TGTADM_PERMISSION);
	}
}

static void mgmt_listen_cb(int fd, uint32_t events, void *arg)
{
	for (;;) {
		int cfd = accept4(fd, NULL, NULL,
				  SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN)
				log_err("mgmt: accept: %m");
			return;
		}
		if (mgmt_srv.nr_clients >= MGMT_CLIENTS_MAX) {
			log_warn("mgmt: too many clients, dropping one");
			close(cfd);
			continue;
		}
		mgmt_client_new(cfd);
	}
}

/* ---- socket and lock file ---- */

static int mgmt_rundir_make(char *err, size_t errlen)
{
	const char *dir = mgmt_rundir();

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return mgmt_fail(-errno, err, errlen, "cannot create %s: %s",
				     dir, strerror(errno));
	return 0;
}

/* The pid recorded by the tgtd that holds the lock, or 0. */
static long mgmt_lock_owner(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	uint64_t pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (util_parse_u64(buf, &pid) || pid > INT_MAX)
		return 0;
	return (long)pid;
}

static int mgmt_lock_write_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

static int mgmt_lock_take(unsigned port, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd, ret;

	if (mgmt_path_format(path, sizeof(path), port, "lock"))
		return mgmt_fail(-ENAMETOOLONG, err, errlen,
				     "lock file path too long");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return mgmt_fail(-errno, err, errlen, "cannot open %s: %s",
				     path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno == EWOULDBLOCK ? -EADDRINUSE : -errno;
		if (ret == -EADDRINUSE)
			mgmt_fail(ret, err, errlen, "tgtd already running "
				      "on control port %u (pid %ld)", port,
				      mgmt_lock_owner(fd));
		else
			mgmt_fail(ret, err, errlen, "cannot lock %s: %s",
				      path, strerror(-ret));
		close(fd);
		return ret;
	}
	ret = mgmt_lock_write_pid(fd);
	if (ret) {
		close(fd);
		return mgmt_fail(ret, err, errlen, "cannot write %s: %s",
				     path, strerror(-ret));
	}
	mgmt_srv.lock_fd = fd;
	return 0;
}

static void mgmt_lock_release(void)
{
	if (mgmt_srv.lock_fd < 0)
		return;
	/* The file stays: unlinking a lock file races with a new owner. */
	if (ftruncate(mgmt_srv.lock_fd, 0) < 0)
		log_debug("mgmt: cannot truncate the lock file: %m");
	close(mgmt_srv.lock_fd);
	mgmt_srv.lock_fd = -1;
}

/* Binds and listens on the socket path; we hold the lock, so a file left
 * there is a stale socket of a dead tgtd. */
static int mgmt_sock_open(char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *path = mgmt_srv.sock_path;
	int fd, ret;

	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (unlink(path) < 0 && errno != ENOENT)
		return mgmt_fail(-errno, err, errlen, "cannot remove %s: %s",
				     path, strerror(errno));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return mgmt_fail(-errno, err, errlen, "socket: %s",
				     strerror(errno));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto close_sock;
	if (chmod(path, 0600) < 0 || listen(fd, SOMAXCONN) < 0)
		goto unlink_sock;
	return fd;

unlink_sock:
	ret = -errno;
	unlink(path);
	close(fd);
	return mgmt_fail(ret, err, errlen, "cannot listen on %s: %s",
			     path, strerror(-ret));
close_sock:
	ret = -errno;
	close(fd);
	return mgmt_fail(ret, err, errlen, "cannot bind %s: %s", path,
			     strerror(-ret));
}

int mgmt_server_start(struct evloop *loop, unsigned control_port, char *err,
		      size_t errlen)
{
	int fd, ret;

	if (mgmt_srv.listen_fd >= 0)
		return mgmt_fail(-EALREADY, err, errlen,
				     "control socket already open");
	if (mgmt_path_format(mgmt_srv.sock_path, sizeof(mgmt_srv.sock_path),
			     control_port, "sock"))
		return mgmt_fail(-ENAMETOOLONG, err, errlen,
				     "control socket path too long (max %zu "
				     "bytes): %s/tgtd.%u.sock",
				     sizeof(mgmt_srv.sock_path) - 1,
				     mgmt_rundir(), control_port);
	ret = mgmt_rundir_make(err, errlen);
	if (ret)
		return ret;
	ret = mgmt_lock_take(control_port, err, errlen);
	if (ret)
		return ret;
	fd = mgmt_sock_open(err, errlen);
	if (fd < 0) {
		ret = fd;
		goto unlock;
	}
	ret = evloop_fd_add(loop, fd, EPOLLIN, mgmt_listen_cb, NULL);
	if (ret) {
		mgmt_fail(ret, err, errlen, "cannot watch %s: %s",
			      mgmt_srv.sock_path, strerror(-ret));
		goto close_sock;
	}
	mgmt_srv.loop = loop;
	mgmt_srv.listen_fd = fd;
	log_info("mgmt: listening on %s", mgmt_srv.sock_path);
	return 0;

close_sock:
	close(fd);
	unlink(mgmt_srv.sock_path);
unlock:
	mgmt_lock_release();
	return ret;
}

void mgmt_server_stop(void)
{
	struct mgmt_client *c, *tmp;

	if (mgmt_srv.listen_fd < 0)
		return;
	list_for_each_entry_safe(c, tmp, &mgmt_srv.clients, node)
		mgmt_client_close(c);
	evloop_fd_del(mgmt_srv.loop, mgmt_srv.listen_fd);
	close(mgmt_srv.listen_fd);
	mgmt_srv.listen_fd = -1;
	unlink(mgmt_srv.sock_path);
	mgmt_lock_release();
	mgmt_srv.loop = NULL;
}
