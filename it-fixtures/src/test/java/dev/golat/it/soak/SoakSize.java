// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.soak;

/**
 * How big the soak is: {@code -Dgolat.soak=short} (the default, what CI runs: seconds per Go version) or
 * {@code full} (profile {@code golat-soak}: ≥ 10 M probed calls per Go version, minutes each).
 *
 * @param blockCalls         blockChan calls, each measured by a probe and a span
 * @param blockGoroutines    goroutines calling blockChan (each with a feeder goroutine)
 * @param recursions         top-level recursions, 64 frames each
 * @param panicCalls         calls of mayPanic, and of mayGoexit (every 10th does not return)
 * @param stormCalls         blockChan calls per round of the window storm (a take every millisecond)
 * @param minimumResets      windows the storm must close during its first round (each take waits for the agent's
 *                           answer: under a millisecond idle here, tens of ms while the workload keeps both cores busy)
 * @param minimumProbedCalls probed calls (not counting spans) the four concurrent workloads must add up to
 * @param timeoutMinutes     how long one workload may take
 * @param serverCalls        probed calls on each real server (ServersSoakIT: prometheus, esbuild)
 */
public record SoakSize(String name, int blockCalls, int blockGoroutines, int recursions, int panicCalls,
        int stormCalls, long minimumResets, long minimumProbedCalls, int timeoutMinutes, int serverCalls) {

    /** 4 M (each with a span) + 40,000 × 64 + 2 × 2 M = 10.56 M probed calls; storm rounds of 1 M calls. */
    static final SoakSize FULL = new SoakSize("full", 4_000_000, 2_000, 40_000, 2_000_000, 1_000_000, 500,
            10_000_000, 30, 1_000_000);
    /** The same checks with a thousandth of the calls (the tables are overrun at full size either way). */
    static final SoakSize SHORT = new SoakSize("short", 4_000, 2_000, 40, 2_000, 20_000, 10, 10_000, 5, 2_000);

    public static SoakSize fromProperty() {
        String p = System.getProperty("golat.soak", "short");
        return switch (p) {
            case "short", "" -> SHORT;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException("-Dgolat.soak=" + p + ": want short (CI) or full (-Pgolat-soak)");
        };
    }
}
