// SPDX-License-Identifier: GPL-2.0
/*
 * pinstat-stress: processes and threads pin, report and release random
 * ranges of every memory kind for a bounded time, then the pin counts of
 * every folio, pinstat's counters and the kernel's nr_foll_pin_* must be
 * back where they started.
 *
 *   pinstat-stress [-d SECONDS] [-p PROCESSES] [-t THREADS] [-s SEED] [-R]
 *
 * The parent maps one 2 MiB buffer of each kind it can and holds a probe
 * pin on each, so fork() gives the workers their own copies of the private
 * ones (the kernel copies pinned anonymous pages at fork) and shares the
 * shmem, page-cache and zero pages.  Each thread pins through the process's
 * file or its own.  Odd-numbered workers are killed with SIGKILL at the
 * end, the others exit holding their pins; nobody unpins what is left.
 * -R adds one process that pins one page of its own and does nothing but
 * REPORT it meanwhile.  Prints TAP, with the calls made and the seconds
 * they took ("# call_rates", "# lone_report_rate": make bench reads
 * them); exits 1 when a check fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libpinstat.h"

#define MAX_PROCS	16
#define MAX_THREADS	16
#define HANDLES		32	/* pins a thread keeps at most */

static const enum pinstat_buf_kind kinds[] = {
	BUF_ANON, BUF_THP, BUF_HUGETLB_2M, BUF_SHMEM, BUF_FILE, BUF_ZERO,
};

#define NR_KINDS	ARRAY_SIZE(kinds)

static struct pinstat_buf bufs[NR_KINDS];
static bool have[NR_KINDS];

/* What a worker process (or -R's reporter) did, sent through a pipe. */
struct tally {
	long pins, unpins, reports, refused_limit, refused_longterm_file;
	long reports_nospc;	/* of @reports, refused for a short array */
	long bad;		/* calls that failed with an undocumented errno */
	int bad_errno;
	char bad_what[64];
	double seconds;		/* the lone reporter's: how long it reported */
};

struct thread_ctx {
	pthread_t th;
	int shared_fd;		/* the process's file */
	int own_fd;		/* the thread's, if it could open one */
	unsigned int seed;
	long long deadline_ns;
	unsigned int handles[HANDLES];	/* 0: a free slot */
	int fds[HANDLES];	/* the file each pin went through */
	struct tally t;
};

static void bad(struct tally *t, const char *what, int err)
{
	if (!t->bad++) {
		t->bad_errno = err;
		snprintf(t->bad_what, sizeof(t->bad_what), "%s", what);
	}
}

static void tally_add(struct tally *sum, const struct tally *t)
{
	sum->pins += t->pins;
	sum->unpins += t->unpins;
	sum->reports += t->reports;
	sum->reports_nospc += t->reports_nospc;
	sum->refused_limit += t->refused_limit;
	sum->refused_longterm_file += t->refused_longterm_file;
	if (t->bad && !sum->bad) {
		sum->bad_errno = t->bad_errno;
		memcpy(sum->bad_what, t->bad_what, sizeof(sum->bad_what));
	}
	sum->bad += t->bad;
}

/* PIN a random range of buffer @k into slot @h. */
static void thread_pin(struct thread_ctx *c, unsigned int h, unsigned int k)
{
	size_t pages = bufs[k].len / PAGE_SZ, first;
	struct pinstat_pin_args pin = {};
	struct tally *t = &c->t;
	int err;

	/* Through the process's file or the thread's own. */
	c->fds[h] = c->own_fd >= 0 && rand_r(&c->seed) % 2 ? c->own_fd :
							     c->shared_fd;
	first = rand_r(&c->seed) % pages;
	pin.addr = (unsigned long)bufs[k].addr + first * PAGE_SZ +
		   rand_r(&c->seed) % 64;
	pin.len = 1 + rand_r(&c->seed) % ((pages - first) * PAGE_SZ - 64);
	if (kinds[k] != BUF_ZERO && rand_r(&c->seed) % 2)
		pin.flags |= PINSTAT_PIN_WRITE;
	if (rand_r(&c->seed) % 4 == 0)
		pin.flags |= PINSTAT_PIN_LONGTERM;
	err = ioctl(c->fds[h], PINSTAT_IOC_PIN, &pin) ? errno : 0;
	if (!err) {
		t->pins++;
		c->handles[h] = pin.handle;
	} else if (err == EMFILE || err == EDQUOT) {
		t->refused_limit++;
	} else if (err == EFAULT && kinds[k] == BUF_FILE &&
		   pin.flags == (PINSTAT_PIN_WRITE | PINSTAT_PIN_LONGTERM)) {
		/* No long-term write pins of file pages. */
		t->refused_longterm_file++;
	} else {
		bad(t, "PIN", err);
	}
}

