// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.result.GateResult;
import dev.golat.report.JsonText;
import dev.golat.result.Units;
import java.nio.file.Path;
import java.util.List;

/** The run's gates as JSON, as a Markdown table and as a console table. Pure functions over the gates. */
final class RunSummary {
    private RunSummary() {}

    /**
     * {@code {"gates": N, "failed": F, "results": [{"test", "function", "statistic", "valueNanos", "value",
     * "limit", "verdict"}, ...]}}.
     */
    static String json(List<GateResult> gates) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"gates\": ").append(gates.size()).append(",\n  \"failed\": ").append(failed(gates))
                .append(",\n  \"results\": [");
        for (int i = 0; i < gates.size(); i++) {
            GateResult g = gates.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"test\": ").append(quote(g.test()))
                    .append(", \"function\": ").append(quote(g.function()))
                    .append(", \"statistic\": ").append(quote(g.statistic()))
                    .append(", \"valueNanos\": ").append(g.valueNanos())
                    .append(", \"value\": ").append(quote(Units.duration(g.valueNanos())))
                    .append(", \"limit\": ").append(quote(g.limit()))
                    .append(", \"verdict\": ").append(quote(g.verdict()))
                    .append('}');
        }
        return sb.append(gates.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
    }

    /** A GitHub-flavoured Markdown table, with a heading that says how many gates failed. */
    static String markdown(List<GateResult> gates) {
        StringBuilder sb = new StringBuilder();
        sb.append("### golat: ").append(gates.size()).append(gates.size() == 1 ? " gate, " : " gates, ")
                .append(failed(gates)).append(" failed\n\n")
                .append("| test | function | statistic | value | limit | verdict |\n")
                .append("| --- | --- | --- | ---: | --- | --- |\n");
        for (GateResult g : gates) {
            sb.append("| ").append(cell(g.test())).append(" | `").append(cell(g.function())).append("` | ")
                    .append(cell(g.statistic())).append(" | ").append(Units.duration(g.valueNanos())).append(" | ")
                    .append(cell(g.limit())).append(" | ").append(g.verdict().equals(GateResult.FAIL) ? "**FAIL**" : g.verdict()).append(" |\n");
        }
        return sb.append('\n').toString();
    }

    /** The end-of-run table: one line per gate, aligned, and where the JSON is. */
    static String console(List<GateResult> gates, Path json) {
        String nl = System.lineSeparator();
        String[][] rows = new String[gates.size() + 1][];
        rows[0] = new String[] {"verdict", "test", "function", "statistic", "value", "limit"};
        for (int i = 0; i < gates.size(); i++) {
            GateResult g = gates.get(i);
            rows[i + 1] = new String[] {g.verdict(), g.test(), g.function(), g.statistic(),
                    Units.duration(g.valueNanos()), g.limit()};
        }
        int[] width = new int[rows[0].length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder(nl).append("golat: ").append(gates.size())
                .append(gates.size() == 1 ? " gate, " : " gates, ").append(failed(gates)).append(" failed").append(nl);
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < r.length; c++) {
                line.append(r[c]).append(" ".repeat(width[c] - r[c].length())).append(c < r.length - 1 ? "  " : "");
            }
            sb.append(line.toString().stripTrailing()).append(nl);
        }
        return sb.append("golat: summary ").append(json).append(nl).toString();
    }

    /** Gates that did not pass (failed or inconclusive). */
    static long failed(List<GateResult> gates) {
        return gates.stream().filter(g -> !g.passed()).count();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String quote(String s) {
        return JsonText.quote(s);
    }
}
