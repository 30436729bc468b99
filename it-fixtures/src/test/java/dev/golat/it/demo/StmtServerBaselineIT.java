// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.demo;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.LatencyBaseline;
import dev.golat.junit.TraceLatency;
import dev.golat.load.Load;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import org.junit.jupiter.api.Test;

/**
 * The README's stored-baseline gate: the window of handleStmtExecute against
 * {@code src/test/golat-baselines/StmtServerBaselineIT/executeIsNotSlower/handleStmtExecute.hlog}.
 */
@GoTest
class StmtServerBaselineIT {
    static final int PORT = StmtClient.freePort();

    @GoService
    static GoContainer server = GoContainer.fromBinary(GoTestBinaries.program("go1.23", "stmtserver"))
            .withArgs("-addr", "127.0.0.1:" + PORT)
            .withHostNetwork()
            .waitingForLogLine(".*listening on.*");

    // snippet:baseline
    @Test
    @TraceLatency("handleStmtExecute")
    @LatencyBaseline(percentiles = 50, tolerance = 25) // above this machine's run-to-run spread (up to 19%)
    void executeIsNotSlower(Latency latency) {
        StmtClient[] clients = {StmtClient.connect(PORT), StmtClient.connect(PORT)};
        Load.of((worker, i) -> clients[worker].exec("SELECT " + i + " + (1 * 2)"))
                .workers(2).warmUp(1_000).calls(10_000)
                .window(latency) // the window starts after the warm-up
                .run();
        for (StmtClient c : clients) {
            c.close();
        }
    }
    // end-snippet:baseline
}
