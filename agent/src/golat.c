// SPDX-License-Identifier: Apache-2.0
/*
 * golat-agent: loads golat.bpf.c, attaches plain uprobes at the file offsets it
 * is told, and serves histogram snapshots over the line protocol of
 * agent/PROTOCOL.md. This file is the lifecycle: signals, the poll loop over
 * stdin, the signalfd and the target's pidfd, and the exit paths.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "agent.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fprintf(stderr, "golat-agent: libbpf: ");
	return vfprintf(stderr, fmt, args);
}

/* Blocks the signals that end the agent and returns a signalfd for them. */
static int signal_fd(void)
{
	sigset_t mask;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

/* The target exited: detach now, but keep the maps for the last snapshot. */
static void target_exited(struct agent *a)
{
	agent_detach(a);
	close(a->pidfd);
	a->pidfd = -1;
	printf("exit %d\n", a->target_pid);
	fflush(stdout);
}

void agent_check_target(struct agent *a)
{
	struct pollfd fd = { .fd = a->pidfd, .events = POLLIN };

	if (a->pidfd < 0)
		return;
	if (poll(&fd, 1, 0) > 0 || proc_target_exiting(a->target_pid))
		target_exited(a);
}

/*
 * Runs every complete line in buf (len bytes, NUL-terminated) and keeps the
 * rest. Returns 0 to go on, 1 on a fatal error (reported), -1 on quit.
 */
static int run_lines(struct agent *a, char *buf, size_t *len)
{
	char *nl;
	int r;

	while ((nl = strchr(buf, '\n'))) {
		*nl = '\0';
		if (nl > buf && nl[-1] == '\r')
			nl[-1] = '\0';
		r = handle_line(a, buf);
		*len -= nl + 1 - buf;
		memmove(buf, nl + 1, *len + 1);
		if (r)
			return r;
	}
	return 0;
}

/* Returns the exit status: 0 on quit, EOF or a signal; 1 on a fatal error. */
static int serve(struct agent *a, int sfd)
{
	static char buf[1 << 16];
	struct pollfd fds[3];
	size_t len = 0;
	int nfds, n, r;

	for (;;) {
		nfds = 2;
		fds[0] =
			(struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (a->pidfd >= 0)
			fds[nfds++] = (struct pollfd){ .fd = a->pidfd,
						       .events = POLLIN };
		if (poll(fds, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail(GOLAT_ERR_INTERNAL, "poll: %s",
				    strerror(errno));
		}
		if (fds[1].revents)
			return 0;
		if (nfds == 3 && fds[2].revents) {
			target_exited(a);
			if (!a->skel)
				return 0;
			continue;
		}
		if (!fds[0].revents)
			continue;
		n = read(STDIN_FILENO, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			return 0; /* EOF: whoever started us is gone */
		len += n;
		buf[len] = '\0';
		r = run_lines(a, buf, &len);
		if (r < 0) {
			agent_free(a);
			printf("bye\n");
			fflush(stdout);
			return 0;
		}
		if (r)
			return r;
		if (len == sizeof(buf) - 1)
			return fail(GOLAT_ERR_PROTOCOL,
				    "line longer than %zu bytes",
				    sizeof(buf) - 1);
	}
}

int main(void)
{
	static struct agent agent = {
		.max_id = -1,
		.pidfd = -1,
		.slot_bits = GOLAT_SLOT_BITS,
	};
	int sfd, status;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	sfd = signal_fd();
	libbpf_set_print(libbpf_print);
	agent.ncpus = libbpf_num_possible_cpus();
	if (agent.ncpus <= 0)
		return fail(GOLAT_ERR_INTERNAL,
			    "cannot count possible CPUs: %s",
			    strerror(-agent.ncpus));

	printf("golat-agent %d buckets=%d,%d\n", GOLAT_PROTOCOL_VERSION,
	       GOLAT_SUB_BITS, GOLAT_NBUCKETS);
	fflush(stdout);
	status = serve(&agent, sfd);
	agent_free(&agent);
	return status;
}
