// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Set-up errors that need no Docker, through the JUnit engine test kit. */
class GolatExtensionConfigurationTest {

    @Test
    void should_fail_a_class_that_traces_without_a_service_with_a_junit_configuration_error() {
        // WHEN a @GoTest class traces a function but declares no @GoService field
        List<Throwable> failures = failures(NoServiceTestCase.class);

        // THEN the class fails with JUnit's ExtensionConfigurationException, which says how to declare one
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0))
                .isInstanceOf(ExtensionConfigurationException.class)
                .isInstanceOf(GolatConfigurationException.class)
                .hasMessage("NoServiceTestCase traces 'handleStmtExecute' but has no @GoService field: declare one, "
                        + "e.g. @GoService static GoContainer server = GoContainer.fromBinary(Path.of(\"...\"))");
    }

    static List<Throwable> failures(Class<?> testCase) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition")
                .selectors(selectClass(testCase))
                .execute()
                .allEvents()
                .failed()
                .stream()
                .map(Event::getPayload)
                .flatMap(p -> p.stream())
                .filter(TestExecutionResult.class::isInstance)
                .map(r -> ((TestExecutionResult) r).getThrowable().orElseThrow())
                .toList();
    }

    @GoTest
    static class NoServiceTestCase {
        @org.junit.jupiter.api.Test
        @TraceLatency("handleStmtExecute")
        void t() {}
    }
}
