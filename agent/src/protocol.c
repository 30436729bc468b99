// SPDX-License-Identifier: Apache-2.0
/*
 * The line protocol of agent/PROTOCOL.md: one table of commands, each with the
 * phase it belongs to (setup before attach, serving after), and the parsing of
 * the setup commands into struct agent.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "agent.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Prints "error CODE message" on stdout (the protocol); returns 1, the exit status. */
int fail(const char *code, const char *fmt, ...)
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

int fail_perm(const char *what, int err)
{
	return fail(
		GOLAT_ERR_EPERM,
		"%s: %s: golat-agent needs CAP_BPF+CAP_PERFMON (Docker versions that know them: "
		"--cap-add BPF --cap-add PERFMON) or CAP_SYS_ADMIN (--cap-add SYS_ADMIN); and "
		"SYS_PTRACE to reach another container's /proc/PID/root",
		what, strerror(err));
}

/* "-" or comma-separated hex file offsets. */
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

/* Parses the id of a probe or span; -1 (reported) when it is bad or taken. */
static long parse_id(struct agent *a, const char *what, char *tok)
{
	char *end;
	long id;

	errno = 0;
	id = tok ? strtol(tok, &end, 10) : -1;
	if (!tok || errno || *end || id < 0 || id >= GOLAT_MAX_PROBES) {
		fail(GOLAT_ERR_PROTOCOL, "%s id '%s' is not a number in 0..%d",
		     what, tok ? tok : "", GOLAT_MAX_PROBES - 1);
		return -1;
	}
	if (a->probes[id].defined || a->spans[id].defined) {
		fail(GOLAT_ERR_PROTOCOL,
		     "id %ld used twice (each id is one probe or one span)",
		     id);
		return -1;
	}
	return id;
}

static void define_id(struct agent *a, long id)
{
	if (id > a->max_id)
		a->max_id = id;
}

static int parse_entry(struct probe *p, const char *val)
{
	char *colon = strchr(val, ':');
	char *end;

	errno = 0;
	p->entry = strtoul(val, &end, 16);
	/* The kind is informational: re-entry is marked at the morestack sites. */
	return !colon || end != colon || errno ||
	       (strcmp(colon + 1, "jcc") && strcmp(colon + 1, "first") &&
		strcmp(colon + 1, "offset"));
}

/*
 * probe <id> <name> entry=<hex>:<jcc|first|offset> morestack=<hex,...|->
 *       ret=<hex,...> [key=goroutine|thread] [mode=measure|empty]
 *       [breakdown=on|off]
 */
