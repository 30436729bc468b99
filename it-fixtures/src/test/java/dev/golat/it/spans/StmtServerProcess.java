// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.spans;

import dev.golat.agent.SpanSpec;
import dev.golat.it.StmtClient;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * go-testbins' stmtserver as a host process on a free 127.0.0.1 port, and the statement mix the span tests
 * drive through it: 1 in 10 a SET (no getTSO), the rest SELECT/UPDATE with 0-4 levels of parentheses.
 */
final class StmtServerProcess implements AutoCloseable {
    final Path binary;
    final int port;
    private final Process process;

    private StmtServerProcess(Path binary, Process process, int port) {
        this.binary = binary;
        this.process = process;
        this.port = port;
    }

    static StmtServerProcess start(String goVersion) throws IOException {
        return start(goVersion, Variant.DEFAULT);
    }

    static StmtServerProcess start(String goVersion, Variant variant) throws IOException {
        Path bin = GoTestBinaries.program(goVersion, variant, "stmtserver");
        Process p = new ProcessBuilder(bin.toString(), "-addr", "127.0.0.1:0")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("listening on 127.0.0.1:")) {
            p.destroyForcibly();
            throw new IllegalStateException("stmtserver did not say 'listening on 127.0.0.1:<port>' but: " + line);
        }
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the server exited
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new StmtServerProcess(bin, p, Integer.parseInt(line.substring("listening on 127.0.0.1:".length()).strip()));
    }

    long pid() {
        return process.pid();
    }

    /** The agent's view of span {@code from → to} in this binary, as id {@code id}. */
    SpanSpec span(int id, String name, String from, String to) {
        return SpanSpec.of(id, Planner.of(binary).planSpan(name, from, to));
    }

    /** Forgets the server's figures (its RESET command). */
    void resetStats() {
        try (StmtClient c = StmtClient.connect(port)) {
            c.resetStats();
        }
    }

    /** The server's own figures (its STATS JSON line). */
    String stats() {
        try (StmtClient c = StmtClient.connect(port)) {
            return c.stats();
        }
    }

    /** {@code perConnection} statements on each of {@code connections} concurrent connections. */
    void drive(int connections, int perConnection) throws Exception {
        drive(port, connections, perConnection);
    }

    static void drive(int port, int connections, int perConnection) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int conn = c;
                done.add(pool.submit(() -> {
                    try (StmtClient client = StmtClient.connect(port)) {
                        for (int i = 0; i < perConnection; i++) {
                            client.exec(statement(conn * perConnection + i));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Statement {@code i}: i%10 == 9 is a SET (skips getTSO), 7-8 an UPDATE, else a SELECT; i%5 parentheses. */
    static String statement(int i) {
        int depth = i % 5;
        String expr = "(".repeat(depth) + i + " + 1" + ")".repeat(depth) + " * 2";
        return switch (i % 10) {
            case 9 -> "SET @v = " + expr;
            case 7, 8 -> "UPDATE t SET c = " + expr;
            default -> "SELECT " + expr + " FROM t";
        };
    }

    /** Statements among {@code n} that skip getTSO. */
    static long sets(int n) {
        return n / 10;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
