// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import static dev.golat.testbins.MiniJson.num;
import static dev.golat.testbins.MiniJson.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries.Variant;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Starts stmtserver from every build of the matrix (version × variant), talks its line protocol and checks its own figures. */
class StmtServerSmokeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> SERIES = List.of("handleStmtExecute", "getTSO", "dispatchToTSO", "storageGet", "getTSOInner");

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @EachGoBuild
    void counts_every_request_and_skips_TSO_for_SET(String go, Variant variant) throws Exception {
        InetSocketAddress addr = listeningAddress(start(go, variant, "-addr", "127.0.0.1:0"));
        Client c = connect(addr);

        // {statement, expected expression value}: the values are plain arithmetic, worked out by hand.
        String[][] selects = {
            {"SELECT 1 + 2 FROM t1", "3"},
            {"SELECT ((1 + 2) * 3) FROM t1;", "9"},
            {"select (((((4))))) - 1", "3"},
            {"SELECT abc * (2 + (3 * (1 + 1))) FROM t2", "24"},
        };
        String[][] updates = {{"UPDATE t1 SET v = (5 - 7) * 2", "-4"}, {"UPDATE t3 SET v = 0", "0"}};
        String[][] sets = {{"SET @a = (1 + (2 + (3 + (4))))", "10"}, {"SET @b = 1;", "1"}, {"SET @a = 2", "2"}};

        long lastTs = 0;
        for (String[] s : concat(selects, updates)) {
            String resp = c.call("EXEC " + s[0]);
            assertThat(resp).as("answer to %s", s[0]).matches("OK v=" + s[1] + " n=\\d+ ts=\\d+");
            long ts = Long.parseLong(resp.substring(resp.indexOf("ts=") + 3));
            assertThat(ts).as("timestamps increase").isGreaterThan(lastTs);
            lastTs = ts;
        }
        for (String[] s : sets) {
            assertThat(c.call("EXEC " + s[0])).as("answer to %s", s[0]).matches("OK v=" + s[1] + " n=\\d+");
        }
        assertThat(c.call("EXEC DELETE FROM t1")).startsWith("ERR unsupported statement \"DELETE\"");
        assertThat(c.call("EXEC SELECT (1 + 2 FROM t1")).startsWith("ERR missing ')'");
        assertThat(c.call("HELLO")).startsWith("ERR unknown command \"HELLO\"");

        Map<String, Object> stats = MiniJson.parseObject(c.call("STATS"));
        int tso = selects.length + updates.length;
        int parsed = tso + sets.length;
        assertThat(stats.keySet()).containsExactly(
                "handleStmtExecute", "getTSO", "dispatchToTSO", "storageGet", "getTSOInner", "requests", "skippedTSO");
        assertThat(num(stats, "requests")).isEqualTo(parsed + 2);
        assertThat(num(stats, "skippedTSO")).isEqualTo(sets.length);
        assertThat(num(obj(stats, "handleStmtExecute"), "count")).isEqualTo(parsed + 2);
        assertThat(num(obj(stats, "storageGet"), "count")).isEqualTo(parsed);
        assertThat(num(obj(stats, "getTSO"), "count")).isEqualTo(tso);
        assertThat(num(obj(stats, "dispatchToTSO"), "count")).isEqualTo(tso);
        assertThat(num(obj(stats, "getTSOInner"), "count")).isEqualTo(tso);
        assertThat(num(obj(stats, "getTSOInner"), "p50")).as("getTSO's own clock within its caller's")
                .isLessThanOrEqualTo(num(obj(stats, "getTSO"), "p50"));
        for (String name : SERIES) {
            WorkloadSmokeTest.assertPercentilesOrdered(obj(stats, name));
        }
        // The whole function contains the span up to getTSO and getTSO itself.
        assertThat(num(obj(stats, "handleStmtExecute"), "max"))
                .isGreaterThanOrEqualTo(num(obj(stats, "getTSO"), "max"))
                .isGreaterThanOrEqualTo(num(obj(stats, "dispatchToTSO"), "max"));

        assertThat(c.call("RESET")).isEqualTo("OK reset");
        Map<String, Object> reset = MiniJson.parseObject(c.call("STATS"));
        assertThat(num(reset, "requests")).isZero();
        assertThat(num(obj(reset, "handleStmtExecute"), "count")).isZero();
        assertThat(num(obj(reset, "handleStmtExecute"), "max")).isZero();

        c.send("QUIT");
        assertThat(c.in.readLine()).as("the server closes the connection after QUIT").isNull();
    }

    @Test
    void drive_mode_sends_the_mix_over_several_connections() throws Exception {
        String go = newest();
        InetSocketAddress addr = startServer(go);
        String target = addr.getHostString() + ":" + addr.getPort();
        RunningProgram driver = start(go, "-drive", "300", "-conns", "3", "-addr", target);

        List<String> out = driver.awaitExit(TIMEOUT);

        assertThat(driver.process().exitValue()).as("driver stderr: %s", driver.stderr()).isZero();
        assertThat(out).hasSize(1);
        Map<String, Object> stats = MiniJson.parseObject(out.get(0));
        assertThat(num(stats, "requests")).isEqualTo(300);
        assertThat(num(stats, "skippedTSO")).as("every 10th statement is a SET").isEqualTo(30);
        assertThat(num(obj(stats, "getTSO"), "count")).isEqualTo(270);
        assertThat(num(obj(stats, "storageGet"), "count")).isEqualTo(300);
    }

    @Test
    void stats_on_exit_prints_the_figures_on_SIGTERM() throws Exception {
        String go = newest();
        RunningProgram server = start(go, "-addr", "127.0.0.1:0", "-stats-on-exit");
        InetSocketAddress addr = listeningAddress(server);
        Client c = connect(addr);
        for (int i = 0; i < 5; i++) {
            assertThat(c.call("EXEC SELECT " + i)).startsWith("OK ");
        }

        // SIGTERM through the handle: Process.destroy() would also close our end of its stdout.
        assertThat(server.process().toHandle().destroy()).isTrue();
        List<String> out = server.awaitExit(TIMEOUT);

        assertThat(server.process().exitValue()).isZero();
        assertThat(out).hasSize(1);
        assertThat(num(MiniJson.parseObject(out.get(0)), "requests")).isEqualTo(5);
    }

    @Test
    void a_busy_port_fails_with_the_address() throws Exception {
        String go = newest();
        InetSocketAddress addr = startServer(go);
        RunningProgram second = start(go, "-addr", addr.getHostString() + ":" + addr.getPort());

        second.awaitExit(TIMEOUT);

        assertThat(second.process().exitValue()).isEqualTo(1);
        assertThat(second.stderr()).contains("listen on 127.0.0.1:" + addr.getPort(), "port 0");
    }

    private static String newest() {
        List<String> v = GoTestBinaries.goVersions();
        return v.get(v.size() - 1);
    }

    private RunningProgram start(String go, String... args) {
        return start(go, Variant.DEFAULT, args);
    }

    private RunningProgram start(String go, Variant variant, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(GoTestBinaries.program(go, variant, "stmtserver").toString());
        cmd.addAll(List.of(args));
        RunningProgram p = RunningProgram.start(cmd);
        toClose.add(p);
        return p;
    }

    private InetSocketAddress startServer(String go) throws Exception {
        return listeningAddress(start(go, "-addr", "127.0.0.1:0"));
    }

    private static InetSocketAddress listeningAddress(RunningProgram server) throws InterruptedException {
        String line = server.nextLine(TIMEOUT);
        assertThat(line).matches("listening on 127\\.0\\.0\\.1:\\d+");
        int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
        assertThat(port).isPositive();
        return new InetSocketAddress("127.0.0.1", port);
    }

    private Client connect(InetSocketAddress addr) throws IOException {
        Client c = new Client(addr);
        toClose.add(c.socket);
        return c;
    }

    private static String[][] concat(String[][] a, String[][] b) {
        String[][] all = new String[a.length + b.length][];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static final class Client {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(InetSocketAddress addr) throws IOException {
            socket = new Socket();
            socket.connect(addr, 5_000);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String call(String line) throws IOException {
            send(line);
            String resp = in.readLine();
            assertThat(resp).as("answer to %s", line).isNotNull();
            return resp;
        }
    }
}
