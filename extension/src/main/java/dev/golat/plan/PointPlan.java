// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import java.util.List;
import org.apiguardian.api.API;

/**
 * One end of a span: where in the binary a span starts or ends, as file offsets.
 *
 * @param text             what the user wrote: {@code handleStmtExecute}, {@code getTSO:return}, {@code f+12}, {@code 0x4a1b20}
 * @param function         the full name of the function the point lies in
 * @param kind             the function's entry, its returns, or one instruction
 * @param sites            file offsets to probe (one for ENTRY and OFFSET, every RET for RETURN)
 * @param functionReturns  file offsets of every RET of {@code function}: a span started here and still open
 *                         when its frame returns was "not reached"
 */
@API(status = API.Status.INTERNAL)
public record PointPlan(String text, String function, Kind kind, List<Long> sites, List<Long> functionReturns) {
    public PointPlan {
        sites = List.copyOf(sites);
        functionReturns = List.copyOf(functionReturns);
    }

    /** What kind of point. */
    public enum Kind { ENTRY, RETURN, OFFSET }
}
