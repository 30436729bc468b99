// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Medians (and min..max) of nanosecond samples, printed in milliseconds. */
final class Table {
    private final Map<String, List<Long>> samples;

    Table(Map<String, List<Long>> samples) {
        this.samples = samples;
    }

    void row(StringBuilder out, String label, String key) {
        List<Long> s = samples.get(key);
        if (s == null || s.isEmpty()) {
            out.append(String.format("  %-50s %10s%n", label, "n/a"));
            return;
        }
        out.append(String.format("  %-50s %8.1f ms  (%.1f..%.1f, n=%d)%n", label, median(s) / 1e6,
                Collections.min(s) / 1e6, Collections.max(s) / 1e6, s.size()));
    }

    long median(String key) {
        return median(samples.get(key));
    }

    /** The lower median. */
    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((sorted.size() - 1) / 2);
    }
}
