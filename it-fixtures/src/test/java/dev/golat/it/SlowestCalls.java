// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The slowest calls go-testbins' workload {@code -mode breakdown -variant exemplar} lists in its JSON line (its
 * exemplar.go), the slowest first by the call's own clock, each with the goroutine id its runtime printed in a stack
 * trace. A tracer's exemplars are {@link #take matched} against them: the same goroutine, and a duration between the
 * clock inside the function and the caller's (golat's clock reads at the entry site and the RET lie between the two;
 * all three are CLOCK_MONOTONIC, 1 µs of slack for the kernel's fast read of it).
 */
public final class SlowestCalls {
    private static final Pattern CALL = Pattern.compile(
            "\\{\"goroutine\":(\\d+),\"inner\":(\\d+),\"outer\":(\\d+),\"slow\":(true|false)}");

    /** One call as the program saw it: inner by its own clock, outer by its caller's; slow: it slept. */
    public record Call(long goroutine, long inner, long outer, boolean slow) {}

    private final List<Call> left;

    private SlowestCalls(List<Call> top) {
        this.left = new ArrayList<>(top);
    }

    /** The calls of the program's JSON line, the slowest first. */
    public static List<Call> parse(String json) {
        List<Call> out = new ArrayList<>();
        int at = json.indexOf("\"slowest\":");
        assertThat(at).as("a \"slowest\" list in the program's line %s", json).isNotNegative();
        Matcher m = CALL.matcher(json.substring(at));
        while (m.find()) {
            out.add(new Call(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Boolean.parseBoolean(m.group(4))));
        }
        assertThat(out).as("goroutine ids the program read from its stack header: %s", json)
                .isNotEmpty().allMatch(c -> c.goroutine() > 0);
        return out;
    }

    /**
     * The program's {@code k} slowest calls, to match exemplars against; they must stand apart from the next one by
     * both clocks (else which calls are the k slowest is not known).
     */
    public static SlowestCalls top(List<Call> calls, int k) {
        assertThat(calls).as("the program lists more than its %d slowest calls", k).hasSizeGreaterThan(k);
        assertThat(calls.get(k - 1).inner()).as("the program's %d slowest calls stand apart from the next by both"
                + " clocks: %s", k, calls).isGreaterThan(calls.get(k).outer());
        return new SlowestCalls(calls.subList(0, k));
    }

    /** The not yet matched call on {@code goroutine} whose clocks bracket {@code nanos}; fails when there is none. */
    public Call take(long goroutine, long nanos, Object exemplar) {
        Call match = left.stream().filter(c -> c.goroutine() == goroutine && nanos >= c.inner() - 1_000
                && nanos <= c.outer() + 1_000).findFirst().orElse(null);
        assertThat(match).as("exemplar %s is one of the program's slowest calls not matched yet %s", exemplar, left)
                .isNotNull();
        left.remove(match);
        return match;
    }
}
