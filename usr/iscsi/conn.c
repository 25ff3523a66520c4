// SPDX-License-Identifier: GPL-2.0-only
/*
 * iSCSI connection I/O: portals, the receive state machine and the send
 * queue (see conn.h for the contract).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "core/tgt.h"
#include "crc32c.h"
#include "util/log.h"
#include "util/util.h"

/* Receive states, in wire order (RFC 7143 11.1). */
enum iscsi_rx_state {
	ISCSI_RX_BHS = 0,
	ISCSI_RX_AHS,
	ISCSI_RX_HDIGEST,
	ISCSI_RX_DATA,		/* data segment, padding, data digest */
};

/* A part is read with one readv: data iovecs, padding, data digest. */
#define ISCSI_RX_PART_IOV	(ISCSI_RX_IOV_MAX + 2)

struct iscsi_conn {
	int fd;
	struct evloop *loop;
	const struct iscsi_conn_ops *ops;
	void *priv;
	bool closing;
	bool flushing;			/* in iscsi_conn_flush's loop */
	bool want_out;			/* EPOLLOUT armed */
	bool hdigest, ddigest;
	char peer[TGT_ADDR_MAX];
	char local[TGT_ADDR_MAX + 8];	/* "ADDR:PORT" */
	struct evloop_work work;	/* accept hand-off, then close */
	struct evloop_timer rx_timer;	/* armed while a PDU is partial */
	struct iscsi_conn_cfg cfg;
	struct iscsi_pdu_limits lim;
	struct iscsi_conn_stats stats;

	/* receive: one PDU at a time, each part into rx_iov */
	enum iscsi_rx_state rx_state;
	struct iovec rx_iov[ISCSI_RX_PART_IOV];	/* the current part */
	int rx_iovcnt;
	size_t rx_need;			/* bytes of the current part */
	size_t rx_off;			/* bytes of it read */
	bool rx_progress;		/* bytes read by this iscsi_conn_rx */
	bool rx_direct;			/* data into data_dest()'s iovecs */
	bool rx_dd;			/* this PDU has a data digest */
	int rx_verdict;			/* iscsi_bhs_parse() of this PDU */
	struct iscsi_pdu_hdr rx_hdr;
	uint8_t rx_bhs[ISCSI_BHS_LEN];
	uint8_t rx_ahs[ISCSI_AHS_MAX];
	uint8_t rx_hdigest[ISCSI_DIGEST_LEN];
	uint8_t rx_ddigest[ISCSI_DIGEST_LEN];
	uint8_t rx_pad[ISCSI_PAD];
	uint8_t *rx_data;		/* cfg.rx_buf_len bytes */

	struct list_head tx_queue;	/* struct iscsi_tx, FIFO */
};

static const uint8_t iscsi_zero_pad[ISCSI_PAD];

static void iscsi_conn_free_work(void *arg);

/* ---- send ---- */

/* The full iovec list of @tx: BHS, digest, data, pad, digest. */
static int iscsi_tx_iov(struct iscsi_tx *tx, struct iovec *iov)
{
	uint32_t pad = iscsi_pad_len(tx->data_len);
	int n = 0;

	iov[n++] = (struct iovec){ tx->bhs, ISCSI_BHS_LEN };
	if (tx->hd)
		iov[n++] = (struct iovec){ tx->hdigest, ISCSI_DIGEST_LEN };
	for (int i = 0; i < tx->data_iovcnt; i++)
		iov[n++] = tx->data_iov[i];
	if (pad)
		iov[n++] = (struct iovec){ (void *)iscsi_zero_pad, pad };
	if (tx->dd && tx->data_len)
		iov[n++] = (struct iovec){ tx->ddigest, ISCSI_DIGEST_LEN };
	return n;
}

/* Drops the first @skip bytes of @iov[0..n); returns the new start. */
static struct iovec *iscsi_iov_skip(struct iovec *iov, int *n, size_t skip)
{
	while (*n && skip >= iov->iov_len) {
		skip -= iov->iov_len;
		iov++;
		(*n)--;
	}
	if (*n && skip) {
		iov->iov_base = (uint8_t *)iov->iov_base + skip;
		iov->iov_len -= skip;
	}
	return iov;
}

static void iscsi_conn_want_out(struct iscsi_conn *c, bool on)
{
	if (c->want_out == on)
		return;
	c->want_out = on;
	evloop_fd_mod(c->loop, c->fd, EPOLLIN | (on ? EPOLLOUT : 0));
}

