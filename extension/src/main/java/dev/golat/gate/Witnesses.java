// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import dev.golat.result.Latency;
import dev.golat.result.LiveViews;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.apiguardian.api.API;

/**
 * The CPU-wait witness of each live {@link Latency} golat handed out, registered by the extension that knows its
 * service ({@link NoiseWitness#of(Latency)}); a breakdown component of one ({@code latency.running()}) has its
 * function's. Weak keys: a latency the test dropped takes its entry with it. Live latencies compare by identity.
 */
@API(status = API.Status.INTERNAL)
public final class Witnesses {
    private static final Map<Latency, NoiseWitness.Source> SOURCES = Collections.synchronizedMap(new WeakHashMap<>());

    private Witnesses() {}

    /** {@code live}'s service reads its witness from {@code source}. */
    public static void register(Latency live, NoiseWitness.Source source) {
        SOURCES.put(live, source);
    }

    static Optional<NoiseWitness.Source> of(Latency live) {
        return Optional.ofNullable(SOURCES.get(LiveViews.origin(live))); // a component's is its function's
    }
}
