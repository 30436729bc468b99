// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.agent.AgentException;
import dev.golat.agent.AgentSession;
import dev.golat.agent.ProbeBias;
import dev.golat.agent.ProbeSet;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.container.ContainerAgent;
import dev.golat.binary.GoBinary;
import dev.golat.container.GoContainer;
import dev.golat.container.GoContainerException;
import dev.golat.container.RunningBinary;
import dev.golat.gate.NoiseWitness;
import dev.golat.plan.FunctionPlan;
import dev.golat.plan.Planner;
import dev.golat.plan.ProbePlan;
import dev.golat.result.Units;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The agent attached to one service: every function the test class traces is planned once (before the
 * container starts), attached once, reset before each test method and snapshot after it.
 */
final class ServiceTracer implements AutoCloseable {
    private final String serviceName;
    private final GoContainer container;
    private final GoBinary binary;
    private final ProbeSet probes;
    private final List<ProbeSet.Selected> globs;
    private final PanicWatch panics;
    private AgentSession session;
    private ProbeBias bias;

    /** Calls of the agent's calibration: a few ms. */
    private static final int CALIBRATION_CALLS = 2000;
    /** This machine's probe bias: calibrated once per JVM, by the first agent that attaches. */
    private static ProbeBias machineBias;

    /** How long the end of a test waits for a panic in flight to be recovered or to end the service. */
    private static final long PANIC_SETTLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private ServiceTracer(String serviceName, GoContainer container, GoBinary binary, ProbeSet probes,
            List<ProbeSet.Selected> globs, PanicWatch panics) {
        this.serviceName = serviceName;
        this.container = container;
        this.binary = binary;
        this.probes = probes;
        this.globs = List.copyOf(globs);
        this.panics = panics;
    }

    /** Plans every target against the service's binary on the host; fails before the container starts. */
    static ServiceTracer plan(String serviceName, GoContainer container, Collection<TraceTargets.Target> targets,
            String where) {
        Planner planner;
        try {
            planner = Planner.of(container.hostBinary());
        } catch (RuntimeException e) {
            throw new GolatConfigurationException(where + ": cannot read the Go binary of @GoService " + serviceName
                    + ": " + e.getMessage(), e);
        }
        ProbeSet.Builder set = ProbeSet.planning(planner);
        List<ProbeSet.Selected> globs = new java.util.ArrayList<>();
        for (TraceTargets.Target t : targets) {
            try {
                if (t.isSpan()) {
                    set.span(t.name(), t.from(), t.to());
                } else {
                    ProbeSet.Selected s = set.functions(t.name());
                    if (s.many() && !globs.contains(s)) {
                        globs.add(s);
                    }
                    if (t.breakdown()) {
                        set.breakdown(t.name());
                    }
                }
            } catch (RuntimeException e) {
                String what = t.isSpan() ? "@TraceSpan(name = \"" + t.name() + "\") in " : "@TraceLatency on ";
                throw new GolatConfigurationException(what + where + ": " + e.getMessage(), e);
            }
        }
        ProbeSet built = set.build();
        List<Integer> ids = new java.util.ArrayList<>();
        built.probes().forEach(p -> ids.add(p.id()));
        built.spans().forEach(sp -> ids.add(sp.id()));
        return new ServiceTracer(serviceName, container, planner.binary(), built, globs, PanicWatch.plan(planner, ids));
    }

    /**
     * The names a traced name is traced and reported under: the full names of the functions a glob over several
     * selected (see {@link ProbeSet#expand}), else the name itself.
     */
    List<String> expand(String name) {
        return probes.expand(name);
    }

    /** The full function name behind a traced name, or {@code from → to} for a span. */
    String describe(String name) {
        return probes.get(name).describe();
    }

    /** The plan of a traced function (every instantiation of a generic one), or {@code null} for a span. */
    FunctionPlan plan(String name) {
        return probes.get(name).function();
    }

