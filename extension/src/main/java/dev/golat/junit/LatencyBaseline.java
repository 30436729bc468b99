// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gates the traced functions of a test against a stored baseline: after the method, each function's window is
 * compared with {@code src/test/golat-baselines/<TestClass>/<method>/<function>.hlog} (an HdrHistogram log
 * with golat's metadata) by the decision rule of {@code dev.golat.gate.Gate}. A regression fails the test;
 * a gate the data cannot decide aborts it, saying why (or fails it, with {@code golat.gate.inconclusive=fail}).
 *
 * <p>Settings, as JUnit configuration parameters or system properties:
 * <ul>
 *   <li>{@code golat.baseline.mode}: {@code compare} (default), {@code record} (write the baseline; this is
 *       how a new baseline is accepted), {@code append} (add this run to the baseline as one more run: from 5
 *       runs on, compare judges a run against the runs' own spread), {@code off};</li>
 *   <li>{@code golat.baseline.dir}: default {@code src/test/golat-baselines};</li>
 *   <li>{@code golat.baseline.ci}: whether this is CI (default: the environment variable {@code CI} is {@code true}).
 *       A missing baseline fails under CI and says how to record it; elsewhere it is recorded, and the test
 *       says so;</li>
 *   <li>{@code golat.gate.inconclusive}: {@code abort} (default) or {@code fail}.</li>
 * </ul>
 * On a method it overrides the class's.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface LatencyBaseline {

    /** The gated percentiles. */
    double[] percentiles() default {50, 99};

    /** The smallest slowdown that fails, in percent. */
    double tolerance() default 10;
}
