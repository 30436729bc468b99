// SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only
/*
 * golat: goroutine-aware latency of Go functions from plain uprobes (never uretprobes).
 * Programs and maps only; the loader is golat.c, the shared layout golat.h.
 */
#include "regs.h"
#include <bpf/bpf_helpers.h>
#include "golat.h"

/* x86-64 Go ABIInternal: R14 = g; g.stack.hi sits at g+8 in every Go version. */
#define G_STACK_HI_OFF 8

/* Every global the hot path reads (golat.h). */
struct golat_hot hot;

/* key: hash of the goroutine frame. value: the frame (owner g, depth, probe), entry ns */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << GOLAT_SLOT_BITS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct golat_slot);
} slots SEC(".maps");

/* key: goroutine frame whose slot was taken. value: entry ns, generation, flags */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GOLAT_MAX_SPILL);
	__type(key, struct golat_key);
	__type(value, struct golat_inflight);
} spill SEC(".maps");

/*
 * Counters and histograms are per CPU, but kept in plain mmapable arrays
 * indexed by cpu * nkeys + id rather than in per-CPU maps: a per-CPU lookup is
 * three dependent loads (element, per-CPU offset, value), each likely a cache
 * miss right after the kernel's trap path; this is one. The loader maps them.
 */

/* key: cpu * nkeys + probe id. value: that probe's counters on that CPU */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GOLAT_MAX_PROBES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct golat_counters);
} counters SEC(".maps");

/* key: (cpu * nkeys + id) * GOLAT_NBUCKETS + bucket. value: returns in that bucket */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, (GOLAT_MAX_PROBES * GOLAT_NBUCKETS));
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} hist SEC(".maps");

/* This CPU's index of id in counters, span_counters and hist. */
static __always_inline __u32 cpu_key(__u32 id)
{
	return bpf_get_smp_processor_id() * hot.nkeys + id;
}

/* Uprobe programs may be preempted on their CPU: even per-CPU slots need atomic adds. */
#define inc(p) __sync_fetch_and_add(p, 1)

/* key: hash of a g. value: that goroutine's g.stack.hi as last read, with a check (below) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << GOLAT_GSTACK_BITS);
	__type(key, __u32);
	__type(value, struct golat_gstack);
} gstacks SEC(".maps");

/* Ties an entry's hi to its g, so a reader never takes a mix of two goroutines' writes. */
static __always_inline __u64 gstack_check(__u64 g, __u64 hi)
{
	return ((g ^ 0x5bd1e9955bd1e995ULL) * 0x9e3779b97f4a7c15ULL ^ hi) *
	       0xff51afd7ed558ccdULL;
}

/*
 * g.stack.hi of the running goroutine (R14 = g). Reading it from the goroutine is a helper
 * call (bpf_probe_read_user, ~60 ns here); once read it is kept per g until the runtime
 * moves that goroutine's stack (runtime.copystack) or gives the g to a new goroutine
 * (runtime.newproc1): probes there clear the entry (golat_stack_moved). Without those
 * probes (hot.gstacks == 0) every call reads it.
 */
static __always_inline struct golat_gstack *gstack_of(__u64 g)
{
	__u32 idx = (g * 0x9e3779b97f4a7c15ULL) >> (64 - GOLAT_GSTACK_BITS);

	return bpf_map_lookup_elem(&gstacks, &idx);
}

static __always_inline int stack_hi(__u64 g, __u64 *hi)
{
	struct golat_gstack *e;
	__u64 h;

	if (!hot.gstacks)
		return bpf_probe_read_user(hi, sizeof(*hi),
					   (void *)(g + G_STACK_HI_OFF));
	e = gstack_of(g);
	if (!e)
		return 1;
	if (e->g == g) {
		h = e->hi;
		if (e->check == gstack_check(g, h)) {
			*hi = h;
			return 0;
		}
	}
	if (bpf_probe_read_user(&h, sizeof(h), (void *)(g + G_STACK_HI_OFF)))
		return 1;
	/* Another goroutine may write the same entry meanwhile: the check catches the mix. */
	e->g = 0;
	asm volatile("" ::: "memory");
	e->hi = h;
	e->check = gstack_check(g, h);
	asm volatile("" ::: "memory");
	e->g = g;
	*hi = h;
	return 0;
}

