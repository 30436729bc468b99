// SPDX-License-Identifier: Apache-2.0
package dev.golat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.gate.BaselineFile;
import dev.golat.gate.NoiseWitness;
import dev.golat.gate.Recording;
import dev.golat.gate.RecordingInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code golat compare}: the table, and the exit codes a shell step gates on. */
class CompareCommandTest {
    private static final RecordingInfo INFO = new RecordingInfo("golat trace", "main.(*clientConn).handleStmtExecute",
            "go1.23.5", "x/y", "", 2, "6.18.0", Instant.parse("2026-12-01T09:00:00Z"));

    @TempDir
    Path dir;

    @Test
    void exits_0_on_pass_and_prints_the_table() throws Exception {
        Random data = new Random(1);
        Path old = save("old.hlog", data, 1.0, 20_000);
        Path now = save("new.hlog", data, 1.0, 20_000);
        Run r = compare(old.toString(), now.toString());
        assertThat(r.exit).as(r.out + r.err).isZero();
        assertThat(r.out).contains("baseline:  " + old + " (go1.23.5 on 2 cores, kernel 6.18.0, 2026-12-01T09:00:00Z)")
                .containsPattern("(?m)^function\\s+pct\\s+baseline\\s+candidate\\s+ratio\\s+95% CI\\s+p\\s+n baseline/candidate"
                        + "\\s+verdict$")
                .containsPattern("(?m)^handleStmtExecute\\s+p50\\s+\\S+ µs\\s+\\S+ µs\\s+[01]\\.\\d{3}\\s+\\d\\.\\d{3}-\\d\\.\\d{3}\\s+"
                        + "\\S+\\s+20,000/20,000\\s+PASS$")
                .containsPattern("(?m)^handleStmtExecute\\s+p99\\s.*PASS$")
                .contains("verdict: PASS");
    }

    @Test
    void exits_1_on_a_regression() throws Exception {
        Random data = new Random(2);
        Run r = compare(save("old.hlog", data, 1.0, 20_000).toString(), save("new.hlog", data, 1.25, 20_000).toString(),
                "--percentile", "50", "--percentile", "90", "--tolerance", "10%");
        assertThat(r.exit).as(r.out + r.err).isEqualTo(1);
        assertThat(r.out).containsPattern("(?m)^handleStmtExecute\\s+p50\\s.*\\s1\\.2\\d\\d\\s.*\\s0\\.0\\d+\\s.*REGRESSION$") // 10 rounds a side: the rounds test bounds p
                .containsPattern("(?m)^handleStmtExecute\\s+p90\\s.*REGRESSION$")
                .doesNotContain(" p99 ")
                .contains("verdict: REGRESSION (handleStmtExecute regression: p50 is +2");
    }

    @Test
    void exits_3_when_inconclusive() throws Exception {
        Random data = new Random(3);
        Run r = compare(save("old.hlog", data, 1.0, 300).toString(), save("new.hlog", data, 1.0, 300).toString(),
                "--percentile", "99");
        assertThat(r.exit).as(r.out + r.err).isEqualTo(3);
        assertThat(r.out).contains("verdict: INCONCLUSIVE (handleStmtExecute inconclusive: p99 needs at least 1,000 calls");
    }

    @Test
    void exits_2_on_a_missing_or_corrupt_file_or_a_bad_option() throws Exception {
        Random data = new Random(4);
        Path old = save("old.hlog", data, 1.0, 100);
        Path corrupt = dir.resolve("corrupt.hlog");
        Files.writeString(corrupt, "#golat.baseline: 1\nnonsense\n");
        Path missing = dir.resolve("missing.hlog");

        Run r = compare(old.toString(), missing.toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).isEqualTo("golat compare: no recording " + missing + " (write one with golat trace ... --save "
                + missing + ")\n");

        r = compare(old.toString(), corrupt.toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).startsWith("golat compare: " + corrupt + ": no '#golat.tag:' line");

        r = compare(old.toString(), old.toString(), "--tolerance", "ten");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).isEqualTo("golat compare: --tolerance: 'ten' is not a percentage (e.g. 10 or 10% for a 10% slowdown)\n");

        r = compare(old.toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).startsWith("golat compare: give two recordings, OLD and NEW (got 1)");
    }

    @Test
    void exits_2_when_the_recordings_hold_different_functions() throws Exception {
        Random data = new Random(5);
        Path old = save("old.hlog", data, 1.0, 100);
        Path other = dir.resolve("other.hlog");
        BaselineFile.write(other, Recording.of("getTSO", lognormal(data, 100, 1.0), INFO, NoiseWitness.NONE));
        Run r = compare(old.toString(), other.toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).isEqualTo("golat compare: " + other + " vs " + old
                + ": no baseline for getTSO; the baseline has handleStmtExecute\n");
    }

    @Test
    void compares_the_breakdown_parts_both_recordings_carry_apart_from_the_functions() throws Exception {
        // GIVEN the same wall time, but running twice as long in the new recording (and a part only the new one has)
        Random data = new Random(6);
        Path old = dir.resolve("old.hlog");
        Path now = dir.resolve("new.hlog");
        BaselineFile.writeAll(old, List.of(recording("handleStmtExecute", data, 1.0),
                recording(TraceCommand.partName("handleStmtExecute", "running"), data, 0.25)));
        BaselineFile.writeAll(now, List.of(recording("handleStmtExecute", data, 1.0),
                recording(TraceCommand.partName("handleStmtExecute", "running"), data, 0.5),
                recording(TraceCommand.partName("handleStmtExecute", "stw"), data, 0.1)));
        // WHEN
        Run r = compare(old.toString(), now.toString());
        // THEN the functions' verdict and exit code as without parts; the running part compared below, regressed
        assertThat(r.exit).as(r.out + r.err).isZero();
        String[] halves = r.out.split("breakdown parts \\(where the time went; the verdict above is the functions'\\):");
        assertThat(halves).as(r.out).hasSize(2);
        assertThat(halves[0]).contains("verdict: PASS").doesNotContain("[running]");
        assertThat(halves[1]).containsPattern("(?m)^handleStmtExecute \\[running\\]\\s+p50\\s.*\\s(1\\.9|2\\.0)\\d\\d\\s.*REGRESSION$")
                .doesNotContain("[stw]");
    }

    private static Recording recording(String name, Random data, double scale) {
        List<Histogram> rounds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rounds.add(lognormal(data, 2_000, scale));
        }
        return new Recording(name, rounds, INFO, NoiseWitness.NONE);
    }

    private Path save(String name, Random data, double scale, int n) {
        List<Histogram> rounds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rounds.add(lognormal(data, n / 10, scale));
        }
        Path file = dir.resolve(name);
        BaselineFile.write(file, new Recording("handleStmtExecute", rounds, INFO, NoiseWitness.NONE));
        return file;
    }

    private static Histogram lognormal(Random random, int n, double scale) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            h.recordValue(Math.round(scale * 20_000 * Math.exp(0.5 * random.nextGaussian())));
        }
        return h;
    }

    record Run(int exit, String out, String err) {}

    private static Run compare(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            List<String> argv = new ArrayList<>(List.of("compare"));
            argv.addAll(List.of(args));
            int exit = Main.run(argv);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
