// SPDX-License-Identifier: GPL-2.0
/*
 * Who may pin and how much: the device mode module parameter, the memlock
 * accounting (VmPin, RLIMIT_MEMLOCK, CAP_IPC_LOCK), the refcount headroom
 * guard, and unloading the module.  These tests unload and reload
 * pinstat.ko ($PINSTAT_KO, default /opt/pinstat/pinstat.ko) and leave it
 * loaded with default parameters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session_fixture.h"

#define NR_PAGES	16
#define PINNER_ID	4242	/* uid and gid of the unprivileged pinner */

static const char *module_path(void)
{
	const char *ko = getenv("PINSTAT_KO");

	return ko ? ko : "/opt/pinstat/pinstat.ko";
}

static int unload_module(void)
{
	return syscall(__NR_delete_module, "pinstat", O_NONBLOCK) ? -errno : 0;
}

static int load_module(const char *params)
{
	int fd = open(module_path(), O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(__NR_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	/* devtmpfs creates the node asynchronously. */
	for (int i = 0; !ret && i < 1000 && access(PINSTAT_DEV, F_OK); i++)
		usleep(1000);
	return ret;
}

/*
 * The module is reloaded around each test: a fixture that holds no file
 * open, so unloading can succeed.
 */
FIXTURE(access) {
	long long vm_pinned;
};

FIXTURE_SETUP(access)
{
	if (access(PINSTAT_DEV, F_OK))
		SKIP(return, "pinstat.ko is not loaded");
	if (access(module_path(), R_OK))
		SKIP(return, "no %s to reload", module_path());
	self->vm_pinned = pinstat_vmstat_pinned();
}

FIXTURE_TEARDOWN(access)
{
	/* Back to the default parameters for whatever runs next. */
	if (unload_module() == 0)
		EXPECT_EQ(0, load_module(""));
	EXPECT_EQ(self->vm_pinned, pinstat_vmstat_pinned());
}

/*
 * An open file holds the module: rmmod is refused while a session is open,
 * and succeeds after close, with every pin given back to the kernel.
 */
TEST_F(access, rmmod_refused_while_open)
{
	struct pinstat_pin_args a;
	struct pinstat_buf buf;
	int fd;

	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_ANON, NR_PAGES * PAGE_SZ));
	fd = pinstat_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, pinstat_pin(fd, buf.addr, buf.len, 0, &a));
	EXPECT_EQ(-EAGAIN, unload_module());
	/* Still there and still working. */
	EXPECT_EQ(1, pinstat_summary("pins"));
	EXPECT_EQ(self->vm_pinned + NR_PAGES, pinstat_vmstat_pinned());
	close(fd);
	ASSERT_EQ(0, unload_module());
	EXPECT_NE(0, access(PINSTAT_DEV, F_OK));
	EXPECT_EQ(self->vm_pinned, pinstat_vmstat_pinned());
	ASSERT_EQ(0, load_module(""));
	EXPECT_EQ(0, pinstat_summary("pins"));
	EXPECT_EQ(0, pinstat_summary("sessions"));
	pinstat_buf_free(&buf);
}

TEST_F(access, device_mode_parameter)
{
	struct stat st;

	ASSERT_EQ(0, stat(PINSTAT_DEV, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	ASSERT_EQ(0, unload_module());
	/* Only read/write bits. */
	EXPECT_EQ(-EINVAL, load_module("mode=0777"));
	EXPECT_EQ(-EINVAL, load_module("mode=04660"));
	ASSERT_EQ(0, load_module("mode=0660"));
	ASSERT_EQ(0, stat(PINSTAT_DEV, &st));
	EXPECT_EQ(0660, st.st_mode & 0777);
	EXPECT_EQ(0660, pinstat_param_get("mode"));
}

/* Become an unprivileged member of the pinner group, memlock @limit. */
static int drop_to_pinner(rlim_t limit)
{
	struct rlimit rl = { limit, limit };
	gid_t gid = PINNER_ID;

	if (setgroups(1, &gid) || setgid(PINNER_ID) || setuid(PINNER_ID))
		return -1;
	return setrlimit(RLIMIT_MEMLOCK, &rl);
}

/*
 * With the device opened to a group, an unprivileged member pins up to its
 * RLIMIT_MEMLOCK, sees the pages in VmPin, gets EPERM beyond, and has the
 * charge returned on UNPIN and on close.  A non-member cannot open.
 */
TEST_F(access, memlock_limit_for_group_member)
{
	pid_t pid;

	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, load_module("mode=0660"));
	ASSERT_EQ(0, chown(PINSTAT_DEV, 0, PINNER_ID));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct pinstat_pin_args a;
		struct pinstat_buf buf;
		void *mem;
		int fd;

		if (pinstat_buf_alloc(&buf, BUF_ANON, (NR_PAGES + 1) * PAGE_SZ) ||
		    drop_to_pinner(NR_PAGES * PAGE_SZ))
			_exit(2);
		mem = buf.addr;
		fd = pinstat_open();
		if (fd < 0)
			_exit(3);
		if (pinstat_status_kb("VmPin") != 0)
			_exit(4);
		if (pinstat_pin(fd, mem, NR_PAGES * PAGE_SZ, 0, &a))
			_exit(5);
		if (pinstat_status_kb("VmPin") != NR_PAGES * 4)
			_exit(6);
		/* One page more than RLIMIT_MEMLOCK. */
		if (pinstat_pin(fd, mem, PAGE_SZ, 0, NULL) != -EPERM)
			_exit(7);
		if (pinstat_status_kb("VmPin") != NR_PAGES * 4)
			_exit(8);
		if (pinstat_unpin(fd, a.handle) ||
		    pinstat_status_kb("VmPin") != 0)
			_exit(9);
		if (pinstat_pin(fd, mem, NR_PAGES * PAGE_SZ, 0, NULL))
			_exit(10);
		close(fd);
		if (pinstat_status_kb("VmPin") != 0)
			_exit(11);
		_exit(0);
	}
	EXPECT_EQ(0, child_status(pid));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		gid_t other = PINNER_ID + 1;

		if (setgroups(1, &other) || setgid(other) || setuid(other))
			_exit(2);
		_exit(pinstat_open() == -EACCES ? 0 : 1);
	}
	EXPECT_EQ(0, child_status(pid));
}

