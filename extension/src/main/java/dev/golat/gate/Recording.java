// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.util.List;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * The latencies of one function over one measured window, kept as the rounds the window was driven in
 * (one histogram when the load was not driven in rounds), with where it came from and the machine's noise
 * over the window. What a baseline file holds, and what a gate compares.
 *
 * @param name    the function as the test named it ({@code "handleStmtExecute"}); the key of a comparison
 * @param rounds  one histogram per round, nanoseconds; at least one
 * @param info    where it came from
 * @param witness the service's CPU wait over the window, {@link NoiseWitness#NONE} when not measured
 * @param roundWitnesses the CPU wait over each round, in the order of {@code rounds}; empty when not measured round
 *                       by round (a gate then knows only the window's)
 */
public record Recording(String name, List<Histogram> rounds, RecordingInfo info, NoiseWitness witness,
        List<NoiseWitness> roundWitnesses) {

    public Recording {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(witness, "witness");
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("a recording of " + name + " needs at least one histogram");
        }
        roundWitnesses = List.copyOf(roundWitnesses);
        if (!roundWitnesses.isEmpty() && roundWitnesses.size() != rounds.size()) {
            throw new IllegalArgumentException("a recording of " + name + " has " + rounds.size() + " rounds but "
                    + roundWitnesses.size() + " round witnesses; give one per round, or none");
        }
        rounds = rounds.stream().map(Histogram::copy).toList();
    }

    /** A recording whose noise is known for the whole window only (or not at all). */
    public Recording(String name, List<Histogram> rounds, RecordingInfo info, NoiseWitness witness) {
        this(name, rounds, info, witness, List.of());
    }

    public static Recording of(String name, Histogram histogram, RecordingInfo info, NoiseWitness witness) {
        return new Recording(name, List.of(histogram), info, witness);
    }

    /** All rounds together. */
    public Histogram merged() {
        Histogram all = new Histogram(rounds.get(0).getNumberOfSignificantValueDigits());
        rounds.forEach(all::add);
        return all;
    }

    /** Calls measured, over all rounds. */
    public long count() {
        return rounds.stream().mapToLong(Histogram::getTotalCount).sum();
    }

    @Override
    public List<Histogram> rounds() {
        return rounds.stream().map(Histogram::copy).toList();
    }
}
