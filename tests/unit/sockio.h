/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Socket I/O for unit tests that play the peer of a connection: whole
 * buffers, every wait bounded (a Check assertion fails on a timeout, so a
 * stuck target fails the test instead of hanging it).
 */
#ifndef TGT_TESTS_SOCKIO_H
#define TGT_TESTS_SOCKIO_H

#include <stddef.h>
#include <stdint.h>

/* Writes all @len bytes of @buf to @fd; each wait for room <= @ms. */
void tio_write_all(int fd, const void *buf, size_t len, int ms);
/* Reads exactly @len bytes; each wait <= @ms.  0, or -1 on EOF/error. */
int tio_read_exact(int fd, void *buf, size_t len, int ms);
/* iSCSI text "k=v\0k=v\0" into @out (@cap bytes) from "k=v|k=v";
 * returns its length with the last NUL. */
uint32_t tio_keys(char *out, size_t cap, const char *text);

#endif
