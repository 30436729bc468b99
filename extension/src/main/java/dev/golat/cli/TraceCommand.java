// SPDX-License-Identifier: Apache-2.0
package dev.golat.cli;

import dev.golat.agent.AgentSession;
import dev.golat.agent.Counters;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeBias;
import dev.golat.agent.ProbeSet;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.binary.GoBinary;
import dev.golat.gate.BaselineFile;
import dev.golat.gate.NoiseWitness;
import dev.golat.gate.Recording;
import dev.golat.gate.RecordingInfo;
import dev.golat.plan.FunctionPlan;
import dev.golat.plan.Planner;
import dev.golat.plan.ProbePlan;
import dev.golat.report.ConsoleHistogram;
import dev.golat.report.LatencyTable;
import dev.golat.result.Breakdown;
import dev.golat.result.Exemplar;
import dev.golat.result.Latency;
import dev.golat.result.Snapshots;
import dev.golat.result.Units;
import org.HdrHistogram.Histogram;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code golat trace --pid PID FUNCTION... [--duration 10s] [--interval 1s] [--json]} and
 * {@code golat trace FUNCTION... --exec -- CMD ARGS}: the bpftrace workflow for Go, on this host (root).
 * Plans with the Java planner, runs the agent on the host, prints a histogram per function at the end
 * (the duration elapsed, the target exited, or Ctrl-C).
 */
final class TraceCommand {
    private TraceCommand() {}

    record Options(long pid, List<String> functions, List<List<String>> spans, Duration duration, Duration interval, boolean json,
            List<String> exec, Path save, LatencyTable.Sort sort, boolean breakdown) {}

