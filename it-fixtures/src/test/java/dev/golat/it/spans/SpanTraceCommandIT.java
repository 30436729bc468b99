// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.spans;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.it.GolatCli;
import dev.golat.it.MiniJson;
import dev.golat.testbins.GoTestBinaries;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code golat trace --span NAME FROM TO} as a user runs it: a separate JVM, the real agent on this host, a real
 * stmtserver, compared with the server's own {@code dispatchToTSO} and {@code skippedTSO} figures.
 */
class SpanTraceCommandIT {
    private static final String GO = "go1.22";

    @Test
    void trace_pid_with_a_span_agrees_with_the_servers_own_clock() throws Exception {
        try (StmtServerProcess server = StmtServerProcess.start(GO)) {
            server.resetStats();
            Process cli = GolatCli.start("trace", "--pid", Long.toString(server.pid()), "--span", "dispatch-to-tso",
                    "handleStmtExecute", "getTSO", "--duration", "15s", "--json");
            try {
                StringBuilder stderr = new StringBuilder();
                CountDownLatch tracing = new CountDownLatch(1);
                Thread errReader = readLines(cli, stderr, tracing);
                ByteArrayOutputStream stdout = new ByteArrayOutputStream();
                Thread outReader = new Thread(() -> {
                    try {
                        cli.getInputStream().transferTo(stdout);
                    } catch (IOException ignored) {
                        // exited
                    }
                });
                outReader.start();
                assertThat(tracing.await(60, TimeUnit.SECONDS)).as("the CLI attached; stderr:%n%s", stderr).isTrue();
                server.drive(4, 500);
                String stats = server.stats();
                assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI ended after --duration").isTrue();
                outReader.join(5_000);
                errReader.join(5_000);
                assertThat(cli.exitValue()).as("exit code; stderr:%n%s", stderr).isZero();
                String json = stdout.toString(StandardCharsets.UTF_8).lines()
                        .filter(l -> l.contains("\"function\":\"span dispatch-to-tso\"")).findFirst()
                        .orElseThrow(() -> new AssertionError("no span line in " + stdout + "\n" + stderr));

                assertThat(MiniJson.number(json, "count")).isEqualTo(MiniJson.number(stats, "dispatchToTSO.count"))
                        .isEqualTo(2000 - StmtServerProcess.sets(2000));
                assertThat(MiniJson.number(json, "counters.notReached")).isEqualTo(MiniJson.number(stats, "skippedTSO"))
                        .isEqualTo(StmtServerProcess.sets(2000));
                assertThat(MiniJson.number(json, "counters.started")).isEqualTo(2000);
                assertThat(MiniJson.number(json, "counters.unmatchedEnds")).isZero();
                for (String p : List.of("p50", "p90")) {
                    SpanAgentIT.assertAgrees("golat trace --span " + p, MiniJson.number(json, p),
                            MiniJson.number(stats, "dispatchToTSO." + p));
                }
            } finally {
                cli.destroyForcibly();
                cli.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The oracle is objdump: the first instruction of the function ends where the message says the next boundary is. */
    @Test
    void a_span_point_inside_an_instruction_is_refused_with_the_nearest_boundaries() throws Exception {
        String stmtserver = GoTestBinaries.program(GO, "stmtserver").toString();
        String fn = "main.(*clientConn).handleStmtExecute";
        long[] firstTwo = SpanExtensionIT.firstInstructions(stmtserver, fn);
        Process cli = GolatCli.start("trace", "--span", "bad", fn + "+1", "main.getTSO", "--exec", "--", stmtserver,
                "-addr", "127.0.0.1:0");
        String err = new String(cli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(cli.exitValue()).as("stderr: %s", err).isEqualTo(2);
        assertThat(err).contains("'" + fn + "+1' (0x" + Long.toHexString(firstTwo[0] + 1) + ") is inside an instruction of "
                + fn).contains("nearest instruction boundaries: " + fn + "+0 (0x" + Long.toHexString(firstTwo[0])
                + ") and " + fn + "+" + (firstTwo[1] - firstTwo[0]) + " (0x" + Long.toHexString(firstTwo[1]) + ")");
    }

    private static Thread readLines(Process p, StringBuilder into, CountDownLatch tracing) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (into) {
                        into.append(line).append('\n');
                    }
                    if (line.startsWith("golat trace: tracing ")) {
                        tracing.countDown();
                    }
                }
            } catch (IOException ignored) {
                // exited
            }
        });
        t.start();
        return t;
    }
}
