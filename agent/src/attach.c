// SPDX-License-Identifier: Apache-2.0
/*
 * Loading golat.bpf.c and attaching its programs: one uprobe_multi link per
 * program where the kernel has them (6.6+), else one perf link per site.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "agent.h"
#include "golat.skel.h"

/*
 * BPF_LINK_CREATE of a uprobe_multi link (kernel >= 6.6), laid out as in the
 * kernel's union bpf_attr: the distro's linux/bpf.h and libbpf 1.1 predate it.
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

static int attach_error(struct agent *a, int id, const char *what,
			unsigned long off, int err)
{
	bool span = id >= 0 && a->spans[id].defined;

	if (err == EPERM || err == EACCES)
		return fail_perm("attach uprobe", err);
	if (err == ESRCH)
		return fail(GOLAT_ERR_NOPID,
			    "process %d exited while attaching", a->target_pid);
	if (err == ENOENT)
		return fail(GOLAT_ERR_NOBINARY, "%s: %s", a->binary,
			    strerror(err));
	if (id < 0)
		return fail(
			GOLAT_ERR_BADOFFSET,
			"stacks: the kernel rejected the %s uprobe at file offset 0x%lx of %s: %s "
			"(is it runtime.copystack's entry or a RET of runtime.newproc1 in this binary?)",
			what, off, a->binary, strerror(err));
	return fail(
		GOLAT_ERR_BADOFFSET,
		"%s %d %s: the kernel rejected the %s uprobe at file offset 0x%lx of %s: %s "
		"(is it the file offset of an instruction boundary in this binary?)",
		span ? "span" : "probe", id,
		span ? a->spans[id].name : a->probes[id].name, what, off,
		a->binary, strerror(err));
}

/* Multi: notes the site; attach_multi() links it. Else one perf link per site. */
static int attach_site(struct agent *a, struct bpf_program *prog, int id,
		       const char *what, unsigned long off, __u64 cookie)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = cookie,
		    .retprobe = false);
	struct bpf_link *link, **grown;
	struct site *more;

	if (a->multi) {
		more = realloc(a->pending, (a->nsites + 1) * sizeof(*more));
		if (!more)
			return fail(GOLAT_ERR_INTERNAL, "out of memory");
		a->pending = more;
		a->pending[a->nsites++] =
			(struct site){ prog, id, what, off, cookie };
		return 0;
	}
	grown = realloc(a->links, (a->nlinks + 1) * sizeof(*grown));
	if (!grown)
		return fail(GOLAT_ERR_INTERNAL, "out of memory");
	a->links = grown;
	link = bpf_program__attach_uprobe_opts(prog, a->target_pid, a->binary,
					       off, &opts);
	if (!link)
		return attach_error(a, id, what, off, errno);
	a->links[a->nlinks++] = link;
	a->nsites++;
	return 0;
}

static int attach_sites(struct agent *a, struct bpf_program *prog, int id,
			const char *what, const struct sites *s, __u64 cookie)
{
	int i, err;

	for (i = 0; i < s->n; i++)
		if ((err = attach_site(a, prog, id, what, s->off[i], cookie)))
			return err;
	return 0;
}

/* One uprobe_multi link of prog at n sites of the target: its fd or -errno. */
static int link_multi_at(struct bpf_program *prog, const char *path, pid_t pid,
			 const unsigned long *off, const __u64 *cookie, int n)
{
	struct uprobe_multi_attr attr = {
		.prog_fd = bpf_program__fd(prog),
		.attach_type = GOLAT_TRACE_UPROBE_MULTI,
		.path = (unsigned long)path,
		.offsets = (unsigned long)off,
		.cookies = (unsigned long)cookie,
		.cnt = n,
		.pid = pid,
	};
	int fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));

	return fd < 0 ? -errno : fd;
}

static int link_multi(struct agent *a, struct bpf_program *prog,
		      const unsigned long *off, const __u64 *cookie, int n)
{
	return link_multi_at(prog, a->binary, a->target_pid, off, cookie, n);
}

/*
 * One uprobe of prog at offset off of path in process pid, the way the agent
 * attaches (uprobe_multi or perf link); *fd or *link is set. 0 or -errno.
 */
