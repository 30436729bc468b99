// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.cli;

import static dev.golat.it.GolatCli.golat;

import dev.golat.it.GolatCli.Result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.binary.GoBinary;
import dev.golat.gate.BaselineFile;
import dev.golat.gate.Recording;
import dev.golat.it.MiniJson;
import dev.golat.it.agent.AgentWorkloadIT;
import dev.golat.testbins.GenericsRun;
import dev.golat.testbins.GoMatrix;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        String own = r.line("\"mode\":\"block\"");
        String traced = r.line("\"function\":\"main.blockSleep\"");

        assertThat(MiniJson.number(traced, "count")).isEqualTo(MiniJson.number(own, "count")).isEqualTo(2000);
        assertThat(MiniJson.number(traced, "counters.unmatched")).isZero();
        // The calibrated probe bias: the traps' own time inside each interval, below the whole of it
        assertThat(MiniJson.number(traced, "probeBias")).as("probe bias, ns").isPositive()
                .isLessThan(MiniJson.number(traced, "p50"));
        assertThat(traced).contains("\"probeBiasSubtracted\":false");
        assertThat(r.stderr()).contains("golat trace: probe bias on this machine: ");
        for (String p : List.of("p50", "p90", "p99")) {
            AgentWorkloadIT.assertBetweenClocks(p, MiniJson.number(traced, p), MiniJson.number(own, "inner." + p),
                    MiniJson.number(own, p));
        }
    }

    @Test
    void save_writes_a_recording_that_compare_reads(@TempDir Path dir) throws Exception {
        // GIVEN a traced run saved in the baseline format, in rounds of 100 ms
        String workload = GoTestBinaries.program("go1.23", "workload").toString();
        Path saved = dir.resolve("run.hlog");
        Result r = golat("trace", "main.blockSleep", "--json", "--interval", "100ms", "--save", saved.toString(), "--exec", "--",
                workload, "-mode", "block", "-n", "4000", "-goroutines", "8", "-sleep", "200us", "-quiet");
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        assertThat(r.stderr()).contains("golat trace: saved 1 recording(s) to " + saved);
        String own = r.line("\"mode\":\"block\"");
        // THEN the file holds every call, its p50 agrees with the program's own clock, and it names its origin
        Recording rec = BaselineFile.read(saved);
        assertThat(rec.name()).isEqualTo("main.blockSleep");
        assertThat(rec.count()).isEqualTo(MiniJson.number(own, "count")).isEqualTo(4000);
        assertThat(rec.rounds()).hasSizeGreaterThan(1);
        long p50 = rec.merged().getValueAtPercentile(50);
        long theirs = MiniJson.number(own, "p50");
        assertThat(p50).isBetween(theirs - Math.max(15_000, theirs / 50), theirs + Math.max(15_000, theirs / 50));
        assertThat(rec.info().goVersion()).isEqualTo(Oracle.goVersion(workload));
        assertThat(rec.witness().cpuNanos()).isPositive();
        // AND compare reads it: a recording against itself passes at p50 (exit 0)
        Result c = golat("compare", saved.toString(), saved.toString(), "--percentile", "50");
        assertThat(c.exit()).as("exit code; stdout:%n%s%nstderr:%n%s", c.stdout(), c.stderr()).isZero();
        assertThat(String.join("\n", c.stdout())).contains("verdict: PASS").containsPattern("main.blockSleep\\s+p50\\s.*\\s1\\.000\\s");
    }

    /** {@code go version FILE}, the independent reader of the build info. */
    static final class Oracle {
        static String goVersion(String file) throws Exception {
            Process p = new ProcessBuilder(GoTestBinaries.goTool("go1.26").toString(), "version", file)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(30, TimeUnit.SECONDS);
            return out.substring(out.lastIndexOf(' ') + 1);
        }
    }

    @Test
    void unknown_function_exits_2_and_names_the_closest() throws Exception {
        String workload = GoTestBinaries.program("go1.21", "workload").toString();
        Result r = golat("trace", "blockSleeep", "--exec", "--", workload, "-mode", "block", "-n", "10");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("golat trace: no Go function 'blockSleeep' in " + workload)
                .contains("closest: main.blockSleep");
    }

    @Test
    void missing_pid_or_exec_is_a_usage_error() throws Exception {
        Result r = golat("trace", "main.blockSleep");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("give either --pid PID or --exec -- CMD ARGS");
    }

    /**
     * A generic function is one JSON object with its instantiations, each with its own count, against the program's
     * own counts. With --exec golat traces from the first instruction, so it also sees the one round the program runs
     * before its ready line to locate its instantiations (uncounted by the program, see go-testbins/README.md).
     */
    @Test
    void a_generic_function_is_one_object_with_each_instantiations_count() throws Exception {
        List<String> versions = GoTestBinaries.goVersions();
        Path generics = GoTestBinaries.program(versions.get(versions.size() - 1), "generics");
        int rounds = 10;
        Result r = golat("trace", "Hold", "--json", "--exec", "--", generics.toString(), "-rounds", "" + rounds,
                "-sleep", "1ms", "-quiet");
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        GenericsRun own = GenericsRun.parse(r.line("\"rounds\":"));
        String traced = r.line("\"function\":\"main.Hold[...]\"");
        long mainMain = GoBinary.open(generics).lookup("main.main").entry();

        assertThat(MiniJson.number(traced, "count")).isEqualTo(own.calls("Hold") * (rounds + 1) / rounds);
        Map<Long, Long> each = new TreeMap<>();
        Matcher m = Pattern.compile("\\{\"function\":\"(main\\.Hold\\[go\\.shape[^\"]*)\",\"count\":(\\d+),.*?\"entry\":\"0x([0-9a-f]+)\"\\}")
                .matcher(traced);
        while (m.find()) {
            each.put(Long.parseLong(m.group(3), 16), Long.parseLong(m.group(2)));
        }
        Map<Long, Long> expected = new TreeMap<>();
        own.callsByEntry("Hold", "Hold", mainMain).forEach((entry, calls) -> expected.put(entry, calls * (rounds + 1) / rounds));
        assertThat(each).as("instantiations in %s", traced).isEqualTo(expected);
        assertThat(r.stderr()).contains("golat trace: main.Hold[...]: " + expected.size() + " instantiations measured as one");
    }
}
