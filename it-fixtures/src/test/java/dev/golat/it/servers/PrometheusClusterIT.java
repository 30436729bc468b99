// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.servers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.Prometheus;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import org.junit.jupiter.api.Test;

/**
 * A real multi-process setup of a real binary: three Debian prometheus servers, each in its own container. The front
 * has both leaves as {@code remote_read} endpoints ({@code read_recent: true}), so each PromQL query it answers reads
 * from both leaves over HTTP ({@code /api/v1/read}) while the query runs. {@code promhttp.InstrumentHandlerDuration}'s
 * closure (func2), which times every API handler of prometheus with its own clock, is traced on all three nodes at
 * once. The test sends N queries to the front and M straight to leafB: the front then serves N calls, leafA N reads,
 * leafB N reads and M queries, exactly, and each node's own {@code prometheus_http_requests_total} says the same.
 * Clocks, in sums over each node's calls: the node's own {@code _sum} lies inside golat's (its closure holds the
 * timed handler), and golat's inside the caller's (the test's for the front and for leafB's direct queries; the
 * front's own clock for the reads, each of which runs inside one front query).
 */
@GoTest
class PrometheusClusterIT {
    static final int FRONT_PORT = StmtClient.freePort();
    static final int LEAF_A_PORT = StmtClient.freePort();
    static final int LEAF_B_PORT = StmtClient.freePort();
    static final int QUERIES = 150;
    static final int DIRECT = 60;
    static final String INSTRUMENTED = "promhttp.InstrumentHandlerDuration.func2";
    /** golat's log-linear buckets (64 sub-buckets per power of two): at most 1/64 either way. */
    static final double BUCKET = 0.03;

    @GoService
    static GoContainer front = Prometheus.container(FRONT_PORT, Prometheus.CONFIG + "remote_read:\n"
            + "  - url: http://127.0.0.1:" + LEAF_A_PORT + "/api/v1/read\n    read_recent: true\n"
            + "  - url: http://127.0.0.1:" + LEAF_B_PORT + "/api/v1/read\n    read_recent: true\n");

    @GoService
    static GoContainer leafA = Prometheus.container(LEAF_A_PORT);

    @GoService
    static GoContainer leafB = Prometheus.container(LEAF_B_PORT);

    @Test
    @TraceLatency(value = INSTRUMENTED, services = {"front", "leafA", "leafB"})
    void every_node_counts_exactly_and_lies_between_its_own_clock_and_its_callers(Latency latency) throws Exception {
        HttpDriver http = new HttpDriver();
        HttpDriver.Calls viaFront = http.get("http://127.0.0.1:" + FRONT_PORT + "/api/v1/query?query=up", QUERIES);
        HttpDriver.Calls direct = http.get("http://127.0.0.1:" + LEAF_B_PORT + "/api/v1/query?query=up", DIRECT);
        Latency all = latency.snapshot();
        // Read after the snapshot: these requests are the only ones outside the driven counts.
        PrometheusMetrics frontOwn = metrics(http, FRONT_PORT);
        PrometheusMetrics aOwn = metrics(http, LEAF_A_PORT);
        PrometheusMetrics bOwn = metrics(http, LEAF_B_PORT);

        Latency f = all.node("front");
        Latency a = all.node("leafA");
        Latency b = all.node("leafB");
        assertThat(frontOwn.requestsTotal("/api/v1/query", 200)).as("front: its own count of queries").isEqualTo(QUERIES);
        assertThat(aOwn.requestsTotal("/api/v1/read", 200)).as("leafA: its own count of remote reads").isEqualTo(QUERIES);
        assertThat(bOwn.requestsTotal("/api/v1/read", 200)).as("leafB: its own count of remote reads").isEqualTo(QUERIES);
        assertThat(bOwn.requestsTotal("/api/v1/query", 200)).as("leafB: its own count of queries").isEqualTo(DIRECT);
        assertThat(f.count()).as("front").isEqualTo(QUERIES);
        assertThat(a.count()).as("leafA").isEqualTo(QUERIES);
        assertThat(b.count()).as("leafB").isEqualTo(QUERIES + DIRECT);
        assertThat(all.count()).isEqualTo(3L * QUERIES + DIRECT);
        for (Latency node : all.perNode().values()) {
            assertThat(node.counts().unmatchedReturns()).isZero();
            assertThat(node.counts().didNotReturn()).isZero();
        }

        double frontOwnNs = ownSumNs(frontOwn, "/api/v1/query");
        double aOwnNs = ownSumNs(aOwn, "/api/v1/read");
        double bOwnNs = ownSumNs(bOwn, "/api/v1/read") + ownSumNs(bOwn, "/api/v1/query");
        System.out.printf("prometheus cluster: front %d queries: own sum %.0f us, golat %.0f us, caller %.0f us; "
                        + "leafA %d reads: own %.0f us, golat %.0f us; leafB %d calls: own %.0f us, golat %.0f us%n",
                QUERIES, frontOwnNs / 1e3, sumNs(f) / 1e3, viaFront.sumNs() / 1e3, QUERIES, aOwnNs / 1e3, sumNs(a) / 1e3,
                QUERIES + DIRECT, bOwnNs / 1e3, sumNs(b) / 1e3);
        assertThat(sumNs(f)).as("front: golat vs its own _sum").isGreaterThanOrEqualTo(frontOwnNs * (1 - BUCKET));
        assertThat(sumNs(a)).as("leafA: golat vs its own _sum").isGreaterThanOrEqualTo(aOwnNs * (1 - BUCKET));
        assertThat(sumNs(b)).as("leafB: golat vs its own _sum").isGreaterThanOrEqualTo(bOwnNs * (1 - BUCKET));
        assertThat(sumNs(f)).as("front: golat vs the test's clock").isLessThanOrEqualTo(viaFront.sumNs() * (1 + BUCKET));
        assertThat(sumNs(a)).as("leafA: golat vs the front's own clock").isLessThanOrEqualTo(frontOwnNs * (1 + BUCKET));
        assertThat(sumNs(b)).as("leafB: golat vs the front's own clock and the test's")
                .isLessThanOrEqualTo((frontOwnNs + direct.sumNs()) * (1 + BUCKET));
    }

    static PrometheusMetrics metrics(HttpDriver http, int port) throws Exception {
        return new PrometheusMetrics(http.text("http://127.0.0.1:" + port + "/metrics"));
    }

    static double ownSumNs(PrometheusMetrics m, String handler) {
        return m.durationSumSeconds(handler) * 1e9;
    }

    static double sumNs(Latency l) {
        return l.histogram().getMean() * l.count();
    }
}
