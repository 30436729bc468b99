// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.report;

import dev.golat.report.HtmlReport;
import dev.golat.result.CallCounts;
import dev.golat.result.Latency;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders a real report in headless Chromium and looks at the pixels: the plot area must hold the latency
 * curve, drawn in its colour and rising from left to right. The same check is shown to fail on pages
 * without the plot and without the curve.
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
        BufferedImage shot = screenshot(page, "report");

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
        Optional<String> withoutSvg = plotProblem(screenshot(noSvg, "no-svg"), colours);
        Optional<String> withoutCurve = plotProblem(screenshot(noCurve, "no-curve"), colours);

        // THEN
        assertThat(withoutSvg).contains("no plot area (" + colours.area() + ") in the screenshot");
        assertThat(withoutCurve).hasValueSatisfying(problem -> assertThat(problem).startsWith("only 0 pixels"));
    }

    /** The colours the page asks for: the first plot's area fill and curve stroke. */
    record Colours(Color area, Color line) {
        static Colours of(Path page) throws Exception {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            Element root = factory.newDocumentBuilder().parse(page.toFile()).getDocumentElement();
            Element rect = (Element) root.getElementsByTagName("rect").item(0);
            Element line = (Element) root.getElementsByTagName("polyline").item(0);
            return new Colours(Color.decode(rect.getAttribute("fill")), Color.decode(line.getAttribute("stroke")));
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
    private BufferedImage screenshot(Path page, String name) throws IOException, InterruptedException {
        assertThat(CHROMIUM).as("Chromium, installed by scripts/bootstrap").isExecutable();
        Path png = dir.resolve(name + ".png");
        Path log = dir.resolve(name + "-chromium.log");
        Path profile = Files.createDirectories(dir.resolve(name + "-profile"));
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1200,900",
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
        assertThat(image.getHeight()).isEqualTo(900);
        return image;
    }
}