int agent_link_one(struct agent *a, struct bpf_program *prog, const char *path,
		   pid_t pid, unsigned long off, __u64 cookie, int *fd,
		   struct bpf_link **link)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = cookie);

	*fd = -1;
	*link = NULL;
	if (a->multi) {
		*fd = link_multi_at(prog, path, pid, &off, &cookie, 1);
		return *fd < 0 ? *fd : 0;
	}
	*link = bpf_program__attach_uprobe_opts(prog, pid, path, off, &opts);
	return *link ? 0 : -errno;
}

/*
 * Whether this kernel has uprobe_multi links (6.6+): a program loaded for them,
 * linked to "/", fails with EBADF (not a regular file) where the attach type
 * exists, EINVAL elsewhere.
 */
static bool probe_multi(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = GOLAT_TRACE_UPROBE_MULTI);
	unsigned long off = 0;
	int prog, fd, err;
	struct uprobe_multi_attr attr = {
		.attach_type = GOLAT_TRACE_UPROBE_MULTI,
		.path = (unsigned long)"/",
		.offsets = (unsigned long)&off,
		.cnt = 1,
	};

	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2,
			     &opts);
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
 * Links the noted sites with one uprobe_multi link per program. The kernel
 * takes or refuses a link whole: on a refusal, one site at a time finds the
 * site to name.
 */
static int attach_multi(struct agent *a)
{
	int i, n, fd, err = 0, nsites = a->nsites;
	unsigned long *off = calloc(nsites ? nsites : 1, sizeof(*off));
	__u64 *cookie = calloc(nsites ? nsites : 1, sizeof(*cookie));
	struct site *pending = a->pending;
	struct bpf_program *prog;

	if (!off || !cookie) {
		err = fail(GOLAT_ERR_INTERNAL, "out of memory");
		goto cleanup;
	}
	bpf_object__for_each_program(prog, a->skel->obj) {
		for (i = n = 0; i < nsites; i++) {
			if (pending[i].prog != prog)
				continue;
			off[n] = pending[i].off;
			cookie[n++] = pending[i].cookie;
		}
		if (!n)
			continue;
		fd = link_multi(a, prog, off, cookie, n);
		if (fd >= 0 && a->nmulti < AGENT_MAX_MULTI) {
			a->multi_fds[a->nmulti++] = fd;
			continue;
		}
		if (fd >= 0) {
			close(fd);
			err = fail(GOLAT_ERR_INTERNAL,
				   "more than %d BPF programs to attach",
				   a->nmulti);
			goto cleanup;
		}
		for (i = 0; i < nsites; i++) {
			if (pending[i].prog != prog)
				continue;
			fd = link_multi(a, prog, &pending[i].off,
					&pending[i].cookie, 1);
			if (fd < 0) {
				err = attach_error(a, pending[i].id,
						   pending[i].what,
						   pending[i].off, -fd);
				goto cleanup;
			}
			close(fd);
		}
		err = attach_error(a, pending[0].id, pending[0].what,
				   pending[0].off, -fd);
		goto cleanup;
	}
cleanup:
	free(off);
	free(cookie);
	return err;
}

/* The binary and the kernel can take uprobes; 0, or 1 when reported. */
static int check_target(struct agent *a)
{
	char path[64];
	int err;

	if (!a->binary) {
		snprintf(path, sizeof(path), "/proc/%d/exe", a->target_pid);
		a->binary = strdup(path);
	}
	if (access(a->binary, R_OK)) {
		err = errno;
		if (err == EACCES || err == EPERM)
			return fail(
				GOLAT_ERR_NOBINARY,
				"%s: %s (another process' /proc/PID/exe and "
				"/proc/PID/root need CAP_SYS_PTRACE: --cap-add SYS_PTRACE; or give the "
				"binary's path as the agent sees it)",
				a->binary, strerror(err));
		return fail(GOLAT_ERR_NOBINARY,
			    "%s: %s (give the path as the agent sees it, e.g. "
			    "/proc/%d/root/<path in the target's container>)",
			    a->binary, strerror(err), a->target_pid);
	}
	/* Without the uprobe PMU libbpf would fall back to tracefs: refuse. */
	if (access("/sys/bus/event_source/devices/uprobe/type", R_OK))
		return fail(
			GOLAT_ERR_NOUPROBE,
			"this kernel has no uprobe PMU (/sys/bus/event_source/devices/uprobe/type: %s): "
			"it needs CONFIG_UPROBE_EVENTS and a mounted /sys",
			strerror(errno));
	return 0;
}

