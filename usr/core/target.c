/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Targets, their ACLs and account bindings, and the show/dump views.
 * Management calls run on the management thread only, so they are
 * serialised among themselves; core_lock keeps I/O loops consistent.
 */
#include "core_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../scsi/scsi.h"
#include "../util/log.h"
#include "../util/strbuf.h"
#include "../util/util.h"

struct tgt_account {
	struct list_head node;
	char user[TGT_NAME_MAX];
	char password[TGT_NAME_MAX];
};

static struct list_head core_accounts = LIST_HEAD_INIT(core_accounts);
/* Accounts bound for discovery sessions ("tid 0"). */
static struct list_head core_disc_bindings = LIST_HEAD_INIT(core_disc_bindings);

/* Transport names a target may name before its transport is running. */
static const char *const target_known_llds[] = { "iscsi", "kernel" };

static bool target_lld_valid(const char *lld)
{
	if (tgt_lld_find(lld))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(target_known_llds); i++) {
		if (strcmp(lld, target_known_llds[i]) == 0)
			return true;
	}
	return false;
}

/* Printable, no white space, fits: iSCSI names and the like. */
static bool target_name_valid(const char *name, size_t max)
{
	size_t len = strnlen(name, max);

	if (len == 0 || len == max)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isgraph((unsigned char)name[i]))
			return false;
	}
	return true;
}

static struct tgt_target *target_lookup_name(const char *name)
{
	struct tgt_target *t;

