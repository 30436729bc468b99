// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The function names golat's tests trace exist in every build, checked with the building toolchain's own
 * {@code go tool nm} and {@code go tool objdump} as the oracle.
 */
class GoSymbolsTest {
    static final List<String> WORKLOAD_FUNCTIONS = List.of(
            "main.blockSleep", "main.blockChan", "main.recurse", "main.mayPanic", "main.mayGoexit",
            "main.trivial", "main.smallNonLeaf");
    static final List<String> STMTSERVER_FUNCTIONS = List.of(
            "main.(*clientConn).dispatch", "main.(*clientConn).handleStmtExecute",
            "main.(*clientConn).handleStmtExecute.func1", "main.parseStmt", "main.evalExpr",
            "main.(*storage).get", "main.getTSO");

    @EachGoVersion
    void both_programs_are_static_ELF_executables(String go) throws IOException {
        for (String name : List.of("stmtserver", "workload")) {
            Path p = GoTestBinaries.program(go, name);
            byte[] head = new byte[20];
            try (var in = Files.newInputStream(p)) {
                assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
            }
            assertThat(new String(head, 0, 4, StandardCharsets.ISO_8859_1)).as("ELF magic of %s", p).isEqualTo("\u007fELF");
            assertThat(head[4]).as("ELFCLASS64 of %s", p).isEqualTo((byte) 2);
            assertThat(head[16] | head[17] << 8).as("e_type ET_EXEC of %s", p).isEqualTo(2);
            assertThat(head[18] & 0xff | (head[19] & 0xff) << 8).as("e_machine EM_X86_64 of %s", p).isEqualTo(62);
            assertThat(Files.isExecutable(p)).isTrue();
        }
    }

    @EachGoVersion
    void workload_has_every_traced_function(String go) throws Exception {
        assertThat(textSymbols(go, "workload")).containsAll(WORKLOAD_FUNCTIONS);
    }

