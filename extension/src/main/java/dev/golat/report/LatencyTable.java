// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.result.Latency;
import dev.golat.result.Units;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * Many traced functions on one screen: one row per function that was called, sorted (by total time unless told
 * otherwise), and the functions that were never called on one line. The histograms stay in {@code --json} and the
 * report.
 *
 * <pre>
 * function                              count     total      p50      p99      max
 * main.(*conn).handleQuery             10,000   3.12 s    301 µs   612 µs   1.2 ms
 * main.(*conn).readPacket              20,000   401 ms   18.9 µs  40.1 µs   210 µs
 * never called (97): main.(*conn).Close, main.(*conn).handleStmtClose, ...
 * </pre>
 *
 * <p>{@code total} is the sum of the measured calls, each taken at the value its histogram bucket reports (at most
 * 1/128 above the call's own time). A function that was entered but whose calls have not returned has a row with
 * count 0 and its counters.
 */
@API(status = API.Status.INTERNAL)
public final class LatencyTable {
    /** Above this many functions, the console prints the table instead of one histogram per function. */
    public static final int HISTOGRAMS_UP_TO = 5;

    /** The column a table is sorted by, descending (name: ascending). */
    public enum Sort {
        COUNT, TOTAL, P50, P99, MAX, NAME;

        /** {@code count}, {@code total}, {@code p50}, {@code p99}, {@code max} or {@code name}. */
        public static Sort parse(String s) {
            for (Sort v : values()) {
                if (v.name().toLowerCase(Locale.ROOT).equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("'" + s + "' is not a column to sort by; choose one of count, total, p50, p99, max, name");
        }
    }

    private LatencyTable() {}

    /** The table of the called functions sorted by {@code sort}, then the never-called ones on one line. */
    public static String render(List<Latency> latencies, Sort sort) {
        String nl = System.lineSeparator();
        List<Latency> called = new ArrayList<>();
        List<String> never = new ArrayList<>();
        for (Latency l : latencies) {
            if (l.count() > 0 || l.counters().fired()) {
                called.add(l);
            } else {
                never.add(l.name());
            }
        }
        java.util.Map<Latency, Long> totals = new java.util.IdentityHashMap<>();
        called.forEach(l -> totals.put(l, total(l)));
        called.sort(order(sort, totals));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"function", "count", "total", "p50", "p99", "max"});
        for (Latency l : called) {
            if (l.count() == 0) {
                rows.add(new String[] {l.name(), "0", "-", "-", "-", "- (" + l.counters().nonZero() + ")"});
            } else {
                rows.add(new String[] {l.name(), Units.count(l.count()), Units.duration(totals.get(l)),
                    Units.duration(l.p50()), Units.duration(l.p99()), Units.duration(l.max())});
            }
        }
        int[] width = new int[6];
        for (String[] r : rows) {
            for (int i = 0; i < 5; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(pad(r[0], width[0], false));
            for (int i = 1; i < 6; i++) {
                line.append("  ").append(i == 5 ? r[i] : pad(r[i], width[i], true));
            }
            out.append(line.toString().stripTrailing()).append(nl);
        }
        if (called.isEmpty()) {
            out.setLength(0);
        }
        if (!never.isEmpty()) {
            never.sort(Comparator.naturalOrder());
            out.append("never called (").append(Units.count(never.size())).append("): ")
                    .append(String.join(", ", never)).append(nl);
        }
        return out.toString();
    }

    /** The sum of the measured calls: every bucket's count times the value it reports. */
    public static long total(Latency l) {
        long sum = 0;
        for (var v : l.histogram().recordedValues()) {
            sum += v.getCountAtValueIteratedTo() * v.getValueIteratedTo();
        }
        return sum;
    }

    private static Comparator<Latency> order(Sort sort, java.util.Map<Latency, Long> totals) {
        Comparator<Latency> byName = Comparator.comparing(Latency::name);
        return switch (sort) {
            case NAME -> byName;
            case COUNT -> Comparator.comparingLong(Latency::count).reversed().thenComparing(byName);
            case TOTAL -> Comparator.comparingLong((Latency l) -> totals.get(l)).reversed().thenComparing(byName);
            case P50 -> Comparator.comparingLong((Latency l) -> nanos(l, 50)).reversed().thenComparing(byName);
            case P99 -> Comparator.comparingLong((Latency l) -> nanos(l, 99)).reversed().thenComparing(byName);
            case MAX -> Comparator.comparingLong((Latency l) -> l.count() == 0 ? -1 : l.max().toNanos()).reversed()
                    .thenComparing(byName);
        };
    }

    private static long nanos(Latency l, int p) {
        return l.count() == 0 ? -1 : (p == 50 ? l.p50() : l.p99()).toNanos();
    }

    private static String pad(String s, int width, boolean left) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return left ? spaces + s : s + spaces;
    }
}
