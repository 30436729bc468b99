// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentSession;
import dev.golat.agent.Counters;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSpec;
import dev.golat.agent.ProbeSpec.KeyMode;
import dev.golat.agent.ProbeSpec.Mode;
import dev.golat.plan.EntryKind;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a probed call costs: {@code workload -mode loop} calls main.smallNonLeaf N times on one goroutine and
 * prints ns per call (its thread's CPU time, and the wall clock), with no probe, with empty programs at golat's sites (the kernel's floor), with golat, and
 * with golat's entry at +0 instead of the stack-check jcc. Two more variants run the floor and golat with the
 * kernel's BPF statistics on ({@code kernel.bpf_stats_enabled=1} for that run only, the previous value restored),
 * and read {@code run_time_ns / run_cnt} of each of the agent's programs with {@code bpftool prog show --json}:
 * the ns per hit of the entry and return programs, as the kernel times them. The wall-clock variants run with the
 * statistics off, so their timing does not tax them.
 *
 * <p>Variants are interleaved round by round (this machine is shared and noisy) and medians compared: figures
 * printed side by side, not asserted; only "nothing lost" and "the kernel timed every hit" are asserted.
 *
 * <p>The normal build runs the quick version ({@value #QUICK_CALLS} calls × {@value #QUICK_ROUNDS} rounds). The
 * profile {@code agent-bench-long} (property {@code golat.bench.long=true}) runs the long one ({@value #LONG_CALLS} ×
 * {@value #LONG_ROUNDS}): {@code mvn -o -pl it-fixtures -am verify -Pagent-bench-long
 * -Dit.test=AgentOverheadBenchmarkIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class AgentOverheadBenchmarkIT {
    static final int QUICK_CALLS = 50_000;
    static final int QUICK_ROUNDS = 5;
    static final int LONG_CALLS = 500_000;
    static final int LONG_ROUNDS = 21;
    private static final boolean LONG = Boolean.getBoolean("golat.bench.long");
    private static final int CALLS = LONG ? LONG_CALLS : QUICK_CALLS;
    private static final int ROUNDS = LONG ? LONG_ROUNDS : QUICK_ROUNDS;
    private static final String FUNCTION = "main.smallNonLeaf";

    enum Variant {
        NONE, FLOOR, GOLAT, GOLAT_AT_PLUS_0, FLOOR_STATS, GOLAT_STATS;

        boolean stats() {
            return this == FLOOR_STATS || this == GOLAT_STATS;
        }

        boolean empty() {
            return this == FLOOR || this == FLOOR_STATS;
        }
    }

    /**
     * One run: the workload's own figures per call of the loop, by the wall clock and by its thread's CPU time
     * ({@code /proc/thread-self/schedstat}: on-CPU time including the kernel's traps, not the time spent waiting
     * for a CPU on a busy shared machine), and the ns per hit of each agent program (stats variants).
     */
    record Run(double wallNsPerCall, double nsPerCall, Map<String, Double> nsPerHit) {
        static Run of(String own, Map<String, Double> nsPerHit) {
            return new Run(Workload.number(own, "nsPerCallNonLeaf"), Workload.number(own, "cpuNsPerCallNonLeaf"),
                    nsPerHit);
        }
    }

    @Test
    void golat_over_the_kernels_floor_per_program_and_the_jcc_saving() throws Exception {
        String go = GoTestBinaries.goVersions().get(GoTestBinaries.goVersions().size() - 1);
        Map<Variant, List<Run>> runs = new EnumMap<>(Variant.class);
        List<Variant> order = new ArrayList<>(List.of(Variant.values()));
        for (int round = 0; round < ROUNDS; round++) {
            for (Variant v : order) {
                runs.computeIfAbsent(v, k -> new ArrayList<>()).add(run(go, v));
            }
            order.add(order.remove(0));
        }
        print(go, runs);
    }

    private static void print(String go, Map<Variant, List<Run>> runs) {
        double none = median(nsPerCall(runs, Variant.NONE));
        double floor = median(nsPerCall(runs, Variant.FLOOR));
        double golat = median(nsPerCall(runs, Variant.GOLAT));
        double plus0 = median(nsPerCall(runs, Variant.GOLAT_AT_PLUS_0));
        List<Double> perRound = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            perRound.add(runs.get(Variant.GOLAT).get(r).nsPerCall() / runs.get(Variant.FLOOR).get(r).nsPerCall());
        }
        double empty = median(nsPerHit(runs, Variant.FLOOR_STATS, "golat_empty"));
        double entry = median(nsPerHit(runs, Variant.GOLAT_STATS, "golat_entry"));
        double ret = median(nsPerHit(runs, Variant.GOLAT_STATS, "golat_ret"));

        StringBuilder out = new StringBuilder();
        out.append(String.format("%nagent overhead, %s %s, %d calls x %d rounds%s, median (per round):%n", go,
                FUNCTION, CALLS, ROUNDS, LONG ? " (long)" : " (quick; -Pagent-bench-long for the long one)"));
        out.append("workload's own CPU ns per call (its thread's on-CPU time), BPF statistics off; wall clock:\n");
        for (Variant v : List.of(Variant.NONE, Variant.FLOOR, Variant.GOLAT, Variant.GOLAT_AT_PLUS_0)) {
            List<Double> wall = runs.get(v).stream().map(Run::wallNsPerCall).toList();
            out.append(String.format("  %-16s %10.1f   %-44s wall %10.1f%n", v, median(nsPerCall(runs, v)),
                    rounded(nsPerCall(runs, v)), median(wall)));
        }
        out.append("kernel BPF statistics, run_time_ns / run_cnt per program (bpftool prog show --json):\n");
        out.append(String.format("  %-16s %10.1f ns/hit   %s%n", "golat_empty", empty,
                rounded(nsPerHit(runs, Variant.FLOOR_STATS, "golat_empty"))));
        out.append(String.format("  %-16s %10.1f ns/hit   %s%n", "golat_entry", entry,
                rounded(nsPerHit(runs, Variant.GOLAT_STATS, "golat_entry"))));
        out.append(String.format("  %-16s %10.1f ns/hit   %s%n", "golat_ret", ret,
                rounded(nsPerHit(runs, Variant.GOLAT_STATS, "golat_ret"))));
        out.append(String.format("  entry + return   %10.1f ns per call (goal <= 250); empty at both sites %.1f%n",
                entry + ret, 2 * empty));
        double added = entry + ret - 2 * empty;
        out.append(String.format("  golat / floor            %.3f  median of per-round ratios %.3f (goal <= 1.05)"
                + "   %s%n", golat / floor, median(perRound), rounded(perRound)));
        out.append(String.format("  golat - floor            %.0f ns per call by the workload's CPU time; %.0f ns by the"
                + " BPF statistics (entry + return - 2 x empty), %.3f x the floor%n", golat - floor, added,
                (floor + added) / floor));
        out.append(String.format("  jcc saving vs +0         %.1f %%  (golat - none) / (+0 - none) = %.0f / %.0f ns%n",
                100 * (1 - (golat - none) / (plus0 - none)), golat - none, plus0 - none));
        out.append(String.format("  probe hits/s under golat %.0f (2 per call), nothing lost%n", 2e9 / golat));
        System.out.print(out);
    }

    private static Run run(String go, Variant v) throws Exception {
        try (Workload w = Workload.start(go, "-mode", "loop", "-n", String.valueOf(CALLS))) {
            if (v == Variant.NONE) {
                w.go();
                return Run.of(w.result(), Map.of());
            }
            ProbeSpec planned = w.probe(0, FUNCTION);
            assertThat(planned.entryKind()).as("%s has a stack check", FUNCTION).isEqualTo(EntryKind.JCC);
            ProbeSpec spec = switch (v) {
                case FLOOR, FLOOR_STATS -> planned.with(0, KeyMode.GOROUTINE, Mode.EMPTY);
                case GOLAT, GOLAT_STATS -> planned;
                case GOLAT_AT_PLUS_0 -> new ProbeSpec(0, FUNCTION, plus0(w), EntryKind.FIRST,
                        planned.morestackOffsets(), planned.returnOffsets(), KeyMode.GOROUTINE, Mode.MEASURE);
                case NONE -> throw new AssertionError();
            };
            try (BpfStats stats = v.stats() ? BpfStats.on() : null; AgentSession agent = HostAgent.start()) {
                agent.start(w.pid(), w.binary.toString(), List.of(spec));
                w.go();
                String own = w.result();
                Counters c = agent.snapshot().get(0).counters();
                long expected = v.empty() ? 0 : CALLS;
                assertThat(c.matched()).as("%s: %s", v, c).isEqualTo(expected);
                assertThat(c.unmatchedReturns() + c.readErrors()).as("%s: %s", v, c).isZero();
                Map<String, Double> perHit = v.stats() ? nsPerHit(BpfStats.agentPid()) : Map.of();
                return Run.of(own, perHit);
            }
        }
    }

    /**
     * ns per hit of each program the agent holds, from the kernel's own counters. Every hit must have been timed:
     * at least one entry and one return per call (a few more where the runtime's preemption request sends the
     * prologue through morestack and back), else the statistics were switched off meanwhile (by another user of
     * this machine) and the figure would be wrong.
     */
    private static Map<String, Double> nsPerHit(long agentPid) throws Exception {
        Map<String, Double> perHit = new LinkedHashMap<>();
        long hits = 0;
        for (var e : BpfStats.of(agentPid).entrySet()) {
            hits += e.getValue().runCnt();
            perHit.put(e.getKey(), e.getValue().nsPerHit());
        }
        assertThat(hits).as("BPF statistics: hits timed by the kernel (%s)", perHit)
                .isBetween(2L * CALLS, 2L * CALLS + CALLS / 100);
        return perHit;
    }

    /** The function's first instruction: the plan's entry, as a file offset. */
    private static long plus0(Workload w) {
        return Planner.of(w.binary).plan(FUNCTION).entryFileOffset();
    }

    private static List<Double> nsPerCall(Map<Variant, List<Run>> runs, Variant v) {
        return runs.get(v).stream().map(Run::nsPerCall).toList();
    }

    private static List<Double> nsPerHit(Map<Variant, List<Run>> runs, Variant v, String program) {
        return runs.get(v).stream().map(r -> {
            Double ns = r.nsPerHit().get(program);
            if (ns == null) {
                throw new IllegalStateException(v + ": the agent held no program " + program + ": " + r.nsPerHit());
            }
            return ns;
        }).toList();
    }

    private static List<String> rounded(List<Double> xs) {
        return xs.stream().map(x -> x < 10 ? String.format("%.3f", x) : String.format("%.0f", x)).toList();
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
