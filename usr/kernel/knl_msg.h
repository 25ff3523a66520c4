/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel transport's wire layer: pure functions between scsi_tgt
 * generic netlink messages (include/scsi_tgt_nl.h) and decoded structs,
 * plus the mappings between the ABI's enums and the core's.  No state, no
 * I/O: the socket is in knl_nl.h, the transport in kernel.c.
 *
 * Decoding trusts nothing: the generic netlink header, every attribute's
 * length (fixed-width attributes must be exactly their width), the ranges
 * of enums, and the attributes each event requires.
 */
#ifndef TGT_KERNEL_KNL_MSG_H
#define TGT_KERNEL_KNL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "scsi_tgt_nl.h"

struct nl_msg;

/*
 * A decoded message.  A field is meaningful when its attribute bit is set
 * in @present (knl_event_has()); the event types' required attributes are
 * all set after a successful decode.
 */
struct knl_event {
	uint8_t cmd;			/* enum scsi_tgt_nl_cmd */
	uint32_t present;		/* 1u << TGT_ATTR_* */
	bool has_key;			/* can be answered: see knl_event_decode */
	uint32_t abi_version;
	uint32_t host;
	uint64_t itn_id;
	uint64_t tag;
	int32_t result;
	uint8_t cdb[SCSI_TGT_CDB_MAX];
	uint8_t cdb_len;
	uint8_t lun[8];
	uint8_t task_attr;		/* enum scsi_tgt_task_attr */
	uint8_t dir;			/* enum scsi_tgt_data_dir */
	uint32_t data_len;
	uint32_t function;
	uint64_t mid;
	char initiator[SCSI_TGT_NAME_MAX];	/* NUL-terminated */
	uint32_t max_cmds;
};

static inline bool knl_event_has(const struct knl_event *ev, int attr)
{
	return ev->present & (1u << attr);
}

/*
 * Decodes a kernel->user event (CMD_REQ, CMD_DONE, IT_NEXUS_REQ,
 * TSK_MGMT_REQ) or the kernel's REGISTER reply from @nlh, @len bytes
 * available (the message is not modified).  Returns:
 *   0            well formed;
 *   -EINVAL      malformed: @why (may be NULL) names the fault.  When
 *                ev->has_key is set the event's identity decoded anyway
 *                (host, itn_id and, for commands, tag; for TMFs, mid) so
 *                the caller can still answer it and keep the kernel from
 *                waiting forever;
 *   -EOPNOTSUPP  a command this daemon does not know (ignore it).
 */
int knl_event_decode(const struct nlmsghdr *nlh, size_t len,
		     struct knl_event *ev, char *why, size_t whylen);

/* "CMD_REQ", "IT_NEXUS_REQ"...: for log messages. */
const char *knl_cmd_name(uint8_t cmd);

/* ---- user -> kernel messages: NULL when out of memory ---- */

struct knl_cmd_rsp {
	uint32_t host;
	uint64_t itn_id;
	uint64_t tag;
	uint8_t status;			/* SAM status */
	uint8_t sense_len;		/* 0: no SENSE attribute */
	const uint8_t *sense;
	uint64_t uaddr;			/* data-in buffer, when xfer_len */
	uint32_t xfer_len;
};

struct nl_msg *knl_msg_register(int family);
/* @host < 0: every host. */
struct nl_msg *knl_msg_replay(int family, int64_t host);
struct nl_msg *knl_msg_cmd_xfer(int family, uint32_t host, uint64_t itn_id,
				uint64_t tag, uint64_t uaddr, uint32_t len);
struct nl_msg *knl_msg_cmd_rsp(int family, const struct knl_cmd_rsp *r);
struct nl_msg *knl_msg_nexus_rsp(int family, uint32_t host, uint64_t itn_id,
				 uint32_t function, int32_t result);
struct nl_msg *knl_msg_tmf_rsp(int family, uint32_t host, uint64_t itn_id,
			       uint64_t mid, int32_t result);

/* ---- ABI <-> core mappings ---- */

/* enum scsi_tgt_tmf_fn -> enum tgt_tmf_fn; -EOPNOTSUPP if unknown. */
int knl_tmf_fn_to_core(uint32_t fn, uint8_t *out);
/* enum tgt_tmf_result -> enum scsi_tgt_tmf_result (unknown: FAILED). */
int32_t knl_tmf_result_to_abi(uint8_t result);
/* enum scsi_tgt_task_attr -> enum tgt_task_attr (decoded: in range). */
uint8_t knl_task_attr_to_core(uint8_t attr);
/* enum scsi_tgt_data_dir -> enum tgt_data_dir (decoded: in range). */
uint8_t knl_dir_to_core(uint8_t dir);

#endif
