// SPDX-License-Identifier: Apache-2.0
/*
 * Shared by golat.bpf.c (kernel side) and golat.c (loader), and mirrored by the Java
 * classes dev.golat.agent.AgentProtocol and dev.golat.agent.Buckets: a unit test parses
 * the #defines below, so keep them one per line, "#define NAME value".
 */
#ifndef __GOLAT_H
#define __GOLAT_H

/* Version of the line protocol in agent/PROTOCOL.md, printed in the greeting. */
#define GOLAT_PROTOCOL_VERSION 1

/*
 * Log-linear histogram of nanoseconds. Values below GOLAT_SUB_BUCKETS are exact
 * (bucket = value). Above, every power of two [2^e, 2^(e+1)) is split into
 * GOLAT_SUB_BUCKETS equal buckets of width 2^(e - GOLAT_SUB_BITS), so a bucket is
 * never wider than 1/128 of its lower bound:
 *   idx = v                                        for v < 128
 *   idx = 128 + (e - 7) * 128 + ((v >> (e - 7)) - 128)  with e = floor(log2 v)
 * e is capped at GOLAT_MAX_EXP: values >= 2^(GOLAT_MAX_EXP + 1) ns (~36 min) land
 * in the last bucket.
 */
#define GOLAT_SUB_BITS 7
#define GOLAT_SUB_BUCKETS 128
#define GOLAT_MAX_EXP 40
#define GOLAT_NBUCKETS 4480

/* Probe ids are 0 .. GOLAT_MAX_PROBES - 1; the loader sizes maps by the highest id. */
#define GOLAT_MAX_PROBES 4096

/*
 * Frames in flight live in a direct-mapped table of 2^GOLAT_SLOT_BITS slots indexed by a
 * hash of the key (claimed with one compare-and-swap, no lock, no allocation); a frame
 * whose slot is taken by another frame spills into a plain hash of GOLAT_MAX_SPILL entries.
 */
#define GOLAT_SLOT_BITS 16
#define GOLAT_MAX_SPILL 16384

/* g.stack.hi of up to 2^GOLAT_GSTACK_BITS goroutines is kept between calls (direct-mapped by g). */
#define GOLAT_GSTACK_BITS 12

/*
 * Spans: per (goroutine, span id), a ring of the GOLAT_SPAN_STACK innermost open starts (a
 * deeper recursion drops the oldest), in a hash of GOLAT_MAX_SPAN_KEYS goroutines (an entry
 * lives while its goroutine has an open start).
 */
#define GOLAT_SPAN_STACK 64
#define GOLAT_MAX_SPAN_KEYS 4096

/* bpf_cookie of every uprobe: probe id in the low 32 bits, flags above. */
#define GOLAT_COOKIE_PROBE_MASK 0xffffffff
#define GOLAT_COOKIE_THREAD_KEY 0x100000000

/*
 * The probe of a site as its programs last learnt it (golat.bpf.c, site_cookie): a direct-mapped
 * table of 2^GOLAT_SITE_BITS entries indexed by a hash of the probed address, each one 64-bit word
 * ip << 16 | role << 14 | thread-key << 13 | id, so a reader never sees half of another's write.
 */
#define GOLAT_SITE_BITS 14

/* In-flight flag: the frame called runtime.morestack; its prologue will run again. */
#define GOLAT_FLAG_REENTRY_PENDING 1

/*
 * Breakdown (opt-in per probe): each call's wall time split by what its goroutine did. The
 * components index per-probe histograms; RUNNING..WAIT_OTHER are goroutine states (one at a
 * time, so they add up to the call's wall time), WAITING is the sum of the WAIT_* classes, and
 * STW is the part of the call during which the world was stopped (it overlaps the others).
 */
#define GOLAT_BD_RUNNING 0
#define GOLAT_BD_OFFCPU 1
#define GOLAT_BD_RUNNABLE 2
#define GOLAT_BD_WAITING 3
#define GOLAT_BD_STW 4
#define GOLAT_BD_OTHER 5
#define GOLAT_BD_WAIT_CHAN 6
#define GOLAT_BD_WAIT_SELECT 7
#define GOLAT_BD_WAIT_SYNC 8
#define GOLAT_BD_WAIT_SLEEP 9
#define GOLAT_BD_WAIT_NET 10
#define GOLAT_BD_WAIT_GC 11
#define GOLAT_BD_WAIT_SYSCALL 12
#define GOLAT_BD_WAIT_OTHER 13
#define GOLAT_BD_NCOMP 14

