// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat: the command-line face of pinstat.ko.  See usage() (or
 * `pinstat --help`) and Documentation/pinstat/command.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpinstat.h"

/* Exit codes, documented in usage() and Documentation/pinstat/command.rst. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the operation failed; the message says why */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NO_MODULE = 3,	/* pinstat.ko not loaded or debugfs not mounted */
	EXIT_PERM = 4,		/* permission denied */
	EXIT_LEDGER_OFF = 5,	/* the pin ledger is off */
};

static bool json;

static const char usage_text[] =
	"NAME\n"
	"    pinstat - pin buffers and show who pins what (pinstat.ko)\n"
	"\n"
	"SYNOPSIS\n"
	"    pinstat [--json] pin --kind KIND --size SIZE [--write] [--longterm]\n"
	"                         [--hold [SECONDS]]\n"
	"    pinstat [--json] summary\n"
	"    pinstat [--json] pins [HANDLE] [--session ID]\n"
	"    pinstat [--json] runs [HANDLE] [--session ID]\n"
	"    pinstat [--json] inspect --pid PID (--range START-END | --all)\n"
	"    pinstat [--json] ledger [--longterm] [--older-than SECONDS]\n"
	"    pinstat [--json] who --pfn PFN\n"
	"    pinstat [--json] who --pid PID (--range START-END | --all)\n"
	"    pinstat [--json] blockers (--pfn START-END | --block N | --zone NAME\n"
	"                              | --node N | --all)\n"
	"    pinstat --help\n"
	"\n"
	"DESCRIPTION\n"
	"    pin      map SIZE bytes of KIND memory (anon, thp, hugetlb-2m,\n"
	"             hugetlb-1g, shmem, file, zero, mthp-64k), pin them through\n"
	"             /dev/pinstat and print the pin and its runs; with --hold,\n"
	"             keep the pin for SECONDS (default: until SIGINT or SIGTERM).\n"
	"             SIZE takes K, M and G suffixes.\n"
	"    summary  the module's counters (debugfs summary), then a census of\n"
	"             all RAM set against the kernel's pins (census_summary).\n"
	"    pins     every live pin of every session (debugfs pins).\n"
	"    runs     every run of pages of one folio of every pin, with the\n"
	"             folio's counters (debugfs runs, the records of REPORT).\n"
	"             pins and runs show only pin HANDLE with HANDLE, only\n"
	"             session ID with --session.\n"
	"    inspect  the folios mapped in process PID, in START-END (hexadecimal\n"
	"             or decimal addresses) or in all its mappings, without pinning\n"
	"             or faulting anything: pin counts (exact on large folios,\n"
	"             estimated on small ones), pinstat's own and foreign pins.\n"
	"             Needs CAP_SYS_ADMIN.\n"
	"    ledger   the pin ledger's entries: each pin call, by any caller in\n"
	"             the kernel, whose pins are still held, with its process,\n"
	"             flags, entry point, age and the frames of its stack\n"
	"             (debugfs ledger and stacks).  --longterm: FOLL_LONGTERM\n"
	"             pins only; --older-than: entries SECONDS old or more.\n"
	"             The ledger records while on: as root,\n"
	"             echo 1 > /sys/kernel/debug/pinstat/ledger_enable.\n"
	"    who      --pfn: the ledger entries holding pins on the folio that\n"
	"             has page PFN (any page of it; hexadecimal or decimal), with\n"
	"             their stacks, and the folio's foreign pins and the pins no\n"
	"             entry accounts for (debugfs holds).  --pid: INSPECT as\n"
	"             inspect does, and for each folio with foreign pins the\n"
	"             entries holding them and the pins left unattributed.\n"
	"    blockers a census of physical memory: the folios of pfns START-END,\n"
	"             of memory block N (/sys/devices/system/memory/memoryN), of\n"
	"             zone NAME (Normal, Movable, ...; of node N with --node), of\n"
	"             node N or of all RAM that hold pins or references their\n"
	"             mappings and page cache do not explain: what keeps memory\n"
	"             from being migrated or taken offline, mapped or not.  With\n"
	"             the ledger on, the entries holding each folio's foreign\n"
	"             pins.  Ends with the pins found beside the kernel's count\n"
	"             of pins held.  Needs CAP_SYS_ADMIN.\n"
	"\n"
	"    --json   print one JSON document instead of a table (field names are\n"
	"             listed in Documentation/pinstat/command.rst and do not\n"
	"             change).  A field's type depends on its name only: comm,\n"
	"             flags, kind, via, perms, name, zone and, in pins, pincount are\n"
	"             strings, stack_frames, holders, runs and vmas arrays, the\n"
	"             others numbers (a value of a number field that debugfs\n"
	"             did not write as a number is printed as a string,\n"
	"             unchanged).\n"
	"             Strings are valid UTF-8: each invalid byte sequence becomes\n"
	"             U+FFFD, control characters \\u00XX.\n"
	"\n"
	"EXIT STATUS\n"
	"    0 success; 1 the operation failed (the message names the cause);\n"
	"    2 bad usage; 3 pinstat.ko is not loaded or debugfs is not mounted;\n"
	"    4 permission denied; 5 the pin ledger is off (ledger, who).\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

[[gnu::format(printf, 2, 3)]]
static int fail(int code, const char *fmt, ...);

static int fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("pinstat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* Exit code and message for an errno from the device or debugfs. */
static int fail_errno(int err, const char *what)
{
	struct stat st;

	switch (err) {
	case ENOENT:
	case ENODEV:
		if (stat("/sys/kernel/debug/pinstat", &st) && !stat(PINSTAT_PARAMS, &st))
			return fail(EXIT_NO_MODULE,
				    "%s: debugfs is not mounted (mount -t debugfs none /sys/kernel/debug)",
				    what);
		if (stat(PINSTAT_PARAMS, &st))
			return fail(EXIT_NO_MODULE,
				    "%s: pinstat.ko is not loaded (insmod pinstat.ko)",
				    what);
		return fail(EXIT_FAILED, "%s: %s", what, strerror(err));
	case EACCES:
	case EPERM:
		return fail(EXIT_PERM, "%s: permission denied (%s)", what,
			    strerror(err));
	default:
		return fail(EXIT_FAILED, "%s: %s", what, strerror(err));
	}
}

/* "4096", "64K", "4M", "1G" */
static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	}
	if (*end || !v || end == s)
		return -EINVAL;
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	enum pinstat_buf_kind kind;
} kinds[] = {
	{ "anon", BUF_ANON }, { "thp", BUF_THP },
	{ "hugetlb-2m", BUF_HUGETLB_2M }, { "hugetlb-1g", BUF_HUGETLB_1G },
	{ "shmem", BUF_SHMEM }, { "file", BUF_FILE }, { "zero", BUF_ZERO },
	{ "mthp-64k", BUF_MTHP_64K },
};

/*
 * The code point at @s and its length in *@len; or -1 when @s starts an
 * ill-formed UTF-8 sequence (RFC 3629: overlong, a surrogate, above
 * U+10FFFF, a stray or missing continuation byte), *@len then being its
 * maximal subpart (at least one byte), which U+FFFD replaces as Unicode
 * recommends and Python's errors="replace" does.
 */
