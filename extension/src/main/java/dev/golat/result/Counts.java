// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.util.Map;
import java.util.StringJoiner;

/**
 * What the probes saw during one test besides the latencies: a function's {@link CallCounts} or a span's
 * {@link SpanCounts}. Every count is over the test's measurement window and never negative.
 */
public sealed interface Counts permits CallCounts, SpanCounts {

    /** Every counter by the name it is printed, asserted and reported under, in a fixed order. */
    Map<String, Long> byName();

    /** Whether the probe (for a span: its start) fired at all. */
    boolean fired();

    /** Why a latency with these counts has no samples, e.g. "the probe never fired (no probe hit)". */
    String noSamplesReason();

    /** These counts followed by {@code later}'s (class totals): counts add up, in-flight is {@code later}'s. */
    Counts followedBy(Counts later);

    /**
     * The counters that are not zero, e.g. {@code "entries=10,003, matched=10,000, didNotReturn=3"}, or
     * {@code "no probe hit"} when all are zero.
     */
    default String nonZero() {
        StringJoiner joiner = new StringJoiner(", ");
        byName().forEach((name, value) -> {
            if (value != 0) {
                joiner.add(name + "=" + Units.count(value));
            }
        });
        return joiner.length() == 0 ? "no probe hit" : joiner.toString();
    }

    /** @throws IllegalArgumentException when {@code value} is negative */
    static void requireNotNegative(String type, String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(type + "." + field + " must not be negative, was " + value);
        }
    }
}
