// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code breakdown = true} on a traced function, read from the annotations. */
class TraceTargetsTest {

    @TraceLatency("getTSO")
    static class Traced {
        @TraceLatency(value = "getTSO", breakdown = true)
        void brokenDown() {}

        @TraceLatency("handleStmtExecute")
        void plain() {}
    }

    @Test
    void should_trace_a_function_named_with_and_without_breakdown_once_broken_down() throws Exception {
        assertThat(TraceTargets.ofClass(Traced.class)).containsExactly(
                new TraceTargets.Target("", "getTSO", null, null, List.of(), true),
                new TraceTargets.Target("", "handleStmtExecute", null, null, List.of(), false));

        Method m = Traced.class.getDeclaredMethod("brokenDown");
        assertThat(TraceTargets.ofMethod(Traced.class, m)).containsExactly(
                new TraceTargets.Target("", "getTSO", null, null, List.of(), true));
    }

    @Test
    void should_leave_a_function_without_breakdown_unbroken() throws Exception {
        Method m = Traced.class.getDeclaredMethod("plain");
        assertThat(TraceTargets.ofMethod(Traced.class, m)).containsExactly(
                new TraceTargets.Target("", "getTSO", null, null, List.of(), false),
                new TraceTargets.Target("", "handleStmtExecute", null, null, List.of(), false));
    }
}
