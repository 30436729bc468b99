// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.result.CallCounts;
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
                subject(latency), latency.function(), reason(latency.counts()), latency.counts().nonZero(),
                hints(latency.counts()), reportLine(latency));
    }

    private static String reason(CallCounts counts) {
        return counts.entries() == 0 ? "the probe never fired" : "no call returned while it was traced";
    }

    private static String hints(CallCounts counts) {
        String nl = System.lineSeparator();
        if (counts.entries() == 0) {
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
