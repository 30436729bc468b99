// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the answer to {@code snapshot} (agent/PROTOCOL.md):
 * <pre>
 * probe &lt;id&gt; entries=&lt;n&gt; returns=&lt;n&gt; matched=&lt;n&gt; unmatched=&lt;n&gt; stale=&lt;n&gt; reentries=&lt;n&gt; dnr=&lt;n&gt; inflight=&lt;n&gt; errors=&lt;n&gt;
 * span &lt;id&gt; started=&lt;n&gt; completed=&lt;n&gt; notreached=&lt;n&gt; unmatched=&lt;n&gt; restarts=&lt;n&gt; overflow=&lt;n&gt; stale=&lt;n&gt; inflight=&lt;n&gt; errors=&lt;n&gt;
 * hist &lt;id&gt; &lt;bucket&gt;:&lt;count&gt; ...
 * </pre>
 * A {@code probe} line becomes {@link Counters}, a {@code span} line {@link SpanCounters}.
 */
final class SnapshotParser {
    private SnapshotParser() {}

    /** The id and counters of a {@code probe} line. */
    static Map.Entry<Integer, Counters> probeLine(String line) {
        Map<String, Long> v = new HashMap<>();
        int id = fields(line, "probe", v);
        Counters c = new Counters(get(v, "entries", line), get(v, "returns", line), get(v, "matched", line),
                get(v, "unmatched", line), get(v, "stale", line), get(v, "reentries", line), get(v, "dnr", line),
                get(v, "inflight", line), get(v, "errors", line));
        return Map.entry(id, c);
    }

    /** The id and counters of a {@code span} line. */
    static Map.Entry<Integer, SpanCounters> spanLine(String line) {
        Map<String, Long> v = new HashMap<>();
        int id = fields(line, "span", v);
        SpanCounters c = new SpanCounters(get(v, "started", line), get(v, "completed", line),
                get(v, "notreached", line), get(v, "unmatched", line), get(v, "restarts", line),
                get(v, "overflow", line), get(v, "stale", line), get(v, "inflight", line), get(v, "errors", line));
        return Map.entry(id, c);
    }

