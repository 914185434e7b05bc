// SPDX-License-Identifier: GPL-2.0
/*
 * libpinstat: ioctl wrappers, debugfs parsing and buffers of every kind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "libpinstat.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << MAP_HUGE_SHIFT)
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC	0x858458f6
#endif

#define THP_SYSFS	"/sys/kernel/mm/transparent_hugepage"

int pinstat_open(void)
{
	int fd = open(PINSTAT_DEV, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int pinstat_pin(int fd, const void *addr, size_t len, unsigned int flags,
		struct pinstat_pin_args *out)
{
	struct pinstat_pin_args args = {
		.addr = (uintptr_t)addr,
		.len = len,
		.flags = flags,
	};

	if (ioctl(fd, PINSTAT_IOC_PIN, &args))
		return -errno;
	if (out)
		*out = args;
	return 0;
}

int pinstat_unpin(int fd, unsigned int handle)
{
	struct pinstat_unpin_args args = { .handle = handle };

	return ioctl(fd, PINSTAT_IOC_UNPIN, &args) ? -errno : 0;
}

int pinstat_report(int fd, unsigned int handle,
		   struct pinstat_folio_record **recs, size_t *nr)
{
	struct pinstat_report_args args = {
		.handle = handle,
		.record_size = sizeof(**recs),
	};
	struct pinstat_folio_record *buf;

	if (ioctl(fd, PINSTAT_IOC_REPORT, &args))
		return -errno;
	buf = calloc(args.nr_runs ? args.nr_runs : 1, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	args.records = (uintptr_t)buf;
	args.nr_records = args.nr_runs;
	if (args.nr_runs && ioctl(fd, PINSTAT_IOC_REPORT, &args)) {
		int err = -errno;

		free(buf);
		return err;
	}
	*recs = buf;
	*nr = args.nr_records;
	return 0;
}

/* Make room in *@buf (of *@cap elements of @size) for @need; 0 or -ENOMEM. */
static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *more;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	more = realloc(*buf, n * size);
	if (!more)
		return -ENOMEM;
	*buf = more;
	*cap = n;
	return 0;
}

int pinstat_inspect(int fd, int pid, unsigned long start, unsigned long end,
		    int all, unsigned int batch,
		    struct pinstat_folio_record **recs, size_t *nr)
{
	struct pinstat_inspect_args args = {
		.pid = pid,
		.flags = all ? PINSTAT_INSPECT_ALL : 0,
		.start = start,
		.end = end,
		.record_size = sizeof(**recs),
	};
	struct pinstat_folio_record *buf = NULL;
	size_t have = 0, cap = 0;
	int err;

	do {
		err = grow((void **)&buf, &cap, have + batch, sizeof(*buf));
		if (!err) {
			args.records = (uintptr_t)(buf + have);
			args.nr_records = batch;
			if (ioctl(fd, PINSTAT_IOC_INSPECT, &args))
				err = -errno;
		}
		if (err) {
			free(buf);
			return err;
		}
		have += args.nr_records;
	} while (args.cursor);
	*recs = buf;
	*nr = have;
	return 0;
}

int pinstat_census(int fd, unsigned long long start_pfn,
		   unsigned long long end_pfn, int all, unsigned int batch,
		   struct pinstat_census_record **recs, size_t *nr,
		   unsigned long long *scanned)
{
	struct pinstat_census_args args = {
		.start_pfn = start_pfn,
		.end_pfn = end_pfn,
		.flags = all ? PINSTAT_CENSUS_ALL : 0,
		.record_size = sizeof(**recs),
	};
	struct pinstat_census_record *buf = NULL;
	size_t have = 0, cap = 0;
	int err;

	if (scanned)
		*scanned = 0;
	do {
		err = grow((void **)&buf, &cap, have + batch, sizeof(*buf));
		if (!err) {
			args.records = (uintptr_t)(buf + have);
			args.nr_records = batch;
			if (ioctl(fd, PINSTAT_IOC_CENSUS, &args))
				err = -errno;
		}
		if (err) {
			free(buf);
			return err;
		}
		have += args.nr_records;
		if (scanned)
			*scanned += args.nr_scanned;
	} while (args.cursor);
	*recs = buf;
	*nr = have;
	return 0;
}

const char *pinstat_zone_str(unsigned int zone)
{
	static const char *const names[] = PINSTAT_ZONE_NAMES;

	return zone < ARRAY_SIZE(names) ? names[zone] : "?";
}

