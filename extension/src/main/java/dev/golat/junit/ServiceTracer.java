// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.agent.AgentSession;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec;
import dev.golat.agent.SpanSpec;
import dev.golat.binary.GoBinary;
import dev.golat.container.GoContainer;
import dev.golat.gate.NoiseWitness;
import dev.golat.plan.FunctionPlan;
import dev.golat.plan.Planner;
import dev.golat.plan.ProbePlan;
import dev.golat.plan.SpanPlan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent attached to one service: every function the test class traces is planned once (before the
 * container starts), attached once, reset before each test method and snapshot after it.
 */
final class ServiceTracer implements AutoCloseable {
    private final String serviceName;
    private final GoContainer container;
    private final Map<String, FunctionPlan> plans; // key: the function as the user wrote it
    private final Map<String, SpanPlan> spans; // key: the span's name
    /** Probe ids by traced name: one per instantiation of a generic function, one for anything else. */
    private final Map<String, List<Integer>> ids = new LinkedHashMap<>();
    private final GoBinary binary;
    private AgentSession session;

    private ServiceTracer(String serviceName, GoContainer container, GoBinary binary, Map<String, FunctionPlan> plans,
            Map<String, SpanPlan> spans) {
        this.serviceName = serviceName;
        this.container = container;
        this.binary = binary;
        this.plans = plans;
        this.spans = spans;
        int id = 0;
        for (Map.Entry<String, FunctionPlan> e : plans.entrySet()) {
            List<Integer> each = new ArrayList<>();
            for (int i = 0; i < e.getValue().instances().size(); i++) {
                each.add(id++);
            }
            ids.put(e.getKey(), each);
        }
        for (String name : spans.keySet()) {
            ids.put(name, List.of(id++));
        }
    }

    /** Plans every spec against the service's binary on the host; fails before the container starts. */
    static ServiceTracer plan(String serviceName, GoContainer container, Collection<TraceTargets.Target> targets,
            String where) {
        Planner planner;
        try {
            planner = Planner.of(container.hostBinary());
        } catch (RuntimeException e) {
            throw new GolatConfigurationException(where + ": cannot read the Go binary of @GoService " + serviceName
                    + ": " + e.getMessage(), e);
        }
        Map<String, FunctionPlan> plans = new LinkedHashMap<>();
        Map<String, SpanPlan> spans = new LinkedHashMap<>();
        for (TraceTargets.Target t : targets) {
            if (t.isSpan()) {
                if (spans.containsKey(t.spec()) || plans.containsKey(t.spec())) {
                    throw new GolatConfigurationException("@TraceSpan(name = \"" + t.spec() + "\") in " + where
                            + ": the name is already used by another traced function or span");
                }
                try {
                    spans.put(t.spec(), planner.planSpan(t.spec(), t.from(), t.to()));
                } catch (RuntimeException e) {
                    throw new GolatConfigurationException("@TraceSpan(name = \"" + t.spec() + "\") in " + where + ": "
                            + e.getMessage(), e);
                }
                continue;
            }
            String spec = t.spec();
            if (plans.containsKey(spec)) {
                continue;
            }
            FunctionPlan plan;
            try {
                plan = planner.planFunction(spec);
            } catch (RuntimeException e) {
                throw new GolatConfigurationException("@TraceLatency on " + where + ": " + e.getMessage(), e);
            }
            if (!plan.measurable()) {
                throw new GolatConfigurationException("@TraceLatency on " + where + ": " + String.join("; ", plan.warnings()));
            }
            plans.put(spec, plan);
        }
        int probes = plans.values().stream().mapToInt(p -> p.instances().size()).sum() + spans.size();
        if (probes > dev.golat.agent.AgentProtocol.MAX_PROBES) {
            throw new GolatConfigurationException("@TraceLatency on " + where + ": " + probes + " probes (every "
                    + "instantiation of a generic function is one) for @GoService " + serviceName + ", more than the "
                    + "agent's " + dev.golat.agent.AgentProtocol.MAX_PROBES + "; trace fewer functions at once");
        }
        return new ServiceTracer(serviceName, container, planner.binary(), plans, spans);
    }

