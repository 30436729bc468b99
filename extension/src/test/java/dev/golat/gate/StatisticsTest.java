// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The statistics against answers computed another way: U by counting pairs, variances by enumerating every
 * permutation, the bootstrap's closed form against explicit resampling, and the interval's coverage on
 * data whose true ratio is known.
 */
class StatisticsTest {

    // Small samples with ties inside and across the groups (the tie correction matters).
    private static final long[] CANDIDATE = {3, 5, 5, 7, 9, 9, 12};
    private static final long[] BASELINE = {1, 3, 4, 5, 5, 6};

    @Test
    void should_compute_U_as_the_count_of_pairs_where_the_candidate_is_larger() {
        // GIVEN U counted pair by pair, ties 1/2
        double pairs = 0;
        for (long c : CANDIDATE) {
            for (long b : BASELINE) {
                pairs += c > b ? 1 : c == b ? 0.5 : 0;
            }
        }
        // WHEN
        MannWhitney mw = MannWhitney.test(sample(CANDIDATE), sample(BASELINE));
        // THEN
        assertThat(mw.u()).isEqualTo(pairs);
        assertThat(mw.superiority()).isCloseTo(pairs / (CANDIDATE.length * BASELINE.length), within(1e-12));
    }

    @Test
    void should_use_the_exact_permutation_variance_with_ties() {
        // GIVEN the exact mean and variance of U over every split of the pooled values into groups of 7 and 6
        long[] pooled = concat(CANDIDATE, BASELINE);
        List<Double> us = new ArrayList<>();
        forEachSubset(pooled.length, CANDIDATE.length, chosen -> us.add(pairCount(pooled, chosen)));
        double mean = us.stream().mapToDouble(d -> d).average().orElseThrow();
        double variance = us.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / us.size();
        // WHEN
        MannWhitney mw = MannWhitney.test(sample(CANDIDATE), sample(BASELINE));
        // THEN z is (U - mean -+ 1/2) / sqrt(exact variance), p its two-sided normal tail
        double diff = mw.u() - mean;
        double expectedZ = Math.signum(diff) * (Math.abs(diff) - 0.5) / Math.sqrt(variance);
        assertThat(us).hasSize(1716); // C(13, 7)
        assertThat(mean).isCloseTo(CANDIDATE.length * BASELINE.length / 2.0, within(1e-9));
        assertThat(mw.z()).isCloseTo(expectedZ, within(1e-9));
        assertThat(mw.p()).isCloseTo(Normal.twoSidedP(expectedZ), within(1e-12));
    }

    @Test
    void should_agree_with_a_textbook_example() {
        // GIVEN the textbook procedure worked by hand, no ties: candidate {14, 17, 21, 25, 30}, baseline
        // {10, 12, 13, 16, 20}; pooled order 10 12 13 14 16 17 20 21 25 30 gives the candidate ranks 4, 6, 8, 9,
        // 10: R = 37, U = R - n1 (n1 + 1) / 2 = 37 - 15 = 22
        MannWhitney mw = MannWhitney.test(sample(new long[] {14, 17, 21, 25, 30}), sample(new long[] {10, 12, 13, 16, 20}));
        assertThat(mw.u()).isEqualTo(22);
        // sigma^2 = 5 * 5 * 11 / 12 = 22.9167; z = (22 - 12.5 - 0.5) / 4.787 = 1.880
        assertThat(mw.z()).isCloseTo(9 / Math.sqrt(25 * 11 / 12.0), within(1e-9));
        assertThat(mw.p()).isCloseTo(0.0601, within(0.0005));
    }

