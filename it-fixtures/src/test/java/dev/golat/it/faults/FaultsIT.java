// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.it.StmtServer;
import dev.golat.it.cleanup.HostTraces;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * What a golat test says when something dies under it, or it is pointed at the wrong process: the agent killed
 * (SIGKILL), the service's container killed ({@code docker kill}), the service crashing (a Go panic), and a service
 * that runs another build than the file golat planned from. Each fault is made for real in a small {@code *TestCase}
 * fixture run through the JUnit engine test kit, and its exact message checked; the host is inspected with
 * {@code bpftool}, {@code pgrep}, {@code /proc} and {@code docker}.
 */
class FaultsIT {
    private static final int CALLS = 200;

    @Test
    void should_fail_clearly_and_leave_no_probe_when_the_agent_is_killed_mid_test() {
        String message = failureOf(AgentKilledTestCase.class);

        HostTraces.Agent agent = AgentKilledTestCase.agent;
        assertThat(agent).as("the fixture saw its agent").isNotNull();
        assertThat(message).matches(Pattern.compile("golat-agent \\(host pid " + agent.pid() + "\\) in container "
                + "[0-9a-f]{12} of @GoService server was killed by signal 9 \\(SIGKILL\\), exit status 137 while it "
                + "traced: the kernel detached its probes when it died, so service stmtserver runs on untraced and this "
                + "test's figures are lost\\. Something outside golat ended the agent \\(kill -9, a cleanup script such "
                + "as pkill -f golat-agent, the OOM killer: dmesg \\| grep -i oom\\); run the tests again\\R"
                + "\\(noticed waiting for the agent's answer to snapshot\\)", Pattern.DOTALL));
        assertThat(agent.progIds()).as("programs the agent held").isNotEmpty();
        assertThat(agent.linkIds()).as("links the agent held").isNotEmpty();
        assertThat(AgentKilledTestCase.leftAfterKill).as("on the host after SIGKILL of the agent").isEmpty();
        assertThat(AgentKilledTestCase.answeredAfterKill).as("statements the service answered after").isEqualTo(CALLS);
        assertThat(AgentKilledTestCase.countedByServer).as("the server's own count of handleStmtExecute")
                .isEqualTo(2 * CALLS);
        System.out.printf("golat faults: agent pid %d SIGKILLed; its programs %s and links %s gone %d ms later; "
                + "the service answered %d statements after%n", agent.pid(), agent.progIds(), agent.linkIds(),
                AgentKilledTestCase.goneMillis, AgentKilledTestCase.answeredAfterKill);
    }

    @Test
    void should_name_the_container_and_its_exit_when_the_container_is_killed_mid_test() {
        String message = failureOf(ContainerKilledTestCase.class);

        String id = ContainerKilledTestCase.containerId.substring(0, 12);
        assertThat(message).startsWith("service stmtserver of @GoService server was killed by signal 9 (SIGKILL), "
                + "exit status 137 (docker kill, docker rm -f, or the OOM killer outside Docker's limits) while it was "
                + "traced: its container " + id + " stopped, and golat-agent with it, so this test's figures are lost; "
                + "last log lines:" + System.lineSeparator() + "  listening on 127.0.0.1:" + ContainerKilledTestCase.PORT);
        assertThat(message).endsWith("(noticed waiting for the agent's answer to snapshot)");
    }

    @Test
    void should_show_the_exit_code_and_last_log_lines_when_the_service_crashes_mid_test() {
        String message = failureOf(CrashingServiceTestCase.class);

        String id = CrashingServiceTestCase.containerId.substring(0, 12);
        assertThat(message).startsWith("service stmtserver of @GoService server exited with code 2 while it was traced: "
                + "its container " + id + " stopped, and golat-agent with it, so this test's figures are lost; "
                + "last log lines:" + System.lineSeparator() + "  listening on 127.0.0.1:" + CrashingServiceTestCase.PORT
                + System.lineSeparator() + "  panic: stmtserver: CRASH asked by a client: mid-test");
        assertThat(message).contains("main.(*clientConn).dispatch(")
                .endsWith("(noticed waiting for the agent's answer to snapshot)");
    }

