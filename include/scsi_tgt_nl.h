/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * scsi_tgt generic netlink ABI: the kernel transport class (kernel/scsi_tgt)
 * <-> the target daemon (tgtd, usr/kernel).  Shared verbatim by both sides.
 * Fixed-width types only.  See doc/kernel-abi.md for the sequences.
 *
 * Family SCSI_TGT_GENL_NAME, family version SCSI_TGT_GENL_VERSION.  The ABI
 * version (SCSI_TGT_ABI_VERSION) is exchanged in TGT_UEVENT_REGISTER; a
 * version outside SCSI_TGT_ABI_VERSION_MIN..SCSI_TGT_ABI_VERSION is
 * refused with -EPROTO, and the reply carries the caller's version.  Changing any message, attribute or
 * meaning below requires bumping SCSI_TGT_ABI_VERSION.
 *
 * Every message carries TGT_ATTR_HOST_NO and, except REGISTER/REPLAY,
 * TGT_ATTR_ITN_ID.  Commands are keyed by (host, itn_id, tag); tags are
 * 64-bit and never reused by the kernel while tgtd is registered.
 *
 * All user->kernel operations need CAP_NET_ADMIN (GENL_ADMIN_PERM).  Only
 * the socket that registered may send responses; the kernel sends events
 * only to it.  Responses naming an unknown host, nexus or tag are refused
 * with -ENOENT (or -EPERM from another socket), never trusted.
 */
#ifndef SCSI_TGT_NL_H
#define SCSI_TGT_NL_H

#include <linux/types.h>

#define SCSI_TGT_GENL_NAME	"scsi_tgt"
#define SCSI_TGT_GENL_VERSION	1
#define SCSI_TGT_ABI_VERSION	2
/*
 * Versions the kernel still serves.  ABI 2 differs from ABI 1 in one
 * point: CMD_DONE is sent only with a non-zero RESULT; a CMD_RSP that
 * returns 0 has finished with tgtd's buffer (the data-in copy is done
 * inside the request, as in ABI 1).
 */
#define SCSI_TGT_ABI_VERSION_MIN	1

#define SCSI_TGT_CDB_MAX	32
#define SCSI_TGT_SENSE_MAX	96
#define SCSI_TGT_NAME_MAX	224	/* initiator name incl. NUL */
#define SCSI_TGT_XFER_MAX	(8u << 20)	/* largest data transfer */

/*
 * Generic netlink commands.  genl commands are 8 bits wide, so the seed
 * ABI's kernel->user numbers 0x1001..0x1004 become 0x81..0x84; the
 * user->kernel numbers keep their seed values.
 */
enum scsi_tgt_nl_cmd {
	TGT_CMD_UNSPEC = 0,

	/* user -> kernel */
	TGT_UEVENT_CMD_RSP = 0x01,	/* status, sense, data-in */
	TGT_UEVENT_IT_NEXUS_RSP = 0x02,	/* answer to IT_NEXUS_REQ */
	TGT_UEVENT_TSK_MGMT_RSP = 0x03,	/* answer to TSK_MGMT_REQ */
	TGT_UEVENT_REGISTER = 0x10,	/* tgtd takes the event stream */
	TGT_UEVENT_CMD_XFER = 0x11,	/* copy data-out into tgtd's buffer */
	TGT_UEVENT_NEXUS_REPLAY = 0x12,	/* re-send IT_NEXUS_REQ(create) */

	/* kernel -> user */
	TGT_KEVENT_CMD_REQ = 0x81,	/* seed 0x1001 */
	TGT_KEVENT_CMD_DONE = 0x82,	/* seed 0x1002: tgtd's buffer free */
	TGT_KEVENT_IT_NEXUS_REQ = 0x83,	/* seed 0x1003 */
	TGT_KEVENT_TSK_MGMT_REQ = 0x84,	/* seed 0x1004 */

	__TGT_CMD_MAX,
};

