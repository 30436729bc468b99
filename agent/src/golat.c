// SPDX-License-Identifier: Apache-2.0
/*
 * golat-agent: loads golat.bpf.c, attaches plain uprobes at the file offsets it is told,
 * and serves histogram snapshots over the line protocol of agent/PROTOCOL.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "golat.h"
#include "golat.skel.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/*
 * BPF_LINK_CREATE of a uprobe_multi link (kernel >= 6.6), laid out as in the kernel's union
 * bpf_attr: the distro's linux/bpf.h and libbpf 1.1 predate it.
 */
#define GOLAT_TRACE_UPROBE_MULTI 48

struct uprobe_multi_attr {
	__u32 prog_fd;
	__u32 target_fd;
	__u32 attach_type;
	__u32 flags;
	__u64 path;
	__u64 offsets;
	__u64 ref_ctr_offsets;
	__u64 cookies;
	__u32 cnt;
	__u32 multi_flags;
	__u32 pid;
	__u32 pad;
};

/* A uprobe to attach: which program, for which probe or span, where. */
struct site {
	struct bpf_program *prog;
	int id;
	const char *what;
	unsigned long off;
	__u64 cookie;
};

struct sites {
	unsigned long *off;
	int n;
};

struct probe {
	bool defined;
	char *name;
	unsigned long entry;
	struct sites morestack;
	struct sites ret;
	bool thread_key;
	bool empty;
};

/* A span: start, end and cancel sites (agent/PROTOCOL.md, "span"). */
struct span {
	bool defined;
	char *name;
	struct sites start;
	struct sites end;
	struct sites cancel;
};

static struct probe probes[GOLAT_MAX_PROBES];
static struct span spans[GOLAT_MAX_PROBES];
static int max_id = -1;
static int nprobes;
static int nspans;
static pid_t target_pid;
static int pidfd = -1;
static char *binary;
static struct golat_bpf *skel;
static struct bpf_link **links;
static int nlinks;
static bool multi;          /* uprobe_multi links: one per program, one grace period each on detach */
static bool force_perf;     /* test control: one perf link per site even where uprobe_multi exists */
static struct site *pending; /* multi: the sites, attached per program once all are known */
static int nsites;
static int multi_fds[16];
static int nmulti;
static int ncpus;
static const struct golat_slot *slot_table;
static unsigned int slot_bits = GOLAT_SLOT_BITS;

static size_t slot_table_size(void)
{
	size_t page = sysconf(_SC_PAGESIZE);

	return ((sizeof(struct golat_slot) << slot_bits) + page - 1) / page * page;
}

/* Prints "error CODE message" on stdout (the protocol) and returns 1, the exit status. */
static int fail(const char *code, const char *fmt, ...)
{
	va_list ap;

	printf("error %s ", code);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return 1;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fprintf(stderr, "golat-agent: libbpf: ");
	return vfprintf(stderr, fmt, args);
}

static int fail_perm(const char *what, int err)
{
	return fail(GOLAT_ERR_EPERM,
		    "%s: %s: golat-agent needs CAP_BPF+CAP_PERFMON (Docker versions that know them: "
		    "--cap-add BPF --cap-add PERFMON) or CAP_SYS_ADMIN (--cap-add SYS_ADMIN); and "
		    "SYS_PTRACE to reach another container's /proc/PID/root",
		    what, strerror(err));
}

static int parse_sites(const char *s, struct sites *out)
{
	char *end;

	out->n = 0;
	out->off = NULL;
	if (!strcmp(s, "-"))
		return 0;
	for (;;) {
		unsigned long off;
		unsigned long *grown;

		errno = 0;
		off = strtoul(s, &end, 16);
		if (errno || end == s || (*end && *end != ','))
			return -1;
		grown = realloc(out->off, (out->n + 1) * sizeof(*grown));
		if (!grown)
			return -1;
		out->off = grown;
		out->off[out->n++] = off;
		if (!*end)
			return 0;
		s = end + 1;
	}
}

