// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat-demo: allocate buffers of every kind, pin each through
 * /dev/pinstat (one session each, as separate users would), print what the
 * pins hold and the debugfs report, release.
 *
 * usage: pinstat-demo [-m MiB]   (size of each buffer, default 256)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpinstat.h"

static const enum pinstat_buf_kind kinds[] = {
	BUF_ANON, BUF_THP, BUF_HUGETLB_2M, BUF_HUGETLB_1G,
	BUF_SHMEM, BUF_FILE, BUF_ZERO,
};
#define NR_KINDS (sizeof(kinds) / sizeof(kinds[0]))

static void cat(const char *name, int max_lines)
{
	char path[128], line[1024];
	int n = 0, more = 0;
	FILE *f;

	snprintf(path, sizeof(path), PINSTAT_DEBUGFS "/%s", name);
	f = fopen(path, "r");
	if (!f) {
		printf("cannot read %s: %s\n", path, strerror(errno));
		return;
	}
	printf("\n--- %s ---\n", path);
	while (fgets(line, sizeof(line), f)) {
		if (max_lines < 0 || n < max_lines)
			fputs(line, stdout);
		else
			more++;
		n++;
	}
	if (more)
		printf("... %d more lines\n", more);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct pinstat_buf bufs[NR_KINDS];
	struct pinstat_pin_args pins[NR_KINDS];
	int fds[NR_KINDS];
	size_t mib = 256, i;
	int opt, ret;

	while ((opt = getopt(argc, argv, "m:")) != -1) {
		if (opt != 'm') {
			fprintf(stderr, "usage: %s [-m MiB]\n", argv[0]);
			return 2;
		}
		mib = strtoul(optarg, NULL, 0);
	}

	printf("%-11s %10s %8s %8s %12s %12s %s\n", "kind", "bytes", "pages",
	       "folios", "pin_us", "bookkeeping", "by order");
	for (i = 0; i < NR_KINDS; i++) {
		size_t len = mib << 20;
		int o;

		pins[i].handle = 0;
		fds[i] = pinstat_open();
		if (fds[i] < 0) {
			fprintf(stderr, "open %s: %s\n", PINSTAT_DEV,
				strerror(-fds[i]));
			return 1;
		}
		/* Small kinds stay small: they show the shape, not the speed. */
		if (kinds[i] == BUF_SHMEM || kinds[i] == BUF_FILE ||
		    kinds[i] == BUF_ZERO)
			len = 64 << 10;
		if (kinds[i] == BUF_HUGETLB_1G)
			len = SZ_1G;
		ret = pinstat_buf_alloc(&bufs[i], kinds[i], len);
		if (ret) {
			printf("%-11s not available: %s\n",
			       pinstat_buf_kind_str(kinds[i]), strerror(-ret));
			continue;
		}
		ret = pinstat_pin(fds[i], bufs[i].addr, len,
				  kinds[i] == BUF_ZERO ? 0 : PINSTAT_PIN_WRITE,
				  &pins[i]);
		if (ret) {
			printf("%-11s pin failed: %s\n",
			       pinstat_buf_kind_str(kinds[i]), strerror(-ret));
			pins[i].handle = 0;
		fds[i] = pinstat_open();
		if (fds[i] < 0) {
			fprintf(stderr, "open %s: %s\n", PINSTAT_DEV,
				strerror(-fds[i]));
			return 1;
		}
			continue;
		}
		printf("%-11s %10zu %8llu %8llu %12.1f %12llu ",
		       pinstat_buf_kind_str(kinds[i]), len, pins[i].nr_pages,
		       pins[i].nr_folios, pins[i].pin_ns / 1000.0,
		       pins[i].bookkeeping_bytes);
		for (o = 0; o < PINSTAT_NR_ORDERS; o++)
			if (pins[i].folios_by_order[o])
				printf("%d:%llu ", o, pins[i].folios_by_order[o]);
		printf("\n");
	}

	cat("summary", -1);
	cat("pins", -1);
	cat("folios", 40);

	for (i = 0; i < NR_KINDS; i++) {
		if (pins[i].handle) {
			ret = pinstat_unpin(fds[i], pins[i].handle);
			if (ret)
				printf("unpin %u: %s\n", pins[i].handle,
				       strerror(-ret));
			pinstat_buf_free(&bufs[i]);
		}
		close(fds[i]);
	}
	printf("\nafter release: pins=%lld pages=%lld\n",
	       pinstat_summary("pins"), pinstat_summary("pages"));
	return 0;
}
