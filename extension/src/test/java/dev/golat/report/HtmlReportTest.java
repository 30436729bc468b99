// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.agent.BreakdownSnapshots;
import dev.golat.agent.Component;
import dev.golat.result.CallCounts;
import dev.golat.result.GateResult;
import dev.golat.result.Latency;
import dev.golat.result.Snapshots;
import dev.golat.result.TestLatencies;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The page is parsed as XML: it must be well-formed, and every figure is read back from its element. */
class HtmlReportTest {

    @TempDir
    Path dir;

    /** 1, 2, … 1,000 ns once each: exact in the histogram, nearest-rank p50 = 500 ns, p90 = 900 ns, … */
    private static Latency oneToThousand() {
        Histogram h = new Histogram(3);
        for (long v = 1; v <= 1_000; v++) {
            h.recordValue(v);
        }
        return Latency.of("parse", "main.parse", h, new CallCounts(1_002, 1_000, 0, 0, 0, 2, 0), null);
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static List<String> texts(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }

    private static List<Element> elements(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    @Test
    void should_write_a_section_per_method_with_a_plot_and_figures_per_function() throws Exception {
        // GIVEN
        HtmlReport report = new HtmlReport(dir, "StmtIT");
        report.add("executeStaysFast", List.of(TestLatencies.stmtExecute(), oneToThousand()));
        report.add("neverCalled", List.of(Latency.empty("rollback", "main.rollback")));
        // WHEN
        Path page = report.write();
        // THEN
        assertThat(page).isEqualTo(dir.resolve("StmtIT.html")).isEqualTo(report.path());
        Element html = parse(page).getDocumentElement();
        assertThat(texts(html, "h1")).containsExactly("StmtIT");
        assertThat(texts(html, "h2")).containsExactly("executeStaysFast", "neverCalled");
        assertThat(texts(html, "h3")).containsExactly("handleStmtExecute main.(*conn).handleStmtExecute",
                "parse main.parse", "rollback main.rollback");
        assertThat(elements(html, "svg")).hasSize(2);
        assertThat(elements(html, "polyline")).hasSize(2)
                .allSatisfy(line -> assertThat(line.getAttribute("stroke")).isEqualTo(PercentilePlot.LINE));
        assertThat(texts(html, "p")).contains("the probe never fired");

        Element parseSection = elements(html, "div").get(1);
        Element percentiles = elements(parseSection, "table").get(0);
        assertThat(texts(percentiles, "th")).containsExactly("n", "min", "p50", "p90", "p99", "p99.9", "max", "mean");
        // nearest rank of 1..1000: p50 = 500, p90 = 900, p99 = 990, p99.9 = 999; mean 500.5 rounds to 501
        assertThat(texts(percentiles, "td")).containsExactly("1,000", "1 ns", "500 ns", "900 ns", "990 ns", "999 ns",
                "1 µs", "501 ns");
        Element counts = elements(parseSection, "table").get(1);
        assertThat(texts(counts, "th")).containsExactly("entries", "matched", "didNotReturn", "unmatchedReturns",
                "reentries", "inflight", "readErrors");
        assertThat(texts(counts, "td")).containsExactly("1,002", "1,000", "0", "0", "0", "2", "0");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(page);
        }
    }

    @Test
    void should_say_the_probe_bias_and_whether_it_was_subtracted() throws Exception {
        // GIVEN one latency with its bias included, one with it subtracted
        HtmlReport report = new HtmlReport(dir, "BiasIT");
        report.add("included", List.of(Snapshots.withProbeBias(TestLatencies.stmtExecute(), 1_100, false)));
        report.add("subtracted", List.of(Snapshots.withProbeBias(TestLatencies.stmtExecute(), 1_100, true)));
        // WHEN
        Element html = parse(report.write()).getDocumentElement();
        // THEN
        assertThat(texts(html, "p")).filteredOn(t -> t.startsWith("probe bias")).containsExactly(
                "probe bias 1.1 µs per call, included in these figures (calibrated on this machine: the time golat's "
                        + "probes add inside each measured call)",
                "probe bias 1.1 µs per call, subtracted from these figures (calibrated on this machine: the time "
                        + "golat's probes add inside each measured call)");
    }

    @Test
    void should_show_a_breakdowns_components_side_by_side_and_its_slowest_calls() throws Exception {
        // GIVEN 100 calls: 20 µs running, 1 ms asleep; the slowest 1.5 ms on goroutine 4711
        Latency nap = Snapshots.toLatency("nap", "main.nap", BreakdownSnapshots.with(
                BreakdownSnapshots.probe("main.nap", 100, 1_020_000), 100, 0, Map.of(Component.RUNNING, 20_000L,
                        Component.WAITING, 1_000_000L, Component.WAIT_SLEEP, 1_000_000L),
                List.of(BreakdownSnapshots.exemplar(1_500_000, 4711, Map.of(Component.RUNNING, 20_000L,
                        Component.RUNNABLE, 480_000L, Component.WAITING, 1_000_000L, Component.WAIT_SLEEP,
                        1_000_000L)))), null);
        HtmlReport report = new HtmlReport(dir, "NapIT");
        report.add("naps", List.of(nap));
        // WHEN
        Element html = parse(report.write()).getDocumentElement();
        // THEN one row per component not 0 at p99 (running always), three bars each, longer for the longer part
        Element table = elements(html, "table").stream().filter(t -> t.getAttribute("class").equals("breakdown"))
                .findFirst().orElseThrow();
        assertThat(texts(table, "td")).filteredOn(t -> !Character.isDigit(t.charAt(0)))
                .containsExactly("running", "waiting sleep");
        List<Element> bars = elements(html, "rect").stream().filter(r -> r.getAttribute("class").startsWith("bar "))
                .toList();
        assertThat(bars).extracting(r -> r.getAttribute("class")).containsExactly("bar running", "bar running",
                "bar running", "bar waiting-sleep", "bar waiting-sleep", "bar waiting-sleep");
        assertThat(Integer.parseInt(bars.get(3).getAttribute("width")))
                .isGreaterThan(40 * Integer.parseInt(bars.get(0).getAttribute("width")));
        Element slowest = elements(html, "table").stream().filter(t -> t.getAttribute("class").equals("exemplars"))
                .findFirst().orElseThrow();
        assertThat(texts(slowest, "td")).containsExactly("1", "1.5 ms", "4711", "20 µs", "0 ns", "480 µs", "1 ms sleep",
                "0 ns", "0 ns");
    }

    @Test
    void should_write_the_page_readable_by_everyone_and_leave_no_temporary_file() throws Exception {
        // GIVEN
        HtmlReport report = new HtmlReport(dir, "StmtIT");
        report.add("executeStaysFast", List.of(oneToThousand()));
        // WHEN
        Path page = report.write();
        report.write();
        // THEN: rw-r--r--, as a file written normally (a temporary file alone would be 0600)
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(page))).isEqualTo("rw-r--r--");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("StmtIT.html");
        }
    }

    @Test
    void should_plot_latency_rising_with_percentile_on_a_nines_axis() throws Exception {
        // GIVEN
        HtmlReport report = new HtmlReport(dir, "StmtIT");
        report.add("m", List.of(TestLatencies.stmtExecute()));
        // WHEN
        Element svg = elements(parse(report.write()).getDocumentElement(), "svg").get(0);
        // THEN
        assertThat(texts(svg, "text")).contains("0%", "90%", "99%", "99.9%", "99.99%", "percentile", "latency",
                "0 ns", "1 ms", "2 ms", "3 ms");
        Element area = elements(svg, "rect").get(0);
        double left = Double.parseDouble(area.getAttribute("x"));
        double right = left + Double.parseDouble(area.getAttribute("width"));
        double top = Double.parseDouble(area.getAttribute("y"));
        double bottom = top + Double.parseDouble(area.getAttribute("height"));
        String[] points = elements(svg, "polyline").get(0).getAttribute("points").split(" ");
        double lastX = Double.NEGATIVE_INFINITY;
        double lastY = Double.POSITIVE_INFINITY;
        for (String point : points) {
            double x = Double.parseDouble(point.split(",")[0]);
            double y = Double.parseDouble(point.split(",")[1]);
            assertThat(x).isBetween(left, right).isGreaterThanOrEqualTo(lastX);
            assertThat(y).isBetween(top, bottom).isLessThanOrEqualTo(lastY);
            lastX = x;
            lastY = y;
        }
        assertThat(Double.parseDouble(points[0].split(",")[0])).isEqualTo(left);
        assertThat(lastX).isEqualTo(right);
        // 300 µs for the first 98.5% (up to x = log10(1/0.015) = 1.82 nines), then 2.7 ms (of 3 ms) at the end
        double height = bottom - top;
        assertThat(Double.parseDouble(points[0].split(",")[1])).isCloseTo(bottom - height * 0.3 / 3, within(0.2));
        assertThat(lastY).isCloseTo(bottom - height * 2.7 / 3, within(0.2));
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }

    @Test
    void should_escape_names_and_replace_a_method_added_again() throws Exception {
        // GIVEN
        String method = "<script>alert('x')</script> & \"quoted\"";
        Latency latency = Latency.of("<b>f</b>", "main.(*T).f", TestLatencies.histogram(1, 900),
                TestLatencies.clean(1), null);
        HtmlReport report = new HtmlReport(dir, "A&B");
        report.add(method, List.of(Latency.empty("g", "main.g")));
        // WHEN
        report.add(method, List.of(latency));
        Path page = report.write();
        // THEN
        assertThat(page).hasFileName("A_B.html");
        assertThat(Files.readString(page)).doesNotContain("<script>").doesNotContain("<b>");
        Element html = parse(page).getDocumentElement();
        assertThat(texts(html, "h1")).containsExactly("A&B");
        assertThat(texts(html, "h2")).containsExactly(method);
        assertThat(texts(html, "h3")).containsExactly("<b>f</b> main.(*T).f");
    }

    @Test
    void should_open_with_each_tests_verdict_and_mark_failed_gates_in_red() throws Exception {
        // GIVEN a passing test with a threshold gate and a failing one whose p99 regressed against a baseline
        Latency stmt = TestLatencies.stmtExecute();
        Histogram base = TestLatencies.histogram(1, 900);
        GateResult threshold = new GateResult("StmtIT.fast()", stmt.function(), "p99", stmt.p99().toNanos(), "< 5 ms",
                GateResult.PASS, 5_000_000, null, null, "");
        GateResult p50 = new GateResult("StmtIT.notSlower()", "parse", "p50", 500, "baseline 450 ns + 10%",
                GateResult.PASS, 495, oneToThousand().histogram(), base, "p50 is +1.0%");
        GateResult p99 = new GateResult("StmtIT.notSlower()", "parse", "p99", 990, "baseline 891 ns + 10%",
                GateResult.FAIL, 980, oneToThousand().histogram(), base, "p99 is +11.1%, at least the 10% tolerance");
        HtmlReport report = new HtmlReport(dir, "StmtIT");
        report.add("fast", List.of(stmt), HtmlReport.Outcome.PASSED, "", List.of(threshold));
        report.add("notSlower", List.of(oneToThousand()), HtmlReport.Outcome.FAILED, "Expecting p99 ...", List.of(p50, p99));
        // WHEN
        Element html = parse(report.write()).getDocumentElement();
        // THEN the first table is the verdicts, the failed test's row marked "fail"
        Element verdicts = elements(html, "table").get(0);
        assertThat(verdicts.getAttribute("class")).isEqualTo("verdicts");
        List<Element> rows = elements(verdicts, "tr");
        assertThat(rows).extracting(r -> r.getAttribute("class")).containsExactly("", "pass", "fail");
        assertThat(texts(rows.get(1), "td")).containsExactly("fast", "passed", "1 gate: 1 passed");
        assertThat(texts(rows.get(2), "td")).containsExactly("notSlower", "FAILED", "2 gates: 1 FAILED, 1 passed");
        assertThat(texts(html, "h2")).containsExactly("passed fast", "FAILED notSlower");
        assertThat(texts(html, "pre")).containsExactly("Expecting p99 ...");
        // each section lists its gates, the failed one in a "fail" row
        Element failing = elements(html, "section").get(1);
        Element gates = elements(failing, "table").get(0);
        assertThat(gates.getAttribute("class")).isEqualTo("gates");
        assertThat(elements(gates, "tr")).extracting(r -> r.getAttribute("class")).containsExactly("", "pass", "fail");
        assertThat(texts(elements(gates, "tr").get(2), "td")).containsExactly("parse",
                "p99", "990 ns", "baseline 891 ns + 10%", "FAIL", "p99 is +11.1%, at least the 10% tolerance");
        // the compared function's plot overlays the baseline and draws both limits in their verdict's colour
        Element svg = elements(failing, "svg").get(0);
        assertThat(elements(svg, "polyline")).extracting(l -> l.getAttribute("class") + " " + l.getAttribute("stroke"))
                .containsExactly("baseline " + PercentilePlot.BASELINE, "latency " + PercentilePlot.LINE);
        assertThat(elements(svg, "g")).extracting(g -> g.getAttribute("class")).containsExactly("limit pass", "limit fail");
        Element failBar = elements(elements(svg, "g").get(1), "line").get(0);
        assertThat(failBar.getAttribute("stroke")).isEqualTo(PercentilePlot.FAIL);
        assertThat(texts(svg, "text")).contains("current", "baseline", "p99 baseline 891 ns + 10%: FAIL");
        // the threshold's plot has its limit and no baseline
        Element passing = elements(elements(html, "section").get(0), "svg").get(0);
        assertThat(elements(passing, "polyline")).hasSize(1);
        assertThat(elements(passing, "g")).extracting(g -> g.getAttribute("class")).containsExactly("limit pass");
    }

    @Test
    void should_draw_the_limit_at_its_height_and_the_statistics_percentile() throws Exception {
        // GIVEN 1..1000 ns gated at p90 <= 950 ns (y axis 0..1 µs)
        GateResult g = new GateResult("T.m()", "main.parse", "p90", 900, "<= 950 ns", GateResult.PASS, 950, null, null, "");
        HtmlReport report = new HtmlReport(dir, "T");
        report.add("m", List.of(oneToThousand()), HtmlReport.Outcome.PASSED, "", List.of(g));
        // WHEN
        Element svg = elements(parse(report.write()).getDocumentElement(), "svg").get(0);
        // THEN the bar sits at x = 1 nine of 4, y = 95% of the height; the dot at 900 ns
        Element area = elements(svg, "rect").get(0);
        double left = Double.parseDouble(area.getAttribute("x"));
        double width = Double.parseDouble(area.getAttribute("width"));
        double bottom = Double.parseDouble(area.getAttribute("y")) + Double.parseDouble(area.getAttribute("height"));
        double height = Double.parseDouble(area.getAttribute("height"));
        Element bar = elements(elements(svg, "g").get(0), "line").get(0);
        assertThat((Double.parseDouble(bar.getAttribute("x1")) + Double.parseDouble(bar.getAttribute("x2"))) / 2)
                .isCloseTo(left + width / 4, within(0.2));
        assertThat(Double.parseDouble(bar.getAttribute("y1"))).isCloseTo(bottom - height * 0.95, within(0.2));
        Element dot = elements(svg, "circle").get(0);
        assertThat(Double.parseDouble(dot.getAttribute("cy"))).isCloseTo(bottom - height * 0.9, within(0.2));
    }

    @Test
    void should_plot_a_comparison_of_other_histograms_than_the_traced_window_on_its_own() throws Exception {
        // GIVEN a duet: the method traced the candidate's service, the gate judged the duet's rounds
        Histogram rounds = TestLatencies.histogram(1, 900);
        GateResult p50 = new GateResult("T.duet()", "parse", "p50", 450, "baseline 400 ns + 10%", GateResult.FAIL, 440,
                rounds, TestLatencies.histogram(1, 800), "p50 is +12.5%");
        HtmlReport report = new HtmlReport(dir, "T");
        report.add("duet", List.of(oneToThousand()), HtmlReport.Outcome.FAILED, "regression", List.of(p50));
        // WHEN
        Element html = parse(report.write()).getDocumentElement();
        // THEN the traced window's plot has neither baseline nor limit; the comparison's own plot has both
        assertThat(texts(html, "h3")).containsExactly("parse main.parse", "parse as compared");
        List<Element> svgs = elements(html, "svg");
        assertThat(elements(svgs.get(0), "polyline")).extracting(l -> l.getAttribute("class")).containsExactly("latency");
        assertThat(elements(svgs.get(0), "g")).isEmpty();
        assertThat(elements(svgs.get(1), "polyline")).extracting(l -> l.getAttribute("class"))
                .containsExactly("baseline", "latency");
        assertThat(elements(svgs.get(1), "g")).extracting(g -> g.getAttribute("class")).containsExactly("limit fail");
    }
}
