// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.cluster;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.MiniJson;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latencies;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A service of three stmtserver nodes, each in its own container: {@code front} forwards every statement to {@code
 * shardA}, {@code shardB}, {@code shardB}, {@code shardA}, ... in turn ({@code -forward A,B,B}), so of the N statements
 * the test sends to the front, shardA runs N/3 and shardB 2N/3. One {@code @TraceLatency(services = ...)} traces
 * {@code handleStmtExecute} on all three: per-node counts must be exactly those, and each node's figures must lie
 * between two clocks: the node's own {@code time.Since} (STATS) inside golat's interval, and golat's inside the
 * caller's (the test's clock for the front; for a shard, the front's own clock, which holds each forwarded call).
 */
@GoTest
class StmtClusterIT {
    static final int FRONT = StmtClient.freePort();
    static final int SHARD_A = StmtClient.freePort();
    static final int SHARD_B = StmtClient.freePort();
    static final int STATEMENTS = 900;
    /** golat's log-linear buckets (64 sub-buckets per power of two) move a percentile by at most 1/64 either way. */
    static final double BUCKET = 0.03;

    // snippet:cluster
    @GoService
    static GoContainer front = stmtserver(FRONT, "-forward", "127.0.0.1:" + SHARD_A + ",127.0.0.1:" + SHARD_B + ",127.0.0.1:" + SHARD_B);

    @GoService
    static GoContainer shardA = stmtserver(SHARD_A);

    @GoService
    static GoContainer shardB = stmtserver(SHARD_B);

    @Test
    @TraceLatency(value = "handleStmtExecute", services = {"front", "shardA", "shardB"})
    void everyNodeIsMeasured(Latency latency) {
        try (StmtClient client = StmtClient.connect(FRONT)) {
            for (int i = 0; i < 900; i++) {
                client.exec("SELECT " + i + " + (1 * 2)");
            }
        }
        assertThat(latency).hasCount(1_800); // the calls of all three nodes
        assertThat(latency.node("front")).hasCount(900).p99().isLessThan(Duration.ofMillis(50));
        assertThat(latency.node("shardA")).hasCount(300); // the front sends one statement in three to shardA
        assertThat(latency.node("shardB")).hasCount(600); // and two in three to shardB
    }
    // end-snippet:cluster

    @Test
    @TraceLatency(value = "handleStmtExecute", services = {"front", "shardA", "shardB"})
    void each_node_agrees_with_its_own_clock_and_its_callers(Latency latency) {
        for (int port : new int[] {FRONT, SHARD_A, SHARD_B}) {
            try (StmtClient c = StmtClient.connect(port)) {
                c.resetStats(); // RESET is not a statement: handleStmtExecute does not run
            }
        }
        long[] callerNs = new long[STATEMENTS];
        try (StmtClient client = StmtClient.connect(FRONT)) {
            for (int i = 0; i < STATEMENTS; i++) {
                long t0 = System.nanoTime();
                client.exec("SELECT " + i + " + (1 * 2)");
                callerNs[i] = System.nanoTime() - t0;
            }
        }
        Latency all = latency.snapshot();
        String frontStats = stats(FRONT);
        String aStats = stats(SHARD_A);
        String bStats = stats(SHARD_B);
        Arrays.sort(callerNs);

        Latency f = all.node("front");
        Latency a = all.node("shardA");
        Latency b = all.node("shardB");
        assertThat(all.perNode().keySet()).containsExactly("front", "shardA", "shardB");
        assertThat(f.count()).isEqualTo(MiniJson.number(frontStats, "handleStmtExecute.count")).isEqualTo(STATEMENTS);
        assertThat(a.count()).isEqualTo(MiniJson.number(aStats, "handleStmtExecute.count")).isEqualTo(STATEMENTS / 3);
        assertThat(b.count()).isEqualTo(MiniJson.number(bStats, "handleStmtExecute.count")).isEqualTo(2 * STATEMENTS / 3);
        assertThat(all.count()).isEqualTo(2L * STATEMENTS);
        assertThat(all.counts().matched()).isEqualTo(2L * STATEMENTS);
        assertThat(all.counts().entries()).isEqualTo(2L * STATEMENTS);
        for (Latency node : List.of(f, a, b)) {
            assertThat(node.counts().unmatchedReturns()).as("unmatched returns on %s", node).isZero();
            assertThat(node.counts().didNotReturn()).as("calls that did not return on %s", node).isZero();
        }
        // The merged histogram is the three nodes' together.
        assertThat(all.histogram().getTotalCount())
                .isEqualTo(f.histogram().getTotalCount() + a.histogram().getTotalCount() + b.histogram().getTotalCount());
        assertThat(all.max()).isEqualTo(f.max()); // the front's calls hold the shards'

        System.out.printf("cluster x%d: front golat p50 %s (own %d ns, caller %d ns), shardA p50 %s (own %d ns), "
                        + "shardB p50 %s (own %d ns)%n", STATEMENTS, f.p50(), MiniJson.number(frontStats, "handleStmtExecute.p50"),
                quantile(callerNs, 50), a.p50(), MiniJson.number(aStats, "handleStmtExecute.p50"), b.p50(),
                MiniJson.number(bStats, "handleStmtExecute.p50"));
        // Call by call, the node's own interval lies inside golat's, so every percentile is at least the node's own.
        for (String p : new String[] {"p50", "p90", "p99"}) {
            double q = Double.parseDouble(p.substring(1));
            assertAtLeast("front", p, f.percentile(q).toNanos(), MiniJson.number(frontStats, "handleStmtExecute." + p));
            assertAtLeast("shardA", p, a.percentile(q).toNanos(), MiniJson.number(aStats, "handleStmtExecute." + p));
            assertAtLeast("shardB", p, b.percentile(q).toNanos(), MiniJson.number(bStats, "handleStmtExecute." + p));
            // The front's golat interval lies inside the test's call, call by call.
            assertThat((double) f.percentile(q).toNanos()).as("front %s vs the test's clock", p)
                    .isLessThanOrEqualTo(quantile(callerNs, q) * (1 + BUCKET));
        }
        // Every shard call lies inside one front call (its own clock), so no shard call is longer than the longest.
        long frontOwnMax = MiniJson.number(frontStats, "handleStmtExecute.max");
        assertThat((double) a.max().toNanos()).as("shardA max vs the front's own max").isLessThanOrEqualTo(frontOwnMax * (1 + BUCKET));
        assertThat((double) b.max().toNanos()).as("shardB max vs the front's own max").isLessThanOrEqualTo(frontOwnMax * (1 + BUCKET));
    }

