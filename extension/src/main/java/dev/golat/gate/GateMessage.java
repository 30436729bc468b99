// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The message of a gate that did not pass: one line per percentile, where the baseline came from, the noise. */
public final class GateMessage {
    private GateMessage() {}

    /**
     * <pre>
     * Expecting handleStmtExecute not to be slower than its baseline (tolerance 10%):
     *   p50: baseline 21 µs, current 25.2 µs, ratio 1.200 (95% CI 1.190-1.211), p &lt;0.001, n 20,000/20,000: REGRESSION
     *   p99: baseline 997 µs, current 1.2 ms, ratio 1.203 (95% CI 1.050-1.390), p &lt;0.001, n 20,000/20,000: REGRESSION
     * baseline: src/test/golat-baselines/StmtIT/executeStaysFast/handleStmtExecute.hlog (go1.23.5 on 2 cores, ...)
     * noise: baseline waited 4% of runnable time for a CPU (...), current waited 5% (...)
     * verdict: REGRESSION (handleStmtExecute regression: p50 is +20.0%, at least the 10% tolerance (...))
     * histogram: target/golat/StmtIT.html
     * </pre>
     *
     * @param baselineSource where the baseline came from: its file, or "the duet's baseline service"
     * @param report         the HTML report, or null
     */
    public static String of(GateReport report, String baselineSource, Path reportPath) {
        return of(report, baselineSource, reportPath, List.of());
    }

    /**
     * The same with {@code slowest} (the current run's slowest calls, one line each, when traced with a breakdown:
     * {@code "slowest call 12.1 ms: 301 µs running, 11.2 ms waiting chan, goroutine 4711"}) before the histogram line.
     */
    public static String of(GateReport report, String baselineSource, Path reportPath, List<String> slowest) {
        StringBuilder out = new StringBuilder();
        String names = String.join(", ", report.functions().stream().map(FunctionResult::name).toList());
        out.append(String.format(Locale.ROOT, "%nExpecting %s not to be slower than its baseline (tolerance %s):%n", names,
                Gate.percent(report.gate().tolerance())));
        for (PercentileResult r : report.results()) {
            out.append("  ");
            if (report.functions().size() > 1) {
                out.append(r.name()).append(' ');
            }
            out.append(Gate.pLabel(r.percentile())).append(": baseline ").append(GateReport.duration(r.baseline()))
                    .append(", current ").append(GateReport.duration(r.candidate()));
            if (!Double.isNaN(r.low())) {
                out.append(String.format(Locale.ROOT, ", ratio %.3f (95%% CI %.3f-%.3f), p %s", r.ratio(), r.low(), r.high(),
                        GateReport.pValue(r.pAdjusted())));
            }
            out.append(String.format(Locale.ROOT, ", n %,d/%,d: %s", r.baselineN(), r.candidateN(), r.verdict()));
            if (r.verdict() != Verdict.PASS) {
                out.append(" (").append(r.reason()).append(')');
            }
            out.append(String.format("%n"));
        }
        FunctionResult first = report.functions().get(0);
        out.append("baseline: ").append(baselineSource).append(" (").append(first.baseline().describe())
                .append(String.format(")%n"));
        for (FunctionResult f : report.functions()) {
            out.append("noise").append(report.functions().size() > 1 ? " of " + f.name() : "").append(": baseline ")
                    .append(f.baselineNoise().describe()).append(", current ").append(f.candidateNoise().describe())
                    .append(String.format("%n"));
        }
        for (String w : report.warnings()) {
            out.append("warning: ").append(w).append(String.format("%n"));
        }
        out.append("verdict: ").append(report.verdict());
        slowest.forEach(line -> out.append(String.format("%n")).append(line));
        if (reportPath != null) {
            out.append(String.format("%nhistogram: %s", reportPath));
        }
        return out.toString();
    }
}