/* Writes one PDU as far as the socket takes it: 1 done, 0 would block,
 * -errno. */
static int iscsi_tx_write(struct iscsi_conn *c, struct iscsi_tx *tx)
{
	struct iovec all[ISCSI_TX_IOV_MAX + 5], *iov;
	int n = iscsi_tx_iov(tx, all);
	ssize_t w;

	struct msghdr msg = { 0 };

	iov = iscsi_iov_skip(all, &n, tx->off);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)n;
	/* writev() with MSG_NOSIGNAL: a peer gone must not SIGPIPE tgtd. */
	w = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	if (w < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
	tx->off += (size_t)w;
	return tx->off == tx->total;
}

/*
 * Writes queued PDUs until the queue is empty or the socket full.  A
 * done() callback may queue more (a window of Data-In refilled): they
 * are appended and written by this same loop, never by a nested flush,
 * so the stack stays flat however many PDUs a task sends.
 */
static int iscsi_conn_flush(struct iscsi_conn *c)
{
	int ret = 0;

	c->flushing = true;
	while (!list_empty(&c->tx_queue) && !c->closing) {
		struct iscsi_tx *tx = container_of(c->tx_queue.next,
						   struct iscsi_tx, node);

		ret = iscsi_tx_write(c, tx);
		if (ret <= 0)
			break;
		ret = 0;
		list_del(&tx->node);
		c->stats.tx_pdus++;
		if (tx->done)
			tx->done(tx, true);
	}
	c->flushing = false;
	if (ret < 0 || c->closing)
		return ret;
	iscsi_conn_want_out(c, !list_empty(&c->tx_queue));
	return 0;
}

int iscsi_conn_send(struct iscsi_conn *c, struct iscsi_tx *tx)
{
	bool idle = list_empty(&c->tx_queue);
	int ret;

	if (c->closing)
		return -ENOTCONN;
	if (tx->data_iovcnt < 0 || tx->data_iovcnt > ISCSI_TX_IOV_MAX)
		return -EINVAL;
	tx->hd = c->hdigest;
	tx->dd = c->ddigest;
	tx->off = 0;
	tx->total = ISCSI_BHS_LEN + iscsi_padded_len(tx->data_len) +
		    (tx->hd ? ISCSI_DIGEST_LEN : 0) +
		    (tx->dd && tx->data_len ? ISCSI_DIGEST_LEN : 0);
	if (tx->hd)
		crc32c_put_digest(tx->hdigest,
				  iscsi_hdr_digest(tx->bhs, NULL, 0));
	if (tx->dd && tx->data_len)
		crc32c_put_digest(tx->ddigest,
				  iscsi_data_digest(tx->data_iov,
						    tx->data_iovcnt,
						    tx->data_len));
	list_add_tail(&tx->node, &c->tx_queue);
	/* Behind others, EPOLLOUT is armed (keep the order); inside the
	 * send loop, it writes this one too. */
	if (!idle || c->flushing)
		return 0;
	ret = iscsi_conn_flush(c);
	if (ret < 0)
		iscsi_conn_close(c);
	return 0;
}

struct iscsi_reject_tx {
	struct iscsi_tx tx;
	uint8_t rejected[ISCSI_BHS_LEN];
};

static void iscsi_reject_tx_done(struct iscsi_tx *tx, bool sent)
{
	free(container_of(tx, struct iscsi_reject_tx, tx));
}

int iscsi_conn_send_reject(struct iscsi_conn *c, uint8_t reason,
			   const uint8_t bhs[ISCSI_BHS_LEN], uint32_t statsn,
			   uint32_t exp_cmdsn, uint32_t max_cmdsn)
{
	struct iscsi_reject_tx *r = calloc(1, sizeof(*r));
	struct iscsi_pdu_hdr h;
	int ret;

	if (!r)
		return -ENOMEM;
	iscsi_pdu_hdr_init(&h, ISCSI_OP_REJECT, ISCSI_RSVD_TAG);
	h.data_len = ISCSI_BHS_LEN;
	h.reject.reason = reason;
	h.reject.statsn = statsn;
	h.reject.exp_cmdsn = exp_cmdsn;
	h.reject.max_cmdsn = max_cmdsn;
	iscsi_bhs_build(&h, r->tx.bhs);
	memcpy(r->rejected, bhs, ISCSI_BHS_LEN);
	r->tx.data_iov[0] = (struct iovec){ r->rejected, ISCSI_BHS_LEN };
	r->tx.data_iovcnt = 1;
	r->tx.data_len = ISCSI_BHS_LEN;
	r->tx.done = iscsi_reject_tx_done;
	ret = iscsi_conn_send(c, &r->tx);
	if (ret)
		free(r);
	return ret;
}

