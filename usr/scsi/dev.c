/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated device: creation from a scsi_dev_spec (device type,
 * backing store, geometry, default identity), run-time parameters, the
 * show/dump text, size refresh, and the reset and nexus-loss hooks.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsi_int.h"
#include "../util/log.h"
#include "../util/strbuf.h"
#include "../util/util.h"

#define DEV_DEFAULT_VENDOR	"TGT"
#define DEV_DEFAULT_REV		"0001"
#define DEV_DEFAULT_BSTYPE	"rdwr"
#define DEV_DELAY_MAX_MS	600000

/*
 * NAA 6 (IEEE Registered Extended) designators use this company id.  It
 * is a locally chosen value in CID form (second nibble Ah), not one
 * assigned to the project: identifiers only need to be unique among
 * this target's devices and stable across restarts.
 */
#define DEV_NAA_CID		0x0a5c51u
#define DEV_NAA_LEN		16

#define FNV64_OFFSET		0xcbf29ce484222325ull
#define FNV64_PRIME		0x100000001b3ull

const struct scsi_devtype scsi_devtype_disk = {
	.name = "disk", .pdt = TYPE_DISK, .has_media = true,
};

const struct scsi_devtype scsi_devtype_controller = {
	.name = "controller", .pdt = TYPE_RAID, .has_media = false,
};

static const struct scsi_devtype *const dev_types[] = {
	&scsi_devtype_disk,
	&scsi_devtype_controller,
};

static void dev_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void dev_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* --- default identity --- */

static uint64_t dev_fnv1a(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV64_PRIME;
	}
	return h;
}

/* splitmix64 finaliser: spreads the hash into the second half. */
static uint64_t dev_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/*
 * NAA 6: 4-bit NAA, 24-bit company id, 36-bit vendor specific id, 64-bit
 * extension, all from a hash of (backing path, tid, lun) so the same
 * configuration always yields the same identifier.
 */
static void dev_naa_default(const struct scsi_dev *dev, uint8_t *naa)
{
	uint8_t key[12];
	uint64_t h, vsid, ext;

	put_be32(key, (uint32_t)dev->tid);
	put_be64(key + 4, dev->lun);
	h = dev_fnv1a(FNV64_OFFSET, dev->path, strlen(dev->path));
	h = dev_fnv1a(h, key, sizeof(key));
	vsid = h >> 28;
	ext = dev_mix64(h);
	naa[0] = (uint8_t)(0x60 | (DEV_NAA_CID >> 20));
	naa[1] = (uint8_t)(DEV_NAA_CID >> 12);
	naa[2] = (uint8_t)(DEV_NAA_CID >> 4);
	naa[3] = (uint8_t)(((DEV_NAA_CID & 0xf) << 4) | (vsid >> 32));
	put_be32(naa + 4, (uint32_t)vsid);
	put_be64(naa + 8, ext);
}

static void dev_serial_default(const struct scsi_dev *dev, char *buf,
			       size_t len)
{
	snprintf(buf, len, "tgt-%d-%llu", dev->tid,
		 (unsigned long long)dev->lun);
}

static const char *dev_product_default(const struct scsi_dev *dev)
{
	return dev->type->has_media ? "VIRTUAL-DISK" : "CONTROLLER";
}

static void dev_identity_init(struct scsi_dev *dev)
{
	util_strscpy(dev->vendor, DEV_DEFAULT_VENDOR, sizeof(dev->vendor));
	util_strscpy(dev->product, dev_product_default(dev),
		     sizeof(dev->product));
	util_strscpy(dev->rev, DEV_DEFAULT_REV, sizeof(dev->rev));
	dev_serial_default(dev, dev->serial, sizeof(dev->serial));
	dev_naa_default(dev, dev->naa);
	dev->naa_len = DEV_NAA_LEN;
}

/* --- creation --- */

