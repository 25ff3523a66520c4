// SPDX-License-Identifier: GPL-2.0-only
/*
 * badpdu: a small raw-socket iSCSI initiator that sends malformed PDUs to
 * a target and checks the answer RFC 7143 asks for.
 *
 *   badpdu [-c CASE,...] [-t ANSWER_MS] [-w STALL_SECS] [-l LUN] [-n NOP_MS]
 *          [-p PID] [-v] HOST PORT IQN
 *   badpdu -L          lists the cases
 * With -c, only the named cases run, and the framing checks (the witness
 * session, a fresh session at the end) print only when they fail.
 *
 * HOST must be a loopback address (127.0.0.0/8 or ::1).  Every case runs
 * on its own connection; a "witness" session opened first must keep
 * working through all of them, and a fresh session must work at the end.
 * Each case prints "ok - NAME: what happened", "FAIL - NAME: expected
 * ..., got ..." or "skip - NAME: why" (e.g. the target refused digests);
 * the last line is "# N ok, M failed, K skipped"; exit status 0 only if
 * nothing failed.  Every wait is bounded: ANSWER_MS (default 3000) for
 * an answer, STALL_SECS (default 20) for the target to drop a connection
 * that stalls mid-PDU.
 *
 * Besides malformed PDUs, the session life cycle: connection
 * reinstatement (conn-*), and the life-* cases, which need a target set
 * up for them and run without a witness: -n NOP_MS (the target's
 * nop_interval_ms + nop_timeout_ms, short) for the NOP-In ping cases, -p
 * PID (the target's, which gets SIGTERM) for the shutdown cases, one per
 * target.
 *
 * PDUs are built by hand (big-endian helpers below); no libiscsi.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- opcodes and constants (RFC 7143 section 11) ---- */
enum {
	OP_NOP_OUT = 0x00, OP_SCSI_CMD = 0x01, OP_LOGIN_REQ = 0x03,
	OP_TEXT_REQ = 0x04, OP_TEXT_RSP = 0x24,
	OP_DATA_OUT = 0x05, OP_LOGOUT_REQ = 0x06,
	OP_NOP_IN = 0x20, OP_SCSI_RSP = 0x21, OP_LOGIN_RSP = 0x23,
	OP_DATA_IN = 0x25, OP_LOGOUT_RSP = 0x26, OP_R2T = 0x31,
	OP_ASYNC = 0x32, OP_REJECT = 0x3f,
};
#define BHS_LEN 48
#define F_IMMEDIATE 0x40
#define F_FINAL 0x80
#define F_READ 0x40
#define F_WRITE 0x20
#define ATTR_SIMPLE 0x01
#define LOGIN_T 0x80
#define RSVD_TAG 0xffffffffu
#define MAX_DATA (1u << 24)

static int answer_ms = 3000;
static int stall_secs = 20;
static int verbose;
static unsigned lun = 1;
static const char *host, *port_str, *target_name;
static const char initiator_name[] = "iqn.2026-11.org.example.tgt:badpdu";
static unsigned n_ok, n_fail, n_skip;
static unsigned isid_seq;
static int target_gone;		/* connection refused: it crashed or left */
static int nop_ms;		/* -n: the target's nop interval + timeout */
static pid_t target_pid;	/* -p: the target, for the shutdown cases */
static unsigned last_login_status;	/* class << 8 | detail */

