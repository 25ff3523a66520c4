// SPDX-License-Identifier: GPL-2.0-only
/*
 * scsi_tgt: the SCSI target transport class.
 *
 * Target LLDs (kernel/tgt_loop.c) add hosts, create I_T nexuses and queue
 * initiator commands here (kernel/scsi_tgt.h); the class forwards them to
 * tgtd over generic netlink (include/scsi_tgt_nl.h), moves the data
 * between the commands' scatterlists and tgtd's buffers in tgtd's context
 * and completes the commands.  doc/kernel-abi.md describes the protocol.
 *
 * Locking, outermost first:
 *   scsi_tgt_mutex   the registration, the host table, nexus membership,
 *                    command reaping, and the order of IT_NEXUS_REQ and
 *                    TSK_MGMT_REQ sends.  Never held across a template
 *                    callback.
 *   h->lock          (spinlock, _bh: queuecommand runs in process or
 *                    softirq context with hard irqs enabled in 6.1, and
 *                    netlink_unicast() must not run with irqs off) a
 *                    host's command and nexus tables, nexus states, TMF
 *                    list and every command entry's flags.  queuecommand
 *                    holds it across the CMD_REQ send so that tgtd can
 *                    never see a tag the table does not hold yet.
 * scsi_done() and template callbacks are called with neither held (except
 * scsi_done() under scsi_tgt_mutex while reaping, which is safe: the
 * midlayer's completion path never takes it).
 *
 * Events: CMD_REQ is sent or refused (SCSI_MLQUEUE_HOST_BUSY) on the spot;
 * every other event a full socket refuses waits, in order, on
 * scsi_tgt_backlog for a worker to send it, and no CMD_REQ is sent while
 * it is not empty.  No event waits for tgtd, so tgtd's own requests can
 * send them.
 *
 * Command entry lifetime (struct scsi_tgt_cmd, all flags under h->lock):
 *   hashed   in h->cmds: tgtd may still name its tag.  The table holds one
 *            reference; every other user holds its own.
 *   sc       the scsi_cmnd while the class owns it; NULL once completed or
 *            handed to the midlayer's EH (a "zombie" that only waits for
 *            tgtd's CMD_RSP).  The class never touches a command after
 *            clearing this pointer.
 *   busy     someone uses sc outside the lock (a CMD_XFER/CMD_RSP copy, or
 *            a completion in progress); nobody else may take sc.
 *   doomed   a finisher (abort, reset, nexus/host removal, tgtd gone) has
 *            claimed sc and waits for !busy; no new copies start and a
 *            CMD_RSP whose copy was under way leaves sc to the finisher.
 *   covered  a reset TMF from the initiator covers the command: its TASK
 *            ABORTED answer is absorbed instead of completed.
 */
#define pr_fmt(fmt) "scsi_tgt: " fmt

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>

#include <scsi_tgt_nl.h>
#include "scsi_tgt.h"

#define SCSI_TGT_CMD_HASH_BITS		8
#define SCSI_TGT_NEXUS_HASH_BITS	4
#define SCSI_TGT_MAX_CMDS_LIMIT		65536
/* Events held back while tgtd's socket is full, and the retry period. */
#define SCSI_TGT_BACKLOG_MAX		8192
#define SCSI_TGT_BACKLOG_RETRY_MS	10

static unsigned int max_cmds = 1024;
module_param(max_cmds, uint, 0444);
MODULE_PARM_DESC(max_cmds,
		 "Commands outstanding per host before back-pressure (default 1024)");

static unsigned int tmf_timeout = 30;
module_param(tmf_timeout, uint, 0444);
MODULE_PARM_DESC(tmf_timeout,
		 "Seconds to wait for tgtd's TSK_MGMT_RSP (default 30)");

struct scsi_tgt_reg {
	struct net *net;	/* pinned while registered */
	u32 portid;
	u32 abi;		/* the version tgtd speaks (WRITE_ONCE) */
};

enum scsi_tgt_nexus_state {
	SCSI_TGT_NEXUS_PENDING,	/* asked tgtd (or waiting for tgtd) */
	SCSI_TGT_NEXUS_LIVE,
	SCSI_TGT_NEXUS_REFUSED,
};

struct scsi_tgt_nexus {
	struct hlist_node hnode;	/* h->nexuses */
	u64 itn_id;
	enum scsi_tgt_nexus_state state;
	char initiator[SCSI_TGT_NAME_MAX];
};

struct scsi_tgt_cmd {
	struct hlist_node hnode;	/* h->cmds, keyed by tag */
	struct list_head reap;		/* a finisher's private list */
	struct scsi_cmnd *sc;
	u64 tag;
	u64 itn_id;
	u64 lun;
	u32 data_out;			/* data-out bytes tgtd fetched */
	refcount_t ref;
	bool hashed;
	bool busy;
	bool doomed;
	bool covered;
};

struct scsi_tgt_tmf {
	struct list_head node;		/* h->tmfs; empty once claimed */
	struct list_head fail;		/* a finisher's private list */
	struct scsi_tgt_host *h;	/* pinned: one h->users reference */
	struct delayed_work timeout;
	u64 mid;
	u64 itn_id;
	u64 lun;
	u64 tag;			/* ABORT TASK: the task */
	u64 tag_limit;			/* resets: newest tag in scope */
	int function;
};

struct scsi_tgt_host {
	const struct scsi_tgt_template *t;
	void *priv;
	u32 host_no;
	refcount_t users;		/* the LLD, doits, TMFs */
	struct completion released;
	spinlock_t lock;
	bool dying;
	unsigned int nr_cmds;		/* hashed entries, zombies too */
	wait_queue_head_t wq;		/* entries leaving busy / sc */
	struct list_head tmfs;
	DECLARE_HASHTABLE(cmds, SCSI_TGT_CMD_HASH_BITS);
	DECLARE_HASHTABLE(nexuses, SCSI_TGT_NEXUS_HASH_BITS);
	struct rcu_head rcu;
};

/* A parsed CMD_RSP. */
struct scsi_tgt_rsp {
	u64 itn_id;
	u64 tag;
	int status;
	const struct nlattr *sense;
	void __user *ubuf;
	u32 xfer;
};

static DEFINE_MUTEX(scsi_tgt_mutex);
static struct scsi_tgt_reg __rcu *scsi_tgt_reg;
static DEFINE_XARRAY(scsi_tgt_hosts);
static DEFINE_IDA(scsi_tgt_host_ida);
/* Global so that a tag or mid is never reused, even when host numbers are. */
static atomic64_t scsi_tgt_next_tag = ATOMIC64_INIT(0);
static atomic64_t scsi_tgt_next_mid = ATOMIC64_INIT(0);
static struct kmem_cache *scsi_tgt_cmd_cache;
static struct workqueue_struct *scsi_tgt_wq;
static struct genl_family scsi_tgt_family;
/*
 * Events tgtd's full socket could not take yet, oldest first; sent by
 * scsi_tgt_backlog_work.  Appended by control senders (under
 * scsi_tgt_mutex) and by CMD_RSP (CMD_DONE); purged when tgtd goes.
 */
static struct sk_buff_head scsi_tgt_backlog;
static void scsi_tgt_backlog_drain(struct work_struct *work);
static DECLARE_DELAYED_WORK(scsi_tgt_backlog_work, scsi_tgt_backlog_drain);

/* Sleeps until @cond, dropping h->lock meanwhile; h->lock held. */
#define scsi_tgt_wait(h, cond)						\
	wait_event_cmd((h)->wq, cond, spin_unlock_bh(&(h)->lock),	\
		       spin_lock_bh(&(h)->lock))

/* ---- hosts ------------------------------------------------------------ */

/* Looks a host up for a doit; the reference keeps removal waiting. */
static struct scsi_tgt_host *scsi_tgt_host_get(u32 host_no)
{
	struct scsi_tgt_host *h;

	rcu_read_lock();
	h = xa_load(&scsi_tgt_hosts, host_no);
	if (h && !refcount_inc_not_zero(&h->users))
		h = NULL;
	rcu_read_unlock();
	return h;
}

static void scsi_tgt_host_put(struct scsi_tgt_host *h)
{
	if (refcount_dec_and_test(&h->users))
		complete(&h->released);
}

/* Wakes whoever waits for an entry to leave busy or to lose its sc. */
static void scsi_tgt_host_wake(struct scsi_tgt_host *h)
{
	lockdep_assert_held(&h->lock);
	if (waitqueue_active(&h->wq))
		wake_up_all(&h->wq);
}

/* ---- registration ----------------------------------------------------- */

static struct scsi_tgt_reg *scsi_tgt_reg_locked(void)
{
	return rcu_dereference_protected(scsi_tgt_reg,
					 lockdep_is_held(&scsi_tgt_mutex));
}

static bool scsi_tgt_reg_is(const struct scsi_tgt_reg *reg,
			    const struct net *net, u32 portid)
{
	return reg && reg->portid == portid && net_eq(reg->net, net);
}

/* Is @net/@portid the registered tgtd?  Lockless, for filters. */
static bool scsi_tgt_reg_matches(const struct net *net, u32 portid)
{
	bool ret;

	rcu_read_lock();
	ret = scsi_tgt_reg_is(rcu_dereference(scsi_tgt_reg), net, portid);
	rcu_read_unlock();
	return ret;
}

/* Unpublishes the registration; no sender uses it once this returns. */
static struct scsi_tgt_reg *scsi_tgt_reg_clear(void)
{
	struct scsi_tgt_reg *reg = scsi_tgt_reg_locked();

	if (!reg)
		return NULL;
	RCU_INIT_POINTER(scsi_tgt_reg, NULL);
	synchronize_rcu();
	return reg;
}

static void scsi_tgt_reg_free(struct scsi_tgt_reg *reg)
{
	put_net(reg->net);
	kfree(reg);
}

/* ---- netlink sends ---------------------------------------------------- */

static size_t scsi_tgt_ids_size(void)
{
	return nla_total_size(sizeof(u32)) + nla_total_size_64bit(sizeof(u64));
}

