// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the Go version a binary was built with.
 *
 * <p>First from the build info blob that {@code cmd/link} writes into {@code .go.buildinfo} (or, without
 * that section, 16-byte aligned in a writable segment), as {@code debug/buildinfo} reads it:
 * <pre>
 * "\xff Go buildinf:"   14 bytes of magic
 * ptrSize               1 byte (8 on amd64)
 * flags                 1 byte: 0x1 big-endian, 0x2 strings inline (Go 1.18+)
 * Go 1.18+:  32-byte header, then uvarint length + runtime.buildVersion, uvarint length + runtime.modinfo
 * before:    at 16 a pointer to the string header {data *byte; len int} of runtime.buildVersion,
 *            at 24 a pointer to the one of runtime.modinfo
 * </pre>
 * Without build info (esbuild's Go 1.26 binaries have none), from the {@code goN.M.P} string that
 * {@code runtime.buildVersion} points at in the read-only data.
 */
final class BuildInfo {
    private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final int HEADER_SIZE = 32;

    private BuildInfo() {}

    /** The version from the build info blob, if the file has one. */
    static Optional<GoVersion> fromBuildInfo(Image image) {
        ElfFile elf = image.elf();
        long blobOffset = -1;
        long blobVaddr = 0;
        Optional<ElfSection> section = elf.section(".go.buildinfo");
        if (section.isPresent() && section.get().hasFileBytes()) {
            ElfSection s = section.get();
            elf.check(s.sh_offset(), Math.min(s.sh_size(), HEADER_SIZE), ".go.buildinfo");
            if (matchesMagic(elf, s.sh_offset())) {
                blobOffset = s.sh_offset();
                blobVaddr = s.sh_addr();
            }
        } else {
            for (ElfSegment seg : elf.segments()) {
                if (!seg.isLoad() || !seg.isWritable() || blobOffset >= 0) {
                    continue;
                }
                long end = seg.p_offset() + Math.min(seg.p_filesz(), elf.size() - seg.p_offset()) - HEADER_SIZE;
                for (long p = (seg.p_offset() + 15) & ~15L; p <= end; p += 16) {
                    if (matchesMagic(elf, p)) {
                        blobOffset = p;
                        blobVaddr = seg.p_vaddr() + (p - seg.p_offset());
                        break;
                    }
                }
            }
        }
        if (blobOffset < 0) {
            return Optional.empty();
        }
        elf.check(blobOffset, HEADER_SIZE, ".go.buildinfo header");
        int ptrSize = elf.u8(blobOffset + 14, ".go.buildinfo ptrSize");
        int flags = elf.u8(blobOffset + 15, ".go.buildinfo flags");
        String version;
        if ((flags & 2) != 0) {
            long p = blobOffset + HEADER_SIZE;
            long len = 0;
            int shift = 0;
            int b;
            do {
                b = elf.u8(p++, ".go.buildinfo version length");
                len |= (long) (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0 && shift < 64);
            if (len <= 0 || len > 1024) {
                throw new GoBinaryException(String.format("%s: corrupt .go.buildinfo: version length %d at 0x%x", elf.path(),
                        len, blobOffset + HEADER_SIZE));
            }
            version = new String(elf.bytes(p, (int) len, ".go.buildinfo version"), StandardCharsets.UTF_8);
        } else {
            if ((flags & 1) != 0 || ptrSize != 8) {
                throw new GoBinaryException(String.format("%s: .go.buildinfo says ptrSize %d, flags 0x%x; an amd64 Go binary has"
                        + " 8-byte little-endian pointers", elf.path(), ptrSize, flags));
            }
            long header = image.pointer(blobVaddr + 16, ".go.buildinfo pointer to runtime.buildVersion");
            long data = image.pointer(header, "runtime.buildVersion data pointer");
            long len = image.u64(header + 8, "runtime.buildVersion length");
            if (len <= 0 || len > 1024) {
                throw new GoBinaryException(String.format("%s: corrupt .go.buildinfo: runtime.buildVersion length %d at 0x%x",
                        elf.path(), len, header + 8));
            }
            version = new String(image.bytes(data, (int) len, "runtime.buildVersion"), StandardCharsets.UTF_8);
        }
        return Optional.of(parse(elf, version, ".go.buildinfo"));
    }

    private static boolean matchesMagic(ElfFile elf, long off) {
        if (off + MAGIC.length > elf.size()) {
            return false;
        }
        var buf = elf.buffer();
        for (int i = 0; i < MAGIC.length; i++) {
            if (buf.get((int) off + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static GoVersion parse(ElfFile elf, String version, String where) {
        try {
            return GoVersion.parse(version);
        } catch (GoBinaryException e) {
            throw new GoBinaryException(elf.path() + ": " + where + " holds '" + version + "', not a Go version", e);
        }
    }

    /**
     * The version from {@code go1.N[.P]} strings in the read-only, non-executable data: candidates preceded by
     * a byte that cannot be part of a word and not followed by a digit, letter or dot. When several differ
     * (messages such as "requires go1.13"), the newest wins: a binary's own toolchain is at least as new as any
     * version its strings mention.
     */
    static Optional<GoVersion> fromStrings(ElfFile elf) {
        List<long[]> ranges = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            if (s.isAllocated() && !s.isWritable() && !s.isExecutable() && s.hasFileBytes()
                    && (s.name().equals(".rodata") || s.name().equals(".data.rel.ro") || s.name().startsWith(".rodata"))) {
                ranges.add(new long[] {s.sh_offset(), s.sh_offset() + s.sh_size()});
            }
        }
        if (ranges.isEmpty()) {
            for (ElfSegment seg : elf.segments()) {
                if (seg.isLoad() && !seg.isExecutable() && !seg.isWritable()) {
                    ranges.add(new long[] {seg.p_offset(), seg.p_offset() + seg.p_filesz()});
                }
            }
        }
        GoVersion best = null;
        var buf = elf.buffer();
        for (long[] r : ranges) {
            int end = (int) Math.min(r[1], elf.size());
            for (int p = (int) r[0]; p + 5 < end; p++) {
                if (buf.get(p) != 'g' || buf.get(p + 1) != 'o' || buf.get(p + 2) != '1' || buf.get(p + 3) != '.') {
                    continue;
                }
                if (p > r[0] && isWordByte(buf.get(p - 1))) {
                    continue;
                }
                int q = p + 4;
                int dots = 0;
                while (q < end && (isDigit(buf.get(q)) || (buf.get(q) == '.' && q + 1 < end && isDigit(buf.get(q + 1)) && dots++ < 1))) {
                    q++;
                }
                if (q == p + 4 || (q < end && (isWordByte(buf.get(q)) || buf.get(q) == '.'))) {
                    continue;
                }
                byte[] b = new byte[q - p];
                buf.get(p, b);
                GoVersion v = GoVersion.parse(new String(b, StandardCharsets.ISO_8859_1));
                if (best == null || v.compareTo(best) > 0) {
                    best = v;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isWordByte(byte b) {
        return isDigit(b) || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == '-' || b == '/';
    }
}
