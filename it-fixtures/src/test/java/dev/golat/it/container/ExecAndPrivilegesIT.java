// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.container;

import static dev.golat.it.container.ContainerFixtures.docker;
import static dev.golat.it.container.ContainerFixtures.freePort;
import static dev.golat.it.container.ContainerFixtures.stmtserver;
import static dev.golat.it.container.ContainerFixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.ContainerControls;
import dev.golat.container.ExecStream;
import dev.golat.container.GoContainer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent's side of a running service: copy a static program in, exec it, stream lines; privileges. */
class ExecAndPrivilegesIT {
    private static final long CAP_SYS_ADMIN = 21;
    private static final long CAP_PERFMON = 38;
    private static final long CAP_BPF = 39;

    static GoContainer server;

    @BeforeAll
    static void start() {
        server = GoContainer.fromBinary(stmtserver())
                .withArgs("-addr", "127.0.0.1:" + freePort())
                .withHostNetwork()
                .waitingForLogLine("listening on");
        server.start();
        // The agent's stand-in: a static helper, copied the way the agent will be (scratch has no shell).
        ContainerControls.copyAgent(server, svc());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void should_stream_lines_both_ways_through_an_exec_of_the_copied_agent() throws Exception {
        assertThat(ContainerControls.copyAgent(server, svc())).isEqualTo("/golat-agent");

        try (ExecStream echo = ContainerControls.exec(server, "/golat-agent", "-echo")) {
            PrintWriter in = new PrintWriter(echo.stdin(), true, StandardCharsets.UTF_8);
            BufferedReader out = new BufferedReader(new InputStreamReader(echo.stdout(), StandardCharsets.UTF_8));
            for (int i = 0; i < 100; i++) {
                in.println("line " + i);
                // Read each answer before sending the next: proves lines arrive as written, not at exit.
                assertThat(out.readLine()).isEqualTo("echo: line " + i);
            }
            assertThat(echo.exitCode()).isEmpty();
            assertThat(echo.stderrTail()).containsExactly("echo ready");
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(echo.hostPid()), "ns", "pid")))
                    .isEqualTo(Files.readSymbolicLink(Path.of("/proc", Long.toString(server.hostPid()), "ns", "pid")));
            long pid = echo.hostPid();

            echo.close();

            assertThat(echo.exitCode()).isPresent();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(out.readLine()).isNull();
        }
        assertThat(server.isRunning()).isTrue();
    }

    @Test
    void should_kill_an_exec_that_ignores_sigterm_on_close() throws Exception {
        try (ExecStream stubborn = ContainerControls.exec(server, "/golat-agent", "-echo", "-ignoreterm")) {
            PrintWriter in = new PrintWriter(stubborn.stdin(), true, StandardCharsets.UTF_8);
            BufferedReader out = new BufferedReader(new InputStreamReader(stubborn.stdout(), StandardCharsets.UTF_8));
            in.println("ping");
            assertThat(out.readLine()).isEqualTo("echo: ping");
            long pid = stubborn.hostPid();

            stubborn.close();

            assertThat(stubborn.exitCode()).hasValue(128 + 9);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void should_report_the_exit_code_of_a_short_exec() {
        try (ExecStream help = ContainerControls.exec(server, "/app/stmtserver", "-bogus")) {
            assertThat(help.awaitExit(Duration.ofSeconds(10))).hasValue(2);
            assertThat(help.stderrTail()).contains("flag provided but not defined: -bogus");
        }
    }

    @Test
    void should_grant_the_least_capabilities_this_daemon_supports_and_the_service_really_has_them() throws Exception {
        int daemonMajor = Integer.parseInt(docker("version", "--format", "{{.Server.Version}}").out().split("\\.")[0]);
        List<String> expected = daemonMajor < 23 ? List.of("SYS_ADMIN") : List.of("BPF", "PERFMON");
        assertThat(server.grantedCapabilities()).isEqualTo(expected);

        String capAdd = docker("inspect", "-f", "{{json .HostConfig.CapAdd}}", server.getContainerId()).out();
        for (String cap : expected) {
            assertThat(capAdd).contains(cap);
        }
        assertThat(docker("inspect", "-f", "{{.HostConfig.Privileged}}", server.getContainerId()).out()).isEqualTo("false");

        // What the kernel says pid 1 holds, read from inside the container by a static helper.
        long capEff;
        try (ExecStream status = ContainerControls.exec(server, "/golat-agent", "-status", "1")) {
            BufferedReader out = new BufferedReader(new InputStreamReader(status.stdout(), StandardCharsets.UTF_8));
            capEff = out.lines().filter(l -> l.startsWith("CapEff:")).findFirst()
                    .map(l -> Long.parseUnsignedLong(l.split("\\s+")[1], 16)).orElseThrow();
        }
        if (expected.contains("SYS_ADMIN")) {
            assertThat(capEff & (1L << CAP_SYS_ADMIN)).as("CapEff %x has CAP_SYS_ADMIN", capEff).isNotZero();
        } else {
            assertThat(capEff & (1L << CAP_BPF)).as("CapEff %x has CAP_BPF", capEff).isNotZero();
            assertThat(capEff & (1L << CAP_PERFMON)).as("CapEff %x has CAP_PERFMON", capEff).isNotZero();
            assertThat(capEff & (1L << CAP_SYS_ADMIN)).as("CapEff %x lacks CAP_SYS_ADMIN", capEff).isZero();
        }
        assertThat(server.privilegeReason()).isNotBlank();
    }

    @Test
    void should_let_a_process_in_the_container_create_a_bpf_map_which_a_default_container_cannot() throws Exception {
        try (ExecStream bpf = ContainerControls.exec(server, "/golat-agent", "-bpf")) {
            String line = new BufferedReader(new InputStreamReader(bpf.stdout(), StandardCharsets.UTF_8)).readLine();
            assertThat(bpf.awaitExit(Duration.ofSeconds(10))).as(line).hasValue(0);
            assertThat(line).startsWith("bpf map fd ");
        }
        // Control: the same image and program with Docker's default capabilities is refused.
        String tag = ContainerFixtures.cliImage(svc());
        try {
            ContainerFixtures.Result plain = docker("run", "--rm", "--network", "none", tag, "-bpf");
            assertThat(plain.code()).isEqualTo(1);
            assertThat(plain.out()).isEqualTo("bpf map create: operation not permitted");
        } finally {
            docker("rmi", "-f", tag);
        }
    }
}
