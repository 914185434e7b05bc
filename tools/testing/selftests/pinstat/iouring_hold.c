// SPDX-License-Identifier: GPL-2.0
/*
 * iouring_hold --thp|--small|--hugetlb --size BYTES [--buffers N]
 *
 * A foreign pinner for the tests: map BYTES of the given kind (K, M, G
 * suffixes taken; THP and hugetlb round up to 2 MiB), write every page,
 * register it with a new io_uring as N fixed buffers of BYTES/N each
 * (IORING_REGISTER_BUFFERS: io_uring pins them long-term), print
 *
 *	registered pid=P addr=0xA len=BYTES buffers=N kind=K thp_kb=T
 *
 * and wait for a line on stdin.  thp_kb is the mapping's AnonHugePages:
 * below len/1024 for --thp, the kernel gave small pages and a test
 * skips.  On the line (or EOF) it unregisters (IORING_UNREGISTER_BUFFERS),
 * prints "unregistered" and waits for another line or EOF, then exits 0.
 * Raw system calls, no liburing.  Errors go to stderr; exit 1, 2 on a
 * usage error, 4 (KSFT_SKIP) when the kernel has no io_uring (or it is
 * disabled) or no free hugetlb pages.
 *
 * Driven from busybox sh through a fifo (the holder reads it, the test
 * keeps it open for writing on fd 3 so the holder sees no EOF):
 *
 *	mkfifo /tmp/hold.in
 *	iouring_hold --thp --size 4M < /tmp/hold.in > /tmp/hold.out &
 *	pid=$!
 *	exec 3> /tmp/hold.in
 *	until grep -q '^registered' /tmp/hold.out; do
 *		kill -0 $pid 2>/dev/null || break; sleep 1
 *	done
 *	grep -q '^registered' /tmp/hold.out ||
 *		{ exec 3>&-; wait $pid; exit $?; }	# 4: skip
 *	...				# the pins are held: look at them
 *	echo >&3			# unregister
 *	until grep -q '^unregistered' /tmp/hold.out; do sleep 1; done
 *	...				# the pins are released
 *	exec 3>&-			# EOF: the holder exits
 *	wait $pid
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "buffer_kind.h"

#define KSFT_SKIP	4

static void bad_usage(void)
{
	fputs("usage: iouring_hold --thp|--small|--hugetlb --size BYTES [--buffers N]\n",
	      stderr);
	exit(2);
}

/* A line from stdin, or EOF: false on EOF. */
static int wait_line(void)
{
	char line[64];

	return !!fgets(line, sizeof(line), stdin);
}

int main(int argc, char **argv)
{
	struct io_uring_params params;
	unsigned long buffers = 1, i;
	struct iovec *iov;
	int kind = -1, ring, arg;
	size_t size = 0;
	char *buf, *end;

	for (arg = 1; arg < argc; arg++) {
		if (!strcmp(argv[arg], "--size") && arg + 1 < argc) {
			size = buf_parse_size(argv[++arg]);
		} else if (!strcmp(argv[arg], "--buffers") && arg + 1 < argc) {
			buffers = strtoul(argv[++arg], &end, 0);
			if (*end)
				bad_usage();
		} else if (buf_kind_parse(argv[arg]) >= 0 && kind < 0) {
			kind = buf_kind_parse(argv[arg]);
		} else {
			bad_usage();
		}
	}
	if (kind < 0 || !size || !buffers || size % buffers ||
	    (size / buffers) % getpagesize())
		bad_usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	buf = buf_map(kind, size);
	if (!buf) {
		fprintf(stderr, "iouring_hold: mmap %zu bytes of %s: %s\n",
			size, buf_kind_name[kind], strerror(errno));
		return kind == BUF_HUGETLB && errno == ENOMEM ? KSFT_SKIP : 1;
	}
	iov = calloc(buffers, sizeof(*iov));
	if (!iov) {
		perror("iouring_hold: calloc");
		return 1;
	}
	for (i = 0; i < buffers; i++) {
		iov[i].iov_base = buf + i * (size / buffers);
		iov[i].iov_len = size / buffers;
	}

	memset(&params, 0, sizeof(params));
	ring = syscall(__NR_io_uring_setup, 1, &params);
	if (ring < 0) {
		fprintf(stderr, "iouring_hold: io_uring_setup: %s\n",
			strerror(errno));
		/* EPERM: kernel.io_uring_disabled (6.6 on) */
		return errno == ENOSYS || errno == EPERM ? KSFT_SKIP : 1;
	}
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS,
		    iov, buffers)) {
		fprintf(stderr, "iouring_hold: IORING_REGISTER_BUFFERS: %s\n",
			strerror(errno));
		return 1;
	}
	printf("registered pid=%d addr=%p len=%zu buffers=%lu kind=%s thp_kb=%ld\n",
	       getpid(), buf, size, buffers, buf_kind_name[kind],
	       buf_thp_kb(buf));

	arg = wait_line();
	if (syscall(__NR_io_uring_register, ring, IORING_UNREGISTER_BUFFERS,
		    NULL, 0)) {
		fprintf(stderr, "iouring_hold: IORING_UNREGISTER_BUFFERS: %s\n",
			strerror(errno));
		return 1;
	}
	puts("unregistered");
	if (arg)
		wait_line();
	close(ring);
	return 0;
}
