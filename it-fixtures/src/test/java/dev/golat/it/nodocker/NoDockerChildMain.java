// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.nodocker;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtServer;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Run by {@link NoDockerIT} in a child JVM whose DOCKER_HOST points nowhere: prints one line per skipped or
 * failed container/test, {@code SKIPPED <name>: <reason>} or {@code FAILED <name>: <message>}.
 */
public final class NoDockerChildMain {
    private NoDockerChildMain() {}

    public static void main(String[] args) {
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(SkippingTestCase.class), selectClass(FailingTestCase.class))
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionSkipped(TestIdentifier id, String reason) {
                        System.out.println("SKIPPED " + id.getDisplayName() + ": " + reason);
                    }

                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        result.getThrowable().ifPresent(t -> System.out.println("FAILED " + id.getDisplayName() + ": "
                                + t.getMessage().replace('\n', ' ')));
                    }
                });
        System.out.flush();
    }

    @GoTest(disabledWithoutDocker = true)
    static class SkippingTestCase {
        @GoService static GoContainer server = StmtServer.container(40001);

        @Test
        @TraceLatency("handleStmtExecute")
        void t() {}
    }

    @GoTest
    static class FailingTestCase {
        @GoService static GoContainer server = StmtServer.container(40002);

        @Test
        @TraceLatency("handleStmtExecute")
        void t() {}
    }
}
