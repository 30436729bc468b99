// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static dev.golat.it.agent.Workload.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentProtocol;
import dev.golat.agent.AgentSession;
import dev.golat.agent.BreakdownSnapshot;
import dev.golat.agent.BreakdownSpec;
import dev.golat.agent.Component;
import dev.golat.agent.ExemplarSnapshot;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSpec;
import dev.golat.plan.Planner;
import dev.golat.testbins.EachGoVersion;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.it.SlowestCalls;
import dev.golat.it.SlowestCalls.Call;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The breakdown's exemplars (the slowest calls of a window) on real Go processes of every Go version, against the
 * program's own record of its calls (go-testbins' workload {@code -mode breakdown -variant exemplar}, see its
 * exemplar.go): four goroutines call {@code main.bdExemplar} 200 times each, every 100th call sleeps 20 ms, and the
 * program lists its slowest calls by its own clock, each with the goroutine id its runtime prints in a stack trace
 * ({@code goroutine N [running]:}). The agent's exemplars must be exactly the program's eight slowest calls: the same
 * goroutines, each duration between the call's clock inside the function and its caller's clock, its states adding up
 * to its duration and, for a sleeping call, its sleep at least the 20 ms asked (a call the loaded machine stalled
 * longer than that is among the slowest by the program's clock too, and is matched the same way). Two rounds: the
 * first window closed by a {@code take}, the second read by a {@code snapshot}, which must hold the second round's
 * calls (new goroutines), none of the first's; after a {@code reset}, none at all.
 */
public class ExemplarIT {
    private static final int K = AgentProtocol.BD_EXEMPLARS;
    private static final long SLEEP_NS = 20_000_000;
    private static final Set<Component> STATES = EnumSet.of(Component.RUNNING, Component.OFFCPU,
            Component.RUNNABLE, Component.OTHER, Component.WAITING);
    @EachGoVersion
    void the_exemplars_are_the_programs_slowest_calls_with_their_goroutines_and_parts(String go) throws Exception {
        Path bin = GoTestBinaries.program(go, "workload");
        Planner planner = Planner.of(bin);
        BreakdownSpec hooks = BreakdownSpec.of(planner.planBreakdown());
        ProbeSpec spec = ProbeSpec.of(0, planner.plan("main.bdExemplar")).withBreakdown(true);
        try (Workload w = Workload.start(bin, "-mode", "breakdown", "-variant", "exemplar", "-n", "800",
                "-goroutines", "4", "-every", "100", "-sleep", "20ms", "-rounds", "2", "-hold");
                AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(spec), List.of(), hooks);
            w.go();
            List<Call> first = calls(w.roundResult());
            assertExemplars(agent.take().get(0).breakdown().orElseThrow(), first);
            w.go();
            List<Call> second = calls(w.roundResult());
            assertThat(goroutines(second)).as("the second round runs on new goroutines (%s; %s)", first, second)
                    .doesNotContainAnyElementsOf(goroutines(first));
            assertExemplars(agent.snapshot().get(0).breakdown().orElseThrow(), second);
            agent.reset();
            assertThat(agent.snapshot().get(0).breakdown().orElseThrow().exemplars()).as("after a reset, no call yet")
                    .isEmpty();
        }
    }

    private static void assertExemplars(BreakdownSnapshot bd, List<Call> program) {
        String both = "golat " + bd + " " + bd.exemplars() + "; program's slowest " + program;
        assertThat(bd.calls()).as("calls broken down: %s", both).isEqualTo(800);
        SlowestCalls top = SlowestCalls.top(program, K);
        assertThat(bd.exemplars()).as(both).hasSize(K);
        for (ExemplarSnapshot e : bd.exemplars()) {
            Call match = top.take(e.goroutine(), e.nanos(), e);
            long states = STATES.stream().mapToLong(e::part).sum();
            assertThat(states).as("states of %s add up to its duration within 1%% + 5 µs", e)
                    .isBetween(e.nanos() - e.nanos() / 100 - 5_000, e.nanos() + e.nanos() / 100 + 5_000);
            if (match.slow()) {
                assertThat(e.part(Component.WAIT_SLEEP)).as("%s asleep at least the 20 ms asked (%s)", e, match)
                        .isBetween(SLEEP_NS - 20_000, e.nanos());
            }
            assertThat(e.part(Component.WAITING)).as("%s: every wait is the sleep", e)
                    .isEqualTo(e.part(Component.WAIT_SLEEP));
        }
    }

    private static List<Call> calls(String json) {
        assertThat(number(json, "count")).as("calls the program made: %s", json).isEqualTo(800);
        return SlowestCalls.parse(json);
    }

    private static Set<Long> goroutines(List<Call> calls) {
        return calls.stream().map(Call::goroutine).collect(Collectors.toSet());
    }
}
