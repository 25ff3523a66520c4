/* SPDX-License-Identifier: GPL-2.0-only */
/* SBC command handlers.  STUB: replaced by the SBC implementation. */
#include "scsi_int.h"

#define SBC_STUB(fn)							\
	void fn(struct scsi_dev *dev, struct tgt_cmd *cmd)		\
	{								\
		scsi_cmd_fail(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE); \
	}

SBC_STUB(sbc_read)
SBC_STUB(sbc_write)
SBC_STUB(sbc_write_verify)
SBC_STUB(sbc_verify)
SBC_STUB(sbc_read_capacity10)
SBC_STUB(sbc_read_capacity16)
SBC_STUB(sbc_sync_cache)
SBC_STUB(sbc_prefetch)
SBC_STUB(sbc_start_stop)
