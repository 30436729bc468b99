// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fields golat needs from {@code runtime.firstmoduledata} (runtime/symtab.go; cmd/link/internal/ld/symtab.go
 * writes it), the only place that keeps {@code text} once Go 1.26 stopped writing {@code pcHeader.textStart}, and
 * the base of the funcdata offsets:
 * <pre>
 * type moduledata struct {
 *     pcHeader     *pcHeader      //   0
 *     funcnametab  []byte         //   8
 *     cutab        []uint32       //  32
 *     filetab      []byte         //  56
 *     pctab        []byte         //  80
 *     pclntable    []byte         // 104
 *     ftab         []functab      // 128 (len = nfunc + 1)
 *     findfunctab  uintptr        // 152
 *     minpc, maxpc uintptr        // 160, 168
 *     text, etext  uintptr        // 176, 184
 *     noptrdata, enoptrdata, data, edata, bss, ebss, noptrbss, enoptrbss uintptr   // 192 .. 248
 *     covctrs, ecovctrs uintptr   // 256, 264 (Go 1.20+ only; everything below is 16 bytes earlier before 1.20)
 *     end, gcdata, gcbss uintptr  // 272, 280, 288
 *     types        uintptr        // 296
 *     typedesclen  uintptr        // 304, Go 1.27+ only
 *     etypes       uintptr        // 304; 312 from Go 1.27
 *     itaboffset, itabsize uintptr // 320, 328, Go 1.27+ only
 *     rodata       uintptr        // 312 (Go 1.18+); 336 from Go 1.27
 *     gofunc       uintptr        // go:func.*, base of the funcdata offsets: 304 (Go 1.18–1.19), 320 (1.20–1.26), 344 (1.27)
 *     epclntab     uintptr        // Go 1.26+: the end of the pclntab; 328 (1.26), 352 (1.27)
 *     ...
 * }
 * </pre>
 * Read from the sources of each release: the layout is the same for Go 1.20 to 1.26 up to {@code gofunc} (1.26 adds
 * {@code epclntab} after it); Go 1.27 inserts {@code typedesclen}, {@code itaboffset} and {@code itabsize} before
 * it without changing the pclntab magic, so the layout is chosen by the Go version and then checked: every
 * {@code start, end} pair must be ordered, {@code ftab} and {@code funcnametab} must be the pclntab's own tables,
 * and from Go 1.26 on (which moved the funcdata into {@code .gopclntab}) {@code gofunc} must lie inside
 * {@code [pcHeader, epclntab)}. A layout read for the wrong version fails those checks instead of yielding a
 * wrong {@code gofunc}, which would send every inline tree to random bytes.
 *
 * <p>Found at the start of {@code .go.module} (Go 1.26+), else by looking for a pointer to the pclntab header (in a
 * PIE file: a relative relocation whose addend is the header's address) that is followed by a pointer to
 * funcnametab.
 */
record ModuleData(long vaddr, long text, long minpc, long gofunc) {
    static final int FUNCNAMETAB = 8;
    static final int FTAB = 128;
    static final int MINPC = 160;
    static final int MAXPC = 168;
    static final int TEXT = 176;
    static final int ETEXT = 184;

    /** Where one Go release keeps the fields after {@code text}; -1 where it has none. */
    record Layout(String releases, int types, int etypes, int gofunc, int epclntab) {
        static final Layout GO116 = new Layout("Go 1.16–1.17", 280, 288, -1, -1);
        static final Layout GO118 = new Layout("Go 1.18–1.19", 280, 288, 304, -1);
        static final Layout GO120 = new Layout("Go 1.20–1.25", 296, 304, 320, -1);
        static final Layout GO126 = new Layout("Go 1.26", 296, 304, 320, 328);
        static final Layout GO127 = new Layout("Go 1.27", 296, 312, 344, 352);

        static Layout of(PcHeader h, GoVersion v) {
            return switch (h.magic) {
                case PcHeader.MAGIC_GO116 -> GO116;
                case PcHeader.MAGIC_GO118 -> GO118;
                default -> v.isAtLeast(1, 27) ? GO127 : v.isAtLeast(1, 26) ? GO126 : GO120;
            };
        }

        /** The {@code start, end} pairs from {@code noptrdata} to {@code enoptrbss}, covctrs (Go 1.20+), types. */
        int[][] orderedPairs() {
            int[][] data = {{192, 200}, {208, 216}, {224, 232}, {240, 248}, {types, etypes}};
            return types == 296 ? new int[][] {data[0], data[1], data[2], data[3], {256, 264}, data[4]} : data;
        }
    }

    /**
     * Offset of {@code gofunc}, or -1 where the moduledata has none (Go 1.16–1.17 tables, whose funcdata are
     * pointers). Go 1.18 brought gofunc and the uint32 funcdata offsets together with the 0xfffffff0 table.
     */
    static int gofuncOffset(PcHeader h, GoVersion v) {
        return Layout.of(h, v).gofunc;
    }

    /**
     * The moduledata that points at {@code h}, read with the layout of {@code v}.
     *
     * @throws GoBinaryException naming every candidate and the check it failed, or saying that no pointer to the
     *     pclntab header was found
     */
    static ModuleData locate(Image image, PcHeader h, GoVersion v) {
        Layout layout = Layout.of(h, v);
        List<String> rejected = new ArrayList<>();
        ModuleData md = first(image, h, layout, named(image), rejected);
        if (md == null) {
            md = first(image, h, layout, relocated(image, h), rejected);
        }
        if (md == null) { // not PIE, or a PIE file whose moduledata holds its pointers on disk too
            md = first(image, h, layout, onDisk(image, h), rejected);
        }
        if (md != null) {
            return md;
        }
        ElfFile elf = image.elf();
        if (rejected.isEmpty()) {
            throw new GoBinaryException(String.format("%s: no moduledata found: no pointer to the pclntab header at 0x%x "
                    + "followed by one to its funcnametab in the writable data", elf.path(), h.region.vaddr));
        }
        throw new GoBinaryException(String.format("%s: no moduledata of the %s layout (%s) points at the pclntab header "
                + "at 0x%x: %s", elf.path(), layout.releases, v, h.region.vaddr, String.join("; ", rejected.subList(0,
                        Math.min(3, rejected.size())))));
    }

    private static ModuleData first(Image image, PcHeader h, Layout layout, List<Long> candidates, List<String> rejected) {
        for (long md : candidates) {
            String why = check(image, h, layout, md);
            if (why == null) {
                return read(image, layout, md);
            }
            rejected.add(String.format("at 0x%x: %s", md, why));
        }
        return null;
    }

    /** {@link #locate}, or empty. */
    static Optional<ModuleData> find(Image image, PcHeader h, GoVersion v) {
        try {
            return Optional.of(locate(image, h, v));
        } catch (GoBinaryException e) {
            return Optional.empty();
        }
    }

    /** Go 1.26+ give the moduledata a section of its own, {@code .go.module}. */
    private static List<Long> named(Image image) {
        return image.elf().section(".go.module").filter(ElfSection::hasFileBytes).map(s -> List.of(s.sh_addr())).orElse(List.of());
    }

    /** In a PIE file: the targets of relative relocations whose addend is the header, followed by funcnametab. */
    private static List<Long> relocated(Image image, PcHeader h) {
        List<Long> out = new ArrayList<>();
        if (image.elf().isPie()) {
            long funcnametab = h.region.vaddr + h.funcnameOffset;
            for (long md : image.relocations().offsetsWithAddend(h.region.vaddr)) {
                if (pointerOr(image, md + FUNCNAMETAB, -1) == funcnametab) {
                    out.add(md);
                }
            }
        }
        return out;
    }

    /** Addresses in the writable data that hold the header's address followed by funcnametab's, in file order. */
    private static List<Long> onDisk(Image image, PcHeader h) {
        long header = h.region.vaddr;
        long funcnametab = header + h.funcnameOffset;
        ElfFile elf = image.elf();
        List<Long> out = new ArrayList<>();
        var buf = elf.buffer();
        for (ElfSection s : elf.sections()) {
            if (!s.isAllocated() || !s.isWritable() || !s.hasFileBytes()) {
                continue;
            }
            elf.check(s.sh_offset(), s.sh_size(), s.name());
            long first = (8 - (s.sh_addr() & 7)) & 7;
            int end = (int) (s.sh_offset() + s.sh_size() - 16);
            for (int p = (int) (s.sh_offset() + first); p <= end; p += 8) {
                if (buf.getLong(p) == header && buf.getLong(p + 8) == funcnametab) {
                    out.add(s.sh_addr() + (p - s.sh_offset()));
                }
            }
        }
        return out;
    }

    /** Null when the moduledata at {@code md} is consistent with the pclntab and with itself, else why not. */
    private static String check(Image image, PcHeader h, Layout layout, long md) {
        try {
            long ftab = image.pointer(md + FTAB, "moduledata.ftab");
            long ftabLen = image.u64(md + FTAB + 8, "len(moduledata.ftab)");
            if (ftab != h.region.vaddr + h.pclnOffset || ftabLen != h.nfunc + 1) {
                return String.format("ftab is 0x%x with %d entries; the pclntab's function table is at 0x%x with %d",
                        ftab, ftabLen, h.region.vaddr + h.pclnOffset, h.nfunc + 1);
            }
            long text = image.pointer(md + TEXT, "moduledata.text");
            long etext = image.pointer(md + ETEXT, "moduledata.etext");
            long minpc = image.pointer(md + MINPC, "moduledata.minpc");
            long maxpc = image.pointer(md + MAXPC, "moduledata.maxpc");
            if (text == 0 || !image.isMapped(text) || Long.compareUnsigned(minpc, text) < 0
                    || Long.compareUnsigned(maxpc, minpc) < 0 || Long.compareUnsigned(etext, maxpc) < 0) {
                return String.format("text 0x%x, minpc 0x%x, maxpc 0x%x, etext 0x%x are not ordered text <= minpc <= maxpc "
                        + "<= etext in a mapped segment", text, minpc, maxpc, etext);
            }
            for (int[] pair : layout.orderedPairs()) {
                long lo = image.pointer(md + pair[0], "moduledata+" + pair[0]);
                long hi = image.pointer(md + pair[1], "moduledata+" + pair[1]);
                if (Long.compareUnsigned(hi, lo) < 0) {
                    return String.format("the words at +%d and +%d (0x%x, 0x%x) are not a start and an end", pair[0], pair[1],
                            lo, hi);
                }
            }
            if (layout.gofunc < 0) {
                return null;
            }
            long gofunc = image.pointer(md + layout.gofunc, "moduledata.gofunc");
            if (!image.isMapped(gofunc)) {
                return String.format("gofunc (+%d) is 0x%x, not in a PT_LOAD segment", layout.gofunc, gofunc);
            }
            if (layout.epclntab >= 0) {
                long epclntab = image.pointer(md + layout.epclntab, "moduledata.epclntab");
                long header = h.region.vaddr;
                if (Long.compareUnsigned(epclntab, header + h.pclnOffset) <= 0
                        || Long.compareUnsigned(epclntab, header + h.region.size) > 0) {
                    return String.format("epclntab (+%d) is 0x%x, not inside the pclntab [0x%x, 0x%x]", layout.epclntab,
                            epclntab, header, header + h.region.size);
                }
                if (Long.compareUnsigned(gofunc, header) < 0 || Long.compareUnsigned(gofunc, epclntab) >= 0) {
                    return String.format("gofunc (+%d) is 0x%x, outside [pcHeader 0x%x, epclntab 0x%x), where Go 1.26+ puts "
                            + "the funcdata", layout.gofunc, gofunc, header, epclntab);
                }
            }
            return null;
        } catch (GoBinaryException e) {
            return e.getMessage();
        }
    }

    private static ModuleData read(Image image, Layout layout, long md) {
        long gofunc = layout.gofunc < 0 ? 0 : image.pointer(md + layout.gofunc, "moduledata.gofunc");
        return new ModuleData(md, image.pointer(md + TEXT, "moduledata.text"), image.pointer(md + MINPC, "moduledata.minpc"),
                gofunc);
    }

    private static long pointerOr(Image image, long vaddr, long otherwise) {
        try {
            return image.pointer(vaddr, "moduledata.funcnametab");
        } catch (GoBinaryException e) {
            return otherwise;
        }
    }
}
