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
    void should_give_a_glob_member_named_before_on_its_own_the_figures_of_both_names() {
        // GIVEN a function by its short name, then a glob over its type that selects it among others
        ProbeSet.Builder b = ProbeSet.planning(Planner.of(STMTSERVER));
        b.function("handleStmtExecute");
        ProbeSet.Selected glob = b.functions("main.(*clientConn).*");

        // WHEN
        ProbeSet set = b.build();

        // THEN the glob's member is probed once, and a snapshot has its figures under both names
        assertThat(glob.names()).contains("main.(*clientConn).handleStmtExecute", "main.(*clientConn).dispatch");
        assertThat(set.probes()).extracting(ProbeSpec::id).doesNotHaveDuplicates().hasSize(glob.names().size());
        int id = set.get("handleStmtExecute").ids().get(0);
        List<ProbeSnapshot> all = set.probes().stream().map(p -> snapshot(p.id(), "f" + p.id(), p.id() == id ? 7 : 1)).toList();
        var byName = set.byName(all);
        assertThat(byName.get("main.(*clientConn).handleStmtExecute")).isEqualTo(byName.get("handleStmtExecute"))
                .extracting(ProbeSnapshot::id).containsExactly(id);
        assertThat(byName.keySet()).containsAll(glob.names());
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
