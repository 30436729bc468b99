// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import dev.golat.agent.Counters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the probes of one traced function saw during one test, besides the latencies themselves.
 *
 * <p>Every field is a count of calls (or probe hits) over the test's measurement window, never negative.
 * In a clean run {@code entries == matched} and every other field is zero.
 *
 * @param entries          entry probe hits: calls that started while the function was traced
 *                         (a prologue re-run after stack growth is not counted again, see {@code reentries})
 * @param matched          returns paired with their entry: the calls measured, one histogram sample each
 * @param didNotReturn     frames that never returned (a panic unwound them, or {@code runtime.Goexit}),
 *                         detected when a later call reused the same goroutine frame; never counted as latency
 * @param unmatchedReturns {@code RET}s whose entry was not seen, e.g. calls already running when tracing
 *                         began; no latency can be computed for them
 * @param reentries        prologue re-runs after the goroutine stack grew ({@code runtime.morestack}): the entry
 *                         probe fired again for the same call and its first timestamp was kept
 * @param inflight         calls still running when the snapshot was taken
 * @param readErrors       failed reads of the goroutine or its stack bounds in the probe; those hits were dropped
 */
public record CallCounts(long entries, long matched, long didNotReturn, long unmatchedReturns,
                         long reentries, long inflight, long readErrors) implements Counts {

    /** No probe hit at all. */
    public static final CallCounts NONE = new CallCounts(0, 0, 0, 0, 0, 0, 0);

    /** The agent's counters of one function probe. */
    public static CallCounts of(Counters c) {
        return new CallCounts(c.entries(), c.matched(), c.didNotReturn(), c.unmatchedReturns(), c.reentries(),
                c.inflight(), c.readErrors());
    }

    /** Every counter of this and {@code other} added up: the counts of several probes measured as one. */
    public CallCounts plus(CallCounts other) {
        return new CallCounts(entries + other.entries, matched + other.matched, didNotReturn + other.didNotReturn,
                unmatchedReturns + other.unmatchedReturns, reentries + other.reentries, inflight + other.inflight,
                readErrors + other.readErrors);
    }

    /** @throws IllegalArgumentException when a count is negative */
    public CallCounts {
        byName(entries, matched, didNotReturn, unmatchedReturns, reentries, inflight, readErrors)
                .forEach((field, value) -> Counts.requireNotNegative("CallCounts", field, value));
    }

    @Override
    public Map<String, Long> byName() {
        return byName(entries, matched, didNotReturn, unmatchedReturns, reentries, inflight, readErrors);
    }

    private static Map<String, Long> byName(long entries, long matched, long didNotReturn, long unmatchedReturns,
            long reentries, long inflight, long readErrors) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("entries", entries);
        m.put("matched", matched);
        m.put("didNotReturn", didNotReturn);
        m.put("unmatchedReturns", unmatchedReturns);
        m.put("reentries", reentries);
        m.put("inflight", inflight);
        m.put("readErrors", readErrors);
        return m;
    }

    @Override
    public boolean fired() {
        return entries != 0;
    }

    @Override
    public String noSamplesReason() {
        if (entries == 0) {
            return "the probe never fired (" + nonZero() + ")";
        }
        return "the probe fired but no call returned while traced (" + nonZero() + ")";
    }

    @Override
    public CallCounts followedBy(Counts later) {
        CallCounts y = (CallCounts) later;
        return new CallCounts(entries + y.entries, matched + y.matched, didNotReturn + y.didNotReturn,
                unmatchedReturns + y.unmatchedReturns, reentries + y.reentries, y.inflight, readErrors + y.readErrors);
    }
}