/*
 * The breakdown's programs are loaded only when a probe asks for it; its maps then keep
 * the sizes golat.bpf.c declares, else shrink to nothing.
 */
static void size_breakdown(struct agent *a)
{
	struct golat_bpf *skel = a->skel;
	bool on = a->nbreakdown > 0;
	int rows = a->nkeys * a->ncpus;

	bpf_program__set_autoload(skel->progs.golat_casg, on);
	bpf_program__set_autoload(skel->progs.golat_switch, on);
	bpf_program__set_autoload(skel->progs.golat_stw_stop, on);
	bpf_program__set_autoload(skel->progs.golat_stw_start, on);
	bpf_program__set_autoload(skel->progs.golat_bd_entry, on);
	bpf_program__set_autoload(skel->progs.golat_bd_morestack, on);
	bpf_program__set_autoload(skel->progs.golat_bd_ret, on);
	if (!on) {
		bpf_map__set_max_entries(skel->maps.gstates, 16);
		bpf_map__set_max_entries(skel->maps.threads, 1);
		bpf_map__set_max_entries(skel->maps.bd_frames, 16);
		bpf_map__set_max_entries(skel->maps.bd_counters, 1);
		bpf_map__set_max_entries(skel->maps.bd_hist, 1);
		bpf_map__set_max_entries(skel->maps.bd_exemplars, 1);
		return;
	}
	bpf_map__set_max_entries(skel->maps.bd_counters, rows);
	bpf_map__set_max_entries(skel->maps.bd_hist,
				 rows * GOLAT_BD_NCOMP * GOLAT_NBUCKETS);
	bpf_map__set_max_entries(skel->maps.bd_exemplars,
				 rows * GOLAT_BD_EXEMPLARS);
	skel->rodata->waitreason_off = a->bd.waitreason_off;
	skel->rodata->goid_off = a->bd.goid_off;
	memcpy((void *)skel->rodata->wait_class, a->bd.wait_class,
	       sizeof(a->bd.wait_class));
}

static int cmp_site(const void *x, const void *y)
{
	unsigned long a = *(const unsigned long *)x,
		      b = *(const unsigned long *)y;

	return a < b ? -1 : a > b;
}

/*
 * Whether every entry and return site of the measuring probes carries one probe only: then
 * golat_entry and golat_ret may learn a site's probe id from its address (golat.bpf.c,
 * site_cookie). Role in the low bit, so an entry and a RET at one address never clash.
 */
static bool sites_unique(const struct agent *a)
{
	unsigned long *all;
	size_t n = 0, i;
	bool unique = true;
	int id, r;

	for (id = 0; id <= a->max_id; id++)
		if (a->probes[id].defined && !a->probes[id].empty)
			n += 1 + a->probes[id].ret.n;
	all = malloc((n ? n : 1) * sizeof(*all));
	if (!all)
		return false;
	n = 0;
	for (id = 0; id <= a->max_id; id++) {
		const struct probe *p = &a->probes[id];

		if (!p->defined || p->empty)
			continue;
		all[n++] = p->entry << 1;
		for (r = 0; r < p->ret.n; r++)
			all[n++] = p->ret.off[r] << 1 | 1;
	}
	qsort(all, n, sizeof(*all), cmp_site);
	for (i = 1; i < n && unique; i++)
		unique = all[i] != all[i - 1];
	free(all);
	return unique;
}

