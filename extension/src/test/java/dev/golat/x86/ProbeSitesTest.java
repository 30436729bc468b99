// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.testbins.GoTestBinaries;
import dev.golat.x86.ObjdumpFunctions.Function;
import dev.golat.x86.ObjdumpFunctions.Line;
import dev.golat.x86.ProbeSites.Site;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Probe sites of real Go functions, checked against objdump's disassembly and {@code go tool nm}'s
 * symbol table of the go-testbins built by every installed toolchain. The expected entry site is read
 * off objdump's text: the first JB/JBE of a prologue that compares RSP or R12 with {@code [reg+0x10]}
 * (g.stackguard0), else the first instruction.
 */
class ProbeSitesTest {
    private static final Pattern MORESTACK_CALL = Pattern.compile("call [0-9a-f]+ <runtime\\.morestack(_noctxt)?(\\.abi0)?>");

    static Stream<Arguments> programs() {
        return GoTestBinaries.goVersions().stream()
                .flatMap(v -> Stream.of(Arguments.of(v, "workload"), Arguments.of(v, "stmtserver")));
    }

    static List<String> goVersions() {
        return GoTestBinaries.goVersions();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("programs")
    void every_function_agrees_with_objdump(String goVersion, String program) {
        Binary bin = Binary.load(goVersion, program);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> tally = new TreeMap<>();
        for (Function f : bin.funcs) {
            ProbeSites sites = bin.sites(f);
            List<String> diffs = diff(f, sites);
            if (!diffs.isEmpty() && failures.size() < 20) {
                failures.add(f.name() + ": " + String.join("; ", diffs));
            }
            tally.merge(sites.entry().kind() + (sites.measurable() ? "" : " (no RET)"), 1, Integer::sum);
        }
        System.out.printf("%s %s: %,d functions, entry sites %s%n", goVersion, program, bin.funcs.size(), tally);
        assertThat(failures).isEmpty();
        assertThat(tally).containsKeys("STACK_CHECK_JCC", "FIRST_INSTRUCTION", "FIRST_INSTRUCTION (no RET)");
    }

    @ParameterizedTest
    @MethodSource("goVersions")
    void workload_functions(String goVersion) {
        Binary bin = Binary.load(goVersion, "workload");

        Function trivial = bin.function("main.trivial");
        ProbeSites leaf = bin.sites(trivial);
        assertThat(leaf.entry()).isEqualTo(new Site(trivial.address(), Site.Kind.FIRST_INSTRUCTION));
        assertThat(leaf.reason()).contains("main.trivial: no stack check");
        assertThat(leaf.morestackCalls()).isEmpty();
        assertThat(leaf.returns()).isNotEmpty().isEqualTo(rets(trivial));

        for (String name : List.of("main.blockSleep", "main.smallNonLeaf", "main.recurse")) {
            Function f = bin.function(name);
            ProbeSites s = bin.sites(f);
            Line jcc = line(f, s.entry().address());
            Line before = f.lines().get(f.lines().indexOf(jcc) - 1);
            assertThat(s.entry().kind()).as(name).isEqualTo(Site.Kind.STACK_CHECK_JCC);
            assertThat(jcc.mnemonic()).as(name).isEqualTo("jbe");
            assertThat(before.text()).as(name).matches(ObjdumpFunctions.STACK_GUARD_CMP);
            assertThat(s.morestackCalls()).as(name).hasSize(1).isEqualTo(morestackCalls(f));
            assertThat(s.returns()).as(name).isNotEmpty().isEqualTo(rets(f));
            assertThat(s.measurable()).isTrue();
        }
        // recurse has a ~2.2 KiB frame: LEA R12, [RSP-N]; CMP R12, [R14+0x10]; JBE
        Function recurse = bin.function("main.recurse");
        assertThat(recurse.lines().get(0).text()).startsWith("lea r12,[rsp-");
        assertThat(bin.sites(recurse).entry().address()).isEqualTo(recurse.lines().get(2).address());
    }

    @ParameterizedTest
    @MethodSource("goVersions")
    void huge_frames_are_entered_at_the_underflow_jb(String goVersion) {
        Binary bin = Binary.load(goVersion, "workload");
        // An 8 KiB frame; runtime/os_linux.go renamed getproccount to getCPUCount in Go 1.26.
        boolean renamed = Integer.parseInt(goVersion.substring("go1.".length())) >= 26;
        Function f = bin.function(renamed ? "runtime.getCPUCount" : "runtime.getproccount");
        ProbeSites s = bin.sites(f);
        // MOV R12, RSP; SUB R12, N; JB morestack; CMP R12, [R14+0x10]; JBE morestack
        assertThat(f.lines().get(0).text()).isEqualTo("mov r12,rsp");
        assertThat(f.lines().get(1).text()).startsWith("sub r12,0x");
        assertThat(f.lines().get(2).mnemonic()).isEqualTo("jb");
        assertThat(f.lines().get(3).text()).matches(ObjdumpFunctions.STACK_GUARD_CMP);
        assertThat(s.entry()).isEqualTo(new Site(f.lines().get(2).address(), Site.Kind.STACK_CHECK_JCC));
        assertThat(s.morestackCalls()).hasSize(1).isEqualTo(morestackCalls(f));
    }

    @ParameterizedTest
    @MethodSource("goVersions")
    void functions_without_ret_are_not_measurable(String goVersion) {
        Binary bin = Binary.load(goVersion, "workload");

        ProbeSites tail = bin.sites(bin.function("runtime.morestack_noctxt.abi0"));
        assertThat(tail.measurable()).isFalse();
        assertThat(tail.returns()).isEmpty();
        assertThat(tail.reason()).startsWith("runtime.morestack_noctxt.abi0 cannot be measured: it has no RET instruction")
                .contains("ends in a JMP at 0x");

        ProbeSites goexit = bin.sites(bin.function("runtime.goexit.abi0"));
        assertThat(goexit.measurable()).isFalse();
        assertThat(goexit.reason()).startsWith("runtime.goexit.abi0 cannot be measured: it has no RET instruction");
    }

    @ParameterizedTest
    @MethodSource("goVersions")
    void boundaries_agree_with_objdump_at_every_byte(String goVersion) {
        Binary bin = Binary.load(goVersion, "stmtserver");
        Function f = bin.function("main.(*clientConn).handleStmtExecute");
        ProbeSites s = bin.sites(f);
        long[] starts = f.lines().stream().mapToLong(Line::address).toArray();
        for (long a = f.address(); a < f.end(); a++) {
            int i = Arrays.binarySearch(starts, a);
            int holding = i >= 0 ? i : -i - 2;
            assertThat(s.isBoundary(a)).as("0x%x", a).isEqualTo(i >= 0);
            assertThat(s.previousBoundary(a)).as("0x%x", a).isEqualTo(starts[holding]);
            assertThat(s.nextBoundary(a)).as("0x%x", a).isEqualTo(holding + 1 < starts.length ? starts[holding + 1] : f.end());
        }
        assertThatThrownBy(() -> s.nextBoundary(f.end()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is outside main.(*clientConn).handleStmtExecute");
    }

    @Test
    void a_function_that_does_not_decode_is_named_in_the_error() {
        byte[] code = {0x49, 0x3b, 0x66, 0x10, 0x0f, 0x04};
        assertThatThrownBy(() -> ProbeSites.find("main.broken", code, 0x401000, a -> null))
                .isInstanceOf(X86DecodeException.class)
                .hasMessageStartingWith("cannot decode main.broken (0x401000-0x401006) linearly: invalid x86-64 instruction at 0x401004");
    }

    /** What differs between the sites and objdump's lines of one function. */
    private static List<String> diff(Function f, ProbeSites s) {
        List<String> d = new ArrayList<>();
        List<Long> expected = f.lines().stream().map(Line::address).toList();
        List<Long> actual = s.instructions().stream().map(Instruction::address).toList();
        if (!actual.equals(expected)) {
            d.add("boundaries differ");
        }
        if (!s.returns().equals(rets(f))) {
            d.add("returns " + hex(s.returns()) + " vs objdump " + hex(rets(f)));
        }
        if (!s.morestackCalls().equals(morestackCalls(f))) {
            d.add("morestack calls " + hex(s.morestackCalls()) + " vs objdump " + hex(morestackCalls(f)));
        }
        Site site = ObjdumpFunctions.expectedEntry(f.address(), f.lines());
        if (!s.entry().equals(site)) {
            d.add("entry " + s.entry() + " vs objdump " + site + " (" + s.reason() + ")");
        }
        if (s.measurable() == rets(f).isEmpty() || !s.measurable() && !s.reason().contains(f.name())) {
            d.add("measurable " + s.measurable() + ": " + s.reason());
        }
        return d;
    }

    private static List<Long> rets(Function f) {
        return f.lines().stream().filter(l -> l.mnemonic().equals("ret")).map(Line::address).toList();
    }

    private static List<Long> morestackCalls(Function f) {
        return f.lines().stream().filter(l -> MORESTACK_CALL.matcher(l.text()).matches()).map(Line::address).toList();
    }

    private static Line line(Function f, long address) {
        return f.lines().stream().filter(l -> l.address() == address).findFirst()
                .orElseThrow(() -> new AssertionError(String.format("objdump has no instruction at 0x%x in %s", address, f.name())));
    }

    private static String hex(List<Long> addrs) {
        return addrs.stream().map(a -> "0x" + Long.toHexString(a)).toList().toString();
    }

    /** A go-testbins program: its .text bytes, nm's functions with objdump's lines, and the sites of one function. */
    private record Binary(List<Function> funcs, Map<Long, String> symbols, long textAddress, byte[] text) {
        /** Loaded once per program: objdump and nm of a whole binary are the slow part of these tests. */
        private static final Map<String, Binary> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

        static Binary load(String goVersion, String program) {
            return LOADED.computeIfAbsent(goVersion + "/" + program, k -> read(goVersion, program));
        }

        private static Binary read(String goVersion, String program) {
            Path path = GoTestBinaries.program(goVersion, program);
            List<Function> funcs = ObjdumpFunctions.read(path, GoTestBinaries.goTool(goVersion));
            ElfSections elf = ElfSections.read(path);
            ElfSections.Section text = elf.executable().stream().filter(s -> s.name().equals(".text")).findFirst().orElseThrow();
            return new Binary(funcs, ObjdumpFunctions.symbols(funcs), text.sh_addr(), elf.bytes(text));
        }

        Function function(String name) {
            return funcs.stream().filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("go tool nm lists no " + name));
        }

        ProbeSites sites(Function f) {
            byte[] code = Arrays.copyOfRange(text, (int) (f.address() - textAddress), (int) (f.end() - textAddress));
            return ProbeSites.find(f.name(), code, f.address(), symbols::get);
        }
    }
}
