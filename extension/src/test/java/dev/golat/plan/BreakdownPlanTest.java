// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.testbins.GoTestBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Planner#planBreakdown()} against {@code go tool nm} and the first PT_LOAD of each binary. */
class BreakdownPlanTest {

    static List<String> toolchains() {
        return GoTestBinaries.MATRIX;
    }

    @ParameterizedTest
    @MethodSource("toolchains")
    void the_hooks_are_the_entry_sites_of_the_runtime_functions_go_tool_nm_names(String go) throws Exception {
        Path bin = GoTestBinaries.program(go, "workload");
        BreakdownPlan plan = Planner.of(bin).planBreakdown();
        Map<String, Long> nm = GoTestBinaries.textSymbols(go, bin);
        // Non-PIE: the text segment maps file offset 0 at 0x400000.
        long base = 0x400000;
        assertHook(plan.casgstatus(), nm.get("runtime.casgstatus") - base);
        assertHook(plan.stopWorld(), nm.get("runtime.stopTheWorldWithSema") - base);
        assertHook(plan.startWorld(), nm.get("runtime.startTheWorldWithSema") - base);
        assertThat(plan.warnings()).isEmpty();
    }

    /** The entry site is the function's first instruction or its stack-check jump, within its first 16 bytes. */
    private static void assertHook(long site, long entry) {
        assertThat(site).isBetween(entry, entry + 16);
    }

    @Test
    void a_go_version_without_a_derived_table_is_refused_with_the_versions_that_have_one() {
        Path bin = GoTestBinaries.cached("esbuild-go125");
        assertThat(Files.isRegularFile(bin)).as("%s (scripts/bootstrap fetches it)", bin).isTrue();
        assertThatThrownBy(() -> Planner.of(bin).planBreakdown())
                .isInstanceOf(PlanException.class)
                .hasMessageContaining("esbuild-go125 (Go go1.25.4)")
                .hasMessageContaining("no g.waitreason offset and wait-reason table derived for Go 1.25")
                .hasMessageContaining("1.19, 1.21, 1.22, 1.23, 1.26, 1.27")
                .hasMessageContaining("trace without breakdown");
    }
}
