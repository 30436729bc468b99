// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.util.List;

/**
 * One more run against a baseline of {@code runs} earlier runs (a stored baseline recorded run by run): is the
 * candidate's percentile further from the runs' than the runs are from each other? With {@code x_i} the log of
 * run {@code i}'s percentile, {@code m} and {@code s} their mean and standard deviation and {@code y} the log of
 * the candidate's:
 * <pre>
 *   t = (y - m) / (s sqrt(1 + 1/k)),   p = P(T_(k-1) &ge; t)
 * </pre>
 * and the 95% prediction interval of the ratio is {@code ratio x exp(+-t_(0.975, k-1) s sqrt(1 + 1/k))}. A
 * machine whose runs of one build differ by 19% at p50 gives an interval that wide: the gate then says
 * inconclusive rather than calling that spread a regression.
 */
record RunPrediction(int runs, double spread, double t, double p, double low, double high) {

    /**
     * @param baselineRuns each earlier run, at least 2
     * @param candidate    the candidate's percentile, ns
     * @param qb           the baseline's percentile to compare with
     * @param ratio        the candidate's percentile over the pooled baseline's: the interval's centre
     */
    static RunPrediction of(List<Sample> baselineRuns, long candidate, double qb, double ratio) {
        int k = baselineRuns.size();
        if (k < 2) {
            throw new IllegalArgumentException("a prediction needs at least 2 baseline runs, had " + k);
        }
        double[] x = baselineRuns.stream().mapToDouble(r -> Math.log(Math.max(1, r.valueAtPercentile(qb)))).toArray();
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= k;
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        double s = Math.sqrt(ss / (k - 1));
        double scale = s * Math.sqrt(1 + 1.0 / k);
        double y = Math.log(Math.max(1, candidate));
        double t = scale > 0 ? (y - m) / scale : y > m ? Double.POSITIVE_INFINITY : y < m ? Double.NEGATIVE_INFINITY : 0;
        double p = 1 - StudentT.cdf(t, k - 1);
        double half = StudentT.quantile(0.975, k - 1) * scale;
        return new RunPrediction(k, s, t, p, ratio * Math.exp(-half), ratio * Math.exp(half));
    }
}
