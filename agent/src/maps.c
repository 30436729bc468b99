// SPDX-License-Identifier: Apache-2.0
/*
 * Serving: per-CPU map reads summed over CPUs, zeroing, in-flight counts, and
 * the snapshot and reset answers built from them.
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

/*
 * Sums a per-CPU array of values of `slots` __u64 each over the CPUs: one batch
 * read, or one lookup per key where batches are unsupported.
 */
static int read_percpu_u64(int ncpus, int fd, __u32 nkeys, __u32 slots,
			   __u64 *sum)
{
	__u32 nvals = nkeys * slots * ncpus, count, done = 0, k, s, c;
	__u64 *vals = calloc(nvals, sizeof(*vals));
	__u32 *keys = calloc(nkeys, sizeof(*keys));
	size_t stride = (size_t)slots * ncpus;
	__u32 out_batch;
	int err = 0;

	if (!vals || !keys) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (done < nkeys) {
		count = nkeys - done;
		err = bpf_map_lookup_batch(fd, done ? &out_batch : NULL,
					   &out_batch, keys + done,
					   vals + done * stride, &count, NULL);
		done += count;
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		if (err)
			break;
	}
	if (err) {
		for (k = 0; k < nkeys; k++) {
			keys[k] = k;
			if (bpf_map_lookup_elem(fd, &k, vals + k * stride)) {
				err = -errno;
				goto cleanup;
			}
		}
		err = 0;
	}
	memset(sum, 0, (size_t)nkeys * slots * sizeof(*sum));
	for (k = 0; k < nkeys; k++)
		for (c = 0; c < (__u32)ncpus; c++)
			for (s = 0; s < slots; s++)
				sum[(size_t)keys[k] * slots + s] +=
					vals[((size_t)k * ncpus + c) * slots +
					     s];
cleanup:
	free(vals);
	free(keys);
	return err;
}

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's "not supported", not in the UAPI headers */
#endif

/* Keys per batch update when zeroing (the zero buffer: ZERO_BATCH * ncpus). */
#define ZERO_BATCH 4096

/*
 * Zeroes keys 0 .. nkeys-1 of a per-CPU array: one batch update per ZERO_BATCH
 * keys, so a reset costs a few syscalls instead of one per histogram bucket
 * (~5 us each here: 26-32 ms for two probes, 2 ms batched). One update per key
 * where batches are unsupported.
 */
static int zero_percpu(int ncpus, int fd, __u32 nkeys, size_t value_size)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
	__u32 chunk = nkeys < ZERO_BATCH ? nkeys : ZERO_BATCH;
	void *zero = calloc((size_t)chunk * ncpus, value_size);
	__u32 *keys = calloc(chunk, sizeof(*keys));
	__u32 done = 0, k, count;
	int err = 0;

	if (!zero || !keys) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (done < nkeys) {
		count = nkeys - done < chunk ? nkeys - done : chunk;
		for (k = 0; k < count; k++)
			keys[k] = done + k;
		if (bpf_map_update_batch(fd, keys, zero, &count, &opts)) {
			err = -errno;
			break;
		}
		done += count;
	}
	if (err == -EINVAL || err == -ENOTSUPP || err == -EOPNOTSUPP) {
		for (err = 0, k = done; k < nkeys && !err; k++)
			if (bpf_map_update_elem(fd, &k, zero, BPF_ANY))
				err = -errno;
	}
cleanup:
	free(zero);
	free(keys);
	return err;
}

/*
 * Counts frames in flight of the current generation per probe: the slot table
 * (mapped read-only once) and the spill map. Older frames are never swept: a
 * call in flight across resets (a connection handler, say) must still find its
 * entry and count as stale.
 */
