// SPDX-License-Identifier: Apache-2.0
/*
 * What /proc says of the target, as the agent's pid namespace sees it: whether
 * it has begun to exit, and its threads' CPU time and CPU wait (schedstat).
 * Read here, inside the service's container, the numbers are the service's
 * whatever Docker daemon started it: a client on another machine, or in another
 * pid namespace, cannot read them at the pid Docker reports.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "agent.h"

/* PF_EXITING (include/linux/sched.h): set as the task starts do_exit, before it closes its files. */
#define TASK_PF_EXITING 0x4

/*
 * Whether the target has begun to exit: its leader's /proc/PID/stat has
 * PF_EXITING in field 9 (flags), or it is gone. A client that saw the
 * service's socket close sees this too: the kernel sets the flag on every
 * thread before the last one closes the descriptors, while the pidfd turns
 * readable only later (and a container's init takes the agent with it then).
 */
int proc_target_exiting(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long flags;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return 0;
	/* After "(comm)": state ppid pgrp session tty_nr tpgid, then flags. */
	for (i = 0; i < 7 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lu", &flags) != 1)
		return 0;
	return !!(flags & TASK_PF_EXITING);
}

/*
 * "schedstat cpu=<ns> wait=<ns> threads=<n>": the sums over the target's
 * threads of /proc/PID/task/TID/schedstat ("cpu_ns wait_ns timeslices");
 * threads=0 when the target is gone. Never fatal: a gate without the figures
 * says so, the tracing goes on.
 */
int proc_schedstat(pid_t pid)
{
	unsigned long long cpu = 0, wait = 0, c, w;
	char path[96];
	struct dirent *d;
	int threads = 0;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat",
			 pid, d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue; /* the thread exited between the listing and the read */
		if (fscanf(f, "%llu %llu", &c, &w) == 2) {
			cpu += c;
			wait += w;
			threads++;
		}
		fclose(f);
	}
	if (dir)
		closedir(dir);
	printf("schedstat cpu=%llu wait=%llu threads=%d\n", cpu, wait, threads);
	fflush(stdout);
	return 0;
}
