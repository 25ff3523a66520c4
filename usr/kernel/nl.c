/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scsi_tgt netlink socket: libnl-genl-3 for connecting, resolving and
 * sending; receiving is done here with recvmsg() so that the sender can be
 * checked (only the kernel, port 0, is believed), acks can be told from
 * events while a request waits, and nothing blocks the event loop.
 */
#include "knl_nl.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "scsi_tgt_nl.h"
#include "util/log.h"
#include "util/util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define KNL_NL_RXLEN	(64u << 10)	/* largest datagram we accept */

/* A request waiting for its ack. */
struct knl_nl_wait {
	uint32_t seq;
	bool acked;
	int err;
	knl_nl_reply_fn reply;
	void *arg;
};

/* libnl's NLE_* -> -errno, for the few that mean something to callers. */
static int knl_nl_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BAD_SOCK:
		return -ENOTCONN;
	default:
		return -EIO;
	}
}

void knl_nl_init(struct knl_nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->fd = -1;
	list_init(&nl->pending);
}

/* Best effort: a failure only costs the ability to notice rmmod early. */
static void knl_nl_notify_join(struct knl_nl *nl)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, "nlctrl", "notify");

	if (grp < 0 || nl_socket_add_membership(nl->sk, grp) < 0)
		log_warn("kernel transport: cannot watch generic netlink "
			 "families (%s): module unloads are noticed late",
			 grp < 0 ? nl_geterror(grp) : "join failed");
}

/*
 * A deep receive queue: the kernel holds events back rather than drop
 * them, but a burst must not overflow us either.  SO_RCVBUFFORCE passes
 * rmem_max with CAP_NET_ADMIN, which tgtd needs for scsi_tgt anyway.
 */
static void knl_nl_tune(struct knl_nl *nl)
{
	int size = (int)KNL_NL_RCVBUF, one = 1;

	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0 &&
	    nl_socket_set_buffer_size(nl->sk, size, 0) < 0)
		log_warn("kernel transport: cannot size the netlink receive "
			 "buffer to %d bytes", size);
	/* Error acks: text from the kernel, without our request echoed. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

int knl_nl_open(struct knl_nl *nl)
{
	int ret;

	knl_nl_init(nl);
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	nl->rxbuf = malloc(KNL_NL_RXLEN);
	if (!nl->rxbuf) {
		ret = -ENOMEM;
		goto free_sock;
	}
	ret = genl_connect(nl->sk);
	if (ret >= 0)
		ret = genl_ctrl_resolve(nl->sk, SCSI_TGT_GENL_NAME);
	if (ret < 0) {
		log_debug("kernel transport: %s: %s", SCSI_TGT_GENL_NAME,
			  nl_geterror(ret));
		ret = knl_nl_errno(ret);
		goto free_buf;
	}
	nl->family = ret;
	nl->fd = nl_socket_get_fd(nl->sk);
	knl_nl_notify_join(nl);
	knl_nl_tune(nl);
	ret = nl_socket_set_nonblocking(nl->sk);
	if (ret < 0) {
		ret = knl_nl_errno(ret);
		goto free_buf;
	}
	return 0;

free_buf:
	free(nl->rxbuf);
free_sock:
	nl_socket_free(nl->sk);		/* closes the fd */
	knl_nl_init(nl);
	return ret;
}

void knl_nl_close(struct knl_nl *nl)
{
	struct knl_nl_ev *ev;

	while ((ev = knl_nl_pending_pop(nl)))
		free(ev);
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl->rxbuf);
	knl_nl_init(nl);
}

int knl_nl_pending_push(struct knl_nl *nl, const struct nlmsghdr *nlh,
			size_t len)
{
	struct knl_nl_ev *ev = malloc(sizeof(*ev) + len);

	if (!ev)
		return -ENOMEM;
	ev->len = (uint32_t)len;
	memcpy(ev->buf, nlh, len);
	list_add_tail(&ev->node, &nl->pending);
	return 0;
}

