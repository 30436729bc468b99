// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import dev.golat.plan.PlanException;
import dev.golat.plan.Planner;
import dev.golat.plan.ProbePlan;
import dev.golat.plan.SpanPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What one agent session attaches: the functions and spans a test class or {@code golat trace} names, planned
 * against one binary, the unmeasurable rejected, numbered 0, 1, ... in the order they were named (functions
 * and spans share the ids), and written as the agent's commands. The one planning pipeline of golat.
 *
 * <pre>{@code
 * ProbeSet.Builder b = ProbeSet.planning(Planner.of(binary));
 * b.function("handleStmtExecute");
 * b.span("dispatch-to-tso", "dispatch", "getTSO");
 * ProbeSet set = b.build();
 * session.start(pid, path, set.probes(), set.spans());
 * Map<String, ProbeSnapshot> byName = set.byName(session.snapshot());
 * }</pre>
 */
@API(status = API.Status.INTERNAL)
public final class ProbeSet {

    /**
     * One traced function or span.
     *
     * @param name  what the user wrote: the function ({@code handleStmtExecute}) or the span's name
     * @param id    the agent's id of its probe or span
     * @param probe the function's plan, or {@code null} for a span
     * @param span  the span's plan, or {@code null} for a function
     */
    public record Entry(String name, int id, ProbePlan probe, SpanPlan span) {
        public boolean isSpan() {
            return span != null;
        }

        /** The full function name, or {@code from (text) → to (text)} for a span. */
        public String describe() {
            if (probe != null) {
                return probe.function();
            }
            return span.from().function() + " (" + span.from().text() + ") → " + span.to().function() + " ("
                    + span.to().text() + ")";
        }
    }

    private final Map<String, Entry> byName;
    private final List<ProbeSpec> probes;
    private final List<SpanSpec> spans;

    private ProbeSet(Map<String, Entry> byName) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        List<ProbeSpec> p = new ArrayList<>();
        List<SpanSpec> s = new ArrayList<>();
        for (Entry e : byName.values()) {
            if (e.isSpan()) {
                s.add(SpanSpec.of(e.id(), e.span()));
            } else {
                p.add(ProbeSpec.of(e.id(), e.probe()));
            }
        }
        this.probes = List.copyOf(p);
        this.spans = List.copyOf(s);
    }

    /** Starts a set planned against {@code planner}'s binary. */
    public static Builder planning(Planner planner) {
        return new Builder(planner);
    }

    /** Every function and span, in the order named. */
    public List<Entry> entries() {
        return List.copyOf(byName.values());
    }

    /** The entry named {@code name}. */
    public Entry get(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("'" + name + "' is not traced; traced: "
                    + String.join(", ", byName.keySet()));
        }
        return e;
    }

    /** The agent's {@code probe} commands. */
    public List<ProbeSpec> probes() {
        return probes;
    }

    /** The agent's {@code span} commands. */
    public List<SpanSpec> spans() {
        return spans;
    }

    /** A snapshot's figures by the name each function or span was named by, in the order named. */
    public Map<String, ProbeSnapshot> byName(List<ProbeSnapshot> snapshot) {
        Map<Integer, ProbeSnapshot> byId = new LinkedHashMap<>();
        snapshot.forEach(s -> byId.put(s.id(), s));
        Map<String, ProbeSnapshot> result = new LinkedHashMap<>();
        for (Entry e : byName.values()) {
            ProbeSnapshot s = byId.get(e.id());
            if (s == null) {
                throw new AgentException("SESSION", "the agent's snapshot has no figures for " + e.name() + " (id "
                        + e.id() + "); it has ids " + byId.keySet());
            }
            result.put(e.name(), s);
        }
        return result;
    }

    /** Plans functions and spans one by one, so that the caller can say where each one was named. */
    public static final class Builder {
        private final Planner planner;
        private final Map<String, Entry> byName = new LinkedHashMap<>();

        private Builder(Planner planner) {
            this.planner = Objects.requireNonNull(planner, "planner");
        }

        /**
         * Plans a function; naming the same function again is a no-op.
         *
         * @return its plan (its warnings are for the user to see)
         * @throws PlanException when it cannot be planned or measured (no RET), or the name is a span's
         * @throws dev.golat.binary.GoBinaryException when the name is unknown or ambiguous
         */
        public ProbePlan function(String name) {
            Entry seen = byName.get(name);
            if (seen != null) {
                if (seen.isSpan()) {
                    throw new PlanException("'" + name + "' is already the name of a span");
                }
                return seen.probe();
            }
            ProbePlan plan = planner.plan(name);
            if (!plan.measurable()) {
                throw new PlanException(String.join("; ", plan.warnings()));
            }
            byName.put(name, new Entry(name, nextId(), plan, null));
            return plan;
        }

        /**
         * Plans a span from {@code from} to {@code to}.
         *
         * @throws PlanException when a point cannot be planned, or {@code name} is already used
         */
        public SpanPlan span(String name, String from, String to) {
            if (byName.containsKey(name)) {
                throw new PlanException("the name is already used by another traced function or span");
            }
            SpanPlan plan = planner.planSpan(name, from, to);
            byName.put(name, new Entry(name, nextId(), null, plan));
            return plan;
        }

        public ProbeSet build() {
            return new ProbeSet(byName);
        }

        private int nextId() {
            if (byName.size() >= AgentProtocol.MAX_PROBES) {
                throw new PlanException("more than " + AgentProtocol.MAX_PROBES + " functions and spans in one "
                        + "session; the agent takes ids 0.." + (AgentProtocol.MAX_PROBES - 1));
            }
            return byName.size();
        }
    }
}
