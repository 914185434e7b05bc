// SPDX-License-Identifier: GPL-2.0
/*
 * The stack of a probed pin function's caller.
 *
 * Unwinding costs more than everything else the ledger does in a pin
 * call: about as much as pinning a THP.  A program pins from a few code
 * paths, over and over, so each CPU remembers its last stacks and where
 * each return address lay: at a distance from the stack pointer at the
 * probed function's entry, or, above the frame that moves with the
 * random offset each syscall adds to the stack (RANDOMIZE_KSTACK_OFFSET,
 * on in Debian), at a distance from the stack's end.  Which frames are
 * which is learnt from two unwinds of the same path at different depths.
 * A call whose every remembered slot holds its return address has the
 * stack remembered: the unwinder finds each frame from the return
 * address below it and the stack pointer (a frame that realigns the
 * stack could move by its padding; its callers' slots would then have
 * to hold the same addresses shifted).  Checking costs one load a frame;
 * a stack that fails the check is unwound again.
 */

#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/sched/task_stack.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "ledger.h"
#include "pinstat_compat.h"

static DEFINE_PER_CPU(u64, pinstat_stack_unwinds);
static DEFINE_PER_CPU(u64, pinstat_stack_reuses);

#ifdef PINSTAT_HAVE_UNWIND_SLOT

/* Stacks each CPU remembers: a few code paths pin over and over. */
#define PINSTAT_STACK_MEMOS	4

/**
 * struct pinstat_stack_memo - a stack unwound on this CPU
 * @nr: frames
 * @split: frames below it lie at @from_sp, the others at @to_end; @nr
 *	until two unwinds at different depths showed which move with the
 *	stack pointer
 * @from_sp: distance of each frame's return address slot from the stack
 *	pointer at the probed function's entry, in the last unwind
 * @to_end: distance of each slot from the end of the task stack, in the
 *	last unwind
 * @frames: the return addresses, the caller first
 */
struct pinstat_stack_memo {
	u32 nr;
	u32 split;
	u32 from_sp[PINSTAT_LEDGER_FRAMES];
	u32 to_end[PINSTAT_LEDGER_FRAMES];
	unsigned long frames[PINSTAT_LEDGER_FRAMES];
};

struct pinstat_stack_memos {
	struct pinstat_stack_memo memo[PINSTAT_STACK_MEMOS];
	unsigned int next;
};

static DEFINE_PER_CPU(struct pinstat_stack_memos, pinstat_stack_memos);

/*
 * Does the stack between @sp and @end hold @m's return addresses?  A slot
 * may now be inside another frame's locals: read as the unwinder does,
 * unchecked by KASAN.
 */
static bool pinstat_stack_memo_holds(const struct pinstat_stack_memo *m,
				     unsigned long sp, unsigned long end)
{
	unsigned long slot, below = sp;
	u32 i;

	for (i = 0; i < m->nr; i++) {
		slot = i < m->split ? sp + m->from_sp[i] : end - m->to_end[i];
		if (slot < below || slot + sizeof(long) > end ||
		    READ_ONCE_NOCHECK(*(unsigned long *)slot) != m->frames[i])
			return false;
		below = slot + sizeof(long);
	}
	return m->nr != 0;
}

/*
 * Remember @nr frames whose return addresses lay at @slots.  The same
 * path seen before at another depth says which frames move with the
 * stack pointer: those below the first that did not; the rest must have
 * kept their distance from the end, or nothing is learnt.
 */
static void pinstat_stack_remember(struct pinstat_stack_memos *memos,
				   const unsigned long *frames,
				   unsigned long * const *slots, u32 nr,
				   unsigned long sp, unsigned long end)
{
	struct pinstat_stack_memo *m;
	u32 i, split = nr;

	for (i = 0; i < PINSTAT_STACK_MEMOS; i++) {
		m = &memos->memo[i];
		if (m->nr == nr &&
		    !memcmp(m->frames, frames, nr * sizeof(*frames)))
			break;
	}
	if (i < PINSTAT_STACK_MEMOS) {
		for (split = 0; split < nr; split++)
			if ((unsigned long)slots[split] != sp + m->from_sp[split])
				break;
		for (i = split; i < nr; i++) {
			if ((unsigned long)slots[i] != end - m->to_end[i]) {
				split = nr;
				break;
			}
		}
	} else {
		m = &memos->memo[memos->next];
		memos->next = (memos->next + 1) % PINSTAT_STACK_MEMOS;
		memcpy(m->frames, frames, nr * sizeof(*frames));
	}
	for (i = 0; i < nr; i++) {
		m->from_sp[i] = (unsigned long)slots[i] - sp;
		m->to_end[i] = end - (unsigned long)slots[i];
	}
	m->split = split;
	m->nr = nr;
}

