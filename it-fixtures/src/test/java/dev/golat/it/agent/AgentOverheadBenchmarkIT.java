// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentSession;
import dev.golat.agent.Counters;
import dev.golat.agent.HostAgent;
import dev.golat.plan.EntryKind;
import dev.golat.agent.ProbeSpec.KeyMode;
import dev.golat.agent.ProbeSpec.Mode;
import dev.golat.agent.ProbeSpec;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a probed call costs: {@code workload -mode loop} calls main.smallNonLeaf N times on one goroutine and
 * prints ns per call, with no probe, with empty programs at golat's sites (the kernel's floor), with golat, and
 * with golat's entry at +0 instead of the stack-check jcc. Variants are interleaved round by round (this machine
 * is shared and noisy) and medians compared. Ratios are printed, not asserted; only "nothing lost" is asserted.
 */
class AgentOverheadBenchmarkIT {
    private static final int CALLS = 100_000;
    private static final int ROUNDS = 5;
    private static final String FUNCTION = "main.smallNonLeaf";

    enum Variant { NONE, FLOOR, GOLAT, GOLAT_AT_PLUS_0 }

    @Test
    void golat_over_the_kernels_floor_and_the_jcc_saving() throws Exception {
        String go = GoTestBinaries.goVersions().get(GoTestBinaries.goVersions().size() - 1);
        Map<Variant, List<Double>> nsPerCall = new LinkedHashMap<>();
        List<Variant> order = new ArrayList<>(List.of(Variant.values()));
        for (int round = 0; round < ROUNDS; round++) {
            for (Variant v : order) {
                nsPerCall.computeIfAbsent(v, k -> new ArrayList<>()).add(run(go, v));
            }
            order.add(order.remove(0));
        }
        double none = median(nsPerCall.get(Variant.NONE));
        double floor = median(nsPerCall.get(Variant.FLOOR));
        double golat = median(nsPerCall.get(Variant.GOLAT));
        double plus0 = median(nsPerCall.get(Variant.GOLAT_AT_PLUS_0));

        System.out.printf("%nagent overhead, %s %s, %d calls x %d rounds, median ns/call:%n", go, FUNCTION, CALLS,
                ROUNDS);
        nsPerCall.forEach((v, xs) -> System.out.printf("  %-16s %10.1f   %s%n", v, median(xs), xs));
        List<Double> perRound = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            perRound.add(nsPerCall.get(Variant.GOLAT).get(r) / nsPerCall.get(Variant.FLOOR).get(r));
        }
        System.out.printf("  golat / floor            %.3f  (goal <= 1.10); median of per-round ratios %.3f%n",
                golat / floor, median(perRound));
        System.out.printf("  golat - floor            %.0f ns per call (entry + return programs)%n", golat - floor);
        System.out.printf("  jcc saving vs +0         %.1f %%  (goal >= 40 %%)%n",
                100 * (1 - (golat - none) / (plus0 - none)));
        System.out.printf("  probe hits/s under golat %.0f (2 per call), nothing lost%n", 2e9 / golat);
    }

    private static double run(String go, Variant v) throws Exception {
        try (Workload w = Workload.start(go, "-mode", "loop", "-n", String.valueOf(CALLS))) {
            if (v == Variant.NONE) {
                w.go();
                return Workload.number(w.result(), "nsPerCallNonLeaf");
            }
            ProbeSpec planned = w.probe(0, FUNCTION);
            assertThat(planned.entryKind()).as("%s has a stack check", FUNCTION).isEqualTo(EntryKind.JCC);
            ProbeSpec spec = switch (v) {
                case FLOOR -> planned.with(0, KeyMode.GOROUTINE, Mode.EMPTY);
                case GOLAT -> planned;
                case GOLAT_AT_PLUS_0 -> new ProbeSpec(0, FUNCTION, plus0(w), EntryKind.FIRST,
                        planned.morestackOffsets(), planned.returnOffsets(), KeyMode.GOROUTINE, Mode.MEASURE);
                case NONE -> throw new AssertionError();
            };
            try (AgentSession agent = HostAgent.start()) {
                agent.start(w.pid(), w.binary.toString(), List.of(spec));
                w.go();
                String own = w.result();
                Counters c = agent.snapshot().get(0).counters();
                long expected = spec.mode() == Mode.EMPTY ? 0 : CALLS;
                assertThat(c.matched()).as("%s: %s", v, c).isEqualTo(expected);
                assertThat(c.unmatchedReturns() + c.readErrors()).as("%s: %s", v, c).isZero();
                return Workload.number(own, "nsPerCallNonLeaf");
            }
        }
    }

    /** The function's first instruction: the plan's entry, as a file offset. */
    private static long plus0(Workload w) {
        return Planner.of(w.binary).plan(FUNCTION).entryFileOffset();
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
