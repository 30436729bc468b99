// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.faults;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.it.StmtServer;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latencies;
import dev.golat.result.Latency;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The same function named three ways in one test (its short name, its full name, a glob that selects only it) is
 * probed once: every name sees the same figures, and each counts every call once, as the server's own count says.
 */
@GoTest
class SameFunctionTwiceIT {
    static final int PORT = StmtClient.freePort();
    static final int CALLS = 500;

    @GoService
    static GoContainer server = StmtServer.container(PORT);

    @Test
    @TraceLatency({"handleStmtExecute", "main.(*clientConn).handleStmtExecute", "*.handleStmtExecute"})
    void should_count_each_call_once_under_every_name(Latencies latencies) {
        long byServer;
        try (StmtClient client = StmtClient.connect(PORT)) {
            client.resetStats();
            for (int i = 0; i < CALLS; i++) {
                client.exec("SELECT " + i);
            }
            Matcher m = Pattern.compile("\"handleStmtExecute\":\\{\"count\":(\\d+)").matcher(client.stats());
            assertThat(m.find()).isTrue();
            byServer = Long.parseLong(m.group(1));
        }
        Latency shortName = latencies.get("handleStmtExecute").snapshot();
        Latency fullName = latencies.get("main.(*clientConn).handleStmtExecute").snapshot();
        Latency glob = latencies.get("*.handleStmtExecute").snapshot();

        assertThat(byServer).as("the server's own count").isEqualTo(CALLS);
        assertThat(shortName).hasCount(CALLS).allCallsReturned();
        assertThat(fullName).hasCount(CALLS).allCallsReturned();
        assertThat(glob).hasCount(CALLS).allCallsReturned();
        assertThat(fullName.histogram()).as("one probe: the same histogram").isEqualTo(shortName.histogram());
        assertThat(glob.histogram()).as("one probe: the same histogram").isEqualTo(shortName.histogram());
    }
}
