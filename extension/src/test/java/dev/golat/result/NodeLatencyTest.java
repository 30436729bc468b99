// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A function traced on several nodes: one latency over all their calls, each node's kept. */
class NodeLatencyTest {

    static Latency threeNodes() {
        Map<String, Latency> nodes = new LinkedHashMap<>();
        nodes.put("front", Latency.of("h", "main.h", TestLatencies.histogram(900, 100_000), TestLatencies.clean(900), null));
        nodes.put("shardA", Latency.of("h", "main.h", TestLatencies.histogram(300, 40_000), TestLatencies.clean(300), null));
        nodes.put("shardB", Latency.of("h", "main.h", TestLatencies.histogram(599, 40_000, 1, 2_000_000),
                new CallCounts(601, 600, 1, 0, 0, 0, 0), null));
        return Latency.ofNodes("h", nodes, null);
    }

    @Test
    void should_hold_every_nodes_calls_and_keep_each_node_in_order() {
        // WHEN three nodes' latencies are measured as one
        Latency all = threeNodes();

        // THEN the histogram and the counters add up, and each node is kept by name, in the order given
        assertThat(all.count()).isEqualTo(1_800);
        assertThat(all.counts()).isEqualTo(new CallCounts(1_801, 1_800, 1, 0, 0, 0, 0));
        assertThat(all.perNode().keySet()).containsExactly("front", "shardA", "shardB");
        assertThat(all.node("shardA").count()).isEqualTo(300);
        assertThat(all.node("shardB").counts().didNotReturn()).isEqualTo(1);
        assertThat(all.function()).isEqualTo("main.h");
        // 899 of the 1,800 calls take 40 µs, so the 900th (the nearest-rank median) is one of the front's 100 µs
        assertThat(all.p50().toNanos()).isBetween(100_000L, 100_100L);
        assertThat(all.max().toNanos()).isBetween(2_000_000L, 2_002_000L);
        assertThat(all.node("front").p50()).isBetween(Duration.ofNanos(100_000), Duration.ofNanos(100_100));
    }

    @Test
    void should_name_the_nodes_when_asked_for_one_it_does_not_have() {
        assertThatIllegalArgumentException().isThrownBy(() -> threeNodes().node("shardC"))
                .withMessage("'shardC' is not a node of h; its nodes: front, shardA, shardB");
        assertThatIllegalArgumentException().isThrownBy(() -> TestLatencies.stmtExecute().node("front"))
                .withMessage("handleStmtExecute is traced on one service, not per node: trace it with "
                        + "@TraceLatency(value = \"handleStmtExecute\", services = {...}) to get each node's latency");
        assertThat(TestLatencies.stmtExecute().perNode()).isEmpty();
    }

    @Test
    void should_refuse_no_nodes() {
        assertThatIllegalArgumentException().isThrownBy(() -> Latency.ofNodes("h", Map.of(), null))
                .withMessage("h: a latency over nodes needs at least one node");
    }
}
