// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A test class whose {@link GoService} containers golat starts and whose {@link TraceLatency} functions it
 * traces. Like Testcontainers' {@code @Testcontainers} with static fields: each service lives for the class
 * that declares it (and for its {@code @Nested} classes); instance {@code @GoService} fields are refused with a
 * message that says to make them static.
 *
 * <p>Under JUnit's parallel execution, methods that use the same service never run at the same time (one
 * resource lock per {@code @GoService} field); classes on different services still run in parallel.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(GolatExtension.class)
@ResourceLock(providers = ServiceLocks.class)
public @interface GoTest {
    /**
     * Skip (rather than fail) the class when no Docker daemon answers, like
     * {@code @Testcontainers(disabledWithoutDocker = true)}. Off by default: a latency gate that silently
     * skips proves nothing.
     */
    boolean disabledWithoutDocker() default false;

    /**
     * Where this class's reports go, relative to the working directory (the module directory under Maven).
     * Empty (the default): the configuration parameter {@value GolatConfiguration#REPORT_DIR}, else {@code
     * target/golat}.
     */
    String reportDir() default "";
}
