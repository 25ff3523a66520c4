/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the SCSI emulation module, shared by its files only
 * (dev.c, cmdtable.c, exec.c, sense.c, spc.c, vpd.c, mode.c, sbc.c).
 */
#ifndef TGT_SCSI_INT_H
#define TGT_SCSI_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "scsi.h"
#include "../bs/bs.h"

/* What kind of device a scsi_dev emulates. */
struct scsi_devtype {
	const char *name;		/* "disk", "controller" */
	uint8_t pdt;			/* peripheral device type */
	bool has_media;			/* needs a backing store */
};

extern const struct scsi_devtype scsi_devtype_disk;
extern const struct scsi_devtype scsi_devtype_controller;

#define SCSI_VENDOR_LEN		8
#define SCSI_PRODUCT_LEN	16
#define SCSI_REV_LEN		4
#define SCSI_SERIAL_LEN		36

/*
 * The emulated device.  Fields below "lock" are changed at run time
 * (MODE SELECT, RESERVE, tgtadm update) and are read or written under
 * dev->lock; the rest is fixed after scsi_dev_create().
 */
struct scsi_dev {
	const struct scsi_devtype *type;
	struct bs *bs;			/* NULL for a controller */
	int tid;
	uint64_t lun;
	uint32_t block_size;		/* 512 or 4096 */
	uint8_t block_shift;
	char bstype[16];
	char path[4096];
	uint32_t bsoflags;

	pthread_mutex_t lock;
	uint64_t nr_blocks;
	char vendor[SCSI_VENDOR_LEN + 1];
	char product[SCSI_PRODUCT_LEN + 1];
	char rev[SCSI_REV_LEN + 1];
	char serial[SCSI_SERIAL_LEN + 1];
	uint8_t naa[16];		/* NAA designator, naa_len bytes */
	uint8_t naa_len;
	bool wce;			/* caching page: write cache enabled */
	bool rcd;			/* caching page: read cache disabled */
	bool readonly;
	bool removable;
	bool dsense;			/* control page: descriptor sense */
	bool swp;			/* control page: software write protect */
	bool stopped;			/* START STOP UNIT stopped the unit */
	bool prevent;			/* PREVENT ALLOW MEDIUM REMOVAL */
	uint8_t iec_mrie;		/* IEC page: method of reporting */
	uint8_t saved_pages[512];	/* mode.c: saved page values */
	uint16_t saved_len;
	uint64_t reserved_by;		/* SCSI-2 reservation key, 0 = none */
	uint32_t delay_ms;		/* test-only latency per command */
};

/* Opcode table flags. */
#define SCSI_OPF_DATA_IN	0x0001	/* returns data */
#define SCSI_OPF_DATA_OUT	0x0002	/* takes data */
#define SCSI_OPF_MEDIA		0x0004	/* needs a disk (not controller) */
#define SCSI_OPF_WRITE		0x0008	/* modifies the medium: RO check */
#define SCSI_OPF_RESV_OK	0x0010	/* allowed under another's reserve */
#define SCSI_OPF_UA_IGNORE	0x0020	/* INQUIRY, REQUEST SENSE */
#define SCSI_OPF_UA_RLUNS	0x0040	/* REPORT LUNS */
#define SCSI_OPF_NEEDS_READY	0x0080	/* fails NOT READY when stopped */
#define SCSI_OPF_XFER_BLOCKS	0x0100	/* xfer field counts logical blocks */
#define SCSI_OPF_BYTCHK		0x0200	/* data-out only when BYTCHK != 0 */
#define SCSI_OPF_NOLUN		0x0400	/* also answered for a missing LUN */

/* Largest data transfer a command may ask for (VPD B0h advertises it). */
#define SCSI_MAX_XFER_BYTES	(8u << 20)

#define SCSI_SA_NONE		0xffff

struct scsi_op {
	uint8_t opcode;
	uint16_t sa;			/* service action or SCSI_SA_NONE */
	uint8_t cdb_len;		/* CDB length for this opcode */
	uint32_t flags;			/* SCSI_OPF_* */
	/* CDB usage data for REPORT SUPPORTED OPERATION CODES: byte 0 is
	 * the opcode, then a bit mask of the bits the device looks at. */
	uint8_t usage[16];
	/* Where the CDB's transfer/allocation length lives: byte offset and
	 * size (0: none); gives cmd->cdb_xfer_len before the handler runs. */
	uint8_t xfer_off;
	uint8_t xfer_size;
	const char *name;
	void (*exec)(struct scsi_dev *dev, struct tgt_cmd *cmd);
};

/* The table (cmdtable.c), sorted by opcode then service action. */
extern const struct scsi_op scsi_ops[];
extern const unsigned scsi_ops_count;
/* Finds the op for a CDB (looks at the service action where the opcode
 * has them); NULL if unsupported. */
const struct scsi_op *scsi_op_find(const uint8_t *cdb);
/* Service action of a CDB for an opcode that has them, else SCSI_SA_NONE */
uint16_t scsi_cdb_sa(const uint8_t *cdb);

