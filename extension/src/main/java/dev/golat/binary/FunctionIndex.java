// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Pattern;

/**
 * Every function of a binary with its name, indexed by full name and by short name. Built once per
 * {@link GoBinary} on the first lookup; immutable afterwards.
 */
final class FunctionIndex {
    private static final int SHOWN = 5;

    private final List<GoFunction> functions;
    /** Full name → index into {@link #functions}; names that occur twice map to -1 and live in {@link #duplicates}. */
    private final Map<String, Integer> byName;
    private final Map<String, List<Integer>> duplicates = new HashMap<>();
    /** Short name → indexes. */
    private final Map<String, int[]> byShortName;

    private FunctionIndex(List<GoFunction> functions) {
        this.functions = functions;
        this.byName = new HashMap<>(functions.size() * 2);
        Map<String, int[]> shorts = new HashMap<>(functions.size() * 2);
        for (int i = 0; i < functions.size(); i++) {
            String name = functions.get(i).name();
            Integer old = byName.putIfAbsent(name, i);
            if (old != null) {
                List<Integer> all = duplicates.computeIfAbsent(name, k -> new ArrayList<>(List.of(old)));
                all.add(i);
                byName.put(name, -1);
            }
            final int idx = i;
            shorts.merge(FunctionNames.shortName(name), new int[] {i}, (a, b) -> {
                int[] c = Arrays.copyOf(a, a.length + 1);
                c[a.length] = idx;
                return c;
            });
        }
        this.byShortName = shorts;
    }

    /** Names every function of {@code table}, checking each {@code _func.entryOff} against the table. */
    static FunctionIndex build(FuncTable table) {
        int n = table.size();
        GoFunction[] fs = new GoFunction[n];
        boolean checkEntryOff = table.header.magic != PcHeader.MAGIC_GO116;
        for (int i = 0; i < n; i++) {
            fs[i] = table.function(i);
            if (checkEntryOff && table.textStart + table.entryOffField(i) != table.entries[i]) {
                throw table.region.corrupt(table.funcs[i], String.format("%s: _func.entryOff 0x%x disagrees with the "
                        + "function table's entryoff 0x%x", fs[i].name(), table.entryOffField(i),
                        table.entries[i] - table.textStart));
            }
        }
        return new FunctionIndex(List.of(fs));
    }

    List<GoFunction> functions() {
        return functions;
    }

    GoFunction get(int i) {
        return functions.get(i);
    }

    /** Every function the query names: exact name, else short name or suffix, else glob matches; sorted by entry. */
    List<GoFunction> lookupAll(String query) {
        List<Integer> exact = exact(query);
        if (!exact.isEmpty()) {
            return toFunctions(exact);
        }
        if (!FunctionNames.isGlob(query)) {
            return toFunctions(bySuffix(query));
        }
        Pattern glob = FunctionNames.globPattern(query);
        boolean full = FunctionNames.globMatchesFullName(query);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < functions.size(); i++) {
            String name = functions.get(i).name();
            if (glob.matcher(full ? name : FunctionNames.shortName(name)).matches()) {
                out.add(i);
            }
        }
        return toFunctions(out);
    }

    private List<Integer> exact(String query) {
        Integer i = byName.get(query);
        if (i == null) {
            return List.of();
        }
        return i >= 0 ? List.of(i) : duplicates.get(query);
    }

    private List<Integer> bySuffix(String query) {
        if (!FunctionNames.isQualified(query)) {
            int[] ids = byShortName.get(query);
            List<Integer> out = new ArrayList<>();
            if (ids != null) {
                for (int id : ids) {
                    out.add(id);
                }
            }
            return out;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < functions.size(); i++) {
            if (FunctionNames.suffixMatches(functions.get(i).name(), query)) {
                out.add(i);
            }
        }
        return out;
    }

    private List<GoFunction> toFunctions(List<Integer> ids) {
        List<GoFunction> out = new ArrayList<>(ids.size());
        for (int id : ids) {
            out.add(functions.get(id));
        }
        out.sort(Comparator.comparingLong(GoFunction::entry));
        return Collections.unmodifiableList(out);
    }

    /**
     * The one function the query names, else an exception that says what matched or what is close.
     * {@code binary} is the file's path as messages name it.
     */
    GoFunction lookup(String query, String binary, GoVersion version) {
        if (query == null || query.isBlank()) {
            throw new GoBinaryException("empty Go function name for " + binary + " (" + version + "): give a full name such as main.main, "
                    + "a short name such as handleStmtExecute, or a glob such as main.(*clientConn).*");
        }
        List<GoFunction> matches = lookupAll(query);
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new GoBinaryException(String.format(Locale.ROOT, "no Go function '%s' in %s (%s, %,d functions); closest: %s",
                    query, binary, version, functions.size(), String.join(", ", closest(query))));
        }
        List<GoFunction> ranked = new ArrayList<>(matches);
        ranked.sort(Comparator.comparing((GoFunction f) -> !f.name().startsWith("main."))
                .thenComparingInt(f -> f.name().length()).thenComparing(GoFunction::name));
        List<String> shown = new ArrayList<>();
        for (GoFunction f : ranked.subList(0, Math.min(SHOWN, ranked.size()))) {
            shown.add(f.name() + String.format(" (0x%x)", f.entry()));
        }
        String more = ranked.size() > SHOWN ? String.format(Locale.ROOT, " and %,d more", ranked.size() - SHOWN) : "";
        throw new GoBinaryException(String.format(Locale.ROOT, "'%s' is ambiguous in %s (%s): %,d functions match: %s%s; use the full name",
                query, binary, version, matches.size(), String.join(", ", shown), more));
    }

    /**
     * Up to five names closest to the query, closest first: ranked by short name (see
     * {@link FunctionNames#distance}); for a qualified query ({@code runtime.(*mspan).base}) names under the
     * same qualifier ({@code runtime.(*mspan).}) come first, then names in the same package.
     */
    List<String> closest(String query) {
        String literal = FunctionNames.literal(query);
        String qShort = FunctionNames.shortName(literal);
        String qualifier = literal.endsWith(qShort) ? literal.substring(0, literal.length() - qShort.length()) : "";
        int dot = qualifier.indexOf('.', qualifier.lastIndexOf('/') + 1);
        String pkg = dot > 0 ? qualifier.substring(0, dot + 1) : qualifier;
        String qShortLower = qShort.toLowerCase(Locale.ROOT);
        record Scored(int score, String name) {}
        Comparator<Scored> order = Comparator.comparingInt(Scored::score)
                .thenComparing(s -> !s.name().startsWith("main.")).thenComparingInt(s -> s.name().length())
                .thenComparing(Scored::name);
        PriorityQueue<Scored> best = new PriorityQueue<>(order.reversed());
        for (GoFunction f : functions) {
            String name = f.name();
            int level = qualifier.isEmpty() || name.startsWith(qualifier) ? 0 : name.startsWith(pkg) ? 1 : 2;
            int d = FunctionNames.distance(qShortLower, FunctionNames.shortName(name).toLowerCase(Locale.ROOT));
            Scored s = new Scored(level * 10_000 + d, name);
            if (best.size() < SHOWN || order.compare(s, best.peek()) < 0) {
                best.add(s);
                if (best.size() > SHOWN) {
                    best.poll();
                }
            }
        }
        List<Scored> ranked = new ArrayList<>(best);
        ranked.sort(order);
        return ranked.stream().map(Scored::name).toList();
    }
}
