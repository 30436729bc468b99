// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

/**
 * One probe's counters from a {@code probe <id> entries=... } snapshot line (see {@code agent/PROTOCOL.md}), or
 * one span's from a {@code span <id> started=...} line, mapped onto the same fields so that a span reads like a
 * function (its "call" runs from the start to the end point):
 * <table>
 * <caption>span counters</caption>
 * <tr><th>field</th><th>for a span</th></tr>
 * <tr><td>entries</td><td>started: start sites hit (a restart at the same depth is not a new start)</td></tr>
 * <tr><td>returns</td><td>end sites hit: completed + unmatched + stale</td></tr>
 * <tr><td>matched</td><td>completed: the histogram's samples</td></tr>
 * <tr><td>unmatchedReturns</td><td>unmatched: an end with no open start on its goroutine</td></tr>
 * <tr><td>staleReturns</td><td>stale: an end that popped a start from before the last reset</td></tr>
 * <tr><td>reentries</td><td>restarts: a start hit again at the depth of the innermost open start (the prologue
 *     re-ran after morestack, or a panic left that start open): the start is overwritten</td></tr>
 * <tr><td>didNotReturn</td><td>notreached: starts whose from-frame returned before reaching the end</td></tr>
 * <tr><td>inflight</td><td>open starts of this window at snapshot time</td></tr>
 * <tr><td>readErrors</td><td>errors + overflow: g.stack.hi unreadable, no room for the goroutine, or the oldest
 *     open start dropped because a goroutine had {@code GOLAT_SPAN_STACK} open starts</td></tr>
 * </table>
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
public record Counters(long entries, long returns, long matched, long unmatchedReturns, long staleReturns,
        long reentries, long didNotReturn, long inflight, long readErrors) {}
