// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.demo;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.it.StmtServer;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceSpan;
import dev.golat.result.Latency;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's span example: handleStmtExecute → getTSO per goroutine; SETs never reach getTSO. */
@GoTest
class DispatchToTsoIT {
    static final int PORT = StmtClient.freePort();

    @GoService
    static GoContainer server = StmtServer.container(PORT);

    // snippet:span
    @Test
    @TraceSpan(name = "dispatch-to-tso", from = "handleStmtExecute", to = "getTSO")
    void tsoIsReachedQuickly(Latency dispatchToTso) {
        try (StmtClient client = StmtClient.connect(PORT)) {
            for (int i = 0; i < 1_000; i++) {
                client.exec(i % 10 == 9 ? "SET @v = " + i : "SELECT " + i);
            }
        }
        assertThat(dispatchToTso).hasCount(900).p99().isLessThan(Duration.ofMillis(5));
        assertThat(dispatchToTso.spanCounts().notReached()).as("SETs never reach getTSO").isEqualTo(100);
    }
    // end-snippet:span
}
