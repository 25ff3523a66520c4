// SPDX-License-Identifier: GPL-2.0-only
/*
 * tgt_loop: loopback target LLD for the scsi_tgt transport class.
 *
 * The local SCSI midlayer is the initiator: every initiator port added
 * through sysfs (/sys/kernel/tgt_loop/host<H>/add_port) becomes an I_T
 * nexus on target host H and, once tgtd accepts the nexus, a Scsi_Host
 * whose LUNs show up as /dev/sdX and /dev/sgN.  See doc/tgt_loop.md.
 *
 * Objects and lifetimes:
 *  - struct tgt_loop_host: one per target host (module parameter
 *    nr_hosts), owns a kobject; lives from load to unload.
 *  - struct tgt_loop_port: one per initiator port, on its host's list from
 *    add_port until remove_port (or unload) has torn everything down.
 *  - struct tgt_loop_ini: the Scsi_Host's hostdata.  Everything the
 *    midlayer callbacks (queuecommand, EH) need lives here, so they never
 *    touch a port, whose memory goes away with remove_port while the
 *    Scsi_Host may outlive it by a reference.
 *
 * Locking: host->cfg_lock (mutex) serialises add/remove of ports and
 * unload; host->lock (spinlock) protects the port list, each port's state
 * and shost pointer; ini->tmf_lock protects the TMF waiters.  Order:
 * cfg_lock -> lock -> tmf_lock.  No lock is held across a call into the
 * class.
 */
#define pr_fmt(fmt) "tgt_loop: " fmt

#include <linux/completion.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

#include "scsi_tgt.h"
#include "scsi_tgt_nl.h"

#define TGT_LOOP_MAX_HOSTS	16
#define TGT_LOOP_MAX_PORTS	15	/* per host, so the listing fits */
#define TGT_LOOP_CAN_QUEUE	128
#define TGT_LOOP_CMD_PER_LUN	32
#define TGT_LOOP_SG_TABLESIZE	256
#define TGT_LOOP_MAX_LUN	16384
/* A safety net: the class answers -ETIMEDOUT after its tmf_timeout (30 s). */
#define TGT_LOOP_TMF_TIMEOUT	(35 * HZ)
#define TGT_LOOP_TMF_EARLY	8
/* How long a port removal may wait for tgtd before its nexus is cut. */
#define TGT_LOOP_REMOVE_GRACE	(10 * HZ)

/* Longest "ports" line: name, itn_id, state, SCSI host number. */
#define TGT_LOOP_LINE_MAX \
	(SCSI_TGT_NAME_MAX - 1 + 1 + 20 + 1 + 8 + 1 + 10 + 1)

enum tgt_loop_port_state {
	TGT_LOOP_PORT_PENDING,	/* nexus requested, no answer yet */
	TGT_LOOP_PORT_LIVE,	/* tgtd accepted the nexus */
	TGT_LOOP_PORT_REFUSED,	/* refused, until a replay accepts it */
	TGT_LOOP_PORT_FAILED,	/* accepted, but the Scsi_Host failed */
	TGT_LOOP_PORT_REMOVING,	/* remove_port or unload under way */
};

static const char *const tgt_loop_port_state_names[] = {
	[TGT_LOOP_PORT_PENDING] = "pending",
	[TGT_LOOP_PORT_LIVE] = "live",
	[TGT_LOOP_PORT_REFUSED] = "refused",
	[TGT_LOOP_PORT_FAILED] = "failed",
	[TGT_LOOP_PORT_REMOVING] = "removing",
};

struct tgt_loop_host {
	struct kobject kobj;		/* /sys/kernel/tgt_loop/host<H> */
	struct scsi_tgt_host *th;
	struct mutex cfg_lock;
	spinlock_t lock;
	struct list_head ports;
	unsigned int nr_ports;
	u64 next_itn_id;		/* never reused while loaded */
};

