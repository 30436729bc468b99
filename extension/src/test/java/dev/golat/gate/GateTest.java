// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import static dev.golat.gate.StatisticsTest.lognormal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The decision rule on synthetic recordings whose truth is known. */
class GateTest {
    static final RecordingInfo INFO = new RecordingInfo("GateTest", "main.handle", "go1.23.5", "", "", 2, "6.18.0",
            Instant.parse("2026-12-01T09:00:00Z"));
    private static final Gate GATE = Gate.atPercentiles(50, 99).withTolerance(0.10).withReplicates(1000);

    @Test
    void should_pass_identical_code() {
        Random data = new Random(1);
        GateReport report = GATE.compare(recording(lognormal(data, 20_000, 1.0)), recording(lognormal(data, 20_000, 1.0)));
        assertThat(report.verdict()).as(report.table()).isEqualTo(Verdict.PASS);
        assertThat(report.result("handle", 50).reason()).contains("stays below the 10% tolerance");
    }

    @Test
    void should_find_a_20_percent_slowdown_at_every_percentile() {
        Random data = new Random(2);
        GateReport report = GATE.compare(recording(lognormal(data, 20_000, 1.0)), recording(lognormal(data, 20_000, 1.2)));
        assertThat(report.verdict()).isEqualTo(Verdict.REGRESSION);
        for (double q : new double[] {50, 99}) {
            PercentileResult r = report.result("handle", q);
            assertThat(r.verdict()).as(report.table()).isEqualTo(Verdict.REGRESSION);
            assertThat(r.ratio()).isCloseTo(1.2, within(0.05));
            assertThat(r.low()).isLessThan(1.2);
            assertThat(r.high()).isGreaterThan(1.2);
            assertThat(r.pAdjusted()).isLessThan(0.001);
        }
        assertThat(report.table()).contains("REGRESSION").contains("p50").contains("p99").contains("<0.001");
    }

    @Test
    void should_never_call_identical_code_a_regression_nor_miss_a_20_percent_slowdown_in_100_trials() {
        Random data = new Random(3);
        int falseAlarms = 0;
        int missed = 0;
        for (int t = 0; t < 100; t++) {
            Recording base = recording(lognormal(data, 5_000, 1.0));
            falseAlarms += GATE.compare(base, recording(lognormal(data, 5_000, 1.0))).verdict() == Verdict.REGRESSION ? 1 : 0;
            missed += GATE.compare(base, recording(lognormal(data, 5_000, 1.2))).result("handle", 50).verdict()
                    == Verdict.REGRESSION ? 0 : 1;
        }
        assertThat(falseAlarms).isZero();
        assertThat(missed).isZero();
    }

