// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.apiguardian.api.API;

/**
 * One probe at one {@code snapshot}: its counters and its non-zero histogram buckets (summed over CPUs), parsed
 * from the agent's {@code probe <id> ...} and {@code hist <id> <bucket>:<count> ...} lines.
 */
@API(status = API.Status.INTERNAL)
public final class ProbeSnapshot {
    private final int id;
    private final String function;
    private final Counters counters; // null for a span
    private final SpanCounters spanCounters; // null for a function probe
    private final int[] buckets;
    private final long[] counts;
    private BreakdownSnapshot breakdown; // null without breakdown; set once, by the session's parser

    /** A function probe's figures: {@code buckets} ascending, {@code counts[i]} samples in {@code buckets[i]}. */
    public ProbeSnapshot(int id, String function, Counters counters, int[] buckets, long[] counts) {
        this(id, function, Objects.requireNonNull(counters, "counters"), null, buckets, counts);
    }

    /** A span's figures: {@code buckets} ascending, {@code counts[i]} samples in {@code buckets[i]}. */
    public ProbeSnapshot(int id, String span, SpanCounters counters, int[] buckets, long[] counts) {
        this(id, span, null, Objects.requireNonNull(counters, "counters"), buckets, counts);
    }

    private ProbeSnapshot(int id, String function, Counters counters, SpanCounters spanCounters, int[] buckets,
            long[] counts) {
        this.id = id;
        this.function = Objects.requireNonNull(function, "function");
        this.counters = counters;
        this.spanCounters = spanCounters;
        if (buckets.length != counts.length) {
            throw new IllegalArgumentException("probe " + id + ": " + buckets.length + " buckets but " + counts.length
                    + " counts");
        }
        for (int i = 0; i < buckets.length; i++) {
            Buckets.lowerBound(buckets[i]);
            if (i > 0 && buckets[i] <= buckets[i - 1]) {
                throw new IllegalArgumentException("probe " + id + ": buckets not ascending at " + buckets[i]);
            }
        }
        this.buckets = buckets.clone();
        this.counts = counts.clone();
    }

    public int id() {
        return id;
    }

    public String function() {
        return function;
    }

    /** Whether these are a span's figures (then {@link #spanCounters()}) rather than a function's. */
    public boolean isSpan() {
        return spanCounters != null;
    }

    /** A function probe's counters; a span has {@link #spanCounters()} instead. */
    public Counters counters() {
        if (counters == null) {
            throw new IllegalStateException(function + " is a span: read spanCounters()");
        }
        return counters;
    }

    /** A span's counters; a function probe has {@link #counters()} instead. */
    public SpanCounters spanCounters() {
        if (spanCounters == null) {
            throw new IllegalStateException(function + " is a function probe: read counters()");
        }
        return spanCounters;
    }

    /** The per-call breakdown of a probe started with one ({@link ProbeSpec#breakdown()}). */
    public Optional<BreakdownSnapshot> breakdown() {
        return Optional.ofNullable(breakdown);
    }

    /** This snapshot with its breakdown (the agent prints it after the histogram). */
    public ProbeSnapshot withBreakdown(BreakdownSnapshot b) {
        ProbeSnapshot copy = isSpan() ? new ProbeSnapshot(id, function, spanCounters, buckets, counts)
                : new ProbeSnapshot(id, function, counters, buckets, counts);
        copy.breakdown = Objects.requireNonNull(b, "breakdown");
        return copy;
    }

    /** Indexes of the non-zero buckets, ascending (see {@link Buckets}). */
    public int[] buckets() {
        return buckets.clone();
    }

    /** Samples per bucket, parallel to {@link #buckets()}. */
    public long[] counts() {
        return counts.clone();
    }

    /** Samples in the histogram (equals {@code counters().matched()}, or a span's {@code completed}, when no reset raced the snapshot). */
    public long totalCount() {
        return Arrays.stream(counts).sum();
    }

    /**
     * The samples as an HdrHistogram with 3 significant digits: each bucket's count recorded at
     * {@link Buckets#representative(int)} (the middle of the bucket, rounded down), so percentiles are exact
     * to within half a bucket (&lt; 0.4%) plus HdrHistogram's own 0.1%.
     */
    public Histogram toHistogram() {
        Histogram h = new Histogram(3);
        for (int i = 0; i < buckets.length; i++) {
            h.recordValueWithCount(Buckets.representative(buckets[i]), counts[i]);
        }
        return h;
    }

    @Override
    public String toString() {
        return "ProbeSnapshot[" + id + " " + function + " " + (isSpan() ? spanCounters : counters) + ", " + buckets.length + " buckets]";
    }
}
