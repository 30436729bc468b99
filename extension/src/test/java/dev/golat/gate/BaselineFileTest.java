// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineFileTest {
    private static final RecordingInfo INFO = new RecordingInfo("StmtIT#executeStaysFast",
            "main.(*clientConn).handleStmtExecute", "go1.23.5", "abc/def", "0123456789abcdef0123456789abcdef01234567", 2,
            "6.18.0", Instant.parse("2026-12-01T09:30:00Z"));

    @TempDir
    Path dir;

    @Test
    void should_read_back_what_it_wrote() {
        // GIVEN 3 rounds and a noise witness
        Random data = new Random(1);
        List<Histogram> rounds = List.of(StatisticsTest.lognormal(data, 1000, 1), StatisticsTest.lognormal(data, 2000, 1),
                StatisticsTest.lognormal(data, 10, 1));
        Recording r = new Recording("handleStmtExecute", rounds, INFO, new NoiseWitness(123_456_789L, 42L, 7));
        Path file = dir.resolve("sub/handleStmtExecute.hlog");
        // WHEN
        BaselineFile.write(file, r);
        Recording back = BaselineFile.read(file);
        // THEN every figure survives
        assertThat(back.name()).isEqualTo("handleStmtExecute");
        assertThat(back.info()).isEqualTo(INFO);
        assertThat(back.witness()).isEqualTo(r.witness());
        assertThat(back.rounds()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(back.rounds().get(i)).isEqualTo(rounds.get(i)); // HdrHistogram compares every count
        }
    }

    @Test
    void should_keep_each_rounds_witness() throws Exception {
        // GIVEN 3 rounds, each with its own CPU wait
        Random data = new Random(2);
        List<Histogram> rounds = List.of(StatisticsTest.lognormal(data, 100, 1), StatisticsTest.lognormal(data, 100, 1),
                StatisticsTest.lognormal(data, 100, 1));
        List<NoiseWitness> each = List.of(new NoiseWitness(10, 5, 7), new NoiseWitness(20, 15, 7), new NoiseWitness(30, 0, 8));
        Recording r = new Recording("f", rounds, INFO, new NoiseWitness(60, 20, 8), each);
        Path file = dir.resolve("f.hlog");
        // WHEN
        BaselineFile.write(file, r);
        // THEN they come back in order, and a file without them reads as none
        assertThat(BaselineFile.read(file).roundWitnesses()).isEqualTo(each);
        assertThat(Files.readString(file)).contains("#golat.roundWitnesses: 10/5/7 20/15/7 30/0/8\n");
        BaselineFile.write(file, new Recording("f", rounds, INFO, r.witness()));
        assertThat(BaselineFile.read(file).roundWitnesses()).isEmpty();
        // and a list that lost one names the file
        BaselineFile.write(file, r);
        Files.writeString(file, Files.readString(file).replace(" 30/0/8", ""));
        assertThatThrownBy(() -> BaselineFile.read(file)).isInstanceOf(BaselineFormatException.class)
                .hasMessage(file + ": f has 3 rounds but #golat.roundWitnesses holds 2 (truncated or edited?); delete it and"
                        + " record it again");
        Files.writeString(file, Files.readString(file).replace("20/15/7", "20/x/7 30/0/8"));
        assertThatThrownBy(() -> BaselineFile.read(file)).isInstanceOf(BaselineFormatException.class)
                .hasMessageContaining("#golat.roundWitnesses holds '20/x/7', not cpu/wait/threads nanoseconds");
    }

    @Test
    void should_be_readable_by_hdrhistograms_own_log_processor() throws Exception {
        // GIVEN a baseline of 3,000 calls in two rounds
        Random data = new Random(2);
        Histogram a = StatisticsTest.lognormal(data, 1000, 1);
        Histogram b = StatisticsTest.lognormal(data, 2000, 1);
        Path file = dir.resolve("f.hlog");
        BaselineFile.write(file, new Recording("f", List.of(a, b), INFO, NoiseWitness.NONE));
        // WHEN HdrHistogram's HistogramLogProcessor summarizes it (the histograms carry the function as their tag)
        Path out = dir.resolve("summary");
        PrintStream stdout = System.out;
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        System.setOut(new PrintStream(ignored, true, StandardCharsets.UTF_8));
        try {
            HistogramLogProcessor p = new HistogramLogProcessor(new String[] {"-i", file.toString(), "-o", out.toString(),
                    "-outputValueUnitRatio", "1", "-tag", "f"});
            p.run();
        } finally {
            System.setOut(stdout);
        }
        // THEN its total matches, and its p50 is HdrHistogram's p50 of both rounds
        String hgrm = Files.readString(Path.of(out + ".hgrm"));
        Histogram all = a.copy();
        all.add(b);
        assertThat(hgrm).containsPattern("Total count\\s+=\\s+3000\\b")
                .containsPattern("(?m)^\\s*" + all.getValueAtPercentile(50) + "\\.000\\s+0\\.500000000000 ");
    }

    @Test
    void should_name_the_file_when_it_is_not_a_baseline() throws Exception {
        Path file = dir.resolve("StmtIT/executeStaysFast/handleStmtExecute.hlog");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "hello\n");
        assertThatThrownBy(() -> BaselineFile.read(file)).isInstanceOf(BaselineFormatException.class)
                .hasMessage(file + ": not a golat baseline (no '#golat.baseline:' line); delete it and record it again");
    }

    @Test
    void should_name_the_file_when_a_histogram_is_corrupt() throws Exception {
        Path file = dir.resolve("f.hlog");
        BaselineFile.write(file, Recording.of("f", StatisticsTest.lognormal(new Random(3), 100, 1), INFO, NoiseWitness.NONE));
        String text = Files.readString(file);
        int histogram = text.indexOf("HIST");
        Files.writeString(file, text.substring(0, histogram + 10) + "!!!!" + text.substring(histogram + 14));
        assertThatThrownBy(() -> BaselineFile.read(file)).isInstanceOf(BaselineFormatException.class)
                .hasMessageStartingWith(file + ": histogram 1 cannot be decoded (")
                .hasMessageEndingWith("; delete it and record it again");
    }

    @Test
    void should_name_the_file_when_it_was_truncated() throws Exception {
        Path file = dir.resolve("f.hlog");
        Random data = new Random(4);
        BaselineFile.write(file, new Recording("f", List.of(StatisticsTest.lognormal(data, 100, 1),
                StatisticsTest.lognormal(data, 100, 1)), INFO, NoiseWitness.NONE));
        List<String> lines = Files.readAllLines(file);
        Files.write(file, lines.subList(0, lines.size() - 1));
        assertThatThrownBy(() -> BaselineFile.read(file)).isInstanceOf(BaselineFormatException.class)
                .hasMessage(file + ": f declares n=200 in 2 rounds but holds n=100 in 1 (truncated or edited?);"
                        + " delete it and record it again");
    }

    @Test
    void should_keep_several_functions_apart_in_one_file() {
        Random data = new Random(6);
        Recording a = Recording.of("span dispatch-to-tso", StatisticsTest.lognormal(data, 100, 1), INFO, NoiseWitness.NONE);
        Recording b = new Recording("getTSO", List.of(StatisticsTest.lognormal(data, 50, 1),
                StatisticsTest.lognormal(data, 70, 1)), INFO, new NoiseWitness(5, 6, 7));
        Path file = dir.resolve("trace.hlog");
        BaselineFile.writeAll(file, List.of(a, b));
        List<Recording> back = BaselineFile.readAll(file);
        assertThat(back).extracting(Recording::name).containsExactly("span dispatch-to-tso", "getTSO");
        assertThat(back.get(0).merged()).isEqualTo(a.merged());
        assertThat(back.get(1).rounds()).isEqualTo(b.rounds());
        assertThat(back.get(1).witness()).isEqualTo(b.witness());
        assertThatThrownBy(() -> BaselineFile.read(file)).isInstanceOf(BaselineFormatException.class)
                .hasMessage(file + ": holds 2 functions (span dispatch-to-tso, getTSO); a baseline holds one;"
                        + " delete it and record it again");
    }

    @Test
    void should_name_the_missing_metadata() throws Exception {
        Path file = dir.resolve("f.hlog");
        BaselineFile.write(file, Recording.of("f", StatisticsTest.lognormal(new Random(5), 100, 1), INFO, NoiseWitness.NONE));
        Files.writeString(file, Files.readString(file).replaceAll("(?m)^#golat.cores: .*\n", ""));
        assertThatThrownBy(() -> BaselineFile.read(file)).isInstanceOf(BaselineFormatException.class)
                .hasMessage(file + ": no '#golat.cores:' line; delete it and record it again");
    }
}
