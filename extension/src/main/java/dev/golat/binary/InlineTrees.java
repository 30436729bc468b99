// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which functions each function was inlined into, read from every function's inline tree.
 * <pre>
 * FUNCDATA_InlTree = 3 points at an array of (runtime/symtabinl.go, Go 1.20+):
 *     type inlinedCall struct { funcID uint8; _ [3]byte; nameOff int32; parentPc int32; startLine int32 }  // 16 bytes
 * and in Go 1.16–1.19 (runtime/symtab.go):
 *     type inlinedCall struct { parent int16; funcID uint8; _ byte; file int32; line int32; func_ int32; parentPc int32 } // 20
 * PCDATA_InlTreeIndex = 2 maps each PC to the innermost inlinedCall at it (-1: none). Go 1.20+ finds a
 * parent as the index at the child's parentPc, so every ancestor of a used entry is used too; before, the
 * parent field links them. A call the compiler folded away entirely (square(4) → 16) keeps its tree entry but
 * no PC maps to it: it is not reported, since no instruction of the callee runs in that caller.
 * pcvalue tables (runtime.step): pairs of uvarint zig-zag value delta, uvarint PC delta × minLC; a value
 * delta of 0 after the first pair ends the table.
 * </pre>
 */
final class InlineTrees {
    static final int PCDATA_INL_TREE_INDEX = 2;
    static final int FUNCDATA_INL_TREE = 3;
    private static final int MAX_TREE = 1 << 20;

    private InlineTrees() {}

    /** Callee name → sorted names of the functions whose inline trees contain it. */
    static Map<String, List<String>> build(FuncTable table, Image image, long gofunc) {
        PcHeader h = table.header;
        Region r = table.region;
        ElfFile elf = r.elf;
        var buf = elf.buffer();
        byte[] names = table.funcnametab();
        int[] nameOffs = table.nameOffs();
        boolean go120 = h.magic == PcHeader.MAGIC_GO120;
        boolean offsets = gofunc != 0; // Go 1.18+: uint32 offsets from gofunc; 1.16–1.17: pointers
        int entrySize = go120 ? 16 : 20;
        int nameAt = go120 ? 4 : 12;
        Map<Integer, BitSet> callersByNameOff = new HashMap<>();
        ElfSegment seg = null;
        for (int i = 0; i < table.size(); i++) {
            int f = table.funcs[i];
            long npcdata = Integer.toUnsignedLong(r.u32(f + table.npcdataAt(), "_func.npcdata"));
            int nfuncdata = r.u8(f + table.nfuncdataAt(), "_func.nfuncdata");
            if (npcdata <= PCDATA_INL_TREE_INDEX || nfuncdata <= FUNCDATA_INL_TREE) {
                continue;
            }
            long pcdata = f + h.funcStructSize();
            long inlTable = Integer.toUnsignedLong(r.u32(pcdata + 4L * PCDATA_INL_TREE_INDEX, "_func.pcdata[InlTreeIndex]"));
            if (inlTable == 0) {
                continue;
            }
            long funcdata = pcdata + 4 * npcdata;
            long tree;
            if (offsets) {
                int off = r.u32(funcdata + 4L * FUNCDATA_INL_TREE, "_func.funcdata[InlTree]");
                if (off == -1) {
                    continue;
                }
                tree = gofunc + Integer.toUnsignedLong(off);
            } else {
                long va = (r.vaddr + funcdata + 7) & ~7L;
                tree = image.pointer(va + 8L * FUNCDATA_INL_TREE, "_func.funcdata[InlTree]");
                if (tree == 0) {
                    continue;
                }
            }
            BitSet used = usedIndexes(r, h, inlTable, i);
            if (used.isEmpty()) {
                continue;
            }
            int max = used.length() - 1;
            long treeEnd = tree + (long) (max + 1) * entrySize;
            if (seg == null || !seg.containsInFile(tree) || !seg.containsInFile(treeEnd - 1)) {
                seg = elf.loadSegment(tree);
                if (seg == null || !seg.containsInFile(treeEnd - 1)) {
                    throw r.corrupt(funcdata, String.format("function %d at 0x%x: its inline tree [0x%x, 0x%x) (%d entries) is "
                            + "not in the file bytes of a PT_LOAD segment", i, table.entries[i], tree, treeEnd, max + 1));
                }
            }
            int base = (int) seg.fileOffset(tree);
            if (!go120) { // Go 1.16–1.19: follow inlinedCall.parent, which may name entries no PC maps to
                for (int k = max; k >= 0; k--) {
                    if (used.get(k)) {
                        int parent = buf.getShort(base + k * entrySize);
                        if (parent >= 0 && parent < k) {
                            used.set(parent);
                        }
                    }
                }
            }
            for (int k = used.nextSetBit(0); k >= 0; k = used.nextSetBit(k + 1)) {
                int nameOff = buf.getInt(base + k * entrySize + nameAt);
                callersByNameOff.computeIfAbsent(nameOff, c -> new BitSet()).set(i);
            }
        }
        Map<String, TreeSet<String>> callers = new HashMap<>(callersByNameOff.size() * 2);
        callersByNameOff.forEach((nameOff, set) -> {
            String callee = FuncTable.name(names, nameOff);
            if (callee == null) {
                int caller = set.nextSetBit(0);
                throw r.corrupt(table.funcs[caller], String.format("function %d at 0x%x: an inline tree entry names offset "
                        + "0x%x, outside funcnametab (size 0x%x)", caller, table.entries[caller], nameOff, names.length));
            }
            TreeSet<String> s = callers.computeIfAbsent(callee, c -> new TreeSet<>());
            for (int c = set.nextSetBit(0); c >= 0; c = set.nextSetBit(c + 1)) {
                s.add(FuncTable.name(names, nameOffs[c]));
            }
        });
        Map<String, List<String>> out = new HashMap<>(callers.size() * 2);
        callers.forEach((callee, set) -> out.put(callee, List.copyOf(set)));
        return out;
    }

    /** The non-negative values of the pcvalue table at {@code pctab + off}. */
    static BitSet usedIndexes(Region r, PcHeader h, long off, int function) {
        long p = h.pctabOffset + off;
        long end = h.pclnOffset;
        if (p >= end) {
            throw r.corrupt(p, "function " + function + ": pcdata[InlTreeIndex] offset 0x" + Long.toHexString(off)
                    + " is past the end of pctab");
        }
        int val = -1;
        BitSet used = new BitSet();
        boolean first = true;
        var buf = r.elf.buffer();
        int at = (int) (r.offset + p);
        int limit = (int) (r.offset + end);
        while (true) {
            long uv = 0;
            int shift = 0;
            int b;
            do {
                if (at >= limit) {
                    throw r.corrupt(at - r.offset, "function " + function + ": pcvalue table runs past the end of pctab");
                }
                b = buf.get(at++) & 0xff;
                uv |= (long) (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0 && shift < 35);
            if (uv == 0 && !first) {
                return used;
            }
            first = false;
            int delta = (int) (-(uv & 1) ^ (uv >>> 1));
            val += delta;
            if (val > MAX_TREE) {
                throw r.corrupt(p, "function " + function + ": inline tree index " + val + " (more than " + MAX_TREE + ")");
            }
            if (val >= 0) {
                used.set(val);
            }
            shift = 0;
            do { // PC delta: only skipped, values matter here
                if (at >= limit) {
                    throw r.corrupt(at - r.offset, "function " + function + ": pcvalue table runs past the end of pctab");
                }
                b = buf.get(at++) & 0xff;
                shift += 7;
            } while ((b & 0x80) != 0 && shift < 35);
        }
    }
}
