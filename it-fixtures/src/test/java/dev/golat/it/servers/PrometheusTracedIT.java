// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.servers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.Prometheus;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latencies;
import dev.golat.result.Latency;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Debian's prometheus (bookworm's 2.42 package: Go 1.19, stripped, dynamically linked against glibc), started with
 * {@code fromBinary} and traced live. Prometheus times its own HTTP handlers: {@code
 * promhttp.InstrumentHandlerDuration}'s closure (func2, the one for histograms without a {@code code} label) takes
 * {@code time.Now()}, calls the handler and observes {@code time.Since} into {@code
 * prometheus_http_request_duration_seconds{handler=...}}. So every call golat measures at that closure holds the
 * server's own interval, and lies inside the caller's: server ≤ golat ≤ caller, call by call, and in the sums.
 * Counts are exact: the requests the test drove, prometheus' {@code _count} and {@code requests_total}.
 */
@GoTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusTracedIT {
    static final int PORT = StmtClient.freePort();
    static final int REQUESTS = 300;
    static final String HANDLER = "/version";
    static final String INSTRUMENTED = "promhttp.InstrumentHandlerDuration.func2";
    static final String VERSION = "web.(*Handler).version";

    @GoService
    static GoContainer prometheus = Prometheus.container(PORT);

    static final String HANDLER_METHODS = "*/web.(*Handler).*";

    @Test
    @Order(2) // after the test that compares prometheus' own counters with the requests it drove
    @TraceLatency(HANDLER_METHODS)
    void a_glob_over_every_method_of_the_web_handler_counts_each_one(Latencies latencies) throws Exception {
        HttpDriver.Calls calls = new HttpDriver().get("http://127.0.0.1:" + PORT + HANDLER, REQUESTS);

        assertThat(calls.count()).isEqualTo(REQUESTS);
        assertThat(latencies.all()).as("methods of web.(*Handler) traced").hasSizeGreaterThan(20)
                .allSatisfy(l -> assertThat(l.name()).startsWith("github.com/prometheus/prometheus/web.(*Handler)."));
        Latency version = latencies.get("github.com/prometheus/prometheus/web.(*Handler).version");
        assertThat(version.count()).as("calls of web.(*Handler).version").isEqualTo(REQUESTS);
        assertThat(version.counts().unmatchedReturns()).isZero();
    }

    @Test
    @Order(1)
    @TraceLatency({INSTRUMENTED, VERSION})
    void agrees_with_prometheus_own_handler_histogram_and_the_callers_clock(Latencies latencies) throws Exception {
        HttpDriver http = new HttpDriver();
        HttpDriver.Calls calls = http.get("http://127.0.0.1:" + PORT + HANDLER, REQUESTS);
        Latency instrumented = latencies.get(INSTRUMENTED).snapshot();
        Latency version = latencies.get(VERSION).snapshot();
        // Read after the snapshot: this request is the only one outside the driven count.
        PrometheusMetrics own = new PrometheusMetrics(http.text("http://127.0.0.1:" + PORT + "/metrics"));

        assertThat(calls.count()).isEqualTo(REQUESTS);
        assertThat(own.durationCount(HANDLER)).as("prometheus' own _count for %s", HANDLER).isEqualTo(REQUESTS);
        assertThat(own.requestsTotal(HANDLER, 200)).as("prometheus_http_requests_total").isEqualTo(REQUESTS);
        assertThat(instrumented.count()).as("calls of %s", INSTRUMENTED).isEqualTo(REQUESTS);
        assertThat(version.count()).as("calls of %s", VERSION).isEqualTo(REQUESTS);
        assertThat(instrumented.counts().unmatchedReturns()).isZero();
        assertThat(instrumented.counts().didNotReturn()).isZero();

        // Sums: the server's clock runs inside golat's interval, which runs inside the caller's. The 3% margin is
        // the resolution of golat's log-linear buckets (64 sub-buckets per power of two: at most 1/64 either way).
        double serverNs = own.durationSumSeconds(HANDLER) * 1e9;
        double golatNs = instrumented.histogram().getMean() * instrumented.count();
        double callerNs = calls.sumNs();
        System.out.printf("prometheus %s x%d: server sum %.0f us, golat sum %.0f us, caller sum %.0f us; "
                        + "golat p50 %s p99 %s, caller p50 %d ns p99 %d ns%n", HANDLER, REQUESTS, serverNs / 1e3,
                golatNs / 1e3, callerNs / 1e3, instrumented.p50(), instrumented.p99(), calls.quantileNs(0.5),
                calls.quantileNs(0.99));
        assertThat(golatNs).as("golat's sum vs prometheus' own _sum (%.0f ns)", serverNs).isGreaterThanOrEqualTo(serverNs * 0.97);
        assertThat(golatNs).as("golat's sum vs the caller's sum (%.0f ns)", callerNs).isLessThanOrEqualTo(callerNs * 1.03);
        // The handler runs inside the instrumented closure.
        assertThat(version.histogram().getMean()).isLessThanOrEqualTo(instrumented.histogram().getMean() * 1.03);
        // Quantiles: call by call golat ≤ caller, so every order statistic is too.
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            assertThat((double) instrumented.percentile(q * 100).toNanos()).as("golat q%.2f vs the caller's", q)
                    .isLessThanOrEqualTo(calls.quantileNs(q) * 1.03);
        }

        // Buckets: prometheus' cumulative count at each bound vs golat's. golat's intervals are the longer ones, so
        // golat may have fewer below a bound; only calls within 3% of it (bucket resolution) may differ either way.
        Histogram h = instrumented.histogram();
        for (Map.Entry<Double, Long> b : own.durationBuckets(HANDLER).entrySet()) {
            long boundNs = Math.round(b.getKey() * 1e9);
            long golatBelow = h.getCountBetweenValues(0, boundNs);
            long nearBound = h.getCountBetweenValues(Math.round(boundNs * 0.97), Math.round(boundNs * 1.03));
            assertThat(Math.abs(golatBelow - b.getValue())).as("calls <= %s s: golat %d, prometheus %d", b.getKey(),
                    golatBelow, b.getValue()).isLessThanOrEqualTo(nearBound);
        }
        assertThat(own.durationBuckets(HANDLER)).as("prometheus exposes buckets for %s", HANDLER).isNotEmpty();
    }
}
