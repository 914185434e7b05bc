/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture of the pinstat selftests: a session opened in setup (the test
 * is skipped when the module is not loaded), and in teardown closed and
 * checked to have left nothing pinned, in pinstat's counters and in the
 * kernel's.
 */
#ifndef SESSION_FIXTURE_H
#define SESSION_FIXTURE_H

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libpinstat.h"

#define BIAS		1024	/* GUP_PIN_COUNTING_BIAS */

#define PROACTIVENESS	"/proc/sys/vm/compaction_proactiveness"

struct session {
	int fd;
	long long vm_pinned;	/* nr_foll_pin_acquired - released */
	long long pins;		/* debugfs summary */
	long long pages;
	char proactiveness[16];	/* to put back, if read */
};

/*
 * Tests compare refcounts: keep kcompactd from taking its passing
 * references on the pages while a test runs.
 */
static inline void compaction_quiet(struct session *s)
{
	FILE *f = fopen(PROACTIVENESS, "r+");

	s->proactiveness[0] = 0;
	if (!f)
		return;
	if (!fgets(s->proactiveness, sizeof(s->proactiveness), f))
		s->proactiveness[0] = 0;
	rewind(f);
	fputs("0", f);
	fclose(f);
}

static inline void compaction_restore(struct session *s)
{
	FILE *f = s->proactiveness[0] ? fopen(PROACTIVENESS, "w") : NULL;

	if (f) {
		fputs(s->proactiveness, f);
		fclose(f);
	}
}

/*
 * Open the session; false when the test is skipped (the module is not
 * loaded), and the caller then returns at once.
 */
static inline bool session_open(struct __test_metadata *_metadata,
				struct session *s)
{
	s->fd = pinstat_open();
	if (s->fd == -ENOENT || s->fd == -ENODEV)
		SKIP(return false, "no " PINSTAT_DEV ": pinstat.ko is not loaded");
	ASSERT_GE(s->fd, 0);
	s->vm_pinned = pinstat_vmstat_pinned();
	s->pins = pinstat_summary("pins");
	s->pages = pinstat_summary("pages");
	ASSERT_GE(s->pins, 0)
		TH_LOG(PINSTAT_DEBUGFS "/summary is not readable");
	/* Last: teardown, which restores it, runs only after setup passed. */
	compaction_quiet(s);
	return true;
}

/* Nothing pinned since session_open(), here or in the kernel. */
#define SESSION_UNCHANGED(s) do {					\
	struct session *__s = (s);					\
									\
	EXPECT_EQ(__s->pins, pinstat_summary("pins"));			\
	EXPECT_EQ(__s->pages, pinstat_summary("pages"));		\
	EXPECT_EQ(__s->vm_pinned, pinstat_vmstat_pinned());		\
} while (0)

#define SESSION_CLOSE(s) do {						\
	struct session *__c = (s);					\
									\
	if (__c->fd >= 0) {						\
		close(__c->fd);						\
		SESSION_UNCHANGED(__c);					\
	}								\
	compaction_restore(__c);					\
} while (0)

/*
 * The fixture @name, its data a session in self->s.  Each program names
 * its own: the name leads its tests' names in the TAP output.  A program
 * may add FIXTURE_VARIANT(@name) after it.
 */
#define SESSION_FIXTURE(name)						\
	FIXTURE(name) {							\
		struct session s;					\
	};								\
									\
	FIXTURE_SETUP(name)						\
	{								\
		session_open(_metadata, &self->s);			\
	}								\
									\
	FIXTURE_TEARDOWN(name)						\
	{								\
		SESSION_CLOSE(&self->s);				\
	}

/* Exit status of child @pid, 128 + signal if killed, -1 if not waited. */
static inline int child_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#endif /* SESSION_FIXTURE_H */
