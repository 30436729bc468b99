// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.agent.BreakdownSnapshots;
import dev.golat.agent.Component;
import dev.golat.gate.Gate;
import dev.golat.result.CallCounts;
import dev.golat.result.Latency;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class GateAssertTest {

    @Test
    void should_pass_when_not_slower() {
        Random data = new Random(1);
        assertThat(latency(data, 20_000, 1.0)).isNotSlowerThan(latency(data, 20_000, 1.0));
    }

    @Test
    void should_fail_with_every_percentile_when_slower() {
        // GIVEN a candidate 25% slower
        Random data = new Random(2);
        Latency base = latency(data, 20_000, 1.0);
        Latency cand = latency(data, 20_000, 1.25);
        // THEN
        assertThatThrownBy(() -> assertThat(cand).isNotSlowerThan(base)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting handleStmtExecute not to be slower than its baseline (tolerance 10%):")
                .hasMessageMatching("(?s).*\\n  p50: baseline [\\d.]+ µs, current [\\d.]+ µs, ratio 1\\.2\\d\\d \\(95% CI 1\\.\\d{3}-1\\.\\d{3}\\),"
                        + " p <0\\.001, n 20,000/20,000: REGRESSION \\(p50 is \\+2\\d\\.\\d%, at least the 10% tolerance.*")
                .hasMessageContaining("\n  p99: baseline ")
                .hasMessageContaining("baseline: the latency of handleStmtExecute passed as the baseline (unknown Go version on ")
                .hasMessageContaining("noise: baseline no CPU-wait figures, current no CPU-wait figures")
                .hasMessageContaining("verdict: REGRESSION")
                .hasMessageEndingWith("histogram: target/golat/StmtIT.html");
    }

    @Test
    void should_name_the_slowest_calls_of_a_broken_down_candidate_that_is_slower() {
        // GIVEN a candidate whose 20,000 calls all take 25 µs (the baseline's p50 is 20 µs), traced with its
        // breakdown and one exemplar
        Latency base = latency(new Random(2), 20_000, 1.0);
        Latency cand = dev.golat.result.Snapshots.toLatency("handleStmtExecute", "main.serve",
                BreakdownSnapshots.with(BreakdownSnapshots.probe("main.serve", 20_000, 25_000), 20_000, 0, Map.of(),
                        List.of(BreakdownSnapshots.exemplar(600_000, 77, Map.of(Component.RUNNING, 100_000L,
                                Component.RUNNABLE, 500_000L)))), Path.of("target/golat/StmtIT.html"));
        // THEN
        assertThatThrownBy(() -> assertThat(cand).isNotSlowerThan(base)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("verdict: REGRESSION")
                .hasMessageEndingWith(String.format("%nslowest call 600 µs: 100 µs running, 500 µs runnable, goroutine 77"
                        + "%nhistogram: target/golat/StmtIT.html"));
    }

    @Test
    void should_abort_when_the_data_cannot_decide() {
        Random data = new Random(3);
        Latency base = latency(data, 200, 1.0);
        Latency cand = latency(data, 200, 1.0);
        assertThatThrownBy(() -> assertThat(cand).isNotSlowerThan(base, Gate.atPercentiles(99)))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("p99: baseline ")
                .hasMessageContaining("INCONCLUSIVE (p99 needs at least 1,000 calls on each side (10 above it)");
    }

    static Latency latency(Random random, int n, double scale) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            h.recordValue(Math.round(scale * 20_000 * Math.exp(0.5 * random.nextGaussian())));
        }
        return Latency.of("handleStmtExecute", "main.(*clientConn).handleStmtExecute", h, CallCounts.NONE,
                Path.of("target/golat/StmtIT.html"));
    }
}
