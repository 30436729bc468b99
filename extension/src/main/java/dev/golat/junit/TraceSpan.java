// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.result.Latency;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Trace a span during each test method: on one goroutine, the time from reaching {@link #from()} to reaching
 * {@link #to()}. Each point is a function (its entry), {@code function:return} (its returns),
 * {@code function+offset}, or a raw address — all checked to lie on instruction boundaries.
 *
 * <pre>{@code
 * @Test
 * @TraceSpan(name = "dispatch-to-tso", from = "handleStmtExecute", to = "getTSO")
 * void tsoIsReachedQuickly(Latency dispatchToTso) { ... }
 * }</pre>
 *
 * <p>Nested and recursive starts pair with the innermost open span on the goroutine. A span whose
 * {@code from} frame returns before {@code to} is reached is counted as not reached, never measured. The
 * test receives a {@link Latency} named {@link #name()}.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(TraceSpan.List.class)
public @interface TraceSpan {
    /** The span's name: how the Latency is called in reports and how a parameter selects it. */
    String name();

    /** Where the span starts. */
    String from();

    /** Where the span ends, on the same goroutine. */
    String to();

    /** The name of the {@link GoService} field to trace, when the class has more than one. */
    String service() default "";

    /** Repeated {@link TraceSpan}. */
    @Target({ElementType.METHOD, ElementType.TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface List {
        TraceSpan[] value();
    }
}
