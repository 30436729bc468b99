// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import dev.golat.plan.Planner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * A conversation with one golat-agent (agent/PROTOCOL.md) over its stdin and its stdout, whatever runs it: a
 * host process ({@link HostAgent}) or a {@code docker exec}. Not thread-safe: one caller at a time.
 *
 * <pre>{@code
 * try (AgentSession agent = HostAgent.start()) {
 *     agent.start(pid, "/proc/" + pid + "/exe", List.of(spec));
 *     agent.reset();
 *     ... drive the target ...
 *     ProbeSnapshot s = agent.snapshot().get(0);
 * }
 * }</pre>
 */
@API(status = API.Status.INTERNAL)
public final class AgentSession implements AutoCloseable {
    private static final Duration QUIT_TIMEOUT = Duration.ofSeconds(5);

    private final OutputStream stdin;
    private final AgentOutput out;
    private final AutoCloseable transport;
    private final Map<Integer, ProbeSpec> probes = new LinkedHashMap<>();
    private final Map<Integer, SpanSpec> spans = new LinkedHashMap<>();
    private HookCounts hooks;
    private Duration timeout = Duration.ofSeconds(30);
    private int slotBits;
    private boolean perfLinks;
    private List<Long> stackMoves;
    private boolean hostPaths;
    private boolean greeted;
    private boolean attached;
    private boolean closed;
    private boolean targetExited;
    private long targetPid; // as the agent's pid namespace numbers it
    private java.util.function.Supplier<String> whyGone = () -> "";
    private String gone; // set once the agent is found gone: every later call fails with it

