// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The probe bias attached to a latency, and the view without it. */
class ProbeBiasViewTest {

    // 900 calls of 2,000 ns and 100 of 10,000 ns, measured with 1,100 ns of probe bias
    private static Latency measured() {
        return Latency.of("spin", "main.blockSpin", TestLatencies.histogram(900, 2_000, 100, 10_000),
                TestLatencies.clean(1_000), null);
    }

    @Test
    void should_have_no_bias_when_made_by_hand_and_say_why_it_cannot_subtract() {
        Latency l = measured();

        assertThat(l.probeBias()).isEmpty();
        assertThat(l.probeBiasSubtracted()).isFalse();
        assertThatIllegalStateException().isThrownBy(l::withoutProbeBias)
                .withMessage("no probe bias was calibrated for spin (main.blockSpin): golat calibrates it when it "
                        + "attaches its probes; a Latency made by hand has none");
    }

    @Test
    void should_report_the_bias_and_keep_the_samples_until_asked_to_subtract() {
        Latency l = Snapshots.withProbeBias(measured(), 1_100, false);

        assertThat(l.probeBias()).contains(Duration.ofNanos(1_100));
        assertThat(l.probeBiasSubtracted()).isFalse();
        assertThat(l.p50()).isEqualTo(measured().p50());
    }

    @Test
    void should_subtract_the_bias_from_every_sample_and_keep_the_counters() {
        Latency raw = Snapshots.withProbeBias(measured(), 1_100, false);

        Latency own = raw.withoutProbeBias();

        assertThat(own.probeBiasSubtracted()).isTrue();
        assertThat(own.probeBias()).contains(Duration.ofNanos(1_100));
        assertThat(own.count()).isEqualTo(1_000);
        assertThat(own.counts()).isEqualTo(raw.counts());
        // 2,000 - 1,100 and 10,000 - 1,100, each within twice the histogram's resolution (3 digits: a value is
        // its bucket's top, once when measured and once when shifted; buckets are 1 ns wide below 2,048, 8 ns at 10 µs)
        assertThat(own.p50().toNanos()).isEqualTo(900L);
        assertThat(own.max().toNanos()).isBetween(8_900L, 8_916L);
        assertThat(own.withoutProbeBias().p50()).as("subtracted once").isEqualTo(own.p50());
        assertThat(Snapshots.withProbeBias(measured(), 1_100, true).p50()).isEqualTo(own.p50());
    }

    @Test
    void should_floor_at_zero_a_sample_below_the_bias() {
        Latency l = Snapshots.withProbeBias(Latency.of("t", "main.t", TestLatencies.histogram(10, 500), TestLatencies.clean(10),
                null), 1_100, true);

        assertThat(l.count()).isEqualTo(10);
        assertThat(l.max()).isEqualTo(Duration.ZERO);
    }

    @Test
    void should_answer_through_the_live_view() {
        Latency frozen = Snapshots.withProbeBias(measured(), 1_100, false);
        Latency live = Latency.live("spin", "main.blockSpin", () -> frozen);

        assertThat(live.probeBias()).contains(Duration.ofNanos(1_100));
        assertThat(live.withoutProbeBias().p50()).isEqualTo(frozen.withoutProbeBias().p50());
    }

    @Test
    void should_carry_the_bias_over_nodes_and_subtract_it_from_every_node() {
        Latency a = Snapshots.withProbeBias(measured(), 1_100, false);
        Latency b = Snapshots.withProbeBias(Latency.of("spin", "main.blockSpin", TestLatencies.histogram(10, 5_000),
                TestLatencies.clean(10), null), 1_100, false);

        Latency both = Latency.ofNodes("spin", java.util.Map.of("a", a), null);
        Latency two = Latency.ofNodes("spin", new java.util.LinkedHashMap<>(java.util.Map.of("a", a, "b", b)), null);
        Latency own = two.withoutProbeBias();

        assertThat(both.probeBias()).contains(Duration.ofNanos(1_100));
        assertThat(two.probeBiasSubtracted()).isFalse();
        assertThat(own.probeBiasSubtracted()).isTrue();
        assertThat(own.count()).isEqualTo(1_010);
        assertThat(own.node("b").probeBiasSubtracted()).isTrue();
        assertThat(own.node("b").max().toNanos()).isBetween(3_900L, 3_910L);
        assertThat(Latency.ofNodes("spin", java.util.Map.of("a", a.withoutProbeBias()), null).probeBiasSubtracted())
                .as("nodes already without it: the whole is too").isTrue();
    }
}