struct tgt_loop_port {
	struct list_head node;
	struct tgt_loop_host *host;
	struct work_struct attach_work;	/* creates the Scsi_Host */
	struct delayed_work cut_work;	/* a stalled removal cuts the nexus */
	struct Scsi_Host *shost;	/* NULL until accepted */
	u64 itn_id;
	enum tgt_loop_port_state state;
	char name[SCSI_TGT_NAME_MAX];
};

/* A TMF answer that arrived before its requester knew the mid. */
struct tgt_loop_tmf_early {
	u64 mid;
	int result;
	bool valid;
};

struct tgt_loop_ini {
	struct scsi_tgt_host *th;
	u64 itn_id;
	bool removing;		/* fail, not busy: removal must end */
	spinlock_t tmf_lock;
	struct list_head tmf_waiters;
	struct tgt_loop_tmf_early early[TGT_LOOP_TMF_EARLY];
	unsigned int early_next;
};

struct tgt_loop_tmf {
	struct list_head node;
	u64 mid;
	int result;
	struct completion done;
};

static unsigned int nr_hosts = 1;
module_param(nr_hosts, uint, 0444);
MODULE_PARM_DESC(nr_hosts, "Number of target hosts to create (1..16, default 1)");

static struct workqueue_struct *tgt_loop_wq;
static struct kobject *tgt_loop_root;
static struct tgt_loop_host *tgt_loop_hosts[TGT_LOOP_MAX_HOSTS];

static struct tgt_loop_ini *tgt_loop_ini_get(struct Scsi_Host *shost)
{
	return shost_priv(shost);
}

/* ---- task management ------------------------------------------------ */

/*
 * Hands a TMF answer to its waiter.  The answer can beat the requester
 * (tgtd answers before scsi_tgt_tsk_mgmt_request() returned the mid), so
 * unmatched answers are kept in a small ring the requester checks first.
 */
static void tgt_loop_tmf_deliver(struct tgt_loop_ini *ini, u64 mid,
				 int result)
{
	struct tgt_loop_tmf_early *early;
	struct tgt_loop_tmf *tmf;

	spin_lock(&ini->tmf_lock);
	list_for_each_entry(tmf, &ini->tmf_waiters, node) {
		if (tmf->mid != mid)
			continue;
		list_del_init(&tmf->node);
		tmf->result = result;
		complete(&tmf->done);
		goto unlock;
	}
	early = &ini->early[ini->early_next++ % TGT_LOOP_TMF_EARLY];
	early->mid = mid;
	early->result = result;
	early->valid = true;
unlock:
	spin_unlock(&ini->tmf_lock);
}

/* Takes an early answer for @mid, or queues @tmf to wait for it. */
static bool tgt_loop_tmf_arm(struct tgt_loop_ini *ini,
			     struct tgt_loop_tmf *tmf, u64 mid)
{
	unsigned int i;
	bool answered = false;

	spin_lock(&ini->tmf_lock);
	for (i = 0; i < TGT_LOOP_TMF_EARLY; i++) {
		if (!ini->early[i].valid || ini->early[i].mid != mid)
			continue;
		ini->early[i].valid = false;
		tmf->result = ini->early[i].result;
		answered = true;
		break;
	}
	if (!answered) {
		tmf->mid = mid;
		list_add_tail(&tmf->node, &ini->tmf_waiters);
	}
	spin_unlock(&ini->tmf_lock);
	return answered;
}

/*
 * Waits (uninterruptibly, bounded) for the answer to TMF @mid; the
 * waiter is unlinked under the lock so a late answer cannot touch it.
 */
static int tgt_loop_tmf_wait(struct tgt_loop_ini *ini, u64 mid)
{
	struct tgt_loop_tmf tmf;

	INIT_LIST_HEAD(&tmf.node);
	init_completion(&tmf.done);
	if (tgt_loop_tmf_arm(ini, &tmf, mid))
		return tmf.result;
	wait_for_completion_timeout(&tmf.done, TGT_LOOP_TMF_TIMEOUT);
	spin_lock(&ini->tmf_lock);
	if (!list_empty(&tmf.node)) {
		list_del_init(&tmf.node);
		tmf.result = -ETIMEDOUT;
	}
	spin_unlock(&ini->tmf_lock);
	return tmf.result;
}

