// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.agent.ProbeSpec;
import dev.golat.binary.FunctionSelection;
import dev.golat.binary.GoBinary;
import dev.golat.binary.GoBinaryException;
import dev.golat.testbins.GoMatrix;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Planning a generic function: one probe plan per instantiation, each planned as that function alone would be. */
class GenericPlanTest {

    static Stream<Arguments> builds() {
        return GoMatrix.builds(Variant.DEFAULT, Variant.STRIPPED_PIE);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void a_generic_name_plans_every_instantiation_like_its_address(String go, Variant variant) {
        GoBinary bin = GoBinary.open(GoTestBinaries.program(go, variant, "generics"));
        Planner planner = Planner.of(bin);
        FunctionSelection selection = bin.select("Hold");

        FunctionPlan plan = planner.planFunction("Hold");

        assertThat(plan.spec()).isEqualTo("Hold");
        assertThat(plan.function()).isEqualTo("main.Hold[...]");
        assertThat(plan.isGeneric()).isTrue();
        assertThat(plan.measurable()).isTrue();
        assertThat(plan.instances()).extracting(ProbePlan::entry)
                .containsExactlyElementsOf(selection.functions().stream().map(f -> f.entry()).toList());
        assertThat(plan.instances()).extracting(ProbePlan::function)
                .containsExactlyElementsOf(selection.instances().stream().map(FunctionSelection.Instance::name).toList());
        for (ProbePlan p : plan.instances()) {
            // Hold has a stack check: entered at its jcc, like any function named by its name.
            assertThat(p.entrySite().kind()).isEqualTo(EntryKind.JCC);
            FunctionPlan byAddress = planner.planFunction(String.format("0x%x", p.entry()));
            assertThat(byAddress.isGeneric()).isFalse();
            assertThat(byAddress.instances().get(0).entrySite()).isEqualTo(p.entrySite());
            assertThat(byAddress.instances().get(0).returns()).isEqualTo(p.returns());
            // The agent's name has no whitespace, even for a struct shape.
            assertThat(ProbeSpec.of(0, p).name()).doesNotContainAnyWhitespaces();
        }
        // An address past the entry is one probe point, at that instruction.
        ProbePlan first = plan.instances().get(0);
        FunctionPlan inside = planner.planFunction(String.format("0x%x", first.entrySite().address()));
        assertThat(inside.instances().get(0).entrySite().kind()).isEqualTo(EntryKind.OFFSET);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void an_offset_needs_one_instantiation(String go, Variant variant) {
        GoBinary bin = GoBinary.open(GoTestBinaries.program(go, variant, "generics"));

        assertThatThrownBy(() -> Planner.of(bin).planFunction("Hold+4")).isInstanceOf(GoBinaryException.class)
                .hasMessageStartingWith("'Hold' names the generic function main.Hold[...] in ")
                .hasMessageContaining("which has 4 instantiations: ")
                .hasMessageContaining("; pick one by its ");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void a_function_that_is_not_generic_is_one_plan(String go, Variant variant) {
        Planner planner = Planner.of(GoTestBinaries.program(go, variant, "generics"));

        FunctionPlan plan = planner.planFunction("main.(*tally).Push");

        assertThat(plan.isGeneric()).isFalse();
        assertThat(plan.instances()).hasSize(1);
        assertThat(plan.function()).isEqualTo("main.(*tally).Push");
        assertThat(plan.instances().get(0)).isEqualTo(planner.plan("main.(*tally).Push"));
    }
}
