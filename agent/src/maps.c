// SPDX-License-Identifier: Apache-2.0
/*
 * Serving: the per-CPU tables mapped and summed over CPUs, zeroing, in-flight
 * counts, and the snapshot and reset answers built from them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "agent.h"
#include "golat.skel.h"

size_t slot_table_size(const struct agent *a)
{
	size_t page = sysconf(_SC_PAGESIZE);

	return ((sizeof(struct golat_slot) << a->slot_bits) + page - 1) / page *
	       page;
}

/* Bytes an mmap of n values of size bytes each takes: whole pages. */
static size_t mapped_size(size_t n, size_t size)
{
	size_t page = sysconf(_SC_PAGESIZE);

	return (n * size + page - 1) / page * page;
}

static void *map_table(struct bpf_map *map, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       bpf_map__fd(map), 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Maps the per-CPU counters and histograms (plain arrays indexed by
 * cpu * nkeys + id, see golat.bpf.c) into the agent; 0 or -errno.
 */
int agent_map_tables(struct agent *a)
{
	size_t n = (size_t)a->ncpus * a->nkeys;

	a->counters_len = mapped_size(n, sizeof(struct golat_counters));
	a->span_counters_len =
		mapped_size(n, sizeof(struct golat_span_counters));
	a->hist_len = mapped_size(n * GOLAT_NBUCKETS, sizeof(__u64));
	a->counters = map_table(a->skel->maps.counters, a->counters_len);
	if (!a->counters)
		return -errno;
	a->span_counters =
		map_table(a->skel->maps.span_counters, a->span_counters_len);
	if (!a->span_counters)
		return -errno;
	a->hist = map_table(a->skel->maps.hist, a->hist_len);
	if (!a->hist)
		return -errno;
	if (!a->nbreakdown)
		return 0;
	a->bd_counters_len = mapped_size(n, sizeof(struct golat_bd_counters));
	a->bd_hist_len =
		mapped_size(n * GOLAT_BD_NCOMP * GOLAT_NBUCKETS, sizeof(__u64));
	a->bd_counters =
		map_table(a->skel->maps.bd_counters, a->bd_counters_len);
	if (!a->bd_counters)
		return -errno;
	a->bd_hist = map_table(a->skel->maps.bd_hist, a->bd_hist_len);
	if (!a->bd_hist)
		return -errno;
	a->bd_exemplars_len = mapped_size(n * GOLAT_BD_EXEMPLARS,
					  sizeof(struct golat_exemplar));
	a->bd_exemplars =
		map_table(a->skel->maps.bd_exemplars, a->bd_exemplars_len);
	if (!a->bd_exemplars)
		return -errno;
	return 0;
}

void agent_unmap_tables(struct agent *a)
{
	if (a->counters)
		munmap(a->counters, a->counters_len);
	if (a->span_counters)
		munmap(a->span_counters, a->span_counters_len);
	if (a->hist)
		munmap(a->hist, a->hist_len);
	if (a->bd_counters)
		munmap(a->bd_counters, a->bd_counters_len);
	if (a->bd_hist)
		munmap(a->bd_hist, a->bd_hist_len);
	if (a->bd_exemplars)
		munmap(a->bd_exemplars, a->bd_exemplars_len);
	a->counters = NULL;
	a->span_counters = NULL;
	a->hist = NULL;
	a->bd_counters = NULL;
	a->bd_hist = NULL;
	a->bd_exemplars = NULL;
}

/*
 * A cell the programs add to meanwhile, read; with take also zeroed in one
 * atomic exchange, so every add lands in exactly one take. Most cells are 0:
 * those are only read (an add right after the read stays for the next take).
 */
static __u64 cell(volatile __u64 *p, bool take)
{
	__u64 v = *p;

	if (take && v)
		v = __atomic_exchange_n(p, 0, __ATOMIC_SEQ_CST);
	return v;
}

/*
 * Sums, for every id, the n __u64 that start at ids * n per CPU of a table of
 * ncpus * nkeys rows: sum[id * n + i] = sum over cpu of
 * table[(cpu * nkeys + id) * n + i]. The programs update it meanwhile; an
 * aligned 8-byte load is never torn.
 */
static void sum_cpus(volatile __u64 *table, int ncpus, __u32 nkeys, size_t n,
		     __u64 *sum, bool take)
{
	size_t row = nkeys * n, i;
	int c;

	memset(sum, 0, row * sizeof(*sum));
	for (c = 0; c < ncpus; c++)
		for (i = 0; i < row; i++)
			sum[i] += cell(&table[c * row + i], take);
}

/* Sums id's histogram over CPUs into hist, and zeroes it. */
void agent_hist_take(struct agent *a, int id, __u64 *hist)
{
	int c, b;

	memset(hist, 0, GOLAT_NBUCKETS * sizeof(*hist));
	for (c = 0; c < a->ncpus; c++) {
		__u64 *row =
			a->hist + ((size_t)c * a->nkeys + id) * GOLAT_NBUCKETS;

		for (b = 0; b < GOLAT_NBUCKETS; b++)
			hist[b] += cell(&row[b], true);
	}
}

/*
 * Counts frames in flight of the current generation per probe: the slot table
 * (mapped read-only once) and the spill map. Older frames are never swept: a
 * call in flight across resets (a connection handler, say) must still find its
 * entry and count as stale.
 */
static int count_inflight(struct agent *a, __u32 gen, __u64 *per_probe)
{
	int fd = bpf_map__fd(a->skel->maps.spill);
	struct golat_key key, next, *prev = NULL;
	__u32 i, max = a->max_id;
	struct golat_inflight v;

	if (!a->slot_table) {
		const struct golat_slot *t;

		t = mmap(NULL, slot_table_size(a), PROT_READ, MAP_SHARED,
			 bpf_map__fd(a->skel->maps.slots), 0);
		if (t == MAP_FAILED)
			return -errno;
		a->slot_table = t;
	}
	for (i = 0; i < 1U << a->slot_bits; i++) {
		const volatile struct golat_slot *s = &a->slot_table[i];

		if (s->owner && s->v.gen == gen && s->probe <= max)
			per_probe[s->probe]++;
	}
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &v) && v.gen == gen &&
		    key.probe <= max)
			per_probe[key.probe]++;
	}
	return 0;
}