static void thread_unpin(struct thread_ctx *c, unsigned int h)
{
	int err = pinstat_unpin(c->fds[h], c->handles[h]);

	if (err)
		bad(&c->t, "UNPIN", -err);
	c->handles[h] = 0;
	c->t.unpins++;
}

static void thread_report(struct thread_ctx *c, unsigned int h)
{
	struct pinstat_folio_record recs[512];
	struct pinstat_report_args rep = {
		.handle = c->handles[h],
		.records = (unsigned long)recs,
		.nr_records = ARRAY_SIZE(recs),
		.record_size = sizeof(recs[0]),
	};
	int err = ioctl(c->fds[h], PINSTAT_IOC_REPORT, &rep) ? errno : 0;

	/* 2 MiB of small pages at an offset has 513 records. */
	if (err == ENOSPC)
		c->t.reports_nospc++;
	else if (err)
		bad(&c->t, "REPORT", err);
	c->t.reports++;
}

static void *thread_main(void *arg)
{
	struct thread_ctx *c = arg;

	c->own_fd = pinstat_open();
	while (pinstat_now_ns() < c->deadline_ns) {
		unsigned int op = rand_r(&c->seed) % 100;
		unsigned int h = rand_r(&c->seed) % HANDLES;
		unsigned int k = rand_r(&c->seed) % NR_KINDS;

		if (op < 45 && !c->handles[h] && have[k])
			thread_pin(c, h, k);
		else if (op >= 45 && op < 80 && c->handles[h])
			thread_unpin(c, h);
		else if (op >= 80 && c->handles[h])
			thread_report(c, h);
	}
	/* What is still pinned goes with the process, never unpinned. */
	return NULL;
}

struct options {
	int procs, threads;
	double seconds;
	unsigned int seed;
	bool lone;		/* -R */
};

static void worker(int id, const struct options *o, int go_fd, int tally_fd)
{
	struct thread_ctx ctx[MAX_THREADS];
	struct tally sum = {};
	int fd = pinstat_open(), i;
	char c;

	if (fd < 0 || read(go_fd, &c, 1) != 1)
		_exit(2);
	for (i = 0; i < o->threads; i++) {
		ctx[i] = (struct thread_ctx){
			.shared_fd = fd,
			.deadline_ns = pinstat_now_ns() + o->seconds * 1e9,
			.seed = o->seed * 7919 + id * 104729 + i,
		};
		if (pthread_create(&ctx[i].th, NULL, thread_main, &ctx[i]))
			_exit(3);
	}
	for (i = 0; i < o->threads; i++) {
		pthread_join(ctx[i].th, NULL);
		tally_add(&sum, &ctx[i].t);
	}
	if (write(tally_fd, &sum, sizeof(sum)) != sizeof(sum))
		_exit(4);
	if (id % 2)
		pause();	/* killed by the parent, pins held */
	_exit(0);		/* exits with its pins held */
}

/*
 * -R: one page of its own pinned, then nothing but REPORTs of it for as
 * long as the workers run: what a REPORT costs a bystander meanwhile.  It
 * pins only after the go, when the parent has counted pinstat's pins.
 */
