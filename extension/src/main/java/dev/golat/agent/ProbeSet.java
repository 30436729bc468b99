// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import dev.golat.plan.PlanException;
import dev.golat.plan.Planner;
import dev.golat.plan.FunctionPlan;
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
 * Map<String, List<ProbeSnapshot>> byName = set.byName(session.snapshot());
 * }</pre>
 */
@API(status = API.Status.INTERNAL)
public final class ProbeSet {

    /**
     * One traced function (every instantiation of a generic one) or span.
     *
     * @param name     what the user wrote: the function ({@code handleStmtExecute}) or the span's name
     * @param ids      the agent's ids: one per instantiation of the function, in its plan's order, or the span's
     * @param function the function's plan, or {@code null} for a span
     * @param span     the span's plan, or {@code null} for a function
     * @param sameAs   the name under which the same function was named first (its probes are this entry's), or
     *                 {@code null}: the same sites are probed once, and every name sees the same figures
     */
    public record Entry(String name, List<Integer> ids, FunctionPlan function, SpanPlan span, String sameAs) {
        public Entry {
            ids = List.copyOf(ids);
        }

        Entry(String name, List<Integer> ids, FunctionPlan function, SpanPlan span) {
            this(name, ids, function, span, null);
        }

        /** Whether an earlier name already probes this function ({@link #sameAs()}). */
        public boolean isAlias() {
            return sameAs != null;
        }

        public boolean isSpan() {
            return span != null;
        }

        /** The first (for a span or a function that is not generic: the only) id. */
        public int id() {
            return ids.get(0);
        }

        /** The full function name (a generic one's {@code main.Hold[...]}), or {@code from (text) → to (text)}. */
        public String describe() {
            if (function != null) {
                return function.function();
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
            if (e.isAlias()) {
                continue; // its ids are the first name's, already listed
            }
            if (e.isSpan()) {
                s.add(SpanSpec.of(e.id(), e.span()));
            } else {
                for (int i = 0; i < e.ids().size(); i++) {
                    p.add(ProbeSpec.of(e.ids().get(i), e.function().instances().get(i)));
                }
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

    /**
     * A snapshot's figures by the name each function or span was named by, in the order named: one per
     * instantiation of a function (in its plan's order), one for a span.
     */
    public Map<String, List<ProbeSnapshot>> byName(List<ProbeSnapshot> snapshot) {
        Map<Integer, ProbeSnapshot> byId = new LinkedHashMap<>();
        snapshot.forEach(s -> byId.put(s.id(), s));
        Map<String, List<ProbeSnapshot>> result = new LinkedHashMap<>();
        for (Entry e : byName.values()) {
            List<ProbeSnapshot> each = new ArrayList<>();
            for (int id : e.ids()) {
                ProbeSnapshot s = byId.get(id);
                if (s == null) {
                    throw new AgentException("SESSION", "the agent's snapshot has no figures for " + e.name()
                            + " (id " + id + "); it has ids " + byId.keySet());
                }
                each.add(s);
            }
            result.put(e.name(), List.copyOf(each));
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
         * Plans a function, or every instantiation of a generic one (one probe each); naming the same function
         * again is a no-op. Naming it again by another name (its full name, a shorter suffix, a pattern that
         * selects the same instantiations) probes nothing more: the new name is an alias of the first, with the
         * same ids, so the sites are probed once and both names see the same figures ({@link Entry#sameAs()}).
         *
         * @return its plan (its warnings are for the user to see)
         * @throws PlanException when it cannot be planned or measured (no RET), or the name is a span's
         * @throws dev.golat.binary.GoBinaryException when the name is unknown or ambiguous
         */
        public FunctionPlan function(String name) {
            Entry seen = byName.get(name);
            if (seen != null) {
                if (seen.isSpan()) {
                    throw new PlanException("'" + name + "' is already the name of a span");
                }
                return seen.function();
            }
            FunctionPlan plan = planner.planFunction(name);
            if (!plan.measurable()) {
                throw new PlanException(String.join("; ", plan.warnings()));
            }
            for (Entry e : byName.values()) {
                if (!e.isSpan() && !e.isAlias() && sameSites(e.function(), plan)) {
                    byName.put(name, new Entry(name, e.ids(), plan, null, e.name()));
                    return plan;
                }
            }
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < plan.instances().size(); i++) {
                ids.add(nextId(plan.instances().size() - i));
            }
            byName.put(name, new Entry(name, ids, plan, null));
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
            byName.put(name, new Entry(name, List.of(nextId(1)), null, plan));
            return plan;
        }

        /** Whether two plans put their probes at the same sites (entry and every RET), instance by instance. */
        private static boolean sameSites(FunctionPlan a, FunctionPlan b) {
            if (a.instances().size() != b.instances().size()) {
                return false;
            }
            for (int i = 0; i < a.instances().size(); i++) {
                var x = a.instances().get(i);
                var y = b.instances().get(i);
                if (!x.entrySite().equals(y.entrySite()) || !x.returns().equals(y.returns())
                        || !x.morestackSites().equals(y.morestackSites())) {
                    return false;
                }
            }
            return true;
        }

        public ProbeSet build() {
            return new ProbeSet(byName);
        }

        private int next;

        /** The next id, with {@code more} ids (this one included) still to number for the name being planned. */
        private int nextId(int more) {
            if (next + more > AgentProtocol.MAX_PROBES) {
                throw new PlanException((next + more) + " probes (every instantiation of a generic function is one) "
                        + "in one session, more than the agent's " + AgentProtocol.MAX_PROBES
                        + "; trace fewer functions at once");
            }
            return next++;
        }
    }
}
