// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import static dev.golat.it.agent.Workload.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentControls;
import dev.golat.agent.AgentSession;
import dev.golat.agent.Counters;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec.KeyMode;
import dev.golat.agent.ProbeSpec.Mode;
import dev.golat.agent.ProbeSpec;
import dev.golat.it.Scale;
import dev.golat.testbins.EachGoBuild;
import dev.golat.testbins.EachGoVersion;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The agent on real Go processes, for every build of the Go matrix (version × variant: default, stripped, PIE,
 * stripped PIE, cgo), against the program's own clock ({@code time.Since} around every call). Each run also carries
 * a thread-keyed control probe at the same sites, which must come out wrong: proof that these checks can fail.
 * The agent's own paths (a channel wait, the spill map) run once per version. Call counts scale with
 * {@link Scale#calls} ({@code -Pgolat-matrix-full}).
 */
public class AgentWorkloadIT {

    @EachGoBuild
    void block_sleep_agrees_with_the_programs_clock_and_thread_keys_do_not(String go, Variant build) throws Exception {
        blockAgrees(go, build, "sleep", "main.blockSleep");
    }

    @EachGoVersion
    void block_chan_agrees_with_the_programs_clock_and_thread_keys_do_not(String go) throws Exception {
        blockAgrees(go, Variant.DEFAULT, "chan", "main.blockChan");
    }

    private void blockAgrees(String go, Variant build, String variant, String function) throws Exception {
        int n = Scale.calls(2000);
        try (Workload w = Workload.start(go, build, "-mode", "block", "-variant", variant, "-n", Integer.toString(n),
                "-goroutines", "8", "-sleep", "200us");
                AgentSession agent = HostAgent.start()) {
            ProbeSpec spec = w.probe(0, function);
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe",
                    List.of(spec, spec.with(1, KeyMode.THREAD, Mode.MEASURE)));
            w.go();
            String own = w.result();
            List<ProbeSnapshot> s = agent.snapshot();
            Counters c = s.get(0).counters();

            assertThat(c.matched()).as("%s", c).isEqualTo(number(own, "count")).isEqualTo(n);
            assertThat(c.unmatchedReturns()).as("%s", c).isZero();
            assertThat(c.didNotReturn() + c.readErrors() + c.staleReturns()).as("%s", c).isZero();
            assertThat(s.get(0).totalCount()).isEqualTo(c.matched());
            for (String p : List.of("p50", "p90", "p99")) {
                assertBetweenClocks(function + " " + p, percentile(s.get(0), p), number(own, "inner." + p), number(own, p));
            }
            long control = percentile(s.get(1), "p50");
            long theirs = number(own, "p50");
            assertThat(Math.abs(control - theirs)).as("thread-keyed p50 %d ns vs the program's %d ns (%s)", control,
                    theirs, s.get(1).counters()).isGreaterThan(10 * tolerance(theirs));
        }
    }

    @EachGoBuild
    void recursion_through_stack_growth_pairs_every_frame_and_thread_keys_do_not(String go, Variant build)
            throws Exception {
        recursion(go, build, 0);
    }

    /** Four slots for hundreds of frames in flight: nearly every frame takes the spill map's path. */
    @EachGoVersion
    void recursion_pairs_every_frame_through_the_spill_map(String go) throws Exception {
        recursion(go, Variant.DEFAULT, 2);
    }

    private void recursion(String go, Variant build, int slotBits) throws Exception {
        int n = Scale.calls(200);
        try (Workload w = Workload.start(go, build, "-mode", "recurse", "-n", Integer.toString(n), "-depth", "64");
                AgentSession agent = HostAgent.start()) {
            AgentControls.slotBits(agent, slotBits);
            ProbeSpec spec = w.probe(0, "main.recurse");
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe",
                    List.of(spec, spec.with(1, KeyMode.THREAD, Mode.MEASURE)));
            w.go();
            String own = w.result();
            List<ProbeSnapshot> s = agent.snapshot();
            Counters c = s.get(0).counters();

            assertThat(c.matched()).as("%s", c).isEqualTo(number(own, "count")).isEqualTo(n * 64L);
            assertThat(c.unmatchedReturns() + c.didNotReturn() + c.readErrors()).as("%s", c).isZero();
            assertThat(c.reentries()).as("prologues run again after morestack (%s)", c).isPositive();
            // A frame's time is mostly the probe traps of the frames nested in it, so the distribution is a
            // staircase with cliffs (calls that met a GC or a descheduling): where a nearest-rank percentile sits on
            // a cliff, a few frames more or less on one side move it by milliseconds. So compare by rank: the
            // program's pX must lie between golat's p(X-1) and p(X+3) (+- tolerance). The window the program
            // times contains golat's plus this frame's own traps, so golat may have a few frames faster, not slower.
            Histogram h = s.get(0).toHistogram();
            for (int x : List.of(50, 90)) {
                long theirs = number(own, "p" + x);
                long low = h.getValueAtPercentile(x - 1);
                long high = h.getValueAtPercentile(Math.min(100, x + 3));
                assertThat(theirs).as("main.recurse p%d: the program's clock %d ns, golat p%d..p%d %d..%d ns", x,
                        theirs, x - 1, x + 3, low, high)
                        .isBetween(low - tolerance(low), high + tolerance(high));
            }
            // Not p99: its 128 slowest frames are the nested frames of one or two such calls, all on the cliff.
            Counters control = s.get(1).counters();
            assertThat(control.unmatchedReturns()).as("thread-keyed control %s", control)
                    .isGreaterThan(control.returns() / 2);
        }
    }

    @EachGoBuild
    void a_panicking_frame_is_counted_as_did_not_return_never_as_latency(String go, Variant build) throws Exception {
        didNotReturn(go, build, "panic", "main.mayPanic", "panics");
    }

    @EachGoBuild
    void a_goexit_frame_is_counted_as_did_not_return_never_as_latency(String go, Variant build) throws Exception {
        didNotReturn(go, build, "goexit", "main.mayGoexit", "goexits");
    }

    private void didNotReturn(String go, Variant build, String mode, String function, String field) throws Exception {
        int n = Scale.calls(1000);
        try (Workload w = Workload.start(go, build, "-mode", mode, "-n", Integer.toString(n), "-every", "10", "-sleep",
                "0");
                AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(w.probe(0, function)));
            w.go();
            String own = w.result();
            Counters c = agent.snapshot().get(0).counters();

            assertThat(number(own, field)).isEqualTo(n / 10);
            assertThat(c.matched()).as("%s", c).isEqualTo(number(own, "count")).isEqualTo(n - n / 10);
            assertThat(c.didNotReturn() + c.inflight()).as("%s", c).isEqualTo(number(own, field));
            assertThat(c.entries()).as("%s", c).isEqualTo(n);
            assertThat(c.unmatchedReturns() + c.readErrors()).as("%s", c).isZero();
        }
    }

    static long percentile(ProbeSnapshot s, String name) {
        Histogram h = s.toHistogram();
        double p = switch (name) {
            case "p50" -> 50;
            case "p90" -> 90;
            case "p99" -> 99;
            default -> throw new IllegalArgumentException(name);
        };
        return h.getValueAtPercentile(p);
    }

    /**
     * max(2%, 15 µs). The program's clock also holds the cost of the probes themselves: the RET probe takes its
     * timestamp before the kernel single-steps the RET (~10 µs here), so the program reads ~10 µs more per call.
     */
    public static long tolerance(long nanos) {
        return Math.max(15_000, nanos / 50);
    }

    /**
     * The check of every block-mode oracle: golat's percentile lies between the same percentile of the program's
     * two clocks, within {@link #tolerance} (golat's bucket resolution and the clocks' granularity). The program
     * times each call twice: inside the traced function, from just after its entry to just before its RET
     * ({@code inner}), and from the caller around the call ({@code outer}). golat's entry and RET probes fire
     * between the two, call by call, so the k-th smallest of golat's durations lies between the k-th smallest of
     * each clock: no percentile of a correct tracer can leave that interval, however loaded the machine is.
     */
    public static void assertBetweenClocks(String what, long ours, long inner, long outer) {
        assertThat(inner).as("%s: the program's inner clock %d ns above its caller's %d ns", what, inner, outer)
                .isLessThanOrEqualTo(outer);
        assertThat(ours).as("%s: golat %d ns, the program's clocks: inside the function %d ns, around the call %d ns",
                what, ours, inner, outer).isBetween(inner - tolerance(inner), outer + tolerance(outer));
    }
}