/* Breakdown exemplars: per probe, the slowest calls of the window kept with their parts (per CPU, merged). */
#define GOLAT_BD_EXEMPLARS 8

/* Error codes of "error <CODE> <message>" lines. */
#define GOLAT_ERR_EPERM "EPERM"
#define GOLAT_ERR_NOBPF "NOBPF"
#define GOLAT_ERR_NOUPROBE "NOUPROBE"
#define GOLAT_ERR_BADOFFSET "BADOFFSET"
#define GOLAT_ERR_NOPID "NOPID"
#define GOLAT_ERR_NOBINARY "NOBINARY"
#define GOLAT_ERR_PROTOCOL "PROTOCOL"
#define GOLAT_ERR_INTERNAL "INTERNAL"

#ifndef __GOLAT_NO_STRUCTS

/*
 * Pairing key of one Go frame. Goroutine key: g is R14 (the running g in ABIInternal
 * code, Go >= 1.17), depth is g.stack.hi - SP: SP points at the return address both
 * at the entry site and at every RET, and the distance to the stack top survives
 * runtime.copystack while separating recursive frames. Thread key (a test-only
 * control): g is the thread id, depth 0.
 */
struct golat_key {
	__u64 g;
	__u32 depth;
	__u32 probe;
};

/* One frame in flight. gen is the reset generation the entry belongs to. */
struct golat_inflight {
	__u64 ts;
	__u32 gen;
	__u32 flags;
};

/* A slot of the direct-mapped in-flight table; owner 0 means free. */
struct golat_slot {
	__u64 owner; /* key.g of the frame holding the slot */
	__u32 depth;
	__u32 probe;
	struct golat_inflight v;
};

/*
 * Per probe, per CPU. A matched return touches its slot and one histogram
 * bucket only, so the loader derives matched = the histogram's sum and
 * returns = matched + unmatched + stale + ret_errors.
 */
struct golat_counters {
	__u64 entries; /* calls entered (a morestack re-run of the prologue is not a new call) */
	__u64 unmatched; /* returns with no entry in flight */
	__u64 stale; /* returns of calls entered before the last reset: dropped */
	__u64 reentries; /* prologues run again after runtime.morestack: first timestamp kept */
	__u64 dnr; /* entries that found an older frame at their key: it did not return */
	__u64 errors; /* entries: g.stack.hi unreadable, or in-flight table and spill map full */
	__u64 ret_errors; /* returns: g.stack.hi unreadable */
	__u64 pad; /* one cache line per (CPU, probe) */
};

/*
 * Every global the hot path reads, in one cache line (golat.bpf.c's .bss):
 * after the kernel's trap path each distinct line a program touches is likely a
 * miss. The loader sets slot_bits (a test shrinks the table to force the spill
 * path) and nkeys before load, and bumps gen through the mmapped .bss.
 */
struct golat_hot {
	__u32 gen; /* current reset generation */
	__u32 slot_bits; /* log2 of the slot table size */
	__u32 nkeys; /* probe and span ids are 0 .. nkeys - 1 */
	__u32 gstacks; /* 1: g.stack.hi is cached per g (stack moves are probed) */
	__s64 spilled; /* frames in the spill map; while 0 nobody looks there */
	__u32 by_ip; /* 1: entry and return learn their probe id per site (no two share one) */
	__u32 pad;
};

/* A goroutine's g.stack.hi as last read; g 0 means empty, check = gstack_check(g, hi). */
struct golat_gstack {
	__u64 g;
	__u64 hi;
	__u64 check;
	__u64 pad;
};

/* Pairing key of a span's starts and ends: the goroutine (R14) and the span id. */
struct golat_span_key {
	__u64 g;
	__u32 span;
	__u32 pad;
};

/* One open start: when, how deep (g.stack.hi - SP), in which reset generation. */
struct golat_span_open {
	__u64 ts;
	__u32 depth;
	__u32 gen;
};

/*
 * The open starts of one span on one goroutine, innermost at top: a ring, so a push onto a
 * full stack overwrites the oldest. Only its own goroutine touches it (one thread at a time).
 */
