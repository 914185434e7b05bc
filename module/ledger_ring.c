// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU rings of ledger events.
 *
 * The probes write them from any context (a bio completion unpins in
 * hard interrupt context), with preemption off and nothing they may wait
 * for: no lock, no allocation, which also holds on PREEMPT_RT.  One CPU's
 * writers never nest: a kprobe that hits while another probe handler runs
 * on that CPU is missed by kprobes (and counted); the busy flag, set
 * before the ring is looked at, would drop a nested event all the same.  So each
 * ring has one writer and one reader (the drain, under the ledger's book
 * lock): the writer publishes an event with a release store of the tail,
 * the reader frees its room with a release store of the head.  An event
 * that does not fit is dropped, never waited for.
 */

#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "ledger.h"

/**
 * struct pinstat_ledger_ring - one CPU's events
 * @buf: @size bytes
 * @size: a power of two
 * @head: position of the oldest unread event (written by the reader)
 * @tail: position after the newest event (written by the writer)
 * @busy: a writer holds a reservation
 */
struct pinstat_ledger_ring {
	void *buf;
	u64 size;
	u64 head;
	u64 tail;
	bool busy;
};

static struct pinstat_ledger_ring __percpu *pinstat_rings;
/**
 * struct pinstat_ring_cursor - the reader's view of one ring in a drain
 * @pos: next event to look at
 * @tail: end of the events published when the drain began
 */
struct pinstat_ring_cursor {
	u64 pos;
	u64 tail;
};

static struct pinstat_ring_cursor *pinstat_ring_cursor;

/**
 * pinstat_ledger_rings_alloc() - one ring per possible CPU
 * @bytes_per_cpu: size of each ring, rounded up to a power of two
 *
 * Return: 0 or -ENOMEM.
 */
int pinstat_ledger_rings_alloc(size_t bytes_per_cpu)
{
	size_t size = roundup_pow_of_two(max_t(size_t, bytes_per_cpu,
					       PAGE_SIZE));
	int cpu;

	pinstat_rings = alloc_percpu(struct pinstat_ledger_ring);
	pinstat_ring_cursor = kcalloc(nr_cpu_ids, sizeof(*pinstat_ring_cursor),
				      GFP_KERNEL);
	if (!pinstat_rings || !pinstat_ring_cursor)
		goto free_rings;
	for_each_possible_cpu(cpu) {
		struct pinstat_ledger_ring *r = per_cpu_ptr(pinstat_rings, cpu);

		r->buf = vmalloc_node(size, cpu_to_node(cpu));
		if (!r->buf)
			goto free_rings;
		r->size = size;
	}
	return 0;

free_rings:
	pinstat_ledger_rings_free();
	return -ENOMEM;
}

/**
 * pinstat_ledger_rings_free() - free the rings, no probe being able to run
 */
void pinstat_ledger_rings_free(void)
{
	int cpu;

	if (pinstat_rings) {
		for_each_possible_cpu(cpu)
			vfree(per_cpu_ptr(pinstat_rings, cpu)->buf);
		free_percpu(pinstat_rings);
		pinstat_rings = NULL;
	}
	kfree(pinstat_ring_cursor);
	pinstat_ring_cursor = NULL;
}

static struct pinstat_ledger_event *pinstat_ring_at(struct pinstat_ledger_ring *r,
						    u64 pos)
{
	return r->buf + (pos & (r->size - 1));
}

/**
 * pinstat_ledger_ring_reserve() - room for an event in this CPU's ring
 * @min: bytes the event needs at the least
 * @room: set to the bytes it may use, at least @min
 *
 * Called with preemption disabled.  On success the event must be
 * committed with pinstat_ledger_ring_commit() before preemption is
 * enabled again.
 *
 * Return: where to write the event, or NULL when the ring is full (or a
 * writer on this CPU is already at work).
 */