static int utf8_next(const unsigned char *s, size_t *len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;
	int cp;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		cp = s[0] & 0x0f;
		if (s[0] == 0xe0)	/* overlong */
			lo = 0xa0;
		if (s[0] == 0xed)	/* surrogates */
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		cp = s[0] & 0x07;
		if (s[0] == 0xf0)	/* overlong */
			lo = 0x90;
		if (s[0] == 0xf4)	/* above U+10FFFF */
			hi = 0x8f;
	} else {
		*len = 1;
		return -1;
	}
	for (i = 1; i <= need; i++) {
		/* The string's NUL ends a truncated sequence here too. */
		if (s[i] < lo || s[i] > hi) {
			*len = i;
			return -1;
		}
		cp = cp << 6 | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*len = need + 1;
	return cp;
}

/*
 * A JSON string, valid UTF-8 whatever @str holds (comm, names and paths
 * are bytes): '"' and '\\' escaped, control characters (C0, DEL, C1) as
 * \u00XX, each ill-formed UTF-8 sequence as U+FFFD.
 */
static void json_str(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;
	int cp;

	putchar('"');
	while (*s) {
		cp = utf8_next(s, &len);
		if (cp < 0)
			fputs("\xef\xbf\xbd", stdout);	/* U+FFFD */
		else if (cp == '"' || cp == '\\')
			printf("\\%c", cp);
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			printf("\\u%04x", cp);
		else
			fwrite(s, 1, len, stdout);
		s += len;
	}
	putchar('"');
}

/* What a debugfs key holds: chosen by the key, never by how a value looks. */
enum json_type {
	JSON_DEC,	/* a decimal number */
	JSON_HEX,	/* a number debugfs writes as 0x and hex digits */
	JSON_STR,	/* a string */
};

/*
 * The strings are comm and the names debugfs gives flags, kind, via and
 * (in "pins" only, a number in "runs") pincount; addr and pfn are hex
 * numbers; every other key, in every file, is a decimal number.
 */
static enum json_type json_key_type(const char *file, const char *key)
{
	if (!strcmp(key, "comm") || !strcmp(key, "flags") ||
	    !strcmp(key, "kind") || !strcmp(key, "via"))
		return JSON_STR;
	if (!strcmp(key, "pincount"))
		return strcmp(file, "pins") ? JSON_DEC : JSON_STR;
	if (!strcmp(key, "addr") || !strcmp(key, "pfn"))
		return JSON_HEX;
	return JSON_DEC;
}

/*
 * A debugfs value as JSON.  A number key's value is a number only in the
 * form debugfs writes it: a plain decimal integer ('-', then digits with
 * no leading zero), copied as it is, or for JSON_HEX "0x" and hex digits,
 * printed in decimal.  Any other value is printed as a string, unchanged:
 * never reinterpreted ("010" is not 8, "0x1f" of a decimal key not 31).
 */
static void json_value(const char *v, enum json_type type)
{
	const char *digits = v + (*v == '-');
	unsigned long long n;

	switch (type) {
	case JSON_DEC:
		if ((*digits >= '1' && *digits <= '9' &&
		     !digits[strspn(digits, "0123456789")]) ||
		    !strcmp(digits, "0")) {
			fputs(v, stdout);
			return;
		}
		break;
	case JSON_HEX:
		if (!strncmp(v, "0x", 2) && v[2] &&
		    !v[2 + strspn(v + 2, "0123456789abcdefABCDEF")]) {
			errno = 0;
			n = strtoull(v + 2, NULL, 16);
			if (!errno) {
				printf("%llu", n);
				return;
			}
		}
		break;
	case JSON_STR:
		break;
	}
	json_str(v);
}

/* The pairs of a line of debugfs @file, as JSON members. */
static void json_pairs(const struct pinstat_line *l, const char *file)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		printf(i ? ", " : "");
		json_str(l->kv[i].key);
		printf(": ");
		json_value(l->kv[i].value,
			   json_key_type(file, l->kv[i].key));
	}
}

/* A line of debugfs @file as a JSON object. */
static void json_line(const struct pinstat_line *l, const char *file)
{
	putchar('{');
	json_pairs(l, file);
	putchar('}');
}

static void table_line(const struct pinstat_line *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		printf("%s%s=%s", i ? " " : "", l->kv[i].key, l->kv[i].value);
	putchar('\n');
}

#define RECORD_COLUMNS	"ADDR              PFN        ORDER KIND      PAGES    PINCOUNT   EXACT REFCOUNT   MAPCOUNT OWN      FOREIGN  HEADROOM"

static void record_row(const struct pinstat_folio_record *r)
{
	if (r->flags & PINSTAT_FOLIO_NOT_PRESENT) {
		printf("%#-17llx %-10s %5s %-9s %-8u (not present)\n",
		       (unsigned long long)r->addr, "-", "-", "-", r->nr_pages);
		return;
	}
	printf("%#-17llx %#-10llx %5u %-9s %-8u %-10llu %-5s %-10u %-8d %-8u %-8u %u\n",
	       (unsigned long long)r->addr, (unsigned long long)r->pfn,
	       r->order, pinstat_kind_str(r->kind), r->nr_pages,
	       (unsigned long long)r->pincount,
	       r->flags & PINSTAT_FOLIO_EXACT ? "yes" : "est",
	       r->refcount, r->mapcount, r->own_pins, r->foreign_pins,
	       r->pin_headroom);
}

static void record_json(const struct pinstat_folio_record *r, int vma)
{
	bool present = !(r->flags & PINSTAT_FOLIO_NOT_PRESENT);

	printf("{\"addr\": %llu, \"nr_pages\": %u, \"present\": %s",
	       (unsigned long long)r->addr, r->nr_pages,
	       present ? "true" : "false");
	if (vma >= 0)
		printf(", \"vma\": %d", vma);
	if (present)
		fprintf(stdout,
			", \"pfn\": %llu, \"first_page\": %u, \"order\": %u, \"kind\": \"%s\", \"pincount\": %llu, \"pincount_exact\": %s, \"refcount\": %u, \"mapcount\": %d, \"maybe_dma_pinned\": %s, \"own_pins\": %u, \"foreign_pins\": %u, \"pin_headroom\": %u",
			(unsigned long long)r->pfn, r->first_page, r->order,
			pinstat_kind_str(r->kind),
			(unsigned long long)r->pincount,
			r->flags & PINSTAT_FOLIO_EXACT ? "true" : "false",
			r->refcount, r->mapcount,
			r->flags & PINSTAT_FOLIO_MAYBE_DMA_PINNED ? "true" : "false",
			r->own_pins, r->foreign_pins, r->pin_headroom);
	putchar('}');
}

/* A mapping of the inspected process, from /proc/PID/maps. */
struct vma {
	unsigned long start, end;
	char perms[8];
	char name[256];
};

