// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest amd64 ELF files the loader-facing headers can be tested with: an ELF header, one PT_LOAD over the
 * whole file, PT_INTERP when there is an interpreter, PT_DYNAMIC with DT_NEEDED, DT_SONAME and DT_RUNPATH entries
 * and the string table they point into. No code: they are read, never run.
 */
final class TinyElf {
    private static final long BASE = 0x400000;

    private TinyElf() {}

    static byte[] of(String interpreter, String soname, List<String> needed, String runpath) {
        ByteArrayOutputStream strtab = new ByteArrayOutputStream();
        strtab.write(0);
        List<long[]> dyn = new ArrayList<>();
        for (String n : needed) {
            dyn.add(new long[] {1, add(strtab, n)});
        }
        if (soname != null) {
            dyn.add(new long[] {14, add(strtab, soname)});
        }
        if (runpath != null) {
            dyn.add(new long[] {29, add(strtab, runpath)});
        }
        int phnum = interpreter == null ? 2 : 3;
        int phoff = 64;
        int interpOff = phoff + phnum * 56;
        byte[] interp = interpreter == null ? new byte[0] : (interpreter + "\0").getBytes(StandardCharsets.UTF_8);
        int strOff = interpOff + interp.length;
        byte[] strings = strtab.toByteArray();
        int dynOff = (strOff + strings.length + 7) & ~7;
        int dynSize = (dyn.size() + 3) * 16; // + DT_STRTAB, DT_STRSZ, DT_NULL
        int size = dynOff + dynSize;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1).putLong(24, BASE).putLong(32, phoff);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) phnum).putShort(58, (short) 64);
        int p = phoff;
        phdr(b, p, 1, 0, size);
        p += 56;
        if (interpreter != null) {
            phdr(b, p, 3, interpOff, interp.length);
            p += 56;
        }
        phdr(b, p, 2, dynOff, dynSize);
        b.put(interpOff, interp);
        b.put(strOff, strings);
        int d = dynOff;
        for (long[] e : dyn) {
            b.putLong(d, e[0]).putLong(d + 8, e[1]);
            d += 16;
        }
        b.putLong(d, 5).putLong(d + 8, BASE + strOff);
        b.putLong(d + 16, 10).putLong(d + 24, strings.length);
        return b.array();
    }

    private static void phdr(ByteBuffer b, int at, int type, long offset, long size) {
        b.putInt(at, type).putInt(at + 4, 4).putLong(at + 8, offset).putLong(at + 16, BASE + offset)
                .putLong(at + 24, BASE + offset).putLong(at + 32, size).putLong(at + 40, size).putLong(at + 48, 8);
    }

    private static long add(ByteArrayOutputStream strtab, String s) {
        long off = strtab.size();
        strtab.writeBytes((s + "\0").getBytes(StandardCharsets.UTF_8));
        return off;
    }
}
