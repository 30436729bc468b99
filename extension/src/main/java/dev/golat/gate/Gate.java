// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The decision rule of a latency gate: is the candidate slower than the baseline, at the gated
 * percentiles, by at least the tolerance?
 *
 * <p>At each gated percentile {@code q} of each function:
 * <ol>
 *   <li><b>Enough calls.</b> Each side needs at least {@value #MIN_TAIL} calls above {@code q}
 *       ({@code n (1 - q/100) >= 10}: 1,000 calls for p99), else the percentile is inconclusive.</li>
 *   <li><b>Comparable machines.</b> When both sides carry a {@link NoiseWitness} and their CPU contention
 *       differs by more than {@link #noiseMargin()} (absolute share of runnable time), every percentile above
 *       the median is inconclusive. Calls preempted by the noise land in the tail, so the tail then measures
 *       the machine rather than the code; the median has been measured to hold (two identical processes
 *       under two CPU hogs: p99 ratios 2.19 and 0.67, p50 within 0.5%).</li>
 *   <li><b>Effect.</b> The ratio {@code candidate_q / baseline_q} with a 95% bootstrap interval over the
 *       histogram counts (by rounds when a side has rounds; see {@link Bootstrap}).</li>
 *   <li><b>Significance.</b> The percentile's p-value is the larger of the function's Mann–Whitney p (the
 *       distributions differ) and a test of this percentile (the shares of calls above the pooled
 *       percentile differ; {@link QuantileTest}): both must reject. The p-values of every gated percentile
 *       of every function are then adjusted by Holm–Bonferroni, and compared with {@link #alpha()}.</li>
 *   <li><b>Verdict.</b> <em>Regression</em> when significant, {@code ratio >= 1 + tolerance}, and the
 *       interval lies above 1. <em>Pass</em> when the interval's upper end is below {@code 1 + tolerance}:
 *       the data rule out a slowdown of the tolerance's size (a significant slowdown smaller than the
 *       tolerance passes). Otherwise <em>inconclusive</em>, with the reason.</li>
 * </ol>
 * The comparison's verdict is regression if any percentile regressed, else inconclusive if any is, else
 * pass. The bootstrap uses a fixed seed, so one pair of recordings always gets one verdict.
 */
public final class Gate {
    static final int MIN_TAIL = 10;
    static final double CONFIDENCE = 0.95;

    private final double[] percentiles;
    private final double tolerance;
    private final double alpha;
    private final double noiseMargin;
    private final int replicates;
    private final long seed;

    private Gate(double[] percentiles, double tolerance, double alpha, double noiseMargin, int replicates, long seed) {
        for (double p : percentiles) {
            if (!(p > 0 && p < 100)) {
                throw new IllegalArgumentException("a gated percentile must lie strictly between 0 and 100, was " + p);
            }
        }
        if (percentiles.length == 0) {
            throw new IllegalArgumentException("gate at least one percentile (e.g. 50, 99)");
        }
        if (!(tolerance >= 0 && tolerance < 10)) {
            throw new IllegalArgumentException("tolerance is a fraction (0.10 for 10%), was " + tolerance);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must lie between 0 and 1, was " + alpha);
        }
        if (replicates < 100) {
            throw new IllegalArgumentException("at least 100 bootstrap replicates, was " + replicates);
        }
        this.percentiles = percentiles.clone();
        this.tolerance = tolerance;
        this.alpha = alpha;
        this.noiseMargin = noiseMargin;
        this.replicates = replicates;
        this.seed = seed;
    }

    /** A gate at {@code percentiles}, 10% tolerance, alpha 0.05, 2,000 bootstrap replicates. */
    public static Gate atPercentiles(double... percentiles) {
        return new Gate(percentiles, 0.10, 0.05, 0.10, 2000, 1);
    }

    /** The smallest slowdown that fails, as a fraction: 0.10 for 10%. */
    public Gate withTolerance(double fraction) {
        return new Gate(percentiles, fraction, alpha, noiseMargin, replicates, seed);
    }

    public Gate withAlpha(double alpha) {
        return new Gate(percentiles, tolerance, alpha, noiseMargin, replicates, seed);
    }

    /** How far the two sides' CPU contention may differ before the tail is not compared (default 0.10). */
    public Gate withNoiseMargin(double share) {
        return new Gate(percentiles, tolerance, alpha, share, replicates, seed);
    }

    public Gate withReplicates(int replicates) {
        return new Gate(percentiles, tolerance, alpha, noiseMargin, replicates, seed);
    }

    public Gate withSeed(long seed) {
        return new Gate(percentiles, tolerance, alpha, noiseMargin, replicates, seed);
    }

    public double[] percentiles() {
        return percentiles.clone();
    }

    public double tolerance() {
        return tolerance;
    }

    public double alpha() {
        return alpha;
    }

    public double noiseMargin() {
        return noiseMargin;
    }

    /** Compares one function. */
    public GateReport compare(Recording baseline, Recording candidate) {
        return compare(List.of(baseline), List.of(candidate));
    }

    /**
     * Compares each candidate function with the baseline of the same {@link Recording#name()}.
     *
     * @throws IllegalArgumentException when a candidate has no baseline of its name (the message lists them)
     */
    public GateReport compare(List<Recording> baselines, List<Recording> candidates) {
        Map<String, Recording> byName = new LinkedHashMap<>();
        baselines.forEach(b -> byName.put(b.name(), b));
        List<Pending> pending = new ArrayList<>();
        List<FunctionResult> functions = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Recording c : candidates) {
            Recording b = byName.get(c.name());
            if (b == null) {
                throw new IllegalArgumentException("no baseline for " + c.name() + "; the baseline has "
                        + String.join(", ", byName.keySet()));
            }
            Sample bs = Sample.of(b.merged());
            Sample cs = Sample.of(c.merged());
            MannWhitney mw = bs.n > 0 && cs.n > 0 ? MannWhitney.test(cs, bs) : null;
            List<String> differences = c.info().differencesFrom(b.info());
            differences.stream().filter(d -> !warnings.contains(d)).forEach(warnings::add);
            functions.add(new FunctionResult(c.name(), mw == null ? Double.NaN : mw.p(),
                    mw == null ? Double.NaN : mw.superiority(), b.info(), c.info(), b.witness(), c.witness(), differences));
            Bootstrap.Resampler cr = cs.n > 0 ? Bootstrap.of(c.rounds().stream().map(Sample::of).toList(), cs) : null;
            Bootstrap.Resampler br = bs.n > 0 ? Bootstrap.of(b.rounds().stream().map(Sample::of).toList(), bs) : null;
            for (double q : percentiles) {
                pending.add(percentile(c, b, cs, bs, cr, br, mw, q));
            }
        }
        double[] adjusted = holm(pending.stream().mapToDouble(x -> x.p).toArray());
        List<PercentileResult> results = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            results.add(pending.get(i).decide(adjusted[i]));
        }
        return new GateReport(this, results, functions, warnings);
    }

    /** A percentile before the p-values are adjusted across the family. */
    private final class Pending {
        final String name;
        final double q;
        final long baseline;
        final long candidate;
        final double ratio;
        final double low;
        final double high;
        final double p;
        final long nb;
        final long nc;
        final String undecidable; // non-null: inconclusive before any statistics, and why

        Pending(String name, double q, long baseline, long candidate, double low, double high, double p, long nb, long nc,
                String undecidable) {
            this.name = name;
            this.q = q;
            this.baseline = baseline;
            this.candidate = candidate;
            this.ratio = baseline > 0 ? (double) candidate / baseline : Double.NaN;
            this.low = low;
            this.high = high;
            this.p = p;
            this.nb = nb;
            this.nc = nc;
            this.undecidable = undecidable;
        }

        PercentileResult decide(double pAdjusted) {
            Verdict verdict;
            String reason;
            String pq = pLabel(q);
            if (undecidable != null) {
                verdict = Verdict.INCONCLUSIVE;
                reason = undecidable;
            } else if (pAdjusted < alpha && ratio >= 1 + tolerance && low > 1) {
                verdict = Verdict.REGRESSION;
                reason = pq + " is " + change(ratio) + ", at least the " + percent(tolerance) + " tolerance ("
                        + ci() + ", " + GateReport.pIs(pAdjusted) + ")";
            } else if (high < 1 + tolerance) {
                verdict = Verdict.PASS;
                reason = pq + " is " + change(ratio) + "; its " + ci() + " stays below the " + percent(tolerance)
                        + " tolerance";
            } else if (ratio >= 1 + tolerance && pAdjusted < alpha) {
                verdict = Verdict.INCONCLUSIVE;
                reason = pq + " is " + change(ratio) + " (" + GateReport.pIs(pAdjusted) + ") but its " + ci()
                        + " reaches 1: the rounds disagree; measure longer";
            } else if (ratio >= 1 + tolerance) {
                verdict = Verdict.INCONCLUSIVE;
                reason = pq + " is " + change(ratio) + " but not significantly (" + GateReport.pIs(pAdjusted)
                        + " after Holm, alpha " + alpha + "); measure more calls";
            } else {
                verdict = Verdict.INCONCLUSIVE;
                reason = pq + " is " + change(ratio) + " but its " + ci() + " reaches the " + percent(tolerance)
                        + " tolerance: the data cannot rule out that slowdown; measure more calls";
            }
            return new PercentileResult(name, q, baseline, candidate, ratio, low, high, p, pAdjusted, nb, nc, verdict,
                    reason);
        }

        private String ci() {
            return String.format(Locale.ROOT, "95%% CI %.3f-%.3f", low, high);
        }
    }

    private Pending percentile(Recording c, Recording b, Sample cs, Sample bs, Bootstrap.Resampler cr,
            Bootstrap.Resampler br, MannWhitney mw, double q) {
        String pq = pLabel(q);
        long need = (long) Math.ceil(MIN_TAIL / (1 - q / 100) - 1e-9);
        if (cs.n < need || bs.n < need) {
            String why = pq + " needs at least " + String.format(Locale.ROOT, "%,d", need) + " calls on each side ("
                    + MIN_TAIL + " above it); the baseline has " + String.format(Locale.ROOT, "%,d", bs.n)
                    + ", the candidate " + String.format(Locale.ROOT, "%,d", cs.n);
            return new Pending(c.name(), q, bs.n > 0 ? bs.valueAtPercentile(q) : 0, cs.n > 0 ? cs.valueAtPercentile(q) : 0,
                    Double.NaN, Double.NaN, 1, bs.n, cs.n, why);
        }
        long bq = bs.valueAtPercentile(q);
        long cq = cs.valueAtPercentile(q);
        Random random = new Random(seed ^ Double.doubleToLongBits(q) ^ c.name().hashCode());
        Bootstrap.Interval ci = Bootstrap.ratio(cr, br, q, replicates, CONFIDENCE, random);
        double p = Math.max(mw.p(), QuantileTest.test(cs, bs, q).p());
        String noisy = null;
        if (q > 50 && c.witness().known() && b.witness().known()
                && Math.abs(c.witness().contention() - b.witness().contention()) > noiseMargin) {
            noisy = pq + " is not comparable: machine noise differed (baseline " + b.witness().describe()
                    + "; candidate " + c.witness().describe() + "), and preempted calls land in the tail; rerun on a"
                    + " quieter machine or use a duet";
        }
        return new Pending(c.name(), q, bq, cq, ci.low(), ci.high(), p, bs.n, cs.n, noisy);
    }

    /** Holm–Bonferroni adjusted p-values, in the order given. */
    static double[] holm(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1, (m - rank) * p[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    static String pLabel(double q) {
        return q == Math.rint(q) ? "p" + (long) q : "p" + String.valueOf(q).replaceAll("0+$", "");
    }

    static String change(double ratio) {
        return String.format(Locale.ROOT, "%+.1f%%", 100 * (ratio - 1));
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }
}