/* Counts open starts of generation gen per span, on every goroutine. */
static int count_span_inflight(struct agent *a, __u32 gen, __u64 *per_span)
{
	int fd = bpf_map__fd(a->skel->maps.span_stacks);
	struct golat_span_key key, next, *prev = NULL;
	__u32 i;
	struct golat_span_stack *st;

	if (!a->nspans)
		return 0;
	st = malloc(sizeof(*st));
	if (!st)
		return -ENOMEM;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		/* A racy copy (its goroutine may be pushing): good enough for a count. */
		if (bpf_map_lookup_elem(fd, &key, st) ||
		    key.span > (__u32)a->max_id)
			continue;
		for (i = 0; i < st->n && i < GOLAT_SPAN_STACK; i++)
			if (st->s[(st->top - i) & (GOLAT_SPAN_STACK - 1)].gen ==
			    gen)
				per_span[key.span]++;
	}
	free(st);
	return 0;
}

#define NSLOTS(type) (sizeof(type) / sizeof(__u64))

/* The maps summed over CPUs, for every id up to max_id. */
struct totals {
	__u64 *cnt; /* struct golat_counters per id */
	__u64 *span_cnt; /* struct golat_span_counters per id */
	__u64 *hist; /* GOLAT_NBUCKETS per id */
	__u64 *inflight; /* per id */
};

static void free_totals(struct totals *t)
{
	free(t->cnt);
	free(t->span_cnt);
	free(t->hist);
	free(t->inflight);
}

/*
 * Reads every map (with take: takes every count, see cell), and counts what is
 * in flight of generation gen; 0, or 1 when reported.
 */
static int read_totals(struct agent *a, struct totals *t, __u32 gen, bool take)
{
	__u32 nkeys = a->nkeys;
	int err;

	t->cnt = calloc(nkeys * NSLOTS(struct golat_counters), sizeof(__u64));
	t->span_cnt = calloc(nkeys * NSLOTS(struct golat_span_counters),
			     sizeof(__u64));
	t->hist = calloc((size_t)nkeys * GOLAT_NBUCKETS, sizeof(__u64));
	t->inflight = calloc(nkeys, sizeof(__u64));
	if (!t->cnt || !t->hist || !t->inflight || !t->span_cnt)
		return fail(GOLAT_ERR_INTERNAL, "out of memory");
	sum_cpus((__u64 *)a->counters, a->ncpus, nkeys,
		 NSLOTS(struct golat_counters), t->cnt, take);
	sum_cpus((__u64 *)a->span_counters, a->ncpus, nkeys,
		 NSLOTS(struct golat_span_counters), t->span_cnt, take);
	sum_cpus(a->hist, a->ncpus, nkeys, GOLAT_NBUCKETS, t->hist, take);
	err = count_inflight(a, gen, t->inflight);
	if (!err)
		err = count_span_inflight(a, gen, t->inflight);
	if (err)
		return fail(GOLAT_ERR_INTERNAL, "map the in-flight table: %s",
			    strerror(-err));
	return 0;
}

