/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scsi_tgt messages: decoding kernel events into struct knl_event and
 * building tgtd's requests.  Pure functions (see knl_msg.h).
 *
 * Attributes are checked twice on purpose: libnl's policy rejects the
 * grossly wrong, then each attribute we use is checked for its exact
 * width or bounds here, so a libnl whose policy semantics differ (or a
 * malformed attribute stream libnl tolerates) cannot let a short
 * attribute be read past its end.
 *
 * A CDB may be 1..SCSI_TGT_CDB_MAX bytes (the kernel passes what the
 * initiator sent): a CDB too short for its opcode is the SCSI layer's to
 * refuse (INVALID FIELD IN CDB), not a malformed event.
 */
#include "knl_msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "core/tgt.h"

_Static_assert(SCSI_TGT_CDB_MAX == TGT_CDB_MAX, "CDB sizes differ");
_Static_assert(SCSI_TGT_SENSE_MAX == TGT_SENSE_MAX, "sense sizes differ");
_Static_assert(SCSI_TGT_NAME_MAX == TGT_NAME_MAX, "name sizes differ");
_Static_assert(TGT_ATTR_MAX < 32, "knl_event.present is 32 bits");

#define KNL_A(x)	(1u << (x))

enum knl_attr_kind {
	KNL_AK_NONE = 0,	/* not expected from the kernel: ignored */
	KNL_AK_U8,
	KNL_AK_U32,
	KNL_AK_U64,
	KNL_AK_BIN,		/* min..max bytes */
	KNL_AK_STR,		/* 1..max bytes, NUL-terminated */
};

struct knl_attr_rule {
	uint8_t kind;
	uint16_t min, max;
	const char *name;
};

static const struct knl_attr_rule knl_attr_rules[TGT_ATTR_MAX + 1] = {
	[TGT_ATTR_ABI_VERSION] = { KNL_AK_U32, 4, 4, "ABI_VERSION" },
	[TGT_ATTR_HOST_NO] = { KNL_AK_U32, 4, 4, "HOST_NO" },
	[TGT_ATTR_ITN_ID] = { KNL_AK_U64, 8, 8, "ITN_ID" },
	[TGT_ATTR_TAG] = { KNL_AK_U64, 8, 8, "TAG" },
	[TGT_ATTR_RESULT] = { KNL_AK_U32, 4, 4, "RESULT" },
	[TGT_ATTR_CDB] = { KNL_AK_BIN, 1, SCSI_TGT_CDB_MAX, "CDB" },
	[TGT_ATTR_LUN] = { KNL_AK_BIN, 8, 8, "LUN" },
	[TGT_ATTR_TASK_ATTR] = { KNL_AK_U8, 1, 1, "TASK_ATTR" },
	[TGT_ATTR_DATA_DIR] = { KNL_AK_U8, 1, 1, "DATA_DIR" },
	[TGT_ATTR_DATA_LEN] = { KNL_AK_U32, 4, 4, "DATA_LEN" },
	[TGT_ATTR_UADDR] = { KNL_AK_NONE, 8, 8, "UADDR" },
	[TGT_ATTR_XFER_LEN] = { KNL_AK_NONE, 4, 4, "XFER_LEN" },
	[TGT_ATTR_SENSE] = { KNL_AK_NONE, 0, SCSI_TGT_SENSE_MAX, "SENSE" },
	[TGT_ATTR_FUNCTION] = { KNL_AK_U32, 4, 4, "FUNCTION" },
	[TGT_ATTR_MID] = { KNL_AK_U64, 8, 8, "MID" },
	[TGT_ATTR_INITIATOR] = { KNL_AK_STR, 1, SCSI_TGT_NAME_MAX,
				 "INITIATOR" },
	[TGT_ATTR_MAX_CMDS] = { KNL_AK_U32, 4, 4, "MAX_CMDS" },
	[TGT_ATTR_PAD] = { KNL_AK_NONE, 0, 0, "PAD" },
};