static int scsi_tgt_ids_put(struct sk_buff *skb, u32 host_no, u64 itn_id)
{
	if (nla_put_u32(skb, TGT_ATTR_HOST_NO, host_no) ||
	    nla_put_u64_64bit(skb, TGT_ATTR_ITN_ID, itn_id, TGT_ATTR_PAD))
		return -EMSGSIZE;
	return 0;
}

static void *scsi_tgt_msg_put(struct sk_buff *skb, u8 cmd)
{
	return genlmsg_put(skb, 0, 0, &scsi_tgt_family, 0, cmd);
}

static void scsi_tgt_backlog_kick(void)
{
	queue_delayed_work(scsi_tgt_wq, &scsi_tgt_backlog_work,
			   msecs_to_jiffies(SCSI_TGT_BACKLOG_RETRY_MS));
}

static int scsi_tgt_backlog_add(struct sk_buff *skb)
{
	if (skb_queue_len(&scsi_tgt_backlog) >= SCSI_TGT_BACKLOG_MAX) {
		nlmsg_free(skb);
		pr_warn_ratelimited("tgtd does not read its events: one dropped\n");
		return -ENOBUFS;
	}
	skb_queue_tail(&scsi_tgt_backlog, skb);
	scsi_tgt_backlog_kick();
	return 0;
}

/*
 * Sends an event to tgtd (process context), behind any held back, or
 * holds it back when the socket is full: events other than CMD_REQ are
 * never dropped for lack of room while tgtd is registered, and never wait
 * for tgtd (the caller may be tgtd itself).  Consumes @skb.
 */
static int scsi_tgt_event_send(struct net *net, u32 portid,
			       struct sk_buff *skb)
{
	struct sk_buff *clone;
	int ret;

	if (!skb_queue_empty_lockless(&scsi_tgt_backlog))
		return scsi_tgt_backlog_add(skb);
	clone = skb_clone(skb, GFP_KERNEL);
	if (!clone) {
		nlmsg_free(skb);
		return -ENOMEM;
	}
	ret = genlmsg_unicast(net, clone, portid);
	if (ret == -EAGAIN)
		return scsi_tgt_backlog_add(skb);
	nlmsg_free(skb);
	return ret;
}

/* scsi_tgt_event_send() to the registered tgtd; scsi_tgt_mutex held. */
static int scsi_tgt_send(struct sk_buff *skb)
{
	struct scsi_tgt_reg *reg = scsi_tgt_reg_locked();

	if (!reg) {
		nlmsg_free(skb);
		return -ENOTCONN;
	}
	return scsi_tgt_event_send(reg->net, reg->portid, skb);
}

/* Sends held-back events in order while tgtd's socket takes them. */
static void scsi_tgt_backlog_drain(struct work_struct *work)
{
	struct sk_buff *skb, *clone;
	struct scsi_tgt_reg *reg;
	int ret;

	mutex_lock(&scsi_tgt_mutex);
	reg = scsi_tgt_reg_locked();
	while (reg && (skb = skb_dequeue(&scsi_tgt_backlog))) {
		clone = skb_clone(skb, GFP_KERNEL);
		ret = clone ? genlmsg_unicast(reg->net, clone, reg->portid) :
			      -EAGAIN;
		if (ret == -EAGAIN) {
			skb_queue_head(&scsi_tgt_backlog, skb);
			scsi_tgt_backlog_kick();
			break;
		}
		if (ret)
			pr_warn_ratelimited("held-back event not sent: %d\n", ret);
		nlmsg_free(skb);
	}
	if (!reg)
		skb_queue_purge(&scsi_tgt_backlog);
	mutex_unlock(&scsi_tgt_mutex);
}

/* ---- command entries -------------------------------------------------- */

static void scsi_tgt_cmd_put(struct scsi_tgt_cmd *c)
{
	if (refcount_dec_and_test(&c->ref))
		kmem_cache_free(scsi_tgt_cmd_cache, c);
}

static void scsi_tgt_cmd_hash(struct scsi_tgt_host *h, struct scsi_tgt_cmd *c)
{
	hash_add(h->cmds, &c->hnode, c->tag);
	c->hashed = true;
	h->nr_cmds++;
}

/* tgtd no longer names the tag; drops the table's reference. */
static void scsi_tgt_cmd_unhash(struct scsi_tgt_host *h, struct scsi_tgt_cmd *c)
{
	if (!c->hashed)
		return;
	hash_del(&c->hnode);
	c->hashed = false;
	h->nr_cmds--;
	scsi_tgt_cmd_put(c);
}

static void scsi_tgt_cmd_unbusy(struct scsi_tgt_host *h, struct scsi_tgt_cmd *c)
{
	c->busy = false;
	scsi_tgt_host_wake(h);
}

static struct scsi_tgt_cmd *scsi_tgt_cmd_find(struct scsi_tgt_host *h,
					      u64 itn_id, u64 tag)
{
	struct scsi_tgt_cmd *c;

	hash_for_each_possible(h->cmds, c, hnode, tag)
		if (c->tag == tag)
			return c->itn_id == itn_id ? c : NULL;
	return NULL;
}

static struct scsi_tgt_cmd *scsi_tgt_cmd_find_sc(struct scsi_tgt_host *h,
						 u64 itn_id,
						 const struct scsi_cmnd *sc)
{
	struct scsi_tgt_cmd *c;
	int bkt;

	hash_for_each(h->cmds, bkt, c, hnode)
		if (c->sc == sc && c->itn_id == itn_id)
			return c;
	return NULL;
}

/* Puts a command the class owns back to the midlayer with @host_byte. */
static void scsi_tgt_sc_fail(struct scsi_cmnd *sc, int host_byte)
{
	sc->result = host_byte << 16;
	scsi_set_resid(sc, scsi_bufflen(sc));
	scsi_done(sc);
}

/*
 * Completes with @host_byte every command of the host (@itn_id NULL) or
 * of one nexus, and forgets their tags: tgtd is gone, or so is the nexus
 * or the host.  Callers have already stopped new commands from entering.
 * Waits for copies in progress.  Process context.
 */
static void scsi_tgt_cmds_reap(struct scsi_tgt_host *h, const u64 *itn_id,
			       int host_byte)
{
	struct scsi_tgt_cmd *c, *next;
	struct hlist_node *tmp;
	LIST_HEAD(reap);
	int bkt;

	spin_lock_bh(&h->lock);
	hash_for_each_safe(h->cmds, bkt, tmp, c, hnode) {
		if (itn_id && c->itn_id != *itn_id)
			continue;
		if (c->sc && !c->doomed) {
			c->doomed = true;
			refcount_inc(&c->ref);
			list_add_tail(&c->reap, &reap);
		}
		scsi_tgt_cmd_unhash(h, c);
	}
	list_for_each_entry_safe(c, next, &reap, reap) {
		scsi_tgt_wait(h, !c->busy);
		if (c->sc) {
			c->busy = true;
			continue;
		}
		list_del(&c->reap);
		scsi_tgt_cmd_put(c);
	}
	spin_unlock_bh(&h->lock);

	list_for_each_entry(c, &reap, reap)
		scsi_tgt_sc_fail(c->sc, host_byte);

	spin_lock_bh(&h->lock);
	list_for_each_entry_safe(c, next, &reap, reap) {
		c->sc = NULL;
		scsi_tgt_cmd_unbusy(h, c);
		list_del(&c->reap);
		scsi_tgt_cmd_put(c);
	}
	spin_unlock_bh(&h->lock);
}

/* ---- nexuses ---------------------------------------------------------- */

static struct scsi_tgt_nexus *scsi_tgt_nexus_find(struct scsi_tgt_host *h,
						  u64 itn_id)
{
	struct scsi_tgt_nexus *n;

	hash_for_each_possible(h->nexuses, n, hnode, itn_id)
		if (n->itn_id == itn_id)
			return n;
	return NULL;
}

static struct sk_buff *scsi_tgt_nexus_msg(const struct scsi_tgt_host *h,
					  const struct scsi_tgt_nexus *n,
					  u32 function)
{
	size_t size = scsi_tgt_ids_size() + nla_total_size(sizeof(u32));
	bool create = function == TGT_NEXUS_CREATE;
	struct sk_buff *skb;
	void *hdr;

	if (create)
		size += nla_total_size(strlen(n->initiator) + 1) +
			nla_total_size(sizeof(u32));
	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = scsi_tgt_msg_put(skb, TGT_KEVENT_IT_NEXUS_REQ);
	if (!hdr ||
	    scsi_tgt_ids_put(skb, h->host_no, n->itn_id) ||
	    nla_put_u32(skb, TGT_ATTR_FUNCTION, function) ||
	    (create && (nla_put_string(skb, TGT_ATTR_INITIATOR, n->initiator) ||
			nla_put_u32(skb, TGT_ATTR_MAX_CMDS, max_cmds)))) {
		nlmsg_free(skb);
		return NULL;
	}
	genlmsg_end(skb, hdr);
	return skb;
}

/* Sends IT_NEXUS_REQ @function for @n.  scsi_tgt_mutex held. */
static int scsi_tgt_nexus_send(struct scsi_tgt_host *h,
			       const struct scsi_tgt_nexus *n, u32 function)
{
	struct sk_buff *skb;

	lockdep_assert_held(&scsi_tgt_mutex);
	if (!rcu_access_pointer(scsi_tgt_reg))
		return -ENOTCONN;
	skb = scsi_tgt_nexus_msg(h, n, function);
	if (!skb)
		return -ENOMEM;
	return scsi_tgt_send(skb);
}

/* Re-offers every nexus of @h to tgtd. */
static int scsi_tgt_nexuses_replay(struct scsi_tgt_host *h)
{
	struct scsi_tgt_nexus *n;
	int bkt, ret;

	lockdep_assert_held(&scsi_tgt_mutex);
	hash_for_each(h->nexuses, bkt, n, hnode) {
		ret = scsi_tgt_nexus_send(h, n, TGT_NEXUS_CREATE);
		if (ret)
			return ret;
	}
	return 0;
}

