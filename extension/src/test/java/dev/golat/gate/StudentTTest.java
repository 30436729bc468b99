// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Against published t tables (two-sided 95% and one-sided 95% critical values) and closed forms. */
class StudentTTest {

    @Test
    void should_match_the_tables_critical_values() {
        assertThat(StudentT.quantile(0.975, 1)).isCloseTo(12.706, within(5e-4));
        assertThat(StudentT.quantile(0.975, 4)).isCloseTo(2.776, within(5e-4));
        assertThat(StudentT.quantile(0.975, 7)).isCloseTo(2.365, within(5e-4));
        assertThat(StudentT.quantile(0.975, 30)).isCloseTo(2.042, within(5e-4));
        assertThat(StudentT.quantile(0.95, 1)).isCloseTo(6.314, within(5e-4));
        assertThat(StudentT.quantile(0.95, 10)).isCloseTo(1.812, within(5e-4));
        assertThat(StudentT.quantile(0.025, 4)).isCloseTo(-2.776, within(5e-4));
    }

    @Test
    void should_match_the_closed_forms_for_one_and_two_degrees_of_freedom() {
        // df 1 (Cauchy): 1/2 + atan(t)/pi; df 2: 1/2 + t / (2 sqrt(2 + t^2))
        for (double t : new double[] {-30, -2.5, -0.3, 0, 0.7, 1.9, 12}) {
            assertThat(StudentT.cdf(t, 1)).isCloseTo(0.5 + Math.atan(t) / Math.PI, within(1e-12));
            assertThat(StudentT.cdf(t, 2)).isCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), within(1e-12));
        }
    }
}
