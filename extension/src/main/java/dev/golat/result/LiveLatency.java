// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * A {@link Latency} that reads the probes' current figures on every access: each accessor is the same
 * accessor of one {@link #snapshot()} (HdrHistogram's {@code Recorder} to its {@code Histogram}).
 */
final class LiveLatency implements Latency {
    private final String name;
    private final String function;
    private final Supplier<Latency> source;

    LiveLatency(String name, String function, Supplier<Latency> source) {
        this.name = Objects.requireNonNull(name, "name");
        this.function = Objects.requireNonNull(function, "function");
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public Latency snapshot() {
        return source.get().snapshot();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String function() {
        return function;
    }

    @Override
    public Histogram histogram() {
        return snapshot().histogram();
    }

    @Override
    public long count() {
        return snapshot().count();
    }

    @Override
    public boolean isSpan() {
        return snapshot().isSpan();
    }

    @Override
    public Counts counters() {
        return snapshot().counters();
    }

    @Override
    public CallCounts counts() {
        return snapshot().counts();
    }

    @Override
    public SpanCounts spanCounts() {
        return snapshot().spanCounts();
    }

    @Override
    public Optional<Path> report() {
        return snapshot().report();
    }

    @Override
    public Duration percentile(double p) {
        return snapshot().percentile(p);
    }

    @Override
    public Duration max() {
        return snapshot().max();
    }

    @Override
    public Duration min() {
        return snapshot().min();
    }

    @Override
    public Duration mean() {
        return snapshot().mean();
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