static int count_inflight(struct agent *a, __u64 *per_probe)
{
	int fd = bpf_map__fd(a->skel->maps.spill);
	struct golat_key key, next, *prev = NULL;
	__u32 gen = a->skel->bss->golat_gen, i, max = a->max_id;
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

/* Counts open starts of the current generation per span, on every goroutine. */
static int count_span_inflight(struct agent *a, __u64 *per_span)
{
	int fd = bpf_map__fd(a->skel->maps.span_stacks);
	struct golat_span_key key, next, *prev = NULL;
	__u32 gen = a->skel->bss->golat_gen, i;
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

/* Reads every map; 0, or 1 when reported. */
static int read_totals(struct agent *a, struct totals *t)
{
	struct golat_bpf *skel = a->skel;
	__u32 nkeys = a->max_id + 1;
	int err;

	t->cnt = calloc(nkeys * NSLOTS(struct golat_counters), sizeof(__u64));
	t->span_cnt = calloc(nkeys * NSLOTS(struct golat_span_counters),
			     sizeof(__u64));
	t->hist = calloc((size_t)nkeys * GOLAT_NBUCKETS, sizeof(__u64));
	t->inflight = calloc(nkeys, sizeof(__u64));
	if (!t->cnt || !t->hist || !t->inflight || !t->span_cnt)
		return fail(GOLAT_ERR_INTERNAL, "out of memory");
	err = read_percpu_u64(a->ncpus, bpf_map__fd(skel->maps.counters), nkeys,
			      NSLOTS(struct golat_counters), t->cnt);
	if (!err)
		err = read_percpu_u64(a->ncpus,
				      bpf_map__fd(skel->maps.span_counters),
				      nkeys, NSLOTS(struct golat_span_counters),
				      t->span_cnt);
	if (!err)
		err = read_percpu_u64(a->ncpus, bpf_map__fd(skel->maps.hist),
				      nkeys * GOLAT_NBUCKETS, 1, t->hist);
	if (err)
		return fail(GOLAT_ERR_INTERNAL, "read maps: %s",
			    strerror(-err));
	err = count_inflight(a, t->inflight);
	if (!err)
		err = count_span_inflight(a, t->inflight);
	if (err)
		return fail(GOLAT_ERR_INTERNAL, "map the in-flight table: %s",
			    strerror(-err));
	return 0;
}

static void print_probe(int id, const struct golat_counters *c, __u64 inflight)
{
	printf("probe %d entries=%llu returns=%llu matched=%llu unmatched=%llu "
	       "stale=%llu reentries=%llu dnr=%llu inflight=%llu errors=%llu\n",
	       id, c->entries, c->returns, c->matched, c->unmatched, c->stale,
	       c->reentries, c->dnr, inflight, c->errors);
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

int agent_snapshot(struct agent *a)
{
	const size_t nc = NSLOTS(struct golat_counters);
	const size_t nsc = NSLOTS(struct golat_span_counters);
	struct totals t = {};
	int err, id;

	err = read_totals(a, &t);
	if (err)
		goto cleanup;
	for (id = 0; id <= a->max_id; id++) {
		void *sc = t.span_cnt + id * nsc, *c = t.cnt + id * nc;

		if (a->spans[id].defined)
			print_span(id, sc, t.inflight[id]);
		else if (a->probes[id].defined)
			print_probe(id, c, t.inflight[id]);
		else
			continue;
		print_hist(id, t.hist + (size_t)id * GOLAT_NBUCKETS);
	}
	printf("end\n");
	fflush(stdout);
cleanup:
	free_totals(&t);
	return err;
}

/*
 * A new generation first, so a call in flight across the reset is told apart
 * at its return (counted as stale, not measured), then zero the counters and
 * histograms.
 */
int agent_reset(struct agent *a)
{
	struct golat_bpf *skel = a->skel;
	__u32 nkeys = a->max_id + 1;
	int err;

	__atomic_add_fetch(&skel->bss->golat_gen, 1, __ATOMIC_SEQ_CST);
	err = zero_percpu(a->ncpus, bpf_map__fd(skel->maps.counters), nkeys,
			  sizeof(struct golat_counters));
	if (!err)
		err = zero_percpu(a->ncpus,
				  bpf_map__fd(skel->maps.span_counters), nkeys,
				  sizeof(struct golat_span_counters));
	if (!err)
		err = zero_percpu(a->ncpus, bpf_map__fd(skel->maps.hist),
				  nkeys * GOLAT_NBUCKETS, sizeof(__u64));
	if (err)
		return fail(GOLAT_ERR_INTERNAL, "reset maps: %s",
			    strerror(-err));
	printf("ok\n");
	fflush(stdout);
	return 0;
}
