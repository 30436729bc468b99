// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.result.Latency;
import dev.golat.result.Units;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function traced on several nodes, the nodes side by side: one column per node and one for all of them, one row
 * per figure (count, percentiles, max, and every counter that is not zero on some node). The console and the HTML
 * page show the same table.
 *
 * <pre>
 *          node1      node2     node3      all
 * n        1,000        500       700    2,200
 * p50     812 µs     141 µs    139 µs   402 µs
 * </pre>
 */
final class NodeTable {
    /** The column of all nodes together. */
    static final String ALL = "all";

    private NodeTable() {}

    /** The header row: the figure column (empty), each node, {@value #ALL}. */
    static List<String> header(Latency latency) {
        List<String> header = new ArrayList<>();
        header.add("");
        header.addAll(latency.perNode().keySet());
        header.add(ALL);
        return header;
    }

    /** The rows under {@link #header}, each starting with the figure's name; empty when not traced per node. */
    static List<List<String>> rows(Latency latency) {
        if (latency.perNode().isEmpty()) {
            return List.of();
        }
        List<Latency> columns = new ArrayList<>(latency.perNode().values());
        columns.add(latency);
        Map<String, java.util.function.Function<Latency, String>> figures = new LinkedHashMap<>();
        figures.put("n", l -> Units.count(l.count()));
        figures.put("p50", l -> percentile(l, 50));
        figures.put("p90", l -> percentile(l, 90));
        figures.put("p99", l -> percentile(l, 99));
        figures.put("p99.9", l -> percentile(l, 99.9));
        figures.put("max", l -> l.count() == 0 ? "-" : Units.duration(l.max()));
        for (String counter : latency.counters().byName().keySet()) {
            if (!counter.equals("matched") && columns.stream().anyMatch(l -> l.counters().byName().get(counter) != 0)) {
                figures.put(counter, l -> Units.count(l.counters().byName().get(counter)));
            }
        }
        List<List<String>> rows = new ArrayList<>();
        figures.forEach((name, figure) -> {
            List<String> row = new ArrayList<>();
            row.add(name);
            columns.forEach(l -> row.add(figure.apply(l)));
            rows.add(row);
        });
        return rows;
    }

    /** The table as text, columns aligned (figures to the right); empty when not traced per node. */
    static String text(Latency latency) {
        List<List<String>> rows = rows(latency);
        if (rows.isEmpty()) {
            return "";
        }
        List<List<String>> all = new ArrayList<>();
        all.add(header(latency));
        all.addAll(rows);
        int[] widths = new int[all.get(0).size()];
        for (List<String> row : all) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder(Units.count(latency.perNode().size())).append(" nodes, side by side:").append(nl);
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < row.size(); c++) {
                String cell = row.get(c);
                String fill = " ".repeat(widths[c] - cell.length());
                line.append(c == 0 ? cell + fill : "  " + fill + cell);
            }
            out.append(line.toString().stripTrailing()).append(nl);
        }
        return out.toString();
    }

    private static String percentile(Latency l, double p) {
        return l.count() == 0 ? "-" : Units.duration(l.percentile(p));
    }
}
