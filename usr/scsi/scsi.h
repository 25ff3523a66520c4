/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SCSI device emulation (SPC + SBC), table driven.
 *
 * A scsi_dev is the emulated device behind one logical unit: its device
 * type (disk or controller), backing store, identity (vendor, product,
 * serial, NAA id), block geometry, mode-page state and SCSI-2
 * reservation.  It is opaque outside usr/scsi.  The core owns LUN mapping,
 * task sets, unit attentions and task management and calls in here to
 * execute a command that is ready to run.
 *
 * Thread safety: commands for one device arrive from several I/O loops at
 * once; the device protects its own mutable state.
 */
#ifndef TGT_SCSI_SCSI_H
#define TGT_SCSI_SCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/tgt.h"
#include "scsi_defs.h"

struct scsi_dev;
struct strbuf;

/* Flags for scsi_dev_spec.bsoflags. */
#define SCSI_BSO_DIRECT		0x1	/* O_DIRECT */
#define SCSI_BSO_SYNC		0x2	/* O_SYNC: write-through */
#define SCSI_BSO_RDONLY		0x4

struct scsi_dev_spec {
	const char *devtype;	/* "disk" (default) or "controller" */
	const char *bstype;	/* "rdwr" (default), "aio", "null" */
	const char *path;	/* backing file/device; for null: a size */
	uint32_t bsoflags;	/* SCSI_BSO_* */
	uint32_t blocksize;	/* 512 or 4096; 0 = 512 */
	int tid;		/* for default identifiers */
	uint64_t lun;
};

/*
 * Opens the backing store and sets defaults (vendor "TGT", product from
 * devtype, serial and NAA derived from tid/lun).  Returns 0, -ENOENT
 * (backing file missing), -EINVAL (bad devtype/bstype/blocksize, size not a
 * multiple of the block size), or the backing store's -errno.
 * On failure a reason naming the field is written to @err (may be NULL).
 */
int scsi_dev_create(const struct scsi_dev_spec *spec, struct scsi_dev **out,
		    char *err, size_t errlen);
void scsi_dev_destroy(struct scsi_dev *dev);

/*
 * Sets a device parameter from tgtadm --params or tgtd.conf: vendor_id,
 * product_id, product_rev, serial, naa_id (hex), write_cache (bool),
 * readonly (bool), removable (bool), sense_format (fixed|descriptor),
 * delay_ms (test-only latency).  Returns 0, -ENOENT (unknown key) or
 * -EINVAL (bad value).
 */
int scsi_dev_param_set(struct scsi_dev *dev, const char *key,
		       const char *value);
/*
 * Appends the device description.  @dump: tgtd.conf "key = value" lines
 * for everything that differs from the defaults; otherwise the indented
 * human-readable lines of "tgtadm --op show".
 */
void scsi_dev_show(struct scsi_dev *dev, struct strbuf *out, bool dump);
/* Size in bytes; re-reads the backing store (capacity change detection). */
uint64_t scsi_dev_size(struct scsi_dev *dev);
int scsi_dev_refresh_size(struct scsi_dev *dev, bool *changed);
const char *scsi_dev_type_name(const struct scsi_dev *dev);

/* The nexus with @key is gone: drop its SCSI-2 reservation. */
void scsi_dev_nexus_gone(struct scsi_dev *dev, uint64_t key);
/* LUN reset / target reset: release reservations, reset to defaults. */
void scsi_dev_reset(struct scsi_dev *dev);

/* Unit-attention behaviour of an opcode (SAM-5 / SPC-4 table). */
enum scsi_ua_policy {
	SCSI_UA_REPORT = 0,	/* report the pending UA, fail the command */
	SCSI_UA_IGNORE,		/* INQUIRY, REQUEST SENSE: run, keep UAs */
	SCSI_UA_REPORT_LUNS,	/* run; clears REPORTED LUNS DATA CHANGED */
};
enum scsi_ua_policy scsi_cmd_ua_policy(const uint8_t *cdb);

/*
 * Executes a command on @dev.  Always ends in tgt_cmd_complete(cmd),
 * possibly on another thread (backing-store completion).  The command's
 * iov holds cmd->data_len bytes; data-in never exceeds that and
 * cmd->xfer_len says how much was filled.
 */
void scsi_cmd_exec(struct scsi_dev *dev, struct tgt_cmd *cmd);
/*
 * A command to a LUN that has no logical unit: INQUIRY answers peripheral
 * qualifier 011b, REQUEST SENSE and the rest LOGICAL UNIT NOT SUPPORTED.
 */
void scsi_cmd_exec_nolun(struct tgt_cmd *cmd);

/* --- sense --- */

/*
 * Builds sense data into @buf (at most @len bytes): descriptor format when
 * @desc, else fixed.  @sks: 3 sense-key-specific bytes (SKSV set) or NULL.
 * Returns the sense length.
 */
size_t scsi_sense_build(uint8_t *buf, size_t len, bool desc, uint8_t key,
			uint16_t asc_ascq, const uint8_t *sks);
/* Sets CHECK CONDITION with key/asc/ascq in the device's sense format. */
void scsi_cmd_sense_set(struct tgt_cmd *cmd, uint8_t key, uint16_t asc_ascq);
/*
 * ILLEGAL REQUEST with a field pointer: INVALID FIELD IN CDB (24/00) when
 * @in_cdb, else INVALID FIELD IN PARAMETER LIST (26/00).  @bit < 0 means
 * no bit pointer.
 */
void scsi_cmd_sense_field(struct tgt_cmd *cmd, bool in_cdb, uint16_t byte,
			  int bit);
/* CHECK CONDITION / UNIT ATTENTION in @dev's sense format (@dev may be
 * NULL: fixed format).  Used by the core when it reports a pending UA. */
void scsi_cmd_sense_ua(struct scsi_dev *dev, struct tgt_cmd *cmd,
		       uint16_t asc_ascq);

/* Copies @len bytes of @src into the command's data-in buffer (truncating
 * to data_len) and sets xfer_len. */
void scsi_cmd_data_in(struct tgt_cmd *cmd, const void *src, size_t len);
/* Copies up to @len bytes of data-out into @dst; returns bytes copied. */
size_t scsi_cmd_data_out(struct tgt_cmd *cmd, void *dst, size_t len);

#endif