int pinstat_block_pfns(unsigned int block, unsigned long long *start,
		       unsigned long long *end)
{
	unsigned long long size;
	char path[96], line[64];
	FILE *f;

	f = fopen("/sys/devices/system/memory/block_size_bytes", "r");
	if (!f)
		return -errno;
	size = fgets(line, sizeof(line), f) ? strtoull(line, NULL, 16) : 0;
	fclose(f);
	if (size < PAGE_SZ)
		return -EIO;
	snprintf(path, sizeof(path), "/sys/devices/system/memory/memory%u",
		 block);
	if (access(path, F_OK))
		return -ENOENT;
	*start = block * (size / PAGE_SZ);
	*end = *start + size / PAGE_SZ;
	return 0;
}

int pinstat_zone_pfns(int nid, const char *zone, unsigned long long *start,
		      unsigned long long *end)
{
	unsigned long long zstart = 0, spanned = 0;
	char line[256], name[32] = "";
	bool match = false, found = false;
	int node = -1;
	FILE *f;

	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -errno;
	*start = ~0ULL;
	*end = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %31s", &node, name) == 2) {
			match = (nid < 0 || node == nid) &&
				(!zone || !strcmp(zone, name));
			spanned = 0;
		} else if (match && sscanf(line, " spanned %llu", &spanned) == 1) {
			continue;
		} else if (match && spanned &&
			   sscanf(line, " start_pfn: %llu", &zstart) == 1) {
			/* start_pfn follows spanned in every zone's block. */
			*start = *start < zstart ? *start : zstart;
			if (*end < zstart + spanned)
				*end = zstart + spanned;
			found = true;
		}
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

const char *pinstat_kind_str(unsigned int kind)
{
	static const char *const names[] = PINSTAT_KIND_NAMES;

	return kind < ARRAY_SIZE(names) ? names[kind] : "?";
}

/* Value of "key=value" or "key value" lines in a file, or -1. */
static long long read_key(const char *path, const char *key, char sep)
{
	size_t klen = strlen(key);
	long long val = -1;
	char line[512];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == sep) {
			val = strtoll(line + klen + 1, NULL, 0);
			break;
		}
	}
	fclose(f);
	return val;
}

/* Split one debugfs line in place into its key=value pairs. */
static int parse_line(char *text, struct pinstat_line *line)
{
	struct pinstat_kv *kv;
	char *p = text, *eq, *sp;

	text[strcspn(text, "\n")] = 0;
	line->kv = NULL;
	line->nr = 0;
	while (*p) {
		eq = strchr(p, '=');
		if (!eq)
			return -EINVAL;
		kv = realloc(line->kv, (line->nr + 1) * sizeof(*kv));
		if (!kv)
			return -ENOMEM;
		line->kv = kv;
		*eq = 0;
		kv[line->nr].key = p;
		kv[line->nr].value = eq + 1;
		line->nr++;
		/* comm= runs to the end of the line. */
		sp = strcmp(p, "comm") ? strchr(eq + 1, ' ') : NULL;
		if (!sp)
			break;
		*sp = 0;
		p = sp + 1;
	}
	return 0;
}

int pinstat_debugfs_lines(const char *file, struct pinstat_line **lines,
			  size_t *nr)
{
	struct pinstat_line *all = NULL, *more;
	char path[256], *text = NULL;
	size_t n = 0, cap = 0;
	ssize_t len;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), PINSTAT_DEBUGFS "/%s", file);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while ((len = getline(&text, &cap, f)) > 0) {
		more = realloc(all, (n + 1) * sizeof(*all));
		if (!more) {
			ret = -ENOMEM;
			break;
		}
		all = more;
		/* Each line owns its text: the pairs point into it. */
		ret = parse_line(text, &all[n]);
		if (ret) {
			free(all[n].kv);
			break;
		}
		if (!all[n].nr) {	/* an empty line */
			free(all[n].kv);
			continue;
		}
		n++;
		text = NULL;
		cap = 0;
	}
	free(text);
	fclose(f);
	if (ret) {
		pinstat_lines_free(all, n);
		return ret;
	}
	*lines = all;
	*nr = n;
	return 0;
}

void pinstat_lines_free(struct pinstat_line *lines, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (lines[i].nr)
			free(lines[i].kv[0].key);	/* the line's text */
		free(lines[i].kv);
	}
	free(lines);
}

