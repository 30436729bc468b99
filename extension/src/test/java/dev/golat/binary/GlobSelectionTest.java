// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.agent.ProbeSet;
import dev.golat.plan.GlobPlan;
import dev.golat.plan.PlanException;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A glob over many functions: the workload's 1,000 methods {@code main.(*fleet).M0000 … M0999} and {@code Fail}
 * (no RET), checked against {@code go tool nm} as the oracle of which functions exist.
 */
class GlobSelectionTest {
    private static final Path WORKLOAD = GoTestBinaries.program("go1.26", "workload");

    @Test
    void a_glob_over_many_methods_selects_each_one_sorted_by_name() throws Exception {
        GlobSelection all = GoBinary.open(WORKLOAD).selectAll("main.(*fleet).*");

        assertThat(all.isMany()).isTrue();
        assertThat(all.functions()).extracting(FunctionSelection::name).containsExactlyElementsOf(nm("main.(*fleet)."));
        assertThat(all.functions()).hasSize(1001);
        assertThat(all.wrappers()).isEmpty();
        // step and Inlined were inlined into every caller: no symbol of their own (nm), only inline-tree entries
        assertThat(all.inlinedOnly().keySet()).containsExactly("main.(*fleet).Inlined", "main.(*fleet).step");
        assertThat(nm("main.(*fleet).")).doesNotContain("main.(*fleet).Inlined", "main.(*fleet).step");
        assertThat(all.inlinedOnly().get("main.(*fleet).Inlined")).containsExactly("main.runFleet");
        assertThat(all.inlinedOnly().get("main.(*fleet).step")).hasSize(1000).startsWith("main.(*fleet).M0000");
    }

    @Test
    void a_plain_name_or_a_glob_over_one_function_selects_what_select_does() {
        GoBinary bin = GoBinary.open(WORKLOAD);
        assertThat(bin.selectAll("main.(*fleet).M000?").isMany()).isTrue();
        GlobSelection one = bin.selectAll("main.(*fleet).M0007*");
        assertThat(one.isMany()).isFalse();
        assertThat(one.functions().get(0).name()).isEqualTo("main.(*fleet).M0007");
        assertThat(bin.selectAll("smallNonLeaf").functions().get(0).name()).isEqualTo("main.smallNonLeaf");
    }

    @Test
    void the_probe_set_traces_each_measurable_function_under_its_full_name_and_skips_the_rest_with_a_warning() {
        ProbeSet.Builder b = ProbeSet.planning(Planner.of(WORKLOAD));
        ProbeSet.Selected s = b.functions("main.(*fleet).*");
        ProbeSet set = b.build();

        assertThat(s.many()).isTrue();
        assertThat(s.names()).hasSize(1000).startsWith("main.(*fleet).M0000").endsWith("main.(*fleet).M0999");
        assertThat(s.skipped()).hasSize(3);
        assertThat(s.skipped().get(0)).startsWith("main.(*fleet).Fail cannot be measured: it has no RET instruction");
        assertThat(s.skipped().get(1)).isEqualTo("main.(*fleet).Inlined was inlined into its one caller (main.runFleet), "
                + "so it has no code of its own to probe: trace a caller, or build with -gcflags=-l");
        assertThat(s.skipped().get(2)).isEqualTo("main.(*fleet).step was inlined into all 1000 of its callers "
                + "(main.(*fleet).M0000, main.(*fleet).M0001, main.(*fleet).M0002, ...), so it has no code of its own to "
                + "probe: trace a caller, or build with -gcflags=-l");
        assertThat(s.warnings()).filteredOn(w -> w.startsWith("not traced: ")).hasSize(3);
        assertThat(set.expand("main.(*fleet).*")).isEqualTo(s.names());
        assertThat(set.probes()).hasSize(1000);
        assertThat(set.get("main.(*fleet).M0500").function().function()).isEqualTo("main.(*fleet).M0500");
    }

    @Test
    void a_function_named_again_by_a_glob_is_traced_once() {
        ProbeSet.Builder b = ProbeSet.planning(Planner.of(WORKLOAD));
        b.function("M0003");
        ProbeSet.Selected s = b.functions("main.(*fleet).M000?");
        ProbeSet set = b.build();

        assertThat(s.names()).hasSize(10).contains("main.(*fleet).M0003");
        assertThat(set.probes()).hasSize(10);
        assertThat(set.entries()).hasSize(10);
        assertThat(set.get("main.(*fleet).M0003")).isSameAs(set.get("M0003"));
    }

    @Test
    void a_function_named_exactly_that_cannot_be_measured_still_fails() {
        ProbeSet.Builder b = ProbeSet.planning(Planner.of(WORKLOAD));
        assertThatThrownBy(() -> b.functions("main.(*fleet).Fail")).isInstanceOf(PlanException.class)
                .hasMessageStartingWith("main.(*fleet).Fail cannot be measured: it has no RET instruction");
    }

    @Test
    void the_planner_returns_every_plan_of_a_glob_measurable_or_not() {
        GlobPlan plan = Planner.of(WORKLOAD).planFunctions("main.(*fleet).F*l");
        assertThat(plan.many()).isFalse();
        assertThat(plan.functions()).singleElement().satisfies(p -> assertThat(p.measurable()).isFalse());
    }

    @Test
    void a_glob_that_matches_nothing_says_so_and_lists_close_names() {
        GoBinary bin = GoBinary.open(WORKLOAD);
        assertThatThrownBy(() -> bin.selectAll("main.(*fleet).X*")).isInstanceOf(GoBinaryException.class)
                .hasMessageStartingWith("no Go function matches the glob 'main.(*fleet).X*' in " + WORKLOAD + " (Go ")
                .hasMessageContaining("; closest: main.(*fleet).");
    }

    /** Text symbols of the binary starting with {@code prefix}, sorted by name: {@code go tool nm}. */
    private static List<String> nm(String prefix) {
        return GoTestBinaries.textSymbols("go1.26", WORKLOAD).keySet().stream().filter(n -> n.startsWith(prefix)).sorted()
                .toList();
    }
}
