/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Vital product data pages (SPC-4 7.8, SBC-3 6.5), one fill function per
 * page.  The table is sorted by page code: SUPPORTED VPD PAGES lists it
 * in that order.  Pages marked media are for block devices only.
 */
#include <stdio.h>
#include <string.h>

#include "scsi_int.h"
#include "../util/util.h"

#define VPD_HDR			4

/* Designator fields (SPC-4 7.8.6). */
#define DESIG_CODE_BINARY	0x01
#define DESIG_CODE_ASCII	0x02
#define DESIG_CODE_UTF8		0x03
#define DESIG_PIV		0x80
#define DESIG_ASSOC_LU		0x00
#define DESIG_ASSOC_PORT	0x10
#define DESIG_ASSOC_DEVICE	0x20
#define DESIG_T10		0x01
#define DESIG_NAA		0x03
#define DESIG_REL_PORT		0x04
#define DESIG_NAME		0x08
#define PROTO_ISCSI		0x05
#define DESIG_NAME_MAX		256

/* Extended INQUIRY: HEADSUP, ORDSUP, SIMPSUP. */
#define EVPD_TASK_ATTRS		0x07
#define VPD_LONG_PAGE_LEN	0x3c
#define VPD_LBP_PAGE_LEN	0x04

#define OPT_GRANULARITY_BYTES	4096
#define ROTATION_NONE		0x0001

/* Page header: peripheral qualifier/type, page code, page length. */
static size_t vpd_hdr(struct scsi_dev *dev, uint8_t *buf, uint8_t code,
		      size_t page_len)
{
	buf[0] = dev->type->pdt;
	buf[1] = code;
	put_be16(buf + 2, (uint16_t)page_len);
	return VPD_HDR + page_len;
}

static size_t vpd_supported(struct scsi_dev *dev, struct tgt_cmd *cmd,
			    uint8_t *buf, size_t len)
{
	size_t n = 0;

	for (unsigned i = 0; i < scsi_vpd_pages_count; i++) {
		const struct scsi_vpd_page *p = &scsi_vpd_pages[i];

		if (scsi_vpd_find(dev, p->code) && VPD_HDR + n < len)
			buf[VPD_HDR + n++] = p->code;
	}
	return vpd_hdr(dev, buf, 0x00, n);
}

static size_t vpd_serial(struct scsi_dev *dev, struct tgt_cmd *cmd,
			 uint8_t *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&dev->lock);
	n = strnlen(dev->serial, SCSI_SERIAL_LEN);
	memcpy(buf + VPD_HDR, dev->serial, n);
	pthread_mutex_unlock(&dev->lock);
	return vpd_hdr(dev, buf, 0x80, n);
}

/* One designation descriptor; returns its length. */
static size_t vpd_desig(uint8_t *p, uint8_t code_set, uint8_t type,
			const void *id, size_t id_len)
{
	p[0] = code_set;
	p[1] = type;
	p[2] = 0;
	p[3] = (uint8_t)id_len;
	memcpy(p + 4, id, id_len);
	return 4 + id_len;
}

/* PIV and the protocol identifier only when the target has an iSCSI
 * name: the SCSI layer does not know the transport otherwise. */
static uint8_t vpd_port_proto(const char *name)
{
	if (!strncmp(name, "iqn.", 4) || !strncmp(name, "eui.", 4) ||
	    !strncmp(name, "naa.", 4))
		return (uint8_t)(PROTO_ISCSI << 4);
	return 0;
}

static uint8_t vpd_port_piv(uint8_t proto)
{
	return proto ? DESIG_PIV : 0;
}

/* SCSI name string: UTF-8, NUL terminated, padded to a multiple of 4. */
static size_t vpd_desig_name(uint8_t *p, uint8_t proto, uint8_t assoc,
			     const char *name)
{
	size_t n = strnlen(name, DESIG_NAME_MAX - 4);
	size_t padded = ROUND_UP(n + 1, 4);

	memset(p + 4, 0, padded);
	memcpy(p + 4, name, n);
	p[0] = proto | DESIG_CODE_UTF8;
	p[1] = vpd_port_piv(proto) | assoc | DESIG_NAME;
	p[2] = 0;
	p[3] = (uint8_t)padded;
	return 4 + padded;
}

/* Logical unit designators: NAA and T10 vendor id (vendor, product,
 * serial). */
static size_t vpd_devid_lu(struct scsi_dev *dev, uint8_t *p)
{
	uint8_t t10[SCSI_VENDOR_LEN + SCSI_PRODUCT_LEN + SCSI_SERIAL_LEN];
	size_t n, slen;

	pthread_mutex_lock(&dev->lock);
	n = vpd_desig(p, DESIG_CODE_BINARY, DESIG_ASSOC_LU | DESIG_NAA,
		      dev->naa, dev->naa_len);
	util_str_pad(t10, SCSI_VENDOR_LEN, dev->vendor);
	util_str_pad(t10 + SCSI_VENDOR_LEN, SCSI_PRODUCT_LEN, dev->product);
	slen = strnlen(dev->serial, SCSI_SERIAL_LEN);
	memcpy(t10 + SCSI_VENDOR_LEN + SCSI_PRODUCT_LEN, dev->serial, slen);
	pthread_mutex_unlock(&dev->lock);
	n += vpd_desig(p + n, DESIG_CODE_ASCII, DESIG_ASSOC_LU | DESIG_T10,
		       t10, SCSI_VENDOR_LEN + SCSI_PRODUCT_LEN + slen);
	return n;
}