const char *pinstat_line_get(const struct pinstat_line *line, const char *key)
{
	size_t i;

	for (i = 0; i < line->nr; i++)
		if (!strcmp(line->kv[i].key, key))
			return line->kv[i].value;
	return NULL;
}

/* Add frame line @text (its indent and newline cut) to @st. */
static int stack_add_frame(struct pinstat_stack *st, const char *text)
{
	char **more = realloc(st->frames, (st->nr + 1) * sizeof(*more));
	char *frame;

	if (!more)
		return -ENOMEM;
	st->frames = more;
	frame = strdup(text + strspn(text, " "));
	if (!frame)
		return -ENOMEM;
	frame[strcspn(frame, "\n")] = 0;
	more[st->nr++] = frame;
	return 0;
}

/* Start a stack at its "stack=ID entries=N frames=N" line. */
static int stack_add(struct pinstat_stack **all, size_t *n, const char *text)
{
	struct pinstat_stack *more;
	unsigned int id;

	if (sscanf(text, "stack=%u ", &id) != 1)
		return -EINVAL;
	more = realloc(*all, (*n + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	*all = more;
	more[(*n)++] = (struct pinstat_stack){ .id = id };
	return 0;
}

int pinstat_debugfs_stacks(struct pinstat_stack **stacks, size_t *nr)
{
	struct pinstat_stack *all = NULL;
	size_t n = 0, cap = 0;
	char *text = NULL;
	int ret = 0;
	FILE *f;

	f = fopen(PINSTAT_DEBUGFS "/stacks", "r");
	if (!f)
		return -errno;
	while (!ret && getline(&text, &cap, f) > 0) {
		if (text[0] == '\n')
			continue;
		if (text[0] == ' ')	/* a frame of the last stack */
			ret = n ? stack_add_frame(&all[n - 1], text) : -EINVAL;
		else
			ret = stack_add(&all, &n, text);
	}
	free(text);
	fclose(f);
	if (ret) {
		pinstat_stacks_free(all, n);
		return ret;
	}
	*stacks = all;
	*nr = n;
	return 0;
}

void pinstat_stacks_free(struct pinstat_stack *stacks, size_t nr)
{
	size_t i, j;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < stacks[i].nr; j++)
			free(stacks[i].frames[j]);
		free(stacks[i].frames);
	}
	free(stacks);
}

long long pinstat_summary(const char *key)
{
	return read_key(PINSTAT_DEBUGFS "/summary", key, '=');
}

long long pinstat_census_summary(const char *key)
{
	return read_key(PINSTAT_DEBUGFS "/census_summary", key, '=');
}

long pinstat_debugfs_count(const char *file, const char *needle)
{
	char path[256], line[1024];
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), PINSTAT_DEBUGFS "/%s", file);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!needle || strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

long long pinstat_param_get(const char *name)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), PINSTAT_PARAMS "/%s", name);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

int pinstat_param_set(const char *name, long long value)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), PINSTAT_PARAMS "/%s", name);
	snprintf(buf, sizeof(buf), "%lld", value);
	return write_file(path, buf);
}

long long pinstat_vmstat_pinned(void)
{
	long long acq, rel;

	/* The counters are per-cpu: fold them first. */
	write_file("/proc/sys/vm/stat_refresh", "1");
	acq = read_key("/proc/vmstat", "nr_foll_pin_acquired", ' ');
	rel = read_key("/proc/vmstat", "nr_foll_pin_released", ' ');
	if (acq < 0 || rel < 0)
		return -1;
	return acq - rel;
}

int pinstat_drain_lru(void)
{
	return write_file("/proc/sys/vm/compact_memory", "1");
}

long long pinstat_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long pinstat_status_kb(const char *field)
{
	return read_key("/proc/self/status", field, ':');
}

int pinstat_pagemap_pfn(const void *addr, unsigned long long *pfn)
{
	uint64_t entry;
	ssize_t n;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, &entry, sizeof(entry),
		  (uintptr_t)addr / PAGE_SZ * sizeof(entry));
	close(fd);
	if (n != sizeof(entry))
		return n < 0 ? -errno : -EIO;
	/* Bit 63: present; bits 0-54: the PFN (0 without CAP_SYS_ADMIN). */
	if (!(entry >> 63))
		return -ENOENT;
	*pfn = entry & ((1ULL << 55) - 1);
	return 0;
}