/* matched and returns are derived: see struct golat_counters. */
static void print_probe(int id, const struct golat_counters *c,
			const __u64 *hist, __u64 inflight)
{
	__u64 matched = 0;
	int b;

	for (b = 0; b < GOLAT_NBUCKETS; b++)
		matched += hist[b];
	printf("probe %d entries=%llu returns=%llu matched=%llu unmatched=%llu "
	       "stale=%llu reentries=%llu dnr=%llu inflight=%llu errors=%llu\n",
	       id, c->entries,
	       matched + c->unmatched + c->stale + c->ret_errors, matched,
	       c->unmatched, c->stale, c->reentries, c->dnr, inflight,
	       c->errors + c->ret_errors);
}

static void print_span(int id, const struct golat_span_counters *c,
		       __u64 inflight)
{
	printf("span %d started=%llu completed=%llu notreached=%llu "
	       "unmatched=%llu restarts=%llu overflow=%llu stale=%llu "
	       "inflight=%llu errors=%llu\n",
	       id, c->started, c->completed, c->notreached, c->unmatched,
	       c->restarts, c->overflow, c->stale, inflight, c->errors);
}

static void print_hist(int id, const __u64 *h)
{
	int b;

	printf("hist %d", id);
	for (b = 0; b < GOLAT_NBUCKETS; b++)
		if (h[b])
			printf(" %d:%llu", b, h[b]);
	printf("\n");
}

/* The component names of "bhist" lines, in GOLAT_BD_* order. */
static const char *const bd_names[GOLAT_BD_NCOMP] = {
	"running", "offcpu", "runnable", "waiting",    "stw",
	"other",   "chan",   "select",	 "sync",       "sleep",
	"net",	   "gc",     "syscall",	 "wait-other",
};

static int by_ns_desc(const void *x, const void *y)
{
	const struct golat_exemplar *a = x, *b = y;

	return a->ns < b->ns ? 1 : a->ns > b->ns ? -1 : 0;
}

/* The slowest calls of probe id in window gen: every CPU's exemplars, the slowest first. */
static int print_exemplars(struct agent *a, int id, __u32 gen)
{
	struct golat_exemplar *all, *e;
	int cpu, i, c, n = 0;

	all = calloc((size_t)a->ncpus * GOLAT_BD_EXEMPLARS, sizeof(*all));
	if (!all)
		return fail(GOLAT_ERR_INTERNAL, "out of memory");
	for (cpu = 0; cpu < a->ncpus; cpu++) {
		for (i = 0; i < GOLAT_BD_EXEMPLARS; i++) {
			e = &a->bd_exemplars[((size_t)cpu * a->nkeys + id) *
						     GOLAT_BD_EXEMPLARS +
					     i];
			/* A copy first: the kernel may rewrite the slot meanwhile. */
			all[n] = *(volatile struct golat_exemplar *)e;
			if (all[n].ns && all[n].gen == gen)
				n++;
		}
	}
	qsort(all, n, sizeof(all[0]), by_ns_desc);
	if (n > GOLAT_BD_EXEMPLARS)
		n = GOLAT_BD_EXEMPLARS;
	printf("exemplars %d n=%d\n", id, n);
	for (i = 0; i < n; i++) {
		printf("exemplar %d ns=%llu goid=%llu", id, all[i].ns,
		       all[i].goid);
		for (c = 0; c < GOLAT_BD_NCOMP; c++)
			printf(" %s=%llu", bd_names[c], all[i].part[c]);
		printf("\n");
	}
	free(all);
	return 0;
}

