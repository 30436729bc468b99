// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.breakdown;

import static dev.golat.assertj.GolatAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.container.GoContainer;
import dev.golat.it.MiniJson;
import dev.golat.it.SlowestCalls;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Breakdown;
import dev.golat.result.Exemplar;
import dev.golat.result.Latency;
import dev.golat.testbins.GoTestBinaries;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The user's path for the per-call breakdown: {@code @TraceLatency(value = ..., breakdown = true)} on go-testbins'
 * workload in its container ({@code -mode breakdown}, see its breakdown.go), started by a signal once the probes
 * are attached, its calls' split read through {@link Latency#breakdown()} against the program's own clock of each
 * call (from just after the traced function's entry to just before its RET): a call that sleeps waits on its timer
 * for that long, a call blocked on a channel waits on the channel for that long, each within max(5%, 20 µs) at p50;
 * the slowest calls ({@link Latency#exemplars()}) are the program's own slowest, on the goroutines it names.
 */
@GoTest
class BreakdownExtensionIT {
    static final int CALLS = 300;

    @GoService
    static GoContainer sleeper = workload("sleep");

    @GoService
    static GoContainer waiter = workload("chan");

    /** 800 calls on 4 goroutines, every 100th of each sleeping 20 ms (exemplar.go). */
    @GoService
    static GoContainer slowest = GoContainer.fromBinary(GoTestBinaries.program("workload"))
            .withArgs("-mode", "breakdown", "-variant", "exemplar", "-n", "800", "-goroutines", "4", "-every", "100",
                    "-sleep", "20ms", "-wait", "signal", "-hold", "-quiet")
            .waitingForLogLine(".*ready pid=.*");

    /** The workload holds its calls until SIGUSR1 and stays up after its JSON line until the container stops. */
    private static GoContainer workload(String variant) {
        return GoContainer.fromBinary(GoTestBinaries.program("workload"))
                .withArgs("-mode", "breakdown", "-variant", variant, "-n", String.valueOf(CALLS), "-sleep", "1ms",
                        "-wait", "signal", "-hold", "-quiet")
                .waitingForLogLine(".*ready pid=.*");
    }

    // snippet:breakdown
    @Test
    @TraceLatency(value = "main.blockSleep", service = "sleeper", breakdown = true)
    void a_sleeping_call_waits_on_its_timer_for_its_own_clock(Latency latency) {
        String own = run(sleeper);
        long theirs = MiniJson.number(own, "inner.p50");

        assertThat(latency).as(own).hasCount(CALLS);
        assertThat(latency.breakdown().calls()).as("%s; %s", latency.breakdown(), own).isEqualTo(CALLS);
        assertNear(latency.waiting("sleep"), theirs, own);
        assertNear(latency.waiting(), theirs, own);
        assertThat(latency.waiting("sleep")).as(own).p50().isGreaterThanOrEqualTo(
                Duration.ofNanos(1_000_000 - tolerance(1_000_000)));
        assertOnlyWaitClass(latency.breakdown(), "sleep", own);
        assertThat(latency.running()).as("%s; %s", latency.breakdown(), own).p50()
                .isLessThanOrEqualTo(Duration.ofNanos(tolerance(theirs)));
    }
    // end-snippet:breakdown

    @Test
    @TraceLatency(value = "main.blockChan", service = "waiter", breakdown = true)
    void a_call_blocked_on_a_channel_waits_on_the_channel_for_its_own_clock(Latency latency) {
        String own = run(waiter);
        long theirs = MiniJson.number(own, "inner.p50");

        assertThat(latency).as(own).hasCount(CALLS);
        assertThat(latency.breakdown().calls()).as("%s; %s", latency.breakdown(), own).isEqualTo(CALLS);
        assertNear(latency.waiting("chan"), theirs, own);
        assertOnlyWaitClass(latency.breakdown(), "chan", own);
        assertThat(latency.stw().percentile(90)).as("no GC in the calls; %s", own).isZero();
    }

    /**
     * The slowest calls in a container, through {@link Latency#exemplars()}: exactly the program's eight slowest, on
     * the goroutines it names, each duration between its own clocks and its states adding up to it.
     */
    // snippet:exemplars
    @Test
    @TraceLatency(value = "main.bdExemplar", service = "slowest", breakdown = true)
    void the_slowest_calls_are_the_programs_with_their_goroutines(Latency latency) {
        String own = run(slowest);
        SlowestCalls top = SlowestCalls.top(SlowestCalls.parse(own), Breakdown.EXEMPLARS);

        assertThat(latency.exemplars()).as(own).hasSize(Breakdown.EXEMPLARS);
        for (Exemplar e : latency.exemplars()) {
            SlowestCalls.Call call = top.take(e.goroutine(), e.nanos(), e);
            long states = e.runningNanos() + e.offCpuNanos() + e.runnableNanos() + e.otherNanos()
                    + e.waitingTotalNanos();
            assertThat(states).as("states of %s add up to its duration within 1%% + 5 µs", e)
                    .isBetween(e.nanos() - e.nanos() / 100 - 5_000, e.nanos() + e.nanos() / 100 + 5_000);
            if (call.slow()) {
                assertThat(e.waitingNanos().get("sleep")).as("%s asleep at least the 20 ms asked (%s)", e, call)
                        .isBetween(20_000_000L - 20_000, e.nanos());
            }
        }
        assertThat(latency.breakdown().slowest(1).get(0)).startsWith("slowest call ");
    }
    // end-snippet:exemplars

    /** Signals the workload to start its calls and waits (bounded) for its JSON line. */
    private static String run(GoContainer workload) {
        workload.getDockerClient().killContainerCmd(workload.getContainerId()).withSignal("USR1").exec();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            String line = Arrays.stream(workload.getLogs().split("\n")).filter(l -> l.startsWith("{\"mode\""))
                    .findFirst().orElse(null);
            if (line != null) {
                return line;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the workload's JSON line", e);
            }
        }
        throw new AssertionError("no JSON line from the workload within 90 s; its output: " + workload.getLogs());
    }

    private static void assertNear(Latency component, long theirs, String own) {
        assertThat(component.p50().toNanos()).as("%s p50 vs the call's own clock %d ns (%s)", component.name(),
                theirs, own).isBetween(theirs - tolerance(theirs), theirs + tolerance(theirs));
    }

    /** Every call waits in one class: the others stay 0 for nine calls in ten. */
    private static void assertOnlyWaitClass(Breakdown b, String only, String own) {
        for (String c : Breakdown.WAIT_CLASSES) {
            if (!c.equals(only)) {
                assertThat(b.waiting(c).percentile(90)).as("waiting %s (%s; %s)", c, b, own).isZero();
            }
        }
    }

    /** max(5%, 20 µs): the bound for each component. */
    private static long tolerance(long nanos) {
        return Math.max(20_000, nanos / 20);
    }
}
