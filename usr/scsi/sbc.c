/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SBC-3 block commands: READ/WRITE (6/10/12/16), WRITE AND VERIFY, VERIFY,
 * READ CAPACITY (10/16), SYNCHRONIZE CACHE, PRE-FETCH, START STOP UNIT.
 *
 * READ and WRITE move data straight between the command's buffer and the
 * backing store.  VERIFY and the read-back of WRITE AND VERIFY walk the
 * range in SBC_CHUNK pieces through a bounce buffer (ctx->buf, freed by
 * scsi_cmd_done/scsi_cmd_fail*), so a VERIFY of a whole disk needs no more
 * memory than one chunk.
 *
 * Transfer lengths: cmd->cdb_xfer_len is what the CDB asked for; only
 * whole blocks that fit in cmd->data_len move, the transport reports the
 * rest as residual.  Completions run on backing-store threads: after
 * scsi_cmd_done/scsi_cmd_fail* the command is never touched again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scsi_int.h"
#include "../util/util.h"

#define SBC_CHUNK	(1u << 20)	/* bytes per VERIFY read */
#define SBC_BUF_ALIGN	4096		/* bounce buffers suit O_DIRECT */

/* CDB byte 1 bits. */
#define SBC_B1_PROTECT	0xe0		/* RD/WR/VRPROTECT */
#define SBC_B1_FUA	0x08
#define SBC_B1_BYTCHK	0x06
#define SBC_B1_OBSOLETE	0x01		/* RELADR in SBC-2 */

/* BYTCHK (SBC-3 2 bits). */
#define SBC_BYTCHK_NONE		0
#define SBC_BYTCHK_ALL		1
#define SBC_BYTCHK_RESERVED	2
#define SBC_BYTCHK_PATTERN	3

/* START STOP UNIT byte 4. */
#define SBC_SSU_START		0x01
#define SBC_SSU_LOEJ		0x02
#define SBC_SSU_NO_FLUSH	0x04

#define SBC_ASC_REMOVAL_PREVENTED	0x5302

/* Physical block reported by READ CAPACITY(16): page-sized I/O is what
 * file and block backing stores do best. */
#define SBC_PHYS_BLOCK		4096

/* How a VERIFY walk treats each chunk it reads (ctx->stage). */
enum sbc_walk {
	SBC_WALK_READ = 0,	/* readable is enough (BYTCHK 0) */
	SBC_WALK_COMPARE,	/* equal to the data-out (BYTCHK 1, W&V) */
	SBC_WALK_PATTERN,	/* every block equal to one block (BYTCHK 3) */
};

/* ctx->chain: who continues a walk after a chunk completes. */
enum sbc_chain {
	SBC_CHAIN_IDLE = 0,
	SBC_CHAIN_SUBMITTING,
	SBC_CHAIN_DONE,
};

/* LBA range and byte 1 of a block command. */
struct sbc_cdb {
	uint64_t lba;
	uint32_t nblocks;
	uint8_t b1;		/* 0 for 6-byte CDBs: their byte 1 is LBA */
};

/* ---------- helpers ---------- */

/* The CDB layout follows the group code in the opcode's top 3 bits. */
static void sbc_cdb_parse(const uint8_t *cdb, struct sbc_cdb *c)
{
	switch (cdb[0] >> 5) {
	case 0:			/* 6-byte: 21-bit LBA, 0 blocks means 256 */
		c->lba = get_be24(cdb + 1) & 0x1fffff;
		c->nblocks = cdb[4] ? cdb[4] : 256;
		c->b1 = 0;
		return;
	case 4:			/* 16-byte */
		c->lba = get_be64(cdb + 2);
		c->nblocks = get_be32(cdb + 10);
		break;
	case 5:			/* 12-byte */
		c->lba = get_be32(cdb + 2);
		c->nblocks = get_be32(cdb + 6);
		break;
	default:		/* 10-byte */
		c->lba = get_be32(cdb + 2);
		c->nblocks = get_be16(cdb + 7);
		break;
	}
	c->b1 = cdb[1];
}

