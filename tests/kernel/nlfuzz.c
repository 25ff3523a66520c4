// SPDX-License-Identifier: GPL-2.0-only
/*
 * nlfuzz: hostile and malformed input for the scsi_tgt generic netlink
 * family (include/scsi_tgt_nl.h), run in the kernel test guest.
 *
 *   nlfuzz probe            while tgtd is registered and serving
 *   nlfuzz takeover [SECS]  while tgtd is gone: register, answer the
 *                           replayed nexuses, forge responses with real
 *                           registration, serve the commands that arrive
 *                           (with bad buffer addresses first) for at most
 *                           SECS (default 30), then close the socket
 *
 * Every probe prints one line, "nlfuzz: NAME: -EXXX (message) ok" or
 * "... BAD (wanted ...)", and the exit status is the number of bad probes
 * (at most 100).  "probe" covers: truncated and over-long headers, bad
 * attribute headers, types and lengths, oversized CDB/sense/initiator,
 * unknown and kernel-only commands, forged responses from a socket that
 * is not registered (-EPERM or -ENOENT), a second REGISTER (-EBUSY), and
 * the same requests without CAP_NET_ADMIN (-EPERM, in a child that drops
 * to uid 65534).  "takeover" covers, as the registered socket: a wrong
 * ABI (-EPROTO), a second socket (-EBUSY, -EPERM), unknown host/nexus/
 * tag/mid (-ENOENT), replays, a nexus answer naming another initiator,
 * and on live commands: bad buffer addresses (-EFAULT, for data-in via
 * CMD_DONE), transfers past DATA_LEN, the wrong direction, a bad status
 * (-EINVAL, after which the command is still answerable), a second
 * answer for one tag (-ENOENT).  No raw netlink library: plain sockets, so the probes can
 * build what libnl would refuse to.
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scsi_tgt_nl.h"

#define BUFSZ		16384
#define NO_REPLY	1		/* nl_request(): nothing came back */
#define SAM_GOOD	0x00
#define SAM_CHECK	0x02

struct msg {
	union {
		struct nlmsghdr nlh;
		char raw[BUFSZ];
	} u;
};

struct event {
	uint8_t cmd;
	uint32_t host;
	uint64_t itn, tag, mid;
	uint32_t function, data_len;
	int32_t result;
	uint8_t dir;
	uint8_t cdb[SCSI_TGT_CDB_MAX];
	unsigned cdb_len;
	bool has_tag;
};

#define EVQ_MAX 256
static struct event evq[EVQ_MAX];
static unsigned evq_len;
static uint16_t family;
/* Request sequence numbers start far from any the kernel may give its
 * events, so an event is never taken for a reply. */
static uint32_t seq_no = 0x40000000u;
static int bad;

/* ---- message building ---- */

static void msg_init(struct msg *m, uint16_t type, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m->u.raw, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->u.nlh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->u.nlh.nlmsg_type = type;
	m->u.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = (struct genlmsghdr *)(m->u.raw + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = SCSI_TGT_GENL_VERSION;
}

/* put_raw: an attribute whose header claims @claim bytes of payload while
 * @len are really appended (claim == len for a well-formed one). */
static void put_raw(struct msg *m, uint16_t type, const void *data,
		    size_t len, size_t claim)
{
	struct nlattr *a = (struct nlattr *)(m->u.raw + m->u.nlh.nlmsg_len);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->u.nlh.nlmsg_len + total > BUFSZ) {
		fprintf(stderr, "nlfuzz: message buffer too small\n");
		exit(100);
	}
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + claim);
	memset((char *)a + NLA_HDRLEN, 0, total - NLA_HDRLEN);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->u.nlh.nlmsg_len += (uint32_t)total;
}

static void put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	put_raw(m, type, data, len, len);
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, 1);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, 4);
}

static void put_u64(struct msg *m, uint16_t type, uint64_t v)
{
	put(m, type, &v, 8);
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

/* ---- socket ---- */

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 3 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0) {
		fprintf(stderr, "nlfuzz: socket: %s\n", strerror(errno));
		exit(100);
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		fprintf(stderr, "nlfuzz: bind: %s\n", strerror(errno));
		exit(100);
	}
	return fd;
}

