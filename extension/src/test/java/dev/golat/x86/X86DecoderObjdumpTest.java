// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole binaries against GNU objdump: every instruction boundary, kind and branch target of a linear
 * sweep over each executable section (Go pads between functions with INT3, so a correct decoder stays in
 * step with objdump from the section start to its end). The go-testbins of every installed toolchain in every
 * variant (default, stripped, pie, stripped-pie, cgo), and the real prometheus (stripped), dockerd (PIE),
 * esbuild (Go 1.26, 1.25.4, 1.20.7, 1.18.1 and 1.17.5) and buf (Go 1.24.2) binaries.
 */
class X86DecoderObjdumpTest {

    /** Every go-testbins build (each toolchain, each variant, both programs) and every cached real binary. */
    static List<Path> binaries() {
        List<Path> out = new ArrayList<>();
        for (String v : GoTestBinaries.goVersions()) {
            for (Variant variant : Variant.values()) {
                out.add(GoTestBinaries.program(v, variant, "stmtserver"));
                out.add(GoTestBinaries.program(v, variant, "workload"));
            }
        }
        for (String name : List.of("prometheus", "dockerd", "esbuild", "esbuild-go117", "esbuild-go118", "esbuild-go120",
                "buf-go124", "esbuild-go125")) {
            out.add(GoTestBinaries.cached(name));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("binaries")
    void every_instruction_agrees_with_objdump(Path binary) {
        long t0 = System.nanoTime();
        ObjdumpOracle.Result r = ObjdumpOracle.compare(binary);
        System.out.printf("%s (%s) in %.1f s%n", r, binary, (System.nanoTime() - t0) / 1e9);

        assertThat(r.mismatches()).as("%s: first mismatches of %,d", binary, r.mismatchCount()).isEmpty();
        assertThat(r.mismatchCount()).isZero();
        // The sweep must have covered the code: only objdump's (bad) lines and elided zero runs may be skipped.
        assertThat(r.decodedBytes()).as("bytes decoded in agreement with objdump").isGreaterThan(r.codeBytes() * 999 / 1000);
        assertThat(r.kinds()).containsKeys("RET", "CALL", "JCC", "INT3");
    }

    /**
     * Random bytes exercise every corner of the tables (3DNow!, XOP, far branches, x87, moffs, group
     * encodings). Where objdump prints {@code (bad)} both sides skip to objdump's next line; VEX/EVEX after
     * a 66/F2/F3/F0/REX prefix is #UD on the CPU and rejected by the decoder, though objdump prints it.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void random_bytes_agree_with_objdump(long seed, @TempDir Path dir) throws IOException {
        byte[] bytes = new byte[1 << 20];
        new Random(seed).nextBytes(bytes);
        Path file = Files.write(dir.resolve("random-" + seed + ".bin"), bytes);

        ObjdumpOracle.Result r = ObjdumpOracle.compareRaw(file, bytes, 0x400000);
        System.out.println(r);

        assertThat(r.mismatches()).as("first mismatches of %,d", r.mismatchCount()).isEmpty();
        assertThat(r.instructions()).isGreaterThan(bytes.length / 8);
    }
}
