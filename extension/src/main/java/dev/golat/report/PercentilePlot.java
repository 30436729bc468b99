// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.result.GateResult;
import dev.golat.result.Latency;
import dev.golat.result.Units;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An inline SVG plot of latency against percentile, drawn like HdrHistogram's plots: the x axis counts
 * "nines" ({@code x = log10(1 / (1 - p))}: 0%, 90%, 99%, 99.9%, 99.99% are equally spaced), the y axis is
 * linear from 0. The axis reaches at least 99.99%, and further (up to 99.9999%) when there are enough
 * samples for those percentiles to differ from the max. The curve ends at the max. A function traced on several
 * nodes gets one thinner curve per node and a legend, under the curve of all their calls.
 *
 * <p>Over it, when the test gated the function: the baseline's curve (dashed), and for each gate the limit its
 * statistic was held to, a bar at the statistic's percentile in the colour of its verdict, with a dot at the
 * measured value.
 */
final class PercentilePlot {

    /** Colour of the latency curve; nothing else on the page uses it. */
    static final String LINE = "#6741d9";
    /** Colours of the nodes' curves when a function is traced on several nodes (then {@link #LINE} is all of them). */
    static final String[] NODE_LINES = {"#1c7ed6", "#37b24d", "#ae3ec9", "#f59f00", "#0ca678", "#e64980"};
    /** Colour of the baseline's curve (dashed); no node's. */
    static final String BASELINE = "#0b7285";
    /** Colours of a gate's limit by verdict. */
    static final String PASS = "#2b8a3e";
    static final String FAIL = "#e03131";
    static final String INCONCLUSIVE = "#f59f00";
    /** Background of the plot area. */
    static final String AREA = "#f3f6fb";

    static final int WIDTH = 640;
    static final int HEIGHT = 320;
    private static final int LEFT = 78;
    private static final int RIGHT = 44;
    private static final int TOP = 16;
    private static final int BOTTOM = 52;
    private static final int SAMPLES = 240;
    /** A limit further above the curves than this many times their top is drawn at the top edge, labelled. */
    private static final double LIMIT_HEADROOM = 3;

    private PercentilePlot() {
    }

    static String verdictColour(GateResult g) {
        return g.passed() ? PASS : g.failed() ? FAIL : INCONCLUSIVE;
    }

    /** The plot of {@code latency} (which must have samples) and its nodes, with no baseline and no gate. */
    static String svg(Latency latency) {
        return svg(latency.name(), latency.histogram(), latency.perNode(), null, List.of());
    }