static const char *tgt_loop_tmf_name(int fn)
{
	switch (fn) {
	case TGT_TMF_FN_ABORT_TASK:
		return "ABORT TASK";
	case TGT_TMF_FN_LUN_RESET:
		return "LOGICAL UNIT RESET";
	case TGT_TMF_FN_TARGET_RESET:
		return "TARGET RESET";
	case TGT_TMF_FN_IT_NEXUS_RESET:
		return "I_T NEXUS RESET";
	default:
		return "TMF";
	}
}

/*
 * Runs one TMF on the nexus of @sc's host and maps the answer onto the
 * midlayer's EH verdict.  @task is the command to abort (ABORT TASK).
 */
static int tgt_loop_tmf_run(struct scsi_cmnd *sc, int fn,
			    struct scsi_cmnd *task, u64 lun)
{
	struct Scsi_Host *shost = sc->device->host;
	struct tgt_loop_ini *ini = tgt_loop_ini_get(shost);
	u64 mid;
	int ret;

	ret = scsi_tgt_tsk_mgmt_request(ini->th, ini->itn_id, fn, task, lun,
					&mid);
	if (ret == -ENOENT && task)
		return SUCCESS;	/* completed before the abort */
	if (ret) {
		pr_warn("host%u: %s not sent: %d\n", shost->host_no,
			tgt_loop_tmf_name(fn), ret);
		return FAILED;
	}
	ret = tgt_loop_tmf_wait(ini, mid);
	if (ret == TGT_TMF_RSP_COMPLETE || ret == TGT_TMF_RSP_NO_TASK)
		return SUCCESS;
	pr_warn("host%u: %s failed: %d\n", shost->host_no,
		tgt_loop_tmf_name(fn), ret);
	return FAILED;
}

static int tgt_loop_eh_abort(struct scsi_cmnd *sc)
{
	return tgt_loop_tmf_run(sc, TGT_TMF_FN_ABORT_TASK, sc, sc->device->lun);
}

static int tgt_loop_eh_lun_reset(struct scsi_cmnd *sc)
{
	return tgt_loop_tmf_run(sc, TGT_TMF_FN_LUN_RESET, NULL,
				sc->device->lun);
}

static int tgt_loop_eh_target_reset(struct scsi_cmnd *sc)
{
	return tgt_loop_tmf_run(sc, TGT_TMF_FN_TARGET_RESET, NULL, 0);
}

static int tgt_loop_eh_host_reset(struct scsi_cmnd *sc)
{
	return tgt_loop_tmf_run(sc, TGT_TMF_FN_IT_NEXUS_RESET, NULL, 0);
}

/* ---- the initiator-side Scsi_Host ----------------------------------- */

/*
 * Never sleeps.  While the port is being removed, a command the class
 * cannot take (tgtd gone, nexus not live) fails at once instead of being
 * retried: scsi_remove_host() must not wait forever for a tgtd that may
 * never come back.
 */
static int tgt_loop_queuecommand(struct Scsi_Host *shost,
				 struct scsi_cmnd *sc)
{
	struct tgt_loop_ini *ini = tgt_loop_ini_get(shost);
	int ret;

	ret = scsi_tgt_queue_command(ini->th, ini->itn_id, sc);
	if (ret && READ_ONCE(ini->removing)) {
		set_host_byte(sc, DID_NO_CONNECT);
		scsi_done(sc);
		return 0;
	}
	return ret;
}

