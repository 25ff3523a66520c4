/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mode parameters (SPC-4 7.5, SBC-3 6.4): the mode page table, MODE
 * SENSE and MODE SELECT.
 *
 * Each page builds its current, changeable, default and saved values.
 * Saved values are what MODE SELECT with SP=1 stored, kept in memory
 * (dev->saved_pages); until then they read as the defaults.  MODE SELECT
 * checks the framing and the changeable bits of every page in the list
 * before applying any; only a page's own value checks (MRIE range) run
 * as it is applied.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scsi_int.h"
#include "../util/util.h"

#define MODE_PS			0x80	/* parameters saveable */
#define MODE_SPF		0x40	/* sub_page format */
#define MODE_PAGE_MASK		0x3f
#define MODE_PAGE_ALL		0x3f
#define MODE_SUBPAGE_ALL	0xff
#define MODE_PAGE_MAX		64
#define MODE_BUF		512

#define MODE_HDR6		4
#define MODE_HDR10		8
#define MODE_BD_SHORT		8
#define MODE_BD_LONG		16
#define MODE_LONGLBA		0x01
#define MODE_DSP_WP		0x80
#define MODE_DSP_DPOFUA		0x10

#define MS_DBD			0x08
#define MS_LLBAA		0x10
#define MSEL_PF			0x10
#define MSEL_SP			0x01

/* Caching page (SBC-3 6.4.5). */
#define CACHING_PAGE		0x08
#define CACHING_LEN		20
#define CACHING_WCE		0x04

/* Control page (SPC-4 7.5.8). */
#define CONTROL_PAGE		0x0a
#define CONTROL_LEN		12
#define CONTROL_D_SENSE		0x04
#define CONTROL_GLTSD		0x02
#define CONTROL_QAM_UNRESTRICTED 0x10
#define CONTROL_SWP		0x08

/* Informational exceptions control page (SPC-4 7.5.15). */
#define IEC_PAGE		0x1c
#define IEC_LEN			12
#define IEC_DEXCPT		0x08
#define IEC_MRIE_MASK		0x0f
#define IEC_MRIE_MAX		6

/* --- saved values --- */

/* Copies the saved page (page, subpage) into @buf; 0 when none was
 * saved.  dev->lock is held. */
static size_t mode_saved_get(struct scsi_dev *dev, uint8_t page,
			     uint8_t subpage, uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off + 2 <= dev->saved_len) {
		const uint8_t *p = dev->saved_pages + off;
		bool spf = p[0] & MODE_SPF;
		size_t n = spf ? 4u + get_be16(p + 2) : 2u + p[1];

		if ((p[0] & MODE_PAGE_MASK) == page &&
		    (spf ? p[1] : 0) == subpage) {
			if (n > len)
				return 0;
			memcpy(buf, p, n);
			return n;
		}
		off += n;
	}
	return 0;
}

/* Starts a page: saved values when there are some, else zeroes with the
 * page header.  Returns true when @buf already holds the saved page. */
static bool mode_page_start(struct scsi_dev *dev, enum scsi_mode_pc pc,
			    uint8_t page, uint8_t len, uint8_t *buf)
{
	if (pc == SCSI_MODE_SAVED && mode_saved_get(dev, page, 0, buf, len))
		return true;
	memset(buf, 0, len);
	buf[0] = page;
	buf[1] = len - 2;
	return false;
}

/* --- pages --- */

/* RCD reads 0 and is not changeable: reads always go through the host's
 * cache. */
static size_t mode_caching_sense(struct scsi_dev *dev, enum scsi_mode_pc pc,
				 uint8_t *buf, size_t len)
{
	if (len < CACHING_LEN)
		return 0;
	if (mode_page_start(dev, pc, CACHING_PAGE, CACHING_LEN, buf))
		return CACHING_LEN;
	if (pc != SCSI_MODE_CURRENT || dev->wce)
		buf[2] = CACHING_WCE;
	return CACHING_LEN;
}

