// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import dev.golat.agent.Component;
import dev.golat.agent.ExemplarSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the slowest calls of a traced function in a test ({@link Latency#exemplars()}, traced with
 * {@code breakdown = true}): how long it took, on which goroutine (the id the runtime prints in a stack trace,
 * {@code goroutine 4711 [...]}), and where its time went, as that call's samples in the breakdown's histograms.
 * {@code running + offCpu + runnable + other + waiting} is its duration; {@code stw} overlaps them.
 *
 * @param nanos         the call's wall time, ns
 * @param goroutine     its goroutine's id
 * @param runningNanos  the goroutine ran on a CPU
 * @param offCpuNanos   it ran but its thread was descheduled by the OS
 * @param runnableNanos it waited for the Go scheduler
 * @param otherNanos    states the breakdown does not classify
 * @param stwNanos      the world was stopped (overlaps the others)
 * @param waitingNanos  it was parked, per wait class of {@link Breakdown#WAIT_CLASSES}, in that order
 */
public record Exemplar(long nanos, long goroutine, long runningNanos, long offCpuNanos, long runnableNanos,
        long otherNanos, long stwNanos, Map<String, Long> waitingNanos) {

    public Exemplar {
        if (!waitingNanos.keySet().equals(new java.util.HashSet<>(Breakdown.WAIT_CLASSES))) {
            throw new IllegalArgumentException("waiting classes " + waitingNanos.keySet() + ": want exactly "
                    + Breakdown.WAIT_CLASSES);
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String c : Breakdown.WAIT_CLASSES) {
            ordered.put(c, waitingNanos.get(c));
        }
        waitingNanos = Collections.unmodifiableMap(ordered);
    }

    static Exemplar of(ExemplarSnapshot s) {
        Map<String, Long> waiting = new LinkedHashMap<>();
        for (Component c : Component.values()) {
            if (c.isWaitClass()) {
                waiting.put(Breakdown.waitClass(c), s.part(c));
            }
        }
        return new Exemplar(s.nanos(), s.goroutine(), s.part(Component.RUNNING), s.part(Component.OFFCPU),
                s.part(Component.RUNNABLE), s.part(Component.OTHER), s.part(Component.STW), waiting);
    }

    /** How long the call took. */
    public Duration duration() {
        return Duration.ofNanos(nanos);
    }

    /** The time parked, all wait classes together, ns. */
    public long waitingTotalNanos() {
        return waitingNanos.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * {@code "12.1 ms: 301 µs running, 11.2 ms waiting chan, 612 µs runnable, goroutine 4711"}: running always, the
     * other parts when not 0.
     */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(Units.duration(runningNanos) + " running");
        if (offCpuNanos > 0) {
            parts.add(Units.duration(offCpuNanos) + " offCpu");
        }
        if (runnableNanos > 0) {
            parts.add(Units.duration(runnableNanos) + " runnable");
        }
        waitingNanos.forEach((c, ns) -> {
            if (ns > 0) {
                parts.add(Units.duration(ns) + " waiting " + c);
            }
        });
        if (otherNanos > 0) {
            parts.add(Units.duration(otherNanos) + " other");
        }
        if (stwNanos > 0) {
            parts.add(Units.duration(stwNanos) + " stw");
        }
        return Units.duration(nanos) + ": " + String.join(", ", parts) + ", goroutine " + goroutine;
    }

    @Override
    public String toString() {
        return "Exemplar[" + describe() + "]";
    }
}