static struct scsi_host_template tgt_loop_sht = {
	.module			= THIS_MODULE,
	.name			= "tgt_loop",
	.proc_name		= "tgt_loop",
	.queuecommand		= tgt_loop_queuecommand,
	.change_queue_depth	= scsi_change_queue_depth,
	.eh_abort_handler	= tgt_loop_eh_abort,
	.eh_device_reset_handler = tgt_loop_eh_lun_reset,
	.eh_target_reset_handler = tgt_loop_eh_target_reset,
	.eh_host_reset_handler	= tgt_loop_eh_host_reset,
	.can_queue		= TGT_LOOP_CAN_QUEUE,
	.this_id		= -1,
	.sg_tablesize		= TGT_LOOP_SG_TABLESIZE,
	.max_sectors		= SCSI_TGT_XFER_MAX >> SECTOR_SHIFT,
	.cmd_per_lun		= TGT_LOOP_CMD_PER_LUN,
	.track_queue_depth	= 1,
	.skip_settle_delay	= 1,	/* nothing to settle */
};

/* The Scsi_Host of a port: one target (id 0), LUNs found by the scan. */
static struct Scsi_Host *tgt_loop_shost_alloc(struct tgt_loop_port *port)
{
	struct tgt_loop_ini *ini;
	struct Scsi_Host *shost;

	shost = scsi_host_alloc(&tgt_loop_sht, sizeof(*ini));
	if (!shost)
		return NULL;
	shost->max_channel = 0;
	shost->max_id = 1;
	shost->max_lun = TGT_LOOP_MAX_LUN;
	shost->max_cmd_len = SCSI_TGT_CDB_MAX;
	shost->unique_id = port->itn_id;

	ini = tgt_loop_ini_get(shost);
	ini->th = port->host->th;
	ini->itn_id = port->itn_id;
	spin_lock_init(&ini->tmf_lock);
	INIT_LIST_HEAD(&ini->tmf_waiters);
	return shost;
}

/* ---- ports ---------------------------------------------------------- */

static struct tgt_loop_port *tgt_loop_port_find_id(struct tgt_loop_host *host,
						   u64 itn_id)
{
	struct tgt_loop_port *port;

	lockdep_assert_held(&host->lock);
	list_for_each_entry(port, &host->ports, node)
		if (port->itn_id == itn_id)
			return port;
	return NULL;
}

static struct tgt_loop_port *
tgt_loop_port_find_name(struct tgt_loop_host *host, const char *name)
{
	struct tgt_loop_port *port;

	lockdep_assert_held(&host->lock);
	list_for_each_entry(port, &host->ports, node)
		if (!strcmp(port->name, name))
			return port;
	return NULL;
}

/* Whether the attach work still has a Scsi_Host to create. */
static bool tgt_loop_port_needs_shost(struct tgt_loop_port *port)
{
	bool needs;

	spin_lock(&port->host->lock);
	needs = port->state == TGT_LOOP_PORT_LIVE && !port->shost;
	spin_unlock(&port->host->lock);
	return needs;
}

/*
 * Publishes @shost before it is added, so that a removal starting now
 * can mark it removing (a synchronous scan must end).  False if the port
 * is already being removed.
 */
static bool tgt_loop_port_publish(struct tgt_loop_port *port,
				  struct Scsi_Host *shost)
{
	bool ok;

	spin_lock(&port->host->lock);
	ok = port->state != TGT_LOOP_PORT_REMOVING;
	if (ok)
		port->shost = shost;
	spin_unlock(&port->host->lock);
	return ok;
}

static void tgt_loop_port_fail(struct tgt_loop_port *port)
{
	spin_lock(&port->host->lock);
	port->shost = NULL;
	if (port->state == TGT_LOOP_PORT_LIVE)
		port->state = TGT_LOOP_PORT_FAILED;
	spin_unlock(&port->host->lock);
	pr_err("%s: cannot create the initiator SCSI host\n", port->name);
}

/*
 * Work: the nexus was accepted; create, add and scan the port's
 * Scsi_Host.  Runs on our workqueue, never in tgtd's context, because
 * scanning sends commands that tgtd has to answer.
 */