static void parse_event(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const char *p = (const char *)g + GENL_HDRLEN;
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	struct event *e;

	if (evq_len == EVQ_MAX) {
		fprintf(stderr, "nlfuzz: event queue full, dropping one\n");
		return;
	}
	e = &evq[evq_len++];
	memset(e, 0, sizeof(*e));
	e->cmd = g->cmd;
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;
		const void *d = p + NLA_HDRLEN;
		size_t len;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		len = a->nla_len - NLA_HDRLEN;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case TGT_ATTR_HOST_NO:
			if (len >= 4)
				memcpy(&e->host, d, 4);
			break;
		case TGT_ATTR_ITN_ID:
			if (len >= 8)
				memcpy(&e->itn, d, 8);
			break;
		case TGT_ATTR_TAG:
			if (len >= 8) {
				memcpy(&e->tag, d, 8);
				e->has_tag = true;
			}
			break;
		case TGT_ATTR_MID:
			if (len >= 8)
				memcpy(&e->mid, d, 8);
			break;
		case TGT_ATTR_FUNCTION:
			if (len >= 4)
				memcpy(&e->function, d, 4);
			break;
		case TGT_ATTR_DATA_LEN:
			if (len >= 4)
				memcpy(&e->data_len, d, 4);
			break;
		case TGT_ATTR_RESULT:
			if (len >= 4)
				memcpy(&e->result, d, 4);
			break;
		case TGT_ATTR_DATA_DIR:
			if (len >= 1)
				memcpy(&e->dir, d, 1);
			break;
		case TGT_ATTR_CDB:
			e->cdb_len = len < sizeof(e->cdb) ? (unsigned)len :
				     (unsigned)sizeof(e->cdb);
			memcpy(e->cdb, d, e->cdb_len);
			break;
		default:
			break;
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Reads until the ACK/error of @seq: returns its error (0 or -errno), or
 * NO_REPLY after the receive time-out.  Kernel events (and the reply of a
 * request) that arrive meanwhile are queued, or dropped when @keep is
 * false.  @reply, when given, receives the reply message of @seq.
 */
static int nl_wait(int fd, uint32_t seq, bool keep, struct msg *reply)
{
	static char buf[65536];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return NO_REPLY;
			return -errno;
		}
		left = (size_t)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(nlh);

				if (nlh->nlmsg_seq == seq)
					return err->error;
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_NOOP)
				continue;
			if (seq && nlh->nlmsg_seq == seq) {
				if (reply && nlh->nlmsg_len <= BUFSZ)
					memcpy(reply->u.raw, nlh,
					       nlh->nlmsg_len);
				continue;
			}
			if (keep && nlh->nlmsg_type == family)
				parse_event(nlh);
		}
	}
}

/* Sends @len bytes of @m (its nlmsg_len unless @len) and waits. */
static int nl_send_len(int fd, struct msg *m, size_t len, bool keep,
		       struct msg *reply)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint32_t seq = seq_no++;

	m->u.nlh.nlmsg_seq = seq;
	if (!len)
		len = m->u.nlh.nlmsg_len;
	if (sendto(fd, m->u.raw, len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return nl_wait(fd, seq, keep, reply);
}

static int nl_send(int fd, struct msg *m)
{
	return nl_send_len(fd, m, 0, true, NULL);
}

static uint16_t resolve_family(int fd)
{
	struct msg m, reply;
	const char *p, *end;
	int ret;

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	((struct genlmsghdr *)NLMSG_DATA(&m.u.nlh))->version = 1;
	put_str(&m, CTRL_ATTR_FAMILY_NAME, SCSI_TGT_GENL_NAME);
	memset(&reply, 0, sizeof(reply));
	ret = nl_send_len(fd, &m, 0, false, &reply);
	if (ret) {
		fprintf(stderr, "nlfuzz: family %s: %s\n", SCSI_TGT_GENL_NAME,
			ret == NO_REPLY ? "no reply" : strerror(-ret));
		exit(100);
	}
	p = reply.u.raw + NLMSG_HDRLEN + GENL_HDRLEN;
	end = reply.u.raw + reply.u.nlh.nlmsg_len;
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;
		uint16_t id;

		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID &&
		    a->nla_len >= NLA_HDRLEN + 2) {
			memcpy(&id, p + NLA_HDRLEN, 2);
			return id;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	fprintf(stderr, "nlfuzz: no family id in the reply\n");
	exit(100);
}

/* ---- verdicts ---- */

enum want {
	W_ANY_ERR,	/* any -errno */
	W_ERR_OR_DROP,	/* any -errno, or silently dropped */
	W_ZERO,		/* success */
	W_ANYTHING,	/* informational */
};

static const char *errname(int e)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINVAL, "EINVAL" },
		{ ERANGE, "ERANGE" }, { EBUSY, "EBUSY" }, { EPROTO, "EPROTO" },
		{ EFAULT, "EFAULT" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EMSGSIZE, "EMSGSIZE" }, { ENOTCONN, "ENOTCONN" },
		{ EALREADY, "EALREADY" }, { EEXIST, "EEXIST" },
		{ ENOMEM, "ENOMEM" }, { EBADMSG, "EBADMSG" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	return "E?";
}

