// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A 64-bit little-endian ELF file, mapped once and read with absolute (position-free) reads, so one instance
 * can serve many threads. Fields are named after the spec:
 * <pre>
 * typedef struct {
 *     unsigned char e_ident[16];  // 7f 'E' 'L' 'F', EI_CLASS (2 = 64-bit), EI_DATA (1 = little-endian), ...
 *     Elf64_Half e_type;          // ET_EXEC 2, ET_DYN 3 (PIE)
 *     Elf64_Half e_machine;       // EM_X86_64 62
 *     Elf64_Word e_version;
 *     Elf64_Addr e_entry;
 *     Elf64_Off  e_phoff;
 *     Elf64_Off  e_shoff;
 *     Elf64_Word e_flags;
 *     Elf64_Half e_ehsize;
 *     Elf64_Half e_phentsize;
 *     Elf64_Half e_phnum;
 *     Elf64_Half e_shentsize;
 *     Elf64_Half e_shnum;
 *     Elf64_Half e_shstrndx;
 * } Elf64_Ehdr;                   // 64 bytes
 * </pre>
 * Every read is bounds-checked and fails with a {@link GoBinaryException} that names the element, the offset
 * and the file size.
 */
final class ElfFile {
    static final int ET_DYN = 3;
    static final int EM_X86_64 = 62;
    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;

    /** e_machine values of the architectures Go builds for, named the way GOARCH names them. */
    private static final Map<Integer, String> MACHINES = Map.ofEntries(
            Map.entry(3, "386"), Map.entry(8, "mips"), Map.entry(20, "ppc"), Map.entry(21, "ppc64"),
            Map.entry(22, "s390x"), Map.entry(40, "arm"), Map.entry(43, "sparc64"), Map.entry(62, "amd64"),
            Map.entry(183, "arm64"), Map.entry(243, "riscv64"), Map.entry(258, "loong64"));

    private final Path path;
    private final ByteBuffer buf;
    private final long size;

    final int e_type;
    final int e_machine;
    final long e_entry;
    final long e_phoff;
    final long e_shoff;
    final int e_phnum;
    final int e_shnum;
    final int e_shstrndx;

    private final List<ElfSegment> segments;
    private final List<ElfSection> sections;

    private ElfFile(Path path, ByteBuffer buf) {
        this.path = path;
        this.buf = buf;
        this.size = buf.capacity();
        checkIdent();
        e_type = u16(16, "e_type");
        e_machine = u16(18, "e_machine");
        e_entry = u64(24, "e_entry");
        e_phoff = u64(32, "e_phoff");
        e_shoff = u64(40, "e_shoff");
        e_phnum = u16(56, "e_phnum");
        int shnum = u16(60, "e_shnum");
        int shstrndx = u16(62, "e_shstrndx");
        if (e_machine != EM_X86_64) {
            throw new GoBinaryException(path + ": " + machineName(e_machine) + " is not supported yet (amd64 only): e_machine is "
                    + e_machine + ", rebuild with GOARCH=amd64");
        }
        if (shnum == 0 && e_shoff != 0) { // extended numbering: the count is in section 0's sh_size
            shnum = (int) u64(e_shoff + 32, "section 0 sh_size (extended e_shnum)");
        }
        if (shstrndx == 0xffff && e_shoff != 0) {
            shstrndx = u32(e_shoff + 40, "section 0 sh_link (extended e_shstrndx)");
        }
        e_shnum = shnum;
        e_shstrndx = shstrndx;
        segments = readSegments();
        sections = readSections();
    }