/* Replays the nexuses of @only, or of every host when NULL. */
static int scsi_tgt_replay(struct scsi_tgt_host *only)
{
	struct scsi_tgt_host *h;
	unsigned long idx;
	int ret;

	lockdep_assert_held(&scsi_tgt_mutex);
	xa_for_each(&scsi_tgt_hosts, idx, h) {
		if (only && h != only)
			continue;
		ret = scsi_tgt_nexuses_replay(h);
		if (ret) {
			pr_warn_ratelimited("nexus replay of host %u failed: %d\n",
					    h->host_no, ret);
			return ret;
		}
	}
	return 0;
}

/* tgtd is gone: every nexus must be accepted again after it returns. */
static void scsi_tgt_nexuses_unanswer(struct scsi_tgt_host *h)
{
	struct scsi_tgt_nexus *n;
	int bkt;

	spin_lock_bh(&h->lock);
	hash_for_each(h->nexuses, bkt, n, hnode)
		n->state = SCSI_TGT_NEXUS_PENDING;
	spin_unlock_bh(&h->lock);
}

static int scsi_tgt_nexus_insert(struct scsi_tgt_host *h,
				 struct scsi_tgt_nexus *n)
{
	int ret = 0;

	lockdep_assert_held(&scsi_tgt_mutex);
	spin_lock_bh(&h->lock);
	if (h->dying)
		ret = -ENODEV;
	else if (scsi_tgt_nexus_find(h, n->itn_id))
		ret = -EEXIST;
	else
		hash_add(h->nexuses, &n->hnode, n->itn_id);
	spin_unlock_bh(&h->lock);
	return ret;
}

static struct scsi_tgt_nexus *scsi_tgt_nexus_unlink(struct scsi_tgt_host *h,
						    u64 itn_id)
{
	struct scsi_tgt_nexus *n;

	lockdep_assert_held(&scsi_tgt_mutex);
	spin_lock_bh(&h->lock);
	n = scsi_tgt_nexus_find(h, itn_id);
	if (n)
		hash_del(&n->hnode);
	spin_unlock_bh(&h->lock);
	return n;
}

/* ---- task management -------------------------------------------------- */

static bool scsi_tgt_tmf_has_lun(int function)
{
	return function == TGT_TMF_FN_ABORT_TASK ||
	       function == TGT_TMF_FN_ABORT_TASK_SET ||
	       function == TGT_TMF_FN_CLEAR_TASK_SET ||
	       function == TGT_TMF_FN_LUN_RESET;
}

/* Does reset TMF @tmf take command @c from the initiator's side? */
static bool scsi_tgt_tmf_covers(const struct scsi_tgt_tmf *tmf,
				const struct scsi_tgt_cmd *c)
{
	if (tmf->function == TGT_TMF_FN_ABORT_TASK ||
	    c->itn_id != tmf->itn_id || c->tag > tmf->tag_limit)
		return false;
	return !scsi_tgt_tmf_has_lun(tmf->function) || c->lun == tmf->lun;
}

/* Takes @tmf off the host's list; false if someone else already did. */
static bool scsi_tgt_tmf_claim(struct scsi_tgt_host *h,
			       struct scsi_tgt_tmf *tmf)
{
	bool claimed;

	spin_lock_bh(&h->lock);
	claimed = !list_empty(&tmf->node);
	list_del_init(&tmf->node);
	spin_unlock_bh(&h->lock);
	return claimed;
}

static struct scsi_tgt_tmf *scsi_tgt_tmf_claim_mid(struct scsi_tgt_host *h,
						   u64 itn_id, u64 mid)
{
	struct scsi_tgt_tmf *tmf;

	spin_lock_bh(&h->lock);
	list_for_each_entry(tmf, &h->tmfs, node) {
		if (tmf->mid == mid && tmf->itn_id == itn_id) {
			list_del_init(&tmf->node);
			spin_unlock_bh(&h->lock);
			return tmf;
		}
	}
	spin_unlock_bh(&h->lock);
	return NULL;
}

/* Claims the TMFs of the host (@itn_id NULL) or of one nexus onto @list. */
static void scsi_tgt_tmfs_claim(struct scsi_tgt_host *h, const u64 *itn_id,
				struct list_head *list)
{
	struct scsi_tgt_tmf *tmf, *next;

	spin_lock_bh(&h->lock);
	list_for_each_entry_safe(tmf, next, &h->tmfs, node) {
		if (itn_id && tmf->itn_id != *itn_id)
			continue;
		list_del_init(&tmf->node);
		list_add_tail(&tmf->fail, list);
	}
	spin_unlock_bh(&h->lock);
}

/* Answers a claimed TMF to the LLD and frees it (no timer pending). */
static void scsi_tgt_tmf_end(struct scsi_tgt_tmf *tmf, int result)
{
	struct scsi_tgt_host *h = tmf->h;

	h->t->tsk_mgmt_response(h, tmf->itn_id, tmf->mid, result);
	kfree(tmf);
	scsi_tgt_host_put(h);
}

/* Fails claimed TMFs with @result; no locks held. */
static void scsi_tgt_tmfs_fail(struct list_head *list, int result)
{
	struct scsi_tgt_tmf *tmf, *next;

	list_for_each_entry_safe(tmf, next, list, fail) {
		list_del(&tmf->fail);
		cancel_delayed_work_sync(&tmf->timeout);
		scsi_tgt_tmf_end(tmf, result);
	}
}

static void scsi_tgt_tmf_expire(struct work_struct *work)
{
	struct scsi_tgt_tmf *tmf = container_of(to_delayed_work(work),
						struct scsi_tgt_tmf, timeout);

	if (!scsi_tgt_tmf_claim(tmf->h, tmf))
		return;
	pr_warn_ratelimited("host %u: TMF %d (mid %llu) timed out\n",
			    tmf->h->host_no, tmf->function, tmf->mid);
	scsi_tgt_tmf_end(tmf, -ETIMEDOUT);
}

/*
 * After a successful reset the midlayer's EH owns what the reset covered:
 * drop those commands without completing them (waiting for copies), and
 * leave their tags for tgtd's final CMD_RSP.
 */
static void scsi_tgt_cmds_discard(struct scsi_tgt_host *h,
				  const struct scsi_tgt_tmf *tmf)
{
	struct scsi_tgt_cmd *c, *next;
	LIST_HEAD(discard);
	int bkt;

	spin_lock_bh(&h->lock);
	hash_for_each(h->cmds, bkt, c, hnode) {
		if (!c->sc || c->doomed || !scsi_tgt_tmf_covers(tmf, c))
			continue;
		c->doomed = true;
		refcount_inc(&c->ref);
		list_add_tail(&c->reap, &discard);
	}
	list_for_each_entry_safe(c, next, &discard, reap) {
		scsi_tgt_wait(h, !c->busy);
		c->sc = NULL;
		list_del(&c->reap);
		scsi_tgt_cmd_put(c);
	}
	scsi_tgt_host_wake(h);
	spin_unlock_bh(&h->lock);
}

/* Marks the commands a reset TMF will take; sets its scope limit. */
static void scsi_tgt_cmds_cover(struct scsi_tgt_host *h,
				struct scsi_tgt_tmf *tmf)
{
	struct scsi_tgt_cmd *c;
	int bkt;

	spin_lock_bh(&h->lock);
	tmf->tag_limit = atomic64_read(&scsi_tgt_next_tag);
	hash_for_each(h->cmds, bkt, c, hnode)
		if (scsi_tgt_tmf_covers(tmf, c))
			c->covered = true;
	spin_unlock_bh(&h->lock);
}

/*
 * Takes @sc from the class for ABORT TASK: once this succeeds the class
 * never touches @sc again.  Waits for copies and completions in progress,
 * so -ENOENT means @sc was completed (or never queued) and no scsi_done()
 * for it is still running.
 */
static int scsi_tgt_cmd_abort_claim(struct scsi_tgt_host *h, u64 itn_id,
				    struct scsi_cmnd *sc,
				    struct scsi_tgt_tmf *tmf)
{
	struct scsi_tgt_cmd *c;
	int ret = -ENOENT;

	spin_lock_bh(&h->lock);
	c = scsi_tgt_cmd_find_sc(h, itn_id, sc);
	if (!c)
		goto unlock;
	refcount_inc(&c->ref);
	if (c->doomed) {
		/* another finisher has it; wait until it let go */
		scsi_tgt_wait(h, c->sc != sc);
	} else {
		c->doomed = true;
		scsi_tgt_wait(h, !c->busy);
		if (c->sc == sc) {
			c->sc = NULL;
			tmf->tag = c->tag;
			tmf->lun = c->lun;
			ret = 0;
			scsi_tgt_host_wake(h);
		}
	}
	scsi_tgt_cmd_put(c);
unlock:
	spin_unlock_bh(&h->lock);
	return ret;
}

static size_t scsi_tgt_tmf_msg_size(void)
{
	return scsi_tgt_ids_size() + nla_total_size(sizeof(u32)) +
	       2 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(sizeof(struct scsi_lun));
}

