// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentSession;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeBias;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.result.Latency;
import dev.golat.result.Snapshots;
import dev.golat.testbins.GoTestBinaries;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Subtracting the calibrated probe bias brings a microsecond function back to its own time. main.blockSpin
 * busy-waits 2 µs and times itself inside (after its entry, before its RET: the inner clock); its caller times the
 * call around it (the caller's clock). golat's interval lies between the two and includes the probes' own time
 * inside it, a large share at this scale. With the bias calibrated once at the start (as golat does) subtracted,
 * golat's p50 must land between the inner clock and the caller's (within the calibration's own uncertainty), and
 * nearer the inner clock than without it: the subtraction removes most of the excess.
 */
class ProbeBiasSubtractIT {
    private static final int CALLS = 20_000;
    private static final String FUNCTION = "main.blockSpin";

    @Test
    void subtracting_the_bias_brings_a_microsecond_function_between_its_own_clock_and_its_callers() throws Exception {
        String go = GoTestBinaries.goVersions().get(GoTestBinaries.goVersions().size() - 1);
        try (Workload w = Workload.start(go, "-mode", "block", "-variant", "spin", "-sleep", "2us", "-goroutines", "1",
                "-n", String.valueOf(CALLS)); AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), w.binary.toString(), List.of(w.probe(0, FUNCTION)));
            ProbeBias bias = agent.calibrate(2000);
            w.go();
            String own = w.result();
            ProbeSnapshot s = agent.snapshot().get(0);

            Latency measured = Snapshots.withProbeBias(Snapshots.toLatency("blockSpin", FUNCTION, s, null),
                    bias.p50Nanos(), false);
            Latency subtracted = measured.withoutProbeBias();
            long inner = Workload.number(own, "inner.p50");
            long caller = Workload.number(own, "p50");
            long raw = measured.p50().toNanos();
            long net = subtracted.p50().toNanos();
            System.out.printf("%nprobe bias subtracted: %s p50 by its own clock %d ns, by its caller's %d ns; golat %d ns "
                    + "with the probe bias %d ns (%s), %d ns without it%n", FUNCTION, inner, caller, raw,
                    bias.p50Nanos(), bias, net);

            assertThat(s.counters().matched()).as("%s", s.counters()).isEqualTo(CALLS);
            assertThat(bias.matched()).as("%s", bias).isEqualTo(bias.calls());
            assertThat(subtracted.count()).isEqualTo(CALLS);
            assertThat(inner).as("the program's inner clock vs its caller's").isLessThan(caller);
            // What golat times beyond the inner clock is the function's own code around its two clock reads (40-80 ns
            // here) plus the error of the bias: the calibration is as uncertain as its own spread (p50 - min), and
            // both histograms have buckets (16 ns wide at 2 us in the agent's, 4 ns at 600 ns).
            long slack = bias.p50Nanos() - bias.minNanos() + 20;
            assertThat(net).as("golat's p50 without the probe bias, between the program's clocks inside (%d ns, less "
                    + "the calibration's uncertainty %d ns) and around (%d ns) the call", inner, slack, caller)
                    .isBetween(inner - slack, caller);
            assertThat(net - inner).as("excess over the inner clock without the bias vs with it (%d ns)", raw - inner)
                    .isLessThan((raw - inner) / 2);
        }
    }
}
