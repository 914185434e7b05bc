// SPDX-License-Identifier: GPL-2.0
/*
 * odirect_io DEV --read|--write --count N [--thp|--small|--hugetlb]
 *            [--bs BYTES]
 *
 * Make the kernel take short-term pins: N O_DIRECT reads or writes of BS
 * bytes (default 4096, K, M, G suffixes taken) on the block device DEV,
 * one after another at offsets 0, BS, 2 BS, ... wrapping at the device's
 * end, all from one buffer of the given kind (default small), every page
 * of it written first.  Then it prints
 *
 *	done pid=P ops=N bs=BS kind=K thp_kb=T
 *
 * (thp_kb: the buffer mapping's AnonHugePages, as iouring_hold prints it)
 * and exits 0.  --write overwrites the device.  Errors go to stderr; exit
 * 1, 2 on a usage error, 4 (KSFT_SKIP) when there are no free hugetlb
 * pages.
 *
 * The block layer's direct I/O (block/fops.c, bio_iov_iter_get_pages())
 * takes the user pages with iov_iter_extract_pages() from 6.3 on: on 6.12
 * that is pin_user_pages_fast(), released by unpin_user_folio() (or
 * unpin_user_page()), so each op moves nr_foll_pin_acquired and _released
 * by BS/4096.  6.1 uses iov_iter_get_pages2(), get_user_pages_fast()
 * references released by folio_put_refs(): no pins at all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "buffer_kind.h"

#define KSFT_SKIP	4

static void bad_usage(void)
{
	fputs("usage: odirect_io DEV --read|--write --count N\n"
	      "                  [--thp|--small|--hugetlb] [--bs BYTES]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	int kind = -1, write_op = -1, fd, arg;
	unsigned long count = 0, i;
	unsigned long long dev_size;
	const char *dev = NULL;
	size_t bs = 4096;
	off_t off = 0;
	ssize_t done;
	char *buf, *end;

	for (arg = 1; arg < argc; arg++) {
		if (!strcmp(argv[arg], "--read") && write_op < 0) {
			write_op = 0;
		} else if (!strcmp(argv[arg], "--write") && write_op < 0) {
			write_op = 1;
		} else if (!strcmp(argv[arg], "--count") && arg + 1 < argc) {
			count = strtoul(argv[++arg], &end, 0);
			if (*end)
				bad_usage();
		} else if (!strcmp(argv[arg], "--bs") && arg + 1 < argc) {
			bs = buf_parse_size(argv[++arg]);
		} else if (buf_kind_parse(argv[arg]) >= 0 && kind < 0) {
			kind = buf_kind_parse(argv[arg]);
		} else if (argv[arg][0] != '-' && !dev) {
			dev = argv[arg];
		} else {
			bad_usage();
		}
	}
	if (kind < 0)
		kind = BUF_SMALL;
	if (!dev || write_op < 0 || !count || !bs || bs % 512)
		bad_usage();

	fd = open(dev, (write_op ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "odirect_io: open %s: %s\n", dev,
			strerror(errno));
		return 1;
	}
	if (ioctl(fd, BLKGETSIZE64, &dev_size)) {
		fprintf(stderr, "odirect_io: BLKGETSIZE64 on %s: %s\n", dev,
			strerror(errno));
		return 1;
	}
	if (dev_size < bs) {
		fprintf(stderr, "odirect_io: %s has %llu bytes, less than %zu\n",
			dev, dev_size, bs);
		return 1;
	}
	buf = buf_map(kind, bs);
	if (!buf) {
		fprintf(stderr, "odirect_io: mmap %zu bytes of %s: %s\n",
			bs, buf_kind_name[kind], strerror(errno));
		return kind == BUF_HUGETLB && errno == ENOMEM ? KSFT_SKIP : 1;
	}

	for (i = 0; i < count; i++) {
		if (off + bs > dev_size)
			off = 0;
		if (write_op)
			done = pwrite(fd, buf, bs, off);
		else
			done = pread(fd, buf, bs, off);
		if (done != (ssize_t)bs) {
			fprintf(stderr, "odirect_io: %s %zu bytes at %lld on %s: %s\n",
				write_op ? "write" : "read", bs,
				(long long)off, dev,
				done < 0 ? strerror(errno) : "short");
			return 1;
		}
		off += bs;
	}
	close(fd);
	printf("done pid=%d ops=%lu bs=%zu kind=%s thp_kb=%ld\n", getpid(),
	       count, bs, buf_kind_name[kind], buf_thp_kb(buf));
	return 0;
}
