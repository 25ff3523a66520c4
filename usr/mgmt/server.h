/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tgtd's control socket: accepts tgtadm connections on the management
 * event loop, decodes one request per connection (include/tgt_mgmt.h),
 * runs it with mgmt_exec() and writes the response back.
 *
 * Files, in $TGT_RUNDIR (default /run/tgtd, created 0755 if missing):
 *   tgtd.<port>.sock  the UNIX stream socket, mode 0600;
 *   tgtd.<port>.lock  flock()ed for tgtd's lifetime and holding its pid:
 *                     a second tgtd on the same control port is refused,
 *                     and a stale socket (tgtd crashed) is replaced safely.
 * Only peers with uid 0 or tgtd's own euid (SO_PEERCRED) are served;
 * others get TGTADM_PERMISSION.  A client that stalls for more than
 * MGMT_CLIENT_TIMEOUT_MS is dropped.
 *
 * Threading: both functions run on the management loop's thread, or
 * before it runs / after it stopped.  Call mgmt_server_start() after any
 * daemonizing fork: the lock file records getpid().
 */
#ifndef TGT_MGMT_SERVER_H
#define TGT_MGMT_SERVER_H

#include <stddef.h>

struct evloop;

#define MGMT_CLIENT_TIMEOUT_MS	5000
#define MGMT_CLIENTS_MAX	64

/*
 * Creates the socket and registers it on @loop.  Returns 0, or -errno with
 * a message in @err: -EADDRINUSE "tgtd already running on control port N
 * (pid P)", -ENAMETOOLONG (socket path), or the failing syscall's error.
 */
int mgmt_server_start(struct evloop *loop, unsigned control_port, char *err,
		      size_t errlen);
/* Drops clients, closes and unlinks the socket, releases the lock. */
void mgmt_server_stop(void);

#endif
