/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tgtd.conf: the configuration file tgtd reads at start-up (tgtd -c FILE),
 * an INI file read with iniparser.  Its format is also what
 * "tgtadm --mode sys --op dump" prints, so a dump loaded again recreates
 * the configuration.  doc/tgtd.conf.5 is the user's reference.
 *
 * Sections (names and keys are case-insensitive, values keep their case):
 *   [global]                 iothreads, log_level
 *   [iscsi]                  portal (ADDR:PORT, [V6ADDR]:PORT, comma list),
 *                            rx_timeout_ms, nop_interval_ms,
 *                            nop_timeout_ms, logout_timeout_ms
 *   [discovery]              incoming_user, outgoing_user (tid 0)
 *   [account <user>]         password
 *   [target <tid>]           name (required), lld, state, initiator_address,
 *                            initiator_name, incoming_user, outgoing_user,
 *                            kernel_host
 *   [target <tid> lun <lun>] backing_store (required but for device_type
 *                            controller), bstype, bsoflags,
 *                            blocksize, device_type; any other key is a
 *                            device parameter (scsi_dev_param_set)
 *
 * Configuration is applied through the management requests tgtadm sends
 * (usr/mgmt/mgmt.h), so a config line and a tgtadm command do the same
 * thing and report the same errors.
 *
 * Errors: functions return 0 or -errno and write a one-line message into
 * @err (@errlen bytes, may be NULL/0) of the form
 *   "<file>:<line>: [<section>] <key>: <what is wrong>"
 * where "[<section>]" and "<key>" are left out when the problem is not
 * about one (a syntax error, a whole section).
 */
#ifndef TGT_CONF_CONF_H
#define TGT_CONF_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct mgmt_req;
struct strbuf;
struct conf;

/* Largest accepted "iothreads"; 0 means one I/O thread per core. */
#define CONF_IOTHREADS_MAX	64

/* The [global] section: each value counts only when its has_* is set. */
struct conf_global {
	unsigned iothreads;
	bool has_iothreads;
	int log_level;		/* enum log_level (usr/util/log.h) */
	bool has_log_level;
};

/*
 * Reads and validates @path: INI syntax, section names, known keys,
 * numbers and enumerations, required keys, duplicate sections, keys,
 * tids and target names, LU sections without their target section,
 * accounts used by a target but not defined.  Nothing is applied.
 *
 * Returns 0 and a new configuration in *@out (free with conf_free), or:
 *   -ENOENT, -EACCES, ...  the file cannot be read ("<file>: <strerror>")
 *   -EINVAL                 the file is wrong (message with file:line)
 *   -ENOMEM
 * Serialised internally (iniparser's error callback is process-wide);
 * callable from any thread.
 */
int conf_load(const char *path, struct conf **out, char *err, size_t errlen);

/* The [global] values of @c; valid until conf_free(@c). */
const struct conf_global *conf_global_get(const struct conf *c);

/*
 * Executes one request; returns a TGTADM_* code and, on failure, may
 * append a message (naming the offending field) to @out.  tgtd passes a
 * wrapper around mgmt_exec(); tests pass a recorder.  @req and its
 * strings are valid only during the call.
 */
typedef int (*conf_exec_fn)(const struct mgmt_req *req, struct strbuf *out,
			    void *arg);

/*
 * Turns @c into requests and runs them through @exec in dependency
 * order, each phase over the sections in file order:
 *   1. ACCOUNT/NEW            every [account]
 *   2. TARGET/NEW             every [target] (tid, targetname, lld)
 *   3. TARGET/UPDATE          state (name "state", value)
 *   4. TARGET/BIND            one per initiator_address item, then one per
 *                             initiator_name item
 *   5. ACCOUNT/BIND           one per incoming_user item, then
 *                             outgoing_user with MGMT_REQ_OUTGOING
 *                             ([discovery]: tid 0)
 *   6. TARGET/BIND            kernel_host (has_host, lld "kernel")
 *   7. LU/NEW                 each LU: backing_store, bstype, bsoflags,
 *                             blocksize, device_type; then one LU/UPDATE
 *                             per device parameter (name = key, value),
 *                             in file order
 *   8. LLD/UPDATE, PORTAL/NEW [iscsi] settings (name/value), then one
 *                             PORTAL/NEW per portal item (name "portal",
 *                             value the item), lld "iscsi"
 * Requests about a target carry its lld (default "iscsi").
 *
 * Stops at the first request that fails and returns -EINVAL with
 *   "<file>:<line>: [<section>] <key>: <message> (tgtadm error <code>)"
 * where <key> is the line the request came from (TARGET/NEW: name, or lld
 * for TGTADM_NO_DRIVER; ACCOUNT/NEW: password; LU/NEW: backing_store, else device_type) and
 * <message> is what @exec wrote, or mgmt_err_str(code) when it wrote
 * nothing.  Requests already executed are not undone.
 */
int conf_apply(const struct conf *c, conf_exec_fn exec, void *arg,
	       char *err, size_t errlen);

/* Frees @c; NULL is allowed. */
void conf_free(struct conf *c);

#endif
