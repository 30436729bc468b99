// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What the dynamic loader needs to run an ELF file: the interpreter named by {@code PT_INTERP} and the
 * {@code DT_NEEDED}, {@code DT_RUNPATH} and {@code DT_RPATH} entries of {@code PT_DYNAMIC}. Read through the
 * program headers (as the loader does), so it works on stripped files without section headers:
 * <pre>
 * PT_INTERP  3   p_offset..p_filesz holds the interpreter's path, NUL-terminated
 * PT_DYNAMIC 2   an array of
 *                typedef struct { Elf64_Sxword d_tag; union { Elf64_Xword d_val; Elf64_Addr d_ptr; } d_un; } Elf64_Dyn;
 *                DT_NULL 0 (end), DT_NEEDED 1, DT_STRTAB 5 (d_ptr), DT_STRSZ 10, DT_SONAME 14, DT_RPATH 15,
 *                DT_RUNPATH 29;
 *                the string entries are offsets into the DT_STRTAB table
 * </pre>
 * A static Go binary has neither header: {@link #isDynamic()} is false and every list is empty.
 */
@API(status = API.Status.INTERNAL)
public final class ElfDynamic {
    static final int PT_DYNAMIC = 2;
    static final int PT_INTERP = 3;
    static final long DT_NULL = 0;
    static final long DT_NEEDED = 1;
    static final long DT_STRTAB = 5;
    static final long DT_STRSZ = 10;
    static final long DT_SONAME = 14;
    static final long DT_RPATH = 15;
    static final long DT_RUNPATH = 29;
    private static final int DYN_SIZE = 16;

    private final Path path;
    private final String interpreter;
    private final String soname;
    private final List<String> needed;
    private final List<String> runpath;
    private final List<String> rpath;

    private ElfDynamic(Path path, String interpreter, String soname, List<String> needed, List<String> runpath,
            List<String> rpath) {
        this.path = path;
        this.interpreter = interpreter;
        this.soname = soname;
        this.needed = List.copyOf(needed);
        this.runpath = List.copyOf(runpath);
        this.rpath = List.copyOf(rpath);
    }

    /**
     * Reads the dynamic-linking headers of {@code file} (an amd64 ELF executable or shared library).
     *
     * @throws GoBinaryException when the file is not a readable amd64 ELF file or its headers are corrupt
     */
    public static ElfDynamic read(Path file) {
        ElfFile elf = ElfFile.from(file);
        String interp = null;
        ElfSegment dynamic = null;
        for (ElfSegment s : elf.segments()) {
            if (s.p_type() == PT_INTERP) {
                elf.check(s.p_offset(), s.p_filesz(), "PT_INTERP (program interpreter)");
                interp = elf.cString(s.p_offset(), s.p_offset() + s.p_filesz());
            } else if (s.p_type() == PT_DYNAMIC) {
                dynamic = s;
            }
        }
        List<String> needed = new ArrayList<>();
        List<String> runpath = new ArrayList<>();
        List<String> rpath = new ArrayList<>();
        List<String> soname = new ArrayList<>();
        if (dynamic != null) {
            readDynamic(elf, dynamic, needed, runpath, rpath, soname);
        }
        return new ElfDynamic(file, interp, soname.isEmpty() ? null : soname.get(0), needed, runpath, rpath);
    }

    private static void readDynamic(ElfFile elf, ElfSegment dynamic, List<String> needed, List<String> runpath,
            List<String> rpath, List<String> soname) {
        elf.check(dynamic.p_offset(), dynamic.p_filesz(), "PT_DYNAMIC");
        long strtab = -1;
        long strsz = -1;
        List<long[]> strings = new ArrayList<>(); // {d_tag, d_val} of the entries that name a string
        for (long p = dynamic.p_offset(); p + DYN_SIZE <= dynamic.p_offset() + dynamic.p_filesz(); p += DYN_SIZE) {
            long tag = elf.u64(p, "d_tag");
            long val = elf.u64(p + 8, "d_val");
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_STRTAB) {
                strtab = val;
            } else if (tag == DT_STRSZ) {
                strsz = val;
            } else if (tag == DT_NEEDED || tag == DT_RUNPATH || tag == DT_RPATH || tag == DT_SONAME) {
                strings.add(new long[] {tag, val});
            }
        }
        if (strings.isEmpty()) {
            return;
        }
        if (strtab < 0 || strsz < 0) {
            throw new GoBinaryException(String.format("%s: PT_DYNAMIC at 0x%x has %d DT_NEEDED/DT_SONAME/DT_RUNPATH/DT_RPATH entries "
                    + "but no %s", elf.path(), dynamic.p_offset(), strings.size(), strtab < 0 ? "DT_STRTAB" : "DT_STRSZ"));
        }
        long strOff = elf.offsetOf(strtab, "DT_STRTAB (dynamic string table)");
        elf.check(strOff, strsz, "DT_STRTAB (dynamic string table)");
        for (long[] e : strings) {
            if (e[1] < 0 || e[1] >= strsz) {
                throw new GoBinaryException(String.format("%s: a %s entry names offset 0x%x, outside DT_STRTAB (size 0x%x)",
                        elf.path(), tagName(e[0]), e[1], strsz));
            }
            String s = elf.cString(strOff + e[1], strOff + strsz);
            if (e[0] == DT_NEEDED) {
                needed.add(s);
            } else if (e[0] == DT_SONAME) {
                soname.add(s);
            } else {
                (e[0] == DT_RUNPATH ? runpath : rpath).addAll(splitPath(s));
            }
        }
    }

    private static List<String> splitPath(String s) {
        return Arrays.stream(s.split(":")).filter(d -> !d.isEmpty()).toList();
    }

    private static String tagName(long tag) {
        return tag == DT_NEEDED ? "DT_NEEDED" : tag == DT_SONAME ? "DT_SONAME" : tag == DT_RUNPATH ? "DT_RUNPATH" : "DT_RPATH";
    }

    /** The file read. */
    public Path path() {
        return path;
    }

    /** The {@code PT_INTERP} path, e.g. {@code /lib64/ld-linux-x86-64.so.2}; empty for a static executable. */
    public Optional<String> interpreter() {
        return Optional.ofNullable(interpreter);
    }

    /** A shared library's own name ({@code DT_SONAME}), by which the loader knows it is loaded; empty if none. */
    public Optional<String> soname() {
        return Optional.ofNullable(soname);
    }

    /** The {@code DT_NEEDED} names in file order, e.g. {@code [libsystemd.so.0, libc.so.6]}. */
    public List<String> needed() {
        return needed;
    }

    /** The {@code DT_RUNPATH} folders, split at {@code :}, unexpanded ({@code $ORIGIN} stays as it is). */
    public List<String> runpath() {
        return runpath;
    }

    /** The {@code DT_RPATH} folders, split at {@code :}, unexpanded; the loader ignores them when there is a RUNPATH. */
    public List<String> rpath() {
        return rpath;
    }

    /** Whether the loader is involved: an interpreter or any needed library. */
    public boolean isDynamic() {
        return interpreter != null || !needed.isEmpty();
    }

    @Override
    public String toString() {
        return path + " (interpreter " + (interpreter == null ? "none" : interpreter) + ", needs " + needed
                + (runpath.isEmpty() ? "" : ", RUNPATH " + runpath) + (rpath.isEmpty() ? "" : ", RPATH " + rpath) + ")";
    }
}
