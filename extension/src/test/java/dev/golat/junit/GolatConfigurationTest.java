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
}
