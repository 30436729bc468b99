// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.result.CallCounts;
import dev.golat.result.Latency;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyTableTest {
    private static final String NL = System.lineSeparator();

    private static Latency called(String name, long count, long nanos) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(nanos, count);
        return Latency.of(name, name, h, new CallCounts(count, count, 0, 0, 0, 0, 0), null);
    }

    private static Latency never(String name) {
        return Latency.of(name, name, new Histogram(3), CallCounts.NONE, null);
    }

    @Test
    void should_sort_by_total_and_list_the_never_called_on_one_line() {
        // GIVEN a function called often but fast, one called rarely but slow, two never called
        List<Latency> all = List.of(never("main.z"), called("main.fast", 1_000, 1_000), called("main.slow", 10, 1_000_000),
                never("main.a"));

        // WHEN rendered by total time
        String table = LatencyTable.render(all, LatencyTable.Sort.TOTAL);

        // THEN slow (10 ms in total) comes before fast (1 ms), and the never called share the last line
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("function\\s+count\\s+total\\s+p50\\s+p99\\s+max");
        assertThat(lines.get(3)).isEqualTo("never called (2): main.a, main.z");
        assertThat(table).endsWith(NL);
        assertThat(table.lines().toList().get(1)).isEqualTo("main.slow     10  10 ms  1 ms  1 ms  1 ms");
        assertThat(table.lines().toList().get(2)).isEqualTo("main.fast  1,000   1 ms  1 µs  1 µs  1 µs");
    }

    @Test
    void should_sort_by_count_when_asked() {
        List<Latency> all = List.of(called("main.slow", 10, 1_000_000), called("main.fast", 1_000, 1_000));
        List<String> lines = LatencyTable.render(all, LatencyTable.Sort.COUNT).lines().toList();
        assertThat(lines.get(1)).startsWith("main.fast");
        assertThat(lines.get(2)).startsWith("main.slow");
        assertThat(LatencyTable.render(all, LatencyTable.Sort.NAME).lines().toList().get(1)).startsWith("main.fast");
        assertThat(LatencyTable.render(all, LatencyTable.Sort.P99).lines().toList().get(1)).startsWith("main.slow");
    }

    @Test
    void should_show_a_function_entered_but_not_returned_as_called() {
        Latency blocked = Latency.of("main.wait", "main.wait", new Histogram(3), new CallCounts(3, 0, 0, 0, 0, 3, 0), null);
        String table = LatencyTable.render(List.of(blocked), LatencyTable.Sort.TOTAL);
        assertThat(table.lines().toList().get(1)).matches("main\\.wait\\s+0\\s+-\\s+-\\s+-\\s+- \\(entries=3, inflight=3\\)");
        assertThat(table).doesNotContain("never called");
    }

    @Test
    void should_name_the_columns_it_can_sort_by() {
        assertThatThrownBy(() -> LatencyTable.Sort.parse("p95"))
                .hasMessage("'p95' is not a column to sort by; choose one of count, total, p50, p99, max, name");
        assertThat(LatencyTable.Sort.parse("p99")).isEqualTo(LatencyTable.Sort.P99);
    }

    @Test
    void total_is_the_sum_of_every_call_at_its_buckets_value() {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(1_000, 3);
        h.recordValueWithCount(2_000, 2);
        Latency l = Latency.of("f", "f", h, new CallCounts(5, 5, 0, 0, 0, 0, 0), null);
        assertThat(LatencyTable.total(l)).isEqualTo(3 * h.highestEquivalentValue(1_000) + 2 * h.highestEquivalentValue(2_000));
    }
}