/* ---- receive ---- */

/* Reads into rx_iov until rx_need bytes are there: 1 complete, 0 would
 * block, -errno (-ECONNRESET at end of stream). */
static int iscsi_rx_fill(struct iscsi_conn *c)
{
	while (c->rx_off < c->rx_need) {
		struct iovec v[ISCSI_RX_PART_IOV], *iov;
		int n = c->rx_iovcnt;
		ssize_t r;

		memcpy(v, c->rx_iov, sizeof(v[0]) * (size_t)n);
		iov = iscsi_iov_skip(v, &n, c->rx_off);
		r = readv(c->fd, iov, n);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0)
			return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
		c->rx_off += (size_t)r;
		c->rx_progress = true;
	}
	return 1;
}

/* The state after @s for the PDU in rx_hdr; ISCSI_RX_BHS means "done". */
static enum iscsi_rx_state iscsi_rx_next(const struct iscsi_conn *c,
					 enum iscsi_rx_state s)
{
	const struct iscsi_pdu_hdr *h = &c->rx_hdr;

	switch (s) {
	case ISCSI_RX_BHS:
		if (h->ahs_len)
			return ISCSI_RX_AHS;
		/* fall through */
	case ISCSI_RX_AHS:
		if (c->hdigest)
			return ISCSI_RX_HDIGEST;
		/* fall through */
	case ISCSI_RX_HDIGEST:
		if (h->data_len)
			return ISCSI_RX_DATA;
		return ISCSI_RX_BHS;
	default:
		return ISCSI_RX_BHS;
	}
}

/* A whole PDU is in: deliver it or have it rejected. */
static int iscsi_rx_deliver(struct iscsi_conn *c)
{
	if (c->rx_verdict) {
		c->stats.rx_rejects++;
		return c->ops->pdu_reject(c, (uint8_t)c->rx_verdict, c->rx_bhs);
	}
	c->stats.rx_pdus++;
	return c->ops->pdu_rx(c, &c->rx_hdr, c->rx_ahs,
			      c->rx_direct ? NULL : c->rx_data);
}

/* CRC32C over the data wherever it landed and the padding as received
 * (11.1): every iovec of the part but the digest itself. */
static bool iscsi_rx_ddigest_ok(const struct iscsi_conn *c)
{
	uint32_t s = crc32c_init();

	for (int i = 0; i < c->rx_iovcnt - 1; i++)
		s = crc32c_update(s, c->rx_iov[i].iov_base,
				  c->rx_iov[i].iov_len);
	return iscsi_digest_ok(crc32c_final(s), c->rx_ddigest);
}

/* Checks the part just read; 0 to go on, -errno to close. */
static int iscsi_rx_part_done(struct iscsi_conn *c)
{
	uint32_t crc;

	switch (c->rx_state) {
	case ISCSI_RX_BHS:
		c->rx_verdict = iscsi_bhs_parse(c->rx_bhs, &c->rx_hdr, &c->lim);
		/* Lengths we will not read: the stream cannot be resynced
		 * (13.12); the initiator broke the negotiation. */
		return c->rx_verdict < 0 ? c->rx_verdict : 0;
	case ISCSI_RX_HDIGEST:
		crc = iscsi_hdr_digest(c->rx_bhs, c->rx_ahs, c->rx_hdr.ahs_len);
		/* A bad header digest makes every length suspect: at ERL 0
		 * the connection is dropped (7.8). */
		return iscsi_digest_ok(crc, c->rx_hdigest) ? 0 : -EBADMSG;
	case ISCSI_RX_DATA:
		/* Data digest errors are answered with a Reject (7.8). */
		if (c->rx_dd && !iscsi_rx_ddigest_ok(c) && !c->rx_verdict)
			c->rx_verdict = ISCSI_REJECT_DATA_DIGEST;
		return 0;
	default:
		return 0;
	}
}

