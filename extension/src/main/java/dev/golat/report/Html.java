// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

/** Escaping for text and attribute values in the report, which is also well-formed XML. */
final class Html {

    private Html() {
    }

    /** {@code s} with {@code & < > " '} replaced by character references. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters are not allowed in XML 1.0; a test name will not need them.
                    out.append(c < 0x20 && c != '\n' && c != '\t' ? '\uFFFD' : c);
                }
            }
        }
        return out.toString();
    }
}