    @Test
    void should_give_the_signed_rank_test_the_exact_moments_of_all_sign_flips() {
        // GIVEN 10 paired differences with tied magnitudes, and W+ over all 2^10 assignments of their signs
        double[] d = {0.3, -0.1, 0.2, 0.2, -0.5, 0.7, 0.1, -0.2, 0.9, 0.4};
        SignedRank t = SignedRank.test(d);
        double[] abs = Arrays.stream(d).map(Math::abs).toArray();
        double[] ranks = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            double below = 0;
            double equal = 0;
            for (double a : abs) {
                below += a < abs[i] ? 1 : 0;
                equal += a == abs[i] ? 1 : 0;
            }
            ranks[i] = below + (equal + 1) / 2; // midrank, counted pair by pair
        }
        double sum = 0;
        double sumSq = 0;
        int m = 1 << d.length;
        for (int mask = 0; mask < m; mask++) {
            double w = 0;
            for (int i = 0; i < d.length; i++) {
                w += (mask >> i & 1) == 1 ? ranks[i] : 0;
            }
            sum += w;
            sumSq += w * w;
        }
        double mean = sum / m;
        double variance = sumSq / m - mean * mean;
        double observed = 0;
        for (int i = 0; i < d.length; i++) {
            observed += d[i] > 0 ? ranks[i] : 0;
        }
        // THEN W+ is the sum of the positive ranks and z uses the exact permutation moments
        assertThat(t.wPlus()).isEqualTo(observed);
        double diff = observed - mean;
        assertThat(t.z()).isCloseTo(Math.signum(diff) * (Math.abs(diff) - 0.5) / Math.sqrt(variance), within(1e-9));
    }

    @Test
    void should_compute_normal_tails_to_known_values() {
        assertThat(Normal.erfc(0)).isCloseTo(1, within(1e-15));
        assertThat(Normal.erfc(1)).isCloseTo(0.157299207050285, withinPercentage(1e-10));
        assertThat(Normal.erfc(2)).isCloseTo(0.004677734981047266, withinPercentage(1e-9));
        assertThat(Normal.erfc(3)).isCloseTo(2.209049699858544e-05, withinPercentage(1e-9));
        assertThat(Normal.erfc(5)).isCloseTo(1.5374597944280349e-12, withinPercentage(1e-9));
        assertThat(Normal.twoSidedP(1.959963984540054)).isCloseTo(0.05, within(1e-12));
        assertThat(Normal.twoSidedP(30)).isGreaterThan(0).isLessThan(1e-190);
    }

    @Test
    void should_give_the_percentile_test_the_exact_hypergeometric_moments() {
        // GIVEN every split of the pooled sample: the count of candidate values above the pooled p75
        long[] pooled = concat(CANDIDATE, BASELINE);
        QuantileTest t = QuantileTest.test(sample(CANDIDATE), sample(BASELINE), 75);
        List<Double> above = new ArrayList<>();
        forEachSubset(pooled.length, CANDIDATE.length, chosen -> {
            int a = 0;
            for (int i : chosen) {
                a += pooled[i] > t.threshold() ? 1 : 0;
            }
            above.add((double) a);
        });
        double mean = above.stream().mapToDouble(d -> d).average().orElseThrow();
        double variance = above.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / above.size();
        // THEN the threshold is the pooled nearest-rank p75, and z uses the exact moments
        long[] sorted = pooled.clone();
        Arrays.sort(sorted);
        assertThat(t.threshold()).isEqualTo(sorted[(int) Math.ceil(0.75 * sorted.length) - 1]);
        long a = Arrays.stream(CANDIDATE).filter(v -> v > t.threshold()).count();
        assertThat(t.above()).isEqualTo(a);
        double diff = a - mean;
        assertThat(t.z()).isCloseTo(Math.signum(diff) * (Math.abs(diff) - 0.5) / Math.sqrt(variance), within(1e-9));
    }

    @Test
    void should_draw_bootstrap_percentiles_with_the_distribution_of_explicit_resampling() {
        // GIVEN a histogram of 200 calls over 6 values, and its p90 in 40,000 explicit resamples
        Sample s = Sample.of(new long[] {100, 110, 120, 150, 400, 900}, new long[] {50, 60, 40, 30, 15, 5});
        long[] calls = expand(s);
        Random random = new Random(7);
        TreeMap<Long, Integer> explicit = new TreeMap<>();
        TreeMap<Long, Integer> closedForm = new TreeMap<>();
        Bootstrap.Resampler beta = Bootstrap.calls(s);
        int replicates = 40_000;
        long[] draw = new long[calls.length];
        for (int r = 0; r < replicates; r++) {
            for (int i = 0; i < draw.length; i++) {
                draw[i] = calls[random.nextInt(calls.length)];
            }
            Arrays.sort(draw);
            explicit.merge(draw[(int) Sample.rank(90, draw.length) - 1], 1, Integer::sum);
            closedForm.merge(beta.percentile(90, random), 1, Integer::sum);
        }
        // THEN every value's frequency agrees within sampling error (binomial sd <= 0.0025; 4 sd)
        for (long v : s.values) {
            double e = explicit.getOrDefault(v, 0) / (double) replicates;
            double c = closedForm.getOrDefault(v, 0) / (double) replicates;
            assertThat(c).as("P(p90* = %d)", v).isCloseTo(e, within(0.01));
        }
        assertThat(explicit.keySet()).containsAnyOf(150L, 400L); // the p90 really moves between buckets
        assertThat(explicit.size()).isGreaterThan(1);
    }

    @Test
    void should_cover_the_true_ratio_about_95_percent_of_the_time() {
        // GIVEN 300 pairs of lognormal samples (n = 2,000 each), the candidate 1.2x the baseline: the true
        // ratio of every percentile is 1.2
        Random data = new Random(2026);
        int trials = 300;
        int[] covered = new int[3];
        double[] percentiles = {50, 90, 99};
        for (int t = 0; t < trials; t++) {
            Histogram b = lognormal(data, 2_000, 1.0);
            Histogram c = lognormal(data, 2_000, 1.2);
            for (int k = 0; k < percentiles.length; k++) {
                Bootstrap.Interval ci = Bootstrap.ratio(Bootstrap.calls(Sample.of(c)), Bootstrap.calls(Sample.of(b)),
                        percentiles[k], 1000, 0.95, new Random(t));
                covered[k] += ci.low() <= 1.2 && 1.2 <= ci.high() ? 1 : 0;
            }
        }
        // THEN each percentile's interval holds 1.2 in 90-99% of the trials (binomial sd at 95%: 1.3%)
        for (int k = 0; k < percentiles.length; k++) {
            assertThat(covered[k] / (double) trials).as("coverage at p%s", percentiles[k]).isBetween(0.90, 0.99);
        }
    }

    @Test
    void should_widen_the_interval_when_noise_hit_a_few_rounds() {
        // GIVEN 20 quiet baseline rounds, and a candidate of the same code where 4 of 20 rounds had 5% of
        // their calls preempted (10x slower)
        Random data = new Random(11);
        List<Sample> base = new ArrayList<>();
        List<Sample> cand = new ArrayList<>();
        Histogram bAll = new Histogram(3);
        Histogram cAll = new Histogram(3);
        for (int r = 0; r < 20; r++) {
            Histogram b = lognormal(data, 1_000, 1.0);
            Histogram c = lognormal(data, 1_000, 1.0);
            if (r % 5 == 0) {
                c = withPreempted(data, c, 0.05);
            }
            base.add(Sample.of(b));
            cand.add(Sample.of(c));
            bAll.add(b);
            cAll.add(c);
        }
        // WHEN the p99 ratio is bootstrapped by calls and by rounds
        Bootstrap.Interval byCalls = Bootstrap.ratio(Bootstrap.calls(Sample.of(cAll)), Bootstrap.calls(Sample.of(bAll)), 99,
                2000, 0.95, new Random(1));
        Bootstrap.Interval byRounds = Bootstrap.ratio(Bootstrap.rounds(cand, Sample.of(cAll)),
                Bootstrap.rounds(base, Sample.of(bAll)), 99, 2000, 0.95, new Random(1));
        // THEN single calls claim the tail is surely slower; whole rounds admit it may not be
        assertThat(byCalls.low()).isGreaterThan(1.1);
        assertThat(byRounds.low()).isLessThan(1.1);
        assertThat(byRounds.high() - byRounds.low()).isGreaterThan(byCalls.high() - byCalls.low());
    }

    // --- helpers -------------------------------------------------------------------------------------------

    static Histogram lognormal(Random random, int n, double scale) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            h.recordValue(Math.round(scale * 20_000 * Math.exp(0.5 * random.nextGaussian())));
        }
        return h;
    }

    static Histogram withPreempted(Random random, Histogram h, double share) {
        Histogram out = new Histogram(3);
        for (var v : h.recordedValues()) {
            for (long i = 0; i < v.getCountAtValueIteratedTo(); i++) {
                out.recordValue(random.nextDouble() < share ? 10 * v.getValueIteratedTo() : v.getValueIteratedTo());
            }
        }
        return out;
    }

    private static Sample sample(long[] raw) {
        TreeMap<Long, Long> counts = new TreeMap<>();
        for (long v : raw) {
            counts.merge(v, 1L, Long::sum);
        }
        return Sample.of(counts.keySet().stream().mapToLong(Long::longValue).toArray(),
                counts.values().stream().mapToLong(Long::longValue).toArray());
    }

    private static long[] expand(Sample s) {
        long[] out = new long[(int) s.n];
        int k = 0;
        for (int i = 0; i < s.values.length; i++) {
            for (long j = 0; j < s.counts[i]; j++) {
                out[k++] = s.values[i];
            }
        }
        return out;
    }

    private static double pairCount(long[] pooled, int[] chosen) {
        boolean[] inCandidate = new boolean[pooled.length];
        for (int i : chosen) {
            inCandidate[i] = true;
        }
        double u = 0;
        for (int i = 0; i < pooled.length; i++) {
            for (int j = 0; j < pooled.length; j++) {
                if (inCandidate[i] && !inCandidate[j]) {
                    u += pooled[i] > pooled[j] ? 1 : pooled[i] == pooled[j] ? 0.5 : 0;
                }
            }
        }
        return u;
    }

    private static void forEachSubset(int n, int k, java.util.function.Consumer<int[]> action) {
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) {
            idx[i] = i;
        }
        while (true) {
            action.accept(idx.clone());
            int i = k - 1;
            while (i >= 0 && idx[i] == n - k + i) {
                i--;
            }
            if (i < 0) {
                return;
            }
            idx[i]++;
            for (int j = i + 1; j < k; j++) {
                idx[j] = idx[j - 1] + 1;
            }
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