    /**
     * The plot of {@code h} (which must have samples), a curve for each of {@code perNode} (empty: one node), with
     * {@code baseline}'s curve when not null, and the limit of each of {@code gates} that has one at a percentile.
     */
    static String svg(String name, Histogram h, Map<String, Latency> perNode, Histogram baseline, List<GateResult> gates) {
        long n = h.getTotalCount();
        if (n == 0) {
            throw new IllegalArgumentException("no percentile plot for " + name + ": no call measured");
        }
        if (baseline != null && baseline.getTotalCount() == 0) {
            baseline = null;
        }
        List<GateResult> marks = gates.stream().filter(g -> g.limitNanos() >= 0 && !Double.isNaN(g.percentile())).toList();
        long nAll = baseline == null ? n : Math.max(n, baseline.getTotalCount());
        int nines = (int) Math.max(4, Math.min(6, Math.ceil(Math.log10(nAll))));
        // every node's max is at most h's
        long dataMax = Math.max(h.getMaxValue(), baseline == null ? 0 : baseline.getMaxValue());
        long max = dataMax;
        for (GateResult g : marks) {
            if (g.limitNanos() <= LIMIT_HEADROOM * dataMax) {
                max = Math.max(max, g.limitNanos());
            }
        }
        long step = yStep(max);
        long top = Math.max(step, ((max + step - 1) / step) * step);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" "
                        + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape("latency by percentile of " + name
                        + (baseline != null ? ", with the baseline" : ""))));
        svg.append(String.format(Locale.ROOT,
                "<rect class=\"area\" x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\"/>%n",
                LEFT, TOP, plotW, plotH, AREA));
        for (long y = 0; y <= top; y += step) {
            double py = TOP + plotH - plotH * y / top;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
                    + "stroke=\"#d5dbe5\"/>%n", LEFT, py, LEFT + plotW, py));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
                    + "dominant-baseline=\"middle\">%s</text>%n", LEFT - 6, py, Html.escape(Units.duration(y))));
        }
        for (int k = 0; k <= nines; k++) {
            double px = LEFT + plotW * k / nines;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" "
                    + "stroke=\"#d5dbe5\"/>%n", px, TOP, px, TOP + plotH));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>%n",
                    px, TOP + plotH + 18, ninesLabel(k)));
        }
        svg.append(String.format(Locale.ROOT, "<path d=\"M%d %d V%.0f H%.0f\" fill=\"none\" stroke=\"#444\"/>%n",
                LEFT, TOP, TOP + plotH, LEFT + plotW));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
                LEFT + plotW / 2, HEIGHT - 8));
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %.0f) rotate(-90)\" "
                + "text-anchor=\"middle\">latency</text>%n", TOP + plotH / 2));

        int row = 0;
        for (var node : perNode.entrySet()) {
            String colour = NODE_LINES[row % NODE_LINES.length];
            legend(svg, row++, node.getKey() + " (n=" + Units.count(node.getValue().count()) + ")", colour, "", 2);
            Histogram nh = node.getValue().histogram();
            if (nh.getTotalCount() > 0) {
                curve(svg, "latency node", colour, "", 1.5, nh, nines, top, plotW, plotH);
            }
        }
        if (baseline != null) {
            curve(svg, "baseline", BASELINE, " stroke-dasharray=\"7 4\"", 2, baseline, nines, top, plotW, plotH);
        }
        curve(svg, "latency", LINE, "", 2.5, h, nines, top, plotW, plotH);
        for (GateResult g : marks) {
            mark(svg, g, nines, top, plotW, plotH);
        }
        if (!perNode.isEmpty() || baseline != null) {
            legend(svg, row++, perNode.isEmpty() ? "current" : "all nodes", LINE, "", 2.5);
        }
        if (baseline != null) {
            legend(svg, row, "baseline", BASELINE, " stroke-dasharray=\"7 4\"", 2.5);
        }
        return svg.append("</svg>").toString();
    }

    private static void curve(StringBuilder svg, String cls, String colour, String dash, double width, Histogram h,
            int nines, long top, double plotW, double plotH) {
        svg.append("<polyline class=\"").append(cls).append("\" fill=\"none\" stroke=\"").append(colour).append('"')
                .append(dash).append(String.format(Locale.ROOT, " stroke-width=\"%.1f\"", width))
                .append(" stroke-linejoin=\"round\" points=\"");
        for (int i = 0; i <= SAMPLES; i++) {
            double x = (double) nines * i / SAMPLES;
            double p = i == 0 ? 0 : 100 * (1 - Math.pow(10, -x));
            point(svg, LEFT + plotW * i / SAMPLES, TOP + plotH - plotH * Math.min(top, h.getValueAtPercentile(p)) / top);
        }
        point(svg, LEFT + plotW, TOP + plotH - plotH * Math.min(top, h.getMaxValue()) / top);
        svg.setLength(svg.length() - 1);
        svg.append("\"/>\n");
    }

    /** The limit of one gate: a bar at its percentile and limit, a dot at the measured value, a label. */
    private static void mark(StringBuilder svg, GateResult g, int nines, long top, double plotW, double plotH) {
        double p = g.percentile();
        double nx = p >= 100 ? nines : Math.min(nines, p <= 0 ? 0 : Math.log10(100 / (100 - p)));
        double x = LEFT + plotW * nx / nines;
        boolean above = g.limitNanos() > top;
        double y = TOP + plotH - plotH * Math.min(top, g.limitNanos()) / top;
        double vy = TOP + plotH - plotH * Math.min(top, g.valueNanos()) / top;
        String colour = verdictColour(g);
        String cls = g.passed() ? "pass" : g.failed() ? "fail" : "inconclusive";
        double x1 = Math.max(LEFT, x - 14);
        double x2 = Math.min(LEFT + plotW, x + 14);
        svg.append(String.format(Locale.ROOT, "<g class=\"limit %s\">%n", cls));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"4\"/>%n", x1, y, x2, y, colour));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"1.5\" stroke-dasharray=\"3 3\"/>%n", x, y, x, vy, colour));
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>%n", x, vy, colour));
        String label = g.statistic() + " " + g.limit() + (above ? " (above the plot)" : "") + ": " + g.verdict();
        boolean leftSide = x > LEFT + plotW * 0.6;
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" style=\"fill: %s\" "
                + "font-weight=\"600\">%s</text>%n", leftSide ? x1 - 4 : x2 + 4, Math.max(TOP + 10, y - 6),
                leftSide ? "end" : "start", colour, Html.escape(label)));
        svg.append("</g>\n");
    }

    private static void legend(StringBuilder svg, int row, String label, String colour, String dash, double width) {
        double y = TOP + 14 + 16 * row;
        svg.append(String.format(Locale.ROOT, "<line class=\"legend\" x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" "
                + "stroke=\"%s\" stroke-width=\"%.1f\"%s/>%n", LEFT + 12, y, LEFT + 32, y, colour, width, dash));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.0f\" dominant-baseline=\"middle\">%s</text>%n",
                LEFT + 38, y, Html.escape(label)));
    }

    private static void point(StringBuilder svg, double x, double y) {
        svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }

    /** "0%", "90%", "99%", "99.9%" … for 0, 1, 2, 3 … nines. */
    static String ninesLabel(int nines) {
        return switch (nines) {
            case 0 -> "0%";
            case 1 -> "90%";
            default -> "99" + (nines > 2 ? "." + "9".repeat(nines - 2) : "") + "%";
        };
    }

    /** A 1-2-5 step giving at most 6 gridlines up to {@code max}. */
    static long yStep(long max) {
        long step = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (max / (step * m) < 6) {
                    return step * m;
                }
            }
            step *= 10;
        }
    }
}
