// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.generics;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.binary.GoBinary;
import dev.golat.container.GoContainer;
import dev.golat.it.GenericsServer;
import dev.golat.it.StmtClient;
import dev.golat.it.agent.AgentWorkloadIT;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Instantiation;
import dev.golat.result.Latencies;
import dev.golat.result.Latency;
import dev.golat.testbins.GenericsRun;
import dev.golat.testbins.GoTestBinaries;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The user's path for a generic function: {@code @TraceLatency("Hold")} on the generics program in its container
 * gives one Latency over every instantiation, with each instantiation's own counts, against the program's own
 * figures of exactly the rounds the test asked for.
 */
@GoTest
class GenericsExtensionIT {
    static final int PORT = StmtClient.freePort();
    static final int ROUNDS = 20;
    static final String GO = newest();

    @GoService
    static GoContainer server = GenericsServer.container(GO, PORT, "1ms");

    @Test
    @TraceLatency({"Hold", "(*Stack).Push"})
    void a_generic_function_is_one_latency_with_each_instantiations_counts(Latencies latencies) {
        GenericsRun own = GenericsServer.run(PORT, ROUNDS);
        Latency hold = latencies.get("Hold").snapshot();
        Latency push = latencies.get("(*Stack).Push").snapshot();
        long mainMain = GoBinary.open(GoTestBinaries.program(GO, "generics")).lookup("main.main").entry();

        assertThat(hold.function()).isEqualTo("main.Hold[...]");
        assertThat(hold).hasCount(own.calls("Hold")).allCallsReturned();
        assertThat(hold.count()).isEqualTo(ROUNDS * 21L);
        assertThat(perInstantiation(hold)).as("Hold: calls per instantiation (entry -> calls)")
                .isEqualTo(own.callsByEntry("Hold", "Hold", mainMain));
        assertThat(push.function()).isEqualTo("main.(*Stack[...]).Push");
        assertThat(push).hasCount(own.calls("Push"));
        assertThat(perInstantiation(push)).as("Push: calls per instantiation (entry -> calls)")
                .isEqualTo(own.callsByEntry("Push", "Push", mainMain));
        Map<String, Long> clock = own.hold("all");
        // Between Hold's own clock inside it and its caller's around it, as GenericsMatrixIT compares.
        Map<String, Long> inside = own.holdInner("all");
        for (String p : List.of("p50", "p90", "p99")) {
            AgentWorkloadIT.assertBetweenClocks("Hold " + p, hold.percentile(Double.parseDouble(p.substring(1))).toNanos(),
                    inside.get(p), clock.get(p));
        }
    }

    private static Map<Long, Long> perInstantiation(Latency l) {
        Map<Long, Long> m = new TreeMap<>();
        for (Instantiation i : l.instantiations()) {
            m.put(i.entry(), i.counts().matched());
        }
        return m;
    }

    private static String newest() {
        List<String> v = GoTestBinaries.goVersions();
        return v.get(v.size() - 1);
    }
}
