// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentControls;
import dev.golat.agent.AgentSession;
import dev.golat.agent.Counters;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSpec;
import dev.golat.it.StmtClient;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Kernels before 6.6 have no uprobe_multi links: the agent then attaches one perf link per site. This machine
 * has uprobe_multi, so the test forces the older path ({@code links perf}), checks it measures every call and
 * leaves nothing behind, and shows that the default path really is the other one (fewer links than sites).
 */
class PerfLinkFallbackIT {
    private static final int CALLS = 300;

    @Test
    void one_perf_link_per_site_measures_every_call_and_detaches_everything() throws Exception {
        int links = traceAndCount(AgentControls::perfLinks);
        assertThat(links).as("perf links: one per site, the function's and the stack moves'")
                .isEqualTo(spec().uprobeCount() + stackMoves());
    }

    @Test
    void by_default_one_uprobe_multi_link_per_program() throws Exception {
        int links = traceAndCount(UnaryOperator.identity());
        assertThat(links).as("uprobe_multi links: one per program (entry, morestack, ret, stack moves)").isEqualTo(4)
                .isLessThan(spec().uprobeCount() + stackMoves());
    }

    /** runtime.copystack's entry and runtime.newproc1's RETs, probed so g.stack.hi can be kept per goroutine. */
    private static int stackMoves() {
        List<Long> sites = Planner.of(binary()).stackMoveSites();
        assertThat(sites).as("stack-move sites of %s", binary()).hasSizeGreaterThan(1);
        return sites.size();
    }

    private static ProbeSpec spec() {
        return ProbeSpec.of(0, Planner.of(binary()).plan("handleStmtExecute"));
    }

    private static Path binary() {
        return GoTestBinaries.program("go1.23", "stmtserver");
    }

    /** Traces handleStmtExecute through CALLS requests; returns how many BPF links the agent held. */
    private static int traceAndCount(UnaryOperator<AgentSession> links) throws Exception {
        Process server = new ProcessBuilder(binary().toString(), "-addr", "127.0.0.1:0").start();
        try (AgentSession agent = links.apply(HostAgent.start())) { // close() below; idempotent
            String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
            int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).strip());
            agent.start(server.pid(), binary().toString(), List.of(spec()));
            long agentPid = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().orElse("").endsWith("/golat-agent")).findFirst().orElseThrow().pid();
            BpfObjects.Held held = BpfObjects.heldBy(agentPid);

            try (StmtClient client = StmtClient.connect(port)) {
                for (int i = 0; i < CALLS; i++) {
                    client.exec("SELECT " + i);
                }
            }
            Counters c = agent.snapshot().get(0).counters();
            assertThat(c.matched()).as("%s", c).isEqualTo(CALLS);
            assertThat(c.unmatchedReturns()).as("%s", c).isZero();

            agent.close();
            assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            assertThat(BpfObjects.awaitGone("link", held.links())).as("links left").isEmpty();
            assertThat(BpfObjects.awaitGone("prog", held.progs())).as("programs left").isEmpty();
            return held.links().size();
        } finally {
            server.destroyForcibly();
        }
    }
}
