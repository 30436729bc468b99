// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

/**
 * The gate's decision at one percentile of one function.
 *
 * @param name       the function as the test named it
 * @param percentile e.g. 99
 * @param baseline   the baseline's percentile, ns
 * @param candidate  the candidate's percentile, ns
 * @param ratio      candidate / baseline
 * @param low        lower end of the ratio's confidence interval
 * @param high       upper end
 * @param p          the percentile's p-value: the largest of the function's Mann–Whitney p, this
 *                   percentile's own test and, with rounds, the rounds' test (see {@link Gate})
 * @param pAdjusted  {@code p} after Holm–Bonferroni over every percentile of every function gated
 * @param baselineN  calls in the baseline
 * @param candidateN calls in the candidate
 * @param verdict    pass, regression or inconclusive
 * @param reason     why, in a sentence
 */
public record PercentileResult(String name, double percentile, long baseline, long candidate, double ratio, double low,
        double high, double p, double pAdjusted, long baselineN, long candidateN, Verdict verdict, String reason) {}