    /** The full function name behind a traced name, or {@code from → to} for a span. */
    String describe(String name) {
        FunctionPlan p = plans.get(name);
        if (p != null) {
            return p.function();
        }
        SpanPlan s = spans.get(name);
        return s.from().function() + " (" + s.from().text() + ") → " + s.to().function() + " (" + s.to().text() + ")";
    }

    /** Copies the agent into the (started) container and attaches every probe; prints the plan unless quiet. */
    void attach(boolean quiet) {
        List<ProbeSpec> specs = new ArrayList<>();
        plans.forEach((spec, plan) -> {
            for (int i = 0; i < plan.instances().size(); i++) {
                specs.add(ProbeSpec.of(ids.get(spec).get(i), plan.instances().get(i)));
            }
        });
        List<SpanSpec> spanSpecs = new ArrayList<>();
        spans.forEach((name, plan) -> spanSpecs.add(SpanSpec.of(ids.get(name).get(0), plan)));
        session = ContainerAgent.start(container, specs, spanSpecs, serviceName);
        StringBuilder sb = new StringBuilder();
        plans.values().forEach(p -> sb.append(describe(p)));
        spans.forEach((name, p) -> sb.append("golat: tracing span ").append(name).append(": ")
                .append(describe(name)).append(System.lineSeparator()));
        if (!quiet) {
            System.out.print(sb);
        }
    }

    /**
     * Printed when tracing starts: where the probes went, one line per function; a generic function's line says how
     * many instantiations are measured as one, then one line per instantiation.
     */
    static String describe(FunctionPlan plan) {
        String nl = System.lineSeparator();
        if (!plan.isGeneric()) {
            return describe(plan.instances().get(0)) + nl;
        }
        StringBuilder sb = new StringBuilder("golat: tracing " + plan.function() + " (" + plan.instances().get(0).goVersion()
                + "): " + plan.instances().size() + " instantiations measured as one latency" + nl);
        for (ProbePlan p : plan.instances()) {
            sb.append(describe(p).replaceFirst("^golat: tracing ", "golat:   ")).append(nl);
        }
        return sb.toString();
    }

    /** One line per probe plan: where its probes went. */
    static String describe(ProbePlan p) {
        String line = "golat: tracing " + p.function() + " (" + p.goVersion() + "): entry probe at file offset 0x"
                + Long.toHexString(p.entrySite().fileOffset()) + " (" + p.entrySite().kind().wireName() + "), "
                + p.returns().size() + " RET" + (p.returns().size() == 1 ? "" : "s") + ", "
                + p.morestackSites().size() + " morestack site" + (p.morestackSites().size() == 1 ? "" : "s");
        return p.warnings().isEmpty() ? line : line + "; warning: " + String.join("; ", p.warnings());
    }

    void reset() {
        session.reset();
    }

    /** The service binary's Go version, e.g. {@code go1.23.5}. */
    String goVersion() {
        return binary.goVersion().raw().split("\\s")[0];
    }

    String buildId() {
        return binary.buildId();
    }

    /** The service's CPU time and CPU wait so far ({@link NoiseWitness#NONE} when its threads cannot be read). */
    NoiseWitness witness() {
        try {
            return NoiseWitness.read(container.hostPid());
        } catch (RuntimeException e) {
            return NoiseWitness.NONE;
        }
    }

    /** The current figures of each traced name: one snapshot per probe (per instantiation of a generic function). */
    Map<String, List<ProbeSnapshot>> snapshot() {
        Map<Integer, ProbeSnapshot> byId = new LinkedHashMap<>();
        session.snapshot().forEach(s -> byId.put(s.id(), s));
        Map<String, List<ProbeSnapshot>> bySpec = new LinkedHashMap<>();
        ids.forEach((spec, each) -> bySpec.put(spec, each.stream().map(byId::get).toList()));
        return bySpec;
    }

    /** The plan of a traced function (not a span), or {@code null}. */
    FunctionPlan plan(String name) {
        return plans.get(name);
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
