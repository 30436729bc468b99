// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class UnitsTest {

    @ParameterizedTest(name = "{0} ns = {1}")
    @CsvSource(delimiter = '|', value = {
            "0             | 0 ns",
            "87            | 87 ns",
            "999           | 999 ns",
            "1000          | 1 µs",
            "1234          | 1.23 µs",
            "1235          | 1.24 µs",
            "312400        | 312 µs",
            "999499        | 999 µs",
            "999500        | 1 ms",
            "1944000       | 1.94 ms",
            "2000000       | 2 ms",
            "2700000       | 2.7 ms",
            "4104191       | 4.1 ms",
            "1500000000    | 1.5 s",
            "1234567890123 | 1230 s",
            "-2700000      | -2.7 ms",
    })
    void should_write_durations_with_three_significant_digits(long nanos, String expected) {
        assertThat(Units.duration(nanos)).isEqualTo(expected);
        assertThat(Units.duration(Duration.ofNanos(nanos))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource(delimiter = '|', value = {
            "2700000 | 2000000 | 2.7 ms    | 2 ms",
            "2000400 | 2000000 | 2.0004 ms | 2 ms",
            "2000001 | 2000000 | 2.000001 ms | 2 ms",
            "2000000 | 2000000 | 2 ms      | 2 ms",
    })
    void should_never_show_two_different_durations_as_the_same_text(long a, long b, String left, String right) {
        assertThat(Units.distinctDurations(a, b)).containsExactly(left, right);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {"0 | 0", "999 | 999", "10000 | 10,000", "1234567 | 1,234,567"})
    void should_group_thousands(long n, String expected) {
        assertThat(Units.count(n)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {"0 | p0", "50 | p50", "99 | p99", "99.9 | p99.9", "99.99 | p99.99", "12.50 | p12.5"})
    void should_name_percentiles(double p, String expected) {
        assertThat(Units.percentile(p)).isEqualTo(expected);
    }
}
