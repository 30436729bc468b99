// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;
import org.apiguardian.api.API;

/**
 * One probe's breakdown at one {@code snapshot}: its {@code breakdown <id> calls= lost= errors=} line and one
 * histogram per {@link Component} from its {@code bhist} lines (non-zero buckets, summed over CPUs). Each component
 * histogram holds one sample per broken-down call ({@link #calls()}), 0 ns included.
 */
@API(status = API.Status.INTERNAL)
public final class BreakdownSnapshot {
    private final long calls;
    private final long lost;
    private final long errors;
    private final Map<Component, long[][]> hists; // component -> {buckets, counts}

    BreakdownSnapshot(long calls, long lost, long errors, Map<Component, long[][]> hists) {
        this.calls = calls;
        this.lost = lost;
        this.errors = errors;
        this.hists = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            long[][] h = Objects.requireNonNull(hists.get(c), () -> "no bhist line for " + c.wireName());
            for (int i = 0; i < h[0].length; i++) {
                Buckets.lowerBound((int) h[0][i]);
            }
            this.hists.put(c, new long[][] {h[0].clone(), h[1].clone()});
        }
    }

    /** Returns broken down: each component histogram holds this many samples. */
    public long calls() {
        return calls;
    }

    /** Returns with no breakdown frame, or whose goroutine's accumulators were evicted meanwhile. */
    public long lost() {
        return lost;
    }

    /** Entries that found no room in the frame or goroutine maps. */
    public long errors() {
        return errors;
    }

    /** Samples in component {@code c}'s histogram. */
    public long count(Component c) {
        return Arrays.stream(hists.get(c)[1]).sum();
    }

    /** Component {@code c}'s samples, recorded like {@link ProbeSnapshot#toHistogram()}. */
    public Histogram histogram(Component c) {
        long[][] h = hists.get(c);
        Histogram out = new Histogram(3);
        for (int i = 0; i < h[0].length; i++) {
            out.recordValueWithCount(Buckets.representative((int) h[0][i]), h[1][i]);
        }
        return out;
    }

    /** The sum of component {@code c} over every call, in ns, to within half a bucket per call. */
    public long totalNanos(Component c) {
        long[][] h = hists.get(c);
        long sum = 0;
        for (int i = 0; i < h[0].length; i++) {
            sum += Buckets.representative((int) h[0][i]) * h[1][i];
        }
        return sum;
    }

    @Override
    public String toString() {
        return "BreakdownSnapshot[calls=" + calls + " lost=" + lost + " errors=" + errors + "]";
    }
}