static void tgt_loop_port_attach(struct work_struct *work)
{
	struct tgt_loop_port *port =
		container_of(work, struct tgt_loop_port, attach_work);
	struct Scsi_Host *shost;

	if (!tgt_loop_port_needs_shost(port))
		return;
	shost = tgt_loop_shost_alloc(port);
	if (!shost) {
		tgt_loop_port_fail(port);
		return;
	}
	if (!tgt_loop_port_publish(port, shost))
		goto put_shost;
	if (scsi_add_host(shost, NULL)) {
		tgt_loop_port_fail(port);
		goto put_shost;
	}
	pr_info("%s: itn_id %llu is SCSI host%u\n", port->name, port->itn_id,
		shost->host_no);
	scsi_scan_host(shost);
	return;

put_shost:
	scsi_host_put(shost);
}

/*
 * Template callback, from tgtd's context or the class's workqueue: record
 * the answer and defer the Scsi_Host to the attach work.  Idempotent: a
 * replayed answer for a port that has its Scsi_Host keeps it.
 */
static void tgt_loop_nexus_response(struct scsi_tgt_host *h, u64 itn_id,
				    int result)
{
	struct tgt_loop_host *host = scsi_tgt_host_priv(h);
	enum tgt_loop_port_state state = result ? TGT_LOOP_PORT_REFUSED :
						  TGT_LOOP_PORT_LIVE;
	struct tgt_loop_port *port;
	bool changed = false;

	spin_lock(&host->lock);
	port = tgt_loop_port_find_id(host, itn_id);
	if (port && port->state != TGT_LOOP_PORT_REMOVING) {
		changed = port->state != state;
		port->state = state;
		if (!result && !port->shost)
			queue_work(tgt_loop_wq, &port->attach_work);
		if (changed && result)
			pr_warn("%s: itn_id %llu refused by tgtd: %d\n",
				port->name, itn_id, result);
	}
	spin_unlock(&host->lock);
}

/* Template callback: complete the waiting EH handler, nothing more. */
static void tgt_loop_tmf_response(struct scsi_tgt_host *h, u64 itn_id,
				  u64 mid, int result)
{
	struct tgt_loop_host *host = scsi_tgt_host_priv(h);
	struct tgt_loop_port *port;

	spin_lock(&host->lock);
	port = tgt_loop_port_find_id(host, itn_id);
	if (port && port->shost)
		tgt_loop_tmf_deliver(tgt_loop_ini_get(port->shost), mid,
				     result);
	spin_unlock(&host->lock);
}

static const struct scsi_tgt_template tgt_loop_tgt_template = {
	.name			= "tgt_loop",
	.owner			= THIS_MODULE,
	.it_nexus_response	= tgt_loop_nexus_response,
	.tsk_mgmt_response	= tgt_loop_tmf_response,
};

/* Printable ASCII without spaces, 1..SCSI_TGT_NAME_MAX-1 bytes. */
static int tgt_loop_name_parse(const char *buf, size_t len, char *name)
{
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len >= SCSI_TGT_NAME_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (buf[i] <= ' ' || buf[i] >= 0x7f)
			return -EINVAL;
	memcpy(name, buf, len);
	name[len] = '\0';
	return 0;
}

/* Puts @port on the host's list with a fresh itn_id; cfg_lock held. */
static int tgt_loop_port_insert(struct tgt_loop_host *host,
				struct tgt_loop_port *port)
{
	int ret = 0;

	spin_lock(&host->lock);
	if (tgt_loop_port_find_name(host, port->name))
		ret = -EEXIST;
	else if (host->nr_ports >= TGT_LOOP_MAX_PORTS)
		ret = -ENOSPC;
	if (!ret) {
		port->itn_id = host->next_itn_id++;
		list_add_tail(&port->node, &host->ports);
		host->nr_ports++;
	}
	spin_unlock(&host->lock);
	return ret;
}

