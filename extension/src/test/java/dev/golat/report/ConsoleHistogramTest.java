// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.result.CallCounts;
import dev.golat.result.Instantiation;
import dev.golat.result.Latency;
import dev.golat.result.Snapshots;
import dev.golat.result.TestLatencies;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleHistogramTest {

    private static String lines(String... lines) {
        return String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }

    @Test
    void should_draw_power_of_two_rows_with_unit_labels() {
        // GIVEN 15 calls: 1 of 1 ns, 2 of 3 ns, 8 of 700 ns, 4 of 1.5 µs (exact in the histogram: all < 2048)
        Latency latency = Latency.of("main.work", "main.work", TestLatencies.histogram(1, 1, 2, 3, 8, 700, 4, 1_500),
                new CallCounts(16, 15, 1, 0, 0, 0, 0), null);
        // WHEN
        String text = ConsoleHistogram.render(latency);
        // THEN
        assertThat(text).isEqualTo(lines(
                "main.work",
                "[1 ns, 2 ns)     1 |@@@@@                                   |",
                "[2 ns, 4 ns)     2 |@@@@@@@@@@                              |",
                "[4 ns, 8 ns)     0 |                                        |",
                "[8 ns, 16 ns)    0 |                                        |",
                "[16 ns, 32 ns)   0 |                                        |",
                "[32 ns, 64 ns)   0 |                                        |",
                "[64 ns, 128 ns)  0 |                                        |",
                "[128 ns, 256 ns) 0 |                                        |",
                "[256 ns, 512 ns) 0 |                                        |",
                "[512 ns, 1 µs)   8 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
                "[1 µs, 2 µs)     4 |@@@@@@@@@@@@@@@@@@@@                    |",
                "n=15  p50=700 ns  p90=1.5 µs  p99=1.5 µs  p99.9=1.5 µs  max=1.5 µs  "
                        + "(entries=16, matched=15, didNotReturn=1)"));
    }

    @Test
    void should_list_a_generic_functions_instantiations_with_their_own_counts() {
        // GIVEN main.Hold[...] measured as one over two instantiations
        Latency latency = Latency.of("Hold", "main.Hold[...]", TestLatencies.histogram(3, 700, 1, 1_500),
                new CallCounts(4, 4, 0, 0, 0, 0, 0), java.util.List.of(
                        new Instantiation("main.Hold[go.shape.int]", 0x4e2720, new CallCounts(1, 1, 0, 0, 0, 0, 0)),
                        new Instantiation("main.Hold[go.shape.struct { X int }]", 0x4df920,
                                new CallCounts(3, 3, 0, 0, 0, 0, 0))), null);
        // WHEN
        String text = ConsoleHistogram.render(latency);
        // THEN
        assertThat(text).isEqualTo(lines(
                "Hold (main.Hold[...])",
                "[512 ns, 1 µs) 3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
                "[1 µs, 2 µs)   1 |@@@@@@@@@@@@@                           |",
                "n=4  p50=700 ns  p90=1.5 µs  p99=1.5 µs  p99.9=1.5 µs  max=1.5 µs  (entries=4, matched=4)",
                "2 instantiations, measured as one:",
                "  main.Hold[go.shape.int] (0x4e2720)               n=1  (entries=1, matched=1)",
                "  main.Hold[go.shape.struct { X int }] (0x4df920)  n=3  (entries=3, matched=3)"));
    }

    @Test
    void should_keep_single_outliers_visible_and_name_the_full_function() {
        // WHEN
        String text = ConsoleHistogram.render(TestLatencies.stmtExecute());
        // THEN
        assertThat(text).isEqualTo(lines(
                "handleStmtExecute (main.(*conn).handleStmtExecute)",
                "[256 µs, 512 µs) 9,850 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
                "[512 µs, 1 ms)       0 |                                        |",
                "[1 ms, 2 ms)        40 |@                                       |",
                "[2 ms, 4 ms)       110 |@                                       |",
                "n=10,000  p50=300 µs  p90=300 µs  p99=2.7 ms  p99.9=2.7 ms  max=2.7 ms  "
                        + "(entries=10,000, matched=10,000)"));
    }

    @Test
    void should_end_the_summary_with_the_probe_bias_when_it_is_known() {
        Latency latency = TestLatencies.stmtExecute();

        assertThat(ConsoleHistogram.summary(latency)).doesNotContain("probe bias");
        assertThat(ConsoleHistogram.summary(Snapshots.withProbeBias(latency, 1_100, false)))
                .endsWith("(entries=10,000, matched=10,000)  probe bias=1.1 µs (included)");
        assertThat(ConsoleHistogram.summary(Snapshots.withProbeBias(latency, 1_100, true)))
                .startsWith("n=10,000  p50=299 µs").endsWith("  probe bias=1.1 µs (subtracted)");
    }

    @Test
    void should_say_when_no_call_was_measured() {
        assertThat(ConsoleHistogram.render(Latency.empty("f", "main.f")))
                .isEqualTo(lines("f (main.f)", "(no call measured: no probe hit)"));
    }

    @Test
    void should_count_every_sample_in_the_row_of_its_bounds() {
        // GIVEN samples from 1 ns to 10 s, classified independently by their own bounds
        Random random = new Random(7);
        Histogram histogram = new Histogram(3);
        long[] expected = new long[64];
        long[] lowerBounds = LongStream.concat(LongStream.of(0),
                LongStream.concat(LongStream.rangeClosed(0, 9).map(k -> 1L << k),
                        LongStream.concat(LongStream.rangeClosed(0, 9).map(k -> 1_000L << k),
                                LongStream.concat(LongStream.rangeClosed(0, 9).map(k -> 1_000_000L << k),
                                        LongStream.rangeClosed(0, 3).map(k -> 1_000_000_000L << k))))).toArray();
        for (int i = 0; i < 50_000; i++) {
            long v = (long) Math.pow(10, 10 * random.nextDouble());
            // HdrHistogram keeps the highest value of the sample's bucket; classify that value
            histogram.recordValue(v);
            long kept = histogram.highestEquivalentValue(v);
            int row = 0;
            while (row + 1 < lowerBounds.length && lowerBounds[row + 1] <= kept) {
                row++;
            }
            expected[row]++;
        }
        // WHEN
        long[] rows = ConsoleHistogram.rows(histogram);
        // THEN
        for (int row = 0; row < lowerBounds.length; row++) {
            assertThat(rows[row]).as("row %s", ConsoleHistogram.label(row)).isEqualTo(expected[row]);
        }
        assertThat(LongStream.of(rows).sum()).isEqualTo(50_000);
    }

    @Test
    void should_show_the_nodes_side_by_side_after_the_histogram_of_all_their_calls() {
        // GIVEN a function traced on three nodes
        java.util.Map<String, Latency> nodes = new java.util.LinkedHashMap<>();
        nodes.put("front", Latency.of("h", "main.h", TestLatencies.histogram(900, 100_000), TestLatencies.clean(900), null));
        nodes.put("shardA", Latency.of("h", "main.h", TestLatencies.histogram(300, 40_000), TestLatencies.clean(300), null));
        nodes.put("shardB", Latency.of("h", "main.h", TestLatencies.histogram(600, 40_000),
                new dev.golat.result.CallCounts(601, 600, 1, 0, 0, 0, 0), null));

        // WHEN
        String text = ConsoleHistogram.render(Latency.ofNodes("h", nodes, null));

        // THEN one column per node and one for all, one row per figure, and the counter that is not zero somewhere
        String nl = System.lineSeparator();
        // (900 of the 1,800 calls take 40 µs: the nearest-rank median of all is 40 µs)
        assertThat(text).contains("n=1,800  p50=40 µs  p90=100 µs").endsWith(String.join(nl,
                "3 nodes, side by side:",
                "                 front  shardA  shardB     all",
                "  n                900     300     600   1,800",
                "  p50           100 µs   40 µs   40 µs   40 µs",
                "  p90           100 µs   40 µs   40 µs  100 µs",
                "  p99           100 µs   40 µs   40 µs  100 µs",
                "  p99.9         100 µs   40 µs   40 µs  100 µs",
                "  max           100 µs   40 µs   40 µs  100 µs",
                "  entries          900     300     601   1,801",
                "  didNotReturn       0       0       1       1") + nl);
    }
}
