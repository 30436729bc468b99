// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.Events;

/** What the engine test kit's fixture classes reported. */
public final class Fixtures {
    private Fixtures() {}

    /** Each failed test as {@code "display name: throwable"}, to assert empty with the reasons shown. */
    public static List<String> failures(Events tests) {
        return tests.failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": " + e.getRequiredPayload(TestExecutionResult.class)
                        .getThrowable().map(Throwable::toString).orElse("?"))
                .toList();
    }
}