/* The VMAs of @pid; *nr of them in *out (malloc'd), or -errno. */
static int read_maps(int pid, struct vma **out, size_t *nr)
{
	struct vma *v = NULL, *more;
	char path[64], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		more = realloc(v, (n + 1) * sizeof(*v));
		if (!more)
			break;
		v = more;
		v[n].name[0] = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &v[n].start,
			   &v[n].end, v[n].perms, v[n].name) < 3)
			continue;
		if (!v[n].name[0])
			snprintf(v[n].name, sizeof(v[n].name), "[anon]");
		n++;
	}
	fclose(f);
	*out = v;
	*nr = n;
	return 0;
}

/* Index of the VMA holding @addr, or -1; VMAs are in address order. */
static int vma_of(const struct vma *v, size_t nr, unsigned long addr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (addr >= v[i].start && addr < v[i].end)
			return i;
	return -1;
}

/* Records, with the VMA each lies in when @vmas is given. */
static void print_records(const struct pinstat_folio_record *r, size_t nr,
			  const struct vma *vmas, size_t nr_vmas)
{
	int vma, last = -2;
	size_t i;

	if (json) {
		printf("[");
		for (i = 0; i < nr; i++) {
			printf(i ? ",\n  " : "\n  ");
			record_json(&r[i], vmas ? vma_of(vmas, nr_vmas, r[i].addr) : -1);
		}
		printf(nr ? "\n]" : "]");
		return;
	}
	if (!vmas)
		puts(RECORD_COLUMNS);
	for (i = 0; i < nr; i++) {
		vma = vmas ? vma_of(vmas, nr_vmas, r[i].addr) : -1;
		if (vmas && vma != last) {
			if (vma >= 0)
				printf("%sVMA %#lx-%#lx %s %s\n", last == -2 ? "" : "\n",
				       vmas[vma].start, vmas[vma].end,
				       vmas[vma].perms, vmas[vma].name);
			puts(RECORD_COLUMNS);
			last = vma;
		}
		record_row(&r[i]);
	}
}

struct pin_opts {
	int kind;		/* enum pinstat_buf_kind, -1 until given */
	size_t size;
	unsigned int flags;	/* PINSTAT_PIN_* */
	long hold;		/* -1: no hold, 0: until a signal */
};

/* The options of `pinstat pin`: EXIT_OK, or the exit code of a failure. */
static int pin_options(int argc, char **argv, struct pin_opts *o)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "size", required_argument, NULL, 's' },
		{ "write", no_argument, NULL, 'w' },
		{ "longterm", no_argument, NULL, 'l' },
		{ "hold", optional_argument, NULL, 'H' },
		{}
	};
	unsigned int i;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			for (i = 0; i < ARRAY_SIZE(kinds); i++)
				if (!strcmp(optarg, kinds[i].name))
					o->kind = kinds[i].kind;
			if (o->kind < 0)
				return fail(EXIT_USAGE,
					    "unknown kind '%s' (anon, thp, hugetlb-2m, hugetlb-1g, shmem, file, zero, mthp-64k)",
					    optarg);
			break;
		case 's':
			if (parse_size(optarg, &o->size))
				return fail(EXIT_USAGE, "bad size '%s'", optarg);
			break;
		case 'w':
			o->flags |= PINSTAT_PIN_WRITE;
			break;
		case 'l':
			o->flags |= PINSTAT_PIN_LONGTERM;
			break;
		case 'H':
			o->hold = 0;
			/* --hold SECONDS as well as --hold=SECONDS */
			if (!optarg && optind < argc && argv[optind][0] >= '0' &&
			    argv[optind][0] <= '9')
				optarg = argv[optind++];
			if (optarg) {
				o->hold = strtol(optarg, NULL, 10);
				if (o->hold <= 0)
					return fail(EXIT_USAGE, "bad --hold '%s'", optarg);
			}
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (o->kind < 0 || !o->size || optind != argc)
		return fail(EXIT_USAGE,
			    "usage: pinstat pin --kind KIND --size SIZE [--write] [--longterm] [--hold [SECONDS]]");
	return EXIT_OK;
}

/* The pin just taken, and its records. */
static void print_pin(const struct pin_opts *o, const struct pinstat_buf *buf,
		      const struct pinstat_pin_args *a,
		      const struct pinstat_folio_record *recs, size_t nr)
{
	if (json) {
		fprintf(stdout,
			"{\"pid\": %d, \"handle\": %u, \"kind\": \"%s\", \"addr\": %llu, \"len\": %zu, \"write\": %s, \"longterm\": %s, \"nr_pages\": %llu, \"nr_runs\": %llu, \"pin_ns\": %llu, \"bookkeeping_bytes\": %llu, \"runs\": ",
			getpid(), a->handle, pinstat_buf_kind_str(o->kind),
			(unsigned long long)(unsigned long)buf->addr, buf->len,
			o->flags & PINSTAT_PIN_WRITE ? "true" : "false",
			o->flags & PINSTAT_PIN_LONGTERM ? "true" : "false",
			(unsigned long long)a->nr_pages,
			(unsigned long long)a->nr_runs,
			(unsigned long long)a->pin_ns,
			(unsigned long long)a->bookkeeping_bytes);
		print_records(recs, nr, NULL, 0);
		printf("}\n");
	} else {
		fprintf(stdout,
			"pid %d pinned %zu bytes of %s at %p: handle %u, %llu pages in %llu runs, %.3f ms, %llu bytes of bookkeeping\n",
			getpid(), buf->len, pinstat_buf_kind_str(o->kind),
			buf->addr, a->handle, (unsigned long long)a->nr_pages,
			(unsigned long long)a->nr_runs, a->pin_ns / 1e6,
			(unsigned long long)a->bookkeeping_bytes);
		print_records(recs, nr, NULL, 0);
	}
	fflush(stdout);
}

static atomic_int stop;

static void on_signal(int sig)
{
	stop = sig;
}

/* Wait @seconds, or until SIGINT or SIGTERM if 0. */
static void hold(long seconds)
{
	sigset_t block, old;

	/* Blocked until sigsuspend(): no signal lost before waiting. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGALRM, on_signal);
	if (seconds)
		alarm(seconds);
	while (!stop)
		sigsuspend(&old);
}

static int cmd_pin(int argc, char **argv)
{
	struct pin_opts o = { .kind = -1, .hold = -1 };
	struct pinstat_folio_record *recs;
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	int fd, ret;
	size_t nr;

	ret = pin_options(argc, argv, &o);
	if (ret)
		return ret;
	fd = pinstat_open();
	if (fd < 0)
		return fail_errno(-fd, PINSTAT_DEV);
	ret = pinstat_buf_alloc(&buf, o.kind, o.size);
	if (ret == -EOPNOTSUPP)
		return fail(EXIT_FAILED,
			    "no %s memory on this machine (huge pages reserved? THP enabled?)",
			    pinstat_buf_kind_str(o.kind));
	if (ret)
		return fail_errno(-ret, "allocating the buffer");
	ret = pinstat_pin(fd, buf.addr, buf.len, o.flags, &a);
	if (ret)
		return fail_errno(-ret, "PIN");
	ret = pinstat_report(fd, a.handle, &recs, &nr);
	if (ret)
		return fail_errno(-ret, "REPORT");
	print_pin(&o, &buf, &a, recs, nr);
	free(recs);
	if (o.hold >= 0)
		hold(o.hold);
	/* Closing the file releases the pin. */
	close(fd);
	pinstat_buf_free(&buf);
	return EXIT_OK;
}