/* data_dest()'s answer must cover the data segment exactly. */
static bool iscsi_rx_iov_ok(const struct iovec *iov, int n, uint32_t len)
{
	uint64_t sum = 0;

	if (n < 1 || n > ISCSI_RX_IOV_MAX)
		return false;
	for (int i = 0; i < n; i++) {
		if (!iov[i].iov_base && iov[i].iov_len)
			return false;
		sum += iov[i].iov_len;
	}
	return sum == len;
}

/*
 * Where the data segment goes (data_dest's iovecs or the connection's
 * buffer), then the padding into a scratch and the data digest: one
 * part, so a PDU's data costs one readv when the socket holds it all.
 */
static int iscsi_rx_data_setup(struct iscsi_conn *c)
{
	const struct iscsi_pdu_hdr *h = &c->rx_hdr;
	uint32_t pad = iscsi_pad_len(h->data_len);
	int n = ISCSI_RX_IOV_MAX, ret = 0;

	if (!c->rx_verdict && c->ops->data_dest)
		ret = c->ops->data_dest(c, h, c->rx_ahs, c->rx_iov, &n);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		if (!iscsi_rx_iov_ok(c->rx_iov, n, h->data_len))
			return -EINVAL;
		c->rx_direct = true;
		c->stats.rx_direct++;
	} else {
		c->rx_iov[0] = (struct iovec){ c->rx_data, h->data_len };
		n = 1;
	}
	if (pad)
		c->rx_iov[n++] = (struct iovec){ c->rx_pad, pad };
	c->rx_dd = c->ddigest;
	if (c->rx_dd)
		c->rx_iov[n++] = (struct iovec){ c->rx_ddigest,
						 ISCSI_DIGEST_LEN };
	c->rx_iovcnt = n;
	c->rx_need = h->data_len + pad + (c->rx_dd ? ISCSI_DIGEST_LEN : 0);
	return 0;
}

/* One buffer for the part. */
static void iscsi_rx_one(struct iscsi_conn *c, void *buf, size_t len)
{
	c->rx_iov[0] = (struct iovec){ buf, len };
	c->rx_iovcnt = 1;
	c->rx_need = len;
}

/* Moves to state @s: where its bytes go.  0, or -errno to close. */
static int iscsi_rx_enter(struct iscsi_conn *c, enum iscsi_rx_state s)
{
	c->rx_state = s;
	c->rx_off = 0;
	switch (s) {
	case ISCSI_RX_BHS:
		c->rx_direct = false;
		iscsi_rx_one(c, c->rx_bhs, ISCSI_BHS_LEN);
		return 0;
	case ISCSI_RX_AHS:
		iscsi_rx_one(c, c->rx_ahs, c->rx_hdr.ahs_len);
		return 0;
	case ISCSI_RX_HDIGEST:
		iscsi_rx_one(c, c->rx_hdigest, ISCSI_DIGEST_LEN);
		return 0;
	default:
		return iscsi_rx_data_setup(c);
	}
}

static int iscsi_rx_step(struct iscsi_conn *c)
{
	enum iscsi_rx_state next;
	int ret = iscsi_rx_fill(c);

	if (ret <= 0)
		return ret;
	ret = iscsi_rx_part_done(c);
	if (ret)
		return ret;
	next = iscsi_rx_next(c, c->rx_state);
	if (next == ISCSI_RX_BHS) {
		ret = iscsi_rx_deliver(c);
		if (ret)
			return ret;
	}
	ret = iscsi_rx_enter(c, next);
	return ret ? ret : 1;
}

/* Between two PDUs: nothing of the next one read yet. */
static bool iscsi_rx_idle(const struct iscsi_conn *c)
{
	return c->rx_state == ISCSI_RX_BHS && c->rx_off == 0;
}

/* Fires when a partial PDU saw no byte for cfg.rx_timeout_ms. */
static void iscsi_conn_rx_timeout(void *arg)
{
	struct iscsi_conn *c = arg;

	log_info("iscsi: %s: closing: no data for %u ms in the middle of a "
		 "PDU", c->peer, c->cfg.rx_timeout_ms);
	iscsi_conn_close(c);
}

/* The stall timer runs only while a PDU is partial, from its last byte. */
static void iscsi_rx_timer_update(struct iscsi_conn *c)
{
	if (iscsi_rx_idle(c))
		evloop_timer_cancel(&c->rx_timer);
	else if (c->rx_progress || !evloop_timer_armed(&c->rx_timer))
		evloop_timer_arm(c->loop, &c->rx_timer, c->cfg.rx_timeout_ms);
}

