// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.golat.agent.SpanCounters;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SpanCountsTest {

    @Test
    void should_take_the_agents_span_counters_under_the_names_users_read() {
        // GIVEN the agent's line 'span 3 started=200 completed=180 notreached=12 unmatched=2 restarts=5
        // overflow=1 stale=3 inflight=4 errors=6'
        SpanCounters agent = new SpanCounters(200, 180, 12, 2, 5, 1, 3, 4, 6);

        SpanCounts c = SpanCounts.of(agent);

        assertThat(c).isEqualTo(new SpanCounts(200, 180, 12, 1, 3, 2, 5, 4, 6));
        assertThat(c.byName().keySet()).containsExactly("started", "completed", "notReached", "overflowed",
                "stale", "unmatchedEnds", "restarts", "inflight", "readErrors");
        assertThat(c.nonZero()).isEqualTo("started=200, completed=180, notReached=12, overflowed=1, stale=3, "
                + "unmatchedEnds=2, restarts=5, inflight=4, readErrors=6");
    }

    @Test
    void should_read_as_a_healthy_span_when_every_start_completed() {
        // The defect this replaces: a span whose 200 starts all completed printed unmatchedReturns=200.
        SpanCounts c = new SpanCounts(200, 200, 0, 0, 0, 0, 0, 0, 0);

        assertThat(c.nonZero()).isEqualTo("started=200, completed=200");
    }

    @Test
    void should_add_up_class_totals_keeping_the_later_in_flight() {
        SpanCounts a = new SpanCounts(10, 8, 1, 0, 0, 0, 0, 1, 0);
        SpanCounts b = new SpanCounts(5, 5, 0, 0, 1, 0, 0, 0, 0);

        assertThat(a.followedBy(b)).isEqualTo(new SpanCounts(15, 13, 1, 0, 1, 0, 0, 0, 0));
    }

    @Test
    void should_say_why_a_span_has_no_samples() {
        assertThat(SpanCounts.NONE.noSamplesReason()).isEqualTo("the span never started (no probe hit)");
        assertThat(new SpanCounts(3, 0, 3, 0, 0, 0, 0, 0, 0).noSamplesReason())
                .isEqualTo("the span started but never reached its end while traced (started=3, notReached=3)");
    }

    @Test
    void should_reject_negative_counts() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SpanCounts(1, 1, 0, -2, 0, 0, 0, 0, 0))
                .withMessage("SpanCounts.overflowed must not be negative, was -2");
    }

    @Test
    void a_span_latency_has_span_counts_and_says_so_when_asked_for_call_counts() {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(1_000, 9);
        Latency span = Latency.of("dispatch-to-tso", "main.dispatch → main.getTSO", h,
                new SpanCounts(10, 9, 1, 0, 0, 0, 0, 0, 0), null);

        assertThat(span.isSpan()).isTrue();
        assertThat(span.spanCounts().notReached()).isEqualTo(1);
        assertThat(span.counters()).isSameAs(span.spanCounts());
        assertThatIllegalStateException().isThrownBy(span::counts)
                .withMessage("dispatch-to-tso is a span: its counters are spanCounts() (started, completed, "
                        + "notReached, overflowed, stale)");
        Latency fn = Latency.empty("f", "main.f");
        assertThatIllegalStateException().isThrownBy(fn::spanCounts)
                .withMessageStartingWith("f is a function: its counters are counts()");
        assertThat(List.of(fn.isSpan(), fn.counts() == CallCounts.NONE)).containsExactly(false, true);
    }
}
