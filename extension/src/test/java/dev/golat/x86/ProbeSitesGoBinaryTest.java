// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.binary.GoBinary;
import dev.golat.binary.GoFunction;
import dev.golat.x86.ObjdumpFunctions.Line;
import dev.golat.x86.ProbeSites.Site;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every function of a binary's pclntab ({@code GoBinary.functions()}), decoded from its entry and given
 * probe sites, against objdump's linear sweep of {@code .text}: the boundaries, RETs and
 * {@code CALL runtime.morestack*} of each function, and the entry site read off objdump's prologue text.
 * Covers every go-testbins build of the matrix and the real binaries ({@link X86DecoderObjdumpTest#binaries}),
 * stripped and PIE ones included, where only the pclntab names functions.
 */
class ProbeSitesGoBinaryTest {
    private static final Pattern CALL = Pattern.compile("call (?:0x)?([0-9a-f]+)(?: <.*>)?");

    static List<Path> binaries() {
        return X86DecoderObjdumpTest.binaries();
    }

    @ParameterizedTest
    @MethodSource("binaries")
    void every_pclntab_function_agrees_with_objdump(Path path) {
        long t0 = System.nanoTime();
        GoBinary bin = GoBinary.open(path);
        List<GoFunction> funcs = bin.functions();
        Map<Long, String> names = new HashMap<>();
        funcs.forEach(f -> names.putIfAbsent(f.entry(), f.name()));
        Set<Long> morestack = funcs.stream().filter(f -> StackCheck.MORESTACK.contains(f.name()))
                .map(GoFunction::entry).collect(Collectors.toSet());
        Check check = new Check(bin, names, morestack);
        check.sweep(path, funcs);
        System.out.printf("%s (%s): %,d functions, %,d instructions, %,d failures; entry sites %s;"
                        + " objdump prints (bad) in %s; in %.1f s%n", path.getFileName(), bin.goVersion(), funcs.size(),
                check.instructions, check.failureCount, check.tally, check.undecodable, (System.nanoTime() - t0) / 1e9);

        assertThat(morestack).as("runtime.morestack* in the pclntab").isNotEmpty();
        assertThat(check.failures).as("first failures of %,d", check.failureCount).isEmpty();
        assertThat(check.tally).containsKeys("STACK_CHECK_JCC", "FIRST_INSTRUCTION");
        assertThat(check.compared).isEqualTo(funcs.size());
    }

    /** Walks objdump's lines and the functions together, both in address order, one function at a time. */
    private static final class Check {
        private final GoBinary bin;
        private final Map<Long, String> names;
        private final Set<Long> morestack;
        final List<String> failures = new ArrayList<>();
        final Map<String, Integer> tally = new TreeMap<>();
        final List<String> undecodable = new ArrayList<>();
        long failureCount;
        long instructions;
        int compared;

        Check(GoBinary bin, Map<Long, String> names, Set<Long> morestack) {
            this.bin = bin;
            this.names = names;
            this.morestack = morestack;
        }

        void sweep(Path path, List<GoFunction> funcs) {
            try {
                Process p = new ProcessBuilder("objdump", "-d", "-w", "--no-show-raw-insn", "-M", "intel", "-j", ".text",
                        path.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
                    int fi = 0;
                    List<Line> lines = new ArrayList<>();
                    String s;
                    while ((s = r.readLine()) != null && fi < funcs.size()) {
                        int colon = s.indexOf(":\t");
                        if (colon < 0 || s.isEmpty() || s.charAt(0) != ' ') {
                            continue;
                        }
                        long addr = Long.parseLong(s.substring(0, colon).trim(), 16);
                        while (fi < funcs.size() && addr >= funcs.get(fi).end()) {
                            compare(funcs.get(fi++), lines);
                            lines.clear();
                        }
                        if (fi < funcs.size() && addr >= funcs.get(fi).entry()) {
                            lines.add(new Line(addr, ObjdumpOracle.WHITESPACE.matcher(s.substring(colon + 2).trim()).replaceAll(" ")));
                        }
                    }
                    while (fi < funcs.size()) {
                        compare(funcs.get(fi++), lines);
                        lines.clear();
                    }
                } finally {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void compare(GoFunction f, List<Line> lines) {
            compared++;
            if (lines.stream().anyMatch(l -> l.text().contains("(bad)") || l.text().startsWith(".byte"))) {
                // objdump cannot sweep it either: data inside the function (crypto/internal/boring/sig's
                // markers jump over their signature bytes). Reported, not compared.
                undecodable.add(f.name());
                return;
            }
            ProbeSites s;
            try {
                s = ProbeSites.find(f.name(), bin.code(f), f.entry(), names::get);
            } catch (X86DecodeException e) {
                fail(e.getMessage());
                return;
            }
            instructions += s.instructions().size();
            tally.merge(s.entry().kind() + (s.measurable() ? "" : " (no RET)"), 1, Integer::sum);
            List<String> d = new ArrayList<>();
            List<Long> expected = lines.stream().map(Line::address).toList();
            List<Long> actual = s.instructions().stream().map(Instruction::address).toList();
            if (!actual.equals(expected)) {
                d.add(String.format("boundaries differ (%d vs objdump %d)", actual.size(), expected.size()));
            }
            List<Long> rets = lines.stream().filter(l -> l.mnemonic().equals("ret")).map(Line::address).toList();
            if (!s.returns().equals(rets)) {
                d.add("returns " + s.returns() + " vs objdump " + rets);
            }
            List<Long> calls = lines.stream().filter(this::callsMorestack).map(Line::address).toList();
            if (!s.morestackCalls().equals(calls)) {
                d.add("morestack calls " + s.morestackCalls() + " vs objdump " + calls);
            }
            Site site = ObjdumpFunctions.expectedEntry(f.entry(), lines);
            if (!s.entry().equals(site)) {
                d.add("entry " + s.entry() + " vs objdump " + site + " (" + s.reason() + ")");
            }
            if (s.measurable() == rets.isEmpty()) {
                d.add("measurable " + s.measurable());
            }
            if (!d.isEmpty()) {
                fail(f + ": " + String.join("; ", d));
            }
        }

        private boolean callsMorestack(Line l) {
            Matcher m = CALL.matcher(l.text());
            return m.matches() && morestack.contains(Long.parseUnsignedLong(m.group(1), 16));
        }

        private void fail(String what) {
            if (failures.size() < 20) {
                failures.add(what);
            }
            failureCount++;
        }
    }
}
