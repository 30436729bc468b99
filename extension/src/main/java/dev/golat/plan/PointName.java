// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import java.util.Locale;

/**
 * What a user writes to name a probe point: {@code handleStmtExecute}, a full name, a glob,
 * {@code handleStmtExecute+2919} (decimal or {@code +0xb67}), or a raw address {@code 0x1732d60}.
 */
record PointName(String text, String name, long offset, long address) {
    static final long NONE = -1;

    static PointName parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new PlanException("empty function name: give a Go function such as handleStmtExecute, "
                    + "main.(*clientConn).handleStmtExecute, handleStmtExecute+12 or 0x4a1b20");
        }
        if (s.matches("(?i)0x[0-9a-f]+")) {
            return new PointName(s, null, NONE, parseNumber(s, text));
        }
        int plus = s.lastIndexOf('+');
        if (plus > 0 && s.substring(plus + 1).matches("(?i)(0x[0-9a-f]+|[0-9]+)")) {
            return new PointName(s, s.substring(0, plus), parseNumber(s.substring(plus + 1), text), NONE);
        }
        return new PointName(s, s, NONE, NONE);
    }

    boolean isAddress() {
        return address != NONE;
    }

    boolean hasOffset() {
        return offset != NONE;
    }

    private static long parseNumber(String n, String whole) {
        try {
            String lower = n.toLowerCase(Locale.ROOT);
            return lower.startsWith("0x") ? Long.parseUnsignedLong(lower.substring(2), 16) : Long.parseLong(lower);
        } catch (NumberFormatException e) {
            throw new PlanException("'" + whole + "': '" + n + "' is not a number (use decimal, or hex with 0x)");
        }
    }
}
