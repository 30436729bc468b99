// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One gate a test checked: a statistic of a traced function against a limit or a baseline, and the verdict.
 * {@code valueNanos} is the statistic; {@code limit} the condition as text, e.g. {@code "< 50 ms"} or {@code
 * "baseline 41.6 µs + 10%"}; {@code verdict} {@value #PASS}, {@value #FAIL} or {@value #INCONCLUSIVE}.
 */
@API(status = API.Status.INTERNAL)
public record GateResult(String test, String function, String statistic, long valueNanos, String limit,
        String verdict) {
    public static final String PASS = "pass";
    public static final String FAIL = "FAIL";
    public static final String INCONCLUSIVE = "inconclusive";

    public GateResult {
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(statistic, "statistic");
        Objects.requireNonNull(limit, "limit");
        if (!verdict.equals(PASS) && !verdict.equals(FAIL) && !verdict.equals(INCONCLUSIVE)) {
            throw new IllegalArgumentException("verdict '" + verdict + "': use pass, FAIL or inconclusive");
        }
    }

    /** A pass or a fail. */
    public GateResult(String test, String function, String statistic, long valueNanos, String limit, boolean passed) {
        this(test, function, statistic, valueNanos, limit, passed ? PASS : FAIL);
    }

    /** Whether the gate held. */
    public boolean passed() {
        return verdict.equals(PASS);
    }
}
