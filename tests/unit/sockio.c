// SPDX-License-Identifier: GPL-2.0-only
/* Bounded whole-buffer socket I/O and iSCSI text for unit tests (sockio.h). */
#include <check.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "sockio.h"

void tio_write_all(int fd, const void *buf, size_t len, int ms)
{
	const uint8_t *p = buf;

	while (len) {
		struct pollfd pfd = { fd, POLLOUT, 0 };
		ssize_t w;

		ck_assert_int_eq(poll(&pfd, 1, ms), 1);
		w = write(fd, p, len);
		ck_assert_int_gt(w, 0);
		p += w;
		len -= (size_t)w;
	}
}

int tio_read_exact(int fd, void *buf, size_t len, int ms)
{
	uint8_t *p = buf;

	while (len) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t r;

		ck_assert_int_eq(poll(&pfd, 1, ms), 1);
		r = read(fd, p, len);
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

uint32_t tio_keys(char *out, size_t cap, const char *text)
{
	size_t n = strlen(text);

	ck_assert_uint_lt(n, cap);
	memcpy(out, text, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (out[i] == '|')
			out[i] = '\0';
	}
	return (uint32_t)n + 1;
}
