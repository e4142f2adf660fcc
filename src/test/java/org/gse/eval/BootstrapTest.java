package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    private static MetricsReferenceTest.ScoreSet cosine() throws IOException {
        return MetricsReferenceTest.readSet("score-sets/cosine.csv");
    }

    @Test
    void seededIntervalsAreReproducible() throws IOException {
        MetricsReferenceTest.ScoreSet data = cosine();
        for (String metric : Evaluation.METRICS) {
            Bootstrap.Metric m = Evaluator.metric(metric, 0.6);
            Estimate a = new Bootstrap(1000, 7, 0.95).estimate(data.scores(), data.labels(), m);
            Estimate b = new Bootstrap(1000, 7, 0.95).estimate(data.scores(), data.labels(), m);
            Estimate other = new Bootstrap(1000, 8, 0.95).estimate(data.scores(), data.labels(), m);
            assertEquals(a, b, metric + ": same seed, same interval");
            if (metric.equals("auc") || metric.equals("ap")) {
                assertNotEquals(a.low(), other.low(), metric + ": another seed, other resamples");
            }
            assertTrue(a.low() <= a.value(), metric + " interval contains the value: " + a);
            assertTrue(a.value() <= a.high(), metric + " interval contains the value: " + a);
            assertTrue(a.high() - a.low() < 0.25, metric + " interval too wide: " + a);
            assertEquals(1000, a.resamples());
            assertEquals(0, a.skipped());
        }
    }

    @Test
    void resamplesDependOnlyOnSeedAndSize() {
        int[][] first = new Bootstrap(50, 11, 0.95).draws(30);
        assertTrue(java.util.Arrays.deepEquals(first, new Bootstrap(50, 11, 0.95).draws(30)));
        assertTrue(!java.util.Arrays.deepEquals(first, new Bootstrap(50, 12, 0.95).draws(30)));
        assertEquals(50, first.length);
        assertEquals(30, first[0].length);
    }

    @Test
    void undefinedResamplesAreSkippedAndCounted() {
        // One positive in five: about a third of resamples have no positive, where AUC is undefined.
        double[] scores = {0.9, 0.1, 0.2, 0.3, 0.4};
        int[] labels = {1, 0, 0, 0, 0};
        Estimate auc = new Bootstrap(500, 1, 0.95).estimate(scores, labels, Metrics::rocAuc);
        assertEquals(1.0, auc.value());
        assertTrue(auc.skipped() > 100, "skipped " + auc.skipped());
        assertTrue(auc.skipped() < 250, "skipped " + auc.skipped());
        assertEquals(500, auc.resamples() + auc.skipped());
        assertEquals(1.0, auc.low());
        assertEquals(1.0, auc.high());
    }

    @Test
    void emptyInputGivesNaN() {
        Estimate e = new Bootstrap(10, 1, 0.95).estimate(new double[0], new int[0], Metrics::rocAuc);
        assertTrue(Double.isNaN(e.value()));
        assertTrue(Double.isNaN(e.low()));
        assertTrue(Double.isNaN(e.high()));
    }

    @Test
    void pairedSelfDifferenceIsZero() throws IOException {
        MetricsReferenceTest.ScoreSet data = cosine();
        Bootstrap.Difference d = new Bootstrap(200, 3, 0.95).paired(data.scores(), data.scores(), data.labels(),
                Metrics::rocAuc, Metrics::rocAuc);
        assertEquals(0, d.estimate().value());
        assertEquals(0, d.estimate().low());
        assertEquals(0, d.estimate().high());
        assertEquals(1.0, d.pValue());
    }

    @Test
    void pairedDifferenceDetectsAClearlyBetterScorer() throws IOException {
        MetricsReferenceTest.ScoreSet data = cosine();
        double[] noise = new double[data.scores().length];
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextDouble();
        }
        Bootstrap.Difference d = new Bootstrap(1000, 3, 0.95).paired(data.scores(), noise, data.labels(),
                Metrics::rocAuc, Metrics::rocAuc);
        assertTrue(d.estimate().low() > 0, d.toString());
        assertEquals(2.0 / 1001, d.pValue(), 1e-12, "no resample at or below zero: the smallest p 1000 can show");
    }

    @Test
    void quantileInterpolatesLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.075, Bootstrap.quantile(sorted, 0.025), 1e-12);
        assertEquals(3.925, Bootstrap.quantile(sorted, 0.975), 1e-12);
        assertEquals(2.5, Bootstrap.quantile(sorted, 0.5), 1e-12);
    }
}
