// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pinstat_input": bad input to every ioctl, one table row a
 * case.  Each call must fail with its errno, count one failure and leave
 * everything else as it was.
 */

#include <kunit/test.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/threads.h>

#include "pinstat_kunit.h"

enum bad_case_setup {
	SETUP_NONE,
	SETUP_PIN,		/* a live pin whose handle the case uses */
	SETUP_HOLE,		/* last page of mem unmapped */
	SETUP_PROT_NONE,	/* last page of mem PROT_NONE */
	SETUP_READ_ONLY,	/* mem read-only */
	SETUP_NO_ADMIN,		/* the call made without CAP_SYS_ADMIN */
};

struct bad_case {
	const char *name;
	unsigned int cmd;
	enum bad_case_setup setup;
	long expected;
};

/*
 * INSPECT rows name a pid that cannot exist (see bad_case_arg()), so an
 * argument check made after the process lookup would answer -ESRCH.
 */
static const struct bad_case bad_cases[] = {
	{ "pin zero length", PINSTAT_IOC_PIN, SETUP_NONE, -EINVAL },
	{ "pin unknown flag", PINSTAT_IOC_PIN, SETUP_NONE, -EINVAL },
	{ "pin reserved field", PINSTAT_IOC_PIN, SETUP_NONE, -EINVAL },
	{ "pin range wraps", PINSTAT_IOC_PIN, SETUP_NONE, -EOVERFLOW },
	{ "pin kernel address", PINSTAT_IOC_PIN, SETUP_NONE, -EFAULT },
	{ "pin unmapped page", PINSTAT_IOC_PIN, SETUP_HOLE, -ENOMEM },
	{ "pin PROT_NONE page", PINSTAT_IOC_PIN, SETUP_PROT_NONE, -EACCES },
	{ "write pin of read-only", PINSTAT_IOC_PIN, SETUP_READ_ONLY, -EACCES },
	{ "pin argument unreadable", PINSTAT_IOC_PIN, SETUP_NONE, -EFAULT },
	{ "unpin unknown handle", PINSTAT_IOC_UNPIN, SETUP_PIN, -ENOENT },
	{ "unpin handle 0", PINSTAT_IOC_UNPIN, SETUP_PIN, -ENOENT },
	{ "unpin flags", PINSTAT_IOC_UNPIN, SETUP_PIN, -EINVAL },
	{ "report unknown handle", PINSTAT_IOC_REPORT, SETUP_PIN, -ENOENT },
	{ "report record size", PINSTAT_IOC_REPORT, SETUP_PIN, -EINVAL },
	{ "report reserved field", PINSTAT_IOC_REPORT, SETUP_PIN, -EINVAL },
	{ "report array too small", PINSTAT_IOC_REPORT, SETUP_PIN, -ENOSPC },
	{ "report array unwritable", PINSTAT_IOC_REPORT, SETUP_PIN, -EFAULT },
	{ "inspect unknown flag", PINSTAT_IOC_INSPECT, SETUP_NONE, -EINVAL },
	{ "inspect reserved field", PINSTAT_IOC_INSPECT, SETUP_NONE, -EINVAL },
	{ "inspect record size", PINSTAT_IOC_INSPECT, SETUP_NONE, -EINVAL },
	{ "inspect no records", PINSTAT_IOC_INSPECT, SETUP_NONE, -EINVAL },
	{ "inspect empty range", PINSTAT_IOC_INSPECT, SETUP_NONE, -EINVAL },
	{ "inspect beyond user space", PINSTAT_IOC_INSPECT, SETUP_NONE,
	  -EINVAL },
	{ "inspect cursor outside range", PINSTAT_IOC_INSPECT, SETUP_NONE,
	  -EINVAL },
	{ "inspect without CAP_SYS_ADMIN", PINSTAT_IOC_INSPECT, SETUP_NO_ADMIN,
	  -EPERM },
	{ "inspect no such process", PINSTAT_IOC_INSPECT, SETUP_NONE, -ESRCH },
	/* This kthread: get_task_mm() gives no kernel thread's mm. */
	{ "inspect kernel thread", PINSTAT_IOC_INSPECT, SETUP_NONE, -ESRCH },
	{ "unknown command", _IOWR('J', 42, struct pinstat_pin_args),
	  SETUP_NONE, -ENOTTY },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_input, bad_cases, bad_case_desc);

union bad_case_arg {
	struct pinstat_pin_args pin;
	struct pinstat_unpin_args unpin;
	struct pinstat_report_args report;
	struct pinstat_inspect_args inspect;
};

static bool is_case(const struct bad_case *c, const char *name)
{
	return !strcmp(c->name, name);
}

/* Fill the argument of an INSPECT case; returns its size. */
static size_t bad_inspect_arg(struct kunit *test, const struct bad_case *c,
			      struct pinstat_inspect_args *i)
{
	struct pinstat_test *t = test->priv;

	/* pid_max is at most PID_MAX_LIMIT: no process has this pid. */
	i->pid = PID_MAX_LIMIT;
	i->start = t->mem;
	i->end = t->mem + PINSTAT_TEST_PAGES * PAGE_SIZE;
	i->records = t->recs;
	i->nr_records = PINSTAT_TEST_RECORDS;
	i->record_size = sizeof(struct pinstat_folio_record);
	if (is_case(c, "inspect unknown flag"))
		i->flags = PINSTAT_INSPECT_FLAGS_ALL << 1;
	if (is_case(c, "inspect reserved field"))
		i->reserved[2] = 1;
	if (is_case(c, "inspect record size"))
		i->record_size++;
	if (is_case(c, "inspect no records"))
		i->nr_records = 0;
	if (is_case(c, "inspect empty range"))
		i->end = i->start;
	if (is_case(c, "inspect beyond user space"))
		i->end = TASK_SIZE_MAX + PAGE_SIZE;
	if (is_case(c, "inspect cursor outside range"))
		i->cursor = i->end;
	if (is_case(c, "inspect kernel thread"))
		i->pid = task_tgid_nr(current);
	return sizeof(*i);
}

