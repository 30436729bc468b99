// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import dev.golat.agent.Counters;

import java.util.StringJoiner;

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
                         long reentries, long inflight, long readErrors) {

    /** No probe hit at all. */
    public static final CallCounts NONE = new CallCounts(0, 0, 0, 0, 0, 0, 0);

    /** The agent's counters of one probe or span (for a span: entries = started, didNotReturn = not reached). */
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
        requireNotNegative("entries", entries);
        requireNotNegative("matched", matched);
        requireNotNegative("didNotReturn", didNotReturn);
        requireNotNegative("unmatchedReturns", unmatchedReturns);
        requireNotNegative("reentries", reentries);
        requireNotNegative("inflight", inflight);
        requireNotNegative("readErrors", readErrors);
    }

    private static void requireNotNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("CallCounts." + field + " must not be negative, was " + value);
        }
    }

    /**
     * The counters that are not zero, e.g. {@code "entries=10,003, matched=10,000, didNotReturn=3"}, or
     * {@code "no probe hit"} when all are zero.
     */
    public String nonZero() {
        StringJoiner joiner = new StringJoiner(", ");
        append(joiner, "entries", entries);
        append(joiner, "matched", matched);
        append(joiner, "didNotReturn", didNotReturn);
        append(joiner, "unmatchedReturns", unmatchedReturns);
        append(joiner, "reentries", reentries);
        append(joiner, "inflight", inflight);
        append(joiner, "readErrors", readErrors);
        return joiner.length() == 0 ? "no probe hit" : joiner.toString();
    }

    private static void append(StringJoiner joiner, String field, long value) {
        if (value != 0) {
            joiner.add(field + "=" + Units.count(value));
        }
    }
}
