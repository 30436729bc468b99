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

/* key: hash of a probed address. value: ip << 16 | role << 14 | thread-key << 13 | id (golat.h) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << GOLAT_SITE_BITS);
	__type(key, __u32);
	__type(value, __u64);
} sites SEC(".maps");

#define ROLE_ENTRY 0
#define ROLE_RET 1

/*
 * The uprobe's cookie (probe id, thread-key flag). bpf_get_attach_cookie costs more than the
 * rest of the return program's own work here (see docs/machine-facts.md); the probed address
 * (ctx->ip, set to the breakpoint's address before the handlers run) names the site as well, so
 * each site learns its cookie once and later hits read it from one word of the sites table. The
 * loader turns this off (hot.by_ip = 0) when two probes share a site in one role (one address,
 * two cookies); so does calibration, which probes the agent's own address space. The words are
 * never cleared: a target that execs its own PIE binary again (new load address) keeps old ones,
 * wrong only for a new site whose address equals an old site's of the same role.
 */
static __always_inline __u64 site_cookie(struct pt_regs *ctx, __u64 role)
{
	__u64 ip = ctx->ip, *e, v, c;
	__u32 idx;

	if (!hot.by_ip || (ip >> 47))
		return bpf_get_attach_cookie(ctx);
	idx = (ip * 0x9e3779b97f4a7c15ULL) >> (64 - GOLAT_SITE_BITS);
	e = bpf_map_lookup_elem(&sites, &idx);
	if (!e)
		return bpf_get_attach_cookie(ctx);
	v = *e;
	if (v >> 14 == (ip << 2 | role))
		return (v & 0x1fff) |
		       (v & 0x2000 ? GOLAT_COOKIE_THREAD_KEY : 0);
	c = bpf_get_attach_cookie(ctx);
	if ((c & GOLAT_COOKIE_PROBE_MASK) <= 0x1fff)
		*e = ip << 16 | role << 14 |
		     (c & GOLAT_COOKIE_THREAD_KEY ? 0x2000 : 0) | (c & 0x1fff);
	return c;
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
	__u64 cookie = site_cookie(ctx, ROLE_ENTRY);
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
	__u64 cookie = site_cookie(ctx, ROLE_RET);
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
span_stack(struct pt_regs *ctx, struct golat_span_key *key, __u32 *depth,
	   int create)
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
static __always_inline void pop(struct golat_span_key *key,
				struct golat_span_stack *st)
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

/*
 * Breakdown (opt-in: loaded only when a probe asks for it). casgstatus tells which state each
 * goroutine is in and which thread runs it; sched_switch when such a thread leaves or regains
 * its CPU; stopTheWorldWithSema / startTheWorldWithSema when the world stops. A traced call
 * copies its goroutine's accumulators at the entry and adds the differences at the return.
 */

/* Goroutines whose states the breakdown follows (an LRU hash), threads it maps to their g. */
#define BD_MAX_G 32768
#define BD_MAX_THREADS 4096

/* Go's goroutine states (runtime/runtime2.go, the same in Go 1.17 .. 1.27). */
#define G_RUNNABLE 1
#define G_RUNNING 2
#define G_SYSCALL 3
#define G_WAITING 4
#define G_COPYSTACK 8
#define G_PREEMPTED 9
#define G_LEAKED 10
#define G_SCAN 0x1000

/*
 * Set by the loader: g.waitreason's and g.goid's offsets in this Go version (goid 0: unknown), and
 * each reason's GOLAT_BD_WAIT_*.
 */
const volatile __u32 waitreason_off = 0;
const volatile __u32 goid_off = 0;
const volatile __u8 wait_class[256] = {};

struct golat_bd_global bd;

/* key: g. value: its accumulated time per state, the state it is in and since when */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, BD_MAX_G);
	__type(key, __u64);
	__type(value, struct golat_gstate);
} gstates SEC(".maps");

/* key: thread id (the kernel's). value: the g it runs, 0 when it runs none */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BD_MAX_THREADS);
	__type(key, __u32);
	__type(value, __u64);
} threads SEC(".maps");

/* key: goroutine frame. value: the goroutine's accumulators at the call's entry */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GOLAT_MAX_SPILL);
	__type(key, struct golat_key);
	__type(value, struct golat_bd_frame);
} bd_frames SEC(".maps");

/* key: cpu * nkeys + probe id. value: that probe's breakdown counters on that CPU */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, GOLAT_MAX_PROBES);
	__type(key, __u32);
	__type(value, struct golat_bd_counters);
} bd_counters SEC(".maps");

/* key: ((cpu * nkeys + id) * GOLAT_BD_NCOMP + component) * GOLAT_NBUCKETS + bucket. value: calls */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, GOLAT_BD_NCOMP *GOLAT_NBUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} bd_hist SEC(".maps");

