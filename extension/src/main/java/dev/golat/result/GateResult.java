// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.util.Objects;

/**
 * One gate a test checked: a statistic of a traced function against a limit (or a baseline), and whether
 * it held. {@code value} is in nanoseconds; {@code limit} is the condition as text, e.g. {@code "< 50 ms"}.
 */
public record GateResult(String test, String function, String statistic, long valueNanos, String limit,
        boolean passed) {
    public GateResult {
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(statistic, "statistic");
        Objects.requireNonNull(limit, "limit");
    }

    /** {@code pass} or {@code FAIL}. */
    public String verdict() {
        return passed ? "pass" : "FAIL";
    }
}