static void lone_reporter(const struct options *o, int go_fd, int tally_fd)
{
	struct pinstat_folio_record rec;
	struct pinstat_pin_args pin;
	struct pinstat_buf buf;
	struct tally t = {};
	long long start;
	int fd, err;
	char c;

	fd = pinstat_open();
	if (fd < 0 || pinstat_buf_alloc(&buf, BUF_ANON, PAGE_SZ) ||
	    read(go_fd, &c, 1) != 1 ||
	    pinstat_pin(fd, buf.addr, PAGE_SZ, 0, &pin))
		_exit(2);
	start = pinstat_now_ns();
	while (pinstat_now_ns() < start + o->seconds * 1e9) {
		struct pinstat_report_args rep = {
			.handle = pin.handle,
			.records = (unsigned long)&rec,
			.nr_records = 1,
			.record_size = sizeof(rec),
		};

		err = ioctl(fd, PINSTAT_IOC_REPORT, &rep) ? errno : 0;
		if (err)
			bad(&t, "REPORT", err);
		t.reports++;
	}
	t.seconds = (pinstat_now_ns() - start) / 1e9;
	err = pinstat_unpin(fd, pin.handle);
	if (err)
		bad(&t, "UNPIN", -err);
	close(fd);
	pinstat_buf_free(&buf);
	if (write(tally_fd, &t, sizeof(t)) != sizeof(t))
		_exit(4);
	_exit(0);
}

/*
 * For make bench: REPORTs a second, those answered with records (-ENOSPC
 * returns before any record is built), and all calls a second, counted as
 * the run's summary line counts them: PINs that succeeded, UNPINs and
 * REPORTs.
 */
static void print_rates(const struct tally *sum, double seconds,
			const struct tally *lone, const struct options *o)
{
	long calls = sum->pins + sum->unpins + sum->reports;

	printf("# call_rates seconds=%.2f pins=%ld unpins=%ld reports=%ld enospc=%ld",
	       seconds, sum->pins, sum->unpins, sum->reports,
	       sum->reports_nospc);
	printf(" reports_per_second=%.0f calls=%ld calls_per_second=%.0f",
	       (sum->reports - sum->reports_nospc) / seconds, calls,
	       calls / seconds);
	printf(" duration=%g processes=%d threads=%d seed=%u lone=%d\n",
	       o->seconds, o->procs, o->threads, o->seed, o->lone);
	if (o->lone)
		printf("# lone_report_rate seconds=%.2f reports=%ld reports_per_second=%.0f\n",
		       lone->seconds, lone->reports,
		       lone->reports / lone->seconds);
}

/* The probe pins' records, to compare before and after. */
static struct pinstat_folio_record *probe_recs[NR_KINDS];
static size_t probe_nr[NR_KINDS];
static unsigned int probe_handle[NR_KINDS];

static int snapshot(int fd, struct pinstat_folio_record **out, size_t *nr)
{
	unsigned int k;

	for (k = 0; k < NR_KINDS; k++) {
		if (!have[k])
			continue;
		if (pinstat_report(fd, probe_handle[k], &out[k], &nr[k]))
			return -1;
	}
	return 0;
}

static void free_snapshot(struct pinstat_folio_record **recs)
{
	unsigned int k;

	for (k = 0; k < NR_KINDS; k++)
		if (have[k])
			free(recs[k]);
}

/* Records that differ from probe_recs; prints the first ten if @show. */
static long compare(struct pinstat_folio_record **after, size_t *after_nr,
		    bool show)
{
	long mismatches = 0;
	unsigned int k;
	size_t j;

	for (k = 0; k < NR_KINDS; k++) {
		if (!have[k])
			continue;
		if (after_nr[k] != probe_nr[k])
			return -1;
		for (j = 0; j < probe_nr[k]; j++) {
			struct pinstat_folio_record *b = &probe_recs[k][j];
			struct pinstat_folio_record *a = &after[k][j];

			/*
			 * Pins: the exact count, or refcount / 1024 on a small
			 * folio.  A plain reference (an LRU batch, the page
			 * cache) is not a pin: it is shown, not failed.
			 */
			if (a->pfn == b->pfn && a->pincount == b->pincount &&
			    a->mapcount == b->mapcount) {
				if (a->refcount != b->refcount && show)
					printf("# %s record %zu: refcount %u -> %u (same pins)\n",
					       pinstat_buf_kind_str(kinds[k]), j,
					       b->refcount, a->refcount);
				continue;
			}
			if (show && mismatches < 10)
				fprintf(stdout,
					"# %s record %zu: refcount %u -> %u, pincount %llu -> %llu, mapcount %d -> %d\n",
					pinstat_buf_kind_str(kinds[k]), j,
					b->refcount, a->refcount,
					(unsigned long long)b->pincount,
					(unsigned long long)a->pincount,
					b->mapcount, a->mapcount);
			mismatches++;
		}
	}
	return mismatches;
}

