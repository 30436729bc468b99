// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.Arrays;

/**
 * The {@code R_X86_64_RELATIVE} entries of the allocated {@code SHT_RELA} sections ({@code .rela.dyn}):
 * <pre>
 * typedef struct {
 *     Elf64_Addr   r_offset;    // where the loader writes
 *     Elf64_Xword  r_info;      // (symbol &lt;&lt; 32) | type; R_X86_64_RELATIVE 8
 *     Elf64_Sxword r_addend;    // the loader writes load base + r_addend
 * } Elf64_Rela;                 // 24 bytes
 * </pre>
 * In a PIE Go binary every pointer in data (the pclntab's {@code textStart}, the moduledata's fields, the
 * build info's string pointers) is such a relocation; the bytes on disk may be 0, the addend is the truth.
 * Kept as two arrays sorted by {@code r_offset}.
 */
final class Relocations {
    static final int R_X86_64_RELATIVE = 8;
    private static final Relocations NONE = new Relocations(new long[0], new long[0]);

    private final long[] offsets;
    private final long[] addends;

    private Relocations(long[] offsets, long[] addends) {
        this.offsets = offsets;
        this.addends = addends;
    }

    static Relocations read(ElfFile elf) {
        int count = 0;
        for (ElfSection s : elf.sections()) {
            if (s.sh_type() == ElfSection.SHT_RELA && s.isAllocated() && s.hasFileBytes()) {
                elf.check(s.sh_offset(), s.sh_size(), s.name());
                count += (int) (s.sh_size() / 24);
            }
        }
        if (count == 0) {
            return NONE;
        }
        long[] offs = new long[count];
        long[] adds = new long[count];
        int n = 0;
        boolean sorted = true;
        var buf = elf.buffer();
        for (ElfSection s : elf.sections()) {
            if (s.sh_type() != ElfSection.SHT_RELA || !s.isAllocated() || !s.hasFileBytes()) {
                continue;
            }
            int end = (int) (s.sh_offset() + s.sh_size() / 24 * 24);
            for (int p = (int) s.sh_offset(); p < end; p += 24) {
                if ((int) buf.getLong(p + 8) != R_X86_64_RELATIVE) {
                    continue;
                }
                offs[n] = buf.getLong(p);
                adds[n] = buf.getLong(p + 16);
                if (n > 0 && offs[n] < offs[n - 1]) {
                    sorted = false;
                }
                n++;
            }
        }
        offs = Arrays.copyOf(offs, n);
        adds = Arrays.copyOf(adds, n);
        if (!sorted) {
            sortByOffset(offs, adds);
        }
        return new Relocations(offs, adds);
    }

    private static void sortByOffset(long[] offs, long[] adds) {
        Integer[] idx = new Integer[offs.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(offs[a], offs[b]));
        long[] o = offs.clone();
        long[] a = adds.clone();
        for (int i = 0; i < idx.length; i++) {
            offs[i] = o[idx[i]];
            adds[i] = a[idx[i]];
        }
    }

    int size() {
        return offsets.length;
    }

    /** The addend written at {@code vaddr}, or {@code otherwise} when no relative relocation targets it. */
    long addendAt(long vaddr, long otherwise) {
        int i = Arrays.binarySearch(offsets, vaddr);
        return i >= 0 ? addends[i] : otherwise;
    }

    /** Every {@code r_offset} whose addend is {@code addend}, in ascending order. */
    long[] offsetsWithAddend(long addend) {
        int n = 0;
        long[] out = new long[4];
        for (int i = 0; i < addends.length; i++) {
            if (addends[i] == addend) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = offsets[i];
            }
        }
        return Arrays.copyOf(out, n);
    }
}
