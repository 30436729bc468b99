// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import dev.golat.plan.SpanPlan;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * A span as the agent attaches it (agent/PROTOCOL.md, {@code span} line): start, end and cancel sites as
 * file offsets, keyed by goroutine.
 */
@API(status = API.Status.INTERNAL)
public record SpanSpec(int id, String name, List<Long> startOffsets, List<Long> endOffsets, List<Long> cancelOffsets) {
    public SpanSpec {
        Objects.requireNonNull(name, "name");
        startOffsets = List.copyOf(startOffsets);
        endOffsets = List.copyOf(endOffsets);
        cancelOffsets = List.copyOf(cancelOffsets);
        if (id < 0 || id >= AgentProtocol.MAX_PROBES) {
            throw new IllegalArgumentException("span id " + id + " of " + name + " is outside 0.." + (AgentProtocol.MAX_PROBES - 1));
        }
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("span " + id + ": name '" + name + "' must be non-empty and without whitespace");
        }
        if (startOffsets.isEmpty() || endOffsets.isEmpty()) {
            throw new IllegalArgumentException("span " + name + " needs at least one start and one end site");
        }
    }

    /** The agent's view of {@code plan}, under this id. */
    public static SpanSpec of(int id, SpanPlan plan) {
        return new SpanSpec(id, plan.name(), plan.from().sites(), plan.to().sites(), plan.cancelSites());
    }

    /** The protocol line: {@code span <id> <name> start=<hex,...> end=<hex,...> cancel=<hex,...|->}. */
    public String toLine() {
        return "span " + id + " " + name + " start=" + hex(startOffsets) + " end=" + hex(endOffsets)
                + " cancel=" + (cancelOffsets.isEmpty() ? "-" : hex(cancelOffsets));
    }

    private static String hex(List<Long> offsets) {
        return offsets.stream().map(Long::toHexString).collect(Collectors.joining(","));
    }
}