static int mode_caching_select(struct scsi_dev *dev, struct tgt_cmd *cmd,
			       const uint8_t *page, size_t len,
			       uint16_t param_off)
{
	pthread_mutex_lock(&dev->lock);
	dev->wce = page[2] & CACHING_WCE;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

/* TST 000b, TAS 0, QERR 00b, unrestricted reordering; D_SENSE and SWP
 * are changeable. */
static size_t mode_control_sense(struct scsi_dev *dev, enum scsi_mode_pc pc,
				 uint8_t *buf, size_t len)
{
	if (len < CONTROL_LEN)
		return 0;
	if (mode_page_start(dev, pc, CONTROL_PAGE, CONTROL_LEN, buf))
		return CONTROL_LEN;
	if (pc == SCSI_MODE_CHANGEABLE) {
		buf[2] = CONTROL_D_SENSE;
		buf[4] = CONTROL_SWP;
		return CONTROL_LEN;
	}
	buf[2] = CONTROL_GLTSD;
	buf[3] = CONTROL_QAM_UNRESTRICTED;
	if (pc == SCSI_MODE_CURRENT && dev->dsense)
		buf[2] |= CONTROL_D_SENSE;
	if (pc == SCSI_MODE_CURRENT && dev->swp)
		buf[4] |= CONTROL_SWP;
	return CONTROL_LEN;
}

static int mode_control_select(struct scsi_dev *dev, struct tgt_cmd *cmd,
			       const uint8_t *page, size_t len,
			       uint16_t param_off)
{
	pthread_mutex_lock(&dev->lock);
	dev->dsense = page[2] & CONTROL_D_SENSE;
	dev->swp = page[4] & CONTROL_SWP;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

/* Informational exceptions are never reported (DEXCPT=1, fixed); MRIE
 * is kept for initiators that set it. */
static size_t mode_iec_sense(struct scsi_dev *dev, enum scsi_mode_pc pc,
			     uint8_t *buf, size_t len)
{
	if (len < IEC_LEN)
		return 0;
	if (mode_page_start(dev, pc, IEC_PAGE, IEC_LEN, buf))
		return IEC_LEN;
	if (pc == SCSI_MODE_CHANGEABLE) {
		buf[3] = IEC_MRIE_MASK;
		return IEC_LEN;
	}
	buf[2] = IEC_DEXCPT;
	if (pc == SCSI_MODE_CURRENT)
		buf[3] = dev->iec_mrie;
	return IEC_LEN;
}

static int mode_iec_select(struct scsi_dev *dev, struct tgt_cmd *cmd,
			   const uint8_t *page, size_t len, uint16_t param_off)
{
	uint8_t mrie = page[3] & IEC_MRIE_MASK;

	if (mrie > IEC_MRIE_MAX) {
		scsi_cmd_sense_field(cmd, false, param_off + 3, 3);
		return -EINVAL;
	}
	pthread_mutex_lock(&dev->lock);
	dev->iec_mrie = mrie;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

const struct scsi_mode_page scsi_mode_pages[] = {
	{ CACHING_PAGE, 0, CACHING_LEN, true,
	  mode_caching_sense, mode_caching_select },
	{ CONTROL_PAGE, 0, CONTROL_LEN, false,
	  mode_control_sense, mode_control_select },
	{ IEC_PAGE, 0, IEC_LEN, false, mode_iec_sense, mode_iec_select },
};

const unsigned scsi_mode_pages_count = ARRAY_SIZE(scsi_mode_pages);

static bool mode_page_applies(const struct scsi_dev *dev,
			      const struct scsi_mode_page *mp)
{
	return dev->type->has_media || !mp->media;
}

static const struct scsi_mode_page *mode_page_find(const struct scsi_dev *dev,
						   uint8_t page,
						   uint8_t subpage)
{
	for (unsigned i = 0; i < scsi_mode_pages_count; i++) {
		const struct scsi_mode_page *mp = &scsi_mode_pages[i];

		if (mp->page == page && mp->subpage == subpage &&
		    mode_page_applies(dev, mp))
			return mp;
	}
	return NULL;
}

/* --- MODE SENSE --- */

/* 3Fh selects every page, subpage FFh every subpage. */
static bool mode_page_selected(const struct scsi_mode_page *mp,
			       uint8_t page, uint8_t subpage)
{
	return (page == MODE_PAGE_ALL || mp->page == page) &&
	       (subpage == MODE_SUBPAGE_ALL || mp->subpage == subpage);
}

/* Appends the selected pages; dev->lock is held. */
static size_t mode_pages_build(struct scsi_dev *dev, enum scsi_mode_pc pc,
			       uint8_t page, uint8_t subpage, uint8_t *buf,
			       size_t len)
{
	size_t n = 0;

	for (unsigned i = 0; i < scsi_mode_pages_count; i++) {
		const struct scsi_mode_page *mp = &scsi_mode_pages[i];
		size_t m;

		if (!mode_page_applies(dev, mp) ||
		    !mode_page_selected(mp, page, subpage))
			continue;
		m = mp->sense(dev, pc, buf + n, len - n);
		if (m)
			buf[n] |= MODE_PS;
		n += m;
	}
	return n;
}

/* SBC-3 6.4.2: short descriptors say FFFFFFFFh when the capacity does
 * not fit; dev->lock is held. */
static size_t mode_block_desc(struct scsi_dev *dev, uint8_t *buf, bool llbaa)
{
	if (llbaa) {
		put_be64(buf, dev->nr_blocks);
		put_be32(buf + 12, dev->block_size);
		return MODE_BD_LONG;
	}
	put_be32(buf, (uint32_t)MIN(dev->nr_blocks, (uint64_t)UINT32_MAX));
	put_be24(buf + 5, dev->block_size);
	return MODE_BD_SHORT;
}

static uint8_t mode_dsp(struct scsi_dev *dev)
{
	uint8_t dsp;

	if (!dev->type->has_media)
		return 0;
	dsp = MODE_DSP_DPOFUA;
	if (dev->readonly || dev->swp)
		dsp |= MODE_DSP_WP;
	return dsp;
}

static void mode_sense_hdr(uint8_t *buf, bool ten, size_t n, uint8_t dsp,
			   size_t bd_len)
{
	if (!ten) {
		buf[0] = (uint8_t)(n - 1);
		buf[2] = dsp;
		buf[3] = (uint8_t)bd_len;
		return;
	}
	put_be16(buf, (uint16_t)(n - 2));
	buf[3] = dsp;
	if (bd_len == MODE_BD_LONG)
		buf[4] = MODE_LONGLBA;
	put_be16(buf + 6, (uint16_t)bd_len);
}

/* The field in error when nothing matched: the page code, or the
 * subpage code of an existing page. */
static void mode_sense_bad_page(struct scsi_dev *dev, struct tgt_cmd *cmd,
				uint8_t page)
{
	for (unsigned i = 0; i < scsi_mode_pages_count; i++) {
		if (scsi_mode_pages[i].page == page &&
		    mode_page_applies(dev, &scsi_mode_pages[i])) {
			scsi_cmd_sense_field(cmd, true, 3, -1);
			scsi_cmd_done(cmd);
			return;
		}
	}
	scsi_cmd_sense_field(cmd, true, 2, 5);
	scsi_cmd_done(cmd);
}

void spc_mode_sense(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	const uint8_t *cdb = cmd->cdb;
	bool ten = cdb[0] == MODE_SENSE_10;
	bool dbd = (cdb[1] & MS_DBD) || !dev->type->has_media;
	bool llbaa = ten && (cdb[1] & MS_LLBAA);
	enum scsi_mode_pc pc = (enum scsi_mode_pc)(cdb[2] >> 6);
	uint8_t page = cdb[2] & MODE_PAGE_MASK, subpage = cdb[3];
	uint8_t buf[MODE_BUF] = { 0 };
	size_t hdr = ten ? MODE_HDR10 : MODE_HDR6, bd_len = 0, pages;
	uint8_t dsp;

	pthread_mutex_lock(&dev->lock);
	if (!dbd)
		bd_len = mode_block_desc(dev, buf + hdr, llbaa);
	pages = mode_pages_build(dev, pc, page, subpage, buf + hdr + bd_len,
				 sizeof(buf) - hdr - bd_len);
	dsp = mode_dsp(dev);
	pthread_mutex_unlock(&dev->lock);
	if (!pages) {
		mode_sense_bad_page(dev, cmd, page);
		return;
	}
	mode_sense_hdr(buf, ten, hdr + bd_len + pages, dsp, bd_len);
	scsi_cmd_data_in(cmd, buf, MIN(hdr + bd_len + pages,
				       (size_t)cmd->cdb_xfer_len));
	scsi_cmd_done(cmd);
}

/* --- MODE SELECT --- */

struct mode_list {
	const uint8_t *buf;
	size_t len;			/* parameter list length */
	size_t pages_off;		/* first page */
	bool ten;
};

static int mode_fail_plle(struct tgt_cmd *cmd)
{
	scsi_cmd_sense_set(cmd, SK_ILLEGAL_REQUEST,
			   ASC_PARAM_LIST_LENGTH_ERROR);
	return -EINVAL;
}

static int mode_fail_param(struct tgt_cmd *cmd, size_t byte, int bit)
{
	scsi_cmd_sense_field(cmd, false, (uint16_t)byte, bit);
	return -EINVAL;
}

static int mode_top_bit(uint8_t v)
{
	int bit = 7;

	while (bit > 0 && !(v & (1u << bit)))
		bit--;
	return bit;
}

/* SBC-3 6.4.2: a block descriptor may restate the capacity (or say 0 to
 * keep it) but the block length cannot change. */
static int mode_select_bd(struct scsi_dev *dev, struct tgt_cmd *cmd,
			  const uint8_t *bd, size_t bd_off, bool longlba)
{
	uint64_t nblocks = longlba ? get_be64(bd) : get_be32(bd);
	uint32_t blen = longlba ? get_be32(bd + 12) : get_be24(bd + 5);
	uint64_t cur;

	pthread_mutex_lock(&dev->lock);
	cur = dev->nr_blocks;
	pthread_mutex_unlock(&dev->lock);
	if (!longlba)
		cur = MIN(cur, (uint64_t)UINT32_MAX);
	if (nblocks && nblocks != cur)
		return mode_fail_param(cmd, bd_off, -1);
	if (blen != dev->block_size)
		return mode_fail_param(cmd, bd_off + (longlba ? 12 : 5), -1);
	return 0;
}

/* Header and block descriptor; sets l->pages_off. */
static int mode_select_hdr(struct scsi_dev *dev, struct tgt_cmd *cmd,
			   struct mode_list *l)
{
	size_t hdr = l->ten ? MODE_HDR10 : MODE_HDR6;
	size_t mt_off = l->ten ? 2 : 1, bdl_off = l->ten ? 6 : 3;
	bool longlba = l->ten && (l->buf[4] & MODE_LONGLBA);
	size_t bd_len;

	if (l->len < hdr)
		return mode_fail_plle(cmd);
	bd_len = l->ten ? get_be16(l->buf + 6) : l->buf[3];
	if (l->buf[mt_off])
		return mode_fail_param(cmd, mt_off, -1);
	if (bd_len && (!dev->type->has_media ||
		       bd_len != (longlba ? MODE_BD_LONG : MODE_BD_SHORT)))
		return mode_fail_param(cmd, bdl_off, -1);
	if (hdr + bd_len > l->len)
		return mode_fail_plle(cmd);
	l->pages_off = hdr + bd_len;
	if (!bd_len)
		return 0;
	return mode_select_bd(dev, cmd, l->buf + hdr, hdr, longlba);
}

/* The page at @off: its table entry and total length. */
static int mode_select_page_parse(struct scsi_dev *dev, struct tgt_cmd *cmd,
				  const struct mode_list *l, size_t off,
				  const struct scsi_mode_page **mp,
				  size_t *total)
{
	const uint8_t *p = l->buf + off;
	bool spf;
	size_t hdr;

	if (off + 2 > l->len)
		return mode_fail_plle(cmd);
	spf = p[0] & MODE_SPF;
	hdr = spf ? 4 : 2;
	if (off + hdr > l->len)
		return mode_fail_plle(cmd);
	*total = hdr + (spf ? get_be16(p + 2) : p[1]);
	if (off + *total > l->len)
		return mode_fail_plle(cmd);
	*mp = mode_page_find(dev, p[0] & MODE_PAGE_MASK, spf ? p[1] : 0);
	if (!*mp)
		return mode_fail_param(cmd, off, 5);
	if (*total != (*mp)->len)
		return mode_fail_param(cmd, off + (spf ? 2 : 1), -1);
	return 0;
}

/* Only changeable bits may differ from the current values; the field
 * pointer names the first offending bit.  Sets *differs when a
 * changeable bit changes. */
static int mode_select_page_check(struct scsi_dev *dev, struct tgt_cmd *cmd,
				  const struct scsi_mode_page *mp,
				  const uint8_t *p, size_t off, bool *differs)
{
	uint8_t cur[MODE_PAGE_MAX], chg[MODE_PAGE_MAX];
	size_t hdr = (p[0] & MODE_SPF) ? 4 : 2;

	pthread_mutex_lock(&dev->lock);
	mp->sense(dev, SCSI_MODE_CURRENT, cur, sizeof(cur));
	mp->sense(dev, SCSI_MODE_CHANGEABLE, chg, sizeof(chg));
	pthread_mutex_unlock(&dev->lock);
	for (size_t i = hdr; i < mp->len; i++) {
		uint8_t bad = (p[i] ^ cur[i]) & (uint8_t)~chg[i];

		if (bad)
			return mode_fail_param(cmd, off + i, mode_top_bit(bad));
		if ((p[i] ^ cur[i]) & chg[i])
			*differs = true;
	}
	return 0;
}

static int mode_select_pages_check(struct scsi_dev *dev, struct tgt_cmd *cmd,
				   const struct mode_list *l, bool *differs)
{
	const struct scsi_mode_page *mp;
	size_t off = l->pages_off, total;
	int ret;

	while (off < l->len) {
		ret = mode_select_page_parse(dev, cmd, l, off, &mp, &total);
		if (ret)
			return ret;
		ret = mode_select_page_check(dev, cmd, mp, l->buf + off, off,
					     differs);
		if (ret)
			return ret;
		off += total;
	}
	return 0;
}

/* Runs after mode_select_pages_check() accepted the whole list. */
static int mode_select_pages_apply(struct scsi_dev *dev, struct tgt_cmd *cmd,
				   const struct mode_list *l)
{
	const struct scsi_mode_page *mp;
	size_t off = l->pages_off, total;
	int ret;

	while (off < l->len) {
		ret = mode_select_page_parse(dev, cmd, l, off, &mp, &total);
		if (!ret)
			ret = mp->select(dev, cmd, l->buf + off, total,
					 (uint16_t)off);
		if (ret)
			return ret;
		off += total;
	}
	return 0;
}

/* SP=1: the current values of every page become the saved ones. */
static void mode_save(struct scsi_dev *dev)
{
	size_t n = 0;

	pthread_mutex_lock(&dev->lock);
	dev->saved_len = 0;
	for (unsigned i = 0; i < scsi_mode_pages_count; i++) {
		const struct scsi_mode_page *mp = &scsi_mode_pages[i];

		if (mode_page_applies(dev, mp))
			n += mp->sense(dev, SCSI_MODE_CURRENT,
				       dev->saved_pages + n,
				       sizeof(dev->saved_pages) - n);
	}
	dev->saved_len = (uint16_t)n;
	pthread_mutex_unlock(&dev->lock);
}

static int mode_select_list(struct scsi_dev *dev, struct tgt_cmd *cmd,
			    struct mode_list *l, bool save)
{
	bool differs = false;
	int ret;

	ret = mode_select_hdr(dev, cmd, l);
	if (!ret)
		ret = mode_select_pages_check(dev, cmd, l, &differs);
	if (!ret)
		ret = mode_select_pages_apply(dev, cmd, l);
	if (ret)
		return ret;
	if (save)
		mode_save(dev);
	if (differs)
		tgt_cmd_ua_raise_others(cmd, ASC_MODE_PARAMS_CHANGED);
	return 0;
}

/* PF=1 is required (SPC-4 page format); a zero parameter list length
 * is not an error. */
void spc_mode_select(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	struct mode_list l = { .ten = cmd->cdb[0] == MODE_SELECT_10 };
	uint32_t plen = cmd->cdb_xfer_len;
	uint8_t *buf;

	if (!(cmd->cdb[1] & MSEL_PF)) {
		scsi_cmd_sense_field(cmd, true, 1, 4);
		scsi_cmd_done(cmd);
		return;
	}
	if (!plen) {
		scsi_cmd_done(cmd);
		return;
	}
	buf = malloc(plen);
	if (!buf) {
		scsi_cmd_fail_errno(cmd, -ENOMEM, true);
		return;
	}
	cmd->xfer_len = (uint32_t)scsi_cmd_data_out(cmd, buf, plen);
	l.buf = buf;
	l.len = cmd->xfer_len;
	if (l.len < plen)
		mode_fail_plle(cmd);
	else
		mode_select_list(dev, cmd, &l, cmd->cdb[1] & MSEL_SP);
	free(buf);
	scsi_cmd_done(cmd);
}
