/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: the management protocol codec (usr/mgmt/proto.c) — round
 * trips, every malformed-input rejection with its code, the response
 * codec, mode/op names and result messages — plus a mutation fuzz that
 * only has to not crash (run it under SANITIZE=address,undefined).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/mgmt.h"
#include "mgmt/proto.h"
#include "util/util.h"

static uint8_t buf[TGT_MGMT_REQ_MAX + 64];
static char arena[TGT_MGMT_REQ_MAX + 64];
static char err[256];

/* Encodes @req into buf; returns its length. */
static size_t enc(const struct mgmt_req *req)
{
	size_t len = 0;

	ck_assert_int_eq(mgmt_req_encode(req, buf, sizeof(buf), &len, err,
					 sizeof(err)), 0);
	return len;
}

static int dec(size_t len, struct mgmt_req *out)
{
	err[0] = '\0';
	return mgmt_req_decode(buf, len, out, arena, sizeof(arena), err,
			       sizeof(err));
}

/* A request with nothing but mode and op. */
static size_t enc_min(void)
{
	struct mgmt_req req;

	mgmt_req_init(&req);
	req.mode = MGMT_MODE_TARGET;
	req.op = MGMT_OP_SHOW;
	return enc(&req);
}

/* Appends a raw TLV at buf[*len] and fixes total_len. */
static void tlv_add(size_t *len, uint16_t type, const void *data, uint16_t n)
{
	put_le16(buf + *len, type);
	put_le16(buf + *len + 2, n);
	memcpy(buf + *len + 4, data, n);
	*len += 4u + n;
	put_le32(buf + 8, (uint32_t)*len);
}

static void req_full(struct mgmt_req *req)
{
	mgmt_req_init(req);
	req->mode = MGMT_MODE_LU;
	req->op = MGMT_OP_NEW;
	req->flags = MGMT_REQ_FORCE | MGMT_REQ_OUTGOING;
	req->has_tid = req->has_lun = req->has_sid = true;
	req->has_cid = req->has_host = req->has_blocksize = true;
	req->tid = 0x7fffffff;
	req->lun = 0x0123456789abcdefull;
	req->sid = UINT64_MAX;
	req->cid = 0xdeadbeef;
	req->host = 42;
	req->blocksize = 4096;
	req->lld = "iscsi";
	req->targetname = "iqn.2024-01.com.example:t1";
	req->backing_store = "/var/lib/tgt/disk.img";
	req->bstype = "rdwr";
	req->bsoflags = "direct,sync";
	req->device_type = "disk";
	req->initiator_address = "192.168.0.0/24";
	req->initiator_name = "iqn.1993-08.org.debian:01:abc";
	req->user = "alice";
	req->password = "s3cret pass";
	req->name = "state";
	req->value = "offline";
	req->params = "vendor_id=ACME,product_id=Disk";
}

#define STR_EQ(f) ck_assert_str_eq(out.f, in.f)

START_TEST(test_roundtrip_all)
{
	struct mgmt_req in, out;
	size_t len;

	req_full(&in);
	len = enc(&in);
	ck_assert_int_eq(get_le32(buf), TGT_MGMT_REQ_MAGIC);
	ck_assert_int_eq(get_le16(buf + 4), TGT_MGMT_VERSION);
	ck_assert_int_eq(get_le16(buf + 6), TGT_MGMT_REQ_HDR_LEN);
	ck_assert_uint_eq(get_le32(buf + 8), len);
	ck_assert_int_eq(dec(len, &out), 0);
	ck_assert_int_eq(out.mode, in.mode);
	ck_assert_int_eq(out.op, in.op);
	ck_assert_uint_eq(out.flags, in.flags);
	ck_assert(out.has_tid && out.has_lun && out.has_sid && out.has_cid &&
		  out.has_host && out.has_blocksize);
	ck_assert_int_eq(out.tid, in.tid);
	ck_assert_uint_eq(out.lun, in.lun);
	ck_assert_uint_eq(out.sid, in.sid);
	ck_assert_uint_eq(out.cid, in.cid);
	ck_assert_int_eq(out.host, in.host);
	ck_assert_uint_eq(out.blocksize, in.blocksize);
	STR_EQ(lld); STR_EQ(targetname); STR_EQ(backing_store);
	STR_EQ(bstype); STR_EQ(bsoflags); STR_EQ(device_type);
	STR_EQ(initiator_address); STR_EQ(initiator_name); STR_EQ(user);
	STR_EQ(password); STR_EQ(name); STR_EQ(value); STR_EQ(params);
	/* Strings live in the arena, not in the wire buffer. */
	ck_assert(out.lld >= arena && out.lld < arena + sizeof(arena));
}
END_TEST

