// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.util.Objects;
import org.HdrHistogram.Histogram;
import org.apiguardian.api.API;

/**
 * One gate a test checked: a statistic of a traced function against a limit or a baseline, and the verdict.
 * {@code valueNanos} is the statistic; {@code limit} the condition as text, e.g. {@code "< 50 ms"} or {@code
 * "baseline 41.6 µs + 10%"}; {@code verdict} {@value #PASS}, {@value #FAIL} or {@value #INCONCLUSIVE}.
 *
 * <p>For the report's plot: {@code limitNanos} is the value the statistic is held to (the limit of {@code < 50 ms},
 * the baseline's percentile times 1 + tolerance of a comparison; -1 when the gate has no single line to draw),
 * {@code current} and {@code baseline} the two histograms a comparison judged (null for a threshold), and
 * {@code reason} why the verdict is what it is (empty for a threshold).
 */
@API(status = API.Status.INTERNAL)
public record GateResult(String test, String function, String statistic, long valueNanos, String limit,
        String verdict, long limitNanos, Histogram current, Histogram baseline, String reason) {
    public static final String PASS = "pass";
    public static final String FAIL = "FAIL";
    public static final String INCONCLUSIVE = "inconclusive";

    public GateResult {
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(statistic, "statistic");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(reason, "reason");
        if (!verdict.equals(PASS) && !verdict.equals(FAIL) && !verdict.equals(INCONCLUSIVE)) {
            throw new IllegalArgumentException("verdict '" + verdict + "': use pass, FAIL or inconclusive");
        }
        current = current == null ? null : current.copy();
        baseline = baseline == null ? null : baseline.copy();
    }

    /** A gate without a line to draw or histograms. */
    public GateResult(String test, String function, String statistic, long valueNanos, String limit, String verdict) {
        this(test, function, statistic, valueNanos, limit, verdict, -1, null, null, "");
    }

    /** A pass or a fail. */
    public GateResult(String test, String function, String statistic, long valueNanos, String limit, boolean passed) {
        this(test, function, statistic, valueNanos, limit, passed ? PASS : FAIL);
    }

    /** Whether the gate held. */
    public boolean passed() {
        return verdict.equals(PASS);
    }

    /** Whether the gate failed (a regression or a limit crossed; not an inconclusive comparison). */
    public boolean failed() {
        return verdict.equals(FAIL);
    }

    /**
     * Where on the percentile axis the statistic sits: 99.9 for {@code p99.9}, 100 for {@code max}, 0 for
     * {@code min}; NaN for a statistic that is no percentile (the mean).
     */
    public double percentile() {
        if (statistic.equals("max")) {
            return 100;
        }
        if (statistic.equals("min")) {
            return 0;
        }
        if (statistic.startsWith("p")) {
            try {
                double p = Double.parseDouble(statistic.substring(1));
                return p >= 0 && p <= 100 ? p : Double.NaN;
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
