// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.faults;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.it.StmtServer;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Run by {@link TwoJvmsIT} in a child JVM, twice at once: traces its own stmtserver (the same binary file as the
 * other JVM's), prints {@code ATTACHED <host pid>}, waits for a line on stdin, drives {@code -Dgolat.faults.calls}
 * statements, prints {@code COUNT golat=<n> server=<n>}, then {@code RESULT succeeded=<n> failed=<n>}.
 */
public final class SameBinaryChildMain {
    private static final BufferedReader STDIN = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private SameBinaryChildMain() {}

    public static void main(String[] args) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(SameBinaryTestCase.class)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        summary.getFailures().forEach(f -> f.getException().printStackTrace(System.out));
        System.out.println("RESULT succeeded=" + summary.getTestsSucceededCount() + " failed="
                + summary.getTotalFailureCount());
        System.out.flush();
    }

    @GoTest
    static class SameBinaryTestCase {
        static final int PORT = StmtClient.freePort();
        static final int CALLS = Integer.getInteger("golat.faults.calls", 1000);

        @GoService
        static GoContainer server = StmtServer.container("go1.23", PORT);

        @Test
        @TraceLatency("handleStmtExecute")
        void traced(Latency latency) {
            System.out.println("ATTACHED " + server.hostPid());
            System.out.flush();
            try {
                STDIN.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long server;
            try (StmtClient client = StmtClient.connect(PORT)) {
                client.resetStats();
                latency.reset();
                for (int i = 0; i < CALLS; i++) {
                    client.exec("SELECT " + i);
                }
                Matcher m = Pattern.compile("\"handleStmtExecute\":\\{\"count\":(\\d+)").matcher(client.stats());
                server = m.find() ? Long.parseLong(m.group(1)) : -1;
            }
            System.out.println("COUNT golat=" + latency.snapshot().count() + " server=" + server);
            System.out.flush();
            assertThat(latency).hasCount(CALLS).allCallsReturned();
        }
    }
}