START_TEST(test_roundtrip_min)
{
	struct mgmt_req in, out;
	size_t len;

	mgmt_req_init(&in);
	in.mode = MGMT_MODE_SYS;
	in.op = MGMT_OP_SHOW;
	in.tid = 5;		/* not marked present: must not travel */
	len = enc(&in);
	ck_assert_uint_eq(len, TGT_MGMT_REQ_HDR_LEN);
	ck_assert_int_eq(dec(len, &out), 0);
	ck_assert(!out.has_tid && !out.has_lun && !out.has_sid &&
		  !out.has_cid && !out.has_host && !out.has_blocksize);
	ck_assert_int_eq(out.tid, 0);
	ck_assert_ptr_null(out.lld);
	ck_assert_ptr_null(out.params);
	ck_assert_uint_eq(out.flags, 0);
}
END_TEST

START_TEST(test_roundtrip_empty_string_and_negative)
{
	struct mgmt_req in, out;

	mgmt_req_init(&in);
	in.mode = MGMT_MODE_TARGET;
	in.op = MGMT_OP_SHOW;
	in.has_tid = true;
	in.tid = -1;
	in.user = "";
	ck_assert_int_eq(dec(enc(&in), &out), 0);
	ck_assert_int_eq(out.tid, -1);
	ck_assert_str_eq(out.user, "");
}
END_TEST

START_TEST(test_truncated_header)
{
	struct mgmt_req out;
	size_t len = enc_min();

	ck_assert_int_eq(dec(0, &out), -EBADMSG);
	ck_assert_int_eq(dec(TGT_MGMT_PREFIX_LEN - 1, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "truncated"));
	ck_assert_int_eq(dec(TGT_MGMT_PREFIX_LEN + 4, &out), -EBADMSG);
	ck_assert_int_eq(dec(len - 1, &out), -EBADMSG);
}
END_TEST

START_TEST(test_truncated_body)
{
	struct mgmt_req in, out;
	size_t len;

	req_full(&in);
	len = enc(&in);
	ck_assert_int_eq(dec(len - 1, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "length mismatch"));
	/* A failed decode leaves nothing half-filled behind. */
	ck_assert_ptr_null(out.lld);
	ck_assert(!out.has_tid);
	/* Header and total_len consistent, but the last TLV cut short. */
	put_le32(buf + 8, (uint32_t)(len - 1));
	ck_assert_int_eq(dec(len - 1, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "overruns"));
}
END_TEST

START_TEST(test_total_len_mismatch)
{
	struct mgmt_req out;
	size_t len = enc_min();

	put_le32(buf + 8, (uint32_t)(len + 8));
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	put_le32(buf + 8, (uint32_t)(len - 8));
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "shorter than the header"));
}
END_TEST

