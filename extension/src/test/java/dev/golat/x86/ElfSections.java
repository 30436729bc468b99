// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only: the executable sections of an ELF64 little-endian file, read from its section headers so
 * the oracle test does not depend on the binary package. Field names follow the ELF spec:
 *
 * <pre>
 * typedef struct { unsigned char e_ident[16]; Elf64_Half e_type, e_machine; Elf64_Word e_version;
 *   Elf64_Addr e_entry; Elf64_Off e_phoff, e_shoff; Elf64_Word e_flags;
 *   Elf64_Half e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx; } Elf64_Ehdr;
 * typedef struct { Elf64_Word sh_name, sh_type; Elf64_Xword sh_flags; Elf64_Addr sh_addr;
 *   Elf64_Off sh_offset; Elf64_Xword sh_size; Elf64_Word sh_link, sh_info;
 *   Elf64_Xword sh_addralign, sh_entsize; } Elf64_Shdr;
 * </pre>
 */
record ElfSections(Path file, List<Section> executable) {
    private static final int SHT_PROGBITS = 1;
    private static final long SHF_EXECINSTR = 0x4;

    record Section(String name, long sh_addr, long sh_offset, long sh_size) {}

    static ElfSections read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer eh = read(ch, 0, 64);
            if (eh.getInt(0) != 0x464c457f || eh.get(4) != 2 || eh.get(5) != 1) {
                throw new IllegalArgumentException(file + " is not a little-endian ELF64 file");
            }
            long e_shoff = eh.getLong(0x28);
            int e_shentsize = Short.toUnsignedInt(eh.getShort(0x3A));
            int e_shnum = Short.toUnsignedInt(eh.getShort(0x3C));
            int e_shstrndx = Short.toUnsignedInt(eh.getShort(0x3E));
            ByteBuffer sh = read(ch, e_shoff, e_shentsize * e_shnum);
            int strBase = e_shstrndx * e_shentsize;
            ByteBuffer strtab = read(ch, sh.getLong(strBase + 0x18), (int) sh.getLong(strBase + 0x20));
            List<Section> out = new ArrayList<>();
            for (int i = 0; i < e_shnum; i++) {
                int b = i * e_shentsize;
                int sh_type = sh.getInt(b + 4);
                long sh_flags = sh.getLong(b + 8);
                if (sh_type == SHT_PROGBITS && (sh_flags & SHF_EXECINSTR) != 0) {
                    out.add(new Section(cString(strtab, sh.getInt(b)), sh.getLong(b + 0x10), sh.getLong(b + 0x18), sh.getLong(b + 0x20)));
                }
            }
            return new ElfSections(file, List.copyOf(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] bytes(Section s) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, s.sh_offset(), Math.toIntExact(s.sh_size())).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer read(FileChannel ch, long at, int size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) {
                throw new IOException("truncated ELF file: need " + size + " bytes at 0x" + Long.toHexString(at));
            }
        }
        return buf.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String cString(ByteBuffer buf, int at) {
        int end = at;
        while (buf.get(end) != 0) {
            end++;
        }
        return new String(buf.array(), at, end - at, StandardCharsets.US_ASCII);
    }
}
