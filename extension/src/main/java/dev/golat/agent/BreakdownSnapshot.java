// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;
import org.apiguardian.api.API;

/**
 * One probe's breakdown at one {@code snapshot}: its {@code breakdown <id> calls= lost= errors=} line, one histogram
 * per {@link Component} from its {@code bhist} lines (non-zero buckets, summed over CPUs), and its {@code exemplar}
 * lines. Each component histogram holds one sample per broken-down call ({@code calls}), 0 ns included.
 *
 * @param calls     returns broken down: each component histogram holds this many samples
 * @param lost      returns with no breakdown frame, or whose goroutine's accumulators were evicted meanwhile
 * @param errors    entries that found no room in the frame or goroutine maps
 * @param buckets   per component, its non-zero buckets and their counts ({@code {buckets, counts}})
 * @param exemplars the slowest broken-down calls of the window, the slowest first (at most
 *                  {@link AgentProtocol#BD_EXEMPLARS})
 */
@API(status = API.Status.INTERNAL)
public record BreakdownSnapshot(long calls, long lost, long errors, Map<Component, long[][]> buckets,
        List<ExemplarSnapshot> exemplars) {

    public BreakdownSnapshot {
        Map<Component, long[][]> copy = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            long[][] h = Objects.requireNonNull(buckets.get(c), () -> "no bhist line for " + c.wireName());
            for (int i = 0; i < h[0].length; i++) {
                Buckets.lowerBound((int) h[0][i]);
            }
            copy.put(c, new long[][] {h[0].clone(), h[1].clone()});
        }
        buckets = java.util.Collections.unmodifiableMap(copy);
        exemplars = List.copyOf(exemplars);
        for (int i = 1; i < exemplars.size(); i++) {
            if (exemplars.get(i).nanos() > exemplars.get(i - 1).nanos()) {
                throw new IllegalArgumentException("exemplars not the slowest first: " + exemplars);
            }
        }
    }

    /** Samples in component {@code c}'s histogram. */
    public long count(Component c) {
        return Arrays.stream(buckets.get(c)[1]).sum();
    }

    /** Component {@code c}'s samples, recorded like {@link ProbeSnapshot#toHistogram()}. */
    public Histogram histogram(Component c) {
        long[][] h = buckets.get(c);
        Histogram out = new Histogram(3);
        for (int i = 0; i < h[0].length; i++) {
            out.recordValueWithCount(Buckets.representative((int) h[0][i]), h[1][i]);
        }
        return out;
    }

    /** The sum of component {@code c} over every call, in ns, to within half a bucket per call. */
    public long totalNanos(Component c) {
        long[][] h = buckets.get(c);
        long sum = 0;
        for (int i = 0; i < h[0].length; i++) {
            sum += Buckets.representative((int) h[0][i]) * h[1][i];
        }
        return sum;
    }

    @Override
    public String toString() {
        return "BreakdownSnapshot[calls=" + calls + " lost=" + lost + " errors=" + errors + " exemplars="
                + exemplars.size() + "]";
    }
}
