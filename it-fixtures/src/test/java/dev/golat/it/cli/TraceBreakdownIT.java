// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.cli;

import static dev.golat.it.GolatCli.golat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.gate.BaselineFile;
import dev.golat.gate.Recording;
import dev.golat.it.GolatCli.Result;
import dev.golat.it.MiniJson;
import dev.golat.it.SlowestCalls;
import dev.golat.testbins.GoTestBinaries;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code golat trace --breakdown} as a user runs it (a separate JVM, the real agent, a real Go process): the
 * components in {@code --json} and the console's breakdown line, against the workload's own clock of each call
 * ({@code -mode breakdown}, see its breakdown.go): a sleeping call waits on its timer for that long, within
 * max(5%, 20 µs) at p50; the slowest calls in {@code --json} are the program's own slowest (exemplar.go); a
 * {@code --save}d recording carries each part, which {@code golat compare} compares.
 */
class TraceBreakdownIT {
    private static final String WORKLOAD = GoTestBinaries.program("workload").toString();

    @Test
    void json_holds_each_component_and_a_sleeping_call_waits_on_its_timer_for_its_own_clock() throws Exception {
        Result r = golat("trace", "main.blockSleep", "--breakdown", "--json", "--exec", "--", WORKLOAD,
                "-mode", "breakdown", "-variant", "sleep", "-n", "300", "-sleep", "1ms", "-quiet");
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        String own = r.line("\"mode\":\"breakdown\"");
        String traced = r.line("\"function\":\"main.blockSleep\"");
        String bd = traced.substring(traced.indexOf("\"breakdown\":{"));
        long theirs = MiniJson.number(own, "inner.p50");

        assertThat(MiniJson.number(traced, "count")).isEqualTo(MiniJson.number(own, "count")).isEqualTo(300);
        assertThat(MiniJson.number(bd, "breakdown.calls")).as(traced).isEqualTo(300);
        assertThat(MiniJson.number(bd, "breakdown.lost")).as(traced).isZero();
        String sleep = bd.substring(bd.indexOf("\"waitingBy\":{"));
        assertNear("waitingBy.sleep p50", MiniJson.number(sleep, "sleep.p50"), theirs, traced, own);
        assertNear("waiting p50", MiniJson.number(bd, "waiting.p50"), theirs, traced, own);
        assertThat(MiniJson.number(sleep, "chan.p90")).as(traced).isZero();
        assertThat(MiniJson.number(bd, "running.p50")).as(traced).isLessThanOrEqualTo(tolerance(theirs));
        assertThat(r.stderr()).contains("golat trace: breaking each call down by goroutine state");
    }

    /** The exemplars in {@code --json}: the program's eight slowest calls, on the goroutines it names. */
    @Test
    void json_holds_the_slowest_calls_with_the_programs_goroutines() throws Exception {
        Result r = golat("trace", "main.bdExemplar", "--breakdown", "--json", "--exec", "--", WORKLOAD,
                "-mode", "breakdown", "-variant", "exemplar", "-n", "800", "-goroutines", "4", "-every", "100",
                "-sleep", "20ms", "-quiet");
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        String own = r.line("\"mode\":\"breakdown\"");
        String traced = r.line("\"function\":\"main.bdExemplar\"");
        SlowestCalls top = SlowestCalls.top(SlowestCalls.parse(own), 8);

        Matcher m = Pattern.compile("\\{\"ns\":(\\d+),\"goroutine\":(\\d+),\"running\":(\\d+),").matcher(
                traced.substring(traced.indexOf("\"exemplars\":[")));
        int n = 0;
        while (m.find()) {
            top.take(Long.parseLong(m.group(2)), Long.parseLong(m.group(1)), m.group());
            n++;
        }
        assertThat(n).as("exemplars in %s", traced).isEqualTo(8);
    }

