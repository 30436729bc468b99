// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

/**
 * One ELF64 program header, fields named after the spec:
 * <pre>
 * typedef struct {
 *     Elf64_Word  p_type;       // PT_LOAD 1, PT_DYNAMIC 2
 *     Elf64_Word  p_flags;      // PF_X 1, PF_W 2, PF_R 4
 *     Elf64_Off   p_offset;
 *     Elf64_Addr  p_vaddr;
 *     Elf64_Addr  p_paddr;
 *     Elf64_Xword p_filesz;
 *     Elf64_Xword p_memsz;
 *     Elf64_Xword p_align;
 * } Elf64_Phdr;                 // 56 bytes
 * </pre>
 */
record ElfSegment(int index, int p_type, int p_flags, long p_offset, long p_vaddr, long p_filesz, long p_memsz) {
    static final int PT_LOAD = 1;
    static final int PF_X = 1;
    static final int PF_W = 2;

    boolean isLoad() {
        return p_type == PT_LOAD;
    }

    boolean isExecutable() {
        return (p_flags & PF_X) != 0;
    }

    boolean isWritable() {
        return (p_flags & PF_W) != 0;
    }

    /** Whether the address lies in the part of the segment that has bytes in the file. */
    boolean containsInFile(long vaddr) {
        return vaddr >= p_vaddr && vaddr - p_vaddr < p_filesz;
    }

    /** {@code vaddr − p_vaddr + p_offset}. */
    long fileOffset(long vaddr) {
        return vaddr - p_vaddr + p_offset;
    }

    String flagString() {
        return ((p_flags & 4) != 0 ? "R" : "") + (isWritable() ? "W" : "") + (isExecutable() ? "E" : "");
    }

    @Override
    public String toString() {
        return String.format("PT_LOAD %s [vaddr 0x%x, offset 0x%x, filesz 0x%x]", flagString(), p_vaddr, p_offset, p_filesz);
    }
}