/*
 * At runtime.copystack's entry (RAX = gp, whose stack is about to move) and at every RET of
 * runtime.newproc1 (RAX = newg, a g that may have been given a new stack): forget that g's
 * g.stack.hi. Neither goroutine runs meanwhile, so no program of its own refills the entry
 * with the old value; the next hit of that goroutine reads the new one.
 */
SEC("uprobe")
int golat_stack_moved(struct pt_regs *ctx)
{
	struct golat_gstack *e = gstack_of(ctx->ax);

	if (e)
		e->g = 0;
	return 0;
}

/* Fills the pairing key; non-zero when g.stack.hi cannot be read. */
static __always_inline int make_key(struct pt_regs *ctx, __u64 cookie,
				    struct golat_key *key)
{
	__u64 hi;

	key->probe = cookie & GOLAT_COOKIE_PROBE_MASK;
	if (cookie & GOLAT_COOKIE_THREAD_KEY) {
		key->g = (__u32)bpf_get_current_pid_tgid();
		key->depth = 0;
		return 0;
	}
	if (stack_hi(ctx->r14, &hi))
		return 1;
	key->g = ctx->r14;
	key->depth = hi - ctx->sp;
	return 0;
}

static __always_inline struct golat_slot *slot_of(const struct golat_key *key)
{
	__u64 h = key->g ^ (((__u64)key->depth << 32 | key->probe) *
			    0x9e3779b97f4a7c15ULL);
	__u32 idx = (h * 0x9e3779b97f4a7c15ULL) >> (64 - hot.slot_bits);

	return bpf_map_lookup_elem(&slots, &idx);
}

static __always_inline int holds(const struct golat_slot *s,
				 const struct golat_key *key)
{
	return s->owner == key->g && s->depth == key->depth &&
	       s->probe == key->probe;
}

/* The frame in flight at key, in its slot or in the spill map; NULL when there is none. */
static __always_inline struct golat_inflight *find(struct golat_slot *s,
						   const struct golat_key *key)
{
	if (s && holds(s, key))
		return &s->v;
	if (hot.spilled > 0)
		return bpf_map_lookup_elem(&spill, key);
	return NULL;
}

static __always_inline struct golat_counters *counters_of(__u32 probe)
{
	__u32 idx = cpu_key(probe);

	return bpf_map_lookup_elem(&counters, &idx);
}

/* Counts one event of probe (a field of struct golat_counters) on this CPU. */
#define count(probe, field)                                      \
	({                                                       \
		struct golat_counters *__c = counters_of(probe); \
		if (__c)                                         \
			inc(&__c->field);                        \
	})

/*
 * The entry of a call. What the program does before it reads the clock lies
 * outside the measured interval, what it does after inside: the clock is read
 * last.
 */
SEC("uprobe")
int golat_entry(struct pt_regs *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	__u32 probe = cookie & GOLAT_COOKIE_PROBE_MASK, gen = hot.gen;
	struct golat_inflight *old, val;
	struct golat_slot *s;
	struct golat_key key;

	if (make_key(ctx, cookie, &key)) {
		count(probe, errors);
		return 0;
	}
	s = slot_of(&key);
	old = find(s, &key);
	if (!old) {
		/* Only the frame's own goroutine touches a held slot: claiming is the one race. */
		if (s &&
		    __sync_val_compare_and_swap(&s->owner, 0, key.g) == 0) {
			s->depth = key.depth;
			s->probe = key.probe;
			s->v.gen = gen;
			s->v.flags = 0;
			count(probe, entries);
			s->v.ts = bpf_ktime_get_ns();
			return 0;
		}
		val.gen = gen;
		val.flags = 0;
		val.ts = bpf_ktime_get_ns();
		if (bpf_map_update_elem(&spill, &key, &val, BPF_NOEXIST)) {
			count(probe, errors);
			return 0;
		}
		__sync_fetch_and_add(&hot.spilled, 1);
		count(probe, entries);
		return 0;
	}
	if (old->flags & GOLAT_FLAG_REENTRY_PENDING) {
		/* Same call, prologue run again after morestack: keep the first timestamp. */
		old->flags = 0;
		count(probe, reentries);
		return 0;
	}
	/* The frame at this key never returned (panic, Goexit): forget it, measure the new call. */
	if (old->gen == gen)
		count(probe, dnr);
	count(probe, entries);
	old->gen = gen;
	old->flags = 0;
	old->ts = bpf_ktime_get_ns();
	return 0;
}