long pinstat_pagemap_present(const void *addr, size_t len)
{
	uint64_t entries[512];
	size_t left = len / PAGE_SZ, i, want;
	off_t off = (uintptr_t)addr / PAGE_SZ * sizeof(entries[0]);
	long present = 0;
	ssize_t n;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (left) {
		want = left < 512 ? left : 512;
		n = pread(fd, entries, want * sizeof(entries[0]), off);
		if (n != (ssize_t)(want * sizeof(entries[0]))) {
			present = n < 0 ? -errno : -EIO;
			break;
		}
		for (i = 0; i < want; i++)
			present += entries[i] >> 63;
		left -= want;
		off += n;
	}
	close(fd);
	return present;
}

const char *pinstat_buf_kind_str(enum pinstat_buf_kind kind)
{
	static const char *const names[] = {
		[BUF_ANON] = "anon-4k",
		[BUF_THP] = "thp",
		[BUF_HUGETLB_2M] = "hugetlb-2m",
		[BUF_HUGETLB_1G] = "hugetlb-1g",
		[BUF_SHMEM] = "shmem",
		[BUF_FILE] = "file",
		[BUF_ZERO] = "zero",
		[BUF_MTHP_64K] = "mthp-64k",
		[BUF_THP_UNALIGNED] = "thp-unaligned",
	};

	return names[kind];
}

/*
 * Anonymous memory at an @align boundary, given @advice; written, so
 * faulted in, when @prot lets it be.
 */
