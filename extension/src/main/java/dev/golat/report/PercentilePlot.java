// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.result.Latency;
import dev.golat.result.Units;
import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * An inline SVG plot of latency against percentile, drawn like HdrHistogram's plots: the x axis counts
 * "nines" ({@code x = log10(1 / (1 - p))}: 0%, 90%, 99%, 99.9%, 99.99% are equally spaced), the y axis is
 * linear from 0. The axis reaches at least 99.99%, and further (up to 99.9999%) when there are enough
 * samples for those percentiles to differ from the max. The curve ends at the max. A function traced on several
 * nodes gets one thinner curve per node and a legend, under the curve of all their calls.
 */
final class PercentilePlot {

    /** Colour of the latency curve; nothing else on the page uses it. */
    static final String LINE = "#d9480f";
    /** Colours of the nodes' curves when a function is traced on several nodes (then {@link #LINE} is all of them). */
    static final String[] NODE_LINES = {"#1c7ed6", "#37b24d", "#ae3ec9", "#f59f00", "#0ca678", "#e64980"};
    /** Background of the plot area. */
    static final String AREA = "#f3f6fb";

    static final int WIDTH = 640;
    static final int HEIGHT = 320;
    private static final int LEFT = 78;
    private static final int RIGHT = 44;
    private static final int TOP = 16;
    private static final int BOTTOM = 52;
    private static final int SAMPLES = 240;

    private PercentilePlot() {
    }

    /** The plot of {@code latency}, which must have samples. */
    static String svg(Latency latency) {
        Histogram h = latency.histogram();
        long n = h.getTotalCount();
        if (n == 0) {
            throw new IllegalArgumentException("no percentile plot for " + latency.name() + ": no call measured");
        }
        int nines = (int) Math.max(4, Math.min(6, Math.ceil(Math.log10(n))));
        long max = h.getMaxValue(); // every node's max is at most this
        long step = yStep(max);
        long top = Math.max(step, ((max + step - 1) / step) * step);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" "
                        + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape("latency by percentile of " + latency.name())));
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

        int k = 0;
        for (var node : latency.perNode().entrySet()) {
            String colour = NODE_LINES[k % NODE_LINES.length];
            double ly = TOP + 14 + 16 * k++;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/>%n", LEFT + 12.0, ly, LEFT + 32.0, ly, colour));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%.1f\" dominant-baseline=\"middle\">%s</text>%n",
                    LEFT + 38.0, ly, Html.escape(node.getKey() + " (n=" + Units.count(node.getValue().count()) + ")")));
            Histogram nh = node.getValue().histogram();
            if (nh.getTotalCount() > 0) {
                curve(svg, "latency node", colour, 1.5, nh, nines, plotW, plotH, top);
            }
        }
        if (!latency.perNode().isEmpty()) {
            double ly = TOP + 14 + 16 * k;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"%s\" "
                    + "stroke-width=\"2.5\"/>%n", LEFT + 12.0, ly, LEFT + 32.0, ly, LINE));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%.1f\" dominant-baseline=\"middle\">all nodes</text>%n",
                    LEFT + 38.0, ly));
        }
        curve(svg, "latency", LINE, 2.5, h, nines, plotW, plotH, top);
        svg.append("</svg>");
        return svg.toString();
    }

    private static void curve(StringBuilder svg, String cssClass, String colour, double width, Histogram h, int nines,
            double plotW, double plotH, long top) {
        svg.append("<polyline class=\"").append(cssClass).append("\" fill=\"none\" stroke=\"").append(colour)
                .append("\" stroke-width=\"").append(width).append("\" stroke-linejoin=\"round\" points=\"");
        for (int i = 0; i <= SAMPLES; i++) {
            double x = (double) nines * i / SAMPLES;
            double p = i == 0 ? 0 : 100 * (1 - Math.pow(10, -x));
            point(svg, LEFT + plotW * i / SAMPLES, TOP + plotH - plotH * h.getValueAtPercentile(p) / top);
        }
        point(svg, LEFT + plotW, TOP + plotH - plotH * h.getMaxValue() / top);
        svg.setLength(svg.length() - 1);
        svg.append("\"/>\n");
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
