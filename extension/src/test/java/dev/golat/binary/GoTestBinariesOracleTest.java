// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;

/**
 * Every go-testbins program, in every build variant of every installed toolchain, read by {@link GoBinary} and
 * compared with tools that do not share its code:
 * <ul>
 * <li>names and addresses with {@code go tool nm} (the symbol table, not the pclntab). A stripped binary has no
 *     symbol table, and its unstripped twin is not byte-identical (its data moves by a few bytes, and with it
 *     every RIP-relative displacement), so its oracle is {@code go tool addr2line} on the file itself;
 * <li>the moduledata (its address, {@code text}, {@code gofunc}) with nm's {@code runtime.firstmoduledata},
 *     {@code runtime.text} and {@code go:func.*}, which is what proves the layout chosen for each Go version
 *     (stripped Go 1.26+ builds: readelf's {@code .go.module});
 * <li>the version with {@code go version}; the code bytes with {@code objdump}, the file offset with
 *     {@code readelf -l};
 * <li>the inline trees with the line tables, through {@code go tool addr2line} on the file itself
 *     ({@link Oracles#inlineTreeMismatches}).
 * </ul>
 */
class GoTestBinariesOracleTest {

    static Stream<Arguments> programs() {
        List<Arguments> args = new ArrayList<>();
        for (String v : GoTestBinaries.goVersions()) {
            for (Variant variant : Variant.values()) {
                for (String name : List.of("stmtserver", "workload")) {
                    args.add(Arguments.of(v, variant, name));
                }
            }
        }
        return args.stream();
    }

    static Stream<Arguments> unstripped() {
        return programs().filter(a -> !isStripped((Variant) a.get()[1]));
    }

    static Stream<Arguments> stripped() {
        return programs().filter(a -> isStripped((Variant) a.get()[1]));
    }

    static boolean isStripped(Variant v) {
        return v == Variant.STRIPPED || v == Variant.STRIPPED_PIE;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("unstripped")
    void every_nm_text_symbol_of_go_code_is_a_function_at_the_same_address(String goVersion, Variant variant, String name) {
        // GIVEN
        Path file = GoTestBinaries.program(goVersion, variant, name);
        Map<Long, List<String>> nm = Oracles.goNmTextSymbols(file);
        // WHEN
        GoBinary bin = GoBinary.open(file);
        // THEN
        List<GoFunction> fs = bin.functions();
        long lo = fs.get(0).entry();
        long hi = fs.get(fs.size() - 1).end();
        Map<Long, String> ours = new HashMap<>();
        for (GoFunction f : fs) {
            ours.put(f.entry(), Oracles.normalize(f.name()));
        }
        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<Long, List<String>> e : nm.entrySet()) {
            long addr = e.getKey();
            List<String> names = e.getValue();
            if (addr < lo || addr >= hi) {
                // The cgo variant's C code (crosscall1, x_cgo_*, _cgo_*) is in .text before the Go code.
                if (names.stream().anyMatch(n -> n.contains("."))) {
                    problems.add(String.format("0x%x %s: outside the Go text [0x%x, 0x%x)", addr, names, lo, hi));
                }
                continue;
            }
            compared++;
            String got = ours.get(addr);
            if (got == null) {
                problems.add(String.format("0x%x %s: no function starts there", addr, names));
            } else if (names.stream().map(Oracles::normalize).noneMatch(got::equals)) {
                problems.add(String.format("0x%x %s: we call it %s", addr, names, got));
            }
        }
        assertThat(compared).as("go tool nm T symbols inside the Go text of %s", file).isGreaterThan(1000);
        assertThat(problems).as("nm T symbols of %s that GoBinary disagrees with", file).isEmpty();
        assertThat(bin.isStripped()).isFalse();
        assertThat(bin.isPie()).isEqualTo(variant == Variant.PIE);
    }