	list_for_each_entry(t, &core_targets, node) {
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

static int target_ctrl_create(struct tgt_target *t)
{
	struct scsi_dev_spec spec = {
		.devtype = "controller", .tid = t->tid, .lun = 0,
	};
	char err[128];
	int ret = lu_alloc(t, 0, &spec, &t->ctrl, err, sizeof(err));

	if (ret)
		log_err("target %d: controller LU: %s", t->tid, err);
	return ret;
}

static struct tgt_target *target_alloc(int tid, const char *name,
				       const char *lld)
{
	struct tgt_target *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->tid = tid;
	util_strscpy(t->name, name, sizeof(t->name));
	util_strscpy(t->lld, lld, sizeof(t->lld));
	atomic_init(&t->refs, 1);
	list_init(&t->lus);
	list_init(&t->nexuses);
	list_init(&t->acls);
	list_init(&t->bindings);
	if (target_ctrl_create(t)) {
		free(t);
		return NULL;
	}
	return t;
}

static void target_lists_free(struct tgt_target *t)
{
	while (!list_empty(&t->acls)) {
		struct tgt_acl *a = list_first_entry(&t->acls, struct tgt_acl,
						     node);

		list_del(&a->node);
		free(a);
	}
	while (!list_empty(&t->bindings)) {
		struct tgt_binding *b = list_first_entry(&t->bindings,
							 struct tgt_binding,
							 node);

		list_del(&b->node);
		free(b);
	}
}

void core_target_put(struct tgt_target *t)
{
	if (atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	target_lists_free(t);
	lu_put(t->ctrl);
	free(t);
}

int tgt_target_create(int tid, const char *name, const char *lld)
{
	struct tgt_target *t;
	int ret = 0;

	if (!lld)
		lld = "iscsi";
	if (tid < 1 || !name || !target_name_valid(name, TGT_NAME_MAX))
		return -EINVAL;
	if (!target_lld_valid(lld))
		return -ENODEV;
	t = target_alloc(tid, name, lld);
	if (!t)
		return -ENOMEM;
	pthread_rwlock_wrlock(&core_lock);
	if (core_target_lookup(tid) || target_lookup_name(name))
		ret = -EEXIST;
	else
		list_add_tail(&t->node, &core_targets);
	pthread_rwlock_unlock(&core_lock);
	if (ret) {
		core_target_put(t);
		return ret;
	}
	log_info("target %d created: %s (%s)", tid, name, lld);
	return 0;
}

static bool target_busy(struct tgt_target *t)
{
	struct tgt_lu *lu;

	if (!list_empty(&t->nexuses))
		return true;
	list_for_each_entry(lu, &t->lus, node) {
		if (atomic_load(&lu->refs) > 1)
			return true;
	}
	return false;
}

/* Transports close their nexuses asynchronously (nexus_kill contract). */
static void target_nexuses_kill(struct tgt_target *t)
{
	struct tgt_nexus *n;

	list_for_each_entry(n, &t->nexuses, node) {
		if (n->lld->nexus_kill)
			n->lld->nexus_kill(n, n->lld_priv);
	}
}

int tgt_target_destroy(int tid, bool force)
{
	struct tgt_target *t;
	struct list_head lus;

	list_init(&lus);
	pthread_rwlock_wrlock(&core_lock);
	t = core_target_lookup(tid);
	if (!t || (!force && target_busy(t))) {
		pthread_rwlock_unlock(&core_lock);
		return t ? -EBUSY : -ENOENT;
	}
	list_del(&t->node);
	target_nexuses_kill(t);
	while (!list_empty(&t->lus)) {
		struct tgt_lu *lu = list_first_entry(&t->lus, struct tgt_lu,
						     node);

		list_del(&lu->node);
		list_add_tail(&lu->node, &lus);
	}
	pthread_rwlock_unlock(&core_lock);
	while (!list_empty(&lus)) {
		struct tgt_lu *lu = list_first_entry(&lus, struct tgt_lu, node);

		list_del(&lu->node);
		lu_put(lu);
	}
	core_target_put(t);
	log_info("target %d deleted", tid);
	return 0;
}

int tgt_target_update(int tid, const char *key, const char *value)
{
	struct tgt_target *t;
	int ret = 0;

	pthread_rwlock_wrlock(&core_lock);
	t = core_target_lookup(tid);
	if (!t)
		ret = -ENOENT;
	else if (strcasecmp(key, "state") != 0)
		ret = -EOPNOTSUPP;
	else if (strcmp(value, "ready") != 0 && strcmp(value, "offline") != 0)
		ret = -EINVAL;
	else
		t->offline = strcmp(value, "offline") == 0;
	pthread_rwlock_unlock(&core_lock);
	return ret;
}

int tgt_target_find(const char *name, int *tid)
{
	struct tgt_target *t;

	pthread_rwlock_rdlock(&core_lock);
	t = target_lookup_name(name);
	if (t)
		*tid = t->tid;
	pthread_rwlock_unlock(&core_lock);
	return t ? 0 : -ENOENT;
}

int tgt_target_for_each_visible(const char *lld, const char *initiator_name,
				const char *initiator_addr,
				void (*fn)(int tid, const char *name,
					   void *arg),
				void *arg)
{
	struct tgt_target *t;
	int n = 0;

	pthread_rwlock_rdlock(&core_lock);
	list_for_each_entry(t, &core_targets, node) {
		if (strcmp(t->lld, lld) != 0 || t->offline ||
		    !target_acl_admits(t, initiator_name, initiator_addr))
			continue;
		fn(t->tid, t->name, arg);
		n++;
	}
	pthread_rwlock_unlock(&core_lock);
	return n;
}

int tgt_target_next_tid(void)
{
	int tid = 1;

	pthread_rwlock_rdlock(&core_lock);
	while (core_target_lookup(tid))
		tid++;
	pthread_rwlock_unlock(&core_lock);
	return tid;
}

/* ---- ACLs ---- */

/* Parses "addr" or "addr/prefix" into bytes; returns the family or -1. */
static int acl_addr_parse(const char *s, uint8_t addr[16], int *prefix)
{
	char buf[TGT_ADDR_MAX];
	char *slash;
	int family, max;

	if (util_strscpy(buf, s, sizeof(buf)) < 0)
		return -1;
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		family = AF_INET6;
	else
		return -1;
	max = family == AF_INET ? 32 : 128;
	*prefix = max;
	if (slash && util_parse_int_range(slash + 1, 0, max, prefix))
		return -1;
	return family;
}

/* An IPv4-mapped IPv6 address compares as IPv4. */
static int acl_addr_normalize(int family, uint8_t addr[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };

	if (family == AF_INET6 && memcmp(addr, mapped, 12) == 0) {
		memmove(addr, addr + 12, 4);
		return AF_INET;
	}
	return family;
}

static bool acl_prefix_match(const uint8_t *a, const uint8_t *b, int bits)
{
	int bytes = bits / 8, rem = bits % 8;

	if (memcmp(a, b, (size_t)bytes) != 0)
		return false;
	if (!rem)
		return true;
	return ((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - rem))) == 0;
}

static int acl_addr_match(const char *pattern, const char *addr)
{
	uint8_t p[16], a[16];
	int pfam, afam, prefix, aprefix;

	if (strcasecmp(pattern, "ALL") == 0)
		return 1;
	pfam = acl_addr_parse(pattern, p, &prefix);
	if (pfam < 0)
		return -EINVAL;
	if (!addr)
		return 0;
	afam = acl_addr_parse(addr, a, &aprefix);
	if (afam < 0 || strchr(addr, '/'))
		return 0;
	if (pfam == AF_INET6 && prefix >= 96 &&
	    acl_addr_normalize(pfam, p) == AF_INET) {
		pfam = AF_INET;
		prefix -= 96;
	}
	afam = acl_addr_normalize(afam, a);
	if (pfam != afam)
		return 0;
	return acl_prefix_match(p, a, prefix);
}

int tgt_acl_match(enum tgt_acl_kind kind, const char *pattern,
		  const char *name, const char *addr)
{
	if (kind == TGT_ACL_ADDR)
		return acl_addr_match(pattern, addr);
	if (!target_name_valid(pattern, TGT_NAME_MAX))
		return -EINVAL;
	return name && strcmp(pattern, name) == 0;
}

/*
 * With address rules the initiator's address must match one; with name
 * rules its name must match one; a target with no rules admits no one.
 * Caller holds core_lock.
 */
bool target_acl_admits(struct tgt_target *t, const char *name,
		       const char *addr)
{
	bool has[2] = { false, false }, ok[2] = { false, false };
	struct tgt_acl *a;

	list_for_each_entry(a, &t->acls, node) {
		has[a->kind] = true;
		if (tgt_acl_match(a->kind, a->pattern, name, addr) == 1)
			ok[a->kind] = true;
	}
	if (!has[TGT_ACL_ADDR] && !has[TGT_ACL_NAME])
		return false;
	return (!has[TGT_ACL_ADDR] || ok[TGT_ACL_ADDR]) &&
	       (!has[TGT_ACL_NAME] || ok[TGT_ACL_NAME]);
}

static struct tgt_acl *acl_find(struct tgt_target *t, enum tgt_acl_kind kind,
				const char *pattern)
{
	struct tgt_acl *a;

	list_for_each_entry(a, &t->acls, node) {
		if (a->kind == kind && strcasecmp(a->pattern, pattern) == 0)
			return a;
	}
	return NULL;
}

int tgt_acl_add(int tid, enum tgt_acl_kind kind, const char *pattern)
{
	struct tgt_target *t;
	struct tgt_acl *a;
	int ret = 0;

	if (tgt_acl_match(kind, pattern, NULL, NULL) < 0)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->kind = kind;
	if (util_strscpy(a->pattern, pattern, sizeof(a->pattern)) < 0) {
		free(a);
		return -EINVAL;
	}
	pthread_rwlock_wrlock(&core_lock);
	t = core_target_lookup(tid);
	if (!t)
		ret = -ENOENT;
	else if (acl_find(t, kind, pattern))
		ret = -EEXIST;
	else
		list_add_tail(&a->node, &t->acls);
	pthread_rwlock_unlock(&core_lock);
	if (ret)
		free(a);
	return ret;
}

int tgt_acl_del(int tid, enum tgt_acl_kind kind, const char *pattern)
{
	struct tgt_target *t;
	struct tgt_acl *a = NULL;
	int ret = 0;

	pthread_rwlock_wrlock(&core_lock);
	t = core_target_lookup(tid);
	if (!t)
		ret = -ENOENT;
	else if (!(a = acl_find(t, kind, pattern)))
		ret = -ENODATA;
	else
		list_del(&a->node);
	pthread_rwlock_unlock(&core_lock);
	if (!ret)
		free(a);
	return ret;
}

/* ---- accounts ---- */

static struct tgt_account *account_find(const char *user)
{
	struct tgt_account *a;

	list_for_each_entry(a, &core_accounts, node) {
		if (strcmp(a->user, user) == 0)
			return a;
	}
	return NULL;
}

int tgt_account_create(const char *user, const char *password)
{
	struct tgt_account *a;
	int ret = 0;

	/* A password holding both quote characters cannot be dumped. */
	if (!user || !password || !target_name_valid(user, TGT_NAME_MAX) ||
	    !*password || strlen(password) >= TGT_NAME_MAX ||
	    (strchr(password, '"') && strchr(password, '\'')))
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	util_strscpy(a->user, user, sizeof(a->user));
	util_strscpy(a->password, password, sizeof(a->password));
	pthread_rwlock_wrlock(&core_lock);
	if (account_find(user))
		ret = -EEXIST;
	else
		list_add_tail(&a->node, &core_accounts);
	pthread_rwlock_unlock(&core_lock);
	if (ret)
		free(a);
	return ret;
}

static struct list_head *account_bindings(int tid)
{
	struct tgt_target *t;

	if (tid == 0)
		return &core_disc_bindings;
	t = core_target_lookup(tid);
	return t ? &t->bindings : NULL;
}

static struct tgt_binding *binding_find(struct list_head *bl,
					const char *user, int outgoing)
{
	struct tgt_binding *b;

	list_for_each_entry(b, bl, node) {
		if (strcmp(b->user, user) == 0 &&
		    (outgoing < 0 || b->outgoing == (bool)outgoing))
			return b;
	}
	return NULL;
}

static void bindings_drop_user(struct list_head *bl, const char *user)
{
	struct tgt_binding *b;

	while ((b = binding_find(bl, user, -1))) {
		list_del(&b->node);
		free(b);
	}
}

int tgt_account_delete(const char *user)
{
	struct tgt_account *a;
	struct tgt_target *t;

	pthread_rwlock_wrlock(&core_lock);
	a = account_find(user);
	if (a) {
		list_del(&a->node);
		bindings_drop_user(&core_disc_bindings, user);
		list_for_each_entry(t, &core_targets, node)
			bindings_drop_user(&t->bindings, user);
	}
	pthread_rwlock_unlock(&core_lock);
	free(a);
	return a ? 0 : -ENODATA;
}

static bool bindings_have_outgoing(struct list_head *bl)
{
	struct tgt_binding *b;

	list_for_each_entry(b, bl, node) {
		if (b->outgoing)
			return true;
	}
	return false;
}

int tgt_account_bind(int tid, const char *user, bool outgoing)
{
	struct tgt_binding *b = calloc(1, sizeof(*b));
	struct list_head *bl;
	int ret = 0;

	if (!b)
		return -ENOMEM;
	util_strscpy(b->user, user, sizeof(b->user));
	b->outgoing = outgoing;
	pthread_rwlock_wrlock(&core_lock);
	bl = account_bindings(tid);
	if (!bl)
		ret = -ENOENT;
	else if (!account_find(user))
		ret = -ENODATA;
	else if (binding_find(bl, user, outgoing))
		ret = -EEXIST;
	else if (outgoing && bindings_have_outgoing(bl))
		ret = -EBUSY;
	else
		list_add_tail(&b->node, bl);
	pthread_rwlock_unlock(&core_lock);
	if (ret)
		free(b);
	return ret;
}

int tgt_account_unbind(int tid, const char *user, bool outgoing)
{
	struct tgt_binding *b = NULL;
	struct list_head *bl;
	int ret = 0;

	pthread_rwlock_wrlock(&core_lock);
	bl = account_bindings(tid);
	if (!bl)
		ret = -ENOENT;
	else if (!(b = binding_find(bl, user, outgoing)))
		ret = -ENODATA;
	else
		list_del(&b->node);
	pthread_rwlock_unlock(&core_lock);
	free(b);
	return ret;
}

int tgt_account_lookup(int tid, const char *user, bool outgoing,
		       char *password, size_t len)
{
	struct list_head *bl;
	struct tgt_account *a = NULL;
	int ret = -ENODATA;

	pthread_rwlock_rdlock(&core_lock);
	bl = account_bindings(tid);
	if (bl && binding_find(bl, user, outgoing))
		a = account_find(user);
	if (a && util_strscpy(password, a->password, len) >= 0)
		ret = 0;
	pthread_rwlock_unlock(&core_lock);
	return ret;
}

bool tgt_account_required(int tid)
{
	struct list_head *bl;
	struct tgt_binding *b;
	bool req = false;

	pthread_rwlock_rdlock(&core_lock);
	bl = account_bindings(tid);
	if (bl) {
		list_for_each_entry(b, bl, node)
			req |= !b->outgoing;
	}
	pthread_rwlock_unlock(&core_lock);
	return req;
}

int tgt_account_outgoing(int tid, char *user, size_t ulen, char *password,
			 size_t plen)
{
	struct list_head *bl;
	struct tgt_binding *b;
	struct tgt_account *a = NULL;

	pthread_rwlock_rdlock(&core_lock);
	bl = account_bindings(tid);
	if (bl) {
		list_for_each_entry(b, bl, node) {
			if (b->outgoing) {
				a = account_find(b->user);
				break;
			}
		}
	}
	if (a && (util_strscpy(user, a->user, ulen) < 0 ||
		  util_strscpy(password, a->password, plen) < 0))
		a = NULL;
	pthread_rwlock_unlock(&core_lock);
	return a ? 0 : -ENODATA;
}

/* ---- show and dump ---- */

static void target_show_nexuses(struct tgt_target *t, struct strbuf *out)
{
	struct tgt_nexus *n;

	strbuf_addstr(out, "    I_T nexus information:\n");
	list_for_each_entry(n, &t->nexuses, node) {
		strbuf_addf(out, "        I_T nexus: %llu\n"
			    "            Initiator: %s\n"
			    "            Address: %s\n",
			    (unsigned long long)n->itn_id,
			    n->initiator[0] ? n->initiator : "-",
			    n->addr[0] ? n->addr : "-");
		if (n->lld->nexus_show)
			n->lld->nexus_show(n->lld_priv, out);
	}
}

static void target_show_lu(struct tgt_lu *lu, struct strbuf *out)
{
	strbuf_addf(out, "        LUN: %llu\n", (unsigned long long)lu->lun);
	scsi_dev_show(lu->dev, out, false);
}

static void target_show_lus(struct tgt_target *t, struct strbuf *out)
{
	struct tgt_lu *lu;
	bool lun0 = !list_empty(&t->lus) &&
		    list_first_entry(&t->lus, struct tgt_lu, node)->lun == 0;

	strbuf_addstr(out, "    LUN information:\n");
	if (!lun0)
		target_show_lu(t->ctrl, out);
	list_for_each_entry(lu, &t->lus, node)
		target_show_lu(lu, out);
}

static void target_show_bindings(struct list_head *bl, struct strbuf *out,
				 const char *indent)
{
	struct tgt_binding *b;

	list_for_each_entry(b, bl, node)
		strbuf_addf(out, "%s%s%s\n", indent, b->user,
			    b->outgoing ? " (outgoing)" : "");
}

static void target_show_one(struct tgt_target *t, struct strbuf *out)
{
	struct tgt_acl *a;

	strbuf_addf(out, "Target %d: %s\n    System information:\n"
		    "        Driver: %s\n        State: %s\n",
		    t->tid, t->name, t->lld, t->offline ? "offline" : "ready");
	target_show_nexuses(t, out);
	target_show_lus(t, out);
	strbuf_addstr(out, "    Account information:\n");
	target_show_bindings(&t->bindings, out, "        ");
	strbuf_addstr(out, "    ACL information:\n");
	list_for_each_entry(a, &t->acls, node)
		strbuf_addf(out, "        %s%s\n",
			    a->kind == TGT_ACL_NAME ? "name: " : "",
			    a->pattern);
}

int tgt_target_show(int tid, struct strbuf *out)
{
	struct tgt_target *t;
	int ret = tid < 0 ? 0 : -ENOENT;

	pthread_rwlock_rdlock(&core_lock);
	list_for_each_entry(t, &core_targets, node) {
		if (tid >= 0 && t->tid != tid)
			continue;
		target_show_one(t, out);
		ret = 0;
	}
	pthread_rwlock_unlock(&core_lock);
	return ret;
}

void tgt_account_show(struct strbuf *out)
{
	struct tgt_account *a;

	strbuf_addstr(out, "Account list:\n");
	pthread_rwlock_rdlock(&core_lock);
	list_for_each_entry(a, &core_accounts, node)
		strbuf_addf(out, "    %s\n", a->user);
	if (!list_empty(&core_disc_bindings)) {
		strbuf_addstr(out, "Discovery accounts:\n");
		target_show_bindings(&core_disc_bindings, out, "    ");
	}
	pthread_rwlock_unlock(&core_lock);
}

/* "key = a, b\n" of the bindings in one direction; nothing if none. */
static void dump_bindings(struct strbuf *out, const char *key,
			  struct list_head *bindings, bool outgoing)
{
	struct tgt_binding *b;
	const char *sep = key;

	list_for_each_entry(b, bindings, node) {
		if (b->outgoing != outgoing)
			continue;
		strbuf_addf(out, "%s%s", sep, b->user);
		sep = ", ";
	}
	if (sep != key)
		strbuf_addstr(out, "\n");
}

static void dump_acls(struct strbuf *out, const char *key,
		      struct tgt_target *t, enum tgt_acl_kind kind)
{
	struct tgt_acl *a;
	const char *sep = key;

	list_for_each_entry(a, &t->acls, node) {
		if (a->kind != kind)
			continue;
		strbuf_addf(out, "%s%s", sep, a->pattern);
		sep = ", ";
	}
	if (sep != key)
		strbuf_addstr(out, "\n");
}

struct dump_target_arg {
	int tid;
	struct strbuf *out;
};

static void dump_target_lld(const struct tgt_lld_ops *ops, void *arg)
{
	struct dump_target_arg *a = arg;

	if (ops->target_dump)
		ops->target_dump(a->tid, a->out);
}

static void dump_target(struct tgt_target *t, struct strbuf *out)
{
	struct dump_target_arg arg = { t->tid, out };
	struct tgt_lu *lu;

	strbuf_addf(out, "\n[target %d]\nname = %s\nlld = %s\n", t->tid,
		    t->name, t->lld);
	if (t->offline)
		strbuf_addstr(out, "state = offline\n");
	dump_acls(out, "initiator_address = ", t, TGT_ACL_ADDR);
	dump_acls(out, "initiator_name = ", t, TGT_ACL_NAME);
	dump_bindings(out, "incoming_user = ", &t->bindings, false);
	dump_bindings(out, "outgoing_user = ", &t->bindings, true);
	tgt_lld_for_each(dump_target_lld, &arg);
	list_for_each_entry(lu, &t->lus, node) {
		strbuf_addf(out, "\n[target %d lun %llu]\n", t->tid,
			    (unsigned long long)lu->lun);
		scsi_dev_show(lu->dev, out, true);
	}
}

static void dump_lld(const struct tgt_lld_ops *ops, void *arg)
{
	if (ops->dump)
		ops->dump(arg);
}

void tgt_config_dump(struct strbuf *out)
{
	struct tgt_account *a;
	struct tgt_target *t;

	strbuf_addf(out, "# tgtd.conf written by tgtadm --mode sys --op dump\n"
		    "[global]\nlog_level = %s\n",
		    log_level_name(log_level_get()));
	pthread_rwlock_rdlock(&core_lock);
	list_for_each_entry(a, &core_accounts, node) {
		strbuf_addf(out, "\n[account %s]\n", a->user);
		strbuf_add_ini(out, "password", a->password);
	}
	/* Discovery sessions' accounts (tid 0), after the accounts. */
	if (!list_empty(&core_disc_bindings)) {
		strbuf_addstr(out, "\n[discovery]\n");
		dump_bindings(out, "incoming_user = ", &core_disc_bindings,
			      false);
		dump_bindings(out, "outgoing_user = ", &core_disc_bindings,
			      true);
	}
	list_for_each_entry(t, &core_targets, node)
		dump_target(t, out);
	pthread_rwlock_unlock(&core_lock);
	tgt_lld_for_each(dump_lld, out);
}
