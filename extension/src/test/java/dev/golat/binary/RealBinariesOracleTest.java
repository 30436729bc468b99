// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
    @CsvSource({"esbuild-go117, 0xfffffffa", "esbuild-go118, 0xfffffff0"})
    void old_esbuild_functions_agree_with_addr2line_and_go_version(String name, String magic) {
        // GIVEN
        Path file = GoTestBinaries.cached(name);
        int expectedMagic = Integer.parseUnsignedInt(magic.substring(2), 16);
        // WHEN
        GoBinary bin = GoBinary.open(file);
        List<GoFunction> fs = bin.functions();
        List<String> names = Oracles.addr2line(file, fs.stream().map(GoFunction::entry).toList());
        List<String> lastBytes = Oracles.addr2line(file, fs.stream().map(f -> f.end() - 1).toList());
        // THEN
        assertThat(bin.goVersion().raw()).isEqualTo(Oracles.goVersionOf(file)).startsWith("go1.1" + name.charAt(name.length() - 1) + ".");
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
     * Inline trees of the Go 1.17/1.18 format (20-byte inlinedCall, funcdata as 8-byte aligned pointers) against
     * the line tables, read by {@code go tool addr2line}: the caller's code holds instructions whose position is
     * in the callee's file, within the lines of the callee's own out-of-line copy. A sample of (callee, caller)
     * pairs, chosen at random with a fixed seed among small functions.
     */
    @ParameterizedTest
    @ValueSource(strings = {"esbuild-go117", "esbuild-go118"})
    void old_esbuild_inline_trees_agree_with_the_line_tables(String name) {
        // GIVEN
        Path file = GoTestBinaries.cached(name);
        GoBinary bin = GoBinary.open(file);
        Map<String, GoFunction> byName = new HashMap<>();
        bin.functions().forEach(f -> byName.putIfAbsent(f.name(), f));
        // WHEN
        List<GoFunction[]> pairs = new ArrayList<>();
        for (GoFunction callee : bin.functions()) {
            for (String caller : bin.inlinedInto(callee)) {
                GoFunction c = byName.get(caller);
                assertThat(c).as("%s, inlined into %s, which is not in the function table", callee, caller).isNotNull();
                if (callee.end() - callee.entry() <= 1024 && c.end() - c.entry() <= 2048) {
                    pairs.add(new GoFunction[] {callee, c});
                }
            }
        }
        // THEN
        assertThat(pairs).as("small (callee, caller) pairs").hasSizeGreaterThan(500);
        Collections.shuffle(pairs, new Random(1));
        List<GoFunction[]> sample = pairs.subList(0, 25);
        List<Long> addrs = new ArrayList<>();
        for (GoFunction[] p : sample) {
            for (GoFunction f : p) {
                for (long a = f.entry(); a < f.end(); a++) {
                    addrs.add(a);
                }
            }
        }
        List<String[]> lines = Oracles.addr2lineFull(file, addrs);
        assertThat(lines).hasSameSizeAs(addrs);
        int at = 0;
        List<String> problems = new ArrayList<>();
        for (GoFunction[] p : sample) {
            GoFunction callee = p[0];
            GoFunction caller = p[1];
            List<String[]> own = lines.subList(at, at + (int) (callee.end() - callee.entry()));
            at += own.size();
            List<String[]> inCaller = lines.subList(at, at + (int) (caller.end() - caller.entry()));
            at += inCaller.size();
            String calleeFile = own.get(0)[1];
            int lo = Integer.MAX_VALUE;
            int hi = 0;
            for (String[] l : own) {
                if (l[1].equals(calleeFile)) {
                    lo = Math.min(lo, Integer.parseInt(l[2]));
                    hi = Math.max(hi, Integer.parseInt(l[2]));
                }
            }
            int from = lo;
            int to = hi;
            boolean found = inCaller.stream().anyMatch(l -> l[1].equals(calleeFile)
                    && Integer.parseInt(l[2]) >= from && Integer.parseInt(l[2]) <= to);
            if (!found) {
                problems.add(String.format("%s (%s:%d-%d) inlined into %s: no instruction of it is at those lines",
                        callee, calleeFile, lo, hi, caller));
            }
        }
        assertThat(problems).isEmpty();
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
