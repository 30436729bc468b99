// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.agent.AgentSession;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec;
import dev.golat.agent.SpanSpec;
import dev.golat.container.GoContainer;
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
    private final Map<String, ProbePlan> plans; // key: the function as the user wrote it
    private final Map<String, SpanPlan> spans; // key: the span's name
    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private AgentSession session;

    private ServiceTracer(String serviceName, GoContainer container, Map<String, ProbePlan> plans,
            Map<String, SpanPlan> spans) {
        this.serviceName = serviceName;
        this.container = container;
        this.plans = plans;
        this.spans = spans;
        int id = 0;
        for (String spec : plans.keySet()) {
            ids.put(spec, id++);
        }
        for (String name : spans.keySet()) {
            ids.put(name, id++);
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
        Map<String, ProbePlan> plans = new LinkedHashMap<>();
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
            ProbePlan plan;
            try {
                plan = planner.plan(spec);
            } catch (RuntimeException e) {
                throw new GolatConfigurationException("@TraceLatency on " + where + ": " + e.getMessage(), e);
            }
            if (plan.returns().isEmpty()) {
                throw new GolatConfigurationException("@TraceLatency on " + where + ": " + String.join("; ", plan.warnings()));
            }
            plans.put(spec, plan);
        }
        return new ServiceTracer(serviceName, container, plans, spans);
    }

    /** The full function name behind a traced name, or {@code from → to} for a span. */
    String describe(String name) {
        ProbePlan p = plans.get(name);
        if (p != null) {
            return p.function();
        }
        SpanPlan s = spans.get(name);
        return s.from().function() + " (" + s.from().text() + ") → " + s.to().function() + " (" + s.to().text() + ")";
    }

    /** Copies the agent into the (started) container and attaches every probe. */
    void attach() {
        List<ProbeSpec> specs = new ArrayList<>();
        plans.forEach((spec, plan) -> specs.add(ProbeSpec.of(ids.get(spec), plan)));
        List<SpanSpec> spanSpecs = new ArrayList<>();
        spans.forEach((name, plan) -> spanSpecs.add(SpanSpec.of(ids.get(name), plan)));
        session = ContainerAgent.start(container, specs, spanSpecs, serviceName);
        StringBuilder sb = new StringBuilder();
        plans.values().forEach(p -> sb.append(describe(p)).append(System.lineSeparator()));
        spans.forEach((name, p) -> sb.append("golat: tracing span ").append(name).append(": ")
                .append(describe(name)).append(System.lineSeparator()));
        System.out.print(sb);
    }

    /** One line per plan, printed when tracing starts: where the probes went. */
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

    /** The current figures of each spec. */
    Map<String, ProbeSnapshot> snapshot() {
        Map<Integer, ProbeSnapshot> byId = new LinkedHashMap<>();
        session.snapshot().forEach(s -> byId.put(s.id(), s));
        Map<String, ProbeSnapshot> bySpec = new LinkedHashMap<>();
        ids.forEach((spec, id) -> bySpec.put(spec, byId.get(id)));
        return bySpec;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