static int read_lines(const char *file, struct pinstat_line **lines,
		      size_t *nr)
{
	int ret = pinstat_debugfs_lines(file, lines, nr);

	if (ret) {
		char what[128];

		snprintf(what, sizeof(what), PINSTAT_DEBUGFS "/%s", file);
		return fail_errno(-ret, what);
	}
	return EXIT_OK;
}

static void print_lines(const struct pinstat_line *l, size_t nr,
			const char *file)
{
	size_t i;

	if (!json) {
		for (i = 0; i < nr; i++)
			table_line(&l[i]);
		return;
	}
	printf("[");
	for (i = 0; i < nr; i++) {
		printf(i ? ",\n  " : "\n  ");
		json_line(&l[i], file);
	}
	printf(nr ? "\n]\n" : "]\n");
}

/* summary, then census_summary: a census of all RAM set against the kernel's pins. */
static int cmd_summary(int argc, char **argv)
{
	static const char *const files[] = { "summary", "census_summary" };
	struct pinstat_line *l[ARRAY_SIZE(files)];
	size_t nr[ARRAY_SIZE(files)], f, i, n = 0;
	int ret = EXIT_OK;

	if (argc > 1)
		return fail(EXIT_USAGE, "usage: pinstat summary");
	for (f = 0; f < ARRAY_SIZE(files) && !ret; f++)
		ret = read_lines(files[f], &l[f], &nr[f]);
	if (ret) {
		while (--f > 0)
			pinstat_lines_free(l[f - 1], nr[f - 1]);
		return ret;
	}
	if (json)
		printf("{");
	for (f = 0; f < ARRAY_SIZE(files); f++) {
		for (i = 0; i < nr[f]; i++) {
			if (!json) {
				printf("%-24s %s\n", l[f][i].kv[0].key,
				       l[f][i].kv[0].value);
				continue;
			}
			printf(n++ ? ",\n  " : "\n  ");
			json_str(l[f][i].kv[0].key);
			printf(": ");
			json_value(l[f][i].kv[0].value,
				   json_key_type("summary", l[f][i].kv[0].key));
		}
		pinstat_lines_free(l[f], nr[f]);
	}
	if (json)
		printf("\n}\n");
	return EXIT_OK;
}

/* Lines of debugfs @file, of pin HANDLE and session ID if given. */
static int cmd_list(const char *file, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{}
	};
	const char *handle = NULL, *session = NULL;
	struct pinstat_line *l, *keep;
	size_t nr, i, n = 0;
	int opt, ret;
	char *end;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			session = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		handle = argv[optind++];
	if (optind != argc || (handle && (strtoul(handle, &end, 10), *end)) ||
	    (session && (strtoul(session, &end, 10), *end)))
		return fail(EXIT_USAGE, "usage: pinstat %s [HANDLE] [--session ID]",
			    file);
	ret = read_lines(file, &l, &nr);
	if (ret)
		return ret;
	keep = calloc(nr ? nr : 1, sizeof(*keep));
	if (!keep) {
		pinstat_lines_free(l, nr);
		return fail(EXIT_FAILED, "out of memory");
	}
	for (i = 0; i < nr; i++) {
		const char *h = pinstat_line_get(&l[i], "handle");
		const char *s = pinstat_line_get(&l[i], "session");

		if (handle && (!h || strcmp(h, handle)))
			continue;
		if (session && (!s || strcmp(s, session)))
			continue;
		keep[n++] = l[i];
	}
	if (handle && !n)
		ret = fail(EXIT_FAILED, "no pin with handle %s%s%s", handle,
			   session ? " in session " : "", session ?: "");
	else
		print_lines(keep, n, file);
	free(keep);
	pinstat_lines_free(l, nr);
	return ret;
}

static int cmd_pins(int argc, char **argv)
{
	return cmd_list("pins", argc, argv);
}

static int cmd_runs(int argc, char **argv)
{
	return cmd_list("runs", argc, argv);
}

/* "0x1000-0x2000" */
static int parse_range(const char *s, unsigned long *start, unsigned long *end)
{
	char *dash;

	errno = 0;
	*start = strtoul(s, &dash, 0);
	if (*dash != '-' || errno)
		return -EINVAL;
	*end = strtoul(dash + 1, &dash, 0);
	if (*dash || errno || *start >= *end)
		return -EINVAL;
	return 0;
}

struct inspect_opts {
	int pid;
	unsigned long start, end;
	bool range, all;
};

/* --pid, --range or --all, of inspect and who: EXIT_OK or EXIT_USAGE. */
static int inspect_option(int opt, struct inspect_opts *o)
{
	char *e;

	switch (opt) {
	case 'p':
		o->pid = strtol(optarg, &e, 10);
		if (*e || o->pid <= 0)
			return fail(EXIT_USAGE, "bad pid '%s'", optarg);
		return EXIT_OK;
	case 'r':
		if (parse_range(optarg, &o->start, &o->end))
			return fail(EXIT_USAGE,
				    "bad range '%s': START-END, START below END",
				    optarg);
		o->range = true;
		return EXIT_OK;
	case 'a':
		o->all = true;
		return EXIT_OK;
	default:
		return EXIT_USAGE;	/* getopt_long() said why */
	}
}

/* The options of `pinstat inspect`: EXIT_OK, or the exit code of a failure. */
static int inspect_options(int argc, char **argv, struct inspect_opts *o)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "range", required_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{}
	};
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		ret = inspect_option(opt, o);
		if (ret)
			return ret;
	}
	if (!o->pid || o->all == o->range || optind != argc)
		return fail(EXIT_USAGE,
			    "usage: pinstat inspect --pid PID (--range START-END | --all)");
	return EXIT_OK;
}

/* INSPECT's records of @pid, under the VMAs it has now. */
static void print_inspect(int pid, const struct pinstat_folio_record *recs,
			  size_t nr)
{
	struct vma *vmas = NULL;
	size_t nr_vmas = 0, i, present = 0;

	/* The VMAs as /proc tells them; a process that exits has none. */
	if (read_maps(pid, &vmas, &nr_vmas))
		nr_vmas = 0;
	if (json) {
		printf("{\"pid\": %d, \"vmas\": [", pid);
		for (i = 0; i < nr_vmas; i++) {
			printf("%s{\"start\": %lu, \"end\": %lu, \"perms\": ",
			       i ? ",\n  " : "\n  ", vmas[i].start, vmas[i].end);
			json_str(vmas[i].perms);
			printf(", \"name\": ");
			json_str(vmas[i].name);
			printf("}");
		}
		printf("],\n\"runs\": ");
		print_records(recs, nr, vmas, nr_vmas);
		printf("}\n");
	} else {
		print_records(recs, nr, vmas, nr_vmas);
		for (i = 0; i < nr; i++)
			present += !(recs[i].flags & PINSTAT_FOLIO_NOT_PRESENT);
		printf("%zu records (%zu present) in process %d\n", nr, present, pid);
	}
	free(vmas);
}

