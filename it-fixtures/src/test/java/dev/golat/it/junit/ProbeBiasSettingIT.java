// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.it.StmtClient;
import dev.golat.it.StmtServer;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The probe bias reaches the test: every injected {@code Latency} carries the bias calibrated when the agent attached,
 * included in its samples by default and subtracted from them under {@code golat.bias.subtract=true}.
 */
class ProbeBiasSettingIT {

    @Test
    void should_include_the_bias_by_default_and_subtract_it_when_configured() {
        run(null);
        Latency included = BiasTestCase.seen;
        run("true");
        Latency subtracted = BiasTestCase.seen;

        assertThat(included.probeBias()).isPresent();
        assertThat(included.probeBiasSubtracted()).isFalse();
        assertThat(subtracted.probeBias()).as("calibrated once per JVM").isEqualTo(included.probeBias());
        assertThat(subtracted.probeBiasSubtracted()).isTrue();
        Duration bias = included.probeBias().orElseThrow();
        assertThat(bias).as("a trap's share of a call: more than nothing, less than a call of handleStmtExecute")
                .isPositive().isLessThan(included.min());
        assertThat(included.count()).isEqualTo(BiasTestCase.CALLS);
        assertThat(subtracted.count()).isEqualTo(BiasTestCase.CALLS);
    }

    private static void run(String subtract) {
        var kit = EngineTestKit.engine("junit-jupiter").selectors(selectClass(BiasTestCase.class));
        if (subtract != null) {
            kit.configurationParameter("golat.bias.subtract", subtract);
        }
        kit.execute().testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @GoTest
    static class BiasTestCase {
        static final int PORT = StmtClient.freePort();
        static final int CALLS = 300;
        static volatile Latency seen;

        @GoService
        static GoContainer server = StmtServer.container(PORT);

        @Test
        @TraceLatency("handleStmtExecute")
        void traced(Latency latency) {
            try (StmtClient c = StmtClient.connect(PORT)) {
                for (int i = 0; i < CALLS; i++) {
                    c.exec("SELECT " + i);
                }
            }
            seen = latency.snapshot();
        }
    }
}