static void tgt_loop_port_unlink(struct tgt_loop_port *port)
{
	struct tgt_loop_host *host = port->host;

	spin_lock(&host->lock);
	list_del(&port->node);
	host->nr_ports--;
	spin_unlock(&host->lock);
}

/*
 * Work: removing the Scsi_Host has waited TGT_LOOP_REMOVE_GRACE, so tgtd
 * is stuck (alive but not answering).  Destroying the nexus fails its
 * outstanding commands and TMFs at once and makes new ones fail, so the
 * midlayer's removal and error handling can finish.
 */
static void tgt_loop_port_cut(struct work_struct *work)
{
	struct tgt_loop_port *port =
		container_of(to_delayed_work(work), struct tgt_loop_port,
			     cut_work);

	pr_warn("%s: removal stalled, destroying itn_id %llu now\n",
		port->name, port->itn_id);
	scsi_tgt_it_nexus_destroy(port->host->th, port->itn_id);
}

static void tgt_loop_shost_remove(struct tgt_loop_port *port,
				  struct Scsi_Host *shost)
{
	queue_delayed_work(tgt_loop_wq, &port->cut_work,
			   TGT_LOOP_REMOVE_GRACE);
	scsi_remove_host(shost);
	cancel_delayed_work_sync(&port->cut_work);
	spin_lock(&port->host->lock);
	port->shost = NULL;
	spin_unlock(&port->host->lock);
	scsi_host_put(shost);
}

/*
 * Tears a port down: its Scsi_Host first (devices released, caches
 * flushed while tgtd answers), then the nexus.  Marking the host removing
 * first makes commands tgtd cannot take fail at once, so this ends
 * without tgtd; a tgtd that stops answering gets its nexus cut after a
 * grace period.  cfg_lock held.
 */
static void tgt_loop_port_remove(struct tgt_loop_port *port)
{
	struct tgt_loop_host *host = port->host;
	struct Scsi_Host *shost;
	int ret;

	spin_lock(&host->lock);
	port->state = TGT_LOOP_PORT_REMOVING;
	if (port->shost)
		WRITE_ONCE(tgt_loop_ini_get(port->shost)->removing, true);
	spin_unlock(&host->lock);

	cancel_work_sync(&port->attach_work);
	shost = port->shost;	/* stable: no attach work can run now */
	if (shost)
		tgt_loop_shost_remove(port, shost);
	ret = scsi_tgt_it_nexus_destroy(host->th, port->itn_id);
	if (ret && ret != -ENOENT)
		pr_warn("%s: destroying itn_id %llu: %d\n", port->name,
			port->itn_id, ret);
	tgt_loop_port_unlink(port);
	pr_info("%s: removed (itn_id %llu)\n", port->name, port->itn_id);
	kfree(port);
}

/*
 * Adds an initiator port and asks tgtd for its nexus.  The port is listed
 * before the request goes out: the answer may come back before
 * scsi_tgt_it_nexus_create() returns.
 */
static int tgt_loop_port_add(struct tgt_loop_host *host, const char *name)
{
	struct tgt_loop_port *port;
	int ret;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return -ENOMEM;
	port->host = host;
	port->state = TGT_LOOP_PORT_PENDING;
	INIT_WORK(&port->attach_work, tgt_loop_port_attach);
	INIT_DELAYED_WORK(&port->cut_work, tgt_loop_port_cut);
	strscpy(port->name, name, sizeof(port->name));

	mutex_lock(&host->cfg_lock);
	ret = tgt_loop_port_insert(host, port);
	if (ret)
		goto free_port;
	ret = scsi_tgt_it_nexus_create(host->th, port->itn_id, port->name);
	if (ret) {
		pr_err("%s: nexus request failed: %d\n", port->name, ret);
		/* an early answer may have queued the attach work */
		tgt_loop_port_remove(port);
		mutex_unlock(&host->cfg_lock);
		return ret;
	}
	pr_info("%s: added on target host %u as itn_id %llu\n", port->name,
		scsi_tgt_host_no(host->th), port->itn_id);
	mutex_unlock(&host->cfg_lock);
	return 0;

free_port:
	mutex_unlock(&host->cfg_lock);
	kfree(port);
	return ret;
}

