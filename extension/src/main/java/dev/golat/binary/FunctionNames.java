// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.regex.Pattern;

/**
 * How a user's query matches Go symbol names.
 *
 * <ul>
 * <li><b>short name</b>: the last dot-separated segment outside brackets, cut at its type arguments:
 *     {@code main.(*clientConn).handleStmtExecute} → {@code handleStmtExecute},
 *     {@code main.Map[go.shape.int,go.shape.string]} → {@code Map}.
 * <li><b>suffix</b>: a query with a dot, slash or parenthesis matches a name that ends with it right after a
 *     {@code .} or {@code /}: {@code (*clientConn).handleStmtExecute} and {@code main.(*clientConn).handleStmtExecute}
 *     both match.
 * <li><b>glob</b>: {@code *} is any run of characters, {@code ?} one character ({@code *} in a pointer
 *     receiver {@code (*T)} is literal); matched against the whole name when it has a dot or slash, else
 *     against the short name.
 * </ul>
 */
final class FunctionNames {
    private FunctionNames() {}

    static String shortName(String name) {
        int depth = 0;
        int lastDot = -1;
        for (int i = 0; i < name.length() - 1; i++) {
            char c = name.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            } else if (c == '.' && depth == 0) {
                lastDot = i;
            }
        }
        String segment = name.substring(lastDot + 1);
        int bracket = segment.indexOf('[');
        if (bracket > 0) {
            segment = segment.substring(0, bracket);
        }
        return segment.isEmpty() ? name : segment;
    }

    /**
     * Which characters of the query are glob wildcards: {@code ?}, and {@code *} except in a pointer receiver
     * ({@code (*T)}, {@code (**T)}), where it is part of the name.
     */
    static boolean[] wildcards(String query) {
        boolean[] wild = new boolean[query.length()];
        boolean inReceiver = false;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '*') {
                inReceiver = i > 0 && (query.charAt(i - 1) == '(' || (inReceiver && query.charAt(i - 1) == '*'));
                wild[i] = !inReceiver;
            } else {
                inReceiver = false;
                wild[i] = c == '?';
            }
        }
        return wild;
    }

    static boolean isGlob(String query) {
        for (boolean w : wildcards(query)) {
            if (w) {
                return true;
            }
        }
        return false;
    }

    /** Whether a query is matched by suffix rather than by the short-name index. */
    static boolean isQualified(String query) {
        return query.indexOf('.') >= 0 || query.indexOf('/') >= 0 || query.indexOf(')') >= 0;
    }

    static boolean suffixMatches(String name, String query) {
        if (!name.endsWith(query)) {
            return false;
        }
        int before = name.length() - query.length() - 1;
        return before < 0 || name.charAt(before) == '.' || name.charAt(before) == '/';
    }

    /**
     * A glob with a dot or slash matches the whole name ({@code main.*}, {@code *.(*clientConn).handle*});
     * one without matches the short name ({@code handle*}).
     */
    static Pattern globPattern(String glob) {
        boolean[] wild = wildcards(glob);
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (wild[i]) {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** Whether a glob is matched against whole names rather than short names. */
    static boolean globMatchesFullName(String glob) {
        return isQualified(glob);
    }

    /**
     * How far a short name is from the short name the user typed (both lower case): lower is closer. Names
     * that contain the query come first, ordered by how much longer they are; then names the query contains;
     * then the edit distance.
     */
    static int distance(String queryShort, String nameShort) {
        if (queryShort.isEmpty()) {
            return 4000 + nameShort.length();
        }
        if (nameShort.contains(queryShort)) {
            return nameShort.length() - queryShort.length();
        }
        int edits = levenshtein(queryShort, nameShort, 64);
        if (edits <= Math.max(2, queryShort.length() / 5)) {
            return 500 + edits; // a typo ("blockSleeep") before a mere substring ("lock")
        }
        if (nameShort.length() >= 3 && queryShort.contains(nameShort)) {
            return 1000 + queryShort.length() - nameShort.length();
        }
        return 2000 + edits;
    }

    /** The query without glob characters, for ranking near misses. */
    static String literal(String query) {
        boolean[] wild = wildcards(query);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < query.length(); i++) {
            if (!wild[i]) {
                sb.append(query.charAt(i));
            }
        }
        return sb.toString();
    }

    /** Edit distance, giving up (returning {@code limit}) once every path exceeds it. */
    static int levenshtein(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            char ca = a.charAt(i - 1);
            for (int j = 1; j <= b.length(); j++) {
                int cost = ca == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return Math.min(prev[b.length()], limit);
    }
}