/* CAP_IPC_LOCK lifts the limit but not the accounting, as for RDMA. */
TEST_F(access, cap_ipc_lock_exceeds_memlock)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct rlimit rl = { PAGE_SZ, PAGE_SZ };
		struct pinstat_buf buf;
		int fd = pinstat_open();

		if (pinstat_buf_alloc(&buf, BUF_ANON, NR_PAGES * PAGE_SZ) ||
		    fd < 0 || setrlimit(RLIMIT_MEMLOCK, &rl))
			_exit(2);
		if (pinstat_pin(fd, buf.addr, buf.len, 0, NULL))
			_exit(3);
		_exit(pinstat_status_kb("VmPin") == NR_PAGES * 4 ? 0 : 4);
	}
	EXPECT_EQ(0, child_status(pid));
}

/*
 * refcount_limit: a pin that would leave a folio's refcount above it is
 * refused with ETOOMANYREFS and undone; pin_headroom counts down to 0.
 */
TEST_F(access, refcount_headroom_guard)
{
	struct pinstat_folio_record *r;
	struct pinstat_pin_args a;
	unsigned int handles[3];
	struct pinstat_buf buf;
	long long vm_pinned;
	size_t nr;
	void *mem;
	int fd, i;

	ASSERT_EQ(0, pinstat_buf_alloc(&buf, BUF_ANON, PAGE_SZ));
	mem = buf.addr;
	ASSERT_EQ(0, pinstat_drain_lru());
	EXPECT_EQ(-EINVAL, pinstat_param_set("refcount_limit", 1000));
	EXPECT_EQ(-EINVAL, pinstat_param_set("refcount_limit", (1LL << 30) + 1));
	/* Half a pin to spare for references compaction takes for a moment. */
	ASSERT_EQ(0, pinstat_param_set("refcount_limit", 1 + 3 * BIAS + BIAS / 2));
	fd = pinstat_open();
	ASSERT_GE(fd, 0);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pinstat_pin(fd, mem, PAGE_SZ, 0, &a));
		handles[i] = a.handle;
		ASSERT_EQ(0, pinstat_report(fd, a.handle, &r, &nr));
		EXPECT_GE(r[0].refcount, 1 + (i + 1) * BIAS);
		EXPECT_LT(r[0].refcount, 1 + (i + 1) * BIAS + BIAS / 2);
		EXPECT_EQ(2 - i, r[0].pin_headroom);
		free(r);
	}
	vm_pinned = pinstat_vmstat_pinned();
	EXPECT_EQ(-ETOOMANYREFS, pinstat_pin(fd, mem, PAGE_SZ, 0, NULL));
	EXPECT_EQ(vm_pinned, pinstat_vmstat_pinned());
	EXPECT_EQ(3, pinstat_summary("pins"));
	EXPECT_EQ(1, pinstat_summary("failures_ETOOMANYREFS"));
	/* Room again after an unpin. */
	EXPECT_EQ(0, pinstat_unpin(fd, handles[0]));
	EXPECT_EQ(0, pinstat_pin(fd, mem, PAGE_SZ, 0, NULL));
	close(fd);
	pinstat_buf_free(&buf);
}

TEST_HARNESS_MAIN
