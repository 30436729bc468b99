// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import org.apiguardian.api.API;

/**
 * One function of a Go binary's pclntab: its full name ({@code main.(*clientConn).handleStmtExecute}) and
 * its code range {@code [entry, end)} in virtual addresses. {@code end} is the next function's entry (or the
 * table's end entry), so the range can include alignment padding after the last instruction.
 */
@API(status = API.Status.INTERNAL)
public record GoFunction(String name, long entry, long end) {
    public GoFunction {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a Go function needs a name");
        }
        if (Long.compareUnsigned(end, entry) < 0) {
            throw new IllegalArgumentException(String.format("%s: end 0x%x is before entry 0x%x", name, end, entry));
        }
    }

    /** {@code end − entry}. */
    public long size() {
        return end - entry;
    }

    /** Whether {@code vaddr} lies in {@code [entry, end)}. */
    public boolean contains(long vaddr) {
        return Long.compareUnsigned(vaddr, entry) >= 0 && Long.compareUnsigned(vaddr, end) < 0;
    }

    /** The part after the package path and receiver: {@code handleStmtExecute}. See {@link FunctionNames#shortName}. */
    public String shortName() {
        return FunctionNames.shortName(name);
    }

    @Override
    public String toString() {
        return String.format("%s [0x%x, 0x%x)", name, entry, end);
    }
}
