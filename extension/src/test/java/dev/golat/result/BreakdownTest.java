// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.agent.BreakdownSnapshots;
import dev.golat.agent.Buckets;
import dev.golat.agent.Component;
import dev.golat.agent.Counters;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.plan.EntryKind;
import dev.golat.plan.FunctionPlan;
import dev.golat.plan.ProbePlan;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** A latency's breakdown: each component a latency of its own, and a clear error when none was asked for. */
class BreakdownTest {
    private static final long MS = 1_000_000;

    @Test
    void should_read_each_component_as_a_latency_of_its_own() {
        // GIVEN 200 calls of ~1.1 ms: 100 µs running, 1 ms asleep
        ProbeSnapshot s = BreakdownSnapshots.with(probe(0, "main.nap", 200, 1_100_000), 200, 0,
                Map.of(Component.RUNNING, 100_000L, Component.WAITING, MS, Component.WAIT_SLEEP, MS));
        // WHEN
        Latency l = Snapshots.toLatency("nap", "main.nap", s, null);
        // THEN
        assertThat(l.hasBreakdown()).isTrue();
        assertThat(l.running().count()).isEqualTo(200);
        assertThat(l.running().p99()).isLessThan(Duration.ofMillis(1));
        assertThat(l.running().p50().toNanos()).isCloseTo(100_000L, Offset.offset(500L));
        assertThat(l.waiting("sleep").p50().toNanos()).isCloseTo(MS, Offset.offset(4_000L));
        assertThat(l.waiting().p50()).isEqualTo(l.waiting("sleep").p50());
        assertThat(l.waiting("chan").max()).isZero();
        assertThat(l.stw().max()).isZero();
        assertThat(l.offCpu().max()).isZero();
        assertThat(l.runnable().max()).isZero();
        assertThat(l.running().name()).isEqualTo("nap running");
        assertThat(l.waiting("sleep").name()).isEqualTo("nap waiting sleep");
        assertThat(l.breakdown().calls()).isEqualTo(200);
        assertThat(l.breakdown().summary(50)).isEqualTo("breakdown p50 of 200 calls: running "
                + Units.duration(Buckets.representative(Buckets.index(100_000))) + ", waiting sleep "
                + Units.duration(Buckets.representative(Buckets.index(MS))));
    }

    @Test
    void should_say_to_add_breakdown_true_when_none_was_asked_for() {
        Latency l = Snapshots.toLatency("handleStmtExecute", "main.(*clientConn).handleStmtExecute",
                probe(0, "main.(*clientConn).handleStmtExecute", 10, 50_000), null);

        assertThat(l.hasBreakdown()).isFalse();
        assertThatThrownBy(l::running).isInstanceOf(IllegalStateException.class)
                .hasMessage("handleStmtExecute (main.(*clientConn).handleStmtExecute) was traced without its breakdown:"
                        + " trace it with @TraceLatency(value = \"handleStmtExecute\", breakdown = true) (or golat trace"
                        + " --breakdown) to read running(), waiting() and the other components");
    }

    @Test
    void should_refuse_an_unknown_wait_class_naming_the_valid_ones() {
        Latency l = Snapshots.toLatency("nap", "main.nap", BreakdownSnapshots.with(probe(0, "main.nap", 5, MS), 5, 0,
                Map.of()), null);

        assertThatThrownBy(() -> l.waiting("mutex")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'mutex' is not a wait class of nap's breakdown; the classes: chan, select, sync, sleep,"
                        + " net, gc, syscall, other");
    }

    @Test
    void should_read_the_current_breakdown_through_a_live_latency() {
        AtomicReference<Latency> now = new AtomicReference<>(Snapshots.toLatency("nap", "main.nap",
                BreakdownSnapshots.with(probe(0, "main.nap", 3, MS), 3, 0, Map.of(Component.RUNNING, 10_000L)), null));
        Latency live = Latency.live("nap", "main.nap", now::get);
        assertThat(live.running().count()).isEqualTo(3);

        now.set(Snapshots.toLatency("nap", "main.nap",
                BreakdownSnapshots.with(probe(0, "main.nap", 7, MS), 7, 1, Map.of(Component.RUNNING, 10_000L)), null));

        assertThat(live.running().count()).isEqualTo(7);
        assertThat(live.breakdown().lost()).isEqualTo(1);
    }

