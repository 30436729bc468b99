// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import dev.golat.container.GoContainer;
import dev.golat.testbins.GenericsRun;
import dev.golat.testbins.GoTestBinaries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * go-testbins' generics program as a service (host networking, 127.0.0.1:port), and its client: {@link #run}
 * asks it for a number of rounds and returns what the program counted and timed in exactly those rounds.
 */
public final class GenericsServer {
    private GenericsServer() {}

    /** Built with one Go toolchain; every Hold call sleeps {@code sleep} (a Go duration such as {@code 200us}). */
    public static GoContainer container(String goVersion, int port, String sleep) {
        return GoContainer.fromBinary(GoTestBinaries.program(goVersion, "generics"))
                .withArgs("-addr", "127.0.0.1:" + port, "-goroutines", "4", "-sleep", sleep)
                .withHostNetwork()
                .waitingForLogLine(".*listening on.*");
    }

    /** Runs {@code rounds} rounds on the server and returns its own figures of them. */
    public static GenericsRun run(int port, int rounds) {
        try (Socket s = new Socket("127.0.0.1", port);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            s.setSoTimeout(120_000);
            out.println("RUN " + rounds);
            String line = in.readLine();
            if (line == null || !line.startsWith("{")) {
                throw new IllegalStateException("generics on port " + port + " answered RUN " + rounds + " with " + line);
            }
            out.println("QUIT");
            return GenericsRun.parse(line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot drive generics on 127.0.0.1:" + port, e);
        }
    }
}
