// SPDX-License-Identifier: Apache-2.0
package dev.golat.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.golat.result.CallCounts;
import dev.golat.result.Latency;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LoadTest {

    @Test
    void should_make_exactly_the_warm_up_and_the_counted_calls_and_reset_the_window_between() {
        // GIVEN a "service" that counts its calls, and a live latency over that counter whose reset zeroes it
        AtomicLong served = new AtomicLong();
        AtomicLong atReset = new AtomicLong(-1);
        Latency window = Latency.live("f", "main.f", () -> {
            Histogram h = new Histogram(3);
            if (served.get() > 0) {
                h.recordValueWithCount(1000, served.get());
            }
            return Latency.of("f", "main.f", h, CallCounts.NONE, null);
        }, () -> atReset.set(served.getAndSet(0)));
        Set<Integer> workers = ConcurrentHashMap.newKeySet();
        // WHEN
        Load.Result r = Load.of((worker, i) -> {
            workers.add(worker);
            served.incrementAndGet();
        }).workers(4).warmUp(500).calls(10_000).window(window).run();
        // THEN the window holds the counted calls only, made by workers 0..3 (how many of them got a call is up to the scheduler)
        assertThat(atReset.get()).isEqualTo(500);
        assertThat(window.count()).isEqualTo(10_000);
        assertThat(r.calls()).isEqualTo(10_000);
        assertThat(r.warmUpCalls()).isEqualTo(500);
        assertThat(workers).isNotEmpty().isSubsetOf(0, 1, 2, 3);
    }

    @Test
    void should_pace_calls_to_the_target_rate() {
        // GIVEN 200 calls at 1,000/s: they cannot all be made in less than ~199 ms of the caller's clock
        Load.Result r = Load.of((w, i) -> { }).workers(2).calls(200).rate(1_000).run();
        assertThat(r.calls()).isEqualTo(200);
        assertThat(r.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(98)); // each worker: 100 calls, 2 ms apart
        assertThat(r.rate()).isLessThanOrEqualTo(1_050);
    }

    @Test
    void should_stop_at_the_duration() {
        Load.Result r = Load.of((w, i) -> Thread.sleep(1)).workers(2).duration(Duration.ofMillis(200)).run();
        assertThat(r.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.calls()).isPositive();
    }

    @Test
    void should_rethrow_the_first_failure_naming_the_worker() {
        assertThatIllegalStateException().isThrownBy(() -> Load.of((w, i) -> {
            if (i == 7) {
                throw new java.io.IOException("connection reset");
            }
        }).calls(100).run()).withMessage("load worker 0 failed: java.io.IOException: connection reset");
    }

    @Test
    void should_refuse_a_load_without_an_end() {
        assertThatIllegalStateException().isThrownBy(() -> Load.of((w, i) -> { }).run())
                .withMessage("a load needs calls(n) or duration(d) so that it ends");
    }
}
