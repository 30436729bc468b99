// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.gate.Recording;
import dev.golat.result.Latency;

/**
 * Entry point of golat's assertions, meant for a static import next to AssertJ's:
 *
 * <pre>{@code
 * import static dev.golat.assertj.GolatAssertions.assertThat;
 *
 * assertThat(latency).hasCountAtLeast(10_000).allCallsReturned()
 *         .percentile(99).isLessThan(Duration.ofMillis(2))
 *         .and().max().isLessThan(Duration.ofMillis(50));
 * }</pre>
 */
public final class GolatAssertions {

    private GolatAssertions() {
    }

    /**
     * Assertions on the latency of one traced function. A live latency (what a test method receives) is
     * frozen here, so every assertion in the chain sees the same figures.
     */
    public static LatencyAssert assertThat(Latency actual) {
        return new LatencyAssert(actual == null ? null : actual.snapshot());
    }

    /** Gate assertions on a recording kept in rounds, e.g. a duet's candidate. */
    public static RecordingAssert assertThat(Recording actual) {
        return new RecordingAssert(actual);
    }
}
