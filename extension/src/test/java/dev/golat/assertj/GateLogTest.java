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
        assertThat(GateLog.since(mark)).containsExactly(
                new GateResult("StmtIT.p99()", f, "p50", p50, "< 1 ms", true),
                new GateResult("StmtIT.p99()", f, "p99", p99, "in [2 ms, 3 ms]", true),
                new GateResult("StmtIT.p99()", f, "max", p99, "3 ms ± 20.0%", true),
                new GateResult("StmtIT.p99()", f, "p99", p99, "<= 2 ms", false));
    }

    @Test
    void should_log_nothing_outside_a_golat_test() {
        int mark = GateLog.size();
        assertThat(TestLatencies.stmtExecute()).p50().isLessThan(Duration.ofMillis(1));
        assertThat(GateLog.since(mark)).isEmpty();
    }
}