    /**
     * A stripped build has no symbol table for nm, and its unstripped twin is not the same file (its data moves,
     * so RIP-relative displacements in .text differ), so its oracle is {@code go tool addr2line} on the file
     * itself: Go's debug/gosym reading the same pclntab with its own code, at every entry and every last byte.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("stripped")
    void every_function_of_a_stripped_build_has_the_name_addr2line_gives_at_its_entry_and_last_byte(String goVersion,
            Variant variant, String name) {
        // GIVEN
        Path file = GoTestBinaries.program(goVersion, variant, name);
        // WHEN
        GoBinary bin = GoBinary.open(file);
        List<GoFunction> fs = bin.functions();
        List<String> atEntry = Oracles.addr2line(file, fs.stream().map(GoFunction::entry).toList());
        List<String> atEnd = Oracles.addr2line(file, fs.stream().map(f -> f.end() - 1).toList());
        // THEN
        assertThat(bin.isStripped()).isTrue();
        assertThat(bin.isPie()).isEqualTo(variant == Variant.STRIPPED_PIE);
        assertThat(fs).hasSizeGreaterThan(1000);
        assertThat(atEntry).hasSameSizeAs(fs);
        assertThat(atEnd).hasSameSizeAs(fs);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < fs.size(); i++) {
            if (!atEntry.get(i).equals(fs.get(i).name()) || !atEnd.get(i).equals(fs.get(i).name())) {
                problems.add(String.format("%s: addr2line says %s at the entry, %s at end-1", fs.get(i), atEntry.get(i), atEnd.get(i)));
            }
        }
        assertThat(problems.subList(0, Math.min(20, problems.size())))
                .as("first of %d functions of %s that addr2line disagrees with", problems.size(), file).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("unstripped")
    void moduledata_is_where_nm_puts_runtime_firstmoduledata_and_points_at_text_and_go_func(String goVersion,
            Variant variant, String name) {
        // GIVEN
        Path file = GoTestBinaries.program(goVersion, variant, name);
        Map<String, Long> nm = Oracles.goNmAddresses(file);
        // WHEN
        GoBinary bin = GoBinary.open(file);
        // THEN
        assertThat(bin.moduleDataAddress()).as("runtime.firstmoduledata").isEqualTo(nm.get("runtime.firstmoduledata"));
        assertThat(bin.textStart()).as("runtime.text").isEqualTo(nm.get("runtime.text"));
        Long goFunc = nm.containsKey("go:func.*") ? nm.get("go:func.*") : nm.get("go.func.*"); // Go 1.19: go.func.*
        assertThat(bin.gofunc()).as("go:func.*, the base of the funcdata").isEqualTo(goFunc);
        assertThat(bin.pclntabAddress()).as("runtime.pclntab").isEqualTo(nm.get("runtime.pclntab"));
    }

    /**
     * Go 1.26+ puts the moduledata in a section of its own, {@code .go.module} (readelf), which a stripped build
     * keeps. Before 1.26 a stripped build's moduledata has no independent witness here; its {@code gofunc} and
     * {@code text} are checked through what depends on them (the inline trees against the line tables, the
     * names against addr2line).
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("stripped")
    void moduledata_of_a_stripped_go_1_26_build_is_its_go_module_section(String goVersion, Variant variant, String name) {
        Path file = GoTestBinaries.program(goVersion, variant, name);
        GoBinary bin = GoBinary.open(file);
        Map<String, long[]> sections = Oracles.readelfSections(file);
        if (!bin.goVersion().isAtLeast(1, 26)) {
            assertThat(sections).as("no .go.module before Go 1.26 in %s", file).doesNotContainKey(".go.module");
            return;
        }
        assertThat(sections).as("sections of %s", file).containsKey(".go.module");
        assertThat(bin.moduleDataAddress()).isEqualTo(sections.get(".go.module")[0]);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("programs")
    void go_version_agrees_with_go_version(String goVersion, Variant variant, String name) {
        Path file = GoTestBinaries.program(goVersion, variant, name);
        assertThat(GoBinary.open(file).goVersion().raw()).isEqualTo(Oracles.goVersionOf(file)).startsWith(goVersion + ".");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("programs")
    void functions_are_sorted_contiguous_and_found_by_address(String goVersion, Variant variant, String name) {
        GoBinary bin = GoBinary.open(GoTestBinaries.program(goVersion, variant, name));
        List<GoFunction> fs = bin.functions();
        for (int i = 1; i < fs.size(); i++) {
            assertThat(fs.get(i).entry()).as("entry of %s", fs.get(i)).isEqualTo(fs.get(i - 1).end());
        }
        for (GoFunction f : fs) {
            assertThat(bin.functionContaining(f.entry())).as("at entry").contains(f);
            assertThat(bin.functionContaining(f.end() - 1)).as("at last byte").contains(f);
        }
        assertThat(bin.functionContaining(fs.get(0).entry() - 1)).isEmpty();
        assertThat(bin.functionContaining(fs.get(fs.size() - 1).end())).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("programs")
    void main_main_is_at_the_nm_address_its_offset_agrees_with_readelf_and_its_bytes_with_objdump(String goVersion,
            Variant variant, String name) {
        // GIVEN
        Path file = GoTestBinaries.program(goVersion, variant, name);
        GoBinary bin = GoBinary.open(file);
        // WHEN
        GoFunction f = bin.lookup("main.main");
        // THEN
        if (isStripped(variant)) {
            assertThat(Oracles.addr2line(file, List.of(f.entry(), f.end() - 1))).containsOnly("main.main");
        } else {
            assertThat(f.entry()).isEqualTo(Oracles.goNmAddresses(file).get("main.main"));
        }
        long expectedOffset = -1;
        for (long[] seg : Oracles.readelfLoadSegments(file)) {
            if (seg[3] == 1 && f.entry() >= seg[1] && f.entry() < seg[1] + seg[2]) {
                expectedOffset = f.entry() - seg[1] + seg[0];
            }
        }
        assertThat(bin.fileOffset(f.entry())).as("file offset of %s per readelf -l", f).isEqualTo(expectedOffset);
        ByteArrayOutputStream objdump = new ByteArrayOutputStream();
        Oracles.objdumpBytes(file, f.entry(), f.end()).values().forEach(objdump::writeBytes);
        assertThat(bin.code(f)).as("bytes of %s per objdump", f).isEqualTo(objdump.toByteArray());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("programs")
    void inline_trees_are_all_read_and_agree_with_the_line_tables(String goVersion, Variant variant, String name) {
        // GIVEN
        Path file = GoTestBinaries.program(goVersion, variant, name);
        GoBinary bin = GoBinary.open(file);
        // WHEN
        Oracles.InlineCheck check = Oracles.inlineTreeMismatches(file, bin, 12, 512, 2048);
        // THEN
        assertThat(bin.inlineTreeProblems()).isEmpty();
        assertThat(check.pairs()).as("(callee, caller) pairs of small functions in %s", file).isGreaterThan(100);
        assertThat(check.mismatches()).isEmpty();
    }
}