static uint64_t sbc_nr_blocks(struct scsi_dev *dev)
{
	uint64_t nr;

	pthread_mutex_lock(&dev->lock);
	nr = dev->nr_blocks;
	pthread_mutex_unlock(&dev->lock);
	return nr;
}

/* Write-through unless the caching mode page enables the write cache. */
static bool sbc_write_through(struct scsi_dev *dev)
{
	bool wce;

	pthread_mutex_lock(&dev->lock);
	wce = dev->wce;
	pthread_mutex_unlock(&dev->lock);
	return !wce;
}

/* The backing store failed: its -errno becomes sense. */
static void sbc_fail_errno(struct tgt_cmd *cmd, ssize_t err, bool write)
{
	scsi_cmd_fail_errno(cmd, (int)-err, write);
}

static void sbc_fail_field(struct tgt_cmd *cmd, uint16_t byte, int bit)
{
	scsi_cmd_sense_field(cmd, true, byte, bit);
	scsi_cmd_done(cmd);
}

/*
 * [lba, lba + n) must lie on the medium; fails the command with LOGICAL
 * BLOCK ADDRESS OUT OF RANGE (no field pointer) otherwise.
 */
static bool sbc_range_check(struct scsi_dev *dev, struct tgt_cmd *cmd,
			    uint64_t lba, uint64_t n)
{
	uint64_t nr = sbc_nr_blocks(dev);

	if (lba <= nr && n <= nr - lba)
		return true;
	scsi_cmd_fail(cmd, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
	return false;
}

/*
 * Records what the CDB asks to move and returns what fits: whole blocks
 * of cmd->data_len, so a short buffer is never overrun and the transport
 * reports the difference as residual.
 */
static size_t sbc_xfer_fit(struct scsi_dev *dev, struct tgt_cmd *cmd,
			   uint64_t bytes)
{
	uint64_t room = cmd->data_len & ~((uint64_t)dev->block_size - 1);

	cmd->cdb_xfer_len = (uint32_t)MIN(bytes, UINT32_MAX);
	return (size_t)MIN(bytes, room);
}

/*
 * Points ctx->io at the first @len bytes of the command's buffer: the
 * iovecs themselves when they end there, else a trimmed copy kept in
 * ctx->buf (freed at completion).
 */
static int sbc_iov_setup(struct tgt_cmd *cmd, size_t len)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	struct iovec *copy;
	size_t left = len;
	int n = 0;

	while (n < cmd->iovcnt && left > cmd->iov[n].iov_len)
		left -= cmd->iov[n++].iov_len;
	if (n == cmd->iovcnt)
		return -EINVAL;
	ctx->io.iovcnt = n + 1;
	if (left == cmd->iov[n].iov_len) {
		ctx->io.iov = cmd->iov;
		return 0;
	}
	if (n == 0) {
		ctx->iov.iov_base = cmd->iov[0].iov_base;
		ctx->iov.iov_len = left;
		ctx->io.iov = &ctx->iov;
		return 0;
	}
	copy = malloc(sizeof(*copy) * (size_t)(n + 1));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, cmd->iov, sizeof(*copy) * (size_t)(n + 1));
	copy[n].iov_len = left;
	ctx->buf = copy;
	ctx->io.iov = copy;
	return 0;
}

/*
 * Offset of the first byte of @buf that differs from the data-out at
 * @off, or @len when all are equal.
 */
static size_t sbc_data_out_cmp(const struct tgt_cmd *cmd, size_t off,
			       const uint8_t *buf, size_t len)
{
	size_t done = 0;

	for (int i = 0; i < cmd->iovcnt && done < len; i++) {
		const uint8_t *p = cmd->iov[i].iov_base;
		size_t n = cmd->iov[i].iov_len;

		if (off >= n) {
			off -= n;
			continue;
		}
		p += off;
		n = MIN(n - off, len - done);
		off = 0;
		if (memcmp(p, buf + done, n) != 0) {
			while (*p == buf[done]) {
				p++;
				done++;
			}
			return done;
		}
		done += n;
	}
	return done;
}

