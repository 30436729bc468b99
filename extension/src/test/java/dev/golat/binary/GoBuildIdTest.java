// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The build id against {@code go tool buildid}, on every toolchain and variant (stripped and PIE too). */
class GoBuildIdTest {

    static Stream<Arguments> binaries() {
        List<Arguments> args = new ArrayList<>();
        for (String v : GoTestBinaries.goVersions()) {
            for (Variant variant : Variant.values()) {
                Path p = GoTestBinaries.program(v, variant, "stmtserver");
                if (p.toFile().exists()) {
                    args.add(Arguments.of(v, variant, p));
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaries")
    void should_read_the_build_id_go_tool_buildid_prints(String goVersion, Variant variant, Path file) {
        String expected = Oracles.run(GoTestBinaries.goTool("go1.26").toString(), "tool", "buildid", file.toString()).strip();
        assertThat(GoBuildId.read(ElfFile.from(file))).hasValue(expected);
        assertThat(expected).isNotEmpty();
    }
}
