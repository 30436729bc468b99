// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The latencies of one traced Go function during one test: what a test method receives and asserts on.
 *
 * <pre>{@code
 * @Test @TraceLatency("handleStmtExecute")
 * void executeStaysFast(Latency latency) {
 *     ...
 *     assertThat(latency).hasCountAtLeast(10_000).percentile(99).isLessThan(Duration.ofMillis(2));
 * }
 * }</pre>
 *
 * <p>The object a test method receives is <em>live</em>: each accessor reads the probes' current figures, so
 * assertions made at the end of the test see every call the test drove. {@link #snapshot()} (and
 * {@code assertThat(latency)}) freezes one consistent view. Values are kept in nanoseconds; {@link Duration} appears only in the accessors. Percentiles
 * are HdrHistogram's: the nearest-rank sample, reported as the highest value of the histogram bucket that
 * holds it, so a percentile is never below the exact sample and exceeds it by at most the histogram's
 * resolution (under 0.1% for a histogram with 3 significant digits).
 *
 * <p>A {@code Latency} with no samples (the probe never fired, or no call returned) has no percentiles:
 * they throw {@link IllegalStateException} rather than report 0.
 */
public final class Latency {

    private static final String NO_SAMPLES_HINTS = "Is it the function you meant (the plan printed at the "
            + "start of the test shows where it was probed)? Was it inlined into its callers? "
            + "Did the test drive it?";

    private final String name;
    private final String function;
    private final Histogram histogram;
    private final CallCounts counts;
    private final List<Instantiation> instantiations;
    private final Path report;
    private final Supplier<Latency> live; // null when frozen
    private final Runnable reset; // null when frozen or when the source cannot be reset

    private Latency(String name, String function, Histogram histogram, CallCounts counts,
            List<Instantiation> instantiations, Path report, Supplier<Latency> live, Runnable reset) {
        this.name = name;
        this.function = function;
        this.histogram = histogram;
        this.counts = counts;
        this.instantiations = instantiations;
        this.report = report;
        this.live = live;
        this.reset = reset;
    }

    /** A view that reads the current figures from {@code source} on every access (what tests receive). */
    public static Latency live(String name, String function, Supplier<Latency> source) {
        Objects.requireNonNull(source, "source");
        return new Latency(name, function, null, null, null, null, source, null);
    }