static void iscsi_conn_rx(struct iscsi_conn *c)
{
	int ret;

	c->rx_progress = false;
	do {
		ret = iscsi_rx_step(c);
	} while (ret > 0 && !c->closing);
	if (ret == 0 && !c->closing)
		iscsi_rx_timer_update(c);
	if (ret < 0 && !c->closing) {
		if (ret != -ECONNRESET)
			log_info("iscsi: %s: closing: %s", c->peer,
				 strerror(-ret));
		iscsi_conn_close(c);
	}
}

static void iscsi_conn_io(int fd, uint32_t events, void *arg)
{
	struct iscsi_conn *c = arg;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		iscsi_conn_rx(c);
	if (!c->closing && (events & EPOLLOUT) && iscsi_conn_flush(c) < 0)
		iscsi_conn_close(c);
}

/* ---- life cycle ---- */

static void iscsi_conn_peer_fill(struct iscsi_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	const void *a = NULL;
	int af = AF_INET;

	util_strscpy(c->peer, "?", sizeof(c->peer));
	if (getpeername(c->fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		a = &((struct sockaddr_in *)&ss)->sin_addr;
	} else if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a6 =
			&((struct sockaddr_in6 *)&ss)->sin6_addr;

		/* ACLs match IPv4-mapped peers against IPv4 rules. */
		af = IN6_IS_ADDR_V4MAPPED(a6) ? AF_INET : AF_INET6;
		a = af == AF_INET ? (const void *)&a6->s6_addr[12] : a6;
	}
	if (a)
		inet_ntop(af, a, c->peer, sizeof(c->peer));
}