/*
 * Per-command scratch, lives in cmd->scsi_ctx.  scsi_cmd_exec sets dev and
 * op; SBC uses io/buf/lba/nblocks/stage for multi-step commands (WRITE AND
 * VERIFY, VERIFY BYTCHK=1, FUA flush).
 */
struct scsi_ctx {
	struct scsi_dev *dev;
	const struct scsi_op *op;
	struct bs_io io;
	struct iovec iov;
	void *buf;			/* bounce buffer, freed at completion */
	uint64_t lba;
	uint32_t nblocks;
	int stage;
	struct evloop_timer timer;	/* delay_ms */
	/* sbc.c: VERIFY / WRITE AND VERIFY read the range in chunks */
	uint64_t pos;			/* bytes of the range done */
	uint64_t end;			/* bytes in the range */
	uint32_t pattern_len;		/* BYTCHK=11b: bytes of the block */
	int chain;			/* inline-completion handshake */
	ssize_t res;			/* the last chunk's result */
};

static inline struct scsi_ctx *scsi_ctx_of(struct tgt_cmd *cmd)
{
	return (struct scsi_ctx *)(void *)cmd->scsi_ctx;
}

/* Completes @cmd with GOOD (status stays as set if CHECK CONDITION).
 * scsi_cmd_done and scsi_cmd_fail* free ctx->buf (and clear it). */
void scsi_cmd_done(struct tgt_cmd *cmd);
/* Completes with CHECK CONDITION key/asc. */
void scsi_cmd_fail(struct tgt_cmd *cmd, uint8_t key, uint16_t asc_ascq);
/* Maps a backing-store -errno to sense (MEDIUM ERROR, SPACE ALLOCATION
 * FAILED, WRITE PROTECTED, ...) and completes. */
void scsi_cmd_fail_errno(struct tgt_cmd *cmd, int err, bool write);

/* SPC handlers (spc.c, vpd.c, mode.c). */
void spc_test_unit_ready(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_request_sense(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_inquiry(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_report_luns(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_mode_sense(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_mode_select(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_report_opcodes(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_report_tmfs(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_reserve(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_release(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_send_diagnostic(struct scsi_dev *dev, struct tgt_cmd *cmd);
void spc_prevent_allow(struct scsi_dev *dev, struct tgt_cmd *cmd);

/* SBC handlers (sbc.c). */
void sbc_read(struct scsi_dev *dev, struct tgt_cmd *cmd);
void sbc_write(struct scsi_dev *dev, struct tgt_cmd *cmd);
void sbc_write_verify(struct scsi_dev *dev, struct tgt_cmd *cmd);
void sbc_verify(struct scsi_dev *dev, struct tgt_cmd *cmd);
void sbc_read_capacity10(struct scsi_dev *dev, struct tgt_cmd *cmd);
void sbc_read_capacity16(struct scsi_dev *dev, struct tgt_cmd *cmd);
void sbc_sync_cache(struct scsi_dev *dev, struct tgt_cmd *cmd);
void sbc_prefetch(struct scsi_dev *dev, struct tgt_cmd *cmd);
void sbc_start_stop(struct scsi_dev *dev, struct tgt_cmd *cmd);

/* VPD pages (vpd.c): one handler per page, each given (buf, len) of the
 * page to fill (len >= 4 + page max); returns the page length written. */
struct scsi_vpd_page {
	uint8_t code;
	bool media;			/* block devices only */
	size_t (*fill)(struct scsi_dev *dev, struct tgt_cmd *cmd,
		       uint8_t *buf, size_t len);
};
extern const struct scsi_vpd_page scsi_vpd_pages[];
extern const unsigned scsi_vpd_pages_count;
/* The page @code if @dev has it, else NULL. */
const struct scsi_vpd_page *scsi_vpd_find(const struct scsi_dev *dev,
					  uint8_t code);

/* Mode pages (mode.c): each builds current/changeable/default/saved
 * values into (buf, len) and applies a MODE SELECT'ed page. */
enum scsi_mode_pc {
	SCSI_MODE_CURRENT = 0,
	SCSI_MODE_CHANGEABLE = 1,
	SCSI_MODE_DEFAULT = 2,
	SCSI_MODE_SAVED = 3,
};
struct scsi_mode_page {
	uint8_t page;
	uint8_t subpage;
	uint8_t len;			/* page length including header */
	bool media;			/* block devices only */
	/* Called with dev->lock held. */
	size_t (*sense)(struct scsi_dev *dev, enum scsi_mode_pc pc,
			uint8_t *buf, size_t len);
	/* 0, or sets sense via scsi_cmd_sense_field and returns -EINVAL */
	int (*select)(struct scsi_dev *dev, struct tgt_cmd *cmd,
		      const uint8_t *page, size_t len, uint16_t param_off);
};
extern const struct scsi_mode_page scsi_mode_pages[];
extern const unsigned scsi_mode_pages_count;

#endif
