// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.spans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.it.MiniJson;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceSpan;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * {@code @TraceSpan} through the JUnit extension against stmtserver in a container: the injected Latency agrees
 * with the server's own dispatchToTSO clock, and SETs (which never call getTSO) are counted as not reached.
 */
@GoTest
class SpanExtensionIT {
    static final int PORT = StmtClient.freePort();
    static final int CONNECTIONS = 4;
    static final int PER_CONNECTION = 500;
    static final int STATEMENTS = CONNECTIONS * PER_CONNECTION;

    @GoService
    static GoContainer server = GoContainer.fromBinary(GoTestBinaries.program("stmtserver"))
            .withArgs("-addr", "127.0.0.1:" + PORT)
            .withHostNetwork()
            .waitingForLogLine(".*listening on.*");

    @Test
    @TraceSpan(name = "dispatch-to-tso", from = "handleStmtExecute", to = "getTSO")
    void dispatch_to_tso_agrees_with_the_servers_clock(Latency dispatchToTso) throws Exception {
        try (StmtClient client = StmtClient.connect(PORT)) {
            client.resetStats();
        }
        StmtServerProcess.drive(PORT, CONNECTIONS, PER_CONNECTION);
        String stats;
        try (StmtClient client = StmtClient.connect(PORT)) {
            stats = client.stats();
        }
        Latency span = dispatchToTso.snapshot();

        assertThat(span.name()).isEqualTo("dispatch-to-tso");
        assertThat(span.count()).as("%s", span.spanCounts())
                .isEqualTo(MiniJson.number(stats, "dispatchToTSO.count"))
                .isEqualTo(STATEMENTS - StmtServerProcess.sets(STATEMENTS));
        assertThat(span.spanCounts().notReached()).as("not reached: %s", span.spanCounts())
                .isEqualTo(MiniJson.number(stats, "skippedTSO"))
                .isEqualTo(StmtServerProcess.sets(STATEMENTS));
        assertThat(span.spanCounts().started()).isEqualTo(STATEMENTS);
        assertThat(span.spanCounts().unmatchedEnds()).isZero();
        for (String p : List.of("p50", "p90")) {
            SpanAgentIT.assertAgrees("@TraceSpan dispatch-to-tso " + p,
                    span.percentile(Double.parseDouble(p.substring(1))).toNanos(),
                    MiniJson.number(stats, "dispatchToTSO." + p));
        }
    }

    /** Planned before any container starts; the oracle for the boundaries is objdump. */
    @Test
    void a_span_point_inside_an_instruction_is_refused_with_the_nearest_boundaries() throws Exception {
        String fn = "main.(*clientConn).handleStmtExecute";
        long[] firstTwo = firstInstructions(GoTestBinaries.program("go1.21", "stmtserver").toString(), fn);
        List<Throwable> failures = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(OffsetInsideInstructionTestCase.class))
                .execute().allEvents().failed().stream()
                .map(Event::getPayload).flatMap(p -> p.stream())
                .filter(o -> o instanceof TestExecutionResult)
                .map(o -> ((TestExecutionResult) o).getThrowable().orElseThrow())
                .toList();

        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).hasMessage("@TraceSpan(name = \"bad\") in OffsetInsideInstructionTestCase: '"
                + fn + "+1' (0x" + Long.toHexString(firstTwo[0] + 1) + ") is inside an instruction of " + fn + " in "
                + GoTestBinaries.program("go1.21", "stmtserver") + "; nearest instruction boundaries: " + fn + "+0 (0x"
                + Long.toHexString(firstTwo[0]) + ") and " + fn + "+" + (firstTwo[1] - firstTwo[0]) + " (0x"
                + Long.toHexString(firstTwo[1]) + ")");
    }

    @GoTest
    static class OffsetInsideInstructionTestCase {
        @GoService
        static GoContainer server = GoContainer.fromBinary(GoTestBinaries.program("go1.21", "stmtserver"))
                .withArgs("-addr", "127.0.0.1:" + StmtClient.freePort())
                .withHostNetwork()
                .waitingForLogLine(".*listening on.*");

        @Test
        @TraceSpan(name = "bad", from = "main.(*clientConn).handleStmtExecute+1", to = "getTSO")
        void t(Latency bad) {}
    }

    /** The addresses of the first two instructions of {@code function}, from objdump. */
    static long[] firstInstructions(String binary, String function) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("objdump", "-d", "--no-show-raw-insn", binary).start();
        p.getErrorStream().close();
        String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        int at = dump.indexOf("<" + function + ">:\n");
        assertThat(at).as("objdump has %s", function).isPositive();
        Matcher m = Pattern.compile("^\\s+([0-9a-f]+):", Pattern.MULTILINE).matcher(dump);
        m.find(at);
        long first = Long.parseLong(m.group(1), 16);
        m.find();
        return new long[] {first, Long.parseLong(m.group(1), 16)};
    }
}
