// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.util.List;

/**
 * What a gate found for one function beyond its percentiles: the distribution test and the machine noise
 * on each side.
 *
 * @param name         the function as the test named it
 * @param mannWhitneyP the two-sided Mann–Whitney p-value of the whole distributions
 * @param superiority  the chance that a random candidate call is slower than a random baseline call
 * @param baseline     where the baseline came from
 * @param candidate    where the candidate came from
 * @param baselineNoise  the baseline window's CPU wait
 * @param candidateNoise the candidate window's CPU wait
 * @param warnings     differences between the recordings other than the code (Go version, machine)
 */
public record FunctionResult(String name, double mannWhitneyP, double superiority, RecordingInfo baseline,
        RecordingInfo candidate, NoiseWitness baselineNoise, NoiseWitness candidateNoise, List<String> warnings) {}
