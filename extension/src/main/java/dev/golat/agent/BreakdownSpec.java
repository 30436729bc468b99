// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import dev.golat.plan.BreakdownPlan;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * The agent's {@code breakdown} command (agent/PROTOCOL.md): the runtime's hooks for probes with a breakdown.
 *
 * @param casgstatus    file offset of {@code runtime.casgstatus}'s entry site
 * @param stopWorld     file offset of {@code runtime.stopTheWorldWithSema}'s entry site
 * @param startWorld    file offset of {@code runtime.startTheWorldWithSema}'s entry site
 * @param waitReasonOff offset of {@code g.waitreason}
 * @param goidOff       offset of {@code g.goid} (the exemplars' goroutine ids)
 * @param classes       the {@code GOLAT_BD_WAIT_*} component of wait reason 0, 1, ...
 */
@API(status = API.Status.INTERNAL)
public record BreakdownSpec(long casgstatus, long stopWorld, long startWorld, int waitReasonOff, int goidOff,
        int[] classes) {

    public BreakdownSpec {
        if (waitReasonOff <= 0 || waitReasonOff > 4096) {
            throw new IllegalArgumentException("g.waitreason offset " + waitReasonOff + " is outside 1..4096");
        }
        if (goidOff <= 0 || goidOff > 4096) {
            throw new IllegalArgumentException("g.goid offset " + goidOff + " is outside 1..4096");
        }
        if (classes.length == 0 || classes.length > 256) {
            throw new IllegalArgumentException(classes.length + " wait reasons: want 1..256");
        }
        for (int c : classes) {
            if (c != 0 && (c < AgentProtocol.BD_WAIT_CHAN || c > AgentProtocol.BD_WAIT_OTHER)) {
                throw new IllegalArgumentException("wait class " + c + " is not a GOLAT_BD_WAIT_* component");
            }
        }
        classes = classes.clone();
    }

    public static BreakdownSpec of(BreakdownPlan plan) {
        return new BreakdownSpec(plan.casgstatus(), plan.stopWorld(), plan.startWorld(),
                plan.waitReasons().waitReasonOff(), plan.waitReasons().goidOff(), plan.waitReasons().classes());
    }

    @Override
    public int[] classes() {
        return classes.clone();
    }

    /** The {@code breakdown} command line. */
    String toLine() {
        return "breakdown casgstatus=" + Long.toHexString(casgstatus) + " stopworld=" + Long.toHexString(stopWorld)
                + " startworld=" + Long.toHexString(startWorld) + " waitreason=" + waitReasonOff + " goid=" + goidOff
                + " classes="
                + Arrays.stream(classes).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