/*
 * Adds INFORMATION to the sense just set: fixed format sets VALID and the
 * 4-byte field (VALID stays 0 if @info does not fit), descriptor format
 * appends an information descriptor (SPC-4 4.5.2.2).
 */
static void sbc_sense_info_set(struct tgt_cmd *cmd, uint64_t info)
{
	uint8_t *s = cmd->sense;
	uint8_t *d;

	if ((s[0] & 0x7f) == 0x70) {
		if (info <= UINT32_MAX) {
			s[0] |= 0x80;
			put_be32(s + 3, (uint32_t)info);
		}
		return;
	}
	if (cmd->sense_len + 12 > TGT_SENSE_MAX)
		return;
	d = s + cmd->sense_len;
	memset(d, 0, 12);
	d[1] = 0x0a;
	d[2] = 0x80;
	put_be64(d + 4, info);
	s[7] = (uint8_t)(s[7] + 12);
	cmd->sense_len = (uint8_t)(cmd->sense_len + 12);
}

/* SBC-3: INFORMATION is the offset of the first byte that differed. */
static void sbc_fail_miscompare(struct tgt_cmd *cmd, uint64_t offset)
{
	scsi_cmd_sense_set(cmd, SK_MISCOMPARE, ASC_MISCOMPARE_VERIFY);
	sbc_sense_info_set(cmd, offset);
	scsi_cmd_done(cmd);
}

static void sbc_io_prep(struct tgt_cmd *cmd, uint64_t offset, size_t len,
			uint32_t flags, void (*done)(struct bs_io *, ssize_t))
{
	struct bs_io *io = &scsi_ctx_of(cmd)->io;

	io->offset = offset;
	io->len = len;
	io->flags = flags;
	io->done = done;
	io->priv = cmd;
}

/* ---------- READ, WRITE ---------- */

/* Byte 1 checks shared by READ/WRITE/VERIFY/WRITE AND VERIFY. */
static bool sbc_b1_check(struct tgt_cmd *cmd, const struct sbc_cdb *c)
{
	uint8_t op = cmd->cdb[0];

	if (c->b1 & SBC_B1_PROTECT) {
		/* no protection information: a non-zero xxPROTECT is
		 * invalid (SBC-3 4.18) */
		sbc_fail_field(cmd, 1, 7);
		return false;
	}
	if ((op == READ_10 || op == WRITE_10 || op == READ_12 ||
	     op == WRITE_12) && (c->b1 & SBC_B1_OBSOLETE)) {
		sbc_fail_field(cmd, 1, 0);
		return false;
	}
	return true;
}

static void sbc_rw_done(struct bs_io *io, ssize_t res)
{
	struct tgt_cmd *cmd = io->priv;

	if (res < 0) {
		sbc_fail_errno(cmd, res, io->op == BS_IO_WRITE);
		return;
	}
	cmd->xfer_len = (uint32_t)io->len;
	scsi_cmd_done(cmd);
}

/*
 * Fits the CDB's transfer into the command's buffer and points the
 * command's iovec at it.  Returns the byte count, or 0 when the command
 * has already been completed (nothing to move, or a setup failure).
 */
static size_t sbc_xfer_prepare(struct scsi_dev *dev, struct tgt_cmd *cmd,
			       const struct sbc_cdb *c, bool write)
{
	size_t len = sbc_xfer_fit(dev, cmd,
				  (uint64_t)c->nblocks << dev->block_shift);
	int ret;

	if (len == 0) {
		scsi_cmd_done(cmd);
		return 0;
	}
	ret = sbc_iov_setup(cmd, len);
	if (ret) {
		sbc_fail_errno(cmd, ret, write);
		return 0;
	}
	return len;
}

/*
 * Reads and writes: no copy, the command's own buffer goes to the store.
 * A write is FUA when the CDB says so or the write cache is off.
 */