static void iscsi_conn_local_fill(struct iscsi_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	uint16_t port = 0;
	bool v6 = false;

	if (getsockname(c->fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *sin = (void *)&ss;

			inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
			port = ntohs(sin->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (void *)&ss;
			const struct in6_addr *a6 = &s6->sin6_addr;

			v6 = !IN6_IS_ADDR_V4MAPPED(a6);
			inet_ntop(v6 ? AF_INET6 : AF_INET,
				  v6 ? (const void *)a6 : &a6->s6_addr[12],
				  host, sizeof(host));
			port = ntohs(s6->sin6_port);
		}
	}
	snprintf(c->local, sizeof(c->local), v6 ? "[%s]:%u" : "%s:%u", host,
		 port);
}

int iscsi_conn_create(int fd, struct evloop *loop,
		      const struct iscsi_conn_ops *ops,
		      const struct iscsi_conn_cfg *cfg, void *priv,
		      struct iscsi_conn **out)
{
	struct iscsi_conn *c = NULL;
	int ret = -EINVAL;

	/* A zero limit would let iscsi_bhs_parse() accept any length. */
	if (!cfg->rx_buf_len || !cfg->max_recv_dsl ||
	    cfg->rx_buf_len > ISCSI_BHS_DSL_MAX)
		goto close_fd;
	ret = -ENOMEM;
	c = calloc(1, sizeof(*c));
	if (!c)
		goto close_fd;
	c->rx_data = malloc(cfg->rx_buf_len);
	if (!c->rx_data)
		goto free_conn;
	c->fd = fd;
	c->loop = loop;
	c->ops = ops;
	c->priv = priv;
	c->cfg = *cfg;
	if (!c->cfg.rx_timeout_ms)
		c->cfg.rx_timeout_ms = ISCSI_RX_TIMEOUT_MS;
	evloop_timer_init(&c->rx_timer, iscsi_conn_rx_timeout, c);
	iscsi_rx_enter(c, ISCSI_RX_BHS);
	c->lim.max_data_len = MIN(cfg->max_recv_dsl, cfg->rx_buf_len);
	list_init(&c->tx_queue);
	iscsi_conn_peer_fill(c);
	iscsi_conn_local_fill(c);
	ret = evloop_fd_add(loop, fd, EPOLLIN, iscsi_conn_io, c);
	if (ret)
		goto free_data;
	*out = c;
	return 0;
free_data:
	free(c->rx_data);
free_conn:
	free(c);
close_fd:
	close(fd);
	return ret;
}

static void iscsi_conn_free_work(void *arg)
{
	struct iscsi_conn *c = arg;

	if (c->ops->closed)
		c->ops->closed(c);
	free(c->rx_data);
	free(c);
}

void iscsi_conn_close(struct iscsi_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	evloop_timer_cancel(&c->rx_timer);
	evloop_fd_del(c->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	while (!list_empty(&c->tx_queue)) {
		struct iscsi_tx *tx = container_of(c->tx_queue.next,
						   struct iscsi_tx, node);

		list_del(&tx->node);
		if (tx->done)
			tx->done(tx, false);
	}
	/* Callers may be deep in a callback that still uses @c. */
	evloop_work_init(&c->work, iscsi_conn_free_work, c);
	evloop_post(c->loop, &c->work);
}

void *iscsi_conn_priv(const struct iscsi_conn *c)
{
	return c->priv;
}

void iscsi_conn_set_priv(struct iscsi_conn *c, void *priv)
{
	c->priv = priv;
}

struct evloop *iscsi_conn_loop(const struct iscsi_conn *c)
{
	return c->loop;
}

const char *iscsi_conn_peer(const struct iscsi_conn *c)
{
	return c->peer;
}

const char *iscsi_conn_local(const struct iscsi_conn *c)
{
	return c->local;
}

void iscsi_conn_set_digests(struct iscsi_conn *c, bool header, bool data)
{
	c->hdigest = header;
	c->ddigest = data;
}

int iscsi_conn_set_max_recv(struct iscsi_conn *c, uint32_t len)
{
	if (!len || len > c->cfg.rx_buf_len)
		return -EINVAL;
	c->lim.max_data_len = len;
	return 0;
}

void iscsi_conn_stats(const struct iscsi_conn *c, struct iscsi_conn_stats *s)
{
	*s = c->stats;
}

/* ---- portals ---- */

struct iscsi_portal {
	struct list_head node;
	int fd;
	struct sockaddr_storage ss;	/* duplicates are by address */
	socklen_t len;
	struct evloop *loop;		/* where it listens */
	const struct iscsi_conn_ops *ops;
	struct iscsi_conn_cfg cfg;
	char name[TGT_ADDR_MAX + 8];
	struct evloop_work work;
};

/* A socket on its way from the listener to its loop. */
struct iscsi_accepted {
	struct evloop_work work;
	struct evloop *loop;
	/* copies: the portal may be deleted before the work runs */
	const struct iscsi_conn_ops *ops;
	struct iscsi_conn_cfg cfg;
	char name[TGT_ADDR_MAX + 8];
	int fd;
};

static struct list_head iscsi_portals = LIST_HEAD_INIT(iscsi_portals);

static int iscsi_port_parse(const char *s, uint16_t *port)
{
	uint32_t v;

	if (!*s) {
		*port = ISCSI_PORT_DEFAULT;
		return 0;
	}
	if (*s != ':' || util_parse_u32_range(s + 1, 1, 65535, &v))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int iscsi_portal_parse6(const char *s, struct sockaddr_storage *ss,
			       socklen_t *len)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	const char *end = strchr(s, ']');
	char host[INET6_ADDRSTRLEN];
	uint16_t port;

	if (!end || (size_t)(end - s - 1) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s + 1, (size_t)(end - s - 1));
	host[end - s - 1] = '\0';
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1 ||
	    iscsi_port_parse(end + 1, &port))
		return -EINVAL;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	*len = sizeof(*sin6);
	return 0;
}

int iscsi_portal_parse(const char *s, struct sockaddr_storage *ss,
		       socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char host[INET_ADDRSTRLEN];
	const char *colon;
	size_t hl;
	uint16_t port;

	memset(ss, 0, sizeof(*ss));
	if (!s || !*s)
		return -EINVAL;
	if (*s == '[')
		return iscsi_portal_parse6(s, ss, len);
	colon = strchr(s, ':');
	hl = colon ? (size_t)(colon - s) : strlen(s);
	if (hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1 ||
	    iscsi_port_parse(s + hl, &port))
		return -EINVAL;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	*len = sizeof(*sin);
	return 0;
}

static void iscsi_accepted_work(void *arg)
{
	struct iscsi_accepted *a = arg;
	struct iscsi_conn *c;

	if (iscsi_conn_create(a->fd, a->loop, a->ops, &a->cfg, NULL, &c) == 0)
		log_debug("iscsi: connection from %s on %s", c->peer, a->name);
	free(a);
}

static void iscsi_portal_accept(int fd, uint32_t events, void *arg)
{
	struct iscsi_portal *p = arg;
	int one = 1;

	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct iscsi_accepted *a;

		if (cfd < 0)
			return;		/* EAGAIN, or a transient error */
		/* PDUs are latency-bound request/response traffic. */
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		a = calloc(1, sizeof(*a));
		if (!a) {
			close(cfd);
			continue;
		}
		a->fd = cfd;
		a->ops = p->ops;
		a->cfg = p->cfg;
		memcpy(a->name, p->name, sizeof(a->name));
		a->loop = tgt_loop_next();
		evloop_work_init(&a->work, iscsi_accepted_work, a);
		evloop_post(a->loop, &a->work);
	}
}

