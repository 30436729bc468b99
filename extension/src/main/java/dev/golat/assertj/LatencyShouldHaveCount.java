// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.result.Latency;
import dev.golat.result.Units;

/**
 * Too few (or not exactly the expected number of) calls measured.
 *
 * <pre>
 * Expecting &lt;handleStmtExecute&gt; to have measured at least:
 *   10,000 calls
 * but measured:
 *   9,812 calls
 * </pre>
 */
final class LatencyShouldHaveCount extends LatencyMessage {

    private LatencyShouldHaveCount(Latency latency, String relation, long expected) {
        super("%nExpecting %s to have measured %s:%n  %s%nbut measured:%n  %s%s",
                subject(latency), relation, calls(expected), calls(latency.count()), footer(latency));
    }

    static LatencyShouldHaveCount atLeast(Latency latency, long expected) {
        return new LatencyShouldHaveCount(latency, "at least", expected);
    }

    static LatencyShouldHaveCount exactly(Latency latency, long expected) {
        return new LatencyShouldHaveCount(latency, "exactly", expected);
    }

    private static String calls(long n) {
        return Units.count(n) + (n == 1 ? " call" : " calls");
    }
}
