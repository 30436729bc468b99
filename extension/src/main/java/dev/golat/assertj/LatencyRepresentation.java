// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.result.Units;
import org.assertj.core.presentation.StandardRepresentation;

import java.time.Duration;

/** AssertJ's representation, with durations written as golat writes them ({@code "2.7 ms"}). */
final class LatencyRepresentation extends StandardRepresentation {

    static final LatencyRepresentation INSTANCE = new LatencyRepresentation();

    @Override
    public String toStringOf(Object object) {
        return object instanceof Duration d ? Units.duration(d) : super.toStringOf(object);
    }
}
