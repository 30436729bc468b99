// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.servers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.Prometheus;
import dev.golat.it.StmtClient;
import dev.golat.it.soak.SoakSize;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.images.builder.Transferable;

/**
 * The soak on the real servers the other tests trace (Debian's prometheus, npm's esbuild), each with its own count of
 * the probed calls: {@link SoakSize#serverCalls()} per server (≥ 1 M with {@code -Pgolat-soak}, a few thousand in CI),
 * every one matched, none unmatched, lost or unreadable.
 * <ul>
 *   <li>prometheus' {@code /metrics} in the text format writes each sample line with one call of
 *       {@code expfmt.writeSample}: the lines of the bodies the test read are the oracle (the config has no scrape
 *       job, so nothing else asks for the text format);</li>
 *   <li>esbuild's {@code --serve} handler, {@code api.(*apiHandler).ServeHTTP}, once per request: the requests four
 *       pipelining connections drove and saw answered 200 are the oracle.</li>
 * </ul>
 */
@GoTest
class ServersSoakIT {
    private static final SoakSize SIZE = SoakSize.fromProperty();
    static final int PROMETHEUS_PORT = StmtClient.freePort();
    static final int ESBUILD_PORT = StmtClient.freePort();
    static final String WRITE_SAMPLE = "github.com/prometheus/common/expfmt.writeSample";
    static final String SERVE_HTTP = "api.(*apiHandler).ServeHTTP";
    static final int CLIENTS = 4;

    @GoService
    static GoContainer prometheus = Prometheus.container(PROMETHEUS_PORT);

    @GoService
    static GoContainer esbuild = GoContainer.fromBinary(GoTestBinaries.cached("esbuild"))
            .withArgs("--serve=127.0.0.1:" + ESBUILD_PORT, "--servedir=/www", "--log-level=warning")
            .withCopyToContainer(Transferable.of("export const answer = 42;\n"), "/www/app.js")
            // esbuild --serve stops when its stdin closes: keep one open (never written to).
            .withCreateContainerCmdModifier(cmd -> cmd.withStdinOpen(true))
            .withHostNetwork()
            .waitingForPort(ESBUILD_PORT);

    @Test
    @TraceLatency(value = WRITE_SAMPLE, service = "prometheus")
    void prometheus_writes_every_sample_line_with_one_measured_call(Latency writeSample) throws Exception {
        HttpDriver http = new HttpDriver();
        long lines = 0;
        int scrapes = 0;
        long start = System.nanoTime();
        while (lines < SIZE.serverCalls()) {
            lines += http.text("http://127.0.0.1:" + PROMETHEUS_PORT + "/metrics").lines()
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
            scrapes++;
        }
        Latency golat = writeSample.snapshot();
        System.out.printf("soak prometheus (%s): %,d scrapes, %,d sample lines, %,d calls of %s in %.1f s: %s%n",
                SIZE.name(), scrapes, lines, golat.count(), WRITE_SAMPLE, (System.nanoTime() - start) / 1e9,
                golat.counts());

        assertThat(golat.count()).as("calls of %s vs sample lines served: %s", WRITE_SAMPLE, golat.counts())
                .isEqualTo(lines);
        assertThat(golat.counts().unmatchedReturns() + golat.counts().didNotReturn()
                + golat.counts().inflight() + golat.counts().readErrors()).as("%s", golat.counts()).isZero();
        assertThat(golat.counts().entries()).as("%s", golat.counts()).isEqualTo(lines);
    }

    @Test
    @TraceLatency(value = SERVE_HTTP, service = "esbuild")
    void esbuild_serves_every_request_with_one_measured_call(Latency serveHttp) throws Exception {
        int perClient = (SIZE.serverCalls() + CLIENTS - 1) / CLIENTS;
        long start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Long>> runs = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                runs.add(clients.submit(() -> pipelined(ESBUILD_PORT, "/app.js", perClient)));
            }
            long requests = 0;
            for (Future<Long> r : runs) {
                requests += r.get(SIZE.timeoutMinutes(), TimeUnit.MINUTES);
            }
            Latency golat = serveHttp.snapshot();
            System.out.printf("soak esbuild (%s): %,d requests answered 200 on %d connections, %,d calls of %s in"
                    + " %.1f s: %s%n", SIZE.name(), requests, CLIENTS, golat.count(), SERVE_HTTP,
                    (System.nanoTime() - start) / 1e9, golat.counts());

            assertThat(requests).isEqualTo((long) perClient * CLIENTS);
            assertThat(golat.count()).as("calls of %s vs requests answered: %s", SERVE_HTTP, golat.counts())
                    .isEqualTo(requests);
            assertThat(golat.counts().unmatchedReturns() + golat.counts().didNotReturn()
                    + golat.counts().inflight() + golat.counts().readErrors()).as("%s", golat.counts()).isZero();
            assertThat(golat.counts().entries()).as("%s", golat.counts()).isEqualTo(requests);
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * {@code n} GETs of {@code path} on one keep-alive connection, written {@value #BATCH} at a time before their
     * answers are read (HTTP/1.1 pipelining: Go's server answers them in order), so the client costs little next to
     * the server; returns how many were answered 200 (each must be, with a Content-Length).
     */
    private static long pipelined(int port, String path, int n) throws Exception {
        byte[] one = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long ok = 0;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            for (int sent = 0; sent < n; ) {
                int batch = Math.min(BATCH, n - sent);
                out.write(repeat(one, batch));
                out.flush();
                for (int i = 0; i < batch; i++) {
                    String status = line(in);
                    long length = -1;
                    for (String h = line(in); !h.isEmpty(); h = line(in)) {
                        if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                            length = Long.parseLong(h.substring(15).strip());
                        }
                    }
                    if (!status.startsWith("HTTP/1.1 200") || length < 0) {
                        throw new IllegalStateException("GET " + path + " request " + (sent + i + 1) + ": " + status
                                + (length < 0 ? " (no Content-Length)" : ""));
                    }
                    in.skipNBytes(length);
                    ok++;
                }
                sent += batch;
            }
        }
        return ok;
    }

    private static final int BATCH = 64;

    private static byte[] repeat(byte[] b, int times) {
        byte[] r = new byte[b.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(b, 0, r, i * b.length, b.length);
        }
        return r;
    }

    /** One header line, without its CRLF. */
    private static String line(DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed mid-answer after: " + sb);
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
