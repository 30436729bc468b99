// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.junit;

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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * {@code @Nested} classes trace through the enclosing class's {@code @GoService} (before, they failed with
 * "Inner traces 'handleStmtExecute' but has no @GoService field"), two levels deep, each method with its own
 * exact count against the server's.
 */
class NestedClassesIT {
    static final Map<String, long[]> COUNTS = new ConcurrentHashMap<>(); // method -> {golat, server}

    @Test
    void should_trace_nested_classes_through_the_enclosing_service() {
        COUNTS.clear();
        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(OuterTestCase.class))
                .execute()
                .testEvents();

        assertThat(Fixtures.failures(tests)).as("fixture failures").isEmpty();
        tests.assertStatistics(s -> s.started(3).succeeded(3));
        assertThat(COUNTS.get("outer")).containsExactly(300, 300);
        assertThat(COUNTS.get("inner")).containsExactly(700, 700);
        assertThat(COUNTS.get("deeper")).containsExactly(200, 200);
    }

    static void drive(String name, int calls, Latency latency) {
        String stats;
        try (StmtClient client = StmtClient.connect(OuterTestCase.PORT)) {
            client.resetStats();
            for (int i = 0; i < calls; i++) {
                client.exec("SELECT " + i);
            }
            stats = client.stats();
        }
        long server = MiniJson.number(stats, "handleStmtExecute.count");
        COUNTS.put(name, new long[] {latency.count(), server});
        assertThat(latency).hasCount(calls);
    }

    @GoTest
    static class OuterTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container(PORT);

        @Test
        @TraceLatency("handleStmtExecute")
        void outer(Latency latency) {
            drive("outer", 300, latency);
        }

        @Nested
        class Inner {
            @Test
            @TraceLatency("handleStmtExecute")
            void inner(Latency latency) {
                drive("inner", 700, latency);
            }

            @Nested
            class Deeper {
                @Test
                @TraceLatency("main.(*clientConn).handleStmtExecute")
                void deeper(Latency latency) {
                    drive("deeper", 200, latency);
                }
            }
        }
    }
}