static unsigned dev_bs_oflags(uint32_t bsoflags)
{
	unsigned o = 0;

	if (bsoflags & SCSI_BSO_DIRECT)
		o |= BS_O_DIRECT;
	if (bsoflags & SCSI_BSO_SYNC)
		o |= BS_O_SYNC;
	if (bsoflags & SCSI_BSO_RDONLY)
		o |= BS_O_RDONLY;
	return o;
}

static int dev_spec_type(const struct scsi_dev_spec *spec,
			 const struct scsi_devtype **type, char *err,
			 size_t errlen)
{
	const char *name = spec->devtype && spec->devtype[0] ?
			   spec->devtype : "disk";

	for (size_t i = 0; i < ARRAY_SIZE(dev_types); i++) {
		if (strcmp(dev_types[i]->name, name) == 0) {
			*type = dev_types[i];
			return 0;
		}
	}
	dev_err(err, errlen, "device type '%s' unknown (disk, controller)",
		name);
	return -EINVAL;
}

static int dev_spec_blocksize(const struct scsi_dev_spec *spec,
			      struct scsi_dev *dev, char *err, size_t errlen)
{
	uint32_t bsz = spec->blocksize ? spec->blocksize : 512;

	if (bsz != 512 && bsz != 4096) {
		dev_err(err, errlen, "blocksize %u invalid (512 or 4096)",
			bsz);
		return -EINVAL;
	}
	dev->block_size = bsz;
	dev->block_shift = bsz == 512 ? 9 : 12;
	return 0;
}

/* bstype and path; for "null" the path is a size ("1G"). */
static int dev_spec_backing(const struct scsi_dev_spec *spec,
			    struct scsi_dev *dev, char *err, size_t errlen)
{
	const char *bstype = spec->bstype && spec->bstype[0] ?
			     spec->bstype : DEV_DEFAULT_BSTYPE;
	uint64_t size;

	if (util_strscpy(dev->bstype, bstype, sizeof(dev->bstype)) < 0 ||
	    !bs_ops_find(bstype)) {
		dev_err(err, errlen, "bstype '%s' unknown (%s)", bstype,
			bs_ops_names());
		return -EINVAL;
	}
	if (!spec->path || !spec->path[0]) {
		dev_err(err, errlen, "backing store path missing");
		return -EINVAL;
	}
	if (util_strscpy(dev->path, spec->path, sizeof(dev->path)) < 0) {
		dev_err(err, errlen, "backing store path too long");
		return -EINVAL;
	}
	if (strcmp(bstype, "null") == 0 &&
	    util_parse_size(spec->path, &size) != 0) {
		dev_err(err, errlen, "backing store path '%s' is not a size "
			"(the null bstype takes e.g. 1G)", spec->path);
		return -EINVAL;
	}
	return 0;
}

static int dev_bs_open(struct scsi_dev *dev, char *err, size_t errlen)
{
	uint64_t size;
	int ret;

	ret = bs_open(dev->bstype, dev->path, dev_bs_oflags(dev->bsoflags),
		      &dev->bs);
	if (ret == -ENOENT) {
		dev_err(err, errlen, "backing store '%s': no such file",
			dev->path);
		return ret;
	}
	if (ret) {
		dev_err(err, errlen, "backing store '%s': %s", dev->path,
			strerror(-ret));
		return ret;
	}
	size = dev->bs->size;
	if (size == 0 || size % dev->block_size) {
		dev_err(err, errlen, "backing store '%s': size %llu is not a "
			"non-zero multiple of blocksize %u", dev->path,
			(unsigned long long)size, dev->block_size);
		bs_close(dev->bs);
		dev->bs = NULL;
		return -EINVAL;
	}
	dev->nr_blocks = size >> dev->block_shift;
	return 0;
}

