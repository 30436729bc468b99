// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.util.Arrays;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * One probe at one {@code snapshot}: its counters and its non-zero histogram buckets (summed over CPUs), parsed
 * from the agent's {@code probe <id> ...} and {@code hist <id> <bucket>:<count> ...} lines.
 */
public final class ProbeSnapshot {
    private final int id;
    private final String function;
    private final Counters counters;
    private final int[] buckets;
    private final long[] counts;

    /** {@code buckets} ascending, {@code counts[i]} samples in {@code buckets[i]}. */
    public ProbeSnapshot(int id, String function, Counters counters, int[] buckets, long[] counts) {
        this.id = id;
        this.function = Objects.requireNonNull(function, "function");
        this.counters = Objects.requireNonNull(counters, "counters");
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

    public Counters counters() {
        return counters;
    }

    /** Indexes of the non-zero buckets, ascending (see {@link Buckets}). */
    public int[] buckets() {
        return buckets.clone();
    }

    /** Samples per bucket, parallel to {@link #buckets()}. */
    public long[] counts() {
        return counts.clone();
    }

    /** Samples in the histogram (equals {@code counters().matched()} when no reset raced the snapshot). */
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
        return "ProbeSnapshot[" + id + " " + function + " " + counters + ", " + buckets.length + " buckets]";
    }
}
