// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.junit;

import dev.golat.it.StmtServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Every way a golat test can be set up wrong fails with a message that names the element and the fix.
 * Runs small {@code *TestCase} fixture classes through the JUnit engine test kit.
 */
class ExtensionErrorsIT {

    private static final String STMTSERVER = GoTestBinaries.program("go1.21", "stmtserver").toString();

    @Test
    void unknown_function_fails_before_any_container_starts() throws Exception {
        int before = golatContainers();
        String message = failureOf(UnknownFunctionTestCase.class);
        assertThat(message).startsWith("@TraceLatency on UnknownFunctionTestCase: no Go function 'handleStmtExecut' in "
                + STMTSERVER + " (Go 1.21");
        assertThat(message).contains("closest: main.(*clientConn).handleStmtExecute");
        assertThat(golatContainers()).as("containers started").isEqualTo(before);
    }

    @Test
    void ambiguous_function_names_the_candidates() {
        String message = failureOf(AmbiguousFunctionTestCase.class);
        assertThat(message).startsWith("@TraceLatency on AmbiguousFunctionTestCase: 'get' is ambiguous in " + STMTSERVER);
        assertThat(message).contains("main.(*storage).get");
    }

    @Test
    void offset_inside_an_instruction_is_refused() {
        String message = failureOf(OffsetInsideInstructionTestCase.class);
        assertThat(message).contains("is inside an instruction of main.(*clientConn).handleStmtExecute")
                .contains("nearest instruction boundaries: main.(*clientConn).handleStmtExecute+");
    }

    @Test
    void tracing_without_a_service_says_how_to_declare_one() {
        assertThat(failureOf(NoServiceTestCase.class)).isEqualTo("NoServiceTestCase traces 'handleStmtExecute' but "
                + "has no @GoService field: declare one, e.g. @GoService static GoContainer server = "
                + "GoContainer.fromBinary(Path.of(\"...\"))");
    }

    @Test
    void instance_service_fields_are_refused() {
        assertThat(failureOf(InstanceServiceTestCase.class)).isEqualTo("@GoService field InstanceServiceTestCase.server "
                + "must be static (the service lives for the class); instance @GoService fields are not supported yet");
    }

    @Test
    void service_that_exits_during_startup_shows_its_last_log_lines() {
        String message = failureOf(ExitingServiceTestCase.class);
        assertThat(message).startsWith("service stmtserver exited with code 2 during startup; last log lines:")
                .contains("flag provided but not defined: -no-such-flag");
    }

    @Test
    void a_latency_parameter_must_say_which_of_several_functions_it_is() {
        String message = failureOf(TwoFunctionsOneParameterTestCase.class);
        assertThat(message).contains("TwoFunctionsOneParameterTestCase.twoFunctions() traces 2 functions "
                + "(handleStmtExecute, getTSO): say which one this Latency parameter is");
    }

    @Test
    void a_latency_parameter_refuses_a_glob_over_several_functions() {
        String message = failureOf(GlobOnLatencyTestCase.class);
        assertThat(message).startsWith("@TraceLatency(\"main.(*clientConn).*\") on a Latency parameter of "
                + "GlobOnLatencyTestCase.t() is a glob that matches ")
                .containsPattern("matches \\d+ functions \\(main\\.\\(\\*clientConn\\)\\.\\w+, ")
                .contains("main.(*clientConn).dispatch, ")
                .containsPattern("\\), each measured on its own; a Latency parameter takes one function: take Latencies and "
                        + "get\\(\"main\\.\\(\\*clientConn\\)\\.\\w+\"\\), or name one function$");
    }

    @Test
    void a_probe_that_never_fired_says_so_with_hints() {
        String message = failureOf(NeverDrivenTestCase.class);
        assertThat(message).contains("to have measured calls, but the probe never fired")
                .contains("inlining: a function inlined into its callers has no call to probe")
                .contains("the test: did it drive this function while it was traced?")
                .contains("histogram: target/golat/NeverDrivenTestCase.html");
    }

    private static String failureOf(Class<?> testCase) {
        Events events = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition")
                .selectors(selectClass(testCase))
                .execute()
                .allEvents();
        List<Throwable> failures = events.failed().stream()
                .map(Event::getPayload)
                .flatMap(p -> p.stream())
                .filter(o -> o instanceof org.junit.platform.engine.TestExecutionResult)
                .map(o -> ((org.junit.platform.engine.TestExecutionResult) o).getThrowable().orElseThrow())
                .toList();
        assertThat(failures).as("failures of %s", testCase.getSimpleName()).isNotEmpty();
        Throwable t = failures.get(0);
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    static int golatContainers() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=dev.golat=true").start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }


    @GoTest
    static class UnknownFunctionTestCase {
        @GoService static GoContainer server = StmtServer.container("go1.21", StmtClient.freePort());

        @Test
        @TraceLatency("handleStmtExecut")
        void t() {}
    }

    @GoTest
    static class AmbiguousFunctionTestCase {
        @GoService static GoContainer server = StmtServer.container("go1.21", StmtClient.freePort());

        @Test
        @TraceLatency("get")
        void t() {}
    }

    @GoTest
    static class GlobOnLatencyTestCase {
        @GoService static GoContainer server = StmtServer.container("go1.21", StmtClient.freePort());

        @Test
        void t(@TraceLatency("main.(*clientConn).*") Latency latency) {}
    }

    @GoTest
    static class OffsetInsideInstructionTestCase {
        @GoService static GoContainer server = StmtServer.container("go1.21", StmtClient.freePort());

        @Test
        @TraceLatency("handleStmtExecute+1")
        void t() {}
    }

    @GoTest
    static class NoServiceTestCase {
        @Test
        @TraceLatency("handleStmtExecute")
        void t() {}
    }

    @GoTest
    static class InstanceServiceTestCase {
        @GoService GoContainer server = StmtServer.container("go1.21", StmtClient.freePort());

        @Test
        void t() {}
    }

    @GoTest
    static class ExitingServiceTestCase {
        @GoService static GoContainer server = GoContainer.fromBinary(GoTestBinaries.program("go1.21", "stmtserver"))
                .withArgs("-no-such-flag")
                .withHostNetwork()
                .waitingForLogLine(".*listening on.*");

        @Test
        @TraceLatency("handleStmtExecute")
        void t() {}
    }

    @GoTest
    static class TwoFunctionsOneParameterTestCase {
        @GoService static GoContainer server = StmtServer.container("go1.21", StmtClient.freePort());

        @Test
        @TraceLatency({"handleStmtExecute", "getTSO"})
        void twoFunctions(Latency latency) {}
    }

    @GoTest
    static class NeverDrivenTestCase {
        @GoService static GoContainer server = StmtServer.container("go1.21", StmtClient.freePort());

        @Test
        @TraceLatency("handleStmtExecute")
        void notDriven(Latency latency) {
            dev.golat.assertj.GolatAssertions.assertThat(latency).p99().isLessThan(Duration.ofMillis(1));
        }
    }
}
