// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.console;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import static dev.golat.assertj.GolatAssertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.it.StmtServer;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Run by {@link QuietConsoleIT} in a child JVM with no {@code TESTCONTAINERS_*} variable: one traced test
 * through the JUnit Platform launcher, as a build tool runs it; prints {@code RESULT <test>: <status>}.
 */
public final class QuietConsoleChildMain {
    static final int CALLS = 200;

    private QuietConsoleChildMain() {}

    public static void main(String[] args) {
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(TracedTestCase.class)).build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        System.out.println("RESULT " + id.getDisplayName() + ": " + result.getStatus()
                                + result.getThrowable().map(t -> " " + t).orElse(""));
                    }
                });
        System.out.flush();
    }

    @GoTest
    static class TracedTestCase {
        static final int PORT = StmtClient.freePort();

        @GoService static GoContainer server = StmtServer.container(PORT);

        @Test
        @TraceLatency("handleStmtExecute")
        void traced(Latency latency) {
            try (StmtClient client = StmtClient.connect(PORT)) {
                for (int i = 0; i < CALLS; i++) {
                    client.exec("SELECT " + i);
                }
            }
            if (latency.counts().matched() != CALLS) {
                throw new AssertionError("expected " + CALLS + " calls, traced " + latency.counts());
            }
            // One gate, for the end-of-run summary: a statement to a local server answers within seconds.
            assertThat(latency).p99().isLessThan(Duration.ofSeconds(5));
        }
    }
}