static int dev_setup(const struct scsi_dev_spec *spec, struct scsi_dev *dev,
		     char *err, size_t errlen)
{
	int ret = dev_spec_type(spec, &dev->type, err, errlen);

	if (ret)
		return ret;
	dev->tid = spec->tid;
	dev->lun = spec->lun;
	dev->bsoflags = spec->bsoflags;
	if (!dev->type->has_media) {
		dev->block_size = 512;
		dev->block_shift = 9;
		return 0;
	}
	ret = dev_spec_blocksize(spec, dev, err, errlen);
	if (!ret)
		ret = dev_spec_backing(spec, dev, err, errlen);
	if (!ret)
		ret = dev_bs_open(dev, err, errlen);
	return ret;
}

/* The write cache defaults on: writes land in the host's page cache and
 * SYNCHRONIZE CACHE really flushes it. */
int scsi_dev_create(const struct scsi_dev_spec *spec, struct scsi_dev **out,
		    char *err, size_t errlen)
{
	struct scsi_dev *dev = calloc(1, sizeof(*dev));
	int ret;

	if (!dev) {
		dev_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = dev_setup(spec, dev, err, errlen);
	if (ret) {
		free(dev);
		return ret;
	}
	pthread_mutex_init(&dev->lock, NULL);
	dev_identity_init(dev);
	dev->wce = true;
	dev->readonly = dev->bsoflags & SCSI_BSO_RDONLY;
	*out = dev;
	return 0;
}

void scsi_dev_destroy(struct scsi_dev *dev)
{
	if (!dev)
		return;
	if (dev->bs)
		bs_close(dev->bs);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

/* --- parameters --- */

/* SPC-4 4.4.1: identification fields are printable ASCII. */
static int dev_ascii_set(struct scsi_dev *dev, char *dst, size_t size,
			 const char *value)
{
	size_t len = strlen(value);

	if (len == 0 || len >= size)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (value[i] < 0x20 || value[i] > 0x7e)
			return -EINVAL;
	}
	pthread_mutex_lock(&dev->lock);
	util_strscpy(dst, value, size);
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

static int dev_set_vendor(struct scsi_dev *dev, const char *v)
{
	return dev_ascii_set(dev, dev->vendor, sizeof(dev->vendor), v);
}

static int dev_set_product(struct scsi_dev *dev, const char *v)
{
	return dev_ascii_set(dev, dev->product, sizeof(dev->product), v);
}

static int dev_set_rev(struct scsi_dev *dev, const char *v)
{
	return dev_ascii_set(dev, dev->rev, sizeof(dev->rev), v);
}

static int dev_set_serial(struct scsi_dev *dev, const char *v)
{
	return dev_ascii_set(dev, dev->serial, sizeof(dev->serial), v);
}

static int dev_hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 16 hex digits (NAA 2, 3 or 5) or 32 (NAA 6), optional 0x. */
static int dev_naa_parse(const char *v, uint8_t *naa, uint8_t *len)
{
	size_t n;
	uint8_t type;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		v += 2;
	n = strlen(v);
	if (n != 16 && n != 32)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int x = dev_hex_nibble(v[i]);

		if (x < 0)
			return -EINVAL;
		naa[i / 2] = (uint8_t)((i % 2) ? naa[i / 2] | x : x << 4);
	}
	type = naa[0] >> 4;
	if (n == 32 ? type != 6 : (type != 2 && type != 3 && type != 5))
		return -EINVAL;
	*len = (uint8_t)(n / 2);
	return 0;
}

static int dev_set_naa(struct scsi_dev *dev, const char *v)
{
	uint8_t naa[DEV_NAA_LEN] = { 0 };
	uint8_t len;

	if (dev_naa_parse(v, naa, &len))
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	memcpy(dev->naa, naa, len);
	dev->naa_len = len;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

static int dev_bool_set(struct scsi_dev *dev, bool *dst, const char *v)
{
	bool b;

	if (util_parse_bool(v, &b))
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	*dst = b;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

static int dev_set_wce(struct scsi_dev *dev, const char *v)
{
	return dev_bool_set(dev, &dev->wce, v);
}

/* A backing store opened read-only cannot be made writable. */
static int dev_set_readonly(struct scsi_dev *dev, const char *v)
{
	bool b;

	if (util_parse_bool(v, &b))
		return -EINVAL;
	if (!b && (dev->bsoflags & SCSI_BSO_RDONLY))
		return -EINVAL;
	return dev_bool_set(dev, &dev->readonly, v);
}

static int dev_set_removable(struct scsi_dev *dev, const char *v)
{
	return dev_bool_set(dev, &dev->removable, v);
}

static int dev_set_sense_format(struct scsi_dev *dev, const char *v)
{
	bool desc;

	if (strcmp(v, "fixed") == 0)
		desc = false;
	else if (strcmp(v, "descriptor") == 0)
		desc = true;
	else
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	dev->dsense = desc;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

static int dev_set_delay(struct scsi_dev *dev, const char *v)
{
	uint32_t ms;

	if (util_parse_u32_range(v, 0, DEV_DELAY_MAX_MS, &ms))
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	dev->delay_ms = ms;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

/* --- dump: a line per parameter that differs from its default --- */

static void dev_dump_str(struct strbuf *out, const char *key,
			 const char *val, const char *def)
{
	if (strcmp(val, def) != 0)
		strbuf_add_ini(out, key, val);
}

static void dev_dump_vendor(struct scsi_dev *dev, struct strbuf *out)
{
	dev_dump_str(out, "vendor_id", dev->vendor, DEV_DEFAULT_VENDOR);
}

static void dev_dump_product(struct scsi_dev *dev, struct strbuf *out)
{
	dev_dump_str(out, "product_id", dev->product,
		     dev_product_default(dev));
}

static void dev_dump_rev(struct scsi_dev *dev, struct strbuf *out)
{
	dev_dump_str(out, "product_rev", dev->rev, DEV_DEFAULT_REV);
}

static void dev_dump_serial(struct scsi_dev *dev, struct strbuf *out)
{
	char def[SCSI_SERIAL_LEN + 1];

	dev_serial_default(dev, def, sizeof(def));
	dev_dump_str(out, "serial", dev->serial, def);
}

static void dev_naa_hex(const uint8_t *naa, size_t len, char *buf)
{
	for (size_t i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", naa[i]);
	buf[2 * len] = '\0';
}

static void dev_dump_naa(struct scsi_dev *dev, struct strbuf *out)
{
	uint8_t def[DEV_NAA_LEN];
	char hex[2 * DEV_NAA_LEN + 1];

	dev_naa_default(dev, def);
	if (dev->naa_len == DEV_NAA_LEN && !memcmp(dev->naa, def, DEV_NAA_LEN))
		return;
	dev_naa_hex(dev->naa, dev->naa_len, hex);
	strbuf_addf(out, "naa_id = 0x%s\n", hex);
}

static void dev_dump_bool(struct strbuf *out, const char *key, bool val,
			  bool def)
{
	if (val != def)
		strbuf_addf(out, "%s = %s\n", key, val ? "yes" : "no");
}

static void dev_dump_wce(struct scsi_dev *dev, struct strbuf *out)
{
	dev_dump_bool(out, "write_cache", dev->wce, true);
}

static void dev_dump_readonly(struct scsi_dev *dev, struct strbuf *out)
{
	dev_dump_bool(out, "readonly", dev->readonly, false);
}

static void dev_dump_removable(struct scsi_dev *dev, struct strbuf *out)
{
	dev_dump_bool(out, "removable", dev->removable, false);
}

static void dev_dump_sense_format(struct scsi_dev *dev, struct strbuf *out)
{
	if (dev->dsense)
		strbuf_addstr(out, "sense_format = descriptor\n");
}

static void dev_dump_delay(struct scsi_dev *dev, struct strbuf *out)
{
	if (dev->delay_ms)
		strbuf_addf(out, "delay_ms = %u\n", dev->delay_ms);
}

/* The parameters of scsi_dev_param_set(), with their dump lines (called
 * with dev->lock held). */
static const struct dev_param {
	const char *key;
	int (*set)(struct scsi_dev *dev, const char *value);
	void (*dump)(struct scsi_dev *dev, struct strbuf *out);
} dev_params[] = {
	{ "vendor_id", dev_set_vendor, dev_dump_vendor },
	{ "product_id", dev_set_product, dev_dump_product },
	{ "product_rev", dev_set_rev, dev_dump_rev },
	{ "serial", dev_set_serial, dev_dump_serial },
	{ "naa_id", dev_set_naa, dev_dump_naa },
	{ "write_cache", dev_set_wce, dev_dump_wce },
	{ "readonly", dev_set_readonly, dev_dump_readonly },
	{ "removable", dev_set_removable, dev_dump_removable },
	{ "sense_format", dev_set_sense_format, dev_dump_sense_format },
	{ "delay_ms", dev_set_delay, dev_dump_delay },
};

int scsi_dev_param_set(struct scsi_dev *dev, const char *key,
		       const char *value)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_params); i++) {
		if (strcmp(dev_params[i].key, key) == 0)
			return value ? dev_params[i].set(dev, value) : -EINVAL;
	}
	return -ENOENT;
}

/* --- show --- */

static void dev_bsoflags_str(uint32_t f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 (f & SCSI_BSO_DIRECT) ? "direct" : "",
		 (f & SCSI_BSO_DIRECT) && (f & SCSI_BSO_SYNC) ? "," : "",
		 (f & SCSI_BSO_SYNC) ? "sync" : "",
		 (f & (SCSI_BSO_DIRECT | SCSI_BSO_SYNC)) ? "" : "none");
}

/* tgtd.conf keys of the LU section (usr/conf); read-only backing stores
 * come back through "readonly". */
static void dev_dump_spec(struct scsi_dev *dev, struct strbuf *out)
{
	char flags[32];

	if (!dev->type->has_media) {
		strbuf_addf(out, "device_type = %s\n", dev->type->name);
		return;
	}
	strbuf_add_ini(out, "backing_store", dev->path);
	if (strcmp(dev->bstype, DEV_DEFAULT_BSTYPE) != 0)
		strbuf_addf(out, "bstype = %s\n", dev->bstype);
	if (dev->bsoflags & (SCSI_BSO_DIRECT | SCSI_BSO_SYNC)) {
		dev_bsoflags_str(dev->bsoflags, flags, sizeof(flags));
		strbuf_addf(out, "bsoflags = %s\n", flags);
	}
	if (dev->block_size != 512)
		strbuf_addf(out, "blocksize = %u\n", dev->block_size);
}

static void dev_show_dump(struct scsi_dev *dev, struct strbuf *out)
{
	dev_dump_spec(dev, out);
	for (size_t i = 0; i < ARRAY_SIZE(dev_params); i++)
		dev_params[i].dump(dev, out);
}

static const char *dev_yes_no(bool b)
{
	return b ? "Yes" : "No";
}

static void dev_show_ident(struct scsi_dev *dev, struct strbuf *out)
{
	char hex[2 * DEV_NAA_LEN + 1];

	dev_naa_hex(dev->naa, dev->naa_len, hex);
	strbuf_addf(out, "            Type: %s\n"
		    "            Vendor: %s\n"
		    "            Product: %s\n"
		    "            Revision: %s\n"
		    "            Serial: %s\n"
		    "            NAA: 0x%s\n",
		    dev->type->name, dev->vendor, dev->product, dev->rev,
		    dev->serial, hex);
}

static void dev_show_backing(struct scsi_dev *dev, struct strbuf *out)
{
	char flags[32];
	uint64_t size = dev->nr_blocks << dev->block_shift;

	dev_bsoflags_str(dev->bsoflags, flags, sizeof(flags));
	strbuf_addf(out, "            Size: %llu MiB (%llu bytes)\n"
		    "            Block size: %u\n"
		    "            Backing store type: %s\n"
		    "            Backing store path: %s\n"
		    "            Backing store flags: %s%s\n",
		    (unsigned long long)(size >> 20), (unsigned long long)size,
		    dev->block_size, dev->bstype, dev->path, flags,
		    (dev->bsoflags & SCSI_BSO_RDONLY) ? " (read-only)" : "");
}

static void dev_show_state(struct scsi_dev *dev, struct strbuf *out)
{
	strbuf_addf(out, "            Write cache: %s\n"
		    "            Readonly: %s\n"
		    "            SWP: %s\n"
		    "            Removable media: %s\n"
		    "            Prevent removal: %s\n"
		    "            Sense format: %s\n"
		    "            Reserved: %s\n",
		    dev->wce ? "on" : "off", dev_yes_no(dev->readonly),
		    dev_yes_no(dev->swp), dev_yes_no(dev->removable),
		    dev_yes_no(dev->prevent),
		    dev->dsense ? "descriptor" : "fixed",
		    dev->reserved_by ? "Yes (SCSI-2)" : "No");
	if (dev->delay_ms)
		strbuf_addf(out, "            Delay: %u ms\n", dev->delay_ms);
}

void scsi_dev_show(struct scsi_dev *dev, struct strbuf *out, bool dump)
{
	pthread_mutex_lock(&dev->lock);
	if (dump) {
		dev_show_dump(dev, out);
	} else {
		dev_show_ident(dev, out);
		if (dev->type->has_media)
			dev_show_backing(dev, out);
		dev_show_state(dev, out);
	}
	pthread_mutex_unlock(&dev->lock);
}

/* --- size, type, reset --- */

/* The size is whole blocks: a backing store that grew by a partial
 * block shows the extra bytes once a block is complete. */
int scsi_dev_refresh_size(struct scsi_dev *dev, bool *changed)
{
	uint64_t size, blocks;
	int ret;

	*changed = false;
	if (!dev->bs)
		return 0;
	ret = bs_get_size(dev->bs, &size);
	if (ret)
		return ret;
	blocks = size >> dev->block_shift;
	pthread_mutex_lock(&dev->lock);
	if (blocks != dev->nr_blocks) {
		dev->nr_blocks = blocks;
		*changed = true;
	}
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

/* The backing store's size now; nr_blocks is left for
 * scsi_dev_refresh_size() so the change still raises its UA. */
uint64_t scsi_dev_size(struct scsi_dev *dev)
{
	uint64_t size, blocks;

	if (!dev->bs)
		return 0;
	if (bs_get_size(dev->bs, &size) == 0)
		return size - size % dev->block_size;
	log_warn("LU %d:%llu: cannot re-read the backing store size",
		 dev->tid, (unsigned long long)dev->lun);
	pthread_mutex_lock(&dev->lock);
	blocks = dev->nr_blocks;
	pthread_mutex_unlock(&dev->lock);
	return blocks << dev->block_shift;
}

const char *scsi_dev_type_name(const struct scsi_dev *dev)
{
	return dev->type->name;
}

void scsi_dev_nexus_gone(struct scsi_dev *dev, uint64_t key)
{
	pthread_mutex_lock(&dev->lock);
	if (dev->reserved_by == key)
		dev->reserved_by = 0;
	pthread_mutex_unlock(&dev->lock);
}

/*
 * SPC-2 and SPC-4: a logical unit reset releases the SCSI-2 reservation
 * and ends PREVENT MEDIUM REMOVAL.  Mode pages keep their current values
 * (tgtadm sets some of them; there is no non-volatile copy to reload)
 * and a stopped unit stays stopped until START STOP UNIT.
 */
void scsi_dev_reset(struct scsi_dev *dev)
{
	pthread_mutex_lock(&dev->lock);
	dev->reserved_by = 0;
	dev->prevent = false;
	pthread_mutex_unlock(&dev->lock);
}
