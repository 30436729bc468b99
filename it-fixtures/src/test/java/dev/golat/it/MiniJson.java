// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads integer fields out of the one-line JSON the Go test programs print (their own clocks). */
public final class MiniJson {
    private MiniJson() {}

    /** The integer at {@code path} ("count" or "handleStmtExecute.p99") in {@code json}. */
    public static long number(String json, String path) {
        String scope = json;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            int at = scope.indexOf("\"" + parts[i] + "\":{");
            if (at < 0) {
                throw new IllegalArgumentException("no object '" + parts[i] + "' in " + json);
            }
            scope = scope.substring(at, scope.indexOf('}', at) + 1);
        }
        Matcher m = Pattern.compile("\"" + Pattern.quote(parts[parts.length - 1]) + "\":(-?\\d+)").matcher(scope);
        if (!m.find()) {
            throw new IllegalArgumentException("no number '" + path + "' in " + json);
        }
        return Long.parseLong(m.group(1));
    }
}
