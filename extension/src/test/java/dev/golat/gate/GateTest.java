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
    void should_not_judge_the_tail_when_the_machine_noise_differed_but_still_judge_the_median() {
        // GIVEN a quiet baseline and a +20% candidate whose window sat 40% of its runnable time waiting for a CPU
        Random data = new Random(6);
        Recording base = new Recording("handle", List.of(lognormal(data, 20_000, 1.0)), INFO,
                new NoiseWitness(1_000_000_000L, 50_000_000L, 6));
        Histogram slowNoisy = StatisticsTest.withPreempted(data, lognormal(data, 20_000, 1.2), 0.03);
        Recording cand = new Recording("handle", List.of(slowNoisy), INFO, new NoiseWitness(1_000_000_000L, 700_000_000L, 6));
        // WHEN
        GateReport report = GATE.compare(base, cand);
        // THEN
        assertThat(report.result("handle", 50).verdict()).isEqualTo(Verdict.REGRESSION);
        PercentileResult p99 = report.result("handle", 99);
        assertThat(p99.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(p99.reason()).startsWith("p99 is not comparable: machine noise differed (baseline waited 5% of runnable"
                + " time for a CPU (50 ms of 1.1 s); candidate waited 41% of runnable time for a CPU (700 ms of 1.7 s))");
        assertThat(report.table()).contains("noise: baseline waited 5%");
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

    static Recording recording(Histogram h) {
        return new Recording("handle", List.of(h), INFO, NoiseWitness.NONE);
    }
}