/*
 * report: @ret is the kernel's answer; @want the acceptable class; @e1/@e2
 * (when non-zero) the only acceptable errnos.
 */
static bool report(const char *name, int ret, enum want want, int e1, int e2)
{
	bool good;
	char got[96];

	if (ret == NO_REPLY)
		snprintf(got, sizeof(got), "no reply (dropped)");
	else if (ret == 0)
		snprintf(got, sizeof(got), "0 (accepted)");
	else
		snprintf(got, sizeof(got), "-%s (%s)", errname(-ret),
			 strerror(-ret));

	switch (want) {
	case W_ZERO:
		good = ret == 0;
		break;
	case W_ANYTHING:
		good = true;
		break;
	case W_ERR_OR_DROP:
		good = ret < 0 || ret == NO_REPLY;
		break;
	default:
		good = ret < 0;
		break;
	}
	if (good && ret < 0 && e1)
		good = -ret == e1 || (e2 && -ret == e2);
	printf("nlfuzz: %-52s %s %s", name, got, good ? "ok" : "BAD");
	if (!good) {
		if (e1)
			printf(" (wanted -%s%s%s)", errname(e1),
			       e2 ? " or -" : "", e2 ? errname(e2) : "");
		else if (want == W_ZERO)
			printf(" (wanted success)");
		else
			printf(" (wanted an error)");
		bad++;
	}
	printf("\n");
	fflush(stdout);
	return good;
}

/* ---- message shapes ---- */

static void cmd_rsp(struct msg *m, uint32_t host, uint64_t itn, uint64_t tag,
		    int32_t result)
{
	msg_init(m, family, TGT_UEVENT_CMD_RSP);
	put_u32(m, TGT_ATTR_HOST_NO, host);
	put_u64(m, TGT_ATTR_ITN_ID, itn);
	put_u64(m, TGT_ATTR_TAG, tag);
	put_u32(m, TGT_ATTR_RESULT, (uint32_t)result);
}

static void cmd_xfer(struct msg *m, uint32_t host, uint64_t itn, uint64_t tag,
		     uint64_t uaddr, uint32_t len)
{
	msg_init(m, family, TGT_UEVENT_CMD_XFER);
	put_u32(m, TGT_ATTR_HOST_NO, host);
	put_u64(m, TGT_ATTR_ITN_ID, itn);
	put_u64(m, TGT_ATTR_TAG, tag);
	put_u64(m, TGT_ATTR_UADDR, uaddr);
	put_u32(m, TGT_ATTR_XFER_LEN, len);
}

static void nexus_rsp(struct msg *m, uint32_t host, uint64_t itn,
		      uint32_t fn, int32_t result)
{
	msg_init(m, family, TGT_UEVENT_IT_NEXUS_RSP);
	put_u32(m, TGT_ATTR_HOST_NO, host);
	put_u64(m, TGT_ATTR_ITN_ID, itn);
	put_u32(m, TGT_ATTR_FUNCTION, fn);
	put_u32(m, TGT_ATTR_RESULT, (uint32_t)result);
}

static void tmf_rsp(struct msg *m, uint32_t host, uint64_t itn, uint64_t mid,
		    int32_t result)
{
	msg_init(m, family, TGT_UEVENT_TSK_MGMT_RSP);
	put_u32(m, TGT_ATTR_HOST_NO, host);
	put_u64(m, TGT_ATTR_ITN_ID, itn);
	put_u64(m, TGT_ATTR_MID, mid);
	put_u32(m, TGT_ATTR_RESULT, (uint32_t)result);
}

static void reg(struct msg *m, uint32_t abi)
{
	msg_init(m, family, TGT_UEVENT_REGISTER);
	put_u32(m, TGT_ATTR_ABI_VERSION, abi);
}

#define FAKE_HOST	0x7fff0000u
#define FAKE_ITN	0xdead0000beefULL
#define FAKE_TAG	0xfeedface00000001ULL
#define FAKE_MID	0xbad0000000000001ULL

