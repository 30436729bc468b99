// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

/**
 * Percentiles against an independent oracle: the nearest-rank sample of the sorted raw values.
 *
 * <p>Tolerance: HdrHistogram reports the highest value of the bucket that holds the nearest-rank sample.
 * With {@code d} significant digits a bucket is at most {@code 2^-floor(log2(2 * 10^d) - 1)} of its values
 * wide (1/1024 for d = 3, 1/128 for d = 2), so for every percentile
 * {@code exact <= reported <= exact * (1 + 10^-d)}. The min is the lowest value of its bucket instead, and the
 * mean uses the middle of each bucket, so both are within {@code 10^-d} of the exact figure on either side.
 */
class LatencyTest {

    private static final double[] PERCENTILES = {0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100};

    @ParameterizedTest(name = "{0} significant digits")
    @ValueSource(ints = {2, 3})
    void should_agree_with_nearest_rank_of_sorted_samples_within_histogram_precision(int digits) {
        // GIVEN 100,000 samples spread log-uniformly from 1 µs to 100 ms
        Random random = new Random(20_240_905L + digits);
        long[] samples = new long[100_000];
        Histogram histogram = new Histogram(digits);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (long) Math.pow(10, 3 + 5 * random.nextDouble());
            histogram.recordValue(samples[i]);
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        double tolerance = Math.pow(10, -digits);
        // WHEN
        Latency latency = Latency.of("work", "main.work", histogram, TestLatencies.clean(samples.length), null);
        // THEN
        assertThat(latency.count()).isEqualTo(samples.length);
        for (double p : PERCENTILES) {
            long exact = nearestRank(sorted, p);
            long reported = latency.percentile(p).toNanos();
            assertThat(reported).as("p%s", p).isBetween(exact, exact + (long) Math.floor(exact * tolerance));
        }
        assertThat(latency.p50()).isEqualTo(latency.percentile(50));
        assertThat(latency.p90()).isEqualTo(latency.percentile(90));
        assertThat(latency.p99()).isEqualTo(latency.percentile(99));
        assertThat(latency.p999()).isEqualTo(latency.percentile(99.9));
        long max = sorted[sorted.length - 1];
        assertThat(latency.max().toNanos()).isBetween(max, max + (long) Math.floor(max * tolerance));
        long min = sorted[0];
        assertThat(latency.min().toNanos()).isBetween(min - (long) Math.ceil(min * tolerance), min);
        double mean = Arrays.stream(samples).average().orElseThrow();
        assertThat((double) latency.mean().toNanos()).isCloseTo(mean, within(mean * tolerance));
    }

    /** The smallest sample that at least p% of the samples do not exceed: sorted[ceil(p/100 * n) - 1]. */
    private static long nearestRank(long[] sorted, double p) {
        long rank = BigDecimal.valueOf(p).multiply(BigDecimal.valueOf(sorted.length))
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING).longValueExact();
        return sorted[(int) Math.max(rank, 1) - 1];
    }

    @Test
    void should_keep_its_own_copy_of_the_histogram() {
        // GIVEN
        Histogram histogram = TestLatencies.histogram(10, 1_000);
        Latency latency = Latency.of("f", "main.f", histogram, TestLatencies.clean(10), null);
        // WHEN the caller's histogram and the returned copy change
        histogram.recordValueWithCount(5_000_000, 1_000);
        latency.histogram().recordValueWithCount(5_000_000, 1_000);
        // THEN
        assertThat(latency.count()).isEqualTo(10);
        assertThat(latency.max()).isEqualTo(Duration.ofNanos(1_000));
    }

    @Test
    void should_refuse_percentiles_when_the_probe_never_fired() {
        // GIVEN
        Latency latency = Latency.empty("handleStmtExecute", "main.(*conn).handleStmtExecute");
        // WHEN / THEN
        assertThat(latency.count()).isZero();
        assertThat(latency.counts()).isEqualTo(CallCounts.NONE);
        assertThat(latency.report()).isEmpty();
        assertThatIllegalStateException().isThrownBy(latency::p99).withMessage(
                "no p99 for handleStmtExecute (main.(*conn).handleStmtExecute): the probe never fired (no probe hit). "
                        + "Is it the function you meant (the plan printed at the start of the test shows where it "
                        + "was probed)? Was it inlined into its callers? Did the test drive it?");
        assertThatIllegalStateException().isThrownBy(latency::max).withMessageStartingWith("no max for ");
        assertThatIllegalStateException().isThrownBy(latency::min).withMessageStartingWith("no min for ");
        assertThatIllegalStateException().isThrownBy(latency::mean).withMessageStartingWith("no mean for ");
    }

    @Test
    void should_say_the_probe_fired_when_calls_started_but_none_returned() {
        // GIVEN
        Latency latency = Latency.of("f", "main.f", new Histogram(3), new CallCounts(3, 0, 1, 0, 0, 2, 0), null);
        // WHEN / THEN
        assertThatIllegalStateException().isThrownBy(latency::p50).withMessageStartingWith(
                "no p50 for f (main.f): the probe fired but no call returned while traced "
                        + "(entries=3, didNotReturn=1, inflight=2).");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 100.01, Double.NaN})
    void should_reject_percentiles_outside_0_to_100(double p) {
        Latency latency = TestLatencies.stmtExecute();
        assertThatIllegalArgumentException().isThrownBy(() -> latency.percentile(p))
                .withMessage("percentile must be between 0 and 100 (e.g. 99.9 for p99.9), was " + p);
    }

    @Test
    void should_summarise_in_one_line() {
        assertThat(TestLatencies.stmtExecute()).hasToString(
                "handleStmtExecute: n=10,000 p50=300µs p99=2.7ms max=2.7ms");
        assertThat(Latency.empty("f", "main.f")).hasToString("f: n=0 (the probe never fired (no probe hit))");
    }

    @Test
    void should_expose_what_it_was_built_with() {
        Latency latency = TestLatencies.stmtExecute();
        assertThat(latency.name()).isEqualTo("handleStmtExecute");
        assertThat(latency.function()).isEqualTo("main.(*conn).handleStmtExecute");
        assertThat(latency.report()).contains(Path.of("target/golat/StmtIT.html"));
        assertThat(latency.counts()).isEqualTo(TestLatencies.clean(10_000));
    }

    @Test
    void should_read_current_figures_when_live_and_freeze_on_snapshot() {
        // GIVEN a live latency whose source grows by one call per read
        Histogram source = new Histogram(3);
        Latency live = Latency.live("f", "main.f", () -> {
            source.recordValue(1_000);
            return Latency.of("f", "main.f", source, TestLatencies.clean(source.getTotalCount()), null);
        });
        // WHEN it is read twice, then frozen
        long first = live.count();
        long second = live.count();
        Latency frozen = live.snapshot();
        // THEN each read saw the source as it was, and the frozen copy no longer changes
        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        assertThat(frozen.count()).isEqualTo(3);
        assertThat(frozen.count()).isEqualTo(3);
        assertThat(frozen.snapshot()).isSameAs(frozen);
        assertThat(live.name()).isEqualTo("f");
    }
}
