// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.parallel;

import dev.golat.it.StmtServer;
import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.it.Fixtures;
import dev.golat.it.MiniJson;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Two {@code @GoTest} classes run at the same time, each with its own stmtserver container tracing the same
 * function of the same binary; each class's {@link Latency} counts exactly its own calls. The uprobes of both
 * agents sit on the same file (Docker shares the identical image layer), so only the agents' pid filters keep
 * the counts apart. Both classes drive their servers in the same window (a barrier that a sequential run would
 * never pass), and the IT checks from recorded timestamps that the classes' lifetimes overlapped.
 */
class ParallelClassesIT {
    static final int THOUSAND = 1_000;
    static final int SEVENTEEN_HUNDRED = 1_700;
    private static final int BARRIER_SECONDS = 60;

    /** Both classes' test methods meet here before driving: proves they run at the same time. */
    static final CyclicBarrier DRIVE_TOGETHER = new CyclicBarrier(2);
    static final Map<String, Outcome> OUTCOMES = new ConcurrentHashMap<>();

    /** What one fixture class saw, and when (System.nanoTime()). */
    record Outcome(long classStart, long classEnd, long driveStart, long driveEnd, long latencyCount,
                   long matched, long serverCount, String thread, String layers) {}

    @Test
    void should_count_each_class_its_own_calls_when_two_classes_trace_at_the_same_time() {
        OUTCOMES.clear();
        DRIVE_TOGETHER.reset();

        Events tests = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "same_thread")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                .selectors(selectClass(ThousandCallsTestCase.class), selectClass(SeventeenHundredCallsTestCase.class))
                .execute()
                .testEvents();

        assertThat(Fixtures.failures(tests)).as("fixture failures").isEmpty();
        tests.assertStatistics(s -> s.started(2).succeeded(2).failed(0));
        Outcome a = OUTCOMES.get("ThousandCallsTestCase");
        Outcome b = OUTCOMES.get("SeventeenHundredCallsTestCase");
        assertThat(a.latencyCount()).as("Latency count of the 1,000-call class").isEqualTo(THOUSAND);
        assertThat(a.matched()).isEqualTo(THOUSAND);
        assertThat(a.serverCount()).as("the server's own count").isEqualTo(THOUSAND);
        assertThat(b.latencyCount()).as("Latency count of the 1,700-call class").isEqualTo(SEVENTEEN_HUNDRED);
        assertThat(b.matched()).isEqualTo(SEVENTEEN_HUNDRED);
        assertThat(b.serverCount()).as("the server's own count").isEqualTo(SEVENTEEN_HUNDRED);

        assertThat(a.thread()).as("each class on its own thread").isNotEqualTo(b.thread());
        assertThat(a.layers()).as("the two images share their layer (same binary file): only pid filtering separates them")
                .isEqualTo(b.layers());
        assertThat(a.classStart()).as("class A started before class B ended").isLessThan(b.classEnd());
        assertThat(b.classStart()).as("class B started before class A ended").isLessThan(a.classEnd());
        assertThat(a.driveStart()).as("A drove before B finished driving").isLessThan(b.driveEnd());
        assertThat(b.driveStart()).as("B drove before A finished driving").isLessThan(a.driveEnd());
        System.out.printf("golat parallel: classes overlapped %d ms, driving overlapped %d ms%n",
                overlapMillis(a.classStart(), a.classEnd(), b.classStart(), b.classEnd()),
                overlapMillis(a.driveStart(), a.driveEnd(), b.driveStart(), b.driveEnd()));
    }

    private static long overlapMillis(long s1, long e1, long s2, long e2) {
        return TimeUnit.NANOSECONDS.toMillis(Math.min(e1, e2) - Math.max(s1, s2));
    }


    /** Drives {@code calls} statements once both classes are here; asserts and records what each side counted. */
    static void driveAndRecord(String name, GoContainer server, int port, int calls, Latency latency, long classStart)
            throws Exception {
        String layers = docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", server.getDockerImageName());
        DRIVE_TOGETHER.await(BARRIER_SECONDS, TimeUnit.SECONDS);
        long driveStart = System.nanoTime();
        String stats;
        try (StmtClient client = StmtClient.connect(port)) {
            client.resetStats();
            for (int i = 0; i < calls; i++) {
                client.exec("SELECT " + i + " + (1 * 2)");
            }
            stats = client.stats();
        }
        long driveEnd = System.nanoTime();
        Latency frozen = latency.snapshot();
        long serverCount = MiniJson.number(stats, "handleStmtExecute.count");
        OUTCOMES.put(name, new Outcome(classStart, 0, driveStart, driveEnd, frozen.count(),
                frozen.counts().matched(), serverCount, Thread.currentThread().getName(), layers));
        assertThat(frozen).hasCount(calls);
        assertThat(serverCount).isEqualTo(calls);
    }

    static String docker(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("docker"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
        return out;
    }

    static void recordClassEnd(String name) {
        OUTCOMES.computeIfPresent(name, (k, o) -> new Outcome(o.classStart(), System.nanoTime(), o.driveStart(),
                o.driveEnd(), o.latencyCount(), o.matched(), o.serverCount(), o.thread(), o.layers()));
    }

    @GoTest
    static class ThousandCallsTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container(PORT);
        static long classStart;

        @BeforeAll
        static void started() {
            classStart = System.nanoTime(); // after golat's beforeAll: the container runs, the probes are attached
        }

        @Test
        @TraceLatency("handleStmtExecute")
        void thousandCalls(Latency latency) throws Exception {
            driveAndRecord("ThousandCallsTestCase", server, PORT, THOUSAND, latency, classStart);
        }

        @AfterAll
        static void ended() {
            recordClassEnd("ThousandCallsTestCase");
        }
    }

    @GoTest
    static class SeventeenHundredCallsTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container(PORT);
        static long classStart;

        @BeforeAll
        static void started() {
            classStart = System.nanoTime();
        }

        @Test
        @TraceLatency("handleStmtExecute")
        void seventeenHundredCalls(Latency latency) throws Exception {
            driveAndRecord("SeventeenHundredCallsTestCase", server, PORT, SEVENTEEN_HUNDRED, latency, classStart);
        }

        @AfterAll
        static void ended() {
            recordClassEnd("SeventeenHundredCallsTestCase");
        }
    }
}
