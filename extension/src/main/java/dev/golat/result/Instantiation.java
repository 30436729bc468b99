// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.util.Objects;

/**
 * One instantiation of a generic function that was traced as part of one {@link Latency}: Go compiles a generic
 * function once per GC shape, and each body has its own probes and counters.
 *
 * @param function the instantiation's name, e.g. {@code main.Hold[go.shape.int]} ({@code main.Hold[...]} in a
 *                 stripped Go 1.18–1.20 binary, where the shapes are unknown)
 * @param entry    its entry address in the binary (vaddr), which tells instantiations of the same name apart
 * @param counts   its own probe counters; the latency's counters are their sum
 */
public record Instantiation(String function, long entry, CallCounts counts) {
    public Instantiation {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(counts, "counts");
    }

    /** {@code main.Hold[go.shape.int] (0x4e2720): n=300}. */
    @Override
    public String toString() {
        return String.format("%s (0x%x): n=%s", function, entry, Units.count(counts.matched()));
    }
}
