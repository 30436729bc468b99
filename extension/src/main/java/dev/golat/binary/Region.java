// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.nio.ByteBuffer;

/**
 * A named byte range of the file (a section, or a table inside one) read with offsets relative to its start.
 * Out-of-range reads fail like {@code "truncated .gopclntab in /app/server: need 8 bytes at 0x1a0 for
 * pcHeader.nfunc, section size 0x190"}.
 */
final class Region {
    final ElfFile elf;
    final String name;
    /** File offset of byte 0. */
    final long offset;
    /** Virtual address of byte 0. */
    final long vaddr;
    final long size;
    private final ByteBuffer buf;

    Region(ElfFile elf, String name, long offset, long vaddr, long size) {
        elf.check(offset, size, name);
        this.elf = elf;
        this.name = name;
        this.offset = offset;
        this.vaddr = vaddr;
        this.size = size;
        this.buf = elf.buffer();
    }

    static Region of(ElfFile elf, ElfSection s) {
        long available = Math.max(0, Math.min(s.sh_size(), elf.size() - s.sh_offset()));
        if (available < s.sh_size()) {
            throw new GoBinaryException(String.format("truncated %s in %s: the section needs 0x%x bytes at file offset 0x%x,"
                    + " the file ends at 0x%x", s.name(), elf.path(), s.sh_size(), s.sh_offset(), elf.size()));
        }
        return new Region(elf, s.name(), s.sh_offset(), s.sh_addr(), s.sh_size());
    }

    void need(long at, long n, String what) {
        if (at < 0 || n < 0 || at > size || n > size - at) {
            throw new GoBinaryException(String.format("truncated %s in %s: need %d bytes at 0x%x for %s, section size 0x%x",
                    name, elf.path(), n, at, what, size));
        }
    }

    GoBinaryException corrupt(long at, String message) {
        return new GoBinaryException(String.format("corrupt %s in %s at 0x%x (file offset 0x%x): %s", name, elf.path(),
                vaddr + at, offset + at, message));
    }

    int u8(long at, String what) {
        need(at, 1, what);
        return buf.get((int) (offset + at)) & 0xff;
    }

    int u16(long at, String what) {
        need(at, 2, what);
        return buf.getShort((int) (offset + at)) & 0xffff;
    }

    int u32(long at, String what) {
        need(at, 4, what);
        return buf.getInt((int) (offset + at));
    }

    long u64(long at, String what) {
        need(at, 8, what);
        return buf.getLong((int) (offset + at));
    }

    /** Copies {@code [at, at + n)}. */
    byte[] bytes(long at, int n, String what) {
        need(at, n, what);
        byte[] out = new byte[n];
        buf.get((int) (offset + at), out);
        return out;
    }
}