    @EachGoVersion
    void workload_functions_have_the_prologues_the_tests_rely_on(String go) throws Exception {
        String workload = GoTestBinaries.program(go, "workload").toString();
        List<String> recurse = go(go, "tool", "objdump", "-s", "^main\\.recurse$", workload);
        List<String> trivial = go(go, "tool", "objdump", "-s", "^main\\.trivial$", workload);
        List<String> nonLeaf = go(go, "tool", "objdump", "-s", "^main\\.smallNonLeaf$", workload);

        // recurse keeps its 2 KiB array: a frame bigger than a new goroutine's stack, so it grows the stack.
        Pattern sub = Pattern.compile("\\sSUBQ \\$0x([0-9a-f]+), SP");
        long frame = recurse.stream().map(sub::matcher).filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1), 16)).max().orElse(0);
        assertThat(frame).as("frame size of main.recurse in %s", recurse).isGreaterThanOrEqualTo(2048);
        assertThat(recurse).anyMatch(l -> l.contains("CALL runtime.morestack"));
        // trivial is a NOSPLIT leaf (no stack check); smallNonLeaf has the usual check.
        assertThat(trivial).as("main.trivial").hasSizeGreaterThan(1).noneMatch(l -> l.contains("morestack") || l.contains("CALL "));
        assertThat(nonLeaf).as("main.smallNonLeaf").anyMatch(l -> l.contains("CALL runtime.morestack_noctxt"));
    }

    @EachGoVersion
    void stmtserver_has_every_traced_function_and_inlines_normalizeStmt(String go) throws Exception {
        Set<String> symbols = textSymbols(go, "stmtserver");
        assertThat(symbols).containsAll(STMTSERVER_FUNCTIONS);
        assertThat(symbols).as("normalizeStmt must be inlined, so it has no function symbol").doesNotContain("main.normalizeStmt");

        // Inlined, not dropped: handleStmtExecute holds instructions from normalizeStmt's source lines.
        Path stmtGo = GoTestBinaries.root().resolve("go-testbins/src/go/cmd/stmtserver/stmt.go");
        List<String> src = Files.readAllLines(stmtGo);
        int first = src.indexOf("func normalizeStmt(s string) string {") + 1;
        assertThat(first).as("func normalizeStmt in %s", stmtGo).isPositive();
        int end = first;
        while (!src.get(end - 1).equals("}")) {
            end++;
        }
        int last = end;
        Pattern line = Pattern.compile("\\sstmt\\.go:(\\d+)\\s");
        List<Integer> inlinedLines = new ArrayList<>();
        for (String l : go(go, "tool", "objdump", "-s", "^main\\.\\(\\*clientConn\\)\\.handleStmtExecute$",
                GoTestBinaries.program(go, "stmtserver").toString())) {
            Matcher m = line.matcher(l);
            if (m.find()) {
                inlinedLines.add(Integer.parseInt(m.group(1)));
            }
        }
        assertThat(inlinedLines).as("stmt.go lines in handleStmtExecute").isNotEmpty().allSatisfy(
                n -> assertThat(n).isBetween(first, last));
    }

    /**
     * Each variant is what its flags promise, with binutils' readelf as the oracle: PIE builds are ET_DYN and, like
     * cgo builds, name an interpreter (so a scratch image needs the loader); only cgo builds need libc.so.6; stripped
     * builds have no .symtab.
     */
    @EachGoBuild
    void every_build_has_the_ELF_shape_its_flags_promise(String go, Variant variant) throws Exception {
        for (String name : List.of("stmtserver", "workload")) {
            Path p = GoTestBinaries.program(go, variant, name);
            boolean pie = variant == Variant.PIE || variant == Variant.STRIPPED_PIE;
            boolean stripped = variant == Variant.STRIPPED || variant == Variant.STRIPPED_PIE;
            List<String> header = run("readelf", "-h", p.toString());
            List<String> segments = run("readelf", "-lW", p.toString());
            List<String> sections = run("readelf", "-SW", p.toString());
            List<String> dynamic = run("readelf", "-dW", p.toString());

            assertThat(header).as("e_type of %s (%s)", p, variant.flags)
                    .anyMatch(l -> l.matches("\\s*Type:\\s+" + (pie ? "DYN" : "EXEC") + " .*"));
            assertThat(segments.stream().anyMatch(l -> l.contains("Requesting program interpreter")))
                    .as("PT_INTERP in %s (%s)", p, variant.flags).isEqualTo(pie || variant == Variant.CGO);
            assertThat(dynamic.stream().anyMatch(l -> l.contains("(NEEDED)") && l.contains("[libc.so.6]")))
                    .as("DT_NEEDED libc.so.6 in %s (%s)", p, variant.flags).isEqualTo(variant == Variant.CGO);
            assertThat(sections.stream().anyMatch(l -> l.contains(" .symtab ")))
                    .as(".symtab in %s (%s)", p, variant.flags).isEqualTo(!stripped);
        }
    }

    /** The text (T/t) symbols that {@code go tool nm} lists. */
    private static Set<String> textSymbols(String go, String program) throws Exception {
        return go(go, "tool", "nm", GoTestBinaries.program(go, program).toString()).stream()
                .map(String::trim)
                .map(l -> l.split("\\s+", 3))
                .filter(f -> f.length == 3 && (f[1].equals("T") || f[1].equals("t")))
                .map(f -> f[2])
                .collect(Collectors.toSet());
    }

    static List<String> go(String go, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(GoTestBinaries.goTool(go).toString());
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    private static List<String> run(String... command) throws Exception {
        List<String> cmd = List.of(command);
        Path out = Files.createTempFile("golat-go-tool-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("GOTOOLCHAIN", "local");
            Process p = pb.start();
            try {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
                List<String> lines = Files.readAllLines(out);
                assertThat(p.exitValue()).as("%s exit status; output %s", cmd, lines).isZero();
                return lines;
            } finally {
                p.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
