// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.result.CallCounts;
import dev.golat.result.Latency;
import dev.golat.result.Units;

/**
 * Calls that did not return (a panic or {@code runtime.Goexit} unwound them) or were still running.
 *
 * <pre>
 * Expecting every call of &lt;handleStmtExecute&gt; to have returned, but:
 *   3 did not return (unwound by a panic or runtime.Goexit)
 *   2 were still running when the test ended
 * </pre>
 */
final class LatencyShouldHaveReturned extends LatencyMessage {

    LatencyShouldHaveReturned(Latency latency) {
        super("%nExpecting every call of %s to have returned, but:%s%s", subject(latency),
                problems(latency.counts()), footer(latency));
    }

    private static String problems(CallCounts counts) {
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        if (counts.didNotReturn() != 0) {
            out.append(nl).append("  ").append(Units.count(counts.didNotReturn()))
                    .append(counts.didNotReturn() == 1 ? " call" : " calls")
                    .append(" did not return (unwound by a panic or runtime.Goexit)");
        }
        if (counts.inflight() != 0) {
            out.append(nl).append("  ").append(Units.count(counts.inflight()))
                    .append(counts.inflight() == 1 ? " call was" : " calls were")
                    .append(" still running when the test ended");
        }
        return out.toString();
    }
}
