package org.gse.eval;

/**
 * Classification metrics as pure functions over class indices {@code 0..classes-1}.
 *
 * <p>Macro-F1 averages the per-class F1 = 2TP / (2TP + FP + FN) over the classes that occur in the truth or in
 * the predictions. A class that occurs but is never predicted correctly has F1 0, which matches scikit-learn's
 * {@code f1_score(average="macro", zero_division=0)} with its default label set.
 */
public final class ClassificationMetrics {

    private ClassificationMetrics() {}

    /** Returns the fraction of correct predictions, NaN for empty input. */
    public static double accuracy(int[] truth, int[] predicted) {
        checkLengths(truth, predicted);
        if (truth.length == 0) {
            return Double.NaN;
        }
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == predicted[i]) {
                correct++;
            }
        }
        return correct / (double) truth.length;
    }

    /** Returns the macro-averaged F1 over classes present in truth or predictions, NaN for empty input. */
    public static double macroF1(int[] truth, int[] predicted, int classes) {
        long[][] confusion = confusionMatrix(truth, predicted, classes);
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            long truePositives = confusion[c][c];
            long actual = 0;
            long predictedCount = 0;
            for (int other = 0; other < classes; other++) {
                actual += confusion[c][other];
                predictedCount += confusion[other][c];
            }
            if (actual == 0 && predictedCount == 0) {
                continue;
            }
            long falseNegatives = actual - truePositives;
            long falsePositives = predictedCount - truePositives;
            sum += 2.0 * truePositives / (2.0 * truePositives + falsePositives + falseNegatives);
            present++;
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    /** Returns counts with rows indexed by the true class and columns by the predicted class. */
    public static long[][] confusionMatrix(int[] truth, int[] predicted, int classes) {
        checkLengths(truth, predicted);
        long[][] confusion = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
                throw new IllegalArgumentException("class index out of range 0.." + (classes - 1) + " at sample "
                        + i + ": truth " + truth[i] + ", predicted " + predicted[i]);
            }
            confusion[truth[i]][predicted[i]]++;
        }
        return confusion;
    }

    private static void checkLengths(int[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth and predictions differ in length: " + truth.length + " and "
                    + predicted.length);
        }
    }
}
