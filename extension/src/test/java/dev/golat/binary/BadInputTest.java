// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.golat.testbins.GoTestBinaries;

/** Every kind of bad input fails with one exception whose exact message names the element and the numbers. */
class BadInputTest {
    @TempDir
    static Path dir;
    static String go;
    static Path program;

    @BeforeAll
    static void build() {
        List<String> versions = GoTestBinaries.goVersions();
        go = versions.get(versions.size() - 1);
        program = GoPrograms.build(dir, go, "program", Map.of());
    }

    @Test
    void text_file_is_not_an_elf_file() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello, not a binary\n");
        assertThatThrownBy(() -> GoBinary.open(file)).isInstanceOf(GoBinaryException.class)
                .hasMessage(file + " is not an ELF file: it starts with 68 65 6c 6c, not 7f 45 4c 46 (\\x7fELF)");
    }

    @Test
    void empty_file_is_not_an_elf_file() throws IOException {
        Path file = Files.write(dir.resolve("empty"), new byte[0]);
        assertThatThrownBy(() -> GoBinary.open(file)).hasMessage(file + " is not an ELF file: it is empty");
    }

    @Test
    void missing_file_is_named() {
        Path file = dir.resolve("no-such-binary");
        assertThatThrownBy(() -> GoBinary.open(file)).isInstanceOf(GoBinaryException.class).hasMessage("no such file: " + file);
    }

    @Test
    void thirty_two_bit_binary_is_refused() {
        Path file = GoPrograms.build(dir, go, "program-386", Map.of("GOARCH", "386"));
        assertThat(Oracles.run("readelf", "-hW", file.toString())).contains("ELF32", "Intel 80386");
        assertThatThrownBy(() -> GoBinary.open(file)).isInstanceOf(GoBinaryException.class).hasMessage(file
                + " is a 32-bit ELF file (EI_CLASS 1, e_machine 3 = 386); golat reads 64-bit amd64 Go binaries only,"
                + " rebuild with GOARCH=amd64");
    }

    @Test
    void arm64_binary_is_not_supported_yet() {
        Path file = GoPrograms.build(dir, go, "program-arm64", Map.of("GOARCH", "arm64"));
        assertThat(Oracles.run("readelf", "-hW", file.toString())).contains("AArch64");
        assertThatThrownBy(() -> GoBinary.open(file)).isInstanceOf(GoBinaryException.class)
                .hasMessage(file + ": arm64 is not supported yet (amd64 only): e_machine is 183, rebuild with GOARCH=amd64");
    }

    @Test
    void non_go_elf_is_not_a_go_binary() {
        Path ls = Path.of("/bin/ls");
        assertThatThrownBy(() -> GoBinary.open(ls)).isInstanceOf(GoBinaryException.class)
                .hasMessage("/bin/ls is not a Go binary: no .gopclntab section and no pclntab header found");
    }

    @Test
    void go_older_than_1_17_is_refused() throws IOException {
        // GIVEN a copy whose build info says go1.16 instead of go1.NN (same length)
        String version = Oracles.goVersionOf(program);
        String old = "go1.16" + version.substring("go1.NN".length());
        byte[] bytes = Files.readAllBytes(program);
        int blob = indexOf(bytes, "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1), 0);
        int at = indexOf(bytes, version.getBytes(StandardCharsets.US_ASCII), blob);
        System.arraycopy(old.getBytes(StandardCharsets.US_ASCII), 0, bytes, at, old.length());
        Path file = Files.write(dir.resolve("built-with-go1.16"), bytes);
        // WHEN / THEN
        assertThat(Oracles.goVersionOf(file)).isEqualTo(old);
        assertThatThrownBy(() -> GoBinary.open(file)).isInstanceOf(GoBinaryException.class).hasMessage(file
                + " was built with Go " + old.substring(2) + "; golat needs Go 1.17 or newer (register ABI)");
    }

    @Test
    void real_go_1_16_binary_is_refused() {
        // GIVEN esbuild 0.12.20 from npm, built with Go 1.16 (stack ABI; same 0xfffffffa pclntab as Go 1.17)
        Path file = GoTestBinaries.cached("esbuild-go116");
        String version = Oracles.goVersionOf(file);
        assertThat(version).startsWith("go1.16.");
        // WHEN / THEN
        assertThatThrownBy(() -> GoBinary.open(file)).isInstanceOf(GoBinaryException.class).hasMessage(file
                + " was built with Go " + version.substring(2) + "; golat needs Go 1.17 or newer (register ABI)");
    }

    @Test
    void truncated_file_names_the_first_missing_piece() throws IOException {
        // GIVEN the first 4 KiB of a real binary (cmd/link writes the section headers near the start, their names at the end)
        Path file = Files.write(dir.resolve("truncated"), Arrays.copyOf(Files.readAllBytes(program), 4096));
        long[] names = section(program, ".shstrtab");
        // WHEN / THEN
        assertThatThrownBy(() -> GoBinary.open(file)).isInstanceOf(GoBinaryException.class).hasMessage(String.format(
                "truncated %s: need %d bytes at 0x%x for .shstrtab (section names), file size 0x1000", file, names[2], names[1]));
    }

    @Test
    void truncated_section_header_table_is_reported() throws IOException {
        // GIVEN a file cut inside its section header table
        Map<String, Long> h = elfHeader(program);
        long cut = h.get("shoff") + 64 * 2 + 10;
        Path file = Files.write(dir.resolve("cut-in-headers"), Arrays.copyOf(Files.readAllBytes(program), (int) cut));
        // WHEN / THEN
        assertThatThrownBy(() -> GoBinary.open(file)).hasMessage(String.format("truncated %s: the section header table (%d "
                + "entries of 64 bytes at 0x%x) ends at 0x%x, past the end of the file (size 0x%x)", file, h.get("shnum"),
                h.get("shoff"), h.get("shoff") + 64 * h.get("shnum"), cut));
    }

    @Test
    void pclntab_section_smaller_than_its_header_names_the_field() throws IOException {
        // GIVEN .gopclntab's sh_size set to 16 bytes: room for magic, pads and nfunc, not nfiles
        long[] pcln = section(program, ".gopclntab");
        Path file = patch("small-pclntab", pcln[3] + 32, 16L, 8);
        // WHEN / THEN
        assertThatThrownBy(() -> GoBinary.open(file)).isInstanceOf(GoBinaryException.class).hasMessage(String.format(
                "truncated .gopclntab in %s: need 8 bytes at 0x10 for pcHeader.nfiles, section size 0x10", file));
    }

    @Test
    void corrupt_pclntab_magic_is_named() throws IOException {
        long[] pcln = section(program, ".gopclntab");
        Path file = patch("bad-magic", pcln[1], 0x12345678L, 4);
        assertThatThrownBy(() -> GoBinary.open(file)).isInstanceOf(GoBinaryException.class).hasMessage(String.format(
                "corrupt .gopclntab in %s at 0x%x (file offset 0x%x): pcHeader.magic is 0x12345678; expected 0xfffffff1"
                        + " (Go 1.20+), 0xfffffff0 (Go 1.18–1.19) or 0xfffffffa (Go 1.16–1.17)", file, pcln[0], pcln[1]));
    }

    @Test
    void corrupt_pclntab_header_field_is_named() throws IOException {
        long[] pcln = section(program, ".gopclntab");
        Path minLC = patch("bad-minlc", pcln[1] + 6, 3L, 1);
        assertThatThrownBy(() -> GoBinary.open(minLC)).hasMessage(String.format("corrupt .gopclntab in %s at 0x%x (file "
                + "offset 0x%x): pcHeader.minLC is 3; expected 1, 2 or 4", minLC, pcln[0] + 6, pcln[1] + 6));
        Path nfunc = patch("bad-nfunc", pcln[1] + 8, 0x7fffffffL, 8);
        assertThatThrownBy(() -> GoBinary.open(nfunc)).hasMessageStartingWith(String.format("corrupt .gopclntab in %s at "
                + "0x%x (file offset 0x%x): pcHeader.nfunc is 2147483647; expected 1 to 50,000,000", nfunc, pcln[0] + 8,
                pcln[1] + 8));
    }

    @Test
    void unknown_name_lists_the_closest_names() {
        GoBinary bin = GoBinary.open(program);
        assertThatThrownBy(() -> bin.lookup("handleStmtExecut")).isInstanceOf(GoBinaryException.class)
                .hasMessageStartingWith(String.format(Locale.ROOT, "no Go function 'handleStmtExecut' in %s (Go %s, %,d "
                        + "functions); closest: main.(*clientConn).handleStmtExecute, ", program,
                        Oracles.goVersionOf(program).substring(2), bin.functions().size()));
    }

    @Test
    void ambiguous_short_name_lists_the_matches() {
        // GIVEN the functions nm knows whose name ends in ".String" (methods of many types)
        GoBinary bin = GoBinary.open(program);
        List<String> names = Oracles.goNmTextSymbols(program).values().stream().flatMap(List::stream)
                .filter(n -> n.endsWith(".String") && FunctionNames.shortName(n).equals("String")).toList();
        // (the instantiations of one generic method are one function)
        long count = names.stream().map(Oracles::normalize).distinct().count();
        // WHEN / THEN
        assertThat(count).isGreaterThan(1);
        assertThatThrownBy(() -> bin.lookup("String")).isInstanceOf(GoBinaryException.class)
                .hasMessageStartingWith(String.format(Locale.ROOT, "'String' is ambiguous in %s (Go %s): %,d functions match: ",
                        program, Oracles.goVersionOf(program).substring(2), count))
                .hasMessageContaining("; name one of them, e.g. '")
                .message().doesNotContain("use the full name");
        assertThat(bin.lookupAll("String")).hasSize(names.size());
    }

    @Test
    void glob_that_matches_one_function_finds_it() {
        GoBinary bin = GoBinary.open(program);
        assertThat(bin.lookup("main.(*clientConn).handle*").name()).isEqualTo("main.(*clientConn).handleStmtExecute");
        assertThat(bin.lookup("handleStmt?xecute").name()).isEqualTo("main.(*clientConn).handleStmtExecute");
        assertThatThrownBy(() -> bin.lookup("main.*")).hasMessageContaining("is ambiguous");
    }

    // ---- helpers ----

    /** A copy of {@link #program} with {@code size} little-endian bytes of {@code value} written at {@code offset}. */
    private static Path patch(String name, long offset, long value, int size) throws IOException {
        byte[] bytes = Files.readAllBytes(program);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (size) {
            case 1 -> b.put((int) offset, (byte) value);
            case 4 -> b.putInt((int) offset, (int) value);
            case 8 -> b.putLong((int) offset, value);
            default -> throw new IllegalArgumentException("size " + size);
        }
        return Files.write(dir.resolve(name), bytes);
    }

    /** {address, offset, size, file offset of its section header} of a section, per readelf. */
    private static long[] section(Path file, String name) {
        String out = Oracles.run("readelf", "-SW", file.toString());
        Matcher m = Pattern.compile("(?m)^\\s*\\[\\s*(\\d+)\\]\\s+" + Pattern.quote(name)
                + "\\s+\\S+\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s").matcher(out);
        assertThat(m.find()).as("%s has %s", file, name).isTrue();
        long index = Long.parseLong(m.group(1));
        return new long[] {Long.parseLong(m.group(2), 16), Long.parseLong(m.group(3), 16), Long.parseLong(m.group(4), 16),
                elfHeader(file).get("shoff") + 64 * index};
    }

    private static Map<String, Long> elfHeader(Path file) {
        String out = Oracles.run("readelf", "-hW", file.toString());
        Matcher shoff = Pattern.compile("Start of section headers:\\s+(\\d+)").matcher(out);
        Matcher shnum = Pattern.compile("Number of section headers:\\s+(\\d+)").matcher(out);
        assertThat(shoff.find() && shnum.find()).isTrue();
        return Map.of("shoff", Long.parseLong(shoff.group(1)), "shnum", Long.parseLong(shnum.group(1)));
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + new String(needle, StandardCharsets.ISO_8859_1));
    }
}