    static Options parse(List<String> args) {
        long pid = -1;
        List<String> functions = new ArrayList<>();
        List<List<String>> spans = new ArrayList<>();
        Duration duration = null;
        Duration interval = null;
        boolean json = false;
        boolean breakdown = false;
        List<String> exec = List.of();
        Path save = null;
        LatencyTable.Sort sort = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--pid" -> pid = parsePid(value(args, ++i, a));
                case "--duration" -> duration = parseDuration(value(args, ++i, a), a);
                case "--interval" -> interval = parseDuration(value(args, ++i, a), a);
                case "--json" -> json = true;
                case "--breakdown" -> breakdown = true;
                case "--save" -> save = Path.of(value(args, ++i, a));
                case "--sort" -> {
                    try {
                        sort = LatencyTable.Sort.parse(value(args, ++i, a));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--sort: " + e.getMessage());
                    }
                }
                case "--span" -> {
                    if (i + 3 >= args.size()) {
                        throw new UsageException("--span needs NAME FROM TO; " + USAGE);
                    }
                    spans.add(List.of(args.get(i + 1), args.get(i + 2), args.get(i + 3)));
                    i += 3;
                }
                case "--exec" -> {
                    if (i + 1 < args.size() && args.get(i + 1).equals("--")) {
                        i++;
                    }
                    exec = List.copyOf(args.subList(i + 1, args.size()));
                    i = args.size();
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown option " + a + "; " + USAGE);
                    }
                    functions.add(a);
                }
            }
        }
        if (functions.isEmpty() && spans.isEmpty()) {
            throw new UsageException("name at least one Go function or --span; " + USAGE);
        }
        if ((pid < 0) == exec.isEmpty()) {
            throw new UsageException("give either --pid PID or --exec -- CMD ARGS; " + USAGE);
        }
        if (save != null && save.toAbsolutePath().getParent() != null
                && !Files.isDirectory(save.toAbsolutePath().getParent())) {
            throw new UsageException("--save: directory " + save.toAbsolutePath().getParent() + " does not exist");
        }
        return new Options(pid, List.copyOf(functions), List.copyOf(spans), duration, interval, json, exec, save,
                sort == null ? LatencyTable.Sort.TOTAL : sort, breakdown);
    }

    static final String USAGE = "usage: golat trace --pid PID FUNCTION... [--span NAME FROM TO]... [--duration 10s]"
            + " [--interval 1s] [--breakdown] [--json] [--save FILE] [--sort total|count|p50|p99|max|name]"
            + " | golat trace FUNCTION... [--span NAME FROM TO]... [--breakdown] [--json] [--save FILE] [--sort COLUMN]"
            + " --exec -- CMD ARGS";

    static int run(List<String> args, PrintStream out) {
        Options o = parse(args);
        Path binary = o.exec().isEmpty() ? TargetProcess.executable(o.pid()) : resolveExecutable(o.exec().get(0));
        // Plan first: a wrong name fails before anything is started.
        Planner planner = Planner.of(binary);
        ProbeSet.Builder set = ProbeSet.planning(planner);
        for (String f : o.functions()) {
            ProbeSet.Selected selected = set.functions(f);
            selected.warnings().forEach(w -> System.err.println("golat trace: warning: " + w));
            if (selected.many()) {
                System.err.println("golat trace: '" + f + "' matches " + selected.plans().size() + " functions"
                        + (selected.skipped().isEmpty() ? "" : " that can be measured (" + selected.skipped().size()
                        + " more cannot)"));
            }
            for (FunctionPlan plan : selected.plans()) {
                if (plan.isGeneric()) {
                    System.err.println("golat trace: " + plan.function() + ": " + plan.instances().size()
                            + " instantiations measured as one");
                }
            }
        }
        for (List<String> span : o.spans()) {
            set.span(span.get(0), span.get(1), span.get(2));
        }
        if (o.breakdown()) {
            for (String f : o.functions()) {
                set.breakdown(f);
            }
        }
        ProbeSet probes = set.build();
        if (probes.breakdownPlan() != null) {
            probes.breakdownPlan().warnings().forEach(w -> System.err.println("golat trace: warning: " + w));
            System.err.println("golat trace: breaking each call down by goroutine state (hooks on runtime.casgstatus,"
                    + " stopTheWorldWithSema and startTheWorldWithSema; every goroutine switch of the process pays)");
        }
        List<Traced> traced = new ArrayList<>();
        for (ProbeSet.Entry e : probes.entries()) {
            if (e.isAlias()) {
                System.err.println("golat trace: " + e.name() + " is the same function as " + e.sameAs() + " ("
                        + e.describe() + "): probed once, both names show the same figures");
            }
            traced.add(e.isSpan() ? new Traced("span " + e.name(), "span " + e.name(), null, e.ids())
                    : new Traced(e.function().function(), e.name(), e.function(), e.ids()));
        }
        Process child = o.exec().isEmpty() ? null : startStopped(binary, o.exec());
        long pid = child != null ? child.pid() : o.pid();
        try {
            try (AgentSession agent = HostAgent.start()) {
                agent.start(pid, binary.toString(), probes.probes(), probes.spans(), probes.breakdownSpec());
                ProbeBias bias = agent.calibrate(CALIBRATION_CALLS);
                System.err.println("golat trace: probe bias on this machine: " + Units.duration(bias.p50Nanos())
                        + " per measured call (p50 of " + bias.calls() + " calibration calls), included in the figures");
                System.err.println("golat trace: tracing " + traced.size() + " function(s) in pid " + pid
                        + (o.duration() != null ? " for " + o.duration().toSeconds() + " s" : "") + "; Ctrl-C to stop");
                Saved saved = new Saved(pid);
                if (child != null) {
                    resume(child.pid());
                }
                Thread hook = interruptOnSignal(Thread.currentThread());
                try {
                    waitForEnd(agent, o, child, traced, saved);
                } finally {
                    removeHook(hook);
                }
                List<ProbeSnapshot> last = agent.snapshot();
                print(last, traced, o.json(), o.sort(), bias.p50Nanos(), out);
                if (o.save() != null) {
                    saved.ticks.add(last);
                    saved.write(o.save(), planner.binary(), traced);
                    System.err.println("golat trace: saved " + traced.size() + " recording(s) to " + o.save());
                }
            }
            if (child != null) {
                child.waitFor(10, TimeUnit.SECONDS);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly(); // SIGKILL: a stopped process ignores SIGTERM until resumed
            }
        }
    }

    private static void waitForEnd(AgentSession agent, Options o, Process child, List<Traced> traced,
            Saved saved) throws InterruptedException {
        long end = o.duration() == null ? Long.MAX_VALUE : System.nanoTime() + o.duration().toNanos();
        long step = o.interval() == null ? 200 : Math.min(200, o.interval().toMillis());
        long nextInterval = o.interval() == null ? Long.MAX_VALUE : System.nanoTime() + o.interval().toNanos();
        while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
            if (child != null ? !child.isAlive() : !Files.exists(Path.of("/proc/" + o.pid()))) {
                return;
            }
            try {
                Thread.sleep(step);
            } catch (InterruptedException e) {
                return; // Ctrl-C: print what we have
            }
            saved.witness();
            if (System.nanoTime() >= nextInterval) {
                nextInterval += o.interval().toNanos();
                List<ProbeSnapshot> tick = agent.snapshot();
                saved.ticks.add(tick);
                if (traced.size() > LatencyTable.HISTOGRAMS_UP_TO) {
                    System.err.print(LatencyTable.render(traced.stream().map(t -> t.latency(tick)).toList(), o.sort()));
                } else {
                    for (Traced t : traced) {
                        System.err.println("golat trace: " + t.latency(tick));
                    }
                }
            }
        }
    }

    /**
     * One traced name: a function (one probe per instantiation of a generic function, measured as one latency) or a
     * span (one probe). {@code label} is what the output calls it: the full or generic name, or {@code span NAME}.
     */
    record Traced(String label, String name, FunctionPlan plan, List<Integer> ids) {
        List<ProbeSnapshot> of(List<ProbeSnapshot> snapshots) {
            Map<Integer, ProbeSnapshot> byId = new LinkedHashMap<>();
            snapshots.forEach(s -> byId.put(s.id(), s));
            return ids.stream().map(byId::get).toList();
        }

        Latency latency(List<ProbeSnapshot> snapshots) {
            List<ProbeSnapshot> mine = of(snapshots);
            return plan == null ? Snapshots.toLatency(label, label, mine.get(0), null)
                    : Snapshots.toLatency(label, plan, mine, null);
        }

        /** The agent's counters of every probe of this name added up. */
        Counters counters(List<ProbeSnapshot> snapshots) {
            return sum(of(snapshots).stream().map(ProbeSnapshot::counters).toList());
        }
    }

    /** Calls of the agent's probe-bias calibration: a few ms. */
    static final int CALIBRATION_CALLS = 2000;

    /**
     * The figures at the end: one JSON line per function and span with {@code --json}; else a histogram each, or,
     * above {@link LatencyTable#HISTOGRAMS_UP_TO} functions, the table of the functions (sorted by {@code sort}, the
     * never-called ones on one line) followed by a histogram per span.
     */
    static void print(List<ProbeSnapshot> snapshots, List<Traced> traced, boolean json, LatencyTable.Sort sort,
            long biasNanos, PrintStream out) {
        List<Traced> functions = traced.stream().filter(t -> t.plan() != null).toList();
        if (!json && functions.size() > LatencyTable.HISTOGRAMS_UP_TO) {
            List<Latency> all = functions.stream().map(t -> t.latency(snapshots)).toList();
            out.print(LatencyTable.render(all, sort));
            out.println();
            for (Latency l : all) {
                if (l.hasBreakdown()) {
                    out.println("@" + l.name() + " " + l.breakdown().summary(50));
                    l.breakdown().slowest(1).forEach(line -> out.println("@" + l.name() + " " + line));
                }
            }
            traced = traced.stream().filter(t -> t.plan() == null).toList();
        }
        for (Traced t : traced) {
            Latency l = Snapshots.withProbeBias(t.latency(snapshots), biasNanos, false);
            if (json) {
                Map<String, Object> m = t.plan() == null ? toJson(l, l.spanCounts().byName()) : toJson(l, t.counters(snapshots));
                if (t.plan() != null && t.plan().isGeneric()) {
                    List<Map<String, Object>> each = new ArrayList<>();
                    List<ProbeSnapshot> mine = t.of(snapshots);
                    for (int i = 0; i < mine.size(); i++) {
                        ProbePlan p = t.plan().instances().get(i);
                        Map<String, Object> one = toJson(Snapshots.toLatency(p.function(), p.function(), mine.get(i), null),
                                mine.get(i).counters());
                        one.put("entry", String.format("0x%x", p.entry()));
                        each.add(one);
                    }
                    m.put("instantiations", each);
                }
                if (l.hasBreakdown()) {
                    m.put("breakdown", toJson(l.breakdown()));
                }
                out.println(Json.write(m));
            } else {
                out.println("@" + t.label() + ":");
                out.print(ConsoleHistogram.render(l));
                if (l.hasBreakdown()) {
                    out.println(l.breakdown().summary(50));
                    l.breakdown().slowest(2).forEach(out::println);
                }
                out.println();
            }
        }
    }

    static Counters sum(List<Counters> all) {
        long[] f = new long[9];
        for (Counters c : all) {
            long[] v = {c.entries(), c.returns(), c.matched(), c.unmatchedReturns(), c.staleReturns(), c.reentries(),
                    c.didNotReturn(), c.inflight(), c.readErrors()};
            for (int i = 0; i < f.length; i++) {
                f[i] += v[i];
            }
        }
        return new Counters(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
    }

    static Map<String, Object> toJson(Latency l, Counters c) {
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("entries", c.entries());
        counters.put("returns", c.returns());
        counters.put("matched", c.matched());
        counters.put("unmatched", c.unmatchedReturns());
        counters.put("stale", c.staleReturns());
        counters.put("reentries", c.reentries());
        counters.put("didNotReturn", c.didNotReturn());
        counters.put("inflight", c.inflight());
        counters.put("errors", c.readErrors());
        return toJson(l, counters);
    }

    /**
     * A breakdown in {@code --json}: its calls, lost and errors, then per component ({@code running}, {@code offCpu},
     * {@code runnable}, {@code waiting}, {@code stw}, {@code other}, and each wait class under {@code waitingBy}) its
     * p50, p90, p99 and max in ns (null without calls); then {@code exemplars}: the slowest calls, the slowest first,
     * each with {@code ns}, {@code goroutine} and its parts in ns under the same names.
     */
    static Map<String, Object> toJson(Breakdown b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", b.calls());
        m.put("lost", b.lost());
        m.put("errors", b.errors());
        m.put("running", percentiles(b.running()));
        m.put("offCpu", percentiles(b.offCpu()));
        m.put("runnable", percentiles(b.runnable()));
        m.put("waiting", percentiles(b.waiting()));
        m.put("stw", percentiles(b.stw()));
        m.put("other", percentiles(b.other()));
        Map<String, Object> by = new LinkedHashMap<>();
        for (String c : Breakdown.WAIT_CLASSES) {
            by.put(c, percentiles(b.waiting(c)));
        }
        m.put("waitingBy", by);
        List<Map<String, Object>> slowest = new ArrayList<>();
        for (Exemplar e : b.exemplars()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("ns", e.nanos());
            one.put("goroutine", e.goroutine());
            one.put("running", e.runningNanos());
            one.put("offCpu", e.offCpuNanos());
            one.put("runnable", e.runnableNanos());
            one.put("waiting", e.waitingTotalNanos());
            one.put("stw", e.stwNanos());
            one.put("other", e.otherNanos());
            one.put("waitingBy", new LinkedHashMap<String, Object>(e.waitingNanos()));
            slowest.add(one);
        }
        m.put("exemplars", slowest);
        return m;
    }

    private static Map<String, Object> percentiles(Latency l) {
        Map<String, Object> one = new LinkedHashMap<>();
        boolean any = l.count() > 0;
        one.put("p50", any ? l.p50().toNanos() : null);
        one.put("p90", any ? l.p90().toNanos() : null);
        one.put("p99", any ? l.p99().toNanos() : null);
        one.put("max", any ? l.max().toNanos() : null);
        return one;
    }

    /** A latency and its counters under the names they are printed with (a span's: started, completed, ...). */
    static Map<String, Object> toJson(Latency l, Map<String, ?> counters) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("function", l.function());
        m.put("count", l.count());
        boolean any = l.count() > 0;
        m.put("p50", any ? l.p50().toNanos() : null);
        m.put("p90", any ? l.p90().toNanos() : null);
        m.put("p99", any ? l.p99().toNanos() : null);
        m.put("p999", any ? l.p999().toNanos() : null);
        m.put("max", any ? l.max().toNanos() : null);
        l.probeBias().ifPresent(b -> {
            m.put("probeBias", b.toNanos());
            m.put("probeBiasSubtracted", l.probeBiasSubtracted());
        });
        m.put("counters", new LinkedHashMap<>(counters));
        return m;
    }

    /**
     * The parts of a broken-down function that {@code --save} records beside its wall time, each as a recording of its
     * own named {@link #partName} (a tag of its own in the log), so that {@code golat compare} compares them too.
     */
    static final Map<String, java.util.function.Function<Breakdown, Latency>> BREAKDOWN_PARTS = breakdownParts();

    private static Map<String, java.util.function.Function<Breakdown, Latency>> breakdownParts() {
        Map<String, java.util.function.Function<Breakdown, Latency>> m = new LinkedHashMap<>();
        m.put("running", Breakdown::running);
        m.put("offCpu", Breakdown::offCpu);
        m.put("runnable", Breakdown::runnable);
        m.put("waiting", Breakdown::waiting);
        m.put("stw", Breakdown::stw);
        m.put("other", Breakdown::other);
        return m;
    }

    /** {@code "handleStmtExecute [running]"}: a part's recording (" [" is in no Go name). */
    static String partName(String function, String part) {
        return function + " [" + part + "]";
    }

    /** Whether a recording's name is a breakdown part's ({@link #partName}). */
    static boolean isPart(String name) {
        return name.contains(" [") && name.endsWith("]");
    }

    /**
     * What {@code --save} writes: the snapshots at each {@code --interval} tick (each interval becomes one round
     * of the recording) and the target's CPU wait over the run, read while it is alive; with {@code --breakdown},
     * each function's {@link #BREAKDOWN_PARTS} as recordings of their own.
     */
    static final class Saved {
        final long pid;
        final NoiseWitness start;
        NoiseWitness last;
        final List<List<ProbeSnapshot>> ticks = new ArrayList<>();

        Saved(long pid) {
            this.pid = pid;
            this.start = readWitness(pid);
            this.last = start;
        }

        void witness() {
            NoiseWitness now = readWitness(pid);
            if (now.known()) {
                last = now;
            }
        }

        void write(Path file, GoBinary binary, List<Traced> traced) {
            witness();
            NoiseWitness window = start.known() ? last.minus(start) : NoiseWitness.NONE;
            List<Recording> recordings = new ArrayList<>();
            for (Traced t : traced) {
                RecordingInfo info = RecordingInfo.here("golat trace", t.label(),
                        binary.goVersion().raw().split("\\s")[0], binary.buildId());
                recordings.add(new Recording(t.name(), rounds(l -> l, t), info, window));
                if (!ticks.isEmpty() && t.latency(ticks.get(ticks.size() - 1)).hasBreakdown()) {
                    BREAKDOWN_PARTS.forEach((part, of) -> recordings.add(new Recording(partName(t.name(), part),
                            rounds(l -> of.apply(l.breakdown()), t), info, window)));
                }
            }
            BaselineFile.writeAll(file, recordings);
        }

        /** One histogram per tick of what {@code view} reads of t's latency (the calls since the last tick). */
        private List<Histogram> rounds(java.util.function.UnaryOperator<Latency> view, Traced t) {
            List<Histogram> rounds = new ArrayList<>();
            Histogram previous = new Histogram(3);
            for (List<ProbeSnapshot> tick : ticks) {
                Histogram now = view.apply(t.latency(tick)).histogram();
                Histogram round = now.copy();
                round.subtract(previous);
                previous = now;
                if (round.getTotalCount() > 0 || rounds.isEmpty()) {
                    rounds.add(round);
                }
            }
            return rounds.isEmpty() ? List.of(new Histogram(3)) : rounds;
        }

        private static NoiseWitness readWitness(long pid) {
            try {
                return NoiseWitness.read(pid);
            } catch (RuntimeException e) {
                return NoiseWitness.NONE; // the target exited: keep the last figures
            }
        }
    }

    /** Starts CMD stopped (a shell that stops itself, then execs: same pid), so probes attach before its first instruction. */
    private static Process startStopped(Path binary, List<String> exec) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "kill -STOP $$; exec \"$@\"", "golat-exec", binary.toString()));
        cmd.addAll(exec.subList(1, exec.size()));
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            waitUntilStopped(p.pid());
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + exec.get(0) + ": " + e.getMessage(), e);
        }
    }

    private static void waitUntilStopped(long pid) {
        Path stat = Path.of("/proc/" + pid + "/stat");
        for (int i = 0; i < 500; i++) {
            try {
                String s = Files.readString(stat);
                String state = s.substring(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
                if (state.equals("T")) {
                    return;
                }
                Thread.sleep(10);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("the command exited before it could be traced (pid " + pid + ")");
            }
        }
        throw new IllegalStateException("pid " + pid + " did not stop within 5 s");
    }

    private static void resume(long pid) {
        try {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path resolveExecutable(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name).toAbsolutePath();
            if (!Files.isExecutable(p)) {
                throw new UsageException("--exec: " + p + " is not an executable file");
            }
            return p;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new UsageException("--exec: '" + name + "' not found on PATH");
    }

    private static Thread interruptOnSignal(Thread main) {
        Thread hook = new Thread(main::interrupt, "golat-trace-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value; " + USAGE);
        }
        return args.get(i);
    }

    private static long parsePid(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UsageException("--pid: '" + s + "' is not a process id");
        }
    }

    static Duration parseDuration(String s, String option) {
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)?").matcher(s);
        if (!m.matches()) {
            throw new UsageException(option + ": '" + s + "' is not a duration (e.g. 500ms, 10s, 2m)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
