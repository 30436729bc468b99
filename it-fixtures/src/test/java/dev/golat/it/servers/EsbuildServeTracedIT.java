// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.servers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.testcontainers.images.builder.Transferable;

/**
 * esbuild's development server (npm {@code @esbuild/linux-x64} 0.28.2: Go 1.26, static, stripped, no build info)
 * started with {@code fromBinary} in {@code --serve} mode and traced live at its HTTP handler,
 * {@code api.(*apiHandler).ServeHTTP}. The oracles: the number of requests the test drove, esbuild's own access
 * log (one line per request, {@code 127.0.0.1:PORT - "GET /app.js" 200 [0ms]}), and the caller's clock, which
 * holds every call golat measures.
 */
@GoTest
class EsbuildServeTracedIT {
    static final int PORT = StmtClient.freePort();
    static final int REQUESTS = 400;
    static final String HANDLER = "api.(*apiHandler).ServeHTTP";
    private static final Pattern ACCESS = Pattern.compile("\"GET /app\\.js\" 200 \\[(\\d+)ms]");

    @GoService
    static GoContainer esbuild = GoContainer.fromBinary(GoTestBinaries.cached("esbuild"))
            .withArgs("--serve=127.0.0.1:" + PORT, "--servedir=/www", "--log-level=info")
            .withCopyToContainer(Transferable.of("<script src=\"app.js\"></script>\n"), "/www/index.html")
            .withCopyToContainer(Transferable.of("export const answer = 42;\n".repeat(200)), "/www/app.js")
            // esbuild --serve stops when its stdin closes: keep one open (never written to).
            .withCreateContainerCmdModifier(cmd -> cmd.withStdinOpen(true))
            .withHostNetwork()
            .waitingForPort(PORT);

    @Test
    @TraceLatency(HANDLER)
    void counts_every_request_and_stays_inside_the_callers_clock(Latency serveHttp) throws Exception {
        HttpDriver.Calls calls = new HttpDriver().get("http://127.0.0.1:" + PORT + "/app.js", REQUESTS);
        Latency golat = serveHttp.snapshot();
        long logged = awaitAccessLines(REQUESTS);

        assertThat(golat.count()).as("calls of %s", HANDLER).isEqualTo(REQUESTS);
        assertThat(logged).as("esbuild's own access log lines").isEqualTo(REQUESTS);
        assertThat(golat.counts().unmatchedReturns()).isZero();
        assertThat(golat.counts().didNotReturn()).isZero();

        double golatNs = golat.histogram().getMean() * golat.count();
        System.out.printf("esbuild /app.js x%d: golat sum %.0f us p50 %s p99 %s max %s; caller sum %.0f us p50 %d ns "
                        + "p99 %d ns%n", REQUESTS, golatNs / 1e3, golat.p50(), golat.p99(), golat.max(), calls.sumNs() / 1e3,
                calls.quantileNs(0.5), calls.quantileNs(0.99));
        // Call by call golat ≤ caller, so the sums and every order statistic are too (3%: golat's bucket resolution).
        assertThat(golatNs).isLessThanOrEqualTo(calls.sumNs() * 1.03);
        for (double q : new double[] {0.5, 0.9, 0.99, 1.0}) {
            assertThat((double) golat.percentile(q * 100).toNanos()).as("golat q%.2f vs the caller's", q)
                    .isLessThanOrEqualTo(calls.quantileNs(q) * 1.03);
        }
        // esbuild's own clock has 1 ms steps: a call it logged as N ms took at least N ms (truncated), in golat too.
        assertThat(golat.max().toNanos()).as("golat's max vs esbuild's longest logged request")
                .isGreaterThanOrEqualTo(Math.round(maxLoggedMs() * 1e6 * 0.97));
    }

    private static long awaitAccessLines(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long n;
        do {
            n = ACCESS.matcher(esbuild.getLogs()).results().count();
            if (n >= expected) {
                return n;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return n;
    }

    private static long maxLoggedMs() {
        Matcher m = ACCESS.matcher(esbuild.getLogs());
        long max = 0;
        while (m.find()) {
            max = Math.max(max, Long.parseLong(m.group(1)));
        }
        return max;
    }
}
