// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.binary.GoBinary;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same function named twice in one session is probed once; every name it was given sees its figures. */
class ProbeSetTest {
    private static final GoBinary STMTSERVER = GoBinary.open(GoTestBinaries.program("go1.21", "stmtserver"));

    @Test
    void should_probe_a_function_named_twice_by_two_names_once() {
        // GIVEN the short name, then the full name of the same function, then another function
        ProbeSet.Builder b = ProbeSet.planning(Planner.of(STMTSERVER));
        b.function("handleStmtExecute");
        b.function("main.(*clientConn).handleStmtExecute");
        b.function("getTSO");

        // WHEN
        ProbeSet set = b.build();

        // THEN the second name is an alias: no probe of its own, the first name's ids
        ProbeSet.Entry first = set.get("handleStmtExecute");
        ProbeSet.Entry second = set.get("main.(*clientConn).handleStmtExecute");
        assertThat(first.isAlias()).isFalse();
        assertThat(second.isAlias()).isTrue();
        assertThat(second.sameAs()).isEqualTo("handleStmtExecute");
        assertThat(second.ids()).isEqualTo(first.ids());
        assertThat(set.probes()).extracting(ProbeSpec::id).containsExactly(0, 1);
        assertThat(set.get("getTSO").ids()).containsExactly(1);

        // and a snapshot gives both names the same figures
        ProbeSnapshot handle = snapshot(0, "main.(*clientConn).handleStmtExecute", 7);
        ProbeSnapshot tso = snapshot(1, "main.getTSO", 3);
        var byName = set.byName(List.of(handle, tso));
        assertThat(byName.keySet()).containsExactly("handleStmtExecute", "main.(*clientConn).handleStmtExecute", "getTSO");
        assertThat(byName.get("main.(*clientConn).handleStmtExecute")).containsExactly(handle);
        assertThat(byName.get("handleStmtExecute")).containsExactly(handle);
    }

    @Test
    void should_probe_a_name_given_twice_once_without_an_alias() {
        ProbeSet.Builder b = ProbeSet.planning(Planner.of(STMTSERVER));
        b.function("handleStmtExecute");
        b.function("handleStmtExecute");

        ProbeSet set = b.build();

        assertThat(set.entries()).hasSize(1);
        assertThat(set.probes()).hasSize(1);
    }

    @Test
    void should_probe_a_function_and_a_point_inside_it_separately() {
        // GIVEN a name and an offset into the same function: different entry sites, so two probes
        ProbeSet.Builder b = ProbeSet.planning(Planner.of(STMTSERVER));
        b.function("handleStmtExecute");
        long entry = b.build().get("handleStmtExecute").function().instances().get(0).entry();
        b.function(String.format("0x%x", entry));

        ProbeSet set = b.build();

        assertThat(set.entries()).extracting(ProbeSet.Entry::isAlias).containsExactly(false, true)
                .as("the entry address selects the same function at the same sites");
        assertThat(set.probes()).hasSize(1);
    }

    private static ProbeSnapshot snapshot(int id, String name, long entries) {
        return SnapshotParser.histLine("hist " + id, id, name,
                SnapshotParser.probeLine("probe " + id + " entries=" + entries + " returns=" + entries + " matched="
                        + entries + " unmatched=0 stale=0 reentries=0 dnr=0 inflight=0 errors=0").getValue());
    }
}