static int scsi_tgt_tmf_msg_fill(struct sk_buff *skb,
				 const struct scsi_tgt_host *h,
				 const struct scsi_tgt_tmf *tmf)
{
	struct scsi_lun lun;
	void *hdr;

	hdr = scsi_tgt_msg_put(skb, TGT_KEVENT_TSK_MGMT_REQ);
	if (!hdr ||
	    scsi_tgt_ids_put(skb, h->host_no, tmf->itn_id) ||
	    nla_put_u32(skb, TGT_ATTR_FUNCTION, tmf->function) ||
	    nla_put_u64_64bit(skb, TGT_ATTR_MID, tmf->mid, TGT_ATTR_PAD))
		return -EMSGSIZE;
	if (tmf->function == TGT_TMF_FN_ABORT_TASK &&
	    nla_put_u64_64bit(skb, TGT_ATTR_TAG, tmf->tag, TGT_ATTR_PAD))
		return -EMSGSIZE;
	if (scsi_tgt_tmf_has_lun(tmf->function)) {
		int_to_scsilun(tmf->lun, &lun);
		if (nla_put(skb, TGT_ATTR_LUN, sizeof(lun), &lun))
			return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int scsi_tgt_tmf_check(const struct scsi_tgt_host *h, int function,
			      const struct scsi_cmnd *sc, const u64 *mid)
{
	if (!mid || !h->t->tsk_mgmt_response)
		return -EINVAL;
	if (function < TGT_TMF_FN_ABORT_TASK ||
	    function > TGT_TMF_FN_TARGET_RESET)
		return -EINVAL;
	if (function == TGT_TMF_FN_ABORT_TASK && !sc)
		return -EINVAL;
	return 0;
}

/* Can a TMF go to tgtd for this nexus?  scsi_tgt_mutex held. */
static int scsi_tgt_tmf_admit(struct scsi_tgt_host *h, u64 itn_id, bool *live)
{
	struct scsi_tgt_nexus *n;
	int ret = 0;

	lockdep_assert_held(&scsi_tgt_mutex);
	if (!rcu_access_pointer(scsi_tgt_reg))
		return -ENOTCONN;
	spin_lock_bh(&h->lock);
	n = scsi_tgt_nexus_find(h, itn_id);
	if (h->dying)
		ret = -ENOTCONN;
	else if (!n)
		ret = -ENOENT;
	else
		*live = n->state == SCSI_TGT_NEXUS_LIVE;
	spin_unlock_bh(&h->lock);
	return ret;
}

/* Lists @tmf as outstanding (pinning the host) and starts its timer. */
static void scsi_tgt_tmf_arm(struct scsi_tgt_host *h, struct scsi_tgt_tmf *tmf)
{
	refcount_inc(&h->users);
	spin_lock_bh(&h->lock);
	list_add_tail(&tmf->node, &h->tmfs);
	spin_unlock_bh(&h->lock);
	queue_delayed_work(scsi_tgt_wq, &tmf->timeout, tmf_timeout * HZ);
}

/*
 * The send failed: take @tmf back unless its answer is already on the way
 * (someone claimed it), in which case the request stands.
 */
static bool scsi_tgt_tmf_disarm(struct scsi_tgt_host *h,
				struct scsi_tgt_tmf *tmf)
{
	if (!scsi_tgt_tmf_claim(h, tmf))
		return false;
	cancel_delayed_work_sync(&tmf->timeout);
	kfree(tmf);
	scsi_tgt_host_put(h);
	return true;
}

/* Claims the TMF's commands: the aborted task, or a reset's scope. */
static int scsi_tgt_tmf_prepare(struct scsi_tgt_host *h,
				struct scsi_tgt_tmf *tmf, struct scsi_cmnd *sc,
				bool live)
{
	int ret = 0;

	if (tmf->function == TGT_TMF_FN_ABORT_TASK)
		ret = scsi_tgt_cmd_abort_claim(h, tmf->itn_id, sc, tmf);
	else if (live)
		scsi_tgt_cmds_cover(h, tmf);
	if (!ret && !live)
		ret = -ENOTCONN;
	return ret;
}

static struct scsi_tgt_tmf *scsi_tgt_tmf_alloc(struct scsi_tgt_host *h,
					       u64 itn_id, int function,
					       u64 lun)
{
	struct scsi_tgt_tmf *tmf;

	tmf = kzalloc(sizeof(*tmf), GFP_KERNEL);
	if (!tmf)
		return NULL;
	INIT_LIST_HEAD(&tmf->node);
	INIT_DELAYED_WORK(&tmf->timeout, scsi_tgt_tmf_expire);
	tmf->h = h;
	tmf->itn_id = itn_id;
	tmf->function = function;
	tmf->lun = lun;
	tmf->mid = atomic64_inc_return(&scsi_tgt_next_mid);
	return tmf;
}

/*
 * Sends a TMF.  *@mid is set before the request leaves, so the LLD can
 * match a tsk_mgmt_response that arrives before this returns.  Whatever
 * the result, the class no longer references an ABORT TASK's @sc: on
 * -ENOENT it was completed (or never queued), otherwise it was dropped
 * without completion and the LLD's EH owns it.
 */
int scsi_tgt_tsk_mgmt_request(struct scsi_tgt_host *h, u64 itn_id,
			      int function, struct scsi_cmnd *sc, u64 lun,
			      u64 *mid)
{
	struct scsi_tgt_tmf *tmf;
	struct sk_buff *skb;
	bool live = false;
	int ret;

	might_sleep();
	ret = scsi_tgt_tmf_check(h, function, sc, mid);
	if (ret)
		return ret;
	tmf = scsi_tgt_tmf_alloc(h, itn_id, function, lun);
	skb = genlmsg_new(scsi_tgt_tmf_msg_size(), GFP_KERNEL);
	if (!tmf || !skb) {
		ret = -ENOMEM;
		goto free;
	}

	mutex_lock(&scsi_tgt_mutex);
	ret = scsi_tgt_tmf_admit(h, itn_id, &live);
	if (!ret)
		ret = scsi_tgt_tmf_prepare(h, tmf, sc, live);
	if (!ret)
		ret = scsi_tgt_tmf_msg_fill(skb, h, tmf);
	if (ret)
		goto unlock;

	*mid = tmf->mid;
	scsi_tgt_tmf_arm(h, tmf);
	ret = scsi_tgt_send(skb);
	skb = NULL;
	if (ret && !scsi_tgt_tmf_disarm(h, tmf))
		ret = 0;
	tmf = NULL;
unlock:
	mutex_unlock(&scsi_tgt_mutex);
free:
	nlmsg_free(skb);
	kfree(tmf);
	return ret;
}
EXPORT_SYMBOL_GPL(scsi_tgt_tsk_mgmt_request);

/* ---- host and nexus API ----------------------------------------------- */

struct scsi_tgt_host *scsi_tgt_host_add(const struct scsi_tgt_template *t,
					void *priv)
{
	struct scsi_tgt_host *h;
	int ret;

	if (!t || !t->it_nexus_response)
		return ERR_PTR(-EINVAL);
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return ERR_PTR(-ENOMEM);
	h->t = t;
	h->priv = priv;
	refcount_set(&h->users, 1);
	init_completion(&h->released);
	spin_lock_init(&h->lock);
	init_waitqueue_head(&h->wq);
	INIT_LIST_HEAD(&h->tmfs);
	hash_init(h->cmds);
	hash_init(h->nexuses);

	ret = ida_alloc(&scsi_tgt_host_ida, GFP_KERNEL);
	if (ret < 0)
		goto free_host;
	h->host_no = ret;
	mutex_lock(&scsi_tgt_mutex);
	ret = xa_insert(&scsi_tgt_hosts, h->host_no, h, GFP_KERNEL);
	mutex_unlock(&scsi_tgt_mutex);
	if (ret)
		goto free_host_no;
	pr_info("host %u added (%s)\n", h->host_no, t->name ?: "unnamed");
	return h;

free_host_no:
	ida_free(&scsi_tgt_host_ida, h->host_no);
free_host:
	kfree(h);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(scsi_tgt_host_add);

/* Unlinks every nexus of a dying host, telling tgtd.  Mutex held. */
static void scsi_tgt_host_nexuses_destroy(struct scsi_tgt_host *h)
{
	struct scsi_tgt_nexus *n;
	struct hlist_node *tmp;
	int bkt, ret;

	lockdep_assert_held(&scsi_tgt_mutex);
	hash_for_each_safe(h->nexuses, bkt, tmp, n, hnode) {
		spin_lock_bh(&h->lock);
		hash_del(&n->hnode);
		spin_unlock_bh(&h->lock);
		ret = scsi_tgt_nexus_send(h, n, TGT_NEXUS_DESTROY);
		if (ret && ret != -ENOTCONN)
			pr_warn_ratelimited("host %u: could not tell tgtd nexus %llu is gone: %d\n",
					    h->host_no, n->itn_id, ret);
		kfree(n);
	}
}

void scsi_tgt_host_remove(struct scsi_tgt_host *h)
{
	LIST_HEAD(tmfs);

	might_sleep();
	mutex_lock(&scsi_tgt_mutex);
	xa_erase(&scsi_tgt_hosts, h->host_no);
	spin_lock_bh(&h->lock);
	h->dying = true;
	spin_unlock_bh(&h->lock);
	scsi_tgt_host_nexuses_destroy(h);
	scsi_tgt_cmds_reap(h, NULL, DID_NO_CONNECT);
	scsi_tgt_tmfs_claim(h, NULL, &tmfs);
	mutex_unlock(&scsi_tgt_mutex);

	scsi_tgt_tmfs_fail(&tmfs, -ENOTCONN);
	scsi_tgt_host_put(h);
	wait_for_completion(&h->released);
	WARN_ON_ONCE(h->nr_cmds || !list_empty(&h->tmfs));
	pr_info("host %u removed\n", h->host_no);
	ida_free(&scsi_tgt_host_ida, h->host_no);
	kfree_rcu(h, rcu);
}
EXPORT_SYMBOL_GPL(scsi_tgt_host_remove);

u32 scsi_tgt_host_no(const struct scsi_tgt_host *h)
{
	return h->host_no;
}
EXPORT_SYMBOL_GPL(scsi_tgt_host_no);

void *scsi_tgt_host_priv(const struct scsi_tgt_host *h)
{
	return h->priv;
}
EXPORT_SYMBOL_GPL(scsi_tgt_host_priv);

static struct scsi_tgt_nexus *scsi_tgt_nexus_alloc(u64 itn_id,
						   const char *initiator)
{
	struct scsi_tgt_nexus *n;
	size_t len;

	if (!initiator)
		return ERR_PTR(-EINVAL);
	len = strnlen(initiator, SCSI_TGT_NAME_MAX);
	if (!len || len >= SCSI_TGT_NAME_MAX)
		return ERR_PTR(-EINVAL);
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->itn_id = itn_id;
	n->state = SCSI_TGT_NEXUS_PENDING;
	memcpy(n->initiator, initiator, len);
	return n;
}

int scsi_tgt_it_nexus_create(struct scsi_tgt_host *h, u64 itn_id,
			     const char *initiator)
{
	struct scsi_tgt_nexus *n;
	int ret;

	might_sleep();
	n = scsi_tgt_nexus_alloc(itn_id, initiator);
	if (IS_ERR(n))
		return PTR_ERR(n);
	mutex_lock(&scsi_tgt_mutex);
	ret = scsi_tgt_nexus_insert(h, n);
	if (ret) {
		mutex_unlock(&scsi_tgt_mutex);
		kfree(n);
		return ret;
	}
	/* Not sent (no tgtd, no memory): it stays pending for a replay. */
	ret = scsi_tgt_nexus_send(h, n, TGT_NEXUS_CREATE);
	if (ret && ret != -ENOTCONN)
		pr_warn_ratelimited("host %u: nexus %llu pending, IT_NEXUS_REQ failed: %d\n",
				    h->host_no, itn_id, ret);
	mutex_unlock(&scsi_tgt_mutex);
	return 0;
}
EXPORT_SYMBOL_GPL(scsi_tgt_it_nexus_create);

int scsi_tgt_it_nexus_destroy(struct scsi_tgt_host *h, u64 itn_id)
{
	struct scsi_tgt_nexus *n;
	LIST_HEAD(tmfs);
	int ret;

	might_sleep();
	mutex_lock(&scsi_tgt_mutex);
	n = scsi_tgt_nexus_unlink(h, itn_id);
	if (!n) {
		mutex_unlock(&scsi_tgt_mutex);
		return -ENOENT;
	}
	ret = scsi_tgt_nexus_send(h, n, TGT_NEXUS_DESTROY);
	if (ret && ret != -ENOTCONN)
		pr_warn_ratelimited("host %u: could not tell tgtd nexus %llu is gone: %d\n",
				    h->host_no, itn_id, ret);
	scsi_tgt_cmds_reap(h, &itn_id, DID_NO_CONNECT);
	scsi_tgt_tmfs_claim(h, &itn_id, &tmfs);
	mutex_unlock(&scsi_tgt_mutex);

	scsi_tgt_tmfs_fail(&tmfs, -ENOTCONN);
	kfree(n);
	return 0;
}
EXPORT_SYMBOL_GPL(scsi_tgt_it_nexus_destroy);

/* ---- queuecommand path (atomic) --------------------------------------- */

static int scsi_tgt_data_dir(const struct scsi_cmnd *sc)
{
	switch (sc->sc_data_direction) {
	case DMA_NONE:
		return TGT_DIR_NONE;
	case DMA_FROM_DEVICE:
		return TGT_DIR_READ;
	case DMA_TO_DEVICE:
		return TGT_DIR_WRITE;
	default:
		return -EINVAL;
	}
}

static size_t scsi_tgt_cmd_req_size(void)
{
	return scsi_tgt_ids_size() + nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(SCSI_TGT_CDB_MAX) +
	       nla_total_size(sizeof(struct scsi_lun)) +
	       2 * nla_total_size(sizeof(u8)) + nla_total_size(sizeof(u32));
}

static struct sk_buff *scsi_tgt_cmd_req_msg(const struct scsi_tgt_host *h,
					    const struct scsi_tgt_cmd *c,
					    int dir)
{
	struct scsi_cmnd *sc = c->sc;
	struct scsi_lun lun;
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(scsi_tgt_cmd_req_size(), GFP_ATOMIC);
	if (!skb)
		return NULL;
	int_to_scsilun(c->lun, &lun);
	hdr = scsi_tgt_msg_put(skb, TGT_KEVENT_CMD_REQ);
	if (!hdr ||
	    scsi_tgt_ids_put(skb, h->host_no, c->itn_id) ||
	    nla_put_u64_64bit(skb, TGT_ATTR_TAG, c->tag, TGT_ATTR_PAD) ||
	    nla_put(skb, TGT_ATTR_CDB, sc->cmd_len, sc->cmnd) ||
	    nla_put(skb, TGT_ATTR_LUN, sizeof(lun), &lun) ||
	    nla_put_u8(skb, TGT_ATTR_TASK_ATTR, TGT_TATTR_SIMPLE) ||
	    nla_put_u8(skb, TGT_ATTR_DATA_DIR, dir) ||
	    nla_put_u32(skb, TGT_ATTR_DATA_LEN, scsi_bufflen(sc))) {
		nlmsg_free(skb);
		return NULL;
	}
	genlmsg_end(skb, hdr);
	return skb;
}

/*
 * May a command enter nexus @itn_id now?  0, a SCSI_MLQUEUE_* busy code,
 * or -ENODEV when it never will (host going, nexus unknown).
 */
static int scsi_tgt_cmd_admit(struct scsi_tgt_host *h, u64 itn_id,
			      const struct scsi_tgt_reg *reg)
{
	struct scsi_tgt_nexus *n;

	if (h->dying)
		return -ENODEV;
	n = scsi_tgt_nexus_find(h, itn_id);
	if (!n)
		return -ENODEV;
	if (!reg || h->nr_cmds >= max_cmds ||
	    !skb_queue_empty_lockless(&scsi_tgt_backlog))
		return SCSI_MLQUEUE_HOST_BUSY;
	if (n->state != SCSI_TGT_NEXUS_LIVE)
		return SCSI_MLQUEUE_TARGET_BUSY;
	return 0;
}

/*
 * Sends CMD_REQ and enters the command in one h->lock section: tgtd's
 * answer cannot find the table without the entry, and the entry never
 * exists without tgtd having been told.  Consumes @skb.
 */
static int scsi_tgt_cmd_submit(struct scsi_tgt_host *h, struct scsi_tgt_cmd *c,
			       struct sk_buff *skb)
{
	const struct scsi_tgt_reg *reg;
	int ret;

	rcu_read_lock();
	reg = rcu_dereference(scsi_tgt_reg);
	spin_lock_bh(&h->lock);
	ret = scsi_tgt_cmd_admit(h, c->itn_id, reg);
	if (!ret) {
		ret = genlmsg_unicast(reg->net, skb, reg->portid);
		skb = NULL;
		if (!ret)
			scsi_tgt_cmd_hash(h, c);
	}
	spin_unlock_bh(&h->lock);
	rcu_read_unlock();
	nlmsg_free(skb);

	if (ret < 0 && ret != -ENODEV) {
		/* -EAGAIN: tgtd's socket is full: back-pressure, no drop */
		if (ret != -EAGAIN)
			pr_warn_ratelimited("host %u: CMD_REQ not sent: %d\n",
					    h->host_no, ret);
		ret = SCSI_MLQUEUE_HOST_BUSY;
	}
	return ret;
}

static struct scsi_tgt_cmd *scsi_tgt_cmd_alloc(struct scsi_cmnd *sc,
					       u64 itn_id)
{
	struct scsi_tgt_cmd *c;

	c = kmem_cache_zalloc(scsi_tgt_cmd_cache, GFP_ATOMIC);
	if (!c)
		return NULL;
	INIT_LIST_HEAD(&c->reap);
	refcount_set(&c->ref, 1);
	c->sc = sc;
	c->itn_id = itn_id;
	c->lun = sc->device->lun;
	c->tag = atomic64_inc_return(&scsi_tgt_next_tag);
	return c;
}

/* Fails a command that can never be served, from queuecommand. */
static int scsi_tgt_cmd_refuse(struct scsi_tgt_host *h, struct scsi_cmnd *sc,
			       int host_byte)
{
	if (host_byte == DID_ERROR)
		pr_warn_ratelimited("host %u: unsupported command (dir %d, cdb %u, len %u)\n",
				    h->host_no, sc->sc_data_direction,
				    sc->cmd_len, scsi_bufflen(sc));
	scsi_tgt_sc_fail(sc, host_byte);
	return 0;
}

int scsi_tgt_queue_command(struct scsi_tgt_host *h, u64 itn_id,
			   struct scsi_cmnd *sc)
{
	struct scsi_tgt_cmd *c;
	struct sk_buff *skb;
	int dir, ret;

	dir = scsi_tgt_data_dir(sc);
	if (dir < 0 || !sc->cmd_len || sc->cmd_len > SCSI_TGT_CDB_MAX ||
	    scsi_bufflen(sc) > SCSI_TGT_XFER_MAX)
		return scsi_tgt_cmd_refuse(h, sc, DID_ERROR);
	if (!rcu_access_pointer(scsi_tgt_reg))
		return SCSI_MLQUEUE_HOST_BUSY;

	c = scsi_tgt_cmd_alloc(sc, itn_id);
	if (!c)
		return SCSI_MLQUEUE_HOST_BUSY;
	skb = scsi_tgt_cmd_req_msg(h, c, dir);
	if (!skb) {
		kmem_cache_free(scsi_tgt_cmd_cache, c);
		return SCSI_MLQUEUE_HOST_BUSY;
	}
	ret = scsi_tgt_cmd_submit(h, c, skb);
	if (!ret)
		return 0;
	kmem_cache_free(scsi_tgt_cmd_cache, c);
	if (ret == -ENODEV)
		return scsi_tgt_cmd_refuse(h, sc, DID_NO_CONNECT);
	return ret;
}
EXPORT_SYMBOL_GPL(scsi_tgt_queue_command);

/* ---- data copies (tgtd's context) ------------------------------------- */

/*
 * Moves the first @len bytes between @sc's scatterlist and tgtd's buffer
 * @ubuf: data-out to tgtd when @to_user, data-in from tgtd otherwise.
 * Runs in tgtd's context, so a bad address faults into -EFAULT, never an
 * oops; a scatterlist shorter than @len is -EINVAL.
 */
static int scsi_tgt_sgl_copy(struct scsi_cmnd *sc, void __user *ubuf,
			     u32 len, bool to_user)
{
	struct sg_mapping_iter miter;
	u32 done = 0;
	int ret = 0;

	if (!len)
		return 0;
	sg_miter_start(&miter, scsi_sglist(sc), scsi_sg_count(sc),
		       to_user ? SG_MITER_FROM_SG : SG_MITER_TO_SG);
	while (done < len && sg_miter_next(&miter)) {
		size_t n = min_t(size_t, miter.length, len - done);
		unsigned long left = to_user ?
			copy_to_user(ubuf + done, miter.addr, n) :
			copy_from_user(miter.addr, ubuf + done, n);

		if (left) {
			ret = -EFAULT;
			break;
		}
		done += n;
	}
	sg_miter_stop(&miter);
	if (!ret && done < len)
		ret = -EINVAL;
	return ret;
}

/* ---- generic netlink: helpers ----------------------------------------- */

static int scsi_tgt_attrs_require(struct genl_info *info,
				  unsigned long required)
{
	unsigned int attr;

	for_each_set_bit(attr, &required, __TGT_ATTR_MAX) {
		if (info->attrs[attr])
			continue;
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, attr);
		NL_SET_ERR_MSG(info->extack,
			       "scsi_tgt: missing required attribute");
		return -EINVAL;
	}
	return 0;
}

#define SCSI_TGT_IDS	(BIT(TGT_ATTR_HOST_NO) | BIT(TGT_ATTR_ITN_ID))

/* The host a response names, pinned; NULL (extack set) if unknown. */
static struct scsi_tgt_host *scsi_tgt_req_host(struct genl_info *info)
{
	struct scsi_tgt_host *h;

	h = scsi_tgt_host_get(nla_get_u32(info->attrs[TGT_ATTR_HOST_NO]));
	if (!h)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TGT_ATTR_HOST_NO],
				    "scsi_tgt: no such host");
	return h;
}