/* A snapshot that two looks in a row agree on. */
static int stable_snapshot(int fd, struct pinstat_folio_record **out,
			   size_t *nr)
{
	struct pinstat_folio_record *again[NR_KINDS];
	size_t again_nr[NR_KINDS];
	unsigned int k;
	long diff = -1;

	pinstat_drain_lru();
	if (snapshot(fd, out, nr))
		return -1;
	for (int tries = 0; tries < 20 && diff; tries++) {
		usleep(50 * 1000);
		pinstat_drain_lru();
		if (snapshot(fd, again, again_nr))
			return -1;
		diff = compare(again, again_nr, false);
		for (k = 0; k < NR_KINDS; k++) {
			if (!have[k])
				continue;
			free(out[k]);
			out[k] = again[k];
		}
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int opt;

	while ((opt = getopt(argc, argv, "d:p:t:s:R")) != -1) {
		switch (opt) {
		case 'd':
			o->seconds = atof(optarg);
			break;
		case 'p':
			o->procs = atoi(optarg);
			break;
		case 't':
			o->threads = atoi(optarg);
			break;
		case 's':
			o->seed = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			o->lone = true;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-d SECONDS] [-p PROCESSES] [-t THREADS] [-s SEED] [-R]\n",
				argv[0]);
			return -EINVAL;
		}
	}
	if (o->procs < 1 || o->procs > MAX_PROCS || o->threads < 1 ||
	    o->threads > MAX_THREADS) {
		fprintf(stderr, "1..%d processes, 1..%d threads\n", MAX_PROCS,
			MAX_THREADS);
		return -EINVAL;
	}
	return 0;
}

/* A buffer of each kind the machine has, each with a probe pin. */
static int probe_pins(int probe)
{
	struct pinstat_pin_args a;
	unsigned int k;

	for (k = 0; k < NR_KINDS; k++) {
		if (pinstat_buf_alloc(&bufs[k], kinds[k], SZ_2M))
			continue;
		if (pinstat_pin(probe, bufs[k].addr, bufs[k].len, 0, &a)) {
			printf("not ok 1 - stress: probe pin of %s failed\n",
			       pinstat_buf_kind_str(kinds[k]));
			return -1;
		}
		probe_handle[k] = a.handle;
		have[k] = true;
		printf("# %s: %zu bytes, %llu folio records\n",
		       pinstat_buf_kind_str(kinds[k]), bufs[k].len,
		       (unsigned long long)a.nr_runs);
	}
	return 0;
}

/* pinstat's pins and pages once the workers exist, before they start. */
struct start {
	long long pins, pages;
};

/* Fork -R's reporter, with its own pipe, which only it can write. */
static pid_t start_lone(const struct options *o, int probe, int go_fd,
			int *tally_fd)
{
	int tally[2];
	pid_t pid;

	if (pipe(tally))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(probe);
		lone_reporter(o, go_fd, tally[1]);
	}
	close(tally[1]);
	*tally_fd = tally[0];
	return pid;
}

/*
 * Fork the workers, look at the probes' folios and pinstat's counters
 * (fork() changed how the parent maps pinned THPs: only now), let the
 * workers go, add up their tallies (and -R's in @lone); kill the odd
 * ones, reap all.  Returns the nanoseconds from go to the last worker's
 * tally, or -1.
 */
static long long run_workers(const struct options *o, int probe,
			     struct start *st, struct tally *sum,
			     struct tally *lone)
{
	pid_t pids[MAX_PROCS], lone_pid = 0;
	int go[2], tally[2], lone_fd = -1, i;
	long long t0, ns;
	struct tally t;

