// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.report.ConsoleHistogram;
import dev.golat.report.HgrmWriter;
import dev.golat.report.HtmlReport;
import dev.golat.report.LatencyTable;
import dev.golat.result.GateResult;
import dev.golat.result.Instantiation;
import dev.golat.result.Latencies;
import dev.golat.result.Latency;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.opentest4j.TestAbortedException;

/**
 * After each test: the console histogram, an .hgrm per function (and per node of a function traced on several), the
 * class's HTML page; and class totals.
 */
final class Reports {
    private final Class<?> testClass;
    private final Path dir;
    private final HtmlReport page;
    private final Map<String, Latency> totals = new LinkedHashMap<>();

    private final boolean quiet;

    Reports(Class<?> testClass, Path reportDir, boolean quiet) {
        this.testClass = testClass;
        this.dir = reportDir;
        this.quiet = quiet;
        this.page = new HtmlReport(dir, testClass.getSimpleName());
    }

    Path pagePath() {
        return page.path();
    }

    /** What one test method wrote: a {@code .hgrm} per function and the class page. */
    record Written(List<Path> hgrmFiles, Path page) {}

    /**
     * Writes what {@code method} measured, how it ended ({@code failure}: what it threw, or what its baseline gate
     * threw after it; null when it passed) and the gates it checked.
     */
    synchronized Written record(String method, List<Latency> latencies, Throwable failure, List<GateResult> gates) {
        StringBuilder console = new StringBuilder();
        List<Path> hgrm = new java.util.ArrayList<>();
        boolean table = latencies.size() > LatencyTable.HISTOGRAMS_UP_TO;
        if (table) {
            console.append(System.lineSeparator())
                    .append("golat: ").append(testClass.getSimpleName()).append('.').append(method).append("() ")
                    .append(latencies.size()).append(" functions and spans (histograms in the report)")
                    .append(System.lineSeparator())
                    .append(LatencyTable.render(latencies, LatencyTable.Sort.TOTAL));
        }
        for (Latency l : latencies) {
            if (!table) {
                console.append(System.lineSeparator())
                        .append("golat: ").append(testClass.getSimpleName()).append('.').append(method).append("() ")
                        .append(l.function()).append(System.lineSeparator())
                        .append(ConsoleHistogram.render(l));
            }
            if (l.hasBreakdown()) {
                console.append("golat: ").append(l.name()).append(' ').append(l.breakdown().summary(50))
                        .append(System.lineSeparator());
                for (String slow : l.breakdown().slowest(2)) {
                    console.append("golat: ").append(l.name()).append(' ').append(slow).append(System.lineSeparator());
                }
            }
            hgrm.add(HgrmWriter.write(dir, testClass.getSimpleName(), method, l));
            for (Map.Entry<String, Latency> node : l.perNode().entrySet()) {
                hgrm.add(HgrmWriter.write(dir, testClass.getSimpleName(), method, node.getValue(), node.getKey()));
            }
            totals.merge(l.name(), l, Reports::add);
        }
        HtmlReport.Outcome outcome = failure == null ? HtmlReport.Outcome.PASSED
                : failure instanceof TestAbortedException ? HtmlReport.Outcome.ABORTED : HtmlReport.Outcome.FAILED;
        page.add(method, latencies, outcome, failure == null ? "" : message(failure), gates);
        Path written = page.write();
        console.append("golat: report ").append(written.toAbsolutePath()).append(System.lineSeparator());
        if (!quiet) {
            System.out.print(console);
        }
        return new Written(List.copyOf(hgrm), written);
    }

    /** The failure's message, or its type when it has none. */
    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getName() : m;
    }

    synchronized Latencies totals() {
        return Latencies.of(totals);
    }

    private static Latency add(Latency a, Latency b) {
        if (!a.perNode().isEmpty() || !b.perNode().isEmpty()) {
            Map<String, Latency> nodes = new LinkedHashMap<>(a.perNode());
            b.perNode().forEach((node, l) -> nodes.merge(node, l, Reports::add));
            return Latency.ofNodes(a.name(), nodes, a.report().orElse(null));
        }
        Histogram h = a.histogram();
        h.add(b.histogram());
        Map<Long, Instantiation> byEntry = new java.util.TreeMap<>();
        for (Latency l : List.of(a, b)) {
            for (Instantiation i : l.instantiations()) {
                byEntry.merge(i.entry(), i, (p, q) -> new Instantiation(p.function(), p.entry(),
                        p.counts().followedBy(q.counts())));
            }
        }
        return Latency.of(a.name(), a.function(), h, a.counters().followedBy(b.counters()),
                List.copyOf(byEntry.values()), a.report().orElse(null));
    }
}
