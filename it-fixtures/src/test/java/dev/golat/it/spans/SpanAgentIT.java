// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.spans;

import dev.golat.it.agent.Workload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentSession;
import dev.golat.agent.Counters;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec;
import dev.golat.agent.SpanCounters;
import dev.golat.agent.SpanSpec;
import dev.golat.it.MiniJson;
import dev.golat.plan.Planner;
import dev.golat.testbins.EachGoBuild;
import dev.golat.testbins.EachGoVersion;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Spans on real Go processes through the host agent, for every build of the Go matrix, against stmtserver's own
 * clock: its {@code dispatchToTSO} figure is {@code time.Now()} at the top of handleStmtExecute to
 * {@code time.Now()} just before it calls getTSO, and {@code skippedTSO} counts the SETs that never get there.
 */
class SpanAgentIT {
    private static final String HANDLE = "main.(*clientConn).handleStmtExecute";
    private static final int CONNECTIONS = 4;
    private static final int PER_CONNECTION = 750;
    private static final int STATEMENTS = CONNECTIONS * PER_CONNECTION;

    @EachGoBuild
    void dispatch_to_tso_agrees_with_the_servers_clock_and_sets_are_not_reached(String go, Variant build)
            throws Exception {
        try (StmtServerProcess server = StmtServerProcess.start(go, build); AgentSession agent = HostAgent.start()) {
            SpanSpec span = server.span(0, "dispatch-to-tso", "handleStmtExecute", "getTSO");
            agent.start(server.pid(), "/proc/" + server.pid() + "/exe", List.of(), List.of(span));
            server.resetStats();
            agent.reset();
            server.drive(CONNECTIONS, PER_CONNECTION);
            String stats = server.stats();
            ProbeSnapshot s = agent.snapshot().get(0);
            SpanCounters c = s.spanCounters();

            assertThat(s.function()).isEqualTo("dispatch-to-tso");
            assertThat(MiniJson.number(stats, "requests")).isEqualTo(STATEMENTS);
            assertThat(c.completed()).as("completed (%s) vs the server's dispatchToTSO count", c)
                    .isEqualTo(MiniJson.number(stats, "dispatchToTSO.count"))
                    .isEqualTo(STATEMENTS - StmtServerProcess.sets(STATEMENTS));
            assertThat(c.notReached()).as("not reached (%s) vs the server's skippedTSO", c)
                    .isEqualTo(MiniJson.number(stats, "skippedTSO"))
                    .isEqualTo(StmtServerProcess.sets(STATEMENTS));
            assertThat(c.started()).as("started (%s)", c).isEqualTo(STATEMENTS);
            assertThat(c.unmatched() + c.stale() + c.errors() + c.overflow() + c.inflight()).as("%s", c).isZero();
            assertThat(s.totalCount()).isEqualTo(c.completed());
            System.out.printf("%s %s dispatch-to-tso: span p50/p90/p99 %d/%d/%d ns, server %d/%d/%d ns (%s)%n", go, build,
                    percentile(s, "p50"), percentile(s, "p90"), percentile(s, "p99"),
                    MiniJson.number(stats, "dispatchToTSO.p50"), MiniJson.number(stats, "dispatchToTSO.p90"),
                    MiniJson.number(stats, "dispatchToTSO.p99"), c);
            for (String p : List.of("p50", "p90")) {
                long ours = percentile(s, p);
                long theirs = MiniJson.number(stats, "dispatchToTSO." + p);
                assertAgrees("dispatch-to-tso " + p, ours, theirs);
                // The span's window contains the server's: it starts at the entry (before `start := time.Now()`)
                // and ends at getTSO's entry (after `t = time.Now()` and recording it), plus half of each trap.
                assertThat(ours).as("dispatch-to-tso %s: span %d ns, server %d ns", p, ours, theirs)
                        .isGreaterThanOrEqualTo(theirs - theirs / 100);
            }
        }
    }

    /**
     * handleStmtExecute's deferred closure runs just before the function returns, so the span
     * handleStmtExecute → handleStmtExecute.func1 is a little shorter than the function measured at its RETs by a
     * probe in the same run. The probe's entry shares the span's start site, its RETs are the span's cancel sites,
     * and a second span shares the start too: one site carries several programs.
     */
    @EachGoVersion
    void the_deferred_closure_span_is_just_shorter_than_the_function_at_its_returns(String go) throws Exception {
        try (StmtServerProcess server = StmtServerProcess.start(go); AgentSession agent = HostAgent.start()) {
            ProbeSpec probe = ProbeSpec.of(0, Planner.of(server.binary).plan(HANDLE));
            SpanSpec toDefer = server.span(1, "to-defer", HANDLE, HANDLE + ".func1");
            SpanSpec toTso = server.span(2, "dispatch-to-tso", HANDLE, "main.getTSO");
            assertThat(toDefer.startOffsets()).isEqualTo(List.of(probe.entryFileOffset()))
                    .isEqualTo(toTso.startOffsets());
            assertThat(toDefer.cancelOffsets()).as("cancel sites: the function's RETs")
                    .containsExactlyInAnyOrderElementsOf(probe.returnOffsets());
            agent.start(server.pid(), "/proc/" + server.pid() + "/exe", List.of(probe), List.of(toDefer, toTso));
            server.resetStats();
            agent.reset();
            server.drive(CONNECTIONS, PER_CONNECTION);
            String stats = server.stats();
            List<ProbeSnapshot> s = agent.snapshot();
            Counters fn = s.get(0).counters();
            SpanCounters span = s.get(1).spanCounters();

            assertThat(fn.matched()).as("%s", fn).isEqualTo(MiniJson.number(stats, "handleStmtExecute.count"))
                    .isEqualTo(STATEMENTS);
            assertThat(span.completed()).as("%s", span).isEqualTo(STATEMENTS);
            assertThat(span.notReached() + span.unmatched() + span.errors() + span.overflow() + span.inflight())
                    .as("%s", span).isZero();
            assertThat(s.get(2).spanCounters().completed()).isEqualTo(MiniJson.number(stats, "dispatchToTSO.count"));
            assertThat(s.get(2).spanCounters().notReached()).isEqualTo(MiniJson.number(stats, "skippedTSO"));
            System.out.printf("%s to-defer span p50/p90 %d/%d ns, handleStmtExecute at its RETs %d/%d ns%n", go,
                    percentile(s.get(1), "p50"), percentile(s.get(1), "p90"), percentile(s.get(0), "p50"),
                    percentile(s.get(0), "p90"));
            for (String p : List.of("p50", "p90")) {
                long function = percentile(s.get(0), p);
                long closure = percentile(s.get(1), p);
                // One bucket (< 1%) of slack for the order of the two programs at the shared start site.
                assertThat(closure).as("%s: span to the deferred closure %d ns, the function at its RETs %d ns", p,
                        closure, function).isLessThanOrEqualTo(function + function / 100)
                        .isGreaterThanOrEqualTo(function - 5_000 - function / 50);
            }
        }
    }