START_TEST(test_oversized)
{
	static char big[TGT_MGMT_PARAMS_MAX + 1];
	struct mgmt_req in, out;
	size_t len = enc_min(), total;

	put_le32(buf + 8, TGT_MGMT_REQ_MAX + 1);
	ck_assert_int_eq(mgmt_req_prefix_check(buf, len, &total, err,
					       sizeof(err)), -EMSGSIZE);
	ck_assert_int_eq(dec(len, &out), -EMSGSIZE);
	put_le32(buf + 8, TGT_MGMT_REQ_MAX);
	ck_assert_int_eq(mgmt_req_prefix_check(buf, len, &total, NULL, 0), 0);
	ck_assert_uint_eq(total, TGT_MGMT_REQ_MAX);

	/* Every string at its limit does not fit in one request. */
	memset(big, 'x', sizeof(big) - 1);
	req_full(&in);
	in.lld = in.targetname = in.backing_store = in.bstype = in.bsoflags =
		in.device_type = in.initiator_address = in.initiator_name =
		in.user = in.password = in.name = in.value =
		big + sizeof(big) - 1 - TGT_MGMT_STR_MAX;
	in.params = big;
	ck_assert_int_eq(mgmt_req_encode(&in, buf, sizeof(buf), &len, err,
					 sizeof(err)), -EMSGSIZE);
	ck_assert_ptr_nonnull(strstr(err, "request too large"));
	/* And a small caller buffer is -ENOBUFS. */
	req_full(&in);
	ck_assert_int_eq(mgmt_req_encode(&in, buf, 60, &len, NULL, 0),
			 -ENOBUFS);
	ck_assert_int_eq(mgmt_req_encode(&in, buf, 10, &len, NULL, 0),
			 -ENOBUFS);
}
END_TEST

START_TEST(test_bad_magic_version_hdrlen)
{
	struct mgmt_req out;
	size_t len = enc_min();

	put_le32(buf, TGT_MGMT_RSP_MAGIC);
	ck_assert_int_eq(dec(len, &out), -EPROTO);
	ck_assert_ptr_nonnull(strstr(err, "magic"));
	put_le32(buf, TGT_MGMT_REQ_MAGIC);
	put_le16(buf + 4, TGT_MGMT_VERSION + 1);
	ck_assert_int_eq(dec(len, &out), -EPROTONOSUPPORT);
	ck_assert_ptr_nonnull(strstr(err, "version 2"));
	put_le16(buf + 4, 0);
	ck_assert_int_eq(dec(len, &out), -EPROTONOSUPPORT);
	put_le16(buf + 4, TGT_MGMT_VERSION);
	put_le16(buf + 6, TGT_MGMT_REQ_HDR_LEN + 4);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	put_le16(buf + 6, TGT_MGMT_PREFIX_LEN);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	put_le16(buf + 6, TGT_MGMT_REQ_HDR_LEN);
	ck_assert_int_eq(dec(len, &out), 0);
}
END_TEST

START_TEST(test_unknown_flags_and_presence)
{
	struct mgmt_req out;
	size_t len = enc_min();

	put_le32(buf + 16, 0x4);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "flags"));
	put_le32(buf + 16, 0);
	put_le32(buf + 20, 0x40);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "presence"));
}
END_TEST

START_TEST(test_tlv_overrun)
{
	struct mgmt_req out;
	size_t len = enc_min();

	tlv_add(&len, TGT_MGMT_TLV_USER, "bob", 3);
	put_le16(buf + len - 3 - 2, 4);		/* claims one byte more */
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "--user"));
	put_le16(buf + len - 3 - 2, 0xffff);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	/* A TLV header cut in half. */
	len = enc_min();
	buf[len] = TGT_MGMT_TLV_USER;
	buf[len + 1] = 0;
	len += 2;
	put_le32(buf + 8, (uint32_t)len);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "truncated field header"));
}
END_TEST

START_TEST(test_tlv_duplicate)
{
	struct mgmt_req out;
	size_t len = enc_min();

	tlv_add(&len, TGT_MGMT_TLV_NAME, "a", 1);
	tlv_add(&len, TGT_MGMT_TLV_VALUE, "b", 1);
	ck_assert_int_eq(dec(len, &out), 0);
	tlv_add(&len, TGT_MGMT_TLV_NAME, "c", 1);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "duplicate field --name"));
}
END_TEST

START_TEST(test_tlv_unknown)
{
	struct mgmt_req out;
	size_t len = enc_min();

	tlv_add(&len, TGT_MGMT_TLV_MAX, "x", 1);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "unknown field type"));
	len = enc_min();
	tlv_add(&len, 0, "x", 1);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
	len = enc_min();
	tlv_add(&len, 0xffff, "", 0);
	ck_assert_int_eq(dec(len, &out), -EBADMSG);
}
END_TEST

