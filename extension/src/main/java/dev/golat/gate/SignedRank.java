// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.util.Arrays;

/**
 * The Wilcoxon signed-rank test of paired differences, normal approximation with midranks for ties, zeros
 * dropped, and a continuity correction of 1/2:
 * <pre>
 *   W+ = sum of the ranks of |d_i| over d_i &gt; 0        (n nonzero differences)
 *   E = n (n + 1) / 4,   Var = n (n + 1) (2n + 1) / 24 - sum(t^3 - t) / 48
 * </pre>
 * Used on rounds: {@code d_i = log(candidate round i's percentile / baseline round i's)}. Whole rounds are
 * the units, so calls that a burst of noise slowed together count once, not hundreds of times.
 */
record SignedRank(double wPlus, int n, double z, double p) {

    static SignedRank test(double[] differences) {
        double[] abs = Arrays.stream(differences).filter(d -> d != 0).map(Math::abs).sorted().toArray();
        int n = abs.length;
        if (n < 6) {
            return new SignedRank(0, n, 0, 1); // too few pairs to reject anything at 0.05
        }
        double ties = 0;
        double wPlus = 0;
        for (double d : differences) {
            if (d > 0) {
                wPlus += midrank(abs, d);
            }
        }
        for (int i = 0; i < n;) {
            int j = i;
            while (j < n && abs[j] == abs[i]) {
                j++;
            }
            double t = j - i;
            ties += t * t * t - t;
            i = j;
        }
        double mean = n * (n + 1) / 4.0;
        double variance = n * (n + 1) * (2.0 * n + 1) / 24 - ties / 48;
        if (!(variance > 0)) {
            return new SignedRank(wPlus, n, 0, 1);
        }
        double diff = wPlus - mean;
        double z = Math.signum(diff) * Math.max(0, Math.abs(diff) - 0.5) / Math.sqrt(variance);
        return new SignedRank(wPlus, n, z, Normal.twoSidedP(z));
    }

    /** The 1-based midrank of {@code |d|} among the sorted absolute differences. */
    private static double midrank(double[] sortedAbs, double d) {
        double a = Math.abs(d);
        int lo = 0;
        while (lo < sortedAbs.length && sortedAbs[lo] < a) {
            lo++;
        }
        int hi = lo;
        while (hi < sortedAbs.length && sortedAbs[hi] == a) {
            hi++;
        }
        return (lo + 1 + hi) / 2.0;
    }
}
