// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.result.Latency;
import dev.golat.result.Units;
import org.assertj.core.data.Percentage;

import java.math.BigDecimal;

/**
 * A statistic (percentile, max, mean) outside its bound.
 *
 * <pre>
 * Expecting p99 of &lt;handleStmtExecute&gt; (n=10,000):
 *   2.7 ms
 * to be less than:
 *   2 ms
 * [text histogram]
 * histogram: target/golat/StmtIT.html
 * </pre>
 *
 * Two different durations are never shown as the same text: when 3 significant digits would print both as
 * {@code "2 ms"}, more digits are used ({@code "2.0004 ms"}).
 */
final class LatencyValueShouldBe extends LatencyMessage {

    private LatencyValueShouldBe(Latency latency, String statistic, String actual, String expectation) {
        super("%nExpecting %s of %s (n=%s):%n  %s%n%s%s", statistic, subject(latency),
                Units.count(latency.count()), actual, expectation, footer(latency));
    }

    /** {@code relation} is e.g. "to be less than". */
    static LatencyValueShouldBe compared(Latency latency, String statistic, long actual, String relation,
                                         long limit) {
        String[] shown = Units.distinctDurations(actual, limit);
        return new LatencyValueShouldBe(latency, statistic, shown[0],
                relation + ":" + System.lineSeparator() + "  " + shown[1]);
    }

    static LatencyValueShouldBe between(Latency latency, String statistic, long actual, long low, long high) {
        long nearest = actual < low ? low : high;
        String[] shown = Units.distinctDurations(actual, nearest);
        String other = Units.duration(nearest == low ? high : low);
        String range = nearest == low ? shown[1] + " and " + other : other + " and " + shown[1];
        return new LatencyValueShouldBe(latency, statistic, shown[0],
                "to be between:" + System.lineSeparator() + "  " + range);
    }

    /** {@code percentage} is null when the tolerance was given as a duration. */
    static LatencyValueShouldBe closeTo(Latency latency, String statistic, long actual, long expected,
                                        long tolerance, Percentage percentage) {
        String nl = System.lineSeparator();
        String[] shown = Units.distinctDurations(actual, expected);
        String within = percentage == null
                ? Units.duration(tolerance)
                : BigDecimal.valueOf(percentage.value).stripTrailingZeros().toPlainString() + "% ("
                        + Units.duration(tolerance) + ")";
        return new LatencyValueShouldBe(latency, statistic, shown[0],
                "to be close to:" + nl + "  " + shown[1] + " ± " + within + nl
                        + "but the difference was:" + nl + "  " + Units.duration(Math.abs(actual - expected)));
    }
}
