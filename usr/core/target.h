/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The core's management API: targets, logical units, ACLs, accounts and
 * system state.  Called by the management module (tgtadm requests and
 * tgtd.conf) on the management thread; the core makes the changes safe
 * against I/O loops running commands at the same time.
 *
 * Errors: 0 or -errno, with these meanings throughout:
 *   -ENOENT  no such target          -ENODATA  no such LU / ACL / account
 *   -EEXIST  already exists          -EBUSY    in use (nexuses, commands)
 *   -EINVAL  bad value               -EOPNOTSUPP unknown parameter name
 *   -ENODEV  unknown lld             -ENOMEM
 */
#ifndef TGT_CORE_TARGET_H
#define TGT_CORE_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tgt.h"

struct strbuf;
struct scsi_dev_spec;

#define TGT_TID_MAX	0x7fffffff
#define TGT_LUN_MAX	16383		/* flat/peripheral addressing */

enum tgt_acl_kind {
	TGT_ACL_ADDR = 0,	/* "ALL", an IPv4/IPv6 address or a CIDR */
	TGT_ACL_NAME,		/* an initiator name, exact match */
};

/* --- process-wide state --- */

/* Creates @nr_loops I/O loops (0: one per core) and starts them. */
int tgt_core_init(unsigned nr_loops);
/* Waits (bounded) for commands and TMFs in flight to be freed, then
 * stops and frees the loops. */
void tgt_core_exit(void);
int tgt_lld_register(const struct tgt_lld_ops *ops);
const struct tgt_lld_ops *tgt_lld_find(const char *name);
void tgt_lld_for_each(void (*fn)(const struct tgt_lld_ops *ops, void *arg),
		      void *arg);

/* --- targets --- */

int tgt_target_create(int tid, const char *name, const char *lld);
int tgt_target_destroy(int tid, bool force);
/* Keys: "state" = ready|offline. */
int tgt_target_update(int tid, const char *key, const char *value);
/* Name -> tid; -ENOENT. */
int tgt_target_find(const char *name, int *tid);
/*
 * Calls @fn(tid, name, arg) for every ready target of transport @lld
 * whose ACL admits an initiator with @initiator_name / @initiator_addr
 * (either may be NULL), in tid order: what an iSCSI discovery session
 * (SendTargets=All) may list.  @fn runs under the core's target lock and
 * must not call into the core.  Returns how many were listed.
 */
int tgt_target_for_each_visible(const char *lld, const char *initiator_name,
				const char *initiator_addr,
				void (*fn)(int tid, const char *name,
					   void *arg),
				void *arg);
/* First free tid >= 1, for tgtd.conf targets without an explicit id. */
int tgt_target_next_tid(void);

/* --- ACLs --- */

int tgt_acl_add(int tid, enum tgt_acl_kind kind, const char *pattern);
int tgt_acl_del(int tid, enum tgt_acl_kind kind, const char *pattern);
/*
 * Pure matcher, exposed for tests: does @pattern (of @kind) admit an
 * initiator with @name / @addr (text form of an IPv4/IPv6 address, may be
 * NULL)?  Returns 1 match, 0 no match, -EINVAL bad pattern.
 */
int tgt_acl_match(enum tgt_acl_kind kind, const char *pattern,
		  const char *name, const char *addr);

/* --- logical units --- */

/*
 * -ENXIO: the backing store could not be opened or is unusable (@err says
 * why: missing file, bad size...); -EINVAL: a bad spec field (@err names it).
 */
int tgt_lu_create(int tid, uint64_t lun, const struct scsi_dev_spec *spec,
		  char *err, size_t errlen);
int tgt_lu_destroy(int tid, uint64_t lun, bool force);
/* Keys are scsi_dev_param_set()'s; a size change raises CAPACITY DATA
 * HAS CHANGED on every nexus. */
int tgt_lu_update(int tid, uint64_t lun, const char *key, const char *value);

/* --- accounts (CHAP users, used by iSCSI) --- */

int tgt_account_create(const char *user, const char *password);
int tgt_account_delete(const char *user);
int tgt_account_bind(int tid, const char *user, bool outgoing);
int tgt_account_unbind(int tid, const char *user, bool outgoing);
/*
 * Copies the password of @user if it is bound to @tid (tid 0: discovery
 * accounts) in that direction.  Returns 0, -ENODATA.
 */
int tgt_account_lookup(int tid, const char *user, bool outgoing,
		       char *password, size_t len);
/* True when @tid has any incoming account bound (CHAP required). */
bool tgt_account_required(int tid);
/* Outgoing account of @tid, for mutual CHAP; -ENODATA if none. */
int tgt_account_outgoing(int tid, char *user, size_t ulen, char *password,
			 size_t plen);

/* --- system --- */

/* Keys: "state" = ready|offline, "log_level" = err|warn|info|debug. */
int tgt_sys_update(const char *key, const char *value);
void tgt_sys_show(struct strbuf *out);

/* "tgtadm --op show": one target (tid) or all (tid < 0). */
int tgt_target_show(int tid, struct strbuf *out);
void tgt_account_show(struct strbuf *out);
/* tgtd.conf text recreating targets, LUs, ACLs and accounts. */
void tgt_config_dump(struct strbuf *out);

#endif
