// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.it.MiniJson;
import dev.golat.it.agent.AgentWorkloadIT;
import dev.golat.testbins.GoMatrix;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code golat trace} as a user runs it: a separate JVM, the real agent on this host, a real Go process.
 * The figures are compared with the workload's own clock ({@code time.Since} around every call).
 */
class TraceCommandIT {

    /**
     * The builds where {@code --exec} differs: static, position-independent and stripped (the CLI plans from the
     * pclntab and relocates nothing), and dynamically linked (the loader runs before the first Go instruction).
     */
    static Stream<Arguments> execBuilds() {
        return GoMatrix.builds(Variant.DEFAULT, Variant.STRIPPED_PIE, Variant.CGO);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("execBuilds")
    @ExtendWith(GoMatrix.class)
    void exec_traces_from_the_first_instruction_and_agrees_with_the_programs_own_clock(String go, Variant build)
            throws Exception {
        String workload = GoTestBinaries.program(go, build, "workload").toString();
        Result r = golat("trace", "main.blockSleep", "--json", "--exec", "--", workload,
                "-mode", "block", "-n", "2000", "-goroutines", "8", "-sleep", "200us", "-quiet");
        assertThat(r.exit).as("exit code; stderr:%n%s", r.stderr).isZero();
        String own = r.line("\"mode\":\"block\"");
        String traced = r.line("\"function\":\"main.blockSleep\"");

        assertThat(MiniJson.number(traced, "count")).isEqualTo(MiniJson.number(own, "count")).isEqualTo(2000);
        assertThat(MiniJson.number(traced, "counters.unmatched")).isZero();
        for (String p : List.of("p50", "p90", "p99")) {
            long ours = MiniJson.number(traced, p);
            long theirs = MiniJson.number(own, p);
            // The program's clock around each call contains golat's window plus the probes' traps: golat may read
            // lower at the tail (AgentWorkloadIT.tailSlack), never higher than the tolerance.
            long below = p.equals("p99") ? AgentWorkloadIT.tailSlack(theirs) : AgentWorkloadIT.tolerance(theirs);
            assertThat(ours).as("%s: golat %d ns, the program's own clock %d ns", p, ours, theirs)
                    .isBetween(theirs - below, theirs + AgentWorkloadIT.tolerance(theirs));
        }
    }

    @Test
    void unknown_function_exits_2_and_names_the_closest() throws Exception {
        String workload = GoTestBinaries.program("go1.21", "workload").toString();
        Result r = golat("trace", "blockSleeep", "--exec", "--", workload, "-mode", "block", "-n", "10");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.stderr).contains("golat trace: no Go function 'blockSleeep' in " + workload)
                .contains("closest: main.blockSleep");
    }

    @Test
    void missing_pid_or_exec_is_a_usage_error() throws Exception {
        Result r = golat("trace", "main.blockSleep");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.stderr).contains("give either --pid PID or --exec -- CMD ARGS");
    }

    record Result(int exit, List<String> stdout, String stderr) {
        String line(String containing) {
            return stdout.stream().filter(l -> l.contains(containing)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line with " + containing + " in " + stdout + "\n" + stderr));
        }
    }

    static Result golat(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                "dev.golat.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var err = new java.io.ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.start();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("golat trace did not finish in 120 s");
        }
        t.join(5_000);
        return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }
}