    private AgentSession(OutputStream stdin, AgentOutput out, AutoCloseable transport) {
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.out = Objects.requireNonNull(out, "out");
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * A session over a running agent.
     *
     * @param agentStdin  the agent's stdin
     * @param agentOutput fed with the agent's stdout and stderr by the transport
     * @param transport   closed last by {@link #close()}: ends the agent for good (kills it if it is still running)
     *                    and frees what the transport holds
     */
    public static AgentSession over(OutputStream agentStdin, AgentOutput agentOutput, AutoCloseable transport) {
        return new AgentSession(agentStdin, agentOutput, transport);
    }

    /**
     * What to say when the agent is gone (its output ended) before an answer: the transport's account of how it
     * ended, a whole sentence that names the agent or its service, the exit and what to do (or {@code ""}).
     */
    public AgentSession whenGone(java.util.function.Supplier<String> diagnosis) {
        this.whyGone = Objects.requireNonNull(diagnosis, "diagnosis");
        return this;
    }

    /**
     * A process exit status as a phrase: {@code "was killed by signal 9 (SIGKILL)"} for 128 + n (how a shell,
     * Docker and {@link Process#exitValue()} report a signal), else {@code "exited with code 2"}.
     */
    public static String describeExit(long status) {
        if (status > 128 && status < 128 + 32) {
            int sig = (int) (status - 128);
            String[] names = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
                    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"};
            String name = sig < names.length ? " (" + names[sig] + ")" : "";
            return "was killed by signal " + sig + name + ", exit status " + status;
        }
        return "exited with code " + status;
    }

    /** How long to wait for any answer (default 30 s). */
    public AgentSession timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Test control: one perf link per site, the path kernels before 6.6 take (no uprobe_multi). */
    AgentSession perfLinks() {
        this.perfLinks = true;
        return this;
    }

    /**
     * The sites where the target's goroutine stacks move ({@link Planner#stackMoveSites()} of its binary): with them
     * the agent reads each goroutine's {@code g.stack.hi} once instead of at every hit. Empty: at every hit. Unset, a
     * session whose agent sees this host's files ({@link HostAgent}) plans them from the binary path given to
     * {@link #start}.
     */
    public AgentSession stackMoves(List<Long> sites) {
        this.stackMoves = List.copyOf(sites);
        return this;
    }

    /** The agent runs on this host: the binary path given to {@link #start} names a file Java can read. */
    AgentSession hostPaths() {
        this.hostPaths = true;
        return this;
    }

    /** Test control: log2 of the agent's in-flight slot table (tiny values force its spill path). */
    AgentSession slotBits(int bits) {
        this.slotBits = bits;
        return this;
    }

    /**
     * Attaches {@code probes} to process {@code pid} and waits for {@code ready}.
     *
     * @param binaryPath the target's executable as the agent sees it (e.g. {@code /proc/<pid>/exe}, or a path in
     *                   the agent's container)
     * @throws AgentException with the agent's message (EPERM, BADOFFSET, NOPID, ...) when it refuses
     */
    public void start(long pid, String binaryPath, List<ProbeSpec> probes) {
        start(pid, binaryPath, probes, List.of());
    }

    /**
     * Attaches function probes and spans (ids shared: each id is one probe or one span) and waits for
     * {@code ready}.
     */
    public void start(long pid, String binaryPath, List<ProbeSpec> probes, List<SpanSpec> spans) {
        start(pid, binaryPath, probes, spans, null);
    }

    /**
     * Attaches function probes and spans; {@code breakdown} names the runtime's hooks and must be given when a probe
     * asks for a breakdown ({@link ProbeSpec#breakdown()}), {@code null} otherwise.
     */
    public void start(long pid, String binaryPath, List<ProbeSpec> probes, List<SpanSpec> spans,
            BreakdownSpec breakdown) {
        boolean wanted = probes.stream().anyMatch(ProbeSpec::breakdown);
        if (wanted && breakdown == null) {
            throw new IllegalArgumentException("a probe asks for a breakdown but no BreakdownSpec names the"
                    + " runtime's hooks: plan them with Planner.planBreakdown()");
        }
        if (attached) {
            throw new IllegalStateException("agent session already started");
        }
        targetPid = pid;
        if (probes.isEmpty() && spans.isEmpty()) {
            throw new IllegalArgumentException("no probes to attach to pid " + pid);
        }
        if (binaryPath.contains("\n")) {
            throw new IllegalArgumentException("binary path contains a newline: " + binaryPath);
        }
        Set<Integer> ids = new HashSet<>();
        for (SpanSpec sp : spans) {
            if (!ids.add(sp.id())) {
                throw new IllegalArgumentException("span id " + sp.id() + " used twice (" + sp.name() + ")");
            }
        }
        for (ProbeSpec p : probes) {
            if (!ids.add(p.id())) {
                throw new IllegalArgumentException("probe id " + p.id() + " used twice (" + p.name() + ")");
            }
        }
        greet();
        List<String> cmds = new ArrayList<>();
        cmds.add("pid " + pid);
        cmds.add("binary " + binaryPath);
        if (perfLinks) {
            cmds.add("links perf");
        }
        if (slotBits > 0) {
            cmds.add("slots " + slotBits);
        }
        if (wanted) {
            cmds.add(breakdown.toLine());
        }
        List<Long> moves = stackMoves != null ? stackMoves
                : hostPaths ? stackMoveSites(binaryPath) : List.of();
        if (!moves.isEmpty()) {
            cmds.add("stacks " + moves.stream().map(Long::toHexString).collect(Collectors.joining(",")));
        }
        probes.forEach(p -> cmds.add(p.toLine()));
        spans.forEach(sp -> cmds.add(sp.toLine()));
        cmds.add("attach");
        send(String.join("\n", cmds));
        String ready = answer("attach");
        if (!ready.startsWith("ready ")) {
            throw unexpected(ready, "ready probes=<n> spans=<k> uprobes=<m>");
        }
        probes.forEach(p -> this.probes.put(p.id(), p));
        spans.forEach(sp -> this.spans.put(sp.id(), sp));
        attached = true;
    }

    /**
     * Every probe's and span's counters and histogram now, in id order. A span's {@link ProbeSnapshot#function()}
     * is its name, and it has {@link ProbeSnapshot#spanCounters()}.
     */
    public List<ProbeSnapshot> snapshot() {
        return read("snapshot");
    }

    /**
     * Closes the window and starts the next one in one step ({@code take} in agent/PROTOCOL.md): the closed
     * window's counters and histograms, taken so that each count lands in exactly one window (summed over
     * consecutive takes they are the totals, nothing lost or doubled between them, unlike
     * {@link #snapshot()} then {@link #reset()}). Its {@code inflight} are the window's calls still in flight:
     * they return stale in a later window.
     */
    public List<ProbeSnapshot> take() {
        return read("take");
    }

    private List<ProbeSnapshot> read(String command) {
        requireAttached(command);
        send(command);
        List<ProbeSnapshot> result = new ArrayList<>();
        for (String line = answer(command); !line.equals("end"); line = answer(command)) {
            if (line.startsWith("breakdown ") && !result.isEmpty()) {
                ProbeSnapshot last = result.get(result.size() - 1);
                BreakdownSnapshot b = SnapshotParser.breakdown(line, last.id(), () -> answer(command));
                result.set(result.size() - 1, last.withBreakdown(b));
            } else if (line.startsWith("hooks ")) {
                hooks = SnapshotParser.hooks(line);
            } else if (line.startsWith("span ")) {
                Map.Entry<Integer, SpanCounters> entry = SnapshotParser.spanLine(line);
                SpanSpec spec = spans.get(entry.getKey());
                if (spec == null) {
                    throw unexpected(line, "a span this session attached " + spans.keySet());
                }
                result.add(SnapshotParser.histLine(answer(command), entry.getKey(), spec.name(), entry.getValue()));
            } else {
                Map.Entry<Integer, Counters> entry = SnapshotParser.probeLine(line);
                ProbeSpec spec = probes.get(entry.getKey());
                if (spec == null) {
                    throw unexpected(line, "a probe this session attached " + probes.keySet());
                }
                result.add(SnapshotParser.histLine(answer(command), entry.getKey(), spec.name(), entry.getValue()));
            }
        }
        return result;
    }

    /**
     * Measures on this machine the time the probes add inside a measured call ({@code calibrate} in
     * agent/PROTOCOL.md): the agent probes {@code calls} calls of a function of its own shaped like a Go
     * function's entry check and RET. Takes a few ms plus one detach; the window's figures are untouched.
     */
    public ProbeBias calibrate(int calls) {
        requireAttached("calibrate");
        send("calibrate " + calls);
        return ProbeBias.parse(answer("calibrate"));
    }

    /** The target's threads' CPU time and CPU wait so far, as the agent reads them ({@code schedstat}). */
    public record Schedstat(long cpuNanos, long waitNanos, int threads) {}

    /**
     * The sums over the target's threads of {@code /proc/PID/task/TID/schedstat}, read by the agent in its own pid
     * namespace (inside the service's container): the service's figures whichever Docker daemon started it;
     * {@code threads} is 0 when the target is gone.
     */
    public Schedstat schedstat() {
        requireAttached("schedstat");
        send("schedstat");
        String line = answer("schedstat");
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("schedstat cpu=(\\d+) wait=(\\d+) threads=(\\d+)").matcher(line);
        if (!m.matches()) {
            throw unexpected(line, "schedstat cpu=<ns> wait=<ns> threads=<n>");
        }
        return new Schedstat(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** Zeroes counters and histograms; calls in flight across the reset are counted stale, not measured. */
    public void reset() {
        requireAttached("reset");
        send("reset");
        String ok = answer("reset");
        if (!ok.equals("ok")) {
            throw unexpected(ok, "ok");
        }
    }

    /** The breakdown hooks' counts at the last snapshot, or {@code null} (no breakdown, or no snapshot yet). */
    public HookCounts hooks() {
        return hooks;
    }

    /** Whether the agent reported that the target exited (its probes are then detached; snapshots still work). */
    public boolean targetExited() {
        return targetExited;
    }

    /**
     * Why the target exited while it was traced, for a client to whom that is a fault (a service under test): the
     * transport's account of it (a service's container: its exit code and last log lines), else the agent's own
     * report. Remembered: every later command fails with it.
     *
     * @param noticedAt the command whose answer reported the exit, for the message
     */
    public String targetExitFault(String noticedAt) {
        String why = diagnose(noticedAt);
        if (why == null) {
            gone = "the target process " + (targetPid > 0 ? "(pid " + targetPid + ") " : "")
                    + "exited while it was traced (the agent reported it in its answer to " + noticedAt + ")";
            why = gone;
        }
        return why;
    }

    /** Sends {@code quit} and waits for {@code bye}, then closes the transport (which kills a stuck agent). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            try {
                stdin.write("quit\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                long deadline = System.nanoTime() + QUIT_TIMEOUT.toNanos();
                for (String line; (line = out.nextLine(Math.max(1, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS, "quit")) != null; ) {
                    if (line.equals("bye")) {
                        break;
                    }
                }
                stdin.close();
            } catch (IOException | AgentException e) {
                // The agent is gone or stuck: the transport ends it below.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                transport.close();
            } catch (Exception e) {
                throw new AgentException("SESSION", "closing the agent's transport failed: " + e.getMessage(), e);
            }
        }
    }

    private void greet() {
        if (greeted) {
            return;
        }
        String hello = answer("the greeting");
        String expected = AgentProtocol.greeting();
        if (!hello.equals(expected)) {
            throw new AgentException("SESSION", "golat-agent greeted with '" + hello + "' but this library speaks '"
                    + expected + "': use the agent shipped with this golat version");
        }
        greeted = true;
    }

    /**
     * {@link Planner#stackMoveSites()} of {@code binary}, or none when it cannot be read as a Go binary (the agent
     * then says what is wrong with it, or reads {@code g.stack.hi} at every hit).
     */
    public static List<Long> stackMoveSites(Path binary) {
        return stackMoveSites(binary.toString());
    }

    private static List<Long> stackMoveSites(String binary) {
        try {
            return Planner.of(Path.of(binary)).stackMoveSites();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private void send(String lines) {
        if (closed) {
            throw new IllegalStateException("agent session is closed");
        }
        if (gone != null) {
            throw new AgentException("GONE", gone);
        }
        try {
            stdin.write((lines + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            String why = diagnose("a command");
            throw new AgentException(why != null ? "GONE" : "SESSION", why != null ? why
                    : "cannot write to golat-agent (" + e.getMessage() + ")" + out.stderrSuffix(), e);
        }
    }

    /** The next answer line, skipping the asynchronous {@code exit <pid>}; {@code error} lines throw. */
    private String answer(String waitingFor) {
        while (true) {
            String line;
            try {
                line = out.nextLine(timeout.toNanos(), TimeUnit.NANOSECONDS, waitingFor);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AgentException("SESSION", "interrupted waiting for golat-agent to answer " + waitingFor, e);
            }
            if (line == null) {
                String why = diagnose(waitingFor);
                throw why != null ? new AgentException("GONE", why) : new AgentException("SESSION",
                        "golat-agent exited before answering " + waitingFor + out.stderrSuffix());
            }
            if (line.startsWith("exit ")) {
                targetExited = true;
                continue;
            }
            if (line.startsWith("error ")) {
                String rest = line.substring("error ".length());
                int sp = rest.indexOf(' ');
                String code = sp < 0 ? rest : rest.substring(0, sp);
                String message = sp < 0 ? "" : rest.substring(sp + 1);
                throw new AgentException(code, "golat-agent: " + message + " [" + code + "]" + out.stderrSuffix());
            }
            return line;
        }
    }

    /**
     * Once the agent's output has ended: the transport's account of it, remembered for every later call (or
     * {@code null} when the transport has none to give).
     */
    private String diagnose(String waitingFor) {
        if (gone == null) {
            String why;
            try {
                why = whyGone.get();
            } catch (RuntimeException e) {
                why = "";
            }
            if (why == null || why.isEmpty()) {
                return null;
            }
            gone = why + System.lineSeparator() + "(noticed waiting for the agent's answer to " + waitingFor + ")"
                    + out.stderrSuffix();
        }
        return gone;
    }

    private void requireAttached(String what) {
        if (!attached) {
            throw new IllegalStateException(what + " before start(): attach the probes first");
        }
    }

    private AgentException unexpected(String line, String expected) {
        return new AgentException("SESSION", "unexpected golat-agent answer '" + line + "', expected " + expected
                + out.stderrSuffix());
    }
}