    /**
     * Checks that the (started) container runs the build that was planned from, copies the agent into it and
     * attaches every probe; prints the plan unless quiet, each line ending with {@code  on <service>} when
     * {@code nameService} (a class with several services).
     */
    void attach(boolean quiet, boolean nameService) {
        try {
            RunningBinary.requireSame(container, binary, "@GoService " + serviceName);
            List<dev.golat.agent.ProbeSpec> all = new java.util.ArrayList<>(probes.probes());
            all.addAll(panics.probes());
            session = ContainerAgent.start(container, all, probes.spans(), probes.breakdownSpec(),
                    "@GoService " + serviceName);
        } catch (AgentException | GoContainerException e) {
            throw new GolatConfigurationException(e.getMessage(), e);
        }
        StringBuilder biasLine = new StringBuilder();
        bias = calibrated(session, biasLine);
        StringBuilder sb = new StringBuilder();
        java.util.Set<String> inGlobs = new java.util.HashSet<>();
        for (ProbeSet.Selected g : globs) {
            inGlobs.addAll(g.names());
            sb.append(describe(g));
        }
        for (ProbeSet.Entry e : probes.entries()) {
            if (inGlobs.contains(e.name())) {
                continue;
            }
            if (e.isAlias()) {
                sb.append("golat: tracing ").append(e.name()).append(": the same function as ").append(e.sameAs())
                        .append(" (").append(e.describe()).append("), probed once: both names see the same figures")
                        .append(System.lineSeparator());
            } else if (e.isSpan()) {
                sb.append("golat: tracing span ").append(e.name()).append(": ").append(e.describe())
                        .append(System.lineSeparator());
            } else {
                sb.append(describe(e.function()));
            }
        }
        if (probes.breakdownPlan() != null) {
            sb.append(describe(probes.breakdownPlan(), probes)).append(System.lineSeparator());
        }
        if (nameService) {
            String nl = System.lineSeparator();
            sb = new StringBuilder(sb.toString().replace(nl, " on " + serviceName + nl));
        }
        sb.insert(0, biasLine); // of the machine, not of one service
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

    /**
     * Printed for a glob over several functions: how many it traces, those it left out (one line each) and the
     * other warnings; the probe sites of each function are in the report, not on the console.
     */
    static String describe(ProbeSet.Selected glob) {
        String nl = System.lineSeparator();
        int probes = glob.plans().stream().mapToInt(p -> p.instances().stream()
                .mapToInt(i -> 1 + i.returns().size() + i.morestackSites().size()).sum()).sum();
        StringBuilder sb = new StringBuilder("golat: tracing '" + glob.spec() + "' ("
                + glob.plans().get(0).instances().get(0).goVersion() + "): " + glob.plans().size() + " functions, "
                + probes + " uprobes, each function measured on its own under its full name" + nl);
        for (String w : glob.warnings()) {
            sb.append("golat:   warning: ").append(w).append(nl);
        }
        return sb.toString();
    }

    /** The line printed for the breakdown's hooks: which functions are broken down and where the hooks went. */
    static String describe(dev.golat.plan.BreakdownPlan b, ProbeSet set) {
        List<String> names = set.entries().stream().filter(e -> !e.isSpan())
                .filter(e -> set.probes().stream().anyMatch(p -> p.breakdown() && e.ids().contains(p.id())))
                .map(ProbeSet.Entry::name).toList();
        String line = "golat: breaking down " + String.join(", ", names) + " (" + b.goVersion().split("\\s")[0]
                + "): runtime.casgstatus at file offset 0x" + Long.toHexString(b.casgstatus())
                + ", stopTheWorldWithSema 0x" + Long.toHexString(b.stopWorld()) + ", startTheWorldWithSema 0x"
                + Long.toHexString(b.startWorld()) + ", g.waitreason at +" + b.waitReasons().waitReasonOff();
        return b.warnings().isEmpty() ? line : line + "; warning: " + String.join("; ", b.warnings());
    }

    /** One line per probe plan: where its probes went. */
    static String describe(ProbePlan p) {
        String line = "golat: tracing " + p.function() + " (" + p.goVersion() + "): entry probe at file offset 0x"
                + Long.toHexString(p.entrySite().fileOffset()) + " (" + p.entrySite().kind().wireName() + "), "
                + p.returns().size() + " RET" + (p.returns().size() == 1 ? "" : "s") + ", "
                + p.morestackSites().size() + " morestack site" + (p.morestackSites().size() == 1 ? "" : "s");
        return p.warnings().isEmpty() ? line : line + "; warning: " + String.join("; ", p.warnings());
    }

    /**
     * The machine's probe bias, calibrated by the first session of this JVM (one {@code calibrate} of
     * {@value #CALIBRATION_CALLS} calls); {@code null}, with a warning in {@code out}, when the agent could not.
     */
    private static synchronized ProbeBias calibrated(AgentSession session, StringBuilder out) {
        if (machineBias == null) {
            try {
                machineBias = session.calibrate(CALIBRATION_CALLS);
                out.append("golat: probe bias on this machine: ").append(Units.duration(machineBias.p50Nanos()))
                        .append(" per measured call (p50 of ").append(Units.count(machineBias.calls()))
                        .append(" calibration calls; min ").append(Units.duration(machineBias.minNanos()))
                        .append(", p90 ").append(Units.duration(machineBias.p90Nanos())).append(")")
                        .append(System.lineSeparator());
            } catch (AgentException e) {
                out.append("golat: warning: the probe bias could not be calibrated: ").append(e.getMessage())
                        .append(System.lineSeparator());
                return null;
            }
        }
        return machineBias;
    }

    /** The probe bias on this machine in ns (p50 of the calibration), or -1 when it could not be calibrated. */
    long probeBiasNanos() {
        return bias == null ? -1 : bias.p50Nanos();
    }

    void reset() {
        session.reset();
        if (session.targetExited()) {
            throw new AgentException("GONE", session.targetExitFault("reset"));
        }
    }

    /** The service binary's Go version, e.g. {@code go1.23.5}. */
    String goVersion() {
        return binary.goVersion().raw().split("\\s")[0];
    }

    String buildId() {
        return binary.buildId();
    }

    /**
     * The service's CPU time and CPU wait so far ({@link NoiseWitness#NONE} when its threads cannot be read). With a
     * local Docker daemon they are read here at the pid it reports; with one that is not local that pid names another
     * process here (or none), so the agent reads them inside the service's container.
     */
    NoiseWitness witness() {
        try {
            if (ContainerAgent.daemonIsLocal()) {
                return NoiseWitness.read(container.hostPid());
            }
            AgentSession.Schedstat s = session.schedstat();
            return s.threads() == 0 ? NoiseWitness.NONE : new NoiseWitness(s.cpuNanos(), s.waitNanos(), s.threads());
        } catch (RuntimeException e) {
            return NoiseWitness.NONE;
        }
    }

    /** The current figures of each traced function (one per instantiation) and span, by the name the test gave it. */
    Map<String, List<ProbeSnapshot>> snapshot() {
        List<ProbeSnapshot> figures = session.snapshot();
        requireAlive();
        return probes.byName(figures);
    }

    /**
     * The figures at the end of a test's window. A panic in flight then (begun in the test, its deferred calls run or
     * running, not recovered) is waited for, up to 10 s: a crash fails the test it began
     * in, not the next one; a recovered panic leaves these figures as they were.
     */
    Map<String, List<ProbeSnapshot>> finalSnapshot() {
        List<ProbeSnapshot> figures = session.snapshot();
        requireAlive();
        long deadline = System.nanoTime() + PANIC_SETTLE_NANOS;
        for (List<ProbeSnapshot> now = figures; panics.inFlight(now) > 0 && System.nanoTime() - deadline < 0; ) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = session.snapshot(); // throws when the agent died with the service
            requireAlive();
        }
        return probes.byName(figures);
    }

    /**
     * Fails when the service exited, or began to, before the agent's last answer: a fault of the test that ends with
     * it, however close to its end it came (the agent checks the process before it answers).
     */
    private void requireAlive() {
        if (session.targetExited()) {
            throw new AgentException("GONE", session.targetExitFault("snapshot"));
        }
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
