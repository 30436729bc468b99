// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one run of go-testbins' {@code generics} program says about itself (its JSON line, see
 * go-testbins/README.md): how often it called each function for each type argument, how long its Hold calls
 * took by its own clock, and which instantiation (entry address) ran for each type argument.
 */
public final class GenericsRun {
    /** The type arguments, in the order the program prints them. */
    public static final List<String> TYPE_ARGS = List.of("int", "celsius", "string", "*node", "*leaf", "point");

    private final Map<String, Object> json;

    private GenericsRun(Map<String, Object> json) {
        this.json = json;
    }

    /** Parses the program's JSON line. */
    public static GenericsRun parse(String line) {
        return new GenericsRun(MiniJson.parseObject(line));
    }

    public long rounds() {
        return MiniJson.num(json, "rounds");
    }

    /** Calls of {@code function} (a key of "calls", e.g. {@code "Push"}) with one type argument ({@code ""}: not generic). */
    public long calls(String function, String typeArg) {
        return MiniJson.num(MiniJson.obj(MiniJson.obj(json, "calls"), function), typeArg);
    }

    /** Calls of {@code function} over every type argument. */
    public long calls(String function) {
        long n = 0;
        for (Object v : MiniJson.obj(MiniJson.obj(json, "calls"), function).values()) {
            n += (Long) v;
        }
        return n;
    }

    /**
     * Calls of {@code function} per instantiation: the counts of the type arguments that ran the same body, keyed by
     * that body's entry address in the file. {@code located} is the key of "entries" that says which body ran
     * (usually the same function; for the Push-fm wrappers, "Push-fm"). {@code mainMainInFile} is main.main's address
     * in the file, to undo a PIE load bias.
     */
    public Map<Long, Long> callsByEntry(String function, String located, long mainMainInFile) {
        long bias = Long.decode(MiniJson.str(json, "mainMain")) - mainMainInFile;
        Map<String, Object> entries = MiniJson.obj(MiniJson.obj(json, "entries"), located);
        Map<Long, Long> out = new TreeMap<>();
        for (String arg : TYPE_ARGS) {
            long entry = Long.decode(MiniJson.str(entries, arg)) - bias;
            out.merge(entry, calls(function, arg), Long::sum);
        }
        return out;
    }

    /** The program's own summary of its Hold calls for one type argument, or {@code "all"}. */
    public Map<String, Long> hold(String typeArg) {
        Map<String, Long> out = new LinkedHashMap<>();
        MiniJson.obj(MiniJson.obj(json, "hold"), typeArg).forEach((k, v) -> out.put(k, (Long) v));
        return out;
    }

    /** The same summary by Hold's own clock inside it (just after its entry to just before its return). */
    public Map<String, Long> holdInner(String typeArg) {
        Map<String, Long> out = new LinkedHashMap<>();
        MiniJson.obj(MiniJson.obj(json, "holdInner"), typeArg).forEach((k, v) -> out.put(k, (Long) v));
        return out;
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
