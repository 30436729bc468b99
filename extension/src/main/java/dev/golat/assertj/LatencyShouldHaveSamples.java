// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.result.Counts;
import dev.golat.result.SpanCounts;
import dev.golat.result.Latency;

/**
 * A latency without samples: the probe never fired, or it fired and no call returned.
 *
 * <pre>
 * Expecting &lt;handleStmtExecute&gt; (main.(*conn).handleStmtExecute) to have measured calls, but the probe never fired:
 *   no probe hit
 * Check:
 *   - the function: is it the one you meant? The plan printed when tracing started shows where it was probed.
 *   - inlining: ...
 *   - the test: did it drive this function while it was traced?
 * </pre>
 */
final class LatencyShouldHaveSamples extends LatencyMessage {

    LatencyShouldHaveSamples(Latency latency) {
        super("%nExpecting %s (%s) to have measured calls, but %s:%n  %s%n%s%s",
                subject(latency), latency.function(), reason(latency.counters()), latency.counters().nonZero(),
                hints(latency.counters()), reportLine(latency));
    }

    private static String reason(Counts counts) {
        if (counts instanceof SpanCounts) {
            return counts.fired() ? "no span reached its end while it was traced" : "the span never started";
        }
        return counts.fired() ? "no call returned while it was traced" : "the probe never fired";
    }

    private static String hints(Counts counts) {
        String nl = System.lineSeparator();
        if (counts instanceof SpanCounts) {
            return "Check:" + nl
                    + "  - started=0: is 'from' the point you meant, and did the test drive it?" + nl
                    + "  - notReached counts spans whose 'from' frame returned before 'to' was reached on the same"
                    + " goroutine: is 'to' reached from inside 'from'?";
        }
        if (!counts.fired()) {
            return "Check:" + nl
                    + "  - the function: is it the one you meant? The plan printed when tracing started shows"
                    + " where it was probed." + nl
                    + "  - inlining: a function inlined into its callers has no call to probe; trace a caller,"
                    + " or build the service with -gcflags=all=-l." + nl
                    + "  - the test: did it drive this function while it was traced?";
        }
        return "Check:" + nl
                + "  - didNotReturn counts calls unwound by a panic or runtime.Goexit: see the service's log." + nl
                + "  - inflight counts calls still running when the test ended: wait for them before it returns.";
    }
}
