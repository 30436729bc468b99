// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.generics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentSession;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec;
import dev.golat.binary.GoBinary;
import dev.golat.binary.GoFunction;
import dev.golat.it.agent.AgentWorkloadIT;
import dev.golat.it.agent.Workload;
import dev.golat.plan.FunctionPlan;
import dev.golat.plan.Planner;
import dev.golat.result.CallCounts;
import dev.golat.result.Instantiation;
import dev.golat.result.Latency;
import dev.golat.result.Snapshots;
import dev.golat.testbins.GenericsRun;
import dev.golat.testbins.GoMatrix;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * go-testbins' generics program of every Go version, its generic functions traced by name, each as one latency
 * over all its instantiations (one probe per instantiation, merged the way the extension and golat trace merge
 * them), against the program's own figures: exact counts, merged and per instantiation (the program says itself
 * which body ran for which type argument), and Hold's percentiles against its own {@code time.Since}.
 */
class GenericsMatrixIT {
    private static final int ROUNDS = 40;

    /** A static build, and a stripped PIE (no symbol table: Go 1.19 names every instantiation [...]; load bias). */
    static Stream<Arguments> builds() {
        return GoMatrix.builds(Variant.DEFAULT, Variant.STRIPPED_PIE);
    }

    /**
     * One traced name: what the test writes, the key of the program's counts, the key of its entries (which body
     * ran), and the first Go version that has it.
     */
    private record Traced(String spec, String counted, String located, String since) {}

    private static final List<Traced> TRACED = List.of(
            new Traced("Hold", "Hold", "Hold", "go1.19"),
            new Traced("(*Stack).Push", "Push", "Push", "go1.19"),
            new Traced("(*Stack).Pop", "Pop", "Pop", "go1.19"),
            new Traced("Stack.Len", "Len", "Len", "go1.19"),
            new Traced("Counter", "Counter", "Counter", "go1.19"),
            new Traced("Counter.func1", "Counter.func1", "Counter.func1", "go1.19"),
            new Traced("applyCount", "applyCount", "applyCount", "go1.19"),
            new Traced("main.round", "round", "round", "go1.19"),
            new Traced("round.deferwrap1", "round.defer", null, "go1.22"),
            new Traced("(*Stack).Push-fm", "Push-fm", "Push-fm", "go1.21"),
            new Traced("Drain-range1", "Drain-range1", "Drain-range1", "go1.23"),
            new Traced("(*Stack).All.func1", "All.func1", "All.func1", "go1.23"));

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void every_generic_function_is_one_latency_with_exact_counts_per_instantiation(String go, Variant variant)
            throws Exception {
        Path binary = GoTestBinaries.program(go, variant, "generics");
        GoBinary bin = GoBinary.open(binary);
        Planner planner = Planner.of(bin);
        Map<Traced, FunctionPlan> plans = new LinkedHashMap<>();
        List<ProbeSpec> specs = new ArrayList<>();
        Map<Traced, List<Integer>> ids = new LinkedHashMap<>();
        for (Traced t : TRACED) {
            if (GoTestBinaries.compareGoVersions(go, t.since()) < 0) {
                continue;
            }
            FunctionPlan plan = planner.planFunction(t.spec());
            assertThat(plan.isGeneric()).as("%s in %s %s: %s", t.spec(), go, variant, plan.instances()).isTrue();
            plans.put(t, plan);
            List<Integer> mine = new ArrayList<>();
            plan.instances().forEach(p -> {
                mine.add(specs.size());
                specs.add(ProbeSpec.of(specs.size(), p));
            });
            ids.put(t, mine);
        }
        long mainMain = bin.lookup("main.main").entry();

        GenericsRun own;
        Map<Traced, Latency> traced = new LinkedHashMap<>();
        try (Workload w = Workload.start(binary, "-rounds", "" + ROUNDS, "-goroutines", "4", "-sleep", "1ms");
                AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", specs);
            w.go();
            own = GenericsRun.parse(w.result());
            List<ProbeSnapshot> all = agent.snapshot();
            plans.forEach((t, plan) -> traced.put(t, Snapshots.toLatency(t.spec(), plan,
                    ids.get(t).stream().map(all::get).toList(), null)));
        }

        assertThat(own.rounds()).isEqualTo(ROUNDS);
        for (Map.Entry<Traced, Latency> e : traced.entrySet()) {
            Traced t = e.getKey();
            Latency l = e.getValue();
            String what = t.spec() + " in " + go + " " + variant;
            CallCounts c = l.counts();
            assertThat(l.count()).as("%s: calls measured as one latency (%s)", what, c).isEqualTo(own.calls(t.counted()));
            assertThat(c.matched()).isEqualTo(l.count());
            assertThat(c.entries()).as("%s: %s", what, c).isEqualTo(own.calls(t.counted()));
            assertThat(c.unmatchedReturns() + c.didNotReturn() + c.readErrors() + c.inflight()).as("%s: %s", what, c).isZero();
            assertThat(l.instantiations()).as(what).hasSize(plans.get(t).instances().size());
            assertThat(l.instantiations().stream().mapToLong(i -> i.counts().matched()).sum()).isEqualTo(l.count());
            if (t.located() != null) {
                Map<Long, Long> theirs = own.callsByEntry(t.counted(), t.located(), mainMain);
                Map<Long, Long> ours = new TreeMap<>();
                for (Instantiation i : l.instantiations()) {
                    ours.put(i.entry(), i.counts().matched());
                }
                assertThat(ours).as("%s: calls per instantiation (entry -> calls), golat vs the program", what)
                        .isEqualTo(theirs);
            }
        }

        // One latency over all of Hold's instantiations against the program's clock around every Hold call.
        Latency hold = traced.get(TRACED.get(0));
        Map<String, Long> clock = own.hold("all");
        assertThat(hold.count()).isEqualTo(clock.get("count")).isEqualTo(ROUNDS * 21L);
        StringBuilder figures = new StringBuilder();
        for (String p : List.of("p50", "p90", "p99")) {
            long ours = hold.percentile(Double.parseDouble(p.substring(1))).toNanos();
            long theirs = clock.get(p);
            figures.append(String.format(" %s golat %d ns / program %d ns (%+.2f%%)", p, ours, theirs,
                    100.0 * (ours - theirs) / theirs)).append(String.format(" inside %d ns", own.holdInner("all").get(p)));
        }
        System.out.printf("GenericsMatrixIT %s %s: Hold over %d instantiations, n=%d:%s%n", go, variant,
                hold.instantiations().size(), hold.count(), figures);
        // golat's window lies, call by call, between Hold's own clock inside it and its caller's around it, so each
        // of golat's percentiles lies between the two clocks' (AgentWorkloadIT.assertBetweenClocks).
        Map<String, Long> inside = own.holdInner("all");
        for (String p : List.of("p50", "p90", "p99")) {
            AgentWorkloadIT.assertBetweenClocks("Hold " + p + " over " + hold.instantiations().size()
                    + " instantiations in " + go + " " + variant, hold.percentile(Double.parseDouble(p.substring(1)))
                    .toNanos(), inside.get(p), clock.get(p));
        }
        // Each instantiation's functions are where the program says its type arguments ran.
        for (Instantiation i : hold.instantiations()) {
            GoFunction f = bin.functionContaining(i.entry()).orElseThrow();
            assertThat(f.entry()).isEqualTo(i.entry());
        }
    }
}