struct knl_nl_ev *knl_nl_pending_pop(struct knl_nl *nl)
{
	struct knl_nl_ev *ev;

	if (list_empty(&nl->pending))
		return NULL;
	ev = list_first_entry(&nl->pending, struct knl_nl_ev, node);
	list_del(&ev->node);
	return ev;
}

/* Keeps the text of an extended ack (NLMSGERR_ATTR_MSG), if any. */
static void knl_nl_extack(struct knl_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t datalen = nlh->nlmsg_len - NLMSG_HDRLEN, off = sizeof(*e);
	const struct nlattr *nla;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	off = NLMSG_ALIGN(off);
	if (off >= datalen)
		return;
	nla_for_each_attr(nla, (const struct nlattr *)
			  ((const uint8_t *)e + off), (int)(datalen - off),
			  rem) {
		if (nla_type(nla) == NLMSGERR_ATTR_MSG && nla_len(nla) > 0) {
			size_t n = MIN((size_t)nla_len(nla),
				       sizeof(nl->ack_msg) - 1);

			memcpy(nl->ack_msg, nla_data(nla), n);
			nl->ack_msg[n] = '\0';	/* the text may lack one */
		}
	}
}

static int knl_nl_ack_errno(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return 0;		/* malformed: treat as no news */
	return e->error > 0 ? -e->error : e->error;
}

/*
 * An ack nobody waits for is either stale (its request timed out) or the
 * refusal of a request sent without NLM_F_ACK (knl_nl_send): the latter
 * is queued, in order with the events, for the owner to match by seq.
 */
static void knl_nl_ack(struct knl_nl *nl, const struct nlmsghdr *nlh,
		       struct knl_nl_wait *w)
{
	int err = knl_nl_ack_errno(nlh);

	if (!w || nlh->nlmsg_seq != w->seq ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		if (err && knl_nl_pending_push(nl, nlh, nlh->nlmsg_len))
			log_err("kernel transport: out of memory: refusal "
				"of request %u lost", nlh->nlmsg_seq);
		return;
	}
	w->acked = true;
	w->err = err;
	nl->ack_msg[0] = '\0';
	if (w->err)
		knl_nl_extack(nl, nlh);
}

int knl_nl_refusal(struct knl_nl *nl, const struct nlmsghdr *nlh,
		   uint32_t *seq)
{
	*seq = nlh->nlmsg_seq;
	nl->ack_msg[0] = '\0';
	knl_nl_extack(nl, nlh);
	return knl_nl_ack_errno(nlh);
}

/* nlctrl notification: is it our family going away? */
static void knl_nl_ctrl(struct knl_nl *nl, const struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct genlmsghdr *g;
	struct nlattr *id;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	g = nlmsg_data(nlh);
	if (g->cmd != CTRL_CMD_DELFAMILY ||
	    nla_parse(tb, CTRL_ATTR_MAX, genlmsg_attrdata(g, 0),
		      genlmsg_attrlen(g, 0), NULL) < 0)
		return;
	id = tb[CTRL_ATTR_FAMILY_ID];
	if (id && nla_len(id) == 2 && nla_get_u16(id) == nl->family)
		nl->gone = true;
}

static void knl_nl_msg_one(struct knl_nl *nl, const struct nlmsghdr *nlh,
			   struct knl_nl_wait *w)
{
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		knl_nl_ack(nl, nlh, w);
	} else if (nlh->nlmsg_type == GENL_ID_CTRL) {
		knl_nl_ctrl(nl, nlh);
	} else if (nlh->nlmsg_type != nl->family) {
		return;			/* NOOP, DONE, strays */
	} else if (w && w->reply && nlh->nlmsg_seq == w->seq) {
		w->reply(nlh, nlh->nlmsg_len, w->arg);
	} else if (knl_nl_pending_push(nl, nlh, nlh->nlmsg_len)) {
		log_err("kernel transport: out of memory: %u-byte event "
			"lost", nlh->nlmsg_len);
	}
}

