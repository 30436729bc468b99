// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.agent.Buckets;
import dev.golat.agent.Counters;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.plan.EntryKind;
import dev.golat.plan.FunctionPlan;
import dev.golat.plan.ProbePlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One probe per instantiation of a generic function, measured as one latency. */
class SnapshotsTest {

    @Test
    void should_add_up_the_instantiations_and_keep_each_ones_counts() {
        // GIVEN two instantiations: 300 calls of ~1 ms, 100 calls of ~2 ms
        int ms1 = Buckets.index(1_000_000);
        int ms2 = Buckets.index(2_000_000);
        FunctionPlan plan = new FunctionPlan("Hold", "main.Hold[...]",
                List.of(plan("main.Hold[go.shape.int]", 0x4e2720), plan("main.Hold[go.shape.string]", 0x4e19c0)));
        List<ProbeSnapshot> snapshots = List.of(
                new ProbeSnapshot(0, "main.Hold[go.shape.int]", counters(301, 300), new int[] {ms1}, new long[] {300}),
                new ProbeSnapshot(1, "main.Hold[go.shape.string]", counters(100, 100), new int[] {ms2}, new long[] {100}));
        // WHEN
        Latency l = Snapshots.toLatency("Hold", plan, snapshots, null);
        // THEN
        assertThat(l.function()).isEqualTo("main.Hold[...]");
        assertThat(l.count()).isEqualTo(400);
        assertThat(l.counts()).isEqualTo(new CallCounts(401, 400, 0, 0, 0, 1, 0));
        assertThat(l.p50().toNanos()).isCloseTo(Buckets.representative(ms1), org.assertj.core.data.Offset.offset(2_000L));
        assertThat(l.max().toNanos()).isCloseTo(Buckets.representative(ms2), org.assertj.core.data.Offset.offset(4_000L));
        assertThat(l.instantiations()).containsExactly(
                new Instantiation("main.Hold[go.shape.int]", 0x4e2720, new CallCounts(301, 300, 0, 0, 0, 1, 0)),
                new Instantiation("main.Hold[go.shape.string]", 0x4e19c0, new CallCounts(100, 100, 0, 0, 0, 0, 0)));
    }

    @Test
    void should_leave_a_function_that_is_not_generic_without_instantiations() {
        FunctionPlan plan = new FunctionPlan("blockSleep", "main.blockSleep", List.of(plan("main.blockSleep", 0x401000)));
        Latency l = Snapshots.toLatency("blockSleep", plan, List.of(new ProbeSnapshot(0, "main.blockSleep",
                counters(5, 5), new int[] {Buckets.index(1_000)}, new long[] {5})), null);

        assertThat(l.count()).isEqualTo(5);
        assertThat(l.instantiations()).isEmpty();
    }

    @Test
    void should_refuse_snapshots_that_do_not_match_the_plan() {
        FunctionPlan plan = new FunctionPlan("Hold", "main.Hold[...]",
                List.of(plan("main.Hold[go.shape.int]", 0x10), plan("main.Hold[go.shape.string]", 0x20)));
        assertThatThrownBy(() -> Snapshots.toLatency("Hold", plan, List.of(), null))
                .hasMessage("Hold: 0 snapshots for 2 instantiations of main.Hold[...]");
    }

    private static ProbePlan plan(String function, long entry) {
        return new ProbePlan(function, "go1.22.12", entry, entry - 0x400000,
                new ProbePlan.EntrySite(entry - 0x400000 + 4, entry + 4, EntryKind.JCC), List.of(), List.of(entry - 0x400000 + 40),
                List.of());
    }

    /** {@code entries} calls began, {@code matched} returned, the rest are in flight. */
    private static Counters counters(long entries, long matched) {
        return new Counters(entries, matched, matched, 0, 0, 0, 0, entries - matched, 0);
    }
}
