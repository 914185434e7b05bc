// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat-bench: map a buffer of one kind, PIN it whole through
 * /dev/pinstat, optionally read debugfs "folios" while it is pinned, UNPIN,
 * and print the times, one key=value line per repetition.  scripts/bench.sh
 * runs it in a guest, alternating with the kernel's gup_test.
 *
 * usage: pinstat-bench -k anon-4k|thp|hugetlb-2m|hugetlb-1g -m MiB [-r N]
 *                      [-w] [-F]
 * -w pins for write (pages are dirtied on UNPIN); the default is a read
 * pin, which like gup_test's put releases without dirtying.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "libpinstat.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Read the whole debugfs "folios" file; returns bytes read. */
static long long read_folios(void)
{
	static char buf[1 << 16];
	long long total = 0;
	ssize_t n;
	int fd = open(PINSTAT_DEBUGFS "/folios", O_RDONLY);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	return total;
}

static int parse_kind(const char *s, enum pinstat_buf_kind *kind)
{
	static const enum pinstat_buf_kind kinds[] = {
		BUF_ANON, BUF_THP, BUF_HUGETLB_2M, BUF_HUGETLB_1G,
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!strcmp(s, pinstat_buf_kind_str(kinds[i])) ||
		    (!strcmp(s, "anon") && kinds[i] == BUF_ANON)) {
			*kind = kinds[i];
			return 0;
		}
	}
	return -EINVAL;
}

int main(int argc, char **argv)
{
	enum pinstat_buf_kind kind = BUF_ANON;
	int opt, reps = 1, folios = 0, flags = 0, fd, ret, i;
	size_t mib = 256;

	while ((opt = getopt(argc, argv, "k:m:r:wF")) != -1) {
		switch (opt) {
		case 'k':
			if (parse_kind(optarg, &kind)) {
				fprintf(stderr, "unknown kind %s\n", optarg);
				return 2;
			}
			break;
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'w':
			flags |= PINSTAT_PIN_WRITE;
			break;
		case 'F':
			folios = 1;
			break;
		default:
			fprintf(stderr, "usage: %s -k KIND -m MiB [-r N] [-w] [-F]\n",
				argv[0]);
			return 2;
		}
	}
	fd = pinstat_open();
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", PINSTAT_DEV, strerror(-fd));
		return 1;
	}
	for (i = 0; i < reps; i++) {
		struct pinstat_unpin_args un = { 0 };
		struct pinstat_pin_args pin;
		long long t0, t1, t2, t3, bytes = 0, read_ns = 0;
		struct pinstat_buf buf;

		ret = pinstat_buf_alloc(&buf, kind, mib << 20);
		if (ret) {
			fprintf(stderr, "%s: %s\n", pinstat_buf_kind_str(kind),
				strerror(-ret));
			return 1;
		}
		t0 = now_ns();
		ret = pinstat_pin(fd, buf.addr, buf.len, flags, &pin);
		t1 = now_ns();
		if (ret) {
			fprintf(stderr, "pin: %s\n", strerror(-ret));
			return 1;
		}
		if (folios) {
			long long r0 = now_ns();

			bytes = read_folios();
			read_ns = now_ns() - r0;
		}
		un.handle = pin.handle;
		t2 = now_ns();
		if (ioctl(fd, PINSTAT_IOC_UNPIN, &un)) {
			perror("unpin");
			return 1;
		}
		t3 = now_ns();
		printf("pinstat kind=%s bytes=%zu pin_ns=%llu unpin_ns=%llu pin_wall_ns=%lld unpin_wall_ns=%lld folios=%llu bookkeeping=%llu",
		       pinstat_buf_kind_str(kind), buf.len, pin.pin_ns,
		       un.unpin_ns, t1 - t0, t3 - t2, pin.nr_folios,
		       pin.bookkeeping_bytes);
		if (folios)
			printf(" folios_read_ns=%lld folios_read_bytes=%lld",
			       read_ns, bytes);
		printf("\n");
		fflush(stdout);
		pinstat_buf_free(&buf);
	}
	close(fd);
	return 0;
}
