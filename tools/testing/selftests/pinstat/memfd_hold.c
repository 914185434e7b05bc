// SPDX-License-Identifier: GPL-2.0
/*
 * memfd_hold NAME: map 4 KiB of a memfd named NAME (any bytes, which need
 * not be UTF-8), touch it, print "ready" and exit 0 on SIGTERM or SIGINT.
 * pinstat_cli_test.sh inspects it to check `pinstat --json inspect` on a
 * mapping name that is not UTF-8 (busybox sh cannot make a memfd).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static void on_signal(int sig)
{
	_exit(0);
}

int main(int argc, char **argv)
{
	char *p;
	int fd;

	if (argc != 2) {
		fputs("usage: memfd_hold NAME\n", stderr);
		return 2;
	}
	fd = memfd_create(argv[1], 0);
	if (fd < 0 || ftruncate(fd, 4096)) {
		perror("memfd_hold: memfd_create");
		return 1;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("memfd_hold: mmap");
		return 1;
	}
	p[0] = 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	puts("ready");
	fflush(stdout);
	for (;;)
		pause();
}