static void scsi_tgt_cmd_errmsg(struct genl_info *info, int err)
{
	struct nlattr *tag = info->attrs[TGT_ATTR_TAG];

	switch (err) {
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(info->extack, tag,
				    "scsi_tgt: no such command on this nexus");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG_ATTR(info->extack, tag,
				    "scsi_tgt: command busy with another request");
		break;
	case -ECANCELED:
		NL_SET_ERR_MSG_ATTR(info->extack, tag,
				    "scsi_tgt: command was aborted by the initiator");
		break;
	case -EINVAL:
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TGT_ATTR_XFER_LEN],
				    "scsi_tgt: transfer does not fit the command");
		break;
	case -EFAULT:
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TGT_ATTR_UADDR],
				    "scsi_tgt: bad buffer address");
		break;
	}
}

/* Everything but REGISTER must come from the registered tgtd socket. */
static int scsi_tgt_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	if (ops->cmd == TGT_UEVENT_REGISTER ||
	    scsi_tgt_reg_matches(genl_info_net(info), info->snd_portid))
		return 0;
	NL_SET_ERR_MSG(info->extack,
		       "scsi_tgt: sender is not the registered tgtd");
	return -EPERM;
}

/* ---- REGISTER / NEXUS_REPLAY ------------------------------------------ */

