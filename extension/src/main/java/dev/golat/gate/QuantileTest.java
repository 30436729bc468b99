// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

/**
 * A test of one percentile: are the two samples' shares of calls above the pooled percentile equal?
 * (Mood's median test, generalized to any percentile.) Pool both samples, take the pooled {@code q}-th
 * percentile {@code tau}, count the calls strictly above it on each side: {@code a} of the candidate's
 * {@code n1}, {@code A} in all. When both come from one distribution, {@code a} is hypergeometric:
 * <pre>
 *   E[a] = n1 A / N,    Var[a] = n1 n2 A (N - A) / (N^2 (N - 1))
 *   z = (a - E[a] -+ 1/2) / sqrt(Var[a]),   p = P(|Z| &ge; |z|)
 * </pre>
 * Counting strictly above {@code tau} keeps the test valid when many samples share the bucket of
 * {@code tau}; it is a rank test (its score is 1 above the pooled rank, 0 below), so it needs no model of
 * the latency distribution.
 *
 * @param threshold the pooled percentile {@code tau}
 * @param above     {@code a}: candidate calls above it
 * @param aboveAll  {@code A}: calls above it on both sides
 */
record QuantileTest(long threshold, long above, long aboveAll, double z, double p) {

    static QuantileTest test(Sample candidate, Sample baseline, double percentile) {
        long n1 = candidate.n;
        long n2 = baseline.n;
        double bigN = (double) n1 + n2;
        long tau = pooledValueAtRank(candidate, baseline, Sample.rank(percentile, n1 + n2));
        long a = candidate.countAbove(tau);
        long all = a + baseline.countAbove(tau);
        double mean = n1 * (double) all / bigN;
        double variance = (double) n1 * n2 * all * (bigN - all) / (bigN * bigN * (bigN - 1));
        if (!(variance > 0)) {
            return new QuantileTest(tau, a, all, 0, 1);
        }
        double diff = a - mean;
        double corrected = Math.signum(diff) * Math.max(0, Math.abs(diff) - 0.5);
        double z = corrected / Math.sqrt(variance);
        return new QuantileTest(tau, a, all, z, Normal.twoSidedP(z));
    }

    /** The {@code k}-th smallest of both samples together (1-based). */
    static long pooledValueAtRank(Sample x, Sample y, long k) {
        long lo = Math.min(x.values[0], y.values[0]);
        long hi = Math.max(x.values[x.values.length - 1], y.values[y.values.length - 1]);
        // the smallest value v with (count <= v) >= k; counts are monotone in v
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (x.n - x.countAbove(mid) + y.n - y.countAbove(mid) >= k) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
