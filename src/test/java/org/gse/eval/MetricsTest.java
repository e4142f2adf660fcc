package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Edge cases of the metrics; agreement with scikit-learn is in {@link MetricsReferenceTest}. */
class MetricsTest {

    private static final double[] NO_SCORES = {};
    private static final int[] NO_LABELS = {};

    @Test
    void everyMetricIsNaNOnEmptyInput() {
        assertTrue(Double.isNaN(Metrics.accuracy(NO_SCORES, NO_LABELS, 0.5)));
        assertTrue(Double.isNaN(Metrics.precision(NO_SCORES, NO_LABELS, 0.5)));
        assertTrue(Double.isNaN(Metrics.recall(NO_SCORES, NO_LABELS, 0.5)));
        assertTrue(Double.isNaN(Metrics.f1(NO_SCORES, NO_LABELS, 0.5)));
        assertTrue(Double.isNaN(Metrics.rocAuc(NO_SCORES, NO_LABELS)));
        assertTrue(Double.isNaN(Metrics.averagePrecision(NO_SCORES, NO_LABELS)));
        assertTrue(Double.isNaN(Threshold.maxAccuracy(NO_SCORES, NO_LABELS).threshold()));
    }

    @Test
    void singleClassInputHasDocumentedValues() {
        double[] scores = {0.1, 0.7, 0.9};
        int[] negatives = {0, 0, 0};
        int[] positives = {1, 1, 1};
        assertTrue(Double.isNaN(Metrics.rocAuc(scores, negatives)));
        assertTrue(Double.isNaN(Metrics.rocAuc(scores, positives)));
        assertTrue(Double.isNaN(Metrics.averagePrecision(scores, negatives)), "no positives: AP undefined");
        assertEquals(1.0, Metrics.averagePrecision(scores, positives), "no negatives: every prediction is right");
        assertTrue(Double.isNaN(Metrics.recall(scores, negatives, 0.5)), "recall without positives");
        assertEquals(0.0, Metrics.precision(scores, negatives, 0.5), "precision is defined: 2 predicted, 0 right");
        assertEquals(0.0, Metrics.f1(scores, negatives, 0.5));
        assertTrue(Double.isNaN(Metrics.f1(scores, negatives, 1.0)), "no positives and none predicted");
        assertTrue(Double.isNaN(Metrics.precision(scores, positives, 1.0)), "nothing predicted similar");
        assertEquals(0.0, Metrics.f1(scores, positives, 1.0), "positives exist but none found");
        assertEquals(1.0 / 3, Metrics.accuracy(scores, negatives, 0.5), 1e-15);
    }

    @Test
    void thresholdIsInclusive() {
        Metrics.Confusion c = Metrics.confusion(new double[] {0.5, 0.5, 0.4}, new int[] {1, 0, 1}, 0.5);
        assertEquals(new Metrics.Confusion(1, 1, 0, 1), c);
    }

    @Test
    void tiesBetweenClassesCountAHalf() {
        assertEquals(0.5, Metrics.rocAuc(new double[] {0.3, 0.3}, new int[] {1, 0}));
        // positives {0.9, 0.5}, negatives {0.5, 0.1}: pairs (0.9>0.5), (0.9>0.1), (0.5=0.5 half), (0.5>0.1).
        assertEquals(3.5 / 4, Metrics.rocAuc(new double[] {0.9, 0.5, 0.5, 0.1}, new int[] {1, 1, 0, 0}));
        // AP with a tie at the top: one threshold 0.5 gives P=1/2, R=1/2; then 0.1 gives P=2/3, R=1.
        assertEquals(0.5 * 0.5 + 0.5 * 2.0 / 3, Metrics.averagePrecision(new double[] {0.5, 0.5, 0.1},
                new int[] {1, 0, 1}), 1e-15);
    }

    @Test
    void rocCurveHasOnePointPerDistinctScore() {
        Metrics.RocCurve roc = Metrics.rocCurve(new double[] {0.9, 0.5, 0.5, 0.1}, new int[] {1, 1, 0, 0});
        assertArrayEquals(new double[] {0, 0, 0.5, 1}, roc.fpr());
        assertArrayEquals(new double[] {0, 0.5, 1, 1}, roc.tpr());
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0.9, 0.5, 0.1}, roc.thresholds());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.rocAuc(new double[] {1}, new int[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.rocAuc(new double[] {Double.NaN}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.rocAuc(new double[] {1}, new int[] {2}));
    }

    @Test
    void thresholdTiesGoToSmallest() {
        // Sorted: 0.1(0) 0.2(0) 0.4(1) 0.6(0) 0.8(1). Splits at 0.3 and at 0.7 both reach 4/5 accuracy.
        double[] scores = {0.8, 0.1, 0.4, 0.6, 0.2};
        int[] labels = {1, 0, 1, 0, 0};
        Threshold.Choice choice = Threshold.maxAccuracy(scores, labels);
        assertEquals(0.30000000000000004, choice.threshold(), 1e-15);
        assertEquals(0.8, choice.trainValue(), 1e-15);
        // F1: at 0.3 -> tp 2, fp 1, fn 0 -> 0.8; at 0.7 -> tp 1, fp 0, fn 1 -> 2/3. Best 0.3.
        Threshold.Choice f1 = Threshold.maxF1(scores, labels);
        assertEquals(choice.threshold(), f1.threshold());
        assertEquals(0.8, f1.trainValue(), 1e-15);
    }

    @Test
    void thresholdForAllOrNoneSimilar() {
        Threshold.Choice allSimilar = Threshold.maxAccuracy(new double[] {0.2, 0.9}, new int[] {1, 1});
        assertEquals(0.2, allSimilar.threshold());
        Threshold.Choice noneSimilar = Threshold.maxAccuracy(new double[] {0.2, 0.9}, new int[] {0, 0});
        assertEquals(Math.nextUp(0.9), noneSimilar.threshold());
        assertEquals(1.0, noneSimilar.trainValue());
        // Without positives F1 is 0 wherever something is called similar and undefined elsewhere (skipped).
        Threshold.Choice f1 = Threshold.maxF1(new double[] {0.2, 0.9}, new int[] {0, 0});
        assertEquals(0.0, f1.trainValue());
        assertEquals(0.2, f1.threshold());
    }

    @Test
    void thresholdBetweenAdjacentDoubles() {
        double low = 0.5;
        double high = Math.nextUp(0.5);
        Threshold.Choice choice = Threshold.maxAccuracy(new double[] {low, high}, new int[] {0, 1});
        assertEquals(high, choice.threshold());
        assertEquals(1.0, Metrics.accuracy(new double[] {low, high}, new int[] {0, 1}, choice.threshold()));
    }
}
