// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.container.GoContainer;
import dev.golat.probe.AgentSession;
import dev.golat.probe.Planner;
import dev.golat.probe.ProbePlan;
import dev.golat.probe.ProbeSnapshot;
import dev.golat.probe.ProbeSpec;
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
    private final Map<String, ProbePlan> plans; // key: the spec as the user wrote it
    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private AgentSession session;

    private ServiceTracer(String serviceName, GoContainer container, Map<String, ProbePlan> plans) {
        this.serviceName = serviceName;
        this.container = container;
        this.plans = plans;
        int id = 0;
        for (String spec : plans.keySet()) {
            ids.put(spec, id++);
        }
    }

    /** Plans every spec against the service's binary on the host; fails before the container starts. */
    static ServiceTracer plan(String serviceName, GoContainer container, Collection<String> specs, String where) {
        Planner planner;
        try {
            planner = Planner.of(container.hostBinary());
        } catch (RuntimeException e) {
            throw new GolatConfigurationException(where + ": cannot read the Go binary of @GoService " + serviceName
                    + ": " + e.getMessage(), e);
        }
        Map<String, ProbePlan> plans = new LinkedHashMap<>();
        for (String spec : specs) {
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
        return new ServiceTracer(serviceName, container, plans);
    }

    Map<String, ProbePlan> plans() {
        return plans;
    }

    /** Copies the agent into the (started) container and attaches every probe. */
    void attach() {
        List<ProbeSpec> specs = new ArrayList<>();
        plans.forEach((spec, plan) -> specs.add(plan.toSpec(ids.get(spec))));
        session = ContainerAgent.start(container, specs, serviceName);
        StringBuilder sb = new StringBuilder();
        plans.values().forEach(p -> sb.append(describe(p)).append(System.lineSeparator()));
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
