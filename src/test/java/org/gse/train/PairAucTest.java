package org.gse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairAucTest {

    @Test
    void aucCountsTiesAsHalf() {
        double[] scores = {0.1, 0.4, 0.4, 0.8};
        boolean[] labels = {false, false, true, true};
        // Positive-negative pairs: (0.4 vs 0.1) 1, (0.4 vs 0.4) 0.5, (0.8 vs both) 2 -> 3.5 / 4
        assertEquals(0.875, PairAuc.auc(scores, labels), 1e-12);
    }

    @Test
    void aucOfOneClassIsNaN() {
        assertTrue(Double.isNaN(PairAuc.auc(new double[] {1, 2}, new boolean[] {true, true})));
    }

    @Test
    void thresholdSeparatesSeparableScores() {
        double[] result = PairAuc.bestThreshold(new double[] {0.1, 0.2, 0.7, 0.9},
                new boolean[] {false, false, true, true});
        assertEquals(0.45, result[0], 1e-12);
        assertEquals(1.0, result[1], 1e-12);
    }
}
