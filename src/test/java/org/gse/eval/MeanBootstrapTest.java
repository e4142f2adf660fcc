package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MeanBootstrapTest {

    @Test
    void constantValuesGiveZeroWidth() {
        MeanBootstrap.Interval interval = MeanBootstrap.meanInterval(new double[] {0.7, 0.7, 0.7}, 200, 1, 0.95);
        assertEquals(0.7, interval.estimate(), 1e-12);
        assertEquals(0.7, interval.low(), 1e-12);
        assertEquals(0.7, interval.high(), 1e-12);
    }

    @Test
    void seededIntervalIsReproducibleAndCoversMean() {
        Random random = new Random(3);
        double[] values = new double[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() < 0.3 ? 1 : 0;
        }
        values[7] = Double.NaN;
        MeanBootstrap.Interval first = MeanBootstrap.meanInterval(values, 500, 42, 0.95);
        MeanBootstrap.Interval second = MeanBootstrap.meanInterval(values, 500, 42, 0.95);
        assertEquals(first, second);
        assertTrue(first.low() <= first.estimate(), first.toString());
        assertTrue(first.estimate() <= first.high(), first.toString());
        // The standard error of a proportion near 0.3 over 199 items is about 0.032, so the 95% interval is
        // roughly 0.13 wide; accept 0.08 to 0.18.
        double width = first.high() - first.low();
        assertTrue(width > 0.08, "interval width " + width);
        assertTrue(width < 0.18, "interval width " + width);
    }

    @Test
    void emptyAndInvalidInput() {
        assertTrue(Double.isNaN(MeanBootstrap.meanInterval(new double[] {Double.NaN}, 10, 1, 0.95).estimate()));
        assertThrows(IllegalArgumentException.class, () -> MeanBootstrap.meanInterval(new double[] {1}, 0, 1, 0.95));
        assertThrows(IllegalArgumentException.class, () -> MeanBootstrap.meanInterval(new double[] {1}, 10, 1, 1.0));
    }

    @Test
    void quantileMatchesNumpyLinear() {
        // numpy.quantile([1, 2, 3, 4], 0.5) = 2.5 and numpy.quantile([1, 2, 3, 4], 0.025) = 1.075.
        assertEquals(2.5, MeanBootstrap.quantile(new double[] {1, 2, 3, 4}, 0.5), 1e-12);
        assertEquals(1.075, MeanBootstrap.quantile(new double[] {1, 2, 3, 4}, 0.025), 1e-12);
    }
}
