// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.result.CallCounts;
import dev.golat.result.Counts;
import dev.golat.result.GateResult;
import dev.golat.result.Instantiation;
import dev.golat.result.Latency;
import dev.golat.result.Units;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;
import org.apiguardian.api.API;

/**
 * One self-contained HTML page per test class, {@code <dir>/<TestClass>.html}: for each test method and
 * each function it traced, a percentile plot (inline SVG), the percentiles and the probe counters (a function traced on several nodes: a curve and a column per node). No
 * script, no stylesheet or font from the network; the page is also well-formed XML.
 *
 * <p>When a method is added with its {@link Outcome} and gates, the page opens with a table of every such method
 * and its verdict (failed ones in red), the method's section says whether it passed and lists its gates (failed
 * ones in red), and each function's plot overlays the baseline it was compared with and draws each gate's limit.
 * A comparison of histograms other than a traced window (a duet's rounds) gets a plot of its own.
 *
 * <p>Rewrite it as tests progress: {@link #add} a method's latencies after it ran, then {@link #write()}.
 * Adding a method again replaces its section. Safe to use from parallel test methods.
 *
 * <pre>{@code
 * HtmlReport report = new HtmlReport(HtmlReport.DEFAULT_DIR, "StmtServerLatencyIT");
 * report.add("executeStaysFast", List.of(latency));
 * Path page = report.write();   // target/golat/StmtServerLatencyIT.html
 * }</pre>
 */
@API(status = API.Status.INTERNAL)
public final class HtmlReport {

    /** {@code target/golat}, relative to the working directory (the module directory under Maven). */
    public static final Path DEFAULT_DIR = Path.of("target", "golat");

    private final String testClass;
    private final Path path;
    private final Map<String, MethodResult> methods = new LinkedHashMap<>();

    /** How a test method ended. */
    public enum Outcome {
        PASSED("passed"), FAILED("FAILED"), ABORTED("aborted");

        final String label;

        Outcome(String label) {
            this.label = label;
        }

        String css() {
            return this == PASSED ? "pass" : this == FAILED ? "fail" : "aborted";
        }
    }

    /** A method's latencies, and when it ran as a test: its outcome, the failure's message and its gates. */
    private record MethodResult(List<Latency> latencies, Outcome outcome, String message, List<GateResult> gates) {}

    /**
     * @param dir       the directory of the page, created when written
     * @param testClass the test class as it should be titled, usually its simple name; also the file name
     *                  (characters other than letters, digits, {@code . _ -} become {@code _})
     */
    public HtmlReport(Path dir, String testClass) {
        Objects.requireNonNull(dir, "dir");
        this.testClass = Objects.requireNonNull(testClass, "testClass");
        this.path = dir.resolve(FileNames.safe(testClass) + ".html");
    }

    /** Where {@link #write()} writes the page; known before it is written, for failure messages. */
    public Path path() {
        return path;
    }

    /** Records what {@code testMethod} measured, replacing what an earlier call recorded for it. */
    public synchronized HtmlReport add(String testMethod, List<Latency> latencies) {
        Objects.requireNonNull(testMethod, "testMethod");
        methods.put(testMethod, new MethodResult(List.copyOf(latencies), null, "", List.of()));
        return this;
    }

    /**
     * Records what {@code testMethod} measured, how it ended ({@code message}: the failure's or abort's message,
     * empty when it passed) and the gates it checked, replacing what an earlier call recorded for it.
     */
    public synchronized HtmlReport add(String testMethod, List<Latency> latencies, Outcome outcome, String message,
            List<GateResult> gates) {
        Objects.requireNonNull(testMethod, "testMethod");
        methods.put(testMethod, new MethodResult(List.copyOf(latencies), Objects.requireNonNull(outcome, "outcome"),
                message == null ? "" : message, List.copyOf(gates)));
        return this;
    }

