// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Test fixtures: a probe's snapshot with a breakdown, as the session's parser makes one from the agent's lines. */
public final class BreakdownSnapshots {
    private BreakdownSnapshots() {}

    /**
     * {@code s} with a breakdown of {@code calls} calls: each component in {@code nanos} holds all of them at that
     * value's bucket, every other component holds them at 0 ns.
     */
    public static ProbeSnapshot with(ProbeSnapshot s, long calls, long lost, Map<Component, Long> nanos) {
        return with(s, calls, lost, nanos, List.of());
    }

    /** The same with these exemplars (the slowest first). */
    public static ProbeSnapshot with(ProbeSnapshot s, long calls, long lost, Map<Component, Long> nanos,
            List<ExemplarSnapshot> exemplars) {
        Map<Component, long[][]> h = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            long v = nanos.getOrDefault(c, 0L);
            h.put(c, new long[][] {{Buckets.index(v)}, {calls}});
        }
        return s.withBreakdown(new BreakdownSnapshot(calls, lost, 0, h, exemplars));
    }

    /** An exemplar of {@code ns} on goroutine {@code goid}: the parts given, every other component 0 ns. */
    public static ExemplarSnapshot exemplar(long ns, long goid, Map<Component, Long> parts) {
        Map<Component, Long> all = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            all.put(c, parts.getOrDefault(c, 0L));
        }
        return new ExemplarSnapshot(ns, goid, all);
    }

    /** A probe's snapshot of {@code n} calls of about {@code nanos} each, every call matched. */
    public static ProbeSnapshot probe(String function, long n, long nanos) {
        return new ProbeSnapshot(0, function, new Counters(n, n, n, 0, 0, 0, 0, 0, 0), new int[] {Buckets.index(nanos)},
                new long[] {n});
    }
}
