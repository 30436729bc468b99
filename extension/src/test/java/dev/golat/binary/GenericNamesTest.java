// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.testbins.GoMatrix;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How names select generic functions, on go-testbins' generics program built with every toolchain in every
 * variant, with {@code go tool nm} of the unstripped build as the oracle: which functions are the instantiations
 * (their symbols spell a {@code go.shape}), which are the compiler's wrappers for concrete type arguments, and
 * their addresses.
 */
class GenericNamesTest {
    /** nm of the unstripped builds, by path. */
    private static final Map<Path, Map<Long, List<String>>> NM = new ConcurrentHashMap<>();

    static Stream<Arguments> builds() {
        return GoMatrix.builds();
    }

    /** The generic functions of the program, each as the test writes its bare name and the forms that name it. */
    private record Generic(String bare, String generic, String since, List<String> forms) {}

    private static final List<Generic> GENERICS = List.of(
            new Generic("main.Hold", "main.Hold[...]", "go1.19", List.of("Hold", "main.Hold", "main.Hold[...]", "main.Ho?d")),
            new Generic("main.(*Stack).Push", "main.(*Stack[...]).Push", "go1.19",
                    List.of("(*Stack).Push", "main.(*Stack).Push", "main.(*Stack[...]).Push", "(*Stack[...]).Push")),
            new Generic("main.Stack.Len", "main.Stack[...].Len", "go1.19", List.of("Stack.Len", "main.Stack[...].Len")),
            new Generic("main.Counter.func1", "main.Counter[...].func1", "go1.19",
                    List.of("Counter.func1", "main.Counter[...].func1", "main.Counter.func1")),
            new Generic("main.round", "main.round[...]", "go1.19", List.of("round", "main.round")),
            new Generic("main.(*Stack).Push-fm", "main.(*Stack[...]).Push-fm", "go1.21", List.of("Push-fm", "(*Stack).Push-fm")),
            new Generic("main.round.deferwrap1", "main.round[...].deferwrap1", "go1.22", List.of("round.deferwrap1")),
            new Generic("main.Drain-range1", "main.Drain[...]-range1", "go1.23", List.of("Drain-range1", "main.Drain[...]-range1")),
            new Generic("main.(*Stack).All.func1", "main.(*Stack[...]).All.func1", "go1.23", List.of("All.func1", "(*Stack).All.func1")));

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void every_form_of_a_generic_name_selects_all_its_instantiations(String go, Variant variant) {
        GoBinary bin = GoBinary.open(GoTestBinaries.program(go, variant, "generics"));
        Map<Long, List<String>> nm = nm(go, variant);
        for (Generic g : GENERICS) {
            if (GoTestBinaries.compareGoVersions(go, g.since()) < 0) {
                continue;
            }
            List<Long> bodies = new ArrayList<>();
            List<Long> wrappers = new ArrayList<>();
            nm.forEach((addr, names) -> names.stream().filter(n -> withoutTypeArgs(n).equals(g.bare())).findFirst()
                    .ifPresent(n -> (n.contains("[go.shape.") ? bodies : wrappers).add(addr)));
            if (bodies.isEmpty()) {
                bodies.addAll(wrappers); // only wrappers (Push-fm): then they are what the name selects
                wrappers.clear();
            }
            assertThat(bodies).as("%s in go tool nm", g.bare()).hasSizeGreaterThan(1);
            for (String form : g.forms()) {
                FunctionSelection s = bin.select(form);
                assertThat(s.name()).as("'%s' in %s %s", form, go, variant).isEqualTo(g.generic());
                assertThat(s.isGeneric()).isTrue();
                assertThat(s.functions()).as("'%s' in %s %s", form, go, variant).extracting(GoFunction::entry)
                        .containsExactlyElementsOf(bodies);
                assertThat(s.wrappers()).as("wrappers of '%s' in %s %s", form, go, variant)
                        .extracting(i -> i.function().entry()).containsExactlyElementsOf(wrappers);
            }
            boolean shapesKnown = variant == Variant.DEFAULT || variant == Variant.PIE || variant == Variant.CGO
                    || GoTestBinaries.compareGoVersions(go, "go1.21") >= 0;
            for (FunctionSelection.Instance i : bin.select(g.forms().get(0)).instances()) {
                String symbol = nm.get(i.function().entry()).get(0);
                assertThat(i.name()).as("name of the instantiation at 0x%x in %s %s", i.function().entry(), go, variant)
                        .isEqualTo(shapesKnown ? symbol : g.generic());
                assertThat(i.shapeKnown()).isEqualTo(shapesKnown);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void one_instantiation_is_picked_by_its_shape(String go, Variant variant) {
        Path file = GoTestBinaries.program(go, variant, "generics");
        GoBinary bin = GoBinary.open(file);
        Map<Long, List<String>> nm = nm(go, variant);
        boolean shapesKnown = variant == Variant.DEFAULT || variant == Variant.PIE || variant == Variant.CGO
                || GoTestBinaries.compareGoVersions(go, "go1.21") >= 0;
        List<Long> holds = new ArrayList<>();
        nm.forEach((addr, names) -> {
            for (String symbol : names) {
                if (!withoutTypeArgs(symbol).equals("main.Hold") && !withoutTypeArgs(symbol).equals("main.(*Stack).Push")) {
                    continue;
                }
                if (symbol.startsWith("main.Hold")) {
                    holds.add(addr);
                }
                String go121 = symbol.replaceAll("_\\d+]", "]"); // Go 1.18-1.20 number their shapes: go.shape.int_0
                for (String q : List.of(symbol, go121, symbol.substring("main.".length()))) {
                    if (shapesKnown) {
                        FunctionSelection s = bin.select(q);
                        assertThat(s.functions()).as("'%s' in %s %s", q, go, variant).extracting(GoFunction::entry)
                                .containsExactly(addr);
                        assertThat(s.name()).isEqualTo(symbol);
                        assertThat(bin.lookup(q).entry()).isEqualTo(addr);
                    }
                }
            }
        });
        assertThat(holds).hasSize(4);
        if (!shapesKnown) {
            assertThatThrownBy(() -> bin.select("main.Hold[go.shape.int]")).isInstanceOf(GoBinaryException.class)
                    .hasMessage(String.format("no instantiation 'main.Hold[go.shape.int]' in %s (%s): without a symbol "
                            + "table the pclntab writes every instantiation main.Hold[...], so the shapes are unknown; pick "
                            + "one of its 4 instantiations by its address: %s", file, bin.goVersion(), hex(holds)));
        } else {
            String known = nm.get(holds.get(0)).get(0);
            assertThatThrownBy(() -> bin.select("main.Hold[go.shape.float64]")).isInstanceOf(GoBinaryException.class)
                    .hasMessageStartingWith(String.format("no instantiation 'main.Hold[go.shape.float64]' in %s (%s); the "
                            + "generic function main.Hold[...] has 4: %s (0x%x), ", file, bin.goVersion(), known, holds.get(0)));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void lookup_of_a_generic_name_says_how_to_pick_one(String go, Variant variant) {
        Path file = GoTestBinaries.program(go, variant, "generics");
        GoBinary bin = GoBinary.open(file);
        Map<Long, List<String>> nm = nm(go, variant);
        List<Long> holds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        nm.forEach((addr, ns) -> ns.stream().filter(n -> withoutTypeArgs(n).equals("main.Hold")).findFirst().ifPresent(n -> {
            holds.add(addr);
            names.add(n);
        }));
        boolean shapesKnown = variant == Variant.DEFAULT || variant == Variant.PIE || variant == Variant.CGO
                || GoTestBinaries.compareGoVersions(go, "go1.21") >= 0;
        List<String> listed = new ArrayList<>();
        for (int i = 0; i < holds.size(); i++) {
            listed.add(String.format("%s (0x%x)", shapesKnown ? names.get(i) : "main.Hold[...]", holds.get(i)));
        }
        String shortest = names.stream().min(java.util.Comparator.comparingInt(String::length)).get();
        long shortestAt = holds.get(names.indexOf(shortest));
        String pick = shapesKnown
                ? String.format("pick one by its shape, e.g. '%s', or by its address, e.g. '0x%x'", shortest.replaceAll("_\\d+]", "]"), shortestAt)
                : String.format("pick one by its address, e.g. '0x%x' (without a symbol table the pclntab writes every "
                        + "instantiation main.Hold[...], so the shapes are unknown)", holds.get(0));
        assertThatThrownBy(() -> bin.lookup("Hold")).isInstanceOf(GoBinaryException.class).hasMessage(String.format(
                "'Hold' names the generic function main.Hold[...] in %s (%s), which has 4 instantiations: %s; %s", file,
                bin.goVersion(), String.join(", ", listed), pick));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void a_short_name_of_two_functions_says_how_to_name_each(String go, Variant variant) {
        Path file = GoTestBinaries.program(go, variant, "generics");
        GoBinary bin = GoBinary.open(file);
        long tally = address(nm(go, variant), "main.(*tally).Push");

        assertThatThrownBy(() -> bin.select("Push")).isInstanceOf(GoBinaryException.class).hasMessage(String.format(
                "'Push' is ambiguous in %s (%s): 2 functions match: main.(*tally).Push (0x%x), main.(*Stack[...]).Push "
                        + "(4 instantiations); name one of them, e.g. 'main.(*tally).Push' (a generic function's name selects "
                        + "all its instantiations)", file, bin.goVersion(), tally));
        assertThat(bin.select("main.(*tally).Push").functions()).extracting(GoFunction::entry).containsExactly(tally);
    }

    /**
     * reflect.callMethod has an ABI wrapper of the same name in the pclntab ({@code reflect.callMethod.abi0} in
     * .symtab), and both have funcID wrapper: only an address tells them apart.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void identical_names_say_how_to_pick_by_address(String go, Variant variant) {
        Path file = GoTestBinaries.program(go, variant, "generics");
        GoBinary bin = GoBinary.open(file);
        Map<Long, List<String>> nm = nm(go, variant);
        long body = address(nm, "reflect.callMethod");
        long abi0 = address(nm, "reflect.callMethod.abi0");
        long first = Math.min(body, abi0);

        assertThatThrownBy(() -> bin.select("reflect.callMethod")).isInstanceOf(GoBinaryException.class).hasMessage(
                String.format("'reflect.callMethod' is ambiguous in %s (%s): 2 functions are named reflect.callMethod, at "
                        + "0x%x, 0x%x; pick one by its address, e.g. '0x%x'", file, bin.goVersion(), first,
                        Math.max(body, abi0), first));
    }

    /** Most ABI wrappers share their function's pclntab name; the name selects the function, never the wrapper. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("builds")
    @ExtendWith(GoMatrix.class)
    void a_name_shared_with_an_ABI_wrapper_selects_the_function(String go, Variant variant) {
        GoBinary bin = GoBinary.open(GoTestBinaries.program(go, variant, "generics"));
        Map<Long, List<String>> nm = nm(go, variant);

        FunctionSelection s = bin.select("runtime.args");

        assertThat(s.functions()).extracting(GoFunction::entry).containsExactly(address(nm, "runtime.args"));
        assertThat(s.wrappers()).extracting(i -> i.function().entry()).containsExactly(address(nm, "runtime.args.abi0"));
        assertThat(bin.lookup("runtime.args").entry()).isEqualTo(address(nm, "runtime.args"));
    }

    @Test
    void generic_and_bare_names() {
        assertThat(FunctionNames.genericName("main.(*Stack[go.shape.int]).Push")).isEqualTo("main.(*Stack[...]).Push");
        assertThat(FunctionNames.bareName("main.(*Stack[go.shape.int]).Push")).isEqualTo("main.(*Stack).Push");
        assertThat(FunctionNames.genericName("main.Map[go.shape.[]uint8,go.shape.struct { X int; Y [2]int }].func1"))
                .isEqualTo("main.Map[...].func1");
        assertThat(FunctionNames.bareName("main.Drain[go.shape.int]-range1")).isEqualTo("main.Drain-range1");
        assertThat(FunctionNames.shortName("main.Drain[go.shape.int]-range1")).isEqualTo("Drain-range1");
        assertThat(FunctionNames.shortName("main.(*Stack[...]).Push-fm")).isEqualTo("Push-fm");
        assertThat(FunctionNames.shortName("main.Map[go.shape.int,go.shape.string]")).isEqualTo("Map");
        // An array type after a dot is no type-argument list.
        assertThat(FunctionNames.genericName("type:.eq.[2]interface {}")).isEqualTo("type:.eq.[2]interface {}");
        assertThat(FunctionNames.hasTypeArgs("type:.eq.[2]interface {}")).isFalse();
        assertThat(FunctionNames.hasTypeArgs("main.Hold[...]")).isTrue();
        assertThat(FunctionNames.withoutShapeIndexes("main.Map[go.shape.int_0,go.shape.*uint8_1]"))
                .isEqualTo("main.Map[go.shape.int,go.shape.*uint8]");
        assertThat(FunctionNames.anySuffixMatches("main.(*Stack[go.shape.int]).Push", "(*Stack).Push")).isTrue();
        assertThat(FunctionNames.anySuffixMatches("main.(*Stack[go.shape.int]).Push", "Stack).Push")).isFalse();
        assertThat(FunctionNames.isGlob("main.(*Stack[go.shape.*uint8]).Push")).isFalse();
        assertThat(FunctionNames.isGlob("main.Stack[*main.node].Len")).isFalse();
        assertThat(FunctionNames.isGlob("main.Hold[*]")).isTrue();
    }

    // ---- helpers ----

    /** nm of the unstripped build of the same kind (stripped builds have the same addresses: StrippedAndPieTest). */
    private static Map<Long, List<String>> nm(String go, Variant variant) {
        Variant unstripped = switch (variant) {
            case STRIPPED -> Variant.DEFAULT;
            case STRIPPED_PIE -> Variant.PIE;
            default -> variant;
        };
        return NM.computeIfAbsent(GoTestBinaries.program(go, unstripped, "generics"), file -> {
            String out = Oracles.run(List.of(GoTestBinaries.goTool(go).toString(), "tool", "nm", file.toString()), null,
                    Map.of(), false);
            Map<Long, List<String>> m = new TreeMap<>();
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+", 3);
                if (f.length == 3 && (f[1].equals("T") || f[1].equals("t"))) {
                    m.computeIfAbsent(Long.parseUnsignedLong(f[0], 16), k -> new ArrayList<>()).add(f[2]);
                }
            }
            return m;
        });
    }

    /** The name without its type-argument lists, by a regex of its own (not FunctionNames). */
    private static String withoutTypeArgs(String symbol) {
        return symbol.replaceAll("(?<=[\\w)])\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]", "");
    }

    private static long address(Map<Long, List<String>> nm, String symbol) {
        List<Long> at = nm.entrySet().stream().filter(e -> e.getValue().contains(symbol)).map(Map.Entry::getKey).toList();
        assertThat(at).as("go tool nm addresses of %s", symbol).hasSize(1);
        return at.get(0);
    }

    private static String hex(List<Long> addresses) {
        return String.join(", ", addresses.stream().map(a -> String.format(Locale.ROOT, "0x%x", a)).toList());
    }
}
