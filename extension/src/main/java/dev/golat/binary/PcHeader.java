// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.Optional;

/**
 * The header of a Go pclntab, as {@code runtime/symtab.go} declares it (Go 1.18+; {@code cmd/link/internal/ld/pcln.go}
 * writes it):
 * <pre>
 * type pcHeader struct {
 *     magic          uint32  // 0xfffffff0 Go 1.18–1.19, 0xfffffff1 Go 1.20+
 *     pad1, pad2     uint8   // 0, 0
 *     minLC          uint8   // min instruction size: 1 on amd64
 *     ptrSize        uint8   // 8 on amd64
 *     nfunc          int     // number of functions in the module
 *     nfiles         uint    // number of entries in the file tab
 *     textStart      uintptr // base of the _func.entryOff offsets; 0 from Go 1.26 on (take moduledata.text)
 *     funcnameOffset uintptr // offsets from the header to funcnametab, cutab, filetab, pctab, pclntable
 *     cuOffset       uintptr
 *     filetabOffset  uintptr
 *     pctabOffset    uintptr
 *     pclnOffset     uintptr
 * }
 * </pre>
 * Go 1.16–1.17 (magic 0xfffffffa) have the same header without {@code textStart}, and absolute entry PCs.
 *
 * <p>Found by section name ({@code .gopclntab}) or, when the linker put the table into another section
 * (externally linked PIE files such as Debian's dockerd keep it in {@code .data.rel.ro}), by scanning the
 * read-only data for a header that passes every consistency check below.
 */
final class PcHeader {
    static final int MAGIC_GO116 = 0xfffffffa;
    static final int MAGIC_GO118 = 0xfffffff0;
    static final int MAGIC_GO120 = 0xfffffff1;
    static final int MAGIC_GO12 = 0xfffffffb;

    final Region region;
    final int magic;
    final int minLC;
    final long nfunc;
    final long nfiles;
    /** The on-disk textStart field (absent before Go 1.18: -1). */
    final long textStartField;
    /** The virtual address of the textStart field, for its relocation. */
    final long textStartFieldVaddr;
    final long funcnameOffset;
    final long cuOffset;
    final long filetabOffset;
    final long pctabOffset;
    final long pclnOffset;

    private PcHeader(Region r) {
        region = r;
        magic = r.u32(0, "pcHeader.magic");
        if (magic != MAGIC_GO116 && magic != MAGIC_GO118 && magic != MAGIC_GO120) {
            String era = magic == MAGIC_GO12 ? " (Go 1.2–1.15: golat needs Go 1.17 or newer, register ABI)" : "";
            throw r.corrupt(0, String.format("pcHeader.magic is 0x%08x%s; expected 0xfffffff1 (Go 1.20+), "
                    + "0xfffffff0 (Go 1.18–1.19) or 0xfffffffa (Go 1.16–1.17)", magic, era));
        }
        int pad1 = r.u8(4, "pcHeader.pad1");
        int pad2 = r.u8(5, "pcHeader.pad2");
        if (pad1 != 0 || pad2 != 0) {
            throw r.corrupt(4, "pcHeader.pad1, pad2 are " + pad1 + ", " + pad2 + "; expected 0, 0");
        }
        minLC = r.u8(6, "pcHeader.minLC");
        if (minLC != 1 && minLC != 2 && minLC != 4) {
            throw r.corrupt(6, "pcHeader.minLC is " + minLC + "; expected 1, 2 or 4");
        }
        int ptrSize = r.u8(7, "pcHeader.ptrSize");
        if (ptrSize != 8) {
            throw r.corrupt(7, "pcHeader.ptrSize is " + ptrSize + "; expected 8 (amd64)");
        }
        nfunc = r.u64(8, "pcHeader.nfunc");
        nfiles = r.u64(16, "pcHeader.nfiles");
        int next = 24;
        if (magic == MAGIC_GO116) {
            textStartField = -1;
            textStartFieldVaddr = 0;
        } else {
            textStartField = r.u64(24, "pcHeader.textStart");
            textStartFieldVaddr = r.vaddr + 24;
            next = 32;
        }
        funcnameOffset = r.u64(next, "pcHeader.funcnameOffset");
        cuOffset = r.u64(next + 8, "pcHeader.cuOffset");
        filetabOffset = r.u64(next + 16, "pcHeader.filetabOffset");
        pctabOffset = r.u64(next + 24, "pcHeader.pctabOffset");
        pclnOffset = r.u64(next + 32, "pcHeader.pclnOffset");
        int headerSize = next + 40;
        if (nfunc <= 0 || nfunc > 50_000_000) {
            throw r.corrupt(8, "pcHeader.nfunc is " + nfunc + "; expected 1 to 50,000,000");
        }
        if (nfiles <= 0 || nfiles > 50_000_000) {
            throw r.corrupt(16, "pcHeader.nfiles is " + nfiles + "; expected 1 to 50,000,000");
        }
        checkOffset(next, "pcHeader.funcnameOffset", funcnameOffset, headerSize);
        checkOffset(next + 8, "pcHeader.cuOffset", cuOffset, funcnameOffset);
        checkOffset(next + 16, "pcHeader.filetabOffset", filetabOffset, cuOffset);
        checkOffset(next + 24, "pcHeader.pctabOffset", pctabOffset, filetabOffset);
        checkOffset(next + 32, "pcHeader.pclnOffset", pclnOffset, pctabOffset);
        long ftabBytes = (nfunc + 1) * ftabEntrySize();
        if (pclnOffset + ftabBytes > r.size) {
            throw r.corrupt(next + 32, String.format("the function table (pcHeader.nfunc %d + 1 entries of %d bytes at "
                    + "pcHeader.pclnOffset 0x%x) ends at 0x%x, past the end of %s (size 0x%x)",
                    nfunc, ftabEntrySize(), pclnOffset, pclnOffset + ftabBytes, r.name, r.size));
        }
    }

