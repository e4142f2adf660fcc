package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** DeLong on cases worked out by hand; agreement with a plain numpy implementation is in MetricsReferenceTest. */
class DeLongTest {

    @Test
    void knownCaseWorkedByHand() {
        // Positives are pairs 0 and 1, negatives 2 and 3.
        // A ranks perfectly: AUC 1, all structural components 1 (positives) and 0 (negatives), variance 0.
        // B: positives {4, 1}, negatives {3, 2}: psi = [[1, 1], [0, 0]], so V10 = [1, 0], V01 = [1/2, 1/2],
        // AUC 1/2, var = s^2(V10)/m + s^2(V01)/n = 0.5/2 + 0 = 0.25, cov with A = 0.
        // z = (1 - 0.5) / sqrt(0 + 0.25 - 0) = 1, p = erfc(1 / sqrt 2) = 0.31731050786291...
        DeLong.Result r = DeLong.compare(new double[] {4, 3, 2, 1}, new double[] {4, 1, 3, 2}, new int[] {1, 1, 0, 0});
        assertEquals(1.0, r.aucA());
        assertEquals(0.5, r.aucB());
        assertEquals(0.0, r.varianceA());
        assertEquals(0.25, r.varianceB(), 1e-15);
        assertEquals(0.0, r.covariance(), 1e-15);
        assertEquals(1.0, r.z(), 1e-15);
        assertEquals(0.31731050786291415, r.pValue(), 1e-14);
    }

    @Test
    void identicalScorersHaveZeroVarianceOfTheDifference() {
        double[] s = {0.9, 0.4, 0.6, 0.2, 0.5};
        DeLong.Result r = DeLong.compare(s, s, new int[] {1, 1, 0, 0, 1});
        assertTrue(Double.isNaN(r.z()));
        assertEquals(1.0, r.pValue());
    }

    @Test
    void undefinedWithTooFewOfAClass() {
        DeLong.Result r = DeLong.compare(new double[] {0.9, 0.1, 0.2}, new double[] {0.1, 0.9, 0.2},
                new int[] {1, 0, 0});
        assertEquals(1.0, r.aucA());
        assertTrue(Double.isNaN(r.pValue()));
        assertTrue(Double.isNaN(DeLong.compare(new double[] {1, 2}, new double[] {1, 2}, new int[] {0, 0}).aucA()));
    }

    @Test
    void midranksAverageTies() {
        assertArrayEquals(new double[] {2.5, 1, 2.5, 4}, DeLong.midranks(new double[] {0.5, 0.1, 0.5, 0.9}));
    }
}
