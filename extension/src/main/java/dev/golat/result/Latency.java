// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The latencies of one traced Go function or span during one test: what a test method receives and asserts on.
 *
 * <pre>{@code
 * @Test @TraceLatency("handleStmtExecute")
 * void executeStaysFast(Latency latency) {
 *     ...
 *     assertThat(latency).hasCountAtLeast(10_000).percentile(99).isLessThan(Duration.ofMillis(2));
 * }
 * }</pre>
 *
 * <p>The object a test method receives is a <em>live</em> view: each accessor reads the probes' current
 * figures through one {@link #snapshot()}, so assertions made at the end of the test see every call the test
 * drove. {@link #snapshot()} (and {@code assertThat(latency)}) returns the frozen value: one consistent view. Values are kept in nanoseconds; {@link Duration} appears only in the accessors. Percentiles
 * are HdrHistogram's: the nearest-rank sample, reported as the highest value of the histogram bucket that
 * holds it, so a percentile is never below the exact sample and exceeds it by at most the histogram's
 * resolution (under 0.1% for a histogram with 3 significant digits).
 *
 * <p>A {@code Latency} with no samples (the probe never fired, or no call returned) has no percentiles:
 * they throw {@link IllegalStateException} rather than report 0.
 *
 * <p>A function's counters are {@link #counts()}, a span's {@link #spanCounts()}; {@link #counters()} is
 * either.
 */
public sealed interface Latency permits FrozenLatency, LiveLatency {

    /**
     * @param name     the function as the test named it, e.g. {@code "handleStmtExecute"}, or the span's name
     * @param function the full Go name it resolved to, e.g. {@code "main.(*conn).handleStmtExecute"}
     * @param ns       one sample per measured call, in nanoseconds; copied
     * @param counts   the counters of the same window: {@link CallCounts} for a function, {@link SpanCounts}
     *                 for a span
     * @param report   the HTML report of this test, or {@code null} when none is written
     */
    static Latency of(String name, String function, Histogram ns, Counts counts, Path report) {
        return of(name, function, ns, counts, List.of(), report);
    }

    /**
     * A generic function's instantiations measured as one latency: {@code ns} and {@code counts} hold all their
     * calls, {@code instantiations} each one's own counters (empty for a function that is not generic).
     */
    static Latency of(String name, String function, Histogram ns, Counts counts, List<Instantiation> instantiations,
            Path report) {
        Objects.requireNonNull(ns, "histogram");
        return new FrozenLatency(name, function, ns.copy(), counts, List.copyOf(instantiations), report);
    }

    /**
     * One function traced on several nodes of a service (several {@code @GoService} fields) measured as one latency:
     * every node's calls in one histogram, their counters added up, each node's own latency kept in {@link #perNode()}.
     *
     * @param perNode each node's latency (frozen), by node name, in the order the nodes were named; at least one
     * @throws IllegalArgumentException when {@code perNode} is empty or holds a span
     */
    static Latency ofNodes(String name, Map<String, Latency> perNode, Path report) {
        if (perNode.isEmpty()) {
            throw new IllegalArgumentException(name + ": a latency over nodes needs at least one node");
        }
        Histogram all = null;
        CallCounts sum = CallCounts.NONE;
        Map<String, Latency> nodes = new LinkedHashMap<>();
        LinkedHashSet<String> functions = new LinkedHashSet<>();
        for (Map.Entry<String, Latency> e : perNode.entrySet()) {
            Latency node = e.getValue().snapshot();
            if (node.isSpan()) {
                throw new IllegalArgumentException(name + " on node " + e.getKey()
                        + " is a span: only functions are measured over nodes");
            }
            Histogram h = node.histogram();
            if (all == null) {
                all = h;
            } else {
                all.add(h);
            }
            sum = sum.plus(node.counts());
            functions.add(node.function());
            nodes.put(e.getKey(), node);
        }
        FrozenLatency merged = new FrozenLatency(name, String.join(", ", functions), all, sum, List.of(),
                Collections.unmodifiableMap(nodes), report);
        FrozenLatency withNodes = nodes.values().stream().allMatch(Latency::hasBreakdown)
                ? merged.withBreakdown(Breakdown.merged(name, merged.function(), sum, report,
                        nodes.values().stream().map(Latency::breakdown).toList()))
                : merged;
        // The nodes share this machine's probe bias, and it is subtracted from all of them or from none.
        Latency first = nodes.values().iterator().next();
        return first.probeBias().map(b -> (Latency) withNodes.marked(b.toNanos(), first.probeBiasSubtracted()))
                .orElse(withNodes);
    }

    /** A function that was traced but never measured: no samples, all counters zero, no report. */
    static Latency empty(String name, String function) {
        return of(name, function, new Histogram(3), CallCounts.NONE, null);
    }

    /** A view that reads the current figures from {@code source} on every access (what tests receive). */
    static Latency live(String name, String function, Supplier<Latency> source) {
        return new LiveLatency(name, function, source, null);
    }

    /** A live view whose window {@link #reset()} restarts by running {@code reset}. */
    static Latency live(String name, String function, Supplier<Latency> source, Runnable reset) {
        return new LiveLatency(name, function, source, Objects.requireNonNull(reset, "reset"));
    }

    /**
     * Starts the window again: calls made so far are forgotten (a warm-up, a setup phase). The probes of a
     * service are reset together, so this restarts the window of every function the test traces in the same
     * service.
     *
     * @throws IllegalStateException on a frozen latency (a snapshot), which has no window to restart
     */
    void reset();

    /** Measures {@code block} alone: {@link #reset()}, runs it, returns the figures of exactly that window. */
    default Latency measure(Runnable block) {
        reset();
        block.run();
        return snapshot();
    }

    /** The figures as of now, frozen; a frozen latency returns itself. */
    Latency snapshot();

    /** The function as the test named it, e.g. {@code "handleStmtExecute"}, or the span's name. */
    String name();

    /** The full Go name the probes were attached to, e.g. {@code "main.(*conn).handleStmtExecute"}. */
    String function();

    /** A copy of the samples, in nanoseconds. */
    Histogram histogram();

    /** The number of calls (or spans) measured: the histogram's sample count. */
    long count();

    /** Whether this is a span's latency (then {@link #spanCounts()}) rather than a function's. */
    boolean isSpan();

    /** A function's or a span's counters. */
    Counts counters();

    /**
     * A function's probe counters: calls that did not return, returns without an entry, calls still running.
     *
     * @throws IllegalStateException for a span, which has {@link #spanCounts()}
     */
    CallCounts counts();

    /**
     * A span's counters: started, completed, not reached, overflowed, stale.
     *
     * @throws IllegalStateException for a function, which has {@link #counts()}
     */
    SpanCounts spanCounts();

    /**
     * The instantiations of a generic function measured together here ({@code @TraceLatency("Hold")} traces
     * {@code main.Hold[go.shape.int]}, {@code main.Hold[go.shape.string]}, ...), each with its own counters, sorted
     * by entry; empty when the traced function is not generic (or only one instantiation was traced).
     */
    List<Instantiation> instantiations();

    /**
     * A function traced on several nodes ({@code @TraceLatency(value = "handleStmtExecute", services = {"node1",
     * "node2", "node3"})}): each node's own latency, by the name of its {@code @GoService} field, in the order the
     * test named them. This latency holds all their calls. Empty when the function is traced on one service.
     */
    Map<String, Latency> perNode();

    /**
     * One node's latency, by the name of its {@code @GoService} field.
     *
     * @throws IllegalArgumentException when {@code node} is not one of {@link #perNode()}'s, naming those that are
     */
    default Latency node(String node) {
        Latency l = perNode().get(node);
        if (l == null) {
            throw new IllegalArgumentException(perNode().isEmpty()
                    ? name() + " is traced on one service, not per node: trace it with @TraceLatency(value = \""
                            + name() + "\", services = {...}) to get each node's latency"
                    : "'" + node + "' is not a node of " + name() + "; its nodes: " + String.join(", ", perNode().keySet()));
        }
        return l;
    }

    /** Whether each call was broken down ({@code @TraceLatency(value = ..., breakdown = true)}). */
    boolean hasBreakdown();

    /**
     * Where the calls spent their time: one histogram per component (running, off-CPU, runnable, waiting by class,
     * stop-the-world), each a {@link Latency} of its own. A live latency reads the current figures.
     *
     * @throws IllegalStateException when the function was traced without {@code breakdown = true}, saying so
     */
    Breakdown breakdown();

    /** {@code breakdown().running()}: per call, the time the goroutine ran on a CPU. */
    default Latency running() {
        return breakdown().running();
    }

    /** {@code breakdown().offCpu()}: per call, the time the goroutine ran but its thread was descheduled. */
    default Latency offCpu() {
        return breakdown().offCpu();
    }

    /** {@code breakdown().runnable()}: per call, the time the goroutine waited for the Go scheduler. */
    default Latency runnable() {
        return breakdown().runnable();
    }

    /** {@code breakdown().waiting()}: per call, the time the goroutine was parked, for any reason. */
    default Latency waiting() {
        return breakdown().waiting();
    }

    /** {@code breakdown().waiting(reason)}: per call, the time parked for one class of reason (chan, sleep, ...). */
    default Latency waiting(String reason) {
        return breakdown().waiting(reason);
    }

    /**
     * {@code breakdown().exemplars()}: the slowest calls (at most {@link Breakdown#EXEMPLARS}, the slowest first), each
     * with its duration, goroutine id and breakdown parts.
     *
     * @throws IllegalStateException when the function was traced without {@code breakdown = true}, saying so
     */
    default List<Exemplar> exemplars() {
        return breakdown().exemplars();
    }

    /** {@code breakdown().stw()}: per call, the time inside a GC stop-the-world pause. */
    default Latency stw() {
        return breakdown().stw();
    }

    /** The HTML report of the test that measured this, when one is written. */
    Optional<Path> report();

    /**
     * The time golat's own probes add inside every measured call on this machine, as calibrated when the probes
     * were attached (the median over calls of a function of the agent's own shaped like a Go function's entry check
     * and RET): a call that takes {@code t} by its own clock is measured at about {@code t} + this. Empty when no
     * calibration was made (a {@code Latency} built by hand).
     */
    Optional<Duration> probeBias();

    /**
     * Whether {@link #probeBias()} has been subtracted from every sample of this view ({@link #withoutProbeBias()},
     * or the setting {@code golat.bias.subtract=true}).
     */
    boolean probeBiasSubtracted();

    /**
     * A frozen view with {@link #probeBias()} subtracted from every sample (floored at 0), counters unchanged: the
     * functions' own time, as near as golat can tell. Returns the same figures when already subtracted.
     *
     * @throws IllegalStateException when no probe bias was calibrated for this latency
     */
    Latency withoutProbeBias();

    /**
     * The latency that {@code p} percent of the measured calls did not exceed (nearest rank).
     *
     * @param p from 0 to 100, e.g. 99.9
     * @throws IllegalArgumentException when {@code p} is outside [0, 100]
     * @throws IllegalStateException    when no call was measured
     */
    Duration percentile(double p);

    default Duration p50() {
        return percentile(50);
    }

    default Duration p90() {
        return percentile(90);
    }

    default Duration p99() {
        return percentile(99);
    }

    default Duration p999() {
        return percentile(99.9);
    }

    /** The longest call measured (up to the histogram's resolution). */
    Duration max();

    /** The shortest call measured (up to the histogram's resolution). */
    Duration min();

    /** The mean of the measured calls, rounded to the nanosecond. */
    Duration mean();
}
