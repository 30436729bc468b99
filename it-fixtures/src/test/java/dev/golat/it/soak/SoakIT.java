// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.soak;

import static dev.golat.it.agent.Workload.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.agent.AgentControls;
import dev.golat.agent.AgentProtocol;
import dev.golat.agent.AgentSession;
import dev.golat.agent.Buckets;
import dev.golat.agent.Counters;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.agent.ProbeSpec;
import dev.golat.agent.SpanCounters;
import dev.golat.agent.SpanSpec;
import dev.golat.it.agent.Workload;
import dev.golat.testbins.EachGoVersion;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak, per Go version: many probed calls in every mode at once, tables overrun on purpose, a new window every
 * millisecond under load; every figure checked against the workload's own count, none lost, none made up.
 * {@code -Dgolat.soak=full} (profile {@code golat-soak}) runs ≥ 10 M probed calls per version; the default (CI) runs
 * the same checks with about a thousandth of the calls. See {@link SoakSize}.
 *
 * <p>Each mode runs a different build of the version, so the soak also crosses the variants: block (with a span
 * on the same function) on the cgo build, recursion with stack growth on the stripped PIE, panics on the PIE,
 * Goexit on the stripped build; the over-capacity runs use the default build.
 */
class SoakIT {
    private static final SoakSize SIZE = SoakSize.fromProperty();

