// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.agent.AgentProtocol;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec;
import dev.golat.plan.Planner;
import dev.golat.plan.ProbePlan;
import java.util.List;

/**
 * Panics in flight in a traced service, so that a crash that began inside a test fails that test. A Go panic runs the
 * deferred calls first (a handler's {@code defer conn.Close()}: the test sees its connection close and ends), and only
 * then prints the panic and exits; golat's snapshot at the end of the test can come in between. One hidden probe
 * counts it: its entry site is {@code runtime.gopanic}'s (hit before any deferred call runs), its "return" site the
 * entry of {@code runtime.recovery} (where a recovered panic resumes; it runs on the scheduler's stack, so every hit is
 * an unmatched return). Entries minus returns in the window are the panics neither recovered nor yet fatal.
 */
final class PanicWatch {
    /** The hidden probe's name in the agent's messages. */
    static final String NAME = "golat.panics";

    private final ProbeSpec spec; // null: the runtime's functions could not be planned (no watch)

    private PanicWatch(ProbeSpec spec) {
        this.spec = spec;
    }

    /** Plans the watch with the first id after {@code used}; none when the binary's runtime does not allow it. */
    static PanicWatch plan(Planner planner, List<Integer> used) {
        int id = used.stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        if (id >= AgentProtocol.MAX_PROBES) {
            return new PanicWatch(null);
        }
        try {
            ProbePlan panic = planner.plan("runtime.gopanic");
            ProbePlan recovery = planner.plan("runtime.recovery");
            return new PanicWatch(ProbeSpec.of(id, NAME, panic.entrySite().fileOffset(), panic.entrySite().kind(),
                    panic.morestackSites(), List.of(recovery.entrySite().fileOffset())));
        } catch (RuntimeException e) {
            return new PanicWatch(null); // a runtime without them: a crash is noticed when the agent's output ends
        }
    }

    /** The probe to attach beside the traced ones (none without a watch). */
    List<ProbeSpec> probes() {
        return spec == null ? List.of() : List.of(spec);
    }

    /** Panics begun in the window and neither recovered nor ended yet, by {@code snapshot}. */
    long inFlight(List<ProbeSnapshot> snapshot) {
        if (spec == null) {
            return 0;
        }
        for (ProbeSnapshot s : snapshot) {
            if (s.id() == spec.id() && !s.isSpan()) {
                return Math.max(0, s.counters().entries() - s.counters().returns());
            }
        }
        return 0;
    }
}