enum scsi_tgt_nl_attr {
	TGT_ATTR_UNSPEC = 0,
	TGT_ATTR_ABI_VERSION,	/* u32 */
	TGT_ATTR_HOST_NO,	/* u32 */
	TGT_ATTR_ITN_ID,	/* u64 */
	TGT_ATTR_TAG,		/* u64: command tag (TMF: referenced task) */
	TGT_ATTR_RESULT,	/* s32: SAM status, or 0/-errno, or TMF result */
	TGT_ATTR_CDB,		/* binary, 6..SCSI_TGT_CDB_MAX bytes */
	TGT_ATTR_LUN,		/* binary, 8 bytes, SAM LUN */
	TGT_ATTR_TASK_ATTR,	/* u8: enum scsi_tgt_task_attr */
	TGT_ATTR_DATA_DIR,	/* u8: enum scsi_tgt_data_dir */
	TGT_ATTR_DATA_LEN,	/* u32: expected transfer length */
	TGT_ATTR_UADDR,		/* u64: tgtd buffer address */
	TGT_ATTR_XFER_LEN,	/* u32: bytes in the buffer to move */
	TGT_ATTR_SENSE,		/* binary, at most SCSI_TGT_SENSE_MAX */
	TGT_ATTR_FUNCTION,	/* u32: nexus function or TMF function */
	TGT_ATTR_MID,		/* u64: TMF id */
	TGT_ATTR_INITIATOR,	/* string, < SCSI_TGT_NAME_MAX */
	TGT_ATTR_MAX_CMDS,	/* u32: commands the nexus may have queued */
	TGT_ATTR_PAD,
	__TGT_ATTR_MAX,
};
#define TGT_ATTR_MAX (__TGT_ATTR_MAX - 1)

enum scsi_tgt_data_dir {
	TGT_DIR_NONE = 0,
	TGT_DIR_READ = 1,	/* data-in: target to initiator */
	TGT_DIR_WRITE = 2,	/* data-out: initiator to target */
};

enum scsi_tgt_task_attr {
	TGT_TATTR_SIMPLE = 0,
	TGT_TATTR_ORDERED = 1,
	TGT_TATTR_HEAD_OF_QUEUE = 2,
	TGT_TATTR_ACA = 3,
};

/* TGT_ATTR_FUNCTION of IT_NEXUS_REQ/RSP. */
enum scsi_tgt_nexus_fn {
	TGT_NEXUS_CREATE = 1,
	TGT_NEXUS_DESTROY = 2,
};

/* TGT_ATTR_FUNCTION of TSK_MGMT_REQ. */
enum scsi_tgt_tmf_fn {
	TGT_TMF_FN_ABORT_TASK = 1,
	TGT_TMF_FN_ABORT_TASK_SET = 2,
	TGT_TMF_FN_CLEAR_TASK_SET = 3,
	TGT_TMF_FN_LUN_RESET = 4,
	TGT_TMF_FN_IT_NEXUS_RESET = 5,
	TGT_TMF_FN_TARGET_RESET = 6,
};

/* TGT_ATTR_RESULT of TSK_MGMT_RSP. */
enum scsi_tgt_tmf_result {
	TGT_TMF_RSP_COMPLETE = 0,
	TGT_TMF_RSP_NO_TASK = 1,	/* ABORT TASK: task not found */
	TGT_TMF_RSP_NO_LUN = 2,
	TGT_TMF_RSP_REJECTED = 3,
	TGT_TMF_RSP_FAILED = 4,
};

/*
 * Messages (required attributes; [optional]):
 *
 * REGISTER      u->k  ABI_VERSION.  Reply: ABI_VERSION.  -EBUSY if another
 *                     live socket is registered, -EPROTO on a mismatch.
 *                     Afterwards the kernel replays every nexus
 *                     (IT_NEXUS_REQ create), as NEXUS_REPLAY does.
 * NEXUS_REPLAY  u->k  [HOST_NO] (all hosts when absent).
 * CMD_REQ       k->u  HOST_NO ITN_ID TAG CDB LUN TASK_ATTR DATA_DIR DATA_LEN
 * CMD_XFER      u->k  HOST_NO ITN_ID TAG UADDR XFER_LEN: the kernel copies
 *                     XFER_LEN bytes of data-out to UADDR (in tgtd's context,
 *                     before the request returns).
 * CMD_RSP       u->k  HOST_NO ITN_ID TAG RESULT(SAM status) [SENSE]
 *                     [UADDR XFER_LEN: data-in, copied before the request
 *                     returns].  Status TASK ABORTED (0x40) ends an aborted
 *                     command without completing it to the initiator.
 * CMD_DONE      k->u  HOST_NO ITN_ID TAG RESULT(0/-errno): the kernel no
 *                     longer needs tgtd's buffer for this command.  ABI 2:
 *                     only when RESULT is not 0 (ABI 1: after every
 *                     accepted CMD_RSP).
 * IT_NEXUS_REQ  k->u  HOST_NO ITN_ID FUNCTION [INITIATOR MAX_CMDS]
 * IT_NEXUS_RSP  u->k  HOST_NO ITN_ID FUNCTION RESULT(0/-errno)
 * TSK_MGMT_REQ  k->u  HOST_NO ITN_ID FUNCTION MID [TAG LUN]
 * TSK_MGMT_RSP  u->k  HOST_NO ITN_ID MID RESULT(enum scsi_tgt_tmf_result)
 */

#endif
