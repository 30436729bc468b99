// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

/**
 * One ELF64 section header, fields named after the spec:
 * <pre>
 * typedef struct {
 *     Elf64_Word  sh_name;      // offset of the name in .shstrtab
 *     Elf64_Word  sh_type;      // SHT_PROGBITS 1, SHT_SYMTAB 2, SHT_STRTAB 3, SHT_RELA 4, SHT_NOBITS 8, SHT_DYNSYM 11
 *     Elf64_Xword sh_flags;     // SHF_WRITE 1, SHF_ALLOC 2, SHF_EXECINSTR 4
 *     Elf64_Addr  sh_addr;
 *     Elf64_Off   sh_offset;
 *     Elf64_Xword sh_size;
 *     Elf64_Word  sh_link;
 *     Elf64_Word  sh_info;
 *     Elf64_Xword sh_addralign;
 *     Elf64_Xword sh_entsize;
 * } Elf64_Shdr;                 // 64 bytes
 * </pre>
 */
record ElfSection(int index, String name, int sh_type, long sh_flags, long sh_addr, long sh_offset, long sh_size,
        int sh_link, int sh_info, long sh_entsize) {
    static final int SHT_PROGBITS = 1;
    static final int SHT_SYMTAB = 2;
    static final int SHT_RELA = 4;
    static final int SHT_NOBITS = 8;
    static final int SHT_DYNSYM = 11;
    static final long SHF_WRITE = 1;
    static final long SHF_ALLOC = 2;
    static final long SHF_EXECINSTR = 4;

    boolean hasFileBytes() {
        return sh_type != SHT_NOBITS && sh_size > 0;
    }

    boolean isWritable() {
        return (sh_flags & SHF_WRITE) != 0;
    }

    boolean isExecutable() {
        return (sh_flags & SHF_EXECINSTR) != 0;
    }

    boolean isAllocated() {
        return (sh_flags & SHF_ALLOC) != 0;
    }

    /** Whether the virtual address lies in this allocated section. */
    boolean containsAddress(long vaddr) {
        return isAllocated() && vaddr >= sh_addr && vaddr - sh_addr < sh_size;
    }

    @Override
    public String toString() {
        return String.format("%s [addr 0x%x, offset 0x%x, size 0x%x]", name, sh_addr, sh_offset, sh_size);
    }
}