/* Records the caller as tgtd; idempotent for the same socket. */
static int scsi_tgt_reg_set(struct genl_info *info, u32 abi)
{
	struct scsi_tgt_reg *cur = scsi_tgt_reg_locked();
	struct net *net = genl_info_net(info);
	struct scsi_tgt_reg *reg;

	if (cur) {
		if (scsi_tgt_reg_is(cur, net, info->snd_portid)) {
			WRITE_ONCE(cur->abi, abi);
			return 0;
		}
		NL_SET_ERR_MSG(info->extack,
			       "scsi_tgt: another tgtd is registered");
		return -EBUSY;
	}
	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return -ENOMEM;
	reg->net = get_net(net);
	reg->portid = info->snd_portid;
	reg->abi = abi;
	rcu_assign_pointer(scsi_tgt_reg, reg);
	pr_info_ratelimited("tgtd registered (portid %u, ABI %u)\n",
			    reg->portid, abi);
	return 0;
}

static int scsi_tgt_register_reply(struct genl_info *info, u32 abi)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &scsi_tgt_family, 0,
				TGT_UEVENT_REGISTER);
	if (!hdr ||
	    nla_put_u32(skb, TGT_ATTR_ABI_VERSION, abi)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int scsi_tgt_register_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *abi = info->attrs[TGT_ATTR_ABI_VERSION];
	u32 version;
	int ret;

	ret = scsi_tgt_attrs_require(info, BIT(TGT_ATTR_ABI_VERSION));
	if (ret)
		return ret;
	version = nla_get_u32(abi);
	if (version < SCSI_TGT_ABI_VERSION_MIN ||
	    version > SCSI_TGT_ABI_VERSION) {
		NL_SET_ERR_MSG_ATTR(info->extack, abi,
				    "scsi_tgt: ABI version mismatch");
		return -EPROTO;
	}
	mutex_lock(&scsi_tgt_mutex);
	ret = scsi_tgt_reg_set(info, version);
	if (!ret)
		ret = scsi_tgt_register_reply(info, version);
	/* A replay tgtd could not take is its to redo (NEXUS_REPLAY). */
	if (!ret)
		scsi_tgt_replay(NULL);
	mutex_unlock(&scsi_tgt_mutex);
	return ret;
}

static int scsi_tgt_replay_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *host_no = info->attrs[TGT_ATTR_HOST_NO];
	struct scsi_tgt_host *h = NULL;
	int ret;

	mutex_lock(&scsi_tgt_mutex);
	if (host_no) {
		h = xa_load(&scsi_tgt_hosts, nla_get_u32(host_no));
		if (!h) {
			NL_SET_ERR_MSG_ATTR(info->extack, host_no,
					    "scsi_tgt: no such host");
			ret = -ENOENT;
			goto unlock;
		}
	}
	ret = scsi_tgt_replay(h);
unlock:
	mutex_unlock(&scsi_tgt_mutex);
	return ret;
}

/* ---- IT_NEXUS_RSP ----------------------------------------------------- */

/* tgtd accepted or refused a nexus (an answer, or its own change). */
static int scsi_tgt_nexus_answer(struct scsi_tgt_host *h, u64 itn_id,
				 int result, struct genl_info *info)
{
	struct nlattr *name = info->attrs[TGT_ATTR_INITIATOR];
	struct scsi_tgt_nexus *n;
	int ret = 0;

	spin_lock_bh(&h->lock);
	n = scsi_tgt_nexus_find(h, itn_id);
	if (!n || (name && nla_strcmp(name, n->initiator)))
		ret = -ENOENT;
	else
		n->state = result ? SCSI_TGT_NEXUS_REFUSED :
				    SCSI_TGT_NEXUS_LIVE;
	spin_unlock_bh(&h->lock);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TGT_ATTR_ITN_ID],
				    "scsi_tgt: no such nexus");
		return ret;
	}
	h->t->it_nexus_response(h, itn_id, result);
	return 0;
}

static int scsi_tgt_nexus_rsp_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct scsi_tgt_host *h;
	u32 function;
	int result, ret;

	ret = scsi_tgt_attrs_require(info, SCSI_TGT_IDS |
				     BIT(TGT_ATTR_FUNCTION) |
				     BIT(TGT_ATTR_RESULT));
	if (ret)
		return ret;
	function = nla_get_u32(info->attrs[TGT_ATTR_FUNCTION]);
	result = nla_get_s32(info->attrs[TGT_ATTR_RESULT]);
	if ((function != TGT_NEXUS_CREATE && function != TGT_NEXUS_DESTROY) ||
	    result > 0 || result < -MAX_ERRNO) {
		NL_SET_ERR_MSG(info->extack,
			       "scsi_tgt: bad nexus function or result");
		return -EINVAL;
	}
	/* DESTROY acknowledges a request that already forgot the nexus. */
	if (function == TGT_NEXUS_DESTROY)
		return 0;
	h = scsi_tgt_req_host(info);
	if (!h)
		return -ENOENT;
	ret = scsi_tgt_nexus_answer(h,
				    nla_get_u64(info->attrs[TGT_ATTR_ITN_ID]),
				    result, info);
	scsi_tgt_host_put(h);
	return ret;
}

/* ---- TSK_MGMT_RSP ----------------------------------------------------- */

static int scsi_tgt_tmf_rsp_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct scsi_tgt_host *h;
	struct scsi_tgt_tmf *tmf;
	int result, ret;

	ret = scsi_tgt_attrs_require(info, SCSI_TGT_IDS | BIT(TGT_ATTR_MID) |
				     BIT(TGT_ATTR_RESULT));
	if (ret)
		return ret;
	result = nla_get_s32(info->attrs[TGT_ATTR_RESULT]);
	if (result < TGT_TMF_RSP_COMPLETE || result > TGT_TMF_RSP_FAILED) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TGT_ATTR_RESULT],
				    "scsi_tgt: bad TMF result");
		return -EINVAL;
	}
	h = scsi_tgt_req_host(info);
	if (!h)
		return -ENOENT;
	tmf = scsi_tgt_tmf_claim_mid(h,
				     nla_get_u64(info->attrs[TGT_ATTR_ITN_ID]),
				     nla_get_u64(info->attrs[TGT_ATTR_MID]));
	if (!tmf) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TGT_ATTR_MID],
				    "scsi_tgt: no such TMF on this nexus");
		scsi_tgt_host_put(h);
		return -ENOENT;
	}
	cancel_delayed_work_sync(&tmf->timeout);
	if (result == TGT_TMF_RSP_COMPLETE)
		scsi_tgt_cmds_discard(h, tmf);
	scsi_tgt_tmf_end(tmf, result);
	scsi_tgt_host_put(h);
	return 0;
}

/* ---- CMD_XFER --------------------------------------------------------- */

/* Marks a WRITE busy for a data-out copy of @len bytes. */
static int scsi_tgt_cmd_pin_out(struct scsi_tgt_host *h, u64 itn_id, u64 tag,
				u32 len, struct scsi_tgt_cmd **cp)
{
	struct scsi_tgt_cmd *c;
	int ret = 0;

	spin_lock_bh(&h->lock);
	c = scsi_tgt_cmd_find(h, itn_id, tag);
	if (!c)
		ret = -ENOENT;
	else if (c->busy)
		ret = -EBUSY;
	else if (!c->sc || c->doomed)
		ret = -ECANCELED;
	else if (c->sc->sc_data_direction != DMA_TO_DEVICE ||
		 len > scsi_bufflen(c->sc))
		ret = -EINVAL;
	if (!ret) {
		c->busy = true;
		refcount_inc(&c->ref);
		*cp = c;
	}
	spin_unlock_bh(&h->lock);
	return ret;
}

static void scsi_tgt_cmd_unpin_out(struct scsi_tgt_host *h,
				   struct scsi_tgt_cmd *c, u32 copied)
{
	spin_lock_bh(&h->lock);
	c->data_out = max(c->data_out, copied);
	scsi_tgt_cmd_unbusy(h, c);
	spin_unlock_bh(&h->lock);
	scsi_tgt_cmd_put(c);
}