/* INSPECT's records (malloc'd) as @o asks: EXIT_OK, or the exit code. */
static int inspect_records(const struct inspect_opts *o,
			   struct pinstat_folio_record **recs, size_t *nr)
{
	int fd, ret;

	fd = pinstat_open();
	if (fd < 0)
		return fail_errno(-fd, PINSTAT_DEV);
	ret = pinstat_inspect(fd, o->pid, o->start, o->end, o->all, 4096, recs,
			      nr);
	close(fd);
	if (ret == -ESRCH)
		return fail(EXIT_FAILED, "no process %d (or it has no memory)",
			    o->pid);
	if (ret == -EPERM)
		return fail(EXIT_PERM, "inspect needs CAP_SYS_ADMIN");
	if (ret == -EINVAL)
		return fail(EXIT_USAGE, "bad range for process %d", o->pid);
	if (ret)
		return fail_errno(-ret, "INSPECT");
	return EXIT_OK;
}

static int cmd_inspect(int argc, char **argv)
{
	struct inspect_opts o = {};
	struct pinstat_folio_record *recs;
	size_t nr;
	int ret;

	ret = inspect_options(argc, argv, &o);
	if (!ret)
		ret = inspect_records(&o, &recs, &nr);
	if (ret)
		return ret;
	print_inspect(o.pid, recs, nr);
	free(recs);
	return EXIT_OK;
}

/* The pin ledger's files, read once for one command. */
struct ledger {
	struct pinstat_line *holds, *entries;
	struct pinstat_stack *stacks;
	size_t nr_holds, nr_entries, nr_stacks;
};

static void ledger_free(struct ledger *lg)
{
	pinstat_lines_free(lg->holds, lg->nr_holds);
	pinstat_lines_free(lg->entries, lg->nr_entries);
	pinstat_stacks_free(lg->stacks, lg->nr_stacks);
}

/*
 * The ledger's entries and stacks, and its holds if @holds: EXIT_OK, or
 * the exit code of a failure.  Holds first, so that an entry a hold names
 * is still there unless its pins went in between (its own keys then only).
 */
static int ledger_read(struct ledger *lg, bool holds)
{
	int ret = EXIT_OK;

	*lg = (struct ledger){};
	/* -1, summary not readable: reading the files says why. */
	if (!pinstat_summary("ledger"))
		return fail(EXIT_LEDGER_OFF,
			    "the pin ledger is off (echo 1 > %s/ledger_enable)",
			    PINSTAT_DEBUGFS);
	if (holds)
		ret = read_lines("holds", &lg->holds, &lg->nr_holds);
	if (!ret)
		ret = read_lines("ledger", &lg->entries, &lg->nr_entries);
	if (!ret) {
		ret = pinstat_debugfs_stacks(&lg->stacks, &lg->nr_stacks);
		if (ret)
			ret = fail_errno(-ret, PINSTAT_DEBUGFS "/stacks");
	}
	if (ret)
		ledger_free(lg);
	return ret;
}

/* The number of @key in @l (hex with 0x), 0 if it has none. */
static unsigned long long line_num(const struct pinstat_line *l,
				   const char *key)
{
	const char *v = pinstat_line_get(l, key);

	return v ? strtoull(v, NULL, 0) : 0;
}

/* The entry a hold names, or NULL when it went since. */
static const struct pinstat_line *ledger_entry(const struct ledger *lg,
					       const struct pinstat_line *hold)
{
	const char *id = pinstat_line_get(hold, "id");
	size_t i;

	for (i = 0; id && i < lg->nr_entries; i++)
		if (!strcmp(pinstat_line_get(&lg->entries[i], "id") ?: "", id))
			return &lg->entries[i];
	return NULL;
}

/* The stack of an entry (or holder), or NULL: none kept, or gone since. */
static const struct pinstat_stack *ledger_stack(const struct ledger *lg,
						const struct pinstat_line *l)
{
	unsigned long long id = line_num(l, "stack");
	size_t i;

	for (i = 0; id && i < lg->nr_stacks; i++)
		if (lg->stacks[i].id == id)
			return &lg->stacks[i];
	return NULL;
}

/*
 * Entry or holder @l of file @file and its stack's frames: in a table, its
 * line and the frames indented under it; in JSON, an object, after a comma
 * unless @first, with the frames in "stack_frames".
 */
static void print_with_stack(const struct ledger *lg,
			     const struct pinstat_line *l, const char *file,
			     bool first)
{
	const struct pinstat_stack *st = ledger_stack(lg, l);
	size_t i;

	if (!json) {
		table_line(l);
		for (i = 0; st && i < st->nr; i++)
			printf("  %s\n", st->frames[i]);
		return;
	}
	printf(first ? "\n  {" : ",\n  {");
	json_pairs(l, file);
	printf(", \"stack_frames\": [");
	for (i = 0; st && i < st->nr; i++) {
		printf(i ? ", " : "");
		json_str(st->frames[i]);
	}
	printf("]}");
}

struct ledger_opts {
	bool longterm;
	unsigned long long older_ms;
};

/* The options of `pinstat ledger`: EXIT_OK, or the exit code of a failure. */
static int ledger_options(int argc, char **argv, struct ledger_opts *o)
{
	static const struct option opts[] = {
		{ "longterm", no_argument, NULL, 'l' },
		{ "older-than", required_argument, NULL, 'o' },
		{}
	};
	unsigned long long s;
	int opt;
	char *e;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			o->longterm = true;
			break;
		case 'o':
			errno = 0;
			s = strtoull(optarg, &e, 10);
			if (*e || e == optarg || optarg[0] == '-' || errno ||
			    s > ~0ULL / 1000)
				return fail(EXIT_USAGE, "bad --older-than '%s'",
					    optarg);
			o->older_ms = s * 1000;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return fail(EXIT_USAGE,
			    "usage: pinstat ledger [--longterm] [--older-than SECONDS]");
	return EXIT_OK;
}

static bool ledger_keep(const struct pinstat_line *e,
			const struct ledger_opts *o)
{
	const char *flags = pinstat_line_get(e, "flags");

	if (o->longterm && (!flags || !strstr(flags, "longterm")))
		return false;
	return line_num(e, "age_ms") >= o->older_ms;
}

static int cmd_ledger(int argc, char **argv)
{
	struct ledger_opts o = {};
	struct ledger lg;
	size_t i, n = 0;
	int ret;

	ret = ledger_options(argc, argv, &o);
	if (!ret)
		ret = ledger_read(&lg, false);
	if (ret)
		return ret;
	printf(json ? "[" : "");
	for (i = 0; i < lg.nr_entries; i++)
		if (ledger_keep(&lg.entries[i], &o))
			print_with_stack(&lg, &lg.entries[i], "ledger", !n++);
	if (json)
		printf(n ? "\n]\n" : "]\n");
	ledger_free(&lg);
	return EXIT_OK;
}

