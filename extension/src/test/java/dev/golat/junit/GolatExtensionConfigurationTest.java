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

    @Test
    void should_name_the_services_when_a_node_is_not_one_of_them() {
        // WHEN a function is traced on a node that no @GoService field is called
        List<Throwable> failures = failures(UnknownNodeTestCase.class);

        // THEN the class fails before any container starts, naming the node and the fields there are
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).isInstanceOf(GolatConfigurationException.class)
                .hasMessage("@TraceLatency(value = \"handleStmtExecute\", services = {\"node1\", \"node3\"}) in "
                        + "UnknownNodeTestCase: no @GoService field named 'node3'; services: node1, node2");
    }

    @Test
    void should_refuse_service_and_services_together() {
        List<Throwable> failures = failures(ServiceAndServicesTestCase.class);

        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).isInstanceOf(GolatConfigurationException.class)
                .hasMessage("@TraceLatency(services = ...) on ServiceAndServicesTestCase.t() also names service = \"node1\": "
                        + "use services = {...} for several nodes or service = \"...\" for one, not both");
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

    @GoTest
    static class UnknownNodeTestCase {
        @GoService static dev.golat.container.GoContainer node1 = dev.golat.container.GoContainer.fromBinary(
                dev.golat.testbins.GoTestBinaries.program("stmtserver"));
        @GoService static dev.golat.container.GoContainer node2 = dev.golat.container.GoContainer.fromBinary(
                dev.golat.testbins.GoTestBinaries.program("stmtserver"));

        @org.junit.jupiter.api.Test
        @TraceLatency(value = "handleStmtExecute", services = {"node1", "node3"})
        void t() {}
    }

    @GoTest
    static class ServiceAndServicesTestCase {
        @org.junit.jupiter.api.Test
        @TraceLatency(value = "handleStmtExecute", service = "node1", services = {"node1", "node2"})
        void t() {}
    }
}
