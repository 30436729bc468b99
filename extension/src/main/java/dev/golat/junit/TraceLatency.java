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
 * Trace the latency of Go functions in the {@link GoService} during each test method.
 *
 * <p>On a method: traced during that method. On the class: traced during every method. On a {@link Latency}
 * parameter: traced during that method and injected there ({@code void t(@TraceLatency("getTSO") Latency tso)}).
 * Names may be short ({@code handleStmtExecute}), full ({@code main.(*clientConn).handleStmtExecute}), a glob,
 * or {@code function+offset}. Unknown and ambiguous names fail before any container starts.
 *
 * <p>A glob that matches one function (or one generic function) is that function, injected as one {@link Latency}
 * under the glob's text. A glob that matches several ({@code "main.(*clientConn).*"}) traces each of them on its
 * own: the test takes {@link dev.golat.result.Latencies} and reads each by its full name
 * ({@code latencies.get("main.(*clientConn).dispatch")}); a {@link Latency} parameter refuses such a glob. Matches
 * that cannot be measured (no RET) are left out with one warning each, and compiler-generated wrappers with one
 * line; a name given exactly that cannot be measured still fails.
 *
 * <p>A service of several nodes (several {@link GoService} fields, e.g. three nodes of one binary):
 * {@code @TraceLatency(value = "handleStmtExecute", services = {"node1", "node2", "node3"})} traces the function on
 * every node named; the injected {@link Latency} holds all their calls and {@link Latency#perNode()} each node's. A glob
 * over several functions with {@code services} hands {@link dev.golat.result.Latencies}: each function by its full name,
 * each with its own per-node split over the nodes whose binary has it.
 */
@Target({ElementType.METHOD, ElementType.TYPE, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(TraceLatency.List.class)
public @interface TraceLatency {
    /** The Go functions to trace. */
    String[] value();

    /** The name of the {@link GoService} field to trace, when the class has more than one. */
    String service() default "";

    /**
     * The {@link GoService} fields of the nodes to trace the functions on, when the service has several: each name is
     * the function traced on every one of them, measured per node and merged. Use either this or {@link #service()}.
     */
    String[] services() default {};

    /**
     * Also break each call down by goroutine state: {@link Latency#breakdown()} then holds the time each call ran,
     * was descheduled by the OS, waited for the Go scheduler, was parked (by reason) and spent in a GC
     * stop-the-world pause, each a histogram ({@code assertThat(latency.running()).p99().isLessThan(...)}).
     * Hooks the Go runtime's goroutine state changes in the whole service, so it costs every goroutine switch;
     * a Go version whose runtime cannot be broken down fails before the container starts.
     */
    boolean breakdown() default false;

    /** Repeated {@link TraceLatency}. */
    @Target({ElementType.METHOD, ElementType.TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface List {
        TraceLatency[] value();
    }
}
