// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * Every go-testbins program, built with every installed toolchain, read by {@link GoBinary} and compared with
 * {@code go tool nm} (which reads the symbol table, not the pclntab) and {@code go version} (debug/buildinfo).
 */
class GoTestBinariesOracleTest {

    static Stream<Arguments> programs() {
        List<Arguments> args = new ArrayList<>();
        for (String v : GoTestBinaries.goVersions()) {
            for (String name : List.of("stmtserver", "workload")) {
                args.add(Arguments.of(v, name, GoTestBinaries.program(v, name)));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("programs")
    void every_nm_text_symbol_is_a_function_at_the_same_address(String goVersion, String name, Path file) {
        // GIVEN
        Map<Long, List<String>> nm = Oracles.goNmTextSymbols(file);
        // WHEN
        GoBinary bin = GoBinary.open(file);
        // THEN
        Map<Long, String> ours = new HashMap<>();
        for (GoFunction f : bin.functions()) {
            ours.put(f.entry(), Oracles.normalize(f.name()));
        }
        List<String> problems = new ArrayList<>();
        nm.forEach((addr, names) -> {
            String got = ours.get(addr);
            if (got == null) {
                problems.add(String.format("0x%x %s: no function starts there", addr, names));
            } else if (names.stream().map(Oracles::normalize).noneMatch(got::equals)) {
                problems.add(String.format("0x%x %s: we call it %s", addr, names, got));
            }
        });
        assertThat(nm).as("go tool nm found no T symbols in %s", file).hasSizeGreaterThan(1000);
        assertThat(problems).as("nm T symbols of %s that GoBinary disagrees with", file).isEmpty();
        assertThat(bin.isStripped()).isFalse();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("programs")
    void go_version_agrees_with_go_version(String goVersion, String name, Path file) {
        assertThat(GoBinary.open(file).goVersion().raw()).isEqualTo(Oracles.goVersionOf(file));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("programs")
    void functions_are_sorted_contiguous_and_found_by_address(String goVersion, String name, Path file) {
        GoBinary bin = GoBinary.open(file);
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

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("programs")
    void main_main_is_found_at_the_nm_address_and_its_bytes_match_objdump(String goVersion, String name, Path file) {
        // GIVEN
        GoBinary bin = GoBinary.open(file);
        long nmAddress = Oracles.goNmTextSymbols(file).entrySet().stream().filter(e -> e.getValue().contains("main.main"))
                .findFirst().orElseThrow().getKey();
        // WHEN
        GoFunction f = bin.lookup("main.main");
        // THEN
        assertThat(f.entry()).isEqualTo(nmAddress);
        byte[] code = bin.code(f);
        ByteArrayBuilder fromObjdump = new ByteArrayBuilder();
        Oracles.objdumpBytes(file, f.entry(), f.end()).values().forEach(fromObjdump::add);
        assertThat(code).isEqualTo(fromObjdump.toArray());
    }

    /** Concatenates objdump's per-instruction bytes. */
    static final class ByteArrayBuilder {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        void add(byte[] b) {
            out.writeBytes(b);
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}
