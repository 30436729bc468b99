// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * Which functions each function was inlined into, read from every function's inline tree.
 * <pre>
 * FUNCDATA_InlTree = 3 points at an array of (runtime/symtabinl.go, Go 1.20+; the same through Go 1.27, as are
 * FUNCDATA_InlTree and PCDATA_InlTreeIndex in internal/abi/symtab.go):
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
    /** How many unreadable trees are described one by one; the rest are counted. */
    static final int PROBLEMS_KEPT = 20;

    /** funcnametab, and each function's own {@code _func.nameOff} into it. */
    private final byte[] names;
    private final int[] ownNames;
    /**
     * Callee {@code nameOff} → the functions it was inlined into, without boxing (70k functions, 80k inlined calls
     * in dockerd): an open-addressing table of {@code keys} (-1: free) whose {@code heads} start chains through
     * {@code pairCaller}/{@code pairNext}.
     */
    private final int[] keys;
    private final int[] heads;
    private final int[] pairCaller;
    private final int[] pairNext;
    /** One line per function whose inline tree could not be read ({@link #PROBLEMS_KEPT} at most), or one for all. */
    final List<String> problems;
    /** How many functions' inline trees could not be read (-1: none could, see {@link #problems}). */
    final int unreadable;

    private InlineTrees(byte[] names, int[] ownNames, Pairs pairs, List<String> problems, int unreadable) {
        this.names = names;
        this.ownNames = ownNames;
        this.keys = pairs.keys;
        this.heads = pairs.heads;
        this.pairCaller = pairs.caller;
        this.pairNext = pairs.next;
        this.problems = List.copyOf(problems);
        this.unreadable = unreadable;
    }

    /** No inline tree can be read at all, for the reason given (no moduledata, so no funcdata base). */
    static InlineTrees unreadable(String why) {
        return new InlineTrees(new byte[0], new int[0], new Pairs(0), List.of(why), -1);
    }

    /**
     * Reads every function's inline tree. A tree that cannot be read (outside the file, an entry that names no
     * function, a pcdata table that runs off pctab) is skipped and described in {@link #problems}, naming the
     * function it belongs to; it never fails the whole binary.
     */
    static InlineTrees build(FuncTable table, Image image, long gofunc) {
        Pairs pairs = new Pairs(table.size());
        Unreadable skipped = readEvery(table, image, gofunc, (function, calleeNameOffs) -> {
            for (int nameOff : calleeNameOffs) {
                pairs.add(nameOff, function);
            }
        });
        return new InlineTrees(table.funcnametab(), table.nameOffs(), pairs, skipped.problems(), skipped.count());
    }

    /** What one pass over every inline tree for one callee found: its callers, and the trees that could not be read. */
    record Scan(List<String> callers, List<String> problems, int unreadable) {}

    /**
     * Reads every function's inline tree as {@link #build} does, with the same checks and the same
     * {@link #problems}, but keeps only the callers of a function named exactly {@code name}: no table of every
     * callee, for planning one function.
     */
    static Scan scan(FuncTable table, Image image, long gofunc, String name) {
        byte[] names = table.funcnametab();
        int[] own = table.nameOffs();
        byte[] q = name.getBytes(StandardCharsets.UTF_8);
        TreeSet<String> callers = new TreeSet<>();
        Unreadable skipped = readEvery(table, image, gofunc, (function, calleeNameOffs) -> {
            for (int nameOff : calleeNameOffs) {
                if (nameIs(names, nameOff, q)) {
                    String caller = FuncTable.name(names, own[function]);
                    if (caller != null) {
                        callers.add(caller);
                    }
                    break;
                }
            }
        });
        return new Scan(List.copyOf(callers), skipped.problems(), skipped.count());
    }

    /** The callee name offsets of one function's inline tree, for {@link #readEvery}. */
    private interface Callees {
        void of(int function, int[] calleeNameOffs);
    }

    /** The inline trees that could not be read: the first {@link #PROBLEMS_KEPT} described, and how many. */
    private record Unreadable(List<String> problems, int count) {}

    /**
     * Reads every function's inline tree and hands each readable one to {@code callees}. A tree that cannot be read
     * is skipped and described, naming its function: the one pass {@link #build} and {@link #scan} share, so both
     * report the same problems.
     */
    private static Unreadable readEvery(FuncTable table, Image image, long gofunc, Callees callees) {
        Reader reader = new Reader(table, image, gofunc);
        List<String> problems = new ArrayList<>();
        int unreadable = 0;
        for (int i = 0; i < table.size(); i++) {
            int[] nameOffs;
            try {
                nameOffs = reader.calleeNameOffs(i);
            } catch (GoBinaryException e) {
                if (problems.size() < PROBLEMS_KEPT) {
                    problems.add(describe(table, i) + ": " + e.getMessage());
                }
                unreadable++;
                continue;
            }
            callees.of(i, nameOffs);
        }
        return new Unreadable(List.copyOf(problems), unreadable);
    }

    /** Sorted names of the functions into which a function named exactly {@code name} was inlined. */
    List<String> callers(String name) {
        byte[] q = name.getBytes(StandardCharsets.UTF_8);
        TreeSet<String> out = new TreeSet<>();
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] >= 0 && nameIs(keys[slot], q)) {
                addCallers(slot, out);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Every inlined function whose full name {@code matches} says yes to, by name, with the sorted names of the
     * functions it was inlined into.
     */
    java.util.SortedMap<String, List<String>> callersMatching(java.util.function.Predicate<String> matches) {
        java.util.TreeMap<String, TreeSet<String>> found = new java.util.TreeMap<>();
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] >= 0) {
                String callee = FuncTable.name(names, keys[slot]);
                if (callee != null && matches.test(callee)) {
                    addCallers(slot, found.computeIfAbsent(callee, k -> new TreeSet<>()));
                }
            }
        }
        java.util.TreeMap<String, List<String>> out = new java.util.TreeMap<>();
        found.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** Sorted names of the functions into which any function whose short name is {@code shortName} was inlined. */
    List<String> callersByShortName(String shortName) {
        TreeSet<String> out = new TreeSet<>();
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] >= 0) {
                String callee = FuncTable.name(names, keys[slot]);
                if (callee != null && FunctionNames.shortName(callee).equals(shortName)) {
                    addCallers(slot, out);
                }
            }
        }
        return List.copyOf(out);
    }

    private void addCallers(int slot, TreeSet<String> out) {
        for (int p = heads[slot]; p >= 0; p = pairNext[p]) {
            String caller = FuncTable.name(names, ownNames[pairCaller[p]]);
            if (caller != null) {
                out.add(caller);
            }
        }
    }

    /** Whether the NUL-terminated name at {@code off} in funcnametab is {@code q}. */
    private boolean nameIs(int off, byte[] q) {
        return nameIs(names, off, q);
    }

    private static boolean nameIs(byte[] names, int off, byte[] q) {
        if (off + q.length >= names.length || names[off + q.length] != 0) {
            return false;
        }
        return Arrays.equals(names, off, off + q.length, q, 0, q.length);
    }

    /** The (callee nameOff, caller) pairs, grouped by callee as they are added. */
    private static final class Pairs {
        int[] keys;
        int[] heads;
        int[] caller = new int[1024];
        int[] next = new int[1024];
        int size;
        int used;

        Pairs(int expectedCallees) {
            int cap = Integer.highestOneBit(Math.max(16, expectedCallees) * 2);
            keys = new int[cap];
            heads = new int[cap];
            Arrays.fill(keys, -1);
        }

        void add(int nameOff, int callerIndex) {
            int slot = slot(nameOff);
            if (keys[slot] < 0) {
                keys[slot] = nameOff;
                heads[slot] = -1;
                if (++used * 2 > keys.length) {
                    grow();
                    slot = slot(nameOff);
                }
            } else if (heads[slot] >= 0 && caller[heads[slot]] == callerIndex) {
                return; // the same callee twice in one caller's tree (two inlined calls)
            }
            if (size == caller.length) {
                caller = Arrays.copyOf(caller, size * 2);
                next = Arrays.copyOf(next, size * 2);
            }
            caller[size] = callerIndex;
            next[size] = heads[slot];
            heads[slot] = size++;
        }

        private int slot(int nameOff) {
            int mask = keys.length - 1;
            int s = (nameOff * 0x9E3779B9 >>> 7) & mask;
            while (keys[s] >= 0 && keys[s] != nameOff) {
                s = (s + 1) & mask;
            }
            return s;
        }

        private void grow() {
            int[] oldKeys = keys;
            int[] oldHeads = heads;
            keys = new int[oldKeys.length * 2];
            heads = new int[oldKeys.length * 2];
            Arrays.fill(keys, -1);
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] >= 0) {
                    int s = slot(oldKeys[i]);
                    keys[s] = oldKeys[i];
                    heads[s] = oldHeads[i];
                }
            }
        }
    }

    /** {@code main.handle at 0x4a1b20}, or {@code function 31 at 0x401920} when its own name is unreadable too. */
    private static String describe(FuncTable table, int i) {
        String name = FuncTable.name(table.funcnametab(), table.nameOffs()[i]);
        return String.format("%s at 0x%x", name == null || name.isEmpty() ? "function " + i : name, table.entries[i]);
    }

    /** Reads one function's tree at a time; keeps the last segment it found a tree in. */
    private static final class Reader {
        private final FuncTable table;
        private final Image image;
        private final long gofunc;
        private final PcHeader h;
        private final Region r;
        private final byte[] names;
        private final boolean go120;
        private final boolean offsets;
        private final int entrySize;
        private final int nameAt;
        private ElfSegment seg;

        Reader(FuncTable table, Image image, long gofunc) {
            this.table = table;
            this.image = image;
            this.gofunc = gofunc;
            this.h = table.header;
            this.r = table.region;
            this.names = table.funcnametab();
            this.go120 = h.magic == PcHeader.MAGIC_GO120;
            this.offsets = gofunc != 0; // Go 1.18+: uint32 offsets from gofunc; 1.16–1.17: pointers
            this.entrySize = go120 ? 16 : 20;
            this.nameAt = go120 ? 4 : 12;
        }

        /** The funcnametab offsets of the functions inlined into function {@code i} at some instruction. */
        int[] calleeNameOffs(int i) {
            int f = table.funcs[i];
            long npcdata = Integer.toUnsignedLong(r.u32(f + table.npcdataAt(), "_func.npcdata"));
            int nfuncdata = r.u8(f + table.nfuncdataAt(), "_func.nfuncdata");
            if (npcdata <= PCDATA_INL_TREE_INDEX || nfuncdata <= FUNCDATA_INL_TREE) {
                return new int[0];
            }
            long pcdata = f + h.funcStructSize();
            long inlTable = Integer.toUnsignedLong(r.u32(pcdata + 4L * PCDATA_INL_TREE_INDEX, "_func.pcdata[InlTreeIndex]"));
            if (inlTable == 0) {
                return new int[0];
            }
            long funcdata = pcdata + 4 * npcdata;
            long tree;
            if (offsets) {
                int off = r.u32(funcdata + 4L * FUNCDATA_INL_TREE, "_func.funcdata[InlTree]");
                if (off == -1) {
                    return new int[0];
                }
                tree = gofunc + Integer.toUnsignedLong(off);
            } else {
                long va = (r.vaddr + funcdata + 7) & ~7L;
                tree = image.pointer(va + 8L * FUNCDATA_INL_TREE, "_func.funcdata[InlTree]");
                if (tree == 0) {
                    return new int[0];
                }
            }
            BitSet used = usedIndexes(r, h, inlTable, i);
            if (used.isEmpty()) {
                return new int[0];
            }
            int max = used.length() - 1;
            long treeEnd = tree + (long) (max + 1) * entrySize;
            if (seg == null || !seg.containsInFile(tree) || !seg.containsInFile(treeEnd - 1)) {
                seg = r.elf.loadSegment(tree);
                if (seg == null || !seg.containsInFile(treeEnd - 1)) {
                    throw new GoBinaryException(String.format("its inline tree [0x%x, 0x%x) (%d entries, funcdata[InlTree] at "
                            + "0x%x) is not in the file bytes of a PT_LOAD segment", tree, treeEnd, max + 1, r.vaddr + funcdata));
                }
            }
            var buf = r.elf.buffer();
            int base = (int) seg.fileOffset(tree);
            long size = table.entries[i + 1] - table.entries[i];
            if (!go120) { // Go 1.16–1.19: follow inlinedCall.parent, which may name entries no PC maps to
                for (int k = max; k >= 0; k--) {
                    if (used.get(k)) {
                        int parent = buf.getShort(base + k * entrySize);
                        if (parent >= k) {
                            throw new GoBinaryException(String.format("inline tree entry %d at 0x%x names parent %d, not an "
                                    + "earlier entry", k, tree + (long) k * entrySize, parent));
                        }
                        if (parent >= 0) {
                            used.set(parent);
                        }
                    }
                }
            }
            int[] out = new int[used.cardinality()];
            int n = 0;
            for (int k = used.nextSetBit(0); k >= 0; k = used.nextSetBit(k + 1)) {
                int at = base + k * entrySize;
                int pad = go120 ? buf.getInt(at) >>> 8 : buf.get(at + 3);
                int nameOff = buf.getInt(at + nameAt);
                int parentPc = buf.getInt(at + (go120 ? 8 : 16));
                if (pad != 0 || Integer.toUnsignedLong(parentPc) >= size) {
                    throw new GoBinaryException(String.format("inline tree entry %d at 0x%x is not an inlinedCall: padding 0x%x, "
                            + "parentPc 0x%x in a function of 0x%x bytes", k, tree + (long) k * entrySize, pad, parentPc, size));
                }
                if (nameOff < 0 || nameOff >= names.length || names[nameOff] == 0 || nameOff > 0 && names[nameOff - 1] != 0) {
                    throw new GoBinaryException(String.format("inline tree entry %d at 0x%x names offset 0x%x, which is not the "
                            + "start of a name in funcnametab (size 0x%x)", k, tree + (long) k * entrySize, nameOff, names.length));
                }
                out[n++] = nameOff;
            }
            return out;
        }
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
