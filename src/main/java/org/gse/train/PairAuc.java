package org.gse.train;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The two validation numbers training needs, as pure functions; the full metrics live in the evaluation package.
 */
final class PairAuc {

    private PairAuc() {}

    /**
     * Returns the ROC AUC of {@code scores} against {@code labels} (true = positive) as the Mann-Whitney
     * statistic with average ranks for ties, so tied scores count one half. NaN when either class is empty.
     */
    static double auc(double[] scores, boolean[] labels) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]]) {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
    }

    /**
     * Returns the threshold with the highest accuracy when {@code score >= threshold} predicts similar: the
     * midpoint between the two neighbouring distinct scores of the best cut (the lowest score minus 1e-6 when
     * everything is predicted similar). Ties in accuracy go to the lower threshold. NaN for empty input.
     *
     * @return {@code {threshold, accuracy}}
     */
    static double[] bestThreshold(double[] scores, boolean[] labels) {
        int n = scores.length;
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        int positives = 0;
        for (boolean label : labels) {
            positives += label ? 1 : 0;
        }
        // Cut before index k: items [0, k) predicted dissimilar, [k, n) similar.
        int correct = positives;
        int bestCorrect = correct;
        double bestThreshold = scores[order[0]] - 1e-6;
        for (int k = 1; k <= n; k++) {
            correct += labels[order[k - 1]] ? -1 : 1;
            boolean distinct = k == n || scores[order[k]] != scores[order[k - 1]];
            if (distinct && correct > bestCorrect) {
                bestCorrect = correct;
                bestThreshold = k == n ? scores[order[n - 1]] + 1e-6 : (scores[order[k - 1]] + scores[order[k]]) / 2;
            }
        }
        return new double[] {bestThreshold, bestCorrect / (double) n};
    }
}
