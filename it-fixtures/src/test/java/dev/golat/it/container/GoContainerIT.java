// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.container;

import static dev.golat.it.container.ContainerFixtures.docker;
import static dev.golat.it.container.ContainerFixtures.freePort;
import static dev.golat.it.container.ContainerFixtures.stmtserver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.container.ContainerControls;
import dev.golat.container.GoContainer;
import dev.golat.container.GoContainerException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GoContainer against the real Docker daemon: start, serve, early exit, images, Dockerfiles. */
class GoContainerIT {

    @Test
    void should_serve_requests_over_host_network_with_the_binary_as_pid_1() throws Exception {
        int port = freePort();
        String containerId;
        try (GoContainer server = GoContainer.fromBinary(stmtserver())
                .withArgs("-addr", "127.0.0.1:" + port)
                .withHostNetwork()
                .waitingForLogLine("listening on")) {
            server.start();
            containerId = server.getContainerId();

            assertThat(exchange(port, "EXEC SELECT 1 + 2")).startsWith("OK v=3 n=");
            assertThat(exchange(port, "STATS")).contains("\"requests\":1,");

            // The kernel's view, not ours: the host pid runs our binary and is pid 1 in its namespace.
            long hostPid = server.hostPid();
            assertThat(Files.readAllBytes(Path.of("/proc", Long.toString(hostPid), "exe"))).isEqualTo(Files.readAllBytes(stmtserver()));
            String nsPid = Files.readAllLines(Path.of("/proc", Long.toString(hostPid), "status")).stream()
                    .filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow();
            assertThat(java.util.List.of(nsPid.split("\\s+"))).last().isEqualTo(Long.toString(ContainerControls.servicePid(server)));
            assertThat(server.binaryPathInContainer()).isEqualTo("/app/stmtserver");
            assertThat(server.hostBinary()).isEqualTo(stmtserver().toAbsolutePath());
        }
        // A normal stop removes the container at once, not at JVM exit.
        assertThat(docker("ps", "-aq", "--no-trunc", "--filter", "id=" + containerId).out()).isEmpty();
    }

    @Test
    void should_wait_for_the_port_when_asked() throws Exception {
        int port = freePort();
        try (GoContainer server = GoContainer.fromBinary(stmtserver())
                .withArgs("-addr", "127.0.0.1:" + port)
                .withHostNetwork()
                .waitingForPort(port)) {
            server.start();
            assertThat(exchange(port, "EXEC SET x = 2")).startsWith("OK v=2 n=");
        }
    }

    @Test
    void should_name_exit_code_and_last_log_lines_when_the_service_exits_during_startup() {
        GoContainer server = GoContainer.fromBinary(stmtserver())
                .withArgs("-bogus")
                .withHostNetwork()
                .waitingForLogLine("listening on");

        assertThatThrownBy(server::start)
                .isInstanceOf(GoContainerException.class)
                .hasMessageStartingWith("service stmtserver exited with code 2 during startup; last log lines:")
                .hasMessageContaining("  flag provided but not defined: -bogus")
                .hasMessageContaining("  Usage of /app/stmtserver:");
        assertThat(server.getContainerId()).isNull();
    }

    @Test
    void should_fail_with_log_lines_when_the_awaited_line_never_comes() {
        int port = freePort();
        try (GoContainer server = GoContainer.fromBinary(stmtserver())
                .withArgs("-addr", "127.0.0.1:" + port)
                .withHostNetwork()
                .waitingForLogLine("ready to serve")
                .withStartupTimeout(java.time.Duration.ofSeconds(1))) {
            assertThatThrownBy(server::start)
                    .isInstanceOf(GoContainerException.class)
                    .hasMessageStartingWith("service stmtserver did not print a line matching /ready to serve/ within 1000 ms")
                    .hasMessageContaining("  listening on 127.0.0.1:" + port);
        }
    }

    @Test
    void should_copy_the_binary_out_of_an_image_without_starting_it_following_symlinks(@TempDir Path context)
            throws Exception {
        Path bin = Files.createDirectories(context.resolve("bin"));
        Files.copy(stmtserver(), bin.resolve("stmtserver-1.0"));
        Files.createSymbolicLink(bin.resolve("stmtserver"), Path.of("stmtserver-1.0"));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY bin /app/\n");
        String tag = "golat-it/image-variant:" + Long.toHexString(System.nanoTime());
        // Built with the docker CLI, independently of GoContainer's own image builder.
        assertThat(docker("build", "-q", "-t", tag, context.toString()).code()).isZero();
        String probe = docker("create", tag, "/x").out();
        String listing = ContainerFixtures.run(new ProcessBuilder("sh", "-c",
                "docker cp " + probe + ":/app/stmtserver - | tar tvf -; docker rm " + probe + " >/dev/null"), 60).out();
        assertThat(listing).as("/app/stmtserver is a symlink in the image").startsWith("l").contains("-> stmtserver-1.0");
        try (GoContainer fromImage = GoContainer.fromImage(tag, "/app/stmtserver")) {
            Path copied = fromImage.hostBinary();

            assertThat(fromImage.getContainerId()).isNull();
            assertThat(Files.readAllBytes(copied)).isEqualTo(Files.readAllBytes(stmtserver()));
            assertThat(docker("ps", "-aq", "--filter", "ancestor=" + tag).out()).isEmpty();

            int port = freePort();
            fromImage.withArgs("-addr", "127.0.0.1:" + port).withHostNetwork().waitingForLogLine("listening on").start();
            assertThat(exchange(port, "EXEC SELECT 4 * 5")).startsWith("OK v=20 ");
        } finally {
            docker("rmi", "-f", tag);
        }
    }

    @Test
    void should_build_from_a_dockerfile_with_labels(@TempDir Path context) throws Exception {
        Files.copy(stmtserver(), context.resolve("server-binary"));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY server-binary /opt/svc/server\n");
        try (GoContainer server = GoContainer.fromDockerfile(context, "/opt/svc/server")) {
            assertThat(Files.readAllBytes(server.hostBinary())).isEqualTo(Files.readAllBytes(stmtserver()));
            int port = freePort();
            server.withArgs("-addr", "127.0.0.1:" + port).withHostNetwork().waitingForPort(port).start();
            assertThat(exchange(port, "EXEC SELECT 7")).startsWith("OK v=7 ");
            String labels = docker("image", "inspect", "-f", "{{index .Config.Labels \"dev.golat\"}}", server.getDockerImageName()).out();
            assertThat(labels).isEqualTo("true");
        }
    }

    @Test
    void should_say_which_path_is_missing_in_the_image(@TempDir Path context) throws Exception {
        Files.copy(stmtserver(), context.resolve("stmtserver"));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY stmtserver /app/stmtserver\n");
        try (GoContainer server = GoContainer.fromDockerfile(context, "/app/nothere")) {
            assertThatThrownBy(server::hostBinary)
                    .isInstanceOf(GoContainerException.class)
                    .hasMessageStartingWith("no file /app/nothere in image golat/nothere:");
        }
    }

    @Test
    void should_report_docker_as_available_here() {
        assertThat(GoContainer.dockerAvailable()).isTrue();
    }

    static String exchange(int port, String line) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port);
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            s.setSoTimeout(5000);
            out.println(line);
            return in.readLine();
        }
    }
}