static void sbc_rw(struct scsi_dev *dev, struct tgt_cmd *cmd, bool write)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	struct sbc_cdb c;
	size_t len;
	bool fua;
	int ret;

	sbc_cdb_parse(cmd->cdb, &c);
	if (!sbc_b1_check(cmd, &c) ||
	    !sbc_range_check(dev, cmd, c.lba, c.nblocks))
		return;
	len = sbc_xfer_prepare(dev, cmd, &c, write);
	if (len == 0)
		return;
	fua = write && ((c.b1 & SBC_B1_FUA) || sbc_write_through(dev));
	sbc_io_prep(cmd, c.lba << dev->block_shift, len,
		    fua ? BS_IO_FUA : 0, sbc_rw_done);
	ret = write ? bs_write(dev->bs, &ctx->io) : bs_read(dev->bs, &ctx->io);
	if (ret)
		sbc_fail_errno(cmd, ret, write);
}

static void sbc_read_partial_done(struct bs_io *io, ssize_t res)
{
	struct tgt_cmd *cmd = io->priv;
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);

	if (res < 0) {
		sbc_fail_errno(cmd, res, false);
		return;
	}
	scsi_cmd_data_in(cmd, ctx->buf, (size_t)ctx->end);
	scsi_cmd_done(cmd);
}

/*
 * Bytes of a READ that fall in a block only partly covered by the
 * initiator's buffer (SAM-5: move up to the expected transfer length and
 * report the rest as residual), 0 when the buffer ends on a block boundary
 * or holds the whole transfer.
 */
static uint32_t sbc_read_tail(struct scsi_dev *dev, struct tgt_cmd *cmd,
			      const struct sbc_cdb *c)
{
	uint64_t want = (uint64_t)c->nblocks << dev->block_shift;

	if (cmd->data_len >= want)
		return 0;
	return cmd->data_len & (dev->block_size - 1);
}

/*
 * A READ whose buffer ends inside a block: the covered blocks go through a
 * bounce buffer and exactly data_len bytes are copied out.
 */
static void sbc_read_partial(struct scsi_dev *dev, struct tgt_cmd *cmd,
			     const struct sbc_cdb *c)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	size_t len = ROUND_UP((size_t)cmd->data_len, dev->block_size);
	int ret;

	cmd->cdb_xfer_len = (uint32_t)MIN((uint64_t)c->nblocks <<
					  dev->block_shift, UINT32_MAX);
	ret = posix_memalign(&ctx->buf, 4096, len);
	if (ret) {
		ctx->buf = NULL;
		sbc_fail_errno(cmd, -ret, false);
		return;
	}
	ctx->end = cmd->data_len;
	ctx->iov.iov_base = ctx->buf;
	ctx->iov.iov_len = len;
	ctx->io.iov = &ctx->iov;
	ctx->io.iovcnt = 1;
	sbc_io_prep(cmd, c->lba << dev->block_shift, len, 0,
		    sbc_read_partial_done);
	ret = bs_read(dev->bs, &ctx->io);
	if (ret)
		sbc_fail_errno(cmd, ret, false);
}

void sbc_read(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	struct sbc_cdb c;

	sbc_cdb_parse(cmd->cdb, &c);
	if (!sbc_read_tail(dev, cmd, &c)) {
		sbc_rw(dev, cmd, false);
		return;
	}
	if (sbc_b1_check(cmd, &c) &&
	    sbc_range_check(dev, cmd, c.lba, c.nblocks))
		sbc_read_partial(dev, cmd, &c);
}

void sbc_write(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	sbc_rw(dev, cmd, true);
}

/* ---------- chunked walks: VERIFY, WRITE AND VERIFY read-back ---------- */

