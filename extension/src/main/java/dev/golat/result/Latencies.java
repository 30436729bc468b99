// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every function a test method traces, by the name written in {@code @TraceLatency}. Injected into test
 * methods; injected into {@code @AfterAll} methods it holds the class totals (all methods added up).
 */
public final class Latencies {
    private final Map<String, Latency> byName;

    private Latencies(Map<String, Latency> byName) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /** The latencies by the name written in {@code @TraceLatency}, kept in {@code byName}'s iteration order. */
    public static Latencies of(Map<String, Latency> byName) {
        return new Latencies(byName);
    }

    /** The latency of one traced function, by the name written in {@code @TraceLatency}. */
    public Latency get(String name) {
        Latency l = byName.get(name);
        if (l == null) {
            throw new IllegalArgumentException("'" + name + "' is not traced here; traced: " + String.join(", ", byName.keySet()));
        }
        return l;
    }

    /** Every latency, in declaration order (the order the test named them in). */
    public Collection<Latency> all() {
        return byName.values();
    }

    @Override
    public String toString() {
        return byName.values().toString();
    }
}
