// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SnapshotParserTest {
    private static final Counters NONE = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0);

    @Test
    void should_read_every_counter_by_name() {
        Map.Entry<Integer, Counters> p = SnapshotParser.probeLine("probe 2 entries=10 returns=9 matched=7 unmatched=1"
                + " stale=1 reentries=3 dnr=1 inflight=0 errors=4");

        assertThat(p.getKey()).isEqualTo(2);
        assertThat(p.getValue()).isEqualTo(new Counters(10, 9, 7, 1, 1, 3, 1, 0, 4));
    }

    @Test
    void should_read_every_span_counter_by_name() {
        Map.Entry<Integer, SpanCounters> p = SnapshotParser.spanLine("span 3 started=100 completed=80 notreached=12"
                + " unmatched=2 restarts=5 overflow=1 stale=3 inflight=4 errors=6");

        assertThat(p.getKey()).isEqualTo(3);
        assertThat(p.getValue()).isEqualTo(new SpanCounters(100, 80, 12, 2, 5, 1, 3, 4, 6));
    }

    @Test
    void should_name_the_missing_span_counter() {
        assertThatThrownBy(() -> SnapshotParser.spanLine("span 3 started=1 completed=1 notreached=0 unmatched=0"
                + " restarts=0 stale=0 inflight=0 errors=0"))
                .isInstanceOf(AgentException.class)
                .hasMessageEndingWith("expected a field overflow=");
        assertThatThrownBy(() -> SnapshotParser.spanLine("probe 3 entries=1"))
                .hasMessage("unexpected agent answer 'probe 3 entries=1': expected a 'span <id> name=value...' line");
    }

    @Test
    void should_read_sparse_buckets() {
        ProbeSnapshot s = SnapshotParser.histLine("hist 2 5:1 1781:3 1782:2", 2, "main.f", NONE);

        assertThat(s.buckets()).containsExactly(5, 1781, 1782);
        assertThat(s.counts()).containsExactly(1, 3, 2);
        assertThat(s.totalCount()).isEqualTo(6);
    }

    @Test
    void should_name_the_line_and_what_was_expected() {
        assertThatThrownBy(() -> SnapshotParser.probeLine("probe 2 entries=10"))
                .isInstanceOf(AgentException.class)
                .hasMessage("unexpected agent answer 'probe 2 entries=10': expected a field returns=");
        assertThatThrownBy(() -> SnapshotParser.histLine("hist 3 5:1", 2, "main.f", NONE))
                .hasMessage("unexpected agent answer 'hist 3 5:1': expected 'hist 2 <bucket>:<count> ...'");
        assertThatThrownBy(() -> SnapshotParser.histLine("hist 2 9:1 5:1", 2, "main.f", NONE))
                .hasMessage("unexpected agent answer 'hist 2 9:1 5:1': expected probe 2: buckets not ascending at 5");
    }

    /** HdrHistogram is the oracle: a bucket's samples sit between the bucket's bounds. */
    @Test
    void histogram_records_each_bucket_inside_its_bounds() {
        int b = Buckets.index(1_170_000); // a 1.17 ms sleep
        ProbeSnapshot s = new ProbeSnapshot(0, "main.blockSleep", NONE, new int[] {100, b}, new long[] {1, 999});

        Histogram h = s.toHistogram();

        assertThat(h.getTotalCount()).isEqualTo(1000);
        assertThat(h.getMinValue()).isEqualTo(100);
        double p50 = h.getValueAtPercentile(50);
        assertThat(p50).isBetween((double) Buckets.lowerBound(b), (double) Buckets.upperBound(b) * 1.001);
        assertThat(p50).isCloseTo(1_170_000, within(1_170_000 / 128.0));
    }
}
