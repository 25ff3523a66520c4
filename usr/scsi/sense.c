/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sense data (SPC-4 4.5): fixed (70h) and descriptor (72h) formats, and
 * the helpers that turn a command into CHECK CONDITION with them.
 */
#include <string.h>

#include "scsi_int.h"
#include "../util/util.h"

#define SENSE_FIXED		0x70	/* current error, fixed format */
#define SENSE_DESC		0x72	/* current error, descriptor format */
#define SENSE_FIXED_LEN		18
#define SENSE_DESC_HDR_LEN	8
#define SENSE_SKS_DESC_TYPE	0x02	/* sense key specific descriptor */
#define SENSE_SKS_DESC_LEN	8
#define SENSE_SKSV		0x80
#define SENSE_MAX_BUILT		32

#define SKS_C_D			0x40	/* the field is in the CDB */
#define SKS_BPV			0x08	/* bit pointer valid */

/* VALID=0: no INFORMATION field; ADDITIONAL SENSE LENGTH covers 8..17. */
static size_t sense_fixed_fill(uint8_t *s, uint8_t key, uint16_t asc_ascq,
			       const uint8_t *sks)
{
	s[0] = SENSE_FIXED;
	s[2] = key & 0x0f;
	s[7] = SENSE_FIXED_LEN - 8;
	put_be16(s + 12, asc_ascq);
	if (sks) {
		s[15] = sks[0] | SENSE_SKSV;
		s[16] = sks[1];
		s[17] = sks[2];
	}
	return SENSE_FIXED_LEN;
}

/* The field pointer travels in a sense key specific descriptor (02h). */
static size_t sense_desc_fill(uint8_t *s, uint8_t key, uint16_t asc_ascq,
			      const uint8_t *sks)
{
	uint8_t *d = s + SENSE_DESC_HDR_LEN;

	s[0] = SENSE_DESC;
	s[1] = key & 0x0f;
	put_be16(s + 2, asc_ascq);
	if (!sks)
		return SENSE_DESC_HDR_LEN;
	s[7] = SENSE_SKS_DESC_LEN;
	d[0] = SENSE_SKS_DESC_TYPE;
	d[1] = SENSE_SKS_DESC_LEN - 2;
	d[4] = sks[0] | SENSE_SKSV;
	d[5] = sks[1];
	d[6] = sks[2];
	return SENSE_DESC_HDR_LEN + SENSE_SKS_DESC_LEN;
}

/* Built whole, then truncated: the ADDITIONAL SENSE LENGTH keeps saying
 * how much there was, as SPC requires for short allocation lengths. */
size_t scsi_sense_build(uint8_t *buf, size_t len, bool desc, uint8_t key,
			uint16_t asc_ascq, const uint8_t *sks)
{
	uint8_t tmp[SENSE_MAX_BUILT] = { 0 };
	size_t n;

	if (desc)
		n = sense_desc_fill(tmp, key, asc_ascq, sks);
	else
		n = sense_fixed_fill(tmp, key, asc_ascq, sks);
	n = MIN(n, len);
	memcpy(buf, tmp, n);
	return n;
}

/* D_SENSE of the device the command runs on; fixed without one. */
static bool sense_desc_of(struct scsi_dev *dev)
{
	bool desc;

	if (!dev)
		return false;
	pthread_mutex_lock(&dev->lock);
	desc = dev->dsense;
	pthread_mutex_unlock(&dev->lock);
	return desc;
}

static void sense_cmd_set(struct tgt_cmd *cmd, struct scsi_dev *dev,
			  uint8_t key, uint16_t asc_ascq, const uint8_t *sks)
{
	cmd->status = SAM_STAT_CHECK_CONDITION;
	cmd->sense_len = (uint8_t)scsi_sense_build(cmd->sense, TGT_SENSE_MAX,
						   sense_desc_of(dev), key,
						   asc_ascq, sks);
}

void scsi_cmd_sense_set(struct tgt_cmd *cmd, uint8_t key, uint16_t asc_ascq)
{
	sense_cmd_set(cmd, scsi_ctx_of(cmd)->dev, key, asc_ascq, NULL);
}

/* SPC-4 4.5.2.4.2: field pointer bytes; the bit pointer names the
 * leftmost bit of a multi-bit field. */
void scsi_cmd_sense_field(struct tgt_cmd *cmd, bool in_cdb, uint16_t byte,
			  int bit)
{
	uint8_t sks[3];

	sks[0] = SENSE_SKSV;
	if (in_cdb)
		sks[0] |= SKS_C_D;
	if (bit >= 0)
		sks[0] |= SKS_BPV | (uint8_t)(bit & 0x07);
	put_be16(sks + 1, byte);
	sense_cmd_set(cmd, scsi_ctx_of(cmd)->dev, SK_ILLEGAL_REQUEST,
		      in_cdb ? ASC_INVALID_FIELD_IN_CDB :
			       ASC_INVALID_FIELD_IN_PARAM, sks);
}

void scsi_cmd_sense_ua(struct scsi_dev *dev, struct tgt_cmd *cmd,
		       uint16_t asc_ascq)
{
	sense_cmd_set(cmd, dev, SK_UNIT_ATTENTION, asc_ascq, NULL);
}