/* Opens and loads the skeleton, with maps sized for the probes and spans. */
static int load(struct agent *a)
{
	struct golat_bpf *skel;
	struct bpf_program *prog;
	int err, nkeys = a->nkeys = a->max_id + 2, rows = nkeys * a->ncpus;

	skel = a->skel = golat_bpf__open();
	if (!skel)
		return fail(GOLAT_ERR_INTERNAL, "open BPF object: %s",
			    strerror(errno));
	a->multi = !a->force_perf && probe_multi();
	if (a->multi)
		bpf_object__for_each_program(prog, skel->obj)
			if (prog != skel->progs.golat_switch)
				bpf_program__set_expected_attach_type(
					prog, GOLAT_TRACE_UPROBE_MULTI);
	skel->bss->hot.slot_bits = a->slot_bits;
	skel->bss->hot.nkeys = nkeys;
	skel->bss->hot.by_ip = sites_unique(a);
	/* With the stack moves probed, g.stack.hi is read once per goroutine, not per hit. */
	skel->bss->hot.gstacks = a->stack_moves.n > 0;
	bpf_map__set_max_entries(skel->maps.slots, 1U << a->slot_bits);
	/* Per-CPU tables: one row of ids per possible CPU. */
	bpf_map__set_max_entries(skel->maps.counters, rows);
	bpf_map__set_max_entries(skel->maps.hist, rows * GOLAT_NBUCKETS);
	bpf_map__set_max_entries(skel->maps.span_counters, rows);
	/* The span hash is preallocated: ~4 MB only when there are spans. */
	bpf_map__set_max_entries(skel->maps.span_stacks,
				 a->nspans ? GOLAT_MAX_SPAN_KEYS : 16);
	if (!a->nspans) {
		bpf_program__set_autoload(skel->progs.golat_span_start, false);
		bpf_program__set_autoload(skel->progs.golat_span_end, false);
		bpf_program__set_autoload(skel->progs.golat_span_cancel, false);
	}
	size_breakdown(a);
	err = golat_bpf__load(skel);
	if (err) {
		err = -err;
		if (err == EPERM || err == EACCES)
			return fail_perm("load BPF programs", err);
		if (err == ENOSYS)
			return fail(
				GOLAT_ERR_NOBPF,
				"this kernel has no bpf() system call (CONFIG_BPF_SYSCALL)");
		return fail(
			GOLAT_ERR_NOBPF,
			"load BPF programs: %s (see stderr for the verifier log)",
			strerror(err));
	}
	err = agent_map_tables(a);
	if (err)
		return fail(GOLAT_ERR_INTERNAL, "map the counters: %s",
			    strerror(-err));
	return 0;
}

static int attach_probe(struct agent *a, int id)
{
	const struct probe *p = &a->probes[id];
	__u64 cookie = (__u64)id |
		       (p->thread_key ? GOLAT_COOKIE_THREAD_KEY : 0);
	struct golat_bpf *skel = a->skel;
	struct bpf_program *entry = skel->progs.golat_entry;
	struct bpf_program *more = skel->progs.golat_morestack;
	struct bpf_program *ret = skel->progs.golat_ret;
	int err;

	if (p->empty)
		entry = more = ret = skel->progs.golat_empty;
	if ((err = attach_site(a, entry, id, "entry", p->entry, cookie)) ||
	    (err = attach_sites(a, more, id, "morestack", &p->morestack,
				cookie)) ||
	    (err = attach_sites(a, ret, id, "return", &p->ret, cookie)))
		return err;
	if (!p->breakdown)
		return 0;
	if ((err = attach_site(a, skel->progs.golat_bd_entry, id, "entry",
			       p->entry, id)) ||
	    (err = attach_sites(a, skel->progs.golat_bd_morestack, id,
				"morestack", &p->morestack, id)) ||
	    (err = attach_sites(a, skel->progs.golat_bd_ret, id, "return",
				&p->ret, id)))
		return err;
	return 0;
}

/*
 * The runtime hooks of the breakdown (named after the first probe that asked, for
 * BADOFFSET), and sched_switch, a link of its own.
 */
