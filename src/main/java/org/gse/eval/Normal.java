package org.gse.eval;

/** The standard normal distribution's tail, accurate to about 1e-15 relative, for p-values. */
final class Normal {

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private Normal() {}

    /** Returns the two-sided p-value {@code 2 * (1 - Phi(|z|))} = {@code erfc(|z| / sqrt 2)}; NaN for NaN. */
    static double twoSidedP(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        return erfc(Math.abs(z) / Math.sqrt(2));
    }

    /**
     * The complementary error function for {@code x >= 0}: below 2 the series
     * {@code erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))}, whose terms are all positive (no
     * cancellation); from 2 up the continued fraction for {@code erfc}, evaluated with Lentz's method.
     */
    static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0;
        }
        if (x < 2) {
            double term = x;
            double sum = x;
            double x2 = x * x;
            for (int n = 1; n < 200; n++) {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17) {
                    break;
                }
            }
            return 1 - TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))).
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int k = 1; k < 500; k++) {
            double a = k / 2.0;
            d = x + a * d;
            d = d == 0 ? tiny : d;
            c = x + a / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }
}