struct golat_span_stack {
	__u32 top; /* index of the innermost open start (mod GOLAT_SPAN_STACK) */
	__u32 n; /* open starts, 0..GOLAT_SPAN_STACK */
	struct golat_span_open s[GOLAT_SPAN_STACK];
};

/* Per span, per CPU. */
struct golat_span_counters {
	__u64 started; /* start sites hit (a restart at the same depth is not a new start) */
	__u64 completed; /* end sites that popped a start of the current generation: in the histogram */
	__u64 notreached; /* starts popped at a cancel site: the from-frame returned before the end */
	__u64 unmatched; /* end sites hit with no open start */
	__u64 restarts; /* start sites hit again at the depth of the innermost open start: overwritten */
	__u64 overflow; /* pushes onto a full stack: the oldest open start was dropped */
	__u64 stale; /* end sites that popped a start from before the last reset: dropped */
	__u64 errors; /* g.stack.hi unreadable, or the span map could not take the goroutine */
};

/*
 * Breakdown: one goroutine's time so far per state (acc, indexed by GOLAT_BD_*), the state it is
 * in and since when. born tells a goroutine's entry apart from the one the LRU hash gave its slot
 * to. offcpu: 0, or the state + 1 in which its thread left the CPU (sched_switch set the current
 * state, and restores that one when the thread is back).
 */
struct golat_gstate {
	__u64 since;
	__u64 born;
	__u32 state;
	__u32 offcpu;
	__u64 acc[GOLAT_BD_NCOMP];
};

/* Breakdown: a traced call in flight, its goroutine's accumulators at the entry. */
struct golat_bd_frame {
	__u64 ts;
	__u64 born;
	__u64 stw;
	__u32 gen;
	__u32 flags;
	__u64 acc[GOLAT_BD_NCOMP];
};

/* Breakdown counters per probe, per CPU. */
struct golat_bd_counters {
	__u64 calls; /* returns broken down: each component histogram got one sample */
	__u64 lost; /* returns with no breakdown frame, or whose goroutine's state was evicted */
	__u64 errors; /* entries: g.stack.hi unreadable, or no room in the frame or goroutine maps */
	__u64 pad;
};

/*
 * Breakdown exemplar: one of the slowest calls of a probe on one CPU in one window. ns is the call's
 * wall time between the breakdown's own clock reads, part[] its components as the histograms got
 * them; goid is its goroutine's id (0: offset unknown). gen tells a slot of an older window (free).
 */
struct golat_exemplar {
	__u64 ns;
	__u64 goid;
	__u32 gen;
	__u32 pad;
	__u64 part[GOLAT_BD_NCOMP];
};

/* Breakdown globals (golat.bpf.c's .bss): the world's stops, the target's tgid, counts. */
struct golat_bd_global {
	__u64 stw_since; /* entry of stopTheWorldWithSema; 0 while the world runs */
	__u64 stw_total; /* ns the world was stopped, over finished stops */
	__u32 tgid; /* the target, as the kernel numbers it (learnt at the first casgstatus) */
	__u32 pad;
	__u64 transitions; /* casgstatus hits */
	__u64 switches; /* sched_switch hits that moved a traced goroutine's state */
	__u64 errors; /* goroutine or thread maps full */
};

/*
 * The bucket of a value in ns, as the kernel computes it; also compiled by the Java unit
 * test that checks dev.golat.agent.Buckets against it.
 */
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline __u32 golat_log2(__u64 v)
{
	__u32 r = 0, s;

	s = (v > 0xffffffffULL) << 5;
	v >>= s;
	r |= s;
	s = (v > 0xffff) << 4;
	v >>= s;
	r |= s;
	s = (v > 0xff) << 3;
	v >>= s;
	r |= s;
	s = (v > 0xf) << 2;
	v >>= s;
	r |= s;
	s = (v > 0x3) << 1;
	v >>= s;
	r |= s;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 golat_bucket(__u64 v)
{
	__u32 e;

	if (v < GOLAT_SUB_BUCKETS)
		return v;
	e = golat_log2(v);
	if (e > GOLAT_MAX_EXP)
		return GOLAT_NBUCKETS - 1;
	return GOLAT_SUB_BUCKETS + (e - GOLAT_SUB_BITS) * GOLAT_SUB_BUCKETS +
	       ((v >> (e - GOLAT_SUB_BITS)) - GOLAT_SUB_BUCKETS);
}

#endif /* __GOLAT_NO_STRUCTS */

#endif /* __GOLAT_H */