/* The forged responses, sent from @fd with host @host / nexus @itn. */
static void forged(int fd, uint32_t host, uint64_t itn, int e1, int e2,
		   const char *who)
{
	static char big[4096];
	struct msg m;
	char name[96];

	cmd_rsp(&m, FAKE_HOST, itn, FAKE_TAG, SAM_GOOD);
	snprintf(name, sizeof(name), "%s CMD_RSP unknown host", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, e1, e2);
	cmd_rsp(&m, host, FAKE_ITN, FAKE_TAG, SAM_GOOD);
	snprintf(name, sizeof(name), "%s CMD_RSP unknown itn_id", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, e1, e2);
	cmd_rsp(&m, host, itn, FAKE_TAG, SAM_GOOD);
	snprintf(name, sizeof(name), "%s CMD_RSP tag never issued", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, e1, e2);
	cmd_rsp(&m, host, itn, FAKE_TAG, SAM_GOOD);
	put_u64(&m, TGT_ATTR_UADDR, (uint64_t)(uintptr_t)big);
	put_u32(&m, TGT_ATTR_XFER_LEN, sizeof(big));
	snprintf(name, sizeof(name), "%s CMD_RSP+data tag never issued", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, e1, e2);
	cmd_xfer(&m, host, itn, FAKE_TAG, (uint64_t)(uintptr_t)big,
		 sizeof(big));
	snprintf(name, sizeof(name), "%s CMD_XFER tag never issued", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, e1, e2);
	cmd_xfer(&m, host, itn, FAKE_TAG, 0x10, 512);
	snprintf(name, sizeof(name), "%s CMD_XFER bad address, no tag", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, 0, 0);
	tmf_rsp(&m, host, itn, FAKE_MID, TGT_TMF_RSP_COMPLETE);
	snprintf(name, sizeof(name), "%s TSK_MGMT_RSP unknown mid", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, e1, e2);
	tmf_rsp(&m, FAKE_HOST, itn, FAKE_MID, TGT_TMF_RSP_COMPLETE);
	snprintf(name, sizeof(name), "%s TSK_MGMT_RSP unknown host", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, e1, e2);
	nexus_rsp(&m, host, FAKE_ITN, TGT_NEXUS_CREATE, 0);
	snprintf(name, sizeof(name), "%s IT_NEXUS_RSP unknown itn_id", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, e1, e2);
	nexus_rsp(&m, FAKE_HOST, itn, TGT_NEXUS_CREATE, 0);
	snprintf(name, sizeof(name), "%s IT_NEXUS_RSP unknown host", who);
	report(name, nl_send(fd, &m), W_ANY_ERR, e1, e2);
}