static int tgt_loop_port_remove_name(struct tgt_loop_host *host,
				     const char *name)
{
	struct tgt_loop_port *port;
	int ret = 0;

	mutex_lock(&host->cfg_lock);
	spin_lock(&host->lock);
	port = tgt_loop_port_find_name(host, name);
	spin_unlock(&host->lock);
	if (port)
		tgt_loop_port_remove(port);
	else
		ret = -ENOENT;
	mutex_unlock(&host->cfg_lock);
	return ret;
}

/* ---- sysfs ---------------------------------------------------------- */

static struct tgt_loop_host *tgt_loop_host_of(struct kobject *kobj)
{
	return container_of(kobj, struct tgt_loop_host, kobj);
}

/* add_port and remove_port: root only, one validated port name. */
static ssize_t tgt_loop_port_store(struct kobject *kobj, const char *buf,
				   size_t count,
				   int (*op)(struct tgt_loop_host *,
					     const char *))
{
	char name[SCSI_TGT_NAME_MAX];
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = tgt_loop_name_parse(buf, count, name);
	if (!ret)
		ret = op(tgt_loop_host_of(kobj), name);
	return ret ? ret : count;
}

static ssize_t add_port_store(struct kobject *kobj,
			      struct kobj_attribute *attr, const char *buf,
			      size_t count)
{
	return tgt_loop_port_store(kobj, buf, count, tgt_loop_port_add);
}

static ssize_t remove_port_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t count)
{
	return tgt_loop_port_store(kobj, buf, count,
				   tgt_loop_port_remove_name);
}

/* One line per port: name itn_id state scsi_host ("-" if none). */
static ssize_t ports_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct tgt_loop_host *host = tgt_loop_host_of(kobj);
	struct tgt_loop_port *port;
	int len = 0;

	BUILD_BUG_ON(TGT_LOOP_MAX_PORTS * TGT_LOOP_LINE_MAX > PAGE_SIZE);
	spin_lock(&host->lock);
	list_for_each_entry(port, &host->ports, node) {
		const char *state = tgt_loop_port_state_names[port->state];

		if (port->shost)
			len += sysfs_emit_at(buf, len, "%s %llu %s %u\n",
					     port->name, port->itn_id, state,
					     port->shost->host_no);
		else
			len += sysfs_emit_at(buf, len, "%s %llu %s -\n",
					     port->name, port->itn_id, state);
	}
	spin_unlock(&host->lock);
	return len;
}

static ssize_t host_no_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  scsi_tgt_host_no(tgt_loop_host_of(kobj)->th));
}

static struct kobj_attribute tgt_loop_attr_add_port = __ATTR_WO(add_port);
static struct kobj_attribute tgt_loop_attr_remove_port = __ATTR_WO(remove_port);
static struct kobj_attribute tgt_loop_attr_ports = __ATTR_RO(ports);
static struct kobj_attribute tgt_loop_attr_host_no = __ATTR_RO(host_no);

static struct attribute *tgt_loop_host_attrs[] = {
	&tgt_loop_attr_add_port.attr,
	&tgt_loop_attr_remove_port.attr,
	&tgt_loop_attr_ports.attr,
	&tgt_loop_attr_host_no.attr,
	NULL,
};
ATTRIBUTE_GROUPS(tgt_loop_host);

static void tgt_loop_host_release(struct kobject *kobj)
{
	kfree(tgt_loop_host_of(kobj));
}

static const struct kobj_type tgt_loop_host_ktype = {
	.release	= tgt_loop_host_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= tgt_loop_host_groups,
};

