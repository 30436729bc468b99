// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.util.EnumMap;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * One of the slowest broken-down calls of a probe in a window, from an {@code exemplar <id> ns= goid= <component>=...}
 * line (agent/PROTOCOL.md): its wall time between the breakdown's own clock reads, its goroutine's id ({@code g.goid};
 * 0 when the agent was not told the offset) and its part per {@link Component}, as that call's samples in the
 * component histograms.
 *
 * @param nanos     the call's wall time
 * @param goroutine its goroutine's id
 * @param parts     ns per component, every component present
 */
@API(status = API.Status.INTERNAL)
public record ExemplarSnapshot(long nanos, long goroutine, Map<Component, Long> parts) {

    public ExemplarSnapshot {
        if (nanos <= 0) {
            throw new IllegalArgumentException("exemplar of " + nanos + " ns: want > 0");
        }
        if (goroutine < 0) {
            throw new IllegalArgumentException("exemplar goroutine " + goroutine + ": want >= 0");
        }
        EnumMap<Component, Long> copy = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            Long v = parts.get(c);
            if (v == null || v < 0) {
                throw new IllegalArgumentException("exemplar part " + c.wireName() + " is " + v + ": want >= 0 ns");
            }
            copy.put(c, v);
        }
        parts = java.util.Collections.unmodifiableMap(copy);
    }

    /** ns of component {@code c}. */
    public long part(Component c) {
        return parts.get(c);
    }
}
