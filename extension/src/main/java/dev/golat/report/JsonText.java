// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import org.apiguardian.api.API;

/** A JSON string literal, for the few JSON documents golat writes (the run summary, `golat trace --json`). */
@API(status = API.Status.INTERNAL)
public final class JsonText {
    private JsonText() {}

    /** {@code s} as a quoted JSON string: quotes, backslashes and control characters escaped. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