static int sbc_walk_alloc(struct tgt_cmd *cmd, uint64_t bytes)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	size_t size = (size_t)MIN(bytes, SBC_CHUNK);

	if (posix_memalign(&ctx->buf, SBC_BUF_ALIGN, size)) {
		ctx->buf = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* BYTCHK 11b: each block's first pattern_len bytes against the one
 * block of data-out; returns the offset in the chunk or @len. */
static size_t sbc_pattern_cmp(struct tgt_cmd *cmd, const uint8_t *buf,
			      size_t len)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	size_t bs = ctx->dev->block_size;
	size_t at;

	for (size_t blk = 0; blk < len; blk += bs) {
		at = sbc_data_out_cmp(cmd, 0, buf + blk, ctx->pattern_len);
		if (at < ctx->pattern_len)
			return blk + at;
	}
	return len;
}

/*
 * Checks the chunk that just completed.  Returns true to go on; false
 * when the command was completed (read error or miscompare).
 */
static bool sbc_walk_check(struct tgt_cmd *cmd)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	size_t len = ctx->io.len;
	size_t at = len;

	if (ctx->res < 0) {
		sbc_fail_errno(cmd, ctx->res, false);
		return false;
	}
	if (ctx->stage == SBC_WALK_COMPARE)
		at = sbc_data_out_cmp(cmd, (size_t)ctx->pos, ctx->buf, len);
	else if (ctx->stage == SBC_WALK_PATTERN)
		at = sbc_pattern_cmp(cmd, ctx->buf, len);
	if (at < len) {
		sbc_fail_miscompare(cmd, ctx->pos + at);
		return false;
	}
	ctx->pos += len;
	return true;
}

static void sbc_walk_done(struct bs_io *io, ssize_t res);

/*
 * Reads chunk after chunk until the range is done.  A store that
 * completes inline (null) would recurse once per chunk; the chain
 * handshake turns that into this loop: whoever sees the other side
 * already finished carries on.
 */
static void sbc_walk_next(struct tgt_cmd *cmd)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	uint64_t base = ctx->lba << ctx->dev->block_shift;
	size_t len;
	int ret;

	for (;;) {
		if (ctx->pos == ctx->end) {
			scsi_cmd_done(cmd);
			return;
		}
		len = (size_t)MIN(ctx->end - ctx->pos, SBC_CHUNK);
		ctx->iov.iov_base = ctx->buf;
		ctx->iov.iov_len = len;
		ctx->io.iov = &ctx->iov;
		ctx->io.iovcnt = 1;
		sbc_io_prep(cmd, base + ctx->pos, len, 0, sbc_walk_done);
		__atomic_store_n(&ctx->chain, SBC_CHAIN_SUBMITTING,
				 __ATOMIC_RELEASE);
		ret = bs_read(ctx->dev->bs, &ctx->io);
		if (ret) {
			sbc_fail_errno(cmd, ret, false);
			return;
		}
		if (__atomic_exchange_n(&ctx->chain, SBC_CHAIN_IDLE,
					__ATOMIC_ACQ_REL) != SBC_CHAIN_DONE)
			return;
		if (!sbc_walk_check(cmd))
			return;
	}
}

static void sbc_walk_done(struct bs_io *io, ssize_t res)
{
	struct tgt_cmd *cmd = io->priv;
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);

	ctx->res = res;
	if (__atomic_exchange_n(&ctx->chain, SBC_CHAIN_DONE,
				__ATOMIC_ACQ_REL) == SBC_CHAIN_SUBMITTING)
		return;		/* completed inline: the submitter goes on */
	if (sbc_walk_check(cmd))
		sbc_walk_next(cmd);
}

static void sbc_walk_start(struct tgt_cmd *cmd, uint64_t lba, uint64_t bytes,
			   enum sbc_walk how)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);

	ctx->lba = lba;
	ctx->pos = 0;
	ctx->end = bytes;
	ctx->stage = how;
	sbc_walk_next(cmd);
}

/* ---------- VERIFY ---------- */

/* BYTCHK 00b reads, 01b compares the data-out, 11b compares one block
 * against each; 10b is reserved. */