static int scsi_tgt_cmd_xfer_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct scsi_tgt_cmd *c;
	struct scsi_tgt_host *h;
	void __user *ubuf;
	u32 len;
	int ret;

	ret = scsi_tgt_attrs_require(info, SCSI_TGT_IDS | BIT(TGT_ATTR_TAG) |
				     BIT(TGT_ATTR_UADDR) |
				     BIT(TGT_ATTR_XFER_LEN));
	if (ret)
		return ret;
	len = nla_get_u32(info->attrs[TGT_ATTR_XFER_LEN]);
	ubuf = u64_to_user_ptr(nla_get_u64(info->attrs[TGT_ATTR_UADDR]));
	if (len > SCSI_TGT_XFER_MAX) {
		scsi_tgt_cmd_errmsg(info, -EINVAL);
		return -EINVAL;
	}
	h = scsi_tgt_req_host(info);
	if (!h)
		return -ENOENT;
	ret = scsi_tgt_cmd_pin_out(h, nla_get_u64(info->attrs[TGT_ATTR_ITN_ID]),
				   nla_get_u64(info->attrs[TGT_ATTR_TAG]), len,
				   &c);
	if (!ret) {
		ret = scsi_tgt_sgl_copy(c->sc, ubuf, len, true);
		scsi_tgt_cmd_unpin_out(h, c, ret ? 0 : len);
	}
	scsi_tgt_cmd_errmsg(info, ret);
	scsi_tgt_host_put(h);
	return ret;
}

/* ---- CMD_RSP ---------------------------------------------------------- */

static int scsi_tgt_rsp_parse(struct genl_info *info, struct scsi_tgt_rsp *r)
{
	struct nlattr *uaddr = info->attrs[TGT_ATTR_UADDR];
	struct nlattr *xfer = info->attrs[TGT_ATTR_XFER_LEN];
	int ret;

	ret = scsi_tgt_attrs_require(info, SCSI_TGT_IDS | BIT(TGT_ATTR_TAG) |
				     BIT(TGT_ATTR_RESULT));
	if (ret)
		return ret;
	r->itn_id = nla_get_u64(info->attrs[TGT_ATTR_ITN_ID]);
	r->tag = nla_get_u64(info->attrs[TGT_ATTR_TAG]);
	r->status = nla_get_s32(info->attrs[TGT_ATTR_RESULT]);
	r->sense = info->attrs[TGT_ATTR_SENSE];
	if (r->status < 0 || r->status > 0xff) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TGT_ATTR_RESULT],
				    "scsi_tgt: RESULT is not a SAM status");
		return -EINVAL;
	}
	if (!uaddr != !xfer) {
		NL_SET_ERR_MSG(info->extack,
			       "scsi_tgt: UADDR and XFER_LEN go together");
		return -EINVAL;
	}
	r->ubuf = uaddr ? u64_to_user_ptr(nla_get_u64(uaddr)) : NULL;
	r->xfer = xfer ? nla_get_u32(xfer) : 0;
	if (r->xfer > SCSI_TGT_XFER_MAX) {
		scsi_tgt_cmd_errmsg(info, -EINVAL);
		return -EINVAL;
	}
	return 0;
}

/*
 * Decides what a CMD_RSP does with its command: reject it (<0), absorb it
 * (1: tgtd's answer ends a command the class no longer completes; *@done
 * is CMD_DONE's RESULT), or claim it for completion (0, entry busy).
 */
static int scsi_tgt_rsp_claim(struct scsi_tgt_host *h,
			      const struct scsi_tgt_rsp *r,
			      struct scsi_tgt_cmd **cp, int *done)
{
	bool aborted = r->status == SAM_STAT_TASK_ABORTED;
	struct scsi_tgt_cmd *c;
	int ret = 0;

	spin_lock_bh(&h->lock);
	c = scsi_tgt_cmd_find(h, r->itn_id, r->tag);
	if (!c) {
		ret = -ENOENT;
	} else if (c->busy) {
		ret = -EBUSY;
	} else if (!c->sc || c->doomed || (aborted && c->covered)) {
		if (c->sc && !c->doomed) {
			/* the initiator's reset owns it: do not complete */
			c->sc = NULL;
			scsi_tgt_host_wake(h);
		}
		scsi_tgt_cmd_unhash(h, c);
		*done = aborted ? 0 : -ECANCELED;
		ret = 1;
	} else if (r->xfer && (c->sc->sc_data_direction != DMA_FROM_DEVICE ||
			       r->xfer > scsi_bufflen(c->sc))) {
		ret = -EINVAL;
	} else {
		c->busy = true;
		refcount_inc(&c->ref);
		*cp = c;
	}
	spin_unlock_bh(&h->lock);
	return ret;
}

/* Bytes the command moved, for the residual. */
static u32 scsi_tgt_rsp_moved(const struct scsi_cmnd *sc,
			      const struct scsi_tgt_cmd *c,
			      const struct scsi_tgt_rsp *r)
{
	if (sc->sc_data_direction == DMA_FROM_DEVICE)
		return r->xfer;
	if (sc->sc_data_direction == DMA_TO_DEVICE)
		return c->data_out;
	return 0;
}

static void scsi_tgt_sc_respond(struct scsi_cmnd *sc,
				const struct scsi_tgt_cmd *c,
				const struct scsi_tgt_rsp *r, int err)
{
	size_t len;

	if (err) {
		scsi_tgt_sc_fail(sc, DID_ERROR);
		return;
	}
	sc->result = DID_OK << 16 | r->status;
	scsi_set_resid(sc, scsi_bufflen(sc) - scsi_tgt_rsp_moved(sc, c, r));
	if (r->sense) {
		len = min_t(size_t, nla_len(r->sense), SCSI_SENSE_BUFFERSIZE);
		memcpy(sc->sense_buffer, nla_data(r->sense), len);
		memset(sc->sense_buffer + len, 0, SCSI_SENSE_BUFFERSIZE - len);
	}
	scsi_done(sc);
}

/*
 * Copies data-in and completes a claimed command, unless a finisher
 * claimed it meanwhile (then it owns sc).  Returns CMD_DONE's RESULT.
 */
static int scsi_tgt_rsp_complete(struct scsi_tgt_host *h,
				 struct scsi_tgt_cmd *c,
				 const struct scsi_tgt_rsp *r)
{
	struct scsi_cmnd *sc = c->sc;
	bool doomed;
	int err;

	err = scsi_tgt_sgl_copy(sc, r->ubuf, r->xfer, false);
	spin_lock_bh(&h->lock);
	doomed = c->doomed;
	if (doomed) {
		scsi_tgt_cmd_unbusy(h, c);
		scsi_tgt_cmd_unhash(h, c);
	}
	spin_unlock_bh(&h->lock);

	if (!doomed) {
		/* still busy: an abort now waits for scsi_done() to return */
		scsi_tgt_sc_respond(sc, c, r, err);
		spin_lock_bh(&h->lock);
		c->sc = NULL;
		scsi_tgt_cmd_unbusy(h, c);
		scsi_tgt_cmd_unhash(h, c);
		spin_unlock_bh(&h->lock);
	}
	scsi_tgt_cmd_put(c);
	if (err)
		pr_warn_ratelimited("host %u: data-in copy for tag %llu failed: %d\n",
				    h->host_no, r->tag, err);
	return doomed ? -ECANCELED : err;
}

static struct sk_buff *scsi_tgt_cmd_done_msg(u32 host_no,
					     const struct scsi_tgt_rsp *r,
					     int result)
{
	size_t size = scsi_tgt_ids_size() + nla_total_size_64bit(sizeof(u64)) +
		      nla_total_size(sizeof(s32));
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = scsi_tgt_msg_put(skb, TGT_KEVENT_CMD_DONE);
	if (!hdr ||
	    scsi_tgt_ids_put(skb, host_no, r->itn_id) ||
	    nla_put_u64_64bit(skb, TGT_ATTR_TAG, r->tag, TGT_ATTR_PAD) ||
	    nla_put_s32(skb, TGT_ATTR_RESULT, result)) {
		nlmsg_free(skb);
		return NULL;
	}
	genlmsg_end(skb, hdr);
	return skb;
}

/*
 * Does the caller (the registered tgtd: pre_doit checked it) want a
 * CMD_DONE that only says "delivered"?  From ABI 2 on the accepted
 * request says it: copies are done inside it.
 */
static bool scsi_tgt_done_wanted(int result)
{
	const struct scsi_tgt_reg *reg;
	bool ret = true;

	if (result)
		return true;
	rcu_read_lock();
	reg = rcu_dereference(scsi_tgt_reg);
	if (reg)
		ret = READ_ONCE(reg->abi) < 2;
	rcu_read_unlock();
	return ret;
}

/* Tells tgtd its buffer for the command is free (held back if need be). */
static void scsi_tgt_cmd_done_send(struct genl_info *info, u32 host_no,
				   const struct scsi_tgt_rsp *r, int result)
{
	struct sk_buff *skb;
	int ret = -ENOMEM;

	if (!scsi_tgt_done_wanted(result))
		return;
	skb = scsi_tgt_cmd_done_msg(host_no, r, result);
	if (skb)
		ret = scsi_tgt_event_send(genl_info_net(info),
					  info->snd_portid, skb);
	if (ret)
		pr_warn_ratelimited("host %u: CMD_DONE for tag %llu not sent: %d\n",
				    host_no, r->tag, ret);
}

static int scsi_tgt_cmd_rsp_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct scsi_tgt_host *h;
	struct scsi_tgt_rsp r;
	struct scsi_tgt_cmd *c = NULL;
	int ret, done = 0;

	ret = scsi_tgt_rsp_parse(info, &r);
	if (ret)
		return ret;
	h = scsi_tgt_req_host(info);
	if (!h)
		return -ENOENT;
	ret = scsi_tgt_rsp_claim(h, &r, &c, &done);
	if (ret < 0) {
		scsi_tgt_cmd_errmsg(info, ret);
		goto put_host;
	}
	if (!ret)
		done = scsi_tgt_rsp_complete(h, c, &r);
	scsi_tgt_cmd_done_send(info, h->host_no, &r, done);
	ret = 0;
