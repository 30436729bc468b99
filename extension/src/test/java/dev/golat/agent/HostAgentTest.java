// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.plan.EntryKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real agent binary, in the failures it reports before touching BPF (so no privileges are needed):
 * its messages reach the caller as {@link AgentException}s with the agent's code.
 */
class HostAgentTest {
    private static final ProbeSpec SPEC = ProbeSpec.of(0, "main.f", 0x1000, EntryKind.JCC, List.of(), List.of(0x1010L));

    @Test
    void should_report_a_process_that_does_not_exist() {
        try (AgentSession agent = HostAgent.start()) {
            assertThatThrownBy(() -> agent.start(-1L, "/bin/true", List.of(SPEC)))
                    .isInstanceOf(AgentException.class)
                    .hasFieldOrPropertyWithValue("code", "PROTOCOL")
                    .hasMessageContaining("'-1' is not a process id");
        }
        try (AgentSession agent = HostAgent.start()) {
            assertThatThrownBy(() -> agent.start(4_000_000L, "/bin/true", List.of(SPEC)))
                    .isInstanceOf(AgentException.class)
                    .hasFieldOrPropertyWithValue("code", "NOPID")
                    .hasMessageStartingWith("golat-agent: process 4000000: No such process (has it exited?");
        }
    }

    @Test
    void should_report_a_binary_it_cannot_read_and_say_which_path_to_give() {
        long self = ProcessHandle.current().pid();
        try (AgentSession agent = HostAgent.start()) {
            assertThatThrownBy(() -> agent.start(self, "/no/such/server", List.of(SPEC)))
                    .isInstanceOf(AgentException.class)
                    .hasFieldOrPropertyWithValue("code", "NOBINARY")
                    .hasMessage("golat-agent: /no/such/server: No such file or directory (give the path as the agent"
                            + " sees it, e.g. /proc/" + self + "/root/<path in the target's container>) [NOBINARY]");
        }
    }

    @Test
    void should_refuse_commands_before_attach_and_exit() {
        try (AgentSession agent = HostAgent.start()) {
            assertThatThrownBy(agent::snapshot).isInstanceOf(IllegalStateException.class)
                    .hasMessage("snapshot before start(): attach the probes first");
        }
    }

    @Test
    void close_ends_the_agent_process() {
        AgentSession agent = HostAgent.start();
        long before = agentProcesses();
        agent.close();
        assertThat(agentProcesses()).isEqualTo(before - 1);
    }

    private static long agentProcesses() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").endsWith("golat-agent")).count();
    }

    @Test
    void copies_left_by_dead_jvms_are_swept_and_live_ones_kept() throws Exception {
        // GIVEN a copy named after a process that has exited, and one named after this JVM
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        java.nio.file.Path dead = java.nio.file.Files.createDirectories(tmp.resolve("golat-agent-" + gone.pid() + "-test"));
        java.nio.file.Files.writeString(dead.resolve("golat-agent"), "x");
        java.nio.file.Path live = java.nio.file.Files.createDirectories(
                tmp.resolve("golat-agent-" + ProcessHandle.current().pid() + "-test"));
        try {
            // WHEN a new agent copy is made
            HostAgent.sweepStaleCopies();
            // THEN only the dead JVM's copy is gone
            assertThat(dead).doesNotExist();
            assertThat(live).exists();
        } finally {
            java.nio.file.Files.deleteIfExists(live);
        }
    }
}
