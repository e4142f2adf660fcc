package org.gse.eval;

/**
 * Chooses the decision threshold of a scorer on the training pairs. The test pairs are never looked at.
 *
 * <p><b>Candidates.</b> A threshold only matters through which pairs it calls similar ({@code score >= threshold}).
 * With the distinct training scores {@code u_0 < u_1 < ... < u_(k-1)}, the candidates are one per way of
 * splitting them:
 * <ul>
 *   <li>{@code u_0}: every pair similar;
 *   <li>the midpoint {@code (u_(j-1) + u_j) / 2} for {@code j = 1..k-1}: pairs scoring {@code u_j} or more similar.
 *       The midpoint leaves the same margin to both neighbours, so a test score between two training scores is
 *       not pushed to either side arbitrarily. (If the two scores are adjacent doubles and the midpoint rounds
 *       down to {@code u_(j-1)}, {@code u_j} itself is used.)
 *   <li>{@link Math#nextUp(double) nextUp}{@code (u_(k-1))}: no pair similar.
 * </ul>
 *
 * <p><b>Ties.</b> Metric values are compared exactly (as integer counts or fractions), and among candidates with
 * the best value the smallest threshold wins.
 *
 * <p><b>Undefined cases.</b> With no training pair the threshold is NaN. With one class only, the best split is
 * trivial (all similar or none) and is returned as such.
 */
public final class Threshold {

    private Threshold() {}

    /**
     * A chosen threshold and the training metric it reaches.
     *
     * @param threshold similar when {@code score >= threshold}
     * @param trainValue the optimised metric on the training pairs at that threshold
     */
    public record Choice(double threshold, double trainValue) {}

    /** Returns the threshold that maximises accuracy on the given (training) pairs. */
    public static Choice maxAccuracy(double[] scores, int[] labels) {
        return choose(scores, labels, false);
    }

    /** Returns the threshold that maximises F1 on the given (training) pairs; F1 undefined (NaN) splits are skipped. */
    public static Choice maxF1(double[] scores, int[] labels) {
        return choose(scores, labels, true);
    }

    private static Choice choose(double[] scores, int[] labels, boolean f1) {
        Metrics.Sorted sorted = Metrics.Sorted.descending(scores, labels);
        int groups = sorted.groupCount();
        if (groups == 0) {
            return new Choice(Double.NaN, Double.NaN);
        }
        long positives = sorted.positives;
        long n = sorted.n();
        // Split j (0..groups) calls the j highest distinct scores similar: tp/fp are cumulative counts of group
        // j-1. Walk from "none similar" (j = 0, the largest threshold) to "all similar" (j = groups, the smallest),
        // keeping the last best so that ties go to the smallest threshold.
        long bestNumerator = -1;
        long bestDenominator = 1;
        int bestSplit = -1;
        for (int j = 0; j <= groups; j++) {
            long tp = j == 0 ? 0 : sorted.cumulativeTp[j - 1];
            long fp = j == 0 ? 0 : sorted.cumulativeFp[j - 1];
            long fn = positives - tp;
            long numerator;
            long denominator;
            if (f1) {
                numerator = 2 * tp;
                denominator = 2 * tp + fp + fn;
                if (denominator == 0) {
                    continue;
                }
            } else {
                long tn = n - positives - fp;
                numerator = tp + tn;
                denominator = n;
            }
            // numerator/denominator >= best, compared exactly.
            if (bestSplit < 0 || Math.multiplyExact(numerator, bestDenominator)
                    >= Math.multiplyExact(bestNumerator, denominator)) {
                bestNumerator = numerator;
                bestDenominator = denominator;
                bestSplit = j;
            }
        }
        if (bestSplit < 0) {
            return new Choice(Double.NaN, Double.NaN);
        }
        return new Choice(thresholdForSplit(sorted, bestSplit), (double) bestNumerator / bestDenominator);
    }

    /** Returns the threshold that calls the {@code j} highest distinct scores similar (groups are descending). */
    private static double thresholdForSplit(Metrics.Sorted sorted, int j) {
        int groups = sorted.groupCount();
        if (j == 0) {
            return Math.nextUp(sorted.groupScore[0]);
        }
        if (j == groups) {
            return sorted.groupScore[groups - 1];
        }
        double lowestIncluded = sorted.groupScore[j - 1];
        double highestExcluded = sorted.groupScore[j];
        double midpoint = highestExcluded + (lowestIncluded - highestExcluded) / 2;
        if (!(midpoint > highestExcluded) || midpoint > lowestIncluded) {
            return lowestIncluded;
        }
        return midpoint;
    }
}
