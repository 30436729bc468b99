// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.gate.Gate;
import dev.golat.gate.GateLogging;
import dev.golat.gate.GateMessage;
import dev.golat.gate.GateReport;
import dev.golat.gate.Recording;
import dev.golat.gate.Verdict;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractAssert;
import org.opentest4j.TestAbortedException;

/**
 * Assertions on a {@link Recording}: a window of one function kept in rounds (what a {@code Duet} returns).
 *
 * <pre>{@code
 * assertThat(duet.candidate()).isNotSlowerThan(duet.baseline());                              // p50, p99, 10%
 * assertThat(duet.candidate()).isNotSlowerThan(duet.baseline(), Gate.atPercentiles(50, 90).withTolerance(0.05));
 * }</pre>
 *
 * A regression fails the test. An inconclusive gate (the data cannot decide; the message says why) aborts it:
 * JUnit reports it as aborted with the reason, neither failed (it is no evidence of a regression: failing
 * would be a flake) nor passed (it is no evidence of its absence). {@link #failingWhenInconclusive()} makes it
 * fail instead.
 */
public final class RecordingAssert extends AbstractAssert<RecordingAssert, Recording> {
    private boolean failWhenInconclusive;
    private Path report;

    RecordingAssert(Recording actual) {
        super(actual, RecordingAssert.class);
    }

    /** Fail, instead of aborting, when the gate is inconclusive. */
    public RecordingAssert failingWhenInconclusive() {
        this.failWhenInconclusive = true;
        return this;
    }

    /** The HTML report to name in a failure. */
    public RecordingAssert withReport(Path report) {
        this.report = report;
        return this;
    }

    /** At p50 and p99 with a 10% tolerance. */
    public RecordingAssert isNotSlowerThan(Recording baseline) {
        return isNotSlowerThan(baseline, Gate.atPercentiles(50, 99));
    }

    public RecordingAssert isNotSlowerThan(Recording baseline, Gate gate) {
        isNotNull();
        GateReport result = gate.compare(baseline, actual);
        GateLogging.log(result, baseline, actual);
        check(result, baseline.info().test(), report, failWhenInconclusive);
        return this;
    }

    /** Fails on a regression, aborts (or fails) when inconclusive, and prints the table either way. */
    static void check(GateReport result, String baselineSource, Path report, boolean failWhenInconclusive) {
        check(result, baselineSource, report, failWhenInconclusive, List.of());
    }

    /** The same, naming the current run's slowest calls ({@code slowest}, one line each) in the message. */
    static void check(GateReport result, String baselineSource, Path report, boolean failWhenInconclusive,
            List<String> slowest) {
        System.out.print(System.lineSeparator() + "golat gate:" + System.lineSeparator() + result.table());
        if (result.verdict() == Verdict.PASS) {
            return;
        }
        String message = GateMessage.of(result, baselineSource, report, slowest);
        if (result.verdict() == Verdict.INCONCLUSIVE && !failWhenInconclusive) {
            throw new TestAbortedException(message);
        }
        throw new AssertionError(message);
    }
}