struct pinstat_ledger_event *pinstat_ledger_ring_reserve(size_t min,
							 size_t *room)
{
	struct pinstat_ledger_ring *r = this_cpu_ptr(pinstat_rings);
	struct pinstat_ledger_event *pad;
	u64 head, free, contig;

	if (r->busy)
		return NULL;
	/* Before anything is read: a nested writer then finds it set. */
	r->busy = true;
	barrier();
	/* Pairs with the drain's release: the room is read out. */
	head = smp_load_acquire(&r->head);
	free = r->size - (r->tail - head);
	contig = r->size - (r->tail & (r->size - 1));
	if (contig < min) {
		/* Events are contiguous: pad the end and wrap. */
		if (free < contig + min)
			goto full;
		pad = pinstat_ring_at(r, r->tail);
		pad->size = contig;
		pad->kind = PINSTAT_EVENT_PAD;
		/* Pairs with the drain's acquire of the tail. */
		smp_store_release(&r->tail, r->tail + contig);
		free -= contig;
		contig = r->size;
	}
	if (free < min)
		goto full;
	*room = min(free, contig);
	return pinstat_ring_at(r, r->tail);

full:
	barrier();
	r->busy = false;
	return NULL;
}

/**
 * pinstat_ledger_ring_commit() - publish an event written after a reserve
 * @ev: the event, its size set
 */
void pinstat_ledger_ring_commit(struct pinstat_ledger_event *ev)
{
	struct pinstat_ledger_ring *r = this_cpu_ptr(pinstat_rings);

	/* The event is written before the drain can see it. */
	smp_store_release(&r->tail, r->tail + ev->size);
	barrier();
	r->busy = false;
}

/**
 * pinstat_ledger_rings_half_full() - is this CPU's ring half full?
 *
 * Return: true when the drain should run now rather than at its next tick.
 */
bool pinstat_ledger_rings_half_full(void)
{
	struct pinstat_ledger_ring *r = this_cpu_ptr(pinstat_rings);

	return r->tail - READ_ONCE(r->head) > r->size / 2;
}

/* The next event of @cpu's ring to apply, pads skipped; NULL at the end. */
static struct pinstat_ledger_event *pinstat_ring_next(int cpu, u64 up_to_seq)
{
	struct pinstat_ledger_ring *r = per_cpu_ptr(pinstat_rings, cpu);
	struct pinstat_ring_cursor *c = &pinstat_ring_cursor[cpu];
	struct pinstat_ledger_event *ev;

	while (c->pos != c->tail) {
		ev = pinstat_ring_at(r, c->pos);
		if (ev->kind != PINSTAT_EVENT_PAD)
			return ev->seq <= up_to_seq ? ev : NULL;
		c->pos += ev->size;
	}
	return NULL;
}

/**
 * pinstat_ledger_rings_drain() - apply the events up to a point, in order
 * @up_to_seq: the last sequence number to apply
 * @apply: called for each event, oldest first
 *
 * The caller holds the ledger's book lock (one reader at a time) and
 * read @up_to_seq before this call: every event an applied one depends
 * on (the pin an unpin releases) was published before the unpin took its
 * number, so it is seen here.  Events after @up_to_seq stay for the next
 * drain.  Each CPU's events are in order, so this merges the rings.
 */
void pinstat_ledger_rings_drain(u64 up_to_seq,
				void (*apply)(struct pinstat_ledger_event *ev))
{
	struct pinstat_ledger_event *ev, *best;
	int cpu, best_cpu;

	for_each_possible_cpu(cpu) {
		struct pinstat_ledger_ring *r = per_cpu_ptr(pinstat_rings, cpu);

		pinstat_ring_cursor[cpu].pos = r->head;
		/* Pairs with the writer's release: its events are written. */
		pinstat_ring_cursor[cpu].tail = smp_load_acquire(&r->tail);
	}
	for (;;) {
		best = NULL;
		best_cpu = 0;
		for_each_possible_cpu(cpu) {
			ev = pinstat_ring_next(cpu, up_to_seq);
			if (ev && (!best || ev->seq < best->seq)) {
				best = ev;
				best_cpu = cpu;
			}
		}
		if (!best)
			break;
		apply(best);
		pinstat_ring_cursor[best_cpu].pos += best->size;
	}
	for_each_possible_cpu(cpu) {
		struct pinstat_ledger_ring *r = per_cpu_ptr(pinstat_rings, cpu);

		/* The events are read before the writer may reuse their room. */
		smp_store_release(&r->head, pinstat_ring_cursor[cpu].pos);
	}
}