/* libnl's first pass: widths and bounds (exactness is checked below). */
static const struct nla_policy knl_policy[TGT_ATTR_MAX + 1] = {
	[TGT_ATTR_ABI_VERSION] = { .type = NLA_U32 },
	[TGT_ATTR_HOST_NO] = { .type = NLA_U32 },
	[TGT_ATTR_ITN_ID] = { .type = NLA_U64 },
	[TGT_ATTR_TAG] = { .type = NLA_U64 },
	[TGT_ATTR_RESULT] = { .type = NLA_U32 },
	[TGT_ATTR_CDB] = { .minlen = 1, .maxlen = SCSI_TGT_CDB_MAX },
	[TGT_ATTR_LUN] = { .minlen = 8, .maxlen = 8 },
	[TGT_ATTR_TASK_ATTR] = { .type = NLA_U8 },
	[TGT_ATTR_DATA_DIR] = { .type = NLA_U8 },
	[TGT_ATTR_DATA_LEN] = { .type = NLA_U32 },
	[TGT_ATTR_UADDR] = { .type = NLA_U64 },
	[TGT_ATTR_XFER_LEN] = { .type = NLA_U32 },
	[TGT_ATTR_SENSE] = { .maxlen = SCSI_TGT_SENSE_MAX },
	[TGT_ATTR_FUNCTION] = { .type = NLA_U32 },
	[TGT_ATTR_MID] = { .type = NLA_U64 },
	[TGT_ATTR_INITIATOR] = { .minlen = 1, .maxlen = SCSI_TGT_NAME_MAX },
	[TGT_ATTR_MAX_CMDS] = { .type = NLA_U32 },
};

/* What each message must carry, and what makes it answerable. */
struct knl_event_rule {
	uint8_t cmd;
	const char *name;
	uint32_t required;
	uint32_t key;
};

#define KNL_K_NEXUS	(KNL_A(TGT_ATTR_HOST_NO) | KNL_A(TGT_ATTR_ITN_ID))

static const struct knl_event_rule knl_event_rules[] = {
	{ TGT_KEVENT_CMD_REQ, "CMD_REQ",
	  KNL_K_NEXUS | KNL_A(TGT_ATTR_TAG) | KNL_A(TGT_ATTR_CDB) |
	  KNL_A(TGT_ATTR_LUN) | KNL_A(TGT_ATTR_TASK_ATTR) |
	  KNL_A(TGT_ATTR_DATA_DIR) | KNL_A(TGT_ATTR_DATA_LEN),
	  KNL_K_NEXUS | KNL_A(TGT_ATTR_TAG) },
	{ TGT_KEVENT_CMD_DONE, "CMD_DONE",
	  KNL_K_NEXUS | KNL_A(TGT_ATTR_TAG) | KNL_A(TGT_ATTR_RESULT),
	  KNL_K_NEXUS | KNL_A(TGT_ATTR_TAG) },
	{ TGT_KEVENT_IT_NEXUS_REQ, "IT_NEXUS_REQ",
	  KNL_K_NEXUS | KNL_A(TGT_ATTR_FUNCTION),
	  KNL_K_NEXUS | KNL_A(TGT_ATTR_FUNCTION) },
	{ TGT_KEVENT_TSK_MGMT_REQ, "TSK_MGMT_REQ",
	  KNL_K_NEXUS | KNL_A(TGT_ATTR_FUNCTION) | KNL_A(TGT_ATTR_MID),
	  KNL_K_NEXUS | KNL_A(TGT_ATTR_MID) },
	{ TGT_UEVENT_REGISTER, "REGISTER", KNL_A(TGT_ATTR_ABI_VERSION), 0 },
};

static const struct knl_event_rule *knl_event_rule_find(uint8_t cmd)
{
	for (size_t i = 0; i < sizeof(knl_event_rules) /
			       sizeof(knl_event_rules[0]); i++) {
		if (knl_event_rules[i].cmd == cmd)
			return &knl_event_rules[i];
	}
	return NULL;
}

const char *knl_cmd_name(uint8_t cmd)
{
	const struct knl_event_rule *r = knl_event_rule_find(cmd);

	switch (cmd) {
	case TGT_UEVENT_CMD_RSP:
		return "CMD_RSP";
	case TGT_UEVENT_IT_NEXUS_RSP:
		return "IT_NEXUS_RSP";
	case TGT_UEVENT_TSK_MGMT_RSP:
		return "TSK_MGMT_RSP";
	case TGT_UEVENT_CMD_XFER:
		return "CMD_XFER";
	case TGT_UEVENT_NEXUS_REPLAY:
		return "NEXUS_REPLAY";
	default:
		return r ? r->name : "unknown";
	}
}