    /**
     * Four workloads at once, each with its own agent: ≥ 10 M probed calls in the full soak (plus a span on every
     * blockChan call), every one accounted for.
     */
    @EachGoVersion
    void every_mode_at_once_counts_every_call_exactly(String go) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> runs = new ArrayList<>();
            runs.add(pool.submit(() -> blockWithSpan(go)));
            runs.add(pool.submit(() -> recursion(go)));
            runs.add(pool.submit(() -> didNotReturn(go, Variant.PIE, "panic", "main.mayPanic", "panics")));
            runs.add(pool.submit(() -> didNotReturn(go, Variant.STRIPPED, "goexit", "main.mayGoexit", "goexits")));
            long probed = 0;
            for (Future<Long> f : runs) {
                probed += f.get(SIZE.timeoutMinutes(), TimeUnit.MINUTES);
            }
            System.out.printf("soak %s (%s): %,d probed calls and %,d spans in %.1f s, all counted exactly%n", go,
                    SIZE.name(), probed, SIZE.blockCalls(), (System.nanoTime() - start) / 1e9);
            assertThat(probed).isGreaterThanOrEqualTo(SIZE.minimumProbedCalls());
        } finally {
            pool.shutdownNow();
        }
    }

    /** blockChan on thousands of goroutines, with a probe and a span (entry to RET) on it: both count every call. */
    private static long blockWithSpan(String go) throws Exception {
        int n = SIZE.blockCalls();
        try (Workload w = Workload.start(go, Variant.CGO, "-mode", "block", "-variant", "chan", "-n",
                Integer.toString(n), "-goroutines", Integer.toString(SIZE.blockGoroutines()), "-sleep", "0");
                AgentSession agent = HostAgent.start()) {
            ProbeSpec probe = w.probe(0, "main.blockChan");
            SpanSpec span = w.span(1, "block", "main.blockChan", "main.blockChan:return");
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(probe), List.of(span));
            w.go();
            String own = w.result();
            List<ProbeSnapshot> s = agent.snapshot();
            assertThat(number(own, "count")).isEqualTo(n);
            assertExact("main.blockChan " + go, s.get(0), n, n);
            assertExactSpan("span block " + go, s.get(1), n, n);
            return n;
        }
    }

    /** Recursion 64 deep on a new goroutine per call: the stack is copied under live probed frames every time. */
    private static long recursion(String go) throws Exception {
        int top = SIZE.recursions();
        long frames = 64L * top;
        try (Workload w = Workload.start(go, Variant.STRIPPED_PIE, "-mode", "recurse", "-n", Integer.toString(top),
                "-depth", "64", "-goroutines", "4");
                AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(w.probe(0, "main.recurse")));
            w.go();
            String own = w.result();
            ProbeSnapshot s = agent.snapshot().get(0);
            assertThat(number(own, "count")).isEqualTo(frames);
            assertExact("main.recurse " + go, s, frames, frames);
            assertThat(s.counters().reentries()).as("morestack re-entries (%s)", s.counters()).isPositive();
            return frames;
        }
    }

    /** Every 10th call panics (recovered) or ends its goroutine: counted as did-not-return, never as latency. */
    private static long didNotReturn(String go, Variant build, String mode, String function, String field)
            throws Exception {
        int n = SIZE.panicCalls();
        try (Workload w = Workload.start(go, build, "-mode", mode, "-n", Integer.toString(n), "-every", "10",
                "-sleep", "0", "-goroutines", "16");
                AgentSession agent = HostAgent.start()) {
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(w.probe(0, function)));
            w.go();
            String own = w.result();
            Counters c = agent.snapshot().get(0).counters();
            assertThat(number(own, field)).isEqualTo(n / 10);
            assertThat(number(own, "count")).isEqualTo(n - n / 10);
            assertThat(c.entries()).as("%s %s: %s", function, go, c).isEqualTo(n);
            assertThat(c.matched()).as("%s %s: %s", function, go, c).isEqualTo(n - n / 10);
            assertThat(c.didNotReturn() + c.inflight()).as("%s %s: %s", function, go, c).isEqualTo(n / 10);
            assertThat(c.unmatchedReturns() + c.staleReturns() + c.readErrors()).as("%s %s: %s", function, go, c)
                    .isZero();
            return n;
        }
    }

    /**
     * More goroutines with an open span than the agent keeps stacks for ({@code GOLAT_MAX_SPAN_KEYS}): each
     * goroutine's call to blockSleep opens a span at its entry and ends it at its RET, all of them at once. Starts
     * lost to the table are counted (their ends are unmatched), every completed span is a real call (never shorter
     * than the sleep), and the probe on the same function still counts every call exactly.
     */
    @EachGoVersion
    void more_goroutines_with_open_spans_than_the_table_holds_are_counted_never_wrong(String go) throws Exception {
        int goroutines = AgentProtocol.MAX_SPAN_KEYS + 1_000;
        int n = 2 * goroutines;
        long sleepNs = 1_000_000_000;
        // Each call sleeps 1 s so that all goroutines hold an open span together even when starting them is slow
        // (with 100 ms, a machine at load 27 started them too slowly to overrun the table).
        try (Workload w = Workload.start(go, "-mode", "block", "-n", Integer.toString(n), "-goroutines",
                Integer.toString(goroutines), "-sleep", "1s");
                AgentSession agent = HostAgent.start()) {
            ProbeSpec probe = w.probe(0, "main.blockSleep");
            SpanSpec span = w.span(1, "sleep", "main.blockSleep", "main.blockSleep:return");
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(probe), List.of(span));
            w.go();
            String own = w.result();
            List<ProbeSnapshot> s = agent.snapshot();
            SpanCounters c = s.get(1).spanCounters();
            long reentries = s.get(0).counters().reentries();
            System.out.printf("soak %s: %,d goroutines with open spans (table %,d): %s; probe %s%n", go, goroutines,
                    AgentProtocol.MAX_SPAN_KEYS, c, s.get(0).counters());

            assertThat(number(own, "count")).isEqualTo(n);
            assertExact("main.blockSleep " + go, s.get(0), n, n);
            assertThat(c.completed() + c.unmatched() + c.stale()).as("end sites hit (%s)", c).isEqualTo(n);
            assertThat(c.completed() + c.unmatched()).as("completed + unmatched (%s)", c).isEqualTo(n);
            assertThat(c.unmatched()).as("starts the full table lost (%s)", c).isPositive();
            assertThat(c.unmatched()).as("the ends of the starts with no room (%s, re-entries %d)", c, reentries)
                    .isBetween(c.errors() - reentries, c.errors());
            assertThat(c.stale() + c.notReached() + c.inflight()).as("%s", c).isZero();
            // The span starts at the entry site, the prologue's stack check: when a new goroutine's first call grows
            // its stack (runtime.morestack), that site is hit twice for one call. The probe on the same site counts
            // those as re-entries; the span counts them as restarts (or as a second start with no room).
            assertThat(c.restarts()).as("restarts vs the probe's morestack re-entries (%s)", c)
                    .isLessThanOrEqualTo(reentries);
            assertThat(c.started() + c.restarts() + c.errors() + c.overflow())
                    .as("start-site hits = calls + morestack re-entries (%s, re-entries %d)", c, reentries)
                    .isEqualTo(n + reentries);
            assertThat(s.get(1).totalCount()).isEqualTo(c.completed());
            assertThat(lowestBucket(s.get(1))).as("lowest bucket of a completed span: each is one blockSleep(1s) call")
                    .isGreaterThanOrEqualTo(Buckets.index(sleepNs));
            assertThat(s.get(1).toHistogram().getMaxValue()).as("longest completed span vs the program's max")
                    .isLessThanOrEqualTo(number(own, "max") + number(own, "max") / 100);
        }
    }

    /**
     * More frames in flight at once than the slot table and the spill map hold (slots shrunk to 2, so the spill
     * map's {@code GOLAT_MAX_SPILL} entries are the limit): the frames that found no room are counted as errors at
     * their entry and unmatched at their return; every other call is measured, never shorter than its sleep.
     */
    @EachGoVersion
    void more_frames_in_flight_than_slots_plus_spill_are_counted_never_wrong(String go) throws Exception {
        int room = 2 + AgentProtocol.MAX_SPILL;
        int n = room + 4_000;
        long sleepNs = 3_000_000_000L;
        // One call per goroutine, all started at once: starting 20,000 goroutines under probes takes a few hundred
        // ms on a quiet machine and more than a second at load 27, so each sleeps 3 s to be in flight together.
        try (Workload w = Workload.start(go, "-mode", "block", "-n", Integer.toString(n), "-goroutines",
                Integer.toString(n), "-sleep", "3s");
                AgentSession agent = HostAgent.start()) {
            AgentControls.slotBits(agent, 1);
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(w.probe(0, "main.blockSleep")));
            w.go();
            String own = w.result();
            ProbeSnapshot s = agent.snapshot().get(0);
            Counters c = s.counters();
            System.out.printf("soak %s: %,d frames in flight (2 slots + %,d spill): %s%n", go, n,
                    AgentProtocol.MAX_SPILL, c);

            assertThat(number(own, "count")).isEqualTo(n);
            assertThat(c.readErrors()).as("frames with no room (%s)", c).isPositive();
            assertThat(c.matched() + c.readErrors()).as("measured + no room (%s)", c).isEqualTo(n);
            assertThat(c.unmatchedReturns()).as("returns of the frames with no room (%s)", c).isEqualTo(c.readErrors());
            assertThat(c.entries()).as("%s", c).isEqualTo(c.matched());
            assertThat(c.returns()).as("%s", c).isEqualTo(n);
            assertThat(c.staleReturns() + c.didNotReturn() + c.inflight()).as("%s", c).isZero();
            assertThat(s.totalCount()).isEqualTo(c.matched());
            assertThat(lowestBucket(s)).as("lowest bucket of a measured call: each is one blockSleep(3s) call")
                    .isGreaterThanOrEqualTo(Buckets.index(sleepNs));
        }
    }

    /**
     * A new window every millisecond (or as soon as the agent has answered the last one) while thousands of
     * goroutines call blockChan (probe and span): each window is closed with {@code take}, and summed over all
     * windows every call of the program's own count is there exactly once, entered once, and returned once
     * (measured in its window, or stale when it was in flight across a window's end); no window ever sees an
     * unmatched return or an error. Then, in the same process and agent, a plain reset and a second round that is
     * counted exactly: the storm left no frame or start behind.
     */
    @EachGoVersion
    void a_new_window_every_millisecond_under_load_loses_and_doubles_nothing(String go) throws Exception {
        int n = SIZE.stormCalls();
        try (Workload w = Workload.start(go, "-mode", "block", "-variant", "chan", "-n", Integer.toString(n),
                "-goroutines", Integer.toString(SIZE.blockGoroutines()), "-sleep", "0", "-rounds", "2");
                AgentSession agent = HostAgent.start()) {
            ProbeSpec probe = w.probe(0, "main.blockChan");
            SpanSpec span = w.span(1, "block", "main.blockChan", "main.blockChan:return");
            agent.start(w.pid(), "/proc/" + w.pid() + "/exe", List.of(probe), List.of(span));
            Callable<String> round = w::roundResult;
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                w.go();
                Future<String> first = reader.submit(round);
                Windows sum = new Windows();
                long started = System.nanoTime();
                long next = started;
                while (!first.isDone()) {
                    sum.add(agent.take());
                    next += 1_000_000;
                    LockSupport.parkNanos(next - System.nanoTime());
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                assertThat(number(first.get(), "count")).isEqualTo(n);
                long during = sum.windows;
                sum.add(agent.take()); // the last calls' window, closed after the round's end
                System.out.printf("soak %s: %,d windows in %.2f s (%.2f ms apart) under %,d calls: %s%n", go, during,
                        seconds, seconds * 1e3 / during, n, sum);
                assertThat(during).as("windows closed during the first round").isGreaterThanOrEqualTo(SIZE.minimumResets());
                assertThat(sum.entries).as("entries over all windows: %s", sum).isEqualTo(n);
                assertThat(sum.matched + sum.stale).as("returns over all windows: %s", sum).isEqualTo(n);
                assertThat(sum.samples).as("histogram samples over all windows: %s", sum).isEqualTo(sum.matched);
                assertThat(sum.lastInflight).as("in flight after the round: %s", sum).isZero();
                assertThat(sum.spanCompleted + sum.spanStale).as("span ends over all windows: %s", sum).isEqualTo(n);
                assertThat(sum.spanStarted + sum.spanRestarts)
                        .as("span start-site hits = calls + morestack re-entries: %s", sum).isEqualTo(n + sum.reentries);
                assertThat(sum.spanSamples).as("span histogram samples: %s", sum).isEqualTo(sum.spanCompleted);

                agent.reset();
                w.go();
                String second = w.result();
                List<ProbeSnapshot> s = agent.snapshot();
                assertThat(number(second, "count")).isEqualTo(n);
                assertExact("main.blockChan after the storm " + go, s.get(0), n, n);
                assertExactSpan("span block after the storm " + go, s.get(1), n, n);
            } finally {
                reader.shutdownNow();
            }
        }
    }

    /** The storm's windows summed: probe 0 and span 1; every window checked for unmatched returns and errors. */
    private static final class Windows {
        long windows, entries, matched, stale, samples, reentries, lastInflight;
        long spanStarted, spanRestarts, spanCompleted, spanStale, spanSamples;

        void add(List<ProbeSnapshot> window) {
            for (ProbeSnapshot s : window) {
                if (s.isSpan()) {
                    SpanCounters c = s.spanCounters();
                    assertThat(c.unmatched() + c.errors() + c.overflow() + c.notReached())
                            .as("window %d of span %s: %s", windows, s.function(), c).isZero();
                    spanStarted += c.started();
                    spanRestarts += c.restarts();
                    spanCompleted += c.completed();
                    spanStale += c.stale();
                    spanSamples += s.totalCount();
                } else {
                    Counters c = s.counters();
                    assertThat(c.unmatchedReturns() + c.readErrors() + c.didNotReturn())
                            .as("window %d of %s: %s", windows, s.function(), c).isZero();
                    entries += c.entries();
                    matched += c.matched();
                    stale += c.staleReturns();
                    samples += s.totalCount();
                    reentries += c.reentries();
                    lastInflight = c.inflight();
                }
            }
            windows++;
        }

        @Override
        public String toString() {
            return String.format("%,d windows: entries %,d, matched %,d, stale %,d, re-entries %,d; span started %,d,"
                    + " restarts %,d, completed %,d, stale %,d", windows, entries, matched, stale, reentries, spanStarted,
                    spanRestarts, spanCompleted, spanStale);
        }
    }

    /** The agent's lowest non-empty histogram bucket: no sample was shorter than its lower bound. */
    private static int lowestBucket(ProbeSnapshot s) {
        assertThat(s.buckets()).as("buckets of %s", s.function()).isNotEmpty();
        return java.util.Arrays.stream(s.buckets()).min().getAsInt();
    }

    /** started and completed as given; nothing not reached, unmatched, stale, dropped, open or unreadable; histogram = completed. */
    private static void assertExactSpan(String what, ProbeSnapshot s, long started, long completed) {
        SpanCounters c = s.spanCounters();
        assertThat(c.started()).as("%s started: %s", what, c).isEqualTo(started);
        assertThat(c.completed()).as("%s completed: %s", what, c).isEqualTo(completed);
        assertThat(c.notReached() + c.unmatched() + c.stale() + c.overflow() + c.inflight() + c.errors())
                .as("%s: %s", what, c).isZero();
        assertThat(s.totalCount()).as("%s histogram samples", what).isEqualTo(completed);
    }

    /** entries and matched as given; nothing unmatched, stale, lost, in flight or unreadable; histogram = matched. */
    private static void assertExact(String what, ProbeSnapshot s, long entries, long matched) {
        Counters c = s.counters();
        assertThat(c.entries()).as("%s entries: %s", what, c).isEqualTo(entries);
        assertThat(c.matched()).as("%s matched: %s", what, c).isEqualTo(matched);
        assertThat(c.unmatchedReturns() + c.staleReturns() + c.didNotReturn() + c.inflight() + c.readErrors())
                .as("%s: %s", what, c).isZero();
        assertThat(s.totalCount()).as("%s histogram samples", what).isEqualTo(matched);
    }
}
