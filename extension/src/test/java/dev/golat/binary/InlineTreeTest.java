// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;

/**
 * {@link GoBinary#inlinedInto} against the compiler's own report ({@code -gcflags=-m}: "main.go:8:73: inlining
 * call to square"), for every installed toolchain (Go 1.19's 20-byte inlinedCall, 1.20+'s 16-byte one).
 */
class InlineTreeTest {
    @TempDir
    Path dir;

    static List<String> toolchains() {
        return GoTestBinaries.goVersions();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolchains")
    void inlined_into_matches_the_compilers_inlining_report(String go) {
        // GIVEN
        GoPrograms.Build build = GoPrograms.buildWithOutput(dir, go, "inl", Map.of(), "-gcflags=-m");
        TreeSet<String> reported = callersOf("square", build.output());
        assertThat(reported).as("the compiler reports inlining square").isNotEmpty();
        // WHEN
        GoBinary bin = GoBinary.open(build.binary());
        // THEN
        assertThat(bin.inlinedInto(bin.lookup("main.square"))).containsExactlyElementsOf(reported);
        assertThat(bin.inlinedInto("square")).containsExactlyElementsOf(reported);
        assertThat(bin.inlinedInto(bin.lookup("main.never"))).isEmpty();
        assertThat(bin.inlinedInto(bin.lookup("main.(*clientConn).handleStmtExecute"))).isEmpty();
    }

    /**
     * The failure of the issue (a Go 1.27 binary whose inline trees were read from the wrong base: "an inline
     * tree entry names offset 0xcccccccc"), made on purpose in a copy of the newest go-testbins stmtserver: one
     * function's {@code funcdata[InlTree]} points past the end of the file, another's tree entries all name
     * 0xcccccccc. Both become problems naming their function; every other tree reads as in the original, and a plan
     * carries the problem as a warning.
     */
    @Test
    void a_corrupt_inline_tree_is_a_problem_naming_its_function_not_a_failure_of_the_binary() throws IOException {
        // GIVEN
        List<String> versions = GoTestBinaries.goVersions();
        Path original = GoTestBinaries.program(versions.get(versions.size() - 1), "stmtserver");
        GoBinary good = GoBinary.open(original);
        List<Integer> withTrees = functionsWithInlineTrees(good, 2);
        FuncTable table = good.table();
        String pointsAway = table.function(withTrees.get(0)).name();
        String namesGarbage = table.function(withTrees.get(1)).name();
        byte[] bytes = Files.readAllBytes(original);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) funcdataInlTreeAt(table, withTrees.get(0)), 0x7ffffff0);
        long tree = good.gofunc() + Integer.toUnsignedLong(b.getInt((int) funcdataInlTreeAt(table, withTrees.get(1))));
        long treeAt = good.elf().offsetOf(tree, "inline tree");
        BitSet used = used(table, withTrees.get(1));
        for (int k = used.nextSetBit(0); k >= 0; k = used.nextSetBit(k + 1)) {
            b.putInt((int) (treeAt + 16L * k + 4), 0xcccccccc);
        }
        Path corrupt = Files.write(dir.resolve("stmtserver-corrupt"), bytes);
        // WHEN
        GoBinary bin = GoBinary.open(corrupt);
        List<String> problems = bin.inlineTreeProblems();
        // THEN
        assertThat(good.inlineTreeProblems()).isEmpty();
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith(pointsAway + " at 0x").contains("is not in the file bytes of a PT_LOAD segment");
        assertThat(problems.get(1)).startsWith(namesGarbage + " at 0x").contains("names offset 0xcccccccc");
        for (GoFunction f : good.functions()) {
            List<String> expected = new ArrayList<>(good.inlinedInto(f));
            expected.removeAll(List.of(pointsAway, namesGarbage));
            assertThat(bin.inlinedInto(f)).as("callers of %s", f).isEqualTo(expected);
        }
        assertThat(Planner.of(bin).plan("main.main").warnings()).anySatisfy(w -> assertThat(w)
                .startsWith("some inline trees of stmtserver-corrupt could not be read, so copies of main.main inlined there "
                        + "are not listed: " + pointsAway + " at 0x"));
    }

    /** The first {@code n} functions (by entry) with a non-empty inline tree that is used at some instruction. */
    private static List<Integer> functionsWithInlineTrees(GoBinary bin, int n) {
        List<Integer> out = new ArrayList<>();
        FuncTable t = bin.table();
        for (int i = 0; i < t.size() && out.size() < n; i++) {
            if (funcdataInlTreeAt(t, i) >= 0 && !used(t, i).isEmpty()) {
                out.add(i);
            }
        }
        assertThat(out).as("functions with inline trees in %s", bin).hasSize(n);
        return out;
    }

    /** File offset of function {@code i}'s {@code _func.funcdata[InlTree]} (Go 1.20+ layout), or -1 when it has none. */
    private static long funcdataInlTreeAt(FuncTable t, int i) {
        Region r = t.region;
        int f = t.funcs[i];
        long npcdata = Integer.toUnsignedLong(r.u32(f + t.npcdataAt(), "npcdata"));
        int nfuncdata = r.u8(f + t.nfuncdataAt(), "nfuncdata");
        if (npcdata <= InlineTrees.PCDATA_INL_TREE_INDEX || nfuncdata <= InlineTrees.FUNCDATA_INL_TREE) {
            return -1;
        }
        long at = f + t.header.funcStructSize() + 4 * npcdata + 4L * InlineTrees.FUNCDATA_INL_TREE;
        return r.u32(at, "funcdata") == -1 ? -1 : r.offset + at;
    }

    private static BitSet used(FuncTable t, int i) {
        Region r = t.region;
        long pcdata = t.funcs[i] + t.header.funcStructSize();
        long inlTable = Integer.toUnsignedLong(r.u32(pcdata + 4L * InlineTrees.PCDATA_INL_TREE_INDEX, "pcdata"));
        return inlTable == 0 ? new BitSet() : InlineTrees.usedIndexes(r, t.header, inlTable, i);
    }

    /** The functions of {@link GoPrograms#SOURCE} whose lines the compiler says it inlined {@code callee} at. */
    private static TreeSet<String> callersOf(String callee, String compilerOutput) {
        TreeSet<String> callers = new TreeSet<>();
        Matcher m = Pattern.compile("main\\.go:(\\d+):\\d+: inlining call to (?:main\\.)?" + callee + "\\b").matcher(compilerOutput);
        String[] lines = GoPrograms.SOURCE.split("\n");
        Pattern func = Pattern.compile("^func (?:\\((\\w+) (\\*?\\w+)\\) )?(\\w+)\\(");
        while (m.find()) {
            int line = Integer.parseInt(m.group(1));
            for (int i = line - 1; i >= 0; i--) {
                Matcher f = func.matcher(lines[i]);
                if (f.find()) {
                    String receiver = f.group(2) == null ? "" : (f.group(2).startsWith("*") ? "(" + f.group(2) + ")." : f.group(2) + ".");
                    callers.add("main." + receiver + f.group(3));
                    break;
                }
            }
        }
        return callers;
    }
}
