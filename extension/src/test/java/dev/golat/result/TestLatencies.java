// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import org.HdrHistogram.Histogram;

import java.nio.file.Path;

/** Latencies built from known samples, for the tests of the assertions and the reports. */
public final class TestLatencies {

    private TestLatencies() {
    }

    /** A histogram with 3 significant digits holding {@code pairs}: count, value in ns, count, value … */
    public static Histogram histogram(long... countValuePairs) {
        if (countValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("pairs of count and value expected");
        }
        Histogram h = new Histogram(3);
        for (int i = 0; i < countValuePairs.length; i += 2) {
            h.recordValueWithCount(countValuePairs[i + 1], countValuePairs[i]);
        }
        return h;
    }

    /** Counts of a clean run: every entry matched. */
    public static CallCounts clean(long calls) {
        return new CallCounts(calls, calls, 0, 0, 0, 0, 0);
    }

    /**
     * {@code handleStmtExecute}: 10,000 calls, 9,850 at 300 µs, 40 at 1 ms, 110 at 2.7 ms; p50 = p90 = 300 µs,
     * p99 = p99.9 = max = 2.7 ms; report {@code target/golat/StmtIT.html}.
     */
    public static Latency stmtExecute() {
        return Latency.of("handleStmtExecute", "main.(*conn).handleStmtExecute",
                histogram(9_850, 300_000, 40, 1_000_000, 110, 2_700_000), clean(10_000),
                Path.of("target/golat/StmtIT.html"));
    }
}
