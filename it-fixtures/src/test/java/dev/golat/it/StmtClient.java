// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client of go-testbins' stmtserver line protocol: {@code EXEC stmt}, {@code STATS}, {@code RESET}. */
public final class StmtClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final Writer out;

    private StmtClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
    }

    public static StmtClient connect(int port) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            return new StmtClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to stmtserver on 127.0.0.1:" + port, e);
        }
    }

    /** Sends {@code EXEC statement}; returns the answer line ({@code OK ...}). */
    public String exec(String statement) {
        String answer = call("EXEC " + statement);
        if (!answer.startsWith("OK")) {
            throw new IllegalStateException("stmtserver answered '" + answer + "' to EXEC " + statement);
        }
        return answer;
    }

    /** The server's own figures, one JSON line. */
    public String stats() {
        return call("STATS");
    }

    /**
     * Sends {@code CRASH why}: the server panics (an unrecovered panic, exit code 2). Returns when the connection
     * closes.
     */
    public void crash(String why) {
        try {
            out.write("CRASH " + why + "\n");
            out.flush();
            String answer = in.readLine();
            if (answer != null) {
                throw new IllegalStateException("stmtserver answered '" + answer + "' to CRASH instead of crashing");
            }
        } catch (IOException e) {
            // the connection broke as the process died
        }
    }

    public void resetStats() {
        call("RESET");
    }

    private String call(String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
            String answer = in.readLine();
            if (answer == null) {
                throw new IllegalStateException("stmtserver closed the connection after: " + line);
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port that was free on 127.0.0.1 a moment ago (host networking: the service binds it itself). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
