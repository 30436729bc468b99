// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.bench;

import dev.golat.container.ContainerControls;
import dev.golat.agent.ProbeSpec;
import dev.golat.it.StmtServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.agent.AgentBinary;
import dev.golat.agent.AgentOutput;
import dev.golat.agent.AgentSession;
import dev.golat.container.ExecStream;
import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.plan.Planner;
import dev.golat.plan.ProbePlan;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;
import org.junit.platform.testkit.engine.Events;

/**
 * What golat costs a test class and a test method, printed (never asserted), measured side by side in one
 * run: the same service with and without golat. Two views:
 *
 * <ul>
 *   <li>the phases, through the public pieces the extension uses: {@code GoContainer.start}, {@code Planner},
 *       {@code copyAgent}, the agent's exec and {@code AgentSession.start} (attach), {@code reset},
 *       {@code snapshot}, {@code close};</li>
 *   <li>end to end, through JUnit: a {@code @GoTest} class with and without {@code @TraceLatency}, and
 *       test methods with and without it (the traced ones also write their reports).</li>
 * </ul>
 * The goals of issue 5: at most 1.5 s per class and 50 ms per test on top of the container.
 */
class GolatBenchmarkIT {
    static final String FUNCTION = "handleStmtExecute";
    private static final int REPS = 5;
    private static final int RESETS = 20;
    static final int TESTS = 20;

    private final Map<String, List<Long>> samples = new TreeMap<>();

    @Test
    void golat_cost_per_class_and_per_test() throws Exception {
        Path binary = GoTestBinaries.program("stmtserver");
        phases(binary, 1); // warm-up: image build, capability probe, class loading; not counted
        samples.clear();
        phases(binary, REPS);
        endToEnd(REPS);

        Table t = new Table(samples);
        StringBuilder out = new StringBuilder();
        out.append(String.format("%ngolat benchmark: %s in %s, medians of %d (min..max); per-test rows: %d each%n",
                FUNCTION, binary, REPS, RESETS));
        out.append("per class\n");
        t.row(out, "container start (GoContainer.start, new image)", "start");
        t.row(out, "  plan (Planner.of + plan)", "plan");
        t.row(out, "  copy agent (copyAgent)", "copy");
        t.row(out, "  exec agent + attach (AgentSession.start)", "attach");
        t.row(out, "golat before the first test (plan+copy+attach)", "golat");
        t.row(out, "  detach (AgentSession.close)", "detach");
        t.row(out, "    of which closing the exec (ExecStream.close)", "detach.exec");
        t.row(out, "container stop", "stop");
        t.row(out, "@GoTest class, no @TraceLatency (image built)", "class.plain");
        t.row(out, "@GoTest class, one traced test (image built)", "class.traced");
        t.row(out, "golat's share of a class (traced - plain)", "class.golat");
        out.append("per test\n");
        t.row(out, "reset (AgentSession.reset)", "reset");
        t.row(out, "snapshot (AgentSession.snapshot)", "snapshot");
        t.row(out, "test method, untraced (JUnit)", "test.plain");
        t.row(out, "test method, traced: reset+snapshot+report", "test.traced");
        t.row(out, "golat's share of a test (traced - untraced)", "test.golat");
        out.append(String.format("per class: golat adds %.0f ms (goal <= 1500 ms), %.1fx the plain class; detaching is "
                        + "%.0f%% of it. per test: golat adds %.1f ms (goal <= 50 ms)%n",
                t.median("class.golat") / 1e6, (double) t.median("class.traced") / t.median("class.plain"),
                100.0 * t.median("detach") / t.median("class.golat"), t.median("test.golat") / 1e6));
        System.out.print(out);
        assertThat(samples.get("start")).hasSize(REPS); // the run measured what it prints
    }

    /** The phases of a traced class, timed one by one with the public pieces. */
    private void phases(Path binary, int reps) throws Exception {
        byte[] agent = AgentBinary.bytes();
        for (int rep = 0; rep < reps; rep++) {
            int port = StmtClient.freePort();
            GoContainer server = GoContainer.fromBinary(binary)
                    .withArgs("-addr", "127.0.0.1:" + port)
                    .withHostNetwork()
                    .waitingForLogLine(".*listening on.*");
            try {
                long t0 = System.nanoTime();
                server.start();
                long t1 = System.nanoTime();
                ProbePlan plan = Planner.of(server.hostBinary()).plan(FUNCTION);
                long t2 = System.nanoTime();
                ContainerControls.copyAgent(server, agent);
                long t3 = System.nanoTime();
                AgentSession session = startAgent(server, plan);
                long t4 = System.nanoTime();
                try (StmtClient client = StmtClient.connect(port)) {
                    for (int i = 0; i < RESETS; i++) {
                        long r0 = System.nanoTime();
                        session.reset();
                        long r1 = System.nanoTime();
                        client.exec("SELECT " + i);
                        long s0 = System.nanoTime();
                        long count = session.snapshot().get(0).counters().matched();
                        long s1 = System.nanoTime();
                        assertThat(count).as("calls seen after reset").isEqualTo(1);
                        add("reset", r1 - r0);
                        add("snapshot", s1 - s0);
                    }
                }
                long t5 = System.nanoTime();
                session.close();
                long t6 = System.nanoTime();
                server.stop();
                long t7 = System.nanoTime();
                add("start", t1 - t0);
                add("plan", t2 - t1);
                add("copy", t3 - t2);
                add("attach", t4 - t3);
                add("golat", t4 - t1);
                add("detach", t6 - t5);
                add("stop", t7 - t6);
            } finally {
                server.stop();
            }
        }
    }

