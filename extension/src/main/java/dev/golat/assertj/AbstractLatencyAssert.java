// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.gate.Gate;
import dev.golat.gate.GateLogging;
import dev.golat.gate.GateReport;
import dev.golat.gate.NoiseWitness;
import dev.golat.gate.Recording;
import dev.golat.gate.RecordingInfo;
import dev.golat.result.Latency;
import dev.golat.result.SpanCounts;
import java.time.Instant;
import dev.golat.result.Units;
import org.assertj.core.api.AbstractAssert;

import java.time.Duration;

/**
 * Assertions on the latency of one traced function, in the AssertJ style: {@code isNotNull()} first, then
 * counts, then one statistic at a time.
 *
 * <pre>{@code
 * assertThat(latency).hasCountAtLeast(10_000).percentile(99).isLessThan(Duration.ofMillis(2));
 * }</pre>
 *
 * <p>Every assertion except {@code hasCount(0)} fails on a latency without samples, with "the probe never
 * fired" and what to check, rather than passing vacuously or comparing a percentile of 0. Failure messages
 * show the figures, a text histogram, the probe counters and the path of the HTML report.
 *
 * @param <SELF> the concrete assertion type, for chaining
 */
public abstract class AbstractLatencyAssert<SELF extends AbstractLatencyAssert<SELF>>
        extends AbstractAssert<SELF, Latency> {

    protected AbstractLatencyAssert(Latency actual, Class<?> selfType) {
        super(actual, selfType);
    }

    /**
     * The gate: this latency against {@code baseline} (another window of the same function: another service,
     * or the same one before the change), at p50 and p99 with a 10% tolerance. Fails on a regression; aborts
     * the test when the data cannot decide, saying why (see {@link RecordingAssert}).
     */
    public SELF isNotSlowerThan(Latency baseline) {
        return isNotSlowerThan(baseline, Gate.atPercentiles(50, 99));
    }

    public SELF isNotSlowerThan(Latency baseline, Gate gate) {
        isNotNull();
        Latency base = baseline.snapshot();
        Recording b = recording(base, "baseline");
        Recording c = recording(actual, "candidate");
        GateReport result = gate.compare(b, c);
        GateLogging.log(result, b, c);
        RecordingAssert.check(result, "the latency of " + base.name() + " passed as the baseline", actual.report().orElse(null),
                false, actual.hasBreakdown() ? actual.breakdown().slowest(3) : java.util.List.of());
        return myself;
    }

    private static Recording recording(Latency l, String role) {
        return Recording.of(l.name(), l.histogram(), new RecordingInfo(role, l.function(), "", "", "",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version", ""), Instant.now()),
                NoiseWitness.NONE);
    }

    /** Verifies that at least {@code expected} calls were measured. */
    public SELF hasCountAtLeast(long expected) {
        requireCount(expected);
        requireSamples();
        if (actual.count() < expected) {
            throwAssertionError(LatencyShouldHaveCount.atLeast(actual, expected));
        }
        return myself;
    }

    /** Verifies that exactly {@code expected} calls were measured; {@code hasCount(0)} accepts a silent probe. */
    public SELF hasCount(long expected) {
        requireCount(expected);
        isNotNull();
        if (expected != 0) {
            requireSamples();
        }
        if (actual.count() != expected) {
            throwAssertionError(LatencyShouldHaveCount.exactly(actual, expected));
        }
        return myself;
    }

    /**
     * Verifies that no traced call was left unfinished: none was unwound by a panic or {@code runtime.Goexit}
     * ({@code counts().didNotReturn()}) and none was still running at the snapshot ({@code counts().inflight()}).
     */
    public SELF allCallsReturned() {
        requireSamples();
        if (actual.isSpan()) {
            failWithMessage("%n%s is a span: its calls are spans; use allSpansCompleted()", actual.name());
        }
        if (actual.counts().didNotReturn() != 0 || actual.counts().inflight() != 0) {
            throwAssertionError(new LatencyShouldHaveReturned(actual));
        }
        return myself;
    }

    /**
     * Verifies that every span that started completed: none was not reached ({@code spanCounts().notReached()}),
     * dropped for nesting too deep ({@code overflowed}) or still open at the snapshot ({@code inflight}).
     */
    public SELF allSpansCompleted() {
        requireSamples();
        if (!actual.isSpan()) {
            failWithMessage("%n%s is a function, not a span; use allCallsReturned()", actual.name());
        }
        SpanCounts c = actual.spanCounts();
        if (c.notReached() != 0 || c.overflowed() != 0 || c.inflight() != 0) {
            throwAssertionError(new SpanShouldHaveCompleted(actual));
        }
        return myself;
    }

    /**
     * The latency that {@code p} percent of the calls did not exceed, to compare with a limit.
     *
     * @param p from 0 to 100, e.g. 99.9
     */
    public LatencyValueAssert percentile(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException(
                    "percentile must be between 0 and 100 (e.g. 99.9 for p99.9), was " + p);
        }
        requireSamples();
        return value(Units.percentile(p), actual.percentile(p));
    }

    public LatencyValueAssert p50() {
        return percentile(50);
    }

    public LatencyValueAssert p90() {
        return percentile(90);
    }

    public LatencyValueAssert p99() {
        return percentile(99);
    }

    public LatencyValueAssert p999() {
        return percentile(99.9);
    }

    /** The longest call measured. */
    public LatencyValueAssert max() {
        requireSamples();
        return value("max", actual.max());
    }

    /** The mean of the calls measured. */
    public LatencyValueAssert mean() {
        requireSamples();
        return value("mean", actual.mean());
    }

    private LatencyValueAssert value(String statistic, Duration value) {
        LatencyValueAssert child = new LatencyValueAssert(this, actual, statistic, value);
        child.info.description(info.description());
        return child;
    }

    private void requireSamples() {
        isNotNull();
        if (actual.count() == 0) {
            throwAssertionError(new LatencyShouldHaveSamples(actual));
        }
    }

    private static void requireCount(long expected) {
        if (expected < 0) {
            throw new IllegalArgumentException("the expected number of calls must not be negative, was " + expected);
        }
    }
}
