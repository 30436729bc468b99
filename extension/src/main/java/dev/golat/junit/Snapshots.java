// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.agent.ProbeSnapshot;
import dev.golat.result.CallCounts;
import dev.golat.result.Latency;
import java.nio.file.Path;

/** The agent's figures for one probe, as the {@link Latency} a test asserts on. */
final class Snapshots {
    private Snapshots() {}

    static Latency toLatency(String name, String function, ProbeSnapshot snapshot, Path report) {
        return Latency.of(name, function, snapshot.toHistogram(), CallCounts.of(snapshot.counters()), report);
    }
}
