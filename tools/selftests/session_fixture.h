/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pinstat session for a kselftest fixture: opened in setup (the test is
 * skipped when the module is not loaded), and in teardown closed and checked
 * to have left nothing pinned, in pinstat's counters and in the kernel's.
 */
#ifndef SESSION_FIXTURE_H
#define SESSION_FIXTURE_H

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libpinstat.h"

#define PAGE_SZ		4096UL
#define BIAS		1024	/* GUP_PIN_COUNTING_BIAS */

struct session {
	int fd;
	long long vm_pinned;	/* nr_foll_pin_acquired - released */
	long long pins;		/* debugfs summary */
	long long pages;
};

/*
 * Open the session in FIXTURE_SETUP; false when the test is skipped (the
 * module is not loaded), and the caller then returns at once.
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
	return true;
}

#define SESSION_TEARDOWN(s) do {					\
	struct session *__s = (s);					\
									\
	if (__s->fd >= 0) {						\
		close(__s->fd);						\
		EXPECT_EQ(__s->pins, pinstat_summary("pins"));		\
		EXPECT_EQ(__s->pages, pinstat_summary("pages"));	\
		EXPECT_EQ(__s->vm_pinned, pinstat_vmstat_pinned());	\
	}								\
} while (0)

/* Exit status of child @pid, 128 + signal if killed, -1 if not waited. */
static inline int child_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#endif /* SESSION_FIXTURE_H */