    /** Maps {@code file} and reads its ELF, program and section headers. */
    static ElfFile from(Path file) {
        checkReadableFile(file);
        long length;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            length = ch.size();
            if (length > Integer.MAX_VALUE) {
                throw new GoBinaryException(String.format("%s is %,d bytes; golat reads binaries up to 2 GiB", file, length));
            }
            ByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, length).order(ByteOrder.LITTLE_ENDIAN);
            return new ElfFile(file, mapped);
        } catch (NoSuchFileException e) {
            throw new GoBinaryException("no such file: " + file, e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new GoBinaryException("cannot read " + file + ": permission denied for user "
                    + System.getProperty("user.name") + ": make it readable by this user, or run golat as one who can read it", e);
        } catch (IOException e) {
            throw new GoBinaryException("cannot read " + file + ": " + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + ": give the path of a Go executable that can be read", e);
        }
    }

    /**
     * Refuses what cannot be a binary before opening it: a directory (naming the executables in it), and a FIFO,
     * socket or device (opening a FIFO would block until someone writes to it).
     */
    private static void checkReadableFile(Path file) {
        if (Files.isDirectory(file)) {
            List<String> executables = new ArrayList<>();
            try (var entries = Files.list(file)) {
                entries.filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).map(p -> p.getFileName().toString())
                        .sorted().limit(4).forEach(executables::add);
            } catch (IOException | RuntimeException e) {
                // listing is a hint only
            }
            throw new GoBinaryException(file + " is a directory, not a Go binary: give the path of the executable"
                    + (executables.isEmpty() ? " file" : " inside it, e.g. " + file.resolve(executables.get(0))
                    + (executables.size() > 1 ? " (executables there: " + String.join(", ", executables.subList(0, Math.min(3,
                    executables.size()))) + (executables.size() > 3 ? ", ..." : "") + ")" : "")));
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            String kind = "not a regular file";
            try {
                int mode = (Integer) Files.getAttribute(file, "unix:mode");
                kind = switch (mode & 0170000) {
                    case 0010000 -> "a FIFO (named pipe)";
                    case 0140000 -> "a socket";
                    case 0020000 -> "a character device";
                    case 0060000 -> "a block device";
                    default -> kind;
                };
            } catch (IOException | RuntimeException e) {
                // the kind is a hint only
            }
            throw new GoBinaryException(file + " is " + kind + ", not a Go binary: give the path of the executable file");
        }
    }

    private void checkIdent() {
        if (size == 0) {
            throw new GoBinaryException(path + " is not an ELF file: it is empty");
        }
        boolean magic = size >= 4 && buf.get(0) == 0x7f && buf.get(1) == 'E' && buf.get(2) == 'L' && buf.get(3) == 'F';
        if (!magic) {
            StringBuilder first = new StringBuilder();
            for (int i = 0; i < Math.min(4, size); i++) {
                first.append(String.format("%02x ", buf.get(i) & 0xff));
            }
            throw new GoBinaryException(path + " is not an ELF file: it starts with " + first.toString().strip()
                    + ", not 7f 45 4c 46 (\\x7fELF)");
        }
        if (size < EHDR_SIZE) {
            throw new GoBinaryException(String.format("truncated ELF header in %s: need %d bytes at 0x0, file size 0x%x",
                    path, EHDR_SIZE, size));
        }
        int eiClass = buf.get(4);
        int eiData = buf.get(5);
        if (eiClass == 1) {
            int machine = ((buf.get(19) & 0xff) << 8) | (buf.get(18) & 0xff);
            throw new GoBinaryException(path + " is a 32-bit ELF file (EI_CLASS 1, e_machine " + machine + " = "
                    + machineName(machine) + "); golat reads 64-bit amd64 Go binaries only, rebuild with GOARCH=amd64");
        }
        if (eiClass != 2) {
            throw new GoBinaryException(path + " is not a valid ELF file: EI_CLASS is " + eiClass + ", expected 2 (64-bit)");
        }
        if (eiData != 1) {
            throw new GoBinaryException(path + " is not a little-endian ELF file (EI_DATA " + eiData
                    + "); golat reads amd64 Go binaries only");
        }
    }

    static String machineName(int machine) {
        return MACHINES.getOrDefault(machine, "e_machine " + machine);
    }

    private List<ElfSegment> readSegments() {
        checkTable("program header table", e_phoff, e_phnum, PHDR_SIZE);
        List<ElfSegment> list = new ArrayList<>(e_phnum);
        for (int i = 0; i < e_phnum; i++) {
            long p = e_phoff + (long) i * PHDR_SIZE;
            list.add(new ElfSegment(i, u32(p, "p_type"), u32(p + 4, "p_flags"), u64(p + 8, "p_offset"),
                    u64(p + 16, "p_vaddr"), u64(p + 32, "p_filesz"), u64(p + 40, "p_memsz")));
        }
        return List.copyOf(list);
    }

    private List<ElfSection> readSections() {
        if (e_shoff == 0 || e_shnum == 0) {
            return List.of();
        }
        checkTable("section header table", e_shoff, e_shnum, SHDR_SIZE);
        if (e_shstrndx >= e_shnum) {
            throw new GoBinaryException(path + ": e_shstrndx " + e_shstrndx + " is not a section (e_shnum " + e_shnum + ")");
        }
        long strtab = e_shoff + (long) e_shstrndx * SHDR_SIZE;
        long namesOff = u64(strtab + 24, ".shstrtab sh_offset");
        long namesSize = u64(strtab + 32, ".shstrtab sh_size");
        check(namesOff, namesSize, ".shstrtab (section names)");
        List<ElfSection> list = new ArrayList<>(e_shnum);
        for (int i = 0; i < e_shnum; i++) {
            long p = e_shoff + (long) i * SHDR_SIZE;
            int nameOff = u32(p, "sh_name");
            String name = Integer.toUnsignedLong(nameOff) < namesSize ? cString(namesOff + nameOff, namesOff + namesSize) : "";
            list.add(new ElfSection(i, name, u32(p + 4, "sh_type"), u64(p + 8, "sh_flags"), u64(p + 16, "sh_addr"),
                    u64(p + 24, "sh_offset"), u64(p + 32, "sh_size"), u32(p + 40, "sh_link"), u32(p + 44, "sh_info"),
                    u64(p + 56, "sh_entsize")));
        }
        return List.copyOf(list);
    }

    private void checkTable(String what, long off, int count, int entSize) {
        long bytes = (long) count * entSize;
        if (off < 0 || off > size || bytes > size - off) {
            throw new GoBinaryException(String.format(
                    "truncated %s: the %s (%d entries of %d bytes at 0x%x) ends at 0x%x, past the end of the file (size 0x%x)",
                    path, what, count, entSize, off, off + bytes, size));
        }
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    boolean isPie() {
        return e_type == ET_DYN;
    }

    List<ElfSegment> segments() {
        return segments;
    }

    List<ElfSection> sections() {
        return sections;
    }

    Optional<ElfSection> section(String name) {
        for (ElfSection s : sections) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The PT_LOAD segment whose file bytes hold {@code vaddr}, or null. */
    ElfSegment loadSegment(long vaddr) {
        for (ElfSegment s : segments) {
            if (s.isLoad() && s.containsInFile(vaddr)) {
                return s;
            }
        }
        return null;
    }

    /** The file offset of {@code vaddr} in any PT_LOAD segment; throws naming {@code what} when none holds it. */
    long offsetOf(long vaddr, String what) {
        ElfSegment s = loadSegment(vaddr);
        if (s == null) {
            throw new GoBinaryException(String.format("%s: %s at 0x%x is not in the file bytes of any PT_LOAD segment (%s)",
                    path, what, vaddr, segments.stream().filter(ElfSegment::isLoad).map(ElfSegment::toString).toList()));
        }
        return s.fileOffset(vaddr);
    }

    /** The symbols of {@code .symtab} or {@code .dynsym}; empty when the section is absent. */
    List<ElfSymbol> symbols(String sectionName) {
        Optional<ElfSection> table = section(sectionName);
        if (table.isEmpty() || !table.get().hasFileBytes()) {
            return List.of();
        }
        ElfSection s = table.get();
        check(s.sh_offset(), s.sh_size(), sectionName);
        if (s.sh_link() <= 0 || s.sh_link() >= sections.size()) {
            throw new GoBinaryException(path + ": " + sectionName + " sh_link " + s.sh_link() + " is not a string table section");
        }
        ElfSection strtab = sections.get(s.sh_link());
        check(strtab.sh_offset(), strtab.sh_size(), strtab.name());
        long n = s.sh_size() / 24;
        List<ElfSymbol> list = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            long p = s.sh_offset() + i * 24;
            int nameOff = u32(p, "st_name");
            String name = Integer.toUnsignedLong(nameOff) < strtab.sh_size()
                    ? cString(strtab.sh_offset() + nameOff, strtab.sh_offset() + strtab.sh_size()) : "";
            list.add(new ElfSymbol(name, u8(p + 4, "st_info"), u16(p + 6, "st_shndx"), u64(p + 8, "st_value"),
                    u64(p + 16, "st_size")));
        }
        return list;
    }

    // ---- bounds-checked reads at file offsets ----

    void check(long off, long n, String what) {
        if (off < 0 || n < 0 || off > size || n > size - off) {
            throw new GoBinaryException(String.format("truncated %s: need %d bytes at 0x%x for %s, file size 0x%x",
                    path, n, off, what, size));
        }
    }

    int u8(long off, String what) {
        check(off, 1, what);
        return buf.get((int) off) & 0xff;
    }

    int u16(long off, String what) {
        check(off, 2, what);
        return buf.getShort((int) off) & 0xffff;
    }

    int u32(long off, String what) {
        check(off, 4, what);
        return buf.getInt((int) off);
    }

    long u64(long off, String what) {
        check(off, 8, what);
        return buf.getLong((int) off);
    }

    byte[] bytes(long off, int n, String what) {
        check(off, n, what);
        byte[] out = new byte[n];
        buf.get((int) off, out);
        return out;
    }

    /** A NUL-terminated string starting at {@code off}, not reading at or past {@code limit}. */
    String cString(long off, long limit) {
        int end = (int) off;
        int lim = (int) Math.min(limit, size);
        while (end < lim && buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - (int) off];
        buf.get((int) off, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Unchecked reads for hot loops whose range the caller has checked once. */
    ByteBuffer buffer() {
        return buf;
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
