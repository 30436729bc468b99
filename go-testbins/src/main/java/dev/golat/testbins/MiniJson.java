// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough JSON for the lines the Go test programs print: objects whose values are integers, strings
 * or nested objects. Keeps key order. Anything else fails with the offset.
 */
public final class MiniJson {
    private final String s;
    private int pos;

    private MiniJson(String s) {
        this.s = s;
    }

    public static Map<String, Object> parseObject(String text) {
        MiniJson p = new MiniJson(text.strip());
        Map<String, Object> m = p.object();
        if (p.pos != p.s.length()) {
            throw p.error("trailing characters");
        }
        return m;
    }

    /** A nested object, e.g. {@code obj(stats, "getTSO")}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> obj(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Map)) {
            throw new AssertionError("no object '" + key + "' in " + m);
        }
        return (Map<String, Object>) v;
    }

    public static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Long)) {
            throw new AssertionError("no integer '" + key + "' in " + m);
        }
        return (Long) v;
    }

    public static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String)) {
            throw new AssertionError("no string '" + key + "' in " + m);
        }
        return (String) v;
    }

    private Map<String, Object> object() {
        expect('{');
        Map<String, Object> m = new LinkedHashMap<>();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            String key = string();
            expect(':');
            m.put(key, value());
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private Object value() {
        char c = peek();
        if (c == '{') {
            return object();
        }
        if (c == '"') {
            return string();
        }
        int start = pos;
        if (c == '-') {
            pos++;
        }
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            pos++;
        }
        if (pos == start || s.substring(start, pos).equals("-")) {
            throw error("expected an integer, a string or an object");
        }
        return Long.parseLong(s.substring(start, pos));
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                char e = next();
                if (e == 'u') {
                    b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    pos += 4;
                } else {
                    b.append(e);
                }
            } else {
                b.append(c);
            }
        }
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    private char peek() {
        if (pos >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos + " of JSON: " + s);
    }
}