/* probe <id> <name> entry=<hex>:<jcc|first|offset> morestack=<hex,...|-> ret=<hex,...> [key=...] [mode=...] */
static int cmd_probe(char *args)
{
	char *tok, *save = NULL, *end;
	struct probe *p;
	bool have_entry = false, have_ret = false;
	long id;

	tok = strtok_r(args, " ", &save);
	errno = 0;
	id = tok ? strtol(tok, &end, 10) : -1;
	if (!tok || errno || *end || id < 0 || id >= GOLAT_MAX_PROBES)
		return fail(GOLAT_ERR_PROTOCOL, "probe id '%s' is not a number in 0..%d",
			    tok ? tok : "", GOLAT_MAX_PROBES - 1);
	p = &probes[id];
	if (p->defined || spans[id].defined)
		return fail(GOLAT_ERR_PROTOCOL, "id %ld used twice (each id is one probe or one span)", id);
	tok = strtok_r(NULL, " ", &save);
	if (!tok)
		return fail(GOLAT_ERR_PROTOCOL, "probe %ld has no function name", id);
	p->name = strdup(tok);
	while ((tok = strtok_r(NULL, " ", &save))) {
		if (!strncmp(tok, "entry=", 6)) {
			char *colon = strchr(tok + 6, ':');

			errno = 0;
			p->entry = strtoul(tok + 6, &end, 16);
			/* The kind is informational: re-entry is marked at the morestack sites. */
			if (!colon || end != colon || errno ||
			    (strcmp(colon + 1, "jcc") && strcmp(colon + 1, "first") &&
			     strcmp(colon + 1, "offset")))
				return fail(GOLAT_ERR_PROTOCOL,
					    "probe %ld %s: '%s' is not entry=<hex offset>:<jcc|first|offset>",
					    id, p->name, tok);
			have_entry = true;
		} else if (!strncmp(tok, "morestack=", 10)) {
			if (parse_sites(tok + 10, &p->morestack))
				return fail(GOLAT_ERR_PROTOCOL,
					    "probe %ld %s: '%s' is not morestack=<hex,...|->", id,
					    p->name, tok);
		} else if (!strncmp(tok, "ret=", 4)) {
			if (parse_sites(tok + 4, &p->ret) || !p->ret.n)
				return fail(GOLAT_ERR_PROTOCOL,
					    "probe %ld %s: '%s' is not ret=<hex,...> (every RET needs a probe; "
					    "a function without RET cannot be measured)",
					    id, p->name, tok);
			have_ret = true;
		} else if (!strcmp(tok, "key=goroutine") || !strcmp(tok, "key=thread")) {
			p->thread_key = !strcmp(tok, "key=thread");
		} else if (!strcmp(tok, "mode=measure") || !strcmp(tok, "mode=empty")) {
			p->empty = !strcmp(tok, "mode=empty");
		} else {
			return fail(GOLAT_ERR_PROTOCOL, "probe %ld %s: unknown field '%s'", id,
				    p->name, tok);
		}
	}
	if (!have_entry || !have_ret)
		return fail(GOLAT_ERR_PROTOCOL, "probe %ld %s: needs entry= and ret=", id, p->name);
	p->defined = true;
	nprobes++;
	if (id > max_id)
		max_id = id;
	return 0;
}

/* Removes from *s every offset that is also in *other. */
static void drop_sites(struct sites *s, const struct sites *other)
{
	int i, j, n = 0;

	for (i = 0; i < s->n; i++) {
		for (j = 0; j < other->n && other->off[j] != s->off[i]; j++)
			;
		if (j == other->n)
			s->off[n++] = s->off[i];
	}
	s->n = n;
}

