// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentSession;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeBias;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.testbins.GoTestBinaries;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's calibration predicts the probes' own share of a measured call. main.smallNonLeaf takes a few ns by
 * the program's own clock (an untraced run of the same loop); golat measures it at its own time plus the time its
 * probes add inside the interval. The calibration, made on the agent's own code, must agree with that excess.
 */
class ProbeBiasIT {
    private static final int CALLS = 20_000;
    private static final String FUNCTION = "main.smallNonLeaf";

    @Test
    void calibration_agrees_with_the_excess_golat_measures_on_a_nanosecond_function() throws Exception {
        String go = GoTestBinaries.goVersions().get(GoTestBinaries.goVersions().size() - 1);
        long own;
        try (Workload w = Workload.start(go, "-mode", "loop", "-n", String.valueOf(CALLS))) {
            w.go();
            own = Workload.number(w.result(), "nsPerCallNonLeaf");
        }
        try (Workload w = Workload.start(go, "-mode", "loop", "-n", String.valueOf(CALLS));
                AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), w.binary.toString(), List.of(w.probe(0, FUNCTION)));
            ProbeBias before = agent.calibrate(2000);
            w.go();
            w.result();
            ProbeSnapshot s = agent.snapshot().get(0);
            ProbeBias after = agent.calibrate(2000);

            assertThat(s.counters().matched()).as("%s", s.counters()).isEqualTo(CALLS);
            assertThat(before.matched()).as("%s", before).isEqualTo(before.calls());
            assertThat(after.matched()).as("%s", after).isEqualTo(after.calls());
            assertThat(agent.snapshot().get(0).counters().matched()).as("calibrate leaves the window alone")
                    .isEqualTo(CALLS);
            long golat = AgentWorkloadIT.percentile(s, "p50");
            long excess = golat - own;
            long bias = (before.p50Nanos() + after.p50Nanos()) / 2;
            System.out.printf("%nprobe bias: calibration p50 %d ns (before %s, after %s); golat p50 of %s %d ns, "
                    + "its own %d ns per call: excess %d ns%n", bias, before, after, FUNCTION, golat, own, excess);
            assertThat(own).as("%s is a nanosecond function by its own clock", FUNCTION).isLessThan(100);
            assertThat(bias).as("calibration vs the excess golat measured (%d ns)", excess)
                    .isBetween(excess * 2 / 3, excess * 3 / 2);
        }
    }
}
