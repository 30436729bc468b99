// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.privileges;

import dev.golat.it.StmtServer;
import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.container.GoContainerException;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * A container without the capabilities BPF needs fails with one message that says what the agent tried,
 * what the container was granted, and what to grant instead; {@code withCapabilities(...)} grants exactly
 * what it is given.
 */
class MissingPrivilegesIT {
    private static final String NL = System.lineSeparator();

    @Test
    void should_name_what_was_tried_what_was_granted_and_the_fix_when_the_container_has_docker_defaults() {
        String message = failureOf(DockerDefaultsTestCase.class);

        String[] parts = message.split(NL + "agent stderr: ", 2);
        assertThat(parts[0]).isEqualTo("golat-agent in @GoService server (/app/stmtserver): golat-agent: load BPF "
                + "programs: Operation not permitted: golat-agent needs CAP_BPF+CAP_PERFMON (Docker versions that know "
                + "them: --cap-add BPF --cap-add PERFMON) or CAP_SYS_ADMIN (--cap-add SYS_ADMIN); and SYS_PTRACE to "
                + "reach another container's /proc/PID/root [EPERM]" + NL
                + "The container was granted [] (withCapabilities() with none: Docker's default capabilities). "
                + "Fix: grant CAP_BPF + CAP_PERFMON (Docker 23+: withCapabilities(\"BPF\", \"PERFMON\")) or "
                + "CAP_SYS_ADMIN (withCapabilities(\"SYS_ADMIN\")), or call withPrivileged() where the host allows it.");
        // The agent's own stderr follows: libbpf's words for the refused bpf() call.
        assertThat(parts).hasSize(2);
        assertThat(parts[1]).startsWith("golat-agent: libbpf: ").contains("Operation not permitted");
    }

    @Test
    void should_trace_with_exactly_the_capabilities_given() {
        Events tests = run(ExplicitSysAdminTestCase.class);
        tests.assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        assertThat(ExplicitSysAdminTestCase.granted).isEqualTo(List.of("SYS_ADMIN"));
        assertThat(ExplicitSysAdminTestCase.capAdd).as("docker inspect .HostConfig.CapAdd").isEqualTo("[\"SYS_ADMIN\"]");
    }

    @Test
    void should_refuse_a_capability_docker_does_not_know() {
        GoContainer server = GoContainer.fromBinary(GoTestBinaries.program("go1.21", "stmtserver"));
        assertThatThrownBy(() -> server.withCapabilities("CAP_BPF", "PERFMONN"))
                .isInstanceOf(GoContainerException.class)
                .hasMessage("withCapabilities(\"CAP_BPF\", \"PERFMONN\") on service stmtserver: unknown capability "
                        + "'PERFMONN'; use Docker's names, e.g. \"BPF\", \"PERFMON\", \"SYS_ADMIN\", \"SYS_PTRACE\"");
    }

    private static Events run(Class<?> testCase) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition")
                .selectors(selectClass(testCase))
                .execute()
                .testEvents();
    }

    private static String failureOf(Class<?> testCase) {
        List<Throwable> failures = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition")
                .selectors(selectClass(testCase))
                .execute()
                .allEvents()
                .failed()
                .stream()
                .map(Event::getPayload)
                .flatMap(p -> p.stream())
                .filter(o -> o instanceof TestExecutionResult)
                .map(o -> ((TestExecutionResult) o).getThrowable().orElseThrow())
                .toList();
        assertThat(failures).as("failures of %s", testCase.getSimpleName()).hasSize(1);
        return failures.get(0).getMessage();
    }


    @GoTest
    static class DockerDefaultsTestCase {
        @GoService static GoContainer server = StmtServer.container("go1.21", StmtClient.freePort()).withCapabilities();

        @Test
        @TraceLatency("handleStmtExecute")
        void traced() {}
    }

    @GoTest
    static class ExplicitSysAdminTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container("go1.21", PORT).withCapabilities("cap_sys_admin");
        static volatile List<String> granted;
        static volatile String capAdd;

        @Test
        @TraceLatency("handleStmtExecute")
        void traced(Latency latency) {
            granted = server.grantedCapabilities();
            capAdd = docker("inspect", "-f", "{{json .HostConfig.CapAdd}}", server.getContainerId());
            try (StmtClient client = StmtClient.connect(PORT)) {
                for (int i = 0; i < 100; i++) {
                    client.exec("SELECT " + i);
                }
            }
            assertThat(latency).hasCount(100);
        }
    }

    static String docker(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed: " + out);
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
