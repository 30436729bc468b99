// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

/**
 * Student's t distribution with {@code df} degrees of freedom, through the regularized incomplete beta
 * function: {@code P(T <= t) = 1 - I_x(df/2, 1/2) / 2} for {@code t >= 0}, {@code x = df / (df + t^2)}.
 */
final class StudentT {
    private StudentT() {}

    /** P(T &le; t). */
    static double cdf(double t, double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be positive, was " + df);
        }
        if (Double.isInfinite(t)) {
            return t > 0 ? 1 : 0;
        }
        double tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /** The {@code p}-quantile (0 &lt; p &lt; 1), by bisection on {@link #cdf}. */
    static double quantile(double p, double df) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a quantile needs 0 < p < 1, was " + p);
        }
        double lo = -1;
        double hi = 1;
        while (cdf(lo, df) > p) {
            lo *= 2;
        }
        while (cdf(hi, df) < p) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
            double mid = (lo + hi) / 2;
            if (cdf(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** I_x(a, b), by its continued fraction (evaluated with Lentz's method) on the side where it converges fast. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b)); // the same for I_1-x(b, a)
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - front * fraction(1 - x, b, a) / b;
        }
        return front * fraction(x, a, b) / a;
    }

    /** The continued fraction of I_x(a, b): 1 / (1 + d1 / (1 + d2 / (1 + ...))). */
    private static double fraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
        double f = d;
        for (int m = 1; m < 1000; m++) {
            // even step: d_2m = m (b - m) x / ((a + 2m - 1)(a + 2m))
            double num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d;
            d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            f *= c * d;
            // odd step: d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + num * d;
            d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return f;
    }

    private static double logBeta(double a, double b) {
        return logGamma(a) + logGamma(b) - logGamma(a + b);
    }

    /** ln Γ(x) for x &gt; 0: Lanczos' approximation (g = 7, nine coefficients), reflected below 1/2. */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        double y = x - 1;
        double sum = c[0];
        for (int i = 1; i < c.length; i++) {
            sum += c[i] / (y + i);
        }
        double t = y + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
