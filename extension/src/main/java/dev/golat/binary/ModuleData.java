// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.Optional;

/**
 * The fields golat needs from {@code runtime.firstmoduledata} (runtime/symtab.go), which the linker writes
 * into the data and which is the only place that keeps {@code text} once Go 1.26 stopped writing
 * {@code pcHeader.textStart}:
 * <pre>
 * type moduledata struct {
 *     pcHeader     *pcHeader      //   0
 *     funcnametab  []byte         //   8
 *     cutab        []uint32       //  32
 *     filetab      []byte         //  56
 *     pctab        []byte         //  80
 *     pclntable    []byte         // 104
 *     ftab         []functab      // 128
 *     findfunctab  uintptr        // 152
 *     minpc, maxpc uintptr        // 160, 168
 *     text, etext  uintptr        // 176, 184
 *     noptrdata, enoptrdata, data, edata, bss, ebss, noptrbss, enoptrbss uintptr   // 192 .. 248
 *     covctrs, ecovctrs uintptr   // 256, 264 (Go 1.20+ only)
 *     end, gcdata, gcbss, types, etypes, rodata uintptr
 *     gofunc       uintptr        // go:func.*, base of the funcdata offsets: 320 (Go 1.20+), 304 (Go 1.18–1.19)
 *     ...
 * }
 * </pre>
 * Found by looking for a pointer to the pclntab header (in a PIE file: a relative relocation whose addend is
 * the header's address) that is followed by a pointer to funcnametab.
 */
record ModuleData(long vaddr, long text, long minpc, long gofunc) {
    static final int TEXT = 176;
    static final int MINPC = 160;

    /**
     * Offset of {@code gofunc}, or -1 where the moduledata has none (Go 1.16–1.17 tables, whose funcdata are
     * pointers). Go 1.18 brought gofunc and the uint32 funcdata offsets together with the 0xfffffff0 table.
     */
    static int gofuncOffset(PcHeader h, GoVersion v) {
        return switch (h.magic) {
            case PcHeader.MAGIC_GO120 -> 320;
            case PcHeader.MAGIC_GO118 -> 304;
            default -> -1;
        };
    }

    static Optional<ModuleData> find(Image image, PcHeader h, GoVersion v) {
        long header = h.region.vaddr;
        long funcnametab = header + h.funcnameOffset;
        ElfFile elf = image.elf();
        if (elf.isPie()) {
            for (long md : image.relocations().offsetsWithAddend(header)) {
                Optional<ModuleData> m = check(image, h, v, md, funcnametab);
                if (m.isPresent()) {
                    return m;
                }
            }
        }
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
                    Optional<ModuleData> m = check(image, h, v, s.sh_addr() + (p - s.sh_offset()), funcnametab);
                    if (m.isPresent()) {
                        return m;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<ModuleData> check(Image image, PcHeader h, GoVersion v, long md, long funcnametab) {
        try {
            if (image.pointer(md + 8, "moduledata.funcnametab") != funcnametab) {
                return Optional.empty();
            }
            long text = image.pointer(md + TEXT, "moduledata.text");
            long minpc = image.pointer(md + MINPC, "moduledata.minpc");
            if (text == 0 || Long.compareUnsigned(minpc, text) < 0 || !image.isMapped(text)) {
                return Optional.empty();
            }
            int at = gofuncOffset(h, v);
            long gofunc = at < 0 ? 0 : image.pointer(md + at, "moduledata.gofunc");
            if (at >= 0 && !image.isMapped(gofunc)) {
                return Optional.empty();
            }
            return Optional.of(new ModuleData(md, text, minpc, gofunc));
        } catch (GoBinaryException e) {
            return Optional.empty();
        }
    }
}