START_TEST(test_tlv_embedded_nul)
{
	struct mgmt_req out;
	size_t len = enc_min();

	tlv_add(&len, TGT_MGMT_TLV_TARGETNAME, "iqn\0evil", 8);
	ck_assert_int_eq(dec(len, &out), -EILSEQ);
	ck_assert_ptr_nonnull(strstr(err, "--targetname"));
	len = enc_min();
	tlv_add(&len, TGT_MGMT_TLV_PASSWORD, "\0", 1);
	ck_assert_int_eq(dec(len, &out), -EILSEQ);
}
END_TEST

START_TEST(test_tlv_too_long)
{
	static char big[TGT_MGMT_PARAMS_MAX + 2];
	struct mgmt_req in, out;
	size_t len = enc_min();

	memset(big, 'a', sizeof(big) - 1);
	tlv_add(&len, TGT_MGMT_TLV_USER, big, TGT_MGMT_STR_MAX + 1);
	ck_assert_int_eq(dec(len, &out), -EMSGSIZE);
	ck_assert_ptr_nonnull(strstr(err, "--user"));
	len = enc_min();
	tlv_add(&len, TGT_MGMT_TLV_USER, big, TGT_MGMT_STR_MAX);
	ck_assert_int_eq(dec(len, &out), 0);
	ck_assert_uint_eq(strlen(out.user), TGT_MGMT_STR_MAX);
	/* --params has its own, larger limit. */
	len = enc_min();
	tlv_add(&len, TGT_MGMT_TLV_PARAMS, big, TGT_MGMT_PARAMS_MAX);
	ck_assert_int_eq(dec(len, &out), 0);
	len = enc_min();
	tlv_add(&len, TGT_MGMT_TLV_PARAMS, big, TGT_MGMT_PARAMS_MAX + 1);
	ck_assert_int_eq(dec(len, &out), -EMSGSIZE);

	/* The encoder refuses too, naming the option. */
	mgmt_req_init(&in);
	big[TGT_MGMT_STR_MAX + 1] = '\0';
	in.backing_store = big;
	ck_assert_int_eq(mgmt_req_encode(&in, buf, sizeof(buf), &len, err,
					 sizeof(err)), -EMSGSIZE);
	ck_assert_ptr_nonnull(strstr(err, "--backing-store is too long"));
}
END_TEST

START_TEST(test_arena_too_small)
{
	struct mgmt_req in, out;
	size_t len;

	req_full(&in);
	len = enc(&in);
	ck_assert_int_eq(mgmt_req_decode(buf, len, &out, arena, len - 1, err,
					 sizeof(err)), -ENOBUFS);
	ck_assert_int_eq(mgmt_req_decode(buf, len, &out, arena,
					 MGMT_REQ_ARENA_LEN(len), err,
					 sizeof(err)), 0);
}
END_TEST