    @Test
    void should_be_inconclusive_when_too_few_calls_reach_the_percentile() {
        Random data = new Random(4);
        GateReport report = GATE.compare(recording(lognormal(data, 500, 1.0)), recording(lognormal(data, 500, 1.5)));
        PercentileResult p99 = report.result("handle", 99);
        assertThat(p99.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(p99.reason()).isEqualTo(
                "p99 needs at least 1,000 calls on each side (10 above it); the baseline has 500, the candidate 500");
        assertThat(report.result("handle", 50).verdict()).isEqualTo(Verdict.REGRESSION);
        assertThat(report.verdict()).isEqualTo(Verdict.REGRESSION);
    }

    @Test
    void should_be_inconclusive_when_a_slowdown_is_not_significant() {
        // GIVEN 40 calls per side: too few to tell 15% apart
        Random data = new Random(5);
        GateReport report = Gate.atPercentiles(50).compare(recording(lognormal(data, 40, 1.0)),
                recording(lognormal(data, 40, 1.0)));
        PercentileResult r = report.result("handle", 50);
        assertThat(r.verdict()).as(report.table()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(r.reason()).contains("measure more calls");
        assertThat(report.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void should_judge_a_noisier_candidate_against_the_baselines_shifted_percentile() {
        // GIVEN a quiet baseline (5% CPU wait) and a +20% candidate whose window waited 41% of its runnable time
        Random data = new Random(6);
        Recording base = new Recording("handle", List.of(lognormal(data, 20_000, 1.0)), INFO,
                new NoiseWitness(1_000_000_000L, 50_000_000L, 6));
        Histogram slowNoisy = StatisticsTest.withPreempted(data, lognormal(data, 20_000, 1.2), 0.03);
        Recording cand = new Recording("handle", List.of(slowNoisy), INFO, new NoiseWitness(1_000_000_000L, 700_000_000L, 6));
        // WHEN
        GateReport report = GATE.compare(base, cand);
        // THEN 36 points more wait can move the median as far as the baseline's p86.4: +20% is not beyond that
        PercentileResult p50 = report.result("handle", 50);
        assertThat(p50.verdict()).as(report.table()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(p50.reason()).startsWith("p50 is +2").contains("but the candidate's threads waited for a CPU 36 points"
                + " more than the baseline's (baseline waited 5% of runnable time for a CPU (50 ms of 1.1 s); candidate waited"
                + " 41% of runnable time for a CPU (700 ms of 1.7 s)), which alone can move the candidate's p50 as far as the"
                + " baseline's p86.4; against that the ratio is 0.");
        PercentileResult p99 = report.result("handle", 99);
        assertThat(p99.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(p99.reason()).startsWith("p99 is not comparable: the candidate's threads waited for a CPU 36 points more")
                .endsWith("which alone can move every call above p64; rerun on a quieter machine or use a duet");
    }

    @Test
    void should_still_find_a_regression_that_the_noise_cannot_explain() {
        // GIVEN a candidate twice as slow, with 12 points more CPU wait than the baseline
        Random data = new Random(13);
        Recording base = new Recording("handle", List.of(lognormal(data, 20_000, 1.0)), INFO,
                new NoiseWitness(1_000_000_000L, 50_000_000L, 6));
        Recording cand = new Recording("handle", List.of(lognormal(data, 20_000, 2.0)), INFO,
                new NoiseWitness(1_000_000_000L, 200_000_000L, 6));
        GateReport report = GATE.compare(base, cand);
        PercentileResult p50 = report.result("handle", 50);
        assertThat(p50.verdict()).as(report.table()).isEqualTo(Verdict.REGRESSION);
        assertThat(p50.reason()).contains("; still +").contains("against the baseline's p61.9, as far as the extra noise can move it (the candidate's threads waited");
    }

    @Test
    void should_pass_a_much_noisier_candidate_that_is_not_slower_where_the_noise_rules_out_a_regression_verdict() {
        // GIVEN identical code, the candidate's window 36 points noisier: too noisy to call p99 a regression
        Random data = new Random(15);
        Recording base = new Recording("handle", List.of(lognormal(data, 20_000, 1.0)), INFO,
                new NoiseWitness(1_000_000_000L, 50_000_000L, 6));
        Recording cand = new Recording("handle", List.of(lognormal(data, 20_000, 1.0)), INFO,
                new NoiseWitness(1_000_000_000L, 700_000_000L, 6));
        GateReport report = GATE.compare(base, cand);
        // THEN extra noise on the candidate can only slow it: a p99 that stays within the tolerance still passes
        PercentileResult p99 = report.result("handle", 99);
        assertThat(p99.verdict()).as(report.table()).isEqualTo(Verdict.PASS);
        assertThat(p99.reason()).contains("stays below the 10% tolerance");
    }

    @Test
    void should_find_a_regression_against_a_much_noisier_baseline() {
        // GIVEN a candidate twice as slow, the baseline's window 90 points noisier: its p50 may sit anywhere above p0
        Random data = new Random(16);
        Recording base = new Recording("handle", List.of(lognormal(data, 20_000, 1.0)), INFO,
                new NoiseWitness(1_000_000_000L, 20_000_000_000L, 6));
        Recording cand = new Recording("handle", List.of(lognormal(data, 20_000, 2.0)), INFO,
                new NoiseWitness(1_000_000_000L, 50_000_000L, 6));
        Gate median = Gate.atPercentiles(50);
        // THEN a noisier baseline only makes the candidate look faster: the slowdown still counts
        GateReport slower = median.compare(base, cand);
        assertThat(slower.result("handle", 50).verdict()).as(slower.table()).isEqualTo(Verdict.REGRESSION);
        // and identical code against that baseline cannot pass: the baseline's noise could hide any slowdown
        Recording same = new Recording("handle", List.of(lognormal(data, 20_000, 1.0)), INFO,
                new NoiseWitness(1_000_000_000L, 50_000_000L, 6));
        PercentileResult p50 = median.compare(base, same).result("handle", 50);
        assertThat(p50.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(p50.reason()).startsWith("p50 is not comparable: the baseline's threads waited for a CPU 90 points more")
                .endsWith("which alone can move every call above p10; rerun on a quieter machine or use a duet");
    }

    @Test
    void should_not_pass_against_a_noisier_baseline_what_its_noise_could_hide() {
        // GIVEN identical code, the baseline's window 12 points noisier
        Random data = new Random(14);
        Recording base = new Recording("handle", List.of(lognormal(data, 20_000, 1.0)), INFO,
                new NoiseWitness(1_000_000_000L, 200_000_000L, 6));
        Recording cand = new Recording("handle", List.of(lognormal(data, 20_000, 1.0)), INFO,
                new NoiseWitness(1_000_000_000L, 50_000_000L, 6));
        GateReport report = GATE.compare(base, cand);
        // THEN not a regression, but not a pass either: the baseline's p50 may have come up from its p38
        PercentileResult p50 = report.result("handle", 50);
        assertThat(p50.verdict()).as(report.table()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(p50.reason()).contains("which alone can have moved the baseline's p50 up from its p38");
        assertThat(report.verdict()).isNotEqualTo(Verdict.REGRESSION);
    }

    @Test
    void should_correct_for_multiple_comparisons_with_holm() {
        // p = 0.01, 0.04, 0.03, 0.005: sorted 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, max(0.06, 0.04*1) = 0.06
        assertThat(Gate.holm(new double[] {0.01, 0.04, 0.03, 0.005})).containsExactly(new double[] {0.03, 0.06, 0.06, 0.02},
                within(1e-12));
        assertThat(Gate.holm(new double[] {0.5, 0.9})).containsExactly(new double[] {1.0, 1.0}, within(1e-12));
    }

    @Test
    void should_warn_when_the_baseline_came_from_another_go_version_or_machine() {
        Random data = new Random(7);
        RecordingInfo other = new RecordingInfo("GateTest", "main.handle", "go1.22.12", "", "", 4, "6.1.0",
                INFO.date());
        GateReport report = GATE.compare(new Recording("handle", List.of(lognormal(data, 5_000, 1.0)), other,
                NoiseWitness.NONE), recording(lognormal(data, 5_000, 1.0)));
        assertThat(report.warnings()).containsExactly(
                "the baseline was built with go1.22.12, the candidate with go1.23.5",
                "the baseline was recorded on another machine (4 cores, kernel 6.1.0; this one: 2 cores, kernel 6.18.0)");
        assertThat(report.table()).contains("warning: the baseline was built with go1.22.12");
    }

    @Test
    void should_name_the_missing_baseline() {
        Recording other = new Recording("other", List.of(lognormal(new Random(8), 100, 1.0)), INFO, NoiseWitness.NONE);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> GATE.compare(List.of(other), List.of(recording(lognormal(new Random(9), 100, 1.0)))))
                .withMessage("no baseline for handle; the baseline has other");
    }

    @Test
    void should_give_one_verdict_for_one_pair_of_recordings() {
        Random data = new Random(10);
        Recording b = recording(lognormal(data, 3_000, 1.0));
        Recording c = recording(lognormal(data, 3_000, 1.08));
        assertThat(GATE.compare(b, c).table()).isEqualTo(GATE.compare(b, c).table());
    }

    @Test
    void should_bootstrap_by_rounds_when_the_recordings_have_rounds() {
        // GIVEN the same calls once as one histogram and once as 20 rounds, one of which was hit by a burst of
        // noise (a fifth of its calls preempted, 10x slower)
        Random data = new Random(12);
        List<Histogram> base = new ArrayList<>();
        List<Histogram> cand = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            base.add(lognormal(data, 1_000, 1.0));
            Histogram c = lognormal(data, 1_000, 1.0);
            cand.add(r == 7 ? StatisticsTest.withPreempted(data, c, 0.20) : c);
        }
        Recording b = new Recording("handle", base, INFO, NoiseWitness.NONE);
        Recording c = new Recording("handle", cand, INFO, NoiseWitness.NONE);
        Gate gate = Gate.atPercentiles(99);
        // THEN merged into one window the noisy tail looks like a regression; kept as rounds it is undecided,
        // because the rounds disagree
        assertThat(gate.compare(recording(b.merged()), recording(c.merged())).verdict()).isEqualTo(Verdict.REGRESSION);
        GateReport byRounds = gate.compare(b, c);
        assertThat(byRounds.verdict()).as(byRounds.table()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void should_pair_the_rounds_of_a_duet_so_that_shared_noise_cancels() {
        // GIVEN 20 ABBA-paired rounds where the machine slowed both sides of a round alike, by 1x to 2x, and a
        // candidate 20% slower
        Random data = new Random(15);
        List<Histogram> base = new ArrayList<>();
        List<Histogram> cand = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            double machine = 1 + data.nextDouble();
            base.add(lognormal(data, 500, machine));
            cand.add(lognormal(data, 500, 1.2 * machine));
        }
        Recording b = new Recording("handle", base, INFO, NoiseWitness.NONE);
        Recording paired = new Recording("handle", cand, INFO, NoiseWitness.NONE);
        List<Histogram> shuffled = new ArrayList<>(cand);
        java.util.Collections.shuffle(shuffled, new Random(16));
        Recording unpaired = new Recording("handle", shuffled, INFO, NoiseWitness.NONE);
        Gate gate = Gate.atPercentiles(50);
        // THEN paired, the interval is tight around 1.2; with the pairing broken it is wide
        PercentileResult p = gate.compare(b, paired).result("handle", 50);
        PercentileResult u = gate.compare(b, unpaired).result("handle", 50);
        assertThat(p.verdict()).isEqualTo(Verdict.REGRESSION);
        assertThat(p.low()).isGreaterThan(1.1);
        assertThat(u.high() - u.low()).isGreaterThan(2 * (p.high() - p.low()));
    }

    @Test
    void should_not_call_noise_in_a_few_rounds_of_one_side_a_regression() {
        // GIVEN identical code in a duet, where a CPU hog hit 3 of the candidate's 20 rounds (a third of their
        // calls preempted, 20x slower) and none of the baseline's
        Random data = new Random(17);
        List<Histogram> base = new ArrayList<>();
        List<Histogram> cand = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            base.add(lognormal(data, 500, 1.0));
            Histogram c = lognormal(data, 500, 1.0);
            cand.add(r % 7 == 3 ? StatisticsTest.withPreempted(data, StatisticsTest.withPreempted(data, c, 0.33), 0.33) : c);
        }
        GateReport report = GATE.compare(new Recording("handle", base, INFO, NoiseWitness.NONE),
                new Recording("handle", cand, INFO, NoiseWitness.NONE));
        // THEN the calls alone say p99 is far slower; the rounds do not agree, so it is not a regression
        assertThat(report.result("handle", 99).ratio()).isGreaterThan(1.5);
        assertThat(report.result("handle", 99).verdict()).as(report.table()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(report.result("handle", 50).verdict()).isNotEqualTo(Verdict.REGRESSION);
    }

    @Test
    void should_shift_the_tail_by_the_ratio_of_wait_per_cpu_second() {
        // GIVEN a baseline that waited 0.5 s per CPU-second (33% contention) and a candidate 0.55 s (35%): r = 1.1
        NoiseWitness base = new NoiseWitness(1_000_000_000L, 500_000_000L, 6);
        NoiseWitness cand = new NoiseWitness(1_000_000_000L, 550_000_000L, 6);
        // THEN the candidate's tail above the cliff is 1.1x the baseline's: its p99 is the baseline's 100 - 1/1.1
        assertThat(Gate.tailShift(99, cand, base)).isCloseTo(1 - 1 / 1.1, within(1e-9));
        assertThat(Gate.tailShift(50, cand, base)).isCloseTo(50 * (1 - 1 / 1.1), within(1e-9));
        // and a noisier baseline: its tail is 1.1x the candidate's, its p99 down from the candidate's p98.9
        assertThat(Gate.tailShift(99, base, cand)).isCloseTo(0.1, within(1e-9));
        // a quieter side that never waited: the whole tail may be the noise's
        assertThat(Gate.tailShift(99, cand, new NoiseWitness(1_000_000_000L, 0, 6))).isCloseTo(1, within(1e-9));
        // doing more CPU work at the same wait per CPU-second is no noise at all
        assertThat(Gate.tailShift(99, new NoiseWitness(2_000_000_000L, 1_000_000_000L, 6), base)).isZero();
    }

    /** {@code rounds} rounds of 500 calls, each with {@code preempted} of its calls 10x slower. */
    private static List<Histogram> preemptedRounds(Random data, int rounds, double scale, double preempted) {
        List<Histogram> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            out.add(StatisticsTest.withPreempted(data, lognormal(data, 500, scale), preempted));
        }
        return out;
    }

    @Test
    void should_find_a_p99_regression_of_a_slightly_noisier_candidate_in_a_duet() {
        // GIVEN 40 paired rounds, 2% of each side's calls preempted (the cliff below p99), a candidate 40% slower
        // whose threads waited 2 points more for a CPU (35% vs 33%: its own extra work queues its threads)
        Random data = new Random(31);
        NoiseWitness quieter = new NoiseWitness(10_000_000_000L, 5_000_000_000L, 6);
        NoiseWitness noisier = new NoiseWitness(10_000_000_000L, 5_500_000_000L, 6);
        Recording base = new Recording("handle", preemptedRounds(data, 40, 1.0, 0.02), INFO, quieter);
        Recording cand = new Recording("handle", preemptedRounds(data, 40, 1.4, 0.02), INFO, noisier);
        Gate p99 = Gate.atPercentiles(99).withReplicates(1000);
        // WHEN
        PercentileResult duet = p99.compare(base, cand).result("handle", 99);
        PercentileResult stored = p99.compare(new Recording("handle", List.of(base.merged()), INFO, quieter),
                new Recording("handle", List.of(cand.merged()), INFO, noisier)).result("handle", 99);
        // THEN in the duet the 2 points move p99 only as far as the baseline's p99.09, and +40% is beyond that
        assertThat(duet.verdict()).as(duet.reason()).isEqualTo(Verdict.REGRESSION);
        assertThat(duet.reason()).contains("against the baseline's p99.09, as far as the extra noise can move it");
        // while windows that did not share the machine's noise keep the point rule: p99 + 2 points is out of reach
        assertThat(stored.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(stored.reason()).startsWith("p99 is not comparable: the candidate's threads waited for a CPU 2 points more");
    }

    /** 40 rounds of 500 calls: the first 20 at {@code quiet}'s CPU wait, the rest at {@code noisy}'s and with 10% preempted. */
    private static Recording hogFromTheMiddle(Random data, double scale, NoiseWitness quiet, NoiseWitness noisy) {
        List<Histogram> rounds = new ArrayList<>();
        List<NoiseWitness> witnesses = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            boolean hog = r >= 20;
            rounds.add(StatisticsTest.withPreempted(data, lognormal(data, 500, hog ? 1.3 * scale : scale), hog ? 0.10 : 0.02));
            witnesses.add(hog ? noisy : quiet);
        }
        NoiseWitness all = NoiseWitness.NONE;
        for (NoiseWitness w : witnesses) {
            all = all.plus(w);
        }
        return new Recording("handle", rounds, INFO, all, witnesses);
    }

    /** A round's witness at 33% CPU wait. */
    private static final NoiseWitness QUIET_ROUND = new NoiseWitness(200_000_000L, 100_000_000L, 6);

    /** A stored baseline of 80 rounds of 500 calls, 2% of them preempted, its window at {@link #QUIET_ROUND}'s wait. */
    private static Recording storedQuiet(Random data) {
        NoiseWitness stored = NoiseWitness.NONE;
        for (int i = 0; i < 80; i++) {
            stored = stored.plus(QUIET_ROUND);
        }
        return new Recording("handle", preemptedRounds(data, 80, 1.0, 0.02), INFO, stored);
    }

    @Test
    void should_judge_a_noisier_candidate_on_its_quiet_rounds_against_a_stored_baseline() {
        // GIVEN a stored baseline of 80 rounds at 33% CPU wait, and a candidate 20% slower whose second half ran
        // beside a CPU hog (its rounds at 82% wait, every call 30% slower and 10% preempted)
        Random data = new Random(41);
        Recording base = storedQuiet(data);
        Recording slower = hogFromTheMiddle(data, 1.2, QUIET_ROUND, new NoiseWitness(200_000_000L, 900_000_000L, 6));
        Gate median = Gate.atPercentiles(50).withReplicates(1000);
        // WHEN
        PercentileResult p50 = median.compare(base, slower).result("handle", 50);
        // THEN the 20 rounds before the hog decide it, unshifted
        assertThat(p50.verdict()).as(p50.reason()).isEqualTo(Verdict.REGRESSION);
        assertThat(p50.reason()).contains("the candidate's threads waited for a CPU 38 points more than the baseline's")
                .contains("in the 20 of 40 rounds in which the candidate's threads waited for a CPU no more than the"
                        + " baseline's (33% of runnable time in those rounds, baseline 33%) it is still +2");
        // while the same window without its rounds' witnesses is judged against the shifted percentile, out of reach
        Recording windowOnly = new Recording("handle", slower.rounds(), INFO, slower.witness());
        PercentileResult shifted = median.compare(base, windowOnly).result("handle", 50);
        assertThat(shifted.verdict()).as(shifted.reason()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(shifted.reason()).contains("as far as the baseline's p88.1");
    }

    @Test
    void should_not_call_identical_code_a_regression_when_a_hog_slowed_its_later_rounds() {
        // GIVEN identical code against a stored baseline, the candidate's second half beside a CPU hog
        Random data = new Random(42);
        Recording base = storedQuiet(data);
        Recording same = hogFromTheMiddle(data, 1.0, QUIET_ROUND, new NoiseWitness(200_000_000L, 300_000_000L, 6));
        GateReport report = Gate.atPercentiles(50, 99).withReplicates(1000).compare(base, same);
        // THEN the window as a whole is far slower, but its quiet rounds are not: no regression at either percentile
        assertThat(same.merged().getValueAtPercentile(50)).as("the window's median")
                .isGreaterThan((long) (1.1 * base.merged().getValueAtPercentile(50)));
        for (double q : new double[] {50, 99}) {
            assertThat(report.result("handle", q).verdict()).as(report.table()).isNotEqualTo(Verdict.REGRESSION);
        }
    }

    @Test
    void should_pass_identical_code_against_the_quiet_rounds_of_a_noisier_stored_baseline() {
        // GIVEN a stored baseline whose second half was recorded beside a CPU hog, and identical code measured quietly
        Random data = new Random(44);
        Recording base = hogFromTheMiddle(data, 1.0, QUIET_ROUND, new NoiseWitness(200_000_000L, 300_000_000L, 6));
        Recording same = new Recording("handle", preemptedRounds(data, 30, 1.0, 0.02), INFO,
                new NoiseWitness(6_000_000_000L, 3_000_000_000L, 6)); // 30 rounds: not paired with the baseline's 40
        Gate gate = Gate.atPercentiles(50, 99).withReplicates(1000);
        // WHEN
        GateReport report = gate.compare(base, same);
        // THEN the baseline's 20 quiet rounds rule out a slowdown: a pass, which its noisy half alone could have faked
        for (double q : new double[] {50, 99}) {
            PercentileResult r = report.result("handle", q);
            assertThat(r.verdict()).as(report.table()).isEqualTo(Verdict.PASS);
            assertThat(r.reason()).contains("also against the baseline in the 20 of 40 rounds in which its threads waited"
                    + " for a CPU no more than the candidate's (33% of runnable time in those rounds, candidate 33%)");
        }
        // while without the rounds' witnesses the baseline's noise leaves p99 out of reach
        Recording windowOnly = new Recording("handle", base.rounds(), INFO, base.witness());
        assertThat(gate.compare(windowOnly, same).result("handle", 99).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void should_merge_consecutive_rounds_into_ten_blocks() {
        // GIVEN 40 rounds whose counts tell them apart (round i holds i + 1 calls of value i + 1)
        List<Sample> rounds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rounds.add(Sample.of(new long[] {i + 1}, new long[] {i + 1}));
        }
        // WHEN
        List<Sample> blocks = Gate.blocks(rounds);
        // THEN block k holds rounds 4k..4k+3 in order, every call kept; 10 rounds or fewer stay as they are
        assertThat(blocks).hasSize(10);
        for (int k = 0; k < 10; k++) {
            Sample b = blocks.get(k);
            assertThat(b.values).containsExactly(4L * k + 1, 4L * k + 2, 4L * k + 3, 4L * k + 4);
            assertThat(b.counts).containsExactly(4L * k + 1, 4L * k + 2, 4L * k + 3, 4L * k + 4);
        }
        assertThat(Gate.blocks(rounds.subList(0, 10))).isEqualTo(rounds.subList(0, 10));
    }

    @Test
    void should_refuse_round_witnesses_that_do_not_match_the_rounds() {
        Random data = new Random(43);
        assertThatIllegalArgumentException().isThrownBy(() -> new Recording("handle", List.of(lognormal(data, 100, 1.0),
                lognormal(data, 100, 1.0)), INFO, NoiseWitness.NONE, List.of(NoiseWitness.NONE)))
                .withMessage("a recording of handle has 2 rounds but 1 round witnesses; give one per round, or none");
    }

    @Test
    void should_not_call_identical_code_whose_tail_grew_with_its_wait_a_regression_in_a_duet() {
        // GIVEN identical code in 40 paired rounds; the candidate waited twice as long per CPU-second and so had
        // twice as many calls preempted (4% against 2%): the tail model's case
        Random data = new Random(32);
        Recording base = new Recording("handle", preemptedRounds(data, 40, 1.0, 0.02), INFO,
                new NoiseWitness(10_000_000_000L, 4_000_000_000L, 6));
        Recording cand = new Recording("handle", preemptedRounds(data, 40, 1.0, 0.04), INFO,
                new NoiseWitness(10_000_000_000L, 8_000_000_000L, 6));
        GateReport report = Gate.atPercentiles(50, 99).withReplicates(1000).compare(base, cand);
        // THEN p99 sits among the preempted calls on the candidate's side only; judged against the baseline's
        // p99.5 it is no regression
        PercentileResult p99 = report.result("handle", 99);
        assertThat(p99.ratio()).as("the calls alone").isGreaterThan(1.3);
        assertThat(p99.verdict()).as(p99.reason()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(p99.reason()).contains("as far as the baseline's p99.5");
        assertThat(report.verdict()).isNotEqualTo(Verdict.REGRESSION);
    }

    /** A baseline of one run per {@code scales} entry, each 2,000 calls of lognormal(scale), as mode=append keeps them. */
    private static Recording runs(Random data, double... scales) {
        List<Histogram> runs = new java.util.ArrayList<>();
        for (double s : scales) {
            runs.add(lognormal(data, 2_000, s));
        }
        return new Recording("handle", runs, INFO, NoiseWitness.NONE);
    }

    @Test
    void should_judge_one_run_against_a_baseline_of_runs_by_their_spread() {
        // GIVEN 8 baseline runs whose medians spread like this machine's runs (sd ~8%), and a run 15% slower
        Random data = new Random(21);
        Recording spread = runs(data, 0.88, 0.95, 1.0, 1.05, 1.12, 0.92, 1.08, 1.0);
        Recording slower = recording(lognormal(data, 2_000, 1.15));
        Gate median = Gate.atPercentiles(50).withTolerance(0.10);
        // WHEN
        PercentileResult asRuns = median.compare(spread, slower).result("handle", 50);
        PercentileResult pooled = median.compare(recording(spread.merged()), slower).result("handle", 50);
        // THEN pooled into one window, +15% is a regression; as one more run it lies within the runs' spread
        assertThat(pooled.verdict()).isEqualTo(Verdict.REGRESSION);
        assertThat(asRuns.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(asRuns.high() - asRuns.low()).as("a prediction interval as wide as the runs' spread")
                .isGreaterThan(0.3);
        // and a run twice as slow is a regression all the same
        assertThat(median.compare(spread, recording(lognormal(data, 2_000, 2.0))).result("handle", 50).verdict())
                .isEqualTo(Verdict.REGRESSION);
    }

    @Test
    void should_find_a_20_percent_regression_against_runs_that_agree_and_pass_an_equal_run() {
        // GIVEN 6 baseline runs of one distribution
        Random data = new Random(22);
        Recording agreeing = runs(data, 1, 1, 1, 1, 1, 1);
        Gate median = Gate.atPercentiles(50).withTolerance(0.10);
        // THEN
        assertThat(median.compare(agreeing, recording(lognormal(data, 2_000, 1.2))).result("handle", 50).verdict())
                .isEqualTo(Verdict.REGRESSION);
        assertThat(median.compare(agreeing, recording(lognormal(data, 2_000, 1.0))).result("handle", 50).verdict())
                .isEqualTo(Verdict.PASS);
    }

    static Recording recording(Histogram h) {
        return new Recording("handle", List.of(h), INFO, NoiseWitness.NONE);
    }
}
