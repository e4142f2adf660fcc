package org.gse.eval;

/**
 * DeLong's test for the difference of two correlated AUCs, measured on the same pairs: DeLong, DeLong and
 * Clarke-Pearson, "Comparing the areas under two or more correlated receiver operating characteristic curves: a
 * nonparametric approach", Biometrics 44(3), 1988. Computed with the fast algorithm of Sun and Xu, "Fast
 * implementation of DeLong's algorithm for comparing the areas under correlated receiver operating characteristic
 * curves", IEEE Signal Processing Letters 21(11), 2014, which needs only midranks: O(n log n) instead of DeLong's
 * O(m n) comparisons.
 *
 * <p>With {@code m} similar and {@code n} dissimilar pairs and the midranks {@code T_X} (of positives among
 * positives), {@code T_Y} (negatives among negatives) and {@code T_Z} (of all scores together), each scorer's
 * structural components are {@code V10_i = (T_Z(x_i) - T_X(x_i)) / n} for positives and
 * {@code V01_j = 1 - (T_Z(y_j) - T_Y(y_j)) / m} for negatives; the AUC is the mean of {@code V10}, and the
 * covariance of the two AUCs is {@code S10 / m + S01 / n}, with {@code S10}, {@code S01} the sample covariance
 * matrices (denominator {@code m - 1}, {@code n - 1}) of the components. Then
 * {@code z = (AUC_A - AUC_B) / sqrt(var_A + var_B - 2 cov_AB)} and the two-sided p-value is
 * {@code 2 (1 - Phi(|z|))}. Ties count a half, as in the AUC.
 *
 * <p>Undefined cases: with fewer than two similar or two dissimilar pairs the variances are undefined and every
 * field but the AUCs is NaN. When the variance of the difference is 0 (for example two perfect scorers), z is NaN
 * and p is 1 if the AUCs are equal, 0 otherwise.
 */
public final class DeLong {

    private DeLong() {}

    /**
     * The outcome of the test.
     *
     * @param aucA AUC of scorer A
     * @param aucB AUC of scorer B
     * @param varianceA DeLong variance of AUC A
     * @param varianceB DeLong variance of AUC B
     * @param covariance DeLong covariance of the two AUCs
     * @param z the statistic {@code (aucA - aucB) / sqrt(varianceA + varianceB - 2 covariance)}
     * @param pValue two-sided p-value for equal AUCs
     */
    public record Result(double aucA, double aucB, double varianceA, double varianceB, double covariance, double z,
            double pValue) {
        public double difference() {
            return aucA - aucB;
        }
    }

    /** Compares the AUCs of two scorers on the same labelled pairs. */
    public static Result compare(double[] scoresA, double[] scoresB, int[] labels) {
        Metrics.check(scoresA, labels);
        Metrics.check(scoresB, labels);
        int m = 0;
        for (int label : labels) {
            m += label;
        }
        int n = labels.length - m;
        if (m == 0 || n == 0) {
            return new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[][] v10 = new double[2][];
        double[][] v01 = new double[2][];
        double[] auc = new double[2];
        double[][] all = {scoresA, scoresB};
        for (int r = 0; r < 2; r++) {
            double[] x = new double[m];
            double[] y = new double[n];
            int xi = 0;
            int yi = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == 1) {
                    x[xi++] = all[r][i];
                } else {
                    y[yi++] = all[r][i];
                }
            }
            double[] z = new double[m + n];
            System.arraycopy(x, 0, z, 0, m);
            System.arraycopy(y, 0, z, m, n);
            double[] tx = midranks(x);
            double[] ty = midranks(y);
            double[] tz = midranks(z);
            v10[r] = new double[m];
            v01[r] = new double[n];
            double sum = 0;
            for (int i = 0; i < m; i++) {
                v10[r][i] = (tz[i] - tx[i]) / n;
                sum += v10[r][i];
            }
            for (int j = 0; j < n; j++) {
                v01[r][j] = 1 - (tz[m + j] - ty[j]) / m;
            }
            auc[r] = sum / m;
        }
        if (m < 2 || n < 2) {
            return new Result(auc[0], auc[1], Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double varA = covariance(v10[0], v10[0]) / m + covariance(v01[0], v01[0]) / n;
        double varB = covariance(v10[1], v10[1]) / m + covariance(v01[1], v01[1]) / n;
        double cov = covariance(v10[0], v10[1]) / m + covariance(v01[0], v01[1]) / n;
        double varianceOfDifference = varA + varB - 2 * cov;
        double difference = auc[0] - auc[1];
        double z;
        double p;
        if (varianceOfDifference <= 0) {
            z = Double.NaN;
            p = difference == 0 ? 1 : 0;
        } else {
            z = difference / Math.sqrt(varianceOfDifference);
            p = Normal.twoSidedP(z);
        }
        return new Result(auc[0], auc[1], varA, varB, cov, z, p);
    }

    /** Returns the 1-based midranks of {@code values}: tied values share the mean of their ranks. */
    static double[] midranks(double[] values) {
        int[] order = Metrics.sortIndicesByScore(values);
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    /** Sample covariance with denominator {@code length - 1}. */
    private static double covariance(double[] a, double[] b) {
        double meanA = 0;
        double meanB = 0;
        for (int i = 0; i < a.length; i++) {
            meanA += a[i];
            meanB += b[i];
        }
        meanA /= a.length;
        meanB /= b.length;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - meanA) * (b[i] - meanB);
        }
        return sum / (a.length - 1);
    }
}