START_TEST(test_response_codec)
{
	static const char text[] = "Target 1: iqn.x\n";
	uint8_t rsp[TGT_MGMT_RSP_HDR_LEN + sizeof(text)];
	const char *t;
	size_t tlen;
	int result;

	ck_assert_int_eq(mgmt_rsp_hdr_encode(rsp, TGTADM_NO_TARGET,
					     sizeof(text) - 1), 0);
	memcpy(rsp + TGT_MGMT_RSP_HDR_LEN, text, sizeof(text) - 1);
	ck_assert_int_eq(get_le32(rsp), TGT_MGMT_RSP_MAGIC);
	ck_assert_int_eq(mgmt_rsp_decode(rsp, sizeof(rsp) - 1, &result, &t,
					 &tlen, err, sizeof(err)), 0);
	ck_assert_int_eq(result, TGTADM_NO_TARGET);
	ck_assert_uint_eq(tlen, sizeof(text) - 1);
	ck_assert_int_eq(memcmp(t, text, tlen), 0);
	/* Header alone: the client reads it first. */
	ck_assert_int_eq(mgmt_rsp_hdr_decode(rsp, TGT_MGMT_RSP_HDR_LEN,
					     &result, &tlen, NULL, 0), 0);
	ck_assert_uint_eq(tlen, sizeof(text) - 1);
	/* Length mismatch, truncation, magic, version, result range. */
	ck_assert_int_eq(mgmt_rsp_decode(rsp, sizeof(rsp) - 2, &result, &t,
					 &tlen, NULL, 0), -EBADMSG);
	ck_assert_int_eq(mgmt_rsp_hdr_decode(rsp, 10, &result, &tlen, NULL,
					     0), -EBADMSG);
	ck_assert_int_eq(mgmt_rsp_hdr_decode(rsp, 14, &result, &tlen, NULL,
					     0), -EBADMSG);
	put_le32(rsp, TGT_MGMT_REQ_MAGIC);
	ck_assert_int_eq(mgmt_rsp_hdr_decode(rsp, sizeof(rsp), &result, &tlen,
					     NULL, 0), -EPROTO);
	put_le32(rsp, TGT_MGMT_RSP_MAGIC);
	put_le16(rsp + 4, 9);
	ck_assert_int_eq(mgmt_rsp_hdr_decode(rsp, sizeof(rsp), &result, &tlen,
					     NULL, 0), -EPROTONOSUPPORT);
	put_le16(rsp + 4, TGT_MGMT_VERSION);
	put_le32(rsp + 12, 256);
	ck_assert_int_eq(mgmt_rsp_hdr_decode(rsp, sizeof(rsp), &result, &tlen,
					     NULL, 0), -EBADMSG);
	put_le32(rsp + 8, TGT_MGMT_RSP_MAX + 1);
	ck_assert_int_eq(mgmt_rsp_hdr_decode(rsp, sizeof(rsp), &result, &tlen,
					     NULL, 0), -EMSGSIZE);
	/* Empty text, and the size limit on the encoder. */
	ck_assert_int_eq(mgmt_rsp_hdr_encode(rsp, 0, 0), 0);
	ck_assert_int_eq(mgmt_rsp_decode(rsp, TGT_MGMT_RSP_HDR_LEN, &result,
					 &t, &tlen, NULL, 0), 0);
	ck_assert_uint_eq(tlen, 0);
	ck_assert_int_eq(mgmt_rsp_hdr_encode(rsp, 0, TGT_MGMT_RSP_MAX -
					     TGT_MGMT_RSP_HDR_LEN), 0);
	ck_assert_int_eq(mgmt_rsp_hdr_encode(rsp, 0, TGT_MGMT_RSP_MAX -
					     TGT_MGMT_RSP_HDR_LEN + 1),
			 -EMSGSIZE);
}
END_TEST

START_TEST(test_mode_op_names)
{
	for (int m = MGMT_MODE_NONE + 1; m < MGMT_MODE_MAX; m++)
		ck_assert_int_eq(mgmt_mode_parse(mgmt_mode_name(m)), m);
	for (int o = MGMT_OP_NONE + 1; o < MGMT_OP_MAX; o++)
		ck_assert_int_eq(mgmt_op_parse(mgmt_op_name(o)), o);
	ck_assert_int_eq(mgmt_mode_parse("logicalunit"), MGMT_MODE_LU);
	ck_assert_int_eq(mgmt_mode_parse("lu"), MGMT_MODE_LU);
	ck_assert_int_eq(mgmt_mode_parse("conn"), MGMT_MODE_CONN);
	ck_assert_int_eq(mgmt_mode_parse("connection"), MGMT_MODE_CONN);
	ck_assert_int_eq(mgmt_mode_parse("sys"), MGMT_MODE_SYS);
	ck_assert_int_eq(mgmt_mode_parse("portal"), MGMT_MODE_PORTAL);
	ck_assert_int_eq(mgmt_mode_parse("targets"), -EINVAL);
	ck_assert_int_eq(mgmt_mode_parse(""), -EINVAL);
	ck_assert_int_eq(mgmt_mode_parse(NULL), -EINVAL);
	ck_assert_int_eq(mgmt_op_parse("dump"), MGMT_OP_DUMP);
	ck_assert_int_eq(mgmt_op_parse("remove"), -EINVAL);
	ck_assert_int_eq(mgmt_op_parse(NULL), -EINVAL);
	ck_assert_str_eq(mgmt_mode_name(MGMT_MODE_NONE), "?");
	ck_assert_str_eq(mgmt_mode_name(MGMT_MODE_MAX), "?");
	ck_assert_str_eq(mgmt_op_name(-1), "?");
	ck_assert_str_eq(mgmt_op_name(MGMT_OP_MAX), "?");
}
END_TEST

