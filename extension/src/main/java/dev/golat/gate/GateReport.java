// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a {@link Gate}: a result per gated percentile of each function, what was found per
 * function, warnings, and the overall verdict. {@link #table()} prints it benchstat-style.
 */
public final class GateReport {
    private final Gate gate;
    private final List<PercentileResult> results;
    private final List<FunctionResult> functions;
    private final List<String> warnings;

    GateReport(Gate gate, List<PercentileResult> results, List<FunctionResult> functions, List<String> warnings) {
        this.gate = gate;
        this.results = List.copyOf(results);
        this.functions = List.copyOf(functions);
        this.warnings = List.copyOf(warnings);
    }

    /** The rule that decided. */
    public Gate gate() {
        return gate;
    }

    /** Regression if any percentile regressed, else inconclusive if any is, else pass. */
    public Verdict verdict() {
        return Verdict.overall(results.stream().map(PercentileResult::verdict).toList());
    }

    public List<PercentileResult> results() {
        return results;
    }

    public List<FunctionResult> functions() {
        return functions;
    }

    /** The recordings differ in more than the code: another Go version, another machine. */
    public List<String> warnings() {
        return warnings;
    }

    /** The result of {@code name} at {@code percentile}. */
    public PercentileResult result(String name, double percentile) {
        return results.stream().filter(r -> r.name().equals(name) && r.percentile() == percentile).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no gated " + Gate.pLabel(percentile) + " of " + name));
    }

    /** The results that are not a pass, one sentence each. */
    public List<String> reasons() {
        List<String> out = new ArrayList<>();
        for (PercentileResult r : results) {
            if (r.verdict() != Verdict.PASS) {
                out.add(r.name() + " " + r.verdict().name().toLowerCase(Locale.ROOT) + ": " + r.reason());
            }
        }
        return out;
    }

    /**
     * <pre>
     * function           pct  baseline   candidate  ratio  95% CI        p        n baseline/candidate  verdict
     * handleStmtExecute  p50  21 µs      25.2 µs    1.200  1.190-1.211   &lt;0.001   20,000/20,000         REGRESSION
     * handleStmtExecute  p99  997 µs     1.2 ms     1.203  1.050-1.390   &lt;0.001   20,000/20,000         REGRESSION
     * </pre>
     * then per function the distribution test and the noise on each side, the warnings, and the verdict.
     */
    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"function", "pct", "baseline", "candidate", "ratio", "95% CI", "p", "n baseline/candidate",
                "verdict"});
        for (PercentileResult r : results) {
            rows.add(new String[] {r.name(), Gate.pLabel(r.percentile()), duration(r.baseline()),
                    duration(r.candidate()), Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.3f", r.ratio()),
                    Double.isNaN(r.low()) ? "-" : String.format(Locale.ROOT, "%.3f-%.3f", r.low(), r.high()),
                    pValue(r.pAdjusted()), String.format(Locale.ROOT, "%,d/%,d", r.baselineN(), r.candidateN()),
                    r.verdict().name()});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]).append(" ".repeat(i + 1 < row.length ? width[i] - row[i].length() + 2 : 0));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        for (FunctionResult f : functions) {
            out.append(f.name()).append(": Mann-Whitney ").append(pIs(f.mannWhitneyP()));
            if (!Double.isNaN(f.superiority())) {
                out.append(String.format(Locale.ROOT, ", P(candidate call slower)=%.2f", f.superiority()));
            }
            out.append("; noise: baseline ").append(f.baselineNoise().describe()).append(", candidate ")
                    .append(f.candidateNoise().describe()).append('\n');
        }
        for (String w : warnings) {
            out.append("warning: ").append(w).append('\n');
        }
        out.append("p: the largest of Mann-Whitney, the percentile's own test and (with rounds) the rounds' test,"
                + " Holm-adjusted over ")
                .append(results.size()).append(results.size() == 1 ? " percentile" : " percentiles")
                .append("; tolerance ").append(Gate.percent(gate.tolerance())).append(", alpha ")
                .append(gate.alpha()).append('\n');
        out.append("verdict: ").append(verdict().name());
        List<String> reasons = reasons();
        if (!reasons.isEmpty()) {
            out.append(" (").append(String.join("; ", reasons)).append(')');
        }
        return out.append('\n').toString();
    }

    /** {@code "p=0.032"}, {@code "p<0.001"}. */
    static String pIs(double p) {
        String v = pValue(p);
        return v.startsWith("<") ? "p" + v : "p=" + v;
    }

    /** {@code "0.032"}, {@code "<0.001"}, {@code "1"}, {@code "-"} for NaN. */
    static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "-";
        }
        if (p < 0.001) {
            return "<0.001";
        }
        return BigDecimal.valueOf(p).round(new MathContext(2, RoundingMode.HALF_UP)).stripTrailingZeros().toPlainString();
    }

    /** {@code nanos} with 3 significant digits in ns, µs, ms or s. */
    static String duration(long nanos) {
        String[] unit = {"ns", "µs", "ms", "s"};
        BigDecimal rounded = new BigDecimal(nanos).round(new MathContext(3, RoundingMode.HALF_UP));
        int u = 0;
        while (u < unit.length - 1 && rounded.compareTo(BigDecimal.valueOf(1000).pow(u + 1)) >= 0) {
            u++;
        }
        return u == 0 ? nanos + " ns" : rounded.movePointLeft(3 * u).stripTrailingZeros().toPlainString() + " " + unit[u];
    }

    @Override
    public String toString() {
        return table();
    }
}