static int cmd_probe(struct agent *a, char *args)
{
	bool have_entry = false, have_ret = false;
	char *tok, *save = NULL;
	struct probe *p;
	long id;

	id = parse_id(a, "probe", strtok_r(args, " ", &save));
	if (id < 0)
		return 1;
	p = &a->probes[id];
	tok = strtok_r(NULL, " ", &save);
	if (!tok)
		return fail(GOLAT_ERR_PROTOCOL,
			    "probe %ld has no function name", id);
	p->name = strdup(tok);
	while ((tok = strtok_r(NULL, " ", &save))) {
		if (!strncmp(tok, "entry=", 6)) {
			if (parse_entry(p, tok + 6))
				return fail(
					GOLAT_ERR_PROTOCOL,
					"probe %ld %s: '%s' is not entry=<hex offset>:<jcc|first|offset>",
					id, p->name, tok);
			have_entry = true;
		} else if (!strncmp(tok, "morestack=", 10)) {
			if (parse_sites(tok + 10, &p->morestack))
				return fail(
					GOLAT_ERR_PROTOCOL,
					"probe %ld %s: '%s' is not morestack=<hex,...|->",
					id, p->name, tok);
		} else if (!strncmp(tok, "ret=", 4)) {
			if (parse_sites(tok + 4, &p->ret) || !p->ret.n)
				return fail(
					GOLAT_ERR_PROTOCOL,
					"probe %ld %s: '%s' is not ret=<hex,...> (every RET needs a probe; "
					"a function without RET cannot be measured)",
					id, p->name, tok);
			have_ret = true;
		} else if (!strcmp(tok, "key=goroutine") ||
			   !strcmp(tok, "key=thread")) {
			p->thread_key = !strcmp(tok, "key=thread");
		} else if (!strcmp(tok, "breakdown=on") ||
			   !strcmp(tok, "breakdown=off")) {
			p->breakdown = !strcmp(tok, "breakdown=on");
		} else if (!strcmp(tok, "mode=measure") ||
			   !strcmp(tok, "mode=empty")) {
			p->empty = !strcmp(tok, "mode=empty");
		} else {
			return fail(GOLAT_ERR_PROTOCOL,
				    "probe %ld %s: unknown field '%s'", id,
				    p->name, tok);
		}
	}
	if (!have_entry || !have_ret)
		return fail(GOLAT_ERR_PROTOCOL,
			    "probe %ld %s: needs entry= and ret=", id, p->name);
	if (p->breakdown && (p->thread_key || p->empty))
		return fail(
			GOLAT_ERR_PROTOCOL,
			"probe %ld %s: breakdown=on needs key=goroutine and mode=measure",
			id, p->name);
	p->defined = true;
	a->nprobes++;
	if (p->breakdown)
		a->nbreakdown++;
	define_id(a, id);
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

/* Parses "<field>=<sites>" into *out when tok starts with field=; 0 if not it. */
static int span_field(const char *tok, const char *field, struct sites *out,
		      bool *have)
{
	size_t len = strlen(field);

	if (strncmp(tok, field, len) || tok[len] != '=')
		return 0;
	*have = true;
	return parse_sites(tok + len + 1, out) ? -1 : 1;
}

/* span <id> <name> start=<hex,...> end=<hex,...> cancel=<hex,...|-> */
static int cmd_span(struct agent *a, char *args)
{
	bool have_start = false, have_end = false, have_cancel = false;
	char *tok, *save = NULL;
	struct span *sp;
	int r;
	long id;

	id = parse_id(a, "span", strtok_r(args, " ", &save));
	if (id < 0)
		return 1;
	sp = &a->spans[id];
	tok = strtok_r(NULL, " ", &save);
	if (!tok)
		return fail(GOLAT_ERR_PROTOCOL, "span %ld has no name", id);
	sp->name = strdup(tok);
	while ((tok = strtok_r(NULL, " ", &save))) {
		if ((r = span_field(tok, "start", &sp->start, &have_start))) {
			if (r < 0 || !sp->start.n)
				return fail(
					GOLAT_ERR_PROTOCOL,
					"span %ld %s: '%s' is not start=<hex,...>",
					id, sp->name, tok);
		} else if ((r = span_field(tok, "end", &sp->end, &have_end))) {
			if (r < 0 || !sp->end.n)
				return fail(
					GOLAT_ERR_PROTOCOL,
					"span %ld %s: '%s' is not end=<hex,...>",
					id, sp->name, tok);
		} else if ((r = span_field(tok, "cancel", &sp->cancel,
					   &have_cancel))) {
			if (r < 0)
				return fail(
					GOLAT_ERR_PROTOCOL,
					"span %ld %s: '%s' is not cancel=<hex,...|->",
					id, sp->name, tok);
		} else {
			return fail(GOLAT_ERR_PROTOCOL,
				    "span %ld %s: unknown field '%s'", id,
				    sp->name, tok);
		}
	}
	if (!have_start || !have_end || !have_cancel)
		return fail(GOLAT_ERR_PROTOCOL,
			    "span %ld %s: needs start=, end= and cancel=", id,
			    sp->name);
	/*
	 * One site, one role per span: the order of two uprobes at one address
	 * is the kernel's, so a site that ends the span never cancels it, and a
	 * start is never cancelled by itself.
	 */
	drop_sites(&sp->cancel, &sp->end);
	drop_sites(&sp->cancel, &sp->start);
	drop_sites(&sp->start, &sp->end);
	if (!sp->start.n)
		return fail(GOLAT_ERR_PROTOCOL,
			    "span %ld %s: every start site is also an end site",
			    id, sp->name);
	sp->defined = true;
	a->nspans++;
	define_id(a, id);
	return 0;
}

/* "<field>=<hex>" into *out; 0 if tok is not that field, -1 when malformed. */
static int hex_field(const char *tok, const char *field, unsigned long *out)
{
	size_t len = strlen(field);
	char *end;

	if (strncmp(tok, field, len) || tok[len] != '=')
		return 0;
	errno = 0;
	*out = strtoul(tok + len + 1, &end, 16);
	return errno || end == tok + len + 1 || *end ? -1 : 1;
}

/* classes=<c0>,<c1>,...: the GOLAT_BD_WAIT_* of wait reason 0, 1, ... (0: unknown, other). */
static int parse_classes(const char *s, __u8 *class)
{
	unsigned long c;
	char *end;
	int n = 0;

	for (;;) {
		errno = 0;
		c = strtoul(s, &end, 10);
		if (errno || end == s || (*end && *end != ',') || n >= 256 ||
		    (c && (c < GOLAT_BD_WAIT_CHAN || c > GOLAT_BD_WAIT_OTHER)))
			return -1;
		class[n++] = c;
		if (!*end)
			return 0;
		s = end + 1;
	}
}

/*
 * breakdown casgstatus=<hex> stopworld=<hex> startworld=<hex> waitreason=<dec>
 *           [goid=<dec>] classes=<dec,...>
 */
static int cmd_breakdown(struct agent *a, char *args)
{
	struct breakdown *bd = &a->bd;
	bool have[3] = { false };
	unsigned long v;
	char *tok, *save = NULL, *end;
	int r;

	if (bd->defined)
		return fail(GOLAT_ERR_PROTOCOL, "breakdown given twice");
	memset(bd, 0, sizeof(*bd));
	while ((tok = strtok_r(args, " ", &save))) {
		args = NULL;
		if ((r = hex_field(tok, "casgstatus", &bd->casgstatus)))
			have[0] = true;
		else if ((r = hex_field(tok, "stopworld", &bd->stopworld)))
			have[1] = true;
		else if ((r = hex_field(tok, "startworld", &bd->startworld)))
			have[2] = true;
		else if (!strncmp(tok, "waitreason=", 11)) {
			errno = 0;
			v = strtoul(tok + 11, &end, 10);
			r = errno || end == tok + 11 || *end || !v || v > 4096 ?
				    -1 :
				    1;
			bd->waitreason_off = v;
		} else if (!strncmp(tok, "goid=", 5)) {
			errno = 0;
			v = strtoul(tok + 5, &end, 10);
			r = errno || end == tok + 5 || *end || !v || v > 4096 ?
				    -1 :
				    1;
			bd->goid_off = v;
		} else if (!strncmp(tok, "classes=", 8)) {
			r = parse_classes(tok + 8, bd->wait_class) ? -1 : 1;
		} else {
			return fail(GOLAT_ERR_PROTOCOL,
				    "breakdown: unknown field '%s'", tok);
		}
		if (r < 0)
			return fail(
				GOLAT_ERR_PROTOCOL,
				"breakdown: '%s' is malformed (see agent/PROTOCOL.md, breakdown)",
				tok);
	}
	if (!have[0] || !have[1] || !have[2] || !bd->waitreason_off)
		return fail(
			GOLAT_ERR_PROTOCOL,
			"breakdown: needs casgstatus=, stopworld=, startworld= and waitreason=");
	bd->defined = true;
	return 0;
}

static int cmd_pid(struct agent *a, char *arg)
{
	char *end;
	long pid;

	errno = 0;
	pid = strtol(arg, &end, 10);
	if (errno || *end || pid <= 0)
		return fail(GOLAT_ERR_PROTOCOL, "'%s' is not a process id",
			    arg);
	if (a->pidfd >= 0)
		return fail(GOLAT_ERR_PROTOCOL, "pid given twice");
	a->pidfd = syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (a->pidfd < 0)
		return fail(
			GOLAT_ERR_NOPID,
			"process %ld: %s (has it exited? is it in another pid namespace?)",
			pid, strerror(errno));
	a->target_pid = pid;
	return 0;
}

static int cmd_binary(struct agent *a, char *arg)
{
	free(a->binary);
	a->binary = strdup(arg);
	return 0;
}

static int cmd_slots(struct agent *a, char *arg)
{
	char *end;
	long bits;

	errno = 0;
	bits = strtol(arg, &end, 10);
	if (errno || *end || bits < 1 || bits > 24)
		return fail(GOLAT_ERR_PROTOCOL,
			    "slots '%s': want log2 of the slot table, 1..24",
			    arg);
	a->slot_bits = bits;
	return 0;
}

/*
 * stacks <hex,...>: runtime.copystack's entry and every RET of runtime.newproc1, where RAX
 * holds a g whose g.stack is about to move or was just set: with them g.stack.hi is kept
 * per goroutine instead of read at every hit.
 */
static int cmd_stacks(struct agent *a, char *arg)
{
	free(a->stack_moves.off);
	if (parse_sites(arg, &a->stack_moves) || !a->stack_moves.n) {
		free(a->stack_moves.off);
		a->stack_moves.off = NULL;
		a->stack_moves.n = 0;
		return fail(
			GOLAT_ERR_PROTOCOL,
			"stacks '%s': want comma-separated hex file offsets "
			"(runtime.copystack's entry, runtime.newproc1's RETs)",
			arg);
	}
	return 0;
}

/* Test control: exercise the perf-link path that kernels before 6.6 take. */
static int cmd_links(struct agent *a, char *arg)
{
	if (strcmp(arg, "perf") && strcmp(arg, "auto"))
		return fail(GOLAT_ERR_PROTOCOL, "links '%s': want perf or auto",
			    arg);
	a->force_perf = !strcmp(arg, "perf");
	return 0;
}

static int cmd_attach(struct agent *a, char *arg)
{
	return agent_attach(a);
}

/* The target's exit comes first, so a window that ended with the process says so. */
static int cmd_snapshot(struct agent *a, char *arg)
{
	agent_check_target(a);
	return agent_snapshot(a);
}

static int cmd_reset(struct agent *a, char *arg)
{
	agent_check_target(a);
	return agent_reset(a);
}

static int cmd_schedstat(struct agent *a, char *arg)
{
	return proc_schedstat(a->target_pid);
}

static int cmd_take(struct agent *a, char *arg)
{
	agent_check_target(a);
	return agent_take(a);
}

static int cmd_calibrate(struct agent *a, char *arg)
{
	return agent_calibrate(a, arg);
}

static int cmd_quit(struct agent *a, char *arg)
{
	return -1;
}

enum phase {
	SETUP, /* before attach */
	SERVING, /* after attach */
	ANY,
};

struct command {
	const char *name;
	enum phase phase;
	int (*handler)(struct agent *a, char *arg);
};

static const struct command commands[] = {
	{ "pid", SETUP, cmd_pid },
	{ "binary", SETUP, cmd_binary },
	{ "slots", SETUP, cmd_slots },
	{ "links", SETUP, cmd_links },
	{ "stacks", SETUP, cmd_stacks },
	{ "probe", SETUP, cmd_probe },
	{ "span", SETUP, cmd_span },
	{ "breakdown", SETUP, cmd_breakdown },
	{ "attach", SETUP, cmd_attach },
	{ "snapshot", SERVING, cmd_snapshot },
	{ "reset", SERVING, cmd_reset },
	{ "take", SERVING, cmd_take },
	{ "calibrate", SERVING, cmd_calibrate },
	{ "schedstat", SERVING, cmd_schedstat },
	{ "quit", ANY, cmd_quit },
};

/* Returns 0 to go on, 1 on a fatal error (already reported), -1 on quit. */
int handle_line(struct agent *a, char *line)
{
	enum phase now = a->skel ? SERVING : SETUP;
	char *arg = strchr(line, ' ');
	size_t i;

	if (arg)
		*arg++ = '\0';
	else
		arg = "";
	if (!*line)
		return 0;
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++) {
		const struct command *c = &commands[i];

		if (!strcmp(line, c->name) &&
		    (c->phase == ANY || c->phase == now))
			return c->handler(a, arg);
	}
	return fail(GOLAT_ERR_PROTOCOL, "unexpected command '%s' %s attach",
		    line, now == SERVING ? "after" : "before");
}