/*
 * key: (cpu * nkeys + probe id) * GOLAT_BD_EXEMPLARS + slot. value: one of the slowest calls of that
 * probe on that CPU (per CPU so that no lock is needed; the loader merges them at the snapshot)
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, GOLAT_BD_EXEMPLARS);
	__type(key, __u32);
	__type(value, struct golat_exemplar);
} bd_exemplars SEC(".maps");

/* The two fields of struct task_struct the switch reads, relocated against the kernel's BTF. */
struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

/* The breakdown component of a goroutine entering Go state status. */
static __always_inline __u32 state_of(__u64 gp, __u32 status)
{
	__u8 reason = 0;

	switch (status) {
	case G_RUNNING:
	case G_COPYSTACK: /* its own thread copies its stack */
		return GOLAT_BD_RUNNING;
	case G_RUNNABLE:
	case G_PREEMPTED:
		return GOLAT_BD_RUNNABLE;
	case G_SYSCALL:
		return GOLAT_BD_WAIT_SYSCALL;
	case G_WAITING:
		/* casgstatus's callers set g.waitreason before the transition. */
		if (waitreason_off &&
		    !bpf_probe_read_user(&reason, 1,
					 (void *)(gp + waitreason_off)) &&
		    wait_class[reason])
			return wait_class[reason];
		return GOLAT_BD_WAIT_OTHER;
	case G_LEAKED:
		return GOLAT_BD_WAIT_OTHER;
	default:
		return GOLAT_BD_OTHER;
	}
}

/* Closes the goroutine's open interval at now and opens one in state. */
static __always_inline void move_to(struct golat_gstate *gs, __u32 state,
				    __u64 now)
{
	__u32 old = gs->state;

	if (old < GOLAT_BD_NCOMP && now > gs->since)
		gs->acc[old] += now - gs->since;
	gs->since = now;
	gs->state = state;
}

static __always_inline struct golat_gstate *gstate_new(__u64 gp, __u32 state,
						       __u64 now)
{
	struct golat_gstate *gs,
		init = { .since = now, .born = now, .state = state };

	if (bpf_map_update_elem(&gstates, &gp, &init, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&gstates, &gp)) {
		inc(&bd.errors);
		return NULL;
	}
	gs = bpf_map_lookup_elem(&gstates, &gp);
	return gs;
}

static __always_inline void set_thread(__u32 tid, __u64 gp)
{
	__u64 *cur = bpf_map_lookup_elem(&threads, &tid);

	if (cur) {
		if (*cur != gp)
			*cur = gp;
	} else if (bpf_map_update_elem(&threads, &tid, &gp, BPF_ANY)) {
		inc(&bd.errors);
	}
}

/* runtime.casgstatus(gp *g, oldval, newval uint32): gp in RAX, oldval in RBX, newval in RCX. */
SEC("uprobe")
int golat_casg(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns(), id = bpf_get_current_pid_tgid();
	__u32 oldval = ctx->bx, newval = ctx->cx, state;
	__u64 gp = ctx->ax, *cur;
	struct golat_gstate *gs;
	__u32 tid = id;

	if (!bd.tgid)
		bd.tgid = id >> 32;
	/* casgstatus refuses scan states: a caller that asked would have thrown. */
	if ((newval | oldval) & G_SCAN)
		return 0;
	inc(&bd.transitions);
	state = state_of(gp, newval);
	gs = bpf_map_lookup_elem(&gstates, &gp);
	if (gs) {
		move_to(gs, state, now);
		gs->offcpu = 0;
	} else {
		gstate_new(gp, state, now);
	}
	/* A goroutine in a system call keeps its thread: the switch sees it preempted there too. */
	if (newval == G_RUNNING || newval == G_SYSCALL) {
		set_thread(tid, gp);
	} else if (oldval == G_RUNNING || oldval == G_SYSCALL) {
		cur = bpf_map_lookup_elem(&threads, &tid);
		if (cur && *cur == gp)
			*cur = 0;
	}
	return 0;
}

/*
 * A thread of the target leaves or regains its CPU. Leaving while its goroutine runs or is in a
 * system call: still runnable (prev_state 0, preempted) is "descheduled by the OS"; a running
 * goroutine's thread blocked in the kernel (a system call the runtime did not announce, a page
 * fault) counts as a syscall wait. Regaining the CPU returns it to the state it left
 * (gs->offcpu holds that state + 1).
 */