static void knl_why(char *why, size_t whylen, bool *bad, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/* Keeps the first fault: it is usually the cause of the rest. */
static void knl_why(char *why, size_t whylen, bool *bad, const char *fmt,
		    ...)
{
	va_list ap;

	if (!*bad && why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	*bad = true;
}

/* Checks an attribute's width/bounds and stores its value in @ev. */
static int knl_attr_store(struct knl_event *ev, int type,
			  const struct nlattr *nla)
{
	const struct knl_attr_rule *r = &knl_attr_rules[type];
	int len = nla_len(nla);
	const uint8_t *p = nla_data(nla);

	if (r->kind == KNL_AK_NONE)
		return 0;		/* user->kernel only: ignored */
	if (len < r->min || len > r->max)
		return -EINVAL;
	switch (type) {
	case TGT_ATTR_ABI_VERSION:
		ev->abi_version = nla_get_u32(nla);
		break;
	case TGT_ATTR_HOST_NO:
		ev->host = nla_get_u32(nla);
		break;
	case TGT_ATTR_ITN_ID:
		ev->itn_id = nla_get_u64(nla);
		break;
	case TGT_ATTR_TAG:
		ev->tag = nla_get_u64(nla);
		break;
	case TGT_ATTR_RESULT:
		ev->result = (int32_t)nla_get_u32(nla);
		break;
	case TGT_ATTR_CDB:
		memcpy(ev->cdb, p, (size_t)len);
		ev->cdb_len = (uint8_t)len;
		break;
	case TGT_ATTR_LUN:
		memcpy(ev->lun, p, sizeof(ev->lun));
		break;
	case TGT_ATTR_TASK_ATTR:
		if (p[0] > TGT_TATTR_ACA)
			return -ERANGE;
		ev->task_attr = p[0];
		break;
	case TGT_ATTR_DATA_DIR:
		if (p[0] > TGT_DIR_WRITE)
			return -ERANGE;
		ev->dir = p[0];
		break;
	case TGT_ATTR_DATA_LEN:
		ev->data_len = nla_get_u32(nla);
		break;
	case TGT_ATTR_FUNCTION:
		ev->function = nla_get_u32(nla);
		break;
	case TGT_ATTR_MID:
		ev->mid = nla_get_u64(nla);
		break;
	case TGT_ATTR_INITIATOR:
		if (p[len - 1] != '\0')
			return -EINVAL;
		memcpy(ev->initiator, p, (size_t)len);
		break;
	case TGT_ATTR_MAX_CMDS:
		ev->max_cmds = nla_get_u32(nla);
		break;
	}
	return 0;
}

/*
 * The attribute stream must be whole: no truncated trailing attribute
 * (rem < 0 is a last attribute without its alignment padding: complete).
 */
static bool knl_attrs_whole(const struct nlattr *head, int len)
{
	const struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem)
		;
	return rem <= 0;
}

static void knl_attrs_store(struct knl_event *ev, struct nlattr **tb,
			    char *why, size_t whylen, bool *bad)
{
	for (int type = 1; type <= TGT_ATTR_MAX; type++) {
		int ret;

		if (!tb[type])
			continue;
		ret = knl_attr_store(ev, type, tb[type]);
		if (ret) {
			knl_why(why, whylen, bad, ret == -ERANGE ?
				"attribute %s: value out of range (length %d)" :
				"attribute %s: bad length %d",
				knl_attr_rules[type].name, nla_len(tb[type]));
			continue;
		}
		if (knl_attr_rules[type].kind != KNL_AK_NONE)
			ev->present |= KNL_A(type);
	}
}

static void knl_required_check(struct knl_event *ev,
			       const struct knl_event_rule *rule,
			       char *why, size_t whylen, bool *bad)
{
	uint32_t missing = rule->required & ~ev->present;

	ev->has_key = rule->key && (ev->present & rule->key) == rule->key;
	for (int type = 1; missing && type <= TGT_ATTR_MAX; type++) {
		if (missing & KNL_A(type)) {
			knl_why(why, whylen, bad, "%s without a valid %s",
				rule->name, knl_attr_rules[type].name);
			return;
		}
	}
}

int knl_event_decode(const struct nlmsghdr *nlh, size_t len,
		     struct knl_event *ev, char *why, size_t whylen)
{
	struct nlattr *tb[TGT_ATTR_MAX + 1];
	const struct knl_event_rule *rule;
	const struct genlmsghdr *gnlh;
	struct nlattr *head;
	int alen, ret;
	bool bad = false;

	memset(ev, 0, sizeof(*ev));
	if (why && whylen)
		why[0] = '\0';
	if (len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_len > len) {
		knl_why(why, whylen, &bad, "truncated message (%zu bytes)",
			len);
		return -EINVAL;
	}
	gnlh = nlmsg_data(nlh);
	ev->cmd = gnlh->cmd;
	rule = knl_event_rule_find(gnlh->cmd);
	if (!rule)
		return -EOPNOTSUPP;
	/* libnl takes non-const pointers; it only reads. */
	head = genlmsg_attrdata(gnlh, 0);
	alen = genlmsg_attrlen(gnlh, 0);
	if (!knl_attrs_whole(head, alen))
		knl_why(why, whylen, &bad, "%s: truncated attribute stream "
			"(%d bytes)", rule->name, alen);
	ret = nla_parse(tb, TGT_ATTR_MAX, head, alen, knl_policy);
	if (ret < 0) {
		knl_why(why, whylen, &bad, "%s: attribute policy: %s",
			rule->name, nl_geterror(ret));
		nla_parse(tb, TGT_ATTR_MAX, head, alen, NULL);
	}
	knl_attrs_store(ev, tb, why, whylen, &bad);
	knl_required_check(ev, rule, why, whylen, &bad);
	return bad ? -EINVAL : 0;
}

/* ---- building ---- */

/*
 * Room for the largest request (CMD_RSP with 96 bytes of sense is under
 * 200).  nlmsg_alloc() would calloc a whole page per message: one page
 * zeroed per command for nothing.
 */
#define KNL_MSG_SIZE	512

static struct nl_msg *knl_msg_new(int family, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc_size(KNL_MSG_SIZE);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, cmd,
			 SCSI_TGT_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* @err: any nla_put failure (they only fail when the message is full). */
static struct nl_msg *knl_msg_done(struct nl_msg *msg, int err)
{
	if (err) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int knl_put_nexus(struct nl_msg *msg, uint32_t host, uint64_t itn_id)
{
	return nla_put_u32(msg, TGT_ATTR_HOST_NO, host) |
	       nla_put_u64(msg, TGT_ATTR_ITN_ID, itn_id);
}

struct nl_msg *knl_msg_register(int family)
{
	struct nl_msg *msg = knl_msg_new(family, TGT_UEVENT_REGISTER);

	if (!msg)
		return NULL;
	return knl_msg_done(msg, nla_put_u32(msg, TGT_ATTR_ABI_VERSION,
					     SCSI_TGT_ABI_VERSION));
}

struct nl_msg *knl_msg_replay(int family, int64_t host)
{
	struct nl_msg *msg = knl_msg_new(family, TGT_UEVENT_NEXUS_REPLAY);

	if (!msg)
		return NULL;
	if (host < 0)
		return msg;
	return knl_msg_done(msg, nla_put_u32(msg, TGT_ATTR_HOST_NO,
					     (uint32_t)host));
}

struct nl_msg *knl_msg_cmd_xfer(int family, uint32_t host, uint64_t itn_id,
				uint64_t tag, uint64_t uaddr, uint32_t len)
{
	struct nl_msg *msg = knl_msg_new(family, TGT_UEVENT_CMD_XFER);

	if (!msg)
		return NULL;
	return knl_msg_done(msg, knl_put_nexus(msg, host, itn_id) |
			    nla_put_u64(msg, TGT_ATTR_TAG, tag) |
			    nla_put_u64(msg, TGT_ATTR_UADDR, uaddr) |
			    nla_put_u32(msg, TGT_ATTR_XFER_LEN, len));
}

struct nl_msg *knl_msg_cmd_rsp(int family, const struct knl_cmd_rsp *r)
{
	struct nl_msg *msg = knl_msg_new(family, TGT_UEVENT_CMD_RSP);
	int err;

	if (!msg)
		return NULL;
	err = knl_put_nexus(msg, r->host, r->itn_id) |
	      nla_put_u64(msg, TGT_ATTR_TAG, r->tag) |
	      nla_put_u32(msg, TGT_ATTR_RESULT, r->status);
	if (r->sense_len)
		err |= nla_put(msg, TGT_ATTR_SENSE,
			       r->sense_len > SCSI_TGT_SENSE_MAX ?
			       SCSI_TGT_SENSE_MAX : r->sense_len, r->sense);
	if (r->xfer_len)
		err |= nla_put_u64(msg, TGT_ATTR_UADDR, r->uaddr) |
		       nla_put_u32(msg, TGT_ATTR_XFER_LEN, r->xfer_len);
	return knl_msg_done(msg, err);
}

struct nl_msg *knl_msg_nexus_rsp(int family, uint32_t host, uint64_t itn_id,
				 uint32_t function, int32_t result)
{
	struct nl_msg *msg = knl_msg_new(family, TGT_UEVENT_IT_NEXUS_RSP);

	if (!msg)
		return NULL;
	return knl_msg_done(msg, knl_put_nexus(msg, host, itn_id) |
			    nla_put_u32(msg, TGT_ATTR_FUNCTION, function) |
			    nla_put_u32(msg, TGT_ATTR_RESULT,
					(uint32_t)result));
}

struct nl_msg *knl_msg_tmf_rsp(int family, uint32_t host, uint64_t itn_id,
			       uint64_t mid, int32_t result)
{
	struct nl_msg *msg = knl_msg_new(family, TGT_UEVENT_TSK_MGMT_RSP);

	if (!msg)
		return NULL;
	return knl_msg_done(msg, knl_put_nexus(msg, host, itn_id) |
			    nla_put_u64(msg, TGT_ATTR_MID, mid) |
			    nla_put_u32(msg, TGT_ATTR_RESULT,
					(uint32_t)result));
}

/* ---- mappings ---- */

int knl_tmf_fn_to_core(uint32_t fn, uint8_t *out)
{
	static const uint8_t map[] = {
		[TGT_TMF_FN_ABORT_TASK] = TGT_TMF_ABORT_TASK,
		[TGT_TMF_FN_ABORT_TASK_SET] = TGT_TMF_ABORT_TASK_SET,
		[TGT_TMF_FN_CLEAR_TASK_SET] = TGT_TMF_CLEAR_TASK_SET,
		[TGT_TMF_FN_LUN_RESET] = TGT_TMF_LUN_RESET,
		[TGT_TMF_FN_IT_NEXUS_RESET] = TGT_TMF_IT_NEXUS_RESET,
		[TGT_TMF_FN_TARGET_RESET] = TGT_TMF_TARGET_RESET,
	};

	if (fn >= sizeof(map) || !map[fn])
		return -EOPNOTSUPP;
	*out = map[fn];
	return 0;
}

int32_t knl_tmf_result_to_abi(uint8_t result)
{
	switch (result) {
	case TGT_TMF_COMPLETE:
	case TGT_TMF_SUCCEEDED:
		return TGT_TMF_RSP_COMPLETE;
	case TGT_TMF_NO_TASK:
		return TGT_TMF_RSP_NO_TASK;
	case TGT_TMF_NO_LUN:
		return TGT_TMF_RSP_NO_LUN;
	case TGT_TMF_REJECTED:
		return TGT_TMF_RSP_REJECTED;
	default:
		return TGT_TMF_RSP_FAILED;
	}
}

uint8_t knl_task_attr_to_core(uint8_t attr)
{
	switch (attr) {
	case TGT_TATTR_ORDERED:
		return TGT_TASK_ORDERED;
	case TGT_TATTR_HEAD_OF_QUEUE:
		return TGT_TASK_HEAD_OF_QUEUE;
	case TGT_TATTR_ACA:
		return TGT_TASK_ACA;
	default:
		return TGT_TASK_SIMPLE;
	}
}

uint8_t knl_dir_to_core(uint8_t dir)
{
	switch (dir) {
	case TGT_DIR_READ:
		return TGT_DATA_READ;
	case TGT_DIR_WRITE:
		return TGT_DATA_WRITE;
	default:
		return TGT_DATA_NONE;
	}
}