static int iscsi_portal_listen(const struct sockaddr_storage *ss,
			       socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
			SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* "[::]" serves IPv6 only; "0.0.0.0" serves IPv4. */
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void iscsi_portal_start_work(void *arg)
{
	struct iscsi_portal *p = arg;

	if (evloop_fd_add(p->loop, p->fd, EPOLLIN, iscsi_portal_accept, p))
		log_err("iscsi: portal %s: cannot poll", p->name);
}

/* "1.2.3.4" and "1.2.3.4:3260" are the same portal: compare addresses. */
static struct iscsi_portal *iscsi_portal_find(const struct sockaddr_storage *ss,
					      socklen_t len)
{
	struct iscsi_portal *p;

	list_for_each_entry(p, &iscsi_portals, node) {
		if (p->len == len && memcmp(&p->ss, ss, len) == 0)
			return p;
	}
	return NULL;
}

int iscsi_portal_add(const char *addr_port, const struct iscsi_conn_ops *ops,
		     const struct iscsi_conn_cfg *cfg)
{
	struct sockaddr_storage ss;
	struct iscsi_portal *p;
	socklen_t len;
	int fd;

	if (iscsi_portal_parse(addr_port, &ss, &len))
		return -EINVAL;
	if (iscsi_portal_find(&ss, len))
		return -EEXIST;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	fd = iscsi_portal_listen(&ss, len);
	if (fd < 0) {
		free(p);
		return fd;
	}
	p->fd = fd;
	p->ss = ss;
	p->len = len;
	p->loop = tgt_loop_get(0);
	p->ops = ops;
	p->cfg = *cfg;
	util_strscpy(p->name, addr_port, sizeof(p->name));
	list_add_tail(&p->node, &iscsi_portals);
	/* fd calls belong on the loop's thread (evloop.h). */
	evloop_work_init(&p->work, iscsi_portal_start_work, p);
	evloop_post(p->loop, &p->work);
	log_info("iscsi: listening on %s", p->name);
	return 0;
}

static void iscsi_portal_stop_work(void *arg)
{
	struct iscsi_portal *p = arg;

	evloop_fd_del(p->loop, p->fd);
	close(p->fd);
	free(p);
}

int iscsi_portal_del(const char *addr_port)
{
	struct sockaddr_storage ss;
	struct iscsi_portal *p;
	socklen_t len;

	if (iscsi_portal_parse(addr_port, &ss, &len))
		return -EINVAL;
	p = iscsi_portal_find(&ss, len);
	if (!p)
		return -ENOENT;
	list_del(&p->node);
	/* The listener's loop owns the fd: it unregisters and closes it
	 * (evloop.h), so a connect right after this may still be accepted
	 * until the work ran; established connections stay. */
	evloop_work_init(&p->work, iscsi_portal_stop_work, p);
	evloop_post(p->loop, &p->work);
	log_info("iscsi: no longer listening on %s", addr_port);
	return 0;
}

void iscsi_portal_for_each(void (*fn)(const char *name, void *arg),
			   void *arg)
{
	struct iscsi_portal *p;

	list_for_each_entry(p, &iscsi_portals, node)
		fn(p->name, arg);
}

void iscsi_portal_del_all(void)
{
	while (!list_empty(&iscsi_portals)) {
		struct iscsi_portal *p = container_of(iscsi_portals.next,
						      struct iscsi_portal,
						      node);

		list_del(&p->node);
		evloop_work_init(&p->work, iscsi_portal_stop_work, p);
		evloop_post(p->loop, &p->work);
	}
}