/*
 * What `who` shows of a folio, of a holder (a hold, and the entry it
 * names for what the hold does not say: pages and pins are the hold's, on
 * that folio), and of a holder under `who --pid`.
 */
static const char *const folio_keys[] = {
	"pfn", "order", "folio_foreign_pins", "folio_unattributed",
};

static const char *const holder_keys[] = {
	"id", "tgid", "pid", "flags", "via", "age_ms", "first_page", "pages",
	"pins", "stack", "comm",
};

static const char *const holder_brief_keys[] = { "id", "tgid", "pins", "comm" };

#define JOIN_MAX	ARRAY_SIZE(holder_keys)

/* The pair of @key in @l (which may be NULL), or NULL. */
static const struct pinstat_kv *line_kv(const struct pinstat_line *l,
					const char *key)
{
	size_t i;

	for (i = 0; l && i < l->nr; i++)
		if (!strcmp(l->kv[i].key, key))
			return &l->kv[i];
	return NULL;
}

/* @out, in @kv[JOIN_MAX]: @keys' pairs, of @a where it has them, else @b. */
static void join_line(const char *const *keys, size_t nr_keys,
		      const struct pinstat_line *a, const struct pinstat_line *b,
		      struct pinstat_kv *kv, struct pinstat_line *out)
{
	const struct pinstat_kv *p;
	size_t i;

	out->kv = kv;
	out->nr = 0;
	for (i = 0; i < nr_keys && i < JOIN_MAX; i++) {
		p = line_kv(a, keys[i]) ?: line_kv(b, keys[i]);
		if (p)
			kv[out->nr++] = *p;
	}
}

/* Is @hold on the folio that has page @pfn? */
static bool hold_on(const struct pinstat_line *hold, unsigned long long pfn)
{
	unsigned long long first = line_num(hold, "pfn");
	unsigned long long order = line_num(hold, "order");

	return order < 64 && pfn >= first && pfn - first < 1ULL << order;
}

/* The folio line, from its first hold, opening the JSON object. */
static void who_folio(const struct pinstat_line *hold)
{
	struct pinstat_kv kv[JOIN_MAX];
	struct pinstat_line l;

	join_line(folio_keys, ARRAY_SIZE(folio_keys), hold, NULL, kv, &l);
	if (!json) {
		table_line(&l);
		return;
	}
	putchar('{');
	json_pairs(&l, "holds");
	printf(", \"holders\": [");
}

static int who_pfn(unsigned long long pfn)
{
	const struct pinstat_line *h;
	struct pinstat_kv kv[JOIN_MAX];
	struct pinstat_line l;
	struct ledger lg;
	size_t i, n = 0;
	int ret;

	ret = ledger_read(&lg, true);
	if (ret)
		return ret;
	for (i = 0; i < lg.nr_holds; i++) {
		h = &lg.holds[i];
		if (!hold_on(h, pfn))
			continue;
		if (!n++)
			who_folio(h);
		join_line(holder_keys, ARRAY_SIZE(holder_keys), h,
			  ledger_entry(&lg, h), kv, &l);
		print_with_stack(&lg, &l, "holds", n == 1);
	}
	if (json && n)
		printf("\n]}\n");
	else if (json)
		printf("{\"pfn\": %llu, \"holders\": []}\n", pfn);
	else if (!n)
		printf("no ledger entry holds pins on pfn %#llx\n", pfn);
	ledger_free(&lg);
	return EXIT_OK;
}

#define WHO_COLUMNS	"ADDR              PFN        ORDER FOREIGN  UNATTRIBUTED"

/* Foreign pins of @r that no hold on its folio accounts for. */
static unsigned long long unattributed(const struct ledger *lg,
				       const struct pinstat_folio_record *r)
{
	unsigned long long held = 0;
	size_t i;

	for (i = 0; i < lg->nr_holds; i++)
		if (line_num(&lg->holds[i], "pfn") == r->pfn)
			held += line_num(&lg->holds[i], "pins");
	return r->foreign_pins > held ? r->foreign_pins - held : 0;
}

/* The holders of folio @pfn as `who --pid` shows them. */
static void who_holders(const struct ledger *lg, unsigned long long pfn)
{
	struct pinstat_kv kv[JOIN_MAX];
	struct pinstat_line l;
	size_t i, n = 0;

	for (i = 0; i < lg->nr_holds; i++) {
		if (line_num(&lg->holds[i], "pfn") != pfn)
			continue;
		join_line(holder_brief_keys, ARRAY_SIZE(holder_brief_keys),
			  &lg->holds[i], NULL, kv, &l);
		if (json) {
			printf(n++ ? ", " : "");
			json_line(&l, "holds");
		} else {
			printf("  ");
			table_line(&l);
		}
	}
}

/* A record with foreign pins, and the holders of its folio. */
static void who_record(const struct ledger *lg,
		       const struct pinstat_folio_record *r, bool first)
{
	if (!json) {
		printf("%#-17llx %#-10llx %5u %-8u %llu\n",
		       (unsigned long long)r->addr, (unsigned long long)r->pfn,
		       r->order, r->foreign_pins, unattributed(lg, r));
		who_holders(lg, r->pfn);
		return;
	}
	fprintf(stdout,
		"%s{\"addr\": %llu, \"pfn\": %llu, \"order\": %u, \"foreign_pins\": %u, \"unattributed\": %llu, \"holders\": [",
		first ? "\n  " : ",\n  ", (unsigned long long)r->addr,
		(unsigned long long)r->pfn, r->order, r->foreign_pins,
		unattributed(lg, r));
	who_holders(lg, r->pfn);
	printf("]}");
}

static int who_pid(const struct inspect_opts *o)
{
	struct pinstat_folio_record *recs;
	struct ledger lg;
	size_t nr, i, n = 0;
	int ret;

	/* INSPECT first: reading the ledger then applies the pins it saw. */
	ret = inspect_records(o, &recs, &nr);
	if (ret)
		return ret;
	ret = ledger_read(&lg, true);
	if (ret)
		goto free_recs;
	if (json)
		printf("{\"pid\": %d, \"runs\": [", o->pid);
	else
		puts(WHO_COLUMNS);
	for (i = 0; i < nr; i++)
		if (!(recs[i].flags & PINSTAT_FOLIO_NOT_PRESENT) &&
		    recs[i].foreign_pins)
			who_record(&lg, &recs[i], !n++);
	if (json)
		printf(n ? "\n]}\n" : "]}\n");
	else
		printf("%zu records with foreign pins in process %d\n", n,
		       o->pid);
	ledger_free(&lg);
free_recs:
	free(recs);
	return ret;
}

struct who_opts {
	struct inspect_opts in;
	unsigned long long pfn;
	bool by_pfn;
};

