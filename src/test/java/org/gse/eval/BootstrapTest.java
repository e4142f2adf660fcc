package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    void indexStatisticMatchesScoreMetric() throws IOException {
        MetricsReferenceTest.ScoreSet data = cosine();
        double[] s = new double[data.scores().length];
        int[] y = new int[data.labels().length];
        Bootstrap bootstrap = new Bootstrap(300, 9, 0.9);
        Estimate byIndex = bootstrap.estimate(s.length, indices -> {
            for (int i = 0; i < indices.length; i++) {
                s[i] = data.scores()[indices[i]];
                y[i] = data.labels()[indices[i]];
            }
            return Metrics.rocAuc(s, y);
        });
        assertEquals(bootstrap.estimate(data.scores(), data.labels(), Metrics::rocAuc), byIndex);
    }

    @Test
    void meanOfConstantValuesHasZeroWidth() {
        Estimate mean = new Bootstrap(200, 1, 0.95).mean(new double[] {0.7, 0.7, 0.7});
        assertEquals(0.7, mean.value(), 1e-12);
        assertEquals(0.7, mean.low(), 1e-12);
        assertEquals(0.7, mean.high(), 1e-12);
    }

    @Test
    void meanIntervalIsReproducibleAndDropsNaN() {
        java.util.Random random = new java.util.Random(3);
        double[] values = new double[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() < 0.3 ? 1 : 0;
        }
        values[7] = Double.NaN;
        Estimate first = new Bootstrap(500, 42, 0.95).mean(values);
        assertEquals(first, new Bootstrap(500, 42, 0.95).mean(values));
        assertNotEquals(first, new Bootstrap(500, 43, 0.95).mean(values));

        double[] defined = java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        assertEquals(java.util.Arrays.stream(defined).average().orElseThrow(), first.value(), 1e-12);
        assertEquals(first, new Bootstrap(500, 42, 0.95).mean(defined), "NaN values are not items");
        assertTrue(first.low() <= first.value(), first.toString());
        assertTrue(first.value() <= first.high(), first.toString());
        assertEquals(500, first.resamples());
        assertEquals(0, first.skipped());
        // The standard error of a proportion near 0.3 over 199 items is about 0.032, so the 95% interval is
        // roughly 0.13 wide. The test accepts 0.08 to 0.18.
        double width = first.high() - first.low();
        assertTrue(width > 0.08, "interval width " + width);
        assertTrue(width < 0.18, "interval width " + width);
    }

    @Test
    void meanWithoutDefinedValuesIsNaN() {
        Estimate mean = new Bootstrap(10, 1, 0.95).mean(new double[] {Double.NaN});
        assertTrue(Double.isNaN(mean.value()));
        assertTrue(Double.isNaN(mean.low()));
        assertTrue(Double.isNaN(mean.high()));
    }

    @Test
    void invalidSettingsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Bootstrap(0, 1, 0.95));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Bootstrap(10, 1, 1.0));
        assertTrue(e.getMessage().contains("got 1.0"), e.getMessage());
    }

    @Test
    void quantileInterpolatesLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.075, Bootstrap.quantile(sorted, 0.025), 1e-12);
        assertEquals(3.925, Bootstrap.quantile(sorted, 0.975), 1e-12);
        assertEquals(2.5, Bootstrap.quantile(sorted, 0.5), 1e-12);
    }
}