    private void checkOffset(int at, String field, long value, long min) {
        if (value < min || value >= region.size) {
            throw region.corrupt(at, String.format("%s is 0x%x; expected at least 0x%x and below the size of %s, 0x%x",
                    field, value, min, region.name, region.size));
        }
    }

    /** Bytes per function table entry: {entryoff, funcoff uint32} from Go 1.18, {entry, funcoff uintptr} before. */
    int ftabEntrySize() {
        return magic == MAGIC_GO116 ? 16 : 8;
    }

    /** Size of {@code _func} before its pcdata offsets: 44 bytes from Go 1.20 (startLine) and for 1.16–1.17, 40 for 1.18–1.19. */
    int funcStructSize() {
        return magic == MAGIC_GO118 ? 40 : 44;
    }

    String era() {
        return switch (magic) {
            case MAGIC_GO116 -> "Go 1.16–1.17";
            case MAGIC_GO118 -> "Go 1.18–1.19";
            default -> "Go 1.20+";
        };
    }

    /** Parses and checks the header at the start of {@code region}; throws naming the bad field. */
    static PcHeader parse(Region region) {
        return new PcHeader(region);
    }

    /**
     * The header in {@code .gopclntab}, else the first one in the read-only data (8-byte aligned) that passes
     * every check and whose first function table entries are sorted, with their funcoffs inside the table.
     */
    static Optional<PcHeader> locate(ElfFile elf) {
        for (String name : new String[] {".gopclntab", ".data.rel.ro.gopclntab"}) { // the latter: internally linked PIE
            Optional<ElfSection> named = elf.section(name);
            if (named.isPresent() && named.get().hasFileBytes()) {
                return Optional.of(parse(Region.of(elf, named.get())));
            }
        }
        for (ElfSection s : elf.sections()) {
            if (s.isAllocated() && !s.isExecutable() && s.hasFileBytes() && s.sh_type() == ElfSection.SHT_PROGBITS
                    && (s.name().startsWith(".data.rel.ro") || s.name().startsWith(".rodata") || s.name().startsWith(".gopclntab")
                            || s.name().startsWith(".noptrdata"))) {
                Optional<PcHeader> h = scan(elf, s.name(), s.sh_offset(), s.sh_addr(), s.sh_size());
                if (h.isPresent()) {
                    return h;
                }
            }
        }
        if (elf.sections().isEmpty()) { // no section headers at all: scan the non-executable segments
            for (ElfSegment seg : elf.segments()) {
                if (seg.isLoad() && !seg.isExecutable()) {
                    long size = Math.min(seg.p_filesz(), elf.size() - seg.p_offset());
                    Optional<PcHeader> h = scan(elf, "PT_LOAD segment " + seg.index(), seg.p_offset(), seg.p_vaddr(), size);
                    if (h.isPresent()) {
                        return h;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<PcHeader> scan(ElfFile elf, String sectionName, long offset, long vaddr, long size) {
        elf.check(offset, size, sectionName);
        var buf = elf.buffer();
        long first = (8 - (vaddr & 7)) & 7;
        int end = (int) (offset + size - 72);
        for (int p = (int) (offset + first); p <= end; p += 8) {
            int word = buf.getInt(p);
            if ((word != MAGIC_GO120 && word != MAGIC_GO118 && word != MAGIC_GO116) || buf.getInt(p + 4) != 0x08010000) {
                continue;
            }
            long rel = p - offset;
            Region r = new Region(elf, "pclntab in " + sectionName + " at 0x" + Long.toHexString(vaddr + rel), p, vaddr + rel,
                    size - rel);
            try {
                PcHeader h = new PcHeader(r);
                if (h.firstEntriesLookSane()) {
                    return Optional.of(h);
                }
            } catch (GoBinaryException notThisOne) {
                // a coincidental match: keep scanning
            }
        }
        return Optional.empty();
    }

    private boolean firstEntriesLookSane() {
        long n = Math.min(nfunc, 16);
        long prev = Long.MIN_VALUE;
        for (int i = 0; i <= n; i++) {
            long at = pclnOffset + (long) i * ftabEntrySize();
            long entry = magic == MAGIC_GO116 ? region.u64(at, "ftab entry") : Integer.toUnsignedLong(region.u32(at, "ftab entryoff"));
            long funcoff = magic == MAGIC_GO116 ? region.u64(at + 8, "ftab funcoff")
                    : Integer.toUnsignedLong(region.u32(at + 4, "ftab funcoff"));
            if (entry < prev || pclnOffset + funcoff >= region.size) {
                return false;
            }
            prev = entry;
        }
        return true;
    }
}