static bool sbc_bytchk_get(struct tgt_cmd *cmd, const struct sbc_cdb *c,
			   uint8_t *bytchk)
{
	*bytchk = (c->b1 & SBC_B1_BYTCHK) >> 1;
	if (*bytchk != SBC_BYTCHK_RESERVED)
		return true;
	sbc_fail_field(cmd, 1, 2);
	return false;
}

/* What a VERIFY walks and how much data-out it takes. */
static void sbc_verify_plan(struct scsi_dev *dev, struct tgt_cmd *cmd,
			    const struct sbc_cdb *c, uint8_t bytchk,
			    uint64_t *bytes, enum sbc_walk *how)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);

	*bytes = (uint64_t)c->nblocks << dev->block_shift;
	if (bytchk == SBC_BYTCHK_NONE) {
		cmd->cdb_xfer_len = 0;
		*how = SBC_WALK_READ;
	} else if (bytchk == SBC_BYTCHK_ALL) {
		*bytes = sbc_xfer_fit(dev, cmd, *bytes);
		cmd->xfer_len = (uint32_t)*bytes;
		*how = SBC_WALK_COMPARE;
	} else {
		cmd->cdb_xfer_len = dev->block_size;
		ctx->pattern_len = MIN(cmd->data_len, dev->block_size);
		cmd->xfer_len = ctx->pattern_len;
		*how = SBC_WALK_PATTERN;
	}
}

void sbc_verify(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	struct sbc_cdb c;
	enum sbc_walk how;
	uint64_t bytes;
	uint8_t bytchk;
	int ret;

	sbc_cdb_parse(cmd->cdb, &c);
	if (!sbc_b1_check(cmd, &c) || !sbc_bytchk_get(cmd, &c, &bytchk) ||
	    !sbc_range_check(dev, cmd, c.lba, c.nblocks))
		return;
	sbc_verify_plan(dev, cmd, &c, bytchk, &bytes, &how);
	if (bytes == 0) {
		scsi_cmd_done(cmd);
		return;
	}
	ret = sbc_walk_alloc(cmd, bytes);
	if (ret) {
		sbc_fail_errno(cmd, ret, false);
		return;
	}
	sbc_walk_start(cmd, c.lba, bytes, how);
}

/* ---------- WRITE AND VERIFY ---------- */

/*
 * The write is on stable storage (FUA); BYTCHK 1 reads it back.  The
 * bounce buffer is allocated only now: until the write is done ctx->buf
 * may hold the trimmed iovec copy.
 */
static void sbc_write_verify_done(struct bs_io *io, ssize_t res)
{
	struct tgt_cmd *cmd = io->priv;
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	int ret;

	if (res < 0) {
		sbc_fail_errno(cmd, res, true);
		return;
	}
	cmd->xfer_len = (uint32_t)io->len;
	if (ctx->stage == SBC_BYTCHK_NONE) {
		scsi_cmd_done(cmd);
		return;
	}
	free(ctx->buf);
	ctx->buf = NULL;
	ret = sbc_walk_alloc(cmd, io->len);
	if (ret) {
		sbc_fail_errno(cmd, ret, false);
		return;
	}
	sbc_walk_start(cmd, ctx->lba, io->len, SBC_WALK_COMPARE);
}

/*
 * SBC-3: the data is written, then verified on the medium.  Written with
 * FUA so "the medium" is stable storage, not the cache.  BYTCHK 11b is
 * not supported for WRITE AND VERIFY: INVALID FIELD.
 */
void sbc_write_verify(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	struct sbc_cdb c;
	uint8_t bytchk;
	size_t len;
	int ret;

	sbc_cdb_parse(cmd->cdb, &c);
	if (!sbc_b1_check(cmd, &c) || !sbc_bytchk_get(cmd, &c, &bytchk) ||
	    !sbc_range_check(dev, cmd, c.lba, c.nblocks))
		return;
	if (bytchk == SBC_BYTCHK_PATTERN) {
		sbc_fail_field(cmd, 1, 2);
		return;
	}
	len = sbc_xfer_prepare(dev, cmd, &c, true);
	if (len == 0)
		return;
	ctx->stage = bytchk;		/* for sbc_write_verify_done */
	ctx->lba = c.lba;
	sbc_io_prep(cmd, c.lba << dev->block_shift, len, BS_IO_FUA,
		    sbc_write_verify_done);
	ret = bs_write(dev->bs, &ctx->io);
	if (ret)
		sbc_fail_errno(cmd, ret, true);
}

