// SPDX-License-Identifier: Apache-2.0
package dev.golat.assertj;

import dev.golat.report.ConsoleHistogram;
import dev.golat.result.Latency;
import org.assertj.core.error.BasicErrorMessageFactory;

/**
 * The parts every golat failure message shares. Arguments are passed unquoted: AssertJ would otherwise
 * print {@code "2.7 ms"} with quotes. The factories live in this package, not in an {@code error}
 * package as AssertJ's do, so that they stay package-private.
 */
abstract class LatencyMessage extends BasicErrorMessageFactory {

    LatencyMessage(String format, Object... arguments) {
        super(format, unquoted(arguments));
    }

    private static Object[] unquoted(Object[] arguments) {
        Object[] out = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            out[i] = arguments[i] instanceof String s ? unquotedString(s) : arguments[i];
        }
        return out;
    }

    /** {@code "<handleStmtExecute>"}. */
    static String subject(Latency latency) {
        return "<" + latency.name() + ">";
    }

    /**
     * The text histogram with its counters, then the report path when there is one, each on its own line
     * after a line break; to append at the end of a message with {@code %s}.
     */
    static String footer(Latency latency) {
        String nl = System.lineSeparator();
        String histogram = ConsoleHistogram.render(latency).stripTrailing();
        return nl + histogram + slowestLines(latency) + reportLine(latency);
    }

    /**
     * With a breakdown, a line break before each of the slowest calls ({@code "slowest call 12.1 ms: 301 µs running,
     * 11.2 ms waiting chan, goroutine 4711"}, the three slowest); nothing without one.
     */
    static String slowestLines(Latency latency) {
        if (!latency.hasBreakdown()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        latency.breakdown().slowest(3).forEach(l -> out.append(System.lineSeparator()).append(l));
        return out.toString();
    }

    /** A line break and {@code "histogram: <path of the HTML report>"}, or nothing when there is no report. */
    static String reportLine(Latency latency) {
        return latency.report().map(p -> System.lineSeparator() + "histogram: " + p).orElse("");
    }
}