/* Logs refused datagrams at 1, 2, 4, 8... so a flood cannot flood logs. */
static void knl_nl_drop(struct knl_nl *nl, const char *why, uint32_t pid)
{
	nl->dropped++;
	if ((nl->dropped & (nl->dropped - 1)) == 0)
		log_warn("kernel transport: datagram dropped (%s, port %u); "
			 "%llu so far", why, pid,
			 (unsigned long long)nl->dropped);
}

static int knl_nl_recv(struct knl_nl *nl, struct knl_nl_wait *w)
{
	struct sockaddr_nl sa = { 0 };
	struct iovec iov = { nl->rxbuf, KNL_NL_RXLEN };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	struct nlmsghdr *nlh;
	ssize_t n;
	int rem;

	do {
		n = recvmsg(nl->fd, &mh, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == ENOBUFS)
			nl->enobufs++;
		return -errno;
	}
	if (sa.nl_pid != 0) {
		knl_nl_drop(nl, "not from the kernel", sa.nl_pid);
		return 1;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		knl_nl_drop(nl, "oversized", 0);
		return 1;
	}
	rem = (int)n;
	for (nlh = (void *)nl->rxbuf; nlmsg_ok(nlh, rem);
	     nlh = nlmsg_next(nlh, &rem))
		knl_nl_msg_one(nl, nlh, w);
	return 1;
}

int knl_nl_read(struct knl_nl *nl)
{
	if (!nl->sk)
		return -ENOTCONN;
	return knl_nl_recv(nl, NULL);
}

/* Waits for readability until @deadline_ns; -ETIMEDOUT past it. */
static int knl_nl_poll(struct knl_nl *nl, uint64_t deadline_ns)
{
	struct pollfd p = { .fd = nl->fd, .events = POLLIN };
	uint64_t now = util_now_ns();

	if (now >= deadline_ns)
		return -ETIMEDOUT;
	if (poll(&p, 1, (int)((deadline_ns - now + 999999) / 1000000)) < 0 &&
	    errno != EINTR)
		return -errno;
	return 0;
}

static int knl_nl_wait_ack(struct knl_nl *nl, struct knl_nl_wait *w)
{
	uint64_t deadline = util_now_ns() +
			    (uint64_t)KNL_NL_ACK_TIMEOUT_MS * 1000000u;
	int ret;

	for (;;) {
		ret = knl_nl_recv(nl, w);
		if (w->acked)
			return w->err;
		/* An overflow may have eaten the ack: the timeout says so. */
		if (ret < 0 && ret != -ENOBUFS)
			return ret;
		if (ret == 0)
			ret = knl_nl_poll(nl, deadline);
		else if (util_now_ns() >= deadline)
			ret = -ETIMEDOUT;	/* bounded even under a flood */
		if (ret < 0 && ret != -ENOBUFS)
			return ret;
	}
}

int knl_nl_request(struct knl_nl *nl, struct nl_msg *msg,
		   knl_nl_reply_fn reply, void *arg)
{
	struct knl_nl_wait w = { .reply = reply, .arg = arg };
	int ret;

	if (!msg)
		return -ENOMEM;
	if (!nl->sk) {
		nlmsg_free(msg);
		return -ENOTCONN;
	}
	ret = nl_send_auto(nl->sk, msg);
	w.seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (ret < 0)
		return knl_nl_errno(ret);
	return knl_nl_wait_ack(nl, &w);
}

int knl_nl_send(struct knl_nl *nl, struct nl_msg *msg, uint32_t *seq)
{
	struct nlmsghdr *nlh;
	int ret;

	if (!msg)
		return -ENOMEM;
	if (!nl->sk) {
		nlmsg_free(msg);
		return -ENOTCONN;
	}
	nl_complete_msg(nl->sk, msg);
	nlh = nlmsg_hdr(msg);
	nlh->nlmsg_flags &= ~NLM_F_ACK;	/* only a refusal comes back */
	*seq = nlh->nlmsg_seq;
	ret = nl_send(nl->sk, msg);
	nlmsg_free(msg);
	return ret < 0 ? knl_nl_errno(ret) : 0;
}
