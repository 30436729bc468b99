// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.golat.result.GateLog;
import dev.golat.result.GateResult;
import dev.golat.result.TestLatencies;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every statistic checked inside a golat test is logged for the run summary, pass or fail, with its limit. */
class GateLogTest {

    @Test
    void should_log_each_gate_of_the_running_test_with_value_limit_and_verdict() {
        // GIVEN handleStmtExecute: p50 = 300 µs, p99 = max = 2.7 ms
        int mark = GateLog.size();
        GateLog.enterTest("StmtIT.p99()");
        try {
            // WHEN
            assertThat(TestLatencies.stmtExecute()).p50().isLessThan(Duration.ofMillis(1))
                    .and().p99().isBetween(Duration.ofMillis(2), Duration.ofMillis(3))
                    .and().max().isCloseTo(Duration.ofMillis(3), withPercentage(20));
            Throwable failure = catchThrowable(() -> assertThat(TestLatencies.stmtExecute()).p99()
                    .isLessThanOrEqualTo(Duration.ofMillis(2)));
            assertThat(failure).isInstanceOf(AssertionError.class);
        } finally {
            GateLog.leaveTest();
        }
        // THEN
        String f = "main.(*conn).handleStmtExecute";
        long p50 = TestLatencies.stmtExecute().p50().toNanos(); // as the histogram reports 300 µs
        long p99 = TestLatencies.stmtExecute().p99().toNanos(); // and 2.7 ms
        // each with the line the report draws: the limit, the upper end of a range or of a tolerance
        assertThat(GateLog.since(mark)).containsExactly(
                new GateResult("StmtIT.p99()", f, "p50", p50, "< 1 ms", GateResult.PASS, 1_000_000, null, null, ""),
                new GateResult("StmtIT.p99()", f, "p99", p99, "in [2 ms, 3 ms]", GateResult.PASS, 3_000_000, null, null, ""),
                new GateResult("StmtIT.p99()", f, "max", p99, "3 ms ± 20.0%", GateResult.PASS, 3_600_000, null, null, ""),
                new GateResult("StmtIT.p99()", f, "p99", p99, "<= 2 ms", GateResult.FAIL, 2_000_000, null, null, ""));
        assertThat(GateLog.since(mark)).extracting(GateResult::percentile).containsExactly(50.0, 99.0, 100.0, 99.0);
    }

    @Test
    void should_log_each_percentile_of_a_baseline_gate_with_the_baseline_as_limit() {
        // GIVEN two samples of the same distribution
        java.util.Random data = new java.util.Random(1);
        dev.golat.result.Latency base = GateAssertTest.latency(data, 20_000, 1.0);
        dev.golat.result.Latency candidate = GateAssertTest.latency(data, 20_000, 1.0);
        int mark = GateLog.size();
        GateLog.enterTest("StmtIT.notSlower()");
        try {
            // WHEN
            assertThat(candidate).isNotSlowerThan(base);
        } finally {
            GateLog.leaveTest();
        }
        // THEN p50 and p99, each against the baseline's own figure with the gate's 10% tolerance, with both histograms
        String f = "handleStmtExecute";
        java.util.List<GateResult> logged = GateLog.since(mark);
        assertThat(logged).extracting(GateResult::test, GateResult::function, GateResult::statistic, GateResult::valueNanos,
                GateResult::limit, GateResult::verdict).containsExactly(
                org.assertj.core.groups.Tuple.tuple("StmtIT.notSlower()", f, "p50", candidate.p50().toNanos(),
                        "baseline " + dev.golat.result.Units.duration(base.p50()) + " + 10%", GateResult.PASS),
                org.assertj.core.groups.Tuple.tuple("StmtIT.notSlower()", f, "p99", candidate.p99().toNanos(),
                        "baseline " + dev.golat.result.Units.duration(base.p99()) + " + 10%", GateResult.PASS));
        assertThat(logged).extracting(GateResult::limitNanos).containsExactly(Math.round(base.p50().toNanos() * 1.1),
                Math.round(base.p99().toNanos() * 1.1));
        assertThat(logged).allSatisfy(g -> {
            assertThat(g.current()).isEqualTo(candidate.histogram());
            assertThat(g.baseline()).isEqualTo(base.histogram());
            assertThat(g.reason()).contains("stays below the 10% tolerance");
        });
    }

    @Test
    void should_log_nothing_outside_a_golat_test() {
        int mark = GateLog.size();
        assertThat(TestLatencies.stmtExecute()).p50().isLessThan(Duration.ofMillis(1));
        assertThat(GateLog.since(mark)).isEmpty();
    }
}