static int attach_hooks(struct agent *a)
{
	struct golat_bpf *skel = a->skel;
	struct bpf_link *link, **grown;
	int err, id;

	for (id = 0; !a->probes[id].defined || !a->probes[id].breakdown; id++)
		;
	if ((err = attach_site(a, skel->progs.golat_casg, id,
			       "runtime.casgstatus", a->bd.casgstatus, 0)) ||
	    (err = attach_site(a, skel->progs.golat_stw_stop, id,
			       "runtime.stopTheWorldWithSema", a->bd.stopworld,
			       0)) ||
	    (err = attach_site(a, skel->progs.golat_stw_start, id,
			       "runtime.startTheWorldWithSema",
			       a->bd.startworld, 0)))
		return err;
	grown = realloc(a->links, (a->nlinks + 1) * sizeof(*grown));
	if (!grown)
		return fail(GOLAT_ERR_INTERNAL, "out of memory");
	a->links = grown;
	link = bpf_program__attach(skel->progs.golat_switch);
	if (!link) {
		err = errno;
		if (err == EPERM || err == EACCES)
			return fail_perm("attach sched_switch", err);
		return fail(
			GOLAT_ERR_NOBPF,
			"attach tp_btf/sched_switch: %s (the breakdown needs kernel BTF, "
			"/sys/kernel/btf/vmlinux)",
			strerror(err));
	}
	a->links[a->nlinks++] = link;
	return 0;
}

static int attach_span(struct agent *a, int id)
{
	const struct span *sp = &a->spans[id];
	struct golat_bpf *skel = a->skel;
	int err;

	if ((err = attach_sites(a, skel->progs.golat_span_start, id, "start",
				&sp->start, id)) ||
	    (err = attach_sites(a, skel->progs.golat_span_end, id, "end",
				&sp->end, id)) ||
	    (err = attach_sites(a, skel->progs.golat_span_cancel, id, "cancel",
				&sp->cancel, id)))
		return err;
	return 0;
}

int agent_attach(struct agent *a)
{
	int err, id;

	if (a->pidfd < 0)
		return fail(GOLAT_ERR_PROTOCOL, "attach before pid");
	if (!a->nprobes && !a->nspans)
		return fail(GOLAT_ERR_PROTOCOL,
			    "attach without any probe or span");
	if (a->nbreakdown && !a->bd.defined)
		return fail(
			GOLAT_ERR_PROTOCOL,
			"a probe asks for breakdown=on but no breakdown command "
			"named the runtime's hooks");
	if ((err = check_target(a)) || (err = load(a)))
		return err;
	if (a->nbreakdown && (err = attach_hooks(a)))
		return err;
	for (id = 0; id <= a->max_id; id++)
		if (a->probes[id].defined && (err = attach_probe(a, id)))
			return err;
	for (id = 0; id <= a->max_id; id++)
		if (a->spans[id].defined && (err = attach_span(a, id)))
			return err;
	if ((err = attach_sites(a, a->skel->progs.golat_stack_moved, -1,
				"stack-move", &a->stack_moves, 0)))
		return err;
	if (a->multi && (err = attach_multi(a)))
		return err;
	printf("ready probes=%d spans=%d uprobes=%d\n", a->nprobes, a->nspans,
	       a->nsites);
	fflush(stdout);
	return 0;
}

static void *close_link(void *fd)
{
	close((int)(long)fd);
	return NULL;
}

/*
 * Closing a uprobe_multi link waits for a grace period (~50 ms here): close
 * them from one thread each so the waits overlap. A link no thread could take
 * is closed here.
 */
void agent_detach(struct agent *a)
{
	pthread_t threads[AGENT_MAX_MULTI];
	bool started[AGENT_MAX_MULTI] = { false };
	int i;

	for (i = 1; i < a->nmulti; i++)
		started[i] = !pthread_create(&threads[i], NULL, close_link,
					     (void *)(long)a->multi_fds[i]);
	for (i = 0; i < a->nmulti; i++)
		if (!started[i])
			close(a->multi_fds[i]);
	for (i = 1; i < a->nmulti; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
	a->nmulti = 0;
	for (i = 0; i < a->nlinks; i++)
		bpf_link__destroy(a->links[i]);
	free(a->links);
	a->links = NULL;
	a->nlinks = 0;
}

/* Detaches, unmaps and destroys the skeleton; the agent can only exit then. */
void agent_free(struct agent *a)
{
	agent_detach(a);
	if (a->slot_table)
		munmap((void *)a->slot_table, slot_table_size(a));
	a->slot_table = NULL;
	agent_unmap_tables(a);
	golat_bpf__destroy(a->skel);
	a->skel = NULL;
	free(a->pending);
	a->pending = NULL;
	if (a->pidfd >= 0)
		close(a->pidfd);
	a->pidfd = -1;
}