    @Test
    void the_console_prints_one_breakdown_line_per_function() throws Exception {
        Result r = golat("trace", "main.blockChan", "--breakdown", "--exec", "--", WORKLOAD,
                "-mode", "breakdown", "-variant", "chan", "-n", "300", "-sleep", "1ms", "-quiet");
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        String own = r.line("\"mode\":\"breakdown\"");
        String line = r.line("breakdown p50 of ");

        Matcher m = Pattern.compile("^breakdown p50 of 300 calls: running [0-9.]+ [nµm]?s, .*waiting chan ([0-9.]+) ms")
                .matcher(line);
        assertThat(m.find()).as("the breakdown line: %s", line).isTrue();
        long ours = Math.round(Double.parseDouble(m.group(1)) * 1_000_000);
        // the line rounds to 3 significant digits: 5 µs at 1 ms
        assertNear("waiting chan p50 (console)", ours, MiniJson.number(own, "inner.p50"), line, own);
        assertThat(r.line("slowest call ")).as("the slowest call after the breakdown line")
                .matches("slowest call [0-9.]+ [nµm]?s: [0-9.]+ [nµm]?s running, .*[0-9.]+ [nµm]?s waiting chan.*, goroutine"
                        + " [1-9][0-9]*");
    }

    /**
     * {@code --save} with {@code --breakdown} records each part beside the wall time, under a tag of its own, and
     * {@code golat compare} compares them: a CPU-bound call spinning twice as long regresses in its running part, whose
     * saved p50 is the thread's own CPU time of the spin (the program's clock).
     */
    @Test
    void save_records_the_parts_and_compare_compares_them(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("spin1ms.hlog");
        Path two = dir.resolve("spin2ms.hlog");
        String own = null;
        for (Path file : List.of(one, two)) {
            Result r = golat("trace", "main.bdSpin", "--breakdown", "--interval", "100ms", "--save", file.toString(),
                    "--exec", "--", WORKLOAD, "-mode", "breakdown", "-variant", "cpu", "-n", "200", "-spin",
                    file == one ? "1ms" : "2ms", "-quiet");
            assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
            own = own == null ? r.line("\"mode\":\"breakdown\"") : own;
        }
        List<Recording> saved = BaselineFile.readAll(one);
        assertThat(saved).extracting(Recording::name).containsExactly("main.bdSpin", "main.bdSpin [running]",
                "main.bdSpin [offCpu]", "main.bdSpin [runnable]", "main.bdSpin [waiting]", "main.bdSpin [stw]",
                "main.bdSpin [other]");
        Recording running = saved.get(1);
        assertThat(running.count()).isEqualTo(200);
        assertNear("saved running p50", running.merged().getValueAtPercentile(50), MiniJson.number(own, "own.p50"),
                running.toString(), own);
        Set<String> tags = new HashSet<>();
        try (HistogramLogReader log = new HistogramLogReader(one.toFile())) {
            for (EncodableHistogram h; (h = log.nextIntervalHistogram()) != null; ) {
                tags.add(h.getTag());
            }
        }
        assertThat(tags).contains("main.bdSpin", "main.bdSpin_[running]", "main.bdSpin_[waiting]");

        Result c = golat("compare", one.toString(), two.toString(), "--percentile", "50");
        String out = String.join("\n", c.stdout());
        // The wall time doubled too: a regression (exit 1), or inconclusive (3) when the loaded machine made one run
        // wait for a CPU far more than the other; the running part excludes that wait and must regress either way.
        assertThat(c.exit()).as("the wall time's verdict: %s%n%s", out, c.stderr()).isIn(1, 3);
        assertThat(out).contains("breakdown parts (where the time went; the verdict above is the functions'):")
                .containsPattern("main\\.bdSpin \\[running\\]\\s+p50\\s.*\\s(1\\.[89]|2\\.[01])\\d\\d\\s.*REGRESSION");
    }

    private static void assertNear(String what, long ours, long theirs, String traced, String own) {
        long tol = tolerance(theirs) + 5_000;
        assertThat(ours).as("%s: golat %d ns, the call's own clock %d ns (%s; %s)", what, ours, theirs, traced, own)
                .isBetween(theirs - tol, theirs + tol);
    }

    /** max(5%, 20 µs): the bound for each component. */
    private static long tolerance(long nanos) {
        return Math.max(20_000, nanos / 20);
    }
}
