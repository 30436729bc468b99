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
 *   <li><b>Machine noise.</b> When both sides carry a {@link NoiseWitness} and their CPU contention (the
 *       share of runnable time the service's threads spent waiting for a CPU) differs by {@code d} &gt;
 *       {@link #noiseMargin()}, the noisier side may have had a share {@code d} of its calls slowed by the
 *       machine alone. Slowing a share {@code d} of the calls moves the {@code q}-th percentile at most up to
 *       the quieter side's {@code (q + 100 d)}-th. So a regression of a noisier candidate counts only against
 *       the baseline's {@code (q + 100 d)}-th percentile, and a pass against a noisier baseline only against its
 *       {@code (q - 100 d)}-th; where that leaves [0, 100], that verdict is out of reach and the percentile can only
 *       get the other one (a noisier candidate can still pass, a noisier baseline can still be beaten) or be
 *       inconclusive. (Measured here:
 *       two identical processes under two CPU hogs gave p99 ratios of 2.19 and 0.67 while their p50 agreed
 *       within 0.5%.) When the two sides' rounds pair up (a duet: ABBA rounds that shared the machine's noise), the
 *       shift in the tail is the smaller {@link #tailShift}: the noisier side's tail above the cliff scaled by its
 *       wait per CPU-second over the quieter side's, so that p99 against a candidate 2 points noisier is judged
 *       against the baseline's p99.1 rather than being out of reach. (Between windows that did not run side by side,
 *       a stored baseline, the tail grew faster than that here: at 77-83% CPU wait, 6 points more wait took an
 *       identical candidate's p99 +91%.) A noisier candidate whose rounds carry their own witnesses, against a stored
 *       baseline, is judged for a regression on its quiet rounds instead ({@link #quietRounds}): those that waited no
 *       more than the baseline, unshifted.</li>
 *   <li><b>Effect.</b> The ratio {@code candidate_q / baseline_q} with a 95% bootstrap interval over the
 *       histogram counts (by rounds when a side has rounds, see {@link Bootstrap}; when both sides have the
 *       same number of rounds, round {@code i} of one is resampled with round {@code i} of the other, which
 *       keeps a duet's ABBA blocks together). A candidate of one window against a baseline of at least
 *       {@value Bootstrap#MIN_ROUNDS} rounds (a stored baseline recorded run by run, {@code golat.baseline.mode=append})
 *       is judged as one more run: the interval is the 95% prediction interval of {@link RunPrediction}, as wide
 *       as the runs' own spread.</li>
 *   <li><b>Significance.</b> The percentile's p-value is the largest of the function's Mann–Whitney p (the
 *       distributions differ), a test of this percentile (the shares of calls above the pooled
 *       percentile differ; {@link QuantileTest}) and, when both sides have rounds, a test with whole rounds
 *       as units ({@link #roundTest}), or against a baseline of runs the run-level t test of {@link RunPrediction}:
 *       all must reject. The p-values of every gated percentile
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
    /** Rounds (or, in a baseline recorded run by run, runs) a side needs before whole rounds become the units: 5. */
    public static final int MIN_ROUNDS = Bootstrap.MIN_ROUNDS;
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

    /** A gate at {@code percentiles}, 10% tolerance, alpha 0.05, noise margin 0.01, 2,000 bootstrap replicates. */
    public static Gate atPercentiles(double... percentiles) {
        return new Gate(percentiles, 0.10, 0.05, 0.01, 2000, 1);
    }

    /** The smallest slowdown that fails, as a fraction: 0.10 for 10%. */
    public Gate withTolerance(double fraction) {
        return new Gate(percentiles, fraction, alpha, noiseMargin, replicates, seed);
    }

    public Gate withAlpha(double alpha) {
        return new Gate(percentiles, tolerance, alpha, noiseMargin, replicates, seed);
    }

    /**
     * How far the two sides' CPU contention may differ before it is taken into account (default 0.01: one
     * point; the figure itself moves that much between identical windows). Measured here: a stored baseline at
     * 77% and identical candidates at 79-87% had p99s 38-65% higher; a 10-point margin let those through.
     */
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
            List<Sample> cRounds = c.rounds().stream().map(Sample::of).toList();
            List<Sample> bRounds = b.rounds().stream().map(Sample::of).toList();
            boolean paired = cRounds.size() == bRounds.size() && cRounds.size() >= Bootstrap.MIN_ROUNDS;
            // unpaired windows are resampled and tested in blocks of consecutive rounds
            List<Sample> cBlocks = paired ? cRounds : blocks(cRounds);
            List<Sample> bBlocks = paired ? bRounds : blocks(bRounds);
            Interval interval;
            if (cs.n == 0 || bs.n == 0) {
                interval = null;
            } else if (paired) {
                interval = (qc, qb, random) -> Bootstrap.pairedRatio(cRounds, cs, qc, bRounds, bs, qb, replicates,
                        CONFIDENCE, random);
            } else {
                Bootstrap.Resampler cr = Bootstrap.of(cBlocks, cs);
                Bootstrap.Resampler br = Bootstrap.of(bBlocks, bs);
                interval = (qc, qb, random) -> Bootstrap.ratio(cr, qc, br, qb, replicates, CONFIDENCE, random);
            }
            // a one-window candidate against a baseline of several runs (recorded run by run): judged as one more run
            List<Sample> baselineRuns = cRounds.size() == 1 && bRounds.size() >= Bootstrap.MIN_ROUNDS ? bRounds : null;
            for (double q : percentiles) {
                pending.add(percentile(c, b, cs, bs, interval, mw, q, roundTest(cBlocks, bBlocks, q, paired), baselineRuns,
                        paired, cRounds, bRounds, cBlocks, bBlocks));
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
        Noise noise; // null when the two windows' noise is comparable

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
            // Against a noisier side, the verdict that the noise could fake is judged at the shifted percentile.
            boolean candidateNoisier = noise != null && noise.candidateNoisier;
            boolean baselineNoisier = noise != null && !noise.candidateNoisier;
            double regRatio = candidateNoisier ? noise.ratio : ratio;
            double regLow = candidateNoisier ? noise.low : low;
            double passHigh = baselineNoisier ? noise.high : high;
            if (undecidable != null) {
                verdict = Verdict.INCONCLUSIVE;
                reason = undecidable;
            } else if (pAdjusted < alpha && regRatio >= 1 + tolerance && regLow > 1) {
                verdict = Verdict.REGRESSION;
                reason = pq + " is " + change(ratio) + ", at least the " + percent(tolerance) + " tolerance ("
                        + ci() + ", " + GateReport.pIs(pAdjusted) + ")"
                        + (candidateNoisier && noise.quietRounds != null ? "; " + noise.describe() + ", and "
                                + noise.quietRounds + " it is still " + change(regRatio) + String.format(Locale.ROOT,
                                        " (95%% CI %.3f-%.3f)", noise.low, noise.high)
                        : candidateNoisier ? "; still " + change(regRatio) + " against the baseline's "
                                + pLabel(noise.shifted) + ", as far as the extra noise can move it (" + noise.describe() + ")"
                        : "");
            } else if (passHigh < 1 + tolerance) {
                verdict = Verdict.PASS;
                reason = pq + " is " + change(ratio) + "; its " + ci() + " stays below the " + percent(tolerance)
                        + " tolerance" + (baselineNoisier && noise.quietRounds != null ? String.format(Locale.ROOT,
                                ", also against the baseline %s (%s, 95%% CI %.3f-%.3f)", noise.quietRounds,
                                change(noise.ratio), noise.low, noise.high)
                        : baselineNoisier ? ", also against the baseline's " + pLabel(noise.shifted) : "");
            } else if (noise != null && noise.beyond() != null) {
                verdict = Verdict.INCONCLUSIVE;
                reason = noise.beyond();
            } else if (candidateNoisier && noise.quietRounds != null && ratio >= 1 + tolerance) {
                verdict = Verdict.INCONCLUSIVE;
                reason = pq + " is " + change(ratio) + " (" + ci() + ") but " + noise.describe() + "; " + noise.quietRounds
                        + String.format(Locale.ROOT, " it is %s (95%% CI %.3f-%.3f, %s)", change(noise.ratio), noise.low,
                                noise.high, GateReport.pIs(pAdjusted))
                        + ", short of a regression; measure more rounds";
            } else if (baselineNoisier && noise.quietRounds != null && high < 1 + tolerance) {
                verdict = Verdict.INCONCLUSIVE;
                reason = pq + " is " + change(ratio) + " (" + ci() + ") but " + noise.describe() + "; against the baseline "
                        + noise.quietRounds + String.format(Locale.ROOT, " it is %s (95%% CI %.3f-%.3f)",
                                change(noise.ratio), noise.low, noise.high)
                        + ", which does not rule out the tolerance; measure more rounds";
            } else if (noise != null && (candidateNoisier ? ratio >= 1 + tolerance && pAdjusted < alpha && low > 1
                    : high < 1 + tolerance)) {
                verdict = Verdict.INCONCLUSIVE;
                reason = pq + " is " + change(ratio) + " (" + ci() + ") but " + noise.describe()
                        + (candidateNoisier ? ", which alone can move the candidate's " + pq + " as far as the baseline's "
                                : ", which alone can have moved the baseline's " + pq + " up from its ")
                        + pLabel(noise.shifted) + String.format(Locale.ROOT,
                                "; against that the ratio is %.3f (95%% CI %.3f-%.3f)", noise.ratio, noise.low, noise.high)
                        + (noise.paired ? "; measure more rounds" : "; rerun on a quieter machine or use a duet");
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

    /** The bootstrap interval of {@code candidate_qc / baseline_qb}. */
    private interface Interval {
        Bootstrap.Interval of(double qc, double qb, Random random);
    }

    /**
     * A test with whole rounds as the units, when both sides have at least {@value Bootstrap#MIN_ROUNDS}: the
     * signed-rank test of the rounds' log percentile ratios when the rounds pair up (as a duet's do), else
     * Mann–Whitney over the rounds' percentiles; NaN otherwise. Calls within a round are not independent (a
     * burst of noise slows many together), so tests over calls alone are too sure of themselves.
     */
    static double roundTest(List<Sample> cRounds, List<Sample> bRounds, double q, boolean paired) {
        if (cRounds.size() < Bootstrap.MIN_ROUNDS || bRounds.size() < Bootstrap.MIN_ROUNDS
                || cRounds.stream().anyMatch(r -> r.n == 0) || bRounds.stream().anyMatch(r -> r.n == 0)) {
            return Double.NaN;
        }
        if (paired && cRounds.size() == bRounds.size()) {
            double[] d = new double[cRounds.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = Math.log((double) cRounds.get(i).valueAtPercentile(q) / Math.max(1, bRounds.get(i).valueAtPercentile(q)));
            }
            return SignedRank.test(d).p();
        }
        return MannWhitney.test(percentiles(cRounds, q), percentiles(bRounds, q)).p();
    }

    /**
     * The p-value of a percentile: the largest of the distributions' Mann–Whitney {@code mw}, the percentile's own
     * test and the rounds' test {@code roundP} (NaN when there are too few rounds): all must reject.
     */
    private static double significance(MannWhitney mw, Sample c, Sample b, double q, double roundP) {
        double p = Math.max(mw.p(), QuantileTest.test(c, b, q).p());
        return Double.isNaN(roundP) ? p : Math.max(p, roundP);
    }

    /** How many blocks of consecutive rounds a window that did not run beside the other is resampled and tested in. */
    static final int BLOCKS = 10;

    /**
     * Consecutive rounds merged into {@value #BLOCKS} blocks (fewer rounds stay as they are). Rounds next to each other
     * in time shared the machine's state (a neighbour's build runs for seconds), so between windows that did not run
     * side by side they are not independent units; blocks that span such a phase come closer. Measured here
     * (docs/gate-proof.md): against one stored window recorded at 77% CPU wait beside two looping builds, identical
     * candidates' p99 was called a regression in 5 of 60 runs with rounds as units (p99 +19-31% at equal CPU wait,
     * intervals from 1.013), in none with 10 blocks.
     */
    static List<Sample> blocks(List<Sample> rounds) {
        if (rounds.size() <= BLOCKS) {
            return rounds;
        }
        List<Sample> out = new ArrayList<>();
        for (int k = 0; k < BLOCKS; k++) {
            int from = k * rounds.size() / BLOCKS;
            int to = (k + 1) * rounds.size() / BLOCKS;
            out.add(Sample.merge(rounds.subList(from, to)));
        }
        return out;
    }

    private static Sample percentiles(List<Sample> rounds, double q) {
        java.util.TreeMap<Long, Long> counts = new java.util.TreeMap<>();
        rounds.forEach(r -> counts.merge(r.valueAtPercentile(q), 1L, Long::sum));
        return Sample.of(counts.keySet().stream().mapToLong(Long::longValue).toArray(),
                counts.values().stream().mapToLong(Long::longValue).toArray());
    }

    private Pending percentile(Recording c, Recording b, Sample cs, Sample bs, Interval interval, MannWhitney mw,
            double q, double roundP, List<Sample> baselineRuns, boolean paired, List<Sample> cRounds, List<Sample> bRounds,
            List<Sample> cBlocks, List<Sample> bBlocks) {
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
        Bootstrap.Interval ci = interval.of(q, q, random);
        double p = significance(mw, cs, bs, q, roundP);
        double low = ci.low();
        double high = ci.high();
        if (baselineRuns != null) {
            RunPrediction run = RunPrediction.of(baselineRuns, cq, q, (double) cq / Math.max(1, bq));
            p = Math.max(p, run.p());
            low = run.low();
            high = run.high();
        }
        Noise noise = null;
        String undecidable = null;
        double d = c.witness().known() && b.witness().known()
                ? c.witness().contention() - b.witness().contention() : 0;
        if (Math.abs(d) > noiseMargin) {
            double points = 100 * Math.abs(d);
            double tail = paired ? tailShift(q, c.witness(), b.witness()) : Double.POSITIVE_INFINITY;
            double digits = tail < points ? 100 : 10; // p99.09 rather than p99.1: a tenth of a point is a tenth of the tail
            points = Math.min(points, tail);
            double shifted = d > 0 ? q + points : q - points;
            shifted = Math.round(shifted * digits) / digits;
            String who = String.format(Locale.ROOT, "the %s's threads waited for a CPU %.0f points more than the %s's"
                    + " (baseline %s; candidate %s)", d > 0 ? "candidate" : "baseline", 100 * Math.abs(d),
                    d > 0 ? "baseline" : "candidate", b.witness().describe(), c.witness().describe());
            Noise quiet = paired || baselineRuns != null ? null
                    : d > 0 ? quietRounds(c, cRounds, b, q, need, bs, bBlocks, who, random)
                    : quietBaselineRounds(c, cs, cBlocks, b, bRounds, q, need, who, random);
            if (quiet != null) {
                noise = quiet;
                if (quiet.candidateNoisier()) {
                    p = quiet.p(); // the regression verdict is the quiet rounds' to give: theirs is the test of it
                }
            } else if (!(shifted > 0 && shifted < 100)) {
                // only the verdict the noise could fake is out of reach: NaN fails every comparison that would give it
                String beyond = pq + " is not comparable: " + who + ", which alone can move every call above "
                        + pLabel(Math.max(0, Math.round(100 - 100 * Math.abs(d)))) + "; rerun on a quieter machine or use a duet";
                noise = new Noise(d > 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, who, beyond, paired, null, Double.NaN);
            } else {
                long bShifted = bs.valueAtPercentile(shifted);
                double shiftedRatio = (double) cq / Math.max(1, bShifted);
                Bootstrap.Interval adjusted = baselineRuns == null ? interval.of(q, shifted, random) : null;
                RunPrediction run = baselineRuns == null ? null : RunPrediction.of(baselineRuns, cq, shifted, shiftedRatio);
                noise = new Noise(d > 0, shifted, shiftedRatio, run == null ? adjusted.low() : run.low(),
                        run == null ? adjusted.high() : run.high(), who, null, paired, null, Double.NaN);
            }
        }
        Pending pending = new Pending(c.name(), q, bq, cq, low, high, p, bs.n, cs.n, undecidable);
        pending.noise = noise;
        return pending;
    }

    /**
     * How far, in percentile points, the noisier side's CPU wait can move its {@code q}-th percentile when the
     * two windows shared the machine's noise (a duet's ABBA rounds): {@code (100 - q)(1 - 1/r)} for a noisier
     * candidate, {@code (100 - q)(r - 1)} for a noisier baseline, where {@code r} is the noisier side's wait per
     * CPU-second over the quieter side's. Derivation: a call is preempted at a rate proportional to its time on a
     * CPU times the side's wait per CPU-second; in the tail above the cliff between normal and preempted calls the
     * mass above any latency {@code x} is then {@code r} times the quieter side's, so the noisier side's
     * {@code q}-th percentile is the quieter side's {@code 100 - (100 - q)/r}-th. Normalizing by CPU time keeps
     * a candidate's own extra CPU work out of {@code r}: slower code preempted in proportion to its longer calls
     * has the same wait per CPU-second. Below the tail (where {@code (100 - q)/100} exceeds {@code c (1 - c)}
     * of the contention {@code c}) the caller's {@code 100 d} is the smaller shift and applies.
     */
    static double tailShift(double q, NoiseWitness candidate, NoiseWitness baseline) {
        double rc = candidate.cpuNanos() == 0 ? Double.POSITIVE_INFINITY : (double) candidate.waitNanos() / candidate.cpuNanos();
        double rb = baseline.cpuNanos() == 0 ? Double.POSITIVE_INFINITY : (double) baseline.waitNanos() / baseline.cpuNanos();
        if (rc >= rb) {
            double r = rc / rb; // quieter side without wait: r infinite, the whole tail may be the noise's
            return Double.isNaN(r) ? 0 : (100 - q) * (1 - 1 / r);
        }
        double r = rb / rc;
        return Double.isNaN(r) ? 0 : (100 - q) * (r - 1);
    }

    /**
     * A noisier candidate measured round by round, against a baseline whose rounds did not run beside its own (a
     * stored baseline): the regression verdict is judged on the candidate's <em>quiet rounds</em> alone, those whose
     * own CPU wait (the share of runnable time) exceeded the baseline window's by no more than the
     * {@link #noiseMargin()}, at the unshifted percentile. Those rounds are as comparable to the baseline as two
     * windows within the margin are; picking the candidate's quietest rounds can only make it look faster, so the
     * choice cannot fake a regression. A CPU hog that started in the middle of the window leaves the rounds before
     * it to judge by, where the window-wide rule would have shifted the whole window. Null when fewer than
     * {@value Bootstrap#MIN_ROUNDS} rounds are quiet, they hold too few calls for {@code q}, or the rounds carry no
     * witnesses of their own: the window-wide rule applies then.
     */
    private Noise quietRounds(Recording c, List<Sample> cRounds, Recording b, double q, long need, Sample bs,
            List<Sample> bBlocks, String who, Random random) {
        Quiet selected = Quiet.of(c, cRounds, b.witness().contention() + noiseMargin);
        if (selected == null || selected.merged.n < need) {
            return null;
        }
        List<Sample> quiet = selected.rounds();
        Sample qs = selected.merged();
        NoiseWitness sum = selected.witness();
        long cq = qs.valueAtPercentile(q);
        long bq = bs.valueAtPercentile(q);
        Bootstrap.Interval ci = Bootstrap.ratio(Bootstrap.of(blocks(quiet), qs), q, Bootstrap.of(bBlocks, bs), q,
                replicates, CONFIDENCE, random);
        double p = significance(MannWhitney.test(qs, bs), qs, bs, q, roundTest(blocks(quiet), bBlocks, q, false));
        String basis = String.format(Locale.ROOT, "in the %d of %d rounds in which the candidate's threads waited for a"
                + " CPU no more than the baseline's (%.0f%% of runnable time in those rounds, baseline %.0f%%)",
                quiet.size(), c.roundWitnesses().size(), 100 * sum.contention(), 100 * b.witness().contention());
        return new Noise(true, q, (double) cq / Math.max(1, bq), ci.low(), ci.high(), who, null, false, basis, p);
    }

    /**
     * The same for a noisier baseline whose rounds carry their own witnesses: the pass verdict (what the baseline's
     * noise could fake, by making the baseline slow) is judged against the baseline's quiet rounds alone, those that
     * waited no more than the candidate's window (within the margin). Picking the baseline's quietest rounds can
     * only make it look faster and the candidate slower, so the choice cannot fake a pass.
     */
    private Noise quietBaselineRounds(Recording c, Sample cs, List<Sample> cBlocks, Recording b, List<Sample> bRounds,
            double q, long need, String who, Random random) {
        Quiet quiet = Quiet.of(b, bRounds, c.witness().contention() + noiseMargin);
        if (quiet == null || quiet.merged.n < need) {
            return null;
        }
        long cq = cs.valueAtPercentile(q);
        long bq = quiet.merged.valueAtPercentile(q);
        Bootstrap.Interval ci = Bootstrap.ratio(Bootstrap.of(cBlocks, cs), q,
                Bootstrap.of(blocks(quiet.rounds), quiet.merged), q, replicates, CONFIDENCE, random);
        String basis = String.format(Locale.ROOT, "in the %d of %d rounds in which its threads waited for a CPU no more"
                + " than the candidate's (%.0f%% of runnable time in those rounds, candidate %.0f%%)", quiet.rounds.size(),
                b.roundWitnesses().size(), 100 * quiet.witness.contention(), 100 * c.witness().contention());
        return new Noise(false, q, (double) cq / Math.max(1, bq), ci.low(), ci.high(), who, null, false, basis, Double.NaN);
    }

    /**
     * A side's rounds ({@code all}, those of {@code side}) whose own CPU wait was at most {@code contention}: at least
     * {@value Bootstrap#MIN_ROUNDS}, else none.
     */
    private record Quiet(List<Sample> rounds, Sample merged, NoiseWitness witness) {
        static Quiet of(Recording side, List<Sample> all, double contention) {
            List<NoiseWitness> witnesses = side.roundWitnesses();
            if (witnesses.size() < Bootstrap.MIN_ROUNDS) {
                return null;
            }
            List<Sample> rounds = new ArrayList<>();
            NoiseWitness sum = NoiseWitness.NONE;
            for (int i = 0; i < all.size(); i++) {
                NoiseWitness w = witnesses.get(i);
                if (w.known() && w.contention() <= contention) {
                    rounds.add(all.get(i));
                    sum = sum.plus(w);
                }
            }
            return rounds.size() < Bootstrap.MIN_ROUNDS ? null : new Quiet(rounds, Sample.merge(rounds), sum);
        }
    }

    /**
     * The two windows' noise differed: the noisier side's calls may have been slowed by the machine, so the
     * verdict the noise could fake is judged against the baseline's {@code shifted} percentile instead. When that
     * lies outside (0, 100), {@code shifted}, {@code ratio}, {@code low} and {@code high} are NaN and {@code beyond}
     * says why the faked verdict cannot be given.
     */
    private record Noise(boolean candidateNoisier, double shifted, double ratio, double low, double high, String who,
            String beyond, boolean paired, String quietRounds, double p) {
        String describe() {
            return who;
        }
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
