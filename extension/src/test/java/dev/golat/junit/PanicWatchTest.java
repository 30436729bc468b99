// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec;
import dev.golat.agent.Counters;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The hidden probe that counts panics in flight: its sites against {@code go tool nm}, its count from a snapshot. */
class PanicWatchTest {

    static List<String> toolchains() {
        return GoTestBinaries.MATRIX;
    }

    @ParameterizedTest
    @MethodSource("toolchains")
    void its_sites_are_the_entries_of_runtime_gopanic_and_runtime_recovery(String go) throws Exception {
        Path bin = GoTestBinaries.program(go, "stmtserver");
        Map<String, Long> nm = GoTestBinaries.textSymbols(go, bin);

        PanicWatch watch = PanicWatch.plan(Planner.of(bin), List.of(0, 1, 5));

        // GIVEN ids up to 5 in use, WHEN planned, THEN one probe after them, at the two functions' first bytes
        assertThat(watch.probes()).hasSize(1);
        ProbeSpec spec = watch.probes().get(0);
        assertThat(spec.id()).isEqualTo(6);
        long base = 0x400000; // non-PIE: the text segment maps file offset 0 at 0x400000
        assertThat(spec.entryFileOffset()).isBetween(nm.get("runtime.gopanic") - base, nm.get("runtime.gopanic") - base + 16);
        assertThat(spec.returnOffsets()).hasSize(1);
        assertThat(spec.returnOffsets().get(0))
                .isBetween(nm.get("runtime.recovery") - base, nm.get("runtime.recovery") - base + 16);
    }

    @Test
    void panics_in_flight_are_its_entries_less_its_returns_and_never_below_zero() {
        PanicWatch watch = PanicWatch.plan(Planner.of(GoTestBinaries.program("go1.23", "stmtserver")), List.of(0));
        ProbeSnapshot traced = snapshot(0, 9, 9);

        assertThat(watch.inFlight(List.of(traced, snapshot(1, 3, 2)))).isEqualTo(1);
        assertThat(watch.inFlight(List.of(traced, snapshot(1, 3, 3)))).isZero();
        // a panic begun before the window's reset and recovered in it
        assertThat(watch.inFlight(List.of(traced, snapshot(1, 0, 1)))).isZero();
        assertThat(watch.inFlight(List.of(traced))).isZero();
    }

    @Test
    void no_watch_when_every_probe_id_is_taken() {
        List<Integer> all = java.util.stream.IntStream.range(0, dev.golat.agent.AgentProtocol.MAX_PROBES).boxed().toList();
        PanicWatch watch = PanicWatch.plan(Planner.of(GoTestBinaries.program("go1.23", "stmtserver")), all);

        assertThat(watch.probes()).isEmpty();
        assertThat(watch.inFlight(List.of(snapshot(0, 3, 0)))).isZero();
    }

    private static ProbeSnapshot snapshot(int id, long entries, long returns) {
        return new ProbeSnapshot(id, "f" + id, new Counters(entries, returns, 0, returns, 0, 0, 0, 0, 0), new int[0],
                new long[0]);
    }
}