/* Fill the argument of the case; returns its size. */
static size_t bad_case_arg(struct kunit *test, const struct bad_case *c,
			   u32 handle, union bad_case_arg *arg)
{
	struct pinstat_test *t = test->priv;
	struct pinstat_pin_args *p = &arg->pin;
	struct pinstat_unpin_args *u = &arg->unpin;
	struct pinstat_report_args *r = &arg->report;

	if (c->cmd == PINSTAT_IOC_INSPECT)
		return bad_inspect_arg(test, c, &arg->inspect);
	if (c->cmd == PINSTAT_IOC_UNPIN) {
		u->handle = handle + 1000;
		if (is_case(c, "unpin handle 0"))
			u->handle = 0;
		if (is_case(c, "unpin flags")) {
			u->handle = handle;
			u->flags = 1;
		}
		return sizeof(*u);
	}
	if (c->cmd == PINSTAT_IOC_REPORT) {
		r->handle = handle;
		r->records = t->recs;
		r->nr_records = PINSTAT_TEST_RECORDS;
		r->record_size = sizeof(struct pinstat_folio_record);
		if (is_case(c, "report unknown handle"))
			r->handle = handle + 1000;
		if (is_case(c, "report record size"))
			r->record_size--;
		if (is_case(c, "report reserved field"))
			r->reserved[1] = 1;
		if (is_case(c, "report array too small"))
			r->nr_records = PINSTAT_TEST_PAGES - 1;
		if (is_case(c, "report array unwritable"))
			r->records = 16;
		return sizeof(*r);
	}
	p->addr = t->mem;
	p->len = PINSTAT_TEST_PAGES * PAGE_SIZE;
	p->flags = PINSTAT_PIN_WRITE;
	if (is_case(c, "pin zero length"))
		p->len = 0;
	if (is_case(c, "pin unknown flag"))
		p->flags |= 1U << 5;
	if (is_case(c, "pin reserved field"))
		p->reserved[2] = 1;
	if (is_case(c, "pin range wraps"))
		p->addr = ~0ULL - PAGE_SIZE + 1;
	if (is_case(c, "pin kernel address"))
		p->addr = TASK_SIZE;
	return sizeof(*p);
}

/* Make the call of the case, without CAP_SYS_ADMIN if it says so. */
static long bad_case_call(struct kunit *test, const struct bad_case *c,
			  union bad_case_arg *arg, size_t size)
{
	struct pinstat_test *t = test->priv;
	const struct cred *old;
	struct cred *cred;
	long ret;

	if (is_case(c, "pin argument unreadable"))
		return pinstat_ioctl(t->file, c->cmd, 16);
	if (c->setup != SETUP_NO_ADMIN)
		return pinstat_test_ioctl(test, c->cmd, arg, size);
	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_SYS_ADMIN);
	old = override_creds(cred);
	ret = pinstat_test_ioctl(test, c->cmd, arg, size);
	revert_creds(old);
	put_cred(cred);
	return ret;
}

static void bad_input(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct pinstat_test *t = test->priv;
	unsigned long len = PINSTAT_TEST_PAGES * PAGE_SIZE;
	unsigned long last = t->mem + len - PAGE_SIZE;
	struct pinstat_stats_snapshot before, after;
	struct pinstat_pin_args live = {};
	union bad_case_arg arg = {};
	size_t size;
	long ret;

	if (c->setup == SETUP_PIN)
		KUNIT_ASSERT_EQ(test, pinstat_test_pin(test, t->mem, len, 0,
						       &live), 0L);
	if (c->setup == SETUP_HOLE)
		KUNIT_ASSERT_EQ(test, vm_munmap(last, PAGE_SIZE), 0);
	if (c->setup == SETUP_PROT_NONE)
		KUNIT_ASSERT_EQ(test, pinstat_test_remap(last, PAGE_SIZE,
							 PROT_NONE), last);
	if (c->setup == SETUP_READ_ONLY)
		KUNIT_ASSERT_EQ(test, pinstat_test_remap(t->mem, len,
							 PROT_READ), t->mem);

	size = bad_case_arg(test, c, live.handle, &arg);
	pinstat_stats_read(&before);
	ret = bad_case_call(test, c, &arg, size);
	pinstat_stats_read(&after);

	KUNIT_EXPECT_EQ(test, ret, c->expected);
	/* Nothing moved but the failure count. */
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	KUNIT_EXPECT_EQ(test, after.runs, before.runs);
	KUNIT_EXPECT_EQ(test, after.bookkeeping, before.bookkeeping);
	KUNIT_EXPECT_EQ(test, after.failures, before.failures + 1);
	KUNIT_EXPECT_EQ(test, t->s->nr_pins, c->setup == SETUP_PIN ? 1U : 0U);
	if (c->expected == -ENOSPC)
		KUNIT_EXPECT_EQ(test, arg.report.nr_runs,
				(u64)PINSTAT_TEST_PAGES);
}

static struct kunit_case pinstat_input_cases[] = {
	KUNIT_CASE_PARAM(bad_input, bad_input_gen_params),
	{}
};

static struct kunit_suite pinstat_input_suite = {
	.name = "pinstat_input",
	.init = pinstat_test_init,
	.exit = pinstat_test_exit,
	.test_cases = pinstat_input_cases,
};

kunit_test_suite(pinstat_input_suite);