/* Malformed messages: refused whoever sends them. */
static void malformed(int fd)
{
	static char big[4096];
	struct msg m;
	uint32_t u32 = 0;

	/* nlmsg_len covers only 2 bytes of the 4-byte genl header. */
	msg_init(&m, family, TGT_UEVENT_CMD_RSP);
	m.u.nlh.nlmsg_len = NLMSG_HDRLEN + 2;
	report("truncated genl header", nl_send(fd, &m), W_ERR_OR_DROP, 0, 0);

	/* nlmsg_len claims more than the datagram holds. */
	cmd_rsp(&m, 0, 1, 1, SAM_GOOD);
	report("nlmsg_len beyond the datagram",
	       nl_send_len(fd, &m, NLMSG_HDRLEN + GENL_HDRLEN + 4, true, NULL),
	       W_ERR_OR_DROP, 0, 0);

	/* An attribute cut in half by nlmsg_len. */
	cmd_rsp(&m, 0, 1, 1, SAM_GOOD);
	m.u.nlh.nlmsg_len -= 6;
	report("truncated attribute", nl_send(fd, &m), W_ERR_OR_DROP, 0, 0);

	msg_init(&m, family, 0x55);
	put_u32(&m, TGT_ATTR_HOST_NO, 0);
	report("unknown command 0x55", nl_send(fd, &m), W_ANY_ERR, 0, 0);
	msg_init(&m, family, TGT_CMD_UNSPEC);
	report("command 0 (UNSPEC)", nl_send(fd, &m), W_ANY_ERR, 0, 0);
	msg_init(&m, family, TGT_KEVENT_CMD_REQ);
	put_u32(&m, TGT_ATTR_HOST_NO, 0);
	report("kernel-to-user CMD_REQ sent to the kernel", nl_send(fd, &m),
	       W_ANY_ERR, 0, 0);
	msg_init(&m, family, TGT_KEVENT_IT_NEXUS_REQ);
	report("kernel-to-user IT_NEXUS_REQ sent to the kernel",
	       nl_send(fd, &m), W_ANY_ERR, 0, 0);

	msg_init(&m, family, TGT_UEVENT_CMD_RSP);
	put_u8(&m, TGT_ATTR_HOST_NO, 0);
	put_u64(&m, TGT_ATTR_ITN_ID, 1);
	put_u64(&m, TGT_ATTR_TAG, 1);
	put_u32(&m, TGT_ATTR_RESULT, 0);
	report("CMD_RSP: HOST_NO as u8", nl_send(fd, &m), W_ANY_ERR, 0, 0);

	msg_init(&m, family, TGT_UEVENT_CMD_RSP);
	put_u32(&m, TGT_ATTR_HOST_NO, 0);
	put_u64(&m, TGT_ATTR_ITN_ID, 1);
	put_u32(&m, TGT_ATTR_TAG, 1);
	put_u32(&m, TGT_ATTR_RESULT, 0);
	report("CMD_RSP: TAG as u32", nl_send(fd, &m), W_ANY_ERR, 0, 0);

	msg_init(&m, family, TGT_UEVENT_CMD_RSP);
	put(&m, TGT_ATTR_HOST_NO, NULL, 0);
	put_u64(&m, TGT_ATTR_ITN_ID, 1);
	put_u64(&m, TGT_ATTR_TAG, 1);
	put_u32(&m, TGT_ATTR_RESULT, 0);
	report("CMD_RSP: empty HOST_NO", nl_send(fd, &m), W_ANY_ERR, 0, 0);

	cmd_rsp(&m, 0, 1, 1, SAM_CHECK);
	put(&m, TGT_ATTR_SENSE, big, SCSI_TGT_SENSE_MAX + 1);
	report("CMD_RSP: sense of SENSE_MAX+1 bytes", nl_send(fd, &m),
	       W_ANY_ERR, 0, 0);
	cmd_rsp(&m, 0, 1, 1, SAM_CHECK);
	put(&m, TGT_ATTR_SENSE, big, sizeof(big));
	report("CMD_RSP: sense of 4096 bytes", nl_send(fd, &m), W_ANY_ERR,
	       0, 0);
	cmd_rsp(&m, 0, 1, 1, SAM_GOOD);
	put(&m, TGT_ATTR_CDB, big, SCSI_TGT_CDB_MAX + 1);
	report("CMD_RSP: CDB of CDB_MAX+1 bytes", nl_send(fd, &m), W_ANY_ERR,
	       0, 0);
	cmd_rsp(&m, 0, 1, 1, SAM_GOOD);
	put_u32(&m, TGT_ATTR_XFER_LEN, SCSI_TGT_XFER_MAX + 1);
	put_u64(&m, TGT_ATTR_UADDR, (uint64_t)(uintptr_t)big);
	report("CMD_RSP: data-in longer than XFER_MAX", nl_send(fd, &m),
	       W_ANY_ERR, 0, 0);

	nexus_rsp(&m, 0, 1, TGT_NEXUS_CREATE, 0);
	memset(big, 'A', 300);
	big[300] = 0;
	put(&m, TGT_ATTR_INITIATOR, big, 301);
	report("IT_NEXUS_RSP: initiator of 300 bytes", nl_send(fd, &m),
	       W_ANY_ERR, 0, 0);
	nexus_rsp(&m, 0, 1, TGT_NEXUS_CREATE, 0);
	put(&m, TGT_ATTR_INITIATOR, big, 16);	/* no NUL */
	report("IT_NEXUS_RSP: initiator without NUL", nl_send(fd, &m),
	       W_ANY_ERR, 0, 0);
	memset(big, 0, sizeof(big));
	nexus_rsp(&m, 0, 1, 77, 0);
	report("IT_NEXUS_RSP: unknown function 77", nl_send(fd, &m),
	       W_ANY_ERR, 0, 0);

	cmd_rsp(&m, 0, 1, 1, SAM_GOOD);
	put_u32(&m, 200, 0);
	report("CMD_RSP: unknown attribute type 200", nl_send(fd, &m),
	       W_ANY_ERR, 0, 0);
	cmd_rsp(&m, 0, 1, 1, SAM_GOOD);
	put_raw(&m, TGT_ATTR_RESULT, &u32, 4, 200);	/* nla_len too big */
	report("CMD_RSP: attribute longer than the message", nl_send(fd, &m),
	       W_ANY_ERR, 0, 0);

	msg_init(&m, family, TGT_UEVENT_CMD_RSP);
	put_u32(&m, TGT_ATTR_HOST_NO, 0);
	report("CMD_RSP: only HOST_NO", nl_send(fd, &m), W_ANY_ERR, 0, 0);
	msg_init(&m, family, TGT_UEVENT_CMD_XFER);
	report("CMD_XFER: no attributes", nl_send(fd, &m), W_ANY_ERR, 0, 0);
	msg_init(&m, family, TGT_UEVENT_TSK_MGMT_RSP);
	put_u32(&m, TGT_ATTR_HOST_NO, 0);
	put_u64(&m, TGT_ATTR_ITN_ID, 1);
	report("TSK_MGMT_RSP: no MID/RESULT", nl_send(fd, &m), W_ANY_ERR,
	       0, 0);
	msg_init(&m, family, TGT_UEVENT_REGISTER);
	report("REGISTER: no ABI_VERSION", nl_send(fd, &m), W_ANY_ERR, 0, 0);
}

