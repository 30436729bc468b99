// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProbeBiasTest {
    @Test
    void reads_the_agents_calibration_line() {
        assertThat(ProbeBias.parse("calibration calls=2000 matched=1999 min=548 p50=568 p90=600"))
                .isEqualTo(new ProbeBias(2000, 1999, 548, 568, 600));
    }

    @Test
    void names_the_field_that_is_wrong() {
        assertThatThrownBy(() -> ProbeBias.parse("calibration calls=2000 matched=x min=1 p50=2 p90=3"))
                .isInstanceOf(AgentException.class).hasMessageContaining("matched=x is not a number");
        assertThatThrownBy(() -> ProbeBias.parse("calibration calls=2000 min=1 p50=2 p90=3"))
                .isInstanceOf(AgentException.class).hasMessageContaining("expected calibration calls=<n>");
        assertThatThrownBy(() -> ProbeBias.parse("calibration calls=2000 matched=1 lo=1 p50=2 p90=3"))
                .isInstanceOf(AgentException.class).hasMessageContaining("field 3 is not min=<n>");
    }
}