    @Test
    void should_keep_a_live_latencys_components_live_so_that_rounds_can_be_driven_on_them() {
        // GIVEN a live latency whose probe moves from 3 to 7 broken-down calls
        AtomicReference<Latency> now = new AtomicReference<>(Snapshots.toLatency("nap", "main.nap",
                BreakdownSnapshots.with(probe(0, "main.nap", 3, MS), 3, 0, Map.of(Component.RUNNING, 10_000L)), null));
        int[] resets = {0};
        Latency live = Latency.live("nap", "main.nap", now::get, () -> resets[0]++);
        // WHEN a component is taken before the calls
        Latency running = live.running();
        Latency sleeping = live.waiting("sleep");
        now.set(Snapshots.toLatency("nap", "main.nap",
                BreakdownSnapshots.with(probe(0, "main.nap", 7, MS), 7, 0, Map.of(Component.RUNNING, 10_000L)), null));
        // THEN it reads the current figures, is no snapshot, and resets the function's window
        assertThat(running.count()).isEqualTo(7);
        assertThat(running.snapshot()).isNotSameAs(running);
        assertThat(running.snapshot().count()).isEqualTo(7);
        assertThat(running.name()).isEqualTo("nap running").isEqualTo(running.snapshot().name());
        assertThat(sleeping.name()).isEqualTo("nap waiting sleep");
        assertThat(sleeping.count()).isEqualTo(7);
        running.reset();
        assertThat(resets[0]).isEqualTo(1);
        // and a wrong wait class, or a latency traced without breakdown, fails when the view is taken
        assertThatThrownBy(() -> live.waiting("mutex")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mutex' is not a wait class");
        Latency plain = Latency.live("h", "main.h", () -> Snapshots.toLatency("h", "main.h", probe(0, "main.h", 1, MS),
                null));
        assertThatThrownBy(plain::running).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was traced without its breakdown");
    }

    @Test
    void should_add_up_the_breakdowns_of_a_generic_functions_instantiations_and_of_nodes() {
        FunctionPlan plan = new FunctionPlan("Hold", "main.Hold[...]",
                List.of(plan("main.Hold[go.shape.int]", 0x4e2720), plan("main.Hold[go.shape.string]", 0x4e19c0)));
        List<ProbeSnapshot> snapshots = List.of(
                BreakdownSnapshots.with(probe(0, "main.Hold[go.shape.int]", 300, MS), 300, 0,
                        Map.of(Component.RUNNING, 20_000L)),
                BreakdownSnapshots.with(probe(1, "main.Hold[go.shape.string]", 100, MS), 100, 2,
                        Map.of(Component.RUNNING, 400_000L)));

        Latency generic = Snapshots.toLatency("Hold", plan, snapshots, null);
        assertThat(generic.running().count()).isEqualTo(400);
        assertThat(generic.running().p50().toNanos()).isCloseTo(20_000L, Offset.offset(200L));
        assertThat(generic.running().max().toNanos()).isCloseTo(400_000L, Offset.offset(2_000L));
        assertThat(generic.breakdown().lost()).isEqualTo(2);

        Map<String, Latency> nodes = new LinkedHashMap<>();
        nodes.put("node1", Snapshots.toLatency("nap", "main.nap", snapshots.get(0), null));
        nodes.put("node2", Snapshots.toLatency("nap", "main.nap", snapshots.get(1), null));
        Latency over = Latency.ofNodes("nap", nodes, null);
        assertThat(over.running().count()).isEqualTo(400);
        assertThat(over.node("node2").running().count()).isEqualTo(100);
    }

    @Test
    void should_list_the_slowest_calls_with_their_goroutines_and_parts() {
        // GIVEN two exemplars: 12.1 ms mostly on a channel, 3 ms mostly running
        ProbeSnapshot s = BreakdownSnapshots.with(probe(0, "main.serve", 50, MS), 50, 0, Map.of(), List.of(
                exemplar(12_100_000, 4711, Map.of(Component.RUNNING, 300_000L, Component.RUNNABLE, 600_000L,
                        Component.WAITING, 11_200_000L, Component.WAIT_CHAN, 11_200_000L)),
                exemplar(3_000_000, 12, Map.of(Component.RUNNING, 2_900_000L, Component.OFFCPU, 100_000L))));
        // WHEN
        Latency l = Snapshots.toLatency("serve", "main.serve", s, null);
        // THEN
        assertThat(l.exemplars()).extracting(Exemplar::goroutine).containsExactly(4711L, 12L);
        Exemplar slowest = l.exemplars().get(0);
        assertThat(slowest.duration()).isEqualTo(Duration.ofNanos(12_100_000));
        assertThat(slowest.waitingNanos()).containsEntry("chan", 11_200_000L).containsEntry("sleep", 0L);
        assertThat(slowest.waitingTotalNanos()).isEqualTo(11_200_000L);
        assertThat(l.breakdown().slowest(2)).containsExactly(
                "slowest call 12.1 ms: 300 µs running, 600 µs runnable, 11.2 ms waiting chan, goroutine 4711",
                "2nd slowest call 3 ms: 2.9 ms running, 100 µs offCpu, goroutine 12");
        assertThat(l.breakdown().slowest(1)).hasSize(1);
    }

    @Test
    void should_keep_the_slowest_of_all_instantiations_exemplars() {
        FunctionPlan plan = new FunctionPlan("Hold", "main.Hold[...]",
                List.of(plan("main.Hold[go.shape.int]", 0x4e2720), plan("main.Hold[go.shape.string]", 0x4e19c0)));
        List<dev.golat.agent.ExemplarSnapshot> a = new java.util.ArrayList<>();
        List<dev.golat.agent.ExemplarSnapshot> b = new java.util.ArrayList<>();
        for (int i = 8; i >= 1; i--) {
            a.add(exemplar(i * 2 * MS, 100 + i, Map.of(Component.RUNNING, i * 2 * MS)));
            b.add(exemplar((i * 2 + 1) * MS, 200 + i, Map.of(Component.RUNNING, (i * 2 + 1) * MS)));
        }
        Latency generic = Snapshots.toLatency("Hold", plan, List.of(
                BreakdownSnapshots.with(probe(0, "main.Hold[go.shape.int]", 8, MS), 8, 0, Map.of(), a),
                BreakdownSnapshots.with(probe(1, "main.Hold[go.shape.string]", 8, MS), 8, 0, Map.of(), b)), null);

        assertThat(generic.exemplars()).hasSize(Breakdown.EXEMPLARS).extracting(Exemplar::nanos)
                .containsExactly(17 * MS, 16 * MS, 15 * MS, 14 * MS, 13 * MS, 12 * MS, 11 * MS, 10 * MS);
    }

    @Test
    void should_say_to_add_breakdown_true_for_exemplars() {
        Latency l = Snapshots.toLatency("serve", "main.serve", probe(0, "main.serve", 10, 50_000), null);

        assertThatThrownBy(l::exemplars).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("breakdown = true");
    }

    private static dev.golat.agent.ExemplarSnapshot exemplar(long ns, long goid, Map<Component, Long> parts) {
        return BreakdownSnapshots.exemplar(ns, goid, parts);
    }

    private static ProbeSnapshot probe(int id, String function, long n, long nanos) {
        return new ProbeSnapshot(id, function, new Counters(n, n, n, 0, 0, 0, 0, 0, 0),
                new int[] {Buckets.index(nanos)}, new long[] {n});
    }

    private static ProbePlan plan(String function, long entry) {
        return new ProbePlan(function, "go1.22.12", entry, entry - 0x400000,
                new ProbePlan.EntrySite(entry - 0x400000 + 4, entry + 4, EntryKind.JCC), List.of(),
                List.of(entry - 0x400000 + 40), List.of());
    }
}
