// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import dev.golat.agent.ProbeSnapshot;
import dev.golat.plan.FunctionPlan;
import dev.golat.plan.ProbePlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.apiguardian.api.API;

/**
 * The agent's figures for one probe or span, or for the probes of a generic function's instantiations, as one
 * frozen {@link Latency}: the one mapping for the extension and {@code golat trace}.
 */
@API(status = API.Status.INTERNAL)
public final class Snapshots {
    private Snapshots() {}

    /** One probe's or span's figures; {@code function} is the full name (or span) it measured. */
    public static Latency toLatency(String name, String function, ProbeSnapshot snapshot, Path report) {
        Counts counts = snapshot.isSpan() ? SpanCounts.of(snapshot.spanCounters()) : CallCounts.of(snapshot.counters());
        FrozenLatency l = (FrozenLatency) Latency.of(name, function, snapshot.toHistogram(), counts, report);
        return snapshot.breakdown().map(b -> (Latency) l.withBreakdown(Breakdown.of(name, function, counts, report, b)))
                .orElse(l);
    }

    /**
     * One probe per instantiation of {@code plan} ({@code snapshots} in the same order) measured as one latency: their
     * histograms and counters added up, each instantiation's counters kept.
     */
    public static Latency toLatency(String name, FunctionPlan plan, List<ProbeSnapshot> snapshots, Path report) {
        if (snapshots.size() != plan.instances().size()) {
            throw new IllegalArgumentException(name + ": " + snapshots.size() + " snapshots for "
                    + plan.instances().size() + " instantiations of " + plan.function());
        }
        if (!plan.isGeneric()) {
            return toLatency(name, plan.function(), snapshots.get(0), report);
        }
        Histogram all = null;
        CallCounts sum = CallCounts.NONE;
        List<Instantiation> each = new ArrayList<>();
        List<Breakdown> parts = new ArrayList<>();
        for (int i = 0; i < snapshots.size(); i++) {
            ProbeSnapshot s = snapshots.get(i);
            ProbePlan p = plan.instances().get(i);
            Histogram h = s.toHistogram();
            if (all == null) {
                all = h;
            } else {
                all.add(h);
            }
            CallCounts counts = CallCounts.of(s.counters());
            sum = sum.plus(counts);
            each.add(new Instantiation(p.function(), p.entry(), counts));
            s.breakdown().ifPresent(b -> parts.add(Breakdown.of(name, plan.function(), counts, report, b)));
        }
        FrozenLatency l = (FrozenLatency) Latency.of(name, plan.function(), all, sum, each, report);
        return parts.size() == snapshots.size() ? l.withBreakdown(Breakdown.merged(name, plan.function(), sum, report,
                parts)) : l;
    }

    /**
     * {@code latency} (as made here: frozen) with the probe bias calibrated on this machine, and with it
     * subtracted from every sample when {@code subtract}.
     */
    public static Latency withProbeBias(Latency latency, long biasNanos, boolean subtract) {
        if (!(latency instanceof FrozenLatency frozen)) {
            throw new IllegalArgumentException("a probe bias is attached to a frozen latency, not to " + latency.name()
                    + "'s live view");
        }
        Latency withBias = frozen.withProbeBias(biasNanos);
        return subtract ? withBias.withoutProbeBias() : withBias;
    }
}
