/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user buffers iouring_hold and odirect_io hand to the kernel, by kind:
 * THP (2 MiB aligned, MADV_HUGEPAGE), small (MADV_NOHUGEPAGE) or hugetlb
 * (MAP_HUGETLB, 2 MiB pages).  Every page is written before use, so the
 * folios exist before the kernel pins them.
 */
#ifndef PINSTAT_BUFFER_KIND_H
#define PINSTAT_BUFFER_KIND_H

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BUF_HUGE_SIZE	(2UL << 20)

enum buf_kind { BUF_SMALL, BUF_THP, BUF_HUGETLB, BUF_KINDS };

static const char * const buf_kind_name[] = {
	[BUF_SMALL] = "small",
	[BUF_THP] = "thp",
	[BUF_HUGETLB] = "hugetlb",
};

/* "--thp" and so on: the kind, or -1. */
static inline int buf_kind_parse(const char *arg)
{
	int k;

	if (strncmp(arg, "--", 2))
		return -1;
	for (k = 0; k < BUF_KINDS; k++)
		if (!strcmp(arg + 2, buf_kind_name[k]))
			return k;
	return -1;
}

/* A size in bytes with an optional K, M or G suffix; 0 when malformed. */
static inline size_t buf_parse_size(const char *arg)
{
	static const char units[] = "kmg";
	unsigned long long v;
	const char *unit;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg)
		return 0;
	if (*end) {
		unit = strchr(units, tolower((unsigned char)*end));
		if (!unit)
			return 0;
		v <<= 10 * (unit - units + 1);
		end++;
	}
	return *end ? 0 : v;
}

/*
 * Map and fill SIZE bytes of KIND; THP and hugetlb mappings are 2 MiB
 * aligned and rounded up to whole 2 MiB pages.  Returns NULL with errno
 * set (ENOMEM from MAP_HUGETLB: no free huge pages).
 */
static inline void *buf_map(enum buf_kind kind, size_t size)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t span, page = getpagesize(), i;
	uintptr_t start;
	char *p;

	if (kind != BUF_SMALL)
		size = (size + BUF_HUGE_SIZE - 1) & ~(BUF_HUGE_SIZE - 1);
	span = size;
	if (kind == BUF_THP)
		span += BUF_HUGE_SIZE;
	if (kind == BUF_HUGETLB)
		flags |= MAP_HUGETLB;
	p = mmap(NULL, span, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (kind == BUF_THP) {
		/* Trim to a 2 MiB aligned SIZE: whole PMDs, one THP each. */
		start = ((uintptr_t)p + BUF_HUGE_SIZE - 1) & ~(BUF_HUGE_SIZE - 1);
		if (start > (uintptr_t)p)
			munmap(p, start - (uintptr_t)p);
		munmap((char *)start + size,
		       (uintptr_t)p + span - start - size);
		p = (char *)start;
	}
	if (kind == BUF_THP && madvise(p, size, MADV_HUGEPAGE))
		goto unmap;
	if (kind == BUF_SMALL && madvise(p, size, MADV_NOHUGEPAGE))
		goto unmap;
	for (i = 0; i < size; i += page)
		p[i] = 1;
	return p;
unmap:
	i = errno;
	munmap(p, size);
	errno = i;
	return NULL;
}

/*
 * AnonHugePages of the mapping at ADDR in kB, from /proc/self/smaps: how
 * much of a THP buffer really is THP (the kernel may fall back to small
 * pages), so a test can skip rather than fail.  -1 when it cannot tell.
 */
static inline long buf_thp_kb(const void *addr)
{
	unsigned long lo, hi, a = (uintptr_t)addr;
	char line[256];
	long kb = -1;
	int in = 0;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* Only a mapping's first line starts with "hex-hex". */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = a >= lo && a < hi;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

#endif /* PINSTAT_BUFFER_KIND_H */
