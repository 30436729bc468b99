// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import org.apiguardian.api.API;

/**
 * One function probe's counters from a {@code probe <id> entries=...} snapshot line (see
 * {@code agent/PROTOCOL.md}); a span has {@link SpanCounters}.
 *
 * @param entries          calls entered (a morestack re-run of the prologue is not a new call)
 * @param returns          RET probe hits
 * @param matched          returns paired with their entry of this window: the histogram's samples
 * @param unmatchedReturns returns without an entry in flight
 * @param staleReturns     returns of calls entered before the last reset (dropped)
 * @param reentries        prologues run again after runtime.morestack (first timestamp kept)
 * @param didNotReturn     frames overwritten by a later call at the same key: they never returned (panic, Goexit)
 * @param inflight         frames of this window still in flight at snapshot time
 * @param readErrors       g.stack.hi unreadable, or the in-flight tables full
 */
@API(status = API.Status.INTERNAL)
public record Counters(long entries, long returns, long matched, long unmatchedReturns, long staleReturns,
        long reentries, long didNotReturn, long inflight, long readErrors) {}
