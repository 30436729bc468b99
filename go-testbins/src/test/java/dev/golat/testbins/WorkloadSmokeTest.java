// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import static dev.golat.testbins.MiniJson.num;
import static dev.golat.testbins.MiniJson.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs every workload mode, with every build of the matrix (version × variant), and checks the figures it reports about itself. */
class WorkloadSmokeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @EachGoBuild
    void block_sleep_counts_every_call_and_each_lasts_at_least_the_sleep(String go, Variant variant) throws Exception {
        long sleepNs = Duration.ofMillis(1).toNanos();
        Map<String, Object> r = run(go, variant, "-mode", "block", "-variant", "sleep", "-n", "83", "-goroutines", "4", "-sleep", "1ms");

        assertThat(str(r, "mode")).isEqualTo("block");
        assertThat(str(r, "variant")).isEqualTo("sleep");
        assertCounts(r, 83, 0, 0);
        assertPercentilesOrdered(r);
        assertThat(num(r, "p50")).isGreaterThanOrEqualTo(sleepNs);
    }

    @EachGoBuild
    void block_chan_counts_every_call(String go, Variant variant) throws Exception {
        long sleepNs = Duration.ofMillis(1).toNanos();
        Map<String, Object> r = run(go, variant, "-mode", "block", "-variant", "chan", "-n", "64", "-sleep", "1ms");

        assertThat(str(r, "variant")).isEqualTo("chan");
        assertCounts(r, 64, 0, 0);
        assertPercentilesOrdered(r);
        // The feeder sleeps -sleep between tokens, so the receiver waits for most of it.
        assertThat(num(r, "p50")).isGreaterThanOrEqualTo(sleepNs / 2);
    }

    @EachGoBuild
    void recurse_times_every_frame(String go, Variant variant) throws Exception {
        Map<String, Object> r = run(go, variant, "-mode", "recurse", "-n", "30", "-depth", "40", "-goroutines", "3");

        assertCounts(r, 30 * 40, 0, 0);
        assertPercentilesOrdered(r);
    }

    @EachGoBuild
    void panic_counts_the_calls_that_did_not_return(String go, Variant variant) throws Exception {
        Map<String, Object> r = run(go, variant, "-mode", "panic", "-n", "205", "-every", "10", "-sleep", "0");

        assertCounts(r, 205 - 20, 20, 0);
        assertPercentilesOrdered(r);
    }

    @EachGoBuild
    void goexit_counts_the_calls_that_ended_their_goroutine(String go, Variant variant) throws Exception {
        Map<String, Object> r = run(go, variant, "-mode", "goexit", "-n", "57", "-every", "7", "-goroutines", "3", "-sleep", "100us");

        assertCounts(r, 57 - 8, 0, 8);
        assertPercentilesOrdered(r);
    }

    @EachGoBuild
    void loop_reports_time_per_call(String go, Variant variant) throws Exception {
        Map<String, Object> r = run(go, variant, "-mode", "loop", "-n", "100000");

        assertThat(str(r, "mode")).isEqualTo("loop");
        assertThat(num(r, "count")).isEqualTo(100_000);
        assertThat(num(r, "elapsedNs")).isPositive();
        assertThat(num(r, "nsPerCallTrivial") + num(r, "nsPerCallNonLeaf"))
                .isLessThanOrEqualTo(num(r, "elapsedNs") / 100_000 + 2); // each figure is rounded
    }

    @EachGoBuild
    void fleet_calls_the_first_k_methods_n_times_each(String go, Variant variant) throws Exception {
        Map<String, Object> r = run(go, variant, "-mode", "fleet", "-n", "7", "-fleet", "30");

        assertThat(str(r, "mode")).isEqualTo("fleet");
        assertThat(num(r, "count")).isEqualTo(7);
        assertThat(num(r, "functions")).isEqualTo(30);
    }

    @Test
    void wait_stdin_holds_the_first_call_until_a_line_arrives() throws Exception {
        String go = GoTestBinaries.goVersions().get(0);
        try (RunningProgram p = RunningProgram.start(command(go, "-mode", "loop", "-n", "10", "-wait", "stdin", "-quiet"))) {
            assertThat(p.nextLine(TIMEOUT)).isEqualTo("ready pid=" + p.pid());
            Thread.sleep(200);
            assertThat(p.process().isAlive()).as("waiting for stdin").isTrue();

            p.writeLine("go");
            List<String> rest = p.awaitExit(TIMEOUT);

            assertThat(p.process().exitValue()).isZero();
            assertThat(rest).hasSize(1);
            assertThat(num(MiniJson.parseObject(rest.get(0)), "count")).isEqualTo(10);
        }
    }

    @EachGoVersion
    void rounds_print_one_result_each_and_wait_for_a_line_between_them(String go) throws Exception {
        try (RunningProgram p = RunningProgram.start(command(go, "-mode", "panic", "-n", "30", "-every", "10",
                "-sleep", "0", "-rounds", "3", "-wait", "stdin", "-quiet"))) {
            assertThat(p.nextLine(TIMEOUT)).isEqualTo("ready pid=" + p.pid());
            for (int round = 1; round <= 3; round++) {
                p.writeLine("go");
                Map<String, Object> r = MiniJson.parseObject(p.nextLine(TIMEOUT));
                assertCounts(r, 27, 3, 0);
                if (round < 3) {
                    Thread.sleep(200);
                    assertThat(p.process().isAlive()).as("waiting for stdin after round %d", round).isTrue();
                }
            }
            assertThat(p.awaitExit(TIMEOUT)).isEmpty();
            assertThat(p.process().exitValue()).isZero();
        }
    }

    @Test
    void wait_signal_holds_the_first_call_until_SIGUSR1() throws Exception {
        String go = newest();
        try (RunningProgram p = RunningProgram.start(command(go, "-mode", "block", "-n", "4", "-wait", "signal", "-quiet"))) {
            assertThat(p.nextLine(TIMEOUT)).isEqualTo("ready pid=" + p.pid());
            Thread.sleep(200);
            assertThat(p.process().isAlive()).as("waiting for SIGUSR1").isTrue();

            Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).inheritIO().start();
            assertThat(kill.waitFor()).isZero();
            List<String> rest = p.awaitExit(TIMEOUT);

            assertThat(p.process().exitValue()).isZero();
            assertThat(num(MiniJson.parseObject(rest.get(rest.size() - 1)), "count")).isEqualTo(4);
        }
    }

    @Test
    void breakdown_cpu_prints_its_clocks_and_its_threads_cpu_time() throws Exception {
        try (RunningProgram p = RunningProgram.start(command(newest(), "-mode", "breakdown", "-variant", "cpu", "-n",
                "5", "-spin", "1ms"))) {
            List<String> out = p.awaitExit(TIMEOUT);
            assertThat(p.process().exitValue()).isZero();
            Map<String, Object> json = MiniJson.parseObject(out.get(out.size() - 1));
            long inner = num(MiniJson.obj(json, "inner"), "p50");
            assertThat(num(json, "count")).isEqualTo(5);
            assertThat(inner).isLessThanOrEqualTo(num(json, "p50"));
            // The spin is a number of iterations calibrated to ~1 ms of this thread's CPU time.
            assertThat(num(MiniJson.obj(json, "own"), "p50")).as("thread CPU time of a ~1 ms spin")
                    .isBetween(500_000L, inner);
            assertThat(num(MiniJson.obj(json, "offcpu"), "p50")).isLessThanOrEqualTo(inner);
        }
    }

    @Test
    void bad_flags_fail_with_the_choices() throws Exception {
        try (RunningProgram p = RunningProgram.start(command(newest(), "-mode", "sideways"))) {
            p.awaitExit(TIMEOUT);
            assertThat(p.process().exitValue()).isEqualTo(2);
            assertThat(p.stderr()).contains("-mode \"sideways\"", "block, recurse, panic, goexit, loop, fleet or breakdown");
        }
    }

    private static String newest() {
        List<String> v = GoTestBinaries.goVersions();
        return v.get(v.size() - 1);
    }

    private static List<String> command(String go, String... args) {
        return command(go, Variant.DEFAULT, args);
    }

    private static List<String> command(String go, Variant variant, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(GoTestBinaries.program(go, variant, "workload").toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs to the end; the first line must be the ready line and the last the JSON result. */
    private static Map<String, Object> run(String go, Variant variant, String... args) throws Exception {
        List<String> cmd = command(go, variant, args);
        cmd.add("-quiet");
        try (RunningProgram p = RunningProgram.start(cmd)) {
            assertThat(p.nextLine(TIMEOUT)).isEqualTo("ready pid=" + p.pid());
            List<String> rest = p.awaitExit(TIMEOUT);
            assertThat(p.process().exitValue()).as("exit status of %s; stderr: %s", cmd, p.stderr()).isZero();
            assertThat(rest).as("stdout after the ready line of %s", cmd).hasSize(1);
            return MiniJson.parseObject(rest.get(0));
        }
    }

    private static void assertCounts(Map<String, Object> r, long count, long panics, long goexits) {
        assertThat(num(r, "count")).as("count in %s", r).isEqualTo(count);
        assertThat(num(r, "panics")).as("panics in %s", r).isEqualTo(panics);
        assertThat(num(r, "goexits")).as("goexits in %s", r).isEqualTo(goexits);
    }

    static void assertPercentilesOrdered(Map<String, Object> r) {
        assertThat(num(r, "p50")).as("p50 in %s", r).isPositive();
        assertThat(List.of(num(r, "p50"), num(r, "p90"), num(r, "p99"), num(r, "p999"), num(r, "max")))
                .as("p50 <= p90 <= p99 <= p999 <= max in %s", r)
                .isSorted();
    }
}