/* ---------- READ CAPACITY ---------- */

/* SBC-3: with PMI 0 the LOGICAL BLOCK ADDRESS field must be zero. */
static bool sbc_pmi_check(struct tgt_cmd *cmd, bool pmi, uint64_t lba,
			  uint16_t lba_byte)
{
	if (pmi || lba == 0)
		return true;
	sbc_fail_field(cmd, lba_byte, -1);
	return false;
}

void sbc_read_capacity10(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint8_t buf[8];
	uint64_t nr = sbc_nr_blocks(dev);
	uint64_t last = nr ? nr - 1 : 0;

	if (!sbc_pmi_check(cmd, cmd->cdb[8] & 0x01, get_be32(cmd->cdb + 2), 2))
		return;
	/* FFFFFFFFh: too big, the initiator must use READ CAPACITY(16) */
	put_be32(buf, (uint32_t)MIN(last, UINT32_MAX));
	put_be32(buf + 4, dev->block_size);
	scsi_cmd_data_in(cmd, buf, sizeof(buf));
	scsi_cmd_done(cmd);
}

/* LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT for SBC_PHYS_BLOCK. */
static uint8_t sbc_lbppbe(const struct scsi_dev *dev)
{
	uint8_t exp = 0;

	while ((dev->block_size << exp) < SBC_PHYS_BLOCK)
		exp++;
	return exp;
}

/* No protection, LBPME 0 (no UNMAP yet), lowest aligned LBA 0. */
void sbc_read_capacity16(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint8_t buf[32] = { 0 };
	uint64_t nr = sbc_nr_blocks(dev);
	uint32_t alloc = get_be32(cmd->cdb + 10);

	if (!sbc_pmi_check(cmd, cmd->cdb[14] & 0x01, get_be64(cmd->cdb + 2),
			   2))
		return;
	put_be64(buf, nr ? nr - 1 : 0);
	put_be32(buf + 8, dev->block_size);
	buf[13] = sbc_lbppbe(dev) & 0x0f;
	scsi_cmd_data_in(cmd, buf, MIN(sizeof(buf), alloc));
	scsi_cmd_done(cmd);
}

/* ---------- SYNCHRONIZE CACHE, PRE-FETCH ---------- */

