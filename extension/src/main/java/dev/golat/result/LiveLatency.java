// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    private final Runnable reset; // null when the source cannot be reset

    private final LiveLatency origin; // the function's live latency a component was taken from, else this

    LiveLatency(String name, String function, Supplier<Latency> source, Runnable reset) {
        this(name, function, source, reset, null);
    }

    private LiveLatency(String name, String function, Supplier<Latency> source, Runnable reset, LiveLatency origin) {
        this.name = Objects.requireNonNull(name, "name");
        this.function = Objects.requireNonNull(function, "function");
        this.source = Objects.requireNonNull(source, "source");
        this.reset = reset;
        this.origin = origin == null ? this : origin;
    }

    /** The function's live latency this one is, or is a breakdown component of (its service is the same). */
    LiveLatency origin() {
        return origin;
    }

    @Override
    public void reset() {
        if (reset == null) {
            throw new IllegalStateException("reset() on a live latency whose source cannot be reset of " + name
                    + ": reset the Latency the test method received");
        }
        reset.run();
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
    public List<Instantiation> instantiations() {
        return snapshot().instantiations();
    }

    @Override
    public Map<String, Latency> perNode() {
        return snapshot().perNode();
    }

    @Override
    public boolean hasBreakdown() {
        return snapshot().hasBreakdown();
    }

    @Override
    public Breakdown breakdown() {
        return snapshot().breakdown();
    }

    /**
     * The components of a live latency are live too: each access reads the current breakdown, so a component
     * can be driven in rounds like the wall time ({@code Duet.of(base.running(), cand.running())}); its
     * {@link #reset()} restarts the whole function's window.
     */
    @Override
    public Latency running() {
        return component("running", Latency::running);
    }

    @Override
    public Latency offCpu() {
        return component("offCpu", Latency::offCpu);
    }

    @Override
    public Latency runnable() {
        return component("runnable", Latency::runnable);
    }

    @Override
    public Latency waiting() {
        return component("waiting", Latency::waiting);
    }

    @Override
    public Latency waiting(String reason) {
        breakdown().waiting(reason); // a reason that is not a wait class fails here, naming the valid ones
        return component("waiting " + reason, l -> l.waiting(reason));
    }

    @Override
    public Latency stw() {
        return component("stw", Latency::stw);
    }

    private Latency component(String label, java.util.function.Function<Latency, Latency> of) {
        breakdown(); // traced without breakdown = true: fails now, saying so, rather than at the first read
        return new LiveLatency(name + " " + label, function, () -> of.apply(source.get()), reset, origin);
    }

    @Override
    public Optional<Path> report() {
        return snapshot().report();
    }

    @Override
    public Optional<Duration> probeBias() {
        return snapshot().probeBias();
    }

    @Override
    public boolean probeBiasSubtracted() {
        return snapshot().probeBiasSubtracted();
    }

    @Override
    public Latency withoutProbeBias() {
        return snapshot().withoutProbeBias();
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
