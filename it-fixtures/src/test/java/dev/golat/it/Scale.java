// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

/**
 * How many calls a matrix test drives per build: its CI figure times {@code golat.matrix.scale} (default 1; the
 * {@code golat-matrix-full} Maven profile sets 10). More calls only tighten the percentiles the oracles compare.
 */
public final class Scale {
    private Scale() {}

    public static int calls(int ci) {
        int scale = Integer.getInteger("golat.matrix.scale", 1);
        if (scale < 1) {
            throw new IllegalArgumentException("-Dgolat.matrix.scale=" + scale + ": want a whole number >= 1");
        }
        return Math.multiplyExact(ci, scale);
    }
}