/* span <id> <name> start=<hex,...> end=<hex,...> cancel=<hex,...|-> */
static int cmd_span(char *args)
{
	char *tok, *save = NULL, *end;
	bool have_start = false, have_end = false, have_cancel = false;
	struct span *sp;
	long id;

	tok = strtok_r(args, " ", &save);
	errno = 0;
	id = tok ? strtol(tok, &end, 10) : -1;
	if (!tok || errno || *end || id < 0 || id >= GOLAT_MAX_PROBES)
		return fail(GOLAT_ERR_PROTOCOL, "span id '%s' is not a number in 0..%d",
			    tok ? tok : "", GOLAT_MAX_PROBES - 1);
	sp = &spans[id];
	if (sp->defined || probes[id].defined)
		return fail(GOLAT_ERR_PROTOCOL, "id %ld used twice (each id is one probe or one span)", id);
	tok = strtok_r(NULL, " ", &save);
	if (!tok)
		return fail(GOLAT_ERR_PROTOCOL, "span %ld has no name", id);
	sp->name = strdup(tok);
	while ((tok = strtok_r(NULL, " ", &save))) {
		if (!strncmp(tok, "start=", 6)) {
			if (parse_sites(tok + 6, &sp->start) || !sp->start.n)
				return fail(GOLAT_ERR_PROTOCOL, "span %ld %s: '%s' is not start=<hex,...>",
					    id, sp->name, tok);
			have_start = true;
		} else if (!strncmp(tok, "end=", 4)) {
			if (parse_sites(tok + 4, &sp->end) || !sp->end.n)
				return fail(GOLAT_ERR_PROTOCOL, "span %ld %s: '%s' is not end=<hex,...>",
					    id, sp->name, tok);
			have_end = true;
		} else if (!strncmp(tok, "cancel=", 7)) {
			if (parse_sites(tok + 7, &sp->cancel))
				return fail(GOLAT_ERR_PROTOCOL, "span %ld %s: '%s' is not cancel=<hex,...|->",
					    id, sp->name, tok);
			have_cancel = true;
		} else {
			return fail(GOLAT_ERR_PROTOCOL, "span %ld %s: unknown field '%s'", id, sp->name, tok);
		}
	}
	if (!have_start || !have_end || !have_cancel)
		return fail(GOLAT_ERR_PROTOCOL, "span %ld %s: needs start=, end= and cancel=", id, sp->name);
	/*
	 * One site, one role per span: the order of two uprobes at one address is the kernel's, so
	 * a site that ends the span never cancels it, and a start is never cancelled by itself.
	 */
	drop_sites(&sp->cancel, &sp->end);
	drop_sites(&sp->cancel, &sp->start);
	drop_sites(&sp->start, &sp->end);
	if (!sp->start.n)
		return fail(GOLAT_ERR_PROTOCOL, "span %ld %s: every start site is also an end site", id,
			    sp->name);
	sp->defined = true;
	nspans++;
	if (id > max_id)
		max_id = id;
	return 0;
}

static int cmd_pid(const char *arg)
{
	char *end;
	long pid;

	errno = 0;
	pid = strtol(arg, &end, 10);
	if (errno || *end || pid <= 0)
		return fail(GOLAT_ERR_PROTOCOL, "'%s' is not a process id", arg);
	if (pidfd >= 0)
		return fail(GOLAT_ERR_PROTOCOL, "pid given twice");
	pidfd = syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pidfd < 0)
		return fail(GOLAT_ERR_NOPID, "process %ld: %s (has it exited? is it in another pid namespace?)",
			    pid, strerror(errno));
	target_pid = pid;
	return 0;
}

static int attach_error(int id, const char *what, unsigned long off, int err)
{
	if (err == EPERM || err == EACCES)
		return fail_perm("attach uprobe", err);
	if (err == ESRCH)
		return fail(GOLAT_ERR_NOPID, "process %d exited while attaching", target_pid);
	if (err == ENOENT)
		return fail(GOLAT_ERR_NOBINARY, "%s: %s", binary, strerror(err));
	return fail(GOLAT_ERR_BADOFFSET,
		    "%s %d %s: the kernel rejected the %s uprobe at file offset 0x%lx of %s: %s "
		    "(is it the file offset of an instruction boundary in this binary?)",
		    spans[id].defined ? "span" : "probe", id,
		    spans[id].defined ? spans[id].name : probes[id].name, what, off, binary,
		    strerror(err));
}

/* Multi: notes the site; attach_multi() attaches it. Else one perf link per site. */
static int attach_site(struct bpf_program *prog, int id, const char *what, unsigned long off,
		       __u64 cookie)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = cookie, .retprobe = false);
	struct bpf_link *link, **grown;
	struct site *more;

	if (multi) {
		more = realloc(pending, (nsites + 1) * sizeof(*pending));
		if (!more)
			return fail(GOLAT_ERR_INTERNAL, "out of memory");
		pending = more;
		pending[nsites++] = (struct site){ prog, id, what, off, cookie };
		return 0;
	}
	grown = realloc(links, (nlinks + 1) * sizeof(*links));
	if (!grown)
		return fail(GOLAT_ERR_INTERNAL, "out of memory");
	links = grown;
	link = bpf_program__attach_uprobe_opts(prog, target_pid, binary, off, &opts);
	if (!link)
		return attach_error(id, what, off, errno);
	links[nlinks++] = link;
	nsites++;
	return 0;
}

