// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.apiguardian.api.API;

/**
 * Every gate checked in this JVM while a golat test runs, for the run's summary. golat's JUnit extension
 * names the running test ({@link #enterTest(String)}, on the test's thread and the threads it starts); gates
 * checked outside a golat test are not logged.
 */
@API(status = API.Status.INTERNAL)
public final class GateLog {
    private static final InheritableThreadLocal<String> CURRENT = new InheritableThreadLocal<>();
    private static final List<GateResult> RESULTS = new ArrayList<>();

    private GateLog() {}

    /** The test whose gates follow, e.g. {@code QuoteLatencyIT.quotesStayFast()}. */
    public static void enterTest(String test) {
        CURRENT.set(test);
    }

    /** How a test is named in the log: {@code QuoteLatencyIT.quotesStayFast()}. */
    public static String testName(String testClass, String method) {
        return testClass + "." + method + "()";
    }

    /** The test ended. */
    public static void leaveTest() {
        CURRENT.remove();
    }

    /** Logs a gate of the running golat test; does nothing outside one. */
    public static void record(String function, String statistic, long valueNanos, String limit, boolean passed) {
        record(function, statistic, valueNanos, limit, passed ? GateResult.PASS : GateResult.FAIL);
    }

    /** Logs a gate with its verdict ({@link GateResult#PASS}, {@code FAIL}, {@code INCONCLUSIVE}). */
    public static void record(String function, String statistic, long valueNanos, String limit, String verdict) {
        record(function, statistic, valueNanos, limit, verdict, -1, null, null, "");
    }

    /**
     * Logs a gate with what the report draws of it: the line the statistic is held to ({@code limitNanos}, -1 for
     * none) and, for a comparison, the two histograms and the verdict's reason (see {@link GateResult}).
     */
    public static void record(String function, String statistic, long valueNanos, String limit, String verdict,
            long limitNanos, Histogram current, Histogram baseline, String reason) {
        String test = CURRENT.get();
        if (test != null) {
            GateResult r = new GateResult(test, function, statistic, valueNanos, limit, verdict, limitNanos, current,
                    baseline, reason);
            synchronized (RESULTS) {
                RESULTS.add(r);
            }
        }
    }

    /** How many gates were logged so far (a mark for {@link #since(int)}). */
    public static int size() {
        synchronized (RESULTS) {
            return RESULTS.size();
        }
    }

    /** The gates logged after {@code mark}, in order. */
    public static List<GateResult> since(int mark) {
        synchronized (RESULTS) {
            return List.copyOf(RESULTS.subList(Math.min(mark, RESULTS.size()), RESULTS.size()));
        }
    }
}
