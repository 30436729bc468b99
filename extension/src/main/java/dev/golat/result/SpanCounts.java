// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import dev.golat.agent.SpanCounters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the probes of one span saw during one test: how many spans started, completed, were not reached, ...
 * In a clean run {@code started == completed + notReached} and every other field is zero.
 *
 * @param started       starts: the {@code from} point was reached (a restart of an open start is not a new one)
 * @param completed     spans that reached {@code to}: one histogram sample each
 * @param notReached    spans whose {@code from} frame returned before {@code to} was reached; never a latency
 * @param overflowed    open starts dropped because one goroutine had too many open (nesting deeper than the
 *                      agent keeps), or no room was left for the goroutine
 * @param stale         ends that paired with a start from before the test's window (dropped)
 * @param unmatchedEnds ends reached with no open start on their goroutine
 * @param restarts      a start reached again at the depth of the innermost open start (its prologue re-ran after
 *                      stack growth, or a panic left it open): the newer start is kept
 * @param inflight      spans started in this window and still open at the snapshot
 * @param readErrors    failed reads of the goroutine's stack bounds in the probe; those hits were dropped
 */
public record SpanCounts(long started, long completed, long notReached, long overflowed, long stale,
        long unmatchedEnds, long restarts, long inflight, long readErrors) implements Counts {

    /** No start reached at all. */
    public static final SpanCounts NONE = new SpanCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** @throws IllegalArgumentException when a count is negative */
    public SpanCounts {
        byName(started, completed, notReached, overflowed, stale, unmatchedEnds, restarts, inflight, readErrors)
                .forEach((field, value) -> Counts.requireNotNegative("SpanCounts", field, value));
    }

    /** The agent's counters of one span, under these names. */
    public static SpanCounts of(SpanCounters c) {
        return new SpanCounts(c.started(), c.completed(), c.notReached(), c.overflow(), c.stale(), c.unmatched(),
                c.restarts(), c.inflight(), c.errors());
    }

    @Override
    public Map<String, Long> byName() {
        return byName(started, completed, notReached, overflowed, stale, unmatchedEnds, restarts, inflight, readErrors);
    }

    private static Map<String, Long> byName(long started, long completed, long notReached, long overflowed,
            long stale, long unmatchedEnds, long restarts, long inflight, long readErrors) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("started", started);
        m.put("completed", completed);
        m.put("notReached", notReached);
        m.put("overflowed", overflowed);
        m.put("stale", stale);
        m.put("unmatchedEnds", unmatchedEnds);
        m.put("restarts", restarts);
        m.put("inflight", inflight);
        m.put("readErrors", readErrors);
        return m;
    }

    @Override
    public boolean fired() {
        return started != 0 || unmatchedEnds != 0;
    }

    @Override
    public String noSamplesReason() {
        if (started == 0) {
            return "the span never started (" + nonZero() + ")";
        }
        return "the span started but never reached its end while traced (" + nonZero() + ")";
    }

    @Override
    public SpanCounts followedBy(Counts later) {
        SpanCounts y = (SpanCounts) later;
        return new SpanCounts(started + y.started, completed + y.completed, notReached + y.notReached,
                overflowed + y.overflowed, stale + y.stale, unmatchedEnds + y.unmatchedEnds, restarts + y.restarts,
                y.inflight, readErrors + y.readErrors);
    }
}
