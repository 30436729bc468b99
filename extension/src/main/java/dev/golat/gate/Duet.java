// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import dev.golat.result.Latency;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Same-run A/B: a baseline and a candidate service, traced at once, driven in alternating small rounds so
 * that whatever the machine does hits both alike.
 *
 * <p>Rounds come in ABBA blocks ({@code A B B A} or {@code B A A B}, the orientation of each block drawn
 * from the seed): a drift in time (a neighbour's build ramping up) then falls on both sides equally within
 * each block, and a burst of noise lands in one round of one side, where the gate's round bootstrap sees it
 * as one outlying round rather than as thousands of independent slow calls. Each round is one call of the
 * test's {@code round} action for one side; its calls are the difference of that side's histogram before
 * and after. Each side's CPU wait is summed over its own rounds: read from the service behind each latency golat
 * handed the test ({@link NoiseWitness#of(Latency)}), or from the sources {@link #witnessing} names.
 *
 * <pre>{@code
 * Duet.Result duet = Duet.of(baseline, candidate).rounds(20).run(side -> drive(side == BASELINE ? basePort : candPort, 500));
 * assertThat(duet.candidate()).isNotSlowerThan(duet.baseline());
 * }</pre>
 */
public final class Duet {
    public enum Side { BASELINE, CANDIDATE }

    /** Both sides' recordings (one histogram per round) and the order the rounds ran in. */
    public record Result(Recording baseline, Recording candidate, List<Side> order) {}

    private final Latency baseline;
    private final Latency candidate;
    private final int rounds;
    private final long seed;
    private final NoiseWitness.Source baselineWitness; // null: the latency's own, if golat knows its service
    private final NoiseWitness.Source candidateWitness;
    private final RecordingInfo baselineInfo;
    private final RecordingInfo candidateInfo;

    private Duet(Latency baseline, Latency candidate, int rounds, long seed, NoiseWitness.Source baselineWitness,
            NoiseWitness.Source candidateWitness, RecordingInfo baselineInfo, RecordingInfo candidateInfo) {
        this.baseline = baseline;
        this.candidate = candidate;
        this.rounds = rounds;
        this.seed = seed;
        this.baselineWitness = baselineWitness;
        this.candidateWitness = candidateWitness;
        this.baselineInfo = baselineInfo;
        this.candidateInfo = candidateInfo;
    }

    /**
     * @param baseline  the live latency of the baseline service's function (what the test method received)
     * @param candidate the live latency of the same function in the candidate service
     */
    public static Duet of(Latency baseline, Latency candidate) {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(candidate, "candidate");
        for (Latency l : List.of(baseline, candidate)) {
            if (l.snapshot() == l) {
                throw new IllegalArgumentException("Duet.of needs the live Latency a test method received, not a snapshot ("
                        + l.name() + "): a snapshot does not change while the rounds run");
            }
        }
        return new Duet(baseline, candidate, 20, 1, null, null, null, null);
    }

    /** Rounds per side (even: they come in ABBA blocks); default 20. */
    public Duet rounds(int perSide) {
        if (perSide < 2 || perSide % 2 != 0) {
            throw new IllegalArgumentException("rounds per side must be even and at least 2 (ABBA blocks), was " + perSide);
        }
        return new Duet(baseline, candidate, perSide, seed, baselineWitness, candidateWitness, baselineInfo, candidateInfo);
    }

    /** The seed that orients the ABBA blocks. */
    public Duet seed(long seed) {
        return new Duet(baseline, candidate, rounds, seed, baselineWitness, candidateWitness, baselineInfo, candidateInfo);
    }

    /**
     * The pids of the two sides' processes on this host, for the CPU-wait witness. Not needed for the latencies golat
     * hands a test, nor for their breakdown components ({@code Duet.of(base.running(), cand.running())}): each already
     * reads its own service's ({@link NoiseWitness#of(Latency)}), where the service runs. The witness matters for a
     * duet on running time too: running time leaves out the wait itself, but a preempted thread resumes with cold
     * caches, so the machine's noise still reaches it.
     */
    public Duet witnessing(long baselinePid, long candidatePid) {
        return witnessing(NoiseWitness.ofPid(baselinePid), NoiseWitness.ofPid(candidatePid));
    }

    /** Where each side's CPU-wait witness is read (by default each latency's own, when golat knows its service). */
    public Duet witnessing(NoiseWitness.Source baselineWitness, NoiseWitness.Source candidateWitness) {
        Objects.requireNonNull(baselineWitness, "baselineWitness");
        Objects.requireNonNull(candidateWitness, "candidateWitness");
        return new Duet(baseline, candidate, rounds, seed, baselineWitness, candidateWitness, baselineInfo, candidateInfo);
    }

    /** Where each side came from (Go version, build id), shown by the gate. */
    public Duet describedAs(RecordingInfo baselineInfo, RecordingInfo candidateInfo) {
        return new Duet(baseline, candidate, rounds, seed, baselineWitness, candidateWitness, baselineInfo, candidateInfo);
    }

    /** The order of {@code rounds} rounds per side: ABBA blocks, each block's first side drawn from the seed. */
    static List<Side> order(int perSide, long seed) {
        Random random = new Random(seed);
        List<Side> order = new ArrayList<>();
        for (int block = 0; block < perSide / 2; block++) {
            Side first = random.nextBoolean() ? Side.BASELINE : Side.CANDIDATE;
            Side second = first == Side.BASELINE ? Side.CANDIDATE : Side.BASELINE;
            order.addAll(List.of(first, second, second, first));
        }
        return order;
    }

    /** Runs every round: {@code round.accept(side)} drives that side's service once. */
    public Result run(Consumer<Side> round) {
        List<Side> order = order(rounds, seed);
        List<Histogram> base = new ArrayList<>();
        List<Histogram> cand = new ArrayList<>();
        // each side's CPU wait round by round; a side one of whose rounds could not be read is unknown for the whole run
        List<List<NoiseWitness>> perRound = List.of(new ArrayList<>(), new ArrayList<>());
        boolean[] unknown = new boolean[2];
        NoiseWitness.Source[] witness = {witness(baselineWitness, baseline), witness(candidateWitness, candidate)};
        for (Side side : order) {
            Latency l = side == Side.BASELINE ? baseline : candidate;
            NoiseWitness.Source w = witness[side.ordinal()];
            NoiseWitness before = w == null ? NoiseWitness.NONE : w.read();
            Histogram start = l.histogram();
            round.accept(side);
            Histogram end = l.histogram();
            NoiseWitness after = w != null && before.known() ? w.read() : NoiseWitness.NONE;
            if (after.known()) {
                perRound.get(side.ordinal()).add(after.minus(before));
            } else {
                unknown[side.ordinal()] = true;
            }
            Histogram delta = end.copy();
            delta.subtract(start);
            (side == Side.BASELINE ? base : cand).add(delta);
        }
        return new Result(recording(baseline, base, info(baselineInfo, baseline, "duet baseline"), perRound.get(0), unknown[0]),
                recording(candidate, cand, info(candidateInfo, candidate, "duet candidate"), perRound.get(1), unknown[1]),
                List.copyOf(order));
    }

    /** One side's recording: its window's CPU wait is the sum of its rounds', when every round's was read. */
    private static Recording recording(Latency l, List<Histogram> rounds, RecordingInfo info, List<NoiseWitness> waits,
            boolean unknown) {
        NoiseWitness window = NoiseWitness.NONE;
        for (NoiseWitness w : waits) {
            window = window.plus(w);
        }
        return unknown || !window.known() ? new Recording(l.name(), rounds, info, NoiseWitness.NONE)
                : new Recording(l.name(), rounds, info, window, waits);
    }

    private static NoiseWitness.Source witness(NoiseWitness.Source given, Latency l) {
        return given != null ? given : NoiseWitness.of(l).orElse(null);
    }

    private static RecordingInfo info(RecordingInfo given, Latency l, String test) {
        if (given != null) {
            return given;
        }
        return new RecordingInfo(test, l.function(), "", "", "", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.version", ""), Instant.now());
    }
}