SEC("uprobe")
int golat_morestack(struct pt_regs *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	struct golat_inflight *v;
	struct golat_key key;

	/* Before the stack grows SP is still the entry SP, so the key is the entry's key. */
	if (make_key(ctx, cookie, &key))
		return 0;
	v = find(slot_of(&key), &key);
	if (v)
		v->flags |= GOLAT_FLAG_REENTRY_PENDING;
	return 0;
}

/*
 * A RET: the clock is read first. A matched return touches the slot and one
 * histogram bucket only; the loader derives matched (the histogram's sum) and
 * returns (matched + unmatched + stale + ret_errors).
 */
SEC("uprobe")
int golat_ret(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 cookie = bpf_get_attach_cookie(ctx);
	__u32 probe = cookie & GOLAT_COOKIE_PROBE_MASK;
	struct golat_slot *s;
	struct golat_key key;
	__u64 ts, *slot;
	__u32 idx, gen;

	if (make_key(ctx, cookie, &key)) {
		count(probe, ret_errors);
		return 0;
	}
	s = slot_of(&key);
	if (s && holds(s, &key)) {
		ts = s->v.ts;
		gen = s->v.gen;
		/* Read the frame before freeing the slot (x86 keeps stores after loads). */
		asm volatile("" ::: "memory");
		s->owner = 0;
	} else {
		struct golat_inflight *v = NULL;

		if (hot.spilled > 0)
			v = bpf_map_lookup_elem(&spill, &key);
		if (!v) {
			count(probe, unmatched);
			return 0;
		}
		ts = v->ts;
		gen = v->gen;
		if (!bpf_map_delete_elem(&spill, &key))
			__sync_fetch_and_add(&hot.spilled, -1);
	}
	if (gen != hot.gen) {
		count(probe, stale);
		return 0;
	}
	idx = cpu_key(probe) * GOLAT_NBUCKETS + golat_bucket(now - ts);
	slot = bpf_map_lookup_elem(&hist, &idx);
	if (slot)
		inc(slot);
	return 0;
}

/*
 * key: goroutine and span id. value: that span's open starts on the goroutine, innermost on top.
 * A plain hash, not an LRU one: only the goroutine itself touches its entry (its programs run on
 * its thread, one at a time), and it deletes the entry when its last open start is popped. An LRU
 * hash would let another CPU's insert evict and recycle an entry while its owner still writes to
 * it, which miscounted one start in 10,192 (a "restart") when the table was full. When it is full
 * now, a start finds no room and counts as an error, and its end as unmatched.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GOLAT_MAX_SPAN_KEYS);
	__type(key, struct golat_span_key);
	__type(value, struct golat_span_stack);
} span_stacks SEC(".maps");

/* key: cpu * nkeys + span id. value: that span's counters on that CPU */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, GOLAT_MAX_PROBES);
	__type(key, __u32);
	__type(value, struct golat_span_counters);
} span_counters SEC(".maps");

/* The value a goroutine's first start inserts (too big for the BPF stack); never written. */
struct golat_span_stack empty_stack = {};

#define SPAN_MASK (GOLAT_SPAN_STACK - 1)

/* The span's stack on this goroutine (created when create is set); *depth = g.stack.hi - SP. */
static __always_inline struct golat_span_stack *
span_stack(struct pt_regs *ctx, struct golat_span_key *key, __u32 *depth, int create)
{
	struct golat_span_stack *st;
	__u64 hi;

	if (stack_hi(ctx->r14, &hi))
		return NULL;
	*depth = hi - ctx->sp;
	st = bpf_map_lookup_elem(&span_stacks, key);
	if (st || !create)
		return st;
	bpf_map_update_elem(&span_stacks, key, &empty_stack, BPF_NOEXIST);
	return bpf_map_lookup_elem(&span_stacks, key);
}

/* Pop the innermost open start; the goroutine's last one takes its entry with it. */
static __always_inline void pop(struct golat_span_key *key, struct golat_span_stack *st)
{
	st->top = (st->top - 1) & SPAN_MASK;
	st->n--;
	if (!st->n)
		bpf_map_delete_elem(&span_stacks, key);
}

