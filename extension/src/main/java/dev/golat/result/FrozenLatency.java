// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** A {@link Latency} as of one snapshot: a value that never changes. */
final class FrozenLatency implements Latency {

    private static final String NO_SAMPLES_HINTS = "Is it the function you meant (the plan printed at the "
            + "start of the test shows where it was probed)? Was it inlined into its callers? "
            + "Did the test drive it?";

    private final String name;
    private final String function;
    private final Histogram histogram;
    private final Counts counts;
    private final List<Instantiation> instantiations;
    private final Map<String, Latency> perNode;
    private final Path report;
    private final long biasNanos; // -1: not calibrated
    private final boolean biasSubtracted;
    private final Breakdown breakdown; // null when traced without breakdown

    FrozenLatency(String name, String function, Histogram histogram, Counts counts, List<Instantiation> instantiations,
            Path report) {
        this(name, function, histogram, counts, instantiations, Map.of(), report);
    }

    FrozenLatency(String name, String function, Histogram histogram, Counts counts, List<Instantiation> instantiations,
            Map<String, Latency> perNode, Path report) {
        this(name, function, histogram, counts, instantiations, perNode, report, -1, false, null);
    }

    private FrozenLatency(String name, String function, Histogram histogram, Counts counts,
            List<Instantiation> instantiations, Map<String, Latency> perNode, Path report, long biasNanos,
            boolean biasSubtracted, Breakdown breakdown) {
        this.breakdown = breakdown;
        this.perNode = Objects.requireNonNull(perNode, "perNode");
        this.biasNanos = biasNanos;
        this.biasSubtracted = biasSubtracted;
        this.name = Objects.requireNonNull(name, "name");
        this.function = Objects.requireNonNull(function, "function");
        this.histogram = Objects.requireNonNull(histogram, "histogram");
        this.counts = Objects.requireNonNull(counts, "counts");
        this.instantiations = Objects.requireNonNull(instantiations, "instantiations");
        this.report = report;
    }

    /** This latency with its breakdown. */
    FrozenLatency withBreakdown(Breakdown b) {
        return new FrozenLatency(name, function, histogram, counts, instantiations, perNode, report, biasNanos,
                biasSubtracted, Objects.requireNonNull(b, "breakdown"));
    }

    @Override
    public Latency snapshot() {
        return this;
    }

    @Override
    public boolean hasBreakdown() {
        return breakdown != null;
    }

    @Override
    public Breakdown breakdown() {
        if (breakdown == null) {
            throw new IllegalStateException(isSpan()
                    ? name + " is a span: only a function's calls are broken down; trace the function with"
                            + " @TraceLatency(value = \"...\", breakdown = true)"
                    : name + " (" + function + ") was traced without its breakdown: trace it with @TraceLatency(value"
                            + " = \"" + name + "\", breakdown = true) (or golat trace --breakdown) to read running(),"
                            + " waiting() and the other components");
        }
        return breakdown;
    }

    @Override
    public void reset() {
        throw new IllegalStateException("reset() on a frozen latency (a snapshot) of " + name
                + ": reset the Latency the test method received");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String function() {
        return function;
    }

    @Override
    public Histogram histogram() {
        return histogram.copy();
    }

    @Override
    public long count() {
        return histogram.getTotalCount();
    }

    @Override
    public boolean isSpan() {
        return counts instanceof SpanCounts;
    }

    @Override
    public Counts counters() {
        return counts;
    }

    @Override
    public CallCounts counts() {
        if (counts instanceof CallCounts c) {
            return c;
        }
        throw new IllegalStateException(name + " is a span: its counters are spanCounts() (started, completed, "
                + "notReached, overflowed, stale)");
    }

    @Override
    public SpanCounts spanCounts() {
        if (counts instanceof SpanCounts c) {
            return c;
        }
        throw new IllegalStateException(name + " is a function: its counters are counts() (entries, matched, "
                + "didNotReturn, ...)");
    }

    @Override
    public List<Instantiation> instantiations() {
        return instantiations;
    }

    @Override
    public Map<String, Latency> perNode() {
        return perNode;
    }

    @Override
    public Optional<Path> report() {
        return Optional.ofNullable(report);
    }

    @Override
    public Optional<Duration> probeBias() {
        return biasNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(biasNanos));
    }

    @Override
    public boolean probeBiasSubtracted() {
        return biasSubtracted;
    }

    /** The same figures, with the probe bias calibrated on this machine attached (not subtracted). */
    FrozenLatency withProbeBias(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("probe bias must be >= 0 ns, was " + nanos);
        }
        return marked(nanos, biasSubtracted);
    }

    /** The same figures marked with a probe bias, as subtracted from them or not (a latency over nodes). */
    FrozenLatency marked(long nanos, boolean subtracted) {
        return new FrozenLatency(name, function, histogram, counts, instantiations, perNode, report, nanos, subtracted,
                breakdown);
    }

    @Override
    public Latency withoutProbeBias() {
        if (biasNanos < 0) {
            throw new IllegalStateException("no probe bias was calibrated for " + name + " (" + function
                    + "): golat calibrates it when it attaches its probes; a Latency made by hand has none");
        }
        if (biasSubtracted) {
            return this;
        }
        // Each sample minus the bias, floored at 0: a call cannot take less than nothing.
        Histogram shifted = new Histogram(histogram.getNumberOfSignificantValueDigits());
        for (HistogramIterationValue v : histogram.recordedValues()) {
            shifted.recordValueWithCount(Math.max(0, v.getValueIteratedTo() - biasNanos),
                    v.getCountAtValueIteratedTo());
        }
        Map<String, Latency> nodes = new LinkedHashMap<>();
        perNode.forEach((node, l) -> nodes.put(node, l.withoutProbeBias()));
        return new FrozenLatency(name, function, shifted, counts, instantiations, Collections.unmodifiableMap(nodes),
                report, biasNanos, true, breakdown);
    }

    @Override
    public Duration percentile(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException(
                    "percentile must be between 0 and 100 (e.g. 99.9 for p99.9), was " + p);
        }
        requireSamples(Units.percentile(p));
        return Duration.ofNanos(histogram.getValueAtPercentile(p));
    }

    @Override
    public Duration max() {
        requireSamples("max");
        return Duration.ofNanos(histogram.getMaxValue());
    }

    @Override
    public Duration min() {
        requireSamples("min");
        return Duration.ofNanos(histogram.getMinValue());
    }

    @Override
    public Duration mean() {
        requireSamples("mean");
        return Duration.ofNanos(Math.round(histogram.getMean()));
    }

    private void requireSamples(String statistic) {
        if (count() == 0) {
            throw new IllegalStateException("no " + statistic + " for " + name + " (" + function + "): "
                    + counts.noSamplesReason() + ". " + NO_SAMPLES_HINTS);
        }
    }

    /** One line: {@code "handleStmtExecute: n=10,000 p50=312µs p99=1.94ms max=4.1ms"}. */
    @Override
    public String toString() {
        if (count() == 0) {
            return name + ": n=0 (" + counts.noSamplesReason() + ")";
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
