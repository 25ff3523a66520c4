/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel transport's netlink socket (libnl-genl-3): one socket per
 * registration, used for both directions.
 *
 * Why one socket: the ABI lets only the socket that sent REGISTER send
 * responses, and the kernel sends events only to it, so requests and
 * events share it.  Requests are synchronous: the kernel handles a
 * generic netlink request inside our sendmsg(), so its answer is already
 * queued when the send returns and "waiting for the ack" never waits on
 * anything but the kernel's immediate answer (bounded by a timeout as a
 * safety net).  Hot-path responses go without an ack (knl_nl_send):
 * success is silent, a refusal arrives later as an NLMSG_ERROR event.
 * Events that arrive ahead of an ack are queued, in order, on @pending;
 * the owner drains that queue (knl_nl_pending_pop) before reading the
 * socket again, which keeps events in arrival order.
 *
 * The socket also joins nlctrl's "notify" group so that unloading the
 * scsi_tgt module (CTRL_CMD_DELFAMILY) is noticed: @gone becomes true.
 *
 * Not thread-safe: one thread (the transport's event loop) uses it.
 */
#ifndef TGT_KERNEL_KNL_NL_H
#define TGT_KERNEL_KNL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "util/list.h"

struct nl_sock;
struct nl_msg;

#define KNL_NL_RCVBUF		(4u << 20)	/* events in flight */
#define KNL_NL_ACK_TIMEOUT_MS	2000

struct knl_nl {
	struct nl_sock *sk;		/* NULL when closed */
	int fd;
	int family;			/* scsi_tgt's generic netlink id */
	bool gone;			/* the family was unregistered */
	uint64_t enobufs;		/* receive overflows seen */
	uint64_t dropped;		/* datagrams refused (sender, size) */
	struct list_head pending;	/* struct knl_nl_ev, oldest first */
	uint8_t *rxbuf;
	char ack_msg[128];		/* last error ack's extack text */
};

/* A queued event: one netlink message, copied. */
struct knl_nl_ev {
	struct list_head node;
	uint32_t len;
	_Alignas(8) uint8_t buf[];	/* struct nlmsghdr + payload */
};

/* Called with a non-ack answer to a request (e.g. REGISTER's reply). */
typedef void (*knl_nl_reply_fn)(const struct nlmsghdr *nlh, size_t len,
				void *arg);

/* An unopened socket (nl->sk NULL, empty queue). */
void knl_nl_init(struct knl_nl *nl);
/*
 * Connects, resolves SCSI_TGT_GENL_NAME and makes the socket
 * non-blocking.  Returns 0, -ENOENT (no such family: the scsi_tgt module
 * is not loaded), or -errno; on failure nothing stays open.
 */
int knl_nl_open(struct knl_nl *nl);
/* Closes the socket and frees queued events.  Safe when closed. */
void knl_nl_close(struct knl_nl *nl);

/*
 * Sends @msg (always consumed; NULL: -ENOMEM) and waits for its ack.
 * Returns the kernel's answer (0 or its -errno, with any extended-ack text in
 * nl->ack_msg), or a local failure: -ENOTCONN (closed), -ETIMEDOUT (no
 * ack in KNL_NL_ACK_TIMEOUT_MS), -ENOMEM, -EIO.  @reply (may be NULL)
 * gets family messages answering this request; other events are queued.
 */
int knl_nl_request(struct knl_nl *nl, struct nl_msg *msg,
		   knl_nl_reply_fn reply, void *arg);

/*
 * Sends @msg (always consumed; NULL: -ENOMEM) without asking for an ack
 * and returns at once: 0 (sent; *@seq is its sequence number), or a
 * local failure (-ENOTCONN, -ENOMEM, -EIO).  The kernel answers only a
 * refusal: an NLMSG_ERROR with *@seq, queued as an event (in order with
 * the others) for knl_nl_refusal().  A refusal can be lost only with the
 * receive queue overflowing, which the next read reports as -ENOBUFS.
 */
int knl_nl_send(struct knl_nl *nl, struct nl_msg *msg, uint32_t *seq);
/*
 * A queued NLMSG_ERROR event: returns the refused request's -errno, sets
 * *@seq to its sequence number and nl->ack_msg to its extended-ack text.
 */
int knl_nl_refusal(struct knl_nl *nl, const struct nlmsghdr *nlh,
		   uint32_t *seq);

/*
 * Reads one datagram without blocking and queues its events.  Returns 1
 * (read one), 0 (nothing to read), -ENOBUFS (the queue was full once:
 * scsi_tgt holds events back then, see doc/kernel-abi.md; the socket
 * stays usable) or another -errno (the socket is unusable).
 */
int knl_nl_read(struct knl_nl *nl);

/* Oldest queued event or NULL; the caller free()s it. */
struct knl_nl_ev *knl_nl_pending_pop(struct knl_nl *nl);
/* Queues a copy of @nlh (@len bytes); -ENOMEM.  Also used by tests. */
int knl_nl_pending_push(struct knl_nl *nl, const struct nlmsghdr *nlh,
			size_t len);

#endif
