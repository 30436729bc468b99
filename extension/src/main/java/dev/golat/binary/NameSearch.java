// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of a lookup: finds the functions a plain (non-glob) query names by searching funcnametab's
 * bytes, without building the name index. Every name a query can match contains the query's bytes followed by
 * the name's NUL (exact, suffix) or by {@code [} (the type arguments a short name ignores), preceded by the
 * start of the name, a {@code .} or a {@code /}; each such candidate is then checked with the same rules as
 * {@link FunctionIndex}. So both paths agree on what matches.
 *
 * <p>A generic function's bare name ({@code (*Stack).Push}, {@code Drain-range1}) is not a run of bytes in its
 * pclntab names ({@code main.(*Stack[go.shape.int]).Push}), so when a word of the query is followed by {@code [}
 * anywhere in funcnametab, the fast path does not answer and the index does.
 */
final class NameSearch {
    private NameSearch() {}

    /**
     * Indexes of the functions the query matches exactly, or if none, by short name or suffix; empty also when the
     * query may name a generic function by a form only the index knows.
     */
    static int[] find(FuncTable table, String query) {
        byte[] q = query.getBytes(StandardCharsets.UTF_8);
        byte[] tab = table.funcnametab();
        if (q.length == 0 || mayNameGeneric(tab, query)) {
            return new int[0];
        }
        int[] starts = new int[4];
        int nStarts = 0;
        byte first = q[0];
        int last = tab.length - q.length;
        for (int p = 0; p < last; p++) {
            if (tab[p] != first) {
                continue;
            }
            byte after = tab[p + q.length];
            if (after != 0 && after != '[') {
                continue;
            }
            byte before = p == 0 ? 0 : tab[p - 1];
            if (before != 0 && before != '.' && before != '/') {
                continue;
            }
            if (!Arrays.equals(tab, p, p + q.length, q, 0, q.length)) {
                continue;
            }
            int start = p;
            while (start > 0 && tab[start - 1] != 0) {
                start--;
            }
            if (nStarts > 0 && starts[nStarts - 1] == start) {
                continue;
            }
            if (nStarts == starts.length) {
                starts = Arrays.copyOf(starts, nStarts * 2);
            }
            starts[nStarts++] = start;
        }
        if (nStarts == 0) {
            return new int[0];
        }
        starts = Arrays.copyOf(starts, nStarts);
        Arrays.sort(starts);
        int[] offs = table.nameOffs();
        int[] exact = new int[0];
        int[] other = new int[0];
        boolean qualified = FunctionNames.isQualified(query);
        for (int i = 0; i < offs.length; i++) {
            if (Arrays.binarySearch(starts, offs[i]) < 0) {
                continue;
            }
            String name = FuncTable.name(tab, offs[i]);
            if (name.equals(query)) {
                exact = append(exact, i);
            } else if (qualified ? FunctionNames.suffixMatches(name, query) : FunctionNames.shortName(name).equals(query)) {
                other = append(other, i);
            }
        }
        return exact.length > 0 ? exact : other;
    }

    /** Whether some word of the query ({@code Stack} in {@code (*Stack).Push}) is followed by {@code [} in a name. */
    private static boolean mayNameGeneric(byte[] tab, String query) {
        int start = -1;
        for (int i = 0; i <= query.length(); i++) {
            boolean word = i < query.length() && (Character.isLetterOrDigit(query.charAt(i)) || query.charAt(i) == '_');
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                if (i < query.length() && query.charAt(i) == '[') {
                    return false; // the query spells the type arguments itself: matched as bytes
                }
                if (contains(tab, (query.substring(start, i) + "[").getBytes(StandardCharsets.UTF_8))) {
                    return true;
                }
                start = -1;
            }
        }
        return false;
    }

    private static boolean contains(byte[] tab, byte[] w) {
        byte first = w[0];
        for (int p = 0, last = tab.length - w.length; p <= last; p++) {
            if (tab[p] == first && Arrays.equals(tab, p, p + w.length, w, 0, w.length)) {
                return true;
            }
        }
        return false;
    }

    private static int[] append(int[] a, int v) {
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }
}
