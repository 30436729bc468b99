// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.agent.ProbeSnapshot;
import dev.golat.container.GoContainer;
import dev.golat.gate.NoiseWitness;
import dev.golat.gate.Witnesses;
import dev.golat.plan.FunctionPlan;
import dev.golat.result.GateLog;
import dev.golat.result.GateResult;
import dev.golat.result.Latencies;
import dev.golat.result.Latency;
import dev.golat.result.Snapshots;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * Starts the {@link GoService} containers of a {@link GoTest} class, traces its {@link TraceLatency}
 * functions, injects {@link Latency} and {@link Latencies}, and writes the reports after each test.
 */
final class GolatExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback, ParameterResolver {

    static {
        QuietLibraries.apply(); // in case the JUnit Platform did not load GolatLauncherSessionListener
    }

    private static final Namespace NAMESPACE = Namespace.create(GolatExtension.class);
    private static final String CLASS_STATE = "classState";
    private static final String METHOD_RUN = "methodRun";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean skip = context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, GoTest.class))
                .map(GoTest::disabledWithoutDocker)
                .orElse(false);
        if (skip && !GoContainer.dockerAvailable()) {
            return ConditionEvaluationResult.disabled("golat: no Docker daemon answers (disabledWithoutDocker = true)");
        }
        return ConditionEvaluationResult.enabled("golat: Docker available or required");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        ClassState enclosing = ServiceLocks.isNested(testClass) ? context.getParent()
                .map(p -> p.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class)).orElse(null) : null;
        if (enclosing != null) {
            // A @Nested class traces through the enclosing class's services, planned and attached with its own.
            context.getStore(NAMESPACE).put(CLASS_STATE, enclosing.nested(testClass));
            return;
        }
        Map<String, GoContainer> services = services(testClass);
        Map<String, Set<TraceTargets.Target>> specsByService = new LinkedHashMap<>();
        for (TraceTargets.Target t : TraceTargets.ofClass(testClass)) {
            if (t.isOverNodes()) {
                for (String node : t.nodes()) {
                    requireNode(t, node, services, testClass.getSimpleName());
                    specsByService.computeIfAbsent(node, s -> new LinkedHashSet<>()).add(t.onNode(node));
                }
                continue;
            }
            String service = serviceOf(t, services, testClass.getSimpleName());
            specsByService.computeIfAbsent(service, s -> new LinkedHashSet<>()).add(t);
        }
        GolatConfiguration config = GolatConfiguration.from(context::getConfigurationParameter);
        Path reportDir = config.reportDir(AnnotationSupport.findAnnotation(testClass, GoTest.class)
                .map(GoTest::reportDir).orElse(""));
        ClassState state = new ClassState(testClass, reportDir, config.quiet(), config.subtractProbeBias());
        context.getStore(NAMESPACE).put(CLASS_STATE, state);
        // Plan everything first: a wrong function name fails in milliseconds, before any container starts.
        for (Map.Entry<String, Set<TraceTargets.Target>> e : specsByService.entrySet()) {
            GoContainer container = services.get(e.getKey());
            state.tracers.put(e.getKey(), ServiceTracer.plan(e.getKey(), container, e.getValue(),
                    testClass.getSimpleName()));
        }
        for (Map.Entry<String, GoContainer> e : services.entrySet()) {
            GoContainer container = e.getValue();
            if (!container.isRunning()) {
                container.start();
                state.started.add(container);
            }
            ServiceTracer tracer = state.tracers.get(e.getKey());
            if (tracer != null) {
                tracer.attach(state.quiet, services.size() > 1);
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ClassState state = state(context);
        MethodRun run = new MethodRun(state, context.getRequiredTestMethod(),
                TraceTargets.ofMethod(context.getRequiredTestClass(), context.getRequiredTestMethod()));
        Set<ServiceTracer> traced = Collections.newSetFromMap(new IdentityHashMap<>());
        for (TraceTargets.Target t : run.targets) {
            traced.addAll(tracersOf(state, t));
        }
        traced.forEach(ServiceTracer::reset); // one reset per service, however many of its functions are traced
        if (BaselineGate.annotation(context).isPresent()) {
            traced.forEach(run::startWitness);
        }
        // The method's own store: parallel methods each see their own window (ServiceLocks keep one per service).
        context.getStore(NAMESPACE).put(METHOD_RUN, run);
        GateLog.enterTest(GateLog.testName(context.getRequiredTestClass().getSimpleName(),
                context.getRequiredTestMethod().getName()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        MethodRun run = context.getStore(NAMESPACE).remove(METHOD_RUN, MethodRun.class);
        if (run == null || run.targets.isEmpty()) {
            GateLog.leaveTest();
            return;
        }
        ClassState state = run.state;
        List<Latency> frozen;
        RuntimeException gateError = null;
        AssertionError gateFailure = null;
        try {
            frozen = run.freeze();
            // The baseline gate first, so that the page shows its verdict; it logs its gates as the test's own.
            if (BaselineGate.annotation(context).isPresent()) {
                try {
                    BaselineGate.check(context, run.measured(frozen));
                } catch (AssertionError e) {
                    gateFailure = e;
                } catch (RuntimeException e) {
                    gateError = e;
                }
            }
        } finally {
            GateLog.leaveTest();
        }
        Throwable failure = context.getExecutionException()
                .orElse(gateFailure != null ? gateFailure : gateError);
        String test = GateLog.testName(context.getRequiredTestClass().getSimpleName(), context.getRequiredTestMethod().getName());
        List<GateResult> gates = GateLog.since(run.gateMark).stream().filter(g -> g.test().equals(test)).toList();
        Reports.Written written = state.reports.record(context.getRequiredTestMethod().getName(), frozen, failure, gates);
        JUnitReporting.publish(context, frozen, written);
        state.lastPage = written.page();
        if (gateFailure != null) {
            throw gateFailure;
        }
        if (gateError != null) {
            throw gateError;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ClassState state = context.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class);
        if (state != null && state.lastPage != null) {
            JUnitReporting.publishPage(context, state.lastPage);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> type = pc.getParameter().getType();
        return type == Latency.class || type == Latencies.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        ClassState state = state(ec);
        Class<?> type = pc.getParameter().getType();
        MethodRun run = ec.getTestMethod().isPresent() ? ec.getStore(NAMESPACE).get(METHOD_RUN, MethodRun.class) : null;
        if (run == null) {
            if (type == Latencies.class) {
                return state.reports.totals();
            }
            throw new ParameterResolutionException("golat injects " + type.getSimpleName()
                    + " into test methods (and Latencies of the whole class into @AfterAll methods)");
        }
        if (type == Latencies.class) {
            return run.latencies();
        }
        List<TraceTargets.Target> own = TraceTargets.ofParameter(pc.getParameter());
        String where = ec.getRequiredTestClass().getSimpleName() + "." + ec.getRequiredTestMethod().getName() + "()";
        if (own.size() > 1) {
            throw new ParameterResolutionException("@TraceLatency on a Latency parameter of " + where
                    + " names " + own.size() + " functions; a Latency parameter takes one (use Latencies for several)");
        }
        TraceTargets.Target target;
        if (own.size() == 1) {
            target = own.get(0);
            List<String> names = target.isSpan() ? List.of(target.name())
                    : target.isOverNodes() ? MethodRun.expandOverNodes(state, target).stream().map(TraceTargets.Target::name).toList()
                    : state.tracers.get(serviceKey(state, target)).expand(target.name());
            if (names.size() > 1 || !names.get(0).equals(target.name())) {
                throw new ParameterResolutionException("@TraceLatency(\"" + target.name() + "\") on a Latency parameter of "
                        + where + " is a glob that matches " + names.size() + " functions (" + shown(names)
                        + "), each measured on its own; a Latency parameter takes one function: take Latencies and "
                        + "get(\"" + names.get(0) + "\"), or name one function");
            }
        } else if (run.targets.size() == 1) {
            target = run.targets.iterator().next();
        } else if (run.targets.isEmpty()) {
            throw new ParameterResolutionException(where + " has a Latency parameter but traces nothing: add "
                    + "@TraceLatency(\"function\") to the method, its class or the parameter");
        } else {
            throw new ParameterResolutionException(where + " traces " + run.targets.size() + " functions ("
                    + shown(run.targets.stream().map(TraceTargets.Target::name).toList())
                    + "): say which one this Latency parameter is: @TraceLatency(\"name\") Latency name, or take Latencies");
        }
        return run.live(target);
    }

    private static String shown(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + ", and " + (names.size() - 5) + " more";
    }

    private static ClassState state(ExtensionContext context) {
        ClassState state = context.getStore(NAMESPACE).get(CLASS_STATE, ClassState.class);
        if (state == null) {
            throw new GolatConfigurationException("golat is not set up for " + context.getDisplayName()
                    + ": annotate the test class with @GoTest");
        }
        return state;
    }

    /** The tracer of each service {@code t} is traced in: one, or one per node. */
    private static List<ServiceTracer> tracersOf(ClassState state, TraceTargets.Target t) {
        if (t.isOverNodes()) {
            return t.nodes().stream().map(state.tracers::get).toList();
        }
        return List.of(state.tracers.get(serviceKey(state, t)));
    }

    static void requireNode(TraceTargets.Target t, String node, Map<String, GoContainer> services, String where) {
        if (!services.containsKey(node)) {
            throw new GolatConfigurationException("@TraceLatency(value = \"" + t.name() + "\", services = {"
                    + String.join(", ", t.nodes().stream().map(n -> "\"" + n + "\"").toList()) + "}) in " + where
                    + ": no @GoService field named '" + node + "'; services: "
                    + (services.isEmpty() ? "none (declare one @GoService field per node)" : String.join(", ", services.keySet())));
        }
    }

    private static String serviceKey(ClassState state, TraceTargets.Target t) {
        if (!t.service().isEmpty()) {
            return t.service();
        }
        return state.tracers.keySet().iterator().next();
    }

    static String serviceOf(TraceTargets.Target t, Map<String, GoContainer> services, String where) {
        if (services.isEmpty()) {
            throw new GolatConfigurationException(where + " traces '" + t.name() + "' but has no @GoService field: "
                    + "declare one, e.g. @GoService static GoContainer server = GoContainer.fromBinary(Path.of(\"...\"))");
        }
        if (!t.service().isEmpty()) {
            if (!services.containsKey(t.service())) {
                throw new GolatConfigurationException("@TraceLatency(service = \"" + t.service() + "\") in " + where
                        + ": no @GoService field of that name; services: " + String.join(", ", services.keySet()));
            }
            return t.service();
        }
        if (services.size() > 1) {
            throw new GolatConfigurationException("@TraceLatency(\"" + t.name() + "\") in " + where + ": the class has "
                    + services.size() + " @GoService fields (" + String.join(", ", services.keySet())
                    + "): name one with service = \"...\"");
        }
        return services.keySet().iterator().next();
    }

    private static Map<String, GoContainer> services(Class<?> testClass) throws IllegalAccessException {
        Map<String, GoContainer> services = new LinkedHashMap<>();
        for (Field f : AnnotationSupport.findAnnotatedFields(testClass, GoService.class, field -> true,
                HierarchyTraversalMode.TOP_DOWN)) {
            String where = "@GoService field " + testClass.getSimpleName() + "." + f.getName();
            if (!GoContainer.class.isAssignableFrom(f.getType())) {
                throw new GolatConfigurationException(where + " is a " + f.getType().getSimpleName()
                        + "; it must be a GoContainer");
            }
            if (!Modifier.isStatic(f.getModifiers())) {
                throw new GolatConfigurationException(where + " must be static (the service lives for the class); "
                        + "instance @GoService fields are not supported yet");
            }
            f.setAccessible(true);
            Object value = f.get(null);
            if (value == null) {
                throw new GolatConfigurationException(where + " is null: initialise it, e.g. = GoContainer.fromBinary(Path.of(\"...\"))");
            }
            services.put(f.getName(), (GoContainer) value);
        }
        return services;
    }

    /**
     * What lives for the test class: the tracers, the containers golat started, the class report. A
     * {@code @Nested} class shares its enclosing class's tracers and has a report of its own.
     */
    static final class ClassState implements AutoCloseable {
        final Class<?> testClass;
        final Path reportDir;
        final Map<String, ServiceTracer> tracers;
        final boolean ownsTracers;
        final List<GoContainer> started = new ArrayList<>();
        final Reports reports;
        final boolean quiet;
        final boolean subtractBias;
        volatile Path lastPage;

        ClassState(Class<?> testClass, Path reportDir, boolean quiet, boolean subtractBias) {
            this(testClass, reportDir, quiet, subtractBias, new LinkedHashMap<>(), true);
        }

        private ClassState(Class<?> testClass, Path reportDir, boolean quiet, boolean subtractBias,
                Map<String, ServiceTracer> tracers, boolean owns) {
            this.testClass = testClass;
            this.reportDir = reportDir;
            this.quiet = quiet;
            this.subtractBias = subtractBias;
            this.tracers = tracers;
            this.ownsTracers = owns;
            this.reports = new Reports(testClass, reportDir, quiet);
        }

        /** The state of a {@code @Nested} class inside this one. */
        ClassState nested(Class<?> nestedClass) {
            return new ClassState(nestedClass, reportDir, quiet, subtractBias, tracers, false);
        }

        @Override
        public void close() {
            if (!ownsTracers) {
                return;
            }
            RuntimeException first = null;
            for (ServiceTracer t : tracers.values()) {
                try {
                    t.close();
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            for (GoContainer c : started) {
                try {
                    c.stop();
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** One test method's tracing: what it traces, live views during the method, frozen figures after it. */
    static final class MethodRun {
        final ClassState state;
        final Method method;
        final Set<TraceTargets.Target> targets;

        /** The gate log's size when the method started: its gates are among those logged after. */
        final int gateMark = GateLog.size();

        MethodRun(ClassState state, Method method, Set<TraceTargets.Target> targets) {
            this.state = state;
            this.method = method;
            this.targets = expand(state, targets);
        }

        /** A glob over several functions becomes one target per function, named by its full name. */
        static Set<TraceTargets.Target> expand(ClassState state, Set<TraceTargets.Target> targets) {
            Set<TraceTargets.Target> out = new LinkedHashSet<>();
            for (TraceTargets.Target t : targets) {
                if (t.isOverNodes()) {
                    out.addAll(expandOverNodes(state, t));
                    continue;
                }
                if (t.isSpan()) {
                    out.add(t);
                    continue;
                }
                for (String name : state.tracers.get(serviceKey(state, t)).expand(t.name())) {
                    out.add(new TraceTargets.Target(t.service(), name, null, null, List.of(), t.breakdown()));
                }
            }
            return out;
        }

        /**
         * A function traced on several nodes, or a glob over several functions traced on several nodes: one target per
         * function, named by its full name, over the nodes whose binary has it (in the order the test named them;
         * nodes of different binaries may match different functions). A name that selects one function on every node
         * stays as it is.
         */
        static List<TraceTargets.Target> expandOverNodes(ClassState state, TraceTargets.Target t) {
            Map<String, List<String>> nodesByFunction = new LinkedHashMap<>();
            List<String> single = new ArrayList<>();
            for (String node : t.nodes()) {
                List<String> names = state.tracers.get(node).expand(t.name());
                if (names.size() == 1 && names.get(0).equals(t.name())) {
                    single.add(node);
                    continue;
                }
                for (String name : names) {
                    nodesByFunction.computeIfAbsent(name, n -> new ArrayList<>()).add(node);
                }
            }
            if (nodesByFunction.isEmpty()) {
                return List.of(t);
            }
            if (!single.isEmpty()) {
                throw new GolatConfigurationException("@TraceLatency(value = \"" + t.name() + "\", services = {...}) in "
                        + state.testClass.getSimpleName() + " matches one function on " + String.join(", ", single)
                        + " but several on " + String.join(", ", new LinkedHashSet<>(nodesByFunction.values().stream()
                                .flatMap(List::stream).toList()))
                        + " (the nodes run different binaries): name the functions themselves, e.g. \""
                        + nodesByFunction.keySet().iterator().next() + "\", or trace each node with service = \"...\"");
            }
            List<TraceTargets.Target> out = new ArrayList<>();
            nodesByFunction.forEach((name, nodes) ->
                    out.add(new TraceTargets.Target("", name, null, null, List.copyOf(nodes), t.breakdown())));
            return out;
        }

        /** The CPU wait of each service at the start of the window, when the method is gated on a baseline. */
        final Map<ServiceTracer, NoiseWitness> witnessStart = new IdentityHashMap<>();

        Latency live(TraceTargets.Target t) {
            List<ServiceTracer> tracers = tracersOf(state, t);
            String function = String.join(", ", new LinkedHashSet<>(tracers.stream().map(tr -> tr.describe(t.name())).toList()));
            Latency live = Latency.live(t.name(), function, () -> snapshot(t), () -> {
                for (ServiceTracer tracer : tracers) {
                    tracer.reset();
                    if (witnessStart.containsKey(tracer)) {
                        startWitness(tracer);
                    }
                }
            });
            if (tracers.size() == 1) { // a latency over nodes has no one witness
                Witnesses.register(live, tracers.get(0)::witness);
            }
            return live;
        }

        void startWitness(ServiceTracer tracer) {
            witnessStart.put(tracer, tracer.witness());
        }

        /** The frozen figures with what a baseline gate needs of each: Go version, build id, the window's CPU wait. */
        List<BaselineGate.Measured> measured(List<Latency> frozen) {
            List<BaselineGate.Measured> out = new ArrayList<>();
            int i = 0;
            for (TraceTargets.Target t : targets) {
                ServiceTracer tracer = tracersOf(state, t).get(0);
                if (t.isOverNodes()) { // the nodes' CPU waits differ: the gate treats the window's as unknown
                    out.add(new BaselineGate.Measured(frozen.get(i++), tracer.goVersion(), tracer.buildId(), NoiseWitness.NONE));
                    continue;
                }
                NoiseWitness start = witnessStart.getOrDefault(tracer, NoiseWitness.NONE);
                NoiseWitness window = start.known() ? tracer.witness().minus(start) : NoiseWitness.NONE;
                out.add(new BaselineGate.Measured(frozen.get(i++), tracer.goVersion(), tracer.buildId(), window));
            }
            return out;
        }

        /**
         * The figures of every target at the end of the method, in target order: one agent snapshot per
         * service, however many of its functions the method traces.
         */
        List<Latency> freeze() {
            Map<ServiceTracer, Map<String, List<ProbeSnapshot>>> byTracer = new IdentityHashMap<>();
            List<Latency> results = new ArrayList<>();
            for (TraceTargets.Target t : targets) {
                if (t.isOverNodes()) {
                    results.add(overNodes(t, tracer -> byTracer.computeIfAbsent(tracer, ServiceTracer::finalSnapshot)));
                    continue;
                }
                ServiceTracer tracer = state.tracers.get(serviceKey(state, t));
                results.add(toLatency(t, tracer, byTracer.computeIfAbsent(tracer, ServiceTracer::finalSnapshot)));
            }
            return results;
        }

        private Latency snapshot(TraceTargets.Target t) {
            if (t.isOverNodes()) {
                return overNodes(t, ServiceTracer::snapshot);
            }
            ServiceTracer tracer = state.tracers.get(serviceKey(state, t));
            return toLatency(t, tracer, tracer.snapshot());
        }

        /** Each node's figures of {@code t}, in the order the test named the nodes, and all of them as one. */
        private Latency overNodes(TraceTargets.Target t,
                java.util.function.Function<ServiceTracer, Map<String, List<ProbeSnapshot>>> snapshots) {
            Map<String, Latency> perNode = new LinkedHashMap<>();
            for (String node : t.nodes()) {
                ServiceTracer tracer = state.tracers.get(node);
                perNode.put(node, toLatency(t.onNode(node), tracer, snapshots.apply(tracer)));
            }
            return Latency.ofNodes(t.name(), perNode, state.reports.pagePath());
        }

        private Latency toLatency(TraceTargets.Target t, ServiceTracer tracer, Map<String, List<ProbeSnapshot>> snapshot) {
            FunctionPlan plan = tracer.plan(t.name());
            Latency latency = plan != null
                    ? Snapshots.toLatency(t.name(), plan, snapshot.get(t.name()), state.reports.pagePath())
                    : Snapshots.toLatency(t.name(), tracer.describe(t.name()), snapshot.get(t.name()).get(0),
                            state.reports.pagePath());
            long bias = tracer.probeBiasNanos();
            return bias < 0 ? latency : Snapshots.withProbeBias(latency, bias, state.subtractBias);
        }

        Latencies latencies() {
            Map<String, Latency> m = new LinkedHashMap<>();
            for (TraceTargets.Target t : targets) {
                m.put(t.name(), live(t));
            }
            return Latencies.of(m);
        }
    }
}
