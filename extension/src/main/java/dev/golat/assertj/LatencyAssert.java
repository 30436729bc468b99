// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.result.Latency;

/** Assertions on a {@link Latency}; see {@link AbstractLatencyAssert} for what they check. */
public final class LatencyAssert extends AbstractLatencyAssert<LatencyAssert> {

    public LatencyAssert(Latency actual) {
        super(actual, LatencyAssert.class);
    }
}