/* The breakdown of probe id: its counters and one histogram per component. */
static int print_breakdown(struct agent *a, int id, __u32 gen, bool take)
{
	__u64 c[NSLOTS(struct golat_bd_counters)] = { 0 }, *h;
	size_t n = NSLOTS(struct golat_bd_counters), i;
	int cpu, comp, b;

	h = calloc(GOLAT_NBUCKETS, sizeof(*h));
	if (!h)
		return fail(GOLAT_ERR_INTERNAL, "out of memory");
	for (cpu = 0; cpu < a->ncpus; cpu++) {
		volatile __u64 *row =
			(__u64 *)&a->bd_counters[(size_t)cpu * a->nkeys + id];

		for (i = 0; i < n; i++)
			c[i] += cell(&row[i], take);
	}
	printf("breakdown %d calls=%llu lost=%llu errors=%llu\n", id, c[0],
	       c[1], c[2]);
	for (comp = 0; comp < GOLAT_BD_NCOMP; comp++) {
		memset(h, 0, GOLAT_NBUCKETS * sizeof(*h));
		for (cpu = 0; cpu < a->ncpus; cpu++) {
			volatile __u64 *row =
				a->bd_hist + (((size_t)cpu * a->nkeys + id) *
						      GOLAT_BD_NCOMP +
					      comp) * GOLAT_NBUCKETS;

			for (b = 0; b < GOLAT_NBUCKETS; b++)
				h[b] += cell(&row[b], take);
		}
		printf("bhist %d %s", id, bd_names[comp]);
		for (b = 0; b < GOLAT_NBUCKETS; b++)
			if (h[b])
				printf(" %d:%llu", b, h[b]);
		printf("\n");
	}
	free(h);
	return print_exemplars(a, id, gen);
}

/* The runtime hooks' own counts: state changes seen, switches that moved a goroutine. */
static void print_hooks(struct agent *a)
{
	const volatile struct golat_bd_global *g = &a->skel->bss->bd;

	printf("hooks transitions=%llu switches=%llu stw_ns=%llu errors=%llu\n",
	       g->transitions, g->switches, g->stw_total, g->errors);
}

/* The snapshot lines of every id; with take, of a window that take closes (gen its generation). */
static int serve(struct agent *a, __u32 gen, bool take)
{
	const size_t nc = NSLOTS(struct golat_counters);
	const size_t nsc = NSLOTS(struct golat_span_counters);
	struct totals t = {};
	int err, id;

	err = read_totals(a, &t, gen, take);
	if (err)
		goto cleanup;
	for (id = 0; id <= a->max_id; id++) {
		void *sc = t.span_cnt + id * nsc, *c = t.cnt + id * nc;

		if (a->spans[id].defined)
			print_span(id, sc, t.inflight[id]);
		else if (a->probes[id].defined)
			print_probe(id, c, t.hist + (size_t)id * GOLAT_NBUCKETS,
				    t.inflight[id]);
		else
			continue;
		print_hist(id, t.hist + (size_t)id * GOLAT_NBUCKETS);
		if (a->probes[id].defined && a->probes[id].breakdown &&
		    (err = print_breakdown(a, id, gen, take)))
			goto cleanup;
	}
	if (a->nbreakdown)
		print_hooks(a);
	printf("end\n");
	fflush(stdout);
cleanup:
	free_totals(&t);
	return err;
}

int agent_snapshot(struct agent *a)
{
	return serve(a, a->skel->bss->hot.gen, false);
}

/*
 * A new generation first (the window's calls still in flight will return
 * stale), then every count taken in one exchange per non-zero cell: an add
 * lands in exactly one window, so the windows' sums are the totals; nothing is
 * lost between a snapshot and a reset, or doubled.
 */
int agent_take(struct agent *a)
{
	__u32 gen =
		__atomic_fetch_add(&a->skel->bss->hot.gen, 1, __ATOMIC_SEQ_CST);

	return serve(a, gen, true);
}

/* Zeroes len bytes of a table the programs add to meanwhile, cell by cell (see cell). */
static void zero_table(volatile __u64 *table, size_t len)
{
	size_t i;

	for (i = 0; i < len / sizeof(*table); i++)
		cell(&table[i], true);
}

/*
 * A new generation first, so a call in flight across the reset is told apart
 * at its return (counted as stale, not measured), then zero the counters and
 * histograms, by exchange: a call of the new window that returns meanwhile is
 * kept, where a memset could wipe its count.
 */
int agent_reset(struct agent *a)
{
	__atomic_add_fetch(&a->skel->bss->hot.gen, 1, __ATOMIC_SEQ_CST);
	zero_table((__u64 *)a->counters, a->counters_len);
	zero_table((__u64 *)a->span_counters, a->span_counters_len);
	zero_table(a->hist, a->hist_len);
	if (a->bd_counters)
		zero_table((__u64 *)a->bd_counters, a->bd_counters_len);
	if (a->bd_hist)
		zero_table(a->bd_hist, a->bd_hist_len);
	/* The exemplars need no zeroing: a slot of an older generation is empty to both sides. */
	printf("ok\n");
	fflush(stdout);
	return 0;
}