/* ---- big-endian helpers ---- */
static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- CRC32C (Castagnoli, reflected), as iSCSI digests use it ---- */
static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t i, c;
	int k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32c(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

/* The digest goes on the wire least significant byte first. */
static void put_digest(uint8_t *p, uint32_t crc)
{
	p[0] = (uint8_t)crc;
	p[1] = (uint8_t)(crc >> 8);
	p[2] = (uint8_t)(crc >> 16);
	p[3] = (uint8_t)(crc >> 24);
}

/* ---- time and reporting ---- */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void vlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void vlog(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("  # ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
}

static void skip(const char *name, const char *why)
{
	n_skip++;
	printf("skip - %s: %s\n", name, why);
	fflush(stdout);
}

static void result(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int quiet_ok;		/* -c: the framing checks print failures only */
static const char *only;	/* -c: comma-separated case names */

static void result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok && quiet_ok)
		return;
	if (ok)
		n_ok++;
	else
		n_fail++;
	printf("%s - %s: ", ok ? "ok" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* ---- connection ---- */
struct conn {
	int fd;
	int hd, dd;		/* header / data digests in use (after login) */
	uint32_t itt;
	uint32_t cmdsn, expstatsn, expcmdsn, maxcmdsn;
	uint32_t tmrdsl;	/* the target's MaxRecvDataSegmentLength */
	uint32_t first_burst;
	int immediate_data, initial_r2t;
	uint16_t tsih;
	uint16_t cid;
	uint8_t isid[6];
};

struct pdu {
	uint8_t bhs[BHS_LEN];
	uint32_t ahslen;
	uint32_t dlen;
	uint8_t *data;		/* dlen bytes, NUL-terminated, caller frees */
};

static void pdu_free(struct pdu *p)
{
	free(p->data);
	p->data = NULL;
}

static int is_loopback(const struct addrinfo *ai)
{
	if (ai->ai_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ai->ai_addr;

		return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
	}
	if (ai->ai_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ai->ai_addr;

		return IN6_IS_ADDR_LOOPBACK(&s->sin6_addr);
	}
	return 0;
}

static int conn_open(struct conn *c)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, one = 1, err;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->tmrdsl = 8192;
	c->first_burst = 65536;
	c->itt = 0x1000;
	c->isid[0] = 0x80;	/* random format */
	c->isid[1] = 0x74;
	c->isid[2] = 0x67;
	c->isid[3] = (uint8_t)getpid();
	put16(c->isid + 4, (uint16_t)++isid_seq);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	err = getaddrinfo(host, port_str, &hints, &res);
	if (err) {
		fprintf(stderr, "badpdu: %s:%s: %s\n", host, port_str, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (!is_loopback(ai))
			continue;
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (errno == ECONNREFUSED)
			target_gone = 1;
		fprintf(stderr, "badpdu: cannot connect to %s:%s (loopback only): %s\n",
			host, port_str, strerror(errno));
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	return 0;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

enum rx { RX_OK, RX_CLOSED, RX_TIMEOUT };

/* Reads exactly n bytes before the deadline. */
static enum rx recv_exact(int fd, uint8_t *p, size_t n, long long deadline)
{
	while (n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t r;

		if (left <= 0)
			return RX_TIMEOUT;
		r = poll(&pfd, 1, (int)(left > 1000000 ? 1000000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return RX_CLOSED;
		if (r == 0)
			return RX_TIMEOUT;
		r = recv(fd, p, n, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return RX_CLOSED;
		p += r;
		n -= (size_t)r;
	}
	return RX_OK;
}

/*
 * Sends one PDU: BHS (opcode, flags and fields already set except the
 * lengths), optional AHS, data (padded).  bad_hd / bad_dd corrupt the
 * digests (when in use).  ahs_words overrides TotalAHSLength when >= 0.
 */
struct txopt {
	int bad_hd, bad_dd;
	int ahs_words;		/* -1: from ahslen */
	int64_t dsl;		/* -1: from dlen */
};

static int send_pdu_opt(struct conn *c, uint8_t *bhs, const uint8_t *ahs,
			uint32_t ahslen, const uint8_t *data, uint32_t dlen,
			const struct txopt *o)
{
	size_t pad = (4 - dlen % 4) % 4;
	size_t total = BHS_LEN + ahslen + 4 + dlen + pad + 4;
	uint8_t *buf = calloc(1, total), *p;
	int rc;

	if (!buf)
		return -1;
	bhs[4] = (uint8_t)(o && o->ahs_words >= 0 ? o->ahs_words : (int)(ahslen / 4));
	put24(bhs + 5, o && o->dsl >= 0 ? (uint32_t)o->dsl : dlen);
	p = buf;
	memcpy(p, bhs, BHS_LEN);
	p += BHS_LEN;
	if (ahslen) {
		memcpy(p, ahs, ahslen);
		p += ahslen;
	}
	if (c->hd) {
		uint32_t crc = crc32c(buf, (size_t)(p - buf));

		put_digest(p, o && o->bad_hd ? crc ^ 0x5a5a5a5a : crc);
		p += 4;
	}
	if (dlen) {
		memcpy(p, data, dlen);
		p += dlen + pad;
		if (c->dd) {
			uint32_t crc = crc32c(p - dlen - pad, dlen + pad);

			put_digest(p, o && o->bad_dd ? crc ^ 0xa5a5a5a5 : crc);
			p += 4;
		}
	}
	rc = send_all(c->fd, buf, (size_t)(p - buf));
	free(buf);
	return rc;
}

static int send_pdu(struct conn *c, uint8_t *bhs, const uint8_t *data, uint32_t dlen)
{
	return send_pdu_opt(c, bhs, NULL, 0, data, dlen, NULL);
}

/* Reads one PDU (any opcode) within ms milliseconds. */
static enum rx recv_pdu(struct conn *c, struct pdu *p, int ms)
{
	long long deadline = now_ms() + ms;
	uint8_t skip[4 * 255 + 4];
	enum rx r;
	uint32_t padded;

	memset(p, 0, sizeof(*p));
	r = recv_exact(c->fd, p->bhs, BHS_LEN, deadline);
	if (r != RX_OK)
		return r;
	p->ahslen = (uint32_t)p->bhs[4] * 4;
	p->dlen = get24(p->bhs + 5);
	if (p->ahslen + (c->hd ? 4 : 0)) {
		r = recv_exact(c->fd, skip, p->ahslen + (c->hd ? 4 : 0), deadline);
		if (r != RX_OK)
			return r;
	}
	if (p->dlen > MAX_DATA)
		return RX_CLOSED;
	padded = (p->dlen + 3) & ~3u;
	p->data = calloc(1, padded + 5);
	if (!p->data)
		return RX_CLOSED;
	if (padded + (p->dlen && c->dd ? 4 : 0)) {
		r = recv_exact(c->fd, p->data, padded + (p->dlen && c->dd ? 4 : 0), deadline);
		if (r != RX_OK) {
			pdu_free(p);
			return r;
		}
	}
	p->data[p->dlen] = 0;
	return RX_OK;
}

static uint8_t opcode(const struct pdu *p)
{
	return p->bhs[0] & 0x3f;
}

/* Tracks StatSN / ExpCmdSN / MaxCmdSN from a target PDU. */
static void track(struct conn *c, const struct pdu *p)
{
	uint8_t op = opcode(p);
	int has_stat = 0;

	switch (op) {
	case OP_SCSI_RSP: case OP_LOGIN_RSP: case OP_LOGOUT_RSP:
	case OP_REJECT: case OP_ASYNC: case 0x22: case 0x24:
		has_stat = 1;
		break;
	case OP_NOP_IN:
		has_stat = get32(p->bhs + 16) != RSVD_TAG;
		break;
	case OP_DATA_IN:
		has_stat = p->bhs[1] & 0x01;
		break;
	default:
		break;
	}
	if (has_stat)
		c->expstatsn = get32(p->bhs + 24) + 1;
	if (op != OP_REJECT || get32(p->bhs + 28)) {
		c->expcmdsn = get32(p->bhs + 28);
		c->maxcmdsn = get32(p->bhs + 32);
	}
}

static void bhs_init(uint8_t *bhs, uint8_t op, uint8_t flags)
{
	memset(bhs, 0, BHS_LEN);
	bhs[0] = op;
	bhs[1] = flags;
}

static void set_lun(uint8_t *bhs, unsigned l)
{
	/* single-level, peripheral device addressing */
	bhs[8] = (uint8_t)(l >> 8 & 0x3f);
	bhs[9] = (uint8_t)l;
}

static int send_nop_reply(struct conn *c, const struct pdu *nop_in)
{
	uint8_t bhs[BHS_LEN];

	bhs_init(bhs, OP_NOP_OUT | F_IMMEDIATE, F_FINAL);
	memcpy(bhs + 8, nop_in->bhs + 8, 8);
	put32(bhs + 16, RSVD_TAG);
	memcpy(bhs + 20, nop_in->bhs + 20, 4);
	put32(bhs + 24, c->cmdsn);
	put32(bhs + 28, c->expstatsn);
	return send_pdu(c, bhs, NULL, 0);
}

/*
 * Next PDU that matters: answers the target's NOP-In pings and skips
 * asynchronous messages on the way.
 */
static enum rx next_pdu(struct conn *c, struct pdu *p, int ms)
{
	long long deadline = now_ms() + ms;

	for (;;) {
		long long left = deadline - now_ms();
		enum rx r;

		if (left <= 0)
			return RX_TIMEOUT;
		r = recv_pdu(c, p, (int)left);
		if (r != RX_OK)
			return r;
		track(c, p);
		if (opcode(p) == OP_NOP_IN && get32(p->bhs + 16) == RSVD_TAG) {
			if (get32(p->bhs + 20) != RSVD_TAG)
				send_nop_reply(c, p);
			pdu_free(p);
			continue;
		}
		if (opcode(p) == OP_ASYNC) {
			vlog("async message, event %u", p->bhs[36]);
			pdu_free(p);
			continue;
		}
		return RX_OK;
	}
}

/* ---- text keys ---- */
struct text {
	uint8_t buf[4096];
	uint32_t len;
};

static void kv(struct text *t, const char *key, const char *val)
{
	int n = snprintf((char *)t->buf + t->len, sizeof(t->buf) - t->len,
			 "%s=%s", key, val);

	if (n > 0 && (size_t)n + 1 <= sizeof(t->buf) - t->len)
		t->len += (uint32_t)n + 1;
}

/* Value of key in a NUL-separated key=value list, or NULL. */
static const char *key_value(const struct pdu *p, const char *key)
{
	size_t kl = strlen(key);
	uint32_t i = 0;

	while (i < p->dlen) {
		const char *s = (const char *)p->data + i;
		size_t l = strnlen(s, p->dlen - i);

		if (l > kl && !strncmp(s, key, kl) && s[kl] == '=')
			return s + kl + 1;
		i += (uint32_t)l + 1;
	}
	return NULL;
}

static uint32_t key_u32(const struct pdu *p, const char *key, uint32_t dflt)
{
	const char *v = key_value(p, key);
	char *end;
	unsigned long n;

	if (!v)
		return dflt;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || n > 0xffffffffu)
		return dflt;
	return (uint32_t)n;
}

/* ---- login ---- */
static void login_bhs(struct conn *c, uint8_t *bhs, int transit, int csg, int nsg)
{
	bhs_init(bhs, OP_LOGIN_REQ | F_IMMEDIATE,
		 (uint8_t)((transit ? LOGIN_T : 0) | (csg & 3) << 2 | (nsg & 3)));
	bhs[2] = 0;		/* version-max */
	bhs[3] = 0;		/* version-min */
	memcpy(bhs + 8, c->isid, 6);
	put16(bhs + 14, c->tsih);
	put32(bhs + 16, c->itt);
	put16(bhs + 20, c->cid);
	put32(bhs + 24, c->cmdsn);
	put32(bhs + 28, c->expstatsn);
}

struct login_opt {
	int hd, dd;		/* offer CRC32C digests */
	int immediate_data;	/* offer ImmediateData=Yes */
};

static void security_keys(struct text *t)
{
	kv(t, "InitiatorName", initiator_name);
	kv(t, "TargetName", target_name);
	kv(t, "SessionType", "Normal");
	kv(t, "AuthMethod", "None");
}

static void operational_keys(struct text *t, const struct login_opt *o)
{
	kv(t, "HeaderDigest", o && o->hd ? "CRC32C" : "None");
	kv(t, "DataDigest", o && o->dd ? "CRC32C" : "None");
	kv(t, "MaxRecvDataSegmentLength", "65536");
	kv(t, "InitialR2T", "Yes");
	kv(t, "ImmediateData", o && !o->immediate_data ? "No" : "Yes");
	kv(t, "MaxBurstLength", "262144");
	kv(t, "FirstBurstLength", "65536");
	kv(t, "DefaultTime2Wait", "0");
	kv(t, "DefaultTime2Retain", "0");
	kv(t, "MaxOutstandingR2T", "1");
	kv(t, "DataPDUInOrder", "Yes");
	kv(t, "DataSequenceInOrder", "Yes");
	kv(t, "ErrorRecoveryLevel", "0");
	kv(t, "MaxConnections", "1");
}

static void describe(const struct pdu *p, char *out, size_t n);

/* Reads the login response; 0 if it is a success, else describes it. */
static int login_rsp(struct conn *c, struct pdu *p, char *why, size_t n)
{
	enum rx r = next_pdu(c, p, answer_ms);

	if (r != RX_OK) {
		snprintf(why, n, "%s", r == RX_CLOSED ? "connection closed" : "no answer");
		return -1;
	}
	if (opcode(p) == OP_LOGIN_RSP)
		last_login_status = (unsigned)p->bhs[36] << 8 | p->bhs[37];
	if (opcode(p) != OP_LOGIN_RSP || p->bhs[36] != 0) {
		describe(p, why, n);
		pdu_free(p);
		return -1;
	}
	c->tsih = get16(p->bhs + 14);
	return 0;
}

/* Full login to FFP.  0 on success; why describes a failure. */
static int login(struct conn *c, const struct login_opt *o, char *why, size_t n)
{
	uint8_t bhs[BHS_LEN];
	struct text t = { .len = 0 };
	struct pdu p;
	int stage = 0, rounds;
	const char *v;

	security_keys(&t);
	login_bhs(c, bhs, 1, 0, 1);
	if (send_pdu(c, bhs, t.buf, t.len) || login_rsp(c, &p, why, n))
		return -1;
	stage = p.bhs[1] & LOGIN_T ? (p.bhs[1] & 3) : 0;
	pdu_free(&p);
	for (rounds = 0; stage == 0 && rounds < 4; rounds++) {
		login_bhs(c, bhs, 1, 0, 1);
		if (send_pdu(c, bhs, NULL, 0) || login_rsp(c, &p, why, n))
			return -1;
		stage = p.bhs[1] & LOGIN_T ? (p.bhs[1] & 3) : 0;
		pdu_free(&p);
	}
	if (stage != 1) {
		snprintf(why, n, "target never moved to the operational stage");
		return -1;
	}
	t.len = 0;
	operational_keys(&t, o);
	for (rounds = 0; rounds < 5; rounds++) {
		login_bhs(c, bhs, 1, 1, 3);
		if (send_pdu(c, bhs, t.buf, t.len) || login_rsp(c, &p, why, n))
			return -1;
		if (verbose) {
			uint32_t i;

			for (i = 0; i < p.dlen; i++)
				if (!p.data[i])
					p.data[i] = ' ';
			vlog("login response keys: %s", (char *)p.data);
			for (i = 0; i < p.dlen; i++)
				if (p.data[i] == ' ')
					p.data[i] = 0;
		}
		v = key_value(&p, "HeaderDigest");
		if (v)
			c->hd = !strcmp(v, "CRC32C");
		v = key_value(&p, "DataDigest");
		if (v)
			c->dd = !strcmp(v, "CRC32C");
		v = key_value(&p, "ImmediateData");
		if (v)
			c->immediate_data = !strcmp(v, "Yes") && !(o && !o->immediate_data);
		else if (rounds == 0)
			c->immediate_data = !(o && !o->immediate_data);
		v = key_value(&p, "InitialR2T");
		if (v)
			c->initial_r2t = !strcmp(v, "Yes");
		else if (rounds == 0)
			c->initial_r2t = 1;
		c->tmrdsl = key_u32(&p, "MaxRecvDataSegmentLength", c->tmrdsl);
		c->first_burst = key_u32(&p, "FirstBurstLength", c->first_burst);
		if ((p.bhs[1] & LOGIN_T) && (p.bhs[1] & 3) == 3) {
			pdu_free(&p);
			c->cmdsn = c->expcmdsn;
			c->itt++;
			return 0;
		}
		pdu_free(&p);
		t.len = 0;	/* the target wants another round: nothing new */
	}
	snprintf(why, n, "target never moved to full feature phase");
	return -1;
}

static int open_session(struct conn *c, const struct login_opt *o, const char *name)
{
	char why[256];

	if (conn_open(c)) {
		result(0, name, "cannot connect");
		return -1;
	}
	if (login(c, o, why, sizeof(why))) {
		result(0, name, "login failed: %s", why);
		conn_close(c);
		return -1;
	}
	vlog("%s: logged in, TSIH %u, MRDSL %u, hd %d dd %d, immediate %d, InitialR2T %d",
	     name, c->tsih, c->tmrdsl, c->hd, c->dd, c->immediate_data, c->initial_r2t);
	return 0;
}

/* ---- full feature phase helpers ---- */
static void scsi_bhs(struct conn *c, uint8_t *bhs, uint8_t flags, uint32_t edtl,
		     const uint8_t *cdb, size_t cdblen)
{
	bhs_init(bhs, OP_SCSI_CMD, (uint8_t)(F_FINAL | flags | ATTR_SIMPLE));
	set_lun(bhs, lun);
	put32(bhs + 16, ++c->itt);
	put32(bhs + 20, edtl);
	put32(bhs + 24, c->cmdsn);
	put32(bhs + 28, c->expstatsn);
	memcpy(bhs + 32, cdb, cdblen);
}

static void nop_bhs(struct conn *c, uint8_t *bhs)
{
	bhs_init(bhs, OP_NOP_OUT | F_IMMEDIATE, F_FINAL);
	put32(bhs + 16, ++c->itt);
	put32(bhs + 20, RSVD_TAG);
	put32(bhs + 24, c->cmdsn);
	put32(bhs + 28, c->expstatsn);
}

static const char *reject_reason(unsigned r)
{
	switch (r) {
	case 0x02: return "data digest error";
	case 0x03: return "SNACK reject";
	case 0x04: return "protocol error";
	case 0x05: return "command not supported";
	case 0x06: return "immediate command reject";
	case 0x07: return "task in progress";
	case 0x08: return "invalid data ack";
	case 0x09: return "invalid PDU field";
	case 0x0a: return "long op reject";
	case 0x0b: return "negotiation reset";
	case 0x0c: return "waiting for logout";
	default: return "?";
	}
}

static void describe(const struct pdu *p, char *out, size_t n)
{
	switch (opcode(p)) {
	case OP_REJECT:
		snprintf(out, n, "Reject, reason 0x%02x (%s)", p->bhs[2],
			 reject_reason(p->bhs[2]));
		break;
	case OP_LOGIN_RSP:
		snprintf(out, n, "Login Response, status 0x%02x%02x", p->bhs[36], p->bhs[37]);
		break;
	case OP_SCSI_RSP:
		snprintf(out, n, "SCSI Response, response 0x%02x status 0x%02x%s",
			 p->bhs[2], p->bhs[3], p->bhs[1] & 0x04 ? " (overflow)" : "");
		break;
	case OP_NOP_IN:
		snprintf(out, n, "NOP-In (ITT 0x%08x)", get32(p->bhs + 16));
		break;
	case OP_R2T:
		snprintf(out, n, "R2T (offset %u, length %u)", get32(p->bhs + 40),
			 get32(p->bhs + 44));
		break;
	default:
		snprintf(out, n, "PDU opcode 0x%02x", opcode(p));
		break;
	}
}

/* What the target did after a malformed PDU. */
enum ans { A_REJECT, A_CLOSED, A_SILENT, A_LOGIN_ERR, A_LOGIN_OK, A_SCSI_GOOD,
	   A_SCSI_ERR, A_OTHER };

struct answer {
	enum ans kind;
	uint8_t reason;		/* Reject reason, or login status class */
	uint8_t detail;		/* login status detail */
	char text[160];
};

static void observe(struct conn *c, int ms, struct answer *a)
{
	struct pdu p;
	enum rx r = next_pdu(c, &p, ms);

	memset(a, 0, sizeof(*a));
	if (r == RX_CLOSED) {
		a->kind = A_CLOSED;
		snprintf(a->text, sizeof(a->text), "connection closed");
		return;
	}
	if (r == RX_TIMEOUT) {
		a->kind = A_SILENT;
		snprintf(a->text, sizeof(a->text), "no answer in %d ms", ms);
		return;
	}
	describe(&p, a->text, sizeof(a->text));
	switch (opcode(&p)) {
	case OP_REJECT:
		a->kind = A_REJECT;
		a->reason = p.bhs[2];
		break;
	case OP_LOGIN_RSP:
		a->kind = p.bhs[36] ? A_LOGIN_ERR : A_LOGIN_OK;
		a->reason = p.bhs[36];
		a->detail = p.bhs[37];
		break;
	case OP_SCSI_RSP:
		a->kind = p.bhs[2] == 0 && p.bhs[3] == 0 ? A_SCSI_GOOD : A_SCSI_ERR;
		break;
	default:
		a->kind = A_OTHER;
		break;
	}
	pdu_free(&p);
}

/* Is the connection closed (EOF) within ms?  Data before EOF is drained. */
static int closed_within(struct conn *c, int ms)
{
	long long deadline = now_ms() + ms;
	uint8_t buf[4096];

	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t r;

		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		r = recv(c->fd, buf, sizeof(buf), 0);
		if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
			return 1;
	}
}

/* TEST UNIT READY; a unit attention is retried (bounded). 1 if GOOD. */
static int tur(struct conn *c, char *why, size_t n)
{
	uint8_t bhs[BHS_LEN], cdb[6] = { 0 };
	int tries;

	for (tries = 0; tries < 4; tries++) {
		struct answer a;

		scsi_bhs(c, bhs, 0, 0, cdb, sizeof(cdb));
		c->cmdsn++;
		if (send_pdu(c, bhs, NULL, 0)) {
			snprintf(why, n, "send failed");
			return 0;
		}
		observe(c, answer_ms, &a);
		if (a.kind == A_SCSI_GOOD)
			return 1;
		snprintf(why, n, "%s", a.text);
		if (a.kind != A_SCSI_ERR)
			return 0;
	}
	return 0;
}

/* NOP-Out ping (immediate); 1 if the matching NOP-In comes back. */
static int ping(struct conn *c, char *why, size_t n)
{
	uint8_t bhs[BHS_LEN], data[8] = "pingpong";
	struct pdu p;
	enum rx r;
	uint32_t itt;

	nop_bhs(c, bhs);
	itt = c->itt;
	if (send_pdu(c, bhs, data, sizeof(data))) {
		snprintf(why, n, "send failed");
		return 0;
	}
	r = next_pdu(c, &p, answer_ms);
	if (r != RX_OK) {
		snprintf(why, n, "%s", r == RX_CLOSED ? "connection closed" : "no answer");
		return 0;
	}
	if (opcode(&p) != OP_NOP_IN || get32(p.bhs + 16) != itt ||
	    p.dlen != sizeof(data) || memcmp(p.data, data, sizeof(data))) {
		describe(&p, why, n);
		pdu_free(&p);
		return 0;
	}
	pdu_free(&p);
	snprintf(why, n, "answered");
	return 1;
}

static void logout(struct conn *c)
{
	uint8_t bhs[BHS_LEN];
	struct pdu p;

	bhs_init(bhs, OP_LOGOUT_REQ | F_IMMEDIATE, F_FINAL);
	put32(bhs + 16, ++c->itt);
	put32(bhs + 24, c->cmdsn);
	put32(bhs + 28, c->expstatsn);
	if (send_pdu(c, bhs, NULL, 0) == 0 && next_pdu(c, &p, answer_ms) == RX_OK)
		pdu_free(&p);
	conn_close(c);
}

/* ---- the cases ---- */
static struct conn witness;
static int witness_up;

/* The witness session must still answer after every case. */
static void check_witness(const char *after)
{
	char why[160];

	if (!witness_up)
		return;
	if (!ping(&witness, why, sizeof(why))) {
		result(0, "witness", "the other session stopped working after %s: %s",
		       after, why);
		witness_up = 0;
	}
}

static void case_bad_opcode(void)
{
	const char *name = "bad-opcode";
	struct conn c;
	uint8_t bhs[BHS_LEN];
	struct answer a;
	char why[160];

	if (open_session(&c, NULL, name))
		return;
	bhs_init(bhs, 0x0f, F_FINAL);	/* no such initiator opcode */
	put32(bhs + 16, ++c.itt);
	put32(bhs + 24, c.cmdsn);
	put32(bhs + 28, c.expstatsn);
	send_pdu(&c, bhs, NULL, 0);
	observe(&c, answer_ms, &a);
	if (a.kind == A_REJECT && (a.reason == 0x04 || a.reason == 0x05))
		result(ping(&c, why, sizeof(why)), name, "%s; then a ping: %s", a.text,
		       why);
	else
		result(0, name, "expected Reject (command not supported or protocol error), got %s",
		       a.text);
	conn_close(&c);
	check_witness(name);
}

static void case_dsl_over_mrdsl(void)
{
	const char *name = "dsl-over-mrdsl";
	struct conn c;
	uint8_t bhs[BHS_LEN], *data;
	struct answer a;
	uint32_t len;

	if (open_session(&c, NULL, name))
		return;
	len = c.tmrdsl + 4096;
	data = calloc(1, len);
	if (!data) {
		conn_close(&c);
		return;
	}
	memset(data, 'x', len);
	nop_bhs(&c, bhs);
	send_pdu(&c, bhs, data, len);
	free(data);
	observe(&c, answer_ms, &a);
	/* Protocol error: a Reject, or (most targets) the connection dropped. */
	result(a.kind == A_CLOSED || (a.kind == A_REJECT && (a.reason == 0x04 || a.reason == 0x09)),
	       name, "NOP-Out with %u data bytes, target's MaxRecvDataSegmentLength %u: %s",
	       len, c.tmrdsl, a.text);
	conn_close(&c);
	check_witness(name);
}

static void case_dsl_beyond_edtl(void)
{
	const char *name = "immediate-data-beyond-edtl";
	struct conn c;
	uint8_t bhs[BHS_LEN], cdb[10] = { 0x2a }, data[1024];
	struct answer a;
	struct pdu p;

	if (open_session(&c, NULL, name))
		return;
	if (!c.immediate_data) {
		skip(name, "ImmediateData=No was negotiated");
		logout(&c);
		return;
	}
	/* WRITE(10), LBA 0, 1 block: EDTL 512, but 1024 bytes of data. */
	cdb[8] = 1;
	memset(data, 0x5a, sizeof(data));
	scsi_bhs(&c, bhs, F_WRITE, 512, cdb, sizeof(cdb));
	c.cmdsn++;
	send_pdu(&c, bhs, data, sizeof(data));
	observe(&c, answer_ms, &a);
	/* The extra data is a protocol error; a GOOD status with the overflow
	 * bit is tolerated, a plain GOOD is not. */
	if (a.kind == A_SCSI_GOOD && strstr(a.text, "overflow"))
		a.kind = A_SCSI_ERR;
	result(a.kind == A_CLOSED || a.kind == A_REJECT || a.kind == A_SCSI_ERR,
	       name, "WRITE(10) EDTL 512 with 1024 bytes of immediate data: %s", a.text);
	if (a.kind == A_SCSI_ERR || a.kind == A_REJECT)
		while (next_pdu(&c, &p, 200) == RX_OK)
			pdu_free(&p);
	conn_close(&c);
	check_witness(name);
}

static void case_data_beyond_r2t(void)
{
	const char *name = "data-out-beyond-r2t";
	struct conn c;
	struct login_opt o = { .immediate_data = 0 };
	uint8_t bhs[BHS_LEN], cdb[10] = { 0x2a }, *data;
	struct answer a;
	struct pdu p = { .data = NULL };
	uint32_t itt, ttt, off, want, len;

	if (open_session(&c, &o, name))
		return;
	/* WRITE(10), LBA 8, 16 blocks; no immediate data, so an R2T. */
	cdb[5] = 8;
	cdb[8] = 16;
	scsi_bhs(&c, bhs, F_WRITE, 16 * 512, cdb, sizeof(cdb));
	itt = c.itt;
	c.cmdsn++;
	send_pdu(&c, bhs, NULL, 0);
	if (next_pdu(&c, &p, answer_ms) != RX_OK || opcode(&p) != OP_R2T) {
		char why[160] = "no answer or connection closed";

		if (p.data)
			describe(&p, why, sizeof(why));
		result(0, name, "expected an R2T for the WRITE, got %s", why);
		pdu_free(&p);
		conn_close(&c);
		return;
	}
	ttt = get32(p.bhs + 20);
	off = get32(p.bhs + 40);
	want = get32(p.bhs + 44);
	pdu_free(&p);
	/* All the R2T asked for (without the F bit), then 512 bytes more
	 * right after it (beyond the R2T and the EDTL). */
	len = want > c.tmrdsl ? c.tmrdsl : want;
	data = calloc(1, len + 512);
	if (!data) {
		conn_close(&c);
		return;
	}
	bhs_init(bhs, OP_DATA_OUT, 0);
	set_lun(bhs, lun);
	put32(bhs + 16, itt);
	put32(bhs + 20, ttt);
	put32(bhs + 28, c.expstatsn);
	put32(bhs + 36, 0);	/* DataSN */
	put32(bhs + 40, off);
	send_pdu(&c, bhs, data, len);
	bhs_init(bhs, OP_DATA_OUT, F_FINAL);
	set_lun(bhs, lun);
	put32(bhs + 16, itt);
	put32(bhs + 20, ttt);
	put32(bhs + 28, c.expstatsn);
	put32(bhs + 36, 1);
	put32(bhs + 40, off + len);
	send_pdu(&c, bhs, data, 512);
	len += 512;
	free(data);
	observe(&c, answer_ms, &a);
	result(a.kind == A_CLOSED || a.kind == A_REJECT || a.kind == A_SCSI_ERR,
	       name, "R2T for %u bytes at %u answered with %u bytes: %s", want, off, len, a.text);
	conn_close(&c);
	check_witness(name);
}

static void case_ahs_past_data(void)
{
	const char *name = "ahs-length-past-ahs";
	struct conn c;
	uint8_t bhs[BHS_LEN], ahs[4], cdb[6] = { 0 };
	struct answer a;

	if (open_session(&c, NULL, name))
		return;
	/* TEST UNIT READY with one 4-byte AHS whose own AHSLength claims
	 * 200 bytes: it points past TotalAHSLength. */
	scsi_bhs(&c, bhs, 0, 0, cdb, sizeof(cdb));
	c.cmdsn++;
	put16(ahs, 200);
	ahs[2] = 1;		/* Extended CDB */
	ahs[3] = 0;
	send_pdu_opt(&c, bhs, ahs, sizeof(ahs), NULL, 0, NULL);
	observe(&c, answer_ms, &a);
	result(a.kind == A_CLOSED || a.kind == A_REJECT || a.kind == A_SCSI_ERR,
	       name, "%s", a.text);
	conn_close(&c);
	check_witness(name);
}

static void case_total_ahs_past_pdu(void)
{
	const char *name = "total-ahs-length-past-pdu";
	struct conn c;
	uint8_t bhs[BHS_LEN], cdb[6] = { 0 };
	struct txopt o = { .ahs_words = 255, .dsl = -1 };
	int closed;

	if (open_session(&c, NULL, name))
		return;
	/* TotalAHSLength 255 words, but nothing after the BHS (and, if in
	 * use, the header digest covers a different PDU): the target waits
	 * for 1020 bytes that never come, or drops the connection. */
	scsi_bhs(&c, bhs, 0, 0, cdb, sizeof(cdb));
	c.cmdsn++;
	send_pdu_opt(&c, bhs, NULL, 0, NULL, 0, &o);
	closed = closed_within(&c, answer_ms);
	/* Either way, no answer to a PDU that has not been received whole. */
	result(1, name, "%s", closed ? "connection closed" :
	       "no answer (the target waits for the rest: see stall cases)");
	conn_close(&c);
	check_witness(name);
}

static void case_header_digest(void)
{
	const char *name = "bad-header-digest";
	struct conn c;
	struct login_opt o = { .hd = 1, .dd = 1, .immediate_data = 1 };
	uint8_t bhs[BHS_LEN], data[8] = "badhdrdg";
	struct txopt t = { .bad_hd = 1, .ahs_words = -1, .dsl = -1 };
	struct answer a;
	char why[160];

	if (open_session(&c, &o, name))
		return;
	if (!c.hd) {
		skip(name, "the target did not accept HeaderDigest=CRC32C");
		logout(&c);
		return;
	}
	if (!ping(&c, why, sizeof(why))) {
		result(0, name, "a NOP-Out with correct digests failed: %s", why);
		conn_close(&c);
		return;
	}
	nop_bhs(&c, bhs);
	send_pdu_opt(&c, bhs, NULL, 0, data, sizeof(data), &t);
	/* RFC 7143 7.8: discard the PDU, or close the connection. */
	observe(&c, answer_ms, &a);
	if (a.kind == A_CLOSED)
		result(1, name, "connection closed");
	else if (a.kind == A_SILENT)
		result(ping(&c, why, sizeof(why)), name,
		       "PDU discarded (no answer); then a ping: %s", why);
	else
		result(0, name, "expected the PDU discarded or the connection closed, got %s",
		       a.text);
	conn_close(&c);
	check_witness(name);
}

static void case_data_digest(void)
{
	const char *name = "bad-data-digest";
	struct conn c;
	struct login_opt o = { .hd = 1, .dd = 1, .immediate_data = 1 };
	uint8_t bhs[BHS_LEN], data[8] = "baddatdg";
	struct txopt t = { .bad_dd = 1, .ahs_words = -1, .dsl = -1 };
	struct answer a;
	char why[160];

	if (open_session(&c, &o, name))
		return;
	if (!c.dd) {
		skip(name, "the target did not accept DataDigest=CRC32C");
		logout(&c);
		return;
	}
	nop_bhs(&c, bhs);
	send_pdu_opt(&c, bhs, NULL, 0, data, sizeof(data), &t);
	/* RFC 7143 7.8: Reject with reason "data digest error". */
	observe(&c, answer_ms, &a);
	if (a.kind == A_REJECT && a.reason == 0x02)
		result(ping(&c, why, sizeof(why)), name, "%s; then a ping: %s",
		       a.text, why);
	else
		result(0, name, "expected Reject (data digest error), got %s", a.text);
	conn_close(&c);
	check_witness(name);
}

/* A non-immediate command with a CmdSN outside [ExpCmdSN, MaxCmdSN] must
 * be ignored silently (RFC 7143 4.2.2.1); the session goes on. */
static void cmdsn_case(const char *name, int high)
{
	struct conn c;
	uint8_t bhs[BHS_LEN], cdb[6] = { 0 };
	struct pdu p;
	char why[160];
	uint32_t bad_itt, bad, ping_itt;
	int answered = 0, pinged = 0;

	if (open_session(&c, NULL, name))
		return;
	if (!tur(&c, why, sizeof(why))) {
		result(0, name, "TEST UNIT READY before the case failed: %s", why);
		conn_close(&c);
		return;
	}
	bad = high ? c.maxcmdsn + 1000 : c.expcmdsn - 1000;
	scsi_bhs(&c, bhs, 0, 0, cdb, sizeof(cdb));
	put32(bhs + 24, bad);
	bad_itt = c.itt;
	send_pdu(&c, bhs, NULL, 0);
	/* A ping (immediate, so not subject to the window) right behind it;
	 * then 300 ms more for a late answer to the bad command. */
	nop_bhs(&c, bhs);
	ping_itt = c.itt;
	send_pdu(&c, bhs, NULL, 0);
	snprintf(why, sizeof(why), "no answer");
	for (;;) {
		enum rx r = next_pdu(&c, &p, pinged ? 300 : answer_ms);

		if (r != RX_OK) {
			if (r == RX_CLOSED)
				snprintf(why, sizeof(why), "connection closed");
			break;
		}
		if (opcode(&p) == OP_SCSI_RSP && get32(p.bhs + 16) == bad_itt)
			answered = 1;
		else if (opcode(&p) == OP_NOP_IN && get32(p.bhs + 16) == ping_itt)
			pinged = 1;
		else
			describe(&p, why, sizeof(why));
		pdu_free(&p);
	}
	if (!pinged) {
		result(0, name, "expected the command ignored, the session did not answer a ping after it: %s",
		       why);
	} else if (answered) {
		result(0, name, "CmdSN %u outside [%u, %u] was executed", bad,
		       c.expcmdsn, c.maxcmdsn);
	} else {
		int ok = tur(&c, why, sizeof(why));

		result(ok, name, "CmdSN %u ignored; a command with CmdSN %u then %s%s", bad,
		       c.cmdsn - 1, ok ? "succeeds" : "fails: ", ok ? "" : why);
	}
	conn_close(&c);
	check_witness(name);
}

/* Login cases: a login failure (status class 2) or a closed connection
 * passes; a successful login fails. */
static void login_verdict(const char *name, const struct answer *a, uint8_t want_detail)
{
	if (a->kind == A_LOGIN_ERR && a->reason == 0x02)
		result(1, name, "%s%s", a->text,
		       a->detail == want_detail || want_detail == 0xff ? "" :
		       " (initiator error, another detail than expected)");
	else if (a->kind == A_CLOSED)
		result(1, name, "connection closed without a login response");
	else
		result(0, name, "expected a login error (status 0x02%02x), got %s",
		       want_detail == 0xff ? 0 : want_detail, a->text);
}

static void login_case(const char *name, int transit, int csg, int nsg,
		       int keys, uint8_t version_min, uint8_t want_detail)
{
	struct conn c;
	uint8_t bhs[BHS_LEN];
	struct text t = { .len = 0 };
	struct answer a;

	if (conn_open(&c)) {
		result(0, name, "cannot connect");
		return;
	}
	if (keys & 1)
		kv(&t, "InitiatorName", initiator_name);
	if (keys & 2)
		kv(&t, "TargetName", keys & 4 ? "iqn.2026-11.org.example.tgt:no-such-target" :
		   target_name);
	kv(&t, "SessionType", "Normal");
	kv(&t, "AuthMethod", "None");
	login_bhs(&c, bhs, transit, csg, nsg);
	bhs[3] = version_min;
	if (version_min)
		bhs[2] = version_min;
	send_pdu(&c, bhs, t.buf, t.len);
	observe(&c, answer_ms, &a);
	login_verdict(name, &a, want_detail);
	conn_close(&c);
	check_witness(name);
}

/* After a good first login step (now in the operational stage), a PDU
 * that goes back to the security stage, or a SCSI command. */
static void login_midway_case(const char *name, int scsi)
{
	struct conn c;
	uint8_t bhs[BHS_LEN], cdb[6] = { 0 };
	struct text t = { .len = 0 };
	struct answer a;
	struct pdu p;
	char why[160];

	if (conn_open(&c)) {
		result(0, name, "cannot connect");
		return;
	}
	security_keys(&t);
	login_bhs(&c, bhs, 1, 0, 1);
	if (send_pdu(&c, bhs, t.buf, t.len) || login_rsp(&c, &p, why, sizeof(why))) {
		result(0, name, "first login step failed: %s", why);
		conn_close(&c);
		return;
	}
	pdu_free(&p);
	if (scsi) {
		scsi_bhs(&c, bhs, 0, 0, cdb, sizeof(cdb));
		send_pdu(&c, bhs, NULL, 0);
	} else {
		t.len = 0;
		kv(&t, "AuthMethod", "None");
		login_bhs(&c, bhs, 1, 0, 1);
		send_pdu(&c, bhs, t.buf, t.len);
	}
	observe(&c, answer_ms, &a);
	if (scsi && a.kind == A_SCSI_GOOD)
		result(0, name, "a SCSI command during login was executed");
	else
		login_verdict(name, &a, scsi ? 0x0b : 0xff);
	conn_close(&c);
	check_witness(name);
}

/* Connections that stop mid-PDU: the target must drop them (its own
 * timeout) while the other sessions keep working.  Both stalls run
 * together: half a BHS during login, and half a BHS in FFP. */
static void case_stalls(void)
{
	struct conn a, b;
	uint8_t bhs[BHS_LEN], cdb[6] = { 0 };
	struct text t = { .len = 0 };
	long long start, deadline, a_at = -1, b_at = -1;
	int have_b;
	char why[160];

	if (conn_open(&a)) {
		result(0, "stall-mid-login-pdu", "cannot connect");
		return;
	}
	security_keys(&t);
	login_bhs(&a, bhs, 1, 0, 1);
	send_all(a.fd, bhs, BHS_LEN / 2);
	have_b = open_session(&b, NULL, "stall-mid-ffp-pdu") == 0;
	if (have_b) {
		scsi_bhs(&b, bhs, 0, 0, cdb, sizeof(cdb));
		send_all(b.fd, bhs, BHS_LEN / 2);
	}
	start = now_ms();
	deadline = start + (long long)stall_secs * 1000;
	while (now_ms() < deadline && (a_at < 0 || (have_b && b_at < 0))) {
		if (a_at < 0 && closed_within(&a, 250))
			a_at = now_ms();
		if (have_b && b_at < 0 && closed_within(&b, 250))
			b_at = now_ms();
		check_witness("a stalled connection");
	}
	if (a_at >= 0)
		result(1, "stall-mid-login-pdu", "dropped after %.1f s", (a_at - start) / 1000.0);
	else
		result(0, "stall-mid-login-pdu", "still open after %d s (the wait, -w)", stall_secs);
	if (have_b) {
		if (b_at >= 0)
			result(1, "stall-mid-ffp-pdu", "dropped after %.1f s", (b_at - start) / 1000.0);
		else
			result(0, "stall-mid-ffp-pdu", "still open after %d s (the wait, -w)",
			       stall_secs);
	}
	if (witness_up) {
		int ok = tur(&witness, why, sizeof(why));

		result(ok, "other-session-during-stalls",
		       "the witness session's TEST UNIT READY %s%s", ok ? "succeeds" : "fails: ",
		       ok ? "" : why);
		if (!ok)
			witness_up = 0;
	}
	conn_close(&a);
	if (have_b)
		conn_close(&b);
}

/*
 * MaxCmdSN tracks the commands the session holds (4.2.2.1): with three
 * WRITEs waiting for their data, a NOP-In's window (MaxCmdSN - ExpCmdSN
 * + 1) is three short of an idle session's.
 */
static void case_window(void)
{
	const char *name = "maxcmdsn-window";
	struct login_opt o = { .immediate_data = 0 };
	uint8_t bhs[BHS_LEN], cdb[10] = { 0x2a };
	uint32_t idle, busy;
	char why[160];
	struct conn c;
	struct pdu p;
	int i, ok = 1;

	if (open_session(&c, &o, name))
		return;
	ok = ping(&c, why, sizeof(why));
	idle = c.maxcmdsn - c.expcmdsn + 1;
	cdb[8] = 1;
	for (i = 0; ok && i < 3; i++) {
		scsi_bhs(&c, bhs, F_WRITE, 512, cdb, sizeof(cdb));
		c.cmdsn++;
		ok = send_pdu(&c, bhs, NULL, 0) == 0 &&
		     next_pdu(&c, &p, answer_ms) == RX_OK;
		if (ok) {
			ok = opcode(&p) == OP_R2T;
			pdu_free(&p);
		}
	}
	ok = ok && ping(&c, why, sizeof(why));
	busy = c.maxcmdsn - c.expcmdsn + 1;
	result(ok && busy + 3 == idle, name, "window %u idle, %u with three "
	       "WRITEs waiting for data%s", idle, busy,
	       ok ? "" : " (a WRITE got no R2T, or a ping no answer)");
	conn_close(&c);
}

/* One Text Request of task @itt; C bit with @more, else F bit. */
static int text_req(struct conn *c, uint32_t itt, uint32_t ttt, int more,
		    const char *data, uint32_t len)
{
	uint8_t bhs[BHS_LEN];

	bhs_init(bhs, OP_TEXT_REQ | F_IMMEDIATE, more ? 0x40 : F_FINAL);
	put32(bhs + 16, itt);
	put32(bhs + 20, ttt);
	put32(bhs + 24, c->cmdsn);
	put32(bhs + 28, c->expstatsn);
	return send_pdu(c, bhs, (const uint8_t *)data, len);
}

/*
 * A Text Request split over two PDUs, mid-key (11.10.2): the first gets
 * an empty Text Response with F clear and a TTT, the second (echoing the
 * TTT) the answer to the whole text.
 */
static void case_text_continued(void)
{
	const char *name = "text-continued";
	static const char tail[] = "gets=";	/* a Normal session: its own target */
	uint32_t itt, ttt;
	struct conn c;
	struct pdu p;
	int ok = 0;

	if (open_session(&c, NULL, name))
		return;
	itt = ++c.itt;
	if (text_req(&c, itt, RSVD_TAG, 1, "SendTar", 7) ||
	    next_pdu(&c, &p, answer_ms) != RX_OK) {
		result(0, name, "no answer to a Text Request with the C bit");
		conn_close(&c);
		return;
	}
	ttt = get32(p.bhs + 20);
	if (opcode(&p) != OP_TEXT_RSP || (p.bhs[1] & F_FINAL) || p.dlen ||
	    ttt == RSVD_TAG) {
		result(0, name, "the first piece got opcode 0x%02x flags 0x%02x "
		       "TTT 0x%08x, %u bytes; expected an empty Text Response, F "
		       "clear, a TTT", opcode(&p), p.bhs[1], ttt, p.dlen);
		pdu_free(&p);
		conn_close(&c);
		return;
	}
	pdu_free(&p);
	if (text_req(&c, itt, ttt, 0, tail, sizeof(tail)) == 0 &&
	    next_pdu(&c, &p, answer_ms) == RX_OK) {
		const char *v = key_value(&p, "TargetName");

		ok = opcode(&p) == OP_TEXT_RSP && (p.bhs[1] & F_FINAL) && v &&
		     !strcmp(v, target_name);
		pdu_free(&p);
	}
	result(ok, name, "SendTargets split as \"SendTar\" + \"gets=\": %s",
	       ok ? "an empty continuation answer, then this target" :
	       "no TargetName answer for the whole text");
	logout(&c);
}

/* ---- session life: reinstatement, pings, shutdown ---- */

/*
 * Logs in on a new connection naming @old's session: its ISID and TSIH,
 * connection id @cid (RFC 7143 6.3.4).  0 when the full feature phase is
 * reached; else last_login_status says why (0: no login answer).
 */
static int relogin(struct conn *c, const struct conn *old, uint16_t cid,
		   char *why, size_t n)
{
	last_login_status = 0;
	if (conn_open(c)) {
		snprintf(why, n, "cannot connect");
		return -1;
	}
	memcpy(c->isid, old->isid, sizeof(c->isid));
	c->tsih = old->tsih;
	c->cid = cid;
	c->cmdsn = old->cmdsn;		/* the session's numbering goes on */
	c->expstatsn = old->expstatsn;
	if (login(c, NULL, why, n)) {
		conn_close(c);
		return -1;
	}
	return 0;
}

/* One TEST UNIT READY, no retry: the first answer. */
static void tur_once(struct conn *c, struct answer *a)
{
	uint8_t bhs[BHS_LEN], cdb[6] = { 0 };

	scsi_bhs(c, bhs, 0, 0, cdb, sizeof(cdb));
	c->cmdsn++;
	if (send_pdu(c, bhs, NULL, 0)) {
		memset(a, 0, sizeof(*a));
		a->kind = A_CLOSED;
		snprintf(a->text, sizeof(a->text), "send failed");
		return;
	}
	observe(c, answer_ms, a);
}

/* READ(10) of @blocks from LBA 0; the answer is left unread. */
static void read_unread(struct conn *c, uint16_t blocks)
{
	uint8_t bhs[BHS_LEN], cdb[10] = { 0x28 };

	put16(cdb + 7, blocks);
	scsi_bhs(c, bhs, F_READ, blocks * 512u, cdb, sizeof(cdb));
	c->cmdsn++;
	send_pdu(c, bhs, NULL, 0);
}

/* WRITE(10) of 8 blocks without its data (needs an R2T first). */
static void write_unsent(struct conn *c)
{
	uint8_t bhs[BHS_LEN], cdb[10] = { 0x2a };

	cdb[8] = 8;
	scsi_bhs(c, bhs, F_WRITE, 8 * 512, cdb, sizeof(cdb));
	c->cmdsn++;
	send_pdu(c, bhs, NULL, 0);
}

/* Same ISID, TSIH and CID on a new connection: the old connection goes,
 * the session (its I_T nexus) stays: no new unit attention. */
static void case_conn_reinstate(void)
{
	const char *name = "conn-reinstate";
	struct conn a, b;
	struct answer ans;
	char why[160];

	if (open_session(&a, NULL, name))
		return;
	if (!tur(&a, why, sizeof(why))) {
		result(0, name, "TEST UNIT READY on the first connection: %s", why);
		conn_close(&a);
		return;
	}
	/* Work in flight on the old connection: a READ whose data is not
	 * read, a WRITE waiting for its data.  Neither may stop the
	 * hand-over; their answers are lost (ERL 0). */
	read_unread(&a, 2048);
	write_unsent(&a);
	if (relogin(&b, &a, a.cid, why, sizeof(why))) {
		result(0, name, "login with the session's TSIH %u and CID refused: %s",
		       a.tsih, why);
		conn_close(&a);
		return;
	}
	if (b.tsih != a.tsih) {
		result(0, name, "the login answered TSIH %u, not the session's %u",
		       b.tsih, a.tsih);
	} else if (!closed_within(&a, answer_ms)) {
		result(0, name, "the old connection is still open %d ms after "
		       "its reinstatement", answer_ms);
	} else {
		tur_once(&b, &ans);
		result(ans.kind == A_SCSI_GOOD, name, "old connection closed, TSIH "
		       "%u kept, TEST UNIT READY on the new one: %s (a unit "
		       "attention would mean a new I_T nexus)", b.tsih, ans.text);
	}
	conn_close(&a);
	logout(&b);
}

/* A TSIH no session has: "Session does not exist" (0x020a). */
static void case_conn_no_session(void)
{
	const char *name = "conn-reinstate-no-session";
	struct conn a = { .tsih = 0xfedc }, b;
	char why[160];
	int ok;

	memcpy(a.isid, "\x80\x74\x67\x00\xfe\xdc", 6);
	ok = relogin(&b, &a, 0, why, sizeof(why));
	result(ok && last_login_status == 0x020a, name, "login with unknown TSIH "
	       "0x%04x: %s", a.tsih, ok ? why : "accepted");
	if (!ok)
		logout(&b);
}

/* MaxConnections is 1: a second CID is "Too many connections" (0x0206)
 * and the session's connection keeps working. */
static void case_conn_second_cid(void)
{
	const char *name = "conn-second-cid";
	struct conn a, b;
	char why[160], pwhy[160];
	int ok, alive;

	if (open_session(&a, NULL, name))
		return;
	ok = relogin(&b, &a, (uint16_t)(a.cid + 1), why, sizeof(why));
	if (!ok)
		logout(&b);
	alive = ping(&a, pwhy, sizeof(pwhy));
	result(ok && last_login_status == 0x0206 && alive, name, "a second "
	       "connection (CID %u): %s; the first one: %s", a.cid + 1,
	       ok ? why : "accepted", pwhy);
	logout(&a);
}

/* The next PDU as it comes (no automatic answer to pings). */
static enum rx raw_pdu(struct conn *c, struct pdu *p, int ms)
{
	enum rx r = recv_pdu(c, p, ms);

	if (r == RX_OK)
		track(c, p);
	return r;
}

static int is_ping(const struct pdu *p)
{
	return opcode(p) == OP_NOP_IN && get32(p->bhs + 16) == RSVD_TAG &&
	       get32(p->bhs + 20) != RSVD_TAG;
}

/* Waits for a NOP-In ping (-n: the target pings after nop_ms at most).
 * 1 if one came; its StatSN in *statsn. */
static int wait_ping(struct conn *c, uint32_t *statsn, struct pdu *p)
{
	long long deadline = now_ms() + 2LL * nop_ms + answer_ms;

	while (now_ms() < deadline) {
		if (raw_pdu(c, p, (int)(deadline - now_ms())) != RX_OK)
			return 0;
		if (is_ping(p)) {
			*statsn = get32(p->bhs + 24);
			return 1;
		}
		pdu_free(p);
	}
	return 0;
}

/* An idle session is pinged (11.19: ITT reserved, TTT set, StatSN not
 * consumed); answering keeps it. */
static void case_nop_ping(void)
{
	const char *name = "life-nop-ping";
	uint32_t statsn = 0, expect;
	struct conn c;
	struct pdu p;
	char why[160];
	long long until;
	int ok;

	if (!nop_ms) {
		skip(name, "needs -n (a target with short nop_interval_ms)");
		return;
	}
	if (open_session(&c, NULL, name))
		return;
	expect = c.expstatsn;
	if (!wait_ping(&c, &statsn, &p)) {
		result(0, name, "no NOP-In ping from an idle session");
		conn_close(&c);
		return;
	}
	send_nop_reply(&c, &p);
	pdu_free(&p);
	/* Answer pings for a while: the session must survive them. */
	until = now_ms() + 2LL * nop_ms;
	while (now_ms() < until) {
		if (next_pdu(&c, &p, (int)(until - now_ms())) == RX_OK)
			pdu_free(&p);
		else if (closed_within(&c, 1))
			break;
	}
	ok = tur(&c, why, sizeof(why));
	result(statsn == expect && ok, name, "ping StatSN %u (expected %u, "
	       "not consumed); answered for %d ms; TEST UNIT READY %s", statsn,
	       expect, 2 * nop_ms, ok ? "succeeds" : why);
	logout(&c);
}

/* A session that does not answer its ping is dropped. */
static void case_nop_dead(void)
{
	const char *name = "life-nop-dead";
	uint32_t statsn;
	struct conn c;
	struct pdu p;
	int pinged, closed;

	if (!nop_ms) {
		skip(name, "needs -n (a target with short nop_interval_ms)");
		return;
	}
	if (open_session(&c, NULL, name))
		return;
	pinged = wait_ping(&c, &statsn, &p);
	if (pinged)
		pdu_free(&p);
	closed = pinged && closed_within(&c, 2 * nop_ms + answer_ms);
	result(closed, name, "%s", !pinged ? "never pinged" : closed ?
	       "pinged, not answered: the connection was dropped" :
	       "pinged, not answered, still connected");
	conn_close(&c);
}

/* After SIGTERM to the target: an Async Message asking for a Logout
 * (11.9.1, AsyncEvent 1).  1 if it came; Parameter3 in *secs. */
static int wait_logout_request(struct conn *c, unsigned *secs)
{
	long long deadline = now_ms() + 2LL * answer_ms;
	struct pdu p;

	while (now_ms() < deadline) {
		if (raw_pdu(c, &p, (int)(deadline - now_ms())) != RX_OK)
			return 0;
		if (opcode(&p) == OP_ASYNC && p.bhs[36] == 1) {
			*secs = get16(p.bhs + 42);
			pdu_free(&p);
			return 1;
		}
		if (is_ping(&p))
			send_nop_reply(c, &p);
		pdu_free(&p);
	}
	return 0;
}

/* Shutdown: asked to log out; a Logout is answered, then the close. */
static void case_shutdown_logout(const char *name, int obey)
{
	unsigned secs = 0;
	struct conn c;
	struct pdu p;
	uint8_t bhs[BHS_LEN];
	int asked, ok = 0;

	if (!target_pid) {
		skip(name, "needs -p (the target's pid, to stop it)");
		return;
	}
	if (open_session(&c, NULL, name))
		return;
	kill(target_pid, SIGTERM);
	asked = wait_logout_request(&c, &secs);
	if (!asked) {
		result(0, name, "no Async Message asking for a logout after SIGTERM");
		conn_close(&c);
		return;
	}
	if (!obey) {
		ok = secs > 0 && closed_within(&c, (int)secs * 1000 + answer_ms);
		result(ok, name, "asked to log out within %u s; ignored: the "
		       "connection was %s", secs, ok ? "dropped" : "not dropped");
		conn_close(&c);
		return;
	}
	bhs_init(bhs, OP_LOGOUT_REQ | F_IMMEDIATE, F_FINAL);
	put32(bhs + 16, ++c.itt);
	put32(bhs + 24, c.cmdsn);
	put32(bhs + 28, c.expstatsn);
	if (send_pdu(&c, bhs, NULL, 0) == 0 && next_pdu(&c, &p, answer_ms) == RX_OK) {
		ok = opcode(&p) == OP_LOGOUT_RSP && p.bhs[2] == 0;
		pdu_free(&p);
	}
	ok = ok && closed_within(&c, answer_ms);
	result(ok && secs > 0, name, "asked to log out within %u s; the Logout "
	       "was %s", secs, ok ? "answered and the connection closed" :
	       "not answered");
	conn_close(&c);
}

static void case_fresh_session(void)
{
	const char *name = "fresh-session";
	struct conn c;
	char why[160];
	int ok;

	if (open_session(&c, NULL, name))
		return;
	ok = tur(&c, why, sizeof(why));
	quiet_ok = only != NULL;
	result(ok, name, "a new session after all cases: TEST UNIT READY %s%s",
	       ok ? "succeeds" : "fails: ", ok ? "" : why);
	logout(&c);
}

static void usage(void)
{
	fprintf(stderr, "usage: badpdu [-c CASE,...] [-t ANSWER_MS] [-w STALL_SECS] "
		"[-l LUN] [-n NOP_MS] [-p PID] [-v] HOST PORT TARGETNAME\n       badpdu -L  (lists the cases)\n");
	exit(2);
}

static long num_arg(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		usage();
	return v;
}

/* The cases, in order; arg selects a variant. */
static void run_bad_opcode(const char *n, int arg) { (void)n; (void)arg; case_bad_opcode(); }
static void run_dsl_mrdsl(const char *n, int arg) { (void)n; (void)arg; case_dsl_over_mrdsl(); }
static void run_dsl_edtl(const char *n, int arg) { (void)n; (void)arg; case_dsl_beyond_edtl(); }
static void run_r2t(const char *n, int arg) { (void)n; (void)arg; case_data_beyond_r2t(); }
static void run_ahs(const char *n, int arg) { (void)n; (void)arg; case_ahs_past_data(); }
static void run_total_ahs(const char *n, int arg) { (void)n; (void)arg; case_total_ahs_past_pdu(); }
static void run_hd(const char *n, int arg) { (void)n; (void)arg; case_header_digest(); }
static void run_dd(const char *n, int arg) { (void)n; (void)arg; case_data_digest(); }
static void run_cmdsn(const char *n, int arg) { cmdsn_case(n, arg); }
static void run_stalls(const char *n, int arg) { (void)n; (void)arg; case_stalls(); }

/* login cases: arg = transit | csg << 1 | nsg << 3 | keys << 5 |
 * version << 8 | detail << 16 */
#define LC(t, csg, nsg, keys, ver, det) \
	((t) | (csg) << 1 | (nsg) << 3 | (keys) << 5 | (ver) << 8 | (det) << 16)
static void run_login(const char *n, int a)
{
	login_case(n, a & 1, a >> 1 & 3, a >> 3 & 3, a >> 5 & 7, (uint8_t)(a >> 8),
		   (uint8_t)(a >> 16));
}

static void run_midway(const char *n, int arg) { login_midway_case(n, arg); }
static void run_window(const char *n, int arg) { (void)n; (void)arg; case_window(); }
static void run_text_cont(const char *n, int arg) { (void)n; (void)arg; case_text_continued(); }
static void run_reinstate(const char *n, int arg) { (void)n; (void)arg; case_conn_reinstate(); }
static void run_no_session(const char *n, int arg) { (void)n; (void)arg; case_conn_no_session(); }
static void run_second_cid(const char *n, int arg) { (void)n; (void)arg; case_conn_second_cid(); }
static void run_nop_ping(const char *n, int arg) { (void)n; (void)arg; case_nop_ping(); }
static void run_nop_dead(const char *n, int arg) { (void)n; (void)arg; case_nop_dead(); }
static void run_shutdown(const char *n, int arg) { case_shutdown_logout(n, arg); }

static const struct {
	const char *name;
	void (*run)(const char *name, int arg);
	int arg;
} cases[] = {
	{ "bad-opcode", run_bad_opcode, 0 },
	{ "dsl-over-mrdsl", run_dsl_mrdsl, 0 },
	{ "immediate-data-beyond-edtl", run_dsl_edtl, 0 },
	{ "data-out-beyond-r2t", run_r2t, 0 },
	{ "ahs-length-past-ahs", run_ahs, 0 },
	{ "total-ahs-length-past-pdu", run_total_ahs, 0 },
	{ "bad-header-digest", run_hd, 0 },
	{ "bad-data-digest", run_dd, 0 },
	{ "cmdsn-above-window", run_cmdsn, 1 },
	{ "cmdsn-below-window", run_cmdsn, 0 },
	{ "login-nsg-reserved", run_login, LC(1, 0, 2, 3, 0, 0x00) },
	{ "login-csg-full-feature", run_login, LC(1, 3, 3, 3, 0, 0x00) },
	{ "login-missing-initiatorname", run_login, LC(1, 0, 1, 2, 0, 0x07) },
	{ "login-unknown-target", run_login, LC(1, 0, 1, 7, 0, 0x03) },
	{ "login-unsupported-version", run_login, LC(1, 0, 1, 3, 2, 0x05) },
	{ "login-back-to-security-stage", run_midway, 0 },
	{ "scsi-command-during-login", run_midway, 1 },
	{ "stalls", run_stalls, 0 },
	{ "maxcmdsn-window", run_window, 0 },
	{ "text-continued", run_text_cont, 0 },
	{ "conn-reinstate", run_reinstate, 0 },
	{ "conn-reinstate-no-session", run_no_session, 0 },
	{ "conn-second-cid", run_second_cid, 0 },
	/* life-*: need a target set up for them (-n, -p), one at a time */
	{ "life-nop-ping", run_nop_ping, 0 },
	{ "life-nop-dead", run_nop_dead, 0 },
	{ "life-shutdown-logout", run_shutdown, 1 },
	{ "life-shutdown-no-logout", run_shutdown, 0 },
};


static int selected(const char *name)
{
	const char *p = only;
	size_t l = strlen(name);

	if (!only)
		return 1;
	while (p && *p) {
		if (!strncmp(p, name, l) && (p[l] == ',' || p[l] == 0))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char why[160];
	size_t i;
	int opt;

	while ((opt = getopt(argc, argv, "c:Lt:w:l:n:p:v")) != -1) {
		switch (opt) {
		case 'c':
			only = optarg;
			break;
		case 'L':
			for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
				printf("%s\n", cases[i].name);
			return 0;
		case 't':
			answer_ms = (int)num_arg(optarg, 100, 60000);
			break;
		case 'w':
			stall_secs = (int)num_arg(optarg, 1, 3600);
			break;
		case 'l':
			lun = (unsigned)num_arg(optarg, 0, 16383);
			break;
		case 'n':
			nop_ms = (int)num_arg(optarg, 10, 600000);
			break;
		case 'p':
			target_pid = (pid_t)num_arg(optarg, 2, 1L << 22);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3)
		usage();
	host = argv[optind];
	port_str = argv[optind + 1];
	target_name = argv[optind + 2];
	crc_init();
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* The life-* cases: no witness (it would not answer pings, and a
	 * stopped target takes it along). */
	if (nop_ms || target_pid) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			if (selected(cases[i].name))
				cases[i].run(cases[i].name, cases[i].arg);
		}
		printf("# %u ok, %u failed, %u skipped\n", n_ok, n_fail, n_skip);
		return n_fail ? 1 : 0;
	}
	if (open_session(&witness, NULL, "witness") == 0) {
		witness_up = tur(&witness, why, sizeof(why));
		quiet_ok = only != NULL;
		result(witness_up, "witness", "a session that must keep working throughout: %s",
		       witness_up ? "TEST UNIT READY succeeds" : why);
	}
	if (!witness_up) {
		printf("# %u ok, %u failed, %u skipped\n", n_ok, n_fail, n_skip);
		return 1;
	}

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!selected(cases[i].name))
			continue;
		if (target_gone) {
			result(0, cases[i].name, "not run: the target is gone (connection refused)");
			continue;
		}
		quiet_ok = 0;
		cases[i].run(cases[i].name, cases[i].arg);
	}

	if (witness_up) {
		int ok = tur(&witness, why, sizeof(why));

		quiet_ok = only != NULL;
		result(ok, "witness-end", "the witness session after all cases: %s",
		       ok ? "TEST UNIT READY succeeds" : why);
		logout(&witness);
	}
	case_fresh_session();
	printf("# %u ok, %u failed, %u skipped\n", n_ok, n_fail, n_skip);
	return n_fail ? 1 : 0;
}