/* One uprobe_multi link of prog at n sites of the target; returns its fd or -errno. */
static int link_multi(struct bpf_program *prog, const unsigned long *off, const __u64 *cookie, int n)
{
	struct uprobe_multi_attr attr = {
		.prog_fd = bpf_program__fd(prog),
		.attach_type = GOLAT_TRACE_UPROBE_MULTI,
		.path = (unsigned long)binary,
		.offsets = (unsigned long)off,
		.cookies = (unsigned long)cookie,
		.cnt = n,
		.pid = target_pid,
	};
	int fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));

	return fd < 0 ? -errno : fd;
}

/*
 * Whether this kernel has uprobe_multi links (6.6+): a program loaded for them, linked to
 * "/", fails with EBADF (not a regular file) where the attach type exists, EINVAL elsewhere.
 */
static bool probe_multi(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = GOLAT_TRACE_UPROBE_MULTI);
	unsigned long off = 0;
	int prog, fd, err;
	struct uprobe_multi_attr attr = {
		.attach_type = GOLAT_TRACE_UPROBE_MULTI,
		.path = (unsigned long)"/",
		.offsets = (unsigned long)&off,
		.cnt = 1,
	};

	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &opts);
	if (prog < 0)
		return false;
	attr.prog_fd = prog;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	close(prog);
	return err == EBADF;
}

/*
 * Attaches the noted sites with one uprobe_multi link per program. The kernel takes or
 * refuses a link whole: on a refusal, one site at a time finds the site to name.
 */
static int attach_multi(void)
{
	struct bpf_program *prog;
	unsigned long *off = calloc(nsites ? nsites : 1, sizeof(*off));
	__u64 *cookie = calloc(nsites ? nsites : 1, sizeof(*cookie));
	int i, n, fd, err = 0;

	if (!off || !cookie) {
		err = fail(GOLAT_ERR_INTERNAL, "out of memory");
		goto cleanup;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		for (i = n = 0; i < nsites; i++) {
			if (pending[i].prog != prog)
				continue;
			off[n] = pending[i].off;
			cookie[n++] = pending[i].cookie;
		}
		if (!n)
			continue;
		fd = link_multi(prog, off, cookie, n);
		if (fd >= 0 && nmulti < (int)(sizeof(multi_fds) / sizeof(*multi_fds))) {
			multi_fds[nmulti++] = fd;
			continue;
		}
		if (fd >= 0) {
			close(fd);
			err = fail(GOLAT_ERR_INTERNAL, "more than %d BPF programs to attach", nmulti);
			goto cleanup;
		}
		for (i = 0; i < nsites; i++) {
			if (pending[i].prog != prog)
				continue;
			fd = link_multi(prog, &pending[i].off, &pending[i].cookie, 1);
			if (fd < 0) {
				err = attach_error(pending[i].id, pending[i].what, pending[i].off, -fd);
				goto cleanup;
			}
			close(fd);
		}
		err = attach_error(pending[0].id, pending[0].what, pending[0].off, -fd);
		goto cleanup;
	}
cleanup:
	free(off);
	free(cookie);
	return err;
}

