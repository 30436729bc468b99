// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
