// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The Go build id (what {@code go tool buildid} prints): the linker writes it as an ELF note
 * <pre>
 *   .note.go.buildid: Elf64_Nhdr { n_namesz = 4, n_descsz, n_type = 4 (ELF_NOTE_GOBUILDID_TAG) }, "Go\0\0", id
 * </pre>
 * and also at the very start of the text: {@code \xff Go build ID: "<id>"\n \xff}. The note is read first;
 * the text copy when a tool removed the section headers.
 */
final class GoBuildId {
    private GoBuildId() {}

    static final int NOTE_TYPE = 4;
    private static final byte[] TEXT_MARK = "\u00ff Go build ID: \"".getBytes(StandardCharsets.ISO_8859_1);

    static Optional<String> read(ElfFile elf) {
        return elf.section(".note.go.buildid").flatMap(s -> fromNote(elf, s)).or(() -> fromText(elf));
    }

    private static Optional<String> fromNote(ElfFile elf, ElfSection s) {
        ByteBuffer b = elf.buffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long p = s.sh_offset();
        if (s.sh_size() < 16 || p + s.sh_size() > elf.size()) {
            return Optional.empty();
        }
        int namesz = b.getInt((int) p);
        int descsz = b.getInt((int) p + 4);
        int type = b.getInt((int) p + 8);
        long desc = p + 12 + ((namesz + 3) & ~3);
        if (namesz != 4 || type != NOTE_TYPE || descsz <= 0 || desc + descsz > p + s.sh_size()) {
            return Optional.empty();
        }
        byte[] id = new byte[descsz];
        b.get((int) desc, id);
        return Optional.of(new String(id, StandardCharsets.ISO_8859_1));
    }

    private static Optional<String> fromText(ElfFile elf) {
        return elf.section(".text").flatMap(s -> {
            ByteBuffer b = elf.buffer();
            int start = (int) s.sh_offset();
            int end = (int) Math.min(elf.size(), start + Math.min(s.sh_size(), 4096));
            for (int i = 0; i < TEXT_MARK.length; i++) {
                if (start + i >= end || b.get(start + i) != TEXT_MARK[i]) {
                    return Optional.empty();
                }
            }
            StringBuilder id = new StringBuilder();
            for (int p = start + TEXT_MARK.length; p < end; p++) {
                char c = (char) (b.get(p) & 0xff);
                if (c == '"') {
                    return Optional.of(id.toString());
                }
                id.append(c);
            }
            return Optional.empty();
        });
    }
}