SEC("uprobe")
int golat_span_start(struct pt_regs *ctx)
{
	__u32 span = bpf_get_attach_cookie(ctx) & GOLAT_COOKIE_PROBE_MASK;
	struct golat_span_counters *c;
	struct golat_span_open *top;
	struct golat_span_stack *st;
	struct golat_span_key key = { .g = ctx->r14, .span = span };
	__u32 depth, gen = hot.gen, idx;
	__u64 now = bpf_ktime_get_ns();

	idx = cpu_key(span);
	c = bpf_map_lookup_elem(&span_counters, &idx);
	if (!c)
		return 0;
	st = span_stack(ctx, &key, &depth, 1);
	if (!st) {
		inc(&c->errors);
		return 0;
	}
	top = &st->s[st->top & SPAN_MASK];
	if (st->n && top->depth == depth) {
		/*
		 * The same frame reached its start again: the prologue re-ran after morestack (only
		 * the stack copy is lost), or a panic left this frame's start open. Restart it.
		 */
		if (top->gen == gen)
			inc(&c->restarts);
		else
			inc(&c->started);
		top->ts = now;
		top->gen = gen;
		return 0;
	}
	if (st->n < GOLAT_SPAN_STACK)
		st->n++;
	else
		inc(&c->overflow); /* the ring overwrites the oldest open start */
	st->top = (st->top + 1) & SPAN_MASK;
	top = &st->s[st->top & SPAN_MASK];
	top->ts = now;
	top->depth = depth;
	top->gen = gen;
	inc(&c->started);
	return 0;
}

SEC("uprobe")
int golat_span_end(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 span = bpf_get_attach_cookie(ctx) & GOLAT_COOKIE_PROBE_MASK;
	struct golat_span_counters *c;
	struct golat_span_open *top;
	struct golat_span_stack *st;
	struct golat_span_key key = { .g = ctx->r14, .span = span };
	__u32 depth, idx;
	__u64 *slot, ts;

	idx = cpu_key(span);
	c = bpf_map_lookup_elem(&span_counters, &idx);
	if (!c)
		return 0;
	st = span_stack(ctx, &key, &depth, 0);
	if (!st || !st->n) {
		inc(&c->unmatched);
		return 0;
	}
	/* The innermost open start, whatever its depth: an end may lie in a callee of the from-frame. */
	top = &st->s[st->top & SPAN_MASK];
	ts = top->ts;
	if (top->gen != hot.gen) {
		inc(&c->stale);
		pop(&key, st);
		return 0;
	}
	pop(&key, st);
	inc(&c->completed);
	idx = cpu_key(span) * GOLAT_NBUCKETS + golat_bucket(now - ts);
	slot = bpf_map_lookup_elem(&hist, &idx);
	if (slot)
		inc(slot);
	return 0;
}

SEC("uprobe")
int golat_span_cancel(struct pt_regs *ctx)
{
	__u32 span = bpf_get_attach_cookie(ctx) & GOLAT_COOKIE_PROBE_MASK;
	struct golat_span_counters *c;
	struct golat_span_open *top;
	struct golat_span_stack *st;
	struct golat_span_key key = { .g = ctx->r14, .span = span };
	__u32 depth, gen = hot.gen, idx;
	int i;

	idx = cpu_key(span);
	c = bpf_map_lookup_elem(&span_counters, &idx);
	if (!c)
		return 0;
	st = span_stack(ctx, &key, &depth, 0);
	if (!st)
		return 0;
	/*
	 * A RET of the from-function at depth d (SP at the return address, as at its entry): a
	 * start made in this frame has depth d (the entry site) or more (after the prologue moved
	 * SP), one made in a deeper frame more still, and all of those are over. Outer frames are
	 * shallower and stay open.
	 */
	for (i = 0; i < GOLAT_SPAN_STACK; i++) {
		if (!st->n)
			break;
		top = &st->s[st->top & SPAN_MASK];
		if (top->depth < depth)
			break;
		if (top->gen == gen)
			inc(&c->notreached);
		st->top = (st->top - 1) & SPAN_MASK;
		st->n--;
	}
	if (!st->n)
		bpf_map_delete_elem(&span_stacks, &key);
	return 0;
}

/* mode=empty: the same sites with no work, the floor the kernel charges per probe hit. */
SEC("uprobe")
int golat_empty(struct pt_regs *ctx)
{
	return 0;
}

/* bpf_probe_read_user is GPL-only: the kernel wants a GPL-compatible license string. */
char LICENSE[] SEC("license") = "GPL";