static int map_anon(struct pinstat_buf *buf, size_t len, size_t align,
		    int prot, int advice)
{
	uintptr_t start;

	buf->map_len = len + align;
	buf->map = mmap(NULL, buf->map_len, prot, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (buf->map == MAP_FAILED) {
		buf->map = NULL;
		return -errno;
	}
	start = ((uintptr_t)buf->map + align - 1) & ~(uintptr_t)(align - 1);
	buf->addr = (void *)start;
	madvise(buf->addr, len, advice);
	if (prot & PROT_WRITE)
		memset(buf->addr, 0x5a, len);
	return 0;
}

int pinstat_buf_alloc_thp_offset(struct pinstat_buf *buf, size_t len,
				 size_t off)
{
	size_t resv = len + 2 * SZ_2M;
	uintptr_t map, start;
	void *p;

	p = mmap(NULL, resv, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	map = (uintptr_t)p;
	start = ((map + SZ_2M - 1) & ~(SZ_2M - 1)) + off;
	/* Trim the reservation to the buffer: the VMA is the buffer. */
	if (start > map)
		munmap(p, start - map);
	if (map + resv > start + len)
		munmap((void *)(start + len), map + resv - start - len);
	buf->addr = (void *)start;
	buf->len = len;
	buf->map = buf->addr;
	buf->map_len = len;
	madvise(buf->addr, len, MADV_HUGEPAGE);
	memset(buf->addr, 0x5a, len);
	return 0;
}

static int thp_enabled(void)
{
	char mode[128];

	if (read_file(THP_SYSFS "/enabled", mode, sizeof(mode)))
		return 0;
	return !strstr(mode, "[never]");
}

static int alloc_mthp(struct pinstat_buf *buf, size_t len)
{
	const char *ctl = THP_SYSFS "/hugepages-64kB/enabled";
	char old[128], *sel, *end;
	int ret;

	if (!thp_enabled() || read_file(ctl, old, sizeof(old)))
		return -EOPNOTSUPP;
	ret = write_file(ctl, "always");
	if (ret)
		return ret;
	ret = map_anon(buf, len, SZ_64K, PROT_READ | PROT_WRITE, MADV_HUGEPAGE);
	/* Put the old mode back: "always [inherit] madvise never". */
	sel = strchr(old, '[');
	end = sel ? strchr(sel, ']') : NULL;
	if (end) {
		*end = '\0';
		write_file(ctl, sel + 1);
	}
	return ret;
}

static int alloc_hugetlb(struct pinstat_buf *buf, size_t len, int size_flag)
{
	buf->map_len = len;
	buf->map = mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | size_flag,
			-1, 0);
	if (buf->map == MAP_FAILED) {
		buf->map = NULL;
		/* No huge pages of that size reserved. */
		return errno == ENOMEM || errno == EINVAL ? -EOPNOTSUPP : -errno;
	}
	buf->addr = buf->map;
	memset(buf->addr, 0x5a, len);
	return 0;
}

/* Size the file of @fd, map it shared and write it; closes @fd. */
static int map_file(struct pinstat_buf *buf, int fd, size_t len)
{
	int ret = 0;

	if (ftruncate(fd, len)) {
		ret = -errno;
		goto close_fd;
	}
	buf->map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (buf->map == MAP_FAILED) {
		buf->map = NULL;
		ret = -errno;
		goto close_fd;
	}
	buf->map_len = len;
	buf->addr = buf->map;
	memset(buf->addr, 0x5a, len);
close_fd:
	close(fd);
	return ret;
}

static int alloc_shmem(struct pinstat_buf *buf, size_t len)
{
	int fd = memfd_create("pinstat", MFD_CLOEXEC);

	return fd < 0 ? -errno : map_file(buf, fd, len);
}

/* ramfs keeps its files in the page cache and has no backing store. */
static int ramfs_ready(void)
{
	struct statfs sfs;

	mkdir(PINSTAT_RAMFS, 0700);
	if (!statfs(PINSTAT_RAMFS, &sfs) && sfs.f_type == RAMFS_MAGIC)
		return 0;
	if (mount("none", PINSTAT_RAMFS, "ramfs", 0, NULL))
		return -EOPNOTSUPP;
	return 0;
}

static int alloc_file(struct pinstat_buf *buf, size_t len)
{
	char path[] = PINSTAT_RAMFS "/bufXXXXXX";
	int fd, ret = ramfs_ready();

	if (ret)
		return ret;
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	unlink(path);
	return map_file(buf, fd, len);
}

int pinstat_buf_alloc(struct pinstat_buf *buf, enum pinstat_buf_kind kind,
		      size_t len)
{
	const char *p;
	size_t off;
	int ret;

	memset(buf, 0, sizeof(*buf));
	buf->kind = kind;
	buf->len = len;
	switch (kind) {
	case BUF_ANON:
		return map_anon(buf, len, SZ_4K, PROT_READ | PROT_WRITE,
				MADV_NOHUGEPAGE);
	case BUF_THP:
		if (!thp_enabled())
			return -EOPNOTSUPP;
		return map_anon(buf, len, SZ_2M, PROT_READ | PROT_WRITE,
				MADV_HUGEPAGE);
	case BUF_THP_UNALIGNED:
		if (!thp_enabled())
			return -EOPNOTSUPP;
		return pinstat_buf_alloc_thp_offset(buf, len, 512 << 10);
	case BUF_HUGETLB_2M:
		return alloc_hugetlb(buf, len, MAP_HUGE_2MB);
	case BUF_HUGETLB_1G:
		return alloc_hugetlb(buf, len, MAP_HUGE_1GB);
	case BUF_SHMEM:
		return alloc_shmem(buf, len);
	case BUF_FILE:
		return alloc_file(buf, len);
	case BUF_ZERO:
		ret = map_anon(buf, len, SZ_4K, PROT_READ, MADV_NOHUGEPAGE);
		if (ret)
			return ret;
		/*
		 * A read fault of untouched anonymous memory maps the zero
		 * page: the asm takes each byte as an input, so it is read.
		 */
		for (p = buf->addr, off = 0; off < len; off += PAGE_SZ)
			asm volatile("" : : "r" (p[off]));
		return 0;
	case BUF_MTHP_64K:
		return alloc_mthp(buf, len);
	}
	return -EINVAL;
}

void pinstat_buf_free(struct pinstat_buf *buf)
{
	if (buf->map)
		munmap(buf->map, buf->map_len);
	buf->map = NULL;
}

int pinstat_ledger_set(int on)
{
	return write_file(PINSTAT_DEBUGFS "/ledger_enable", on ? "1" : "0");
}

int pinstat_ring_register(void *buf, size_t len)
{
	struct io_uring_params p;
	struct iovec iov = { buf, len };
	int ring;

	memset(&p, 0, sizeof(p));
	ring = syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return -errno;
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS,
		    &iov, 1)) {
		int err = -errno;

		close(ring);
		return err;
	}
	return ring;
}

int pinstat_ring_unregister(int ring)
{
	return syscall(__NR_io_uring_register, ring, IORING_UNREGISTER_BUFFERS,
		       NULL, 0) ? -errno : 0;
}

int pinstat_holders(int fd, unsigned long long pfn,
		    struct pinstat_holders_args *args,
		    struct pinstat_holder *holders, unsigned int nr)
{
	memset(args, 0, sizeof(*args));
	args->pfn = pfn;
	args->holders = (uintptr_t)holders;
	args->nr_holders = nr;
	args->holder_size = sizeof(*holders);
	return ioctl(fd, PINSTAT_IOC_HOLDERS, args) ? -errno : 0;
}