static int cmd_attach(void)
{
	char path[64];
	int err, id, i;

	if (pidfd < 0)
		return fail(GOLAT_ERR_PROTOCOL, "attach before pid");
	if (!nprobes && !nspans)
		return fail(GOLAT_ERR_PROTOCOL, "attach without any probe or span");
	if (!binary) {
		snprintf(path, sizeof(path), "/proc/%d/exe", target_pid);
		binary = strdup(path);
	}
	if (access(binary, R_OK)) {
		err = errno;
		if (err == EACCES || err == EPERM)
			return fail(GOLAT_ERR_NOBINARY, "%s: %s (another process' /proc/PID/exe and "
				    "/proc/PID/root need CAP_SYS_PTRACE: --cap-add SYS_PTRACE; or give the "
				    "binary's path as the agent sees it)", binary, strerror(err));
		return fail(GOLAT_ERR_NOBINARY, "%s: %s (give the path as the agent sees it, e.g. "
			    "/proc/%d/root/<path in the target's container>)", binary, strerror(err),
			    target_pid);
	}
	/* Without the uprobe PMU libbpf would fall back to writing tracefs: refuse instead. */
	if (access("/sys/bus/event_source/devices/uprobe/type", R_OK))
		return fail(GOLAT_ERR_NOUPROBE,
			    "this kernel has no uprobe PMU (/sys/bus/event_source/devices/uprobe/type: %s): "
			    "it needs CONFIG_UPROBE_EVENTS and a mounted /sys", strerror(errno));

	skel = golat_bpf__open();
	if (!skel)
		return fail(GOLAT_ERR_INTERNAL, "open BPF object: %s", strerror(errno));
	multi = !force_perf && probe_multi();
	if (multi) {
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, skel->obj)
			bpf_program__set_expected_attach_type(prog, GOLAT_TRACE_UPROBE_MULTI);
	}
	skel->rodata->slot_bits = slot_bits;
	bpf_map__set_max_entries(skel->maps.slots, 1U << slot_bits);
	bpf_map__set_max_entries(skel->maps.counters, max_id + 1);
	bpf_map__set_max_entries(skel->maps.hist, (max_id + 1) * GOLAT_NBUCKETS);
	bpf_map__set_max_entries(skel->maps.span_counters, max_id + 1);
	/* An LRU hash is preallocated: ~4 MB only when there are spans, and their programs too. */
	bpf_map__set_max_entries(skel->maps.span_stacks, nspans ? GOLAT_MAX_SPAN_KEYS : 16);
	if (!nspans) {
		bpf_program__set_autoload(skel->progs.golat_span_start, false);
		bpf_program__set_autoload(skel->progs.golat_span_end, false);
		bpf_program__set_autoload(skel->progs.golat_span_cancel, false);
	}
	err = golat_bpf__load(skel);
	if (err) {
		err = -err;
		if (err == EPERM || err == EACCES)
			return fail_perm("load BPF programs", err);
		if (err == ENOSYS)
			return fail(GOLAT_ERR_NOBPF, "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL)");
		return fail(GOLAT_ERR_NOBPF, "load BPF programs: %s (see stderr for the verifier log)",
			    strerror(err));
	}

	for (id = 0; id <= max_id; id++) {
		struct probe *p = &probes[id];
		__u64 cookie = (__u64)id | (p->thread_key ? GOLAT_COOKIE_THREAD_KEY : 0);
		struct bpf_program *entry = p->empty ? skel->progs.golat_empty : skel->progs.golat_entry;
		struct bpf_program *more = p->empty ? skel->progs.golat_empty : skel->progs.golat_morestack;
		struct bpf_program *ret = p->empty ? skel->progs.golat_empty : skel->progs.golat_ret;

		if (!p->defined)
			continue;
		if ((err = attach_site(entry, id, "entry", p->entry, cookie)))
			return err;
		for (i = 0; i < p->morestack.n; i++)
			if ((err = attach_site(more, id, "morestack", p->morestack.off[i], cookie)))
				return err;
		for (i = 0; i < p->ret.n; i++)
			if ((err = attach_site(ret, id, "return", p->ret.off[i], cookie)))
				return err;
	}
	for (id = 0; id <= max_id; id++) {
		struct span *sp = &spans[id];

		if (!sp->defined)
			continue;
		for (i = 0; i < sp->start.n; i++)
			if ((err = attach_site(skel->progs.golat_span_start, id, "start", sp->start.off[i], id)))
				return err;
		for (i = 0; i < sp->end.n; i++)
			if ((err = attach_site(skel->progs.golat_span_end, id, "end", sp->end.off[i], id)))
				return err;
		for (i = 0; i < sp->cancel.n; i++)
			if ((err = attach_site(skel->progs.golat_span_cancel, id, "cancel", sp->cancel.off[i], id)))
				return err;
	}
	if (multi && (err = attach_multi()))
		return err;
	printf("ready probes=%d spans=%d uprobes=%d\n", nprobes, nspans, nsites);
	fflush(stdout);
	return 0;
}

