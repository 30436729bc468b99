// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.it.ChildJvm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing of a traced test stays on the host: no container of its session, no golat-agent, no BPF program
 * or link; neither when its test class completes, nor when its JVM is killed with SIGKILL mid-test (no
 * shutdown hook runs then: golat's host reaper removes the container, and the agent and its probes die with
 * the container). The test class runs in a child JVM ({@link CleanupChildMain}); the host is inspected
 * with {@code docker}, {@code pgrep}, {@code /proc} and {@code bpftool}.
 */
class CleanupIT {
    private static final int CLEANUP_SECONDS = 30;

    private ChildJvm child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.process().destroyForcibly();
        }
    }

    @Test
    void should_leave_nothing_when_the_jvm_is_killed_mid_test() throws Exception {
        child = ChildJvm.start(CleanupChildMain.class);
        String containerId = child.awaitLine("ATTACHED ").substring("ATTACHED ".length());
        String session = HostTraces.sessionOf(containerId);
        HostTraces.Agent agent = seenWhileTracing(containerId, session);

        long killed = System.nanoTime();
        child.process().destroyForcibly(); // SIGKILL: no shutdown hook, no afterAll
        assertThat(child.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child.process().exitValue()).isEqualTo(128 + 9);

        assertThat(HostTraces.awaitGone(agent, session, CLEANUP_SECONDS))
                .as("left on the host %d s after SIGKILL of the test JVM", CLEANUP_SECONDS).isEmpty();
        System.out.printf("golat cleanup: container, agent pid %d, BPF programs %s and links %s gone %d ms after SIGKILL%n",
                agent.pid(), agent.progIds(), agent.linkIds(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
    }

    @Test
    void should_leave_nothing_when_the_test_class_completes() throws Exception {
        child = ChildJvm.start(CleanupChildMain.class);
        String containerId = child.awaitLine("ATTACHED ").substring("ATTACHED ".length());
        String session = HostTraces.sessionOf(containerId);
        HostTraces.Agent agent = seenWhileTracing(containerId, session);

        child.send("go on");
        assertThat(child.awaitLine("RESULT ")).isEqualTo("RESULT succeeded=1 failed=0");
        child.awaitLine("DONE");

        // The child JVM still runs, so its reaper has not fired: this is the extension's own cleanup.
        assertThat(HostTraces.awaitGone(agent, session, CLEANUP_SECONDS))
                .as("left on the host after the test class completed").isEmpty();
        assertThat(child.process().isAlive()).isTrue();
        child.process().getOutputStream().close();
        assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.process().exitValue()).isZero();
    }

    /**
     * While the fixture holds its probes: exactly one container in the session, exactly one golat-agent in it,
     * and the agent's BPF programs and links are what {@code bpftool} lists (so their absence later means
     * something).
     */
    private static HostTraces.Agent seenWhileTracing(String containerId, String session) {
        assertThat(session).matches("[0-9a-f-]{36}");
        assertThat(HostTraces.sessionContainers(session)).containsExactly(containerId.substring(0, 12));
        String ns = HostTraces.pidNamespace(HostTraces.initPid(containerId)).orElseThrow();
        List<Long> agents = HostTraces.agentsIn(ns);
        assertThat(agents).as("pgrep -f golat-agent in the container's %s", ns).hasSize(1);
        HostTraces.Agent agent = HostTraces.agent(agents.get(0));

        Map<Long, String> programs = HostTraces.bpfPrograms();
        assertThat(agent.progIds()).as("programs the agent holds").isNotEmpty();
        List<String> names = new ArrayList<>();
        for (long id : agent.progIds()) {
            assertThat(programs).as("bpftool prog show").containsKey(id);
            names.add(programs.get(id));
        }
        assertThat(names).allMatch(n -> n.startsWith("golat_")).contains("golat_entry", "golat_ret");

        Map<Long, Long> links = HostTraces.bpfLinks();
        assertThat(agent.linkIds()).as("links the agent holds: the entry probe and at least one RET").hasSizeGreaterThanOrEqualTo(2);
        for (long id : agent.linkIds()) {
            assertThat(links).as("bpftool link show").containsKey(id);
            assertThat(agent.progIds()).as("program of link %d", id).contains(links.get(id));
        }
        return agent;
    }
}
