// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import dev.golat.testbins.GoTestBinaries.Variant;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.params.provider.Arguments;
import org.opentest4j.TestAbortedException;

/**
 * The toolchain matrix as JUnit sees it: every version of {@link GoTestBinaries#MATRIX}, and every version × build
 * variant, whether or not this machine has built it. A test of a version (or variant) that was not built is
 * skipped with {@link GoTestBinaries#missingReason(String)} as the reason, never run against another version and
 * never dropped from the report; {@code MatrixCompleteTest} fails the build under {@code CI=true} instead.
 *
 * <pre>{@code
 * @ParameterizedTest(name = "{0}")
 * @MethodSource("dev.golat.testbins.GoMatrix#versions")
 * @ExtendWith(GoMatrix.class)
 * void agrees(String go) { ... }
 *
 * @ParameterizedTest(name = "{0} {1}")
 * @MethodSource("dev.golat.testbins.GoMatrix#builds")
 * @ExtendWith(GoMatrix.class)
 * void agrees(String go, Variant variant) { ... }
 * }</pre>
 *
 * The extension looks at the arguments of each invocation: a {@code String} like {@code go1.27} names the version, a
 * {@link Variant} the build.
 */
public final class GoMatrix implements InvocationInterceptor {

    /** Every version of the matrix, oldest first, built or not. */
    public static Stream<String> versions() {
        return GoTestBinaries.MATRIX.stream();
    }

    /** Every version × every variant, as {@code (String go, Variant variant)} arguments. */
    public static Stream<Arguments> builds() {
        return builds(Variant.values());
    }

    /** Every version × the given variants. */
    public static Stream<Arguments> builds(Variant... variants) {
        List<Arguments> all = new ArrayList<>();
        for (String go : GoTestBinaries.MATRIX) {
            for (Variant v : variants) {
                all.add(Arguments.of(go, v));
            }
        }
        return all.stream();
    }

    /** Why this build cannot be tested here, or empty when its binaries exist. */
    public static Optional<String> missing(String goVersion, Variant variant) {
        return GoTestBinaries.missingReason(goVersion, variant);
    }

    /**
     * Why a version is left out of this run: {@code -Dgolat.matrix.versions=go1.26,go1.27} runs the matrix tests of
     * those versions only (a long soak of one version, say); empty when the version is selected (the default: all).
     */
    public static Optional<String> deselected(String goVersion) {
        String only = System.getProperty("golat.matrix.versions", "").strip();
        if (only.isEmpty() || List.of(only.split("\\s*,\\s*")).contains(goVersion)) {
            return Optional.empty();
        }
        return Optional.of(goVersion + " is not in -Dgolat.matrix.versions=" + only);
    }

    /** Whether the environment says this is a CI run ({@code CI=true}): there the whole matrix must be built. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
        List<Object> args = invocationContext.getArguments();
        String go = args.stream().filter(a -> a instanceof String s && s.matches("go\\d+\\.\\d+"))
                .map(String.class::cast).findFirst().orElse(null);
        if (go == null) {
            throw new IllegalStateException(extensionContext.getRequiredTestMethod() + " uses " + GoMatrix.class.getSimpleName()
                    + " but has no Go version argument like go1.27 among " + Arrays.toString(args.toArray()));
        }
        Variant variant = args.stream().filter(Variant.class::isInstance).map(Variant.class::cast).findFirst()
                .orElse(Variant.DEFAULT);
        Optional<String> reason = deselected(go).or(() -> missing(go, variant));
        if (reason.isPresent()) {
            invocation.skip();
            throw new TestAbortedException(reason.get());
        }
        invocation.proceed();
    }
}
