// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import java.util.Arrays;
import java.util.List;

/** The sorted start addresses of a function's instructions, and its end, for boundary look-ups. */
final class Boundaries {
    private final long[] starts;
    private final long end;

    Boundaries(List<Instruction> insns, long start, long end) {
        this.starts = new long[insns.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = insns.get(i).address();
        }
        this.end = end;
        if (starts.length == 0 || starts[0] != start) {
            throw new IllegalArgumentException(String.format("no instruction starts at 0x%x", start));
        }
    }

    /** The index of the instruction that starts at {@code vaddr}, or -1. */
    int indexOf(long vaddr) {
        int i = Arrays.binarySearch(starts, vaddr);
        return i >= 0 ? i : -1;
    }

    /** The index of the instruction that holds {@code vaddr}; {@code vaddr} must be inside the function. */
    int holding(long vaddr) {
        int i = Arrays.binarySearch(starts, vaddr);
        return i >= 0 ? i : -i - 2;
    }

    long start(int index) {
        return starts[index];
    }

    int size() {
        return starts.length;
    }

    long first() {
        return starts[0];
    }

    long end() {
        return end;
    }
}
