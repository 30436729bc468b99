// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.container;

import static dev.golat.it.container.ContainerFixtures.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.container.GoContainer;
import dev.golat.container.GoContainerException;
import dev.golat.it.Prometheus;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamically linked Go binaries in {@code FROM scratch} images: {@code fromBinary(path)} brings the interpreter
 * and the libraries along. The kernel is the oracle that the loader in the container really mapped them: the
 * service's {@code /proc/PID/maps} names the image's files.
 */
class DynamicLinkingIT {

    @Test
    void should_start_a_cgo_binary_from_binary_alone() throws Exception {
        Path cgo = GoTestBinaries.program("go1.26", Variant.CGO, "stmtserver");
        int port = freePort();
        try (GoContainer server = GoContainer.fromBinary(cgo)
                .withArgs("-addr", "127.0.0.1:" + port)
                .withHostNetwork()
                .waitingForLogLine("listening on")) {
            long t0 = System.nanoTime();
            server.start();
            System.out.printf("cgo stmtserver: image built and service ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            try (Socket s = new Socket("127.0.0.1", port);
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                out.println("EXEC SELECT 20 + 22");
                assertThat(in.readLine()).startsWith("OK v=42 n=");
            }
            assertThat(mappedFiles(server)).contains("/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6");
        }
    }

    @Test
    void should_start_debian_prometheus_from_binary_alone() throws Exception {
        int port = freePort();
        try (GoContainer prometheus = Prometheus.container(port)) {
            long t0 = System.nanoTime();
            prometheus.start();
            System.out.printf("prometheus: image built and service ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/-/ready").toURL().openConnection();
            assertThat(c.getResponseCode()).isEqualTo(200);
            c.disconnect();
            assertThat(mappedFiles(prometheus)).contains("/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6");
        }
    }

    @Test
    void should_say_the_interpreter_is_missing_when_an_image_lacks_it(@TempDir Path dir) throws Exception {
        Path cgo = GoTestBinaries.program("go1.26", Variant.CGO, "stmtserver");
        Files.copy(cgo, dir.resolve("stmtserver"));
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY stmtserver /app/stmtserver\n");
        try (GoContainer server = GoContainer.fromDockerfile(dir, "/app/stmtserver")
                .withArgs("-addr", "127.0.0.1:" + freePort())
                .withHostNetwork()
                .waitingForLogLine("listening on")) {
            assertThatThrownBy(server::start)
                    .isInstanceOf(GoContainerException.class)
                    .hasMessageContaining("service stmtserver exited with code 1 during startup; /app/stmtserver is there, but "
                            + "it is dynamically linked and its interpreter /lib64/ld-linux-x86-64.so.2 is not in the image")
                    .hasMessageContaining("use GoContainer.fromBinary(path)")
                    .hasMessageContaining("exec /app/stmtserver: no such file or directory");
        }
    }

    /** The files mapped into the service process, as the host kernel lists them (paths inside the container). */
    private static List<String> mappedFiles(GoContainer server) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(server.hostPid()), "maps")).stream()
                .map(l -> l.split("\\s+", 6))
                .filter(f -> f.length == 6 && f[5].startsWith("/"))
                .map(f -> f[5])
                .distinct()
                .toList();
    }
}
