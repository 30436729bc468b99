// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.cleanup;

import dev.golat.it.StmtServer;
import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Run by {@link CleanupIT} in a child JVM: runs {@link TracedTestCase} through the JUnit Platform launcher,
 * prints {@code RESULT succeeded=<n> failed=<n>}, then {@code DONE}, and exits when its stdin closes.
 *
 * <p>Protocol with the parent, one line each: the fixture prints {@code ATTACHED <container id>} once its
 * probe has measured calls, then waits for a line on stdin before it returns; the parent either sends one
 * (normal path) or kills this JVM with SIGKILL.
 */
public final class CleanupChildMain {
    private static final BufferedReader STDIN = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private CleanupChildMain() {}

    public static void main(String[] args) throws IOException {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(TracedTestCase.class))
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        summary.getFailures().forEach(f -> f.getException().printStackTrace(System.out));
        System.out.println("RESULT succeeded=" + summary.getTestsSucceededCount() + " failed="
                + (summary.getTotalFailureCount()));
        System.out.println("DONE");
        System.out.flush();
        while (STDIN.readLine() != null) {
            // wait for the parent to close our stdin: it checks the host while this JVM still lives
        }
    }

    /** One traced test that proves its probe works, then holds everything attached until told to go on. */
    @GoTest
    static class TracedTestCase {
        static final int PORT = StmtClient.freePort();
        static final int CALLS = 200;

        @GoService
        static GoContainer server = StmtServer.container(PORT);

        @Test
        @TraceLatency("handleStmtExecute")
        void traced(Latency latency) {
            try (StmtClient client = StmtClient.connect(PORT)) {
                for (int i = 0; i < CALLS; i++) {
                    client.exec("SELECT " + i);
                }
            }
            assertThat(latency).hasCount(CALLS);
            System.out.println("ATTACHED " + server.getContainerId());
            System.out.flush();
            try {
                STDIN.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
