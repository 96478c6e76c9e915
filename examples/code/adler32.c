// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * adler32.c - print the Adler-32 checksum of standard input.
 *
 * Copyright (C) 2023 Example Systems GmbH
 *
 * This program is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or
 * (at your option) any later version.
 */

#include <stdint.h>
#include <stdio.h>

#define MOD_ADLER 65521u

static uint32_t adler32_update(uint32_t adler, const unsigned char *buf, size_t len)
{
	uint32_t a = adler & 0xffffu;
	uint32_t b = (adler >> 16) & 0xffffu;

	for (size_t i = 0; i < len; i++) {
		a = (a + buf[i]) % MOD_ADLER;
		b = (b + a) % MOD_ADLER;
	}
	return (b << 16) | a;
}

int main(void)
{
	unsigned char buf[4096];
	uint32_t adler = 1;
	size_t n;

	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		adler = adler32_update(adler, buf, n);
	printf("%08x\n", (unsigned)adler);
	return 0;
}