    /** A live view whose window {@link #reset()} restarts by running {@code reset}. */
    public static Latency live(String name, String function, Supplier<Latency> source, Runnable reset) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reset, "reset");
        return new Latency(name, function, null, null, null, null, source, reset);
    }

    /**
     * Starts the window again: calls made so far are forgotten (a warm-up, a setup phase). The probes of a
     * service are reset together, so this restarts the window of every function the test traces in the same
     * service.
     *
     * @throws IllegalStateException on a frozen latency (a snapshot), which has no window to restart
     */
    public void reset() {
        if (reset == null) {
            throw new IllegalStateException("reset() on " + (live == null ? "a frozen latency (a snapshot)"
                    : "a live latency whose source cannot be reset") + " of " + name + ": reset the Latency the test"
                    + " method received");
        }
        reset.run();
    }

    /** Measures {@code block} alone: {@link #reset()}, runs it, returns the figures of exactly that window. */
    public Latency measure(Runnable block) {
        reset();
        block.run();
        return snapshot();
    }

    /** The figures as of now, frozen; a frozen latency returns itself. */
    public Latency snapshot() {
        if (live == null) {
            return this;
        }
        Latency now = live.get();
        return now.live == null ? now : now.snapshot();
    }

    /**
     * @param name     the function as the test named it, e.g. {@code "handleStmtExecute"}
     * @param function the full Go name it resolved to, e.g. {@code "main.(*conn).handleStmtExecute"}
     * @param ns       one sample per measured call, in nanoseconds; copied
     * @param counts   the probe counters of the same window
     * @param report   the HTML report of this test, or {@code null} when none is written
     */
    public static Latency of(String name, String function, Histogram ns, CallCounts counts, Path report) {
        return of(name, function, ns, counts, List.of(), report);
    }

    /**
     * A generic function's instantiations measured as one latency: {@code ns} and {@code counts} hold all their
     * calls, {@code instantiations} each one's own counters (empty for a function that is not generic).
     */
    public static Latency of(String name, String function, Histogram ns, CallCounts counts,
            List<Instantiation> instantiations, Path report) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(ns, "histogram");
        Objects.requireNonNull(counts, "counts");
        return new Latency(name, function, ns.copy(), counts, List.copyOf(instantiations), report, null, null);
    }

    /** A function that was traced but never measured: no samples, all counters zero, no report. */
    public static Latency empty(String name, String function) {
        return of(name, function, new Histogram(3), CallCounts.NONE, null);
    }

    /** The function as the test named it, e.g. {@code "handleStmtExecute"}. */
    public String name() {
        return name;
    }

    /** The full Go name the probes were attached to, e.g. {@code "main.(*conn).handleStmtExecute"}. */
    public String function() {
        return function;
    }

    /** A copy of the samples, in nanoseconds. */
    public Histogram histogram() {
        if (live != null) {
            return snapshot().histogram();
        }
        return histogram.copy();
    }

    /** The number of calls measured (the histogram's sample count; equals {@code counts().matched()}). */
    public long count() {
        if (live != null) {
            return snapshot().count();
        }
        return histogram.getTotalCount();
    }

    /** The probe counters: calls that did not return, returns without an entry, calls still running. */
    public CallCounts counts() {
        if (live != null) {
            return snapshot().counts();
        }
        return counts;
    }

    /**
     * The instantiations of a generic function measured together here ({@code @TraceLatency("Hold")} traces
     * {@code main.Hold[go.shape.int]}, {@code main.Hold[go.shape.string]}, ...), each with its own counters, sorted
     * by entry; empty when the traced function is not generic (or only one instantiation was traced).
     */
    public List<Instantiation> instantiations() {
        if (live != null) {
            return snapshot().instantiations();
        }
        return instantiations;
    }

    /** The HTML report of the test that measured this, when one is written. */
    public Optional<Path> report() {
        if (live != null) {
            return snapshot().report();
        }
        return Optional.ofNullable(report);
    }

    /**
     * The latency that {@code p} percent of the measured calls did not exceed (nearest rank).
     *
     * @param p from 0 to 100, e.g. 99.9
     * @throws IllegalArgumentException when {@code p} is outside [0, 100]
     * @throws IllegalStateException    when no call was measured
     */
    public Duration percentile(double p) {
        if (live != null) {
            return snapshot().percentile(p);
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException(
                    "percentile must be between 0 and 100 (e.g. 99.9 for p99.9), was " + p);
        }
        requireSamples(Units.percentile(p));
        return Duration.ofNanos(histogram.getValueAtPercentile(p));
    }

    public Duration p50() {
        return percentile(50);
    }

    public Duration p90() {
        return percentile(90);
    }

    public Duration p99() {
        return percentile(99);
    }

    public Duration p999() {
        return percentile(99.9);
    }

    /** The longest call measured (up to the histogram's resolution). */
    public Duration max() {
        if (live != null) {
            return snapshot().max();
        }
        requireSamples("max");
        return Duration.ofNanos(histogram.getMaxValue());
    }

    /** The shortest call measured (up to the histogram's resolution). */
    public Duration min() {
        if (live != null) {
            return snapshot().min();
        }
        requireSamples("min");
        return Duration.ofNanos(histogram.getMinValue());
    }

    /** The mean of the measured calls, rounded to the nanosecond. */
    public Duration mean() {
        if (live != null) {
            return snapshot().mean();
        }
        requireSamples("mean");
        return Duration.ofNanos(Math.round(histogram.getMean()));
    }

    private void requireSamples(String statistic) {
        if (count() == 0) {
            throw new IllegalStateException(
                    "no " + statistic + " for " + name + " (" + function + "): " + noSamplesReason(counts)
                            + ". " + NO_SAMPLES_HINTS);
        }
    }

    /** Why a latency has no samples: the probe never fired, or it fired and no call returned. */
    static String noSamplesReason(CallCounts counts) {
        if (counts.entries() == 0) {
            return "the probe never fired (" + counts.nonZero() + ")";
        }
        return "the probe fired but no call returned while traced (" + counts.nonZero() + ")";
    }

    /** One line: {@code "handleStmtExecute: n=10,000 p50=312µs p99=1.94ms max=4.1ms"}. */
    @Override
    public String toString() {
        if (live != null) {
            return snapshot().toString();
        }
        if (count() == 0) {
            return name + ": n=0 (" + noSamplesReason(counts) + ")";
        }
        return name + ": n=" + Units.count(count())
                + " p50=" + compact(histogram.getValueAtPercentile(50))
                + " p99=" + compact(histogram.getValueAtPercentile(99))
                + " max=" + compact(histogram.getMaxValue());
    }

    private static String compact(long nanos) {
        return Units.duration(nanos).replace(" ", "");
    }
}
