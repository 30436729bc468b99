// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.agent.BreakdownSnapshots;
import dev.golat.agent.Component;
import dev.golat.report.ConsoleHistogram;
import dev.golat.result.CallCounts;
import dev.golat.result.Latency;
import dev.golat.result.SpanCounts;
import dev.golat.result.TestLatencies;
import org.HdrHistogram.Histogram;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.BDDAssertions.then;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * Messages are checked in full. {@link TestLatencies#stmtExecute()} holds 9,850 calls of 300 µs, 40 of 1 ms
 * and 110 of 2.7 ms: p50 = p90 = 300 µs, p99 = p99.9 = max = 2.7 ms.
 */
class LatencyAssertTest {

    private static final String NL = System.lineSeparator();

    private static Duration micros(long micros) {
        return Duration.ofNanos(micros * 1_000);
    }

    private static String lines(String... lines) {
        return String.join(NL, lines);
    }

    private static AssertionError expectAssertionError(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("the assertion should have failed").isInstanceOf(AssertionError.class);
        return (AssertionError) thrown;
    }

    /** The histogram, counters and report path that end every message about {@code latency}. */
    private static String footer(Latency latency) {
        return NL + ConsoleHistogram.render(latency).stripTrailing()
                + latency.report().map(p -> NL + "histogram: " + p).orElse("");
    }

    @Test
    void should_pass_when_every_statistic_is_within_its_limit() {
        // GIVEN
        Latency latency = TestLatencies.stmtExecute();
        // WHEN / THEN no AssertionError
        assertThat(latency).isNotNull().hasCountAtLeast(10_000).hasCount(10_000).allCallsReturned()
                .percentile(99).isLessThan(Duration.ofMillis(3)).isGreaterThan(Duration.ofMillis(2))
                .and().p50().isBetween(micros(299), micros(301))
                .and().p90().isLessThanOrEqualTo(Duration.ofNanos(latency.p90().toNanos()))
                .and().p999().isGreaterThanOrEqualTo(Duration.ofNanos(latency.p999().toNanos()))
                .and().max().isCloseTo(Duration.ofMillis(2_700), Duration.ofMillis(2_699))
                .and().mean().isCloseTo(micros(330), withPercentage(5));
    }

    @Test
    void should_name_the_slowest_calls_when_a_broken_down_p99_exceeds_its_limit() {
        // GIVEN 10 calls of ~12 ms, the slowest 12.1 ms mostly waiting on a channel
        Latency latency = dev.golat.result.Snapshots.toLatency("serve", "main.serve", BreakdownSnapshots.with(
                BreakdownSnapshots.probe("main.serve", 10, 12_000_000), 10, 0, Map.of(), List.of(
                        BreakdownSnapshots.exemplar(12_100_000, 4711, Map.of(Component.RUNNING, 300_000L,
                                Component.WAITING, 11_800_000L, Component.WAIT_CHAN, 11_800_000L)))), null);
        // WHEN
        AssertionError error = expectAssertionError(() ->
                assertThat(latency).percentile(99).isLessThan(Duration.ofMillis(2)));
        // THEN the histogram, then the slowest call with its goroutine and parts
        then(error.getMessage()).endsWith(ConsoleHistogram.render(latency).stripTrailing() + NL
                + "slowest call 12.1 ms: 300 µs running, 11.8 ms waiting chan, goroutine 4711");
    }

    @Test
    void should_fail_when_p99_exceeds_limit() {
        // GIVEN
        Latency latency = TestLatencies.stmtExecute();
        // WHEN
        AssertionError error = expectAssertionError(() ->
                assertThat(latency).hasCountAtLeast(10_000).percentile(99).isLessThan(Duration.ofMillis(2)));
        // THEN
        then(error).hasMessage(lines(
                "",
                "Expecting p99 of <handleStmtExecute> (n=10,000):",
                "  2.7 ms",
                "to be less than:",
                "  2 ms",
                "handleStmtExecute (main.(*conn).handleStmtExecute)",
                "[256 µs, 512 µs) 9,850 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
                "[512 µs, 1 ms)       0 |                                        |",
                "[1 ms, 2 ms)        40 |@                                       |",
                "[2 ms, 4 ms)       110 |@                                       |",
                "n=10,000  p50=300 µs  p90=300 µs  p99=2.7 ms  p99.9=2.7 ms  max=2.7 ms  "
                        + "(entries=10,000, matched=10,000)",
                "histogram: target/golat/StmtIT.html"));
    }

    @Test
    void should_fail_when_count_is_below_the_minimum() {
        // GIVEN
        Latency latency = TestLatencies.stmtExecute();
        // WHEN
        AssertionError error = expectAssertionError(() -> assertThat(latency).hasCountAtLeast(12_500));
        // THEN
        then(error).hasMessage(lines("", "Expecting <handleStmtExecute> to have measured at least:", "  12,500 calls",
                "but measured:", "  10,000 calls") + footer(latency));
    }

    @Test
    void should_fail_when_count_differs() {
        // GIVEN
        Latency latency = Latency.of("f", "main.f", TestLatencies.histogram(1, 500), TestLatencies.clean(1), null);
        // WHEN
        AssertionError error = expectAssertionError(() -> assertThat(latency).hasCount(2));
        // THEN no report line: this latency has no report
        then(error).hasMessage(lines("", "Expecting <f> to have measured exactly:", "  2 calls", "but measured:",
                "  1 call", "f (main.f)",
                "[256 ns, 512 ns) 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
                "n=1  p50=500 ns  p90=500 ns  p99=500 ns  p99.9=500 ns  max=500 ns  (entries=1, matched=1)"));
    }

    @Test
    void should_fail_when_the_probe_never_fired() {
        // GIVEN
        Latency latency = Latency.of("handleStmtExecute", "main.(*conn).handleStmtExecute", new Histogram(3),
                CallCounts.NONE, Path.of("target/golat/StmtIT.html"));
        // WHEN
        AssertionError error = expectAssertionError(() ->
                assertThat(latency).percentile(99).isLessThan(Duration.ofMillis(2)));
        // THEN
        then(error).hasMessage(lines(
                "",
                "Expecting <handleStmtExecute> (main.(*conn).handleStmtExecute) to have measured calls, "
                        + "but the probe never fired:",
                "  no probe hit",
                "Check:",
                "  - the function: is it the one you meant? The plan printed when tracing started shows where it "
                        + "was probed.",
                "  - inlining: a function inlined into its callers has no call to probe; trace a caller, or build "
                        + "the service with -gcflags=all=-l.",
                "  - the test: did it drive this function while it was traced?",
                "histogram: target/golat/StmtIT.html"));
    }

    @Test
    void should_fail_every_assertion_but_hasCount_0_when_the_probe_never_fired() {
        // GIVEN
        Latency latency = Latency.empty("f", "main.f");
        // WHEN / THEN
        assertThat(latency).hasCount(0);
        for (ThrowingCallable call : new ThrowingCallable[] {
                () -> assertThat(latency).hasCountAtLeast(0),
                () -> assertThat(latency).hasCount(1),
                () -> assertThat(latency).allCallsReturned(),
                () -> assertThat(latency).p50(),
                () -> assertThat(latency).max(),
                () -> assertThat(latency).mean(),
        }) {
            then(expectAssertionError(call)).hasMessageContaining("but the probe never fired:");
        }
    }

    @Test
    void should_say_no_call_returned_when_the_probe_fired_without_samples() {
        // GIVEN 3 entries: one unwound by a panic, two still running
        Latency latency = Latency.of("f", "main.f", new Histogram(3), new CallCounts(3, 0, 1, 0, 0, 2, 0), null);
        // WHEN
        AssertionError error = expectAssertionError(() -> assertThat(latency).hasCountAtLeast(1));
        // THEN
        then(error).hasMessage(lines(
                "",
                "Expecting <f> (main.f) to have measured calls, but no call returned while it was traced:",
                "  entries=3, didNotReturn=1, inflight=2",
                "Check:",
                "  - didNotReturn counts calls unwound by a panic or runtime.Goexit: see the service's log.",
                "  - inflight counts calls still running when the test ended: wait for them before it returns."));
    }

    @Test
    void should_fail_when_calls_did_not_return() {
        // GIVEN 3 calls measured, 1 unwound by a panic, 2 still running
        Latency latency = Latency.of("f", "main.f", TestLatencies.histogram(3, 700), new CallCounts(6, 3, 1, 0, 0, 2, 0),
                null);
        // WHEN
        AssertionError error = expectAssertionError(() -> assertThat(latency).hasCount(3).allCallsReturned());
        // THEN
        then(error).hasMessage(lines(
                "",
                "Expecting every call of <f> to have returned, but:",
                "  1 call did not return (unwound by a panic or runtime.Goexit)",
                "  2 calls were still running when the test ended") + footer(latency));
        then(error.getMessage()).contains("(entries=6, matched=3, didNotReturn=1, inflight=2)");
    }

    @Test
    void should_fail_when_spans_were_not_reached_naming_the_span_counters() {
        // GIVEN a span: 10 started, 8 completed, 2 not reached
        Latency span = Latency.of("dispatch-to-tso", "main.dispatch → main.getTSO", TestLatencies.histogram(8, 700),
                new SpanCounts(10, 8, 2, 0, 0, 0, 0, 0, 0), null);
        // WHEN
        AssertionError error = expectAssertionError(() -> assertThat(span).hasCount(8).allSpansCompleted());
        // THEN
        then(error).hasMessage(lines(
                "",
                "Expecting every span of <dispatch-to-tso> to have completed, but:",
                "  2 not reached (notReached: the from frame returned before to was reached)") + footer(span));
        then(error.getMessage()).contains("(started=10, completed=8, notReached=2)");
    }

    @Test
    void should_pass_when_every_span_completed_and_refuse_call_assertions_on_a_span() {
        Latency span = Latency.of("s", "main.a → main.b", TestLatencies.histogram(5, 700),
                new SpanCounts(5, 5, 0, 0, 0, 0, 0, 0, 0), null);

        assertThat(span).hasCount(5).allSpansCompleted();
        then(expectAssertionError(() -> assertThat(span).allCallsReturned()))
                .hasMessageContaining("s is a span: its calls are spans; use allSpansCompleted()");
        then(expectAssertionError(() -> assertThat(TestLatencies.stmtExecute()).allSpansCompleted()))
                .hasMessageContaining("handleStmtExecute is a function, not a span; use allCallsReturned()");
    }

    @Test
    void should_show_more_digits_when_both_durations_would_read_the_same() {
        // GIVEN every call took 1,501 ns (exact: the histogram is exact below 2,048 ns)
        Latency latency = Latency.of("f", "main.f", TestLatencies.histogram(10, 1_501), TestLatencies.clean(10), null);
        // WHEN
        AssertionError error = expectAssertionError(() ->
                assertThat(latency).max().isLessThanOrEqualTo(Duration.ofNanos(1_500)));
        // THEN
        then(error).hasMessageStartingWith(lines("", "Expecting max of <f> (n=10):", "  1.501 µs",
                "to be less than or equal to:", "  1.5 µs", "f (main.f)"));
    }

    @Test
    void should_fail_when_p50_is_not_greater_than_floor() {
        Latency latency = TestLatencies.stmtExecute();
        AssertionError error = expectAssertionError(() ->
                assertThat(latency).p50().isGreaterThan(Duration.ofMillis(1)));
        then(error).hasMessage(lines("", "Expecting p50 of <handleStmtExecute> (n=10,000):", "  300 µs",
                "to be greater than:", "  1 ms") + footer(latency));
    }

    @Test
    void should_fail_when_p90_is_below_floor() {
        Latency latency = TestLatencies.stmtExecute();
        AssertionError error = expectAssertionError(() ->
                assertThat(latency).p90().isGreaterThanOrEqualTo(Duration.ofMillis(1)));
        then(error).hasMessageStartingWith(lines("", "Expecting p90 of <handleStmtExecute> (n=10,000):",
                "  300 µs", "to be greater than or equal to:", "  1 ms", ""));
    }

    @Test
    void should_fail_when_p999_is_outside_a_range() {
        Latency latency = TestLatencies.stmtExecute();
        AssertionError error = expectAssertionError(() ->
                assertThat(latency).p999().isBetween(Duration.ofMillis(1), Duration.ofMillis(2)));
        then(error).hasMessage(lines("", "Expecting p99.9 of <handleStmtExecute> (n=10,000):", "  2.7 ms",
                "to be between:", "  1 ms and 2 ms") + footer(latency));
    }

    @Test
    void should_fail_when_the_mean_is_not_close_to_the_expected_value() {
        // GIVEN mean = (9,850 × 300 µs + 40 × 1 ms + 110 × 2.7 ms) / 10,000 = 329.2 µs; the histogram keeps each
        // sample as the middle of its bucket (299.904 µs, 1,000.192 µs, 2,700.288 µs), hence 329.109 µs
        // (within HdrHistogram's 0.1%) and a difference of 79.1 µs from 250 µs
        Latency latency = TestLatencies.stmtExecute();
        // WHEN
        AssertionError byDuration = expectAssertionError(() ->
                assertThat(latency).mean().isCloseTo(micros(250), micros(50)));
        AssertionError byPercentage = expectAssertionError(() ->
                assertThat(latency).mean().isCloseTo(micros(250), withPercentage(10)));
        // THEN
        then(byDuration).hasMessageStartingWith(lines("", "Expecting mean of <handleStmtExecute> (n=10,000):",
                "  329 µs", "to be close to:", "  250 µs ± 50 µs", "but the difference was:", "  79.1 µs", ""));
        then(byPercentage).hasMessageStartingWith(lines("", "Expecting mean of <handleStmtExecute> (n=10,000):",
                "  329 µs", "to be close to:", "  250 µs ± 10% (25 µs)", "but the difference was:", "  79.1 µs", ""));
    }

    @Test
    void should_prefix_the_description_given_with_as() {
        Latency latency = TestLatencies.stmtExecute();
        AssertionError error = expectAssertionError(() ->
                assertThat(latency).as("checkout").p99().isLessThan(Duration.ofMillis(2)));
        then(error).hasMessageStartingWith("[checkout] " + NL + "Expecting p99 of <handleStmtExecute>");
    }

    @Test
    void should_fail_on_a_null_latency() {
        AssertionError error = expectAssertionError(() -> assertThat((Latency) null).p99());
        then(error).hasMessageContaining("Expecting actual not to be null");
    }

    @Test
    void should_reject_bad_arguments_with_what_was_given() {
        Latency latency = TestLatencies.stmtExecute();
        assertThatIllegalArgumentException().isThrownBy(() -> assertThat(latency).percentile(101))
                .withMessage("percentile must be between 0 and 100 (e.g. 99.9 for p99.9), was 101.0");
        assertThatIllegalArgumentException().isThrownBy(() -> assertThat(latency).hasCountAtLeast(-1))
                .withMessage("the expected number of calls must not be negative, was -1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> assertThat(latency).p99().isBetween(Duration.ofMillis(2), Duration.ofMillis(1)))
                .withMessage("isBetween(low, high) needs low <= high, got low=PT0.002S (2000000 ns) "
                        + "and high=PT0.001S (1000000 ns)");
    }
}