/* The requests of an unprivileged process: all -EPERM. */
static int unprivileged(void)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "nlfuzz: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		struct msg m;
		int fd;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534)) {
			fprintf(stderr, "nlfuzz: dropping privileges: %s\n",
				strerror(errno));
			_exit(100);
		}
		bad = 0;
		fd = nl_open();
		reg(&m, SCSI_TGT_ABI_VERSION);
		report("uid 65534: REGISTER", nl_send(fd, &m), W_ANY_ERR,
		       EPERM, 0);
		msg_init(&m, family, TGT_UEVENT_NEXUS_REPLAY);
		report("uid 65534: NEXUS_REPLAY", nl_send(fd, &m), W_ANY_ERR,
		       EPERM, 0);
		cmd_rsp(&m, 0, 1, 1, SAM_GOOD);
		report("uid 65534: CMD_RSP", nl_send(fd, &m), W_ANY_ERR,
		       EPERM, 0);
		cmd_xfer(&m, 0, 1, 1, 0x10, 512);
		report("uid 65534: CMD_XFER", nl_send(fd, &m), W_ANY_ERR,
		       EPERM, 0);
		nexus_rsp(&m, 0, 1, TGT_NEXUS_CREATE, 0);
		report("uid 65534: IT_NEXUS_RSP", nl_send(fd, &m), W_ANY_ERR,
		       EPERM, 0);
		tmf_rsp(&m, 0, 1, 1, 0);
		report("uid 65534: TSK_MGMT_RSP", nl_send(fd, &m), W_ANY_ERR,
		       EPERM, 0);
		msg_init(&m, family, 0x55);
		report("uid 65534: unknown command", nl_send(fd, &m),
		       W_ANY_ERR, 0, 0);
		fflush(stdout);
		_exit(bad > 100 ? 100 : bad);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

static int probe(void)
{
	int fd = nl_open();
	struct msg m;

	family = resolve_family(fd);
	printf("nlfuzz: family %s id %u\n", SCSI_TGT_GENL_NAME, family);
	malformed(fd);
	forged(fd, 0, 1, EPERM, ENOENT, "unregistered:");
	reg(&m, SCSI_TGT_ABI_VERSION);
	report("REGISTER while tgtd is registered", nl_send(fd, &m),
	       W_ANY_ERR, EBUSY, 0);
	reg(&m, SCSI_TGT_ABI_VERSION + 98);
	report("REGISTER, wrong ABI, while tgtd is registered",
	       nl_send(fd, &m), W_ANY_ERR, EBUSY, EPROTO);
	close(fd);
	bad += unprivileged();
	return bad;
}

/* ---- takeover: a minimal target serving what arrives ---- */

/* Queues every event already received, without blocking. */
static void drain(int fd)
{
	static char buf[65536];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *nlh;
		size_t left;

		if (n <= 0)
			return;
		left = (size_t)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left))
			if (nlh->nlmsg_type == family)
				parse_event(nlh);
	}
}

static double mono(void);

static struct event *next_event(int fd, double deadline)
{
	static struct event cur;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (evq_len) {
			cur = evq[0];
			memmove(evq, evq + 1, --evq_len * sizeof(evq[0]));
			return &cur;
		}
		if (mono() >= deadline)
			return NULL;
		if (poll(&p, 1, 200) > 0)
			drain(fd);
	}
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Waits (at most 3 s) for the CMD_DONE of @tag and takes it out of the
 * queue: returns its RESULT, or NO_REPLY.
 */
static int wait_cmd_done(int fd, uint64_t tag)
{
	double deadline = mono() + 3;

	do {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		for (unsigned i = 0; i < evq_len; i++) {
			int32_t result = evq[i].result;

			if (evq[i].cmd != TGT_KEVENT_CMD_DONE ||
			    evq[i].tag != tag)
				continue;
			memmove(evq + i, evq + i + 1,
				(--evq_len - i) * sizeof(evq[0]));
			return result;
		}
		if (poll(&p, 1, 100) > 0)
			drain(fd);
	} while (mono() < deadline);
	return NO_REPLY;
}