    /** Starts the agent in the container the way the extension does: exec, pump its stdout, attach. */
    private AgentSession startAgent(GoContainer server, ProbePlan plan) {
        ExecStream exec = ContainerControls.exec(server, ContainerControls.AGENT_PATH);
        AgentOutput output = new AgentOutput();
        Thread pump = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = exec.stdout()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    output.acceptStdout(buf, 0, n);
                }
            } catch (IOException e) {
                // the exec ended
            } finally {
                output.endOfStdout();
            }
        }, "bench-agent-stdout");
        pump.setDaemon(true);
        pump.start();
        AgentSession session = AgentSession.over(exec.stdin(), output, () -> {
            long t0 = System.nanoTime();
            exec.close();
            add("detach.exec", System.nanoTime() - t0);
        });
        try {
            session.start(ContainerControls.servicePid(server), server.binaryPathInContainer(), List.of(ProbeSpec.of(0, plan)));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return session;
    }


    /** The same @GoTest class with and without tracing, alternated; then test methods with and without. */
    private void endToEnd(int reps) {
        run(PlainClassTestCase.class); // warm-up of the JUnit path
        run(TracedClassTestCase.class);
        for (int rep = 0; rep < reps; rep++) {
            long plain = classNanos(run(PlainClassTestCase.class), PlainClassTestCase.class);
            long traced = classNanos(run(TracedClassTestCase.class), TracedClassTestCase.class);
            add("class.plain", plain);
            add("class.traced", traced);
            add("class.golat", traced - plain);
        }
        List<Long> plainTests = testNanos(run(PlainTestsTestCase.class));
        List<Long> tracedTests = testNanos(run(TracedTestsTestCase.class));
        plainTests.forEach(n -> add("test.plain", n));
        tracedTests.forEach(n -> add("test.traced", n));
        long golat = Table.median(tracedTests) - Table.median(plainTests);
        add("test.golat", golat);
    }

    private static Events run(Class<?> testCase) {
        Events events = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(testCase))
                .execute()
                .allEvents();
        List<String> failures = events.failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": " + e.getRequiredPayload(TestExecutionResult.class)
                        .getThrowable().map(Throwable::toString).orElse("?"))
                .toList();
        assertThat(failures).as("failures of %s", testCase.getSimpleName()).isEmpty();
        return events;
    }

    /** From the class's started event to its finished event: beforeAll (start, attach), tests, afterAll. */
    private static long classNanos(Events events, Class<?> testCase) {
        Event started = only(events, EventType.STARTED, testCase);
        Event finished = only(events, EventType.FINISHED, testCase);
        return Duration.between(started.getTimestamp(), finished.getTimestamp()).toNanos();
    }

    private static Event only(Events events, EventType type, Class<?> testCase) {
        return events.stream()
                .filter(e -> e.getType() == type)
                .filter(e -> e.getTestDescriptor().getSource().filter(s -> s instanceof ClassSource c
                        && c.getJavaClass() == testCase).isPresent())
                .findFirst().orElseThrow();
    }

    /** Each test method's started-to-finished time (beforeEach and afterEach callbacks included). */
    private static List<Long> testNanos(Events events) {
        Map<Object, Event> started = new java.util.HashMap<>();
        List<Long> nanos = new ArrayList<>();
        for (Event e : events.list()) {
            if (!e.getTestDescriptor().isTest() || e.getTestDescriptor().getSource().filter(s -> s instanceof MethodSource).isEmpty()) {
                continue;
            }
            if (e.getType() == EventType.STARTED) {
                started.put(e.getTestDescriptor().getUniqueId(), e);
            } else if (e.getType() == EventType.FINISHED) {
                nanos.add(Duration.between(started.get(e.getTestDescriptor().getUniqueId()).getTimestamp(),
                        e.getTimestamp()).toNanos());
            }
        }
        assertThat(nanos).hasSize(TESTS);
        return nanos;
    }

    private void add(String key, long nanos) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(nanos);
    }


    @GoTest
    static class PlainClassTestCase {
        @GoService static GoContainer server = StmtServer.container(StmtClient.freePort());

        @Test
        void untraced() {}
    }

    @GoTest
    static class TracedClassTestCase {
        @GoService static GoContainer server = StmtServer.container(StmtClient.freePort());

        @Test
        @TraceLatency(FUNCTION)
        void traced(Latency latency) {}
    }

    @GoTest
    static class PlainTestsTestCase {
        @GoService static GoContainer server = StmtServer.container(StmtClient.freePort());

        @RepeatedTest(TESTS)
        void untraced() {}
    }

    @GoTest
    static class TracedTestsTestCase {
        @GoService static GoContainer server = StmtServer.container(StmtClient.freePort());

        @RepeatedTest(TESTS)
        @TraceLatency(FUNCTION)
        void traced(Latency latency) {}
    }
}
