// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.regex.Pattern;

/**
 * How a user's query matches Go symbol names.
 *
 * <ul>
 * <li><b>short name</b>: the last dot-separated segment of the name without its type arguments:
 *     {@code main.(*clientConn).handleStmtExecute} → {@code handleStmtExecute},
 *     {@code main.Map[go.shape.int,go.shape.string]} → {@code Map}, {@code main.Drain[...]-range1} → {@code Drain-range1}.
 * <li><b>generic name</b> and <b>bare name</b>: a generic function's instantiations share the name with their
 *     type-argument lists written {@code [...]} ({@code main.(*Stack[...]).Push}, as Go 1.18–1.20 write them in the
 *     pclntab), or left out ({@code main.(*Stack).Push}, as a user writes it). Both forms, exact or as a suffix
 *     ({@code (*Stack).Push}, {@code Stack.Len}), select every instantiation; the full name
 *     ({@code main.(*Stack[go.shape.int]).Push}) selects one.
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
        String bare = bareName(name);
        int depth = 0;
        int lastDot = -1;
        for (int i = 0; i < bare.length() - 1; i++) {
            char c = bare.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            } else if (c == '.' && depth == 0) {
                lastDot = i;
            }
        }
        String segment = bare.substring(lastDot + 1);
        return segment.isEmpty() ? name : segment;
    }

    /**
     * The name with every type-argument list written {@code [...]}, as Go 1.18–1.20 write every instantiation in the
     * pclntab: {@code main.(*Stack[go.shape.int]).Push} → {@code main.(*Stack[...]).Push}. It names the generic
     * function all instantiations belong to. A name without type arguments is returned as it is.
     */
    static String genericName(String name) {
        return rewriteTypeArgs(name, "[...]");
    }

    /**
     * The name without its type-argument lists, as a user writes a generic function:
     * {@code main.(*Stack[go.shape.int]).Push} → {@code main.(*Stack).Push}, {@code main.Drain[...]-range1} →
     * {@code main.Drain-range1}.
     */
    static String bareName(String name) {
        return rewriteTypeArgs(name, "");
    }

    /** Whether the name has a type-argument list ({@code [...]} or shapes). */
    static boolean hasTypeArgs(String name) {
        return typeArgsStart(name, 0) >= 0;
    }

    /**
     * The name with Go 1.18–1.20 shape indexes dropped ({@code go.shape.int_0} → {@code go.shape.int}), the way
     * Go 1.21+ spells shapes, so that either spelling picks an instantiation.
     */
    static String withoutShapeIndexes(String name) {
        return name.indexOf("go.shape.") < 0 ? name : name.replaceAll("_\\d+(?=[\\],])", "");
    }

    /**
     * Where the next type-argument list starts at or after {@code from}: a {@code [} right after a character of an
     * identifier ({@code Stack[}, {@code Hold[}), never one after a dot ({@code type:.eq.[2]string} is an array).
     */
    private static int typeArgsStart(String name, int from) {
        for (int i = Math.max(1, from); i < name.length(); i++) {
            if (name.charAt(i) == '[') {
                char before = name.charAt(i - 1);
                if (Character.isLetterOrDigit(before) || before == '_') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String rewriteTypeArgs(String name, String replacement) {
        int start = typeArgsStart(name, 0);
        if (start < 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        int copied = 0;
        while (start >= 0) {
            int depth = 0;
            int end = start;
            for (; end < name.length(); end++) {
                char c = name.charAt(end);
                if (c == '[') {
                    depth++;
                } else if (c == ']' && --depth == 0) {
                    break;
                }
            }
            if (end == name.length()) {
                break; // unbalanced: leave the rest as it is
            }
            sb.append(name, copied, start).append(replacement);
            copied = end + 1;
            start = typeArgsStart(name, copied);
        }
        return sb.append(name, copied, name.length()).toString();
    }

    /**
     * Which characters of the query are glob wildcards: {@code ?}, and {@code *} except in a pointer receiver
     * ({@code (*T)}, {@code (**T)}) and in a type-argument list before a name ({@code [go.shape.*uint8]},
     * {@code [*main.node]}), where it is part of the name.
     */
    static boolean[] wildcards(String query) {
        boolean[] wild = new boolean[query.length()];
        boolean inReceiver = false;
        int depth = 0;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            }
            if (c == '*') {
                inReceiver = i > 0 && (query.charAt(i - 1) == '(' || (inReceiver && query.charAt(i - 1) == '*'));
                boolean pointerTypeArg = depth > 0 && i + 1 < query.length()
                        && (Character.isLetter(query.charAt(i + 1)) || query.charAt(i + 1) == '_' || query.charAt(i + 1) == '*');
                wild[i] = !inReceiver && !pointerTypeArg;
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

    /** Whether the name, its generic name or its bare name ends with the query (see {@link #suffixMatches}). */
    static boolean anySuffixMatches(String name, String query) {
        if (suffixMatches(name, query)) {
            return true;
        }
        return hasTypeArgs(name) && (suffixMatches(genericName(name), query) || suffixMatches(bareName(name), query));
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