/* The options of `pinstat who`: EXIT_OK, or the exit code of a failure. */
static int who_options(int argc, char **argv, struct who_opts *o)
{
	static const struct option opts[] = {
		{ "pfn", required_argument, NULL, 'f' },
		{ "pid", required_argument, NULL, 'p' },
		{ "range", required_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{}
	};
	int opt, ret;
	char *e;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'f') {
			ret = inspect_option(opt, &o->in);
			if (ret)
				return ret;
			continue;
		}
		errno = 0;
		o->pfn = strtoull(optarg, &e, 0);
		if (*e || e == optarg || optarg[0] == '-' || errno)
			return fail(EXIT_USAGE, "bad pfn '%s'", optarg);
		o->by_pfn = true;
	}
	if (optind != argc ||
	    (o->by_pfn ? o->in.pid || o->in.range || o->in.all :
			 !o->in.pid || o->in.all == o->in.range))
		return fail(EXIT_USAGE,
			    "usage: pinstat who --pfn PFN | --pid PID (--range START-END | --all)");
	return EXIT_OK;
}

static int cmd_who(int argc, char **argv)
{
	struct who_opts o = {};
	int ret;

	ret = who_options(argc, argv, &o);
	if (ret)
		return ret;
	return o.by_pfn ? who_pfn(o.pfn) : who_pid(&o.in);
}

struct blockers_opts {
	unsigned long long start, end;	/* pfns */
	const char *zone;		/* only records of this zone */
	int nid;			/* only records of this node, or -1 */
	bool all;
};

/* The options of `pinstat blockers`: EXIT_OK, or the exit code of a failure. */
static int blockers_options(int argc, char **argv, struct blockers_opts *o)
{
	static const struct option opts[] = {
		{ "pfn", required_argument, NULL, 'f' },
		{ "block", required_argument, NULL, 'b' },
		{ "zone", required_argument, NULL, 'z' },
		{ "node", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{}
	};
	unsigned long start, end;
	int opt, ret, given = 0;
	long v;
	char *e;

	o->nid = -1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (parse_range(optarg, &start, &end))
				return fail(EXIT_USAGE,
					    "bad pfn range '%s': START-END, START below END",
					    optarg);
			o->start = start;
			o->end = end;
			given++;
			break;
		case 'b':
			v = strtol(optarg, &e, 10);
			if (*e || e == optarg || v < 0)
				return fail(EXIT_USAGE, "bad block '%s'", optarg);
			ret = pinstat_block_pfns(v, &o->start, &o->end);
			if (ret)
				return fail(EXIT_USAGE, "no memory block %ld: %s",
					    v, strerror(-ret));
			given++;
			break;
		case 'z':
			o->zone = optarg;
			given++;
			break;
		case 'n':
			v = strtol(optarg, &e, 10);
			if (*e || e == optarg || v < 0)
				return fail(EXIT_USAGE, "bad node '%s'", optarg);
			o->nid = v;
			break;
		case 'a':
			o->all = true;
			given++;
			break;
		default:
			return EXIT_USAGE;	/* getopt_long() said why */
		}
	}
	if (optind != argc || given + (o->nid >= 0 && !o->zone) != 1)
		return fail(EXIT_USAGE,
			    "usage: pinstat blockers (--pfn START-END | --block N | --zone NAME [--node N] | --node N | --all)");
	if (o->zone || o->nid >= 0) {
		ret = pinstat_zone_pfns(o->nid, o->zone, &o->start, &o->end);
		if (ret)
			return fail(EXIT_USAGE, "no memory in zone %s of node %d",
				    o->zone ? o->zone : "(any)", o->nid);
	}
	return EXIT_OK;
}

#define BLOCKER_COLUMNS	"PFN        ORDER KIND      ZONE    NODE PINCOUNT   EXACT REFCOUNT   MAPCOUNT UNEXPLAINED OWN      FOREIGN"

/* The ledger's holders of @r's folio, as a table's lines or a JSON array. */
static void blocker_holders(int fd, const struct pinstat_census_record *r)
{
	struct pinstat_holder h[16];
	struct pinstat_holders_args a;
	char comm[sizeof(h[0].comm) + 1];
	unsigned int i;

	if (pinstat_holders(fd, r->folio.pfn, &a, h, ARRAY_SIZE(h)))
		return;		/* the ledger is off: nobody to name */
	if (json)
		printf(", \"holders\": [");
	for (i = 0; i < a.nr_holders; i++) {
		memcpy(comm, h[i].comm, sizeof(h[i].comm));
		comm[sizeof(h[i].comm)] = 0;
		if (!json) {
			printf("  holder id=%u tgid=%d pid=%d pins=%u longterm=%d comm=%s\n",
			       h[i].entry_id, h[i].tgid, h[i].pid, h[i].pins,
			       !!(h[i].flags & PINSTAT_HOLDER_LONGTERM), comm);
			continue;
		}
		fprintf(stdout,
			"%s{\"id\": %u, \"tgid\": %d, \"pid\": %d, \"pins\": %u, \"longterm\": %s, \"comm\": ",
		       i ? ", " : "", h[i].entry_id, h[i].tgid, h[i].pid,
		       h[i].pins,
		       h[i].flags & PINSTAT_HOLDER_LONGTERM ? "true" : "false");
		json_str(comm);
		putchar('}');
	}
	if (json)
		printf("], \"unattributed_pins\": %u", a.unattributed_pins);
	else if (a.unattributed_pins)
		printf("  unattributed pins=%u\n", a.unattributed_pins);
}

/* A line of debugfs runs, by the pfn of its folio. */
struct run_by_pfn {
	unsigned long long pfn;
	const struct pinstat_line *line;
};

