// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import dev.golat.agent.BreakdownSnapshot;
import dev.golat.agent.Component;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Where the calls of one traced function spent their time ({@code @TraceLatency(value = ..., breakdown = true)}):
 * one histogram per component, each with one sample per broken-down call (0 ns included), read as a
 * {@link Latency} so that the same assertions apply ({@code assertThat(latency.running()).p99().isLessThan(...)}).
 *
 * <p>{@link #running()}, {@link #offCpu()}, {@link #runnable()}, {@link #other()} and the wait classes
 * ({@link #waiting(String)}) are states of the goroutine, one at a time, so a call's components add up to its wall
 * time; {@link #waiting()} is the sum of the wait classes; {@link #stw()} is the part of the call during which the
 * world was stopped, which overlaps the states. Each component's {@link Latency#counts()} are the function's; its
 * {@link Latency#count()} is {@link #calls()}, which is below the function's count by the calls the breakdown lost.
 */
public final class Breakdown {
    /** The wait classes {@link #waiting(String)} accepts, in the order the console prints them. */
    public static final List<String> WAIT_CLASSES = List.of("chan", "select", "sync", "sleep", "net", "gc",
            "syscall", "other");

    private final String name;
    private final String function;
    private final Counts counts;
    private final Path report;
    private final long calls;
    private final long lost;
    private final long errors;
    /** How many of the slowest calls {@link #exemplars()} keeps. */
    public static final int EXEMPLARS = dev.golat.agent.AgentProtocol.BD_EXEMPLARS;

    private final Map<Component, Histogram> hists;
    private final List<Exemplar> exemplars;

    private Breakdown(String name, String function, Counts counts, Path report, long calls, long lost, long errors,
            Map<Component, Histogram> hists, List<Exemplar> exemplars) {
        this.name = Objects.requireNonNull(name, "name");
        this.function = Objects.requireNonNull(function, "function");
        this.counts = Objects.requireNonNull(counts, "counts");
        this.report = report;
        this.calls = calls;
        this.lost = lost;
        this.errors = errors;
        this.hists = hists;
        this.exemplars = exemplars.stream().sorted(java.util.Comparator.comparingLong(Exemplar::nanos).reversed())
                .limit(EXEMPLARS).toList();
    }

    /** One probe's breakdown; {@code counts} are the function's. */
    static Breakdown of(String name, String function, Counts counts, Path report, BreakdownSnapshot s) {
        Map<Component, Histogram> h = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            h.put(c, s.histogram(c));
        }
        return new Breakdown(name, function, counts, report, s.calls(), s.lost(), s.errors(), h,
                s.exemplars().stream().map(Exemplar::of).toList());
    }

    /** Several probes' breakdowns (instantiations of a generic function, nodes) as one; none is {@code null}. */
    static Breakdown merged(String name, String function, Counts counts, Path report, List<Breakdown> parts) {
        Map<Component, Histogram> h = new EnumMap<>(Component.class);
        long calls = 0;
        long lost = 0;
        long errors = 0;
        List<Exemplar> exemplars = new ArrayList<>();
        for (Breakdown b : parts) {
            exemplars.addAll(b.exemplars);
            calls += b.calls;
            lost += b.lost;
            errors += b.errors;
            b.hists.forEach((c, hist) -> h.merge(c, hist.copy(), (x, y) -> {
                x.add(y);
                return x;
            }));
        }
        return new Breakdown(name, function, counts, report, calls, lost, errors, h, exemplars);
    }

    /** Calls broken down: each component holds this many samples. */
    public long calls() {
        return calls;
    }

    /** Calls measured but not broken down (no breakdown frame, or their goroutine's accumulators were evicted). */
    public long lost() {
        return lost;
    }

    /** Entries that found no room in the agent's breakdown maps. */
    public long errors() {
        return errors;
    }

    /**
     * The slowest calls of the window (at most {@link #EXEMPLARS}, the slowest first), each with its goroutine and its
     * parts; over several probes (a generic function's instantiations, nodes) the slowest of them all.
     */
    public List<Exemplar> exemplars() {
        return exemplars;
    }

    /**
     * The {@code max} slowest calls, one line each: {@code "slowest call 12.1 ms: 301 µs running, 11.2 ms waiting chan,
     * goroutine 4711"}, then {@code "2nd slowest call ..."}; none when no call was broken down.
     */
    public List<String> slowest(int max) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(max, exemplars.size()); i++) {
            out.add((i == 0 ? "" : ordinal(i + 1) + " ") + "slowest call " + exemplars.get(i).describe());
        }
        return out;
    }

    private static String ordinal(int n) {
        return n + (n % 100 / 10 == 1 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        });
    }

    /** The wait class name of a {@code WAIT_*} component, as {@link #waiting(String)} takes it. */
    static String waitClass(Component c) {
        return c == Component.WAIT_OTHER ? "other" : c.wireName();
    }

    /** The goroutine ran and its thread was on a CPU. */
    public Latency running() {
        return view(Component.RUNNING, "running");
    }

    /** The goroutine ran but its thread was off-CPU: descheduled by the OS (the noisy neighbour). */
    public Latency offCpu() {
        return view(Component.OFFCPU, "offCpu");
    }

    /** The goroutine was ready and waited for the Go scheduler. */
    public Latency runnable() {
        return view(Component.RUNNABLE, "runnable");
    }

    /** The goroutine was parked, for any reason: the sum of the wait classes. */
    public Latency waiting() {
        return view(Component.WAITING, "waiting");
    }

    /**
     * The goroutine was parked for one class of reason.
     *
     * @param reason one of {@link #WAIT_CLASSES}: chan, select, sync (mutexes, semaphores, WaitGroup), sleep, net
     *               (the network poller), gc, syscall, other
     * @throws IllegalArgumentException for another name, naming the valid ones
     */
    public Latency waiting(String reason) {
        Component c = switch (reason) {
            case "chan" -> Component.WAIT_CHAN;
            case "select" -> Component.WAIT_SELECT;
            case "sync" -> Component.WAIT_SYNC;
            case "sleep" -> Component.WAIT_SLEEP;
            case "net" -> Component.WAIT_NET;
            case "gc" -> Component.WAIT_GC;
            case "syscall" -> Component.WAIT_SYSCALL;
            case "other" -> Component.WAIT_OTHER;
            default -> throw new IllegalArgumentException("'" + reason + "' is not a wait class of " + name
                    + "'s breakdown; the classes: " + String.join(", ", WAIT_CLASSES));
        };
        return view(c, "waiting " + reason);
    }

    /** The part of the call during which the world was stopped for the GC (overlaps the other components). */
    public Latency stw() {
        return view(Component.STW, "stw");
    }

    /** States the breakdown does not classify (e.g. a goroutine being scanned, or copying its stack). */
    public Latency other() {
        return view(Component.OTHER, "other");
    }

    private Latency view(Component c, String label) {
        return new FrozenLatency(name + " " + label, function, hists.get(c).copy(), counts, List.of(), report);
    }

    /**
     * One console line: each component's value at percentile {@code p} over the broken-down calls, running always,
     * the others when not 0, e.g. {@code "breakdown p50 of 10,000 calls: running 12 µs, waiting chan 30 µs"}.
     */
    public String summary(double p) {
        if (calls == 0) {
            return "breakdown: no call broken down" + (lost > 0 ? " (" + Units.count(lost) + " lost)" : "");
        }
        List<String> parts = new ArrayList<>();
        parts.add("running " + at(Component.RUNNING, p));
        for (Component c : List.of(Component.OFFCPU, Component.RUNNABLE)) {
            if (value(c, p) > 0) {
                parts.add((c == Component.OFFCPU ? "offCpu " : "runnable ") + at(c, p));
            }
        }
        Stream.of(Component.values()).filter(Component::isWaitClass).filter(c -> value(c, p) > 0)
                .forEach(c -> parts.add("waiting " + waitClass(c) + " " + at(c, p)));
        for (Component c : List.of(Component.OTHER, Component.STW)) {
            if (value(c, p) > 0) {
                parts.add(c.wireName() + " " + at(c, p));
            }
        }
        return "breakdown " + Units.percentile(p) + " of " + Units.count(calls) + " calls: "
                + parts.stream().collect(Collectors.joining(", "))
                + (lost > 0 ? " (" + Units.count(lost) + " calls lost)" : "");
    }

    /** Each component's value at percentile {@code p}, in ns, by name ({@code running}, {@code chan}, ...). */
    public Map<String, Long> atPercentile(double p) {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (Component c : Component.values()) {
            m.put(c == Component.OFFCPU ? "offCpu" : c.wireName(), calls == 0 ? 0 : value(c, p));
        }
        return m;
    }

    private long value(Component c, double p) {
        return hists.get(c).getValueAtPercentile(p);
    }

    private String at(Component c, double p) {
        return Units.duration(value(c, p));
    }

    @Override
    public String toString() {
        return name + " " + summary(50);
    }
}
