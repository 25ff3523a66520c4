/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Codec of the management protocol (include/tgt_mgmt.h) and the control
 * socket's file names.  Pure functions, no core dependency: tgtadm links
 * only this part of usr/mgmt.
 *
 * Errors: 0 or -errno, and a one-line reason in @err (may be NULL):
 *   -EBADMSG          malformed: truncated, length mismatch, bad/duplicate/
 *                     unknown field, unknown flag or presence bit
 *   -EPROTO           wrong magic (not a tgt management message)
 *   -EPROTONOSUPPORT  a version this side does not speak
 *   -EMSGSIZE         message or string field over its limit
 *   -EILSEQ           string field with an embedded NUL byte
 *   -ENOBUFS          the caller's buffer or arena is too small
 */
#ifndef TGT_MGMT_PROTO_H
#define TGT_MGMT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <tgt_mgmt.h>

#include "mgmt.h"

#define MGMT_RUNDIR_DEFAULT	"/run/tgtd"

/*
 * Arena that mgmt_req_decode() needs for a request of @len bytes: a
 * string of n bytes takes n + 4 on the wire and n + 1 in the arena, so
 * the request's own length always suffices.
 */
#define MGMT_REQ_ARENA_LEN(len)	((size_t)(len))

/*
 * Encodes @req into @buf (@cap bytes); sets *@len.  -EMSGSIZE names the
 * string that is too long, or the request is over TGT_MGMT_REQ_MAX;
 * -ENOBUFS when @cap is too small.
 */
int mgmt_req_encode(const struct mgmt_req *req, uint8_t *buf, size_t cap,
		    size_t *len, char *err, size_t errlen);

/*
 * Checks the first @len (>= TGT_MGMT_PREFIX_LEN) bytes of a request:
 * magic, version, header length and total length, so that a reader can
 * size its buffer before reading the body.  Sets *@total.
 */
int mgmt_req_prefix_check(const uint8_t *buf, size_t len, size_t *total,
			  char *err, size_t errlen);

/*
 * Decodes a whole request of exactly @len bytes into @req.  Strings are
 * copied, NUL-terminated, into @arena (at least MGMT_REQ_ARENA_LEN(len)
 * bytes), which must outlive @req.
 */
int mgmt_req_decode(const uint8_t *buf, size_t len, struct mgmt_req *req,
		    char *arena, size_t arena_len, char *err, size_t errlen);

/* Writes a response header (TGT_MGMT_RSP_HDR_LEN bytes) for @text_len
 * bytes of text; -EMSGSIZE when that is over TGT_MGMT_RSP_MAX. */
int mgmt_rsp_hdr_encode(uint8_t *hdr, int result, size_t text_len);

/* Decodes a response header from @len (>= TGT_MGMT_RSP_HDR_LEN) bytes:
 * sets the result (0..255) and the length of the text that follows. */
int mgmt_rsp_hdr_decode(const uint8_t *buf, size_t len, int *result,
			size_t *text_len, char *err, size_t errlen);

/* Decodes a whole response of exactly @len bytes; *@text points into
 * @buf (not NUL-terminated). */
int mgmt_rsp_decode(const uint8_t *buf, size_t len, int *result,
		    const char **text, size_t *text_len, char *err,
		    size_t errlen);

/* $TGT_RUNDIR, or MGMT_RUNDIR_DEFAULT when unset or empty. */
const char *mgmt_rundir(void);

/*
 * "<rundir>/tgtd.<port>.<suffix>" ("sock" or "lock") into @buf;
 * -ENAMETOOLONG when it does not fit.
 */
int mgmt_path_format(char *buf, size_t len, unsigned port,
		     const char *suffix);

/* Formats a failure reason into @err (if any) and returns @ret. */
int mgmt_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
