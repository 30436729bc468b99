// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.golat.testbins.GoTestBinaries;

/**
 * Real third-party binaries, each read the hard way and checked against what an independent tool can say about it.
 * {@code go tool nm} cannot read any of them (all stripped: "no symbol section"), so:
 * <ul>
 * <li>dockerd (Debian, PIE, Go 1.19, no {@code .gopclntab}): its dynamic symbol table exports every Go function
 *     ({@code nm -D}); the version from {@code go version}.
 * <li>prometheus (Debian, externally linked, Go 1.19): Go code starts 0x100 bytes after {@code .text} (glibc's
 *     {@code _start} comes first), which {@code go tool addr2line} ignores (it takes {@code .text}'s address as the
 *     text start) — so the names are checked with addr2line at addresses moved by that difference, and the text
 *     start itself by the C functions of {@code nm -D}, none of which may fall inside a Go function, and by
 *     objdump instruction boundaries.
 * <li>esbuild (npm, Go 1.26, no build info): {@code go tool addr2line} for every function; the version against
 *     {@code strings}.
 * <li>esbuild-go117 and esbuild-go118 (npm {@code esbuild-linux-64} 0.14.10 and 0.14.39, Go 1.17.5 and 1.18.1): the
 *     two pclntab formats no installed toolchain writes any more (0xfffffffa with absolute entries and pointer-sized
 *     funcdata; 0xfffffff0), {@code go tool addr2line} for every function, the version from {@code go version}.
 * <li>esbuild-go120, buf-go124 and esbuild-go125 (npm {@code @esbuild/linux-x64} 0.18.20, Go 1.20.7;
 *     {@code @bufbuild/buf-linux-x64} 1.52.0, Go 1.24.2; {@code @esbuild/linux-x64} 0.27.0, Go 1.25.4): the Go
 *     releases no toolchain here builds, the same way.
 * </ul>
 */
class RealBinariesOracleTest {

    @Test
    void dockerd_functions_agree_with_its_dynamic_symbol_table() {
        // GIVEN
        Path file = GoTestBinaries.cached("dockerd");
        Map<Long, List<String>> dynsym = Oracles.dynamicTextSymbols(file);
        // WHEN
        GoBinary bin = GoBinary.open(file);
        // THEN
        assertThat(bin.isPie()).isTrue();
        assertThat(bin.isStripped()).isTrue();
        assertThat(bin.pclntabLocation()).as("dockerd has no .gopclntab section").startsWith("pclntab in .data.rel.ro");
        assertThat(bin.goVersion().raw()).isEqualTo(Oracles.goVersionOf(file));
        List<String> problems = compareInsideGoText(bin, dynsym);
        assertThat(dynsym).hasSizeGreaterThan(10_000);
        assertThat(problems).as("dynamic symbols of dockerd that GoBinary disagrees with").isEmpty();
    }

