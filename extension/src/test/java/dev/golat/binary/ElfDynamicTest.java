// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;

/** PT_INTERP and the DT_NEEDED/DT_RUNPATH/DT_RPATH entries, checked against binutils {@code readelf}. */
class ElfDynamicTest {
    private static final Pattern INTERP = Pattern.compile("\\[Requesting program interpreter: (.+)]");
    private static final Pattern DYN = Pattern.compile("\\((NEEDED|RUNPATH|RPATH|SONAME)\\)\\s+\\S.*?: \\[(.*)]");

    @ParameterizedTest
    @ValueSource(strings = {"prometheus", "dockerd", "esbuild"})
    void should_read_what_readelf_reads_from_real_servers(String name) {
        agreesWithReadelf(GoTestBinaries.cached(name));
    }

    @Test
    void should_read_what_readelf_reads_from_cgo_and_static_test_programs() {
        Path cgo = GoTestBinaries.program("go1.26", Variant.CGO, "stmtserver");
        Path pie = GoTestBinaries.program("go1.26", Variant.PIE, "stmtserver");
        Path plain = GoTestBinaries.program("go1.26", Variant.DEFAULT, "stmtserver");
        agreesWithReadelf(cgo);
        agreesWithReadelf(pie);
        agreesWithReadelf(plain);
        assertThat(ElfDynamic.read(cgo).isDynamic()).isTrue();
        assertThat(ElfDynamic.read(plain).isDynamic()).isFalse();
    }

    @Test
    void should_read_the_libraries_a_shared_library_needs() {
        agreesWithReadelf(Path.of("/lib/x86_64-linux-gnu/libsystemd.so.0"));
    }

    @Test
    void should_name_the_file_when_it_is_not_elf(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("server.sh"), "#!/bin/sh\n");
        assertThatThrownBy(() -> ElfDynamic.read(script))
                .isInstanceOf(GoBinaryException.class)
                .hasMessage(script + " is not an ELF file: it starts with 23 21 2f 62, not 7f 45 4c 46 (\\x7fELF)");
    }

    private static void agreesWithReadelf(Path file) {
        String segments = Oracles.run("readelf", "-lW", file.toString());
        String dynamic = Oracles.run("readelf", "-dW", file.toString());
        Matcher interp = INTERP.matcher(segments);
        List<String> needed = new ArrayList<>();
        List<String> runpath = new ArrayList<>();
        List<String> rpath = new ArrayList<>();
        List<String> soname = new ArrayList<>();
        for (Matcher m = DYN.matcher(dynamic); m.find(); ) {
            switch (m.group(1)) {
                case "NEEDED" -> needed.add(m.group(2));
                case "SONAME" -> soname.add(m.group(2));
                case "RUNPATH" -> runpath.addAll(List.of(m.group(2).split(":")));
                default -> rpath.addAll(List.of(m.group(2).split(":")));
            }
        }
        ElfDynamic elf = ElfDynamic.read(file);
        assertThat(elf.interpreter()).as("PT_INTERP of %s", file).isEqualTo(interp.find() ? java.util.Optional.of(interp.group(1))
                : java.util.Optional.empty());
        assertThat(elf.soname()).as("DT_SONAME of %s", file).isEqualTo(soname.stream().findFirst());
        assertThat(elf.needed()).as("DT_NEEDED of %s", file).isEqualTo(needed);
        assertThat(elf.runpath()).as("DT_RUNPATH of %s", file).isEqualTo(runpath);
        assertThat(elf.rpath()).as("DT_RPATH of %s", file).isEqualTo(rpath);
    }
}