/*
 * Unwind from @regs; remember the stack unless a frame has no slot on
 * the task stack or its slot holds another address than the frame's
 * (a return hook: the address is recovered from elsewhere).
 */
static u32 pinstat_stack_unwind(struct pt_regs *regs, unsigned long *frames,
				unsigned long sp, unsigned long end)
{
	unsigned long *slots[PINSTAT_LEDGER_FRAMES];
	struct unwind_state state;
	bool keep = sp != 0;
	unsigned long addr;
	u32 nr = 0;

	for (unwind_start(&state, current, regs, NULL);
	     !unwind_done(&state) && nr < PINSTAT_LEDGER_FRAMES;
	     unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr) {
			/* A syscall's stack ends in its user-mode registers. */
			if (!state.regs || !user_mode(state.regs))
				keep = false;
			break;
		}
		slots[nr] = pinstat_unwind_slot(&state);
		if (!slots[nr] || (unsigned long)slots[nr] < sp ||
		    (unsigned long)(slots[nr] + 1) > end ||
		    READ_ONCE_NOCHECK(*slots[nr]) != addr)
			keep = false;
		frames[nr++] = addr;
	}
	/* A step guessed where ORC data is missing is not the same twice. */
	if (unwind_error(&state))
		keep = false;
	if (!nr) {
		frames[0] = *(unsigned long *)kernel_stack_pointer(regs);
		return 1;
	}
	if (keep)
		pinstat_stack_remember(this_cpu_ptr(&pinstat_stack_memos),
				       frames, slots, nr, sp, end);
	return nr;
}

/**
 * pinstat_ledger_stack() - the stack of a probed function's caller
 * @regs: registers at the probed function's entry
 * @frames: room for PINSTAT_LEDGER_FRAMES return addresses
 *
 * Runs in a probe handler: preemption is off, so this CPU's memos are
 * its own.
 *
 * Return: the frames written, the caller's return address first.
 */
u32 pinstat_ledger_stack(struct pt_regs *regs, unsigned long *frames)
{
	struct pinstat_stack_memos *memos = this_cpu_ptr(&pinstat_stack_memos);
	unsigned long stack = (unsigned long)task_stack_page(current);
	unsigned long sp = kernel_stack_pointer(regs);
	unsigned long end = stack + THREAD_SIZE;
	const struct pinstat_stack_memo *m;
	unsigned int i;

	/* Pins are taken on task stacks; anything else is unwound. */
	if (sp < stack || sp >= end) {
		sp = 0;
		end = 0;
	}
	for (i = 0; sp && i < PINSTAT_STACK_MEMOS; i++) {
		m = &memos->memo[i];
		if (pinstat_stack_memo_holds(m, sp, end)) {
			memcpy(frames, m->frames, m->nr * sizeof(*frames));
			this_cpu_inc(pinstat_stack_reuses);
			return m->nr;
		}
	}
	this_cpu_inc(pinstat_stack_unwinds);
	return pinstat_stack_unwind(regs, frames, sp, end);
}

#else /* !PINSTAT_HAVE_UNWIND_SLOT */

/* Unwound frames searched for the probed function's caller. */
#define PINSTAT_UNWIND_FRAMES	(PINSTAT_LEDGER_FRAMES + 16)

u32 pinstat_ledger_stack(struct pt_regs *regs, unsigned long *frames)
{
	unsigned long caller = *(unsigned long *)kernel_stack_pointer(regs);
	unsigned long unwound[PINSTAT_UNWIND_FRAMES];
	unsigned int nr, i;

	this_cpu_inc(pinstat_stack_unwinds);
	nr = stack_trace_save(unwound, ARRAY_SIZE(unwound), 0);
	for (i = 0; i < nr; i++) {
		if (unwound[i] == caller) {
			nr = min_t(unsigned int, nr - i, PINSTAT_LEDGER_FRAMES);
			memcpy(frames, &unwound[i], nr * sizeof(*frames));
			return nr;
		}
	}
	frames[0] = caller;
	return 1;
}

#endif /* PINSTAT_HAVE_UNWIND_SLOT */

/**
 * pinstat_ledger_stack_counts() - how the stacks of pin calls were found
 * @unwinds: calls whose stack was unwound
 * @reuses: calls whose stack a CPU remembered
 */
void pinstat_ledger_stack_counts(u64 *unwinds, u64 *reuses)
{
	int cpu;

	*unwinds = 0;
	*reuses = 0;
	for_each_possible_cpu(cpu) {
		*unwinds += per_cpu(pinstat_stack_unwinds, cpu);
		*reuses += per_cpu(pinstat_stack_reuses, cpu);
	}
}
