package io.github.ark4j.util;

import java.util.Arrays;

/** Summary statistics shared by results and benchmarks. */
public final class Stats {
    /** The standard normal quantile of 0.975: a two-sided 95% interval is ±1.96 standard errors. */
    public static final double Z_95 = 1.959963984540054;

    private Stats() {
    }

    /** The median (the mean of the middle two for an even count); NaN for no values. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The sample standard deviation (divisor n − 1); 0 for fewer than two values. */
    public static double standardDeviation(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double mean = Arrays.stream(values).average().orElseThrow();
        return Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (values.length - 1));
    }

    /**
     * The Wilson score interval at 95% for a binomial rate with {@code k} successes in {@code n} trials:
     * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), with p̂ = k/n and z = {@link #Z_95}. Unlike the normal
     * approximation it stays inside [0, 1] and does not collapse to a point at k = 0 or k = n.
     *
     * @return {lower, upper}; {NaN, NaN} when n = 0
     * @throws IllegalArgumentException when k is not in 0..n
     */
    public static double[] wilson(long k, long n) {
        if (n < 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("successes k and trials n: expected 0 ≤ k ≤ n, got k = " + k + ", n = " + n);
        }
        if (n == 0) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double p = k / (double) n;
        double z2 = Z_95 * Z_95;
        double denominator = 1 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denominator;
        double half = Z_95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new double[]{Math.max(0, center - half), Math.min(1, center + half)};
    }
}
