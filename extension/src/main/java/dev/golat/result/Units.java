// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * How golat writes durations, counts and percentiles, so that assertion messages, the console histogram
 * and the HTML report show the same figures the same way.
 *
 * <pre>
 * duration(312_400)      = "312 µs"     duration(1_944_000) = "1.94 ms"   duration(2_000_000) = "2 ms"
 * duration(999_700)      = "1 ms"       duration(87)        = "87 ns"     count(10000)        = "10,000"
 * percentile(99.9)       = "p99.9"      percentile(50)      = "p50"
 * </pre>
 */
@API(status = API.Status.INTERNAL)
public final class Units {

    /** Significant digits of {@link #duration(long)}. */
    public static final int DIGITS = 3;

    private static final String[] UNIT = {"ns", "µs", "ms", "s"};

    private Units() {
    }

    /** {@code nanos} with {@value #DIGITS} significant digits in ns, µs, ms or s, trailing zeros dropped. */
    public static String duration(long nanos) {
        return duration(nanos, DIGITS);
    }

    /** {@code d} as {@link #duration(long)} does. */
    public static String duration(Duration d) {
        return duration(d.toNanos());
    }

    /**
     * {@code nanos} rounded (half up) to {@code significantDigits}, in the largest unit (ns, µs, ms, s) in
     * which the rounded value is at least 1; values below 1 µs are shown exactly in ns.
     */
    public static String duration(long nanos, int significantDigits) {
        if (significantDigits < 1) {
            throw new IllegalArgumentException("significantDigits must be at least 1, was " + significantDigits);
        }
        BigDecimal rounded = new BigDecimal(nanos).round(new MathContext(significantDigits, RoundingMode.HALF_UP));
        BigDecimal magnitude = rounded.abs();
        int unit = 0;
        while (unit < UNIT.length - 1 && magnitude.compareTo(BigDecimal.valueOf(1000).pow(unit + 1)) >= 0) {
            unit++;
        }
        if (unit == 0) {
            return nanos + " ns";
        }
        return rounded.movePointLeft(3 * unit).stripTrailingZeros().toPlainString() + " " + UNIT[unit];
    }

    /**
     * Both values with {@value #DIGITS} significant digits, or with as many more as it takes for two
     * different values not to read the same ({@code "2.0004 ms"} vs {@code "2 ms"}, not {@code "2 ms"} twice).
     */
    public static String[] distinctDurations(long a, long b) {
        for (int digits = DIGITS; digits < 20; digits++) {
            String left = duration(a, digits);
            String right = duration(b, digits);
            if (a == b || !left.equals(right)) {
                return new String[] {left, right};
            }
        }
        return new String[] {a + " ns", b + " ns"};
    }

    /** {@code n} with thousands separators: {@code "10,000"}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** The short name of a percentile: {@code "p99"} for 99, {@code "p99.9"} for 99.9, {@code "p0"} for 0. */
    public static String percentile(double p) {
        return "p" + BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
    }
}
