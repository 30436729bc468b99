// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentSession;
import dev.golat.agent.Counters;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec;
import dev.golat.container.ContainerAgent;
import dev.golat.container.GoContainer;
import dev.golat.it.MiniJson;
import dev.golat.it.StmtClient;
import dev.golat.it.agent.AgentWorkloadIT;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoMatrix;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * stmtserver of every Go version in its {@code fromBinary} scratch container, traced by the agent inside that
 * container (copied in, {@code docker exec}), against the server's own clock ({@code time.Since} in
 * handleStmtExecute, its STATS line): the planning of each build, the image, and the agent's view of the
 * container's pid and executable, for static, stripped PIE and dynamically linked (cgo) builds.
 */
class ContainerMatrixIT {
    private static final int STATEMENTS = 1_000;

    /**
     * A static build, a stripped PIE and a cgo build: the last two name an interpreter (PT_INTERP), so fromBinary
     * carries the loader (and the cgo build's libraries) into the scratch image.
     */
    static Stream<Arguments> builds() {
        return GoMatrix.builds(Variant.DEFAULT, Variant.STRIPPED_PIE, Variant.CGO);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void stmtserver_in_its_container_agrees_with_its_own_clock(String go, Variant build) throws Exception {
        Path binary = GoTestBinaries.program(go, build, "stmtserver");
        int port = StmtClient.freePort();
        Planner planner = Planner.of(binary);
        List<ProbeSpec> specs = List.of(ProbeSpec.of(0, planner.plan("handleStmtExecute")),
                ProbeSpec.of(1, planner.plan("getTSO")));
        try (GoContainer server = GoContainer.fromBinary(binary).withArgs("-addr", "127.0.0.1:" + port)
                .withHostNetwork().waitingForLogLine(".*listening on.*")) {
            server.start();
            try (AgentSession agent = agentIn(server, specs); StmtClient client = StmtClient.connect(port)) {
                client.resetStats();
                agent.reset();
                for (int i = 0; i < STATEMENTS; i++) {
                    client.exec(i % 10 == 9 ? "SET @v = " + i : "SELECT (" + i + " + 1) * 2");
                }
                String stats = client.stats();
                List<ProbeSnapshot> s = agent.snapshot();
                Counters handle = s.get(0).counters();
                Counters tso = s.get(1).counters();

                assertThat(handle.matched()).as("%s", handle).isEqualTo(MiniJson.number(stats, "handleStmtExecute.count"))
                        .isEqualTo(STATEMENTS);
                assertThat(tso.matched()).as("%s", tso).isEqualTo(MiniJson.number(stats, "getTSO.count"))
                        .isEqualTo(STATEMENTS - STATEMENTS / 10);
                for (Counters c : List.of(handle, tso)) {
                    assertThat(c.unmatchedReturns() + c.staleReturns() + c.didNotReturn() + c.readErrors())
                            .as("%s", c).isZero();
                }
                for (String p : List.of("p50", "p90")) {
                    assertAgrees("handleStmtExecute " + p, s.get(0), p, MiniJson.number(stats, "handleStmtExecute." + p));
                }
                // getTSO times itself inside (getTSOInner) and is timed by its caller (getTSO): golat's window lies
                // between the two, call by call.
                AgentWorkloadIT.assertBetweenClocks("getTSO p50", s.get(1).toHistogram().getValueAtPercentile(50),
                        MiniJson.number(stats, "getTSOInner.p50"), MiniJson.number(stats, "getTSO.p50"));
            }
        }
    }

    /** The agent inside the service's container, the way the extension starts it. */
    private static AgentSession agentIn(GoContainer server, List<ProbeSpec> specs) {
        return ContainerAgent.start(server, specs, List.of(), server.serviceName());
    }

    /** Within max(2%, 15 µs) of the server's own clock, as StmtServerAccuracyIT compares. */
    private static void assertAgrees(String what, ProbeSnapshot s, String p, long ownNs) {
        long golat = s.toHistogram().getValueAtPercentile(Double.parseDouble(p.substring(1)));
        long tolerance = Math.max(15_000, ownNs / 50);
        assertThat(golat).as("%s: golat %d ns, the server's own clock %d ns (tolerance %d ns)", what, golat, ownNs,
                tolerance).isBetween(ownNs - tolerance, ownNs + tolerance);
    }
}
