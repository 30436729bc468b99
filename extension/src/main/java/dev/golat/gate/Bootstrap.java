// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The bootstrap of a percentile ratio, over histogram counts.
 *
 * <p><b>One histogram per side</b> ({@link #calls}): a replicate redraws the {@code n} calls with
 * replacement and takes their {@code k}-th smallest, {@code k = rank(q, n)}. That order statistic has a
 * closed form: it is {@code F^-1(U)} for the histogram's distribution {@code F} and
 * {@code U ~ Beta(k, n - k + 1)} (the {@code k}-th smallest of {@code n} uniforms). So a replicate draws one
 * Beta variate and finds its bucket by binary search, instead of drawing {@code n} calls, and has exactly
 * the distribution of the resampling bootstrap.
 *
 * <p><b>Rounds</b> ({@link #rounds}, when a side was driven in at least {@value #MIN_ROUNDS} rounds): a
 * replicate redraws whole rounds with replacement and merges them. Calls of one round share that round's
 * machine (a CPU hog that ran for a few rounds slows a run of calls together), so the calls are not
 * independent, and redrawing single calls would make the interval too narrow exactly when the machine was
 * noisy. Redrawing rounds keeps what the noise did to each round together (a block bootstrap).
 *
 * <p>The two sides are resampled independently; the interval is the percentile interval of
 * {@code candidate* / baseline*}.
 */
final class Bootstrap {
    private Bootstrap() {}

    static final int MIN_ROUNDS = 5;

    /** A confidence interval for {@code candidate_q / baseline_q}. */
    record Interval(double low, double high) {}

    /** Draws the percentile of one bootstrap replicate of one side. */
    interface Resampler {
        long percentile(double q, Random random);
    }

    /** Rounds when there are enough of them, else single calls. */
    static Resampler of(List<Sample> rounds, Sample merged) {
        return rounds.size() >= MIN_ROUNDS ? rounds(rounds, merged) : calls(merged);
    }

    static Interval ratio(Resampler candidate, Resampler baseline, double percentile, int replicates, double level,
            Random random) {
        return ratio(candidate, percentile, baseline, percentile, replicates, level, random);
    }

    /** The interval of {@code candidate's qc-th percentile / baseline's qb-th percentile}. */
    static Interval ratio(Resampler candidate, double qc, Resampler baseline, double qb, int replicates, double level,
            Random random) {
        double[] ratios = new double[replicates];
        for (int r = 0; r < replicates; r++) {
            double c = candidate.percentile(qc, random);
            double b = baseline.percentile(qb, random);
            ratios[r] = c / Math.max(b, 1);
        }
        Arrays.sort(ratios);
        double tail = (1 - level) / 2;
        return new Interval(quantile(ratios, tail), quantile(ratios, 1 - tail));
    }

    static Resampler calls(Sample s) {
        return (q, random) -> {
            long k = Sample.rank(q, s.n);
            double u = beta(k, s.n - k + 1, random);
            return s.valueAtRank(Math.min(s.n, Math.max(1, (long) Math.ceil(u * s.n))));
        };
    }

    /**
     * Both sides by rounds, drawing the same round numbers on both sides: when round {@code i} of each side ran
     * side by side (a duet's ABBA block), the noise they shared stays paired and cancels in the ratio. For
     * unrelated recordings of equal length the pairing changes nothing, since their rounds are independent.
     */
    static Interval pairedRatio(List<Sample> candidate, Sample candidateMerged, double qc, List<Sample> baseline,
            Sample baselineMerged, double qb, int replicates, double level, Random random) {
        Dense c = new Dense(candidate, candidateMerged);
        Dense b = new Dense(baseline, baselineMerged);
        int rounds = candidate.size();
        int[] pick = new int[rounds];
        double[] ratios = new double[replicates];
        for (int r = 0; r < replicates; r++) {
            for (int i = 0; i < rounds; i++) {
                pick[i] = random.nextInt(rounds);
            }
            ratios[r] = c.percentile(pick, qc) / (double) Math.max(1, b.percentile(pick, qb));
        }
        Arrays.sort(ratios);
        double tail = (1 - level) / 2;
        return new Interval(quantile(ratios, tail), quantile(ratios, 1 - tail));
    }

    /** Rounds as counts over one value grid. */
    private static final class Dense {
        final long[] values;
        final long[][] rounds;
        final long[] sum;

        Dense(List<Sample> rounds, Sample merged) {
            this.values = merged.values;
            this.rounds = new long[rounds.size()][];
            for (int r = 0; r < rounds.size(); r++) {
                Sample s = rounds.get(r);
                this.rounds[r] = new long[values.length];
                for (int i = 0; i < s.values.length; i++) {
                    this.rounds[r][Arrays.binarySearch(values, s.values[i])] = s.counts[i];
                }
            }
            this.sum = new long[values.length];
        }

        long percentile(int[] pick, double q) {
            Arrays.fill(sum, 0);
            long n = 0;
            for (int r : pick) {
                long[] round = rounds[r];
                for (int i = 0; i < round.length; i++) {
                    sum[i] += round[i];
                    n += round[i];
                }
            }
            if (n == 0) {
                return values[values.length - 1];
            }
            long k = Sample.rank(q, n);
            long seen = 0;
            for (int i = 0; i < sum.length; i++) {
                seen += sum[i];
                if (seen >= k) {
                    return values[i];
                }
            }
            return values[values.length - 1];
        }
    }

    static Resampler rounds(List<Sample> rounds, Sample merged) {
        long[] values = merged.values;
        long[][] dense = new long[rounds.size()][];
        for (int r = 0; r < rounds.size(); r++) {
            Sample s = rounds.get(r);
            dense[r] = new long[values.length];
            for (int i = 0; i < s.values.length; i++) {
                dense[r][Arrays.binarySearch(values, s.values[i])] = s.counts[i];
            }
        }
        long[] sum = new long[values.length];
        return (q, random) -> {
            Arrays.fill(sum, 0);
            long n = 0;
            for (int r = 0; r < dense.length; r++) {
                long[] round = dense[random.nextInt(dense.length)];
                for (int i = 0; i < round.length; i++) {
                    sum[i] += round[i];
                    n += round[i];
                }
            }
            long k = Sample.rank(q, n);
            long seen = 0;
            for (int i = 0; i < sum.length; i++) {
                seen += sum[i];
                if (seen >= k) {
                    return values[i];
                }
            }
            return values[values.length - 1];
        };
    }

    private static double quantile(double[] sorted, double q) {
        int i = (int) Math.floor(q * (sorted.length - 1));
        double frac = q * (sorted.length - 1) - i;
        return i + 1 < sorted.length ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
    }

    static double beta(double a, double b, Random random) {
        double x = gamma(a, random);
        double y = gamma(b, random);
        return x / (x + y);
    }

    /** Marsaglia and Tsang's method (2000), for shape {@code a >= 1}. */
    static double gamma(double a, Random random) {
        double d = a - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
