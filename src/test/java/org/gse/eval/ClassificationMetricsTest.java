package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    // Truth 0 0 1 1 2, predicted 0 1 1 1 0.
    private static final int[] TRUTH = {0, 0, 1, 1, 2};
    private static final int[] PREDICTED = {0, 1, 1, 1, 0};

    @Test
    void accuracyCountsMatches() {
        assertEquals(0.6, ClassificationMetrics.accuracy(TRUTH, PREDICTED), 1e-12);
        assertTrue(Double.isNaN(ClassificationMetrics.accuracy(new int[0], new int[0])));
    }

    @Test
    void macroF1MatchesScikitLearn() {
        // F1: class 0 = 2/(2+1+1) = 0.5, class 1 = 4/(4+1+0) = 0.8, class 2 = 0; mean 0.4333.
        // scikit-learn 1.x f1_score(average="macro", zero_division=0) gives 0.43333333333333335.
        assertEquals(0.43333333333333335, ClassificationMetrics.macroF1(TRUTH, PREDICTED, 3), 1e-12);
        // A fourth class that never occurs does not change the average.
        assertEquals(0.43333333333333335, ClassificationMetrics.macroF1(TRUTH, PREDICTED, 4), 1e-12);
    }

    @Test
    void confusionRowsAreTruth() {
        long[][] confusion = ClassificationMetrics.confusionMatrix(TRUTH, PREDICTED, 3);
        assertArrayEquals(new long[] {1, 1, 0}, confusion[0]);
        assertArrayEquals(new long[] {0, 2, 0}, confusion[1]);
        assertArrayEquals(new long[] {1, 0, 0}, confusion[2]);
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.confusionMatrix(new int[] {3}, new int[] {0}, 3));
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.accuracy(new int[] {0}, new int[0]));
    }
}