/* Target designators: the target device name, the target port name
 * (iSCSI form "<name>,t,0x<tpgt>") and the relative target port. */
static size_t vpd_devid_port(struct tgt_cmd *cmd, uint8_t *p)
{
	const char *target = tgt_cmd_target_name(cmd);
	uint16_t port = tgt_cmd_port_id(cmd);
	uint8_t proto = vpd_port_proto(target ? target : "");
	char pname[DESIG_NAME_MAX];
	uint8_t rel[4] = { 0 };
	size_t n = 0;

	if (target && target[0]) {
		snprintf(pname, sizeof(pname), "%s,t,0x%04x", target, port);
		n += vpd_desig_name(p + n, proto, DESIG_ASSOC_DEVICE, target);
		n += vpd_desig_name(p + n, proto, DESIG_ASSOC_PORT, pname);
	}
	put_be16(rel + 2, port);
	n += vpd_desig(p + n, proto | DESIG_CODE_BINARY,
		       vpd_port_piv(proto) | DESIG_ASSOC_PORT | DESIG_REL_PORT,
		       rel, sizeof(rel));
	return n;
}

static size_t vpd_devid(struct scsi_dev *dev, struct tgt_cmd *cmd,
			uint8_t *buf, size_t len)
{
	size_t n = vpd_devid_lu(dev, buf + VPD_HDR);

	n += vpd_devid_port(cmd, buf + VPD_HDR + n);
	return vpd_hdr(dev, buf, 0x83, n);
}

/* V_SUP stays 0; no protection information, no WRITE LONG. */
static size_t vpd_ext_inquiry(struct scsi_dev *dev, struct tgt_cmd *cmd,
			      uint8_t *buf, size_t len)
{
	memset(buf, 0, VPD_HDR + VPD_LONG_PAGE_LEN);
	buf[5] = EVPD_TASK_ATTRS;
	return vpd_hdr(dev, buf, 0x86, VPD_LONG_PAGE_LEN);
}

/* Granularity: a 4 KiB page of the host's cache.  No UNMAP, no WRITE
 * SAME, no COMPARE AND WRITE yet: their limits stay 0. */
static size_t vpd_block_limits(struct scsi_dev *dev, struct tgt_cmd *cmd,
			       uint8_t *buf, size_t len)
{
	uint32_t gran = OPT_GRANULARITY_BYTES >> dev->block_shift;

	memset(buf, 0, VPD_HDR + VPD_LONG_PAGE_LEN);
	put_be16(buf + 6, (uint16_t)MAX(gran, 1u));
	put_be32(buf + 8, SCSI_MAX_XFER_BYTES >> dev->block_shift);
	return vpd_hdr(dev, buf, 0xb0, VPD_LONG_PAGE_LEN);
}

/* A file or block device behind a cache: non-rotating, no form factor. */
static size_t vpd_block_chars(struct scsi_dev *dev, struct tgt_cmd *cmd,
			      uint8_t *buf, size_t len)
{
	memset(buf, 0, VPD_HDR + VPD_LONG_PAGE_LEN);
	put_be16(buf + 4, ROTATION_NONE);
	return vpd_hdr(dev, buf, 0xb1, VPD_LONG_PAGE_LEN);
}

/* Fully provisioned: LBPU, LBPWS, LBPWS10 and LBPRZ all 0. */
static size_t vpd_lbp(struct scsi_dev *dev, struct tgt_cmd *cmd,
		      uint8_t *buf, size_t len)
{
	memset(buf, 0, VPD_HDR + VPD_LBP_PAGE_LEN);
	return vpd_hdr(dev, buf, 0xb2, VPD_LBP_PAGE_LEN);
}

const struct scsi_vpd_page scsi_vpd_pages[] = {
	{ 0x00, false, vpd_supported },
	{ 0x80, false, vpd_serial },
	{ 0x83, false, vpd_devid },
	{ 0x86, false, vpd_ext_inquiry },
	{ 0xb0, true, vpd_block_limits },
	{ 0xb1, true, vpd_block_chars },
	{ 0xb2, true, vpd_lbp },
};

const unsigned scsi_vpd_pages_count = ARRAY_SIZE(scsi_vpd_pages);

const struct scsi_vpd_page *scsi_vpd_find(const struct scsi_dev *dev,
					  uint8_t code)
{
	for (unsigned i = 0; i < scsi_vpd_pages_count; i++) {
		const struct scsi_vpd_page *p = &scsi_vpd_pages[i];

		if (p->code != code)
			continue;
		if (p->media && !dev->type->has_media)
			return NULL;
		return p;
	}
	return NULL;
}
