// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.result.Latency;
import dev.golat.result.SpanCounts;
import dev.golat.result.Units;

/**
 * Spans that started but did not complete: not reached, dropped for nesting too deep, or still open.
 *
 * <pre>
 * Expecting every span of &lt;dispatch-to-tso&gt; to have completed, but:
 *   100 not reached (notReached: the from frame returned before to was reached)
 * </pre>
 */
final class SpanShouldHaveCompleted extends LatencyMessage {

    SpanShouldHaveCompleted(Latency latency) {
        super("%nExpecting every span of %s to have completed, but:%s%s", subject(latency),
                problems(latency.spanCounts()), footer(latency));
    }

    private static String problems(SpanCounts c) {
        StringBuilder out = new StringBuilder();
        line(out, c.notReached(), "not reached (notReached: the from frame returned before to was reached)");
        line(out, c.overflowed(), "dropped (overflowed: more open starts on one goroutine than the agent keeps)");
        line(out, c.inflight(), "still open when the test ended (inflight)");
        return out.toString();
    }

    private static void line(StringBuilder out, long n, String what) {
        if (n != 0) {
            out.append(System.lineSeparator()).append("  ").append(Units.count(n)).append(' ').append(what);
        }
    }
}
