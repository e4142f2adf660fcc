package org.gse.eval;

import java.util.Arrays;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap confidence intervals (Efron and Tibshirani, 1993, "An Introduction to the Bootstrap",
 * chapter 13) over items: test pairs (pair evaluation), queries (retrieval) or samples (classification).
 *
 * <p>Each resample draws {@code n} items with replacement from the {@code n} items (not stratified by label),
 * using {@link java.util.Random} seeded with the given seed; {@code Random}'s algorithm is fixed by the Java
 * specification, so a seed gives the same resamples on every JVM. For a given seed and number of items, every metric
 * and scorer is evaluated on the same resamples. That keeps the intervals of different metrics consistent and makes
 * {@link #paired paired} comparisons possible.
 *
 * <p>A resample on which a metric is undefined (NaN, for example AUC on a resample with one class only) is skipped
 * and counted. The interval bounds are the {@code (1 - level) / 2} and {@code (1 + level) / 2} quantiles of the
 * defined resample values, with linear interpolation between order statistics (numpy's default quantile, Hyndman
 * and Fan's type 7).
 */
public final class Bootstrap {

    /** The default number of resamples. */
    public static final int DEFAULT_RESAMPLES = 1000;
    /** The default seed. */
    public static final long DEFAULT_SEED = 42;

    /** A metric of scores and labels, such as {@link Metrics#rocAuc}. */
    @FunctionalInterface
    public interface Metric {
        double apply(double[] scores, int[] labels);
    }

    private final int resamples;
    private final long seed;
    private final double level;

    /**
     * @param resamples number of resamples, at least 1
     * @param seed seed of the resampling
     * @param level confidence level, for example 0.95
     */
    public Bootstrap(int resamples, long seed, double level) {
        if (resamples < 1) {
            throw new IllegalArgumentException("bootstrap resamples must be at least 1, got " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be between 0 and 1, got " + level);
        }
        this.resamples = resamples;
        this.seed = seed;
        this.level = level;
    }

    public int resamples() {
        return resamples;
    }

    public long seed() {
        return seed;
    }

    public double level() {
        return level;
    }

    /** Returns the resampled indices for {@code n} pairs: {@code resamples} arrays of {@code n} indices. */
    public int[][] draws(int n) {
        int[][] result = new int[resamples][];
        int[] index = {0};
        forEachDraw(n, draw -> result[index[0]++] = draw.clone());
        return result;
    }

    /**
     * Passes each resample's indices to {@code action}, reusing one array. The draws are generated again on every
     * call from a new {@code Random(seed)}, so every metric and scorer sees the same resamples without the
     * {@code resamples x n} indices being kept in memory.
     */
    private void forEachDraw(int n, java.util.function.Consumer<int[]> action) {
        Random random = new Random(seed);
        int[] draw = new int[n];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                draw[i] = random.nextInt(n);
            }
            action.accept(draw);
        }
    }

    /** Returns the metric on all pairs with its percentile interval. Empty input gives NaN throughout. */
    public Estimate estimate(double[] scores, int[] labels, Metric metric) {
        Metrics.check(scores, labels);
        double[] s = new double[scores.length];
        int[] y = new int[labels.length];
        return estimate(scores.length, indices -> {
            gather(scores, labels, indices, s, y);
            return metric.apply(s, y);
        });
    }

    /**
     * Returns a statistic on all items with its percentile interval.
     *
     * @param items number of items
     * @param statistic computes the value from item indices: {@code 0..items-1} once for the value, then each
     *     resample's indices, with repeats. The array is reused between calls, so the statistic must not keep it.
     *     A NaN result leaves that resample out of the interval and counts it as skipped.
     */
    public Estimate estimate(int items, ToDoubleFunction<int[]> statistic) {
        int[] all = new int[items];
        Arrays.setAll(all, i -> i);
        double value = statistic.applyAsDouble(all);
        if (items == 0) {
            return new Estimate(value, Double.NaN, Double.NaN, 0, resamples);
        }

        double[] values = new double[resamples];
        int[] used = {0};
        forEachDraw(items, draw -> {
            double v = statistic.applyAsDouble(draw);
            if (!Double.isNaN(v)) {
                values[used[0]++] = v;
            }
        });
        return interval(value, values, used[0]);
    }

    /**
     * Returns the mean of the defined values with its percentile interval. NaN values (for example queries without
     * a relevant sticker) are dropped before resampling, so the items are the defined values only. No defined value
     * gives NaN throughout.
     */
    public Estimate mean(double[] values) {
        double[] defined = Arrays.stream(values).filter(value -> !Double.isNaN(value)).toArray();
        return estimate(defined.length, indices -> {
            double sum = 0;
            for (int index : indices) {
                sum += defined[index];
            }
            return sum / indices.length;
        });
    }

    /**
     * Measures the difference of one metric between two scorers on the same pairs, {@code A - B}, with a paired
     * bootstrap. Both scorers are evaluated on the same resample, and the interval is that of the differences.
     *
     * <p>The two-sided p-value for "no difference" is {@code min(1, 2 * (1 + k) / (1 + B))}, where {@code B} is the
     * number of defined resamples and {@code k} the number of them whose difference is on the far side of zero:
     * {@code min(#(d <= 0), #(d >= 0))}. The +1 terms keep the p-value above zero, as a bootstrap with {@code B}
     * resamples cannot show a smaller one.
     *
     * @param metricA the metric for scorer A (for example accuracy at A's threshold)
     * @param metricB the metric for scorer B
     */
    public Difference paired(double[] scoresA, double[] scoresB, int[] labels, Metric metricA, Metric metricB) {
        Metrics.check(scoresA, labels);
        Metrics.check(scoresB, labels);
        double value = metricA.apply(scoresA, labels) - metricB.apply(scoresB, labels);
        int n = labels.length;
        if (n == 0) {
            return new Difference(new Estimate(value, Double.NaN, Double.NaN, 0, resamples), Double.NaN);
        }

        double[] values = new double[resamples];
        int[] counts = new int[3]; // defined resamples, differences <= 0, differences >= 0
        double[] a = new double[n];
        double[] b = new double[n];
        int[] y = new int[n];
        forEachDraw(n, draw -> {
            gather(scoresA, labels, draw, a, y);
            gather(scoresB, labels, draw, b, y);
            double d = metricA.apply(a, y) - metricB.apply(b, y);
            if (!Double.isNaN(d)) {
                values[counts[0]++] = d;
                if (d <= 0) {
                    counts[1]++;
                }
                if (d >= 0) {
                    counts[2]++;
                }
            }
        });

        int used = counts[0];
        double p = used == 0 ? Double.NaN : Math.min(1.0, 2.0 * (1 + Math.min(counts[1], counts[2])) / (1.0 + used));
        return new Difference(interval(value, values, used), p);
    }

    /**
     * A paired difference {@code A - B} with its interval and two-sided bootstrap p-value.
     *
     * @param estimate the observed difference and its percentile interval
     * @param pValue the two-sided p-value for a zero difference (NaN when no resample was defined)
     */
    public record Difference(Estimate estimate, double pValue) {}

    private Estimate interval(double value, double[] values, int used) {
        if (used == 0) {
            return new Estimate(value, Double.NaN, Double.NaN, 0, resamples);
        }
        double[] sorted = Arrays.copyOf(values, used);
        Arrays.sort(sorted);
        double alpha = 1 - level;
        return new Estimate(value, quantile(sorted, alpha / 2), quantile(sorted, 1 - alpha / 2), used,
                resamples - used);
    }

    /** Returns the {@code p} quantile of sorted values with linear interpolation (numpy's default, type 7). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int low = (int) Math.floor(h);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
    }

    private static void gather(double[] scores, int[] labels, int[] draw, double[] s, int[] y) {
        for (int i = 0; i < draw.length; i++) {
            s[i] = scores[draw[i]];
            y[i] = labels[draw[i]];
        }
    }
}
