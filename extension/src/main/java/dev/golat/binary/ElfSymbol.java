// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

/**
 * One entry of {@code .symtab} or {@code .dynsym}, fields named after the spec:
 * <pre>
 * typedef struct {
 *     Elf64_Word    st_name;
 *     unsigned char st_info;    // (bind &lt;&lt; 4) | type; STT_FUNC 2
 *     unsigned char st_other;
 *     Elf64_Half    st_shndx;
 *     Elf64_Addr    st_value;
 *     Elf64_Xword   st_size;
 * } Elf64_Sym;                  // 24 bytes
 * </pre>
 */
record ElfSymbol(String name, int st_info, int st_shndx, long st_value, long st_size) {
    static final int STT_FUNC = 2;

    int type() {
        return st_info & 0xf;
    }

    int bind() {
        return st_info >>> 4;
    }
}
