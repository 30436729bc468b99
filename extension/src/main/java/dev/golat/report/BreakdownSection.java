// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.result.Breakdown;
import dev.golat.result.Exemplar;
import dev.golat.result.Latency;
import dev.golat.result.Units;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A function's breakdown in the HTML report: per component (running, off-CPU, runnable, each wait class, other,
 * stop-the-world) its p50, p90 and p99 side by side as bars on one linear scale, the same figures in a table, and the
 * slowest calls (the exemplars) with their goroutines and parts. Components that are 0 at p99 are left out, except
 * running.
 */
final class BreakdownSection {
    /** The bar colour of each component, by the name the section shows. */
    static final Map<String, String> COLOURS = colours();

    private static final double[] PERCENTILES = {50, 90, 99};
    private static final int LABEL = 150;
    private static final int BARS = 460;
    private static final int VALUES = 210;
    private static final int BAR = 7;
    private static final int ROW = 3 * BAR + 10;

    private BreakdownSection() {}

    private static Map<String, String> colours() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("running", "#2f9e44");
        m.put("offCpu", "#e8590c");
        m.put("runnable", "#f08c00");
        m.put("waiting chan", "#1971c2");
        m.put("waiting select", "#4263eb");
        m.put("waiting sync", "#7048e8");
        m.put("waiting sleep", "#1098ad");
        m.put("waiting net", "#ae3ec9");
        m.put("waiting gc", "#c2255c");
        m.put("waiting syscall", "#5c940d");
        m.put("waiting other", "#868e96");
        m.put("other", "#495057");
        m.put("stw", "#862e9c");
        return m;
    }

    static void render(StringBuilder out, Latency latency) {
        if (!latency.hasBreakdown()) {
            return;
        }
        Breakdown b = latency.breakdown();
        out.append("<div class=\"breakdown\">\n<h4>breakdown of ").append(Units.count(b.calls())).append(" calls");
        if (b.lost() > 0) {
            out.append(" (").append(Units.count(b.lost())).append(" lost)");
        }
        out.append("</h4>\n");
        if (b.calls() == 0) {
            out.append("<p class=\"empty\">no call broken down</p>\n</div>\n");
            return;
        }
        Map<String, long[]> shown = shown(b);
        bars(out, shown);
        table(out, shown);
        exemplars(out, b.exemplars());
        out.append("</div>\n");
    }

    /** Each component to show, with its p50, p90, p99 and max in ns. */
    private static Map<String, long[]> shown(Breakdown b) {
        Map<String, Latency> all = new LinkedHashMap<>();
        all.put("running", b.running());
        all.put("offCpu", b.offCpu());
        all.put("runnable", b.runnable());
        for (String c : Breakdown.WAIT_CLASSES) {
            all.put("waiting " + c, b.waiting(c));
        }
        all.put("other", b.other());
        all.put("stw", b.stw());
        Map<String, long[]> shown = new LinkedHashMap<>();
        all.forEach((name, l) -> {
            long[] v = {l.percentile(50).toNanos(), l.percentile(90).toNanos(), l.percentile(99).toNanos(),
                    l.max().toNanos()};
            if (name.equals("running") || v[2] > 0) {
                shown.put(name, v);
            }
        });
        return shown;
    }

    /** One row per component: its p50, p90 and p99 as three bars of its colour, on the scale of the largest p99. */
    private static void bars(StringBuilder out, Map<String, long[]> shown) {
        long max = Math.max(1, shown.values().stream().mapToLong(v -> v[2]).max().orElse(1));
        int height = shown.size() * ROW + 24;
        int width = LABEL + BARS + VALUES;
        out.append("<svg class=\"breakdown\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\"><title>p50, p90 and p99 of each component</title>\n");
        int y = 4;
        for (Map.Entry<String, long[]> e : shown.entrySet()) {
            String colour = COLOURS.get(e.getKey());
            out.append("<text x=\"").append(LABEL - 8).append("\" y=\"").append(y + 2 * BAR + 1)
                    .append("\" text-anchor=\"end\">").append(Html.escape(e.getKey())).append("</text>\n");
            List<String> values = new ArrayList<>();
            for (int i = 0; i < PERCENTILES.length; i++) {
                long v = e.getValue()[i];
                int w = (int) Math.round((double) BARS * v / max);
                if (w > 0) {
                    out.append("<rect class=\"bar ").append(e.getKey().replace(' ', '-')).append("\" x=\"").append(LABEL)
                            .append("\" y=\"").append(y + i * BAR).append("\" width=\"").append(w).append("\" height=\"")
                            .append(BAR - 1).append("\" fill=\"").append(colour).append("\"/>\n");
                }
                values.add(String.format(Locale.ROOT, "p%.0f %s", PERCENTILES[i], Units.duration(v)));
            }
            out.append("<text x=\"").append(LABEL + BARS + 8).append("\" y=\"").append(y + 2 * BAR + 1).append("\">")
                    .append(Html.escape(String.join(" · ", values))).append("</text>\n");
            y += ROW;
        }
        out.append("<text x=\"").append(LABEL).append("\" y=\"").append(y + 12).append("\">0</text>\n");
        out.append("<text x=\"").append(LABEL + BARS).append("\" y=\"").append(y + 12).append("\" text-anchor=\"end\">")
                .append(Html.escape(Units.duration(max))).append("</text>\n</svg>\n");
    }

    private static void table(StringBuilder out, Map<String, long[]> shown) {
        out.append("<table class=\"breakdown\">\n<tr><th>component</th><th>p50</th><th>p90</th><th>p99</th>")
                .append("<th>max</th></tr>\n");
        shown.forEach((name, v) -> {
            out.append("<tr><td class=\"name\">").append(Html.escape(name)).append("</td>");
            for (long ns : v) {
                out.append("<td>").append(Html.escape(Units.duration(ns))).append("</td>");
            }
            out.append("</tr>\n");
        });
        out.append("</table>\n");
    }

    /** The slowest calls, the slowest first: duration, goroutine, and each part. */
    private static void exemplars(StringBuilder out, List<Exemplar> exemplars) {
        if (exemplars.isEmpty()) {
            return;
        }
        out.append("<table class=\"exemplars\">\n<tr><th>slowest calls</th><th>duration</th><th>goroutine</th>")
                .append("<th>running</th><th>offCpu</th><th>runnable</th><th>waiting</th><th>other</th><th>stw</th>")
                .append("</tr>\n");
        for (int i = 0; i < exemplars.size(); i++) {
            Exemplar e = exemplars.get(i);
            out.append("<tr><td>").append(i + 1).append("</td>");
            cell(out, Units.duration(e.nanos()));
            cell(out, Long.toString(e.goroutine()));
            cell(out, Units.duration(e.runningNanos()));
            cell(out, Units.duration(e.offCpuNanos()));
            cell(out, Units.duration(e.runnableNanos()));
            List<String> waits = new ArrayList<>();
            e.waitingNanos().forEach((c, ns) -> {
                if (ns > 0) {
                    waits.add(Units.duration(ns) + " " + c);
                }
            });
            cell(out, waits.isEmpty() ? "0" : String.join(", ", waits));
            cell(out, Units.duration(e.otherNanos()));
            cell(out, Units.duration(e.stwNanos()));
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private static void cell(StringBuilder out, String text) {
        out.append("<td>").append(Html.escape(text)).append("</td>");
    }
}
