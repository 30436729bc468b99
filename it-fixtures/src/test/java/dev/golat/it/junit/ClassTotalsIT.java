// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.junit;

import dev.golat.it.StmtServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latencies;
import dev.golat.result.Latency;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Each test method sees only its own calls (reset before, snapshot after); the class totals, injected into
 * {@code @AfterAll}, add them up. Requests sent between tests belong to no window.
 */
@GoTest
@TraceLatency("handleStmtExecute")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClassTotalsIT {
    static final int PORT = StmtClient.freePort();

    @GoService
    static GoContainer server = StmtServer.container(PORT);

    @Test
    @Order(1)
    void first(Latency latency) {
        drive(300);
        assertThat(latency.count()).isEqualTo(300);
    }

    @Test
    @Order(2)
    void second(Latency latency) {
        drive(200);
        assertThat(latency.count()).isEqualTo(200);
    }

    @AfterAll
    static void totals(Latencies totals) {
        Latency all = totals.get("handleStmtExecute");
        assertThat(all.count()).isEqualTo(500);
        assertThat(all.counts().matched()).isEqualTo(500);
    }

    private static void drive(int n) {
        try (StmtClient client = StmtClient.connect(PORT)) {
            for (int i = 0; i < n; i++) {
                client.exec("SELECT " + i);
            }
        }
    }
}