    /**
     * main.recurse → main.recurse:return: every recursive frame starts a span at its entry and ends it at its
     * RET, so each end must pair with the innermost open start: N × depth spans, none unmatched, while the stack
     * is grown under live frames (morestack re-runs the prologue: restarts, not new starts).
     */
    @EachGoVersion
    void recursive_frames_pair_with_the_innermost_open_start(String go) throws Exception {
        try (Workload w = Workload.start(go, "-mode", "recurse", "-n", "200", "-depth", "64");
                AgentSession agent = HostAgent.start()) {
            ProbeSpec probe = w.probe(0, "main.recurse");
            SpanSpec span = w.span(1, "recurse", "main.recurse", "main.recurse:return");
            assertThat(span.cancelOffsets()).as("a RET that ends the span does not cancel it").isEmpty();
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(probe), List.of(span));
            w.go();
            String own = w.result();
            List<ProbeSnapshot> s = agent.snapshot();
            SpanCounters c = s.get(1).spanCounters();

            assertThat(c.completed()).as("%s", c).isEqualTo(MiniJson.number(own, "count")).isEqualTo(200 * 64);
            assertThat(c.started()).as("%s", c).isEqualTo(200 * 64);
            assertThat(c.unmatched() + c.notReached() + c.errors() + c.overflow() + c.inflight()).as("%s", c).isZero();
            assertThat(c.restarts()).as("restarts after morestack (%s) = the probe's reentries", c)
                    .isPositive().isEqualTo(s.get(0).counters().reentries());
            // The program's pX must lie between the span's p(X-1) and p(X+3), as AgentWorkloadIT compares the probe.
            Histogram h = s.get(1).toHistogram();
            for (int x : List.of(50, 90)) {
                long theirs = MiniJson.number(own, "p" + x);
                long low = h.getValueAtPercentile(x - 1);
                long high = h.getValueAtPercentile(Math.min(100, x + 3));
                assertThat(theirs).as("main.recurse p%d: the program's clock %d ns, span p%d..p%d %d..%d ns", x,
                        theirs, x - 1, x + 3, low, high).isBetween(low - tolerance(low), high + tolerance(high));
            }
        }
    }

    /**
     * Deeper recursion than the agent keeps open starts for: each call's 8 outermost starts are dropped (overflow),
     * their ends find no start (unmatched), and the 64 innermost frames still pair exactly.
     */
    @EachGoVersion
    void recursion_deeper_than_the_stack_drops_the_oldest_starts_and_says_so(String go) throws Exception {
        int depth = dev.golat.agent.AgentProtocol.SPAN_STACK + 8;
        try (Workload w = Workload.start(go, "-mode", "recurse", "-n", "50", "-depth", Integer.toString(depth));
                AgentSession agent = HostAgent.start()) {
            SpanSpec span = w.span(0, "recurse", "main.recurse", "main.recurse:return");
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(), List.of(span));
            w.go();
            String own = w.result();
            SpanCounters c = agent.snapshot().get(0).spanCounters();

            assertThat(MiniJson.number(own, "count")).isEqualTo(50L * depth);
            assertThat(c.started()).as("%s", c).isEqualTo(50L * depth);
            assertThat(c.completed()).as("%s", c).isEqualTo(50L * dev.golat.agent.AgentProtocol.SPAN_STACK);
            assertThat(c.unmatched()).as("%s", c).isEqualTo(50L * 8);
            assertThat(c.overflow() + c.errors()).as("overflow (%s)", c).isEqualTo(50L * 8);
        }
    }

    static void assertAgrees(String what, long golatNs, long ownNs) {
        long tolerance = tolerance(ownNs);
        assertThat(golatNs).as("%s: span %d ns vs the server's own clock %d ns (tolerance %d ns)", what, golatNs, ownNs,
                tolerance).isBetween(ownNs - tolerance, ownNs + tolerance);
    }

    /** max(2%, 15 µs), the tolerance of the probe tests. */
    static long tolerance(long nanos) {
        return Math.max(15_000, nanos / 50);
    }

    static long percentile(ProbeSnapshot s, String name) {
        return s.toHistogram().getValueAtPercentile(Double.parseDouble(name.substring(1)));
    }
}
