// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.util.Arrays;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One side of a comparison as the statistics see it: the distinct values of a histogram, ascending, with
 * their counts. A value is HdrHistogram's highest equivalent value of its bucket (what
 * {@code getValueAtPercentile} reports), so two histograms of the same precision put equal samples on
 * equal values, and ties are ties.
 */
final class Sample {
    final long[] values;
    final long[] counts;
    final long[] cumulative; // cumulative[i] = counts[0] + ... + counts[i]
    final long n;

    private Sample(long[] values, long[] counts) {
        this.values = values;
        this.counts = counts;
        this.cumulative = new long[counts.length];
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            sum += counts[i];
            cumulative[i] = sum;
        }
        this.n = sum;
    }

    static Sample of(AbstractHistogram h) {
        int size = 0;
        long[] values = new long[64];
        long[] counts = new long[64];
        for (HistogramIterationValue v : h.recordedValues()) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            values[size] = v.getValueIteratedTo();
            counts[size] = v.getCountAtValueIteratedTo();
            size++;
        }
        return new Sample(Arrays.copyOf(values, size), Arrays.copyOf(counts, size));
    }

    /** All of {@code samples} as one. */
    static Sample merge(java.util.List<Sample> samples) {
        java.util.TreeMap<Long, Long> all = new java.util.TreeMap<>();
        for (Sample x : samples) {
            for (int i = 0; i < x.values.length; i++) {
                all.merge(x.values[i], x.counts[i], Long::sum);
            }
        }
        return new Sample(all.keySet().stream().mapToLong(Long::longValue).toArray(),
                all.values().stream().mapToLong(Long::longValue).toArray());
    }

    /** For tests: {@code values} ascending and distinct, {@code counts[i] > 0}. */
    static Sample of(long[] values, long[] counts) {
        for (int i = 0; i < values.length; i++) {
            if (counts[i] <= 0 || (i > 0 && values[i] <= values[i - 1])) {
                throw new IllegalArgumentException("values must be ascending with positive counts, at index " + i);
            }
        }
        return new Sample(values.clone(), counts.clone());
    }

    /**
     * The nearest rank of percentile {@code p} among {@code n} samples, 1-based: {@code max(1, ceil(p/100 n))},
     * HdrHistogram's rule.
     */
    static long rank(double p, long n) {
        return Math.max(1, (long) Math.ceil(p / 100.0 * n));
    }

    /** The {@code k}-th smallest sample (1-based). */
    long valueAtRank(long k) {
        int i = Arrays.binarySearch(cumulative, k);
        return values[i >= 0 ? i : -i - 1];
    }

    long valueAtPercentile(double p) {
        return valueAtRank(rank(p, n));
    }

    /** The samples strictly above {@code threshold}. */
    long countAbove(long threshold) {
        int i = Arrays.binarySearch(values, threshold);
        int last = i >= 0 ? i : -i - 2; // index of the largest value <= threshold
        return n - (last < 0 ? 0 : cumulative[last]);
    }
}