static int run_cmp(const void *a, const void *b)
{
	const struct run_by_pfn *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* The lines of debugfs runs @l (@nr of them) sorted by pfn, or NULL. */
static struct run_by_pfn *runs_by_pfn(const struct pinstat_line *l, size_t nr)
{
	struct run_by_pfn *r = malloc((nr ? nr : 1) * sizeof(*r));
	size_t i;

	if (!r)
		return NULL;
	for (i = 0; i < nr; i++) {
		r[i].pfn = line_num(&l[i], "pfn");
		r[i].line = &l[i];
	}
	qsort(r, nr, sizeof(*r), run_cmp);
	return r;
}

/*
 * The sessions of pinstat's own pins on @r's folio, from debugfs runs
 * sorted by pfn (@runs, @nr_runs), as a table's lines or JSON objects.
 */
static void blocker_sessions(const struct pinstat_census_record *r,
			     const struct run_by_pfn *runs, size_t nr_runs)
{
	static const char *const keys[] = { "session", "handle", "pid", "pages" };
	struct run_by_pfn key = { .pfn = r->folio.pfn };
	const struct run_by_pfn *run;
	struct pinstat_kv kv[JOIN_MAX];
	struct pinstat_line l;
	size_t n = 0;

	if (json)
		printf(", \"sessions\": [");
	run = nr_runs ? bsearch(&key, runs, nr_runs, sizeof(*runs), run_cmp) :
			NULL;
	while (run && run > runs && run[-1].pfn == key.pfn)
		run--;
	for (; run && run < runs + nr_runs && run->pfn == key.pfn; run++) {
		join_line(keys, ARRAY_SIZE(keys), run->line, NULL, kv, &l);
		if (json) {
			printf(n++ ? ", " : "");
			json_line(&l, "runs");
			continue;
		}
		printf("  pinstat ");
		table_line(&l);
	}
	if (json)
		printf("]");
}

static void blocker_row(int fd, const struct pinstat_census_record *r,
			const struct run_by_pfn *runs, size_t nr_runs,
			bool first)
{
	const struct pinstat_folio_record *f = &r->folio;

	if (!json) {
		printf("%#-10llx %5u %-9s %-7s %-4u %-10llu %-5s %-10u %-8d %-11u %-8u %u\n",
		       (unsigned long long)f->pfn, f->order,
		       pinstat_kind_str(f->kind), pinstat_zone_str(r->zone),
		       r->nid, (unsigned long long)f->pincount,
		       f->flags & PINSTAT_FOLIO_EXACT ? "yes" : "est",
		       f->refcount, f->mapcount, r->unexplained, f->own_pins,
		       f->foreign_pins);
		if (f->own_pins)
			blocker_sessions(r, runs, nr_runs);
		if (f->foreign_pins)
			blocker_holders(fd, r);
		return;
	}
	fprintf(stdout,
		"%s{\"pfn\": %llu, \"order\": %u, \"kind\": \"%s\", \"zone\": \"%s\", \"nid\": %u, \"pincount\": %llu, \"pincount_exact\": %s, \"refcount\": %u, \"mapcount\": %d, \"mapped\": %s, \"unexplained\": %u, \"maybe_dma_pinned\": %s, \"own_pins\": %u, \"foreign_pins\": %u",
	       first ? "\n  " : ",\n  ", (unsigned long long)f->pfn, f->order,
	       pinstat_kind_str(f->kind), pinstat_zone_str(r->zone), r->nid,
	       (unsigned long long)f->pincount,
	       f->flags & PINSTAT_FOLIO_EXACT ? "true" : "false",
	       f->refcount, f->mapcount,
	       r->flags & PINSTAT_CENSUS_UNMAPPED ? "false" : "true",
	       r->unexplained,
	       f->flags & PINSTAT_FOLIO_MAYBE_DMA_PINNED ? "true" : "false",
	       f->own_pins, f->foreign_pins);
	if (f->own_pins)
		blocker_sessions(r, runs, nr_runs);
	if (f->foreign_pins)
		blocker_holders(fd, r);
	putchar('}');
}

/* Does @r belong to what @o asked for (a zone, a node)? */
static bool blocker_wanted(const struct blockers_opts *o,
			   const struct pinstat_census_record *r)
{
	return (!o->zone || !strcmp(o->zone, pinstat_zone_str(r->zone))) &&
	       (o->nid < 0 || r->nid == (unsigned int)o->nid);
}

static int cmd_blockers(int argc, char **argv)
{
	unsigned long long scanned, pins = 0, unmapped = 0, movable = 0;
	struct pinstat_census_record *recs;
	struct blockers_opts o = {};
	struct run_by_pfn *sorted;
	struct pinstat_line *runs;
	long long t0, kernel_pins;
	size_t nr, nr_runs, nr_lines, i, n = 0;
	int fd, ret;

	ret = blockers_options(argc, argv, &o);
	if (ret)
		return ret;
	fd = pinstat_open();
	if (fd < 0)
		return fail_errno(-fd, PINSTAT_DEV);
	t0 = pinstat_now_ns();
	ret = pinstat_census(fd, o.start, o.end, o.all, 1024, &recs, &nr,
			     &scanned);
	t0 = pinstat_now_ns() - t0;
	kernel_pins = pinstat_vmstat_pinned();
	if (ret) {
		close(fd);
		if (ret == -EPERM)
			return fail(EXIT_PERM, "blockers needs CAP_SYS_ADMIN");
		return fail_errno(-ret, "CENSUS");
	}
	/* Whose pinstat's own pins are: its sessions' runs, by pfn. */
	if (pinstat_debugfs_lines("runs", &runs, &nr_runs)) {
		runs = NULL;
		nr_runs = 0;
	}
	nr_lines = nr_runs;
	sorted = runs_by_pfn(runs, nr_runs);
	if (!sorted)
		nr_runs = 0;
	if (json)
		printf("{\"start_pfn\": %llu, \"end_pfn\": %llu, \"all\": %s, \"folios\": [",
		       o.start, o.end, o.all ? "true" : "false");
	else
		puts(BLOCKER_COLUMNS);
	for (i = 0; i < nr; i++) {
		if (!blocker_wanted(&o, &recs[i]))
			continue;
		blocker_row(fd, &recs[i], sorted, nr_runs, !n++);
		if (!(recs[i].flags & PINSTAT_CENSUS_PINNED))
			continue;
		pins += recs[i].folio.pincount;
		if (recs[i].flags & PINSTAT_CENSUS_UNMAPPED)
			unmapped += recs[i].folio.pincount;
		if (recs[i].zone == PINSTAT_ZONE_MOVABLE)
			movable += recs[i].folio.pincount;
	}
	if (json)
		fprintf(stdout,
			"%s],\n\"pins\": %llu, \"pins_unmapped\": %llu, \"pins_movable\": %llu, \"kernel_pins\": %lld, \"pfns_scanned\": %llu, \"scan_ns\": %lld}\n",
		       n ? "\n" : "", pins, unmapped, movable, kernel_pins,
		       scanned, t0);
	else
		fprintf(stdout,
			"%zu folios: %llu pins, %llu on memory no process maps, %llu in ZONE_MOVABLE; the kernel holds %lld pins (nr_foll_pin_acquired - nr_foll_pin_released); %llu pfns scanned in %lld ms\n",
		       n, pins, unmapped, movable, kernel_pins, scanned,
		       t0 / 1000000);
	free(sorted);
	pinstat_lines_free(runs, nr_lines);
	free(recs);
	close(fd);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} cmds[] = {
		{ "pin", cmd_pin }, { "summary", cmd_summary },
		{ "pins", cmd_pins }, { "runs", cmd_runs },
		{ "inspect", cmd_inspect }, { "ledger", cmd_ledger },
		{ "who", cmd_who }, { "blockers", cmd_blockers },
	};
	int i = 1, j, n = 1;
	size_t c;

	/* --json may come anywhere: take it out before the subcommand's parse. */
	for (j = 1; j < argc; j++) {
		if (!strcmp(argv[j], "--json"))
			json = true;
		else
			argv[n++] = argv[j];
	}
	argc = n;
	argv[argc] = NULL;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		}
		usage(stderr);
		return fail(EXIT_USAGE, "unknown option '%s'", argv[i]);
	}
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (c = 0; c < ARRAY_SIZE(cmds); c++)
		if (!strcmp(argv[i], cmds[c].name))
			return cmds[c].run(argc - i, argv + i);
	return fail(EXIT_USAGE,
		    "unknown command '%s' (pin, summary, pins, runs, inspect, ledger, who, blockers; --help)",
		    argv[i]);
}