/* ---- target hosts and the module ------------------------------------ */

static struct tgt_loop_host *tgt_loop_host_add(void)
{
	struct tgt_loop_host *host;
	int ret;

	host = kzalloc(sizeof(*host), GFP_KERNEL);
	if (!host)
		return ERR_PTR(-ENOMEM);
	mutex_init(&host->cfg_lock);
	spin_lock_init(&host->lock);
	INIT_LIST_HEAD(&host->ports);
	host->next_itn_id = 1;
	kobject_init(&host->kobj, &tgt_loop_host_ktype);

	host->th = scsi_tgt_host_add(&tgt_loop_tgt_template, host);
	if (IS_ERR(host->th)) {
		ret = PTR_ERR(host->th);
		goto put_kobj;
	}
	ret = kobject_add(&host->kobj, tgt_loop_root, "host%u",
			  scsi_tgt_host_no(host->th));
	if (ret)
		goto remove_tgt_host;
	pr_info("target host %u ready\n", scsi_tgt_host_no(host->th));
	return host;

remove_tgt_host:
	scsi_tgt_host_remove(host->th);
put_kobj:
	kobject_put(&host->kobj);
	return ERR_PTR(ret);
}

/*
 * Removes the sysfs directory first (waits for running add/remove
 * writes), then every port, then the target host.
 */
static void tgt_loop_host_remove(struct tgt_loop_host *host)
{
	struct tgt_loop_port *port;

	kobject_del(&host->kobj);
	mutex_lock(&host->cfg_lock);
	for (;;) {
		spin_lock(&host->lock);
		port = list_first_entry_or_null(&host->ports,
						struct tgt_loop_port, node);
		spin_unlock(&host->lock);
		if (!port)
			break;
		tgt_loop_port_remove(port);
	}
	mutex_unlock(&host->cfg_lock);
	scsi_tgt_host_remove(host->th);
	kobject_put(&host->kobj);
}

static void tgt_loop_hosts_remove(void)
{
	int i;

	for (i = TGT_LOOP_MAX_HOSTS - 1; i >= 0; i--) {
		if (!tgt_loop_hosts[i])
			continue;
		tgt_loop_host_remove(tgt_loop_hosts[i]);
		tgt_loop_hosts[i] = NULL;
	}
}

static int __init tgt_loop_init(void)
{
	struct tgt_loop_host *host;
	unsigned int i;
	int ret;

	if (nr_hosts < 1 || nr_hosts > TGT_LOOP_MAX_HOSTS) {
		pr_err("nr_hosts must be 1..%d\n", TGT_LOOP_MAX_HOSTS);
		return -EINVAL;
	}
	tgt_loop_wq = alloc_workqueue("tgt_loop", 0, 0);
	if (!tgt_loop_wq)
		return -ENOMEM;
	tgt_loop_root = kobject_create_and_add("tgt_loop", kernel_kobj);
	if (!tgt_loop_root) {
		ret = -ENOMEM;
		goto destroy_wq;
	}
	for (i = 0; i < nr_hosts; i++) {
		host = tgt_loop_host_add();
		if (IS_ERR(host)) {
			ret = PTR_ERR(host);
			goto remove_hosts;
		}
		tgt_loop_hosts[i] = host;
	}
	return 0;

remove_hosts:
	tgt_loop_hosts_remove();
	kobject_put(tgt_loop_root);
destroy_wq:
	destroy_workqueue(tgt_loop_wq);
	return ret;
}

static void __exit tgt_loop_exit(void)
{
	tgt_loop_hosts_remove();
	kobject_put(tgt_loop_root);
	destroy_workqueue(tgt_loop_wq);
}

module_init(tgt_loop_init);
module_exit(tgt_loop_exit);

MODULE_DESCRIPTION("tgt loopback target LLD: the local SCSI midlayer as initiator");
MODULE_LICENSE("GPL");
