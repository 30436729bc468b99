// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.probe.Counters;
import dev.golat.probe.ProbeSnapshot;
import java.nio.file.Path;

/** The agent's figures for one probe, as the {@link Latency} a test asserts on. */
final class Snapshots {
    private Snapshots() {}

    static Latency toLatency(String name, String function, ProbeSnapshot snapshot, Path report) {
        Counters c = snapshot.counters();
        CallCounts counts = new CallCounts(c.entries(), c.matched(), c.didNotReturn(), c.unmatchedReturns(),
                c.reentries(), c.inflight(), c.readErrors());
        return Latency.of(name, function, snapshot.toHistogram(), counts, report);
    }
}
