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
	"    pinstat --help\n"
	"\n"
	"DESCRIPTION\n"
	"    pin      map SIZE bytes of KIND memory (anon, thp, hugetlb-2m,\n"
	"             hugetlb-1g, shmem, file, zero, mthp-64k), pin them through\n"
	"             /dev/pinstat and print the pin and its runs; with --hold,\n"
	"             keep the pin for SECONDS (default: until SIGINT or SIGTERM).\n"
	"             SIZE takes K, M and G suffixes.\n"
	"    summary  the module's counters (debugfs summary).\n"
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
	"\n"
	"    --json   print one JSON document instead of a table (field names are\n"
	"             listed in Documentation/pinstat/command.rst and do not\n"
	"             change).  A field's type depends on its name only: comm,\n"
	"             flags, kind, perms, name and, in pins, pincount are\n"
	"             strings, the others numbers (a value of a number field\n"
	"             that debugfs did not write as a number is printed as a\n"
	"             string, unchanged).\n"
	"             Strings are valid UTF-8: each invalid byte sequence becomes\n"
	"             U+FFFD, control characters \\u00XX.\n"
	"\n"
	"EXIT STATUS\n"
	"    0 success; 1 the operation failed (the message names the cause);\n"
	"    2 bad usage; 3 pinstat.ko is not loaded or debugfs is not mounted;\n"
	"    4 permission denied.\n";

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
 * The strings are comm and the names debugfs gives flags, kind and (in
 * "pins" only, a number in "runs") pincount; addr and pfn are hex
 * numbers; every other key, in every file, is a decimal number.
 */
static enum json_type json_key_type(const char *file, const char *key)
{
	if (!strcmp(key, "comm") || !strcmp(key, "flags") ||
	    !strcmp(key, "kind"))
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

/* A line of debugfs @file as a JSON object. */
static void json_line(const struct pinstat_line *l, const char *file)
{
	size_t i;

	putchar('{');
	for (i = 0; i < l->nr; i++) {
		printf(i ? ", " : "");
		json_str(l->kv[i].key);
		printf(": ");
		json_value(l->kv[i].value,
			   json_key_type(file, l->kv[i].key));
	}
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

static int cmd_summary(int argc, char **argv)
{
	struct pinstat_line *l;
	size_t nr, i;
	int ret;

	if (argc > 1)
		return fail(EXIT_USAGE, "usage: pinstat summary");
	ret = read_lines("summary", &l, &nr);
	if (ret)
		return ret;
	if (json) {
		printf("{");
		for (i = 0; i < nr; i++) {
			printf(i ? ",\n  " : "\n  ");
			json_str(l[i].kv[0].key);
			printf(": ");
			json_value(l[i].kv[0].value,
				   json_key_type("summary", l[i].kv[0].key));
		}
		printf("\n}\n");
	} else {
		for (i = 0; i < nr; i++)
			printf("%-24s %s\n", l[i].kv[0].key, l[i].kv[0].value);
	}
	pinstat_lines_free(l, nr);
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
	bool all;
};

/* The options of `pinstat inspect`: EXIT_OK, or the exit code of a failure. */
static int inspect_options(int argc, char **argv, struct inspect_opts *o)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "range", required_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{}
	};
	bool range = false;
	int opt;
	char *e;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			o->pid = strtol(optarg, &e, 10);
			if (*e || o->pid <= 0)
				return fail(EXIT_USAGE, "bad pid '%s'", optarg);
			break;
		case 'r':
			if (parse_range(optarg, &o->start, &o->end))
				return fail(EXIT_USAGE,
					    "bad range '%s': START-END, START below END",
					    optarg);
			range = true;
			break;
		case 'a':
			o->all = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (!o->pid || o->all == range || optind != argc)
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

static int cmd_inspect(int argc, char **argv)
{
	struct inspect_opts o = {};
	struct pinstat_folio_record *recs;
	int fd, ret;
	size_t nr;

	ret = inspect_options(argc, argv, &o);
	if (ret)
		return ret;
	fd = pinstat_open();
	if (fd < 0)
		return fail_errno(-fd, PINSTAT_DEV);
	ret = pinstat_inspect(fd, o.pid, o.start, o.end, o.all, 4096, &recs,
			      &nr);
	close(fd);
	if (ret == -ESRCH)
		return fail(EXIT_FAILED, "no process %d (or it has no memory)",
			    o.pid);
	if (ret == -EPERM)
		return fail(EXIT_PERM, "inspect needs CAP_SYS_ADMIN");
	if (ret == -EINVAL)
		return fail(EXIT_USAGE, "bad range for process %d", o.pid);
	if (ret)
		return fail_errno(-ret, "INSPECT");
	print_inspect(o.pid, recs, nr);
	free(recs);
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
		{ "inspect", cmd_inspect },
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
		    "unknown command '%s' (pin, summary, pins, runs, inspect; --help)",
		    argv[i]);
}
