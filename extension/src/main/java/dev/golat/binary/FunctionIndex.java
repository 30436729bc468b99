// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Every function of a binary with its name, indexed by full name, by the forms a generic function's name takes
 * (see {@link FunctionNames}) and by short name. Built once per {@link GoBinary} on the first lookup that the
 * fast path ({@link NameSearch}) cannot answer; immutable afterwards.
 */
final class FunctionIndex {
    private static final int SHOWN = 5;

    private final List<GoFunction> functions;
    /** Per function: the most specific name known (see {@link FunctionSelection.Instance#name}). */
    private final String[] labels;
    /** Per function: whether its funcID is FuncIDWrapper (dictionary wrappers, method value wrappers, ...). */
    private final boolean[] wrapper;
    /** Full name, and for instantiations the {@code .symtab} name with and without shape indexes → indexes. */
    private final Map<String, int[]> byName;
    /** Generic name ({@code main.Hold[...]}) and bare name ({@code main.Hold}) of instantiations → indexes. */
    private final Map<String, int[]> byGenericName;
    /** Short name → indexes. */
    private final Map<String, int[]> byShortName;

    private FunctionIndex(List<GoFunction> functions, String[] labels, boolean[] wrapper) {
        this.functions = functions;
        this.labels = labels;
        this.wrapper = wrapper;
        int n = functions.size();
        this.byName = new HashMap<>(n * 2);
        this.byGenericName = new HashMap<>();
        this.byShortName = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String name = functions.get(i).name();
            add(byName, name, i);
            if (!labels[i].equals(name)) {
                add(byName, labels[i], i);
            }
            String canonical = FunctionNames.withoutShapeIndexes(labels[i]);
            if (!canonical.equals(labels[i]) && !canonical.equals(name)) {
                add(byName, canonical, i);
            }
            if (FunctionNames.hasTypeArgs(name)) {
                String generic = FunctionNames.genericName(name);
                if (!generic.equals(name)) {
                    add(byGenericName, generic, i);
                }
                add(byGenericName, FunctionNames.bareName(name), i);
            }
            add(byShortName, FunctionNames.shortName(name), i);
        }
    }

    private static void add(Map<String, int[]> m, String key, int i) {
        m.merge(key, new int[] {i}, (a, b) -> {
            if (a[a.length - 1] == i) {
                return a;
            }
            int[] c = Arrays.copyOf(a, a.length + 1);
            c[a.length] = i;
            return c;
        });
    }

    /**
     * Names every function of {@code table}, checking each {@code _func.entryOff} against the table. {@code symtab}
     * is read only when the pclntab writes instantiations {@code [...]} (Go 1.18–1.20), for their shapes.
     */
    static FunctionIndex build(FuncTable table, Supplier<List<ElfSymbol>> symtab) {
        int n = table.size();
        GoFunction[] fs = new GoFunction[n];
        boolean checkEntryOff = table.header.magic != PcHeader.MAGIC_GO116;
        boolean elided = false;
        for (int i = 0; i < n; i++) {
            fs[i] = table.function(i);
            if (checkEntryOff && table.textStart + table.entryOffField(i) != table.entries[i]) {
                throw table.region.corrupt(table.funcs[i], String.format("%s: _func.entryOff 0x%x disagrees with the "
                        + "function table's entryoff 0x%x", fs[i].name(), table.entryOffField(i),
                        table.entries[i] - table.textStart));
            }
            elided |= fs[i].name().contains("[...]");
        }
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            labels[i] = fs[i].name();
        }
        if (elided) {
            Map<Long, String> shaped = new HashMap<>();
            for (ElfSymbol s : symtab.get()) {
                if (s.type() == ElfSymbol.STT_FUNC && s.name().indexOf('[') > 0) {
                    shaped.put(s.st_value(), s.name());
                }
            }
            for (int i = 0; i < n; i++) {
                String sym = shaped.get(fs[i].entry());
                if (sym != null && labels[i].contains("[...]")
                        && FunctionNames.genericName(sym).equals(FunctionNames.genericName(labels[i]))) {
                    labels[i] = sym;
                }
            }
        }
        return new FunctionIndex(List.of(fs), labels, wrappers(table));
    }

    /**
     * Which functions have funcID FuncIDWrapper. It is the last value of the funcID enum in every Go release
     * (21 in Go 1.17–1.21, 22 in 1.22–1.23, 23 in 1.26–1.27: internal/abi/symtab.go), and every Go binary has
     * wrappers (ABI and method wrappers), so it is the largest funcID in the table.
     */
    private static boolean[] wrappers(FuncTable table) {
        int n = table.size();
        int[] ids = new int[n];
        int max = 0;
        int at = table.nfuncdataAt() - 3; // funcID uint8; flag uint8; _ [1]byte; nfuncdata uint8
        for (int i = 0; i < n; i++) {
            ids[i] = table.region.u8(table.funcs[i] + at, "_func.funcID");
            max = Math.max(max, ids[i]);
        }
        boolean[] w = new boolean[n];
        for (int i = 0; i < n; i++) {
            w[i] = max > 0 && ids[i] == max;
        }
        return w;
    }

    List<GoFunction> functions() {
        return functions;
    }

    GoFunction get(int i) {
        return functions.get(i);
    }

    /** Every function the query names (see {@link #matches}), sorted by entry. */
    List<GoFunction> lookupAll(String query) {
        return toFunctions(matches(query));
    }

    /**
     * The functions a query names: its exact name (a full name; for Go 1.18–1.20 also the {@code .symtab} name of an
     * instantiation, with or without shape indexes), else a generic function's generic or bare name
     * ({@code main.Hold[...]}, {@code main.(*Stack).Push}), else a short name or a qualified suffix of any of these,
     * else for a glob every name, generic name or bare name it matches (its short name for a glob without a dot).
     */
    private List<Integer> matches(String query) {
        int[] exact = byName.get(query);
        if (exact == null) {
            exact = byName.get(FunctionNames.withoutShapeIndexes(query));
        }
        if (exact == null) {
            exact = byGenericName.get(query);
        }
        if (exact != null) {
            return ids(exact);
        }
        List<Integer> out = new ArrayList<>();
        if (!FunctionNames.isGlob(query)) {
            if (!FunctionNames.isQualified(query)) {
                int[] ids = byShortName.get(query);
                return ids == null ? out : ids(ids);
            }
            String canonical = FunctionNames.withoutShapeIndexes(query);
            for (int i = 0; i < functions.size(); i++) {
                if (FunctionNames.anySuffixMatches(functions.get(i).name(), query)
                        || (!labels[i].equals(functions.get(i).name()) && (FunctionNames.suffixMatches(labels[i], query)
                        || FunctionNames.suffixMatches(FunctionNames.withoutShapeIndexes(labels[i]), canonical)))) {
                    out.add(i);
                }
            }
            return out;
        }
        Pattern glob = FunctionNames.globPattern(query);
        boolean full = FunctionNames.globMatchesFullName(query);
        for (int i = 0; i < functions.size(); i++) {
            String name = functions.get(i).name();
            boolean hit;
            if (!full) {
                hit = glob.matcher(FunctionNames.shortName(name)).matches();
            } else {
                hit = glob.matcher(name).matches() || (!labels[i].equals(name) && glob.matcher(labels[i]).matches())
                        || (FunctionNames.hasTypeArgs(name) && (glob.matcher(FunctionNames.genericName(name)).matches()
                        || glob.matcher(FunctionNames.bareName(name)).matches()));
            }
            if (hit) {
                out.add(i);
            }
        }
        return out;
    }

    /** Whether {@code glob} matches the plain name {@code name} (the same rules as {@link #matches} for globs). */
    static boolean globMatches(String glob, String name) {
        Pattern p = FunctionNames.globPattern(glob);
        if (!FunctionNames.globMatchesFullName(glob)) {
            return p.matcher(FunctionNames.shortName(name)).matches();
        }
        return p.matcher(name).matches() || (FunctionNames.hasTypeArgs(name) && (p.matcher(FunctionNames.genericName(name)).matches()
                || p.matcher(FunctionNames.bareName(name)).matches()));
    }

    /** Whether some function of the binary has exactly this name. */
    boolean hasFunctionNamed(String name) {
        return byName.containsKey(name);
    }

    private static List<Integer> ids(int[] a) {
        List<Integer> out = new ArrayList<>(a.length);
        for (int i : a) {
            out.add(i);
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
     * What the query selects: one function, or every instantiation of one generic function (without its
     * dictionary wrappers, unless it has nothing else). {@code binary} is the file's path as messages name it.
     *
     * @throws GoBinaryException for an empty or unknown name (with the closest names), for a name that matches
     *     different functions (naming them and how to name one), or several functions of one identical name that
     *     are not instantiations (with their addresses, to pick one)
     */
    FunctionSelection select(String query, String binary, GoVersion version) {
        if (query == null || query.isBlank()) {
            throw new GoBinaryException("empty Go function name for " + binary + " (" + version + "): give a full name such as main.main, "
                    + "a short name such as handleStmtExecute, or a glob such as main.(*clientConn).*");
        }
        List<Integer> matches = matches(query);
        if (matches.isEmpty() && FunctionNames.hasTypeArgs(query)) {
            int[] same = byGenericName.get(FunctionNames.genericName(query));
            if (same == null) {
                same = byGenericName.get(FunctionNames.bareName(query));
            }
            if (same != null) {
                List<FunctionSelection.Instance> all = new ArrayList<>();
                for (int id : withoutWrappers(ids(same))) {
                    all.add(new FunctionSelection.Instance(functions.get(id), labels[id]));
                }
                all.sort(Comparator.comparingLong(i -> i.function().entry()));
                if (!all.stream().allMatch(FunctionSelection.Instance::shapeKnown)) {
                    throw new GoBinaryException(String.format(Locale.ROOT, "no instantiation '%s' in %s (%s): without a symbol "
                            + "table the pclntab writes every instantiation %s, so the shapes are unknown; pick one of its "
                            + "%,d instantiations by its address: %s", query, binary, version, all.get(0).name(), all.size(),
                            String.join(", ", all.stream().map(i -> String.format("0x%x", i.function().entry())).toList())));
                }
                throw new GoBinaryException(String.format(Locale.ROOT, "no instantiation '%s' in %s (%s); the generic function "
                        + "%s has %,d: %s", query, binary, version, FunctionNames.genericName(all.get(0).name()), all.size(),
                        String.join(", ", all.stream().map(FunctionSelection.Instance::toString).toList())));
            }
        }
        if (matches.isEmpty()) {
            throw new GoBinaryException(String.format(Locale.ROOT, "%s in %s (%s, %,d functions)%s; closest: %s",
                    FunctionNames.isGlob(query) ? "no Go function matches the glob '" + query + "'" : "no Go function '" + query + "'",
                    binary, version, functions.size(), spellingHint(query), String.join(", ", closest(query))));
        }
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int id : matches) {
            groups.computeIfAbsent(FunctionNames.genericName(functions.get(id).name()), k -> new ArrayList<>()).add(id);
        }
        if (groups.size() > 1) {
            throw ambiguous(query, binary, version, groups);
        }
        String generic = groups.keySet().iterator().next();
        List<FunctionSelection.Instance> bodies = new ArrayList<>();
        List<FunctionSelection.Instance> wrappers = new ArrayList<>();
        for (int id : sortedByEntry(matches)) {
            (wrapper[id] ? wrappers : bodies).add(new FunctionSelection.Instance(functions.get(id), labels[id]));
        }
        if (bodies.isEmpty()) {
            bodies = wrappers;
            wrappers = List.of();
        }
        if (bodies.size() > 1 && !FunctionNames.hasTypeArgs(generic)) {
            List<String> at = bodies.stream().map(i -> String.format("0x%x", i.function().entry())).toList();
            throw new GoBinaryException(String.format(Locale.ROOT, "'%s' is ambiguous in %s (%s): %,d functions are named %s, "
                    + "at %s; pick one by its address, e.g. '%s'", query, binary, version, bodies.size(), generic,
                    String.join(", ", at), at.get(0)));
        }
        String name = bodies.size() == 1 && wrappers.isEmpty() ? bodies.get(0).name() : generic;
        return new FunctionSelection(name, bodies, wrappers);
    }

    /**
     * Why a name that matched nothing may be misspelt: a space outside type arguments (Go names have none there: a
     * quoting slip), or a character outside ASCII that no function name here has (a lookalike letter pasted in).
     */
    private String spellingHint(String query) {
        int depth = 0;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            depth += c == '[' ? 1 : c == ']' ? -1 : 0;
            if (Character.isWhitespace(c) && depth <= 0) {
                return String.format(Locale.ROOT, "; the name has a space at index %d, and Go function names have none "
                        + "outside type arguments: check the quoting (e.g. \"main.(*T).Method\")", i);
            }
        }
        for (int i = 0; i < query.length(); ) {
            int cp = query.codePointAt(i);
            if (cp > 0x7f) {
                String ch = new String(Character.toChars(cp));
                boolean known = functions.stream().anyMatch(f -> f.name().contains(ch));
                if (!known) {
                    return String.format(Locale.ROOT, "; the name has the non-ASCII character '%s' (U+%04X, %s) at index %d, "
                            + "which no function name in this binary has: retype it in ASCII", ch, cp, Character.getName(cp), i);
                }
            }
            i += Character.charCount(cp);
        }
        return "";
    }

    /**
     * What a query selects when a glob may match many functions: for a plain name, or a glob whose matches are one
     * function (or the instantiations of one generic function), exactly what {@link #select} selects, with its
     * errors; for a glob that matches several, one selection per function (every generic function one, with all its
     * instantiations), sorted by name, leaving out compiler-generated wrappers (funcID wrapper: ABI, method value and
     * dictionary wrappers, which only call a function the glob also matches or that can be named exactly).
     */
    GlobSelection selectAll(String query, String binary, GoVersion version) {
        if (query == null || !FunctionNames.isGlob(query)) {
            return new GlobSelection(query, List.of(select(query, binary, version)), List.of());
        }
        List<Integer> matches = matches(query);
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int id : matches) {
            groups.computeIfAbsent(FunctionNames.genericName(functions.get(id).name()), k -> new ArrayList<>()).add(id);
        }
        if (groups.size() <= 1) {
            return new GlobSelection(query, List.of(select(query, binary, version)), List.of());
        }
        List<FunctionSelection> selected = new ArrayList<>();
        List<String> wrappers = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            List<FunctionSelection.Instance> bodies = new ArrayList<>();
            List<FunctionSelection.Instance> left = new ArrayList<>();
            for (int id : sortedByEntry(g.getValue())) {
                (wrapper[id] ? left : bodies).add(new FunctionSelection.Instance(functions.get(id), labels[id]));
            }
            left.forEach(i -> wrappers.add(i.name()));
            if (bodies.isEmpty()) {
                continue;
            }
            if (FunctionNames.hasTypeArgs(g.getKey()) && bodies.size() > 1) {
                selected.add(new FunctionSelection(g.getKey(), bodies, left));
            } else {
                for (FunctionSelection.Instance b : bodies) {
                    selected.add(new FunctionSelection(b.name(), List.of(b), List.of()));
                }
            }
        }
        if (selected.isEmpty()) {
            throw new GoBinaryException(String.format(Locale.ROOT, "the glob '%s' in %s (%s) matches only %,d "
                    + "compiler-generated wrappers (%s%s), which only call other functions; name one exactly to trace it",
                    query, binary, version, wrappers.size(), String.join(", ", wrappers.subList(0, Math.min(SHOWN, wrappers.size()))),
                    wrappers.size() > SHOWN ? ", ..." : ""));
        }
        selected.sort(Comparator.comparing(FunctionSelection::name).thenComparingLong(s -> s.instances().get(0).function().entry()));
        return new GlobSelection(query, selected, wrappers);
    }

    /**
     * The one function the query names, else an exception that says what matched or what is close, and for a
     * generic function with several instantiations how to pick one (by shape or by address).
     */
    GoFunction lookup(String query, String binary, GoVersion version) {
        FunctionSelection s = select(query, binary, version);
        if (s.instances().size() == 1) {
            return s.instances().get(0).function();
        }
        List<FunctionSelection.Instance> all = s.instances();
        List<String> shown = new ArrayList<>();
        for (FunctionSelection.Instance i : all.subList(0, Math.min(SHOWN, all.size()))) {
            shown.add(i.toString());
        }
        String more = all.size() > SHOWN ? String.format(Locale.ROOT, " and %,d more", all.size() - SHOWN) : "";
        throw new GoBinaryException(String.format(Locale.ROOT, "'%s' names the generic function %s in %s (%s), which has "
                + "%,d instantiations: %s%s; %s", query, s.name(), binary, version, all.size(), String.join(", ", shown),
                more, howToPick(all)));
    }

    /** How to pick one instantiation: by shape where the names say it, always by address. */
    static String howToPick(List<FunctionSelection.Instance> instances) {
        FunctionSelection.Instance first = instances.stream().min(Comparator.comparingInt(i -> i.name().length())).get();
        String address = String.format("0x%x", first.function().entry());
        if (instances.stream().allMatch(FunctionSelection.Instance::shapeKnown)) {
            return String.format("pick one by its shape, e.g. '%s', or by its address, e.g. '%s'",
                    FunctionNames.withoutShapeIndexes(first.name()), address);
        }
        return String.format("pick one by its address, e.g. '%s' (without a symbol table the pclntab writes every "
                + "instantiation %s, so the shapes are unknown)", address, first.name());
    }

    private GoBinaryException ambiguous(String query, String binary, GoVersion version, Map<String, List<Integer>> groups) {
        List<String> names = new ArrayList<>(groups.keySet());
        names.sort(Comparator.comparing((String n) -> !n.startsWith("main.")).thenComparingInt(String::length)
                .thenComparing(n -> n));
        List<String> shown = new ArrayList<>();
        for (String n : names.subList(0, Math.min(SHOWN, names.size()))) {
            shown.add(describe(n, groups.get(n)));
        }
        String more = names.size() > SHOWN ? String.format(Locale.ROOT, " and %,d more", names.size() - SHOWN) : "";
        return new GoBinaryException(String.format(Locale.ROOT, "'%s' is ambiguous in %s (%s): %,d functions match: %s%s; "
                + "name one of them, e.g. '%s'%s", query, binary, version, groups.size(), String.join(", ", shown), more,
                pick(names.get(0), groups.get(names.get(0))),
                groups.keySet().stream().anyMatch(FunctionNames::hasTypeArgs)
                        ? " (a generic function's name selects all its instantiations)" : ""));
    }

    /** One candidate of an ambiguity: {@code main.f (0x4a1b20)}, {@code main.Hold[...] (4 instantiations)}. */
    private String describe(String generic, List<Integer> all) {
        List<Integer> ids = withoutWrappers(all);
        if (FunctionNames.hasTypeArgs(generic) && ids.size() > 1) {
            return String.format(Locale.ROOT, "%s (%,d instantiations)", generic, ids.size());
        }
        List<String> at = new ArrayList<>();
        for (int id : sortedByEntry(ids)) {
            at.add(String.format("0x%x", functions.get(id).entry()));
        }
        return (ids.size() == 1 ? labels[ids.get(0)] : generic) + " (" + String.join(", ", at) + ")";
    }

    /** What to write to select this candidate alone. */
    private String pick(String generic, List<Integer> all) {
        List<Integer> ids = withoutWrappers(all);
        if (ids.size() == 1) {
            return labels[ids.get(0)];
        }
        if (FunctionNames.hasTypeArgs(generic)) {
            return generic;
        }
        return String.format("0x%x", functions.get(sortedByEntry(ids).get(0)).entry());
    }

    /** The ids that are not wrappers, or all of them when every one is. */
    private List<Integer> withoutWrappers(List<Integer> ids) {
        List<Integer> bodies = ids.stream().filter(id -> !wrapper[id]).toList();
        return bodies.isEmpty() ? ids : bodies;
    }

    private List<Integer> sortedByEntry(List<Integer> ids) {
        List<Integer> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.comparingLong(id -> functions.get(id).entry()));
        return sorted;
    }

    /**
     * For a glob: the names whose start is closest to the glob's text before its first wildcard ({@code main.smalNon}
     * of {@code main.smalNon*} is one edit from {@code main.smallNon}), compared with the full name for a glob with a
     * dot or slash, else with the short name; empty when the glob starts with a wildcard.
     */
    private List<String> closestToGlob(String query) {
        boolean[] wild = FunctionNames.wildcards(query);
        int end = 0;
        while (end < query.length() && !wild[end]) {
            end++;
        }
        String prefix = query.substring(0, end).toLowerCase(Locale.ROOT);
        if (prefix.length() < 2) {
            return List.of();
        }
        boolean full = FunctionNames.globMatchesFullName(query);
        int limit = Math.max(2, prefix.length() / 3) + 1;
        return closestBy(name -> {
            String text = (full ? name : FunctionNames.shortName(name)).toLowerCase(Locale.ROOT);
            int d = limit;
            for (int k = Math.max(0, prefix.length() - 2); k <= Math.min(text.length(), prefix.length() + 2); k++) {
                d = Math.min(d, FunctionNames.levenshtein(prefix, text.substring(0, k), limit));
            }
            return d < limit ? d : -1;
        });
    }

    /**
     * Up to five names closest to the query, closest first: ranked by short name (see
     * {@link FunctionNames#distance}); for a qualified query ({@code runtime.(*mspan).base}) names under the
     * same qualifier ({@code runtime.(*mspan).}) come first, then names in the same package.
     */
    List<String> closest(String query) {
        if (FunctionNames.isGlob(query)) {
            List<String> near = closestToGlob(query);
            if (!near.isEmpty()) {
                return near;
            }
        }
        String literal = FunctionNames.literal(query);
        String qShort = FunctionNames.shortName(literal);
        String qualifier = literal.endsWith(qShort) ? literal.substring(0, literal.length() - qShort.length()) : "";
        int dot = qualifier.indexOf('.', qualifier.lastIndexOf('/') + 1);
        String pkg = dot > 0 ? qualifier.substring(0, dot + 1) : qualifier;
        String qShortLower = qShort.toLowerCase(Locale.ROOT);
        return closestBy(name -> {
            int level = qualifier.isEmpty() || name.startsWith(qualifier) ? 0 : name.startsWith(pkg) ? 1 : 2;
            return level * 10_000 + FunctionNames.distance(qShortLower, FunctionNames.shortName(name).toLowerCase(Locale.ROOT));
        });
    }

    /**
     * The {@value #SHOWN} names with the lowest score (ties: names in {@code main} first, then shorter, then by
     * name), lowest first; a negative score leaves a name out. A name that occurs twice (e.g. an ABI wrapper) is
     * scored once.
     */
    private List<String> closestBy(java.util.function.ToIntFunction<String> score) {
        record Scored(int score, String name) {}
        Comparator<Scored> order = Comparator.comparingInt(Scored::score)
                .thenComparing(s -> !s.name().startsWith("main.")).thenComparingInt(s -> s.name().length())
                .thenComparing(Scored::name);
        PriorityQueue<Scored> best = new PriorityQueue<>(order.reversed());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (GoFunction f : functions) {
            String name = f.name();
            if (!seen.add(name)) {
                continue;
            }
            int d = score.applyAsInt(name);
            if (d < 0) {
                continue;
            }
            Scored sc = new Scored(d, name);
            if (best.size() < SHOWN || order.compare(sc, best.peek()) < 0) {
                best.add(sc);
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
