// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.agent.AgentException;
import dev.golat.agent.AgentSession;
import dev.golat.agent.Counters;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agent leaves nothing behind, whichever way it ends, and says what to do when it cannot attach. */
class AgentLifecycleIT {
    private static final String GO = "go1.21";

    @Test
    void quit_detaches_every_uprobe_and_frees_every_program() throws Exception {
        try (Workload w = Workload.start(GO, "-mode", "block", "-n", "100000", "-sleep", "1ms")) {
            ProbeSpec spec = w.probe(0, "main.blockSleep");
            AgentSession agent = HostAgent.start();
            try {
                agent.start(w.pid(), w.binary.toString(), List.of(spec));
                long agentPid = agentPid(ProcessHandle.current());
                BpfObjects.Held held = BpfObjects.heldBy(agentPid);

                assertThat(BpfObjects.programNames(held.progs())).containsExactlyInAnyOrder("golat_entry",
                        "golat_morestack", "golat_ret", "golat_empty", "golat_stack_moved");
                assertThat(held.links()).as("one uprobe_multi link per program: entry, morestack, ret, stack moves")
                        .hasSize(4);

                agent.close();
                assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
                assertThat(BpfObjects.awaitGone("link", held.links())).as("links left").isEmpty();
                assertThat(BpfObjects.awaitGone("prog", held.progs())).as("programs left").isEmpty();
            } finally {
                agent.close(); // idempotent: frees the agent when an assertion above failed
            }
        }
    }

    @Test
    void sigkill_of_the_jvm_that_started_the_agent_ends_it_and_frees_everything() throws Exception {
        try (Workload w = Workload.start(GO, "-mode", "block", "-n", "100000", "-sleep", "1ms")) {
            Process jvm = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
                    System.getProperty("java.class.path"), AgentHolderMain.class.getName(), String.valueOf(w.pid()),
                    w.binary.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                String said = new BufferedReader(new InputStreamReader(jvm.getInputStream())).readLine();
                assertThat(said).isEqualTo("attached");
                long agentPid = agentPid(jvm.toHandle());
                BpfObjects.Held held = BpfObjects.heldBy(agentPid);
                assertThat(held.links()).isNotEmpty();

                jvm.destroyForcibly();
                assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

                ProcessHandle agent = ProcessHandle.of(agentPid).orElse(null);
                if (agent != null) {
                    assertThat(agent.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
                }
                assertThat(BpfObjects.awaitGone("link", held.links())).as("links left").isEmpty();
                assertThat(BpfObjects.awaitGone("prog", held.progs())).as("programs left").isEmpty();
            } finally {
                jvm.destroyForcibly();
            }
        }
    }

    @Test
    void target_exit_detaches_at_once_and_the_last_window_can_still_be_read() throws Exception {
        try (Workload w = Workload.start(GO, "-mode", "block", "-n", "200", "-sleep", "200us");
                AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), w.binary.toString(), List.of(w.probe(0, "main.blockSleep")));
            BpfObjects.Held held = BpfObjects.heldBy(agentPid(ProcessHandle.current()));
            w.go();
            String own = w.result();

            assertThat(BpfObjects.awaitGone("link", held.links())).as("links left after the target exited").isEmpty();
            Counters c = agent.snapshot().get(0).counters();
            assertThat(agent.targetExited()).isTrue();
            assertThat(c.matched()).isEqualTo(Workload.number(own, "count")).isEqualTo(200);
        }
    }

    @Test
    void reset_starts_an_empty_window_and_calls_in_flight_across_it_are_stale_not_measured() throws Exception {
        try (Workload w = Workload.start(GO, "-mode", "block", "-n", "40", "-goroutines", "4", "-sleep", "50ms");
                AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), w.binary.toString(), List.of(w.probe(0, "main.blockSleep")));
            w.go();
            Thread.sleep(120);
            agent.reset(); // 4 calls are asleep inside blockSleep now
            String own = w.result();
            Counters c = agent.snapshot().get(0).counters();

            assertThat(c.staleReturns()).as("%s", c).isEqualTo(4);
            assertThat(c.matched() + c.staleReturns()).as("%s", c).isEqualTo(c.returns());
            assertThat(c.entries()).as("%s", c).isEqualTo(c.matched());
            assertThat(c.unmatchedReturns()).as("%s", c).isZero();
            assertThat(Workload.number(own, "count")).isEqualTo(40);
        }
    }

    @Test
    void an_offset_the_kernel_rejects_names_the_probe_and_the_offset() throws Exception {
        try (Workload w = Workload.start(GO, "-mode", "block", "-n", "10");
                AgentSession agent = HostAgent.start()) {
            long beyond = Files.size(w.binary) + 0x1000;
            ProbeSpec good = w.probe(0, "main.blockSleep");
            ProbeSpec bad = ProbeSpec.of(1, "main.blockSleep", good.entryFileOffset(), good.entryKind(),
                    good.morestackOffsets(), List.of(beyond));

            assertThatThrownBy(() -> agent.start(w.pid(), w.binary.toString(), List.of(good, bad)))
                    .isInstanceOf(AgentException.class)
                    .hasFieldOrPropertyWithValue("code", "BADOFFSET")
                    .hasMessageStartingWith("golat-agent: probe 1 main.blockSleep: the kernel rejected the return uprobe"
                            + " at file offset 0x" + Long.toHexString(beyond) + " of " + w.binary + ": Invalid argument");
        }
    }

    @Test
    void without_privileges_it_says_which_capabilities_to_add() throws Exception {
        try (Workload w = Workload.start(GO, "-mode", "block", "-n", "10");
                AgentSession agent = HostAgent.start(List.of("setpriv", "--bounding-set=-all"))) {
            assertThatThrownBy(() -> agent.start(w.pid(), w.binary.toString(), List.of(w.probe(0, "main.blockSleep"))))
                    .isInstanceOf(AgentException.class)
                    .hasFieldOrPropertyWithValue("code", "EPERM")
                    .hasMessageStartingWith("golat-agent: load BPF programs: Operation not permitted: golat-agent needs"
                            + " CAP_BPF+CAP_PERFMON (Docker versions that know them: --cap-add BPF --cap-add PERFMON)"
                            + " or CAP_SYS_ADMIN (--cap-add SYS_ADMIN)");
        }
    }

    private static long agentPid(ProcessHandle parent) {
        List<ProcessHandle> agents = parent.descendants()
                .filter(p -> p.info().command().orElse("").endsWith("/golat-agent")).toList();
        assertThat(agents).as("golat-agent processes under %d", parent.pid()).hasSize(1);
        return agents.get(0).pid();
    }
}
