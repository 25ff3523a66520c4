/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tgtadm: the command-line client of tgtd's control socket.  It keeps the
 * old tgtadm's options so that existing scripts work, parses numbers
 * strictly, sends one request (include/tgt_mgmt.h) and prints tgtd's
 * answer: text on stdout on success, "tgtadm: <message>" on stderr on
 * failure.  The exit status is the TGTADM_* code (usr/mgmt/mgmt.h):
 * TGTADM_USAGE for a bad command line, TGTADM_CONNECT when tgtd cannot be
 * reached, otherwise tgtd's result.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mgmt/mgmt.h"
#include "mgmt/proto.h"
#include "util/util.h"

#define TGTADM_VERSION	"2.0.0-dev"

struct tgtadm_opts {
	struct mgmt_req req;
	unsigned port;
	bool seen[128];		/* options given, by short name */
};

static const struct option tgtadm_longopts[] = {
	{ "lld", required_argument, NULL, 'L' },
	{ "op", required_argument, NULL, 'o' },
	{ "mode", required_argument, NULL, 'm' },
	{ "tid", required_argument, NULL, 't' },
	{ "sid", required_argument, NULL, 's' },
	{ "cid", required_argument, NULL, 'c' },
	{ "lun", required_argument, NULL, 'l' },
	{ "name", required_argument, NULL, 'n' },
	{ "value", required_argument, NULL, 'v' },
	{ "backing-store", required_argument, NULL, 'b' },
	{ "bstype", required_argument, NULL, 'E' },
	{ "bsoflags", required_argument, NULL, 'f' },
	{ "blocksize", required_argument, NULL, 'y' },
	{ "device-type", required_argument, NULL, 'Y' },
	{ "initiator-address", required_argument, NULL, 'I' },
	{ "initiator-name", required_argument, NULL, 'Q' },
	{ "targetname", required_argument, NULL, 'T' },
	{ "params", required_argument, NULL, 'P' },
	{ "user", required_argument, NULL, 'u' },
	{ "password", required_argument, NULL, 'p' },
	{ "outgoing", no_argument, NULL, 'O' },
	{ "host", required_argument, NULL, 'H' },
	{ "force", no_argument, NULL, 'F' },
	{ "control-port", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

#define TGTADM_SHORTOPTS "L:o:m:t:s:c:l:n:v:b:E:f:y:Y:I:Q:T:P:u:p:OH:FC:hV"

static void tgtadm_usage(FILE *f)
{
	fputs("Usage: tgtadm [OPTION]...\n"
	      "Manage the SCSI target daemon tgtd.\n\n"
	      "  -m, --mode MODE             sys, target, logicalunit (lu), account,\n"
	      "                              lld, conn, session, portal\n"
	      "  -o, --op OP                 new, delete, show, bind, unbind, update,\n"
	      "                              stat, dump, start, stop\n"
	      "  -L, --lld NAME              transport: iscsi (the default for\n"
	      "                              target new) or kernel; required\n"
	      "                              for lld, conn, session, portal\n"
	      "  -t, --tid N                 target id\n"
	      "  -T, --targetname NAME       target name\n"
	      "  -l, --lun N                 logical unit number\n"
	      "  -b, --backing-store PATH    backing file or device\n"
	      "  -E, --bstype TYPE           backing store type: rdwr, aio, null\n"
	      "  -f, --bsoflags FLAGS        direct,sync,rdonly\n"
	      "  -y, --blocksize N           logical block size: 512 or 4096\n"
	      "  -Y, --device-type TYPE      disk or controller\n"
	      "  -P, --params K=V,...        parameters to set\n"
	      "  -n, --name K  -v, --value V a single parameter to set\n"
	      "  -I, --initiator-address A   ACL: address, CIDR or ALL\n"
	      "  -Q, --initiator-name N      ACL: initiator name\n"
	      "  -H, --host N                kernel transport host\n"
	      "  -u, --user U  -p, --password P   CHAP account\n"
	      "  -O, --outgoing              the account is outgoing (mutual CHAP)\n"
	      "  -s, --sid N  -c, --cid N    session and connection ids\n"
	      "  -F, --force                 delete even if in use\n"
	      "  -C, --control-port N        talk to the tgtd started with -C N\n"
	      "  -h, --help                  this help\n"
	      "  -V, --version               print the version\n\n"
	      "Example: tgtadm --mode target --op new --tid 1 "
	      "--targetname iqn.2024-01.com.example:disk1\n"
	      "The exit status is 0, or the error code (see tgtadm(8)).\n", f);
}

__attribute__((format(printf, 1, 2)))
static int tgtadm_usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("tgtadm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	return TGTADM_USAGE;
}

/* Message for a util_parse_* failure of option --@opt. */
static int tgtadm_num_err(const char *opt, const char *arg, int ret,
			  const char *range)
{
	if (ret == -ERANGE)
		return tgtadm_usage_err("invalid --%s '%s': out of range (%s)",
					opt, arg, range);
	return tgtadm_usage_err("invalid --%s '%s': not a number", opt, arg);
}

static int tgtadm_u64(const char *opt, const char *arg, uint64_t *v,
		      bool *has)
{
	int ret = util_parse_u64(arg, v);

	if (ret)
		return tgtadm_num_err(opt, arg, ret, "0-18446744073709551615");
	*has = true;
	return 0;
}

static int tgtadm_u32(const char *opt, const char *arg, uint32_t max,
		      uint32_t *v, bool *has)
{
	char range[32];
	int ret = util_parse_u32_range(arg, 0, max, v);

	if (ret) {
		snprintf(range, sizeof(range), "0-%u", max);
		return tgtadm_num_err(opt, arg, ret, range);
	}
	*has = true;
	return 0;
}

static int tgtadm_int(const char *opt, const char *arg, int32_t *v,
		      bool *has)
{
	char range[32];
	int n, ret = util_parse_int_range(arg, 0, INT32_MAX, &n);

	if (ret) {
		snprintf(range, sizeof(range), "0-%d", INT32_MAX);
		return tgtadm_num_err(opt, arg, ret, range);
	}
	*v = n;
	*has = true;
	return 0;
}

static int tgtadm_mode(const char *arg, struct mgmt_req *req)
{
	int mode = mgmt_mode_parse(arg);

	if (mode < 0)
		return tgtadm_usage_err("unknown --mode '%s' (expected sys, "
					"target, logicalunit, account, lld, "
					"conn, session, portal)", arg);
	req->mode = (uint16_t)mode;
	return 0;
}

static int tgtadm_op(const char *arg, struct mgmt_req *req)
{
	int op = mgmt_op_parse(arg);

	if (op < 0)
		return tgtadm_usage_err("unknown --op '%s' (expected new, "
					"delete, show, bind, unbind, update, "
					"stat, dump, start, stop)", arg);
	req->op = (uint16_t)op;
	return 0;
}

/* Options that carry a number. */
static int tgtadm_opt_num(int c, const char *arg, struct tgtadm_opts *o)
{
	struct mgmt_req *req = &o->req;
	bool has_port;
	uint32_t port;
	int ret;

	switch (c) {
	case 't':
		return tgtadm_int("tid", arg, &req->tid, &req->has_tid);
	case 'l':
		return tgtadm_u64("lun", arg, &req->lun, &req->has_lun);
	case 's':
		return tgtadm_u64("sid", arg, &req->sid, &req->has_sid);
	case 'c':
		return tgtadm_u32("cid", arg, UINT32_MAX, &req->cid,
				  &req->has_cid);
	case 'H':
		return tgtadm_int("host", arg, &req->host, &req->has_host);
	case 'y':
		return tgtadm_u32("blocksize", arg, UINT32_MAX,
				  &req->blocksize, &req->has_blocksize);
	case 'C':
		ret = tgtadm_u32("control-port", arg, 65535, &port, &has_port);
		o->port = port;
		return ret;
	default:
		return 1;	/* not a number option */
	}
}

/* Options that carry a string, or a flag. */
static int tgtadm_opt_str(int c, const char *arg, struct mgmt_req *req)
{
	switch (c) {
	case 'L': req->lld = arg; break;
	case 'n': req->name = arg; break;
	case 'v': req->value = arg; break;
	case 'b': req->backing_store = arg; break;
	case 'E': req->bstype = arg; break;
	case 'f': req->bsoflags = arg; break;
	case 'Y': req->device_type = arg; break;
	case 'I': req->initiator_address = arg; break;
	case 'Q': req->initiator_name = arg; break;
	case 'T': req->targetname = arg; break;
	case 'P': req->params = arg; break;
	case 'u': req->user = arg; break;
	case 'p': req->password = arg; break;
	case 'O': req->flags |= MGMT_REQ_OUTGOING; break;
	case 'F': req->flags |= MGMT_REQ_FORCE; break;
	case 'm': return tgtadm_mode(arg, req);
	case 'o': return tgtadm_op(arg, req);
	default: return 1;
	}
	return 0;
}

static const char *tgtadm_opt_name(int c)
{
	for (size_t i = 0; tgtadm_longopts[i].name; i++)
		if (tgtadm_longopts[i].val == c)
			return tgtadm_longopts[i].name;
	return "?";
}

static int tgtadm_opt_one(int c, const char *arg, struct tgtadm_opts *o)
{
	int ret;

	if (c == 'h') {
		tgtadm_usage(stdout);
		exit(0);
	}
	if (c == 'V') {
		printf("tgtadm %s (management protocol %u)\n", TGTADM_VERSION,
		       TGT_MGMT_VERSION);
		exit(0);
	}
	/* getopt_long already said what was wrong with '?' and ':'. */
	if (c == '?' || c == ':' || c <= 0 || c >= (int)ARRAY_SIZE(o->seen)) {
		fputs("Try 'tgtadm --help' for more information.\n", stderr);
		return TGTADM_USAGE;
	}
	if (o->seen[c])
		return tgtadm_usage_err("--%s given twice", tgtadm_opt_name(c));
	o->seen[c] = true;
	ret = tgtadm_opt_num(c, arg, o);
	if (ret == 1)
		ret = tgtadm_opt_str(c, arg, &o->req);
	if (ret == 1) {
		fputs("Try 'tgtadm --help' for more information.\n", stderr);
		ret = TGTADM_USAGE;
	}
	return ret;
}

static int tgtadm_opts_parse(int argc, char **argv, struct tgtadm_opts *o)
{
	int c, ret;

	while ((c = getopt_long(argc, argv, TGTADM_SHORTOPTS, tgtadm_longopts,
				NULL)) != -1) {
		ret = tgtadm_opt_one(c, optarg, o);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return tgtadm_usage_err("unexpected argument '%s'",
					argv[optind]);
	if (o->req.mode == MGMT_MODE_NONE)
		return tgtadm_usage_err("--mode is required (try --help)");
	if (o->req.op == MGMT_OP_NONE)
		return tgtadm_usage_err("--op is required (try --help)");
	return 0;
}

/* ---- talking to tgtd ---- */

static int tgtadm_connect(unsigned port)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, err;

	if (mgmt_path_format(addr.sun_path, sizeof(addr.sun_path), port,
			     "sock")) {
		fprintf(stderr, "tgtadm: control socket path too long: "
			"%s/tgtd.%u.sock\n", mgmt_rundir(), port);
		return -TGTADM_CONNECT;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr,
			       sizeof(addr)) == 0)
		return fd;
	err = errno;
	if (fd >= 0)
		close(fd);
	fprintf(stderr, "tgtadm: cannot connect to tgtd on control port %u "
		"(%s): %s\n", port, addr.sun_path, strerror(err));
	return err == EACCES ? -TGTADM_PERMISSION : -TGTADM_CONNECT;
}

/*
 * Sends the whole request.  A peer that closed early (it rejected us
 * before reading everything) is not an error here: its answer is
 * waiting to be read.
 */
static int tgtadm_send(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return 0;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads exactly @len bytes; -EPIPE at a premature end of stream. */
static int tgtadm_recv(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int tgtadm_proto_err(const char *what, int ret)
{
	fprintf(stderr, "tgtadm: %s: %s\n", what,
		ret == -EPIPE ? "tgtd closed the connection" : strerror(-ret));
	return TGTADM_PROTOCOL;
}

/* Prints the answer: text to stdout, or "tgtadm: message" to stderr. */
static void tgtadm_print(int result, const char *text, size_t len)
{
	if (result == TGTADM_SUCCESS) {
		fwrite(text, 1, len, stdout);
		return;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\0'))
		len--;
	if (!len)
		fprintf(stderr, "tgtadm: %s\n", mgmt_err_str(result));
	else
		fprintf(stderr, "tgtadm: %.*s\n", (int)len, text);
}

/* Reads and prints the response; returns tgtd's result code. */
static int tgtadm_response(int fd)
{
	uint8_t hdr[TGT_MGMT_RSP_HDR_LEN];
	char err[256];
	size_t len;
	char *text;
	int ret, result;

	ret = tgtadm_recv(fd, hdr, sizeof(hdr));
	if (ret)
		return tgtadm_proto_err("no answer from tgtd", ret);
	if (mgmt_rsp_hdr_decode(hdr, sizeof(hdr), &result, &len, err,
				sizeof(err))) {
		fprintf(stderr, "tgtadm: bad answer from tgtd: %s\n", err);
		return TGTADM_PROTOCOL;
	}
	text = malloc(len + 1);
	if (!text) {
		fputs("tgtadm: out of memory\n", stderr);
		return TGTADM_NOMEM;
	}
	ret = tgtadm_recv(fd, text, len);
	if (ret) {
		free(text);
		return tgtadm_proto_err("truncated answer from tgtd", ret);
	}
	tgtadm_print(result, text, len);
	free(text);
	return result;
}

static int tgtadm_run(const struct tgtadm_opts *o)
{
	static uint8_t buf[TGT_MGMT_REQ_MAX];
	char err[256];
	size_t len;
	int fd, ret;

	if (mgmt_req_encode(&o->req, buf, sizeof(buf), &len, err,
			    sizeof(err)))
		return tgtadm_usage_err("%s", err);
	fd = tgtadm_connect(o->port);
	if (fd < 0)
		return -fd;
	ret = tgtadm_send(fd, buf, len);
	if (ret) {
		fprintf(stderr, "tgtadm: cannot send to tgtd: %s\n",
			strerror(-ret));
		close(fd);
		return TGTADM_CONNECT;
	}
	ret = tgtadm_response(fd);
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	struct tgtadm_opts o = { .port = 0 };
	int ret;

	mgmt_req_init(&o.req);
	ret = tgtadm_opts_parse(argc, argv, &o);
	if (ret)
		return ret;
	ret = tgtadm_run(&o);
	if (fflush(stdout) != 0 && ret == TGTADM_SUCCESS) {
		perror("tgtadm: stdout");
		return TGTADM_UNKNOWN_ERR;
	}
	return ret;
}