    /**
     * {@code breakdown <id> calls= lost= errors=}, then per component {@code bhist <id> <name> <b>:<c>...}, then
     * {@code exemplars <id> n=<k>} and k {@code exemplar} lines.
     */
    static BreakdownSnapshot breakdown(String line, int id, java.util.function.Supplier<String> next) {
        Map<String, Long> v = new HashMap<>();
        if (fields(line, "breakdown", v) != id) {
            throw bad(line, "'breakdown " + id + " ...'");
        }
        Map<Component, long[][]> hists = new java.util.EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            String h = next.get();
            String prefix = "bhist " + id + " " + c.wireName();
            if (!h.equals(prefix) && !h.startsWith(prefix + " ")) {
                throw bad(h, "'" + prefix + " <bucket>:<count> ...'");
            }
            hists.put(c, pairs(h, h.split(" "), 3));
        }
        String header = next.get();
        Map<String, Long> hv = new HashMap<>();
        if (!header.startsWith("exemplars ") || fields(header, "exemplars", hv) != id) {
            throw bad(header, "'exemplars " + id + " n=<k>'");
        }
        long n = get(hv, "n", header);
        if (n > AgentProtocol.BD_EXEMPLARS) {
            throw bad(header, "at most " + AgentProtocol.BD_EXEMPLARS + " exemplars");
        }
        List<ExemplarSnapshot> exemplars = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            exemplars.add(exemplar(next.get(), id));
        }
        try {
            return new BreakdownSnapshot(get(v, "calls", line), get(v, "lost", line), get(v, "errors", line), hists,
                    exemplars);
        } catch (IllegalArgumentException e) {
            throw bad(line, e.getMessage());
        }
    }

    /** {@code exemplar <id> ns=<n> goid=<n> <component>=<n>...}, every component once. */
    private static ExemplarSnapshot exemplar(String line, int id) {
        Map<String, Long> v = new HashMap<>();
        if (!line.startsWith("exemplar ") || fields(line, "exemplar", v) != id) {
            throw bad(line, "'exemplar " + id + " ns=<n> goid=<n> <component>=<n>...'");
        }
        Map<Component, Long> parts = new java.util.EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            parts.put(c, get(v, c.wireName(), line));
        }
        try {
            return new ExemplarSnapshot(get(v, "ns", line), get(v, "goid", line), parts);
        } catch (IllegalArgumentException e) {
            throw bad(line, e.getMessage());
        }
    }

    /** {@code hooks transitions= switches= stw_ns= errors=}. */
    static HookCounts hooks(String line) {
        Map<String, Long> v = new HashMap<>();
        String[] f = line.split(" ");
        if (f.length < 1 || !f[0].equals("hooks")) {
            throw bad(line, "'hooks name=value...'");
        }
        for (int i = 1; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            if (eq <= 0) {
                throw bad(line, "name=value fields");
            }
            v.put(f[i].substring(0, eq), parseLong(f[i].substring(eq + 1), line));
        }
        return new HookCounts(get(v, "transitions", line), get(v, "switches", line), get(v, "stw_ns", line),
                get(v, "errors", line));
    }

    /** Reads {@code <kind> <id> name=value...} into {@code values}; returns the id. */
    private static int fields(String line, String kind, Map<String, Long> values) {
        String[] f = line.split(" ");
        if (f.length < 2 || !f[0].equals(kind)) {
            throw bad(line, "a '" + kind + " <id> name=value...' line");
        }
        int id = parseInt(f[1], line);
        for (int i = 2; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            if (eq <= 0) {
                throw bad(line, "name=value fields");
            }
            values.put(f[i].substring(0, eq), parseLong(f[i].substring(eq + 1), line));
        }
        return id;
    }

    /** A {@code hist} line of probe {@code id} into a snapshot. */
    static ProbeSnapshot histLine(String line, int id, String function, Counters counters) {
        return snapshot(line, id, (buckets, counts) -> new ProbeSnapshot(id, function, counters, buckets, counts));
    }

    /** A {@code hist} line of span {@code id} into a snapshot. */
    static ProbeSnapshot histLine(String line, int id, String span, SpanCounters counters) {
        return snapshot(line, id, (buckets, counts) -> new ProbeSnapshot(id, span, counters, buckets, counts));
    }

    private interface Snapshot {
        ProbeSnapshot of(int[] buckets, long[] counts);
    }

    private static ProbeSnapshot snapshot(String line, int id, Snapshot snapshot) {
        long[][] h = hist(line, id);
        try {
            return snapshot.of(toInts(h[0]), h[1]);
        } catch (IllegalArgumentException e) {
            throw bad(line, e.getMessage());
        }
    }

    /** {@code hist <id> <bucket>:<count> ...} as buckets and counts. */
    private static long[][] hist(String line, int id) {
        String[] f = line.split(" ");
        if (f.length < 2 || !f[0].equals("hist") || parseInt(f[1], line) != id) {
            throw bad(line, "'hist " + id + " <bucket>:<count> ...'");
        }
        return pairs(line, f, 2);
    }

    /** The {@code <bucket>:<count>} pairs of {@code f} from index {@code from} on, as buckets and counts. */
    private static long[][] pairs(String line, String[] f, int from) {
        int n = f.length - from;
        long[] buckets = new long[n];
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            String pair = f[i + from];
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw bad(line, "<bucket>:<count> pairs");
            }
            buckets[i] = parseInt(pair.substring(0, colon), line);
            counts[i] = parseLong(pair.substring(colon + 1), line);
        }
        return new long[][] {buckets, counts};
    }

    private static int[] toInts(long[] values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = (int) values[i];
        }
        return ints;
    }

    private static long get(Map<String, Long> v, String name, String line) {
        Long x = v.get(name);
        if (x == null) {
            throw bad(line, "a field " + name + "=");
        }
        return x;
    }

    private static int parseInt(String s, String line) {
        long v = parseLong(s, line);
        if (v > Integer.MAX_VALUE) {
            throw bad(line, "an int, not " + s);
        }
        return (int) v;
    }

    private static long parseLong(String s, String line) {
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw bad(line, "non-negative numbers, not " + s);
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(line, "a number, not '" + s + "'");
        }
    }

    private static AgentException bad(String line, String expected) {
        String shown = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        return new AgentException("SESSION", "unexpected agent answer '" + shown + "': expected " + expected);
    }
}
