// SPDX-License-Identifier: Apache-2.0
package dev.golat.cli;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code golat} command line: {@code plan}, {@code trace} and {@code compare}. Exit codes: 0 success, 2 bad
 * input (the message on stderr names the element and the fix), 1 anything else; {@code compare}: 0 pass,
 * 1 regression, 2 bad input, 3 inconclusive.
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(Arrays.asList(argv)));
    }

    static int run(List<String> argv) {
        if (argv.isEmpty()) {
            System.err.println("usage: golat plan BINARY FUNCTION... | golat trace --pid PID FUNCTION..."
                    + " | golat compare OLD NEW");
            return 2;
        }
        List<String> rest = argv.subList(1, argv.size());
        try {
            return switch (argv.get(0)) {
                case "plan" -> PlanCommand.run(rest, System.out);
                case "trace" -> TraceCommand.run(rest, System.out);
                case "compare" -> CompareCommand.run(rest, System.out);
                default -> throw new UsageException("unknown command '" + argv.get(0) + "' (plan, trace, compare)");
            };
        } catch (RuntimeException e) {
            System.err.println("golat " + argv.get(0) + ": " + e.getMessage());
            return e instanceof UsageException || isInputError(e) ? 2 : 1;
        }
    }

    private static boolean isInputError(RuntimeException e) {
        String type = e.getClass().getSimpleName();
        return type.equals("GoBinaryException") || type.equals("PlanException") || type.equals("X86DecodeException")
                || type.equals("AgentException");
    }
}