/* NUMBER OF BLOCKS 0 means "to the last LBA": the LBA must exist. */
static bool sbc_cache_range_check(struct scsi_dev *dev, struct tgt_cmd *cmd,
				  const struct sbc_cdb *c)
{
	if (c->nblocks)
		return sbc_range_check(dev, cmd, c->lba, c->nblocks);
	if (c->lba < sbc_nr_blocks(dev))
		return true;
	scsi_cmd_fail(cmd, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
	return false;
}

static void sbc_flush_done(struct bs_io *io, ssize_t res)
{
	struct tgt_cmd *cmd = io->priv;

	if (res < 0)
		sbc_fail_errno(cmd, res, true);
	else
		scsi_cmd_done(cmd);
}

/* The whole store is flushed whatever the range: fdatasync has no
 * range.  IMMED=1 still waits for the flush (allowed, and safer). */
static void sbc_flush_start(struct scsi_dev *dev, struct tgt_cmd *cmd,
			    void (*done)(struct bs_io *, ssize_t))
{
	struct scsi_ctx *ctx = scsi_ctx_of(cmd);
	int ret;

	ctx->io.iov = NULL;
	ctx->io.iovcnt = 0;
	sbc_io_prep(cmd, 0, 0, 0, done);
	ret = bs_flush(dev->bs, &ctx->io);
	if (ret)
		sbc_fail_errno(cmd, ret, true);
}

void sbc_sync_cache(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	struct sbc_cdb c;

	sbc_cdb_parse(cmd->cdb, &c);
	if (!sbc_cache_range_check(dev, cmd, &c))
		return;
	sbc_flush_start(dev, cmd, sbc_flush_done);
}

/*
 * SBC-3: GOOD says the blocks did not all make it into the cache,
 * CONDITION MET that they did.  Nothing is loaded (the page cache reads
 * ahead by itself), so after the range check the answer is GOOD.
 */
void sbc_prefetch(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	struct sbc_cdb c;

	sbc_cdb_parse(cmd->cdb, &c);
	if (!sbc_cache_range_check(dev, cmd, &c))
		return;
	scsi_cmd_done(cmd);
}

/* ---------- START STOP UNIT ---------- */

static void sbc_stopped_set(struct scsi_dev *dev, bool stopped)
{
	pthread_mutex_lock(&dev->lock);
	dev->stopped = stopped;
	pthread_mutex_unlock(&dev->lock);
}

static void sbc_stop_done(struct bs_io *io, ssize_t res)
{
	struct tgt_cmd *cmd = io->priv;

	if (res < 0) {
		sbc_fail_errno(cmd, res, true);
		return;
	}
	sbc_stopped_set(scsi_ctx_of(cmd)->dev, true);
	scsi_cmd_done(cmd);
}

/*
 * POWER CONDITION (SBC-3 5.20): the defined values (ACTIVE, IDLE,
 * STANDBY, LU_CONTROL, FORCE_IDLE_0, FORCE_STANDBY_0) are accepted with
 * no effect: a virtual disk has no power states to move between, and it
 * is "active" at once.  Reserved and obsolete values are INVALID FIELD.
 */
static bool sbc_power_condition_check(struct tgt_cmd *cmd, uint8_t pc)
{
	switch (pc) {
	case 0x1: case 0x2: case 0x3: case 0x7: case 0xa: case 0xb:
		return true;
	default:
		sbc_fail_field(cmd, 4, 7);
		return false;
	}
}

/* LOEJ: only a removable unit loads and ejects; eject obeys PREVENT. */
static bool sbc_loej_check(struct scsi_dev *dev, struct tgt_cmd *cmd,
			   bool start)
{
	bool removable, prevent;

	pthread_mutex_lock(&dev->lock);
	removable = dev->removable;
	prevent = dev->prevent;
	pthread_mutex_unlock(&dev->lock);
	if (!removable) {
		sbc_fail_field(cmd, 4, 1);
		return false;
	}
	if (!start && prevent) {
		scsi_cmd_fail(cmd, SK_ILLEGAL_REQUEST,
			      SBC_ASC_REMOVAL_PREVENTED);
		return false;
	}
	return true;
}

/*
 * START=1 makes the unit ready, START=0 stops it: later media commands
 * get NOT READY, INITIALIZING COMMAND REQUIRED.  Stopping first flushes
 * the cache unless NO_FLUSH is set.  An eject (LOEJ) is a stop: there is
 * no medium to take out.
 */
void sbc_start_stop(struct scsi_dev *dev, struct tgt_cmd *cmd)
{
	uint8_t b4 = cmd->cdb[4];
	bool start = b4 & SBC_SSU_START;

	if (b4 >> 4) {
		if (sbc_power_condition_check(cmd, b4 >> 4))
			scsi_cmd_done(cmd);
		return;
	}
	if ((b4 & SBC_SSU_LOEJ) && !sbc_loej_check(dev, cmd, start))
		return;
	if (start) {
		sbc_stopped_set(dev, false);
		scsi_cmd_done(cmd);
	} else if (b4 & SBC_SSU_NO_FLUSH) {
		sbc_stopped_set(dev, true);
		scsi_cmd_done(cmd);
	} else {
		sbc_flush_start(dev, cmd, sbc_stop_done);
	}
}
