// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A span: on one goroutine, the time from reaching {@code from} to reaching {@code to}. Nested and recursive
 * starts pair with the innermost open span; a span whose {@code from} frame returns before {@code to} is
 * reached is counted "not reached", never measured.
 *
 * @param name the span's name, e.g. {@code dispatch-to-tso}
 */
@API(status = API.Status.INTERNAL)
public record SpanPlan(String name, String goVersion, PointPlan from, PointPlan to) {

    /** Where a frame that started a span returns: every RET of the {@code from} function, unless a RET ends the span. */
    public List<Long> cancelSites() {
        if (from.kind() == PointPlan.Kind.RETURN) {
            return List.of(); // the span starts as the frame returns: nothing of that frame is left to cancel it
        }
        List<Long> cancel = new ArrayList<>(from.functionReturns());
        cancel.removeAll(to.sites()); // a RET that ends the span completes it
        return cancel;
    }
}
