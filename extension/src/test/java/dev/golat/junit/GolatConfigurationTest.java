// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GolatConfigurationTest {

    private static GolatConfiguration of(Map<String, String> parameters) {
        return GolatConfiguration.from(k -> Optional.ofNullable(parameters.get(k)));
    }

    @Test
    void should_use_the_defaults_when_nothing_is_set() {
        GolatConfiguration c = of(Map.of());
        assertThat(c.reportDir()).isEqualTo(Path.of("target/golat"));
        assertThat(c.reportDir("")).isEqualTo(Path.of("target/golat"));
        assertThat(c.quiet()).isFalse();
        assertThat(c.summaryEnabled()).isTrue();
        assertThat(c.subtractProbeBias()).isFalse();
    }

    @Test
    void should_read_the_parameters_and_let_the_annotation_win_for_its_class() {
        GolatConfiguration c = of(Map.of("golat.report.dir", " build/golat ", "golat.console.quiet", "TRUE",
                "golat.summary.enabled", "false", "golat.bias.subtract", "true"));
        assertThat(c.reportDir()).isEqualTo(Path.of("build/golat"));
        assertThat(c.reportDir("out/latency")).isEqualTo(Path.of("out/latency"));
        assertThat(c.quiet()).isTrue();
        assertThat(c.summaryEnabled()).isFalse();
        assertThat(c.subtractProbeBias()).isTrue();
    }

    @Test
    void should_refuse_a_boolean_it_cannot_read_naming_the_key() {
        assertThatThrownBy(() -> of(Map.of("golat.console.quiet", "yes")).quiet())
                .isInstanceOf(GolatConfigurationException.class)
                .hasMessage("configuration parameter golat.console.quiet=yes is not a boolean: use true or false");
    }

    @Test
    void should_read_the_baseline_and_gate_settings_in_the_same_scheme() {
        GolatConfiguration none = of(Map.of());
        assertThat(none.baselineMode()).isEqualTo("compare");
        assertThat(none.baselineDir()).isEqualTo(Path.of("src/test/golat-baselines"));
        assertThat(none.baselineUnderCi(null)).isFalse();
        assertThat(none.baselineUnderCi("true")).isTrue();
        assertThat(none.failWhenInconclusive()).isFalse();
        GolatConfiguration set = of(Map.of("golat.baseline.mode", "RECORD", "golat.baseline.dir", "perf/baselines",
                "golat.baseline.ci", "false", "golat.gate.inconclusive", "fail"));
        assertThat(set.baselineMode()).isEqualTo("record");
        assertThat(set.baselineDir()).isEqualTo(Path.of("perf/baselines"));
        assertThat(set.baselineUnderCi("true")).as("the parameter wins over CI=true").isFalse();
        assertThat(set.failWhenInconclusive()).isTrue();
    }

    @Test
    void should_refuse_a_choice_it_does_not_know_naming_the_key_and_the_choices() {
        assertThatThrownBy(() -> of(Map.of("golat.baseline.mode", "update")).baselineMode())
                .isInstanceOf(GolatConfigurationException.class)
                .hasMessage("configuration parameter golat.baseline.mode=update: use compare, record, append or off (default compare)");
        assertThatThrownBy(() -> of(Map.of("golat.gate.inconclusive", "warn")).failWhenInconclusive())
                .isInstanceOf(GolatConfigurationException.class)
                .hasMessage("configuration parameter golat.gate.inconclusive=warn: use abort or fail (default abort)");
    }
}
