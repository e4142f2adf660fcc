package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hand-computed cases; each comment shows the arithmetic. */
class RetrievalMetricsTest {

    @Test
    void ranksAndMetricsForMixedList() {
        // Ranked: 0.9 no, 0.8 yes, 0.7 no, 0.6 yes, 0.5 no; two relevant stickers exist.
        int[] ranks = RetrievalMetrics.relevantRanks(new double[] {0.6, 0.9, 0.5, 0.8, 0.7},
                new boolean[] {true, false, false, true, false});
        assertArrayEquals(new int[] {2, 4}, ranks);
        assertEquals(0.0, RetrievalMetrics.recallAtK(ranks, 2, 1));
        assertEquals(1.0, RetrievalMetrics.recallAtK(ranks, 2, 2));
        assertEquals(1.0, RetrievalMetrics.recallAtK(ranks, 2, 5));
        assertEquals(0.5, RetrievalMetrics.reciprocalRank(ranks, 2));
        // AP = (1/2 + 2/4) / 2 = 0.5
        assertEquals(0.5, RetrievalMetrics.averagePrecision(ranks, 2), 1e-12);
    }

    @Test
    void averagePrecisionMatchesScikitLearn() {
        // scikit-learn 1.2.1: average_precision_score([1, 0, 1, 0, 0, 1, 0, 1],
        // [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]) = 0.6666666666666666; without ties and with every relevant
        // item retrieved, it equals this class's average precision.
        int[] ranks = RetrievalMetrics.relevantRanks(new double[] {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2},
                new boolean[] {true, false, true, false, false, true, false, true});
        assertEquals(0.6666666666666666, RetrievalMetrics.averagePrecision(ranks, 4), 1e-12);
    }

    @Test
    void tiesRankNonRelevantFirst() {
        // 0.9 relevant and 0.9 non-relevant tie: the non-relevant one takes rank 1 in either input order.
        int[] ranks = RetrievalMetrics.relevantRanks(new double[] {0.9, 0.9, 0.5}, new boolean[] {true, false, false});
        int[] swapped = RetrievalMetrics.relevantRanks(new double[] {0.9, 0.9, 0.5}, new boolean[] {false, true, false});
        assertArrayEquals(new int[] {2}, ranks);
        assertArrayEquals(ranks, swapped);
        assertEquals(0.0, RetrievalMetrics.recallAtK(ranks, 1, 1));
        assertEquals(0.5, RetrievalMetrics.reciprocalRank(ranks, 1));
        // Two relevant stickers tied with each other keep both ranks: 1 and 2, AP = (1/1 + 2/2) / 2 = 1.
        int[] both = RetrievalMetrics.relevantRanks(new double[] {0.7, 0.7, 0.1}, new boolean[] {true, true, false});
        assertEquals(1.0, RetrievalMetrics.averagePrecision(both, 2), 1e-12);
    }

    @Test
    void truncatedListCountsMissingAsZero() {
        // Three relevant stickers exist; the list found two, at ranks 1 and 3: AP = (1/1 + 2/3) / 3.
        assertEquals((1.0 + 2.0 / 3.0) / 3.0, RetrievalMetrics.averagePrecision(new int[] {1, 3}, 3), 1e-12);
        // None retrieved: R@k, reciprocal rank and AP are 0, not undefined.
        assertEquals(0.0, RetrievalMetrics.recallAtK(new int[0], 2, 10));
        assertEquals(0.0, RetrievalMetrics.reciprocalRank(new int[0], 2));
        assertEquals(0.0, RetrievalMetrics.averagePrecision(new int[0], 2));
    }

    @Test
    void queryWithoutRelevantIsUndefined() {
        // The query's label occurs once, so no relevant sticker exists: every metric is NaN.
        int[] ranks = RetrievalMetrics.relevantRanks(new double[] {0.9, 0.1}, new boolean[] {false, false});
        assertTrue(Double.isNaN(RetrievalMetrics.recallAtK(ranks, 0, 1)));
        assertTrue(Double.isNaN(RetrievalMetrics.reciprocalRank(ranks, 0)));
        assertTrue(Double.isNaN(RetrievalMetrics.averagePrecision(ranks, 0)));
        // Means skip NaN: (1 + 0) / 2, and report one skipped query.
        double[] perQuery = {1.0, Double.NaN, 0.0};
        assertEquals(0.5, RetrievalMetrics.meanOfDefined(perQuery));
        assertEquals(1, RetrievalMetrics.countUndefined(perQuery));
        assertTrue(Double.isNaN(RetrievalMetrics.meanOfDefined(new double[] {Double.NaN})));
        assertTrue(Double.isNaN(RetrievalMetrics.meanOfDefined(new double[0])));
    }

    @Test
    void invalidInputRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.relevantRanks(new double[] {1, 2}, new boolean[] {true}));
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.recallAtK(new int[] {1}, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.averagePrecision(new int[] {1, 2}, 1));
    }
}
