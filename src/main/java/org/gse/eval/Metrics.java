package org.gse.eval;

/**
 * Binary classification metrics over scores and 0/1 labels: pure functions of arrays, with the same definitions
 * as scikit-learn so that the numbers can be checked against it (the tests do, to 1e-9, with values computed by
 * {@code tools/metrics_reference.py}).
 *
 * <p><b>Conventions.</b> {@code labels[i]} is 1 for a similar pair (the positive class) and 0 otherwise;
 * {@code scores[i]} is higher for more similar pairs. A pair is predicted similar when
 * {@code score >= threshold}. Scores must not be NaN (infinities are allowed).
 *
 * <p><b>Undefined cases</b> return {@link Double#NaN} rather than a number that looks like a measurement:
 * <ul>
 *   <li>every metric on empty input;
 *   <li>precision when nothing is predicted similar (scikit-learn returns 0 with a warning there);
 *   <li>recall when there is no similar pair (scikit-learn: 0 with a warning);
 *   <li>F1, defined as {@code 2tp / (2tp + fp + fn)}, when {@code tp + fp + fn = 0}, that is, no similar pair and
 *       none predicted (scikit-learn: 0 with a warning); F1 is 0, as in scikit-learn, when there are positives
 *       but none is found;
 *   <li>AUC-ROC when only one class is present (scikit-learn raises an error);
 *   <li>average precision when there is no similar pair (scikit-learn returns a meaningless -0 with a warning).
 *       With no dissimilar pair it is 1, as in scikit-learn.
 * </ul>
 * Accuracy is defined whenever the input is not empty.
 *
 * <p><b>Ties.</b> Rank metrics treat equal scores as one threshold, like scikit-learn: the ROC curve has one point
 * per distinct score and AUC is the trapezoid area under it, so a tie between a positive and a negative counts a
 * half; average precision steps once per distinct score (see {@link #averagePrecision}).
 */
public final class Metrics {

    private Metrics() {}

    /** Counts of a thresholded prediction. */
    public record Confusion(long tp, long fp, long tn, long fn) {
        public long total() {
            return tp + fp + tn + fn;
        }

        public double accuracy() {
            long n = total();
            return n == 0 ? Double.NaN : (double) (tp + tn) / n;
        }

        public double precision() {
            return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        }

        public double recall() {
            return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
        }

        public double f1() {
            long denominator = 2 * tp + fp + fn;
            return denominator == 0 ? Double.NaN : (double) (2 * tp) / denominator;
        }
    }

    /** Counts true and false positives and negatives when pairs with {@code score >= threshold} are similar. */
    public static Confusion confusion(double[] scores, int[] labels, double threshold) {
        check(scores, labels);
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean predicted = scores[i] >= threshold;
            if (labels[i] == 1) {
                if (predicted) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (predicted) {
                fp++;
            } else {
                tn++;
            }
        }
        return new Confusion(tp, fp, tn, fn);
    }

    public static double accuracy(double[] scores, int[] labels, double threshold) {
        return confusion(scores, labels, threshold).accuracy();
    }

    public static double precision(double[] scores, int[] labels, double threshold) {
        return confusion(scores, labels, threshold).precision();
    }

    public static double recall(double[] scores, int[] labels, double threshold) {
        return confusion(scores, labels, threshold).recall();
    }

    public static double f1(double[] scores, int[] labels, double threshold) {
        return confusion(scores, labels, threshold).f1();
    }

    /**
     * The ROC curve: one point per distinct score, from the highest down, starting at (0, 0); the last point is
     * (1, 1). Like scikit-learn's {@code roc_curve} with {@code drop_intermediate=False}, except that the first
     * threshold is {@code +Infinity} here too.
     *
     * @param fpr false positive rates; NaN when there are no negatives
     * @param tpr true positive rates; NaN when there are no positives
     * @param thresholds the score threshold of each point (similar when {@code score >= threshold})
     */
    public record RocCurve(double[] fpr, double[] tpr, double[] thresholds) {}

    public static RocCurve rocCurve(double[] scores, int[] labels) {
        Sorted sorted = Sorted.descending(scores, labels);
        int groups = sorted.groupCount();
        double[] fpr = new double[groups + 1];
        double[] tpr = new double[groups + 1];
        double[] thresholds = new double[groups + 1];
        thresholds[0] = Double.POSITIVE_INFINITY;
        long positives = sorted.positives;
        long negatives = sorted.n() - positives;
        fpr[0] = negatives == 0 ? Double.NaN : 0;
        tpr[0] = positives == 0 ? Double.NaN : 0;
        for (int g = 0; g < groups; g++) {
            fpr[g + 1] = negatives == 0 ? Double.NaN : (double) sorted.cumulativeFp[g] / negatives;
            tpr[g + 1] = positives == 0 ? Double.NaN : (double) sorted.cumulativeTp[g] / positives;
            thresholds[g + 1] = sorted.groupScore[g];
        }
        return new RocCurve(fpr, tpr, thresholds);
    }

