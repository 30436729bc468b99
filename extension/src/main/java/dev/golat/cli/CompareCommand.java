// SPDX-License-Identifier: Apache-2.0
package dev.golat.cli;

import dev.golat.gate.BaselineFile;
import dev.golat.gate.BaselineFormatException;
import dev.golat.gate.Gate;
import dev.golat.gate.GateReport;
import dev.golat.gate.Recording;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code golat compare OLD NEW [--percentile P]... [--tolerance PCT] [--alpha A]}: the gate's decision over
 * two recordings ({@code golat trace --save}, or a test's baseline files), printed benchstat-style. Exit codes:
 * 0 pass, 1 regression, 2 bad input, 3 inconclusive.
 */
final class CompareCommand {
    private CompareCommand() {}

    static final int PASS = 0;
    static final int REGRESSION = 1;
    static final int INCONCLUSIVE = 3;

    static final String USAGE = "usage: golat compare OLD NEW [--percentile P]... [--tolerance PCT] [--alpha A]"
            + " (defaults: --percentile 50 --percentile 99 --tolerance 10%)";

    record Options(Path baseline, Path candidate, double[] percentiles, double tolerance, double alpha) {}

    static Options parse(List<String> args) {
        List<Path> files = new ArrayList<>();
        List<Double> percentiles = new ArrayList<>();
        double tolerance = 0.10;
        double alpha = 0.05;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--percentile", "-p" -> percentiles.add(percentile(value(args, ++i, a)));
                case "--tolerance" -> tolerance = tolerance(value(args, ++i, a));
                case "--alpha" -> alpha = fraction(value(args, ++i, a), a);
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown option " + a + "; " + USAGE);
                    }
                    files.add(Path.of(a));
                }
            }
        }
        if (files.size() != 2) {
            throw new UsageException("give two recordings, OLD and NEW (got " + files.size() + "); " + USAGE);
        }
        double[] ps = percentiles.isEmpty() ? new double[] {50, 99}
                : percentiles.stream().mapToDouble(Double::doubleValue).toArray();
        return new Options(files.get(0), files.get(1), ps, tolerance, alpha);
    }

    static int run(List<String> args, PrintStream out) {
        Options o = parse(args);
        List<Recording> baselineAll = read(o.baseline());
        List<Recording> candidateAll = read(o.candidate());
        List<Recording> baseline = baselineAll.stream().filter(r -> !TraceCommand.isPart(r.name())).toList();
        List<Recording> candidate = candidateAll.stream().filter(r -> !TraceCommand.isPart(r.name())).toList();
        Gate gate = Gate.atPercentiles(o.percentiles()).withTolerance(o.tolerance()).withAlpha(o.alpha());
        GateReport report;
        try {
            report = gate.compare(baseline, candidate);
        } catch (IllegalArgumentException e) {
            throw new UsageException(o.candidate() + " vs " + o.baseline() + ": " + e.getMessage());
        }
        out.println("baseline:  " + o.baseline() + " (" + baseline.get(0).info().describe() + ")");
        out.println("candidate: " + o.candidate() + " (" + candidate.get(0).info().describe() + ")");
        out.print(report.table());
        // The breakdown parts both recordings carry (golat trace --breakdown --save), compared on their own so that
        // they neither widen the functions' family of tests nor change the exit code: they say where the time went.
        java.util.Set<String> inBaseline = baselineAll.stream().map(Recording::name)
                .filter(TraceCommand::isPart).collect(java.util.stream.Collectors.toSet());
        List<Recording> parts = candidateAll.stream().filter(r -> inBaseline.contains(r.name())).toList();
        if (!parts.isEmpty()) {
            out.println();
            out.println("breakdown parts (where the time went; the verdict above is the functions'):");
            out.print(gate.compare(baselineAll.stream().filter(r -> inBaseline.contains(r.name())).toList(), parts)
                    .table());
        }
        return switch (report.verdict()) {
            case PASS -> PASS;
            case REGRESSION -> REGRESSION;
            case INCONCLUSIVE -> INCONCLUSIVE;
        };
    }

    private static List<Recording> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no recording " + file + " (write one with golat trace ... --save " + file + ")");
        }
        try {
            return BaselineFile.readAll(file);
        } catch (BaselineFormatException | UncheckedIOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static double percentile(String s) {
        try {
            double p = Double.parseDouble(s.replaceFirst("^p", ""));
            if (p > 0 && p < 100) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("--percentile: '" + s + "' is not a percentile between 0 and 100 (e.g. 99 or 99.9)");
    }

    private static double tolerance(String s) {
        try {
            double pct = Double.parseDouble(s.endsWith("%") ? s.substring(0, s.length() - 1) : s);
            if (pct >= 0 && pct < 1000) {
                return pct / 100;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("--tolerance: '" + s + "' is not a percentage (e.g. 10 or 10% for a 10% slowdown)");
    }

    private static double fraction(String s, String option) {
        try {
            double f = Double.parseDouble(s);
            if (f > 0 && f < 1) {
                return f;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + ": '" + s + "' is not a probability between 0 and 1 (e.g. 0.05)");
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value; " + USAGE);
        }
        return args.get(i);
    }
}