    /**
     * Writes the page with every method added so far, replacing the previous version atomically.
     *
     * @return {@link #path()}
     * @throws UncheckedIOException when the page cannot be written
     */
    public synchronized Path write() {
        String html = html();
        try {
            AtomicFile.write(path, out -> out.write(html.getBytes(StandardCharsets.UTF_8)));
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the golat report of " + testClass + " to "
                    + path.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    String html() {
        StringBuilder out = new StringBuilder(16 * 1024);
        out.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>golat: ").append(Html.escape(testClass))
                .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(Html.escape(testClass)).append("</h1>\n")
                .append("<p class=\"about\">Latency of the traced Go functions, per test method. Plots show latency ")
                .append("against percentile; the x axis counts nines (90%, 99%, 99.9% …).</p>\n");
        verdicts(out);
        int i = 0;
        for (Map.Entry<String, MethodResult> e : methods.entrySet()) {
            method(out, "m" + i++, e.getKey(), e.getValue());
        }
        return out.append("</body>\n</html>\n").toString();
    }

    /** The table at the top: each method that ran as a test, its outcome and its gates; failures in red. */
    private void verdicts(StringBuilder out) {
        if (methods.values().stream().allMatch(m -> m.outcome() == null)) {
            return;
        }
        out.append("<table class=\"verdicts\">\n<tr><th>test</th><th>result</th><th>gates</th></tr>\n");
        int i = 0;
        for (Map.Entry<String, MethodResult> e : methods.entrySet()) {
            String id = "m" + i++;
            MethodResult m = e.getValue();
            if (m.outcome() == null) {
                continue;
            }
            out.append("<tr class=\"").append(m.outcome().css()).append("\"><td class=\"name\"><a href=\"#").append(id)
                    .append("\">").append(Html.escape(e.getKey())).append("</a></td><td class=\"verdict\">")
                    .append(m.outcome().label).append("</td><td class=\"name\">").append(Html.escape(gateCounts(m.gates())))
                    .append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    /** "3 gates: 1 FAILED, 1 inconclusive, 1 passed", or "no gate". */
    static String gateCounts(List<GateResult> gates) {
        if (gates.isEmpty()) {
            return "no gate";
        }
        long failed = gates.stream().filter(GateResult::failed).count();
        long passed = gates.stream().filter(GateResult::passed).count();
        long undecided = gates.size() - failed - passed;
        List<String> parts = new ArrayList<>();
        if (failed > 0) {
            parts.add(failed + " FAILED");
        }
        if (undecided > 0) {
            parts.add(undecided + " inconclusive");
        }
        if (passed > 0) {
            parts.add(passed + " passed");
        }
        return gates.size() + (gates.size() == 1 ? " gate: " : " gates: ") + String.join(", ", parts);
    }

    private static void method(StringBuilder out, String id, String method, MethodResult result) {
        List<Latency> latencies = result.latencies();
        out.append("<section class=\"test").append(result.outcome() == null ? "" : " " + result.outcome().css())
                .append("\" id=\"").append(id).append("\">\n<h2>");
        if (result.outcome() != null) {
            out.append("<span class=\"badge ").append(result.outcome().css()).append("\">").append(result.outcome().label)
                    .append("</span> ");
        }
        out.append(Html.escape(method)).append("</h2>\n");
        if (!result.message().isBlank()) {
            out.append("<pre class=\"message\">").append(Html.escape(result.message().strip())).append("</pre>\n");
        }
        gates(out, result.gates());
        if (latencies.isEmpty()) {
            out.append("<p class=\"empty\">no function traced</p>\n");
        }
        List<GateResult> unplotted = new ArrayList<>(result.gates());
        for (Latency latency : latencies) {
            // a threshold on this function, or a comparison that judged exactly this window (a stored baseline's)
            List<GateResult> own = result.gates().stream()
                    .filter(g -> g.function().equals(latency.function()) || g.function().equals(latency.name()))
                    .filter(g -> g.current() == null || g.current().equals(latency.histogram())).toList();
            unplotted.removeAll(own);
            out.append("<div class=\"function\">\n<h3>").append(Html.escape(latency.name()));
            if (!latency.name().equals(latency.function())) {
                out.append(" <span class=\"full\">").append(Html.escape(latency.function())).append("</span>");
            }
            out.append("</h3>\n");
            if (latency.count() == 0) {
                boolean fired = latency.counters().fired();
                String what = latency.isSpan()
                        ? (fired ? "no span reached its end while it was traced" : "the span never started")
                        : (fired ? "no call returned while it was traced" : "the probe never fired");
                out.append("<p class=\"empty\">")
                        .append(what)
                        .append("</p>\n");
            } else {
                out.append(PercentilePlot.svg(latency.name(), latency.histogram(), latency.perNode(), baselineOf(own), own)).append('\n');
                percentiles(out, latency);
                BreakdownSection.render(out, latency);
            }
            counters(out, latency.counters());
            instantiations(out, latency);
            nodes(out, latency);
            out.append("</div>\n");
        }
        // A comparison of other histograms than a traced window (a duet's rounds): a plot of its own two.
        Map<String, List<GateResult>> compared = new LinkedHashMap<>();
        unplotted.stream().filter(g -> g.current() != null && g.current().getTotalCount() > 0)
                .forEach(g -> compared.computeIfAbsent(g.function(), k -> new ArrayList<>()).add(g));
        compared.forEach((function, gs) -> {
            out.append("<div class=\"function compared\">\n<h3>").append(Html.escape(function))
                    .append(" <span class=\"full\">as compared</span></h3>\n");
            out.append(PercentilePlot.svg(function, gs.get(0).current(), Map.of(), baselineOf(gs), gs)).append('\n');
            out.append("</div>\n");
        });
        out.append("</section>\n");
    }

    private static Histogram baselineOf(List<GateResult> gates) {
        return gates.stream().map(GateResult::baseline).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** The method's gates, one row each: failed in red, inconclusive in amber. */
    private static void gates(StringBuilder out, List<GateResult> gates) {
        if (gates.isEmpty()) {
            return;
        }
        out.append("<table class=\"gates\">\n<tr><th>function</th><th>statistic</th><th>value</th><th>condition</th>")
                .append("<th>verdict</th><th>why</th></tr>\n");
        for (GateResult g : gates) {
            out.append("<tr class=\"").append(g.passed() ? "pass" : g.failed() ? "fail" : "inconclusive").append("\">");
            out.append("<td class=\"name\">").append(Html.escape(g.function())).append("</td>");
            cell(out, g.statistic());
            cell(out, Units.duration(g.valueNanos()));
            cell(out, g.limit());
            out.append("<td class=\"verdict\">").append(Html.escape(g.verdict())).append("</td>");
            out.append("<td class=\"name\">").append(Html.escape(g.reason())).append("</td>");
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private static void percentiles(StringBuilder out, Latency latency) {
        out.append("<table class=\"percentiles\">\n<tr><th>n</th><th>min</th><th>p50</th><th>p90</th>")
                .append("<th>p99</th><th>p99.9</th><th>max</th><th>mean</th></tr>\n<tr>");
        cell(out, Units.count(latency.count()));
        cell(out, Units.duration(latency.min()));
        cell(out, Units.duration(latency.p50()));
        cell(out, Units.duration(latency.p90()));
        cell(out, Units.duration(latency.p99()));
        cell(out, Units.duration(latency.p999()));
        cell(out, Units.duration(latency.max()));
        cell(out, Units.duration(latency.mean()));
        out.append("</tr>\n</table>\n");
        latency.probeBias().ifPresent(b -> out.append("<p class=\"bias\">probe bias ")
                .append(Html.escape(Units.duration(b))).append(" per call, ")
                .append(latency.probeBiasSubtracted() ? "subtracted from these figures" : "included in these figures")
                .append(" (calibrated on this machine: the time golat's probes add inside each measured call)</p>\n"));
    }

    private static void counters(StringBuilder out, Counts c) {
        out.append("<table class=\"counts\">\n<tr>");
        c.byName().keySet().forEach(name -> out.append("<th>").append(name).append("</th>"));
        out.append("</tr>\n<tr>");
        c.byName().values().forEach(n -> cell(out, Units.count(n)));
        out.append("</tr>\n</table>\n");
    }

    /** A generic function's instantiations, each with its own counters. */
    private static void instantiations(StringBuilder out, Latency latency) {
        if (latency.instantiations().isEmpty()) {
            return;
        }
        out.append("<table class=\"instantiations\">\n<tr><th>instantiation</th><th>entry</th><th>matched</th>")
                .append("<th>entries</th><th>other counters</th></tr>\n");
        for (Instantiation i : latency.instantiations()) {
            CallCounts c = i.counts();
            CallCounts rest = new CallCounts(0, 0, c.didNotReturn(), c.unmatchedReturns(), c.reentries(), c.inflight(),
                    c.readErrors());
            out.append("<tr>");
            out.append("<td class=\"name\">").append(Html.escape(i.function())).append("</td>");
            cell(out, String.format("0x%x", i.entry()));
            cell(out, Units.count(c.matched()));
            cell(out, Units.count(c.entries()));
            cell(out, rest.equals(CallCounts.NONE) ? "" : rest.nonZero());
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    /** A function traced on several nodes: the nodes side by side, as on the console. */
    private static void nodes(StringBuilder out, Latency latency) {
        List<List<String>> rows = NodeTable.rows(latency);
        if (rows.isEmpty()) {
            return;
        }
        out.append("<table class=\"nodes\">\n<tr>");
        NodeTable.header(latency).forEach(h -> out.append("<th>").append(Html.escape(h)).append("</th>"));
        out.append("</tr>\n");
        for (List<String> row : rows) {
            out.append("<tr><th>").append(Html.escape(row.get(0))).append("</th>");
            row.subList(1, row.size()).forEach(c -> cell(out, c));
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private static void cell(StringBuilder out, String text) {
        out.append("<td>").append(Html.escape(text)).append("</td>");
    }

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
            h3 { margin-bottom: .3em; }
            .full { font-weight: normal; color: #666; font-family: monospace; }
            .about, .empty { color: #555; }
            svg.plot { display: block; font-size: 12px; }
            svg.plot text { fill: #333; }
            svg.breakdown { display: block; font-size: 12px; margin: .5em 0; }
            svg.breakdown text { fill: #333; }
            h4 { margin: .8em 0 .2em; }
            table { border-collapse: collapse; margin: .5em 0; }
            th, td { border: 1px solid #ccc; padding: .2em .6em; text-align: right; }
            th { background: #eee; font-weight: 600; }
            td.name { text-align: left; font-family: monospace; }
            table.verdicts td.name, table.gates td.name { font-family: system-ui, sans-serif; }
            tr.fail td { background: #ffe3e3; }
            tr.fail td.verdict, .badge.fail { color: #c92a2a; font-weight: 700; }
            tr.inconclusive td { background: #fff3bf; }
            tr.pass td.verdict, .badge.pass { color: #2b8a3e; font-weight: 700; }
            .badge { font-size: .8em; border: 1px solid currentColor; border-radius: 3px; padding: 0 .3em; }
            .badge.aborted { color: #e67700; font-weight: 700; }
            section.fail > h2 { border-bottom: 3px solid #e03131; }
            pre.message { background: #fff5f5; border-left: 4px solid #e03131; padding: .5em; white-space: pre-wrap;
                          max-height: 16em; overflow: auto; }
            section.aborted pre.message { border-left-color: #f59f00; background: #fff9db; }
            """;
}