    /**
     * Area under the ROC curve, as scikit-learn's {@code roc_auc_score}: the trapezoid area over the curve's points
     * at distinct thresholds. This equals the probability that a random similar pair scores above a random
     * dissimilar one, ties counting a half (the Mann-Whitney statistic). NaN when either class is absent.
     */
    public static double rocAuc(double[] scores, int[] labels) {
        Sorted sorted = Sorted.descending(scores, labels);
        long positives = sorted.positives;
        long negatives = sorted.n() - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        // Twice the area in count units, exact in integers: sum of (fp step) * (tp before + tp after).
        long twiceArea = 0;
        long previousTp = 0;
        long previousFp = 0;
        for (int g = 0; g < sorted.groupCount(); g++) {
            long tp = sorted.cumulativeTp[g];
            long fp = sorted.cumulativeFp[g];
            twiceArea += (fp - previousFp) * (tp + previousTp);
            previousTp = tp;
            previousFp = fp;
        }
        return twiceArea / (2.0 * positives * negatives);
    }

    /**
     * Average precision, as scikit-learn's {@code average_precision_score}: {@code sum_k (R_k - R_(k-1)) P_k} over
     * the distinct scores taken from the highest down as thresholds, where {@code P_k} and {@code R_k} are the
     * precision and recall when pairs scoring at least the k-th distinct score are predicted similar. This is the
     * step-function area under the precision-recall curve, not the interpolated one. NaN when there is no similar
     * pair.
     */
    public static double averagePrecision(double[] scores, int[] labels) {
        Sorted sorted = Sorted.descending(scores, labels);
        long positives = sorted.positives;
        if (positives == 0) {
            return Double.NaN;
        }
        double sum = 0;
        long previousTp = 0;
        for (int g = 0; g < sorted.groupCount(); g++) {
            long tp = sorted.cumulativeTp[g];
            long predicted = tp + sorted.cumulativeFp[g];
            if (tp != previousTp) {
                sum += (double) (tp - previousTp) / positives * ((double) tp / predicted);
            }
            previousTp = tp;
        }
        return sum;
    }

    /** Checks that the arrays have the same length, labels are 0 or 1 and no score is NaN. */
    static void check(double[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("scores and labels differ in length: " + scores.length + " and "
                    + labels.length);
        }
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("label " + i + " is " + labels[i] + "; labels must be 0 or 1");
            }
        }
    }

    /** Scores sorted from the highest down, grouped into runs of equal scores with cumulative counts per run. */
    static final class Sorted {
        final double[] groupScore;
        final long[] cumulativeTp;
        final long[] cumulativeFp;
        final long positives;
        private final int groups;
        private final int n;

        private Sorted(double[] groupScore, long[] cumulativeTp, long[] cumulativeFp, int groups, long positives,
                int n) {
            this.groupScore = groupScore;
            this.cumulativeTp = cumulativeTp;
            this.cumulativeFp = cumulativeFp;
            this.groups = groups;
            this.positives = positives;
            this.n = n;
        }

        int groupCount() {
            return groups;
        }

        int n() {
            return n;
        }

        static Sorted descending(double[] scores, int[] labels) {
            check(scores, labels);
            int n = scores.length;
            // Indices by ascending score, walked from the end so that each run of equal scores ends a group.
            int[] order = sortIndicesByScore(scores);
            double[] groupScore = new double[n];
            long[] tp = new long[n];
            long[] fp = new long[n];
            int groups = 0;
            long runningTp = 0;
            long runningFp = 0;
            long positives = 0;
            for (int k = n - 1; k >= 0; k--) {
                int i = order[k];
                if (labels[i] == 1) {
                    runningTp++;
                    positives++;
                } else {
                    runningFp++;
                }
                boolean lastOfGroup = k == 0 || scores[order[k - 1]] != scores[i];
                if (lastOfGroup) {
                    groupScore[groups] = scores[i];
                    tp[groups] = runningTp;
                    fp[groups] = runningFp;
                    groups++;
                }
            }
            return new Sorted(groupScore, tp, fp, groups, positives, n);
        }
    }

    /** Returns indices sorted by ascending score (stable merge sort); -0.0 and 0.0 count as equal scores. */
    static int[] sortIndicesByScore(double[] scores) {
        int n = scores.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] buffer = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int low = 0; low < n - width; low += 2 * width) {
                int middle = low + width;
                int high = Math.min(low + 2 * width, n);
                int i = low;
                int j = middle;
                int k = low;
                while (i < middle && j < high) {
                    // "<=" keeps equal scores in index order; the primitive comparison treats -0.0 == 0.0.
                    buffer[k++] = scores[order[i]] <= scores[order[j]] ? order[i++] : order[j++];
                }
                while (i < middle) {
                    buffer[k++] = order[i++];
                }
                while (j < high) {
                    buffer[k++] = order[j++];
                }
                System.arraycopy(buffer, low, order, low, high - low);
            }
        }
        return order;
    }
}
