// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.golat.testbins.GoTestBinaries;

/**
 * One program built four ways with the newest toolchain: plain, stripped ({@code -ldflags=-s -w}), PIE, stripped
 * PIE. Lookups must find the same function at the address {@code go tool nm} gives for the unstripped twin, and
 * {@link GoBinary#fileOffset} must agree with {@code readelf -l} and {@link GoBinary#code} with {@code objdump}.
 */
class StrippedAndPieTest {
    @TempDir
    static Path dir;
    static String go;
    static Path plain;
    static Path stripped;
    static Path pie;
    static Path strippedPie;

    @BeforeAll
    static void build() {
        List<String> versions = GoTestBinaries.goVersions();
        go = versions.get(versions.size() - 1);
        plain = GoPrograms.build(dir, go, "plain", Map.of());
        stripped = GoPrograms.build(dir, go, "stripped", Map.of(), "-ldflags=-s -w");
        pie = GoPrograms.build(dir, go, "pie", Map.of(), "-buildmode=pie");
        strippedPie = GoPrograms.build(dir, go, "stripped-pie", Map.of(), "-buildmode=pie", "-ldflags=-s -w");
    }

    @Test
    void stripped_binary_finds_what_nm_finds_in_its_unstripped_twin() {
        // GIVEN
        long nmAddress = nmAddress(plain, "main.(*clientConn).handleStmtExecute");
        // WHEN
        GoBinary bin = GoBinary.open(stripped);
        GoFunction f = bin.lookup("handleStmtExecute");
        // THEN
        assertThat(bin.isStripped()).isTrue();
        assertThat(bin.isPie()).isFalse();
        assertThat(f.name()).isEqualTo("main.(*clientConn).handleStmtExecute");
        assertThat(f.entry()).isEqualTo(nmAddress);
        assertThat(GoBinary.open(plain).functions()).isEqualTo(bin.functions());
        assertOffsetsAndBytesMatchTools(bin, f);
    }

    @Test
    void pie_binary_functions_agree_with_nm_and_objdump() {
        // GIVEN
        Map<Long, List<String>> nm = Oracles.goNmTextSymbols(pie);
        // WHEN
        GoBinary bin = GoBinary.open(pie);
        GoFunction f = bin.lookup("(*clientConn).handleStmtExecute");
        // THEN
        assertThat(bin.isPie()).isTrue();
        assertThat(bin.isStripped()).isFalse();
        assertThat(nm.get(f.entry())).contains("main.(*clientConn).handleStmtExecute");
        nm.forEach((addr, names) -> assertThat(bin.functionContaining(addr)).as("%s at 0x%x", names, addr)
                .hasValueSatisfying(g -> assertThat(g.entry()).isEqualTo(addr)));
        assertOffsetsAndBytesMatchTools(bin, f);
    }

    @Test
    void stripped_pie_binary_finds_what_nm_finds_in_its_unstripped_twin() {
        // GIVEN
        long nmAddress = nmAddress(pie, "main.never");
        // WHEN
        GoBinary bin = GoBinary.open(strippedPie);
        GoFunction f = bin.lookup("main.never");
        // THEN
        assertThat(bin.isPie()).isTrue();
        assertThat(bin.isStripped()).isTrue();
        assertThat(f.entry()).isEqualTo(nmAddress);
        assertThat(GoBinary.open(pie).functions()).isEqualTo(bin.functions());
        assertOffsetsAndBytesMatchTools(bin, f);
        assertOffsetsAndBytesMatchTools(bin, bin.lookup("main.main"));
    }

    private static long nmAddress(Path file, String name) {
        return Oracles.goNmTextSymbols(file).entrySet().stream().filter(e -> e.getValue().contains(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in go tool nm of " + file)).getKey();
    }

    private static void assertOffsetsAndBytesMatchTools(GoBinary bin, GoFunction f) {
        long expectedOffset = -1;
        for (long[] seg : Oracles.readelfLoadSegments(bin.path())) {
            if (seg[3] == 1 && f.entry() >= seg[1] && f.entry() < seg[1] + seg[2]) {
                expectedOffset = f.entry() - seg[1] + seg[0];
            }
        }
        assertThat(bin.fileOffset(f.entry())).as("file offset of %s per readelf -l", f).isEqualTo(expectedOffset);
        ByteArrayOutputStream objdump = new ByteArrayOutputStream();
        Oracles.objdumpBytes(bin.path(), f.entry(), f.end()).values().forEach(objdump::writeBytes);
        assertThat(bin.code(f)).as("bytes of %s per objdump", f).isEqualTo(objdump.toByteArray());
    }
}
