// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentSession;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSet;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What tracing a thousand functions at once costs, side by side with tracing one, in one run: the workload's
 * {@code main.smallNonLeaf} loop traced alone (1 probe), and traced together with the 1,000 methods
 * {@code main.(*fleet).M0000 … M0999} (1,001 probes, ~3,000 uprobes; none of the methods is called, so every hit is
 * smallNonLeaf's). Printed, per variant, as medians over interleaved rounds:
 * <ul>
 *   <li>planning (the glob through {@link ProbeSet}), attaching ({@link AgentSession#start}: load, uprobe_multi links,
 *       {@code ready}) and detaching ({@link AgentSession#close}: {@code quit} until {@code bye}, which comes after the
 *       links are closed and the skeleton destroyed), by the caller's clock;</li>
 *   <li>the workload's own CPU ns per call of the loop (BPF statistics off), and the ns per hit of the entry and return
 *       programs from the kernel's BPF statistics ({@code kernel.bpf_stats_enabled=1} for those runs only, the previous
 *       value restored; {@code run_time_ns / run_cnt} of {@code bpftool prog show}).</li>
 * </ul>
 * Only correctness is asserted (every loop call measured, nothing unmatched, the kernel timed every hit); the
 * figures and the targets (attach ≤ 1 s, detach ≤ 0.5 s, per call within 5 % of one probe) are printed. Quick by
 * default; {@code -Dgolat.bench.long=true} (profile {@code agent-bench-long}) runs more calls and rounds.
 */
class ManyProbesBenchmarkIT {
    private static final boolean LONG = Boolean.getBoolean("golat.bench.long");
    private static final int CALLS = LONG ? 500_000 : 50_000;
    private static final int ROUNDS = LONG ? 11 : 3;
    private static final String HOT = "main.smallNonLeaf";
    private static final String FLEET = "main.(*fleet).M*";

    record Run(double planMs, double attachMs, double detachMs, int uprobes, double cpuNsPerCall, double entryNs, double retNs) {}

    @Test
    void a_thousand_probes_attach_detach_and_cost_per_call_against_one() throws Exception {
        String go = "go1.26";
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(List.of("1 probe", "1001 probes", "1 probe stats", "1001 probes stats"));
        for (int round = 0; round < ROUNDS; round++) {
            for (String v : order) {
                runs.computeIfAbsent(v, k -> new ArrayList<>()).add(run(go, v.startsWith("1001"), v.endsWith("stats")));
            }
            order.add(order.remove(0));
        }
        StringBuilder out = new StringBuilder(String.format("%nmany probes, %s, %s alone vs with %s, %,d calls x %d rounds%s,"
                + " medians:%n", go, HOT, FLEET, CALLS, ROUNDS, LONG ? " (long)" : " (quick; -Dgolat.bench.long=true for more)"));
        out.append(String.format("  %-18s %8s %8s %10s %10s %12s %10s %10s%n", "variant", "uprobes", "plan ms", "attach ms",
                "detach ms", "CPU ns/call", "entry ns", "ret ns"));
        for (var e : runs.entrySet()) {
            List<Run> rs = e.getValue();
            boolean stats = e.getKey().endsWith("stats");
            out.append(String.format("  %-18s %8d %8.1f %10.1f %10.1f %12s %10s %10s%n", e.getKey(), rs.get(0).uprobes(),
                    median(rs, Run::planMs), median(rs, Run::attachMs), median(rs, Run::detachMs),
                    stats ? "-" : String.format("%.1f", median(rs, Run::cpuNsPerCall)),
                    stats ? String.format("%.1f", median(rs, Run::entryNs)) : "-",
                    stats ? String.format("%.1f", median(rs, Run::retNs)) : "-"));
        }
        List<Run> one = runs.get("1 probe");
        List<Run> many = runs.get("1001 probes");
        double perCall = median(many, Run::cpuNsPerCall) / median(one, Run::cpuNsPerCall);
        double programs = (median(runs.get("1001 probes stats"), Run::entryNs) + median(runs.get("1001 probes stats"), Run::retNs))
                / (median(runs.get("1 probe stats"), Run::entryNs) + median(runs.get("1 probe stats"), Run::retNs));
        out.append(String.format("  1001 probes: attach %.0f ms (target <= 1000), detach %.0f ms (target <= 500)%n",
                median(many, Run::attachMs), median(many, Run::detachMs)));
        out.append(String.format("  per call, 1001 / 1 probes: %.3f by the workload's CPU time, %.3f by the BPF statistics"
                + " (entry + return) (target <= 1.05)%n", perCall, programs));
        System.out.print(out);
    }

    private static Run run(String go, boolean many, boolean stats) throws Exception {
        try (Workload w = Workload.start(go, "-mode", "loop", "-n", String.valueOf(CALLS))) {
            long t0 = System.nanoTime();
            ProbeSet.Builder b = ProbeSet.planning(Planner.of(w.binary));
            b.function(HOT);
            if (many) {
                ProbeSet.Selected s = b.functions(FLEET);
                assertThat(s.names()).hasSize(1000);
            }
            ProbeSet set = b.build();
            List<ProbeSpec> probes = set.probes();
            long t1 = System.nanoTime();
            BpfStats on = stats ? BpfStats.on() : null;
            AgentSession agent = HostAgent.start();
            try {
                agent.start(w.pid(), w.binary.toString(), probes);
                long t2 = System.nanoTime();
                w.go();
                String own = w.result();
                List<ProbeSnapshot> snap = agent.snapshot();
                var hot = set.byName(snap).get(HOT).get(0).counters();
                assertThat(hot.matched()).as("%s: %s", HOT, hot).isEqualTo(CALLS);
                assertThat(hot.unmatchedReturns() + hot.readErrors()).as("%s: %s", HOT, hot).isZero();
                long otherEntries = snap.stream().filter(s -> s.id() != set.get(HOT).id())
                        .mapToLong(s -> s.counters().entries()).sum();
                assertThat(otherEntries).as("the fleet's methods are never called in -mode loop").isZero();
                double[] perHit = stats ? nsPerHit(BpfStats.agentPid()) : new double[] {0, 0};
                int uprobes = probes.stream().mapToInt(p -> 1 + p.morestackOffsets().size() + p.returnOffsets().size()).sum();
                long t3 = System.nanoTime();
                agent.close();
                long t4 = System.nanoTime();
                return new Run((t1 - t0) / 1e6, (t2 - t1) / 1e6, (t4 - t3) / 1e6, uprobes,
                        Workload.number(own, "cpuNsPerCallNonLeaf"), perHit[0], perHit[1]);
            } finally {
                agent.close();
                if (on != null) {
                    on.close();
                }
            }
        }
    }

    /** ns per hit of golat_entry and golat_ret, from the kernel's counters; every loop call must have been timed. */
    private static double[] nsPerHit(long agentPid) throws Exception {
        Map<String, BpfStats.Program> byName = BpfStats.of(agentPid);
        BpfStats.Program entry = byName.get("golat_entry");
        BpfStats.Program ret = byName.get("golat_ret");
        assertThat(entry).as("golat_entry in %s", byName.keySet()).isNotNull();
        assertThat(ret).as("golat_ret in %s", byName.keySet()).isNotNull();
        assertThat(entry.runCnt()).as("entry hits timed by the kernel").isBetween((long) CALLS, CALLS + CALLS / 100L);
        assertThat(ret.runCnt()).as("return hits timed by the kernel").isBetween((long) CALLS, CALLS + CALLS / 100L);
        return new double[] {entry.nsPerHit(), ret.nsPerHit()};
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] a = runs.stream().mapToDouble(f).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
