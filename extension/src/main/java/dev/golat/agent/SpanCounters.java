// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import org.apiguardian.api.API;

/**
 * One span's counters from a {@code span <id> started=...} snapshot line (see {@code agent/PROTOCOL.md}), under
 * the agent's names.
 *
 * @param started    start sites hit (a restart at the depth of the innermost open start is not a new start)
 * @param completed  ends that popped a start of this window: the histogram's samples
 * @param notReached starts whose from-frame returned before the end was reached
 * @param unmatched  ends with no open start on their goroutine
 * @param restarts   a start hit again at the depth of the innermost open start (the prologue re-ran after
 *                   morestack, or a panic left that start open): the start is overwritten
 * @param overflow   the oldest open start dropped because a goroutine had {@code GOLAT_SPAN_STACK} open starts
 *                   (or no room was left for the goroutine)
 * @param stale      ends that popped a start from before the last reset
 * @param inflight   open starts of this window at snapshot time
 * @param errors     g.stack.hi unreadable
 */
@API(status = API.Status.INTERNAL)
public record SpanCounters(long started, long completed, long notReached, long unmatched, long restarts,
        long overflow, long stale, long inflight, long errors) {}
