// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

/**
 * The ELF file seen as the loader would lay it out: reads by virtual address, and pointers as the loader
 * would leave them at load base 0 (in a PIE file the {@code R_X86_64_RELATIVE} addend wins over the bytes on
 * disk, which are often 0). The relocation table is read on first use only.
 */
final class Image {
    private final ElfFile elf;
    private volatile Relocations relocations;

    Image(ElfFile elf) {
        this.elf = elf;
    }

    ElfFile elf() {
        return elf;
    }

    Relocations relocations() {
        Relocations r = relocations;
        if (r == null) {
            synchronized (this) {
                r = relocations;
                if (r == null) {
                    r = Relocations.read(elf);
                    relocations = r;
                }
            }
        }
        return r;
    }

    /** The pointer-sized value at {@code vaddr}, relocated when a relative relocation targets it. */
    long pointer(long vaddr, String what) {
        long onDisk = elf.u64(elf.offsetOf(vaddr, what), what);
        return elf.isPie() ? relocations().addendAt(vaddr, onDisk) : onDisk;
    }

    long u64(long vaddr, String what) {
        return elf.u64(elf.offsetOf(vaddr, what), what);
    }

    int u32(long vaddr, String what) {
        return elf.u32(elf.offsetOf(vaddr, what), what);
    }

    byte[] bytes(long vaddr, int n, String what) {
        return elf.bytes(elf.offsetOf(vaddr, what), n, what);
    }

    /** Whether {@code vaddr} has file bytes in some PT_LOAD segment. */
    boolean isMapped(long vaddr) {
        return elf.loadSegment(vaddr) != null;
    }
}