    @Test
    void should_fail_the_test_at_whose_very_end_the_service_crashed_and_the_tests_after_it() {
        Map<String, String> failures = new LinkedHashMap<>();
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(CrashAtTheEndTestCase.class)).execute()
                .testEvents().finished().stream()
                .forEach(e -> failures.put(e.getTestDescriptor().getDisplayName(), e.getPayload(TestExecutionResult.class)
                        .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("passed")));

        String id = CrashAtTheEndTestCase.containerId.substring(0, 12);
        String crash = "service stmtserver of @GoService server exited with code 2 while it was traced: its container " + id
                + " stopped, and golat-agent with it, so this test's figures are lost; last log lines:";
        // The test returned as soon as its connection closed: the crash is its own, not the next test's.
        assertThat(failures).containsOnlyKeys("a_crashesAtItsVeryEnd(Latency)", "b_runsAfterTheCrash(Latency)");
        assertThat(failures.get("a_crashesAtItsVeryEnd(Latency)")).startsWith(crash)
                .contains("panic: stmtserver: CRASH asked by a client: at-the-very-end");
        assertThat(failures.get("b_runsAfterTheCrash(Latency)")).isEqualTo(failures.get("a_crashesAtItsVeryEnd(Latency)"));
        assertThat(CrashAtTheEndTestCase.secondRan).as("the test after the crash ran its body").isFalse();
    }

    @Test
    void should_refuse_a_service_that_runs_another_build_than_the_file_planned_from() throws Exception {
        String message;
        List<Long> agents;
        try {
            message = failureOf(RebuiltBinaryTestCase.class);
            agents = HostTraces.agentsIn(HostTraces.pidNamespace(RebuiltBinaryTestCase.server.hostPid()).orElseThrow());
        } finally {
            RebuiltBinaryTestCase.server.stop();
        }

        // The ids as `go tool buildid` prints them: the oracle is Go's own tool.
        String planned = buildId(RebuiltBinaryTestCase.REBUILT);
        String running = buildId(RebuiltBinaryTestCase.ORIGINAL);
        assertThat(planned).isNotEqualTo(running);
        assertThat(message).matches(Pattern.compile(Pattern.quote("@GoService server: the service runs another build "
                + "than the binary golat planned its probes from: " + RebuiltBinaryTestCase.FILE + " has Go build id \""
                + planned + "\", the process ") + "\\d+" + Pattern.quote(" running /app/stmtserver in container ")
                + "[0-9a-f]{12}" + Pattern.quote(" has Go build id \"" + running + "\". Probes at file offsets of one "
                + "build would land mid-instruction in the other, so none are attached. Fix: restart the service after "
                + "rebuilding its binary (or do not rebuild it while the service runs)")));
        assertThat(agents).as("golat-agents in the service's container").isEmpty();
    }

    /** Runs a fixture class; the message of its first failure. */
    static String failureOf(Class<?> testCase) {
        List<Throwable> failures = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(testCase))
                .execute()
                .allEvents()
                .failed().stream()
                .map(Event::getPayload)
                .flatMap(p -> p.stream())
                .filter(o -> o instanceof TestExecutionResult)
                .map(o -> ((TestExecutionResult) o).getThrowable().orElseThrow())
                .toList();
        assertThat(failures).as("failures of %s", testCase.getSimpleName()).isNotEmpty();
        System.out.printf("golat faults: %s failed with:%n%s%n", testCase.getSimpleName(), failures.get(0).getMessage());
        return failures.get(0).getMessage();
    }

    static String buildId(Path binary) throws Exception {
        Process p = new ProcessBuilder(GoTestBinaries.goTool("go1.21").toString(), "tool", "buildid", binary.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("go tool buildid %s: %s", binary, out).isZero();
        return out;
    }

    private static void drive(StmtClient c, int from) {
        for (int i = from; i < from + CALLS; i++) {
            c.exec("SELECT " + i);
        }
    }

    @GoTest
    static class AgentKilledTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container(PORT);

        static volatile HostTraces.Agent agent;
        static volatile List<String> leftAfterKill;
        static volatile long goneMillis;
        static volatile int answeredAfterKill;
        static volatile long countedByServer;

        @Test
        @TraceLatency("handleStmtExecute")
        void agentIsKilled(Latency latency) throws Exception {
            try (StmtClient c = StmtClient.connect(PORT)) {
                drive(c, 0);
                String ns = HostTraces.pidNamespace(server.hostPid()).orElseThrow();
                List<Long> agents = HostTraces.agentsIn(ns);
                assertThat(agents).as("golat-agents in the service's %s", ns).hasSize(1);
                agent = HostTraces.agent(agents.get(0));
                long killed = System.nanoTime();
                ProcessHandle.of(agent.pid()).orElseThrow().destroyForcibly(); // SIGKILL, as the OOM killer would
                List<String> left = HostTraces.probesLeft(agent);
                for (int i = 0; i < 100 && !left.isEmpty(); i++) {
                    Thread.sleep(100);
                    left = HostTraces.probesLeft(agent);
                }
                goneMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                leftAfterKill = left;
                drive(c, CALLS);
                answeredAfterKill = CALLS;
                String stats = c.stats();
                var m = Pattern.compile("\"handleStmtExecute\":\\{\"count\":(\\d+)").matcher(stats);
                countedByServer = m.find() ? Long.parseLong(m.group(1)) : -1;
            }
        }
    }

    @GoTest
    static class ContainerKilledTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container(PORT);
        static volatile String containerId;

        @Test
        @TraceLatency("handleStmtExecute")
        void containerIsKilled(Latency latency) {
            try (StmtClient c = StmtClient.connect(PORT)) {
                drive(c, 0);
            }
            containerId = server.getContainerId();
            HostTraces.run("docker", "kill", containerId);
        }
    }

    @GoTest
    static class CrashingServiceTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container(PORT);
        static volatile String containerId;

        @Test
        @TraceLatency("handleStmtExecute")
        void serviceCrashes(Latency latency) throws InterruptedException {
            containerId = server.getContainerId();
            try (StmtClient c = StmtClient.connect(PORT)) {
                drive(c, 0);
                c.crash("mid-test");
            }
            // The connection closes as the process exits, a moment before its container stops and the agent in it
            // is killed: a test notices a crash later (its next call fails); this one waits for the container.
            for (int i = 0; i < 200 && server.isRunning(); i++) {
                Thread.sleep(50);
            }
        }
    }

    /**
     * The first test's last statement crashes the service; the test returns the moment its connection closes (the
     * process is exiting, its container not yet stopped and the agent in it not yet killed), so golat's snapshot
     * right after it races the end of the process.
     */
    @GoTest
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class CrashAtTheEndTestCase {
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server = StmtServer.container(PORT);
        static volatile String containerId;
        static volatile boolean secondRan;

        @Test
        @TraceLatency("handleStmtExecute")
        void a_crashesAtItsVeryEnd(Latency latency) {
            containerId = server.getContainerId();
            try (StmtClient c = StmtClient.connect(PORT)) {
                drive(c, 0);
                c.crash("at-the-very-end");
            }
        }

        @Test
        @TraceLatency("handleStmtExecute")
        void b_runsAfterTheCrash(Latency latency) {
            secondRan = true;
        }
    }

    /**
     * The service starts from one build; then the file is replaced by another build (as {@code go build} does)
     * before golat plans from it.
     */
    @GoTest
    static class RebuiltBinaryTestCase {
        static final Path ORIGINAL = GoTestBinaries.program("go1.21", "stmtserver");
        static final Path REBUILT = GoTestBinaries.program("go1.22", "stmtserver");
        static final Path FILE;
        static final int PORT = StmtClient.freePort();
        @GoService static GoContainer server;

        static {
            try {
                Path dir = Files.createTempDirectory("golat-rebuilt-");
                FILE = dir.resolve("stmtserver");
                Files.copy(ORIGINAL, FILE);
                server = GoContainer.fromBinary(FILE).withArgs("-addr", "127.0.0.1:" + PORT).withHostNetwork()
                        .waitingForLogLine(".*listening on.*");
                server.start();
                Files.copy(REBUILT, FILE, StandardCopyOption.REPLACE_EXISTING);
                FILE.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Test
        @TraceLatency("handleStmtExecute")
        void t() {}
    }
}