START_TEST(test_err_str)
{
	const char *unknown = mgmt_err_str(-1);

	ck_assert_str_eq(mgmt_err_str(TGTADM_ERR_MAX), unknown);
	for (int i = 0; i < TGTADM_ERR_MAX; i++) {
		const char *s = mgmt_err_str(i);

		ck_assert_ptr_nonnull(s);
		ck_assert_str_ne(s, unknown);
		ck_assert_uint_gt(strlen(s), 3);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(s, mgmt_err_str(j));
	}
}
END_TEST

START_TEST(test_paths)
{
	char path[108];

	setenv("TGT_RUNDIR", "/tmp/x", 1);
	ck_assert_int_eq(mgmt_path_format(path, sizeof(path), 7, "sock"), 0);
	ck_assert_str_eq(path, "/tmp/x/tgtd.7.sock");
	ck_assert_int_eq(mgmt_path_format(path, 12, 7, "lock"),
			 -ENAMETOOLONG);
	setenv("TGT_RUNDIR", "", 1);
	ck_assert_str_eq(mgmt_rundir(), MGMT_RUNDIR_DEFAULT);
	unsetenv("TGT_RUNDIR");
	ck_assert_int_eq(mgmt_path_format(path, sizeof(path), 0, "lock"), 0);
	ck_assert_str_eq(path, "/run/tgtd/tgtd.0.lock");
}
END_TEST

/* Random byte flips, truncations and length patches must never crash. */
START_TEST(test_fuzz_decode)
{
	static uint8_t orig[TGT_MGMT_REQ_MAX];
	struct mgmt_req in, out;
	size_t len, olen;
	unsigned seed = 12345;

	req_full(&in);
	olen = enc(&in);
	memcpy(orig, buf, olen);
	for (int i = 0; i < 20000; i++) {
		memcpy(buf, orig, olen);
		len = olen;
		for (int k = 0; k < 1 + (int)(rand_r(&seed) % 4); k++)
			buf[rand_r(&seed) % olen] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 4 == 0)
			len = rand_r(&seed) % (olen + 1);
		if (rand_r(&seed) % 4 == 0)
			put_le32(buf + 8, (uint32_t)len);
		if (dec(len, &out) == 0 && out.user)
			ck_assert_uint_le(strlen(out.user), TGT_MGMT_STR_MAX);
	}
}
END_TEST

static Suite *mgmt_proto_suite(void)
{
	Suite *s = suite_create("mgmt_proto");
	TCase *tc = tcase_create("request");
	TCase *rc = tcase_create("response_and_names");

	tcase_add_test(tc, test_roundtrip_all);
	tcase_add_test(tc, test_roundtrip_min);
	tcase_add_test(tc, test_roundtrip_empty_string_and_negative);
	tcase_add_test(tc, test_truncated_header);
	tcase_add_test(tc, test_truncated_body);
	tcase_add_test(tc, test_total_len_mismatch);
	tcase_add_test(tc, test_oversized);
	tcase_add_test(tc, test_bad_magic_version_hdrlen);
	tcase_add_test(tc, test_unknown_flags_and_presence);
	tcase_add_test(tc, test_tlv_overrun);
	tcase_add_test(tc, test_tlv_duplicate);
	tcase_add_test(tc, test_tlv_unknown);
	tcase_add_test(tc, test_tlv_embedded_nul);
	tcase_add_test(tc, test_tlv_too_long);
	tcase_add_test(tc, test_arena_too_small);
	tcase_add_test(tc, test_fuzz_decode);
	suite_add_tcase(s, tc);
	tcase_add_test(rc, test_response_codec);
	tcase_add_test(rc, test_mode_op_names);
	tcase_add_test(rc, test_err_str);
	tcase_add_test(rc, test_paths);
	suite_add_tcase(s, rc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mgmt_proto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
