// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.result.Latency;
import dev.golat.result.TestLatencies;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes a .hgrm file, reads it back and checks every line against the raw samples. */
class HgrmWriterTest {

    private static final Pattern DATA = Pattern.compile(
            "\\s*(\\d+\\.\\d{3})\\s+(\\d\\.\\d{12})\\s+(\\d+)(?:\\s+(\\S+))?");
    private static final Pattern MAX = Pattern.compile(
            "#\\[Max\\s+=\\s+(\\d+\\.\\d{3}), Total count\\s+=\\s+(\\d+)]");

    @TempDir
    Path dir;

    @Test
    void should_write_a_percentile_distribution_in_microseconds_that_matches_the_samples() throws IOException {
        // GIVEN 20,000 samples from 10 µs to 10 ms
        Random random = new Random(42);
        long[] samples = new long[20_000];
        Histogram histogram = new Histogram(3);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (long) Math.pow(10, 4 + 3 * random.nextDouble());
            histogram.recordValue(samples[i]);
        }
        Arrays.sort(samples);
        Latency latency = Latency.of("main.(*conn).handleStmtExecute", "main.(*conn).handleStmtExecute", histogram,
                TestLatencies.clean(samples.length), null);
        // WHEN
        Path file = HgrmWriter.write(dir, "StmtIT", "executeStaysFast", latency);
        // THEN
        assertThat(file).isEqualTo(dir.resolve("StmtIT").resolve("executeStaysFast-main.__conn_.handleStmtExecute.hgrm"));
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0).trim().split("\\s+")).containsExactly("Value", "Percentile", "TotalCount",
                "1/(1-Percentile)");
        int dataLines = 0;
        double lastPercentile = -1;
        for (String line : lines) {
            Matcher m = DATA.matcher(line);
            if (!m.matches()) {
                continue;
            }
            dataLines++;
            long valueNs = Math.round(Double.parseDouble(m.group(1)) * 1000);
            double percentile = Double.parseDouble(m.group(2));
            long totalCount = Long.parseLong(m.group(3));
            // the cumulative count column is the number of samples not above the value
            assertThat(totalCount).as(line).isEqualTo(countNotAbove(samples, valueNs));
            // the value is reached at that percentile: enough samples are at or below it
            assertThat((double) totalCount / samples.length).as(line).isGreaterThanOrEqualTo(percentile - 1e-12);
            assertThat(percentile).as(line).isGreaterThanOrEqualTo(lastPercentile);
            lastPercentile = percentile;
        }
        assertThat(dataLines).isGreaterThan(50);
        assertThat(lastPercentile).isEqualTo(1.0);
        Matcher max = lines.stream().map(MAX::matcher).filter(Matcher::matches).findFirst().orElseThrow();
        long maxNs = Math.round(Double.parseDouble(max.group(1)) * 1000);
        long exactMax = samples[samples.length - 1];
        assertThat(maxNs).isBetween(exactMax, exactMax + exactMax / 1000);
        assertThat(Long.parseLong(max.group(2))).isEqualTo(samples.length);
        assertThat(lines).contains("# counts: entries=20,000, matched=20,000");
    }

    private static long countNotAbove(long[] sorted, long value) {
        int i = Arrays.binarySearch(sorted, value + 1);
        return i >= 0 ? firstIndexOf(sorted, i) : -i - 1;
    }

    private static int firstIndexOf(long[] sorted, int index) {
        while (index > 0 && sorted[index - 1] == sorted[index]) {
            index--;
        }
        return index;
    }

    @Test
    void should_write_files_readable_by_everyone() throws IOException {
        // WHEN
        Path file = HgrmWriter.write(dir, "StmtIT", "p99", TestLatencies.stmtExecute());
        // THEN
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
    }

    @Test
    void should_replace_an_earlier_file_and_say_when_nothing_was_measured() throws IOException {
        // GIVEN
        Latency measured = TestLatencies.stmtExecute();
        Path first = HgrmWriter.write(dir, "StmtIT", "p99", measured);
        // WHEN
        Path second = HgrmWriter.write(dir, "StmtIT", "p99", Latency.empty("handleStmtExecute", "main.f"));
        // THEN
        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllLines(second)).containsExactly(
                "# no call measured: no percentile distribution",
                "# golat: handleStmtExecute (main.f), values in microseconds",
                "# counts: no probe hit");
        try (var files = Files.list(second.getParent())) {
            assertThat(files).containsExactly(second);
        }
    }
}
