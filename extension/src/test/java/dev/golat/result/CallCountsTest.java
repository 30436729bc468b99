// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CallCountsTest {

    @Test
    void should_list_only_the_counters_that_are_not_zero() {
        assertThat(new CallCounts(10_003, 10_000, 3, 0, 0, 0, 0).nonZero())
                .isEqualTo("entries=10,003, matched=10,000, didNotReturn=3");
        assertThat(new CallCounts(0, 0, 0, 1, 2, 3, 4).nonZero())
                .isEqualTo("unmatchedReturns=1, reentries=2, inflight=3, readErrors=4");
        assertThat(CallCounts.NONE.nonZero()).isEqualTo("no probe hit");
    }

    @Test
    void should_reject_negative_counts() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CallCounts(1, 1, 0, 0, 0, -1, 0))
                .withMessage("CallCounts.inflight must not be negative, was -1");
    }
}
