// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.glob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.it.StmtServer;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latencies;
import dev.golat.result.Latency;
import org.junit.jupiter.api.Test;

/**
 * {@code @TraceLatency} with a glob over several functions hands the test {@link Latencies}: one latency per
 * function, by its full name, each measured on its own; a name that selects one function still hands a
 * {@link Latency}. The client's own count of the statements it sent is the oracle.
 */
@GoTest
class GlobLatenciesIT {
    static final int PORT = StmtClient.freePort();

    @GoService
    static GoContainer server = StmtServer.container(PORT);

    @Test
    @TraceLatency("main.(*clientConn).*")
    void a_glob_traces_every_method_of_the_type_each_under_its_full_name(Latencies latencies) {
        int sent = drive(400);

        assertThat(latencies.all()).extracting(Latency::name).contains("main.(*clientConn).dispatch",
                "main.(*clientConn).handleStmtExecute", "main.(*clientConn).run");
        assertThat(latencies.get("main.(*clientConn).handleStmtExecute").count()).isEqualTo(sent);
        assertThat(latencies.get("main.(*clientConn).dispatch").count()).isEqualTo(sent);
        assertThat(latencies.get("main.(*clientConn).dispatch").counts().unmatchedReturns()).isZero();
        // dispatch calls handleStmtExecute: its median cannot be shorter
        assertThat(latencies.get("main.(*clientConn).dispatch").p50())
                .isGreaterThanOrEqualTo(latencies.get("main.(*clientConn).handleStmtExecute").p50());
    }

    @Test
    @TraceLatency("main.(*clientConn).handleStmtE?ecute")
    void a_glob_that_matches_one_function_is_that_function(Latency latency) {
        int sent = drive(150);

        assertThat(latency.name()).isEqualTo("main.(*clientConn).handleStmtE?ecute");
        assertThat(latency.function()).isEqualTo("main.(*clientConn).handleStmtExecute");
        assertThat(latency.count()).isEqualTo(sent);
    }

    private static int drive(int n) {
        try (StmtClient client = StmtClient.connect(PORT)) {
            for (int i = 0; i < n; i++) {
                client.exec("SELECT " + i);
            }
        }
        return n;
    }
}
