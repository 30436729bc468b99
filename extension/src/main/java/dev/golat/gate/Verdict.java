// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

/** What a gate says about one percentile, and about a whole comparison. */
public enum Verdict {
    /** The data rule out a slowdown of the tolerance's size. */
    PASS,
    /** Slower by at least the tolerance, and significantly so. */
    REGRESSION,
    /** The data cannot decide; the result says why. */
    INCONCLUSIVE;

    /** Regression if any is, else inconclusive if any is, else pass. */
    static Verdict overall(Iterable<Verdict> verdicts) {
        Verdict out = PASS;
        for (Verdict v : verdicts) {
            if (v == REGRESSION) {
                return REGRESSION;
            }
            if (v == INCONCLUSIVE) {
                out = INCONCLUSIVE;
            }
        }
        return out;
    }
}