/* Sums a per-CPU array of __u64 slots; batch read, one lookup per key where unsupported. */
static int read_percpu_u64(int fd, __u32 nkeys, __u32 slots, __u64 *sum)
{
	__u32 nvals = nkeys * slots * ncpus, count, done = 0, k, s, c;
	__u64 *vals = calloc(nvals, sizeof(*vals));
	__u32 *keys = calloc(nkeys, sizeof(*keys));
	__u32 out_batch;
	int err = 0;

	if (!vals || !keys) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (done < nkeys) {
		count = nkeys - done;
		err = bpf_map_lookup_batch(fd, done ? &out_batch : NULL, &out_batch, keys + done,
					   vals + (size_t)done * slots * ncpus, &count, NULL);
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
			if (bpf_map_lookup_elem(fd, &k, vals + (size_t)k * slots * ncpus)) {
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
					vals[((size_t)k * ncpus + c) * slots + s];
cleanup:
	free(vals);
	free(keys);
	return err;
}

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's "operation not supported", not in the UAPI headers */
#endif

/* Keys per batch update when zeroing: bounds the zero buffer (ZERO_BATCH * ncpus values). */
#define ZERO_BATCH 4096

/*
 * Zeroes keys 0 .. nkeys-1 of a per-CPU array. One batch update per ZERO_BATCH keys: a reset
 * under load then costs a few syscalls instead of one per histogram bucket (~5 us each here,
 * so 40+ ms for two probes). One update per key where batches are unsupported.
 */
static int zero_percpu(int fd, __u32 nkeys, size_t value_size)
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
		/* No batch updates for this map or kernel: one key at a time. */
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
 * Counts frames in flight of the current generation per probe: the slot table (mapped
 * read-only once) and the spill map. Older frames are never swept: a call in flight across
 * resets (a connection handler, say) must still find its entry and count as stale.
 */
static int count_inflight(__u64 *per_probe)
{
	int fd = bpf_map__fd(skel->maps.spill);
	struct golat_key key, next, *prev = NULL;
	__u32 gen = skel->bss->golat_gen, i;
	struct golat_inflight v;

	if (!slot_table) {
		slot_table = mmap(NULL, slot_table_size(), PROT_READ, MAP_SHARED,
				  bpf_map__fd(skel->maps.slots), 0);
		if (slot_table == MAP_FAILED) {
			slot_table = NULL;
			return -errno;
		}
	}
	for (i = 0; i < 1U << slot_bits; i++) {
		const volatile struct golat_slot *s = &slot_table[i];

		if (s->owner && s->v.gen == gen && s->probe <= (__u32)max_id)
			per_probe[s->probe]++;
	}
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &v) && v.gen == gen && key.probe <= (__u32)max_id)
			per_probe[key.probe]++;
	}
	return 0;
}

/* Counts open starts of the current generation per span, over every goroutine's stack. */
static int count_span_inflight(__u64 *per_span)
{
	int fd = bpf_map__fd(skel->maps.span_stacks);
	struct golat_span_key key, next, *prev = NULL;
	__u32 gen = skel->bss->golat_gen, i;
	struct golat_span_stack *st;

	if (!nspans)
		return 0;
	st = malloc(sizeof(*st));
	if (!st)
		return -ENOMEM;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		/* A racy copy (its goroutine may be pushing): good enough for a count. */
		if (bpf_map_lookup_elem(fd, &key, st) || key.span > (__u32)max_id)
			continue;
		for (i = 0; i < st->n && i < GOLAT_SPAN_STACK; i++)
			if (st->s[(st->top - i) & (GOLAT_SPAN_STACK - 1)].gen == gen)
				per_span[key.span]++;
	}
	free(st);
	return 0;
}

