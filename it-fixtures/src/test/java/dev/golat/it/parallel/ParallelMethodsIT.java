// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.parallel;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.it.Fixtures;
import dev.golat.it.MiniJson;
import dev.golat.it.StmtClient;
import dev.golat.it.StmtServer;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * JUnit's parallel execution on, every method {@code @Execution(CONCURRENT)}, as a user would turn it on:
 * the two methods of one class that drive the same service 3,000 and 2,000 times each count exactly their own
 * calls (before, they shared one window and measured 5,000 and 3,996), because golat keeps each method's window
 * in the method's own store and holds one resource lock per service, so they run one after the other; a class
 * on another service still runs at the same time (a barrier that a sequential run would never pass).
 */
class ParallelMethodsIT {
    static final int THREE_THOUSAND = 3_000;
    static final int TWO_THOUSAND = 2_000;
    static final int THOUSAND = 1_000;
    private static final int BARRIER_SECONDS = 60;

    /** The other class and the first method of the two-method class meet here: classes run at the same time. */
    static final CyclicBarrier CLASSES_TOGETHER = new CyclicBarrier(2);
    static final AtomicBoolean FIRST_METHOD = new AtomicBoolean();
    static final Map<String, Window> WINDOWS = new ConcurrentHashMap<>();

    /** One method's driving window (System.nanoTime()) and what golat and the server counted in it. */
    record Window(long start, long end, long golat, long matched, long server) {}

    @Test
    void should_count_each_method_its_own_calls_with_parallel_execution_on() {
        WINDOWS.clear();
        CLASSES_TOGETHER.reset();
        FIRST_METHOD.set(false);

        Events tests = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "3")
                .selectors(selectClass(TwoMethodsOneServiceTestCase.class), selectClass(OtherServiceTestCase.class))
                .execute()
                .testEvents();

        assertThat(Fixtures.failures(tests)).as("fixture failures").isEmpty();
        tests.assertStatistics(s -> s.started(3).succeeded(3).failed(0));
        Window three = WINDOWS.get("threeThousand");
        Window two = WINDOWS.get("twoThousand");
        Window other = WINDOWS.get("otherThousand");
        assertThat(three.golat()).as("golat's count of the 3,000-call method").isEqualTo(THREE_THOUSAND);
        assertThat(three.matched()).isEqualTo(THREE_THOUSAND);
        assertThat(three.server()).as("the server's own count").isEqualTo(THREE_THOUSAND);
        assertThat(two.golat()).as("golat's count of the 2,000-call method").isEqualTo(TWO_THOUSAND);
        assertThat(two.matched()).isEqualTo(TWO_THOUSAND);
        assertThat(two.server()).as("the server's own count").isEqualTo(TWO_THOUSAND);
        assertThat(other.golat()).as("the other service's method").isEqualTo(THOUSAND);
        assertThat(other.server()).isEqualTo(THOUSAND);
        assertThat(three.end() < two.start() || two.end() < three.start())
                .as("methods on one service never overlap: 3,000 [%d, %d], 2,000 [%d, %d]", three.start(), three.end(),
                        two.start(), two.end()).isTrue();
    }

    /** Drives {@code calls} statements and records the window, golat's and the server's counts. */
    static void drive(String name, int port, int calls, Latency latency) throws Exception {
        long start = System.nanoTime();
        String stats;
        try (StmtClient client = StmtClient.connect(port)) {
            client.resetStats();
            for (int i = 0; i < calls; i++) {
                client.exec("SELECT " + i + " + (1 * 2)");
            }
            stats = client.stats();
        }
        long end = System.nanoTime();
        Latency frozen = latency.snapshot();
        long server = MiniJson.number(stats, "handleStmtExecute.count");
        WINDOWS.put(name, new Window(start, end, frozen.count(), frozen.counts().matched(), server));
        assertThat(frozen).hasCount(calls);
        assertThat(server).isEqualTo(calls);
    }

    /** The first of the two methods to run waits for the other class, which proves the classes overlap. */
    static void meetTheOtherClassOnce() throws Exception {
        if (FIRST_METHOD.compareAndSet(false, true)) {
            CLASSES_TOGETHER.await(BARRIER_SECONDS, TimeUnit.SECONDS);
        }
    }

    @GoTest
    @Execution(ExecutionMode.CONCURRENT)
    static class TwoMethodsOneServiceTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container(PORT);

        @Test
        @Execution(ExecutionMode.CONCURRENT)
        @TraceLatency("handleStmtExecute")
        void threeThousand(Latency latency) throws Exception {
            meetTheOtherClassOnce();
            drive("threeThousand", PORT, THREE_THOUSAND, latency);
        }

        @Test
        @Execution(ExecutionMode.CONCURRENT)
        @TraceLatency("handleStmtExecute")
        void twoThousand(Latency latency) throws Exception {
            meetTheOtherClassOnce();
            drive("twoThousand", PORT, TWO_THOUSAND, latency);
        }
    }

    @GoTest
    @Execution(ExecutionMode.CONCURRENT)
    static class OtherServiceTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container(PORT);

        @Test
        @TraceLatency("handleStmtExecute")
        void otherThousand(Latency latency) throws Exception {
            CLASSES_TOGETHER.await(BARRIER_SECONDS, TimeUnit.SECONDS);
            drive("otherThousand", PORT, THOUSAND, latency);
        }
    }
}
