// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.report;

import dev.golat.agent.BreakdownSnapshot;
import dev.golat.agent.Buckets;
import dev.golat.agent.Component;
import dev.golat.agent.Counters;
import dev.golat.agent.ExemplarSnapshot;
import dev.golat.agent.ProbeSnapshot;
import dev.golat.report.HtmlReport;
import dev.golat.result.CallCounts;
import dev.golat.result.GateResult;
import dev.golat.result.Latency;
import dev.golat.result.Snapshots;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders a real report in headless Chromium and looks at the pixels: the plot area must hold the latency
 * curve, drawn in its colour and rising from left to right; a failed gate's test must show red at the top of the
 * page, and its plot the baseline's curve under the slower current one and the failed limit in red; a breakdown
 * must show each component's bars in its colour, in proportion. Each check is shown to fail on a page without what it
 * looks for.
 */
class HtmlReportRenderIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 90;

    @TempDir
    Path dir;

    /** Log-normal-ish latencies around {@code medianNs}, with a tail. */
    private static Latency latency(String name, long medianNs, long seed) {
        Random random = new Random(seed);
        Histogram h = new Histogram(3);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            h.recordValue((long) (medianNs * Math.exp(0.4 * random.nextGaussian())) + (i % 500 == 0 ? 20 * medianNs : 0));
        }
        return Latency.of(name, "main." + name, h, new CallCounts(n, n, 0, 0, 0, 0, 0), null);
    }

    @Test
    void should_render_the_percentile_plot_in_a_real_browser() throws Exception {
        // GIVEN a report of two test methods, three traced functions
        HtmlReport report = new HtmlReport(dir.resolve("golat"), "StmtServerLatencyIT");
        report.add("executeStaysFast", List.of(latency("handleStmtExecute", 300_000, 1), latency("parse", 40_000, 2)));
        report.add("prepare", List.of(latency("handleStmtPrepare", 1_200_000, 3)));
        Path page = report.write();
        Colours colours = Colours.of(page);

        // WHEN
        BufferedImage shot = screenshot(page, "report", 900);

        // THEN
        assertThat(plotProblem(shot, colours)).isEmpty();
    }

    @Test
    void should_tell_a_page_without_the_plot_from_one_with_it() throws Exception {
        // GIVEN the same report, once without its SVG plots and once without the curves
        HtmlReport report = new HtmlReport(dir.resolve("golat"), "StmtServerLatencyIT");
        report.add("executeStaysFast", List.of(latency("handleStmtExecute", 300_000, 1)));
        Path page = report.write();
        Colours colours = Colours.of(page);
        String html = Files.readString(page);
        Path noSvg = Files.writeString(dir.resolve("no-svg.html"),
                html.replaceAll("(?s)<svg.*?</svg>", ""), StandardCharsets.UTF_8);
        Path noCurve = Files.writeString(dir.resolve("no-curve.html"),
                html.replaceAll("(?s)<polyline.*?/>", ""), StandardCharsets.UTF_8);

        // WHEN
        Optional<String> withoutSvg = plotProblem(screenshot(noSvg, "no-svg", 900), colours);
        Optional<String> withoutCurve = plotProblem(screenshot(noCurve, "no-curve", 900), colours);

        // THEN
        assertThat(withoutSvg).contains("no plot area (" + colours.area() + ") in the screenshot");
        assertThat(withoutCurve).hasValueSatisfying(problem -> assertThat(problem).startsWith("only 0 pixels"));
    }

    /**
     * 2,000 calls of ~1.1 ms broken down: running ~100 µs, asleep ~1 ms (p99 1.2 ms), and their three slowest calls,
     * as the agent's snapshot would carry them.
     */
    private static Latency brokenDown() {
        int n = 2_000;
        Map<Component, long[][]> buckets = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            buckets.put(c, new long[][] {{0}, {n}});
        }
        buckets.put(Component.RUNNING, new long[][] {{Buckets.index(90_000), Buckets.index(110_000)}, {n / 2, n / 2}});
        long[][] sleep = {{Buckets.index(1_000_000), Buckets.index(1_200_000)}, {n - 40, 40}};
        buckets.put(Component.WAITING, sleep);
        buckets.put(Component.WAIT_SLEEP, sleep);
        List<ExemplarSnapshot> slowest = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<Component, Long> parts = new EnumMap<>(Component.class);
            for (Component c : Component.values()) {
                parts.put(c, 0L);
            }
            parts.put(Component.RUNNING, 110_000L);
            parts.put(Component.WAITING, 1_200_000L - i * 10_000);
            parts.put(Component.WAIT_SLEEP, 1_200_000L - i * 10_000);
            slowest.add(new ExemplarSnapshot(1_310_000L - i * 10_000, 4711 + i, parts));
        }
        ProbeSnapshot probe = new ProbeSnapshot(0, "main.blockSleep", new Counters(n, n, n, 0, 0, 0, 0, 0, 0),
                new int[] {Buckets.index(1_100_000), Buckets.index(1_310_000)}, new long[] {n - 40, 40});
        return Snapshots.toLatency("blockSleep", "main.blockSleep",
                probe.withBreakdown(new BreakdownSnapshot(n, 0, 0, buckets, slowest)), null);
    }

    @Test
    void should_render_the_breakdown_bars_and_the_slowest_calls_in_a_real_browser() throws Exception {
        // GIVEN a report of one function traced with its breakdown
        HtmlReport report = new HtmlReport(dir.resolve("golat"), "BreakdownIT");
        report.add("sleeps", List.of(brokenDown()));
        Path page = report.write();
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(page.toFile())
                .getDocumentElement();
        Color running = Color.decode(Colours.withClass(root, "rect", "bar running").orElseThrow().getAttribute("fill"));
        Color sleep = Color.decode(Colours.withClass(root, "rect", "bar waiting-sleep").orElseThrow()
                .getAttribute("fill"));
        Path without = Files.writeString(dir.resolve("no-breakdown.html"), Files.readString(page)
                .replaceAll("(?s)<svg class=\"breakdown\".*?</svg>", ""), StandardCharsets.UTF_8);

        // WHEN
        BufferedImage shot = screenshot(page, "breakdown", 1500);
        BufferedImage withoutShot = screenshot(without, "no-breakdown", 1500);

        // THEN the running and the sleep bars in their colours, the sleep's ten times as long; none without the SVG
        assertThat(breakdownProblem(shot, running, sleep)).isEmpty();
        assertThat(breakdownProblem(withoutShot, running, sleep))
                .hasValueSatisfying(p -> assertThat(p).startsWith("only 0 pixels of the running bars"));
        var rows = root.getElementsByTagName("table");
        Element exemplars = null;
        for (int i = 0; i < rows.getLength(); i++) {
            if (((Element) rows.item(i)).getAttribute("class").equals("exemplars")) {
                exemplars = (Element) rows.item(i);
            }
        }
        assertThat(exemplars).as("the slowest calls' table").isNotNull();
        assertThat(exemplars.getElementsByTagName("tr").getLength()).as("header and three slowest calls").isEqualTo(4);
        assertThat(exemplars.getTextContent()).contains("4711", "1.31 ms", "1.2 ms sleep");
    }

    /**
     * Why the screenshot does not show the breakdown's bars, or empty when it does: at least 60 pixels of each bar
     * colour (exactly, within 12 per channel), and the sleep bars reaching at least five times as far right of their
     * common left edge as the running bars (their p99s are 1.2 ms and ~110 µs on one linear scale).
     */
    static Optional<String> breakdownProblem(BufferedImage image, Color running, Color sleep) {
        int[] all = {0, 0, image.getWidth() - 1, image.getHeight() - 1};
        List<int[]> r = pixels(image, all, running, 12);
        List<int[]> s = pixels(image, all, sleep, 12);
        if (r.size() < 60) {
            return Optional.of("only " + r.size() + " pixels of the running bars' colour " + running);
        }
        if (s.size() < 60) {
            return Optional.of("only " + s.size() + " pixels of the sleep bars' colour " + sleep);
        }
        int left = Math.min(r.stream().mapToInt(p -> p[0]).min().getAsInt(), s.stream().mapToInt(p -> p[0]).min()
                .getAsInt());
        int runningReach = r.stream().mapToInt(p -> p[0]).max().getAsInt() - left;
        int sleepReach = s.stream().mapToInt(p -> p[0]).max().getAsInt() - left;
        if (sleepReach < 5 * Math.max(1, runningReach)) {
            return Optional.of("the sleep bars reach " + sleepReach + " px, the running bars " + runningReach + " px");
        }
        return Optional.empty();
    }

    /** A latency 20% slower than {@code latency(name, medianNs, seed)}: the same calls, each 1.2 times as long. */
    private static Latency slower(String name, long medianNs, long seed) {
        Latency base = latency(name, medianNs, seed);
        Histogram h = new Histogram(3);
        base.histogram().recordedValues().forEach(v -> h.recordValueWithCount(Math.round(v.getValueIteratedTo() * 1.2),
                v.getCountAtValueIteratedTo()));
        return Latency.of(name, "main." + name, h, base.counters(), null);
    }

    /** A page with a passing threshold gate and a test whose p99 regressed against its baseline (or passed). */
    private Path gatedReport(String file, boolean regressed) {
        Latency base = latency("handleStmtExecute", 300_000, 1);
        Latency current = regressed ? slower("handleStmtExecute", 300_000, 1) : latency("handleStmtExecute", 300_000, 1);
        Latency parse = latency("parse", 40_000, 2);
        HtmlReport report = new HtmlReport(dir.resolve(file), "StmtServerLatencyIT");
        report.add("parseStaysFast", List.of(parse), HtmlReport.Outcome.PASSED, "", List.of(new GateResult(
                "StmtServerLatencyIT.parseStaysFast()", "main.parse", "p99", parse.p99().toNanos(), "< 1 ms",
                GateResult.PASS, 1_000_000, null, null, "")));
        List<GateResult> gates = new ArrayList<>();
        for (double q : new double[] {50, 99}) {
            long b = base.histogram().getValueAtPercentile(q);
            long c = current.histogram().getValueAtPercentile(q);
            boolean failed = regressed && q == 99;
            gates.add(new GateResult("StmtServerLatencyIT.notSlower()", "handleStmtExecute", q == 50 ? "p50" : "p99", c,
                    "baseline " + b / 1000 + " µs + 10%", failed ? GateResult.FAIL : GateResult.PASS,
                    Math.round(b * 1.1), current.histogram(), base.histogram(), failed ? "p99 is +20%" : "within 10%"));
        }
        report.add("notSlower", List.of(current), regressed ? HtmlReport.Outcome.FAILED : HtmlReport.Outcome.PASSED,
                regressed ? "p99 of handleStmtExecute is +20%" : "", gates);
        return report.write();
    }

    @Test
    void should_show_a_failed_gate_in_red_at_the_top_and_its_limit_over_the_baseline_in_a_real_browser() throws Exception {
        // GIVEN a page whose second test regressed at p99 against its baseline
        Path page = gatedReport("failed", true);
        Colours colours = Colours.of(page);

        // WHEN
        BufferedImage shot = screenshot(page, "gated", 1500);

        // THEN red at the top, above the first plot; the second plot overlays the baseline and shows the red limit
        List<int[]> areas = areas(shot, colours.area());
        assertThat(areas).as("plot areas").hasSize(2);
        assertThat(failedAtTheTop(shot, colours, areas.get(0))).isEmpty();
        assertThat(overlayProblem(shot, colours, areas.get(1))).isEmpty();
        assertThat(count(shot, areas.get(1), colours.fail(), 40)).as("pixels of the failed limit").isGreaterThanOrEqualTo(60);
        assertThat(count(shot, areas.get(0), colours.fail(), 40)).as("red in the passing test's plot").isZero();
    }

    @Test
    void should_tell_a_passing_page_and_one_without_the_baseline_from_the_failed_one() throws Exception {
        // GIVEN the same page with every gate passed, and the failed page without the baseline's curve
        Path passed = gatedReport("passed", false);
        Path failed = gatedReport("failed", true);
        Colours colours = Colours.of(failed);
        Path noBaseline = Files.writeString(dir.resolve("no-baseline.html"),
                Files.readString(failed).replaceAll("(?s)<polyline class=\"baseline\".*?/>", ""), StandardCharsets.UTF_8);

        // WHEN
        BufferedImage passedShot = screenshot(passed, "passed", 1500);
        BufferedImage noBaselineShot = screenshot(noBaseline, "no-baseline", 1500);

        // THEN
        List<int[]> passedAreas = areas(passedShot, colours.area());
        assertThat(failedAtTheTop(passedShot, colours, passedAreas.get(0)))
                .hasValueSatisfying(p -> assertThat(p).startsWith("only 0 pixels of the failed row's background"));
        assertThat(count(passedShot, passedAreas.get(1), colours.fail(), 40)).isZero();
        assertThat(overlayProblem(noBaselineShot, colours, areas(noBaselineShot, colours.area()).get(1)))
                .hasValueSatisfying(p -> assertThat(p).matches("only \\d+ pixels of the baseline's colour .*")); // the legend's
    }

    /** Why the page does not show a failed test in red above the first plot, or empty when it does. */
    static Optional<String> failedAtTheTop(BufferedImage image, Colours colours, int[] firstArea) {
        int[] above = {0, 0, image.getWidth() - 1, firstArea[1] - 1};
        int background = count(image, above, colours.failRow(), 0);
        if (background < 2_000) {
            return Optional.of("only " + background + " pixels of the failed row's background " + colours.failRow()
                    + " above the first plot (y < " + firstArea[1] + ")");
        }
        int text = count(image, above, colours.failText(), 40);
        if (text < 20) {
            return Optional.of("only " + text + " pixels of the failed verdict's colour " + colours.failText()
                    + " above the first plot");
        }
        return Optional.empty();
    }

    /**
     * Why {@code area} does not show the current curve over the baseline's, or empty when it does: at least 200
     * pixels of each colour, and at the right 15% of the area (the tail) the current curve higher (smaller y) than
     * the baseline, as a 20% slower candidate must be.
     */
    static Optional<String> overlayProblem(BufferedImage image, Colours colours, int[] area) {
        List<int[]> current = pixels(image, area, colours.line(), 40);
        List<int[]> baseline = pixels(image, area, colours.baseline(), 40);
        if (baseline.size() < 200) {
            return Optional.of("only " + baseline.size() + " pixels of the baseline's colour " + colours.baseline()
                    + " in the plot area " + java.util.Arrays.toString(area));
        }
        if (current.size() < 200) {
            return Optional.of("only " + current.size() + " pixels of the current curve's colour " + colours.line());
        }
        int right = area[2] - (area[2] - area[0]) * 15 / 100;
        double currentY = current.stream().filter(p -> p[0] >= right).mapToInt(p -> p[1]).average().orElse(Double.NaN);
        double baselineY = baseline.stream().filter(p -> p[0] >= right).mapToInt(p -> p[1]).average().orElse(Double.NaN);
        if (!(currentY < baselineY - 5)) {
            return Optional.of("the current curve is not above the baseline at the tail: mean y " + currentY
                    + " against " + baselineY);
        }
        return Optional.empty();
    }

    /**
     * The plot areas of the screenshot, top to bottom: {x0, y0, x1, y1} of each run of rows holding the area's
     * fill colour across at least 100 pixels (a gap of up to 4 rows, a gridline, does not end a run).
     */
    static List<int[]> areas(BufferedImage image, Color fill) {
        List<int[]> out = new ArrayList<>();
        int[] box = null;
        int gap = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            int minX = Integer.MAX_VALUE;
            int maxX = -1;
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (fill.getRGB() & 0xffffff)) {
                    minX = Math.min(minX, x);
                    maxX = x;
                }
            }
            if (maxX - minX >= 100) {
                if (box == null) {
                    box = new int[] {minX, y, maxX, y};
                    out.add(box);
                }
                box[0] = Math.min(box[0], minX);
                box[2] = Math.max(box[2], maxX);
                box[3] = y;
                gap = 0;
            } else if (box != null && ++gap > 4) {
                box = null;
            }
        }
        out.removeIf(b -> b[3] - b[1] < 50);
        return out;
    }

    private static List<int[]> pixels(BufferedImage image, int[] box, Color colour, int tolerance) {
        List<int[]> out = new ArrayList<>();
        for (int y = Math.max(0, box[1]); y <= Math.min(image.getHeight() - 1, box[3]); y++) {
            for (int x = Math.max(0, box[0]); x <= Math.min(image.getWidth() - 1, box[2]); x++) {
                if (near(new Color(image.getRGB(x, y)), colour, tolerance)) {
                    out.add(new int[] {x, y});
                }
            }
        }
        return out;
    }

    private static int count(BufferedImage image, int[] box, Color colour, int tolerance) {
        return pixels(image, box, colour, tolerance).size();
    }

    /**
     * The colours the page asks for: the plot area's fill, the current and the baseline curves' strokes, a failed
     * limit's stroke (from the SVG), and a failed row's background and verdict colour (from the page's style).
     */
    record Colours(Color area, Color line, Color baseline, Color fail, Color failRow, Color failText) {
        static Colours of(Path page) throws Exception {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            Element root = factory.newDocumentBuilder().parse(page.toFile()).getDocumentElement();
            Color area = Color.decode(withClass(root, "rect", "area").map(e -> e.getAttribute("fill")).orElseThrow());
            Color line = Color.decode(withClass(root, "polyline", "latency").map(e -> e.getAttribute("stroke")).orElseThrow());
            Color baseline = withClass(root, "polyline", "baseline").map(e -> Color.decode(e.getAttribute("stroke")))
                    .orElse(Color.BLACK);
            Color fail = withClass(root, "g", "limit fail")
                    .map(g -> Color.decode(((Element) g.getElementsByTagName("line").item(0)).getAttribute("stroke")))
                    .orElse(Color.BLACK);
            String style = root.getElementsByTagName("style").item(0).getTextContent();
            return new Colours(area, line, baseline, fail, cssColour(style, "tr.fail td \\{ background: (#[0-9a-f]{6})"),
                    cssColour(style, "tr.fail td.verdict, [^{]*\\{ color: (#[0-9a-f]{6})"));
        }

        private static Optional<Element> withClass(Element root, String tag, String cls) {
            var nodes = root.getElementsByTagName(tag);
            for (int i = 0; i < nodes.getLength(); i++) {
                Element e = (Element) nodes.item(i);
                if (e.getAttribute("class").equals(cls)) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }

        private static Color cssColour(String style, String regex) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(style);
            assertThat(m.find()).as("the page's style has /%s/", regex).isTrue();
            return Color.decode(m.group(1));
        }
    }

    /**
     * Why the screenshot does not show a plot, or empty when it does: the plot area is the bounding box of the
     * pixels of its fill colour; inside it, at least 200 pixels must be of the curve's colour (each channel
     * within 40, to allow for anti-aliasing), and the curve must sit higher at the right edge (the tail) than
     * at the left edge (the median).
     */
    static Optional<String> plotProblem(BufferedImage image, Colours colours) {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (colours.area().getRGB() & 0xffffff)) {
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX - minX < 100 || maxY - minY < 50) {
            return Optional.of("no plot area (" + colours.area() + ") in the screenshot");
        }
        List<int[]> line = new ArrayList<>();
        for (int y = minY; y <= maxY; y++) {
            for (int x = minX; x <= maxX; x++) {
                if (near(new Color(image.getRGB(x, y)), colours.line(), 40)) {
                    line.add(new int[] {x, y});
                }
            }
        }
        if (line.size() < 200) {
            return Optional.of("only " + line.size() + " pixels of the curve colour " + colours.line()
                    + " in the plot area [" + minX + ".." + maxX + "] x [" + minY + ".." + maxY + "]");
        }
        int width = maxX - minX;
        int fifteenPercent = width * 15 / 100;
        final int left = minX + fifteenPercent;
        final int right = maxX - fifteenPercent;
        double leftY = line.stream().filter(p -> p[0] <= left).mapToInt(p -> p[1]).average().orElse(Double.NaN);
        double rightY = line.stream().filter(p -> p[0] >= right).mapToInt(p -> p[1]).average().orElse(Double.NaN);
        if (!(rightY < leftY - 20)) {
            return Optional.of("the curve does not rise: mean y " + leftY + " at the left, " + rightY
                    + " at the right");
        }
        return Optional.empty();
    }

    private static boolean near(Color a, Color b, int tolerance) {
        return Math.abs(a.getRed() - b.getRed()) <= tolerance
                && Math.abs(a.getGreen() - b.getGreen()) <= tolerance
                && Math.abs(a.getBlue() - b.getBlue()) <= tolerance;
    }

    /** Runs headless Chromium on {@code page} and reads its screenshot; kills Chromium when it hangs. */
    private BufferedImage screenshot(Path page, String name, int height) throws IOException, InterruptedException {
        assertThat(CHROMIUM).as("Chromium, installed by scripts/bootstrap").isExecutable();
        Path png = dir.resolve(name + ".png");
        Path log = dir.resolve(name + "-chromium.log");
        Path profile = Files.createDirectories(dir.resolve(name + "-profile"));
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1200," + height,
                page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Set<ProcessHandle> started = new LinkedHashSet<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!chromium.waitFor(100, TimeUnit.MILLISECONDS)) {
                chromium.descendants().forEach(started::add);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Chromium did not finish the screenshot of " + page + " within "
                            + TIMEOUT_SECONDS + " s; log " + log);
                }
            }
            assertThat(chromium.exitValue()).as("Chromium exit status, log: %s", log).isZero();
        } finally {
            started.add(chromium.toHandle());
            started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(png).as("screenshot of %s, Chromium log: %s", page, log).isNotEmptyFile();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(image.getHeight()).isEqualTo(height);
        return image;
    }
}
