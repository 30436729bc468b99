// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

/**
 * The Mann–Whitney U test (Wilcoxon rank-sum) of two bucketed samples, computed from their counts: every
 * sample of one distinct value gets the midrank of that value's run in the pooled order. Normal
 * approximation with the tie correction and a continuity correction of 1/2:
 * <pre>
 *   U = R_candidate - n1 (n1 + 1) / 2
 *   sigma^2 = n1 n2 / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1)))     t = size of each run of ties
 *   z = (U - n1 n2 / 2 -+ 1/2) / sigma,   p = P(|Z| &ge; |z|)  (two-sided)
 * </pre>
 * Histograms put many samples on one value, so ties are the rule here, not the exception; with the tie
 * correction the test stays exact in its approximation. The sizes golat sees (thousands of calls) are far
 * past where the normal approximation is good (n1, n2 &gt; 20).
 *
 * @param u          U of the candidate: the number of (candidate, baseline) pairs where the candidate is
 *                   larger, ties counting 1/2
 * @param z          the standardized U (positive: the candidate tends to be slower)
 * @param p          the two-sided p-value
 * @param superiority U / (n1 n2): the chance that a random candidate call is slower than a random baseline
 *                   call (ties 1/2); 0.5 when they are alike
 */
record MannWhitney(double u, double z, double p, double superiority, long n1, long n2) {

    static MannWhitney test(Sample candidate, Sample baseline) {
        long n1 = candidate.n;
        long n2 = baseline.n;
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("Mann-Whitney needs samples on both sides (n1=" + n1 + ", n2=" + n2 + ")");
        }
        double bigN = (double) n1 + n2;
        double rankSum = 0; // of the candidate
        double ties = 0; // sum of t^3 - t
        double before = 0; // samples of lower values, both sides
        int i = 0;
        int j = 0;
        while (i < candidate.values.length || j < baseline.values.length) {
            long v = Math.min(i < candidate.values.length ? candidate.values[i] : Long.MAX_VALUE,
                    j < baseline.values.length ? baseline.values[j] : Long.MAX_VALUE);
            double c = 0;
            double t = 0;
            if (i < candidate.values.length && candidate.values[i] == v) {
                c = candidate.counts[i++];
                t += c;
            }
            if (j < baseline.values.length && baseline.values[j] == v) {
                t += baseline.counts[j++];
            }
            double midrank = before + (t + 1) / 2;
            rankSum += c * midrank;
            ties += t * t * t - t;
            before += t;
        }
        double u = rankSum - (double) n1 * (n1 + 1) / 2;
        double mean = (double) n1 * n2 / 2;
        double variance = (double) n1 * n2 / 12 * ((bigN + 1) - ties / (bigN * (bigN - 1)));
        double superiority = u / ((double) n1 * n2);
        if (!(variance > 0)) {
            return new MannWhitney(u, 0, 1, superiority, n1, n2); // every sample has one value
        }
        double diff = u - mean;
        double corrected = Math.signum(diff) * Math.max(0, Math.abs(diff) - 0.5);
        double z = corrected / Math.sqrt(variance);
        return new MannWhitney(u, z, Normal.twoSidedP(z), superiority, n1, n2);
    }
}