static int cmd_snapshot(void)
{
	__u32 nkeys = max_id + 1, slots = sizeof(struct golat_counters) / sizeof(__u64);
	__u64 *cnt = calloc((size_t)nkeys * slots, sizeof(__u64));
	__u64 *hist = calloc((size_t)nkeys * GOLAT_NBUCKETS, sizeof(__u64));
	__u64 *inflight = calloc(nkeys, sizeof(__u64));
	__u32 span_slots = sizeof(struct golat_span_counters) / sizeof(__u64);
	__u64 *span_cnt = calloc((size_t)nkeys * span_slots, sizeof(__u64));
	int err, id, b;

	if (!cnt || !hist || !inflight || !span_cnt) {
		err = fail(GOLAT_ERR_INTERNAL, "out of memory");
		goto cleanup;
	}
	err = read_percpu_u64(bpf_map__fd(skel->maps.counters), nkeys, slots, cnt);
	if (!err)
		err = read_percpu_u64(bpf_map__fd(skel->maps.span_counters), nkeys, span_slots, span_cnt);
	if (!err)
		err = read_percpu_u64(bpf_map__fd(skel->maps.hist), nkeys * GOLAT_NBUCKETS, 1, hist);
	if (err) {
		err = fail(GOLAT_ERR_INTERNAL, "read maps: %s", strerror(-err));
		goto cleanup;
	}
	err = count_inflight(inflight);
	if (!err)
		err = count_span_inflight(inflight);
	if (err) {
		err = fail(GOLAT_ERR_INTERNAL, "map the in-flight table: %s", strerror(-err));
		goto cleanup;
	}
	for (id = 0; id < (int)nkeys; id++) {
		struct golat_counters *c = (struct golat_counters *)(cnt + (size_t)id * slots);
		__u64 *h = hist + (size_t)id * GOLAT_NBUCKETS;

		if (spans[id].defined) {
			struct golat_span_counters *sc =
				(struct golat_span_counters *)(span_cnt + (size_t)id * span_slots);

			printf("span %d started=%llu completed=%llu notreached=%llu unmatched=%llu "
			       "restarts=%llu overflow=%llu stale=%llu inflight=%llu errors=%llu\n",
			       id, sc->started, sc->completed, sc->notreached, sc->unmatched, sc->restarts,
			       sc->overflow, sc->stale, inflight[id], sc->errors);
		} else if (probes[id].defined) {
			printf("probe %d entries=%llu returns=%llu matched=%llu unmatched=%llu stale=%llu "
		       "reentries=%llu dnr=%llu inflight=%llu errors=%llu\n",
		       id, c->entries, c->returns, c->matched, c->unmatched, c->stale, c->reentries,
		       c->dnr, inflight[id], c->errors);
		} else {
			continue;
		}
		printf("hist %d", id);
		for (b = 0; b < GOLAT_NBUCKETS; b++)
			if (h[b])
				printf(" %d:%llu", b, h[b]);
		printf("\n");
	}
	printf("end\n");
	fflush(stdout);
cleanup:
	free(cnt);
	free(hist);
	free(inflight);
	free(span_cnt);
	return err;
}

/*
 * A new generation first, so a call in flight across the reset is told apart at its
 * return (counted as stale, not measured), then zero the counters and histograms.
 */
static int cmd_reset(void)
{
	int err;

	__atomic_add_fetch(&skel->bss->golat_gen, 1, __ATOMIC_SEQ_CST);
	err = zero_percpu(bpf_map__fd(skel->maps.counters), max_id + 1, sizeof(struct golat_counters));
	if (!err)
		err = zero_percpu(bpf_map__fd(skel->maps.span_counters), max_id + 1,
				  sizeof(struct golat_span_counters));
	if (!err)
		err = zero_percpu(bpf_map__fd(skel->maps.hist), (max_id + 1) * GOLAT_NBUCKETS,
				  sizeof(__u64));
	if (err)
		return fail(GOLAT_ERR_INTERNAL, "reset maps: %s", strerror(-err));
	printf("ok\n");
	fflush(stdout);
	return 0;
}