static int takeover(unsigned secs)
{
	static char buf[SCSI_TGT_XFER_MAX];
	int fd = nl_open(), fd2, ret;
	bool read_probed = false, write_probed = false, forged_done = false;
	unsigned served = 0, nexuses = 0;
	double deadline = mono() + secs;
	struct event *e;
	struct msg m;

	family = resolve_family(fd);
	printf("nlfuzz: family %s id %u\n", SCSI_TGT_GENL_NAME, family);
	reg(&m, SCSI_TGT_ABI_VERSION + 98);
	report("REGISTER with a wrong ABI version", nl_send(fd, &m),
	       W_ANY_ERR, EPROTO, 0);
	reg(&m, SCSI_TGT_ABI_VERSION);
	if (!report("REGISTER (tgtd gone)", nl_send(fd, &m), W_ZERO, 0, 0))
		return bad;
	fd2 = nl_open();
	reg(&m, SCSI_TGT_ABI_VERSION);
	report("second socket: REGISTER", nl_send(fd2, &m), W_ANY_ERR,
	       EBUSY, 0);
	forged(fd2, 0, 1, EPERM, ENOENT, "second socket:");
	close(fd2);

	while ((e = next_event(fd, deadline))) {
		switch (e->cmd) {
		case TGT_KEVENT_IT_NEXUS_REQ:
			if (!forged_done && e->function == TGT_NEXUS_CREATE) {
				nexus_rsp(&m, e->host, e->itn, e->function, 0);
				put_str(&m, TGT_ATTR_INITIATOR,
					"iqn.2026-11.local:not-this-one");
				report("registered: IT_NEXUS_RSP, other initiator",
				       nl_send(fd, &m), W_ANY_ERR, 0, 0);
			}
			nexus_rsp(&m, e->host, e->itn, e->function, 0);
			ret = nl_send(fd, &m);
			printf("nlfuzz: nexus host %u itn %" PRIu64
			       " function %u: answered, %d\n", e->host, e->itn,
			       e->function, ret);
			if (e->function == TGT_NEXUS_CREATE)
				nexuses++;
			if (!forged_done) {
				forged(fd, e->host, e->itn, ENOENT, 0,
				       "registered:");
				msg_init(&m, family, TGT_UEVENT_NEXUS_REPLAY);
				put_u32(&m, TGT_ATTR_HOST_NO, FAKE_HOST);
				report("registered: NEXUS_REPLAY unknown host",
				       nl_send(fd, &m), W_ANY_ERR, ENOENT, 0);
				/* Both replay the nexus once more: answered
				 * by this loop. */
				msg_init(&m, family, TGT_UEVENT_NEXUS_REPLAY);
				report("registered: NEXUS_REPLAY (all hosts)",
				       nl_send(fd, &m), W_ZERO, 0, 0);
				reg(&m, SCSI_TGT_ABI_VERSION);
				report("registered: REGISTER again",
				       nl_send(fd, &m), W_ZERO, 0, 0);
				forged_done = true;
			}
			break;
		case TGT_KEVENT_TSK_MGMT_REQ:
			tmf_rsp(&m, e->host, e->itn, e->mid,
				TGT_TMF_RSP_COMPLETE);
			nl_send(fd, &m);
			break;
		case TGT_KEVENT_CMD_REQ: {
			uint32_t len = e->data_len;

			if (len > sizeof(buf))
				len = sizeof(buf);
			if (e->dir == TGT_DIR_WRITE && len && !write_probed) {
				/* Refused requests leave the command to be
				 * answered again (the good answer below). */
				cmd_rsp(&m, e->host, e->itn, e->tag, SAM_GOOD);
				put_u64(&m, TGT_ATTR_UADDR,
					(uint64_t)(uintptr_t)buf);
				put_u32(&m, TGT_ATTR_XFER_LEN, len);
				report("registered: CMD_RSP data-in for a WRITE",
				       nl_send(fd, &m), W_ANY_ERR, EINVAL, 0);
				cmd_rsp(&m, e->host, e->itn, e->tag, 300);
				report("registered: CMD_RSP status 300",
				       nl_send(fd, &m), W_ANY_ERR, EINVAL, 0);
				cmd_xfer(&m, e->host, e->itn, e->tag, 0x10, len);
				report("registered: CMD_XFER to address 0x10",
				       nl_send(fd, &m), W_ANY_ERR, EFAULT, 0);
				cmd_xfer(&m, e->host, e->itn, e->tag,
					 0xffffffff81000000ULL, len);
				report("registered: CMD_XFER to a kernel address",
				       nl_send(fd, &m), W_ANY_ERR, EFAULT, 0);
				cmd_xfer(&m, e->host, e->itn, e->tag,
					 (uint64_t)(uintptr_t)buf,
					 e->data_len + 512);
				report("registered: CMD_XFER past DATA_LEN",
				       nl_send(fd, &m), W_ANY_ERR, 0, 0);
				write_probed = true;
			}
			if (e->dir == TGT_DIR_WRITE && len) {
				cmd_xfer(&m, e->host, e->itn, e->tag,
					 (uint64_t)(uintptr_t)buf, len);
				ret = nl_send(fd, &m);
				if (ret == -ENOENT) {	/* failed by the kernel */
					printf("nlfuzz: tag %" PRIx64
					       " gone after the bad transfer\n",
					       e->tag);
					break;
				}
				report("registered: CMD_XFER (good buffer)",
				       ret, W_ZERO, 0, 0);
			}
			if (e->dir == TGT_DIR_READ && len && !read_probed) {
				cmd_xfer(&m, e->host, e->itn, e->tag,
					 (uint64_t)(uintptr_t)buf, len);
				report("registered: CMD_XFER for a READ",
				       nl_send(fd, &m), W_ANY_ERR, EINVAL, 0);
				cmd_rsp(&m, e->host, e->itn, e->tag, SAM_GOOD);
				put_u64(&m, TGT_ATTR_UADDR,
					(uint64_t)(uintptr_t)buf);
				put_u32(&m, TGT_ATTR_XFER_LEN, e->data_len + 512);
				report("registered: CMD_RSP data-in past DATA_LEN",
				       nl_send(fd, &m), W_ANY_ERR, EINVAL, 0);
				/* Refused at once, or accepted with the
				 * command failed and -EFAULT in CMD_DONE. */
				cmd_rsp(&m, e->host, e->itn, e->tag, SAM_GOOD);
				put_u64(&m, TGT_ATTR_UADDR, 0x10);
				put_u32(&m, TGT_ATTR_XFER_LEN, len);
				ret = nl_send(fd, &m);
				read_probed = true;
				if (ret) {
					report("registered: CMD_RSP data-in from 0x10",
					       ret, W_ANY_ERR, EFAULT, 0);
				} else {
					report("registered: CMD_RSP data-in from 0x10 (CMD_DONE)",
					       wait_cmd_done(fd, e->tag),
					       W_ANY_ERR, EFAULT, 0);
					break;	/* the command is over */
				}
			}
			memset(buf, 0, len);
			cmd_rsp(&m, e->host, e->itn, e->tag, SAM_GOOD);
			if (e->dir == TGT_DIR_READ && len) {
				put_u64(&m, TGT_ATTR_UADDR,
					(uint64_t)(uintptr_t)buf);
				put_u32(&m, TGT_ATTR_XFER_LEN, len);
			}
			ret = nl_send(fd, &m);
			if (ret && ret != -ENOENT)
				report("registered: CMD_RSP (good)", ret,
				       W_ZERO, 0, 0);
			if (!ret)
				served++;
			/* Tags are never reused: a second answer is
			 * refused. */
			if (!ret && served == 1) {
				cmd_rsp(&m, e->host, e->itn, e->tag, SAM_GOOD);
				report("registered: CMD_RSP twice for one tag",
				       nl_send(fd, &m), W_ANY_ERR, ENOENT, 0);
			}
			break;
		}
		default:
			break;
		}
		if (read_probed && write_probed && served >= 1)
			break;
	}
	printf("nlfuzz: takeover: %u nexus(es) answered, %u command(s) "
	       "served, read probe %s, write probe %s\n", nexuses, served,
	       read_probed ? "done" : "NOT DONE",
	       write_probed ? "done" : "NOT DONE");
	if (!nexuses || !read_probed || !write_probed)
		bad++;
	close(fd);
	return bad;
}

int main(int argc, char **argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "probe")) {
		ret = probe();
	} else if (argc >= 2 && !strcmp(argv[1], "takeover")) {
		unsigned long secs = 30;

		if (argc == 3) {
			char *end;

			errno = 0;
			secs = strtoul(argv[2], &end, 10);
			if (errno || *end || !secs || secs > 600) {
				fprintf(stderr, "nlfuzz: bad SECS\n");
				return 100;
			}
		}
		ret = takeover((unsigned)secs);
	} else {
		fprintf(stderr, "usage: nlfuzz probe | nlfuzz takeover [SECS]\n");
		return 100;
	}
	printf("nlfuzz: %d bad\n", ret);
	return ret > 100 ? 100 : ret;
}
