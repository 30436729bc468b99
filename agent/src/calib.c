// SPDX-License-Identifier: Apache-2.0
/*
 * calibrate: the time the probes themselves add inside a measured call (the
 * tail of the entry program and the jcc's emulation after the entry's clock
 * read, the trap at the RET before the return's clock read). The agent probes
 * a function of its own that does nothing but a Go prologue's stack check and a
 * RET, exactly the sites golat probes in Go code, calls it n times with R14
 * pointing at a fake g, and reads the durations the programs measured.
 */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "agent.h"
#include "golat.skel.h"

/*
 * golat_calib_call(g): R14 = g, then a call to golat_calib_fn, whose body is
 * a Go prologue's stack check (the entry probe sits on its JBE, as on a Go
 * function's) and a RET (the return probe). g+8 is g.stack.hi, g+16 the stack
 * guard, as in Go; R14 is callee-saved here, so it is restored.
 */
void golat_calib_call(const __u64 *g);
extern const char golat_calib_jcc[], golat_calib_ret[];

__asm__(".text\n"
	".globl golat_calib_call\n"
	".type golat_calib_call, @function\n"
	"golat_calib_call:\n"
	"	push %r14\n"
	"	mov %rdi, %r14\n"
	"	call golat_calib_fn\n"
	"	pop %r14\n"
	"	ret\n"
	"golat_calib_fn:\n"
	"	cmp 0x10(%r14), %rsp\n"
	".globl golat_calib_jcc\n"
	"golat_calib_jcc:\n"
	"	jbe golat_calib_ret\n"
	".globl golat_calib_ret\n"
	"golat_calib_ret:\n"
	"	ret\n");

struct find_offset {
	unsigned long addr;
	unsigned long off;
	bool found;
};

/* The file offset of addr in this executable: the PT_LOAD that holds it. */
static int offset_of(struct dl_phdr_info *info, size_t size, void *data)
{
	struct find_offset *f = data;
	int i;

	if (info->dlpi_name && info->dlpi_name[0])
		return 0; /* a shared object, not the executable */
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		unsigned long start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || f->addr < start ||
		    f->addr >= start + ph->p_memsz)
			continue;
		f->off = f->addr - start + ph->p_offset;
		f->found = true;
		return 1;
	}
	return 0;
}

static int file_offset(const void *addr, unsigned long *off)
{
	struct find_offset f = { .addr = (unsigned long)addr };

	dl_iterate_phdr(offset_of, &f);
	*off = f.off;
	return f.found ? 0 : -ENOENT;
}

/* The smallest value of bucket b (golat.h's golat_bucket, inverted). */
static __u64 bucket_low(int b)
{
	int e;

	if (b < GOLAT_SUB_BUCKETS)
		return b;
	e = (b - GOLAT_SUB_BUCKETS) / GOLAT_SUB_BUCKETS + GOLAT_SUB_BITS;
	return (__u64)(GOLAT_SUB_BUCKETS +
		       (b - GOLAT_SUB_BUCKETS) % GOLAT_SUB_BUCKETS)
	       << (e - GOLAT_SUB_BITS);
}

/* The value at quantile q (0..1) of a histogram of n samples. */
static __u64 quantile(const __u64 *hist, __u64 n, double q)
{
	__u64 rank = (__u64)(q * (n - 1)) + 1, seen = 0;
	int b;

	for (b = 0; b < GOLAT_NBUCKETS; b++) {
		seen += hist[b];
		if (seen >= rank)
			return bucket_low(b);
	}
	return 0;
}

static void unlink_all(int *fd, struct bpf_link **link, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (fd[i] >= 0)
			close(fd[i]);
		bpf_link__destroy(link[i]);
	}
}

/* calibrate [calls]: answers "calibration calls=<n> matched=<m> min=<ns> p50=<ns> p90=<ns>". */
int agent_calibrate(struct agent *a, char *arg)
{
	struct golat_bpf *skel = a->skel;
	int id = a->nkeys - 1, fd[2] = { -1, -1 }, err, i;
	__u32 by_ip;
	struct bpf_link *link[2] = { NULL, NULL };
	/* stack.hi far above any SP, stack guard below: the JBE is not taken. */
	__u64 g[4] = { 0, ~0ULL >> 1, 0, 0 };
	unsigned long entry, ret;
	__u64 hist[GOLAT_NBUCKETS], matched = 0;
	long calls = 2000;
	char *end;

	if (*arg) {
		errno = 0;
		calls = strtol(arg, &end, 10);
		if (errno || *end || calls < 1 || calls > 1000000)
			return fail(
				GOLAT_ERR_PROTOCOL,
				"calibrate '%s': want a number of calls, 1..1000000",
				arg);
	}
	if (file_offset(golat_calib_jcc, &entry) ||
	    file_offset(golat_calib_ret, &ret))
		return fail(GOLAT_ERR_INTERNAL,
			    "calibrate: the agent's own code is in no PT_LOAD");
	/* The agent's addresses may equal the target's: no site learning meanwhile. */
	by_ip = skel->bss->hot.by_ip;
	skel->bss->hot.by_ip = 0;
	err = agent_link_one(a, skel->progs.golat_entry, "/proc/self/exe",
			     getpid(), entry, id, &fd[0], &link[0]);
	if (!err)
		err = agent_link_one(a, skel->progs.golat_ret, "/proc/self/exe",
				     getpid(), ret, id, &fd[1], &link[1]);
	if (err) {
		unlink_all(fd, link, 2);
		skel->bss->hot.by_ip = by_ip;
		return fail(
			GOLAT_ERR_INTERNAL,
			"calibrate: probe the agent itself at 0x%lx/0x%lx: %s",
			entry, ret, strerror(-err));
	}
	agent_hist_take(a, id, hist);
	for (i = 0; i < calls; i++)
		golat_calib_call(g);
	/* Detaching waits for the programs that run: none of them reads by_ip after this. */
	unlink_all(fd, link, 2);
	skel->bss->hot.by_ip = by_ip;
	agent_hist_take(a, id, hist);
	for (i = 0; i < GOLAT_NBUCKETS; i++)
		matched += hist[i];
	printf("calibration calls=%ld matched=%llu min=%llu p50=%llu p90=%llu\n",
	       calls, matched, matched ? quantile(hist, matched, 0) : 0,
	       matched ? quantile(hist, matched, 0.5) : 0,
	       matched ? quantile(hist, matched, 0.9) : 0);
	fflush(stdout);
	return 0;
}
