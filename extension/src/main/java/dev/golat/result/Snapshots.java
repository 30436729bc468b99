// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import dev.golat.agent.ProbeSnapshot;
import java.nio.file.Path;
import org.apiguardian.api.API;

/** The agent's figures for one probe or span, as the frozen {@link Latency} a test asserts on. */
@API(status = API.Status.INTERNAL)
public final class Snapshots {
    private Snapshots() {}

    /** {@code snapshot} as a latency named {@code name}, resolved to {@code function}. */
    public static Latency toLatency(String name, String function, ProbeSnapshot snapshot, Path report) {
        Counts counts = snapshot.isSpan() ? SpanCounts.of(snapshot.spanCounters()) : CallCounts.of(snapshot.counters());
        return Latency.of(name, function, snapshot.toHistogram(), counts, report);
    }
}
