// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

/** File names made from test and function names, which may hold {@code ( * ) / < >} and spaces. */
final class FileNames {

    private FileNames() {
    }

    /** {@code name} with every character other than ASCII letters, digits, {@code . _ -} replaced by {@code _}. */
    static String safe(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a test or function name used in a report file name is empty");
        }
        StringBuilder out = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
            out.append(ok ? c : '_');
        }
        String safe = out.toString();
        return safe.startsWith(".") ? "_" + safe.substring(1) : safe;
    }
}
