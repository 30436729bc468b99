// SPDX-License-Identifier: Apache-2.0
/*
 * The loader's state and the functions its files share. One struct agent holds
 * everything the loader knows; main() owns the only instance and hands it down.
 *
 *   golat.c    main: signals, the poll loop, the lifecycle
 *   protocol.c the command table and the setup commands' parsing
 *   attach.c   loading, perf links and uprobe_multi links, detaching
 *   maps.c     per-CPU tables, zeroing, in-flight counts: snapshot and reset
 *   calib.c    calibrate: the time the probes add inside a measured call
 */
#ifndef __GOLAT_AGENT_H
#define __GOLAT_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include "golat.h"

struct golat_bpf;
struct bpf_link;
struct bpf_program;

/* File offsets of one role's uprobe sites. */
struct sites {
	unsigned long *off;
	int n;
};

/* A traced function (agent/PROTOCOL.md, "probe"). */
struct probe {
	bool defined;
	char *name;
	unsigned long entry;
	struct sites morestack;
	struct sites ret;
	bool thread_key;
	bool empty;
	bool breakdown; /* also break each call down (agent/PROTOCOL.md, "breakdown") */
};

/* The runtime hooks of the breakdown (agent/PROTOCOL.md, "breakdown"). */
struct breakdown {
	bool defined;
	unsigned long casgstatus;
	unsigned long stopworld;
	unsigned long startworld;
	unsigned int waitreason_off;
	unsigned int goid_off; /* 0: not given, exemplars show goroutine 0 */
	__u8 wait_class[256];
};

/* A span: start, end and cancel sites (agent/PROTOCOL.md, "span"). */
struct span {
	bool defined;
	char *name;
	struct sites start;
	struct sites end;
	struct sites cancel;
};

/* A uprobe to attach: which program, for which probe or span, where. */
struct site {
	struct bpf_program *prog;
	int id;
	const char *what;
	unsigned long off;
	__u64 cookie;
};

/* At most one uprobe_multi link per BPF program of golat.bpf.c. */
#define AGENT_MAX_MULTI 16

struct agent {
	/* What to trace, as the setup commands said. */
	struct probe probes[GOLAT_MAX_PROBES];
	struct span spans[GOLAT_MAX_PROBES];
	int max_id; /* highest probe or span id, -1 before the first */
	int nprobes;
	int nspans;
	struct breakdown bd;
	int nbreakdown; /* probes with breakdown=on */
	pid_t target_pid;
	int pidfd; /* polled: readable when the target exits; -1 before "pid" */
	char *binary;
	unsigned int slot_bits;
	/* "stacks": where RAX holds a g whose stack moves */
	struct sites stack_moves;
	bool force_perf; /* test control: one perf link per site even with uprobe_multi */

	/* What attach made; skel is NULL until then. */
	struct golat_bpf *skel;
	bool multi; /* uprobe_multi links: one per program, one grace period each */
	struct site *
		pending; /* multi: the sites, linked per program once all are known */
	int nsites;
	struct bpf_link **links; /* perf links, one per site */
	int nlinks;
	int multi_fds[AGENT_MAX_MULTI];
	int nmulti;

	/* Ids in the kernel's tables: max_id + 2, the last one calibrate's. */
	int nkeys;

	/* Serving: the maps the loader reads, mapped (maps.c). */
	int ncpus; /* possible CPUs: rows of the per-CPU tables */
	const struct golat_slot *slot_table; /* in-flight table, read-only */
	struct golat_counters *counters; /* [cpu * nkeys + id] */
	struct golat_span_counters *span_counters; /* [cpu * nkeys + id] */
	__u64 *hist; /* [(cpu * nkeys + id) * GOLAT_NBUCKETS + bucket] */
	size_t counters_len, span_counters_len, hist_len;
	struct golat_bd_counters *bd_counters; /* [cpu * nkeys + id] */
	__u64 *bd_hist; /* [((cpu * nkeys + id) * GOLAT_BD_NCOMP + c) * GOLAT_NBUCKETS + b] */
	/* [(cpu * nkeys + id) * GOLAT_BD_EXEMPLARS + slot] */
	struct golat_exemplar *bd_exemplars;
	size_t bd_counters_len, bd_hist_len, bd_exemplars_len;
};

/* protocol.c */
int fail(const char *code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int fail_perm(const char *what, int err);
int handle_line(struct agent *a, char *line);

/* attach.c */
int agent_attach(struct agent *a);
void agent_detach(struct agent *a);
void agent_free(struct agent *a);
int agent_link_one(struct agent *a, struct bpf_program *prog, const char *path,
		   pid_t pid, unsigned long off, __u64 cookie, int *fd,
		   struct bpf_link **link);

/* maps.c */
int agent_snapshot(struct agent *a);
/* Reports "exit PID" (and detaches) when the target has exited or begun to. */
void agent_check_target(struct agent *a);
/* proc.c: the target as /proc shows it in the agent's pid namespace. */
int proc_target_exiting(pid_t pid);
int proc_schedstat(pid_t pid);
int agent_reset(struct agent *a);
int agent_take(struct agent *a);
size_t slot_table_size(const struct agent *a);
int agent_map_tables(struct agent *a);
void agent_unmap_tables(struct agent *a);
void agent_hist_take(struct agent *a, int id, __u64 *hist);

/* calib.c */
int agent_calibrate(struct agent *a, char *arg);
int agent_map_tables(struct agent *a);
void agent_unmap_tables(struct agent *a);
void agent_hist_take(struct agent *a, int id, __u64 *hist);

/* calib.c */
int agent_calibrate(struct agent *a, char *arg);

#endif /* __GOLAT_AGENT_H */
