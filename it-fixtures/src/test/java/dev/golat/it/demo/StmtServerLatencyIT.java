// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.demo;

import static dev.golat.assertj.GolatAssertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's demo: the latency of handleStmtExecute inside a Go server, asserted from JUnit. */
// snippet:demo
@GoTest
class StmtServerLatencyIT {
    static final int PORT = StmtClient.freePort();

    @GoService
    static GoContainer server = GoContainer.fromBinary(GoTestBinaries.program("stmtserver"))
            .withArgs("-addr", "127.0.0.1:" + PORT)
            .withHostNetwork()
            .waitingForLogLine(".*listening on.*");

    @Test
    @TraceLatency("handleStmtExecute")
    void executeStaysFast(Latency latency) {
        try (StmtClient client = StmtClient.connect(PORT)) {
            for (int i = 0; i < 10_000; i++) {
                client.exec("SELECT " + i + " + (1 * 2)");
            }
        }
        assertThat(latency).hasCountAtLeast(10_000).percentile(99).isLessThan(Duration.ofMillis(5));
    }
}
// end-snippet:demo
