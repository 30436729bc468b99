// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import dev.golat.plan.BreakdownPlan;
import dev.golat.plan.PlanException;
import dev.golat.plan.Planner;
import dev.golat.plan.FunctionPlan;
import dev.golat.plan.GlobPlan;
import dev.golat.plan.SpanPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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

    private final Map<String, List<String>> members;

    private final BreakdownPlan breakdownPlan; // null when no function is broken down

    private ProbeSet(Map<String, Entry> byName, Map<String, List<String>> members, Set<String> brokenDown,
            BreakdownPlan breakdownPlan) {
        this.breakdownPlan = breakdownPlan;
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        Map<String, List<String>> m = new LinkedHashMap<>();
        members.forEach((k, v) -> m.put(k, List.copyOf(v)));
        this.members = Collections.unmodifiableMap(m);
        List<ProbeSpec> p = new ArrayList<>();
        List<SpanSpec> s = new ArrayList<>();
        for (Entry e : entries()) {
            if (e.isAlias()) {
                continue; // its ids are the first name's, already listed
            }
            if (e.isSpan()) {
                s.add(SpanSpec.of(e.id(), e.span()));
            } else {
                for (int i = 0; i < e.ids().size(); i++) {
                    p.add(ProbeSpec.of(e.ids().get(i), e.function().instances().get(i))
                            .withBreakdown(brokenDown.contains(e.name())));
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

    /** Every function and span, in the order named; one traced under two names (a glob's and another) once. */
    public List<Entry> entries() {
        Set<Entry> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return byName.values().stream().filter(seen::add).toList();
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

    /**
     * The names a traced name is traced under: the full names of the functions a glob over several selected, else
     * the name itself.
     */
    public List<String> expand(String name) {
        return members.getOrDefault(name, List.of(name));
    }

    /** Whether {@code name} is a glob that selected several functions, each traced under its own name. */
    public boolean isMany(String name) {
        return members.containsKey(name);
    }

    /**
     * What one traced name selected: the names it is traced under, their plans, and what was left out.
     *
     * @param spec     what the user wrote
     * @param many     a glob over several functions (each traced under its full name), else one traced under spec
     * @param names    the names the functions are traced under ({@link #get}), in plan order
     * @param plans    the plans of the traced functions, in the same order
     * @param skipped  one warning per function left out because it cannot be measured
     * @param wrappers compiler-generated wrappers the glob matched and left out
     */
    public record Selected(String spec, boolean many, List<String> names, List<FunctionPlan> plans, List<String> skipped,
            List<String> wrappers) {
        public Selected {
            names = List.copyOf(names);
            plans = List.copyOf(plans);
            skipped = List.copyOf(skipped);
            wrappers = List.copyOf(wrappers);
        }

        /** What the user should see while planning: skipped functions, left-out wrappers, each plan's warnings. */
        public List<String> warnings() {
            List<String> out = new ArrayList<>();
            for (String s : skipped) {
                out.add("not traced: " + s);
            }
            if (!wrappers.isEmpty()) {
                out.add("'" + spec + "' also matched " + wrappers.size() + " compiler-generated wrapper"
                        + (wrappers.size() == 1 ? "" : "s") + " (" + String.join(", ", wrappers.subList(0, Math.min(3, wrappers.size())))
                        + (wrappers.size() > 3 ? ", ..." : "") + "), left out: they only call other functions; name one exactly to trace it");
            }
            if (!many) {
                out.addAll(plans.get(0).warnings());
                return out;
            }
            // Many functions: one line for all that were inlined somewhere, each other warning once.
            List<String> inlined = new ArrayList<>();
            java.util.Set<String> other = new java.util.LinkedHashSet<>();
            for (FunctionPlan p : plans) {
                for (String w : p.warnings()) {
                    if (w.startsWith(p.instances().get(0).function() + " was also inlined into")
                            || w.startsWith(p.function() + " was also inlined into")) {
                        inlined.add(p.function());
                    } else if (!w.startsWith("some inline trees of ")) {
                        other.add(w);
                    } else {
                        other.add(w.replaceFirst("so copies of .* inlined there are not listed", "so inlined copies are not listed"));
                    }
                }
            }
            if (!inlined.isEmpty()) {
                out.add(inlined.size() + " of the " + plans.size() + " functions '" + spec + "' traces were also inlined into "
                        + "callers, whose calls to them will not be seen: " + String.join(", ", inlined.subList(0, Math.min(5, inlined.size())))
                        + (inlined.size() > 5 ? ", and " + (inlined.size() - 5) + " more" : ""));
            }
            out.addAll(other);
            return out;
        }
    }

    /** The agent's {@code probe} commands. */
    public List<ProbeSpec> probes() {
        return probes;
    }

    /**
     * The runtime hooks of the breakdown, when a function is broken down ({@link Builder#breakdown}); else
     * {@code null}, as {@link AgentSession#start(long, String, List, List, BreakdownSpec)} takes it.
     */
    public BreakdownSpec breakdownSpec() {
        return breakdownPlan == null ? null : BreakdownSpec.of(breakdownPlan);
    }

    /** The breakdown's plan (its warnings are for the user to see), or {@code null}. */
    public BreakdownPlan breakdownPlan() {
        return breakdownPlan;
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
        // By every name: a function a glob selected after it was named on its own is one entry under two names.
        for (Map.Entry<String, Entry> named : byName.entrySet()) {
            Entry e = named.getValue();
            List<ProbeSnapshot> each = new ArrayList<>();
            for (int id : e.ids()) {
                ProbeSnapshot s = byId.get(id);
                if (s == null) {
                    throw new AgentException("SESSION", "the agent's snapshot has no figures for " + named.getKey()
                            + " (id " + id + "); it has ids " + byId.keySet());
                }
                each.add(s);
            }
            result.put(named.getKey(), List.copyOf(each));
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
            add(name, plan);
            return plan;
        }

        /** Registers {@code plan} under {@code name}, or as an alias of a name that already probes the same sites. */
        private void add(String name, FunctionPlan plan) {
            for (Entry e : byName.values()) {
                if (!e.isSpan() && !e.isAlias() && sameSites(e.function(), plan)) {
                    byName.put(name, new Entry(name, e.ids(), plan, null, e.name()));
                    return;
                }
            }
            register(name, plan);
        }

        /**
         * Plans what a traced name selects, a glob possibly many functions (see {@link Planner#planFunctions}). A
         * plain name, or a glob that selects one function, is {@link #function}, with its errors. For a glob over
         * several, each function is traced under its full name (one already traced, under any name, is not traced
         * again); those that cannot be measured (no RET) are left out with one warning each.
         *
         * @return what was traced and what was left out
         * @throws PlanException when none of the glob's functions can be measured, or as {@link #function}
         * @throws dev.golat.binary.GoBinaryException when the name is unknown, ambiguous, or the glob matches nothing
         */
        public Selected functions(String spec) {
            List<String> seen = members.get(spec);
            if (seen != null) {
                return selected.get(spec);
            }
            if (byName.containsKey(spec) || !dev.golat.binary.GoBinary.isGlob(spec)) {
                FunctionPlan plan = function(spec);
                return new Selected(spec, false, List.of(spec), List.of(plan), List.of(), List.of());
            }
            GlobPlan glob = planner.planFunctions(spec);
            if (!glob.many()) {
                FunctionPlan plan = glob.functions().get(0);
                add(spec, plan);
                return new Selected(spec, false, List.of(spec), List.of(plan), List.of(), glob.wrappers());
            }
            List<FunctionPlan> measurable = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (FunctionPlan p : glob.functions()) {
                if (p.measurable()) {
                    measurable.add(p);
                } else {
                    skipped.add(p.warnings().stream().filter(w -> w.contains("cannot be measured")).findFirst()
                            .orElse(p.function() + ": " + String.join("; ", p.warnings())));
                }
            }
            glob.inlinedOnly().forEach((name, callers) -> skipped.add(name + " was inlined into " + (callers.size() == 1
                    ? "its one caller" : "all " + callers.size() + " of its callers") + " (" + String.join(", ",
                    callers.subList(0, Math.min(3, callers.size()))) + (callers.size() > 3 ? ", ..." : "")
                    + "), so it has no code of its own to probe: trace a caller, or build with -gcflags=-l"));
            if (measurable.isEmpty()) {
                throw new PlanException("none of the " + glob.functions().size() + " functions '" + spec
                        + "' matches can be measured: " + String.join("; ", skipped));
            }
            List<String> names = new ArrayList<>();
            for (FunctionPlan p : measurable) {
                long entry = p.instances().get(0).entry();
                Entry named = byName.get(p.function());
                boolean same = named != null && named.function() != null && named.function().instances().get(0).entry() == entry;
                String traced = named == null || same ? p.function() : p.function() + "@0x" + Long.toHexString(entry);
                String already = byEntry.get(entry);
                if (already == null) {
                    register(traced, p);
                } else if (!byName.containsKey(traced)) {
                    byName.put(traced, byName.get(already)); // traced once, under both names
                }
                names.add(traced);
            }
            Selected s = new Selected(spec, true, names, measurable, skipped, glob.wrappers());
            members.put(spec, names);
            selected.put(spec, s);
            return s;
        }

        private final Map<String, List<String>> members = new LinkedHashMap<>();
        private final Map<String, Selected> selected = new LinkedHashMap<>();
        private final Map<Long, String> byEntry = new LinkedHashMap<>();

        private void register(String name, FunctionPlan plan) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < plan.instances().size(); i++) {
                ids.add(nextId(plan.instances().size() - i));
            }
            byName.put(name, new Entry(name, ids, plan, null));
            for (dev.golat.plan.ProbePlan p : plan.instances()) {
                byEntry.putIfAbsent(p.entry(), name);
            }
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

        private final Set<String> brokenDown = new java.util.LinkedHashSet<>();
        private BreakdownPlan breakdownPlan;

        /**
         * Breaks each call of the functions {@code name} was traced under ({@link #functions}) down by goroutine
         * state; plans the runtime's hooks the first time.
         *
         * @throws PlanException when the binary's Go version or runtime cannot be broken down (the message says why),
         *                       or {@code name} is a span or not traced
         */
        public void breakdown(String name) {
            List<String> names = members.getOrDefault(name, List.of(name));
            for (String n : names) {
                Entry e = byName.get(n);
                if (e == null) {
                    throw new PlanException("'" + n + "' is not traced: trace it before asking for its breakdown");
                }
                if (e.isSpan()) {
                    throw new PlanException("'" + n + "' is a span: only a function's calls are broken down");
                }
            }
            if (breakdownPlan == null) {
                breakdownPlan = planner.planBreakdown();
            }
            for (String n : names) {
                brokenDown.add(byName.get(n).name());
            }
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
            return new ProbeSet(byName, members, brokenDown, breakdownPlan);
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