    @Test
    void prometheus_names_agree_with_addr2line_and_no_c_function_is_inside_go_code() {
        // GIVEN
        Path file = GoTestBinaries.cached("prometheus");
        GoBinary bin = GoBinary.open(file);
        long textSection = sectionAddress(file, ".text");
        long shift = bin.textStart() - textSection; // addr2line's (debug/gosym's) idea of the text start is .text
        List<GoFunction> fs = bin.functions();
        List<Long> moved = fs.stream().map(f -> f.entry() - shift).toList();
        // WHEN
        List<String> names = Oracles.addr2line(file, moved);
        // THEN
        assertThat(bin.goVersion().raw()).isEqualTo(Oracles.goVersionOf(file));
        assertThat(names).hasSameSizeAs(fs);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < fs.size(); i++) {
            if (!names.get(i).equals(fs.get(i).name())) {
                problems.add(fs.get(i) + ": addr2line says " + names.get(i));
            }
        }
        assertThat(problems).as("functions of prometheus whose names addr2line disagrees with").isEmpty();
        Map<Long, List<String>> dynsym = Oracles.dynamicTextSymbols(file);
        assertThat(dynsym.values().stream().flatMap(List::stream)).contains("_start");
        assertThat(compareInsideGoText(bin, dynsym)).as("C functions inside Go functions").isEmpty();
        for (Map.Entry<Long, List<String>> c : dynsym.entrySet()) {
            bin.functionContaining(c.getKey()).ifPresent(f -> assertThat(f.entry())
                    .as("%s at 0x%x lies inside %s", c.getValue(), c.getKey(), f).isEqualTo(c.getKey()));
        }
        assertEntriesAreInstructionBoundaries(file, bin, 0x20000);
    }

    @Test
    void esbuild_functions_agree_with_addr2line_and_its_version_with_strings() {
        // GIVEN
        Path file = GoTestBinaries.cached("esbuild");
        // WHEN
        GoBinary bin = GoBinary.open(file);
        List<GoFunction> fs = bin.functions();
        List<String> names = Oracles.addr2line(file, fs.stream().map(GoFunction::entry).toList());
        // THEN
        assertThat(Oracles.run("readelf", "-SW", file.toString())).doesNotContain(".go.buildinfo");
        assertThat(names).hasSameSizeAs(fs);
        for (int i = 0; i < fs.size(); i++) {
            assertThat(fs.get(i).name()).as("function at 0x%x", fs.get(i).entry()).isEqualTo(names.get(i));
        }
        List<String> versions = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^go1\\.\\d+(\\.\\d+)?$").matcher(Oracles.run("strings", "-n", "6", file.toString()));
        while (m.find()) {
            versions.add(m.group());
        }
        assertThat(versions).containsOnly(bin.goVersion().raw());
        assertEntriesAreInstructionBoundaries(file, bin, 0x20000);
    }

    @ParameterizedTest
    @CsvSource({"esbuild-go117, 0xfffffffa, go1.17.", "esbuild-go118, 0xfffffff0, go1.18.", "esbuild-go120, 0xfffffff1, go1.20.",
            "buf-go124, 0xfffffff1, go1.24.", "esbuild-go125, 0xfffffff1, go1.25."})
    void release_builds_functions_agree_with_addr2line_and_their_version_with_the_tools(String name, String magic,
            String version) {
        // GIVEN
        Path file = GoTestBinaries.cached(name);
        int expectedMagic = Integer.parseUnsignedInt(magic.substring(2), 16);
        // WHEN
        GoBinary bin = GoBinary.open(file);
        List<GoFunction> fs = bin.functions();
        List<String> names = Oracles.addr2line(file, fs.stream().map(GoFunction::entry).toList());
        List<String> lastBytes = Oracles.addr2line(file, fs.stream().map(f -> f.end() - 1).toList());
        // THEN
        assertThat(bin.goVersion().raw()).isEqualTo(versionPerTools(file)).startsWith(version);
        assertThat(pclntabMagic(file)).as("pclntab magic of %s", file).isEqualTo(expectedMagic);
        assertThat(bin.isStripped()).isTrue();
        assertThat(fs).hasSizeGreaterThan(5_000);
        assertThat(names).hasSameSizeAs(fs);
        assertThat(lastBytes).hasSameSizeAs(fs);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < fs.size(); i++) {
            GoFunction f = fs.get(i);
            if (!names.get(i).equals(f.name()) || !lastBytes.get(i).equals(f.name())) {
                problems.add(String.format("%s: addr2line says %s at the entry, %s at end-1", f, names.get(i), lastBytes.get(i)));
            }
            if (i > 0 && fs.get(i - 1).end() > f.entry()) {
                problems.add(fs.get(i - 1) + " overlaps " + f);
            }
        }
        assertThat(problems.subList(0, Math.min(20, problems.size())))
                .as("first of %d functions of %s that addr2line disagrees with", problems.size(), name).isEmpty();
        assertThat(bin.textStart()).isEqualTo(sectionAddress(file, ".text"));
        assertEntriesAreInstructionBoundaries(file, bin, 0x20000);
    }

    /**
     * Inline trees of every format against the line tables ({@link Oracles#inlineTreeMismatches}): Go 1.17/1.18
     * (20-byte inlinedCall, funcdata as 8-byte aligned pointers or offsets), 1.20 (the first 16-byte inlinedCall),
     * 1.24 and 1.25 (which no toolchain here builds) and 1.26 (funcdata inside {@code .gopclntab}). A sample of 25 (callee, caller) pairs each.
     */
    @ParameterizedTest
    @ValueSource(strings = {"esbuild-go117", "esbuild-go118", "esbuild-go120", "buf-go124", "esbuild-go125", "esbuild"})
    void release_builds_inline_trees_agree_with_the_line_tables(String name) {
        // GIVEN
        Path file = GoTestBinaries.cached(name);
        GoBinary bin = GoBinary.open(file);
        // WHEN
        Oracles.InlineCheck check = Oracles.inlineTreeMismatches(file, bin, 25, 1024, 2048);
        // THEN
        assertThat(bin.inlineTreeProblems()).isEmpty();
        assertThat(check.pairs()).as("small (callee, caller) pairs").isGreaterThan(500);
        assertThat(check.mismatches()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"prometheus", "dockerd"})
    void distro_builds_inline_trees_are_all_read(String name) {
        GoBinary bin = GoBinary.open(GoTestBinaries.cached(name));
        assertThat(bin.inlineTreeProblems()).isEmpty();
        assertThat(bin.inlinedInto("runtime.add")).contains("runtime.evacuate", "runtime.chansend"); // runtime/map.go, chan.go
    }

    /** {@code go version} where the file has build info, else the one {@code go1.N.M} string in it. */
    private static String versionPerTools(Path file) {
        String out = Oracles.run(List.of(Oracles.goTool().toString(), "version", file.toString()), null, Map.of(), true);
        if (!out.contains("could not read Go build info")) {
            return Oracles.goVersionOf(file);
        }
        List<String> versions = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^go1\\.\\d+(\\.\\d+)?$").matcher(Oracles.run("strings", "-n", "6", file.toString()));
        while (m.find()) {
            versions.add(m.group());
        }
        assertThat(versions).as("go1.N strings in %s", file).hasSize(1);
        return versions.get(0);
    }

    /** The first four bytes of {@code .gopclntab}, read by readelf's hex dump (little-endian word). */
    private static int pclntabMagic(Path file) {
        Matcher m = Pattern.compile("0x[0-9a-f]+ ([0-9a-f]{8}) ").matcher(Oracles.run("readelf", "-x", ".gopclntab", file.toString()));
        assertThat(m.find()).isTrue();
        String b = m.group(1);
        return Integer.parseUnsignedInt(b.substring(6, 8) + b.substring(4, 6) + b.substring(2, 4) + b.substring(0, 2), 16);
    }

    /** Symbols inside the Go text must be function entries with the same (normalized) name. */
    private static List<String> compareInsideGoText(GoBinary bin, Map<Long, List<String>> symbols) {
        Map<Long, String> ours = new HashMap<>();
        for (GoFunction f : bin.functions()) {
            ours.put(f.entry(), Oracles.normalize(f.name()));
        }
        List<GoFunction> fs = bin.functions();
        long lo = fs.get(0).entry();
        long hi = fs.get(fs.size() - 1).end();
        // With plugin support the linker exports type..eq functions under hashed names (type..TcEUsQoV): address only.
        Pattern hashedTypeName = Pattern.compile("type\\.\\.[A-Za-z0-9+/]{8}");
        List<String> problems = new ArrayList<>();
        symbols.forEach((addr, names) -> {
            if (addr < lo || addr >= hi) {
                return;
            }
            String got = ours.get(addr);
            if (got == null) {
                problems.add(String.format("0x%x %s: no function starts there (inside %s)", addr, names,
                        bin.functionContaining(addr).map(GoFunction::toString).orElse("nothing")));
            } else if (names.stream().noneMatch(n -> hashedTypeName.matcher(n).matches() || Oracles.normalize(n).equals(got))) {
                problems.add(String.format("0x%x %s: we call it %s", addr, names, got));
            }
        });
        return problems;
    }

    /** In objdump's linear disassembly of the first {@code window} bytes of Go text, every entry starts an instruction. */
    private static void assertEntriesAreInstructionBoundaries(Path file, GoBinary bin, long window) {
        long start = bin.textStart();
        Map<Long, byte[]> insns = Oracles.objdumpBytes(file, start, start + window);
        int checked = 0;
        for (GoFunction f : bin.functions()) {
            if (f.entry() >= start + window - 16) {
                break;
            }
            assertThat(insns).as("objdump has no instruction at the entry of %s", f).containsKey(f.entry());
            checked++;
        }
        assertThat(checked).isGreaterThan(20);
    }

    private static long sectionAddress(Path file, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*\\[\\s*\\d+\\]\\s+" + Pattern.quote(name) + "\\s+\\S+\\s+([0-9a-f]+)\\s")
                .matcher(Oracles.run("readelf", "-SW", file.toString()));
        assertThat(m.find()).as("%s has a %s section", file, name).isTrue();
        return Long.parseLong(m.group(1), 16);
    }
}