/* Returns 0 to go on, 1 on a fatal error (already reported), -1 on quit. */
static int handle_line(char *line)
{
	bool attached = skel != NULL;
	char *arg = strchr(line, ' ');

	if (arg)
		*arg++ = '\0';
	else
		arg = "";
	if (!*line)
		return 0;
	if (!strcmp(line, "quit")) {
		return -1;
	} else if (!attached && !strcmp(line, "pid")) {
		return cmd_pid(arg);
	} else if (!attached && !strcmp(line, "binary")) {
		free(binary);
		binary = strdup(arg);
		return 0;
	} else if (!attached && !strcmp(line, "slots")) {
		char *end;
		long bits;

		errno = 0;
		bits = strtol(arg, &end, 10);
		if (errno || *end || bits < 1 || bits > 24)
			return fail(GOLAT_ERR_PROTOCOL, "slots '%s': want log2 of the slot table, 1..24", arg);
		slot_bits = bits;
		return 0;
	} else if (!attached && !strcmp(line, "links")) {
		/* Test control: exercise the perf-link path that kernels before 6.6 take. */
		if (strcmp(arg, "perf") && strcmp(arg, "auto"))
			return fail(GOLAT_ERR_PROTOCOL, "links '%s': want perf or auto", arg);
		force_perf = !strcmp(arg, "perf");
		return 0;
	} else if (!attached && !strcmp(line, "probe")) {
		return cmd_probe(arg);
	} else if (!attached && !strcmp(line, "span")) {
		return cmd_span(arg);
	} else if (!attached && !strcmp(line, "attach")) {
		return cmd_attach();
	} else if (attached && !strcmp(line, "snapshot")) {
		return cmd_snapshot();
	} else if (attached && !strcmp(line, "reset")) {
		return cmd_reset();
	}
	return fail(GOLAT_ERR_PROTOCOL, "unexpected command '%s' %s attach", line,
		    attached ? "after" : "before");
}

static void *close_link(void *fd)
{
	close((int)(long)fd);
	return NULL;
}

/*
 * Closing a uprobe_multi link waits for a grace period (~50 ms here): close them from one
 * thread each so the waits overlap. A link no thread could take is closed here.
 */
static void detach(void)
{
	pthread_t threads[sizeof(multi_fds) / sizeof(*multi_fds)];
	bool started[sizeof(multi_fds) / sizeof(*multi_fds)] = { false };
	int i;

	for (i = 1; i < nmulti; i++)
		started[i] = !pthread_create(&threads[i], NULL, close_link, (void *)(long)multi_fds[i]);
	for (i = 0; i < nmulti; i++)
		if (!started[i])
			close(multi_fds[i]);
	for (i = 1; i < nmulti; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
	nmulti = 0;
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	free(links);
	links = NULL;
	nlinks = 0;
}

static void cleanup(void)
{
	detach();
	if (slot_table)
		munmap((void *)slot_table, slot_table_size());
	golat_bpf__destroy(skel);
	free(pending);
	if (pidfd >= 0)
		close(pidfd);
}

int main(void)
{
	struct pollfd fds[3];
	char buf[1 << 16];
	size_t len = 0;
	sigset_t mask;
	int sfd, status = 0;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	libbpf_set_print(libbpf_print);
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return fail(GOLAT_ERR_INTERNAL, "cannot count possible CPUs: %s", strerror(-ncpus));

	printf("golat-agent %d buckets=%d,%d\n", GOLAT_PROTOCOL_VERSION, GOLAT_SUB_BITS, GOLAT_NBUCKETS);
	fflush(stdout);
	for (;;) {
		int nfds = 2, n;
		char *nl;

		fds[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (pidfd >= 0)
			fds[nfds++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (poll(fds, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			status = fail(GOLAT_ERR_INTERNAL, "poll: %s", strerror(errno));
			break;
		}
		if (fds[1].revents)
			break;
		if (nfds == 3 && fds[2].revents) {
			/* Detach now, but keep the maps: the last snapshot is still to be read. */
			detach();
			close(pidfd);
			pidfd = -1;
			printf("exit %d\n", target_pid);
			fflush(stdout);
			if (!skel)
				break;
			continue;
		}
		if (!fds[0].revents)
			continue;
		n = read(STDIN_FILENO, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break; /* EOF: whoever started us is gone */
		len += n;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			int r;

			*nl = '\0';
			if (nl > buf && nl[-1] == '\r')
				nl[-1] = '\0';
			r = handle_line(buf);
			len -= nl + 1 - buf;
			memmove(buf, nl + 1, len + 1);
			if (r) {
				if (r < 0) {
					cleanup();
					printf("bye\n");
					fflush(stdout);
					return 0;
				}
				status = r;
				goto out;
			}
		}
		if (len == sizeof(buf) - 1) {
			status = fail(GOLAT_ERR_PROTOCOL, "line longer than %zu bytes", sizeof(buf) - 1);
			break;
		}
	}
out:
	cleanup();
	return status;
}
