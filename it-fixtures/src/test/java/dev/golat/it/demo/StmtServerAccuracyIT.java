// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.demo;

import dev.golat.it.StmtServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.MiniJson;
import dev.golat.it.agent.AgentWorkloadIT;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latencies;
import dev.golat.result.Latency;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * What the extension reports agrees with stmtserver's own clock ({@code time.Since} inside the server),
 * and counts match exactly: the whole path (plan, container, agent, snapshot, conversion) is checked
 * against an independent measurement.
 */
@GoTest
class StmtServerAccuracyIT {
    static final int PORT = StmtClient.freePort();
    static final int REQUESTS = 3_000;

    @GoService
    static GoContainer server = StmtServer.container(PORT);

    @Test
    @TraceLatency({"handleStmtExecute", "getTSO"})
    void agrees_with_the_servers_own_clock(Latencies latencies) {
        String stats;
        long[] callerNs = new long[REQUESTS];
        try (StmtClient client = StmtClient.connect(PORT)) {
            client.resetStats();
            for (int i = 0; i < REQUESTS; i++) {
                // 9 in 10 go through getTSO; SET skips it.
                String sql = i % 10 == 9 ? "SET @v = " + i : "SELECT (" + i + " + 1) * 2";
                long start = System.nanoTime();
                client.exec(sql);
                callerNs[i] = System.nanoTime() - start;
            }
            stats = client.stats();
        }
        Arrays.sort(callerNs);
        Latency handle = latencies.get("handleStmtExecute").snapshot();
        Latency tso = latencies.get("getTSO").snapshot();

        assertThat(handle.count()).isEqualTo(MiniJson.number(stats, "handleStmtExecute.count")).isEqualTo(REQUESTS);
        assertThat(tso.count()).isEqualTo(MiniJson.number(stats, "getTSO.count")).isEqualTo(REQUESTS - REQUESTS / 10);
        assertThat(handle.counts().unmatchedReturns()).isZero();
        // Each call's interval lies between the server's time.Since inside handleStmtExecute and the test's clock
        // around exec, so each percentile does too (a percentile of values that are each larger is larger). At
        // the median, where calls are dense, it also agrees with the server's own clock within the issue's
        // tolerance; at the tail the traps' cost under load moves it more than 2% (one CI run at p99).
        for (String p : new String[] {"p50", "p90", "p99"}) {
            double percentile = Double.parseDouble(p.substring(1));
            long own = MiniJson.number(stats, "handleStmtExecute." + p);
            long caller = callerNs[Math.min(REQUESTS - 1, (int) Math.ceil(percentile / 100 * REQUESTS) - 1)];
            AgentWorkloadIT.assertBetweenClocks("handleStmtExecute " + p, handle.percentile(percentile).toNanos(),
                    own, caller);
        }
        assertAgrees("handleStmtExecute", "p50", handle.p50().toNanos(), MiniJson.number(stats, "handleStmtExecute.p50"));
        // getTSO's own clocks: inside it (getTSOInner) and its caller's around it (getTSO), which holds the traps of
        // both probes (15-16 us here under load): golat's interval lies between the two.
        AgentWorkloadIT.assertBetweenClocks("getTSO p50", tso.p50().toNanos(), MiniJson.number(stats, "getTSOInner.p50"),
                MiniJson.number(stats, "getTSO.p50"));
    }

    /** Within 2% or 15 µs, whichever is larger (the tolerance the agent issue set). */
    static void assertAgrees(String function, String percentile, long golatNs, long ownNs) {
        long tolerance = Math.max(15_000, Math.round(ownNs * 0.02));
        assertThat(golatNs)
                .as("%s %s: golat %d ns vs the server's own clock %d ns (tolerance %d ns)", function, percentile,
                        golatNs, ownNs, tolerance)
                .isBetween(ownNs - tolerance, ownNs + tolerance);
    }
}