	if (pipe(go) || pipe(tally))
		return -1;
	fflush(stdout);
	for (i = 0; i < o->procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -1;
		if (pids[i] == 0) {
			close(probe);
			worker(i, o, go[0], tally[1]);
		}
	}
	if (o->lone) {
		lone_pid = start_lone(o, probe, go[0], &lone_fd);
		if (lone_pid < 0)
			return -1;
	}
	st->pins = pinstat_summary("pins");
	st->pages = pinstat_summary("pages");
	if (stable_snapshot(probe, probe_recs, probe_nr))
		return -1;
	t0 = pinstat_now_ns();
	for (i = 0; i < o->procs + o->lone; i++)
		if (write(go[1], "g", 1) != 1)
			return -1;
	for (i = 0; i < o->procs; i++) {
		if (read(tally[0], &t, sizeof(t)) != sizeof(t))
			return -1;
		tally_add(sum, &t);
	}
	ns = pinstat_now_ns() - t0;
	for (i = 0; i < o->procs; i++) {
		if (i % 2)
			kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	if (o->lone) {
		if (read(lone_fd, lone, sizeof(*lone)) != sizeof(*lone))
			return -1;
		waitpid(lone_pid, NULL, 0);
	}
	return ns;
}

/*
 * Test 2.  Compaction (kcompactd, ours) and LRU batches take references
 * for a moment; a leaked one never goes away.  Look until they match.
 */
static bool folios_back(int probe)
{
	struct pinstat_folio_record *after[NR_KINDS];
	size_t after_nr[NR_KINDS];
	long mismatches = 0;
	bool ok, done;
	int tries;

	for (tries = 0; tries < 50; tries++) {
		if (tries)
			usleep(100 * 1000);
		pinstat_drain_lru();
		ok = snapshot(probe, after, after_nr) == 0;
		mismatches = ok ? compare(after, after_nr, false) : 0;
		done = !ok || !mismatches || tries == 49;
		/* Show what differs, plain references included, once. */
		if (ok && done)
			compare(after, after_nr, true);
		if (ok)
			free_snapshot(after);
		if (done)
			break;
	}
	printf("# folio counts compared %d time(s) (transient references)\n",
	       tries + 1);
	ok = ok && !mismatches;
	fprintf(stdout,
		"%sok 2 - stress: every folio's pin count and map count back to its start (%ld differ)\n",
		ok ? "" : "not ", mismatches);
	return ok;
}

int main(int argc, char **argv)
{
	struct options o = { .procs = 2, .threads = 3, .seconds = 20, .seed = 1 };
	long long vm0, vm_probe, ns;
	struct tally sum = {}, lone = {};
	struct start st;
	bool ok, counters;
	unsigned int k;
	int probe;

	if (parse_options(argc, argv, &o))
		return 2;
	printf("TAP version 13\n1..3\n");
	vm0 = pinstat_vmstat_pinned();
	probe = pinstat_open();
	if (probe < 0) {
		printf("not ok 1 - stress: open %s: %s\n", PINSTAT_DEV, strerror(-probe));
		return 1;
	}
	if (probe_pins(probe))
		return 1;
	vm_probe = pinstat_vmstat_pinned();
	ns = run_workers(&o, probe, &st, &sum, &lone);
	if (ns < 0)
		return 1;
	fprintf(stdout,
		"# %.1f s, %d processes x %d threads, seed %u: %ld pins, %ld unpins, %ld reports (%.0f calls/s), refused: %ld at a session limit, %ld long-term write pins of a file\n",
		ns / 1e9, o.procs, o.threads, o.seed, sum.pins, sum.unpins,
		sum.reports, (sum.pins + sum.unpins + sum.reports) / (ns / 1e9),
		sum.refused_limit, sum.refused_longterm_file);
	print_rates(&sum, ns / 1e9, &lone, &o);
	/* The reporter's failed calls are failed calls of the run. */
	tally_add(&sum, &lone);
	if (sum.bad)
		printf("# %ld calls failed unexpectedly, first: %s: %s\n", sum.bad,
		       sum.bad_what, strerror(sum.bad_errno));
	printf("%sok 1 - stress: every call succeeded or failed as documented\n",
	       sum.bad ? "not " : "");

	ok = folios_back(probe);

	counters = pinstat_summary("pins") == st.pins &&
		   pinstat_summary("pages") == st.pages &&
		   pinstat_vmstat_pinned() == vm_probe;
	close(probe);
	counters = counters && pinstat_vmstat_pinned() == vm0 &&
		   pinstat_summary("pins") == 0;
	fprintf(stdout,
		"%sok 3 - stress: pinstat's pins/pages and nr_foll_pin_acquired - nr_foll_pin_released back to their start\n",
		counters ? "" : "not ");
	for (k = 0; k < NR_KINDS; k++)
		if (have[k])
			pinstat_buf_free(&bufs[k]);
	return sum.bad || !ok || !counters;
}
