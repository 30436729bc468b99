// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.result.CallCounts;
import dev.golat.result.Counts;
import dev.golat.result.Instantiation;
import dev.golat.result.Latency;
import dev.golat.result.Units;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A text histogram in the style of bpftrace's {@code hist()}, for the console and for assertion messages:
 *
 * <pre>
 * handleStmtExecute (main.(*conn).handleStmtExecute)
 * [128 µs, 256 µs)      12 |@                                       |
 * [256 µs, 512 µs)   8,000 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
 * [512 µs, 1 ms)     1,988 |@@@@@@@@@@                              |
 * n=10,000  p50=312 µs  p90=498 µs  p99=610 µs  p99.9=702 µs  max=980 µs  (entries=10,000, matched=10,000)  probe bias=1.1 µs (included)
 * </pre>
 *
 * <p>The probe bias (the time golat's probes add inside each measured call, calibrated on this machine) ends the
 * summary line when it is known: {@code (included)} in the figures, or {@code (subtracted)} from them.
 *
 * <p>Rows double within each unit (1, 2, 4 … 512 ns, then 1, 2 … 512 µs, then ms, then s), so every bound
 * reads as a round number; the last row of a unit is therefore 1.95× wide instead of 2×. Rows run from the
 * lowest to the highest non-empty one; a non-empty row always gets at least one {@code @}, so a single
 * outlier stays visible. A function traced on several nodes gets the histogram of all their calls, then the nodes
 * side by side (count, percentiles and counters per node). A sample sits in the row of the value HdrHistogram reports for its bucket (the
 * bucket's highest value), the same value its percentiles report.
 */
@API(status = API.Status.INTERNAL)
public final class ConsoleHistogram {

    /** Characters of the longest bar. */
    static final int WIDTH = 40;

    /** Lower bounds of the rows in ns: 0, 1, 2, 4 … 512, 1 000, 2 000 … 512 000 000, 1e9, 2e9, 4e9 … */
    private static final long[] BOUNDS = bounds();

    private ConsoleHistogram() {
    }

    private static long[] bounds() {
        List<Long> bounds = new ArrayList<>();
        bounds.add(0L);
        for (long unit = 1; unit <= 1_000_000; unit *= 1000) {
            for (long k = 1; k <= 512; k *= 2) {
                bounds.add(k * unit);
            }
        }
        for (long s = 1_000_000_000L; s > 0 && s <= Long.MAX_VALUE / 2; s *= 2) {
            bounds.add(s);
        }
        return bounds.stream().mapToLong(Long::longValue).toArray();
    }

    /** The histogram of {@code latency}, a header and a summary line; lines end with the line separator. */
    public static String render(Latency latency) {
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder(header(latency)).append(nl);
        if (latency.count() == 0) {
            return out.append("(no call measured: ").append(latency.counters().nonZero()).append(')').append(nl)
                    .append(instantiations(latency)).append(NodeTable.text(latency)).toString();
        }
        long[] rows = rows(latency.histogram());
        int first = 0;
        while (rows[first] == 0) {
            first++;
        }
        int last = rows.length - 1;
        while (rows[last] == 0) {
            last--;
        }
        long most = 0;
        int labelWidth = 0;
        int countWidth = 0;
        for (int i = first; i <= last; i++) {
            most = Math.max(most, rows[i]);
            labelWidth = Math.max(labelWidth, label(i).length());
            countWidth = Math.max(countWidth, Units.count(rows[i]).length());
        }
        for (int i = first; i <= last; i++) {
            out.append(pad(label(i), labelWidth, false)).append(' ')
                    .append(pad(Units.count(rows[i]), countWidth, true)).append(" |")
                    .append(bar(rows[i], most)).append('|').append(nl);
        }
        return out.append(summary(latency)).append(nl).append(instantiations(latency)).append(NodeTable.text(latency))
                .toString();
    }

    /**
     * For a generic function, one line per instantiation measured in it, with its own counters:
     * {@code   main.Hold[go.shape.int] (0x4e2720)  n=300  (entries=300, matched=300)}; else nothing.
     */
    public static String instantiations(Latency latency) {
        List<Instantiation> all = latency.instantiations();
        if (all.isEmpty()) {
            return "";
        }
        String nl = System.lineSeparator();
        List<String> names = new ArrayList<>();
        int width = 0;
        for (Instantiation i : all) {
            String name = String.format("%s (0x%x)", i.function(), i.entry());
            names.add(name);
            width = Math.max(width, name.length());
        }
        StringBuilder out = new StringBuilder(Units.count(all.size())).append(" instantiations, measured as one:").append(nl);
        for (int k = 0; k < all.size(); k++) {
            CallCounts c = all.get(k).counts();
            out.append("  ").append(pad(names.get(k), width, false)).append("  n=").append(Units.count(c.matched()))
                    .append("  (").append(c.nonZero()).append(')').append(nl);
        }
        return out.toString();
    }

    private static String header(Latency latency) {
        return latency.name().equals(latency.function())
                ? latency.name()
                : latency.name() + " (" + latency.function() + ")";
    }

    /** The count, the usual percentiles and the non-zero counters, on one line. */
    static String summary(Latency latency) {
        Counts counts = latency.counters();
        return "n=" + Units.count(latency.count())
                + "  p50=" + Units.duration(latency.p50())
                + "  p90=" + Units.duration(latency.p90())
                + "  p99=" + Units.duration(latency.p99())
                + "  p99.9=" + Units.duration(latency.p999())
                + "  max=" + Units.duration(latency.max())
                + "  (" + counts.nonZero() + ")" + bias(latency);
    }

    /** {@code "  probe bias=1.1 µs (included)"}, or {@code ""} when none was calibrated. */
    static String bias(Latency latency) {
        return latency.probeBias().map(b -> "  probe bias=" + Units.duration(b)
                + (latency.probeBiasSubtracted() ? " (subtracted)" : " (included)")).orElse("");
    }

    /** Samples per row. */
    static long[] rows(Histogram histogram) {
        long[] rows = new long[BOUNDS.length];
        for (HistogramIterationValue v : histogram.recordedValues()) {
            rows[row(v.getValueIteratedTo())] += v.getCountAtValueIteratedTo();
        }
        return rows;
    }

    /** The row holding {@code nanos}: the last bound not above it. */
    static int row(long nanos) {
        int low = 0;
        int high = BOUNDS.length - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (BOUNDS[mid] <= nanos) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    static String label(int row) {
        String upper = row + 1 < BOUNDS.length ? exact(BOUNDS[row + 1]) : "∞";
        return "[" + exact(BOUNDS[row]) + ", " + upper + ")";
    }

    private static String exact(long nanos) {
        return nanos == 0 ? "0" : Units.duration(nanos, 19);
    }

    private static String bar(long count, long most) {
        int length = count == 0 ? 0 : (int) Math.max(1, Math.round((double) count * WIDTH / most));
        return "@".repeat(length) + " ".repeat(WIDTH - length);
    }

    private static String pad(String s, int width, boolean left) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return left ? fill + s : s + fill;
    }
}
