// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.nio.charset.StandardCharsets;

/**
 * The pclntab's function table and the {@code _func} records it points at.
 * <pre>
 * ftab at pcHeader.pclnOffset, nfunc + 1 entries sorted by PC, the last one holding only the end PC:
 *     Go 1.18+:     type functab struct { entryoff uint32; funcoff uint32 }   // PC = textStart + entryoff
 *     Go 1.16–1.17: type functab struct { entry uintptr; funcoff uintptr }   // absolute PC
 * _func at pclnOffset + funcoff (runtime/runtime2.go):
 *     entryOff uint32 (Go 1.16–1.17: entry uintptr); nameOff int32 (into funcnametab); args int32;
 *     deferreturn uint32; pcsp, pcfile, pcln, npcdata, cuOffset uint32; startLine int32 (Go 1.20+);
 *     funcID uint8; flag uint8; _ [1]byte; nfuncdata uint8;
 *     then npcdata uint32 offsets into pctab, then nfuncdata funcdata references
 *     (Go 1.18+: uint32 offsets from moduledata.gofunc, ^0 = none; 1.16–1.17: 8-byte aligned pointers).
 * </pre>
 */
final class FuncTable {
    final PcHeader header;
    final Region region;
    final long textStart;
    /** Entry PCs, {@code nfunc + 1} of them: the last is the end of the last function. */
    final long[] entries;
    /** {@code _func} offsets relative to the region start. */
    final int[] funcs;
    private final int nameOffAt;
    private volatile byte[] funcnametab;
    private volatile int[] nameOffs;
    private volatile String funcnametabLatin1;

    private FuncTable(PcHeader header, long textStart, long[] entries, int[] funcs) {
        this.header = header;
        this.region = header.region;
        this.textStart = textStart;
        this.entries = entries;
        this.funcs = funcs;
        this.nameOffAt = header.magic == PcHeader.MAGIC_GO116 ? 8 : 4;
    }

    /** Reads the table; entry PCs are {@code textStart + entryoff} (Go 1.18+) or relocated pointers (1.16–1.17). */
    static FuncTable read(PcHeader h, long textStart, Image image) {
        Region r = h.region;
        int n = (int) h.nfunc;
        long[] entries = new long[n + 1];
        int[] funcs = new int[n];
        int es = h.ftabEntrySize();
        r.need(h.pclnOffset, (long) (n + 1) * es, "the function table (pcHeader.nfunc + 1 entries)");
        var buf = r.elf.buffer();
        int base = (int) (r.offset + h.pclnOffset);
        boolean go116 = h.magic == PcHeader.MAGIC_GO116;
        boolean relocate = go116 && r.elf.isPie();
        for (int i = 0; i <= n; i++) {
            int p = base + i * es;
            long funcoff;
            if (go116) {
                long onDisk = buf.getLong(p);
                entries[i] = relocate ? image.relocations().addendAt(r.vaddr + h.pclnOffset + (long) i * es, onDisk) : onDisk;
                funcoff = buf.getLong(p + 8);
            } else {
                entries[i] = textStart + Integer.toUnsignedLong(buf.getInt(p));
                funcoff = Integer.toUnsignedLong(buf.getInt(p + 4));
            }
            if (i < n) {
                long at = h.pclnOffset + funcoff;
                if (funcoff < 0 || at + h.funcStructSize() > r.size) {
                    throw r.corrupt(h.pclnOffset + (long) i * es + es / 2, String.format(
                            "function table entry %d: funcoff 0x%x puts its _func at 0x%x, past the end of %s (size 0x%x)",
                            i, funcoff, at, r.name, r.size));
                }
                funcs[i] = (int) at;
            }
            if (i > 0 && Long.compareUnsigned(entries[i], entries[i - 1]) < 0) {
                throw r.corrupt(h.pclnOffset + (long) i * es, String.format(
                        "function table not sorted: entry %d is at 0x%x, before entry %d at 0x%x", i, entries[i], i - 1,
                        entries[i - 1]));
            }
        }
        return new FuncTable(h, textStart, entries, funcs);
    }

    int size() {
        return funcs.length;
    }

    /** {@code _func.entryOff} (Go 1.18+) as stored, to cross-check the function table. */
    long entryOffField(int i) {
        return Integer.toUnsignedLong(region.u32(funcs[i], "_func.entryOff"));
    }

    /** A copy of funcnametab, {@code [funcnameOffset, cuOffset)}, made once. */
    byte[] funcnametab() {
        byte[] t = funcnametab;
        if (t == null) {
            long len = header.cuOffset - header.funcnameOffset;
            t = region.bytes(header.funcnameOffset, (int) len, "funcnametab (pcHeader.funcnameOffset to cuOffset)");
            funcnametab = t;
        }
        return t;
    }

    /** funcnametab as a Latin-1 string, one char per byte at the same offsets: for a fast {@code indexOf}. Made once. */
    String funcnametabLatin1() {
        String t = funcnametabLatin1;
        if (t == null) {
            t = new String(funcnametab(), StandardCharsets.ISO_8859_1);
            funcnametabLatin1 = t;
        }
        return t;
    }

    /** Every function's {@code _func.nameOff}, read once. */
    int[] nameOffs() {
        int[] offs = nameOffs;
        if (offs == null) {
            offs = new int[funcs.length];
            var buf = region.elf.buffer();
            for (int i = 0; i < offs.length; i++) {
                offs[i] = buf.getInt((int) (region.offset + funcs[i] + nameOffAt)); // funcs[i] + struct size checked in read()
            }
            nameOffs = offs;
        }
        return offs;
    }

    /** Function {@code i} with its name. */
    GoFunction function(int i) {
        int off = nameOffs()[i];
        String name = name(funcnametab(), off);
        if (name == null || name.isEmpty()) {
            throw region.corrupt(funcs[i] + nameOffAt, String.format(
                    "function %d at 0x%x: _func.nameOff 0x%x is outside funcnametab (size 0x%x)", i, entries[i], off,
                    funcnametab().length));
        }
        return new GoFunction(name, entries[i], entries[i + 1]);
    }

    /** The NUL-terminated name at {@code off} in a funcnametab copy. */
    static String name(byte[] tab, int off) {
        if (off < 0 || off >= tab.length) {
            return null;
        }
        int end = off;
        boolean ascii = true;
        while (end < tab.length && tab[end] != 0) {
            ascii &= tab[end] >= 0;
            end++;
        }
        return new String(tab, off, end - off, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /** Offset of {@code _func.npcdata}. */
    int npcdataAt() {
        return header.magic == PcHeader.MAGIC_GO116 ? 32 : 28;
    }

    /** Offset of {@code _func.nfuncdata}, the last byte of the fixed part. */
    int nfuncdataAt() {
        return header.funcStructSize() - 1;
    }

    /** Index of the function whose {@code [entry, next entry)} holds {@code pc}, or -1. */
    int indexOf(long pc) {
        if (Long.compareUnsigned(pc, entries[0]) < 0 || Long.compareUnsigned(pc, entries[entries.length - 1]) >= 0) {
            return -1;
        }
        int lo = 0;
        int hi = funcs.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (Long.compareUnsigned(entries[mid], pc) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