SEC("tp_btf/sched_switch")
int golat_switch(__u64 *ctx)
{
	struct task_struct *prev = (void *)ctx[1], *next = (void *)ctx[2];
	__u32 prev_state = ctx[3], tgid = bd.tgid, tid;
	struct golat_gstate *gs;
	__u64 now, *gp;

	if (!tgid)
		return 0;
	if (prev->tgid == tgid) {
		tid = prev->pid;
		gp = bpf_map_lookup_elem(&threads, &tid);
		if (gp && *gp) {
			gs = bpf_map_lookup_elem(&gstates, gp);
			if (gs && !gs->offcpu &&
			    (gs->state == GOLAT_BD_RUNNING ||
			     (gs->state == GOLAT_BD_WAIT_SYSCALL &&
			      !prev_state))) {
				now = bpf_ktime_get_ns();
				gs->offcpu = gs->state + 1;
				move_to(gs,
					prev_state ? GOLAT_BD_WAIT_SYSCALL :
						     GOLAT_BD_OFFCPU,
					now);
				inc(&bd.switches);
			}
		}
	}
	if (next->tgid == tgid) {
		tid = next->pid;
		gp = bpf_map_lookup_elem(&threads, &tid);
		if (gp && *gp) {
			gs = bpf_map_lookup_elem(&gstates, gp);
			if (gs && gs->offcpu) {
				now = bpf_ktime_get_ns();
				move_to(gs, gs->offcpu - 1, now);
				gs->offcpu = 0;
				inc(&bd.switches);
			}
		}
	}
	return 0;
}

/*
 * The world stops at the entry of stopTheWorldWithSema (it then waits for every P) and starts
 * again at the entry of startTheWorldWithSema. (Its return is no better end: on a busy machine
 * the Ms it wakes preempt it for milliseconds after the world already runs.)
 */
SEC("uprobe")
int golat_stw_stop(struct pt_regs *ctx)
{
	if (!bd.stw_since)
		bd.stw_since = bpf_ktime_get_ns();
	return 0;
}

SEC("uprobe")
int golat_stw_start(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns(), since = bd.stw_since;

	if (since && now > since) {
		__sync_fetch_and_add(&bd.stw_total, now - since);
		bd.stw_since = 0;
	}
	return 0;
}

/* ns the world was stopped up to now; a stop ending meanwhile is read again. */
static __always_inline __u64 stw_at(__u64 now)
{
	__u64 total, since;
	int i;

	for (i = 0; i < 2; i++) {
		total = bd.stw_total;
		since = bd.stw_since;
		if (total == bd.stw_total)
			break;
	}
	return total + (since && now > since ? now - since : 0);
}

static __always_inline struct golat_bd_counters *bd_counters_of(__u32 probe)
{
	__u32 idx = cpu_key(probe);

	return bpf_map_lookup_elem(&bd_counters, &idx);
}

#define bd_count(probe, field)                                         \
	({                                                             \
		struct golat_bd_counters *__c = bd_counters_of(probe); \
		if (__c)                                               \
			inc(&__c->field);                              \
	})

/* The goroutine's accumulators as of now: the open interval added to its state. */
static __always_inline void acc_now(const struct golat_gstate *gs, __u64 now,
				    __u64 *acc)
{
	__u32 c, state = gs->state;

	for (c = 0; c < GOLAT_BD_NCOMP; c++)
		acc[c] = gs->acc[c];
	if (state < GOLAT_BD_NCOMP && now > gs->since)
		acc[state] += now - gs->since;
}

/* At a traced call's entry site, beside golat_entry: copy the goroutine's accumulators. */
SEC("uprobe")
int golat_bd_entry(struct pt_regs *ctx)
{
	__u32 probe = bpf_get_attach_cookie(ctx) & GOLAT_COOKIE_PROBE_MASK;
	__u64 now = bpf_ktime_get_ns(), gp = ctx->r14;
	struct golat_bd_frame fr = {}, *old;
	struct golat_gstate *gs;
	struct golat_key key;

	if (make_key(ctx, probe, &key)) {
		bd_count(probe, errors);
		return 0;
	}
	old = bpf_map_lookup_elem(&bd_frames, &key);
	if (old && (old->flags & GOLAT_FLAG_REENTRY_PENDING)) {
		old->flags = 0;
		return 0;
	}
	/* A goroutine running since before attach, or one casgstatus has not told of: it runs. */
	set_thread(bpf_get_current_pid_tgid(), gp);
	gs = bpf_map_lookup_elem(&gstates, &gp);
	if (!gs)
		gs = gstate_new(gp, GOLAT_BD_RUNNING, now);
	if (!gs) {
		bd_count(probe, errors);
		return 0;
	}
	if (gs->state != GOLAT_BD_RUNNING) {
		move_to(gs, GOLAT_BD_RUNNING, now);
		gs->offcpu = 0;
	}
	acc_now(gs, now, fr.acc);
	fr.ts = now;
	fr.born = gs->born;
	fr.stw = stw_at(now);
	fr.gen = hot.gen;
	if (bpf_map_update_elem(&bd_frames, &key, &fr, BPF_ANY))
		bd_count(probe, errors);
	return 0;
}