    @Test
    @TraceLatency(value = "main.(*clientConn).*", services = {"front", "shardA", "shardB"})
    void a_glob_over_nodes_gives_each_function_with_its_own_split_per_node(Latencies latencies) {
        int sent = 300;
        try (StmtClient client = StmtClient.connect(FRONT)) {
            for (int i = 0; i < sent; i++) {
                client.exec("SELECT " + i);
            }
        }
        Latency exec = latencies.get("main.(*clientConn).handleStmtExecute").snapshot();
        Latency forward = latencies.get("main.(*clientConn).forwardStmt").snapshot();
        Latency dispatch = latencies.get("main.(*clientConn).dispatch").snapshot();

        assertThat(exec.perNode().keySet()).containsExactly("front", "shardA", "shardB");
        assertThat(exec.node("front").count()).isEqualTo(sent);
        assertThat(exec.node("shardA").count()).isEqualTo(sent / 3);
        assertThat(exec.node("shardB").count()).isEqualTo(2 * sent / 3);
        assertThat(exec.count()).isEqualTo(2L * sent);
        // Only the front forwards: the shards run the same binary, so they have the function, never called.
        assertThat(forward.perNode().keySet()).containsExactly("front", "shardA", "shardB");
        assertThat(forward.node("front").count()).isEqualTo(sent);
        assertThat(forward.node("shardA").count()).isZero();
        assertThat(forward.node("shardB").count()).isZero();
        // A shard's connection from the front carries only the forwarded statements.
        assertThat(dispatch.node("shardA").count()).isEqualTo(sent / 3);
        assertThat(dispatch.node("shardB").count()).isEqualTo(2 * sent / 3);
        // On the front, forwardStmt runs inside handleStmtExecute, call by call.
        assertThat(exec.node("front").p50()).isGreaterThanOrEqualTo(forward.node("front").p50());
        for (Latency l : List.of(exec, forward)) {
            assertThat(l.counts().unmatchedReturns()).as("unmatched returns of %s", l.name()).isZero();
        }
    }

    @AfterAll
    static void theReportShowsTheNodesSideBySide() throws Exception {
        String page = Files.readString(Path.of("target", "golat", "StmtClusterIT.html"));
        assertThat(page).contains("<table class=\"nodes\">", "<th>front</th><th>shardA</th><th>shardB</th><th>all</th>");
        assertThat(Path.of("target", "golat", "StmtClusterIT", "everyNodeIsMeasured-handleStmtExecute@shardB.hgrm")).exists();
    }

    static void assertAtLeast(String node, String p, long golatNs, long ownNs) {
        assertThat((double) golatNs).as("%s %s: golat %d ns vs the node's own clock %d ns", node, p, golatNs, ownNs)
                .isGreaterThanOrEqualTo(ownNs * (1 - BUCKET));
    }

    static long quantile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    static String stats(int port) {
        try (StmtClient c = StmtClient.connect(port)) {
            return c.stats();
        }
    }

    static GoContainer stmtserver(int port, String... more) {
        String[] args = new String[2 + more.length];
        args[0] = "-addr";
        args[1] = "127.0.0.1:" + port;
        System.arraycopy(more, 0, args, 2, more.length);
        return GoContainer.fromBinary(GoTestBinaries.program("stmtserver")).withArgs(args)
                .withHostNetwork().waitingForLogLine(".*listening on.*");
    }
}
