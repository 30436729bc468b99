// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import org.apiguardian.api.API;

/**
 * The agent's log-linear histogram buckets, in nanoseconds, as {@code golat_bucket()} in
 * {@code agent/src/golat.h} computes them:
 * <pre>
 *   idx = v                                              for v &lt; 128 (exact)
 *   idx = 128 + (e - 7) * 128 + ((v &gt;&gt; (e - 7)) - 128)    e = floor(log2 v), capped at MAX_EXP = 40
 * </pre>
 * Each power of two [2^e, 2^(e+1)) holds 128 buckets of width 2^(e-7), under 1% of any value in them.
 * Values of 2^41 ns (~36 min) and more share the last bucket, whose upper bound is {@link Long#MAX_VALUE}.
 * {@code BucketsTest} compiles golat.h and checks this class against it.
 */
@API(status = API.Status.INTERNAL)
public final class Buckets {
    private Buckets() {}

    public static final int SUB_BITS = 7;
    public static final int SUB_BUCKETS = 128;
    public static final int MAX_EXP = 40;
    public static final int NBUCKETS = 4480;

    /** The bucket holding {@code nanos}. */
    public static int index(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative latency " + nanos + " ns has no bucket");
        }
        if (nanos < SUB_BUCKETS) {
            return (int) nanos;
        }
        int e = 63 - Long.numberOfLeadingZeros(nanos);
        if (e > MAX_EXP) {
            return NBUCKETS - 1;
        }
        return SUB_BUCKETS + (e - SUB_BITS) * SUB_BUCKETS + (int) ((nanos >>> (e - SUB_BITS)) - SUB_BUCKETS);
    }

    /** The smallest value in bucket {@code index}. */
    public static long lowerBound(int index) {
        check(index);
        if (index < SUB_BUCKETS) {
            return index;
        }
        int e = exponent(index);
        long sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
        return (SUB_BUCKETS + sub) << (e - SUB_BITS);
    }

    /** One past the largest value in bucket {@code index} ({@link Long#MAX_VALUE} for the last bucket). */
    public static long upperBound(int index) {
        check(index);
        if (index == NBUCKETS - 1) {
            return Long.MAX_VALUE;
        }
        if (index < SUB_BUCKETS) {
            return index + 1L;
        }
        return lowerBound(index) + (1L << (exponent(index) - SUB_BITS));
    }

    /**
     * The value that stands for every sample of bucket {@code index}: the middle of its nominal width,
     * rounded down ({@code low + (width - 1) / 2}), so it lies inside the bucket and is off by at most half a
     * bucket width (&lt; 0.4%) from any sample in it. Exact buckets stand for themselves.
     */
    public static long representative(int index) {
        long low = lowerBound(index);
        long width = index < SUB_BUCKETS ? 1 : 1L << (exponent(index) - SUB_BITS);
        return low + (width - 1) / 2;
    }

    private static int exponent(int index) {
        return (index - SUB_BUCKETS) / SUB_BUCKETS + SUB_BITS;
    }

    private static void check(int index) {
        if (index < 0 || index >= NBUCKETS) {
            throw new IllegalArgumentException("bucket " + index + " out of range 0.." + (NBUCKETS - 1));
        }
    }
}