put_host:
	scsi_tgt_host_put(h);
	return ret;
}

/* ---- tgtd going away -------------------------------------------------- */

/* tgtd is gone: requeue every command, keep the nexuses for a replay. */
static void scsi_tgt_host_orphan(struct scsi_tgt_host *h,
				 struct list_head *tmfs)
{
	scsi_tgt_nexuses_unanswer(h);
	scsi_tgt_cmds_reap(h, NULL, DID_REQUEUE);
	scsi_tgt_tmfs_claim(h, NULL, tmfs);
}

static void scsi_tgt_unregister(const struct net *net, u32 portid)
{
	struct scsi_tgt_reg *reg;
	struct scsi_tgt_host *h;
	unsigned long idx;
	LIST_HEAD(tmfs);

	mutex_lock(&scsi_tgt_mutex);
	if (!scsi_tgt_reg_is(scsi_tgt_reg_locked(), net, portid)) {
		mutex_unlock(&scsi_tgt_mutex);
		return;
	}
	reg = scsi_tgt_reg_clear();
	skb_queue_purge(&scsi_tgt_backlog);
	xa_for_each(&scsi_tgt_hosts, idx, h)
		scsi_tgt_host_orphan(h, &tmfs);
	mutex_unlock(&scsi_tgt_mutex);

	scsi_tgt_tmfs_fail(&tmfs, -ENOTCONN);
	pr_info_ratelimited("tgtd unregistered (portid %u)\n", portid);
	scsi_tgt_reg_free(reg);
}

static int scsi_tgt_netlink_event(struct notifier_block *nb,
				  unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	if (scsi_tgt_reg_matches(n->net, n->portid))
		scsi_tgt_unregister(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block scsi_tgt_netlink_nb = {
	.notifier_call = scsi_tgt_netlink_event,
};

/* ---- family ----------------------------------------------------------- */

static const struct nla_policy scsi_tgt_register_policy[TGT_ATTR_MAX + 1] = {
	[TGT_ATTR_ABI_VERSION]	= { .type = NLA_U32 },
};

static const struct nla_policy scsi_tgt_replay_policy[TGT_ATTR_MAX + 1] = {
	[TGT_ATTR_HOST_NO]	= { .type = NLA_U32 },
};

static const struct nla_policy scsi_tgt_cmd_rsp_policy[TGT_ATTR_MAX + 1] = {
	[TGT_ATTR_HOST_NO]	= { .type = NLA_U32 },
	[TGT_ATTR_ITN_ID]	= { .type = NLA_U64 },
	[TGT_ATTR_TAG]		= { .type = NLA_U64 },
	[TGT_ATTR_RESULT]	= { .type = NLA_S32 },
	[TGT_ATTR_SENSE]	= { .type = NLA_BINARY,
				    .len = SCSI_TGT_SENSE_MAX },
	[TGT_ATTR_UADDR]	= { .type = NLA_U64 },
	[TGT_ATTR_XFER_LEN]	= { .type = NLA_U32 },
};

static const struct nla_policy scsi_tgt_cmd_xfer_policy[TGT_ATTR_MAX + 1] = {
	[TGT_ATTR_HOST_NO]	= { .type = NLA_U32 },
	[TGT_ATTR_ITN_ID]	= { .type = NLA_U64 },
	[TGT_ATTR_TAG]		= { .type = NLA_U64 },
	[TGT_ATTR_UADDR]	= { .type = NLA_U64 },
	[TGT_ATTR_XFER_LEN]	= { .type = NLA_U32 },
};

static const struct nla_policy scsi_tgt_nexus_rsp_policy[TGT_ATTR_MAX + 1] = {
	[TGT_ATTR_HOST_NO]	= { .type = NLA_U32 },
	[TGT_ATTR_ITN_ID]	= { .type = NLA_U64 },
	[TGT_ATTR_FUNCTION]	= { .type = NLA_U32 },
	[TGT_ATTR_RESULT]	= { .type = NLA_S32 },
	[TGT_ATTR_INITIATOR]	= { .type = NLA_NUL_STRING,
				    .len = SCSI_TGT_NAME_MAX - 1 },
};

static const struct nla_policy scsi_tgt_tmf_rsp_policy[TGT_ATTR_MAX + 1] = {
	[TGT_ATTR_HOST_NO]	= { .type = NLA_U32 },
	[TGT_ATTR_ITN_ID]	= { .type = NLA_U64 },
	[TGT_ATTR_MID]		= { .type = NLA_U64 },
	[TGT_ATTR_RESULT]	= { .type = NLA_S32 },
};

static const struct genl_ops scsi_tgt_ops[] = {
	{
		.cmd = TGT_UEVENT_REGISTER,
		.flags = GENL_ADMIN_PERM,
		.doit = scsi_tgt_register_doit,
		.policy = scsi_tgt_register_policy,
		.maxattr = TGT_ATTR_MAX,
	},
	{
		.cmd = TGT_UEVENT_NEXUS_REPLAY,
		.flags = GENL_ADMIN_PERM,
		.doit = scsi_tgt_replay_doit,
		.policy = scsi_tgt_replay_policy,
		.maxattr = TGT_ATTR_MAX,
	},
	{
		.cmd = TGT_UEVENT_CMD_XFER,
		.flags = GENL_ADMIN_PERM,
		.doit = scsi_tgt_cmd_xfer_doit,
		.policy = scsi_tgt_cmd_xfer_policy,
		.maxattr = TGT_ATTR_MAX,
	},
	{
		.cmd = TGT_UEVENT_CMD_RSP,
		.flags = GENL_ADMIN_PERM,
		.doit = scsi_tgt_cmd_rsp_doit,
		.policy = scsi_tgt_cmd_rsp_policy,
		.maxattr = TGT_ATTR_MAX,
	},
	{
		.cmd = TGT_UEVENT_IT_NEXUS_RSP,
		.flags = GENL_ADMIN_PERM,
		.doit = scsi_tgt_nexus_rsp_doit,
		.policy = scsi_tgt_nexus_rsp_policy,
		.maxattr = TGT_ATTR_MAX,
	},
	{
		.cmd = TGT_UEVENT_TSK_MGMT_RSP,
		.flags = GENL_ADMIN_PERM,
		.doit = scsi_tgt_tmf_rsp_doit,
		.policy = scsi_tgt_tmf_rsp_policy,
		.maxattr = TGT_ATTR_MAX,
	},
};

/*
 * parallel_ops: doits do their own locking, so tgtd's I/O threads copy
 * data concurrently instead of queueing on genl_mutex.
 */
static struct genl_family scsi_tgt_family __ro_after_init = {
	.name = SCSI_TGT_GENL_NAME,
	.version = SCSI_TGT_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.pre_doit = scsi_tgt_pre_doit,
	.ops = scsi_tgt_ops,
	.n_ops = ARRAY_SIZE(scsi_tgt_ops),
	.module = THIS_MODULE,
};

/* ---- module ----------------------------------------------------------- */

static void scsi_tgt_params_check(void)
{
	if (!max_cmds || max_cmds > SCSI_TGT_MAX_CMDS_LIMIT) {
		pr_warn("max_cmds %u out of range, using 1024\n", max_cmds);
		max_cmds = 1024;
	}
	if (!tmf_timeout || tmf_timeout > 3600) {
		pr_warn("tmf_timeout %u out of range, using 30\n", tmf_timeout);
		tmf_timeout = 30;
	}
}

static int __init scsi_tgt_init(void)
{
	int ret;

	scsi_tgt_params_check();
	skb_queue_head_init(&scsi_tgt_backlog);
	scsi_tgt_cmd_cache = KMEM_CACHE(scsi_tgt_cmd, 0);
	if (!scsi_tgt_cmd_cache)
		return -ENOMEM;
	/* TMF timeouts run in the I/O error path: keep a rescuer. */
	scsi_tgt_wq = alloc_workqueue("scsi_tgt", WQ_MEM_RECLAIM, 0);
	if (!scsi_tgt_wq) {
		ret = -ENOMEM;
		goto destroy_cache;
	}
	ret = netlink_register_notifier(&scsi_tgt_netlink_nb);
	if (ret)
		goto destroy_wq;
	ret = genl_register_family(&scsi_tgt_family);
	if (ret)
		goto unregister_notifier;
	pr_info("loaded (ABI %u..%u, max_cmds %u)\n", SCSI_TGT_ABI_VERSION_MIN,
		SCSI_TGT_ABI_VERSION, max_cmds);
	return 0;

unregister_notifier:
	netlink_unregister_notifier(&scsi_tgt_netlink_nb);
destroy_wq:
	destroy_workqueue(scsi_tgt_wq);
destroy_cache:
	kmem_cache_destroy(scsi_tgt_cmd_cache);
	return ret;
}

/*
 * Hosts hold the LLD's module, which uses our symbols, so none is left
 * here.  The family goes first: genl waits for running doits.
 */
static void __exit scsi_tgt_exit(void)
{
	struct scsi_tgt_reg *reg;

	genl_unregister_family(&scsi_tgt_family);
	netlink_unregister_notifier(&scsi_tgt_netlink_nb);
	WARN_ON(!xa_empty(&scsi_tgt_hosts));
	mutex_lock(&scsi_tgt_mutex);
	reg = scsi_tgt_reg_clear();
	mutex_unlock(&scsi_tgt_mutex);
	if (reg)
		scsi_tgt_reg_free(reg);
	cancel_delayed_work_sync(&scsi_tgt_backlog_work);
	skb_queue_purge(&scsi_tgt_backlog);
	destroy_workqueue(scsi_tgt_wq);
	kmem_cache_destroy(scsi_tgt_cmd_cache);
	ida_destroy(&scsi_tgt_host_ida);
	pr_info("unloaded\n");
}

module_init(scsi_tgt_init);
module_exit(scsi_tgt_exit);

MODULE_DESCRIPTION("SCSI target transport class (generic netlink to tgtd)");
MODULE_LICENSE("GPL");
