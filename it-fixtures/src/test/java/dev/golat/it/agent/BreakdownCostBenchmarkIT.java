// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentSession;
import dev.golat.agent.BreakdownSpec;
import dev.golat.agent.HookCounts;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSpec;
import dev.golat.plan.Planner;
import dev.golat.testbins.EachGoVersion;
import dev.golat.testbins.GoTestBinaries;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the breakdown costs, as the kernel times the BPF programs ({@code kernel.bpf_stats_enabled=1} for the run,
 * the previous value restored; {@code bpftool prog show --json}: run_time_ns / run_cnt): per goroutine state change
 * (golat_casg at runtime.casgstatus), per context switch the tracepoint sees (golat_switch, which runs for every
 * switch on the machine and returns at once for other processes), and per traced call the breakdown's own entry and
 * return programs beside the probe's. Printed side by side with the probe's entry and return programs of the same
 * run; only non-timing facts are asserted (the kernel timed every hit: one breakdown return per call, at least as
 * many casgstatus hits as the agent counted transitions). Not included: the kernel's trap and emulation or
 * single-step of each uprobe hit (the same per site, see AgentOverheadBenchmarkIT), which a casgstatus probe adds
 * per state change (single-stepped on Go 1.19, whose casgstatus starts with SUB; emulated PUSH elsewhere).
 *
 * <p>Not part of the normal build (the statistics switch is the whole machine's, and another user turning it off
 * mid-run makes the figures wrong, which the hit counts then catch): {@code mvn -o -pl it-fixtures -am verify
 * -Pbreakdown-bench -Dit.test=BreakdownCostBenchmarkIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "golat.bench.breakdown", matches = "true")
class BreakdownCostBenchmarkIT {
    private static final int CALLS = 2000;

    @EachGoVersion
    void prints_the_cost_per_state_change_per_switch_and_per_call(String go) throws Exception {
        Path bin = GoTestBinaries.program(go, "workload");
        Planner planner = Planner.of(bin);
        BreakdownSpec hooks = BreakdownSpec.of(planner.planBreakdown());
        ProbeSpec spec = ProbeSpec.of(0, planner.plan("main.blockChan")).withBreakdown(true);
        try (Workload w = Workload.start(bin, "-mode", "breakdown", "-variant", "chan", "-n",
                Integer.toString(CALLS), "-sleep", "100us");
                AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(spec), List.of(), hooks);
            Map<String, long[]> stats;
            try (BpfStats on = BpfStats.on()) {
                w.go();
                w.result();
                agent.snapshot();
                stats = stats(BpfStats.agentPid());
            }
            HookCounts h = agent.hooks();

            assertThat(stats).containsKeys("golat_entry", "golat_ret", "golat_bd_entry", "golat_bd_ret", "golat_casg",
                    "golat_switch");
            assertThat(stats.get("golat_bd_ret")[0]).as("breakdown returns timed (%s); fewer: the BPF statistics were"
                    + " switched off meanwhile by another user of this machine, run again", h).isEqualTo(CALLS);
            assertThat(stats.get("golat_casg")[0]).as("casgstatus hits timed vs transitions counted (%s)", h)
                    .isGreaterThanOrEqualTo(h.transitions());
            StringBuilder out = new StringBuilder(String.format("breakdown cost, %s, main.blockChan x %d"
                    + " (kernel BPF stats, ns per hit; program time only):%n", go, CALLS));
            stats.forEach((name, s) -> out.append(String.format("  %-20s %10d hits %8.0f ns/hit%n", name, s[0],
                    (double) s[1] / s[0])));
            double probe = perCall(stats, "golat_entry") + perCall(stats, "golat_ret");
            double bd = perCall(stats, "golat_bd_entry") + perCall(stats, "golat_bd_ret");
            double casg = perCall(stats, "golat_casg");
            double sw = perCall(stats, "golat_switch");
            out.append(String.format("  per traced call: probe programs %.0f ns; breakdown adds %.0f ns (entry+return)"
                    + " + %.0f ns (casgstatus, %.1f hits/call) + %.0f ns (sched_switch, %.1f hits/call, the machine's)"
                    + " = %.2fx the probe programs%n", probe, bd, casg, (double) stats.get("golat_casg")[0] / CALLS,
                    sw, (double) stats.get("golat_switch")[0] / CALLS, (probe + bd + casg + sw) / probe));
            System.out.print(out);
        }
    }

    /** Program time of {@code name} over the run, per traced call. */
    private static double perCall(Map<String, long[]> stats, String name) {
        return (double) stats.get(name)[1] / CALLS;
    }

    /** name -> {run_cnt, run_time_ns} of each program the agent holds. */
    private static Map<String, long[]> stats(long agentPid) throws Exception {
        Map<String, long[]> m = new LinkedHashMap<>();
        BpfStats.of(agentPid).forEach((name, p) -> m.put(name, new long[] {p.runCnt(), p.runTimeNs()}));
        return m;
    }
}
