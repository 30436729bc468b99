// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.result.GateLog;
import dev.golat.result.GateResult;
import dev.golat.result.Latency;
import dev.golat.result.Units;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.data.Percentage;

import java.time.Duration;
import java.util.Objects;

/**
 * Assertions on one statistic of a {@link Latency} (a percentile, the max or the mean), with failure messages
 * that name the statistic, the function and the sample count and show the histogram:
 *
 * <pre>
 * Expecting p99 of &lt;handleStmtExecute&gt; (n=10,000):
 *   2.7 ms
 * to be less than:
 *   2 ms
 * </pre>
 *
 * {@link #and()} returns to the latency to assert on another statistic.
 */
public final class LatencyValueAssert extends AbstractAssert<LatencyValueAssert, Duration> {

    private final AbstractLatencyAssert<?> parent;
    private final Latency latency;
    private final String statistic;

    LatencyValueAssert(AbstractLatencyAssert<?> parent, Latency latency, String statistic, Duration value) {
        super(value, LatencyValueAssert.class);
        this.parent = parent;
        this.latency = latency;
        this.statistic = statistic;
        withRepresentation(LatencyRepresentation.INSTANCE);
    }

    /** Back to the latency, to assert on another statistic: {@code .p99().isLessThan(a).and().max()...}. */
    public AbstractLatencyAssert<?> and() {
        return parent;
    }

    /** Verifies that the statistic is strictly less than {@code limit}. */
    public LatencyValueAssert isLessThan(Duration limit) {
        long limitNs = nanos(limit, "limit");
        if (!gate(value() < limitNs, "< " + Units.duration(limitNs), limitNs)) {
            failComparison("to be less than", limitNs);
        }
        return myself;
    }

    /** Verifies that the statistic is less than or equal to {@code limit}. */
    public LatencyValueAssert isLessThanOrEqualTo(Duration limit) {
        long limitNs = nanos(limit, "limit");
        if (!gate(value() <= limitNs, "<= " + Units.duration(limitNs), limitNs)) {
            failComparison("to be less than or equal to", limitNs);
        }
        return myself;
    }

    /** Verifies that the statistic is strictly greater than {@code limit}. */
    public LatencyValueAssert isGreaterThan(Duration limit) {
        long limitNs = nanos(limit, "limit");
        if (!gate(value() > limitNs, "> " + Units.duration(limitNs), limitNs)) {
            failComparison("to be greater than", limitNs);
        }
        return myself;
    }

    /** Verifies that the statistic is greater than or equal to {@code limit}. */
    public LatencyValueAssert isGreaterThanOrEqualTo(Duration limit) {
        long limitNs = nanos(limit, "limit");
        if (!gate(value() >= limitNs, ">= " + Units.duration(limitNs), limitNs)) {
            failComparison("to be greater than or equal to", limitNs);
        }
        return myself;
    }

    /** Verifies that {@code low <= statistic <= high}. */
    public LatencyValueAssert isBetween(Duration low, Duration high) {
        long lowNs = nanos(low, "low");
        long highNs = nanos(high, "high");
        if (lowNs > highNs) {
            throw new IllegalArgumentException("isBetween(low, high) needs low <= high, got low="
                    + low + " (" + lowNs + " ns) and high=" + high + " (" + highNs + " ns)");
        }
        if (!gate(value() >= lowNs && value() <= highNs,
                "in [" + Units.duration(lowNs) + ", " + Units.duration(highNs) + "]", highNs)) {
            throwAssertionError(LatencyValueShouldBe.between(latency, statistic, value(), lowNs, highNs));
        }
        return myself;
    }

    /** Verifies that {@code |statistic - expected| <= tolerance}. */
    public LatencyValueAssert isCloseTo(Duration expected, Duration tolerance) {
        long expectedNs = nanos(expected, "expected");
        long toleranceNs = nanos(tolerance, "tolerance");
        if (toleranceNs < 0) {
            throw new IllegalArgumentException("the tolerance must not be negative, was " + tolerance);
        }
        if (!gate(Math.abs(value() - expectedNs) <= toleranceNs,
                Units.duration(expectedNs) + " ± " + Units.duration(toleranceNs), expectedNs + toleranceNs)) {
            throwAssertionError(LatencyValueShouldBe.closeTo(latency, statistic, value(), expectedNs, toleranceNs,
                    null));
        }
        return myself;
    }

    /** Verifies that the statistic is within {@code percentage} percent of {@code expected}. */
    public LatencyValueAssert isCloseTo(Duration expected, Percentage percentage) {
        long expectedNs = nanos(expected, "expected");
        Objects.requireNonNull(percentage, "percentage");
        double toleranceNs = Math.abs(expectedNs) * percentage.value / 100.0;
        if (!gate(Math.abs(value() - expectedNs) <= toleranceNs,
                Units.duration(expectedNs) + " ± " + percentage.value + "%", Math.round(expectedNs + toleranceNs))) {
            throwAssertionError(LatencyValueShouldBe.closeTo(latency, statistic, value(), expectedNs,
                    Math.round(toleranceNs), percentage));
        }
        return myself;
    }

    /**
     * Logs the gate for the run's summary and the report ({@link GateLog}) and returns whether it held; the report
     * draws {@code limitNs} (the upper bound of a range) on the function's plot.
     */
    private boolean gate(boolean held, String limit, long limitNs) {
        GateLog.record(latency.function(), statistic, value(), limit, held ? GateResult.PASS : GateResult.FAIL, limitNs,
                null, null, "");
        return held;
    }

    private long value() {
        return actual.toNanos();
    }

    private void failComparison(String relation, long limitNs) {
        throwAssertionError(LatencyValueShouldBe.compared(latency, statistic, value(), relation, limitNs));
    }

    private static long nanos(Duration d, String what) {
        return Objects.requireNonNull(d, "the " + what + " must not be null").toNanos();
    }
}