SEC("uprobe")
int golat_bd_morestack(struct pt_regs *ctx)
{
	struct golat_bd_frame *fr;
	struct golat_key key;

	if (make_key(ctx, bpf_get_attach_cookie(ctx), &key))
		return 0;
	fr = bpf_map_lookup_elem(&bd_frames, &key);
	if (fr)
		fr->flags |= GOLAT_FLAG_REENTRY_PENDING;
	return 0;
}

static __always_inline void bd_add(__u32 probe, __u32 comp, __u64 ns)
{
	__u32 idx = (cpu_key(probe) * GOLAT_BD_NCOMP + comp) * GOLAT_NBUCKETS +
		    golat_bucket(ns);
	__u64 *slot = bpf_map_lookup_elem(&bd_hist, &idx);

	if (slot)
		inc(slot);
}

/*
 * Keeps the call if it is slower than the fastest of the probe's exemplars on this CPU, in that one's
 * slot (a slot of an older window counts as empty). Only programs on this CPU write these slots, so
 * no lock: uprobe programs run with migration disabled; only one preempted mid-write by another
 * return of the same probe on the same CPU could leave a mixed record.
 */
static __always_inline void exemplar_offer(__u32 probe, __u64 ns, __u64 gp,
					   const __u64 *part)
{
	__u32 base = cpu_key(probe) * GOLAT_BD_EXEMPLARS, gen = hot.gen;
	__u32 i, min_i = 0, idx;
	__u64 min_ns = ~0ULL, v, goid = 0;
	struct golat_exemplar *e;

	for (i = 0; i < GOLAT_BD_EXEMPLARS; i++) {
		idx = base + i;
		e = bpf_map_lookup_elem(&bd_exemplars, &idx);
		if (!e)
			return;
		v = e->gen == gen ? e->ns : 0;
		if (v < min_ns) {
			min_ns = v;
			min_i = i;
		}
	}
	if (ns <= min_ns)
		return;
	idx = base + min_i;
	e = bpf_map_lookup_elem(&bd_exemplars, &idx);
	if (!e)
		return;
	if (goid_off)
		bpf_probe_read_user(&goid, sizeof(goid),
				    (void *)(gp + goid_off));
	for (i = 0; i < GOLAT_BD_NCOMP; i++)
		e->part[i] = part[i];
	e->goid = goid;
	e->gen = gen;
	e->ns = ns;
}

/* At every RET, beside golat_ret: one sample per component of the call's differences. */
SEC("uprobe")
int golat_bd_ret(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns(), gp = ctx->r14, acc[GOLAT_BD_NCOMP], d,
	      waiting = 0, stw;
	__u32 probe = bpf_get_attach_cookie(ctx) & GOLAT_COOKIE_PROBE_MASK, c;
	struct golat_bd_frame *fr;
	struct golat_gstate *gs;
	struct golat_key key;

	if (make_key(ctx, probe, &key))
		return 0;
	fr = bpf_map_lookup_elem(&bd_frames, &key);
	if (!fr) {
		bd_count(probe, lost);
		return 0;
	}
	if (fr->gen != hot.gen) {
		bpf_map_delete_elem(&bd_frames, &key);
		return 0;
	}
	gs = bpf_map_lookup_elem(&gstates, &gp);
	if (!gs || gs->born != fr->born) {
		bpf_map_delete_elem(&bd_frames, &key);
		bd_count(probe, lost);
		return 0;
	}
	acc_now(gs, now, acc);
	/* acc[c] becomes the call's part c. */
	for (c = 0; c < GOLAT_BD_NCOMP; c++) {
		if (c == GOLAT_BD_WAITING || c == GOLAT_BD_STW)
			continue;
		d = acc[c] > fr->acc[c] ? acc[c] - fr->acc[c] : 0;
		if (c >= GOLAT_BD_WAIT_CHAN)
			waiting += d;
		acc[c] = d;
		bd_add(probe, c, d);
	}
	acc[GOLAT_BD_WAITING] = waiting;
	bd_add(probe, GOLAT_BD_WAITING, waiting);
	stw = stw_at(now);
	acc[GOLAT_BD_STW] = stw > fr->stw ? stw - fr->stw : 0;
	bd_add(probe, GOLAT_BD_STW, acc[GOLAT_BD_STW]);
	exemplar_offer(probe, now > fr->ts ? now - fr->ts : 0, gp, acc);
	bpf_map_delete_elem(&bd_frames, &key);
	bd_count(probe, calls);
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
