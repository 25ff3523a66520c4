/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iSCSI connections: portals (listening sockets), and per connection a
 * receive state machine (BHS -> AHS -> header digest -> data + padding ->
 * data digest, RFC 7143 11.1) and a send queue written with writev.  The
 * session layer (login, commands) sits on top through struct
 * iscsi_conn_ops; this layer knows PDU framing only.
 *
 * Threading (usr/core/tgt.h contract): a connection lives on one I/O loop
 * (chosen round robin by tgt_loop_next() at accept); every function on a
 * connection and every callback runs on that loop's thread.  Portals
 * listen on the first I/O loop and post accepted sockets to the chosen
 * loop.  Nothing blocks: sockets are non-blocking, partial reads and
 * writes resume on the next EPOLLIN/EPOLLOUT.
 *
 * Memory: the receive buffers (BHS, AHS, a data buffer of the largest
 * MaxRecvDataSegmentLength we declare) are allocated once per connection;
 * a PDU in steady state costs no allocation on receive.  The session
 * layer may have a PDU's data segment read straight into its own memory
 * (ops->data_dest: a command's buffer), so write data is never copied.
 * Send PDUs (struct iscsi_tx) are embedded by the caller in its own
 * objects and written with their data iovecs as given (no copy either).
 */
#ifndef TGT_ISCSI_CONN_H
#define TGT_ISCSI_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "core/evloop.h"
#include "pdu.h"
#include "util/list.h"

struct iscsi_conn;

#define ISCSI_TX_IOV_MAX	8	/* data iovecs of one send PDU */
#define ISCSI_RX_IOV_MAX	8	/* data_dest() iovecs of one PDU */
#define ISCSI_PORT_DEFAULT	3260	/* IANA iscsi-target port */

/*
 * One PDU to send: the caller fills bhs (iscsi_bhs_build) and data_iov,
 * then iscsi_conn_send().  Header/data digests and padding are added
 * here.  @done (may be NULL) runs once the PDU was written or dropped
 * (connection closing, @sent false); the data must stay valid until then.
 */
struct iscsi_tx {
	struct list_head node;
	uint8_t bhs[ISCSI_BHS_LEN];
	struct iovec data_iov[ISCSI_TX_IOV_MAX];
	int data_iovcnt;
	uint32_t data_len;		/* sum of data_iov, = DataSegmentLength */
	void (*done)(struct iscsi_tx *tx, bool sent);
	/* --- conn private --- */
	uint8_t hdigest[ISCSI_DIGEST_LEN];
	uint8_t ddigest[ISCSI_DIGEST_LEN];
	size_t off;			/* bytes already written */
	size_t total;
	bool hd, dd;			/* digests when it was queued */
};

struct iscsi_conn_ops {
	/*
	 * Optional.  Where the data segment of the PDU being received goes.
	 * Called once its BHS was parsed without a Reject reason, its AHS
	 * read and its header digest (if any) checked, before any data byte
	 * is read, for PDUs with h->data_len > 0 only.  Return:
	 *   1  read the data into @iov[0 .. *iovcnt) (*iovcnt comes in as
	 *      ISCSI_RX_IOV_MAX; set it to 1..ISCSI_RX_IOV_MAX): exactly
	 *      h->data_len bytes in all, else the connection is closed.  The
	 *      memory must stay valid until one of pdu_rx (then with @data
	 *      NULL), pdu_reject (a data digest error: the bytes landed but
	 *      the PDU is discarded) or closed (the PDU never finished) runs
	 *      for this PDU; exactly one does.
	 *   0  use the connection's buffer, as without this op;
	 *   -errno  close the connection.
	 * Padding and the data digest never go to @iov: the digest is
	 * checked over the data wherever it landed (and the padding as
	 * received).  Reads stay non-blocking: the data may arrive over many
	 * EPOLLIN events, and nothing else of this connection runs between
	 * data_dest and the PDU's outcome.
	 */
	int (*data_dest)(struct iscsi_conn *c, const struct iscsi_pdu_hdr *h,
			 const uint8_t *ahs, struct iovec *iov, int *iovcnt);
	/*
	 * A complete, checked PDU (iscsi_bhs_parse() returned 0, digests
	 * matched): @ahs holds h->ahs_len bytes, @data h->data_len bytes (the
	 * connection's buffer: valid until this returns), or NULL when
	 * data_dest placed them.  Return 0, or -errno to close the
	 * connection.
	 */
	int (*pdu_rx)(struct iscsi_conn *c, const struct iscsi_pdu_hdr *h,
		      const uint8_t *ahs, uint8_t *data);
	/*
	 * A well-framed PDU to answer with a Reject (RFC 7143 11.17):
	 * @reason from iscsi_bhs_parse(), or ISCSI_REJECT_DATA_DIGEST (7.8).
	 * Its data was discarded (or, after data_dest, landed and must be
	 * ignored).  The session layer owns StatSN, so it sends the Reject
	 * (iscsi_conn_send_reject).  Return as pdu_rx.
	 */
	int (*pdu_reject)(struct iscsi_conn *c, uint8_t reason,
			  const uint8_t bhs[ISCSI_BHS_LEN]);
	/* The connection is closing; after this returns it is freed once
	 * every queued iscsi_tx got its done(). */
	void (*closed)(struct iscsi_conn *c);
};

/*
 * A PDU begun but not finished, and no byte for this long: the peer is
 * stalled (or the stream is out of sync) and would hold the connection's
 * buffers, and at login a session slot, forever.  RFC 7143 leaves the
 * recovery of a broken connection to the implementation (7.1, 7.14); we
 * drop it.  Idle between PDUs is not a stall (NOP-In pings are another
 * matter).  10 s: far above any loopback or LAN round trip.
 */
#define ISCSI_RX_TIMEOUT_MS	10000

struct iscsi_conn_cfg {
	uint32_t rx_buf_len;		/* largest MaxRecvDataSegmentLength */
	uint32_t max_recv_dsl;		/* current limit (login: 8192) */
	uint32_t rx_timeout_ms;		/* mid-PDU stall; 0: ISCSI_RX_TIMEOUT_MS */
};

/*
 * Wraps connected socket @fd (non-blocking) on @loop: registers it and
 * starts receiving.  Call on @loop's thread (or before it runs).  Takes
 * @fd: closed on error too.  Returns 0, -EINVAL (a zero length in @cfg,
 * or rx_buf_len above 24 bits), -ENOMEM, or evloop_fd_add's error.
 */
int iscsi_conn_create(int fd, struct evloop *loop,
		      const struct iscsi_conn_ops *ops,
		      const struct iscsi_conn_cfg *cfg, void *priv,
		      struct iscsi_conn **out);
/* Closes the socket; queued sends are dropped; ops->closed() runs now
 * (not from inside a callback's caller frame: it is deferred by a post). */
void iscsi_conn_close(struct iscsi_conn *c);

void *iscsi_conn_priv(const struct iscsi_conn *c);
void iscsi_conn_set_priv(struct iscsi_conn *c, void *priv);
struct evloop *iscsi_conn_loop(const struct iscsi_conn *c);
/* Peer address in text form (IPv4-mapped IPv6 shown as IPv4). */
const char *iscsi_conn_peer(const struct iscsi_conn *c);

/*
 * Local (portal) address of the connection, "ADDR:PORT" or
 * "[V6ADDR]:PORT" (IPv4-mapped IPv6 shown as IPv4): what SendTargets
 * answers as TargetAddress (RFC 7143 13.8).
 */
const char *iscsi_conn_local(const struct iscsi_conn *c);

/* Digests take effect for the next PDU each way (after login). */
void iscsi_conn_set_digests(struct iscsi_conn *c, bool header, bool data);
/* MaxRecvDataSegmentLength we declared; -EINVAL above rx_buf_len. */
int iscsi_conn_set_max_recv(struct iscsi_conn *c, uint32_t len);

/*
 * Queues @tx; sends what the socket takes now.  -ENOTCONN if closing.
 * May run done() callbacks of earlier PDUs before it returns.  Called
 * from a done() callback it only queues (the running send loop writes
 * it), so refilling a window of PDUs from done() does not recurse.
 */
int iscsi_conn_send(struct iscsi_conn *c, struct iscsi_tx *tx);

/*
 * Sends a Reject carrying @bhs as its data segment (11.17.1), with the
 * session's sequence numbers.  Allocates (error path only).  0 or -errno.
 */
int iscsi_conn_send_reject(struct iscsi_conn *c, uint8_t reason,
			   const uint8_t bhs[ISCSI_BHS_LEN], uint32_t statsn,
			   uint32_t exp_cmdsn, uint32_t max_cmdsn);

/*
 * Counters, for show and tests: PDUs delivered, PDUs rejected (framing
 * fine, iscsi_bhs_parse gave a Reject reason, or a data digest error),
 * PDUs whose data went to data_dest()'s iovecs, and PDUs sent.
 */
struct iscsi_conn_stats {
	uint64_t rx_pdus, rx_rejects, rx_direct, tx_pdus;
};
void iscsi_conn_stats(const struct iscsi_conn *c, struct iscsi_conn_stats *s);

/* --- portals --- */

/*
 * Parses "ADDR", "ADDR:PORT", "[V6ADDR]" or "[V6ADDR]:PORT" (numeric
 * addresses only; no name resolution on a loop).  Port defaults to 3260.
 * Returns 0 or -EINVAL.
 */
int iscsi_portal_parse(const char *s, struct sockaddr_storage *ss,
		       socklen_t *len);

/*
 * Listens on @addr_port; accepted connections get @ops/@cfg and are
 * spread over tgt_loop_next().  Main thread (tgtd's management loop runs
 * there: tgtadm and tgtd.conf requests), after the I/O loops started.
 * Returns 0, -EINVAL (bad address), -EEXIST, or the socket's -errno.
 */
int iscsi_portal_add(const char *addr_port, const struct iscsi_conn_ops *ops,
		     const struct iscsi_conn_cfg *cfg);
/*
 * Stops listening on @addr_port (main thread = the management thread).
 * Returns 0, -EINVAL (bad address) or -ENOENT (no such portal).
 */
int iscsi_portal_del(const char *addr_port);
/* Calls @fn with each portal's name as added, in order (main thread). */
void iscsi_portal_for_each(void (*fn)(const char *name, void *arg),
			   void *arg);
/* Stops listening on every portal (main thread). */
void iscsi_portal_del_all(void);

#endif
